-- The performance framework (issue 6): the indicator catalogue with benchmarks, the place profile
-- (population estimates and deprivation figures) and agency data returns with their revisions.
-- Figures are never stored computed: a return holds counts (and a percentage's denominator); rates
-- and percentages are computed in the domain (integer arithmetic, half away from zero). Targets,
-- tolerances and benchmarks are scaled integers: value × 10^decimals of their indicator.
-- Dates are `date` here, ISO 8601 text in SQLite.

create table perf_indicator (
    indicator_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    code text not null,
    name text not null,
    definition text not null,
    numerator text not null,
    denominator text not null,
    unit text not null check (unit in ('count', 'percentage', 'rate_per_10000')),
    frequency text not null check (frequency in ('month', 'quarter', 'year')),
    measure text not null check (measure in ('snapshot', 'in_year')),
    polarity text not null check (polarity in ('higher_is_better', 'lower_is_better', 'neutral')),
    decimals integer not null check (decimals between 0 and 3),
    target_scaled bigint,
    tolerance_scaled bigint not null check (tolerance_scaled >= 0),
    -- the agency that supplies the figures
    organisation_id uuid not null references organisation (organisation_id),
    source text not null,
    created_by uuid not null references person (person_id),
    created_at timestamptz not null,
    updated_by uuid not null references person (person_id),
    updated_at timestamptz not null,
    version bigint not null,
    unique (partnership_id, code)
);
create index perf_indicator_by_org on perf_indicator (partnership_id, organisation_id);

-- England, region and statistical-neighbour values, each with the publication it came from.
-- Published values get revised (DfE recalculated 2013-2023 rates in February 2025): a later row for
-- the same indicator, series and period supersedes the earlier one, which is kept.
create table perf_benchmark (
    benchmark_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    indicator_id uuid not null references perf_indicator (indicator_id),
    series text not null check (series in ('england', 'region', 'statistical_neighbours')),
    period_start date not null,
    value_scaled bigint not null,
    publication text not null,
    created_by uuid not null references person (person_id),
    created_at timestamptz not null
);
create index perf_benchmark_by_indicator on perf_benchmark (partnership_id, indicator_id, period_start);

-- Population estimates by age band and (mid-)year, with their source. A later row for the same band
-- and year supersedes the earlier one, which is kept; computed rates record the row they used.
create table perf_population (
    population_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    age_band text not null,
    year integer not null,
    population bigint not null check (population > 0),
    source text not null,
    created_by uuid not null references person (person_id),
    created_at timestamptz not null
);
create index perf_population_by_band on perf_population (partnership_id, age_band, year);

-- Deprivation and other context figures of the place profile.
create table perf_place_figure (
    place_figure_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    name text not null,
    value_scaled bigint not null,
    england_scaled bigint,
    decimals integer not null check (decimals between 0 and 3),
    unit text not null check (unit in ('count', 'percentage')),
    year integer not null,
    source text not null,
    created_by uuid not null references person (person_id),
    created_at timestamptz not null
);

-- An agency's return for one period. Sending again for the same agency and period makes a new
-- revision; earlier revisions and their values are kept. The latest revision is the one shown.
create table perf_return (
    return_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    organisation_id uuid not null references organisation (organisation_id),
    frequency text not null check (frequency in ('month', 'quarter', 'year')),
    period_start date not null,
    revision integer not null check (revision >= 1),
    state text not null check (state in ('submitted', 'checked', 'approved')),
    method text not null check (method in ('form', 'csv', 'xlsx')),
    file_name text,
    submitted_by uuid not null references person (person_id),
    submitted_at timestamptz not null,
    checked_by uuid references person (person_id),
    checked_at timestamptz,
    approved_by uuid references person (person_id),
    approved_at timestamptz,
    unique (partnership_id, organisation_id, frequency, period_start, revision)
);

create table perf_return_value (
    return_id uuid not null references perf_return (return_id),
    partnership_id uuid not null references partnership (partnership_id),
    indicator_id uuid not null references perf_indicator (indicator_id),
    numerator bigint not null check (numerator >= 0),
    denominator bigint check (denominator > 0),
    -- for a rate: the population estimate used and its value at the time
    population_id uuid references perf_population (population_id),
    population bigint,
    primary key (return_id, indicator_id)
);
create index perf_return_value_by_indicator on perf_return_value (partnership_id, indicator_id);
