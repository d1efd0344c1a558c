//! Store tests for funding years, contributions and spend lines (`safeguard_store::funding`), on both
//! SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use safeguard_domain::{FundingYearId, OrganisationId, PartnershipId, PersonId};
use safeguard_store::db::PoolSettings;
use safeguard_store::funding::{self, NewSpendRow};
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

both_backends!(
    years_contributions_and_spend_stay_in_their_partnership,
    |backend| async move {
        let db = fresh_db(backend).await;
        let mut pc = db.acquire().await.unwrap();
        let mut c = pc.conn();
        let north: PartnershipId = partnerships::upsert_by_slug(&mut c, "north", "North", at(0))
            .await
            .unwrap()
            .id();
        let south: PartnershipId = partnerships::upsert_by_slug(&mut c, "south", "South", at(0))
            .await
            .unwrap()
            .id();
        let police = OrganisationId(
            organisations::upsert_by_name(&mut c, "Z Police", "police", None, at(0))
                .await
                .unwrap()
                .organisation_id,
        );
        let council = OrganisationId(
            organisations::upsert_by_name(&mut c, "A Council", "local_authority", None, at(0))
                .await
                .unwrap()
                .organisation_id,
        );
        let charity = OrganisationId(
            organisations::upsert_by_name(
                &mut c,
                "B Charity",
                "relevant_agency",
                Some("voluntary"),
                at(0),
            )
            .await
            .unwrap()
            .organisation_id,
        );
        let ann = PersonId(Uuid::new_v4());
        people::insert(&mut c, ann, council, "ann@example.org", "Ann", None, at(0))
            .await
            .unwrap();

        let y = FundingYearId::new();
        assert!(
            funding::insert_year(
                &mut pc.conn(),
                north,
                y,
                2022,
                15_000_000,
                "Notes",
                ann,
                at(0)
            )
            .await
            .unwrap()
        );
        assert!(
            !funding::insert_year(
                &mut pc.conn(),
                north,
                FundingYearId::new(),
                2022,
                1,
                "",
                ann,
                at(1)
            )
            .await
            .unwrap(),
            "one 2022 per partnership"
        );
        assert!(
            funding::insert_year(
                &mut pc.conn(),
                south,
                FundingYearId::new(),
                2022,
                1,
                "",
                ann,
                at(1)
            )
            .await
            .unwrap()
        );
        assert!(
            funding::insert_year(
                &mut pc.conn(),
                north,
                FundingYearId::new(),
                2023,
                2,
                "",
                ann,
                at(1)
            )
            .await
            .unwrap()
        );
        let found = funding::find_year(&mut pc.conn(), north, y)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (found.start_year, found.budget_pence, found.notes.as_str()),
            (2022, 15_000_000, "Notes")
        );
        assert!(
            funding::find_year(&mut pc.conn(), south, y)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            funding::find_year_by_start(&mut pc.conn(), north, 2022)
                .await
                .unwrap()
                .unwrap()
                .funding_year_id,
            y.0
        );
        let years: Vec<i32> = funding::list_years(&mut pc.conn(), north)
            .await
            .unwrap()
            .iter()
            .map(|y| y.start_year)
            .collect();
        assert_eq!(years, vec![2023, 2022]);
        assert!(funding::lock_year(&mut pc.conn(), north, y).await.unwrap());
        assert!(!funding::lock_year(&mut pc.conn(), south, y).await.unwrap());

        // Contributions: upsert, ordered statutory partners first, 0 removes.
        funding::set_contribution(&mut pc.conn(), north, y, charity, 100, at(2))
            .await
            .unwrap();
        funding::set_contribution(&mut pc.conn(), north, y, police, 5_000_000, at(2))
            .await
            .unwrap();
        funding::set_contribution(&mut pc.conn(), north, y, council, 4_000_000, at(2))
            .await
            .unwrap();
        funding::set_contribution(&mut pc.conn(), north, y, council, 5_000_000, at(3))
            .await
            .unwrap();
        let rows = funding::contributions(&mut pc.conn(), north, y)
            .await
            .unwrap();
        let got: Vec<(&str, i64)> = rows
            .iter()
            .map(|r| (r.organisation_name.as_str(), r.amount_pence))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A Council", 5_000_000),
                ("Z Police", 5_000_000),
                ("B Charity", 100)
            ]
        );
        assert!(
            funding::contributions(&mut pc.conn(), south, y)
                .await
                .unwrap()
                .is_empty()
        );
        funding::set_contribution(&mut pc.conn(), north, y, charity, 0, at(4))
            .await
            .unwrap();
        assert_eq!(
            funding::contributions(&mut pc.conn(), north, y)
                .await
                .unwrap()
                .len(),
            2
        );
        funding::clear_contributions(&mut pc.conn(), south, y)
            .await
            .unwrap();
        assert_eq!(
            funding::contributions(&mut pc.conn(), north, y)
                .await
                .unwrap()
                .len(),
            2,
            "another partnership clears nothing"
        );
        funding::clear_contributions(&mut pc.conn(), north, y)
            .await
            .unwrap();
        assert!(
            funding::contributions(&mut pc.conn(), north, y)
                .await
                .unwrap()
                .is_empty()
        );

        // Spend lines, by date; negative amounts are refused by the database too.
        for (d, amount) in [("2022-09-01", 250), ("2022-04-02", 1_000)] {
            funding::insert_spend(
                &mut pc.conn(),
                &NewSpendRow {
                    id: Uuid::new_v4(),
                    partnership: north,
                    year: y,
                    spent_on: day(d),
                    category: "training",
                    description: "Course",
                    amount_pence: amount,
                    supplier: "",
                    created_by: ann,
                },
                at(5),
            )
            .await
            .unwrap();
        }
        let bad = funding::insert_spend(
            &mut pc.conn(),
            &NewSpendRow {
                id: Uuid::new_v4(),
                partnership: north,
                year: y,
                spent_on: day("2022-05-01"),
                category: "training",
                description: "Refund",
                amount_pence: -5,
                supplier: "",
                created_by: ann,
            },
            at(6),
        )
        .await;
        assert!(bad.is_err());
        let lines = funding::spend(&mut pc.conn(), north, y).await.unwrap();
        assert_eq!(
            lines.iter().map(|l| l.spent_on).collect::<Vec<_>>(),
            vec![day("2022-04-02"), day("2022-09-01")]
        );
        assert_eq!(lines.iter().map(|l| l.amount_pence).sum::<i64>(), 1_250);
        assert!(
            funding::spend(&mut pc.conn(), south, y)
                .await
                .unwrap()
                .is_empty()
        );
        funding::touch_year(&mut pc.conn(), north, y, at(9))
            .await
            .unwrap();
        assert_eq!(
            funding::find_year(&mut pc.conn(), north, y)
                .await
                .unwrap()
                .unwrap()
                .updated_at,
            at(9)
        );
    }
);

