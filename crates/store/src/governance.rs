//! Governance: bodies (the `body` table of the foundation, with the columns governance adds), their
//! members, meetings, agenda items, attendance and decisions. Every function takes the partnership
//! and filters by it.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::PartnershipId;
use uuid::Uuid;

/// A body with everything governance adds, and the names a page shows.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct BodyRow {
    /// Id.
    pub body_id: Uuid,
    /// Partnership.
    pub partnership_id: Uuid,
    /// Name.
    pub name: String,
    /// board, sub_group, task_and_finish.
    pub kind: String,
    /// Meeting frequency label, such as "Monthly".
    pub meeting_frequency: Option<String>,
    /// Terms of reference.
    pub terms_of_reference: String,
    /// Chair.
    pub chair_person_id: Option<Uuid>,
    /// Chair's name.
    pub chair_name: Option<String>,
    /// The body it reports to.
    pub parent_body_id: Option<Uuid>,
    /// That body's name.
    pub parent_name: Option<String>,
    /// Start date.
    pub start_date: Option<NaiveDate>,
    /// End date.
    pub end_date: Option<NaiveDate>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
    /// Its current members may see case review records (the case review panel).
    pub handles_case_reviews: bool,
}

const BODY_SELECT: &str = "select b.body_id, b.partnership_id, b.name, b.kind, b.meeting_frequency, \
     b.terms_of_reference, b.chair_person_id, cp.name as chair_name, b.parent_body_id, pb.name as parent_name, \
     b.start_date, b.end_date, b.created_at, b.updated_at, b.handles_case_reviews \
     from body b left join person cp on cp.person_id = b.chair_person_id \
     left join body pb on pb.body_id = b.parent_body_id and pb.partnership_id = b.partnership_id";

/// A body's fields as written.
#[derive(Debug, Clone)]
pub struct BodyWrite<'a> {
    /// Name.
    pub name: &'a str,
    /// Kind slug.
    pub kind: &'a str,
    /// Frequency label.
    pub meeting_frequency: Option<&'a str>,
    /// Terms of reference.
    pub terms_of_reference: &'a str,
    /// Chair.
    pub chair_person_id: Option<Uuid>,
    /// Parent.
    pub parent_body_id: Option<Uuid>,
    /// Start.
    pub start_date: Option<NaiveDate>,
    /// End.
    pub end_date: Option<NaiveDate>,
}

/// The partnership's bodies: the board first, then sub-groups, then task-and-finish groups, by name.
pub async fn list_bodies(c: &mut Conn<'_>, partnership: PartnershipId) -> Result<Vec<BodyRow>> {
    let sql = format!(
        "{BODY_SELECT} where b.partnership_id = $1 order by case b.kind when 'board' then 0 \
         when 'sub_group' then 1 else 2 end, b.name"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, BodyRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .fetch_all(e)
    .await)?)
}

/// A body of the partnership.
pub async fn find_body(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
) -> Result<Option<BodyRow>> {
    let sql = format!("{BODY_SELECT} where b.partnership_id = $1 and b.body_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, BodyRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id)
    .fetch_optional(e)
    .await)?)
}

/// The id of the partnership's body with this name, if any.
pub async fn find_body_by_name(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    name: &str,
) -> Result<Option<Uuid>> {
    Ok(on_conn!(c, |e| sqlx::query_scalar::<_, Uuid>(
        "select body_id from body where partnership_id = $1 and name = $2"
    )
    .bind(partnership.0)
    .bind(name)
    .fetch_optional(e)
    .await)?)
}

