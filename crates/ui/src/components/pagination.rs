use askama::Template;

use super::common::{Attributes, Content, classes, common_builders, html_safe};

/// The previous or next link of a [`Pagination`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaginationLink {
    /// Where it goes.
    pub href: String,
    /// The link text; `Previous page`/`Next page` (with "page" visually
    /// hidden) by default.
    pub content: Option<Content>,
    /// A label under the link text, e.g. the title of the page (block style only).
    pub label_text: Option<String>,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl PaginationLink {
    /// A link to `href`.
    pub fn new(href: impl Into<String>) -> Self {
        Self {
            href: href.into(),
            ..Self::default()
        }
    }
}

/// A numbered item (or an ellipsis) of a [`Pagination`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaginationItem {
    /// The page number shown.
    pub number: String,
    /// Where it goes.
    pub href: String,
    /// The current page.
    pub current: bool,
    /// An ellipsis (`⋯`) instead of a link.
    pub ellipsis: bool,
    /// The link's `aria-label`; `Page <number>` by default.
    pub visually_hidden_text: Option<String>,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl PaginationItem {
    /// A link to page `number`.
    pub fn page(number: impl ToString, href: impl Into<String>, current: bool) -> Self {
        Self {
            number: number.to_string(),
            href: href.into(),
            current,
            ..Self::default()
        }
    }

    /// An ellipsis.
    #[must_use]
    pub fn ellipsis() -> Self {
        Self {
            ellipsis: true,
            ..Self::default()
        }
    }

    fn aria_label(&self) -> String {
        match self.visually_hidden_text.as_deref() {
            Some(text) => text.to_owned(),
            None => format!("Page {}", self.number),
        }
    }
}

/// The GOV.UK [pagination](https://design-system.service.gov.uk/components/pagination/):
/// numbered pages with previous and next links, or (with no numbered
/// items) block-style previous and next links.
///
/// ```
/// use safeguard_ui::components::Pagination;
/// let pages = Pagination::numbered(2, 5, |page| format!("/cases?page={page}"));
/// let html = pages.to_string();
/// assert!(html.contains(r#"aria-current="page""#));
/// assert!(html.contains(r#"rel="prev""#) && html.contains(r#"rel="next""#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Template)]
#[template(path = "components/pagination.html")]
pub struct Pagination {
    /// The previous link.
    pub previous: Option<PaginationLink>,
    /// The next link.
    pub next: Option<PaginationLink>,
    /// The numbered items.
    pub items: Vec<PaginationItem>,
    /// The `<nav>`'s `aria-label`, `Pagination` by default.
    pub landmark_label: Option<String>,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl Pagination {
    /// Numbered pagination for page `current` of `last` (1-based), with
    /// previous/next links and ellipses around the current page, the first
    /// and the last pages. `href` makes each page's URL.
    pub fn numbered(current: u32, last: u32, href: impl Fn(u32) -> String) -> Self {
        let mut items = Vec::new();
        let mut gap = false;
        for page in 1..=last {
            let near = page == 1 || page == last || page.abs_diff(current) <= 1;
            if near {
                items.push(PaginationItem::page(page, href(page), page == current));
                gap = false;
            } else if !gap {
                items.push(PaginationItem::ellipsis());
                gap = true;
            }
        }
        Self {
            previous: (current > 1).then(|| PaginationLink::new(href(current - 1))),
            next: (current < last).then(|| PaginationLink::new(href(current + 1))),
            items,
            ..Self::default()
        }
    }

    fn block_level(&self) -> bool {
        self.items.is_empty() && (self.previous.is_some() || self.next.is_some())
    }

    fn nav_class(&self) -> String {
        classes([
            "govuk-pagination",
            if self.block_level() {
                "govuk-pagination--block"
            } else {
                ""
            },
            self.classes.as_str(),
        ])
    }

    fn label(&self) -> &str {
        self.landmark_label
            .as_deref()
            .filter(|l| !l.is_empty())
            .unwrap_or("Pagination")
    }

    fn link_title_class(&self, link: &PaginationLink) -> &'static str {
        if self.block_level() && link.label_text.as_deref().is_none_or(str::is_empty) {
            "govuk-pagination__link-title govuk-pagination__link-title--decorated"
        } else {
            "govuk-pagination__link-title"
        }
    }

    fn link_label<'a>(&self, link: &'a PaginationLink) -> Option<&'a str> {
        link.label_text
            .as_deref()
            .filter(|l| !l.is_empty() && self.block_level())
    }

    fn link_content(link: &PaginationLink) -> Option<&Content> {
        link.content.as_ref().filter(|c| !c.is_empty())
    }

    fn previous_link(&self) -> Option<&PaginationLink> {
        self.previous.as_ref().filter(|l| !l.href.is_empty())
    }

    fn next_link(&self) -> Option<&PaginationLink> {
        self.next.as_ref().filter(|l| !l.href.is_empty())
    }
}

common_builders!(Pagination);
html_safe!(Pagination);
