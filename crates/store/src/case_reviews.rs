//! Case reviews: serious incident notifications, their pseudonymised children, the restricted
//! identities (read only by [`identities`], which the service calls behind an audited reveal), rapid
//! reviews with agency summaries, and the `deadline` table of every case review clock. Every function
//! takes the partnership and filters by it.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::case_reviews::CaseReviewSettings;
use safeguard_domain::{PartnershipId, PersonId};
use uuid::Uuid;

/// A notification.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct NotificationRow {
    /// Id.
    pub notification_id: Uuid,
    /// Partnership.
    pub partnership_id: Uuid,
    /// Reference.
    pub reference: String,
    /// Summary (no names).
    pub summary: String,
    /// Aware.
    pub aware_on: NaiveDate,
    /// Notified to the National Panel.
    pub notified_on: Option<NaiveDate>,
    /// Local partners informed.
    pub partners_informed_on: Option<NaiveDate>,
    /// Died.
    pub death: bool,
    /// Seriously harmed.
    pub serious_harm: bool,
    /// known, suspected, not_suspected.
    pub abuse_or_neglect: String,
    /// in_area, outside_england_resident_in_area.
    pub location: String,
    /// Looked-after child's death.
    pub looked_after_death: bool,
    /// Care leaver's death.
    pub care_leaver_death: bool,
    /// Normally resident elsewhere.
    pub resident_elsewhere: bool,
    /// Who decided.
    pub decided_by: String,
    /// Other children (free text).
    pub other_children_note: String,
    /// A rapid review chosen for a care leaver's death.
    pub rapid_review_chosen: bool,
    /// No clock or step left open.
    pub closed: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic version: each change adds one (a stale edit is refused).
    pub version: i64,
}

// `version` columns added by migration 0011 are `integer` (int4 on PostgreSQL): read as bigint.
const NOTIFICATION_SELECT: &str = "select notification_id, partnership_id, reference, summary, aware_on, notified_on, \
     partners_informed_on, death, serious_harm, abuse_or_neglect, location, looked_after_death, care_leaver_death, \
     resident_elsewhere, decided_by, other_children_note, rapid_review_chosen, closed, created_at, updated_at, \
     cast(version as bigint) as version from case_notification";

/// The fields of a notification to write.
#[derive(Debug, Clone)]
pub struct NotificationWrite<'a> {
    /// Reference.
    pub reference: &'a str,
    /// Summary.
    pub summary: &'a str,
    /// Aware.
    pub aware_on: NaiveDate,
    /// Notified.
    pub notified_on: Option<NaiveDate>,
    /// Partners informed.
    pub partners_informed_on: Option<NaiveDate>,
    /// Died.
    pub death: bool,
    /// Seriously harmed.
    pub serious_harm: bool,
    /// Slug.
    pub abuse_or_neglect: &'a str,
    /// Slug.
    pub location: &'a str,
    /// Flag.
    pub looked_after_death: bool,
    /// Flag.
    pub care_leaver_death: bool,
    /// Flag.
    pub resident_elsewhere: bool,
    /// Who decided.
    pub decided_by: &'a str,
    /// Note.
    pub other_children_note: &'a str,
    /// Flag.
    pub rapid_review_chosen: bool,
}

/// True when the partnership already has a notification with this reference (other than `except`).
pub async fn reference_taken(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    reference: &str,
    except: Option<Uuid>,
) -> Result<bool> {
    let sql = "select count(*) from case_notification where partnership_id = $1 and reference = $2 \
               and notification_id <> $3";
    let n: i64 = on_conn!(c, |e| sqlx::query_scalar(sql)
        .bind(partnership.0)
        .bind(reference)
        .bind(except.unwrap_or(Uuid::nil()))
        .fetch_one(e)
        .await)?;
    Ok(n > 0)
}

