//! The case reviews API: the panel dashboard, a notification (children pseudonymised; identities are
//! never in the API), recording and changing a notification, adding a child, the rapid review's
//! content, agency summaries, decision, the lead partners' sign-off request, and sending to the
//! National Panel with its response, deadline extensions, and the partnership's case review
//! settings. The same use cases and access rules as the pages: every read is audit-logged.
//!
//! # Changes never lose what was saved
//!
//! The changes to a notification and to a rapid review (`PUT /api/v1/case-reviews/{id}`,
//! `…/rapid-review`, `…/decision`, `…/panel`) carry the `version` read from `GET` (the
//! notification's `version`, the rapid review's `version`, 0 before a rapid review is started) and
//! are merges: a field left out, or null, keeps its saved value; a field given replaces it (an empty
//! text clears an optional one). A stale `version` answers 409 and changes nothing.
//!
//! # Children's identities
//!
//! A child is added with its pseudonymised description and, as on the page, its restricted
//! identifiers (the name is required, date of birth and case reference optional): they are
//! write-only. No response ever contains them; they are shown only on the audited reveal page.

use super::{Problem, bad};
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use safeguard_domain::case_reviews::{
    ChildInput, DecisionPatch, NotificationInput, NotificationPatch, NotificationTextPatch,
    PanelPatch, RapidReviewPatch, SettingsInput,
};
use safeguard_service::case_reviews::{
    AgencyInput, DeadlineView, ExtensionInput, NotificationView,
};
use safeguard_service::{Actor, ServiceError};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// A clock.
#[derive(Serialize, ToSchema)]
pub struct DeadlineOut {
    /// notify_panel or rapid_review.
    pub rule: String,
    /// What it is for.
    pub label: String,
    /// Statutory (true) or an expectation that only warns (false).
    pub statutory: bool,
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
    /// on_time, due_soon, overdue, met or met_late.
    pub state: String,
    /// Working days from today to the due date in force (negative when overdue); null once met.
    pub working_days_remaining: Option<i64>,
}

/// A clock as the API shows it (practice reviews use it too).
pub(crate) fn deadline_out(d: &DeadlineView) -> DeadlineOut {
    DeadlineOut {
        rule: d.rule.slug().to_owned(),
        label: d.rule.label().to_owned(),
        statutory: d.rule.statutory(),
        basis_on: d.basis_on,
        due_on: d.due_on,
        extended_to: d.extended_to,
        extension_reason: d.extension_reason.clone(),
        met_on: d.met_on,
        state: d.state.slug().to_owned(),
        working_days_remaining: d.working_days_remaining,
    }
}

/// A dashboard row.
#[derive(Serialize, ToSchema)]
pub struct CaseReviewRow {
    /// Notification id.
    pub id: Uuid,
    /// Reference.
    pub reference: String,
    /// Aware.
    pub aware_on: NaiveDate,
    /// Notified.
    pub notified_on: Option<NaiveDate>,
    /// Where it is.
    pub stage: String,
    /// Clocks not yet met, soonest first.
    pub open_deadlines: Vec<DeadlineOut>,
}

/// The panel dashboard.
#[derive(Serialize, ToSchema)]
pub struct CaseReviewDashboard {
    /// Open notifications, soonest due first.
    pub items: Vec<CaseReviewRow>,
    /// Open practice reviews with their stage and clocks, soonest due first.
    pub practice_reviews: Vec<super::practice_reviews::PracticeReviewRow>,
    /// Today in England.
    pub today: NaiveDate,
}

/// A child, pseudonymised.
#[derive(Serialize, ToSchema)]
pub struct ChildOut {
    /// A, B, C or D ("Child A").
    pub letter: String,
    /// Age and sex.
    pub age_description: String,
}

