//! Cross-cutting protections: CSRF, security headers, the body limit, methods, and error pages that
//! reveal nothing internal.

use crate::helpers::*;

const ADMIN: &str = "admin@safeguard.example";

/// A forged request: what it is, its CSRF token, its extra headers.
type Forgery<'a> = (&'a str, Option<&'a str>, Vec<(&'a str, &'a str)>);

/// A settings change that would be visible if it went through.
const CHANGE: [(&str, &str); 3] = [
    ("require_totp", "yes"),
    ("session_idle_minutes", "10"),
    ("session_absolute_minutes", "60"),
];

async fn post_settings(
    app: &TestApp,
    c: &reqwest::Client,
    csrf: Option<&str>,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut fields: Vec<(&str, &str)> = CHANGE.to_vec();
    if let Some(t) = csrf {
        fields.push(("csrf_token", t));
    }
    let mut req = c.post(app.url("/settings")).form(&fields);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

safeguard_testkit::both_backends!(
    forged_form_posts_are_refused_and_change_nothing,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let csrf = app.csrf(&c).await;
        let wrong = "0".repeat(64);
        let same = [
            ("Origin", app.base.as_str()),
            ("Sec-Fetch-Site", "same-origin"),
        ];
        let cases: Vec<Forgery> = vec![
            ("no csrf_token", None, same.to_vec()),
            ("empty csrf_token", Some(""), same.to_vec()),
            ("wrong csrf_token", Some(&wrong), same.to_vec()),
            (
                "right token, Sec-Fetch-Site: cross-site",
                Some(&csrf),
                vec![("Sec-Fetch-Site", "cross-site")],
            ),
            (
                "right token, Sec-Fetch-Site: same-site",
                Some(&csrf),
                vec![("Sec-Fetch-Site", "same-site")],
            ),
            (
                "right token, foreign Origin",
                Some(&csrf),
                vec![("Origin", "https://evil.example")],
            ),
            (
                "right token, Origin: null",
                Some(&csrf),
                vec![("Origin", "null")],
            ),
            (
                "right token, Sec-Fetch-Site: cross-site with a matching Origin",
                Some(&csrf),
                vec![
                    ("Sec-Fetch-Site", "cross-site"),
                    ("Origin", app.base.as_str()),
                ],
            ),
        ];
        for (case, token, headers) in cases {
            let r = post_settings(&app, &c, token, &headers).await;
            assert_eq!(r.status().as_u16(), 403, "{case}");
            let body = r.text().await.unwrap();
            assert!(body.contains("govuk-template"), "{case}: an error page");
        }
        assert_eq!(
            app.partnership_settings("telford-wrekin").await,
            (false, 30, 720)
        );
        assert!(app.audit("telford-wrekin", "partnership.").await.is_empty());
        // Another person's token does not work either.
        let other = app.signed_in("board@safeguard.example").await;
        let other_csrf = app.csrf(&other).await;
        assert_ne!(other_csrf, csrf);
        let r = post_settings(&app, &c, Some(&other_csrf), &same).await;
        assert_eq!(r.status().as_u16(), 403, "another session's token");
        assert_eq!(
            app.partnership_settings("telford-wrekin").await,
            (false, 30, 720)
        );

        // A request without Origin or Sec-Fetch-Site (an older browser) still needs the token.
        let r = post_settings(&app, &c, Some(&wrong), &[]).await;
        assert_eq!(r.status().as_u16(), 403);
        assert_eq!(
            app.partnership_settings("telford-wrekin").await,
            (false, 30, 720)
        );

        // The control: the same request, same-origin with the right token, goes through.
        let r = post_settings(&app, &c, Some(&csrf), &same).await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), "/settings?notice=settings-saved");
        assert_eq!(
            app.partnership_settings("telford-wrekin").await,
            (true, 10, 60)
        );
        assert_eq!(
            app.audit("telford-wrekin", "partnership.update_settings")
                .await
                .len(),
            1
        );
    }
);

