use askama::Template;

use super::common::{Attributes, Content, common_builders, html_safe};

/// The GOV.UK hint text (`govuk-hint`). Form components render their own
/// hint from this and give it its id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Template)]
#[template(path = "components/hint.html")]
pub struct Hint {
    /// The hint's text (or trusted HTML).
    pub content: Content,
    /// The element's id (form components set it to `<field id>-hint`).
    pub id: Option<String>,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl Hint {
    /// A hint.
    pub fn new(content: impl Into<Content>) -> Self {
        Self {
            content: content.into(),
            ..Self::default()
        }
    }

    /// A copy with this id.
    #[must_use]
    pub fn with_id(&self, id: impl Into<String>) -> Self {
        Self {
            id: Some(id.into()),
            ..self.clone()
        }
    }

    /// A copy with this id and `extra` prepended to the classes.
    pub(crate) fn with_id_and_class(&self, id: impl Into<String>, extra: &str) -> Self {
        Self {
            id: Some(id.into()),
            classes: super::common::classes([extra, self.classes.as_str()]),
            ..self.clone()
        }
    }
}

common_builders!(Hint);
html_safe!(Hint);
