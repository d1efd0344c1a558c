-- Governance: the board, sub-groups and task-and-finish groups (the `body` table of 0001, extended),
-- their members, meetings, agenda items (papers are files of the file store attached to
-- 'agenda_item'), attendance, minutes and decisions (a decision creates actions in the action model).
-- A meeting's time is text HH:MM.

alter table body add column terms_of_reference text not null default '';
alter table body add column chair_person_id uuid references person (person_id);
alter table body add column parent_body_id uuid references body (body_id);
alter table body add column start_date date;
alter table body add column end_date date;

-- ending a membership sets left_on; the row stays, so the history is kept
create table body_member (
    body_member_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    body_id uuid not null references body (body_id),
    person_id uuid not null references person (person_id),
    -- the organisation the person represents on the body
    organisation_id uuid not null references organisation (organisation_id),
    role text not null check (role in ('chair', 'vice_chair', 'member', 'adviser')),
    joined_on date not null,
    left_on date,
    created_at timestamptz not null
);
create index body_member_by_body on body_member (partnership_id, body_id);

create table meeting (
    meeting_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    body_id uuid not null references body (body_id),
    meeting_date date not null,
    start_time text not null default '',
    location text not null default '',
    status text not null check (status in ('planned', 'held', 'cancelled')),
    minutes text not null default '',
    minutes_status text not null default 'none' check (minutes_status in ('none', 'draft', 'approved')),
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index meeting_by_body on meeting (partnership_id, body_id, meeting_date);

create table agenda_item (
    agenda_item_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    meeting_id uuid not null references meeting (meeting_id),
    position bigint not null,
    title text not null,
    owner_person_id uuid references person (person_id),
    owner_organisation_id uuid references organisation (organisation_id),
    created_at timestamptz not null,
    unique (meeting_id, position)
);

-- one row per person per meeting; recording again replaces the status
create table attendance (
    attendance_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    meeting_id uuid not null references meeting (meeting_id),
    person_id uuid not null references person (person_id),
    organisation_id uuid not null references organisation (organisation_id),
    status text not null check (status in ('present', 'apologies', 'absent')),
    deputy_for_person_id uuid references person (person_id),
    recorded_at timestamptz not null,
    unique (meeting_id, person_id)
);

create table decision (
    decision_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    meeting_id uuid not null references meeting (meeting_id),
    agenda_item_id uuid references agenda_item (agenda_item_id),
    text text not null,
    created_by uuid not null references person (person_id),
    created_at timestamptz not null
);
create index decision_by_meeting on decision (partnership_id, meeting_id);
