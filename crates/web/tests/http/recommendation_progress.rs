//! The recommendations tracker's progress over time (chart, table, CSV, XLSX and API, replayed from
//! the demo inquiry's dated history), the public progress page (published and withdrawn by the
//! administrator, audited and versioned; shows nothing restricted; 404 when unpublished or asked for
//! under another partnership), and the edit pages and API for sources and recommendations (422 and
//! 409 with nothing written and the person's text kept, audit entries, 403 and 404).

use crate::helpers::*;

const ADMIN: &str = "admin@safeguard.example";
const BOARD: &str = "board@safeguard.example";
const OTHER: &str = "other@shropshire.example";
const DEMO: &str = "telford-wrekin";

async fn admin_token(app: &TestApp) -> String {
    safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
        .await
        .unwrap()
}

/// The demo inquiry's id and the id of its recommendation `number`, through the API.
async fn demo_ids(app: &TestApp, number: i64) -> (String, String) {
    let token = admin_token(app).await;
    let v: serde_json::Value = app
        .api_get(&token, "/api/v1/recommendation-sources")
        .await
        .json()
        .await
        .unwrap();
    let source = v[0]["id"].as_str().unwrap().to_owned();
    let d: serde_json::Value = app
        .api_get(&token, &format!("/api/v1/recommendation-sources/{source}"))
        .await
        .json()
        .await
        .unwrap();
    let rec = d["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["number"] == number)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (source, rec)
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    raw_client()
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// The hidden version field of the form posting to `action`.
fn version_in(page: &str, action: &str) -> String {
    let after = page.split(action).nth(1).expect("the form");
    after
        .split("name=\"version\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

/// The cells of the over-time table row whose header is `date`.
fn row_of(page: &str, date: &str) -> Vec<i64> {
    let start = format!("<th scope=\"row\" class=\"govuk-table__header\">{date}</th>");
    let after = page.split(&start).nth(1).expect(date);
    let row = after.split("</tr>").next().unwrap();
    row.split("govuk-table__cell--numeric\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().parse().unwrap())
        .collect()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let mut pc = app.db.acquire().await.unwrap();
    let sql = format!("select count(*) from {table}");
    safeguard_store::on_conn!(&mut pc.conn(), |e| sqlx::query_scalar::<_, i64>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .fetch_one(e)
    .await)
    .unwrap()
}

safeguard_testkit::both_backends!(
    progress_over_time_replays_the_history_in_chart_table_csv_xlsx_and_api,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let (source, _) = demo_ids(&app, 1).await;
        let (s, page) = app
            .get_text(&c, &format!("/recommendation-sources/{source}/progress"))
            .await;
        assert_eq!(s, 200);
        assert!(page.contains("Progress over time"));
        // Columns: not started, in progress, ready, implemented (unverified), verified, unable,
        // not accepted, total. Today (the test clock) matches the current counts by status.
        let now = row_of(&page, "26 November 2026 (today)");
        let token = admin_token(&app).await;
        let current: serde_json::Value = app
            .api_get(
                &token,
                &format!("/api/v1/recommendation-sources/{source}/progress"),
            )
            .await
            .json()
            .await
            .unwrap();
        let counts: Vec<i64> = current["overall"]["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect();
        assert_eq!(now[..7], counts[..], "today is the current position");
        assert_eq!(now[7], 47);
        let (verified, ready, unable, in_progress) = (counts[4], counts[2], counts[5], counts[1]);
        assert!(verified > 0 && ready > 0 && unable > 0 && in_progress > 0);
        // The history: everything not started in July 2022; the verified ones were first under way
        // from 15 September; the rest started on 10 November, the verdicts came on 20 November,
        // the unable-to-implement on 15 February 2023 and the ready ones on 1 March 2023.
        assert_eq!(
            row_of(&page, "31 July 2022"),
            vec![47, 0, 0, 0, 0, 0, 0, 47]
        );
        assert_eq!(
            row_of(&page, "31 October 2022"),
            vec![47 - verified, verified, 0, 0, 0, 0, 0, 47]
        );
        assert_eq!(
            row_of(&page, "30 November 2022"),
            vec![
                47 - verified - ready - unable - in_progress,
                ready + unable + in_progress,
                0,
                0,
                verified,
                0,
                0,
                47
            ]
        );
        assert_eq!(row_of(&page, "28 February 2023")[5], unable);
        assert_eq!(row_of(&page, "28 February 2023")[2], 0);
        assert_eq!(row_of(&page, "31 March 2023")[..7], counts[..]);
        // The chart says the same in its description.
        assert!(page.contains(&format!(
            "31 October 2022: Not started {}, In progress {verified}",
            47 - verified
        )));
        assert!(page.contains("<svg") && page.contains("over-time-desc"));

        // Quarters.
        let (s, page) = app
            .get_text(
                &c,
                &format!("/recommendation-sources/{source}/progress?period=quarter"),
            )
            .await;
        assert_eq!(s, 200);
        assert_eq!(
            row_of(&page, "30 September 2022"),
            vec![47 - verified, verified, 0, 0, 0, 0, 0, 47]
        );
        assert!(!page.contains("31 October 2022"));

        // CSV: the same rows; XLSX: a workbook; both audited.
        let before = app.audit(DEMO, "recommendation.export").await.len();
        let r = app
            .get(
                &c,
                &format!("/recommendation-sources/{source}/progress-over-time.csv?period=month"),
            )
            .await;
        assert_eq!(r.status().as_u16(), 200);
        let csv = r.text().await.unwrap();
        let line = csv
            .lines()
            .find(|l| l.starts_with("2022-10-31,"))
            .expect("October 2022");
        assert_eq!(
            line,
            format!("2022-10-31,{},{verified},0,0,0,0,0,47", 47 - verified)
        );
        assert!(csv.lines().any(|l| l.starts_with("2026-11-26,")));
        assert_eq!(csv.lines().count(), 1 + 53, "July 2022 to November 2026");
        let r = app
            .get(
                &c,
                &format!("/recommendation-sources/{source}/progress-over-time.xlsx?period=quarter"),
            )
            .await;
        assert_eq!(r.status().as_u16(), 200);
        let bytes = r.bytes().await.unwrap();
        assert_eq!(&bytes[..2], b"PK");
        assert_eq!(
            app.audit(DEMO, "recommendation.export").await.len(),
            before + 2
        );

        // The API: the same numbers; an unknown period is refused.
        let v: serde_json::Value = app
            .api_get(
                &token,
                &format!("/api/v1/recommendation-sources/{source}/progress-over-time"),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(v["period"], "month");
        let points = v["points"].as_array().unwrap();
        assert_eq!(points.len(), 53);
        let oct = points.iter().find(|p| p["date"] == "2022-10-31").unwrap();
        assert_eq!(oct["counts"][1], verified);
        assert_eq!(oct["total"], 47);
        let r = app
            .api_get(
                &token,
                &format!("/api/v1/recommendation-sources/{source}/progress-over-time?period=year"),
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        // Another partnership's administrator: 404.
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
        let other = app.signed_in(OTHER).await;
        let r = app
            .get(
                &other,
                &format!("/recommendation-sources/{source}/progress-over-time.csv"),
            )
            .await;
        assert_eq!(r.status().as_u16(), 404);
    }
);

safeguard_testkit::both_backends!(
    the_public_progress_page_shows_only_what_is_published,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let token = admin_token(&app).await;
        let (source, rec1) = demo_ids(&app, 1).await;
        let public = format!("/public/{DEMO}/recommendation-progress/{source}");
        let anon = client();

        // Plant restricted values: a status note, evidence, an action, and a recommendation that
        // was not accepted with its reason.
        let d: serde_json::Value = app
            .api_get(&token, &format!("/api/v1/tracked-recommendations/{rec1}"))
            .await
            .json()
            .await
            .unwrap();
        let version = d["recommendation"]["version"].as_i64().unwrap();
        let next = if d["recommendation"]["self_status"] == "in_progress" {
            "ready_for_assessment"
        } else {
            "in_progress"
        };
        let r = send(
            &app,
            reqwest::Method::POST,
            &token,
            &format!("/api/v1/tracked-recommendations/{rec1}/status"),
            serde_json::json!({"status": next, "note": "PLANTED-NOTE-4471", "version": version}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let r = send(
            &app,
            reqwest::Method::POST,
            &token,
            &format!("/api/v1/tracked-recommendations/{rec1}/evidence"),
            serde_json::json!({"label": "PLANTED-EVIDENCE-4471", "url": "https://planted.example/evidence"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 201);
        let org = app.organisation_id("Telford & Wrekin Council").await;
        let r = send(
            &app,
            reqwest::Method::POST,
            &token,
            &format!("/api/v1/tracked-recommendations/{rec1}/actions"),
            serde_json::json!({"title": "PLANTED-ACTION-4471", "owner_organisation_id": org.0.to_string()}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 201);
        let r = send(
            &app,
            reqwest::Method::POST,
            &token,
            &format!("/api/v1/recommendation-sources/{source}/recommendations"),
            serde_json::json!({"number": 48, "title": "A declined recommendation", "body": "PLANTED-BODY-4471",
                "addressees": [org.0.to_string()], "accepted": false, "not_accepted_reason": "PLANTED-REASON-4471"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 201);

        // Not published: 404 for anyone, with the page saying so.
        let (s, body) = app.get_text(&anon, &public).await;
        assert_eq!(s, 404);
        assert!(body.contains("There is no published progress page at this address"));

        // The administrator publishes it from the source's page.
        let (s, page) = app
            .get_text(&c, &format!("/recommendation-sources/{source}"))
            .await;
        assert_eq!(s, 200);
        assert!(page.contains("The progress of these recommendations is not published."));
        let action = format!("/recommendation-sources/{source}/public-progress");
        let version = version_in(&page, &action);
        let csrf = csrf_of(&page);
        // A stale version changes nothing.
        let r = app
            .post_form(
                &c,
                &action,
                &[("csrf_token", &csrf), ("version", "99"), ("publish", "yes")],
            )
            .await;
        assert_eq!(
            location(&r),
            format!("/recommendation-sources/{source}?notice=progress-conflict")
        );
        assert_eq!(app.get(&anon, &public).await.status().as_u16(), 404);
        // Someone who may not manage recommendations is refused.
        let board = app.signed_in(BOARD).await;
        let r = app
            .post_with_csrf(
                &board,
                &action,
                &[("version", &version), ("publish", "yes")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403);
        assert_eq!(app.get(&anon, &public).await.status().as_u16(), 404);
        let r = app
            .post_form(
                &c,
                &action,
                &[
                    ("csrf_token", &csrf),
                    ("version", &version),
                    ("publish", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let audit = app
            .audit(DEMO, "recommendation.source.publish_progress")
            .await;
        assert_eq!(audit.len(), 1);

        // Anyone can read it: the source, each recommendation's number, title, addressees and
        // statuses, the chart and tables; nothing restricted.
        let (s, body) = app.get_text(&anon, &public).await;
        assert_eq!(s, 200);
        assert!(body.contains("Independent Inquiry into Telford Child Sexual Exploitation"));
        assert!(body.contains("West Mercia Police and Crime Commissioner"));
        assert!(body.contains("A declined recommendation"));
        assert!(body.contains("Not accepted"));
        assert!(body.contains("Progress over time"));
        assert!(body.contains("<svg"));
        assert!(body.contains(
            "<td class=\"govuk-table__cell govuk-table__cell--numeric\">48</td><td class=\"govuk-table__cell\">A declined recommendation</td>"
        ));
        for planted in [
            "PLANTED-NOTE-4471",
            "PLANTED-EVIDENCE-4471",
            "planted.example",
            "PLANTED-ACTION-4471",
            "PLANTED-REASON-4471",
            "PLANTED-BODY-4471",
            "Priya Shah",
            "@safeguard.example",
            "Strategic Implementation Group and show evidence",
            "/tracked-recommendations/",
            "/files/",
            "RAG",
        ] {
            assert!(!body.contains(planted), "the public page shows {planted:?}");
        }
        // Not under another partnership's address, nor an unknown source.
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
        let r = app
            .get(
                &anon,
                &format!("/public/shropshire/recommendation-progress/{source}"),
            )
            .await;
        assert_eq!(r.status().as_u16(), 404);
        let r = app
            .get(
                &anon,
                &format!("/public/no-such-partnership/recommendation-progress/{source}"),
            )
            .await;
        assert_eq!(r.status().as_u16(), 404);
        let r = app
            .get(
                &anon,
                &format!(
                    "/public/{DEMO}/recommendation-progress/{}",
                    uuid::Uuid::new_v4()
                ),
            )
            .await;
        assert_eq!(r.status().as_u16(), 404);
        let r = app
            .get(
                &anon,
                &format!("/public/{DEMO}/recommendation-progress/not-an-id"),
            )
            .await;
        assert_eq!(r.status().as_u16(), 404);
        // The other partnership's administrator cannot withdraw it (404 through the API).
        let other_token = safeguard_service::tokens::issue_for_email(&app.svc, OTHER, 30)
            .await
            .unwrap();
        let r = send(
            &app,
            reqwest::Method::PUT,
            &other_token,
            &format!("/api/v1/recommendation-sources/{source}/public-progress"),
            serde_json::json!({"published": false, "version": 1}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 404);

        // Withdrawn through the API (a stale version first: 409, nothing changed).
        let v: serde_json::Value = app
            .api_get(&token, &format!("/api/v1/recommendation-sources/{source}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(v["source"]["progress_public"], true);
        let version = v["source"]["version"].as_i64().unwrap();
        let path = format!("/api/v1/recommendation-sources/{source}/public-progress");
        let r = send(
            &app,
            reqwest::Method::PUT,
            &token,
            &path,
            serde_json::json!({"published": false, "version": version - 1}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 409);
        assert_eq!(app.get(&anon, &public).await.status().as_u16(), 200);
        let r = send(
            &app,
            reqwest::Method::PUT,
            &token,
            &path,
            serde_json::json!({"published": false, "version": version}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["progress_public"], false);
        assert_eq!(app.get(&anon, &public).await.status().as_u16(), 404);
        assert_eq!(
            app.audit(DEMO, "recommendation.source.withdraw_progress")
                .await
                .len(),
            1
        );
    }
);

safeguard_testkit::both_backends!(
    sources_and_recommendations_are_changed_with_versions,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let token = admin_token(&app).await;
        let (source, rec) = demo_ids(&app, 3).await;
        let edit = format!("/recommendation-sources/{source}/edit");
        let (s, page) = app.get_text(&c, &edit).await;
        assert_eq!(s, 200);
        assert!(
            page.contains("value=\"Independent Inquiry into Telford Child Sexual Exploitation\"")
        );
        let version = version_in(&page, &edit);
        let csrf = csrf_of(&page);
        let audits = app.audit(DEMO, "recommendation.").await.len();

        // 422: the errors in the summary, the text kept, nothing written.
        let r = app
            .post_form(
                &c,
                &edit,
                &[
                    ("csrf_token", &csrf),
                    ("version", &version),
                    ("title", "A kept title 9210"),
                    ("published_on", "2099-01-01"),
                    ("publisher", ""),
                    ("link", "http://not-https.example/"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "published_on"));
        assert!(error_summary_links_to(&body, "publisher"));
        assert!(error_summary_links_to(&body, "link"));
        assert!(body.contains("A kept title 9210"));
        assert_eq!(app.audit(DEMO, "recommendation.").await.len(), audits);

        // Saved.
        let r = app
            .post_form(
                &c,
                &edit,
                &[
                    ("csrf_token", &csrf),
                    ("version", &version),
                    ("title", "Telford inquiry (renamed)"),
                    ("published_on", "2022-07-12"),
                    ("publisher", "The Inquiry"),
                    ("link", "https://www.iicsetelford.co.uk/"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app
            .get_text(&c, &format!("/recommendation-sources/{source}"))
            .await;
        assert!(page.contains("Telford inquiry (renamed)"));
        let a = app.audit(DEMO, "recommendation.source.update").await;
        assert_eq!(a.len(), 1);
        assert!(
            a[0].before_json
                .as_deref()
                .unwrap()
                .contains("Independent Inquiry")
        );
        assert!(
            a[0].after_json
                .as_deref()
                .unwrap()
                .contains("Telford inquiry (renamed)")
        );

        // 409: the same version again; the person's text kept, nothing written.
        let r = app
            .post_form(
                &c,
                &edit,
                &[
                    ("csrf_token", &csrf),
                    ("version", &version),
                    ("title", "My stale title 5531"),
                    ("published_on", "2022-07-12"),
                    ("publisher", "The Inquiry"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 409);
        let body = r.text().await.unwrap();
        assert!(body.contains("My stale title 5531"));
        assert!(body.contains("Someone else changed this source"));
        assert_eq!(
            app.audit(DEMO, "recommendation.source.update").await.len(),
            1
        );

        // A recommendation: the form holds its values.
        let edit = format!("/tracked-recommendations/{rec}/edit");
        let (s, page) = app.get_text(&c, &edit).await;
        assert_eq!(s, 200);
        let version = version_in(&page, &edit);
        let csrf = csrf_of(&page);
        let events = count(&app, "recommendation_status_event").await;
        let d: serde_json::Value = app
            .api_get(&token, &format!("/api/v1/tracked-recommendations/{rec}"))
            .await
            .json()
            .await
            .unwrap();
        let status_before = d["recommendation"]["self_status"].clone();
        let org = app
            .organisation_id("West Mercia Police")
            .await
            .0
            .to_string();
        let org2 = app
            .organisation_id("Telford & Wrekin Council")
            .await
            .0
            .to_string();
        // 422: not accepted without a reason; nothing written.
        let r = app
            .post_form(
                &c,
                &edit,
                &[
                    ("csrf_token", &csrf),
                    ("version", &version),
                    ("number", "3"),
                    ("title", "A kept recommendation title"),
                    ("body", "Text."),
                    ("addressees", &org),
                    ("accepted", "no"),
                    ("not_accepted_reason", ""),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "not_accepted_reason"));
        assert!(body.contains("A kept recommendation title"));
        // A number already used in the source: 422.
        let r = app
            .post_form(
                &c,
                &edit,
                &[
                    ("csrf_token", &csrf),
                    ("version", &version),
                    ("number", "4"),
                    ("title", "Taken number"),
                    ("body", "Text."),
                    ("addressees", &org),
                    ("accepted", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(app.audit(DEMO, "recommendation.update").await.len(), 0);
        // Saved: title, two addressees, a lead-free target date.
        let r = app
            .post_form(
                &c,
                &edit,
                &[
                    ("csrf_token", &csrf),
                    ("version", &version),
                    ("number", "3"),
                    ("title", "A changed recommendation title"),
                    ("body", "Changed text."),
                    ("addressees", &org),
                    ("addressees", &org2),
                    ("accepted", "yes"),
                    ("target_date", "2027-03-31"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let d: serde_json::Value = app
            .api_get(&token, &format!("/api/v1/tracked-recommendations/{rec}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            d["recommendation"]["title"],
            "A changed recommendation title"
        );
        assert_eq!(
            d["recommendation"]["addressees"].as_array().unwrap().len(),
            2
        );
        assert_eq!(d["recommendation"]["target_date"], "2027-03-31");
        assert_eq!(
            d["recommendation"]["self_status"], status_before,
            "the status stays"
        );
        assert_eq!(count(&app, "recommendation_status_event").await, events);
        assert_eq!(app.audit(DEMO, "recommendation.update").await.len(), 1);
        // 409 keeps the text.
        let r = app
            .post_form(
                &c,
                &edit,
                &[
                    ("csrf_token", &csrf),
                    ("version", &version),
                    ("number", "3"),
                    ("title", "My stale recommendation 7720"),
                    ("body", "Text."),
                    ("addressees", &org),
                    ("accepted", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 409);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("My stale recommendation 7720")
        );
        assert_eq!(app.audit(DEMO, "recommendation.update").await.len(), 1);

        // Others may not change them.
        let board = app.signed_in(BOARD).await;
        assert_eq!(app.get(&board, &edit).await.status().as_u16(), 403);

        // The API: 422, 409, 200.
        let v = d["recommendation"]["version"].as_i64().unwrap();
        let path = format!("/api/v1/tracked-recommendations/{rec}");
        let r = send(&app, reqwest::Method::PUT, &token, &path, serde_json::json!({"number": 3, "title": "", "body": "x", "addressees": [org], "accepted": true, "version": v})).await;
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(
            r.headers()["content-type"].to_str().unwrap(),
            "application/problem+json"
        );
        let r = send(&app, reqwest::Method::PUT, &token, &path, serde_json::json!({"number": 3, "title": "API title", "body": "x", "addressees": [org], "accepted": true, "version": v - 1})).await;
        assert_eq!(r.status().as_u16(), 409);
        let r = send(&app, reqwest::Method::PUT, &token, &path, serde_json::json!({"number": 3, "title": "API title", "body": "x", "addressees": [org], "accepted": true, "version": v})).await;
        assert_eq!(r.status().as_u16(), 200);
        let out: serde_json::Value = r.json().await.unwrap();
        assert_eq!(out["recommendation"]["title"], "API title");
        let s: serde_json::Value = app
            .api_get(&token, &format!("/api/v1/recommendation-sources/{source}"))
            .await
            .json()
            .await
            .unwrap();
        let sv = s["source"]["version"].as_i64().unwrap();
        let path = format!("/api/v1/recommendation-sources/{source}");
        let r = send(&app, reqwest::Method::PUT, &token, &path, serde_json::json!({"title": "T", "published_on": "2099-01-01", "publisher": "P", "version": sv})).await;
        assert_eq!(r.status().as_u16(), 422);
        let r = send(&app, reqwest::Method::PUT, &token, &path, serde_json::json!({"title": "API source title", "published_on": "2022-07-12", "publisher": "P", "version": sv})).await;
        assert_eq!(r.status().as_u16(), 200);
        let out: serde_json::Value = r.json().await.unwrap();
        assert_eq!(out["source"]["title"], "API source title");
        assert_eq!(out["source"]["kind"], "inquiry");
        assert_eq!(out["recommendations"].as_array().unwrap().len(), 47);
    }
);

safeguard_testkit::both_backends!(
    evidence_is_uploaded_from_the_tracker_and_added_to_actions,
    |backend| async move {
        use crate::files::{multipart, post_multipart_to};
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        // Recommendation 1 is led by the administrator.
        let (_, rec) = demo_ids(&app, 1).await;
        let path = format!("/tracked-recommendations/{rec}");
        let (s, page) = app.get_text(&c, &path).await;
        assert_eq!(s, 200);
        assert!(page.contains("enctype=\"multipart/form-data\""));
        let csrf = csrf_of(&page);
        let pdf: &[u8] = b"%PDF-1.4\n%%EOF\n";
        let (files, evidence) = (
            count(&app, "stored_file").await,
            count(&app, "recommendation_evidence").await,
        );

        // Refused: no label; a document and a link together; a file that is not a document. Nothing
        // is written.
        for (fields, field) in [
            (
                vec![
                    ("csrf_token", None, csrf.as_bytes()),
                    ("label", None, &b""[..]),
                    ("file", Some("minutes.pdf"), pdf),
                ],
                "label",
            ),
            (
                vec![
                    ("csrf_token", None, csrf.as_bytes()),
                    ("label", None, &b"Minutes"[..]),
                    ("url", None, &b"https://www.gov.uk/"[..]),
                    ("file", Some("minutes.pdf"), pdf),
                ],
                "url",
            ),
            (
                vec![
                    ("csrf_token", None, csrf.as_bytes()),
                    ("label", None, &b"Minutes"[..]),
                    ("file", Some("minutes.pdf"), &b"not a pdf at all"[..]),
                ],
                "file",
            ),
        ] {
            let r =
                post_multipart_to(&app, &c, &format!("{path}/evidence"), multipart(&fields)).await;
            assert_eq!(r.status().as_u16(), 422, "{field}");
            let body = r.text().await.unwrap();
            assert!(error_summary_links_to(&body, field), "{field}");
            assert_eq!(count(&app, "stored_file").await, files, "{field}");
            assert_eq!(
                count(&app, "recommendation_evidence").await,
                evidence,
                "{field}"
            );
        }

        // Uploaded: the document is in the file store, attached to the recommendation, and the
        // evidence names it with who added it.
        let r = post_multipart_to(
            &app,
            &c,
            &format!("{path}/evidence"),
            multipart(&[
                ("csrf_token", None, csrf.as_bytes()),
                ("label", None, b"Uploaded minutes 3391"),
                ("file", Some("minutes.pdf"), pdf),
            ]),
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(count(&app, "stored_file").await, files + 1);
        assert_eq!(count(&app, "recommendation_evidence").await, evidence + 1);
        let (_, page) = app.get_text(&c, &path).await;
        let item = page.split("Uploaded minutes 3391").next().unwrap();
        assert!(
            item.ends_with("\">")
                && item
                    .rsplit("href=\"")
                    .next()
                    .unwrap()
                    .starts_with("/files/")
        );
        assert!(page.contains("Added by Priya Shah"));
        let a = app.audit(DEMO, "file.upload").await;
        assert!(!a.is_empty());
        assert_eq!(
            app.audit(DEMO, "recommendation.evidence.add").await.len(),
            1
        );
        // The ordinary form (no upload) still works.
        let r = app
            .post_form(
                &c,
                &format!("{path}/evidence"),
                &[
                    ("csrf_token", &csrf),
                    ("label", "A link 8812"),
                    ("url", "https://www.gov.uk/"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);

        // Evidence on an action: recommendation 11's action, owned by the police.
        let (_, rec11) = demo_ids(&app, 11).await;
        let token = admin_token(&app).await;
        let d: serde_json::Value = app
            .api_get(&token, &format!("/api/v1/tracked-recommendations/{rec11}"))
            .await
            .json()
            .await
            .unwrap();
        let action = d["action_ids"][0].as_str().unwrap().to_owned();
        let apath = format!("/actions/{action}");
        let (s, page) = app.get_text(&c, &apath).await;
        assert_eq!(s, 200);
        assert!(page.contains("No evidence yet."));
        let before = count(&app, "action_evidence").await;
        let r = post_multipart_to(
            &app,
            &c,
            &format!("{apath}/evidence"),
            multipart(&[
                ("csrf_token", None, csrf.as_bytes()),
                ("label", None, b""),
                ("url", None, b"https://www.gov.uk/"),
            ]),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(error_summary_links_to(&r.text().await.unwrap(), "label"));
        assert_eq!(count(&app, "action_evidence").await, before);
        let r = post_multipart_to(
            &app,
            &c,
            &format!("{apath}/evidence"),
            multipart(&[
                ("csrf_token", None, csrf.as_bytes()),
                ("label", None, b"Training review report 6170"),
                ("file", Some("report.pdf"), pdf),
            ]),
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(count(&app, "action_evidence").await, before + 1);
        let (_, page) = app.get_text(&c, &apath).await;
        assert!(page.contains("Training review report 6170"));
        assert!(page.contains("Added by Priya Shah"));
        // Shown on the recommendation's page under its action.
        let (_, page) = app
            .get_text(&c, &format!("/tracked-recommendations/{rec11}"))
            .await;
        let actions = page
            .split("id=\"actions\"")
            .nth(1)
            .unwrap()
            .split("id=\"evidence\"")
            .next()
            .unwrap();
        assert!(actions.contains("Evidence: <a class=\"govuk-link\" href=\"/files/"));
        assert!(actions.contains("Training review report 6170"));
        assert_eq!(app.audit(DEMO, "action.evidence.add").await.len(), 1);

        // The API: a link; 422 for a bad one; someone who may not update the action is refused.
        let path = format!("/api/v1/actions/{action}/evidence");
        let r = send(
            &app,
            reqwest::Method::POST,
            &token,
            &path,
            serde_json::json!({"label": "Link", "url": "http://insecure.example/"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = send(&app, reqwest::Method::POST, &token, &path, serde_json::json!({"label": "Police report 5512", "url": "https://www.westmercia.police.uk/"})).await;
        assert_eq!(r.status().as_u16(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v.as_array().unwrap().len(), 2);
        // Both were added at the test clock's one instant, so their order is not asserted.
        assert!(
            v.as_array()
                .unwrap()
                .iter()
                .any(|e| e["label"] == "Police report 5512"
                    && e["url"] == "https://www.westmercia.police.uk/")
        );
        let board = safeguard_service::tokens::issue_for_email(&app.svc, BOARD, 30)
            .await
            .unwrap();
        let r = send(
            &app,
            reqwest::Method::POST,
            &board,
            &path,
            serde_json::json!({"label": "x", "url": "https://www.gov.uk/"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 403);
        assert_eq!(count(&app, "action_evidence").await, before + 2);
    }
);
