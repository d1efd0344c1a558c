//! The learning of case reviews: the themes taxonomy (`case_review_theme`), the themes each subject
//! carries (`case_review_subject_theme`), findings (`review_finding`), recommendations
//! (`review_recommendation`) and their addressees (`review_recommendation_addressee`). A subject is
//! ('notification', `case_notification.notification_id`) or ('practice_review',
//! `practice_review.review_id`); [`find_subject`] reads either (reference, title, start date) so the
//! service can check it exists in the partnership. Every function takes the partnership and filters by
//! it. Findings and recommendations are never deleted (see the domain module).

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::review_learning::{SubjectType, name_key};
use safeguard_domain::{PartnershipId, PersonId};
use uuid::Uuid;

/// A theme of the taxonomy.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ThemeRow {
    /// Id.
    pub theme_id: Uuid,
    /// Name.
    pub name: String,
    /// What it covers.
    pub description: String,
    /// Retired: stays on the subjects that carry it, is not newly added.
    pub retired: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// Sorts themes by name ignoring case (the same order on both databases, whose collations differ).
fn by_name(mut rows: Vec<ThemeRow>) -> Vec<ThemeRow> {
    rows.sort_by_cached_key(|t| (name_key(&t.name), t.name.clone()));
    rows
}

/// The partnership's themes, current and retired, by name.
pub async fn list_themes(c: &mut Conn<'_>, partnership: PartnershipId) -> Result<Vec<ThemeRow>> {
    let sql = "select theme_id, name, description, retired, created_at, updated_at \
               from case_review_theme where partnership_id = $1";
    let rows = on_conn!(c, |e| sqlx::query_as::<_, ThemeRow>(sql)
        .bind(partnership.0)
        .fetch_all(e)
        .await)?;
    Ok(by_name(rows))
}

/// A theme of the partnership.
pub async fn find_theme(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
) -> Result<Option<ThemeRow>> {
    let sql = "select theme_id, name, description, retired, created_at, updated_at \
               from case_review_theme where partnership_id = $1 and theme_id = $2";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, ThemeRow>(sql)
        .bind(partnership.0)
        .bind(id)
        .fetch_optional(e)
        .await)?)
}

/// Adds a current theme.
pub async fn insert_theme(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    name: &str,
    description: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = "insert into case_review_theme (theme_id, partnership_id, name, description, retired, \
               created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $6)";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(partnership.0)
        .bind(name)
        .bind(description)
        .bind(false)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Renames or describes a theme; false when it is not in the partnership.
pub async fn update_theme(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    name: &str,
    description: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update case_review_theme set name = $3, description = $4, updated_at = $5 \
               where partnership_id = $1 and theme_id = $2";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(name)
        .bind(description)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Retires a theme or makes it current again; false when it is not in the partnership.
pub async fn set_theme_retired(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    retired: bool,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update case_review_theme set retired = $3, updated_at = $4 \
               where partnership_id = $1 and theme_id = $2";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(retired)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A subject of the partnership, as lists and checks need it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SubjectRow {
    /// notification or practice_review.
    pub subject_type: String,
    /// Its id.
    pub subject_id: Uuid,
    /// Its reference ("SIN 2022-02", "CSPR 2022-01").
    pub reference: String,
    /// A practice review's title; a notification's summary (both pseudonymised).
    pub title: String,
    /// The day it started: aware (notification) or commissioned (practice review).
    pub started_on: NaiveDate,
}

/// A subject of the partnership, if it exists there.
pub async fn find_subject(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    kind: SubjectType,
    id: Uuid,
) -> Result<Option<SubjectRow>> {
    let sql = match kind {
        SubjectType::Notification => {
            "select 'notification' as subject_type, notification_id as subject_id, reference, \
             summary as title, aware_on as started_on from case_notification \
             where partnership_id = $1 and notification_id = $2"
        }
        SubjectType::PracticeReview => {
            "select 'practice_review' as subject_type, review_id as subject_id, reference, title, \
             commissioned_on as started_on from practice_review \
             where partnership_id = $1 and review_id = $2"
        }
    };
    Ok(on_conn!(c, |e| sqlx::query_as::<_, SubjectRow>(sql)
        .bind(partnership.0)
        .bind(id)
        .fetch_optional(e)
        .await)?)
}

/// A practice review found by its reference.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PracticeReviewRef {
    /// Its id.
    pub review_id: Uuid,
    /// When it was published, if it was.
    pub published_on: Option<NaiveDate>,
}

/// The practice review of the partnership with this reference, if any (the demo looks them up).
pub async fn find_practice_review_by_reference(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    reference: &str,
) -> Result<Option<PracticeReviewRef>> {
    let sql = "select review_id, published_on from practice_review where partnership_id = $1 and reference = $2";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, PracticeReviewRef>(
        sql
    )
    .bind(partnership.0)
    .bind(reference)
    .fetch_optional(e)
    .await)?)
}

