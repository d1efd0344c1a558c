//! Store tests for the performance framework (`safeguard_store::performance`), on both SQLite and
//! PostgreSQL: indicators with optimistic versions and unique codes, benchmarks and population
//! estimates superseded by later rows, returns with revisions and values, state changes checked
//! against the state read, and partnership scope.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use safeguard_domain::{OrganisationId, PartnershipId, PersonId};
use safeguard_store::db::PoolSettings;
use safeguard_store::performance::{
    self as store, BenchmarkRow, IndicatorRow, PlaceFigureRow, ReturnRow, ValueRow,
};
use safeguard_store::{Db, organisations, partnerships, people};
use safeguard_testkit::{TestBackend, both_backends, fresh_database_url, test_now};
use uuid::Uuid;

async fn fresh_db(backend: TestBackend) -> Db {
    let url = fresh_database_url(backend).await;
    let db = Db::connect(&url, &PoolSettings::default()).await.unwrap();
    db.migrate().await.unwrap();
    db
}

fn at(minutes: i64) -> DateTime<Utc> {
    test_now() + Duration::minutes(minutes)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

struct World {
    north: PartnershipId,
    south: PartnershipId,
    ann: PersonId,
    org: Uuid,
}

async fn world(db: &Db) -> World {
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let north = partnerships::upsert_by_slug(&mut c, "north", "North", at(0))
        .await
        .unwrap()
        .id();
    let south = partnerships::upsert_by_slug(&mut c, "south", "South", at(0))
        .await
        .unwrap()
        .id();
    let org = organisations::upsert_by_name(&mut c, "A Council", "local_authority", None, at(0))
        .await
        .unwrap();
    let ann = PersonId(Uuid::new_v4());
    people::insert(
        &mut c,
        ann,
        OrganisationId(org.organisation_id),
        "ann@example.org",
        "Ann",
        None,
        at(0),
    )
    .await
    .unwrap();
    World {
        north,
        south,
        ann,
        org: org.organisation_id,
    }
}

fn row(code: &str, org: Uuid) -> IndicatorRow<'_> {
    IndicatorRow {
        code,
        name: "Children on a plan",
        definition: "Per 10,000",
        numerator: "Children on a plan",
        denominator: "Population 0-17",
        unit: "rate_per_10000",
        frequency: "year",
        measure: "snapshot",
        polarity: "lower_is_better",
        decimals: 1,
        target_scaled: Some(421),
        tolerance_scaled: 50,
        organisation_id: org,
        source: "CIN census",
    }
}

both_backends!(
    indicators_are_versioned_unique_and_scoped,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let mut pc = db.acquire().await.unwrap();
        let mut c = pc.conn();
        let id = Uuid::new_v4();
        store::insert_indicator(&mut c, w.north, id, &row("CP", w.org), w.ann, at(1))
            .await
            .unwrap();
        // the same code again in the partnership is refused by the database
        assert!(
            store::insert_indicator(
                &mut c,
                w.north,
                Uuid::new_v4(),
                &row("CP", w.org),
                w.ann,
                at(1)
            )
            .await
            .is_err()
        );
        // another partnership may use it
        store::insert_indicator(
            &mut c,
            w.south,
            Uuid::new_v4(),
            &row("CP", w.org),
            w.ann,
            at(1),
        )
        .await
        .unwrap();
        assert!(
            store::code_taken(&mut c, w.north, "CP", None)
                .await
                .unwrap()
        );
        assert!(
            !store::code_taken(&mut c, w.north, "CP", Some(id))
                .await
                .unwrap()
        );
        let i = store::find_indicator(&mut c, w.north, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (i.code.as_str(), i.decimals, i.target_scaled, i.version),
            ("CP", 1, Some(421), 1)
        );
        assert_eq!(i.organisation_name, "A Council");
        assert!(
            store::find_indicator(&mut c, w.south, id)
                .await
                .unwrap()
                .is_none()
        );
        let mut changed = row("CP2", w.org);
        changed.target_scaled = None;
        assert!(
            store::update_indicator(&mut c, w.north, id, &changed, 1, w.ann, at(2))
                .await
                .unwrap()
        );
        assert!(
            !store::update_indicator(&mut c, w.north, id, &changed, 1, w.ann, at(3))
                .await
                .unwrap(),
            "stale"
        );
        assert!(
            !store::update_indicator(&mut c, w.south, id, &changed, 2, w.ann, at(3))
                .await
                .unwrap(),
            "other partnership"
        );
        let i = store::find_indicator(&mut c, w.north, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (i.code.as_str(), i.target_scaled, i.version),
            ("CP2", None, 2)
        );
        assert_eq!(
            store::list_indicators(&mut c, w.north).await.unwrap().len(),
            1
        );
    }
);

