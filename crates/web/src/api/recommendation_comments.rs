//! Lived-experience consultants on the recommendations tracker in the JSON API: the consultants' own
//! resources (the recommendations they are invited to, one with their comments and the answers,
//! commenting) and, for the recommendation's owners and administrators, its comments, answering,
//! inviting and revoking. The same use cases and access rules as the pages.

use super::{Problem, bad};
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::recommendation_comments::{AnswerInput, CommentInput, InviteInput};
use safeguard_service::recommendation_comments::{self as svc, InvitedView, Thread, invited_title};
use safeguard_service::{Actor, ServiceError};
use safeguard_store::recommendation_comments::InvitedRow;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// A recommendation a consultant is invited to, in a list.
#[derive(Serialize, ToSchema)]
pub struct InvitedSummary {
    /// Id.
    pub id: Uuid,
    /// Number within its source.
    pub number: i32,
    /// Title (a placeholder when its text is held by the case review panel).
    pub title: String,
    /// The source's title.
    pub source_title: String,
    /// The source's date.
    pub source_published_on: NaiveDate,
}

fn summary(r: &InvitedRow) -> InvitedSummary {
    InvitedSummary {
        id: r.recommendation_id,
        number: r.number,
        title: invited_title(r),
        source_title: r.source_title.clone(),
        source_published_on: r.source_published_on,
    }
}

/// The recommendations the caller is invited to.
#[derive(Serialize, ToSchema)]
pub struct InvitedList {
    /// Items, by source and number.
    pub items: Vec<InvitedSummary>,
}

/// An answer to a comment.
#[derive(Serialize, ToSchema)]
pub struct AnswerOut {
    /// Id.
    pub id: Uuid,
    /// Who: "The partnership" for consultants, the owner's name for owners.
    pub author: String,
    /// Text.
    pub body: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A comment with its answers.
#[derive(Serialize, ToSchema)]
pub struct CommentOut {
    /// Id.
    pub id: Uuid,
    /// Who: the consultant's name, or "A lived-experience consultant" when anonymous.
    pub author: String,
    /// Shown anonymously.
    pub anonymous: bool,
    /// Text.
    pub body: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Answers, oldest first.
    pub answers: Vec<AnswerOut>,
}

fn comment_out(t: Thread) -> CommentOut {
    CommentOut {
        id: t.comment_id,
        author: t.author,
        anonymous: t.anonymous,
        body: t.body,
        at: t.at,
        answers: t
            .answers
            .into_iter()
            .map(|a| AnswerOut {
                id: a.answer_id,
                author: a.author,
                body: a.body,
                at: a.at,
            })
            .collect(),
    }
}

/// A recommendation as a consultant sees it, with their own comments and the answers.
#[derive(Serialize, ToSchema)]
pub struct InvitedDetail {
    /// Id.
    pub id: Uuid,
    /// Number within its source.
    pub number: i32,
    /// Title (a placeholder when its text is held by the case review panel).
    pub title: String,
    /// Text (empty when held by the case review panel).
    pub body: String,
    /// The source's title.
    pub source_title: String,
    /// The addressee organisations' names.
    pub addressees: Vec<String>,
    /// Self-assessed status.
    pub self_status: String,
    /// Verified status (null until verified).
    pub verified_status: Option<String>,
    /// The caller's comments, oldest first.
    pub comments: Vec<CommentOut>,
}

fn detail(v: InvitedView) -> InvitedDetail {
    InvitedDetail {
        id: v.row.recommendation_id,
        number: v.row.number,
        title: v.title(),
        body: if v.row.by_reference {
            String::new()
        } else {
            v.row.body.clone()
        },
        source_title: v.row.source_title.clone(),
        addressees: v.addressees,
        self_status: v.row.self_status.clone(),
        verified_status: v.row.verified_status.clone(),
        comments: v.threads.into_iter().map(comment_out).collect(),
    }
}

/// A comment as sent.
#[derive(Deserialize, ToSchema)]
pub struct CommentIn {
    /// The comment (up to 4000 characters).
    #[serde(default)]
    pub body: String,
    /// "named" or "anonymous".
    #[serde(default)]
    pub identity: String,
}

/// An answer as sent.
#[derive(Deserialize, ToSchema)]
pub struct AnswerIn {
    /// The comment answered.
    #[serde(default)]
    pub comment_id: String,
    /// The answer (up to 4000 characters).
    #[serde(default)]
    pub answer: String,
}

/// An invitation (or its revocation) as sent.
#[derive(Deserialize, ToSchema)]
pub struct InviteIn {
    /// The consultant (person id).
    #[serde(default)]
    pub person_id: String,
}

/// A recommendation's comments, for its owners.
#[derive(Serialize, ToSchema)]
pub struct CommentList {
    /// Comments with their answers, oldest first.
    pub items: Vec<CommentOut>,
}

/// A consultant invited to a recommendation.
#[derive(Serialize, ToSchema)]
pub struct InvitationOut {
    /// The consultant.
    pub person_id: Uuid,
    /// Name.
    pub name: String,
    /// Invited.
    pub invited_at: DateTime<Utc>,
    /// Revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

fn id_of(p: Result<Path<String>, PathRejection>) -> Result<Uuid, ApiError> {
    let Path(s) = p.map_err(bad)?;
    s.parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))
}

