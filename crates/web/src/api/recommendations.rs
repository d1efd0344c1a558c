//! The recommendations tracker in the JSON API: sources, their recommendations, a recommendation with
//! its status history, actions and evidence, the owner's self-assessment and the independent
//! verification (both carry the version read: a stale one answers 409 and changes nothing), evidence,
//! actions (the one action model) and progress. The same use cases and access rules as the pages.
//! The CSV and XLSX downloads are pages only; the progress resource gives the same data as JSON.

use super::{Problem, bad};
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::actions::NewActionInput;
use safeguard_domain::recommendations::Period;
use safeguard_domain::recommendations::{
    EvidenceInput, RecommendationInput, SourceInput, StatusInput, VerifyInput,
};
use safeguard_service::recommendations::{Position, RecommendationDetail, RecommendationView};
use safeguard_service::{Actor, ServiceError};
use safeguard_store::recommendations::SourceRow;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// A source.
#[derive(Serialize, ToSchema)]
pub struct SourceOut {
    /// Id.
    pub id: Uuid,
    /// inquiry, local_cspr, national_review, joint_inspection, case_file_audit, section_11_audit,
    /// other.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Date of the report.
    pub published_on: NaiveDate,
    /// Who published it.
    pub publisher: String,
    /// An https link (empty when none).
    pub link: String,
    /// The report in the file store.
    pub file_id: Option<Uuid>,
    /// The practice review (local CSPR).
    pub review_id: Option<Uuid>,
    /// Number of recommendations.
    pub recommendations: i64,
    /// Its progress is published on the public progress page.
    pub progress_public: bool,
    /// Version (send it back with a change).
    pub version: i32,
}

fn source_out(s: SourceRow) -> SourceOut {
    SourceOut {
        id: s.source_id,
        kind: s.kind,
        title: s.title,
        published_on: s.published_on,
        publisher: s.publisher,
        link: s.link,
        file_id: s.file_id,
        review_id: s.review_id,
        recommendations: s.recommendations,
        progress_public: s.progress_public,
        version: s.version,
    }
}

/// A recommendation in a list.
#[derive(Serialize, ToSchema)]
pub struct TrackedRecommendationSummary {
    /// Id.
    pub id: Uuid,
    /// Number within the source.
    pub number: i32,
    /// Title (read through the case review module when by reference; a placeholder when the caller
    /// may not read case review records).
    pub title: String,
    /// The review recommendation it refers to (local CSPR).
    pub review_recommendation_id: Option<Uuid>,
    /// Addressee organisation ids.
    pub addressees: Vec<Uuid>,
    /// Accepted.
    pub accepted: bool,
    /// Lead person.
    pub lead_person_id: Option<Uuid>,
    /// Target date.
    pub target_date: Option<NaiveDate>,
    /// Self-assessed status.
    pub self_status: String,
    /// Verified status (null until verified; cleared by a new self-assessment).
    pub verified_status: Option<String>,
    /// red, amber or green today; null when not accepted.
    pub rag: Option<String>,
    /// Version (send it back with a status change or a verdict).
    pub version: i32,
}

fn summary(v: &RecommendationView) -> TrackedRecommendationSummary {
    TrackedRecommendationSummary {
        id: v.row.recommendation_id,
        number: v.row.number,
        title: v.title(),
        review_recommendation_id: v.row.review_recommendation_id,
        addressees: v.addressees.iter().map(|a| a.organisation_id).collect(),
        accepted: v.row.accepted,
        lead_person_id: v.row.lead_person_id,
        target_date: v.row.target_date,
        self_status: v.status.slug().to_owned(),
        verified_status: v.verified.map(|x| x.slug().to_owned()),
        rag: v.rag.map(|r| r.slug().to_owned()),
        version: v.row.version,
    }
}

/// A source with its recommendations.
#[derive(Serialize, ToSchema)]
pub struct SourceDetailOut {
    /// The source.
    pub source: SourceOut,
    /// Its recommendations, by number.
    pub recommendations: Vec<TrackedRecommendationSummary>,
}

