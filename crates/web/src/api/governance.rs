//! The governance API: bodies (list, one with its members, add, change), members (add, end), a
//! body's meetings (list, plan, add), a meeting with its agenda, attendance and decisions (change its
//! date, time and location or its status, add and withdraw agenda items, record attendance, save
//! minutes, record a decision optionally creating an action) and the attendance-by-agency report.
//! The same use cases and access rules as the pages. A handler loads the object first, so another
//! partnership's object answers 404 whatever the request body.

use super::{Problem, bad};
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use safeguard_domain::governance::{
    AgendaItemInput, AttendanceInput, BodyInput, DecisionInput, Frequency, MeetingInput,
    MemberInput, MinutesInput, PlanInput, WithdrawInput,
};
use safeguard_service::governance::{self as gov, MeetingView};
use safeguard_service::{Actor, ServiceError};
use safeguard_store::governance::{BodyRow, MeetingRow, MemberRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

/// A body.
#[derive(Serialize, ToSchema)]
pub struct BodyOut {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// board, sub_group or task_and_finish.
    pub kind: String,
    /// weekly, monthly, bi_monthly, quarterly, twice_yearly, annually or as_needed.
    pub meeting_frequency: Option<String>,
    /// Terms of reference.
    pub terms_of_reference: String,
    /// Chair's person id.
    pub chair_person_id: Option<Uuid>,
    /// Chair's name.
    pub chair_name: Option<String>,
    /// The body it reports to.
    pub parent_body_id: Option<Uuid>,
    /// Start date.
    pub start_date: Option<NaiveDate>,
    /// End date.
    pub end_date: Option<NaiveDate>,
    /// Its current members may see case review records (the case review panel).
    pub handles_case_reviews: bool,
}

fn body_out(b: BodyRow) -> BodyOut {
    BodyOut {
        handles_case_reviews: b.handles_case_reviews,
        id: b.body_id,
        meeting_frequency: b
            .meeting_frequency
            .as_deref()
            .and_then(Frequency::parse_any)
            .map(|f| f.slug().to_owned()),
        name: b.name,
        kind: b.kind,
        terms_of_reference: b.terms_of_reference,
        chair_person_id: b.chair_person_id,
        chair_name: b.chair_name,
        parent_body_id: b.parent_body_id,
        start_date: b.start_date,
        end_date: b.end_date,
    }
}

/// A membership.
#[derive(Serialize, ToSchema)]
pub struct MemberOut {
    /// Membership id.
    pub id: Uuid,
    /// Person id.
    pub person_id: Uuid,
    /// Name.
    pub person_name: String,
    /// Organisation represented.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// chair, vice_chair, member or adviser.
    pub role: String,
    /// Joined.
    pub joined_on: NaiveDate,
    /// Left (none while current).
    pub left_on: Option<NaiveDate>,
}

fn member_out(m: MemberRow) -> MemberOut {
    MemberOut {
        id: m.body_member_id,
        person_id: m.person_id,
        person_name: m.person_name,
        organisation_id: m.organisation_id,
        organisation_name: m.organisation_name,
        role: m.role,
        joined_on: m.joined_on,
        left_on: m.left_on,
    }
}

/// A body with its members (current and past).
#[derive(Serialize, ToSchema)]
pub struct BodyDetail {
    /// The body.
    pub body: BodyOut,
    /// Its memberships.
    pub members: Vec<MemberOut>,
}

/// A meeting.
#[derive(Serialize, ToSchema)]
pub struct MeetingOut {
    /// Id.
    pub id: Uuid,
    /// Body id.
    pub body_id: Uuid,
    /// Body name.
    pub body_name: String,
    /// Date.
    pub date: NaiveDate,
    /// HH:MM, or empty.
    pub start_time: String,
    /// Location, or empty.
    pub location: String,
    /// planned, held or cancelled.
    pub status: String,
    /// none, draft or approved.
    pub minutes_status: String,
}

fn meeting_out(m: &MeetingRow) -> MeetingOut {
    MeetingOut {
        id: m.meeting_id,
        body_id: m.body_id,
        body_name: m.body_name.clone(),
        date: m.meeting_date,
        start_time: m.start_time.clone(),
        location: m.location.clone(),
        status: m.status.clone(),
        minutes_status: m.minutes_status.clone(),
    }
}

/// An agenda item (withdrawn items stay, marked withdrawn).
#[derive(Serialize, ToSchema)]
pub struct AgendaItemOut {
    /// Id.
    pub id: Uuid,
    /// Order (1, 2, …).
    pub position: i64,
    /// Title.
    pub title: String,
    /// Owner person.
    pub owner_person_id: Option<Uuid>,
    /// Owner organisation.
    pub owner_organisation_id: Option<Uuid>,
    /// The ids of its papers (files the caller may see; download from /api/v1/files/{id}).
    pub paper_ids: Vec<Uuid>,
    /// Whether it was withdrawn (added by mistake).
    pub withdrawn: bool,
    /// Why it was withdrawn.
    pub withdrawn_reason: Option<String>,
}

fn agenda_out(a: gov::AgendaView) -> AgendaItemOut {
    AgendaItemOut {
        id: a.item.agenda_item_id,
        position: a.item.position,
        title: a.item.title,
        owner_person_id: a.item.owner_person_id,
        owner_organisation_id: a.item.owner_organisation_id,
        paper_ids: a.papers.iter().map(|f| f.file_id).collect(),
        withdrawn: a.item.withdrawn_at.is_some(),
        withdrawn_reason: a.item.withdrawn_reason,
    }
}

/// One person's attendance.
#[derive(Serialize, ToSchema)]
pub struct AttendanceOut {
    /// Person.
    pub person_id: Uuid,
    /// Name.
    pub person_name: String,
    /// Organisation represented.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// present, apologies or absent.
    pub status: String,
    /// The member they deputised for.
    pub deputy_for_person_id: Option<Uuid>,
}

fn attendance_out(a: safeguard_store::governance::AttendanceRow) -> AttendanceOut {
    AttendanceOut {
        person_id: a.person_id,
        person_name: a.person_name,
        organisation_id: a.organisation_id,
        organisation_name: a.organisation_name,
        status: a.status,
        deputy_for_person_id: a.deputy_for_person_id,
    }
}

/// A decision.
#[derive(Serialize, ToSchema)]
pub struct DecisionOut {
    /// Id.
    pub id: Uuid,
    /// What was decided.
    pub text: String,
    /// The agenda item.
    pub agenda_item_id: Option<Uuid>,
    /// The actions it created.
    pub action_ids: Vec<Uuid>,
}

/// A meeting with its agenda, attendance, minutes and decisions.
#[derive(Serialize, ToSchema)]
pub struct MeetingDetail {
    /// The meeting.
    pub meeting: MeetingOut,
    /// Minutes text.
    pub minutes: String,
    /// The agenda, in order.
    pub agenda: Vec<AgendaItemOut>,
    /// Attendance.
    pub attendance: Vec<AttendanceOut>,
    /// Decisions, oldest first.
    pub decisions: Vec<DecisionOut>,
}

fn meeting_detail(v: MeetingView) -> MeetingDetail {
    MeetingDetail {
        meeting: meeting_out(&v.meeting),
        minutes: v.meeting.minutes.clone(),
        agenda: v.agenda.into_iter().map(agenda_out).collect(),
        attendance: v.attendance.into_iter().map(attendance_out).collect(),
        decisions: v
            .decisions
            .into_iter()
            .map(|d| DecisionOut {
                action_ids: v
                    .actions
                    .iter()
                    .filter(|(dec, _, _, _)| *dec == d.decision_id)
                    .map(|(_, a, _, _)| *a)
                    .collect(),
                id: d.decision_id,
                text: d.text,
                agenda_item_id: d.agenda_item_id,
            })
            .collect(),
    }
}

/// One organisation's attendance in the year.
#[derive(Serialize, ToSchema)]
pub struct AgencyAttendanceOut {
    /// Organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// Held meetings it was expected at.
    pub expected: u32,
    /// Present.
    pub present: u32,
    /// Apologies.
    pub apologies: u32,
    /// Absent.
    pub absent: u32,
    /// Present as a whole percentage of expected (none when expected at none).
    pub rate_percent: Option<u32>,
}

/// The attendance-by-agency report of a body for a financial year (April to March).
#[derive(Serialize, ToSchema)]
pub struct AttendanceReportOut {
    /// Body id.
    pub body_id: Uuid,
    /// The year its April is in.
    pub year: i32,
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Meetings held.
    pub meetings_held: usize,
    /// One line per organisation, by name.
    pub agencies: Vec<AgencyAttendanceOut>,
}

/// A new body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyIn {
    /// Name (up to 200 characters, unique in the partnership).
    #[schema(max_length = 200)]
    pub name: String,
    /// board, sub_group or task_and_finish.
    pub kind: String,
    /// Terms of reference (up to 20,000 characters).
    #[schema(max_length = 20000)]
    pub terms_of_reference: Option<String>,
    /// Chair's person id (works in this partnership).
    pub chair_person_id: Option<String>,
    /// The id of the body it reports to (of this partnership).
    pub parent_body_id: Option<String>,
    /// weekly, monthly, bi_monthly, quarterly, twice_yearly, annually or as_needed.
    pub meeting_frequency: Option<String>,
    /// Start date, YYYY-MM-DD (2000 to 2100).
    #[schema(value_type = Option<String>, format = Date)]
    pub start_date: Option<String>,
    /// End date, YYYY-MM-DD (2000 to 2100, on or after the start).
    #[schema(value_type = Option<String>, format = Date)]
    pub end_date: Option<String>,
    /// Changing a body only (administrators): true marks it as the case review panel, whose current
    /// members may then see case review records; false unmarks it; left out, unchanged (never
    /// cleared). Adding a body cannot mark it.
    pub handles_case_reviews: Option<bool>,
}

