-- Lived-experience consultants on the recommendations tracker: an administrator invites a named
-- consultant (a person holding the consultant role in the partnership) to specific recommendations,
-- and may revoke (the row stays, with the time). Consultants comment on the recommendations they are
-- invited to, named or anonymous (the author is stored either way, for accountability; an anonymous
-- comment is shown as "A lived-experience consultant" everywhere); the recommendation's owners answer.
-- Comments and answers are append-only.
-- Instants are `timestamptz`.

create table recommendation_consultant (
    recommendation_id uuid not null references tracked_recommendation (recommendation_id),
    person_id uuid not null references person (person_id),
    partnership_id uuid not null references partnership (partnership_id),
    invited_by uuid not null references person (person_id),
    invited_at timestamptz not null,
    revoked_at timestamptz,
    primary key (recommendation_id, person_id)
);
create index recommendation_consultant_by_person on recommendation_consultant (person_id, partnership_id);

-- kind 'comment' (by a consultant, parent_id null) or 'answer' (by an owner, parent_id the comment)
create table recommendation_comment (
    comment_id uuid primary key,
    partnership_id uuid not null references partnership (partnership_id),
    recommendation_id uuid not null references tracked_recommendation (recommendation_id),
    kind text not null check (kind in ('comment', 'answer')),
    parent_id uuid references recommendation_comment (comment_id),
    author_id uuid not null references person (person_id),
    anonymous boolean not null,
    body text not null,
    at timestamptz not null,
    check ((kind = 'comment') = (parent_id is null))
);
create index recommendation_comment_by_recommendation on recommendation_comment (partnership_id, recommendation_id, at);
create function recommendation_comment_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'recommendation comments are append-only';
end;
$$;
create trigger recommendation_comment_no_update before update or delete on recommendation_comment
    for each row execute function recommendation_comment_append_only();
create trigger recommendation_comment_no_truncate before truncate on recommendation_comment
    for each statement execute function recommendation_comment_append_only();
