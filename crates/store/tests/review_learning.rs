//! Store tests for the learning of case reviews (`safeguard_store::review_learning`) on both SQLite
//! and PostgreSQL: the themes taxonomy scoped to its partnership (renamed, retired, sorted the same
//! on both), subjects of both types, themes on subjects and across years, findings and
//! recommendations numbered per subject with optimistic versions, addressees, and the list the
//! recommendations tracker reads.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use safeguard_domain::review_learning::SubjectType;
use safeguard_domain::{OrganisationId, PartnershipId, PersonId};
use safeguard_store::case_reviews::{self as cases, NotificationWrite};
use safeguard_store::db::PoolSettings;
use safeguard_store::review_learning::{self as store, NumberedWrite};
use safeguard_store::{Conn, Db, on_conn, organisations, partnerships, people};
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
    council: OrganisationId,
    police: OrganisationId,
    ann: PersonId,
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
    let mut orgs = Vec::new();
    for (name, kind) in [("A Council", "local_authority"), ("A Police", "police")] {
        let o = organisations::upsert_by_name(&mut c, name, kind, None, at(0))
            .await
            .unwrap();
        let id = OrganisationId(o.organisation_id);
        organisations::add_to_partnership(&mut c, north, id, at(0))
            .await
            .unwrap();
        orgs.push(id);
    }
    let ann = PersonId(Uuid::new_v4());
    people::insert(&mut c, ann, orgs[0], "ann@example.org", "Ann", None, at(0))
        .await
        .unwrap();
    World {
        north,
        south,
        council: orgs[0],
        police: orgs[1],
        ann,
    }
}

async fn notification(c: &mut Conn<'_>, w: &World, reference: &str, aware: &str) -> Uuid {
    let id = Uuid::new_v4();
    cases::insert_notification(
        c,
        w.north,
        id,
        &NotificationWrite {
            reference,
            summary: "Child A was seriously harmed",
            aware_on: day(aware),
            notified_on: None,
            partners_informed_on: None,
            death: false,
            serious_harm: true,
            abuse_or_neglect: "suspected",
            location: "in_area",
            looked_after_death: false,
            care_leaver_death: false,
            resident_elsewhere: false,
            decided_by: "DCS",
            other_children_note: "",
            rapid_review_chosen: false,
        },
        w.ann,
        at(0),
    )
    .await
    .unwrap();
    id
}

/// A practice review row (the practice reviews module writes them; the learning only reads them).
async fn practice_review(c: &mut Conn<'_>, w: &World, reference: &str, commissioned: &str) -> Uuid {
    let id = Uuid::new_v4();
    // language=SQL
    let sql = r#"insert into practice_review (review_id, partnership_id, reference, kind, title, summary,
                 commissioned_on, stage, terms_of_reference, published_url, not_published_reasons,
                 improvements_statement, created_by, created_at, updated_at, version)
                 values ($1, $2, $3, 'thematic', $4, '', $5, 'commissioned', '', '', '', '', $6, $7, $7, 1)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(w.north.0)
        .bind(reference)
        .bind(format!("Review {reference}"))
        .bind(day(commissioned))
        .bind(w.ann.0)
        .bind(at(0))
        .execute(e)
        .await
        .map(|r| r.rows_affected()))
    .unwrap();
    id
}

