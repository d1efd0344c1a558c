//! Partnership sign-in settings (administrators).

use crate::error::AppError;
use crate::layout::Layout;
use crate::pages::{NoticeQuery, PageResult, html, html_status, notice_text, see_other};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use safeguard_domain::ValidationErrors;
use safeguard_service::auth::Identity;
use safeguard_service::partnerships::SettingsInput;
use safeguard_service::{Actor, ServiceError};
use safeguard_ui::components::{Button, Choice, Radios, TextInput};

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    l: Layout,
    csrf: String,
    require_totp: Radios,
    idle: TextInput,
    absolute: TextInput,
    button: Button,
}

fn page(
    identity: &Identity,
    input: &SettingsInput,
    errors: &ValidationErrors,
    notice: Option<&str>,
) -> SettingsPage {
    SettingsPage {
        l: Layout::new("Sign-in settings", Some(identity), "/settings").with_errors(errors).with_notice(notice),
        csrf: identity.csrf_token.clone(),
        require_totp: Radios::new("require_totp", "Must everyone in this partnership use two-factor authentication?")
            .hint("People without it will be asked to set up an authenticator app the next time they sign in.")
            .items([Choice::new("yes", "Yes"), Choice::new("no", "No")])
            .value(input.require_totp.clone())
            .inline()
            .error_opt(errors.get("require_totp")),
        idle: TextInput::new("session_idle_minutes", "Sign people out after this many minutes without activity")
            .hint("Between 5 and 120")
            .inputmode("numeric")
            .width(safeguard_ui::components::InputWidth::Chars4)
            .value(input.session_idle_minutes.clone())
            .error_opt(errors.get("session_idle_minutes")),
        absolute: TextInput::new("session_absolute_minutes", "Sign people out after this many minutes in any case")
            .hint("Between 60 and 1,440 (24 hours)")
            .inputmode("numeric")
            .width(safeguard_ui::components::InputWidth::Chars4)
            .value(input.session_absolute_minutes.clone())
            .error_opt(errors.get("session_absolute_minutes")),
        button: Button::new("Save settings").prevent_double_click(),
    }
}

/// The settings form.
pub async fn form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let p = safeguard_service::partnerships::current(&s.svc, &actor).await?;
    let input = SettingsInput {
        require_totp: if p.require_totp { "yes" } else { "no" }.into(),
        session_idle_minutes: p.session_idle_minutes.to_string(),
        session_absolute_minutes: p.session_absolute_minutes.to_string(),
    };
    html(&page(
        &identity,
        &input,
        &ValidationErrors::new(),
        notice_text(q.notice.as_deref()),
    ))
}

/// Saves the settings.
pub async fn update(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    form: Result<Form<SettingsInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::partnerships::update_settings(&s.svc, &actor, &input).await {
        Ok(_) => see_other("/settings?notice=settings-saved"),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&identity, &input, &errors, None),
        ),
        Err(e) => Err(e.into()),
    }
}
