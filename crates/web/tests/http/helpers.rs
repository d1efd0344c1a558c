//! Test rig for HTTP tests: a real server on port 0 with a fresh database (SQLite or PostgreSQL), the
//! demo data, a fixed clock that tests move, and clients that keep cookies and never follow redirects.

use safeguard_domain::clock::FixedClock;
use safeguard_domain::secret::hash_token;
use safeguard_domain::{ApiTokenId, OrganisationId, PartnershipId, PersonId, SessionId};
use safeguard_service::passwords::{Cost, Passwords};
use safeguard_service::{ServiceConfig, Services};
use safeguard_store::Db;
use safeguard_store::audit_log::{AuditFilter, AuditRow};
use safeguard_store::db::PoolSettings;
use safeguard_store::outbox::Message;
use safeguard_store::people::Person;
pub use safeguard_testkit::TestBackend;
use std::sync::Arc;

/// The demo password used in tests.
pub const PASSWORD: &str = "correct horse battery staple";

/// The demo partnership's full name.
pub const TELFORD: &str = "Telford and Wrekin Safeguarding Children Partnership";
/// The neighbouring partnership's full name.
pub const SHROPSHIRE: &str = "Shropshire Safeguarding Community Partnership";

/// A running app.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The clock the app reads.
    pub clock: FixedClock,
    /// The app's services (for direct checks).
    pub svc: Services,
    /// The database.
    pub db: Db,
}

