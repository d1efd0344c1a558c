//! Store tests for case reviews (`safeguard_store::case_reviews`) on both SQLite and PostgreSQL:
//! notifications scoped to their partnership, children apart from their restricted identities, rapid
//! reviews and agency summaries, the deadline table (extensions kept while the basis stands), panel
//! membership, and a rapid review sign-off (the kind the 0010 migration adds to `sign_off`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use safeguard_domain::case_reviews::CaseReviewSettings;
use safeguard_domain::{OrganisationId, PartnershipId, PersonId, SignOffId};
use safeguard_store::case_reviews::{
    self as store, ChildWrite, DeadlineWrite, NotificationWrite, RapidReviewRow,
};
use safeguard_store::db::PoolSettings;
use safeguard_store::governance::{self, BodyWrite, MemberWrite};
use safeguard_store::signoffs::{self, NewSignOffRow};
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
    org: OrganisationId,
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
    let o = organisations::upsert_by_name(&mut c, "A Council", "local_authority", None, at(0))
        .await
        .unwrap();
    let org = OrganisationId(o.organisation_id);
    organisations::add_to_partnership(&mut c, north, org, at(0))
        .await
        .unwrap();
    let ann = PersonId(Uuid::new_v4());
    people::insert(&mut c, ann, org, "ann@example.org", "Ann", None, at(0))
        .await
        .unwrap();
    World {
        north,
        south,
        org,
        ann,
    }
}

fn write<'a>(reference: &'a str, aware: &str, notified: Option<&str>) -> NotificationWrite<'a> {
    NotificationWrite {
        reference,
        summary: "Child A was seriously harmed",
        aware_on: day(aware),
        notified_on: notified.map(day),
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
    }
}

async fn add(db: &Db, w: &World, reference: &str, aware: &str) -> Uuid {
    let mut pc = db.acquire().await.unwrap();
    let id = Uuid::new_v4();
    store::insert_notification(
        &mut pc.conn(),
        w.north,
        id,
        &write(reference, aware, None),
        w.ann,
        at(0),
    )
    .await
    .unwrap();
    id
}

both_backends!(notifications_are_scoped_and_changed, |backend| async move {
    let db = fresh_db(backend).await;
    let w = world(&db).await;
    let a = add(&db, &w, "SIN 2022-01", "2022-05-10").await;
    let b = add(&db, &w, "SIN 2022-02", "2022-09-05").await;
    let mut pc = db.acquire().await.unwrap();
    let c = &mut pc.conn();
    let found = store::find_notification(c, w.north, a)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.aware_on, day("2022-05-10"));
    assert!(found.serious_harm && !found.death && !found.closed);
    assert!(
        store::find_notification(c, w.south, a)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store::reference_taken(c, w.north, "SIN 2022-01", None)
            .await
            .unwrap()
    );
    assert!(
        !store::reference_taken(c, w.north, "SIN 2022-01", Some(a))
            .await
            .unwrap()
    );
    assert!(
        !store::reference_taken(c, w.south, "SIN 2022-01", None)
            .await
            .unwrap()
    );
    let list = store::list_notifications(c, w.north, true, 10)
        .await
        .unwrap();
    assert_eq!(
        list.iter().map(|n| n.notification_id).collect::<Vec<_>>(),
        vec![b, a]
    );
    assert!(
        store::list_notifications(c, w.south, false, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(found.version, 1);
    assert!(
        store::update_notification(
            c,
            w.north,
            a,
            &write("SIN 2022-01", "2022-05-10", Some("2022-05-13")),
            1,
            at(5)
        )
        .await
        .unwrap()
    );
    // made from version 1 again: stale, nothing written
    assert!(
        !store::update_notification(c, w.north, a, &write("X", "2022-05-10", None), 1, at(6))
            .await
            .unwrap()
    );
    assert!(
        !store::update_notification(c, w.south, a, &write("X", "2022-05-10", None), 2, at(5))
            .await
            .unwrap()
    );
    let found = store::find_notification(c, w.north, a)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.reference.as_str(), found.version),
        ("SIN 2022-01", 2)
    );
    store::set_closed(c, w.north, a, true).await.unwrap();
    let open = store::list_notifications(c, w.north, true, 10)
        .await
        .unwrap();
    assert_eq!(open.len(), 1);
    let all = store::list_notifications(c, w.north, false, 10)
        .await
        .unwrap();
    let a_row = all.iter().find(|n| n.notification_id == a).unwrap();
    assert_eq!(a_row.notified_on, Some(day("2022-05-13")));
    assert!(a_row.closed);
});

