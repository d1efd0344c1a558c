//! The command line, run as a user would: the real binary against a temporary SQLite database.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const PASSWORD: &str = "correct horse battery staple";

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("safeguard-cli-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(db: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_safeguard"));
    cmd.args(args)
        .env("SAFEGUARD_DATABASE_URL", db)
        .env("SAFEGUARD_DEMO_PASSWORD", PASSWORD)
        .env_remove("SAFEGUARD_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn every_command_has_help() {
    let db = "sqlite://unused.db";
    let top = run(db, &["--help"], None);
    assert!(top.status.success());
    for c in [
        "serve", "migrate", "demo", "user", "audit", "token", "calendar", "backup", "restore",
        "generate",
    ] {
        assert!(text(&top).contains(c), "--help lists {c}");
        let o = run(db, &[c, "--help"], None);
        assert!(o.status.success(), "{c} --help: {}", text(&o));
    }
    for sub in [
        ["user", "add"],
        ["user", "disable"],
        ["user", "reset-password"],
        ["audit", "verify"],
        ["token", "issue"],
        ["calendar", "add-working-days"],
        ["calendar", "working-days-between"],
        ["calendar", "import"],
    ] {
        let o = run(db, &[sub[0], sub[1], "--help"], None);
        assert!(o.status.success(), "{sub:?} --help");
    }
}

#[test]
fn unknown_database_schemes_and_bad_settings_are_refused_with_what_to_fix() {
    let o = run("mysql://root@localhost/x", &["migrate"], None);
    assert_eq!(o.status.code(), Some(2));
    let t = text(&o);
    assert!(
        t.contains("SAFEGUARD_DATABASE_URL") && t.contains("mysql"),
        "{t}"
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_safeguard"));
    let o = cmd
        .arg("migrate")
        .env("SAFEGUARD_DATABASE_URL", "sqlite://x.db")
        .env("SAFEGUARD_BIND", "not-an-address")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("SAFEGUARD_BIND"), "{}", text(&o));
}

