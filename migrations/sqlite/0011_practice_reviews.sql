-- Case reviews, second slice: child safeguarding practice reviews (local and thematic, one or several
-- notifications), their reviewers, reg. 14 checks, engagement, drafts and publication; explicit
-- sharing with lived-experience consultants; the themes taxonomy; findings and recommendations (which
-- the recommendations tracker refers to by id, never copies); and the per-partnership case review
-- settings (pre-publication notice, reminder lead times). Clocks go in `deadline` with subject type
-- 'practice_review' (rules 'cspr_complete', 'pre_publication_notice'). Learning rows (themes,
-- findings, recommendations) belong to a subject: ('notification', notification_id) or
-- ('practice_review', review_id); the service checks the subject exists in the partnership.

create table case_review_settings (
    partnership_id blob primary key not null references partnership (partnership_id),
    -- working days the final report goes to the Panel and the DfE before publication
    pre_publication_notice_days integer not null default 7 check (pre_publication_notice_days between 1 and 60),
    -- working days before a due date at which the digest reminds panel members, comma separated, descending
    reminder_lead_days text not null default '10,5,2',
    updated_at text not null,
    version integer not null default 1
);

create table practice_review (
    review_id blob primary key not null,
    partnership_id blob not null references partnership (partnership_id),
    -- short reference shown in lists, such as "CSPR 2022-01"
    reference text not null,
    kind text not null check (kind in ('local', 'thematic')),
    -- pseudonymised: "Child L", "Neglect: two families"
    title text not null,
    summary text not null,
    -- the decision to initiate: day 0 of the 6-month clock
    commissioned_on text not null,
    stage text not null check (stage in ('commissioned', 'terms_agreed', 'reviewer_appointed',
        'information_gathering', 'draft', 'engagement', 'final_approved', 'notice_sent', 'published',
        'not_published', 'action_plan', 'closed')),
    terms_of_reference text not null,
    terms_agreed_on text,
    terms_file_id blob references stored_file (file_id),
    information_gathering_on text,
    first_draft_on text,
    final_approved_on text,
    planned_publication_on text,
    notice_sent_on text,
    published_on text,
    published_url text not null,
    not_published_on text,
    not_published_reasons text not null,
    -- when not published: what improvements should be made (published instead)
    improvements_statement text not null,
    action_plan_on text,
    closed_on text,
    created_by blob not null references person (person_id),
    created_at text not null,
    updated_at text not null,
    version integer not null,
    unique (partnership_id, reference)
);
create index practice_review_by_partnership on practice_review (partnership_id, commissioned_on);

-- the notifications a review covers: one for a local review, several for a thematic one
create table practice_review_case (
    review_id blob not null references practice_review (review_id),
    notification_id blob not null references case_notification (notification_id),
    partnership_id blob not null references partnership (partnership_id),
    primary key (review_id, notification_id)
);
create index practice_review_case_by_notification on practice_review_case (notification_id);

create table practice_review_reviewer (
    reviewer_id blob primary key not null,
    review_id blob not null references practice_review (review_id),
    partnership_id blob not null references partnership (partnership_id),
    name text not null,
    organisation text not null,
    role text not null check (role in ('lead_reviewer', 'reviewer', 'panel_chair')),
    independent integer not null check (independent in (0, 1)),
    appointed_on text not null,
    ended_on text,
    created_by blob not null references person (person_id),
    created_at text not null
);
create index practice_review_reviewer_by_review on practice_review_reviewer (review_id);

-- reg. 14: the partners' periodic checks of time and quality, and written requests to the reviewer
create table practice_review_check (
    check_id blob primary key not null,
    review_id blob not null references practice_review (review_id),
    partnership_id blob not null references partnership (partnership_id),
    kind text not null check (kind in ('time_quality', 'written_request')),
    checked_on text not null,
    note text not null,
    -- for a written request: when the reviewer answered
    answered_on text,
    created_by blob not null references person (person_id),
    created_at text not null
);
create index practice_review_check_by_review on practice_review_check (review_id, checked_on);