both_backends!(children_apart_from_their_identities, |backend| async move {
    let db = fresh_db(backend).await;
    let w = world(&db).await;
    let a = add(&db, &w, "SIN 1", "2022-05-10").await;
    let mut pc = db.acquire().await.unwrap();
    let c = &mut pc.conn();
    for (letter, name) in [("A", "Fictional Alpha"), ("B", "Fictional Bravo")] {
        store::insert_child(
            c,
            w.north,
            &ChildWrite {
                id: Uuid::new_v4(),
                notification_id: a,
                letter,
                age_description: "boy aged 3",
                full_name: name,
                date_of_birth: Some(day("2019-04-11")),
                case_reference: "CR-1",
            },
            at(1),
        )
        .await
        .unwrap();
    }
    let children = store::children(c, w.north, a).await.unwrap();
    assert_eq!(
        children
            .iter()
            .map(|c| c.letter.as_str())
            .collect::<Vec<_>>(),
        vec!["A", "B"]
    );
    // the pseudonymised row has no identifying field at all
    let json = serde_json::to_string(&children).unwrap();
    assert!(!json.contains("Fictional"));
    let ids = store::identities(c, w.north, a).await.unwrap();
    assert_eq!(ids[1].full_name, "Fictional Bravo");
    assert_eq!(ids[0].date_of_birth, Some(day("2019-04-11")));
    assert!(store::identities(c, w.south, a).await.unwrap().is_empty());
    assert!(store::children(c, w.south, a).await.unwrap().is_empty());
    // a letter is used once per notification
    let again = store::insert_child(
        c,
        w.north,
        &ChildWrite {
            id: Uuid::new_v4(),
            notification_id: a,
            letter: "A",
            age_description: "x",
            full_name: "y",
            date_of_birth: None,
            case_reference: "",
        },
        at(2),
    )
    .await;
    assert!(again.is_err());
});

both_backends!(rapid_review_agencies_and_sign_off, |backend| async move {
    let db = fresh_db(backend).await;
    let w = world(&db).await;
    let a = add(&db, &w, "SIN 1", "2022-09-05").await;
    let mut pc = db.acquire().await.unwrap();
    let c = &mut pc.conn();
    assert!(store::rapid_review(c, w.north, a).await.unwrap().is_none());
    let mut rr = RapidReviewRow {
        notification_id: a,
        facts: "Facts".into(),
        reg11_a: "yes".into(),
        reg11_a_rationale: "Because".into(),
        ..Default::default()
    };
    assert!(
        store::save_rapid_review(c, w.north, &rr, at(1))
            .await
            .unwrap()
    );
    rr.decision = Some("local_cspr".into());
    rr.decision_rationale = "Criteria met".into();
    rr.decided_on = Some(day("2022-09-27"));
    // still made from version 0 (a second "first" save): stale, nothing written
    assert!(
        !store::save_rapid_review(c, w.north, &rr, at(2))
            .await
            .unwrap()
    );
    assert_eq!(
        store::rapid_review(c, w.north, a)
            .await
            .unwrap()
            .unwrap()
            .decision,
        None
    );
    rr.version = 1;
    assert!(
        store::save_rapid_review(c, w.north, &rr, at(2))
            .await
            .unwrap()
    );
    let got = store::rapid_review(c, w.north, a).await.unwrap().unwrap();
    assert_eq!(got.version, 2);
    assert_eq!(got.facts, "Facts");
    assert_eq!(got.decision.as_deref(), Some("local_cspr"));
    assert_eq!(got.decided_on, Some(day("2022-09-27")));
    assert!(store::rapid_review(c, w.south, a).await.unwrap().is_none());
    // another partnership cannot overwrite it through the upsert
    let mut evil = rr.clone();
    evil.facts = "Overwritten".into();
    evil.version = 2;
    assert!(
        !store::save_rapid_review(c, w.south, &evil, at(3))
            .await
            .unwrap()
    );
    assert_eq!(
        store::rapid_review(c, w.north, a)
            .await
            .unwrap()
            .unwrap()
            .facts,
        "Facts"
    );
    store::save_agency(c, w.north, a, w.org.0, day("2022-09-09"), None)
        .await
        .unwrap();
    store::save_agency(
        c,
        w.north,
        a,
        w.org.0,
        day("2022-09-09"),
        Some(day("2022-09-16")),
    )
    .await
    .unwrap();
    let ag = store::agencies(c, w.north, a).await.unwrap();
    assert_eq!(ag.len(), 1);
    assert_eq!(ag[0].organisation_name, "A Council");
    assert_eq!(ag[0].received_on, Some(day("2022-09-16")));
    // the sign_off table takes the new kind on both databases
    let sid = SignOffId::new();
    signoffs::insert(
        c,
        &NewSignOffRow {
            id: sid,
            partnership: w.north,
            kind: "rapid_review",
            title: "Rapid review SIN 1",
            description: "",
            funding_year: None,
            requested_by: w.ann,
        },
        at(4),
    )
    .await
    .unwrap();
    store::set_sign_off(c, w.north, a, sid.0).await.unwrap();
    assert_eq!(
        store::rapid_review(c, w.north, a)
            .await
            .unwrap()
            .unwrap()
            .sign_off_id,
        Some(sid.0)
    );
    let bad = signoffs::insert(
        c,
        &NewSignOffRow {
            id: SignOffId::new(),
            partnership: w.north,
            kind: "nonsense",
            title: "x",
            description: "",
            funding_year: None,
            requested_by: w.ann,
        },
        at(5),
    )
    .await;
    assert!(bad.is_err(), "the kind check still refuses unknown kinds");
});

