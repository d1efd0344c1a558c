//! Case reviews: a notification through the pages (deadlines worked out from the right dates across
//! the 2022 bank holidays, children pseudonymised, identities only after an audited reveal), the
//! rapid review, its decision (refused without a rationale), the partners' sign-off request and the
//! Panel exchange; bad input refused with nothing saved; who may see what (panel members and
//! administrators only, 404 for another partnership); every view audit-logged; the demo; the API.

use crate::actions::add_other_partnership_person;
use crate::helpers::*;

const ADMIN: &str = "admin@safeguard.example";
const BOARD: &str = "board@safeguard.example";
const SUBGROUP: &str = "subgroup@safeguard.example";
const OTHER: &str = "other@shropshire.example";
const OUTSIDER: &str = "outsider@safeguard.example";
const DEMO: &str = "telford-wrekin";

pub(crate) fn flat(page: &str) -> String {
    page.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn notification_count(app: &TestApp) -> usize {
    let p = app.partnership_id(DEMO).await;
    let mut pc = app.db.acquire().await.unwrap();
    safeguard_store::case_reviews::list_notifications(&mut pc.conn(), p, false, 1000)
        .await
        .unwrap()
        .len()
}

pub(crate) fn fields<'a>(
    csrf: &'a str,
    reference: &'a str,
    aware: &'a str,
    notified: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", csrf),
        ("reference", reference),
        (
            "summary",
            "Child A, a baby, was admitted to hospital with unexplained injuries.",
        ),
        ("aware_on", aware),
        ("notified_on", notified),
        ("partners_informed_on", ""),
        ("harm", "serious_harm"),
        ("abuse_or_neglect", "suspected"),
        ("location", "in_area"),
        ("decided_by", "Director of Children's Services"),
        ("other_children_note", ""),
    ]
}