both_backends!(
    themes_are_scoped_renamed_retired_and_sorted,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let mut pc = db.acquire().await.unwrap();
        let c = &mut pc.conn();
        let (a, b, cc) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        store::insert_theme(c, w.north, a, "record keeping", "", at(0))
            .await
            .unwrap();
        store::insert_theme(c, w.north, b, "Neglect", "Cumulative neglect", at(0))
            .await
            .unwrap();
        store::insert_theme(c, w.north, cc, "Information sharing", "", at(0))
            .await
            .unwrap();
        // the same name twice in a partnership is refused by the database too
        let dup = store::insert_theme(c, w.north, Uuid::new_v4(), "Neglect", "", at(0)).await;
        assert!(dup.unwrap_err().is_conflict_on(""));
        // another partnership may have its own "Neglect"
        store::insert_theme(c, w.south, Uuid::new_v4(), "Neglect", "", at(0))
            .await
            .unwrap();
        let names: Vec<String> = store::list_themes(c, w.north)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        // by name ignoring case, the same on both databases
        assert_eq!(names, ["Information sharing", "Neglect", "record keeping"]);
        assert!(store::find_theme(c, w.south, a).await.unwrap().is_none());
        assert!(
            !store::update_theme(c, w.south, a, "Hijacked", "", at(1))
                .await
                .unwrap()
        );
        assert!(
            store::update_theme(c, w.north, a, "Record keeping", "Recording", at(1))
                .await
                .unwrap()
        );
        assert!(
            store::set_theme_retired(c, w.north, b, true, at(2))
                .await
                .unwrap()
        );
        assert!(
            !store::set_theme_retired(c, w.south, cc, true, at(2))
                .await
                .unwrap()
        );
        let t = store::find_theme(c, w.north, a).await.unwrap().unwrap();
        assert_eq!(
            (t.name.as_str(), t.description.as_str()),
            ("Record keeping", "Recording")
        );
        assert!(!t.retired);
        assert_eq!(t.updated_at, at(1));
        assert!(
            store::find_theme(c, w.north, b)
                .await
                .unwrap()
                .unwrap()
                .retired
        );
    }
);

both_backends!(
    subjects_carry_themes_counted_by_start_date,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let mut pc = db.acquire().await.unwrap();
        let c = &mut pc.conn();
        let n = notification(c, &w, "SIN 2022-02", "2022-09-05").await;
        let r = practice_review(c, &w, "TR 2022-01", "2022-05-16").await;
        let neglect = Uuid::new_v4();
        let moving = Uuid::new_v4();
        store::insert_theme(c, w.north, neglect, "Neglect", "", at(0))
            .await
            .unwrap();
        store::insert_theme(c, w.north, moving, "Families moving", "", at(0))
            .await
            .unwrap();

        let s = store::find_subject(c, w.north, SubjectType::Notification, n)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (s.reference.as_str(), s.started_on),
            ("SIN 2022-02", day("2022-09-05"))
        );
        assert_eq!(s.subject_type, "notification");
        let s = store::find_subject(c, w.north, SubjectType::PracticeReview, r)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (s.title.as_str(), s.started_on),
            ("Review TR 2022-01", day("2022-05-16"))
        );
        assert_eq!(s.subject_type, "practice_review");
        // another partnership, or the wrong type, finds nothing
        assert!(
            store::find_subject(c, w.south, SubjectType::Notification, n)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store::find_subject(c, w.north, SubjectType::PracticeReview, n)
                .await
                .unwrap()
                .is_none()
        );
        let found = store::find_practice_review_by_reference(c, w.north, "TR 2022-01")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((found.review_id, found.published_on), (r, None));
        assert!(
            store::find_practice_review_by_reference(c, w.south, "TR 2022-01")
                .await
                .unwrap()
                .is_none()
        );

        let nt = (SubjectType::Notification, n);
        let rt = (SubjectType::PracticeReview, r);
        store::add_subject_theme(c, w.north, nt, neglect, w.ann, at(1))
            .await
            .unwrap();
        // adding again changes nothing
        store::add_subject_theme(c, w.north, nt, neglect, w.ann, at(2))
            .await
            .unwrap();
        store::add_subject_theme(c, w.north, nt, moving, w.ann, at(1))
            .await
            .unwrap();
        store::add_subject_theme(c, w.north, rt, neglect, w.ann, at(1))
            .await
            .unwrap();
        let on_n = store::subject_themes(c, w.north, SubjectType::Notification, n)
            .await
            .unwrap();
        assert_eq!(on_n.len(), 2);
        assert_eq!(on_n[0].name, "Families moving");
        assert_eq!(on_n[1].added_at, at(1));
        assert!(
            store::subject_themes(c, w.south, SubjectType::Notification, n)
                .await
                .unwrap()
                .is_empty()
        );
        let all = store::themed_subjects(c, w.north, None).await.unwrap();
        assert_eq!(all.len(), 3);
        // by start date: the review (May) before the notification (September)
        assert_eq!(all[0].reference, "TR 2022-01");
        assert_eq!(all[0].subject_type, "practice_review");
        assert_eq!(all[2].started_on, day("2022-09-05"));
        let of_neglect = store::themed_subjects(c, w.north, Some(neglect))
            .await
            .unwrap();
        assert_eq!(of_neglect.len(), 2);
        assert!(of_neglect.iter().all(|x| x.theme_id == neglect));
        assert!(
            store::themed_subjects(c, w.south, None)
                .await
                .unwrap()
                .is_empty()
        );

        store::remove_subject_theme(c, w.south, nt, moving)
            .await
            .unwrap();
        assert_eq!(
            store::subject_themes(c, w.north, SubjectType::Notification, n)
                .await
                .unwrap()
                .len(),
            2
        );
        store::remove_subject_theme(c, w.north, nt, moving)
            .await
            .unwrap();
        let on_n = store::subject_themes(c, w.north, SubjectType::Notification, n)
            .await
            .unwrap();
        assert_eq!(on_n.len(), 1);
        // a retired theme stays on the subject, marked retired
        store::set_theme_retired(c, w.north, neglect, true, at(3))
            .await
            .unwrap();
        assert!(
            store::subject_themes(c, w.north, SubjectType::Notification, n)
                .await
                .unwrap()[0]
                .retired
        );
    }
);

