-- Governance: the board, sub-groups and task-and-finish groups (the `body` table of 0001, extended),
-- their members, meetings, agenda items (papers are files of the file store attached to
-- 'agenda_item'), attendance, minutes and decisions (a decision creates actions in the action model).
-- Dates are ISO 8601 text (YYYY-MM-DD) here, `date` in PostgreSQL; a meeting's time is text HH:MM.

alter table body add column terms_of_reference text not null default '';
alter table body add column chair_person_id blob references person (person_id);
alter table body add column parent_body_id blob references body (body_id);
alter table body add column start_date text;
alter table body add column end_date text;

-- ending a membership sets left_on; the row stays, so the history is kept
create table body_member (
    body_member_id blob primary key not null,
    partnership_id blob not null references partnership (partnership_id),
    body_id blob not null references body (body_id),
    person_id blob not null references person (person_id),
    -- the organisation the person represents on the body
    organisation_id blob not null references organisation (organisation_id),
    role text not null check (role in ('chair', 'vice_chair', 'member', 'adviser')),
    joined_on text not null,
    left_on text,
    created_at text not null
);
create index body_member_by_body on body_member (partnership_id, body_id);

create table meeting (
    meeting_id blob primary key not null,
    partnership_id blob not null references partnership (partnership_id),
    body_id blob not null references body (body_id),
    meeting_date text not null,
    start_time text not null default '',
    location text not null default '',
    status text not null check (status in ('planned', 'held', 'cancelled')),
    minutes text not null default '',
    minutes_status text not null default 'none' check (minutes_status in ('none', 'draft', 'approved')),
    created_at text not null,
    updated_at text not null
);
create index meeting_by_body on meeting (partnership_id, body_id, meeting_date);

create table agenda_item (
    agenda_item_id blob primary key not null,
    partnership_id blob not null references partnership (partnership_id),
    meeting_id blob not null references meeting (meeting_id),
    position integer not null,
    title text not null,
    owner_person_id blob references person (person_id),
    owner_organisation_id blob references organisation (organisation_id),
    created_at text not null,
    unique (meeting_id, position)
);

-- one row per person per meeting; recording again replaces the status
create table attendance (
    attendance_id blob primary key not null,
    partnership_id blob not null references partnership (partnership_id),
    meeting_id blob not null references meeting (meeting_id),
    person_id blob not null references person (person_id),
    organisation_id blob not null references organisation (organisation_id),
    status text not null check (status in ('present', 'apologies', 'absent')),
    deputy_for_person_id blob references person (person_id),
    recorded_at text not null,
    unique (meeting_id, person_id)
);

create table decision (
    decision_id blob primary key not null,
    partnership_id blob not null references partnership (partnership_id),
    meeting_id blob not null references meeting (meeting_id),
    agenda_item_id blob references agenda_item (agenda_item_id),
    text text not null,
    created_by blob not null references person (person_id),
    created_at text not null
);
create index decision_by_meeting on decision (partnership_id, meeting_id);
