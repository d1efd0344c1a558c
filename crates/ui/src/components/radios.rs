use askama::Template;

use super::common::{Attributes, Content, Wrapper, classes, common_builders, html_safe, join_ids};
use super::{ErrorMessage, Fieldset, Hint, Label, Legend};

/// One radio or checkbox of [`Radios`] or [`Checkboxes`](super::Checkboxes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choice {
    /// The submitted value.
    pub value: String,
    /// The label's text (or trusted HTML).
    pub content: Content,
    /// The input's id; by default the group's id prefix, then `-2`, `-3`, …
    pub id: Option<String>,
    /// A hint under the label.
    pub hint: Option<Hint>,
    /// Checked: `Some(true)`/`Some(false)` force it; `None` checks the item
    /// if its value is the group's value (or one of its values).
    pub checked: Option<bool>,
    /// `disabled`.
    pub disabled: bool,
    /// Trusted HTML revealed when the item is checked (a conditional reveal).
    pub conditional: Option<Content>,
    /// Extra classes on the label.
    pub label_classes: String,
    /// Extra attributes on the label.
    pub label_attributes: Attributes,
    /// Checkboxes only: a `name` for this checkbox instead of the group's.
    pub name: Option<String>,
    /// Checkboxes only: `data-behaviour`, e.g. `exclusive` for a "None" option.
    pub behaviour: Option<String>,
    /// Extra attributes on the input.
    pub attributes: Attributes,
}

impl Choice {
    /// An item with a value and a label.
    pub fn new(value: impl Into<String>, label: impl Into<Content>) -> Self {
        Self {
            value: value.into(),
            content: label.into(),
            ..Self::default()
        }
    }

    /// Sets a hint.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<Content>) -> Self {
        self.hint = Some(Hint::new(hint));
        self
    }

    /// Forces the item checked or not.
    #[must_use]
    pub fn checked(mut self, checked: bool) -> Self {
        self.checked = Some(checked);
        self
    }

    /// Reveals trusted HTML when checked.
    #[must_use]
    pub fn conditional(mut self, html: impl Into<String>) -> Self {
        self.conditional = Some(Content::Html(html.into()));
        self
    }

    /// Checkboxes only: makes this the exclusive "none of these" option.
    #[must_use]
    pub fn exclusive(mut self) -> Self {
        self.behaviour = Some("exclusive".to_owned());
        self
    }
}

/// An entry of [`Radios::items`] or [`Checkboxes::items`](super::Checkboxes::items).
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "a form has a handful of items; boxing would only make them harder to build"
)]
pub enum ChoiceItem {
    /// A radio or checkbox.
    Choice(Choice),
    /// A divider between items, usually `or`.
    Divider(String),
}

impl From<Choice> for ChoiceItem {
    fn from(choice: Choice) -> Self {
        Self::Choice(choice)
    }
}

/// The hint, error message and items of radios or checkboxes: the part that
/// sits inside the fieldset.
#[derive(Template)]
#[template(path = "components/_choices.html")]
pub(crate) struct ChoicesInner<'a> {
    pub(crate) kind: &'static str,
    pub(crate) input_type: &'static str,
    pub(crate) id_prefix: &'a str,
    pub(crate) name: &'a str,
    pub(crate) items: &'a [ChoiceItem],
    pub(crate) selected: Vec<&'a str>,
    pub(crate) hint: Option<&'a Hint>,
    pub(crate) error_message: Option<&'a ErrorMessage>,
    /// For checkboxes outside a fieldset: every item is described by these too.
    pub(crate) items_described_by: Option<String>,
    pub(crate) classes: &'a str,
    pub(crate) attributes: &'a Attributes,
}

impl ChoicesInner<'_> {
    fn hint_id(&self) -> String {
        format!("{}-hint", self.id_prefix)
    }

    fn error_id(&self) -> String {
        format!("{}-error", self.id_prefix)
    }

    fn item_id(&self, choice: &Choice, index: usize) -> String {
        match choice.id.as_deref() {
            Some(id) if !id.is_empty() => id.to_owned(),
            _ if index > 1 => format!("{}-{index}", self.id_prefix),
            _ => self.id_prefix.to_owned(),
        }
    }

    fn item_name<'c>(&'c self, choice: &'c Choice) -> &'c str {
        choice
            .name
            .as_deref()
            .filter(|n| !n.is_empty())
            .unwrap_or(self.name)
    }

    fn is_checked(&self, choice: &Choice) -> bool {
        choice
            .checked
            .unwrap_or_else(|| self.selected.contains(&choice.value.as_str()))
    }

    fn item_hint(&self, choice: &Choice, item_id: impl AsRef<str>) -> Option<Hint> {
        choice
            .hint
            .as_ref()
            .filter(|h| !h.content.is_empty())
            .map(|h| {
                h.with_id_and_class(
                    format!("{}-item-hint", item_id.as_ref()),
                    &format!("govuk-{}__hint", self.kind),
                )
            })
    }

    fn item_described_by(&self, choice: &Choice, item_id: impl AsRef<str>) -> Option<String> {
        let hint_id = self
            .item_hint(choice, item_id)
            .and_then(|h| h.id)
            .unwrap_or_default();
        join_ids([
            self.items_described_by.as_deref().unwrap_or(""),
            hint_id.as_str(),
        ])
    }

    fn item_label(&self, choice: &Choice, item_id: impl AsRef<str>) -> Label {
        Label {
            content: choice.content.clone(),
            for_id: Some(item_id.as_ref().to_owned()),
            is_page_heading: false,
            classes: classes([
                format!("govuk-{}__label", self.kind).as_str(),
                choice.label_classes.as_str(),
            ]),
            attributes: choice.label_attributes.clone(),
        }
    }

    fn conditional<'c>(&self, choice: &'c Choice) -> Option<&'c Content> {
        choice.conditional.as_ref().filter(|c| !c.is_empty())
    }

    /// The ids that describe the whole group (its fieldset), after `base`.
    pub(crate) fn group_described_by(&self, base: Option<&str>) -> Option<String> {
        let hint = self.hint.map(|_| self.hint_id()).unwrap_or_default();
        let error = self
            .error_message
            .map(|_| self.error_id())
            .unwrap_or_default();
        join_ids([base.unwrap_or(""), hint.as_str(), error.as_str()])
    }
}

