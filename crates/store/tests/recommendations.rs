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
