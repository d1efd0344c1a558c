//! The recommendations tracker over HTTP: the demo inquiry's 47 recommendations with their RAG
//! ratings and rule, the progress view (SVG chart with the same data as its table, by addressee, CSV
//! and XLSX read back), adding sources and recommendations (422 with nothing saved), a local CSPR's
//! recommendation taken over by reference (its text read through the case review module, hidden
//! from those off the panel), the owner's self-assessment and the scrutineer's verification (409 on
//! a stale version with the text kept, 403 for others, 422), actions in the one action model,
//! evidence, 404 across partnerships, the API, and the audit entries.

use crate::helpers::*;
use std::io::Read;

const ADMIN: &str = "admin@safeguard.example";
const LEAD: &str = "lead@safeguard.example";
const BOARD: &str = "board@safeguard.example";
const SCRUTINEER: &str = "scrutineer@safeguard.example";
const PRACTITIONER: &str = "practitioner@safeguard.example";
const OTHER: &str = "other@shropshire.example";
const DEMO: &str = "telford-wrekin";

async fn add_other_admin(app: &TestApp) {
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

/// The demo inquiry's id and the id of its recommendation `number`, through the API.
async fn demo_ids(app: &TestApp, number: i64) -> (String, String) {
    let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
        .await
        .unwrap();
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

fn version_in(page: &str, form_action: &str) -> String {
    let after = page.split(form_action).nth(1).expect("the form");
    after
        .split("name=\"version\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
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

fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    cell.push('"');
                    chars.next();
                }
                '"' => quoted = false,
                _ => cell.push(c),
            }
        } else {
            match c {
                '"' => quoted = true,
                ',' => row.push(std::mem::take(&mut cell)),
                '\r' if chars.peek() == Some(&'\n') => {
                    chars.next();
                    row.push(std::mem::take(&mut cell));
                    rows.push(std::mem::take(&mut row));
                }
                _ => cell.push(c),
            }
        }
    }
    rows
}

