//! Case review learning: the themes taxonomy (added, renamed, retired and reinstated; a duplicate
//! name refused with nothing saved), a notification's themes, findings and recommendations through
//! the pages (bad input 422 with nothing saved, a stale edit 409 with the person's text kept), the
//! themes across financial years with links and a CSV, a practice review's learning and the
//! recommendations the tracker refers to through the API, who may see and change what (403 for a
//! practitioner, 404 across partnerships and for those off the panel), and the audit entries.

use crate::actions::add_other_partnership_person;
use crate::helpers::*;
use safeguard_domain::review_learning::SubjectType;
use uuid::Uuid;

const ADMIN: &str = "admin@safeguard.example";
const BOARD: &str = "board@safeguard.example";
const SUBGROUP: &str = "subgroup@safeguard.example";
const PRACTITIONER: &str = "practitioner@safeguard.example";
const OTHER: &str = "other@shropshire.example";
const OUTSIDER: &str = "outsider@safeguard.example";
const DEMO: &str = "telford-wrekin";

fn flat(page: &str) -> String {
    page.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn notification_id(app: &TestApp, reference: &str) -> Uuid {
    let p = app.partnership_id(DEMO).await;
    let mut pc = app.db.acquire().await.unwrap();
    safeguard_store::case_reviews::list_notifications(&mut pc.conn(), p, false, 100)
        .await
        .unwrap()
        .into_iter()
        .find(|n| n.reference == reference)
        .unwrap()
        .notification_id
}

async fn theme_id(app: &TestApp, name: &str) -> Uuid {
    let p = app.partnership_id(DEMO).await;
    let mut pc = app.db.acquire().await.unwrap();
    safeguard_store::review_learning::list_themes(&mut pc.conn(), p)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("theme {name}"))
        .theme_id
}

async fn theme_count(app: &TestApp) -> usize {
    let p = app.partnership_id(DEMO).await;
    let mut pc = app.db.acquire().await.unwrap();
    safeguard_store::review_learning::list_themes(&mut pc.conn(), p)
        .await
        .unwrap()
        .len()
}

async fn theme_names_on(app: &TestApp, kind: SubjectType, id: Uuid) -> Vec<String> {
    let p = app.partnership_id(DEMO).await;
    let mut pc = app.db.acquire().await.unwrap();
    safeguard_store::review_learning::subject_themes(&mut pc.conn(), p, kind, id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect()
}

async fn findings_of(
    app: &TestApp,
    kind: SubjectType,
    id: Uuid,
) -> Vec<safeguard_store::review_learning::FindingRow> {
    let p = app.partnership_id(DEMO).await;
    let mut pc = app.db.acquire().await.unwrap();
    safeguard_store::review_learning::findings(&mut pc.conn(), p, kind, id)
        .await
        .unwrap()
}

async fn recommendations_of(
    app: &TestApp,
    kind: SubjectType,
    id: Uuid,
) -> Vec<safeguard_store::review_learning::RecommendationRow> {
    let p = app.partnership_id(DEMO).await;
    let mut pc = app.db.acquire().await.unwrap();
    safeguard_store::review_learning::recommendations(&mut pc.conn(), p, kind, id)
        .await
        .unwrap()
}

/// A practice review of the demo partnership, written directly: the practice reviews module owns
/// their forms; the learning only needs the row.
pub(crate) async fn practice_review(
    app: &TestApp,
    reference: &str,
    commissioned: &str,
    published: Option<&str>,
) -> Uuid {
    let p = app.partnership_id(DEMO).await;
    let admin = app.person_id(ADMIN).await;
    let id = Uuid::new_v4();
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let mut pc = app.db.acquire().await.unwrap();
    let c = &mut pc.conn();
    // language=SQL
    let sql = r#"insert into practice_review (review_id, partnership_id, reference, kind, title, summary,
                 commissioned_on, stage, terms_of_reference, published_on, published_url, not_published_reasons,
                 improvements_statement, created_by, created_at, updated_at, version)
                 values ($1, $2, $3, 'local', $4, '', $5, $6, '', $7, '', '', '', $8, $9, $9, 1)"#;
    safeguard_store::on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(p.0)
        .bind(reference)
        .bind(format!("Child {reference}"))
        .bind(day(commissioned))
        .bind(if published.is_some() {
            "published"
        } else {
            "draft"
        })
        .bind(published.map(day))
        .bind(admin.0)
        .bind(app.svc.now())
        .execute(e)
        .await
        .map(|r| r.rows_affected()))
    .unwrap();
    id
}