/// An entry of the status history.
#[derive(Serialize, ToSchema)]
pub struct StatusEventOut {
    /// self or verification.
    pub kind: String,
    /// The status set.
    pub status: String,
    /// Note or reason.
    pub note: String,
    /// Who.
    pub by_person_id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// Evidence.
#[derive(Serialize, ToSchema)]
pub struct EvidenceOut {
    /// Id.
    pub id: Uuid,
    /// A document of the file store.
    pub file_id: Option<Uuid>,
    /// Or a link.
    pub url: String,
    /// What it is.
    pub label: String,
    /// Who added it.
    pub added_by: Uuid,
    /// When.
    pub added_at: DateTime<Utc>,
}

/// A recommendation with its text, history, actions and evidence.
#[derive(Serialize, ToSchema)]
pub struct TrackedRecommendationOut {
    /// The recommendation.
    pub recommendation: TrackedRecommendationSummary,
    /// The source.
    pub source_id: Uuid,
    /// The text (read through the case review module when by reference; empty when restricted).
    pub body: String,
    /// Why it was not accepted.
    pub not_accepted_reason: String,
    /// Both histories, newest first.
    pub history: Vec<StatusEventOut>,
    /// Its actions (ids in the action model: `GET /api/v1/actions/{id}`).
    pub action_ids: Vec<Uuid>,
    /// Its evidence.
    pub evidence: Vec<EvidenceOut>,
}

fn detail_out(d: RecommendationDetail) -> TrackedRecommendationOut {
    TrackedRecommendationOut {
        recommendation: summary(&d.view),
        source_id: d.source.source_id,
        body: d.view.body(),
        not_accepted_reason: d.view.row.not_accepted_reason.clone(),
        history: d
            .events
            .into_iter()
            .map(|e| StatusEventOut {
                kind: e.kind,
                status: e.status,
                note: e.note,
                by_person_id: e.by_person_id,
                at: e.at,
            })
            .collect(),
        action_ids: d.actions.iter().map(|a| a.action_id).collect(),
        evidence: d
            .evidence
            .into_iter()
            .map(|e| EvidenceOut {
                id: e.evidence_id,
                file_id: e.file_id,
                url: e.url,
                label: e.label,
                added_by: e.added_by,
                added_at: e.added_at,
            })
            .collect(),
    }
}

/// Progress by status (positions) for all recommendations and by addressee.
#[derive(Serialize, ToSchema)]
pub struct ProgressOut {
    /// The positions, in the order of every `counts` array.
    pub positions: Vec<String>,
    /// All recommendations.
    pub overall: ProgressRowOut,
    /// By addressee organisation.
    pub by_addressee: Vec<ProgressRowOut>,
    /// red, amber, green and not rated.
    pub rag: Vec<i64>,
}

/// Counts for one row.
#[derive(Serialize, ToSchema)]
pub struct ProgressRowOut {
    /// "All recommendations" or the organisation's name.
    pub label: String,
    /// Counts per position.
    pub counts: Vec<i64>,
    /// Total.
    pub total: i64,
}

/// A new source.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceIn {
    /// inquiry, local_cspr, national_review, joint_inspection, case_file_audit, section_11_audit, other.
    pub kind: String,
    /// Title (up to 200 characters).
    #[schema(max_length = 200)]
    pub title: String,
    /// Date of the report, YYYY-MM-DD, not in the future.
    pub published_on: String,
    /// Who published it (up to 200 characters).
    #[schema(max_length = 200)]
    pub publisher: String,
    /// An https link.
    #[schema(max_length = 2000)]
    pub link: Option<String>,
    /// A document of the file store.
    pub file_id: Option<String>,
    /// The practice review (required for local_cspr, refused otherwise).
    pub review_id: Option<String>,
}

