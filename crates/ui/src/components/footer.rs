use askama::Template;

use super::common::{Attributes, Content, common_builders, html_safe};

/// A link in the [`Footer`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FooterLink {
    /// Where it goes.
    pub href: String,
    /// The link text.
    pub text: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl FooterLink {
    /// A link.
    pub fn new(text: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            href: href.into(),
            text: text.into(),
            attributes: Attributes::default(),
        }
    }
}

/// A titled group of links at the top of the [`Footer`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FooterSection {
    /// The section's heading.
    pub title: String,
    /// Its width in the grid (`full`, `one-half`, `one-third`, `two-thirds`, …);
    /// `full` by default.
    pub width: Option<String>,
    /// Number of columns for the links.
    pub columns: Option<u32>,
    /// The links (those without both text and href are skipped).
    pub items: Vec<FooterLink>,
}

impl FooterSection {
    fn width_class(&self) -> &str {
        self.width
            .as_deref()
            .filter(|w| !w.is_empty())
            .unwrap_or("full")
    }

    fn links(&self) -> impl Iterator<Item = &FooterLink> {
        self.items
            .iter()
            .filter(|l| !l.href.is_empty() && !l.text.is_empty())
    }
}

/// The footer's meta area: support links and a line of text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FooterMeta {
    /// Visually hidden heading, `Support links` by default.
    pub visually_hidden_title: Option<String>,
    /// The links (accessibility statement, cookies, privacy, …).
    pub items: Vec<FooterLink>,
    /// Text (or trusted HTML) under the links.
    pub content: Option<Content>,
}

impl FooterMeta {
    fn title(&self) -> &str {
        self.visually_hidden_title
            .as_deref()
            .filter(|t| !t.is_empty())
            .unwrap_or("Support links")
    }

    fn content_to_show(&self) -> Option<&Content> {
        self.content.as_ref().filter(|c| !c.is_empty())
    }
}

/// The GOV.UK [footer](https://design-system.service.gov.uk/components/footer/),
/// for a service that is not on GOV.UK: no crown, no Open Government Licence
/// logo or statement and no Crown copyright link. It has optional navigation
/// sections, meta links with a line of text, and an optional licence line.
///
/// ```
/// use safeguard_ui::components::{Footer, FooterLink};
/// let footer = Footer::new()
///     .meta_links([FooterLink::new("Accessibility", "/accessibility"), FooterLink::new("Privacy", "/privacy")])
///     .meta_text("Safeguard, for local safeguarding children partnerships");
/// let html = footer.to_string();
/// assert!(html.contains(r#"<a class="govuk-footer__link" href="/privacy">"#));
/// assert!(!html.contains("govuk-footer__crown") && !html.contains("licence-logo"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Template)]
#[template(path = "components/footer.html")]
pub struct Footer {
    /// Navigation sections above the meta area.
    pub navigation: Vec<FooterSection>,
    /// The meta area.
    pub meta: Option<FooterMeta>,
    /// A licence line (text or trusted HTML), shown without a logo.
    pub licence: Option<Content>,
    /// Extra classes on the width container.
    pub container_classes: String,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl Footer {
    /// An empty footer.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the meta links.
    #[must_use]
    pub fn meta_links(mut self, links: impl IntoIterator<Item = FooterLink>) -> Self {
        self.meta.get_or_insert_with(FooterMeta::default).items = links.into_iter().collect();
        self
    }

    /// Sets the meta text.
    #[must_use]
    pub fn meta_text(mut self, content: impl Into<Content>) -> Self {
        self.meta.get_or_insert_with(FooterMeta::default).content = Some(content.into());
        self
    }

    fn licence_to_show(&self) -> Option<&Content> {
        self.licence.as_ref().filter(|c| !c.is_empty())
    }
}

common_builders!(Footer);
html_safe!(Footer);
