//! The performance framework's comparisons and views over HTTP: region and statistical-neighbour
//! benchmarks beside England's (with their publications) on the dashboard, the indicator page, its
//! chart and the exports; the "approved figures only" view, where a revision sent but not approved
//! changes the figure only in the latest view; place profile editing (deprivation figures and the
//! statistical-neighbour list, with error summaries, versions and audit); and the API for the
//! returns workflow (list, one, check, approve) and the place profile.

use crate::helpers::*;

const ADMIN: &str = "admin@safeguard.example";
const LEAD: &str = "lead@safeguard.example";
const OTHER: &str = "other@shropshire.example";
const DEMO: &str = "telford-wrekin";
const LA: &str = "Telford & Wrekin Council";
const ILLUSTRATIVE: &str = "Illustrative value for the demo: not a published figure";

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

async fn indicator_id(app: &TestApp, code: &str) -> String {
    let mut pc = app.db.acquire().await.unwrap();
    safeguard_store::performance::list_indicators(&mut pc.conn(), app.partnership_id(DEMO).await)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.code == code)
        .unwrap()
        .indicator_id
        .to_string()
}

async fn place_figures(app: &TestApp) -> Vec<safeguard_store::performance::PlaceFigure> {
    let mut pc = app.db.acquire().await.unwrap();
    safeguard_store::performance::place_figures(&mut pc.conn(), app.partnership_id(DEMO).await)
        .await
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
    region_and_statistical_neighbours_are_shown_beside_england_with_their_publications,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let (status, page) = app.get_text(&c, "/performance?as_at=2022-03-31").await;
        assert_eq!(status, 200);
        assert!(page.contains(">Region<") && page.contains(">Statistical neighbours<"));
        // re-referrals in Q4 2021-22: 137 of 640 = 21.40625 -> 21.4, beside 21.5, 22.4 and 23.1
        assert!(
            page.contains(">21.4<") && page.contains("137 of 640"),
            "{page}"
        );
        assert!(
            page.contains(">21.5<br>") && page.contains(">22.4<br>") && page.contains(">23.1<br>")
        );
        assert!(page.contains(ILLUSTRATIVE));
        // the seed's England values name their publication too
        assert!(page.contains("Characteristics of children in need: 2022"));

        let id = indicator_id(&app, "RE-REFERRALS").await;
        let (status, ind) = app
            .get_text(
                &c,
                &format!("/performance/indicators/{id}?figures=approved"),
            )
            .await;
        assert_eq!(status, 200);
        assert!(
            ind.contains(
                "Q4 2021-22: 21.4 (England 21.5, Region 22.4, Statistical neighbours 23.1)"
            ),
            "{ind}"
        );
        assert!(
            ind.contains(
                "Q4 2022-23: 17.4 (England 21.0, Region 22.0, Statistical neighbours 21.8)"
            )
        );
        for series in ["england", "region", "statistical_neighbours"] {
            assert_eq!(
                ind.matches(&format!("data-series=\"{series}\"")).count(),
                2,
                "{series} drawn at both year ends"
            );
        }
        assert!(ind.contains("Region (line)") && ind.contains("Statistical neighbours (line)"));
        // the table carries the same figures
        assert!(ind.contains(">22.0<br>") && ind.contains(">21.8<br>"));
        // trends read with the polarity (lower is better): Q1 2022-23 19.2 after 21.4
        assert!(ind.contains("Improving") && ind.contains("Worsening"));

        let csv = app
            .get(&c, "/performance/export.csv?as_at=2022-03-31")
            .await
            .text()
            .await
            .unwrap();
        assert!(csv.lines().next().unwrap().ends_with(
            "Return state,Region,Region publication,Statistical neighbours,Statistical neighbours publication"
        ));
        assert!(
            csv.contains(&format!("Approved,22.4,{ILLUSTRATIVE},23.1,{ILLUSTRATIVE}")),
            "{csv}"
        );

        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let v: serde_json::Value = app
            .api_get(&token, &format!("/api/v1/performance/indicators/{id}"))
            .await
            .json()
            .await
            .unwrap();
        let q4 = v["points"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["label"] == "Q4 2021-22")
            .unwrap();
        assert_eq!(q4["region"], "22.4");
        assert_eq!(q4["statistical_neighbours"], "23.1");
        assert_eq!(q4["statistical_neighbours_publication"], ILLUSTRATIVE);
    }
);