/// Records a notification through the form; returns its id.
pub(crate) async fn create(
    app: &TestApp,
    c: &reqwest::Client,
    reference: &str,
    aware: &str,
    notified: &str,
) -> String {
    let (status, page) = app.get_text(c, "/case-reviews/new").await;
    assert_eq!(status, 200);
    let csrf = csrf_of(&page);
    let r = app
        .post_form(
            c,
            "/case-reviews",
            &fields(&csrf, reference, aware, notified),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let to = location(&r);
    assert!(to.ends_with("?notice=notification-saved"), "{to}");
    to.trim_start_matches("/case-reviews/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

safeguard_testkit::both_backends!(
    a_notification_and_its_rapid_review_through_the_pages,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        // Aware on Thursday 26 May 2022: 2 and 3 June were bank holidays, so due Monday 6 June.
        let id = create(&app, &admin, "SIN TEST-1", "2022-05-26", "").await;
        let (status, page) = app.get_text(&admin, &format!("/case-reviews/{id}")).await;
        assert_eq!(status, 200);
        let page = flat(&page);
        assert!(page.contains("Notification SIN TEST-1"));
        assert!(page.contains("6 June 2022"), "{page}");
        assert!(page.contains("Overdue"));
        assert!(page.contains("The rapid review starts once the National Panel has been notified"));
        // the dashboard lists it with its deadline
        let (status, dash) = app.get_text(&admin, "/case-reviews").await;
        assert_eq!(status, 200);
        assert!(dash.contains("SIN TEST-1"));
        assert!(
            dash.contains("<th scope=\"col\" class=\"govuk-table__header\">Working days left</th>")
                || dash.contains("Working days left")
        );

        // notified on Monday 6 June: met on time; the rapid review is due 15 working days later, 27 June
        let (_, form) = app
            .get_text(&admin, &format!("/case-reviews/{id}/edit"))
            .await;
        let csrf = csrf_of(&form);
        let mut edit = fields(&csrf, "SIN TEST-1", "2022-05-26", "2022-06-06");
        edit.extend([("version", "1"), ("flags_shown", "yes")]);
        let r = app
            .post_form(&admin, &format!("/case-reviews/{id}/edit"), &edit)
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&admin, &format!("/case-reviews/{id}")).await;
        let page = flat(&page);
        assert!(page.contains("27 June 2022"), "{page}");
        assert!(page.contains("Met"));

        // a child: Child A on the page, the name nowhere but after the reveal
        let (status, form) = app
            .get_text(&admin, &format!("/case-reviews/{id}/children/new"))
            .await;
        assert_eq!(status, 200);
        let r = app
            .post_form(
                &admin,
                &format!("/case-reviews/{id}/children"),
                &[
                    ("csrf_token", &csrf_of(&form)),
                    ("age_description", "Girl aged 4 months"),
                    ("full_name", "Fictional Zulu Testchild"),
                    ("date_of_birth", "2022-01-06"),
                    ("case_reference", "CR-TEST-9"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&admin, &format!("/case-reviews/{id}")).await;
        assert!(page.contains("Child A"));
        assert!(!page.contains("Fictional Zulu Testchild"));
        assert!(!page.contains("CR-TEST-9"));
        let (_, dash) = app.get_text(&admin, "/case-reviews").await;
        assert!(!dash.contains("Fictional Zulu Testchild"));
        let reveals_before = app.audit(DEMO, "case_review.identities.reveal").await.len();
        let r = app
            .post_form(
                &admin,
                &format!("/case-reviews/{id}/identities"),
                &[("csrf_token", &csrf_of(&page))],
            )
            .await;
        assert_eq!(r.status().as_u16(), 200);
        let shown = r.text().await.unwrap();
        assert!(shown.contains("Fictional Zulu Testchild"));
        assert!(shown.contains("CR-TEST-9"));
        let reveals = app.audit(DEMO, "case_review.identities.reveal").await;
        assert_eq!(reveals.len(), reveals_before + 1);
        assert_eq!(reveals[0].target_id.as_deref(), Some(id.as_str()));
        // identities never reach the audit trail
        for e in app.audit(DEMO, "case_review").await {
            assert!(!e.after_json.unwrap_or_default().contains("Fictional Zulu"));
        }

        // the rapid review's content
        let (status, form) = app
            .get_text(&admin, &format!("/case-reviews/{id}/rapid-review"))
            .await;
        assert_eq!(status, 200);
        let r = app
            .post_form(
                &admin,
                &format!("/case-reviews/{id}/rapid-review"),
                &[
                    ("csrf_token", &csrf_of(&form)),
                    ("facts", "Health visiting and the GP were involved."),
                    ("key_practice_episodes", "First presentation."),
                    ("immediate_actions", "Safety plan."),
                    ("learning", "Bruising protocol."),
                    ("context", "None identified."),
                    ("reg11_a", "yes"),
                    ("reg11_a_rationale", "Improvements needed."),
                    ("reg11_b", "no"),
                    ("reg11_b_rationale", "Not recurrent."),
                    ("reg11_c", ""),
                    ("reg11_c_rationale", ""),
                    ("reg11_d", ""),
                    ("reg11_d_rationale", ""),
                    ("panel_meeting_on", "2022-06-20"),
                    ("version", "0"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);

        // a decision without a rationale is refused, nothing saved
        let (_, form) = app
            .get_text(&admin, &format!("/case-reviews/{id}/decision"))
            .await;
        let csrf = csrf_of(&form);
        let r = app
            .post_form(
                &admin,
                &format!("/case-reviews/{id}/decision"),
                &[
                    ("csrf_token", &csrf),
                    ("decision", "no_cspr"),
                    ("other_learning_route", ""),
                    ("rationale", ""),
                    ("decided_on", "2022-06-20"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "rationale"));
        assert!(error_summary_links_to(&body, "other_learning_route"));
        {
            let p = app.partnership_id(DEMO).await;
            let mut pc = app.db.acquire().await.unwrap();
            let rr =
                safeguard_store::case_reviews::rapid_review(&mut pc.conn(), p, id.parse().unwrap())
                    .await
                    .unwrap()
                    .unwrap();
            assert_eq!(rr.decision, None);
            assert_eq!(rr.facts, "Health visiting and the GP were involved.");
        }
        let r = app
            .post_form(
                &admin,
                &format!("/case-reviews/{id}/decision"),
                &[
                    ("csrf_token", &csrf),
                    ("decision", "no_cspr"),
                    ("other_learning_route", "A learning event"),
                    ("rationale", "The learning is known."),
                    ("decided_on", "2022-06-20"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);

        // the lead partners are asked to sign it off through the sign-off module
        let (_, page) = app.get_text(&admin, &format!("/case-reviews/{id}")).await;
        assert!(page.contains("Ask the lead partners to sign off"));
        let r = app
            .post_form(
                &admin,
                &format!("/case-reviews/{id}/sign-off"),
                &[("csrf_token", &csrf_of(&page))],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&admin, &format!("/case-reviews/{id}")).await;
        assert!(flat(&page).contains("Awaiting the partners (0 of 3 signed)"));
        let (_, list) = app.get_text(&admin, "/sign-offs").await;
        assert!(list.contains("Rapid review SIN TEST-1"));

        // sent late (the rapid review clock only warns), then the Panel's response
        let (_, form) = app
            .get_text(&admin, &format!("/case-reviews/{id}/panel"))
            .await;
        let r = app
            .post_form(
                &admin,
                &format!("/case-reviews/{id}/panel"),
                &[
                    ("csrf_token", &csrf_of(&form)),
                    ("sent_to_panel_on", "2022-06-28"),
                    ("panel_response_on", "2022-07-08"),
                    ("panel_outcome", "agrees"),
                    ("panel_response_note", ""),
                    ("version", "2"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&admin, &format!("/case-reviews/{id}")).await;
        let page = flat(&page);
        assert!(page.contains("Met late"), "{page}");
        assert!(page.contains("Agrees with the partners"));
        // closed: off the dashboard
        let (_, dash) = app.get_text(&admin, "/case-reviews").await;
        assert!(!dash.contains("SIN TEST-1"));
    }
);

safeguard_testkit::both_backends!(
    bad_input_is_refused_and_nothing_saved,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let before = notification_count(&app).await;
        let (_, page) = app.get_text(&admin, "/case-reviews/new").await;
        let csrf = csrf_of(&page);
        // notified before the local authority became aware
        let r = app
            .post_form(
                &admin,
                "/case-reviews",
                &fields(&csrf, "SIN BAD-1", "2022-09-12", "2022-09-09"),
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "notified_on"));
        assert!(
            body.contains("must be the same as or after the date the local authority became aware")
        );
        // an impossible date
        let r = app
            .post_form(
                &admin,
                "/case-reviews",
                &fields(&csrf, "SIN BAD-2", "2022-02-30", ""),
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "aware_on"));
        assert!(body.contains("must be a real date"));
        // nothing chosen at all
        let r = app
            .post_form(&admin, "/case-reviews", &[("csrf_token", &csrf)])
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "harm"));
        assert!(error_summary_links_to(&body, "reference"));
        // a duplicate reference
        let r = app
            .post_form(
                &admin,
                "/case-reviews",
                &fields(&csrf, "SIN 2022-01", "2022-09-12", ""),
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(notification_count(&app).await, before);
        assert!(
            app.audit(DEMO, "case_review.notification.create")
                .await
                .len()
                == before
        );
    }
);

safeguard_testkit::both_backends!(
    only_the_panel_and_administrators_see_case_reviews,
    |backend| async move {
        let app = spawn_app(backend).await;
        add_other_partnership_person(&app).await;
        safeguard_service::people::add_from_cli(
            &app.svc,
            OUTSIDER,
            "Olive Outsider",
            "Telford & Wrekin Council",
            DEMO,
            "sub_group_member",
            PASSWORD,
        )
        .await
        .unwrap();
        let admin = app.signed_in(ADMIN).await;
        let (_, dash) = app.get_text(&admin, "/case-reviews").await;
        // the demo: SIN 2023-01 awaits the Panel's response
        assert!(dash.contains("SIN 2023-01"));
        let id = {
            let p = app.partnership_id(DEMO).await;
            let mut pc = app.db.acquire().await.unwrap();
            safeguard_store::case_reviews::list_notifications(&mut pc.conn(), p, false, 10)
                .await
                .unwrap()
                .into_iter()
                .find(|n| n.reference == "SIN 2022-02")
                .unwrap()
                .notification_id
                .to_string()
        };
        // a sub-group member on the panel sees it; the view is audit-logged
        let views = app.audit(DEMO, "case_review.view").await.len();
        let member = app.signed_in(SUBGROUP).await;
        let (status, page) = app.get_text(&member, &format!("/case-reviews/{id}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("Child A") && page.contains("Child B"));
        assert!(!page.contains("Fictional Child Bravo"));
        assert!(
            !page.contains("Show the children&#x27;s identities")
                && !page.contains("Show the children's identities")
        );
        let after = app.audit(DEMO, "case_review.view").await;
        assert_eq!(after.len(), views + 1);
        assert_eq!(after[0].target_id.as_deref(), Some(id.as_str()));
        // a sub-group member who is not on the panel: refused, and told the record does not exist
        let outsider = app.signed_in(OUTSIDER).await;
        assert_eq!(
            app.get(&outsider, "/case-reviews").await.status().as_u16(),
            403
        );
        assert_eq!(
            app.get(&outsider, &format!("/case-reviews/{id}"))
                .await
                .status()
                .as_u16(),
            404
        );
        // no "Case reviews" link for people without the permission
        let practitioner = app.signed_in("practitioner@safeguard.example").await;
        let (_, home) = app.get_text(&practitioner, "/").await;
        assert!(!home.contains("href=\"/case-reviews\""));
        assert_eq!(
            app.get(&practitioner, "/case-reviews")
                .await
                .status()
                .as_u16(),
            403
        );
        // a board member on the panel may not reveal identities
        let board = app.signed_in(BOARD).await;
        let csrf = app.csrf(&board).await;
        let r = app
            .post_form(
                &board,
                &format!("/case-reviews/{id}/identities"),
                &[("csrf_token", &csrf)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403);
        // another partnership's administrator: 404
        let other = app.signed_in(OTHER).await;
        assert_eq!(
            app.get(&other, &format!("/case-reviews/{id}"))
                .await
                .status()
                .as_u16(),
            404
        );
        let csrf = app.csrf(&other).await;
        let r = app
            .post_form(
                &other,
                &format!("/case-reviews/{id}/identities"),
                &[("csrf_token", &csrf)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 404);
        let (status, dash) = app.get_text(&other, "/case-reviews").await;
        assert_eq!(status, 200);
        assert!(!dash.contains("SIN 2022-02"));
    }
);

safeguard_testkit::both_backends!(
    the_api_lists_gets_and_validates_without_identities,
    |backend| async move {
        let app = spawn_app(backend).await;
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let r = app.api_get(&token, "/api/v1/case-reviews").await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        let items = v["items"].as_array().unwrap();
        assert!(items.iter().any(|i| i["reference"] == "SIN 2023-01"));
        let id = items[0]["id"].as_str().unwrap().to_owned();
        let r = app
            .api_get(&token, &format!("/api/v1/case-reviews/{id}"))
            .await;
        assert_eq!(r.status().as_u16(), 200);
        let body = r.text().await.unwrap();
        assert!(body.contains("\"letter\":\"A\""));
        assert!(!body.contains("Fictional Child"));
        assert!(!body.contains("DEMO-SIN"));
        // the demo's clocks: SIN 2023-01 was notified on Friday 20 January 2023, due 10 February
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["reference"], "SIN 2023-01");
        assert_eq!(v["deadlines"][0]["due_on"], "2023-01-25");
        assert_eq!(v["deadlines"][1]["due_on"], "2023-02-10");
        assert_eq!(v["deadlines"][1]["state"], "met");
        // bad input: 422, nothing saved
        let before = notification_count(&app).await;
        let bad = serde_json::json!({
            "reference": "SIN API-1", "summary": "x", "aware_on": "2022-09-12", "notified_on": "2022-09-01",
            "harm": "death", "abuse_or_neglect": "known", "location": "in_area", "decided_by": "DCS"
        });
        let r = raw_client()
            .post(app.url("/api/v1/case-reviews"))
            .bearer_auth(&token)
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("notified_on"));
        let mut good = bad.clone();
        good["notified_on"] = serde_json::json!("2022-09-14");
        let r = raw_client()
            .post(app.url("/api/v1/case-reviews"))
            .bearer_auth(&token)
            .json(&good)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        // aware Monday 12 September 2022: the state funeral on the 19th pushes it to Tuesday 20th
        assert_eq!(v["deadlines"][0]["due_on"], "2022-09-20");
        assert_eq!(v["deadlines"][1]["due_on"], "2022-10-06");
        assert_eq!(notification_count(&app).await, before + 1);
        // a decision without a rationale through the API
        let nid = v["id"].as_str().unwrap().to_owned();
        let r = raw_client()
        .put(app.url(&format!("/api/v1/case-reviews/{nid}/decision")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"decision": "local_cspr", "rationale": " ", "decided_on": "2022-09-30", "version": 0}))
        .send()
        .await
        .unwrap();
        assert_eq!(r.status().as_u16(), 422);
        // a read-only panel member may read but not write
        let board = safeguard_service::tokens::issue_for_email(&app.svc, BOARD, 30)
            .await
            .unwrap();
        assert_eq!(
            app.api_get(&board, "/api/v1/case-reviews")
                .await
                .status()
                .as_u16(),
            200
        );
        let r = raw_client()
            .post(app.url("/api/v1/case-reviews"))
            .bearer_auth(&board)
            .json(&good)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403);
    }
);

safeguard_testkit::both_backends!(
    the_weekly_digest_tells_the_panel_of_deadlines_due_soon,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        // Today is Thursday 26 November 2026. Aware on Friday 20 November: due Friday 27 November,
        // within the 2 working days of "due soon". Aware on Thursday 26 November: due 3 December, not yet.
        create(&app, &admin, "SIN SOON-1", "2026-11-20", "").await;
        create(&app, &admin, "SIN LATER-1", "2026-11-26", "").await;
        let n = safeguard_service::case_reviews::weekly_digest(&app.svc, app.svc.now())
            .await
            .unwrap();
        // the demo panel: administrator (chair), agency lead, board, sub-group and practitioner members
        assert_eq!(n, 5);
        let mail = app.outbox_to(SUBGROUP).await;
        let m = mail
            .iter()
            .find(|m| m.subject.contains("case review deadlines"))
            .expect("digest");
        assert!(m.body_text.contains("SIN SOON-1"));
        assert!(m.body_text.contains("27 November 2026"));
        assert!(!m.body_text.contains("SIN LATER-1"));
        assert!(app.outbox_to(OUTSIDER).await.is_empty());
    }
);

safeguard_testkit::both_backends!(
    a_deadline_is_extended_with_a_reason_and_agencies_recorded,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        // aware Thursday 19 November 2026, notified the next day: the rapid review is due 11 December
        let id = create(&app, &admin, "SIN EXT-1", "2026-11-19", "2026-11-20").await;
        let (status, form) = app
            .get_text(&admin, &format!("/case-reviews/{id}/extend"))
            .await;
        assert_eq!(status, 200);
        let csrf = csrf_of(&form);
        // no reason: refused, nothing changed
        let r = app
            .post_form(
                &admin,
                &format!("/case-reviews/{id}/extend"),
                &[
                    ("csrf_token", &csrf),
                    ("rule", "rapid_review"),
                    ("extended_to", "2026-12-18"),
                    ("extension_reason", ""),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(error_summary_links_to(
            &r.text().await.unwrap(),
            "extension_reason"
        ));
        let r = app
            .post_form(
                &admin,
                &format!("/case-reviews/{id}/extend"),
                &[
                    ("csrf_token", &csrf),
                    ("rule", "rapid_review"),
                    ("extended_to", "2026-12-18"),
                    ("extension_reason", "Awaiting the police summary"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&admin, &format!("/case-reviews/{id}")).await;
        let page = flat(&page);
        assert!(
            page.contains("18 December 2026 (extended from 11 December 2026)"),
            "{page}"
        );
        assert!(page.contains("Awaiting the police summary"));
        assert_eq!(
            app.audit(DEMO, "case_review.deadline.extend").await.len(),
            1
        );
        // an agency summary requested and received
        let (status, form) = app
            .get_text(&admin, &format!("/case-reviews/{id}/agencies/new"))
            .await;
        assert_eq!(status, 200);
        let police = select_options(&form, "organisation_id")
            .into_iter()
            .find(|(_, label)| label == "West Mercia Police")
            .unwrap()
            .0;
        let r = app
            .post_form(
                &admin,
                &format!("/case-reviews/{id}/agencies"),
                &[
                    ("csrf_token", &csrf_of(&form)),
                    ("organisation_id", &police),
                    ("requested_on", "2026-11-23"),
                    ("received_on", "2026-11-20"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = app
            .post_form(
                &admin,
                &format!("/case-reviews/{id}/agencies"),
                &[
                    ("csrf_token", &csrf_of(&form)),
                    ("organisation_id", &police),
                    ("requested_on", "2026-11-23"),
                    ("received_on", ""),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&admin, &format!("/case-reviews/{id}")).await;
        assert!(page.contains("Agency summaries"));
        assert!(page.contains("West Mercia Police"));
        assert!(page.contains("23 November 2026"));
    }
);
