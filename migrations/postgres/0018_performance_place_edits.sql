-- The performance framework's place profile becomes editable (issue 6): deprivation and context
-- figures carry an optimistic version and who changed them last (the audit trail keeps every
-- before and after); the partnership's statistical neighbours (the local authorities most like it,
-- from the DfE benchmarking tool) are one list with its source and version.

alter table perf_place_figure add column version bigint not null default 1;
alter table perf_place_figure add column updated_by uuid references person (person_id);
alter table perf_place_figure add column updated_at timestamptz;

create table perf_neighbour_list (
    partnership_id uuid primary key references partnership (partnership_id),
    -- one local authority a line, most similar first
    authorities text not null,
    source text not null,
    updated_by uuid not null references person (person_id),
    updated_at timestamptz not null,
    version bigint not null check (version >= 1)
);
