use askama::Template;

use super::Tag;
use super::common::{Attributes, Content, common_builders, html_safe};

/// The GOV.UK [phase banner](https://design-system.service.gov.uk/components/phase-banner/).
///
/// ```
/// use safeguard_ui::components::{Content, PhaseBanner};
/// let banner = PhaseBanner::new(
///     "Beta",
///     Content::html(r#"This is a new service. <a class="govuk-link" href="/feedback">Give feedback</a>."#),
/// );
/// assert!(banner.to_string().contains("govuk-phase-banner__content__tag"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Template)]
#[template(path = "components/phase_banner.html")]
pub struct PhaseBanner {
    /// The phase tag (e.g. `Beta`).
    pub tag: Tag,
    /// The text next to the tag.
    pub content: Content,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl PhaseBanner {
    /// A phase banner with a tag and text.
    pub fn new(tag: impl Into<Content>, content: impl Into<Content>) -> Self {
        Self {
            tag: Tag::new(tag),
            content: content.into(),
            ..Self::default()
        }
    }

    fn banner_tag(&self) -> Tag {
        let mut tag = self.tag.clone();
        tag.classes =
            super::common::classes(["govuk-phase-banner__content__tag", tag.classes.as_str()]);
        tag
    }
}

common_builders!(PhaseBanner);
html_safe!(PhaseBanner);
