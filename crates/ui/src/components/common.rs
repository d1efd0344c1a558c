//! Types shared by the components: [`Content`], [`Attributes`] and helpers.

use std::fmt::{self, Write as _};

use askama::filters::{Escaper as _, Html, HtmlSafe};

/// Text or trusted HTML to show inside a component.
///
/// [`Content::Text`] is escaped when rendered; [`Content::Html`] is written
/// as it is, so only ever put markup in it that the application made (for
/// example another rendered component or a link built with escaped parts),
/// never user input. `From<&str>` and `From<String>` give [`Content::Text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Plain text, HTML-escaped when rendered.
    Text(String),
    /// Trusted, pre-rendered HTML, written unescaped.
    Html(String),
}

impl Content {
    /// Plain text (escaped when rendered).
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(text.into())
    }

    /// Trusted HTML (written unescaped). Never pass user input here.
    pub fn html(html: impl Into<String>) -> Self {
        Self::Html(html.into())
    }

    /// Renders a template (such as another component) and wraps the output
    /// as trusted HTML.
    ///
    /// # Errors
    /// Whatever rendering the template returns.
    pub fn rendered(template: &impl askama::Template) -> askama::Result<Self> {
        template.render().map(Self::Html)
    }

    /// Whether there is nothing (or only whitespace) to show.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        match self {
            Self::Text(s) | Self::Html(s) => s.trim().is_empty(),
        }
    }
}

impl Default for Content {
    fn default() -> Self {
        Self::Text(String::new())
    }
}

impl From<&str> for Content {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for Content {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&String> for Content {
    fn from(text: &String) -> Self {
        Self::Text(text.clone())
    }
}

impl fmt::Display for Content {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(text) => escape_into(f, text.trim()),
            Self::Html(html) => f.write_str(html.trim()),
        }
    }
}

/// `Content` escapes its own text when displayed.
impl HtmlSafe for Content {}

/// Extra HTML attributes for a component's element, rendered in order as
/// ` name="value"` (values escaped) or ` name` (boolean attributes).
///
/// Names that are not plain attribute names (letters, digits, `-`, `_`, `:`,
/// `.`) are skipped, so an attribute name can never inject markup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes(pub Vec<(String, Option<String>)>);

impl Attributes {
    /// No attributes.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds ` name="value"`.
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.push((name.into(), Some(value.into())));
        self
    }

    /// Adds a boolean attribute ` name`.
    #[must_use]
    pub fn flag(mut self, name: impl Into<String>) -> Self {
        self.0.push((name.into(), None));
        self
    }

    /// Adds ` name="value"` in place.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), Some(value.into())));
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Attributes {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(k, v)| (k.into(), Some(v.into())))
                .collect(),
        )
    }
}

impl fmt::Display for Attributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, value) in &self.0 {
            if !is_attribute_name(name) {
                continue;
            }
            f.write_char(' ')?;
            f.write_str(name)?;
            if let Some(value) = value {
                f.write_str("=\"")?;
                escape_into(f, value)?;
                f.write_char('"')?;
            }
        }
        Ok(())
    }
}

/// `Attributes` escapes its own values and skips unsafe names.
impl HtmlSafe for Attributes {}

fn is_attribute_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
}

pub(crate) fn escape_into(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    Html.write_escaped_str(f, text)
}

/// Joins class names, skipping empty ones.
pub(crate) fn classes<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for part in parts {
        let part = part.trim();
        if !part.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(part);
        }
    }
    out
}

/// Joins space-separated id lists (for `aria-describedby`), skipping empty ones.
pub(crate) fn join_ids<'a>(parts: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let joined = classes(parts);
    if joined.is_empty() {
        None
    } else {
        Some(joined)
    }
}

/// Classes and attributes for a wrapping element (a form group or an input
/// wrapper).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wrapper {
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

/// Implements the builder methods shared by every component: `classes`,
/// `add_class` and `attribute`.
macro_rules! common_builders {
    ($($ty:ty),* $(,)?) => {$(
        impl $ty {
            /// Replaces the extra classes on the component's outer element.
            #[must_use]
            pub fn classes(mut self, classes: impl Into<String>) -> Self {
                self.classes = classes.into();
                self
            }

            /// Adds one extra class to the component's outer element.
            #[must_use]
            pub fn add_class(mut self, class: &str) -> Self {
                self.classes = $crate::components::common::classes([self.classes.as_str(), class]);
                self
            }

            /// Adds an HTML attribute to the component's main element.
            #[must_use]
            pub fn attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.attributes.push(name, value);
                self
            }
        }
    )*};
}
pub(crate) use common_builders;

/// Marks component templates as HTML-safe for askama, so that `{{ component }}`
/// in another template writes the component's markup unescaped. Everything a
/// component renders from its fields is escaped by its own template.
macro_rules! html_safe {
    ($($ty:ty),* $(,)?) => {$(
        impl askama::filters::HtmlSafe for $ty {}
    )*};
}
pub(crate) use html_safe;
