//! Child safeguarding practice reviews (local and thematic): the review row with its stage dates, the
//! notifications it covers, reviewers, reg. 14 checks and written requests, engagement, drafts, the
//! explicit shares with lived-experience consultants (and the pseudonymised rows they may read), the
//! read-only learning rows (themes, findings, recommendations) a consultant sees, and the partnership's
//! pre-publication lead time. Every function takes the partnership and filters by it.

use crate::case_reviews::DeadlineRow;
use crate::{Conn, Result, on_conn};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::{PartnershipId, PersonId};
use uuid::Uuid;

/// A practice review.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ReviewRow {
    /// Id.
    pub review_id: Uuid,
    /// Partnership.
    pub partnership_id: Uuid,
    /// Reference, such as "CSPR 2022-01".
    pub reference: String,
    /// local or thematic.
    pub kind: String,
    /// Pseudonymised title.
    pub title: String,
    /// Summary (no names).
    pub summary: String,
    /// The decision to initiate.
    pub commissioned_on: NaiveDate,
    /// Stage slug.
    pub stage: String,
    /// Terms of reference.
    pub terms_of_reference: String,
    /// Terms agreed.
    pub terms_agreed_on: Option<NaiveDate>,
    /// Information gathering started.
    pub information_gathering_on: Option<NaiveDate>,
    /// First draft.
    pub first_draft_on: Option<NaiveDate>,
    /// Final report approved.
    pub final_approved_on: Option<NaiveDate>,
    /// Planned publication.
    pub planned_publication_on: Option<NaiveDate>,
    /// Pre-publication notice sent.
    pub notice_sent_on: Option<NaiveDate>,
    /// Published.
    pub published_on: Option<NaiveDate>,
    /// The published report's address ("" until published).
    pub published_url: String,
    /// Not published (statement of improvements published).
    pub not_published_on: Option<NaiveDate>,
    /// Why not published.
    pub not_published_reasons: String,
    /// The statement of improvements published instead.
    pub improvements_statement: String,
    /// Action plan monitoring started.
    pub action_plan_on: Option<NaiveDate>,
    /// Closed.
    pub closed_on: Option<NaiveDate>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic version.
    pub version: i64,
}

const REVIEW_SELECT: &str = "select review_id, partnership_id, reference, kind, title, summary, commissioned_on, \
     stage, terms_of_reference, terms_agreed_on, information_gathering_on, first_draft_on, final_approved_on, \
     planned_publication_on, notice_sent_on, published_on, published_url, not_published_on, not_published_reasons, \
     improvements_statement, action_plan_on, closed_on, created_at, updated_at, cast(version as bigint) as version \
     from practice_review";

/// A new review.
#[derive(Debug, Clone)]
pub struct NewReviewRow<'a> {
    /// Id.
    pub id: Uuid,
    /// Reference.
    pub reference: &'a str,
    /// local or thematic.
    pub kind: &'a str,
    /// Title.
    pub title: &'a str,
    /// Summary.
    pub summary: &'a str,
    /// Commissioned.
    pub commissioned_on: NaiveDate,
    /// Terms of reference.
    pub terms_of_reference: &'a str,
}

/// True when the partnership already has a review with this reference (other than `except`).
pub async fn reference_taken(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    reference: &str,
    except: Option<Uuid>,
) -> Result<bool> {
    let sql = "select count(*) from practice_review where partnership_id = $1 and reference = $2 \
               and review_id <> $3";
    let n: i64 = on_conn!(c, |e| sqlx::query_scalar(sql)
        .bind(partnership.0)
        .bind(reference)
        .bind(except.unwrap_or(Uuid::nil()))
        .fetch_one(e)
        .await)?;
    Ok(n > 0)
}