/// Inserts a body.
pub async fn insert_body(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    b: &BodyWrite<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into body (body_id, partnership_id, name, kind, meeting_frequency, terms_of_reference,
                 chair_person_id, parent_body_id, start_date, end_date, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(partnership.0)
        .bind(b.name)
        .bind(b.kind)
        .bind(b.meeting_frequency)
        .bind(b.terms_of_reference)
        .bind(b.chair_person_id)
        .bind(b.parent_body_id)
        .bind(b.start_date)
        .bind(b.end_date)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Changes a body; false when it is not in the partnership.
pub async fn update_body(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    b: &BodyWrite<'_>,
    now: DateTime<Utc>,
) -> Result<bool> {
    // language=SQL
    let sql = r#"update body set name = $3, kind = $4, meeting_frequency = $5, terms_of_reference = $6,
                 chair_person_id = $7, parent_body_id = $8, start_date = $9, end_date = $10, updated_at = $11
                 where partnership_id = $1 and body_id = $2"#;
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(b.name)
        .bind(b.kind)
        .bind(b.meeting_frequency)
        .bind(b.terms_of_reference)
        .bind(b.chair_person_id)
        .bind(b.parent_body_id)
        .bind(b.start_date)
        .bind(b.end_date)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A membership of a body, with names.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct MemberRow {
    /// Id.
    pub body_member_id: Uuid,
    /// Body.
    pub body_id: Uuid,
    /// Person.
    pub person_id: Uuid,
    /// Their name.
    pub person_name: String,
    /// Organisation represented.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// chair, vice_chair, member, adviser.
    pub role: String,
    /// Joined.
    pub joined_on: NaiveDate,
    /// Left.
    pub left_on: Option<NaiveDate>,
}

const MEMBER_SELECT: &str = "select m.body_member_id, m.body_id, m.person_id, p.name as person_name, \
     m.organisation_id, o.name as organisation_name, m.role, m.joined_on, m.left_on \
     from body_member m join person p on p.person_id = m.person_id \
     join organisation o on o.organisation_id = m.organisation_id";

/// A membership to insert.
#[derive(Debug, Clone)]
pub struct MemberWrite<'a> {
    /// Id.
    pub id: Uuid,
    /// Body.
    pub body_id: Uuid,
    /// Person.
    pub person_id: Uuid,
    /// Organisation represented.
    pub organisation_id: Uuid,
    /// Role slug.
    pub role: &'a str,
    /// Joined.
    pub joined_on: NaiveDate,
}

/// Inserts a membership.
pub async fn insert_member(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    m: &MemberWrite<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into body_member (body_member_id, partnership_id, body_id, person_id, organisation_id, role,
                 joined_on, left_on, created_at) values ($1, $2, $3, $4, $5, $6, $7, null, $8)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(m.id)
        .bind(partnership.0)
        .bind(m.body_id)
        .bind(m.person_id)
        .bind(m.organisation_id)
        .bind(m.role)
        .bind(m.joined_on)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A body's memberships, current first (by role, then name), then past ones.
pub async fn list_members(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    body: Uuid,
) -> Result<Vec<MemberRow>> {
    let sql = format!(
        "{MEMBER_SELECT} where m.partnership_id = $1 and m.body_id = $2 order by \
         case when m.left_on is null then 0 else 1 end, case m.role when 'chair' then 0 when 'vice_chair' then 1 \
         when 'member' then 2 else 3 end, p.name, m.joined_on"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, MemberRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(body)
    .fetch_all(e)
    .await)?)
}

/// A membership of the partnership.
pub async fn find_member(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
) -> Result<Option<MemberRow>> {
    let sql = format!("{MEMBER_SELECT} where m.partnership_id = $1 and m.body_member_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, MemberRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id)
    .fetch_optional(e)
    .await)?)
}

/// Ends a current membership on `left_on`; false when it is not current or not in the partnership.
pub async fn end_member(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    left_on: NaiveDate,
) -> Result<bool> {
    let sql = "update body_member set left_on = $3 where partnership_id = $1 and body_member_id = $2 \
               and left_on is null";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(left_on)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A meeting, with its body's name.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct MeetingRow {
    /// Id.
    pub meeting_id: Uuid,
    /// Partnership.
    pub partnership_id: Uuid,
    /// Body.
    pub body_id: Uuid,
    /// Body name.
    pub body_name: String,
    /// Date.
    pub meeting_date: NaiveDate,
    /// HH:MM or empty.
    pub start_time: String,
    /// Location or empty.
    pub location: String,
    /// planned, held, cancelled.
    pub status: String,
    /// Minutes text.
    pub minutes: String,
    /// none, draft, approved.
    pub minutes_status: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

const MEETING_SELECT: &str = "select m.meeting_id, m.partnership_id, m.body_id, b.name as body_name, m.meeting_date, \
     m.start_time, m.location, m.status, m.minutes, m.minutes_status, m.created_at, m.updated_at \
     from meeting m join body b on b.body_id = m.body_id";

/// A meeting to insert.
#[derive(Debug, Clone)]
pub struct MeetingWrite<'a> {
    /// Id.
    pub id: Uuid,
    /// Body.
    pub body_id: Uuid,
    /// Date.
    pub date: NaiveDate,
    /// Time.
    pub start_time: &'a str,
    /// Location.
    pub location: &'a str,
    /// Status slug.
    pub status: &'a str,
}

/// Inserts a meeting (no minutes yet).
pub async fn insert_meeting(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    m: &MeetingWrite<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into meeting (meeting_id, partnership_id, body_id, meeting_date, start_time, location, status,
                 minutes, minutes_status, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, '', 'none', $8, $8)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(m.id)
        .bind(partnership.0)
        .bind(m.body_id)
        .bind(m.date)
        .bind(m.start_time)
        .bind(m.location)
        .bind(m.status)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A body's meetings from `from` to `to` (both included), by date.
pub async fn list_meetings(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    body: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MeetingRow>> {
    let sql = format!(
        "{MEETING_SELECT} where m.partnership_id = $1 and m.body_id = $2 and m.meeting_date >= $3 \
         and m.meeting_date <= $4 order by m.meeting_date, m.start_time, m.meeting_id"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, MeetingRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(body)
    .bind(from)
    .bind(to)
    .fetch_all(e)
    .await)?)
}

/// The partnership's most recent meetings of every body, newest first (for pickers that link to one).
pub async fn recent_meetings(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    limit: i64,
) -> Result<Vec<MeetingRow>> {
    let sql = format!(
        "{MEETING_SELECT} where m.partnership_id = $1 \
         order by m.meeting_date desc, m.start_time desc, m.meeting_id limit $2"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, MeetingRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(limit)
    .fetch_all(e)
    .await)?)
}

/// A meeting of the partnership.
pub async fn find_meeting(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
) -> Result<Option<MeetingRow>> {
    let sql = format!("{MEETING_SELECT} where m.partnership_id = $1 and m.meeting_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, MeetingRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id)
    .fetch_optional(e)
    .await)?)
}