safeguard_testkit::both_backends!(
    the_demo_inquiry_shows_47_recommendations_with_rag_and_progress,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let (s, page) = app.get_text(&c, "/recommendation-sources").await;
        assert_eq!(s, 200);
        assert!(page.contains("Independent Inquiry into Telford Child Sexual Exploitation"));
        let (source, _) = demo_ids(&app, 1).await;
        let (s, page) = app
            .get_text(&c, &format!("/recommendation-sources/{source}"))
            .await;
        assert_eq!(s, 200);
        assert_eq!(page.matches("/tracked-recommendations/").count(), 47);
        assert!(page.contains("West Mercia Police and Crime Commissioner"));
        assert!(page.contains("How the RAG rating is worked out"));
        assert!(page.contains("has verified it as implemented"));

        // Progress: the chart's description and the table carry the same counts.
        let (s, page) = app
            .get_text(&c, &format!("/recommendation-sources/{source}/progress"))
            .await;
        assert_eq!(s, 200);
        assert!(page.contains("<svg") && page.contains("<title id=\"chart-title\">"));
        // Demo at March 2023: 3 verified, 5 ready, 2 unable, 10 not started, 27 in progress.
        for (label, n) in [
            ("Verified as implemented", 3),
            ("Ready for assessment", 5),
            ("Unable to implement", 2),
            ("Not started", 10),
            ("In progress", 27),
        ] {
            assert!(
                page.contains(&format!("{label}: {n}")),
                "chart says {label}: {n}"
            );
            assert!(
                page.contains(&format!("{label}</th><td class=\"govuk-table__cell govuk-table__cell--numeric\">{n}</td>")),
                "table says {label}: {n}"
            );
        }
        assert!(page.contains("By addressee"));

        // CSV: a heading and 47 rows; XLSX: two sheets; both audited.
        let r = app
            .get(
                &c,
                &format!("/recommendation-sources/{source}/progress.csv"),
            )
            .await;
        assert_eq!(r.status().as_u16(), 200);
        let rows = parse_csv(&r.text().await.unwrap());
        assert_eq!(rows.len(), 48);
        assert_eq!(
            rows[0][0], "\u{feff}Number",
            "a UTF-8 byte order mark for Excel"
        );
        assert_eq!(rows[1][0], "1");
        assert_eq!(
            rows[1][1],
            "Set up a Joint CSE Review Group of all four agencies"
        );
        assert_eq!(rows[1][7], "Verified as implemented");
        assert_eq!(rows[1][9], "Green");
        let r = app
            .get(
                &c,
                &format!("/recommendation-sources/{source}/progress.xlsx"),
            )
            .await;
        assert_eq!(r.status().as_u16(), 200);
        let bytes = r.bytes().await.unwrap();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut wb = String::new();
        z.by_name("xl/workbook.xml")
            .unwrap()
            .read_to_string(&mut wb)
            .unwrap();
        assert!(wb.contains("Recommendations") && wb.contains("Progress by addressee"));
        let exports = app.audit(DEMO, "recommendation.export").await;
        assert_eq!(exports.len(), 2);

        // Progress in the API: the same counts.
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let v: serde_json::Value = app
            .api_get(
                &token,
                &format!("/api/v1/recommendation-sources/{source}/progress"),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(v["overall"]["total"], 47);
        let positions = v["positions"].as_array().unwrap();
        let i = positions
            .iter()
            .position(|p| p == "verified_implemented")
            .unwrap();
        assert_eq!(v["overall"]["counts"][i], 3);

        // A practitioner is refused; another partnership does not see it.
        let p = app.signed_in(PRACTITIONER).await;
        assert_eq!(
            app.get(&p, "/recommendation-sources")
                .await
                .status()
                .as_u16(),
            403
        );
        add_other_admin(&app).await;
        let o = app.signed_in(OTHER).await;
        assert_eq!(
            app.get(&o, &format!("/recommendation-sources/{source}"))
                .await
                .status()
                .as_u16(),
            404
        );
        let (_, list) = app.get_text(&o, "/recommendation-sources").await;
        assert!(!list.contains("Telford Child Sexual Exploitation"));
    }
);

