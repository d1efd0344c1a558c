//! Actions and their append-only progress updates (the platform's one action model). Every function
//! on partnership data takes the partnership and filters by it, except the two that are about one
//! person across partnerships ("my actions" and the weekly digest), which join `role_grant` so that
//! an action of a partnership the person has left does not show.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::{ActionId, OrganisationId, PartnershipId, PersonId};
use uuid::Uuid;

/// An action, with the names a page shows.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Action {
    /// Id.
    pub action_id: Uuid,
    /// Partnership.
    pub partnership_id: Uuid,
    /// Partnership name.
    pub partnership_name: String,
    /// meeting, decision, case_review, recommendation, audit, other.
    pub source_type: String,
    /// The source record, if any.
    pub source_id: Option<Uuid>,
    /// What to show for the source.
    pub source_label: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Owner organisation.
    pub owner_organisation_id: Uuid,
    /// Its name.
    pub owner_organisation_name: String,
    /// Owner person.
    pub owner_person_id: Option<Uuid>,
    /// Their name.
    pub owner_person_name: Option<String>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// open, in_progress, done, cancelled.
    pub status: String,
    /// Who created it.
    pub created_by: Uuid,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic concurrency version.
    pub version: i64,
}

impl Action {
    /// Typed id.
    pub fn id(&self) -> ActionId {
        ActionId(self.action_id)
    }
}

const SELECT: &str = "select a.action_id, a.partnership_id, p.name as partnership_name, a.source_type, a.source_id, \
     a.source_label, a.title, a.description, a.owner_organisation_id, o.name as owner_organisation_name, \
     a.owner_person_id, op.name as owner_person_name, a.due_date, a.status, a.created_by, a.created_at, \
     a.updated_at, a.version \
     from action a join partnership p on p.partnership_id = a.partnership_id \
     join organisation o on o.organisation_id = a.owner_organisation_id \
     left join person op on op.person_id = a.owner_person_id";

/// What to insert.
#[derive(Debug, Clone)]
pub struct NewActionRow<'a> {
    /// Id.
    pub id: ActionId,
    /// Partnership.
    pub partnership: PartnershipId,
    /// Source type slug.
    pub source_type: &'a str,
    /// Source id.
    pub source_id: Option<Uuid>,
    /// Source label.
    pub source_label: &'a str,
    /// Title.
    pub title: &'a str,
    /// Description.
    pub description: &'a str,
    /// Owner organisation.
    pub owner_organisation: OrganisationId,
    /// Owner person.
    pub owner_person: Option<PersonId>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Status slug.
    pub status: &'a str,
    /// Creator.
    pub created_by: PersonId,
}

/// Inserts an action (version 1).
pub async fn insert(c: &mut Conn<'_>, a: &NewActionRow<'_>, now: DateTime<Utc>) -> Result<()> {
    // language=SQL
    let sql = r#"insert into action (action_id, partnership_id, source_type, source_id, source_label, title, description,
                 owner_organisation_id, owner_person_id, due_date, status, created_by, created_at, updated_at, version)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, 1)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(a.id.0)
        .bind(a.partnership.0)
        .bind(a.source_type)
        .bind(a.source_id)
        .bind(a.source_label)
        .bind(a.title)
        .bind(a.description)
        .bind(a.owner_organisation.0)
        .bind(a.owner_person.map(|p| p.0))
        .bind(a.due_date)
        .bind(a.status)
        .bind(a.created_by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Finds an action of the partnership.
pub async fn find(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: ActionId,
) -> Result<Option<Action>> {
    let sql = format!("{SELECT} where a.partnership_id = $1 and a.action_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Action>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id.0)
    .fetch_optional(e)
    .await)?)
}

/// Finds an action the person owns, in any partnership where they hold a role.
pub async fn find_owned(
    c: &mut Conn<'_>,
    person: PersonId,
    id: ActionId,
) -> Result<Option<Action>> {
    let sql = format!(
        "{SELECT} where a.action_id = $2 and a.owner_person_id = $1 and exists \
         (select 1 from role_grant g where g.partnership_id = a.partnership_id and g.person_id = $1)"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Action>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(person.0)
    .bind(id.0)
    .fetch_optional(e)
    .await)?)
}

