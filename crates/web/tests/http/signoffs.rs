//! Sign-offs by the three lead partners: the full flow through the pages (complete only after the
//! third signature), the request email, a return with comments and a new round, who may sign (a
//! non-statutory organisation is refused, one decision per partner per round), concurrent signatures,
//! another partnership's item (404), a partnership without all three partners, validation with
//! nothing written, audit entries for every step, the demo items and the API.

use crate::actions::add_other_partnership_person;
use crate::helpers::*;
use safeguard_domain::policy::Role;
use safeguard_domain::signoffs::{DecisionInput, NewSignOffInput, SignOffStatus};
use safeguard_domain::{OrganisationId, SignOffId};
use safeguard_service::{Actor, RequestMeta, ServiceError};

const ADMIN: &str = "admin@safeguard.example";
const COUNCIL: &str = "council@safeguard.example";
const LEAD: &str = "lead@safeguard.example";
const BOARD: &str = "board@safeguard.example";
const SUBGROUP: &str = "subgroup@safeguard.example";
const OTHER: &str = "other@shropshire.example";
const DEMO: &str = "telford-wrekin";

/// Requests a sign-off through the form as the administrator; returns its id.
async fn request_via_form(app: &TestApp, title: &str) -> String {
    let admin = app.signed_in(ADMIN).await;
    let (status, page) = app.get_text(&admin, "/sign-offs/new").await;
    assert_eq!(status, 200);
    let r = app
        .post_form(
            &admin,
            "/sign-offs/new",
            &[
                ("csrf_token", &csrf_of(&page)),
                ("kind", "threshold_document"),
                ("title", title),
                ("description", "Revised after the workshops."),
                ("file_id", ""),
                ("funding_year_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let to = location(&r);
    assert!(to.ends_with("?notice=sign-off-requested"), "{to}");
    to.trim_start_matches("/sign-offs/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

/// Posts a decision through the item's page as `email`.
async fn decide_via_page(
    app: &TestApp,
    email: &str,
    id: &str,
    decision: &str,
    comment: &str,
) -> reqwest::Response {
    let c = app.signed_in(email).await;
    // The police's agency lead also works in the neighbouring partnership.
    app.switch_to(&c, DEMO).await;
    let (status, page) = app.get_text(&c, &format!("/sign-offs/{id}")).await;
    assert_eq!(status, 200, "{email}");
    app.post_form(
        &c,
        &format!("/sign-offs/{id}/decision"),
        &[
            ("csrf_token", &csrf_of(&page)),
            ("decision", decision),
            ("comment", comment),
        ],
    )
    .await
}

/// The page with runs of white space made single spaces (tags put their text on its own line).
fn flat(page: &str) -> String {
    page.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn audit_for(app: &TestApp, id: &str) -> Vec<String> {
    let mut actions: Vec<String> = app
        .audit(DEMO, "sign_off.")
        .await
        .into_iter()
        .filter(|e| e.target_id.as_deref() == Some(id))
        .map(|e| e.action)
        .collect();
    actions.reverse();
    actions
}

async fn actor_for(app: &TestApp, email: &str, slug: &str, role: Role) -> Actor {
    let p = app.person(email).await.unwrap();
    Actor {
        person_id: p.id(),
        organisation_id: OrganisationId(p.organisation_id),
        partnership_id: app.partnership_id(slug).await,
        roles: vec![role],
        session_id: None,
        meta: RequestMeta::default(),
    }
}

safeguard_testkit::both_backends!(
    three_partners_sign_and_the_item_completes_only_after_the_third,
    |backend| async move {
        let app = spawn_app(backend).await;
        let id = request_via_form(&app, "Threshold of Need guidance 2024").await;
        // The people who may sign for the three partners are emailed; nobody else.
        for email in [COUNCIL, LEAD, BOARD] {
            let mail = app.outbox_to(email).await;
            assert!(
                mail.iter().any(|m| m
                    .subject
                    .contains("please sign off Threshold of Need guidance 2024")
                    && m.body_text.contains(&format!("/sign-offs/{id}"))),
                "{email}: {mail:?}"
            );
        }
        for email in [ADMIN, SUBGROUP, "scrutineer@safeguard.example"] {
            assert!(
                app.outbox_to(email)
                    .await
                    .iter()
                    .all(|m| !m.subject.contains("please sign off")),
                "{email}"
            );
        }
        let r = decide_via_page(&app, COUNCIL, &id, "sign", "").await;
        assert_eq!(
            location(&r),
            format!("/sign-offs/{id}?notice=sign-off-signed")
        );
        let admin = app.signed_in(ADMIN).await;
        let (_, list) = app.get_text(&admin, "/sign-offs").await;
        assert!(list.contains("Awaiting: 1 of 3 signed"), "{list}");
        // Signing twice for the same partner is refused.
        let r = decide_via_page(&app, COUNCIL, &id, "sign", "").await;
        assert_eq!(r.status().as_u16(), 409);
        let r = decide_via_page(&app, LEAD, &id, "sign", "Agreed for the police.").await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&admin, &format!("/sign-offs/{id}")).await;
        assert!(page.contains("Awaiting: 2 of 3 signed"));
        assert!(page.contains("Agreed for the police."));
        let r = decide_via_page(&app, BOARD, &id, "sign", "").await;
        assert_eq!(
            location(&r),
            format!("/sign-offs/{id}?notice=sign-off-complete")
        );
        let (_, page) = app.get_text(&admin, &format!("/sign-offs/{id}")).await;
        assert!(flat(&page).contains("> Complete </strong>"));
        assert!(
            page.contains("Rachel Ward")
                && page.contains("Sam Okafor")
                && page.contains("Helen Price")
        );
        // A complete item takes no more decisions.
        let r = decide_via_page(&app, BOARD, &id, "sign", "").await;
        assert_eq!(
            r.status().as_u16(),
            409,
            "a complete item takes no decision"
        );
        assert_eq!(
            audit_for(&app, &id).await,
            vec![
                "sign_off.request",
                "sign_off.sign",
                "sign_off.sign",
                "sign_off.sign",
                "sign_off.complete"
            ]
        );
    }
);

safeguard_testkit::both_backends!(
    a_return_needs_comments_and_a_new_round_keeps_the_history,
    |backend| async move {
        let app = spawn_app(backend).await;
        let id = request_via_form(&app, "Published arrangements 2024").await;
        decide_via_page(&app, COUNCIL, &id, "sign", "").await;
        let r = decide_via_page(&app, LEAD, &id, "return", "  ").await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(error_summary_links_to(&page, "comment"));
        let r = decide_via_page(
            &app,
            LEAD,
            &id,
            "return",
            "The escalation section needs the new police contacts.",
        )
        .await;
        assert_eq!(
            location(&r),
            format!("/sign-offs/{id}?notice=sign-off-returned")
        );
        // Nobody can sign a returned item.
        let r = decide_via_page(&app, BOARD, &id, "sign", "").await;
        assert_eq!(
            r.status().as_u16(),
            409,
            "a returned item takes no decision"
        );
        let admin = app.signed_in(ADMIN).await;
        let (_, page) = app.get_text(&admin, &format!("/sign-offs/{id}")).await;
        assert!(flat(&page).contains("> Returned </strong>"));
        assert!(page.contains("Request sign-off again"));
        let csrf = csrf_of(&page);
        let r = app
            .post_form(
                &admin,
                &format!("/sign-offs/{id}/rerequest"),
                &[("csrf_token", &csrf), ("note", ""), ("file_id", "")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(error_summary_links_to(&r.text().await.unwrap(), "note"));
        let before = app.outbox_to(BOARD).await.len();
        let r = app
            .post_form(
                &admin,
                &format!("/sign-offs/{id}/rerequest"),
                &[
                    ("csrf_token", &csrf),
                    ("note", "Police contacts updated."),
                    ("file_id", ""),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(app.outbox_to(BOARD).await.len(), before + 1, "asked again");
        let (_, page) = app.get_text(&admin, &format!("/sign-offs/{id}")).await;
        assert!(page.contains("Awaiting: 0 of 3 signed"));
        assert!(page.contains("Round 1 decisions"));
        assert!(page.contains("The escalation section needs the new police contacts."));
        assert!(page.contains("Police contacts updated."));
        // Round 2: the council signs again, and completion needs all three in this round.
        for email in [COUNCIL, LEAD] {
            assert_eq!(
                decide_via_page(&app, email, &id, "sign", "")
                    .await
                    .status()
                    .as_u16(),
                303
            );
        }
        let r = decide_via_page(&app, BOARD, &id, "sign", "").await;
        assert_eq!(
            location(&r),
            format!("/sign-offs/{id}?notice=sign-off-complete")
        );
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let v: serde_json::Value = app
            .api_get(&token, &format!("/api/v1/sign-offs/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(v["item"]["status"], "complete");
        assert_eq!(v["item"]["round"], 2);
        assert_eq!(v["rounds"].as_array().unwrap().len(), 2);
        assert_eq!(v["steps"].as_array().unwrap().len(), 6);
        assert_eq!(
            audit_for(&app, &id).await,
            vec![
                "sign_off.request",
                "sign_off.sign",
                "sign_off.return",
                "sign_off.rerequest",
                "sign_off.sign",
                "sign_off.sign",
                "sign_off.sign",
                "sign_off.complete"
            ]
        );
    }
);

safeguard_testkit::both_backends!(
    only_the_lead_partners_may_sign_each_for_their_own_organisation,
    |backend| async move {
        let app = spawn_app(backend).await;
        let id = request_via_form(&app, "Yearly report 2023/24").await;
        // A board member of a relevant agency holds the permission but is no lead partner.
        safeguard_service::people::add_from_cli(
            &app.svc,
            "cafcass@safeguard.example",
            "Casey Fenn",
            "Cafcass",
            DEMO,
            "board_member",
            PASSWORD,
        )
        .await
        .unwrap();
        let r = decide_via_page(&app, "cafcass@safeguard.example", &id, "sign", "").await;
        assert_eq!(r.status().as_u16(), 403);
        // No permission at all: refused by the gate.
        let sub = app.signed_in(SUBGROUP).await;
        let r = app
            .post_with_csrf(
                &sub,
                &format!("/sign-offs/{id}/decision"),
                &[("decision", "sign")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403);
        // The administrator requests but does not sign.
        let admin = app.signed_in(ADMIN).await;
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/sign-offs/{id}/decision"),
                &[("decision", "sign")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403);
        assert_eq!(audit_for(&app, &id).await, vec!["sign_off.request"]);
        // Another partnership's administrator: the item does not exist for them.
        add_other_partnership_person(&app).await;
        let other = app.signed_in(OTHER).await;
        assert_eq!(
            app.get(&other, &format!("/sign-offs/{id}"))
                .await
                .status()
                .as_u16(),
            404
        );
        let r = app
            .post_with_csrf(
                &other,
                &format!("/sign-offs/{id}/withdraw"),
                &[("reason", "Not ours")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 404);
        let token = safeguard_service::tokens::issue_for_email(&app.svc, OTHER, 30)
            .await
            .unwrap();
        assert_eq!(
            app.api_get(&token, &format!("/api/v1/sign-offs/{id}"))
                .await
                .status()
                .as_u16(),
            404
        );
        // The administrator withdraws it, with a reason.
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/sign-offs/{id}/withdraw"),
                &[("reason", "")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/sign-offs/{id}/withdraw"),
                &[("reason", "Requested by mistake")],
            )
            .await;
        assert_eq!(
            location(&r),
            format!("/sign-offs/{id}?notice=sign-off-withdrawn")
        );
        let (_, list) = app.get_text(&admin, "/sign-offs").await;
        assert!(flat(&list).contains("> Withdrawn </strong>"));
        let r = decide_via_page(&app, COUNCIL, &id, "sign", "").await;
        assert_eq!(
            r.status().as_u16(),
            409,
            "a withdrawn item takes no decision"
        );
        assert_eq!(
            audit_for(&app, &id).await,
            vec!["sign_off.request", "sign_off.withdraw"]
        );
    }
);

safeguard_testkit::both_backends!(
    two_partners_signing_at_once_are_both_recorded,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = actor_for(&app, ADMIN, DEMO, Role::PartnershipAdministrator).await;
        let council = actor_for(&app, COUNCIL, DEMO, Role::BoardMember).await;
        let lead = actor_for(&app, LEAD, DEMO, Role::AgencyLead).await;
        let board = actor_for(&app, BOARD, DEMO, Role::BoardMember).await;
        for round in 0..3 {
            let id = safeguard_service::signoffs::request(
                &app.svc,
                &admin,
                &NewSignOffInput {
                    kind: "annual_budget".into(),
                    title: format!("Budget {round}"),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            let sign = DecisionInput {
                decision: "sign".into(),
                comment: String::new(),
            };
            let first = safeguard_service::signoffs::decide(&app.svc, &council, id, &sign)
                .await
                .unwrap();
            assert_eq!(first, SignOffStatus::Awaiting);
            let (a, b) = tokio::join!(
                safeguard_service::signoffs::decide(&app.svc, &lead, id, &sign),
                safeguard_service::signoffs::decide(&app.svc, &board, id, &sign)
            );
            let mut statuses = vec![a.unwrap(), b.unwrap()];
            statuses.sort_by_key(|s| s.slug());
            assert_eq!(
                statuses,
                vec![SignOffStatus::Awaiting, SignOffStatus::Complete]
            );
            let v = safeguard_service::signoffs::get(&app.svc, &admin, id)
                .await
                .unwrap();
            assert_eq!(v.item.status, "complete");
            assert_eq!(v.item.signed_count, 3);
            assert!(v.steps.iter().all(|s| s.decision == "signed"));
        }
    }
);

safeguard_testkit::both_backends!(
    a_request_is_validated_and_needs_all_three_partners,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let count = || async {
            let mut pc = app.db.acquire().await.unwrap();
            safeguard_store::signoffs::count(&mut pc.conn(), app.partnership_id(DEMO).await)
                .await
                .unwrap()
        };
        let before = count().await;
        let r = app
            .post_with_csrf(
                &admin,
                "/sign-offs/new",
                &[("kind", ""), ("title", ""), ("file_id", "not-an-id")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        for field in ["kind", "title", "file_id"] {
            assert!(error_summary_links_to(&page, field), "{field}");
        }
        // A document of another partnership is refused.
        let r = app
            .post_with_csrf(
                &admin,
                "/sign-offs/new",
                &[
                    ("kind", "yearly_report"),
                    ("title", "Report"),
                    ("file_id", &uuid::Uuid::new_v4().to_string()),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Select a document of this partnership")
        );
        assert_eq!(count().await, before);
        assert!(app.audit(DEMO, "sign_off.request").await.len() as i64 == before);
        // A partnership without a police force and an integrated care board cannot request one.
        let lonely = {
            let mut pc = app.db.acquire().await.unwrap();
            let p = safeguard_store::partnerships::upsert_by_slug(
                &mut pc.conn(),
                "lonely",
                "Lonely Partnership",
                app.svc.now(),
            )
            .await
            .unwrap();
            let org = app.organisation_id("Shropshire Council").await;
            safeguard_store::organisations::add_to_partnership(
                &mut pc.conn(),
                p.id(),
                org,
                app.svc.now(),
            )
            .await
            .unwrap();
            p.id()
        };
        add_other_partnership_person(&app).await;
        let mut actor = actor_for(&app, OTHER, "shropshire", Role::PartnershipAdministrator).await;
        actor.partnership_id = lonely;
        let e = safeguard_service::signoffs::request(
            &app.svc,
            &actor,
            &NewSignOffInput {
                kind: "yearly_report".into(),
                title: "Report".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        let ServiceError::Invalid(errors) = e else {
            panic!("expected a validation error, got {e:?}")
        };
        let message = errors.get("kind").unwrap();
        assert!(
            message.contains("no police force and no integrated care board"),
            "{message}"
        );
    }
);

safeguard_testkit::both_backends!(
    the_demo_has_the_2022_23_items_and_the_api_works,
    |backend| async move {
        let app = spawn_app(backend).await;
        // Loading the demo again adds nothing.
        safeguard_service::demo::load(&app.svc, Some(PASSWORD))
            .await
            .unwrap();
        let board = app.signed_in(BOARD).await;
        let (status, page) = app.get_text(&board, "/sign-offs").await;
        assert_eq!(status, 200);
        assert_eq!(table_caption(&page), "3 items");
        assert!(page.contains("Yearly report 2022/23"));
        assert!(page.contains("Shared budget 2022/23"));
        assert!(page.contains("Threshold of Need guidance (revised March 2023)"));
        assert_eq!(flat(&page).matches("> Complete </strong>").count(), 2);
        assert!(page.contains("Awaiting: 2 of 3 signed"));
        assert!(page.contains("href=\"/sign-offs\""), "navigation entry");
        let token = safeguard_service::tokens::issue_for_email(&app.svc, BOARD, 30)
            .await
            .unwrap();
        let items: serde_json::Value = app
            .api_get(&token, "/api/v1/sign-offs")
            .await
            .json()
            .await
            .unwrap();
        let threshold = items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["kind"] == "threshold_document")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let post = |path: String, body: serde_json::Value| {
            let token = token.clone();
            let url = app.url(&path);
            async move {
                raw_client()
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let r = post(
            format!("/api/v1/sign-offs/{threshold}/decision"),
            serde_json::json!({"decision": "maybe"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(header(&r, "content-type").starts_with("application/problem+json"));
        let r = post(
            format!("/api/v1/sign-offs/{threshold}/decision"),
            serde_json::json!({"decision": "sign", "comment": "Agreed for the ICB."}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["item"]["status"], "complete");
        // The board member may not request one.
        let r = post(
            "/api/v1/sign-offs".into(),
            serde_json::json!({"kind": "yearly_report", "title": "x"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 403);
        let admin = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let r = raw_client()
            .post(app.url("/api/v1/sign-offs"))
            .bearer_auth(&admin)
            .json(&serde_json::json!({"kind": "published_arrangements", "title": "Arrangements 2024"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["item"]["status"], "awaiting");
        assert_eq!(v["steps"].as_array().unwrap().len(), 3);
        let r = raw_client()
            .post(app.url("/api/v1/sign-offs"))
            .bearer_auth(&admin)
            .json(&serde_json::json!({"kind": "x", "title": ""}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 422);
        let _ = SignOffId::new();
    }
);

safeguard_testkit::both_backends!(
    a_document_can_be_uploaded_with_the_request,
    |backend| async move {
        use crate::files::{BOUNDARY, multipart};
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let (_, page) = app.get_text(&admin, "/sign-offs/new").await;
        assert!(page.contains("enctype=\"multipart/form-data\""));
        let csrf = csrf_of(&page);
        let post = |fields: Vec<(&'static str, Option<&'static str>, Vec<u8>)>| {
            let c = admin.clone();
            let csrf = csrf.clone();
            let base = app.base.clone();
            let url = app.url("/sign-offs/new");
            async move {
                let mut all: Vec<(&str, Option<&str>, &[u8])> =
                    vec![("csrf_token", None, csrf.as_bytes())];
                all.extend(fields.iter().map(|(n, f, d)| (*n, *f, d.as_slice())));
                c.post(url)
                    .header("Origin", base)
                    .header("Sec-Fetch-Site", "same-origin")
                    .header(
                        "Content-Type",
                        format!("multipart/form-data; boundary={BOUNDARY}"),
                    )
                    .body(multipart(&all))
                    .send()
                    .await
                    .unwrap()
            }
        };
        let files_before = app.audit(DEMO, "file.").await.len();
        // Not a document the file store accepts: refused against the upload field, nothing written.
        let r = post(vec![
            ("kind", None, b"yearly_report".to_vec()),
            ("title", None, b"Yearly report 2023/24".to_vec()),
            ("document", Some("report.exe"), b"MZ\x90\x00binary".to_vec()),
        ])
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(error_summary_links_to(&r.text().await.unwrap(), "document"));
        assert_eq!(app.audit(DEMO, "file.").await.len(), files_before);
        assert!(
            app.audit(DEMO, "sign_off.request").await.len() == 3,
            "only the demo's"
        );
        // A PDF: stored, attached to the item and shown on its page.
        let r = post(vec![
            ("kind", None, b"yearly_report".to_vec()),
            ("title", None, b"Yearly report 2023/24".to_vec()),
            (
                "document",
                Some("report.pdf"),
                b"%PDF-1.4\n%%EOF\n".to_vec(),
            ),
        ])
        .await;
        assert_eq!(r.status().as_u16(), 303);
        let id = location(&r)
            .trim_start_matches("/sign-offs/")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let (_, page) = app.get_text(&admin, &format!("/sign-offs/{id}")).await;
        assert!(page.contains("report.pdf"));
        assert!(page.contains("href=\"/files/"));
        let uploads = app.audit(DEMO, "file.upload").await;
        assert!(uploads[0].after_json.as_deref().unwrap().contains(&id));
    }
);
