use askama::Template;

use super::common::{Attributes, Content, Wrapper, classes, common_builders, html_safe, join_ids};
use super::{ErrorMessage, Hint, Label};

/// One `<option>` of a [`Select`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectItem {
    /// The `value`; without one the browser submits the text.
    pub value: Option<String>,
    /// The text shown.
    pub text: String,
    /// Selected: `Some(true)`/`Some(false)` force it; `None` selects the item
    /// whose value (or text) equals [`Select::value`].
    pub selected: Option<bool>,
    /// `disabled`.
    pub disabled: bool,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl SelectItem {
    /// An option with a value and text.
    pub fn new(value: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            value: Some(value.into()),
            text: text.into(),
            ..Self::default()
        }
    }
}

/// The GOV.UK [select](https://design-system.service.gov.uk/components/select/)
/// with its label, hint and error message.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "components/select.html")]
pub struct Select {
    /// The `id`; the `name` is used if unset.
    pub id: Option<String>,
    /// The `name`.
    pub name: String,
    /// The options.
    pub items: Vec<SelectItem>,
    /// The current value: selects the matching item.
    pub value: Option<String>,
    /// The label.
    pub label: Label,
    /// The hint.
    pub hint: Option<Hint>,
    /// The error message.
    pub error_message: Option<ErrorMessage>,
    /// Ids of other elements that describe the select.
    pub described_by: Option<String>,
    /// `disabled`.
    pub disabled: bool,
    /// The form group's extra classes and attributes.
    pub form_group: Wrapper,
    /// Extra classes on the `<select>`.
    pub classes: String,
    /// Extra attributes on the `<select>`.
    pub attributes: Attributes,
}

impl Select {
    /// A select called `name` (also its id) with a label and options.
    pub fn new(
        name: impl Into<String>,
        label: impl Into<Content>,
        items: impl IntoIterator<Item = SelectItem>,
    ) -> Self {
        Self {
            id: None,
            name: name.into(),
            items: items.into_iter().collect(),
            value: None,
            label: Label::new(label),
            hint: None,
            error_message: None,
            described_by: None,
            disabled: false,
            form_group: Wrapper::default(),
            classes: String::new(),
            attributes: Attributes::default(),
        }
    }

    /// Sets the id (by default the name).
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Selects the item with this value.
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

    fn element_id(&self) -> &str {
        self.id
            .as_deref()
            .filter(|id| !id.is_empty())
            .unwrap_or(&self.name)
    }

    fn hint_id(&self) -> String {
        format!("{}-hint", self.element_id())
    }

    fn error_id(&self) -> String {
        format!("{}-error", self.element_id())
    }

    fn aria_described_by(&self) -> Option<String> {
        let hint = self.hint.as_ref().map(|_| self.hint_id());
        let error = self.error_message.as_ref().map(|_| self.error_id());
        join_ids([
            self.described_by.as_deref().unwrap_or(""),
            hint.as_deref().unwrap_or(""),
            error.as_deref().unwrap_or(""),
        ])
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

    fn select_class(&self) -> String {
        classes([
            "govuk-select",
            self.classes.as_str(),
            if self.error_message.is_some() {
                "govuk-select--error"
            } else {
                ""
            },
        ])
    }

    fn is_selected(&self, item: &SelectItem) -> bool {
        match item.selected {
            Some(selected) => selected,
            None => match self.value.as_deref() {
                Some(value) if !value.is_empty() => {
                    item.value.as_deref().unwrap_or(&item.text) == value
                }
                _ => false,
            },
        }
    }
}

common_builders!(Select);
html_safe!(Select);
