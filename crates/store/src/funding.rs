//! Funding: financial years with their budget, contributions per organisation and spend lines (whole
//! pence). Every function takes the partnership and filters by it.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::{FundingYearId, OrganisationId, PartnershipId, PersonId};
use uuid::Uuid;

/// A financial year.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct FundingYear {
    /// Id.
    pub funding_year_id: Uuid,
    /// Partnership.
    pub partnership_id: Uuid,
    /// The calendar year it starts in (2022 for 2022/23).
    pub start_year: i32,
    /// Budget, pence.
    pub budget_pence: i64,
    /// Notes.
    pub notes: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic concurrency version of the budget and notes (bumped when they change).
    pub version: i64,
}

impl FundingYear {
    /// Typed id.
    pub fn id(&self) -> FundingYearId {
        FundingYearId(self.funding_year_id)
    }
}

const YEAR: &str = "select y.funding_year_id, y.partnership_id, y.start_year, y.budget_pence, y.notes, y.created_at, \
                    y.updated_at, y.version from funding_year y";

/// Inserts a year; false when the partnership already has that year.
#[allow(clippy::too_many_arguments)]
pub async fn insert_year(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: FundingYearId,
    start_year: i32,
    budget_pence: i64,
    notes: &str,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<bool> {
    // language=SQL
    let sql = r#"insert into funding_year (funding_year_id, partnership_id, start_year, budget_pence, notes, created_by,
                 created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $7)
                 on conflict (partnership_id, start_year) do nothing"#;
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(partnership.0)
        .bind(start_year)
        .bind(budget_pence)
        .bind(notes)
        .bind(by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A year of the partnership.
pub async fn find_year(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: FundingYearId,
) -> Result<Option<FundingYear>> {
    let sql = format!("{YEAR} where y.partnership_id = $1 and y.funding_year_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, FundingYear>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id.0)
    .fetch_optional(e)
    .await)?)
}

/// A year of the partnership by its start year.
pub async fn find_year_by_start(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    start_year: i32,
) -> Result<Option<FundingYear>> {
    let sql = format!("{YEAR} where y.partnership_id = $1 and y.start_year = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, FundingYear>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(start_year)
    .fetch_optional(e)
    .await)?)
}

/// The partnership's years, newest first.
pub async fn list_years(c: &mut Conn<'_>, partnership: PartnershipId) -> Result<Vec<FundingYear>> {
    let sql = format!("{YEAR} where y.partnership_id = $1 order by y.start_year desc");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, FundingYear>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .fetch_all(e)
    .await)?)
}

/// Takes the year's row lock for the rest of the transaction; false when not in the partnership.
pub async fn lock_year(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: FundingYearId,
) -> Result<bool> {
    let sql = "update funding_year set updated_at = updated_at where partnership_id = $1 and funding_year_id = $2";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id.0)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Marks the year changed.
pub async fn touch_year(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: FundingYearId,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = "update funding_year set updated_at = $3 where partnership_id = $1 and funding_year_id = $2";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// An organisation's contribution.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ContributionRow {
    /// The organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// Its kind slug.
    pub organisation_kind: String,
    /// Pence.
    pub amount_pence: i64,
}

/// Sets an organisation's contribution (0 removes it).
pub async fn set_contribution(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    year: FundingYearId,
    org: OrganisationId,
    amount_pence: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    if amount_pence == 0 {
        let sql = "delete from funding_contribution where partnership_id = $1 and funding_year_id = $2 \
                   and organisation_id = $3";
        on_conn!(c, |e| sqlx::query(sql)
            .bind(partnership.0)
            .bind(year.0)
            .bind(org.0)
            .execute(e)
            .await
            .map(|r| r.rows_affected()))?;
        return Ok(());
    }
    // language=SQL
    let sql = r#"insert into funding_contribution (funding_year_id, partnership_id, organisation_id, amount_pence, updated_at)
                 values ($1, $2, $3, $4, $5)
                 on conflict (funding_year_id, organisation_id) do update set amount_pence = excluded.amount_pence,
                 updated_at = excluded.updated_at"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(year.0)
        .bind(partnership.0)
        .bind(org.0)
        .bind(amount_pence)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes every contribution of the year (before equal shares replace them).
pub async fn clear_contributions(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    year: FundingYearId,
) -> Result<()> {
    let sql = "delete from funding_contribution where partnership_id = $1 and funding_year_id = $2";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(year.0)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The year's contributions, statutory partners first, then by name.
pub async fn contributions(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    year: FundingYearId,
) -> Result<Vec<ContributionRow>> {
    let sql = "select k.organisation_id, o.name as organisation_name, o.kind as organisation_kind, k.amount_pence \
               from funding_contribution k join organisation o on o.organisation_id = k.organisation_id \
               where k.partnership_id = $1 and k.funding_year_id = $2 \
               order by case o.kind when 'local_authority' then 0 when 'police' then 1 \
               when 'integrated_care_board' then 2 else 3 end, o.name";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, ContributionRow>(sql)
        .bind(partnership.0)
        .bind(year.0)
        .fetch_all(e)
        .await)?)
}

