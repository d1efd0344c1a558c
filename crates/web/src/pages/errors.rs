//! Error pages (403, 404, 500 …): fixed text and a reference, never anything internal.

use crate::layout::Layout;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    l: Layout,
    message: &'a str,
    request_id: &'a str,
}

/// Renders an error page.
pub fn render(status: StatusCode, title: &str, message: &str, request_id: &str) -> Response {
    let page = ErrorPage {
        l: Layout::new(title, None, ""),
        message,
        request_id,
    };
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(_) => (status, "Sorry, there is a problem with the service").into_response(),
    }
}

/// The fallback for unknown paths.
pub async fn not_found() -> Response {
    crate::error::AppError::Service(safeguard_service::ServiceError::NotFound).into_response()
}

/// A known path with an unsupported method.
pub async fn method_not_allowed() -> Response {
    let mut r =
        crate::error::AppError::BadRequest("This address does not accept that kind of request.")
            .into_response();
    *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    if let Some(d) = r.extensions_mut().get_mut::<crate::error::Deferred>() {
        d.status = StatusCode::METHOD_NOT_ALLOWED;
    }
    r
}
