//! The sign-offs API: the partnership's items, requesting one, one item with its rounds and steps, a
//! lead partner's decision, requesting again and withdrawing. The same use cases and access rules as
//! the pages.

use super::{Problem, bad};
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use safeguard_domain::SignOffId;
use safeguard_domain::signoffs::{DecisionInput, NewSignOffInput, RerequestInput, WithdrawInput};
use safeguard_service::signoffs::SignOffView;
use safeguard_service::{Actor, ServiceError};
use safeguard_store::signoffs::{Round, SignOff, Step};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// A sign-off item.
#[derive(Serialize, ToSchema)]
pub struct SignOffOut {
    /// Id.
    pub id: Uuid,
    /// published_arrangements, annual_budget, yearly_report or threshold_document.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// The linked financial year (annual budgets).
    pub funding_year_id: Option<Uuid>,
    /// awaiting, returned, complete or withdrawn.
    pub status: String,
    /// The current round (from 1).
    pub round: i64,
    /// Partners that have signed in the current round (0 to 3).
    pub signed_count: i64,
    /// Who requested it.
    pub requested_by: Uuid,
    /// Their name.
    pub requested_by_name: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

fn out(s: SignOff) -> SignOffOut {
    SignOffOut {
        id: s.sign_off_id,
        kind: s.kind,
        title: s.title,
        description: s.description,
        funding_year_id: s.funding_year_id,
        status: s.status,
        round: s.round,
        signed_count: s.signed_count,
        requested_by: s.requested_by,
        requested_by_name: s.requested_by_name,
        created_at: s.created_at,
        updated_at: s.updated_at,
    }
}

/// A lead partner's step in a round.
#[derive(Serialize, ToSchema)]
pub struct SignOffStepOut {
    /// The round.
    pub round: i64,
    /// local_authority, police or integrated_care_board.
    pub partner_kind: String,
    /// The partner organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// pending, signed or returned.
    pub decision: String,
    /// Comments.
    pub comment: String,
    /// Who decided.
    pub decided_by: Option<Uuid>,
    /// Their name.
    pub decided_by_name: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
}

fn step_out(s: Step) -> SignOffStepOut {
    SignOffStepOut {
        round: s.round,
        partner_kind: s.partner_kind,
        organisation_id: s.organisation_id,
        organisation_name: s.organisation_name,
        decision: s.decision,
        comment: s.comment,
        decided_by: s.decided_by,
        decided_by_name: s.decided_by_name,
        decided_at: s.decided_at,
    }
}

/// A request round.
#[derive(Serialize, ToSchema)]
pub struct SignOffRoundOut {
    /// The round.
    pub round: i64,
    /// The document for this round.
    pub file_id: Option<Uuid>,
    /// What changed (empty for the first request).
    pub note: String,
    /// Who requested it.
    pub requested_by: Uuid,
    /// Their name.
    pub requested_by_name: String,
    /// When.
    pub requested_at: DateTime<Utc>,
}

fn round_out(r: Round) -> SignOffRoundOut {
    SignOffRoundOut {
        round: r.round,
        file_id: r.file_id,
        note: r.note,
        requested_by: r.requested_by,
        requested_by_name: r.requested_by_name,
        requested_at: r.requested_at,
    }
}

/// An item with its rounds and steps.
#[derive(Serialize, ToSchema)]
pub struct SignOffDetail {
    /// The item.
    pub item: SignOffOut,
    /// Rounds, newest first.
    pub rounds: Vec<SignOffRoundOut>,
    /// Steps of every round, newest round first.
    pub steps: Vec<SignOffStepOut>,
    /// The partner step (kind) the caller may decide now, if any.
    pub can_decide: Option<String>,
    /// The caller may request again and withdraw.
    pub can_manage: bool,
}

fn detail(v: SignOffView) -> SignOffDetail {
    SignOffDetail {
        item: out(v.item),
        rounds: v.rounds.into_iter().map(round_out).collect(),
        steps: v.steps.into_iter().map(step_out).collect(),
        can_decide: v.can_decide,
        can_manage: v.can_manage,
    }
}

/// A sign-off request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSignOffIn {
    /// published_arrangements, annual_budget, yearly_report or threshold_document.
    pub kind: String,
    /// Title (up to 200 characters).
    #[schema(max_length = 200)]
    pub title: String,
    /// Description (up to 10,000 characters).
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    /// A document of the partnership's file store.
    pub file_id: Option<String>,
    /// A financial year of the partnership (annual budgets only).
    pub funding_year_id: Option<String>,
}

/// A lead partner's decision.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOffDecisionIn {
    /// `sign` or `return`.
    pub decision: String,
    /// Comments (required to return it; up to 5,000 characters).
    #[schema(max_length = 5000)]
    pub comment: Option<String>,
}

/// A new round after a return.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOffRerequestIn {
    /// What has changed (up to 5,000 characters).
    #[schema(max_length = 5000)]
    pub note: String,
    /// A revised document (else the last round's).
    pub file_id: Option<String>,
}

/// Withdrawing a request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOffWithdrawIn {
    /// Why (up to 5,000 characters).
    #[schema(max_length = 5000)]
    pub reason: String,
}

