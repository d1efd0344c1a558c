//! Partnerships: the tenants.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, Utc};
use safeguard_domain::{PartnershipId, PersonId};
use uuid::Uuid;

/// A partnership.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Partnership {
    /// Id.
    pub partnership_id: Uuid,
    /// Short stable name used in URLs and the CLI.
    pub slug: String,
    /// Full name shown in the header.
    pub name: String,
    /// Every member must complete a TOTP code.
    pub require_totp: bool,
    /// Idle session timeout.
    pub session_idle_minutes: i64,
    /// Absolute session lifetime.
    pub session_absolute_minutes: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl Partnership {
    /// Typed id.
    pub fn id(&self) -> PartnershipId {
        PartnershipId(self.partnership_id)
    }
}

const COLUMNS: &str = "partnership_id, slug, name, require_totp, session_idle_minutes, session_absolute_minutes, created_at, updated_at";

/// Inserts a partnership, or does nothing when the slug exists. Returns the partnership with that slug.
pub async fn upsert_by_slug(
    c: &mut Conn<'_>,
    slug: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Partnership> {
    // language=SQL
    let sql = r#"insert into partnership (partnership_id, slug, name, created_at, updated_at)
                 values ($1, $2, $3, $4, $4) on conflict (slug) do nothing"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(Uuid::new_v4())
        .bind(slug)
        .bind(name)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    let sql = format!("select {COLUMNS} from partnership where slug = $1");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Partnership>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(slug)
    .fetch_one(e)
    .await)?)
}

/// Finds a partnership by id.
pub async fn find(c: &mut Conn<'_>, id: PartnershipId) -> Result<Option<Partnership>> {
    let sql = format!("select {COLUMNS} from partnership where partnership_id = $1");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Partnership>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(id.0)
    .fetch_optional(e)
    .await)?)
}

/// Finds a partnership by slug.
pub async fn find_by_slug(c: &mut Conn<'_>, slug: &str) -> Result<Option<Partnership>> {
    let sql = format!("select {COLUMNS} from partnership where slug = $1");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Partnership>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(slug)
    .fetch_optional(e)
    .await)?)
}

/// The partnerships in which a person holds at least one role, by name.
pub async fn list_for_person(c: &mut Conn<'_>, person: PersonId) -> Result<Vec<Partnership>> {
    let sql = format!(
        "select {COLUMNS} from partnership where partnership_id in \
         (select partnership_id from role_grant where person_id = $1) order by name"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Partnership>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(person.0)
    .fetch_all(e)
    .await)?)
}

/// Every partnership, by name (for the CLI and the generator).
pub async fn list_all(c: &mut Conn<'_>) -> Result<Vec<Partnership>> {
    let sql = format!("select {COLUMNS} from partnership order by name");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Partnership>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .fetch_all(e)
    .await)?)
}

/// Changes a partnership's sign-in settings.
pub async fn update_settings(
    c: &mut Conn<'_>,
    id: PartnershipId,
    require_totp: bool,
    idle_minutes: i64,
    absolute_minutes: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    // language=SQL
    let sql = r#"update partnership set require_totp = $2, session_idle_minutes = $3, session_absolute_minutes = $4,
                 updated_at = $5 where partnership_id = $1"#;
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(require_totp)
        .bind(idle_minutes)
        .bind(absolute_minutes)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
