//! Partnership settings and the organisations of a partnership.

use crate::{Actor, ServiceError, ServiceResult, Services};
use safeguard_domain::ValidationErrors;
use safeguard_domain::policy::Permission;
use safeguard_store::organisations::Organisation;
use safeguard_store::partnerships::Partnership;
use safeguard_store::{audit_log, organisations, partnerships};
use serde_json::json;

/// The organisations of the actor's partnership.
pub async fn organisations(svc: &Services, actor: &Actor) -> ServiceResult<Vec<Organisation>> {
    actor.require(Permission::ViewOrganisations)?;
    let mut pc = svc.db.acquire().await?;
    Ok(organisations::list_for_partnership(&mut pc.conn(), actor.partnership_id).await?)
}

/// The organisations for the "add a person" form (administrators).
pub async fn organisations_for_admin(
    svc: &Services,
    actor: &Actor,
) -> ServiceResult<Vec<Organisation>> {
    actor.require(Permission::ManagePeople)?;
    let mut pc = svc.db.acquire().await?;
    Ok(organisations::list_for_partnership(&mut pc.conn(), actor.partnership_id).await?)
}

/// The actor's partnership.
pub async fn current(svc: &Services, actor: &Actor) -> ServiceResult<Partnership> {
    let mut pc = svc.db.acquire().await?;
    partnerships::find(&mut pc.conn(), actor.partnership_id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Settings as submitted.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SettingsInput {
    /// "yes" or "no".
    #[serde(default)]
    pub require_totp: String,
    /// Minutes.
    #[serde(default)]
    pub session_idle_minutes: String,
    /// Minutes.
    #[serde(default)]
    pub session_absolute_minutes: String,
}

/// Changes the partnership's sign-in settings.
pub async fn update_settings(
    svc: &Services,
    actor: &Actor,
    input: &SettingsInput,
) -> ServiceResult<Partnership> {
    actor.require(Permission::ManagePartnershipSettings)?;
    let mut errors = ValidationErrors::new();
    let require = match input.require_totp.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            errors.add(
                "require_totp",
                "Select whether everyone must use two-factor authentication",
            );
            false
        }
    };
    let idle = match input.session_idle_minutes.trim().parse::<i64>() {
        Ok(n) if (5..=120).contains(&n) => n,
        _ => {
            errors.add(
                "session_idle_minutes",
                "Idle timeout must be a whole number of minutes between 5 and 120",
            );
            30
        }
    };
    let absolute = match input.session_absolute_minutes.trim().parse::<i64>() {
        Ok(n) if (60..=1440).contains(&n) => n,
        _ => {
            errors.add(
                "session_absolute_minutes",
                "Session length must be a whole number of minutes between 60 and 1,440",
            );
            720
        }
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let before = partnerships::find(&mut tx.conn(), actor.partnership_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    partnerships::update_settings(
        &mut tx.conn(),
        actor.partnership_id,
        require,
        idle,
        absolute,
        now,
    )
    .await?;
    let after = partnerships::find(&mut tx.conn(), actor.partnership_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut e = actor.entry(
        "partnership.update_settings",
        "partnership",
        Some(actor.partnership_id.to_string()),
    );
    e.before = Some(json!({"require_totp": before.require_totp, "session_idle_minutes": before.session_idle_minutes, "session_absolute_minutes": before.session_absolute_minutes}).to_string());
    e.after = Some(json!({"require_totp": after.require_totp, "session_idle_minutes": after.session_idle_minutes, "session_absolute_minutes": after.session_absolute_minutes}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    svc.identities.clear();
    Ok(after)
}

/// The board, sub-groups and task-and-finish groups of the actor's partnership (`ViewHome`). Read on
/// every home page, so kept for 5 seconds in [`Services::bodies`](crate::Services); a use case that
/// changes a partnership's bodies must call `svc.bodies.invalidate(&partnership)`.
pub async fn bodies(
    svc: &Services,
    actor: &Actor,
) -> ServiceResult<std::sync::Arc<Vec<safeguard_store::bodies::Body>>> {
    actor.require(Permission::ViewHome)?;
    let now = svc.now();
    if let Some(b) = svc.bodies.get(&actor.partnership_id, now) {
        return Ok(b);
    }
    let mut pc = svc.db.acquire().await?;
    let list =
        safeguard_store::bodies::list_for_partnership(&mut pc.conn(), actor.partnership_id).await?;
    Ok(svc.bodies.put(actor.partnership_id, list, now))
}
