use askama::Template;

use super::common::{Attributes, Content, Wrapper, classes, common_builders, html_safe, join_ids};
use super::{ErrorMessage, Hint, Label};

/// The GOV.UK [textarea](https://design-system.service.gov.uk/components/textarea/)
/// with its label, hint and error message.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "components/textarea.html")]
pub struct Textarea {
    /// The `id`; the `name` is used if unset.
    pub id: Option<String>,
    /// The `name`.
    pub name: String,
    /// The number of rows, 5 by default.
    pub rows: u32,
    /// The current value.
    pub value: String,
    /// The label.
    pub label: Label,
    /// The hint.
    pub hint: Option<Hint>,
    /// The error message.
    pub error_message: Option<ErrorMessage>,
    /// Ids of other elements that describe the textarea.
    pub described_by: Option<String>,
    /// `autocomplete`.
    pub autocomplete: Option<String>,
    /// `spellcheck="true|false"` when set.
    pub spellcheck: Option<bool>,
    /// `disabled`.
    pub disabled: bool,
    /// The form group's extra classes and attributes.
    pub form_group: Wrapper,
    /// Extra classes on the `<textarea>`.
    pub classes: String,
    /// Extra attributes on the `<textarea>`.
    pub attributes: Attributes,
}

impl Textarea {
    /// A textarea called `name` (also its id) with a label.
    pub fn new(name: impl Into<String>, label: impl Into<Content>) -> Self {
        Self {
            id: None,
            name: name.into(),
            rows: 5,
            value: String::new(),
            label: Label::new(label),
            hint: None,
            error_message: None,
            described_by: None,
            autocomplete: None,
            spellcheck: None,
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

    /// Sets the value.
    #[must_use]
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = value.into();
        self
    }

    /// Sets the number of rows.
    #[must_use]
    pub fn rows(mut self, rows: u32) -> Self {
        self.rows = rows;
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

    /// Makes the label the page's heading, with `govuk-label--l`.
    #[must_use]
    pub fn label_as_page_heading(mut self) -> Self {
        self.label.is_page_heading = true;
        self.label.classes = classes(["govuk-label--l", self.label.classes.as_str()]);
        self
    }

    /// Sets `spellcheck`.
    #[must_use]
    pub fn spellcheck(mut self, spellcheck: bool) -> Self {
        self.spellcheck = Some(spellcheck);
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

    fn textarea_class(&self) -> String {
        classes([
            "govuk-textarea",
            if self.error_message.is_some() {
                "govuk-textarea--error"
            } else {
                ""
            },
            self.classes.as_str(),
        ])
    }

    fn rows_attr(&self) -> u32 {
        if self.rows == 0 { 5 } else { self.rows }
    }
}

common_builders!(Textarea);
html_safe!(Textarea);
