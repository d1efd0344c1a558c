//! Signing in and out, the second factor, sessions and API tokens on the request path.
//!
//! Failure modes: every refusal of a password looks the same to the caller (unknown email, wrong
//! password, disabled account, no password set), after the same argon2 work. The per-account limit
//! (10 failures in 5 minutes) is counted in the database so that it holds across instances; the
//! per-address limit is kept in memory.

use crate::actor::RequestMeta;
use crate::{ServiceError, ServiceResult, Services};
use chrono::{DateTime, Duration, Utc};
use safeguard_domain::audit::NewEntry;
use safeguard_domain::policy::Role;
use safeguard_domain::secret::{hash_token, new_token};
use safeguard_domain::{OrganisationId, PartnershipId, PersonId, SessionId, totp};
use safeguard_store::partnerships::Partnership;
use safeguard_store::sessions::{NewSession, SessionRecord};
use safeguard_store::{audit_log, partnerships, people, roles, sessions, sign_in_attempts, tokens};
use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, RwLock};

/// Failed attempts per account allowed in [`FAILURE_WINDOW`].
pub const ACCOUNT_FAILURE_LIMIT: i64 = 10;
/// The window for the failure limits.
pub const FAILURE_WINDOW: Duration = Duration::minutes(5);
/// How long the request path trusts a cached identity before reading it again.
pub const CACHE_TTL: Duration = Duration::seconds(5);
/// Activity is written back at most this often.
pub const TOUCH_EVERY: Duration = Duration::seconds(60);

/// What a sign-in attempt led to.
#[derive(Debug)]
pub enum SignIn {
    /// A session was created; `stage` says whether a TOTP code is still needed.
    Started {
        /// The cookie value.
        token: String,
        /// True when the person must enter a TOTP code next.
        needs_totp: bool,
    },
    /// Wrong email or password (deliberately not saying which).
    Refused,
}