fn sign_off_id(p: Result<Path<String>, PathRejection>) -> Result<SignOffId, ApiError> {
    let Path(s) = p.map_err(bad)?;
    s.parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))
}

/// The partnership's sign-off items, open ones first.
#[utoipa::path(get, path = "/api/v1/sign-offs", tag = "sign-offs", security(("bearer" = [])),
    responses((status = 200, body = Vec<SignOffOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_sign_offs(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<Vec<SignOffOut>>, ApiError> {
    let rows = safeguard_service::signoffs::list(&s.svc, &actor).await?;
    Ok(Json(rows.into_iter().map(out).collect()))
}

/// Requests a sign-off from the three lead partners (emails the people who can sign).
#[utoipa::path(post, path = "/api/v1/sign-offs", tag = "sign-offs", request_body = NewSignOffIn, security(("bearer" = [])),
    responses((status = 201, body = SignOffDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn request_sign_off(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<NewSignOffIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(bad)?;
    let input = NewSignOffInput {
        kind: b.kind,
        title: b.title,
        description: b.description.unwrap_or_default(),
        file_id: b.file_id.unwrap_or_default(),
        funding_year_id: b.funding_year_id.unwrap_or_default(),
    };
    let id = safeguard_service::signoffs::request(&s.svc, &actor, &input).await?;
    let v = safeguard_service::signoffs::get(&s.svc, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(detail(v))).into_response())
}

/// One item with its rounds and the partners' steps.
#[utoipa::path(get, path = "/api/v1/sign-offs/{id}", tag = "sign-offs", params(("id" = String, Path, description = "Sign-off id")), security(("bearer" = [])),
    responses((status = 200, body = SignOffDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_sign_off(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<SignOffDetail>, ApiError> {
    let id = sign_off_id(p)?;
    let v = safeguard_service::signoffs::get(&s.svc, &actor, id).await?;
    Ok(Json(detail(v)))
}

/// A lead partner's decision for their own organisation: sign it off, or return it with comments.
#[utoipa::path(post, path = "/api/v1/sign-offs/{id}/decision", tag = "sign-offs", params(("id" = String, Path, description = "Sign-off id")), request_body = SignOffDecisionIn, security(("bearer" = [])),
    responses((status = 200, body = SignOffDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn decide_sign_off(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<SignOffDecisionIn>, JsonRejection>,
) -> Result<Json<SignOffDetail>, ApiError> {
    let id = sign_off_id(p)?;
    // Access first: someone who may not see the item learns nothing, not even that the body is wrong.
    safeguard_service::signoffs::get(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = DecisionInput {
        decision: b.decision,
        comment: b.comment.unwrap_or_default(),
    };
    safeguard_service::signoffs::decide(&s.svc, &actor, id, &input).await?;
    let v = safeguard_service::signoffs::get(&s.svc, &actor, id).await?;
    Ok(Json(detail(v)))
}

/// Requests a returned item again: a new round, earlier rounds kept.
#[utoipa::path(post, path = "/api/v1/sign-offs/{id}/rerequest", tag = "sign-offs", params(("id" = String, Path, description = "Sign-off id")), request_body = SignOffRerequestIn, security(("bearer" = [])),
    responses((status = 200, body = SignOffDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn rerequest_sign_off(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<SignOffRerequestIn>, JsonRejection>,
) -> Result<Json<SignOffDetail>, ApiError> {
    let id = sign_off_id(p)?;
    safeguard_service::signoffs::get(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = RerequestInput {
        note: b.note,
        file_id: b.file_id.unwrap_or_default(),
    };
    safeguard_service::signoffs::rerequest(&s.svc, &actor, id, &input).await?;
    let v = safeguard_service::signoffs::get(&s.svc, &actor, id).await?;
    Ok(Json(detail(v)))
}

/// Withdraws an open request.
#[utoipa::path(post, path = "/api/v1/sign-offs/{id}/withdraw", tag = "sign-offs", params(("id" = String, Path, description = "Sign-off id")), request_body = SignOffWithdrawIn, security(("bearer" = [])),
    responses((status = 200, body = SignOffDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn withdraw_sign_off(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<SignOffWithdrawIn>, JsonRejection>,
) -> Result<Json<SignOffDetail>, ApiError> {
    let id = sign_off_id(p)?;
    safeguard_service::signoffs::get(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    safeguard_service::signoffs::withdraw(&s.svc, &actor, id, &WithdrawInput { reason: b.reason })
        .await?;
    let v = safeguard_service::signoffs::get(&s.svc, &actor, id).await?;
    Ok(Json(detail(v)))
}

/// The sign-offs part of the API document (merged into [`super::ApiDoc`]).
#[derive(OpenApi)]
#[openapi(
    paths(
        list_sign_offs,
        request_sign_off,
        get_sign_off,
        decide_sign_off,
        rerequest_sign_off,
        withdraw_sign_off
    ),
    components(schemas(
        SignOffOut,
        SignOffStepOut,
        SignOffRoundOut,
        SignOffDetail,
        NewSignOffIn,
        SignOffDecisionIn,
        SignOffRerequestIn,
        SignOffWithdrawIn
    ))
)]
pub struct SignOffsApi;
