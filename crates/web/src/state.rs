//! Shared state of the web layer.

use crate::metrics::Metrics;
use safeguard_service::Services;
use std::sync::Arc;

/// Web settings.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Served over TLS (directly or behind a TLS proxy): `__Host-` cookies with `Secure`, and HSTS.
    pub tls: bool,
    /// Request body limit in bytes for ordinary routes.
    pub body_limit: usize,
    /// Trust `X-Forwarded-For` from a proxy for the client address.
    pub trust_proxy: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            tls: false,
            body_limit: 1024 * 1024,
            trust_proxy: false,
        }
    }
}

/// Bytes allowed on upload routes beyond the upload limit (other fields, multipart headers).
pub const UPLOAD_OVERHEAD: usize = 64 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The use cases.
    pub svc: Services,
    /// Web settings.
    pub web: Arc<WebConfig>,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// Builds the state.
    pub fn new(svc: Services, web: WebConfig) -> Self {
        Self {
            svc,
            web: Arc::new(web),
            metrics: Arc::new(Metrics::default()),
        }
    }

    /// The body limit of upload routes ([`crate::routes::RouteSpec::is_upload`]): the configured
    /// upload limit plus room for the form's other fields and multipart framing.
    pub fn upload_body_limit(&self) -> usize {
        usize::try_from(self.svc.config.upload_limit_bytes)
            .unwrap_or(usize::MAX)
            .saturating_add(UPLOAD_OVERHEAD)
    }

    /// The session cookie's name.
    pub fn session_cookie(&self) -> &'static str {
        if self.web.tls {
            "__Host-sg_session"
        } else {
            "sg_session"
        }
    }

    /// The pre-sign-in CSRF cookie's name.
    pub fn csrf_cookie(&self) -> &'static str {
        if self.web.tls {
            "__Host-sg_csrf"
        } else {
            "sg_csrf"
        }
    }

    /// A `Set-Cookie` value.
    pub fn cookie(&self, name: &str, value: &str, max_age: Option<i64>) -> String {
        let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
        if self.web.tls {
            c.push_str("; Secure");
        }
        if let Some(a) = max_age {
            c.push_str(&format!("; Max-Age={a}"));
        }
        c
    }
}