safeguard_testkit::both_backends!(
    anonymous_sign_in_needs_the_csrf_cookie,
    |backend| async move {
        let app = spawn_app(backend).await;
        let fields = |csrf: &str| {
            vec![
                ("csrf_token".to_owned(), csrf.to_owned()),
                ("email".to_owned(), ADMIN.to_owned()),
                ("password".to_owned(), PASSWORD.to_owned()),
            ]
        };
        // No cookie at all (a forged cross-site login form).
        let token = "a".repeat(64);
        let c = client();
        let r = app
            .post_form(
                &c,
                "/sign-in",
                &[
                    ("csrf_token", &token),
                    ("email", ADMIN),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403);
        assert!(set_cookie_line(&r, "sg_session").is_none());
        // A cookie, but a token that does not match it.
        let (_, page) = app.get_text(&c, "/sign-in").await;
        let csrf = csrf_of(&page);
        let r = c
            .post(app.url("/sign-in"))
            .header("Sec-Fetch-Site", "same-origin")
            .form(&fields(&token))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403);
        assert!(set_cookie_line(&r, "sg_session").is_none());
        // The right token from a cross-site form.
        let r = c
            .post(app.url("/sign-in"))
            .header("Sec-Fetch-Site", "cross-site")
            .form(&fields(&csrf))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403);
        // The control.
        let r = app
            .post_form(
                &c,
                "/sign-in",
                &[
                    ("csrf_token", &csrf),
                    ("email", ADMIN),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert!(set_cookie_line(&r, "sg_session").is_some());
    }
);

fn assert_security_headers(r: &reqwest::Response, what: &str) {
    let csp = header(r, "content-security-policy");
    assert!(csp.contains("script-src 'self'"), "{what}: CSP {csp:?}");
    assert!(!csp.contains("unsafe-inline"), "{what}: CSP {csp:?}");
    assert!(!csp.contains("unsafe-eval"), "{what}: CSP {csp:?}");
    assert!(
        csp.contains("frame-ancestors 'none'"),
        "{what}: CSP {csp:?}"
    );
    assert_eq!(header(r, "x-content-type-options"), "nosniff", "{what}");
    assert!(
        !header(r, "referrer-policy").is_empty(),
        "{what}: Referrer-Policy"
    );
    assert_eq!(header(r, "x-frame-options"), "DENY", "{what}");
    let id = header(r, "x-request-id");
    assert!(
        id.len() >= 8 && id.chars().all(|c| c.is_ascii_alphanumeric()),
        "{what}: x-request-id {id:?}"
    );
}

safeguard_testkit::both_backends!(
    every_kind_of_response_has_the_security_headers,
    |backend| async move {
        let app = spawn_app(backend).await;
        let anon = raw_client();
        let c = app.signed_in(ADMIN).await;
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 5)
            .await
            .unwrap();
        let mut ids = Vec::new();

        let r = app.get(&anon, "/sign-in").await;
        assert_eq!(r.status().as_u16(), 200);
        assert_security_headers(&r, "sign-in page");
        ids.push(header(&r, "x-request-id"));
        for path in ["/", "/people", "/account", "/account/tokens"] {
            let r = app.get(&c, path).await;
            assert_eq!(r.status().as_u16(), 200);
            assert_security_headers(&r, path);
            assert_eq!(header(&r, "cache-control"), "no-store", "{path}");
            ids.push(header(&r, "x-request-id"));
        }
        let r = app.get(&c, "/no-such-page").await;
        assert_eq!(r.status().as_u16(), 404);
        assert_security_headers(&r, "404");
        assert_eq!(header(&r, "cache-control"), "no-store");
        let r = app.get(&anon, "/assets/govuk-frontend.min.css").await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(header(&r, "content-type").starts_with("text/css"));
        assert_security_headers(&r, "asset");
        assert!(
            header(&r, "cache-control").starts_with("public"),
            "assets may be cached"
        );
        let r = app.api_get(&token, "/api/v1/me").await;
        assert_eq!(r.status().as_u16(), 200);
        assert_security_headers(&r, "API 200");
        assert_eq!(header(&r, "cache-control"), "no-store");
        let r = app.get(&anon, "/api/v1/me").await;
        assert_eq!(r.status().as_u16(), 401);
        assert_security_headers(&r, "API 401");
        let r = app.get(&anon, "/people").await;
        assert_eq!(r.status().as_u16(), 303);
        assert_security_headers(&r, "redirect to sign in");
        // Request ids are unique.
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }
);