/// The rapid review.
#[derive(Serialize, ToSchema)]
pub struct RapidReviewOut {
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
    /// Reg. 11 (a)-(d) answers: "yes", "no" or "".
    pub reg11: Vec<String>,
    /// Their rationales.
    pub reg11_rationales: Vec<String>,
    /// Panel meeting.
    pub panel_meeting_on: Option<NaiveDate>,
    /// local_cspr, no_cspr or national_review.
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
    /// agrees, disagrees or national_review.
    pub panel_outcome: Option<String>,
    /// Note.
    pub panel_response_note: String,
    /// The lead partners' sign-off.
    pub sign_off_id: Option<Uuid>,
    /// Its version: give it back with a change (`…/rapid-review`, `…/decision`, `…/panel`).
    pub version: i64,
}

/// An agency's summary for the rapid review.
#[derive(Serialize, ToSchema)]
pub struct AgencyOut {
    /// The organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// Requested.
    pub requested_on: NaiveDate,
    /// Received.
    pub received_on: Option<NaiveDate>,
}

/// A notification.
#[derive(Serialize, ToSchema)]
pub struct NotificationDetail {
    /// Id.
    pub id: Uuid,
    /// Reference.
    pub reference: String,
    /// Summary.
    pub summary: String,
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
    /// known, suspected or not_suspected.
    pub abuse_or_neglect: String,
    /// in_area or outside_england_resident_in_area.
    pub location: String,
    /// Looked-after child's death.
    pub looked_after_death: bool,
    /// Care leaver's death.
    pub care_leaver_death: bool,
    /// Normally resident elsewhere.
    pub resident_elsewhere: bool,
    /// Rapid review chosen (care leaver).
    pub rapid_review_chosen: bool,
    /// A rapid review is required.
    pub rapid_review_required: bool,
    /// Who decided.
    pub decided_by: String,
    /// Other children.
    pub other_children_note: String,
    /// Where it is.
    pub stage: String,
    /// Children (pseudonymised).
    pub children: Vec<ChildOut>,
    /// Clocks.
    pub deadlines: Vec<DeadlineOut>,
    /// The rapid review, if started.
    pub rapid_review: Option<RapidReviewOut>,
    /// Agency summaries of the rapid review.
    pub agencies: Vec<AgencyOut>,
    /// Its version: give it back with a change (`PUT /api/v1/case-reviews/{id}`).
    pub version: i64,
}

fn detail(v: NotificationView) -> NotificationDetail {
    let n = v.notification;
    NotificationDetail {
        version: n.version,
        agencies: v
            .agencies
            .into_iter()
            .map(|a| AgencyOut {
                organisation_id: a.organisation_id,
                organisation_name: a.organisation_name,
                requested_on: a.requested_on,
                received_on: a.received_on,
            })
            .collect(),
        id: n.notification_id,
        reference: n.reference,
        summary: n.summary,
        aware_on: n.aware_on,
        notified_on: n.notified_on,
        partners_informed_on: n.partners_informed_on,
        death: n.death,
        serious_harm: n.serious_harm,
        abuse_or_neglect: n.abuse_or_neglect,
        location: n.location,
        looked_after_death: n.looked_after_death,
        care_leaver_death: n.care_leaver_death,
        resident_elsewhere: n.resident_elsewhere,
        rapid_review_chosen: n.rapid_review_chosen,
        rapid_review_required: v.rapid_review_required,
        decided_by: n.decided_by,
        other_children_note: n.other_children_note,
        stage: v.stage.to_owned(),
        children: v
            .children
            .into_iter()
            .map(|c| ChildOut {
                letter: c.letter,
                age_description: c.age_description,
            })
            .collect(),
        deadlines: v.deadlines.iter().map(deadline_out).collect(),
        rapid_review: v.rapid_review.map(|r| RapidReviewOut {
            facts: r.facts,
            key_practice_episodes: r.key_practice_episodes,
            immediate_actions: r.immediate_actions,
            learning: r.learning,
            context: r.context,
            reg11: vec![r.reg11_a, r.reg11_b, r.reg11_c, r.reg11_d],
            reg11_rationales: vec![
                r.reg11_a_rationale,
                r.reg11_b_rationale,
                r.reg11_c_rationale,
                r.reg11_d_rationale,
            ],
            panel_meeting_on: r.panel_meeting_on,
            decision: r.decision,
            other_learning_route: r.other_learning_route,
            decision_rationale: r.decision_rationale,
            decided_on: r.decided_on,
            sent_to_panel_on: r.sent_to_panel_on,
            panel_response_on: r.panel_response_on,
            panel_outcome: r.panel_outcome,
            panel_response_note: r.panel_response_note,
            sign_off_id: r.sign_off_id,
            version: r.version,
        }),
    }
}

