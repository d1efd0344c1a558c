//! Checks our askama components against govuk-frontend's own fixtures
//! (`tests/fixtures/<component>.json`, copied from govuk-frontend 6.6 by
//! `scripts/vendor-govuk.sh`).
//!
//! For each component, every fixture named in [`SUPPORTED`] is built from its
//! Nunjucks options by a small mapping function (which must use every option
//! the fixture sets: an option it does not understand fails the test),
//! rendered, and compared with the fixture's `html` after normalising
//! whitespace, attribute order and character references.
//!
//! Run with `-- --nocapture` to see how many fixtures are checked per
//! component. Set `SAFEGUARD_FIXTURES_ALL=1` to also try the fixtures that are
//! not listed and report which of them would pass (useful after upgrading
//! govuk-frontend).

// Test helpers outside `#[test]` functions: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::cell::RefCell;
use std::collections::BTreeSet;

use askama::Template;
use safeguard_ui::components::*;
use serde_json::{Map, Value};
use support::html;

/// The fixtures we check, per component. Fixtures left out use options our
/// structs deliberately do not support; the reason is noted per component.
const SUPPORTED: &[(&str, &[&str])] = &[
    (
        "back-link",
        &[
            "default",
            "inverse",
            "classes",
            "html as text",
            "html",
            "with custom text and link",
            "attributes",
        ],
    ),
    (
        "button",
        &[
            "default",
            "default hover state",
            "default active state",
            "default focus state",
            "disabled",
            "link",
            "start",
            "secondary",
            "secondary hover state",
            "secondary active state",
            "secondary focus state",
            "secondary disabled",
            "warning",
            "warning hover state",
            "warning active state",
            "warning focus state",
            "warning disabled",
            "inverse",
            "inverse hover state",
            "inverse active state",
            "inverse focus state",
            "inverse disabled",
            "attributes",
            "link attributes",
            "classes",
            "link classes",
            "name",
            "type",
            "explicit link",
            "value",
            "html",
            "no type",
            "no data-prevent-double-click",
            "don't prevent double click",
            "id",
            "start link",
            "start link with html",
            "prevent double click",
        ],
    ),
    (
        "checkboxes",
        // Not checked: falsy entries in `items` (a Nunjucks-only input a typed Vec cannot hold).
        &[
            "default",
            "with hint",
            "with pre-checked values",
            "with divider and None",
            "with divider, None and conditional items",
            "with hints on items",
            "with legend as a page heading",
            "with error message",
            "with very long option text",
            "with conditional items",
            "with optional form-group classes showing group error",
            "small",
            "small with long text",
            "small with error",
            "small with hint",
            "small with conditional reveal",
            "small with divider and None",
            "with id and name",
            "with disabled item",
            "with idPrefix",
            "classes",
            "with fieldset describedBy",
            "attributes",
            "with checked item",
            "items with attributes",
            "empty conditional",
            "with label classes",
            "multiple hints",
            "with conditional items with special characters",
            "with error message and hint",
            "with error, hint and fieldset describedBy",
            "label with attributes",
            "fieldset params",
            "fieldset html params",
            "with single option set 'aria-describedby' on input, and describedBy",
            "with single option (and hint) set 'aria-describedby' on input, and describedBy",
            "with error and idPrefix",
            "with error message and fieldset describedBy",
            "with conditional item checked",
            "item checked overrides values",
            "textarea in conditional",
        ],
    ),
    (
        "details",
        &[
            "default",
            "expanded",
            "id",
            "html as text",
            "html",
            "summary html as text",
            "summary html",
            "classes",
            "attributes",
            "with html",
        ],
    ),
    (
        "error-message",
        &[
            "default",
            "translated",
            "id",
            "classes",
            "html as text",
            "html",
            "attributes",
            "with visually hidden text",
            "visually hidden text removed",
        ],
    ),
    (
        "error-summary",
        &[
            "default",
            "without links",
            "mixed with and without links",
            "with description only",
            "with everything",
            "html as titleText",
            "title html",
            "description",
            "html as descriptionText",
            "description html",
            "classes",
            "attributes",
            "error list with attributes",
            "error list with html as text",
            "error list with html",
            "error list with html link",
            "error list with html as text link",
            "autofocus disabled",
            "autofocus explicitly enabled",
        ],
    ),
    (
        "fieldset",
        &[
            "default",
            "styled as xl text",
            "styled as large text",
            "styled as medium text",
            "styled as small text",
            "as page heading xl",
            "as page heading l",
            "as page heading m",
            "as page heading s",
            "as page heading without class",
            "html fieldset content",
            "with describedBy",
            "html as text",
            "html",
            "legend classes",
            "classes",
            "role",
            "attributes",
        ],
    ),
    (
        "footer",
        // Not checked: `copyright`: we render no Crown copyright link. (The crown, the OGL logo and the
        // default OGL statement are removed from every expected footer: see `expected_nodes`.).
        &[
            "default",
            "with no content licence",
            "with custom meta",
            "with only custom meta",
            "with meta links and meta content",
            "with only meta links",
            "with default width navigation (one column)",
            "with default width navigation (two columns)",
            "with navigation",
            "Full GDS example",
            "Three equal columns",
            "attributes",
            "classes",
            "with container classes",
            "with empty meta",
            "with empty meta items",
            "with meta",
            "meta html as text",
            "with meta html",
            "with meta item attributes",
            "with empty navigation",
            "with navigation item attributes",
        ],
    ),
    (
        "generic-header",
        &[
            "default",
            "with image logo",
            "with text and image logo",
            "full width",
            "attributes",
            "classes",
            "custom url",
        ],
    ),
    (
        "hint",
        &[
            "default",
            "with html",
            "classes",
            "id",
            "html as text",
            "attributes",
        ],
    ),
    (
        "input",
        &[
            "default",
            "with hint text",
            "with error message",
            "with error and hint",
            "with width-2 class",
            "with width-3 class",
            "with width-4 class",
            "with width-5 class",
            "with width-10 class",
            "with width-20 class",
            "with width-30 class",
            "with label as page heading",
            "with prefix",
            "with suffix",
            "with prefix and suffix",
            "with prefix and suffix and error",
            "with prefix and suffix and width modifier",
            "with extra letter spacing",
            "classes",
            "id",
            "custom type",
            "value",
            "zero value",
            "with describedBy",
            "attributes",
            "hint with describedBy",
            "error with describedBy",
            "with error, hint and describedBy",
            "inputmode",
            "with prefix with html as text",
            "with prefix with html",
            "with prefix with classes",
            "with prefix with attributes",
            "with suffix with html as text",
            "with suffix with html",
            "with suffix with classes",
            "with suffix with attributes",
            "with customised input wrapper",
            "with optional form-group classes",
            "with autocomplete attribute",
            "with pattern attribute",
            "with spellcheck enabled",
            "with spellcheck disabled",
            "with autocapitalize turned off",
            "disabled",
        ],
    ),
    (
        "inset-text",
        &[
            "default",
            "with html",
            "classes",
            "id",
            "html as text",
            "attributes",
        ],
    ),
    (
        "label",
        &[
            "default",
            "with bold text",
            "styled as xl text",
            "styled as large text",
            "styled as medium text",
            "styled as small text",
            "as page heading xl",
            "as page heading l",
            "as page heading m",
            "as page heading s",
            "as page heading without class",
            "empty",
            "classes",
            "html as text",
            "html",
            "for",
            "attributes",
        ],
    ),
    (
        "notification-banner",
        &[
            "default",
            "with text as html",
            "with type as success",
            "with long heading",
            "with lots of content",
            "custom title",
            "title as html",
            "title html as text",
            "custom title heading level",
            "custom title id",
            "custom title id with type as success",
            "custom text",
            "html as text",
            "custom role",
            "classes",
            "attributes",
            "with invalid type",
            "auto-focus disabled, with type as success",
            "auto-focus explicitly enabled, with type as success",
            "role=alert overridden to role=region, with type as success",
            "custom tabindex",
        ],
    ),
    (
        "pagination",
        // Not checked: null and empty entries in `items` (Nunjucks-only inputs a typed Vec cannot hold).
        &[
            "default",
            "with custom link and item text",
            "with many pages",
            "first page",
            "last page",
            "with prev and next only",
            "with prev and next only and labels",
            "with prev and next only and very long labels",
            "with previous only",
            "with next only",
            "with custom classes",
            "with custom attributes",
            "with custom navigation landmark",
            "with custom accessible labels on item links",
        ],
    ),
    (
        "panel",
        // Not checked: `actions` of the interruption panel (not needed by Safeguard).
        &[
            "default",
            "title html as text",
            "title html",
            "body html as text",
            "body html",
            "classes",
            "attributes",
            "title with no body text",
            "custom heading level",
            "interruption with custom classes",
            "interruption, no actions",
        ],
    ),
    (
        "phase-banner",
        &[
            "default",
            "classes",
            "text",
            "html as text",
            "attributes",
            "tag html",
            "tag classes",
        ],
    ),
    (
        "radios",
        // Not checked: falsy entries in `items` (a Nunjucks-only input a typed Vec cannot hold).
        &[
            "default",
            "with hint",
            "inline",
            "with legend as page heading",
            "with a divider",
            "with hints on items",
            "without fieldset",
            "with fieldset and error message",
            "with very long option text",
            "with conditional items",
            "with conditional item checked",
            "with optional form-group classes showing group error",
            "small",
            "small with long text",
            "small with error",
            "small with hint",
            "small with conditional reveal",
            "small inline",
            "small with a divider",
            "with idPrefix",
            "minimal items and name",
            "fieldset with describedBy",
            "attributes",
            "items with attributes",
            "with empty conditional",
            "label with classes",
            "with hints on parent and items",
            "with describedBy and hint",
            "with error message",
            "with error message and idPrefix",
            "with hint and error message",
            "with hint, error message and describedBy",
            "label with attributes",
            "fieldset params",
            "fieldset with html",
            "with fieldset, error message and describedBy",
            "item checked overrides value",
            "textarea in conditional",
            "with disabled",
            "prechecked using value",
            "with conditional items with special characters",
            "with conditional items and pre-checked value",
        ],
    ),
    (
        "select",
        // Not checked: falsy entries in `items` (a Nunjucks-only input a typed Vec cannot hold).
        &[
            "default",
            "with hint text and error message",
            "with label as page heading",
            "with full width override",
            "with describedBy",
            "attributes",
            "attributes on items",
            "hint",
            "hint and describedBy",
            "error",
            "error and describedBy",
            "without values",
            "without values with selected value",
            "with falsy values",
            "item selected overrides value",
            "id",
            "with selected value",
            "with optional form-group classes",
        ],
    ),
    (
        "service-navigation",
        &[
            "default",
            "with navigation with a current item",
            "with large navigation",
            "with HTML navigation items",
            "with non-link navigation items",
            "with service name",
            "with service link",
            "with long service name",
            "with service name and navigation",
            "inverse",
            "with collapseNavigationOnMobile set to false",
            "with a single navigation item",
            "with a single navigation item and collapseNavigationOnMobile set to true",
            "with no options set",
            "attributes",
            "classes",
            "with custom aria-label",
            "with custom navigation toggle text",
            "with custom navigation toggle label",
            "with identical navigation toggle text and label",
            "with custom navigation label",
            "with custom navigation toggle text and navigation label",
            "with custom navigation classes",
            "with custom navigation ID",
            "with navigation having empty values",
            "with navigation having only empty values",
            "with navigation being an empty array",
            "with navigation with an active item",
            "with language navigation",
            "with right-aligned language navigation",
            "inverse with language navigation",
            "with slotted content",
            "with `inline` end slot",
        ],
    ),
    (
        "skip-link",
        &[
            "default",
            "with focus",
            "no href",
            "custom href",
            "custom text",
            "html as text",
            "html",
            "classes",
            "attributes",
        ],
    ),
    (
        "summary-list",
        // Not checked: falsy entries in `rows` (a Nunjucks-only input a typed Vec cannot hold).
        &[
            "default",
            "with actions",
            "no-border",
            "no-border on last row",
            "extreme",
            "as a summary card with a text header",
            "as a summary card with a html header",
            "as a summary card with actions",
            "as a summary card with actions plus summary list actions",
            "as a summary card extreme",
            "attributes",
            "key with html",
            "key with classes",
            "value with html",
            "actions href",
            "actions with html",
            "actions with classes",
            "actions with attributes",
            "single action with anchor",
            "classes on items",
            "empty items array",
            "rows with classes",
            "summary card with custom classes",
            "summary card with custom attributes",
            "summary card with only 1 action",
            "translated",
            "with some actions",
            "overridden-widths",
            "as a summary card with a custom header level",
        ],
    ),
    (
        "table",
        // Not checked: falsy entries in `rows` (a Nunjucks-only input a typed Vec cannot hold).
        &[
            "default",
            "with head",
            "with head and caption",
            "classes",
            "attributes",
            "html as text",
            "html",
            "head with classes",
            "head with rowspan and colspan",
            "head with attributes",
            "with firstCellIsHeader true",
            "firstCellIsHeader with classes",
            "firstCellIsHeader with html",
            "firstCellIsHeader with html as text",
            "firstCellIsHeader with rowspan and colspan",
            "firstCellIsHeader with attributes",
            "rows with classes",
            "rows with rowspan and colspan",
            "rows with attributes",
            "with small text modifier for tables with a lot of data",
        ],
    ),
    (
        "tag",
        &[
            "default",
            "grey",
            "turquoise",
            "green",
            "purple",
            "pink",
            "red",
            "orange",
            "yellow",
            "attributes",
            "html as text",
            "html",
        ],
    ),
    (
        "textarea",
        &[
            "default",
            "with hint",
            "with error message",
            "with default value",
            "with custom rows",
            "with label as page heading",
            "id",
            "classes",
            "attributes",
            "with describedBy",
            "with hint and described by",
            "with error message and described by",
            "with hint and error message",
            "with hint, error message and described by",
            "with optional form-group classes",
            "with autocomplete attribute",
            "with spellcheck enabled",
            "with spellcheck disabled",
        ],
    ),
    (
        "warning-text",
        &[
            "default",
            "multiple lines",
            "attributes",
            "classes",
            "html",
            "html as text",
            "icon fallback text only",
            "no icon fallback text",
        ],
    ),
];