/// A theme on a subject.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SubjectThemeRow {
    /// Theme.
    pub theme_id: Uuid,
    /// Its name.
    pub name: String,
    /// Retired since it was added.
    pub retired: bool,
    /// Added.
    pub added_at: DateTime<Utc>,
}

/// The themes a subject carries, by name.
pub async fn subject_themes(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    kind: SubjectType,
    subject: Uuid,
) -> Result<Vec<SubjectThemeRow>> {
    let sql = "select st.theme_id, t.name, t.retired, st.added_at from case_review_subject_theme st \
               join case_review_theme t on t.theme_id = st.theme_id and t.partnership_id = st.partnership_id \
               where st.partnership_id = $1 and st.subject_type = $2 and st.subject_id = $3";
    let mut rows = on_conn!(c, |e| sqlx::query_as::<_, SubjectThemeRow>(sql)
        .bind(partnership.0)
        .bind(kind.slug())
        .bind(subject)
        .fetch_all(e)
        .await)?;
    rows.sort_by_cached_key(|t| name_key(&t.name));
    Ok(rows)
}

/// Puts a theme on a subject (nothing happens when it is already there).
pub async fn add_subject_theme(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    (kind, subject): (SubjectType, Uuid),
    theme: Uuid,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = "insert into case_review_subject_theme (partnership_id, subject_type, subject_id, theme_id, \
               added_by, added_at) values ($1, $2, $3, $4, $5, $6) \
               on conflict (subject_type, subject_id, theme_id) do nothing";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(kind.slug())
        .bind(subject)
        .bind(theme)
        .bind(by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Takes a theme off a subject.
pub async fn remove_subject_theme(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    (kind, subject): (SubjectType, Uuid),
    theme: Uuid,
) -> Result<()> {
    let sql = "delete from case_review_subject_theme where partnership_id = $1 and subject_type = $2 \
               and subject_id = $3 and theme_id = $4";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(kind.slug())
        .bind(subject)
        .bind(theme)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A theme on a subject, with the subject's reference and start date (for the across-years view).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ThemedSubjectRow {
    /// Theme.
    pub theme_id: Uuid,
    /// notification or practice_review.
    pub subject_type: String,
    /// Subject.
    pub subject_id: Uuid,
    /// Its reference.
    pub reference: String,
    /// Its title (a notification's summary).
    pub title: String,
    /// The day it started.
    pub started_on: NaiveDate,
}

/// Every (theme, subject) pair of the partnership, or of one theme, with the subjects' references
/// and start dates, by start date then reference.
pub async fn themed_subjects(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    theme: Option<Uuid>,
) -> Result<Vec<ThemedSubjectRow>> {
    // language=SQL
    let sql = r#"select st.theme_id, st.subject_type, st.subject_id, n.reference, n.summary as title,
                 n.aware_on as started_on
                 from case_review_subject_theme st
                 join case_notification n on n.notification_id = st.subject_id and n.partnership_id = st.partnership_id
                 where st.partnership_id = $1 and st.subject_type = 'notification' and ($2 = 0 or st.theme_id = $3)
                 union all
                 select st.theme_id, st.subject_type, st.subject_id, r.reference, r.title,
                 r.commissioned_on as started_on
                 from case_review_subject_theme st
                 join practice_review r on r.review_id = st.subject_id and r.partnership_id = st.partnership_id
                 where st.partnership_id = $1 and st.subject_type = 'practice_review' and ($2 = 0 or st.theme_id = $3)
                 order by started_on, reference"#;
    Ok(on_conn!(c, |e| sqlx::query_as::<_, ThemedSubjectRow>(sql)
        .bind(partnership.0)
        .bind(i64::from(theme.is_some()))
        .bind(theme.unwrap_or(Uuid::nil()))
        .fetch_all(e)
        .await)?)
}

/// A finding.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct FindingRow {
    /// Id.
    pub finding_id: Uuid,
    /// notification or practice_review.
    pub subject_type: String,
    /// Subject.
    pub subject_id: Uuid,
    /// Number within the subject, from 1.
    pub number: i32,
    /// Title.
    pub title: String,
    /// The finding.
    pub body: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
    /// Bumped by every edit.
    pub version: i32,
}

const FINDING_SELECT: &str = "select finding_id, subject_type, subject_id, number, title, body, \
     created_at, updated_at, version from review_finding";

/// The findings of a subject, by number.
pub async fn findings(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    kind: SubjectType,
    subject: Uuid,
) -> Result<Vec<FindingRow>> {
    let sql = format!(
        "{FINDING_SELECT} where partnership_id = $1 and subject_type = $2 and subject_id = $3 order by number"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, FindingRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(kind.slug())
    .bind(subject)
    .fetch_all(e)
    .await)?)
}

