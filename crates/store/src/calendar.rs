//! Changes to the working-day calendar (`bank_holiday_change`): additions and removals of bank
//! holidays made by administrators or imported from gov.uk. Platform-level: bank holidays are the
//! same for every partnership, so nothing here takes a partnership.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::PersonId;
use uuid::Uuid;

/// A stored change.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct BankHolidayChange {
    /// Id.
    pub bank_holiday_change_id: Uuid,
    /// The day.
    pub date: NaiveDate,
    /// `add` or `remove`.
    pub action: String,
    /// The holiday's name (for a removal, a note).
    pub name: String,
    /// `administrator` or `import`.
    pub source: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Who (none for imports from the command line).
    pub created_by: Option<Uuid>,
}

/// A change to insert.
#[derive(Debug, Clone)]
pub struct NewChange<'a> {
    /// The day.
    pub date: NaiveDate,
    /// `add` or `remove`.
    pub action: &'a str,
    /// Name.
    pub name: &'a str,
    /// `administrator` or `import`.
    pub source: &'a str,
    /// Who.
    pub created_by: Option<PersonId>,
}

const COLUMNS: &str = "bank_holiday_change_id, date, action, name, source, created_at, created_by";

/// Inserts a change. A second change with the same date and action is refused with
/// [`crate::StoreError::Conflict`].
pub async fn insert(
    c: &mut Conn<'_>,
    change: &NewChange<'_>,
    now: DateTime<Utc>,
) -> Result<BankHolidayChange> {
    let id = Uuid::new_v4();
    // language=SQL
    let sql = "insert into bank_holiday_change (bank_holiday_change_id, date, action, name, source, created_at, created_by) \
               values ($1, $2, $3, $4, $5, $6, $7)";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(change.date)
        .bind(change.action)
        .bind(change.name)
        .bind(change.source)
        .bind(now)
        .bind(change.created_by.map(|p| p.0))
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(BankHolidayChange {
        bank_holiday_change_id: id,
        date: change.date,
        action: change.action.to_owned(),
        name: change.name.to_owned(),
        source: change.source.to_owned(),
        created_at: now,
        created_by: change.created_by.map(|p| p.0),
    })
}

/// Every change, in date order (additions before removals on the same day).
pub async fn list(c: &mut Conn<'_>) -> Result<Vec<BankHolidayChange>> {
    let sql = format!("select {COLUMNS} from bank_holiday_change order by date, action");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, BankHolidayChange>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .fetch_all(e)
    .await)?)
}

/// One change by id.
pub async fn find(c: &mut Conn<'_>, id: Uuid) -> Result<Option<BankHolidayChange>> {
    let sql =
        format!("select {COLUMNS} from bank_holiday_change where bank_holiday_change_id = $1");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, BankHolidayChange>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(id)
    .fetch_optional(e)
    .await)?)
}

/// Deletes a change; true when there was one.
pub async fn delete(c: &mut Conn<'_>, id: Uuid) -> Result<bool> {
    // language=SQL
    let sql = "delete from bank_holiday_change where bank_holiday_change_id = $1";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}
