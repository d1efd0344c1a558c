//! Store tests for practice reviews (`safeguard_store::practice_reviews`) on both SQLite and
//! PostgreSQL: reviews scoped to their partnership, the optimistic version, stage columns, covered
//! notifications, reviewers, checks and answers, engagement, drafts with their document, the open
//! clocks of reviews not closed, the lead-time setting, consultants and shares (revoked shares hidden
//! from the consultant), and the read-only learning rows a consultant sees.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use safeguard_domain::policy::Role;
use safeguard_domain::{OrganisationId, PartnershipId, PersonId};
use safeguard_store::case_reviews::{self as cases, DeadlineWrite, NotificationWrite};
use safeguard_store::db::PoolSettings;
use safeguard_store::files::{self, NewFile, Visibility};
use safeguard_store::practice_reviews::{
    self as store, DetailsWrite, NewReviewRow, ReviewerWrite, StageWrite,
};
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
    ann: PersonId,
    cat: PersonId,
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
    let cat = PersonId(Uuid::new_v4());
    people::insert(&mut c, cat, org, "cat@example.org", "Cat", None, at(0))
        .await
        .unwrap();
    roles::grant(
        &mut c,
        north,
        cat,
        Role::LivedExperienceConsultant,
        None,
        at(0),
    )
    .await
    .unwrap();
    World {
        north,
        south,
        ann,
        cat,
    }
}

async fn add_review(db: &Db, w: &World, reference: &str, commissioned: &str) -> Uuid {
    let mut pc = db.acquire().await.unwrap();
    let id = Uuid::new_v4();
    store::insert_review(
        &mut pc.conn(),
        w.north,
        &NewReviewRow {
            id,
            reference,
            kind: "local",
            title: "Child L",
            summary: "A review.",
            commissioned_on: day(commissioned),
            terms_of_reference: "",
        },
        w.ann,
        at(0),
    )
    .await
    .unwrap();
    id
}

