-- The platform's one file store (documents, papers, evidence, reports). The bytes live on disk under
-- a random storage key (SAFEGUARD_FILES_DIR), written and synced before this row commits; the row holds
-- the detected kind and the SHA-256 that every download is checked against. Rows are never deleted
-- (the audit trail refers to them): deleting a document sets deleted_at.

create table stored_file (
    file_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    -- the name offered on download (its extension matches the detected kind)
    original_name text not null,
    -- the media type of the detected kind
    content_type text not null,
    kind text not null check (kind in ('pdf', 'docx', 'xlsx', 'pptx', 'csv', 'png', 'jpeg', 'gif')),
    size_bytes bigint not null check (size_bytes > 0),
    sha256 text not null check (length(sha256) = 64),
    storage_key text not null unique,
    visibility text not null check (visibility in ('partnership', 'board')),
    -- what the file belongs to, when a module attaches it (for example 'meeting' and its id)
    attached_to_type text,
    attached_to_id uuid,
    description text,
    uploaded_by uuid not null references person (person_id),
    uploaded_at timestamptz not null,
    deleted_at timestamptz,
    check ((attached_to_type is null) = (attached_to_id is null))
);

create index stored_file_partnership on stored_file (partnership_id, uploaded_at);
create index stored_file_attached on stored_file (partnership_id, attached_to_type, attached_to_id);