/// Inserts a notification.
pub async fn insert_notification(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    n: &NotificationWrite<'_>,
    created_by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into case_notification (notification_id, partnership_id, reference, summary, aware_on,
                 notified_on, partners_informed_on, death, serious_harm, abuse_or_neglect, location, looked_after_death,
                 care_leaver_death, resident_elsewhere, decided_by, other_children_note, rapid_review_chosen, closed,
                 created_by, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(partnership.0)
        .bind(n.reference)
        .bind(n.summary)
        .bind(n.aware_on)
        .bind(n.notified_on)
        .bind(n.partners_informed_on)
        .bind(n.death)
        .bind(n.serious_harm)
        .bind(n.abuse_or_neglect)
        .bind(n.location)
        .bind(n.looked_after_death)
        .bind(n.care_leaver_death)
        .bind(n.resident_elsewhere)
        .bind(n.decided_by)
        .bind(n.other_children_note)
        .bind(n.rapid_review_chosen)
        .bind(false)
        .bind(created_by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Changes a notification made from `version` and adds one to its version; false when it is not in
/// the partnership or its version is no longer `version` (someone else changed it: nothing written).
pub async fn update_notification(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    n: &NotificationWrite<'_>,
    version: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    // language=SQL
    let sql = r#"update case_notification set reference = $3, summary = $4, aware_on = $5, notified_on = $6,
                 partners_informed_on = $7, death = $8, serious_harm = $9, abuse_or_neglect = $10, location = $11,
                 looked_after_death = $12, care_leaver_death = $13, resident_elsewhere = $14, decided_by = $15,
                 other_children_note = $16, rapid_review_chosen = $17, updated_at = $18, version = version + 1
                 where partnership_id = $1 and notification_id = $2 and version = $19"#;
    let rows = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(n.reference)
        .bind(n.summary)
        .bind(n.aware_on)
        .bind(n.notified_on)
        .bind(n.partners_informed_on)
        .bind(n.death)
        .bind(n.serious_harm)
        .bind(n.abuse_or_neglect)
        .bind(n.location)
        .bind(n.looked_after_death)
        .bind(n.care_leaver_death)
        .bind(n.resident_elsewhere)
        .bind(n.decided_by)
        .bind(n.other_children_note)
        .bind(n.rapid_review_chosen)
        .bind(now)
        .bind(version)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(rows == 1)
}

/// Marks a notification closed or open again.
pub async fn set_closed(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    closed: bool,
) -> Result<()> {
    let sql = "update case_notification set closed = $3 where partnership_id = $1 and notification_id = $2";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(closed)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A notification of the partnership.
pub async fn find_notification(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
) -> Result<Option<NotificationRow>> {
    let sql = format!("{NOTIFICATION_SELECT} where partnership_id = $1 and notification_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, NotificationRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id)
    .fetch_optional(e)
    .await)?)
}

/// The partnership's notifications, open ones only when `open_only`, newest first, at most `limit`.
pub async fn list_notifications(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    open_only: bool,
    limit: i64,
) -> Result<Vec<NotificationRow>> {
    let sql = format!(
        "{NOTIFICATION_SELECT} where partnership_id = $1 and ($2 = 0 or closed = $3) \
         order by aware_on desc, reference limit $4"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, NotificationRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(i64::from(open_only))
    .bind(false)
    .bind(limit)
    .fetch_all(e)
    .await)?)
}

/// A child of a notification, pseudonymised (no identifiers).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ChildRow {
    /// Id.
    pub case_child_id: Uuid,
    /// Notification.
    pub notification_id: Uuid,
    /// A, B, C or D.
    pub letter: String,
    /// Age and sex.
    pub age_description: String,
}

/// The restricted identity of a child.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IdentityRow {
    /// Child.
    pub case_child_id: Uuid,
    /// Letter.
    pub letter: String,
    /// Name.
    pub full_name: String,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Case reference.
    pub case_reference: String,
}

/// The children of a notification, by letter (never their identities).
pub async fn children(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    notification: Uuid,
) -> Result<Vec<ChildRow>> {
    let sql = "select case_child_id, notification_id, letter, age_description from case_child \
               where partnership_id = $1 and notification_id = $2 order by letter";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, ChildRow>(sql)
        .bind(partnership.0)
        .bind(notification)
        .fetch_all(e)
        .await)?)
}

