//! Middleware.
//!
//! * [`envelope`] wraps every response, matched or not: request id, client address, security headers
//!   (CSP without inline script or style, frame-ancestors none, nosniff, Referrer-Policy, HSTS under
//!   TLS, `Cache-Control: no-store` on everything but static assets), metrics and the access log.
//! * [`gate`] runs on every route: it looks the route up in the manifest, identifies the caller
//!   (session cookie for pages, bearer token for the API), enforces the route's declared access
//!   through the policy module, and checks CSRF on every state-changing page request (same-origin
//!   `Sec-Fetch-Site`/`Origin` and the synchronizer token in the form). Failure mode: anything it
//!   cannot establish is refused. On upload routes (`RouteSpec::is_upload`) it buffers up to
//!   `AppState::upload_body_limit` instead of 1 MiB and reads the token from the `multipart/form-data`
//!   body (a `csrf_token` text part; one inside a file part does not count).

use crate::error::{api_problem, page_error};
use crate::routes::{self, Access};
use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use rand::RngCore;
use safeguard_service::auth::{self, Identity};
use safeguard_service::{Actor, RequestMeta};
use std::net::SocketAddr;
use std::time::Instant;

/// The request id, in request and response extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The matched route's index in the manifest (response extension, for metrics).
#[derive(Debug, Clone, Copy)]
pub struct RouteIndex(pub usize);

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Reads a cookie.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

fn client_ip(state: &AppState, req: &Request) -> Option<String> {
    if state.web.trust_proxy
        && let Some(xff) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        && let Some(first) = xff.split(',').next()
    {
        return Some(first.trim().chars().take(64).collect());
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// Request facts for the audit trail.
pub fn meta_of(req_headers: &HeaderMap, request_id: &str, ip: Option<String>) -> RequestMeta {
    RequestMeta {
        request_id: Some(request_id.to_owned()),
        ip,
        user_agent: req_headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect()),
    }
}

/// The outermost layer.
pub async fn envelope(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let mut bytes = [0u8; 8];
    rand::rng().fill_bytes(&mut bytes);
    let request_id = hex::encode(bytes);
    let ip = client_ip(&state, &req);
    req.extensions_mut().insert(RequestId(request_id.clone()));
    req.extensions_mut().insert(ClientIp(ip));
    let method = req.method().clone();
    let path_is_api = req.uri().path().starts_with("/api/");
    let is_asset = req.uri().path().starts_with("/assets/") || req.uri().path() == "/favicon.ico";
    let is_upload = routes::is_upload_request(&method, req.uri().path());
    // A NUL byte is never meaningful in a query string, and PostgreSQL refuses text containing one:
    // answer 400 here rather than let a search fail in the database.
    let nul_in_query = req
        .uri()
        .query()
        .is_some_and(|q| q.contains('\0') || q.to_ascii_lowercase().contains("%00"));
    let res = if method == Method::TRACE || method == Method::CONNECT {
        StatusCode::METHOD_NOT_ALLOWED.into_response()
    } else if nul_in_query {
        if path_is_api {
            api_problem(
                StatusCode::BAD_REQUEST,
                Some("The query string contains a NUL character"),
                &request_id,
            )
        } else {
            page_error(StatusCode::BAD_REQUEST, &request_id)
        }
    } else {
        next.run(req).await
    };
    let route_ext = res.extensions().get::<RouteIndex>().copied();
    // The body-limit layer answers 413 in plain text before any handler runs: give it the usual page.
    let res = if res.status() == StatusCode::PAYLOAD_TOO_LARGE
        && res.extensions().get::<crate::error::Deferred>().is_none()
    {
        if path_is_api {
            api_problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                Some("The request body is larger than this API accepts (1 MiB)"),
                &request_id,
            )
        } else if is_upload {
            upload_too_large(&state, &request_id)
        } else {
            page_error(StatusCode::PAYLOAD_TOO_LARGE, &request_id)
        }
    } else {
        res
    };
    let mut res = crate::error::finish(res, &request_id);
    if let Some(r) = route_ext {
        res.extensions_mut().insert(r);
    }
    let h = res.headers_mut();
    // A download sets its own, stricter policy (`sandbox`); everything else gets the page policy.
    let sandboxed = h
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("sandbox"));
    if !sandboxed {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    if state.web.tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !is_asset {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        h.insert("x-request-id", v);
    }
    let route = res.extensions().get::<RouteIndex>().map(|r| r.0);
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    state.metrics.record(route, res.status().as_u16(), micros);
    if !is_asset {
        let path = route
            .and_then(|i| routes::manifest().get(i))
            .map_or("(unmatched)", |s| s.path);
        tracing::info!(target: "safeguard::access", request_id = %request_id, method = %method, route = path, status = res.status().as_u16(), micros, "request");
    }
    res
}

