//! Store tests for the recommendations tracker (`safeguard_store::recommendations`) on both SQLite and
//! PostgreSQL: sources scoped to their partnership with counts, a local CSPR source's practice
//! review read by reference, recommendations numbered per source (a taken number refused), their
//! addressees, the self-assessed and verified statuses with the version check (a verdict cleared by
//! a new self-assessment), the append-only history, evidence, and actions found by their source.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use safeguard_domain::recommendations::{Evidence, Recommendation, Source, SourceKind};
use safeguard_domain::{ActionId, OrganisationId, PartnershipId, PersonId};
use safeguard_store::db::PoolSettings;
use safeguard_store::recommendations as store;
use safeguard_store::{Db, StoreError, actions, on_conn, organisations, partnerships, people};
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

fn source(kind: SourceKind, title: &str, date: &str, review: Option<Uuid>) -> Source {
    Source {
        kind,
        title: title.into(),
        published_on: day(date),
        publisher: "Publisher".into(),
        link: String::new(),
        file_id: None,
        review_id: review,
    }
}

fn rec(number: i32, to: Vec<Uuid>, lead: Option<PersonId>) -> Recommendation {
    Recommendation {
        number,
        title: format!("Recommendation {number}"),
        body: "Do it.".into(),
        review_recommendation_id: None,
        addressees: to,
        accepted: true,
        not_accepted_reason: String::new(),
        lead_person_id: lead.map(|p| p.0),
        target_date: Some(day("2023-12-31")),
    }
}

