//! Field-level validation errors, shown as a GOV.UK error summary on pages and as problem+json in the API.

use serde::Serialize;

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The form field (and the id of its input, for the error summary link).
    pub field: String,
    /// The message, written for the person filling in the form.
    pub message: String,
}

/// Problems with a submitted form, in the order of the form's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self(Vec::new())
    }
    /// Adds a message for a field (only the first message per field is kept).
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if !self.0.iter().any(|e| e.field == field) {
            self.0.push(FieldError {
                field: field.to_owned(),
                message: message.into(),
            });
        }
    }
    /// A set with one error.
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add(field, message);
        e
    }
    /// True when there are no errors.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The message for a field, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
    /// `Ok(v)` when empty, else `Err(self)`.
    pub fn into_result<T>(self, v: T) -> Result<T, Self> {
        if self.is_empty() { Ok(v) } else { Err(self) }
    }
}

/// Trims a required text field and checks its length in characters.
pub fn required_text(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
    label: &str,
    max_chars: usize,
) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.add(field, format!("Enter {label}"));
    } else if v.chars().count() > max_chars {
        errors.add(
            field,
            format!(
                "{} must be {max_chars} characters or fewer",
                capitalise(label)
            ),
        );
    } else if v
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.add(
            field,
            format!("{} must not contain control characters", capitalise(label)),
        );
    }
    v.to_owned()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