/// A notification to record or change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationIn {
    /// Reference (up to 40 characters), unique in the partnership.
    #[schema(max_length = 40)]
    pub reference: String,
    /// What happened, without names (up to 4,000 characters).
    #[schema(max_length = 4000)]
    pub summary: String,
    /// Date the local authority became aware, YYYY-MM-DD.
    pub aware_on: String,
    /// Date notified to the National Panel, YYYY-MM-DD (not before `aware_on`).
    pub notified_on: Option<String>,
    /// Date local partners were informed, YYYY-MM-DD.
    pub partners_informed_on: Option<String>,
    /// death or serious_harm.
    pub harm: String,
    /// known, suspected or not_suspected.
    pub abuse_or_neglect: String,
    /// in_area or outside_england_resident_in_area.
    pub location: String,
    /// The death of a looked-after child.
    pub looked_after_death: Option<bool>,
    /// The death of a care leaver aged 24 or under.
    pub care_leaver_death: Option<bool>,
    /// Normally resident in another area.
    pub resident_elsewhere: Option<bool>,
    /// A rapid review chosen for a care leaver's death.
    pub rapid_review_chosen: Option<bool>,
    /// Who decided to notify (up to 200 characters).
    #[schema(max_length = 200)]
    pub decided_by: String,
    /// Other children, without names (up to 2,000 characters).
    #[schema(max_length = 2000)]
    pub other_children_note: Option<String>,
}

/// A change to a notification: the version read, and the fields to change (a field left out or
/// null keeps its saved value; an empty text clears an optional one).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationUpdateIn {
    /// The notification's `version` as read; a stale one answers 409.
    pub version: i64,
    /// Reference (up to 40 characters), unique in the partnership.
    #[schema(max_length = 40)]
    pub reference: Option<String>,
    /// What happened, without names (up to 4,000 characters).
    #[schema(max_length = 4000)]
    pub summary: Option<String>,
    /// Date the local authority became aware, YYYY-MM-DD.
    pub aware_on: Option<String>,
    /// Date notified to the National Panel, YYYY-MM-DD ("" clears it).
    pub notified_on: Option<String>,
    /// Date local partners were informed, YYYY-MM-DD ("" clears it).
    pub partners_informed_on: Option<String>,
    /// death or serious_harm.
    pub harm: Option<String>,
    /// known, suspected or not_suspected.
    pub abuse_or_neglect: Option<String>,
    /// in_area or outside_england_resident_in_area.
    pub location: Option<String>,
    /// The death of a looked-after child.
    pub looked_after_death: Option<bool>,
    /// The death of a care leaver aged 24 or under.
    pub care_leaver_death: Option<bool>,
    /// Normally resident in another area.
    pub resident_elsewhere: Option<bool>,
    /// A rapid review chosen for a care leaver's death.
    pub rapid_review_chosen: Option<bool>,
    /// Who decided to notify (up to 200 characters).
    #[schema(max_length = 200)]
    pub decided_by: Option<String>,
    /// Other children, without names (up to 2,000 characters).
    #[schema(max_length = 2000)]
    pub other_children_note: Option<String>,
}

