//! The JSON API under `/api/v1`: the same use cases and policy as the pages, authenticated with
//! personal API tokens (`Authorization: Bearer …`), errors as `application/problem+json`, described by
//! the OpenAPI 3.1 document at `/api/openapi.json`.

pub mod files;

pub mod actions;
pub mod funding;
pub mod signoffs;

pub mod governance;

pub mod activity;
pub mod performance;

pub mod case_reviews;

pub mod practice_reviews;
pub mod review_learning;

pub mod recommendation_comments;
pub mod recommendations;

use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use safeguard_domain::PersonId;
use safeguard_domain::people::NewPersonInput;
use safeguard_domain::policy::Role;
use safeguard_service::auth::Identity;
use safeguard_service::{Actor, ServiceError};
use safeguard_store::audit_log::AuditFilter;
use safeguard_store::people::PeopleFilter;
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use uuid::Uuid;

type ApiResult<T> = Result<Json<T>, ApiError>;

fn bad(_: impl std::fmt::Debug) -> ApiError {
    ApiError(AppError::BadRequest(
        "The request could not be read: check the path, query and body against the API document.",
    ))
}

/// An RFC 9457 problem.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short title.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// Detail, when safe to give.
    pub detail: Option<String>,
    /// Field errors.
    pub errors: Option<Vec<FieldProblem>>,
    /// The request id, to quote to support.
    pub request_id: String,
}

/// A problem with one field.
#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    /// Field name.
    pub field: String,
    /// Message.
    pub message: String,
}

/// The caller.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// Person id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Organisation id.
    pub organisation_id: Uuid,
    /// The partnership the token acts in.
    pub partnership_id: Option<Uuid>,
    /// Roles there.
    pub roles: Vec<String>,
}

/// A person in the partnership.
#[derive(Serialize, ToSchema)]
pub struct PersonOut {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Organisation id.
    pub organisation_id: Uuid,
    /// Organisation name (lists only).
    pub organisation_name: Option<String>,
    /// Roles in this partnership.
    pub roles: Vec<String>,
    /// Disabled.
    pub disabled: bool,
    /// Last sign-in.
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

/// A page of people.
#[derive(Serialize, ToSchema)]
pub struct PeopleList {
    /// Rows.
    pub items: Vec<PersonOut>,
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
pub struct PeopleQuery {
    /// Text in the name or email.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Role slug.
    pub role: Option<String>,
    /// Organisation id.
    pub organisation_id: Option<Uuid>,
    /// Include disabled accounts.
    pub include_disabled: Option<bool>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
}

/// A new person.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPersonIn {
    /// Full name.
    #[schema(max_length = 200)]
    pub name: String,
    /// Email.
    #[schema(max_length = 254)]
    pub email: String,
    /// Organisation id (one of the partnership's).
    pub organisation_id: String,
    /// Role slug.
    pub role: String,
}

/// A role to grant.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleIn {
    /// Role slug.
    pub role: String,
}

/// An organisation.
#[derive(Serialize, ToSchema)]
pub struct OrganisationOut {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// local_authority, police, integrated_care_board or relevant_agency.
    pub kind: String,
    /// Relevant-agency category.
    pub category: Option<String>,
}

/// An audit entry.
#[derive(Serialize, ToSchema)]
pub struct AuditEntryOut {
    /// Position in the partnership's chain.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Actor id.
    pub actor_id: Option<Uuid>,
    /// Actor name.
    pub actor_name: Option<String>,
    /// Action.
    pub action: String,
    /// Target kind.
    pub target_type: String,
    /// Target id.
    pub target_id: Option<String>,
    /// Request id.
    pub request_id: Option<String>,
}

/// A page of the audit trail.
#[derive(Serialize, ToSchema)]
pub struct AuditList {
    /// Entries, newest first.
    pub items: Vec<AuditEntryOut>,
    /// All matching.
    pub total: i64,
    /// Page.
    pub page: i64,
}

/// Audit filters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Action prefix.
    #[param(max_length = 100)]
    pub action: Option<String>,
    /// Actor id.
    pub actor_id: Option<Uuid>,
    /// Target id.
    #[param(max_length = 100)]
    pub target_id: Option<String>,
    /// From (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// To (exclusive).
    pub to: Option<DateTime<Utc>>,
    /// Page, from 1.
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
}

/// An API token (never its secret).
#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// First characters.
    pub hint: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Expires.
    pub expires_at: DateTime<Utc>,
    /// Last used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

fn roles_vec(csv: &str) -> Vec<String> {
    csv.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn page_of(p: Option<i64>) -> Result<i64, ApiError> {
    match p {
        None => Ok(1),
        Some(n) if (1..=100_000).contains(&n) => Ok(n),
        Some(_) => Err(ApiError(AppError::Service(ServiceError::Invalid(
            safeguard_domain::ValidationErrors::single("page", "page must be between 1 and 100000"),
        )))),
    }
}

fn person_id(p: Result<Path<String>, PathRejection>) -> Result<PersonId, ApiError> {
    let Path(s) = p.map_err(bad)?;
    s.parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))
}

