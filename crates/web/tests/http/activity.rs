//! The activity and impact log: the month-by-month financial year (April first, March last, only the
//! year's and the partnership's entries), filters, adding and editing with validation and the version
//! check (a stale edit is refused and the person's text shown back), evidence links (another
//! partnership's file refused), CSV (parsed, with the formula guard) and XLSX (read back) exports and
//! their audit entries, refusals (403, 404) and the API.

use crate::helpers::*;
use std::io::Read;

const ADMIN: &str = "admin@safeguard.example";
const BOARD: &str = "board@safeguard.example";
const PRACTITIONER: &str = "practitioner@safeguard.example";
const OTHER: &str = "other@shropshire.example";
const DEMO: &str = "telford-wrekin";

const MONTHS: [&str; 12] = [
    "April 2022",
    "May 2022",
    "June 2022",
    "July 2022",
    "August 2022",
    "September 2022",
    "October 2022",
    "November 2022",
    "December 2022",
    "January 2023",
    "February 2023",
    "March 2023",
];

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

async fn actor(app: &TestApp, email: &str, slug: &str) -> safeguard_service::Actor {
    let p = app.person(email).await.unwrap();
    let partnership = app.partnership_id(slug).await;
    safeguard_service::Actor {
        person_id: p.id(),
        organisation_id: safeguard_domain::OrganisationId(p.organisation_id),
        partnership_id: partnership,
        roles: app.roles_of(partnership, p.id()).await,
        session_id: None,
        meta: safeguard_service::RequestMeta::default(),
    }
}

fn input(date: &str, title: &str) -> safeguard_domain::activity::EntryInput {
    safeguard_domain::activity::EntryInput {
        entry_date: date.into(),
        workstream: "Training".into(),
        title: title.into(),
        what_happened: "It happened.".into(),
        impact: "It helped.".into(),
        tags: "training".into(),
        ..Default::default()
    }
}

async fn entry_count(app: &TestApp) -> i64 {
    let mut pc = app.db.acquire().await.unwrap();
    safeguard_store::activity::count(&mut pc.conn(), app.partnership_id(DEMO).await)
        .await
        .unwrap()
}

/// The id of the demo entry with this title.
async fn demo_entry(app: &TestApp, title: &str) -> String {
    let a = actor(app, ADMIN, DEMO).await;
    let y = safeguard_service::activity::year(&app.svc, &a, 2022, &Default::default())
        .await
        .unwrap();
    y.months
        .iter()
        .flat_map(|m| &m.entries)
        .find(|e| e.entry.title == title)
        .map(|e| e.entry.activity_entry_id.to_string())
        .unwrap_or_else(|| panic!("{title} is a demo entry"))
}

/// A minimal RFC 4180 parser (quoted cells, doubled quotes, CRLF records).
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
    assert!(!quoted, "unterminated quote");
    assert!(
        cell.is_empty() && row.is_empty(),
        "last record ends with CRLF"
    );
    rows
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut f = z.by_name(name).unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

