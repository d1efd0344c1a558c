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
/// A pattern may hold `{param}` segments, which match any one non-empty segment.
pub const UPLOAD_ROUTES: &[&str] = &[
    "/files",
    "/agenda-items/{id}/papers",
    "/bodies/{id}/terms",
    "/sign-offs/new",
    "/performance/returns/upload",
];

/// True when a request path matches a route pattern: the same number of segments, each equal or a
/// `{param}` in the pattern matching any non-empty segment.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let (mut p, mut q) = (pattern.split('/'), path.split('/'));
    loop {
        match (p.next(), q.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) => {
                let param = a.starts_with('{') && a.ends_with('}');
                if !(a == b || (param && !b.is_empty())) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// True when a request's method and path are an upload route's (used before routing, for the 413 page).
pub fn is_upload_request(method: &Method, path: &str) -> bool {
    method == Method::POST && UPLOAD_ROUTES.iter().any(|r| path_matches(r, path))
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
        // governance: the board and groups, meetings, papers, attendance and decisions
        r!(
            GET,
            "/bodies",
            Perm(P::ViewGovernance),
            pages::governance::list
        ),
        r!(
            GET,
            "/bodies/new",
            Perm(P::ManageGovernance),
            pages::governance::new_form
        ),
        r!(
            POST,
            "/bodies/new",
            Perm(P::ManageGovernance),
            pages::governance::create
        ),
        r!(
            GET,
            "/bodies/{id}",
            Perm(P::ViewGovernance),
            pages::governance::show
        ),
        r!(
            GET,
            "/bodies/{id}/edit",
            Perm(P::ManageGovernance),
            pages::governance::edit_form
        ),
        r!(
            POST,
            "/bodies/{id}/edit",
            Perm(P::ManageGovernance),
            pages::governance::update
        ),
        r!(
            POST,
            "/bodies/{id}/terms",
            Perm(P::ManageGovernance),
            pages::governance::upload_terms
        ),
        r!(
            POST,
            "/bodies/{id}/members",
            Perm(P::ManageGovernance),
            pages::governance::add_member
        ),
        r!(
            POST,
            "/body-members/{id}/end",
            Perm(P::ManageGovernance),
            pages::governance::end_member
        ),
        r!(
            GET,
            "/bodies/{id}/meetings/new",
            Perm(P::ManageGovernance),
            pages::governance::meeting_new_form
        ),
        r!(
            POST,
            "/bodies/{id}/meetings/new",
            Perm(P::ManageGovernance),
            pages::governance::meeting_create
        ),
        r!(
            POST,
            "/bodies/{id}/meetings/plan",
            Perm(P::ManageGovernance),
            pages::governance::plan
        ),
        r!(
            GET,
            "/bodies/{id}/attendance",
            Perm(P::ViewGovernance),
            pages::governance::attendance
        ),
        r!(
            GET,
            "/meetings/{id}",
            Perm(P::ViewGovernance),
            pages::governance::meeting
        ),
        r!(
            POST,
            "/meetings/{id}/agenda",
            Perm(P::ManageGovernance),
            pages::governance::add_agenda_item
        ),
        r!(
            POST,
            "/meetings/{id}/attendance",
            Perm(P::ManageGovernance),
            pages::governance::record_attendance
        ),
        r!(
            POST,
            "/meetings/{id}/attendance/members",
            Perm(P::ManageGovernance),
            pages::governance::record_members_attendance
        ),
        r!(
            POST,
            "/meetings/{id}/minutes",
            Perm(P::ManageGovernance),
            pages::governance::save_minutes
        ),
        r!(
            POST,
            "/meetings/{id}/status",
            Perm(P::ManageGovernance),
            pages::governance::set_status
        ),
        r!(
            POST,
            "/meetings/{id}/decisions",
            Perm(P::ManageGovernance),
            pages::governance::record_decision
        ),
        r!(
            GET,
            "/agenda-items/{id}/papers",
            Perm(P::ViewGovernance),
            pages::governance::papers
        ),
        r!(
            POST,
            "/agenda-items/{id}/papers",
            Perm(P::ManageGovernance),
            pages::governance::upload_paper
        ),
        r!(
            GET,
            "/meetings/{id}/edit",
            Perm(P::ManageGovernance),
            pages::governance::meeting_edit_form
        ),
        r!(
            POST,
            "/meetings/{id}/edit",
            Perm(P::ManageGovernance),
            pages::governance::meeting_update
        ),
        r!(
            GET,
            "/agenda-items/{id}/withdraw",
            Perm(P::ManageGovernance),
            pages::governance::withdraw_form
        ),
        r!(
            POST,
            "/agenda-items/{id}/withdraw",
            Perm(P::ManageGovernance),
            pages::governance::withdraw
        ),
        // audit trail
        r!(GET, "/audit", Perm(P::ViewAuditTrail), pages::audit::list),
        r!(
            POST,
            "/audit/verify",
            Perm(P::VerifyAuditTrail),
            pages::audit::verify
        ),
        // sign-offs by the three lead safeguarding partners
        r!(
            GET,
            "/sign-offs",
            Perm(P::ViewSignOffs),
            pages::signoffs::list
        ),
        r!(
            GET,
            "/sign-offs/new",
            Perm(P::RequestSignOffs),
            pages::signoffs::new_form
        ),
        r!(
            POST,
            "/sign-offs/new",
            Perm(P::RequestSignOffs),
            pages::signoffs::create
        ),
        r!(
            GET,
            "/sign-offs/{id}",
            Perm(P::ViewSignOffs),
            pages::signoffs::show
        ),
        r!(
            POST,
            "/sign-offs/{id}/decision",
            Perm(P::SignOffForPartner),
            pages::signoffs::decide
        ),
        r!(
            POST,
            "/sign-offs/{id}/rerequest",
            Perm(P::RequestSignOffs),
            pages::signoffs::rerequest
        ),
        r!(
            POST,
            "/sign-offs/{id}/withdraw",
            Perm(P::RequestSignOffs),
            pages::signoffs::withdraw
        ),
        // funding
        r!(GET, "/funding", Perm(P::ViewFunding), pages::funding::list),
        r!(
            GET,
            "/funding/new",
            Perm(P::ManageFunding),
            pages::funding::new_form
        ),
        r!(
            POST,
            "/funding/new",
            Perm(P::ManageFunding),
            pages::funding::create
        ),
        r!(
            GET,
            "/funding/{id}",
            Perm(P::ViewFunding),
            pages::funding::show
        ),
        r!(
            POST,
            "/funding/{id}/contributions",
            Perm(P::ManageFunding),
            pages::funding::contribution
        ),
        r!(
            POST,
            "/funding/{id}/equal-shares",
            Perm(P::ManageFunding),
            pages::funding::equal_shares
        ),
        r!(
            POST,
            "/funding/{id}/spend",
            Perm(P::ManageFunding),
            pages::funding::add_spend
        ),
        // funding edits and the CSV download
        r!(
            GET,
            "/funding/{id}/edit",
            Perm(P::ManageFunding),
            pages::funding::edit_year_form
        ),
        r!(
            POST,
            "/funding/{id}/edit",
            Perm(P::ManageFunding),
            pages::funding::update_year
        ),
        r!(
            GET,
            "/funding/{id}/export.csv",
            Perm(P::ViewFunding),
            pages::funding::export_csv
        ),
        r!(
            GET,
            "/funding-spend/{id}/edit",
            Perm(P::ManageFunding),
            pages::funding::edit_spend_form
        ),
        r!(
            POST,
            "/funding-spend/{id}/edit",
            Perm(P::ManageFunding),
            pages::funding::update_spend
        ),
        r!(
            POST,
            "/funding-spend/{id}/remove",
            Perm(P::ManageFunding),
            pages::funding::remove_spend
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
        // performance framework
        r!(GET, "/performance", Perm(P::ViewPerformance), pages::performance::dashboard),
        r!(GET, "/performance/export.csv", Perm(P::ViewPerformance), pages::performance::export_csv),
        r!(GET, "/performance/export.xlsx", Perm(P::ViewPerformance), pages::performance::export_xlsx),
        r!(GET, "/performance/exceptions", Perm(P::ViewPerformance), pages::performance::exceptions),
        r!(GET, "/performance/indicators", Perm(P::ViewPerformance), pages::performance::catalogue),
        r!(GET, "/performance/indicators/new", Perm(P::ManagePerformance), pages::performance::new_indicator),
        r!(POST, "/performance/indicators", Perm(P::ManagePerformance), pages::performance::create_indicator),
        r!(GET, "/performance/indicators/{id}", Perm(P::ViewPerformance), pages::performance::indicator),
        r!(GET, "/performance/indicators/{id}/edit", Perm(P::ManagePerformance), pages::performance::edit_indicator),
        r!(POST, "/performance/indicators/{id}", Perm(P::ManagePerformance), pages::performance::update_indicator),
        r!(POST, "/performance/indicators/{id}/benchmarks", Perm(P::ManagePerformance), pages::performance::add_benchmark),
        r!(GET, "/performance/place", Perm(P::ViewPerformance), pages::performance::place),
        r!(POST, "/performance/place/populations", Perm(P::ManagePerformance), pages::performance::add_population),
        r!(GET, "/performance/returns", Perm(P::ViewPerformance), pages::performance::returns),
        r!(GET, "/performance/returns/new", Perm(P::SubmitPerformanceReturns), pages::performance::new_return),
        r!(POST, "/performance/returns", Perm(P::SubmitPerformanceReturns), pages::performance::submit_return),
        r!(POST, "/performance/returns/upload", Perm(P::SubmitPerformanceReturns), pages::performance::upload_return),
        r!(GET, "/performance/returns/template.xlsx", Perm(P::SubmitPerformanceReturns), pages::performance::template),
        r!(GET, "/performance/returns/{id}", Perm(P::ViewPerformance), pages::performance::show_return),
        r!(POST, "/performance/returns/{id}/advance", Perm(P::ManagePerformance), pages::performance::advance_return),
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
            "/api/v1/bodies",
            Perm(P::ViewGovernance),
            api::governance::list_bodies
        ),
        r!(
            POST,
            "/api/v1/bodies",
            Perm(P::ManageGovernance),
            api::governance::create_body
        ),
        r!(
            GET,
            "/api/v1/bodies/{id}",
            Perm(P::ViewGovernance),
            api::governance::get_body
        ),
        r!(
            GET,
            "/api/v1/bodies/{id}/meetings",
            Perm(P::ViewGovernance),
            api::governance::body_meetings
        ),
        r!(
            GET,
            "/api/v1/bodies/{id}/attendance",
            Perm(P::ViewGovernance),
            api::governance::body_attendance
        ),
        r!(
            GET,
            "/api/v1/meetings/{id}",
            Perm(P::ViewGovernance),
            api::governance::get_meeting
        ),
        r!(
            POST,
            "/api/v1/meetings/{id}/decisions",
            Perm(P::ManageGovernance),
            api::governance::create_decision
        ),
        r!(
            PUT,
            "/api/v1/bodies/{id}",
            Perm(P::ManageGovernance),
            api::governance::update_body
        ),
        r!(
            POST,
            "/api/v1/bodies/{id}/members",
            Perm(P::ManageGovernance),
            api::governance::add_member
        ),
        r!(
            POST,
            "/api/v1/body-members/{id}/end",
            Perm(P::ManageGovernance),
            api::governance::end_member
        ),
        r!(
            POST,
            "/api/v1/bodies/{id}/meetings/plan",
            Perm(P::ManageGovernance),
            api::governance::plan_meetings
        ),
        r!(
            POST,
            "/api/v1/bodies/{id}/meetings",
            Perm(P::ManageGovernance),
            api::governance::add_meeting
        ),
        r!(
            PUT,
            "/api/v1/meetings/{id}",
            Perm(P::ManageGovernance),
            api::governance::update_meeting
        ),
        r!(
            POST,
            "/api/v1/meetings/{id}/status",
            Perm(P::ManageGovernance),
            api::governance::set_meeting_status
        ),
        r!(
            POST,
            "/api/v1/meetings/{id}/agenda",
            Perm(P::ManageGovernance),
            api::governance::add_agenda_item
        ),
        r!(
            POST,
            "/api/v1/agenda-items/{id}/withdraw",
            Perm(P::ManageGovernance),
            api::governance::withdraw_agenda_item
        ),
        r!(
            POST,
            "/api/v1/meetings/{id}/attendance",
            Perm(P::ManageGovernance),
            api::governance::record_attendance
        ),
        r!(
            PUT,
            "/api/v1/meetings/{id}/minutes",
            Perm(P::ManageGovernance),
            api::governance::save_minutes
        ),
        // sign-offs and funding API
        r!(
            GET,
            "/api/v1/sign-offs",
            Perm(P::ViewSignOffs),
            api::signoffs::list_sign_offs
        ),
        r!(
            POST,
            "/api/v1/sign-offs",
            Perm(P::RequestSignOffs),
            api::signoffs::request_sign_off
        ),
        r!(
            GET,
            "/api/v1/sign-offs/{id}",
            Perm(P::ViewSignOffs),
            api::signoffs::get_sign_off
        ),
        r!(
            POST,
            "/api/v1/sign-offs/{id}/decision",
            Perm(P::SignOffForPartner),
            api::signoffs::decide_sign_off
        ),
        r!(
            POST,
            "/api/v1/sign-offs/{id}/rerequest",
            Perm(P::RequestSignOffs),
            api::signoffs::rerequest_sign_off
        ),
        r!(
            POST,
            "/api/v1/sign-offs/{id}/withdraw",
            Perm(P::RequestSignOffs),
            api::signoffs::withdraw_sign_off
        ),
        r!(
            GET,
            "/api/v1/funding-years",
            Perm(P::ViewFunding),
            api::funding::list_funding_years
        ),
        r!(
            POST,
            "/api/v1/funding-years",
            Perm(P::ManageFunding),
            api::funding::create_funding_year
        ),
        r!(
            GET,
            "/api/v1/funding-years/{id}",
            Perm(P::ViewFunding),
            api::funding::get_funding_year
        ),
        r!(
            POST,
            "/api/v1/funding-years/{id}/contributions",
            Perm(P::ManageFunding),
            api::funding::set_funding_contribution
        ),
        r!(
            POST,
            "/api/v1/funding-years/{id}/equal-shares",
            Perm(P::ManageFunding),
            api::funding::set_funding_equal_shares
        ),
        r!(
            POST,
            "/api/v1/funding-years/{id}/spend",
            Perm(P::ManageFunding),
            api::funding::add_funding_spend
        ),
        r!(
            PUT,
            "/api/v1/funding-years/{id}",
            Perm(P::ManageFunding),
            api::funding::update_funding_year
        ),
        r!(
            GET,
            "/api/v1/funding-spend/{id}",
            Perm(P::ViewFunding),
            api::funding::get_funding_spend
        ),
        r!(
            PUT,
            "/api/v1/funding-spend/{id}",
            Perm(P::ManageFunding),
            api::funding::update_funding_spend
        ),
        r!(
            POST,
            "/api/v1/funding-spend/{id}/remove",
            Perm(P::ManageFunding),
            api::funding::remove_funding_spend
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
        // case reviews: notifications and rapid reviews (the service adds the panel membership rule)
        r!(
            GET,
            "/case-reviews",
            Perm(P::ViewCaseReviews),
            pages::case_reviews::dashboard
        ),
        r!(
            GET,
            "/case-reviews/new",
            Perm(P::ManageCaseReviews),
            pages::case_reviews::new_form
        ),
        r!(
            POST,
            "/case-reviews",
            Perm(P::ManageCaseReviews),
            pages::case_reviews::create
        ),
        r!(
            GET,
            "/case-reviews/{id}",
            Perm(P::ViewCaseReviews),
            pages::case_reviews::show
        ),
        r!(
            GET,
            "/case-reviews/{id}/edit",
            Perm(P::ManageCaseReviews),
            pages::case_reviews::edit_form
        ),
        r!(
            POST,
            "/case-reviews/{id}/edit",
            Perm(P::ManageCaseReviews),
            pages::case_reviews::update
        ),
        r!(
            GET,
            "/case-reviews/{id}/children/new",
            Perm(P::ManageCaseReviews),
            pages::case_reviews::child_form
        ),
        r!(
            POST,
            "/case-reviews/{id}/children",
            Perm(P::ManageCaseReviews),
            pages::case_reviews::add_child
        ),
        r!(
            POST,
            "/case-reviews/{id}/identities",
            Perm(P::ViewChildIdentities),
            pages::case_reviews::reveal
        ),
        r!(
            GET,
            "/case-reviews/{id}/rapid-review",
            Perm(P::ManageCaseReviews),
            pages::case_reviews::review_form
        ),
        r!(
            POST,
            "/case-reviews/{id}/rapid-review",
            Perm(P::ManageCaseReviews),
            pages::case_reviews::save_review
        ),
        r!(
            GET,
            "/case-reviews/{id}/agencies/new",
            Perm(P::ManageCaseReviews),
            pages::case_reviews::agency_form
        ),
        r!(
            POST,
            "/case-reviews/{id}/agencies",
            Perm(P::ManageCaseReviews),
            pages::case_reviews::save_agency
        ),
        r!(
            GET,
            "/case-reviews/{id}/decision",
            Perm(P::ManageCaseReviews),
            pages::case_reviews::decision_form
        ),
        r!(
            POST,
            "/case-reviews/{id}/decision",
            Perm(P::ManageCaseReviews),
            pages::case_reviews::decide
        ),
        r!(
            GET,
            "/case-reviews/{id}/panel",
            Perm(P::ManageCaseReviews),
            pages::case_reviews::panel_form
        ),
        r!(
            POST,
            "/case-reviews/{id}/panel",
            Perm(P::ManageCaseReviews),
            pages::case_reviews::save_panel
        ),
        r!(
            GET,
            "/case-reviews/{id}/extend",
            Perm(P::ManageCaseReviews),
            pages::case_reviews::extension_form
        ),
        r!(
            POST,
            "/case-reviews/{id}/extend",
            Perm(P::ManageCaseReviews),
            pages::case_reviews::extend
        ),
        r!(
            POST,
            "/case-reviews/{id}/sign-off",
            Perm(P::RequestSignOffs),
            pages::case_reviews::request_sign_off
        ),
        r!(
            GET,
            "/api/v1/case-reviews",
            Perm(P::ViewCaseReviews),
            api::case_reviews::list_case_reviews
        ),
        r!(
            POST,
            "/api/v1/case-reviews",
            Perm(P::ManageCaseReviews),
            api::case_reviews::create_notification
        ),
        r!(
            GET,
            "/api/v1/case-reviews/{id}",
            Perm(P::ViewCaseReviews),
            api::case_reviews::get_notification
        ),
        r!(
            PUT,
            "/api/v1/case-reviews/{id}",
            Perm(P::ManageCaseReviews),
            api::case_reviews::update_notification
        ),
        r!(
            PUT,
            "/api/v1/case-reviews/{id}/rapid-review",
            Perm(P::ManageCaseReviews),
            api::case_reviews::save_rapid_review
        ),
        r!(
            PUT,
            "/api/v1/case-reviews/{id}/decision",
            Perm(P::ManageCaseReviews),
            api::case_reviews::decide_rapid_review
        ),
        r!(
            PUT,
            "/api/v1/case-reviews/{id}/panel",
            Perm(P::ManageCaseReviews),
            api::case_reviews::record_panel
        ),
        // case review learning: themes, findings and recommendations
        r!(
            GET,
            "/case-review-themes",
            Perm(P::ViewCaseReviews),
            pages::review_learning::list
        ),
        r!(
            GET,
            "/case-review-themes/new",
            Perm(P::ManageCaseReviewThemes),
            pages::review_learning::new_theme_form
        ),
        r!(
            POST,
            "/case-review-themes",
            Perm(P::ManageCaseReviewThemes),
            pages::review_learning::create_theme
        ),
        r!(
            POST,
            "/case-review-themes/defaults",
            Perm(P::ManageCaseReviewThemes),
            pages::review_learning::add_defaults
        ),
        r!(
            GET,
            "/case-review-themes/across-years",
            Perm(P::ViewCaseReviews),
            pages::review_learning::across_years
        ),
        r!(
            GET,
            "/case-review-themes/across-years.csv",
            Perm(P::ViewCaseReviews),
            pages::review_learning::across_years_csv
        ),
        r!(
            GET,
            "/case-review-themes/{id}",
            Perm(P::ViewCaseReviews),
            pages::review_learning::show_theme
        ),
        r!(
            GET,
            "/case-review-themes/{id}/edit",
            Perm(P::ManageCaseReviewThemes),
            pages::review_learning::edit_theme_form
        ),
        r!(
            POST,
            "/case-review-themes/{id}/edit",
            Perm(P::ManageCaseReviewThemes),
            pages::review_learning::update_theme
        ),
        r!(
            POST,
            "/case-review-themes/{id}/retire",
            Perm(P::ManageCaseReviewThemes),
            pages::review_learning::retire_theme
        ),
        r!(
            POST,
            "/case-review-themes/{id}/reinstate",
            Perm(P::ManageCaseReviewThemes),
            pages::review_learning::reinstate_theme
        ),
        r!(
            GET,
            "/case-reviews/{id}/learning",
            Perm(P::ViewCaseReviews),
            pages::review_learning::notification_learning
        ),
        r!(
            POST,
            "/case-reviews/{id}/learning/themes",
            Perm(P::ManageCaseReviews),
            pages::review_learning::notification_themes
        ),
        r!(
            GET,
            "/case-reviews/{id}/learning/findings/new",
            Perm(P::ManageCaseReviews),
            pages::review_learning::notification_finding_form
        ),
        r!(
            POST,
            "/case-reviews/{id}/learning/findings",
            Perm(P::ManageCaseReviews),
            pages::review_learning::notification_add_finding
        ),
        r!(
            GET,
            "/case-reviews/{id}/learning/recommendations/new",
            Perm(P::ManageCaseReviews),
            pages::review_learning::notification_recommendation_form
        ),
        r!(
            POST,
            "/case-reviews/{id}/learning/recommendations",
            Perm(P::ManageCaseReviews),
            pages::review_learning::notification_add_recommendation
        ),
        r!(
            GET,
            "/practice-reviews/{id}/learning",
            Perm(P::ViewCaseReviews),
            pages::review_learning::practice_review_learning
        ),
        r!(
            POST,
            "/practice-reviews/{id}/learning/themes",
            Perm(P::ManageCaseReviews),
            pages::review_learning::practice_review_themes
        ),
        r!(
            GET,
            "/practice-reviews/{id}/learning/findings/new",
            Perm(P::ManageCaseReviews),
            pages::review_learning::practice_review_finding_form
        ),
        r!(
            POST,
            "/practice-reviews/{id}/learning/findings",
            Perm(P::ManageCaseReviews),
            pages::review_learning::practice_review_add_finding
        ),
        r!(
            GET,
            "/practice-reviews/{id}/learning/recommendations/new",
            Perm(P::ManageCaseReviews),
            pages::review_learning::practice_review_recommendation_form
        ),
        r!(
            POST,
            "/practice-reviews/{id}/learning/recommendations",
            Perm(P::ManageCaseReviews),
            pages::review_learning::practice_review_add_recommendation
        ),
        r!(
            GET,
            "/review-findings/{id}/edit",
            Perm(P::ManageCaseReviews),
            pages::review_learning::edit_finding_form
        ),
        r!(
            POST,
            "/review-findings/{id}/edit",
            Perm(P::ManageCaseReviews),
            pages::review_learning::update_finding
        ),
        r!(
            GET,
            "/review-recommendations/{id}",
            Perm(P::ViewCaseReviews),
            pages::review_learning::show_recommendation
        ),
        r!(
            GET,
            "/review-recommendations/{id}/edit",
            Perm(P::ManageCaseReviews),
            pages::review_learning::edit_recommendation_form
        ),
        r!(
            POST,
            "/review-recommendations/{id}/edit",
            Perm(P::ManageCaseReviews),
            pages::review_learning::update_recommendation
        ),
        r!(
            GET,
            "/api/v1/case-review-themes",
            Perm(P::ViewCaseReviews),
            api::review_learning::list_themes
        ),
        r!(
            POST,
            "/api/v1/case-review-themes",
            Perm(P::ManageCaseReviewThemes),
            api::review_learning::create_theme
        ),
        r!(
            GET,
            "/api/v1/case-review-themes/across-years",
            Perm(P::ViewCaseReviews),
            api::review_learning::across_years
        ),
        r!(
            PUT,
            "/api/v1/case-review-themes/{id}",
            Perm(P::ManageCaseReviewThemes),
            api::review_learning::update_theme
        ),
        r!(
            GET,
            "/api/v1/case-reviews/{id}/learning",
            Perm(P::ViewCaseReviews),
            api::review_learning::notification_learning
        ),
        r!(
            PUT,
            "/api/v1/case-reviews/{id}/learning/themes",
            Perm(P::ManageCaseReviews),
            api::review_learning::notification_themes
        ),
        r!(
            POST,
            "/api/v1/case-reviews/{id}/learning/findings",
            Perm(P::ManageCaseReviews),
            api::review_learning::notification_add_finding
        ),
        r!(
            POST,
            "/api/v1/case-reviews/{id}/learning/recommendations",
            Perm(P::ManageCaseReviews),
            api::review_learning::notification_add_recommendation
        ),
        r!(
            GET,
            "/api/v1/practice-reviews/{id}/learning",
            Perm(P::ViewCaseReviews),
            api::review_learning::practice_review_learning
        ),
        r!(
            PUT,
            "/api/v1/practice-reviews/{id}/learning/themes",
            Perm(P::ManageCaseReviews),
            api::review_learning::practice_review_themes
        ),
        r!(
            POST,
            "/api/v1/practice-reviews/{id}/learning/findings",
            Perm(P::ManageCaseReviews),
            api::review_learning::practice_review_add_finding
        ),
        r!(
            POST,
            "/api/v1/practice-reviews/{id}/learning/recommendations",
            Perm(P::ManageCaseReviews),
            api::review_learning::practice_review_add_recommendation
        ),
        r!(
            PUT,
            "/api/v1/review-findings/{id}",
            Perm(P::ManageCaseReviews),
            api::review_learning::update_finding
        ),
        r!(
            GET,
            "/api/v1/review-recommendations",
            Perm(P::ViewCaseReviews),
            api::review_learning::list_recommendations
        ),
        r!(
            GET,
            "/api/v1/review-recommendations/{id}",
            Perm(P::ViewCaseReviews),
            api::review_learning::get_recommendation
        ),
        r!(
            PUT,
            "/api/v1/review-recommendations/{id}",
            Perm(P::ManageCaseReviews),
            api::review_learning::update_recommendation
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_patterns_match_one_segment_per_parameter() {
        assert!(path_matches("/files", "/files"));
        assert!(!path_matches("/files", "/files/x"));
        assert!(path_matches(
            "/agenda-items/{id}/papers",
            "/agenda-items/abc/papers"
        ));
        assert!(!path_matches(
            "/agenda-items/{id}/papers",
            "/agenda-items//papers"
        ));
        assert!(!path_matches(
            "/agenda-items/{id}/papers",
            "/agenda-items/a/b/papers"
        ));
        assert!(!path_matches(
            "/agenda-items/{id}/papers",
            "/agenda-items/a/paper"
        ));
        assert!(is_upload_request(&Method::POST, "/agenda-items/abc/papers"));
        assert!(is_upload_request(&Method::POST, "/bodies/abc/terms"));
        assert!(!is_upload_request(&Method::POST, "/bodies/abc/members"));
        assert!(!is_upload_request(&Method::GET, "/agenda-items/abc/papers"));
        assert!(!is_upload_request(&Method::POST, "/meetings/abc/agenda"));
    }
}