/// A child to insert, with its restricted identity.
#[derive(Debug, Clone)]
pub struct ChildWrite<'a> {
    /// Id.
    pub id: Uuid,
    /// Notification.
    pub notification_id: Uuid,
    /// Letter.
    pub letter: &'a str,
    /// Age and sex.
    pub age_description: &'a str,
    /// Name.
    pub full_name: &'a str,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Case reference.
    pub case_reference: &'a str,
}

/// Inserts a child and its identity (two tables: the identity is stored apart).
pub async fn insert_child(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    ch: &ChildWrite<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = "insert into case_child (case_child_id, partnership_id, notification_id, letter, age_description, \
               created_at) values ($1, $2, $3, $4, $5, $6)";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(ch.id)
        .bind(partnership.0)
        .bind(ch.notification_id)
        .bind(ch.letter)
        .bind(ch.age_description)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    let sql = "insert into case_child_identity (case_child_id, partnership_id, full_name, date_of_birth, \
               case_reference) values ($1, $2, $3, $4, $5)";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(ch.id)
        .bind(partnership.0)
        .bind(ch.full_name)
        .bind(ch.date_of_birth)
        .bind(ch.case_reference)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The restricted identities of a notification's children. Only the audited reveal calls this.
pub async fn identities(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    notification: Uuid,
) -> Result<Vec<IdentityRow>> {
    let sql = "select i.case_child_id, ch.letter, i.full_name, i.date_of_birth, i.case_reference \
               from case_child_identity i join case_child ch on ch.case_child_id = i.case_child_id \
               where i.partnership_id = $1 and ch.partnership_id = $1 and ch.notification_id = $2 order by ch.letter";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, IdentityRow>(sql)
        .bind(partnership.0)
        .bind(notification)
        .fetch_all(e)
        .await)?)
}

/// A rapid review.
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct RapidReviewRow {
    /// Notification.
    pub notification_id: Uuid,
    /// Facts and agency involvement.
    pub facts: String,
    /// Key practice episodes.
    pub key_practice_episodes: String,
    /// Immediate safety actions.
    pub immediate_actions: String,
    /// Learning so far.
    pub learning: String,
    /// Context.
    pub context: String,
    /// (a).
    pub reg11_a: String,
    /// Rationale (a).
    pub reg11_a_rationale: String,
    /// (b).
    pub reg11_b: String,
    /// Rationale (b).
    pub reg11_b_rationale: String,
    /// (c).
    pub reg11_c: String,
    /// Rationale (c).
    pub reg11_c_rationale: String,
    /// (d).
    pub reg11_d: String,
    /// Rationale (d).
    pub reg11_d_rationale: String,
    /// Panel meeting.
    pub panel_meeting_on: Option<NaiveDate>,
    /// local_cspr, no_cspr, national_review.
    pub decision: Option<String>,
    /// For no_cspr.
    pub other_learning_route: String,
    /// Why.
    pub decision_rationale: String,
    /// When decided.
    pub decided_on: Option<NaiveDate>,
    /// Sent to the National Panel.
    pub sent_to_panel_on: Option<NaiveDate>,
    /// Response received.
    pub panel_response_on: Option<NaiveDate>,
    /// agrees, disagrees, national_review.
    pub panel_outcome: Option<String>,
    /// Note.
    pub panel_response_note: String,
    /// The lead partners' sign-off, once requested.
    pub sign_off_id: Option<Uuid>,
    /// Optimistic version of the content, decision and Panel exchange (0: not started, no row).
    pub version: i64,
}

