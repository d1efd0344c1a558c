//! Case review administration: the partnership's settings (notice before publication, reminder
//! lead times) validated, versioned and audited on the page and in the API; an administrator
//! marking a body as the case review panel from its edit form (and the API), which gives its current
//! members access, audited; and the daily reminders at the lead times through the outbox and a real
//! SMTP server: sent once, none on a bank holiday, working days counted across bank holidays, no
//! child's details.

use crate::actions::add_other_partnership_person;
use crate::case_reviews::create;
use crate::helpers::*;
use chrono::{TimeZone, Utc};
use safeguard_service::mail::{Mailer, deliver_due};
use safeguard_testkit::smtp::SmtpSink;
use serde_json::{Value, json};

const ADMIN: &str = "admin@safeguard.example";
const BOARD: &str = "board@safeguard.example";
const OTHER: &str = "other@shropshire.example";
const OUTSIDER: &str = "outsider@safeguard.example";
const DEMO: &str = "telford-wrekin";
const FROM: &str = "Safeguard <no-reply@safeguard.invalid>";

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

async fn settings(app: &TestApp) -> safeguard_domain::case_reviews::CaseReviewSettings {
    let p = app.partnership_id(DEMO).await;
    let mut pc = app.db.acquire().await.unwrap();
    safeguard_store::case_reviews::get_settings(&mut pc.conn(), p)
        .await
        .unwrap()
}

