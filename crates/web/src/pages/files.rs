//! Documents: the partnership's file store as a page (list, upload, download, delete). The gate has
//! already checked the CSRF token of the multipart upload form and bounded its body
//! (`AppState::upload_body_limit`); the rules about what may be stored are in
//! `safeguard_domain::files` and `safeguard_service::files`.

use crate::error::AppError;
use crate::layout::Layout;
use crate::pages::{PageResult, html, html_status, notice_text, see_other};
use crate::state::AppState;
use askama::Template;
use axum::body::{Body, to_bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use safeguard_domain::ValidationErrors;
use safeguard_domain::files::{FileKind, content_disposition, describe_limit};
use safeguard_domain::policy::Permission;
use safeguard_service::auth::Identity;
use safeguard_service::files::{Download, ListFilter, UploadInput};
use safeguard_service::{Actor, ServiceError};
use safeguard_ui::components::{Button, Checkboxes, Choice, Pagination, Textarea};
use serde::Deserialize;

/// A row of the documents table.
pub struct FileRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// "PDF", "Word document".
    pub kind: &'static str,
    /// "1.2 MB".
    pub size: String,
    /// Uploader's name.
    pub uploaded_by: String,
    /// "26 November 2026".
    pub date: String,
    /// Board-only paper.
    pub board_only: bool,
    /// Description.
    pub description: Option<String>,
    /// Shows the delete button.
    pub can_delete: bool,
}

/// The upload form.
pub struct UploadForm {
    /// "20 MB".
    pub limit: String,
    /// The file field's error.
    pub file_error: Option<String>,
    /// Description.
    pub description: Textarea,
    /// "Board only" (for people who may see board papers).
    pub board_only: Option<Checkboxes>,
    /// Submit.
    pub button: Button,
}

/// The upload form's fields (for `templates/files/upload_fields.html`), with what was typed and the
/// errors: the "Board only" box only for people who may see board papers.
pub fn upload_form(
    s: &AppState,
    actor: &Actor,
    description: &str,
    board_only: bool,
    errors: &ValidationErrors,
    button: &str,
) -> UploadForm {
    UploadForm {
        limit: describe_limit(s.svc.config.upload_limit_bytes),
        file_error: errors.get("file").map(str::to_owned),
        description: Textarea::new("description", "Description (optional)")
            .rows(3)
            .value(description.to_owned())
            .error_opt(errors.get("description")),
        board_only: actor.can(Permission::ViewBoardPapers).then(|| {
            Checkboxes::new("board_only", "Who can see it")
                .items([Choice::new("yes", "Board only").hint(
                    "Only the board, the business unit and independent scrutiny can see and download it",
                )])
                .values(if board_only { vec!["yes"] } else { Vec::new() })
                .small()
        }),
        button: Button::new(button).prevent_double_click(),
    }
}

#[derive(Template)]
#[template(path = "files/list.html")]
struct ListPage {
    l: Layout,
    csrf: String,
    caption: String,
    rows: Vec<FileRow>,
    pagination: Option<Pagination>,
    upload: Option<UploadForm>,
}

/// Query of the list.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    notice: Option<String>,
}

/// "12.3 KB".
pub fn human_size(bytes: i64) -> String {
    const KB: f64 = 1024.0;
    #[allow(clippy::cast_precision_loss)]
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} bytes")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / (KB * KB))
    }
}

#[derive(Default)]
struct Entered {
    description: String,
    board_only: bool,
}

async fn page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    page_no: i64,
    entered: &Entered,
    errors: &ValidationErrors,
    notice: Option<&str>,
) -> Result<ListPage, AppError> {
    let result =
        safeguard_service::files::list(&s.svc, actor, &ListFilter::default(), page_no).await?;
    let rows = result
        .rows
        .iter()
        .map(|f| FileRow {
            id: f.file_id.to_string(),
            name: f.original_name.clone(),
            kind: FileKind::parse(&f.kind).map_or("Document", FileKind::label),
            size: human_size(f.size_bytes),
            uploaded_by: f.uploaded_by_name.clone(),
            date: f.uploaded_at.format("%-d %B %Y").to_string(),
            board_only: f.is_board_only(),
            description: f.description.clone(),
            can_delete: safeguard_service::files::may_delete(actor, f),
        })
        .collect();
    let size = safeguard_service::files::PAGE_SIZE;
    let last = u32::try_from((result.total + size - 1) / size)
        .unwrap_or(1)
        .max(1);
    let pagination = (last > 1).then(|| {
        Pagination::numbered(u32::try_from(page_no).unwrap_or(1), last, |n| {
            format!("/files?page={n}")
        })
    });
    let upload = actor.can(Permission::UploadFiles).then(|| {
        upload_form(
            s,
            actor,
            &entered.description,
            entered.board_only,
            errors,
            "Upload",
        )
    });
    Ok(ListPage {
        l: Layout::new("Documents", Some(identity), "/files")
            .with_errors(errors)
            .with_notice(notice),
        csrf: identity.csrf_token.clone(),
        caption: format!(
            "{} {}",
            result.total,
            if result.total == 1 {
                "document"
            } else {
                "documents"
            }
        ),
        rows,
        pagination,
        upload,
    })
}

