//! The working-day calendar: the API's sum, the page, administrators' changes (with their audit
//! entries on the platform chain), refusals, and the gov.uk import.

use crate::helpers::*;
use safeguard_domain::audit::Entry;
use safeguard_domain::audit::PLATFORM_CHAIN;

/// Bank holidays are platform-wide, so only platform operators change them.
const ADMIN: &str = "operator@safeguard.example";
const PRACTITIONER: &str = "practitioner@safeguard.example";

async fn token(app: &TestApp, email: &str) -> String {
    safeguard_service::tokens::issue_for_email(&app.svc, email, 5)
        .await
        .expect("token")
}

async fn working_day(app: &TestApp, token: &str, query: &str) -> (u16, serde_json::Value, String) {
    let r = app
        .api_get(token, &format!("/api/v1/calendar/working-days?{query}"))
        .await;
    let status = r.status().as_u16();
    let ct = header(&r, "content-type");
    let body = r.json().await.unwrap_or(serde_json::Value::Null);
    (status, body, ct)
}

fn error_fields(p: &serde_json::Value) -> Vec<String> {
    p["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn calendar_entries(app: &TestApp) -> Vec<Entry> {
    let mut pc = app.db.acquire().await.expect("acquire");
    safeguard_store::audit_log::chain_batch(&mut pc.conn(), PLATFORM_CHAIN, 0, 100_000)
        .await
        .expect("chain")
        .into_iter()
        .filter(|e| e.action.starts_with("calendar."))
        .collect()
}

async fn stored_changes(app: &TestApp) -> usize {
    safeguard_service::calendar::changes(&app.svc)
        .await
        .expect("changes")
        .len()
}

safeguard_testkit::both_backends!(api_adds_working_days_and_validates, |backend| async move {
    let app = spawn_app(backend).await;
    let t = token(&app, PRACTITIONER).await;
    // Day 0 is Monday 2 January 2023, a bank holiday; day 5 is Monday 9 January.
    let (s, body, _) = working_day(&app, &t, "from=2023-01-02&add=5").await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body, serde_json::json!({"date": "2023-01-09"}));
    let (s, body, _) = working_day(&app, &t, "from=2022-12-23&add=1").await;
    assert_eq!((s, body["date"].as_str()), (200, Some("2022-12-28")));
    let (s, body, _) = working_day(&app, &t, "from=2023-01-02&add=0").await;
    assert_eq!((s, body["date"].as_str()), (200, Some("2023-01-03")));
    let (s, body, _) = working_day(&app, &t, "from=2023-01-02&add=1000").await;
    assert_eq!(s, 200, "{body}");

    for (query, field) in [
        ("from=2023-02-30&add=5", "from"),
        ("from=02/01/2023&add=5", "from"),
        ("from=1999-12-31&add=5", "from"),
        ("from=2041-01-01&add=5", "from"),
        ("from=2023-01-02&add=1001", "add"),
        ("from=2023-01-02&add=-1", "add"),
        ("from=2023-01-02&add=two", "add"),
        ("from=2023-01-02", "add"),
        ("add=5", "from"),
        ("from=2040-12-20&add=60", "add"),
    ] {
        let (s, body, ct) = working_day(&app, &t, query).await;
        assert_eq!(s, 422, "{query}: {body}");
        assert!(ct.starts_with("application/problem+json"), "{query}: {ct}");
        assert!(
            error_fields(&body).contains(&field.to_owned()),
            "{query}: {body}"
        );
    }

    let r = raw_client()
        .get(app.url("/api/v1/calendar/working-days?from=2023-01-02&add=5"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert!(header(&r, "content-type").starts_with("application/problem+json"));

    // Documented in the OpenAPI document.
    let doc: serde_json::Value = raw_client()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/calendar/working-days"]["get"].is_object());
});

safeguard_testkit::both_backends!(
    page_lists_this_and_next_years_bank_holidays,
    |backend| async move {
        let app = spawn_app(backend).await;
        // The test clock stands in November 2026.
        let c = app.signed_in(PRACTITIONER).await;
        let (s, page) = app.get_text(&c, "/calendar").await;
        assert_eq!(s, 200);
        assert!(page.contains("Bank holidays in 2026"), "{page}");
        assert!(page.contains("Bank holidays in 2027"));
        assert!(
            page.contains("Monday 28 December 2026"),
            "Boxing Day substitute"
        );
        assert!(page.contains("Boxing Day (substitute day)"));
        assert!(page.contains("Friday 26 March 2027"), "Good Friday 2027");
        assert!(page.contains("href=\"/calendar\""), "in the navigation");
        // Practitioners read the calendar but have no form.
        assert!(!page.contains("action=\"/calendar/bank-holidays\""));
        let r = raw_client().get(app.url("/calendar")).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), "/sign-in");

        let admin = app.signed_in(ADMIN).await;
        let (s, page) = app.get_text(&admin, "/calendar").await;
        assert_eq!(s, 200);
        assert!(page.contains("action=\"/calendar/bank-holidays\""));
        assert!(page.contains("No changes have been made"));
    }
);

