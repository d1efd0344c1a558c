use askama::Template;

use super::common::{Attributes, Content, common_builders, html_safe};

/// The GOV.UK [details](https://design-system.service.gov.uk/components/details/)
/// (a disclosure: a summary the user clicks to reveal the text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Template)]
#[template(path = "components/details.html")]
pub struct Details {
    /// The summary (always visible).
    pub summary: Content,
    /// What is revealed.
    pub content: Content,
    /// Open on load.
    pub open: bool,
    /// The element's id.
    pub id: Option<String>,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl Details {
    /// Details with a summary and the text it reveals.
    pub fn new(summary: impl Into<Content>, content: impl Into<Content>) -> Self {
        Self {
            summary: summary.into(),
            content: content.into(),
            ..Self::default()
        }
    }

    /// Open on load.
    #[must_use]
    pub fn open(mut self) -> Self {
        self.open = true;
        self
    }
}

common_builders!(Details);
html_safe!(Details);