safeguard_testkit::both_backends!(
    the_year_reads_month_by_month_like_the_report,
    |backend| async move {
        let app = spawn_app(backend).await;
        add_other_admin(&app).await;
        // Entries outside the year, and one of the other partnership in the year, do not show.
        let a = actor(&app, ADMIN, DEMO).await;
        safeguard_service::activity::create(&app.svc, &a, &input("2022-03-31", "Last year's"))
            .await
            .unwrap();
        safeguard_service::activity::create(&app.svc, &a, &input("2023-04-01", "Next year's"))
            .await
            .unwrap();
        let o = actor(&app, OTHER, "shropshire").await;
        safeguard_service::activity::create(&app.svc, &o, &input("2022-06-10", "Shropshire's"))
            .await
            .unwrap();

        let admin = app.signed_in(ADMIN).await;
        let (status, page) = app.get_text(&admin, "/activity?year=2022").await;
        assert_eq!(status, 200);
        assert!(page.contains("Activity and impact log"));
        assert!(page.contains("April 2022 to March 2023"));
        assert!(page.contains("12 entries this year"));
        // Twelve month headings in financial-year order, April first and March last.
        let positions: Vec<usize> = MONTHS
            .iter()
            .map(|m| {
                page.find(&format!("\">{m}</h2>"))
                    .unwrap_or_else(|| panic!("{m} heading"))
            })
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
        // Each seed entry sits under its month.
        let under = |title: &str, month: usize| {
            let at = page.find(title).unwrap_or_else(|| panic!("{title}"));
            assert!(at > positions[month], "{title} after {}", MONTHS[month]);
            if let Some(next) = positions.get(month + 1) {
                assert!(at < *next, "{title} before {}", MONTHS[month + 1]);
            }
        };
        under("Non-Accidental Injury learning event", 0);
        under("Thematic review of neglect (joint CSPR)", 1);
        under(
            "Independent Inquiry into Telford Child Sexual Exploitation",
            3,
        );
        under("Mock Joint Targeted Area Inspection", 4);
        under("Voice of the Child", 6);
        under(
            "CSE Awareness Day and revised Threshold of Need guidance",
            11,
        );
        assert!(
            page.contains(
                "<strong>Safeguarding impact:</strong> Professionals are better equipped"
            )
        );
        assert!(page.contains("Quality, Performance and Operations sub-group"));
        for absent in [
            "Last year&#39;s",
            "Last year's",
            "Next year's",
            "Shropshire's",
        ] {
            assert!(!page.contains(absent), "{absent}");
        }
        // The navigation has the log; the administrator may add.
        assert!(page.contains("href=\"/activity\""));
        assert!(page.contains("Add an entry"));

        // Another year: every month says it is empty.
        let (_, empty) = app.get_text(&admin, "/activity?year=2019").await;
        assert!(empty.contains("No activity recorded for April 2019."));
        assert!(empty.contains("No activity recorded for March 2020."));
        assert!(empty.contains("0 entries this year"));
        // The year picker offers the years with entries.
        let years = select_options(&page, "year");
        assert!(
            years.iter().any(|(v, t)| v == "2022" && t == "2022-23"),
            "{years:?}"
        );
        // A bad year is a 400, not a 500.
        let (status, _) = app.get_text(&admin, "/activity?year=abc").await;
        assert_eq!(status, 400);

        // Filters: by tag, and by body.
        let (_, neglect) = app
            .get_text(&admin, "/activity?year=2022&tag=neglect")
            .await;
        assert!(neglect.contains("Thematic review of neglect"));
        assert!(neglect.contains("Work on neglect"));
        assert!(!neglect.contains("Mock Joint Targeted Area Inspection"));
        assert!(neglect.contains("No activity recorded for April 2022 that matches the filters."));
        let bodies = select_options(&page, "body");
        let qpo = bodies
            .iter()
            .find(|(_, t)| t == "Quality, Performance and Operations sub-group")
            .map(|(v, _)| v.clone())
            .unwrap();
        let (_, by_body) = app
            .get_text(&admin, &format!("/activity?year=2022&body={qpo}"))
            .await;
        assert!(by_body.contains("2 entries match the filters"));
        assert!(by_body.contains("Mock Joint Targeted Area Inspection"));
        assert!(by_body.contains("Multi-Agency Case File Audit"));
        assert!(!by_body.contains("Voice of the Child</a>"));
    }
);

