-- Sign-offs by the three lead safeguarding partners (the published arrangements, the shared annual
-- budget, the yearly report, the threshold document), and the partnership's funding per financial year
-- (April to March): budget, contributions, spend lines. Money is whole pence.

create table funding_year (
    funding_year_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    -- the calendar year the financial year starts in: 2022 is April 2022 to March 2023 ("2022/23")
    start_year integer not null check (start_year between 2000 and 2100),
    budget_pence bigint not null check (budget_pence >= 0),
    notes text not null,
    created_by uuid not null references person (person_id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (partnership_id, start_year)
);

create table funding_contribution (
    funding_year_id uuid not null references funding_year (funding_year_id),
    partnership_id uuid not null references partnership (partnership_id),
    organisation_id uuid not null references organisation (organisation_id),
    amount_pence bigint not null check (amount_pence >= 0),
    updated_at timestamptz not null,
    primary key (funding_year_id, organisation_id)
);

create table funding_spend (
    funding_spend_id uuid primary key,
    funding_year_id uuid not null references funding_year (funding_year_id),
    partnership_id uuid not null references partnership (partnership_id),
    spent_on date not null,
    category text not null check (category in ('staffing', 'independent_scrutiny', 'training', 'case_reviews', 'other')),
    description text not null,
    amount_pence bigint not null check (amount_pence > 0),
    supplier text not null,
    created_by uuid not null references person (person_id),
    created_at timestamptz not null
);
create index funding_spend_by_year on funding_spend (partnership_id, funding_year_id, spent_on);

create table sign_off (
    sign_off_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    kind text not null check (kind in ('published_arrangements', 'annual_budget', 'yearly_report', 'threshold_document')),
    title text not null,
    description text not null,
    funding_year_id uuid references funding_year (funding_year_id),
    status text not null check (status in ('awaiting', 'returned', 'complete', 'withdrawn')),
    -- the current round (1, 2, …); a re-request starts a new one
    round bigint not null check (round >= 1),
    requested_by uuid not null references person (person_id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    -- bumped by every change; also taken as the row lock that serialises decisions
    version bigint not null
);
create index sign_off_by_partnership on sign_off (partnership_id, status, created_at);

-- one row per request (round): who asked, with which document and note, and how it ended
create table sign_off_round (
    sign_off_id uuid not null references sign_off (sign_off_id),
    partnership_id uuid not null references partnership (partnership_id),
    round bigint not null,
    file_id uuid references stored_file (file_id),
    note text not null,
    requested_by uuid not null references person (person_id),
    requested_at timestamptz not null,
    primary key (sign_off_id, round)
);

-- each lead partner's step in a round: pending, then signed or returned (once)
create table sign_off_step (
    sign_off_id uuid not null references sign_off (sign_off_id),
    partnership_id uuid not null references partnership (partnership_id),
    round bigint not null,
    partner_kind text not null check (partner_kind in ('local_authority', 'police', 'integrated_care_board')),
    organisation_id uuid not null references organisation (organisation_id),
    decision text not null check (decision in ('pending', 'signed', 'returned')),
    comment text not null,
    decided_by uuid references person (person_id),
    decided_at timestamptz,
    primary key (sign_off_id, round, partner_kind),
    foreign key (sign_off_id, round) references sign_off_round (sign_off_id, round)
);
