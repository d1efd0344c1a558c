//! The route × role × partnership matrix (SECURITY.md R-AUTHZ-1).
//!
//! Built from `safeguard_web::manifest()`, so a new route is covered as soon as it is declared (a new
//! kind of path parameter makes `fill` fail loudly until the test learns a fixture for it). Every route
//! is called by every caller:
//!
//! * anonymous;
//! * each demo person of the demo partnership (one per role), signed in with a session for pages and
//!   an API token for `/api/*`, acting in the demo partnership;
//! * an administrator of another partnership only (acting there; objects of the demo partnership must
//!   answer 404 for them);
//! * an administrator of the demo partnership who has only passed the password step (TOTP pending),
//!   who must reach nothing but sign-in, sign-out and the second-factor page (and who sends only its
//!   cookie to the API).
//!
//! Path parameters are filled with fixtures of the demo partnership (a dedicated target person, not a
//! caller, so that disabling them does not disturb the matrix), or the caller's own spare session and
//! tokens for account routes. Page POSTs carry the caller's valid CSRF token and same-origin headers,
//! so CSRF is never what stops them; bodies are harmless. Safe methods run first, then the others, and
//! signing out last.

use crate::helpers::*;
use reqwest::Method;
use safeguard_domain::policy::{self, Role};
use safeguard_web::{Access, RouteSpec, manifest};
use serde_json::json;
use std::collections::HashSet;
use std::fmt::Write as _;

const DEMO: &str = "telford-wrekin";
const TARGET: &str = "target@safeguard.example";
const OTHER_ADMIN: &str = "other@shropshire.example";
const PENDING: &str = "pending@safeguard.example";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Anonymous,
    /// Password accepted, second factor outstanding.
    Pending,
    /// Fully signed in (session for pages, bearer token for the API).
    Full,
}

struct Caller {
    label: String,
    kind: Kind,
    /// The cookie jar used for pages (for anonymous: holding the pre-sign-in CSRF cookie).
    pages: reqwest::Client,
    /// A valid CSRF token for `pages`.
    csrf: String,
    /// The bearer token for the API (none: the request carries only `pages`' cookies).
    token: Option<String>,
    /// Roles in the partnership the caller acts in.
    roles: Vec<Role>,
    /// Whether the caller acts in the demo partnership.
    in_demo: bool,
    /// A spare session of the caller (for /account/sessions/{id}/end).
    session_id: String,
    /// Spare tokens of the caller (for the page and API revocations).
    page_token_id: String,
    api_token_id: String,
    /// A current member of the demo's case review panel (the object-level rule of case reviews).
    case_review_panel: bool,
}

struct Fixtures {
    target: String,
    demo_partnership: String,
    /// A stored change to the (platform-wide) working-day calendar.
    calendar_change: String,
    /// An action of the demo partnership (owned by the agency lead).
    action: String,
    /// A document of the demo partnership (visible to everyone with `ViewFiles` there).
    file: String,
    /// Governance objects of the demo partnership: a body, a membership, a meeting, an agenda item.
    body: String,
    body_member: String,
    meeting: String,
    agenda_item: String,
    /// A sign-off item of the demo partnership (the threshold document, awaiting one partner).
    sign_off: String,
    /// A financial year of the demo partnership (2022/23).
    funding_year: String,
    /// A spend line of that year.
    funding_spend: String,
    /// An activity-log entry of the demo partnership, and an evidence link of it.
    activity: String,
    activity_link: String,
    /// A serious incident notification of the demo partnership (SIN 2023-01, with its rapid review).
    case_review: String,
    /// Case review learning of the demo partnership: a theme, a practice review, and a finding and a
    /// recommendation of that review.
    theme: String,
    practice_review: String,
    finding: String,
    recommendation: String,
    /// The recommendations tracker: the demo inquiry and its recommendation 1 (led by the
    /// administrator, so others with `ViewRecommendations` are refused its self-assessment and
    /// answering its comments). The demo invites its consultant to it (`/invited-recommendations`).
    tracker_source: String,
    tracked_recommendation: String,
    /// The performance framework of the demo partnership: an indicator, a return, and the agency
    /// that supplies them (the council).
    perf_indicator: String,
    perf_return: String,
    perf_agency: String,
    /// A deprivation figure of the demo partnership's place profile.
    perf_place_figure: String,
}

/// Expected outcome for a (route, caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allow,
    Deny,
    /// Refused because the object belongs to another partnership: must look missing (404).
    DenyForeign,
    /// A fully signed-in caller on a second-factor page is sent home.
    Home,
}