/// Starts an app on a fresh database of the given backend, with the demo data loaded.
pub async fn spawn_app(backend: TestBackend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// The same, with settings changed by `configure` (the files directory is a fresh temporary one).
pub async fn spawn_app_with(
    backend: TestBackend,
    configure: impl FnOnce(&mut ServiceConfig),
) -> TestApp {
    let url = safeguard_testkit::fresh_database_url(backend).await;
    let db = Db::connect(&url, &PoolSettings::default())
        .await
        .expect("connect");
    db.migrate().await.expect("migrate");
    let clock = FixedClock::new(safeguard_testkit::test_now());
    let svc = Services::new(
        db.clone(),
        Arc::new(clock.clone()),
        Passwords::new(Cost::default(), 4).expect("hasher"),
        {
            let mut config = ServiceConfig {
                files_dir: safeguard_testkit::temp_dir("files"),
                ..ServiceConfig::default()
            };
            configure(&mut config);
            config
        },
    );
    safeguard_service::demo::load(&svc, Some(PASSWORD))
        .await
        .expect("demo");
    let state = safeguard_web::AppState::new(svc.clone(), safeguard_web::WebConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(safeguard_web::serve(
        listener,
        state,
        std::future::pending(),
    ));
    TestApp {
        base: format!("http://{addr}"),
        clock,
        svc,
        db,
    }
}

/// A browser-like client: a cookie jar, no redirects followed.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A client without a cookie jar (for API calls and for replaying a cookie by hand).
pub fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The value of the hidden `csrf_token` input in a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .expect("page has a csrf_token");
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The `Location` header of a response ("" when absent).
pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A response header as text ("" when absent).
pub fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The whole `Set-Cookie` line that sets `name`, if any.
pub fn set_cookie_line(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

/// The value a response sets for cookie `name`, if any.
pub fn set_cookie_value(r: &reqwest::Response, name: &str) -> Option<String> {
    set_cookie_line(r, name).map(|l| {
        l[name.len() + 1..]
            .split(';')
            .next()
            .unwrap_or_default()
            .to_owned()
    })
}

/// The `(value, text)` of each `<option>` of the `<select name="...">` in a page.
pub fn select_options(html: &str, name: &str) -> Vec<(String, String)> {
    let marker = format!("name=\"{name}\"");
    let Some(at) = html
        .match_indices("<select")
        .map(|(i, _)| i)
        .find(|i| html[*i..].split('>').next().unwrap_or("").contains(&marker))
    else {
        return Vec::new();
    };
    let end = html[at..].find("</select>").map_or(html.len(), |e| at + e);
    html[at..end]
        .split("<option")
        .skip(1)
        .map(|o| {
            let value = o
                .split("value=\"")
                .nth(1)
                .and_then(|v| v.split('"').next())
                .unwrap_or_default()
                .to_owned();
            let text = o
                .split_once('>')
                .map(|(_, t)| t.split("</option>").next().unwrap_or_default().trim())
                .unwrap_or_default()
                .to_owned();
            (value, text)
        })
        .collect()
}

/// The text of the first `<span class="sg-reference">` (TOTP keys, request ids on error pages).
pub fn reference_of(html: &str) -> Option<String> {
    let marker = "<span class=\"sg-reference\">";
    let start = html.find(marker)? + marker.len();
    Some(html[start..].split("</span>").next()?.trim().to_owned())
}

/// The caption of the first table in a page ("3 people", "1 entry").
pub fn table_caption(html: &str) -> String {
    html.split("<caption")
        .nth(1)
        .and_then(|s| s.split_once('>'))
        .and_then(|(_, s)| s.split("</caption>").next())
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// True when the page shows a GOV.UK error summary linking to the field with this id.
pub fn error_summary_links_to(html: &str, field: &str) -> bool {
    html.contains("govuk-error-summary") && html.contains(&format!("href=\"#{field}\""))
}

impl TestApp {
    /// `base + path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Posts a form with the same-origin headers a browser sends.
    pub async fn post_form(
        &self,
        c: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        c.post(self.url(path))
            .header("Origin", &self.base)
            .header("Sec-Fetch-Site", "same-origin")
            .form(fields)
            .send()
            .await
            .expect("post")
    }

    /// GETs a path.
    pub async fn get(&self, c: &reqwest::Client, path: &str) -> reqwest::Response {
        c.get(self.url(path)).send().await.expect("get")
    }

    /// GETs a page and returns its body.
    pub async fn get_text(&self, c: &reqwest::Client, path: &str) -> (u16, String) {
        let r = self.get(c, path).await;
        let s = r.status().as_u16();
        (s, r.text().await.unwrap_or_default())
    }

    /// Signs in with email and password (no TOTP); returns the final response of the password step.
    pub async fn sign_in(
        &self,
        c: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let (_, page) = self.get_text(c, "/sign-in").await;
        let csrf = csrf_of(&page);
        self.post_form(
            c,
            "/sign-in",
            &[
                ("csrf_token", &csrf),
                ("email", email),
                ("password", password),
            ],
        )
        .await
    }

    /// A signed-in client for a demo account.
    pub async fn signed_in(&self, email: &str) -> reqwest::Client {
        let c = client();
        let r = self.sign_in(&c, email, PASSWORD).await;
        assert_eq!(
            r.status().as_u16(),
            303,
            "sign-in of {email} should redirect"
        );
        c
    }

    /// A page's CSRF token for a signed-in client.
    pub async fn csrf(&self, c: &reqwest::Client) -> String {
        let (_, page) = self.get_text(c, "/account/password").await;
        csrf_of(&page)
    }

    /// Posts a form with the client's CSRF token added.
    pub async fn post_with_csrf(
        &self,
        c: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let csrf = self.csrf(c).await;
        let mut all = vec![("csrf_token", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form(c, path, &all).await
    }

    /// Signs out through the form.
    pub async fn sign_out(&self, c: &reqwest::Client) -> reqwest::Response {
        self.post_with_csrf(c, "/sign-out", &[]).await
    }

    /// A GET with a bearer token (no cookies).
    pub async fn api_get(&self, token: &str, path: &str) -> reqwest::Response {
        raw_client()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("api get")
    }

    /// The current TOTP code for a secret, at the app's clock.
    pub fn totp_code(&self, secret: &str) -> String {
        safeguard_domain::totp::code_at(secret, self.svc.now()).expect("code")
    }

    /// Turns on TOTP for a fully signed-in client through /account/two-factor; returns the secret.
    pub async fn enrol_totp(&self, c: &reqwest::Client) -> String {
        let (status, page) = self.get_text(c, "/account/two-factor").await;
        assert_eq!(status, 200, "two-factor page");
        let secret: String = page
            .split("Key: ")
            .nth(1)
            .and_then(reference_of)
            .expect("the page shows the key")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(secret.len() >= 32, "a 160-bit base32 key: {secret}");
        let code = self.totp_code(&secret);
        let r = self
            .post_form(
                c,
                "/account/two-factor",
                &[
                    ("csrf_token", &csrf_of(&page)),
                    ("secret", &secret),
                    ("code", &code),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "enrolment accepted");
        assert_eq!(location(&r), "/account?notice=totp-on");
        secret
    }

    /// A person by email, straight from the store.
    pub async fn person(&self, email: &str) -> Option<Person> {
        let mut pc = self.db.acquire().await.expect("acquire");
        safeguard_store::people::find_by_email(&mut pc.conn(), email)
            .await
            .expect("find person")
    }

    /// A person's id by email.
    pub async fn person_id(&self, email: &str) -> PersonId {
        self.person(email)
            .await
            .unwrap_or_else(|| panic!("no person {email}"))
            .id()
    }

    /// A partnership's id by slug.
    pub async fn partnership_id(&self, slug: &str) -> PartnershipId {
        let mut pc = self.db.acquire().await.expect("acquire");
        safeguard_store::partnerships::find_by_slug(&mut pc.conn(), slug)
            .await
            .expect("find partnership")
            .unwrap_or_else(|| panic!("no partnership {slug}"))
            .id()
    }

    /// A partnership's current settings (require_totp, idle, absolute).
    pub async fn partnership_settings(&self, slug: &str) -> (bool, i64, i64) {
        let mut pc = self.db.acquire().await.expect("acquire");
        let p = safeguard_store::partnerships::find_by_slug(&mut pc.conn(), slug)
            .await
            .expect("find partnership")
            .expect("partnership");
        (
            p.require_totp,
            p.session_idle_minutes,
            p.session_absolute_minutes,
        )
    }

    /// An organisation's id by name.
    pub async fn organisation_id(&self, name: &str) -> OrganisationId {
        let mut pc = self.db.acquire().await.expect("acquire");
        let o = safeguard_store::organisations::find_by_name(&mut pc.conn(), name)
            .await
            .expect("find organisation")
            .unwrap_or_else(|| panic!("no organisation {name}"));
        OrganisationId(o.organisation_id)
    }

    /// The roles a person holds in a partnership.
    pub async fn roles_of(
        &self,
        partnership: PartnershipId,
        person: PersonId,
    ) -> Vec<safeguard_domain::policy::Role> {
        let mut pc = self.db.acquire().await.expect("acquire");
        safeguard_store::roles::roles_of(&mut pc.conn(), partnership, person)
            .await
            .expect("roles")
    }

    /// Messages queued to an address.
    pub async fn outbox_to(&self, email: &str) -> Vec<Message> {
        let mut pc = self.db.acquire().await.expect("acquire");
        safeguard_store::outbox::list_to(&mut pc.conn(), email)
            .await
            .expect("outbox")
    }

    /// A partnership's audit entries whose action starts with `prefix`, newest first (filtered
    /// here, independently of the store's own `action_prefix` filter, which has its own test).
    pub async fn audit(&self, slug: &str, prefix: &str) -> Vec<AuditRow> {
        let p = self.partnership_id(slug).await;
        let mut pc = self.db.acquire().await.expect("acquire");
        safeguard_store::audit_log::list_for_partnership(
            &mut pc.conn(),
            p,
            &AuditFilter::default(),
            100_000,
            0,
        )
        .await
        .expect("audit")
        .0
        .into_iter()
        .filter(|e| e.action.starts_with(prefix))
        .collect()
    }

    /// Marks every open clock met. The demo's practice reviews keep clocks open since 2023, which the
    /// daily case review reminders report; tests that count their own emails start from none.
    pub async fn meet_open_deadlines(&self) {
        let mut pc = self.db.acquire().await.expect("acquire");
        let c = &mut pc.conn();
        let sql = "update deadline set met_on = due_on where met_on is null";
        safeguard_store::on_conn!(c, |e| sqlx::query(sql)
            .execute(e)
            .await
            .map(|r| r.rows_affected()))
        .expect("meet open deadlines");
    }

    /// The session behind a cookie token.
    pub async fn session_id_of(&self, token: &str) -> SessionId {
        let mut pc = self.db.acquire().await.expect("acquire");
        let s = safeguard_store::sessions::find_by_token_hash(&mut pc.conn(), &hash_token(token))
            .await
            .expect("find session")
            .expect("session exists");
        SessionId(s.session_id)
    }

    /// The id and partnership of a live API token.
    pub async fn token_info(&self, token: &str) -> (ApiTokenId, PartnershipId) {
        let mut pc = self.db.acquire().await.expect("acquire");
        let t = safeguard_store::tokens::find_live_by_hash(
            &mut pc.conn(),
            &hash_token(token),
            self.svc.now(),
        )
        .await
        .expect("find token")
        .expect("live token");
        (ApiTokenId(t.api_token_id), PartnershipId(t.partnership_id))
    }

    /// Creates an API token through /account/tokens and returns the secret shown once on the page.
    pub async fn create_token_via_page(
        &self,
        c: &reqwest::Client,
        name: &str,
        days: &str,
    ) -> String {
        let r = self
            .post_with_csrf(c, "/account/tokens", &[("name", name), ("days", days)])
            .await;
        assert_eq!(r.status().as_u16(), 200, "token created");
        let page = r.text().await.expect("body");
        token_shown_in(&page).expect("the new token is shown")
    }

    /// Switches a signed-in client's partnership through the form.
    pub async fn switch_to(&self, c: &reqwest::Client, slug: &str) {
        let id = self.partnership_id(slug).await.to_string();
        let r = self
            .post_with_csrf(c, "/partnership/switch", &[("partnership_id", &id)])
            .await;
        assert_eq!(r.status().as_u16(), 303, "switch to {slug}");
    }
}

/// The new token shown (once) on the tokens page.
pub fn token_shown_in(page: &str) -> Option<String> {
    let after = page.split("id=\"new-token\"").nth(1)?;
    let v = after.split("value=\"").nth(1)?.split('"').next()?;
    v.starts_with("sgt_").then(|| v.to_owned())
}
