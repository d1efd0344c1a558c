//! HTML pages: one module per area, one function per action.

pub mod account;
pub mod actions;
pub mod activity;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod case_review_settings;
pub mod case_reviews;
pub mod errors;
pub mod files;
pub mod funding;
pub mod governance;
pub mod home;
pub mod invitations;
pub mod ops;
pub mod people;
pub mod performance;
pub mod practice_reviews;
pub mod recommendation_comments;
pub mod recommendations;
pub mod review_learning;
pub mod settings;
pub mod signoffs;

use crate::error::AppError;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

/// Result of a page handler.
pub type PageResult = Result<Response, AppError>;

/// Renders a page with 200.
pub fn html(t: &impl Template) -> PageResult {
    Ok(Html(t.render()?).into_response())
}

/// Renders a page with a status (422 when a form is re-shown with errors).
pub fn html_status(status: StatusCode, t: &impl Template) -> PageResult {
    Ok((status, Html(t.render()?)).into_response())
}

/// 303 See Other.
pub fn see_other(to: &str) -> PageResult {
    Ok(Redirect::to(to).into_response())
}

/// The notices a redirect can ask for (`?notice=code`), so no free text is reflected from the URL.
pub fn notice_text(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "person-added" => "Person added. They have been sent an email.",
        "role-added" => "Role added.",
        "role-removed" => "Role removed.",
        "disabled" => "Account disabled. Their sessions and API tokens have ended.",
        "enabled" => "Account enabled.",
        "settings-saved" => "Settings saved.",
        "session-ended" => "Session ended.",
        "token-revoked" => "API token revoked.",
        "totp-on" => "Two-factor authentication is now on.",
        "password-changed" => "Password changed. Your other sessions have been signed out.",
        "switched" => "You are now working in this partnership.",
        "signed-out" => "You have signed out.",
        "invitation-sent" => {
            "A new link to set a password has been emailed. Earlier links no longer work."
        }
        "password-set" => "Your password is set. Sign in with your email address and new password.",
        "calendar-changed" => "Calendar changed.",
        "calendar-change-deleted" => {
            "Change deleted. The calendar as worked out from the rules applies to that day again."
        }
        "notification-saved" => "Notification saved. Its deadlines have been worked out again.",
        "child-added" => "Child added.",
        "rapid-review-saved" => "Rapid review saved.",
        "decision-saved" => "Decision saved.",
        "panel-saved" => "Saved.",
        "agency-saved" => "Agency summary saved.",
        "deadline-extended" => "Deadline extended.",
        "case-review-settings-saved" => "Case review settings saved.",
        "case-sign-off-requested" => {
            "The lead partners have been asked to sign the rapid review off."
        }
        "file-uploaded" => "File uploaded.",
        "file-deleted" => "File deleted.",
        "action-created" => "Action added.",
        "action-updated" => "Progress update added.",
        "action-changed" => "Action changed.",
        "chain-intact" => "The audit trail is intact: every entry matches its hash and link.",
        "body-created" => "Body added.",
        "body-saved" => "Body changed.",
        "member-added" => "Member added.",
        "member-ended" => "Membership ended. It stays in the body's history.",
        "meeting-added" => "Meeting added.",
        "meetings-planned" => "Meetings planned.",
        "meeting-status-changed" => "Meeting status changed.",
        "agenda-item-added" => "Agenda item added.",
        "meeting-changed" => "Meeting details changed.",
        "agenda-item-withdrawn" => {
            "Agenda item withdrawn. It stays on the agenda, marked withdrawn."
        }
        "paper-uploaded" => "Paper uploaded.",
        "document-uploaded" => "Document uploaded.",
        "attendance-recorded" => "Attendance recorded.",
        "minutes-saved" => "Minutes saved.",
        "decision-recorded" => "Decision recorded.",
        "decision-recorded-with-action" => {
            "Decision recorded. Its action has been added and shows on the owner's list of actions."
        }
        // sign-offs and funding
        "sign-off-requested" => "Sign-off requested. The lead partners have been sent an email.",
        "sign-off-signed" => "Signed off. The other partners still need to sign.",
        "sign-off-complete" => {
            "Signed off. All three lead partners have now signed: it is complete."
        }
        "sign-off-returned" => "Returned with your comments.",
        "sign-off-rerequested" => {
            "Sign-off requested again. The lead partners have been sent an email."
        }
        "sign-off-withdrawn" => "Request withdrawn.",
        "funding-year-added" => "Financial year added.",
        "contribution-saved" => "Contribution saved.",
        "equal-shares" => "The budget is now split equally between the three partners.",
        "spend-added" => "Spending added.",
        "funding-year-updated" => "Budget and notes saved.",
        "spend-updated" => "Spend line corrected.",
        "spend-removed" => "Spend line removed. It is kept in the list of removed lines.",
        // case review learning
        "theme-added" => "Theme added.",
        "theme-saved" => "Theme changed.",
        "theme-retired" => "Theme retired. It stays on the reviews that carry it.",
        "theme-reinstated" => "Theme reinstated: it can be added to reviews again.",
        "default-themes-added" => "The standard themes have been added.",
        "themes-saved" => "Themes saved.",
        "finding-added" => "Finding added.",
        "finding-saved" => "Finding changed.",
        "recommendation-added" => "Recommendation added.",
        "recommendation-saved" => "Recommendation changed.",
        _ => return None,
    })
}

/// Query string with an optional notice code.
#[derive(Debug, Default, serde::Deserialize)]
pub struct NoticeQuery {
    /// The code.
    pub notice: Option<String>,
}

/// Percent-encodes a query-string value (RFC 3986 unreserved characters pass through).
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Escapes text for HTML (for the few cells built as markup strings; templates escape on their own).
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

/// Parses a path id; anything that is not one answers 404, as an id of another partnership does.
pub fn parse_id<T: std::str::FromStr>(id: &str) -> Result<T, crate::error::AppError> {
    id.parse()
        .map_err(|_| crate::error::AppError::Service(safeguard_service::ServiceError::NotFound))
}

/// A GOV.UK text input for an ISO date (year-month-day), with its error if any: the date field of the
/// case review and practice review forms.
pub fn date_input(
    name: &str,
    label: &str,
    value: &str,
    errors: &safeguard_domain::ValidationErrors,
) -> String {
    use askama::Template;
    safeguard_ui::components::TextInput::new(name, label)
        .hint("Year-month-day, for example 2022-09-15")
        .value(value.to_owned())
        .autocomplete("off")
        .error_opt(errors.get(name))
        .render()
        .unwrap_or_default()
}

/// GOV.UK radios of `(value, label)` items with the chosen value and its error if any.
pub fn radios<'a>(
    name: &str,
    legend: &str,
    items: impl IntoIterator<Item = (&'a str, &'a str)>,
    value: &str,
    errors: &safeguard_domain::ValidationErrors,
) -> String {
    use askama::Template;
    use safeguard_ui::components::{Choice, Radios};
    Radios::new(name, legend)
        .items(items.into_iter().map(|(v, l)| Choice::new(v, l)))
        .value(value.to_owned())
        .error_opt(errors.get(name))
        .render()
        .unwrap_or_default()
}
