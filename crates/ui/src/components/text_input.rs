use askama::Template;

use super::common::{Attributes, Content, Wrapper, classes, common_builders, html_safe, join_ids};
use super::{ErrorMessage, Hint, Label};

/// Width classes for a [`TextInput`]: fixed widths in characters, or a
/// fraction of the container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputWidth {
    /// `govuk-input--width-2`
    Chars2,
    /// `govuk-input--width-3`
    Chars3,
    /// `govuk-input--width-4`
    Chars4,
    /// `govuk-input--width-5`
    Chars5,
    /// `govuk-input--width-10`
    Chars10,
    /// `govuk-input--width-20`
    Chars20,
    /// `govuk-input--width-30`
    Chars30,
    /// `govuk-!-width-full`
    Full,
    /// `govuk-!-width-three-quarters`
    ThreeQuarters,
    /// `govuk-!-width-two-thirds`
    TwoThirds,
    /// `govuk-!-width-one-half`
    OneHalf,
    /// `govuk-!-width-one-third`
    OneThird,
    /// `govuk-!-width-one-quarter`
    OneQuarter,
}

impl InputWidth {
    /// The class.
    #[must_use]
    pub fn class(self) -> &'static str {
        match self {
            Self::Chars2 => "govuk-input--width-2",
            Self::Chars3 => "govuk-input--width-3",
            Self::Chars4 => "govuk-input--width-4",
            Self::Chars5 => "govuk-input--width-5",
            Self::Chars10 => "govuk-input--width-10",
            Self::Chars20 => "govuk-input--width-20",
            Self::Chars30 => "govuk-input--width-30",
            Self::Full => "govuk-!-width-full",
            Self::ThreeQuarters => "govuk-!-width-three-quarters",
            Self::TwoThirds => "govuk-!-width-two-thirds",
            Self::OneHalf => "govuk-!-width-one-half",
            Self::OneThird => "govuk-!-width-one-third",
            Self::OneQuarter => "govuk-!-width-one-quarter",
        }
    }
}

/// A prefix or suffix shown next to a [`TextInput`] (e.g. `£`, `kg`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Affix {
    /// The text (or trusted HTML).
    pub content: Content,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl<T: Into<Content>> From<T> for Affix {
    fn from(content: T) -> Self {
        Self {
            content: content.into(),
            ..Self::default()
        }
    }
}

/// The GOV.UK [text input](https://design-system.service.gov.uk/components/text-input/)
/// with its label, hint and error message.
///
/// ```
/// use safeguard_ui::components::{InputWidth, TextInput};
/// let postcode = TextInput::new("postcode", "Postcode")
///     .autocomplete("postal-code")
///     .width(InputWidth::Chars10)
///     .error("Enter a real postcode");
/// let html = postcode.to_string();
/// assert!(html.contains(r#"aria-describedby="postcode-error""#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "components/text_input.html")]
pub struct TextInput {
    /// The `id`; the `name` is used if unset.
    pub id: Option<String>,
    /// The `name`.
    pub name: String,
    /// The `type`, `text` by default.
    pub input_type: String,
    /// The current value.
    pub value: Option<String>,
    /// The label.
    pub label: Label,
    /// The hint, shown under the label.
    pub hint: Option<Hint>,
    /// The error message; also marks the input and its form group as in error.
    pub error_message: Option<ErrorMessage>,
    /// Ids of other elements that describe the input (`aria-describedby`),
    /// before the hint's and error message's.
    pub described_by: Option<String>,
    /// `autocomplete`, e.g. `email`, `postal-code`, `off`.
    pub autocomplete: Option<String>,
    /// `autocapitalize`.
    pub autocapitalize: Option<String>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `inputmode`, e.g. `numeric`.
    pub inputmode: Option<String>,
    /// `spellcheck="true|false"` when set.
    pub spellcheck: Option<bool>,
    /// `disabled`.
    pub disabled: bool,
    /// Shown before the input.
    pub prefix: Option<Affix>,
    /// Shown after the input.
    pub suffix: Option<Affix>,
    /// The form group `<div>`'s extra classes and attributes.
    pub form_group: Wrapper,
    /// The input wrapper's (used with a prefix or suffix) extra classes and attributes.
    pub input_wrapper: Wrapper,
    /// Extra classes on the `<input>`, e.g. a width class.
    pub classes: String,
    /// Extra attributes on the `<input>`.
    pub attributes: Attributes,
}

