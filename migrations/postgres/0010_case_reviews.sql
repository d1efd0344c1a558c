-- Case reviews, first slice: the statutory clocks (`deadline`, one row per clock of a subject), serious
-- incident notifications with their pseudonymised children (real identifiers only in
-- `case_child_identity`, read through an audited reveal), and rapid reviews with agency summaries.
-- CSPRs, thematic reviews and themes come later and add their own tables; their clocks go in
-- `deadline` with their own subject type and rule. Dates are `date` here (ISO 8601 text
-- in SQLite).

-- the body whose current members may see case review records (besides administrators)
alter table body add column handles_case_reviews boolean not null default false;

create table case_notification (
    notification_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    -- short reference shown in lists, such as "SIN 2022-03"
    reference text not null,
    summary text not null,
    aware_on date not null,
    notified_on date,
    partners_informed_on date,
    death boolean not null,
    serious_harm boolean not null,
    abuse_or_neglect text not null check (abuse_or_neglect in ('known', 'suspected', 'not_suspected')),
    location text not null check (location in ('in_area', 'outside_england_resident_in_area')),
    looked_after_death boolean not null,
    care_leaver_death boolean not null,
    resident_elsewhere boolean not null,
    decided_by text not null,
    other_children_note text not null,
    -- a care leaver's death needs no rapid review unless the partners choose one
    rapid_review_chosen boolean not null,
    closed boolean not null default false,
    created_by uuid not null references person (person_id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (partnership_id, reference)
);
create index case_notification_by_partnership on case_notification (partnership_id, aware_on);

-- the children of a notification, pseudonymised: letter A, B, C or D in order within it
create table case_child (
    case_child_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    notification_id uuid not null references case_notification (notification_id),
    letter text not null check (letter in ('A', 'B', 'C', 'D')),
    age_description text not null,
    created_at timestamptz not null,
    unique (notification_id, letter)
);

-- the restricted field: real identifiers, read only through the audited reveal
create table case_child_identity (
    case_child_id uuid primary key references case_child (case_child_id),
    partnership_id uuid not null references partnership (partnership_id),
    full_name text not null,
    date_of_birth date,
    case_reference text not null
);

create table rapid_review (
    notification_id uuid primary key references case_notification (notification_id),
    partnership_id uuid not null references partnership (partnership_id),
    facts text not null,
    key_practice_episodes text not null,
    immediate_actions text not null,
    learning text not null,
    context text not null,
    -- reg. 11 (a)-(d): 'yes', 'no' or '' (not yet considered), each with its rationale
    reg11_a text not null check (reg11_a in ('', 'yes', 'no')),
    reg11_a_rationale text not null,
    reg11_b text not null check (reg11_b in ('', 'yes', 'no')),
    reg11_b_rationale text not null,
    reg11_c text not null check (reg11_c in ('', 'yes', 'no')),
    reg11_c_rationale text not null,
    reg11_d text not null check (reg11_d in ('', 'yes', 'no')),
    reg11_d_rationale text not null,
    panel_meeting_on date,
    decision text check (decision in ('local_cspr', 'no_cspr', 'national_review')),
    other_learning_route text not null,
    decision_rationale text not null,
    decided_on date,
    sent_to_panel_on date,
    panel_response_on date,
    panel_outcome text check (panel_outcome in ('agrees', 'disagrees', 'national_review')),
    panel_response_note text not null,
    -- the lead partners' sign-off of the rapid review (the sign-off module, kind 'rapid_review')
    sign_off_id uuid references sign_off (sign_off_id),
    updated_at timestamptz not null
);

create table rapid_review_agency (
    notification_id uuid not null references rapid_review (notification_id),
    partnership_id uuid not null references partnership (partnership_id),
    organisation_id uuid not null references organisation (organisation_id),
    requested_on date not null,
    received_on date,
    primary key (notification_id, organisation_id)
);

-- every statutory or expected clock of a case review subject, rewritten by the service whenever the
-- subject's basis dates change, so dashboards can query due dates through the index. subject_type
-- ('notification'; CSPRs later) and rule ('notify_panel', 'rapid_review'; the CSPR clocks later) are
-- checked by the domain's enums, not by a check constraint, so later slices add values without
-- rebuilding the table on SQLite.
create table deadline (
    partnership_id uuid not null references partnership (partnership_id),
    subject_type text not null,
    subject_id uuid not null,
    rule text not null,
    basis_on date not null,
    due_on date not null,
    extended_to date,
    extension_reason text not null,
    met_on date,
    updated_at timestamptz not null,
    primary key (partnership_id, subject_type, subject_id, rule)
);
create index deadline_open_by_due on deadline (partnership_id, met_on, due_on);

-- the lead partners sign rapid reviews off through the sign-off module: one more kind
alter table sign_off drop constraint sign_off_kind_check;
alter table sign_off add constraint sign_off_kind_check check (kind in ('published_arrangements', 'annual_budget', 'yearly_report', 'threshold_document', 'rapid_review'));