/// A finding of the partnership.
pub async fn find_finding(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
) -> Result<Option<FindingRow>> {
    let sql = format!("{FINDING_SELECT} where partnership_id = $1 and finding_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, FindingRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id)
    .fetch_optional(e)
    .await)?)
}

/// A finding or recommendation to insert: (id, subject, number, title, body).
#[derive(Debug, Clone)]
pub struct NumberedWrite<'a> {
    /// Id.
    pub id: Uuid,
    /// Subject type.
    pub kind: SubjectType,
    /// Subject.
    pub subject: Uuid,
    /// Number.
    pub number: i32,
    /// Title.
    pub title: &'a str,
    /// Body.
    pub body: &'a str,
}

/// Inserts a finding (version 1). A number already taken in the subject is a conflict.
pub async fn insert_finding(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    f: &NumberedWrite<'_>,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = "insert into review_finding (finding_id, partnership_id, subject_type, subject_id, number, title, \
               body, created_by, created_at, updated_at, version) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, 1)";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(f.id)
        .bind(partnership.0)
        .bind(f.kind.slug())
        .bind(f.subject)
        .bind(f.number)
        .bind(f.title)
        .bind(f.body)
        .bind(by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Changes a finding's title and body if its version is still `expected` (and bumps it); false when
/// stale or not in the partnership.
pub async fn update_finding(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    (title, body): (&str, &str),
    expected: i32,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update review_finding set title = $3, body = $4, updated_at = $5, version = version + 1 \
               where partnership_id = $1 and finding_id = $2 and version = $6";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(title)
        .bind(body)
        .bind(now)
        .bind(expected)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The numbers used by a subject's findings (`review_finding`) or, when `recommendations`, its
/// recommendations (`review_recommendation`).
pub async fn numbers(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    recommendations: bool,
    (kind, subject): (SubjectType, Uuid),
) -> Result<Vec<i32>> {
    let sql = if recommendations {
        "select number from review_recommendation where partnership_id = $1 and subject_type = $2 \
         and subject_id = $3"
    } else {
        "select number from review_finding where partnership_id = $1 and subject_type = $2 \
         and subject_id = $3"
    };
    Ok(on_conn!(c, |e| sqlx::query_scalar::<_, i32>(sql)
        .bind(partnership.0)
        .bind(kind.slug())
        .bind(subject)
        .fetch_all(e)
        .await)?)
}

/// A recommendation.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct RecommendationRow {
    /// Id: the stable reference the recommendations tracker keeps.
    pub recommendation_id: Uuid,
    /// notification or practice_review.
    pub subject_type: String,
    /// Subject.
    pub subject_id: Uuid,
    /// The finding of the same subject it follows from.
    pub finding_id: Option<Uuid>,
    /// Number within the subject, from 1.
    pub number: i32,
    /// Title.
    pub title: String,
    /// The recommendation.
    pub body: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
    /// Bumped by every edit.
    pub version: i32,
}

const RECOMMENDATION_SELECT: &str = "select recommendation_id, subject_type, subject_id, finding_id, \
     number, title, body, created_at, updated_at, version from review_recommendation";

/// The recommendations of a subject, by number.
pub async fn recommendations(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    kind: SubjectType,
    subject: Uuid,
) -> Result<Vec<RecommendationRow>> {
    let sql = format!(
        "{RECOMMENDATION_SELECT} where partnership_id = $1 and subject_type = $2 and subject_id = $3 \
         order by number"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, RecommendationRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(kind.slug())
    .bind(subject)
    .fetch_all(e)
    .await)?)
}

/// A recommendation of the partnership.
pub async fn find_recommendation(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
) -> Result<Option<RecommendationRow>> {
    let sql =
        format!("{RECOMMENDATION_SELECT} where partnership_id = $1 and recommendation_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, RecommendationRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id)
    .fetch_optional(e)
    .await)?)
}

