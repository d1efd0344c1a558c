//! Safeguard's web layer: the route manifest (every route with its declared access), middleware
//! (request ids, security headers, sign-in, the access gate, CSRF), HTML pages and the JSON API.

pub mod api;
pub mod error;
pub mod extract;
pub mod layout;
pub mod metrics;
pub mod middleware;
pub mod multipart;
pub mod pages;
pub mod routes;
pub mod state;

pub use routes::{Access, RouteSpec, manifest};
pub use state::{AppState, WebConfig};

use axum::Router;
use tokio::net::TcpListener;

/// The application router with every layer.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}

/// Serves until `shutdown` resolves, then drains open requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