/// Inserts a review at the stage "commissioned", version 1.
pub async fn insert_review(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    r: &NewReviewRow<'_>,
    created_by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into practice_review (review_id, partnership_id, reference, kind, title, summary,
                 commissioned_on, stage, terms_of_reference, published_url, not_published_reasons,
                 improvements_statement, created_by, created_at, updated_at, version)
                 values ($1, $2, $3, $4, $5, $6, $7, 'commissioned', $8, '', '', '', $9, $10, $10, 1)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(r.id)
        .bind(partnership.0)
        .bind(r.reference)
        .bind(r.kind)
        .bind(r.title)
        .bind(r.summary)
        .bind(r.commissioned_on)
        .bind(r.terms_of_reference)
        .bind(created_by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The editable details of a review.
#[derive(Debug, Clone)]
pub struct DetailsWrite<'a> {
    /// Reference.
    pub reference: &'a str,
    /// Title.
    pub title: &'a str,
    /// Summary.
    pub summary: &'a str,
    /// Commissioned.
    pub commissioned_on: NaiveDate,
    /// Terms of reference.
    pub terms_of_reference: &'a str,
}

/// Changes the details of a review if it is still at `version`; false when it is not (stale, or not
/// in the partnership). The version goes up by one.
pub async fn update_details(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    version: i64,
    d: &DetailsWrite<'_>,
    now: DateTime<Utc>,
) -> Result<bool> {
    // language=SQL
    let sql = r#"update practice_review set reference = $4, title = $5, summary = $6, commissioned_on = $7,
                 terms_of_reference = $8, updated_at = $9, version = version + 1
                 where partnership_id = $1 and review_id = $2 and version = $3"#;
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(version)
        .bind(d.reference)
        .bind(d.title)
        .bind(d.summary)
        .bind(d.commissioned_on)
        .bind(d.terms_of_reference)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The stage and its dates, written together.
#[derive(Debug, Clone)]
pub struct StageWrite<'a> {
    /// Stage slug.
    pub stage: &'a str,
    /// Terms agreed.
    pub terms_agreed_on: Option<NaiveDate>,
    /// Information gathering.
    pub information_gathering_on: Option<NaiveDate>,
    /// First draft.
    pub first_draft_on: Option<NaiveDate>,
    /// Final approval.
    pub final_approved_on: Option<NaiveDate>,
    /// Planned publication.
    pub planned_publication_on: Option<NaiveDate>,
    /// Notice sent.
    pub notice_sent_on: Option<NaiveDate>,
    /// Published.
    pub published_on: Option<NaiveDate>,
    /// Address.
    pub published_url: &'a str,
    /// Not published.
    pub not_published_on: Option<NaiveDate>,
    /// Reasons.
    pub not_published_reasons: &'a str,
    /// Statement of improvements.
    pub improvements_statement: &'a str,
    /// Action plan.
    pub action_plan_on: Option<NaiveDate>,
    /// Closed.
    pub closed_on: Option<NaiveDate>,
}

impl<'a> StageWrite<'a> {
    /// The stage columns of a stored row, to change some and write them back.
    pub fn of(r: &'a ReviewRow) -> Self {
        Self {
            stage: &r.stage,
            terms_agreed_on: r.terms_agreed_on,
            information_gathering_on: r.information_gathering_on,
            first_draft_on: r.first_draft_on,
            final_approved_on: r.final_approved_on,
            planned_publication_on: r.planned_publication_on,
            notice_sent_on: r.notice_sent_on,
            published_on: r.published_on,
            published_url: &r.published_url,
            not_published_on: r.not_published_on,
            not_published_reasons: &r.not_published_reasons,
            improvements_statement: &r.improvements_statement,
            action_plan_on: r.action_plan_on,
            closed_on: r.closed_on,
        }
    }
}

/// Writes the stage and its dates; the version goes up by one. False when the review is not in the
/// partnership.
pub async fn update_stage(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    s: &StageWrite<'_>,
    now: DateTime<Utc>,
) -> Result<bool> {
    // language=SQL
    let sql = r#"update practice_review set stage = $3, terms_agreed_on = $4, information_gathering_on = $5,
                 first_draft_on = $6, final_approved_on = $7, planned_publication_on = $8, notice_sent_on = $9,
                 published_on = $10, published_url = $11, not_published_on = $12, not_published_reasons = $13,
                 improvements_statement = $14, action_plan_on = $15, closed_on = $16, updated_at = $17,
                 version = version + 1
                 where partnership_id = $1 and review_id = $2"#;
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(s.stage)
        .bind(s.terms_agreed_on)
        .bind(s.information_gathering_on)
        .bind(s.first_draft_on)
        .bind(s.final_approved_on)
        .bind(s.planned_publication_on)
        .bind(s.notice_sent_on)
        .bind(s.published_on)
        .bind(s.published_url)
        .bind(s.not_published_on)
        .bind(s.not_published_reasons)
        .bind(s.improvements_statement)
        .bind(s.action_plan_on)
        .bind(s.closed_on)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A review of the partnership.
pub async fn find_review(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
) -> Result<Option<ReviewRow>> {
    let sql = format!("{REVIEW_SELECT} where partnership_id = $1 and review_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, ReviewRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id)
    .fetch_optional(e)
    .await)?)
}

/// A review of the partnership by its reference.
pub async fn find_by_reference(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    reference: &str,
) -> Result<Option<ReviewRow>> {
    let sql = format!("{REVIEW_SELECT} where partnership_id = $1 and reference = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, ReviewRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(reference)
    .fetch_optional(e)
    .await)?)
}

