//! Personal API tokens.

use crate::auth::Identity;
use crate::{RequestMeta, ServiceError, ServiceResult, Services};
use chrono::Duration;
use safeguard_domain::audit::NewEntry;
use safeguard_domain::secret::{hash_token, new_token};
use safeguard_domain::{ApiTokenId, ValidationErrors, validation::required_text};
use safeguard_store::tokens::ApiToken;
use safeguard_store::{audit_log, tokens};

/// Prefix that makes Safeguard tokens easy to recognise (and to scan for in leaked text).
pub const PREFIX: &str = "sgt_";

fn entry(identity: &Identity, meta: &RequestMeta, action: &str, id: ApiTokenId) -> NewEntry {
    NewEntry {
        partnership_id: identity.partnership.as_ref().map(|p| p.partnership_id),
        actor_person_id: Some(identity.person_id.0),
        actor_organisation_id: Some(identity.organisation_id.0),
        request_id: meta.request_id.clone(),
        ip: meta.ip.clone(),
        ..NewEntry::new(action, "api_token", Some(id.to_string()))
    }
}

/// Creates a token for the caller in their current partnership. Returns the token (shown once).
pub async fn create(
    svc: &Services,
    identity: &Identity,
    name: &str,
    days: Option<&str>,
    meta: &RequestMeta,
) -> ServiceResult<(ApiToken, String)> {
    let mut errors = ValidationErrors::new();
    let name = required_text(&mut errors, "name", name, "a name for the token", 100);
    let days = match days.map(str::trim).filter(|d| !d.is_empty()) {
        None => svc.config.api_token_days,
        Some(d) => match d.parse::<i64>() {
            Ok(n) if (1..=365).contains(&n) => n,
            _ => {
                errors.add(
                    "days",
                    "Expiry must be a whole number of days between 1 and 365",
                );
                0
            }
        },
    };
    let Some(partnership) = identity.partnership.as_ref() else {
        return Err(ServiceError::NotFound);
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let now = svc.now();
    let token = new_token(PREFIX);
    let id = ApiTokenId::new();
    let mut tx = svc.db.begin().await?;
    tokens::insert(
        &mut tx.conn(),
        id,
        identity.person_id,
        partnership.id(),
        &name,
        &hash_token(&token),
        &token[..PREFIX.len() + 6],
        now + Duration::days(days),
        now,
    )
    .await?;
    audit_log::append(
        &mut tx.conn(),
        &entry(identity, meta, "api_token.create", id),
        now,
    )
    .await?;
    let t = tokens::find_for_person(&mut tx.conn(), identity.person_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    tx.commit().await?;
    Ok((t, token))
}

/// The caller's tokens.
pub async fn list(svc: &Services, identity: &Identity) -> ServiceResult<Vec<ApiToken>> {
    let mut pc = svc.db.acquire().await?;
    Ok(tokens::list_for_person(&mut pc.conn(), identity.person_id).await?)
}

/// Revokes one of the caller's tokens.
pub async fn revoke(
    svc: &Services,
    identity: &Identity,
    id: ApiTokenId,
    meta: &RequestMeta,
) -> ServiceResult<()> {
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    if !tokens::revoke(&mut tx.conn(), identity.person_id, id, now).await? {
        return Err(ServiceError::NotFound);
    }
    audit_log::append(
        &mut tx.conn(),
        &entry(identity, meta, "api_token.revoke", id),
        now,
    )
    .await?;
    tx.commit().await?;
    svc.identities.clear();
    Ok(())
}

/// CLI: issues a token for a person by email in their first partnership (for scripts and tests).
pub async fn issue_for_email(svc: &Services, email: &str, days: i64) -> ServiceResult<String> {
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let person =
        safeguard_store::people::find_by_email(&mut tx.conn(), &email.trim().to_lowercase())
            .await?
            .ok_or(ServiceError::NotFound)?;
    let p = safeguard_store::partnerships::list_for_person(&mut tx.conn(), person.id())
        .await?
        .into_iter()
        .next()
        .ok_or(ServiceError::NotFound)?;
    let token = new_token(PREFIX);
    let id = ApiTokenId::new();
    tokens::insert(
        &mut tx.conn(),
        id,
        person.id(),
        p.id(),
        "issued from the command line",
        &hash_token(&token),
        &token[..PREFIX.len() + 6],
        now + Duration::days(days),
        now,
    )
    .await?;
    let mut e = NewEntry::new("api_token.create", "api_token", Some(id.to_string()));
    e.partnership_id = Some(p.partnership_id);
    e.actor_person_id = Some(person.person_id);
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(token)
}