/// The rapid review of a notification, if started.
pub async fn rapid_review(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    notification: Uuid,
) -> Result<Option<RapidReviewRow>> {
    let sql = "select notification_id, facts, key_practice_episodes, immediate_actions, learning, context, \
               reg11_a, reg11_a_rationale, reg11_b, reg11_b_rationale, reg11_c, reg11_c_rationale, reg11_d, \
               reg11_d_rationale, panel_meeting_on, decision, other_learning_route, decision_rationale, decided_on, \
               sent_to_panel_on, panel_response_on, panel_outcome, panel_response_note, sign_off_id, \
               cast(version as bigint) as version from rapid_review where partnership_id = $1 and notification_id = $2";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, RapidReviewRow>(sql)
        .bind(partnership.0)
        .bind(notification)
        .fetch_optional(e)
        .await)?)
}

/// Writes the rapid review's content, decision and Panel exchange made from `r.version` (0: inserts
/// the row) and adds one to the version. False, with nothing written, when the stored version is no
/// longer `r.version` (someone else saved meanwhile) or the row belongs to another partnership.
pub async fn save_rapid_review(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    r: &RapidReviewRow,
    now: DateTime<Utc>,
) -> Result<bool> {
    // language=SQL
    let sql = r#"insert into rapid_review (notification_id, partnership_id, facts, key_practice_episodes,
                 immediate_actions, learning, context, reg11_a, reg11_a_rationale, reg11_b, reg11_b_rationale, reg11_c,
                 reg11_c_rationale, reg11_d, reg11_d_rationale, panel_meeting_on, decision, other_learning_route,
                 decision_rationale, decided_on, sent_to_panel_on, panel_response_on, panel_outcome, panel_response_note,
                 updated_at, version)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                 $22, $23, $24, $25, 1)
                 on conflict (notification_id) do update set facts = excluded.facts,
                 key_practice_episodes = excluded.key_practice_episodes, immediate_actions = excluded.immediate_actions,
                 learning = excluded.learning, context = excluded.context, reg11_a = excluded.reg11_a,
                 reg11_a_rationale = excluded.reg11_a_rationale, reg11_b = excluded.reg11_b,
                 reg11_b_rationale = excluded.reg11_b_rationale, reg11_c = excluded.reg11_c,
                 reg11_c_rationale = excluded.reg11_c_rationale, reg11_d = excluded.reg11_d,
                 reg11_d_rationale = excluded.reg11_d_rationale, panel_meeting_on = excluded.panel_meeting_on,
                 decision = excluded.decision, other_learning_route = excluded.other_learning_route,
                 decision_rationale = excluded.decision_rationale, decided_on = excluded.decided_on,
                 sent_to_panel_on = excluded.sent_to_panel_on, panel_response_on = excluded.panel_response_on,
                 panel_outcome = excluded.panel_outcome, panel_response_note = excluded.panel_response_note,
                 updated_at = excluded.updated_at, version = rapid_review.version + 1
                 where rapid_review.partnership_id = excluded.partnership_id and rapid_review.version = $26"#;
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(r.notification_id)
        .bind(partnership.0)
        .bind(&r.facts)
        .bind(&r.key_practice_episodes)
        .bind(&r.immediate_actions)
        .bind(&r.learning)
        .bind(&r.context)
        .bind(&r.reg11_a)
        .bind(&r.reg11_a_rationale)
        .bind(&r.reg11_b)
        .bind(&r.reg11_b_rationale)
        .bind(&r.reg11_c)
        .bind(&r.reg11_c_rationale)
        .bind(&r.reg11_d)
        .bind(&r.reg11_d_rationale)
        .bind(r.panel_meeting_on)
        .bind(&r.decision)
        .bind(&r.other_learning_route)
        .bind(&r.decision_rationale)
        .bind(r.decided_on)
        .bind(r.sent_to_panel_on)
        .bind(r.panel_response_on)
        .bind(&r.panel_outcome)
        .bind(&r.panel_response_note)
        .bind(now)
        .bind(r.version)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    // A first save (version 0) that finds a row already there matches no version and writes nothing.
    Ok(n == 1)
}

