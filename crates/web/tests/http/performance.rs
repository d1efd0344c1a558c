//! The performance framework over HTTP: the seed's figures on the dashboard for March 2022 (rates
//! computed from the counts and the recorded population), the exception report, the indicator page
//! (SVG chart with title and description, and the same figures as a table), the place profile, CSV
//! and XLSX exports with their audit entry; data returns by CSV upload and by form, each bad input
//! refused with every row problem in the error summary and nothing written, revisions, checking and
//! approving; the catalogue forms (422, 409); access (403, 404 across partnerships) and the API.

use crate::files::{multipart, post_multipart_to};
use crate::helpers::*;

const ADMIN: &str = "admin@safeguard.example";
const LEAD: &str = "lead@safeguard.example";
const PRACTITIONER: &str = "practitioner@safeguard.example";
const OTHER: &str = "other@shropshire.example";
const DEMO: &str = "telford-wrekin";
const LA: &str = "Telford & Wrekin Council";

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

async fn return_count(app: &TestApp) -> usize {
    let mut pc = app.db.acquire().await.unwrap();
    safeguard_store::performance::list_returns(&mut pc.conn(), app.partnership_id(DEMO).await)
        .await
        .unwrap()
        .len()
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

async fn upload(app: &TestApp, c: &reqwest::Client, org: &str, csv: &[u8]) -> reqwest::Response {
    let csrf = app.csrf(c).await;
    let body = multipart(&[
        ("csrf_token", None, csrf.as_bytes()),
        ("organisation_id", None, org.as_bytes()),
        ("frequency", None, b"year"),
        ("period_start", None, b"2021-04-01"),
        ("file", Some("return.csv"), csv),
    ]);
    post_multipart_to(app, c, "/performance/returns/upload", body).await
}

safeguard_testkit::both_backends!(
    the_dashboard_shows_the_seeds_figures_for_march_2022,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let (status, page) = app.get_text(&c, "/performance?as_at=2022-03-31").await;
        assert_eq!(status, 200);
        // 257 children on a plan with the 0-17 population of 51,000: 50.4 per 10,000 (England 42.1)
        assert!(page.contains(">50.4<"), "{page}");
        assert!(page.contains("257 children; population 51,000 aged 0 to 17 (mid-2021 estimate)"));
        assert!(page.contains(">42.1<"));
        // 449 looked-after children: 88 per 10,000 with the same population (England 70)
        assert!(page.contains("449 children; population 51,000"));
        assert!(page.contains(">88<") && page.contains(">70<"));
        assert!(page.contains("At 31 March 2022"));
        assert!(page.contains("Off target"));
        // contacts are 2022-23: none by March 2022, March 2023 by default
        assert!(page.contains("No figures yet"));
        let (_, latest) = app.get_text(&c, "/performance").await;
        assert!(latest.contains("March 2023") && latest.contains(">1,101<"));
        assert!(latest.contains("Improving") || latest.contains("Up"));

        let (_, ex) = app
            .get_text(&c, "/performance/exceptions?as_at=2022-03-31")
            .await;
        assert!(
            ex.contains("Children on a child protection plan")
                && ex.contains("Children looked after")
        );
        assert!(!ex.contains("Contacts to Family Connect"));

        let cp = indicator_id(&app, "CP-RATE").await;
        let (status, ind) = app
            .get_text(&c, &format!("/performance/indicators/{cp}"))
            .await;
        assert_eq!(status, 200);
        assert!(ind.contains("<svg") && ind.contains("role=\"img\""));
        assert!(ind.contains("<title id=\"chart-title\">Children on a child protection plan"));
        assert!(
            ind.contains("<desc id=\"chart-desc\">At 31 March 2022: 50.4 (England 42.1)</desc>")
        );
        assert!(ind.contains("the figures in the chart"));
        assert!(ind.contains("Characteristics of children in need: 2022"));
        assert!(ind.contains("Half away from zero to 1 decimal places"));

        let (_, place) = app.get_text(&c, "/performance/place").await;
        assert!(place.contains("185,842") && place.contains("45,504") && place.contains("51,000"));
        assert!(place.contains("21.4%") && place.contains("18.5%") && place.contains(">18<"));

        let r = app
            .get(&c, "/performance/export.csv?as_at=2022-03-31")
            .await;
        assert_eq!(r.status().as_u16(), 200);
        let csv = r.text().await.unwrap();
        assert!(csv.contains("CP-RATE,Children on a child protection plan,\"Rate per 10,000 children aged 0 to 17\",At 31 March 2022,50.4,257,51000,42.1,Off target,42.1,"));
        let r = app.get(&c, "/performance/export.xlsx").await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(r.bytes().await.unwrap().starts_with(b"PK"));
        let audit = app.audit(DEMO, "performance.export").await;
        assert_eq!(audit.len(), 2);
    }
);

