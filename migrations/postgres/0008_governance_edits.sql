-- Governance edits: an agenda item added by mistake is withdrawn (kept, with who, when and why),
-- never deleted.
alter table agenda_item add column withdrawn_at timestamptz;
alter table agenda_item add column withdrawn_by uuid references person (person_id);
alter table agenda_item add column withdrawn_reason text;