/// Routes whose path or body names an object of the demo partnership.
fn touches_demo_object(spec: &RouteSpec) -> bool {
    spec.path.contains("/people/{id}")
        || spec.path.contains("/files/{id}")
        || spec.path == "/partnership/switch"
        || spec.path.contains("/actions/{id}")
        || spec.path.contains("/bodies/{id}")
        || spec.path.starts_with("/body-members/")
        || spec.path.contains("/meetings/{id}")
        || spec.path.starts_with("/agenda-items/")
        || spec.path.contains("/sign-offs/{id}")
        || spec.path.contains("/funding/{id}")
        || spec.path.contains("/funding-years/{id}")
        || spec.path.contains("/funding-spend/{id}")
        || spec.path.contains("/activity/{id}")
        || spec.path.starts_with("/api/v1/body-members/")
        || spec.path.starts_with("/api/v1/agenda-items/")
        || spec.path.contains("/case-reviews/{id}")
        || spec.path.contains("/case-review-themes/{id}")
        || spec.path.contains("/practice-reviews/{id}")
        || spec.path.contains("/review-findings/{id}")
        || spec.path.contains("/review-recommendations/{id}")
        || spec.path.contains("/shared-reviews/{id}")
        || spec.path.contains("/recommendation-sources/{id}")
        || spec.path.contains("/tracked-recommendations/{id}")
        || spec.path.contains("/performance/indicators/{id}")
        || spec.path.contains("/performance/returns/{id}")
        || spec.path == "/performance/returns/new"
        || spec.path == "/performance/returns/template.xlsx"
        || spec.path.contains("/performance/place/figures/{id}")
        || spec.path.contains("/invited-recommendations/{id}")
}

/// The recommendations tracker's object-level rule: a recommendation's self-assessment and evidence
/// are for its lead (the fixture's is the administrator) or those who may manage recommendations;
/// others who may view it are refused (403).
fn tracker_expect(spec: &RouteSpec, c: &Caller) -> Option<Expect> {
    let owner_route = spec.path.ends_with("/tracked-recommendations/{id}/status")
        || spec
            .path
            .ends_with("/tracked-recommendations/{id}/evidence")
        || spec.path.ends_with("/tracked-recommendations/{id}/answers");
    (c.kind == Kind::Full
        && c.in_demo
        && owner_route
        && policy::decide(&c.roles, policy::Permission::ViewRecommendations).is_allowed()
        && !policy::decide(&c.roles, policy::Permission::ManageRecommendations).is_allowed())
    .then_some(Expect::Deny)
}

/// Action pages are open to any signed-in person and the service decides: `ViewActions` in the
/// action's partnership, or its owner (the fixture's owner, the agency lead, has `ViewActions`
/// anyway); everyone else is told it does not exist (404).
fn action_object_expect(spec: &RouteSpec, c: &Caller) -> Option<Expect> {
    (c.kind == Kind::Full && spec.path.contains("/actions/{id}")).then(|| {
        if c.in_demo && policy::decide(&c.roles, policy::Permission::ViewActions).is_allowed() {
            Expect::Allow
        } else {
            Expect::DenyForeign
        }
    })
}

/// Case reviews: besides `ViewCaseReviews`, anyone but an administrator must be a current member of
/// the case review panel; others are refused the dashboard (403) and told records do not exist (404).
fn case_review_expect(spec: &RouteSpec, c: &Caller) -> Option<Expect> {
    let case_route = [
        "/case-reviews",
        "/case-review-themes",
        "/practice-reviews",
        "/review-findings",
        "/review-recommendations",
    ]
    .iter()
    .any(|p| spec.path.starts_with(p) || spec.path.starts_with(&format!("/api/v1{p}")));
    (c.kind == Kind::Full
        && c.in_demo
        && case_route
        && !c.case_review_panel
        && !policy::decide(&c.roles, policy::Permission::ManageCaseReviews).is_allowed()
        && matches!(spec.access, Access::Perm(p) if policy::decide(&c.roles, p).is_allowed()))
    .then_some(Expect::Deny)
}

fn expect(spec: &RouteSpec, c: &Caller) -> Expect {
    if let Some(e) = action_object_expect(spec, c) {
        return e;
    }
    if let Some(e) = case_review_expect(spec, c) {
        return e;
    }
    if let Some(e) = tracker_expect(spec, c) {
        return e;
    }
    let api = spec.is_api();
    match c.kind {
        Kind::Anonymous => match spec.access {
            Access::Public => Expect::Allow,
            _ => Expect::Deny,
        },
        Kind::Pending => match spec.access {
            Access::Public => Expect::Allow,
            Access::AnySession | Access::TotpPending if !api => Expect::Allow,
            _ => Expect::Deny,
        },
        Kind::Full => {
            let foreign = touches_demo_object(spec) && !c.in_demo;
            match spec.access {
                Access::Public => Expect::Allow,
                Access::TotpPending => Expect::Home,
                Access::AnySession | Access::Account if foreign => Expect::DenyForeign,
                Access::AnySession | Access::Account => Expect::Allow,
                Access::Perm(p) => match (policy::decide(&c.roles, p).is_allowed(), foreign) {
                    (true, false) => Expect::Allow,
                    (true, true) => Expect::DenyForeign,
                    (false, _) => Expect::Deny,
                },
            }
        }
    }
}

