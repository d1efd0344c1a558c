//! Case reviews, saving without losing anything: notifications and rapid reviews are changed against
//! their version (a stale save answers 409, shows the person's text again with the current version
//! and changes nothing), and an empty or partial submission keeps every saved field, on pages and
//! in the API. And the API for what was pages-only: children (identities write-only, never
//! returned), agency summaries, deadline extensions and the rapid review's sign-off request, with
//! their refusals (422 with nothing saved, 403, 404 across partnerships, 409).

use crate::actions::add_other_partnership_person;
use crate::case_reviews::{create, fields, flat};
use crate::helpers::*;
use serde_json::{Value, json};

const ADMIN: &str = "admin@safeguard.example";
const BOARD: &str = "board@safeguard.example";
const OTHER: &str = "other@shropshire.example";
const DEMO: &str = "telford-wrekin";

async fn token(app: &TestApp, email: &str) -> String {
    safeguard_service::tokens::issue_for_email(&app.svc, email, 30)
        .await
        .unwrap()
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = raw_client()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn stored(
    app: &TestApp,
    id: &str,
) -> (
    safeguard_store::case_reviews::NotificationRow,
    Option<safeguard_store::case_reviews::RapidReviewRow>,
) {
    let p = app.partnership_id(DEMO).await;
    let mut pc = app.db.acquire().await.unwrap();
    let id = id.parse().unwrap();
    let n = safeguard_store::case_reviews::find_notification(&mut pc.conn(), p, id)
        .await
        .unwrap()
        .unwrap();
    let rr = safeguard_store::case_reviews::rapid_review(&mut pc.conn(), p, id)
        .await
        .unwrap();
    (n, rr)
}

fn content<'a>(csrf: &'a str, facts: &'a str, version: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", csrf),
        ("facts", facts),
        ("key_practice_episodes", "First presentation."),
        ("immediate_actions", "Safety plan."),
        ("learning", "Bruising protocol."),
        ("context", "None identified."),
        ("reg11_a", "yes"),
        ("reg11_a_rationale", "Improvements needed."),
        ("reg11_b", ""),
        ("reg11_b_rationale", ""),
        ("reg11_c", ""),
        ("reg11_c_rationale", ""),
        ("reg11_d", ""),
        ("reg11_d_rationale", ""),
        ("panel_meeting_on", "2026-11-20"),
        ("version", version),
    ]
}

