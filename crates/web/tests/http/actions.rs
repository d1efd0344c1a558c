//! Actions: creating one through the form, validation with nothing written, the owner's progress
//! updates and status changes, who may see an action (404 for everyone else), "my actions" across
//! partnerships, corrections as new updates, the API, and the weekly digest through a real SMTP
//! server, once per week.

use crate::helpers::*;
use chrono::{TimeZone, Utc};
use safeguard_service::mail::{Mailer, deliver_due};
use safeguard_service::scheduler::weekly_digest_job;
use safeguard_testkit::smtp::SmtpSink;

const ADMIN: &str = "admin@safeguard.example";
const LEAD: &str = "lead@safeguard.example";
const PRACTITIONER: &str = "practitioner@safeguard.example";
const BOARD: &str = "board@safeguard.example";
const OTHER: &str = "other@shropshire.example";
const DEMO: &str = "telford-wrekin";

fn option_id(options: &[(String, String)], text: &str) -> String {
    options
        .iter()
        .find(|(_, t)| t.replace("&#38;", "&").replace("&amp;", "&") == text)
        .map(|(v, _)| v.clone())
        .unwrap_or_else(|| panic!("{text} is offered: {options:?}"))
}

/// Everything that says how many actions and action audit entries there are.
async fn action_state(app: &TestApp) -> (i64, usize) {
    let mut pc = app.db.acquire().await.unwrap();
    let n = safeguard_store::actions::count(&mut pc.conn(), app.partnership_id(DEMO).await)
        .await
        .unwrap();
    (n, app.audit(DEMO, "action.").await.len())
}