#[test]
fn people_tokens_and_the_audit_chain_from_the_command_line() {
    let d = dir();
    let db = format!("sqlite://{}", d.join("s.db").display());
    let o = run(&db, &["demo"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("admin@safeguard.example"));
    // Loading again is idempotent and prints no passwords.
    let o = run(&db, &["demo"], None);
    assert!(o.status.success());
    assert!(!text(&o).contains(PASSWORD));

    let add = [
        "user",
        "add",
        "--email",
        "new.person@example.org",
        "--name",
        "New Person",
        "--organisation",
        "West Mercia Police",
        "--partnership",
        "telford-wrekin",
        "--role",
        "agency_lead",
    ];
    let o = run(&db, &add, Some("password"));
    assert!(!o.status.success(), "a weak password is refused");
    assert!(
        text(&o).contains("Password must be 12 characters or more"),
        "{}",
        text(&o)
    );
    let o = run(&db, &add, Some("purple tractor sunrise meadow\n"));
    assert!(o.status.success(), "{}", text(&o));
    let o = run(
        &db,
        &[
            "user",
            "reset-password",
            "--email",
            "new.person@example.org",
        ],
        Some("another long passphrase here"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = run(
        &db,
        &["token", "issue", "--email", "new.person@example.org"],
        None,
    );
    assert!(o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .trim()
            .starts_with("sgt_")
    );
    let o = run(
        &db,
        &["user", "disable", "--email", "new.person@example.org"],
        None,
    );
    assert!(o.status.success());
    let o = run(
        &db,
        &["user", "disable", "--email", "nobody@example.org"],
        None,
    );
    assert!(!o.status.success());

    let o = run(&db, &["audit", "verify"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("chains intact"));
}

#[tokio::test]
async fn audit_verify_names_the_first_broken_link_after_tampering() {
    let d = dir();
    let path = d.join("t.db");
    let db = format!("sqlite://{}", path.display());
    assert!(run(&db, &["demo"], None).status.success());
    let o = run(&db, &["audit", "verify"], None);
    assert!(o.status.success(), "{}", text(&o));

    // Someone with direct access to the file edits entry 3 of the demo partnership's chain.
    let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
    sqlx::query("drop trigger audit_entry_no_update")
        .execute(&pool)
        .await
        .unwrap();
    let chain: String = sqlx::query_scalar(
        "select chain from audit_chain where chain <> 'platform' order by head_seq desc limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query("update audit_entry set target_id = 'someone else' where chain = $1 and seq = 3")
        .bind(&chain)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    let o = run(&db, &["audit", "verify"], None);
    assert!(!o.status.success(), "verify must fail");
    let t = text(&o);
    assert!(
        t.contains(&format!("chain {chain}: first broken link at entry 3")),
        "{t}"
    );
}

#[tokio::test]
async fn backup_and_restore_round_trip() {
    let d = dir();
    let db = format!("sqlite://{}", d.join("live.db").display());
    assert!(run(&db, &["demo"], None).status.success());
    let backup = d.join("backup.db");
    let o = run(&db, &["backup", backup.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("integrity check ok"));
    let o = run(&db, &["backup", backup.to_str().unwrap()], None);
    assert!(!o.status.success(), "an existing file is never overwritten");

    // Restore into a fresh database file and check the data and the audit chains.
    let restored = format!("sqlite://{}", d.join("restored.db").display());
    let o = run(&restored, &["restore", backup.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("0 broken"), "{}", text(&o));
    let pool = sqlx::SqlitePool::connect(&restored).await.unwrap();
    let n: i64 = sqlx::query_scalar("select count(*) from person")
        .fetch_one(&pool)
        .await
        .unwrap();
    // The demo's people and the two extra lived-experience consultants of the tracker's demo.
    assert_eq!(n, 11);
    let restored_entries: i64 = sqlx::query_scalar(
        "select count(*) from audit_entry where action = 'platform.restored_from_backup'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(restored_entries, 1);
    pool.close().await;

    // A file that is not a database is refused.
    let junk = d.join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    let o = run(&restored, &["restore", junk.to_str().unwrap()], None);
    assert!(!o.status.success());
}

#[tokio::test]
async fn generate_gives_the_same_content_for_the_same_seed() {
    let d = dir();
    let args = [
        "generate",
        "--partnerships",
        "2",
        "--years",
        "1",
        "--seed",
        "7",
        "--people",
        "5",
        "--entries-per-year",
        "20",
    ];
    let mut snapshots = Vec::new();
    for name in ["a.db", "b.db"] {
        let url = format!("sqlite://{}", d.join(name).display());
        let o = run(&url, &args, None);
        assert!(o.status.success(), "{}", text(&o));
        assert!(
            text(&o).contains("generated 2 partnerships, 10 people, 40 audit entries"),
            "{}",
            text(&o)
        );
        assert!(run(&url, &["audit", "verify"], None).status.success());
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let people: Vec<(String, String, String)> = sqlx::query_as(
            "select p.email, p.name, g.role from person p join role_grant g on g.person_id = p.person_id order by p.email, g.role",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let audit: Vec<(String, String, String)> =
            sqlx::query_as("select action, at, hash from audit_entry order by at, action")
                .fetch_all(&pool)
                .await
                .unwrap();
        // The activity log: 2 to 4 entries in each month of the generated year, tagged, the same
        // for the same seed.
        let activity: Vec<(String, String, String, String)> = sqlx::query_as(
            "select e.entry_date, e.title, e.workstream, coalesce((select group_concat(t.tag, ',') from \
             (select tag from activity_tag t where t.activity_entry_id = e.activity_entry_id order by tag) t), '') \
             from activity_entry e order by e.entry_date, e.title, e.workstream",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let per_month: Vec<(String, i64)> = sqlx::query_as(
            "select substr(entry_date, 1, 7) as m, count(*) from activity_entry group by partnership_id, m",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(per_month.len(), 2 * 12, "{per_month:?}");
        assert!(
            per_month.iter().all(|(_, n)| (2..=4).contains(n)),
            "{per_month:?}"
        );
        assert!(activity.iter().all(|a| !a.3.is_empty()));
        pool.close().await;
        snapshots.push((
            people,
            audit
                .into_iter()
                .map(|(a, t, _)| (a, t))
                .collect::<Vec<_>>(),
            activity,
        ));
    }
    assert_eq!(snapshots[0], snapshots[1]);
    let o = run(
        &format!("sqlite://{}", d.join("c.db").display()),
        &[
            "generate",
            "--partnerships",
            "2",
            "--years",
            "1",
            "--seed",
            "8",
            "--people",
            "5",
            "--entries-per-year",
            "20",
        ],
        None,
    );
    assert!(o.status.success());
}

#[test]
fn calendar_commands_print_dates_counts_and_the_import_report() {
    let d = dir();
    let db = format!("sqlite://{}", d.join("cal.db").display());
    // Day 0 is Monday 2 January 2023 (a bank holiday); day 5 is Monday 9 January. Only the date is
    // printed on standard output.
    let o = run(
        &db,
        &["calendar", "add-working-days", "2023-01-02", "5"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "2023-01-09\n");
    let o = run(
        &db,
        &[
            "calendar",
            "working-days-between",
            "2023-04-06",
            "2023-05-02",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "15\n");
    for bad in [
        ["2023-02-30", "1"],
        ["2041-01-01", "1"],
        ["yesterday", "1"],
        ["2023-01-02", "-1"],
        ["2023-01-02", "1001"],
    ] {
        let o = run(&db, &["calendar", "add-working-days", bad[0], bad[1]], None);
        assert!(!o.status.success(), "{bad:?} accepted");
        assert!(o.stdout.is_empty(), "{bad:?}");
        assert!(text(&o).contains("must"), "{bad:?}: {}", text(&o));
    }
    // An import adds the one-off day and reports the computed days the file lacks.
    let file = d.join("bank-holidays.json");
    std::fs::write(
        &file,
        r#"{"england-and-wales": {"division": "england-and-wales", "events": [
            {"title": "New Year’s Day", "date": "2031-01-01", "notes": "", "bunting": true},
            {"title": "A one-off", "date": "2031-03-03", "notes": "", "bunting": true},
            {"title": "Christmas Day", "date": "2031-12-25", "notes": "", "bunting": true}]},
            "scotland": {"division": "scotland", "events": []}}"#,
    )
    .unwrap();
    let o = run(&db, &["calendar", "import", file.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("confirmed: 2"), "{out}");
    assert!(out.contains("added 2031-03-03 A one-off"), "{out}");
    assert!(
        out.contains("not in the file 2031-04-11 Good Friday"),
        "{out}"
    );
    let o = run(
        &db,
        &["calendar", "add-working-days", "2031-02-28", "1"],
        None,
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout), "2031-03-04\n");
    std::fs::write(&file, "[1, 2]").unwrap();
    let o = run(&db, &["calendar", "import", file.to_str().unwrap()], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("england-and-wales"), "{}", text(&o));
}

async fn count(db: &str, sql: &str) -> i64 {
    let pool = sqlx::SqlitePool::connect(db).await.unwrap();
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    n
}

fn import_args<'a>(file: &'a str, period: &'a str, who: &'a str) -> Vec<&'a str> {
    vec![
        "import",
        "indicators",
        file,
        "--partnership",
        "telford-wrekin",
        "--agency",
        "Telford & Wrekin Council",
        "--frequency",
        "year",
        "--period",
        period,
        "--as",
        who,
    ]
}

#[tokio::test]
async fn import_indicators_accepts_a_good_return_through_the_upload_checks() {
    let d = dir();
    let db = format!("sqlite://{}", d.join("imp.db").display());
    assert!(run(&db, &["demo"], None).status.success());
    let o = run(&db, &["import", "indicators", "--help"], None);
    assert!(
        o.status.success() && text(&o).contains("--as <EMAIL>"),
        "{}",
        text(&o)
    );
    let returns = count(&db, "select count(*) from perf_return").await;
    // the council's yearly return for 2021-22 again: a second revision, from a CSV file with a
    // byte-order mark and Windows line ends, as Excel saves it
    let file = d.join("return-2021.csv");
    std::fs::write(
        &file,
        "\u{feff}indicator_code,numerator,denominator\r\nCP-RATE,260,\r\ncla-rate,\"452\",\r\n",
    )
    .unwrap();
    let f = file.display().to_string();
    let o = run(
        &db,
        &import_args(&f, "2021-04-01", "admin@safeguard.example"),
        None,
    );
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("imported 2 values from"),
        "{t}"
    );
    // not a terminal: plain progress lines on standard error
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("read 3 rows") && err.contains("written 2/2 values"),
        "{err}"
    );
    assert_eq!(
        count(&db, "select count(*) from perf_return").await,
        returns + 1
    );
    assert_eq!(
        count(
            &db,
            "select count(*) from perf_return where revision = 2 and method = 'csv' \
             and file_name = 'return-2021.csv' and state = 'submitted'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &db,
            "select count(*) from perf_return_value v join perf_return r on r.return_id = v.return_id \
             where r.revision = 2 and v.numerator in (260, 452) and v.population = 51000"
        )
        .await,
        2
    );
    // the same audit entry as the upload, by the person named
    assert_eq!(
        count(
            &db,
            "select count(*) from audit_entry a join person p on p.person_id = a.actor_person_id \
             where a.action = 'performance.return_submit' and p.email = 'admin@safeguard.example' \
             and a.after_json like '%\"method\":\"csv\"%'"
        )
        .await,
        1
    );
    assert!(run(&db, &["audit", "verify"], None).status.success());
}

#[tokio::test]
async fn import_indicators_refuses_a_bad_return_whole_with_every_row_problem() {
    let d = dir();
    let db = format!("sqlite://{}", d.join("bad.db").display());
    assert!(run(&db, &["demo"], None).status.success());
    let returns = count(&db, "select count(*) from perf_return").await;
    let values = count(&db, "select count(*) from perf_return_value").await;
    let entries = count(&db, "select count(*) from audit_entry").await;
    let file = d.join("bad.csv");
    std::fs::write(
        &file,
        "indicator_code,numerator,denominator\nCP-RATE,12.5,\nNOPE,3,\nCLA-RATE,=1+1,\n",
    )
    .unwrap();
    let f = file.display().to_string();
    let o = run(
        &db,
        &import_args(&f, "2021-04-01", "admin@safeguard.example"),
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    for want in [
        "row 2, column numerator: \"12.5\" is not a whole number",
        "row 3, column indicator_code: NOPE is not an indicator this agency supplies",
        "row 4, column numerator: The cell holds a formula (=1+1)",
        "refused with 3 problems: nothing was imported",
    ] {
        assert!(err.contains(want), "{want:?} in {err}");
    }
    // a CSV file named .xlsx is read as a workbook and refused as one
    let x = d.join("return.xlsx");
    std::fs::write(
        &x,
        "indicator_code,numerator,denominator\nCP-RATE,1,\nCLA-RATE,2,\n",
    )
    .unwrap();
    let xs = x.display().to_string();
    let o = run(
        &db,
        &import_args(&xs, "2021-04-01", "admin@safeguard.example"),
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("file: The file is not an Excel workbook"),
        "{}",
        text(&o)
    );
    // the same access rule as the upload: an agency lead sends only their own agency's return
    let o = run(
        &db,
        &import_args(&f, "2021-04-01", "lead@safeguard.example"),
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("agency leads send their own organisation's return"),
        "{}",
        text(&o)
    );
    // a period that has not started, and an agency that is not the partnership's
    let o = run(
        &db,
        &import_args(&f, "2099-04-01", "admin@safeguard.example"),
        None,
    );
    assert!(
        text(&o).contains("The period has not started yet"),
        "{}",
        text(&o)
    );
    let mut args = import_args(&f, "2021-04-01", "admin@safeguard.example");
    args[6] = "Nowhere Council";
    let o = run(&db, &args, None);
    assert!(
        text(&o).contains("no agency \"Nowhere Council\""),
        "{}",
        text(&o)
    );
    // nothing written by any of them
    assert_eq!(
        count(&db, "select count(*) from perf_return").await,
        returns
    );
    assert_eq!(
        count(&db, "select count(*) from perf_return_value").await,
        values
    );
    assert_eq!(
        count(&db, "select count(*) from audit_entry").await,
        entries
    );
}

#[tokio::test]
async fn generate_writes_the_performance_framework_the_same_for_the_same_seed() {
    let d = dir();
    let args = [
        "generate",
        "--partnerships",
        "2",
        "--years",
        "2",
        "--seed",
        "11",
        "--people",
        "4",
        "--entries-per-year",
        "5",
    ];
    let mut snapshots = Vec::new();
    for name in ["p1.db", "p2.db"] {
        let url = format!("sqlite://{}", d.join(name).display());
        let o = run(&url, &args, None);
        assert!(o.status.success(), "{}", text(&o));
        // per partnership: 12 indicators; each year 12 + 12 monthly returns (council, police),
        // 4 + 4 quarterly (council, health) and 1 yearly; 2 benchmark series for 4 yearly
        // indicators
        assert!(
            text(&o).contains(
                "generated 24 performance indicators, 132 returns with 304 values and 32 benchmark values"
            ),
            "{}",
            text(&o)
        );
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        #[allow(clippy::type_complexity)]
        let values: Vec<(String, String, String, i64, Option<i64>, Option<i64>)> = sqlx::query_as(
            "select i.code, r.period_start, r.state, v.numerator, v.denominator, v.population \
             from perf_return_value v join perf_return r on r.return_id = v.return_id \
             join perf_indicator i on i.indicator_id = v.indicator_id \
             join partnership p on p.partnership_id = r.partnership_id \
             order by p.slug, i.code, r.period_start",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        pool.close().await;
        assert!(values.iter().all(|v| v.4.is_none_or(|d| d > 0 && v.3 <= d)));
        snapshots.push(values);
    }
    assert_eq!(snapshots[0].len(), 304);
    assert_eq!(snapshots[0], snapshots[1]);
}