safeguard_testkit::both_backends!(
    a_body_over_one_mebibyte_is_refused_and_nothing_is_stored,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let csrf = app.csrf(&c).await;
        let police = app.organisation_id("West Mercia Police").await.to_string();
        let big = "x".repeat(1024 * 1024 + 1);
        let r = app
            .post_form(
                &c,
                "/people",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("name", big.as_str()),
                    ("email", "big@safeguard.example"),
                    ("organisation_id", police.as_str()),
                    ("role", "practitioner"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 413);
        assert_security_headers(&r, "413 page");
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 5)
            .await
            .unwrap();
        let body = serde_json::json!({"name": big, "email": "big2@safeguard.example",
            "organisation_id": police, "role": "practitioner"});
        let r = raw_client()
            .post(app.url("/api/v1/people"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 413);
        for email in ["big@safeguard.example", "big2@safeguard.example"] {
            assert!(app.person(email).await.is_none(), "{email}");
            assert!(app.outbox_to(email).await.is_empty(), "{email}");
        }
        assert!(
            app.audit("telford-wrekin", "person.create")
                .await
                .iter()
                .all(|e| e.actor_person_id.is_none()),
            "only the demo loader's entries"
        );
        // A body just under the limit is read (and refused for its content, not its size).
        let name = "y".repeat(1000 * 1000);
        let r = app
            .post_form(
                &c,
                "/people",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("name", name.as_str()),
                    ("email", "big@safeguard.example"),
                    ("organisation_id", police.as_str()),
                    ("role", "practitioner"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
    }
);

safeguard_testkit::both_backends!(
    trace_and_unknown_methods_are_refused,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        for path in ["/", "/people", "/sign-in", "/api/v1/me", "/no-such-page"] {
            let r = c
                .request(reqwest::Method::TRACE, app.url(path))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 405, "TRACE {path}");
            assert_security_headers(&r, "TRACE");
        }
        for (method, path) in [
            (reqwest::Method::DELETE, "/people"),
            (reqwest::Method::PUT, "/settings"),
            (reqwest::Method::PATCH, "/account"),
        ] {
            let r = c
                .request(method.clone(), app.url(path))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 405, "{method} {path}");
        }
    }
);

/// An error page: the GOV.UK frame, the request id shown, nothing internal.
async fn assert_safe_error_page(r: reqwest::Response, status: u16, what: &str) {
    assert_eq!(r.status().as_u16(), status, "{what}");
    let id = header(&r, "x-request-id");
    let body = r.text().await.unwrap();
    assert!(
        body.contains("govuk-template") && body.contains("govuk-heading-l"),
        "{what}: GOV.UK page"
    );
    assert_eq!(
        reference_of(&body).as_deref(),
        Some(id.as_str()),
        "{what}: shows the request id"
    );
    assert_no_internals(&body, what);
}

fn assert_no_internals(body: &str, what: &str) {
    let lower = body.to_lowercase();
    for leak in [
        "sqlx",
        "panicked",
        "backtrace",
        ".rs:",
        "/src/",
        "crates/",
        "sqlite",
        "postgres",
        "pool",
        "no such table",
        "relation ",
        "stack",
        "error:",
        "anyhow",
        "tokio",
        "/home/",
        "/tmp/",
    ] {
        assert!(!lower.contains(leak), "{what}: reveals {leak:?}");
    }
}

safeguard_testkit::both_backends!(
    error_pages_show_the_reference_and_nothing_internal,
    |backend| async move {
        let app = spawn_app(backend).await;
        let practitioner = app.signed_in("practitioner@safeguard.example").await;
        let admin = app.signed_in(ADMIN).await;
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 5)
            .await
            .unwrap();

        let r = app.get(&raw_client(), "/no-such-page").await;
        assert_eq!(header(&r, "content-type"), "text/html; charset=utf-8");
        let body_404 = {
            let id = header(&r, "x-request-id");
            let body = r.text().await.unwrap();
            assert!(body.contains("Page not found"));
            assert!(body.contains(&id));
            body
        };
        assert_no_internals(&body_404, "404");
        assert_safe_error_page(app.get(&practitioner, "/people").await, 403, "403").await;
        assert_safe_error_page(
            app.get(&admin, "/people/not-a-uuid").await,
            404,
            "404 bad id",
        )
        .await;
        assert_safe_error_page(
            app.get(&admin, &format!("/people/{}", uuid::Uuid::new_v4()))
                .await,
            404,
            "404 unknown person",
        )
        .await;
        let r = admin.delete(app.url("/people")).send().await.unwrap();
        assert_safe_error_page(r, 405, "405").await;
        let r = app
            .post_form(&admin, "/settings", &[("csrf_token", "nope")])
            .await;
        assert_safe_error_page(r, 403, "CSRF 403").await;
        let audit = app.get(&admin, "/audit?page=%ZZ").await;
        assert!(matches!(audit.status().as_u16(), 200 | 400));

        // An internal failure: the database goes away.
        app.db.close().await;
        assert_safe_error_page(app.get(&admin, "/people").await, 500, "500 page").await;
        let r = app.api_get(&token, "/api/v1/me").await;
        assert_eq!(r.status().as_u16(), 500);
        assert!(header(&r, "content-type").starts_with("application/problem+json"));
        let id = header(&r, "x-request-id");
        let body = r.text().await.unwrap();
        assert!(body.contains(&id), "API 500 carries the request id");
        assert_no_internals(&body, "API 500");
        assert_eq!(
            app.get(&raw_client(), "/readyz").await.status().as_u16(),
            503
        );
    }
);

