//! People (accounts). A person belongs to one organisation; what they may see in a partnership comes
//! from their role grants there. Listing and finding people for pages is always scoped to a
//! partnership: a person is visible in a partnership only while they hold a role in it.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, Utc};
use safeguard_domain::{OrganisationId, PartnershipId, PersonId};
use uuid::Uuid;

/// A person's account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Person {
    /// Id.
    pub person_id: Uuid,
    /// Their organisation.
    pub organisation_id: Uuid,
    /// Email, lower-cased.
    pub email: String,
    /// Full name.
    pub name: String,
    /// argon2id PHC string.
    pub password_hash: Option<String>,
    /// Base32 TOTP secret (set at enrolment; active once `totp_enabled_at` is set).
    pub totp_secret: Option<String>,
    /// When TOTP was turned on.
    pub totp_enabled_at: Option<DateTime<Utc>>,
    /// Last accepted TOTP step.
    pub totp_last_step: Option<i64>,
    /// When the account was disabled.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Last successful sign-in.
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl Person {
    /// Typed id.
    pub fn id(&self) -> PersonId {
        PersonId(self.person_id)
    }
    /// True when TOTP is active.
    pub fn has_totp(&self) -> bool {
        self.totp_enabled_at.is_some() && self.totp_secret.is_some()
    }
}

impl std::fmt::Display for Person {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print credentials: only the id.
        write!(f, "person {}", self.person_id)
    }
}

const COLUMNS: &str = "p.person_id, p.organisation_id, p.email, p.name, p.password_hash, p.totp_secret, p.totp_enabled_at, \
                       p.totp_last_step, p.disabled_at, p.last_sign_in_at, p.created_at, p.updated_at";

/// Inserts a person.
pub async fn insert(
    c: &mut Conn<'_>,
    id: PersonId,
    organisation: OrganisationId,
    email: &str,
    name: &str,
    password_hash: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into person (person_id, organisation_id, email, name, password_hash, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $6)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(organisation.0)
        .bind(email)
        .bind(name)
        .bind(password_hash)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Finds a person by email (platform-level: sign-in and the CLI).
pub async fn find_by_email(c: &mut Conn<'_>, email: &str) -> Result<Option<Person>> {
    let sql = format!("select {COLUMNS} from person p where p.email = $1");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Person>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(email)
    .fetch_optional(e)
    .await)?)
}

/// Finds a person by id (platform-level: the person's own session and account pages).
pub async fn find(c: &mut Conn<'_>, id: PersonId) -> Result<Option<Person>> {
    let sql = format!("select {COLUMNS} from person p where p.person_id = $1");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Person>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(id.0)
    .fetch_optional(e)
    .await)?)
}

/// Finds a person only if they hold a role in the partnership.
pub async fn find_in_partnership(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: PersonId,
) -> Result<Option<Person>> {
    let sql = format!(
        "select {COLUMNS} from person p where p.person_id = $2 and exists \
         (select 1 from role_grant g where g.partnership_id = $1 and g.person_id = p.person_id)"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Person>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id.0)
    .fetch_optional(e)
    .await)?)
}

/// A row of the people list.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PersonSummary {
    /// Id.
    pub person_id: Uuid,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Organisation id.
    pub organisation_id: Uuid,
    /// Organisation name.
    pub organisation_name: String,
    /// Comma-separated role slugs in this partnership.
    pub roles: String,
    /// When disabled.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Last sign-in.
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

/// Filters for the people list.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    /// Text to find in the name or email (case-insensitive).
    pub text: Option<String>,
    /// Only people holding this role (slug).
    pub role: Option<String>,
    /// Only people of this organisation.
    pub organisation: Option<Uuid>,
    /// Include disabled accounts.
    pub include_disabled: bool,
}

fn like_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