/// Filters for the partnership's list.
#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    /// Only this status (slug).
    pub status: Option<String>,
    /// Only actions owned by this organisation.
    pub organisation: Option<Uuid>,
    /// Only overdue actions (due before `today` and open or in progress).
    pub overdue: bool,
    /// Text to find in the title (case-insensitive).
    pub text: Option<String>,
}

fn like_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

const FILTER: &str = r#"
    where a.partnership_id = $1
      and ($2 = '' or a.status = $2)
      and ($3 = 0 or a.owner_organisation_id = $4)
      and ($5 = 0 or (a.due_date < $6 and a.status in ('open', 'in_progress')))
      and ($7 = '' or lower(a.title) like $7 escape '\')
"#;

/// The partnership's actions (open and in progress first, then by due date), one page at a time,
/// with the total count. `today` is the date in England, for the overdue filter.
pub async fn list(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    filter: &ActionFilter,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Action>, i64)> {
    let status = filter.status.clone().unwrap_or_default();
    let has_org = i64::from(filter.organisation.is_some());
    let org = filter.organisation.unwrap_or(Uuid::nil());
    let overdue = i64::from(filter.overdue);
    let text = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(like_pattern)
        .unwrap_or_default();
    let sql = format!(
        "{SELECT} {FILTER} order by case when a.status in ('open', 'in_progress') then 0 else 1 end, \
         case when a.due_date is null then 1 else 0 end, a.due_date, a.created_at, a.action_id limit $8 offset $9"
    );
    let rows: Vec<Action> = on_conn!(c, |e| sqlx::query_as::<_, Action>(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(partnership.0)
    .bind(&status)
    .bind(has_org)
    .bind(org)
    .bind(overdue)
    .bind(today)
    .bind(&text)
    .bind(limit)
    .bind(offset)
    .fetch_all(e)
    .await)?;
    let count_sql = format!("select count(*) from action a {FILTER}");
    let total: i64 = on_conn!(c, |e| sqlx::query_scalar(sqlx::AssertSqlSafe(
        count_sql.as_str()
    ))
    .bind(partnership.0)
    .bind(&status)
    .bind(has_org)
    .bind(org)
    .bind(overdue)
    .bind(today)
    .bind(&text)
    .fetch_one(e)
    .await)?;
    Ok((rows, total))
}

/// "My actions": the actions the person owns in every partnership where they hold a role (live ones
/// first, then by due date), at most `limit`.
pub async fn list_for_person(
    c: &mut Conn<'_>,
    person: PersonId,
    limit: i64,
) -> Result<Vec<Action>> {
    let sql = format!(
        "{SELECT} where a.owner_person_id = $1 and a.partnership_id in \
         (select g.partnership_id from role_grant g where g.person_id = $1) \
         order by case when a.status in ('open', 'in_progress') then 0 else 1 end, \
         case when a.due_date is null then 1 else 0 end, a.due_date, a.created_at, a.action_id limit $2"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Action>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(person.0)
    .bind(limit)
    .fetch_all(e)
    .await)?)
}

/// How many actions the partnership has.
pub async fn count(c: &mut Conn<'_>, partnership: PartnershipId) -> Result<i64> {
    Ok(on_conn!(c, |e| sqlx::query_scalar(
        "select count(*) from action where partnership_id = $1"
    )
    .bind(partnership.0)
    .fetch_one(e)
    .await)?)
}

/// Takes the action's row lock for the rest of the transaction without changing it (a portable
/// stand-in for `select … for update`, which SQLite lacks; SQLite's `BEGIN IMMEDIATE` already
/// serialises writers). Concurrent changes to one action then queue instead of racing on `version`.
/// Returns false when the action is not in the partnership.
pub async fn lock(c: &mut Conn<'_>, partnership: PartnershipId, id: ActionId) -> Result<bool> {
    let sql = "update action set version = version where partnership_id = $1 and action_id = $2";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id.0)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Changes the status if the version is still `expected`; returns false on a stale version (or a
/// missing action). The version goes up by one.
pub async fn set_status(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: ActionId,
    status: &str,
    expected: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update action set status = $3, updated_at = $4, version = version + 1 \
               where partnership_id = $1 and action_id = $2 and version = $5";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id.0)
        .bind(status)
        .bind(now)
        .bind(expected)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// What an administrator can change.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    /// Owner organisation.
    pub owner_organisation: OrganisationId,
    /// Owner person.
    pub owner_person: Option<PersonId>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Status slug.
    pub status: &'a str,
}

/// Changes owner, due date and status if the version is still `expected`; false when stale.
pub async fn update_fields(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: ActionId,
    f: &Fields<'_>,
    expected: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update action set owner_organisation_id = $3, owner_person_id = $4, due_date = $5, status = $6, \
               updated_at = $7, version = version + 1 \
               where partnership_id = $1 and action_id = $2 and version = $8";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id.0)
        .bind(f.owner_organisation.0)
        .bind(f.owner_person.map(|p| p.0))
        .bind(f.due_date)
        .bind(f.status)
        .bind(now)
        .bind(expected)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A progress update, with its author's name.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Update {
    /// Id.
    pub action_update_id: Uuid,
    /// The action.
    pub action_id: Uuid,
    /// Author.
    pub author_person_id: Uuid,
    /// Their name.
    pub author_name: String,
    /// When.
    pub at: DateTime<Utc>,
    /// What happened.
    pub body: String,
    /// The status it moved the action to.
    pub new_status: Option<String>,
    /// The update it corrects.
    pub corrects_update_id: Option<Uuid>,
}

/// Appends a progress update (never edited or deleted afterwards: the database refuses). It takes
/// the next position in the action's history; concurrent appends to one action should hold its
/// [`lock`] (the unique position makes a race fail rather than reorder).
#[allow(clippy::too_many_arguments)]
pub async fn append_update(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    action: ActionId,
    id: Uuid,
    author: PersonId,
    body: &str,
    new_status: Option<&str>,
    corrects: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into action_update (action_update_id, action_id, partnership_id, author_person_id, at, body,
                 new_status, corrects_update_id, seq) values ($1, $2, $3, $4, $5, $6, $7, $8,
                 (select coalesce(max(u.seq), 0) + 1 from action_update u where u.action_id = $2))"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(action.0)
        .bind(partnership.0)
        .bind(author.0)
        .bind(now)
        .bind(body)
        .bind(new_status)
        .bind(corrects)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The action's updates, newest first.
pub async fn list_updates(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    action: ActionId,
) -> Result<Vec<Update>> {
    let sql = "select u.action_update_id, u.action_id, u.author_person_id, p.name as author_name, u.at, u.body, \
               u.new_status, u.corrects_update_id from action_update u join person p on p.person_id = u.author_person_id \
               where u.partnership_id = $1 and u.action_id = $2 order by u.seq desc";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Update>(sql)
        .bind(partnership.0)
        .bind(action.0)
        .fetch_all(e)
        .await)?)
}

/// A line of the weekly digest: a live action due by `until` (or overdue), with its owner.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DigestLine {
    /// Owner.
    pub person_id: Uuid,
    /// Their email.
    pub email: String,
    /// Their name.
    pub name: String,
    /// The action.
    pub action_id: Uuid,
    /// Its partnership.
    pub partnership_id: Uuid,
    /// Partnership name.
    pub partnership_name: String,
    /// Title.
    pub title: String,
    /// Due date.
    pub due_date: NaiveDate,
    /// Status.
    pub status: String,
    /// What to show for the source.
    pub source_label: String,
    /// The tracked recommendation it is for (source type `recommendation`), if any.
    #[sqlx(flatten)]
    pub recommendation: RecommendationRef,
}