fn fill(path: &str, c: &Caller, fx: &Fixtures) -> String {
    let id = if path.starts_with("/account/sessions/") {
        &c.session_id
    } else if path.starts_with("/account/tokens/") {
        &c.page_token_id
    } else if path.starts_with("/api/v1/tokens/") {
        &c.api_token_id
    } else if path.starts_with("/calendar/bank-holidays/") {
        &fx.calendar_change
    } else if path.contains("/actions/{id}") {
        &fx.action
    } else if path.contains("/activity/{id}") {
        &fx.activity
    } else if path.starts_with("/files/") || path.starts_with("/api/v1/files/") {
        &fx.file
    } else if path.contains("/bodies/{id}") {
        &fx.body
    } else if path.starts_with("/body-members/") {
        &fx.body_member
    } else if path.contains("/meetings/{id}") {
        &fx.meeting
    } else if path.starts_with("/agenda-items/") {
        &fx.agenda_item
    } else if path.starts_with("/api/v1/body-members/") {
        &fx.body_member
    } else if path.starts_with("/api/v1/agenda-items/") {
        &fx.agenda_item
    } else if path.contains("/sign-offs/{id}") {
        &fx.sign_off
    } else if path.contains("/funding/{id}") || path.contains("/funding-years/{id}") {
        &fx.funding_year
    } else if path.contains("/funding-spend/{id}") {
        &fx.funding_spend
    } else if path.contains("/case-reviews/{id}") {
        &fx.case_review
    } else if path.contains("/case-review-themes/{id}") {
        &fx.theme
    } else if path.contains("/practice-reviews/{id}") || path.contains("/shared-reviews/{id}") {
        &fx.practice_review
    } else if path.contains("/review-findings/{id}") {
        &fx.finding
    } else if path.contains("/review-recommendations/{id}") {
        &fx.recommendation
    } else if path.contains("/recommendation-sources/{id}")
        || path.contains("/recommendation-progress/{id}")
    {
        &fx.tracker_source
    } else if path.contains("/tracked-recommendations/{id}")
        || path.contains("/invited-recommendations/{id}")
    {
        &fx.tracked_recommendation
    } else if path.contains("/performance/indicators/{id}") {
        &fx.perf_indicator
    } else if path.contains("/performance/returns/{id}") {
        &fx.perf_return
    } else if path.contains("/performance/place/figures/{id}") {
        &fx.perf_place_figure
    } else {
        &fx.target
    };
    let filled = path
        .replace("{id}", id)
        .replace("{role}", "practitioner")
        .replace("{link}", &fx.activity_link)
        .replace("{token}", UNKNOWN_INVITATION)
        .replace("{slug}", DEMO)
        .replace("{*path}", "govuk-frontend.min.css");
    assert!(
        !filled.contains('{'),
        "{path}: the matrix has no fixture for this path parameter; add one to `fill`"
    );
    // Required query parameters.
    if path == "/api/v1/calendar/working-days" {
        return format!("{filled}?from=2026-11-26&add=5");
    }
    if path == "/performance/returns/new" {
        return format!(
            "{filled}?organisation_id={}&frequency=month&period_start=2023-03-01",
            fx.perf_agency
        );
    }
    if path == "/performance/returns/template.xlsx" {
        return format!(
            "{filled}?organisation_id={}&frequency=month",
            fx.perf_agency
        );
    }
    filled
}

