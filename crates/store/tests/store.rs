//! Store tests: every public function of `safeguard-store`, run on both SQLite and PostgreSQL.
//!
//! Each test gets a fresh, migrated database. Times are derived from `test_now()`; nothing reads the
//! system clock. Raw SQL (through the pool, not the store) is only used to check what the store has no
//! reader for, and to prove the audit trail's triggers and hash chain.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, Utc};
use safeguard_domain::audit::{BrokenLink, GENESIS, NewEntry, PLATFORM_CHAIN, Verifier, chain_for};
use safeguard_domain::policy::Role;
use safeguard_domain::{ApiTokenId, OrganisationId, PartnershipId, PersonId, SessionId};
use safeguard_store::audit_log::{self, AuditFilter};
use safeguard_store::db::PoolSettings;
use safeguard_store::people::{self, PeopleFilter};
use safeguard_store::sessions::{self, NewSession};
use safeguard_store::{
    Backend, Conn, Db, StoreError, bodies, jobs, organisations, outbox, partnerships, roles,
    sign_in_attempts, tokens,
};
use safeguard_testkit::{TestBackend, both_backends, fresh_database_url, test_now};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

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

/// Runs one statement directly through the pool (bypassing the store).
async fn exec(db: &Db, sql: &str) -> Result<u64, sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match db {
        Db::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|r| r.rows_affected()),
        Db::Pg(p) => sqlx::query(sql).execute(p).await.map(|r| r.rows_affected()),
    }
}

/// Fetches one row directly through the pool.
macro_rules! raw_one {
    ($db:expr, $ty:ty, $sql:expr) => {{
        let sql = sqlx::AssertSqlSafe(String::from($sql));
        let row: $ty = match $db {
            Db::Sqlite(p) => sqlx::query_as(sql).fetch_one(p).await.unwrap(),
            Db::Pg(p) => sqlx::query_as(sql).fetch_one(p).await.unwrap(),
        };
        row
    }};
}

async fn count_rows(db: &Db, table: &str) -> i64 {
    raw_one!(db, (i64,), format!("select count(*) from {table}")).0
}

async fn new_partnership(c: &mut Conn<'_>, slug: &str, name: &str) -> PartnershipId {
    partnerships::upsert_by_slug(c, slug, name, at(0))
        .await
        .unwrap()
        .id()
}

async fn new_org(
    c: &mut Conn<'_>,
    name: &str,
    kind: &str,
    p: Option<PartnershipId>,
) -> OrganisationId {
    let o = organisations::upsert_by_name(c, name, kind, None, at(0))
        .await
        .unwrap();
    let id = OrganisationId(o.organisation_id);
    if let Some(p) = p {
        organisations::add_to_partnership(c, p, id, at(0))
            .await
            .unwrap();
    }
    id
}

async fn new_person(c: &mut Conn<'_>, org: OrganisationId, email: &str, name: &str) -> PersonId {
    let id = PersonId::new();
    people::insert(
        c,
        id,
        org,
        email,
        name,
        Some("$argon2id$v=19$placeholder"),
        at(0),
    )
    .await
    .unwrap();
    id
}

/// A partnership with one statutory organisation and one person holding `practitioner` in it.
struct Basic {
    p: PartnershipId,
    org: OrganisationId,
    person: PersonId,
}

async fn basic(c: &mut Conn<'_>) -> Basic {
    let p = new_partnership(c, "north", "North Safeguarding Partnership").await;
    let org = new_org(c, "North Council", "local_authority", Some(p)).await;
    let person = new_person(c, org, "ann@north.example", "Ann Example").await;
    assert!(
        roles::grant(c, p, person, Role::Practitioner, None, at(0))
            .await
            .unwrap()
    );
    Basic { p, org, person }
}

fn audit_entry(p: Option<PartnershipId>, action: &str, target: &str) -> NewEntry {
    NewEntry {
        partnership_id: p.map(|p| p.0),
        ..NewEntry::new(action, "person", Some(target.to_owned()))
    }
}

/// Reads a chain back in batches of `batch`, feeds the domain verifier and finishes with the stored head.
async fn verify_chain(db: &Db, chain: &str, batch: i64) -> Result<i64, BrokenLink> {
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let mut v = Verifier::new(chain);
    let mut after = 0;
    loop {
        let entries = audit_log::chain_batch(&mut c, chain, after, batch)
            .await
            .unwrap();
        assert!(
            entries.len() as i64 <= batch,
            "chain_batch returned more than its limit"
        );
        let Some(last) = entries.last() else { break };
        after = last.seq;
        for e in &entries {
            v.push(e);
        }
    }
    let (head_seq, head_hash) = audit_log::chain_head(&mut c, chain)
        .await
        .unwrap()
        .unwrap_or((0, String::new()));
    v.finish(head_seq, &head_hash)
}

/// Appends `n` entries to a partnership's chain (one transaction each); returns the chain name.
async fn five_entry_chain(db: &Db, n: i64) -> String {
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let b = basic(&mut c).await;
    drop(pc);
    for i in 1..=n {
        let mut tx = db.begin().await.unwrap();
        let e = NewEntry {
            actor_person_id: Some(b.person.0),
            actor_organisation_id: Some(b.org.0),
            before: Some(format!("{{\"n\":{}}}", i - 1)),
            after: Some(format!("{{\"n\":{i}}}")),
            ..audit_entry(Some(b.p), "person.update", &format!("target-{i}"))
        };
        audit_log::append(&mut tx.conn(), &e, at(i)).await.unwrap();
        tx.commit().await.unwrap();
    }
    let chain = chain_for(Some(b.p));
    assert_eq!(
        verify_chain(db, &chain, 2).await,
        Ok(n),
        "untouched chain must verify"
    );
    chain
}

/// Drops the append-only triggers (tamper tests only).
async fn drop_audit_triggers(db: &Db) {
    match db.backend() {
        Backend::Sqlite => {
            exec(db, "drop trigger audit_entry_no_update")
                .await
                .unwrap();
            exec(db, "drop trigger audit_entry_no_delete")
                .await
                .unwrap();
        }
        Backend::Postgres => {
            exec(db, "drop trigger audit_entry_no_update on audit_entry")
                .await
                .unwrap();
        }
    }
}

fn session<'a>(
    person: PersonId,
    p: Option<PartnershipId>,
    token_hash: &'a str,
    idle: i64,
    absolute: DateTime<Utc>,
) -> NewSession<'a> {
    NewSession {
        id: SessionId::new(),
        token_hash,
        person,
        partnership: p,
        stage: "full",
        csrf_token: "csrf-0123456789",
        idle_minutes: idle,
        absolute_expires_at: absolute,
        ip: Some("192.0.2.7"),
        user_agent: Some("TestBrowser/1.0"),
    }
}

async fn find_session(c: &mut Conn<'_>, hash: &str) -> sessions::SessionRecord {
    sessions::find_by_token_hash(c, hash)
        .await
        .unwrap()
        .unwrap()
}

