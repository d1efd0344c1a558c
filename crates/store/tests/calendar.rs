//! Store tests for the working-day calendar's changes (`safeguard_store::calendar`), on both SQLite
//! and PostgreSQL. Helpers copied from `store.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use safeguard_domain::{OrganisationId, PersonId};
use safeguard_store::calendar::{self, NewChange};
use safeguard_store::db::PoolSettings;
use safeguard_store::{Backend, Db, StoreError, organisations, people};
use safeguard_testkit::{TestBackend, both_backends, fresh_database_url, test_now};
use uuid::Uuid;

/// A fresh, migrated database on `backend`.
async fn fresh_db(backend: TestBackend) -> Db {
    let url = fresh_database_url(backend).await;
    let db = Db::connect(&url, &PoolSettings::default()).await.unwrap();
    db.migrate().await.unwrap();
    let expected = match backend {
        TestBackend::Sqlite => Backend::Sqlite,
        TestBackend::Postgres => Backend::Postgres,
    };
    assert_eq!(db.backend(), expected);
    db
}

/// `test_now()` moved by `minutes`.
fn at(minutes: i64) -> DateTime<Utc> {
    test_now() + Duration::minutes(minutes)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn a_person(db: &Db) -> PersonId {
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let org =
        organisations::upsert_by_name(&mut c, "Calendar Council", "local_authority", None, at(0))
            .await
            .unwrap();
    let id = PersonId(Uuid::new_v4());
    people::insert(
        &mut c,
        id,
        OrganisationId(org.organisation_id),
        "cal@example.org",
        "Cal Endar",
        None,
        at(0),
    )
    .await
    .unwrap();
    id
}

both_backends!(insert_list_find_delete, |backend| async move {
    let db = fresh_db(backend).await;
    let person = a_person(&db).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    assert!(calendar::list(&mut c).await.unwrap().is_empty());

    let added = calendar::insert(
        &mut c,
        &NewChange {
            date: day("2030-03-06"),
            action: "add",
            name: "A one-off",
            source: "administrator",
            created_by: Some(person),
        },
        at(1),
    )
    .await
    .unwrap();
    let removed = calendar::insert(
        &mut c,
        &NewChange {
            date: day("2029-12-25"),
            action: "remove",
            name: "Not this year",
            source: "import",
            created_by: None,
        },
        at(2),
    )
    .await
    .unwrap();
    // The same day may be both added and removed (the removal wins in the calendar).
    calendar::insert(
        &mut c,
        &NewChange {
            date: day("2030-03-06"),
            action: "remove",
            name: "Changed our minds",
            source: "administrator",
            created_by: Some(person),
        },
        at(3),
    )
    .await
    .unwrap();

    let all = calendar::list(&mut c).await.unwrap();
    assert_eq!(
        all.iter()
            .map(|r| (r.date.to_string(), r.action.as_str()))
            .collect::<Vec<_>>(),
        [
            ("2029-12-25".to_owned(), "remove"),
            ("2030-03-06".to_owned(), "add"),
            ("2030-03-06".to_owned(), "remove"),
        ]
    );
    // What was returned is what was stored, exactly (dates and times round-trip).
    assert_eq!(all[1], added);
    assert_eq!(all[0], removed);
    assert_eq!(all[1].created_by, Some(person.0));
    assert_eq!(all[0].created_by, None);
    assert_eq!(all[1].created_at, at(1));

    assert_eq!(
        calendar::find(&mut c, added.bank_holiday_change_id)
            .await
            .unwrap(),
        Some(added.clone())
    );
    assert_eq!(calendar::find(&mut c, Uuid::new_v4()).await.unwrap(), None);

    assert!(
        calendar::delete(&mut c, added.bank_holiday_change_id)
            .await
            .unwrap()
    );
    assert!(
        !calendar::delete(&mut c, added.bank_holiday_change_id)
            .await
            .unwrap()
    );
    assert_eq!(calendar::list(&mut c).await.unwrap().len(), 2);
    assert_eq!(
        calendar::find(&mut c, added.bank_holiday_change_id)
            .await
            .unwrap(),
        None
    );
});

both_backends!(same_date_and_action_is_a_conflict, |backend| async move {
    let db = fresh_db(backend).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let change = NewChange {
        date: day("2031-07-04"),
        action: "add",
        name: "First",
        source: "administrator",
        created_by: None,
    };
    calendar::insert(&mut c, &change, at(0)).await.unwrap();
    let again = calendar::insert(
        &mut c,
        &NewChange {
            name: "Second",
            ..change
        },
        at(1),
    )
    .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(calendar::list(&mut c).await.unwrap().len(), 1);
});

both_backends!(
    checks_refuse_unknown_action_and_source,
    |backend| async move {
        let db = fresh_db(backend).await;
        let mut pc = db.acquire().await.unwrap();
        let mut c = pc.conn();
        for (action, source) in [("move", "administrator"), ("add", "someone")] {
            let r = calendar::insert(
                &mut c,
                &NewChange {
                    date: day("2031-07-04"),
                    action,
                    name: "x",
                    source,
                    created_by: None,
                },
                at(0),
            )
            .await;
            assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
        }
        assert!(calendar::list(&mut c).await.unwrap().is_empty());
    }
);

both_backends!(
    changes_commit_and_roll_back_with_the_transaction,
    |backend| async move {
        let db = fresh_db(backend).await;
        let change = NewChange {
            date: day("2032-02-02"),
            action: "add",
            name: "Rolled back",
            source: "administrator",
            created_by: None,
        };
        {
            let mut tx = db.begin().await.unwrap();
            calendar::insert(&mut tx.conn(), &change, at(0))
                .await
                .unwrap();
            // dropped: rolls back
        }
        let mut pc = db.acquire().await.unwrap();
        assert!(calendar::list(&mut pc.conn()).await.unwrap().is_empty());
        drop(pc);
        let mut tx = db.begin().await.unwrap();
        calendar::insert(&mut tx.conn(), &change, at(0))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut pc = db.acquire().await.unwrap();
        assert_eq!(calendar::list(&mut pc.conn()).await.unwrap().len(), 1);
    }
);
