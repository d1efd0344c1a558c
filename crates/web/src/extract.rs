//! Extractors shared by handlers.

use crate::middleware::{ClientIp, RequestId, meta_of};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use safeguard_service::RequestMeta;
use std::convert::Infallible;

/// The request's facts for the audit trail (request id, client address, browser), from what the
/// envelope middleware recorded.
#[derive(Debug, Clone)]
pub struct Meta(pub RequestMeta);

impl<S: Send + Sync> FromRequestParts<S> for Meta {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let request_id = parts
            .extensions
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default();
        let ip = parts.extensions.get::<ClientIp>().and_then(|c| c.0.clone());
        Ok(Meta(meta_of(&parts.headers, &request_id, ip)))
    }
}
