//! Store tests for sign-offs by the three lead partners (`safeguard_store::signoffs`), on both SQLite
//! and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, Utc};
use safeguard_domain::policy::Role;
use safeguard_domain::{OrganisationId, PartnershipId, PersonId, SignOffId};
use safeguard_store::db::PoolSettings;
use safeguard_store::signoffs::{self, NewSignOffRow};
use safeguard_store::{Db, organisations, partnerships, people, roles};
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

struct World {
    north: PartnershipId,
    south: PartnershipId,
    partners: Vec<(&'static str, OrganisationId)>,
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
    let mut partners = Vec::new();
    for (name, kind) in [
        ("A Council", "local_authority"),
        ("A Police", "police"),
        ("An ICB", "integrated_care_board"),
    ] {
        let o = organisations::upsert_by_name(&mut c, name, kind, None, at(0))
            .await
            .unwrap();
        let id = OrganisationId(o.organisation_id);
        organisations::add_to_partnership(&mut c, north, id, at(0))
            .await
            .unwrap();
        partners.push((kind, id));
    }
    let ann = PersonId(Uuid::new_v4());
    let bob = PersonId(Uuid::new_v4());
    people::insert(
        &mut c,
        ann,
        partners[0].1,
        "ann@example.org",
        "Ann",
        None,
        at(0),
    )
    .await
    .unwrap();
    people::insert(
        &mut c,
        bob,
        partners[1].1,
        "bob@example.org",
        "Bob",
        None,
        at(0),
    )
    .await
    .unwrap();
    roles::grant(
        &mut c,
        north,
        ann,
        Role::PartnershipAdministrator,
        None,
        at(0),
    )
    .await
    .unwrap();
    roles::grant(&mut c, north, bob, Role::AgencyLead, None, at(0))
        .await
        .unwrap();
    World {
        north,
        south,
        partners,
        ann,
        bob,
    }
}

async fn add(db: &Db, w: &World, title: &str, minutes: i64) -> SignOffId {
    let mut pc = db.acquire().await.unwrap();
    let id = SignOffId::new();
    signoffs::insert(
        &mut pc.conn(),
        &NewSignOffRow {
            id,
            partnership: w.north,
            kind: "yearly_report",
            title,
            description: "",
            funding_year: None,
            requested_by: w.ann,
        },
        at(minutes),
    )
    .await
    .unwrap();
    signoffs::add_round(
        &mut pc.conn(),
        w.north,
        id,
        1,
        None,
        "",
        w.ann,
        &w.partners,
        at(minutes),
    )
    .await
    .unwrap();
    id
}

both_backends!(
    an_item_has_rounds_and_one_decision_per_partner,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let id = add(&db, &w, "Yearly report", 0).await;
        let mut pc = db.acquire().await.unwrap();
        let s = signoffs::find(&mut pc.conn(), w.north, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (s.status.as_str(), s.round, s.signed_count, s.version),
            ("awaiting", 1, 0, 1)
        );
        assert_eq!(s.requested_by_name, "Ann");
        // Another partnership sees nothing and cannot lock it.
        assert!(
            signoffs::find(&mut pc.conn(), w.south, id)
                .await
                .unwrap()
                .is_none()
        );
        assert!(!signoffs::lock(&mut pc.conn(), w.south, id).await.unwrap());
        assert!(signoffs::lock(&mut pc.conn(), w.north, id).await.unwrap());
        assert!(
            signoffs::steps(&mut pc.conn(), w.south, id)
                .await
                .unwrap()
                .is_empty()
        );
        // Steps come in the partners' fixed order.
        let steps = signoffs::steps(&mut pc.conn(), w.north, id).await.unwrap();
        let kinds: Vec<&str> = steps.iter().map(|s| s.partner_kind.as_str()).collect();
        assert_eq!(
            kinds,
            vec!["local_authority", "police", "integrated_care_board"]
        );
        assert!(
            steps
                .iter()
                .all(|s| s.decision == "pending" && s.decided_by.is_none())
        );
        // One decision per partner per round.
        assert!(
            signoffs::decide(
                &mut pc.conn(),
                w.north,
                id,
                1,
                "police",
                "signed",
                "Fine",
                w.bob,
                at(1)
            )
            .await
            .unwrap()
        );
        assert!(
            !signoffs::decide(
                &mut pc.conn(),
                w.north,
                id,
                1,
                "police",
                "returned",
                "No",
                w.bob,
                at(2)
            )
            .await
            .unwrap()
        );
        assert!(
            !signoffs::decide(
                &mut pc.conn(),
                w.south,
                id,
                1,
                "local_authority",
                "signed",
                "",
                w.bob,
                at(2)
            )
            .await
            .unwrap()
        );
        let s = signoffs::find(&mut pc.conn(), w.north, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(s.signed_count, 1);
        let police = signoffs::steps(&mut pc.conn(), w.north, id)
            .await
            .unwrap()
            .into_iter()
            .find(|s| s.partner_kind == "police")
            .unwrap();
        assert_eq!(
            (police.decision.as_str(), police.comment.as_str()),
            ("signed", "Fine")
        );
        assert_eq!(police.decided_by_name.as_deref(), Some("Bob"));
        assert_eq!(police.decided_at, Some(at(1)));
        // A second round resets the steps and keeps the first.
        signoffs::set_state(&mut pc.conn(), w.north, id, "returned", 1, at(3))
            .await
            .unwrap();
        signoffs::add_round(
            &mut pc.conn(),
            w.north,
            id,
            2,
            None,
            "Changed",
            w.ann,
            &w.partners,
            at(4),
        )
        .await
        .unwrap();
        signoffs::set_state(&mut pc.conn(), w.north, id, "awaiting", 2, at(4))
            .await
            .unwrap();
        let s = signoffs::find(&mut pc.conn(), w.north, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (s.status.as_str(), s.round, s.signed_count, s.version),
            ("awaiting", 2, 0, 3)
        );
        let steps = signoffs::steps(&mut pc.conn(), w.north, id).await.unwrap();
        assert_eq!(steps.len(), 6);
        assert_eq!(steps[0].round, 2, "newest round first");
        let rounds = signoffs::rounds(&mut pc.conn(), w.north, id).await.unwrap();
        assert_eq!(
            rounds.iter().map(|r| r.round).collect::<Vec<_>>(),
            vec![2, 1]
        );
        assert_eq!(rounds[0].note, "Changed");
        assert!(
            signoffs::rounds(&mut pc.conn(), w.south, id)
                .await
                .unwrap()
                .is_empty()
        );
        // The same round twice is refused by the database.
        assert!(
            signoffs::add_round(
                &mut pc.conn(),
                w.north,
                id,
                2,
                None,
                "",
                w.ann,
                &w.partners,
                at(5)
            )
            .await
            .is_err()
        );
    }
);

both_backends!(
    the_list_puts_open_items_first_and_counts_by_partnership,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let old = add(&db, &w, "Old", 0).await;
        let done = add(&db, &w, "Done", 10).await;
        let new = add(&db, &w, "New", 20).await;
        let mut pc = db.acquire().await.unwrap();
        signoffs::set_state(&mut pc.conn(), w.north, done, "complete", 1, at(30))
            .await
            .unwrap();
        let titles: Vec<String> = signoffs::list(&mut pc.conn(), w.north)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.title)
            .collect();
        assert_eq!(titles, vec!["New", "Old", "Done"]);
        assert_eq!(signoffs::count(&mut pc.conn(), w.north).await.unwrap(), 3);
        assert_eq!(signoffs::count(&mut pc.conn(), w.south).await.unwrap(), 0);
        assert!(
            signoffs::list(&mut pc.conn(), w.south)
                .await
                .unwrap()
                .is_empty()
        );
        let _ = (old, new);
    }
);