type Build = fn(&Opts<'_>) -> Result<String, String>;

fn builder(component: &str) -> Build {
    match component {
        "back-link" => |o| render(back_link(o)),
        "button" => |o| render(button(o)),
        "checkboxes" => |o| render(checkboxes(o)?),
        "details" => |o| render(details(o)),
        "error-message" => |o| render(error_message(o)),
        "error-summary" => |o| render(error_summary(o)?),
        "fieldset" => |o| render(fieldset(o)),
        "footer" => |o| render(footer(o)?),
        "generic-header" => |o| render(header(o)),
        "hint" => |o| render(hint(o)),
        "input" => |o| render(text_input(o)),
        "inset-text" => |o| render(inset_text(o)),
        "label" => |o| render(label(o)),
        "notification-banner" => |o| render(notification_banner(o)),
        "pagination" => |o| render(pagination(o)?),
        "panel" => |o| render(panel(o)?),
        "phase-banner" => |o| render(phase_banner(o)),
        "radios" => |o| render(radios(o)?),
        "select" => |o| render(select(o)?),
        "service-navigation" => |o| render(service_navigation(o)?),
        "skip-link" => |o| render(skip_link(o)),
        "summary-list" => |o| render(summary_list(o)?),
        "table" => |o| render(table(o)?),
        "tag" => |o| render(tag(o)),
        "textarea" => |o| render(textarea(o)),
        "warning-text" => |o| render(warning_text(o)),
        other => panic!("no builder for {other}"),
    }
}

fn render(t: impl Template) -> Result<String, String> {
    t.render().map_err(|e| format!("render error: {e}"))
}

// ---------------------------------------------------------------------------
// Options access, recording which options were used.

#[derive(Default)]
struct Ctx {
    unused: RefCell<Vec<String>>,
}

struct Opts<'a> {
    map: &'a Map<String, Value>,
    used: RefCell<BTreeSet<&'a str>>,
    path: String,
    ctx: &'a Ctx,
}