/// The partnership's reviews, open ones (not closed) only when `open_only`, most recently
/// commissioned first, at most `limit`.
pub async fn list_reviews(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    open_only: bool,
    limit: i64,
) -> Result<Vec<ReviewRow>> {
    let sql = format!(
        "{REVIEW_SELECT} where partnership_id = $1 and ($2 = 0 or stage <> 'closed') \
         order by commissioned_on desc, reference limit $3"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, ReviewRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(i64::from(open_only))
    .bind(limit)
    .fetch_all(e)
    .await)?)
}

/// Records that a review covers a notification.
pub async fn add_case(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
    notification: Uuid,
) -> Result<()> {
    let sql = "insert into practice_review_case (review_id, notification_id, partnership_id) \
               values ($1, $2, $3)";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(review)
        .bind(notification)
        .bind(partnership.0)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A notification a review covers.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct CoveredRow {
    /// Notification.
    pub notification_id: Uuid,
    /// Its reference.
    pub reference: String,
    /// Date the local authority became aware.
    pub aware_on: NaiveDate,
}

/// The notifications a review covers, by date aware.
pub async fn cases(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
) -> Result<Vec<CoveredRow>> {
    let sql = "select n.notification_id, n.reference, n.aware_on from practice_review_case pc \
               join case_notification n on n.notification_id = pc.notification_id \
               where pc.partnership_id = $1 and n.partnership_id = $1 and pc.review_id = $2 \
               order by n.aware_on, n.reference";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, CoveredRow>(sql)
        .bind(partnership.0)
        .bind(review)
        .fetch_all(e)
        .await)?)
}

/// A review covering a notification.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct CoveringRow {
    /// Review.
    pub review_id: Uuid,
    /// Its reference.
    pub reference: String,
    /// local or thematic.
    pub kind: String,
}

/// The reviews that cover a notification, by reference.
pub async fn reviews_covering(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    notification: Uuid,
) -> Result<Vec<CoveringRow>> {
    let sql = "select r.review_id, r.reference, r.kind from practice_review_case pc \
               join practice_review r on r.review_id = pc.review_id \
               where pc.partnership_id = $1 and r.partnership_id = $1 and pc.notification_id = $2 \
               order by r.reference";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, CoveringRow>(sql)
        .bind(partnership.0)
        .bind(notification)
        .fetch_all(e)
        .await)?)
}

/// A reviewer.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ReviewerRow {
    /// Id.
    pub reviewer_id: Uuid,
    /// Review.
    pub review_id: Uuid,
    /// Name.
    pub name: String,
    /// Organisation.
    pub organisation: String,
    /// Role slug.
    pub role: String,
    /// Independent.
    pub independent: bool,
    /// Appointed.
    pub appointed_on: NaiveDate,
    /// Ended.
    pub ended_on: Option<NaiveDate>,
}

/// A reviewer to insert.
#[derive(Debug, Clone)]
pub struct ReviewerWrite<'a> {
    /// Id.
    pub id: Uuid,
    /// Review.
    pub review_id: Uuid,
    /// Name.
    pub name: &'a str,
    /// Organisation.
    pub organisation: &'a str,
    /// Role slug.
    pub role: &'a str,
    /// Independent.
    pub independent: bool,
    /// Appointed.
    pub appointed_on: NaiveDate,
}

