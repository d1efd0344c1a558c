//! The recommendations tracker's reminders and escalation (issue 5): the weekly digest names the
//! recommendation a tracker action is for; an overdue tracker action escalates once per due date to
//! the owner organisation's agency lead (or, when it has none, the partnership's administrators)
//! from the daily job, on working days only, through a real SMTP server, with its audit entry and
//! "escalated to … on …" on the action's page.

use crate::helpers::*;
use chrono::{TimeZone, Utc};
use safeguard_service::action_escalations::escalate_overdue;
use safeguard_service::mail::{Mailer, deliver_due};
use safeguard_service::scheduler::action_escalations_job;
use safeguard_testkit::smtp::SmtpSink;

const ADMIN: &str = "admin@safeguard.example";
const LEAD: &str = "lead@safeguard.example";
const DEMO: &str = "telford-wrekin";
const POLICE: &str = "West Mercia Police";
const EDUCATION: &str = "Telford & Wrekin Education and Skills";
const SUBJECT: &str = "overdue action escalated";

/// The demo inquiry's title and its recommendation `number`'s id and title, through the API.
async fn demo_recommendation(app: &TestApp, number: i64) -> (String, String, String) {
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
    let title = d["source"]["title"].as_str().unwrap().to_owned();
    let rec = d["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["number"] == number)
        .unwrap()
        .clone();
    (
        title,
        rec["id"].as_str().unwrap().to_owned(),
        rec["title"].as_str().unwrap().to_owned(),
    )
}

/// Adds an action to a tracked recommendation through its page (as the administrator); returns the
/// action's id.
async fn add_action(app: &TestApp, rec: &str, title: &str, org: &str, due: &str) -> String {
    let admin = app.signed_in(ADMIN).await;
    let org = app.organisation_id(org).await.0.to_string();
    let r = app
        .post_with_csrf(
            &admin,
            &format!("/tracked-recommendations/{rec}/actions"),
            &[
                ("title", title),
                ("owner_organisation_id", &org),
                ("due_date", due),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let mut pc = app.db.acquire().await.unwrap();
    safeguard_store::actions::by_source(
        &mut pc.conn(),
        app.partnership_id(DEMO).await,
        "recommendation",
        &[rec.parse().unwrap()],
    )
    .await
    .unwrap()
    .into_iter()
    .find(|a| a.title == title)
    .unwrap()
    .action_id
    .to_string()
}

/// Changes an action's due date (and status) through its page as the administrator.
async fn change(app: &TestApp, action: &str, org: &str, due: &str, status: &str) {
    let admin = app.signed_in(ADMIN).await;
    let (_, page) = app.get_text(&admin, &format!("/actions/{action}")).await;
    let marker = "name=\"version\" value=\"";
    let version: String = page
        .split(marker)
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let org = app.organisation_id(org).await.0.to_string();
    let r = app
        .post_with_csrf(
            &admin,
            &format!("/actions/{action}"),
            &[
                ("owner_organisation_id", &org),
                ("owner_person_id", ""),
                ("due_date", due),
                ("status", status),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{action} changed");
}

/// The text of the escalation emails queued to an address, oldest first.
async fn escalation_text(app: &TestApp, email: &str) -> Vec<String> {
    app.outbox_to(email)
        .await
        .into_iter()
        .filter(|m| m.subject.contains(SUBJECT))
        .map(|m| m.body_text)
        .collect()
}

fn escalations_in(sink: &SmtpSink) -> Vec<safeguard_testkit::smtp::Received> {
    sink.messages()
        .into_iter()
        .filter(|m| m.data.contains(SUBJECT))
        .collect()
}

safeguard_testkit::both_backends!(
    overdue_tracker_actions_escalate_once_on_working_days,
    |backend| async move {
        let app = spawn_app(backend).await;
        let sink = SmtpSink::start().await;
        let mailer =
            Mailer::new(Some(&sink.url()), "Safeguard <no-reply@safeguard.invalid>").unwrap();
        let (source_title, rec, rec_title) = demo_recommendation(&app, 4).await;
        // Today is Thursday 26 November 2026. The police (agency lead: Sam Okafor) was due Friday
        // 20 November; education (no agency lead) Monday 23 November; a done one and one not yet
        // due do not escalate, nor do the demo's overdue actions of other sources.
        let police = add_action(&app, &rec, "Escalate me to the lead", POLICE, "2026-11-20").await;
        let education = add_action(
            &app,
            &rec,
            "Escalate me to the admins",
            EDUCATION,
            "2026-11-23",
        )
        .await;
        let done = add_action(&app, &rec, "Finished in time", POLICE, "2026-11-19").await;
        change(&app, &done, POLICE, "2026-11-19", "done").await;
        add_action(&app, &rec, "Due in January", POLICE, "2027-01-15").await;
        add_action(&app, &rec, "Due today", POLICE, "2026-11-26").await;

        // Saturday 21 November (the police action was already overdue): nothing on a weekend.
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap());
        assert_eq!(escalate_overdue(&app.svc, app.svc.now()).await.unwrap(), 0);
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap());
        assert_eq!(escalate_overdue(&app.svc, app.svc.now()).await.unwrap(), 2);
        assert_eq!(deliver_due(&app.svc, &mailer).await.unwrap(), (2, 0));
        let got = escalations_in(&sink);
        assert_eq!(got.len(), 2);
        let to_lead: Vec<_> = got
            .iter()
            .filter(|m| m.to.iter().any(|t| t.contains(LEAD)))
            .collect();
        assert_eq!(to_lead.len(), 1, "{got:?}");
        let mail = &to_lead[0].data;
        assert!(mail.contains("Escalate me to the lead"), "{mail}");
        // (long lines arrive quoted-printable: the text as queued)
        let queued = escalation_text(&app, LEAD).await;
        assert_eq!(queued.len(), 1);
        assert!(
            queued[0].contains(&format!(
                "For: {source_title}, recommendation 4: {rec_title}\n"
            )),
            "names the recommendation: {}",
            queued[0]
        );
        assert!(queued[0].contains("Owner: West Mercia Police\n"));
        assert!(mail.contains("Was due 20 November 2026"), "{mail}");
        assert!(mail.contains(&format!("/actions/{police}")), "{mail}");
        assert!(
            queued[0].contains("as West Mercia Police's agency safeguarding lead in"),
            "{}",
            queued[0]
        );
        assert!(!mail.contains("Escalate me to the admins"), "{mail}");
        let to_admin: Vec<_> = got
            .iter()
            .filter(|m| m.to.iter().any(|t| t.contains(ADMIN)))
            .collect();
        assert_eq!(to_admin.len(), 1, "{got:?}");
        let mail = &to_admin[0].data;
        assert!(mail.contains("Escalate me to the admins"), "{mail}");
        let queued = escalation_text(&app, ADMIN).await;
        assert_eq!(queued.len(), 1);
        assert!(
            queued[0].contains(&format!("{EDUCATION} has no agency safeguarding lead")),
            "{}",
            queued[0]
        );
        assert!(mail.contains(&format!("/actions/{education}")), "{mail}");

        // The audit trail and the action's page say so.
        let audit = app.audit(DEMO, "action.escalate").await;
        assert_eq!(audit.len(), 2);
        assert!(
            audit
                .iter()
                .any(|e| e.target_id.as_deref() == Some(police.as_str())
                    && e.after_json.as_deref().unwrap().contains("agency_lead"))
        );
        let admin = app.signed_in(ADMIN).await;
        let (_, page) = app.get_text(&admin, &format!("/actions/{police}")).await;
        assert!(
            page.contains(
                "Escalated to Sam Okafor (agency safeguarding lead) on 26 November 2026, due 20 November 2026"
            ),
            "{page}"
        );
        let (_, page) = app.get_text(&admin, &format!("/actions/{education}")).await;
        assert!(
            page.contains("Escalated to Priya Shah (partnership administrators: no agency lead)"),
            "{page}"
        );
        let (_, page) = app.get_text(&admin, &format!("/actions/{done}")).await;
        assert!(!page.contains("Escalated to"));

        // Again the same day, directly and through the scheduler's daily job: nothing more.
        assert_eq!(escalate_overdue(&app.svc, app.svc.now()).await.unwrap(), 0);
        assert!(action_escalations_job(&app.svc, "test").await.unwrap());
        assert!(!action_escalations_job(&app.svc, "other").await.unwrap());
        assert_eq!(deliver_due(&app.svc, &mailer).await.unwrap(), (0, 0));
        // The next working day: "due today" became overdue yesterday and escalates; the others
        // stay escalated once.
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap());
        assert_eq!(escalate_overdue(&app.svc, app.svc.now()).await.unwrap(), 1);
        assert_eq!(deliver_due(&app.svc, &mailer).await.unwrap(), (1, 0));
        assert!(escalations_in(&sink)[2].data.contains("Due today"));

        // A new due date that later passes escalates again: never on Christmas Day (Friday), the
        // weekend or the Boxing Day substitute bank holiday (Monday 28 December).
        change(&app, &police, POLICE, "2026-12-23", "in_progress").await;
        for (d, what) in [
            (25, "Christmas Day"),
            (26, "Saturday"),
            (28, "bank holiday"),
        ] {
            app.clock
                .set(Utc.with_ymd_and_hms(2026, 12, d, 9, 0, 0).unwrap());
            assert_eq!(
                escalate_overdue(&app.svc, app.svc.now()).await.unwrap(),
                0,
                "nothing on {what}"
            );
            assert!(action_escalations_job(&app.svc, "test").await.unwrap());
        }
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 12, 29, 9, 0, 0).unwrap());
        assert!(action_escalations_job(&app.svc, "test").await.unwrap());
        assert_eq!(deliver_due(&app.svc, &mailer).await.unwrap(), (1, 0));
        let got = escalations_in(&sink);
        assert_eq!(got.len(), 4);
        assert!(got[3].to.iter().any(|t| t.contains(LEAD)));
        assert!(got[3].data.contains("Was due 23 December 2026"));
        let admin = app.signed_in(ADMIN).await;
        let (_, page) = app.get_text(&admin, &format!("/actions/{police}")).await;
        assert!(
            page.contains("(agency safeguarding lead) on 26 November 2026, due 20 November 2026"),
            "{page}"
        );
        assert!(
            page.contains(
                "Escalated to Sam Okafor (agency safeguarding lead) on 29 December 2026, due 23 December 2026"
            ),
            "{page}"
        );
        assert_eq!(app.audit(DEMO, "action.escalate").await.len(), 4);
    }
);