/// Starts an empty rapid review row for a notification if it has none (what agency summaries and the
/// sign-off hang on); never touches an existing row or its version.
pub async fn ensure_rapid_review(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    notification: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into rapid_review (notification_id, partnership_id, facts, key_practice_episodes,
                 immediate_actions, learning, context, reg11_a, reg11_a_rationale, reg11_b, reg11_b_rationale, reg11_c,
                 reg11_c_rationale, reg11_d, reg11_d_rationale, other_learning_route, decision_rationale,
                 panel_response_note, updated_at, version)
                 select $1, $2, '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', $3, 1
                 where exists (select 1 from case_notification where notification_id = $1 and partnership_id = $2)
                 on conflict (notification_id) do nothing"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(notification)
        .bind(partnership.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Links the rapid review to its sign-off.
pub async fn set_sign_off(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    notification: Uuid,
    sign_off: Uuid,
) -> Result<()> {
    let sql = "update rapid_review set sign_off_id = $3 where partnership_id = $1 and notification_id = $2";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(notification)
        .bind(sign_off)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// An agency's summary for a rapid review.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AgencyRow {
    /// Organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// Requested.
    pub requested_on: NaiveDate,
    /// Received.
    pub received_on: Option<NaiveDate>,
}

/// Records (or changes) an agency summary request of a started rapid review.
pub async fn save_agency(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    notification: Uuid,
    organisation: Uuid,
    requested_on: NaiveDate,
    received_on: Option<NaiveDate>,
) -> Result<()> {
    let sql = "insert into rapid_review_agency (notification_id, partnership_id, organisation_id, requested_on, \
               received_on) values ($1, $2, $3, $4, $5) on conflict (notification_id, organisation_id) do update \
               set requested_on = excluded.requested_on, received_on = excluded.received_on \
               where rapid_review_agency.partnership_id = excluded.partnership_id";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(notification)
        .bind(partnership.0)
        .bind(organisation)
        .bind(requested_on)
        .bind(received_on)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The agency summaries of a rapid review, by organisation name.
pub async fn agencies(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    notification: Uuid,
) -> Result<Vec<AgencyRow>> {
    let sql = "select a.organisation_id, o.name as organisation_name, a.requested_on, a.received_on \
               from rapid_review_agency a join organisation o on o.organisation_id = a.organisation_id \
               where a.partnership_id = $1 and a.notification_id = $2 order by o.name";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, AgencyRow>(sql)
        .bind(partnership.0)
        .bind(notification)
        .fetch_all(e)
        .await)?)
}

/// A stored clock.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct DeadlineRow {
    /// Subject type (notification).
    pub subject_type: String,
    /// Subject.
    pub subject_id: Uuid,
    /// Rule slug.
    pub rule: String,
    /// Day 0.
    pub basis_on: NaiveDate,
    /// Due by the rule.
    pub due_on: NaiveDate,
    /// Extended to.
    pub extended_to: Option<NaiveDate>,
    /// Why extended.
    pub extension_reason: String,
    /// Met.
    pub met_on: Option<NaiveDate>,
}

/// A clock to write: (rule, basis, due, met).
#[derive(Debug, Clone)]
pub struct DeadlineWrite<'a> {
    /// Rule slug.
    pub rule: &'a str,
    /// Day 0.
    pub basis_on: NaiveDate,
    /// Due by the rule.
    pub due_on: NaiveDate,
    /// Met.
    pub met_on: Option<NaiveDate>,
}

