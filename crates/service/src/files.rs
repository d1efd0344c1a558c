//! The platform's one file store. Every module that keeps documents (board papers, meeting papers,
//! evidence, reports) goes through these functions; none writes files or `stored_file` rows itself.
//!
//! * [`upload`] (`UploadFiles`; a board-only paper also needs `ViewBoardPapers`) checks the bytes
//!   ([`safeguard_domain::files::check`]: kind from the content, size limit, zip-bomb guard), writes
//!   them to the files directory — temporary file, `fsync`, rename to a random storage key, `fsync` of
//!   the directory — and only then records the row and the `file.upload` audit entry (name, kind,
//!   size, SHA-256; never content) in one transaction. If that transaction fails, the file is removed,
//!   so a refused or failed upload leaves no row and no file. A module attaches a file to its own
//!   object with [`UploadInput::attached_to`] and lists them with [`ListFilter::attached_to`].
//! * [`list`] and [`get`] (`ViewFiles`) return live files of the actor's partnership; board-only papers
//!   appear only for people with `ViewBoardPapers` and are otherwise simply absent (not found). Files
//!   attached to a practice review (drafts, reports) follow the case review access rule instead
//!   (administrators and current members of the case review panel): they never appear in the ordinary
//!   list, and [`get`], [`download`] and [`delete`] answer not found to anyone else.
//! * A module that records a document together with its own row uses [`prepare`] (checks, bytes
//!   written) then [`record_in_tx`] in its transaction, and [`discard`] if that transaction fails.
//! * [`download`] (`ViewFiles` plus the board rule) reads the bytes, checks them against the stored
//!   size and SHA-256 (a mismatch is logged as an integrity failure and answered as an internal
//!   error), and commits the `file.download` audit entry before returning them, so no byte is sent
//!   without its entry. Files are read whole: uploads are bounded by the upload limit (20 MB by
//!   default), and the checksum must be verified before the first byte is sent.
//! * [`delete`] marks a file deleted (`file.delete`): the uploader or a partnership administrator
//!   (`ManagePartnershipSettings`). The row and the bytes stay, because the audit trail refers to them.
//!
//! Storage keys are random UUIDs (32 hex digits), never derived from names; files live outside any web
//! root, in `ServiceConfig::files_dir`, checked and created at start by [`prepare_dir`], which also
//! removes temporary files left by a crash.

use crate::{Actor, ServiceError, ServiceResult, Services};
use chrono::{DateTime, Utc};
use safeguard_domain::ValidationErrors;
use safeguard_domain::files::{self as rules, FileKind};
use safeguard_domain::policy::Permission;
use safeguard_store::audit_log;
use safeguard_store::files::{self as store, FileFilter, NewFile, StoredFile, Visibility};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The default upload limit: 20 MB (20 × 1024 × 1024 bytes).
pub const DEFAULT_UPLOAD_LIMIT_BYTES: u64 = 20 * 1024 * 1024;
/// Longest description.
pub const MAX_DESCRIPTION_CHARS: usize = 500;
/// Files per page of [`list`].
pub const PAGE_SIZE: i64 = 50;
const TEMP_PREFIX: &str = ".tmp-";

/// A file to upload.
#[derive(Debug, Clone, Copy)]
pub struct UploadInput<'a> {
    /// The name the browser sent (only its last component is kept, with the detected kind's extension).
    pub name: &'a str,
    /// The whole content.
    pub bytes: &'a [u8],
    /// An optional description (up to 500 characters).
    pub description: Option<&'a str>,
    /// Visible only to people with `ViewBoardPapers`.
    pub board_only: bool,
    /// The object the file belongs to (`("meeting", id)`), for modules that attach files.
    pub attached_to: Option<(&'a str, Uuid)>,
}

/// Filters for [`list`].
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only files attached to this object (type, id).
    pub attached_to: Option<(String, Uuid)>,
}

/// One page of files.
#[derive(Debug, Clone)]
pub struct FilePage {
    /// Rows, newest first.
    pub rows: Vec<StoredFile>,
    /// All matching.
    pub total: i64,
}

/// A file ready to send.
#[derive(Debug, Clone)]
pub struct Download {
    /// Its row.
    pub file: StoredFile,
    /// Its content, checked against the stored SHA-256.
    pub bytes: Vec<u8>,
}

