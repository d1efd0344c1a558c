use askama::Template;

use super::common::{Attributes, Content, common_builders, html_safe};

/// The GOV.UK label (`govuk-label`). Form components render their own label
/// from this; it renders nothing when its content is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Template)]
#[template(path = "components/label.html")]
pub struct Label {
    /// The label's text (or trusted HTML).
    pub content: Content,
    /// The `for` attribute: the id of the field it labels (form components set it).
    pub for_id: Option<String>,
    /// Wraps the label in `<h1 class="govuk-label-wrapper">`.
    pub is_page_heading: bool,
    /// Extra classes, e.g. `govuk-label--l`.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl Label {
    /// A label.
    pub fn new(content: impl Into<Content>) -> Self {
        Self {
            content: content.into(),
            ..Self::default()
        }
    }

    /// Makes the label the page's `<h1>` (add e.g. `govuk-label--l` too).
    #[must_use]
    pub fn page_heading(mut self) -> Self {
        self.is_page_heading = true;
        self
    }

    /// A copy labelling the field `id`.
    #[must_use]
    pub fn labelling(&self, id: impl Into<String>) -> Self {
        Self {
            for_id: Some(id.into()),
            ..self.clone()
        }
    }
}

common_builders!(Label);
html_safe!(Label);