/// How many meetings the partnership has.
pub async fn count_meetings(c: &mut Conn<'_>, partnership: PartnershipId) -> Result<i64> {
    Ok(on_conn!(c, |e| sqlx::query_scalar(
        "select count(*) from meeting where partnership_id = $1"
    )
    .bind(partnership.0)
    .fetch_one(e)
    .await)?)
}

/// Sets a meeting's status; false when it is not in the partnership.
pub async fn set_meeting_status(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    status: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update meeting set status = $3, updated_at = $4 where partnership_id = $1 and meeting_id = $2";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(status)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Sets a meeting's minutes and their status; false when it is not in the partnership.
pub async fn set_minutes(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    minutes: &str,
    minutes_status: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update meeting set minutes = $3, minutes_status = $4, updated_at = $5 \
               where partnership_id = $1 and meeting_id = $2";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(minutes)
        .bind(minutes_status)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Changes a meeting's date, time and location; false when it is not in the partnership.
pub async fn update_meeting_details(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    date: NaiveDate,
    start_time: &str,
    location: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update meeting set meeting_date = $3, start_time = $4, location = $5, updated_at = $6 \
               where partnership_id = $1 and meeting_id = $2";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(date)
        .bind(start_time)
        .bind(location)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// An agenda item, with its owner's names.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AgendaRow {
    /// Id.
    pub agenda_item_id: Uuid,
    /// Meeting.
    pub meeting_id: Uuid,
    /// Order on the agenda (1, 2, …).
    pub position: i64,
    /// Title.
    pub title: String,
    /// Owner person.
    pub owner_person_id: Option<Uuid>,
    /// Their name.
    pub owner_person_name: Option<String>,
    /// Owner organisation.
    pub owner_organisation_id: Option<Uuid>,
    /// Its name.
    pub owner_organisation_name: Option<String>,
    /// When it was withdrawn (none while it is on the agenda).
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Why it was withdrawn.
    pub withdrawn_reason: Option<String>,
}

const AGENDA_SELECT: &str = "select a.agenda_item_id, a.meeting_id, a.position, a.title, a.owner_person_id, \
     p.name as owner_person_name, a.owner_organisation_id, o.name as owner_organisation_name, \
     a.withdrawn_at, a.withdrawn_reason \
     from agenda_item a left join person p on p.person_id = a.owner_person_id \
     left join organisation o on o.organisation_id = a.owner_organisation_id";

/// Adds an item at the end of the meeting's agenda; returns its position.
#[allow(clippy::too_many_arguments)]
pub async fn insert_agenda_item(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    meeting: Uuid,
    id: Uuid,
    title: &str,
    owner_person: Option<Uuid>,
    owner_organisation: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let position: i64 = on_conn!(c, |e| {
        sqlx::query_scalar(
        "select coalesce(max(position), 0) + 1 from agenda_item where partnership_id = $1 and meeting_id = $2"
    )
    .bind(partnership.0)
    .bind(meeting)
    .fetch_one(e)
    .await
    })?;
    // language=SQL
    let sql = r#"insert into agenda_item (agenda_item_id, partnership_id, meeting_id, position, title, owner_person_id,
                 owner_organisation_id, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(partnership.0)
        .bind(meeting)
        .bind(position)
        .bind(title)
        .bind(owner_person)
        .bind(owner_organisation)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(position)
}

/// A meeting's agenda, in order.
pub async fn list_agenda(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    meeting: Uuid,
) -> Result<Vec<AgendaRow>> {
    let sql = format!(
        "{AGENDA_SELECT} where a.partnership_id = $1 and a.meeting_id = $2 order by a.position"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, AgendaRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(meeting)
    .fetch_all(e)
    .await)?)
}

/// An agenda item of the partnership.
pub async fn find_agenda_item(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
) -> Result<Option<AgendaRow>> {
    let sql = format!("{AGENDA_SELECT} where a.partnership_id = $1 and a.agenda_item_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, AgendaRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id)
    .fetch_optional(e)
    .await)?)
}

