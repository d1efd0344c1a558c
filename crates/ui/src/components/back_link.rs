use askama::Template;

use super::common::{Attributes, Content, common_builders, html_safe};

/// The GOV.UK [back link](https://design-system.service.gov.uk/components/back-link/).
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "components/back_link.html")]
pub struct BackLink {
    /// Where it goes (`#` if empty).
    pub href: String,
    /// The link text, `Back` by default.
    pub content: Content,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl BackLink {
    /// A "Back" link to `href`.
    pub fn new(href: impl Into<String>) -> Self {
        Self {
            href: href.into(),
            content: Content::text("Back"),
            classes: String::new(),
            attributes: Attributes::default(),
        }
    }

    /// Replaces the link text.
    #[must_use]
    pub fn content(mut self, content: impl Into<Content>) -> Self {
        self.content = content.into();
        self
    }

    fn href_attr(&self) -> &str {
        if self.href.is_empty() {
            "#"
        } else {
            &self.href
        }
    }
}

common_builders!(BackLink);
html_safe!(BackLink);
