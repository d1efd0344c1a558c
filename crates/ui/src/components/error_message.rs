use askama::Template;

use super::common::{Attributes, Content, common_builders, html_safe};

/// The GOV.UK [error message](https://design-system.service.gov.uk/components/error-message/)
/// shown above a field. Form components render their own from this and give
/// it its id (`<field id>-error`).
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "components/error_message.html")]
pub struct ErrorMessage {
    /// The message (or trusted HTML).
    pub content: Content,
    /// The element's id.
    pub id: Option<String>,
    /// The visually hidden prefix, `Error` by default; empty for none.
    pub visually_hidden_text: String,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl Default for ErrorMessage {
    fn default() -> Self {
        Self {
            content: Content::default(),
            id: None,
            visually_hidden_text: "Error".to_owned(),
            classes: String::new(),
            attributes: Attributes::default(),
        }
    }
}

impl ErrorMessage {
    /// An error message.
    pub fn new(content: impl Into<Content>) -> Self {
        Self {
            content: content.into(),
            ..Self::default()
        }
    }

    /// A copy with this id.
    #[must_use]
    pub fn with_id(&self, id: impl Into<String>) -> Self {
        Self {
            id: Some(id.into()),
            ..self.clone()
        }
    }

    /// Sets the id.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
}

common_builders!(ErrorMessage);
html_safe!(ErrorMessage);
