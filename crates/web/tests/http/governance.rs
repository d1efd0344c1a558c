//! Governance over HTTP: adding a body and its members, planning meetings on working days, agenda
//! items and their papers (multipart uploads to the file store; a refused upload stores nothing),
//! attendance and the attendance-by-agency report, minutes, a decision that creates an action which
//! then shows on its owner's "my actions", validation (error summary on pages, 422 in the API),
//! other partnerships (404), roles without the permission (403), and the demo data.

use crate::files::{files_on_disk, multipart, post_multipart_to, rows};
use crate::helpers::*;
use chrono::{Datelike, NaiveDate, Weekday};
use serde_json::{Value, json};

const ADMIN: &str = "admin@safeguard.example";
const LEAD: &str = "lead@safeguard.example";
const BOARD_MEMBER: &str = "board@safeguard.example";
const PRACTITIONER: &str = "practitioner@safeguard.example";
const OTHER: &str = "other@shropshire.example";
const DEMO: &str = "telford-wrekin";
const POLICE: &str = "West Mercia Police";
const ICB: &str = "NHS Shropshire, Telford and Wrekin Integrated Care Board";
const BOARD: &str = "Telford and Wrekin Safeguarding Children Board";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n";

async fn token(app: &TestApp, email: &str) -> String {
    safeguard_service::tokens::issue_for_email(&app.svc, email, 30)
        .await
        .expect("token")
}

async fn api_post(app: &TestApp, token: &str, path: &str, body: &Value) -> reqwest::Response {
    raw_client()
        .post(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("api post")
}

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.expect("json")
}