/// A new recommendation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackedRecommendationIn {
    /// Number within the source (1 to 9999, unique there).
    pub number: i32,
    /// Title (not for a local CSPR source).
    #[schema(max_length = 200)]
    pub title: Option<String>,
    /// Text (not for a local CSPR source).
    #[schema(max_length = 10000)]
    pub body: Option<String>,
    /// The practice review's recommendation (local CSPR sources only, required there).
    pub review_recommendation_id: Option<String>,
    /// Addressee organisations of the partnership (at least one).
    pub addressees: Vec<String>,
    /// Accepted.
    pub accepted: bool,
    /// Why not (required when not accepted).
    #[schema(max_length = 10000)]
    pub not_accepted_reason: Option<String>,
    /// The lead person.
    pub lead_person_id: Option<String>,
    /// Target date, YYYY-MM-DD.
    pub target_date: Option<String>,
}

/// A self-assessment.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusIn {
    /// not_started, in_progress, ready_for_assessment, implemented or unable_to_implement (one the
    /// current status may move to).
    pub status: String,
    /// A note; the reason, required for unable_to_implement.
    #[schema(max_length = 10000)]
    pub note: Option<String>,
    /// The version read; a stale one answers 409.
    pub version: i32,
}

/// An independent verdict.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyIn {
    /// agree or disagree.
    pub verdict: String,
    /// A note; required when disagreeing.
    #[schema(max_length = 10000)]
    pub note: Option<String>,
    /// The version read; a stale one answers 409.
    pub version: i32,
}

/// Evidence to add: a document or an https link.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceIn {
    /// A document of the file store.
    pub file_id: Option<String>,
    /// Or an https link.
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    /// What it is (up to 200 characters).
    #[schema(max_length = 200)]
    pub label: String,
}

/// An action to add to a recommendation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendationActionIn {
    /// Title.
    #[schema(max_length = 200)]
    pub title: String,
    /// Description.
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    /// Owner organisation.
    pub owner_organisation_id: String,
    /// Owner person.
    pub owner_person_id: Option<String>,
    /// Due date, YYYY-MM-DD.
    pub due_date: Option<String>,
}

fn id_of(p: Result<Path<String>, PathRejection>) -> Result<Uuid, ApiError> {
    let Path(s) = p.map_err(bad)?;
    s.parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))
}

async fn source_detail(s: &AppState, actor: &Actor, id: Uuid) -> Result<SourceDetailOut, ApiError> {
    let v = safeguard_service::recommendations::source(&s.svc, actor, id).await?;
    Ok(SourceDetailOut {
        recommendations: v.recommendations.iter().map(summary).collect(),
        source: source_out(v.source),
    })
}