impl Download {
    /// The detected kind.
    pub fn kind(&self) -> Option<FileKind> {
        FileKind::parse(&self.file.kind)
    }
}

fn internal(msg: impl Into<String>) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!(msg.into()))
}

/// A storage key is 32 lower-case hex digits; anything else is never joined to the directory.
fn key_path(dir: &Path, key: &str) -> ServiceResult<PathBuf> {
    if key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(dir.join(key))
    } else {
        Err(internal(format!("invalid storage key {key:?}")))
    }
}

/// Checks that the files directory exists (creating it if needed), is a directory and is writable,
/// and removes temporary files older than an hour (left by a crash between writing and renaming).
pub fn prepare_dir(dir: &Path, now: DateTime<Utc>) -> Result<(), String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("SAFEGUARD_FILES_DIR: cannot create {}: {e}", dir.display()))?;
    let meta = std::fs::metadata(dir)
        .map_err(|e| format!("SAFEGUARD_FILES_DIR: cannot read {}: {e}", dir.display()))?;
    if !meta.is_dir() {
        return Err(format!(
            "SAFEGUARD_FILES_DIR: {} is not a directory",
            dir.display()
        ));
    }
    let probe = dir.join(format!("{TEMP_PREFIX}probe-{}", Uuid::new_v4().simple()));
    std::fs::write(&probe, b"")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| {
            format!(
                "SAFEGUARD_FILES_DIR: {} is not writable: {e}",
                dir.display()
            )
        })?;
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("SAFEGUARD_FILES_DIR: cannot list {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(TEMP_PREFIX) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .map(|m| DateTime::<Utc>::from(m) < now - chrono::Duration::hours(1))
            .unwrap_or(false);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(())
}

/// Writes `bytes` durably under a new random key: temporary file, fsync, rename, fsync(directory).
fn write_durably(dir: &Path, bytes: &[u8]) -> std::io::Result<String> {
    let key = Uuid::new_v4().simple().to_string();
    let tmp = dir.join(format!("{TEMP_PREFIX}{key}"));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, dir.join(&key))?;
        std::fs::File::open(dir)?.sync_all()
    })();
    match result {
        Ok(()) => Ok(key),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            let _ = std::fs::remove_file(dir.join(&key));
            Err(e)
        }
    }
}

/// Uploads a file into the actor's partnership. Returns the new file's row.
pub async fn upload(
    svc: &Services,
    actor: &Actor,
    input: UploadInput<'_>,
) -> ServiceResult<StoredFile> {
    let prepared = prepare(svc, actor, input).await?;
    let result: ServiceResult<StoredFile> = async {
        let now = svc.now();
        let mut tx = svc.db.begin().await?;
        let file = record_in_tx(&mut tx, actor, &prepared, now).await?;
        tx.commit().await?;
        Ok(file)
    }
    .await;
    if result.is_err() {
        // The row did not commit: the bytes must not outlive it.
        discard(svc, &prepared).await;
    }
    result
}

/// A checked file whose bytes are written durably but whose row is not recorded yet: record it with
/// [`record_in_tx`] in the caller's transaction, or [`discard`] it when that transaction fails.
#[derive(Debug, Clone)]
pub struct Prepared {
    file_id: Uuid,
    partnership_id: safeguard_domain::PartnershipId,
    name: String,
    kind: FileKind,
    size: i64,
    sha256: String,
    key: String,
    board_only: bool,
    attached_to: Option<(String, Uuid)>,
    description: Option<String>,
    uploaded_by: safeguard_domain::PersonId,
}

impl Prepared {
    /// The id the file will have.
    pub fn file_id(&self) -> Uuid {
        self.file_id
    }

    fn row(&self) -> NewFile<'_> {
        NewFile {
            file_id: self.file_id,
            partnership_id: self.partnership_id,
            original_name: &self.name,
            content_type: self.kind.content_type(),
            kind: self.kind.slug(),
            size_bytes: self.size,
            sha256: &self.sha256,
            storage_key: &self.key,
            visibility: if self.board_only {
                Visibility::Board
            } else {
                Visibility::Partnership
            },
            attached_to: self.attached_to.as_ref().map(|(t, id)| (t.as_str(), *id)),
            description: self.description.as_deref(),
            uploaded_by: self.uploaded_by,
        }
    }
}