/// Harmless form fields for a page POST (the CSRF token is added by the caller).
fn form_body(spec: &RouteSpec, fx: &Fixtures) -> Vec<(&'static str, String)> {
    let f = |pairs: &[(&'static str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (*k, (*v).to_owned()))
            .collect::<Vec<_>>()
    };
    match spec.path {
        "/sign-in" => f(&[("email", ""), ("password", "")]),
        "/sign-in/two-factor" | "/account/two-factor" => f(&[("code", "not-a-code")]),
        "/partnership/switch" => f(&[("partnership_id", &fx.demo_partnership)]),
        // The current values: saving them changes nothing.
        "/settings" => f(&[
            ("require_totp", "no"),
            ("session_idle_minutes", "30"),
            ("session_absolute_minutes", "720"),
        ]),
        "/people" => f(&[
            ("name", ""),
            ("email", ""),
            ("organisation_id", ""),
            ("role", ""),
        ]),
        "/people/{id}/roles" => f(&[("role", "board_member")]),
        // Empty: refused with field errors, nothing saved.
        "/calendar/bank-holidays" => f(&[("date", ""), ("name", ""), ("action", "")]),
        "/account/tokens" => f(&[("name", "matrix"), ("days", "")]),
        // Governance: refused with field errors, nothing saved.
        "/body-members/{id}/end" => f(&[("left_on", "not-a-date")]),
        "/meetings/{id}/edit" => f(&[("meeting_date", "not-a-date")]),
        "/agenda-items/{id}/withdraw" => f(&[("reason", "")]),
        // Case review learning: a theme that is not one, so the themes stay as they are.
        "/case-reviews/{id}/learning/themes" | "/practice-reviews/{id}/learning/themes" => {
            f(&[("theme_ids", "not-a-theme")])
        }
        // Case review settings: refused with field errors, nothing saved.
        "/case-reviews/settings" => f(&[
            ("pre_publication_notice_days", ""),
            ("reminder_lead_days", "x"),
            ("version", "0"),
        ]),
        "/account/password" => f(&[
            ("current_password", ""),
            ("new_password", ""),
            ("confirm_password", ""),
        ]),
        _ => Vec::new(),
    }
}

fn json_body(spec: &RouteSpec) -> serde_json::Value {
    match spec.path {
        "/api/v1/people" => json!({"name": "", "email": "", "organisation_id": "", "role": ""}),
        "/api/v1/people/{id}/roles" => json!({"role": "practitioner"}),
        // Governance: refused with field errors, nothing saved (the others need fields `{}` lacks).
        "/api/v1/body-members/{id}/end" => json!({"left_on": "not-a-date"}),
        // Case reviews: refused with field errors, nothing saved.
        "/api/v1/case-reviews/{id}/extensions" => {
            json!({"rule": "", "extended_to": "", "extension_reason": ""})
        }
        "/api/v1/case-reviews/{id}/children" => json!({"age_description": "", "full_name": ""}),
        // Recommendations tracker: well-formed bodies that are refused (422), so that the
        // object-level rule answers before the body is read and nothing changes.
        "/api/v1/tracked-recommendations/{id}/status" => {
            json!({"status": "not-a-status", "version": 1})
        }
        "/api/v1/tracked-recommendations/{id}/verification" => {
            json!({"verdict": "", "version": 1})
        }
        "/api/v1/tracked-recommendations/{id}/evidence" => json!({"label": ""}),
        _ => json!({}),
    }
}

struct Outcome {
    status: u16,
    location: String,
    body: String,
}

async fn call(app: &TestApp, spec: &RouteSpec, c: &Caller, fx: &Fixtures) -> Outcome {
    let url = app.url(&fill(spec.path, c, fx));
    let unsafe_method = !matches!(spec.method, Method::GET | Method::HEAD);
    let req = if spec.is_api() {
        let mut req = match &c.token {
            Some(t) => raw_client()
                .request(spec.method.clone(), url)
                .bearer_auth(t),
            None => c.pages.request(spec.method.clone(), url),
        };
        if spec.method == Method::POST {
            req = req.json(&json_body(spec));
        }
        req
    } else {
        let mut req = c.pages.request(spec.method.clone(), url);
        if unsafe_method {
            let mut fields = vec![("csrf_token", c.csrf.clone())];
            fields.extend(form_body(spec, fx));
            req = req
                .header("Origin", &app.base)
                .header("Sec-Fetch-Site", "same-origin")
                .form(&fields);
        }
        req
    };
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let location = location(&r);
    let body = r.text().await.unwrap_or_default();
    Outcome {
        status,
        location,
        body,
    }
}

/// Intended access that does not answer 2xx or a redirect elsewhere than sign-in, with the reason.
/// A well-formed invitation token that no invitation has.
const UNKNOWN_INVITATION: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const INTENDED_EXCEPTIONS: &[(&str, &str, &str)] = &[(
    "/sign-in",
    "pending-totp",
    "a half-signed-in caller asking for the sign-in page is sent on to the second-factor page",
)];

/// Known application bugs that the matrix tolerates (each has its own failing test), as
/// (route, status, reason). They are printed with the table, never silently.
/// Known application bugs that the matrix tolerates while they are open, each with its own failing
/// test, as (route, status, reason); printed with the table, never silent. (The one it held while
/// being written, /readyz answering 503 on PostgreSQL, is fixed and covered by
/// `ops::readyz_reports_ready_when_the_database_answers`.)
const KNOWN_BUGS: &[(&str, u16, &str)] = &[];

fn is_sign_in_redirect(o: &Outcome) -> bool {
    o.status == 303 && (o.location == "/sign-in" || o.location == "/sign-in/two-factor")
}

/// Signs in `email` in a new client; returns it and its session token.
async fn sign_in_fresh(app: &TestApp, email: &str) -> (reqwest::Client, String) {
    let c = client();
    let r = app.sign_in(&c, email, PASSWORD).await;
    assert_eq!(r.status().as_u16(), 303, "sign-in of {email}");
    let token = set_cookie_value(&r, "sg_session").expect("session cookie");
    (c, token)
}

async fn full_caller(app: &TestApp, label: &str, email: &str, home: &str) -> Caller {
    let (_, spare) = sign_in_fresh(app, email).await;
    let session_id = app.session_id_of(&spare).await.to_string();
    let (pages, _) = sign_in_fresh(app, email).await;
    let home_id = app.partnership_id(home).await;
    app.switch_to(&pages, home).await;
    let csrf = app.csrf(&pages).await;
    let mut token = safeguard_service::tokens::issue_for_email(&app.svc, email, 30)
        .await
        .expect("token");
    if app.token_info(&token).await.1 != home_id {
        // issue_for_email uses the person's first partnership by name; make one in `home` instead.
        token = app.create_token_via_page(&pages, "matrix", "").await;
    }
    assert_eq!(app.token_info(&token).await.1, home_id);
    let mut spare_ids = Vec::new();
    for _ in 0..2 {
        let t = safeguard_service::tokens::issue_for_email(&app.svc, email, 30)
            .await
            .expect("token");
        spare_ids.push(app.token_info(&t).await.0.to_string());
    }
    let person = app.person_id(email).await;
    let case_review_panel = {
        let mut pc = app.db.acquire().await.expect("acquire");
        safeguard_store::case_reviews::is_panel_member(
            &mut pc.conn(),
            home_id,
            person,
            safeguard_domain::actions::uk_date(app.svc.now()),
        )
        .await
        .expect("panel membership")
    };
    Caller {
        case_review_panel,
        label: label.to_owned(),
        kind: Kind::Full,
        pages,
        csrf,
        token: Some(token),
        roles: app.roles_of(home_id, person).await,
        in_demo: home == DEMO,
        session_id,
        page_token_id: spare_ids[0].clone(),
        api_token_id: spare_ids[1].clone(),
    }
}

async fn setup(app: &TestApp) -> (Vec<Caller>, Fixtures) {
    let svc = &app.svc;
    let add = |email: &'static str,
               name: &'static str,
               org: &'static str,
               slug: &'static str,
               role: &'static str| async move {
        safeguard_service::people::add_from_cli(svc, email, name, org, slug, role, PASSWORD)
            .await
            .expect("add person")
    };
    // The target: a practitioner and sub-group member of the demo partnership, never a caller.
    add(
        TARGET,
        "Terry Target",
        "Telford & Wrekin Council",
        DEMO,
        "practitioner",
    )
    .await;
    add(
        TARGET,
        "Terry Target",
        "Telford & Wrekin Council",
        DEMO,
        "sub_group_member",
    )
    .await;
    add(
        OTHER_ADMIN,
        "Other Person",
        "Shropshire Council",
        "shropshire",
        "partnership_administrator",
    )
    .await;
    add(
        PENDING,
        "Pat Pending",
        "Telford & Wrekin Council",
        DEMO,
        "partnership_administrator",
    )
    .await;
    let calendar_change = {
        let mut pc = app.db.acquire().await.expect("acquire");
        safeguard_store::calendar::insert(
            &mut pc.conn(),
            &safeguard_store::calendar::NewChange {
                date: chrono::NaiveDate::from_ymd_opt(2030, 3, 6).expect("date"),
                action: "add",
                name: "Matrix fixture",
                source: "administrator",
                created_by: None,
            },
            app.svc.now(),
        )
        .await
        .expect("calendar change")
        .bank_holiday_change_id
        .to_string()
    };
    let file = {
        let admin = app.person("admin@safeguard.example").await.expect("admin");
        let actor = safeguard_service::Actor {
            person_id: admin.id(),
            organisation_id: safeguard_domain::OrganisationId(admin.organisation_id),
            partnership_id: app.partnership_id(DEMO).await,
            roles: vec![Role::PartnershipAdministrator],
            session_id: None,
            meta: safeguard_service::RequestMeta::default(),
        };
        let input = safeguard_service::files::UploadInput {
            name: "matrix.pdf",
            bytes: b"%PDF-1.4\n%%EOF\n",
            description: None,
            board_only: false,
            attached_to: None,
        };
        safeguard_service::files::upload(&app.svc, &actor, input)
            .await
            .expect("fixture file")
            .file_id
            .to_string()
    };
    let action = {
        let mut pc = app.db.acquire().await.expect("acquire");
        let filter = safeguard_store::actions::ActionFilter {
            text: Some("threshold document".into()),
            ..Default::default()
        };
        let (rows, _) = safeguard_store::actions::list(
            &mut pc.conn(),
            app.partnership_id(DEMO).await,
            &filter,
            safeguard_domain::actions::uk_date(app.svc.now()),
            1,
            0,
        )
        .await
        .expect("demo action");
        rows[0].action_id.to_string()
    };
    let (body, body_member, meeting, agenda_item) = {
        let p = app.partnership_id(DEMO).await;
        let mut pc = app.db.acquire().await.expect("acquire");
        let bodies = safeguard_store::governance::list_bodies(&mut pc.conn(), p)
            .await
            .expect("bodies");
        let board = bodies[0].body_id;
        let member = safeguard_store::governance::list_members(&mut pc.conn(), p, board)
            .await
            .expect("members")[0]
            .body_member_id;
        let from = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("date");
        let to = chrono::NaiveDate::from_ymd_opt(2100, 1, 1).expect("date");
        let meeting =
            safeguard_store::governance::list_meetings(&mut pc.conn(), p, board, from, to)
                .await
                .expect("meetings")[0]
                .meeting_id;
        let item = safeguard_store::governance::list_agenda(&mut pc.conn(), p, meeting)
            .await
            .expect("agenda")[0]
            .agenda_item_id;
        (
            board.to_string(),
            member.to_string(),
            meeting.to_string(),
            item.to_string(),
        )
    };
    let (sign_off, funding_year, funding_spend) = {
        let mut pc = app.db.acquire().await.expect("acquire");
        let demo = app.partnership_id(DEMO).await;
        let items = safeguard_store::signoffs::list(&mut pc.conn(), demo)
            .await
            .expect("demo sign-offs");
        let item = items
            .iter()
            .find(|s| s.kind == "threshold_document")
            .expect("demo threshold document");
        let years = safeguard_store::funding::list_years(&mut pc.conn(), demo)
            .await
            .expect("demo funding years");
        let spend = safeguard_store::funding::spend(&mut pc.conn(), demo, years[0].id())
            .await
            .expect("demo spend lines");
        (
            item.sign_off_id.to_string(),
            years[0].funding_year_id.to_string(),
            spend[0].funding_spend_id.to_string(),
        )
    };
    let (activity, activity_link) = {
        let admin = app.person("admin@safeguard.example").await.expect("admin");
        let actor = safeguard_service::Actor {
            person_id: admin.id(),
            organisation_id: safeguard_domain::OrganisationId(admin.organisation_id),
            partnership_id: app.partnership_id(DEMO).await,
            roles: vec![Role::PartnershipAdministrator],
            session_id: None,
            meta: safeguard_service::RequestMeta::default(),
        };
        let year = safeguard_service::activity::year(&app.svc, &actor, 2022, &Default::default())
            .await
            .expect("demo activity");
        let entry = year.months[0].entries[0].entry.activity_entry_id;
        let link = safeguard_service::activity::add_link(
            &app.svc,
            &actor,
            entry,
            &safeguard_domain::activity::LinkInput {
                target_type: "url".into(),
                url: "https://www.gov.uk/".into(),
                ..Default::default()
            },
        )
        .await
        .expect("fixture link");
        (entry.to_string(), link.to_string())
    };
    let case_review = {
        let mut pc = app.db.acquire().await.expect("acquire");
        safeguard_store::case_reviews::list_notifications(
            &mut pc.conn(),
            app.partnership_id(DEMO).await,
            true,
            10,
        )
        .await
        .expect("demo notifications")
        .first()
        .expect("an open demo notification")
        .notification_id
        .to_string()
    };
    let (theme, practice_review, finding, recommendation) = {
        let admin = app.person("admin@safeguard.example").await.expect("admin");
        let actor = safeguard_service::Actor {
            person_id: admin.id(),
            organisation_id: safeguard_domain::OrganisationId(admin.organisation_id),
            partnership_id: app.partnership_id(DEMO).await,
            roles: vec![Role::PartnershipAdministrator],
            session_id: None,
            meta: safeguard_service::RequestMeta::default(),
        };
        let theme = safeguard_service::review_learning::themes(&app.svc, &actor)
            .await
            .expect("demo themes")
            .into_iter()
            .find(|t| t.name == "Safe sleep")
            .expect("a demo theme")
            .theme_id;
        let review = {
            let mut pc = app.db.acquire().await.expect("acquire");
            safeguard_store::practice_reviews::find_by_reference(
                &mut pc.conn(),
                app.partnership_id(DEMO).await,
                "CSPR 2021-03",
            )
            .await
            .expect("demo practice review")
            .expect("CSPR 2021-03")
            .review_id
        };
        let kind = safeguard_domain::review_learning::SubjectType::PracticeReview;
        let finding = safeguard_service::review_learning::add_finding(
            &app.svc,
            &actor,
            kind,
            review,
            &safeguard_domain::review_learning::FindingInput {
                title: "Matrix finding".into(),
                body: "A finding.".into(),
                ..Default::default()
            },
        )
        .await
        .expect("fixture finding");
        let recommendation = safeguard_service::review_learning::add_recommendation(
            &app.svc,
            &actor,
            kind,
            review,
            &safeguard_domain::review_learning::RecommendationInput {
                title: "Matrix recommendation".into(),
                body: "A recommendation.".into(),
                finding_id: finding.to_string(),
                addressees: vec![admin.organisation_id.to_string()],
                ..Default::default()
            },
        )
        .await
        .expect("fixture recommendation");
        (
            theme.to_string(),
            review.to_string(),
            finding.to_string(),
            recommendation.to_string(),
        )
    };
    let (perf_indicator, perf_return, perf_agency) = {
        let mut pc = app.db.acquire().await.expect("acquire");
        let p = app.partnership_id(DEMO).await;
        let ind = safeguard_store::performance::list_indicators(&mut pc.conn(), p)
            .await
            .expect("demo indicators");
        let ret = safeguard_store::performance::list_returns(&mut pc.conn(), p)
            .await
            .expect("demo returns");
        (
            ind[0].indicator_id.to_string(),
            ret[0].return_id.to_string(),
            ind[0].organisation_id.to_string(),
        )
    };
    let perf_place_figure = {
        let mut pc = app.db.acquire().await.expect("acquire");
        let p = app.partnership_id(DEMO).await;
        safeguard_store::performance::place_figures(&mut pc.conn(), p)
            .await
            .expect("demo place figures")[0]
            .place_figure_id
            .to_string()
    };
    let (tracker_source, tracked_recommendation) = {
        let admin = app.person("admin@safeguard.example").await.expect("admin");
        let actor = safeguard_service::Actor {
            person_id: admin.id(),
            organisation_id: safeguard_domain::OrganisationId(admin.organisation_id),
            partnership_id: app.partnership_id(DEMO).await,
            roles: vec![Role::PartnershipAdministrator],
            session_id: None,
            meta: safeguard_service::RequestMeta::default(),
        };
        let source = safeguard_service::recommendations::sources(&app.svc, &actor)
            .await
            .expect("demo sources")
            .first()
            .expect("the demo inquiry")
            .source_id;
        let v = safeguard_service::recommendations::source(&app.svc, &actor, source)
            .await
            .expect("the demo inquiry");
        let first = v.recommendations.first().expect("recommendation 1");
        assert_eq!(first.row.lead_person_id, Some(admin.id().0));
        // The public progress page of the demo inquiry is published, so anonymous callers reach it.
        safeguard_service::recommendations::set_public_progress(
            &app.svc,
            &actor,
            source,
            &safeguard_service::recommendations::PublishInput {
                publish: "yes".into(),
                version: v.source.version.to_string(),
            },
        )
        .await
        .expect("publish the demo inquiry's progress");
        (source.to_string(), first.row.recommendation_id.to_string())
    };
    let fx = Fixtures {
        tracker_source,
        tracked_recommendation,
        perf_indicator,
        perf_return,
        perf_agency,
        perf_place_figure,
        theme,
        practice_review,
        finding,
        recommendation,
        case_review,
        body,
        body_member,
        meeting,
        agenda_item,
        sign_off,
        funding_year,
        funding_spend,
        activity,
        activity_link,
        action,
        target: app.person_id(TARGET).await.to_string(),
        demo_partnership: app.partnership_id(DEMO).await.to_string(),
        calendar_change,
        file,
    };

    let mut callers = Vec::new();
    for (email, _, _, role) in safeguard_service::demo::PEOPLE {
        callers.push(full_caller(app, role.slug(), email, DEMO).await);
        assert_eq!(callers.last().map(|c| c.roles.clone()), Some(vec![*role]));
    }
    callers.push(full_caller(app, "other-partnership-admin", OTHER_ADMIN, "shropshire").await);
    assert!(
        app.roles_of(
            app.partnership_id(DEMO).await,
            app.person_id(OTHER_ADMIN).await
        )
        .await
        .is_empty()
    );

    // Anonymous and half-signed-in callers aim at the administrator's spare session and tokens.
    let (session_id, page_token_id, api_token_id) = {
        let admin = &callers[0];
        (
            admin.session_id.clone(),
            admin.page_token_id.clone(),
            admin.api_token_id.clone(),
        )
    };
    let anon = client();
    let (_, page) = app.get_text(&anon, "/sign-in").await;
    callers.insert(
        0,
        Caller {
            label: "anonymous".into(),
            kind: Kind::Anonymous,
            pages: anon,
            csrf: csrf_of(&page),
            token: None,
            roles: Vec::new(),
            in_demo: false,
            session_id: session_id.clone(),
            page_token_id: page_token_id.clone(),
            api_token_id: api_token_id.clone(),
            case_review_panel: false,
        },
    );
    let enrolled = app.signed_in(PENDING).await;
    app.enrol_totp(&enrolled).await;
    let pending = client();
    let r = app.sign_in(&pending, PENDING, PASSWORD).await;
    assert_eq!(location(&r), "/sign-in/two-factor");
    let (_, page) = app.get_text(&pending, "/sign-in/two-factor").await;
    callers.push(Caller {
        label: "pending-totp".into(),
        kind: Kind::Pending,
        pages: pending,
        csrf: csrf_of(&page),
        token: None,
        roles: vec![Role::PartnershipAdministrator],
        in_demo: true,
        session_id,
        page_token_id,
        api_token_id,
        case_review_panel: false,
    });
    (callers, fx)
}