/// Replaces the clocks of a subject: writes each given rule (keeping an extension when the basis is
/// unchanged, dropping it when the basis moved) and deletes the subject's other rules.
pub async fn replace_deadlines(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    subject_type: &str,
    subject: Uuid,
    rows: &[DeadlineWrite<'_>],
    now: DateTime<Utc>,
) -> Result<()> {
    let keep: Vec<&str> = rows.iter().map(|r| r.rule).collect();
    let sql = "delete from deadline where partnership_id = $1 and subject_type = $2 and subject_id = $3 \
               and rule <> $4 and rule <> $5";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(subject_type)
        .bind(subject)
        .bind(keep.first().copied().unwrap_or(""))
        .bind(keep.get(1).copied().unwrap_or(""))
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    for r in rows {
        // language=SQL
        let sql = r#"insert into deadline (partnership_id, subject_type, subject_id, rule, basis_on, due_on, extended_to,
                     extension_reason, met_on, updated_at) values ($1, $2, $3, $4, $5, $6, null, '', $7, $8)
                     on conflict (partnership_id, subject_type, subject_id, rule) do update set
                     extended_to = case when deadline.basis_on = excluded.basis_on then deadline.extended_to else null end,
                     extension_reason = case when deadline.basis_on = excluded.basis_on then deadline.extension_reason else '' end,
                     basis_on = excluded.basis_on, due_on = excluded.due_on, met_on = excluded.met_on,
                     updated_at = excluded.updated_at"#;
        on_conn!(c, |e| sqlx::query(sql)
            .bind(partnership.0)
            .bind(subject_type)
            .bind(subject)
            .bind(r.rule)
            .bind(r.basis_on)
            .bind(r.due_on)
            .bind(r.met_on)
            .bind(now)
            .execute(e)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Records an extension of a clock (new due date, reason); false when there is no such clock.
pub async fn extend_deadline(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    subject_type: &str,
    subject: Uuid,
    rule: &str,
    (to, reason): (NaiveDate, &str),
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update deadline set extended_to = $5, extension_reason = $6, updated_at = $7 \
               where partnership_id = $1 and subject_type = $2 and subject_id = $3 and rule = $4";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(subject_type)
        .bind(subject)
        .bind(rule)
        .bind(to)
        .bind(reason)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

const DEADLINE_SELECT: &str = "select subject_type, subject_id, rule, basis_on, due_on, extended_to, \
     extension_reason, met_on from deadline";

/// The clocks of one subject.
pub async fn deadlines(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    subject_type: &str,
    subject: Uuid,
) -> Result<Vec<DeadlineRow>> {
    let sql = format!(
        "{DEADLINE_SELECT} where partnership_id = $1 and subject_type = $2 and subject_id = $3 order by due_on, rule"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, DeadlineRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(subject_type)
    .bind(subject)
    .fetch_all(e)
    .await)?)
}

/// The partnership's clocks not yet met, by the due date in force, at most `limit`.
pub async fn open_deadlines(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    limit: i64,
) -> Result<Vec<DeadlineRow>> {
    let sql = format!(
        "{DEADLINE_SELECT} where partnership_id = $1 and met_on is null \
         order by coalesce(extended_to, due_on), rule limit $2"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, DeadlineRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(limit)
    .fetch_all(e)
    .await)?)
}

/// Marks a body as the one whose members see case review records (or not).
pub async fn set_handles_case_reviews(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    body: Uuid,
    handles: bool,
) -> Result<bool> {
    let sql =
        "update body set handles_case_reviews = $3 where partnership_id = $1 and body_id = $2";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(body)
        .bind(handles)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// True when the person is, on `today`, a member of a body of the partnership that handles case
/// reviews.
pub async fn is_panel_member(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    person: PersonId,
    today: NaiveDate,
) -> Result<bool> {
    let sql = "select count(*) from body_member m join body b on b.body_id = m.body_id \
               where m.partnership_id = $1 and b.partnership_id = $1 and m.person_id = $2 \
               and b.handles_case_reviews = $3 and m.joined_on <= $4 and (m.left_on is null or m.left_on > $4)";
    let n: i64 = on_conn!(c, |e| sqlx::query_scalar(sql)
        .bind(partnership.0)
        .bind(person.0)
        .bind(true)
        .bind(today)
        .fetch_one(e)
        .await)?;
    Ok(n > 0)
}

/// The people of the partnership who are, on `today`, members of a body that handles case reviews
/// (for the digest).
pub async fn panel_members(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    today: NaiveDate,
) -> Result<Vec<Uuid>> {
    let sql = "select distinct m.person_id from body_member m join body b on b.body_id = m.body_id \
               where m.partnership_id = $1 and b.partnership_id = $1 and b.handles_case_reviews = $2 \
               and m.joined_on <= $3 and (m.left_on is null or m.left_on > $3)";
    Ok(on_conn!(c, |e| sqlx::query_scalar::<_, Uuid>(sql)
        .bind(partnership.0)
        .bind(true)
        .bind(today)
        .fetch_all(e)
        .await)?)
}

/// A clock due soon or overdue, for the weekly digest (any partnership).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DigestDeadline {
    /// Partnership.
    pub partnership_id: Uuid,
    /// Its name.
    pub partnership_name: String,
    /// Notification.
    pub subject_id: Uuid,
    /// Its reference.
    pub reference: String,
    /// Rule slug.
    pub rule: String,
    /// Due by the rule.
    pub due_on: NaiveDate,
    /// Extended to.
    pub extended_to: Option<NaiveDate>,
}

/// Every partnership's notification clocks not yet met whose due date in force is on or before
/// `until`, by partnership and due date.
pub async fn digest_deadlines(c: &mut Conn<'_>, until: NaiveDate) -> Result<Vec<DigestDeadline>> {
    let sql = "select d.partnership_id, p.name as partnership_name, d.subject_id, n.reference, d.rule, d.due_on, \
               d.extended_to from deadline d join case_notification n on n.notification_id = d.subject_id \
               and n.partnership_id = d.partnership_id join partnership p on p.partnership_id = d.partnership_id \
               where d.subject_type = 'notification' and d.met_on is null and coalesce(d.extended_to, d.due_on) <= $1 \
               order by d.partnership_id, coalesce(d.extended_to, d.due_on), n.reference, d.rule";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, DigestDeadline>(sql)
        .bind(until)
        .fetch_all(e)
        .await)?)
}