safeguard_testkit::both_backends!(
    the_owner_marks_ready_and_the_scrutineer_verifies,
    |backend| async move {
        let app = spawn_app(backend).await;
        // Recommendation 11 (police training) is led by the police's agency lead, in progress.
        let (_, rec) = demo_ids(&app, 11).await;
        let path = format!("/tracked-recommendations/{rec}");
        let lead = app.signed_in(LEAD).await;
        app.switch_to(&lead, DEMO).await;
        let (s, page) = app.get_text(&lead, &path).await;
        assert_eq!(s, 200);
        assert!(page.contains("Review the police CSE training programme"));
        assert!(
            page.contains("Commission a review of police CSE training"),
            "its action"
        );
        let version = version_in(&page, "/status\"");
        let csrf = csrf_of(&page);
        let events_before = count(&app, "recommendation_status_event").await;

        // 422: unable to implement without a reason; nothing saved, the choice kept.
        let r = app
            .post_form(
                &lead,
                &format!("{path}/status"),
                &[
                    ("csrf_token", &csrf),
                    ("version", &version),
                    ("status", "unable_to_implement"),
                    ("note", ""),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "note"));
        assert!(body.contains("value=\"unable_to_implement\" checked"));
        assert_eq!(
            count(&app, "recommendation_status_event").await,
            events_before
        );

        // 409: a stale version; the note is kept, nothing saved.
        let r = app
            .post_form(
                &lead,
                &format!("{path}/status"),
                &[
                    ("csrf_token", &csrf),
                    ("version", "1"),
                    ("status", "ready_for_assessment"),
                    ("note", "My distinctive note"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 409);
        assert!(r.text().await.unwrap().contains("My distinctive note"));
        assert_eq!(
            count(&app, "recommendation_status_event").await,
            events_before
        );

        // Someone who is not the lead may not self-assess.
        let board = app.signed_in(BOARD).await;
        let r = app
            .post_with_csrf(
                &board,
                &format!("{path}/status"),
                &[("version", &version), ("status", "ready_for_assessment")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403);

        // The lead marks it ready.
        let r = app
            .post_form(
                &lead,
                &format!("{path}/status"),
                &[
                    ("csrf_token", &csrf),
                    ("version", &version),
                    ("status", "ready_for_assessment"),
                    ("note", "Training reviewed."),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let audit = app.audit(DEMO, "recommendation.self_assess").await;
        assert_eq!(audit.len(), 1);
        assert!(
            audit[0]
                .after_json
                .as_deref()
                .unwrap()
                .contains("ready_for_assessment")
        );

        // The lead adds evidence: 422 without a label or target, then a link.
        let r = app
            .post_form(
                &lead,
                &format!("{path}/evidence"),
                &[("csrf_token", &csrf), ("label", ""), ("url", "")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(count(&app, "recommendation_evidence").await, 8);
        let r = app
            .post_form(
                &lead,
                &format!("{path}/evidence"),
                &[
                    ("csrf_token", &csrf),
                    ("label", "Training review report"),
                    ("url", "https://www.westmercia.police.uk/"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            app.audit(DEMO, "recommendation.evidence.add").await.len(),
            1
        );

        // Only the scrutineer verifies; a refusal needs a reason.
        let r = app
            .post_with_csrf(
                &lead,
                &format!("{path}/verification"),
                &[("verdict", "agree")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403);
        let sc = app.signed_in(SCRUTINEER).await;
        let (_, page) = app.get_text(&sc, &path).await;
        assert!(page.contains("Training review report"));
        assert!(page.contains("Sam Okafor"), "who added it");
        let v2 = version_in(&page, "/verification\"");
        let csrf2 = csrf_of(&page);
        let r = app
            .post_form(
                &sc,
                &format!("{path}/verification"),
                &[
                    ("csrf_token", &csrf2),
                    ("version", &v2),
                    ("verdict", "disagree"),
                    ("note", ""),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = app
            .post_form(
                &sc,
                &format!("{path}/verification"),
                &[
                    ("csrf_token", &csrf2),
                    ("version", &v2),
                    ("verdict", "agree"),
                    ("note", "Seen the report."),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&sc, &path).await;
        assert!(page.contains("Verified as implemented"));
        assert!(page.contains("govuk-tag--green"));
        assert_eq!(
            count(&app, "recommendation_status_event").await,
            events_before + 2
        );
        assert_eq!(app.audit(DEMO, "recommendation.verify").await.len(), 1);
        // The same form again is stale now.
        let r = app
            .post_form(
                &sc,
                &format!("{path}/verification"),
                &[
                    ("csrf_token", &csrf2),
                    ("version", &v2),
                    ("verdict", "agree"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 409);

        // Another partnership: 404.
        add_other_admin(&app).await;
        let o = app.signed_in(OTHER).await;
        assert_eq!(app.get(&o, &path).await.status().as_u16(), 404);
        let r = app
            .post_with_csrf(
                &o,
                &format!("{path}/status"),
                &[("version", "1"), ("status", "in_progress")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 404);
    }
);

safeguard_testkit::both_backends!(
    sources_recommendations_and_actions_are_added_and_a_cspr_is_taken_by_reference,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let sources = count(&app, "recommendation_source").await;
        // 422: nothing saved, values kept.
        let r = app
            .post_with_csrf(
                &c,
                "/recommendation-sources",
                &[
                    ("kind", "inquiry"),
                    ("title", "A kept title"),
                    ("published_on", "2099-01-01"),
                    ("publisher", ""),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "published_on"));
        assert!(error_summary_links_to(&body, "publisher"));
        assert!(body.contains("A kept title"));
        assert_eq!(count(&app, "recommendation_source").await, sources);

        // A local CSPR, with a review recommendation taken over by reference.
        let review = crate::review_learning::practice_review(
            &app,
            "CSPR TRACK-1",
            "2022-05-01",
            Some("2023-01-20"),
        )
        .await;
        let admin = app.person(ADMIN).await.unwrap();
        let actor = safeguard_service::Actor {
            person_id: admin.id(),
            organisation_id: safeguard_domain::OrganisationId(admin.organisation_id),
            partnership_id: app.partnership_id(DEMO).await,
            roles: vec![safeguard_domain::policy::Role::PartnershipAdministrator],
            session_id: None,
            meta: safeguard_service::RequestMeta::default(),
        };
        let rr = safeguard_service::review_learning::add_recommendation(
            &app.svc,
            &actor,
            safeguard_domain::review_learning::SubjectType::PracticeReview,
            review,
            &safeguard_domain::review_learning::RecommendationInput {
                title: "Share health visitor records".into(),
                body: "The distinctive review text about health visiting.".into(),
                addressees: vec![admin.organisation_id.to_string()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let r = app
            .post_with_csrf(
                &c,
                "/recommendation-sources",
                &[
                    ("kind", "local_cspr"),
                    ("title", "Child TRACK-1"),
                    ("published_on", "2023-01-20"),
                    (
                        "publisher",
                        "Telford and Wrekin Safeguarding Children Partnership",
                    ),
                    ("review_id", &review.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let source = location(&r)
            .split('/')
            .nth(2)
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let audit = app.audit(DEMO, "recommendation.source.create").await;
        assert_eq!(audit.len(), 2, "the demo's and this one");

        let add = format!("/recommendation-sources/{source}/recommendations");
        let org = admin.organisation_id.to_string();
        let recs = count(&app, "tracked_recommendation").await;
        let r = app
            .post_with_csrf(
                &c,
                &add,
                &[
                    ("number", "1"),
                    ("review_recommendation_id", &rr.to_string()),
                    ("accepted", "no"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "addressees"));
        assert!(error_summary_links_to(&body, "not_accepted_reason"));
        assert_eq!(count(&app, "tracked_recommendation").await, recs);
        let r = app
            .post_with_csrf(
                &c,
                &add,
                &[
                    ("number", "1"),
                    ("review_recommendation_id", &rr.to_string()),
                    ("accepted", "yes"),
                    ("addressees", &org),
                    ("target_date", "2023-12-31"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let rec_path = location(&r).split('?').next().unwrap().to_owned();
        let rec_id = rec_path.rsplit('/').next().unwrap().to_owned();
        // Never copied: the row holds no title or text.
        let mut pc = app.db.acquire().await.unwrap();
        let row = safeguard_store::recommendations::find_recommendation(
            &mut pc.conn(),
            app.partnership_id(DEMO).await,
            rec_id.parse().unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
        drop(pc);
        assert_eq!((row.title.as_str(), row.body.as_str()), ("", ""));
        assert_eq!(row.review_recommendation_id, Some(rr));
        // The panel reads the text through the case review module (audited there) ...
        let views = app.audit(DEMO, "case_review.view").await.len();
        let (_, page) = app.get_text(&c, &rec_path).await;
        assert!(page.contains("Share health visitor records"));
        assert!(page.contains("The distinctive review text about health visiting."));
        assert!(app.audit(DEMO, "case_review.view").await.len() > views);
        // ... the scrutineer, off the panel, sees that it is held there, not the text.
        let sc = app.signed_in(SCRUTINEER).await;
        let (s, page) = app.get_text(&sc, &rec_path).await;
        assert_eq!(s, 200);
        assert!(page.contains("held by the case review panel"));
        assert!(!page.contains("distinctive review text"));
        let (_, page) = app
            .get_text(&sc, &format!("/recommendation-sources/{source}"))
            .await;
        assert!(!page.contains("Share health visitor records"));

        // An action in the one action model, shown on the recommendation and on the action list.
        let actions = count(&app, "action").await;
        let r = app
            .post_with_csrf(
                &c,
                &format!("{rec_path}/actions"),
                &[("title", ""), ("owner_organisation_id", &org)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(count(&app, "action").await, actions);
        let r = app
            .post_with_csrf(
                &c,
                &format!("{rec_path}/actions"),
                &[
                    ("title", "Agree a records protocol"),
                    ("owner_organisation_id", &org),
                    ("due_date", "2023-09-30"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(count(&app, "action").await, actions + 1);
        let (_, page) = app.get_text(&c, &rec_path).await;
        assert!(page.contains("Agree a records protocol"));
        let (_, list) = app.get_text(&c, "/actions").await;
        assert!(list.contains("Agree a records protocol"));
        let created = app.audit(DEMO, "action.create").await;
        assert!(
            created[0]
                .after_json
                .as_deref()
                .unwrap()
                .contains("\"source_type\":\"recommendation\"")
        );

        // Only managers add sources, recommendations and actions.
        let lead = app.signed_in(LEAD).await;
        assert_eq!(
            app.get(&lead, "/recommendation-sources/new")
                .await
                .status()
                .as_u16(),
            403
        );
        let r = app
            .post_with_csrf(
                &lead,
                &format!("{rec_path}/actions"),
                &[("title", "x"), ("owner_organisation_id", &org)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403);
    }
);

safeguard_testkit::both_backends!(
    the_api_reads_and_changes_status_with_versions,
    |backend| async move {
        let app = spawn_app(backend).await;
        let (_, rec) = demo_ids(&app, 11).await;
        // The lead works in two partnerships: a token for the demo one, made through the page.
        let lead = app.signed_in(LEAD).await;
        app.switch_to(&lead, DEMO).await;
        let lead_token = app.create_token_via_page(&lead, "tracker", "30").await;
        let post = |token: String, path: String, body: serde_json::Value| {
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
        let v: serde_json::Value = app
            .api_get(
                &lead_token,
                &format!("/api/v1/tracked-recommendations/{rec}"),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(v["recommendation"]["self_status"], "in_progress");
        assert_eq!(
            v["recommendation"]["rag"], "red",
            "the target date has passed"
        );
        assert_eq!(v["action_ids"].as_array().unwrap().len(), 1);
        let version = v["recommendation"]["version"].as_i64().unwrap();
        let status = format!("/api/v1/tracked-recommendations/{rec}/status");
        let r = post(
            lead_token.clone(),
            status.clone(),
            serde_json::json!({"status": "implemented", "version": version}),
        )
        .await;
        assert_eq!(
            r.status().as_u16(),
            422,
            "implemented goes through assessment"
        );
        let r = post(
            lead_token.clone(),
            status.clone(),
            serde_json::json!({"status": "ready_for_assessment", "version": version - 1}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 409);
        let r = post(lead_token.clone(), status.clone(), serde_json::json!({"status": "ready_for_assessment", "note": "Done", "version": version})).await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["recommendation"]["self_status"], "ready_for_assessment");
        assert_eq!(v["history"][0]["note"], "Done");
        let sc_token = safeguard_service::tokens::issue_for_email(&app.svc, SCRUTINEER, 30)
            .await
            .unwrap();
        let r = post(
            sc_token.clone(),
            format!("/api/v1/tracked-recommendations/{rec}/verification"),
            serde_json::json!({"verdict": "agree", "version": version + 1}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["recommendation"]["verified_status"], "implemented");
        assert_eq!(v["recommendation"]["rag"], "green");
        let r = post(
            lead_token.clone(),
            format!("/api/v1/tracked-recommendations/{rec}/verification"),
            serde_json::json!({"verdict": "agree", "version": version + 2}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 403);
        let r = app
            .api_get(
                &sc_token,
                &format!("/api/v1/tracked-recommendations/{}", uuid::Uuid::new_v4()),
            )
            .await;
        assert_eq!(r.status().as_u16(), 404);
        let r = post(lead_token.clone(), "/api/v1/recommendation-sources".into(), serde_json::json!({"kind": "inquiry", "title": "x", "published_on": "2022-01-01", "publisher": "y"})).await;
        assert_eq!(r.status().as_u16(), 403);
    }
);
