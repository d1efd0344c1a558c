use askama::Template;

use super::common::{Attributes, Content, classes, common_builders, html_safe};

/// The GOV.UK [button](https://design-system.service.gov.uk/components/button/):
/// a `<button>`, or a link styled as a button when [`Button::href`] is set.
///
/// ```
/// use safeguard_ui::components::Button;
/// let save = Button::new("Save and continue").prevent_double_click();
/// let cancel = Button::link("Cancel", "/cases").secondary();
/// assert!(cancel.to_string().contains(r#"href="/cases""#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Template)]
#[template(path = "components/button.html")]
pub struct Button {
    /// The button's text (or trusted HTML).
    pub content: Content,
    /// When set, render a link (`<a role="button">`) to this URL instead of a `<button>`.
    pub href: Option<String>,
    /// The button's `type`: `submit` unless set.
    pub button_type: Option<String>,
    /// The `name` submitted with the form.
    pub name: Option<String>,
    /// The `value` submitted with the form.
    pub value: Option<String>,
    /// Renders `disabled aria-disabled="true"` (buttons only).
    pub disabled: bool,
    /// `data-prevent-double-click`: govuk-frontend's JavaScript ignores a
    /// second click within a second (buttons only).
    pub prevent_double_click: Option<bool>,
    /// A start button (with an arrow icon), for the start of a journey.
    pub is_start_button: bool,
    /// The element's `id`.
    pub id: Option<String>,
    /// Extra classes, e.g. `govuk-button--secondary`.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl Button {
    /// A submit button.
    pub fn new(content: impl Into<Content>) -> Self {
        Self {
            content: content.into(),
            ..Self::default()
        }
    }

    /// A link styled as a button.
    pub fn link(content: impl Into<Content>, href: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            href: Some(href.into()),
            ..Self::default()
        }
    }

    /// The secondary variant (`govuk-button--secondary`).
    #[must_use]
    pub fn secondary(self) -> Self {
        self.add_class("govuk-button--secondary")
    }

    /// The warning variant (`govuk-button--warning`), for destructive actions.
    #[must_use]
    pub fn warning(self) -> Self {
        self.add_class("govuk-button--warning")
    }

    /// The inverse variant (`govuk-button--inverse`), for dark backgrounds.
    #[must_use]
    pub fn inverse(self) -> Self {
        self.add_class("govuk-button--inverse")
    }

    /// Makes this a start button.
    #[must_use]
    pub fn start(mut self) -> Self {
        self.is_start_button = true;
        self
    }

    /// Sets `data-prevent-double-click="true"`.
    #[must_use]
    pub fn prevent_double_click(mut self) -> Self {
        self.prevent_double_click = Some(true);
        self
    }

    /// Sets the `type` (`submit`, `button` or `reset`).
    #[must_use]
    pub fn button_type(mut self, button_type: impl Into<String>) -> Self {
        self.button_type = Some(button_type.into());
        self
    }

    /// Sets the submitted `name` and `value`.
    #[must_use]
    pub fn name_value(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self.value = Some(value.into());
        self
    }

    /// Sets the submitted `name`.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Disables the button.
    #[must_use]
    pub fn disabled(mut self) -> Self {
        self.disabled = true;
        self
    }

    /// Sets the `id`.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    fn class_attr(&self) -> String {
        classes([
            "govuk-button",
            self.classes.as_str(),
            if self.is_start_button {
                "govuk-button--start"
            } else {
                ""
            },
        ])
    }

    fn type_attr(&self) -> &str {
        self.button_type
            .as_deref()
            .filter(|t| !t.is_empty())
            .unwrap_or("submit")
    }

    fn wrap_in_span(&self) -> bool {
        self.is_start_button && matches!(self.content, Content::Html(_))
    }
}

common_builders!(Button);
html_safe!(Button);
