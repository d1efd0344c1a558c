-- Funding edits: spend lines are corrected with optimistic concurrency (`version`, bumped by every
-- change) and a line entered by mistake is removed softly: the row stays, marked removed with who,
-- when and why, and is left out of the totals. Nothing a user saved is lost.

-- A year's budget and notes are changed with optimistic concurrency too.
alter table funding_year add column version bigint not null default 1;

alter table funding_spend
    add column version bigint not null default 1,
    add column updated_by uuid references person (person_id),
    add column updated_at timestamptz,
    add column removed_by uuid references person (person_id),
    add column removed_at timestamptz,
    add column removed_reason text;