/// The caller and their roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn me(Extension(identity): Extension<Identity>) -> ApiResult<Me> {
    Ok(Json(Me {
        id: identity.person_id.0,
        name: identity.name.clone(),
        email: identity.email.clone(),
        organisation_id: identity.organisation_id.0,
        partnership_id: identity.partnership.as_ref().map(|p| p.partnership_id),
        roles: identity.roles.iter().map(|r| r.slug().to_owned()).collect(),
    }))
}

/// The partnership's organisations.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "partnership", security(("bearer" = [])),
    responses((status = 200, body = Vec<OrganisationOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn organisations(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> ApiResult<Vec<OrganisationOut>> {
    let orgs = safeguard_service::partnerships::organisations(&s.svc, &actor).await?;
    Ok(Json(
        orgs.into_iter()
            .map(|o| OrganisationOut {
                id: o.organisation_id,
                name: o.name,
                kind: o.kind,
                category: o.category,
            })
            .collect(),
    ))
}

/// People holding a role in the partnership.
#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(PeopleQuery), security(("bearer" = [])),
    responses((status = 200, body = PeopleList), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list_people(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<PeopleQuery>, QueryRejection>,
) -> ApiResult<PeopleList> {
    let Query(q) = q.map_err(bad)?;
    let page = page_of(q.page)?;
    let filter = PeopleFilter {
        text: q.q.map(|t| t.chars().take(200).collect()),
        role: q
            .role
            .as_deref()
            .and_then(Role::parse)
            .map(|r| r.slug().to_owned()),
        organisation: q.organisation_id,
        include_disabled: q.include_disabled.unwrap_or(false),
    };
    let r = safeguard_service::people::list(&s.svc, &actor, &filter, page).await?;
    Ok(Json(PeopleList {
        items: r
            .rows
            .into_iter()
            .map(|p| PersonOut {
                id: p.person_id,
                name: p.name,
                email: p.email,
                organisation_id: p.organisation_id,
                organisation_name: Some(p.organisation_name),
                roles: roles_vec(&p.roles),
                disabled: p.disabled_at.is_some(),
                last_sign_in_at: p.last_sign_in_at,
            })
            .collect(),
        total: r.total,
        page,
        page_size: safeguard_service::people::PAGE_SIZE,
    }))
}

/// One person.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people", params(("id" = String, Path, description = "Person id")), security(("bearer" = [])),
    responses((status = 200, body = PersonOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_person(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> ApiResult<PersonOut> {
    let id = person_id(p)?;
    let (person, roles) = safeguard_service::people::get(&s.svc, &actor, id).await?;
    Ok(Json(PersonOut {
        id: person.person_id,
        name: person.name,
        email: person.email,
        organisation_id: person.organisation_id,
        organisation_name: None,
        roles: roles.iter().map(|r| r.slug().to_owned()).collect(),
        disabled: person.disabled_at.is_some(),
        last_sign_in_at: person.last_sign_in_at,
    }))
}

/// Adds a person with a first role.
#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = NewPersonIn, security(("bearer" = [])),
    responses((status = 201, body = PersonOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_person(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<NewPersonIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(bad)?;
    let input = NewPersonInput {
        name: b.name,
        email: b.email,
        organisation_id: b.organisation_id,
        role: b.role,
    };
    let added = safeguard_service::people::add(&s.svc, &actor, &input).await?;
    let (person, roles) = safeguard_service::people::get(&s.svc, &actor, added.person_id).await?;
    let out = PersonOut {
        id: person.person_id,
        name: person.name,
        email: person.email,
        organisation_id: person.organisation_id,
        organisation_name: None,
        roles: roles.iter().map(|r| r.slug().to_owned()).collect(),
        disabled: person.disabled_at.is_some(),
        last_sign_in_at: person.last_sign_in_at,
    };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// Grants a role.
#[utoipa::path(post, path = "/api/v1/people/{id}/roles", tag = "people", params(("id" = String, Path, description = "Person id")), request_body = RoleIn, security(("bearer" = [])),
    responses((status = 204, description = "Granted"), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn grant_role(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<RoleIn>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let id = person_id(p)?;
    let Json(b) = body.map_err(bad)?;
    safeguard_service::people::grant_role(&s.svc, &actor, id, &b.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes a role.
#[utoipa::path(delete, path = "/api/v1/people/{id}/roles/{role}", tag = "people", params(("id" = String, Path, description = "Person id"), ("role" = String, Path, description = "Role slug")), security(("bearer" = [])),
    responses((status = 204, description = "Revoked"), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_role(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path((id, role)) = p.map_err(bad)?;
    let id: PersonId = id
        .parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))?;
    safeguard_service::people::revoke_role(&s.svc, &actor, id, &role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The partnership's audit trail (recorded as a view).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = AuditList), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn audit(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> ApiResult<AuditList> {
    let Query(q) = q.map_err(bad)?;
    let page = page_of(q.page)?;
    let filter = AuditFilter {
        actor: q.actor_id,
        action_prefix: q.action,
        target_id: q.target_id,
        from: q.from,
        to: q.to,
    };
    let r = safeguard_service::audit::list(&s.svc, &actor, &filter, page).await?;
    Ok(Json(AuditList {
        items: r
            .rows
            .into_iter()
            .map(|e| AuditEntryOut {
                seq: e.seq,
                at: e.at,
                actor_id: e.actor_person_id,
                actor_name: e.actor_name,
                action: e.action,
                target_type: e.target_type,
                target_id: e.target_id,
                request_id: e.request_id,
            })
            .collect(),
        total: r.total,
        page,
    }))
}

/// A working-day sum.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkingDaysQuery {
    /// The day the clock starts (day 0), YYYY-MM-DD, from 2000-01-01 to 2040-12-31.
    #[param(required = true, value_type = String, format = Date)]
    pub from: Option<String>,
    /// How many working days to add, 0 to 1000. With 0, the start date when it is a working day,
    /// else the next working day.
    #[param(required = true, value_type = i64, minimum = 0, maximum = 1000)]
    pub add: Option<String>,
}

/// The answer of a working-day sum.
#[derive(Serialize, ToSchema)]
pub struct WorkingDayOut {
    /// The resulting working day, YYYY-MM-DD.
    pub date: chrono::NaiveDate,
}

/// Adds working days (Monday to Friday, not a bank holiday in England and Wales) to a date. The
/// start date is day 0: "5 working days after Monday 2 January 2023" (a bank holiday) is Monday 9
/// January 2023.
#[utoipa::path(get, path = "/api/v1/calendar/working-days", tag = "calendar", params(WorkingDaysQuery), security(("bearer" = [])),
    responses((status = 200, body = WorkingDayOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn working_days(
    State(s): State<AppState>,
    q: Result<Query<WorkingDaysQuery>, QueryRejection>,
) -> ApiResult<WorkingDayOut> {
    let Query(q) = q.map_err(bad)?;
    let date = safeguard_service::calendar::add_working_days(
        &s.svc,
        q.from.as_deref().unwrap_or_default(),
        q.add.as_deref().unwrap_or_default(),
    )
    .await?;
    Ok(Json(WorkingDayOut { date }))
}

/// The caller's API tokens.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Vec<TokenOut>), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_tokens(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
) -> ApiResult<Vec<TokenOut>> {
    let list = safeguard_service::tokens::list(&s.svc, &identity).await?;
    Ok(Json(
        list.into_iter()
            .map(|t| TokenOut {
                id: t.api_token_id,
                name: t.name,
                hint: t.token_hint,
                created_at: t.created_at,
                expires_at: t.expires_at,
                last_used_at: t.last_used_at,
                revoked_at: t.revoked_at,
            })
            .collect(),
    ))
}

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account", params(("id" = String, Path, description = "Token id")), security(("bearer" = [])),
    responses((status = 204, description = "Revoked"), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_token(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    p: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(id) = p.map_err(bad)?;
    let id = id
        .parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))?;
    let meta = safeguard_service::RequestMeta::default();
    safeguard_service::tokens::revoke(&s.svc, &identity, id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// The API document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Safeguard API", version = "1", description = "Partnerships, people, roles, the audit trail and the working-day calendar. Authenticate with a personal API token: Authorization: Bearer <token>."),
    paths(me, organisations, list_people, get_person, create_person, grant_role, revoke_role, audit, working_days, list_tokens, revoke_token, files::list_files, files::download_file),
    components(schemas(Problem, FieldProblem, Me, PersonOut, PeopleList, NewPersonIn, RoleIn, OrganisationOut, AuditEntryOut, AuditList, WorkingDayOut, TokenOut, files::FileOut, files::FileList)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn openapi_json() -> Response {
    let mut doc = ApiDoc::openapi();
    doc.merge(actions::ActionsApi::openapi());
    doc.merge(governance::GovernanceApi::openapi());
    doc.merge(signoffs::SignOffsApi::openapi());
    doc.merge(funding::FundingApi::openapi());
    doc.merge(activity::ActivityApi::openapi());
    doc.merge(case_reviews::CaseReviewsApi::openapi());
    doc.merge(review_learning::ReviewLearningApi::openapi());
    doc.merge(practice_reviews::PracticeReviewsApi::openapi());
    doc.merge(recommendations::RecommendationsApi::openapi());
    doc.merge(recommendations::RecommendationProgressApi::openapi());
    doc.merge(actions::ActionEvidenceApi::openapi());
    doc.merge(performance::PerformanceApi::openapi());
    doc.merge(recommendation_comments::RecommendationCommentsApi::openapi());
    Json(doc).into_response()
}
