-- Foundation: partnerships, organisations, people, roles, sessions, API tokens, sign-in throttling,
-- the audit trail, the outbox and the scheduler's run records.
-- Times are written by the application (never now()) so that tests can control them.

create table partnership (
    partnership_id uuid primary key,
    slug text not null unique,
    name text not null,
    require_totp boolean not null default false,
    session_idle_minutes bigint not null default 30 check (session_idle_minutes between 5 and 120),
    session_absolute_minutes bigint not null default 720 check (session_absolute_minutes between 60 and 1440),
    created_at timestamptz not null,
    updated_at timestamptz not null
);

create table organisation (
    organisation_id uuid primary key,
    name text not null unique,
    kind text not null check (kind in ('local_authority', 'police', 'integrated_care_board', 'relevant_agency')),
    category text,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

create table partnership_organisation (
    partnership_id uuid not null references partnership (partnership_id),
    organisation_id uuid not null references organisation (organisation_id),
    joined_at timestamptz not null,
    primary key (partnership_id, organisation_id)
);
create index partnership_organisation_by_org on partnership_organisation (organisation_id);

-- the board, sub-groups and task-and-finish groups (the governance module adds meetings and members)
create table body (
    body_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    name text not null,
    kind text not null check (kind in ('board', 'sub_group', 'task_and_finish')),
    meeting_frequency text,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (partnership_id, name)
);

create table person (
    person_id uuid primary key,
    organisation_id uuid not null references organisation (organisation_id),
    email text not null unique,
    name text not null,
    password_hash text,
    totp_secret text,
    totp_enabled_at timestamptz,
    totp_last_step bigint,
    disabled_at timestamptz,
    last_sign_in_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index person_by_org on person (organisation_id);

create table role_grant (
    partnership_id uuid not null references partnership (partnership_id),
    person_id uuid not null references person (person_id),
    role text not null check (role in ('partnership_administrator', 'board_member', 'sub_group_member', 'agency_lead',
        'practitioner', 'independent_scrutineer', 'lived_experience_consultant', 'platform_operator')),
    granted_at timestamptz not null,
    granted_by uuid references person (person_id),
    primary key (partnership_id, person_id, role)
);
create index role_grant_by_person on role_grant (person_id);

create table session (
    session_id uuid primary key,
    token_hash text not null unique,
    person_id uuid not null references person (person_id),
    partnership_id uuid references partnership (partnership_id),
    stage text not null check (stage in ('totp', 'full')),
    csrf_token text not null,
    created_at timestamptz not null,
    last_seen_at timestamptz not null,
    idle_minutes bigint not null,
    absolute_expires_at timestamptz not null,
    ip text,
    user_agent text,
    ended_at timestamptz,
    end_reason text
);
create index session_by_person on session (person_id);

create table api_token (
    api_token_id uuid primary key,
    person_id uuid not null references person (person_id),
    partnership_id uuid not null references partnership (partnership_id),
    name text not null,
    token_hash text not null unique,
    token_hint text not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    last_used_at timestamptz,
    revoked_at timestamptz
);
create index api_token_by_person on api_token (person_id);

-- single-use links that let a person set their password (72 hours; stored as SHA-256)
create table invitation (
    invitation_id uuid primary key,
    person_id uuid not null references person (person_id),
    token_hash text not null unique,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at timestamptz
);
create index invitation_by_person on invitation (person_id);

create table sign_in_attempt (
    sign_in_attempt_id uuid primary key,
    email text not null,
    ip text,
    succeeded boolean not null,
    at timestamptz not null
);
create index sign_in_attempt_by_email on sign_in_attempt (email, at);

create table audit_chain (
    chain text primary key,
    head_seq bigint not null,
    head_hash text not null
);

create table audit_entry (
    chain text not null,
    seq bigint not null,
    at timestamptz not null,
    partnership_id uuid,
    actor_person_id uuid,
    actor_organisation_id uuid,
    action text not null,
    target_type text not null,
    target_id text,
    before_json text,
    after_json text,
    request_id text,
    ip text,
    prev_hash text not null,
    hash text not null,
    primary key (chain, seq)
);
create index audit_entry_by_partnership_time on audit_entry (partnership_id, at);
create index audit_entry_by_actor on audit_entry (actor_person_id, at);

create function audit_entry_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit entries are append-only';
end;
$$;
create trigger audit_entry_no_update before update or delete on audit_entry
    for each row execute function audit_entry_append_only();
create trigger audit_entry_no_truncate before truncate on audit_entry
    for each statement execute function audit_entry_append_only();

create table outbox_message (
    message_id uuid primary key,
    partnership_id uuid references partnership (partnership_id),
    to_address text not null,
    subject text not null,
    body_text text not null,
    status text not null check (status in ('pending', 'sent', 'failed')),
    attempts bigint not null default 0,
    next_attempt_at timestamptz not null,
    last_error text,
    created_at timestamptz not null,
    sent_at timestamptz
);
create index outbox_message_due on outbox_message (status, next_attempt_at);

create table job_run (
    job text not null,
    slot text not null,
    instance text not null,
    started_at timestamptz not null,
    finished_at timestamptz,
    outcome text,
    primary key (job, slot)
);
