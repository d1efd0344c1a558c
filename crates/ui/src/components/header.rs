use askama::Template;

use super::common::{Attributes, Content, common_builders, html_safe};

/// The header: govuk-frontend's *generic* header (`govuk-generic-header`),
/// which carries a service's own name or logo, with no crown and no GOV.UK
/// logotype, for services that are not on GOV.UK.
///
/// ```
/// use safeguard_ui::components::Header;
/// let header = Header::new("Safeguard");
/// let html = header.to_string();
/// assert!(html.contains(r#"<a href="/" class="govuk-generic-header__homepage-link">"#));
/// assert!(!html.contains("govuk-logo"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "components/header.html")]
pub struct Header {
    /// The service name (text), or a trusted HTML logo.
    pub logo: Content,
    /// Where the name links to, `/` by default.
    pub url: String,
    /// Classes for the container, `govuk-width-container` by default.
    pub container_classes: String,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl Header {
    /// A header with the service name, linking to `/`.
    pub fn new(service_name: impl Into<Content>) -> Self {
        Self {
            logo: service_name.into(),
            url: "/".to_owned(),
            container_classes: String::new(),
            classes: String::new(),
            attributes: Attributes::default(),
        }
    }

    /// Sets the home page URL.
    #[must_use]
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = url.into();
        self
    }

    /// Full-width container (`govuk-generic-header__container--full-width`).
    #[must_use]
    pub fn full_width(mut self) -> Self {
        "govuk-generic-header__container--full-width".clone_into(&mut self.container_classes);
        self
    }

    fn href(&self) -> &str {
        if self.url.is_empty() { "/" } else { &self.url }
    }

    fn container_class(&self) -> &str {
        if self.container_classes.is_empty() {
            "govuk-width-container"
        } else {
            &self.container_classes
        }
    }
}

common_builders!(Header);
html_safe!(Header);
