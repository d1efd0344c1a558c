//! The activity and impact log in the JSON API: a financial year grouped by month (April first), one
//! entry, adding and editing entries (edits carry the version they were made against; a stale one
//! answers 409 and changes nothing), and adding evidence links. The same use cases and access rules
//! as the pages. The CSV and XLSX downloads are pages only (`/activity/export.csv` and
//! `/activity/export.xlsx`, with a session): the API gives the same data as JSON.

use super::{Problem, bad};
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::ValidationErrors;
use safeguard_domain::activity::{EntryInput, LinkInput, normalise_tag};
use safeguard_service::activity::{EntryView, YearQuery, current_year};
use safeguard_service::{Actor, ServiceError};
use safeguard_store::activity::Link;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

/// An evidence link.
#[derive(Serialize, ToSchema)]
pub struct ActivityLinkOut {
    /// Id.
    pub id: Uuid,
    /// file, action, meeting or url.
    pub target_type: String,
    /// The linked record (file, action, meeting).
    pub target_id: Option<Uuid>,
    /// The address (url).
    pub url: Option<String>,
    /// What to show.
    pub label: String,
}

fn link_out(l: Link) -> ActivityLinkOut {
    ActivityLinkOut {
        id: l.activity_link_id,
        target_type: l.target_type,
        target_id: l.target_id,
        url: l.url,
        label: l.label,
    }
}

/// An entry of the log.
#[derive(Serialize, ToSchema)]
pub struct ActivityEntryOut {
    /// Id.
    pub id: Uuid,
    /// Date.
    pub entry_date: NaiveDate,
    /// The board or sub-group, if any.
    pub body_id: Option<Uuid>,
    /// Its name.
    pub body_name: Option<String>,
    /// The workstream, when there is no body (empty otherwise).
    pub workstream: String,
    /// Title.
    pub title: String,
    /// What happened.
    pub what_happened: String,
    /// The safeguarding impact.
    pub impact: String,
    /// Tags (lower-case, sorted).
    pub tags: Vec<String>,
    /// Evidence links, in the order they were added.
    pub links: Vec<ActivityLinkOut>,
    /// Version (send it back with an edit).
    pub version: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Who changed it last.
    pub updated_by_name: String,
}

fn entry_out(v: EntryView) -> ActivityEntryOut {
    let e = v.entry;
    ActivityEntryOut {
        id: e.activity_entry_id,
        entry_date: e.entry_date,
        body_id: e.body_id,
        body_name: e.body_name,
        workstream: e.workstream,
        title: e.title,
        what_happened: e.what_happened,
        impact: e.impact,
        tags: v.tags,
        links: v.links.into_iter().map(link_out).collect(),
        version: e.version,
        created_at: e.created_at,
        updated_at: e.updated_at,
        updated_by_name: e.updated_by_name,
    }
}

/// One month of a financial year.
#[derive(Serialize, ToSchema)]
pub struct ActivityMonth {
    /// "2022-04".
    pub month: String,
    /// "April 2022".
    pub label: String,
    /// Entries, oldest first (may be empty).
    pub entries: Vec<ActivityEntryOut>,
}

/// A financial year of the log: always twelve months, April first and March last.
#[derive(Serialize, ToSchema)]
pub struct ActivityYear {
    /// The year it starts (2022 for 2022-23).
    pub year: i32,
    /// "2022-23".
    pub label: String,
    /// Entries in all months.
    pub total: usize,
    /// The twelve months.
    pub months: Vec<ActivityMonth>,
}

/// Which year, and filters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    /// The financial year by the year it starts (2022 for April 2022 to March 2023); this year's by
    /// default.
    #[param(minimum = 2000, maximum = 2199)]
    pub year: Option<i32>,
    /// Only entries of this board or sub-group.
    pub body_id: Option<Uuid>,
    /// Only entries with this tag.
    #[param(max_length = 40)]
    pub tag: Option<String>,
}

/// A new entry: a body or a workstream (not both).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityEntryIn {
    /// Date, YYYY-MM-DD, 2000 to 2200.
    pub entry_date: String,
    /// A board or sub-group of the partnership.
    pub body_id: Option<String>,
    /// A workstream that is not a body (up to 200 characters).
    #[schema(max_length = 200)]
    pub workstream: Option<String>,
    /// Title (up to 200 characters).
    #[schema(max_length = 200)]
    pub title: String,
    /// What happened (up to 10,000 characters).
    #[schema(max_length = 10000)]
    pub what_happened: String,
    /// The safeguarding impact (up to 10,000 characters).
    #[schema(max_length = 10000)]
    pub impact: String,
    /// Tags: letters, digits, spaces and hyphens; stored lower-case with spaces as hyphens; at most 12.
    pub tags: Option<Vec<String>>,
}

/// An edit: every field, and the version it was made against.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityEntryUpdateIn {
    /// Date, YYYY-MM-DD, 2000 to 2200.
    pub entry_date: String,
    /// A board or sub-group of the partnership.
    pub body_id: Option<String>,
    /// A workstream that is not a body.
    #[schema(max_length = 200)]
    pub workstream: Option<String>,
    /// Title.
    #[schema(max_length = 200)]
    pub title: String,
    /// What happened.
    #[schema(max_length = 10000)]
    pub what_happened: String,
    /// The safeguarding impact.
    #[schema(max_length = 10000)]
    pub impact: String,
    /// Tags (replace the entry's tags).
    pub tags: Option<Vec<String>>,
    /// The version read (from `GET`); a stale version answers 409.
    pub version: i64,
}