/// The partnership's sources, newest first.
#[utoipa::path(get, path = "/api/v1/recommendation-sources", tag = "recommendations", security(("bearer" = [])),
    responses((status = 200, body = [SourceOut]), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_sources(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<Vec<SourceOut>>, ApiError> {
    let rows = safeguard_service::recommendations::sources(&s.svc, &actor).await?;
    Ok(Json(rows.into_iter().map(source_out).collect()))
}

/// Adds a source.
#[utoipa::path(post, path = "/api/v1/recommendation-sources", tag = "recommendations", request_body = SourceIn, security(("bearer" = [])),
    responses((status = 201, body = SourceDetailOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_source(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<SourceIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(bad)?;
    let input = SourceInput {
        kind: b.kind,
        title: b.title,
        published_on: b.published_on,
        publisher: b.publisher,
        link: b.link.unwrap_or_default(),
        file_id: b.file_id.unwrap_or_default(),
        review_id: b.review_id.unwrap_or_default(),
    };
    let id = safeguard_service::recommendations::create_source(&s.svc, &actor, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(source_detail(&s, &actor, id).await?),
    )
        .into_response())
}

/// A source with its recommendations, their status and RAG rating.
#[utoipa::path(get, path = "/api/v1/recommendation-sources/{id}", tag = "recommendations", params(("id" = String, Path, description = "Source id")), security(("bearer" = [])),
    responses((status = 200, body = SourceDetailOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_source(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<SourceDetailOut>, ApiError> {
    let id = id_of(p)?;
    Ok(Json(source_detail(&s, &actor, id).await?))
}

/// Adds a recommendation to a source.
#[utoipa::path(post, path = "/api/v1/recommendation-sources/{id}/recommendations", tag = "recommendations", params(("id" = String, Path, description = "Source id")), request_body = TrackedRecommendationIn, security(("bearer" = [])),
    responses((status = 201, body = TrackedRecommendationOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_recommendation(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<TrackedRecommendationIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = id_of(p)?;
    safeguard_service::recommendations::source(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = RecommendationInput {
        number: b.number.to_string(),
        title: b.title.unwrap_or_default(),
        body: b.body.unwrap_or_default(),
        review_recommendation_id: b.review_recommendation_id.unwrap_or_default(),
        addressees: b.addressees,
        accepted: if b.accepted { "yes" } else { "no" }.to_owned(),
        not_accepted_reason: b.not_accepted_reason.unwrap_or_default(),
        lead_person_id: b.lead_person_id.unwrap_or_default(),
        target_date: b.target_date.unwrap_or_default(),
    };
    let rid =
        safeguard_service::recommendations::add_recommendation(&s.svc, &actor, id, &input).await?;
    let d = safeguard_service::recommendations::recommendation(&s.svc, &actor, rid).await?;
    Ok((StatusCode::CREATED, Json(detail_out(d))).into_response())
}

/// Progress of a source by status and by addressee (the data of the progress chart and tables).
#[utoipa::path(get, path = "/api/v1/recommendation-sources/{id}/progress", tag = "recommendations", params(("id" = String, Path, description = "Source id")), security(("bearer" = [])),
    responses((status = 200, body = ProgressOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn progress(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<ProgressOut>, ApiError> {
    let id = id_of(p)?;
    let pr = safeguard_service::recommendations::progress(&s.svc, &actor, id).await?;
    let row = |r: &safeguard_service::recommendations::ProgressRow| ProgressRowOut {
        label: r.label.clone(),
        counts: r.counts.clone(),
        total: r.total,
    };
    Ok(Json(ProgressOut {
        positions: Position::ALL.iter().map(|x| x.slug().to_owned()).collect(),
        overall: row(&pr.overall),
        by_addressee: pr.by_addressee.iter().map(row).collect(),
        rag: pr.rag.to_vec(),
    }))
}

/// A recommendation with its text, status history, actions and evidence.
#[utoipa::path(get, path = "/api/v1/tracked-recommendations/{id}", tag = "recommendations", params(("id" = String, Path, description = "Recommendation id")), security(("bearer" = [])),
    responses((status = 200, body = TrackedRecommendationOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_recommendation(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<TrackedRecommendationOut>, ApiError> {
    let id = id_of(p)?;
    let d = safeguard_service::recommendations::recommendation(&s.svc, &actor, id).await?;
    Ok(Json(detail_out(d)))
}

/// The owner's self-assessment (the lead, or a manager), against the version read.
#[utoipa::path(post, path = "/api/v1/tracked-recommendations/{id}/status", tag = "recommendations", params(("id" = String, Path, description = "Recommendation id")), request_body = StatusIn, security(("bearer" = [])),
    responses((status = 200, body = TrackedRecommendationOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_status(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<StatusIn>, JsonRejection>,
) -> Result<Json<TrackedRecommendationOut>, ApiError> {
    let id = id_of(p)?;
    safeguard_service::recommendations::recommendation(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = StatusInput {
        status: b.status,
        note: b.note.unwrap_or_default(),
        version: b.version.to_string(),
    };
    safeguard_service::recommendations::self_assess(&s.svc, &actor, id, &input).await?;
    let d = safeguard_service::recommendations::recommendation(&s.svc, &actor, id).await?;
    Ok(Json(detail_out(d)))
}

/// The independent verdict on the current self-assessment (the scrutineer), against the version read.
#[utoipa::path(post, path = "/api/v1/tracked-recommendations/{id}/verification", tag = "recommendations", params(("id" = String, Path, description = "Recommendation id")), request_body = VerifyIn, security(("bearer" = [])),
    responses((status = 200, body = TrackedRecommendationOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn verify(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<VerifyIn>, JsonRejection>,
) -> Result<Json<TrackedRecommendationOut>, ApiError> {
    let id = id_of(p)?;
    safeguard_service::recommendations::recommendation(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = VerifyInput {
        verdict: b.verdict,
        note: b.note.unwrap_or_default(),
        version: b.version.to_string(),
    };
    safeguard_service::recommendations::verify(&s.svc, &actor, id, &input).await?;
    let d = safeguard_service::recommendations::recommendation(&s.svc, &actor, id).await?;
    Ok(Json(detail_out(d)))
}

/// Adds evidence (the lead, or a manager).
#[utoipa::path(post, path = "/api/v1/tracked-recommendations/{id}/evidence", tag = "recommendations", params(("id" = String, Path, description = "Recommendation id")), request_body = EvidenceIn, security(("bearer" = [])),
    responses((status = 201, body = TrackedRecommendationOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_evidence(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<EvidenceIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = id_of(p)?;
    safeguard_service::recommendations::recommendation(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = EvidenceInput {
        file_id: b.file_id.unwrap_or_default(),
        url: b.url.unwrap_or_default(),
        label: b.label,
    };
    safeguard_service::recommendations::add_evidence(&s.svc, &actor, id, &input).await?;
    let d = safeguard_service::recommendations::recommendation(&s.svc, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(detail_out(d))).into_response())
}

/// Adds an action to a recommendation in the one action model.
#[utoipa::path(post, path = "/api/v1/tracked-recommendations/{id}/actions", tag = "recommendations", params(("id" = String, Path, description = "Recommendation id")), request_body = RecommendationActionIn, security(("bearer" = [])),
    responses((status = 201, body = TrackedRecommendationOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_action(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<RecommendationActionIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = id_of(p)?;
    safeguard_service::recommendations::recommendation(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = NewActionInput {
        title: b.title,
        description: b.description.unwrap_or_default(),
        owner_organisation_id: b.owner_organisation_id,
        owner_person_id: b.owner_person_id.unwrap_or_default(),
        due_date: b.due_date.unwrap_or_default(),
        ..Default::default()
    };
    safeguard_service::recommendations::add_action(&s.svc, &actor, id, &input).await?;
    let d = safeguard_service::recommendations::recommendation(&s.svc, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(detail_out(d))).into_response())
}

/// The recommendations tracker's part of the API document (merged into [`super::ApiDoc`]).
#[derive(OpenApi)]
#[openapi(
    paths(
        list_sources,
        create_source,
        get_source,
        add_recommendation,
        progress,
        get_recommendation,
        set_status,
        verify,
        add_evidence,
        add_action
    ),
    components(schemas(
        SourceOut,
        TrackedRecommendationSummary,
        SourceDetailOut,
        StatusEventOut,
        EvidenceOut,
        TrackedRecommendationOut,
        ProgressOut,
        ProgressRowOut,
        SourceIn,
        TrackedRecommendationIn,
        StatusIn,
        VerifyIn,
        EvidenceIn,
        RecommendationActionIn
    ))
)]
pub struct RecommendationsApi;

// ---------------------------------------------------------------------------------------------
// Progress over time, publishing the public progress page, and edits

/// `?period=month|quarter`.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverTimeQuery {
    /// month (the default) or quarter.
    #[param(pattern = "^(month|quarter)$")]
    pub period: Option<String>,
}

/// The counts at one date.
#[derive(Serialize, ToSchema)]
pub struct OverTimePointOut {
    /// The end of the month or quarter (today for the current one).
    pub date: NaiveDate,
    /// Counts per position, in the order of `positions`.
    pub counts: Vec<i64>,
    /// Total.
    pub total: i64,
}

/// A source's progress over time, from the append-only status histories.
#[derive(Serialize, ToSchema)]
pub struct OverTimeOut {
    /// month or quarter.
    pub period: String,
    /// The positions, in the order of every `counts` array.
    pub positions: Vec<String>,
    /// One point per month or quarter from the source's date to today.
    pub points: Vec<OverTimePointOut>,
}

/// Changes to a source (its kind and practice review stay).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceUpdateIn {
    /// Title (up to 200 characters).
    #[schema(max_length = 200)]
    pub title: String,
    /// Date of the report, YYYY-MM-DD, not in the future.
    pub published_on: String,
    /// Who published it (up to 200 characters).
    #[schema(max_length = 200)]
    pub publisher: String,
    /// An https link.
    #[schema(max_length = 2000)]
    pub link: Option<String>,
    /// A document of the file store.
    pub file_id: Option<String>,
    /// The version read; a stale one answers 409.
    pub version: i32,
}

/// Publishing a source's progress on the public progress page, or withdrawing it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicProgressIn {
    /// true to publish, false to withdraw.
    pub published: bool,
    /// The version read; a stale one answers 409.
    pub version: i32,
}

/// Changes to a recommendation (its status and history stay).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackedRecommendationUpdateIn {
    /// Number within the source (1 to 9999, unique there).
    pub number: i32,
    /// Title (not for a local CSPR source).
    #[schema(max_length = 200)]
    pub title: Option<String>,
    /// Text (not for a local CSPR source).
    #[schema(max_length = 10000)]
    pub body: Option<String>,
    /// The practice review's recommendation (local CSPR sources only, required there).
    pub review_recommendation_id: Option<String>,
    /// Addressee organisations of the partnership (at least one).
    pub addressees: Vec<String>,
    /// Accepted.
    pub accepted: bool,
    /// Why not (required when not accepted).
    #[schema(max_length = 10000)]
    pub not_accepted_reason: Option<String>,
    /// The lead person.
    pub lead_person_id: Option<String>,
    /// Target date, YYYY-MM-DD.
    pub target_date: Option<String>,
    /// The version read; a stale one answers 409.
    pub version: i32,
}

/// Progress of a source over time: the count in each position at the end of each month (or
/// quarter) from the source's date to today.
#[utoipa::path(get, path = "/api/v1/recommendation-sources/{id}/progress-over-time", tag = "recommendations", params(("id" = String, Path, description = "Source id"), OverTimeQuery), security(("bearer" = [])),
    responses((status = 200, body = OverTimeOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn progress_over_time(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    q: Result<axum::extract::Query<OverTimeQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<OverTimeOut>, ApiError> {
    let id = id_of(p)?;
    let axum::extract::Query(q) = q.map_err(bad)?;
    let period = match q.period.as_deref() {
        None => Period::Month,
        Some(x) => Period::parse(x).ok_or_else(|| {
            ApiError(AppError::Service(ServiceError::Invalid(
                safeguard_domain::ValidationErrors::single("period", "Give month or quarter"),
            )))
        })?,
    };
    let (_, t) =
        safeguard_service::recommendations::progress_over_time(&s.svc, &actor, id, period).await?;
    Ok(Json(OverTimeOut {
        period: period.slug().to_owned(),
        positions: Position::ALL.iter().map(|x| x.slug().to_owned()).collect(),
        points: t
            .ends
            .iter()
            .zip(t.counts)
            .map(|(d, c)| OverTimePointOut {
                date: *d,
                total: c.iter().sum(),
                counts: c,
            })
            .collect(),
    }))
}

/// Changes a source's title, date, publisher, link and document, against the version read.
#[utoipa::path(put, path = "/api/v1/recommendation-sources/{id}", tag = "recommendations", params(("id" = String, Path, description = "Source id")), request_body = SourceUpdateIn, security(("bearer" = [])),
    responses((status = 200, body = SourceDetailOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_source(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<SourceUpdateIn>, JsonRejection>,
) -> Result<Json<SourceDetailOut>, ApiError> {
    let id = id_of(p)?;
    safeguard_service::recommendations::source(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = SourceInput {
        title: b.title,
        published_on: b.published_on,
        publisher: b.publisher,
        link: b.link.unwrap_or_default(),
        file_id: b.file_id.unwrap_or_default(),
        ..Default::default()
    };
    safeguard_service::recommendations::update_source(
        &s.svc,
        &actor,
        id,
        &input,
        &b.version.to_string(),
    )
    .await?;
    Ok(Json(source_detail(&s, &actor, id).await?))
}

/// Publishes a source's progress on the public progress page
/// (`/public/{partnership slug}/recommendation-progress/{id}`) or withdraws it, against the version
/// read.
#[utoipa::path(put, path = "/api/v1/recommendation-sources/{id}/public-progress", tag = "recommendations", params(("id" = String, Path, description = "Source id")), request_body = PublicProgressIn, security(("bearer" = [])),
    responses((status = 200, body = SourceOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_public_progress(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<PublicProgressIn>, JsonRejection>,
) -> Result<Json<SourceOut>, ApiError> {
    let id = id_of(p)?;
    safeguard_service::recommendations::source(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = safeguard_service::recommendations::PublishInput {
        publish: if b.published { "yes" } else { "no" }.to_owned(),
        version: b.version.to_string(),
    };
    safeguard_service::recommendations::set_public_progress(&s.svc, &actor, id, &input).await?;
    Ok(Json(source_detail(&s, &actor, id).await?.source))
}

/// Changes a recommendation (number, title, text or review recommendation, addressees, acceptance,
/// lead, target date) against the version read; its status and history stay.
#[utoipa::path(put, path = "/api/v1/tracked-recommendations/{id}", tag = "recommendations", params(("id" = String, Path, description = "Recommendation id")), request_body = TrackedRecommendationUpdateIn, security(("bearer" = [])),
    responses((status = 200, body = TrackedRecommendationOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_recommendation(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<TrackedRecommendationUpdateIn>, JsonRejection>,
) -> Result<Json<TrackedRecommendationOut>, ApiError> {
    let id = id_of(p)?;
    safeguard_service::recommendations::recommendation(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = RecommendationInput {
        number: b.number.to_string(),
        title: b.title.unwrap_or_default(),
        body: b.body.unwrap_or_default(),
        review_recommendation_id: b.review_recommendation_id.unwrap_or_default(),
        addressees: b.addressees,
        accepted: if b.accepted { "yes" } else { "no" }.to_owned(),
        not_accepted_reason: b.not_accepted_reason.unwrap_or_default(),
        lead_person_id: b.lead_person_id.unwrap_or_default(),
        target_date: b.target_date.unwrap_or_default(),
    };
    safeguard_service::recommendations::update_recommendation(
        &s.svc,
        &actor,
        id,
        &input,
        &b.version.to_string(),
    )
    .await?;
    let d = safeguard_service::recommendations::recommendation(&s.svc, &actor, id).await?;
    Ok(Json(detail_out(d)))
}

/// Progress over time, the public progress page and edits in the API document (merged into
/// [`super::ApiDoc`]).
#[derive(OpenApi)]
#[openapi(
    paths(
        progress_over_time,
        update_source,
        set_public_progress,
        update_recommendation
    ),
    components(schemas(
        OverTimeOut,
        OverTimePointOut,
        SourceUpdateIn,
        PublicProgressIn,
        TrackedRecommendationUpdateIn
    ))
)]
pub struct RecommendationProgressApi;