impl Drop for Opts<'_> {
    fn drop(&mut self) {
        let used = self.used.borrow();
        for key in self.map.keys() {
            if !used.contains(key.as_str()) {
                self.ctx
                    .unused
                    .borrow_mut()
                    .push(format!("{}{key}", self.path));
            }
        }
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl<'a> Opts<'a> {
    fn new(map: &'a Map<String, Value>, path: String, ctx: &'a Ctx) -> Self {
        Self {
            map,
            used: RefCell::default(),
            path,
            ctx,
        }
    }

    fn get(&self, key: &'a str) -> Option<&'a Value> {
        self.used.borrow_mut().insert(key);
        self.map.get(key)
    }

    /// A string or number option (empty strings kept).
    fn s(&self, key: &'a str) -> Option<String> {
        self.get(key).and_then(scalar)
    }

    /// A string or number option, `None` if falsy.
    fn st(&self, key: &'a str) -> Option<String> {
        self.get(key).filter(|v| truthy(v)).and_then(scalar)
    }

    fn string(&self, key: &'a str) -> String {
        self.s(key).unwrap_or_default()
    }

    fn truthy(&self, key: &'a str) -> bool {
        self.get(key).is_some_and(truthy)
    }

    fn opt_bool(&self, key: &'a str) -> Option<bool> {
        self.get(key).and_then(Value::as_bool)
    }

    fn int(&self, key: &'a str) -> Option<u64> {
        self.get(key).and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
    }

    fn classes(&self) -> String {
        self.string("classes")
    }

    fn attrs(&self) -> Attributes {
        self.attrs_at("attributes")
    }

    fn attrs_at(&self, key: &'a str) -> Attributes {
        let mut out = Attributes::new();
        if let Some(Value::Object(map)) = self.get(key) {
            for (k, v) in map {
                match v {
                    Value::Bool(true) => out.push(k.clone(), "true"),
                    Value::Bool(false) => out.push(k.clone(), "false"),
                    other => out.push(k.clone(), scalar(other).unwrap_or_default()),
                }
            }
        }
        out
    }

    /// `html` if truthy, else `text`.
    fn content(&self, text: &'a str, html: &'a str) -> Content {
        let text = self.s(text);
        match self.st(html) {
            Some(html) => Content::Html(html),
            None => Content::Text(text.unwrap_or_default()),
        }
    }

    /// Some(content) if `html` or `text` is truthy.
    fn content_opt(&self, text: &'a str, html: &'a str) -> Option<Content> {
        let text = self.st(text);
        match self.st(html) {
            Some(html) => Some(Content::Html(html)),
            None => text.map(Content::Text),
        }
    }

    fn obj(&self, key: &'a str) -> Option<Opts<'a>> {
        match self.get(key) {
            Some(Value::Object(map)) => {
                Some(Opts::new(map, format!("{}{key}.", self.path), self.ctx))
            }
            _ => None,
        }
    }

    /// The objects of an array option; an error for falsy items, which our
    /// structs cannot represent.
    fn objs(&self, key: &'a str) -> Result<Vec<Opts<'a>>, String> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Value::Object(map) => Ok(Opts::new(
                        map,
                        format!("{}{key}[{i}].", self.path),
                        self.ctx,
                    )),
                    _ => Err(format!("unsupported: a falsy item in {key}")),
                })
                .collect(),
            Some(_) => Err(format!("unsupported: {key} is not an array")),
        }
    }

    fn unsupported(&self, key: &'a str) -> Result<(), String> {
        if self.map.contains_key(key) {
            Err(format!("unsupported option {}{key}", self.path))
        } else {
            Ok(())
        }
    }
}

