//! The recommendations tracker: sources (`recommendation_source`), their recommendations
//! (`tracked_recommendation`) and addressees (`tracked_recommendation_addressee`), the append-only
//! history of self-assessments and verifications (`recommendation_status_event`), and evidence
//! (`recommendation_evidence`). A local CSPR source refers to a `practice_review` by id
//! ([`practice_review_ref`] reads its reference and title); its recommendations refer to
//! `review_recommendation` rows by id and hold no title or text of their own. Actions live in the
//! one action model (`action`, source type 'recommendation'). Every function takes the partnership
//! and filters by it. Nothing here is ever deleted.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::recommendations::{Evidence, Recommendation, SelfStatus, Source};
use safeguard_domain::{PartnershipId, PersonId};
use uuid::Uuid;

/// A source, with its practice review's reference and title (local CSPR) and counts.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SourceRow {
    /// Id.
    pub source_id: Uuid,
    /// Kind slug.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Date.
    pub published_on: NaiveDate,
    /// Publisher.
    pub publisher: String,
    /// The document in the file store.
    pub file_id: Option<Uuid>,
    /// An https link (empty when none).
    pub link: String,
    /// The practice review (local CSPR).
    pub review_id: Option<Uuid>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Version.
    pub version: i32,
    /// Its recommendations.
    pub recommendations: i64,
    /// Its progress is published on the public progress page.
    pub progress_public: bool,
    /// When it was last published there.
    pub progress_published_at: Option<DateTime<Utc>>,
}

const SOURCE_SELECT: &str = "select s.source_id, s.kind, s.title, s.published_on, s.publisher, s.file_id, s.link, \
     s.review_id, s.created_at, s.version, s.progress_public, s.progress_published_at, \
     (select count(*) from tracked_recommendation r where r.source_id = s.source_id) as recommendations \
     from recommendation_source s";

/// The partnership's sources, newest first.
pub async fn sources(c: &mut Conn<'_>, partnership: PartnershipId) -> Result<Vec<SourceRow>> {
    let sql = format!(
        "{SOURCE_SELECT} where s.partnership_id = $1 order by s.published_on desc, s.title"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, SourceRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .fetch_all(e)
    .await)?)
}

/// A source of the partnership.
pub async fn find_source(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
) -> Result<Option<SourceRow>> {
    let sql = format!("{SOURCE_SELECT} where s.partnership_id = $1 and s.source_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, SourceRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id)
    .fetch_optional(e)
    .await)?)
}

/// Inserts a source (version 1).
pub async fn insert_source(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    s: &Source,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = "insert into recommendation_source (source_id, partnership_id, kind, title, published_on, publisher, \
               file_id, link, review_id, created_by, created_at, updated_at, version) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 1)";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(partnership.0)
        .bind(s.kind.slug())
        .bind(&s.title)
        .bind(s.published_on)
        .bind(&s.publisher)
        .bind(s.file_id)
        .bind(&s.link)
        .bind(s.review_id)
        .bind(by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A practice review's reference and title, as the tracker shows a local CSPR source.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PracticeReviewRef {
    /// Id.
    pub review_id: Uuid,
    /// "CSPR 2022-01".
    pub reference: String,
    /// Pseudonymised title.
    pub title: String,
}

/// The partnership's practice reviews (reference and title), by reference: what a local CSPR source
/// can refer to.
pub async fn practice_reviews(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
) -> Result<Vec<PracticeReviewRef>> {
    let sql = "select review_id, reference, title from practice_review where partnership_id = $1 order by reference";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, PracticeReviewRef>(
        sql
    )
    .bind(partnership.0)
    .fetch_all(e)
    .await)?)
}

/// One practice review's reference and title.
pub async fn practice_review_ref(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
) -> Result<Option<PracticeReviewRef>> {
    let sql = "select review_id, reference, title from practice_review where partnership_id = $1 and review_id = $2";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, PracticeReviewRef>(
        sql
    )
    .bind(partnership.0)
    .bind(review)
    .fetch_optional(e)
    .await)?)
}

