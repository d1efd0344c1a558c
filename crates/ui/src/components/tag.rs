use askama::Template;

use super::common::{Attributes, Content, classes, common_builders, html_safe};

/// A [`Tag`]'s colour. [`TagColour::Blue`] is the default and adds no class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TagColour {
    /// The default (no modifier class).
    #[default]
    Blue,
    /// `govuk-tag--grey`
    Grey,
    /// `govuk-tag--green`
    Green,
    /// `govuk-tag--teal`
    Teal,
    /// `govuk-tag--turquoise`
    Turquoise,
    /// `govuk-tag--purple`
    Purple,
    /// `govuk-tag--magenta`
    Magenta,
    /// `govuk-tag--pink`
    Pink,
    /// `govuk-tag--red`
    Red,
    /// `govuk-tag--orange`
    Orange,
    /// `govuk-tag--yellow`
    Yellow,
}

impl TagColour {
    /// The modifier class, empty for [`TagColour::Blue`].
    #[must_use]
    pub fn class(self) -> &'static str {
        match self {
            Self::Blue => "",
            Self::Grey => "govuk-tag--grey",
            Self::Green => "govuk-tag--green",
            Self::Teal => "govuk-tag--teal",
            Self::Turquoise => "govuk-tag--turquoise",
            Self::Purple => "govuk-tag--purple",
            Self::Magenta => "govuk-tag--magenta",
            Self::Pink => "govuk-tag--pink",
            Self::Red => "govuk-tag--red",
            Self::Orange => "govuk-tag--orange",
            Self::Yellow => "govuk-tag--yellow",
        }
    }
}

/// The GOV.UK [tag](https://design-system.service.gov.uk/components/tag/),
/// for a status.
///
/// ```
/// use safeguard_ui::components::{Tag, TagColour};
/// let tag = Tag::new("Overdue").colour(TagColour::Red);
/// assert!(tag.to_string().contains(r#"class="govuk-tag govuk-tag--red""#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Template)]
#[template(path = "components/tag.html")]
pub struct Tag {
    /// The tag's text (or trusted HTML).
    pub content: Content,
    /// Extra classes (a colour class from [`TagColour::class`] and others).
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl Tag {
    /// A tag (blue).
    pub fn new(content: impl Into<Content>) -> Self {
        Self {
            content: content.into(),
            ..Self::default()
        }
    }

    /// Adds the colour's class.
    #[must_use]
    pub fn colour(mut self, colour: TagColour) -> Self {
        self.classes = classes([colour.class(), self.classes.as_str()]);
        self
    }
}

common_builders!(Tag);
html_safe!(Tag);
