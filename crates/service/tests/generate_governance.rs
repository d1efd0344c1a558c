//! The benchmark generator gives each generated partnership's board its members and quarterly
//! meetings on working days, with attendance, from its own seeded stream.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use safeguard_domain::calendar::Calendar;
use safeguard_domain::clock::FixedClock;
use safeguard_service::generate::{Plan, run};
use safeguard_service::passwords::{Cost, Passwords};
use safeguard_service::{ServiceConfig, Services};
use safeguard_store::db::PoolSettings;
use safeguard_store::{Db, governance, partnerships};
use std::sync::Arc;

safeguard_testkit::both_backends!(generated_boards_meet_quarterly, |backend| async move {
    let url = safeguard_testkit::fresh_database_url(backend).await;
    let db = Db::connect(&url, &PoolSettings::default()).await.unwrap();
    db.migrate().await.unwrap();
    let svc = Services::new(
        db.clone(),
        Arc::new(FixedClock::new(safeguard_testkit::test_now())),
        Passwords::new(Cost::default(), 2).unwrap(),
        ServiceConfig::default(),
    );
    let plan = Plan {
        partnerships: 2,
        years: 2,
        seed: 7,
        people_per_partnership: 8,
        entries_per_year: 3,
        password: "correct horse battery staple".into(),
    };
    let out = run(&svc, &plan, |_| {}).await.unwrap();
    assert_eq!(out.meetings, 2 * 2 * 4);
    let mut pc = db.acquire().await.unwrap();
    let p = partnerships::find_by_slug(&mut pc.conn(), "gen-001")
        .await
        .unwrap()
        .unwrap()
        .id();
    let board = governance::find_body_by_name(&mut pc.conn(), p, "Safeguarding Children Board")
        .await
        .unwrap()
        .unwrap();
    let from = NaiveDate::from_ymd_opt(2021, 4, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2023, 3, 31).unwrap();
    let meetings = governance::list_meetings(&mut pc.conn(), p, board, from, to)
        .await
        .unwrap();
    assert_eq!(meetings.len(), 8);
    let cal = Calendar::england_and_wales();
    for m in &meetings {
        assert!(cal.is_working_day(m.meeting_date).unwrap());
        assert_eq!(m.status, "held");
    }
    assert_eq!(
        governance::list_members(&mut pc.conn(), p, board)
            .await
            .unwrap()
            .len(),
        6
    );
    let rows = governance::attendance_for_body(&mut pc.conn(), p, board, from, to)
        .await
        .unwrap();
    assert_eq!(rows.len(), 8 * 6);
});