safeguard_testkit::both_backends!(
    settings_are_validated_versioned_and_audited,
    |backend| async move {
        let app = spawn_app(backend).await;
        add_other_partnership_person(&app).await;
        let admin = app.signed_in(ADMIN).await;
        let (status, page) = app.get_text(&admin, "/case-reviews/settings").await;
        assert_eq!(status, 200);
        assert!(page.contains("value=\"10, 5, 2\""));
        assert!(page.contains("name=\"version\" value=\"0\""));
        assert!(page.contains("standard settings"));
        let (_, dash) = app.get_text(&admin, "/case-reviews").await;
        assert!(dash.contains("href=\"/case-reviews/settings\""));
        let csrf = csrf_of(&page);
        // bad values: each field's message, the values kept, nothing saved
        let r = app
            .post_form(
                &admin,
                "/case-reviews/settings",
                &[
                    ("csrf_token", &csrf),
                    ("pre_publication_notice_days", "0"),
                    ("reminder_lead_days", "5, 5, 70"),
                    ("version", "0"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "pre_publication_notice_days"));
        assert!(error_summary_links_to(&body, "reminder_lead_days"));
        assert!(body.contains("value=\"5, 5, 70\""));
        assert_eq!(settings(&app).await.version, 0);
        let r = app
            .post_form(
                &admin,
                "/case-reviews/settings",
                &[
                    ("csrf_token", &csrf),
                    ("pre_publication_notice_days", "1,2,3,4,5,6"),
                    ("reminder_lead_days", "1,2,3,4,5,6"),
                    ("version", "0"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("at most 5 reminders"));
        // good values
        let r = app
            .post_form(
                &admin,
                "/case-reviews/settings",
                &[
                    ("csrf_token", &csrf),
                    ("pre_publication_notice_days", "10"),
                    ("reminder_lead_days", "3 15, 0"),
                    ("version", "0"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            location(&r),
            "/case-reviews/settings?notice=case-review-settings-saved"
        );
        let s = settings(&app).await;
        assert_eq!(
            (
                s.pre_publication_notice_days,
                s.reminder_lead_days,
                s.version
            ),
            (10, vec![15, 3, 0], 1)
        );
        let audit = app.audit(DEMO, "case_review.settings.update").await;
        assert_eq!(audit.len(), 1);
        assert!(
            audit[0]
                .before_json
                .as_deref()
                .unwrap()
                .contains("\"reminder_lead_days\":[10,5,2]")
        );
        assert!(
            audit[0]
                .after_json
                .as_deref()
                .unwrap()
                .contains("\"reminder_lead_days\":[15,3,0]")
        );
        // a stale save (from the defaults): 409, the values kept, the current version on the form
        let r = app
            .post_form(
                &admin,
                "/case-reviews/settings",
                &[
                    ("csrf_token", &csrf),
                    ("pre_publication_notice_days", "20"),
                    ("reminder_lead_days", "4"),
                    ("version", "0"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 409);
        let body = r.text().await.unwrap();
        assert!(body.contains("Someone else changed the case review settings"));
        assert!(body.contains("value=\"20\""));
        assert!(body.contains("name=\"version\" value=\"1\""));
        assert_eq!(settings(&app).await.pre_publication_notice_days, 10);

        // the API
        let t = token(&app, ADMIN).await;
        let (status, v) = send(
            &app,
            reqwest::Method::GET,
            &t,
            "/api/v1/case-reviews/settings",
            None,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(
            v,
            json!({"pre_publication_notice_days": 10, "reminder_lead_days": [15, 3, 0], "version": 1})
        );
        let put = |b: Value| {
            send(
                &app,
                reqwest::Method::PUT,
                &t,
                "/api/v1/case-reviews/settings",
                Some(b),
            )
        };
        let (status, _) =
            put(json!({"pre_publication_notice_days": 7, "reminder_lead_days": [2], "version": 0}))
                .await;
        assert_eq!(status, 409);
        let (status, p) = put(
            json!({"pre_publication_notice_days": 61, "reminder_lead_days": [-1, 2], "version": 1}),
        )
        .await;
        assert_eq!(status, 422);
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(
            fields,
            vec!["pre_publication_notice_days", "reminder_lead_days"]
        );
        let (status, v) = put(
            json!({"pre_publication_notice_days": 7, "reminder_lead_days": [2, 5], "version": 1}),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(
            v,
            json!({"pre_publication_notice_days": 7, "reminder_lead_days": [5, 2], "version": 2})
        );
        assert_eq!(
            app.audit(DEMO, "case_review.settings.update").await.len(),
            2
        );
        // not for panel members who are not administrators; another partnership has its own
        let board = app.signed_in(BOARD).await;
        assert_eq!(
            app.get(&board, "/case-reviews/settings")
                .await
                .status()
                .as_u16(),
            403
        );
        let bt = token(&app, BOARD).await;
        let (status, _) = send(
            &app,
            reqwest::Method::GET,
            &bt,
            "/api/v1/case-reviews/settings",
            None,
        )
        .await;
        assert_eq!(status, 403);
        let ot = token(&app, OTHER).await;
        let (status, v) = send(
            &app,
            reqwest::Method::GET,
            &ot,
            "/api/v1/case-reviews/settings",
            None,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(v["version"], 0);
        assert_eq!(v["reminder_lead_days"], json!([10, 5, 2]));
    }
);

/// The fields of a body's edit form as they are now, with `panel` for the panel question.
async fn body_fields(app: &TestApp, body: uuid::Uuid, panel: &str) -> Vec<(String, String)> {
    let p = app.partnership_id(DEMO).await;
    let mut pc = app.db.acquire().await.unwrap();
    let row = safeguard_store::governance::find_body(&mut pc.conn(), p, body)
        .await
        .unwrap()
        .unwrap();
    let i = safeguard_service::governance::input_of(&row);
    let mut out = vec![
        ("name".to_owned(), i.name),
        ("kind".to_owned(), i.kind),
        ("terms_of_reference".to_owned(), i.terms_of_reference),
        ("chair_person_id".to_owned(), i.chair_person_id),
        ("parent_body_id".to_owned(), i.parent_body_id),
        ("meeting_frequency".to_owned(), i.meeting_frequency),
        ("start_date".to_owned(), i.start_date),
        ("end_date".to_owned(), i.end_date),
    ];
    if !panel.is_empty() {
        out.push(("handles_case_reviews".to_owned(), panel.to_owned()));
    }
    out
}

async fn post_body(
    app: &TestApp,
    c: &reqwest::Client,
    body: uuid::Uuid,
    panel: &str,
) -> reqwest::Response {
    let fields = body_fields(app, body, panel).await;
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.post_with_csrf(c, &format!("/bodies/{body}/edit"), &pairs)
        .await
}

safeguard_testkit::both_backends!(
    an_administrator_marks_a_body_as_the_case_review_panel,
    |backend| async move {
        let app = spawn_app(backend).await;
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
        let neglect = {
            let p = app.partnership_id(DEMO).await;
            let mut pc = app.db.acquire().await.unwrap();
            safeguard_store::governance::find_body_by_name(&mut pc.conn(), p, "Neglect sub-group")
                .await
                .unwrap()
                .unwrap()
        };
        let outsider_id = app.person_id(OUTSIDER).await.0.to_string();
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/bodies/{neglect}/members"),
                &[
                    ("person_id", &outsider_id),
                    ("organisation_id", ""),
                    ("role", "member"),
                    ("joined_on", ""),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let outsider = app.signed_in(OUTSIDER).await;
        assert_eq!(
            app.get(&outsider, "/case-reviews").await.status().as_u16(),
            403
        );
        // the edit form asks, and says what it means
        let (status, form) = app
            .get_text(&admin, &format!("/bodies/{neglect}/edit"))
            .await;
        assert_eq!(status, 200);
        assert!(form.contains("Is this the case review panel?"));
        assert!(form.contains("will be able to see case review records"));
        // a value that is neither: refused, nothing changed
        let r = post_body(&app, &admin, neglect, "maybe").await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(error_summary_links_to(
            &r.text().await.unwrap(),
            "handles_case_reviews"
        ));
        assert!(app.audit(DEMO, "case_review.panel").await.is_empty());
        // marked: its current members see the dashboard
        let r = post_body(&app, &admin, neglect, "yes").await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            app.get(&outsider, "/case-reviews").await.status().as_u16(),
            200
        );
        let marks = app.audit(DEMO, "case_review.panel.mark").await;
        assert_eq!(marks.len(), 1);
        assert_eq!(
            marks[0].target_id.as_deref(),
            Some(neglect.to_string().as_str())
        );
        let (_, page) = app.get_text(&admin, &format!("/bodies/{neglect}")).await;
        assert!(page.contains("Yes: its current members see case review records"));
        // saving the form again unchanged writes no second entry; leaving the question out changes nothing
        assert_eq!(
            post_body(&app, &admin, neglect, "yes")
                .await
                .status()
                .as_u16(),
            303
        );
        assert_eq!(
            post_body(&app, &admin, neglect, "").await.status().as_u16(),
            303
        );
        assert_eq!(app.audit(DEMO, "case_review.panel.mark").await.len(), 1);
        assert_eq!(
            app.get(&outsider, "/case-reviews").await.status().as_u16(),
            200
        );
        // unmarked: access ends
        assert_eq!(
            post_body(&app, &admin, neglect, "no")
                .await
                .status()
                .as_u16(),
            303
        );
        assert_eq!(
            app.get(&outsider, "/case-reviews").await.status().as_u16(),
            403
        );
        assert_eq!(app.audit(DEMO, "case_review.panel.unmark").await.len(), 1);

        // the API body update marks it too (administrators); adding a body cannot
        let t = token(&app, ADMIN).await;
        let (_, v) = send(
            &app,
            reqwest::Method::GET,
            &t,
            &format!("/api/v1/bodies/{neglect}"),
            None,
        )
        .await;
        assert_eq!(v["body"]["handles_case_reviews"], false);
        let mut b = json!({"name": v["body"]["name"], "kind": v["body"]["kind"], "handles_case_reviews": true});
        let (status, v) = send(
            &app,
            reqwest::Method::PUT,
            &t,
            &format!("/api/v1/bodies/{neglect}"),
            Some(b.clone()),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["body"]["handles_case_reviews"], true);
        assert_eq!(app.audit(DEMO, "case_review.panel.mark").await.len(), 2);
        b["handles_case_reviews"] = Value::Null;
        let (status, v) = send(
            &app,
            reqwest::Method::PUT,
            &t,
            &format!("/api/v1/bodies/{neglect}"),
            Some(b),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(
            v["body"]["handles_case_reviews"], true,
            "left out: unchanged"
        );
        let (status, v) = send(
            &app,
            reqwest::Method::POST,
            &t,
            "/api/v1/bodies",
            Some(json!({"name": "New panel", "kind": "sub_group", "handles_case_reviews": true})),
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(v["errors"][0]["field"], "handles_case_reviews");
    }
);

/// The reminder emails queued to an address, oldest first.
async fn reminders_to(app: &TestApp, email: &str) -> Vec<safeguard_store::outbox::Message> {
    app.outbox_to(email)
        .await
        .into_iter()
        .filter(|m| m.subject.contains("case review reminders"))
        .collect()
}

safeguard_testkit::both_backends!(
    reminders_reach_the_panel_at_the_lead_times_once,
    |backend| async move {
        let app = spawn_app(backend).await;
        // only this test's clocks are counted (not the demo's practice reviews')
        app.meet_open_deadlines().await;
        let sink = SmtpSink::start().await;
        let mailer = Mailer::new(Some(&sink.url()), FROM).unwrap();
        let admin = app.signed_in(ADMIN).await;
        let recipients = {
            let p = app.partnership_id(DEMO).await;
            let mut pc = app.db.acquire().await.unwrap();
            safeguard_store::case_reviews::panel_recipients(
                &mut pc.conn(),
                p,
                safeguard_domain::actions::uk_date(app.svc.now()),
            )
            .await
            .unwrap()
        };
        assert!(!recipients.is_empty());
        let n = recipients.len();
        // Today is Thursday 26 November 2026; the lead times are 10, 5 and 2 working days.
        // Aware Monday 23 November: due Monday 30 November, 2 working days away.
        let a = create(&app, &admin, "SIN REM-A", "2026-11-23", "").await;
        // Aware Tuesday 10 November: due Tuesday 17 November, overdue.
        create(&app, &admin, "SIN REM-B", "2026-11-10", "").await;
        // Aware today: due Thursday 3 December, 5 working days away.
        create(&app, &admin, "SIN REM-C", "2026-11-26", "").await;
        // Aware Wednesday 25 November: due Wednesday 2 December, 4 working days away: no reminder.
        create(&app, &admin, "SIN REM-D", "2026-11-25", "").await;
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/case-reviews/{a}/children"),
                &[
                    ("age_description", "Girl aged 2"),
                    ("full_name", "Fictional Reminder Child"),
                    ("date_of_birth", ""),
                    ("case_reference", "CR-REMIND-1"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);

        let queued =
            safeguard_service::case_review_reminders::send_reminders(&app.svc, app.svc.now())
                .await
                .unwrap();
        assert_eq!(queued, n);
        assert_eq!(deliver_due(&app.svc, &mailer).await.unwrap(), (n, 0));
        let got = sink.messages();
        assert_eq!(got.len(), n);
        let mut to: Vec<String> = got.iter().flat_map(|m| m.to.clone()).collect();
        to.sort();
        let mut expected: Vec<String> = recipients.iter().map(|r| r.email.clone()).collect();
        expected.sort();
        assert_eq!(to, expected);
        let first = &recipients[0].email;
        let reminders = reminders_to(&app, first).await;
        assert_eq!(reminders.len(), 1);
        assert!(reminders[0].subject.contains("case review reminders (3)"));
        assert_eq!(reminders[0].status, "sent");
        let mail = reminders[0].body_text.clone();
        assert!(
            mail.contains("SIN REM-A: Notify the National Panel"),
            "{mail}"
        );
        assert!(mail.contains("2 working days left"));
        assert!(mail.contains("SIN REM-B"));
        assert!(mail.contains("OVERDUE: was due 17 November 2026"));
        assert!(mail.contains("SIN REM-C"));
        assert!(mail.contains("5 working days left"));
        assert!(!mail.contains("SIN REM-D"));
        assert!(mail.contains(&format!("/case-reviews/{a}")));
        for secret in [
            "Fictional Reminder Child",
            "CR-REMIND-1",
            "Girl aged 2",
            "Child A",
        ] {
            assert!(!mail.contains(secret), "{secret} in a reminder");
        }

        // again the same day: nothing more (directly, and through the scheduler's daily job)
        let again =
            safeguard_service::case_review_reminders::send_reminders(&app.svc, app.svc.now())
                .await
                .unwrap();
        assert_eq!(again, 0);
        assert!(
            safeguard_service::scheduler::case_review_reminders_job(&app.svc, "test")
                .await
                .unwrap()
        );
        assert!(
            !safeguard_service::scheduler::case_review_reminders_job(&app.svc, "test")
                .await
                .unwrap()
        );
        assert_eq!(deliver_due(&app.svc, &mailer).await.unwrap(), (0, 0));
        assert_eq!(sink.messages().len(), n);

        // Christmas 2026: Friday 25 and Monday 28 December are bank holidays. The lead times become
        // 10, 5 and 3 working days.
        let (status, _) = send(
            &app,
            reqwest::Method::PUT,
            &token(&app, ADMIN).await,
            "/api/v1/case-reviews/settings",
            Some(json!({"pre_publication_notice_days": 7, "reminder_lead_days": [10, 5, 3], "version": 0})),
        )
        .await;
        assert_eq!(status, 200);
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 12, 23, 9, 0, 0).unwrap());
        // Aware Wednesday 23 December: due Monday 4 January 2027 (24, 29, 30 and 31 December, then
        // New Year's Day on the Friday).
        let admin = app.signed_in(ADMIN).await;
        create(&app, &admin, "SIN REM-E", "2026-12-23", "").await;
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 12, 25, 9, 0, 0).unwrap());
        assert_eq!(
            safeguard_service::case_review_reminders::send_reminders(&app.svc, app.svc.now())
                .await
                .unwrap(),
            0,
            "nothing on Christmas Day"
        );
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 12, 28, 9, 0, 0).unwrap());
        assert_eq!(
            safeguard_service::case_review_reminders::send_reminders(&app.svc, app.svc.now())
                .await
                .unwrap(),
            0,
            "nothing on the Boxing Day substitute"
        );
        // Tuesday 29 December: 3 working days to Monday 4 January (30, 31 December and 4 January)
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 12, 29, 9, 0, 0).unwrap());
        let queued =
            safeguard_service::case_review_reminders::send_reminders(&app.svc, app.svc.now())
                .await
                .unwrap();
        assert_eq!(queued, n);
        assert_eq!(deliver_due(&app.svc, &mailer).await.unwrap(), (n, 0));
        assert_eq!(sink.messages().len(), 2 * n);
        let reminders = reminders_to(&app, first).await;
        assert_eq!(reminders.len(), 2);
        let mail = reminders[1].body_text.clone();
        assert!(mail.contains("SIN REM-E"), "{mail}");
        assert!(mail.contains("3 working days left"));
        assert!(mail.contains("10, 5, 3 working days before a due date"));
        // A and C are overdue now and told once; B was told already
        assert!(mail.contains("SIN REM-A") && mail.contains("SIN REM-C"));
        assert!(!mail.contains("SIN REM-B"));
        assert!(!mail.contains("Fictional Reminder Child"));
        assert_eq!(
            safeguard_service::case_review_reminders::send_reminders(&app.svc, app.svc.now())
                .await
                .unwrap(),
            0
        );
    }
);