/// The ids of a practice review's recommendations (what its tracked recommendations may refer to).
pub async fn review_recommendation_ids(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
) -> Result<Vec<Uuid>> {
    let sql = "select recommendation_id from review_recommendation where partnership_id = $1 \
               and subject_type = 'practice_review' and subject_id = $2 order by number";
    Ok(on_conn!(c, |e| sqlx::query_scalar::<_, Uuid>(sql)
        .bind(partnership.0)
        .bind(review)
        .fetch_all(e)
        .await)?)
}

/// A tracked recommendation, with its lead's name.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct RecommendationRow {
    /// Id.
    pub recommendation_id: Uuid,
    /// Source.
    pub source_id: Uuid,
    /// Number within the source.
    pub number: i32,
    /// Title (empty when by reference).
    pub title: String,
    /// Text (empty when by reference).
    pub body: String,
    /// The review recommendation it refers to.
    pub review_recommendation_id: Option<Uuid>,
    /// Accepted.
    pub accepted: bool,
    /// Why not.
    pub not_accepted_reason: String,
    /// Lead.
    pub lead_person_id: Option<Uuid>,
    /// Lead's name.
    pub lead_name: Option<String>,
    /// Target date.
    pub target_date: Option<NaiveDate>,
    /// Self-assessed status slug.
    pub self_status: String,
    /// Verified status slug.
    pub verified_status: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
    /// Version.
    pub version: i32,
}

const REC_SELECT: &str = "select r.recommendation_id, r.source_id, r.number, r.title, r.body, \
     r.review_recommendation_id, r.accepted, r.not_accepted_reason, r.lead_person_id, p.name as lead_name, \
     r.target_date, r.self_status, r.verified_status, r.created_at, r.updated_at, r.version \
     from tracked_recommendation r left join person p on p.person_id = r.lead_person_id";

/// The recommendations of a source, by number.
pub async fn recommendations(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    source: Uuid,
) -> Result<Vec<RecommendationRow>> {
    let sql =
        format!("{REC_SELECT} where r.partnership_id = $1 and r.source_id = $2 order by r.number");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, RecommendationRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(source)
    .fetch_all(e)
    .await)?)
}

/// A recommendation of the partnership.
pub async fn find_recommendation(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
) -> Result<Option<RecommendationRow>> {
    let sql = format!("{REC_SELECT} where r.partnership_id = $1 and r.recommendation_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, RecommendationRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id)
    .fetch_optional(e)
    .await)?)
}

