//! The benchmark generator gives each generated partnership 1 to 3 practice reviews a year, taken
//! through stages whose dates the domain accepts, with their clocks, from its own seeded stream.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use safeguard_domain::calendar::Calendar;
use safeguard_domain::clock::FixedClock;
use safeguard_domain::practice_reviews::Stage;
use safeguard_service::generate::{Plan, run};
use safeguard_service::passwords::{Cost, Passwords};
use safeguard_service::{ServiceConfig, Services};
use safeguard_store::db::PoolSettings;
use safeguard_store::{Db, case_reviews, partnerships, practice_reviews};
use std::sync::Arc;

safeguard_testkit::both_backends!(
    generated_partnerships_have_practice_reviews,
    |backend| async move {
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
            partnerships: 3,
            years: 3,
            seed: 11,
            people_per_partnership: 6,
            entries_per_year: 2,
            password: "correct horse battery staple".into(),
        };
        let out = run(&svc, &plan, |_| {}).await.unwrap();
        assert!(
            (9..=27).contains(&out.practice_reviews),
            "{}",
            out.practice_reviews
        );
        let cal = Calendar::england_and_wales();
        let mut pc = db.acquire().await.unwrap();
        let mut total = 0;
        let mut stages = std::collections::BTreeSet::new();
        for slug in ["gen-001", "gen-002", "gen-003"] {
            let p = partnerships::find_by_slug(&mut pc.conn(), slug)
                .await
                .unwrap()
                .unwrap()
                .id();
            let rows = practice_reviews::list_reviews(&mut pc.conn(), p, false, 1000)
                .await
                .unwrap();
            total += rows.len();
            for year in 2021..2024 {
                let n = rows
                    .iter()
                    .filter(|r| r.reference.starts_with(&format!("CSPR {year}-")))
                    .count();
                assert!((1..=3).contains(&n), "{slug} {year}: {n}");
            }
            for r in &rows {
                let stage = Stage::parse(&r.stage).unwrap();
                stages.insert(r.stage.clone());
                assert!(cal.is_working_day(r.commissioned_on).unwrap());
                assert!(r.commissioned_on <= NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
                // the dates of the stages reached follow each other
                let dates = [
                    Some(r.commissioned_on),
                    r.terms_agreed_on,
                    r.information_gathering_on,
                    r.first_draft_on,
                    r.final_approved_on,
                    r.notice_sent_on,
                    r.published_on.or(r.not_published_on),
                    r.action_plan_on,
                    r.closed_on,
                ];
                let set: Vec<NaiveDate> = dates.iter().flatten().copied().collect();
                assert!(
                    set.windows(2).all(|w| w[0] <= w[1]),
                    "{}: {set:?}",
                    r.reference
                );
                if let (Some(n), Some(p)) =
                    (r.notice_sent_on, r.published_on.or(r.not_published_on))
                {
                    assert!(p >= cal.add_working_days(n, 7).unwrap(), "{}", r.reference);
                }
                if stage == Stage::Published {
                    assert!(r.published_url.starts_with("https://"));
                }
                if stage == Stage::NotPublished {
                    assert!(!r.improvements_statement.is_empty());
                }
                let clocks =
                    case_reviews::deadlines(&mut pc.conn(), p, "practice_review", r.review_id)
                        .await
                        .unwrap();
                assert_eq!(clocks[0].basis_on, r.commissioned_on);
                assert_eq!(clocks[0].met_on, r.published_on.or(r.not_published_on));
                assert!(cal.is_working_day(clocks[0].due_on).unwrap());
            }
        }
        assert_eq!(total as u64, out.practice_reviews);
        // older years finished, the latest still open
        assert!(stages.contains("closed"), "{stages:?}");
        assert!(stages.len() >= 3, "{stages:?}");
    }
);
