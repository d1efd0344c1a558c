//! Sign-offs by the three lead safeguarding partners: the item, one row per request round (with its
//! document and note) and each partner's step per round. Every function takes the partnership and
//! filters by it.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, Utc};
use safeguard_domain::{FundingYearId, OrganisationId, PartnershipId, PersonId, SignOffId};
use uuid::Uuid;

/// An item, with the names a page shows.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SignOff {
    /// Id.
    pub sign_off_id: Uuid,
    /// Partnership.
    pub partnership_id: Uuid,
    /// published_arrangements, annual_budget, yearly_report or threshold_document.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// The linked funding year (annual budgets).
    pub funding_year_id: Option<Uuid>,
    /// awaiting, returned, complete or withdrawn.
    pub status: String,
    /// The current round.
    pub round: i64,
    /// Who first requested it.
    pub requested_by: Uuid,
    /// Their name.
    pub requested_by_name: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Version.
    pub version: i64,
    /// Partners that signed in the current round.
    pub signed_count: i64,
}

impl SignOff {
    /// Typed id.
    pub fn id(&self) -> SignOffId {
        SignOffId(self.sign_off_id)
    }
}

const SELECT: &str = "select s.sign_off_id, s.partnership_id, s.kind, s.title, s.description, s.funding_year_id, \
     s.status, s.round, s.requested_by, p.name as requested_by_name, s.created_at, s.updated_at, s.version, \
     (select count(*) from sign_off_step t where t.sign_off_id = s.sign_off_id and t.round = s.round \
      and t.decision = 'signed') as signed_count \
     from sign_off s join person p on p.person_id = s.requested_by";

/// What to insert.
#[derive(Debug, Clone)]
pub struct NewSignOffRow<'a> {
    /// Id.
    pub id: SignOffId,
    /// Partnership.
    pub partnership: PartnershipId,
    /// Kind slug.
    pub kind: &'a str,
    /// Title.
    pub title: &'a str,
    /// Description.
    pub description: &'a str,
    /// Funding year.
    pub funding_year: Option<FundingYearId>,
    /// Requester.
    pub requested_by: PersonId,
}