/// Inserts a recommendation (not started, version 1) and its addressees. A number already taken in
/// the source is a conflict.
pub async fn insert_recommendation(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    (id, source): (Uuid, Uuid),
    r: &Recommendation,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = "insert into tracked_recommendation (recommendation_id, partnership_id, source_id, number, title, body, \
               review_recommendation_id, accepted, not_accepted_reason, lead_person_id, target_date, self_status, \
               verified_status, created_by, created_at, updated_at, version) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, null, $13, $14, $14, 1)";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(partnership.0)
        .bind(source)
        .bind(r.number)
        .bind(&r.title)
        .bind(&r.body)
        .bind(r.review_recommendation_id)
        .bind(r.accepted)
        .bind(&r.not_accepted_reason)
        .bind(r.lead_person_id)
        .bind(r.target_date)
        .bind(SelfStatus::NotStarted.slug())
        .bind(by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    for o in &r.addressees {
        let sql = "insert into tracked_recommendation_addressee (recommendation_id, organisation_id, partnership_id) \
                   values ($1, $2, $3)";
        on_conn!(c, |e| sqlx::query(sql)
            .bind(id)
            .bind(*o)
            .bind(partnership.0)
            .execute(e)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The next free number in a source (one more than the highest).
pub async fn next_number(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    source: Uuid,
) -> Result<i32> {
    let sql = "select cast(coalesce(max(number), 0) as bigint) from tracked_recommendation where partnership_id = $1 and source_id = $2";
    let n: i64 = on_conn!(c, |e| sqlx::query_scalar::<_, i64>(sql)
        .bind(partnership.0)
        .bind(source)
        .fetch_one(e)
        .await)?;
    Ok(i32::try_from(n).unwrap_or(i32::MAX - 1) + 1)
}

/// Sets the self-assessed status (clearing the verdict) against the version read; false when the
/// version is stale or the recommendation is not in the partnership.
pub async fn set_self_status(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    status: &str,
    version: i32,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update tracked_recommendation set self_status = $3, verified_status = null, updated_at = $4, \
               version = version + 1 where partnership_id = $1 and recommendation_id = $2 and version = $5";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(status)
        .bind(now)
        .bind(version)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Sets the verified status against the version read; false when stale.
pub async fn set_verified_status(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    status: &str,
    version: i32,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update tracked_recommendation set verified_status = $3, updated_at = $4, version = version + 1 \
               where partnership_id = $1 and recommendation_id = $2 and version = $5";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(status)
        .bind(now)
        .bind(version)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// An addressee of a recommendation.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AddresseeRow {
    /// Recommendation.
    pub recommendation_id: Uuid,
    /// Organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
}

/// The addressees of a source's recommendations (or of one recommendation when `recommendation` is
/// given), by organisation name.
pub async fn addressees(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    source: Uuid,
    recommendation: Option<Uuid>,
) -> Result<Vec<AddresseeRow>> {
    let sql = "select a.recommendation_id, a.organisation_id, o.name as organisation_name \
               from tracked_recommendation_addressee a \
               join tracked_recommendation r on r.recommendation_id = a.recommendation_id \
               join organisation o on o.organisation_id = a.organisation_id \
               where a.partnership_id = $1 and r.partnership_id = $1 and r.source_id = $2 \
               and ($3 = 0 or a.recommendation_id = $4) order by o.name, a.recommendation_id";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, AddresseeRow>(sql)
        .bind(partnership.0)
        .bind(source)
        .bind(i64::from(recommendation.is_some()))
        .bind(recommendation.unwrap_or(Uuid::nil()))
        .fetch_all(e)
        .await)?)
}

/// An entry of a recommendation's status history.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct StatusEventRow {
    /// Id.
    pub event_id: Uuid,
    /// self or verification.
    pub kind: String,
    /// The status (a self-assessed or a verified status slug).
    pub status: String,
    /// The note or reason.
    pub note: String,
    /// Who.
    pub by_person_id: Uuid,
    /// Their name.
    pub by_name: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Position in the history.
    pub seq: i64,
}

/// Appends to a recommendation's history (the next position).
pub async fn append_event(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    recommendation: Uuid,
    (kind, status, note): (&str, &str, &str),
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = "insert into recommendation_status_event (event_id, partnership_id, recommendation_id, kind, status, \
               note, by_person_id, at, seq) values ($1, $2, $3, $4, $5, $6, $7, $8, \
               (select coalesce(max(seq), 0) + 1 from recommendation_status_event where recommendation_id = $3))";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(Uuid::new_v4())
        .bind(partnership.0)
        .bind(recommendation)
        .bind(kind)
        .bind(status)
        .bind(note)
        .bind(by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A recommendation's history, newest first.
pub async fn events(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    recommendation: Uuid,
) -> Result<Vec<StatusEventRow>> {
    let sql = "select e.event_id, e.kind, e.status, e.note, e.by_person_id, p.name as by_name, e.at, e.seq \
               from recommendation_status_event e join person p on p.person_id = e.by_person_id \
               where e.partnership_id = $1 and e.recommendation_id = $2 order by e.seq desc";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, StatusEventRow>(sql)
        .bind(partnership.0)
        .bind(recommendation)
        .fetch_all(e)
        .await)?)
}

/// Evidence on a recommendation, with who added it and the document's name.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct EvidenceRow {
    /// Id.
    pub evidence_id: Uuid,
    /// The document.
    pub file_id: Option<Uuid>,
    /// The document's name (while it is not deleted).
    pub file_name: Option<String>,
    /// The link (empty for a document).
    pub url: String,
    /// What it is.
    pub label: String,
    /// Who added it.
    pub added_by: Uuid,
    /// Their name.
    pub added_by_name: String,
    /// When.
    pub added_at: DateTime<Utc>,
}

/// Adds evidence.
pub async fn insert_evidence(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    recommendation: Uuid,
    ev: &Evidence,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let id = Uuid::new_v4();
    let sql = "insert into recommendation_evidence (evidence_id, partnership_id, recommendation_id, file_id, url, \
               label, added_by, added_at) values ($1, $2, $3, $4, $5, $6, $7, $8)";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(partnership.0)
        .bind(recommendation)
        .bind(ev.file_id)
        .bind(&ev.url)
        .bind(&ev.label)
        .bind(by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(id)
}

/// A recommendation's evidence, oldest first. Board-only documents show only with `include_board`.
pub async fn evidence(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    recommendation: Uuid,
    include_board: bool,
) -> Result<Vec<EvidenceRow>> {
    let sql = "select v.evidence_id, v.file_id, f.original_name as file_name, v.url, v.label, v.added_by, \
               p.name as added_by_name, v.added_at \
               from recommendation_evidence v join person p on p.person_id = v.added_by \
               left join stored_file f on f.file_id = v.file_id and f.deleted_at is null \
               where v.partnership_id = $1 and v.recommendation_id = $2 \
               and ($3 = 1 or v.file_id is null or f.visibility = 'partnership') \
               order by v.added_at, v.evidence_id";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, EvidenceRow>(sql)
        .bind(partnership.0)
        .bind(recommendation)
        .bind(i64::from(include_board))
        .fetch_all(e)
        .await)?)
}