/// The per-address throttle.
#[derive(Default)]
pub struct IpThrottle {
    failures: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl IpThrottle {
    fn prune(q: &mut VecDeque<DateTime<Utc>>, now: DateTime<Utc>) {
        while q.front().is_some_and(|t| *t <= now - FAILURE_WINDOW) {
            q.pop_front();
        }
    }
    /// True when the address has reached the limit.
    pub fn blocked(&self, ip: &str, limit: usize, now: DateTime<Utc>) -> bool {
        let Ok(mut m) = self.failures.lock() else {
            return true;
        };
        let q = m.entry(ip.to_owned()).or_default();
        Self::prune(q, now);
        q.len() >= limit
    }
    /// Records a failure.
    pub fn record(&self, ip: &str, now: DateTime<Utc>) {
        if let Ok(mut m) = self.failures.lock() {
            if m.len() > 100_000 {
                m.clear(); // bound memory under a spray of addresses
            }
            let q = m.entry(ip.to_owned()).or_default();
            Self::prune(q, now);
            q.push_back(now);
        }
    }
}

/// What the request path knows about a signed-in caller.
#[derive(Debug, Clone)]
pub struct Identity {
    /// Session (none for API tokens).
    pub session_id: Option<SessionId>,
    /// Who.
    pub person_id: PersonId,
    /// Their organisation.
    pub organisation_id: OrganisationId,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// The partnership being worked in.
    pub partnership: Option<Partnership>,
    /// Roles there.
    pub roles: Vec<Role>,
    /// Every partnership they hold a role in (for the switcher).
    pub partnerships: Vec<(PartnershipId, String)>,
    /// 'totp' while the second factor is outstanding.
    pub stage_totp: bool,
    /// True when the partnership requires TOTP and the person has not enrolled.
    pub must_enrol_totp: bool,
    /// Has TOTP.
    pub has_totp: bool,
    /// The form token.
    pub csrf_token: String,
    /// Last activity (sessions).
    pub last_seen_at: DateTime<Utc>,
    /// When the session ends if idle.
    pub expires_at: DateTime<Utc>,
    /// Hard end.
    pub absolute_expires_at: DateTime<Utc>,
    /// Idle timeout.
    pub idle_minutes: i64,
}

struct Cached {
    identity: Identity,
    loaded_at: DateTime<Utc>,
}

/// The request path's cache: identities by token hash, reloaded after [`CACHE_TTL`], dropped at once
/// by this instance on any change to people, roles, sessions, tokens or partnership settings.
#[derive(Default)]
pub struct IdentityCache {
    map: RwLock<HashMap<String, Cached>>,
}

impl IdentityCache {
    fn get(&self, key: &str, now: DateTime<Utc>) -> Option<Identity> {
        let m = self.map.read().ok()?;
        let c = m.get(key)?;
        (now - c.loaded_at < CACHE_TTL && now >= c.loaded_at).then(|| c.identity.clone())
    }
    fn put(&self, key: String, identity: Identity, now: DateTime<Utc>) {
        if let Ok(mut m) = self.map.write() {
            if m.len() > 50_000 {
                m.clear();
            }
            m.insert(
                key,
                Cached {
                    identity,
                    loaded_at: now,
                },
            );
        }
    }
    /// Forgets everything (after any security-relevant change).
    pub fn clear(&self) {
        if let Ok(mut m) = self.map.write() {
            m.clear();
        }
    }
}

fn platform_entry(action: &str, person: Option<PersonId>, meta: &RequestMeta) -> NewEntry {
    NewEntry {
        actor_person_id: person.map(|p| p.0),
        request_id: meta.request_id.clone(),
        ip: meta.ip.clone(),
        ..NewEntry::new(action, "person", person.map(|p| p.to_string()))
    }
}

/// Checks an email and password and starts a session.
pub async fn sign_in(
    svc: &Services,
    email: &str,
    password: &str,
    meta: &RequestMeta,
) -> ServiceResult<SignIn> {
    let now = svc.now();
    let email = email.trim().to_lowercase();
    let ip = meta.ip.clone().unwrap_or_default();
    if svc
        .ip_throttle
        .blocked(&ip, svc.config.ip_failure_limit, now)
    {
        return Err(ServiceError::Throttled);
    }
    let mut pc = svc.db.acquire().await?;
    let failures =
        sign_in_attempts::failures_since(&mut pc.conn(), &email, now - FAILURE_WINDOW).await?;
    let person = people::find_by_email(&mut pc.conn(), &email).await?;
    drop(pc);
    if failures >= ACCOUNT_FAILURE_LIMIT {
        // Still spend the hashing time, so a throttled account looks like any other.
        let _ = svc.passwords.verify(None, password).await;
        let mut tx = svc.db.begin().await?;
        audit_log::append(
            &mut tx.conn(),
            &platform_entry(
                "session.sign_in_throttled",
                person.as_ref().map(|p| p.id()),
                meta,
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        return Err(ServiceError::Throttled);
    }
    let ok = svc
        .passwords
        .verify(
            person.as_ref().and_then(|p| p.password_hash.as_deref()),
            password,
        )
        .await;
    let person = match person {
        Some(p) if ok && p.disabled_at.is_none() => p,
        other => {
            svc.ip_throttle.record(&ip, now);
            let mut tx = svc.db.begin().await?;
            sign_in_attempts::record(&mut tx.conn(), &email, meta.ip.as_deref(), false, now)
                .await?;
            audit_log::append(
                &mut tx.conn(),
                &platform_entry(
                    "session.sign_in_failed",
                    other.as_ref().map(|p| p.id()),
                    meta,
                ),
                now,
            )
            .await?;
            tx.commit().await?;
            return Ok(SignIn::Refused);
        }
    };
    let mut tx = svc.db.begin().await?;
    let list = partnerships::list_for_person(&mut tx.conn(), person.id()).await?;
    // Start where the person last worked, if they still hold a role there; else the first by name.
    let last = sessions::last_partnership_for_person(&mut tx.conn(), person.id()).await?;
    let first = last
        .and_then(|id| list.iter().find(|p| p.partnership_id == id))
        .or(list.first())
        .cloned();
    let (idle, absolute) = first.as_ref().map_or((30, 720), |p| {
        (p.session_idle_minutes, p.session_absolute_minutes)
    });
    let token = new_token("");
    let csrf = new_token("");
    let needs_totp = person.has_totp();
    let session_id = SessionId::new();
    sessions::insert(
        &mut tx.conn(),
        &NewSession {
            id: session_id,
            token_hash: &hash_token(&token),
            person: person.id(),
            partnership: first.as_ref().map(Partnership::id),
            stage: if needs_totp { "totp" } else { "full" },
            csrf_token: &csrf,
            idle_minutes: idle,
            absolute_expires_at: now + Duration::minutes(absolute),
            ip: meta.ip.as_deref(),
            user_agent: meta.user_agent.as_deref(),
        },
        now,
    )
    .await?;
    sign_in_attempts::record(&mut tx.conn(), &email, meta.ip.as_deref(), true, now).await?;
    if !needs_totp {
        people::record_sign_in(&mut tx.conn(), person.id(), now).await?;
    }
    let mut entry = platform_entry(
        if needs_totp {
            "session.password_accepted"
        } else {
            "session.sign_in"
        },
        Some(person.id()),
        meta,
    );
    entry.partnership_id = first.as_ref().map(|p| p.partnership_id);
    entry.actor_organisation_id = Some(person.organisation_id);
    entry.target_type = "session".into();
    entry.target_id = Some(session_id.to_string());
    audit_log::append(&mut tx.conn(), &entry, now).await?;
    tx.commit().await?;
    // Rehash when the configured cost has risen since this password was set.
    if let Some(h) = person.password_hash.as_deref()
        && crate::passwords::needs_rehash(h, svc.passwords.cost())
        && let Ok(new_hash) = svc.passwords.hash(password).await
    {
        let mut tx = svc.db.begin().await?;
        people::set_password_hash(&mut tx.conn(), person.id(), &new_hash, now).await?;
        tx.commit().await?;
    }
    Ok(SignIn::Started { token, needs_totp })
}

/// Completes the second factor: checks the code, and on success replaces the session with a new one
/// (new token) at stage `full`. Returns the new cookie value, or `None` for a wrong code.
pub async fn complete_totp(
    svc: &Services,
    identity: &Identity,
    code: &str,
    meta: &RequestMeta,
) -> ServiceResult<Option<String>> {
    let now = svc.now();
    let Some(session_id) = identity.session_id else {
        return Err(ServiceError::NotFound);
    };
    let mut tx = svc.db.begin().await?;
    let person = people::find(&mut tx.conn(), identity.person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let failures =
        sign_in_attempts::failures_since(&mut tx.conn(), &person.email, now - FAILURE_WINDOW)
            .await?;
    if failures >= ACCOUNT_FAILURE_LIMIT {
        return Err(ServiceError::Throttled);
    }
    let step = person
        .totp_secret
        .as_deref()
        .and_then(|s| totp::verify(s, code, now, person.totp_last_step));
    let Some(step) = step else {
        sign_in_attempts::record(
            &mut tx.conn(),
            &person.email,
            meta.ip.as_deref(),
            false,
            now,
        )
        .await?;
        audit_log::append(
            &mut tx.conn(),
            &platform_entry("session.totp_failed", Some(person.id()), meta),
            now,
        )
        .await?;
        tx.commit().await?;
        return Ok(None);
    };
    if !people::advance_totp_step(&mut tx.conn(), person.id(), step).await? {
        return Ok(None);
    }
    let token = rotate(&mut tx, meta, identity, session_id, "full", now).await?;
    people::record_sign_in(&mut tx.conn(), person.id(), now).await?;
    let mut entry = platform_entry("session.sign_in", Some(person.id()), meta);
    entry.partnership_id = identity.partnership.as_ref().map(|p| p.partnership_id);
    entry.actor_organisation_id = Some(person.organisation_id);
    audit_log::append(&mut tx.conn(), &entry, now).await?;
    tx.commit().await?;
    svc.identities.clear();
    Ok(Some(token))
}

/// Replaces a session by a new one with a new token (the old one ends): used after the second factor
/// and whenever privileges change, so that a token seen before cannot be replayed.
async fn rotate(
    tx: &mut safeguard_store::Tx,
    meta: &RequestMeta,
    identity: &Identity,
    old: SessionId,
    stage: &str,
    now: DateTime<Utc>,
) -> ServiceResult<String> {
    sessions::end(&mut tx.conn(), old, None, "rotated", now).await?;
    let token = new_token("");
    let csrf = new_token("");
    sessions::insert(
        &mut tx.conn(),
        &NewSession {
            id: SessionId::new(),
            token_hash: &hash_token(&token),
            person: identity.person_id,
            partnership: identity.partnership.as_ref().map(Partnership::id),
            stage,
            csrf_token: &csrf,
            idle_minutes: identity.idle_minutes.max(5),
            absolute_expires_at: identity.absolute_expires_at,
            ip: meta.ip.as_deref(),
            user_agent: meta.user_agent.as_deref(),
        },
        now,
    )
    .await?;
    Ok(token)
}

/// Ends the caller's session.
pub async fn sign_out(
    svc: &Services,
    identity: &Identity,
    meta: &RequestMeta,
) -> ServiceResult<()> {
    let now = svc.now();
    let Some(session_id) = identity.session_id else {
        return Ok(());
    };
    let mut tx = svc.db.begin().await?;
    sessions::end(
        &mut tx.conn(),
        session_id,
        Some(identity.person_id),
        "signed_out",
        now,
    )
    .await?;
    let mut entry = platform_entry("session.sign_out", Some(identity.person_id), meta);
    entry.partnership_id = identity.partnership.as_ref().map(|p| p.partnership_id);
    entry.actor_organisation_id = Some(identity.organisation_id.0);
    entry.target_type = "session".into();
    entry.target_id = Some(session_id.to_string());
    audit_log::append(&mut tx.conn(), &entry, now).await?;
    tx.commit().await?;
    svc.identities.clear();
    Ok(())
}

/// The partnership being worked in (if the person still holds a role there), the roles there, and
/// every partnership the person holds a role in.
async fn build_identity(
    c: &mut safeguard_store::Conn<'_>,
    person: PersonId,
    partnership: Option<PartnershipId>,
) -> ServiceResult<(Option<Partnership>, Vec<Role>, Vec<(PartnershipId, String)>)> {
    let list = partnerships::list_for_person(c, person).await?;
    let current = partnership.and_then(|id| list.iter().find(|p| p.id() == id).cloned());
    let roles = match &current {
        Some(p) => roles::roles_of(c, p.id(), person).await?,
        None => Vec::new(),
    };
    Ok((
        current,
        roles,
        list.iter().map(|p| (p.id(), p.name.clone())).collect(),
    ))
}

/// The identity behind a session cookie, or `None` when the session is missing, ended, expired (idle
/// or absolute) or its person disabled. Expired sessions are ended in the database.
pub async fn identify_session(svc: &Services, token: &str) -> ServiceResult<Option<Identity>> {
    let now = svc.now();
    let key = hash_token(token);
    if let Some(mut id) = svc.identities.get(&key, now) {
        if now >= id.expires_at || now >= id.absolute_expires_at {
            svc.identities.clear();
        } else {
            if now - id.last_seen_at >= TOUCH_EVERY
                && let Some(sid) = id.session_id
            {
                let mut pc = svc.db.acquire().await?;
                sessions::touch(&mut pc.conn(), sid, now).await?;
                id.last_seen_at = now;
                id.expires_at =
                    (now + Duration::minutes(id.idle_minutes)).min(id.absolute_expires_at);
                svc.identities.put(key, id.clone(), now);
            }
            return Ok(Some(id));
        }
    }
    let mut pc = svc.db.acquire().await?;
    let Some(rec) = sessions::find_by_token_hash(&mut pc.conn(), &key).await? else {
        return Ok(None);
    };
    if !rec.is_live(now) {
        if rec.ended_at.is_none() {
            sessions::end(
                &mut pc.conn(),
                SessionId(rec.session_id),
                None,
                "expired",
                now,
            )
            .await?;
        }
        return Ok(None);
    }
    let mut last_seen = rec.last_seen_at;
    if now - rec.last_seen_at >= TOUCH_EVERY {
        sessions::touch(&mut pc.conn(), SessionId(rec.session_id), now).await?;
        last_seen = now;
    }
    let (partnership, roles, list) = build_identity(
        &mut pc.conn(),
        PersonId(rec.person_id),
        rec.partnership_id.map(PartnershipId),
    )
    .await?;
    let must_enrol_totp =
        partnership.as_ref().is_some_and(|p| p.require_totp) && !rec.person_has_totp;
    let identity = Identity {
        session_id: Some(SessionId(rec.session_id)),
        person_id: PersonId(rec.person_id),
        organisation_id: OrganisationId(rec.organisation_id),
        name: rec.person_name,
        email: rec.person_email,
        partnership,
        roles,
        partnerships: list,
        stage_totp: rec.stage == "totp",
        must_enrol_totp,
        has_totp: rec.person_has_totp,
        csrf_token: rec.csrf_token,
        last_seen_at: last_seen,
        expires_at: (last_seen + Duration::minutes(rec.idle_minutes)).min(rec.absolute_expires_at),
        absolute_expires_at: rec.absolute_expires_at,
        idle_minutes: rec.idle_minutes,
    };
    svc.identities.put(key, identity.clone(), now);
    Ok(Some(identity))
}

/// The identity behind an API token (`Authorization: Bearer …`), acting in the token's partnership.
pub async fn identify_token(svc: &Services, token: &str) -> ServiceResult<Option<Identity>> {
    let now = svc.now();
    let key = format!("api:{}", hash_token(token));
    if let Some(id) = svc.identities.get(&key, now)
        && now < id.absolute_expires_at
    {
        return Ok(Some(id));
    }
    let mut pc = svc.db.acquire().await?;
    let Some(t) = tokens::find_live_by_hash(&mut pc.conn(), &hash_token(token), now).await? else {
        return Ok(None);
    };
    let Some(person) = people::find(&mut pc.conn(), PersonId(t.person_id)).await? else {
        return Ok(None);
    };
    if person.disabled_at.is_some() {
        return Ok(None);
    }
    if t.last_used_at.is_none_or(|u| now - u >= TOUCH_EVERY) {
        tokens::touch(
            &mut pc.conn(),
            safeguard_domain::ApiTokenId(t.api_token_id),
            now,
        )
        .await?;
    }
    let (partnership, roles, list) = build_identity(
        &mut pc.conn(),
        person.id(),
        Some(PartnershipId(t.partnership_id)),
    )
    .await?;
    let identity = Identity {
        session_id: None,
        person_id: person.id(),
        organisation_id: OrganisationId(person.organisation_id),
        name: person.name.clone(),
        email: person.email.clone(),
        partnership,
        roles,
        partnerships: list,
        stage_totp: false,
        must_enrol_totp: false,
        has_totp: person.has_totp(),
        csrf_token: String::new(),
        last_seen_at: now,
        expires_at: t.expires_at,
        absolute_expires_at: t.expires_at,
        idle_minutes: 0,
    };
    svc.identities.put(key, identity.clone(), now);
    Ok(Some(identity))
}

/// Switches the session to another partnership the person holds a role in. `NotFound` otherwise.
pub async fn switch_partnership(
    svc: &Services,
    identity: &Identity,
    to: PartnershipId,
    meta: &RequestMeta,
) -> ServiceResult<()> {
    let now = svc.now();
    let Some(sid) = identity.session_id else {
        return Err(ServiceError::NotFound);
    };
    let mut tx = svc.db.begin().await?;
    let roles = roles::roles_of(&mut tx.conn(), to, identity.person_id).await?;
    if roles.is_empty() {
        return Err(ServiceError::NotFound);
    }
    sessions::set_partnership(&mut tx.conn(), sid, to).await?;
    let entry = NewEntry {
        partnership_id: Some(to.0),
        actor_person_id: Some(identity.person_id.0),
        actor_organisation_id: Some(identity.organisation_id.0),
        request_id: meta.request_id.clone(),
        ip: meta.ip.clone(),
        ..NewEntry::new(
            "session.switch_partnership",
            "partnership",
            Some(to.to_string()),
        )
    };
    audit_log::append(&mut tx.conn(), &entry, now).await?;
    tx.commit().await?;
    svc.identities.clear();
    Ok(())
}

/// The caller's open sessions.
pub async fn my_sessions(svc: &Services, identity: &Identity) -> ServiceResult<Vec<SessionRecord>> {
    let mut pc = svc.db.acquire().await?;
    Ok(sessions::list_open_for_person(&mut pc.conn(), identity.person_id, svc.now()).await?)
}

/// Ends one of the caller's own sessions. `NotFound` if it is not theirs.
pub async fn end_my_session(
    svc: &Services,
    identity: &Identity,
    session: SessionId,
    meta: &RequestMeta,
) -> ServiceResult<()> {
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    if !sessions::end(
        &mut tx.conn(),
        session,
        Some(identity.person_id),
        "ended_by_owner",
        now,
    )
    .await?
    {
        return Err(ServiceError::NotFound);
    }
    let mut entry = platform_entry("session.end", Some(identity.person_id), meta);
    entry.partnership_id = identity.partnership.as_ref().map(|p| p.partnership_id);
    entry.actor_organisation_id = Some(identity.organisation_id.0);
    entry.target_type = "session".into();
    entry.target_id = Some(session.to_string());
    audit_log::append(&mut tx.conn(), &entry, now).await?;
    tx.commit().await?;
    svc.identities.clear();
    Ok(())
}
