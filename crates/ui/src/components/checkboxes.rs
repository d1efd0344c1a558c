use askama::Template;

use super::common::{Attributes, Content, Wrapper, classes, common_builders, html_safe};
use super::radios::{ChoiceItem, ChoicesInner};
use super::{ErrorMessage, Fieldset, Hint, Legend};

/// The GOV.UK [checkboxes](https://design-system.service.gov.uk/components/checkboxes/),
/// usually inside a fieldset whose legend asks the question. Items are
/// [`Choice`](super::Choice)s.
///
/// ```
/// use safeguard_ui::components::{Checkboxes, Choice};
/// let boxes = Checkboxes::new("concerns", "Which concerns apply?")
///     .items([Choice::new("neglect", "Neglect"), Choice::new("online", "Online harm")])
///     .values(["online"]);
/// assert!(boxes.to_string().contains(r#"value="online" checked"#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "components/checkboxes.html")]
pub struct Checkboxes {
    /// The `name` of every checkbox (an item may override it).
    pub name: String,
    /// Prefix for the items' ids (and the hint's and error's); the name if unset.
    pub id_prefix: Option<String>,
    /// The checkboxes (and dividers).
    pub items: Vec<ChoiceItem>,
    /// The current values: checks the matching items.
    pub values: Vec<String>,
    /// The fieldset (with the legend) around the checkboxes; none if unset.
    pub fieldset: Option<Fieldset>,
    /// Ids of other elements that describe the group (the fieldset's
    /// `described_by` wins if set).
    pub described_by: Option<String>,
    /// The hint.
    pub hint: Option<Hint>,
    /// The error message.
    pub error_message: Option<ErrorMessage>,
    /// The form group's extra classes and attributes.
    pub form_group: Wrapper,
    /// Extra classes on the `govuk-checkboxes` element, e.g. `govuk-checkboxes--small`.
    pub classes: String,
    /// Extra attributes on the `govuk-checkboxes` element.
    pub attributes: Attributes,
}

impl Checkboxes {
    /// Checkboxes called `name` in a fieldset with this legend. Add items with
    /// [`Checkboxes::items`].
    pub fn new(name: impl Into<String>, legend: impl Into<Legend>) -> Self {
        Self {
            name: name.into(),
            id_prefix: None,
            items: Vec::new(),
            values: Vec::new(),
            fieldset: Some(Fieldset::new(legend)),
            described_by: None,
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

    /// Checks the items with these values.
    #[must_use]
    pub fn values<S: Into<String>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
        self.values = values.into_iter().map(Into::into).collect();
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

    /// Smaller checkboxes (`govuk-checkboxes--small`).
    #[must_use]
    pub fn small(self) -> Self {
        self.add_class("govuk-checkboxes--small")
    }

    /// Makes the legend the page's heading (`<h1>`, `govuk-fieldset__legend--l`).
    #[must_use]
    pub fn legend_as_page_heading(mut self) -> Self {
        if let Some(fieldset) = self.fieldset.as_mut() {
            fieldset.legend = fieldset.legend.take().map(Legend::page_heading);
        }
        self
    }

    fn base_described_by(&self) -> Option<&str> {
        self.fieldset
            .as_ref()
            .and_then(|f| f.described_by.as_deref())
            .filter(|d| !d.is_empty())
            .or_else(|| self.described_by.as_deref().filter(|d| !d.is_empty()))
    }

    fn inner(&self) -> ChoicesInner<'_> {
        let mut inner = ChoicesInner {
            kind: "checkboxes",
            input_type: "checkbox",
            id_prefix: self
                .id_prefix
                .as_deref()
                .filter(|p| !p.is_empty())
                .unwrap_or(&self.name),
            name: &self.name,
            items: &self.items,
            selected: self.values.iter().map(String::as_str).collect(),
            hint: self.hint.as_ref(),
            error_message: self.error_message.as_ref(),
            items_described_by: None,
            classes: &self.classes,
            attributes: &self.attributes,
        };
        if self.fieldset.is_none() {
            inner.items_described_by = inner.group_described_by(self.base_described_by());
        }
        inner
    }

    fn in_fieldset(&self, fieldset: &Fieldset) -> askama::Result<Fieldset> {
        let inner = self.inner();
        let described_by = inner.group_described_by(self.base_described_by());
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

common_builders!(Checkboxes);
html_safe!(Checkboxes);