fn label_from(o: Option<Opts<'_>>) -> Label {
    o.map_or_else(Label::default, |o| label_of(&o))
}

fn label_of(o: &Opts<'_>) -> Label {
    Label {
        content: o.content("text", "html"),
        for_id: o.st("for"),
        is_page_heading: o.truthy("isPageHeading"),
        classes: o.classes(),
        attributes: o.attrs(),
    }
}

fn hint_from(o: Option<Opts<'_>>) -> Option<Hint> {
    o.map(|o| hint_of(&o))
}

fn hint_of(o: &Opts<'_>) -> Hint {
    Hint {
        content: o.content("text", "html"),
        id: o.st("id"),
        classes: o.classes(),
        attributes: o.attrs(),
    }
}

fn error_from(o: Option<Opts<'_>>) -> Option<ErrorMessage> {
    o.map(|o| error_of(&o))
}

fn error_of(o: &Opts<'_>) -> ErrorMessage {
    ErrorMessage {
        content: o.content("text", "html"),
        id: o.st("id"),
        visually_hidden_text: match o.get("visuallyHiddenText") {
            None => "Error".to_owned(),
            Some(v) => scalar(v).unwrap_or_default(),
        },
        classes: o.classes(),
        attributes: o.attrs(),
    }
}

fn wrapper_from(o: Option<Opts<'_>>) -> Wrapper {
    o.map_or_else(Wrapper::default, |o| Wrapper {
        classes: o.classes(),
        attributes: o.attrs(),
    })
}

fn legend_from(o: Option<Opts<'_>>) -> Option<Legend> {
    o.map(|o| Legend {
        content: o.content("text", "html"),
        is_page_heading: o.truthy("isPageHeading"),
        classes: o.classes(),
    })
}

fn fieldset_from(o: Option<Opts<'_>>) -> Option<Fieldset> {
    o.map(|o| fieldset_of(&o))
}

fn fieldset_of(o: &Opts<'_>) -> Fieldset {
    Fieldset {
        legend: legend_from(o.obj("legend")),
        html: o.st("html").map_or_else(Content::default, Content::Html),
        described_by: o.st("describedBy"),
        role: o.st("role"),
        classes: o.classes(),
        attributes: o.attrs(),
    }
}