fn names(rows: &[people::PersonSummary]) -> Vec<&str> {
    rows.iter().map(|r| r.name.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------------
// db
// ---------------------------------------------------------------------------------------------------

#[test]
fn backend_from_url_accepts_sqlite_and_postgres_only() {
    assert_eq!(
        Backend::from_url("sqlite://safeguard.db"),
        Ok(Backend::Sqlite)
    );
    assert_eq!(Backend::from_url("sqlite::memory:"), Ok(Backend::Sqlite));
    assert_eq!(
        Backend::from_url("postgres://u@h/db"),
        Ok(Backend::Postgres)
    );
    assert_eq!(
        Backend::from_url("postgresql://u@h:5432/db"),
        Ok(Backend::Postgres)
    );
    let err = Backend::from_url("mysql://x").unwrap_err();
    assert!(err.contains("\"mysql\""), "{err}");
    assert!(Backend::from_url("").is_err());
    assert!(Backend::from_url("postgres:/missing-slash").is_err());
}

both_backends!(db_settings_ping_and_foreign_keys, |backend| async move {
    let db = fresh_db(backend).await;
    let line = db.verify_settings().await.unwrap();
    match backend {
        TestBackend::Sqlite => {
            assert!(line.contains("journal_mode=wal"), "{line}");
            assert!(line.contains("synchronous=2"), "{line}");
            assert!(line.contains("foreign_keys=1"), "{line}");
            // Per-connection pragmas must hold on every pooled connection, not just the first one.
            let mut held = Vec::new();
            for _ in 0..3 {
                held.push(db.acquire().await.unwrap());
            }
            for pc in &mut held {
                let Conn::Sqlite(c) = pc.conn() else {
                    unreachable!()
                };
                let jm: String = sqlx::query_scalar("pragma journal_mode")
                    .fetch_one(&mut *c)
                    .await
                    .unwrap();
                let sync: i64 = sqlx::query_scalar("pragma synchronous")
                    .fetch_one(&mut *c)
                    .await
                    .unwrap();
                let fk: i64 = sqlx::query_scalar("pragma foreign_keys")
                    .fetch_one(&mut *c)
                    .await
                    .unwrap();
                let bt: i64 = sqlx::query_scalar("pragma busy_timeout")
                    .fetch_one(&mut *c)
                    .await
                    .unwrap();
                assert_eq!((jm.to_lowercase().as_str(), sync, fk), ("wal", 2, 1));
                assert!(bt > 0);
            }
        }
        TestBackend::Postgres => {
            assert!(line.starts_with("postgres "), "{line}");
            assert!(line.contains("fsync=on"), "{line}");
            assert!(line.contains("synchronous_commit=on"), "{line}");
        }
    }
    db.ping().await.unwrap();

    // Foreign keys are enforced: a person in an organisation that does not exist is refused.
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let err = people::insert(
        &mut c,
        PersonId::new(),
        OrganisationId::new(),
        "x@example.org",
        "X",
        None,
        at(0),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(pc);
    db.close().await;
});

both_backends!(sqlite_backup_copies_the_database, |backend| async move {
    let db = fresh_db(backend).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    new_partnership(&mut c, "north", "North").await;
    drop(pc);
    let path = safeguard_testkit::temp_dir("backup").join("copy.db");
    let result = db.sqlite_backup(&path.display().to_string()).await;
    match backend {
        TestBackend::Sqlite => {
            result.unwrap();
            let copy = Db::connect(
                &format!("sqlite://{}", path.display()),
                &PoolSettings::default(),
            )
            .await
            .unwrap();
            let mut pc = copy.acquire().await.unwrap();
            let found = partnerships::find_by_slug(&mut pc.conn(), "north")
                .await
                .unwrap();
            assert_eq!(found.map(|p| p.name).as_deref(), Some("North"));
        }
        TestBackend::Postgres => {
            assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
            assert!(!path.exists());
        }
    }
});

// ---------------------------------------------------------------------------------------------------
// partnerships
// ---------------------------------------------------------------------------------------------------

both_backends!(partnerships_upsert_find_list_update, |backend| async move {
    let db = fresh_db(backend).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();

    let north = partnerships::upsert_by_slug(&mut c, "north", "North Partnership", at(0))
        .await
        .unwrap();
    assert_eq!(north.slug, "north");
    assert_eq!(north.name, "North Partnership");
    assert!(!north.require_totp);
    assert_eq!(
        (north.session_idle_minutes, north.session_absolute_minutes),
        (30, 720)
    );
    assert_eq!((north.created_at, north.updated_at), (at(0), at(0)));
    // Idempotent: same id, and the existing row is not changed.
    let again = partnerships::upsert_by_slug(&mut c, "north", "Renamed", at(5))
        .await
        .unwrap();
    assert_eq!(again.partnership_id, north.partnership_id);
    assert_eq!(again.name, "North Partnership");
    assert_eq!(again.created_at, at(0));
    let south = partnerships::upsert_by_slug(&mut c, "south", "Alpha South", at(1))
        .await
        .unwrap();
    let _east = partnerships::upsert_by_slug(&mut c, "east", "Middle East", at(2))
        .await
        .unwrap();
    assert_ne!(south.partnership_id, north.partnership_id);

    // find / find_by_slug
    let f = partnerships::find(&mut c, north.id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (f.partnership_id, f.slug.as_str()),
        (north.partnership_id, "north")
    );
    assert!(
        partnerships::find(&mut c, PartnershipId::new())
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        partnerships::find_by_slug(&mut c, "south")
            .await
            .unwrap()
            .unwrap()
            .id(),
        south.id()
    );
    assert!(
        partnerships::find_by_slug(&mut c, "west")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        partnerships::find_by_slug(&mut c, "NORTH")
            .await
            .unwrap()
            .is_none(),
        "slugs are exact"
    );

    // list_all by name
    let all: Vec<String> = partnerships::list_all(&mut c)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(all, ["Alpha South", "Middle East", "North Partnership"]);

    // list_for_person: only partnerships where the person holds a role, by name
    let org = new_org(&mut c, "Org", "police", None).await;
    let member = new_person(&mut c, org, "m@example.org", "Member").await;
    let nobody = new_person(&mut c, org, "n@example.org", "Nobody").await;
    roles::grant(&mut c, north.id(), member, Role::BoardMember, None, at(0))
        .await
        .unwrap();
    roles::grant(&mut c, north.id(), member, Role::Practitioner, None, at(0))
        .await
        .unwrap();
    roles::grant(&mut c, south.id(), member, Role::AgencyLead, None, at(0))
        .await
        .unwrap();
    let mine: Vec<Uuid> = partnerships::list_for_person(&mut c, member)
        .await
        .unwrap()
        .iter()
        .map(|p| p.partnership_id)
        .collect();
    assert_eq!(
        mine,
        [south.partnership_id, north.partnership_id],
        "two roles in north must not list it twice"
    );
    assert!(
        partnerships::list_for_person(&mut c, nobody)
            .await
            .unwrap()
            .is_empty()
    );

    // update_settings
    assert!(
        partnerships::update_settings(&mut c, north.id(), true, 15, 600, at(10))
            .await
            .unwrap()
    );
    let f = partnerships::find(&mut c, north.id())
        .await
        .unwrap()
        .unwrap();
    assert!(f.require_totp);
    assert_eq!(
        (f.session_idle_minutes, f.session_absolute_minutes),
        (15, 600)
    );
    assert_eq!((f.created_at, f.updated_at), (at(0), at(10)));
    let s = partnerships::find(&mut c, south.id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (s.require_totp, s.session_idle_minutes),
        (false, 30),
        "other partnerships unchanged"
    );
    assert!(
        !partnerships::update_settings(&mut c, PartnershipId::new(), true, 15, 600, at(10))
            .await
            .unwrap()
    );
    // check constraints
    let err = partnerships::update_settings(&mut c, north.id(), false, 500, 600, at(11))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = partnerships::update_settings(&mut c, north.id(), false, 30, 10, at(11))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let f = partnerships::find(&mut c, north.id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (f.require_totp, f.session_idle_minutes, f.updated_at),
        (true, 15, at(10)),
        "refused update left no trace"
    );
});

// ---------------------------------------------------------------------------------------------------
// organisations
// ---------------------------------------------------------------------------------------------------

both_backends!(
    organisations_upsert_membership_and_scope,
    |backend| async move {
        let db = fresh_db(backend).await;
        let mut pc = db.acquire().await.unwrap();
        let mut c = pc.conn();
        let north = new_partnership(&mut c, "north", "North").await;
        let south = new_partnership(&mut c, "south", "South").await;

        let charity = organisations::upsert_by_name(
            &mut c,
            "Alpha Charity",
            "relevant_agency",
            Some("voluntary"),
            at(0),
        )
        .await
        .unwrap();
        assert_eq!(
            (charity.kind.as_str(), charity.category.as_deref()),
            ("relevant_agency", Some("voluntary"))
        );
        assert_eq!(charity.created_at, at(0));
        let again = organisations::upsert_by_name(&mut c, "Alpha Charity", "police", None, at(3))
            .await
            .unwrap();
        assert_eq!(again.organisation_id, charity.organisation_id);
        assert_eq!(
            (again.kind.as_str(), again.category.as_deref()),
            ("relevant_agency", Some("voluntary"))
        );
        let charity = OrganisationId(charity.organisation_id);

        let council = new_org(&mut c, "Zed Council", "local_authority", None).await;
        let police = new_org(&mut c, "Beta Police", "police", None).await;
        let club = new_org(&mut c, "Aardvark Sports Club", "relevant_agency", None).await;
        let icb = new_org(&mut c, "Moor ICB", "integrated_care_board", None).await;
        for o in [charity, council, police, club, icb] {
            organisations::add_to_partnership(&mut c, north, o, at(0))
                .await
                .unwrap();
        }
        // idempotent
        organisations::add_to_partnership(&mut c, north, council, at(1))
            .await
            .unwrap();
        organisations::add_to_partnership(&mut c, south, police, at(0))
            .await
            .unwrap();

        let listed: Vec<String> = organisations::list_for_partnership(&mut c, north)
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.name)
            .collect();
        assert_eq!(
            listed,
            [
                "Beta Police",
                "Moor ICB",
                "Zed Council",
                "Aardvark Sports Club",
                "Alpha Charity"
            ]
        );
        let listed: Vec<String> = organisations::list_for_partnership(&mut c, south)
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.name)
            .collect();
        assert_eq!(listed, ["Beta Police"]);
        assert_eq!(count_rows(&db, "partnership_organisation").await, 6);

        // tenant scope
        let found = organisations::find_in_partnership(&mut c, north, council)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.name, "Zed Council");
        assert!(
            organisations::find_in_partnership(&mut c, south, council)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            organisations::find_in_partnership(&mut c, south, police)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            organisations::find_in_partnership(&mut c, north, OrganisationId::new())
                .await
                .unwrap()
                .is_none()
        );

        // case-insensitive name lookup
        assert_eq!(
            organisations::find_by_name(&mut c, "zed COUNCIL")
                .await
                .unwrap()
                .map(|o| o.organisation_id),
            Some(council.0)
        );
        assert!(
            organisations::find_by_name(&mut c, "Zed")
                .await
                .unwrap()
                .is_none()
        );

        // kind check constraint; membership of an unknown partnership (foreign key)
        let err = organisations::upsert_by_name(&mut c, "Bad", "school", None, at(0))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
        let err = organisations::add_to_partnership(&mut c, PartnershipId::new(), council, at(0))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    }
);

// ---------------------------------------------------------------------------------------------------
// bodies
// ---------------------------------------------------------------------------------------------------

both_backends!(bodies_upsert_and_order, |backend| async move {
    let db = fresh_db(backend).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let north = new_partnership(&mut c, "north", "North").await;
    let south = new_partnership(&mut c, "south", "South").await;

    bodies::upsert_by_name(
        &mut c,
        north,
        "Task Group X",
        "task_and_finish",
        None,
        at(0),
    )
    .await
    .unwrap();
    bodies::upsert_by_name(
        &mut c,
        north,
        "Training",
        "sub_group",
        Some("Quarterly"),
        at(0),
    )
    .await
    .unwrap();
    bodies::upsert_by_name(
        &mut c,
        north,
        "Zebra Board",
        "board",
        Some("Monthly"),
        at(0),
    )
    .await
    .unwrap();
    bodies::upsert_by_name(&mut c, north, "Audit", "sub_group", None, at(0))
        .await
        .unwrap();
    // second upsert of a name: no duplicate, no change
    bodies::upsert_by_name(&mut c, north, "Training", "board", Some("Weekly"), at(5))
        .await
        .unwrap();
    bodies::upsert_by_name(&mut c, south, "Training", "sub_group", None, at(0))
        .await
        .unwrap();

    let list = bodies::list_for_partnership(&mut c, north).await.unwrap();
    let got: Vec<(&str, &str)> = list
        .iter()
        .map(|b| (b.name.as_str(), b.kind.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("Zebra Board", "board"),
            ("Audit", "sub_group"),
            ("Training", "sub_group"),
            ("Task Group X", "task_and_finish")
        ]
    );
    let training = &list[2];
    assert_eq!(training.meeting_frequency.as_deref(), Some("Quarterly"));
    assert_eq!(
        (training.partnership_id, training.created_at),
        (north.0, at(0))
    );
    let south_list = bodies::list_for_partnership(&mut c, south).await.unwrap();
    assert_eq!(south_list.len(), 1);
    assert_ne!(south_list[0].body_id, training.body_id);

    let err = bodies::upsert_by_name(&mut c, north, "Bad", "committee", None, at(0))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
});

// ---------------------------------------------------------------------------------------------------
// people
// ---------------------------------------------------------------------------------------------------