both_backends!(
    sources_recommendations_statuses_history_and_evidence,
    |backend| async move {
        let db = fresh_db(backend).await;
        let mut pc = db.acquire().await.unwrap();
        let c = &mut pc.conn();
        let north = partnerships::upsert_by_slug(c, "north", "North", at(0))
            .await
            .unwrap()
            .id();
        let south: PartnershipId = partnerships::upsert_by_slug(c, "south", "South", at(0))
            .await
            .unwrap()
            .id();
        let mut orgs = Vec::new();
        for (name, kind) in [("B Council", "local_authority"), ("A Police", "police")] {
            let o = organisations::upsert_by_name(c, name, kind, None, at(0))
                .await
                .unwrap();
            organisations::add_to_partnership(c, north, OrganisationId(o.organisation_id), at(0))
                .await
                .unwrap();
            orgs.push(o.organisation_id);
        }
        let ann = PersonId(Uuid::new_v4());
        people::insert(
            c,
            ann,
            OrganisationId(orgs[0]),
            "ann@example.org",
            "Ann",
            None,
            at(0),
        )
        .await
        .unwrap();

        // A practice review of the north, read by reference.
        let review = Uuid::new_v4();
        let sql = "insert into practice_review (review_id, partnership_id, reference, kind, title, summary, \
                   commissioned_on, stage, terms_of_reference, published_url, not_published_reasons, \
                   improvements_statement, created_by, created_at, updated_at, version) \
                   values ($1, $2, 'CSPR 2022-01', 'local', 'Child L', '', $3, 'commissioned', '', '', '', '', $4, $5, $5, 1)";
        on_conn!(c, |e| sqlx::query(sql)
            .bind(review)
            .bind(north.0)
            .bind(day("2022-04-01"))
            .bind(ann.0)
            .bind(at(0))
            .execute(e)
            .await
            .map(|r| r.rows_affected()))
        .unwrap();
        let refs = store::practice_reviews(c, north).await.unwrap();
        assert_eq!(refs.len(), 1);
        assert_eq!(
            (refs[0].reference.as_str(), refs[0].title.as_str()),
            ("CSPR 2022-01", "Child L")
        );
        assert!(
            store::practice_review_ref(c, south, review)
                .await
                .unwrap()
                .is_none()
        );
        assert!(store::practice_reviews(c, south).await.unwrap().is_empty());

        let inquiry = Uuid::new_v4();
        store::insert_source(
            c,
            north,
            inquiry,
            &source(SourceKind::Inquiry, "Inquiry", "2022-07-12", None),
            ann,
            at(1),
        )
        .await
        .unwrap();
        let cspr = Uuid::new_v4();
        store::insert_source(
            c,
            north,
            cspr,
            &source(SourceKind::LocalCspr, "Child L", "2023-01-10", Some(review)),
            ann,
            at(2),
        )
        .await
        .unwrap();
        let all = store::sources(c, north).await.unwrap();
        assert_eq!(
            all.iter().map(|s| s.title.as_str()).collect::<Vec<_>>(),
            ["Child L", "Inquiry"],
            "newest first"
        );
        assert_eq!(all[1].published_on, day("2022-07-12"));
        assert_eq!(all[0].review_id, Some(review));
        assert!(store::sources(c, south).await.unwrap().is_empty());
        assert!(
            store::find_source(c, south, inquiry)
                .await
                .unwrap()
                .is_none()
        );

        // Recommendations: numbered per source; a taken number is a conflict.
        let r1 = Uuid::new_v4();
        let r2 = Uuid::new_v4();
        assert_eq!(store::next_number(c, north, inquiry).await.unwrap(), 1);
        store::insert_recommendation(
            c,
            north,
            (r1, inquiry),
            &rec(1, vec![orgs[0], orgs[1]], Some(ann)),
            ann,
            at(3),
        )
        .await
        .unwrap();
        store::insert_recommendation(
            c,
            north,
            (r2, inquiry),
            &rec(2, vec![orgs[1]], None),
            ann,
            at(3),
        )
        .await
        .unwrap();
        let dup = store::insert_recommendation(
            c,
            north,
            (Uuid::new_v4(), inquiry),
            &rec(2, vec![], None),
            ann,
            at(3),
        )
        .await;
        assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
        assert_eq!(store::next_number(c, north, inquiry).await.unwrap(), 3);
        let rows = store::recommendations(c, north, inquiry).await.unwrap();
        assert_eq!(rows.iter().map(|r| r.number).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(rows[0].lead_name.as_deref(), Some("Ann"));
        assert!(rows[0].accepted);
        assert_eq!(rows[0].target_date, Some(day("2023-12-31")));
        assert_eq!(rows[0].self_status, "not_started");
        assert_eq!(rows[0].verified_status, None);
        assert_eq!(
            store::find_source(c, north, inquiry)
                .await
                .unwrap()
                .unwrap()
                .recommendations,
            2
        );
        assert!(
            store::find_recommendation(c, south, r1)
                .await
                .unwrap()
                .is_none()
        );
        let to = store::addressees(c, north, inquiry, None).await.unwrap();
        assert_eq!(to.len(), 3);
        assert_eq!(to[0].organisation_name, "A Police", "by name");
        let to1 = store::addressees(c, north, inquiry, Some(r1))
            .await
            .unwrap();
        assert_eq!(
            to1.iter()
                .map(|a| a.organisation_name.as_str())
                .collect::<Vec<_>>(),
            ["A Police", "B Council"]
        );
        assert!(
            store::addressees(c, south, inquiry, None)
                .await
                .unwrap()
                .is_empty()
        );

        // Statuses with the version check; a new self-assessment clears the verdict.
        assert!(
            store::set_self_status(c, north, r1, "ready_for_assessment", 1, at(4))
                .await
                .unwrap()
        );
        assert!(
            !store::set_self_status(c, north, r1, "in_progress", 1, at(5))
                .await
                .unwrap(),
            "stale"
        );
        assert!(
            !store::set_self_status(c, south, r1, "in_progress", 2, at(5))
                .await
                .unwrap(),
            "other partnership"
        );
        assert!(
            store::set_verified_status(c, north, r1, "implemented", 2, at(6))
                .await
                .unwrap()
        );
        let row = store::find_recommendation(c, north, r1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                row.self_status.as_str(),
                row.verified_status.as_deref(),
                row.version
            ),
            ("ready_for_assessment", Some("implemented"), 3)
        );
        assert!(
            store::set_self_status(c, north, r1, "in_progress", 3, at(7))
                .await
                .unwrap()
        );
        let row = store::find_recommendation(c, north, r1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.self_status.as_str(), row.verified_status, row.version),
            ("in_progress", None, 4)
        );

        // The history is append-only and in order.
        store::append_event(
            c,
            north,
            r1,
            ("self", "ready_for_assessment", "ready"),
            ann,
            at(4),
        )
        .await
        .unwrap();
        store::append_event(
            c,
            north,
            r1,
            ("verification", "implemented", ""),
            ann,
            at(6),
        )
        .await
        .unwrap();
        store::append_event(
            c,
            north,
            r1,
            ("self", "in_progress", "reopened"),
            ann,
            at(7),
        )
        .await
        .unwrap();
        let ev = store::events(c, north, r1).await.unwrap();
        assert_eq!(
            ev.iter().map(|e| e.seq).collect::<Vec<_>>(),
            [3, 2, 1],
            "newest first"
        );
        assert_eq!(ev[1].kind, "verification");
        assert_eq!(ev[0].by_name, "Ann");
        assert_eq!(ev[2].at, at(4));
        assert!(store::events(c, south, r1).await.unwrap().is_empty());
        let upd = on_conn!(c, |e| sqlx::query(
            "update recommendation_status_event set note = 'edited'"
        )
        .execute(e)
        .await
        .map(|r| r.rows_affected()));
        assert!(upd.is_err(), "history was edited");
        let del = on_conn!(c, |e| sqlx::query(
            "delete from recommendation_status_event"
        )
        .execute(e)
        .await
        .map(|r| r.rows_affected()));
        assert!(del.is_err(), "history was deleted");
        assert_eq!(store::events(c, north, r1).await.unwrap().len(), 3);

        // Evidence: a link, with who added it and when.
        let ev = Evidence {
            file_id: None,
            url: "https://www.gov.uk/".into(),
            label: "Guidance".into(),
        };
        store::insert_evidence(c, north, r1, &ev, ann, at(8))
            .await
            .unwrap();
        let list = store::evidence(c, north, r1, false).await.unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(
            (
                list[0].url.as_str(),
                list[0].label.as_str(),
                list[0].added_by_name.as_str()
            ),
            ("https://www.gov.uk/", "Guidance", "Ann")
        );
        assert_eq!(list[0].added_at, at(8));
        assert!(
            store::evidence(c, south, r1, true)
                .await
                .unwrap()
                .is_empty()
        );

        // Actions of the one action model, found by their source.
        let a = ActionId::new();
        actions::insert(
            c,
            &actions::NewActionRow {
                id: a,
                partnership: north,
                source_type: "recommendation",
                source_id: Some(r1),
                source_label: "Inquiry, recommendation 1",
                title: "Train staff",
                description: "",
                owner_organisation: OrganisationId(orgs[0]),
                owner_person: Some(ann),
                due_date: Some(day("2023-06-30")),
                status: "open",
                created_by: ann,
            },
            at(9),
        )
        .await
        .unwrap();
        let found = actions::by_source(c, north, "recommendation", &[r1])
            .await
            .unwrap();
        assert_eq!(found.iter().map(|x| x.action_id).collect::<Vec<_>>(), [a.0]);
        assert!(
            actions::by_source(c, north, "recommendation", &[r2])
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            actions::by_source(c, south, "recommendation", &[r1])
                .await
                .unwrap()
                .is_empty()
        );
        // The filter is in SQL: several ids at once, by due date; another source type with the
        // same id and no ids at all find nothing more.
        let b = ActionId::new();
        let m = ActionId::new();
        for (id, source_type, source_id, due) in [
            (b, "recommendation", r2, "2023-05-31"),
            (m, "meeting", r1, "2023-04-30"),
        ] {
            actions::insert(
                c,
                &actions::NewActionRow {
                    id,
                    partnership: north,
                    source_type,
                    source_id: Some(source_id),
                    source_label: "Label",
                    title: "Another",
                    description: "",
                    owner_organisation: OrganisationId(orgs[0]),
                    owner_person: Some(ann),
                    due_date: Some(day(due)),
                    status: "open",
                    created_by: ann,
                },
                at(10),
            )
            .await
            .unwrap();
        }
        let both = actions::by_source(c, north, "recommendation", &[r1, r2])
            .await
            .unwrap();
        assert_eq!(
            both.iter().map(|x| x.action_id).collect::<Vec<_>>(),
            [b.0, a.0]
        );
        assert!(
            actions::by_source(c, north, "recommendation", &[])
                .await
                .unwrap()
                .is_empty()
        );
        let meeting = actions::by_source(c, north, "meeting", &[r1, r2])
            .await
            .unwrap();
        assert_eq!(
            meeting.iter().map(|x| x.action_id).collect::<Vec<_>>(),
            [m.0]
        );
    }
);

