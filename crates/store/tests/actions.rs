//! Store tests for actions and their append-only progress updates (`safeguard_store::actions`), on
//! both SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use safeguard_domain::policy::Role;
use safeguard_domain::{ActionId, OrganisationId, PartnershipId, PersonId};
use safeguard_store::actions::{self, ActionFilter, Fields, NewActionRow};
use safeguard_store::db::PoolSettings;
use safeguard_store::{Db, on_conn, organisations, partnerships, people, roles};
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
    west: PartnershipId,
    org: OrganisationId,
    ann: PersonId,
    bob: PersonId,
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
    let west = partnerships::upsert_by_slug(&mut c, "west", "West", at(0))
        .await
        .unwrap()
        .id();
    let org = organisations::upsert_by_name(&mut c, "A Police", "police", None, at(0))
        .await
        .unwrap();
    let org = OrganisationId(org.organisation_id);
    for p in [north, south, west] {
        organisations::add_to_partnership(&mut c, p, org, at(0))
            .await
            .unwrap();
    }
    let ann = PersonId(Uuid::new_v4());
    let bob = PersonId(Uuid::new_v4());
    people::insert(&mut c, ann, org, "ann@example.org", "Ann", None, at(0))
        .await
        .unwrap();
    people::insert(&mut c, bob, org, "bob@example.org", "Bob", None, at(0))
        .await
        .unwrap();
    // Ann works in north and south (not west); Bob in north.
    roles::grant(&mut c, north, ann, Role::AgencyLead, None, at(0))
        .await
        .unwrap();
    roles::grant(&mut c, south, ann, Role::Practitioner, None, at(0))
        .await
        .unwrap();
    roles::grant(
        &mut c,
        north,
        bob,
        Role::PartnershipAdministrator,
        None,
        at(0),
    )
    .await
    .unwrap();
    World {
        north,
        south,
        west,
        org,
        ann,
        bob,
    }
}

async fn add(
    db: &Db,
    w: &World,
    p: PartnershipId,
    title: &str,
    owner: Option<PersonId>,
    due: Option<&str>,
    status: &str,
) -> ActionId {
    let mut pc = db.acquire().await.unwrap();
    let id = ActionId::new();
    actions::insert(
        &mut pc.conn(),
        &NewActionRow {
            id,
            partnership: p,
            source_type: "meeting",
            source_id: Some(Uuid::new_v4()),
            source_label: "Board meeting 12 May 2022",
            title,
            description: "Some words",
            owner_organisation: w.org,
            owner_person: owner,
            due_date: due.map(day),
            status,
            created_by: w.bob,
        },
        at(1),
    )
    .await
    .unwrap();
    id
}

both_backends!(insert_find_list_and_scope, |backend| async move {
    let db = fresh_db(backend).await;
    let w = world(&db).await;
    let a = add(
        &db,
        &w,
        w.north,
        "Review the threshold",
        Some(w.ann),
        Some("2026-11-20"),
        "open",
    )
    .await;
    add(
        &db,
        &w,
        w.north,
        "Refresh training",
        None,
        Some("2026-12-20"),
        "in_progress",
    )
    .await;
    add(
        &db,
        &w,
        w.north,
        "Old thing",
        Some(w.ann),
        Some("2026-01-01"),
        "done",
    )
    .await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let found = actions::find(&mut c, w.north, a).await.unwrap().unwrap();
    assert_eq!(found.title, "Review the threshold");
    assert_eq!(found.due_date, Some(day("2026-11-20")));
    assert_eq!(found.owner_person_name.as_deref(), Some("Ann"));
    assert_eq!(found.partnership_name, "North");
    assert_eq!(found.created_at, at(1));
    assert_eq!(found.version, 1);
    // Another partnership does not find it.
    assert!(actions::find(&mut c, w.south, a).await.unwrap().is_none());

    let today = day("2026-11-26");
    let (rows, total) = actions::list(&mut c, w.north, &ActionFilter::default(), today, 2, 0)
        .await
        .unwrap();
    assert_eq!(total, 3);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].title, "Review the threshold");
    let overdue = ActionFilter {
        overdue: true,
        ..Default::default()
    };
    let (rows, total) = actions::list(&mut c, w.north, &overdue, today, 50, 0)
        .await
        .unwrap();
    assert_eq!(total, 1);
    assert_eq!(rows[0].action_id, a.0);
    let text = ActionFilter {
        text: Some("TRAIN".into()),
        status: Some("in_progress".into()),
        organisation: Some(w.org.0),
        ..Default::default()
    };
    let (rows, total) = actions::list(&mut c, w.north, &text, today, 50, 0)
        .await
        .unwrap();
    assert_eq!((total, rows[0].title.as_str()), (1, "Refresh training"));
    let (_, total) = actions::list(&mut c, w.south, &ActionFilter::default(), today, 50, 0)
        .await
        .unwrap();
    assert_eq!(total, 0);
    assert_eq!(actions::count(&mut c, w.north).await.unwrap(), 3);
});

