//! The route manifest. Every route is declared here once, with its method, path and required access;
//! the router is built from this table and the access gate (see `middleware::gate`) looks each request
//! up in it, so a route without a declared access cannot exist. The route matrix test iterates the
//! same table.

use crate::state::AppState;
use crate::{api, middleware, pages};
use axum::Router;
use axum::http::Method;
use axum::routing::{MethodRouter, delete, get, post, put};
use safeguard_domain::policy::Permission;
use std::sync::OnceLock;

/// What a route requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// A session at any stage (signing out).
    AnySession,
    /// A session whose second factor is outstanding.
    TotpPending,
    /// A fully signed-in person, for their own account (no partnership permission needed).
    Account,
    /// A fully signed-in person holding the permission in their current partnership.
    Perm(Permission),
}

/// A declared route.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    /// Method.
    pub method: Method,
    /// Path pattern, in axum syntax (`/people/{id}`).
    pub path: &'static str,
    /// Required access.
    pub access: Access,
}

impl RouteSpec {
    /// True for JSON API routes (bearer tokens, problem+json errors, no cookies).
    pub fn is_api(&self) -> bool {
        self.path.starts_with("/api/")
    }

    /// True for the routes that take file uploads ([`UPLOAD_ROUTES`]): their body may be as large as
    /// the upload limit (plus a little), every other route keeps the 1 MiB limit.
    pub fn is_upload(&self) -> bool {
        self.method == Method::POST && UPLOAD_ROUTES.contains(&self.path)
    }
}

/// The page routes that accept `multipart/form-data` uploads (POST). The gate buffers their bodies up
/// to `AppState::upload_body_limit` and reads `csrf_token` from the multipart form.
pub const UPLOAD_ROUTES: &[&str] = &["/files"];

/// True when a request's method and path are an upload route's (used before routing, for the 413 page).
pub fn is_upload_request(method: &Method, path: &str) -> bool {
    method == Method::POST && UPLOAD_ROUTES.contains(&path)
}

impl RouteSpec {}

use Access::{Account, AnySession, Perm, Public, TotpPending};
use Permission as P;