both_backends!(people_insert_find_and_tenant_scope, |backend| async move {
    let db = fresh_db(backend).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let b = basic(&mut c).await;
    let south = new_partnership(&mut c, "south", "South").await;

    let id = PersonId::new();
    people::insert(
        &mut c,
        id,
        b.org,
        "bea@north.example",
        "Bea Example",
        None,
        at(3),
    )
    .await
    .unwrap();
    let p = people::find(&mut c, id).await.unwrap().unwrap();
    assert_eq!(p.id(), id);
    assert_eq!(
        (p.organisation_id, p.email.as_str(), p.name.as_str()),
        (b.org.0, "bea@north.example", "Bea Example")
    );
    assert_eq!((p.created_at, p.updated_at), (at(3), at(3)));
    assert!(p.password_hash.is_none() && p.totp_secret.is_none() && p.totp_last_step.is_none());
    assert!(p.disabled_at.is_none() && p.last_sign_in_at.is_none() && !p.has_totp());
    let shown = p.to_string();
    assert!(
        shown.contains(&id.0.to_string()) && !shown.contains("bea@"),
        "{shown}"
    );

    // duplicate email
    let err = people::insert(
        &mut c,
        PersonId::new(),
        b.org,
        "bea@north.example",
        "Other",
        None,
        at(4),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert!(err.is_conflict_on("email"), "{err:?}");
    // duplicate id
    let err = people::insert(
        &mut c,
        id,
        b.org,
        "bea2@north.example",
        "Other",
        None,
        at(4),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");

    assert_eq!(
        people::find_by_email(&mut c, "bea@north.example")
            .await
            .unwrap()
            .map(|p| p.person_id),
        Some(id.0)
    );
    assert!(
        people::find_by_email(&mut c, "nobody@north.example")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        people::find(&mut c, PersonId::new())
            .await
            .unwrap()
            .is_none()
    );

    // tenant scope: visible in a partnership only while holding a role there
    assert!(
        people::find_in_partnership(&mut c, b.p, id)
            .await
            .unwrap()
            .is_none()
    );
    roles::grant(&mut c, b.p, id, Role::BoardMember, None, at(5))
        .await
        .unwrap();
    assert_eq!(
        people::find_in_partnership(&mut c, b.p, id)
            .await
            .unwrap()
            .map(|p| p.person_id),
        Some(id.0)
    );
    assert!(
        people::find_in_partnership(&mut c, south, id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        people::find_in_partnership(&mut c, south, b.person)
            .await
            .unwrap()
            .is_none()
    );
    roles::revoke(&mut c, b.p, id, Role::BoardMember)
        .await
        .unwrap();
    assert!(
        people::find_in_partnership(&mut c, b.p, id)
            .await
            .unwrap()
            .is_none()
    );
});

both_backends!(people_list_filters_paging_and_roles, |backend| async move {
    let db = fresh_db(backend).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let p = new_partnership(&mut c, "north", "North").await;
    let q = new_partnership(&mut c, "south", "South").await;
    let a = new_org(&mut c, "Org A", "local_authority", Some(p)).await;
    let bo = new_org(&mut c, "Org B", "police", Some(p)).await;

    let alice = new_person(&mut c, a, "alice@a.example", "Alice Smith").await;
    let bob = new_person(&mut c, bo, "bob@b.example", "bob jones").await;
    let carol = new_person(&mut c, a, "carol@a.example", "Carol 100% Sure").await;
    let dave = new_person(&mut c, bo, "dave_u@b.example", "Dave_Underscore").await;
    let eve = new_person(&mut c, a, "eve@a.example", "Eve Disabled").await;
    let frank = new_person(&mut c, a, "frank@a.example", "Frank Elsewhere").await;
    let _gina = new_person(&mut c, a, "gina@a.example", "Gina Norole").await;
    for (who, role) in [
        (alice, Role::Practitioner),
        (alice, Role::BoardMember),
        (bob, Role::PartnershipAdministrator),
        (carol, Role::Practitioner),
        (dave, Role::AgencyLead),
        (eve, Role::Practitioner),
    ] {
        roles::grant(&mut c, p, who, role, None, at(0))
            .await
            .unwrap();
    }
    roles::grant(&mut c, q, alice, Role::IndependentScrutineer, None, at(0))
        .await
        .unwrap();
    roles::grant(&mut c, q, frank, Role::Practitioner, None, at(0))
        .await
        .unwrap();
    people::set_disabled(&mut c, eve, Some(at(1)), at(1))
        .await
        .unwrap();
    people::record_sign_in(&mut c, bob, at(2)).await.unwrap();

    // no filter: everyone with a role in p, enabled only, by lower(name)
    let (rows, total) = people::list_in_partnership(&mut c, p, &PeopleFilter::default(), 50, 0)
        .await
        .unwrap();
    assert_eq!(
        names(&rows),
        [
            "Alice Smith",
            "bob jones",
            "Carol 100% Sure",
            "Dave_Underscore"
        ]
    );
    assert_eq!(total, 4);
    // roles aggregated (sorted, comma-separated, only this partnership's)
    let roles_of: BTreeMap<&str, &str> = rows
        .iter()
        .map(|r| (r.name.as_str(), r.roles.as_str()))
        .collect();
    assert_eq!(roles_of["Alice Smith"], "board_member,practitioner");
    assert_eq!(roles_of["bob jones"], "partnership_administrator");
    assert_eq!(roles_of["Dave_Underscore"], "agency_lead");
    let bob_row = &rows[1];
    assert_eq!(
        (bob_row.person_id, bob_row.email.as_str()),
        (bob.0, "bob@b.example")
    );
    assert_eq!(
        (bob_row.organisation_id, bob_row.organisation_name.as_str()),
        (bo.0, "Org B")
    );
    assert_eq!(
        (bob_row.last_sign_in_at, bob_row.disabled_at),
        (Some(at(2)), None)
    );

    // include_disabled
    let f = PeopleFilter {
        include_disabled: true,
        ..Default::default()
    };
    let (rows, total) = people::list_in_partnership(&mut c, p, &f, 50, 0)
        .await
        .unwrap();
    assert_eq!(
        names(&rows),
        [
            "Alice Smith",
            "bob jones",
            "Carol 100% Sure",
            "Dave_Underscore",
            "Eve Disabled"
        ]
    );
    assert_eq!(total, 5);
    assert_eq!(rows[4].disabled_at, Some(at(1)));

    // text: name, case-insensitive
    let text = |t: &str| PeopleFilter {
        text: Some(t.to_owned()),
        ..Default::default()
    };
    let (rows, total) = people::list_in_partnership(&mut c, p, &text("SMITH"), 50, 0)
        .await
        .unwrap();
    assert_eq!((names(&rows), total), (vec!["Alice Smith"], 1));
    let (rows, _) = people::list_in_partnership(&mut c, p, &text("  jOnEs  "), 50, 0)
        .await
        .unwrap();
    assert_eq!(names(&rows), ["bob jones"]);
    // text: email, case-insensitive
    let (rows, total) = people::list_in_partnership(&mut c, p, &text("B.EXAMPLE"), 50, 0)
        .await
        .unwrap();
    assert_eq!(
        (names(&rows), total),
        (vec!["bob jones", "Dave_Underscore"], 2)
    );
    let (rows, _) = people::list_in_partnership(&mut c, p, &text("carol@"), 50, 0)
        .await
        .unwrap();
    assert_eq!(names(&rows), ["Carol 100% Sure"]);
    // text: % and _ are literal
    let (rows, total) = people::list_in_partnership(&mut c, p, &text("%"), 50, 0)
        .await
        .unwrap();
    assert_eq!((names(&rows), total), (vec!["Carol 100% Sure"], 1));
    let (rows, total) = people::list_in_partnership(&mut c, p, &text("_"), 50, 0)
        .await
        .unwrap();
    assert_eq!((names(&rows), total), (vec!["Dave_Underscore"], 1));
    let (rows, _) = people::list_in_partnership(&mut c, p, &text("0% s"), 50, 0)
        .await
        .unwrap();
    assert_eq!(names(&rows), ["Carol 100% Sure"]);
    let (rows, total) = people::list_in_partnership(&mut c, p, &text("a%e"), 50, 0)
        .await
        .unwrap();
    assert_eq!((rows.len(), total), (0, 0), "% must not act as a wildcard");
    let (rows, total) = people::list_in_partnership(&mut c, p, &text("b_b"), 50, 0)
        .await
        .unwrap();
    assert_eq!((rows.len(), total), (0, 0), "_ must not act as a wildcard");
    let (rows, _) = people::list_in_partnership(&mut c, p, &text("\\"), 50, 0)
        .await
        .unwrap();
    assert!(rows.is_empty(), "a backslash is literal too");
    // text: whitespace only is no filter
    let (_, total) = people::list_in_partnership(&mut c, p, &text("   "), 50, 0)
        .await
        .unwrap();
    assert_eq!(total, 4);
    // text never reaches people outside the partnership
    let (rows, total) = people::list_in_partnership(&mut c, p, &text("frank"), 50, 0)
        .await
        .unwrap();
    assert_eq!((rows.len(), total), (0, 0));
    let (rows, _) = people::list_in_partnership(&mut c, p, &text("gina"), 50, 0)
        .await
        .unwrap();
    assert!(rows.is_empty());

    // role
    let role = |r: Role, dis: bool| PeopleFilter {
        role: Some(r.slug().to_owned()),
        include_disabled: dis,
        ..Default::default()
    };
    let (rows, total) =
        people::list_in_partnership(&mut c, p, &role(Role::Practitioner, false), 50, 0)
            .await
            .unwrap();
    assert_eq!(
        (names(&rows), total),
        (vec!["Alice Smith", "Carol 100% Sure"], 2)
    );
    // the aggregated roles still show all of the person's roles, not just the filtered one
    assert_eq!(rows[0].roles, "board_member,practitioner");
    let (rows, _) = people::list_in_partnership(&mut c, p, &role(Role::Practitioner, true), 50, 0)
        .await
        .unwrap();
    assert_eq!(
        names(&rows),
        ["Alice Smith", "Carol 100% Sure", "Eve Disabled"]
    );
    let (rows, total) =
        people::list_in_partnership(&mut c, p, &role(Role::IndependentScrutineer, true), 50, 0)
            .await
            .unwrap();
    assert_eq!(
        (rows.len(), total),
        (0, 0),
        "a role held in another partnership does not count"
    );

    // organisation
    let f = PeopleFilter {
        organisation: Some(bo.0),
        ..Default::default()
    };
    let (rows, total) = people::list_in_partnership(&mut c, p, &f, 50, 0)
        .await
        .unwrap();
    assert_eq!(
        (names(&rows), total),
        (vec!["bob jones", "Dave_Underscore"], 2)
    );
    let f = PeopleFilter {
        organisation: Some(Uuid::new_v4()),
        ..Default::default()
    };
    assert_eq!(
        people::list_in_partnership(&mut c, p, &f, 50, 0)
            .await
            .unwrap()
            .1,
        0
    );

    // combined
    let f = PeopleFilter {
        text: Some("a.example".into()),
        role: Some("practitioner".into()),
        organisation: Some(a.0),
        include_disabled: true,
    };
    let (rows, total) = people::list_in_partnership(&mut c, p, &f, 50, 0)
        .await
        .unwrap();
    assert_eq!(
        (names(&rows), total),
        (vec!["Alice Smith", "Carol 100% Sure", "Eve Disabled"], 3)
    );

    // pagination: total is the whole count whatever the page
    let all = PeopleFilter::default();
    let (rows, total) = people::list_in_partnership(&mut c, p, &all, 2, 0)
        .await
        .unwrap();
    assert_eq!((names(&rows), total), (vec!["Alice Smith", "bob jones"], 4));
    let (rows, total) = people::list_in_partnership(&mut c, p, &all, 2, 2)
        .await
        .unwrap();
    assert_eq!(
        (names(&rows), total),
        (vec!["Carol 100% Sure", "Dave_Underscore"], 4)
    );
    assert_eq!(
        rows[1].roles, "agency_lead",
        "roles are filled on later pages too"
    );
    let (rows, total) = people::list_in_partnership(&mut c, p, &all, 3, 3)
        .await
        .unwrap();
    assert_eq!((names(&rows), total), (vec!["Dave_Underscore"], 4));
    let (rows, total) = people::list_in_partnership(&mut c, p, &all, 2, 4)
        .await
        .unwrap();
    assert_eq!((rows.len(), total), (0, 4));

    // the other partnership sees only its own members, with its own roles
    let (rows, total) = people::list_in_partnership(&mut c, q, &all, 50, 0)
        .await
        .unwrap();
    assert_eq!(
        (names(&rows), total),
        (vec!["Alice Smith", "Frank Elsewhere"], 2)
    );
    assert_eq!(rows[0].roles, "independent_scrutineer");
});

both_backends!(
    people_credentials_totp_disable_sign_in,
    |backend| async move {
        let db = fresh_db(backend).await;
        let mut pc = db.acquire().await.unwrap();
        let mut c = pc.conn();
        let b = basic(&mut c).await;
        let other = new_person(&mut c, b.org, "other@north.example", "Other").await;
        let ghost = PersonId::new();

        assert!(
            people::set_password_hash(&mut c, b.person, "$argon2id$new", at(1))
                .await
                .unwrap()
        );
        let p = people::find(&mut c, b.person).await.unwrap().unwrap();
        assert_eq!(
            (p.password_hash.as_deref(), p.updated_at, p.created_at),
            (Some("$argon2id$new"), at(1), at(0))
        );
        assert!(
            !people::set_password_hash(&mut c, ghost, "h", at(1))
                .await
                .unwrap()
        );
        let o = people::find(&mut c, other).await.unwrap().unwrap();
        assert_eq!(
            o.password_hash.as_deref(),
            Some("$argon2id$v=19$placeholder"),
            "only the one person changed"
        );

        // TOTP: pending enrolment, then enabled
        assert!(
            people::set_totp(
                &mut c,
                b.person,
                Some("JBSWY3DPEHPK3PXP"),
                None,
                None,
                at(2)
            )
            .await
            .unwrap()
        );
        let p = people::find(&mut c, b.person).await.unwrap().unwrap();
        assert_eq!(p.totp_secret.as_deref(), Some("JBSWY3DPEHPK3PXP"));
        assert!(!p.has_totp(), "pending enrolment is not active TOTP");
        assert!(
            people::set_totp(
                &mut c,
                b.person,
                Some("JBSWY3DPEHPK3PXP"),
                Some(at(3)),
                Some(100),
                at(3)
            )
            .await
            .unwrap()
        );
        let p = people::find(&mut c, b.person).await.unwrap().unwrap();
        assert!(p.has_totp());
        assert_eq!(
            (p.totp_enabled_at, p.totp_last_step, p.updated_at),
            (Some(at(3)), Some(100), at(3))
        );
        assert!(
            !people::set_totp(&mut c, ghost, None, None, None, at(3))
                .await
                .unwrap()
        );

        // advance_totp_step refuses equal or lower steps
        assert!(
            people::advance_totp_step(&mut c, b.person, 101)
                .await
                .unwrap()
        );
        assert!(
            !people::advance_totp_step(&mut c, b.person, 101)
                .await
                .unwrap()
        );
        assert!(
            !people::advance_totp_step(&mut c, b.person, 100)
                .await
                .unwrap()
        );
        assert!(
            !people::advance_totp_step(&mut c, b.person, 7)
                .await
                .unwrap()
        );
        assert_eq!(
            people::find(&mut c, b.person)
                .await
                .unwrap()
                .unwrap()
                .totp_last_step,
            Some(101)
        );
        assert!(
            people::advance_totp_step(&mut c, b.person, 102)
                .await
                .unwrap()
        );
        assert_eq!(
            people::find(&mut c, b.person)
                .await
                .unwrap()
                .unwrap()
                .totp_last_step,
            Some(102)
        );
        // a null step accepts any step
        assert!(people::advance_totp_step(&mut c, other, 1).await.unwrap());
        assert!(!people::advance_totp_step(&mut c, other, 1).await.unwrap());
        assert!(!people::advance_totp_step(&mut c, ghost, 5).await.unwrap());
        // turning TOTP off
        assert!(
            people::set_totp(&mut c, b.person, None, None, None, at(4))
                .await
                .unwrap()
        );
        let p = people::find(&mut c, b.person).await.unwrap().unwrap();
        assert!(
            !p.has_totp()
                && p.totp_secret.is_none()
                && p.totp_enabled_at.is_none()
                && p.totp_last_step.is_none()
        );

        // disable / re-enable
        assert!(
            people::set_disabled(&mut c, b.person, Some(at(5)), at(5))
                .await
                .unwrap()
        );
        let p = people::find(&mut c, b.person).await.unwrap().unwrap();
        assert_eq!((p.disabled_at, p.updated_at), (Some(at(5)), at(5)));
        assert!(
            people::find(&mut c, other)
                .await
                .unwrap()
                .unwrap()
                .disabled_at
                .is_none()
        );
        assert!(
            people::set_disabled(&mut c, b.person, None, at(6))
                .await
                .unwrap()
        );
        let p = people::find(&mut c, b.person).await.unwrap().unwrap();
        assert_eq!((p.disabled_at, p.updated_at), (None, at(6)));
        assert!(
            !people::set_disabled(&mut c, ghost, Some(at(6)), at(6))
                .await
                .unwrap()
        );

        // sign-in
        people::record_sign_in(&mut c, b.person, at(7))
            .await
            .unwrap();
        let p = people::find(&mut c, b.person).await.unwrap().unwrap();
        assert_eq!(p.last_sign_in_at, Some(at(7)));
        assert!(
            people::find(&mut c, other)
                .await
                .unwrap()
                .unwrap()
                .last_sign_in_at
                .is_none()
        );
        people::record_sign_in(&mut c, ghost, at(7)).await.unwrap();
    }
);

// ---------------------------------------------------------------------------------------------------
// roles
// ---------------------------------------------------------------------------------------------------

both_backends!(roles_grant_revoke_roles_of, |backend| async move {
    let db = fresh_db(backend).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let b = basic(&mut c).await; // Practitioner in b.p
    let south = new_partnership(&mut c, "south", "South").await;
    let admin = new_person(&mut c, b.org, "admin@north.example", "Admin").await;

    assert!(
        !roles::grant(&mut c, b.p, b.person, Role::Practitioner, None, at(1))
            .await
            .unwrap(),
        "second grant"
    );
    assert!(
        roles::grant(
            &mut c,
            b.p,
            b.person,
            Role::PartnershipAdministrator,
            Some(admin),
            at(1)
        )
        .await
        .unwrap()
    );
    assert!(
        roles::grant(&mut c, b.p, b.person, Role::BoardMember, Some(admin), at(1))
            .await
            .unwrap()
    );
    assert!(
        roles::grant(&mut c, south, b.person, Role::AgencyLead, None, at(1))
            .await
            .unwrap()
    );
    assert_eq!(
        roles::roles_of(&mut c, b.p, b.person).await.unwrap(),
        [
            Role::PartnershipAdministrator,
            Role::BoardMember,
            Role::Practitioner
        ]
    );
    assert_eq!(
        roles::roles_of(&mut c, south, b.person).await.unwrap(),
        [Role::AgencyLead]
    );
    assert!(
        roles::roles_of(&mut c, b.p, admin)
            .await
            .unwrap()
            .is_empty()
    );
    let (granted_by,): (Option<Uuid>,) = raw_one!(
        &db,
        (Option<Uuid>,),
        "select granted_by from role_grant where role = 'board_member'"
    );
    assert_eq!(granted_by, Some(admin.0));

    assert!(
        roles::revoke(&mut c, b.p, b.person, Role::BoardMember)
            .await
            .unwrap()
    );
    assert!(
        !roles::revoke(&mut c, b.p, b.person, Role::BoardMember)
            .await
            .unwrap(),
        "second revoke"
    );
    assert!(
        !roles::revoke(&mut c, south, b.person, Role::Practitioner)
            .await
            .unwrap(),
        "not held there"
    );
    assert_eq!(
        roles::roles_of(&mut c, b.p, b.person).await.unwrap(),
        [Role::PartnershipAdministrator, Role::Practitioner]
    );
    assert_eq!(
        roles::roles_of(&mut c, south, b.person).await.unwrap(),
        [Role::AgencyLead],
        "other partnership untouched"
    );
    // a revoked role can be granted again
    assert!(
        roles::grant(&mut c, b.p, b.person, Role::BoardMember, None, at(2))
            .await
            .unwrap()
    );

    // unknown person / partnership: foreign keys
    let err = roles::grant(
        &mut c,
        b.p,
        PersonId::new(),
        Role::Practitioner,
        None,
        at(0),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = roles::grant(
        &mut c,
        PartnershipId::new(),
        b.person,
        Role::Practitioner,
        None,
        at(0),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
});

// ---------------------------------------------------------------------------------------------------
// sessions
// ---------------------------------------------------------------------------------------------------

both_backends!(
    sessions_insert_find_expiry_touch_switch,
    |backend| async move {
        let db = fresh_db(backend).await;
        let mut pc = db.acquire().await.unwrap();
        let mut c = pc.conn();
        let b = basic(&mut c).await;
        let south = new_partnership(&mut c, "south", "South").await;

        let s1 = session(b.person, Some(b.p), "hash-1", 30, at(12 * 60));
        sessions::insert(&mut c, &s1, at(0)).await.unwrap();
        let r = find_session(&mut c, "hash-1").await;
        assert_eq!(
            (r.session_id, r.person_id, r.partnership_id),
            (s1.id.0, b.person.0, Some(b.p.0))
        );
        assert_eq!(
            (r.stage.as_str(), r.csrf_token.as_str()),
            ("full", "csrf-0123456789")
        );
        assert_eq!(
            (
                r.created_at,
                r.last_seen_at,
                r.idle_minutes,
                r.absolute_expires_at
            ),
            (at(0), at(0), 30, at(720))
        );
        assert_eq!(
            (r.ip.as_deref(), r.user_agent.as_deref(), r.ended_at),
            (Some("192.0.2.7"), Some("TestBrowser/1.0"), None)
        );
        assert_eq!(
            (
                r.organisation_id,
                r.person_name.as_str(),
                r.person_email.as_str()
            ),
            (b.org.0, "Ann Example", "ann@north.example")
        );
        assert_eq!((r.person_disabled_at, r.person_has_totp), (None, false));
        assert!(
            sessions::find_by_token_hash(&mut c, "hash-unknown")
                .await
                .unwrap()
                .is_none()
        );
        let err = sessions::insert(
            &mut c,
            &session(b.person, None, "hash-1", 30, at(60)),
            at(0),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict(_)),
            "duplicate token hash: {err:?}"
        );

        // idle expiry
        assert_eq!(r.expires_at(), at(30));
        assert!(r.is_live(at(29)));
        assert!(!r.is_live(at(30)));
        sessions::touch(&mut c, s1.id, at(25)).await.unwrap();
        let r = find_session(&mut c, "hash-1").await;
        assert_eq!(r.last_seen_at, at(25));
        assert!(r.is_live(at(54)));
        assert!(!r.is_live(at(55)));

        // absolute expiry wins over idle
        let s2 = NewSession {
            stage: "totp",
            ip: None,
            user_agent: None,
            ..session(b.person, None, "hash-2", 120, at(60))
        };
        sessions::insert(&mut c, &s2, at(0)).await.unwrap();
        sessions::touch(&mut c, s2.id, at(50)).await.unwrap();
        let r2 = find_session(&mut c, "hash-2").await;
        assert_eq!(
            (r2.stage.as_str(), r2.partnership_id, r2.ip.as_deref()),
            ("totp", None, None)
        );
        assert_eq!(r2.expires_at(), at(60));
        assert!(r2.is_live(at(59)));
        assert!(!r2.is_live(at(60)));
        assert!(
            !r2.is_live(at(100)),
            "idle would allow it, absolute does not"
        );

        // switching partnership
        sessions::set_partnership(&mut c, s2.id, south)
            .await
            .unwrap();
        assert_eq!(
            find_session(&mut c, "hash-2").await.partnership_id,
            Some(south.0)
        );
        assert_eq!(
            find_session(&mut c, "hash-1").await.partnership_id,
            Some(b.p.0),
            "only that session"
        );

        // joined person state
        people::set_totp(&mut c, b.person, Some("S"), Some(at(1)), None, at(1))
            .await
            .unwrap();
        assert!(find_session(&mut c, "hash-1").await.person_has_totp);
        people::set_disabled(&mut c, b.person, Some(at(2)), at(2))
            .await
            .unwrap();
        let r = find_session(&mut c, "hash-1").await;
        assert_eq!(r.person_disabled_at, Some(at(2)));
        assert!(
            !r.is_live(at(26)),
            "a disabled person's session is not live"
        );
        people::set_disabled(&mut c, b.person, None, at(3))
            .await
            .unwrap();

        // unknown person / stage: constraints
        let err = sessions::insert(
            &mut c,
            &session(PersonId::new(), None, "hash-x", 30, at(60)),
            at(0),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
        let bad = NewSession {
            stage: "half",
            ..session(b.person, None, "hash-y", 30, at(60))
        };
        let err = sessions::insert(&mut c, &bad, at(0)).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    }
);

both_backends!(sessions_end_list_open_and_sweep, |backend| async move {
    let db = fresh_db(backend).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let b = basic(&mut c).await;
    let x = b.person;
    let y = new_person(&mut c, b.org, "yan@north.example", "Yan").await;

    let sx1 = session(x, Some(b.p), "x1", 30, at(720));
    let sx2 = session(x, Some(b.p), "x2", 30, at(720));
    let sx3 = session(x, Some(b.p), "x3", 30, at(720));
    let sy1 = session(y, Some(b.p), "y1", 30, at(720));
    sessions::insert(&mut c, &sx1, at(0)).await.unwrap();
    sessions::insert(&mut c, &sx2, at(1)).await.unwrap();
    sessions::insert(&mut c, &sx3, at(2)).await.unwrap();
    sessions::insert(&mut c, &sy1, at(0)).await.unwrap();

    // owner check
    assert!(
        !sessions::end(&mut c, sx1.id, Some(y), "sign_out", at(5))
            .await
            .unwrap(),
        "not Y's session"
    );
    assert!(find_session(&mut c, "x1").await.ended_at.is_none());
    assert!(
        sessions::end(&mut c, sx1.id, Some(x), "sign_out", at(5))
            .await
            .unwrap()
    );
    let r = find_session(&mut c, "x1").await;
    assert_eq!(r.ended_at, Some(at(5)));
    assert!(!r.is_live(at(6)));
    assert!(
        !sessions::end(&mut c, sx1.id, Some(x), "sign_out", at(6))
            .await
            .unwrap(),
        "already ended"
    );
    assert!(
        !sessions::end(&mut c, SessionId::new(), None, "admin", at(6))
            .await
            .unwrap()
    );
    let (reason,): (Option<String>,) = raw_one!(
        &db,
        (Option<String>,),
        "select end_reason from session where token_hash = 'x1'"
    );
    assert_eq!(reason.as_deref(), Some("sign_out"));
    // touch and set_partnership leave an ended session alone
    sessions::touch(&mut c, sx1.id, at(7)).await.unwrap();
    let other = new_partnership(&mut c, "south", "South").await;
    sessions::set_partnership(&mut c, sx1.id, other)
        .await
        .unwrap();
    let r = find_session(&mut c, "x1").await;
    assert_eq!((r.last_seen_at, r.partnership_id), (at(0), Some(b.p.0)));

    // list_open_for_person: newest first, only open and live, only that person's
    let open: Vec<Uuid> = sessions::list_open_for_person(&mut c, x, at(10))
        .await
        .unwrap()
        .iter()
        .map(|s| s.session_id)
        .collect();
    assert_eq!(open, [sx3.id.0, sx2.id.0]);
    // sx2 goes idle at 31; sx3 at 32
    let open: Vec<Uuid> = sessions::list_open_for_person(&mut c, x, at(31))
        .await
        .unwrap()
        .iter()
        .map(|s| s.session_id)
        .collect();
    assert_eq!(open, [sx3.id.0]);
    sessions::touch(&mut c, sx2.id, at(20)).await.unwrap();
    let open: Vec<Uuid> = sessions::list_open_for_person(&mut c, x, at(31))
        .await
        .unwrap()
        .iter()
        .map(|s| s.session_id)
        .collect();
    assert_eq!(open, [sx3.id.0, sx2.id.0]);
    assert!(
        sessions::list_open_for_person(&mut c, x, at(720))
            .await
            .unwrap()
            .is_empty(),
        "absolute expiry"
    );

    // end by an administrator (no owner check)
    assert!(
        sessions::end(&mut c, sx3.id, None, "admin", at(8))
            .await
            .unwrap()
    );

    // end_all_for_person: only the open ones, only that person's
    let sx4 = session(x, None, "x4", 30, at(720));
    sessions::insert(&mut c, &sx4, at(9)).await.unwrap();
    assert_eq!(
        sessions::end_all_for_person(&mut c, x, "disabled", at(10))
            .await
            .unwrap(),
        2
    ); // x2, x4
    assert_eq!(
        sessions::end_all_for_person(&mut c, x, "disabled", at(11))
            .await
            .unwrap(),
        0
    );
    assert!(
        sessions::list_open_for_person(&mut c, x, at(12))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        find_session(&mut c, "x3").await.ended_at,
        Some(at(8)),
        "earlier end kept"
    );
    assert_eq!(find_session(&mut c, "x4").await.ended_at, Some(at(10)));
    let ys: Vec<Uuid> = sessions::list_open_for_person(&mut c, y, at(12))
        .await
        .unwrap()
        .iter()
        .map(|s| s.session_id)
        .collect();
    assert_eq!(ys, [sy1.id.0]);
    let (reason,): (Option<String>,) = raw_one!(
        &db,
        (Option<String>,),
        "select end_reason from session where token_hash = 'x4'"
    );
    assert_eq!(reason.as_deref(), Some("disabled"));

    // sweep: ended or expired more than a day before now
    let old_abs = session(y, None, "y-old", 30, at(60));
    sessions::insert(&mut c, &old_abs, at(0)).await.unwrap();
    let live = session(y, None, "y-live", 30, at(3 * 24 * 60));
    sessions::insert(&mut c, &live, at(0)).await.unwrap();
    let day = 24 * 60;
    // at day + 9: x1 (ended 5), x3 (ended 8) are more than a day old; x2/x4 (ended 10) are not; y-old expired at 60.
    assert_eq!(sessions::sweep(&mut c, at(day + 9)).await.unwrap(), 2);
    assert!(
        sessions::find_by_token_hash(&mut c, "x1")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        sessions::find_by_token_hash(&mut c, "x3")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        sessions::find_by_token_hash(&mut c, "x2")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        sessions::find_by_token_hash(&mut c, "y-old")
            .await
            .unwrap()
            .is_some()
    );
    // at day + 61: x2, x4 (ended at 10) and y-old (absolute expiry at 60); y1 (absolute 720) stays
    assert_eq!(sessions::sweep(&mut c, at(day + 61)).await.unwrap(), 3);
    assert!(
        sessions::find_by_token_hash(&mut c, "y-old")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        sessions::find_by_token_hash(&mut c, "y1")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        sessions::find_by_token_hash(&mut c, "y-live")
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        sessions::sweep(&mut c, at(day + 721)).await.unwrap(),
        1,
        "y1 (absolute expiry at 720)"
    );
    assert_eq!(count_rows(&db, "session").await, 1);
    assert!(
        sessions::find_by_token_hash(&mut c, "y-live")
            .await
            .unwrap()
            .is_some()
    );
});

// ---------------------------------------------------------------------------------------------------
// tokens
// ---------------------------------------------------------------------------------------------------

both_backends!(api_tokens_lifecycle_and_ownership, |backend| async move {
    let db = fresh_db(backend).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let b = basic(&mut c).await;
    let x = b.person;
    let y = new_person(&mut c, b.org, "yan@north.example", "Yan").await;
    let expiry = at(30 * 24 * 60);

    let t1 = ApiTokenId::new();
    let t2 = ApiTokenId::new();
    let t3 = ApiTokenId::new();
    let ty = ApiTokenId::new();
    tokens::insert(
        &mut c,
        t1,
        x,
        b.p,
        "laptop",
        "th-1",
        "sgp_abc",
        expiry,
        at(0),
    )
    .await
    .unwrap();
    tokens::insert(&mut c, t2, x, b.p, "ci", "th-2", "sgp_def", expiry, at(1))
        .await
        .unwrap();
    tokens::insert(
        &mut c,
        t3,
        x,
        b.p,
        "short",
        "th-3",
        "sgp_ghi",
        at(10),
        at(2),
    )
    .await
    .unwrap();
    tokens::insert(
        &mut c,
        ty,
        y,
        b.p,
        "yours",
        "th-y",
        "sgp_yyy",
        expiry,
        at(0),
    )
    .await
    .unwrap();
    let err = tokens::insert(
        &mut c,
        ApiTokenId::new(),
        x,
        b.p,
        "dup",
        "th-1",
        "sgp_dup",
        expiry,
        at(3),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "duplicate hash: {err:?}"
    );

    let t = tokens::find_live_by_hash(&mut c, "th-1", at(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (t.api_token_id, t.person_id, t.partnership_id),
        (t1.0, x.0, b.p.0)
    );
    assert_eq!(
        (t.name.as_str(), t.token_hint.as_str()),
        ("laptop", "sgp_abc")
    );
    assert_eq!(
        (t.created_at, t.expires_at, t.last_used_at, t.revoked_at),
        (at(0), expiry, None, None)
    );
    assert!(
        tokens::find_live_by_hash(&mut c, "th-none", at(5))
            .await
            .unwrap()
            .is_none()
    );
    // expiry
    assert!(
        tokens::find_live_by_hash(&mut c, "th-3", at(9))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        tokens::find_live_by_hash(&mut c, "th-3", at(10))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        tokens::find_live_by_hash(&mut c, "th-3", at(11))
            .await
            .unwrap()
            .is_none()
    );

    // list: newest first, only the person's
    let listed: Vec<Uuid> = tokens::list_for_person(&mut c, x)
        .await
        .unwrap()
        .iter()
        .map(|t| t.api_token_id)
        .collect();
    assert_eq!(listed, [t3.0, t2.0, t1.0]);
    let listed: Vec<Uuid> = tokens::list_for_person(&mut c, y)
        .await
        .unwrap()
        .iter()
        .map(|t| t.api_token_id)
        .collect();
    assert_eq!(listed, [ty.0]);

    // find_for_person: ownership
    assert_eq!(
        tokens::find_for_person(&mut c, x, t1)
            .await
            .unwrap()
            .map(|t| t.api_token_id),
        Some(t1.0)
    );
    assert!(
        tokens::find_for_person(&mut c, y, t1)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        tokens::find_for_person(&mut c, x, ty)
            .await
            .unwrap()
            .is_none()
    );

    // touch
    tokens::touch(&mut c, t1, at(6)).await.unwrap();
    assert_eq!(
        tokens::find_for_person(&mut c, x, t1)
            .await
            .unwrap()
            .unwrap()
            .last_used_at,
        Some(at(6))
    );
    assert_eq!(
        tokens::find_for_person(&mut c, x, t2)
            .await
            .unwrap()
            .unwrap()
            .last_used_at,
        None
    );

    // revoke: ownership, once
    assert!(
        !tokens::revoke(&mut c, y, t1, at(7)).await.unwrap(),
        "not Y's token"
    );
    assert!(
        tokens::find_live_by_hash(&mut c, "th-1", at(7))
            .await
            .unwrap()
            .is_some()
    );
    assert!(tokens::revoke(&mut c, x, t1, at(7)).await.unwrap());
    assert!(
        !tokens::revoke(&mut c, x, t1, at(8)).await.unwrap(),
        "already revoked"
    );
    assert!(
        tokens::find_live_by_hash(&mut c, "th-1", at(8))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        tokens::find_for_person(&mut c, x, t1)
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        Some(at(7)),
        "first revocation kept"
    );

    // revoke_all: the unrevoked ones of that person only
    assert_eq!(
        tokens::revoke_all_for_person(&mut c, x, at(9))
            .await
            .unwrap(),
        2
    ); // t2, t3
    assert_eq!(
        tokens::revoke_all_for_person(&mut c, x, at(9))
            .await
            .unwrap(),
        0
    );
    assert!(
        tokens::find_live_by_hash(&mut c, "th-2", at(9))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        tokens::find_live_by_hash(&mut c, "th-y", at(9))
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        tokens::find_for_person(&mut c, x, t1)
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        Some(at(7))
    );
});

// ---------------------------------------------------------------------------------------------------
// sign-in attempts
// ---------------------------------------------------------------------------------------------------

both_backends!(sign_in_attempts_window_and_sweep, |backend| async move {
    let db = fresh_db(backend).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let email = "ann@north.example";
    sign_in_attempts::record(&mut c, email, Some("192.0.2.1"), false, at(-10))
        .await
        .unwrap();
    sign_in_attempts::record(&mut c, email, Some("192.0.2.1"), false, at(-5))
        .await
        .unwrap();
    sign_in_attempts::record(&mut c, email, None, false, at(-1))
        .await
        .unwrap();
    sign_in_attempts::record(&mut c, email, None, true, at(-2))
        .await
        .unwrap();
    sign_in_attempts::record(&mut c, "other@north.example", None, false, at(-1))
        .await
        .unwrap();

    assert_eq!(
        sign_in_attempts::failures_since(&mut c, email, at(-5))
            .await
            .unwrap(),
        2,
        "window start is inclusive"
    );
    assert_eq!(
        sign_in_attempts::failures_since(&mut c, email, at(-4))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        sign_in_attempts::failures_since(&mut c, email, at(-60))
            .await
            .unwrap(),
        3,
        "successes never count"
    );
    assert_eq!(
        sign_in_attempts::failures_since(&mut c, email, at(0))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        sign_in_attempts::failures_since(&mut c, "other@north.example", at(-60))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        sign_in_attempts::failures_since(&mut c, "nobody@north.example", at(-60))
            .await
            .unwrap(),
        0
    );

    assert_eq!(
        sign_in_attempts::sweep(&mut c, at(-5)).await.unwrap(),
        1,
        "strictly older only"
    );
    assert_eq!(
        sign_in_attempts::failures_since(&mut c, email, at(-60))
            .await
            .unwrap(),
        2
    );
    assert_eq!(sign_in_attempts::sweep(&mut c, at(0)).await.unwrap(), 4);
    assert_eq!(count_rows(&db, "sign_in_attempt").await, 0);
});

// ---------------------------------------------------------------------------------------------------
// audit log
// ---------------------------------------------------------------------------------------------------

both_backends!(audit_chains_link_verify_and_page, |backend| async move {
    let db = fresh_db(backend).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let b = basic(&mut c).await;
    let south = new_partnership(&mut c, "south", "South").await;
    drop(pc);

    let full = NewEntry {
        partnership_id: Some(b.p.0),
        actor_person_id: Some(b.person.0),
        actor_organisation_id: Some(b.org.0),
        action: "person.update".into(),
        target_type: "person".into(),
        target_id: Some(b.person.to_string()),
        before: Some(r#"{"name":"Ann"}"#.into()),
        after: Some(r#"{"name":"Ann Example"}"#.into()),
        request_id: Some("req-1".into()),
        ip: Some("192.0.2.9".into()),
    };
    let mut appended = Vec::new();
    let mut tx = db.begin().await.unwrap();
    for i in 0..5 {
        let e = if i == 0 {
            full.clone()
        } else {
            audit_entry(Some(b.p), "person.create", &format!("n{i}"))
        };
        appended.push(audit_log::append(&mut tx.conn(), &e, at(i)).await.unwrap());
        // interleave other chains
        audit_log::append(
            &mut tx.conn(),
            &audit_entry(Some(south), "person.create", &format!("s{i}")),
            at(i),
        )
        .await
        .unwrap();
        if i % 2 == 0 {
            audit_log::append(
                &mut tx.conn(),
                &audit_entry(None, "session.sign_in_failed", &format!("pl{i}")),
                at(i),
            )
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();

    // returned entries: gap-free, linked, hashing their own fields
    let north_chain = chain_for(Some(b.p));
    assert_eq!(north_chain, b.p.to_string());
    assert_eq!(
        appended.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    assert_eq!(appended[0].prev_hash, GENESIS);
    for w in appended.windows(2) {
        assert_eq!(w[1].prev_hash, w[0].hash);
    }
    for e in &appended {
        assert_eq!(e.chain, north_chain);
        assert_eq!(e.recompute(), e.hash);
        assert_eq!(e.hash.len(), 64);
    }

    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    // what is stored is exactly what was returned (all fields round-trip)
    let stored = audit_log::chain_batch(&mut c, &north_chain, 0, 100)
        .await
        .unwrap();
    assert_eq!(stored, appended);
    assert_eq!(stored[0].before.as_deref(), Some(r#"{"name":"Ann"}"#));
    assert_eq!(stored[0].ip.as_deref(), Some("192.0.2.9"));
    assert_eq!(
        audit_log::chain_head(&mut c, &north_chain).await.unwrap(),
        Some((5, appended[4].hash.clone()))
    );
    // paging
    let seqs =
        |v: Vec<safeguard_domain::audit::Entry>| v.into_iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(
        seqs(
            audit_log::chain_batch(&mut c, &north_chain, 0, 2)
                .await
                .unwrap()
        ),
        [1, 2]
    );
    assert_eq!(
        seqs(
            audit_log::chain_batch(&mut c, &north_chain, 2, 2)
                .await
                .unwrap()
        ),
        [3, 4]
    );
    assert_eq!(
        seqs(
            audit_log::chain_batch(&mut c, &north_chain, 4, 2)
                .await
                .unwrap()
        ),
        [5]
    );
    assert!(
        audit_log::chain_batch(&mut c, &north_chain, 5, 2)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        audit_log::chain_batch(&mut c, "no-such-chain", 0, 2)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        audit_log::chain_head(&mut c, "no-such-chain")
            .await
            .unwrap()
            .is_none()
    );

    // separate chains, each gap-free and verifying
    let south_chain = chain_for(Some(south));
    let south_entries = audit_log::chain_batch(&mut c, &south_chain, 0, 100)
        .await
        .unwrap();
    assert_eq!(seqs(south_entries.clone()), [1, 2, 3, 4, 5]);
    assert!(
        south_entries
            .iter()
            .all(|e| e.partnership_id == Some(south.0))
    );
    let platform = audit_log::chain_batch(&mut c, PLATFORM_CHAIN, 0, 100)
        .await
        .unwrap();
    assert_eq!(seqs(platform.clone()), [1, 2, 3]);
    assert!(
        platform
            .iter()
            .all(|e| e.partnership_id.is_none() && e.chain == PLATFORM_CHAIN)
    );
    let mut chains = audit_log::chains(&mut c).await.unwrap();
    chains.sort();
    let mut expected = vec![
        (north_chain.clone(), 5, appended[4].hash.clone()),
        (south_chain.clone(), 5, south_entries[4].hash.clone()),
        (PLATFORM_CHAIN.to_owned(), 3, platform[2].hash.clone()),
    ];
    expected.sort();
    assert_eq!(chains, expected);
    drop(pc);
    for batch in [1, 2, 3, 100] {
        assert_eq!(verify_chain(&db, &north_chain, batch).await, Ok(5));
    }
    assert_eq!(verify_chain(&db, &south_chain, 2).await, Ok(5));
    assert_eq!(verify_chain(&db, PLATFORM_CHAIN, 2).await, Ok(3));
    // a chain checked with another chain's head fails
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let mut v = Verifier::new(&north_chain);
    for e in audit_log::chain_batch(&mut c, &north_chain, 0, 100)
        .await
        .unwrap()
    {
        v.push(&e);
    }
    assert!(v.finish(5, &south_entries[4].hash).is_err());

    // a rolled-back append leaves neither an entry nor a moved head
    let mut tx = db.begin().await.unwrap();
    let e = audit_log::append(
        &mut tx.conn(),
        &audit_entry(Some(b.p), "person.create", "rolled-back"),
        at(9),
    )
    .await
    .unwrap();
    assert_eq!(e.seq, 6);
    drop(tx);
    assert_eq!(
        audit_log::chain_head(&mut c, &north_chain)
            .await
            .unwrap()
            .map(|h| h.0),
        Some(5)
    );
    let e = audit_log::append(
        &mut c,
        &audit_entry(Some(b.p), "person.create", "kept"),
        at(9),
    )
    .await
    .unwrap();
    assert_eq!(
        (e.seq, e.prev_hash.as_str()),
        (6, appended[4].hash.as_str())
    );
    drop(pc);
    assert_eq!(verify_chain(&db, &north_chain, 4).await, Ok(6));
});

both_backends!(audit_list_for_partnership_filters, |backend| async move {
    let db = fresh_db(backend).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let b = basic(&mut c).await;
    let other_org = new_org(&mut c, "North Police", "police", Some(b.p)).await;
    let y = new_person(&mut c, other_org, "yan@north.example", "Yan Police").await;
    let south = new_partnership(&mut c, "south", "South").await;

    // (minute, actor, action, target)
    let plan: [(i64, Option<PersonId>, &str, &str); 7] = [
        (0, Some(b.person), "person.create", "t-1"),
        (1, Some(y), "person.update", "t-1"),
        (2, Some(b.person), "session.sign_in", "t-2"),
        (3, Some(y), "session.sign_out", "t-2"),
        (4, Some(b.person), "session.signin_x", "t-3"),
        (5, None, "audit.view", "t-3"),
        (6, Some(y), "person.update", "t-4"),
    ];
    for (m, actor, action, target) in plan {
        let e = NewEntry {
            actor_person_id: actor.map(|a| a.0),
            actor_organisation_id: actor.map(|a| if a == y { other_org.0 } else { b.org.0 }),
            request_id: Some(format!("req-{m}")),
            ..audit_entry(Some(b.p), action, target)
        };
        audit_log::append(&mut c, &e, at(m)).await.unwrap();
    }
    // noise in other chains
    audit_log::append(
        &mut c,
        &audit_entry(Some(south), "person.create", "t-1"),
        at(0),
    )
    .await
    .unwrap();
    audit_log::append(
        &mut c,
        &NewEntry {
            actor_person_id: Some(y.0),
            ..audit_entry(None, "person.update", "t-1")
        },
        at(1),
    )
    .await
    .unwrap();

    let seqs = |rows: &[audit_log::AuditRow]| rows.iter().map(|r| r.seq).collect::<Vec<_>>();

    // no filter: newest first, actor names joined
    let (rows, total) =
        audit_log::list_for_partnership(&mut c, b.p, &AuditFilter::default(), 50, 0)
            .await
            .unwrap();
    assert_eq!((seqs(&rows), total), (vec![7, 6, 5, 4, 3, 2, 1], 7));
    let first = rows.last().unwrap();
    assert_eq!((first.at, first.actor_person_id), (at(0), Some(b.person.0)));
    assert_eq!(
        (
            first.actor_name.as_deref(),
            first.actor_organisation_name.as_deref()
        ),
        (Some("Ann Example"), Some("North Council"))
    );
    assert_eq!(
        (
            first.action.as_str(),
            first.target_type.as_str(),
            first.target_id.as_deref()
        ),
        ("person.create", "person", Some("t-1"))
    );
    assert_eq!(first.request_id.as_deref(), Some("req-0"));
    let anon = &rows[1];
    assert_eq!(
        (anon.seq, anon.actor_person_id, anon.actor_name.as_deref()),
        (6, None, None)
    );
    assert_eq!(
        rows[0].actor_organisation_name.as_deref(),
        Some("North Police")
    );

    // actor
    let f = AuditFilter {
        actor: Some(y.0),
        ..Default::default()
    };
    let (rows, total) = audit_log::list_for_partnership(&mut c, b.p, &f, 50, 0)
        .await
        .unwrap();
    assert_eq!((seqs(&rows), total), (vec![7, 4, 2], 3));
    let f = AuditFilter {
        actor: Some(Uuid::new_v4()),
        ..Default::default()
    };
    assert_eq!(
        audit_log::list_for_partnership(&mut c, b.p, &f, 50, 0)
            .await
            .unwrap()
            .1,
        0
    );

    // target id
    let f = AuditFilter {
        target_id: Some("t-2".into()),
        ..Default::default()
    };
    let (rows, total) = audit_log::list_for_partnership(&mut c, b.p, &f, 50, 0)
        .await
        .unwrap();
    assert_eq!((seqs(&rows), total), (vec![4, 3], 2));

    // from (inclusive) / to (exclusive)
    let f = AuditFilter {
        from: Some(at(2)),
        to: Some(at(4)),
        ..Default::default()
    };
    let (rows, total) = audit_log::list_for_partnership(&mut c, b.p, &f, 50, 0)
        .await
        .unwrap();
    assert_eq!((seqs(&rows), total), (vec![4, 3], 2));
    let f = AuditFilter {
        from: Some(at(5)),
        ..Default::default()
    };
    assert_eq!(
        seqs(
            &audit_log::list_for_partnership(&mut c, b.p, &f, 50, 0)
                .await
                .unwrap()
                .0
        ),
        [7, 6]
    );
    let f = AuditFilter {
        to: Some(at(1)),
        ..Default::default()
    };
    assert_eq!(
        seqs(
            &audit_log::list_for_partnership(&mut c, b.p, &f, 50, 0)
                .await
                .unwrap()
                .0
        ),
        [1]
    );

    // combined, with paging and total
    let f = AuditFilter {
        actor: Some(b.person.0),
        from: Some(at(1)),
        ..Default::default()
    };
    let (rows, total) = audit_log::list_for_partnership(&mut c, b.p, &f, 1, 1)
        .await
        .unwrap();
    assert_eq!((seqs(&rows), total), (vec![3], 2));
    let (rows, total) = audit_log::list_for_partnership(&mut c, b.p, &AuditFilter::default(), 3, 3)
        .await
        .unwrap();
    assert_eq!((seqs(&rows), total), (vec![4, 3, 2], 7));
    let (rows, total) = audit_log::list_for_partnership(&mut c, b.p, &AuditFilter::default(), 3, 9)
        .await
        .unwrap();
    assert_eq!((rows.len(), total), (0, 7));

    // the other partnership sees only its own entry
    let (rows, total) =
        audit_log::list_for_partnership(&mut c, south, &AuditFilter::default(), 50, 0)
            .await
            .unwrap();
    assert_eq!((seqs(&rows), total), (vec![1], 1));

    // action prefix
    let prefix = |p: &str| AuditFilter {
        action_prefix: Some(p.to_owned()),
        ..Default::default()
    };
    let (rows, total) = audit_log::list_for_partnership(&mut c, b.p, &prefix("person."), 50, 0)
        .await
        .unwrap();
    assert_eq!((seqs(&rows), total), (vec![7, 2, 1], 3));
    let (rows, total) = audit_log::list_for_partnership(&mut c, b.p, &prefix(" session. "), 50, 0)
        .await
        .unwrap();
    assert_eq!((seqs(&rows), total), (vec![5, 4, 3], 3));
    let (rows, total) = audit_log::list_for_partnership(&mut c, b.p, &prefix("audit"), 50, 0)
        .await
        .unwrap();
    assert_eq!((seqs(&rows), total), (vec![6], 1));
    // the documented example: a prefix containing an underscore matches that action, literally
    let (rows, total) =
        audit_log::list_for_partnership(&mut c, b.p, &prefix("session.sign_in"), 50, 0)
            .await
            .unwrap();
    assert_eq!(
        (seqs(&rows), total),
        (vec![3], 1),
        "action_prefix \"session.sign_in\" must match the session.sign_in entry (seq 3) only"
    );
    let (rows, _) = audit_log::list_for_partnership(&mut c, b.p, &prefix("session.sign_"), 50, 0)
        .await
        .unwrap();
    assert_eq!(
        seqs(&rows),
        [4, 3],
        "\"_\" is literal: session.signin_x must not match"
    );
});

both_backends!(audit_entries_are_append_only, |backend| async move {
    let db = fresh_db(backend).await;
    let chain = five_entry_chain(&db, 3).await;

    let err = exec(
        &db,
        &format!("update audit_entry set action = 'x' where chain = '{chain}' and seq = 2"),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = exec(&db, "update audit_entry set target_id = 'x'")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = exec(
        &db,
        &format!("delete from audit_entry where chain = '{chain}' and seq = 3"),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = exec(&db, "delete from audit_entry").await.unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    if db.backend() == Backend::Postgres {
        let err = exec(&db, "truncate audit_entry").await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    assert_eq!(count_rows(&db, "audit_entry").await, 3);
    assert_eq!(verify_chain(&db, &chain, 2).await, Ok(3));
});

both_backends!(audit_tamper_edit_is_named, |backend| async move {
    let db = fresh_db(backend).await;
    let chain = five_entry_chain(&db, 5).await;
    drop_audit_triggers(&db).await;
    let n = exec(
        &db,
        &format!(
            "update audit_entry set target_id = 'target-X' where chain = '{chain}' and seq = 3"
        ),
    )
    .await
    .unwrap();
    assert_eq!(n, 1);
    let broken = verify_chain(&db, &chain, 2).await.unwrap_err();
    assert_eq!(
        (broken.chain.as_str(), broken.seq),
        (chain.as_str(), 3),
        "{broken:?}"
    );
    assert!(broken.reason.contains("edited"), "{broken:?}");
});

both_backends!(audit_tamper_delete_is_named, |backend| async move {
    let db = fresh_db(backend).await;
    let chain = five_entry_chain(&db, 5).await;
    drop_audit_triggers(&db).await;
    let n = exec(
        &db,
        &format!("delete from audit_entry where chain = '{chain}' and seq = 2"),
    )
    .await
    .unwrap();
    assert_eq!(n, 1);
    let broken = verify_chain(&db, &chain, 2).await.unwrap_err();
    assert_eq!(broken.seq, 2, "{broken:?}");
    assert!(broken.reason.contains("missing"), "{broken:?}");
});

both_backends!(audit_tamper_reorder_is_named, |backend| async move {
    let db = fresh_db(backend).await;
    let chain = five_entry_chain(&db, 5).await;
    drop_audit_triggers(&db).await;
    for sql in [
        format!("update audit_entry set seq = -2 where chain = '{chain}' and seq = 2"),
        format!("update audit_entry set seq = 2 where chain = '{chain}' and seq = 3"),
        format!("update audit_entry set seq = 3 where chain = '{chain}' and seq = -2"),
    ] {
        assert_eq!(exec(&db, &sql).await.unwrap(), 1, "{sql}");
    }
    let mut pc = db.acquire().await.unwrap();
    let batch = audit_log::chain_batch(&mut pc.conn(), &chain, 0, 10)
        .await
        .unwrap();
    drop(pc);
    let targets: Vec<&str> = batch
        .iter()
        .map(|e| e.target_id.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(
        targets,
        ["target-1", "target-3", "target-2", "target-4", "target-5"],
        "the swap happened"
    );
    let broken = verify_chain(&db, &chain, 2).await.unwrap_err();
    assert_eq!(broken.seq, 2, "{broken:?}");
    assert!(broken.reason.contains("previous-hash"), "{broken:?}");
});

both_backends!(audit_tamper_truncated_tail_is_named, |backend| async move {
    let db = fresh_db(backend).await;
    let chain = five_entry_chain(&db, 5).await;
    drop_audit_triggers(&db).await;
    exec(
        &db,
        &format!("delete from audit_entry where chain = '{chain}' and seq = 5"),
    )
    .await
    .unwrap();
    let broken = verify_chain(&db, &chain, 2).await.unwrap_err();
    assert_eq!(broken.seq, 5, "{broken:?}");
});

both_backends!(
    audit_concurrent_appends_stay_gap_free,
    |backend| async move {
        let db = fresh_db(backend).await;
        let mut pc = db.acquire().await.unwrap();
        let b = basic(&mut pc.conn()).await;
        drop(pc);
        let db = Arc::new(db);
        let start = Arc::new(tokio::sync::Barrier::new(8));
        let mut tasks = Vec::new();
        for task in 0..8i64 {
            let db = Arc::clone(&db);
            let start = Arc::clone(&start);
            let p = b.p;
            tasks.push(tokio::spawn(async move {
                start.wait().await;
                let mut seqs = Vec::new();
                for i in 0..25i64 {
                    let mut tx = db
                        .begin()
                        .await
                        .unwrap_or_else(|e| panic!("task {task} append {i}: begin: {e:?}"));
                    let e = audit_entry(Some(p), "person.update", &format!("task{task}-{i}"));
                    let entry = audit_log::append(
                        &mut tx.conn(),
                        &e,
                        test_now() + Duration::seconds(task * 100 + i),
                    )
                    .await
                    .unwrap_or_else(|e| panic!("task {task} append {i}: {e:?}"));
                    tx.commit()
                        .await
                        .unwrap_or_else(|e| panic!("task {task} append {i}: commit: {e:?}"));
                    seqs.push(entry.seq);
                }
                seqs
            }));
        }
        let mut all_seqs = Vec::new();
        for t in tasks {
            let seqs = t.await.unwrap();
            assert!(
                seqs.windows(2).all(|w| w[0] < w[1]),
                "a task's own appends are ordered"
            );
            all_seqs.extend(seqs);
        }
        all_seqs.sort_unstable();
        assert_eq!(all_seqs, (1..=200).collect::<Vec<i64>>());

        let chain = chain_for(Some(b.p));
        let mut pc = db.acquire().await.unwrap();
        let stored = audit_log::chain_batch(&mut pc.conn(), &chain, 0, 1000)
            .await
            .unwrap();
        drop(pc);
        assert_eq!(
            stored.iter().map(|e| e.seq).collect::<Vec<_>>(),
            (1..=200).collect::<Vec<i64>>()
        );
        let targets: BTreeSet<String> = stored.iter().filter_map(|e| e.target_id.clone()).collect();
        assert_eq!(targets.len(), 200);
        assert_eq!(verify_chain(&db, &chain, 64).await, Ok(200));
    }
);

// ---------------------------------------------------------------------------------------------------
// outbox
// ---------------------------------------------------------------------------------------------------

both_backends!(
    outbox_enqueue_due_claim_and_outcomes,
    |backend| async move {
        let db = fresh_db(backend).await;
        let mut pc = db.acquire().await.unwrap();
        let mut c = pc.conn();
        let b = basic(&mut c).await;

        let m1 = outbox::enqueue(
            &mut c,
            Some(b.p),
            "ann@north.example",
            "Welcome",
            "Hello Ann",
            at(0),
        )
        .await
        .unwrap();
        let m2 = outbox::enqueue(
            &mut c,
            None,
            "ann@north.example",
            "Reset",
            "Your link",
            at(10),
        )
        .await
        .unwrap();
        let m3 = outbox::enqueue(&mut c, None, "bob@north.example", "Hi", "Hello Bob", at(-5))
            .await
            .unwrap();
        assert_ne!(m1, m2);

        // due: respects next_attempt_at, oldest first, limit
        let due_ids = |v: Vec<outbox::Message>| v.iter().map(|m| m.message_id).collect::<Vec<_>>();
        assert_eq!(
            due_ids(outbox::due(&mut c, at(0), 10).await.unwrap()),
            [m3.0, m1.0]
        );
        assert_eq!(
            due_ids(outbox::due(&mut c, at(-6), 10).await.unwrap()),
            Vec::<Uuid>::new()
        );
        assert_eq!(
            due_ids(outbox::due(&mut c, at(10), 10).await.unwrap()),
            [m3.0, m1.0, m2.0]
        );
        assert_eq!(
            due_ids(outbox::due(&mut c, at(10), 1).await.unwrap()),
            [m3.0]
        );
        let m = outbox::due(&mut c, at(0), 10)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.message_id == m1.0)
            .unwrap();
        assert_eq!(outbox::id_of(&m), m1);
        assert_eq!(
            (
                m.partnership_id,
                m.to_address.as_str(),
                m.subject.as_str(),
                m.body_text.as_str()
            ),
            (Some(b.p.0), "ann@north.example", "Welcome", "Hello Ann")
        );
        assert_eq!(
            (
                m.status.as_str(),
                m.attempts,
                m.next_attempt_at,
                m.created_at
            ),
            ("pending", 0, at(0), at(0))
        );
        assert_eq!((m.last_error.as_deref(), m.sent_at), (None, None));

        // claim: once per seen time
        assert!(outbox::claim(&mut c, m1, at(0), at(5)).await.unwrap());
        assert!(
            !outbox::claim(&mut c, m1, at(0), at(5)).await.unwrap(),
            "second claim with the same seen time"
        );
        assert!(
            !outbox::claim(&mut c, m1, at(1), at(5)).await.unwrap(),
            "wrong seen time"
        );
        let m = outbox::list_to(&mut c, "ann@north.example")
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.message_id == m1.0)
            .unwrap();
        assert_eq!(
            (m.attempts, m.next_attempt_at, m.status.as_str()),
            (1, at(5), "pending")
        );
        assert_eq!(
            due_ids(outbox::due(&mut c, at(4), 10).await.unwrap()),
            [m3.0],
            "a claimed message is not due"
        );

        // failure with retry: stays pending at the new time
        outbox::mark_failed(&mut c, m1, "451 try later", Some(at(15)))
            .await
            .unwrap();
        let m = outbox::list_to(&mut c, "ann@north.example")
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.message_id == m1.0)
            .unwrap();
        assert_eq!(
            (
                m.status.as_str(),
                m.next_attempt_at,
                m.last_error.as_deref()
            ),
            ("pending", at(15), Some("451 try later"))
        );
        assert_eq!(
            due_ids(outbox::due(&mut c, at(14), 10).await.unwrap()),
            [m3.0, m2.0]
        );
        assert_eq!(
            due_ids(outbox::due(&mut c, at(15), 10).await.unwrap()),
            [m3.0, m2.0, m1.0]
        );
        // claimed again at the new time, then failed for good
        assert!(outbox::claim(&mut c, m1, at(15), at(20)).await.unwrap());
        outbox::mark_failed(&mut c, m1, "550 no such user", None)
            .await
            .unwrap();
        let m = outbox::list_to(&mut c, "ann@north.example")
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.message_id == m1.0)
            .unwrap();
        assert_eq!(
            (m.status.as_str(), m.attempts, m.last_error.as_deref()),
            ("failed", 2, Some("550 no such user"))
        );
        assert_eq!(m.next_attempt_at, at(20), "giving up leaves the time alone");
        assert!(!due_ids(outbox::due(&mut c, at(10_000), 10).await.unwrap()).contains(&m1.0));
        assert!(
            !outbox::claim(&mut c, m1, at(20), at(25)).await.unwrap(),
            "a failed message cannot be claimed"
        );

        // sent: clears the error, records the time
        assert!(outbox::claim(&mut c, m3, at(-5), at(0)).await.unwrap());
        outbox::mark_failed(&mut c, m3, "timeout", Some(at(1)))
            .await
            .unwrap();
        assert!(outbox::claim(&mut c, m3, at(1), at(3)).await.unwrap());
        outbox::mark_sent(&mut c, m3, at(2)).await.unwrap();
        let m = outbox::list_to(&mut c, "bob@north.example")
            .await
            .unwrap()
            .pop()
            .unwrap();
        assert_eq!(
            (
                m.status.as_str(),
                m.sent_at,
                m.last_error.as_deref(),
                m.attempts
            ),
            ("sent", Some(at(2)), None, 2)
        );
        assert!(
            !outbox::claim(&mut c, m3, at(3), at(4)).await.unwrap(),
            "a sent message cannot be claimed"
        );
        assert_eq!(
            due_ids(outbox::due(&mut c, at(10_000), 10).await.unwrap()),
            [m2.0]
        );

        // list_to: that address only, by created_at
        let ann: Vec<Uuid> = outbox::list_to(&mut c, "ann@north.example")
            .await
            .unwrap()
            .iter()
            .map(|m| m.message_id)
            .collect();
        assert_eq!(ann, [m1.0, m2.0]);
        assert!(
            outbox::list_to(&mut c, "nobody@north.example")
                .await
                .unwrap()
                .is_empty()
        );

        // counts
        let counts: BTreeMap<String, i64> =
            outbox::counts(&mut c).await.unwrap().into_iter().collect();
        let expected: BTreeMap<String, i64> = [
            ("failed".to_owned(), 1),
            ("pending".to_owned(), 1),
            ("sent".to_owned(), 1),
        ]
        .into();
        assert_eq!(counts, expected);

        let (a, z) = (outbox::new_id(), outbox::new_id());
        assert!(a != z && !a.is_nil());
        // unknown partnership: foreign key
        let err = outbox::enqueue(
            &mut c,
            Some(PartnershipId::new()),
            "x@example.org",
            "s",
            "b",
            at(0),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    }
);

// ---------------------------------------------------------------------------------------------------
// jobs
// ---------------------------------------------------------------------------------------------------

both_backends!(jobs_claim_once_finish_and_race, |backend| async move {
    let db = fresh_db(backend).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();

    assert!(
        jobs::claim(&mut c, "digest", "2026-11-26T09", "instance-a", at(0))
            .await
            .unwrap()
    );
    assert!(
        !jobs::claim(&mut c, "digest", "2026-11-26T09", "instance-b", at(0))
            .await
            .unwrap()
    );
    assert!(
        !jobs::claim(&mut c, "digest", "2026-11-26T09", "instance-a", at(1))
            .await
            .unwrap()
    );
    assert!(
        jobs::claim(&mut c, "digest", "2026-11-26T10", "instance-b", at(60))
            .await
            .unwrap()
    );
    assert!(
        jobs::claim(&mut c, "sweep", "2026-11-26T09", "instance-b", at(0))
            .await
            .unwrap()
    );
    assert_eq!(jobs::runs_of(&mut c, "digest").await.unwrap(), 2);
    assert_eq!(jobs::runs_of(&mut c, "sweep").await.unwrap(), 1);
    assert_eq!(jobs::runs_of(&mut c, "never").await.unwrap(), 0);

    jobs::finish(&mut c, "digest", "2026-11-26T09", "ok: 3 sent", at(2))
        .await
        .unwrap();
    let row: (String, Option<String>, Option<DateTime<Utc>>, DateTime<Utc>) = raw_one!(
        &db,
        (String, Option<String>, Option<DateTime<Utc>>, DateTime<Utc>),
        "select instance, outcome, finished_at, started_at from job_run where job = 'digest' and slot = '2026-11-26T09'"
    );
    assert_eq!(
        row,
        (
            "instance-a".to_owned(),
            Some("ok: 3 sent".to_owned()),
            Some(at(2)),
            at(0)
        ),
        "the first claimer keeps the run"
    );
    let row: (Option<String>, Option<DateTime<Utc>>) = raw_one!(
        &db,
        (Option<String>, Option<DateTime<Utc>>),
        "select outcome, finished_at from job_run where job = 'digest' and slot = '2026-11-26T10'"
    );
    assert_eq!(row, (None, None), "finish touches only its slot");
    drop(pc);

    // two instances racing for the same slot: exactly one wins, every time
    let db = Arc::new(db);
    for round in 0..10 {
        let start = Arc::new(tokio::sync::Barrier::new(2));
        let racers: Vec<_> = ["racer-a", "racer-b"]
            .into_iter()
            .map(|instance| {
                let db = Arc::clone(&db);
                let start = Arc::clone(&start);
                tokio::spawn(async move {
                    let mut pc = db.acquire().await.unwrap();
                    start.wait().await;
                    let won = jobs::claim(
                        &mut pc.conn(),
                        "race",
                        &format!("slot-{round}"),
                        instance,
                        at(round),
                    )
                    .await
                    .unwrap_or_else(|e| panic!("round {round} {instance}: {e:?}"));
                    (instance, won)
                })
            })
            .collect();
        let mut winners = Vec::new();
        for r in racers {
            let (instance, won) = r.await.unwrap();
            if won {
                winners.push(instance);
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: winners {winners:?}");
        let (instance,): (String,) = raw_one!(
            &*db,
            (String,),
            format!("select instance from job_run where job = 'race' and slot = 'slot-{round}'")
        );
        assert_eq!(instance, winners[0]);
    }
    let mut pc = db.acquire().await.unwrap();
    assert_eq!(jobs::runs_of(&mut pc.conn(), "race").await.unwrap(), 10);
});

both_backends!(
    invitations_are_single_use_and_expire,
    |backend| async move {
        let db = fresh_db(backend).await;
        let mut pc = db.acquire().await.unwrap();
        let mut c = pc.conn();
        let b = basic(&mut c).await;
        safeguard_store::invitations::insert(&mut c, b.person, "hash-1", at(60), at(0))
            .await
            .unwrap();
        let (inv, person) = safeguard_store::invitations::find_live(&mut c, "hash-1", at(1))
            .await
            .unwrap()
            .expect("live");
        assert_eq!(person, b.person.0);
        assert!(
            safeguard_store::invitations::find_live(&mut c, "hash-1", at(61))
                .await
                .unwrap()
                .is_none(),
            "expired"
        );
        assert!(
            safeguard_store::invitations::find_live(&mut c, "other", at(1))
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            safeguard_store::invitations::mark_used(&mut c, inv, at(2))
                .await
                .unwrap()
        );
        assert!(
            !safeguard_store::invitations::mark_used(&mut c, inv, at(3))
                .await
                .unwrap(),
            "single use"
        );
        assert!(
            safeguard_store::invitations::find_live(&mut c, "hash-1", at(4))
                .await
                .unwrap()
                .is_none()
        );
        safeguard_store::invitations::insert(&mut c, b.person, "hash-2", at(60), at(5))
            .await
            .unwrap();
        safeguard_store::invitations::insert(&mut c, b.person, "hash-3", at(60), at(5))
            .await
            .unwrap();
        assert_eq!(
            safeguard_store::invitations::cancel_for_person(&mut c, b.person, at(6))
                .await
                .unwrap(),
            2
        );
        assert!(
            safeguard_store::invitations::find_live(&mut c, "hash-3", at(7))
                .await
                .unwrap()
                .is_none()
        );
        // Token hashes are unique.
        let dup =
            safeguard_store::invitations::insert(&mut c, b.person, "hash-2", at(60), at(8)).await;
        assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    }
);

both_backends!(
    the_last_partnership_of_a_person_comes_from_their_latest_session,
    |backend| async move {
        let db = fresh_db(backend).await;
        let mut pc = db.acquire().await.unwrap();
        let mut c = pc.conn();
        let b = basic(&mut c).await;
        assert_eq!(
            sessions::last_partnership_for_person(&mut c, b.person)
                .await
                .unwrap(),
            None
        );
        let south = new_partnership(&mut c, "south", "South Safeguarding Partnership").await;
        for (i, (p, minute)) in [(b.p, 1), (south, 2)].into_iter().enumerate() {
            let id = SessionId::new();
            let hash = format!("tok-{i}");
            sessions::insert(
                &mut c,
                &NewSession {
                    id,
                    token_hash: &hash,
                    person: b.person,
                    partnership: Some(p),
                    stage: "full",
                    csrf_token: "csrf",
                    idle_minutes: 30,
                    absolute_expires_at: at(720),
                    ip: None,
                    user_agent: None,
                },
                at(minute),
            )
            .await
            .unwrap();
        }
        assert_eq!(
            sessions::last_partnership_for_person(&mut c, b.person)
                .await
                .unwrap(),
            Some(south.0)
        );
    }
);