/// Creates an action through the form as the administrator; returns its id.
async fn create_via_form(app: &TestApp, title: &str, org: &str, owner: &str, due: &str) -> String {
    let admin = app.signed_in(ADMIN).await;
    let (status, page) = app.get_text(&admin, "/actions/new").await;
    assert_eq!(status, 200);
    let orgs = select_options(&page, "owner_organisation_id");
    let people = select_options(&page, "owner_person_id");
    let r = app
        .post_form(
            &admin,
            "/actions",
            &[
                ("csrf_token", &csrf_of(&page)),
                ("title", title),
                ("description", "From the board's discussion of the audit."),
                ("source_label", "Board meeting 12 May 2022"),
                ("owner_organisation_id", &option_id(&orgs, org)),
                ("owner_person_id", &option_id(&people, owner)),
                ("due_date", due),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let to = location(&r);
    assert!(to.ends_with("?notice=action-created"), "{to}");
    to.trim_start_matches("/actions/")
        .trim_end_matches("?notice=action-created")
        .to_owned()
}

/// Adds the administrator of the neighbouring partnership only (also used by other modules' tests).
pub(crate) async fn add_other_partnership_person(app: &TestApp) {
    safeguard_service::people::add_from_cli(
        &app.svc,
        OTHER,
        "Other Person",
        "Shropshire Council",
        "shropshire",
        "partnership_administrator",
        PASSWORD,
    )
    .await
    .unwrap();
}

safeguard_testkit::both_backends!(an_administrator_creates_an_action, |backend| async move {
    let app = spawn_app(backend).await;
    let before = action_state(&app).await;
    let id = create_via_form(
        &app,
        "Check the escalation route",
        "West Mercia Police",
        "Sam Okafor (West Mercia Police)",
        "2026-12-15",
    )
    .await;
    assert_eq!(action_state(&app).await, (before.0 + 1, before.1 + 1));
    let admin = app.signed_in(ADMIN).await;
    let (status, page) = app
        .get_text(&admin, &format!("/actions/{id}?notice=action-created"))
        .await;
    assert_eq!(status, 200);
    for s in [
        "Check the escalation route",
        "Board meeting 12 May 2022",
        "West Mercia Police",
        "Sam Okafor",
        "15 December 2026",
        "Action added.",
    ] {
        assert!(page.contains(s), "{s}");
    }
    // The administrator may change owner, due date and status.
    assert!(page.contains("Change owner, due date or status"));
    let (_, list) = app.get_text(&admin, "/actions?q=escalation+route").await;
    assert_eq!(table_caption(&list), "1 action");
    let (_, list) = app.get_text(&admin, "/actions").await;
    assert!(list.contains("Add an action"));
    // The audit entry names the action.
    let e = &app.audit(DEMO, "action.create").await[0];
    assert_eq!(e.target_id.as_deref(), Some(id.as_str()));
});

safeguard_testkit::both_backends!(
    bad_input_is_refused_and_nothing_written,
    |backend| async move {
        let app = spawn_app(backend).await;
        let before = action_state(&app).await;
        let admin = app.signed_in(ADMIN).await;
        let (_, page) = app.get_text(&admin, "/actions/new").await;
        let csrf = csrf_of(&page);
        let long = "x".repeat(10_001);
        let r = app
            .post_form(
                &admin,
                "/actions",
                &[
                    ("csrf_token", &csrf),
                    ("title", ""),
                    ("description", &long),
                    ("owner_organisation_id", ""),
                    ("owner_person_id", ""),
                    ("due_date", "2023-02-30"),
                    ("source_label", "Board meeting 12 May 2022"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        for f in ["title", "description", "owner_organisation_id", "due_date"] {
            assert!(error_summary_links_to(&page, f), "{f}");
        }
        // Values are kept.
        assert!(page.contains("value=\"2023-02-30\""));
        assert!(page.contains("value=\"Board meeting 12 May 2022\""));
        // An owner who does not work for the owner organisation, and a due date before 2000.
        let orgs = select_options(&page, "owner_organisation_id");
        let people = select_options(&page, "owner_person_id");
        let r = app
            .post_form(
                &admin,
                "/actions",
                &[
                    ("csrf_token", &csrf),
                    ("title", "A fine title"),
                    (
                        "owner_organisation_id",
                        &option_id(&orgs, "West Mercia Police"),
                    ),
                    (
                        "owner_person_id",
                        &option_id(
                            &people,
                            "Lucy Brown (Telford & Wrekin Education and Skills)",
                        ),
                    ),
                    ("due_date", "1999-12-31"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(error_summary_links_to(&page, "due_date"));
        let r = app
            .post_form(
                &admin,
                "/actions",
                &[
                    ("csrf_token", &csrf),
                    ("title", "A fine title"),
                    (
                        "owner_organisation_id",
                        &option_id(&orgs, "West Mercia Police"),
                    ),
                    (
                        "owner_person_id",
                        &option_id(
                            &people,
                            "Lucy Brown (Telford & Wrekin Education and Skills)",
                        ),
                    ),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(error_summary_links_to(&page, "owner_person_id"));
        assert!(page.contains("value=\"A fine title\""));
        // Nothing was written.
        assert_eq!(action_state(&app).await, before);
        // A practitioner may not add actions.
        let p = app.signed_in(PRACTITIONER).await;
        assert_eq!(app.get(&p, "/actions/new").await.status().as_u16(), 403);
    }
);

safeguard_testkit::both_backends!(
    the_owner_adds_an_update_and_changes_status,
    |backend| async move {
        let app = spawn_app(backend).await;
        let id = create_via_form(
            &app,
            "Audit the referrals",
            "West Mercia Police",
            "Sam Okafor (West Mercia Police)",
            "2026-12-01",
        )
        .await;
        let lead = app.signed_in(LEAD).await;
        let (status, page) = app.get_text(&lead, &format!("/actions/{id}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("Add a progress update"));
        assert!(!page.contains("Change owner, due date or status"));
        // An empty update is refused, nothing written.
        let before = action_state(&app).await;
        let r = app
            .post_form(
                &lead,
                &format!("/actions/{id}/updates"),
                &[
                    ("csrf_token", &csrf_of(&page)),
                    ("body", " "),
                    ("new_status", "in_progress"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let bad = r.text().await.unwrap();
        assert!(error_summary_links_to(&bad, "body"));
        assert_eq!(action_state(&app).await, before);

        let r = app
            .post_form(
                &lead,
                &format!("/actions/{id}/updates"),
                &[
                    ("csrf_token", &csrf_of(&page)),
                    ("body", "Sampled 20 referrals."),
                    ("new_status", "in_progress"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&lead, &format!("/actions/{id}")).await;
        assert!(page.contains("Sampled 20 referrals."));
        assert!(page.contains("Status changed to In progress"));
        assert!(page.contains("Sam Okafor</strong>"));
        assert!(app.audit(DEMO, "action.update").await.len() == 1);
        assert!(app.audit(DEMO, "action.status").await.len() == 1);

        // The owner changes the status only (the version guards against stale forms).
        let admin = app.signed_in(ADMIN).await;
        let (_, admin_page) = app.get_text(&admin, &format!("/actions/{id}")).await;
        assert!(admin_page.contains("name=\"version\" value=\"2\""));
        let r = app
            .post_form(
                &lead,
                &format!("/actions/{id}"),
                &[
                    ("csrf_token", &csrf_of(&page)),
                    ("status", "done"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 409, "a stale version is refused");
        let r = app
            .post_form(
                &lead,
                &format!("/actions/{id}"),
                &[
                    ("csrf_token", &csrf_of(&page)),
                    ("status", "done"),
                    ("version", "2"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&lead, &format!("/actions/{id}")).await;
        assert!(
            page.contains("govuk-tag--green\">\n  Done")
                || page.contains(">Done<")
                || page.contains("Done")
        );
        // The administrator's form, built from version 2, is now stale.
        let orgs = select_options(&admin_page, "owner_organisation_id");
        let r = app
            .post_form(
                &admin,
                &format!("/actions/{id}"),
                &[
                    ("csrf_token", &csrf_of(&admin_page)),
                    (
                        "owner_organisation_id",
                        &option_id(&orgs, "West Mercia Police"),
                    ),
                    ("owner_person_id", ""),
                    ("due_date", "2027-01-31"),
                    ("status", "open"),
                    ("version", "2"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 409);
        let r = app
            .post_form(
                &admin,
                &format!("/actions/{id}"),
                &[
                    ("csrf_token", &csrf_of(&admin_page)),
                    (
                        "owner_organisation_id",
                        &option_id(&orgs, "West Mercia Police"),
                    ),
                    ("owner_person_id", ""),
                    ("due_date", "2027-01-31"),
                    ("status", "open"),
                    ("version", "3"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&admin, &format!("/actions/{id}")).await;
        assert!(page.contains("31 January 2027") && page.contains("No named person"));
    }
);

safeguard_testkit::both_backends!(only_those_with_access_see_an_action, |backend| async move {
    let app = spawn_app(backend).await;
    add_other_partnership_person(&app).await;
    let id = create_via_form(
        &app,
        "Police only",
        "West Mercia Police",
        "Sam Okafor (West Mercia Police)",
        "",
    )
    .await;
    // A practitioner who does not own it: 404 on the page and on updates; no list.
    let p = app.signed_in(PRACTITIONER).await;
    let (status, page) = app.get_text(&p, &format!("/actions/{id}")).await;
    assert_eq!(status, 404);
    assert!(!page.contains("Police only"));
    let csrf = app.csrf(&p).await;
    let r = app
        .post_form(
            &p,
            &format!("/actions/{id}/updates"),
            &[("csrf_token", &csrf), ("body", "sneaky")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(app.get(&p, "/actions").await.status().as_u16(), 403);
    // Another partnership's administrator: 404 on the page and in the API.
    let other = app.signed_in(OTHER).await;
    assert_eq!(
        app.get(&other, &format!("/actions/{id}"))
            .await
            .status()
            .as_u16(),
        404
    );
    let token = safeguard_service::tokens::issue_for_email(&app.svc, OTHER, 30)
        .await
        .unwrap();
    assert_eq!(
        app.api_get(&token, &format!("/api/v1/actions/{id}"))
            .await
            .status()
            .as_u16(),
        404
    );
    // A board member of another organisation sees it but may not add updates.
    let board = app.signed_in(BOARD).await;
    let (status, page) = app.get_text(&board, &format!("/actions/{id}")).await;
    assert_eq!(status, 200);
    assert!(!page.contains("Add a progress update"));
    let r = app
        .post_form(
            &board,
            &format!("/actions/{id}/updates"),
            &[("csrf_token", &csrf_of(&page)), ("body", "not mine")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    // A practitioner who owns an action sees it and may update it.
    let mine = create_via_form(
        &app,
        "Lucy's action",
        "Telford & Wrekin Education and Skills",
        "Lucy Brown (Telford & Wrekin Education and Skills)",
        "2026-12-24",
    )
    .await;
    let (status, page) = app.get_text(&p, &format!("/actions/{mine}")).await;
    assert_eq!(status, 200);
    let r = app
        .post_form(
            &p,
            &format!("/actions/{mine}/updates"),
            &[
                ("csrf_token", &csrf_of(&page)),
                ("body", "Booked the training."),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
});

safeguard_testkit::both_backends!(
    my_actions_lists_exactly_my_own_across_partnerships,
    |backend| async move {
        let app = spawn_app(backend).await;
        let lead = app.signed_in(LEAD).await;
        let (status, page) = app.get_text(&lead, "/actions/mine").await;
        assert_eq!(status, 200);
        // The demo gives the lead two actions in Telford and Wrekin and one in Shropshire.
        assert_eq!(table_caption(&page), "3 actions");
        for t in [
            "Refresh the multi-agency threshold document",
            "Audit police attendance at strategy discussions",
            "Align the escalation policy with Telford and Wrekin",
            SHROPSHIRE,
            TELFORD,
        ] {
            assert!(page.contains(t), "{t}");
        }
        for t in [
            "Publish the yearly report",
            "neglect toolkit",
            "rapid review",
        ] {
            assert!(!page.contains(t), "{t}");
        }
        // The overdue one is flagged.
        assert!(page.contains("govuk-tag--red"));
        // The Shropshire action opens for its owner while they work in Telford and Wrekin.
        let shrop = page
            .split("href=\"/actions/")
            .filter_map(|s| s.split('"').next())
            .find(|id| page.contains(&format!("href=\"/actions/{id}\">Align the escalation")))
            .unwrap()
            .to_owned();
        assert_eq!(
            app.get(&lead, &format!("/actions/{shrop}"))
                .await
                .status()
                .as_u16(),
            200
        );
        // The API says the same.
        let token = safeguard_service::tokens::issue_for_email(&app.svc, LEAD, 30)
            .await
            .unwrap();
        let r = app.api_get(&token, "/api/v1/actions/mine").await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        let items = v.as_array().unwrap();
        assert_eq!(items.len(), 3);
        assert!(items.iter().all(|a| a["owner_person_name"] == "Sam Okafor"));
        assert_eq!(items.iter().filter(|a| a["overdue"] == true).count(), 1);
        // Someone who owns nothing sees none.
        let p = app.signed_in("scrutineer@safeguard.example").await;
        let (_, page) = app.get_text(&p, "/actions/mine").await;
        assert!(page.contains("You do not own any actions."));
    }
);

safeguard_testkit::both_backends!(a_correction_is_a_new_update, |backend| async move {
    let app = spawn_app(backend).await;
    let id = create_via_form(
        &app,
        "Correct me",
        "West Mercia Police",
        "Sam Okafor (West Mercia Police)",
        "",
    )
    .await;
    let lead = app.signed_in(LEAD).await;
    let (_, page) = app.get_text(&lead, &format!("/actions/{id}")).await;
    let r = app
        .post_form(
            &lead,
            &format!("/actions/{id}/updates"),
            &[("csrf_token", &csrf_of(&page)), ("body", "Met on Tuesday.")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = app.get_text(&lead, &format!("/actions/{id}")).await;
    let corrects = select_options(&page, "corrects_update_id");
    assert_eq!(corrects.len(), 2, "{corrects:?}");
    let first = corrects[1].0.clone();
    let r = app
        .post_form(
            &lead,
            &format!("/actions/{id}/updates"),
            &[
                ("csrf_token", &csrf_of(&page)),
                ("body", "We met on Monday, not Tuesday."),
                ("corrects_update_id", &first),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    // A correction of something that is not an update of this action is refused.
    let r = app
        .post_form(
            &lead,
            &format!("/actions/{id}/updates"),
            &[
                ("csrf_token", &csrf_of(&page)),
                ("body", "x"),
                ("corrects_update_id", &uuid::Uuid::new_v4().to_string()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let (_, page) = app.get_text(&lead, &format!("/actions/{id}")).await;
    assert!(page.contains("Met on Tuesday.") && page.contains("We met on Monday, not Tuesday."));
    assert!(page.contains("Correction"));
    // Newest first.
    assert!(page.find("We met on Monday").unwrap() < page.find("Met on Tuesday.").unwrap());
    let mut pc = app.db.acquire().await.unwrap();
    let ups = safeguard_store::actions::list_updates(
        &mut pc.conn(),
        app.partnership_id(DEMO).await,
        id.parse().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(ups.len(), 2);
    assert_eq!(ups[1].body, "Met on Tuesday.");
    assert_eq!(
        ups[0].corrects_update_id.map(|u| u.to_string()),
        Some(first)
    );
    // There is no way to edit an update: no route takes an update id.
    assert!(
        safeguard_web::manifest()
            .iter()
            .all(|r| !r.path.contains("/updates/"))
    );
});

safeguard_testkit::both_backends!(
    the_api_creates_lists_and_updates_actions,
    |backend| async move {
        let app = spawn_app(backend).await;
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let before = action_state(&app).await;
        let post = |path: String, body: String| {
            let token = token.clone();
            let url = app.url(&path);
            async move {
                raw_client()
                    .post(url)
                    .bearer_auth(token)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let r = post(
            "/api/v1/actions".into(),
            r#"{"title": "", "owner_organisation_id": "nope", "due_date": "2023-13-01"}"#.into(),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(header(&r, "content-type").starts_with("application/problem+json"));
        let r = post("/api/v1/actions".into(), "{not json".into()).await;
        assert_eq!(r.status().as_u16(), 400);
        assert_eq!(action_state(&app).await, before);
        let police = app.organisation_id("West Mercia Police").await;
        let lead = app.person_id(LEAD).await;
        let r = post("/api/v1/actions".into(), serde_json::json!({"title": "From a script", "owner_organisation_id": police.to_string(), "owner_person_id": lead.to_string(), "due_date": "2026-12-31"}).to_string()).await;
        assert_eq!(r.status().as_u16(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        let id = v["action"]["id"].as_str().unwrap().to_owned();
        assert_eq!(v["action"]["status"], "open");
        assert_eq!(v["action"]["source_label"], "Added by hand");
        let r = post(
            format!("/api/v1/actions/{id}/updates"),
            r#"{"body": "Going well", "new_status": "in_progress"}"#.into(),
        )
        .await;
        assert_eq!(r.status().as_u16(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["action"]["status"], "in_progress");
        assert_eq!(v["updates"][0]["body"], "Going well");
        let r = post(
            format!("/api/v1/actions/{id}/updates"),
            r#"{"body": "", "new_status": "sideways"}"#.into(),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = app
            .api_get(&token, "/api/v1/actions?q=script&status=in_progress")
            .await;
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["total"], 1);
        let r = app.api_get(&token, "/api/v1/actions?overdue=true").await;
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["total"], 1, "the demo's overdue action");
        assert_eq!(
            app.api_get(&token, "/api/v1/actions/not-a-uuid")
                .await
                .status()
                .as_u16(),
            404
        );
        // Documented.
        let doc: serde_json::Value = raw_client()
            .get(app.url("/api/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for p in [
            "/api/v1/actions",
            "/api/v1/actions/mine",
            "/api/v1/actions/{id}",
            "/api/v1/actions/{id}/updates",
        ] {
            assert!(doc["paths"][p].is_object(), "{p}");
        }
    }
);

safeguard_testkit::both_backends!(
    the_weekly_digest_is_sent_once_a_week,
    |backend| async move {
        let app = spawn_app(backend).await;
        // only the digest's emails are counted here
        app.meet_open_deadlines().await;
        // An action for the practitioner due on Wednesday 2 December 2026.
        create_via_form(
            &app,
            "Lucy's reading",
            "Telford & Wrekin Education and Skills",
            "Lucy Brown (Telford & Wrekin Education and Skills)",
            "2026-12-02",
        )
        .await;
        let sink = SmtpSink::start().await;
        let mailer =
            Mailer::new(Some(&sink.url()), "Safeguard <no-reply@safeguard.invalid>").unwrap();
        // Sunday: not yet; Monday 06:59 in England: not yet.
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap());
        assert!(!weekly_digest_job(&app.svc, "test").await.unwrap());
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 11, 30, 6, 59, 0).unwrap());
        assert!(!weekly_digest_job(&app.svc, "test").await.unwrap());
        // Monday 08:00: one email per person with something due within 7 days or overdue.
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap());
        assert!(weekly_digest_job(&app.svc, "test").await.unwrap());
        assert_eq!(deliver_due(&app.svc, &mailer).await.unwrap(), (2, 0));
        let got = sink.messages();
        assert_eq!(got.len(), 2);
        let to_lead: Vec<_> = got
            .iter()
            .filter(|m| m.to.iter().any(|t| t.contains(LEAD)))
            .collect();
        assert_eq!(to_lead.len(), 1);
        let body = &to_lead[0].data;
        assert!(
            body.contains("OVERDUE: Refresh the multi-agency threshold document"),
            "{body}"
        );
        assert!(
            body.contains("Audit police attendance at strategy discussions"),
            "{body}"
        );
        assert!(body.contains("Due 1 December 2026"), "{body}");
        assert!(body.contains(TELFORD), "{body}");
        assert!(
            !body.contains("Align the escalation policy"),
            "due in 8 days: {body}"
        );
        assert!(!body.contains("OVERDUE: Audit police"), "{body}");
        let to_lucy: Vec<_> = got
            .iter()
            .filter(|m| m.to.iter().any(|t| t.contains(PRACTITIONER)))
            .collect();
        assert_eq!(to_lucy.len(), 1);
        assert!(to_lucy[0].data.contains("Lucy's reading"));
        // Again the same week (later that day, and on Friday): the slot has run; nothing more.
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 11, 30, 14, 0, 0).unwrap());
        assert!(!weekly_digest_job(&app.svc, "other-instance").await.unwrap());
        safeguard_service::scheduler::tick(&app.svc, "test")
            .await
            .unwrap();
        assert_eq!(deliver_due(&app.svc, &mailer).await.unwrap(), (0, 0));
        assert_eq!(sink.messages().len(), 2);
        // The next Monday it runs again.
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap());
        assert!(weekly_digest_job(&app.svc, "test").await.unwrap());
    }
);