/// Withdraws an agenda item (it stays, marked withdrawn, with who, when and why); false when it is
/// not in the partnership or already withdrawn.
pub async fn withdraw_agenda_item(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    by: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update agenda_item set withdrawn_at = $3, withdrawn_by = $4, withdrawn_reason = $5 \
               where partnership_id = $1 and agenda_item_id = $2 and withdrawn_at is null";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(now)
        .bind(by)
        .bind(reason)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// One person's attendance at a meeting, with names.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AttendanceRow {
    /// Meeting.
    pub meeting_id: Uuid,
    /// Person.
    pub person_id: Uuid,
    /// Their name.
    pub person_name: String,
    /// Organisation represented.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// present, apologies, absent.
    pub status: String,
    /// The member they deputised for.
    pub deputy_for_person_id: Option<Uuid>,
    /// That member's name.
    pub deputy_for_name: Option<String>,
}

/// Records (or replaces) one person's attendance at a meeting.
#[allow(clippy::too_many_arguments)]
pub async fn record_attendance(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    meeting: Uuid,
    person: Uuid,
    organisation: Uuid,
    status: &str,
    deputy_for: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into attendance (attendance_id, partnership_id, meeting_id, person_id, organisation_id, status,
                 deputy_for_person_id, recorded_at) values ($1, $2, $3, $4, $5, $6, $7, $8)
                 on conflict (meeting_id, person_id) do update set organisation_id = excluded.organisation_id,
                 status = excluded.status, deputy_for_person_id = excluded.deputy_for_person_id,
                 recorded_at = excluded.recorded_at"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(Uuid::new_v4())
        .bind(partnership.0)
        .bind(meeting)
        .bind(person)
        .bind(organisation)
        .bind(status)
        .bind(deputy_for)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A meeting's attendance, by organisation then name.
pub async fn list_attendance(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    meeting: Uuid,
) -> Result<Vec<AttendanceRow>> {
    let sql = "select a.meeting_id, a.person_id, p.name as person_name, a.organisation_id, o.name as organisation_name, \
               a.status, a.deputy_for_person_id, d.name as deputy_for_name from attendance a \
               join person p on p.person_id = a.person_id join organisation o on o.organisation_id = a.organisation_id \
               left join person d on d.person_id = a.deputy_for_person_id \
               where a.partnership_id = $1 and a.meeting_id = $2 order by o.name, p.name";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, AttendanceRow>(sql)
        .bind(partnership.0)
        .bind(meeting)
        .fetch_all(e)
        .await)?)
}