html_safe!(ChoicesInner<'_>);

/// The GOV.UK [radios](https://design-system.service.gov.uk/components/radios/),
/// usually inside a fieldset whose legend asks the question.
///
/// ```
/// use safeguard_ui::components::{Choice, Radios};
/// let radios = Radios::new("contact", "How should we contact you?")
///     .items([Choice::new("email", "Email"), Choice::new("phone", "Phone")])
///     .value("phone");
/// let html = radios.to_string();
/// assert!(html.contains(r#"value="phone" checked"#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "components/radios.html")]
pub struct Radios {
    /// The `name` of every radio.
    pub name: String,
    /// Prefix for the items' ids (and the hint's and error's); the name if unset.
    pub id_prefix: Option<String>,
    /// The radios (and dividers).
    pub items: Vec<ChoiceItem>,
    /// The current value: checks the matching item.
    pub value: Option<String>,
    /// The fieldset (with the legend) around the radios; none if unset.
    pub fieldset: Option<Fieldset>,
    /// The hint.
    pub hint: Option<Hint>,
    /// The error message.
    pub error_message: Option<ErrorMessage>,
    /// The form group's extra classes and attributes.
    pub form_group: Wrapper,
    /// Extra classes on the `govuk-radios` element, e.g. `govuk-radios--inline`.
    pub classes: String,
    /// Extra attributes on the `govuk-radios` element.
    pub attributes: Attributes,
}

impl Radios {
    /// Radios called `name` in a fieldset with this legend. Add items with
    /// [`Radios::items`].
    pub fn new(name: impl Into<String>, legend: impl Into<Legend>) -> Self {
        Self {
            name: name.into(),
            id_prefix: None,
            items: Vec::new(),
            value: None,
            fieldset: Some(Fieldset::new(legend)),
            hint: None,
            error_message: None,
            form_group: Wrapper::default(),
            classes: String::new(),
            attributes: Attributes::default(),
        }
    }

    /// Adds items.
    #[must_use]
    pub fn items<I: Into<ChoiceItem>>(mut self, items: impl IntoIterator<Item = I>) -> Self {
        self.items.extend(items.into_iter().map(Into::into));
        self
    }

    /// Adds a divider (e.g. `or`).
    #[must_use]
    pub fn divider(mut self, text: impl Into<String>) -> Self {
        self.items.push(ChoiceItem::Divider(text.into()));
        self
    }

    /// Checks the item with this value.
    #[must_use]
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Sets the hint.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<Content>) -> Self {
        self.hint = Some(Hint::new(hint));
        self
    }

    /// Sets the error message.
    #[must_use]
    pub fn error(mut self, message: impl Into<Content>) -> Self {
        self.error_message = Some(ErrorMessage::new(message));
        self
    }

    /// Sets the error message if there is one.
    #[must_use]
    pub fn error_opt(mut self, message: Option<impl Into<Content>>) -> Self {
        self.error_message = message.map(ErrorMessage::new);
        self
    }

    /// Lays the radios out side by side (`govuk-radios--inline`).
    #[must_use]
    pub fn inline(self) -> Self {
        self.add_class("govuk-radios--inline")
    }

    /// Makes the legend the page's heading (`<h1>`, `govuk-fieldset__legend--l`).
    #[must_use]
    pub fn legend_as_page_heading(mut self) -> Self {
        if let Some(fieldset) = self.fieldset.as_mut() {
            fieldset.legend = fieldset.legend.take().map(Legend::page_heading);
        }
        self
    }

    fn inner(&self) -> ChoicesInner<'_> {
        ChoicesInner {
            kind: "radios",
            input_type: "radio",
            id_prefix: self
                .id_prefix
                .as_deref()
                .filter(|p| !p.is_empty())
                .unwrap_or(&self.name),
            name: &self.name,
            items: &self.items,
            selected: self
                .value
                .as_deref()
                .filter(|v| !v.is_empty())
                .into_iter()
                .collect(),
            hint: self.hint.as_ref(),
            error_message: self.error_message.as_ref(),
            items_described_by: None,
            classes: &self.classes,
            attributes: &self.attributes,
        }
    }

    fn in_fieldset(&self, fieldset: &Fieldset) -> askama::Result<Fieldset> {
        let inner = self.inner();
        let described_by = inner.group_described_by(fieldset.described_by.as_deref());
        Ok(fieldset.wrapping(inner.render()?, described_by))
    }

    fn form_group_class(&self) -> String {
        classes([
            "govuk-form-group",
            if self.error_message.is_some() {
                "govuk-form-group--error"
            } else {
                ""
            },
            self.form_group.classes.as_str(),
        ])
    }
}

common_builders!(Radios);
html_safe!(Radios);
