//! Organisations and their membership of partnerships.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, Utc};
use safeguard_domain::{OrganisationId, PartnershipId};
use uuid::Uuid;

/// An organisation.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Organisation {
    /// Id.
    pub organisation_id: Uuid,
    /// Name.
    pub name: String,
    /// Kind slug (see `OrganisationKind`).
    pub kind: String,
    /// Relevant-agency category slug.
    pub category: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "o.organisation_id, o.name, o.kind, o.category, o.created_at, o.updated_at";

/// Inserts an organisation, or does nothing if one with the name exists; returns the one with that name.
pub async fn upsert_by_name(
    c: &mut Conn<'_>,
    name: &str,
    kind: &str,
    category: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Organisation> {
    // language=SQL
    let sql = r#"insert into organisation (organisation_id, name, kind, category, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $5) on conflict (name) do nothing"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(Uuid::new_v4())
        .bind(name)
        .bind(kind)
        .bind(category)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    let sql = format!("select {COLUMNS} from organisation o where o.name = $1");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Organisation>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(name)
    .fetch_one(e)
    .await)?)
}

/// Adds an organisation to a partnership (no-op if it is already a member).
pub async fn add_to_partnership(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    organisation: OrganisationId,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into partnership_organisation (partnership_id, organisation_id, joined_at)
                 values ($1, $2, $3) on conflict (partnership_id, organisation_id) do nothing"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(organisation.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The organisations that belong to a partnership, statutory partners first, then by name.
pub async fn list_for_partnership(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
) -> Result<Vec<Organisation>> {
    let sql = format!(
        "select {COLUMNS} from organisation o join partnership_organisation po on po.organisation_id = o.organisation_id \
         where po.partnership_id = $1 order by case when o.kind = 'relevant_agency' then 1 else 0 end, o.name"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Organisation>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .fetch_all(e)
    .await)?)
}

/// One organisation, only if it belongs to the partnership.
pub async fn find_in_partnership(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: OrganisationId,
) -> Result<Option<Organisation>> {
    let sql = format!(
        "select {COLUMNS} from organisation o join partnership_organisation po on po.organisation_id = o.organisation_id \
         where po.partnership_id = $1 and o.organisation_id = $2"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Organisation>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id.0)
    .fetch_optional(e)
    .await)?)
}

/// An organisation by name (platform-level; for the CLI).
pub async fn find_by_name(c: &mut Conn<'_>, name: &str) -> Result<Option<Organisation>> {
    let sql = format!("select {COLUMNS} from organisation o where lower(o.name) = lower($1)");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Organisation>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(name)
    .fetch_optional(e)
    .await)?)
}
