use askama::Template;

use super::common::{Attributes, Content, common_builders, html_safe};

/// The GOV.UK [notification banner](https://design-system.service.gov.uk/components/notification-banner/):
/// neutral ("Important") or success.
///
/// [`Content::Text`] is shown as a heading-style paragraph
/// (`govuk-notification-banner__heading`); [`Content::Html`] is written as it
/// is (use `<h3 class="govuk-notification-banner__heading">` and
/// `<p class="govuk-body">` inside).
///
/// ```
/// use safeguard_ui::components::NotificationBanner;
/// let done = NotificationBanner::success("Referral sent");
/// let html = done.to_string();
/// assert!(html.contains(r#"role="alert""#));
/// assert!(html.contains("govuk-notification-banner--success"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Template)]
#[template(path = "components/notification_banner.html")]
pub struct NotificationBanner {
    /// The message.
    pub content: Content,
    /// The success variant (green, `role="alert"`).
    pub success: bool,
    /// The title; `Success` or `Important` by default.
    pub title: Option<Content>,
    /// The title's id, `govuk-notification-banner-title` by default.
    pub title_id: Option<String>,
    /// The title's heading level, 2 by default.
    pub title_heading_level: Option<u8>,
    /// `role`; `alert` for success, `region` otherwise, by default.
    pub role: Option<String>,
    /// `data-disable-auto-focus` when set.
    pub disable_auto_focus: Option<bool>,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl NotificationBanner {
    /// A neutral ("Important") banner.
    pub fn new(content: impl Into<Content>) -> Self {
        Self {
            content: content.into(),
            ..Self::default()
        }
    }

    /// A success banner.
    pub fn success(content: impl Into<Content>) -> Self {
        Self {
            content: content.into(),
            success: true,
            ..Self::default()
        }
    }

    /// Replaces the title.
    #[must_use]
    pub fn title(mut self, title: impl Into<Content>) -> Self {
        self.title = Some(title.into());
        self
    }

    fn role_attr(&self) -> &str {
        match self.role.as_deref() {
            Some(role) if !role.is_empty() => role,
            _ if self.success => "alert",
            _ => "region",
        }
    }

    fn title_id_attr(&self) -> &str {
        self.title_id
            .as_deref()
            .filter(|id| !id.is_empty())
            .unwrap_or("govuk-notification-banner-title")
    }

    fn heading_level(&self) -> u8 {
        self.title_heading_level
            .filter(|l| (1..=6).contains(l))
            .unwrap_or(2)
    }

    fn title_content(&self) -> Content {
        match &self.title {
            Some(title) if !title.is_empty() => title.clone(),
            _ if self.success => Content::text("Success"),
            _ => Content::text("Important"),
        }
    }

    fn is_html(&self) -> bool {
        matches!(self.content, Content::Html(_))
    }
}

common_builders!(NotificationBanner);
html_safe!(NotificationBanner);
