-- Case reviews, first slice: the statutory clocks (`deadline`, one row per clock of a subject), serious
-- incident notifications with their pseudonymised children (real identifiers only in
-- `case_child_identity`, read through an audited reveal), and rapid reviews with agency summaries.
-- CSPRs, thematic reviews and themes come later and add their own tables; their clocks go in
-- `deadline` with their own subject type and rule. Dates are ISO 8601 text (YYYY-MM-DD) here, `date`
-- in PostgreSQL.

-- the body whose current members may see case review records (besides administrators)
alter table body add column handles_case_reviews integer not null default 0 check (handles_case_reviews in (0, 1));

create table case_notification (
    notification_id blob primary key not null,
    partnership_id blob not null references partnership (partnership_id),
    -- short reference shown in lists, such as "SIN 2022-03"
    reference text not null,
    summary text not null,
    aware_on text not null,
    notified_on text,
    partners_informed_on text,
    death integer not null check (death in (0, 1)),
    serious_harm integer not null check (serious_harm in (0, 1)),
    abuse_or_neglect text not null check (abuse_or_neglect in ('known', 'suspected', 'not_suspected')),
    location text not null check (location in ('in_area', 'outside_england_resident_in_area')),
    looked_after_death integer not null check (looked_after_death in (0, 1)),
    care_leaver_death integer not null check (care_leaver_death in (0, 1)),
    resident_elsewhere integer not null check (resident_elsewhere in (0, 1)),
    decided_by text not null,
    other_children_note text not null,
    -- a care leaver's death needs no rapid review unless the partners choose one
    rapid_review_chosen integer not null check (rapid_review_chosen in (0, 1)),
    closed integer not null default 0 check (closed in (0, 1)),
    created_by blob not null references person (person_id),
    created_at text not null,
    updated_at text not null,
    unique (partnership_id, reference)
);
create index case_notification_by_partnership on case_notification (partnership_id, aware_on);

-- the children of a notification, pseudonymised: letter A, B, C or D in order within it
create table case_child (
    case_child_id blob primary key not null,
    partnership_id blob not null references partnership (partnership_id),
    notification_id blob not null references case_notification (notification_id),
    letter text not null check (letter in ('A', 'B', 'C', 'D')),
    age_description text not null,
    created_at text not null,
    unique (notification_id, letter)
);

-- the restricted field: real identifiers, read only through the audited reveal
create table case_child_identity (
    case_child_id blob primary key not null references case_child (case_child_id),
    partnership_id blob not null references partnership (partnership_id),
    full_name text not null,
    date_of_birth text,
    case_reference text not null
);

create table rapid_review (
    notification_id blob primary key not null references case_notification (notification_id),
    partnership_id blob not null references partnership (partnership_id),
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
    panel_meeting_on text,
    decision text check (decision in ('local_cspr', 'no_cspr', 'national_review')),
    other_learning_route text not null,
    decision_rationale text not null,
    decided_on text,
    sent_to_panel_on text,
    panel_response_on text,
    panel_outcome text check (panel_outcome in ('agrees', 'disagrees', 'national_review')),
    panel_response_note text not null,
    -- the lead partners' sign-off of the rapid review (the sign-off module, kind 'rapid_review')
    sign_off_id blob references sign_off (sign_off_id),
    updated_at text not null
);

create table rapid_review_agency (
    notification_id blob not null references rapid_review (notification_id),
    partnership_id blob not null references partnership (partnership_id),
    organisation_id blob not null references organisation (organisation_id),
    requested_on text not null,
    received_on text,
    primary key (notification_id, organisation_id)
);

-- every statutory or expected clock of a case review subject, rewritten by the service whenever the
-- subject's basis dates change, so dashboards can query due dates through the index. subject_type
-- ('notification'; CSPRs later) and rule ('notify_panel', 'rapid_review'; the CSPR clocks later) are
-- checked by the domain's enums, not by a check constraint, so later slices add values without
-- rebuilding the table on SQLite.
create table deadline (
    partnership_id blob not null references partnership (partnership_id),
    subject_type text not null,
    subject_id blob not null,
    rule text not null,
    basis_on text not null,
    due_on text not null,
    extended_to text,
    extension_reason text not null,
    met_on text,
    updated_at text not null,
    primary key (partnership_id, subject_type, subject_id, rule)
);
create index deadline_open_by_due on deadline (partnership_id, met_on, due_on);

-- The lead partners sign rapid reviews off through the sign-off module: one more kind. SQLite cannot
-- change a check constraint, so `sign_off` is rebuilt. Foreign keys stay on during migrations, and a
-- dropped parent's orphaned children would count as violations even once the new table takes its
-- name, so the two child tables' rows are set aside, the parent swapped, and the rows put back.
create table sign_off_new (
    sign_off_id blob primary key not null,
    partnership_id blob not null references partnership (partnership_id),
    kind text not null check (kind in ('published_arrangements', 'annual_budget', 'yearly_report', 'threshold_document', 'rapid_review')),
    title text not null,
    description text not null,
    funding_year_id blob references funding_year (funding_year_id),
    status text not null check (status in ('awaiting', 'returned', 'complete', 'withdrawn')),
    round integer not null check (round >= 1),
    requested_by blob not null references person (person_id),
    created_at text not null,
    updated_at text not null,
    version integer not null
);
insert into sign_off_new select sign_off_id, partnership_id, kind, title, description, funding_year_id, status, round,
    requested_by, created_at, updated_at, version from sign_off;
create temp table sign_off_round_keep as select * from sign_off_round;
create temp table sign_off_step_keep as select * from sign_off_step;
delete from sign_off_step;
delete from sign_off_round;
drop table sign_off;
alter table sign_off_new rename to sign_off;
create index sign_off_by_partnership on sign_off (partnership_id, status, created_at);
insert into sign_off_round select * from sign_off_round_keep;
insert into sign_off_step select * from sign_off_step_keep;
drop table sign_off_round_keep;
drop table sign_off_step_keep;
