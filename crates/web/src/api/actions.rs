//! The actions API: the partnership's actions, "my actions", adding an action, one action with its
//! progress updates, and adding an update. The same use cases and access rules as the pages.

use super::{Problem, bad, page_of};
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::ActionId;
use safeguard_domain::actions::{ActionStatus, ActionUpdateInput, NewActionInput};
use safeguard_service::actions::{ActionView, PAGE_SIZE, overdue};
use safeguard_service::{Actor, ServiceError};
use safeguard_store::actions::{Action, ActionFilter, Update};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

/// An action.
#[derive(Serialize, ToSchema)]
pub struct ActionOut {
    /// Id.
    pub id: Uuid,
    /// Partnership id.
    pub partnership_id: Uuid,
    /// Partnership name.
    pub partnership_name: String,
    /// meeting, decision, case_review, recommendation, audit or other.
    pub source_type: String,
    /// The source record, if any.
    pub source_id: Option<Uuid>,
    /// What to show for the source.
    pub source_label: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Owner organisation id.
    pub owner_organisation_id: Uuid,
    /// Owner organisation name.
    pub owner_organisation_name: String,
    /// Owner person id.
    pub owner_person_id: Option<Uuid>,
    /// Owner person name.
    pub owner_person_name: Option<String>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// open, in_progress, done or cancelled.
    pub status: String,
    /// Due before today (in England) and not done or cancelled.
    pub overdue: bool,
    /// Version (optimistic concurrency).
    pub version: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

fn out(a: Action, now: DateTime<Utc>) -> ActionOut {
    ActionOut {
        overdue: overdue(&a, now),
        id: a.action_id,
        partnership_id: a.partnership_id,
        partnership_name: a.partnership_name,
        source_type: a.source_type,
        source_id: a.source_id,
        source_label: a.source_label,
        title: a.title,
        description: a.description,
        owner_organisation_id: a.owner_organisation_id,
        owner_organisation_name: a.owner_organisation_name,
        owner_person_id: a.owner_person_id,
        owner_person_name: a.owner_person_name,
        due_date: a.due_date,
        status: a.status,
        version: a.version,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

/// A progress update.
#[derive(Serialize, ToSchema)]
pub struct ActionUpdateOut {
    /// Id.
    pub id: Uuid,
    /// Author id.
    pub author_id: Uuid,
    /// Author name.
    pub author_name: String,
    /// When.
    pub at: DateTime<Utc>,
    /// What happened.
    pub body: String,
    /// The status it moved the action to.
    pub new_status: Option<String>,
    /// The update this one corrects.
    pub corrects_update_id: Option<Uuid>,
}

fn update_out(u: Update) -> ActionUpdateOut {
    ActionUpdateOut {
        id: u.action_update_id,
        author_id: u.author_person_id,
        author_name: u.author_name,
        at: u.at,
        body: u.body,
        new_status: u.new_status,
        corrects_update_id: u.corrects_update_id,
    }
}

/// An action with its updates, newest first.
#[derive(Serialize, ToSchema)]
pub struct ActionDetail {
    /// The action.
    pub action: ActionOut,
    /// Its progress updates, newest first.
    pub updates: Vec<ActionUpdateOut>,
    /// The caller may add a progress update.
    pub can_update: bool,
    /// The caller may change owner, due date and status.
    pub can_manage: bool,
}

fn detail(v: ActionView, now: DateTime<Utc>) -> ActionDetail {
    ActionDetail {
        action: out(v.action, now),
        updates: v.updates.into_iter().map(update_out).collect(),
        can_update: v.can_update,
        can_manage: v.can_manage,
    }
}

/// A page of actions.
#[derive(Serialize, ToSchema)]
pub struct ActionList {
    /// Rows.
    pub items: Vec<ActionOut>,
    /// All matching.
    pub total: i64,
    /// This page (from 1).
    pub page: i64,
    /// Page size.
    pub page_size: i64,
}

/// List filters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionQuery {
    /// Text in the title.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Status slug: open, in_progress, done or cancelled.
    pub status: Option<String>,
    /// Owner organisation id.
    pub organisation_id: Option<Uuid>,
    /// Only overdue actions.
    pub overdue: Option<bool>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
}

/// A new action.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewActionIn {
    /// Title (up to 200 characters).
    #[schema(max_length = 200)]
    pub title: String,
    /// Description (up to 10,000 characters).
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    /// Owner organisation id (one of the partnership's).
    pub owner_organisation_id: String,
    /// Owner person id (works for the owner organisation in this partnership).
    pub owner_person_id: Option<String>,
    /// Due date, YYYY-MM-DD, 2000 or later.
    pub due_date: Option<String>,
    /// Where it came from, such as "Board meeting 12 May 2022".
    #[schema(max_length = 200)]
    pub source_label: Option<String>,
}

/// A progress update.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionUpdateIn {
    /// What happened (up to 10,000 characters).
    #[schema(max_length = 10000)]
    pub body: String,
    /// A new status: open, in_progress, done or cancelled.
    pub new_status: Option<String>,
    /// The id of the update this one corrects.
    pub corrects_update_id: Option<String>,
}