safeguard_testkit::both_backends!(
    a_stale_notification_edit_is_refused_and_the_text_kept,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let id = create(&app, &admin, "SIN VER-1", "2026-11-16", "").await;
        // two people open the form at version 1
        let (status, form) = app
            .get_text(&admin, &format!("/case-reviews/{id}/edit"))
            .await;
        assert_eq!(status, 200);
        assert!(form.contains("name=\"version\" value=\"1\""));
        let csrf = csrf_of(&form);
        let mut first = fields(&csrf, "SIN VER-1", "2026-11-16", "2026-11-18");
        first.extend([("version", "1"), ("flags_shown", "yes")]);
        let r = app
            .post_form(&admin, &format!("/case-reviews/{id}/edit"), &first)
            .await;
        assert_eq!(r.status().as_u16(), 303);
        // the second saves from version 1: 409, their text shown again with version 2, nothing saved
        let mut second = fields(&csrf, "SIN VER-1 CHANGED", "2026-11-16", "");
        second.retain(|(k, _)| *k != "summary");
        second.extend([
            ("summary", "A second person's careful summary"),
            ("version", "1"),
            ("flags_shown", "yes"),
            ("resident_elsewhere", "yes"),
        ]);
        let r = app
            .post_form(&admin, &format!("/case-reviews/{id}/edit"), &second)
            .await;
        assert_eq!(r.status().as_u16(), 409);
        let page = r.text().await.unwrap();
        assert!(
            page.contains("A second person&#39;s careful summary"),
            "{page}"
        );
        assert!(page.contains("SIN VER-1 CHANGED"));
        assert!(page.contains("Someone else changed this notification"));
        assert!(error_summary_links_to(&page, "reference"));
        assert!(page.contains("name=\"version\" value=\"2\""));
        let (n, _) = stored(&app, &id).await;
        assert_eq!(
            (n.reference.as_str(), n.version, n.resident_elsewhere),
            ("SIN VER-1", 2, false)
        );
        assert_eq!(
            n.notified_on.map(|d| d.to_string()).as_deref(),
            Some("2026-11-18")
        );
        assert_eq!(
            app.audit(DEMO, "case_review.notification.update")
                .await
                .len(),
            1
        );
        // a form without its version: 422, nothing saved
        let r = app
            .post_form(
                &admin,
                &format!("/case-reviews/{id}/edit"),
                &fields(&csrf, "SIN VER-1", "2026-11-16", ""),
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("The form is out of date"));
        // a partial submission keeps what it leaves out (here the date notified and the summary)
        let r = app
            .post_form(
                &admin,
                &format!("/case-reviews/{id}/edit"),
                &[
                    ("csrf_token", &csrf),
                    ("version", "2"),
                    ("decided_by", "The DCS"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (n, _) = stored(&app, &id).await;
        assert_eq!((n.decided_by.as_str(), n.version), ("The DCS", 3));
        assert!(n.notified_on.is_some());
        assert!(n.summary.starts_with("Child A, a baby"));

        // The API: the version is required and checked; fields left out are kept.
        let t = token(&app, ADMIN).await;
        let (status, v) = send(
            &app,
            reqwest::Method::GET,
            &t,
            &format!("/api/v1/case-reviews/{id}"),
            None,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(v["version"], 3);
        let path = format!("/api/v1/case-reviews/{id}");
        let (status, p) = send(
            &app,
            reqwest::Method::PUT,
            &t,
            &path,
            Some(json!({"version": 2, "summary": "Stale"})),
        )
        .await;
        assert_eq!(status, 409, "{p}");
        let (status, _) = send(
            &app,
            reqwest::Method::PUT,
            &t,
            &path,
            Some(json!({"summary": "No version"})),
        )
        .await;
        assert_eq!(status, 400);
        let (status, v) = send(
            &app,
            reqwest::Method::PUT,
            &t,
            &path,
            Some(json!({"version": 3, "summary": "Changed through the API", "resident_elsewhere": true})),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["version"], 4);
        assert_eq!(v["summary"], "Changed through the API");
        assert_eq!(v["resident_elsewhere"], true);
        assert_eq!(v["decided_by"], "The DCS");
        assert_eq!(v["notified_on"], "2026-11-18");
        // bad input: 422, nothing saved
        let (status, _) = send(
            &app,
            reqwest::Method::PUT,
            &t,
            &path,
            Some(json!({"version": 4, "notified_on": "2026-11-01"})),
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(stored(&app, &id).await.0.version, 4);
    }
);

safeguard_testkit::both_backends!(
    an_empty_or_partial_rapid_review_save_loses_nothing,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let id = create(&app, &admin, "SIN RR-1", "2026-11-16", "2026-11-17").await;
        let (status, form) = app
            .get_text(&admin, &format!("/case-reviews/{id}/rapid-review"))
            .await;
        assert_eq!(status, 200);
        assert!(form.contains("name=\"version\" value=\"0\""));
        let csrf = csrf_of(&form);
        let path = format!("/case-reviews/{id}/rapid-review");
        let r = app
            .post_form(&admin, &path, &content(&csrf, "Saved facts.", "0"))
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, rr) = stored(&app, &id).await;
        let saved = rr.unwrap();
        assert_eq!((saved.facts.as_str(), saved.version), ("Saved facts.", 1));

        // an empty post (the bug of the first slice cleared everything): refused, nothing changes
        let r = app.post_form(&admin, &path, &[("csrf_token", &csrf)]).await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(page.contains("The form is out of date"));
        // the form shown again keeps the saved values
        assert!(page.contains("Bruising protocol."));
        let (_, rr) = stored(&app, &id).await;
        let rr = rr.unwrap();
        assert_eq!(
            (
                rr.facts.as_str(),
                rr.learning.as_str(),
                rr.reg11_a_rationale.as_str(),
                rr.version
            ),
            (
                "Saved facts.",
                "Bruising protocol.",
                "Improvements needed.",
                1
            )
        );
        // a partial post with its version changes only what it gives
        let r = app
            .post_form(
                &admin,
                &path,
                &[
                    ("csrf_token", &csrf),
                    ("version", "1"),
                    ("facts", "Corrected facts."),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let rr = stored(&app, &id).await.1.unwrap();
        assert_eq!(rr.facts, "Corrected facts.");
        assert_eq!(rr.learning, "Bruising protocol.");
        assert_eq!(rr.reg11_a, "yes");
        assert_eq!(rr.reg11_a_rationale, "Improvements needed.");
        assert_eq!(
            rr.panel_meeting_on.map(|d| d.to_string()).as_deref(),
            Some("2026-11-20")
        );
        assert_eq!(rr.version, 2);
        // a stale save (from version 1): 409, the person's text shown again with version 2
        let r = app
            .post_form(
                &admin,
                &path,
                &content(&csrf, "Facts typed against an old page.", "1"),
            )
            .await;
        assert_eq!(r.status().as_u16(), 409);
        let page = r.text().await.unwrap();
        assert!(page.contains("Facts typed against an old page."));
        assert!(page.contains("Someone else changed this rapid review"));
        assert!(page.contains("name=\"version\" value=\"2\""));
        assert_eq!(stored(&app, &id).await.1.unwrap().facts, "Corrected facts.");

        // the decision and the Panel exchange: the same rules on the same version
        let decision = format!("/case-reviews/{id}/decision");
        let r = app
            .post_form(&admin, &decision, &[("csrf_token", &csrf)])
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = app
            .post_form(
                &admin,
                &decision,
                &[
                    ("csrf_token", &csrf),
                    ("decision", "local_cspr"),
                    ("rationale", "Criterion (c) is met."),
                    ("decided_on", "2026-11-20"),
                    ("version", "2"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let r = app
            .post_form(
                &admin,
                &decision,
                &[
                    ("csrf_token", &csrf),
                    ("rationale", "Stale rationale."),
                    ("version", "2"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 409);
        assert!(r.text().await.unwrap().contains("Stale rationale."));
        let panel = format!("/case-reviews/{id}/panel");
        let r = app
            .post_form(
                &admin,
                &panel,
                &[
                    ("csrf_token", &csrf),
                    ("sent_to_panel_on", "2026-11-24"),
                    ("version", "3"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        // an empty post to the Panel form clears nothing
        let r = app
            .post_form(&admin, &panel, &[("csrf_token", &csrf)])
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let rr = stored(&app, &id).await.1.unwrap();
        assert_eq!(
            rr.sent_to_panel_on.map(|d| d.to_string()).as_deref(),
            Some("2026-11-24")
        );
        assert_eq!(rr.decision.as_deref(), Some("local_cspr"));
        assert_eq!(rr.facts, "Corrected facts.");
        assert_eq!(rr.version, 4);

        // The API: the same merge, the same versions.
        let t = token(&app, ADMIN).await;
        let api = format!("/api/v1/case-reviews/{id}/rapid-review");
        let (status, _) = send(
            &app,
            reqwest::Method::PUT,
            &t,
            &api,
            Some(json!({"version": 3, "learning": "Stale"})),
        )
        .await;
        assert_eq!(status, 409);
        let (status, v) = send(
            &app,
            reqwest::Method::PUT,
            &t,
            &api,
            Some(json!({"version": 4, "learning": "Learning from the API."})),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["rapid_review"]["learning"], "Learning from the API.");
        assert_eq!(v["rapid_review"]["facts"], "Corrected facts.");
        assert_eq!(v["rapid_review"]["decision"], "local_cspr");
        assert_eq!(v["rapid_review"]["version"], 5);
        let (status, v) = send(
            &app,
            reqwest::Method::PUT,
            &t,
            &format!("/api/v1/case-reviews/{id}/panel"),
            Some(
                json!({"version": 5, "panel_response_on": "2026-11-25", "panel_outcome": "agrees"}),
            ),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["rapid_review"]["sent_to_panel_on"], "2026-11-24");
        assert_eq!(v["rapid_review"]["panel_outcome"], "agrees");
        let (status, _) = send(
            &app,
            reqwest::Method::PUT,
            &t,
            &format!("/api/v1/case-reviews/{id}/decision"),
            Some(json!({"version": 5, "rationale": "Stale"})),
        )
        .await;
        assert_eq!(status, 409);
        // every save audited with its new version; the refused ones not at all
        let content: Vec<_> = app
            .audit(DEMO, "case_review.rapid_review.content")
            .await
            .into_iter()
            .filter(|e| e.target_id.as_deref() == Some(id.as_str()))
            .collect();
        assert_eq!(content.len(), 3);
        assert!(
            content[0]
                .after_json
                .as_deref()
                .unwrap()
                .contains("\"version\":5")
        );
    }
);

safeguard_testkit::both_backends!(
    the_api_adds_children_agencies_extensions_and_asks_for_sign_off,
    |backend| async move {
        let app = spawn_app(backend).await;
        add_other_partnership_person(&app).await;
        let admin = app.signed_in(ADMIN).await;
        // aware Thursday 19 November 2026, notified the next day: the rapid review is due 11 December
        let id = create(&app, &admin, "SIN API-2", "2026-11-19", "2026-11-20").await;
        let t = token(&app, ADMIN).await;
        let base = format!("/api/v1/case-reviews/{id}");

        // a child: the identifiers are taken but never given back
        let (status, v) = send(
            &app,
            reqwest::Method::POST,
            &t,
            &format!("{base}/children"),
            Some(json!({"age_description": "", "full_name": "Fictional Api Child"})),
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(v["errors"][0]["field"], "age_description");
        let r = raw_client()
            .post(app.url(&format!("{base}/children")))
            .bearer_auth(&t)
            .json(
                &json!({"age_description": "Boy aged 7 months", "full_name": "Fictional Api Child",
                          "date_of_birth": "2026-04-01", "case_reference": "CR-API-7"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let body = r.text().await.unwrap();
        assert!(body.contains("\"letter\":\"A\""));
        assert!(!body.contains("Fictional Api Child"));
        assert!(!body.contains("CR-API-7"));
        assert!(!body.contains("2026-04-01"));
        let (_, v) = send(&app, reqwest::Method::GET, &t, &base, None).await;
        assert!(!v.to_string().contains("Fictional Api Child"));
        {
            let p = app.partnership_id(DEMO).await;
            let mut pc = app.db.acquire().await.unwrap();
            let ids =
                safeguard_store::case_reviews::identities(&mut pc.conn(), p, id.parse().unwrap())
                    .await
                    .unwrap();
            assert_eq!(ids[0].full_name, "Fictional Api Child");
            assert_eq!(ids[0].case_reference, "CR-API-7");
        }
        for e in app.audit(DEMO, "case_review.child.add").await {
            assert!(!e.after_json.unwrap_or_default().contains("Fictional"));
        }

        // an agency summary: a bad date refused, then requested and received
        let police = app
            .organisation_id("West Mercia Police")
            .await
            .0
            .to_string();
        let (status, _) = send(
            &app,
            reqwest::Method::POST,
            &t,
            &format!("{base}/agencies"),
            Some(json!({"organisation_id": police, "requested_on": "2026-11-23", "received_on": "2026-11-20"})),
        )
        .await;
        assert_eq!(status, 422);
        let (status, v) = send(
            &app,
            reqwest::Method::POST,
            &t,
            &format!("{base}/agencies"),
            Some(json!({"organisation_id": police, "requested_on": "2026-11-23", "received_on": "2026-11-25"})),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["agencies"][0]["organisation_name"], "West Mercia Police");
        assert_eq!(v["agencies"][0]["received_on"], "2026-11-25");
        // starting the rapid review for the summary left its content (and version) alone
        assert_eq!(v["rapid_review"]["version"], 1);
        assert_eq!(v["rapid_review"]["facts"], "");

        // an extension: a reason is required
        let (status, _) = send(
            &app,
            reqwest::Method::POST,
            &t,
            &format!("{base}/extensions"),
            Some(json!({"rule": "rapid_review", "extended_to": "2026-12-18", "extension_reason": " "})),
        )
        .await;
        assert_eq!(status, 422);
        let (status, v) = send(
            &app,
            reqwest::Method::POST,
            &t,
            &format!("{base}/extensions"),
            Some(json!({"rule": "rapid_review", "extended_to": "2026-12-18", "extension_reason": "Awaiting the police summary"})),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["deadlines"][1]["extended_to"], "2026-12-18");
        assert_eq!(v["deadlines"][1]["due_on"], "2026-12-11");
        assert_eq!(
            app.audit(DEMO, "case_review.deadline.extend").await.len(),
            1
        );

        // the sign-off: not before the decision, then once
        let (status, _) = send(
            &app,
            reqwest::Method::POST,
            &t,
            &format!("{base}/sign-off"),
            None,
        )
        .await;
        assert_eq!(status, 409);
        let (status, _) = send(
            &app,
            reqwest::Method::PUT,
            &t,
            &format!("{base}/decision"),
            Some(json!({"version": 1, "decision": "no_cspr", "other_learning_route": "A learning event",
                        "rationale": "The learning is known.", "decided_on": "2026-11-25"})),
        )
        .await;
        assert_eq!(status, 200);
        let (status, v) = send(
            &app,
            reqwest::Method::POST,
            &t,
            &format!("{base}/sign-off"),
            None,
        )
        .await;
        assert_eq!(status, 201, "{v}");
        assert!(v["rapid_review"]["sign_off_id"].is_string());
        // asking for the sign-off changed no content and no version
        assert_eq!(v["rapid_review"]["version"], 2);
        let (status, _) = send(
            &app,
            reqwest::Method::POST,
            &t,
            &format!("{base}/sign-off"),
            None,
        )
        .await;
        assert_eq!(status, 409);
        let (_, list) = app.get_text(&admin, "/sign-offs").await;
        assert!(list.contains("Rapid review SIN API-2"));

        // refusals: a panel member who may not manage (403); another partnership (404)
        let board = token(&app, BOARD).await;
        for (method, path, body) in [
            (
                reqwest::Method::POST,
                format!("{base}/children"),
                Some(json!({"age_description": "x", "full_name": "y"})),
            ),
            (
                reqwest::Method::POST,
                format!("{base}/agencies"),
                Some(json!({"organisation_id": police, "requested_on": "2026-11-23"})),
            ),
            (
                reqwest::Method::POST,
                format!("{base}/extensions"),
                Some(
                    json!({"rule": "rapid_review", "extended_to": "2027-01-08", "extension_reason": "x"}),
                ),
            ),
        ] {
            let (status, _) = send(&app, method.clone(), &board, &path, body.clone()).await;
            assert_eq!(status, 403, "{path}");
            let other = token(&app, OTHER).await;
            let (status, _) = send(&app, method, &other, &path, body).await;
            assert_eq!(status, 404, "{path}");
        }
        let other = token(&app, OTHER).await;
        let (status, _) = send(
            &app,
            reqwest::Method::POST,
            &other,
            &format!("{base}/sign-off"),
            None,
        )
        .await;
        assert_eq!(status, 404);
        // nothing more was added by the refused calls
        let (_, page) = app.get_text(&admin, &format!("/case-reviews/{id}")).await;
        let page = flat(&page);
        assert!(page.contains("Child A") && !page.contains("Child B"));
        assert!(page.contains("18 December 2026 (extended from 11 December 2026)"));
    }
);