safeguard_testkit::both_backends!(
    a_revision_not_yet_approved_changes_the_figure_only_in_the_latest_view,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        // Q4 2022-23: revision 1 (113 of 649 = 17.4%) approved, revision 2 (115 of 649 = 17.7%)
        // sent and not approved
        let (_, latest) = app.get_text(&c, "/performance").await;
        assert!(
            latest.contains(">17.7<") && !latest.contains(">17.4<"),
            "{latest}"
        );
        assert!(latest.contains("Latest figures, including returns not yet approved"));
        let (_, approved) = app.get_text(&c, "/performance?figures=approved").await;
        assert!(approved.contains(">17.4<") && !approved.contains(">17.7<"));
        assert!(approved.contains("approved figures only"));
        assert!(
            approved.contains("figures=approved"),
            "export links carry the choice"
        );
        // the other indicators are approved: the same in both views
        assert!(latest.contains(">1,101<") && approved.contains(">1,101<"));

        let id = indicator_id(&app, "RE-REFERRALS").await;
        let (_, ind) = app
            .get_text(&c, &format!("/performance/indicators/{id}"))
            .await;
        assert!(ind.contains("Q4 2022-23: 17.7"));
        let (_, ind) = app
            .get_text(
                &c,
                &format!("/performance/indicators/{id}?figures=approved"),
            )
            .await;
        assert!(ind.contains("Q4 2022-23: 17.4"));

        let r = app
            .get(&c, "/performance/export.csv?figures=approved")
            .await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(header(&r, "content-disposition").contains("performance-approved"));
        let csv = r.text().await.unwrap();
        assert!(csv.contains(
            "RE-REFERRALS,Re-referrals within 12 months,Percentage,Q4 2022-23,17.4,113,649"
        ));
        let csv = app
            .get(&c, "/performance/export.csv")
            .await
            .text()
            .await
            .unwrap();
        assert!(csv.contains("Q4 2022-23,17.7,115,649"));
        let audit = app.audit(DEMO, "performance.export").await;
        assert!(
            audit[1]
                .after_json
                .clone()
                .unwrap()
                .contains("\"figures\":\"approved\"")
        );

        // an unknown choice is refused, not ignored
        assert_eq!(
            app.get(&c, "/performance?figures=final")
                .await
                .status()
                .as_u16(),
            400
        );
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let r = app
            .api_get(&token, "/api/v1/performance/dashboard?figures=final")
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let v: serde_json::Value = app
            .api_get(&token, "/api/v1/performance/dashboard?figures=approved")
            .await
            .json()
            .await
            .unwrap();
        let rr = v
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["indicator"]["code"] == "RE-REFERRALS")
            .unwrap();
        assert_eq!(rr["latest"]["value"], "17.4");
        assert_eq!(rr["latest"]["revision"], 1);

        // approving revision 2 through the API makes it the approved figure
        let returns: serde_json::Value = app
            .api_get(&token, "/api/v1/performance/returns")
            .await
            .json()
            .await
            .unwrap();
        let rev2 = returns
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["frequency"] == "quarter" && r["revision"] == 2)
            .unwrap();
        assert_eq!(rev2["state"], "submitted");
        assert_eq!(rev2["period_label"], "Q4 2022-23");
        let rid = rev2["id"].as_str().unwrap().to_owned();
        let r = api_post(
            &app,
            &token,
            &format!("/api/v1/performance/returns/{rid}/approve"),
            serde_json::json!({}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 409, "not checked yet");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("check it before approving it")
        );
        let r = api_post(
            &app,
            &token,
            &format!("/api/v1/performance/returns/{rid}/check"),
            serde_json::json!({}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["return"]["state"], "checked");
        assert_eq!(v["values"][0]["indicator_code"], "RE-REFERRALS");
        assert_eq!(v["values"][0]["numerator"], 115);
        let r = api_post(
            &app,
            &token,
            &format!("/api/v1/performance/returns/{rid}/check"),
            serde_json::json!({}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 409, "already checked");
        let (_, approved) = app.get_text(&c, "/performance?figures=approved").await;
        assert!(approved.contains(">17.4<"), "checked is not approved");
        let r = api_post(
            &app,
            &token,
            &format!("/api/v1/performance/returns/{rid}/approve"),
            serde_json::json!({}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let (_, approved) = app.get_text(&c, "/performance?figures=approved").await;
        assert!(approved.contains(">17.7<") && !approved.contains(">17.4<"));
        let checked = app.audit(DEMO, "performance.return_checked").await;
        let approved = app.audit(DEMO, "performance.return_approved").await;
        assert_eq!(checked[0].target_id.as_deref(), Some(rid.as_str()));
        assert_eq!(approved[0].target_id.as_deref(), Some(rid.as_str()));
    }
);

safeguard_testkit::both_backends!(
    the_returns_api_is_scoped_and_checked_like_the_pages,
    |backend| async move {
        let app = spawn_app(backend).await;
        add_other_admin(&app).await;
        let admin = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let all: serde_json::Value = app
            .api_get(&admin, "/api/v1/performance/returns")
            .await
            .json()
            .await
            .unwrap();
        let first = all[0]["id"].as_str().unwrap().to_owned();
        let r = app
            .api_get(&admin, &format!("/api/v1/performance/returns/{first}"))
            .await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["return"]["organisation_name"], LA);
        // the yearly return records the population estimate its rates used
        let yearly = all
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["frequency"] == "year")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let v: serde_json::Value = app
            .api_get(&admin, &format!("/api/v1/performance/returns/{yearly}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(v["values"][0]["population"], 51000);
        assert_eq!(v["values"][0]["population_year"], 2021);
        assert_eq!(
            app.api_get(&admin, "/api/v1/performance/returns/not-an-id")
                .await
                .status()
                .as_u16(),
            404
        );
        // an agency lead reads returns but may not check them
        let lead = safeguard_service::tokens::issue_for_email(&app.svc, LEAD, 30)
            .await
            .unwrap();
        assert_eq!(
            app.api_get(&lead, "/api/v1/performance/returns")
                .await
                .status()
                .as_u16(),
            200
        );
        let r = api_post(
            &app,
            &lead,
            &format!("/api/v1/performance/returns/{first}/check"),
            serde_json::json!({}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 403);
        // another partnership's administrator: not found, and nothing changes
        let other = safeguard_service::tokens::issue_for_email(&app.svc, OTHER, 30)
            .await
            .unwrap();
        assert_ne!(
            app.token_info(&other).await.1,
            app.partnership_id(DEMO).await
        );
        assert_eq!(
            app.api_get(&other, &format!("/api/v1/performance/returns/{first}"))
                .await
                .status()
                .as_u16(),
            404
        );
        let r = api_post(
            &app,
            &other,
            &format!("/api/v1/performance/returns/{yearly}/check"),
            serde_json::json!({}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 404);
        let r = app.api_get(&other, "/api/v1/performance/returns").await;
        assert_eq!(
            r.json::<serde_json::Value>().await.unwrap(),
            serde_json::json!([])
        );
        assert!(
            app.audit(DEMO, "performance.return_checked")
                .await
                .is_empty()
        );
    }
);

safeguard_testkit::both_backends!(
    place_figures_are_added_and_changed_with_errors_versions_and_audit,
    |backend| async move {
        let app = spawn_app(backend).await;
        add_other_admin(&app).await;
        let c = app.signed_in(ADMIN).await;
        let (status, place) = app.get_text(&c, "/performance/place").await;
        assert_eq!(status, 200);
        assert!(place.contains("/performance/place/figures/new"));
        assert!(place.contains("No statistical neighbours are recorded."));
        let before = place_figures(&app).await.len();

        // bad input: every problem in the error summary, the typed values kept, nothing written
        let r = app
            .post_with_csrf(
                &c,
                "/performance/place/figures",
                &[
                    ("name", ""),
                    ("unit", "percentage"),
                    ("value", "120"),
                    ("england", "lots"),
                    ("year", "19"),
                    ("source", ""),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        for f in ["name", "value", "england", "year", "source"] {
            assert!(error_summary_links_to(&page, f), "{f}: {page}");
        }
        assert!(page.contains("value=\"lots\""));
        assert_eq!(place_figures(&app).await.len(), before);
        assert!(app.audit(DEMO, "performance.place_figure_add").await.len() == before);

        let r = app
            .post_with_csrf(
                &c,
                "/performance/place/figures",
                &[
                    ("name", "Children in relative low-income families"),
                    ("unit", "percentage"),
                    ("value", "19.75"),
                    ("england", "18.5"),
                    ("year", "2022"),
                    ("source", "DWP children in low income families, 2022"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), "/performance/place?notice=figure-added");
        let (_, place) = app.get_text(&c, "/performance/place").await;
        assert!(
            place.contains("19.75%") && place.contains("18.50%"),
            "{place}"
        );

        // change the deprivation figure: its form shows the stored values and version
        let imd = place_figures(&app)
            .await
            .into_iter()
            .find(|f| f.name.starts_with("Children aged 0 to 15"))
            .unwrap();
        let id = imd.place_figure_id;
        let (status, form) = app
            .get_text(&c, &format!("/performance/place/figures/{id}/edit"))
            .await;
        assert_eq!(status, 200);
        assert!(form.contains("value=\"21.4\"") && form.contains("value=\"18.5\""));
        assert!(form.contains("name=\"version\" value=\"1\""));
        let path = format!("/performance/place/figures/{id}");
        let fields = |value: &'static str, version: &'static str| {
            vec![
                (
                    "name",
                    "Children aged 0 to 15 living in income-deprived households",
                ),
                ("unit", "percentage"),
                ("value", value),
                ("england", "18.5"),
                ("year", "2019"),
                ("source", "English Indices of Deprivation 2019"),
                ("version", version),
            ]
        };
        let r = app.post_with_csrf(&c, &path, &fields("", "1")).await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(error_summary_links_to(&r.text().await.unwrap(), "value"));
        let r = app.post_with_csrf(&c, &path, &fields("21.5", "1")).await;
        assert_eq!(r.status().as_u16(), 303);
        // a stale version is refused with the person's changes kept and nothing saved
        let r = app.post_with_csrf(&c, &path, &fields("30.0", "1")).await;
        assert_eq!(r.status().as_u16(), 409);
        let page = r.text().await.unwrap();
        assert!(page.contains("Someone else changed this") && page.contains("value=\"30.0\""));
        assert!(page.contains("name=\"version\" value=\"2\""));
        let now = place_figures(&app)
            .await
            .into_iter()
            .find(|f| f.place_figure_id == id)
            .unwrap();
        assert_eq!((now.value_scaled, now.version), (215, 2));
        let audit = app.audit(DEMO, "performance.place_figure_update").await;
        assert_eq!(audit.len(), 1);
        assert!(
            audit[0]
                .before_json
                .clone()
                .unwrap()
                .contains("\"value_scaled\":214")
        );
        assert!(
            audit[0]
                .after_json
                .clone()
                .unwrap()
                .contains("\"value_scaled\":215")
        );

        // another partnership's administrator: not found
        let other = app.signed_in(OTHER).await;
        app.switch_to(&other, "shropshire").await;
        assert_eq!(
            app.get(&other, &format!("/performance/place/figures/{id}/edit"))
                .await
                .status()
                .as_u16(),
            404
        );
        let r = app.post_with_csrf(&other, &path, &fields("1", "2")).await;
        assert_eq!(r.status().as_u16(), 404);
        // an agency lead views the profile but may not change it
        let lead = app.signed_in(LEAD).await;
        let (status, place) = app.get_text(&lead, "/performance/place").await;
        assert_eq!(status, 200);
        assert!(!place.contains("/edit"));
        assert_eq!(
            app.get(&lead, "/performance/place/figures/new")
                .await
                .status()
                .as_u16(),
            403
        );
    }
);

safeguard_testkit::both_backends!(
    the_statistical_neighbour_list_is_recorded_then_changed_against_its_version,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let (status, form) = app.get_text(&c, "/performance/place/neighbours").await;
        assert_eq!(status, 200);
        assert!(form.contains("name=\"version\" value=\"0\""));
        let eleven: Vec<String> = (1..=11).map(|i| format!("Authority {i}")).collect();
        let eleven = eleven.join("\r\n");
        let r = app
            .post_with_csrf(
                &c,
                "/performance/place/neighbours",
                &[
                    ("authorities", eleven.as_str()),
                    ("source", ""),
                    ("version", "0"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(
            error_summary_links_to(&page, "authorities") && error_summary_links_to(&page, "source")
        );
        assert!(page.contains("Enter at most 10 statistical neighbours (11 entered)"));
        assert!(
            app.audit(DEMO, "performance.neighbours_save")
                .await
                .is_empty()
        );

        let source = "DfE statistical neighbour benchmarking tool";
        let r = app
            .post_with_csrf(
                &c,
                "/performance/place/neighbours",
                &[
                    ("authorities", "Authority A\r\nAuthority B\r\n\r\n"),
                    ("source", source),
                    ("version", "0"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, place) = app.get_text(&c, "/performance/place").await;
        assert!(
            place.contains("<li>Authority A</li><li>Authority B</li>"),
            "{place}"
        );
        assert!(place.contains(source));
        // a second "first" list is stale: the one saved meanwhile is kept
        let r = app
            .post_with_csrf(
                &c,
                "/performance/place/neighbours",
                &[
                    ("authorities", "Authority C"),
                    ("source", source),
                    ("version", "0"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 409);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("name=\"version\" value=\"1\"")
        );
        let r = app
            .post_with_csrf(
                &c,
                "/performance/place/neighbours",
                &[
                    ("authorities", "Authority B\nAuthority C"),
                    ("source", source),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let audit = app.audit(DEMO, "performance.neighbours_save").await;
        assert_eq!(audit.len(), 2);
        assert!(
            audit[0]
                .before_json
                .clone()
                .unwrap()
                .contains("Authority A")
        );
        assert!(
            audit[0]
                .after_json
                .clone()
                .unwrap()
                .contains("\"version\":2")
        );

        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let v: serde_json::Value = app
            .api_get(&token, "/api/v1/performance/place")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            v["statistical_neighbours"]["authorities"],
            serde_json::json!(["Authority B", "Authority C"])
        );
    }
);

safeguard_testkit::both_backends!(
    the_place_profile_api_reads_and_adds_with_422_and_nothing_written_on_bad_input,
    |backend| async move {
        let app = spawn_app(backend).await;
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let v: serde_json::Value = app
            .api_get(&token, "/api/v1/performance/place")
            .await
            .json()
            .await
            .unwrap();
        let pops = v["populations"].as_array().unwrap();
        assert!(
            pops.iter().any(|p| p["age_band"] == "0-17"
                && p["population"] == 51000
                && p["in_use"] == true)
        );
        assert!(
            v["figures"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["value"] == "21.4" && f["england"] == "18.5")
        );
        let before = place_figures(&app).await.len();
        let r = api_post(
            &app,
            &token,
            "/api/v1/performance/place/figures",
            serde_json::json!({"name": "", "unit": "ratio", "value": "x", "year": 2019, "source": "s"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(header(&r, "content-type").starts_with("application/problem+json"));
        let p: serde_json::Value = r.json().await.unwrap();
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, vec!["name", "unit", "value"]);
        assert_eq!(place_figures(&app).await.len(), before);
        let r = api_post(
            &app,
            &token,
            "/api/v1/performance/place/figures",
            serde_json::json!({"name": "Looked-after children placed out of area", "unit": "count", "value": "37", "year": 2022, "source": "SSDA903"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 201);
        let f: serde_json::Value = r.json().await.unwrap();
        assert_eq!(f["value"], "37");
        assert_eq!(place_figures(&app).await.len(), before + 1);

        // population: a correction for the same band and year, recorded later, supersedes the
        // earlier estimate
        app.clock.advance(chrono::Duration::minutes(1));
        let r = api_post(
            &app,
            &token,
            "/api/v1/performance/place/populations",
            serde_json::json!({"age_band": "0-17", "year": 2021, "population": 0, "source": ""}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = api_post(
            &app,
            &token,
            "/api/v1/performance/place/populations",
            serde_json::json!({"age_band": "0-17", "year": 2021, "population": 44000, "source": "ONS mid-2021 (test)"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 201);
        let v: serde_json::Value = app
            .api_get(&token, "/api/v1/performance/place")
            .await
            .json()
            .await
            .unwrap();
        let p0_17: Vec<(i64, bool)> = v["populations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["age_band"] == "0-17")
            .map(|p| {
                (
                    p["population"].as_i64().unwrap(),
                    p["in_use"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(p0_17, vec![(51000, false), (44000, true)]);
        // the return already sent keeps the estimate it used: 50.4 still
        let c = app.signed_in(ADMIN).await;
        let (_, page) = app.get_text(&c, "/performance?as_at=2022-03-31").await;
        assert!(
            page.contains(">50.4<")
                && page.contains("population 51,000 aged 0 to 17 (mid-2021 estimate)")
        );
        let r = api_post(
            &app,
            &token,
            "/api/v1/performance/place/populations",
            serde_json::json!({"age_band": "0-17", "year": "2021"}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 400, "a body of the wrong shape");
        let practitioner = safeguard_service::tokens::issue_for_email(
            &app.svc,
            "practitioner@safeguard.example",
            30,
        )
        .await
        .unwrap();
        assert_eq!(
            app.api_get(&practitioner, "/api/v1/performance/place")
                .await
                .status()
                .as_u16(),
            403
        );
    }
);
