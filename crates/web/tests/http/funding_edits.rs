//! Funding edits: a year's budget and notes (audited before and after), correcting a spend line
//! against its version (a stale edit answers 409 and the person's text is shown again, nothing
//! lost), removing a line entered by mistake (kept, out of the totals, listed with who, when and
//! why), removing a contribution (audited with before), refusals (403 for a board member, 404 for
//! another partnership) and the CSV download with its formula guard, on pages and in the API.

use crate::actions::add_other_partnership_person;
use crate::helpers::*;
use serde_json::{Value, json};

const ADMIN: &str = "admin@safeguard.example";
const BOARD: &str = "board@safeguard.example";
const LEAD: &str = "lead@safeguard.example";
const OTHER: &str = "other@shropshire.example";
const DEMO: &str = "telford-wrekin";

async fn add_year(app: &TestApp, c: &reqwest::Client, year: &str, budget: &str) -> String {
    let r = app
        .post_with_csrf(
            c,
            "/funding/new",
            &[("start_year", year), ("budget", budget), ("notes", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    location(&r)
        .trim_start_matches("/funding/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

async fn add_spend(app: &TestApp, c: &reqwest::Client, year: &str, fields: &[(&str, &str)]) {
    let r = app
        .post_with_csrf(c, &format!("/funding/{year}/spend"), fields)
        .await;
    assert_eq!(r.status().as_u16(), 303, "add spend");
}

async fn token(app: &TestApp, email: &str) -> String {
    safeguard_service::tokens::issue_for_email(&app.svc, email, 30)
        .await
        .unwrap()
}

async fn detail(app: &TestApp, token: &str, id: &str) -> Value {
    let r = app
        .api_get(token, &format!("/api/v1/funding-years/{id}"))
        .await;
    assert_eq!(r.status().as_u16(), 200);
    r.json().await.unwrap()
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let r = raw_client()
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

safeguard_testkit::both_backends!(
    a_years_budget_and_notes_are_changed_and_audited,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let id = add_year(&app, &admin, "2024", "£100,000").await;
        let (status, page) = app.get_text(&admin, &format!("/funding/{id}")).await;
        assert_eq!(status, 200);
        assert!(page.contains(&format!("href=\"/funding/{id}/edit\"")));
        let (status, page) = app.get_text(&admin, &format!("/funding/{id}/edit")).await;
        assert_eq!(status, 200);
        assert_eq!(page.matches("<h1").count(), 1);
        assert!(page.contains("for=\"budget\"") && page.contains("value=\"100000.00\""));
        assert!(page.contains("for=\"notes\""));
        assert!(page.contains("name=\"version\" value=\"1\""));
        assert!(page.contains("Save budget and notes"));
        // A bad budget: field message, error summary, nothing changed or audited.
        let before = app.audit(DEMO, "funding_year.update").await.len();
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/funding/{id}/edit"),
                &[("budget", "lots"), ("notes", "Kept text"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(error_summary_links_to(&page, "budget"));
        assert!(page.contains("Budget must be an amount of money in pounds and pence"));
        assert!(page.contains("Kept text"));
        assert_eq!(app.audit(DEMO, "funding_year.update").await.len(), before);
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/funding/{id}/edit"),
                &[
                    ("budget", "£120,000.50"),
                    ("notes", "Agreed at the May board"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(
            location(&r),
            format!("/funding/{id}?notice=funding-year-updated")
        );
        let audit = app.audit(DEMO, "funding_year.update").await;
        assert_eq!(audit.len(), before + 1);
        let e = audit
            .iter()
            .find(|e| e.target_id.as_deref() == Some(&id))
            .unwrap();
        let b: Value = serde_json::from_str(e.before_json.as_deref().unwrap()).unwrap();
        let a: Value = serde_json::from_str(e.after_json.as_deref().unwrap()).unwrap();
        assert_eq!(b["budget_pence"], 10_000_000);
        assert_eq!(b["notes"], "");
        assert_eq!(a["budget_pence"], 12_000_050);
        assert_eq!(a["notes"], "Agreed at the May board");
        assert_eq!(
            (b["version"].clone(), a["version"].clone()),
            (json!(1), json!(2))
        );
        // A stale change (made from version 1): 409, the person's text kept on the form.
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/funding/{id}/edit"),
                &[
                    ("budget", "1"),
                    ("notes", "My stale notes"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 409);
        let page = r.text().await.unwrap();
        assert!(page.contains("Someone else changed the budget or notes"));
        assert!(page.contains("My stale notes"));
        assert!(page.contains("name=\"version\" value=\"2\""));
        assert_eq!(
            app.audit(DEMO, "funding_year.update").await.len(),
            before + 1
        );
        // The API.
        let t = token(&app, ADMIN).await;
        let path = format!("/api/v1/funding-years/{id}");
        let (status, p) = send(
            &app,
            reqwest::Method::PUT,
            &t,
            &path,
            json!({"budget": "-3", "version": 2}),
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(p["errors"][0]["field"], "budget");
        let (status, _) = send(
            &app,
            reqwest::Method::PUT,
            &t,
            &path,
            json!({"budget": "150000", "notes": "Revised", "version": 1}),
        )
        .await;
        assert_eq!(status, 409);
        let (status, v) = send(
            &app,
            reqwest::Method::PUT,
            &t,
            &path,
            json!({"budget": "150000", "notes": "Revised", "version": 2}),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(v["year"]["version"], 3);
        assert_eq!(v["year"]["budget_pence"], 15_000_000);
        assert_eq!(v["year"]["notes"], "Revised");
        assert_eq!(v["summary"]["remaining_pence"], 15_000_000);
    }
);

safeguard_testkit::both_backends!(
    spend_lines_are_corrected_by_version_and_removed_without_losing_anything,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let id = add_year(&app, &admin, "2024", "£10,000").await;
        for (d, what, amount) in [
            ("2024-05-01", "Trainer", "1000"),
            ("2024-06-01", "Trainer (entered twice)", "1000"),
        ] {
            add_spend(
                &app,
                &admin,
                &id,
                &[
                    ("spent_on", d),
                    ("category", "training"),
                    ("description", what),
                    ("amount", amount),
                    ("supplier", ""),
                ],
            )
            .await;
        }
        let t = token(&app, ADMIN).await;
        let v = detail(&app, &t, &id).await;
        assert_eq!(v["summary"]["spent_pence"], 200_000);
        let first = v["spend"][0]["id"].as_str().unwrap().to_owned();
        let twice = v["spend"][1]["id"].as_str().unwrap().to_owned();
        assert_eq!(v["spend"][0]["version"], 1);
        let (_, page) = app.get_text(&admin, &format!("/funding/{id}")).await;
        assert!(page.contains(&format!("href=\"/funding-spend/{first}/edit\"")));

        // The correction form.
        let (status, page) = app
            .get_text(&admin, &format!("/funding-spend/{first}/edit"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(page.matches("<h1").count(), 1);
        for f in [
            "spent_on",
            "category",
            "description",
            "amount",
            "supplier",
            "reason",
        ] {
            assert!(page.contains(&format!("for=\"{f}\"")), "label for {f}");
        }
        assert!(page.contains("name=\"version\" value=\"1\""));
        assert!(page.contains("Save correction") && page.contains("Remove spend line"));
        // Invalid: field messages, nothing changed.
        let edit = format!("/funding-spend/{first}/edit");
        let r = app
            .post_with_csrf(
                &admin,
                &edit,
                &[
                    ("spent_on", "2026-01-01"),
                    ("category", "training"),
                    ("description", "Trainer"),
                    ("amount", "0"),
                    ("supplier", ""),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(error_summary_links_to(&page, "spent_on"));
        assert!(error_summary_links_to(&page, "amount"));
        assert!(page.contains("The date must be within 2024/25"));
        // A correction.
        let audit_before = app.audit(DEMO, "funding.spend_update").await.len();
        let r = app
            .post_with_csrf(
                &admin,
                &edit,
                &[
                    ("spent_on", "2024-05-02"),
                    ("category", "case_reviews"),
                    ("description", "Independent reviewer"),
                    ("amount", "£1,500.25"),
                    ("supplier", "Reviews Ltd"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(location(&r), format!("/funding/{id}?notice=spend-updated"));
        let audit = app.audit(DEMO, "funding.spend_update").await;
        assert_eq!(audit.len(), audit_before + 1);
        let e = audit
            .iter()
            .find(|e| e.target_id.as_deref() == Some(&first))
            .unwrap();
        let b: Value = serde_json::from_str(e.before_json.as_deref().unwrap()).unwrap();
        let a: Value = serde_json::from_str(e.after_json.as_deref().unwrap()).unwrap();
        assert_eq!(
            (b["amount_pence"].clone(), b["version"].clone()),
            (json!(100_000), json!(1))
        );
        assert_eq!(b["description"], "Trainer");
        assert_eq!(
            (a["amount_pence"].clone(), a["version"].clone()),
            (json!(150_025), json!(2))
        );
        assert_eq!(a["supplier"], "Reviews Ltd");
        // A stale edit (made from version 1): 409, the person's text shown again, nothing changed.
        let r = app
            .post_with_csrf(
                &admin,
                &edit,
                &[
                    ("spent_on", "2024-05-03"),
                    ("category", "training"),
                    ("description", "My stale wording"),
                    ("amount", "999"),
                    ("supplier", ""),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 409);
        let page = r.text().await.unwrap();
        assert!(page.contains("Someone else changed or removed this spend line"));
        assert!(page.contains("value=\"My stale wording\""));
        assert!(page.contains("name=\"version\" value=\"2\""));
        let line: Value = app
            .api_get(&t, &format!("/api/v1/funding-spend/{first}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(line["description"], "Independent reviewer");
        assert_eq!(line["amount_pence"], 150_025);
        assert_eq!(line["version"], 2);
        assert_eq!(
            app.audit(DEMO, "funding.spend_update").await.len(),
            audit_before + 1
        );
        // The API: stale 409, current 200.
        let path = format!("/api/v1/funding-spend/{first}");
        let body = |version: i64| {
            json!({"spent_on": "2024-05-02", "category": "case_reviews", "description": "Independent reviewer (API)",
                   "amount": "1500.25", "supplier": "Reviews Ltd", "version": version})
        };
        let (status, p) = send(&app, reqwest::Method::PUT, &t, &path, body(1)).await;
        assert_eq!(status, 409, "{p}");
        let (status, v) = send(&app, reqwest::Method::PUT, &t, &path, body(2)).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["version"], 3);
        assert_eq!(v["description"], "Independent reviewer (API)");

        // Removal needs a reason; then the line is kept, listed, and out of the totals.
        let remove = format!("/funding-spend/{twice}/remove");
        let r = app
            .post_with_csrf(&admin, &remove, &[("reason", " "), ("version", "1")])
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(error_summary_links_to(&r.text().await.unwrap(), "reason"));
        let r = app
            .post_with_csrf(
                &admin,
                &remove,
                &[("reason", "Entered twice by mistake"), ("version", "1")],
            )
            .await;
        assert_eq!(location(&r), format!("/funding/{id}?notice=spend-removed"));
        let v = detail(&app, &t, &id).await;
        assert_eq!(v["spend"].as_array().unwrap().len(), 1);
        assert_eq!(v["summary"]["spent_pence"], 150_025);
        assert_eq!(v["summary"]["remaining_pence"], 1_000_000 - 150_025);
        let removed = v["removed_spend"].as_array().unwrap();
        assert_eq!(removed.len(), 1);
        assert_eq!(removed[0]["id"], twice.as_str());
        assert_eq!(removed[0]["removed_reason"], "Entered twice by mistake");
        assert!(removed[0]["removed_at"].is_string());
        let (_, page) = app.get_text(&admin, &format!("/funding/{id}")).await;
        assert!(page.contains("Removed lines"));
        assert!(page.contains("Entered twice by mistake"));
        assert!(page.contains("Trainer (entered twice)"));
        let audit = app.audit(DEMO, "funding.spend_remove").await;
        let e = audit
            .iter()
            .find(|e| e.target_id.as_deref() == Some(&twice))
            .unwrap();
        let b: Value = serde_json::from_str(e.before_json.as_deref().unwrap()).unwrap();
        assert_eq!(b["amount_pence"], 100_000);
        assert!(
            e.after_json
                .as_deref()
                .unwrap()
                .contains("Entered twice by mistake")
        );
        // A removed line: no correction page, and a second removal is a conflict.
        assert_eq!(
            app.get(&admin, &format!("/funding-spend/{twice}/edit"))
                .await
                .status()
                .as_u16(),
            404
        );
        let (status, _) = send(
            &app,
            reqwest::Method::POST,
            &t,
            &format!("/api/v1/funding-spend/{twice}/remove"),
            json!({"reason": "Again", "version": 2}),
        )
        .await;
        assert_eq!(status, 409);
        // The API removes too.
        let (status, v) = send(
            &app,
            reqwest::Method::POST,
            &t,
            &format!("/api/v1/funding-spend/{first}/remove"),
            json!({"reason": "", "version": 3}),
        )
        .await;
        assert_eq!(status, 422, "{v}");
        let (status, v) = send(
            &app,
            reqwest::Method::POST,
            &t,
            &format!("/api/v1/funding-spend/{first}/remove"),
            json!({"reason": "Paid by the council directly", "version": 3}),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["removed_reason"], "Paid by the council directly");
        assert_eq!(detail(&app, &t, &id).await["summary"]["spent_pence"], 0);
    }
);

safeguard_testkit::both_backends!(
    removing_a_contribution_is_audited_with_what_it_was,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let id = add_year(&app, &admin, "2024", "£90,000").await;
        let council = app
            .organisation_id("Telford & Wrekin Council")
            .await
            .to_string();
        for amount in ["30000", "0"] {
            let r = app
                .post_with_csrf(
                    &admin,
                    &format!("/funding/{id}/contributions"),
                    &[
                        ("organisation_id", council.as_str()),
                        ("contribution_amount", amount),
                    ],
                )
                .await;
            assert_eq!(r.status().as_u16(), 303);
        }
        let audit = app.audit(DEMO, "funding.contribution").await;
        let last = audit
            .iter()
            .filter(|e| e.target_id.as_deref() == Some(&id))
            .max_by_key(|e| e.seq)
            .unwrap();
        let b: Value = serde_json::from_str(last.before_json.as_deref().unwrap()).unwrap();
        let a: Value = serde_json::from_str(last.after_json.as_deref().unwrap()).unwrap();
        assert_eq!(b["amount_pence"], 3_000_000);
        assert_eq!(a["amount_pence"], 0);
        let t = token(&app, ADMIN).await;
        assert_eq!(
            detail(&app, &t, &id).await["contributions"]
                .as_array()
                .unwrap()
                .len(),
            0
        );
    }
);

safeguard_testkit::both_backends!(
    funding_edits_are_refused_to_board_members_and_other_partnerships,
    |backend| async move {
        let app = spawn_app(backend).await;
        let t = token(&app, ADMIN).await;
        let years: Value = app
            .api_get(&t, "/api/v1/funding-years")
            .await
            .json()
            .await
            .unwrap();
        let year = years[0]["id"].as_str().unwrap().to_owned();
        let v = detail(&app, &t, &year).await;
        let line = v["spend"][0]["id"].as_str().unwrap().to_owned();
        let spent = v["summary"]["spent_pence"].clone();
        // A board member reads funding but does not change it.
        let board = app.signed_in(BOARD).await;
        assert_eq!(
            app.get(&board, &format!("/funding/{year}"))
                .await
                .status()
                .as_u16(),
            200
        );
        let (_, page) = app.get_text(&board, &format!("/funding/{year}")).await;
        assert!(!page.contains("/edit\""));
        for path in [
            format!("/funding/{year}/edit"),
            format!("/funding-spend/{line}/edit"),
        ] {
            assert_eq!(
                app.get(&board, &path).await.status().as_u16(),
                403,
                "{path}"
            );
        }
        let r = app
            .post_with_csrf(
                &board,
                &format!("/funding-spend/{line}/remove"),
                &[("reason", "Not mine"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403);
        let r = app
            .post_with_csrf(&board, &format!("/funding/{year}/edit"), &[("budget", "1")])
            .await;
        assert_eq!(r.status().as_u16(), 403);
        let bt = token(&app, BOARD).await;
        let (status, _) = send(
            &app,
            reqwest::Method::PUT,
            &bt,
            &format!("/api/v1/funding-years/{year}"),
            json!({"budget": "1", "version": 1}),
        )
        .await;
        assert_eq!(status, 403);
        let (status, _) = send(
            &app,
            reqwest::Method::POST,
            &bt,
            &format!("/api/v1/funding-spend/{line}/remove"),
            json!({"reason": "x", "version": 1}),
        )
        .await;
        assert_eq!(status, 403);
        // Another partnership's administrator: it does not exist for them.
        add_other_partnership_person(&app).await;
        let other = app.signed_in(OTHER).await;
        for path in [
            format!("/funding/{year}/edit"),
            format!("/funding-spend/{line}/edit"),
            format!("/funding/{year}/export.csv"),
        ] {
            assert_eq!(
                app.get(&other, &path).await.status().as_u16(),
                404,
                "{path}"
            );
        }
        let r = app
            .post_with_csrf(
                &other,
                &format!("/funding-spend/{line}/remove"),
                &[("reason", "Not mine"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 404);
        let r = app
            .post_with_csrf(
                &other,
                &format!("/funding-spend/{line}/edit"),
                &[("description", "x"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 404);
        let ot = token(&app, OTHER).await;
        let (status, _) = send(
            &app,
            reqwest::Method::PUT,
            &ot,
            &format!("/api/v1/funding-spend/{line}"),
            json!({"spent_on": "2022-05-01", "category": "other", "description": "x", "amount": "1", "version": 1}),
        )
        .await;
        assert_eq!(status, 404);
        assert_eq!(
            app.api_get(&ot, &format!("/api/v1/funding-spend/{line}"))
                .await
                .status()
                .as_u16(),
            404
        );
        // Nothing changed.
        let v = detail(&app, &t, &year).await;
        assert_eq!(v["summary"]["spent_pence"], spent);
        assert_eq!(v["removed_spend"].as_array().unwrap().len(), 0);
    }
);

safeguard_testkit::both_backends!(
    the_csv_download_lists_the_year_and_guards_formulas,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let id = add_year(&app, &admin, "2024", "£300").await;
        let r = app
            .post_with_csrf(&admin, &format!("/funding/{id}/equal-shares"), &[])
            .await;
        assert_eq!(r.status().as_u16(), 303);
        add_spend(
            &app,
            &admin,
            &id,
            &[
                ("spent_on", "2024-07-01"),
                ("category", "training"),
                ("description", "=HYPERLINK(\"http://x\",\"y\")"),
                ("amount", "12.50"),
                ("supplier", "+44 Trainers, Ltd"),
            ],
        )
        .await;
        add_spend(
            &app,
            &admin,
            &id,
            &[
                ("spent_on", "2024-08-01"),
                ("category", "other"),
                ("description", "Mistake"),
                ("amount", "5"),
                ("supplier", ""),
            ],
        )
        .await;
        let t = token(&app, ADMIN).await;
        let v = detail(&app, &t, &id).await;
        let mistake = v["spend"][1]["id"].as_str().unwrap().to_owned();
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/funding-spend/{mistake}/remove"),
                &[("reason", "Wrong year"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&admin, &format!("/funding/{id}")).await;
        assert!(page.contains(&format!("href=\"/funding/{id}/export.csv\"")));
        let before = app.audit(DEMO, "funding.export").await.len();
        // A board member may download (they read funding).
        let board = app.signed_in(BOARD).await;
        let r = app.get(&board, &format!("/funding/{id}/export.csv")).await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(header(&r, "content-type").starts_with("text/csv"));
        assert!(header(&r, "content-disposition").contains("funding-2024-25.csv"));
        let bytes = r.bytes().await.unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "a byte-order mark for Excel"
        );
        let body = std::str::from_utf8(&bytes[3..]).unwrap();
        let lines: Vec<&str> = body.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "Record,Date,Category,What it was for,Organisation or supplier,Amount (£),Financial year"
        );
        assert_eq!(
            lines[1],
            "Contribution,,,,Telford & Wrekin Council,100.00,2024/25"
        );
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.starts_with("Contribution,"))
                .count(),
            3
        );
        assert_eq!(
            lines[4],
            "Spend,2024-07-01,Training,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"'+44 Trainers, Ltd\",12.50,2024/25"
        );
        assert!(!body.contains("Mistake"), "removed lines are left out");
        assert_eq!(lines.len(), 6, "{body}");
        let audit = app.audit(DEMO, "funding.export").await;
        assert_eq!(audit.len(), before + 1);
        let e = audit.iter().max_by_key(|e| e.seq).unwrap();
        assert_eq!(e.target_id.as_deref(), Some(id.as_str()));
        let a: Value = serde_json::from_str(e.after_json.as_deref().unwrap()).unwrap();
        assert_eq!(
            (a["contributions"].clone(), a["spend_lines"].clone()),
            (json!(3), json!(1))
        );
        // The police's agency lead does not read funding.
        let lead = app.signed_in(LEAD).await;
        assert_eq!(
            app.get(&lead, &format!("/funding/{id}/export.csv"))
                .await
                .status()
                .as_u16(),
            403
        );
    }
);