// ---------------------------------------------------------------------------
// One mapping per component: Nunjucks options -> our struct.

fn back_link(o: &Opts<'_>) -> BackLink {
    BackLink {
        href: o.st("href").unwrap_or_default(),
        content: o.content("text", "html"),
        classes: o.classes(),
        attributes: o.attrs(),
    }
}

fn button(o: &Opts<'_>) -> Button {
    Button {
        content: o.content("text", "html"),
        href: o.st("href"),
        button_type: o.st("type"),
        name: o.st("name"),
        value: o.st("value"),
        disabled: o.truthy("disabled"),
        prevent_double_click: o.opt_bool("preventDoubleClick"),
        is_start_button: o.truthy("isStartButton"),
        id: o.st("id"),
        classes: o.classes(),
        attributes: o.attrs(),
    }
}

fn choices(o: &Opts<'_>) -> Result<Vec<ChoiceItem>, String> {
    o.objs("items")?
        .into_iter()
        .map(|item| {
            if let Some(divider) = item.st("divider") {
                return Ok(ChoiceItem::Divider(divider));
            }
            let label = item.obj("label");
            Ok(ChoiceItem::Choice(Choice {
                value: item.string("value"),
                content: item.content("text", "html"),
                id: item.st("id"),
                hint: hint_from(item.obj("hint")),
                checked: item.opt_bool("checked"),
                disabled: item.truthy("disabled"),
                conditional: item
                    .obj("conditional")
                    .and_then(|c| c.st("html"))
                    .map(Content::Html),
                label_classes: label.as_ref().map(Opts::classes).unwrap_or_default(),
                label_attributes: label.as_ref().map(Opts::attrs).unwrap_or_default(),
                name: item.st("name"),
                behaviour: item.st("behaviour"),
                attributes: item.attrs(),
            }))
        })
        .collect()
}

fn checkboxes(o: &Opts<'_>) -> Result<Checkboxes, String> {
    Ok(Checkboxes {
        name: o.string("name"),
        id_prefix: o.st("idPrefix"),
        items: choices(o)?,
        values: o
            .get("values")
            .and_then(Value::as_array)
            .map(|v| v.iter().filter_map(scalar).collect())
            .unwrap_or_default(),
        fieldset: fieldset_from(o.obj("fieldset")),
        described_by: o.st("describedBy"),
        hint: hint_from(o.obj("hint")),
        error_message: error_from(o.obj("errorMessage")),
        form_group: wrapper_from(o.obj("formGroup")),
        classes: o.classes(),
        attributes: o.attrs(),
    })
}

fn radios(o: &Opts<'_>) -> Result<Radios, String> {
    Ok(Radios {
        name: o.string("name"),
        id_prefix: o.st("idPrefix"),
        items: choices(o)?,
        value: o.s("value"),
        fieldset: fieldset_from(o.obj("fieldset")),
        hint: hint_from(o.obj("hint")),
        error_message: error_from(o.obj("errorMessage")),
        form_group: wrapper_from(o.obj("formGroup")),
        classes: o.classes(),
        attributes: o.attrs(),
    })
}

fn details(o: &Opts<'_>) -> Details {
    Details {
        summary: o.content("summaryText", "summaryHtml"),
        content: o.content("text", "html"),
        open: o.truthy("open"),
        id: o.st("id"),
        classes: o.classes(),
        attributes: o.attrs(),
    }
}

fn error_message(o: &Opts<'_>) -> ErrorMessage {
    error_of(o)
}

fn error_summary(o: &Opts<'_>) -> Result<ErrorSummary, String> {
    Ok(ErrorSummary {
        title: o.content("titleText", "titleHtml"),
        description: o.content_opt("descriptionText", "descriptionHtml"),
        errors: o
            .objs("errorList")?
            .into_iter()
            .map(|e| ErrorSummaryItem {
                content: e.content("text", "html"),
                href: e.st("href"),
                attributes: e.attrs(),
            })
            .collect(),
        disable_auto_focus: o.opt_bool("disableAutoFocus"),
        classes: o.classes(),
        attributes: o.attrs(),
    })
}

fn fieldset(o: &Opts<'_>) -> Fieldset {
    fieldset_of(o)
}

fn footer_links(o: &Opts<'_>) -> Result<Vec<FooterLink>, String> {
    Ok(o.objs("items")?
        .into_iter()
        .map(|l| FooterLink {
            href: l.string("href"),
            text: l.string("text"),
            attributes: l.attrs(),
        })
        .collect())
}

fn footer(o: &Opts<'_>) -> Result<Footer, String> {
    o.unsupported("copyright")?;
    let navigation = o
        .objs("navigation")?
        .into_iter()
        .map(|s| {
            Ok(FooterSection {
                title: s.string("title"),
                width: s.st("width"),
                columns: s.int("columns").map(|c| c as u32),
                items: footer_links(&s)?,
            })
        })
        .collect::<Result<_, String>>()?;
    let meta = match o.obj("meta") {
        Some(m) => Some(FooterMeta {
            visually_hidden_title: m.st("visuallyHiddenTitle"),
            items: footer_links(&m)?,
            content: m.content_opt("text", "html"),
        }),
        None => None,
    };
    Ok(Footer {
        navigation,
        meta,
        licence: o
            .obj("contentLicence")
            .and_then(|l| l.content_opt("text", "html")),
        container_classes: o.string("containerClasses"),
        classes: o.classes(),
        attributes: o.attrs(),
    })
}