both_backends!(
    benchmarks_populations_and_place_figures_keep_history,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let mut pc = db.acquire().await.unwrap();
        let mut c = pc.conn();
        let id = Uuid::new_v4();
        store::insert_indicator(&mut c, w.north, id, &row("CP", w.org), w.ann, at(1))
            .await
            .unwrap();
        for (value, publication, t) in [(428, "First release", 1), (421, "Revised", 2)] {
            store::insert_benchmark(
                &mut c,
                w.north,
                Uuid::new_v4(),
                &BenchmarkRow {
                    indicator_id: id,
                    series: "england",
                    period_start: day("2021-04-01"),
                    value_scaled: value,
                    publication,
                },
                w.ann,
                at(t),
            )
            .await
            .unwrap();
        }
        let b = store::benchmarks(&mut c, w.north).await.unwrap();
        assert_eq!(
            b.iter().map(|b| b.value_scaled).collect::<Vec<_>>(),
            vec![428, 421]
        );
        assert_eq!(b[0].period_start, day("2021-04-01"));
        assert!(store::benchmarks(&mut c, w.south).await.unwrap().is_empty());

        store::insert_population(
            &mut c,
            w.north,
            Uuid::new_v4(),
            "0-17",
            2021,
            50_000,
            "first",
            w.ann,
            at(1),
        )
        .await
        .unwrap();
        store::insert_population(
            &mut c,
            w.north,
            Uuid::new_v4(),
            "0-17",
            2021,
            51_000,
            "revised",
            w.ann,
            at(2),
        )
        .await
        .unwrap();
        let p = store::population_for(&mut c, w.north, "0-17", 2021)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((p.population, p.source.as_str()), (51_000, "revised"));
        assert!(
            store::population_for(&mut c, w.north, "0-17", 2022)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store::population_for(&mut c, w.south, "0-17", 2021)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(store::populations(&mut c, w.north).await.unwrap().len(), 2);

        store::insert_place_figure(
            &mut c,
            w.north,
            Uuid::new_v4(),
            &PlaceFigureRow {
                name: "Income deprived",
                value_scaled: 214,
                england_scaled: Some(185),
                decimals: 1,
                unit: "percentage",
                year: 2019,
                source: "IoD 2019",
            },
            w.ann,
            at(1),
        )
        .await
        .unwrap();
        let f = store::place_figures(&mut c, w.north).await.unwrap();
        assert_eq!(
            (f[0].value_scaled, f[0].england_scaled, f[0].decimals),
            (214, Some(185), 1)
        );
        assert!(
            store::place_figures(&mut c, w.south)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

both_backends!(
    returns_have_revisions_values_and_checked_state_changes,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let mut pc = db.acquire().await.unwrap();
        let mut c = pc.conn();
        let ind = Uuid::new_v4();
        store::insert_indicator(&mut c, w.north, ind, &row("CP", w.org), w.ann, at(1))
            .await
            .unwrap();
        let pop = Uuid::new_v4();
        store::insert_population(
            &mut c,
            w.north,
            pop,
            "0-17",
            2021,
            51_000,
            "ONS",
            w.ann,
            at(1),
        )
        .await
        .unwrap();
        let start = day("2021-04-01");
        let mut ids = Vec::new();
        for (n, t) in [(257, 2), (300, 3)] {
            let revision = store::next_revision(&mut c, w.north, w.org, "year", start)
                .await
                .unwrap();
            let id = Uuid::new_v4();
            store::insert_return(
                &mut c,
                w.north,
                id,
                &ReturnRow {
                    organisation_id: w.org,
                    frequency: "year",
                    period_start: start,
                    revision,
                    method: "csv",
                    file_name: Some("r.csv"),
                },
                w.ann,
                at(t),
            )
            .await
            .unwrap();
            store::insert_values(
                &mut c,
                w.north,
                id,
                &[ValueRow {
                    indicator_id: ind,
                    numerator: n,
                    denominator: None,
                    population_id: Some(pop),
                    population: Some(51_000),
                }],
            )
            .await
            .unwrap();
            ids.push(id);
        }
        assert_eq!(
            store::next_revision(&mut c, w.north, w.org, "year", start)
                .await
                .unwrap(),
            3
        );
        assert_eq!(
            store::next_revision(&mut c, w.south, w.org, "year", start)
                .await
                .unwrap(),
            1
        );
        // the same revision twice is refused by the database
        assert!(
            store::insert_return(
                &mut c,
                w.north,
                Uuid::new_v4(),
                &ReturnRow {
                    organisation_id: w.org,
                    frequency: "year",
                    period_start: start,
                    revision: 2,
                    method: "form",
                    file_name: None
                },
                w.ann,
                at(4),
            )
            .await
            .is_err()
        );
        // only the latest revision is current; both are kept
        let current = store::current_values(&mut c, w.north).await.unwrap();
        assert_eq!(current.len(), 1);
        assert_eq!((current[0].numerator, current[0].revision), (300, 2));
        assert_eq!(
            (current[0].population, current[0].population_year),
            (Some(51_000), Some(2021))
        );
        assert_eq!(current[0].population_source.as_deref(), Some("ONS"));
        assert_eq!(
            store::values_of_return(&mut c, w.north, ids[0])
                .await
                .unwrap()[0]
                .numerator,
            257
        );
        let all = store::list_returns(&mut c, w.north).await.unwrap();
        assert_eq!(
            all.iter().map(|r| r.revision).collect::<Vec<_>>(),
            vec![2, 1]
        );
        assert_eq!(all[0].submitted_by_name, "Ann");
        assert!(
            store::list_returns(&mut c, w.south)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store::find_return(&mut c, w.south, ids[1])
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store::current_values(&mut c, w.south)
                .await
                .unwrap()
                .is_empty()
        );
        // state changes check the state read
        assert!(
            store::set_state(
                &mut c,
                w.north,
                ids[1],
                "submitted",
                "checked",
                w.ann,
                at(5)
            )
            .await
            .unwrap()
        );
        assert!(
            !store::set_state(
                &mut c,
                w.north,
                ids[1],
                "submitted",
                "checked",
                w.ann,
                at(5)
            )
            .await
            .unwrap()
        );
        assert!(
            !store::set_state(&mut c, w.south, ids[1], "checked", "approved", w.ann, at(5))
                .await
                .unwrap()
        );
        assert!(
            store::set_state(&mut c, w.north, ids[1], "checked", "approved", w.ann, at(6))
                .await
                .unwrap()
        );
        assert_eq!(
            store::find_return(&mut c, w.north, ids[1])
                .await
                .unwrap()
                .unwrap()
                .state,
            "approved"
        );
        // a negative count is refused by the database
        assert!(
            store::insert_values(
                &mut c,
                w.north,
                ids[0],
                &[ValueRow {
                    indicator_id: Uuid::new_v4(),
                    numerator: -1,
                    denominator: None,
                    population_id: None,
                    population: None
                }]
            )
            .await
            .is_err()
        );
    }
);

both_backends!(
    approved_values_skip_revisions_not_yet_approved,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let mut pc = db.acquire().await.unwrap();
        let mut c = pc.conn();
        let ind = Uuid::new_v4();
        let mut r = row("RE", w.org);
        r.unit = "percentage";
        r.frequency = "quarter";
        store::insert_indicator(&mut c, w.north, ind, &r, w.ann, at(1))
            .await
            .unwrap();
        let send = |revision: i32, numerator: i64, period: &'static str| {
            let id = Uuid::new_v4();
            (id, revision, numerator, period)
        };
        // Q4: revision 1 approved, revision 2 only sent; Q3: revision 1 checked, not approved
        let returns = [
            send(1, 10, "2022-01-01"),
            send(2, 12, "2022-01-01"),
            send(1, 7, "2021-10-01"),
        ];
        for (id, revision, numerator, period) in returns {
            store::insert_return(
                &mut c,
                w.north,
                id,
                &ReturnRow {
                    organisation_id: w.org,
                    frequency: "quarter",
                    period_start: day(period),
                    revision,
                    method: "form",
                    file_name: None,
                },
                w.ann,
                at(2),
            )
            .await
            .unwrap();
            store::insert_values(
                &mut c,
                w.north,
                id,
                &[ValueRow {
                    indicator_id: ind,
                    numerator,
                    denominator: Some(50),
                    population_id: None,
                    population: None,
                }],
            )
            .await
            .unwrap();
        }
        let (q4_r1, q3) = (returns[0].0, returns[2].0);
        for id in [q4_r1, q3] {
            assert!(
                store::set_state(&mut c, w.north, id, "submitted", "checked", w.ann, at(3))
                    .await
                    .unwrap()
            );
        }
        assert!(
            store::set_state(&mut c, w.north, q4_r1, "checked", "approved", w.ann, at(4))
                .await
                .unwrap()
        );
        let latest = store::current_values(&mut c, w.north).await.unwrap();
        assert_eq!(
            latest
                .iter()
                .map(|v| (v.period_start, v.revision, v.numerator))
                .collect::<Vec<_>>(),
            vec![(day("2021-10-01"), 1, 7), (day("2022-01-01"), 2, 12)]
        );
        let approved = store::approved_values(&mut c, w.north).await.unwrap();
        assert_eq!(
            approved
                .iter()
                .map(|v| (v.period_start, v.revision, v.numerator, v.state.as_str()))
                .collect::<Vec<_>>(),
            vec![(day("2022-01-01"), 1, 10, "approved")]
        );
        assert!(
            store::approved_values(&mut c, w.south)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

both_backends!(
    place_figures_and_neighbour_lists_are_versioned_and_scoped,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let mut pc = db.acquire().await.unwrap();
        let mut c = pc.conn();
        let id = Uuid::new_v4();
        let mut f = PlaceFigureRow {
            name: "Income-deprived children",
            value_scaled: 214,
            england_scaled: Some(185),
            decimals: 1,
            unit: "percentage",
            year: 2019,
            source: "IoD 2019",
        };
        store::insert_place_figure(&mut c, w.north, id, &f, w.ann, at(1))
            .await
            .unwrap();
        let got = store::find_place_figure(&mut c, w.north, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((got.value_scaled, got.version), (214, 1));
        assert!(
            store::find_place_figure(&mut c, w.south, id)
                .await
                .unwrap()
                .is_none()
        );
        f.value_scaled = 215;
        assert!(
            store::update_place_figure(&mut c, w.north, id, &f, 1, w.ann, at(2))
                .await
                .unwrap()
        );
        // stale, or another partnership's: nothing changes
        f.value_scaled = 999;
        assert!(
            !store::update_place_figure(&mut c, w.north, id, &f, 1, w.ann, at(3))
                .await
                .unwrap()
        );
        assert!(
            !store::update_place_figure(&mut c, w.south, id, &f, 2, w.ann, at(3))
                .await
                .unwrap()
        );
        let got = store::place_figures(&mut c, w.north).await.unwrap();
        assert_eq!((got[0].value_scaled, got[0].version), (215, 2));

        assert!(
            store::neighbour_list(&mut c, w.north)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store::save_neighbour_list(&mut c, w.north, "A\nB", "DfE tool", 0, w.ann, at(1))
                .await
                .unwrap()
        );
        // a second first list is refused; the saved one stays
        assert!(
            !store::save_neighbour_list(&mut c, w.north, "C", "DfE tool", 0, w.ann, at(2))
                .await
                .unwrap()
        );
        assert!(
            !store::save_neighbour_list(&mut c, w.north, "C", "DfE tool", 5, w.ann, at(2))
                .await
                .unwrap()
        );
        assert!(
            store::save_neighbour_list(&mut c, w.north, "B\nC", "DfE tool 2", 1, w.ann, at(3))
                .await
                .unwrap()
        );
        let n = store::neighbour_list(&mut c, w.north)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (n.authorities.as_str(), n.source.as_str(), n.version),
            ("B\nC", "DfE tool 2", 2)
        );
        assert_eq!(n.updated_by_name, "Ann");
        assert!(
            store::neighbour_list(&mut c, w.south)
                .await
                .unwrap()
                .is_none()
        );
    }
);