both_backends!(
    deadlines_keep_extensions_while_the_basis_stands,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let a = add(&db, &w, "SIN 1", "2022-05-26").await;
        let b = add(&db, &w, "SIN 2", "2022-09-12").await;
        let mut pc = db.acquire().await.unwrap();
        let c = &mut pc.conn();
        let notify = |basis: &str, due: &str, met: Option<&str>| DeadlineWrite {
            rule: "notify_panel",
            basis_on: day(basis),
            due_on: day(due),
            met_on: met.map(day),
        };
        store::replace_deadlines(
            c,
            w.north,
            "notification",
            a,
            &[notify("2022-05-26", "2022-06-06", None)],
            at(1),
        )
        .await
        .unwrap();
        store::replace_deadlines(
            c,
            w.north,
            "notification",
            b,
            &[notify("2022-09-12", "2022-09-20", None)],
            at(1),
        )
        .await
        .unwrap();
        assert!(
            store::extend_deadline(
                c,
                w.north,
                "notification",
                a,
                "notify_panel",
                (day("2022-06-10"), "Reason"),
                at(2)
            )
            .await
            .unwrap()
        );
        assert!(
            !store::extend_deadline(
                c,
                w.south,
                "notification",
                a,
                "notify_panel",
                (day("2022-06-10"), "Reason"),
                at(2)
            )
            .await
            .unwrap()
        );
        // same basis, a rapid review clock added: the extension stays
        let rr = DeadlineWrite {
            rule: "rapid_review",
            basis_on: day("2022-06-06"),
            due_on: day("2022-06-27"),
            met_on: None,
        };
        store::replace_deadlines(
            c,
            w.north,
            "notification",
            a,
            &[
                notify("2022-05-26", "2022-06-06", Some("2022-06-06")),
                rr.clone(),
            ],
            at(3),
        )
        .await
        .unwrap();
        let rows = store::deadlines(c, w.north, "notification", a)
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].rule, "notify_panel");
        assert_eq!(rows[0].extended_to, Some(day("2022-06-10")));
        assert_eq!(rows[0].extension_reason, "Reason");
        assert_eq!(rows[0].met_on, Some(day("2022-06-06")));
        // open clocks of the partnership, soonest first (the met one is not open)
        let open = store::open_deadlines(c, w.north, 10).await.unwrap();
        assert_eq!(
            open.iter()
                .map(|d| (d.subject_id, d.rule.as_str()))
                .collect::<Vec<_>>(),
            vec![(a, "rapid_review"), (b, "notify_panel")]
        );
        assert!(
            store::open_deadlines(c, w.south, 10)
                .await
                .unwrap()
                .is_empty()
        );
        // the digest: open clocks of every partnership due (in force) by a date, with their references
        let digest = store::digest_deadlines(c, day("2022-06-30")).await.unwrap();
        assert_eq!(
            digest
                .iter()
                .map(|d| (d.reference.as_str(), d.rule.as_str()))
                .collect::<Vec<_>>(),
            vec![("SIN 1", "rapid_review")]
        );
        assert_eq!(digest[0].partnership_name, "North");
        assert_eq!(
            store::digest_deadlines(c, day("2022-12-31"))
                .await
                .unwrap()
                .len(),
            2
        );
        // the basis moved: the extension goes; the rapid review clock is dropped when not given
        store::replace_deadlines(
            c,
            w.north,
            "notification",
            a,
            &[notify("2022-05-27", "2022-06-07", None)],
            at(4),
        )
        .await
        .unwrap();
        let rows = store::deadlines(c, w.north, "notification", a)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].extended_to, None);
        assert_eq!(rows[0].extension_reason, "");
        assert_eq!(rows[0].due_on, day("2022-06-07"));
    }
);