fn notification_patch(b: NotificationUpdateIn) -> NotificationPatch {
    let flag = |v: Option<bool>| v.map(|b| if b { "yes".to_owned() } else { String::new() });
    NotificationPatch {
        text: NotificationTextPatch {
            reference: b.reference,
            summary: b.summary,
            aware_on: b.aware_on,
            notified_on: b.notified_on,
            partners_informed_on: b.partners_informed_on,
            harm: b.harm,
            abuse_or_neglect: b.abuse_or_neglect,
            location: b.location,
            decided_by: b.decided_by,
            other_children_note: b.other_children_note,
            version: Some(b.version.to_string()),
        },
        looked_after_death: flag(b.looked_after_death),
        care_leaver_death: flag(b.care_leaver_death),
        resident_elsewhere: flag(b.resident_elsewhere),
        rapid_review_chosen: flag(b.rapid_review_chosen),
        flags_shown: None,
    }
}

fn flag(b: Option<bool>) -> String {
    if b.unwrap_or(false) {
        "yes".to_owned()
    } else {
        String::new()
    }
}

fn notification_input(b: NotificationIn) -> NotificationInput {
    NotificationInput {
        reference: b.reference,
        summary: b.summary,
        aware_on: b.aware_on,
        notified_on: b.notified_on.unwrap_or_default(),
        partners_informed_on: b.partners_informed_on.unwrap_or_default(),
        harm: b.harm,
        abuse_or_neglect: b.abuse_or_neglect,
        location: b.location,
        looked_after_death: flag(b.looked_after_death),
        care_leaver_death: flag(b.care_leaver_death),
        resident_elsewhere: flag(b.resident_elsewhere),
        rapid_review_chosen: flag(b.rapid_review_chosen),
        decided_by: b.decided_by,
        other_children_note: b.other_children_note.unwrap_or_default(),
    }
}

/// The rapid review's content: the version read, and the fields to change (a field left out or
/// null keeps its saved value).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RapidReviewIn {
    /// The rapid review's `version` as read (0 when it has not been started); a stale one answers 409.
    pub version: i64,
    /// Facts and agency involvement.
    #[schema(max_length = 20000)]
    pub facts: Option<String>,
    /// Key practice episodes.
    #[schema(max_length = 20000)]
    pub key_practice_episodes: Option<String>,
    /// Immediate safety actions.
    #[schema(max_length = 20000)]
    pub immediate_actions: Option<String>,
    /// Learning so far.
    #[schema(max_length = 20000)]
    pub learning: Option<String>,
    /// Context, including racism, other inequalities and disability.
    #[schema(max_length = 20000)]
    pub context: Option<String>,
    /// Reg. 11(a): "yes", "no" or "".
    pub reg11_a: Option<String>,
    /// Rationale (a), required with an answer.
    pub reg11_a_rationale: Option<String>,
    /// Reg. 11(b).
    pub reg11_b: Option<String>,
    /// Rationale (b).
    pub reg11_b_rationale: Option<String>,
    /// Reg. 11(c).
    pub reg11_c: Option<String>,
    /// Rationale (c).
    pub reg11_c_rationale: Option<String>,
    /// Reg. 11(d).
    pub reg11_d: Option<String>,
    /// Rationale (d).
    pub reg11_d_rationale: Option<String>,
    /// Panel meeting date, YYYY-MM-DD.
    pub panel_meeting_on: Option<String>,
}

/// The partners' decision: the version read, and the fields to change (a field left out or null
/// keeps its saved value; the decision, rationale and date must be there once merged).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    /// The rapid review's `version` as read (0 when it has not been started); a stale one answers 409.
    pub version: i64,
    /// local_cspr, no_cspr or national_review.
    pub decision: Option<String>,
    /// For no_cspr: how the learning is taken forward (required then).
    pub other_learning_route: Option<String>,
    /// Why (required).
    #[schema(max_length = 8000)]
    pub rationale: Option<String>,
    /// Date of the decision, YYYY-MM-DD.
    pub decided_on: Option<String>,
}