/// Attendance at a body's meetings from `from` to `to`: (meeting, organisation, status).
pub async fn attendance_for_body(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    body: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(Uuid, Uuid, String)>> {
    let sql = "select a.meeting_id, a.organisation_id, a.status from attendance a \
               join meeting m on m.meeting_id = a.meeting_id \
               where a.partnership_id = $1 and m.partnership_id = $1 and m.body_id = $2 \
               and m.meeting_date >= $3 and m.meeting_date <= $4";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, (Uuid, Uuid, String)>(
        sql
    )
    .bind(partnership.0)
    .bind(body)
    .bind(from)
    .bind(to)
    .fetch_all(e)
    .await)?)
}

/// A decision, with its author's name.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct DecisionRow {
    /// Id.
    pub decision_id: Uuid,
    /// Meeting.
    pub meeting_id: Uuid,
    /// Agenda item.
    pub agenda_item_id: Option<Uuid>,
    /// What was decided.
    pub text: String,
    /// Who recorded it.
    pub created_by: Uuid,
    /// Their name.
    pub created_by_name: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Inserts a decision.
#[allow(clippy::too_many_arguments)]
pub async fn insert_decision(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    meeting: Uuid,
    id: Uuid,
    agenda_item: Option<Uuid>,
    text: &str,
    created_by: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into decision (decision_id, partnership_id, meeting_id, agenda_item_id, text, created_by,
                 created_at) values ($1, $2, $3, $4, $5, $6, $7)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(partnership.0)
        .bind(meeting)
        .bind(agenda_item)
        .bind(text)
        .bind(created_by)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A meeting's decisions, oldest first.
pub async fn list_decisions(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    meeting: Uuid,
) -> Result<Vec<DecisionRow>> {
    let sql = "select d.decision_id, d.meeting_id, d.agenda_item_id, d.text, d.created_by, p.name as created_by_name, \
               d.created_at from decision d join person p on p.person_id = d.created_by \
               where d.partnership_id = $1 and d.meeting_id = $2 order by d.created_at, d.decision_id";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, DecisionRow>(sql)
        .bind(partnership.0)
        .bind(meeting)
        .fetch_all(e)
        .await)?)
}

/// An action a decision of a meeting created: (decision, action, title, status).
pub async fn decision_actions(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    meeting: Uuid,
) -> Result<Vec<(Uuid, Uuid, String, String)>> {
    let sql = "select a.source_id, a.action_id, a.title, a.status from action a join decision d \
               on d.decision_id = a.source_id and d.partnership_id = a.partnership_id \
               where a.partnership_id = $1 and a.source_type = 'decision' and d.meeting_id = $2 \
               order by a.created_at, a.action_id";
    Ok(on_conn!(c, |e| sqlx::query_as::<
        _,
        (Uuid, Uuid, String, String),
    >(sql)
    .bind(partnership.0)
    .bind(meeting)
    .fetch_all(e)
    .await)?)
}
