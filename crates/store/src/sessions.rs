//! Server-side sessions. The cookie carries a 256-bit token; only its SHA-256 is stored here.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, Utc};
use safeguard_domain::{PartnershipId, PersonId, SessionId};
use uuid::Uuid;

/// A session joined with what the request path needs about its person.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRecord {
    /// Id.
    pub session_id: Uuid,
    /// Owner.
    pub person_id: Uuid,
    /// Partnership being worked in.
    pub partnership_id: Option<Uuid>,
    /// 'totp' or 'full'.
    pub stage: String,
    /// Synchronizer token for forms.
    pub csrf_token: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last request (updated at most once a minute).
    pub last_seen_at: DateTime<Utc>,
    /// Idle timeout.
    pub idle_minutes: i64,
    /// Hard end.
    pub absolute_expires_at: DateTime<Utc>,
    /// Client address at sign-in.
    pub ip: Option<String>,
    /// Browser at sign-in.
    pub user_agent: Option<String>,
    /// When ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// The person's organisation.
    pub organisation_id: Uuid,
    /// The person's name.
    pub person_name: String,
    /// The person's email.
    pub person_email: String,
    /// When the person was disabled.
    pub person_disabled_at: Option<DateTime<Utc>>,
    /// Whether the person has TOTP.
    pub person_has_totp: bool,
}

impl SessionRecord {
    /// When the session stops being valid at the current last-seen time.
    pub fn expires_at(&self) -> DateTime<Utc> {
        (self.last_seen_at + chrono::Duration::minutes(self.idle_minutes))
            .min(self.absolute_expires_at)
    }
    /// Valid at `now`?
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.ended_at.is_none() && self.person_disabled_at.is_none() && now < self.expires_at()
    }
}

const SELECT: &str = r#"select s.session_id, s.person_id, s.partnership_id, s.stage, s.csrf_token, s.created_at, s.last_seen_at,
    s.idle_minutes, s.absolute_expires_at, s.ip, s.user_agent, s.ended_at, p.organisation_id, p.name as person_name,
    p.email as person_email, p.disabled_at as person_disabled_at,
    case when p.totp_enabled_at is null then false else true end as person_has_totp
    from session s join person p on p.person_id = s.person_id"#;

/// What a new session needs.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    /// Id.
    pub id: SessionId,
    /// SHA-256 of the cookie token.
    pub token_hash: &'a str,
    /// Owner.
    pub person: PersonId,
    /// Starting partnership.
    pub partnership: Option<PartnershipId>,
    /// 'totp' or 'full'.
    pub stage: &'a str,
    /// CSRF token.
    pub csrf_token: &'a str,
    /// Idle timeout.
    pub idle_minutes: i64,
    /// Absolute expiry.
    pub absolute_expires_at: DateTime<Utc>,
    /// Client address.
    pub ip: Option<&'a str>,
    /// Browser.
    pub user_agent: Option<&'a str>,
}

/// Inserts a session.
pub async fn insert(c: &mut Conn<'_>, s: &NewSession<'_>, now: DateTime<Utc>) -> Result<()> {
    // language=SQL
    let sql = r#"insert into session (session_id, token_hash, person_id, partnership_id, stage, csrf_token, created_at,
                 last_seen_at, idle_minutes, absolute_expires_at, ip, user_agent)
                 values ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(s.id.0)
        .bind(s.token_hash)
        .bind(s.person.0)
        .bind(s.partnership.map(|p| p.0))
        .bind(s.stage)
        .bind(s.csrf_token)
        .bind(now)
        .bind(s.idle_minutes)
        .bind(s.absolute_expires_at)
        .bind(s.ip)
        .bind(s.user_agent)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Finds a session by its token hash (ended or not: callers check [`SessionRecord::is_live`]).
pub async fn find_by_token_hash(
    c: &mut Conn<'_>,
    token_hash: &str,
) -> Result<Option<SessionRecord>> {
    let sql = format!("{SELECT} where s.token_hash = $1");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, SessionRecord>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(token_hash)
    .fetch_optional(e)
    .await)?)
}

/// Records activity.
pub async fn touch(c: &mut Conn<'_>, id: SessionId, now: DateTime<Utc>) -> Result<()> {
    let sql = "update session set last_seen_at = $2 where session_id = $1 and ended_at is null";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Switches the partnership being worked in.
pub async fn set_partnership(
    c: &mut Conn<'_>,
    id: SessionId,
    partnership: PartnershipId,
) -> Result<()> {
    let sql = "update session set partnership_id = $2 where session_id = $1 and ended_at is null";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(partnership.0)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends a session (only the owner's, when `person` is given). Returns false if nothing was ended.
pub async fn end(
    c: &mut Conn<'_>,
    id: SessionId,
    person: Option<PersonId>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update session set ended_at = $2, end_reason = $3 where session_id = $1 and ended_at is null \
               and ($4 = 0 or person_id = $5)";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(now)
        .bind(reason)
        .bind(i64::from(person.is_some()))
        .bind(person.map_or(Uuid::nil(), |p| p.0))
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Ends every open session of a person (when disabled or after a password reset).
pub async fn end_all_for_person(
    c: &mut Conn<'_>,
    person: PersonId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let sql = "update session set ended_at = $2, end_reason = $3 where person_id = $1 and ended_at is null";
    Ok(on_conn!(c, |e| sqlx::query(sql)
        .bind(person.0)
        .bind(now)
        .bind(reason)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?)
}

/// A person's open sessions, newest first.
pub async fn list_open_for_person(
    c: &mut Conn<'_>,
    person: PersonId,
    now: DateTime<Utc>,
) -> Result<Vec<SessionRecord>> {
    let sql = format!(
        "{SELECT} where s.person_id = $1 and s.ended_at is null and s.absolute_expires_at > $2 order by s.created_at desc limit 100"
    );
    let rows: Vec<SessionRecord> = on_conn!(c, |e| sqlx::query_as::<_, SessionRecord>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(person.0)
    .bind(now)
    .fetch_all(e)
    .await)?;
    Ok(rows.into_iter().filter(|s| s.is_live(now)).collect())
}

/// Deletes sessions that ended or expired more than a day before `now`. Returns how many.
pub async fn sweep(c: &mut Conn<'_>, now: DateTime<Utc>) -> Result<u64> {
    let cutoff = now - chrono::Duration::days(1);
    let sql = "delete from session where (ended_at is not null and ended_at < $1) or absolute_expires_at < $1";
    Ok(on_conn!(c, |e| sqlx::query(sql)
        .bind(cutoff)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?)
}

/// The partnership the person was working in at their most recent session (to start the next one there).
pub async fn last_partnership_for_person(
    c: &mut Conn<'_>,
    person: PersonId,
) -> Result<Option<Uuid>> {
    let sql = "select partnership_id from session where person_id = $1 and partnership_id is not null \
               order by last_seen_at desc limit 1";
    let row: Option<Option<Uuid>> = on_conn!(c, |e| sqlx::query_scalar(sql)
        .bind(person.0)
        .fetch_optional(e)
        .await)?;
    Ok(row.flatten())
}