fn table() -> Vec<(RouteSpec, MethodRouter<AppState>)> {
    macro_rules! r {
        ($m:ident, $path:literal, $access:expr, $h:expr) => {
            (RouteSpec { method: Method::$m, path: $path, access: $access }, r!(@$m $h))
        };
        (@GET $h:expr) => { get($h) };
        (@POST $h:expr) => { post($h) };
        (@DELETE $h:expr) => { delete($h) };
        (@PUT $h:expr) => { put($h) };
    }
    vec![
        // operations and assets
        r!(GET, "/healthz", Public, pages::ops::healthz),
        r!(GET, "/readyz", Public, pages::ops::readyz),
        r!(
            GET,
            "/metrics",
            Perm(P::ViewPlatformMetrics),
            pages::ops::metrics
        ),
        r!(GET, "/assets/{*path}", Public, pages::ops::asset),
        r!(GET, "/favicon.ico", Public, pages::ops::favicon),
        r!(GET, "/accessibility", Public, pages::ops::accessibility),
        // signing in and out
        r!(GET, "/sign-in", Public, pages::auth::sign_in_form),
        r!(POST, "/sign-in", Public, pages::auth::sign_in),
        r!(
            GET,
            "/sign-in/two-factor",
            TotpPending,
            pages::auth::totp_form
        ),
        r!(POST, "/sign-in/two-factor", TotpPending, pages::auth::totp),
        r!(POST, "/sign-out", AnySession, pages::auth::sign_out),
        r!(
            POST,
            "/partnership/switch",
            Account,
            pages::auth::switch_partnership
        ),
        r!(
            GET,
            "/invitations/{token}",
            Public,
            pages::invitations::form
        ),
        r!(
            POST,
            "/invitations/{token}",
            Public,
            pages::invitations::accept
        ),
        // home and partnership
        r!(GET, "/", Account, pages::home::show),
        r!(
            GET,
            "/organisations",
            Perm(P::ViewOrganisations),
            pages::home::organisations
        ),
        r!(
            GET,
            "/settings",
            Perm(P::ManagePartnershipSettings),
            pages::settings::form
        ),
        r!(
            POST,
            "/settings",
            Perm(P::ManagePartnershipSettings),
            pages::settings::update
        ),
        // the working-day calendar (platform-wide; anyone signed in reads it)
        r!(GET, "/calendar", Account, pages::calendar::show),
        r!(
            POST,
            "/calendar/bank-holidays",
            Perm(P::ManageCalendar),
            pages::calendar::add
        ),
        r!(
            POST,
            "/calendar/bank-holidays/{id}/delete",
            Perm(P::ManageCalendar),
            pages::calendar::delete
        ),
        // people and roles
        r!(GET, "/actions", Perm(P::ViewActions), pages::actions::list),
        r!(GET, "/actions/mine", Account, pages::actions::mine),
        r!(
            GET,
            "/actions/new",
            Perm(P::ManageActions),
            pages::actions::new_form
        ),
        r!(
            POST,
            "/actions",
            Perm(P::ManageActions),
            pages::actions::create
        ),
        r!(GET, "/actions/{id}", Account, pages::actions::show),
        r!(POST, "/actions/{id}", Account, pages::actions::change),
        r!(
            POST,
            "/actions/{id}/updates",
            Account,
            pages::actions::add_update
        ),
        r!(GET, "/people", Perm(P::ViewPeople), pages::people::list),
        r!(
            GET,
            "/people/new",
            Perm(P::ManagePeople),
            pages::people::new_form
        ),
        r!(
            POST,
            "/people",
            Perm(P::ManagePeople),
            pages::people::create
        ),
        r!(
            GET,
            "/people/{id}",
            Perm(P::ViewPeople),
            pages::people::show
        ),
        r!(
            POST,
            "/people/{id}/roles",
            Perm(P::ManagePeople),
            pages::people::grant_role
        ),
        r!(
            POST,
            "/people/{id}/roles/{role}/revoke",
            Perm(P::ManagePeople),
            pages::people::revoke_role
        ),
        r!(
            POST,
            "/people/{id}/disable",
            Perm(P::ManagePeople),
            pages::people::disable
        ),
        r!(
            POST,
            "/people/{id}/enable",
            Perm(P::ManagePeople),
            pages::people::enable
        ),
        r!(
            POST,
            "/people/{id}/invite",
            Perm(P::ManagePeople),
            pages::invitations::resend
        ),
        // documents (the platform's one file store)
        r!(GET, "/files", Perm(P::ViewFiles), pages::files::list),
        r!(POST, "/files", Perm(P::UploadFiles), pages::files::upload),
        r!(
            GET,
            "/files/{id}",
            Perm(P::ViewFiles),
            pages::files::download
        ),
        r!(
            POST,
            "/files/{id}/delete",
            Perm(P::ViewFiles),
            pages::files::delete
        ),
        // audit trail
        r!(GET, "/audit", Perm(P::ViewAuditTrail), pages::audit::list),
        r!(
            POST,
            "/audit/verify",
            Perm(P::VerifyAuditTrail),
            pages::audit::verify
        ),
        // the person's own account
        r!(GET, "/account", Account, pages::account::index),
        r!(GET, "/account/sessions", Account, pages::account::sessions),
        r!(
            POST,
            "/account/sessions/{id}/end",
            Account,
            pages::account::end_session
        ),
        r!(GET, "/account/tokens", Account, pages::account::tokens),
        r!(
            POST,
            "/account/tokens",
            Account,
            pages::account::create_token
        ),
        r!(
            POST,
            "/account/tokens/{id}/revoke",
            Account,
            pages::account::revoke_token
        ),
        r!(
            GET,
            "/account/two-factor",
            Account,
            pages::account::two_factor_form
        ),
        r!(
            POST,
            "/account/two-factor",
            Account,
            pages::account::two_factor
        ),
        r!(
            GET,
            "/account/password",
            Account,
            pages::account::password_form
        ),
        r!(POST, "/account/password", Account, pages::account::password),
        // activity and impact log
        r!(
            GET,
            "/activity",
            Perm(P::ViewActivityLog),
            pages::activity::year
        ),
        r!(
            GET,
            "/activity/export.csv",
            Perm(P::ViewActivityLog),
            pages::activity::export_csv
        ),
        r!(
            GET,
            "/activity/export.xlsx",
            Perm(P::ViewActivityLog),
            pages::activity::export_xlsx
        ),
        r!(
            GET,
            "/activity/new",
            Perm(P::ManageActivityLog),
            pages::activity::new_form
        ),
        r!(
            POST,
            "/activity",
            Perm(P::ManageActivityLog),
            pages::activity::create
        ),
        r!(
            GET,
            "/activity/{id}",
            Perm(P::ViewActivityLog),
            pages::activity::show
        ),
        r!(
            GET,
            "/activity/{id}/edit",
            Perm(P::ManageActivityLog),
            pages::activity::edit_form
        ),
        r!(
            POST,
            "/activity/{id}",
            Perm(P::ManageActivityLog),
            pages::activity::update
        ),
        r!(
            POST,
            "/activity/{id}/links",
            Perm(P::ManageActivityLog),
            pages::activity::add_link
        ),
        r!(
            POST,
            "/activity/{id}/links/{link}/remove",
            Perm(P::ManageActivityLog),
            pages::activity::remove_link
        ),
        // JSON API
        r!(GET, "/api/openapi.json", Public, api::openapi_json),
        r!(GET, "/api/v1/me", Account, api::me),
        r!(
            GET,
            "/api/v1/organisations",
            Perm(P::ViewOrganisations),
            api::organisations
        ),
        r!(GET, "/api/v1/people", Perm(P::ViewPeople), api::list_people),
        r!(
            POST,
            "/api/v1/people",
            Perm(P::ManagePeople),
            api::create_person
        ),
        r!(
            GET,
            "/api/v1/people/{id}",
            Perm(P::ViewPeople),
            api::get_person
        ),
        r!(
            POST,
            "/api/v1/people/{id}/roles",
            Perm(P::ManagePeople),
            api::grant_role
        ),
        r!(
            DELETE,
            "/api/v1/people/{id}/roles/{role}",
            Perm(P::ManagePeople),
            api::revoke_role
        ),
        r!(GET, "/api/v1/audit", Perm(P::ViewAuditTrail), api::audit),
        r!(
            GET,
            "/api/v1/files",
            Perm(P::ViewFiles),
            api::files::list_files
        ),
        r!(
            GET,
            "/api/v1/files/{id}",
            Perm(P::ViewFiles),
            api::files::download_file
        ),
        r!(
            GET,
            "/api/v1/calendar/working-days",
            Account,
            api::working_days
        ),
        r!(
            GET,
            "/api/v1/actions",
            Perm(P::ViewActions),
            api::actions::list_actions
        ),
        r!(
            GET,
            "/api/v1/actions/mine",
            Account,
            api::actions::my_actions
        ),
        r!(
            POST,
            "/api/v1/actions",
            Perm(P::ManageActions),
            api::actions::create_action
        ),
        r!(
            GET,
            "/api/v1/actions/{id}",
            Account,
            api::actions::get_action
        ),
        r!(
            POST,
            "/api/v1/actions/{id}/updates",
            Account,
            api::actions::add_action_update
        ),
        r!(
            GET,
            "/api/v1/activity",
            Perm(P::ViewActivityLog),
            api::activity::list_activity
        ),
        r!(
            POST,
            "/api/v1/activity",
            Perm(P::ManageActivityLog),
            api::activity::create_activity
        ),
        r!(
            GET,
            "/api/v1/activity/{id}",
            Perm(P::ViewActivityLog),
            api::activity::get_activity
        ),
        r!(
            PUT,
            "/api/v1/activity/{id}",
            Perm(P::ManageActivityLog),
            api::activity::update_activity
        ),
        r!(
            POST,
            "/api/v1/activity/{id}/links",
            Perm(P::ManageActivityLog),
            api::activity::add_activity_link
        ),
        r!(GET, "/api/v1/tokens", Account, api::list_tokens),
        r!(DELETE, "/api/v1/tokens/{id}", Account, api::revoke_token),
    ]
}