both_backends!(
    reviews_are_scoped_versioned_and_staged,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let a = add_review(&db, &w, "CSPR 1", "2022-09-27").await;
        let b = add_review(&db, &w, "CSPR 2", "2022-10-03").await;
        let mut pc = db.acquire().await.unwrap();
        let c = &mut pc.conn();
        let row = store::find_review(c, w.north, a).await.unwrap().unwrap();
        assert_eq!(row.stage, "commissioned");
        assert_eq!(row.version, 1);
        assert_eq!(row.commissioned_on, day("2022-09-27"));
        assert!(store::find_review(c, w.south, a).await.unwrap().is_none());
        assert!(
            store::reference_taken(c, w.north, "CSPR 1", None)
                .await
                .unwrap()
        );
        assert!(
            !store::reference_taken(c, w.north, "CSPR 1", Some(a))
                .await
                .unwrap()
        );
        assert!(
            !store::reference_taken(c, w.south, "CSPR 1", None)
                .await
                .unwrap()
        );
        assert_eq!(
            store::find_by_reference(c, w.north, "CSPR 2")
                .await
                .unwrap()
                .unwrap()
                .review_id,
            b
        );
        // a stale version changes nothing
        let d = DetailsWrite {
            reference: "CSPR 1",
            title: "Child L (renamed)",
            summary: "A review.",
            commissioned_on: day("2022-09-28"),
            terms_of_reference: "Terms.",
        };
        assert!(
            !store::update_details(c, w.north, a, 7, &d, at(1))
                .await
                .unwrap()
        );
        assert!(
            !store::update_details(c, w.south, a, 1, &d, at(1))
                .await
                .unwrap()
        );
        assert!(
            store::update_details(c, w.north, a, 1, &d, at(1))
                .await
                .unwrap()
        );
        let row = store::find_review(c, w.north, a).await.unwrap().unwrap();
        assert_eq!((row.version, row.title.as_str()), (2, "Child L (renamed)"));
        // the stage and its dates, written together; the version moves on
        let mut s = StageWrite::of(&row);
        s.stage = "published";
        s.terms_agreed_on = Some(day("2022-10-11"));
        s.notice_sent_on = Some(day("2023-02-27"));
        s.planned_publication_on = Some(day("2023-03-09"));
        s.published_on = Some(day("2023-03-09"));
        s.published_url = "https://www.example-lscp.example/cspr-1";
        assert!(!store::update_stage(c, w.south, a, &s, at(2)).await.unwrap());
        assert!(store::update_stage(c, w.north, a, &s, at(2)).await.unwrap());
        let row = store::find_review(c, w.north, a).await.unwrap().unwrap();
        assert_eq!(row.version, 3);
        assert_eq!(row.stage, "published");
        assert_eq!(row.published_url, "https://www.example-lscp.example/cspr-1");
        assert_eq!(row.planned_publication_on, Some(day("2023-03-09")));
        // open only leaves closed reviews out; most recently commissioned first
        let mut s = StageWrite::of(&row);
        s.stage = "closed";
        s.closed_on = Some(day("2023-06-01"));
        store::update_stage(c, w.north, a, &s, at(3)).await.unwrap();
        let open = store::list_reviews(c, w.north, true, 10).await.unwrap();
        assert_eq!(
            open.iter().map(|r| r.review_id).collect::<Vec<_>>(),
            vec![b]
        );
        let all = store::list_reviews(c, w.north, false, 10).await.unwrap();
        assert_eq!(
            all.iter().map(|r| r.review_id).collect::<Vec<_>>(),
            vec![b, a]
        );
        assert!(
            store::list_reviews(c, w.south, false, 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

both_backends!(
    cases_people_checks_engagement_and_drafts,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let r = add_review(&db, &w, "TR 1", "2023-02-20").await;
        let mut pc = db.acquire().await.unwrap();
        let c = &mut pc.conn();
        let mut notes = Vec::new();
        for (reference, aware) in [("SIN B", "2023-01-18"), ("SIN A", "2021-11-15")] {
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
            store::add_case(c, w.north, r, id).await.unwrap();
            notes.push(id);
        }
        let covered = store::cases(c, w.north, r).await.unwrap();
        assert_eq!(
            covered
                .iter()
                .map(|x| x.reference.as_str())
                .collect::<Vec<_>>(),
            vec!["SIN A", "SIN B"]
        );
        assert!(store::cases(c, w.south, r).await.unwrap().is_empty());
        let covering = store::reviews_covering(c, w.north, notes[0]).await.unwrap();
        assert_eq!(covering[0].reference, "TR 1");
        assert!(
            store::reviews_covering(c, w.south, notes[0])
                .await
                .unwrap()
                .is_empty()
        );
        // reviewers: appointed, ended once
        let rv = Uuid::new_v4();
        store::insert_reviewer(
            c,
            w.north,
            &ReviewerWrite {
                id: rv,
                review_id: r,
                name: "Dr Priya Raman",
                organisation: "Independent",
                role: "lead_reviewer",
                independent: true,
                appointed_on: day("2023-03-06"),
            },
            w.ann,
            at(1),
        )
        .await
        .unwrap();
        let list = store::reviewers(c, w.north, r).await.unwrap();
        assert!(list[0].independent && list[0].ended_on.is_none());
        assert!(
            !store::end_reviewer(c, w.south, r, rv, day("2023-06-01"))
                .await
                .unwrap()
        );
        assert!(
            store::end_reviewer(c, w.north, r, rv, day("2023-06-01"))
                .await
                .unwrap()
        );
        assert!(
            !store::end_reviewer(c, w.north, r, rv, day("2023-06-02"))
                .await
                .unwrap()
        );
        assert_eq!(
            store::reviewers(c, w.north, r).await.unwrap()[0].ended_on,
            Some(day("2023-06-01"))
        );
        // checks: only an open written request takes an answer
        let (q, wr) = (Uuid::new_v4(), Uuid::new_v4());
        store::insert_check(
            c,
            w.north,
            r,
            q,
            ("time_quality", day("2023-04-01"), "On time.", None),
            w.ann,
            at(2),
        )
        .await
        .unwrap();
        store::insert_check(
            c,
            w.north,
            r,
            wr,
            ("written_request", day("2023-04-03"), "Draft, please.", None),
            w.ann,
            at(3),
        )
        .await
        .unwrap();
        assert!(
            !store::answer_check(c, w.north, r, q, day("2023-04-05"))
                .await
                .unwrap()
        );
        assert!(
            !store::answer_check(c, w.south, r, wr, day("2023-04-05"))
                .await
                .unwrap()
        );
        assert!(
            store::answer_check(c, w.north, r, wr, day("2023-04-05"))
                .await
                .unwrap()
        );
        assert!(
            !store::answer_check(c, w.north, r, wr, day("2023-04-06"))
                .await
                .unwrap()
        );
        let checks = store::checks(c, w.north, r).await.unwrap();
        assert_eq!(checks.len(), 2);
        assert_eq!(checks[1].answered_on, Some(day("2023-04-05")));
        // engagement
        store::insert_engagement(
            c,
            w.north,
            r,
            Uuid::new_v4(),
            ("family", day("2023-05-02"), "Met the family."),
            w.ann,
            at(4),
        )
        .await
        .unwrap();
        assert_eq!(
            store::engagements(c, w.north, r).await.unwrap()[0].with_whom,
            "family"
        );
        assert!(store::engagements(c, w.south, r).await.unwrap().is_empty());
        // drafts: with a live document its name, without one none
        let file = Uuid::new_v4();
        files::insert(
            c,
            &NewFile {
                file_id: file,
                partnership_id: w.north,
                original_name: "draft.pdf",
                content_type: "application/pdf",
                kind: "pdf",
                size_bytes: 10,
                sha256: &"ab".repeat(32),
                storage_key: "0123456789abcdef0123456789abcdef",
                visibility: Visibility::Partnership,
                attached_to: Some(("practice_review", r)),
                description: None,
                uploaded_by: w.ann,
            },
            at(5),
        )
        .await
        .unwrap();
        store::insert_draft(
            c,
            w.north,
            r,
            Uuid::new_v4(),
            ("Draft 1", day("2023-05-01"), false),
            Some(file),
            w.ann,
            at(5),
        )
        .await
        .unwrap();
        store::insert_draft(
            c,
            w.north,
            r,
            Uuid::new_v4(),
            ("Final report", day("2023-06-01"), true),
            None,
            w.ann,
            at(6),
        )
        .await
        .unwrap();
        let drafts = store::drafts(c, w.north, r).await.unwrap();
        assert_eq!(drafts[0].file_name.as_deref(), Some("draft.pdf"));
        assert!(drafts[1].is_final && drafts[1].file_id.is_none());
        // the document is a restricted attachment: not found or listed the ordinary way
        assert!(files::find(c, w.north, file, true).await.unwrap().is_none());
        assert!(
            files::find_restricted(c, w.north, file, "practice_review")
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            files::find_restricted(c, w.south, file, "practice_review")
                .await
                .unwrap()
                .is_none()
        );
        let everything = files::FileFilter {
            include_board: true,
            attached_to: None,
        };
        assert_eq!(
            files::list(c, w.north, &everything, 10, 0).await.unwrap().1,
            0
        );
        let attached = files::FileFilter {
            include_board: true,
            attached_to: Some(("practice_review".into(), r)),
        };
        assert_eq!(
            files::list(c, w.north, &attached, 10, 0).await.unwrap().1,
            1
        );
    }
);

both_backends!(
    open_clocks_settings_shares_and_learning,
    |backend| async move {
        let db = fresh_db(backend).await;
        let w = world(&db).await;
        let a = add_review(&db, &w, "CSPR 1", "2022-09-27").await;
        let b = add_review(&db, &w, "CSPR 2", "2022-10-03").await;
        let mut pc = db.acquire().await.unwrap();
        let c = &mut pc.conn();
        for (id, due, met) in [(a, "2023-03-27", None), (b, "2023-04-03", None)] {
            cases::replace_deadlines(
                c,
                w.north,
                "practice_review",
                id,
                &[
                    DeadlineWrite {
                        rule: "cspr_complete",
                        basis_on: day("2022-09-27"),
                        due_on: day(due),
                        met_on: met,
                    },
                    DeadlineWrite {
                        rule: "pre_publication_notice",
                        basis_on: day("2023-03-09"),
                        due_on: day("2023-02-28"),
                        met_on: Some(day("2023-02-27")),
                    },
                ],
                at(1),
            )
            .await
            .unwrap();
        }
        let open = store::open_clocks(c, w.north).await.unwrap();
        assert_eq!(open.len(), 2, "met clocks are left out");
        assert_eq!(open[0].subject_id, a);
        assert_eq!(open[0].subject_type, "practice_review");
        assert!(store::open_clocks(c, w.south).await.unwrap().is_empty());
        // a closed review's clocks are not open
        let row = store::find_review(c, w.north, a).await.unwrap().unwrap();
        let mut s = StageWrite::of(&row);
        s.stage = "closed";
        store::update_stage(c, w.north, a, &s, at(2)).await.unwrap();
        assert_eq!(
            store::open_clocks(c, w.north).await.unwrap()[0].subject_id,
            b
        );
        // the lead time: none set, then the partnership's own
        assert_eq!(notice(c, w.north).await, 7);
        let sql = "insert into case_review_settings (partnership_id, pre_publication_notice_days, reminder_lead_days, \
               updated_at, version) values ($1, 10, '10,5,2', $2, 1)";
        on_conn!(c, |e| sqlx::query(sql)
            .bind(w.north.0)
            .bind(at(3))
            .execute(e)
            .await
            .map(|r| r.rows_affected()))
        .unwrap();
        assert_eq!(notice(c, w.north).await, 10);
        assert_eq!(notice(c, w.south).await, 7);
        // consultants and shares
        let consultants = store::consultants(c, w.north).await.unwrap();
        assert_eq!(consultants.len(), 1);
        assert_eq!(consultants[0].person_id, w.cat.0);
        assert!(store::consultants(c, w.south).await.unwrap().is_empty());
        assert!(
            store::share(c, w.north, b, w.cat, w.ann, at(4))
                .await
                .unwrap()
        );
        assert!(
            !store::share(c, w.north, b, w.cat, w.ann, at(5))
                .await
                .unwrap(),
            "already shared"
        );
        let shared = store::shared_with(c, w.north, w.cat).await.unwrap();
        assert_eq!(shared.len(), 1);
        assert_eq!(shared[0].reference, "CSPR 2");
        assert!(
            store::shared_with(c, w.south, w.cat)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store::find_shared(c, w.north, w.cat, b)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            store::find_shared(c, w.north, w.cat, a)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store::find_shared(c, w.north, w.ann, b)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            !store::revoke_share(c, w.south, b, w.cat, at(6))
                .await
                .unwrap()
        );
        assert!(
            store::revoke_share(c, w.north, b, w.cat, at(6))
                .await
                .unwrap()
        );
        assert!(
            !store::revoke_share(c, w.north, b, w.cat, at(7))
                .await
                .unwrap()
        );
        assert!(
            store::find_shared(c, w.north, w.cat, b)
                .await
                .unwrap()
                .is_none()
        );
        let shares = store::shares(c, w.north, b).await.unwrap();
        assert!(shares[0].revoked_at.is_some(), "the revoked share stays");
        // shared again after a revocation
        assert!(
            store::share(c, w.north, b, w.cat, w.ann, at(8))
                .await
                .unwrap()
        );
        assert!(
            store::find_shared(c, w.north, w.cat, b)
                .await
                .unwrap()
                .is_some()
        );
        // the learning rows a consultant reads (written by the learning slice; here directly)
        let theme = Uuid::new_v4();
        let sql = "insert into case_review_theme (theme_id, partnership_id, name, description, created_at, updated_at) \
               values ($1, $2, 'Neglect', '', $3, $3)";
        on_conn!(c, |e| sqlx::query(sql)
            .bind(theme)
            .bind(w.north.0)
            .bind(at(9))
            .execute(e)
            .await
            .map(|r| r.rows_affected()))
        .unwrap();
        let sql = "insert into case_review_subject_theme (partnership_id, subject_type, subject_id, theme_id, added_by, added_at) \
               values ($1, 'practice_review', $2, $3, $4, $5)";
        on_conn!(c, |e| sqlx::query(sql)
            .bind(w.north.0)
            .bind(b)
            .bind(theme)
            .bind(w.ann.0)
            .bind(at(9))
            .execute(e)
            .await
            .map(|r| r.rows_affected()))
        .unwrap();
        for (table, number, title) in [
            ("review_finding", 2, "Records did not follow the family"),
            ("review_finding", 1, "Neglect was not recognised"),
            (
                "review_recommendation",
                1,
                "Transfer records within 5 working days",
            ),
        ] {
            let sql = format!(
                "insert into {table} ({}_id, partnership_id, subject_type, subject_id, number, title, body, created_by, \
             created_at, updated_at, version) values ($1, $2, 'practice_review', $3, $4, $5, 'Text.', $6, $7, $7, 1)",
                if table == "review_finding" {
                    "finding"
                } else {
                    "recommendation"
                }
            );
            on_conn!(c, |e| sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(Uuid::new_v4())
                .bind(w.north.0)
                .bind(b)
                .bind(number)
                .bind(title)
                .bind(w.ann.0)
                .bind(at(9))
                .execute(e)
                .await
                .map(|r| r.rows_affected()))
            .unwrap();
        }
        assert_eq!(
            store::review_themes(c, w.north, b).await.unwrap(),
            vec!["Neglect"]
        );
        assert!(
            store::review_themes(c, w.south, b)
                .await
                .unwrap()
                .is_empty()
        );
        let findings = store::review_findings(c, w.north, b).await.unwrap();
        assert_eq!(
            findings
                .iter()
                .map(|f| (f.number, f.title.as_str()))
                .collect::<Vec<_>>(),
            vec![
                (1, "Neglect was not recognised"),
                (2, "Records did not follow the family")
            ]
        );
        assert!(
            store::review_findings(c, w.north, a)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store::review_recommendations(c, w.north, b)
                .await
                .unwrap()
                .len(),
            1
        );
    }
);

/// The lead time the practice reviews read: the case review settings (defaults without a row).
async fn notice(c: &mut safeguard_store::Conn<'_>, p: safeguard_domain::PartnershipId) -> u32 {
    safeguard_store::case_reviews::get_settings(c, p)
        .await
        .unwrap()
        .pre_publication_notice_days
}