both_backends!(
    progress_events_public_sources_and_edits,
    |backend| async move {
        let db = fresh_db(backend).await;
        let mut pc = db.acquire().await.unwrap();
        let c = &mut pc.conn();
        let north = partnerships::upsert_by_slug(c, "north", "North", at(0))
            .await
            .unwrap()
            .id();
        let south = partnerships::upsert_by_slug(c, "south", "South", at(0))
            .await
            .unwrap()
            .id();
        let o = organisations::upsert_by_name(c, "N Council", "local_authority", None, at(0))
            .await
            .unwrap();
        organisations::add_to_partnership(c, north, OrganisationId(o.organisation_id), at(0))
            .await
            .unwrap();
        let o2 = organisations::upsert_by_name(c, "N Police", "police", None, at(0))
            .await
            .unwrap();
        let ann = PersonId(Uuid::new_v4());
        people::insert(
            c,
            ann,
            OrganisationId(o.organisation_id),
            "ann@example.org",
            "Ann",
            None,
            at(0),
        )
        .await
        .unwrap();
        let (src, other_src) = (Uuid::new_v4(), Uuid::new_v4());
        store::insert_source(
            c,
            north,
            src,
            &source(SourceKind::Inquiry, "Inquiry", "2022-07-12", None),
            ann,
            at(1),
        )
        .await
        .unwrap();
        store::insert_source(
            c,
            north,
            other_src,
            &source(SourceKind::Other, "Audit", "2022-08-01", None),
            ann,
            at(1),
        )
        .await
        .unwrap();
        let (r1, r2, r3) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        store::insert_recommendation(
            c,
            north,
            (r1, src),
            &rec(1, vec![o.organisation_id], None),
            ann,
            at(2),
        )
        .await
        .unwrap();
        store::insert_recommendation(
            c,
            north,
            (r2, src),
            &rec(2, vec![o.organisation_id], None),
            ann,
            at(2),
        )
        .await
        .unwrap();
        store::insert_recommendation(
            c,
            north,
            (r3, other_src),
            &rec(1, vec![o.organisation_id], None),
            ann,
            at(2),
        )
        .await
        .unwrap();
        for (r, kind, status, m) in [
            (r2, "self", "in_progress", 10),
            (r1, "self", "in_progress", 11),
            (r2, "self", "ready_for_assessment", 12),
            (r2, "verification", "implemented", 13),
            (r3, "self", "in_progress", 14),
        ] {
            store::append_event(c, north, r, (kind, status, ""), ann, at(m))
                .await
                .unwrap();
        }
        // One query: the source's entries only, by recommendation and in the order written.
        let ev = store::source_events(c, north, src).await.unwrap();
        assert_eq!(ev.len(), 4);
        assert!(ev.iter().all(|e| e.recommendation_id != r3));
        let of_r2: Vec<(&str, &str)> = ev
            .iter()
            .filter(|e| e.recommendation_id == r2)
            .map(|e| (e.kind.as_str(), e.status.as_str()))
            .collect();
        assert_eq!(
            of_r2,
            vec![
                ("self", "in_progress"),
                ("self", "ready_for_assessment"),
                ("verification", "implemented")
            ]
        );
        assert_eq!(
            ev.iter().rfind(|e| e.recommendation_id == r2).unwrap().at,
            at(13)
        );
        assert!(
            store::source_events(c, south, src)
                .await
                .unwrap()
                .is_empty()
        );

        // Publishing: versioned, scoped, found by slug only while published.
        assert!(
            store::find_public_source(c, "north", src)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            !store::set_progress_public(c, north, src, true, 2, at(20))
                .await
                .unwrap(),
            "stale"
        );
        assert!(
            !store::set_progress_public(c, south, src, true, 1, at(20))
                .await
                .unwrap(),
            "another partnership"
        );
        assert!(
            store::set_progress_public(c, north, src, true, 1, at(20))
                .await
                .unwrap()
        );
        let (p, row) = store::find_public_source(c, "north", src)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(p, north);
        assert!(row.progress_public);
        assert_eq!(row.version, 2);
        assert_eq!(row.progress_published_at, Some(at(20)));
        assert!(
            store::find_public_source(c, "south", src)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store::find_public_source(c, "nowhere", src)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store::find_public_source(c, "north", other_src)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store::set_progress_public(c, north, src, false, 2, at(21))
                .await
                .unwrap()
        );
        assert!(
            store::find_public_source(c, "north", src)
                .await
                .unwrap()
                .is_none()
        );
        let row = store::find_source(c, north, src).await.unwrap().unwrap();
        assert_eq!(
            (row.progress_public, row.version, row.progress_published_at),
            (false, 3, Some(at(20)))
        );

        // Editing a source: versioned, scoped; the kind stays.
        let mut s = source(SourceKind::Other, "Renamed", "2022-07-13", None);
        s.link = "https://example.org/report".into();
        assert!(
            !store::update_source(c, north, src, &s, 2, at(22))
                .await
                .unwrap()
        );
        assert!(
            !store::update_source(c, south, src, &s, 3, at(22))
                .await
                .unwrap()
        );
        assert!(
            store::update_source(c, north, src, &s, 3, at(22))
                .await
                .unwrap()
        );
        let row = store::find_source(c, north, src).await.unwrap().unwrap();
        assert_eq!(
            (
                row.title.as_str(),
                row.published_on,
                row.link.as_str(),
                row.kind.as_str(),
                row.version
            ),
            (
                "Renamed",
                day("2022-07-13"),
                "https://example.org/report",
                "inquiry",
                4
            )
        );

        // Editing a recommendation: its addressees replaced, its status kept; a taken number is a
        // conflict; a stale version changes nothing.
        let mut changed = rec(1, vec![o2.organisation_id, o.organisation_id], Some(ann));
        changed.title = "Changed".into();
        changed.accepted = false;
        changed.not_accepted_reason = "Out of scope".into();
        assert!(
            store::set_self_status(c, north, r1, "in_progress", 1, at(11))
                .await
                .unwrap()
        );
        assert!(
            !store::update_recommendation(c, north, r1, &changed, 1, at(23))
                .await
                .unwrap(),
            "stale: the self-assessment moved it on"
        );
        assert!(
            store::update_recommendation(c, north, r1, &changed, 2, at(23))
                .await
                .unwrap()
        );
        let row = store::find_recommendation(c, north, r1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                row.title.as_str(),
                row.accepted,
                row.not_accepted_reason.as_str(),
                row.self_status.as_str(),
                row.version,
                row.lead_person_id
            ),
            (
                "Changed",
                false,
                "Out of scope",
                "in_progress",
                3,
                Some(ann.0)
            )
        );
        let to: Vec<Uuid> = store::addressees(c, north, src, Some(r1))
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.organisation_id)
            .collect();
        assert_eq!(to.len(), 2);
        assert!(to.contains(&o2.organisation_id));
        let taken = rec(2, vec![o.organisation_id], None);
        assert!(matches!(
            store::update_recommendation(c, north, r1, &taken, 3, at(24)).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(
            !store::update_recommendation(c, south, r1, &changed, 3, at(24))
                .await
                .unwrap()
        );
    }
);