safeguard_testkit::both_backends!(
    the_weekly_digest_names_the_recommendation,
    |backend| async move {
        let app = spawn_app(backend).await;
        let (source_title, rec, rec_title) = demo_recommendation(&app, 4).await;
        // An action owned by the agency lead (a person), due Monday 30 November.
        let admin = app.signed_in(ADMIN).await;
        let org = app.organisation_id(POLICE).await.0.to_string();
        let lead = app.person_id(LEAD).await.0.to_string();
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/tracked-recommendations/{rec}/actions"),
                &[
                    ("title", "Report the data set to the board"),
                    ("owner_organisation_id", &org),
                    ("owner_person_id", &lead),
                    ("due_date", "2026-11-30"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        safeguard_service::actions::weekly_digest(&app.svc, app.svc.now())
            .await
            .unwrap();
        let digests: Vec<_> = app
            .outbox_to(LEAD)
            .await
            .into_iter()
            .filter(|m| m.subject.contains("your actions this week"))
            .collect();
        assert_eq!(digests.len(), 1, "one digest");
        let body = &digests[0].body_text;
        assert!(
            body.contains(&format!(
                "- Report the data set to the board\n  For: {source_title}, recommendation 4: {rec_title}\n"
            )),
            "{body}"
        );
    }
);
