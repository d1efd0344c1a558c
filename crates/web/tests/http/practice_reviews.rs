//! Practice reviews over HTTP: a local CSPR commissioned from its rapid review and taken through its
//! stages to publication on the pages (clocks across the calendar, publication refused before final
//! approval and before the notice's lead time, a draft's document under the case review rule), stale
//! edits (409, text kept), bad input refused with nothing saved, who may see what (panel and
//! administrators, 404 across partnerships), lived-experience consultants (only what is shared, never
//! a child, notification, reviewer or draft: a canary test), the demo, and the API.

use crate::actions::add_other_partnership_person;
use crate::files::{multipart, post_multipart_to};
use crate::helpers::*;

const ADMIN: &str = "admin@safeguard.example";
const BOARD: &str = "board@safeguard.example";
const SUBGROUP: &str = "subgroup@safeguard.example";
const CONSULTANT: &str = "consultant@safeguard.example";
const OTHER: &str = "other@shropshire.example";
const OUTSIDER: &str = "outsider@safeguard.example";
const DEMO: &str = "telford-wrekin";

fn flat(page: &str) -> String {
    page.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn reviews(app: &TestApp) -> Vec<safeguard_store::practice_reviews::ReviewRow> {
    let p = app.partnership_id(DEMO).await;
    let mut pc = app.db.acquire().await.unwrap();
    safeguard_store::practice_reviews::list_reviews(&mut pc.conn(), p, false, 1000)
        .await
        .unwrap()
}

async fn review(app: &TestApp, reference: &str) -> safeguard_store::practice_reviews::ReviewRow {
    reviews(app)
        .await
        .into_iter()
        .find(|r| r.reference == reference)
        .unwrap_or_else(|| panic!("no review {reference}"))
}

async fn notification_id(app: &TestApp, reference: &str) -> String {
    let p = app.partnership_id(DEMO).await;
    let mut pc = app.db.acquire().await.unwrap();
    safeguard_store::case_reviews::list_notifications(&mut pc.conn(), p, false, 1000)
        .await
        .unwrap()
        .into_iter()
        .find(|n| n.reference == reference)
        .unwrap()
        .notification_id
        .to_string()
}

/// Posts a form on a page, with that page's CSRF token.
async fn post(
    app: &TestApp,
    c: &reqwest::Client,
    form_path: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (status, page) = app.get_text(c, form_path).await;
    assert_eq!(status, 200, "{form_path}");
    let csrf = csrf_of(&page);
    let mut all = vec![("csrf_token", csrf.as_str())];
    // the form's version, sent back as a browser would (forms saved against a version)
    let marker = "name=\"version\" value=\"";
    let version = page.find(marker).map(|i| {
        page[i + marker.len()..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_owned()
    });
    if let Some(v) = version.as_deref()
        && !fields.iter().any(|(k, _)| *k == "version")
    {
        all.push(("version", v));
    }
    all.extend_from_slice(fields);
    app.post_form(c, action, &all).await
}

/// A notification through the pages, notified, with its rapid review deciding on a local CSPR; `text`
/// goes into every free-text field (the canary test plants one). Returns its id.
async fn notification_deciding_local_cspr(
    app: &TestApp,
    c: &reqwest::Client,
    reference: &str,
    text: &str,
) -> String {
    let summary = format!("Child A was seriously harmed. {text}");
    let r = post(
        app,
        c,
        "/case-reviews/new",
        "/case-reviews",
        &[
            ("reference", reference),
            ("summary", &summary),
            ("aware_on", "2026-05-18"),
            ("notified_on", "2026-05-20"),
            ("harm", "serious_harm"),
            ("abuse_or_neglect", "suspected"),
            ("location", "in_area"),
            ("decided_by", "Director of Children's Services"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let id = location(&r)
        .trim_start_matches("/case-reviews/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let name = format!("Fictional {text}");
    let r = post(
        app,
        c,
        &format!("/case-reviews/{id}/children/new"),
        &format!("/case-reviews/{id}/children"),
        &[
            ("age_description", "Girl aged 2"),
            ("full_name", &name),
            ("case_reference", text),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let facts = format!("Health visiting was involved. {text}");
    let r = post(
        app,
        c,
        &format!("/case-reviews/{id}/rapid-review"),
        &format!("/case-reviews/{id}/rapid-review"),
        &[("facts", &facts), ("learning", text)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = post(
        app,
        c,
        &format!("/case-reviews/{id}/decision"),
        &format!("/case-reviews/{id}/decision"),
        &[
            ("decision", "local_cspr"),
            ("rationale", "Criteria (a) and (c) are met."),
            // Tuesday 26 May 2026, after the spring bank holiday
            ("decided_on", "2026-05-26"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    id
}

/// Commissions the local review of a notification through the form (pre-filled from the rapid
/// review); returns its id.
async fn commission(
    app: &TestApp,
    c: &reqwest::Client,
    notification: &str,
    reference: &str,
) -> String {
    let (status, form) = app
        .get_text(
            c,
            &format!("/practice-reviews/new?notification={notification}"),
        )
        .await;
    assert_eq!(status, 200);
    // the notification is ticked, the commissioning date is the decision's
    assert!(
        form.contains(&format!("value=\"{notification}\" checked")),
        "{form}"
    );
    assert!(form.contains("value=\"2026-05-26\""));
    let r = app
        .post_form(
            c,
            "/practice-reviews",
            &[
                ("csrf_token", &csrf_of(&form)),
                ("kind", "local"),
                ("reference", reference),
                ("title", "Child T"),
                ("summary", "A review of how agencies worked together."),
                ("commissioned_on", "2026-05-26"),
                ("terms_of_reference", ""),
                ("notification_ids", notification),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let to = location(&r);
    assert!(to.ends_with("?notice=review-commissioned"), "{to}");
    to.trim_start_matches("/practice-reviews/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

async fn stage(
    app: &TestApp,
    c: &reqwest::Client,
    id: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    post(
        app,
        c,
        &format!("/practice-reviews/{id}/stage"),
        &format!("/practice-reviews/{id}/stage"),
        fields,
    )
    .await
}

/// Uploads a draft with a document through the multipart form.
async fn draft_with_document(
    app: &TestApp,
    c: &reqwest::Client,
    id: &str,
    label: &str,
    received: &str,
) -> reqwest::Response {
    let (_, form) = app
        .get_text(c, &format!("/practice-reviews/{id}/drafts/new"))
        .await;
    let csrf = csrf_of(&form);
    let body = multipart(&[
        ("csrf_token", None, csrf.as_bytes()),
        ("label", None, label.as_bytes()),
        ("received_on", None, received.as_bytes()),
        ("file", Some("draft-report.pdf"), b"%PDF-1.4\n%%EOF\n"),
    ]);
    post_multipart_to(app, c, &format!("/practice-reviews/{id}/drafts"), body).await
}

safeguard_testkit::both_backends!(
    a_local_cspr_from_its_rapid_review_to_publication,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let n = notification_deciding_local_cspr(&app, &admin, "SIN PR-1", "nothing").await;
        // the notification offers to commission the review
        let (_, page) = app.get_text(&admin, &format!("/case-reviews/{n}")).await;
        assert!(page.contains(&format!("/practice-reviews/new?notification={n}")));
        assert!(page.contains("Commission the practice review"));
        let id = commission(&app, &admin, &n, "CSPR TEST-1").await;
        // now it links to the review instead
        let (_, page) = app.get_text(&admin, &format!("/case-reviews/{n}")).await;
        assert!(page.contains(&format!("/practice-reviews/{id}")));
        assert!(!page.contains("Commission the practice review"));
        // Commissioned Tuesday 26 May 2026: 6 months is Thursday 26 November 2026, today.
        let (status, page) = app
            .get_text(&admin, &format!("/practice-reviews/{id}"))
            .await;
        assert_eq!(status, 200);
        let page = flat(&page);
        assert!(page.contains("CSPR TEST-1: Child T"));
        assert!(page.contains("26 November 2026"), "{page}");
        assert!(page.contains("Due today"));
        assert!(page.contains("SIN PR-1"));
        // a second local review of the same notification is refused
        let before = reviews(&app).await.len();
        let r = post(
            &app,
            &admin,
            "/practice-reviews/new",
            "/practice-reviews",
            &[
                ("kind", "local"),
                ("reference", "CSPR TEST-2"),
                ("title", "Child T"),
                ("summary", "Again."),
                ("commissioned_on", "2026-05-27"),
                ("notification_ids", &n),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "notification_ids"));
        assert!(body.contains("already has a local practice review, CSPR TEST-1"));
        assert_eq!(reviews(&app).await.len(), before);

        let r = stage(
            &app,
            &admin,
            &id,
            &[("stage", "terms_agreed"), ("stage_on", "2026-06-08")],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        let r = post(
            &app,
            &admin,
            &format!("/practice-reviews/{id}/reviewers/new"),
            &format!("/practice-reviews/{id}/reviewers"),
            &[
                ("name", "Dr Robin Tester"),
                ("organisation", "Independent"),
                ("role", "lead_reviewer"),
                ("independent", "yes"),
                ("appointed_on", "2026-06-15"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            review(&app, "CSPR TEST-1").await.stage,
            "reviewer_appointed"
        );
        // publishing before final approval: refused with the error summary, nothing changed
        let r = stage(
            &app,
            &admin,
            &id,
            &[
                ("stage", "published"),
                ("stage_on", "2026-06-16"),
                (
                    "published_url",
                    "https://www.example-lscp.example/cspr-test-1",
                ),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "stage"));
        assert!(body.contains("cannot be published before the final report has been approved"));
        assert!(
            body.contains("https://www.example-lscp.example/cspr-test-1"),
            "typed text kept"
        );
        let row = review(&app, "CSPR TEST-1").await;
        assert_eq!(row.stage, "reviewer_appointed");
        assert_eq!(row.published_on, None);
        // a draft before information gathering is refused and leaves no file
        let files_before = crate::files::rows(&app).await.len();
        let r = draft_with_document(&app, &admin, &id, "Draft 1", "2026-09-14").await;
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(crate::files::rows(&app).await.len(), files_before);
        let r = stage(
            &app,
            &admin,
            &id,
            &[
                ("stage", "information_gathering"),
                ("stage_on", "2026-06-22"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        let r = draft_with_document(&app, &admin, &id, "Draft 1", "2026-09-14").await;
        assert_eq!(r.status().as_u16(), 303);
        let row = review(&app, "CSPR TEST-1").await;
        assert_eq!(row.stage, "draft");
        assert_eq!(
            row.first_draft_on.map(|d| d.to_string()).as_deref(),
            Some("2026-09-14")
        );
        let r = stage(
            &app,
            &admin,
            &id,
            &[("stage", "final_approved"), ("stage_on", "2026-10-26")],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        // the notice with a planned date too soon, then right: Monday 2 November + 7 working days is
        // Wednesday 11 November
        let r = stage(
            &app,
            &admin,
            &id,
            &[
                ("stage", "notice_sent"),
                ("stage_on", "2026-11-02"),
                ("planned_publication_on", "2026-11-10"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("11 November 2026 at the earliest")
        );
        let r = stage(
            &app,
            &admin,
            &id,
            &[
                ("stage", "notice_sent"),
                ("stage_on", "2026-11-02"),
                ("planned_publication_on", "2026-11-12"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app
            .get_text(&admin, &format!("/practice-reviews/{id}"))
            .await;
        let page = flat(&page);
        // 7 working days before Thursday 12 November: Tuesday 3 November, met by the notice on the 2nd
        assert!(page.contains("3 November 2026"), "{page}");
        // published too early: refused
        let r = stage(
            &app,
            &admin,
            &id,
            &[
                ("stage", "published"),
                ("stage_on", "2026-11-10"),
                (
                    "published_url",
                    "https://www.example-lscp.example/cspr-test-1",
                ),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "stage_on"));
        assert!(body.contains("at least 7 working days after the pre-publication notice"));
        // not https: refused
        let r = stage(
            &app,
            &admin,
            &id,
            &[
                ("stage", "published"),
                ("stage_on", "2026-11-12"),
                (
                    "published_url",
                    "http://www.example-lscp.example/cspr-test-1",
                ),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(error_summary_links_to(
            &r.text().await.unwrap(),
            "published_url"
        ));
        assert_eq!(review(&app, "CSPR TEST-1").await.stage, "notice_sent");
        let r = stage(
            &app,
            &admin,
            &id,
            &[
                ("stage", "published"),
                ("stage_on", "2026-11-12"),
                (
                    "published_url",
                    "https://www.example-lscp.example/cspr-test-1",
                ),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app
            .get_text(&admin, &format!("/practice-reviews/{id}"))
            .await;
        let page = flat(&page);
        assert!(page.contains("href=\"https://www.example-lscp.example/cspr-test-1\""));
        assert!(page.contains("Met"));
        assert!(page.contains("draft-report.pdf"));
        // on the dashboard: the open review with its stage
        let (_, dash) = app.get_text(&admin, "/case-reviews").await;
        assert!(dash.contains("CSPR TEST-1"));
        assert!(dash.contains("CSPR 2022-01"));
        // the audit trail
        assert_eq!(app.audit(DEMO, "practice_review.create").await.len(), 8);
        let stages: Vec<_> = app
            .audit(DEMO, "practice_review.stage")
            .await
            .into_iter()
            .filter(|e| e.target_id.as_deref() == Some(id.as_str()))
            .collect();
        // terms, information gathering, final approval, notice and publication (refusals write nothing)
        assert_eq!(stages.len(), 5);
        assert!(
            stages[0]
                .after_json
                .as_deref()
                .unwrap_or("")
                .contains("published")
        );
        assert!(
            !app.audit(DEMO, "practice_review.reviewer.appoint")
                .await
                .is_empty()
        );
        let uploads = app.audit(DEMO, "file.upload").await;
        assert!(
            uploads[0]
                .after_json
                .as_deref()
                .unwrap_or("")
                .contains("practice_review")
        );
        assert!(!app.audit(DEMO, "practice_review.draft").await.is_empty());
    }
);

safeguard_testkit::both_backends!(
    a_stale_edit_is_409_and_bad_input_saves_nothing,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let row = review(&app, "CSPR 2022-01").await;
        let id = row.review_id.to_string();
        let (status, form) = app
            .get_text(&admin, &format!("/practice-reviews/{id}/edit"))
            .await;
        assert_eq!(status, 200);
        let csrf = csrf_of(&form);
        let version = row.version.to_string();
        let fields = |title: &'static str, version: String| {
            vec![
                ("csrf_token".to_owned(), csrf.clone()),
                ("reference".to_owned(), "CSPR 2022-01".to_owned()),
                ("title".to_owned(), title.to_owned()),
                ("summary".to_owned(), "A changed summary.".to_owned()),
                ("commissioned_on".to_owned(), "2022-09-27".to_owned()),
                ("terms_of_reference".to_owned(), "Terms.".to_owned()),
                ("version".to_owned(), version),
            ]
        };
        let send = |f: Vec<(String, String)>| {
            let admin = admin.clone();
            let url = app.url(&format!("/practice-reviews/{id}/edit"));
            let base = app.base.clone();
            async move {
                admin
                    .post(url)
                    .header("Origin", base)
                    .header("Sec-Fetch-Site", "same-origin")
                    .form(&f)
                    .send()
                    .await
                    .unwrap()
            }
        };
        // an empty title: 422, nothing saved
        let r = send(fields("", version.clone())).await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(error_summary_links_to(&r.text().await.unwrap(), "title"));
        // commissioned after the terms were agreed: 422
        let mut late = fields("Child S", version.clone());
        late[4].1 = "2022-10-19".to_owned();
        let r = send(late).await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Terms of reference agreed")
        );
        assert_eq!(review(&app, "CSPR 2022-01").await.version, row.version);
        // a good edit moves the version on
        let r = send(fields("Child S (renamed)", version.clone())).await;
        assert_eq!(r.status().as_u16(), 303);
        let now = review(&app, "CSPR 2022-01").await;
        assert_eq!(now.version, row.version + 1);
        assert_eq!(now.title, "Child S (renamed)");
        // the same form again is stale: 409, the person's text kept, nothing changed
        let r = send(fields("A stale title", version)).await;
        assert_eq!(r.status().as_u16(), 409);
        let body = r.text().await.unwrap();
        assert!(body.contains("A stale title"));
        assert!(body.contains("Someone else changed this review"));
        assert!(body.contains(&format!("value=\"{}\"", row.version + 1)));
        assert_eq!(
            review(&app, "CSPR 2022-01").await.title,
            "Child S (renamed)"
        );
        assert_eq!(app.audit(DEMO, "practice_review.update").await.len(), 1);
    }
);

safeguard_testkit::both_backends!(
    thematic_and_local_rules_refuse_bad_commissions,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let before = reviews(&app).await.len();
        let creates = app.audit(DEMO, "practice_review.create").await.len();
        let sin_2022_01 = notification_id(&app, "SIN 2022-01").await;
        let sin_2023_01 = notification_id(&app, "SIN 2023-01").await;
        let base = |kind: &'static str, date: &'static str| {
            vec![
                ("kind", kind),
                ("reference", "TR BAD-1"),
                ("title", "Neglect"),
                ("summary", "Cases of neglect."),
                ("commissioned_on", date),
            ]
        };
        // a thematic review of one notification
        let mut f = base("thematic", "2023-03-01");
        f.push(("notification_ids", &sin_2023_01));
        let r = post(
            &app,
            &admin,
            "/practice-reviews/new",
            "/practice-reviews",
            &f,
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("two or more notifications")
        );
        // commissioned before the local authority became aware of a covered incident
        let mut f = base("thematic", "2023-01-10");
        f.push(("notification_ids", &sin_2023_01));
        f.push(("notification_ids", &sin_2022_01));
        let r = post(
            &app,
            &admin,
            "/practice-reviews/new",
            "/practice-reviews",
            &f,
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "commissioned_on"));
        assert!(body.contains("SIN 2023-01"));
        // a local review of a notification whose rapid review decided on no CSPR
        let mut f = base("local", "2022-06-20");
        f.push(("notification_ids", &sin_2022_01));
        let r = post(
            &app,
            &admin,
            "/practice-reviews/new",
            "/practice-reviews",
            &f,
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("has not decided on a local child safeguarding practice review")
        );
        // in the future, and an impossible date
        let r = post(
            &app,
            &admin,
            "/practice-reviews/new",
            "/practice-reviews",
            &base("local", "2026-12-01"),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = post(
            &app,
            &admin,
            "/practice-reviews/new",
            "/practice-reviews",
            &base("local", "2023-02-30"),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("must be a real date"));
        // a duplicate reference
        let mut f = base("local", "2023-03-01");
        f[1] = ("reference", "CSPR 2021-01");
        let r = post(
            &app,
            &admin,
            "/practice-reviews/new",
            "/practice-reviews",
            &f,
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(reviews(&app).await.len(), before);
        assert_eq!(
            app.audit(DEMO, "practice_review.create").await.len(),
            creates
        );
        // a local review without a notification recorded here is allowed
        let r = post(
            &app,
            &admin,
            "/practice-reviews/new",
            "/practice-reviews",
            &base("local", "2023-03-01"),
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(reviews(&app).await.len(), before + 1);
        // going back a stage is refused
        let id = review(&app, "CSPR 2021-05").await.review_id.to_string();
        let r = stage(
            &app,
            &admin,
            &id,
            &[("stage", "terms_agreed"), ("stage_on", "2022-03-28")],
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("only move forward"));
    }
);

safeguard_testkit::both_backends!(
    only_the_panel_and_administrators_see_practice_reviews_and_their_documents,
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
        let id = review(&app, "CSPR 2022-01").await.review_id.to_string();
        // a document on the review
        let r = draft_with_document(&app, &admin, &id, "Draft 2", "2023-03-06").await;
        assert_eq!(r.status().as_u16(), 303);
        let file = crate::files::rows(&app)
            .await
            .into_iter()
            .find(|f| f.attached_to_id.map(|a| a.to_string()) == Some(id.clone()));
        // the ordinary list leaves it out, even for administrators
        assert!(file.is_none());
        let file = {
            let p = app.partnership_id(DEMO).await;
            let mut pc = app.db.acquire().await.unwrap();
            safeguard_store::practice_reviews::drafts(&mut pc.conn(), p, id.parse().unwrap())
                .await
                .unwrap()
                .into_iter()
                .find_map(|d| d.file_id)
                .unwrap()
                .to_string()
        };
        assert_eq!(
            app.get(&admin, &format!("/files/{file}"))
                .await
                .status()
                .as_u16(),
            200
        );
        // a panel member sees the review and downloads the document; views are audited
        let views = app.audit(DEMO, "practice_review.view").await.len();
        let member = app.signed_in(SUBGROUP).await;
        let (status, page) = app
            .get_text(&member, &format!("/practice-reviews/{id}"))
            .await;
        assert_eq!(status, 200);
        assert!(page.contains("Child S"));
        assert!(!page.contains("Record the next stage"));
        assert_eq!(
            app.audit(DEMO, "practice_review.view").await.len(),
            views + 1
        );
        assert_eq!(
            app.get(&member, &format!("/files/{file}"))
                .await
                .status()
                .as_u16(),
            200
        );
        assert_eq!(
            app.get(&member, "/practice-reviews")
                .await
                .status()
                .as_u16(),
            200
        );
        // a sub-group member not on the panel: the list refused, the review and its document missing
        let outsider = app.signed_in(OUTSIDER).await;
        assert_eq!(
            app.get(&outsider, "/practice-reviews")
                .await
                .status()
                .as_u16(),
            403
        );
        assert_eq!(
            app.get(&outsider, &format!("/practice-reviews/{id}"))
                .await
                .status()
                .as_u16(),
            404
        );
        assert_eq!(
            app.get(&outsider, &format!("/files/{file}"))
                .await
                .status()
                .as_u16(),
            404
        );
        let (_, files) = app.get_text(&outsider, "/files").await;
        assert!(!files.contains("draft-report.pdf"));
        let token = safeguard_service::tokens::issue_for_email(&app.svc, OUTSIDER, 30)
            .await
            .unwrap();
        assert_eq!(
            app.api_get(&token, &format!("/api/v1/files/{file}"))
                .await
                .status()
                .as_u16(),
            404
        );
        assert_eq!(
            app.api_get(&token, &format!("/api/v1/practice-reviews/{id}"))
                .await
                .status()
                .as_u16(),
            404
        );
        // a board member on the panel may read but not change it
        let board = app.signed_in(BOARD).await;
        let csrf = app.csrf(&board).await;
        let r = app
            .post_form(
                &board,
                &format!("/practice-reviews/{id}/stage"),
                &[
                    ("csrf_token", &csrf),
                    ("stage", "final_approved"),
                    ("stage_on", "2023-03-06"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403);
        // another partnership's administrator: 404, and their lists do not show it
        let other = app.signed_in(OTHER).await;
        assert_eq!(
            app.get(&other, &format!("/practice-reviews/{id}"))
                .await
                .status()
                .as_u16(),
            404
        );
        assert_eq!(
            app.get(&other, &format!("/files/{file}"))
                .await
                .status()
                .as_u16(),
            404
        );
        let csrf = app.csrf(&other).await;
        let r = app
            .post_form(
                &other,
                &format!("/practice-reviews/{id}/stage"),
                &[
                    ("csrf_token", &csrf),
                    ("stage", "final_approved"),
                    ("stage_on", "2023-03-06"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 404);
        let (status, list) = app.get_text(&other, "/practice-reviews").await;
        assert_eq!(status, 200);
        assert!(!list.contains("CSPR 2022-01"));
        assert_eq!(review(&app, "CSPR 2022-01").await.stage, "draft");
        // a practitioner has no case reviews at all
        let practitioner = app.signed_in("practitioner@safeguard.example").await;
        assert_eq!(
            app.get(&practitioner, "/practice-reviews")
                .await
                .status()
                .as_u16(),
            403
        );
    }
);

safeguard_testkit::both_backends!(
    a_consultant_sees_only_what_is_shared_and_never_a_canary,
    |backend| async move {
        const CANARY: &str = "CANARY-7Q4ZX";
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let n = notification_deciding_local_cspr(&app, &admin, "SIN CANARY", CANARY).await;
        let id = commission(&app, &admin, &n, "CSPR CANARY").await;
        let reviewer = format!("Dr {CANARY}");
        let r = post(
            &app,
            &admin,
            &format!("/practice-reviews/{id}/reviewers/new"),
            &format!("/practice-reviews/{id}/reviewers"),
            &[
                ("name", &reviewer),
                ("organisation", "Independent"),
                ("role", "lead_reviewer"),
                ("appointed_on", "2026-06-01"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        for (s, on) in [
            ("terms_agreed", "2026-06-08"),
            ("information_gathering", "2026-06-22"),
        ] {
            let r = stage(&app, &admin, &id, &[("stage", s), ("stage_on", on)]).await;
            assert_eq!(r.status().as_u16(), 303, "{s}");
        }
        let label = format!("Draft {CANARY}");
        let r = draft_with_document(&app, &admin, &id, &label, "2026-09-14").await;
        assert_eq!(r.status().as_u16(), 303);
        let note = format!("Met the family. {CANARY}");
        let r = post(
            &app,
            &admin,
            &format!("/practice-reviews/{id}/engagements/new"),
            &format!("/practice-reviews/{id}/engagements"),
            &[
                ("with_whom", "family"),
                ("held_on", "2026-09-21"),
                ("note", &note),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(review(&app, "CSPR CANARY").await.stage, "engagement");
        // sharing with someone who is not a consultant is refused
        let subgroup = app.person_id(SUBGROUP).await.to_string();
        let r = post(
            &app,
            &admin,
            &format!("/practice-reviews/{id}/shares"),
            &format!("/practice-reviews/{id}/shares"),
            &[("person_id", &subgroup)],
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        let consultant_id = app.person_id(CONSULTANT).await.to_string();
        let r = post(
            &app,
            &admin,
            &format!("/practice-reviews/{id}/shares"),
            &format!("/practice-reviews/{id}/shares"),
            &[("person_id", &consultant_id)],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(app.audit(DEMO, "practice_review.share").await.len(), 2);

        let consultant = app.signed_in(CONSULTANT).await;
        let token = safeguard_service::tokens::issue_for_email(&app.svc, CONSULTANT, 30)
            .await
            .unwrap();
        let shared_views = app.audit(DEMO, "practice_review.shared.view").await.len();
        let (status, home) = app.get_text(&consultant, "/").await;
        assert_eq!(status, 200);
        assert!(home.contains("href=\"/shared-reviews\""));
        let (status, list) = app.get_text(&consultant, "/shared-reviews").await;
        assert_eq!(status, 200);
        assert!(list.contains("CSPR CANARY"));
        // the demo's shared review
        assert!(list.contains("CSPR 2021-03"));
        assert!(!list.contains("CSPR 2022-01"));
        let (status, page) = app
            .get_text(&consultant, &format!("/shared-reviews/{id}"))
            .await;
        assert_eq!(status, 200);
        assert!(page.contains("Child T"));
        assert!(page.contains("Family and practitioner engagement"));
        let mut reached = vec![home, list, page];
        let r = app.api_get(&token, "/api/v1/shared-reviews").await;
        assert_eq!(r.status().as_u16(), 200);
        reached.push(r.text().await.unwrap());
        let r = app
            .api_get(&token, &format!("/api/v1/shared-reviews/{id}"))
            .await;
        assert_eq!(r.status().as_u16(), 200);
        reached.push(r.text().await.unwrap());
        assert_eq!(
            app.audit(DEMO, "practice_review.shared.view").await.len(),
            shared_views + 4
        );
        // nothing else of case reviews: refused or missing
        let draft_file = {
            let p = app.partnership_id(DEMO).await;
            let mut pc = app.db.acquire().await.unwrap();
            safeguard_store::practice_reviews::drafts(&mut pc.conn(), p, id.parse().unwrap())
                .await
                .unwrap()[0]
                .file_id
                .unwrap()
        };
        for path in [
            "/case-reviews".to_owned(),
            format!("/case-reviews/{n}"),
            "/practice-reviews".to_owned(),
            format!("/practice-reviews/{id}"),
            format!("/files/{draft_file}"),
            "/files".to_owned(),
        ] {
            let r = app.get(&consultant, &path).await;
            assert_eq!(r.status().as_u16(), 403, "{path}");
            reached.push(r.text().await.unwrap());
        }
        for path in [
            format!("/api/v1/practice-reviews/{id}"),
            format!("/api/v1/case-reviews/{n}"),
            format!("/api/v1/files/{draft_file}"),
        ] {
            let r = app.api_get(&token, &path).await;
            assert_eq!(r.status().as_u16(), 403, "{path}");
            reached.push(r.text().await.unwrap());
        }
        // an unshared review is missing
        let unshared = review(&app, "CSPR 2022-01").await.review_id;
        let r = app
            .get(&consultant, &format!("/shared-reviews/{unshared}"))
            .await;
        assert_eq!(r.status().as_u16(), 404);
        reached.push(r.text().await.unwrap());
        for body in &reached {
            assert!(
                !body.contains(CANARY),
                "the consultant reached the canary: {body}"
            );
            assert!(!body.contains("Fictional Child"));
        }
        // revoked: gone
        let r = app
            .post_form(
                &admin,
                &format!("/practice-reviews/{id}/shares/revoke"),
                &[
                    ("csrf_token", &app.csrf(&admin).await),
                    ("revoke_person_id", &consultant_id),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            app.get(&consultant, &format!("/shared-reviews/{id}"))
                .await
                .status()
                .as_u16(),
            404
        );
        let (_, list) = app.get_text(&consultant, "/shared-reviews").await;
        assert!(!list.contains("CSPR CANARY"));
        assert_eq!(
            app.audit(DEMO, "practice_review.share.revoke").await.len(),
            1
        );
        // the administrator's page lists the share with its revocation
        let (_, page) = app
            .get_text(&admin, &format!("/practice-reviews/{id}"))
            .await;
        assert!(page.contains("Jordan Lee"));
    }
);

safeguard_testkit::both_backends!(
    the_demo_has_the_years_reviews_and_the_dashboard_their_clocks,
    |backend| async move {
        let app = spawn_app(backend).await;
        let all = reviews(&app).await;
        let refs: Vec<&str> = all.iter().map(|r| r.reference.as_str()).collect();
        for r in [
            "CSPR 2021-01",
            "CSPR 2021-02",
            "CSPR 2021-03",
            "CSPR 2021-04",
            "CSPR 2021-05",
            "CSPR 2022-01",
            "TR 2022-01",
        ] {
            assert!(refs.contains(&r), "{r}: {refs:?}");
        }
        let in_year = |d: Option<chrono::NaiveDate>| {
            d.is_some_and(|d| {
                d.to_string().as_str() >= "2022-04-01" && d.to_string().as_str() <= "2023-03-31"
            })
        };
        let cspr: Vec<_> = all
            .iter()
            .filter(|r| r.reference.starts_with("CSPR"))
            .collect();
        assert_eq!(cspr.len(), 6);
        assert_eq!(cspr.iter().filter(|r| in_year(r.published_on)).count(), 4);
        for r in cspr.iter().filter(|r| r.published_on.is_some()) {
            assert!(r.published_url.starts_with("https://"), "{}", r.reference);
        }
        let tr = review(&app, "TR 2022-01").await;
        assert_eq!(tr.kind, "thematic");
        let p = app.partnership_id(DEMO).await;
        {
            let mut pc = app.db.acquire().await.unwrap();
            let cases = safeguard_store::practice_reviews::cases(&mut pc.conn(), p, tr.review_id)
                .await
                .unwrap();
            assert_eq!(cases.len(), 2);
            let reviewers =
                safeguard_store::practice_reviews::reviewers(&mut pc.conn(), p, tr.review_id)
                    .await
                    .unwrap();
            assert!(reviewers.iter().any(|r| r.independent));
            let local = review(&app, "CSPR 2022-01").await;
            let cases =
                safeguard_store::practice_reviews::cases(&mut pc.conn(), p, local.review_id)
                    .await
                    .unwrap();
            assert_eq!(cases[0].reference, "SIN 2022-02");
        }
        // the dashboard API lists the open reviews with working days remaining
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let v: serde_json::Value = app
            .api_get(&token, "/api/v1/case-reviews")
            .await
            .json()
            .await
            .unwrap();
        let open = v["practice_reviews"].as_array().unwrap();
        let cspr_2022 = open
            .iter()
            .find(|r| r["reference"] == "CSPR 2022-01")
            .unwrap();
        assert_eq!(cspr_2022["stage"], "draft");
        // commissioned 27 September 2022: due Monday 27 March 2023, long overdue on 26 November 2026
        assert_eq!(cspr_2022["open_deadlines"][0]["due_on"], "2023-03-27");
        assert_eq!(cspr_2022["open_deadlines"][0]["state"], "overdue");
        assert!(
            cspr_2022["open_deadlines"][0]["working_days_remaining"]
                .as_i64()
                .unwrap()
                < -800
        );
        // extended: criminal proceedings
        let delayed = open
            .iter()
            .find(|r| r["reference"] == "CSPR 2021-05")
            .unwrap();
        assert_eq!(delayed["open_deadlines"][0]["extended_to"], "2023-09-29");
        assert!(
            !open.iter().any(|r| r["reference"] == "CSPR 2021-01"),
            "closed"
        );
    }
);

safeguard_testkit::both_backends!(
    the_api_commissions_moves_stages_and_refuses_stale_or_bad_input,
    |backend| async move {
        let app = spawn_app(backend).await;
        add_other_partnership_person(&app).await;
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let send = |method: reqwest::Method, path: String, body: serde_json::Value| {
            let url = app.url(&path);
            let token = token.clone();
            async move {
                raw_client()
                    .request(method, url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let r = app.api_get(&token, "/api/v1/practice-reviews").await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(v["items"].as_array().unwrap().len() >= 7);
        // bad input: 422, nothing saved
        let before = reviews(&app).await.len();
        let r = send(
            reqwest::Method::POST,
            "/api/v1/practice-reviews".into(),
            serde_json::json!({"kind": "thematic", "reference": "TR API-1", "title": "Neglect", "summary": "x", "commissioned_on": "2023-03-01"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("notification_ids"));
        assert_eq!(reviews(&app).await.len(), before);
        let r = send(
            reqwest::Method::POST,
            "/api/v1/practice-reviews".into(),
            serde_json::json!({"kind": "local", "reference": "CSPR API-1", "title": "Child Q", "summary": "x", "commissioned_on": "2026-05-26"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        let id = v["id"].as_str().unwrap().to_owned();
        assert_eq!(v["stage"], "commissioned");
        assert_eq!(v["deadlines"][0]["rule"], "cspr_complete");
        assert_eq!(v["deadlines"][0]["due_on"], "2026-11-26");
        assert_eq!(v["notice_working_days"], 7);
        let version = v["version"].as_i64().unwrap();
        // publication before final approval
        let r = send(
            reqwest::Method::POST,
            format!("/api/v1/practice-reviews/{id}/stages"),
            serde_json::json!({"stage": "published", "stage_on": "2026-06-01", "published_url": "https://www.example-lscp.example/x"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("final report has been approved")
        );
        let r = send(
            reqwest::Method::POST,
            format!("/api/v1/practice-reviews/{id}/stages"),
            serde_json::json!({"stage": "terms_agreed", "stage_on": "2026-06-01"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["stage"], "terms_agreed");
        assert_eq!(v["stages"][1]["on"], "2026-06-01");
        // a stale version: 409
        let details = |version: i64| serde_json::json!({"reference": "CSPR API-1", "title": "Child Q2", "summary": "x", "commissioned_on": "2026-05-26", "version": version});
        let r = send(
            reqwest::Method::PUT,
            format!("/api/v1/practice-reviews/{id}"),
            details(version),
        )
        .await;
        assert_eq!(r.status().as_u16(), 409);
        let r = send(
            reqwest::Method::PUT,
            format!("/api/v1/practice-reviews/{id}"),
            details(version + 1),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(review(&app, "CSPR API-1").await.title, "Child Q2");
        // reviewer, check, answer, engagement, draft, extension
        let r = send(
            reqwest::Method::POST,
            format!("/api/v1/practice-reviews/{id}/reviewers"),
            serde_json::json!({"name": "A Reviewer", "organisation": "Independent", "role": "lead_reviewer", "independent": true, "appointed_on": "2026-06-02"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["stage"], "reviewer_appointed");
        let reviewer = v["reviewers"][0]["id"].as_str().unwrap().to_owned();
        let r = send(
            reqwest::Method::POST,
            format!("/api/v1/practice-reviews/{id}/checks"),
            serde_json::json!({"kind": "written_request", "checked_on": "2026-07-01", "note": "Asked for the chronology."}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        let check = v["checks"][0]["id"].as_str().unwrap().to_owned();
        let r = send(
            reqwest::Method::POST,
            format!("/api/v1/practice-reviews/{id}/checks/answer"),
            serde_json::json!({"check_id": check, "answered_on": "2026-06-30"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = send(
            reqwest::Method::POST,
            format!("/api/v1/practice-reviews/{id}/checks/answer"),
            serde_json::json!({"check_id": check, "answered_on": "2026-07-03"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let r = send(
            reqwest::Method::POST,
            format!("/api/v1/practice-reviews/{id}/extend"),
            serde_json::json!({"rule": "cspr_complete", "extended_to": "2027-01-29", "extension_reason": ""}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = send(
            reqwest::Method::POST,
            format!("/api/v1/practice-reviews/{id}/extend"),
            serde_json::json!({"rule": "cspr_complete", "extended_to": "2027-01-29", "extension_reason": "Criminal proceedings"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["deadlines"][0]["extended_to"], "2027-01-29");
        let r = send(
            reqwest::Method::POST,
            format!("/api/v1/practice-reviews/{id}/reviewers/end"),
            serde_json::json!({"reviewer_id": reviewer, "ended_on": "2026-06-01"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = send(
            reqwest::Method::POST,
            format!("/api/v1/practice-reviews/{id}/reviewers/end"),
            serde_json::json!({"reviewer_id": reviewer, "ended_on": "2026-07-10"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let r = send(
            reqwest::Method::POST,
            format!("/api/v1/practice-reviews/{id}/drafts"),
            serde_json::json!({"label": "Draft 1", "received_on": "2026-08-01"}),
        )
        .await;
        assert_eq!(
            r.status().as_u16(),
            422,
            "no draft before information gathering"
        );
        // a panel member may read but not write; another partnership sees nothing
        let board = safeguard_service::tokens::issue_for_email(&app.svc, BOARD, 30)
            .await
            .unwrap();
        assert_eq!(
            app.api_get(&board, &format!("/api/v1/practice-reviews/{id}"))
                .await
                .status()
                .as_u16(),
            200
        );
        let r = raw_client()
            .post(app.url(&format!("/api/v1/practice-reviews/{id}/stages")))
            .bearer_auth(&board)
            .json(&serde_json::json!({"stage": "information_gathering", "stage_on": "2026-06-10"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403);
        let other = safeguard_service::tokens::issue_for_email(&app.svc, OTHER, 30)
            .await
            .unwrap();
        assert_eq!(
            app.api_get(&other, &format!("/api/v1/practice-reviews/{id}"))
                .await
                .status()
                .as_u16(),
            404
        );
        let r = raw_client()
            .post(app.url(&format!("/api/v1/practice-reviews/{id}/stages")))
            .bearer_auth(&other)
            .json(&serde_json::json!({"stage": "information_gathering", "stage_on": "2026-06-10"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404);
        assert_eq!(review(&app, "CSPR API-1").await.stage, "reviewer_appointed");
        // the API document describes the routes
        let doc: serde_json::Value = raw_client()
            .get(app.url("/api/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(doc["paths"]["/api/v1/practice-reviews/{id}/stages"]["post"].is_object());
        assert!(doc["paths"]["/api/v1/shared-reviews/{id}"]["get"].is_object());
    }
);
