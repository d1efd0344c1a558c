//! The case reviews API: the panel dashboard, a notification (children pseudonymised; identities are
//! never in the API), recording and changing a notification, and the rapid review's content, decision,
//! and sending to the National Panel with its response. The same use cases and access rules as the
//! pages: every read is audit-logged.

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
    DecisionInput, NotificationInput, PanelInput, RapidReviewInput,
};
use safeguard_service::case_reviews::{DeadlineView, NotificationView};
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
}

fn detail(v: NotificationView) -> NotificationDetail {
    let n = v.notification;
    NotificationDetail {
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

/// The rapid review's content.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RapidReviewIn {
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

/// The partners' decision.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    /// local_cspr, no_cspr or national_review.
    pub decision: String,
    /// For no_cspr: how the learning is taken forward (required then).
    pub other_learning_route: Option<String>,
    /// Why (required).
    #[schema(max_length = 8000)]
    pub rationale: String,
    /// Date of the decision, YYYY-MM-DD.
    pub decided_on: String,
}

/// Sending to the National Panel and its response.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PanelIn {
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

/// Changes a notification; its clocks are worked out again.
#[utoipa::path(put, path = "/api/v1/case-reviews/{id}", tag = "case reviews", params(("id" = String, Path, description = "Notification id")), request_body = NotificationIn, security(("bearer" = [])),
    responses((status = 200, body = NotificationDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_notification(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<NotificationIn>, JsonRejection>,
) -> Result<Json<NotificationDetail>, ApiError> {
    let id = notification_id(p)?;
    // Access first: someone who may not see the notification learns nothing from the body's errors.
    safeguard_service::case_reviews::check_visible(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    safeguard_service::case_reviews::update(&s.svc, &actor, id, &notification_input(b)).await?;
    Ok(Json(detail(
        safeguard_service::case_reviews::get(&s.svc, &actor, id).await?,
    )))
}

/// Records the rapid review's content (the notification must have been sent and need a review).
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
    let input = RapidReviewInput {
        facts: b.facts.unwrap_or_default(),
        key_practice_episodes: b.key_practice_episodes.unwrap_or_default(),
        immediate_actions: b.immediate_actions.unwrap_or_default(),
        learning: b.learning.unwrap_or_default(),
        context: b.context.unwrap_or_default(),
        reg11_a: b.reg11_a.unwrap_or_default(),
        reg11_a_rationale: b.reg11_a_rationale.unwrap_or_default(),
        reg11_b: b.reg11_b.unwrap_or_default(),
        reg11_b_rationale: b.reg11_b_rationale.unwrap_or_default(),
        reg11_c: b.reg11_c.unwrap_or_default(),
        reg11_c_rationale: b.reg11_c_rationale.unwrap_or_default(),
        reg11_d: b.reg11_d.unwrap_or_default(),
        reg11_d_rationale: b.reg11_d_rationale.unwrap_or_default(),
        panel_meeting_on: b.panel_meeting_on.unwrap_or_default(),
    };
    safeguard_service::case_reviews::save_content(&s.svc, &actor, id, &input).await?;
    Ok(Json(detail(
        safeguard_service::case_reviews::get(&s.svc, &actor, id).await?,
    )))
}

/// Records the partners' decision (the rationale is required).
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
    let input = DecisionInput {
        decision: b.decision,
        other_learning_route: b.other_learning_route.unwrap_or_default(),
        rationale: b.rationale,
        decided_on: b.decided_on,
    };
    safeguard_service::case_reviews::decide(&s.svc, &actor, id, &input).await?;
    Ok(Json(detail(
        safeguard_service::case_reviews::get(&s.svc, &actor, id).await?,
    )))
}

/// Records sending to the National Panel and its response (no deadline for the response).
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
    let input = PanelInput {
        sent_to_panel_on: b.sent_to_panel_on.unwrap_or_default(),
        panel_response_on: b.panel_response_on.unwrap_or_default(),
        panel_outcome: b.panel_outcome.unwrap_or_default(),
        panel_response_note: b.panel_response_note.unwrap_or_default(),
    };
    safeguard_service::case_reviews::record_panel(&s.svc, &actor, id, &input).await?;
    Ok(Json(detail(
        safeguard_service::case_reviews::get(&s.svc, &actor, id).await?,
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
        record_panel
    ),
    components(schemas(
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
