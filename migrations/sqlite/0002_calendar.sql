-- The working-day calendar: changes to the computed bank holidays of England and Wales, made by
-- administrators or imported from gov.uk's bank-holidays.json. Platform-level (the same for every
-- partnership). The computed holidays themselves live in code (domain::calendar).
-- Dates are ISO 8601 text (YYYY-MM-DD) here, `date` in PostgreSQL.

create table bank_holiday_change (
    bank_holiday_change_id blob primary key not null,
    date text not null,
    action text not null check (action in ('add', 'remove')),
    name text not null,
    source text not null check (source in ('administrator', 'import')),
    created_at text not null,
    -- null for imports from the command line
    created_by blob references person (person_id),
    unique (date, action)
);
