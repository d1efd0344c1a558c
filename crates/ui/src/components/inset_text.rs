use askama::Template;

use super::common::{Attributes, Content, common_builders, html_safe};

/// The GOV.UK [inset text](https://design-system.service.gov.uk/components/inset-text/).
#[derive(Debug, Clone, Default, PartialEq, Eq, Template)]
#[template(path = "components/inset_text.html")]
pub struct InsetText {
    /// The text (or trusted HTML).
    pub content: Content,
    /// The element's id.
    pub id: Option<String>,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl InsetText {
    /// Inset text.
    pub fn new(content: impl Into<Content>) -> Self {
        Self {
            content: content.into(),
            ..Self::default()
        }
    }
}

common_builders!(InsetText);
html_safe!(InsetText);
