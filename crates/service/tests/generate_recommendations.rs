//! The benchmark generator gives each generated partnership recommendations tracker data: 1 to 3
//! sources a year with 8 to 50 recommendations each, addressees, histories whose last self-assessment
//! is the recommendation's status, some verified, some evidence, and 1 to 4 actions per accepted
//! recommendation in the one action model, the same for the same seed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use safeguard_domain::clock::FixedClock;
use safeguard_service::generate::{Generated, Plan, run};
use safeguard_service::passwords::{Cost, Passwords};
use safeguard_service::{ServiceConfig, Services};
use safeguard_store::db::PoolSettings;
use safeguard_store::{Db, actions, partnerships, recommendations};
use safeguard_testkit::TestBackend;
use std::sync::Arc;

async fn generate(backend: TestBackend) -> (Db, Generated) {
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
        years: 3,
        seed: 11,
        people_per_partnership: 8,
        entries_per_year: 2,
        password: "correct horse battery staple".into(),
    };
    let out = run(&svc, &plan, |_| {}).await.unwrap();
    (db, out)
}

/// (source title, recommendation count) of a generated partnership, and its source ids.
async fn sources_of(db: &Db, slug: &str) -> Vec<recommendations::SourceRow> {
    let mut pc = db.acquire().await.unwrap();
    let p = partnerships::find_by_slug(&mut pc.conn(), slug)
        .await
        .unwrap()
        .unwrap()
        .id();
    recommendations::sources(&mut pc.conn(), p).await.unwrap()
}

safeguard_testkit::both_backends!(
    generated_partnerships_have_tracker_data,
    |backend| async move {
        let (db, out) = generate(backend).await;
        assert!(
            (6..=18).contains(&out.tracker_sources),
            "{}",
            out.tracker_sources
        );
        let mut recs_seen = 0u64;
        let mut actions_seen = 0u64;
        let (mut verified, mut evidence, mut not_accepted, mut statuses) =
            (0, 0, 0, std::collections::BTreeSet::new());
        for slug in ["gen-001", "gen-002"] {
            let sources = sources_of(&db, slug).await;
            let mut pc = db.acquire().await.unwrap();
            let p = partnerships::find_by_slug(&mut pc.conn(), slug)
                .await
                .unwrap()
                .unwrap()
                .id();
            for year in 2021..2024 {
                let n = sources
                    .iter()
                    .filter(|s| s.title.ends_with(&format!("({year})")))
                    .count();
                assert!((1..=3).contains(&n), "{slug} {year}: {n}");
            }
            if slug == "gen-001" {
                let largest = sources.iter().max_by_key(|s| s.recommendations).unwrap();
                assert_eq!(
                    sources
                        .iter()
                        .find(|s| Some(s.source_id) == out.largest_tracker_source)
                        .unwrap()
                        .recommendations,
                    largest.recommendations
                );
            }
            for s in &sources {
                assert!(
                    (8..=50).contains(&s.recommendations),
                    "{}",
                    s.recommendations
                );
                let recs = recommendations::recommendations(&mut pc.conn(), p, s.source_id)
                    .await
                    .unwrap();
                let addressees = recommendations::addressees(&mut pc.conn(), p, s.source_id, None)
                    .await
                    .unwrap();
                let ids: Vec<uuid::Uuid> = recs.iter().map(|r| r.recommendation_id).collect();
                let acts = actions::by_source(&mut pc.conn(), p, "recommendation", &ids)
                    .await
                    .unwrap();
                actions_seen += acts.len() as u64;
                for r in &recs {
                    recs_seen += 1;
                    statuses.insert(r.self_status.clone());
                    let to = addressees
                        .iter()
                        .filter(|a| a.recommendation_id == r.recommendation_id)
                        .count();
                    assert!((1..=3).contains(&to), "{to} addressees");
                    let mine: Vec<_> = acts
                        .iter()
                        .filter(|a| a.source_id == Some(r.recommendation_id))
                        .collect();
                    if r.accepted {
                        assert!((1..=4).contains(&mine.len()), "{} actions", mine.len());
                        for a in &mine {
                            assert!(
                                addressees
                                    .iter()
                                    .any(|x| x.recommendation_id == r.recommendation_id
                                        && x.organisation_id == a.owner_organisation_id),
                                "an action is owned by an addressee"
                            );
                            assert_eq!(
                                a.source_label,
                                format!("{}, recommendation {}", s.title, r.number)
                            );
                        }
                    } else {
                        not_accepted += 1;
                        assert!(mine.is_empty());
                    }
                    // the history: its last self-assessment is the status; versions count it
                    let events = recommendations::events(&mut pc.conn(), p, r.recommendation_id)
                        .await
                        .unwrap();
                    assert_eq!(i64::from(r.version), events.len() as i64 + 1);
                    let last_self = events.iter().find(|e| e.kind == "self");
                    assert_eq!(
                        last_self.map_or("not_started", |e| e.status.as_str()),
                        r.self_status
                    );
                    if let Some(v) = &r.verified_status {
                        verified += 1;
                        assert_eq!(events[0].kind, "verification");
                        assert_eq!(&events[0].status, v);
                    }
                    evidence +=
                        recommendations::evidence(&mut pc.conn(), p, r.recommendation_id, true)
                            .await
                            .unwrap()
                            .len();
                }
            }
        }
        assert_eq!(recs_seen, out.tracked_recommendations);
        assert_eq!(actions_seen, out.tracker_actions);
        assert!(verified > 0 && evidence > 0 && not_accepted > 0);
        for s in ["not_started", "in_progress", "implemented"] {
            assert!(statuses.contains(s), "{s} in {statuses:?}");
        }

        // The generated history includes its escalations: nothing overdue is left for the daily job
        // (which would otherwise email years of generated history on its first run), while some
        // generated actions are overdue and open.
        {
            let today = safeguard_domain::actions::uk_date(safeguard_testkit::test_now());
            let mut pc = db.acquire().await.unwrap();
            let left = actions::escalation_candidates(&mut pc.conn(), "recommendation", today)
                .await
                .unwrap();
            assert!(
                left.is_empty(),
                "{} overdue actions not escalated",
                left.len()
            );
        }

        // The same seed gives the same tracker.
        let (again, out2) = generate(backend).await;
        assert_eq!(out2.tracked_recommendations, out.tracked_recommendations);
        assert_eq!(out2.largest_tracker_source, out.largest_tracker_source);
        let a: Vec<_> = sources_of(&db, "gen-002")
            .await
            .into_iter()
            .map(|s| (s.source_id, s.title, s.recommendations))
            .collect();
        let b: Vec<_> = sources_of(&again, "gen-002")
            .await
            .into_iter()
            .map(|s| (s.source_id, s.title, s.recommendations))
            .collect();
        assert_eq!(a, b);
    }
);
