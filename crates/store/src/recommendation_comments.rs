//! Lived-experience consultants on the recommendations tracker: invitations to recommendations
//! (`recommendation_consultant`, revoking keeps the row with the time) and the append-only comments
//! and answers (`recommendation_comment`). Every function takes the partnership and filters by it.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::{PartnershipId, PersonId};
use uuid::Uuid;

/// Invites a person to a recommendation (again, if the invitation had been revoked); false when the
/// invitation is already live.
pub async fn invite(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    recommendation: Uuid,
    person: PersonId,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<bool> {
    // language=SQL
    let sql = r#"insert into recommendation_consultant (recommendation_id, person_id, partnership_id, invited_by,
                 invited_at, revoked_at) values ($1, $2, $3, $4, $5, null)
                 on conflict (recommendation_id, person_id) do update set invited_by = excluded.invited_by,
                 invited_at = excluded.invited_at, revoked_at = null
                 where recommendation_consultant.partnership_id = excluded.partnership_id
                 and recommendation_consultant.revoked_at is not null"#;
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(recommendation)
        .bind(person.0)
        .bind(partnership.0)
        .bind(by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Revokes an invitation (the row stays, with the time); false when there is no live invitation.
pub async fn revoke(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    recommendation: Uuid,
    person: PersonId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update recommendation_consultant set revoked_at = $4 where partnership_id = $1 \
               and recommendation_id = $2 and person_id = $3 and revoked_at is null";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(recommendation)
        .bind(person.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// An invitation, as administrators see it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct InvitationRow {
    /// The consultant.
    pub person_id: Uuid,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Invited.
    pub invited_at: DateTime<Utc>,
    /// Revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Everyone invited to a recommendation (revoked invitations too), by name.
pub async fn invitations(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    recommendation: Uuid,
) -> Result<Vec<InvitationRow>> {
    let sql = "select i.person_id, p.name, p.email, i.invited_at, i.revoked_at from recommendation_consultant i \
               join person p on p.person_id = i.person_id \
               where i.partnership_id = $1 and i.recommendation_id = $2 order by p.name, p.email";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, InvitationRow>(sql)
        .bind(partnership.0)
        .bind(recommendation)
        .fetch_all(e)
        .await)?)
}

/// What a consultant may read of a recommendation they are invited to: number, title, text, the
/// source's title, statuses. Nothing about leads, actions, evidence or notes.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct InvitedRow {
    /// Recommendation.
    pub recommendation_id: Uuid,
    /// Number within the source.
    pub number: i32,
    /// Title (empty when taken over by reference from a case review).
    pub title: String,
    /// Text (empty when by reference).
    pub body: String,
    /// True when taken over by reference from a case review (its text is not shown here).
    pub by_reference: bool,
    /// The source's title.
    pub source_title: String,
    /// The source's date.
    pub source_published_on: NaiveDate,
    /// Self-assessed status slug.
    pub self_status: String,
    /// Verified status slug.
    pub verified_status: Option<String>,
    /// When the reader was invited.
    pub invited_at: DateTime<Utc>,
}

const INVITED_SELECT: &str = "select r.recommendation_id, r.number, r.title, r.body, \
     r.review_recommendation_id is not null as by_reference, \
     s.title as source_title, s.published_on as source_published_on, r.self_status, r.verified_status, i.invited_at \
     from recommendation_consultant i \
     join tracked_recommendation r on r.recommendation_id = i.recommendation_id and r.partnership_id = i.partnership_id \
     join recommendation_source s on s.source_id = r.source_id and s.partnership_id = r.partnership_id";

/// The recommendations a person is invited to in the partnership and not revoked, by source and
/// number.
pub async fn invited(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    person: PersonId,
) -> Result<Vec<InvitedRow>> {
    let sql = format!(
        "{INVITED_SELECT} where i.partnership_id = $1 and i.person_id = $2 and i.revoked_at is null \
         order by s.published_on desc, s.title, r.number"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, InvitedRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(person.0)
    .fetch_all(e)
    .await)?)
}

/// One recommendation a person is invited to and not revoked.
pub async fn find_invited(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    person: PersonId,
    recommendation: Uuid,
) -> Result<Option<InvitedRow>> {
    let sql = format!(
        "{INVITED_SELECT} where i.partnership_id = $1 and i.person_id = $2 and i.recommendation_id = $3 \
         and i.revoked_at is null"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, InvitedRow>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(person.0)
    .bind(recommendation)
    .fetch_optional(e)
    .await)?)
}

