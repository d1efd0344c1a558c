//! The JSON API: personal tokens, bearer authentication, problem+json errors, validation, the OpenAPI
//! document.

use crate::helpers::*;
use chrono::Duration;
use serde_json::{Value, json};

const ADMIN: &str = "admin@safeguard.example";

fn is_problem(r: &reqwest::Response) -> bool {
    header(r, "content-type").starts_with("application/problem+json")
}

async fn api_post(app: &TestApp, token: &str, path: &str, body: &str) -> reqwest::Response {
    raw_client()
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

safeguard_testkit::both_backends!(
    a_token_made_on_the_account_page_works_until_revoked,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let token = app.create_token_via_page(&c, "Reporting script", "").await;
        assert!(token.starts_with("sgt_") && token.len() > 40, "{token}");
        // Shown once: the list shows only the hint.
        let (_, page) = app.get_text(&c, "/account/tokens").await;
        assert!(!page.contains(&token));
        assert!(page.contains(&token[..10]) && page.contains("Reporting script"));

        let r = app.api_get(&token, "/api/v1/me").await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(header(&r, "content-type").starts_with("application/json"));
        let me: Value = r.json().await.unwrap();
        assert_eq!(me["email"], ADMIN);
        assert_eq!(me["roles"], json!(["partnership_administrator"]));
        assert_eq!(
            me["partnership_id"],
            app.partnership_id("telford-wrekin").await.to_string()
        );
        let r = app.api_get(&token, "/api/v1/people").await;
        assert_eq!(r.status().as_u16(), 200);
        let people: Value = r.json().await.unwrap();
        // The demo's people and the two extra lived-experience consultants of the tracker's demo.
        assert_eq!(people["total"], 11);
        assert!(
            people["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["email"] == "practitioner@safeguard.example")
        );
        let practitioner = app.person_id("practitioner@safeguard.example").await;
        let r = app
            .api_get(&token, &format!("/api/v1/people/{practitioner}"))
            .await;
        assert_eq!(r.status().as_u16(), 200);

        // Revoked through the page: refused at once.
        let tokens: Value = app
            .api_get(&token, "/api/v1/tokens")
            .await
            .json()
            .await
            .unwrap();
        let id = tokens[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(tokens[0]["name"], "Reporting script");
        let r = app
            .post_with_csrf(&c, &format!("/account/tokens/{id}/revoke"), &[])
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let r = app.api_get(&token, "/api/v1/me").await;
        assert_eq!(r.status().as_u16(), 401);
        assert!(is_problem(&r));
        assert_eq!(
            app.audit("telford-wrekin", "api_token.revoke").await.len(),
            1
        );
    }
);

safeguard_testkit::both_backends!(
    no_token_or_a_bad_one_is_401_problem_json,
    |backend| async move {
        let app = spawn_app(backend).await;
        let bad_headers = [
            None,
            Some("Bearer "),
            Some("Bearer sgt_notarealtoken"),
            Some("Basic YWRtaW46cGFzc3dvcmQ="),
            Some("bearer sgt_lowercase_scheme"),
        ];
        for h in bad_headers {
            for path in ["/api/v1/me", "/api/v1/people", "/api/v1/audit"] {
                let mut req = raw_client().get(app.url(path));
                if let Some(h) = h {
                    req = req.header("Authorization", h);
                }
                let r = req.send().await.unwrap();
                assert_eq!(r.status().as_u16(), 401, "{path} with {h:?}");
                assert!(is_problem(&r), "{path}");
                assert_eq!(header(&r, "www-authenticate"), "Bearer", "{path}");
                let p: Value = r.json().await.unwrap();
                assert_eq!(p["status"], 401);
                assert!(p["request_id"].as_str().is_some_and(|s| !s.is_empty()));
            }
        }
    }
);

safeguard_testkit::both_backends!(an_expired_token_is_refused, |backend| async move {
    let app = spawn_app(backend).await;
    let c = app.signed_in(ADMIN).await;
    let token = app.create_token_via_page(&c, "Short-lived", "1").await;
    assert_eq!(
        app.api_get(&token, "/api/v1/me").await.status().as_u16(),
        200
    );
    app.clock.advance(Duration::days(1) - Duration::minutes(1));
    assert_eq!(
        app.api_get(&token, "/api/v1/me").await.status().as_u16(),
        200
    );
    app.clock
        .advance(Duration::minutes(1) + Duration::seconds(1));
    let r = app.api_get(&token, "/api/v1/me").await;
    assert_eq!(r.status().as_u16(), 401);
    assert!(is_problem(&r));
    // Expiry must be 1 to 365 days.
    let c = app.signed_in(ADMIN).await;
    for days in ["0", "366", "soon"] {
        let r = app
            .post_with_csrf(&c, "/account/tokens", &[("name", "x"), ("days", days)])
            .await;
        assert_eq!(r.status().as_u16(), 422, "{days}");
        let page = r.text().await.unwrap();
        assert!(error_summary_links_to(&page, "days"));
        assert!(token_shown_in(&page).is_none());
    }
});

safeguard_testkit::both_backends!(
    creating_a_person_through_the_api_is_validated,
    |backend| async move {
        let app = spawn_app(backend).await;
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 5)
            .await
            .unwrap();
        let police = app.organisation_id("West Mercia Police").await.to_string();
        let audit_before = app.audit("telford-wrekin", "person.").await.len();

        let r = api_post(
            &app,
            &token,
            "/api/v1/people",
            &json!({"name": " ", "email": "nope", "organisation_id": "x", "role": "superuser"})
                .to_string(),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(is_problem(&r));
        let p: Value = r.json().await.unwrap();
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["name", "email", "organisation_id", "role"]);
        assert!(
            p["errors"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["message"].as_str().is_some_and(|m| !m.is_empty()))
        );

        // Unknown fields, missing fields, malformed JSON, wrong content type: 400.
        let unknown = json!({"name": "Alan Turing", "email": "alan@safeguard.example",
            "organisation_id": police, "role": "practitioner", "is_admin": true});
        for body in [
            unknown.to_string(),
            json!({"name": "Alan Turing"}).to_string(),
            "{not json".to_owned(),
        ] {
            let r = api_post(&app, &token, "/api/v1/people", &body).await;
            assert_eq!(r.status().as_u16(), 400, "{body}");
            assert!(is_problem(&r));
        }
        let r = raw_client()
            .post(app.url("/api/v1/people"))
            .bearer_auth(&token)
            .form(&[("name", "Alan Turing")])
            .send()
            .await
            .unwrap();
        assert!(matches!(r.status().as_u16(), 400 | 415), "{}", r.status());
        assert!(app.person("alan@safeguard.example").await.is_none());
        assert_eq!(
            app.audit("telford-wrekin", "person.").await.len(),
            audit_before
        );

        // The same body without the unknown field is accepted.
        let ok = json!({"name": "Alan Turing", "email": "alan@safeguard.example",
            "organisation_id": police, "role": "practitioner"});
        let r = api_post(&app, &token, "/api/v1/people", &ok.to_string()).await;
        assert_eq!(r.status().as_u16(), 201);
        let created: Value = r.json().await.unwrap();
        assert_eq!(created["email"], "alan@safeguard.example");
        assert_eq!(created["roles"], json!(["practitioner"]));
        assert_eq!(app.outbox_to("alan@safeguard.example").await.len(), 1);
    }
);

safeguard_testkit::both_backends!(
    a_practitioners_token_cannot_list_people,
    |backend| async move {
        let app = spawn_app(backend).await;
        let token = safeguard_service::tokens::issue_for_email(
            &app.svc,
            "practitioner@safeguard.example",
            5,
        )
        .await
        .unwrap();
        assert_eq!(
            app.api_get(&token, "/api/v1/me").await.status().as_u16(),
            200
        );
        assert_eq!(
            app.api_get(&token, "/api/v1/organisations")
                .await
                .status()
                .as_u16(),
            200
        );
        for path in ["/api/v1/people", "/api/v1/audit"] {
            let r = app.api_get(&token, path).await;
            assert_eq!(r.status().as_u16(), 403, "{path}");
            assert!(is_problem(&r));
        }
        let police = app.organisation_id("West Mercia Police").await.to_string();
        let body = json!({"name": "Alan Turing", "email": "alan@safeguard.example",
            "organisation_id": police, "role": "partnership_administrator"});
        let r = api_post(&app, &token, "/api/v1/people", &body.to_string()).await;
        assert_eq!(r.status().as_u16(), 403);
        assert!(app.person("alan@safeguard.example").await.is_none());
    }
);

safeguard_testkit::both_backends!(
    session_cookies_are_not_accepted_on_the_api,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        assert_eq!(app.get_text(&c, "/").await.0, 200);
        for path in ["/api/v1/me", "/api/v1/people", "/api/v1/tokens"] {
            let r = app.get(&c, path).await;
            assert_eq!(r.status().as_u16(), 401, "{path} with only a cookie");
            assert!(is_problem(&r));
        }
        // Nor can an API token stand in for a session on the pages.
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 5)
            .await
            .unwrap();
        let r = raw_client()
            .get(app.url("/people"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), "/sign-in");
    }
);