safeguard_testkit::both_backends!(
    adding_and_editing_validate_and_refuse_a_stale_edit,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let (status, form) = app.get_text(&admin, "/activity/new").await;
        assert_eq!(status, 200);
        for label in [
            "Add an activity entry",
            "for=\"entry_date\"",
            "for=\"body_id\"",
            "for=\"workstream\"",
            "for=\"title\"",
            "for=\"what_happened\"",
            "for=\"impact\"",
            "for=\"tags\"",
            "Add entry",
        ] {
            assert!(form.contains(label), "{label}");
        }
        let csrf = csrf_of(&form);
        let before = (
            entry_count(&app).await,
            app.audit(DEMO, "activity.").await.len(),
        );
        let r = app
            .post_form(
                &admin,
                "/activity",
                &[
                    ("csrf_token", &csrf),
                    ("entry_date", "2022-02-30"),
                    ("body_id", ""),
                    ("workstream", ""),
                    ("title", ""),
                    ("what_happened", ""),
                    ("impact", ""),
                    ("tags", "ok, not/ok"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        for field in [
            "entry_date",
            "body_id",
            "title",
            "what_happened",
            "impact",
            "tags",
        ] {
            assert!(error_summary_links_to(&page, field), "{field}");
        }
        assert!(page.contains("Date must be a real date"));
        assert!(page.contains("Select the board or sub-group, or enter the workstream"));
        assert!(page.contains("Enter the safeguarding impact"));
        assert_eq!(
            (
                entry_count(&app).await,
                app.audit(DEMO, "activity.").await.len()
            ),
            before
        );

        let neglect = select_options(&form, "body_id")
            .into_iter()
            .find(|(_, t)| t == "Neglect sub-group")
            .map(|(v, _)| v)
            .unwrap();
        let r = app
            .post_form(
                &admin,
                "/activity",
                &[
                    ("csrf_token", &csrf),
                    ("entry_date", "2026-11-20"),
                    ("body_id", &neglect),
                    ("workstream", ""),
                    ("title", "Neglect toolkit relaunched"),
                    (
                        "what_happened",
                        "The toolkit was relaunched.\n\nSixty people came.",
                    ),
                    ("impact", "Practitioners use one toolkit."),
                    ("tags", "Neglect, Tool Kit"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let to = location(&r);
        assert!(to.ends_with("?notice=activity-added"), "{to}");
        let id = to
            .trim_start_matches("/activity/")
            .trim_end_matches("?notice=activity-added")
            .to_owned();
        let (_, show) = app.get_text(&admin, &to).await;
        for s in [
            "Entry added to the activity log.",
            "Neglect toolkit relaunched",
            "Neglect sub-group",
            "20 November 2026",
            "neglect, tool-kit",
            "<p class=\"govuk-body\">Sixty people came.</p>",
            "Edit this entry",
        ] {
            assert!(show.contains(s), "{s}");
        }
        // The current financial year is the default.
        let (_, year) = app.get_text(&admin, "/activity").await;
        assert!(year.contains("Neglect toolkit relaunched"));
        assert!(year.contains("April 2026 to March 2027"));

        // Two people open the edit form at version 1; the first save wins, the second is refused
        // with its text shown back, and nothing of the first is lost.
        let (status, edit) = app.get_text(&admin, &format!("/activity/{id}/edit")).await;
        assert_eq!(status, 200);
        assert!(edit.contains("name=\"version\" value=\"1\""));
        assert!(edit.contains("Save changes"));
        let fields = |title: &'static str, version: &'static str| {
            vec![
                ("csrf_token", csrf.clone()),
                ("entry_date", "2026-11-20".to_owned()),
                ("body_id", neglect.clone()),
                ("workstream", String::new()),
                ("title", title.to_owned()),
                ("what_happened", "The toolkit was relaunched.".to_owned()),
                ("impact", "Practitioners use one toolkit.".to_owned()),
                ("tags", "neglect".to_owned()),
                ("version", version.to_owned()),
            ]
        };
        let post = |f: Vec<(&'static str, String)>| {
            let c = admin.clone();
            let url = app.url(&format!("/activity/{id}"));
            let base = app.base.clone();
            async move {
                c.post(url)
                    .header("Origin", base)
                    .header("Sec-Fetch-Site", "same-origin")
                    .form(&f)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let r = post(fields("First editor's title", "1")).await;
        assert_eq!(r.status().as_u16(), 303);
        assert!(location(&r).ends_with("?notice=activity-saved"));
        let r = post(fields("Second editor's title", "1")).await;
        assert_eq!(r.status().as_u16(), 409);
        let page = r.text().await.unwrap();
        assert!(page.contains("Someone else changed this entry while you were editing it"));
        assert!(
            page.contains("Second editor&#39;s title")
                || page.contains("Second editor&#x27;s title")
        );
        assert!(page.contains("name=\"version\" value=\"2\""));
        let a = actor(&app, ADMIN, DEMO).await;
        let v = safeguard_service::activity::get(&app.svc, &a, id.parse().unwrap())
            .await
            .unwrap();
        assert_eq!(v.entry.title, "First editor's title");
        assert_eq!(v.entry.version, 2);
        assert_eq!(v.tags, ["neglect"]);
        // The edit is audited with before and after.
        let e = &app.audit(DEMO, "activity.update").await[0];
        assert!(
            e.before_json
                .as_deref()
                .unwrap()
                .contains("Neglect toolkit relaunched")
        );
        assert!(
            e.after_json
                .as_deref()
                .unwrap()
                .contains("First editor's title")
        );
        // A bad edit is refused field by field.
        let mut bad = fields("", "2");
        bad.retain(|(k, _)| *k != "impact");
        let r = post(bad).await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(error_summary_links_to(&page, "title"));
        assert!(error_summary_links_to(&page, "impact"));
    }
);

safeguard_testkit::both_backends!(
    evidence_links_stay_in_the_partnership,
    |backend| async move {
        let app = spawn_app(backend).await;
        add_other_admin(&app).await;
        let a = actor(&app, ADMIN, DEMO).await;
        let upload = |actor: safeguard_service::Actor, name: &'static str| {
            let svc = app.svc.clone();
            async move {
                safeguard_service::files::upload(
                    &svc,
                    &actor,
                    safeguard_service::files::UploadInput {
                        name,
                        bytes: b"%PDF-1.4\n%%EOF\n",
                        description: None,
                        board_only: false,
                        attached_to: None,
                    },
                )
                .await
                .unwrap()
                .file_id
                .to_string()
            }
        };
        let ours = upload(a.clone(), "inquiry-report.pdf").await;
        let theirs = upload(actor(&app, OTHER, "shropshire").await, "theirs.pdf").await;
        let id = demo_entry(&app, "Voice of the Child").await;
        let admin = app.signed_in(ADMIN).await;
        let (_, page) = app.get_text(&admin, &format!("/activity/{id}")).await;
        assert!(page.contains("No evidence is linked yet."));
        for s in [
            "for=\"evidence\"",
            "for=\"url\"",
            "for=\"label\"",
            "Add evidence link",
        ] {
            assert!(page.contains(s), "{s}");
        }
        let offered = select_options(&page, "evidence");
        assert!(offered.iter().any(|(v, _)| *v == format!("file:{ours}")));
        assert!(!offered.iter().any(|(v, _)| v.contains(&theirs)));
        let csrf = csrf_of(&page);
        let path = format!("/activity/{id}/links");
        let link = |evidence: String, url: &'static str| {
            let fields = vec![
                ("csrf_token", csrf.clone()),
                ("evidence", evidence),
                ("url", url.to_owned()),
                ("label", String::new()),
            ];
            let c = admin.clone();
            let u = app.url(&path);
            let base = app.base.clone();
            async move {
                c.post(u)
                    .header("Origin", base)
                    .header("Sec-Fetch-Site", "same-origin")
                    .form(&fields)
                    .send()
                    .await
                    .unwrap()
            }
        };
        // Another partnership's file is refused as if it did not exist.
        let r = link(format!("file:{theirs}"), "").await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(body.contains("Select a document of this partnership"));
        assert!(error_summary_links_to(&body, "evidence"));
        let r = link(String::new(), "http://example.org/report").await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("must start https://"));
        let r = link(String::new(), "").await;
        assert_eq!(r.status().as_u16(), 422);
        let r = link(format!("meeting:{}", uuid::Uuid::new_v4()), "").await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(app.audit(DEMO, "activity.link").await.is_empty());
        // Our file and a web page are accepted.
        let r = link(format!("file:{ours}"), "").await;
        assert_eq!(r.status().as_u16(), 303);
        let r = link(
            String::new(),
            "https://www.telfordsafeguardingpartnership.org.uk/",
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        // A meeting of this partnership (from the demo) is accepted and links to its page.
        let meeting = {
            let p = app.partnership_id(DEMO).await;
            let mut pc = app.db.acquire().await.unwrap();
            safeguard_store::governance::recent_meetings(&mut pc.conn(), p, 1)
                .await
                .unwrap()[0]
                .meeting_id
        };
        let r = link(format!("meeting:{meeting}"), "").await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&admin, &format!("/activity/{id}")).await;
        assert!(page.contains(&format!("href=\"/files/{ours}\">inquiry-report.pdf</a>")));
        assert!(
            page.contains(&format!("href=\"/meetings/{meeting}\"")),
            "meeting link shown"
        );
        assert!(page.contains("Web page: <a class=\"govuk-link\" href=\"https://www.telfordsafeguardingpartnership.org.uk/\""));
        let (_, year) = app.get_text(&admin, "/activity?year=2022").await;
        assert!(year.contains("inquiry-report.pdf"));
        // Removing a link keeps its record.
        let v = safeguard_service::activity::get(&app.svc, &a, id.parse().unwrap())
            .await
            .unwrap();
        let first = v
            .links
            .iter()
            .find(|l| l.target_type == "file")
            .unwrap()
            .activity_link_id;
        let r = app
            .post_with_csrf(&admin, &format!("/activity/{id}/links/{first}/remove"), &[])
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, page) = app.get_text(&admin, &location(&r)).await;
        assert!(page.contains("Evidence link removed."));
        assert!(!page.contains(&format!("href=\"/files/{ours}\"")));
        let again = app
            .post_with_csrf(&admin, &format!("/activity/{id}/links/{first}/remove"), &[])
            .await;
        assert_eq!(again.status().as_u16(), 404);
        assert_eq!(app.audit(DEMO, "activity.link_add").await.len(), 3);
        let removed = &app.audit(DEMO, "activity.link_remove").await[0];
        assert!(
            removed
                .before_json
                .as_deref()
                .unwrap()
                .contains("inquiry-report.pdf")
        );
    }
);

safeguard_testkit::both_backends!(
    exports_are_parseable_guarded_and_audited,
    |backend| async move {
        let app = spawn_app(backend).await;
        let a = actor(&app, ADMIN, DEMO).await;
        let mut evil = input(
            "2022-04-20",
            "=HYPERLINK(\"https://evil.example\",\"click\")",
        );
        evil.what_happened = "+1, \"quoted\"\nsecond line".into();
        evil.impact = "@SUM(A1)".into();
        safeguard_service::activity::create(&app.svc, &a, &evil)
            .await
            .unwrap();
        let board = app.signed_in(BOARD).await;
        let r = app.get(&board, "/activity/export.csv?year=2022").await;
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(header(&r, "content-type"), "text/csv; charset=utf-8");
        assert!(header(&r, "content-disposition").contains("filename=\"activity-2022-23.csv\""));
        let bytes = r.bytes().await.unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "a byte-order mark, so Excel reads UTF-8"
        );
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let rows = parse_csv(text);
        assert_eq!(rows.len(), 14);
        assert_eq!(
            rows[0],
            [
                "Date",
                "Month",
                "Board, sub-group or workstream",
                "Title",
                "What happened",
                "Safeguarding impact",
                "Tags",
                "Evidence"
            ]
        );
        assert!(rows.iter().all(|r| r.len() == 8));
        assert_eq!(rows[1][0], "2022-04-14");
        assert_eq!(rows[1][1], "April 2022");
        assert_eq!(rows[1][3], "Non-Accidental Injury learning event");
        assert_eq!(rows[13][0], "2023-03-15");
        let e = rows.iter().find(|r| r[0] == "2022-04-20").unwrap();
        assert_eq!(e[3], "'=HYPERLINK(\"https://evil.example\",\"click\")");
        assert_eq!(e[4], "'+1, \"quoted\"\nsecond line");
        assert_eq!(e[5], "'@SUM(A1)");
        // Filters apply to the export too.
        let (_, cse) = app
            .get_text(&board, "/activity/export.csv?year=2022&tag=cse")
            .await;
        assert_eq!(parse_csv(&cse).len(), 1 + 3);

        let r = app.get(&board, "/activity/export.xlsx?year=2022").await;
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(
            header(&r, "content-type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(header(&r, "content-disposition").contains("activity-2022-23.xlsx"));
        let bytes = r.bytes().await.unwrap();
        let sheet = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
        let strings = zip_entry(&bytes, "xl/sharedStrings.xml");
        let workbook = zip_entry(&bytes, "xl/workbook.xml");
        let styles = zip_entry(&bytes, "xl/styles.xml");
        assert!(workbook.contains("name=\"Activity 2022-23\""));
        for s in [
            "Safeguarding impact",
            "Non-Accidental Injury learning event",
            "Professionals are better equipped",
            "=HYPERLINK(",
        ] {
            assert!(strings.contains(s), "{s}");
        }
        // 14 April 2022 is a real date (serial 44665), not text; headings bold; text wrapped;
        // columns sized; the header row frozen.
        assert!(sheet.contains("<c r=\"A2\" s=\""));
        assert!(sheet.contains("<v>44665</v>"));
        assert!(!sheet.contains("<f>"), "no formula cells");
        assert!(styles.contains("<b/>"));
        assert!(styles.contains("wrapText=\"1\""));
        assert!(styles.contains("d mmmm yyyy"));
        assert!(sheet.contains("<col "));
        assert!(sheet.contains("state=\"frozen\""));
        assert!(sheet.contains("<row r=\"14\""));

        // Each download is audited (data leaving the system).
        let audit = app.audit(DEMO, "activity.export").await;
        assert_eq!(audit.len(), 3);
        assert!(audit.iter().any(|e| {
            e.after_json
                .as_deref()
                .unwrap()
                .contains("\"format\":\"xlsx\"")
        }));
        assert_eq!(audit[0].target_id.as_deref(), Some("2022-23"));
    }
);

safeguard_testkit::both_backends!(refusals_by_role_and_partnership, |backend| async move {
    let app = spawn_app(backend).await;
    add_other_admin(&app).await;
    let id = demo_entry(&app, "Mock Joint Targeted Area Inspection").await;
    // A practitioner may not read the log.
    let p = app.signed_in(PRACTITIONER).await;
    for path in [
        "/activity",
        "/activity/export.csv?year=2022",
        &format!("/activity/{id}"),
    ] {
        assert_eq!(app.get(&p, path).await.status().as_u16(), 403, "{path}");
    }
    let (_, home) = app.get_text(&p, "/").await;
    assert!(!home.contains("href=\"/activity\""));
    // A board member reads but does not change.
    let b = app.signed_in(BOARD).await;
    let (status, page) = app.get_text(&b, "/activity?year=2022").await;
    assert_eq!(status, 200);
    assert!(!page.contains("Add an entry"));
    let (status, show) = app.get_text(&b, &format!("/activity/{id}")).await;
    assert_eq!(status, 200);
    assert!(!show.contains("Add evidence link"));
    assert!(!show.contains("Edit this entry"));
    assert_eq!(app.get(&b, "/activity/new").await.status().as_u16(), 403);
    assert_eq!(
        app.get(&b, &format!("/activity/{id}/edit"))
            .await
            .status()
            .as_u16(),
        403
    );
    let r = app.post_with_csrf(&b, "/activity", &[("title", "x")]).await;
    assert_eq!(r.status().as_u16(), 403);
    // Another partnership's administrator: the entry does not exist for them.
    let o = app.signed_in(OTHER).await;
    for path in [format!("/activity/{id}"), format!("/activity/{id}/edit")] {
        assert_eq!(app.get(&o, &path).await.status().as_u16(), 404, "{path}");
    }
    let r = app
        .post_with_csrf(
            &o,
            &format!("/activity/{id}"),
            &[("title", "x"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let r = app
        .post_with_csrf(
            &o,
            &format!("/activity/{id}/links"),
            &[("url", "https://x.example/")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let (_, theirs) = app.get_text(&o, "/activity?year=2022").await;
    assert!(theirs.contains("0 entries this year"));
    let token = safeguard_service::tokens::issue_for_email(&app.svc, OTHER, 30)
        .await
        .unwrap();
    let r = app.api_get(&token, &format!("/api/v1/activity/{id}")).await;
    assert_eq!(r.status().as_u16(), 404);
    let (_, csv) = app.get_text(&o, "/activity/export.csv?year=2022").await;
    assert_eq!(parse_csv(&csv).len(), 1);
    assert_eq!(
        app.get(&o, "/activity/not-a-uuid").await.status().as_u16(),
        404
    );
});

safeguard_testkit::both_backends!(
    the_api_lists_creates_edits_and_links,
    |backend| async move {
        let app = spawn_app(backend).await;
        let token = safeguard_service::tokens::issue_for_email(&app.svc, ADMIN, 30)
            .await
            .unwrap();
        let send = |method: reqwest::Method, path: String, body: serde_json::Value| {
            let token = token.clone();
            let url = app.url(&path);
            async move {
                raw_client()
                    .request(method, url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let r = app.api_get(&token, "/api/v1/activity?year=2022").await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["label"], "2022-23");
        assert_eq!(v["total"], 12);
        let months = v["months"].as_array().unwrap();
        assert_eq!(months.len(), 12);
        assert_eq!(months[0]["month"], "2022-04");
        assert_eq!(months[0]["label"], "April 2022");
        assert_eq!(months[11]["month"], "2023-03");
        assert_eq!(
            months[0]["entries"][0]["title"],
            "Non-Accidental Injury learning event"
        );
        let r = app
            .api_get(&token, "/api/v1/activity?year=2022&tag=voice-of-child")
            .await;
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["total"], 1);
        let r = app
            .api_get(&token, "/api/v1/activity?year=2022&tag=bad%2Ftag")
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = app.api_get(&token, "/api/v1/activity?year=1999").await;
        assert_eq!(r.status().as_u16(), 422);

        let r = send(
            reqwest::Method::POST,
            "/api/v1/activity".into(),
            serde_json::json!({"entry_date": "2022-13-01", "title": "", "what_happened": "", "impact": ""}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(header(&r, "content-type").starts_with("application/problem+json"));
        let r = send(
            reqwest::Method::POST,
            "/api/v1/activity".into(),
            serde_json::json!({"entry_date": "2022-07-01", "workstream": "Scripts", "title": "From a script",
                "what_happened": "Imported.", "impact": "None yet.", "tags": ["Audit", "audit", "cse"]}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        let id = v["id"].as_str().unwrap().to_owned();
        assert_eq!(v["tags"], serde_json::json!(["audit", "cse"]));
        assert_eq!(v["version"], 1);
        let edit = |version: i64, title: &str| {
            serde_json::json!({"entry_date": "2022-07-01", "workstream": "Scripts", "title": title,
                "what_happened": "Imported.", "impact": "Some.", "version": version})
        };
        let r = send(
            reqwest::Method::PUT,
            format!("/api/v1/activity/{id}"),
            edit(1, "Edited"),
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["version"], 2);
        assert_eq!(v["tags"], serde_json::json!([]));
        let r = send(
            reqwest::Method::PUT,
            format!("/api/v1/activity/{id}"),
            edit(1, "Stale"),
        )
        .await;
        assert_eq!(r.status().as_u16(), 409);
        let r = app.api_get(&token, &format!("/api/v1/activity/{id}")).await;
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["title"], "Edited");

        // Link an action of the partnership; an unknown one is refused.
        let mut pc = app.db.acquire().await.unwrap();
        let (actions, _) = safeguard_store::actions::list(
            &mut pc.conn(),
            app.partnership_id(DEMO).await,
            &Default::default(),
            safeguard_domain::actions::uk_date(app.svc.now()),
            1,
            0,
        )
        .await
        .unwrap();
        drop(pc);
        let action = actions[0].action_id;
        let r = send(
            reqwest::Method::POST,
            format!("/api/v1/activity/{id}/links"),
            serde_json::json!({"target_type": "action", "target_id": uuid::Uuid::new_v4().to_string()}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        let r = send(
            reqwest::Method::POST,
            format!("/api/v1/activity/{id}/links"),
            serde_json::json!({"target_type": "action", "target_id": action.to_string()}),
        )
        .await;
        assert_eq!(r.status().as_u16(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["links"][0]["target_type"], "action");
        assert_eq!(v["links"][0]["label"], actions[0].title.as_str());

        // The document describes the routes.
        let r = app.get(&client(), "/api/openapi.json").await;
        let doc: serde_json::Value = r.json().await.unwrap();
        for p in [
            "/api/v1/activity",
            "/api/v1/activity/{id}",
            "/api/v1/activity/{id}/links",
        ] {
            assert!(doc["paths"][p].is_object(), "{p}");
        }
        assert!(doc["paths"]["/api/v1/activity/{id}"]["put"].is_object());
    }
);

safeguard_testkit::both_backends!(the_demo_loads_the_year_once, |backend| async move {
    let app = spawn_app(backend).await;
    assert_eq!(entry_count(&app).await, 12);
    safeguard_service::demo::load(&app.svc, Some(PASSWORD))
        .await
        .unwrap();
    assert_eq!(entry_count(&app).await, 12);
    let admin = app.signed_in(ADMIN).await;
    let (_, page) = app.get_text(&admin, "/activity?year=2022").await;
    for m in MONTHS {
        assert!(
            !page.contains(&format!("No activity recorded for {m}")),
            "{m}"
        );
    }
});
