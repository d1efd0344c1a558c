//! The person's own account: sessions, API tokens, two-factor authentication, password.

use crate::error::AppError;
use crate::extract::Meta;
use crate::layout::Layout;
use crate::pages::{NoticeQuery, PageResult, html, html_status, notice_text, see_other};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use base64::Engine;
use safeguard_domain::{ValidationErrors, totp};
use safeguard_service::ServiceError;
use safeguard_service::auth::{self, Identity};
use safeguard_ui::components::{
    Button, Panel, SummaryList, SummaryRow, Table, TableCell, TextInput,
};
use serde::Deserialize;

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %B %Y at %H:%M UTC").to_string()
}

#[derive(Template)]
#[template(path = "account/index.html")]
struct IndexPage {
    l: Layout,
    summary: SummaryList,
}

/// The account overview.
pub async fn index(
    Extension(identity): Extension<Identity>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let roles: Vec<&str> = identity.roles.iter().map(|r| r.label()).collect();
    let summary = SummaryList::new([
        SummaryRow::new("Name", identity.name.clone()),
        SummaryRow::new("Email address", identity.email.clone()),
        SummaryRow::new(
            "Roles in this partnership",
            if roles.is_empty() {
                "None".to_owned()
            } else {
                roles.join(", ")
            },
        ),
        SummaryRow::new(
            "Two-factor authentication",
            if identity.has_totp { "On" } else { "Off" },
        )
        .action("Change", "/account/two-factor", "two-factor authentication"),
        SummaryRow::new("Password", "Set").action("Change", "/account/password", "password"),
    ]);
    html(&IndexPage {
        l: Layout::new("Your account", Some(&identity), "/account")
            .with_notice(notice_text(q.notice.as_deref())),
        summary,
    })
}

/// A session row.
pub struct SessionRow {
    id: String,
    started: String,
    last_seen: String,
    device: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "account/sessions.html")]
struct SessionsPage {
    l: Layout,
    csrf: String,
    rows: Vec<SessionRow>,
}

/// The person's open sessions.
pub async fn sessions(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let list = auth::my_sessions(&s.svc, &identity).await?;
    let rows = list
        .iter()
        .map(|r| SessionRow {
            id: r.session_id.to_string(),
            started: when(r.created_at),
            last_seen: when(r.last_seen_at),
            device: r
                .user_agent
                .clone()
                .unwrap_or_else(|| "Unknown browser".into())
                .chars()
                .take(80)
                .collect(),
            current: Some(safeguard_domain::SessionId(r.session_id)) == identity.session_id,
        })
        .collect();
    html(&SessionsPage {
        l: Layout::new("Your sessions", Some(&identity), "/account")
            .with_notice(notice_text(q.notice.as_deref())),
        csrf: identity.csrf_token.clone(),
        rows,
    })
}

/// Ends one of the person's sessions.
pub async fn end_session(
    State(s): State<AppState>,
    Meta(meta): Meta,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
) -> PageResult {
    let id = id
        .parse()
        .map_err(|_| AppError::Service(ServiceError::NotFound))?;
    auth::end_my_session(&s.svc, &identity, id, &meta).await?;
    if Some(id) == identity.session_id {
        return see_other("/sign-in");
    }
    see_other("/account/sessions?notice=session-ended")
}

#[derive(Template)]
#[template(path = "account/tokens.html")]
struct TokensPage {
    l: Layout,
    csrf: String,
    table: Table,
    ids: Vec<(String, String, bool)>,
    name: TextInput,
    days: TextInput,
    button: Button,
    created: Option<Panel>,
    new_token: Option<String>,
}

async fn tokens_page(
    s: &AppState,
    identity: &Identity,
    errors: &ValidationErrors,
    name: &str,
    days: &str,
    new_token: Option<String>,
    notice: Option<&str>,
) -> Result<TokensPage, AppError> {
    let list = safeguard_service::tokens::list(&s.svc, identity).await?;
    let now = s.svc.now();
    let mut table = Table::new().caption("Your API tokens").head([
        "Name",
        "Starts with",
        "Created",
        "Expires",
        "Last used",
        "Status",
    ]);
    let mut ids = Vec::new();
    for t in &list {
        let live = t.revoked_at.is_none() && t.expires_at > now;
        table = table.row([
            TableCell::new(t.name.clone()),
            TableCell::new(format!("{}…", t.token_hint)),
            TableCell::new(when(t.created_at)),
            TableCell::new(when(t.expires_at)),
            TableCell::new(t.last_used_at.map_or_else(|| "Never".into(), when)),
            TableCell::new(if t.revoked_at.is_some() {
                "Revoked"
            } else if live {
                "Active"
            } else {
                "Expired"
            }),
        ]);
        ids.push((t.api_token_id.to_string(), t.name.clone(), live));
    }
    Ok(TokensPage {
        l: Layout::new("API tokens", Some(identity), "/account")
            .with_errors(errors)
            .with_notice(notice),
        csrf: identity.csrf_token.clone(),
        table,
        ids,
        name: TextInput::new("name", "Token name")
            .hint("So you can recognise it later, for example \"Reporting script\"")
            .value(name)
            .error_opt(errors.get("name")),
        days: TextInput::new("days", "Expires after (days)")
            .hint("Between 1 and 365; 90 if left blank")
            .inputmode("numeric")
            .width(safeguard_ui::components::InputWidth::Chars4)
            .value(days)
            .error_opt(errors.get("days")),
        button: Button::new("Create token").prevent_double_click(),
        created: new_token.as_ref().map(|_| {
            Panel::new("Token created").content("Copy it now: it will not be shown again.")
        }),
        new_token,
    })
}