safeguard_testkit::both_backends!(
    the_openapi_document_lists_every_api_route,
    |backend| async move {
        let app = spawn_app(backend).await;
        let r = raw_client()
            .get(app.url("/api/openapi.json"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert!(header(&r, "content-type").starts_with("application/json"));
        let doc: Value = r.json().await.expect("valid JSON");
        assert!(
            doc["openapi"]
                .as_str()
                .is_some_and(|v| v.starts_with("3.1")),
            "{}",
            doc["openapi"]
        );
        let paths = doc["paths"].as_object().expect("paths");
        let mut declared = Vec::new();
        for spec in safeguard_web::manifest() {
            if !spec.path.starts_with("/api/v1/") {
                continue;
            }
            let method = spec.method.as_str().to_lowercase();
            assert!(
                paths.get(spec.path).and_then(|p| p.get(&method)).is_some(),
                "{} {} is not in the OpenAPI document",
                spec.method,
                spec.path
            );
            declared.push((method, spec.path.to_owned()));
        }
        // And nothing is documented that the server does not serve.
        for (path, item) in paths {
            for method in item.as_object().unwrap().keys() {
                assert!(
                    declared.contains(&(method.clone(), path.clone())),
                    "documented but not routed: {method} {path}"
                );
            }
        }
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    }
);