safeguard_testkit::both_backends!(
    an_administrators_one_off_bank_holiday_changes_the_answer,
    |backend| async move {
        let app = spawn_app(backend).await;
        let t = token(&app, PRACTITIONER).await;
        // Tuesday 5 March 2030 + 1 working day.
        let (_, body, _) = working_day(&app, &t, "from=2030-03-05&add=1").await;
        assert_eq!(body["date"], "2030-03-06");

        let admin = app.signed_in(ADMIN).await;
        let r = app
            .post_with_csrf(
                &admin,
                "/calendar/bank-holidays",
                &[
                    ("date", "2030-03-06"),
                    ("name", "A one-off day"),
                    ("action", "add"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), "/calendar?notice=calendar-changed");
        let (_, body, _) = working_day(&app, &t, "from=2030-03-05&add=1").await;
        assert_eq!(body["date"], "2030-03-07");

        // Recorded on the platform audit chain, by the administrator.
        let entries = calendar_entries(&app).await;
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].action, "calendar.add_bank_holiday");
        assert_eq!(entries[0].partnership_id, None);
        assert_eq!(
            entries[0].actor_person_id,
            Some(app.person_id(ADMIN).await.0)
        );
        assert!(
            entries[0]
                .after
                .as_deref()
                .unwrap_or_default()
                .contains("2030-03-06")
        );

        // The page lists the change; adding the same day again is refused.
        let (_, page) = app.get_text(&admin, "/calendar").await;
        assert!(page.contains("A one-off day"));
        let r = app
            .post_with_csrf(
                &admin,
                "/calendar/bank-holidays",
                &[("date", "2030-03-06"), ("name", "Again"), ("action", "add")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(stored_changes(&app).await, 1);

        // Removing a computed bank holiday: Christmas Day 2030 (a Wednesday) becomes a working day.
        let r = app
            .post_with_csrf(
                &admin,
                "/calendar/bank-holidays",
                &[
                    ("date", "2030-12-25"),
                    ("name", "Not this year"),
                    ("action", "remove"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, body, _) = working_day(&app, &t, "from=2030-12-24&add=1").await;
        assert_eq!(body["date"], "2030-12-25");

        // Deleting the changes restores the computed calendar.
        for c in safeguard_service::calendar::changes(&app.svc)
            .await
            .unwrap()
        {
            let r = app
                .post_with_csrf(
                    &admin,
                    &format!(
                        "/calendar/bank-holidays/{}/delete",
                        c.bank_holiday_change_id
                    ),
                    &[],
                )
                .await;
            assert_eq!(r.status().as_u16(), 303);
            assert_eq!(location(&r), "/calendar?notice=calendar-change-deleted");
        }
        let (_, body, _) = working_day(&app, &t, "from=2030-03-05&add=1").await;
        assert_eq!(body["date"], "2030-03-06");
        let (_, body, _) = working_day(&app, &t, "from=2030-12-24&add=1").await;
        assert_eq!(body["date"], "2030-12-27");
        assert_eq!(stored_changes(&app).await, 0);
        let actions: Vec<String> = calendar_entries(&app)
            .await
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            [
                "calendar.add_bank_holiday",
                "calendar.remove_bank_holiday",
                "calendar.delete_change",
                "calendar.delete_change"
            ]
        );
        // An unknown change is not found.
        let r = app
            .post_with_csrf(
                &admin,
                &format!("/calendar/bank-holidays/{}/delete", uuid::Uuid::new_v4()),
                &[],
            )
            .await;
        assert_eq!(r.status().as_u16(), 404);
    }
);

safeguard_testkit::both_backends!(
    a_practitioner_or_a_partnership_administrator_cannot_change_the_calendar,
    |backend| async move {
        let app = spawn_app(backend).await;
        // The calendar is shared by every partnership: only platform operators change it.
        for who in [PRACTITIONER, "admin@safeguard.example"] {
            let c = app.signed_in(who).await;
            let r = app
                .post_with_csrf(
                    &c,
                    "/calendar/bank-holidays",
                    &[("date", "2030-03-06"), ("name", "Mine"), ("action", "add")],
                )
                .await;
            assert_eq!(r.status().as_u16(), 403, "{who}");
        }
        assert_eq!(stored_changes(&app).await, 0);
        assert!(calendar_entries(&app).await.is_empty());
    }
);

safeguard_testkit::both_backends!(
    bad_input_shows_the_error_summary_and_saves_nothing,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let r = app
            .post_with_csrf(
                &admin,
                "/calendar/bank-holidays",
                &[("date", "2030-02-30"), ("name", ""), ("action", "")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(page.contains("<title>Error: "), "title says error");
        for field in ["date", "name", "action"] {
            assert!(error_summary_links_to(&page, field), "{field}: {page}");
        }
        assert!(page.contains("2030-02-30"), "the entered value is kept");
        for (date, action, message) in [
            (
                "2041-01-01",
                "add",
                "between 1 January 2000 and 31 December 2040",
            ),
            ("2030-03-09", "add", "must fall on a weekday"),
            ("2030-12-25", "add", "is already a bank holiday"),
            ("2030-03-06", "remove", "is not a bank holiday"),
        ] {
            let r = app
                .post_with_csrf(
                    &admin,
                    "/calendar/bank-holidays",
                    &[("date", date), ("name", "Something"), ("action", action)],
                )
                .await;
            assert_eq!(r.status().as_u16(), 422, "{date} {action}");
            let page = r.text().await.unwrap();
            assert!(error_summary_links_to(&page, "date"), "{date}");
            assert!(page.contains(message), "{date} {action}: {message}");
        }
        assert_eq!(stored_changes(&app).await, 0);
        assert!(calendar_entries(&app).await.is_empty());
    }
);

safeguard_testkit::both_backends!(
    gov_uk_import_adds_missing_days_and_reports_the_rest,
    |backend| async move {
        let app = spawn_app(backend).await;
        let json = r#"{
      "england-and-wales": {"division": "england-and-wales", "events": [
        {"title": "New Year’s Day", "date": "2031-01-01", "notes": "", "bunting": true},
        {"title": "Good Friday", "date": "2031-04-11", "notes": "", "bunting": false},
        {"title": "A one-off", "date": "2031-06-02", "notes": "", "bunting": true},
        {"title": "Far future", "date": "2045-01-01", "notes": "", "bunting": true}
      ]},
      "scotland": {"division": "scotland", "events": [
        {"title": "2nd January", "date": "2031-01-02", "notes": "", "bunting": true}
      ]}
    }"#;
        let report =
            safeguard_service::calendar::import_gov_uk_json(&app.svc, None, json.as_bytes())
                .await
                .unwrap();
        let dates = |v: &[(chrono::NaiveDate, String)]| {
            v.iter().map(|(d, _)| d.to_string()).collect::<Vec<_>>()
        };
        assert_eq!(dates(&report.confirmed), ["2031-01-01", "2031-04-11"]);
        assert_eq!(dates(&report.added), ["2031-06-02"]);
        // Easter Monday, the early May and the spring bank holidays fall inside the file's range.
        assert_eq!(
            dates(&report.missing_from_file),
            ["2031-04-14", "2031-05-05", "2031-05-26"]
        );
        assert_eq!(report.outside_range, 1);
        let changes = safeguard_service::calendar::changes(&app.svc)
            .await
            .unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(
            (changes[0].source.as_str(), changes[0].action.as_str()),
            ("import", "add")
        );
        // Scotland's 2 January is not read.
        let cal = safeguard_service::calendar::load(&app.svc).await.unwrap();
        assert!(
            cal.is_working_day(chrono::NaiveDate::from_ymd_opt(2031, 1, 2).unwrap())
                .unwrap()
        );
        assert!(
            !cal.is_working_day(chrono::NaiveDate::from_ymd_opt(2031, 6, 2).unwrap())
                .unwrap()
        );
        // Importing again changes nothing.
        let again =
            safeguard_service::calendar::import_gov_uk_json(&app.svc, None, json.as_bytes())
                .await
                .unwrap();
        assert!(again.added.is_empty());
        assert_eq!(again.confirmed.len(), 3);
        assert_eq!(calendar_entries(&app).await.len(), 2);
        // Malformed input is refused with a message and writes nothing.
        let r = safeguard_service::calendar::import_gov_uk_json(
            &app.svc,
            None,
            br#"{"england-and-wales": {"events": [{"title": "x", "date": "31/12/2031"}]}}"#,
        )
        .await;
        match r {
            Err(safeguard_service::ServiceError::Invalid(v)) => {
                assert!(v.get("file").unwrap_or_default().contains("YYYY-MM-DD"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(calendar_entries(&app).await.len(), 2);
    }
);
