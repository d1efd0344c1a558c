//! Store tests for the activity and impact log (`safeguard_store::activity`), on both SQLite and
//! PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use safeguard_domain::{OrganisationId, PartnershipId, PersonId};
use safeguard_store::activity::{self, EntryFilter, EntryRow, NewLinkRow};
use safeguard_store::db::PoolSettings;
use safeguard_store::{Db, bodies, on_conn, organisations, partnerships, people};
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
    board: Uuid,
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
    bodies::upsert_by_name(&mut c, north, "Board", "board", None, at(0))
        .await
        .unwrap();
    let board = bodies::list_for_partnership(&mut c, north).await.unwrap()[0].body_id;
    World {
        north,
        south,
        ann,
        board,
    }
}

fn row<'a>(date: &str, body: Option<Uuid>, title: &'a str) -> EntryRow<'a> {
    EntryRow {
        entry_date: day(date),
        body_id: body,
        workstream: if body.is_some() { "" } else { "Training" },
        title,
        what_happened: "Something happened.",
        impact: "It made a difference.",
    }
}

both_backends!(insert_find_update_and_scope, |backend| async move {
    let db = fresh_db(backend).await;
    let w = world(&db).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let id = Uuid::new_v4();
    activity::insert(
        &mut c,
        w.north,
        id,
        &row("2022-04-15", Some(w.board), "Learning event"),
        w.ann,
        at(1),
    )
    .await
    .unwrap();
    let e = activity::find(&mut c, w.north, id).await.unwrap().unwrap();
    assert_eq!(e.entry_date, day("2022-04-15"));
    assert_eq!(e.body_name.as_deref(), Some("Board"));
    assert_eq!(e.body_or_workstream(), "Board");
    assert_eq!(e.version, 1);
    assert_eq!(e.updated_by_name, "Ann");
    // Another partnership does not see it.
    assert!(activity::find(&mut c, w.south, id).await.unwrap().is_none());
    assert!(
        !activity::update(
            &mut c,
            w.south,
            id,
            &row("2022-05-01", None, "x"),
            1,
            w.ann,
            at(2)
        )
        .await
        .unwrap()
    );
    // An edit with the version read succeeds once; the stale version is refused.
    assert!(
        activity::update(
            &mut c,
            w.north,
            id,
            &row("2022-05-01", None, "Renamed"),
            1,
            w.ann,
            at(2)
        )
        .await
        .unwrap()
    );
    assert!(
        !activity::update(
            &mut c,
            w.north,
            id,
            &row("2022-06-01", None, "Lost"),
            1,
            w.ann,
            at(3)
        )
        .await
        .unwrap()
    );
    let e = activity::find(&mut c, w.north, id).await.unwrap().unwrap();
    assert_eq!((e.title.as_str(), e.version), ("Renamed", 2));
    assert_eq!(e.body_or_workstream(), "Training");
    assert_eq!(activity::count(&mut c, w.north).await.unwrap(), 1);
    assert_eq!(activity::count(&mut c, w.south).await.unwrap(), 0);
    // Neither a body nor a workstream: the database refuses too.
    let bad = activity::insert(
        &mut c,
        w.north,
        Uuid::new_v4(),
        &EntryRow {
            workstream: "",
            ..row("2022-04-15", None, "x")
        },
        w.ann,
        at(4),
    )
    .await;
    assert!(bad.is_err());
});

