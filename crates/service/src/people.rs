//! People and roles within a partnership, and a person's own account (password, two-factor).

use crate::auth::Identity;
use crate::{Actor, RequestMeta, ServiceError, ServiceResult, Services};
use safeguard_domain::audit::NewEntry;
use safeguard_domain::people::{NewPerson, NewPersonInput};
use safeguard_domain::policy::{Permission, Role};
use safeguard_domain::{PersonId, ValidationErrors, password, totp};
use safeguard_store::people::{PeopleFilter, Person, PersonSummary};
use safeguard_store::{audit_log, organisations, outbox, people, roles, sessions, tokens};
use serde_json::json;

/// One page of people.
#[derive(Debug, Clone)]
pub struct PeoplePage {
    /// Rows.
    pub rows: Vec<PersonSummary>,
    /// All matching.
    pub total: i64,
}

/// Page size for lists.
pub const PAGE_SIZE: i64 = 50;

/// Lists the people holding a role in the actor's partnership.
pub async fn list(
    svc: &Services,
    actor: &Actor,
    filter: &PeopleFilter,
    page: i64,
) -> ServiceResult<PeoplePage> {
    actor.require(Permission::ViewPeople)?;
    let mut pc = svc.db.acquire().await?;
    let (rows, total) = people::list_in_partnership(
        &mut pc.conn(),
        actor.partnership_id,
        filter,
        PAGE_SIZE,
        (page.max(1) - 1) * PAGE_SIZE,
    )
    .await?;
    Ok(PeoplePage { rows, total })
}