both_backends!(
    consultants_are_invited_comment_and_are_answered_append_only,
    |backend| async move {
        use safeguard_domain::policy::Role;
        use safeguard_store::recommendation_comments as rc;
        use safeguard_store::roles;
        let db = fresh_db(backend).await;
        let mut pc = db.acquire().await.unwrap();
        let c = &mut pc.conn();
        let north = partnerships::upsert_by_slug(c, "north", "North", at(0))
            .await
            .unwrap()
            .id();
        let south = partnerships::upsert_by_slug(c, "south", "South", at(0))
            .await
            .unwrap()
            .id();
        let o = organisations::upsert_by_name(c, "B Council", "local_authority", None, at(0))
            .await
            .unwrap();
        organisations::add_to_partnership(c, north, OrganisationId(o.organisation_id), at(0))
            .await
            .unwrap();
        let person =
            |email: &'static str, name: &'static str| (PersonId(Uuid::new_v4()), email, name);
        let (ann, cat, dan) = (
            person("ann@example.org", "Ann"),
            person("cat@example.org", "Cat"),
            person("dan@example.org", "Dan"),
        );
        for (id, email, name) in [ann, cat, dan] {
            people::insert(
                c,
                id,
                OrganisationId(o.organisation_id),
                email,
                name,
                None,
                at(0),
            )
            .await
            .unwrap();
        }
        roles::grant(c, north, ann.0, Role::PartnershipAdministrator, None, at(0))
            .await
            .unwrap();
        for x in [cat.0, dan.0] {
            roles::grant(c, north, x, Role::LivedExperienceConsultant, None, at(0))
                .await
                .unwrap();
        }
        let sid = Uuid::new_v4();
        store::insert_source(
            c,
            north,
            sid,
            &source(SourceKind::Inquiry, "Inquiry", "2022-07-12", None),
            ann.0,
            at(0),
        )
        .await
        .unwrap();
        let (r1, r2) = (Uuid::new_v4(), Uuid::new_v4());
        store::insert_recommendation(
            c,
            north,
            (r1, sid),
            &rec(1, vec![o.organisation_id], Some(ann.0)),
            ann.0,
            at(0),
        )
        .await
        .unwrap();
        store::insert_recommendation(c, north, (r2, sid), &rec(2, vec![], None), ann.0, at(0))
            .await
            .unwrap();

        // invitations: once live, again after revoking; another partnership's id changes nothing
        assert!(rc::invite(c, north, r1, cat.0, ann.0, at(1)).await.unwrap());
        assert!(!rc::invite(c, north, r1, cat.0, ann.0, at(2)).await.unwrap());
        assert!(rc::invite(c, north, r2, cat.0, ann.0, at(2)).await.unwrap());
        assert!(rc::invite(c, north, r1, dan.0, ann.0, at(2)).await.unwrap());
        let mine = rc::invited(c, north, cat.0).await.unwrap();
        assert_eq!(
            mine.iter().map(|r| r.number).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(mine[0].source_title, "Inquiry");
        assert!(!mine[0].by_reference);
        assert!(rc::invited(c, south, cat.0).await.unwrap().is_empty());
        assert!(
            rc::find_invited(c, south, cat.0, r1)
                .await
                .unwrap()
                .is_none()
        );
        assert!(!rc::revoke(c, south, r2, cat.0, at(3)).await.unwrap());
        assert!(rc::revoke(c, north, r2, cat.0, at(3)).await.unwrap());
        assert!(!rc::revoke(c, north, r2, cat.0, at(3)).await.unwrap());
        assert!(
            rc::find_invited(c, north, cat.0, r2)
                .await
                .unwrap()
                .is_none()
        );
        let inv = rc::invitations(c, north, r2).await.unwrap();
        assert_eq!(inv.len(), 1);
        assert!(inv[0].revoked_at.is_some());
        assert!(rc::invite(c, north, r2, cat.0, ann.0, at(4)).await.unwrap());
        assert!(
            rc::find_invited(c, north, cat.0, r2)
                .await
                .unwrap()
                .is_some()
        );
        assert_eq!(
            rc::addressee_names(c, north, r1).await.unwrap(),
            vec!["B Council".to_owned()]
        );
        assert_eq!(
            rc::role_holders(c, north, "partnership_administrator")
                .await
                .unwrap(),
            vec!["ann@example.org".to_owned()]
        );

        // comments by two consultants, one anonymous; an answer to each
        let (k1, k2, a1, a2) = (
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
        );
        let new = |id, parent, author: PersonId, anonymous, body| rc::NewComment {
            id,
            recommendation: r1,
            parent,
            author,
            anonymous,
            body,
        };
        rc::insert(c, north, &new(k1, None, cat.0, true, "Cat's view"), at(5))
            .await
            .unwrap();
        rc::insert(c, north, &new(k2, None, dan.0, false, "Dan's view"), at(6))
            .await
            .unwrap();
        rc::insert(
            c,
            north,
            &new(a1, Some(k1), ann.0, false, "Answer to Cat"),
            at(7),
        )
        .await
        .unwrap();
        rc::insert(
            c,
            north,
            &new(a2, Some(k2), ann.0, false, "Answer to Dan"),
            at(8),
        )
        .await
        .unwrap();
        let all = rc::comments(c, north, r1, None).await.unwrap();
        assert_eq!(
            all.iter().map(|x| x.comment_id).collect::<Vec<_>>(),
            vec![k1, k2, a1, a2]
        );
        assert!(all[0].anonymous && !all[1].anonymous);
        assert_eq!(
            all[0].author_id, cat.0.0,
            "the author is stored even when anonymous"
        );
        // a consultant's own comments and the answers to them only
        let cats = rc::comments(c, north, r1, Some(cat.0)).await.unwrap();
        assert_eq!(
            cats.iter().map(|x| x.comment_id).collect::<Vec<_>>(),
            vec![k1, a1]
        );
        assert!(rc::comments(c, south, r1, None).await.unwrap().is_empty());
        assert!(rc::find_comment(c, north, r1, k1).await.unwrap().is_some());
        assert!(
            rc::find_comment(c, north, r1, a1).await.unwrap().is_none(),
            "an answer is not a comment"
        );
        assert!(rc::find_comment(c, north, r2, k1).await.unwrap().is_none());
        assert!(rc::find_comment(c, south, r1, k1).await.unwrap().is_none());

        // append-only
        for sql in [
            "update recommendation_comment set body = 'changed'",
            "delete from recommendation_comment",
        ] {
            let r = on_conn!(c, |e| sqlx::query(sql)
                .execute(e)
                .await
                .map(|r| r.rows_affected()));
            assert!(r.is_err(), "{sql}");
        }
        assert_eq!(rc::comments(c, north, r1, None).await.unwrap().len(), 4);
    }
);