/// The recommendations the caller, a lived-experience consultant, is invited to (audited).
#[utoipa::path(get, path = "/api/v1/invited-recommendations", tag = "recommendations", security(("bearer" = [])),
    responses((status = 200, body = InvitedList), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_invited(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<InvitedList>, ApiError> {
    let rows = svc::invited_list(&s.svc, &actor).await?;
    Ok(Json(InvitedList {
        items: rows.iter().map(summary).collect(),
    }))
}

/// One recommendation the caller is invited to, with their comments and the answers (audited); 404
/// unless invited and not revoked.
#[utoipa::path(get, path = "/api/v1/invited-recommendations/{id}", tag = "recommendations", params(("id" = String, Path, description = "Recommendation id")), security(("bearer" = [])),
    responses((status = 200, body = InvitedDetail), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_invited(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<InvitedDetail>, ApiError> {
    let id = id_of(p)?;
    Ok(Json(detail(svc::invited_get(&s.svc, &actor, id).await?)))
}

/// Comments on a recommendation the caller is invited to, named or anonymous.
#[utoipa::path(post, path = "/api/v1/invited-recommendations/{id}/comments", tag = "recommendations", params(("id" = String, Path, description = "Recommendation id")), request_body = CommentIn, security(("bearer" = [])),
    responses((status = 201, body = InvitedDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_comment(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<CommentIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = id_of(p)?;
    let Json(b) = body.map_err(bad)?;
    let input = CommentInput {
        body: b.body,
        identity: b.identity,
    };
    svc::comment(&s.svc, &actor, id, &input).await?;
    let v = svc::invited_get(&s.svc, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(detail(v))).into_response())
}

/// A recommendation's comments with their answers: for its lead and those who manage
/// recommendations (others get an empty list).
#[utoipa::path(get, path = "/api/v1/tracked-recommendations/{id}/comments", tag = "recommendations", params(("id" = String, Path, description = "Recommendation id")), security(("bearer" = [])),
    responses((status = 200, body = CommentList), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_comments(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<CommentList>, ApiError> {
    let id = id_of(p)?;
    let v = svc::owner_view(&s.svc, &actor, id).await?;
    Ok(Json(CommentList {
        items: v.threads.into_iter().map(comment_out).collect(),
    }))
}

/// Answers a consultant's comment (the recommendation's lead, or a manager).
#[utoipa::path(post, path = "/api/v1/tracked-recommendations/{id}/answers", tag = "recommendations", params(("id" = String, Path, description = "Recommendation id")), request_body = AnswerIn, security(("bearer" = [])),
    responses((status = 201, body = CommentList), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_answer(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<AnswerIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = id_of(p)?;
    let v = svc::owner_view(&s.svc, &actor, id).await?;
    if !v.can_answer {
        return Err(ApiError(AppError::Service(ServiceError::Forbidden(
            "not the recommendation's owner",
        ))));
    }
    let Json(b) = body.map_err(bad)?;
    let input = AnswerInput {
        comment_id: b.comment_id,
        answer: b.answer,
    };
    svc::answer(&s.svc, &actor, id, &input).await?;
    let v = svc::owner_view(&s.svc, &actor, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(CommentList {
            items: v.threads.into_iter().map(comment_out).collect(),
        }),
    )
        .into_response())
}

/// The consultants invited to a recommendation, revoked invitations too.
#[utoipa::path(get, path = "/api/v1/tracked-recommendations/{id}/consultants", tag = "recommendations", params(("id" = String, Path, description = "Recommendation id")), security(("bearer" = [])),
    responses((status = 200, body = [InvitationOut]), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_invitations(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<Vec<InvitationOut>>, ApiError> {
    let id = id_of(p)?;
    let rows = svc::invitations(&s.svc, &actor, id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|i| InvitationOut {
                person_id: i.person_id,
                name: i.name,
                invited_at: i.invited_at,
                revoked_at: i.revoked_at,
            })
            .collect(),
    ))
}

async fn invitation_change(
    s: &AppState,
    actor: &Actor,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<InviteIn>, JsonRejection>,
    revoke: bool,
) -> Result<Json<Vec<InvitationOut>>, ApiError> {
    let id = id_of(p)?;
    svc::invitations(&s.svc, actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = InviteInput {
        person_id: b.person_id,
    };
    if revoke {
        svc::revoke(&s.svc, actor, id, &input).await?;
    } else {
        svc::invite(&s.svc, actor, id, &input).await?;
    }
    let rows = svc::invitations(&s.svc, actor, id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|i| InvitationOut {
                person_id: i.person_id,
                name: i.name,
                invited_at: i.invited_at,
                revoked_at: i.revoked_at,
            })
            .collect(),
    ))
}

/// Invites a lived-experience consultant of the partnership to the recommendation.
#[utoipa::path(post, path = "/api/v1/tracked-recommendations/{id}/consultants", tag = "recommendations", params(("id" = String, Path, description = "Recommendation id")), request_body = InviteIn, security(("bearer" = [])),
    responses((status = 200, body = [InvitationOut]), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn invite(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<InviteIn>, JsonRejection>,
) -> Result<Json<Vec<InvitationOut>>, ApiError> {
    invitation_change(&s, &actor, p, body, false).await
}

/// Revokes a consultant's invitation to the recommendation.
#[utoipa::path(post, path = "/api/v1/tracked-recommendations/{id}/consultants/revoke", tag = "recommendations", params(("id" = String, Path, description = "Recommendation id")), request_body = InviteIn, security(("bearer" = [])),
    responses((status = 200, body = [InvitationOut]), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<InviteIn>, JsonRejection>,
) -> Result<Json<Vec<InvitationOut>>, ApiError> {
    invitation_change(&s, &actor, p, body, true).await
}

/// The consultants' part of the API document (merged into [`super::ApiDoc`]).
#[derive(OpenApi)]
#[openapi(
    paths(
        list_invited,
        get_invited,
        add_comment,
        list_comments,
        add_answer,
        list_invitations,
        invite,
        revoke
    ),
    components(schemas(
        InvitedSummary,
        InvitedList,
        AnswerOut,
        CommentOut,
        InvitedDetail,
        CommentIn,
        AnswerIn,
        InviteIn,
        CommentList,
        InvitationOut
    ))
)]
pub struct RecommendationCommentsApi;