// ---------------------------------------------------------------------------------------------
// Progress over time, the public progress page, and edits

/// An entry of a source's status histories, for progress over time.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SourceEventRow {
    /// The recommendation.
    pub recommendation_id: Uuid,
    /// self or verification.
    pub kind: String,
    /// The status set.
    pub status: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Every history entry of a source's recommendations in one query, by recommendation and in the
/// order written.
pub async fn source_events(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    source: Uuid,
) -> Result<Vec<SourceEventRow>> {
    let sql = "select e.recommendation_id, e.kind, e.status, e.at from recommendation_status_event e \
               join tracked_recommendation r on r.recommendation_id = e.recommendation_id \
               where e.partnership_id = $1 and r.partnership_id = $1 and r.source_id = $2 \
               order by e.recommendation_id, e.seq";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, SourceEventRow>(sql)
        .bind(partnership.0)
        .bind(source)
        .fetch_all(e)
        .await)?)
}

/// A source whose progress is published, by its partnership's slug; `None` when there is no such
/// partnership or source, or its progress is not published.
pub async fn find_public_source(
    c: &mut Conn<'_>,
    slug: &str,
    id: Uuid,
) -> Result<Option<(PartnershipId, SourceRow)>> {
    let Some(p) = crate::partnerships::find_by_slug(c, slug).await? else {
        return Ok(None);
    };
    let found = find_source(c, p.id(), id).await?;
    Ok(found.filter(|s| s.progress_public).map(|s| (p.id(), s)))
}