/// The tracked recommendation an action is for, read through `action.source_id` (all `None` for
/// an action of another source, or when the recommendation is not in the action's partnership).
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct RecommendationRef {
    /// The recommendation's source's title.
    pub rec_source_title: Option<String>,
    /// Its number in the source.
    pub rec_number: Option<i32>,
    /// Its own title (empty when taken over by reference from a review recommendation).
    pub rec_title: Option<String>,
    /// The review recommendation it refers to (its text is the case review module's).
    pub rec_review_recommendation_id: Option<Uuid>,
}

/// The columns of [`RecommendationRef`] and the joins they need (on `action a`).
const REC_COLUMNS: &str = "rs.title as rec_source_title, tr.number as rec_number, tr.title as rec_title, \
     tr.review_recommendation_id as rec_review_recommendation_id";
const REC_JOIN: &str = "left join tracked_recommendation tr on a.source_type = 'recommendation' \
     and tr.recommendation_id = a.source_id and tr.partnership_id = a.partnership_id \
     left join recommendation_source rs on rs.source_id = tr.source_id and rs.partnership_id = a.partnership_id";

/// The digest: per person (enabled accounts only), open and in-progress actions they own that are
/// due on or before `until` (which includes every overdue one), in partnerships where they hold a
/// role; ordered by person then due date.
pub async fn digest(c: &mut Conn<'_>, until: NaiveDate) -> Result<Vec<DigestLine>> {
    let sql = format!(
        "select p.person_id, p.email, p.name, a.action_id, a.partnership_id, pt.name as partnership_name, \
               a.title, a.due_date, a.status, a.source_label, {REC_COLUMNS} \
               from action a join person p on p.person_id = a.owner_person_id \
               join partnership pt on pt.partnership_id = a.partnership_id {REC_JOIN} \
               where a.status in ('open', 'in_progress') and a.due_date is not null and a.due_date <= $1 \
               and p.disabled_at is null and exists (select 1 from role_grant g where g.person_id = p.person_id \
               and g.partnership_id = a.partnership_id) order by p.email, a.due_date, a.action_id"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, DigestLine>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(until)
    .fetch_all(e)
    .await)?)
}

