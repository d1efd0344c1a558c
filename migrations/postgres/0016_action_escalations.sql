-- Escalations of overdue actions (issue 5, the recommendations tracker): when a tracker action is
-- past its due date and not done, the owning agency's lead (or, when the owner organisation has
-- none in the partnership, the partnership's administrators) is emailed once. One row per action
-- and due date: the primary key is the claim that makes the daily job send once, and a new due date
-- that later passes escalates again. The names are those the email went to, as shown on the
-- action's page ("escalated to X on date").
-- Dates are `date` here, ISO 8601 text in SQLite.

create table action_escalation (
    action_id uuid not null references action (action_id),
    partnership_id uuid not null references partnership (partnership_id),
    -- the due date that passed
    due_date date not null,
    escalated_at timestamptz not null,
    -- who it went to: the owner organisation's agency leads, or the administrators when it has none
    recipient_role text not null check (recipient_role in ('agency_lead', 'partnership_administrator')),
    -- their names, "; " between them
    recipient_names text not null,
    primary key (action_id, due_date)
);
create index action_escalation_by_partnership on action_escalation (partnership_id, escalated_at);
