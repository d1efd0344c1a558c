use askama::Template;

use super::common::{Attributes, Content, common_builders, html_safe};

/// The GOV.UK [skip link](https://design-system.service.gov.uk/components/skip-link/),
/// first thing in `<body>`.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "components/skip_link.html")]
pub struct SkipLink {
    /// The target (`#content` if empty).
    pub href: String,
    /// The link text.
    pub content: Content,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl Default for SkipLink {
    fn default() -> Self {
        Self {
            href: "#main-content".to_owned(),
            content: Content::text("Skip to main content"),
            classes: String::new(),
            attributes: Attributes::default(),
        }
    }
}

impl SkipLink {
    /// A skip link to `href` (usually `#main-content`).
    pub fn new(content: impl Into<Content>, href: impl Into<String>) -> Self {
        Self {
            href: href.into(),
            content: content.into(),
            ..Self::default()
        }
    }

    fn href_attr(&self) -> &str {
        if self.href.is_empty() {
            "#content"
        } else {
            &self.href
        }
    }
}

common_builders!(SkipLink);
html_safe!(SkipLink);