both_backends!(year_lists_filters_tags_and_links, |backend| async move {
    let db = fresh_db(backend).await;
    let w = world(&db).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let mut ids = Vec::new();
    for (date, body, title) in [
        ("2023-03-20", None, "March"),
        ("2022-04-02", Some(w.board), "April"),
        ("2022-03-31", None, "Previous year"),
        ("2023-04-01", None, "Next year"),
        ("2022-12-25", Some(w.board), "December"),
    ] {
        let id = Uuid::new_v4();
        activity::insert(&mut c, w.north, id, &row(date, body, title), w.ann, at(1))
            .await
            .unwrap();
        ids.push(id);
    }
    let other = Uuid::new_v4();
    activity::insert(
        &mut c,
        w.south,
        other,
        &row("2022-06-01", None, "South"),
        w.ann,
        at(1),
    )
    .await
    .unwrap();
    let (from, to) = (day("2022-04-01"), day("2023-04-01"));
    let all = activity::list_between(&mut c, w.north, from, to, &EntryFilter::default())
        .await
        .unwrap();
    let titles: Vec<&str> = all.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["April", "December", "March"]);

    activity::set_tags(
        &mut c,
        w.north,
        ids[0],
        &["neglect".to_owned(), "training".to_owned()],
    )
    .await
    .unwrap();
    activity::set_tags(&mut c, w.north, ids[4], &["neglect".to_owned()])
        .await
        .unwrap();
    activity::set_tags(&mut c, w.south, other, &["south-only".to_owned()])
        .await
        .unwrap();
    // Replacing tags drops the old ones.
    activity::set_tags(&mut c, w.north, ids[4], &["cse".to_owned()])
        .await
        .unwrap();
    assert_eq!(
        activity::tags_of(&mut c, w.north, ids[4]).await.unwrap(),
        ["cse"]
    );
    assert_eq!(
        activity::tags_in_use(&mut c, w.north).await.unwrap(),
        ["cse", "neglect", "training"]
    );
    let tagged = activity::list_between(
        &mut c,
        w.north,
        from,
        to,
        &EntryFilter {
            tag: Some("neglect".into()),
            body: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(tagged.len(), 1);
    assert_eq!(tagged[0].title, "March");
    let by_body = activity::list_between(
        &mut c,
        w.north,
        from,
        to,
        &EntryFilter {
            tag: None,
            body: Some(w.board),
        },
    )
    .await
    .unwrap();
    assert_eq!(by_body.len(), 2);
    let tags = activity::tags_between(&mut c, w.north, from, to)
        .await
        .unwrap();
    assert_eq!(tags.len(), 3);
    assert!(tags.iter().all(|t| t.activity_entry_id != other));

    // Links: add, list, remove (soft: the row stays).
    let link = Uuid::new_v4();
    activity::add_link(
        &mut c,
        w.north,
        &NewLinkRow {
            id: link,
            entry: ids[0],
            target_type: "url",
            target_id: None,
            url: Some("https://www.gov.uk/"),
            label: "GOV.UK",
        },
        w.ann,
        at(2),
    )
    .await
    .unwrap();
    let action_link = Uuid::new_v4();
    activity::add_link(
        &mut c,
        w.north,
        &NewLinkRow {
            id: action_link,
            entry: ids[0],
            target_type: "action",
            target_id: Some(Uuid::new_v4()),
            url: None,
            label: "An action",
        },
        w.ann,
        at(3),
    )
    .await
    .unwrap();
    // A url link without an address is refused by the database.
    assert!(
        activity::add_link(
            &mut c,
            w.north,
            &NewLinkRow {
                id: Uuid::new_v4(),
                entry: ids[0],
                target_type: "url",
                target_id: None,
                url: None,
                label: "x",
            },
            w.ann,
            at(3),
        )
        .await
        .is_err()
    );
    let links = activity::links_of(&mut c, w.north, ids[0]).await.unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].label, "GOV.UK");
    assert!(
        activity::links_of(&mut c, w.south, ids[0])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        activity::links_between(&mut c, w.north, from, to)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        !activity::remove_link(&mut c, w.south, ids[0], link, w.ann, at(4))
            .await
            .unwrap()
    );
    assert!(
        activity::remove_link(&mut c, w.north, ids[0], link, w.ann, at(4))
            .await
            .unwrap()
    );
    assert!(
        !activity::remove_link(&mut c, w.north, ids[0], link, w.ann, at(5))
            .await
            .unwrap()
    );
    let links = activity::links_of(&mut c, w.north, ids[0]).await.unwrap();
    assert_eq!(links.len(), 1);
    let kept: i64 = on_conn!(&mut c, |e| {
        sqlx::query_scalar(
        "select count(*) from activity_link where activity_link_id = $1 and removed_at is not null"
    )
    .bind(link)
    .fetch_one(e)
    .await
    })
    .unwrap();
    assert_eq!(kept, 1);

    assert_eq!(
        activity::dates_range(&mut c, w.north).await.unwrap(),
        Some((day("2022-03-31"), day("2023-04-01")))
    );
    assert_eq!(
        activity::dates_range(&mut c, w.south).await.unwrap(),
        Some((day("2022-06-01"), day("2022-06-01")))
    );
    let empty = partnerships::upsert_by_slug(&mut c, "east", "East", at(0))
        .await
        .unwrap()
        .id();
    assert_eq!(activity::dates_range(&mut c, empty).await.unwrap(), None);
});
