//! Stored files (the platform's one file store): the row for each uploaded document. The bytes live on
//! disk under `storage_key` (written by `safeguard_service::files`). Every function takes the
//! partnership and filters by it; board-only files are returned only when the caller says the reader
//! may see them (`include_board`), so a paper out of scope is simply not found. Deleted files
//! (`deleted_at` set) are never returned; rows are never removed (the audit trail refers to them).

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, Utc};
use safeguard_domain::{PartnershipId, PersonId};
use uuid::Uuid;

/// Who may see a file within its partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Everyone with `ViewFiles`.
    Partnership,
    /// Only people with `ViewBoardPapers`.
    Board,
}

impl Visibility {
    /// The stored value.
    pub fn slug(self) -> &'static str {
        match self {
            Visibility::Partnership => "partnership",
            Visibility::Board => "board",
        }
    }
}

/// A stored file, with its uploader's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredFile {
    /// Id.
    pub file_id: Uuid,
    /// Partnership.
    pub partnership_id: Uuid,
    /// The name offered on download (its extension matches the kind).
    pub original_name: String,
    /// The media type of the detected kind.
    pub content_type: String,
    /// `safeguard_domain::files::FileKind` slug.
    pub kind: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    /// The file's name in the files directory.
    pub storage_key: String,
    /// `partnership` or `board`.
    pub visibility: String,
    /// What the file is attached to (a module's object type), if anything.
    pub attached_to_type: Option<String>,
    /// The object's id.
    pub attached_to_id: Option<Uuid>,
    /// A description given at upload.
    pub description: Option<String>,
    /// Uploader.
    pub uploaded_by: Uuid,
    /// Uploader's name.
    pub uploaded_by_name: String,
    /// When.
    pub uploaded_at: DateTime<Utc>,
}

impl StoredFile {
    /// True for board-only papers.
    pub fn is_board_only(&self) -> bool {
        self.visibility == Visibility::Board.slug()
    }
}

/// A file to record (its bytes are already on disk under `storage_key`).
#[derive(Debug, Clone)]
pub struct NewFile<'a> {
    /// Id.
    pub file_id: Uuid,
    /// Partnership.
    pub partnership_id: PartnershipId,
    /// Name.
    pub original_name: &'a str,
    /// Media type.
    pub content_type: &'a str,
    /// Kind slug.
    pub kind: &'a str,
    /// Size.
    pub size_bytes: i64,
    /// SHA-256 (hex).
    pub sha256: &'a str,
    /// Storage key.
    pub storage_key: &'a str,
    /// Visibility.
    pub visibility: Visibility,
    /// Attached to (type, id).
    pub attached_to: Option<(&'a str, Uuid)>,
    /// Description.
    pub description: Option<&'a str>,
    /// Uploader.
    pub uploaded_by: PersonId,
}

/// Records a file.
pub async fn insert(c: &mut Conn<'_>, f: &NewFile<'_>, now: DateTime<Utc>) -> Result<()> {
    // language=SQL
    let sql = r#"insert into stored_file (file_id, partnership_id, original_name, content_type, kind, size_bytes, sha256,
                   storage_key, visibility, attached_to_type, attached_to_id, description, uploaded_by, uploaded_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(f.file_id)
        .bind(f.partnership_id.0)
        .bind(f.original_name)
        .bind(f.content_type)
        .bind(f.kind)
        .bind(f.size_bytes)
        .bind(f.sha256)
        .bind(f.storage_key)
        .bind(f.visibility.slug())
        .bind(f.attached_to.map(|a| a.0))
        .bind(f.attached_to.map(|a| a.1))
        .bind(f.description)
        .bind(f.uploaded_by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

const COLUMNS: &str = "f.file_id, f.partnership_id, f.original_name, f.content_type, f.kind, f.size_bytes, f.sha256, \
                       f.storage_key, f.visibility, f.attached_to_type, f.attached_to_id, f.description, f.uploaded_by, \
                       p.name as uploaded_by_name, f.uploaded_at";

/// The object types whose attached files follow their module's access rule instead of the
/// partnership's visibility: [`find`] and [`list`] leave them out (unless a list asks for that object's
/// files), and only [`find_restricted`] returns them, after the service has applied the rule.
pub const RESTRICTED_ATTACHMENTS: &[&str] = &["practice_review"];

/// A live file of the partnership; board-only files only when `include_board`; never a file attached
/// to a [`RESTRICTED_ATTACHMENTS`] type.
pub async fn find(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    include_board: bool,
) -> Result<Option<StoredFile>> {
    let sql = format!(
        "select {COLUMNS} from stored_file f join person p on p.person_id = f.uploaded_by \
         where f.partnership_id = $1 and f.file_id = $2 and f.deleted_at is null \
           and ($3 = 1 or f.visibility = 'partnership') \
           and (f.attached_to_type is null or f.attached_to_type <> 'practice_review')"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, StoredFile>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id)
    .bind(i64::from(include_board))
    .fetch_optional(e)
    .await)?)
}

