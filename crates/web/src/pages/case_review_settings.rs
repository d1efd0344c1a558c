//! The partnership's case review settings (administrators): the working days of notice before a
//! practice review is published, and the lead times at which the panel's members are reminded of
//! deadlines. Saved against the version the form was built from: a stale save shows the person's
//! values again with the current version (409).

use crate::error::AppError;
use crate::layout::Layout;
use crate::pages::{NoticeQuery, PageResult, html, html_status, notice_text, see_other};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use safeguard_domain::ValidationErrors;
use safeguard_domain::case_reviews::{
    DEFAULT_NOTICE_WORKING_DAYS, DEFAULT_REMINDER_LEAD_DAYS, MAX_REMINDER_LEADS, SettingsInput,
};
use safeguard_service::auth::Identity;
use safeguard_service::case_review_admin::{self as admin, SETTINGS_CONFLICT};
use safeguard_service::{Actor, ServiceError};
use safeguard_ui::components::{Button, InputWidth, TextInput};

#[derive(Template)]
#[template(path = "case_reviews/settings.html")]
struct SettingsPage {
    l: Layout,
    csrf: String,
    version: String,
    defaults: bool,
    notice_days: TextInput,
    lead_days: TextInput,
    button: Button,
}

fn page(
    identity: &Identity,
    input: &SettingsInput,
    defaults: bool,
    errors: &ValidationErrors,
    notice: Option<&str>,
) -> SettingsPage {
    let defaults_text = DEFAULT_REMINDER_LEAD_DAYS
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    SettingsPage {
        l: Layout::new("Case review settings", Some(identity), "/case-reviews")
            .with_errors(errors)
            .with_notice(notice),
        csrf: identity.csrf_token.clone(),
        version: input.version.clone(),
        defaults,
        notice_days: TextInput::new(
            "pre_publication_notice_days",
            "Working days of notice before a practice review is published",
        )
        .hint(format!(
            "The final report goes to the National Panel and the Department for Education this many \
             working days before publication. Between 1 and 60; {DEFAULT_NOTICE_WORKING_DAYS} \
             unless you change it."
        ))
        .inputmode("numeric")
        .width(InputWidth::Chars3)
        .value(input.pre_publication_notice_days.clone())
        .error_opt(errors.get("pre_publication_notice_days")),
        lead_days: TextInput::new(
            "reminder_lead_days",
            "Remind the panel's members this many working days before a due date",
        )
        .hint(format!(
            "Up to {MAX_REMINDER_LEADS} numbers between 0 and 60, separated by commas; 0 is the due \
             date itself. For example {defaults_text}. Leave empty for no reminders before a due \
             date. Overdue deadlines are always reported once."
        ))
        .width(InputWidth::Chars10)
        .autocomplete("off")
        .value(input.reminder_lead_days.clone())
        .error_opt(errors.get("reminder_lead_days")),
        button: Button::new("Save settings").prevent_double_click(),
    }
}

/// `GET /case-reviews/settings`.
pub async fn form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let current = admin::settings(&s.svc, &actor).await?;
    html(&page(
        &identity,
        &current.input(),
        current.version == 0,
        &ValidationErrors::new(),
        notice_text(q.notice.as_deref()),
    ))
}

/// `POST /case-reviews/settings`: bad values are shown again with their messages (422), a stale
/// version with the conflict message and the current version (409).
pub async fn update(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    f: Result<Form<SettingsInput>, FormRejection>,
) -> PageResult {
    let Form(mut input) = f.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let (status, mut errors) = match admin::update_settings(&s.svc, &actor, &input).await {
        Ok(_) => return see_other("/case-reviews/settings?notice=case-review-settings-saved"),
        Err(ServiceError::Invalid(e)) => (StatusCode::UNPROCESSABLE_ENTITY, e),
        Err(ServiceError::Conflict(m)) if m == SETTINGS_CONFLICT => (
            StatusCode::CONFLICT,
            ValidationErrors::single("pre_publication_notice_days", m),
        ),
        Err(e) => return Err(e.into()),
    };
    let current = admin::settings(&s.svc, &actor).await?;
    if status == StatusCode::CONFLICT || input.version.trim().parse::<i64>().is_err() {
        input.version = current.version.to_string();
    }
    // A form without a usable version: its message on the first field (the summary links there).
    if errors.get("pre_publication_notice_days").is_none() {
        for e in &mut errors.0 {
            if e.field == "version" {
                e.field = "pre_publication_notice_days".to_owned();
            }
        }
    }
    html_status(
        status,
        &page(&identity, &input, current.version == 0, &errors, None),
    )
}