/// The addressees' names of a recommendation, by name.
pub async fn addressee_names(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    recommendation: Uuid,
) -> Result<Vec<String>> {
    let sql = "select o.name from tracked_recommendation_addressee a \
               join organisation o on o.organisation_id = a.organisation_id \
               where a.partnership_id = $1 and a.recommendation_id = $2 order by o.name";
    Ok(on_conn!(c, |e| sqlx::query_scalar::<_, String>(sql)
        .bind(partnership.0)
        .bind(recommendation)
        .fetch_all(e)
        .await)?)
}

/// A new comment or answer.
#[derive(Debug, Clone)]
pub struct NewComment<'a> {
    /// Id.
    pub id: Uuid,
    /// The recommendation.
    pub recommendation: Uuid,
    /// The comment answered (`None`: a comment).
    pub parent: Option<Uuid>,
    /// Author.
    pub author: PersonId,
    /// Shown anonymously.
    pub anonymous: bool,
    /// Text.
    pub body: &'a str,
}

/// Appends a comment (no parent) or an answer.
pub async fn insert(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    n: &NewComment<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = "insert into recommendation_comment (comment_id, partnership_id, recommendation_id, kind, parent_id, \
               author_id, anonymous, body, at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(n.id)
        .bind(partnership.0)
        .bind(n.recommendation)
        .bind(if n.parent.is_some() {
            "answer"
        } else {
            "comment"
        })
        .bind(n.parent)
        .bind(n.author.0)
        .bind(n.anonymous)
        .bind(n.body)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A comment or answer with its author's name (callers show [`safeguard_domain::recommendation_comments::ANONYMOUS_AUTHOR`]
/// for an anonymous one: the name is never to be shown then).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommentRow {
    /// Id.
    pub comment_id: Uuid,
    /// comment or answer.
    pub kind: String,
    /// The comment answered.
    pub parent_id: Option<Uuid>,
    /// Author (stored for accountability).
    pub author_id: Uuid,
    /// Author's name.
    pub author_name: String,
    /// Shown anonymously.
    pub anonymous: bool,
    /// Text.
    pub body: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A recommendation's comments and answers, oldest first; with `author`, only that person's
/// comments and the answers to them.
pub async fn comments(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    recommendation: Uuid,
    author: Option<PersonId>,
) -> Result<Vec<CommentRow>> {
    let sql = "select m.comment_id, m.kind, m.parent_id, m.author_id, p.name as author_name, m.anonymous, m.body, m.at \
               from recommendation_comment m join person p on p.person_id = m.author_id \
               where m.partnership_id = $1 and m.recommendation_id = $2 \
               and ($3 = 0 or (m.kind = 'comment' and m.author_id = $4) \
                    or (m.kind = 'answer' and m.parent_id in (select x.comment_id from recommendation_comment x \
                        where x.partnership_id = $1 and x.recommendation_id = $2 and x.kind = 'comment' and x.author_id = $4))) \
               order by m.at, m.comment_id";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, CommentRow>(sql)
        .bind(partnership.0)
        .bind(recommendation)
        .bind(i64::from(author.is_some()))
        .bind(author.map_or(Uuid::nil(), |a| a.0))
        .fetch_all(e)
        .await)?)
}

/// One comment (not an answer) of a recommendation.
pub async fn find_comment(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    recommendation: Uuid,
    comment: Uuid,
) -> Result<Option<CommentRow>> {
    let sql = "select m.comment_id, m.kind, m.parent_id, m.author_id, p.name as author_name, m.anonymous, m.body, m.at \
               from recommendation_comment m join person p on p.person_id = m.author_id \
               where m.partnership_id = $1 and m.recommendation_id = $2 and m.comment_id = $3 and m.kind = 'comment'";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, CommentRow>(sql)
        .bind(partnership.0)
        .bind(recommendation)
        .bind(comment)
        .fetch_optional(e)
        .await)?)
}

/// The emails of the people holding a role in the partnership who can sign in, by email.
pub async fn role_holders(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    role: &str,
) -> Result<Vec<String>> {
    let sql = "select p.email from role_grant g join person p on p.person_id = g.person_id \
               where g.partnership_id = $1 and g.role = $2 and p.disabled_at is null order by p.email";
    Ok(on_conn!(c, |e| sqlx::query_scalar::<_, String>(sql)
        .bind(partnership.0)
        .bind(role)
        .fetch_all(e)
        .await)?)
}
