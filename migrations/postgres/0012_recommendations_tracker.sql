-- The recommendations tracker: sources (an inquiry, a local CSPR, a national review, a joint
-- inspection, a case file audit, a Section 11 audit, other), their recommendations with addressees,
-- the owner's self-assessed status and the independent chair's or scrutineer's verification (both
-- with append-only history), and evidence. A local CSPR source refers to a `practice_review` by id;
-- its recommendations refer to `review_recommendation` rows by id and never copy their text.
-- Actions are the platform's one action model: `action` rows with source_type 'recommendation' and
-- source_id = tracked_recommendation.recommendation_id (no link table is needed).
-- Dates are `date`, instants `timestamptz`.

create table recommendation_source (
    source_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    kind text not null check (kind in ('inquiry', 'local_cspr', 'national_review', 'joint_inspection',
        'case_file_audit', 'section_11_audit', 'other')),
    title text not null,
    published_on date not null,
    publisher text not null,
    -- the report in the file store, or an https link (either, both or neither)
    file_id uuid references stored_file (file_id),
    link text not null,
    -- a local CSPR: the practice review it is (by reference)
    review_id uuid references practice_review (review_id),
    created_by uuid not null references person (person_id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version integer not null
);
create index recommendation_source_by_partnership on recommendation_source (partnership_id, published_on);

create table tracked_recommendation (
    recommendation_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    source_id uuid not null references recommendation_source (source_id),
    number integer not null check (number >= 1),
    -- empty when taken over by reference from a review recommendation (read through it instead)
    title text not null,
    body text not null,
    review_recommendation_id uuid references review_recommendation (recommendation_id),
    accepted boolean not null,
    not_accepted_reason text not null,
    lead_person_id uuid references person (person_id),
    target_date date,
    -- the owner's self-assessment
    self_status text not null check (self_status in ('not_started', 'in_progress',
        'ready_for_assessment', 'implemented', 'unable_to_implement')),
    -- the independent verdict on the current self-assessment (null until given, cleared by a change)
    verified_status text check (verified_status in ('implemented', 'unable_to_implement', 'not_verified')),
    created_by uuid not null references person (person_id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version integer not null,
    unique (source_id, number)
);
create index tracked_recommendation_by_source on tracked_recommendation (partnership_id, source_id);

create table tracked_recommendation_addressee (
    recommendation_id uuid not null references tracked_recommendation (recommendation_id),
    organisation_id uuid not null references organisation (organisation_id),
    partnership_id uuid not null references partnership (partnership_id),
    primary key (recommendation_id, organisation_id)
);

-- append-only: both histories (kind 'self' by the owner, 'verification' by the chair or scrutineer)
create table recommendation_status_event (
    event_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    recommendation_id uuid not null references tracked_recommendation (recommendation_id),
    kind text not null check (kind in ('self', 'verification')),
    status text not null,
    note text not null,
    by_person_id uuid not null references person (person_id),
    at timestamptz not null,
    seq bigint not null,
    unique (recommendation_id, seq)
);
create function recommendation_status_event_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'recommendation status history is append-only';
end;
$$;
create trigger recommendation_status_event_no_update before update or delete on recommendation_status_event
    for each row execute function recommendation_status_event_append_only();
create trigger recommendation_status_event_no_truncate before truncate on recommendation_status_event
    for each statement execute function recommendation_status_event_append_only();

create table recommendation_evidence (
    evidence_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    recommendation_id uuid not null references tracked_recommendation (recommendation_id),
    -- a document of the file store, or an https link (exactly one)
    file_id uuid references stored_file (file_id),
    url text not null,
    label text not null,
    added_by uuid not null references person (person_id),
    added_at timestamptz not null
);
create index recommendation_evidence_by_recommendation on recommendation_evidence (recommendation_id, added_at);