/// Publishes or withdraws a source's public progress against the version read; false when stale
/// or not in the partnership.
pub async fn set_progress_public(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    public: bool,
    version: i32,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update recommendation_source set progress_public = $3, \
               progress_published_at = case when $3 then $4 else progress_published_at end, \
               updated_at = $4, version = version + 1 \
               where partnership_id = $1 and source_id = $2 and version = $5";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(public)
        .bind(now)
        .bind(version)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Changes a source against the version read (its kind and practice review stay); false when stale.
pub async fn update_source(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    s: &Source,
    version: i32,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update recommendation_source set title = $3, published_on = $4, publisher = $5, link = $6, \
               file_id = $7, updated_at = $8, version = version + 1 \
               where partnership_id = $1 and source_id = $2 and version = $9";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(&s.title)
        .bind(s.published_on)
        .bind(&s.publisher)
        .bind(&s.link)
        .bind(s.file_id)
        .bind(now)
        .bind(version)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Changes a recommendation and replaces its addressees against the version read (its status and
/// history stay); false when stale. A number already taken in the source is a conflict.
pub async fn update_recommendation(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    r: &Recommendation,
    version: i32,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update tracked_recommendation set number = $3, title = $4, body = $5, review_recommendation_id = $6, \
               accepted = $7, not_accepted_reason = $8, lead_person_id = $9, target_date = $10, updated_at = $11, \
               version = version + 1 where partnership_id = $1 and recommendation_id = $2 and version = $12";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(r.number)
        .bind(&r.title)
        .bind(&r.body)
        .bind(r.review_recommendation_id)
        .bind(r.accepted)
        .bind(&r.not_accepted_reason)
        .bind(r.lead_person_id)
        .bind(r.target_date)
        .bind(now)
        .bind(version)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    if n != 1 {
        return Ok(false);
    }
    let sql = "delete from tracked_recommendation_addressee where partnership_id = $1 and recommendation_id = $2";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    for o in &r.addressees {
        let sql = "insert into tracked_recommendation_addressee (recommendation_id, organisation_id, partnership_id) \
                   values ($1, $2, $3)";
        on_conn!(c, |e| sqlx::query(sql)
            .bind(id)
            .bind(*o)
            .bind(partnership.0)
            .execute(e)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(true)
}

// ---- Batch writes for the generator (`safeguard generate`): many rows per statement. ----

/// Rows per multi-row insert: well under SQLite's 32,766 and PostgreSQL's 65,535 bind parameters at
/// the widest table here (17 columns).
pub const BATCH_ROWS: usize = 1_000;

/// `insert into … (cols) values ($1, …), (…)` for `rows` rows of `cols` columns.
pub fn values_sql(head: &str, cols: usize, rows: usize) -> String {
    let mut sql = String::with_capacity(head.len() + rows * cols * 6);
    sql.push_str(head);
    sql.push_str(" values ");
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for k in 0..cols {
            if k > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(r * cols + k + 1).to_string());
        }
        sql.push(')');
    }
    sql
}

/// Inserts `rows` in chunks of [`BATCH_ROWS`], binding each row with `|q, r| q.bind(…)…`.
#[macro_export]
macro_rules! batch_insert {
    ($c:expr, $head:expr, $cols:expr, $rows:expr, |$q:ident, $r:ident| $bind:expr) => {{
        for chunk in $rows.chunks($crate::recommendations::BATCH_ROWS) {
            let sql = $crate::recommendations::values_sql($head, $cols, chunk.len());
            $crate::on_conn!($c, |e| {
                let mut $q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
                for $r in chunk {
                    $q = $bind;
                }
                $q.execute(e).await.map(|r| r.rows_affected())
            })?;
        }
    }};
}

/// A generated source.
#[derive(Debug, Clone)]
pub struct GenSource {
    /// Id.
    pub id: Uuid,
    /// Kind slug.
    pub kind: &'static str,
    /// Title.
    pub title: String,
    /// Date.
    pub published_on: NaiveDate,
    /// Publisher.
    pub publisher: &'static str,
    /// Link.
    pub link: String,
    /// Created by.
    pub by: Uuid,
    /// Created.
    pub at: DateTime<Utc>,
}

/// A generated recommendation with its current statuses.
#[derive(Debug, Clone)]
pub struct GenRecommendation {
    /// Id.
    pub id: Uuid,
    /// Source.
    pub source: Uuid,
    /// Number.
    pub number: i32,
    /// Title.
    pub title: String,
    /// Text.
    pub body: &'static str,
    /// Accepted.
    pub accepted: bool,
    /// Why not.
    pub not_accepted_reason: &'static str,
    /// Lead.
    pub lead: Option<Uuid>,
    /// Target date.
    pub target: Option<NaiveDate>,
    /// Self-assessed status slug.
    pub self_status: &'static str,
    /// Verified status slug.
    pub verified: Option<&'static str>,
    /// Created by.
    pub by: Uuid,
    /// Created.
    pub created: DateTime<Utc>,
    /// Last changed.
    pub updated: DateTime<Utc>,
    /// Version (one plus the number of status events).
    pub version: i32,
}

/// A generated status event.
#[derive(Debug, Clone)]
pub struct GenEvent {
    /// Id.
    pub id: Uuid,
    /// Recommendation.
    pub recommendation: Uuid,
    /// self or verification.
    pub kind: &'static str,
    /// Status slug.
    pub status: &'static str,
    /// Note.
    pub note: &'static str,
    /// By.
    pub by: Uuid,
    /// When.
    pub at: DateTime<Utc>,
    /// Position in the recommendation's history.
    pub seq: i64,
}

/// Generated evidence (a link).
#[derive(Debug, Clone)]
pub struct GenEvidence {
    /// Id.
    pub id: Uuid,
    /// Recommendation.
    pub recommendation: Uuid,
    /// Link.
    pub url: String,
    /// Label.
    pub label: &'static str,
    /// By.
    pub by: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// Everything the generator writes for one partnership's tracker.
#[derive(Debug, Clone, Default)]
pub struct GenTracker {
    /// Sources.
    pub sources: Vec<GenSource>,
    /// Recommendations.
    pub recommendations: Vec<GenRecommendation>,
    /// Addressees (recommendation, organisation).
    pub addressees: Vec<(Uuid, Uuid)>,
    /// Status events.
    pub events: Vec<GenEvent>,
    /// Evidence.
    pub evidence: Vec<GenEvidence>,
}

/// Writes a partnership's generated tracker in multi-row inserts (sources, recommendations,
/// addressees, histories, evidence; the actions go through `actions::insert_batch`).
pub async fn insert_generated(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    t: &GenTracker,
) -> Result<()> {
    let p = partnership.0;
    crate::batch_insert!(
        c,
        "insert into recommendation_source (source_id, partnership_id, kind, title, published_on, publisher, \
         file_id, link, review_id, created_by, created_at, updated_at, version)",
        13,
        t.sources,
        |q, s| q
            .bind(s.id)
            .bind(p)
            .bind(s.kind)
            .bind(&s.title)
            .bind(s.published_on)
            .bind(s.publisher)
            .bind(None::<Uuid>)
            .bind(&s.link)
            .bind(None::<Uuid>)
            .bind(s.by)
            .bind(s.at)
            .bind(s.at)
            .bind(1_i32)
    );
    crate::batch_insert!(
        c,
        "insert into tracked_recommendation (recommendation_id, partnership_id, source_id, number, title, body, \
         review_recommendation_id, accepted, not_accepted_reason, lead_person_id, target_date, self_status, \
         verified_status, created_by, created_at, updated_at, version)",
        17,
        t.recommendations,
        |q, r| q
            .bind(r.id)
            .bind(p)
            .bind(r.source)
            .bind(r.number)
            .bind(&r.title)
            .bind(r.body)
            .bind(None::<Uuid>)
            .bind(r.accepted)
            .bind(r.not_accepted_reason)
            .bind(r.lead)
            .bind(r.target)
            .bind(r.self_status)
            .bind(r.verified)
            .bind(r.by)
            .bind(r.created)
            .bind(r.updated)
            .bind(r.version)
    );
    crate::batch_insert!(
        c,
        "insert into tracked_recommendation_addressee (recommendation_id, organisation_id, partnership_id)",
        3,
        t.addressees,
        |q, a| q.bind(a.0).bind(a.1).bind(p)
    );
    crate::batch_insert!(
        c,
        "insert into recommendation_status_event (event_id, partnership_id, recommendation_id, kind, status, \
         note, by_person_id, at, seq)",
        9,
        t.events,
        |q, v| q
            .bind(v.id)
            .bind(p)
            .bind(v.recommendation)
            .bind(v.kind)
            .bind(v.status)
            .bind(v.note)
            .bind(v.by)
            .bind(v.at)
            .bind(v.seq)
    );
    crate::batch_insert!(
        c,
        "insert into recommendation_evidence (evidence_id, partnership_id, recommendation_id, file_id, url, \
         label, added_by, added_at)",
        8,
        t.evidence,
        |q, v| q
            .bind(v.id)
            .bind(p)
            .bind(v.recommendation)
            .bind(None::<Uuid>)
            .bind(&v.url)
            .bind(v.label)
            .bind(v.by)
            .bind(v.at)
    );
    Ok(())
}