/// Checks an upload (`UploadFiles`; a board-only paper also needs `ViewBoardPapers`) and writes its
/// bytes durably under a new random key, without recording it.
pub async fn prepare(
    svc: &Services,
    actor: &Actor,
    input: UploadInput<'_>,
) -> ServiceResult<Prepared> {
    actor.require(Permission::UploadFiles)?;
    if input.board_only {
        actor.require(Permission::ViewBoardPapers)?;
    }
    let kind = rules::check(input.name, input.bytes, svc.config.upload_limit_bytes)
        .map_err(|r| ValidationErrors::single("file", r.message()))?;
    let description = input
        .description
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned);
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION_CHARS)
    {
        return Err(ValidationErrors::single(
            "description",
            "The description must be 500 characters or fewer",
        )
        .into());
    }
    if let Some((t, _)) = input.attached_to
        && (t.is_empty() || t.len() > 50)
    {
        return Err(internal("attached_to type must be 1 to 50 characters"));
    }
    let name = rules::stored_name(input.name, kind);
    let sha256 = rules::sha256_hex(input.bytes);
    let size = i64::try_from(input.bytes.len()).map_err(|_| internal("file too large"))?;
    let dir = svc.config.files_dir.clone();
    let bytes = input.bytes.to_vec();
    let key = tokio::task::spawn_blocking(move || write_durably(&dir, &bytes))
        .await
        .map_err(|e| internal(format!("file writer: {e}")))?
        .map_err(|e| {
            internal(format!(
                "cannot write to {}: {e}",
                svc.config.files_dir.display()
            ))
        })?;
    Ok(Prepared {
        file_id: Uuid::new_v4(),
        partnership_id: actor.partnership_id,
        name,
        kind,
        size,
        sha256,
        key,
        board_only: input.board_only,
        attached_to: input.attached_to.map(|(t, id)| (t.to_owned(), id)),
        description,
        uploaded_by: actor.person_id,
    })
}

/// Removes the bytes of a prepared file whose row was not committed.
pub async fn discard(svc: &Services, prepared: &Prepared) {
    if let Ok(p) = key_path(&svc.config.files_dir, &prepared.key) {
        let _ = tokio::fs::remove_file(p).await;
    }
}