fn header(o: &Opts<'_>) -> Header {
    Header {
        logo: o.content("logoText", "logoHtml"),
        url: o.st("url").unwrap_or_default(),
        container_classes: o.string("containerClasses"),
        classes: o.classes(),
        attributes: o.attrs(),
    }
}

fn hint(o: &Opts<'_>) -> Hint {
    hint_of(o)
}

fn affix(o: Option<Opts<'_>>) -> Option<Affix> {
    o.map(|o| Affix {
        content: o.content("text", "html"),
        classes: o.classes(),
        attributes: o.attrs(),
    })
}

fn text_input(o: &Opts<'_>) -> TextInput {
    TextInput {
        id: o.st("id"),
        name: o.string("name"),
        input_type: o.st("type").unwrap_or_else(|| "text".to_owned()),
        value: o.s("value"),
        label: label_from(o.obj("label")),
        hint: hint_from(o.obj("hint")),
        error_message: error_from(o.obj("errorMessage")),
        described_by: o.st("describedBy"),
        autocomplete: o.s("autocomplete"),
        autocapitalize: o.s("autocapitalize"),
        pattern: o.s("pattern"),
        inputmode: o.s("inputmode"),
        spellcheck: o.opt_bool("spellcheck"),
        disabled: o.truthy("disabled"),
        prefix: affix(o.obj("prefix")),
        suffix: affix(o.obj("suffix")),
        form_group: wrapper_from(o.obj("formGroup")),
        input_wrapper: wrapper_from(o.obj("inputWrapper")),
        classes: o.classes(),
        attributes: o.attrs(),
    }
}

fn inset_text(o: &Opts<'_>) -> InsetText {
    InsetText {
        content: o.content("text", "html"),
        id: o.st("id"),
        classes: o.classes(),
        attributes: o.attrs(),
    }
}

fn label(o: &Opts<'_>) -> Label {
    label_of(o)
}

fn notification_banner(o: &Opts<'_>) -> NotificationBanner {
    NotificationBanner {
        content: o.content("text", "html"),
        success: o.s("type").as_deref() == Some("success"),
        title: o.content_opt("titleText", "titleHtml"),
        title_id: o.st("titleId"),
        title_heading_level: o.int("titleHeadingLevel").map(|l| l as u8),
        role: o.st("role"),
        disable_auto_focus: o.opt_bool("disableAutoFocus"),
        classes: o.classes(),
        attributes: o.attrs(),
    }
}

fn pagination_link(o: Option<Opts<'_>>) -> Option<PaginationLink> {
    o.map(|o| PaginationLink {
        href: o.st("href").unwrap_or_default(),
        content: o.content_opt("text", "html"),
        label_text: o.st("labelText"),
        attributes: o.attrs(),
    })
}

fn pagination(o: &Opts<'_>) -> Result<Pagination, String> {
    if o.get("items")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        return Err("unsupported: an empty (but present) items array".to_owned());
    }
    Ok(Pagination {
        previous: pagination_link(o.obj("previous")),
        next: pagination_link(o.obj("next")),
        items: o
            .objs("items")?
            .into_iter()
            .map(|i| PaginationItem {
                number: i.string("number"),
                href: i.string("href"),
                current: i.truthy("current"),
                ellipsis: i.truthy("ellipsis"),
                visually_hidden_text: i.st("visuallyHiddenText"),
                attributes: i.attrs(),
            })
            .collect(),
        landmark_label: o.st("landmarkLabel"),
        classes: o.classes(),
        attributes: o.attrs(),
    })
}

fn panel(o: &Opts<'_>) -> Result<Panel, String> {
    o.unsupported("actions")?;
    Ok(Panel {
        title: o.content("titleText", "titleHtml"),
        heading_level: o.int("headingLevel").map_or(1, |l| l as u8),
        content: o.content_opt("text", "html"),
        classes: o.classes(),
        attributes: o.attrs(),
    })
}

fn phase_banner(o: &Opts<'_>) -> PhaseBanner {
    let tag = o.obj("tag");
    PhaseBanner {
        tag: Tag {
            content: tag
                .as_ref()
                .map(|t| t.content("text", "html"))
                .unwrap_or_default(),
            classes: tag.as_ref().map(Opts::classes).unwrap_or_default(),
            attributes: Attributes::new(),
        },
        content: o.content("text", "html"),
        classes: o.classes(),
        attributes: o.attrs(),
    }
}

fn select(o: &Opts<'_>) -> Result<Select, String> {
    Ok(Select {
        id: o.st("id"),
        name: o.string("name"),
        items: o
            .objs("items")?
            .into_iter()
            .map(|i| SelectItem {
                value: i.get("value").map(|v| match v {
                    Value::Bool(b) => b.to_string(),
                    other => scalar(other).unwrap_or_default(),
                }),
                text: i.string("text"),
                selected: i.opt_bool("selected"),
                disabled: i.truthy("disabled"),
                attributes: i.attrs(),
            })
            .collect(),
        value: o.s("value"),
        label: label_from(o.obj("label")),
        hint: hint_from(o.obj("hint")),
        error_message: error_from(o.obj("errorMessage")),
        described_by: o.st("describedBy"),
        disabled: o.truthy("disabled"),
        form_group: wrapper_from(o.obj("formGroup")),
        classes: o.classes(),
        attributes: o.attrs(),
    })
}

