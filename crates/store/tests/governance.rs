//! Store tests for governance (`safeguard_store::governance`): bodies with the columns 0005 adds
//! (and the foundation's `bodies` functions still working), memberships ended with their history
//! kept, meetings, agenda order, attendance replaced on re-recording, decisions and the actions they
//! created, and partnership scoping of every read and write, on both SQLite and PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use safeguard_domain::policy::Role;
use safeguard_domain::{ActionId, OrganisationId, PartnershipId, PersonId};
use safeguard_store::db::PoolSettings;
use safeguard_store::governance::{self as gov, BodyWrite, MeetingWrite, MemberWrite};
use safeguard_store::{Db, actions, bodies, organisations, partnerships, people, roles};
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

fn body<'a>(name: &'a str, parent: Option<Uuid>, chair: Option<Uuid>) -> BodyWrite<'a> {
    BodyWrite {
        name,
        kind: if parent.is_some() {
            "sub_group"
        } else {
            "board"
        },
        meeting_frequency: Some("Quarterly"),
        terms_of_reference: "To lead the partnership.",
        chair_person_id: chair,
        parent_body_id: parent,
        start_date: Some(day("2022-04-01")),
        end_date: None,
    }
}

both_backends!(bodies_members_and_scope, |backend| async move {
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
    let org = organisations::upsert_by_name(&mut c, "A Police", "police", None, at(0))
        .await
        .unwrap();
    let org = OrganisationId(org.organisation_id);
    organisations::add_to_partnership(&mut c, north, org, at(0))
        .await
        .unwrap();
    let ann = PersonId(Uuid::new_v4());
    people::insert(&mut c, ann, org, "ann@example.org", "Ann", None, at(0))
        .await
        .unwrap();
    roles::grant(&mut c, north, ann, Role::BoardMember, None, at(0))
        .await
        .unwrap();

    // A body made by the foundation's function gets the new columns' defaults.
    bodies::upsert_by_name(&mut c, north, "Old board", "board", Some("Monthly"), at(0))
        .await
        .unwrap();
    let old = gov::find_body_by_name(&mut c, north, "Old board")
        .await
        .unwrap()
        .unwrap();
    let row = gov::find_body(&mut c, north, old).await.unwrap().unwrap();
    assert_eq!(row.terms_of_reference, "");
    assert_eq!(row.chair_person_id, None);
    assert_eq!(row.meeting_frequency.as_deref(), Some("Monthly"));

    let board = Uuid::new_v4();
    gov::insert_body(
        &mut c,
        north,
        board,
        &body("Board", None, Some(ann.0)),
        at(1),
    )
    .await
    .unwrap();
    let sub = Uuid::new_v4();
    gov::insert_body(
        &mut c,
        north,
        sub,
        &body("Neglect", Some(board), None),
        at(1),
    )
    .await
    .unwrap();
    let s = gov::find_body(&mut c, north, sub).await.unwrap().unwrap();
    assert_eq!(s.parent_name.as_deref(), Some("Board"));
    assert_eq!(s.start_date, Some(day("2022-04-01")));
    let b = gov::find_body(&mut c, north, board).await.unwrap().unwrap();
    assert_eq!(b.chair_name.as_deref(), Some("Ann"));
    // Another partnership sees none of it.
    assert!(
        gov::find_body(&mut c, south, board)
            .await
            .unwrap()
            .is_none()
    );
    assert!(gov::list_bodies(&mut c, south).await.unwrap().is_empty());
    assert!(
        gov::find_body_by_name(&mut c, south, "Board")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        !gov::update_body(&mut c, south, board, &body("Hijack", None, None), at(2))
            .await
            .unwrap()
    );
    // The board first, then sub-groups; the foundation's list still works.
    let names: Vec<String> = gov::list_bodies(&mut c, north)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert_eq!(names, ["Board", "Old board", "Neglect"]);
    assert_eq!(
        bodies::list_for_partnership(&mut c, north)
            .await
            .unwrap()
            .len(),
        3
    );
    let mut changed = body("Neglect sub-group", Some(board), None);
    changed.end_date = Some(day("2024-03-31"));
    assert!(
        gov::update_body(&mut c, north, sub, &changed, at(3))
            .await
            .unwrap()
    );
    let s = gov::find_body(&mut c, north, sub).await.unwrap().unwrap();
    assert_eq!(s.name, "Neglect sub-group");
    assert_eq!(s.end_date, Some(day("2024-03-31")));

    // Memberships: ending one keeps it, once.
    let m = Uuid::new_v4();
    gov::insert_member(
        &mut c,
        north,
        &MemberWrite {
            id: m,
            body_id: board,
            person_id: ann.0,
            organisation_id: org.0,
            role: "chair",
            joined_on: day("2022-04-01"),
        },
        at(4),
    )
    .await
    .unwrap();
    assert!(
        !gov::end_member(&mut c, south, m, day("2023-01-01"))
            .await
            .unwrap()
    );
    assert!(gov::find_member(&mut c, south, m).await.unwrap().is_none());
    assert!(
        gov::end_member(&mut c, north, m, day("2023-01-01"))
            .await
            .unwrap()
    );
    assert!(
        !gov::end_member(&mut c, north, m, day("2023-02-01"))
            .await
            .unwrap()
    );
    let list = gov::list_members(&mut c, north, board).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].left_on, Some(day("2023-01-01")));
    assert_eq!(list[0].organisation_name, "A Police");
    assert!(
        gov::list_members(&mut c, south, board)
            .await
            .unwrap()
            .is_empty()
    );
});