/// Routes in the order the matrix runs them: safe methods, then the rest, signing out last.
fn ordered_routes() -> Vec<&'static RouteSpec> {
    let rank = |s: &RouteSpec| match s.method {
        Method::GET | Method::HEAD => 0,
        _ if s.path == "/sign-out" => 2,
        _ => 1,
    };
    let mut routes: Vec<&RouteSpec> = manifest().iter().collect();
    routes.sort_by_key(|s| rank(s)); // stable: manifest order within each group
    routes
}

safeguard_testkit::both_backends!(route_role_partnership_matrix, |backend| async move {
    let app = spawn_app(backend).await;
    let (callers, fx) = setup(&app).await;
    let routes = ordered_routes();
    let mut table = String::new();
    let mut violations = Vec::new();
    let mut known = std::collections::BTreeSet::new();
    let (mut allowed, mut denied, mut unauthorised_ok) = (0, 0, 0);
    let exceptions: HashSet<(&str, &str)> = INTENDED_EXCEPTIONS
        .iter()
        .map(|(p, c, _)| (*p, *c))
        .collect();
    for spec in &routes {
        for c in &callers {
            let e = expect(spec, c);
            let o = call(&app, spec, c, &fx).await;
            let _ = writeln!(
                table,
                "{:<7}{:<40}{:<28}{:>4} {:<10}{}",
                spec.method.as_str(),
                spec.path,
                c.label,
                o.status,
                format!("{e:?}"),
                o.location
            );
            let what = format!("{} {} as {}", spec.method, spec.path, c.label);
            if let Some((_, _, why)) = KNOWN_BUGS
                .iter()
                .find(|(p, s, _)| *p == spec.path && *s == o.status)
            {
                known.insert(format!(
                    "{} {} -> {}: KNOWN BUG: {why}",
                    spec.method, spec.path, o.status
                ));
                continue;
            }
            if o.status >= 500 {
                violations.push(format!("{what}: server error {}", o.status));
            }
            match e {
                Expect::Deny | Expect::DenyForeign => {
                    denied += 1;
                    let refused = matches!(o.status, 401 | 403 | 404) || is_sign_in_redirect(&o);
                    if !refused {
                        unauthorised_ok += 1;
                        violations.push(format!(
                            "UNAUTHORISED {what}: {} {} (expected 401/403/404 or a redirect to sign in)",
                            o.status, o.location
                        ));
                    } else if e == Expect::DenyForeign && o.status != 404 {
                        violations.push(format!(
                            "{what}: another partnership's object answered {} (expected 404, as if missing)",
                            o.status
                        ));
                    }
                    // The shape of the refusal.
                    if c.kind == Kind::Anonymous && spec.is_api() && o.status != 401 {
                        violations
                            .push(format!("{what}: anonymous API call answered {}", o.status));
                    }
                    if c.kind == Kind::Anonymous && !spec.is_api() && o.location != "/sign-in" {
                        violations.push(format!(
                            "{what}: anonymous page answered {} {}",
                            o.status, o.location
                        ));
                    }
                }
                Expect::Home => {
                    if !(o.status == 303 && o.location == "/") {
                        violations.push(format!(
                            "{what}: expected a redirect home, got {} {}",
                            o.status, o.location
                        ));
                    }
                }
                Expect::Allow => {
                    allowed += 1;
                    // An unknown invitation link answers 410 Gone by design (the page says so).
                    let works = (200..300).contains(&o.status)
                        || (o.status == 303 && !o.location.starts_with("/sign-in"))
                        || (spec.path == "/invitations/{token}" && o.status == 410);
                    let get = spec.method == Method::GET;
                    if get && !works && !exceptions.contains(&(spec.path, c.label.as_str())) {
                        violations.push(format!(
                            "{what}: intended access failed: {} {}",
                            o.status, o.location
                        ));
                    }
                }
            }
            // Nothing of the demo partnership leaks to the other partnership's administrator, and
            // no personal data to anonymous callers.
            if (200..300).contains(&o.status) {
                let leaks: &[&str] = match (c.kind, c.in_demo) {
                    (Kind::Full, false) => {
                        &["Priya Shah", "admin@safeguard.example", TARGET, &fx.target]
                    }
                    (Kind::Anonymous | Kind::Pending, _) => {
                        &["@safeguard.example", "Priya Shah", "Terry Target"]
                    }
                    _ => &[],
                };
                for leak in leaks {
                    if o.body.contains(leak) {
                        violations.push(format!("{what}: the response shows {leak:?}"));
                    }
                }
            }
        }
    }
    println!(
        "route x role x partnership matrix ({backend:?}): {} routes x {} callers = {} requests",
        routes.len(),
        callers.len(),
        routes.len() * callers.len()
    );
    println!(
        "{:<7}{:<40}{:<28}{:>4} {:<10}location",
        "method", "route", "caller", "code", "expected"
    );
    print!("{table}");
    println!(
        "allowed {allowed}, refused-as-expected {}, unauthorised 2xx/3xx {unauthorised_ok}, violations {}",
        denied - unauthorised_ok,
        violations.len()
    );
    for k in &known {
        println!("{k}");
    }
    assert_eq!(callers.len(), safeguard_service::demo::PEOPLE.len() + 3);
    assert_eq!(routes.len(), manifest().len());
    assert!(denied > 0 && allowed > 0);
    assert_eq!(unauthorised_ok, 0, "unauthorised 2xx/3xx responses");
    assert!(
        violations.is_empty(),
        "{} violations:\n{}",
        violations.len(),
        violations.join("\n")
    );

    // What the matrix did stayed within bounds: the target is still there with a role, nothing was
    // added, and the other partnership's administrator changed nothing in the demo partnership.
    let demo = app.partnership_id(DEMO).await;
    let target_roles = app.roles_of(demo, app.person_id(TARGET).await).await;
    assert!(
        target_roles.contains(&Role::SubGroupMember),
        "{target_roles:?}"
    );
    let other = app.person_id(OTHER_ADMIN).await.0;
    let by_other: Vec<_> = app
        .audit(DEMO, "")
        .await
        .into_iter()
        .filter(|e| e.actor_person_id == Some(other))
        .map(|e| e.action)
        .collect();
    assert!(
        by_other.is_empty(),
        "the other partnership's administrator acted here: {by_other:?}"
    );
    assert_eq!(app.partnership_settings(DEMO).await, (false, 30, 720));
});