/// The client address, set by [`envelope`].
#[derive(Debug, Clone)]
pub struct ClientIp(pub Option<String>);

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn same_origin(headers: &HeaderMap) -> bool {
    // Browsers that send Fetch Metadata say directly whether the request is same-origin.
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    // Otherwise compare the Origin, when there is one, with the Host.
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map_or("", |(_, h)| h);
        return origin != "null" && origin_host == host;
    }
    true
}

fn deny_page(api: bool, status: StatusCode, request_id: &str) -> Response {
    if api {
        api_problem(status, None, request_id)
    } else {
        page_error(status, request_id)
    }
}

/// The access gate.
pub async fn gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let Some(matched) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
    else {
        return next.run(req).await; // the fallback: a plain 404
    };
    let Some(index) = routes::find(req.method(), &matched) else {
        // a path that exists with another method
        let api = matched.starts_with("/api/");
        let mut res = deny_page(api, StatusCode::METHOD_NOT_ALLOWED, &request_id);
        res.extensions_mut().insert(RouteIndex(usize::MAX));
        return res;
    };
    let mut res = gate_inner(state, req, next, index, &request_id).await;
    res.extensions_mut().insert(RouteIndex(index));
    res
}

async fn gate_inner(
    state: AppState,
    mut req: Request,
    next: Next,
    index: usize,
    request_id: &str,
) -> Response {
    let Some(spec) = routes::manifest().get(index) else {
        return page_error(StatusCode::NOT_FOUND, request_id);
    };
    let api = spec.is_api();
    // Identify.
    let identity: Option<Identity> = if api {
        let bearer = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 200);
        match bearer {
            Some(t) => match auth::identify_token(&state.svc, t).await {
                Ok(i) => i,
                Err(e) => return crate::error::service_error_response(true, e, request_id),
            },
            None => None,
        }
    } else {
        match cookie(req.headers(), state.session_cookie()).filter(|t| t.len() == 64) {
            Some(t) => match auth::identify_session(&state.svc, t).await {
                Ok(i) => i,
                Err(e) => return crate::error::service_error_response(false, e, request_id),
            },
            None => None,
        }
    };
    // Enforce the declared access.
    let unauthenticated = || {
        if api {
            let mut r = api_problem(
                StatusCode::UNAUTHORIZED,
                Some("Sign in with an API token: Authorization: Bearer <token>"),
                request_id,
            );
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            r
        } else {
            Redirect::to("/sign-in").into_response()
        }
    };
    match spec.access {
        Access::Public => {}
        Access::AnySession => {
            if identity.is_none() {
                return unauthenticated();
            }
        }
        Access::TotpPending => match &identity {
            Some(i) if i.stage_totp => {}
            Some(_) => return Redirect::to("/").into_response(),
            None => return unauthenticated(),
        },
        Access::Account | Access::Perm(_) => {
            let Some(i) = &identity else {
                return unauthenticated();
            };
            if i.stage_totp {
                return if api {
                    unauthenticated()
                } else {
                    Redirect::to("/sign-in/two-factor").into_response()
                };
            }
            if i.must_enrol_totp && !api && !spec.path.starts_with("/account/two-factor") {
                return Redirect::to("/account/two-factor").into_response();
            }
            if let Access::Perm(p) = spec.access {
                let allowed = i.partnership.is_some()
                    && safeguard_domain::policy::decide(&i.roles, p).is_allowed();
                if !allowed {
                    tracing::warn!(target: "security.denied", person = %i.person_id, route = spec.path, permission = ?p, "route denied");
                    return deny_page(api, StatusCode::FORBIDDEN, request_id);
                }
            }
        }
    }
    // CSRF on state-changing page requests.
    if !api && is_unsafe(req.method()) {
        if !same_origin(req.headers()) {
            tracing::warn!(target: "security.csrf", route = spec.path, "cross-site request refused");
            return deny_page(false, StatusCode::FORBIDDEN, request_id);
        }
        let expected = match &identity {
            Some(i) => Some(i.csrf_token.clone()),
            None => cookie(req.headers(), state.csrf_cookie()).map(str::to_owned),
        };
        let (parts, body) = req.into_parts();
        // Upload routes take multipart bodies up to the upload limit; every other route 1 MiB of form.
        let multipart = spec
            .is_upload()
            .then(|| {
                parts
                    .headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(crate::multipart::boundary)
            })
            .flatten();
        let limit = if spec.is_upload() {
            state.upload_body_limit()
        } else {
            state.web.body_limit
        };
        let Ok(bytes) = to_bytes(body, limit).await else {
            return if spec.is_upload() {
                upload_too_large(&state, request_id)
            } else {
                deny_page(false, StatusCode::PAYLOAD_TOO_LARGE, request_id)
            };
        };
        // As in query strings, a NUL byte is never meaningful in a form, and PostgreSQL refuses text
        // holding one.
        if multipart.is_none() && bytes.windows(3).any(|w| w.eq_ignore_ascii_case(b"%00")) {
            return deny_page(false, StatusCode::BAD_REQUEST, request_id);
        }
        let submitted: Option<String> = match &multipart {
            Some(boundary) => crate::multipart::parse(&bytes, boundary)
                .and_then(|p| crate::multipart::text_field(&p, "csrf_token")),
            None => serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                .ok()
                .and_then(|kv| {
                    kv.into_iter()
                        .find(|(k, _)| k == "csrf_token")
                        .map(|(_, v)| v)
                }),
        };
        let ok = matches!((&expected, &submitted), (Some(e), Some(s)) if !e.is_empty() && safeguard_domain::secret::ct_eq(e, s));
        if !ok {
            tracing::warn!(target: "security.csrf", route = spec.path, "missing or wrong CSRF token");
            return page_error_with(
                StatusCode::FORBIDDEN,
                request_id,
                "The form has expired",
                "The page you submitted from has expired, or your browser blocked cookies. Go back, reload the page and try again.",
            );
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }
    // Hand the identity and, inside a partnership, the actor to the handler.
    if let Some(i) = identity {
        if let Some(p) = &i.partnership {
            let ip = req.extensions().get::<ClientIp>().and_then(|c| c.0.clone());
            let actor = Actor {
                person_id: i.person_id,
                organisation_id: i.organisation_id,
                partnership_id: p.id(),
                roles: i.roles.clone(),
                session_id: i.session_id,
                meta: meta_of(req.headers(), request_id, ip),
            };
            req.extensions_mut().insert(actor);
        }
        req.extensions_mut().insert(i);
    }
    next.run(req).await
}

/// The 413 page of an upload route: says what the limit is.
fn upload_too_large(state: &AppState, request_id: &str) -> Response {
    let limit = safeguard_domain::files::describe_limit(state.svc.config.upload_limit_bytes);
    page_error_with(
        StatusCode::PAYLOAD_TOO_LARGE,
        request_id,
        "The selected file is too large",
        &format!(
            "The selected file must be smaller than {limit}. Go back and choose a smaller file."
        ),
    )
}

fn page_error_with(status: StatusCode, request_id: &str, title: &str, message: &str) -> Response {
    crate::pages::errors::render(status, title, message, request_id)
}