/// A person in the actor's partnership, with their roles there.
pub async fn get(
    svc: &Services,
    actor: &Actor,
    id: PersonId,
) -> ServiceResult<(Person, Vec<Role>)> {
    actor.require(Permission::ViewPeople)?;
    let mut pc = svc.db.acquire().await?;
    let person = people::find_in_partnership(&mut pc.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let roles = roles::roles_of(&mut pc.conn(), actor.partnership_id, id).await?;
    Ok((person, roles))
}

fn person_json(p: &Person) -> String {
    json!({"name": p.name, "email": p.email, "organisation_id": p.organisation_id, "disabled": p.disabled_at.is_some()}).to_string()
}

/// The outcome of adding a person.
#[derive(Debug)]
pub struct Added {
    /// The person.
    pub person_id: PersonId,
    /// True when an existing account (same email) was given the role instead of a new one created.
    pub existing: bool,
}

/// Adds a person to the actor's partnership with a first role and emails them a single-use link to set
/// their password (valid for 72 hours; an administrator can send a new one). If an
/// account with the email exists and belongs to an organisation of this partnership, it is given the
/// role instead.
pub async fn add(svc: &Services, actor: &Actor, input: &NewPersonInput) -> ServiceResult<Added> {
    actor.require(Permission::ManagePeople)?;
    let new = NewPerson::parse(input)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let org = organisations::find_in_partnership(
        &mut tx.conn(),
        actor.partnership_id,
        new.organisation_id,
    )
    .await?
    .ok_or_else(|| {
        ValidationErrors::single(
            "organisation_id",
            "Select an organisation that belongs to this partnership",
        )
    })?;
    if let Some(existing) = people::find_by_email(&mut tx.conn(), new.email.as_str()).await? {
        if existing.organisation_id != org.organisation_id {
            return Err(ValidationErrors::single(
                "email",
                "An account with this email address already exists for a different organisation",
            )
            .into());
        }
        let granted = roles::grant(
            &mut tx.conn(),
            actor.partnership_id,
            existing.id(),
            new.role,
            Some(actor.person_id),
            now,
        )
        .await?;
        if !granted {
            return Err(ValidationErrors::single(
                "email",
                "This person already has that role in this partnership",
            )
            .into());
        }
        let mut e = actor.entry("role.grant", "person", Some(existing.id().to_string()));
        e.after = Some(json!({"role": new.role.slug()}).to_string());
        audit_log::append(&mut tx.conn(), &e, now).await?;
        tx.commit().await?;
        svc.identities.clear();
        return Ok(Added {
            person_id: existing.id(),
            existing: true,
        });
    }
    let id = PersonId::new();
    people::insert(
        &mut tx.conn(),
        id,
        new.organisation_id,
        new.email.as_str(),
        &new.name,
        None,
        now,
    )
    .await?;
    roles::grant(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        new.role,
        Some(actor.person_id),
        now,
    )
    .await?;
    let mut e = actor.entry("person.create", "person", Some(id.to_string()));
    e.after = Some(json!({"name": new.name, "email": new.email.as_str(), "organisation_id": org.organisation_id, "role": new.role.slug()}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    crate::invitations::issue(
        svc,
        &mut tx,
        Some(actor.partnership_id),
        id,
        new.email.as_str(),
        &new.name,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Added {
        person_id: id,
        existing: false,
    })
}

/// Grants a role to a person of the partnership.
pub async fn grant_role(
    svc: &Services,
    actor: &Actor,
    id: PersonId,
    role: &str,
) -> ServiceResult<()> {
    actor.require(Permission::ManagePeople)?;
    let role =
        Role::parse(role).ok_or_else(|| ValidationErrors::single("role", "Select a role"))?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    people::find_in_partnership(&mut tx.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !roles::grant(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        role,
        Some(actor.person_id),
        now,
    )
    .await?
    {
        return Err(ValidationErrors::single("role", "This person already has that role").into());
    }
    let mut e = actor.entry("role.grant", "person", Some(id.to_string()));
    e.after = Some(json!({"role": role.slug()}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    svc.identities.clear();
    Ok(())
}

/// Revokes a role. An administrator cannot remove their own administrator role (so that a partnership
/// is not left without one by accident).
pub async fn revoke_role(
    svc: &Services,
    actor: &Actor,
    id: PersonId,
    role: &str,
) -> ServiceResult<()> {
    actor.require(Permission::ManagePeople)?;
    let role = Role::parse(role).ok_or(ServiceError::NotFound)?;
    if id == actor.person_id && role == Role::PartnershipAdministrator {
        return Err(ServiceError::Conflict(
            "You cannot remove your own administrator role".into(),
        ));
    }
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    people::find_in_partnership(&mut tx.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !roles::revoke(&mut tx.conn(), actor.partnership_id, id, role).await? {
        return Err(ServiceError::NotFound);
    }
    let mut e = actor.entry("role.revoke", "person", Some(id.to_string()));
    e.before = Some(json!({"role": role.slug()}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    svc.identities.clear();
    Ok(())
}

/// Disables or re-enables an account; disabling ends its sessions and revokes its API tokens at once.
pub async fn set_disabled(
    svc: &Services,
    actor: &Actor,
    id: PersonId,
    disabled: bool,
) -> ServiceResult<()> {
    actor.require(Permission::ManagePeople)?;
    if id == actor.person_id && disabled {
        return Err(ServiceError::Conflict(
            "You cannot disable your own account".into(),
        ));
    }
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let before = people::find_in_partnership(&mut tx.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    people::set_disabled(&mut tx.conn(), id, disabled.then_some(now), now).await?;
    if disabled {
        sessions::end_all_for_person(&mut tx.conn(), id, "account_disabled", now).await?;
        tokens::revoke_all_for_person(&mut tx.conn(), id, now).await?;
    }
    let after = people::find(&mut tx.conn(), id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut e = actor.entry(
        if disabled {
            "person.disable"
        } else {
            "person.enable"
        },
        "person",
        Some(id.to_string()),
    );
    e.before = Some(person_json(&before));
    e.after = Some(person_json(&after));
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    svc.identities.clear();
    Ok(())
}

fn self_entry(identity: &Identity, meta: &RequestMeta, action: &str) -> NewEntry {
    NewEntry {
        partnership_id: identity.partnership.as_ref().map(|p| p.partnership_id),
        actor_person_id: Some(identity.person_id.0),
        actor_organisation_id: Some(identity.organisation_id.0),
        request_id: meta.request_id.clone(),
        ip: meta.ip.clone(),
        ..NewEntry::new(action, "person", Some(identity.person_id.to_string()))
    }
}

/// Changes the caller's own password (the current one must be given). Other sessions end.
pub async fn change_password(
    svc: &Services,
    identity: &Identity,
    current: &str,
    new: &str,
    confirm: &str,
    meta: &RequestMeta,
) -> ServiceResult<()> {
    let now = svc.now();
    let mut pc = svc.db.acquire().await?;
    let person = people::find(&mut pc.conn(), identity.person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    drop(pc);
    let mut errors = ValidationErrors::new();
    if !svc
        .passwords
        .verify(person.password_hash.as_deref(), current)
        .await
    {
        errors.add("current_password", "Your current password is not right");
    }
    let local = person.email.split('@').next().unwrap_or("").to_owned();
    if let Some(m) = password::check(
        new,
        &[&local, &person.name, &svc.config.service_name, "safeguard"],
    ) {
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
    let mut tx = svc.db.begin().await?;
    people::set_password_hash(&mut tx.conn(), person.id(), &hash, now).await?;
    // End every other session of this person.
    for s in sessions::list_open_for_person(&mut tx.conn(), person.id(), now).await? {
        if Some(safeguard_domain::SessionId(s.session_id)) != identity.session_id {
            sessions::end(
                &mut tx.conn(),
                safeguard_domain::SessionId(s.session_id),
                None,
                "password_changed",
                now,
            )
            .await?;
        }
    }
    audit_log::append(
        &mut tx.conn(),
        &self_entry(identity, meta, "person.change_password"),
        now,
    )
    .await?;
    outbox::enqueue(
        &mut tx.conn(),
        identity.partnership.as_ref().map(|p| p.id()),
        &person.email,
        &format!("Your {} password was changed", svc.config.service_name),
        &format!(
            "Hello {},\n\nThe password for your {} account was changed. Your other sessions have been signed out.\nIf this was not you, contact your partnership's business unit straight away.\n",
            person.name, svc.config.service_name
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    svc.identities.clear();
    Ok(())
}

/// A new TOTP secret for enrolment. Nothing is stored until the person confirms it with a code from
/// their app (so showing the enrolment page changes nothing).
pub fn new_totp_secret(identity: &Identity) -> ServiceResult<String> {
    if identity.has_totp {
        return Err(ServiceError::Conflict(
            "Two-factor authentication is already on".into(),
        ));
    }
    Ok(totp::new_secret())
}

/// Confirms enrolment with a code from the app.
pub async fn confirm_totp(
    svc: &Services,
    identity: &Identity,
    secret: &str,
    code: &str,
    meta: &RequestMeta,
) -> ServiceResult<()> {
    let now = svc.now();
    let secret = secret.trim().to_owned();
    if secret.len() != 32
        || !secret
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    {
        return Err(ValidationErrors::single(
            "code",
            "Start again: reload the page and scan the new QR code",
        )
        .into());
    }
    let mut tx = svc.db.begin().await?;
    let person = people::find(&mut tx.conn(), identity.person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if person.has_totp() {
        return Err(ServiceError::Conflict(
            "Two-factor authentication is already on".into(),
        ));
    }
    let Some(step) = totp::verify(&secret, code, now, person.totp_last_step) else {
        return Err(ValidationErrors::single(
            "code",
            "Enter the 6-digit code shown in your authenticator app",
        )
        .into());
    };
    people::set_totp(
        &mut tx.conn(),
        person.id(),
        Some(&secret),
        Some(now),
        Some(step),
        now,
    )
    .await?;
    audit_log::append(
        &mut tx.conn(),
        &self_entry(identity, meta, "person.enable_totp"),
        now,
    )
    .await?;
    outbox::enqueue(
        &mut tx.conn(),
        identity.partnership.as_ref().map(|p| p.id()),
        &person.email,
        &format!("Two-factor authentication is now on for your {} account", svc.config.service_name),
        &format!(
            "Hello {},\n\nTwo-factor authentication was turned on for your account. If this was not you, contact your partnership's business unit straight away.\n",
            person.name
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    svc.identities.clear();
    Ok(())
}

/// CLI and administrator reset: sets a new password for a person and ends their sessions.
pub async fn reset_password_by_email(
    svc: &Services,
    email: &str,
    new_password: &str,
) -> ServiceResult<()> {
    let now = svc.now();
    let mut pc = svc.db.acquire().await?;
    let person = people::find_by_email(&mut pc.conn(), &email.trim().to_lowercase())
        .await?
        .ok_or(ServiceError::NotFound)?;
    drop(pc);
    let local = person.email.split('@').next().unwrap_or("").to_owned();
    if let Some(m) = password::check(
        new_password,
        &[&local, &person.name, &svc.config.service_name],
    ) {
        return Err(ValidationErrors::single("password", m).into());
    }
    let hash = svc
        .passwords
        .hash(new_password)
        .await
        .map_err(ServiceError::Internal)?;
    let mut tx = svc.db.begin().await?;
    people::set_password_hash(&mut tx.conn(), person.id(), &hash, now).await?;
    sessions::end_all_for_person(&mut tx.conn(), person.id(), "password_reset", now).await?;
    let e = NewEntry {
        actor_person_id: None,
        ..NewEntry::new(
            "person.reset_password",
            "person",
            Some(person.id().to_string()),
        )
    };
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    svc.identities.clear();
    Ok(())
}

/// CLI: disables an account by email.
pub async fn disable_by_email(svc: &Services, email: &str) -> ServiceResult<()> {
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let person = people::find_by_email(&mut tx.conn(), &email.trim().to_lowercase())
        .await?
        .ok_or(ServiceError::NotFound)?;
    people::set_disabled(&mut tx.conn(), person.id(), Some(now), now).await?;
    sessions::end_all_for_person(&mut tx.conn(), person.id(), "account_disabled", now).await?;
    tokens::revoke_all_for_person(&mut tx.conn(), person.id(), now).await?;
    let mut e = NewEntry::new("person.disable", "person", Some(person.id().to_string()));
    e.before = Some(person_json(&person));
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    svc.identities.clear();
    Ok(())
}

/// CLI: adds a person by partnership slug and organisation name, with a password.
pub async fn add_from_cli(
    svc: &Services,
    email: &str,
    name: &str,
    organisation: &str,
    partnership_slug: &str,
    role: &str,
    password: &str,
) -> ServiceResult<PersonId> {
    let now = svc.now();
    let mut errors = ValidationErrors::new();
    let email = safeguard_domain::people::Email::parse(email)
        .map_err(|m| ValidationErrors::single("email", m))?;
    let role = Role::parse(role).ok_or_else(|| {
        ValidationErrors::single(
            "role",
            format!(
                "unknown role; use one of: {}",
                Role::ALL
                    .iter()
                    .map(|r| r.slug())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })?;
    if let Some(m) = password::check(
        password,
        &[email.local_part(), name, &svc.config.service_name],
    ) {
        errors.add("password", m);
    }
    if name.trim().is_empty() {
        errors.add("name", "Enter the person's full name");
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let hash = svc
        .passwords
        .hash(password)
        .await
        .map_err(ServiceError::Internal)?;
    let mut tx = svc.db.begin().await?;
    let p = safeguard_store::partnerships::find_by_slug(&mut tx.conn(), partnership_slug)
        .await?
        .ok_or_else(|| {
            ValidationErrors::single(
                "partnership",
                format!("no partnership with slug {partnership_slug:?}"),
            )
        })?;
    let org = organisations::find_by_name(&mut tx.conn(), organisation)
        .await?
        .ok_or_else(|| {
            ValidationErrors::single(
                "organisation",
                format!("no organisation named {organisation:?}"),
            )
        })?;
    organisations::find_in_partnership(
        &mut tx.conn(),
        p.id(),
        safeguard_domain::OrganisationId(org.organisation_id),
    )
    .await?
    .ok_or_else(|| {
        ValidationErrors::single(
            "organisation",
            "that organisation does not belong to that partnership",
        )
    })?;
    let id = match people::find_by_email(&mut tx.conn(), email.as_str()).await? {
        Some(existing) => existing.id(),
        None => {
            let id = PersonId::new();
            people::insert(
                &mut tx.conn(),
                id,
                safeguard_domain::OrganisationId(org.organisation_id),
                email.as_str(),
                name.trim(),
                Some(&hash),
                now,
            )
            .await?;
            id
        }
    };
    roles::grant(&mut tx.conn(), p.id(), id, role, None, now).await?;
    let mut e = NewEntry::new("person.create", "person", Some(id.to_string()));
    e.partnership_id = Some(p.partnership_id);
    e.after = Some(
        json!({"name": name.trim(), "email": email.as_str(), "role": role.slug(), "via": "cli"})
            .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Sends a person of the partnership a new link to set their password (earlier links stop working).
pub async fn resend_invitation(svc: &Services, actor: &Actor, id: PersonId) -> ServiceResult<()> {
    actor.require(Permission::ManagePeople)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let person = people::find_in_partnership(&mut tx.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if person.disabled_at.is_some() {
        return Err(ServiceError::Conflict(
            "Enable the account before sending a new link".into(),
        ));
    }
    crate::invitations::issue(
        svc,
        &mut tx,
        Some(actor.partnership_id),
        id,
        &person.email,
        &person.name,
        now,
    )
    .await?;
    audit_log::append(
        &mut tx.conn(),
        &actor.entry("person.invite", "person", Some(id.to_string())),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