safeguard_testkit::both_backends!(
    an_upload_with_errors_is_refused_whole_then_the_corrected_file_changes_the_dashboard,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let la = app.organisation_id(LA).await.to_string();
        let before = return_count(&app).await;
        let r = upload(
            &app,
            &c,
            &la,
            b"indicator_code,numerator,denominator\r\nCP-RATE,lots,\r\nCLA-RATE,-3,\r\nNOPE,1,\r\n",
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(error_summary_links_to(&page, "file"));
        assert!(
            page.contains("Row 2, numerator: &#34;lots&#34; is not a whole number"),
            "{page}"
        );
        assert!(page.contains("Row 3, numerator: -3 is negative"));
        assert!(page.contains("Row 4, indicator_code: NOPE is not an indicator"));
        assert_eq!(return_count(&app).await, before, "nothing written");
        assert!(app.audit(DEMO, "performance.return_submit").await.len() == before);

        let r = upload(
            &app,
            &c,
            &la,
            b"indicator_code,numerator,denominator\r\nCP-RATE,300,\r\nCLA-RATE,449,\r\n",
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), "/performance?notice=return-sent");
        assert_eq!(return_count(&app).await, before + 1);
        let (_, page) = app.get_text(&c, "/performance?as_at=2022-03-31").await;
        // 300 / 51,000 x 10,000 = 58.82... -> 58.8
        assert!(page.contains(">58.8<") && !page.contains(">50.4<"));
        assert!(page.contains("Submitted"));
        let (_, returns) = app.get_text(&c, "/performance/returns").await;
        assert!(returns.contains("2021-22"));
        // the first revision is kept
        let mut pc = app.db.acquire().await.unwrap();
        let all = safeguard_store::performance::list_returns(
            &mut pc.conn(),
            app.partnership_id(DEMO).await,
        )
        .await
        .unwrap();
        let yearly: Vec<_> = all.iter().filter(|r| r.frequency == "year").collect();
        assert_eq!(
            yearly.iter().map(|r| r.revision).collect::<Vec<_>>(),
            vec![2, 1]
        );
        let audit = app.audit(DEMO, "performance.return_submit").await;
        let after = audit[0].after_json.clone().unwrap_or_default();
        assert!(after.contains("\"revision\":2") && after.contains("return.csv"));

        // check, then approve; a stale state is 409
        let id = yearly[0].return_id.to_string();
        let path = format!("/performance/returns/{id}/advance");
        let r = app
            .post_with_csrf(&c, &path, &[("state", "submitted")])
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let r = app
            .post_with_csrf(&c, &path, &[("state", "submitted")])
            .await;
        assert_eq!(r.status().as_u16(), 409);
        let r = app.post_with_csrf(&c, &path, &[("state", "checked")]).await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            app.audit(DEMO, "performance.return_approved").await.len(),
            1
        );
        assert_eq!(app.audit(DEMO, "performance.return_checked").await.len(), 1);
    }
);