/// The actions a record created (source type and id, such as a tracked recommendation), by due
/// date then creation. The ids are filtered in SQL (`source_id in ($3, $4, …)`, one placeholder per
/// id); no ids finds nothing.
pub async fn by_source(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    source_type: &str,
    source_ids: &[Uuid],
) -> Result<Vec<Action>> {
    if source_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = (0..source_ids.len())
        .map(|i| format!("${}", i + 3))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "{SELECT} where a.partnership_id = $1 and a.source_type = $2 and a.source_id in ({placeholders}) \
         order by case when a.due_date is null then 1 else 0 end, a.due_date, a.created_at, a.action_id"
    );
    Ok(on_conn!(c, |e| {
        let mut q = sqlx::query_as::<_, Action>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(partnership.0)
            .bind(source_type);
        for id in source_ids {
            q = q.bind(*id);
        }
        q.fetch_all(e).await
    })?)
}

/// An overdue action not yet escalated for its current due date, with what the email names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EscalationCandidate {
    /// The action.
    pub action_id: Uuid,
    /// Its partnership.
    pub partnership_id: Uuid,
    /// Partnership name.
    pub partnership_name: String,
    /// Title.
    pub title: String,
    /// What to show for the source.
    pub source_label: String,
    /// Owner organisation.
    pub owner_organisation_id: Uuid,
    /// Its name.
    pub owner_organisation_name: String,
    /// Owner person's name.
    pub owner_person_name: Option<String>,
    /// The due date that passed.
    pub due_date: NaiveDate,
    /// open or in_progress.
    pub status: String,
    /// The tracked recommendation it is for, if any.
    #[sqlx(flatten)]
    pub recommendation: RecommendationRef,
}

/// Every partnership's open and in-progress actions of `source_type` due before `today` that have
/// no escalation for their current due date, by partnership then due date. (For the daily job,
/// which runs across partnerships.)
pub async fn escalation_candidates(
    c: &mut Conn<'_>,
    source_type: &str,
    today: NaiveDate,
) -> Result<Vec<EscalationCandidate>> {
    let sql = format!(
        "select a.action_id, a.partnership_id, pt.name as partnership_name, a.title, a.source_label, \
         a.owner_organisation_id, o.name as owner_organisation_name, op.name as owner_person_name, \
         a.due_date, a.status, {REC_COLUMNS} \
         from action a join partnership pt on pt.partnership_id = a.partnership_id \
         join organisation o on o.organisation_id = a.owner_organisation_id \
         left join person op on op.person_id = a.owner_person_id {REC_JOIN} \
         where a.source_type = $1 and a.status in ('open', 'in_progress') and a.due_date is not null \
         and a.due_date < $2 and not exists (select 1 from action_escalation x \
         where x.action_id = a.action_id and x.due_date = a.due_date) \
         order by a.partnership_id, a.due_date, a.action_id"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, EscalationCandidate>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(source_type)
    .bind(today)
    .fetch_all(e)
    .await)?)
}