/// A decision, optionally creating an action (give `action_title` and
/// `action_owner_organisation_id`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    /// What was decided (up to 20,000 characters).
    #[schema(max_length = 20000)]
    pub decision: String,
    /// The agenda item of this meeting it is about.
    pub agenda_item_id: Option<String>,
    /// The action's title (up to 200 characters).
    #[schema(max_length = 200)]
    pub action_title: Option<String>,
    /// The action's owner organisation.
    pub action_owner_organisation_id: Option<String>,
    /// The action's owner person (works for the owner organisation).
    pub action_owner_person_id: Option<String>,
    /// The action's due date, YYYY-MM-DD.
    #[schema(value_type = Option<String>, format = Date)]
    pub action_due_date: Option<String>,
}

/// A recorded decision.
#[derive(Serialize, ToSchema)]
pub struct DecisionCreated {
    /// The decision's id.
    pub decision_id: Uuid,
    /// The action it created, if any.
    pub action_id: Option<Uuid>,
}

/// The report's year.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    /// The financial year, by the year of its April (2022 is April 2022 to March 2023); the
    /// current one when absent.
    #[param(minimum = 2000, maximum = 2099)]
    pub year: Option<i32>,
}

fn id_of(p: Result<Path<String>, PathRejection>) -> Result<Uuid, ApiError> {
    let Path(s) = p.map_err(bad)?;
    s.parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))
}

