//! Setting a password through an invitation link, and administrators sending a new link.

use crate::error::AppError;
use crate::layout::Layout;
use crate::middleware::cookie;
use crate::pages::auth::anonymous_csrf;
use crate::pages::{PageResult, html_status, see_other};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use safeguard_domain::ValidationErrors;
use safeguard_service::{Actor, ServiceError};
use safeguard_ui::components::{Button, TextInput};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    l: Layout,
    csrf: String,
    token: String,
    name: String,
    email: String,
    valid: bool,
    new: TextInput,
    confirm: TextInput,
    button: Button,
}

fn page(
    csrf: String,
    token: &str,
    who: Option<(String, String)>,
    errors: &ValidationErrors,
) -> InvitationPage {
    let valid = who.is_some();
    let (name, email) = who.unwrap_or_default();
    InvitationPage {
        l: Layout::new(if valid { "Set your password" } else { "This link has expired" }, None, "").with_errors(errors),
        csrf,
        token: token.to_owned(),
        name,
        email,
        valid,
        new: TextInput::new("new_password", "Create a password")
            .input_type("password")
            .autocomplete("new-password")
            .hint("At least 12 characters. A few random words make a strong password that is easy to remember.")
            .error_opt(errors.get("new_password")),
        confirm: TextInput::new("confirm_password", "Confirm your password")
            .input_type("password")
            .autocomplete("new-password")
            .error_opt(errors.get("confirm_password")),
        button: Button::new("Set password").prevent_double_click(),
    }
}

fn plausible(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The set-password page (410 when the link is unknown, used or expired).
pub async fn form(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> PageResult {
    let (csrf, set_cookie) = anonymous_csrf(&s, &headers);
    let who = if plausible(&token) {
        match safeguard_service::invitations::check(&s.svc, &token).await {
            Ok(w) => Some(w),
            Err(ServiceError::NotFound) => None,
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    let status = if who.is_some() {
        StatusCode::OK
    } else {
        StatusCode::GONE
    };
    let mut res = html_status(status, &page(csrf, &token, who, &ValidationErrors::new()))?;
    if let Some(v) = set_cookie {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// The set-password form.
#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// Sets the password.
pub async fn accept(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    form: Result<Form<PasswordForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let Form(f) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let csrf = cookie(&headers, s.csrf_cookie())
        .unwrap_or_default()
        .to_owned();
    if !plausible(&token) {
        return html_status(
            StatusCode::GONE,
            &page(csrf, &token, None, &ValidationErrors::new()),
        );
    }
    match safeguard_service::invitations::accept(
        &s.svc,
        &token,
        &f.new_password,
        &f.confirm_password,
    )
    .await
    {
        Ok(()) => see_other("/sign-in?notice=password-set"),
        Err(ServiceError::Invalid(errors)) => {
            let who = safeguard_service::invitations::check(&s.svc, &token)
                .await
                .ok();
            html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(csrf, &token, who, &errors),
            )
        }
        Err(ServiceError::NotFound) => html_status(
            StatusCode::GONE,
            &page(csrf, &token, None, &ValidationErrors::new()),
        ),
        Err(e) => Err(e.into()),
    }
}

/// An administrator sends a new link.
pub async fn resend(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = id
        .parse()
        .map_err(|_| AppError::Service(ServiceError::NotFound))?;
    safeguard_service::people::resend_invitation(&s.svc, &actor, id).await?;
    see_other(&format!("/people/{id}?notice=invitation-sent"))
}