safeguard_testkit::both_backends!(
    every_kind_of_bad_file_is_refused_with_a_clear_message_and_nothing_written,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let la = app.organisation_id(LA).await.to_string();
        let before = return_count(&app).await;
        let h = "indicator_code,numerator,denominator\r\n";
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (
                b"code,value\r\nCP-RATE,1\r\n".to_vec(),
                "The headings must be exactly",
            ),
            (
                format!("{h}NOPE,1,\r\nCP-RATE,1,\r\nCLA-RATE,1,\r\n").into_bytes(),
                "NOPE is not an indicator",
            ),
            (
                format!("{h}CP-RATE,ten,\r\nCLA-RATE,1,\r\n").into_bytes(),
                "is not a whole number",
            ),
            (
                format!("{h}CP-RATE,-1,\r\nCLA-RATE,1,\r\n").into_bytes(),
                "negative",
            ),
            (
                format!("{h}CP-RATE,1,\r\nCP-RATE,2,\r\nCLA-RATE,1,\r\n").into_bytes(),
                "CP-RATE appears more than once",
            ),
            (Vec::new(), "Select a CSV or Excel file"),
            (b"\xff\xfe\x00garbage".to_vec(), "not a UTF-8 CSV file"),
            (
                format!("{h}CP-RATE,=1+1,\r\nCLA-RATE,1,\r\n").into_bytes(),
                "formula",
            ),
            (
                format!("{h}CP-RATE,1,5\r\nCLA-RATE,1,\r\n").into_bytes(),
                "leave the denominator empty",
            ),
            (
                format!("{h}CP-RATE,1,\r\n").into_bytes(),
                "There is no row for CLA-RATE",
            ),
        ];
        for (csv, message) in cases {
            let csrf = app.csrf(&c).await;
            let body = multipart(&[
                ("csrf_token", None, csrf.as_bytes()),
                ("organisation_id", None, la.as_bytes()),
                ("frequency", None, b"year"),
                ("period_start", None, b"2021-04-01"),
                (
                    "file",
                    Some(if csv.is_empty() { "" } else { "r.csv" }),
                    &csv,
                ),
            ]);
            let r = post_multipart_to(&app, &c, "/performance/returns/upload", body).await;
            assert_eq!(r.status().as_u16(), 422, "{message}");
            let page = r.text().await.unwrap();
            assert!(page.contains("govuk-error-summary"), "{message}");
            assert!(page.contains(message), "{message}: {page}");
        }
        // over the size limit (checked in the service before reading)
        let a = {
            let p = app.person(ADMIN).await.unwrap();
            let partnership = app.partnership_id(DEMO).await;
            safeguard_service::Actor {
                person_id: p.id(),
                organisation_id: safeguard_domain::OrganisationId(p.organisation_id),
                partnership_id: partnership,
                roles: app.roles_of(partnership, p.id()).await,
                session_id: None,
                meta: safeguard_service::RequestMeta::default(),
            }
        };
        let key = safeguard_service::performance::ReturnKey {
            organisation_id: la.clone(),
            frequency: "year".into(),
            period_start: "2021-04-01".into(),
        };
        let big = vec![b'1'; safeguard_domain::performance::MAX_RETURN_BYTES + 1];
        let rows = safeguard_service::performance::submit_return(
            &app.svc,
            &a,
            &key,
            &safeguard_service::performance::ReturnBody::Csv("big.csv".into(), big),
        )
        .await
        .unwrap()
        .unwrap_err();
        assert!(rows[0].reason.contains("larger than 5 MB"));
        assert_eq!(return_count(&app).await, before, "nothing written");
    }
);