/// An evidence link to add.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityLinkIn {
    /// file or action (a record of the same partnership), or url (https). meeting is reserved and
    /// refused for now.
    pub target_type: String,
    /// The record's id (file, action).
    pub target_id: Option<String>,
    /// The address (url), starting https://.
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    /// What to show; the record's name, or the address, by default.
    #[schema(max_length = 200)]
    pub label: Option<String>,
}

fn entry_id(p: Result<Path<String>, PathRejection>) -> Result<Uuid, ApiError> {
    let Path(s) = p.map_err(bad)?;
    s.parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))
}

fn tags_text(tags: Option<Vec<String>>) -> String {
    tags.unwrap_or_default().join(",")
}

/// A financial year of the log, grouped by month.
#[utoipa::path(get, path = "/api/v1/activity", tag = "activity", params(ActivityQuery), security(("bearer" = [])),
    responses((status = 200, body = ActivityYear), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list_activity(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<ActivityQuery>, QueryRejection>,
) -> Result<Json<ActivityYear>, ApiError> {
    let Query(q) = q.map_err(bad)?;
    let year = q.year.unwrap_or_else(|| current_year(s.svc.now()));
    let tag = match q.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(normalise_tag(t).ok_or_else(|| {
            ApiError(AppError::Service(ServiceError::Invalid(
                ValidationErrors::single("tag", "tag must be one tag: letters, digits and hyphens"),
            )))
        })?),
    };
    let view = safeguard_service::activity::year(
        &s.svc,
        &actor,
        year,
        &YearQuery {
            body: q.body_id,
            tag,
        },
    )
    .await?;
    Ok(Json(ActivityYear {
        year: view.year,
        label: view.label,
        total: view.total,
        months: view
            .months
            .into_iter()
            .map(|m| ActivityMonth {
                month: format!("{}-{:02}", m.year, m.month),
                label: m.label,
                entries: m.entries.into_iter().map(entry_out).collect(),
            })
            .collect(),
    }))
}

/// Adds an entry.
#[utoipa::path(post, path = "/api/v1/activity", tag = "activity", request_body = ActivityEntryIn, security(("bearer" = [])),
    responses((status = 201, body = ActivityEntryOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_activity(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<ActivityEntryIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(bad)?;
    let input = EntryInput {
        entry_date: b.entry_date,
        body_id: b.body_id.unwrap_or_default(),
        workstream: b.workstream.unwrap_or_default(),
        title: b.title,
        what_happened: b.what_happened,
        impact: b.impact,
        tags: tags_text(b.tags),
        version: String::new(),
    };
    let id = safeguard_service::activity::create(&s.svc, &actor, &input).await?;
    let v = safeguard_service::activity::get(&s.svc, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(entry_out(v))).into_response())
}

/// One entry with its tags and evidence links.
#[utoipa::path(get, path = "/api/v1/activity/{id}", tag = "activity", params(("id" = String, Path, description = "Entry id")), security(("bearer" = [])),
    responses((status = 200, body = ActivityEntryOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_activity(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<ActivityEntryOut>, ApiError> {
    let id = entry_id(p)?;
    let v = safeguard_service::activity::get(&s.svc, &actor, id).await?;
    Ok(Json(entry_out(v)))
}

/// Replaces an entry's fields and tags, against the version read; 409 when someone else changed it
/// since (nothing is changed: read it again and reapply).
#[utoipa::path(put, path = "/api/v1/activity/{id}", tag = "activity", params(("id" = String, Path, description = "Entry id")), request_body = ActivityEntryUpdateIn, security(("bearer" = [])),
    responses((status = 200, body = ActivityEntryOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_activity(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<ActivityEntryUpdateIn>, JsonRejection>,
) -> Result<Json<ActivityEntryOut>, ApiError> {
    let id = entry_id(p)?;
    // Access first: someone who may not see the entry learns nothing, not even that the body is wrong.
    safeguard_service::activity::get(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = EntryInput {
        entry_date: b.entry_date,
        body_id: b.body_id.unwrap_or_default(),
        workstream: b.workstream.unwrap_or_default(),
        title: b.title,
        what_happened: b.what_happened,
        impact: b.impact,
        tags: tags_text(b.tags),
        version: b.version.to_string(),
    };
    safeguard_service::activity::update(&s.svc, &actor, id, &input).await?;
    let v = safeguard_service::activity::get(&s.svc, &actor, id).await?;
    Ok(Json(entry_out(v)))
}

/// Adds an evidence link to an entry.
#[utoipa::path(post, path = "/api/v1/activity/{id}/links", tag = "activity", params(("id" = String, Path, description = "Entry id")), request_body = ActivityLinkIn, security(("bearer" = [])),
    responses((status = 201, body = ActivityEntryOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_activity_link(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<ActivityLinkIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = entry_id(p)?;
    safeguard_service::activity::get(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = LinkInput {
        target_type: b.target_type,
        target_id: b.target_id.unwrap_or_default(),
        url: b.url.unwrap_or_default(),
        label: b.label.unwrap_or_default(),
    };
    safeguard_service::activity::add_link(&s.svc, &actor, id, &input).await?;
    let v = safeguard_service::activity::get(&s.svc, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(entry_out(v))).into_response())
}

/// The activity-log part of the API document (merged into [`super::ApiDoc`]).
#[derive(OpenApi)]
#[openapi(
    paths(
        list_activity,
        create_activity,
        get_activity,
        update_activity,
        add_activity_link
    ),
    components(schemas(
        ActivityLinkOut,
        ActivityEntryOut,
        ActivityMonth,
        ActivityYear,
        ActivityEntryIn,
        ActivityEntryUpdateIn,
        ActivityLinkIn
    ))
)]
pub struct ActivityApi;