safeguard_testkit::both_backends!(
    the_taxonomy_is_kept_by_administrators_and_a_duplicate_is_refused,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let (status, page) = app.get_text(&admin, "/case-review-themes").await;
        assert_eq!(status, 200);
        let page = flat(&page);
        // the demo's taxonomy has the seed report's themes
        for t in [
            "Neglect",
            "Families moving between local authority areas",
            "Professional curiosity",
            "Record keeping",
            "Information sharing",
        ] {
            assert!(page.contains(t), "{t}");
        }
        assert!(page.contains("Add a theme"));
        let before = theme_count(&app).await;
        let creates = app.audit(DEMO, "case_review_theme.create").await.len();
        // a duplicate name, in another case: refused, nothing saved
        let (status, form) = app.get_text(&admin, "/case-review-themes/new").await;
        assert_eq!(status, 200);
        let csrf = csrf_of(&form);
        let r = app
            .post_form(
                &admin,
                "/case-review-themes",
                &[
                    ("csrf_token", &csrf),
                    ("name", "  NEGLECT "),
                    ("description", "Again"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "name"));
        assert!(body.contains("There is already a theme with this name"));
        assert!(body.contains("NEGLECT"), "the person's text is kept");
        assert_eq!(theme_count(&app).await, before);
        assert_eq!(
            app.audit(DEMO, "case_review_theme.create").await.len(),
            creates
        );
        // added
        let r = app
            .post_form(
                &admin,
                "/case-review-themes",
                &[
                    ("csrf_token", &csrf),
                    ("name", "Bullying   online"),
                    ("description", "Harm to children online"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), "/case-review-themes?notice=theme-added");
        let id = theme_id(&app, "Bullying online").await;
        let created = app.audit(DEMO, "case_review_theme.create").await;
        assert_eq!(created.len(), creates + 1);
        assert_eq!(
            created[0].target_id.as_deref(),
            Some(id.to_string().as_str())
        );
        // renamed
        let (status, form) = app
            .get_text(&admin, &format!("/case-review-themes/{id}/edit"))
            .await;
        assert_eq!(status, 200);
        assert!(form.contains("Retire theme"));
        let r = app
            .post_form(
                &admin,
                &format!("/case-review-themes/{id}/edit"),
                &[
                    ("csrf_token", &csrf_of(&form)),
                    ("name", "Online harm"),
                    ("description", "Bullying and grooming online"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let updated = app.audit(DEMO, "case_review_theme.update").await;
        assert!(
            updated[0]
                .before_json
                .as_deref()
                .unwrap()
                .contains("Bullying online")
        );
        assert!(
            updated[0]
                .after_json
                .as_deref()
                .unwrap()
                .contains("Online harm")
        );
        // renaming to another theme's name is refused
        let r = app
            .post_form(
                &admin,
                &format!("/case-review-themes/{id}/edit"),
                &[("csrf_token", &csrf_of(&form)), ("name", "record keeping")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        // retired: listed apart, still there
        let r = app
            .post_form(
                &admin,
                &format!("/case-review-themes/{id}/retire"),
                &[("csrf_token", &csrf_of(&form))],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&admin, "/case-review-themes").await;
        assert!(flat(&page).contains("1 retired themes"));
        assert_eq!(app.audit(DEMO, "case_review_theme.retire").await.len(), 1);
        let (_, form) = app
            .get_text(&admin, &format!("/case-review-themes/{id}/edit"))
            .await;
        assert!(form.contains("Reinstate theme"));
        let r = app
            .post_form(
                &admin,
                &format!("/case-review-themes/{id}/reinstate"),
                &[("csrf_token", &csrf_of(&form))],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            app.audit(DEMO, "case_review_theme.reinstate").await.len(),
            1
        );
        assert_eq!(theme_count(&app).await, before + 1);

        // a board member on the panel sees the list but may not change it
        let board = app.signed_in(BOARD).await;
        let (status, page) = app.get_text(&board, "/case-review-themes").await;
        assert_eq!(status, 200);
        assert!(!page.contains("Add a theme"));
        assert_eq!(
            app.get(&board, "/case-review-themes/new")
                .await
                .status()
                .as_u16(),
            403
        );
        let r = app
            .post_with_csrf(&board, &format!("/case-review-themes/{id}/retire"), &[])
            .await;
        assert_eq!(r.status().as_u16(), 403);
        // another partnership's administrator: the theme does not exist for them
        add_other_partnership_person(&app).await;
        let other = app.signed_in(OTHER).await;
        assert_eq!(
            app.get(&other, &format!("/case-review-themes/{id}/edit"))
                .await
                .status()
                .as_u16(),
            404
        );
        let r = app
            .post_with_csrf(&other, &format!("/case-review-themes/{id}/retire"), &[])
            .await;
        assert_eq!(r.status().as_u16(), 404);
        // their own partnership has no themes yet: they may add the standard ones
        let (_, page) = app.get_text(&other, "/case-review-themes").await;
        assert!(page.contains("Add the standard themes"));
        assert!(!page.contains("Online harm"));
        let r = app
            .post_with_csrf(&other, "/case-review-themes/defaults", &[])
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&other, "/case-review-themes").await;
        assert!(page.contains("Professional curiosity"));
        assert_eq!(
            app.audit("shropshire", "case_review_theme.defaults")
                .await
                .len(),
            1
        );
    }
);

safeguard_testkit::both_backends!(
    a_notification_learning_through_the_pages,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let id = notification_id(&app, "SIN 2022-02").await;
        let base = format!("/case-reviews/{id}/learning");
        // the notification page links to it
        let (_, show) = app.get_text(&admin, &format!("/case-reviews/{id}")).await;
        assert!(show.contains(&format!("href=\"{base}\"")));
        // the demo's themes are ticked; the view is audit-logged
        let views = app.audit(DEMO, "case_review.view").await.len();
        let (status, page) = app.get_text(&admin, &base).await;
        assert_eq!(status, 200);
        let views_after = app.audit(DEMO, "case_review.view").await;
        assert_eq!(views_after.len(), views + 1);
        assert_eq!(views_after[0].target_type, "case_notification.learning");
        let neglect = theme_id(&app, "Neglect").await;
        assert!(page.contains(&format!("value=\"{neglect}\" checked")));
        assert_eq!(
            theme_names_on(&app, SubjectType::Notification, id).await,
            [
                "Families moving between local authority areas",
                "Information sharing",
                "Neglect"
            ]
        );
        let csrf = csrf_of(&page);
        // a retired theme cannot be newly added: refused, nothing saved
        let sleep = theme_id(&app, "Safe sleep").await;
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let r = raw_client()
            .put(app.url(&format!("/api/v1/case-review-themes/{sleep}")))
            .bearer_auth(&token)
            .json(&serde_json::json!({"name": "Safe sleep", "retired": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let sets = app.audit(DEMO, "case_review.themes.set").await.len();
        let r = app
            .post_form(
                &admin,
                &format!("{base}/themes"),
                &[
                    ("csrf_token", &csrf),
                    ("theme_ids", &neglect.to_string()),
                    ("theme_ids", &sleep.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "theme_ids"));
        assert_eq!(
            theme_names_on(&app, SubjectType::Notification, id)
                .await
                .len(),
            3
        );
        assert_eq!(app.audit(DEMO, "case_review.themes.set").await.len(), sets);
        // keep neglect, add professional curiosity, take the others off
        let curiosity = theme_id(&app, "Professional curiosity").await;
        let r = app
            .post_form(
                &admin,
                &format!("{base}/themes"),
                &[
                    ("csrf_token", &csrf),
                    ("theme_ids", &neglect.to_string()),
                    ("theme_ids", &curiosity.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            theme_names_on(&app, SubjectType::Notification, id).await,
            ["Neglect", "Professional curiosity"]
        );
        let set = app.audit(DEMO, "case_review.themes.set").await;
        assert_eq!(set.len(), sets + 1);
        assert!(
            set[0]
                .before_json
                .as_deref()
                .unwrap()
                .contains("Information sharing")
        );
        assert!(
            set[0]
                .after_json
                .as_deref()
                .unwrap()
                .contains("Professional curiosity")
        );

        // a finding: empty is refused, nothing saved (the demo's findings on practice reviews are
        // audited too, so counts are taken from here)
        let findings_before = app.audit(DEMO, "case_review.finding").await.len();
        let (status, form) = app.get_text(&admin, &format!("{base}/findings/new")).await;
        assert_eq!(status, 200);
        let r = app
            .post_form(
                &admin,
                &format!("{base}/findings"),
                &[("csrf_token", &csrf_of(&form)), ("title", ""), ("body", "")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "title"));
        assert!(error_summary_links_to(&body, "body"));
        assert!(
            findings_of(&app, SubjectType::Notification, id)
                .await
                .is_empty()
        );
        assert_eq!(
            app.audit(DEMO, "case_review.finding").await.len(),
            findings_before
        );
        for (title, body) in [
            (
                "Records did not follow the family",
                "The previous area's records arrived late.",
            ),
            ("Nursery concerns", "Concerns were recorded but not shared."),
        ] {
            let r = app
                .post_form(
                    &admin,
                    &format!("{base}/findings"),
                    &[
                        ("csrf_token", &csrf_of(&form)),
                        ("title", title),
                        ("body", body),
                    ],
                )
                .await;
            assert_eq!(r.status().as_u16(), 303);
        }
        let findings = findings_of(&app, SubjectType::Notification, id).await;
        assert_eq!(
            findings.iter().map(|f| f.number).collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!(
            app.audit(DEMO, "case_review.finding.create").await.len(),
            findings_before + 2
        );

        // a recommendation: without addressees refused, nothing saved
        let (status, form) = app
            .get_text(&admin, &format!("{base}/recommendations/new"))
            .await;
        assert_eq!(status, 200);
        let choices = select_options(&form, "finding_id");
        assert_eq!(choices.len(), 3, "no finding and the two findings");
        let council = app
            .organisation_id("Telford & Wrekin Council")
            .await
            .to_string();
        let west_mercia = app.organisation_id("West Mercia Police").await.to_string();
        let first = findings[0].finding_id.to_string();
        let r = app
            .post_form(
                &admin,
                &format!("{base}/recommendations"),
                &[
                    ("csrf_token", &csrf_of(&form)),
                    ("title", "Transfer protocol"),
                    ("body", "Agree a protocol with neighbouring areas."),
                    ("finding_id", &first),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(error_summary_links_to(&body, "addressees"));
        assert!(body.contains("Agree a protocol with neighbouring areas."));
        assert!(
            recommendations_of(&app, SubjectType::Notification, id)
                .await
                .is_empty()
        );
        let r = app
            .post_form(
                &admin,
                &format!("{base}/recommendations"),
                &[
                    ("csrf_token", &csrf_of(&form)),
                    ("title", "Transfer protocol"),
                    ("body", "Agree a protocol with neighbouring areas."),
                    ("finding_id", &first),
                    ("addressees", &council),
                    ("addressees", &west_mercia),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let recs = recommendations_of(&app, SubjectType::Notification, id).await;
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].finding_id, Some(findings[0].finding_id));
        let created = app.audit(DEMO, "case_review.recommendation.create").await;
        assert_eq!(
            created[0].target_id.as_deref(),
            Some(recs[0].recommendation_id.to_string().as_str())
        );
        let (_, page) = app.get_text(&admin, &base).await;
        let page = flat(&page);
        assert!(page.contains("Finding 1: Records did not follow the family"));
        assert!(page.contains("Recommendation 1: Transfer protocol"));
        assert!(
            page.contains("Wrekin Council, West Mercia Police"),
            "{page}"
        );
        // its stable page
        let rid = recs[0].recommendation_id;
        let (status, page) = app
            .get_text(&admin, &format!("/review-recommendations/{rid}"))
            .await;
        assert_eq!(status, 200);
        assert!(flat(&page).contains("Notification SIN 2022-02"));

        // a stale edit of a finding: 409, the person's text kept, nothing changed
        let fid = findings[0].finding_id;
        let (status, form) = app
            .get_text(&admin, &format!("/review-findings/{fid}/edit"))
            .await;
        assert_eq!(status, 200);
        let csrf = csrf_of(&form);
        let r = app
            .post_form(
                &admin,
                &format!("/review-findings/{fid}/edit"),
                &[
                    ("csrf_token", &csrf),
                    ("version", "1"),
                    ("title", "Records"),
                    ("body", "First edit."),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let r = app
            .post_form(
                &admin,
                &format!("/review-findings/{fid}/edit"),
                &[
                    ("csrf_token", &csrf),
                    ("version", "1"),
                    ("title", "My stale title"),
                    ("body", "My stale text."),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 409);
        let body = r.text().await.unwrap();
        assert!(body.contains("My stale text."));
        assert!(body.contains("Someone else changed this"));
        assert!(body.contains("name=\"version\" value=\"2\""));
        let f = &findings_of(&app, SubjectType::Notification, id).await[0];
        assert_eq!(
            (f.title.as_str(), f.body.as_str(), f.version),
            ("Records", "First edit.", 2)
        );
        let updates = app.audit(DEMO, "case_review.finding.update").await;
        assert_eq!(updates.len(), 1);
        assert!(
            updates[0]
                .before_json
                .as_deref()
                .unwrap()
                .contains("Records did not follow the family")
        );
        // and a recommendation's edit: stale 409, current 303
        let (_, form) = app
            .get_text(&admin, &format!("/review-recommendations/{rid}/edit"))
            .await;
        assert!(form.contains(&format!("value=\"{council}\" checked")));
        let fields = |version: &str| -> Vec<(String, String)> {
            [
                ("csrf_token", csrf_of(&form)),
                ("version", version.to_owned()),
                ("title", "Transfer of records".to_owned()),
                ("body", "Agree it within three months.".to_owned()),
                ("finding_id", String::new()),
                ("addressees", west_mercia.clone()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect()
        };
        let edit_path = format!("/review-recommendations/{rid}/edit");
        let post = |f: Vec<(String, String)>| {
            admin
                .post(app.url(&edit_path))
                .header("Origin", &app.base)
                .header("Sec-Fetch-Site", "same-origin")
                .form(&f)
                .send()
        };
        let r = post(fields("2")).await.unwrap();
        assert_eq!(r.status().as_u16(), 409);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Agree it within three months.")
        );
        let r = post(fields("1")).await.unwrap();
        assert_eq!(r.status().as_u16(), 303);
        let rec = &recommendations_of(&app, SubjectType::Notification, id).await[0];
        assert_eq!(
            (rec.title.as_str(), rec.finding_id, rec.version),
            ("Transfer of records", None, 2)
        );
        assert_eq!(
            app.audit(DEMO, "case_review.recommendation.update")
                .await
                .len(),
            1
        );
    }
);

safeguard_testkit::both_backends!(
    themes_across_years_count_link_and_download,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let neglect = theme_id(&app, "Neglect").await;
        // a practice review commissioned in 2020-21 carrying neglect
        let review = practice_review(&app, "CSPR 2020-09", "2020-06-01", None).await;
        let csrf = app.csrf(&admin).await;
        let r = app
            .post_form(
                &admin,
                &format!("/practice-reviews/{review}/learning/themes"),
                &[("csrf_token", &csrf), ("theme_ids", &neglect.to_string())],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let views = app.audit(DEMO, "case_review.view").await.len();
        let (status, page) = app
            .get_text(&admin, "/case-review-themes/across-years")
            .await;
        assert_eq!(status, 200);
        assert_eq!(app.audit(DEMO, "case_review.view").await.len(), views + 1);
        let page = flat(&page);
        // from 2020-21 to 2022-23, with 2021-22 kept though empty
        for y in ["2020-21", "2021-22", "2022-23"] {
            assert!(page.contains(&format!("colspan=\"2\">{y}</th>")), "{y}");
        }
        assert!(!page.contains("2019-20"));
        // neglect: SIN 2022-02 and SIN 2023-01 (2022-23), this test's review (2020-21), and the demo's
        // practice reviews tagged with it (one commissioned in 2021-22, TR 2022-01 in 2022-23)
        let link = format!("/case-review-themes/{neglect}?year=2022&#38;type=notification");
        assert!(page.contains(&format!("href=\"{link}\">2<span")), "{page}");
        assert!(page.contains(&format!(
            "href=\"/case-review-themes/{neglect}?year=2020&#38;type=practice_review\">1<span"
        )));
        let (status, list) = app
            .get_text(
                &admin,
                &format!("/case-review-themes/{neglect}?year=2022&type=notification"),
            )
            .await;
        assert_eq!(status, 200);
        assert!(list.contains("SIN 2022-02") && list.contains("SIN 2023-01"));
        assert!(!list.contains("SIN 2022-01") && !list.contains("CSPR 2020-09"));
        let (_, list) = app
            .get_text(&admin, &format!("/case-review-themes/{neglect}"))
            .await;
        assert!(list.contains("CSPR 2020-09") && list.contains("SIN 2022-02"));
        assert_eq!(
            app.get(&admin, &format!("/case-review-themes/{neglect}?year=soon"))
                .await
                .status()
                .as_u16(),
            400
        );
        // the CSV, through the one CSV writer
        let r = app
            .get(&admin, "/case-review-themes/across-years.csv")
            .await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(header(&r, "content-type").starts_with("text/csv"));
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let mut lines = text.split("\r\n");
        assert_eq!(
            lines.next().unwrap(),
            "Theme,Retired,2020-21 notifications,2020-21 practice reviews,2021-22 notifications,\
             2021-22 practice reviews,2022-23 notifications,2022-23 practice reviews,Total notifications,\
             Total practice reviews"
        );
        assert!(
            text.contains("\r\nNeglect,No,0,1,0,1,2,1,2,3\r\n"),
            "{text}"
        );
        assert_eq!(app.audit(DEMO, "case_review.themes.export").await.len(), 1);
        // the same as JSON
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let v: serde_json::Value = app
            .api_get(&token, "/api/v1/case-review-themes/across-years")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            v["years"],
            serde_json::json!(["2020-21", "2021-22", "2022-23"])
        );
        let row = v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["theme"]["name"] == "Neglect")
            .unwrap();
        assert_eq!(row["years"][2]["notifications"], 2);
        assert_eq!(row["total_practice_reviews"], 3);
    }
);

safeguard_testkit::both_backends!(
    only_the_panel_sees_learning_and_only_administrators_change_it,
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
        let id = notification_id(&app, "SIN 2022-03").await;
        let base = format!("/case-reviews/{id}/learning");
        // a practitioner: 403 everywhere
        let practitioner = app.signed_in(PRACTITIONER).await;
        for path in [
            "/case-review-themes".to_owned(),
            "/case-review-themes/across-years".to_owned(),
            base.clone(),
        ] {
            assert_eq!(
                app.get(&practitioner, &path).await.status().as_u16(),
                403,
                "{path}"
            );
        }
        // a sub-group member on the panel reads (audited) but may not change
        let member = app.signed_in(SUBGROUP).await;
        let (status, page) = app.get_text(&member, &base).await;
        assert_eq!(status, 200);
        assert!(page.contains("Professional curiosity"));
        assert!(!page.contains("Save themes") && !page.contains("Add a finding"));
        let r = app
            .post_with_csrf(&member, &format!("{base}/themes"), &[])
            .await;
        assert_eq!(r.status().as_u16(), 403);
        assert_eq!(
            theme_names_on(&app, SubjectType::Notification, id)
                .await
                .len(),
            3
        );
        // a sub-group member off the panel: the record does not exist, the views are refused
        let outsider = app.signed_in(OUTSIDER).await;
        assert_eq!(app.get(&outsider, &base).await.status().as_u16(), 404);
        assert_eq!(
            app.get(&outsider, "/case-review-themes/across-years")
                .await
                .status()
                .as_u16(),
            403
        );
        // another partnership's administrator: 404 for the demo's records
        let other = app.signed_in(OTHER).await;
        assert_eq!(app.get(&other, &base).await.status().as_u16(), 404);
        let r = app
            .post_with_csrf(
                &other,
                &format!("{base}/findings"),
                &[("title", "x"), ("body", "y")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 404);
        let (status, page) = app
            .get_text(&other, "/case-review-themes/across-years")
            .await;
        assert_eq!(status, 200);
        assert!(page.contains("No review carries a theme yet"));
        let by_other: Vec<_> = app
            .audit(DEMO, "")
            .await
            .into_iter()
            .filter(|e| e.actor_name.as_deref() == Some("Other Person"))
            .collect();
        assert!(by_other.is_empty());
    }
);

safeguard_testkit::both_backends!(
    a_practice_review_learning_and_the_recommendations_the_tracker_refers_to,
    |backend| async move {
        let app = spawn_app(backend).await;
        let review = practice_review(&app, "CSPR 2022-07", "2022-10-03", Some("2023-03-20")).await;
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let api = |method: reqwest::Method, path: String, body: serde_json::Value| {
            raw_client()
                .request(method, app.url(&path))
                .bearer_auth(&token)
                .json(&body)
        };
        let base = format!("/api/v1/practice-reviews/{review}/learning");
        let r = app.api_get(&token, &base).await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["reference"], "CSPR 2022-07");
        assert_eq!(v["financial_year"], "2022-23");
        // themes
        let neglect = theme_id(&app, "Neglect").await;
        let r = api(
            reqwest::Method::PUT,
            format!("{base}/themes"),
            serde_json::json!({"theme_ids": [neglect.to_string()]}),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["themes"][0]["name"], "Neglect");
        // a finding; bad input 422 with nothing saved
        let r = api(
            reqwest::Method::POST,
            format!("{base}/findings"),
            serde_json::json!({"title": " ", "body": "x"}),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("\"field\":\"title\""));
        assert!(
            findings_of(&app, SubjectType::PracticeReview, review)
                .await
                .is_empty()
        );
        let r = api(
            reqwest::Method::POST,
            format!("{base}/findings"),
            serde_json::json!({"title": "Escalation", "body": "Disagreements were not escalated."}),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let f: serde_json::Value = r.json().await.unwrap();
        assert_eq!(f["number"], 1);
        // a recommendation addressed to another partnership's organisation: 422, nothing saved
        let shropshire = app.organisation_id("Shropshire Council").await.to_string();
        let council = app
            .organisation_id("Telford & Wrekin Council")
            .await
            .to_string();
        let r = api(
            reqwest::Method::POST,
            format!("{base}/recommendations"),
            serde_json::json!({"title": "Escalation policy", "body": "Promote it.", "addressees": [shropshire]}),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status().as_u16(), 422);
        assert!(
            recommendations_of(&app, SubjectType::PracticeReview, review)
                .await
                .is_empty()
        );
        let r = api(
            reqwest::Method::POST,
            format!("{base}/recommendations"),
            serde_json::json!({"title": "Escalation policy", "body": "Promote it.", "finding_id": f["id"],
                               "addressees": [council]}),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let rec: serde_json::Value = r.json().await.unwrap();
        let rid = rec["id"].as_str().unwrap().to_owned();
        assert_eq!(rec["subject_reference"], "CSPR 2022-07");
        assert_eq!(rec["href"], format!("/review-recommendations/{rid}"));
        // the tracker's list and resource
        let list: serde_json::Value = app
            .api_get(&token, "/api/v1/review-recommendations")
            .await
            .json()
            .await
            .unwrap();
        let item = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == rid.as_str())
            .unwrap();
        assert_eq!(item["subject_type"], "practice_review");
        assert_eq!(item["addressees"][0]["name"], "Telford & Wrekin Council");
        let r = app
            .api_get(&token, &format!("/api/v1/review-recommendations/{rid}"))
            .await;
        assert_eq!(r.status().as_u16(), 200);
        // edits against the version: stale 409 (nothing changed), current 200
        let edit = |version: i64| {
            serde_json::json!({"title": "Escalation policy", "body": "Promote it every quarter.",
                               "addressees": [council], "version": version})
        };
        let r = api(
            reqwest::Method::PUT,
            format!("/api/v1/review-recommendations/{rid}"),
            edit(3),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status().as_u16(), 409);
        assert_eq!(
            recommendations_of(&app, SubjectType::PracticeReview, review).await[0].body,
            "Promote it."
        );
        let r = api(
            reqwest::Method::PUT,
            format!("/api/v1/review-recommendations/{rid}"),
            edit(1),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["version"], 2);
        assert_eq!(v["finding_id"], serde_json::Value::Null);
        let r = api(
            reqwest::Method::PUT,
            format!("/api/v1/review-findings/{}", f["id"].as_str().unwrap()),
            serde_json::json!({"title": "Escalation", "body": "Changed.", "version": 9}),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status().as_u16(), 409);
        // every read and change is in the audit trail
        assert!(
            !app.audit(DEMO, "case_review.recommendation.update")
                .await
                .is_empty()
        );
        let views = app.audit(DEMO, "case_review.view").await;
        assert!(
            views
                .iter()
                .any(|e| e.target_type == "review_recommendations")
        );
        assert!(
            views
                .iter()
                .any(|e| e.target_type == "practice_review.learning")
        );
        // another partnership's administrator: 404; a read-only panel member: 403 on a change
        add_other_partnership_person(&app).await;
        let other = safeguard_service::tokens::issue_for_email(&app.svc, OTHER, 30)
            .await
            .unwrap();
        for path in [
            format!("/api/v1/review-recommendations/{rid}"),
            base.clone(),
        ] {
            assert_eq!(
                app.api_get(&other, &path).await.status().as_u16(),
                404,
                "{path}"
            );
        }
        let r = raw_client()
            .put(app.url(&format!("/api/v1/review-recommendations/{rid}")))
            .bearer_auth(&other)
            .json(&edit(2))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404);
        let list: serde_json::Value = app
            .api_get(&other, "/api/v1/review-recommendations")
            .await
            .json()
            .await
            .unwrap();
        assert!(list["items"].as_array().unwrap().is_empty());
        let board = safeguard_service::tokens::issue_for_email(&app.svc, BOARD, 30)
            .await
            .unwrap();
        assert_eq!(app.api_get(&board, &base).await.status().as_u16(), 200);
        let r = raw_client()
            .post(app.url(&format!("{base}/findings")))
            .bearer_auth(&board)
            .json(&serde_json::json!({"title": "x", "body": "y"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403);
        // the page the tracker links to
        let admin = app.signed_in(ADMIN).await;
        let (status, page) = app
            .get_text(&admin, &format!("/review-recommendations/{rid}"))
            .await;
        assert_eq!(status, 200);
        assert!(flat(&page).contains("Practice review CSPR 2022-07"));
    }
);
