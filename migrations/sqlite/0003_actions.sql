-- Actions: the platform's one action model (meetings, decisions, case reviews, recommendations and
-- audits all create actions here), with append-only progress updates.
-- Dates are ISO 8601 text (YYYY-MM-DD) here, `date` in PostgreSQL.

create table action (
    action_id blob primary key not null,
    partnership_id blob not null references partnership (partnership_id),
    source_type text not null check (source_type in ('meeting', 'decision', 'case_review', 'recommendation', 'audit', 'other')),
    source_id blob,
    -- what to show for the source, such as "Board meeting 12 May 2022"
    source_label text not null,
    title text not null,
    description text not null,
    owner_organisation_id blob not null references organisation (organisation_id),
    owner_person_id blob references person (person_id),
    due_date text,
    status text not null check (status in ('open', 'in_progress', 'done', 'cancelled')),
    created_by blob not null references person (person_id),
    created_at text not null,
    updated_at text not null,
    -- optimistic concurrency: every change increments it and checks the value it read
    version integer not null
);
create index action_by_owner on action (owner_person_id, status, due_date);
create index action_by_partnership on action (partnership_id, status, due_date);

-- append-only: the triggers below refuse updates and deletes; a correction is a new row
create table action_update (
    action_update_id blob primary key not null,
    action_id blob not null references action (action_id),
    partnership_id blob not null references partnership (partnership_id),
    author_person_id blob not null references person (person_id),
    at text not null,
    body text not null,
    new_status text check (new_status in ('open', 'in_progress', 'done', 'cancelled')),
    corrects_update_id blob references action_update (action_update_id),
    -- position in the action's history (1, 2, …), so "newest first" does not depend on clock ties
    seq integer not null,
    unique (action_id, seq)
);

create trigger action_update_no_update before update on action_update
begin
    select raise(abort, 'action updates are append-only');
end;
create trigger action_update_no_delete before delete on action_update
begin
    select raise(abort, 'action updates are append-only');
end;