/// Sending to the National Panel and its response: the version read, and the fields to change (a
/// field left out or null keeps its saved value; "" clears a date).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PanelIn {
    /// The rapid review's `version` as read (0 when it has not been started); a stale one answers 409.
    pub version: i64,
    /// Date sent, YYYY-MM-DD.
    pub sent_to_panel_on: Option<String>,
    /// Date the response was received, YYYY-MM-DD.
    pub panel_response_on: Option<String>,
    /// agrees, disagrees or national_review (with a response date).
    pub panel_outcome: Option<String>,
    /// Notes.
    #[schema(max_length = 4000)]
    pub panel_response_note: Option<String>,
}

fn notification_id(p: Result<Path<String>, PathRejection>) -> Result<Uuid, ApiError> {
    let Path(s) = p.map_err(bad)?;
    s.parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))
}

/// The panel dashboard: open notifications and rapid reviews with their clocks (audited).
#[utoipa::path(get, path = "/api/v1/case-reviews", tag = "case reviews", security(("bearer" = [])),
    responses((status = 200, body = CaseReviewDashboard), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_case_reviews(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<CaseReviewDashboard>, ApiError> {
    let d = safeguard_service::case_reviews::dashboard(&s.svc, &actor).await?;
    Ok(Json(CaseReviewDashboard {
        items: d
            .rows
            .into_iter()
            .map(|r| CaseReviewRow {
                id: r.notification.notification_id,
                reference: r.notification.reference,
                aware_on: r.notification.aware_on,
                notified_on: r.notification.notified_on,
                stage: r.stage.to_owned(),
                open_deadlines: r.open_deadlines.iter().map(deadline_out).collect(),
            })
            .collect(),
        practice_reviews: d
            .practice_reviews
            .iter()
            .map(super::practice_reviews::row_out)
            .collect(),
        today: d.today,
    }))
}

/// Records a notification and starts its clocks.
#[utoipa::path(post, path = "/api/v1/case-reviews", tag = "case reviews", request_body = NotificationIn, security(("bearer" = [])),
    responses((status = 201, body = NotificationDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_notification(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<NotificationIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(bad)?;
    let id =
        safeguard_service::case_reviews::create(&s.svc, &actor, &notification_input(b)).await?;
    let v = safeguard_service::case_reviews::get(&s.svc, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(detail(v))).into_response())
}

/// One notification with its children (pseudonymised), clocks and rapid review (audited).
#[utoipa::path(get, path = "/api/v1/case-reviews/{id}", tag = "case reviews", params(("id" = String, Path, description = "Notification id")), security(("bearer" = [])),
    responses((status = 200, body = NotificationDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_notification(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<NotificationDetail>, ApiError> {
    let id = notification_id(p)?;
    Ok(Json(detail(
        safeguard_service::case_reviews::get(&s.svc, &actor, id).await?,
    )))
}

/// Changes a notification against the `version` read (stale: 409, nothing changes); fields left out
/// keep their saved values. Its clocks are worked out again.
#[utoipa::path(put, path = "/api/v1/case-reviews/{id}", tag = "case reviews", params(("id" = String, Path, description = "Notification id")), request_body = NotificationUpdateIn, security(("bearer" = [])),
    responses((status = 200, body = NotificationDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_notification(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<NotificationUpdateIn>, JsonRejection>,
) -> Result<Json<NotificationDetail>, ApiError> {
    let id = notification_id(p)?;
    // Access first: someone who may not see the notification learns nothing from the body's errors.
    safeguard_service::case_reviews::check_visible(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    safeguard_service::case_reviews::update(&s.svc, &actor, id, &notification_patch(b)).await?;
    Ok(Json(detail(
        safeguard_service::case_reviews::get(&s.svc, &actor, id).await?,
    )))
}

/// Records the rapid review's content (the notification must have been sent and need a review),
/// against the `version` read (stale: 409); fields left out keep their saved values.
#[utoipa::path(put, path = "/api/v1/case-reviews/{id}/rapid-review", tag = "case reviews", params(("id" = String, Path, description = "Notification id")), request_body = RapidReviewIn, security(("bearer" = [])),
    responses((status = 200, body = NotificationDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn save_rapid_review(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<RapidReviewIn>, JsonRejection>,
) -> Result<Json<NotificationDetail>, ApiError> {
    let id = notification_id(p)?;
    // Access first: someone who may not see the notification learns nothing from the body's errors.
    safeguard_service::case_reviews::check_visible(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let patch = RapidReviewPatch {
        facts: b.facts,
        key_practice_episodes: b.key_practice_episodes,
        immediate_actions: b.immediate_actions,
        learning: b.learning,
        context: b.context,
        reg11_a: b.reg11_a,
        reg11_a_rationale: b.reg11_a_rationale,
        reg11_b: b.reg11_b,
        reg11_b_rationale: b.reg11_b_rationale,
        reg11_c: b.reg11_c,
        reg11_c_rationale: b.reg11_c_rationale,
        reg11_d: b.reg11_d,
        reg11_d_rationale: b.reg11_d_rationale,
        panel_meeting_on: b.panel_meeting_on,
        version: Some(b.version.to_string()),
    };
    safeguard_service::case_reviews::save_content(&s.svc, &actor, id, &patch).await?;
    Ok(Json(detail(
        safeguard_service::case_reviews::get(&s.svc, &actor, id).await?,
    )))
}

/// Records the partners' decision (the rationale is required), against the `version` read (stale:
/// 409); fields left out keep their saved values.
#[utoipa::path(put, path = "/api/v1/case-reviews/{id}/decision", tag = "case reviews", params(("id" = String, Path, description = "Notification id")), request_body = DecisionIn, security(("bearer" = [])),
    responses((status = 200, body = NotificationDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn decide_rapid_review(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<DecisionIn>, JsonRejection>,
) -> Result<Json<NotificationDetail>, ApiError> {
    let id = notification_id(p)?;
    // Access first: someone who may not see the notification learns nothing from the body's errors.
    safeguard_service::case_reviews::check_visible(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let patch = DecisionPatch {
        decision: b.decision,
        other_learning_route: b.other_learning_route,
        rationale: b.rationale,
        decided_on: b.decided_on,
        version: Some(b.version.to_string()),
    };
    safeguard_service::case_reviews::decide(&s.svc, &actor, id, &patch).await?;
    Ok(Json(detail(
        safeguard_service::case_reviews::get(&s.svc, &actor, id).await?,
    )))
}

/// Records sending to the National Panel and its response (no deadline for the response), against
/// the `version` read (stale: 409); fields left out keep their saved values.
#[utoipa::path(put, path = "/api/v1/case-reviews/{id}/panel", tag = "case reviews", params(("id" = String, Path, description = "Notification id")), request_body = PanelIn, security(("bearer" = [])),
    responses((status = 200, body = NotificationDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record_panel(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<PanelIn>, JsonRejection>,
) -> Result<Json<NotificationDetail>, ApiError> {
    let id = notification_id(p)?;
    // Access first: someone who may not see the notification learns nothing from the body's errors.
    safeguard_service::case_reviews::check_visible(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let patch = PanelPatch {
        sent_to_panel_on: b.sent_to_panel_on,
        panel_response_on: b.panel_response_on,
        panel_outcome: b.panel_outcome,
        panel_response_note: b.panel_response_note,
        version: Some(b.version.to_string()),
    };
    safeguard_service::case_reviews::record_panel(&s.svc, &actor, id, &patch).await?;
    Ok(Json(detail(
        safeguard_service::case_reviews::get(&s.svc, &actor, id).await?,
    )))
}

/// A child to add: the pseudonymised description and, write-only, the restricted identifiers (never
/// returned by the API).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildIn {
    /// Age and sex, without names, such as "boy aged 7 months" (up to 200 characters).
    #[schema(max_length = 200)]
    pub age_description: String,
    /// Restricted, write-only: the child's name (up to 200 characters).
    #[schema(max_length = 200, write_only)]
    pub full_name: String,
    /// Restricted, write-only: date of birth, YYYY-MM-DD.
    #[schema(write_only)]
    pub date_of_birth: Option<String>,
    /// Restricted, write-only: the local authority's case reference (up to 100 characters).
    #[schema(max_length = 100, write_only)]
    pub case_reference: Option<String>,
}

/// Adds a child to a notification as the next of Child A to D. The identifiers are stored apart
/// and never returned; the answer shows the children pseudonymised.
#[utoipa::path(post, path = "/api/v1/case-reviews/{id}/children", tag = "case reviews", params(("id" = String, Path, description = "Notification id")), request_body = ChildIn, security(("bearer" = [])),
    responses((status = 201, body = NotificationDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_child(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<ChildIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = notification_id(p)?;
    // Access first: someone who may not see the notification learns nothing from the body's errors.
    safeguard_service::case_reviews::check_visible(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = ChildInput {
        age_description: b.age_description,
        full_name: b.full_name,
        date_of_birth: b.date_of_birth.unwrap_or_default(),
        case_reference: b.case_reference.unwrap_or_default(),
    };
    safeguard_service::case_reviews::add_child(&s.svc, &actor, id, &input).await?;
    let v = safeguard_service::case_reviews::get(&s.svc, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(detail(v))).into_response())
}

/// An agency summary asked for, and once it arrives, received.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyIn {
    /// The organisation asked (of this partnership).
    pub organisation_id: String,
    /// Date requested, YYYY-MM-DD.
    pub requested_on: String,
    /// Date received, YYYY-MM-DD (not before `requested_on`); null until it arrives.
    pub received_on: Option<String>,
}

/// Records that an agency's summary was requested, or received: recording the same agency again
/// changes its dates.
#[utoipa::path(post, path = "/api/v1/case-reviews/{id}/agencies", tag = "case reviews", params(("id" = String, Path, description = "Notification id")), request_body = AgencyIn, security(("bearer" = [])),
    responses((status = 200, body = NotificationDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record_agency(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<AgencyIn>, JsonRejection>,
) -> Result<Json<NotificationDetail>, ApiError> {
    let id = notification_id(p)?;
    // Access first: someone who may not see the notification learns nothing from the body's errors.
    safeguard_service::case_reviews::check_visible(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = AgencyInput {
        organisation_id: b.organisation_id,
        requested_on: b.requested_on,
        received_on: b.received_on.unwrap_or_default(),
    };
    safeguard_service::case_reviews::record_agency(&s.svc, &actor, id, &input).await?;
    Ok(Json(detail(
        safeguard_service::case_reviews::get(&s.svc, &actor, id).await?,
    )))
}

/// A deadline extension.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionIn {
    /// The clock: notify_panel or rapid_review (one the notification has).
    pub rule: String,
    /// The new due date, YYYY-MM-DD, after the current one.
    pub extended_to: String,
    /// Why (required, up to 2,000 characters).
    #[schema(max_length = 2000)]
    pub extension_reason: String,
}

/// Extends a clock of the notification to a later date, with the reason.
#[utoipa::path(post, path = "/api/v1/case-reviews/{id}/extensions", tag = "case reviews", params(("id" = String, Path, description = "Notification id")), request_body = ExtensionIn, security(("bearer" = [])),
    responses((status = 200, body = NotificationDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn extend_deadline(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<ExtensionIn>, JsonRejection>,
) -> Result<Json<NotificationDetail>, ApiError> {
    let id = notification_id(p)?;
    // Access first: someone who may not see the notification learns nothing from the body's errors.
    safeguard_service::case_reviews::check_visible(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = ExtensionInput {
        rule: b.rule,
        extended_to: b.extended_to,
        extension_reason: b.extension_reason,
    };
    safeguard_service::case_reviews::extend(&s.svc, &actor, id, &input).await?;
    Ok(Json(detail(
        safeguard_service::case_reviews::get(&s.svc, &actor, id).await?,
    )))
}

/// Asks the three lead partners to sign the rapid review off (after the decision; once: 409 when
/// already asked). The sign-off's id is in `rapid_review.sign_off_id`.
#[utoipa::path(post, path = "/api/v1/case-reviews/{id}/sign-off", tag = "case reviews", params(("id" = String, Path, description = "Notification id")), security(("bearer" = [])),
    responses((status = 201, body = NotificationDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn request_sign_off(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = notification_id(p)?;
    safeguard_service::case_reviews::request_sign_off(&s.svc, &actor, id).await?;
    let v = safeguard_service::case_reviews::get(&s.svc, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(detail(v))).into_response())
}

/// The partnership's case review settings.
#[derive(Serialize, ToSchema)]
pub struct CaseReviewSettingsOut {
    /// Working days the final report of a practice review goes to the National Panel and the DfE
    /// before publication.
    pub pre_publication_notice_days: u32,
    /// Working days before a due date at which panel members are reminded, largest first (0: the
    /// due date itself); overdue deadlines are reported once besides.
    pub reminder_lead_days: Vec<u32>,
    /// Give it back with a change; 0 while the defaults (7; 10, 5, 2) apply.
    pub version: i64,
}

/// A change to the case review settings.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseReviewSettingsIn {
    /// Working days, 1 to 60.
    pub pre_publication_notice_days: i64,
    /// Working days, each 0 to 60, distinct, at most 5 (may be empty: no reminders before a due date).
    pub reminder_lead_days: Vec<i64>,
    /// The `version` read; a stale one answers 409.
    pub version: i64,
}

fn settings_out(s: safeguard_domain::case_reviews::CaseReviewSettings) -> CaseReviewSettingsOut {
    CaseReviewSettingsOut {
        pre_publication_notice_days: s.pre_publication_notice_days,
        reminder_lead_days: s.reminder_lead_days,
        version: s.version,
    }
}

/// The partnership's case review settings (administrators).
#[utoipa::path(get, path = "/api/v1/case-reviews/settings", tag = "case reviews", security(("bearer" = [])),
    responses((status = 200, body = CaseReviewSettingsOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn get_settings(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<CaseReviewSettingsOut>, ApiError> {
    Ok(Json(settings_out(
        safeguard_service::case_review_admin::settings(&s.svc, &actor).await?,
    )))
}

/// Changes the partnership's case review settings (administrators) against the `version` read
/// (stale: 409, nothing changes); audited.
#[utoipa::path(put, path = "/api/v1/case-reviews/settings", tag = "case reviews", request_body = CaseReviewSettingsIn, security(("bearer" = [])),
    responses((status = 200, body = CaseReviewSettingsOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_settings(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<CaseReviewSettingsIn>, JsonRejection>,
) -> Result<Json<CaseReviewSettingsOut>, ApiError> {
    let Json(b) = body.map_err(bad)?;
    let input = SettingsInput {
        pre_publication_notice_days: b.pre_publication_notice_days.to_string(),
        reminder_lead_days: b
            .reminder_lead_days
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(","),
        version: b.version.to_string(),
    };
    Ok(Json(settings_out(
        safeguard_service::case_review_admin::update_settings(&s.svc, &actor, &input).await?,
    )))
}

/// The case reviews part of the API document (merged into [`super::ApiDoc`]).
#[derive(OpenApi)]
#[openapi(
    paths(
        list_case_reviews,
        create_notification,
        get_notification,
        update_notification,
        save_rapid_review,
        decide_rapid_review,
        record_panel,
        add_child,
        record_agency,
        extend_deadline,
        request_sign_off,
        get_settings,
        update_settings
    ),
    components(schemas(
        AgencyOut,
        NotificationUpdateIn,
        ChildIn,
        AgencyIn,
        ExtensionIn,
        CaseReviewSettingsOut,
        CaseReviewSettingsIn,
        DeadlineOut,
        CaseReviewRow,
        CaseReviewDashboard,
        ChildOut,
        RapidReviewOut,
        NotificationDetail,
        NotificationIn,
        RapidReviewIn,
        DecisionIn,
        PanelIn
    ))
)]
pub struct CaseReviewsApi;