/// A live file of the partnership attached to an object of the restricted type `attached_type` (one
/// of [`RESTRICTED_ATTACHMENTS`]); the caller has applied that type's access rule.
pub async fn find_restricted(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    attached_type: &str,
) -> Result<Option<StoredFile>> {
    let sql = format!(
        "select {COLUMNS} from stored_file f join person p on p.person_id = f.uploaded_by \
         where f.partnership_id = $1 and f.file_id = $2 and f.deleted_at is null \
           and f.attached_to_type = $3"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, StoredFile>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id)
    .bind(attached_type)
    .fetch_optional(e)
    .await)?)
}

/// Filters for [`list`].
#[derive(Debug, Clone, Default)]
pub struct FileFilter {
    /// Include board-only files (the reader has `ViewBoardPapers`).
    pub include_board: bool,
    /// Only files attached to this object (type, id).
    pub attached_to: Option<(String, Uuid)>,
}

/// Live files of the partnership, newest first, one page at a time, with the total count. Files
/// attached to a [`RESTRICTED_ATTACHMENTS`] type appear only when the filter asks for that object's files.
pub async fn list(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    filter: &FileFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<StoredFile>, i64)> {
    let (att_type, att_id) = filter
        .attached_to
        .clone()
        .unwrap_or((String::new(), Uuid::nil()));
    let cond = "f.partnership_id = $1 and f.deleted_at is null \
                and ($2 = 1 or f.visibility = 'partnership') \
                and ($3 = '' or (f.attached_to_type = $3 and f.attached_to_id = $4)) \
                and ($3 = 'practice_review' or f.attached_to_type is null or f.attached_to_type <> 'practice_review')";
    let sql = format!(
        "select {COLUMNS} from stored_file f join person p on p.person_id = f.uploaded_by \
         where {cond} order by f.uploaded_at desc, f.file_id limit $5 offset $6"
    );
    let rows = on_conn!(c, |e| sqlx::query_as::<_, StoredFile>(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(partnership.0)
    .bind(i64::from(filter.include_board))
    .bind(att_type.as_str())
    .bind(att_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(e)
    .await)?;
    let count_sql = format!("select count(*) from stored_file f where {cond}");
    let total: i64 = on_conn!(c, |e| sqlx::query_scalar(sqlx::AssertSqlSafe(
        count_sql.as_str()
    ))
    .bind(partnership.0)
    .bind(i64::from(filter.include_board))
    .bind(att_type.as_str())
    .bind(att_id)
    .fetch_one(e)
    .await)?;
    Ok((rows, total))
}

/// Marks a live file of the partnership deleted; false when there is none.
pub async fn soft_delete(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    // language=SQL
    let sql = "update stored_file set deleted_at = $3 where partnership_id = $1 and file_id = $2 and deleted_at is null";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Whether any row (live or deleted, of any partnership) uses this storage key: the start-up sweeper
/// keeps such files.
pub async fn storage_key_exists(c: &mut Conn<'_>, key: &str) -> Result<bool> {
    // language=SQL
    let sql = "select count(*) from stored_file where storage_key = $1";
    let n: i64 = on_conn!(c, |e| sqlx::query_scalar(sql).bind(key).fetch_one(e).await)?;
    Ok(n > 0)
}