/// The partnership's bodies.
#[utoipa::path(get, path = "/api/v1/bodies", tag = "governance", security(("bearer" = [])),
    responses((status = 200, body = Vec<BodyOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_bodies(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<Vec<BodyOut>>, ApiError> {
    let rows = gov::list_bodies(&s.svc, &actor).await?;
    Ok(Json(rows.into_iter().map(body_out).collect()))
}

async fn detail(s: &AppState, actor: &Actor, id: Uuid) -> Result<BodyDetail, ApiError> {
    let v = gov::get_body(&s.svc, actor, id).await?;
    Ok(BodyDetail {
        body: body_out(v.body),
        members: v.members.into_iter().map(member_out).collect(),
    })
}

/// Adds a body.
#[utoipa::path(post, path = "/api/v1/bodies", tag = "governance", request_body = BodyIn, security(("bearer" = [])),
    responses((status = 201, body = BodyDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_body(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<BodyIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(bad)?;
    if b.handles_case_reviews == Some(true) {
        return Err(ApiError(AppError::Service(ServiceError::Invalid(
            safeguard_domain::ValidationErrors::single(
                "handles_case_reviews",
                "Mark a body as the case review panel by changing it once it has been added",
            ),
        ))));
    }
    let id = gov::create_body(&s.svc, &actor, &body_input(b)?).await?;
    Ok((StatusCode::CREATED, Json(detail(&s, &actor, id).await?)).into_response())
}

/// One body with its members.
#[utoipa::path(get, path = "/api/v1/bodies/{id}", tag = "governance", params(("id" = String, Path, description = "Body id")), security(("bearer" = [])),
    responses((status = 200, body = BodyDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_body(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<BodyDetail>, ApiError> {
    let id = id_of(p)?;
    Ok(Json(detail(&s, &actor, id).await?))
}

/// A body's meetings, by date.
#[utoipa::path(get, path = "/api/v1/bodies/{id}/meetings", tag = "governance", params(("id" = String, Path, description = "Body id")), security(("bearer" = [])),
    responses((status = 200, body = Vec<MeetingOut>), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn body_meetings(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<Vec<MeetingOut>>, ApiError> {
    let id = id_of(p)?;
    let rows = gov::meetings_of(&s.svc, &actor, id).await?;
    Ok(Json(rows.iter().map(meeting_out).collect()))
}

/// The attendance-by-agency report of a body for a financial year.
#[utoipa::path(get, path = "/api/v1/bodies/{id}/attendance", tag = "governance", params(("id" = String, Path, description = "Body id"), YearParams), security(("bearer" = [])),
    responses((status = 200, body = AttendanceReportOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn body_attendance(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    q: Result<Query<YearParams>, QueryRejection>,
) -> Result<Json<AttendanceReportOut>, ApiError> {
    let id = id_of(p)?;
    let Query(q) = q.map_err(bad)?;
    let year = q.year.unwrap_or_else(|| {
        safeguard_domain::governance::financial_year_of(safeguard_domain::actions::uk_date(
            s.svc.now(),
        ))
    });
    let r = gov::attendance_report(&s.svc, &actor, id, year).await?;
    Ok(Json(AttendanceReportOut {
        body_id: r.body.body_id,
        year: r.year,
        from: r.from,
        to: r.to,
        meetings_held: r.meetings_held,
        agencies: r
            .lines
            .into_iter()
            .map(|l| AgencyAttendanceOut {
                organisation_id: l.organisation_id,
                organisation_name: l.organisation_name,
                expected: l.expected,
                present: l.present,
                apologies: l.apologies,
                absent: l.absent,
                rate_percent: l.rate_percent,
            })
            .collect(),
    }))
}

/// A meeting with its agenda, attendance, minutes and decisions.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "governance", params(("id" = String, Path, description = "Meeting id")), security(("bearer" = [])),
    responses((status = 200, body = MeetingDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_meeting(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<MeetingDetail>, ApiError> {
    let id = id_of(p)?;
    Ok(Json(meeting_detail(
        gov::get_meeting(&s.svc, &actor, id).await?,
    )))
}

/// Records a decision at a meeting; with an action title and owner organisation it also creates
/// the action (which then shows on its owner's "my actions").
#[utoipa::path(post, path = "/api/v1/meetings/{id}/decisions", tag = "governance", params(("id" = String, Path, description = "Meeting id")), request_body = DecisionIn, security(("bearer" = [])),
    responses((status = 201, body = DecisionCreated), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_decision(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<DecisionIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = id_of(p)?;
    // The meeting first: someone who may not see it learns nothing, not even that the body is wrong.
    gov::get_meeting(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    no_blank_dates(&[("action_due_date", &b.action_due_date)])?;
    let input = DecisionInput {
        decision: b.decision,
        agenda_item_id: b.agenda_item_id.unwrap_or_default(),
        action_title: b.action_title.unwrap_or_default(),
        action_owner_organisation_id: b.action_owner_organisation_id.unwrap_or_default(),
        action_owner_person_id: b.action_owner_person_id.unwrap_or_default(),
        action_due_date: b.action_due_date.unwrap_or_default(),
    };
    let (decision_id, action) = gov::record_decision(&s.svc, &actor, id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(DecisionCreated {
            decision_id,
            action_id: action.map(|a| a.0),
        }),
    )
        .into_response())
}

/// A given date field must hold a date: blank is refused (leave the field out instead).
fn no_blank_dates(fields: &[(&str, &Option<String>)]) -> Result<(), ApiError> {
    no_blank(
        fields,
        "Give a date like 2022-05-12, or leave the field out",
    )
}

/// A given optional field must not be blank (the API document gives its format).
fn no_blank(fields: &[(&str, &Option<String>)], message: &str) -> Result<(), ApiError> {
    let mut errors = safeguard_domain::ValidationErrors::new();
    for (field, v) in fields {
        if v.as_deref().is_some_and(|v| v.trim().is_empty()) {
            errors.add(field, message);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError(AppError::Service(ServiceError::Invalid(errors))))
    }
}

fn body_input(b: BodyIn) -> Result<BodyInput, ApiError> {
    no_blank_dates(&[("start_date", &b.start_date), ("end_date", &b.end_date)])?;
    Ok(BodyInput {
        name: b.name,
        kind: b.kind,
        terms_of_reference: b.terms_of_reference.unwrap_or_default(),
        chair_person_id: b.chair_person_id.unwrap_or_default(),
        parent_body_id: b.parent_body_id.unwrap_or_default(),
        meeting_frequency: b.meeting_frequency.unwrap_or_default(),
        start_date: b.start_date.unwrap_or_default(),
        end_date: b.end_date.unwrap_or_default(),
    })
}

/// Changes a body (every field: those left out are cleared, except `handles_case_reviews`, which
/// is unchanged when left out and needs an administrator's `ManageCaseReviews`).
#[utoipa::path(put, path = "/api/v1/bodies/{id}", tag = "governance", params(("id" = String, Path, description = "Body id")), request_body = BodyIn, security(("bearer" = [])),
    responses((status = 200, body = BodyDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_body(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<BodyIn>, JsonRejection>,
) -> Result<Json<BodyDetail>, ApiError> {
    let id = id_of(p)?;
    // The body first: someone who may not see it learns nothing, not even that the request is wrong.
    gov::get_body(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let panel = b.handles_case_reviews;
    gov::update_body_marking(&s.svc, &actor, id, &body_input(b)?, panel).await?;
    Ok(Json(detail(&s, &actor, id).await?))
}

/// A new member of a body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberIn {
    /// The person's id (works in this partnership).
    pub person_id: String,
    /// The organisation they represent (of this partnership); their own when left out.
    pub organisation_id: Option<String>,
    /// chair, vice_chair, member or adviser.
    pub role: String,
    /// Joined, YYYY-MM-DD (2000 to 2100); today when left out.
    #[schema(value_type = Option<String>, format = Date)]
    pub joined_on: Option<String>,
}

/// Adds a member to a body.
#[utoipa::path(post, path = "/api/v1/bodies/{id}/members", tag = "governance", params(("id" = String, Path, description = "Body id")), request_body = MemberIn, security(("bearer" = [])),
    responses((status = 201, body = MemberOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_member(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<MemberIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = id_of(p)?;
    gov::get_body(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    no_blank_dates(&[("joined_on", &b.joined_on)])?;
    let input = MemberInput {
        person_id: b.person_id,
        organisation_id: b.organisation_id.unwrap_or_default(),
        role: b.role,
        joined_on: b.joined_on.unwrap_or_default(),
    };
    let member = gov::add_member(&s.svc, &actor, id, &input).await?;
    let m = gov::get_member(&s.svc, &actor, member).await?;
    Ok((StatusCode::CREATED, Json(member_out(m))).into_response())
}

/// Ending a membership.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndMemberIn {
    /// Left, YYYY-MM-DD (2000 to 2100, on or after the date joined); today when left out.
    #[schema(value_type = Option<String>, format = Date)]
    pub left_on: Option<String>,
}

/// Ends a current membership; it stays in the body's history.
#[utoipa::path(post, path = "/api/v1/body-members/{id}/end", tag = "governance", params(("id" = String, Path, description = "Membership id")), request_body = EndMemberIn, security(("bearer" = [])),
    responses((status = 200, body = MemberOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn end_member(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<EndMemberIn>, JsonRejection>,
) -> Result<Json<MemberOut>, ApiError> {
    let id = id_of(p)?;
    gov::get_member(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    no_blank_dates(&[("left_on", &b.left_on)])?;
    gov::end_member(&s.svc, &actor, id, b.left_on.as_deref().unwrap_or_default()).await?;
    Ok(Json(member_out(gov::get_member(&s.svc, &actor, id).await?)))
}

/// Planning a body's meetings at its meeting frequency.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanIn {
    /// The first meeting's date, YYYY-MM-DD (2000 to 2100).
    #[schema(value_type = String, format = Date)]
    pub first_date: String,
    /// Plan up to this date (included), YYYY-MM-DD, at most two years after the first.
    #[schema(value_type = String, format = Date)]
    pub until: String,
    /// Time, 24-hour HH:MM.
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start_time: Option<String>,
    /// Location (up to 200 characters).
    #[schema(max_length = 200)]
    pub location: Option<String>,
}

/// The meetings a plan added.
#[derive(Serialize, ToSchema)]
pub struct PlanOut {
    /// The dates of the meetings added (working days; dates that already had a meeting are skipped).
    pub added: Vec<NaiveDate>,
}

/// Plans a body's meetings from its meeting frequency, each on a working day.
#[utoipa::path(post, path = "/api/v1/bodies/{id}/meetings/plan", tag = "governance", params(("id" = String, Path, description = "Body id")), request_body = PlanIn, security(("bearer" = [])),
    responses((status = 200, body = PlanOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn plan_meetings(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<PlanIn>, JsonRejection>,
) -> Result<Json<PlanOut>, ApiError> {
    let id = id_of(p)?;
    gov::get_body(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    no_blank(&[("start_time", &b.start_time)], TIME_FORMAT)?;
    let input = PlanInput {
        first_date: b.first_date,
        until: b.until,
        start_time: b.start_time.unwrap_or_default(),
        location: b.location.unwrap_or_default(),
    };
    let added = gov::plan_meetings(&s.svc, &actor, id, &input).await?;
    Ok(Json(PlanOut { added }))
}

/// A meeting's date, time and location.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingIn {
    /// Date, YYYY-MM-DD (2000 to 2100).
    #[schema(value_type = String, format = Date)]
    pub meeting_date: String,
    /// Time, 24-hour HH:MM.
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start_time: Option<String>,
    /// Location (up to 200 characters).
    #[schema(max_length = 200)]
    pub location: Option<String>,
}

const TIME_FORMAT: &str = "Give a 24-hour time like 14:30, or leave the field out";

fn meeting_input(b: MeetingIn) -> Result<MeetingInput, ApiError> {
    no_blank(&[("start_time", &b.start_time)], TIME_FORMAT)?;
    Ok(MeetingInput {
        meeting_date: b.meeting_date,
        start_time: b.start_time.unwrap_or_default(),
        location: b.location.unwrap_or_default(),
    })
}

async fn one_meeting(s: &AppState, actor: &Actor, id: Uuid) -> Result<MeetingOut, ApiError> {
    Ok(meeting_out(
        &gov::get_meeting(&s.svc, actor, id).await?.meeting,
    ))
}

/// Adds one meeting to a body, planned.
#[utoipa::path(post, path = "/api/v1/bodies/{id}/meetings", tag = "governance", params(("id" = String, Path, description = "Body id")), request_body = MeetingIn, security(("bearer" = [])),
    responses((status = 201, body = MeetingOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_meeting(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<MeetingIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = id_of(p)?;
    gov::get_body(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let meeting = gov::add_meeting(&s.svc, &actor, id, &meeting_input(b)?).await?;
    Ok((
        StatusCode::CREATED,
        Json(one_meeting(&s, &actor, meeting).await?),
    )
        .into_response())
}

/// Changes a meeting's date, time and location (refused for a cancelled meeting).
#[utoipa::path(put, path = "/api/v1/meetings/{id}", tag = "governance", params(("id" = String, Path, description = "Meeting id")), request_body = MeetingIn, security(("bearer" = [])),
    responses((status = 200, body = MeetingOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_meeting(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<MeetingIn>, JsonRejection>,
) -> Result<Json<MeetingOut>, ApiError> {
    let id = id_of(p)?;
    gov::get_meeting(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    gov::update_meeting(&s.svc, &actor, id, &meeting_input(b)?).await?;
    Ok(Json(one_meeting(&s, &actor, id).await?))
}

/// A meeting's status.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingStatusIn {
    /// planned, held or cancelled.
    pub status: String,
}

/// Sets a meeting's status: planned, held or cancelled.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/status", tag = "governance", params(("id" = String, Path, description = "Meeting id")), request_body = MeetingStatusIn, security(("bearer" = [])),
    responses((status = 200, body = MeetingOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_meeting_status(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<MeetingStatusIn>, JsonRejection>,
) -> Result<Json<MeetingOut>, ApiError> {
    let id = id_of(p)?;
    gov::get_meeting(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    gov::set_status(&s.svc, &actor, id, &b.status).await?;
    Ok(Json(one_meeting(&s, &actor, id).await?))
}

/// A new agenda item.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaItemIn {
    /// Title (up to 200 characters).
    #[schema(max_length = 200)]
    pub title: String,
    /// The owner's person id (works in this partnership).
    pub owner_person_id: Option<String>,
    /// The owner organisation's id (of this partnership).
    pub owner_organisation_id: Option<String>,
}

async fn one_item(s: &AppState, actor: &Actor, id: Uuid) -> Result<AgendaItemOut, ApiError> {
    Ok(agenda_out(gov::get_agenda_item(&s.svc, actor, id).await?.0))
}

/// Adds an item at the end of a meeting's agenda.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/agenda", tag = "governance", params(("id" = String, Path, description = "Meeting id")), request_body = AgendaItemIn, security(("bearer" = [])),
    responses((status = 201, body = AgendaItemOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_agenda_item(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<AgendaItemIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = id_of(p)?;
    gov::get_meeting(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = AgendaItemInput {
        title: b.title,
        owner_person_id: b.owner_person_id.unwrap_or_default(),
        owner_organisation_id: b.owner_organisation_id.unwrap_or_default(),
    };
    let item = gov::add_agenda_item(&s.svc, &actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(one_item(&s, &actor, item).await?)).into_response())
}

/// Withdrawing an agenda item added by mistake.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawIn {
    /// Why it is withdrawn (up to 500 characters).
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// Withdraws an agenda item added by mistake: it stays on the agenda, marked withdrawn with the
/// reason, and can no longer be the subject of a decision.
#[utoipa::path(post, path = "/api/v1/agenda-items/{id}/withdraw", tag = "governance", params(("id" = String, Path, description = "Agenda item id")), request_body = WithdrawIn, security(("bearer" = [])),
    responses((status = 200, body = AgendaItemOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn withdraw_agenda_item(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<WithdrawIn>, JsonRejection>,
) -> Result<Json<AgendaItemOut>, ApiError> {
    let id = id_of(p)?;
    gov::get_agenda_item(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    gov::withdraw_agenda_item(&s.svc, &actor, id, &WithdrawInput { reason: b.reason }).await?;
    Ok(Json(one_item(&s, &actor, id).await?))
}

/// One person's attendance at a meeting.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceIn {
    /// The person's id (works in this partnership).
    pub person_id: String,
    /// present, apologies or absent.
    pub status: String,
    /// The organisation they represented; their membership's, else their own, when left out.
    pub organisation_id: Option<String>,
    /// The member they deputised for.
    pub deputy_for_person_id: Option<String>,
}

/// Records one person's attendance at a meeting (recording again replaces it); answers the
/// meeting's attendance.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/attendance", tag = "governance", params(("id" = String, Path, description = "Meeting id")), request_body = AttendanceIn, security(("bearer" = [])),
    responses((status = 200, body = Vec<AttendanceOut>), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record_attendance(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<AttendanceIn>, JsonRejection>,
) -> Result<Json<Vec<AttendanceOut>>, ApiError> {
    let id = id_of(p)?;
    gov::get_meeting(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = AttendanceInput {
        person_id: b.person_id,
        status: b.status,
        organisation_id: b.organisation_id.unwrap_or_default(),
        deputy_for_person_id: b.deputy_for_person_id.unwrap_or_default(),
    };
    gov::record_attendance(&s.svc, &actor, id, &input).await?;
    let v = gov::get_meeting(&s.svc, &actor, id).await?;
    Ok(Json(v.attendance.into_iter().map(attendance_out).collect()))
}

/// A meeting's minutes.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinutesIn {
    /// The minutes (up to 20,000 characters).
    #[schema(min_length = 1, max_length = 20000)]
    pub minutes: String,
    /// draft or approved.
    pub minutes_status: String,
}

/// Saves a meeting's minutes, draft or approved; answers the meeting.
#[utoipa::path(put, path = "/api/v1/meetings/{id}/minutes", tag = "governance", params(("id" = String, Path, description = "Meeting id")), request_body = MinutesIn, security(("bearer" = [])),
    responses((status = 200, body = MeetingDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn save_minutes(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<MinutesIn>, JsonRejection>,
) -> Result<Json<MeetingDetail>, ApiError> {
    let id = id_of(p)?;
    gov::get_meeting(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = MinutesInput {
        minutes: b.minutes,
        minutes_status: b.minutes_status,
    };
    gov::set_minutes(&s.svc, &actor, id, &input).await?;
    Ok(Json(meeting_detail(
        gov::get_meeting(&s.svc, &actor, id).await?,
    )))
}

/// The governance part of the API document (merged into [`super::ApiDoc`]).
#[derive(OpenApi)]
#[openapi(
    paths(
        list_bodies,
        create_body,
        get_body,
        body_meetings,
        body_attendance,
        get_meeting,
        create_decision,
        update_body,
        add_member,
        end_member,
        plan_meetings,
        add_meeting,
        update_meeting,
        set_meeting_status,
        add_agenda_item,
        withdraw_agenda_item,
        record_attendance,
        save_minutes
    ),
    components(schemas(
        BodyOut,
        MemberOut,
        BodyDetail,
        MeetingOut,
        AgendaItemOut,
        AttendanceOut,
        DecisionOut,
        MeetingDetail,
        AgencyAttendanceOut,
        AttendanceReportOut,
        BodyIn,
        DecisionIn,
        DecisionCreated,
        MemberIn,
        EndMemberIn,
        PlanIn,
        PlanOut,
        MeetingIn,
        MeetingStatusIn,
        AgendaItemIn,
        WithdrawIn,
        AttendanceIn,
        MinutesIn
    ))
)]
pub struct GovernanceApi;