both_backends!(my_actions_follow_role_grants, |backend| async move {
    let db = fresh_db(backend).await;
    let w = world(&db).await;
    let n = add(
        &db,
        &w,
        w.north,
        "North one",
        Some(w.ann),
        Some("2026-11-30"),
        "open",
    )
    .await;
    let s = add(&db, &w, w.south, "South one", Some(w.ann), None, "open").await;
    // West: Ann holds no role there (for example, she left), so it does not show.
    let x = add(
        &db,
        &w,
        w.west,
        "West one",
        Some(w.ann),
        Some("2026-11-27"),
        "open",
    )
    .await;
    add(
        &db,
        &w,
        w.north,
        "Bob's",
        Some(w.bob),
        Some("2026-11-27"),
        "open",
    )
    .await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let mine = actions::list_for_person(&mut c, w.ann, 100).await.unwrap();
    let ids: Vec<Uuid> = mine.iter().map(|a| a.action_id).collect();
    assert_eq!(ids, vec![n.0, s.0]);
    assert!(
        actions::find_owned(&mut c, w.ann, s)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        actions::find_owned(&mut c, w.ann, x)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        actions::find_owned(&mut c, w.bob, n)
            .await
            .unwrap()
            .is_none()
    );

    // Digest: due by 3 December 2026, live, owner holds a role there.
    let lines = actions::digest(&mut c, day("2026-12-03")).await.unwrap();
    let got: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| (l.email.as_str(), l.title.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("ann@example.org", "North one"),
            ("bob@example.org", "Bob's")
        ]
    );
});

both_backends!(updates_are_append_only, |backend| async move {
    let db = fresh_db(backend).await;
    let w = world(&db).await;
    let a = add(&db, &w, w.north, "A", Some(w.ann), None, "open").await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let first = Uuid::new_v4();
    actions::append_update(
        &mut c,
        w.north,
        a,
        first,
        w.ann,
        "Started",
        Some("in_progress"),
        None,
        at(2),
    )
    .await
    .unwrap();
    let second = Uuid::new_v4();
    actions::append_update(
        &mut c,
        w.north,
        a,
        second,
        w.ann,
        "Started on Monday, not Tuesday",
        None,
        Some(first),
        at(3),
    )
    .await
    .unwrap();
    let ups = actions::list_updates(&mut c, w.north, a).await.unwrap();
    assert_eq!(ups.len(), 2);
    assert_eq!(ups[0].action_update_id, second);
    assert_eq!(ups[0].corrects_update_id, Some(first));
    assert_eq!(ups[1].new_status.as_deref(), Some("in_progress"));
    assert_eq!(ups[1].author_name, "Ann");
    assert_eq!(ups[1].at, at(2));
    assert!(
        actions::list_updates(&mut c, w.south, a)
            .await
            .unwrap()
            .is_empty()
    );

    let upd = on_conn!(&mut c, |e| sqlx::query(
        "update action_update set body = 'edited'"
    )
    .execute(e)
    .await
    .map(|r| r.rows_affected()));
    assert!(upd.is_err(), "an update was edited");
    let del = on_conn!(&mut c, |e| sqlx::query("delete from action_update")
        .execute(e)
        .await
        .map(|r| r.rows_affected()));
    assert!(del.is_err(), "an update was deleted");
    let ups = actions::list_updates(&mut c, w.north, a).await.unwrap();
    assert_eq!(ups.len(), 2);
    assert_eq!(ups[1].body, "Started");
});

