-- The activity and impact log: what the partnership did, month by month, and what difference it made
-- to safeguarding (the "What have we achieved" section of the yearly report). Entries are edited with
-- optimistic concurrency and every edit is audited with before and after; there is no delete. Tags are
-- lower-case and unique per entry. Evidence links point at a stored file or an action of the same
-- partnership, or at an https address; 'meeting' is reserved for the meetings module. A link that is
-- removed keeps its row (removed_at), so nothing a user saved is lost.
-- Dates are `date`, instants `timestamptz`.

create table activity_entry (
    activity_entry_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    entry_date date not null,
    -- the board or sub-group the work belongs to, or else a free-text workstream
    body_id uuid references body (body_id),
    workstream text not null,
    title text not null,
    what_happened text not null,
    impact text not null,
    created_by uuid not null references person (person_id),
    created_at timestamptz not null,
    updated_by uuid not null references person (person_id),
    updated_at timestamptz not null,
    -- optimistic concurrency: every change increments it and checks the value it read
    version bigint not null,
    check (body_id is not null or workstream <> '')
);
create index activity_entry_by_date on activity_entry (partnership_id, entry_date);

create table activity_tag (
    activity_entry_id uuid not null references activity_entry (activity_entry_id),
    partnership_id uuid not null references partnership (partnership_id),
    tag text not null check (tag = lower(tag) and length(tag) between 1 and 40),
    primary key (activity_entry_id, tag)
);
create index activity_tag_by_tag on activity_tag (partnership_id, tag);

create table activity_link (
    activity_link_id uuid primary key,
    activity_entry_id uuid not null references activity_entry (activity_entry_id),
    partnership_id uuid not null references partnership (partnership_id),
    target_type text not null check (target_type in ('file', 'action', 'meeting', 'url')),
    -- the linked record (file, action, meeting); null for an external address
    target_id uuid,
    url text,
    label text not null,
    created_by uuid not null references person (person_id),
    created_at timestamptz not null,
    removed_by uuid references person (person_id),
    removed_at timestamptz,
    check ((target_type = 'url') = (url is not null)),
    check ((target_type = 'url') = (target_id is null))
);
create index activity_link_by_entry on activity_link (partnership_id, activity_entry_id);
