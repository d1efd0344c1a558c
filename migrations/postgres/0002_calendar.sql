-- The working-day calendar: changes to the computed bank holidays of England and Wales, made by
-- administrators or imported from gov.uk's bank-holidays.json. Platform-level (the same for every
-- partnership). The computed holidays themselves live in code (domain::calendar).

create table bank_holiday_change (
    bank_holiday_change_id uuid primary key,
    date date not null,
    action text not null check (action in ('add', 'remove')),
    name text not null,
    source text not null check (source in ('administrator', 'import')),
    created_at timestamptz not null,
    -- null for imports from the command line
    created_by uuid references person (person_id),
    unique (date, action)
);