/// Records a prepared file's row and its `file.upload` audit entry in the caller's transaction.
pub async fn record_in_tx(
    tx: &mut safeguard_store::Tx,
    actor: &Actor,
    prepared: &Prepared,
    now: DateTime<Utc>,
) -> ServiceResult<StoredFile> {
    let f = prepared.row();
    store::insert(&mut tx.conn(), &f, now).await?;
    let mut e = actor.entry("file.upload", "file", Some(f.file_id.to_string()));
    e.after = Some(
        json!({
            "name": f.original_name,
            "kind": f.kind,
            "size_bytes": f.size_bytes,
            "sha256": f.sha256,
            "visibility": f.visibility.slug(),
            "attached_to_type": f.attached_to.map(|a| a.0),
            "attached_to_id": f.attached_to.map(|a| a.1),
        })
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    let found = match f.attached_to.map(|a| a.0) {
        Some(t) if store::RESTRICTED_ATTACHMENTS.contains(&t) => {
            store::find_restricted(&mut tx.conn(), actor.partnership_id, f.file_id, t).await?
        }
        _ => store::find(&mut tx.conn(), actor.partnership_id, f.file_id, true).await?,
    };
    found.ok_or_else(|| internal("the new file row is missing"))
}

/// Live files of the actor's partnership that they may see, newest first.
pub async fn list(
    svc: &Services,
    actor: &Actor,
    filter: &ListFilter,
    page: i64,
) -> ServiceResult<FilePage> {
    actor.require(Permission::ViewFiles)?;
    let mut pc = svc.db.acquire().await?;
    if let Some((t, _)) = &filter.attached_to
        && store::RESTRICTED_ATTACHMENTS.contains(&t.as_str())
        && !may_see_restricted(&mut pc.conn(), actor, t, svc.now()).await?
    {
        return Err(ServiceError::NotFound);
    }
    let (rows, total) = store::list(
        &mut pc.conn(),
        actor.partnership_id,
        &FileFilter {
            include_board: actor.can(Permission::ViewBoardPapers),
            attached_to: filter.attached_to.clone(),
        },
        PAGE_SIZE,
        (page.max(1) - 1) * PAGE_SIZE,
    )
    .await?;
    Ok(FilePage { rows, total })
}

/// True when the actor may see files attached to objects of the restricted type `attached_type`
/// (one of [`store::RESTRICTED_ATTACHMENTS`]): for practice reviews, the case review access rule
/// ([`crate::case_reviews::may_view`]: administrators, or current members of the case review panel),
/// not the partnership's ordinary visibility.
async fn may_see_restricted(
    c: &mut safeguard_store::Conn<'_>,
    actor: &Actor,
    attached_type: &str,
    now: DateTime<Utc>,
) -> ServiceResult<bool> {
    match attached_type {
        "practice_review" => {
            crate::case_reviews::may_view(c, actor, safeguard_domain::actions::uk_date(now)).await
        }
        _ => Ok(false),
    }
}

/// A live file the actor may see: one of the partnership's ordinary files (board-only ones with
/// `ViewBoardPapers`), or one attached to a restricted object type whose access rule lets them.
async fn find_visible(
    c: &mut safeguard_store::Conn<'_>,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> ServiceResult<Option<StoredFile>> {
    if let Some(f) = store::find(
        c,
        actor.partnership_id,
        id,
        actor.can(Permission::ViewBoardPapers),
    )
    .await?
    {
        return Ok(Some(f));
    }
    for t in store::RESTRICTED_ATTACHMENTS {
        if let Some(f) = store::find_restricted(c, actor.partnership_id, id, t).await? {
            return Ok(if may_see_restricted(c, actor, t, now).await? {
                Some(f)
            } else {
                tracing::warn!(target: "security.denied", person = %actor.person_id, file = %id, "restricted attachment");
                None
            });
        }
    }
    Ok(None)
}

/// One live file's row, if the actor may see it (no audit entry: metadata only). A file attached to a
/// practice review follows the case review access rule.
pub async fn get(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<StoredFile> {
    actor.require(Permission::ViewFiles)?;
    let mut pc = svc.db.acquire().await?;
    find_visible(&mut pc.conn(), actor, id, svc.now())
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Reads a file for sending: checks scope, size and SHA-256, and commits the `file.download` audit
/// entry before returning the bytes.
pub async fn download(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<Download> {
    let file = get(svc, actor, id).await?;
    let path = key_path(&svc.config.files_dir, &file.storage_key)?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| {
        tracing::error!(target: "security.integrity", file = %file.file_id, error = %e, "stored file cannot be read");
        internal(format!("stored file {} cannot be read: {e}", file.file_id))
    })?;
    let size_ok = i64::try_from(bytes.len()).is_ok_and(|n| n == file.size_bytes);
    if !size_ok || rules::sha256_hex(&bytes) != file.sha256 {
        tracing::error!(target: "security.integrity", file = %file.file_id, partnership = %file.partnership_id, "stored file does not match its SHA-256: refusing to send it");
        return Err(internal(format!(
            "stored file {} does not match its checksum",
            file.file_id
        )));
    }
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let mut e = actor.entry("file.download", "file", Some(file.file_id.to_string()));
    e.after = Some(
        json!({"name": file.original_name, "kind": file.kind, "size_bytes": file.size_bytes, "sha256": file.sha256})
            .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(Download { file, bytes })
}

/// May the actor delete this file? Its uploader, or a partnership administrator.
pub fn may_delete(actor: &Actor, file: &StoredFile) -> bool {
    file.uploaded_by == actor.person_id.0 || actor.can(Permission::ManagePartnershipSettings)
}

/// Marks a file deleted (it disappears from lists and downloads; the row and bytes are kept for the
/// audit trail).
pub async fn delete(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    actor.require(Permission::ViewFiles)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let file = find_visible(&mut tx.conn(), actor, id, now)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !may_delete(actor, &file) {
        return Err(ServiceError::Forbidden(
            "only the uploader or an administrator may delete a file",
        ));
    }
    if !store::soft_delete(&mut tx.conn(), actor.partnership_id, id, now).await? {
        return Err(ServiceError::NotFound);
    }
    let mut e = actor.entry("file.delete", "file", Some(id.to_string()));
    e.before = Some(
        json!({"name": file.original_name, "kind": file.kind, "sha256": file.sha256}).to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}