impl TextInput {
    /// A text input called `name` (also its id) with a label.
    pub fn new(name: impl Into<String>, label: impl Into<Content>) -> Self {
        Self {
            id: None,
            name: name.into(),
            input_type: "text".to_owned(),
            value: None,
            label: Label::new(label),
            hint: None,
            error_message: None,
            described_by: None,
            autocomplete: None,
            autocapitalize: None,
            pattern: None,
            inputmode: None,
            spellcheck: None,
            disabled: false,
            prefix: None,
            suffix: None,
            form_group: Wrapper::default(),
            input_wrapper: Wrapper::default(),
            classes: String::new(),
            attributes: Attributes::default(),
        }
    }

    /// Sets the id (by default the name).
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets the `type` (`email`, `tel`, `url`, `password`, …).
    #[must_use]
    pub fn input_type(mut self, input_type: impl Into<String>) -> Self {
        self.input_type = input_type.into();
        self
    }

    /// Sets the value.
    #[must_use]
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Sets the hint.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<Content>) -> Self {
        self.hint = Some(Hint::new(hint));
        self
    }

    /// Sets the error message.
    #[must_use]
    pub fn error(mut self, message: impl Into<Content>) -> Self {
        self.error_message = Some(ErrorMessage::new(message));
        self
    }

    /// Sets the error message if there is one.
    #[must_use]
    pub fn error_opt(mut self, message: Option<impl Into<Content>>) -> Self {
        self.error_message = message.map(ErrorMessage::new);
        self
    }

    /// Makes the label the page's heading, with `govuk-label--l`.
    #[must_use]
    pub fn label_as_page_heading(mut self) -> Self {
        self.label.is_page_heading = true;
        self.label.classes = classes(["govuk-label--l", self.label.classes.as_str()]);
        self
    }

    /// Sets `autocomplete`.
    #[must_use]
    pub fn autocomplete(mut self, autocomplete: impl Into<String>) -> Self {
        self.autocomplete = Some(autocomplete.into());
        self
    }

    /// Sets `spellcheck`.
    #[must_use]
    pub fn spellcheck(mut self, spellcheck: bool) -> Self {
        self.spellcheck = Some(spellcheck);
        self
    }

    /// Sets `inputmode`.
    #[must_use]
    pub fn inputmode(mut self, inputmode: impl Into<String>) -> Self {
        self.inputmode = Some(inputmode.into());
        self
    }

    /// Adds a width class.
    #[must_use]
    pub fn width(self, width: InputWidth) -> Self {
        self.add_class(width.class())
    }

    /// Sets a prefix.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<Affix>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// Sets a suffix.
    #[must_use]
    pub fn suffix(mut self, suffix: impl Into<Affix>) -> Self {
        self.suffix = Some(suffix.into());
        self
    }

    /// Disables the input.
    #[must_use]
    pub fn disabled(mut self) -> Self {
        self.disabled = true;
        self
    }

    fn element_id(&self) -> &str {
        self.id
            .as_deref()
            .filter(|id| !id.is_empty())
            .unwrap_or(&self.name)
    }

    fn hint_id(&self) -> String {
        format!("{}-hint", self.element_id())
    }

    fn error_id(&self) -> String {
        format!("{}-error", self.element_id())
    }

    fn aria_described_by(&self) -> Option<String> {
        let hint = self.hint.as_ref().map(|_| self.hint_id());
        let error = self.error_message.as_ref().map(|_| self.error_id());
        join_ids([
            self.described_by.as_deref().unwrap_or(""),
            hint.as_deref().unwrap_or(""),
            error.as_deref().unwrap_or(""),
        ])
    }

    fn input_class(&self) -> String {
        classes([
            "govuk-input",
            self.classes.as_str(),
            if self.error_message.is_some() {
                "govuk-input--error"
            } else {
                ""
            },
        ])
    }

    fn form_group_class(&self) -> String {
        classes([
            "govuk-form-group",
            if self.error_message.is_some() {
                "govuk-form-group--error"
            } else {
                ""
            },
            self.form_group.classes.as_str(),
        ])
    }

    fn prefix_to_show(&self) -> Option<&Affix> {
        self.prefix.as_ref().filter(|a| !a.content.is_empty())
    }

    fn suffix_to_show(&self) -> Option<&Affix> {
        self.suffix.as_ref().filter(|a| !a.content.is_empty())
    }

    fn has_wrapper(&self) -> bool {
        self.prefix_to_show().is_some() || self.suffix_to_show().is_some()
    }
}

common_builders!(TextInput);
html_safe!(TextInput);