/// Someone to tell about the panel's deadlines.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PanelRecipient {
    /// Person.
    pub person_id: Uuid,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
}

/// The current members of the partnership's case review panel who can sign in there (not disabled,
/// holding a role in the partnership), by email.
pub async fn panel_recipients(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    today: NaiveDate,
) -> Result<Vec<PanelRecipient>> {
    let sql = "select distinct p.person_id, p.name, p.email from body_member m join body b on b.body_id = m.body_id \
               join person p on p.person_id = m.person_id \
               where m.partnership_id = $1 and b.partnership_id = $1 and b.handles_case_reviews = $2 \
               and m.joined_on <= $3 and (m.left_on is null or m.left_on > $3) and p.disabled_at is null \
               and exists (select 1 from role_grant g where g.person_id = p.person_id and g.partnership_id = $1) \
               order by p.email";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, PanelRecipient>(sql)
        .bind(partnership.0)
        .bind(true)
        .bind(today)
        .fetch_all(e)
        .await)?)
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    pre_publication_notice_days: i64,
    reminder_lead_days: String,
    version: i64,
}

/// The partnership's case review settings: its row, or the defaults (version 0) when it has none.
pub async fn get_settings(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
) -> Result<CaseReviewSettings> {
    let sql = "select cast(pre_publication_notice_days as bigint) as pre_publication_notice_days, reminder_lead_days, \
               cast(version as bigint) as version from case_review_settings \
               where partnership_id = $1";
    let row = on_conn!(c, |e| sqlx::query_as::<_, SettingsRow>(sql)
        .bind(partnership.0)
        .fetch_optional(e)
        .await)?;
    Ok(row.map_or_else(CaseReviewSettings::default, |r| {
        CaseReviewSettings::from_stored(
            r.pre_publication_notice_days,
            &r.reminder_lead_days,
            r.version,
        )
    }))
}