/// Inserts a recommendation (version 1). A number already taken in the subject is a conflict.
pub async fn insert_recommendation(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    r: &NumberedWrite<'_>,
    finding: Option<Uuid>,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = "insert into review_recommendation (recommendation_id, partnership_id, subject_type, subject_id, \
               finding_id, number, title, body, created_by, created_at, updated_at, version) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, 1)";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(r.id)
        .bind(partnership.0)
        .bind(r.kind.slug())
        .bind(r.subject)
        .bind(finding)
        .bind(r.number)
        .bind(r.title)
        .bind(r.body)
        .bind(by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Changes a recommendation's finding, title and body if its version is still `expected` (and bumps
/// it); false when stale or not in the partnership.
pub async fn update_recommendation(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    (finding, title, body): (Option<Uuid>, &str, &str),
    expected: i32,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update review_recommendation set finding_id = $3, title = $4, body = $5, updated_at = $6, \
               version = version + 1 where partnership_id = $1 and recommendation_id = $2 and version = $7";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(finding)
        .bind(title)
        .bind(body)
        .bind(now)
        .bind(expected)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// An organisation a recommendation is addressed to.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AddresseeRow {
    /// Recommendation.
    pub recommendation_id: Uuid,
    /// Organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
}

/// The addressees of the partnership's recommendations: of one subject, or of all when `subject` is
/// `None`; by recommendation then organisation name.
pub async fn addressees(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    subject: Option<(SubjectType, Uuid)>,
) -> Result<Vec<AddresseeRow>> {
    let sql = "select a.recommendation_id, a.organisation_id, o.name as organisation_name \
               from review_recommendation_addressee a \
               join review_recommendation r on r.recommendation_id = a.recommendation_id \
               join organisation o on o.organisation_id = a.organisation_id \
               where a.partnership_id = $1 and r.partnership_id = $1 \
               and ($2 = 0 or (r.subject_type = $3 and r.subject_id = $4)) \
               order by a.recommendation_id, o.name";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, AddresseeRow>(sql)
        .bind(partnership.0)
        .bind(i64::from(subject.is_some()))
        .bind(subject.map_or("", |(k, _)| k.slug()))
        .bind(subject.map_or(Uuid::nil(), |(_, s)| s))
        .fetch_all(e)
        .await)?)
}

/// The addressees of one recommendation, by organisation name.
pub async fn addressees_of(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    recommendation: Uuid,
) -> Result<Vec<AddresseeRow>> {
    let sql = "select a.recommendation_id, a.organisation_id, o.name as organisation_name \
               from review_recommendation_addressee a join organisation o on o.organisation_id = a.organisation_id \
               where a.partnership_id = $1 and a.recommendation_id = $2 order by o.name";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, AddresseeRow>(sql)
        .bind(partnership.0)
        .bind(recommendation)
        .fetch_all(e)
        .await)?)
}

/// Replaces the addressees of a recommendation of the partnership.
pub async fn set_addressees(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    recommendation: Uuid,
    organisations: &[Uuid],
) -> Result<()> {
    let sql = "delete from review_recommendation_addressee where partnership_id = $1 and recommendation_id = $2";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(recommendation)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    for o in organisations {
        let sql = "insert into review_recommendation_addressee (recommendation_id, organisation_id, partnership_id) \
                   values ($1, $2, $3)";
        on_conn!(c, |e| sqlx::query(sql)
            .bind(recommendation)
            .bind(*o)
            .bind(partnership.0)
            .execute(e)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// A recommendation with its subject's reference, for the recommendations tracker.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct RecommendationRefRow {
    /// Id.
    pub recommendation_id: Uuid,
    /// notification or practice_review.
    pub subject_type: String,
    /// Subject.
    pub subject_id: Uuid,
    /// The subject's reference.
    pub subject_reference: String,
    /// The day the subject started.
    pub subject_started_on: NaiveDate,
    /// The finding it follows from.
    pub finding_id: Option<Uuid>,
    /// Number within the subject.
    pub number: i32,
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// Changed.
    pub updated_at: DateTime<Utc>,
    /// Version.
    pub version: i32,
}

/// Every recommendation of the partnership with its subject's reference, by subject start date,
/// reference and number.
pub async fn partnership_recommendations(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
) -> Result<Vec<RecommendationRefRow>> {
    // language=SQL
    let sql = r#"select r.recommendation_id, r.subject_type, r.subject_id, n.reference as subject_reference,
                 n.aware_on as subject_started_on, r.finding_id, r.number, r.title, r.body, r.updated_at, r.version
                 from review_recommendation r
                 join case_notification n on n.notification_id = r.subject_id and n.partnership_id = r.partnership_id
                 where r.partnership_id = $1 and r.subject_type = 'notification'
                 union all
                 select r.recommendation_id, r.subject_type, r.subject_id, p.reference as subject_reference,
                 p.commissioned_on as subject_started_on, r.finding_id, r.number, r.title, r.body, r.updated_at, r.version
                 from review_recommendation r
                 join practice_review p on p.review_id = r.subject_id and p.partnership_id = r.partnership_id
                 where r.partnership_id = $1 and r.subject_type = 'practice_review'
                 order by subject_started_on, subject_reference, number"#;
    Ok(on_conn!(c, |e| sqlx::query_as::<_, RecommendationRefRow>(
        sql
    )
    .bind(partnership.0)
    .fetch_all(e)
    .await)?)
}