/// Someone an escalation goes to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EscalationRecipient {
    /// Person.
    pub person_id: Uuid,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
}

/// The enabled people holding `role` in the partnership, only those of `organisation` when given,
/// by email.
pub async fn role_holders(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    role: &str,
    organisation: Option<OrganisationId>,
) -> Result<Vec<EscalationRecipient>> {
    let sql = "select p.person_id, p.name, p.email from role_grant g join person p on p.person_id = g.person_id \
               where g.partnership_id = $1 and g.role = $2 and p.disabled_at is null \
               and ($3 = 0 or p.organisation_id = $4) order by p.email";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, EscalationRecipient>(
        sql
    )
    .bind(partnership.0)
    .bind(role)
    .bind(i64::from(organisation.is_some()))
    .bind(organisation.map_or(Uuid::nil(), |o| o.0))
    .fetch_all(e)
    .await)?)
}

/// Records (claims) the escalation of an action for a due date; false when it was already
/// escalated for that date (so nothing is sent twice, even by two instances at once).
#[allow(clippy::too_many_arguments)]
pub async fn record_escalation(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    action: ActionId,
    due_date: NaiveDate,
    recipient_role: &str,
    recipient_names: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "insert into action_escalation (action_id, partnership_id, due_date, escalated_at, recipient_role, \
               recipient_names) values ($1, $2, $3, $4, $5, $6) on conflict (action_id, due_date) do nothing";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(action.0)
        .bind(partnership.0)
        .bind(due_date)
        .bind(now)
        .bind(recipient_role)
        .bind(recipient_names)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// For generated data (`safeguard generate`): records the escalation of every action of
/// `source_type` in the partnership that was overdue and not done before `today`, as the daily job
/// would have done on a running system. Without this, the first scheduler tick after generation
/// would escalate years of generated history at once (and disturb the benchmark). Returns the rows.
pub async fn record_generated_escalations(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    source_type: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<u64> {
    let sql = "insert into action_escalation (action_id, partnership_id, due_date, escalated_at, recipient_role, \
               recipient_names) select a.action_id, a.partnership_id, a.due_date, $4, 'agency_lead', \
               'the agency safeguarding lead (generated data)' from action a where a.partnership_id = $1 \
               and a.source_type = $2 and a.status in ('open', 'in_progress') and a.due_date is not null \
               and a.due_date < $3 on conflict (action_id, due_date) do nothing";
    Ok(on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(source_type)
        .bind(today)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?)
}

/// An escalation of an action, as its page shows it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Escalation {
    /// The due date that passed.
    pub due_date: NaiveDate,
    /// When the email was queued.
    pub escalated_at: DateTime<Utc>,
    /// agency_lead or partnership_administrator.
    pub recipient_role: String,
    /// Who it went to.
    pub recipient_names: String,
}

/// An action's escalations, oldest first.
pub async fn escalations(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    action: ActionId,
) -> Result<Vec<Escalation>> {
    let sql = "select due_date, escalated_at, recipient_role, recipient_names from action_escalation \
               where partnership_id = $1 and action_id = $2 order by escalated_at, due_date";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Escalation>(sql)
        .bind(partnership.0)
        .bind(action.0)
        .fetch_all(e)
        .await)?)
}

