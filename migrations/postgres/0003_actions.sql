-- Actions: the platform's one action model (meetings, decisions, case reviews, recommendations and
-- audits all create actions here), with append-only progress updates.

create table action (
    action_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    source_type text not null check (source_type in ('meeting', 'decision', 'case_review', 'recommendation', 'audit', 'other')),
    source_id uuid,
    -- what to show for the source, such as "Board meeting 12 May 2022"
    source_label text not null,
    title text not null,
    description text not null,
    owner_organisation_id uuid not null references organisation (organisation_id),
    owner_person_id uuid references person (person_id),
    due_date date,
    status text not null check (status in ('open', 'in_progress', 'done', 'cancelled')),
    created_by uuid not null references person (person_id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    -- optimistic concurrency: every change increments it and checks the value it read
    version bigint not null
);
create index action_by_owner on action (owner_person_id, status, due_date);
create index action_by_partnership on action (partnership_id, status, due_date);

-- append-only: the triggers below refuse updates, deletes and truncation; a correction is a new row
create table action_update (
    action_update_id uuid primary key,
    action_id uuid not null references action (action_id),
    partnership_id uuid not null references partnership (partnership_id),
    author_person_id uuid not null references person (person_id),
    at timestamptz not null,
    body text not null,
    new_status text check (new_status in ('open', 'in_progress', 'done', 'cancelled')),
    corrects_update_id uuid references action_update (action_update_id),
    -- position in the action's history (1, 2, …), so "newest first" does not depend on clock ties
    seq bigint not null,
    unique (action_id, seq)
);

create function action_update_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'action updates are append-only';
end;
$$;
create trigger action_update_no_update before update or delete on action_update
    for each row execute function action_update_append_only();
create trigger action_update_no_truncate before truncate on action_update
    for each statement execute function action_update_append_only();
