use askama::Template;

use super::common::{Attributes, Content, common_builders, html_safe};

/// One error in an [`ErrorSummary`]: a message linking to the field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorSummaryItem {
    /// The message (or trusted HTML).
    pub content: Content,
    /// Link to the field in error, e.g. `#email`; plain text if unset.
    pub href: Option<String>,
    /// Extra attributes on the link.
    pub attributes: Attributes,
}

impl ErrorSummaryItem {
    /// An error linking to `href`.
    pub fn new(content: impl Into<Content>, href: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            href: Some(href.into()),
            attributes: Attributes::default(),
        }
    }
}

/// The GOV.UK [error summary](https://design-system.service.gov.uk/components/error-summary/),
/// at the top of a page whose form has errors.
///
/// ```
/// use safeguard_ui::components::ErrorSummary;
/// let summary = ErrorSummary::new([("Enter your email address", "#email")]);
/// assert!(summary.to_string().contains(r##"<a href="#email">"##));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "components/error_summary.html")]
pub struct ErrorSummary {
    /// The heading, `There is a problem` by default.
    pub title: Content,
    /// Text under the heading.
    pub description: Option<Content>,
    /// The errors.
    pub errors: Vec<ErrorSummaryItem>,
    /// `data-disable-auto-focus` when set.
    pub disable_auto_focus: Option<bool>,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl Default for ErrorSummary {
    fn default() -> Self {
        Self {
            title: Content::text("There is a problem"),
            description: None,
            errors: Vec::new(),
            disable_auto_focus: None,
            classes: String::new(),
            attributes: Attributes::default(),
        }
    }
}

impl ErrorSummary {
    /// A summary of `(message, href)` pairs, titled "There is a problem".
    pub fn new<T: Into<Content>, H: Into<String>>(
        errors: impl IntoIterator<Item = (T, H)>,
    ) -> Self {
        Self {
            errors: errors
                .into_iter()
                .map(|(text, href)| ErrorSummaryItem::new(text, href))
                .collect(),
            ..Self::default()
        }
    }

    /// Replaces the title.
    #[must_use]
    pub fn title(mut self, title: impl Into<Content>) -> Self {
        self.title = title.into();
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<Content>) -> Self {
        self.description = Some(description.into());
        self
    }

    fn description_to_show(&self) -> Option<&Content> {
        self.description.as_ref().filter(|d| !d.is_empty())
    }
}

common_builders!(ErrorSummary);
html_safe!(ErrorSummary);