/// A generated action with one progress update (for `safeguard generate`).
#[derive(Debug, Clone)]
pub struct GenAction {
    /// Id.
    pub id: Uuid,
    /// Source type slug.
    pub source_type: &'static str,
    /// Source id.
    pub source_id: Option<Uuid>,
    /// Source label.
    pub source_label: String,
    /// Title.
    pub title: String,
    /// Owner organisation.
    pub owner_organisation: Uuid,
    /// Owner person.
    pub owner_person: Option<Uuid>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Status slug.
    pub status: &'static str,
    /// Creator (and the update's author).
    pub created_by: Uuid,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Its progress update: id, text and when.
    pub update: (Uuid, &'static str, DateTime<Utc>),
}

/// Writes generated actions (version 1) and their one progress update each, in multi-row inserts.
pub async fn insert_batch(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    rows: &[GenAction],
) -> Result<()> {
    let p = partnership.0;
    crate::batch_insert!(
        c,
        "insert into action (action_id, partnership_id, source_type, source_id, source_label, title, description, \
         owner_organisation_id, owner_person_id, due_date, status, created_by, created_at, updated_at, version)",
        15,
        rows,
        |q, a| q
            .bind(a.id)
            .bind(p)
            .bind(a.source_type)
            .bind(a.source_id)
            .bind(&a.source_label)
            .bind(&a.title)
            .bind("Generated for benchmarks.")
            .bind(a.owner_organisation)
            .bind(a.owner_person)
            .bind(a.due_date)
            .bind(a.status)
            .bind(a.created_by)
            .bind(a.created_at)
            .bind(a.update.2)
            .bind(1_i64)
    );
    crate::batch_insert!(
        c,
        "insert into action_update (action_update_id, action_id, partnership_id, author_person_id, at, body, \
         new_status, corrects_update_id, seq)",
        9,
        rows,
        |q, a| q
            .bind(a.update.0)
            .bind(a.id)
            .bind(p)
            .bind(a.created_by)
            .bind(a.update.2)
            .bind(a.update.1)
            .bind(None::<&str>)
            .bind(None::<Uuid>)
            .bind(1_i64)
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Evidence on actions (`action_evidence`): documents of the file store or https links, with who
// added them and when. Never changed or deleted.

/// Evidence on an action, with who added it and the document's name.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ActionEvidenceRow {
    /// Id.
    pub evidence_id: Uuid,
    /// The action.
    pub action_id: Uuid,
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

/// Adds evidence to an action of the partnership: a document (`file_id`) or a link (`url`).
pub async fn insert_evidence(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    action: ActionId,
    (file_id, url, label): (Option<Uuid>, &str, &str),
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let id = Uuid::new_v4();
    let sql = "insert into action_evidence (evidence_id, partnership_id, action_id, file_id, url, label, added_by, \
               added_at) values ($1, $2, $3, $4, $5, $6, $7, $8)";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(partnership.0)
        .bind(action.0)
        .bind(file_id)
        .bind(url)
        .bind(label)
        .bind(by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(id)
}

const EVIDENCE_SELECT: &str = "select v.evidence_id, v.action_id, v.file_id, f.original_name as file_name, v.url, v.label, \
     v.added_by, p.name as added_by_name, v.added_at \
     from action_evidence v join action a on a.action_id = v.action_id \
     join person p on p.person_id = v.added_by \
     left join stored_file f on f.file_id = v.file_id and f.deleted_at is null";

/// The evidence of one action, oldest first. Board-only documents show only with `include_board`.
pub async fn evidence_of_action(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    action: ActionId,
    include_board: bool,
) -> Result<Vec<ActionEvidenceRow>> {
    let sql = format!(
        "{EVIDENCE_SELECT} where v.partnership_id = $1 and a.partnership_id = $1 and v.action_id = $2 \
         and ($3 = 1 or v.file_id is null or f.visibility = 'partnership') \
         order by v.added_at, v.evidence_id"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, ActionEvidenceRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(action.0)
    .bind(i64::from(include_board))
    .fetch_all(e)
    .await)?)
}

/// The evidence of every action of one source object (such as a tracked recommendation), by action
/// and oldest first. Board-only documents show only with `include_board`.
pub async fn evidence_by_source(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    source_type: &str,
    source_id: Uuid,
    include_board: bool,
) -> Result<Vec<ActionEvidenceRow>> {
    let sql = format!(
        "{EVIDENCE_SELECT} where v.partnership_id = $1 and a.partnership_id = $1 and a.source_type = $2 \
         and a.source_id = $3 and ($4 = 1 or v.file_id is null or f.visibility = 'partnership') \
         order by v.action_id, v.added_at, v.evidence_id"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, ActionEvidenceRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(source_type)
    .bind(source_id)
    .bind(i64::from(include_board))
    .fetch_all(e)
    .await)?)
}
