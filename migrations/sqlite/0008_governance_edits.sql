-- Governance edits: an agenda item added by mistake is withdrawn (kept, with who, when and why),
-- never deleted.
alter table agenda_item add column withdrawn_at text;
alter table agenda_item add column withdrawn_by blob references person (person_id);
alter table agenda_item add column withdrawn_reason text;
