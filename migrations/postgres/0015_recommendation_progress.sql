-- The recommendations tracker's public progress page: an administrator chooses to publish a source's
-- progress (and may withdraw it). While `progress_public` is set, the unauthenticated page
-- /public/{partnership slug}/recommendation-progress/{source id} shows the source's title, date and
-- publisher, each recommendation's number, title, addressees and statuses, and the progress chart
-- and table; nothing else. Publishing and withdrawing bump the source's version and are audited.
alter table recommendation_source add column progress_public boolean not null default false;
alter table recommendation_source add column progress_published_at timestamptz;

-- Evidence on actions (the one action model, whatever their source): a document of the file store
-- or an https link (exactly one), with what it is, who added it and when. Never changed or deleted.
create table action_evidence (
    evidence_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    action_id uuid not null references action (action_id),
    file_id uuid references stored_file (file_id),
    url text not null,
    label text not null,
    added_by uuid not null references person (person_id),
    added_at timestamptz not null
);
create index action_evidence_by_action on action_evidence (partnership_id, action_id, added_at);
