use askama::Template;

use super::common::{Attributes, Content, classes, common_builders, html_safe};

/// The GOV.UK [panel](https://design-system.service.gov.uk/components/panel/),
/// the confirmation at the end of a transaction.
///
/// ```
/// use safeguard_ui::components::{Content, Panel};
/// let panel = Panel::new("Referral sent")
///     .content(Content::html("Your reference number<br><strong>HDJ2123F</strong>"));
/// assert!(panel.to_string().contains("govuk-panel--confirmation"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "components/panel.html")]
pub struct Panel {
    /// The title.
    pub title: Content,
    /// The title's heading level, 1 by default.
    pub heading_level: u8,
    /// The body.
    pub content: Option<Content>,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl Panel {
    /// A confirmation panel with a title.
    pub fn new(title: impl Into<Content>) -> Self {
        Self {
            title: title.into(),
            heading_level: 1,
            content: None,
            classes: String::new(),
            attributes: Attributes::default(),
        }
    }

    /// Sets the body.
    #[must_use]
    pub fn content(mut self, content: impl Into<Content>) -> Self {
        self.content = Some(content.into());
        self
    }

    fn panel_class(&self) -> String {
        let interruption = self.classes.contains("govuk-panel--interruption");
        classes([
            "govuk-panel",
            if interruption {
                ""
            } else {
                "govuk-panel--confirmation"
            },
            self.classes.as_str(),
        ])
    }

    fn heading_level(&self) -> u8 {
        if (1..=6).contains(&self.heading_level) {
            self.heading_level
        } else {
            1
        }
    }

    fn body(&self) -> Option<&Content> {
        self.content.as_ref().filter(|c| !c.is_empty())
    }
}

common_builders!(Panel);
html_safe!(Panel);