fn service_navigation(o: &Opts<'_>) -> Result<ServiceNavigation, String> {
    let items = match o.get("navigation") {
        Some(Value::Array(values)) => values
            .iter()
            .enumerate()
            .filter(|(_, v)| truthy(v))
            .map(|(i, v)| match v {
                Value::Object(map) => {
                    let item = Opts::new(map, format!("navigation[{i}]."), o.ctx);
                    Ok(NavigationItem {
                        content: item.content("text", "html"),
                        href: item.st("href"),
                        active: item.truthy("active"),
                        current: item.truthy("current"),
                        attributes: item.attrs(),
                    })
                }
                _ => Err("unsupported: a non-object navigation item".to_owned()),
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => Vec::new(),
    };
    let mut nav = ServiceNavigation {
        service_name: o.st("serviceName"),
        service_url: o.st("serviceUrl"),
        items,
        aria_label: o.s("ariaLabel"),
        navigation_label: o.st("navigationLabel"),
        navigation_id: o.st("navigationId"),
        navigation_classes: o.string("navigationClasses"),
        menu_button_text: o.st("menuButtonText"),
        menu_button_label: o.st("menuButtonLabel"),
        collapse_navigation_on_mobile: o.opt_bool("collapseNavigationOnMobile"),
        classes: o.classes(),
        attributes: o.attrs(),
        ..ServiceNavigation::default()
    };
    if let Some(slots) = o.obj("slots") {
        nav.slot_start = slots.st("start").map(Content::Html);
        nav.slot_navigation_start = slots.st("navigationStart").map(Content::Html);
        nav.slot_navigation_end = slots.st("navigationEnd").map(Content::Html);
        if let Some(end) = slots.obj("end") {
            nav.slot_end = end.st("html").map(Content::Html);
            nav.slot_end_inline = end.s("align").as_deref() == Some("inline");
        } else {
            nav.slot_end = slots.st("end").map(Content::Html);
        }
    }
    Ok(nav)
}

fn skip_link(o: &Opts<'_>) -> SkipLink {
    SkipLink {
        href: o.st("href").unwrap_or_default(),
        content: o.content("text", "html"),
        classes: o.classes(),
        attributes: o.attrs(),
    }
}

fn summary_actions(o: Option<Opts<'_>>) -> Result<(Vec<SummaryAction>, String), String> {
    let Some(o) = o else {
        return Ok((Vec::new(), String::new()));
    };
    let items = o
        .objs("items")?
        .into_iter()
        .map(|a| SummaryAction {
            href: a.string("href"),
            content: a.content("text", "html"),
            visually_hidden_text: a.st("visuallyHiddenText"),
            classes: a.classes(),
            attributes: a.attrs(),
        })
        .collect();
    Ok((items, o.classes()))
}

fn summary_list(o: &Opts<'_>) -> Result<SummaryList, String> {
    let rows = o
        .objs("rows")?
        .into_iter()
        .map(|r| {
            let key = r.obj("key");
            let value = r.obj("value");
            let (actions, actions_classes) = summary_actions(r.obj("actions"))?;
            Ok(SummaryRow {
                key: key
                    .as_ref()
                    .map(|k| k.content("text", "html"))
                    .unwrap_or_default(),
                key_classes: key.as_ref().map(Opts::classes).unwrap_or_default(),
                value: value
                    .as_ref()
                    .map(|v| v.content("text", "html"))
                    .unwrap_or_default(),
                value_classes: value.as_ref().map(Opts::classes).unwrap_or_default(),
                actions,
                actions_classes,
                classes: r.classes(),
            })
        })
        .collect::<Result<_, String>>()?;
    let card = match o.obj("card") {
        Some(c) => {
            let title = c.obj("title");
            let (actions, actions_classes) = summary_actions(c.obj("actions"))?;
            Some(SummaryCard {
                title: title.as_ref().and_then(|t| t.content_opt("text", "html")),
                heading_level: title
                    .as_ref()
                    .and_then(|t| t.int("headingLevel"))
                    .map_or(2, |l| l as u8),
                title_classes: title.as_ref().map(Opts::classes).unwrap_or_default(),
                actions,
                actions_classes,
                classes: c.classes(),
                attributes: c.attrs(),
            })
        }
        None => None,
    };
    Ok(SummaryList {
        rows,
        card,
        classes: o.classes(),
        attributes: o.attrs(),
    })
}

fn table_cell(c: &Opts<'_>) -> TableCell {
    TableCell {
        content: c.content("text", "html"),
        format: c.st("format"),
        colspan: c.int("colspan").map(|n| n as u32),
        rowspan: c.int("rowspan").map(|n| n as u32),
        classes: c.classes(),
        attributes: c.attrs(),
    }
}

fn table(o: &Opts<'_>) -> Result<Table, String> {
    let head = o.objs("head")?.iter().map(table_cell).collect();
    let mut rows = Vec::new();
    if let Some(Value::Array(values)) = o.get("rows") {
        for (i, row) in values.iter().enumerate() {
            let Value::Array(cells) = row else {
                return Err("unsupported: a falsy row".to_owned());
            };
            let mut out = Vec::new();
            for (j, cell) in cells.iter().enumerate() {
                let Value::Object(map) = cell else {
                    return Err("unsupported: a falsy cell".to_owned());
                };
                out.push(table_cell(&Opts::new(
                    map,
                    format!("rows[{i}][{j}]."),
                    o.ctx,
                )));
            }
            rows.push(out);
        }
    }
    Ok(Table {
        caption: o.st("caption").map(Content::Text),
        caption_classes: o.string("captionClasses"),
        head,
        rows,
        first_cell_is_header: o.truthy("firstCellIsHeader"),
        classes: o.classes(),
        attributes: o.attrs(),
    })
}

fn tag(o: &Opts<'_>) -> Tag {
    Tag {
        content: o.content("text", "html"),
        classes: o.classes(),
        attributes: o.attrs(),
    }
}

fn textarea(o: &Opts<'_>) -> Textarea {
    Textarea {
        id: o.st("id"),
        name: o.string("name"),
        rows: o.int("rows").map_or(5, |r| r as u32),
        value: o.string("value"),
        label: label_from(o.obj("label")),
        hint: hint_from(o.obj("hint")),
        error_message: error_from(o.obj("errorMessage")),
        described_by: o.st("describedBy"),
        autocomplete: o.s("autocomplete"),
        spellcheck: o.opt_bool("spellcheck"),
        disabled: o.truthy("disabled"),
        form_group: wrapper_from(o.obj("formGroup")),
        classes: o.classes(),
        attributes: o.attrs(),
    }
}

fn warning_text(o: &Opts<'_>) -> WarningText {
    WarningText {
        content: o.content("text", "html"),
        icon_fallback_text: o.string("iconFallbackText"),
        classes: o.classes(),
        attributes: o.attrs(),
    }
}

// ---------------------------------------------------------------------------

/// What govuk-frontend renders that we deliberately do not, removed from the
/// expected markup before comparing.
fn expected_nodes(
    component: &str,
    options: &Map<String, Value>,
    fixture_html: &str,
) -> Vec<html::Node> {
    let mut nodes = html::parse(fixture_html);
    if component == "footer" {
        // No crown, no Open Government Licence logo or statement, no Crown
        // copyright link: Safeguard is not a GOV.UK service.
        let custom_licence = options
            .get("contentLicence")
            .and_then(Value::as_object)
            .is_some_and(|l| l.contains_key("text") || l.contains_key("html"));
        html::remove_where(&mut nodes, &|_, attrs| {
            let classes = html::class_list(attrs);
            classes.contains(&"govuk-footer__crown")
                || classes.contains(&"govuk-footer__licence-logo")
                || classes == ["govuk-footer__meta-item"]
                || (!custom_licence && classes.contains(&"govuk-footer__licence-description"))
        });
    }
    nodes
}

enum Outcome {
    Pass,
    Mismatch(String),
    Unsupported(String),
}

fn check(component: &str, fixture: &Value) -> Outcome {
    let name = fixture["name"].as_str().unwrap_or("?");
    let empty = Map::new();
    let options = fixture["options"].as_object().unwrap_or(&empty);
    let ctx = Ctx::default();
    let rendered = {
        let opts = Opts::new(options, String::new(), &ctx);
        builder(component)(&opts)
    };
    let rendered = match rendered {
        Ok(html) => html,
        Err(e) => return Outcome::Unsupported(e),
    };
    let unused = ctx.unused.borrow();
    if !unused.is_empty() {
        return Outcome::Unsupported(format!("options not mapped: {}", unused.join(", ")));
    }
    let expected = html::pretty(&expected_nodes(
        component,
        options,
        fixture["html"].as_str().unwrap_or(""),
    ));
    let actual = html::pretty(&html::parse(&rendered));
    match html::diff(&expected, &actual) {
        None => Outcome::Pass,
        Some(diff) => Outcome::Mismatch(format!(
            "{component} / {name}:\n{diff}\nrendered:\n{rendered}\n"
        )),
    }
}

fn load(component: &str) -> Vec<Value> {
    let path = format!(
        "{}/tests/fixtures/{component}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let json: Value = serde_json::from_str(&text).unwrap();
    json["fixtures"].as_array().unwrap().clone()
}

#[test]
fn components_match_govuk_frontend_fixtures() {
    let try_all = std::env::var_os("SAFEGUARD_FIXTURES_ALL").is_some();
    let mut failures = Vec::new();
    let mut total_checked = 0;
    let mut total = 0;
    for (component, names) in SUPPORTED {
        let fixtures = load(component);
        for wanted in *names {
            if !fixtures.iter().any(|f| f["name"] == *wanted) {
                failures.push(format!("{component}: no fixture named {wanted:?}"));
            }
        }
        let mut checked = 0;
        for fixture in &fixtures {
            let name = fixture["name"].as_str().unwrap_or("?");
            let listed = names.contains(&name);
            if !listed && !try_all {
                continue;
            }
            match (check(component, fixture), listed) {
                (Outcome::Pass, true) => checked += 1,
                (Outcome::Pass, false) => {
                    println!("  {component}: unlisted fixture {name:?} passes")
                }
                (Outcome::Mismatch(diff), true) => failures.push(diff),
                (Outcome::Unsupported(why), true) => {
                    failures.push(format!("{component} / {name}: listed but {why}"));
                }
                (Outcome::Mismatch(diff), false) => {
                    println!("  {component}: unlisted fixture {name:?} differs:\n{diff}");
                }
                (Outcome::Unsupported(why), false) => {
                    println!("  {component}: unlisted fixture {name:?}: {why}");
                }
            }
        }
        println!(
            "{component}: {checked} of {} fixtures checked",
            fixtures.len()
        );
        total_checked += checked;
        total += fixtures.len();
    }
    println!("all components: {total_checked} of {total} fixtures checked");
    assert!(
        failures.is_empty(),
        "{} fixture failure(s):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_fixture_file_is_covered() {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".json")
                .to_owned()
        })
        .collect();
    files.sort();
    let mut listed: Vec<String> = SUPPORTED.iter().map(|(c, _)| (*c).to_owned()).collect();
    listed.sort();
    assert_eq!(files, listed);
    for (component, names) in SUPPORTED {
        assert!(
            names.contains(&"default"),
            "{component}: the default fixture must be checked"
        );
    }
}