both_backends!(
    panel_membership_is_current_membership_of_a_marked_body,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let mut pc = db.acquire().await.unwrap();
        let c = &mut pc.conn();
        let body = Uuid::new_v4();
        governance::insert_body(
            c,
            w.north,
            body,
            &BodyWrite {
                name: "Case Review Panel",
                kind: "sub_group",
                meeting_frequency: None,
                terms_of_reference: "",
                chair_person_id: None,
                parent_body_id: None,
                start_date: None,
                end_date: None,
            },
            at(0),
        )
        .await
        .unwrap();
        let member = Uuid::new_v4();
        governance::insert_member(
            c,
            w.north,
            &MemberWrite {
                id: member,
                body_id: body,
                person_id: w.ann.0,
                organisation_id: w.org.0,
                role: "member",
                joined_on: day("2022-04-01"),
            },
            at(0),
        )
        .await
        .unwrap();
        let today = day("2022-09-01");
        assert!(
            !store::is_panel_member(c, w.north, w.ann, today)
                .await
                .unwrap()
        );
        assert!(
            store::set_handles_case_reviews(c, w.north, body, true)
                .await
                .unwrap()
        );
        assert!(
            !store::set_handles_case_reviews(c, w.south, body, true)
                .await
                .unwrap()
        );
        assert!(
            store::is_panel_member(c, w.north, w.ann, today)
                .await
                .unwrap()
        );
        assert!(
            !store::is_panel_member(c, w.north, w.ann, day("2022-03-01"))
                .await
                .unwrap()
        );
        assert!(
            !store::is_panel_member(c, w.south, w.ann, today)
                .await
                .unwrap()
        );
        assert_eq!(
            store::panel_members(c, w.north, today).await.unwrap(),
            vec![w.ann.0]
        );
        governance::end_member(c, w.north, member, day("2022-10-01"))
            .await
            .unwrap();
        assert!(
            store::is_panel_member(c, w.north, w.ann, today)
                .await
                .unwrap()
        );
        assert!(
            !store::is_panel_member(c, w.north, w.ann, day("2022-10-01"))
                .await
                .unwrap()
        );
    }
);

both_backends!(
    settings_default_until_saved_and_saved_by_version,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let mut pc = db.acquire().await.unwrap();
        let c = &mut pc.conn();
        let d = store::get_settings(c, w.north).await.unwrap();
        assert_eq!(
            (
                d.pre_publication_notice_days,
                d.reminder_lead_days.clone(),
                d.version
            ),
            (7, vec![10, 5, 2], 0)
        );
        let mut s = CaseReviewSettings {
            pre_publication_notice_days: 12,
            reminder_lead_days: vec![15, 3, 0],
            version: 0,
        };
        assert!(store::save_settings(c, w.north, &s, at(1)).await.unwrap());
        let got = store::get_settings(c, w.north).await.unwrap();
        assert_eq!(
            (
                got.pre_publication_notice_days,
                got.reminder_lead_days.clone(),
                got.version
            ),
            (12, vec![15, 3, 0], 1)
        );
        // made from the defaults again (version 0): stale, nothing written
        s.pre_publication_notice_days = 30;
        assert!(!store::save_settings(c, w.north, &s, at(2)).await.unwrap());
        s.version = 1;
        s.reminder_lead_days = Vec::new();
        assert!(store::save_settings(c, w.north, &s, at(2)).await.unwrap());
        let got = store::get_settings(c, w.north).await.unwrap();
        assert_eq!(
            (
                got.pre_publication_notice_days,
                got.reminder_lead_days.len(),
                got.version
            ),
            (30, 0, 2)
        );
        // the other partnership still has the defaults
        assert_eq!(store::get_settings(c, w.south).await.unwrap().version, 0);
    }
);

