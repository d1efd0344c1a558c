//! The audit trail: search and filter (administrators and scrutineers), and on-demand verification.

use crate::error::AppError;
use crate::layout::Layout;
use crate::pages::{PageResult, html, see_other};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Extension, Query, State};
use chrono::{NaiveDate, TimeZone, Utc};
use safeguard_domain::ValidationErrors;
use safeguard_domain::policy::Permission;
use safeguard_service::Actor;
use safeguard_service::auth::Identity;
use safeguard_store::audit_log::AuditFilter;
use safeguard_ui::components::{Pagination, Table, TableCell, TextInput};
use serde::Deserialize;

/// Filters from the query string.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    notice: Option<String>,
    #[serde(default)]
    broken: Option<String>,
}

#[derive(Template)]
#[template(path = "audit/list.html")]
struct AuditPage {
    l: Layout,
    csrf: String,
    action: TextInput,
    actor: TextInput,
    target: TextInput,
    from: TextInput,
    to: TextInput,
    table: Table,
    pagination: Option<Pagination>,
    can_verify: bool,
    broken: Option<String>,
}

fn parse_date(errors: &mut ValidationErrors, field: &str, v: &str) -> Option<NaiveDate> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(field, "Enter a real date in the format 2026-11-26");
            None
        }
    }
}

/// The trail, newest first.
pub async fn list(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Query(q) = q.map_err(|_| AppError::BadRequest("The search could not be read."))?;
    let mut errors = ValidationErrors::new();
    let from = parse_date(&mut errors, "from", &q.from);
    let to = parse_date(&mut errors, "to", &q.to);
    let actor_id = match q.actor.trim() {
        "" => None,
        a => match a.parse::<uuid::Uuid>() {
            Ok(u) => Some(u),
            Err(_) => {
                errors.add("actor", "Enter a person's id, as shown in the audit trail");
                None
            }
        },
    };
    let page: i64 = q
        .page
        .as_deref()
        .and_then(|p| p.parse().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    let filter = AuditFilter {
        actor: actor_id,
        action_prefix: Some(q.action.chars().take(100).collect()),
        target_id: Some(q.target.trim().chars().take(100).collect())
            .filter(|t: &String| !t.is_empty()),
        from: from
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| Utc.from_utc_datetime(&d)),
        to: to
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| Utc.from_utc_datetime(&d)),
    };
    let result = if errors.is_empty() {
        safeguard_service::audit::list(&s.svc, &actor, &filter, page).await?
    } else {
        safeguard_service::audit::AuditPage {
            rows: Vec::new(),
            total: 0,
        }
    };
    let mut table = Table::new()
        .caption(format!(
            "{} {}",
            result.total,
            if result.total == 1 {
                "entry"
            } else {
                "entries"
            }
        ))
        .head([
            TableCell::numeric("No."),
            "When".into(),
            "Who".into(),
            "Action".into(),
            "Target".into(),
        ]);
    for r in &result.rows {
        let who = match (&r.actor_name, &r.actor_organisation_name) {
            (Some(n), Some(o)) => format!("{n} ({o})"),
            (Some(n), None) => n.clone(),
            // An anonymous comment's entry carries no actor: shown as the comment is shown.
            _ if r.action == "recommendation.comment.add" => {
                safeguard_domain::recommendation_comments::ANONYMOUS_AUTHOR.to_owned()
            }
            _ => "System".to_owned(),
        };
        let target = match &r.target_id {
            Some(t) => format!("{} {t}", r.target_type),
            None => r.target_type.clone(),
        };
        table = table.row([
            TableCell::numeric(r.seq.to_string()),
            TableCell::new(r.at.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
            TableCell::new(who),
            TableCell::new(r.action.clone()),
            TableCell::new(target),
        ]);
    }
    let last = u32::try_from(
        (result.total + safeguard_service::audit::PAGE_SIZE - 1)
            / safeguard_service::audit::PAGE_SIZE,
    )
    .unwrap_or(1)
    .max(1);
    let base = format!(
        "/audit?action={}&actor={}&target={}&from={}&to={}",
        crate::pages::url_encode(&q.action),
        crate::pages::url_encode(&q.actor),
        crate::pages::url_encode(&q.target),
        crate::pages::url_encode(&q.from),
        crate::pages::url_encode(&q.to)
    );
    let pagination = (last > 1).then(|| {
        Pagination::numbered(u32::try_from(page).unwrap_or(1), last, |n| {
            format!("{base}&page={n}")
        })
    });
    let notice = crate::pages::notice_text(q.notice.as_deref());
    let pg = AuditPage {
        l: Layout::new("Audit trail", Some(&identity), "/audit")
            .with_errors(&errors)
            .with_notice(notice),
        csrf: identity.csrf_token.clone(),
        action: TextInput::new("action", "Action starts with")
            .hint("For example person. or session.sign_in")
            .value(q.action.clone())
            .spellcheck(false),
        actor: TextInput::new("actor", "Person id")
            .value(q.actor.clone())
            .spellcheck(false)
            .error_opt(errors.get("actor")),
        target: TextInput::new("target", "Target id")
            .value(q.target.clone())
            .spellcheck(false),
        from: TextInput::new("from", "From date")
            .hint("For example 2026-11-01")
            .value(q.from.clone())
            .error_opt(errors.get("from")),
        to: TextInput::new("to", "To date (inclusive)")
            .hint("For example 2026-11-30")
            .value(q.to.clone())
            .error_opt(errors.get("to")),
        table,
        pagination,
        can_verify: actor.can(Permission::VerifyAuditTrail),
        broken: q
            .broken
            .filter(|b| b.chars().all(|c| c.is_ascii_digit()) && b.len() < 20),
    };
    html(&pg)
}

/// Verifies the partnership's chain now.
pub async fn verify(State(s): State<AppState>, Extension(actor): Extension<Actor>) -> PageResult {
    match safeguard_service::audit::verify_mine(&s.svc, &actor).await? {
        Ok(_) => see_other("/audit?notice=chain-intact"),
        Err(b) => see_other(&format!("/audit?broken={}", b.seq)),
    }
}
