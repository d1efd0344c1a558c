-- Lived-experience consultants on the recommendations tracker: an administrator invites a named
-- consultant (a person holding the consultant role in the partnership) to specific recommendations,
-- and may revoke (the row stays, with the time). Consultants comment on the recommendations they are
-- invited to, named or anonymous (the author is stored either way, for accountability; an anonymous
-- comment is shown as "A lived-experience consultant" everywhere); the recommendation's owners answer.
-- Comments and answers are append-only.
-- Instants are ISO 8601 text here, `timestamptz` in PostgreSQL.

create table recommendation_consultant (
    recommendation_id blob not null references tracked_recommendation (recommendation_id),
    person_id blob not null references person (person_id),
    partnership_id blob not null references partnership (partnership_id),
    invited_by blob not null references person (person_id),
    invited_at text not null,
    revoked_at text,
    primary key (recommendation_id, person_id)
);
create index recommendation_consultant_by_person on recommendation_consultant (person_id, partnership_id);

-- kind 'comment' (by a consultant, parent_id null) or 'answer' (by an owner, parent_id the comment)
create table recommendation_comment (
    comment_id blob primary key not null,
    partnership_id blob not null references partnership (partnership_id),
    recommendation_id blob not null references tracked_recommendation (recommendation_id),
    kind text not null check (kind in ('comment', 'answer')),
    parent_id blob references recommendation_comment (comment_id),
    author_id blob not null references person (person_id),
    anonymous integer not null check (anonymous in (0, 1)),
    body text not null,
    at text not null,
    check ((kind = 'comment') = (parent_id is null))
);
create index recommendation_comment_by_recommendation on recommendation_comment (partnership_id, recommendation_id, at);
create trigger recommendation_comment_no_update before update on recommendation_comment
begin
    select raise(abort, 'recommendation comments are append-only');
end;
create trigger recommendation_comment_no_delete before delete on recommendation_comment
begin
    select raise(abort, 'recommendation comments are append-only');
end;