safeguard_testkit::both_backends!(an_unknown_path_is_a_gov_uk_404, |backend| async move {
    let app = spawn_app(backend).await;
    let c = app.signed_in(ADMIN).await;
    for path in [
        "/nope",
        "/people/new/extra",
        "/api/v2/people",
        "/assets/none.css",
        "/.env",
        "/../etc/passwd",
    ] {
        let r = app.get(&c, path).await;
        assert_eq!(r.status().as_u16(), 404, "{path}");
        if path.starts_with("/api/") {
            continue;
        }
        let body = r.text().await.unwrap();
        assert!(
            body.contains("govuk-template") && body.contains("Page not found"),
            "{path}"
        );
        assert!(body.contains("<title>Page not found"), "{path}");
    }
});

// KNOWN BUG (this test fails on purpose; the application is not fixed here): a body over the limit
// that declares its size (Content-Length, what browsers and most clients send) is refused by
// tower-http's RequestBodyLimitLayer before the envelope and gate see it, so the answer is a bare
// `text/plain` "length limit exceeded": no GOV.UK error page and no reference for pages, and no
// `application/problem+json` for the API — unlike every other error (the gate's own 413 page,
// "The form was too large", is only reached for bodies without a Content-Length). Nothing is stored
// either way (see `a_body_over_one_mebibyte_is_refused_and_nothing_is_stored`).
safeguard_testkit::both_backends!(
    a_too_large_body_gets_the_usual_error_page_and_problem_json,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let csrf = app.csrf(&c).await;
        let big = "x".repeat(1024 * 1024 + 1);
        let mut failures = Vec::new();
        let r = app
            .post_form(
                &c,
                "/people",
                &[("csrf_token", csrf.as_str()), ("name", big.as_str())],
            )
            .await;
        assert_eq!(r.status().as_u16(), 413);
        let id = header(&r, "x-request-id");
        let ct = header(&r, "content-type");
        let body = r.text().await.unwrap();
        if !body.contains("govuk-template") || reference_of(&body).as_deref() != Some(id.as_str()) {
            failures.push(format!(
                "POST /people (page): 413 {ct:?} {:?}, expected the GOV.UK error page with reference {id}",
                body.chars().take(60).collect::<String>()
            ));
        }
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 5)
            .await
            .unwrap();
        let r = raw_client()
            .post(app.url("/api/v1/people"))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "name": big }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 413);
        let ct = header(&r, "content-type");
        if !ct.starts_with("application/problem+json") {
            failures.push(format!(
                "POST /api/v1/people: 413 with content-type {ct:?}, expected application/problem+json"
            ));
        }
        assert!(
            failures.is_empty(),
            "BUG: 413 responses:\n{}",
            failures.join("\n")
        );
    }
);

// Found by schemathesis on PostgreSQL: a NUL byte in a search reached the database, which refuses
// text containing one, and the list answered 500.
safeguard_testkit::both_backends!(
    a_nul_byte_in_a_query_string_is_a_400_not_a_500,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in("admin@safeguard.example").await;
        for path in ["/people?q=a%00b", "/actions?q=%00", "/audit?action=%00"] {
            let (status, body) = app.get_text(&c, path).await;
            assert_eq!(status, 400, "{path}");
            assert!(
                body.contains("govuk-template"),
                "{path}: the GOV.UK error page"
            );
        }
        let token =
            safeguard_service::tokens::issue_for_email(&app.svc, "admin@safeguard.example", 1)
                .await
                .unwrap();
        for path in [
            "/api/v1/people?q=a%00b",
            "/api/v1/actions?q=%00&overdue=true",
        ] {
            let r = client()
                .get(app.url(path))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 400, "{path}");
            assert_eq!(r.headers()["content-type"], "application/problem+json");
        }
        // An ordinary search still works.
        assert_eq!(app.get_text(&c, "/people?q=priya").await.0, 200);
    }
);

safeguard_testkit::both_backends!(
    a_nul_byte_in_a_form_is_a_400_not_a_500,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = client();
        let (_, page) = app.get_text(&c, "/sign-in").await;
        let r = app
            .post_form(
                &c,
                "/sign-in",
                &[
                    ("csrf_token", &csrf_of(&page)),
                    ("email", "admin\0@safeguard.example"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 400);
        // Nothing reached the database: no sign-in attempt was recorded.
        let mut pc = app.db.acquire().await.unwrap();
        let n = safeguard_store::sign_in_attempts::failures_since(
            &mut pc.conn(),
            "admin\0@safeguard.example",
            app.svc.now() - chrono::Duration::hours(1),
        )
        .await;
        assert!(matches!(n, Ok(0) | Err(_)), "{n:?}");
    }
);
