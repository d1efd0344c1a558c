//! Funding: adding a year, equal shares with odd pennies, the summary's arithmetic and the warning
//! when contributions differ from the budget, bad amounts and dates refused with field messages and
//! nothing written, who may read and change, another partnership's year (404), the demo year and the
//! API.

use crate::actions::add_other_partnership_person;
use crate::helpers::*;

const ADMIN: &str = "admin@safeguard.example";
const BOARD: &str = "board@safeguard.example";
const LEAD: &str = "lead@safeguard.example";
const OTHER: &str = "other@shropshire.example";
const DEMO: &str = "telford-wrekin";

fn flat(page: &str) -> String {
    page.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Adds a year through the form; returns its id.
async fn add_year(app: &TestApp, c: &reqwest::Client, year: &str, budget: &str) -> String {
    let r = app
        .post_with_csrf(
            c,
            "/funding/new",
            &[("start_year", year), ("budget", budget), ("notes", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let to = location(&r);
    assert!(to.ends_with("?notice=funding-year-added"), "{to}");
    to.trim_start_matches("/funding/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

async fn detail(app: &TestApp, token: &str, id: &str) -> serde_json::Value {
    let r = app
        .api_get(token, &format!("/api/v1/funding-years/{id}"))
        .await;
    assert_eq!(r.status().as_u16(), 200);
    r.json().await.unwrap()
}

safeguard_testkit::both_backends!(
    equal_shares_split_odd_pennies_and_the_summary_adds_up,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let id = add_year(&app, &admin, "2024", "£100,000.01").await;
        let r = app
            .post_with_csrf(&admin, &format!("/funding/{id}/equal-shares"), &[])
            .await;
        assert_eq!(location(&r), format!("/funding/{id}?notice=equal-shares"));
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let v = detail(&app, &token, &id).await;
        let amounts: Vec<(String, i64)> = v["contributions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["organisation_name"].as_str().unwrap().to_owned(),
                    c["amount_pence"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            amounts,
            vec![
                ("Telford & Wrekin Council".to_owned(), 3_333_334),
                ("West Mercia Police".to_owned(), 3_333_334),
                (
                    "NHS Shropshire, Telford and Wrekin Integrated Care Board".to_owned(),
                    3_333_333
                ),
            ]
        );
        assert_eq!(v["summary"]["contributions_pence"], 10_000_001);
        assert_eq!(v["summary"]["contributions_differ"], false);
        assert_eq!(v["contributions"][0]["share"], "33.3%");
        for (date, category, amount) in [
            ("2024-05-01", "staffing", "£1,000.50"),
            ("2025-03-31", "training", "250"),
            ("2024-04-01", "staffing", "0.25"),
        ] {
            let r = app
                .post_with_csrf(
                    &admin,
                    &format!("/funding/{id}/spend"),
                    &[
                        ("spent_on", date),
                        ("category", category),
                        ("description", "Something needed"),
                        ("amount", amount),
                        ("supplier", ""),
                    ],
                )
                .await;
            assert_eq!(location(&r), format!("/funding/{id}?notice=spend-added"));
        }
        let v = detail(&app, &token, &id).await;
        assert_eq!(v["summary"]["spent_pence"], 100_050 + 25_000 + 25);
        assert_eq!(
            v["summary"]["remaining_pence"],
            10_000_001 - 100_050 - 25_000 - 25
        );
        let staffing = v["summary"]["by_category"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["category"] == "staffing")
            .unwrap()["spent_pence"]
            .clone();
        assert_eq!(staffing, 100_075);
        assert_eq!(v["spend"][0]["spent_on"], "2024-04-01", "by date");
        // A relevant agency's contribution: the total no longer matches the budget, and the page says so.
        let cafcass = app.organisation_id("Cafcass").await.to_string();
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/funding/{id}/contributions"),
                &[
                    ("organisation_id", &cafcass),
                    ("contribution_amount", "5,000"),
                ],
            )
            .await;
        assert_eq!(
            location(&r),
            format!("/funding/{id}?notice=contribution-saved")
        );
        let (_, page) = app.get_text(&admin, &format!("/funding/{id}")).await;
        let page = flat(&page);
        assert!(page.contains(
            "The contributions add up to £105,000.01, which is not the budget of £100,000.01"
        ));
        assert!(page.contains("£5,000.00"));
        assert!(page.contains("£98,749.26"), "remaining");
        // Equal shares again replace every contribution.
        app.post_with_csrf(&admin, &format!("/funding/{id}/equal-shares"), &[])
            .await;
        let v = detail(&app, &token, &id).await;
        assert_eq!(v["contributions"].as_array().unwrap().len(), 3);
        let actions: Vec<String> = app
            .audit(DEMO, "fund")
            .await
            .into_iter()
            .filter(|e| e.target_id.as_deref() == Some(id.as_str()))
            .map(|e| e.action)
            .rev()
            .collect();
        assert_eq!(
            actions,
            vec![
                "funding_year.create",
                "funding.equal_shares",
                "funding.spend",
                "funding.spend",
                "funding.spend",
                "funding.contribution",
                "funding.equal_shares"
            ]
        );
    }
);

safeguard_testkit::both_backends!(
    bad_amounts_and_dates_are_refused_with_field_messages,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let audit_before = app.audit(DEMO, "fund").await.len();
        for (year, budget, field, message) in [
            (
                "2024",
                "abc",
                "budget",
                "Budget must be an amount of money in pounds and pence",
            ),
            ("2024", "-100", "budget", "Budget must be £0 or more"),
            (
                "2024",
                "10.001",
                "budget",
                "Budget must not have more than 2 decimal places",
            ),
            (
                "1999",
                "100",
                "start_year",
                "The year must be between 2000 and 2100",
            ),
            (
                "next",
                "100",
                "start_year",
                "Enter the year the financial year starts",
            ),
            (
                "2022",
                "100",
                "start_year",
                "The partnership already has the financial year 2022/23",
            ),
        ] {
            let r = app
                .post_with_csrf(
                    &admin,
                    "/funding/new",
                    &[("start_year", year), ("budget", budget), ("notes", "")],
                )
                .await;
            assert_eq!(r.status().as_u16(), 422, "{year} {budget}");
            let page = r.text().await.unwrap();
            assert!(error_summary_links_to(&page, field), "{field}");
            assert!(page.contains(message), "{message}");
        }
        let id = add_year(&app, &admin, "2024/25", "1000").await;
        for (date, amount, field, message) in [
            (
                "2025-04-01",
                "10",
                "spent_on",
                "The date must be within 2024/25",
            ),
            (
                "2024-03-31",
                "10",
                "spent_on",
                "The date must be within 2024/25",
            ),
            (
                "2024-02-30",
                "10",
                "spent_on",
                "The date must be a real date",
            ),
            ("2024-06-01", "-5", "amount", "Amount must be £0 or more"),
            ("2024-06-01", "0", "amount", "Amount must be more than £0"),
            (
                "2024-06-01",
                "£1.2.3",
                "amount",
                "Amount must be an amount of money",
            ),
        ] {
            let r = app
                .post_with_csrf(
                    &admin,
                    &format!("/funding/{id}/spend"),
                    &[
                        ("spent_on", date),
                        ("category", "training"),
                        ("description", "Course"),
                        ("amount", amount),
                    ],
                )
                .await;
            assert_eq!(r.status().as_u16(), 422, "{date} {amount}");
            let page = r.text().await.unwrap();
            assert!(error_summary_links_to(&page, field), "{field}");
            assert!(page.contains(message), "{message}");
        }
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/funding/{id}/contributions"),
                &[("organisation_id", ""), ("contribution_amount", "-1")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(error_summary_links_to(&page, "organisation_id"));
        assert!(error_summary_links_to(&page, "contribution_amount"));
        // An organisation outside the partnership.
        let shropshire = app.organisation_id("Shropshire Council").await.to_string();
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/funding/{id}/contributions"),
                &[
                    ("organisation_id", &shropshire),
                    ("contribution_amount", "1"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        // Only the year itself was written.
        assert_eq!(app.audit(DEMO, "fund").await.len(), audit_before + 1);
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let v = detail(&app, &token, &id).await;
        assert_eq!(v["spend"].as_array().unwrap().len(), 0);
        assert_eq!(v["contributions"].as_array().unwrap().len(), 0);
        assert_eq!(v["summary"]["contributions_differ"], true);
        // The API answers with problem+json field errors.
        let r = raw_client()
            .post(app.url(&format!("/api/v1/funding-years/{id}/spend")))
            .bearer_auth(&token)
            .json(&serde_json::json!({"spent_on": "2030-01-01", "category": "x", "description": "", "amount": "-1"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 422);
        let p: serde_json::Value = r.json().await.unwrap();
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(
            fields,
            vec!["spent_on", "category", "description", "amount"]
        );
        let r = raw_client()
            .post(app.url(&format!("/api/v1/funding-years/{id}/spend")))
            .bearer_auth(&token)
            .json(&serde_json::json!({"spent_on": "2024-07-01", "category": "case_reviews", "description": "Reviewer", "amount": "£2,000"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["summary"]["spent_pence"], 200_000);
        assert_eq!(v["summary"]["remaining_pence"], -100_000);
        let (_, page) = app.get_text(&admin, &format!("/funding/{id}")).await;
        assert!(page.contains("Overspent"));
    }
);

safeguard_testkit::both_backends!(who_may_read_and_change_funding, |backend| async move {
    let app = spawn_app(backend).await;
    let board = app.signed_in(BOARD).await;
    let (status, page) = app.get_text(&board, "/funding").await;
    assert_eq!(status, 200);
    assert!(page.contains("2022/23"));
    assert!(page.contains("href=\"/funding\""), "navigation entry");
    assert!(!page.contains("Add a financial year"));
    let token = safeguard_service::tokens::issue_for_email(&app.svc, BOARD, 30)
        .await
        .unwrap();
    let years: serde_json::Value = app
        .api_get(&token, "/api/v1/funding-years")
        .await
        .json()
        .await
        .unwrap();
    let id = years[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(years[0]["label"], "2022/23");
    let (status, page) = app.get_text(&board, &format!("/funding/{id}")).await;
    assert_eq!(status, 200);
    let page = flat(&page);
    assert!(page.contains("Financial year 2022/23"));
    assert!(page.contains("Illustrative amounts"));
    assert!(page.contains("£150,000.00"));
    assert!(page.contains("£50,000.00"));
    assert!(!page.contains("Add spending"));
    let r = app
        .post_with_csrf(&board, &format!("/funding/{id}/equal-shares"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let v = detail(&app, &token, &id).await;
    assert_eq!(v["summary"]["budget_pence"], 15_000_000);
    assert_eq!(v["summary"]["contributions_differ"], false);
    assert_eq!(v["spend"].as_array().unwrap().len(), 4);
    // The police's agency lead does not see the budget.
    let lead = app.signed_in(LEAD).await;
    assert_eq!(app.get(&lead, "/funding").await.status().as_u16(), 403);
    // Another partnership's administrator: the year does not exist for them.
    add_other_partnership_person(&app).await;
    let other = app.signed_in(OTHER).await;
    assert_eq!(
        app.get(&other, &format!("/funding/{id}"))
            .await
            .status()
            .as_u16(),
        404
    );
    let (_, list) = app.get_text(&other, "/funding").await;
    assert_eq!(table_caption(&list), "0 financial years");
    let r = app
        .post_with_csrf(
            &other,
            &format!("/funding/{id}/spend"),
            &[("spent_on", "2022-06-01")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let other_token = safeguard_service::tokens::issue_for_email(&app.svc, OTHER, 30)
        .await
        .unwrap();
    assert_eq!(
        app.api_get(&other_token, &format!("/api/v1/funding-years/{id}"))
            .await
            .status()
            .as_u16(),
        404
    );
});