safeguard_testkit::both_backends!(every_declared_route_is_served, |backend| async move {
    let app = spawn_app(backend).await;
    let anon = client();
    for spec in manifest() {
        let path = spec
            .path
            .replace("{id}", &uuid::Uuid::new_v4().to_string())
            .replace("{role}", "practitioner")
            .replace("{link}", &uuid::Uuid::new_v4().to_string())
            .replace("{token}", UNKNOWN_INVITATION)
            .replace("{slug}", DEMO)
            .replace("{*path}", "govuk-frontend.min.css");
        let r = anon
            .request(spec.method.clone(), app.url(&path))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        // A public progress page that is not published answers 404 with its own page, which
        // proves the route matched (the fallback's page says nothing of progress).
        if spec.path == "/public/{slug}/recommendation-progress/{id}" {
            assert_eq!(status, 404);
            let body = r.text().await.unwrap();
            assert!(body.contains("There is no published progress page at this address"));
            continue;
        }
        assert!(
            status != 404 && status != 405,
            "{} {} is declared but not served ({status})",
            spec.method,
            spec.path
        );
        // Anything that is not public is answered by the gate, which proves the route matched.
        if !matches!(spec.access, Access::Public) {
            if spec.is_api() {
                assert_eq!(status, 401, "{} {}", spec.method, spec.path);
            } else {
                assert_eq!(location(&r), "/sign-in", "{} {}", spec.method, spec.path);
            }
        }
    }
    // And the fallback really is a 404 for what is not declared.
    assert_eq!(app.get(&anon, "/people/x/y/z").await.status().as_u16(), 404);
});

#[test]
fn the_manifest_has_no_duplicate_routes() {
    let mut seen = HashSet::new();
    for spec in manifest() {
        assert!(
            seen.insert((spec.method.clone(), spec.path)),
            "{} {} is declared twice",
            spec.method,
            spec.path
        );
    }
    assert!(seen.len() >= 40, "{} routes", seen.len());
}

#[test]
fn every_api_route_requires_a_token_or_is_public() {
    for spec in manifest().iter().filter(|s| s.is_api()) {
        assert!(
            matches!(
                spec.access,
                Access::Public | Access::Account | Access::Perm(_)
            ),
            "{} {}: session-stage access makes no sense for the API",
            spec.method,
            spec.path
        );
    }
}
