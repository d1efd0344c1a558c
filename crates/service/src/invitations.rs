//! Invitations: a single-use link, valid for 72 hours, that lets a new person set their password
//! (SECURITY.md R-AUTHN-6). Sending a new link cancels the earlier ones. Setting a password through a
//! link ends any sessions the person had.

use crate::{ServiceError, ServiceResult, Services};
use chrono::{DateTime, Duration, Utc};
use safeguard_domain::audit::NewEntry;
use safeguard_domain::secret::{hash_token, new_token};
use safeguard_domain::{PartnershipId, PersonId, ValidationErrors, password};
use safeguard_store::{Tx, audit_log, invitations, outbox, people, sessions};

/// How long a link works.
pub const VALID_FOR: Duration = Duration::hours(72);

/// Creates a link for a person and queues the email that carries it (in the caller's transaction).
pub async fn issue(
    svc: &Services,
    tx: &mut Tx,
    partnership: Option<PartnershipId>,
    person: PersonId,
    email: &str,
    name: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    invitations::cancel_for_person(&mut tx.conn(), person, now).await?;
    let token = new_token("");
    invitations::insert(
        &mut tx.conn(),
        person,
        &hash_token(&token),
        now + VALID_FOR,
        now,
    )
    .await?;
    let link = format!(
        "{}/invitations/{token}",
        svc.config.public_url.trim_end_matches('/')
    );
    outbox::enqueue(
        &mut tx.conn(),
        partnership,
        email,
        &format!("Set your password for {}", svc.config.service_name),
        &format!(
            "Hello {name},\n\nYou have been given an account on {service}. Set your password here within 72 hours:\n\n{link}\n\n\
             The link works once. If it has expired, ask your partnership's business unit to send a new one.\n\
             If you did not expect this email, tell your partnership's business unit.\n",
            service = svc.config.service_name
        ),
        now,
    )
    .await?;
    Ok(())
}

/// Who a live link is for: (name, email). `NotFound` when it is unknown, used or expired.
pub async fn check(svc: &Services, token: &str) -> ServiceResult<(String, String)> {
    let mut pc = svc.db.acquire().await?;
    let (_, person) = invitations::find_live(&mut pc.conn(), &hash_token(token), svc.now())
        .await?
        .ok_or(ServiceError::NotFound)?;
    let p = people::find(&mut pc.conn(), PersonId(person))
        .await?
        .ok_or(ServiceError::NotFound)?;
    if p.disabled_at.is_some() {
        return Err(ServiceError::NotFound);
    }
    Ok((p.name, p.email))
}

/// Sets the password through a link.
pub async fn accept(svc: &Services, token: &str, new: &str, confirm: &str) -> ServiceResult<()> {
    let (name, email) = check(svc, token).await?;
    let local = email.split('@').next().unwrap_or("").to_owned();
    let mut errors = ValidationErrors::new();
    if let Some(m) = password::check(new, &[&local, &name, &svc.config.service_name, "safeguard"]) {
        errors.add("new_password", m);
    } else if new != confirm {
        errors.add("confirm_password", "The passwords do not match");
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let hash = svc
        .passwords
        .hash(new)
        .await
        .map_err(ServiceError::Internal)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let (invitation, person) = invitations::find_live(&mut tx.conn(), &hash_token(token), now)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !invitations::mark_used(&mut tx.conn(), invitation, now).await? {
        return Err(ServiceError::NotFound);
    }
    people::set_password_hash(&mut tx.conn(), PersonId(person), &hash, now).await?;
    sessions::end_all_for_person(&mut tx.conn(), PersonId(person), "password_set", now).await?;
    let mut e = NewEntry::new("person.set_password", "person", Some(person.to_string()));
    e.actor_person_id = Some(person);
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    svc.identities.clear();
    Ok(())
}
