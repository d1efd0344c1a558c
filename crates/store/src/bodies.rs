//! The board, sub-groups and task-and-finish groups of a partnership.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, Utc};
use safeguard_domain::PartnershipId;
use uuid::Uuid;

/// A body.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Body {
    /// Id.
    pub body_id: Uuid,
    /// Partnership.
    pub partnership_id: Uuid,
    /// Name.
    pub name: String,
    /// board, sub_group, task_and_finish.
    pub kind: String,
    /// Such as "Monthly".
    pub meeting_frequency: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// Inserts a body unless one with the name exists in the partnership.
pub async fn upsert_by_name(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    name: &str,
    kind: &str,
    frequency: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into body (body_id, partnership_id, name, kind, meeting_frequency, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $6) on conflict (partnership_id, name) do nothing"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(Uuid::new_v4())
        .bind(partnership.0)
        .bind(name)
        .bind(kind)
        .bind(frequency)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A partnership's bodies: the board first, then sub-groups, then task-and-finish groups.
pub async fn list_for_partnership(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
) -> Result<Vec<Body>> {
    let sql = "select body_id, partnership_id, name, kind, meeting_frequency, created_at, updated_at from body \
               where partnership_id = $1 order by case kind when 'board' then 0 when 'sub_group' then 1 else 2 end, name";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Body>(sql)
        .bind(partnership.0)
        .fetch_all(e)
        .await)?)
}