/// Writes the partnership's settings made from `s.version` (0: the defaults, inserting its row) and
/// adds one to the version. False, with nothing written, when the stored version is no longer
/// `s.version` (someone else saved meanwhile).
pub async fn save_settings(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    s: &CaseReviewSettings,
    now: DateTime<Utc>,
) -> Result<bool> {
    // language=SQL
    let sql = r#"insert into case_review_settings (partnership_id, pre_publication_notice_days, reminder_lead_days,
                 updated_at, version) values ($1, $2, $3, $4, 1)
                 on conflict (partnership_id) do update set
                 pre_publication_notice_days = excluded.pre_publication_notice_days,
                 reminder_lead_days = excluded.reminder_lead_days, updated_at = excluded.updated_at,
                 version = case_review_settings.version + 1
                 where case_review_settings.version = $5"#;
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(i64::from(s.pre_publication_notice_days))
        .bind(s.lead_days_text())
        .bind(now)
        .bind(s.version)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// An open clock of any subject type (notification, practice review), for the reminders.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReminderDeadline {
    /// Partnership.
    pub partnership_id: Uuid,
    /// Its name.
    pub partnership_name: String,
    /// notification, practice_review…
    pub subject_type: String,
    /// Subject.
    pub subject_id: Uuid,
    /// The subject's reference ("SIN 2022-03", "CSPR 2022-01"); empty when the subject is unknown.
    pub reference: String,
    /// Rule slug.
    pub rule: String,
    /// Due by the rule.
    pub due_on: NaiveDate,
    /// Extended to.
    pub extended_to: Option<NaiveDate>,
}

/// Every partnership's clocks not yet met whose due date in force is on or before `until`, of any
/// subject type, by partnership, due date and reference (for the reminders: references only).
pub async fn reminder_deadlines(
    c: &mut Conn<'_>,
    until: NaiveDate,
) -> Result<Vec<ReminderDeadline>> {
    // language=SQL
    let sql = r#"select d.partnership_id, p.name as partnership_name, d.subject_type, d.subject_id,
                 coalesce(n.reference, r.reference, '') as reference, d.rule, d.due_on, d.extended_to
                 from deadline d join partnership p on p.partnership_id = d.partnership_id
                 left join case_notification n on d.subject_type = 'notification'
                     and n.notification_id = d.subject_id and n.partnership_id = d.partnership_id
                 left join practice_review r on d.subject_type = 'practice_review'
                     and r.review_id = d.subject_id and r.partnership_id = d.partnership_id
                 where d.met_on is null and coalesce(d.extended_to, d.due_on) <= $1
                 order by d.partnership_id, coalesce(d.extended_to, d.due_on), reference, d.rule"#;
    Ok(on_conn!(c, |e| sqlx::query_as::<_, ReminderDeadline>(sql)
        .bind(until)
        .fetch_all(e)
        .await)?)
}

/// Whether a body of the partnership handles case reviews; `None` when there is no such body.
pub async fn body_handles_case_reviews(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    body: Uuid,
) -> Result<Option<bool>> {
    let sql = "select handles_case_reviews from body where partnership_id = $1 and body_id = $2";
    Ok(on_conn!(c, |e| sqlx::query_scalar::<_, bool>(sql)
        .bind(partnership.0)
        .bind(body)
        .fetch_optional(e)
        .await)?)
}

/// The state of a rapid review that places an open notification on the dashboard.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RapidReviewStage {
    /// Notification.
    pub notification_id: Uuid,
    /// local_cspr, no_cspr, national_review.
    pub decision: Option<String>,
    /// Sent to the National Panel.
    pub sent_to_panel_on: Option<NaiveDate>,
    /// The Panel's response.
    pub panel_outcome: Option<String>,
}

/// The rapid review stage of every open notification of the partnership, in one query (the
/// dashboard's).
pub async fn open_rapid_review_stages(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
) -> Result<Vec<RapidReviewStage>> {
    // From the partnership's notifications (indexed by partnership), each rapid review by its key.
    let sql = "select r.notification_id, r.decision, r.sent_to_panel_on, r.panel_outcome from case_notification n \
               join rapid_review r on r.notification_id = n.notification_id and r.partnership_id = $1 \
               where n.partnership_id = $1 and n.closed = $2";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, RapidReviewStage>(sql)
        .bind(partnership.0)
        .bind(false)
        .fetch_all(e)
        .await)?)
}
