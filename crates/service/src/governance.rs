//! Governance: the board, sub-groups and task-and-finish groups (bodies) with their members,
//! meetings (planned from the body's frequency on working days, or added one at a time), agenda
//! items with papers (files of the one file store, attached to `agenda_item`), attendance by person
//! and organisation, minutes, and decisions that create actions through the action model.
//!
//! # Access
//!
//! * `ViewGovernance` reads everything here; `ManageGovernance` changes it.
//! * A decision that creates an action also needs `ManageActions` (the action model checks it), and
//!   the decision, the action and both audit entries commit in one transaction.
//! * A paper upload goes through [`crate::files::upload`] (which needs `UploadFiles`, and
//!   `ViewBoardPapers` for a board-only paper); board-only papers are absent for people who may not
//!   see them.
//! * Objects of another partnership answer `NotFound`.

use crate::{Actor, ServiceError, ServiceResult, Services};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::actions::{Source, SourceType, uk_date};
use safeguard_domain::governance::{
    AgendaItemInput, AttendanceInput, AttendanceStatus, Attended, BodyFields, BodyInput, BodyKind,
    DecisionInput, Frequency, MeetingInput, MeetingStatus, MemberInput, Membership, MinutesInput,
    NewAgendaItem, NewAttendance, NewDecision, NewMeeting, NewMember, Plan, PlanInput,
    WithdrawInput, attendance_by_agency, financial_year, optional_date, parse_minutes,
    parse_withdraw, plan_dates, would_cycle,
};
use safeguard_domain::policy::Permission;
use safeguard_domain::{ActionId, OrganisationId, PartnershipId, PersonId, ValidationErrors};
use safeguard_store::files::StoredFile;
use safeguard_store::governance::{
    self as store, AgendaRow, AttendanceRow, BodyRow, BodyWrite, DecisionRow, MeetingRow,
    MeetingWrite, MemberRow, MemberWrite,
};
use safeguard_store::organisations::Organisation;
use safeguard_store::people::PersonSummary;
use safeguard_store::{Conn, audit_log, organisations, people};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The widest range of meeting dates a list covers.
fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()
}

fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2200, 12, 31).unwrap_or_default()
}

/// A body with its members and meetings.
#[derive(Debug, Clone)]
pub struct BodyView {
    /// The body.
    pub body: BodyRow,
    /// Its memberships, current first.
    pub members: Vec<MemberRow>,
    /// Its meetings, by date.
    pub meetings: Vec<MeetingRow>,
    /// The bodies that report to it.
    pub children: Vec<BodyRow>,
    /// Terms-of-reference documents (files attached to the body that the caller may see).
    pub documents: Vec<StoredFile>,
}

/// An agenda item with its papers (those the caller may see).
#[derive(Debug, Clone)]
pub struct AgendaView {
    /// The item.
    pub item: AgendaRow,
    /// Its papers, newest first.
    pub papers: Vec<StoredFile>,
}

/// A meeting with everything recorded at it.
#[derive(Debug, Clone)]
pub struct MeetingView {
    /// The meeting.
    pub meeting: MeetingRow,
    /// Its body.
    pub body: BodyRow,
    /// The agenda, in order.
    pub agenda: Vec<AgendaView>,
    /// Attendance, by organisation.
    pub attendance: Vec<AttendanceRow>,
    /// Members of the body on the meeting's date.
    pub members: Vec<MemberRow>,
    /// Decisions, oldest first.
    pub decisions: Vec<DecisionRow>,
    /// Actions the decisions created: (decision, action, title, status).
    pub actions: Vec<(Uuid, Uuid, String, String)>,
}

/// One organisation's line of the attendance report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReportLine {
    /// Organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// Meetings it was expected at.
    pub expected: u32,
    /// Present.
    pub present: u32,
    /// Apologies.
    pub apologies: u32,
    /// Absent.
    pub absent: u32,
    /// Present as a whole percentage of expected.
    pub rate_percent: Option<u32>,
}

/// The attendance-by-agency report of a body for a financial year.
#[derive(Debug, Clone)]
pub struct AttendanceReport {
    /// The body.
    pub body: BodyRow,
    /// The year its April is in.
    pub year: i32,
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Meetings held in the year.
    pub meetings_held: usize,
    /// One line per organisation, by name.
    pub lines: Vec<ReportLine>,
}

/// The people and organisations a form may offer (the partnership's).
pub async fn choices(
    svc: &Services,
    actor: &Actor,
) -> ServiceResult<(Vec<Organisation>, Vec<PersonSummary>)> {
    actor.require(Permission::ViewGovernance)?;
    crate::actions::partnership_choices(svc, actor).await
}