/// Appoints a reviewer.
pub async fn insert_reviewer(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    r: &ReviewerWrite<'_>,
    created_by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into practice_review_reviewer (reviewer_id, review_id, partnership_id, name, organisation,
                 role, independent, appointed_on, ended_on, created_by, created_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, null, $9, $10)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(r.id)
        .bind(r.review_id)
        .bind(partnership.0)
        .bind(r.name)
        .bind(r.organisation)
        .bind(r.role)
        .bind(r.independent)
        .bind(r.appointed_on)
        .bind(created_by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The reviewers of a review, by date appointed.
pub async fn reviewers(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
) -> Result<Vec<ReviewerRow>> {
    let sql = "select reviewer_id, review_id, name, organisation, role, independent, appointed_on, ended_on \
               from practice_review_reviewer where partnership_id = $1 and review_id = $2 \
               order by appointed_on, name";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, ReviewerRow>(sql)
        .bind(partnership.0)
        .bind(review)
        .fetch_all(e)
        .await)?)
}

/// Ends a reviewer's appointment; false when there is no such reviewer in post on this review.
pub async fn end_reviewer(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
    reviewer: Uuid,
    ended_on: NaiveDate,
) -> Result<bool> {
    let sql = "update practice_review_reviewer set ended_on = $4 where partnership_id = $1 \
               and review_id = $2 and reviewer_id = $3 and ended_on is null";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(review)
        .bind(reviewer)
        .bind(ended_on)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A reg. 14 check or written request.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct CheckRow {
    /// Id.
    pub check_id: Uuid,
    /// time_quality or written_request.
    pub kind: String,
    /// Date.
    pub checked_on: NaiveDate,
    /// Note.
    pub note: String,
    /// Answered (written requests).
    pub answered_on: Option<NaiveDate>,
}

/// Records a check or written request.
#[allow(clippy::too_many_arguments)]
pub async fn insert_check(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
    id: Uuid,
    (kind, checked_on, note, answered_on): (&str, NaiveDate, &str, Option<NaiveDate>),
    created_by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into practice_review_check (check_id, review_id, partnership_id, kind, checked_on, note,
                 answered_on, created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(review)
        .bind(partnership.0)
        .bind(kind)
        .bind(checked_on)
        .bind(note)
        .bind(answered_on)
        .bind(created_by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The checks and written requests of a review, by date.
pub async fn checks(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
) -> Result<Vec<CheckRow>> {
    let sql = "select check_id, kind, checked_on, note, answered_on from practice_review_check \
               where partnership_id = $1 and review_id = $2 order by checked_on, created_at";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, CheckRow>(sql)
        .bind(partnership.0)
        .bind(review)
        .fetch_all(e)
        .await)?)
}

/// Records the reviewer's answer to a written request not yet answered; false when there is no such
/// open request on this review.
pub async fn answer_check(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
    check: Uuid,
    answered_on: NaiveDate,
) -> Result<bool> {
    let sql = "update practice_review_check set answered_on = $4 where partnership_id = $1 \
               and review_id = $2 and check_id = $3 and kind = 'written_request' and answered_on is null";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(review)
        .bind(check)
        .bind(answered_on)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// An engagement.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct EngagementRow {
    /// Id.
    pub engagement_id: Uuid,
    /// family, child, practitioners or agency_leads.
    pub with_whom: String,
    /// Date.
    pub held_on: NaiveDate,
    /// Note.
    pub note: String,
}

/// Records an engagement.
#[allow(clippy::too_many_arguments)]
pub async fn insert_engagement(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
    id: Uuid,
    (with_whom, held_on, note): (&str, NaiveDate, &str),
    created_by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into practice_review_engagement (engagement_id, review_id, partnership_id, with_whom,
                 held_on, note, created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(review)
        .bind(partnership.0)
        .bind(with_whom)
        .bind(held_on)
        .bind(note)
        .bind(created_by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The engagements of a review, by date.
pub async fn engagements(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
) -> Result<Vec<EngagementRow>> {
    let sql = "select engagement_id, with_whom, held_on, note from practice_review_engagement \
               where partnership_id = $1 and review_id = $2 order by held_on, created_at";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, EngagementRow>(sql)
        .bind(partnership.0)
        .bind(review)
        .fetch_all(e)
        .await)?)
}

/// A draft, with its document's name when it has a live one.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct DraftRow {
    /// Id.
    pub draft_id: Uuid,
    /// Label.
    pub label: String,
    /// Received.
    pub received_on: NaiveDate,
    /// Document.
    pub file_id: Option<Uuid>,
    /// The document's name (none when there is no live document).
    pub file_name: Option<String>,
    /// The final report.
    pub is_final: bool,
}

/// Records a draft.
#[allow(clippy::too_many_arguments)]
pub async fn insert_draft(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
    id: Uuid,
    (label, received_on, is_final): (&str, NaiveDate, bool),
    file: Option<Uuid>,
    created_by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into practice_review_draft (draft_id, review_id, partnership_id, label, received_on,
                 file_id, is_final, created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(review)
        .bind(partnership.0)
        .bind(label)
        .bind(received_on)
        .bind(file)
        .bind(is_final)
        .bind(created_by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The drafts of a review, by date received.
pub async fn drafts(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
) -> Result<Vec<DraftRow>> {
    let sql = "select d.draft_id, d.label, d.received_on, d.file_id, f.original_name as file_name, d.is_final \
               from practice_review_draft d left join stored_file f on f.file_id = d.file_id \
               and f.partnership_id = d.partnership_id and f.deleted_at is null \
               where d.partnership_id = $1 and d.review_id = $2 order by d.received_on, d.created_at";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, DraftRow>(sql)
        .bind(partnership.0)
        .bind(review)
        .fetch_all(e)
        .await)?)
}

/// The partnership's practice review clocks not yet met, of reviews not closed, soonest first.
pub async fn open_clocks(c: &mut Conn<'_>, partnership: PartnershipId) -> Result<Vec<DeadlineRow>> {
    let sql = "select d.subject_type, d.subject_id, d.rule, d.basis_on, d.due_on, d.extended_to, d.extension_reason, d.met_on \
               from deadline d join practice_review r on r.review_id = d.subject_id \
               and r.partnership_id = d.partnership_id \
               where d.partnership_id = $1 and d.subject_type = 'practice_review' and d.met_on is null \
               and r.stage <> 'closed' order by coalesce(d.extended_to, d.due_on), d.rule";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, DeadlineRow>(sql)
        .bind(partnership.0)
        .fetch_all(e)
        .await)?)
}

/// A person who may be shared with: a lived-experience consultant of the partnership.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ConsultantRow {
    /// Person.
    pub person_id: Uuid,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
}

