use askama::Template;

use super::common::{Attributes, Content, classes, common_builders, html_safe};

/// An action link in a [`SummaryRow`] or on a [`SummaryCard`], e.g. "Change".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryAction {
    /// Where it goes.
    pub href: String,
    /// The link text (or trusted HTML), e.g. `Change`.
    pub content: Content,
    /// Visually hidden text after the link text, e.g. `name` so that a screen
    /// reader says "Change name".
    pub visually_hidden_text: Option<String>,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl SummaryAction {
    /// An action link with visually hidden context (e.g. `("Change", "/name", "name")`).
    pub fn new(
        content: impl Into<Content>,
        href: impl Into<String>,
        visually_hidden_text: impl Into<String>,
    ) -> Self {
        let hidden: String = visually_hidden_text.into();
        Self {
            href: href.into(),
            content: content.into(),
            visually_hidden_text: if hidden.is_empty() {
                None
            } else {
                Some(hidden)
            },
            ..Self::default()
        }
    }
}

/// A row of a [`SummaryList`]: a key, a value and optional actions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryRow {
    /// The key (`<dt>`).
    pub key: Content,
    /// Extra classes on the key.
    pub key_classes: String,
    /// The value (`<dd>`); trusted HTML allowed via [`Content::Html`].
    pub value: Content,
    /// Extra classes on the value.
    pub value_classes: String,
    /// Action links.
    pub actions: Vec<SummaryAction>,
    /// Extra classes on the actions `<dd>`.
    pub actions_classes: String,
    /// Extra classes on the row.
    pub classes: String,
}

impl SummaryRow {
    /// A row with a key and a value.
    pub fn new(key: impl Into<Content>, value: impl Into<Content>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
            ..Self::default()
        }
    }

    /// Adds an action link: `action("Change", "/name", "name")`.
    #[must_use]
    pub fn action(
        mut self,
        content: impl Into<Content>,
        href: impl Into<String>,
        visually_hidden_text: impl Into<String>,
    ) -> Self {
        self.actions
            .push(SummaryAction::new(content, href, visually_hidden_text));
        self
    }
}

/// The card a [`SummaryList`] can sit in, with a title and actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryCard {
    /// The title.
    pub title: Option<Content>,
    /// The title's heading level, 2 by default.
    pub heading_level: u8,
    /// Extra classes on the title.
    pub title_classes: String,
    /// Action links for the whole card.
    pub actions: Vec<SummaryAction>,
    /// Extra classes on the actions.
    pub actions_classes: String,
    /// Extra classes on the card.
    pub classes: String,
    /// Extra attributes on the card.
    pub attributes: Attributes,
}

impl Default for SummaryCard {
    fn default() -> Self {
        Self {
            title: None,
            heading_level: 2,
            title_classes: String::new(),
            actions: Vec::new(),
            actions_classes: String::new(),
            classes: String::new(),
            attributes: Attributes::default(),
        }
    }
}

impl SummaryCard {
    /// A card with a title.
    pub fn new(title: impl Into<Content>) -> Self {
        Self {
            title: Some(title.into()),
            ..Self::default()
        }
    }

    /// Adds an action link for the whole card.
    #[must_use]
    pub fn action(mut self, content: impl Into<Content>, href: impl Into<String>) -> Self {
        self.actions.push(SummaryAction::new(content, href, ""));
        self
    }

    fn heading_level(&self) -> u8 {
        if (1..=6).contains(&self.heading_level) {
            self.heading_level
        } else {
            2
        }
    }

    fn title_to_show(&self) -> Option<&Content> {
        self.title.as_ref().filter(|t| !t.is_empty())
    }
}

/// An action link, with the card's title as visually hidden context.
#[derive(Template)]
#[template(path = "components/_summary_action.html")]
struct ActionLink<'a> {
    action: &'a SummaryAction,
    card_title: Option<&'a Content>,
}

impl ActionLink<'_> {
    fn hidden_text(&self) -> Option<&str> {
        self.action
            .visually_hidden_text
            .as_deref()
            .filter(|t| !t.is_empty())
    }
}

html_safe!(ActionLink<'_>);

/// The GOV.UK [summary list](https://design-system.service.gov.uk/components/summary-list/),
/// optionally in a summary card.
///
/// ```
/// use safeguard_ui::components::{SummaryList, SummaryRow};
/// let list = SummaryList::new([
///     SummaryRow::new("Name", "Sarah Philips").action("Change", "/name", "name"),
///     SummaryRow::new("Date of birth", "5 January 1978"),
/// ]);
/// let html = list.to_string();
/// assert!(html.contains(r#"<span class="govuk-visually-hidden"> name</span>"#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Template)]
#[template(path = "components/summary_list.html")]
pub struct SummaryList {
    /// The rows.
    pub rows: Vec<SummaryRow>,
    /// Wraps the list in a summary card.
    pub card: Option<SummaryCard>,
    /// Extra classes on the list, e.g. `govuk-summary-list--no-border`.
    pub classes: String,
    /// Extra attributes on the list.
    pub attributes: Attributes,
}

impl SummaryList {
    /// A summary list of these rows.
    pub fn new(rows: impl IntoIterator<Item = SummaryRow>) -> Self {
        Self {
            rows: rows.into_iter().collect(),
            ..Self::default()
        }
    }

    /// Puts the list in a card.
    #[must_use]
    pub fn card(mut self, card: SummaryCard) -> Self {
        self.card = Some(card);
        self
    }

    fn any_row_has_actions(&self) -> bool {
        self.rows.iter().any(|r| !r.actions.is_empty())
    }

    fn row_class(&self, row: &SummaryRow) -> String {
        classes([
            "govuk-summary-list__row",
            if row.actions.is_empty() && self.any_row_has_actions() {
                "govuk-summary-list__row--no-actions"
            } else {
                ""
            },
            row.classes.as_str(),
        ])
    }

    fn card_title(&self) -> Option<&Content> {
        self.card.as_ref().and_then(SummaryCard::title_to_show)
    }

    fn link<'a>(&'a self, action: &'a SummaryAction) -> ActionLink<'a> {
        ActionLink {
            action,
            card_title: self.card_title(),
        }
    }
}

common_builders!(SummaryList);
html_safe!(SummaryList);