safeguard_testkit::both_backends!(
    a_typed_return_shows_errors_by_field_and_keeps_the_values,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let la = app.organisation_id(LA).await.to_string();
        let (status, page) = app
            .get_text(&c, &format!("/performance/returns/new?organisation_id={la}&frequency=month&period_start=2023-04-01"))
            .await;
        assert_eq!(status, 200);
        assert!(page.contains("Return for April 2023") && page.contains("name=\"n-CONTACTS\""));
        let before = return_count(&app).await;
        let fields = [
            ("organisation_id", la.as_str()),
            ("frequency", "month"),
            ("period_start", "2023-04-01"),
            ("n-CONTACTS", "a thousand"),
        ];
        let r = app
            .post_with_csrf(&c, "/performance/returns", &fields)
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(error_summary_links_to(&page, "n-CONTACTS"));
        assert!(page.contains("value=\"a thousand\""));
        assert_eq!(return_count(&app).await, before);
        // a period that has not started is refused
        let r = app
            .post_with_csrf(
                &c,
                "/performance/returns",
                &[
                    ("organisation_id", la.as_str()),
                    ("frequency", "month"),
                    ("period_start", "2030-01-01"),
                    ("n-CONTACTS", "3"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = app
            .post_with_csrf(
                &c,
                "/performance/returns",
                &[
                    ("organisation_id", la.as_str()),
                    ("frequency", "month"),
                    ("period_start", "2023-04-01"),
                    ("n-CONTACTS", "1,140"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&c, "/performance").await;
        assert!(page.contains("April 2023") && page.contains(">1,140<"));
    }
);

safeguard_testkit::both_backends!(
    the_catalogue_forms_refuse_bad_input_and_stale_edits,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let (status, page) = app.get_text(&c, "/performance/indicators/new").await;
        assert_eq!(status, 200);
        assert!(page.contains("name=\"polarity\""));
        let r = app
            .post_with_csrf(
                &c,
                "/performance/indicators",
                &[("code", "CP-RATE"), ("unit", "percentage")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(
            error_summary_links_to(&page, "name") && error_summary_links_to(&page, "denominator")
        );
        let la = app.organisation_id(LA).await.to_string();
        let good = |code: &'static str| {
            vec![
                ("code", code),
                ("name", "Re-referrals within 12 months"),
                (
                    "definition",
                    "Referrals within 12 months of a previous referral, as a share of all referrals.",
                ),
                ("numerator", "Re-referrals in the period"),
                ("denominator", "Referrals in the period"),
                ("unit", "percentage"),
                ("frequency", "quarter"),
                ("measure", "in_year"),
                ("polarity", "lower_is_better"),
                ("decimals", "1"),
                ("target", "22.0"),
                ("tolerance", "2"),
                ("source", "Children in need census"),
            ]
        };
        let mut f = good("CP-RATE");
        f.push(("organisation_id", la.as_str()));
        let r = app.post_with_csrf(&c, "/performance/indicators", &f).await;
        assert_eq!(r.status().as_u16(), 422, "duplicate code");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("CP-RATE is already in the catalogue")
        );
        let mut f = good("re-ref");
        f.push(("organisation_id", la.as_str()));
        let r = app.post_with_csrf(&c, "/performance/indicators", &f).await;
        assert_eq!(r.status().as_u16(), 303);
        let id = indicator_id(&app, "RE-REF").await;
        // the demo's four indicators and this one
        assert_eq!(
            app.audit(DEMO, "performance.indicator_create").await.len(),
            5
        );
        let (_, page) = app
            .get_text(&c, &format!("/performance/indicators/{id}/edit"))
            .await;
        assert!(page.contains("name=\"version\" value=\"1\""));
        let mut f = good("RE-REF");
        f.push(("organisation_id", la.as_str()));
        f.push(("version", "1"));
        let r = app
            .post_with_csrf(&c, &format!("/performance/indicators/{id}"), &f)
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let mut stale = good("RE-REF");
        stale[1] = ("name", "My renamed indicator");
        stale.push(("organisation_id", la.as_str()));
        stale.push(("version", "1"));
        let r = app
            .post_with_csrf(&c, &format!("/performance/indicators/{id}"), &stale)
            .await;
        assert_eq!(r.status().as_u16(), 409);
        let page = r.text().await.unwrap();
        assert!(page.contains("value=\"My renamed indicator\""));
        // a benchmark value with its publication; a bad one is 422
        let path = format!("/performance/indicators/{id}/benchmarks");
        let r = app
            .post_with_csrf(
                &c,
                &path,
                &[
                    ("series", "england"),
                    ("period_start", "2022-02-01"),
                    ("value", "x"),
                    ("publication", ""),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = app
            .post_with_csrf(
                &c,
                &path,
                &[
                    ("series", "statistical_neighbours"),
                    ("period_start", "2022-04-01"),
                    ("value", "21.5"),
                    ("publication", "LAIT 2023"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app
            .get_text(&c, &format!("/performance/indicators/{id}"))
            .await;
        assert!(
            page.contains("Statistical neighbours")
                && page.contains("LAIT 2023")
                && page.contains("21.5")
        );
        // a population estimate
        let r = app
            .post_with_csrf(
                &c,
                "/performance/place/populations",
                &[
                    ("age_band", "0-17"),
                    ("year", "20x"),
                    ("population", "-4"),
                    ("source", ""),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = app
            .post_with_csrf(
                &c,
                "/performance/place/populations",
                &[
                    ("age_band", "0-17"),
                    ("year", "2022"),
                    ("population", "44,100"),
                    ("source", "ONS mid-2022"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(app.audit(DEMO, "performance.population_add").await.len(), 3);
    }
);

safeguard_testkit::both_backends!(
    access_is_checked_and_other_partnerships_records_are_not_found,
    |backend| async move {
        let app = spawn_app(backend).await;
        add_other_admin(&app).await;
        let cp = indicator_id(&app, "CP-RATE").await;
        let p = app.signed_in(PRACTITIONER).await;
        assert_eq!(app.get(&p, "/performance").await.status().as_u16(), 403);
        let lead = app.signed_in(LEAD).await;
        assert_eq!(app.get(&lead, "/performance").await.status().as_u16(), 200);
        assert_eq!(
            app.get(&lead, "/performance/indicators/new")
                .await
                .status()
                .as_u16(),
            403
        );
        // an agency lead sends only their own organisation's return
        let la = app.organisation_id(LA).await.to_string();
        let r = app
            .post_with_csrf(
                &lead,
                "/performance/returns",
                &[
                    ("organisation_id", la.as_str()),
                    ("frequency", "month"),
                    ("period_start", "2023-04-01"),
                    ("n-CONTACTS", "3"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403);
        let other = app.signed_in(OTHER).await;
        app.switch_to(&other, "shropshire").await;
        assert_eq!(
            app.get(&other, &format!("/performance/indicators/{cp}"))
                .await
                .status()
                .as_u16(),
            404
        );
        let ret = {
            let mut pc = app.db.acquire().await.unwrap();
            safeguard_store::performance::list_returns(
                &mut pc.conn(),
                app.partnership_id(DEMO).await,
            )
            .await
            .unwrap()[0]
                .return_id
        };
        assert_eq!(
            app.get(&other, &format!("/performance/returns/{ret}"))
                .await
                .status()
                .as_u16(),
            404
        );
        let (_, page) = app.get_text(&other, "/performance").await;
        assert!(!page.contains("Children on a child protection plan"));
    }
);

safeguard_testkit::both_backends!(
    the_api_gives_the_figures_and_refuses_a_bad_return_row_by_row,
    |backend| async move {
        let app = spawn_app(backend).await;
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let r = app
            .api_get(&token, "/api/v1/performance/dashboard?as_at=2022-03-31")
            .await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        let cp = v
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["indicator"]["code"] == "CP-RATE")
            .unwrap();
        assert_eq!(cp["latest"]["value"], "50.4");
        assert_eq!(cp["latest"]["england"], "42.1");
        assert_eq!(cp["latest"]["rag"], "red");
        assert_eq!(cp["latest"]["population_year"], 2021);
        let id = cp["indicator"]["id"].as_str().unwrap().to_owned();
        let r = app
            .api_get(&token, &format!("/api/v1/performance/indicators/{id}"))
            .await;
        assert_eq!(r.status().as_u16(), 200);
        let la = app.organisation_id(LA).await.to_string();
        let before = return_count(&app).await;
        let r = raw_client()
            .post(app.url("/api/v1/performance/returns"))
            .bearer_auth(&token)
            .json(&serde_json::json!({
                "organisation_id": la, "frequency": "year", "period_start": "2022-04-01",
                "values": [
                    {"indicator_code": "CP-RATE", "numerator": "x"},
                    {"indicator_code": "CLA-RATE", "numerator": "5", "denominator": "7"}
                ]
            }))
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
        assert_eq!(fields, vec!["values[0].numerator", "values[1].denominator"]);
        assert_eq!(return_count(&app).await, before);
        // no 0-17 estimate for mid-2022: a rate cannot be computed, so the return is refused
        let r = raw_client()
            .post(app.url("/api/v1/performance/returns"))
            .bearer_auth(&token)
            .json(&serde_json::json!({
                "organisation_id": la, "frequency": "year", "period_start": "2022-04-01",
                "values": [
                    {"indicator_code": "CP-RATE", "numerator": "250"},
                    {"indicator_code": "CLA-RATE", "numerator": "455"}
                ]
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 422);
        let p: serde_json::Value = r.json().await.unwrap();
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("no 0-17 population estimate for mid-2022")
        );
        assert_eq!(return_count(&app).await, before);
        let lead = safeguard_service::tokens::issue_for_email(&app.svc, PRACTITIONER, 30)
            .await
            .unwrap();
        assert_eq!(
            app.api_get(&lead, "/api/v1/performance/indicators")
                .await
                .status()
                .as_u16(),
            403
        );
    }
);

safeguard_testkit::both_backends!(
    the_xlsx_template_downloads_and_an_unfilled_one_is_refused_row_by_row,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let la = app.organisation_id(LA).await.to_string();
        let r = app
            .get(
                &c,
                &format!("/performance/returns/template.xlsx?organisation_id={la}&frequency=year"),
            )
            .await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(header(&r, "content-type").contains("spreadsheetml"));
        let template = r.bytes().await.unwrap().to_vec();
        let before = return_count(&app).await;
        let csrf = app.csrf(&c).await;
        let body = multipart(&[
            ("csrf_token", None, csrf.as_bytes()),
            ("organisation_id", None, la.as_bytes()),
            ("frequency", None, b"year"),
            ("period_start", None, b"2021-04-01"),
            ("file", Some("template.xlsx"), &template),
        ]);
        let r = post_multipart_to(&app, &c, "/performance/returns/upload", body).await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(
            page.contains("Row 2, numerator: Enter a whole number"),
            "{page}"
        );
        assert!(page.contains("Row 3, numerator: Enter a whole number"));
        assert!(page.contains("The file has 2 problems"));
        assert_eq!(return_count(&app).await, before);
        // a damaged workbook
        let csrf = app.csrf(&c).await;
        let body = multipart(&[
            ("csrf_token", None, csrf.as_bytes()),
            ("organisation_id", None, la.as_bytes()),
            ("frequency", None, b"year"),
            ("period_start", None, b"2021-04-01"),
            ("file", Some("broken.xlsx"), &template[..template.len() / 2]),
        ]);
        let r = post_multipart_to(&app, &c, "/performance/returns/upload", body).await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("not an Excel workbook"));
        assert_eq!(return_count(&app).await, before);
    }
);