/// The partnership's lived-experience consultants who can sign in (not disabled), by name.
pub async fn consultants(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
) -> Result<Vec<ConsultantRow>> {
    let sql = "select p.person_id, p.name, p.email from role_grant g join person p on p.person_id = g.person_id \
               where g.partnership_id = $1 and g.role = 'lived_experience_consultant' and p.disabled_at is null \
               order by p.name, p.email";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, ConsultantRow>(sql)
        .bind(partnership.0)
        .fetch_all(e)
        .await)?)
}

/// Shares a review with a person (again, if it had been revoked); false when it is already shared
/// and not revoked.
pub async fn share(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
    person: PersonId,
    shared_by: PersonId,
    now: DateTime<Utc>,
) -> Result<bool> {
    // language=SQL
    let sql = r#"insert into practice_review_share (review_id, person_id, partnership_id, shared_by, shared_at,
                 revoked_at) values ($1, $2, $3, $4, $5, null)
                 on conflict (review_id, person_id) do update set shared_by = excluded.shared_by,
                 shared_at = excluded.shared_at, revoked_at = null
                 where practice_review_share.partnership_id = excluded.partnership_id
                 and practice_review_share.revoked_at is not null"#;
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(review)
        .bind(person.0)
        .bind(partnership.0)
        .bind(shared_by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Revokes a share (the row stays, with the time); false when there is no live share.
pub async fn revoke_share(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
    person: PersonId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update practice_review_share set revoked_at = $4 where partnership_id = $1 \
               and review_id = $2 and person_id = $3 and revoked_at is null";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(review)
        .bind(person.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A share of a review, as administrators see it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ShareRow {
    /// Person.
    pub person_id: Uuid,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Shared.
    pub shared_at: DateTime<Utc>,
    /// Revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Everyone a review has been shared with (revoked shares too), by name.
pub async fn shares(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
) -> Result<Vec<ShareRow>> {
    let sql = "select s.person_id, p.name, p.email, s.shared_at, s.revoked_at from practice_review_share s \
               join person p on p.person_id = s.person_id \
               where s.partnership_id = $1 and s.review_id = $2 order by p.name, p.email";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, ShareRow>(sql)
        .bind(partnership.0)
        .bind(review)
        .fetch_all(e)
        .await)?)
}

/// What a consultant may read of a review shared with them: nothing about children, notifications,
/// reviewers, drafts or documents.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SharedReviewRow {
    /// Review.
    pub review_id: Uuid,
    /// Reference.
    pub reference: String,
    /// Title (pseudonymised).
    pub title: String,
    /// local or thematic.
    pub kind: String,
    /// Stage slug.
    pub stage: String,
    /// Summary (no names).
    pub summary: String,
    /// Published.
    pub published_on: Option<NaiveDate>,
    /// The published report's address.
    pub published_url: String,
    /// When shared with the reader.
    pub shared_at: DateTime<Utc>,
}

const SHARED_SELECT: &str = "select r.review_id, r.reference, r.title, r.kind, r.stage, r.summary, r.published_on, \
     r.published_url, s.shared_at from practice_review_share s join practice_review r on r.review_id = s.review_id \
     and r.partnership_id = s.partnership_id";

/// The reviews shared with a person in the partnership and not revoked, by reference.
pub async fn shared_with(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    person: PersonId,
) -> Result<Vec<SharedReviewRow>> {
    let sql = format!(
        "{SHARED_SELECT} where s.partnership_id = $1 and s.person_id = $2 and s.revoked_at is null \
         order by r.reference"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, SharedReviewRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(person.0)
    .fetch_all(e)
    .await)?)
}