/// `GET /files`.
pub async fn list(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Query(q) = q.map_err(|_| AppError::BadRequest("The address is not valid."))?;
    let page_no: i64 = q
        .page
        .as_deref()
        .and_then(|p| p.parse().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    html(
        &page(
            &s,
            &identity,
            &actor,
            page_no,
            &Entered::default(),
            &ValidationErrors::new(),
            notice_text(q.notice.as_deref()),
        )
        .await?,
    )
}

/// A submitted upload form (`file`, `description`, `board_only`): the chosen file's name and bytes
/// (none when no file was chosen) and the text fields. Shared by every page that uploads to the file
/// store; the gate has already checked the CSRF token and bounded the body.
pub struct Submitted {
    /// The file's name as sent and its content.
    pub file: Option<(String, Vec<u8>)>,
    /// Description.
    pub description: String,
    /// "Board only" ticked.
    pub board_only: bool,
}

/// Reads a multipart upload form.
pub async fn read_upload_form(
    s: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<Submitted, AppError> {
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::multipart::boundary)
        .ok_or(AppError::BadRequest(
            "The form could not be read: it must be sent as multipart/form-data.",
        ))?;
    // The gate has already buffered and bounded the body.
    let bytes = to_bytes(body, s.upload_body_limit())
        .await
        .map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let parts = crate::multipart::parse(&bytes, &boundary)
        .ok_or(AppError::BadRequest("The form could not be read."))?;
    let file = parts
        .iter()
        .find(|p| p.name == "file" && p.filename.is_some())
        .filter(|p| !(p.data.is_empty() && p.filename.as_deref() == Some("")))
        .map(|f| (f.filename.clone().unwrap_or_default(), f.data.to_vec()));
    Ok(Submitted {
        file,
        description: crate::multipart::text_field(&parts, "description").unwrap_or_default(),
        board_only: crate::multipart::text_field(&parts, "board_only").as_deref() == Some("yes"),
    })
}

/// `POST /files`: a multipart form with `file`, `description` and `board_only`.
pub async fn upload(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    headers: HeaderMap,
    body: Body,
) -> PageResult {
    let form = read_upload_form(&s, &headers, body).await?;
    let entered = Entered {
        description: form.description.clone(),
        board_only: form.board_only,
    };
    let result = match &form.file {
        None => Err(ServiceError::Invalid(ValidationErrors::single(
            "file",
            "Select a file",
        ))),
        Some((name, data)) => {
            safeguard_service::files::upload(
                &s.svc,
                &actor,
                UploadInput {
                    name,
                    bytes: data,
                    description: Some(entered.description.as_str()),
                    board_only: entered.board_only,
                    attached_to: None,
                },
            )
            .await
        }
    };
    match result {
        Ok(_) => see_other("/files?notice=file-uploaded"),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&s, &identity, &actor, 1, &entered, &errors, None).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

fn file_id(p: Result<Path<String>, PathRejection>) -> Result<uuid::Uuid, AppError> {
    let Path(id) = p.map_err(|_| AppError::BadRequest("The address is not valid."))?;
    id.parse()
        .map_err(|_| AppError::Service(ServiceError::NotFound))
}

/// The response for a download: the detected type, `attachment` with an RFC 6266 name, `nosniff`,
/// `CSP: sandbox` and `no-store` (shared by the page and the API).
pub fn download_response(d: Download) -> Response {
    let content_type = d
        .kind()
        .map_or("application/octet-stream", FileKind::content_type);
    let disposition = content_disposition(&d.file.original_name);
    let mut res = (StatusCode::OK, d.bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    } else {
        h.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment"),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// `GET /files/{id}`: the file, as an attachment (audit-logged before it is sent).
pub async fn download(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> PageResult {
    let id = file_id(p)?;
    let d = safeguard_service::files::download(&s.svc, &actor, id).await?;
    Ok(download_response(d))
}

/// `POST /files/{id}/delete`.
pub async fn delete(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> PageResult {
    let id = file_id(p)?;
    safeguard_service::files::delete(&s.svc, &actor, id).await?;
    see_other("/files?notice=file-deleted")
}
