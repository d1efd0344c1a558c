//! Signing in (password, then a TOTP code where the person has one), signing out and switching
//! partnership.

use crate::error::AppError;
use crate::extract::Meta;
use crate::layout::Layout;
use crate::middleware::cookie;
use crate::pages::{PageResult, html_status, see_other};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use safeguard_domain::ValidationErrors;
use safeguard_service::ServiceError;
use safeguard_service::auth::{self, Identity, SignIn};
use safeguard_ui::components::{Button, TextInput};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    l: Layout,
    csrf: String,
    email: TextInput,
    password: TextInput,
    button: Button,
}

fn sign_in_page(
    csrf: String,
    email: &str,
    errors: &ValidationErrors,
    notice: Option<&str>,
) -> SignInPage {
    SignInPage {
        l: Layout::new("Sign in", None, "")
            .with_errors(errors)
            .with_notice(notice),
        csrf,
        email: TextInput::new("email", "Email address")
            .input_type("email")
            .autocomplete("username")
            .spellcheck(false)
            .value(email)
            .error_opt(errors.get("email")),
        password: TextInput::new("password", "Password")
            .input_type("password")
            .autocomplete("current-password")
            .error_opt(errors.get("password")),
        button: Button::new("Sign in").prevent_double_click(),
    }
}