/// One review shared with a person and not revoked.
pub async fn find_shared(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    person: PersonId,
    review: Uuid,
) -> Result<Option<SharedReviewRow>> {
    let sql = format!(
        "{SHARED_SELECT} where s.partnership_id = $1 and s.person_id = $2 and s.review_id = $3 \
         and s.revoked_at is null"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, SharedReviewRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(person.0)
    .bind(review)
    .fetch_optional(e)
    .await)?)
}

/// A finding or recommendation, as a consultant reads it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct LearningRow {
    /// Number within the review.
    pub number: i64,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
}

/// The names of the themes a review carries (read-only), by name.
pub async fn review_themes(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
) -> Result<Vec<String>> {
    let sql = "select t.name from case_review_subject_theme st join case_review_theme t on t.theme_id = st.theme_id \
               where st.partnership_id = $1 and t.partnership_id = $1 and st.subject_type = 'practice_review' \
               and st.subject_id = $2 order by t.name";
    Ok(on_conn!(c, |e| sqlx::query_scalar::<_, String>(sql)
        .bind(partnership.0)
        .bind(review)
        .fetch_all(e)
        .await)?)
}

/// The findings of a review (read-only), by number.
pub async fn review_findings(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
) -> Result<Vec<LearningRow>> {
    let sql = "select cast(number as bigint) as number, title, body from review_finding where partnership_id = $1 \
               and subject_type = 'practice_review' and subject_id = $2 order by number";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, LearningRow>(sql)
        .bind(partnership.0)
        .bind(review)
        .fetch_all(e)
        .await)?)
}

/// The recommendations of a review (read-only), by number.
pub async fn review_recommendations(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    review: Uuid,
) -> Result<Vec<LearningRow>> {
    let sql = "select cast(number as bigint) as number, title, body from review_recommendation \
               where partnership_id = $1 and subject_type = 'practice_review' and subject_id = $2 order by number";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, LearningRow>(sql)
        .bind(partnership.0)
        .bind(review)
        .fetch_all(e)
        .await)?)
}
