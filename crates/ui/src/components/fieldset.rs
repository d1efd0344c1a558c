use askama::Template;

use super::common::{Attributes, Content, common_builders, html_safe};

/// The legend of a [`Fieldset`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Legend {
    /// The legend's text (or trusted HTML).
    pub content: Content,
    /// Wraps the text in `<h1 class="govuk-fieldset__heading">`.
    pub is_page_heading: bool,
    /// Extra classes, e.g. `govuk-fieldset__legend--l`.
    pub classes: String,
}

impl Legend {
    /// A legend.
    pub fn new(content: impl Into<Content>) -> Self {
        Self {
            content: content.into(),
            ..Self::default()
        }
    }

    /// Makes the legend the page's `<h1>` and sets `govuk-fieldset__legend--l`.
    #[must_use]
    pub fn page_heading(mut self) -> Self {
        self.is_page_heading = true;
        if self.classes.is_empty() {
            "govuk-fieldset__legend--l".clone_into(&mut self.classes);
        }
        self
    }

    /// Replaces the extra classes.
    #[must_use]
    pub fn classes(mut self, classes: impl Into<String>) -> Self {
        self.classes = classes.into();
        self
    }
}

impl<T: Into<Content>> From<T> for Legend {
    fn from(content: T) -> Self {
        Self::new(content)
    }
}

/// The GOV.UK [fieldset](https://design-system.service.gov.uk/components/fieldset/):
/// groups related fields under a legend. [`Radios`](super::Radios) and
/// [`Checkboxes`](super::Checkboxes) render their own fieldset from this.
#[derive(Debug, Clone, Default, PartialEq, Eq, Template)]
#[template(path = "components/fieldset.html")]
pub struct Fieldset {
    /// The legend.
    pub legend: Option<Legend>,
    /// What goes inside, after the legend (usually rendered components).
    pub html: Content,
    /// `aria-describedby`.
    pub described_by: Option<String>,
    /// `role`.
    pub role: Option<String>,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl Fieldset {
    /// A fieldset with a legend.
    pub fn new(legend: impl Into<Legend>) -> Self {
        Self {
            legend: Some(legend.into()),
            ..Self::default()
        }
    }

    /// Sets what goes inside (trusted HTML, e.g. rendered components).
    #[must_use]
    pub fn html(mut self, html: impl Into<String>) -> Self {
        self.html = Content::Html(html.into());
        self
    }

    /// A copy holding `html`, described by `described_by`.
    pub(crate) fn wrapping(&self, html: String, described_by: Option<String>) -> Self {
        Self {
            html: Content::Html(html),
            described_by,
            ..self.clone()
        }
    }

    fn legend_to_show(&self) -> Option<&Legend> {
        self.legend.as_ref().filter(|l| !l.content.is_empty())
    }
}

common_builders!(Fieldset);
html_safe!(Fieldset);