both_backends!(
    an_empty_rapid_review_is_started_once_and_never_overwritten,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let a = add(&db, &w, "SIN 1", "2022-09-05").await;
        let mut pc = db.acquire().await.unwrap();
        let c = &mut pc.conn();
        // not for a notification of another partnership
        store::ensure_rapid_review(c, w.south, a, at(1))
            .await
            .unwrap();
        assert!(store::rapid_review(c, w.north, a).await.unwrap().is_none());
        store::ensure_rapid_review(c, w.north, a, at(1))
            .await
            .unwrap();
        let rr = store::rapid_review(c, w.north, a).await.unwrap().unwrap();
        assert_eq!((rr.version, rr.facts.as_str()), (1, ""));
        let saved = RapidReviewRow {
            facts: "Saved facts".into(),
            ..rr
        };
        assert!(
            store::save_rapid_review(c, w.north, &saved, at(2))
                .await
                .unwrap()
        );
        store::ensure_rapid_review(c, w.north, a, at(3))
            .await
            .unwrap();
        let rr = store::rapid_review(c, w.north, a).await.unwrap().unwrap();
        assert_eq!((rr.version, rr.facts.as_str()), (2, "Saved facts"));
        // the dashboard's stages of open notifications, in one query
        let stages = store::open_rapid_review_stages(c, w.north).await.unwrap();
        assert_eq!(stages.len(), 1);
        assert_eq!(stages[0].notification_id, a);
        assert!(
            store::open_rapid_review_stages(c, w.south)
                .await
                .unwrap()
                .is_empty()
        );
        store::set_closed(c, w.north, a, true).await.unwrap();
        assert!(
            store::open_rapid_review_stages(c, w.north)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

both_backends!(
    reminders_read_open_clocks_of_every_subject_type,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let a = add(&db, &w, "SIN 7", "2022-05-26").await;
        let mut pc = db.acquire().await.unwrap();
        let c = &mut pc.conn();
        let clock = |rule: &'static str, basis: &str, due: &str, met: Option<&str>| DeadlineWrite {
            rule,
            basis_on: day(basis),
            due_on: day(due),
            met_on: met.map(day),
        };
        store::replace_deadlines(
            c,
            w.north,
            "notification",
            a,
            &[
                clock(
                    "notify_panel",
                    "2022-05-26",
                    "2022-06-06",
                    Some("2022-06-01"),
                ),
                clock("rapid_review", "2022-06-01", "2022-06-22", None),
            ],
            at(1),
        )
        .await
        .unwrap();
        // a clock of a subject type the first slice does not know (a practice review's)
        let review = Uuid::new_v4();
        store::replace_deadlines(
            c,
            w.north,
            "practice_review",
            review,
            &[clock("cspr_complete", "2022-06-01", "2022-12-01", None)],
            at(1),
        )
        .await
        .unwrap();
        let rows = store::reminder_deadlines(c, day("2022-12-31"))
            .await
            .unwrap();
        assert_eq!(
            rows.iter()
                .map(|r| (
                    r.subject_type.as_str(),
                    r.reference.as_str(),
                    r.rule.as_str()
                ))
                .collect::<Vec<_>>(),
            vec![
                ("notification", "SIN 7", "rapid_review"),
                ("practice_review", "", "cspr_complete")
            ]
        );
        assert_eq!(rows[0].partnership_name, "North");
        assert_eq!(rows[1].subject_id, review);
        // only those due (in force) by the date; an extension moves the date in force
        assert_eq!(
            store::reminder_deadlines(c, day("2022-06-30"))
                .await
                .unwrap()
                .len(),
            1
        );
        store::extend_deadline(
            c,
            w.north,
            "notification",
            a,
            "rapid_review",
            (day("2022-07-15"), "Reason"),
            at(2),
        )
        .await
        .unwrap();
        assert!(
            store::reminder_deadlines(c, day("2022-06-30"))
                .await
                .unwrap()
                .is_empty()
        );
        let rows = store::reminder_deadlines(c, day("2022-07-15"))
            .await
            .unwrap();
        assert_eq!(rows[0].extended_to, Some(day("2022-07-15")));
    }
);

both_backends!(
    a_body_is_marked_as_the_panel_within_its_partnership,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let mut pc = db.acquire().await.unwrap();
        let c = &mut pc.conn();
        let body = Uuid::new_v4();
        governance::insert_body(
            c,
            w.north,
            body,
            &BodyWrite {
                name: "Panel",
                kind: "sub_group",
                meeting_frequency: None,
                terms_of_reference: "",
                chair_person_id: None,
                parent_body_id: None,
                start_date: None,
                end_date: None,
            },
            at(0),
        )
        .await
        .unwrap();
        assert_eq!(
            store::body_handles_case_reviews(c, w.north, body)
                .await
                .unwrap(),
            Some(false)
        );
        assert_eq!(
            store::body_handles_case_reviews(c, w.south, body)
                .await
                .unwrap(),
            None
        );
        store::set_handles_case_reviews(c, w.north, body, true)
            .await
            .unwrap();
        assert_eq!(
            store::body_handles_case_reviews(c, w.north, body)
                .await
                .unwrap(),
            Some(true)
        );
        let row = governance::find_body(c, w.north, body)
            .await
            .unwrap()
            .unwrap();
        assert!(row.handles_case_reviews);
    }
);
