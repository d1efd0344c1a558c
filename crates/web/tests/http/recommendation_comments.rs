//! Lived-experience consultants on the recommendations tracker over HTTP: the demo's invitations and
//! comments, inviting and revoking (audited; only consultants of the partnership), the consultant's
//! narrow view, an anonymous comment shown as "A lived-experience consultant" to administrators and
//! in the audit trail, owners answering (others refused), the emails (links only), bad input refused
//! with nothing saved (pages and API), and the canary sweep: distinctive values planted in every
//! record the consultant must not see never reach any page, API response or email they can reach,
//! and every other tracker route answers 403 or 404.

use crate::helpers::*;
use safeguard_domain::recommendation_comments::ANONYMOUS_AUTHOR;
use safeguard_web::{Access, manifest};

const ADMIN: &str = "admin@safeguard.example";
const COUNCIL: &str = "council@safeguard.example";
const LEAD: &str = "lead@safeguard.example";
const BOARD: &str = "board@safeguard.example";
const SCRUTINEER: &str = "scrutineer@safeguard.example";
const CONSULTANT: &str = "consultant@safeguard.example";
const DEMO: &str = "telford-wrekin";

/// The demo inquiry's id and its recommendations' ids by number.
async fn demo_ids(app: &TestApp) -> (String, Vec<(i64, String)>) {
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
    let recs = d["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["number"].as_i64().unwrap(),
                r["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (source, recs)
}

fn rec(recs: &[(i64, String)], n: i64) -> String {
    recs.iter().find(|(x, _)| *x == n).unwrap().1.clone()
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

async fn api_post(
    app: &TestApp,
    token: &str,
    path: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    raw_client()
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

safeguard_testkit::both_backends!(
    the_demo_consultants_see_their_invitations_and_comments,
    |backend| async move {
        let app = spawn_app(backend).await;
        let (_, recs) = demo_ids(&app).await;
        let consultant = app.signed_in(CONSULTANT).await;
        let (status, home) = app.get_text(&consultant, "/").await;
        assert_eq!(status, 200);
        assert!(home.contains("href=\"/invited-recommendations\""));
        let (status, list) = app.get_text(&consultant, "/invited-recommendations").await;
        assert_eq!(status, 200);
        assert_eq!(table_caption(&list), "6 recommendations to comment on");
        assert!(list.contains("Set up a Joint CSE Review Group of all four agencies"));
        let (status, page) = app
            .get_text(
                &consultant,
                &format!("/invited-recommendations/{}", rec(&recs, 1)),
            )
            .await;
        assert_eq!(status, 200);
        // their own named comment with the lead's answer, shown as from the partnership
        assert!(page.contains("The review group should have someone with lived experience"));
        assert!(page.contains("Answer from The partnership"));
        assert!(page.contains("representative sits on the group"));
        // never another consultant's comment, nor the lead's name
        assert!(!page.contains("travel costs"));
        assert!(!page.contains("Priya Shah"));
        // the administrator sees all three consultants and the comments, the anonymous one unnamed
        let admin = app.signed_in(ADMIN).await;
        let (_, owner) = app
            .get_text(
                &admin,
                &format!("/tracked-recommendations/{}", rec(&recs, 1)),
            )
            .await;
        for name in ["Jordan Lee", "Robin Ellis", "Casey Quinn"] {
            assert!(owner.contains(name), "{name}");
        }
        assert!(owner.contains("travel costs"));
        assert!(owner.contains(ANONYMOUS_AUTHOR));
        assert_eq!(
            select_options(&owner, "comment_id").len(),
            3,
            "two comments and the placeholder"
        );
        // three consultants in the partnership
        let v = safeguard_service::recommendation_comments::consultants(
            &app.svc,
            &admin_actor(&app).await,
        )
        .await
        .unwrap();
        assert_eq!(v.len(), 3);
    }
);

async fn admin_actor(app: &TestApp) -> safeguard_service::Actor {
    let admin = app.person(ADMIN).await.unwrap();
    safeguard_service::Actor {
        person_id: admin.id(),
        organisation_id: safeguard_domain::OrganisationId(admin.organisation_id),
        partnership_id: app.partnership_id(DEMO).await,
        roles: vec![safeguard_domain::policy::Role::PartnershipAdministrator],
        session_id: None,
        meta: safeguard_service::RequestMeta::default(),
    }
}

safeguard_testkit::both_backends!(
    an_anonymous_comment_is_answered_and_never_names_its_author,
    |backend| async move {
        let app = spawn_app(backend).await;
        let (_, recs) = demo_ids(&app).await;
        // recommendation 8: invited, no comments in the demo, led by the council's board member
        let r8 = rec(&recs, 8);
        let consultant = app.signed_in(CONSULTANT).await;
        let csrf = app.csrf(&consultant).await;
        let text = "Ask the young people who were let down what a good protocol looks like.";
        let r = app
            .post_form(
                &consultant,
                &format!("/invited-recommendations/{r8}/comments"),
                &[
                    ("csrf_token", &csrf),
                    ("body", text),
                    ("identity", "anonymous"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app
            .get_text(&consultant, &format!("/invited-recommendations/{r8}"))
            .await;
        assert!(page.contains(text));
        assert!(page.contains("You (shown to others as A lived-experience consultant)"));
        // the lead is told, with a link and without the text
        let mail: Vec<_> = app
            .outbox_to(COUNCIL)
            .await
            .into_iter()
            .filter(|m| m.subject.contains("a new comment"))
            .collect();
        assert_eq!(mail.len(), 1);
        assert!(
            mail[0]
                .body_text
                .contains(&format!("/tracked-recommendations/{r8}#comments"))
        );
        assert!(!mail[0].body_text.contains(text));
        assert!(!mail[0].body_text.contains("Jordan"));
        // the administrator's page and the audit trail show the label, never the name
        let admin = app.signed_in(ADMIN).await;
        let (_, owner) = app
            .get_text(&admin, &format!("/tracked-recommendations/{r8}"))
            .await;
        assert!(owner.contains(text));
        assert!(owner.contains(ANONYMOUS_AUTHOR));
        // the comments (the invitations below name the invited consultants, by design)
        let comments = owner
            .split("id=\"comments\"")
            .nth(1)
            .unwrap()
            .split("id=\"consultants\"")
            .next()
            .unwrap();
        assert!(comments.contains(text));
        assert!(!comments.contains("Jordan"), "{comments}");
        let (_, trail) = app
            .get_text(
                &admin,
                &format!("/audit?action=recommendation.comment&target={r8}"),
            )
            .await;
        assert!(trail.contains(ANONYMOUS_AUTHOR));
        assert!(!trail.contains("Jordan Lee"));
        let entries = app.audit(DEMO, "recommendation.comment.add").await;
        let entry = entries
            .iter()
            .find(|e| e.target_id.as_deref() == Some(r8.as_str()))
            .unwrap();
        assert_eq!(entry.actor_person_id, None);
        // the author is stored with the comment, for accountability
        let consultant_id = app.person_id(CONSULTANT).await;
        let stored = {
            let mut pc = app.db.acquire().await.unwrap();
            safeguard_store::recommendation_comments::comments(
                &mut pc.conn(),
                app.partnership_id(DEMO).await,
                r8.parse().unwrap(),
                None,
            )
            .await
            .unwrap()
        };
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].author_id, consultant_id.0);
        // others who may view the tracker do not see comments, and may not answer
        let board = app.signed_in(BOARD).await;
        let (status, seen) = app
            .get_text(&board, &format!("/tracked-recommendations/{r8}"))
            .await;
        assert_eq!(status, 200);
        assert!(!seen.contains(text));
        let lead = app.signed_in(LEAD).await;
        app.switch_to(&lead, DEMO).await;
        let r = app
            .post_with_csrf(
                &lead,
                &format!("/tracked-recommendations/{r8}/answers"),
                &[
                    ("comment_id", &stored[0].comment_id.to_string()),
                    ("answer", "No."),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403);
        // the owner answers; the consultant is emailed a link only and reads the answer
        let council = app.signed_in(COUNCIL).await;
        let (_, owner) = app
            .get_text(&council, &format!("/tracked-recommendations/{r8}"))
            .await;
        let options = select_options(&owner, "comment_id");
        assert_eq!(options.len(), 2);
        let answer =
            "Thank you: we will hold two listening sessions before the protocol is agreed.";
        let r = app
            .post_with_csrf(
                &council,
                &format!("/tracked-recommendations/{r8}/answers"),
                &[("comment_id", &options[1].0), ("answer", answer)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let mail: Vec<_> = app
            .outbox_to(CONSULTANT)
            .await
            .into_iter()
            .filter(|m| m.subject.contains("an answer to your comment"))
            .collect();
        assert_eq!(mail.len(), 1);
        assert!(
            mail[0]
                .body_text
                .contains(&format!("/invited-recommendations/{r8}"))
        );
        assert!(!mail[0].body_text.contains(answer));
        assert!(!mail[0].body_text.contains("Rachel Ward"));
        let (_, page) = app
            .get_text(&consultant, &format!("/invited-recommendations/{r8}"))
            .await;
        assert!(page.contains(answer));
        assert!(!page.contains("Rachel Ward"));
        assert_eq!(
            app.audit(DEMO, "recommendation.comment.answer").await.len(),
            4
        );
        // the API: the owner's list names the anonymous author by the label only
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let v: serde_json::Value = app
            .api_get(
                &token,
                &format!("/api/v1/tracked-recommendations/{r8}/comments"),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(v["items"][0]["author"], ANONYMOUS_AUTHOR);
        assert_eq!(v["items"][0]["answers"][0]["body"], answer);
    }
);

safeguard_testkit::both_backends!(
    invitations_are_for_consultants_audited_and_revocable,
    |backend| async move {
        let app = spawn_app(backend).await;
        let (_, recs) = demo_ids(&app).await;
        let r3 = rec(&recs, 3);
        let admin = app.signed_in(ADMIN).await;
        let consultant = app.signed_in(CONSULTANT).await;
        let path = format!("/invited-recommendations/{r3}");
        assert_eq!(app.get(&consultant, &path).await.status().as_u16(), 404);
        let before = count(&app, "recommendation_consultant").await;
        // not a consultant, or nobody: refused with the field's message, nothing saved
        let board = app.person_id(BOARD).await.to_string();
        for who in [board.as_str(), "", "not-an-id"] {
            let r = app
                .post_with_csrf(
                    &admin,
                    &format!("/tracked-recommendations/{r3}/consultants"),
                    &[("person_id", who)],
                )
                .await;
            assert_eq!(r.status().as_u16(), 422, "{who}");
            let page = r.text().await.unwrap();
            assert!(error_summary_links_to(&page, "person_id"));
            assert!(page.contains("Select a lived-experience consultant of this partnership"));
        }
        assert_eq!(count(&app, "recommendation_consultant").await, before);
        let id = app.person_id(CONSULTANT).await.to_string();
        let invites = app
            .audit(DEMO, "recommendation.consultant.invite")
            .await
            .len();
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/tracked-recommendations/{r3}/consultants"),
                &[("person_id", &id)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            app.audit(DEMO, "recommendation.consultant.invite")
                .await
                .len(),
            invites + 1
        );
        let (status, page) = app.get_text(&consultant, &path).await;
        assert_eq!(status, 200);
        assert!(page.contains("Include incidents, trends and key statistics"));
        // not invited twice
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/tracked-recommendations/{r3}/consultants"),
                &[("person_id", &id)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        // only administrators invite
        let lead = app.signed_in(LEAD).await;
        app.switch_to(&lead, DEMO).await;
        let r = app
            .post_with_csrf(
                &lead,
                &format!("/tracked-recommendations/{r3}/consultants"),
                &[("person_id", &id)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403);
        // revoking: a consultant who is not invited is refused; then gone for the consultant
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/tracked-recommendations/{r3}/consultants/revoke"),
                &[("revoke_person_id", &board)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(error_summary_links_to(
            &r.text().await.unwrap(),
            "revoke_person_id"
        ));
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/tracked-recommendations/{r3}/consultants/revoke"),
                &[("revoke_person_id", &id)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            app.audit(DEMO, "recommendation.consultant.revoke")
                .await
                .len(),
            1
        );
        assert_eq!(app.get(&consultant, &path).await.status().as_u16(), 404);
        // the API: invite again, then the list shows it
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let r = api_post(
            &app,
            &token,
            &format!("/api/v1/tracked-recommendations/{r3}/consultants"),
            serde_json::json!({"person_id": board}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(header(&r, "content-type").starts_with("application/problem+json"));
        let r = api_post(
            &app,
            &token,
            &format!("/api/v1/tracked-recommendations/{r3}/consultants"),
            serde_json::json!({"person_id": id}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(
            v.as_array()
                .unwrap()
                .iter()
                .any(|i| i["name"] == "Jordan Lee" && i["revoked_at"].is_null())
        );
        assert_eq!(app.get(&consultant, &path).await.status().as_u16(), 200);
    }
);

safeguard_testkit::both_backends!(
    bad_comments_and_answers_are_refused_with_nothing_saved,
    |backend| async move {
        let app = spawn_app(backend).await;
        let (_, recs) = demo_ids(&app).await;
        let r1 = rec(&recs, 1);
        let consultant = app.signed_in(CONSULTANT).await;
        let before = count(&app, "recommendation_comment").await;
        let mails = count(&app, "outbox_message").await;
        let long = "a".repeat(4001);
        for (body, identity, field, message) in [
            ("", "named", "body", "Enter your comment"),
            ("   ", "anonymous", "body", "Enter your comment"),
            (
                long.as_str(),
                "named",
                "body",
                "Your comment must be 4000 characters or fewer",
            ),
            (
                "A fair point.",
                "",
                "identity",
                "Choose whether your name is shown with your comment",
            ),
        ] {
            let r = app
                .post_with_csrf(
                    &consultant,
                    &format!("/invited-recommendations/{r1}/comments"),
                    &[("body", body), ("identity", identity)],
                )
                .await;
            assert_eq!(r.status().as_u16(), 422, "{field}");
            let page = r.text().await.unwrap();
            assert!(error_summary_links_to(&page, field), "{field}");
            assert!(page.contains(message), "{message}");
        }
        // a recommendation they are not invited to: missing
        let r = app
            .post_with_csrf(
                &consultant,
                &format!("/invited-recommendations/{}/comments", rec(&recs, 3)),
                &[("body", "Hello"), ("identity", "named")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 404);
        // the API: problem+json with the field errors
        let token = safeguard_service::tokens::issue_for_email(&app.svc, CONSULTANT, 30)
            .await
            .unwrap();
        let r = api_post(
            &app,
            &token,
            &format!("/api/v1/invited-recommendations/{r1}/comments"),
            serde_json::json!({"body": "", "identity": "loud"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(header(&r, "content-type").starts_with("application/problem+json"));
        let v: serde_json::Value = r.json().await.unwrap();
        let text = v.to_string();
        assert!(
            text.contains("\"body\"") && text.contains("\"identity\""),
            "{text}"
        );
        // owners' answers: empty, or to no comment
        let admin = app.signed_in(ADMIN).await;
        let (_, owner) = app
            .get_text(&admin, &format!("/tracked-recommendations/{r1}"))
            .await;
        let comment = select_options(&owner, "comment_id")[1].0.clone();
        for (comment_id, answer, field) in [
            (comment.as_str(), "", "answer"),
            ("", "Thanks", "comment_id"),
            (r1.as_str(), "Thanks", "comment_id"),
        ] {
            let r = app
                .post_with_csrf(
                    &admin,
                    &format!("/tracked-recommendations/{r1}/answers"),
                    &[("comment_id", comment_id), ("answer", answer)],
                )
                .await;
            assert_eq!(r.status().as_u16(), 422, "{field}");
            assert!(error_summary_links_to(&r.text().await.unwrap(), field));
        }
        let admin_token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let r = api_post(
            &app,
            &admin_token,
            &format!("/api/v1/tracked-recommendations/{r1}/answers"),
            serde_json::json!({"comment_id": comment, "answer": "x".repeat(4001)}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(count(&app, "recommendation_comment").await, before);
        assert_eq!(count(&app, "outbox_message").await, mails);
        // and a good one through the API
        let r = api_post(
            &app,
            &token,
            &format!("/api/v1/invited-recommendations/{r1}/comments"),
            serde_json::json!({"body": "Good.", "identity": "named"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 201);
        assert_eq!(count(&app, "recommendation_comment").await, before + 1);
    }
);

safeguard_testkit::both_backends!(a_consultant_never_reaches_a_canary, |backend| async move {
    const CANARY: &str = "CANARY-R8K2W";
    let app = spawn_app(backend).await;
    let (source, recs) = demo_ids(&app).await;
    let (r1, r2, r3) = (rec(&recs, 1), rec(&recs, 2), rec(&recs, 3));
    let admin_token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
        .await
        .unwrap();
    let council = app.organisation_id("Telford & Wrekin Council").await;
    // another source with a recommendation nobody invited the consultant to
    let r = api_post(
        &app,
        &admin_token,
        "/api/v1/recommendation-sources",
        serde_json::json!({"kind": "national_review", "title": format!("Review {CANARY}"),
                "published_on": "2023-01-10", "publisher": format!("Publisher {CANARY}")}),
    )
    .await;
    assert_eq!(r.status().as_u16(), 201);
    let other: serde_json::Value = r.json().await.unwrap();
    let other_source = other["source"]["id"].as_str().unwrap().to_owned();
    let r = api_post(
        &app,
        &admin_token,
        &format!("/api/v1/recommendation-sources/{other_source}/recommendations"),
        serde_json::json!({"number": 1, "title": format!("Title {CANARY}"),
                "body": format!("Text {CANARY}"), "addressees": [council.0.to_string()], "accepted": true}),
    )
    .await;
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap());
    // on the invited recommendation 1: an action with an update, evidence
    let r = api_post(
            &app,
            &admin_token,
            &format!("/api/v1/tracked-recommendations/{r1}/actions"),
            serde_json::json!({"title": format!("Action {CANARY}"), "owner_organisation_id": council.0.to_string()}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 201);
    let d: serde_json::Value = r.json().await.unwrap();
    let action = d["action_ids"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    let r = api_post(
        &app,
        &admin_token,
        &format!("/api/v1/actions/{action}/updates"),
        serde_json::json!({"body": format!("Update {CANARY}")}),
    )
    .await;
    assert!(r.status().is_success(), "{}", r.status());
    let r = api_post(
            &app,
            &admin_token,
            &format!("/api/v1/tracked-recommendations/{r1}/evidence"),
            serde_json::json!({"label": format!("Evidence {CANARY}"), "url": format!("https://example.org/{CANARY}")}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 201);
    // on the invited recommendation 2: a status note and a verification note
    let v: serde_json::Value = app
        .api_get(
            &admin_token,
            &format!("/api/v1/tracked-recommendations/{r2}"),
        )
        .await
        .json()
        .await
        .unwrap();
    let version = v["recommendation"]["version"].as_i64().unwrap();
    let r = api_post(
            &app,
            &admin_token,
            &format!("/api/v1/tracked-recommendations/{r2}/status"),
            serde_json::json!({"status": "ready_for_assessment", "note": format!("Note {CANARY}"), "version": version}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());
    let scrutineer_token = safeguard_service::tokens::issue_for_email(&app.svc, SCRUTINEER, 30)
        .await
        .unwrap();
    let r = api_post(
            &app,
            &scrutineer_token,
            &format!("/api/v1/tracked-recommendations/{r2}/verification"),
            serde_json::json!({"verdict": "disagree", "note": format!("Verdict {CANARY}"), "version": version + 1}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());
    // another consultant's named comment on recommendation 1, and an answer to it
    let robin = app.person_id("consultant2@safeguard.example").await;
    let p = app.partnership_id(DEMO).await;
    let theirs = uuid::Uuid::new_v4();
    {
        let mut pc = app.db.acquire().await.unwrap();
        safeguard_store::recommendation_comments::insert(
            &mut pc.conn(),
            p,
            &safeguard_store::recommendation_comments::NewComment {
                id: theirs,
                recommendation: r1.parse().unwrap(),
                parent: None,
                author: robin,
                anonymous: false,
                body: &format!("Comment {CANARY}"),
            },
            app.svc.now(),
        )
        .await
        .unwrap();
    }
    let r = api_post(
        &app,
        &admin_token,
        &format!("/api/v1/tracked-recommendations/{r1}/answers"),
        serde_json::json!({"comment_id": theirs.to_string(), "answer": format!("Answer {CANARY}")}),
    )
    .await;
    assert_eq!(r.status().as_u16(), 201);

    // The consultant comments, and is answered (so an email reaches them).
    let consultant = app.signed_in(CONSULTANT).await;
    let r = app
        .post_with_csrf(
            &consultant,
            &format!("/invited-recommendations/{r1}/comments"),
            &[("body", "Listen to survivors."), ("identity", "named")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let v: serde_json::Value = app
        .api_get(
            &admin_token,
            &format!("/api/v1/tracked-recommendations/{r1}/comments"),
        )
        .await
        .json()
        .await
        .unwrap();
    let mine = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["body"] == "Listen to survivors.")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = api_post(
        &app,
        &admin_token,
        &format!("/api/v1/tracked-recommendations/{r1}/answers"),
        serde_json::json!({"comment_id": mine, "answer": "We will."}),
    )
    .await;
    assert_eq!(r.status().as_u16(), 201);

    // Walk every page and API resource the consultant can ask for.
    let token = safeguard_service::tokens::issue_for_email(&app.svc, CONSULTANT, 30)
        .await
        .unwrap();
    let canary_rec = {
        let d: serde_json::Value = app
            .api_get(
                &admin_token,
                &format!("/api/v1/recommendation-sources/{other_source}"),
            )
            .await
            .json()
            .await
            .unwrap();
        d["recommendations"][0]["id"].as_str().unwrap().to_owned()
    };
    let mut reached = Vec::new();
    let mut invited_ok = 0;
    for spec in manifest() {
        if spec.method != reqwest::Method::GET
            || matches!(spec.access, Access::Public)
            || spec.path.contains("{role}")
            || spec.path.contains("{link}")
            || spec.path.contains("{token}")
            || spec.path.contains("{*")
        {
            continue;
        }
        let ids: Vec<&str> = if !spec.path.contains("{id}") {
            vec![""]
        } else if spec.path.contains("/recommendation-sources/") {
            vec![source.as_str(), other_source.as_str()]
        } else {
            vec![r1.as_str(), r2.as_str(), r3.as_str(), canary_rec.as_str()]
        };
        for id in ids {
            let path = spec.path.replace("{id}", id);
            let r = if spec.is_api() {
                app.api_get(&token, &path).await
            } else {
                app.get(&consultant, &path).await
            };
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            assert!(status < 500, "{path}: {status}");
            let tracker = path.contains("/recommendation-sources")
                || path.contains("/tracked-recommendations");
            if tracker {
                assert!(matches!(status, 403 | 404), "{path}: {status}");
            }
            if path.contains("/invited-recommendations/") {
                if id == r1 || id == r2 {
                    assert_eq!(status, 200, "{path}");
                    invited_ok += 1;
                } else {
                    assert_eq!(status, 404, "{path}");
                }
            }
            reached.push((path, body));
        }
    }
    assert_eq!(invited_ok, 4, "two invited recommendations, page and API");
    // The tracker's changes are refused too (the matrix checks every route; a few here).
    for path in [
        format!("/tracked-recommendations/{r1}/answers"),
        format!("/tracked-recommendations/{r1}/consultants"),
        format!("/tracked-recommendations/{r1}/evidence"),
        format!("/invited-recommendations/{canary_rec}/comments"),
    ] {
        let r = app
            .post_with_csrf(&consultant, &path, &[("body", "x"), ("identity", "named")])
            .await;
        assert!(matches!(r.status().as_u16(), 403 | 404), "{path}");
        reached.push((path, r.text().await.unwrap()));
    }
    // Every email queued to the consultant.
    let mail = app.outbox_to(CONSULTANT).await;
    assert!(
        mail.iter()
            .any(|m| m.subject.contains("an answer to your comment")),
        "the answer to their comment"
    );
    for m in &mail {
        reached.push((m.subject.clone(), m.body_text.clone()));
    }
    let (_, own) = app
        .get_text(&consultant, &format!("/invited-recommendations/{r1}"))
        .await;
    assert!(own.contains("We will."), "the answer to their own comment");
    assert!(own.contains("Set up a Joint CSE Review Group"));
    for (path, body) in &reached {
        for secret in [
            CANARY,
            "Priya Shah",
            "Rachel Ward",
            "Margaret Hill",
            "Sam Okafor",
            "Helen Price",
            "Robin Ellis",
            "Casey Quinn",
            "Fictional Child",
            "travel costs",
        ] {
            assert!(
                !body.contains(secret),
                "the consultant reached {secret:?} at {path}"
            );
        }
    }
});