both_backends!(stale_version_is_refused, |backend| async move {
    let db = fresh_db(backend).await;
    let w = world(&db).await;
    let a = add(&db, &w, w.north, "A", Some(w.ann), None, "open").await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    assert!(
        actions::set_status(&mut c, w.north, a, "in_progress", 1, at(2))
            .await
            .unwrap()
    );
    // Someone who read version 1 is refused.
    assert!(
        !actions::set_status(&mut c, w.north, a, "done", 1, at(3))
            .await
            .unwrap()
    );
    // Another partnership cannot change it even with the right version.
    assert!(
        !actions::set_status(&mut c, w.south, a, "done", 2, at(3))
            .await
            .unwrap()
    );
    let f = Fields {
        owner_organisation: w.org,
        owner_person: Some(w.bob),
        due_date: Some(day("2027-01-31")),
        status: "open",
    };
    assert!(
        !actions::update_fields(&mut c, w.north, a, &f, 1, at(4))
            .await
            .unwrap()
    );
    assert!(
        actions::update_fields(&mut c, w.north, a, &f, 2, at(4))
            .await
            .unwrap()
    );
    let found = actions::find(&mut c, w.north, a).await.unwrap().unwrap();
    assert_eq!(found.version, 3);
    assert_eq!(found.owner_person_id, Some(w.bob.0));
    assert_eq!(found.due_date, Some(day("2027-01-31")));
    assert_eq!(found.updated_at, at(4));
});

both_backends!(concurrent_updates_lose_nothing, |backend| async move {
    let db = fresh_db(backend).await;
    let w = world(&db).await;
    let a = add(&db, &w, w.north, "A", Some(w.ann), None, "open").await;
    let (north, ann) = (w.north, w.ann);
    let mut tasks = Vec::new();
    for i in 0..20_i64 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let status = if i % 2 == 0 { "in_progress" } else { "open" };
            let mut tx = db.begin().await.unwrap();
            assert!(actions::lock(&mut tx.conn(), north, a).await.unwrap());
            actions::append_update(
                &mut tx.conn(),
                north,
                a,
                Uuid::new_v4(),
                ann,
                &format!("update {i}"),
                Some(status),
                None,
                at(10 + i),
            )
            .await
            .unwrap();
            // The version check with one retry, as the service does.
            let v = actions::find(&mut tx.conn(), north, a)
                .await
                .unwrap()
                .unwrap()
                .version;
            let mut ok = actions::set_status(&mut tx.conn(), north, a, status, v, at(10 + i))
                .await
                .unwrap();
            if !ok {
                let v = actions::find(&mut tx.conn(), north, a)
                    .await
                    .unwrap()
                    .unwrap()
                    .version;
                ok = actions::set_status(&mut tx.conn(), north, a, status, v, at(10 + i))
                    .await
                    .unwrap();
            }
            assert!(ok);
            tx.commit().await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let ups = actions::list_updates(&mut c, north, a).await.unwrap();
    assert_eq!(ups.len(), 20);
    let mut bodies: Vec<String> = ups.into_iter().map(|u| u.body).collect();
    bodies.sort();
    let mut want: Vec<String> = (0..20).map(|i| format!("update {i}")).collect();
    want.sort();
    assert_eq!(bodies, want);
    let found = actions::find(&mut c, north, a).await.unwrap().unwrap();
    assert_eq!(found.version, 21);
});