/// Inserts an item (status awaiting, round 1, version 1). Add its first round with [`add_round`].
pub async fn insert(c: &mut Conn<'_>, s: &NewSignOffRow<'_>, now: DateTime<Utc>) -> Result<()> {
    // language=SQL
    let sql = r#"insert into sign_off (sign_off_id, partnership_id, kind, title, description, funding_year_id, status,
                 round, requested_by, created_at, updated_at, version)
                 values ($1, $2, $3, $4, $5, $6, 'awaiting', 1, $7, $8, $8, 1)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(s.id.0)
        .bind(s.partnership.0)
        .bind(s.kind)
        .bind(s.title)
        .bind(s.description)
        .bind(s.funding_year.map(|f| f.0))
        .bind(s.requested_by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Adds a round with the three pending steps (`partners`: kind slug and organisation, in order).
#[allow(clippy::too_many_arguments)]
pub async fn add_round(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: SignOffId,
    round: i64,
    file: Option<Uuid>,
    note: &str,
    requested_by: PersonId,
    partners: &[(&str, OrganisationId)],
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into sign_off_round (sign_off_id, partnership_id, round, file_id, note, requested_by, requested_at)
                 values ($1, $2, $3, $4, $5, $6, $7)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(partnership.0)
        .bind(round)
        .bind(file)
        .bind(note)
        .bind(requested_by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    for (kind, org) in partners {
        // language=SQL
        let sql = r#"insert into sign_off_step (sign_off_id, partnership_id, round, partner_kind, organisation_id,
                     decision, comment) values ($1, $2, $3, $4, $5, 'pending', '')"#;
        on_conn!(c, |e| sqlx::query(sql)
            .bind(id.0)
            .bind(partnership.0)
            .bind(round)
            .bind(*kind)
            .bind(org.0)
            .execute(e)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Finds an item of the partnership.
pub async fn find(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: SignOffId,
) -> Result<Option<SignOff>> {
    let sql = format!("{SELECT} where s.partnership_id = $1 and s.sign_off_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, SignOff>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id.0)
    .fetch_optional(e)
    .await)?)
}

/// The partnership's items: open ones first, then newest first.
pub async fn list(c: &mut Conn<'_>, partnership: PartnershipId) -> Result<Vec<SignOff>> {
    let sql = format!(
        "{SELECT} where s.partnership_id = $1 order by case when s.status in ('awaiting', 'returned') then 0 else 1 end, \
         s.created_at desc, s.sign_off_id"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, SignOff>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .fetch_all(e)
    .await)?)
}

/// How many items the partnership has.
pub async fn count(c: &mut Conn<'_>, partnership: PartnershipId) -> Result<i64> {
    Ok(on_conn!(c, |e| sqlx::query_scalar(
        "select count(*) from sign_off where partnership_id = $1"
    )
    .bind(partnership.0)
    .fetch_one(e)
    .await)?)
}

/// Takes the item's row lock for the rest of the transaction (see `actions::lock`): concurrent
/// decisions on one item queue here, so each sees the others' steps. False when it is not in the
/// partnership.
pub async fn lock(c: &mut Conn<'_>, partnership: PartnershipId, id: SignOffId) -> Result<bool> {
    let sql =
        "update sign_off set version = version where partnership_id = $1 and sign_off_id = $2";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id.0)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Sets the status and round (bumping the version).
pub async fn set_state(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: SignOffId,
    status: &str,
    round: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = "update sign_off set status = $3, round = $4, updated_at = $5, version = version + 1 \
               where partnership_id = $1 and sign_off_id = $2";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id.0)
        .bind(status)
        .bind(round)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A partner's step in a round, with names.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Step {
    /// The round.
    pub round: i64,
    /// local_authority, police or integrated_care_board.
    pub partner_kind: String,
    /// The partner organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// pending, signed or returned.
    pub decision: String,
    /// Comments.
    pub comment: String,
    /// Who decided.
    pub decided_by: Option<Uuid>,
    /// Their name.
    pub decided_by_name: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
}

/// Every step of the item, newest round first, partners in their fixed order.
pub async fn steps(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: SignOffId,
) -> Result<Vec<Step>> {
    let sql = "select t.round, t.partner_kind, t.organisation_id, o.name as organisation_name, t.decision, t.comment, \
               t.decided_by, p.name as decided_by_name, t.decided_at from sign_off_step t \
               join organisation o on o.organisation_id = t.organisation_id \
               left join person p on p.person_id = t.decided_by \
               where t.partnership_id = $1 and t.sign_off_id = $2 \
               order by t.round desc, case t.partner_kind when 'local_authority' then 0 when 'police' then 1 else 2 end";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Step>(sql)
        .bind(partnership.0)
        .bind(id.0)
        .fetch_all(e)
        .await)?)
}

/// Records a decision on a pending step; false when the step is not pending (already decided).
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: SignOffId,
    round: i64,
    partner_kind: &str,
    decision: &str,
    comment: &str,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update sign_off_step set decision = $5, comment = $6, decided_by = $7, decided_at = $8 \
               where partnership_id = $1 and sign_off_id = $2 and round = $3 and partner_kind = $4 \
               and decision = 'pending'";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id.0)
        .bind(round)
        .bind(partner_kind)
        .bind(decision)
        .bind(comment)
        .bind(by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A request round, with names.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Round {
    /// The round.
    pub round: i64,
    /// The document for this round.
    pub file_id: Option<Uuid>,
    /// Its name (when it is still in the file store).
    pub file_name: Option<String>,
    /// The note (what changed; empty for the first request).
    pub note: String,
    /// Who requested it.
    pub requested_by: Uuid,
    /// Their name.
    pub requested_by_name: String,
    /// When.
    pub requested_at: DateTime<Utc>,
}

/// The item's rounds, newest first.
pub async fn rounds(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: SignOffId,
) -> Result<Vec<Round>> {
    let sql = "select r.round, r.file_id, f.original_name as file_name, r.note, r.requested_by, \
               p.name as requested_by_name, r.requested_at from sign_off_round r \
               join person p on p.person_id = r.requested_by \
               left join stored_file f on f.file_id = r.file_id and f.deleted_at is null \
               where r.partnership_id = $1 and r.sign_off_id = $2 order by r.round desc";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Round>(sql)
        .bind(partnership.0)
        .bind(id.0)
        .fetch_all(e)
        .await)?)
}
