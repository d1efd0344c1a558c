//! People: parsing what a form or the API submits into validated values.

use crate::organisation::OrganisationKind;
use crate::policy::Role;
use crate::validation::{ValidationErrors, required_text};
use serde::{Deserialize, Serialize};

/// A normalised (trimmed, lower-cased) email address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    /// Parses an email address, returning the message to show when it is not one.
    pub fn parse(s: &str) -> Result<Email, &'static str> {
        let s = s.trim().to_lowercase();
        if s.is_empty() {
            return Err("Enter an email address");
        }
        if s.chars().count() > 254 {
            return Err("Email address must be 254 characters or fewer");
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("Enter an email address in the correct format, like name@example.org");
        };
        let ok = !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',')
            && !domain.contains('@');
        if ok {
            Ok(Email(s))
        } else {
            Err("Enter an email address in the correct format, like name@example.org")
        }
    }
    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The part before the `@` (a context word for the password policy).
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or("")
    }
}

/// A validated request to add a person.
#[derive(Debug, Clone)]
pub struct NewPerson {
    /// Full name.
    pub name: String,
    /// Email (unique across the platform).
    pub email: Email,
    /// The organisation they work for (must belong to the partnership).
    pub organisation_id: crate::OrganisationId,
    /// Their first role in the partnership.
    pub role: Role,
}

/// What a form or the API submits to add a person: raw strings.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewPersonInput {
    /// Full name.
    #[serde(default)]
    pub name: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Organisation id.
    #[serde(default)]
    pub organisation_id: String,
    /// Role slug.
    #[serde(default)]
    pub role: String,
}

impl NewPerson {
    /// Parses the input; every problem is reported against its field.
    pub fn parse(input: &NewPersonInput) -> Result<NewPerson, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = required_text(
            &mut errors,
            "name",
            &input.name,
            "the person's full name",
            200,
        );
        let email = match Email::parse(&input.email) {
            Ok(e) => Some(e),
            Err(m) => {
                errors.add("email", m);
                None
            }
        };
        let organisation_id = match input
            .organisation_id
            .trim()
            .parse::<crate::OrganisationId>()
        {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add(
                    "organisation_id",
                    "Select the organisation the person works for",
                );
                None
            }
        };
        let role = match Role::parse(input.role.trim()) {
            Some(r) => Some(r),
            None => {
                errors.add("role", "Select a role");
                None
            }
        };
        match (email, organisation_id, role) {
            (Some(email), Some(organisation_id), Some(role)) if errors.is_empty() => {
                Ok(NewPerson {
                    name,
                    email,
                    organisation_id,
                    role,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The organisation kinds whose people may hold a role (all of them; kept for clarity of intent).
pub fn may_hold_roles(_kind: OrganisationKind) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Jo.Smith@Example.ORG ").unwrap().as_str(),
            "jo.smith@example.org"
        );
        assert!(Email::parse("").is_err());
        assert!(Email::parse("jo").is_err());
        assert!(Email::parse("jo@localhost").is_err());
        assert!(Email::parse("jo smith@example.org").is_err());
        assert!(Email::parse("jo@@example.org").is_err());
        assert!(Email::parse("<jo@example.org>").is_err());
    }

    #[test]
    fn new_person_reports_each_field() {
        let e = NewPerson::parse(&NewPersonInput::default()).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["name", "email", "organisation_id", "role"]);
    }
}