both_backends!(
    findings_and_recommendations_are_numbered_versioned_and_addressed,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let mut pc = db.acquire().await.unwrap();
        let c = &mut pc.conn();
        let n = notification(c, &w, "SIN 2022-02", "2022-09-05").await;
        let r = practice_review(c, &w, "CSPR 2021-01", "2021-06-01").await;
        let nt = (SubjectType::Notification, n);
        let write = |id, number, title: &'static str| NumberedWrite {
            id,
            kind: SubjectType::Notification,
            subject: n,
            number,
            title,
            body: "The body.",
        };
        let (f1, f2) = (Uuid::new_v4(), Uuid::new_v4());
        store::insert_finding(c, w.north, &write(f1, 1, "Records"), w.ann, at(0))
            .await
            .unwrap();
        store::insert_finding(c, w.north, &write(f2, 2, "Curiosity"), w.ann, at(0))
            .await
            .unwrap();
        // a number already taken in the subject is a conflict
        let taken =
            store::insert_finding(c, w.north, &write(Uuid::new_v4(), 2, "Again"), w.ann, at(0))
                .await;
        assert!(matches!(
            taken,
            Err(safeguard_store::StoreError::Conflict(_))
        ));
        assert_eq!(
            store::numbers(c, w.north, false, nt).await.unwrap().len(),
            2
        );
        assert!(
            store::numbers(c, w.north, true, nt)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store::numbers(c, w.south, false, nt)
                .await
                .unwrap()
                .is_empty()
        );
        let list = store::findings(c, w.north, SubjectType::Notification, n)
            .await
            .unwrap();
        assert_eq!(
            list.iter()
                .map(|f| (f.number, f.title.as_str(), f.version))
                .collect::<Vec<_>>(),
            [(1, "Records", 1), (2, "Curiosity", 1)]
        );
        assert!(store::find_finding(c, w.south, f1).await.unwrap().is_none());
        // a stale version changes nothing; the current one bumps it
        assert!(
            !store::update_finding(c, w.north, f1, ("Changed", "Body"), 2, at(1))
                .await
                .unwrap()
        );
        assert!(
            !store::update_finding(c, w.south, f1, ("Changed", "Body"), 1, at(1))
                .await
                .unwrap()
        );
        assert!(
            store::update_finding(
                c,
                w.north,
                f1,
                ("Record keeping", "Records did not move."),
                1,
                at(1)
            )
            .await
            .unwrap()
        );
        let f = store::find_finding(c, w.north, f1).await.unwrap().unwrap();
        assert_eq!(
            (f.title.as_str(), f.version, f.number),
            ("Record keeping", 2, 1)
        );
        assert_eq!(f.updated_at, at(1));

        let (r1, r2) = (Uuid::new_v4(), Uuid::new_v4());
        store::insert_recommendation(
            c,
            w.north,
            &write(r1, 1, "Transfer protocol"),
            Some(f1),
            w.ann,
            at(0),
        )
        .await
        .unwrap();
        store::set_addressees(c, w.north, r1, &[w.council.0, w.police.0])
            .await
            .unwrap();
        let rw = NumberedWrite {
            id: r2,
            kind: SubjectType::PracticeReview,
            subject: r,
            number: 1,
            title: "Neglect toolkit",
            body: "Adopt a toolkit.",
        };
        store::insert_recommendation(c, w.north, &rw, None, w.ann, at(0))
            .await
            .unwrap();
        store::set_addressees(c, w.north, r2, &[w.council.0])
            .await
            .unwrap();
        let to = store::addressees_of(c, w.north, r1).await.unwrap();
        assert_eq!(
            to.iter()
                .map(|a| a.organisation_name.as_str())
                .collect::<Vec<_>>(),
            ["A Council", "A Police"]
        );
        assert!(
            store::addressees_of(c, w.south, r1)
                .await
                .unwrap()
                .is_empty()
        );
        // replacing the addressees
        store::set_addressees(c, w.north, r1, &[w.police.0])
            .await
            .unwrap();
        let of_n = store::addressees(c, w.north, Some(nt)).await.unwrap();
        assert_eq!(of_n.len(), 1);
        assert_eq!(of_n[0].organisation_id, w.police.0);
        assert_eq!(store::addressees(c, w.north, None).await.unwrap().len(), 2);
        assert!(
            store::addressees(c, w.south, None)
                .await
                .unwrap()
                .is_empty()
        );
        // versions on recommendations
        assert!(
            !store::update_recommendation(c, w.north, r1, (None, "T", "B"), 5, at(2))
                .await
                .unwrap()
        );
        assert!(
            store::update_recommendation(
                c,
                w.north,
                r1,
                (None, "Transfer of records", "Agree it."),
                1,
                at(2)
            )
            .await
            .unwrap()
        );
        let rec = store::find_recommendation(c, w.north, r1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((rec.finding_id, rec.version), (None, 2));
        assert!(
            store::find_recommendation(c, w.south, r1)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            store::recommendations(c, w.north, SubjectType::PracticeReview, r)
                .await
                .unwrap()[0]
                .recommendation_id,
            r2
        );
        // the tracker's list: both subject types, with the subject's reference, by start date
        let all = store::partnership_recommendations(c, w.north)
            .await
            .unwrap();
        assert_eq!(
            all.iter()
                .map(|x| (
                    x.subject_reference.as_str(),
                    x.subject_type.as_str(),
                    x.number
                ))
                .collect::<Vec<_>>(),
            [
                ("CSPR 2021-01", "practice_review", 1),
                ("SIN 2022-02", "notification", 1)
            ]
        );
        assert_eq!(all[1].title, "Transfer of records");
        assert_eq!(all[0].subject_started_on, day("2021-06-01"));
        assert!(
            store::partnership_recommendations(c, w.south)
                .await
                .unwrap()
                .is_empty()
        );
    }
);
