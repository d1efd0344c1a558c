use askama::Template;

use super::common::{Attributes, Content, common_builders, html_safe};

/// A link in the [`ServiceNavigation`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NavigationItem {
    /// The link text (or trusted HTML).
    pub content: Content,
    /// Where it goes; plain text if unset.
    pub href: Option<String>,
    /// In the current section (`aria-current="true"`).
    pub active: bool,
    /// The current page itself (`aria-current="page"`).
    pub current: bool,
    /// Extra attributes on the link.
    pub attributes: Attributes,
}

impl NavigationItem {
    /// A link.
    pub fn new(content: impl Into<Content>, href: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            href: Some(href.into()),
            ..Self::default()
        }
    }

    /// Marks the link as the current section.
    #[must_use]
    pub fn active(mut self, active: bool) -> Self {
        self.active = active;
        self
    }

    /// Marks the link as the current page.
    #[must_use]
    pub fn current(mut self, current: bool) -> Self {
        self.current = current;
        self
    }

    fn is_active(&self) -> bool {
        self.active || self.current
    }

    fn aria_current(&self) -> &'static str {
        if self.current { "page" } else { "true" }
    }
}

/// The GOV.UK [service navigation](https://design-system.service.gov.uk/components/service-navigation/):
/// the service name and the service's main links, under the header.
///
/// ```
/// use safeguard_ui::components::{NavigationItem, ServiceNavigation};
/// let nav = ServiceNavigation::new()
///     .service_name("Safeguard", "/")
///     .items([
///         NavigationItem::new("Cases", "/cases").active(true),
///         NavigationItem::new("Reports", "/reports"),
///     ]);
/// let html = nav.to_string();
/// assert!(html.contains(r#"aria-current="true""#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Template)]
#[template(path = "components/service_navigation.html")]
pub struct ServiceNavigation {
    /// The service name.
    pub service_name: Option<String>,
    /// Where the service name links to (plain text if unset).
    pub service_url: Option<String>,
    /// The navigation links.
    pub items: Vec<NavigationItem>,
    /// The `<section>`'s `aria-label`, `Service information` by default.
    pub aria_label: Option<String>,
    /// The `<nav>`'s `aria-label`; the menu button text by default.
    pub navigation_label: Option<String>,
    /// The list's id, `navigation` by default.
    pub navigation_id: Option<String>,
    /// Extra classes on the `<nav>`.
    pub navigation_classes: String,
    /// The mobile menu button's text, `Menu` by default.
    pub menu_button_text: Option<String>,
    /// The mobile menu button's `aria-label` when it differs from its text.
    pub menu_button_label: Option<String>,
    /// Collapse the links behind a menu button on mobile; by default when
    /// there is more than one link.
    pub collapse_navigation_on_mobile: Option<bool>,
    /// Slot: trusted HTML at the start of the container.
    pub slot_start: Option<Content>,
    /// Slot: trusted HTML at the end of the container.
    pub slot_end: Option<Content>,
    /// Lays the end slot inline with the navigation.
    pub slot_end_inline: bool,
    /// Slot: trusted HTML (`<li>`s) at the start of the list.
    pub slot_navigation_start: Option<Content>,
    /// Slot: trusted HTML (`<li>`s) at the end of the list.
    pub slot_navigation_end: Option<Content>,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl ServiceNavigation {
    /// Empty service navigation.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the service name, linking to `url`.
    #[must_use]
    pub fn service_name(mut self, name: impl Into<String>, url: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self.service_url = Some(url.into());
        self
    }

    /// Adds links.
    #[must_use]
    pub fn items(mut self, items: impl IntoIterator<Item = NavigationItem>) -> Self {
        self.items.extend(items);
        self
    }

    /// Marks as active the first item whose `href` is `path`, or the longest
    /// `href` that is a prefix of `path` at a `/` boundary.
    #[must_use]
    pub fn with_active(mut self, path: &str) -> Self {
        let best = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let href = item.href.as_deref()?;
                let matches = href == path
                    || (href != "/"
                        && path.starts_with(href)
                        && path[href.len()..].starts_with(['/', '?']));
                matches.then_some((i, href.len()))
            })
            .max_by_key(|&(_, len)| len);
        if let Some((i, _)) = best
            && let Some(item) = self.items.get_mut(i)
        {
            item.active = true;
        }
        self
    }

    fn name(&self) -> Option<&str> {
        self.service_name.as_deref().filter(|n| !n.is_empty())
    }

    fn url(&self) -> Option<&str> {
        self.service_url.as_deref().filter(|u| !u.is_empty())
    }

    fn slot(slot: Option<&Content>) -> Option<&Content> {
        slot.filter(|c| !c.is_empty())
    }

    fn end_slot(&self) -> Option<&Content> {
        Self::slot(self.slot_end.as_ref())
    }

    fn visible_items(&self) -> impl Iterator<Item = &NavigationItem> {
        self.items.iter()
    }

    fn has_navigation(&self) -> bool {
        self.visible_items().next().is_some()
            || Self::slot(self.slot_navigation_start.as_ref()).is_some()
            || Self::slot(self.slot_navigation_end.as_ref()).is_some()
    }

    fn menu_text(&self) -> &str {
        self.menu_button_text
            .as_deref()
            .filter(|t| !t.is_empty())
            .unwrap_or("Menu")
    }

    fn nav_label(&self) -> &str {
        self.navigation_label
            .as_deref()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| self.menu_text())
    }

    fn menu_label(&self) -> Option<&str> {
        self.menu_button_label
            .as_deref()
            .filter(|l| !l.is_empty() && *l != self.menu_text())
    }

    fn nav_id(&self) -> &str {
        self.navigation_id
            .as_deref()
            .filter(|t| !t.is_empty())
            .unwrap_or("navigation")
    }

    fn collapse(&self) -> bool {
        self.collapse_navigation_on_mobile
            .unwrap_or_else(|| self.visible_items().count() > 1)
    }

    fn is_section(&self) -> bool {
        self.name().is_some()
            || Self::slot(self.slot_start.as_ref()).is_some()
            || self.end_slot().is_some()
    }

    fn section_label(&self) -> &str {
        self.aria_label.as_deref().unwrap_or("Service information")
    }
}

common_builders!(ServiceNavigation);
html_safe!(ServiceNavigation);