/// The partnership's bodies (`ViewGovernance`).
pub async fn list_bodies(svc: &Services, actor: &Actor) -> ServiceResult<Vec<BodyRow>> {
    actor.require(Permission::ViewGovernance)?;
    let mut pc = svc.db.acquire().await?;
    Ok(store::list_bodies(&mut pc.conn(), actor.partnership_id).await?)
}

async fn load_body(c: &mut Conn<'_>, p: PartnershipId, id: Uuid) -> ServiceResult<BodyRow> {
    store::find_body(c, p, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

async fn load_meeting(c: &mut Conn<'_>, p: PartnershipId, id: Uuid) -> ServiceResult<MeetingRow> {
    store::find_meeting(c, p, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// A body with its members and meetings (`ViewGovernance`).
pub async fn get_body(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<BodyView> {
    actor.require(Permission::ViewGovernance)?;
    let mut pc = svc.db.acquire().await?;
    let p = actor.partnership_id;
    let body = load_body(&mut pc.conn(), p, id).await?;
    let members = store::list_members(&mut pc.conn(), p, id).await?;
    let meetings = store::list_meetings(&mut pc.conn(), p, id, first_day(), last_day()).await?;
    let children = store::list_bodies(&mut pc.conn(), p)
        .await?
        .into_iter()
        .filter(|b| b.parent_body_id == Some(id))
        .collect();
    drop(pc);
    let documents = attached(svc, actor, "body", id).await?;
    Ok(BodyView {
        body,
        members,
        meetings,
        children,
        documents,
    })
}

/// A body's meetings (`ViewGovernance`).
pub async fn meetings_of(
    svc: &Services,
    actor: &Actor,
    body: Uuid,
) -> ServiceResult<Vec<MeetingRow>> {
    actor.require(Permission::ViewGovernance)?;
    let mut pc = svc.db.acquire().await?;
    load_body(&mut pc.conn(), actor.partnership_id, body).await?;
    Ok(store::list_meetings(
        &mut pc.conn(),
        actor.partnership_id,
        body,
        first_day(),
        last_day(),
    )
    .await?)
}

async fn check_person(
    c: &mut Conn<'_>,
    p: PartnershipId,
    errors: &mut ValidationErrors,
    field: &str,
    person: Option<Uuid>,
) -> ServiceResult<Option<safeguard_store::people::Person>> {
    let Some(id) = person else {
        return Ok(None);
    };
    let found = people::find_in_partnership(c, p, PersonId(id)).await?;
    if found.is_none() {
        errors.add(field, "Select a person who works in this partnership");
    }
    Ok(found)
}

async fn check_org(
    c: &mut Conn<'_>,
    p: PartnershipId,
    errors: &mut ValidationErrors,
    field: &str,
    org: Option<Uuid>,
) -> ServiceResult<()> {
    if let Some(id) = org
        && organisations::find_in_partnership(c, p, OrganisationId(id))
            .await?
            .is_none()
    {
        errors.add(
            field,
            "Select an organisation that belongs to this partnership",
        );
    }
    Ok(())
}

/// Checks the parts of a body that depend on the partnership: a unique name, the chair, and the
/// parent (of this partnership, not the body itself or one of its descendants).
async fn check_body(
    c: &mut Conn<'_>,
    p: PartnershipId,
    id: Uuid,
    f: &BodyFields,
) -> ServiceResult<()> {
    let mut errors = ValidationErrors::new();
    if let Some(other) = store::find_body_by_name(c, p, &f.name).await?
        && other != id
    {
        errors.add(
            "name",
            "A body with this name already exists in the partnership",
        );
    }
    check_person(c, p, &mut errors, "chair_person_id", f.chair_person_id).await?;
    if let Some(parent) = f.parent_body_id {
        let all = store::list_bodies(c, p).await?;
        if !all.iter().any(|b| b.body_id == parent) {
            errors.add(
                "parent_body_id",
                "Select a body of this partnership from the list",
            );
        } else {
            let parent_of: BTreeMap<Uuid, Option<Uuid>> =
                all.iter().map(|b| (b.body_id, b.parent_body_id)).collect();
            if would_cycle(id, parent, &parent_of) {
                errors.add(
                    "parent_body_id",
                    "A body cannot report to itself or to a body that reports to it",
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.into())
    }
}

fn body_json(f: &BodyFields) -> serde_json::Value {
    json!({
        "name": f.name,
        "kind": f.kind.slug(),
        "meeting_frequency": f.frequency.map(Frequency::slug),
        "chair_person_id": f.chair_person_id,
        "parent_body_id": f.parent_body_id,
        "start_date": f.start_date,
        "end_date": f.end_date,
    })
}

fn write_of(f: &BodyFields) -> BodyWrite<'_> {
    BodyWrite {
        name: &f.name,
        kind: f.kind.slug(),
        meeting_frequency: f.frequency.map(Frequency::label),
        terms_of_reference: &f.terms_of_reference,
        chair_person_id: f.chair_person_id,
        parent_body_id: f.parent_body_id,
        start_date: f.start_date,
        end_date: f.end_date,
    }
}

/// Creates a body (`ManageGovernance`); returns its id.
pub async fn create_body(svc: &Services, actor: &Actor, input: &BodyInput) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageGovernance)?;
    let f = BodyFields::parse(input)?;
    let now = svc.now();
    let id = Uuid::new_v4();
    let mut tx = svc.db.begin().await?;
    check_body(&mut tx.conn(), actor.partnership_id, id, &f).await?;
    store::insert_body(&mut tx.conn(), actor.partnership_id, id, &write_of(&f), now).await?;
    let mut e = actor.entry("body.create", "body", Some(id.to_string()));
    e.after = Some(body_json(&f).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    svc.bodies.invalidate(&actor.partnership_id);
    Ok(id)
}

/// Changes a body (`ManageGovernance`).
pub async fn update_body(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &BodyInput,
) -> ServiceResult<()> {
    update_body_marking(svc, actor, id, input, None).await
}

/// Changes a body (`ManageGovernance`) and, when `panel` is given, marks or unmarks it as the case
/// review panel in the same transaction (`ManageCaseReviews` too; see
/// `case_review_admin::set_panel`).
pub async fn update_body_marking(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &BodyInput,
    panel: Option<bool>,
) -> ServiceResult<()> {
    actor.require(Permission::ManageGovernance)?;
    if panel.is_some() {
        actor.require(Permission::ManageCaseReviews)?;
    }
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let before = load_body(&mut tx.conn(), actor.partnership_id, id).await?;
    let f = BodyFields::parse(input)?;
    check_body(&mut tx.conn(), actor.partnership_id, id, &f).await?;
    store::update_body(&mut tx.conn(), actor.partnership_id, id, &write_of(&f), now).await?;
    let mut e = actor.entry("body.update", "body", Some(id.to_string()));
    e.before = Some(
        json!({"name": before.name, "kind": before.kind, "meeting_frequency": before.meeting_frequency,
               "chair_person_id": before.chair_person_id, "parent_body_id": before.parent_body_id,
               "start_date": before.start_date, "end_date": before.end_date})
        .to_string(),
    );
    e.after = Some(body_json(&f).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    if let Some(h) = panel {
        crate::case_review_admin::mark_in_tx(
            &mut tx,
            actor,
            id,
            before.handles_case_reviews,
            h,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    svc.bodies.invalidate(&actor.partnership_id);
    Ok(())
}

/// The input a form shows for an existing body.
pub fn input_of(b: &BodyRow) -> BodyInput {
    BodyInput {
        name: b.name.clone(),
        kind: b.kind.clone(),
        terms_of_reference: b.terms_of_reference.clone(),
        chair_person_id: b.chair_person_id.map(|u| u.to_string()).unwrap_or_default(),
        parent_body_id: b.parent_body_id.map(|u| u.to_string()).unwrap_or_default(),
        meeting_frequency: b
            .meeting_frequency
            .as_deref()
            .and_then(Frequency::parse_any)
            .map(|f| f.slug().to_owned())
            .unwrap_or_default(),
        start_date: b.start_date.map(|d| d.to_string()).unwrap_or_default(),
        end_date: b.end_date.map(|d| d.to_string()).unwrap_or_default(),
    }
}

/// Adds a member to a body (`ManageGovernance`); the organisation defaults to the person's own and
/// the date joined to today. Returns the membership's id.
pub async fn add_member(
    svc: &Services,
    actor: &Actor,
    body: Uuid,
    input: &MemberInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageGovernance)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let p = actor.partnership_id;
    load_body(&mut tx.conn(), p, body).await?;
    let m = NewMember::parse(input)?;
    let mut errors = ValidationErrors::new();
    let person = check_person(
        &mut tx.conn(),
        p,
        &mut errors,
        "person_id",
        Some(m.person_id),
    )
    .await?;
    check_org(
        &mut tx.conn(),
        p,
        &mut errors,
        "organisation_id",
        m.organisation_id,
    )
    .await?;
    let Some(person) = person.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    let org = m.organisation_id.unwrap_or(person.organisation_id);
    let joined = m.joined_on.unwrap_or_else(|| uk_date(now));
    let id = Uuid::new_v4();
    store::insert_member(
        &mut tx.conn(),
        p,
        &MemberWrite {
            id,
            body_id: body,
            person_id: m.person_id,
            organisation_id: org,
            role: m.role.slug(),
            joined_on: joined,
        },
        now,
    )
    .await?;
    let mut e = actor.entry("body_member.add", "body_member", Some(id.to_string()));
    e.after = Some(
        json!({"body_id": body, "person_id": m.person_id, "organisation_id": org,
               "role": m.role.slug(), "joined_on": joined})
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Ends a current membership (`ManageGovernance`) on `left_on` (empty: today); the row stays as
/// history. Returns the body's id.
pub async fn end_member(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    left_on: &str,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageGovernance)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let p = actor.partnership_id;
    let m = store::find_member(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut errors = ValidationErrors::new();
    let left =
        optional_date(&mut errors, "left_on", left_on, "Date left").unwrap_or_else(|| uk_date(now));
    if m.left_on.is_some() {
        errors.add("left_on", "This membership has already ended");
    } else if left < m.joined_on {
        errors.add("left_on", "Date left must be on or after the date joined");
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    store::end_member(&mut tx.conn(), p, id, left).await?;
    let mut e = actor.entry("body_member.end", "body_member", Some(id.to_string()));
    e.after = Some(json!({"body_id": m.body_id, "left_on": left}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(m.body_id)
}

async fn insert_meeting_audited(
    tx: &mut safeguard_store::Tx,
    actor: &Actor,
    body: Uuid,
    m: &NewMeeting,
    via: &str,
    now: DateTime<Utc>,
) -> ServiceResult<Uuid> {
    let id = Uuid::new_v4();
    store::insert_meeting(
        &mut tx.conn(),
        actor.partnership_id,
        &MeetingWrite {
            id,
            body_id: body,
            date: m.date,
            start_time: &m.start_time,
            location: &m.location,
            status: MeetingStatus::Planned.slug(),
        },
        now,
    )
    .await?;
    let mut e = actor.entry("meeting.create", "meeting", Some(id.to_string()));
    e.after = Some(
        json!({"body_id": body, "date": m.date, "start_time": m.start_time, "location": m.location, "via": via})
            .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(id)
}

/// Adds one meeting (`ManageGovernance`), planned; returns its id.
pub async fn add_meeting(
    svc: &Services,
    actor: &Actor,
    body: Uuid,
    input: &MeetingInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageGovernance)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    load_body(&mut tx.conn(), actor.partnership_id, body).await?;
    let m = NewMeeting::parse(input)?;
    let id = insert_meeting_audited(&mut tx, actor, body, &m, "ad_hoc", now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Plans a body's meetings (`ManageGovernance`): dates from the first date at the body's frequency
/// up to the end date, each on a working day of the platform calendar, skipping dates that already
/// have a meeting of the body. Returns the dates added.
pub async fn plan_meetings(
    svc: &Services,
    actor: &Actor,
    body: Uuid,
    input: &PlanInput,
) -> ServiceResult<Vec<NaiveDate>> {
    actor.require(Permission::ManageGovernance)?;
    let calendar = crate::calendar::load(svc).await?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let b = load_body(&mut tx.conn(), actor.partnership_id, body).await?;
    let plan = Plan::parse(input)?;
    let frequency = b
        .meeting_frequency
        .as_deref()
        .and_then(Frequency::parse_any);
    let frequency = match frequency {
        Some(f) if f != Frequency::AsNeeded => f,
        _ => {
            return Err(ValidationErrors::single(
                "first_date",
                "This body has no regular meeting frequency: set one, or add meetings one at a time",
            )
            .into());
        }
    };
    let existing: Vec<NaiveDate> = store::list_meetings(
        &mut tx.conn(),
        actor.partnership_id,
        body,
        plan.first,
        plan.until,
    )
    .await?
    .iter()
    .map(|m| m.meeting_date)
    .collect();
    let mut added = Vec::new();
    for d in plan_dates(&calendar, frequency, plan.first, plan.until) {
        if existing.contains(&d) {
            continue;
        }
        let m = NewMeeting {
            date: d,
            start_time: plan.start_time.clone(),
            location: plan.location.clone(),
        };
        insert_meeting_audited(&mut tx, actor, body, &m, "plan", now).await?;
        added.push(d);
    }
    tx.commit().await?;
    Ok(added)
}

/// Changes a meeting's date, time and location (`ManageGovernance`); refused for a cancelled
/// meeting (set it back to planned first). The audit entry holds the details before and after.
pub async fn update_meeting(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &MeetingInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageGovernance)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let before = load_meeting(&mut tx.conn(), p, id).await?;
    let m = NewMeeting::parse(input)?;
    if before.status == MeetingStatus::Cancelled.slug() {
        return Err(ValidationErrors::single(
            "meeting_date",
            "This meeting is cancelled: set its status back to planned before changing its details",
        )
        .into());
    }
    store::update_meeting_details(
        &mut tx.conn(),
        p,
        id,
        m.date,
        &m.start_time,
        &m.location,
        now,
    )
    .await?;
    let mut e = actor.entry("meeting.update", "meeting", Some(id.to_string()));
    e.before = Some(
        json!({"date": before.meeting_date, "start_time": before.start_time, "location": before.location})
            .to_string(),
    );
    e.after = Some(
        json!({"date": m.date, "start_time": m.start_time, "location": m.location}).to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Withdraws an agenda item added by mistake (`ManageGovernance`): it stays on record, marked
/// withdrawn with the reason, and is no longer offered for decisions. Returns its meeting's id.
pub async fn withdraw_agenda_item(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &WithdrawInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageGovernance)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let item = store::find_agenda_item(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let reason = parse_withdraw(input)?;
    if item.withdrawn_at.is_some() {
        return Err(ValidationErrors::single(
            "reason",
            "This agenda item has already been withdrawn",
        )
        .into());
    }
    store::withdraw_agenda_item(&mut tx.conn(), p, id, actor.person_id.0, &reason, now).await?;
    let mut e = actor.entry("agenda_item.withdraw", "agenda_item", Some(id.to_string()));
    e.before = Some(
        json!({"meeting_id": item.meeting_id, "position": item.position, "title": item.title})
            .to_string(),
    );
    e.after = Some(json!({"withdrawn": true, "reason": reason}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(item.meeting_id)
}

/// A membership of the partnership (`ViewGovernance`).
pub async fn get_member(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<MemberRow> {
    actor.require(Permission::ViewGovernance)?;
    let mut pc = svc.db.acquire().await?;
    store::find_member(&mut pc.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// A meeting with its agenda, papers, attendance and decisions (`ViewGovernance`).
pub async fn get_meeting(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<MeetingView> {
    actor.require(Permission::ViewGovernance)?;
    let p = actor.partnership_id;
    let (meeting, body, items, attendance, members, decisions, actions) = {
        let mut pc = svc.db.acquire().await?;
        let meeting = load_meeting(&mut pc.conn(), p, id).await?;
        let body = load_body(&mut pc.conn(), p, meeting.body_id).await?;
        let items = store::list_agenda(&mut pc.conn(), p, id).await?;
        let attendance = store::list_attendance(&mut pc.conn(), p, id).await?;
        let on = meeting.meeting_date;
        let members = store::list_members(&mut pc.conn(), p, meeting.body_id)
            .await?
            .into_iter()
            .filter(|m| m.joined_on <= on && m.left_on.is_none_or(|l| l >= on))
            .collect();
        let decisions = store::list_decisions(&mut pc.conn(), p, id).await?;
        let actions = store::decision_actions(&mut pc.conn(), p, id).await?;
        (
            meeting, body, items, attendance, members, decisions, actions,
        )
    };
    let mut agenda = Vec::new();
    for item in items {
        let papers = papers_of(svc, actor, item.agenda_item_id).await?;
        agenda.push(AgendaView { item, papers });
    }
    Ok(MeetingView {
        meeting,
        body,
        agenda,
        attendance,
        members,
        decisions,
        actions,
    })
}

/// The files attached to an object that the actor may see (none without `ViewFiles`).
async fn attached(
    svc: &Services,
    actor: &Actor,
    kind: &str,
    id: Uuid,
) -> ServiceResult<Vec<StoredFile>> {
    if !actor.can(Permission::ViewFiles) {
        return Ok(Vec::new());
    }
    let filter = crate::files::ListFilter {
        attached_to: Some((kind.to_owned(), id)),
    };
    Ok(crate::files::list(svc, actor, &filter, 1).await?.rows)
}

async fn papers_of(svc: &Services, actor: &Actor, item: Uuid) -> ServiceResult<Vec<StoredFile>> {
    attached(svc, actor, "agenda_item", item).await
}

/// An agenda item with its meeting and papers (`ViewGovernance`).
pub async fn get_agenda_item(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<(AgendaView, MeetingRow)> {
    actor.require(Permission::ViewGovernance)?;
    let (item, meeting) = {
        let mut pc = svc.db.acquire().await?;
        let item = store::find_agenda_item(&mut pc.conn(), actor.partnership_id, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let meeting = load_meeting(&mut pc.conn(), actor.partnership_id, item.meeting_id).await?;
        (item, meeting)
    };
    let papers = papers_of(svc, actor, id).await?;
    Ok((AgendaView { item, papers }, meeting))
}

/// Adds an item at the end of a meeting's agenda (`ManageGovernance`); returns its id.
pub async fn add_agenda_item(
    svc: &Services,
    actor: &Actor,
    meeting: Uuid,
    input: &AgendaItemInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageGovernance)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    load_meeting(&mut tx.conn(), p, meeting).await?;
    let a = NewAgendaItem::parse(input)?;
    let mut errors = ValidationErrors::new();
    check_person(
        &mut tx.conn(),
        p,
        &mut errors,
        "owner_person_id",
        a.owner_person_id,
    )
    .await?;
    check_org(
        &mut tx.conn(),
        p,
        &mut errors,
        "owner_organisation_id",
        a.owner_organisation_id,
    )
    .await?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let id = Uuid::new_v4();
    let position = store::insert_agenda_item(
        &mut tx.conn(),
        p,
        meeting,
        id,
        &a.title,
        a.owner_person_id,
        a.owner_organisation_id,
        now,
    )
    .await?;
    let mut e = actor.entry("agenda_item.add", "agenda_item", Some(id.to_string()));
    e.after = Some(
        json!({"meeting_id": meeting, "position": position, "title": a.title,
               "owner_person_id": a.owner_person_id, "owner_organisation_id": a.owner_organisation_id})
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// A paper to upload to an agenda item.
#[derive(Debug, Clone, Copy)]
pub struct PaperInput<'a> {
    /// The file's name.
    pub name: &'a str,
    /// Its content.
    pub bytes: &'a [u8],
    /// Description.
    pub description: Option<&'a str>,
    /// Board only.
    pub board_only: bool,
}

/// Uploads a paper to an agenda item through the file store (`ManageGovernance`, and what the file
/// store needs; refused for a withdrawn item); returns the file's id.
pub async fn upload_paper(
    svc: &Services,
    actor: &Actor,
    item: Uuid,
    paper: PaperInput<'_>,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageGovernance)?;
    {
        let mut pc = svc.db.acquire().await?;
        let found = store::find_agenda_item(&mut pc.conn(), actor.partnership_id, item)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if found.withdrawn_at.is_some() {
            return Err(ValidationErrors::single(
                "file",
                "This agenda item has been withdrawn: papers cannot be added to it",
            )
            .into());
        }
    }
    attach(svc, actor, "agenda_item", item, paper).await
}

/// Uploads a terms-of-reference document for a body through the file store (`ManageGovernance`,
/// and what the file store needs); returns the file's id.
pub async fn upload_terms(
    svc: &Services,
    actor: &Actor,
    body: Uuid,
    paper: PaperInput<'_>,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageGovernance)?;
    {
        let mut pc = svc.db.acquire().await?;
        load_body(&mut pc.conn(), actor.partnership_id, body).await?;
    }
    attach(svc, actor, "body", body, paper).await
}

async fn attach(
    svc: &Services,
    actor: &Actor,
    kind: &str,
    id: Uuid,
    paper: PaperInput<'_>,
) -> ServiceResult<Uuid> {
    let f = crate::files::upload(
        svc,
        actor,
        crate::files::UploadInput {
            name: paper.name,
            bytes: paper.bytes,
            description: paper.description,
            board_only: paper.board_only,
            attached_to: Some((kind, id)),
        },
    )
    .await?;
    Ok(f.file_id)
}

/// Records one person's attendance at a meeting (`ManageGovernance`); recording again replaces it.
/// The organisation defaults to the one their membership represents, else their own.
pub async fn record_attendance(
    svc: &Services,
    actor: &Actor,
    meeting: Uuid,
    input: &AttendanceInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageGovernance)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let m = load_meeting(&mut tx.conn(), p, meeting).await?;
    let a = NewAttendance::parse(input)?;
    let mut errors = ValidationErrors::new();
    let person = check_person(
        &mut tx.conn(),
        p,
        &mut errors,
        "person_id",
        Some(a.person_id),
    )
    .await?;
    check_person(
        &mut tx.conn(),
        p,
        &mut errors,
        "deputy_for_person_id",
        a.deputy_for_person_id,
    )
    .await?;
    check_org(
        &mut tx.conn(),
        p,
        &mut errors,
        "organisation_id",
        a.organisation_id,
    )
    .await?;
    let Some(person) = person.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    let membership_org = store::list_members(&mut tx.conn(), p, m.body_id)
        .await?
        .into_iter()
        .find(|x| {
            x.person_id == a.person_id
                && x.joined_on <= m.meeting_date
                && x.left_on.is_none_or(|l| l >= m.meeting_date)
        })
        .map(|x| x.organisation_id);
    let org = a
        .organisation_id
        .or(membership_org)
        .unwrap_or(person.organisation_id);
    write_attendance(&mut tx, actor, meeting, &a, org, now).await?;
    tx.commit().await?;
    Ok(())
}

async fn write_attendance(
    tx: &mut safeguard_store::Tx,
    actor: &Actor,
    meeting: Uuid,
    a: &NewAttendance,
    org: Uuid,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    store::record_attendance(
        &mut tx.conn(),
        actor.partnership_id,
        meeting,
        a.person_id,
        org,
        a.status.slug(),
        a.deputy_for_person_id,
        now,
    )
    .await?;
    let mut e = actor.entry("attendance.record", "meeting", Some(meeting.to_string()));
    e.after = Some(
        json!({"person_id": a.person_id, "organisation_id": org, "status": a.status.slug(),
               "deputy_for_person_id": a.deputy_for_person_id})
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(())
}

/// Records the attendance of the body's members at a meeting at once (`ManageGovernance`):
/// `statuses` maps a member's person id to present, apologies or absent (an empty status leaves
/// that member as they are). Every member must be a member of the body on the meeting's date; each
/// is recorded for the organisation their membership represents. Errors name the field
/// `status_<person id>`. Returns how many were recorded.
pub async fn record_members_attendance(
    svc: &Services,
    actor: &Actor,
    meeting: Uuid,
    statuses: &[(Uuid, String)],
) -> ServiceResult<usize> {
    actor.require(Permission::ManageGovernance)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let m = load_meeting(&mut tx.conn(), p, meeting).await?;
    let members = store::list_members(&mut tx.conn(), p, m.body_id).await?;
    let mut errors = ValidationErrors::new();
    let mut chosen = Vec::new();
    for (person, status) in statuses.iter().filter(|(_, s)| !s.trim().is_empty()) {
        let field = format!("status_{person}");
        let member = members.iter().find(|x| {
            x.person_id == *person
                && x.joined_on <= m.meeting_date
                && x.left_on.is_none_or(|l| l >= m.meeting_date)
        });
        match (member, AttendanceStatus::parse(status)) {
            (None, _) => errors.add(
                &field,
                "Record only members of the body on the meeting's date",
            ),
            (_, None) => errors.add(&field, "Select present, apologies or absent"),
            (Some(x), Some(st)) => chosen.push((
                NewAttendance {
                    person_id: *person,
                    status: st,
                    organisation_id: None,
                    deputy_for_person_id: None,
                },
                x.organisation_id,
            )),
        }
    }
    if chosen.is_empty() && errors.is_empty() {
        errors.add(
            "attendance",
            "Select present, apologies or absent for at least one member",
        );
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    for (a, org) in &chosen {
        write_attendance(&mut tx, actor, meeting, a, *org, now).await?;
    }
    tx.commit().await?;
    Ok(chosen.len())
}

/// Saves a meeting's minutes, draft or approved (`ManageGovernance`).
pub async fn set_minutes(
    svc: &Services,
    actor: &Actor,
    meeting: Uuid,
    input: &MinutesInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageGovernance)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let before = load_meeting(&mut tx.conn(), actor.partnership_id, meeting).await?;
    let (text, status) = parse_minutes(input)?;
    store::set_minutes(
        &mut tx.conn(),
        actor.partnership_id,
        meeting,
        &text,
        status.slug(),
        now,
    )
    .await?;
    let mut e = actor.entry("meeting.minutes", "meeting", Some(meeting.to_string()));
    e.before = Some(json!({"minutes_status": before.minutes_status}).to_string());
    e.after =
        Some(json!({"minutes_status": status.slug(), "chars": text.chars().count()}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a meeting's status: planned, held or cancelled (`ManageGovernance`).
pub async fn set_status(
    svc: &Services,
    actor: &Actor,
    meeting: Uuid,
    status: &str,
) -> ServiceResult<()> {
    actor.require(Permission::ManageGovernance)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let before = load_meeting(&mut tx.conn(), actor.partnership_id, meeting).await?;
    let Some(s) = MeetingStatus::parse(status) else {
        return Err(ValidationErrors::single("status", "Select planned, held or cancelled").into());
    };
    store::set_meeting_status(&mut tx.conn(), actor.partnership_id, meeting, s.slug(), now).await?;
    let mut e = actor.entry("meeting.status", "meeting", Some(meeting.to_string()));
    e.before = Some(json!({"status": before.status}).to_string());
    e.after = Some(json!({"status": s.slug()}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The label of a decision's source: "Decision: <body> <date>".
pub fn decision_label(body: &str, date: NaiveDate) -> String {
    format!("Decision: {body} {}", date.format("%-d %B %Y"))
}

/// Records a decision (`ManageGovernance`) and, when asked for, the action it creates (through the
/// action model, which needs `ManageActions`), all in one transaction. Returns the decision's id
/// and the action's.
pub async fn record_decision(
    svc: &Services,
    actor: &Actor,
    meeting: Uuid,
    input: &DecisionInput,
) -> ServiceResult<(Uuid, Option<ActionId>)> {
    actor.require(Permission::ManageGovernance)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let m = load_meeting(&mut tx.conn(), p, meeting).await?;
    let d = NewDecision::parse(input)?;
    if d.action.is_some() {
        actor.require(Permission::ManageActions)?;
    }
    if let Some(item) = d.agenda_item_id {
        let ok = store::find_agenda_item(&mut tx.conn(), p, item)
            .await?
            .is_some_and(|i| i.meeting_id == meeting && i.withdrawn_at.is_none());
        if !ok {
            return Err(ValidationErrors::single(
                "agenda_item_id",
                "Select an agenda item of this meeting",
            )
            .into());
        }
    }
    let id = Uuid::new_v4();
    store::insert_decision(
        &mut tx.conn(),
        p,
        meeting,
        id,
        d.agenda_item_id,
        &d.text,
        actor.person_id.0,
        now,
    )
    .await?;
    let mut e = actor.entry("decision.create", "decision", Some(id.to_string()));
    e.after = Some(
        json!({"meeting_id": meeting, "agenda_item_id": d.agenda_item_id, "text": d.text,
               "creates_action": d.action.is_some()})
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    let action = match &d.action {
        Some(a) => {
            let source = Source {
                kind: SourceType::Decision,
                id: Some(id),
                label: decision_label(&m.body_name, m.meeting_date),
            };
            match crate::actions::create_in_tx(&mut tx, actor, a, &source, now).await {
                Ok(action) => Some(action),
                Err(ServiceError::Invalid(errors)) => {
                    let mut renamed = ValidationErrors::new();
                    for fe in errors.0 {
                        renamed.add(&format!("action_{}", fe.field), fe.message);
                    }
                    return Err(renamed.into());
                }
                Err(other) => return Err(other),
            }
        }
        None => None,
    };
    tx.commit().await?;
    Ok((id, action))
}

/// The attendance-by-agency report of a body for the financial year starting in April of `year`
/// (`ViewGovernance`): held meetings only.
pub async fn attendance_report(
    svc: &Services,
    actor: &Actor,
    body: Uuid,
    year: i32,
) -> ServiceResult<AttendanceReport> {
    actor.require(Permission::ViewGovernance)?;
    let Some((from, to)) = financial_year(year).filter(|_| (2000..=2099).contains(&year)) else {
        return Err(ValidationErrors::single("year", "Enter a year between 2000 and 2099").into());
    };
    let p = actor.partnership_id;
    let mut pc = svc.db.acquire().await?;
    let b = load_body(&mut pc.conn(), p, body).await?;
    let meetings: Vec<(Uuid, NaiveDate)> = store::list_meetings(&mut pc.conn(), p, body, from, to)
        .await?
        .into_iter()
        .filter(|m| m.status == MeetingStatus::Held.slug())
        .map(|m| (m.meeting_id, m.meeting_date))
        .collect();
    let members: Vec<Membership> = store::list_members(&mut pc.conn(), p, body)
        .await?
        .into_iter()
        .map(|m| Membership {
            person_id: m.person_id,
            organisation_id: m.organisation_id,
            joined_on: m.joined_on,
            left_on: m.left_on,
        })
        .collect();
    let attended: Vec<Attended> = store::attendance_for_body(&mut pc.conn(), p, body, from, to)
        .await?
        .into_iter()
        .filter_map(|(meeting_id, organisation_id, status)| {
            Some(Attended {
                meeting_id,
                organisation_id,
                status: AttendanceStatus::parse(&status)?,
            })
        })
        .collect();
    let orgs = organisations::list_for_partnership(&mut pc.conn(), p).await?;
    let mut names: BTreeMap<Uuid, String> = orgs
        .into_iter()
        .map(|o| (o.organisation_id, o.name))
        .collect();
    for m in store::list_members(&mut pc.conn(), p, body).await? {
        names
            .entry(m.organisation_id)
            .or_insert(m.organisation_name);
    }
    let mut lines: Vec<ReportLine> = attendance_by_agency(&meetings, &members, &attended)
        .into_iter()
        .map(|l| ReportLine {
            organisation_id: l.organisation_id,
            organisation_name: names
                .get(&l.organisation_id)
                .cloned()
                .unwrap_or_else(|| "Unknown organisation".to_owned()),
            expected: l.expected,
            present: l.present,
            apologies: l.apologies,
            absent: l.absent,
            rate_percent: l.rate_percent(),
        })
        .collect();
    lines.sort_by(|a, b| a.organisation_name.cmp(&b.organisation_name));
    Ok(AttendanceReport {
        body: b,
        year,
        from,
        to,
        meetings_held: meetings.len(),
        lines,
    })
}

/// The label of a body kind slug.
pub fn kind_label(slug: &str) -> &'static str {
    BodyKind::parse(slug).map_or("Body", BodyKind::label)
}