/// The person's API tokens.
pub async fn tokens(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    html(
        &tokens_page(
            &s,
            &identity,
            &ValidationErrors::new(),
            "",
            "",
            None,
            notice_text(q.notice.as_deref()),
        )
        .await?,
    )
}

/// The new-token form.
#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
}

/// Creates a token and shows it once.
pub async fn create_token(
    State(s): State<AppState>,
    Meta(meta): Meta,
    Extension(identity): Extension<Identity>,
    form: Result<Form<TokenForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let Form(f) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::tokens::create(&s.svc, &identity, &f.name, Some(&f.days), &meta).await
    {
        Ok((_, token)) => html(
            &tokens_page(
                &s,
                &identity,
                &ValidationErrors::new(),
                "",
                "",
                Some(token),
                None,
            )
            .await?,
        ),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &tokens_page(&s, &identity, &errors, &f.name, &f.days, None, None).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

/// Revokes a token.
pub async fn revoke_token(
    State(s): State<AppState>,
    Meta(meta): Meta,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
) -> PageResult {
    let id = id
        .parse()
        .map_err(|_| AppError::Service(ServiceError::NotFound))?;
    safeguard_service::tokens::revoke(&s.svc, &identity, id, &meta).await?;
    see_other("/account/tokens?notice=token-revoked")
}

#[derive(Template)]
#[template(path = "account/two_factor.html")]
struct TwoFactorPage {
    l: Layout,
    csrf: String,
    enabled: bool,
    required: bool,
    secret: String,
    secret_grouped: String,
    qr: String,
    code: TextInput,
    button: Button,
}

/// The enrolment page. `secret` is the key already shown (when the form is re-shown with an error), so
/// that an app that scanned it stays valid.
fn two_factor_page(
    identity: &Identity,
    errors: &ValidationErrors,
    secret: Option<&str>,
) -> Result<TwoFactorPage, AppError> {
    let (secret, qr) = if identity.has_totp {
        (String::new(), String::new())
    } else {
        let secret = match secret {
            Some(s) => s.to_owned(),
            None => safeguard_service::people::new_totp_secret(identity)?,
        };
        let uri = totp::provisioning_uri(&secret, &identity.email, "Safeguard");
        let svg = qrcode::QrCode::new(uri.as_bytes())
            .map(|c| {
                c.render::<qrcode::render::svg::Color>()
                    .min_dimensions(200, 200)
                    .quiet_zone(true)
                    .build()
            })
            .unwrap_or_default();
        (
            secret,
            format!(
                "data:image/svg+xml;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(svg)
            ),
        )
    };
    Ok(TwoFactorPage {
        l: Layout::new("Two-factor authentication", Some(identity), "/account").with_errors(errors),
        csrf: identity.csrf_token.clone(),
        enabled: identity.has_totp,
        required: identity.must_enrol_totp,
        secret: secret.clone(),
        secret_grouped: secret
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" "),
        qr,
        code: TextInput::new("code", "Code from your authenticator app")
            .autocomplete("one-time-code")
            .inputmode("numeric")
            .spellcheck(false)
            .width(safeguard_ui::components::InputWidth::Chars10)
            .error_opt(errors.get("code")),
        button: Button::new("Turn on two-factor authentication").prevent_double_click(),
    })
}

/// Shows enrolment (or that it is on).
pub async fn two_factor_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
) -> PageResult {
    let _ = &s;
    html(&two_factor_page(&identity, &ValidationErrors::new(), None)?)
}

/// The enrolment code form.
#[derive(Debug, Default, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    secret: String,
}

/// Confirms enrolment.
pub async fn two_factor(
    State(s): State<AppState>,
    Meta(meta): Meta,
    Extension(identity): Extension<Identity>,
    form: Result<Form<CodeForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let Form(f) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::people::confirm_totp(&s.svc, &identity, &f.secret, &f.code, &meta)
        .await
    {
        Ok(()) => see_other("/account?notice=totp-on"),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &two_factor_page(
                &identity,
                &errors,
                Some(f.secret.trim()).filter(|s| s.len() == 32),
            )?,
        ),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    l: Layout,
    csrf: String,
    current: TextInput,
    new: TextInput,
    confirm: TextInput,
    button: Button,
}

fn password_page(identity: &Identity, errors: &ValidationErrors) -> PasswordPage {
    PasswordPage {
        l: Layout::new("Change your password", Some(identity), "/account").with_errors(errors),
        csrf: identity.csrf_token.clone(),
        current: TextInput::new("current_password", "Current password").input_type("password").autocomplete("current-password").error_opt(errors.get("current_password")),
        new: TextInput::new("new_password", "New password")
            .input_type("password")
            .autocomplete("new-password")
            .hint("At least 12 characters. A few random words make a strong password that is easy to remember.")
            .error_opt(errors.get("new_password")),
        confirm: TextInput::new("confirm_password", "Confirm new password").input_type("password").autocomplete("new-password").error_opt(errors.get("confirm_password")),
        button: Button::new("Change password").prevent_double_click(),
    }
}

/// The change-password form.
pub async fn password_form(Extension(identity): Extension<Identity>) -> PageResult {
    html(&password_page(&identity, &ValidationErrors::new()))
}

/// The change-password form as submitted.
#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// Changes the password.
pub async fn password(
    State(s): State<AppState>,
    Meta(meta): Meta,
    Extension(identity): Extension<Identity>,
    form: Result<Form<PasswordForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let Form(f) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::people::change_password(
        &s.svc,
        &identity,
        &f.current_password,
        &f.new_password,
        &f.confirm_password,
        &meta,
    )
    .await
    {
        Ok(()) => see_other("/account?notice=password-changed"),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &password_page(&identity, &errors),
        ),
        Err(e) => Err(e.into()),
    }
}