both_backends!(meetings_agenda_attendance_decisions, |backend| async move {
    let db = fresh_db(backend).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let north = partnerships::upsert_by_slug(&mut c, "north", "North", at(0))
        .await
        .unwrap()
        .id();
    let south: PartnershipId = partnerships::upsert_by_slug(&mut c, "south", "South", at(0))
        .await
        .unwrap()
        .id();
    let org = organisations::upsert_by_name(&mut c, "A Council", "local_authority", None, at(0))
        .await
        .unwrap();
    let org = OrganisationId(org.organisation_id);
    let other = organisations::upsert_by_name(&mut c, "B Health", "relevant_agency", None, at(0))
        .await
        .unwrap();
    let ann = PersonId(Uuid::new_v4());
    people::insert(&mut c, ann, org, "ann@example.org", "Ann", None, at(0))
        .await
        .unwrap();
    let board = Uuid::new_v4();
    gov::insert_body(&mut c, north, board, &body("Board", None, None), at(0))
        .await
        .unwrap();
    let (m1, m2) = (Uuid::new_v4(), Uuid::new_v4());
    for (id, date) in [(m2, "2022-09-08"), (m1, "2022-05-12")] {
        gov::insert_meeting(
            &mut c,
            north,
            &MeetingWrite {
                id,
                body_id: board,
                date: day(date),
                start_time: "10:00",
                location: "Room 1",
                status: "planned",
            },
            at(1),
        )
        .await
        .unwrap();
    }
    assert_eq!(gov::count_meetings(&mut c, north).await.unwrap(), 2);
    assert_eq!(gov::count_meetings(&mut c, south).await.unwrap(), 0);
    let list = gov::list_meetings(&mut c, north, board, day("2022-04-01"), day("2023-03-31"))
        .await
        .unwrap();
    assert_eq!(
        list.iter().map(|m| m.meeting_id).collect::<Vec<_>>(),
        [m1, m2]
    );
    assert_eq!(list[0].body_name, "Board");
    assert_eq!(list[0].minutes_status, "none");
    let only_may = gov::list_meetings(&mut c, north, board, day("2022-05-12"), day("2022-05-12"))
        .await
        .unwrap();
    assert_eq!(only_may.len(), 1);
    assert!(
        gov::list_meetings(&mut c, south, board, day("2000-01-01"), day("2100-01-01"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        gov::find_meeting(&mut c, south, m1)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        !gov::set_meeting_status(&mut c, south, m1, "held", at(2))
            .await
            .unwrap()
    );
    assert!(
        gov::set_meeting_status(&mut c, north, m1, "held", at(2))
            .await
            .unwrap()
    );
    assert!(
        !gov::set_minutes(&mut c, south, m1, "x", "draft", at(2))
            .await
            .unwrap()
    );
    assert!(
        gov::set_minutes(&mut c, north, m1, "Agreed.", "approved", at(2))
            .await
            .unwrap()
    );
    // Recent meetings: newest first, limited, and only the partnership's own.
    let recent = gov::recent_meetings(&mut c, north, 10).await.unwrap();
    assert_eq!(
        recent.iter().map(|m| m.meeting_id).collect::<Vec<_>>(),
        vec![m2, m1]
    );
    assert_eq!(
        gov::recent_meetings(&mut c, north, 1).await.unwrap().len(),
        1
    );
    assert!(
        gov::recent_meetings(&mut c, south, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let m = gov::find_meeting(&mut c, north, m1).await.unwrap().unwrap();
    assert_eq!(
        (
            m.status.as_str(),
            m.minutes.as_str(),
            m.minutes_status.as_str()
        ),
        ("held", "Agreed.", "approved")
    );
    assert_eq!(m.start_time, "10:00");

    // Agenda items take the next position.
    let (i1, i2) = (Uuid::new_v4(), Uuid::new_v4());
    assert_eq!(
        gov::insert_agenda_item(
            &mut c,
            north,
            m1,
            i1,
            "Minutes",
            Some(ann.0),
            Some(org.0),
            at(3)
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        gov::insert_agenda_item(&mut c, north, m1, i2, "Reviews", None, None, at(3))
            .await
            .unwrap(),
        2
    );
    let agenda = gov::list_agenda(&mut c, north, m1).await.unwrap();
    assert_eq!(
        agenda.iter().map(|a| a.position).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(agenda[0].owner_person_name.as_deref(), Some("Ann"));
    assert_eq!(
        agenda[0].owner_organisation_name.as_deref(),
        Some("A Council")
    );
    assert!(
        gov::list_agenda(&mut c, south, m1)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        gov::find_agenda_item(&mut c, south, i1)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        gov::find_agenda_item(&mut c, north, i2)
            .await
            .unwrap()
            .unwrap()
            .meeting_id,
        m1
    );

    // Attendance: recording again replaces.
    gov::record_attendance(&mut c, north, m1, ann.0, org.0, "apologies", None, at(4))
        .await
        .unwrap();
    gov::record_attendance(
        &mut c,
        north,
        m1,
        ann.0,
        other.organisation_id,
        "present",
        None,
        at(5),
    )
    .await
    .unwrap();
    let att = gov::list_attendance(&mut c, north, m1).await.unwrap();
    assert_eq!(att.len(), 1);
    assert_eq!(att[0].status, "present");
    assert_eq!(att[0].organisation_name, "B Health");
    assert!(
        gov::list_attendance(&mut c, south, m1)
            .await
            .unwrap()
            .is_empty()
    );
    let rows = gov::attendance_for_body(&mut c, north, board, day("2022-04-01"), day("2023-03-31"))
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![(m1, other.organisation_id, "present".to_owned())]
    );
    assert!(
        gov::attendance_for_body(&mut c, north, board, day("2023-04-01"), day("2024-03-31"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        gov::attendance_for_body(&mut c, south, board, day("2022-04-01"), day("2023-03-31"))
            .await
            .unwrap()
            .is_empty()
    );

    // Decisions and the actions they created.
    let d = Uuid::new_v4();
    gov::insert_decision(
        &mut c,
        north,
        m1,
        d,
        Some(i2),
        "Agreed the review.",
        ann.0,
        at(6),
    )
    .await
    .unwrap();
    let ds = gov::list_decisions(&mut c, north, m1).await.unwrap();
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].agenda_item_id, Some(i2));
    assert_eq!(ds[0].created_by_name, "Ann");
    assert!(
        gov::list_decisions(&mut c, south, m1)
            .await
            .unwrap()
            .is_empty()
    );
    let action = ActionId::new();
    actions::insert(
        &mut c,
        &actions::NewActionRow {
            id: action,
            partnership: north,
            source_type: "decision",
            source_id: Some(d),
            source_label: "Decision: Board 12 May 2022",
            title: "Publish the review",
            description: "",
            owner_organisation: org,
            owner_person: Some(ann),
            due_date: None,
            status: "open",
            created_by: ann,
        },
        at(6),
    )
    .await
    .unwrap();
    let made = gov::decision_actions(&mut c, north, m1).await.unwrap();
    assert_eq!(
        made,
        vec![(
            d,
            action.0,
            "Publish the review".to_owned(),
            "open".to_owned()
        )]
    );
    assert!(
        gov::decision_actions(&mut c, north, m2)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        gov::decision_actions(&mut c, south, m1)
            .await
            .unwrap()
            .is_empty()
    );
});

both_backends!(
    meeting_details_and_withdrawn_agenda_items,
    |backend| async move {
        let db = fresh_db(backend).await;
        let mut pc = db.acquire().await.unwrap();
        let mut c = pc.conn();
        let north = partnerships::upsert_by_slug(&mut c, "north", "North", at(0))
            .await
            .unwrap()
            .id();
        let south: PartnershipId = partnerships::upsert_by_slug(&mut c, "south", "South", at(0))
            .await
            .unwrap()
            .id();
        let org =
            organisations::upsert_by_name(&mut c, "A Council", "local_authority", None, at(0))
                .await
                .unwrap();
        let ann = PersonId(Uuid::new_v4());
        let org = OrganisationId(org.organisation_id);
        people::insert(&mut c, ann, org, "ann@example.org", "Ann", None, at(0))
            .await
            .unwrap();
        let board = Uuid::new_v4();
        gov::insert_body(&mut c, north, board, &body("Board", None, None), at(0))
            .await
            .unwrap();
        let m = Uuid::new_v4();
        gov::insert_meeting(
            &mut c,
            north,
            &MeetingWrite {
                id: m,
                body_id: board,
                date: day("2022-05-12"),
                start_time: "10:00",
                location: "Room 1",
                status: "planned",
            },
            at(1),
        )
        .await
        .unwrap();

        // Details: another partnership changes nothing; this one changes date, time and location.
        assert!(
            !gov::update_meeting_details(&mut c, south, m, day("2022-06-01"), "", "", at(2))
                .await
                .unwrap()
        );
        assert!(
            gov::update_meeting_details(
                &mut c,
                north,
                m,
                day("2022-05-13"),
                "14:30",
                "Civic Offices",
                at(3)
            )
            .await
            .unwrap()
        );
        let got = gov::find_meeting(&mut c, north, m).await.unwrap().unwrap();
        assert_eq!(
            (
                got.meeting_date,
                got.start_time.as_str(),
                got.location.as_str()
            ),
            (day("2022-05-13"), "14:30", "Civic Offices")
        );
        assert_eq!(got.updated_at, at(3));
        assert_eq!(got.status, "planned");

        // Withdrawal: kept in the agenda, marked, once only, and only in its partnership.
        let (i1, i2) = (Uuid::new_v4(), Uuid::new_v4());
        for (id, title) in [(i1, "Apologies"), (i2, "Added by mistake")] {
            gov::insert_agenda_item(&mut c, north, m, id, title, None, None, at(4))
                .await
                .unwrap();
        }
        let fresh = gov::find_agenda_item(&mut c, north, i2)
            .await
            .unwrap()
            .unwrap();
        assert!(fresh.withdrawn_at.is_none() && fresh.withdrawn_reason.is_none());
        assert!(
            !gov::withdraw_agenda_item(&mut c, south, i2, ann.0, "x", at(5))
                .await
                .unwrap()
        );
        assert!(
            gov::withdraw_agenda_item(&mut c, north, i2, ann.0, "Wrong meeting", at(5))
                .await
                .unwrap()
        );
        assert!(
            !gov::withdraw_agenda_item(&mut c, north, i2, ann.0, "Again", at(6))
                .await
                .unwrap()
        );
        let agenda = gov::list_agenda(&mut c, north, m).await.unwrap();
        assert_eq!(agenda.len(), 2);
        assert!(agenda[0].withdrawn_at.is_none());
        assert_eq!(agenda[1].agenda_item_id, i2);
        assert_eq!(agenda[1].withdrawn_at, Some(at(5)));
        assert_eq!(agenda[1].withdrawn_reason.as_deref(), Some("Wrong meeting"));
        // A new item still goes to the end, after the withdrawn one.
        let i3 = Uuid::new_v4();
        let pos = gov::insert_agenda_item(
            &mut c,
            north,
            m,
            i3,
            "Any other business",
            None,
            None,
            at(7),
        )
        .await
        .unwrap();
        assert_eq!(pos, 3);
    }
);
