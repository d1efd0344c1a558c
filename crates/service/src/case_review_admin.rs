//! Administration of case reviews: the partnership's case review settings (notice before
//! publication, reminder lead times) and marking the body whose current members see case review
//! records (the case review panel). Both need `ManageCaseReviews` (administrators) and are audited.
//!
//! Settings are saved against the version they were read at (0 while the defaults apply): a stale
//! save is a `Conflict` ([`SETTINGS_CONFLICT`]) and nothing changes.

use crate::{Actor, ServiceError, ServiceResult, Services};
use chrono::{DateTime, Utc};
use safeguard_domain::case_reviews::{CaseReviewSettings, SettingsInput};
use safeguard_domain::policy::Permission;
use safeguard_store::case_reviews as store;
use safeguard_store::{Tx, audit_log};
use serde_json::json;
use uuid::Uuid;

/// What a stale settings save is told (409; nothing changes).
pub const SETTINGS_CONFLICT: &str = "Someone else changed the case review settings while you were \
     editing them. Your values are shown below and have not been saved: check them, then save again.";

fn settings_json(s: &CaseReviewSettings) -> serde_json::Value {
    json!({
        "pre_publication_notice_days": s.pre_publication_notice_days,
        "reminder_lead_days": s.reminder_lead_days,
        "version": s.version,
    })
}

/// The partnership's case review settings (`ManageCaseReviews`); the defaults, version 0, until an
/// administrator saves them.
pub async fn settings(svc: &Services, actor: &Actor) -> ServiceResult<CaseReviewSettings> {
    actor.require(Permission::ManageCaseReviews)?;
    let mut pc = svc.db.acquire().await?;
    Ok(store::get_settings(&mut pc.conn(), actor.partnership_id).await?)
}

/// Saves the partnership's case review settings (`ManageCaseReviews`) against the version the form
/// was built from; audited (`case_review.settings.update`, before and after). Returns what is now
/// stored.
pub async fn update_settings(
    svc: &Services,
    actor: &Actor,
    input: &SettingsInput,
) -> ServiceResult<CaseReviewSettings> {
    actor.require(Permission::ManageCaseReviews)?;
    let new = CaseReviewSettings::parse(input)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let p = actor.partnership_id;
    let before = store::get_settings(&mut tx.conn(), p).await?;
    if before.version != new.version || !store::save_settings(&mut tx.conn(), p, &new, now).await? {
        return Err(ServiceError::Conflict(SETTINGS_CONFLICT.to_owned()));
    }
    let saved = CaseReviewSettings {
        version: new.version + 1,
        ..new
    };
    let mut e = actor.entry(
        "case_review.settings.update",
        "case_review_settings",
        Some(p.to_string()),
    );
    e.before = Some(settings_json(&before).to_string());
    e.after = Some(settings_json(&saved).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Whether a body of the actor's partnership is the case review panel (`ManageCaseReviews`);
/// `NotFound` for a body of another partnership.
pub async fn panel_flag(svc: &Services, actor: &Actor, body: Uuid) -> ServiceResult<bool> {
    actor.require(Permission::ManageCaseReviews)?;
    let mut pc = svc.db.acquire().await?;
    store::body_handles_case_reviews(&mut pc.conn(), actor.partnership_id, body)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Marks a body as the case review panel, or unmarks it (`ManageCaseReviews`): its current members
/// then may (or no longer may) see case review records. Audited when it changes
/// (`case_review.panel.mark` or `case_review.panel.unmark`). `NotFound` for a body of another
/// partnership.
pub async fn set_panel(
    svc: &Services,
    actor: &Actor,
    body: Uuid,
    handles: bool,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let before = store::body_handles_case_reviews(&mut tx.conn(), actor.partnership_id, body)
        .await?
        .ok_or(ServiceError::NotFound)?;
    mark_in_tx(&mut tx, actor, body, before, handles, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Marks or unmarks a body of the actor's partnership in the caller's transaction, with its audit
/// entry, when `handles` differs from `before` (the caller has checked `ManageCaseReviews`).
pub(crate) async fn mark_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    body: Uuid,
    before: bool,
    handles: bool,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    if before == handles {
        return Ok(());
    }
    if !store::set_handles_case_reviews(&mut tx.conn(), actor.partnership_id, body, handles).await?
    {
        return Err(ServiceError::NotFound);
    }
    let mut e = actor.entry(
        if handles {
            "case_review.panel.mark"
        } else {
            "case_review.panel.unmark"
        },
        "body",
        Some(body.to_string()),
    );
    e.before = Some(json!({"handles_case_reviews": before}).to_string());
    e.after = Some(json!({"handles_case_reviews": handles}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(())
}