both_backends!(
    spend_lines_are_corrected_by_version_and_removed_softly,
    |backend| async move {
        let db = fresh_db(backend).await;
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
        let council = OrganisationId(
            organisations::upsert_by_name(&mut c, "A Council", "local_authority", None, at(0))
                .await
                .unwrap()
                .organisation_id,
        );
        let ann = PersonId(Uuid::new_v4());
        people::insert(&mut c, ann, council, "ann@example.org", "Ann", None, at(0))
            .await
            .unwrap();
        let y = FundingYearId::new();
        funding::insert_year(&mut pc.conn(), north, y, 2022, 100_000, "", ann, at(0))
            .await
            .unwrap();
        // The year's budget and notes change against its version; another partnership or a stale
        // version changes nothing.
        assert!(
            funding::update_year(&mut pc.conn(), north, y, 200_000, "Agreed in May", 1, at(1))
                .await
                .unwrap()
        );
        assert!(
            !funding::update_year(&mut pc.conn(), south, y, 1, "x", 2, at(1))
                .await
                .unwrap()
        );
        assert!(
            !funding::update_year(&mut pc.conn(), north, y, 1, "stale", 1, at(1))
                .await
                .unwrap()
        );
        let year = funding::find_year(&mut pc.conn(), north, y)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(year.budget_pence, 200_000);
        assert_eq!(year.notes, "Agreed in May");
        assert_eq!(year.version, 2);

        let mut ids = Vec::new();
        for (d, amount) in [("2022-05-01", 100), ("2022-06-01", 250)] {
            let id = Uuid::new_v4();
            funding::insert_spend(
                &mut pc.conn(),
                &NewSpendRow {
                    id,
                    partnership: north,
                    year: y,
                    spent_on: day(d),
                    category: "training",
                    description: "Course",
                    amount_pence: amount,
                    supplier: "",
                    created_by: ann,
                },
                at(2),
            )
            .await
            .unwrap();
            ids.push(id);
        }
        let line = funding::find_spend(&mut pc.conn(), north, ids[0])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(line.version, 1);
        assert!(line.removed_at.is_none());
        assert!(
            funding::find_spend(&mut pc.conn(), south, ids[0])
                .await
                .unwrap()
                .is_none()
        );
        let fields = funding::SpendFields {
            spent_on: day("2022-05-02"),
            category: "other",
            description: "Course (corrected)",
            amount_pence: 150,
            supplier: "Trainer Ltd",
        };
        // Another partnership, then a stale version: nothing changes.
        assert!(
            !funding::update_spend(&mut pc.conn(), south, ids[0], &fields, 1, ann, at(3))
                .await
                .unwrap()
        );
        assert!(
            !funding::update_spend(&mut pc.conn(), north, ids[0], &fields, 7, ann, at(3))
                .await
                .unwrap()
        );
        assert!(
            funding::update_spend(&mut pc.conn(), north, ids[0], &fields, 1, ann, at(3))
                .await
                .unwrap()
        );
        let line = funding::find_spend(&mut pc.conn(), north, ids[0])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(line.version, 2);
        assert_eq!(line.description, "Course (corrected)");
        assert_eq!(line.amount_pence, 150);
        assert_eq!(line.spent_on, day("2022-05-02"));
        assert_eq!(line.updated_by, Some(ann.0));
        // The old version cannot be used again.
        assert!(
            !funding::update_spend(&mut pc.conn(), north, ids[0], &fields, 1, ann, at(4))
                .await
                .unwrap()
        );

        // Removal: stale version or another partnership refused; then kept, out of the list.
        assert!(
            !funding::remove_spend(&mut pc.conn(), north, ids[1], 2, "Twice", ann, at(5))
                .await
                .unwrap()
        );
        assert!(
            !funding::remove_spend(&mut pc.conn(), south, ids[1], 1, "Twice", ann, at(5))
                .await
                .unwrap()
        );
        assert!(
            funding::remove_spend(
                &mut pc.conn(),
                north,
                ids[1],
                1,
                "Entered twice",
                ann,
                at(5)
            )
            .await
            .unwrap()
        );
        assert!(
            !funding::remove_spend(&mut pc.conn(), north, ids[1], 2, "Again", ann, at(6))
                .await
                .unwrap()
        );
        let live = funding::spend(&mut pc.conn(), north, y).await.unwrap();
        assert_eq!(live.len(), 1);
        assert_eq!(live[0].funding_spend_id, ids[0]);
        let removed = funding::removed_spend(&mut pc.conn(), north, y)
            .await
            .unwrap();
        assert_eq!(removed.len(), 1);
        assert_eq!(removed[0].funding_spend_id, ids[1]);
        assert_eq!(removed[0].removed_reason.as_deref(), Some("Entered twice"));
        assert_eq!(removed[0].removed_by, Some(ann.0));
        assert_eq!(removed[0].removed_by_name.as_deref(), Some("Ann"));
        assert_eq!(removed[0].removed_at, Some(at(5)));
        assert_eq!(removed[0].version, 2);
        assert!(
            funding::removed_spend(&mut pc.conn(), south, y)
                .await
                .unwrap()
                .is_empty()
        );
        // A removed line cannot be corrected.
        assert!(
            !funding::update_spend(&mut pc.conn(), north, ids[1], &fields, 2, ann, at(7))
                .await
                .unwrap()
        );
    }
);
