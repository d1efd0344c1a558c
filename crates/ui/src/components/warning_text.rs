use askama::Template;

use super::common::{Attributes, Content, common_builders, html_safe};

/// The GOV.UK [warning text](https://design-system.service.gov.uk/components/warning-text/).
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "components/warning_text.html")]
pub struct WarningText {
    /// The warning (or trusted HTML).
    pub content: Content,
    /// Visually hidden text read before the warning, `Warning` by default.
    pub icon_fallback_text: String,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl WarningText {
    /// Warning text.
    pub fn new(content: impl Into<Content>) -> Self {
        Self {
            content: content.into(),
            icon_fallback_text: "Warning".to_owned(),
            classes: String::new(),
            attributes: Attributes::default(),
        }
    }

    fn fallback(&self) -> &str {
        if self.icon_fallback_text.is_empty() {
            "Warning"
        } else {
            &self.icon_fallback_text
        }
    }
}

common_builders!(WarningText);
html_safe!(WarningText);
