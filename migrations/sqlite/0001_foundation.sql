-- Foundation: partnerships, organisations, people, roles, sessions, API tokens, sign-in throttling,
-- the audit trail, the outbox and the scheduler's run records.
-- Times are written by the application (never CURRENT_TIMESTAMP) so that tests can control them.
-- Ids are UUIDs (16-byte blobs here, uuid in PostgreSQL).

create table partnership (
    partnership_id blob primary key not null,
    slug text not null unique,
    name text not null,
    -- when true, every member must complete a TOTP code after their password
    require_totp boolean not null default false,
    session_idle_minutes integer not null default 30 check (session_idle_minutes between 5 and 120),
    session_absolute_minutes integer not null default 720 check (session_absolute_minutes between 60 and 1440),
    created_at text not null,
    updated_at text not null
);

create table organisation (
    organisation_id blob primary key not null,
    name text not null unique,
    kind text not null check (kind in ('local_authority', 'police', 'integrated_care_board', 'relevant_agency')),
    -- the relevant-agency category (SI 2018/789 schedule groupings); null for statutory partners
    category text,
    created_at text not null,
    updated_at text not null
);

-- an organisation such as a police force belongs to several partnerships
create table partnership_organisation (
    partnership_id blob not null references partnership (partnership_id),
    organisation_id blob not null references organisation (organisation_id),
    joined_at text not null,
    primary key (partnership_id, organisation_id)
);
create index partnership_organisation_by_org on partnership_organisation (organisation_id);

-- the board, sub-groups and task-and-finish groups (the governance module adds meetings and members)
create table body (
    body_id blob primary key not null,
    partnership_id blob not null references partnership (partnership_id),
    name text not null,
    kind text not null check (kind in ('board', 'sub_group', 'task_and_finish')),
    meeting_frequency text,
    created_at text not null,
    updated_at text not null,
    unique (partnership_id, name)
);

create table person (
    person_id blob primary key not null,
    organisation_id blob not null references organisation (organisation_id),
    -- stored lower-cased, so uniqueness is case-insensitive on both databases
    email text not null unique,
    name text not null,
    -- argon2id PHC string; null until the person sets a password
    password_hash text,
    totp_secret text,
    totp_enabled_at text,
    -- the last TOTP step accepted, so a code cannot be used twice
    totp_last_step integer,
    disabled_at text,
    last_sign_in_at text,
    created_at text not null,
    updated_at text not null
);
create index person_by_org on person (organisation_id);

create table role_grant (
    partnership_id blob not null references partnership (partnership_id),
    person_id blob not null references person (person_id),
    role text not null check (role in ('partnership_administrator', 'board_member', 'sub_group_member', 'agency_lead',
        'practitioner', 'independent_scrutineer', 'lived_experience_consultant', 'platform_operator')),
    granted_at text not null,
    granted_by blob references person (person_id),
    primary key (partnership_id, person_id, role)
);
create index role_grant_by_person on role_grant (person_id);

create table session (
    session_id blob primary key not null,
    -- SHA-256 of the 256-bit token in the cookie; the token itself is never stored
    token_hash text not null unique,
    person_id blob not null references person (person_id),
    -- the partnership the person is working in now
    partnership_id blob references partnership (partnership_id),
    -- 'totp' while the second factor is outstanding, 'full' once signed in
    stage text not null check (stage in ('totp', 'full')),
    csrf_token text not null,
    created_at text not null,
    last_seen_at text not null,
    idle_minutes integer not null,
    absolute_expires_at text not null,
    ip text,
    user_agent text,
    ended_at text,
    end_reason text
);
create index session_by_person on session (person_id);

create table api_token (
    api_token_id blob primary key not null,
    person_id blob not null references person (person_id),
    partnership_id blob not null references partnership (partnership_id),
    name text not null,
    token_hash text not null unique,
    -- the first characters of the token, to help people tell their tokens apart
    token_hint text not null,
    created_at text not null,
    expires_at text not null,
    last_used_at text,
    revoked_at text
);
create index api_token_by_person on api_token (person_id);

-- single-use links that let a person set their password (72 hours; stored as SHA-256)
create table invitation (
    invitation_id blob primary key not null,
    person_id blob not null references person (person_id),
    token_hash text not null unique,
    created_at text not null,
    expires_at text not null,
    used_at text
);
create index invitation_by_person on invitation (person_id);

-- failed and successful sign-in attempts, for the per-account limit (10 failures in 5 minutes)
create table sign_in_attempt (
    sign_in_attempt_id blob primary key not null,
    email text not null,
    ip text,
    succeeded boolean not null,
    at text not null
);
create index sign_in_attempt_by_email on sign_in_attempt (email, at);

-- one row per chain: the head that the next entry links to; appends update it in the same transaction
create table audit_chain (
    chain text primary key not null,
    head_seq integer not null,
    head_hash text not null
);

-- append-only: the triggers below refuse updates and deletes
create table audit_entry (
    chain text not null,
    seq integer not null,
    at text not null,
    partnership_id blob,
    actor_person_id blob,
    actor_organisation_id blob,
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

create trigger audit_entry_no_update before update on audit_entry
begin
    select raise(abort, 'audit entries are append-only');
end;
create trigger audit_entry_no_delete before delete on audit_entry
begin
    select raise(abort, 'audit entries are append-only');
end;

create table outbox_message (
    message_id blob primary key not null,
    partnership_id blob references partnership (partnership_id),
    to_address text not null,
    subject text not null,
    body_text text not null,
    -- 'pending', 'sent' or 'failed' (gave up after the last retry)
    status text not null check (status in ('pending', 'sent', 'failed')),
    attempts integer not null default 0,
    next_attempt_at text not null,
    last_error text,
    created_at text not null,
    sent_at text
);
create index outbox_message_due on outbox_message (status, next_attempt_at);

-- a scheduled job runs for a slot (such as an hour) at most once, whichever instance claims it first
create table job_run (
    job text not null,
    slot text not null,
    instance text not null,
    started_at text not null,
    finished_at text,
    outcome text,
    primary key (job, slot)
);