/// A spend line.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SpendRow {
    /// Id.
    pub funding_spend_id: Uuid,
    /// Date.
    pub spent_on: NaiveDate,
    /// Category slug.
    pub category: String,
    /// What it was for.
    pub description: String,
    /// Pence.
    pub amount_pence: i64,
    /// Supplier.
    pub supplier: String,
    /// Who added it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The year it belongs to.
    pub funding_year_id: Uuid,
    /// Optimistic concurrency version (1 when added, bumped by every change).
    pub version: i64,
    /// Who last corrected it.
    pub updated_by: Option<Uuid>,
    /// When.
    pub updated_at: Option<DateTime<Utc>>,
    /// Who removed it (a removed line stays, out of the totals).
    pub removed_by: Option<Uuid>,
    /// Their name.
    pub removed_by_name: Option<String>,
    /// When.
    pub removed_at: Option<DateTime<Utc>>,
    /// Why.
    pub removed_reason: Option<String>,
}

/// What to insert.
#[derive(Debug, Clone)]
pub struct NewSpendRow<'a> {
    /// Id.
    pub id: Uuid,
    /// Partnership.
    pub partnership: PartnershipId,
    /// Year.
    pub year: FundingYearId,
    /// Date.
    pub spent_on: NaiveDate,
    /// Category slug.
    pub category: &'a str,
    /// What it was for.
    pub description: &'a str,
    /// Pence.
    pub amount_pence: i64,
    /// Supplier.
    pub supplier: &'a str,
    /// Who.
    pub created_by: PersonId,
}

/// Adds a spend line.
pub async fn insert_spend(c: &mut Conn<'_>, s: &NewSpendRow<'_>, now: DateTime<Utc>) -> Result<()> {
    // language=SQL
    let sql = r#"insert into funding_spend (funding_spend_id, funding_year_id, partnership_id, spent_on, category,
                 description, amount_pence, supplier, created_by, created_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(s.id)
        .bind(s.year.0)
        .bind(s.partnership.0)
        .bind(s.spent_on)
        .bind(s.category)
        .bind(s.description)
        .bind(s.amount_pence)
        .bind(s.supplier)
        .bind(s.created_by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The year's spend lines by date.
pub async fn spend(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    year: FundingYearId,
) -> Result<Vec<SpendRow>> {
    let sql = format!(
        "{SPEND} where s.partnership_id = $1 and s.funding_year_id = $2 and s.removed_at is null \
         order by s.spent_on, s.created_at, s.funding_spend_id"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, SpendRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(year.0)
    .fetch_all(e)
    .await)?)
}

const SPEND: &str = "select s.funding_spend_id, s.spent_on, s.category, s.description, s.amount_pence, s.supplier, \
                     s.created_by, s.created_at, s.funding_year_id, s.version, s.updated_by, s.updated_at, \
                     s.removed_by, r.name as removed_by_name, s.removed_at, s.removed_reason \
                     from funding_spend s left join person r on r.person_id = s.removed_by";

/// The year's removed spend lines, most recently removed first (kept, out of the totals).
pub async fn removed_spend(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    year: FundingYearId,
) -> Result<Vec<SpendRow>> {
    let sql = format!(
        "{SPEND} where s.partnership_id = $1 and s.funding_year_id = $2 and s.removed_at is not null \
         order by s.removed_at desc, s.funding_spend_id"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, SpendRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(year.0)
    .fetch_all(e)
    .await)?)
}

/// One spend line of the partnership (removed or not).
pub async fn find_spend(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
) -> Result<Option<SpendRow>> {
    let sql = format!("{SPEND} where s.partnership_id = $1 and s.funding_spend_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, SpendRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id)
    .fetch_optional(e)
    .await)?)
}

/// New values for a spend line.
#[derive(Debug, Clone)]
pub struct SpendFields<'a> {
    /// Date.
    pub spent_on: NaiveDate,
    /// Category slug.
    pub category: &'a str,
    /// What it was for.
    pub description: &'a str,
    /// Pence.
    pub amount_pence: i64,
    /// Supplier.
    pub supplier: &'a str,
}

/// Corrects a spend line if it is not removed and its version is still `expected`; false when stale,
/// removed or missing. The version goes up by one.
pub async fn update_spend(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    f: &SpendFields<'_>,
    expected: i64,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update funding_spend set spent_on = $3, category = $4, description = $5, amount_pence = $6, \
               supplier = $7, updated_by = $8, updated_at = $9, version = version + 1 \
               where partnership_id = $1 and funding_spend_id = $2 and version = $10 and removed_at is null";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(f.spent_on)
        .bind(f.category)
        .bind(f.description)
        .bind(f.amount_pence)
        .bind(f.supplier)
        .bind(by.0)
        .bind(now)
        .bind(expected)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Marks a spend line removed (the row stays) if it is not removed yet and its version is still
/// `expected`; false otherwise. The version goes up by one.
#[allow(clippy::too_many_arguments)]
pub async fn remove_spend(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    expected: i64,
    reason: &str,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update funding_spend set removed_by = $3, removed_at = $4, removed_reason = $5, version = version + 1 \
               where partnership_id = $1 and funding_spend_id = $2 and version = $6 and removed_at is null";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(by.0)
        .bind(now)
        .bind(reason)
        .bind(expected)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Changes a year's budget and notes if its version is still `expected`; false when stale (or
/// missing). The version goes up by one.
#[allow(clippy::too_many_arguments)]
pub async fn update_year(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: FundingYearId,
    budget_pence: i64,
    notes: &str,
    expected: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update funding_year set budget_pence = $3, notes = $4, updated_at = $5, version = version + 1 \
               where partnership_id = $1 and funding_year_id = $2 and version = $6";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id.0)
        .bind(budget_pence)
        .bind(notes)
        .bind(now)
        .bind(expected)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