create table practice_review_engagement (
    engagement_id blob primary key not null,
    review_id blob not null references practice_review (review_id),
    partnership_id blob not null references partnership (partnership_id),
    with_whom text not null check (with_whom in ('family', 'child', 'practitioners', 'agency_leads')),
    held_on text not null,
    note text not null,
    created_by blob not null references person (person_id),
    created_at text not null
);
create index practice_review_engagement_by_review on practice_review_engagement (review_id, held_on);

create table practice_review_draft (
    draft_id blob primary key not null,
    review_id blob not null references practice_review (review_id),
    partnership_id blob not null references partnership (partnership_id),
    label text not null,
    received_on text not null,
    file_id blob references stored_file (file_id),
    is_final integer not null check (is_final in (0, 1)),
    created_by blob not null references person (person_id),
    created_at text not null
);
create index practice_review_draft_by_review on practice_review_draft (review_id, received_on);

-- explicit sharing with a lived-experience consultant (pseudonymised view); revoking keeps the row
create table practice_review_share (
    review_id blob not null references practice_review (review_id),
    person_id blob not null references person (person_id),
    partnership_id blob not null references partnership (partnership_id),
    shared_by blob not null references person (person_id),
    shared_at text not null,
    revoked_at text,
    primary key (review_id, person_id)
);
create index practice_review_share_by_person on practice_review_share (person_id, partnership_id);

-- the themes taxonomy, edited by administrators; a retired theme stays on the reviews that carry it
create table case_review_theme (
    theme_id blob primary key not null,
    partnership_id blob not null references partnership (partnership_id),
    name text not null,
    description text not null,
    retired integer not null default 0 check (retired in (0, 1)),
    created_at text not null,
    updated_at text not null,
    unique (partnership_id, name)
);

create table case_review_subject_theme (
    partnership_id blob not null references partnership (partnership_id),
    subject_type text not null check (subject_type in ('notification', 'practice_review')),
    subject_id blob not null,
    theme_id blob not null references case_review_theme (theme_id),
    added_by blob not null references person (person_id),
    added_at text not null,
    primary key (subject_type, subject_id, theme_id)
);
create index case_review_subject_theme_by_theme on case_review_subject_theme (partnership_id, theme_id);

create table review_finding (
    finding_id blob primary key not null,
    partnership_id blob not null references partnership (partnership_id),
    subject_type text not null check (subject_type in ('notification', 'practice_review')),
    subject_id blob not null,
    number integer not null check (number >= 1),
    title text not null,
    body text not null,
    created_by blob not null references person (person_id),
    created_at text not null,
    updated_at text not null,
    version integer not null,
    unique (subject_type, subject_id, number)
);
create index review_finding_by_partnership on review_finding (partnership_id, subject_type, subject_id);

-- taken over by the recommendations tracker by reference (recommendation_id), never copied
create table review_recommendation (
    recommendation_id blob primary key not null,
    partnership_id blob not null references partnership (partnership_id),
    subject_type text not null check (subject_type in ('notification', 'practice_review')),
    subject_id blob not null,
    finding_id blob references review_finding (finding_id),
    number integer not null check (number >= 1),
    title text not null,
    body text not null,
    created_by blob not null references person (person_id),
    created_at text not null,
    updated_at text not null,
    version integer not null,
    unique (subject_type, subject_id, number)
);
create index review_recommendation_by_partnership on review_recommendation (partnership_id, subject_type, subject_id);

create table review_recommendation_addressee (
    recommendation_id blob not null references review_recommendation (recommendation_id),
    organisation_id blob not null references organisation (organisation_id),
    partnership_id blob not null references partnership (partnership_id),
    primary key (recommendation_id, organisation_id)
);

-- optimistic versions for the first slice's forms (a stale edit gets 409, the person's text is kept)
alter table case_notification add column version integer not null default 1;
alter table rapid_review add column version integer not null default 1;