static MANIFEST: OnceLock<Vec<RouteSpec>> = OnceLock::new();

/// Every declared route, in table order (the index is used for metrics).
pub fn manifest() -> &'static [RouteSpec] {
    MANIFEST.get_or_init(|| table().into_iter().map(|(s, _)| s).collect())
}

/// The index of the route a request matched.
pub fn find(method: &Method, matched_path: &str) -> Option<usize> {
    let method = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    manifest()
        .iter()
        .position(|s| s.path == matched_path && s.method == *method)
}

/// Builds the router from the table, with the gate on every route and the envelope (request id,
/// security headers, metrics, body limit) around everything including the fallback.
pub fn router(state: AppState) -> Router {
    // Body limits: upload routes take `upload_body_limit` (the upload limit plus a little), every other
    // route keeps `body_limit` (1 MiB), through a limit layer on each route (and the gate, which buffers
    // unsafe page requests with the same per-route limit). The outer layer only caps the largest.
    let limit = state.web.body_limit;
    let hard_limit = limit.max(state.upload_body_limit());
    let mut router: Router<AppState> = Router::new();
    for (spec, handler) in table() {
        let route_limit = if spec.is_upload() { hard_limit } else { limit };
        router = router.route(
            spec.path,
            handler.layer(tower_http::limit::RequestBodyLimitLayer::new(route_limit)),
        );
    }
    router
        .fallback(pages::errors::not_found)
        .method_not_allowed_fallback(pages::errors::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::gate,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(hard_limit))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::envelope,
        ))
        .with_state(state)
}
