//! Errors at the HTTP boundary. The status of every error is decided in [`status_of`]; the body is
//! fixed text plus the request id (HTML error page, or `application/problem+json` for the API). The
//! cause is logged, never sent.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use safeguard_domain::ValidationErrors;
use safeguard_service::ServiceError;
use serde::Serialize;

/// An error from a page handler.
#[derive(Debug)]
pub enum AppError {
    /// From a use case.
    Service(ServiceError),
    /// The request itself is malformed (bad path parameter, unreadable form).
    BadRequest(&'static str),
    /// A template failed to render.
    Render(askama::Error),
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        AppError::Service(e)
    }
}
impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Render(e)
    }
}

/// The same, from an API handler (answers problem+json).
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

/// The one status mapping.
pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Service(s) => match s {
            // Outside the caller's scope looks exactly like missing.
            ServiceError::NotFound => StatusCode::NOT_FOUND,
            ServiceError::Forbidden(_) => StatusCode::FORBIDDEN,
            ServiceError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ServiceError::Conflict(_) => StatusCode::CONFLICT,
            ServiceError::Throttled => StatusCode::TOO_MANY_REQUESTS,
            ServiceError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ServiceError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        },
        AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
        AppError::Render(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Rendered later by the envelope, which knows the request id.
#[derive(Debug, Clone)]
pub struct Deferred {
    /// API (problem+json) or page.
    pub api: bool,
    /// Status.
    pub status: StatusCode,
    /// A safe detail for the caller.
    pub detail: Option<String>,
    /// Field errors.
    pub errors: Option<ValidationErrors>,
    /// For the log only.
    pub log: Option<String>,
}

fn deferred(api: bool, e: AppError) -> Response {
    let status = status_of(&e);
    let (detail, errors, log) = match e {
        AppError::Service(ServiceError::Invalid(v)) => (
            Some("The request has invalid fields".to_owned()),
            Some(v),
            None,
        ),
        AppError::Service(ServiceError::Conflict(c)) if !c.contains(' ') => (
            Some("The change conflicts with existing data".to_owned()),
            None,
            Some(c),
        ),
        AppError::Service(ServiceError::Conflict(c)) => (Some(c), None, None),
        AppError::Service(ServiceError::Internal(err)) => (None, None, Some(format!("{err:?}"))),
        AppError::Render(err) => (None, None, Some(format!("template: {err}"))),
        AppError::BadRequest(m) => (Some(m.to_owned()), None, None),
        _ => (None, None, None),
    };
    let mut res = status.into_response();
    res.extensions_mut().insert(Deferred {
        api,
        status,
        detail,
        errors,
        log,
    });
    res
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        deferred(false, self)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        deferred(true, self.0)
    }
}

/// A service error as a response (used by middleware).
pub fn service_error_response(api: bool, e: ServiceError, request_id: &str) -> Response {
    let d = deferred(api, AppError::Service(e));
    finish(d, request_id)
}

/// Renders a deferred error, if the response carries one.
pub fn finish(res: Response, request_id: &str) -> Response {
    let Some(d) = res.extensions().get::<Deferred>().cloned() else {
        return res;
    };
    if let Some(log) = &d.log {
        if d.status.is_server_error() {
            tracing::error!(request_id, error = %log, "request failed");
        } else {
            tracing::info!(request_id, detail = %log, "request refused");
        }
    }
    if d.api {
        let mut r = problem(d.status, d.detail.as_deref(), d.errors.as_ref(), request_id);
        if d.status == StatusCode::UNAUTHORIZED {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        r
    } else {
        let (title, message) = page_text(d.status);
        let message = match (&d.detail, d.status) {
            (Some(detail), StatusCode::CONFLICT | StatusCode::BAD_REQUEST) => detail.clone(),
            _ => message.to_owned(),
        };
        crate::pages::errors::render(d.status, title, &message, request_id)
    }
}

/// The title and text of an error page.
pub fn page_text(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::NOT_FOUND => (
            "Page not found",
            "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address.",
        ),
        StatusCode::FORBIDDEN => (
            "You do not have access to this page",
            "Your role in this partnership does not include this page. If you think you should have access, contact your partnership's business unit.",
        ),
        StatusCode::TOO_MANY_REQUESTS => (
            "Too many attempts",
            "There have been too many attempts. Wait 5 minutes and try again.",
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            "Sorry, the service is busy",
            "Try again in a few moments. Nothing you saved has been lost.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Page not found",
            "This address does not accept that kind of request.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "The form was too large",
            "What you sent was larger than this page accepts.",
        ),
        StatusCode::CONFLICT => (
            "That change could not be made",
            "The change conflicts with the current state of the record.",
        ),
        StatusCode::BAD_REQUEST => (
            "There is a problem with the request",
            "The request could not be understood.",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "There is a problem",
            "Some of the information given is not valid.",
        ),
        _ => (
            "Sorry, there is a problem with the service",
            "Try again later. If the problem continues, contact your partnership's business unit and quote the reference below.",
        ),
    }
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [safeguard_domain::validation::FieldError]>,
    request_id: &'a str,
}

/// An `application/problem+json` response (RFC 9457).
pub fn problem(
    status: StatusCode,
    detail: Option<&str>,
    errors: Option<&ValidationErrors>,
    request_id: &str,
) -> Response {
    let (title, _) = page_text(status);
    let body = Problem {
        kind: "about:blank",
        title: if status == StatusCode::UNAUTHORIZED {
            "Unauthorised"
        } else {
            title
        },
        status: status.as_u16(),
        detail,
        errors: errors.map(|e| e.0.as_slice()),
        request_id,
    };
    let mut r = (status, Json(body)).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    r
}

/// A problem response for middleware.
pub fn api_problem(status: StatusCode, detail: Option<&str>, request_id: &str) -> Response {
    problem(status, detail, None, request_id)
}

/// An error page for middleware.
pub fn page_error(status: StatusCode, request_id: &str) -> Response {
    let (title, message) = page_text(status);
    crate::pages::errors::render(status, title, message, request_id)
}
