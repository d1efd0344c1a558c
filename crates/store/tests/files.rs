//! Store tests for stored files (`safeguard_store::files`), on both SQLite and PostgreSQL: insert,
//! find scoped to the partnership and to board visibility, list with filters, soft delete.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, Utc};
use safeguard_domain::{OrganisationId, PartnershipId, PersonId};
use safeguard_store::db::PoolSettings;
use safeguard_store::files::{self, FileFilter, NewFile, Visibility};
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

async fn setup(db: &Db) -> (PartnershipId, PartnershipId, PersonId) {
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let a = partnerships::upsert_by_slug(&mut c, "files-a", "Files A", at(0))
        .await
        .unwrap()
        .id();
    let b = partnerships::upsert_by_slug(&mut c, "files-b", "Files B", at(0))
        .await
        .unwrap()
        .id();
    let org =
        organisations::upsert_by_name(&mut c, "Files Council", "local_authority", None, at(0))
            .await
            .unwrap();
    let id = PersonId(Uuid::new_v4());
    people::insert(
        &mut c,
        id,
        OrganisationId(org.organisation_id),
        "files@example.org",
        "Fay Files",
        None,
        at(0),
    )
    .await
    .unwrap();
    (a, b, id)
}

fn new_file<'a>(
    p: PartnershipId,
    by: PersonId,
    key: &'a str,
    visibility: Visibility,
    attached_to: Option<(&'a str, Uuid)>,
) -> NewFile<'a> {
    NewFile {
        file_id: Uuid::new_v4(),
        partnership_id: p,
        original_name: "Board paper.pdf",
        content_type: "application/pdf",
        kind: "pdf",
        size_bytes: 8,
        sha256: "ab".repeat(32).leak(),
        storage_key: key,
        visibility,
        attached_to,
        description: Some("Minutes"),
        uploaded_by: by,
    }
}

both_backends!(insert_find_list_delete_scoped, |backend| async move {
    let db = fresh_db(backend).await;
    let (a, b, person) = setup(&db).await;
    let mut pc = db.acquire().await.unwrap();
    let mut c = pc.conn();
    let meeting = Uuid::new_v4();
    let open = new_file(
        a,
        person,
        "0123456789abcdef0123456789abcdef",
        Visibility::Partnership,
        None,
    );
    let board = new_file(
        a,
        person,
        "fedcba9876543210fedcba9876543210",
        Visibility::Board,
        Some(("meeting", meeting)),
    );
    let other = new_file(
        b,
        person,
        "00000000000000000000000000000001",
        Visibility::Partnership,
        None,
    );
    files::insert(&mut c, &open, at(1)).await.unwrap();
    files::insert(&mut c, &board, at(2)).await.unwrap();
    files::insert(&mut c, &other, at(3)).await.unwrap();
    // A storage key is unique.
    let dup = new_file(
        a,
        person,
        "0123456789abcdef0123456789abcdef",
        Visibility::Partnership,
        None,
    );
    assert!(files::insert(&mut c, &dup, at(4)).await.is_err());

    let found = files::find(&mut c, a, open.file_id, false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.original_name, "Board paper.pdf");
    assert_eq!(found.uploaded_by_name, "Fay Files");
    assert_eq!(found.uploaded_at, at(1));
    assert_eq!(found.size_bytes, 8);
    assert!(!found.is_board_only());
    // Board papers only with include_board; other partnerships' files never.
    assert!(
        files::find(&mut c, a, board.file_id, false)
            .await
            .unwrap()
            .is_none()
    );
    let bf = files::find(&mut c, a, board.file_id, true)
        .await
        .unwrap()
        .unwrap();
    assert!(bf.is_board_only());
    assert_eq!(bf.attached_to_type.as_deref(), Some("meeting"));
    assert_eq!(bf.attached_to_id, Some(meeting));
    assert!(
        files::find(&mut c, b, open.file_id, true)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        files::find(&mut c, a, other.file_id, true)
            .await
            .unwrap()
            .is_none()
    );

    let (rows, total) = files::list(&mut c, a, &FileFilter::default(), 50, 0)
        .await
        .unwrap();
    assert_eq!((rows.len(), total), (1, 1));
    let all = FileFilter {
        include_board: true,
        ..FileFilter::default()
    };
    let (rows, total) = files::list(&mut c, a, &all, 50, 0).await.unwrap();
    assert_eq!(total, 2);
    assert_eq!(rows[0].file_id, board.file_id, "newest first");
    let (rows, _) = files::list(&mut c, a, &all, 1, 1).await.unwrap();
    assert_eq!(rows[0].file_id, open.file_id);
    let attached = FileFilter {
        include_board: true,
        attached_to: Some(("meeting".into(), meeting)),
    };
    let (rows, total) = files::list(&mut c, a, &attached, 50, 0).await.unwrap();
    assert_eq!((rows.len(), total), (1, 1));

    // Soft delete: scoped, once, and the row stays (its storage key is still known).
    assert!(
        !files::soft_delete(&mut c, b, open.file_id, at(5))
            .await
            .unwrap()
    );
    assert!(
        files::soft_delete(&mut c, a, open.file_id, at(5))
            .await
            .unwrap()
    );
    assert!(
        !files::soft_delete(&mut c, a, open.file_id, at(6))
            .await
            .unwrap()
    );
    assert!(
        files::find(&mut c, a, open.file_id, true)
            .await
            .unwrap()
            .is_none()
    );
    let (_, total) = files::list(&mut c, a, &all, 50, 0).await.unwrap();
    assert_eq!(total, 1);
    assert!(
        files::storage_key_exists(&mut c, "0123456789abcdef0123456789abcdef")
            .await
            .unwrap()
    );
    assert!(
        !files::storage_key_exists(&mut c, "99999999999999999999999999999999")
            .await
            .unwrap()
    );
});
