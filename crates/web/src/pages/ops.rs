//! Health, readiness, metrics, static assets and the accessibility statement.

use crate::layout::Layout;
use crate::pages::{PageResult, html};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use safeguard_service::auth::Identity;

/// Liveness: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers.
pub async fn readyz(State(s): State<AppState>) -> Response {
    match s.svc.db.ping().await {
        Ok(()) => "ready".into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}

/// Prometheus metrics (platform operators, with an API token or a session).
pub async fn metrics(State(s): State<AppState>) -> Response {
    let extra = match s.svc.db.acquire().await {
        Ok(mut pc) => safeguard_store::outbox::counts(&mut pc.conn())
            .await
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let mut r = s.metrics.render(&extra).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    r
}

/// Embedded assets, with ETags, gzip when accepted, and a long cache lifetime when the URL carries
/// the version.
pub async fn asset(
    Path(path): Path<String>,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
    headers: HeaderMap,
) -> Response {
    let versioned = q
        .as_deref()
        .is_some_and(|q| q == format!("v={}", safeguard_ui::assets::version()));
    serve_asset(&path, &headers, versioned)
}

/// The favicon.
pub async fn favicon(headers: HeaderMap) -> Response {
    serve_asset("images/favicon.svg", &headers, false)
}

fn serve_asset(path: &str, headers: &HeaderMap, versioned: bool) -> Response {
    let Some(a) = safeguard_ui::assets::get(path) else {
        return crate::error::AppError::Service(safeguard_service::ServiceError::NotFound)
            .into_response();
    };
    let etag = HeaderValue::from_str(&a.etag).ok();
    if let (Some(inm), Some(e)) = (headers.get(header::IF_NONE_MATCH), &etag)
        && inm == e
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        r.headers_mut().insert(header::ETAG, e.clone());
        return r;
    }
    let gzip_ok = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|p| p.trim().starts_with("gzip")));
    let mut r = match (&a.gzip, gzip_ok) {
        (Some(gz), true) => {
            let mut r = gz.clone().into_response();
            r.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            r
        }
        _ => a.body.to_vec().into_response(),
    };
    let h = r.headers_mut();
    if let Ok(ct) = HeaderValue::from_str(&a.content_type) {
        h.insert(header::CONTENT_TYPE, ct);
    }
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    // A URL carrying the current version never changes; others are revalidated with the ETag.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if versioned {
            "public, max-age=31536000, immutable"
        } else {
            "public, no-cache"
        }),
    );
    if let Some(e) = etag {
        h.insert(header::ETAG, e);
    }
    r
}

#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage {
    l: Layout,
}

/// The accessibility statement.
pub async fn accessibility(identity: Option<axum::Extension<Identity>>) -> PageResult {
    html(&AccessibilityPage {
        l: Layout::new("Accessibility statement", identity.as_deref(), ""),
    })
}