/// The sign-in page. Sets the pre-sign-in CSRF cookie when missing.
pub async fn sign_in_form(
    State(s): State<AppState>,
    headers: HeaderMap,
    identity: Option<Extension<Identity>>,
    Query(q): Query<crate::pages::NoticeQuery>,
) -> PageResult {
    if let Some(i) = identity.as_deref() {
        return see_other(if i.stage_totp {
            "/sign-in/two-factor"
        } else {
            "/"
        });
    }
    let (csrf, set_cookie) = anonymous_csrf(&s, &headers);
    let mut res = html_status(
        StatusCode::OK,
        &sign_in_page(
            csrf,
            "",
            &ValidationErrors::new(),
            crate::pages::notice_text(q.notice.as_deref()),
        ),
    )?;
    if let Some(v) = set_cookie {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// The double-submit CSRF token for forms shown before sign-in: the cookie's value, or a new one with
/// the `Set-Cookie` header to send.
pub fn anonymous_csrf(s: &AppState, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    match cookie(headers, s.csrf_cookie()).filter(|c| c.len() == 64) {
        Some(existing) => (existing.to_owned(), None),
        None => {
            let csrf = safeguard_domain::secret::new_token("");
            let v = HeaderValue::from_str(&s.cookie(s.csrf_cookie(), &csrf, None)).ok();
            (csrf, v)
        }
    }
}

/// The sign-in form as submitted.
#[derive(Debug, Default, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// Checks the email and password.
pub async fn sign_in(
    State(s): State<AppState>,
    headers: HeaderMap,
    Meta(meta): Meta,
    form: Result<Form<SignInForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let csrf = cookie(&headers, s.csrf_cookie())
        .unwrap_or_default()
        .to_owned();
    let mut errors = ValidationErrors::new();
    if form.email.trim().is_empty() {
        errors.add("email", "Enter your email address");
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    if form.password.chars().count() > safeguard_domain::password::MAX_CHARS {
        errors.add("password", "Enter a correct email address and password");
    }
    if !errors.is_empty() {
        return html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &sign_in_page(csrf, &form.email, &errors, None),
        );
    }
    match auth::sign_in(&s.svc, &form.email, &form.password, &meta).await {
        Ok(SignIn::Started { token, needs_totp }) => {
            let mut res = Redirect::to(if needs_totp {
                "/sign-in/two-factor"
            } else {
                "/"
            })
            .into_response();
            set_session_cookie(&s, &mut res, &token);
            Ok(res)
        }
        Ok(SignIn::Refused) => {
            s.metrics
                .sign_in_failures
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let errors =
                ValidationErrors::single("email", "Enter a correct email address and password");
            html_status(
                StatusCode::UNAUTHORIZED,
                &sign_in_page(csrf, &form.email, &errors, None),
            )
        }
        Err(ServiceError::Throttled) => {
            s.metrics
                .sign_in_failures
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let errors = ValidationErrors::single(
                "email",
                "There have been too many attempts to sign in. Wait 5 minutes and try again",
            );
            html_status(
                StatusCode::TOO_MANY_REQUESTS,
                &sign_in_page(csrf, &form.email, &errors, None),
            )
        }
        Err(e) => Err(e.into()),
    }
}

fn set_session_cookie(s: &AppState, res: &mut Response, token: &str) {
    if let Ok(v) = HeaderValue::from_str(&s.cookie(s.session_cookie(), token, None)) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

#[derive(Template)]
#[template(path = "two_factor.html")]
struct TotpPage {
    l: Layout,
    csrf: String,
    code: TextInput,
    button: Button,
}

fn totp_page(identity: &Identity, errors: &ValidationErrors) -> TotpPage {
    TotpPage {
        l: Layout::new("Enter your security code", Some(identity), "").with_errors(errors),
        csrf: identity.csrf_token.clone(),
        code: TextInput::new("code", "Security code")
            .hint("Enter the 6-digit code shown in your authenticator app")
            .autocomplete("one-time-code")
            .inputmode("numeric")
            .spellcheck(false)
            .width(safeguard_ui::components::InputWidth::Chars10)
            .error_opt(errors.get("code")),
        button: Button::new("Continue").prevent_double_click(),
    }
}

/// The second-factor page.
pub async fn totp_form(Extension(identity): Extension<Identity>) -> PageResult {
    html_status(
        StatusCode::OK,
        &totp_page(&identity, &ValidationErrors::new()),
    )
}

/// The second-factor form.
#[derive(Debug, Default, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// Checks the code; on success the session is replaced by a new one.
pub async fn totp(
    State(s): State<AppState>,
    Meta(meta): Meta,
    Extension(identity): Extension<Identity>,
    form: Result<Form<CodeForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    if form.code.trim().is_empty() {
        let e = ValidationErrors::single("code", "Enter your security code");
        return html_status(StatusCode::UNPROCESSABLE_ENTITY, &totp_page(&identity, &e));
    }
    match auth::complete_totp(&s.svc, &identity, &form.code, &meta).await {
        Ok(Some(token)) => {
            let mut res = Redirect::to("/").into_response();
            set_session_cookie(&s, &mut res, &token);
            Ok(res)
        }
        Ok(None) => {
            let e = ValidationErrors::single(
                "code",
                "The security code is not right or has already been used: enter the code shown now",
            );
            html_status(StatusCode::UNAUTHORIZED, &totp_page(&identity, &e))
        }
        Err(ServiceError::Throttled) => {
            let e = ValidationErrors::single(
                "code",
                "There have been too many attempts. Wait 5 minutes and try again",
            );
            html_status(StatusCode::TOO_MANY_REQUESTS, &totp_page(&identity, &e))
        }
        Err(e) => Err(e.into()),
    }
}

/// Ends the session and clears the cookie.
pub async fn sign_out(
    State(s): State<AppState>,
    Meta(meta): Meta,
    Extension(identity): Extension<Identity>,
) -> PageResult {
    auth::sign_out(&s.svc, &identity, &meta).await?;
    let mut res = Redirect::to("/sign-in").into_response();
    if let Ok(v) = HeaderValue::from_str(&s.cookie(s.session_cookie(), "", Some(0))) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res.headers_mut()
        .insert("clear-site-data", HeaderValue::from_static("\"cookies\""));
    Ok(res)
}

/// The switcher form.
#[derive(Debug, Default, Deserialize)]
pub struct SwitchForm {
    #[serde(default)]
    partnership_id: String,
}

/// Switches partnership.
pub async fn switch_partnership(
    State(s): State<AppState>,
    Meta(meta): Meta,
    Extension(identity): Extension<Identity>,
    form: Result<Form<SwitchForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let id = form
        .partnership_id
        .parse()
        .map_err(|_| AppError::Service(ServiceError::NotFound))?;
    auth::switch_partnership(&s.svc, &identity, id, &meta).await?;
    see_other("/?notice=switched")
}