const FILTER: &str = r#"
    from person p join organisation o on o.organisation_id = p.organisation_id
    where p.person_id in (select g.person_id from role_grant g where g.partnership_id = $1)
      and ($2 = '' or lower(p.name) like $2 escape '\' or p.email like $2 escape '\')
      and ($3 = '' or p.person_id in (select g2.person_id from role_grant g2 where g2.partnership_id = $1 and g2.role = $3))
      and ($4 = 0 or p.organisation_id = $5)
      and ($6 = 1 or p.disabled_at is null)
"#;

/// People holding a role in the partnership, by name, one page at a time, with the total count.
pub async fn list_in_partnership(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    filter: &PeopleFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<PersonSummary>, i64)> {
    let text = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(like_pattern)
        .unwrap_or_default();
    let role = filter.role.clone().unwrap_or_default();
    let has_org: i64 = i64::from(filter.organisation.is_some());
    let org = filter.organisation.unwrap_or(Uuid::nil());
    let disabled: i64 = i64::from(filter.include_disabled);
    // Roles are gathered by a second query rather than string aggregation, whose syntax differs
    // between the two databases.
    let sql = format!(
        "select p.person_id, p.name, p.email, p.organisation_id, o.name as organisation_name, '' as roles, \
         p.disabled_at, p.last_sign_in_at {FILTER} order by lower(p.name), p.person_id limit $7 offset $8"
    );
    let mut rows: Vec<PersonSummary> = on_conn!(c, |e| sqlx::query_as::<_, PersonSummary>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(&text)
    .bind(&role)
    .bind(has_org)
    .bind(org)
    .bind(disabled)
    .bind(limit)
    .bind(offset)
    .fetch_all(e)
    .await)?;
    let count_sql = format!("select count(*) {FILTER}");
    let total: i64 = on_conn!(c, |e| sqlx::query_scalar(sqlx::AssertSqlSafe(
        count_sql.as_str()
    ))
    .bind(partnership.0)
    .bind(&text)
    .bind(&role)
    .bind(has_org)
    .bind(org)
    .bind(disabled)
    .fetch_one(e)
    .await)?;
    if !rows.is_empty() {
        let ids: Vec<Uuid> = rows.iter().map(|r| r.person_id).collect();
        let grants = grants_for(c, partnership, &ids).await?;
        for r in &mut rows {
            let mut mine: Vec<&str> = grants
                .iter()
                .filter(|(p, _)| *p == r.person_id)
                .map(|(_, role)| role.as_str())
                .collect();
            mine.sort_unstable();
            r.roles = mine.join(",");
        }
    }
    Ok((rows, total))
}

async fn grants_for(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, String)>> {
    // One query for the whole page (no N+1): the ids go in as numbered parameters.
    let placeholders: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "select person_id, role from role_grant where partnership_id = $1 and person_id in ({})",
        placeholders.join(",")
    );
    Ok(on_conn!(c, |e| {
        let mut q = sqlx::query_as::<_, (Uuid, String)>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(partnership.0);
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(e).await
    })?)
}

/// Sets a new password hash.
pub async fn set_password_hash(
    c: &mut Conn<'_>,
    id: PersonId,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update person set password_hash = $2, updated_at = $3 where person_id = $1";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(hash)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Stores a TOTP secret; `enabled_at` set turns it on, `None` with a secret means enrolment pending.
pub async fn set_totp(
    c: &mut Conn<'_>,
    id: PersonId,
    secret: Option<&str>,
    enabled_at: Option<DateTime<Utc>>,
    last_step: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update person set totp_secret = $2, totp_enabled_at = $3, totp_last_step = $4, updated_at = $5 where person_id = $1";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(secret)
        .bind(enabled_at)
        .bind(last_step)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Records the last accepted TOTP step, only if it is later than the one stored (so two concurrent
/// uses of one code cannot both succeed). Returns false if the step was already used.
pub async fn advance_totp_step(c: &mut Conn<'_>, id: PersonId, step: i64) -> Result<bool> {
    let sql = "update person set totp_last_step = $2 where person_id = $1 and (totp_last_step is null or totp_last_step < $2)";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(step)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Disables (`Some(now)`) or re-enables (`None`) an account.
pub async fn set_disabled(
    c: &mut Conn<'_>,
    id: PersonId,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update person set disabled_at = $2, updated_at = $3 where person_id = $1";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(at)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Records a successful sign-in.
pub async fn record_sign_in(c: &mut Conn<'_>, id: PersonId, now: DateTime<Utc>) -> Result<()> {
    let sql = "update person set last_sign_in_at = $2 where person_id = $1";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