/// The id at the end of a redirect such as `/bodies/{id}?notice=…`.
fn id_in(location: &str, prefix: &str) -> String {
    location
        .trim_start_matches(prefix)
        .split(['?', '/', '#'])
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn body_id(app: &TestApp, name: &str) -> String {
    let t = token(app, ADMIN).await;
    let list = json_of(app.api_get(&t, "/api/v1/bodies").await).await;
    list.as_array()
        .expect("list")
        .iter()
        .find(|b| b["name"] == name)
        .and_then(|b| b["id"].as_str())
        .unwrap_or_else(|| panic!("no body {name}"))
        .to_owned()
}

async fn post_upload(
    app: &TestApp,
    c: &reqwest::Client,
    item: &str,
    name: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let csrf = app.csrf(c).await;
    let body = multipart(&[
        ("csrf_token", None, csrf.as_bytes()),
        ("file", Some(name), bytes),
        ("description", None, b"Paper for the item"),
    ]);
    post_multipart_to(app, c, &format!("/agenda-items/{item}/papers"), body).await
}

safeguard_testkit::both_backends!(
    an_administrator_runs_a_body_and_its_meeting,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let (status, page) = app.get_text(&admin, "/bodies").await;
        assert_eq!(status, 200);
        assert!(page.contains("Board and groups"));
        assert!(page.contains("Child Safeguarding Practice Review Panel"));
        assert!(page.contains("Add a body"));
        let board = body_id(&app, BOARD).await;
        let sam = app.person_id(LEAD).await.to_string();
        let helen = app.person_id(BOARD_MEMBER).await.to_string();
        let police = app.organisation_id(POLICE).await.to_string();

        // A body reporting to the board.
        let (status, _) = app.get_text(&admin, "/bodies/new").await;
        assert_eq!(status, 200);
        let r = app
            .post_with_csrf(
                &admin,
                "/bodies/new",
                &[
                    ("name", "Neglect audit task group"),
                    ("kind", "task_and_finish"),
                    (
                        "terms_of_reference",
                        "Audits neglect referrals and reports to the Board.",
                    ),
                    ("chair_person_id", &sam),
                    ("parent_body_id", &board),
                    ("meeting_frequency", "monthly"),
                    ("start_date", "2022-04-01"),
                    ("end_date", ""),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let to = location(&r);
        assert!(to.ends_with("?notice=body-created"), "{to}");
        let id = id_in(&to, "/bodies/");
        for (who, role) in [(&sam, "member"), (&helen, "vice_chair")] {
            let r = app
                .post_with_csrf(
                    &admin,
                    &format!("/bodies/{id}/members"),
                    &[
                        ("person_id", who),
                        ("role", role),
                        ("joined_on", "2022-04-01"),
                    ],
                )
                .await;
            assert_eq!(r.status().as_u16(), 303);
        }
        let (status, page) = app.get_text(&admin, &format!("/bodies/{id}")).await;
        assert_eq!(status, 200);
        for s in [
            "Neglect audit task group",
            "Audits neglect referrals and reports to the Board.",
            BOARD,
            "Sam Okafor",
            "Helen Price",
            "Vice-chair",
            "Monthly",
            "Add member",
            "Plan meetings",
        ] {
            assert!(page.contains(s), "{s}");
        }
        assert_eq!(app.audit(DEMO, "body.create").await.len(), 1);
        // A terms-of-reference document through the file store.
        let csrf = app.csrf(&admin).await;
        let upload = multipart(&[
            ("csrf_token", None, csrf.as_bytes()),
            ("file", Some("terms.pdf"), PDF),
            ("description", None, b"Terms of reference"),
        ]);
        let r = post_multipart_to(&app, &admin, &format!("/bodies/{id}/terms"), upload).await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            location(&r),
            format!("/bodies/{id}?notice=document-uploaded")
        );
        let (_, page) = app.get_text(&admin, &format!("/bodies/{id}")).await;
        assert!(page.contains("terms.pdf"));
        let stored = rows(&app).await;
        let terms = stored
            .iter()
            .find(|f| f.original_name == "terms.pdf")
            .unwrap();
        assert_eq!(terms.attached_to_type.as_deref(), Some("body"));
        assert_eq!(app.audit(DEMO, "body_member.add").await.len(), 2);

        // Planned monthly from Monday 2 May 2022 (a bank holiday): every date a working day.
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/bodies/{id}/meetings/plan"),
                &[
                    ("first_date", "2022-05-02"),
                    ("until", "2022-08-31"),
                    ("start_time", "14:00"),
                    ("location", "Addenbrooke House"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            location(&r),
            format!("/bodies/{id}?notice=meetings-planned")
        );
        let t = token(&app, ADMIN).await;
        let meetings = json_of(
            app.api_get(&t, &format!("/api/v1/bodies/{id}/meetings"))
                .await,
        )
        .await;
        let dates: Vec<&str> = meetings
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["date"].as_str().unwrap())
            .collect();
        assert_eq!(
            dates,
            ["2022-05-03", "2022-06-06", "2022-07-04", "2022-08-02"]
        );
        let cal = safeguard_domain::calendar::Calendar::england_and_wales();
        for d in &dates {
            let d = NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
            assert!(!matches!(d.weekday(), Weekday::Sat | Weekday::Sun));
            assert!(cal.is_working_day(d).unwrap(), "{d}");
        }
        // Planning again adds nothing twice.
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/bodies/{id}/meetings/plan"),
                &[("first_date", "2022-05-02"), ("until", "2022-08-31")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(app.audit(DEMO, "meeting.create").await.len(), 4);
        let meeting = meetings[0]["id"].as_str().unwrap().to_owned();

        // An ad hoc meeting.
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/bodies/{id}/meetings/new"),
                &[
                    ("meeting_date", "2022-10-11"),
                    ("start_time", "09:30"),
                    ("location", "Online"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert!(location(&r).starts_with("/meetings/"));

        // An agenda item, and a paper for it.
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/meetings/{meeting}/agenda"),
                &[
                    ("title", "Audit findings"),
                    ("owner_person_id", &sam),
                    ("owner_organisation_id", &police),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&admin, &format!("/meetings/{meeting}")).await;
        assert!(page.contains("1. Audit findings"));
        assert!(page.contains("Sam Okafor, West Mercia Police"));
        let detail = json_of(
            app.api_get(&t, &format!("/api/v1/meetings/{meeting}"))
                .await,
        )
        .await;
        let item = detail["agenda"][0]["id"].as_str().unwrap().to_owned();
        let (status, papers) = app
            .get_text(&admin, &format!("/agenda-items/{item}/papers"))
            .await;
        assert_eq!(status, 200);
        assert!(papers.contains("enctype=\"multipart/form-data\""));
        assert!(papers.contains("Upload paper"));
        let r = post_upload(&app, &admin, &item, "audit.pdf", PDF).await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            location(&r),
            format!("/agenda-items/{item}/papers?notice=paper-uploaded")
        );
        let stored = rows(&app).await;
        let paper = stored
            .iter()
            .find(|f| f.original_name == "audit.pdf")
            .expect("stored");
        assert_eq!(paper.attached_to_type.as_deref(), Some("agenda_item"));
        assert_eq!(
            paper.attached_to_id.map(|u| u.to_string()),
            Some(item.clone())
        );
        let (_, page) = app.get_text(&admin, &format!("/meetings/{meeting}")).await;
        assert!(page.contains("audit.pdf"));
        // A file that is not what it says is refused and nothing is stored.
        let (before_rows, before_disk) = (rows(&app).await.len(), files_on_disk(&app).len());
        let r = post_upload(&app, &admin, &item, "fake.pdf", b"this is not a pdf at all").await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(error_summary_links_to(&page, "file"), "{page}");
        assert_eq!(rows(&app).await.len(), before_rows);
        assert_eq!(files_on_disk(&app).len(), before_disk);

        // Attendance, held, and the report by agency.
        for (who, st) in [(&sam, "present"), (&helen, "apologies")] {
            let r = app
                .post_with_csrf(
                    &admin,
                    &format!("/meetings/{meeting}/attendance"),
                    &[("person_id", who), ("status", st)],
                )
                .await;
            assert_eq!(r.status().as_u16(), 303);
        }
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/meetings/{meeting}/status"),
                &[("meeting_status", "held")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let report = json_of(
            app.api_get(&t, &format!("/api/v1/bodies/{id}/attendance?year=2022"))
                .await,
        )
        .await;
        assert_eq!(report["meetings_held"], 1);
        let line = |org: &str| {
            report["agencies"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["organisation_name"] == org)
                .cloned()
                .unwrap_or_else(|| panic!("{org}: {report}"))
        };
        let p = line(POLICE);
        assert_eq!(
            (
                p["expected"].as_u64(),
                p["present"].as_u64(),
                p["rate_percent"].as_u64()
            ),
            (Some(1), Some(1), Some(100))
        );
        let h = line(ICB);
        assert_eq!(
            (
                h["expected"].as_u64(),
                h["apologies"].as_u64(),
                h["absent"].as_u64(),
                h["rate_percent"].as_u64()
            ),
            (Some(1), Some(1), Some(0), Some(0))
        );
        let (status, page) = app
            .get_text(&admin, &format!("/bodies/{id}/attendance?year=2022"))
            .await;
        assert_eq!(status, 200);
        assert!(page.contains("Attendance by agency, 2022-23"));
        assert!(page.contains("100%"));
        // Another year: no meetings held.
        let other_year = json_of(
            app.api_get(&t, &format!("/api/v1/bodies/{id}/attendance?year=2023"))
                .await,
        )
        .await;
        assert_eq!(other_year["meetings_held"], 0);

        // Minutes.
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/meetings/{meeting}/minutes"),
                &[
                    ("minutes", "The group reviewed the audit."),
                    ("minutes_status", "approved"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);

        // A decision that creates an action for the lead.
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/meetings/{meeting}/decisions"),
                &[
                    (
                        "decision",
                        "Agreed to audit every neglect referral from the summer.",
                    ),
                    ("agenda_item_id", &item),
                    ("action_title", "Audit the summer neglect referrals"),
                    ("action_owner_organisation_id", &police),
                    ("action_owner_person_id", &sam),
                    ("action_due_date", "2026-12-31"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert!(location(&r).contains("notice=decision-recorded-with-action"));
        let (_, page) = app.get_text(&admin, &format!("/meetings/{meeting}")).await;
        assert!(page.contains("Agreed to audit every neglect referral from the summer."));
        assert!(page.contains("Audit the summer neglect referrals"));
        assert!(page.contains("The group reviewed the audit."));
        let lead = app.signed_in(LEAD).await;
        let (_, mine) = app.get_text(&lead, "/actions/mine").await;
        assert!(mine.contains("Audit the summer neglect referrals"));
        assert!(mine.contains("Decision: Neglect audit task group 3 May 2022"));
        let d = &app.audit(DEMO, "decision.create").await;
        assert!(!d.is_empty());
        let detail = json_of(
            app.api_get(&t, &format!("/api/v1/meetings/{meeting}"))
                .await,
        )
        .await;
        assert_eq!(
            detail["decisions"][0]["action_ids"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(detail["attendance"].as_array().unwrap().len(), 2);
        assert_eq!(detail["meeting"]["status"], "held");
        assert_eq!(detail["meeting"]["minutes_status"], "approved");

        // Ending a membership keeps it as history.
        let b = json_of(app.api_get(&t, &format!("/api/v1/bodies/{id}")).await).await;
        let member = b["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["person_name"] == "Helen Price")
            .and_then(|m| m["id"].as_str())
            .unwrap()
            .to_owned();
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/body-members/{member}/end"),
                &[("left_on", "2023-03-31")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&admin, &format!("/bodies/{id}")).await;
        assert!(page.contains("Past members"));
        assert!(page.contains("31 March 2023"));
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/body-members/{member}/end"),
                &[("left_on", "")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
    }
);

safeguard_testkit::both_backends!(
    bad_input_is_refused_with_field_errors_and_nothing_written,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let t = token(&app, ADMIN).await;
        let before = json_of(app.api_get(&t, "/api/v1/bodies").await).await;
        let r = app
            .post_with_csrf(
                &admin,
                "/bodies/new",
                &[("name", ""), ("kind", "committee")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(error_summary_links_to(&page, "name"));
        assert!(error_summary_links_to(&page, "kind"));
        // A name already used.
        let r = app
            .post_with_csrf(&admin, "/bodies/new", &[("name", BOARD), ("kind", "board")])
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let board = body_id(&app, BOARD).await;
        let panel = body_id(&app, "Child Safeguarding Practice Review Panel").await;
        // Cycles: the board may not report to itself, nor to a group that reports to it.
        for parent in [&board, &panel] {
            let r = app
                .post_with_csrf(
                    &admin,
                    &format!("/bodies/{board}/edit"),
                    &[
                        ("name", BOARD),
                        ("kind", "board"),
                        ("parent_body_id", parent),
                    ],
                )
                .await;
            assert_eq!(r.status().as_u16(), 422);
            assert!(error_summary_links_to(
                &r.text().await.unwrap(),
                "parent_body_id"
            ));
        }
        let after = json_of(app.api_get(&t, "/api/v1/bodies").await).await;
        assert_eq!(before, after);
        // The API answers 422 with field errors.
        let r = api_post(
            &app,
            &t,
            "/api/v1/bodies",
            &json!({"name": "", "kind": "committee"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(header(&r, "content-type").starts_with("application/problem+json"));
        let problem = json_of(r).await;
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.contains(&"name") && fields.contains(&"kind"),
            "{problem}"
        );
        let r = api_post(
            &app,
            &t,
            "/api/v1/bodies",
            &json!({"name": "Audit group", "kind": "task_and_finish", "parent_body_id": board, "meeting_frequency": "Bi-monthly"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 201);
        let created = json_of(r).await;
        assert_eq!(created["body"]["meeting_frequency"], "bi_monthly");
        assert_eq!(created["body"]["parent_body_id"], board.as_str());

        // Plans: the end before the start.
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/bodies/{board}/meetings/plan"),
                &[("first_date", "2022-05-01"), ("until", "2022-04-01")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(error_summary_links_to(&r.text().await.unwrap(), "until"));

        // A decision whose action has no owner organisation: nothing written.
        let meetings = json_of(
            app.api_get(&t, &format!("/api/v1/bodies/{board}/meetings"))
                .await,
        )
        .await;
        let meeting = meetings[0]["id"].as_str().unwrap().to_owned();
        let decisions_before = json_of(
            app.api_get(&t, &format!("/api/v1/meetings/{meeting}"))
                .await,
        )
        .await["decisions"]
            .as_array()
            .unwrap()
            .len();
        let actions_before = app.audit(DEMO, "action.create").await.len();
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/meetings/{meeting}/decisions"),
                &[
                    ("decision", "Agreed."),
                    ("action_title", "Do it"),
                    ("action_due_date", "2023-02-30"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(error_summary_links_to(
            &page,
            "action_owner_organisation_id"
        ));
        assert!(error_summary_links_to(&page, "action_due_date"));
        // An owner of another organisation is refused by the action model, and the decision with it.
        let police = app.organisation_id(POLICE).await.to_string();
        let helen = app.person_id(BOARD_MEMBER).await.to_string();
        let r = api_post(
            &app,
            &t,
            &format!("/api/v1/meetings/{meeting}/decisions"),
            &json!({"decision": "Agreed.", "action_title": "Do it", "action_owner_organisation_id": police, "action_owner_person_id": helen}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        let problem = json_of(r).await;
        assert_eq!(problem["errors"][0]["field"], "action_owner_person_id");
        let r = api_post(
            &app,
            &t,
            &format!("/api/v1/meetings/{meeting}/decisions"),
            &json!({"decision": ""}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        let detail = json_of(
            app.api_get(&t, &format!("/api/v1/meetings/{meeting}"))
                .await,
        )
        .await;
        assert_eq!(
            detail["decisions"].as_array().unwrap().len(),
            decisions_before
        );
        assert_eq!(app.audit(DEMO, "action.create").await.len(), actions_before);
        // A decision without an action through the API.
        let r = api_post(
            &app,
            &t,
            &format!("/api/v1/meetings/{meeting}/decisions"),
            &json!({"decision": "Noted the report."}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 201);
        assert_eq!(json_of(r).await["action_id"], Value::Null);
        // Attendance with nothing chosen.
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/meetings/{meeting}/attendance"),
                &[("person_id", ""), ("status", "late")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(error_summary_links_to(&page, "person_id"));
        assert!(error_summary_links_to(&page, "status"));
        // The members' attendance at once: only members, only known statuses, at least one.
        let sam = app.person_id(LEAD).await.to_string();
        let field = format!("status_{sam}");
        let stranger = format!("status_{}", uuid::Uuid::new_v4());
        let path = format!("/meetings/{meeting}/attendance/members");
        for (fields, error) in [
            (vec![(field.as_str(), "late")], field.as_str()),
            (vec![(stranger.as_str(), "present")], stranger.as_str()),
            (vec![(field.as_str(), "")], "attendance"),
        ] {
            let r = app.post_with_csrf(&admin, &path, &fields).await;
            assert_eq!(r.status().as_u16(), 422);
            assert!(
                error_summary_links_to(&r.text().await.unwrap(), error),
                "{error}"
            );
        }
        let r = app
            .post_with_csrf(&admin, &path, &[(field.as_str(), "absent")])
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let detail = json_of(
            app.api_get(&t, &format!("/api/v1/meetings/{meeting}"))
                .await,
        )
        .await;
        let sam_row = detail["attendance"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["person_id"] == sam.as_str())
            .cloned()
            .unwrap();
        assert_eq!(sam_row["status"], "absent");
        assert_eq!(sam_row["organisation_name"], POLICE);
        let r = api_post(&app, &t, "/api/v1/bodies", &json!({"nonsense": 1})).await;
        assert_eq!(r.status().as_u16(), 400);
        assert_eq!(
            app.api_get(&t, &format!("/api/v1/bodies/{board}/attendance?year=1999"))
                .await
                .status()
                .as_u16(),
            422
        );
    }
);

safeguard_testkit::both_backends!(
    other_partnerships_and_roles_without_permission_are_refused,
    |backend| async move {
        let app = spawn_app(backend).await;
        crate::actions::add_other_partnership_person(&app).await;
        let board = body_id(&app, BOARD).await;
        let t = token(&app, ADMIN).await;
        let meetings = json_of(
            app.api_get(&t, &format!("/api/v1/bodies/{board}/meetings"))
                .await,
        )
        .await;
        let meeting = meetings[0]["id"].as_str().unwrap().to_owned();
        let detail = json_of(
            app.api_get(&t, &format!("/api/v1/meetings/{meeting}"))
                .await,
        )
        .await;
        let item = detail["agenda"][0]["id"].as_str().unwrap().to_owned();

        // Another partnership's administrator: everything of Telford and Wrekin looks missing.
        let other = app.signed_in(OTHER).await;
        for path in [
            format!("/bodies/{board}"),
            format!("/bodies/{board}/attendance?year=2022"),
            format!("/meetings/{meeting}"),
            format!("/agenda-items/{item}/papers"),
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
                &format!("/meetings/{meeting}/agenda"),
                &[("title", "Mine now")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 404);
        let ot = token(&app, OTHER).await;
        for path in [
            format!("/api/v1/bodies/{board}"),
            format!("/api/v1/meetings/{meeting}"),
            format!("/api/v1/bodies/{board}/meetings"),
        ] {
            assert_eq!(
                app.api_get(&ot, &path).await.status().as_u16(),
                404,
                "{path}"
            );
        }
        let r = api_post(
            &app,
            &ot,
            &format!("/api/v1/meetings/{meeting}/decisions"),
            &json!({"decision": "x"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 404);
        let (_, list) = app.get_text(&other, "/bodies").await;
        assert!(!list.contains(BOARD));
        assert!(list.contains("Shropshire Safeguarding Community Partnership Executive"));

        // A parent body of another partnership is refused.
        let their = json_of(app.api_get(&ot, "/api/v1/bodies").await).await;
        let their_board = their[0]["id"].as_str().unwrap().to_owned();
        let r = api_post(
            &app,
            &t,
            "/api/v1/bodies",
            &json!({"name": "Cross-border group", "kind": "sub_group", "parent_body_id": their_board}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(json_of(r).await["errors"][0]["field"], "parent_body_id");

        // A board-only paper is shown to the board, not to a sub-group member.
        let admin = app.signed_in(ADMIN).await;
        let csrf = app.csrf(&admin).await;
        let upload = multipart(&[
            ("csrf_token", None, csrf.as_bytes()),
            ("file", Some("board-only.pdf"), PDF),
            ("board_only", None, b"yes"),
        ]);
        let r = post_multipart_to(
            &app,
            &admin,
            &format!("/agenda-items/{item}/papers"),
            upload,
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        let lead = app.signed_in("subgroup@safeguard.example").await;
        let (status, page) = app.get_text(&lead, &format!("/meetings/{meeting}")).await;
        assert_eq!(status, 200);
        assert!(!page.contains("board-only.pdf"));
        let (_, page) = app
            .get_text(&lead, &format!("/agenda-items/{item}/papers"))
            .await;
        assert!(!page.contains("board-only.pdf"));

        // A practitioner may not see governance; a board member reads but may not change it.
        let p = app.signed_in(PRACTITIONER).await;
        assert_eq!(app.get(&p, "/bodies").await.status().as_u16(), 403);
        let pt = token(&app, PRACTITIONER).await;
        assert_eq!(
            app.api_get(&pt, "/api/v1/bodies").await.status().as_u16(),
            403
        );
        let b = app.signed_in(BOARD_MEMBER).await;
        let (status, page) = app.get_text(&b, &format!("/meetings/{meeting}")).await;
        assert_eq!(status, 200);
        assert!(!page.contains("Record a decision"));
        assert!(page.contains("board-only.pdf"));
        let (status, page) = app.get_text(&b, &format!("/bodies/{board}")).await;
        assert_eq!(status, 200);
        assert!(!page.contains("Add member"));
        let r = app
            .post_with_csrf(
                &b,
                &format!("/meetings/{meeting}/agenda"),
                &[("title", "Not allowed")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403);
        let bt = token(&app, BOARD_MEMBER).await;
        let r = api_post(
            &app,
            &bt,
            &format!("/api/v1/meetings/{meeting}/decisions"),
            &json!({"decision": "x"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 403);
    }
);

safeguard_testkit::both_backends!(
    the_demo_has_governance_and_loading_it_again_adds_nothing,
    |backend| async move {
        let app = spawn_app(backend).await;
        let p = app.partnership_id(DEMO).await;
        let count = || async {
            let mut pc = app.db.acquire().await.unwrap();
            safeguard_store::governance::count_meetings(&mut pc.conn(), p)
                .await
                .unwrap()
        };
        let n = count().await;
        assert!(n >= 10, "{n}");
        safeguard_service::demo::load(&app.svc, Some(PASSWORD))
            .await
            .unwrap();
        assert_eq!(count().await, n);
        let admin = app.signed_in(ADMIN).await;
        let board = body_id(&app, BOARD).await;
        let (_, page) = app.get_text(&admin, &format!("/bodies/{board}")).await;
        for s in [
            "Independent Chair",
            "Margaret Hill",
            "Child Safeguarding Practice Review Panel",
            "12 May 2022",
        ] {
            assert!(page.contains(s), "{s}");
        }
        let panel = body_id(&app, "Child Safeguarding Practice Review Panel").await;
        let t = token(&app, ADMIN).await;
        let report = json_of(
            app.api_get(&t, &format!("/api/v1/bodies/{panel}/attendance?year=2022"))
                .await,
        )
        .await;
        assert_eq!(report["meetings_held"], 12);
        assert!(report["agencies"].as_array().unwrap().len() >= 4);
        // The September board's decision created an action for the board member.
        let b = app.signed_in(BOARD_MEMBER).await;
        let (_, mine) = app.get_text(&b, "/actions/mine").await;
        assert!(mine.contains("Report progress on the Inquiry recommendations to the Board"));
        assert!(
            mine.contains(
                "Decision: Telford and Wrekin Safeguarding Children Board 8 September 2022"
            )
        );
        // The home page still lists the bodies with their frequency.
        let (_, home) = app.get_text(&admin, "/").await;
        assert!(home.contains("meets monthly"));
    }
);

safeguard_testkit::both_backends!(
    the_papers_route_takes_uploads_up_to_the_upload_limit,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let board = body_id(&app, BOARD).await;
        let t = token(&app, ADMIN).await;
        let meetings = json_of(
            app.api_get(&t, &format!("/api/v1/bodies/{board}/meetings"))
                .await,
        )
        .await;
        let meeting = meetings[0]["id"].as_str().unwrap().to_owned();
        let detail = json_of(
            app.api_get(&t, &format!("/api/v1/meetings/{meeting}"))
                .await,
        )
        .await;
        let item = detail["agenda"][0]["id"].as_str().unwrap().to_owned();
        // Larger than the 1 MiB other forms may send: accepted, because the route is an upload route.
        let mut big = PDF.to_vec();
        big.resize(2 * 1024 * 1024, b' ');
        let r = post_upload(&app, &admin, &item, "big.pdf", &big).await;
        assert_eq!(r.status().as_u16(), 303);
        assert!(
            rows(&app)
                .await
                .iter()
                .any(|f| f.original_name == "big.pdf")
        );
        // The same to a route that is not an upload route is refused for its size.
        let r = post_multipart_to(
            &app,
            &admin,
            &format!("/meetings/{meeting}/agenda"),
            multipart(&[("file", Some("big.pdf"), &big)]),
        )
        .await;
        assert_eq!(r.status().as_u16(), 413);
    }
);

safeguard_testkit::both_backends!(
    a_paper_over_the_upload_limit_gets_the_too_large_page,
    |backend| async move {
        let app = spawn_app_with(backend, |c| c.upload_limit_bytes = 2000).await;
        let admin = app.signed_in(ADMIN).await;
        let board = body_id(&app, BOARD).await;
        let t = token(&app, ADMIN).await;
        let meetings = json_of(
            app.api_get(&t, &format!("/api/v1/bodies/{board}/meetings"))
                .await,
        )
        .await;
        let meeting = meetings[0]["id"].as_str().unwrap().to_owned();
        let detail = json_of(
            app.api_get(&t, &format!("/api/v1/meetings/{meeting}"))
                .await,
        )
        .await;
        let item = detail["agenda"][0]["id"].as_str().unwrap().to_owned();
        let before = rows(&app).await.len();
        let mut over = PDF.to_vec();
        over.resize(3000, b' ');
        let r = post_upload(&app, &admin, &item, "over.pdf", &over).await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("The selected file must be smaller than")
        );
        let huge = vec![b'a'; 200 * 1024];
        let r = post_upload(&app, &admin, &item, "huge.pdf", &huge).await;
        assert_eq!(r.status().as_u16(), 413);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("The selected file is too large")
        );
        assert_eq!(rows(&app).await.len(), before);
    }
);

async fn api_send(
    app: &TestApp,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: &Value,
) -> reqwest::Response {
    raw_client()
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("api request")
}

async fn api_put(app: &TestApp, token: &str, path: &str, body: &Value) -> reqwest::Response {
    api_send(app, reqwest::Method::PUT, token, path, body).await
}

/// The fields a 422 problem names.
async fn problem_fields(r: reqwest::Response) -> Vec<String> {
    assert_eq!(r.status().as_u16(), 422);
    assert!(header(&r, "content-type").starts_with("application/problem+json"));
    let p = json_of(r).await;
    p["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no field errors: {p}"))
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

/// The board's first meeting and its first agenda item (demo data).
async fn board_meeting(app: &TestApp) -> (String, String, String) {
    let t = token(app, ADMIN).await;
    let board = body_id(app, BOARD).await;
    let meetings = json_of(
        app.api_get(&t, &format!("/api/v1/bodies/{board}/meetings"))
            .await,
    )
    .await;
    let meeting = meetings[0]["id"].as_str().unwrap().to_owned();
    let detail = json_of(
        app.api_get(&t, &format!("/api/v1/meetings/{meeting}"))
            .await,
    )
    .await;
    let item = detail["agenda"][0]["id"].as_str().unwrap().to_owned();
    (board, meeting, item)
}

safeguard_testkit::both_backends!(
    a_manager_changes_meeting_details_and_withdraws_an_agenda_item,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let (_, meeting, _) = board_meeting(&app).await;
        let (status, page) = app.get_text(&admin, &format!("/meetings/{meeting}")).await;
        assert_eq!(status, 200);
        assert!(page.contains(&format!("href=\"/meetings/{meeting}/edit\"")));
        let (status, page) = app
            .get_text(&admin, &format!("/meetings/{meeting}/edit"))
            .await;
        assert_eq!(status, 200);
        for s in [
            "Change meeting details",
            "for=\"meeting_date\"",
            "for=\"start_time\"",
            "for=\"location\"",
            "Save meeting details",
        ] {
            assert!(page.contains(s), "{s}");
        }

        // Bad details: every field named, nothing changed.
        let long = "x".repeat(201);
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/meetings/{meeting}/edit"),
                &[
                    ("meeting_date", "2022-02-30"),
                    ("start_time", "25:99"),
                    ("location", &long),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        for f in ["meeting_date", "start_time", "location"] {
            assert!(error_summary_links_to(&page, f), "{f}");
        }
        assert!(app.audit(DEMO, "meeting.update").await.is_empty());

        let r = app
            .post_with_csrf(
                &admin,
                &format!("/meetings/{meeting}/edit"),
                &[
                    ("meeting_date", "2022-05-13"),
                    ("start_time", "14:30"),
                    ("location", "Addenbrooke House, Telford"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            location(&r),
            format!("/meetings/{meeting}?notice=meeting-changed")
        );
        let (_, page) = app.get_text(&admin, &location(&r)).await;
        for s in [
            "Meeting details changed.",
            "13 May 2022",
            "14:30",
            "Addenbrooke House, Telford",
        ] {
            assert!(page.contains(s), "{s}");
        }
        let entries = app.audit(DEMO, "meeting.update").await;
        assert_eq!(entries.len(), 1);
        let before: Value =
            serde_json::from_str(entries[0].before_json.as_deref().unwrap()).unwrap();
        let after: Value = serde_json::from_str(entries[0].after_json.as_deref().unwrap()).unwrap();
        assert_eq!(after["date"], "2022-05-13");
        assert_eq!(after["location"], "Addenbrooke House, Telford");
        assert_ne!(before["date"], after["date"]);

        // An item added by mistake, withdrawn with a reason.
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/meetings/{meeting}/agenda"),
                &[("title", "Neglect strategy (wrong meeting)")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let t = token(&app, ADMIN).await;
        let detail = json_of(
            app.api_get(&t, &format!("/api/v1/meetings/{meeting}"))
                .await,
        )
        .await;
        let item = detail["agenda"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["title"] == "Neglect strategy (wrong meeting)")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (_, page) = app.get_text(&admin, &format!("/meetings/{meeting}")).await;
        assert!(page.contains(&format!("href=\"/agenda-items/{item}/withdraw\"")));
        let (status, page) = app
            .get_text(&admin, &format!("/agenda-items/{item}/withdraw"))
            .await;
        assert_eq!(status, 200);
        assert!(page.contains("for=\"reason\""));
        assert!(page.contains("Withdraw item"));
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/agenda-items/{item}/withdraw"),
                &[("reason", "  ")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(error_summary_links_to(&r.text().await.unwrap(), "reason"));
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/agenda-items/{item}/withdraw"),
                &[("reason", "Added to the wrong meeting")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            location(&r),
            format!("/meetings/{meeting}?notice=agenda-item-withdrawn#agenda")
        );
        let (_, page) = app.get_text(&admin, &location(&r)).await;
        assert!(page.contains("Agenda item withdrawn."));
        assert!(page.contains("Withdrawn: Added to the wrong meeting"));
        assert!(page.contains("Neglect strategy (wrong meeting)"));
        assert!(!page.contains(&format!("href=\"/agenda-items/{item}/withdraw\"")));
        assert!(!page.contains(&format!("<option value=\"{item}\"")));
        let entries = app.audit(DEMO, "agenda_item.withdraw").await;
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].target_id.as_deref(), Some(item.as_str()));
        assert!(
            entries[0]
                .after_json
                .as_deref()
                .unwrap()
                .contains("Added to the wrong meeting")
        );
        // Its papers page says so and takes no more papers.
        let (status, page) = app
            .get_text(&admin, &format!("/agenda-items/{item}/papers"))
            .await;
        assert_eq!(status, 200);
        assert!(
            page.contains("This item was withdrawn from the agenda: Added to the wrong meeting")
        );
        assert!(!page.contains("Upload paper"));
        let r = post_upload(&app, &admin, &item, "late.pdf", PDF).await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(
            !rows(&app)
                .await
                .iter()
                .any(|f| f.original_name == "late.pdf")
        );
        // Once only; and no decision may be about it.
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/agenda-items/{item}/withdraw"),
                &[("reason", "Again")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/meetings/{meeting}/decisions"),
                &[("decision", "Noted"), ("agenda_item_id", &item)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(error_summary_links_to(
            &r.text().await.unwrap(),
            "agenda_item_id"
        ));

        // A cancelled meeting's details are not changed (and the page does not offer it).
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/meetings/{meeting}/status"),
                &[("meeting_status", "cancelled")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&admin, &format!("/meetings/{meeting}")).await;
        assert!(!page.contains(&format!("href=\"/meetings/{meeting}/edit\"")));
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/meetings/{meeting}/edit"),
                &[("meeting_date", "2022-05-20")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(error_summary_links_to(
            &r.text().await.unwrap(),
            "meeting_date"
        ));
        assert_eq!(app.audit(DEMO, "meeting.update").await.len(), 1);
    }
);

safeguard_testkit::both_backends!(
    the_api_makes_every_governance_change_the_pages_make,
    |backend| async move {
        let app = spawn_app(backend).await;
        let t = token(&app, ADMIN).await;
        let mut counts = std::collections::HashMap::new();
        for prefix in [
            "body.update",
            "body_member.",
            "meeting.create",
            "attendance.record",
            "meeting.minutes",
        ] {
            counts.insert(prefix, app.audit(DEMO, prefix).await.len());
        }
        let sam = app.person_id(LEAD).await.to_string();
        let helen = app.person_id(BOARD_MEMBER).await.to_string();
        let police = app.organisation_id(POLICE).await.to_string();
        let r = api_post(
            &app,
            &t,
            "/api/v1/bodies",
            &json!({"name": "Neglect task group", "kind": "task_and_finish", "meeting_frequency": "monthly"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 201);
        let body = json_of(r).await["body"]["id"].as_str().unwrap().to_owned();

        // Change the body.
        let r = api_put(
            &app,
            &t,
            &format!("/api/v1/bodies/{body}"),
            &json!({"name": "Neglect audit sub-group", "kind": "sub_group", "meeting_frequency": "monthly",
                    "chair_person_id": sam, "start_date": "2022-04-01"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let changed = json_of(r).await;
        assert_eq!(changed["body"]["name"], "Neglect audit sub-group");
        assert_eq!(changed["body"]["kind"], "sub_group");
        assert_eq!(changed["body"]["start_date"], "2022-04-01");
        assert_eq!(
            app.audit(DEMO, "body.update").await.len(),
            counts["body.update"] + 1
        );
        let fields = problem_fields(
            api_put(
                &app,
                &t,
                &format!("/api/v1/bodies/{body}"),
                &json!({"name": "Board", "kind": "board", "start_date": ""}),
            )
            .await,
        )
        .await;
        // A blank date is refused: leave the field out instead.
        assert_eq!(fields, ["start_date"]);
        let fields = problem_fields(
            api_put(
                &app,
                &t,
                &format!("/api/v1/bodies/{body}"),
                &json!({"name": "", "kind": "club", "end_date": "2022-02-30"}),
            )
            .await,
        )
        .await;
        for f in ["name", "kind", "end_date"] {
            assert!(fields.contains(&f.to_owned()), "{f}: {fields:?}");
        }
        // Unreadable bodies are 400.
        let r = api_put(
            &app,
            &t,
            &format!("/api/v1/bodies/{body}"),
            &json!({"kind": "board"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 400);
        let r = api_put(
            &app,
            &t,
            &format!("/api/v1/bodies/{body}"),
            &json!({"name": "A", "kind": "board", "colour": "red"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 400);

        // Members: add, refuse bad input, end.
        let r = api_post(
            &app,
            &t,
            &format!("/api/v1/bodies/{body}/members"),
            &json!({"person_id": helen, "role": "member", "organisation_id": police, "joined_on": "2022-04-01"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 201);
        let member = json_of(r).await;
        assert_eq!(member["organisation_id"], police.as_str());
        assert_eq!(member["joined_on"], "2022-04-01");
        let member_id = member["id"].as_str().unwrap().to_owned();
        let fields = problem_fields(
            api_post(
                &app,
                &t,
                &format!("/api/v1/bodies/{body}/members"),
                &json!({"person_id": "nobody", "role": "boss", "joined_on": "1999-01-01"}),
            )
            .await,
        )
        .await;
        for f in ["person_id", "role", "joined_on"] {
            assert!(fields.contains(&f.to_owned()), "{f}: {fields:?}");
        }
        let fields = problem_fields(
            api_post(
                &app,
                &t,
                &format!("/api/v1/body-members/{member_id}/end"),
                &json!({"left_on": "2022-03-01"}),
            )
            .await,
        )
        .await;
        assert_eq!(fields, ["left_on"]);
        let r = api_post(
            &app,
            &t,
            &format!("/api/v1/body-members/{member_id}/end"),
            &json!({"left_on": "2023-03-31"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(json_of(r).await["left_on"], "2023-03-31");
        let r = api_post(
            &app,
            &t,
            &format!("/api/v1/body-members/{member_id}/end"),
            &json!({}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(
            app.audit(DEMO, "body_member.").await.len(),
            counts["body_member."] + 2
        );

        // Plan meetings on working days; bad plans are refused with their fields.
        let r = api_post(
            &app,
            &t,
            &format!("/api/v1/bodies/{body}/meetings/plan"),
            &json!({"first_date": "2022-05-02", "until": "2022-08-31", "start_time": "10:00", "location": "Darby House"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let plan = json_of(r).await;
        assert_eq!(
            plan["added"],
            json!(["2022-05-03", "2022-06-06", "2022-07-04", "2022-08-02"])
        );
        let fields = problem_fields(
            api_post(
                &app,
                &t,
                &format!("/api/v1/bodies/{body}/meetings/plan"),
                &json!({"first_date": "2022-05-02", "until": "2022-04-01", "start_time": "25:99"}),
            )
            .await,
        )
        .await;
        for f in ["until", "start_time"] {
            assert!(fields.contains(&f.to_owned()), "{f}: {fields:?}");
        }

        // One meeting more; fuzz-like input is refused with its field, never a 500.
        for (bad, field) in [
            (
                json!({"meeting_date": "2022-09-14", "location": "Room\u{0}1"}),
                "location",
            ),
            (
                json!({"meeting_date": "2022-09-14", "location": "x".repeat(100_000)}),
                "location",
            ),
            (json!({"meeting_date": "0001-01-01"}), "meeting_date"),
            (json!({"meeting_date": "9999-12-31"}), "meeting_date"),
            (
                json!({"meeting_date": "2022-09-14", "start_time": "25:99"}),
                "start_time",
            ),
            (
                json!({"meeting_date": "2022-09-14", "start_time": ""}),
                "start_time",
            ),
            (json!({"meeting_date": "\u{0}"}), "meeting_date"),
        ] {
            let fields = problem_fields(
                api_post(&app, &t, &format!("/api/v1/bodies/{body}/meetings"), &bad).await,
            )
            .await;
            assert_eq!(fields, [field], "{bad}");
        }
        let r = api_post(
            &app,
            &t,
            &format!("/api/v1/bodies/{body}/meetings"),
            &json!({"meeting_date": "2022-09-14", "start_time": "14:30", "location": "Civic Offices"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 201);
        let meeting = json_of(r).await;
        assert_eq!(meeting["status"], "planned");
        assert_eq!(meeting["date"], "2022-09-14");
        let m = meeting["id"].as_str().unwrap().to_owned();
        assert_eq!(
            app.audit(DEMO, "meeting.create").await.len(),
            counts["meeting.create"] + 5
        );

        // Change its details and status.
        let r = api_put(
            &app,
            &t,
            &format!("/api/v1/meetings/{m}"),
            &json!({"meeting_date": "2022-09-15", "start_time": "09:30", "location": "Online"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let changed = json_of(r).await;
        assert_eq!(changed["date"], "2022-09-15");
        assert_eq!(changed["location"], "Online");
        assert_eq!(app.audit(DEMO, "meeting.update").await.len(), 1);
        let fields = problem_fields(
            api_send(
                &app,
                reqwest::Method::POST,
                &t,
                &format!("/api/v1/meetings/{m}/status"),
                &json!({"status": "postponed"}),
            )
            .await,
        )
        .await;
        assert_eq!(fields, ["status"]);
        let r = api_post(
            &app,
            &t,
            &format!("/api/v1/meetings/{m}/status"),
            &json!({"status": "held"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(json_of(r).await["status"], "held");

        // Agenda: add, refuse, withdraw (once).
        let fields = problem_fields(
            api_post(
                &app,
                &t,
                &format!("/api/v1/meetings/{m}/agenda"),
                &json!({"title": " "}),
            )
            .await,
        )
        .await;
        assert_eq!(fields, ["title"]);
        let r = api_post(
            &app,
            &t,
            &format!("/api/v1/meetings/{m}/agenda"),
            &json!({"title": "Neglect audit findings", "owner_person_id": sam}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 201);
        let item = json_of(r).await;
        assert_eq!(item["position"], 1);
        assert_eq!(item["withdrawn"], false);
        let item = item["id"].as_str().unwrap().to_owned();
        let fields = problem_fields(
            api_post(
                &app,
                &t,
                &format!("/api/v1/agenda-items/{item}/withdraw"),
                &json!({"reason": ""}),
            )
            .await,
        )
        .await;
        assert_eq!(fields, ["reason"]);
        let r = api_post(
            &app,
            &t,
            &format!("/api/v1/agenda-items/{item}/withdraw"),
            &json!({"reason": "Added twice"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let w = json_of(r).await;
        assert_eq!(w["withdrawn"], true);
        assert_eq!(w["withdrawn_reason"], "Added twice");
        let r = api_post(
            &app,
            &t,
            &format!("/api/v1/agenda-items/{item}/withdraw"),
            &json!({"reason": "Again"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(app.audit(DEMO, "agenda_item.withdraw").await.len(), 1);

        // Attendance and minutes.
        let fields = problem_fields(
            api_post(
                &app,
                &t,
                &format!("/api/v1/meetings/{m}/attendance"),
                &json!({"person_id": sam, "status": "late", "deputy_for_person_id": sam}),
            )
            .await,
        )
        .await;
        for f in ["status", "deputy_for_person_id"] {
            assert!(fields.contains(&f.to_owned()), "{f}: {fields:?}");
        }
        let r = api_post(
            &app,
            &t,
            &format!("/api/v1/meetings/{m}/attendance"),
            &json!({"person_id": sam, "status": "present", "organisation_id": police}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let att = json_of(r).await;
        assert_eq!(att.as_array().unwrap().len(), 1);
        assert_eq!(att[0]["status"], "present");
        assert_eq!(att[0]["organisation_id"], police.as_str());
        let fields = problem_fields(
            api_put(
                &app,
                &t,
                &format!("/api/v1/meetings/{m}/minutes"),
                &json!({"minutes": "", "minutes_status": "final"}),
            )
            .await,
        )
        .await;
        for f in ["minutes", "minutes_status"] {
            assert!(fields.contains(&f.to_owned()), "{f}: {fields:?}");
        }
        let r = api_put(
            &app,
            &t,
            &format!("/api/v1/meetings/{m}/minutes"),
            &json!({"minutes": "Findings noted.", "minutes_status": "approved"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let d = json_of(r).await;
        assert_eq!(d["minutes"], "Findings noted.");
        assert_eq!(d["meeting"]["minutes_status"], "approved");
        assert_eq!(d["agenda"][0]["withdrawn"], true);
        assert_eq!(
            app.audit(DEMO, "attendance.record").await.len(),
            counts["attendance.record"] + 1
        );
        assert_eq!(
            app.audit(DEMO, "meeting.minutes").await.len(),
            counts["meeting.minutes"] + 1
        );

        // A cancelled meeting's details are refused.
        let r = api_post(
            &app,
            &t,
            &format!("/api/v1/meetings/{m}/status"),
            &json!({"status": "cancelled"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let fields = problem_fields(
            api_put(
                &app,
                &t,
                &format!("/api/v1/meetings/{m}"),
                &json!({"meeting_date": "2022-09-16"}),
            )
            .await,
        )
        .await;
        assert_eq!(fields, ["meeting_date"]);

        // The API document declares every new route.
        let doc = json_of(
            raw_client()
                .get(app.url("/api/openapi.json"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        for (path, method) in [
            ("/api/v1/bodies/{id}", "put"),
            ("/api/v1/bodies/{id}/members", "post"),
            ("/api/v1/body-members/{id}/end", "post"),
            ("/api/v1/bodies/{id}/meetings/plan", "post"),
            ("/api/v1/bodies/{id}/meetings", "post"),
            ("/api/v1/meetings/{id}", "put"),
            ("/api/v1/meetings/{id}/status", "post"),
            ("/api/v1/meetings/{id}/agenda", "post"),
            ("/api/v1/agenda-items/{id}/withdraw", "post"),
            ("/api/v1/meetings/{id}/attendance", "post"),
            ("/api/v1/meetings/{id}/minutes", "put"),
        ] {
            let op = &doc["paths"][path][method];
            assert!(op.is_object(), "{method} {path}");
            for code in ["400", "401", "403", "404", "422"] {
                assert!(op["responses"][code].is_object(), "{method} {path} {code}");
            }
        }
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["MeetingIn"]["properties"]["meeting_date"]["format"],
            "date"
        );
        assert_eq!(
            schemas["PlanIn"]["required"],
            json!(["first_date", "until"])
        );
    }
);

safeguard_testkit::both_backends!(
    governance_changes_are_refused_to_other_partnerships_and_read_only_roles,
    |backend| async move {
        let app = spawn_app(backend).await;
        crate::actions::add_other_partnership_person(&app).await;
        let (board, meeting, item) = board_meeting(&app).await;
        let t = token(&app, ADMIN).await;
        let detail = json_of(app.api_get(&t, &format!("/api/v1/bodies/{board}")).await).await;
        let member = detail["members"][0]["id"].as_str().unwrap().to_owned();
        let sam = app.person_id(LEAD).await.to_string();
        let calls: Vec<(reqwest::Method, String, Value)> = vec![
            (
                reqwest::Method::PUT,
                format!("/api/v1/bodies/{board}"),
                json!({"name": "Mine", "kind": "board"}),
            ),
            (
                reqwest::Method::POST,
                format!("/api/v1/bodies/{board}/members"),
                json!({"person_id": sam, "role": "member"}),
            ),
            (
                reqwest::Method::POST,
                format!("/api/v1/body-members/{member}/end"),
                json!({"left_on": "2023-03-31"}),
            ),
            (
                reqwest::Method::POST,
                format!("/api/v1/bodies/{board}/meetings/plan"),
                json!({"first_date": "2024-05-01", "until": "2024-06-30"}),
            ),
            (
                reqwest::Method::POST,
                format!("/api/v1/bodies/{board}/meetings"),
                json!({"meeting_date": "2024-05-01"}),
            ),
            (
                reqwest::Method::PUT,
                format!("/api/v1/meetings/{meeting}"),
                json!({"meeting_date": "2024-05-01"}),
            ),
            (
                reqwest::Method::POST,
                format!("/api/v1/meetings/{meeting}/status"),
                json!({"status": "cancelled"}),
            ),
            (
                reqwest::Method::POST,
                format!("/api/v1/meetings/{meeting}/agenda"),
                json!({"title": "Mine"}),
            ),
            (
                reqwest::Method::POST,
                format!("/api/v1/agenda-items/{item}/withdraw"),
                json!({"reason": "Mine"}),
            ),
            (
                reqwest::Method::POST,
                format!("/api/v1/meetings/{meeting}/attendance"),
                json!({"person_id": sam, "status": "present"}),
            ),
            (
                reqwest::Method::PUT,
                format!("/api/v1/meetings/{meeting}/minutes"),
                json!({"minutes": "Mine", "minutes_status": "draft"}),
            ),
        ];
        let governance_entries = || async {
            app.audit(DEMO, "")
                .await
                .into_iter()
                .filter(|e| {
                    ["body", "meeting", "agenda_item", "attendance"]
                        .iter()
                        .any(|p| e.action.starts_with(p))
                })
                .count()
        };
        let audit_before = governance_entries().await;
        let other = token(&app, OTHER).await;
        let reader = token(&app, BOARD_MEMBER).await;
        for (method, path, body) in &calls {
            let r = api_send(&app, method.clone(), &other, path, body).await;
            assert_eq!(
                r.status().as_u16(),
                404,
                "other partnership: {method} {path}"
            );
            // Even an unreadable body: the object is missing first.
            let r = raw_client()
                .request(method.clone(), app.url(path))
                .bearer_auth(&other)
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status().as_u16(),
                404,
                "other partnership, no body: {method} {path}"
            );
            let r = api_send(&app, method.clone(), &reader, path, body).await;
            assert_eq!(r.status().as_u16(), 403, "board member: {method} {path}");
        }
        // A path id that is no id looks missing.
        let r = api_put(
            &app,
            &t,
            "/api/v1/meetings/not-an-id",
            &json!({"meeting_date": "2024-05-01"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 404);

        // The pages likewise.
        let o = app.signed_in(OTHER).await;
        let b = app.signed_in(BOARD_MEMBER).await;
        for path in [
            format!("/meetings/{meeting}/edit"),
            format!("/agenda-items/{item}/withdraw"),
        ] {
            assert_eq!(app.get(&o, &path).await.status().as_u16(), 404, "{path}");
            assert_eq!(app.get(&b, &path).await.status().as_u16(), 403, "{path}");
        }
        for (path, form) in [
            (
                format!("/meetings/{meeting}/edit"),
                [("meeting_date", "2024-05-01")],
            ),
            (
                format!("/agenda-items/{item}/withdraw"),
                [("reason", "Mine")],
            ),
        ] {
            assert_eq!(
                app.post_with_csrf(&o, &path, &form).await.status().as_u16(),
                404,
                "{path}"
            );
            assert_eq!(
                app.post_with_csrf(&b, &path, &form).await.status().as_u16(),
                403,
                "{path}"
            );
        }
        // The board member sees the meeting but is offered neither change.
        let (status, page) = app.get_text(&b, &format!("/meetings/{meeting}")).await;
        assert_eq!(status, 200);
        assert!(!page.contains(&format!("/meetings/{meeting}/edit")));
        assert!(!page.contains(&format!("/agenda-items/{item}/withdraw")));
        assert_eq!(governance_entries().await, audit_before);
    }
);
