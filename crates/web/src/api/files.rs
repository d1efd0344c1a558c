//! Documents in the JSON API: the list and downloads (`ViewFiles`; board-only papers only with
//! `ViewBoardPapers`, otherwise absent from the list and 404). Uploads are through the Documents page
//! for now; an API upload will take the same `safeguard_service::files::upload`.

use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use safeguard_service::files::ListFilter;
use safeguard_service::{Actor, ServiceError};
use safeguard_store::files::StoredFile;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A stored document.
#[derive(Serialize, ToSchema)]
pub struct FileOut {
    /// Id.
    pub id: Uuid,
    /// The name it downloads under (its extension matches its kind).
    pub name: String,
    /// Kind detected from the content: pdf, docx, xlsx, pptx, csv, png, jpeg or gif.
    pub kind: String,
    /// Media type sent on download.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the content (lower-case hex).
    pub sha256: String,
    /// `partnership` or `board` (board-only paper).
    pub visibility: String,
    /// Description.
    pub description: Option<String>,
    /// What it is attached to (object type), if anything.
    pub attached_to_type: Option<String>,
    /// The object's id.
    pub attached_to_id: Option<Uuid>,
    /// Uploader's person id.
    pub uploaded_by: Uuid,
    /// Uploader's name.
    pub uploaded_by_name: String,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
}

impl From<StoredFile> for FileOut {
    fn from(f: StoredFile) -> Self {
        Self {
            id: f.file_id,
            name: f.original_name,
            kind: f.kind,
            content_type: f.content_type,
            size_bytes: f.size_bytes,
            sha256: f.sha256,
            visibility: f.visibility,
            description: f.description,
            attached_to_type: f.attached_to_type,
            attached_to_id: f.attached_to_id,
            uploaded_by: f.uploaded_by,
            uploaded_by_name: f.uploaded_by_name,
            uploaded_at: f.uploaded_at,
        }
    }
}

/// A page of documents.
#[derive(Serialize, ToSchema)]
pub struct FileList {
    /// Documents, newest first.
    pub items: Vec<FileOut>,
    /// All matching.
    pub total: i64,
    /// This page, from 1.
    pub page: i64,
}

/// List filters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FilesQuery {
    /// Only documents attached to objects of this type (with `attached_to_id`).
    #[param(max_length = 50)]
    pub attached_to_type: Option<String>,
    /// Only documents attached to this object (with `attached_to_type`).
    pub attached_to_id: Option<Uuid>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
}

fn bad(_: impl std::fmt::Debug) -> ApiError {
    ApiError(AppError::BadRequest(
        "The request could not be read: check the path, query and body against the API document.",
    ))
}

fn invalid(field: &str, message: &str) -> ApiError {
    ApiError(AppError::Service(ServiceError::Invalid(
        safeguard_domain::ValidationErrors::single(field, message),
    )))
}

/// The partnership's documents that the caller may see.
#[utoipa::path(get, path = "/api/v1/files", tag = "documents", params(FilesQuery), security(("bearer" = [])),
    responses((status = 200, body = FileList), (status = 400, body = super::Problem, content_type = "application/problem+json"), (status = 401, body = super::Problem, content_type = "application/problem+json"), (status = 403, body = super::Problem, content_type = "application/problem+json"), (status = 422, body = super::Problem, content_type = "application/problem+json")))]
pub async fn list_files(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<FilesQuery>, QueryRejection>,
) -> Result<Json<FileList>, ApiError> {
    let Query(q) = q.map_err(bad)?;
    let page = match q.page {
        None => 1,
        Some(n) if (1..=100_000).contains(&n) => n,
        Some(_) => return Err(invalid("page", "page must be between 1 and 100000")),
    };
    let attached_to = match (q.attached_to_type, q.attached_to_id) {
        (None, None) => None,
        (Some(t), Some(id)) if !t.is_empty() && t.chars().count() <= 50 => Some((t, id)),
        _ => {
            return Err(invalid(
                "attached_to_type",
                "give attached_to_type (1 to 50 characters) and attached_to_id together",
            ));
        }
    };
    let r =
        safeguard_service::files::list(&s.svc, &actor, &ListFilter { attached_to }, page).await?;
    Ok(Json(FileList {
        items: r.rows.into_iter().map(FileOut::from).collect(),
        total: r.total,
        page,
    }))
}

/// Downloads a document (an attachment with the detected content type; audit-logged). 404 for
/// anything missing, deleted, of another partnership, or board-only when the caller may not see
/// board papers.
#[utoipa::path(get, path = "/api/v1/files/{id}", tag = "documents", params(("id" = Uuid, Path, description = "Document id")), security(("bearer" = [])),
    responses((status = 200, description = "The document's bytes, with the media type detected from its content at upload", content(
        ("application/pdf"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("text/csv; charset=utf-8"),
        ("image/png"),
        ("image/jpeg"),
        ("image/gif")
    )), (status = 400, body = super::Problem, content_type = "application/problem+json"), (status = 401, body = super::Problem, content_type = "application/problem+json"), (status = 403, body = super::Problem, content_type = "application/problem+json"), (status = 404, body = super::Problem, content_type = "application/problem+json")))]
pub async fn download_file(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = p.map_err(bad)?;
    let id: Uuid = id
        .parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))?;
    let d = safeguard_service::files::download(&s.svc, &actor, id).await?;
    Ok(crate::pages::files::download_response(d))
}

#[cfg(test)]
mod tests {
    use utoipa::OpenApi;

    #[test]
    fn the_download_documents_every_media_type_it_can_send() {
        let doc = serde_json::to_value(crate::api::ApiDoc::openapi()).unwrap_or_default();
        let content = &doc["paths"]["/api/v1/files/{id}"]["get"]["responses"]["200"]["content"];
        for kind in safeguard_domain::files::FileKind::ALL {
            assert!(
                content.get(kind.content_type()).is_some(),
                "{} is not documented",
                kind.content_type()
            );
        }
    }
}