fn action_id(p: Result<Path<String>, PathRejection>) -> Result<ActionId, ApiError> {
    let Path(s) = p.map_err(bad)?;
    s.parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))
}

/// The partnership's actions.
#[utoipa::path(get, path = "/api/v1/actions", tag = "actions", params(ActionQuery), security(("bearer" = [])),
    responses((status = 200, body = ActionList), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list_actions(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<ActionQuery>, QueryRejection>,
) -> Result<Json<ActionList>, ApiError> {
    let Query(q) = q.map_err(bad)?;
    let page = page_of(q.page)?;
    let filter = ActionFilter {
        status: q
            .status
            .as_deref()
            .and_then(ActionStatus::parse)
            .map(|s| s.slug().to_owned()),
        organisation: q.organisation_id,
        overdue: q.overdue.unwrap_or(false),
        text: q.q.map(|t| t.chars().take(200).collect()),
    };
    let r = safeguard_service::actions::list(&s.svc, &actor, &filter, page).await?;
    let now = s.svc.now();
    Ok(Json(ActionList {
        items: r.rows.into_iter().map(|a| out(a, now)).collect(),
        total: r.total,
        page,
        page_size: PAGE_SIZE,
    }))
}

/// The caller's own actions in every partnership where they hold a role.
#[utoipa::path(get, path = "/api/v1/actions/mine", tag = "actions", security(("bearer" = [])),
    responses((status = 200, body = Vec<ActionOut>), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn my_actions(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<Vec<ActionOut>>, ApiError> {
    let rows = safeguard_service::actions::mine(&s.svc, &actor).await?;
    let now = s.svc.now();
    Ok(Json(rows.into_iter().map(|a| out(a, now)).collect()))
}

/// Adds an action.
#[utoipa::path(post, path = "/api/v1/actions", tag = "actions", request_body = NewActionIn, security(("bearer" = [])),
    responses((status = 201, body = ActionDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_action(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<NewActionIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(bad)?;
    let input = NewActionInput {
        title: b.title,
        description: b.description.unwrap_or_default(),
        owner_organisation_id: b.owner_organisation_id,
        owner_person_id: b.owner_person_id.unwrap_or_default(),
        due_date: b.due_date.unwrap_or_default(),
        source_label: b.source_label.unwrap_or_default(),
    };
    let id = safeguard_service::actions::create(&s.svc, &actor, &input).await?;
    let v = safeguard_service::actions::get(&s.svc, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(detail(v, s.svc.now()))).into_response())
}

/// One action with its progress updates (`ViewActions` in its partnership, or its owner).
#[utoipa::path(get, path = "/api/v1/actions/{id}", tag = "actions", params(("id" = String, Path, description = "Action id")), security(("bearer" = [])),
    responses((status = 200, body = ActionDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_action(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<ActionDetail>, ApiError> {
    let id = action_id(p)?;
    let v = safeguard_service::actions::get(&s.svc, &actor, id).await?;
    Ok(Json(detail(v, s.svc.now())))
}

/// Adds a progress update (the owner, their organisation, or `ManageActions`); a new status is
/// applied with the version check.
#[utoipa::path(post, path = "/api/v1/actions/{id}/updates", tag = "actions", params(("id" = String, Path, description = "Action id")), request_body = ActionUpdateIn, security(("bearer" = [])),
    responses((status = 201, body = ActionDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_action_update(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<ActionUpdateIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = action_id(p)?;
    // Access first: someone who may not see the action learns nothing, not even that the body is wrong.
    safeguard_service::actions::get(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = ActionUpdateInput {
        body: b.body,
        new_status: b.new_status.unwrap_or_default(),
        corrects_update_id: b.corrects_update_id.unwrap_or_default(),
    };
    safeguard_service::actions::add_update(&s.svc, &actor, id, &input).await?;
    let v = safeguard_service::actions::get(&s.svc, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(detail(v, s.svc.now()))).into_response())
}

/// The actions part of the API document (merged into [`super::ApiDoc`]).
#[derive(OpenApi)]
#[openapi(
    paths(list_actions, my_actions, create_action, get_action, add_action_update),
    components(schemas(
        ActionOut,
        ActionUpdateOut,
        ActionDetail,
        ActionList,
        NewActionIn,
        ActionUpdateIn
    ))
)]
pub struct ActionsApi;

// ---------------------------------------------------------------------------------------------
// Evidence on actions

/// Evidence to add to an action: a document of the file store or an https link.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionEvidenceIn {
    /// A document of the file store.
    pub file_id: Option<String>,
    /// Or an https link.
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    /// What it is (up to 200 characters).
    #[schema(max_length = 200)]
    pub label: String,
}

/// Evidence on an action.
#[derive(Serialize, ToSchema)]
pub struct ActionEvidenceOut {
    /// Id.
    pub id: Uuid,
    /// A document of the file store.
    pub file_id: Option<Uuid>,
    /// Or a link (empty for a document).
    pub url: String,
    /// What it is.
    pub label: String,
    /// Who added it.
    pub added_by: Uuid,
    /// When.
    pub added_at: chrono::DateTime<chrono::Utc>,
}

/// Adds evidence to an action (the owner, their organisation, or `ManageActions`, as for progress
/// updates); answers the action's evidence, oldest first.
#[utoipa::path(post, path = "/api/v1/actions/{id}/evidence", tag = "actions", params(("id" = String, Path, description = "Action id")), request_body = ActionEvidenceIn, security(("bearer" = [])),
    responses((status = 201, body = [ActionEvidenceOut]), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_action_evidence(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<ActionEvidenceIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = action_id(p)?;
    safeguard_service::actions::get(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = safeguard_domain::recommendations::EvidenceInput {
        file_id: b.file_id.unwrap_or_default(),
        url: b.url.unwrap_or_default(),
        label: b.label,
    };
    safeguard_service::actions::add_evidence(&s.svc, &actor, id, &input, None).await?;
    let rows = safeguard_service::actions::evidence(&s.svc, &actor, id).await?;
    let out: Vec<ActionEvidenceOut> = rows
        .into_iter()
        .map(|e| ActionEvidenceOut {
            id: e.evidence_id,
            file_id: e.file_id,
            url: e.url,
            label: e.label,
            added_by: e.added_by,
            added_at: e.added_at,
        })
        .collect();
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// Evidence on actions in the API document (merged into [`super::ApiDoc`]).
#[derive(OpenApi)]
#[openapi(
    paths(add_action_evidence),
    components(schemas(ActionEvidenceIn, ActionEvidenceOut))
)]
pub struct ActionEvidenceApi;
