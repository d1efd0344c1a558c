//! Lived-experience consultants on the recommendations tracker: invitations to specific
//! recommendations, the consultants' narrow view of them, their comments (named or anonymous) and
//! the owners' answers. The rules of what is valid are in
//! [`safeguard_domain::recommendation_comments`].
//!
//! # Access
//!
//! * Inviting and revoking need `ManageRecommendations`; only a lived-experience consultant of the
//!   partnership (able to sign in) may be invited. The invitations list (names and emails) is for
//!   those who may manage recommendations.
//! * Consultants (`CommentOnRecommendations`) see only the recommendations they are invited to and
//!   not revoked, through [`invited_list`] and [`invited_get`]: number, title, text, the source's
//!   title, the addressee organisations, the self-assessed and the verified status. Never the lead or
//!   any other person's name, actions, evidence, status notes, other consultants' comments, or a case
//!   review's text (a recommendation taken over by reference shows that its text is held by the case
//!   review panel). Answers to their comments are shown as from "The partnership". Anything else is
//!   `NotFound` (another partnership's, not invited, revoked). Every view is audit-logged.
//! * A consultant comments on an invited recommendation ([`comment`]); the comment's owners (the
//!   recommendation's lead, and those with `ManageRecommendations`: the tracker's
//!   [`may_self_assess`] rule) read comments on the recommendation page ([`owner_view`]) and answer
//!   them ([`answer`]). Others who may view the tracker do not see the comments.
//! * An anonymous comment is shown as [`ANONYMOUS_AUTHOR`] everywhere, administrators' pages
//!   included; its audit entry carries no actor (so the audit trail page shows the same label) and
//!   the author's id is kept on the comment row only, for accountability.
//! * A comment queues an email (the outbox) to the recommendation's lead (or, without a lead, the
//!   partnership administrators) with a link and no comment text; an answer queues an email to the
//!   comment's author with only a link. Both in the same transaction as the change and its audit
//!   entry. Comments and answers are append-only.

use crate::{Actor, ServiceError, ServiceResult, Services};
use chrono::{DateTime, Utc};
use safeguard_domain::policy::{Permission, Role};
use safeguard_domain::recommendation_comments::{
    ANONYMOUS_AUTHOR, ANSWER_AUTHOR, Answer, AnswerInput, Comment, CommentInput, InviteInput,
    author_label,
};
use safeguard_domain::recommendations::{SelfStatus, VerifiedStatus, may_self_assess};
use safeguard_domain::{PersonId, ValidationErrors};
use safeguard_store::practice_reviews::ConsultantRow;
use safeguard_store::recommendation_comments::{
    self as store, CommentRow, InvitationRow, InvitedRow, NewComment,
};
use safeguard_store::recommendations::RecommendationRow;
use safeguard_store::{Conn, Tx, audit_log, outbox};
use serde_json::json;
use uuid::Uuid;

/// An answer as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AnswerView {
    /// Id.
    pub answer_id: Uuid,
    /// Who: the owner's name (owners' view) or [`ANSWER_AUTHOR`] (consultants' view).
    pub author: String,
    /// Text.
    pub body: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A comment with its answers, as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Thread {
    /// Id.
    pub comment_id: Uuid,
    /// Who: the consultant's name, or [`ANONYMOUS_AUTHOR`] for an anonymous comment.
    pub author: String,
    /// Shown anonymously.
    pub anonymous: bool,
    /// Text.
    pub body: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Answers, oldest first.
    pub answers: Vec<AnswerView>,
}

fn threads(rows: Vec<CommentRow>, owners_view: bool) -> Vec<Thread> {
    let mut out: Vec<Thread> = Vec::new();
    let mut answers = Vec::new();
    for r in rows {
        if r.kind == "comment" {
            out.push(Thread {
                comment_id: r.comment_id,
                author: author_label(r.anonymous, &r.author_name),
                anonymous: r.anonymous,
                body: r.body,
                at: r.at,
                answers: Vec::new(),
            });
        } else {
            answers.push(r);
        }
    }
    for a in answers {
        if let Some(t) = out.iter_mut().find(|t| Some(t.comment_id) == a.parent_id) {
            t.answers.push(AnswerView {
                answer_id: a.comment_id,
                author: if owners_view {
                    a.author_name
                } else {
                    ANSWER_AUTHOR.to_owned()
                },
                body: a.body,
                at: a.at,
            });
        }
    }
    out
}

async fn audit(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    id: Option<Uuid>,
    after: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let mut e = actor.entry(
        action,
        if id.is_some() {
            "tracked_recommendation"
        } else {
            "invited_recommendation_list"
        },
        id.map(|x| x.to_string()),
    );
    e.after = after.map(|a| a.to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(())
}

async fn recommendation_row(
    c: &mut Conn<'_>,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<RecommendationRow> {
    safeguard_store::recommendations::find_recommendation(c, actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

fn is_owner(actor: &Actor, row: &RecommendationRow) -> bool {
    may_self_assess(
        row.lead_person_id == Some(actor.person_id.0),
        actor.can(Permission::ManageRecommendations),
    )
}

// ---------------------------------------------------------------------------------------------
// Invitations (administrators)

/// The partnership's lived-experience consultants who can sign in, to invite
/// (`ManageRecommendations`).
pub async fn consultants(svc: &Services, actor: &Actor) -> ServiceResult<Vec<ConsultantRow>> {
    actor.require(Permission::ManageRecommendations)?;
    let mut pc = svc.db.acquire().await?;
    Ok(
        safeguard_store::practice_reviews::consultants(&mut pc.conn(), actor.partnership_id)
            .await?,
    )
}

/// Everyone invited to a recommendation, revoked invitations too (`ManageRecommendations`).
pub async fn invitations(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<Vec<InvitationRow>> {
    actor.require(Permission::ManageRecommendations)?;
    let mut pc = svc.db.acquire().await?;
    recommendation_row(&mut pc.conn(), actor, id).await?;
    Ok(store::invitations(&mut pc.conn(), actor.partnership_id, id).await?)
}

/// Invites a lived-experience consultant of the partnership to a recommendation
/// (`ManageRecommendations`); a live invitation is refused.
pub async fn invite(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &InviteInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageRecommendations)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    recommendation_row(&mut tx.conn(), actor, id).await?;
    let wanted = input.person_id.trim().parse::<Uuid>().ok();
    let all = safeguard_store::practice_reviews::consultants(&mut tx.conn(), actor.partnership_id)
        .await?;
    let Some(person) = wanted
        .filter(|w| all.iter().any(|x| x.person_id == *w))
        .map(PersonId)
    else {
        return Err(ValidationErrors::single(
            "person_id",
            "Select a lived-experience consultant of this partnership",
        )
        .into());
    };
    invite_in_tx(&mut tx, actor, id, person, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Invites inside the caller's transaction (the demo uses it too); refuses a live invitation.
pub(crate) async fn invite_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    id: Uuid,
    person: PersonId,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if !store::invite(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        person,
        actor.person_id,
        now,
    )
    .await?
    {
        return Err(ValidationErrors::single(
            "person_id",
            "This consultant is already invited to the recommendation",
        )
        .into());
    }
    audit(
        tx,
        actor,
        "recommendation.consultant.invite",
        Some(id),
        Some(json!({"person_id": person})),
        now,
    )
    .await
}

/// Revokes a consultant's invitation (`ManageRecommendations`); the row stays, with the time. Their
/// comments stay on the recommendation.
pub async fn revoke(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &InviteInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageRecommendations)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    recommendation_row(&mut tx.conn(), actor, id).await?;
    let person = input.person_id.trim().parse::<Uuid>().ok().map(PersonId);
    let revoked = match person {
        Some(x) => store::revoke(&mut tx.conn(), actor.partnership_id, id, x, now).await?,
        None => false,
    };
    let (Some(person), true) = (person, revoked) else {
        return Err(ValidationErrors::single(
            "revoke_person_id",
            "Select a consultant who is invited to this recommendation",
        )
        .into());
    };
    audit(
        &mut tx,
        actor,
        "recommendation.consultant.revoke",
        Some(id),
        Some(json!({"person_id": person})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Owners: comments and answers

/// The comments on a recommendation, for its page.
#[derive(Debug, Clone, Default)]
pub struct OwnerView {
    /// The reader owns the recommendation (lead or `ManageRecommendations`): they read and answer.
    pub can_answer: bool,
    /// The reader may invite consultants (`ManageRecommendations`).
    pub can_invite: bool,
    /// Comments with their answers (empty unless `can_answer`).
    pub threads: Vec<Thread>,
    /// Invitations (empty unless `can_invite`).
    pub invitations: Vec<InvitationRow>,
    /// Consultants who may be invited (empty unless `can_invite`).
    pub consultants: Vec<ConsultantRow>,
}

/// What the reader of a recommendation's page sees of consultants (`ViewRecommendations`): owners
/// see the comments, administrators the invitations too; others nothing.
pub async fn owner_view(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<OwnerView> {
    actor.require(Permission::ViewRecommendations)?;
    let p = actor.partnership_id;
    let mut pc = svc.db.acquire().await?;
    let row = recommendation_row(&mut pc.conn(), actor, id).await?;
    let can_answer = is_owner(actor, &row);
    let can_invite = actor.can(Permission::ManageRecommendations);
    Ok(OwnerView {
        threads: if can_answer {
            threads(store::comments(&mut pc.conn(), p, id, None).await?, true)
        } else {
            Vec::new()
        },
        invitations: if can_invite {
            store::invitations(&mut pc.conn(), p, id).await?
        } else {
            Vec::new()
        },
        consultants: if can_invite {
            safeguard_store::practice_reviews::consultants(&mut pc.conn(), p).await?
        } else {
            Vec::new()
        },
        can_answer,
        can_invite,
    })
}

/// Answers a consultant's comment: the recommendation's lead or `ManageRecommendations`. Queues an
/// email to the comment's author with only a link.
pub async fn answer(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &AnswerInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ViewRecommendations)?;
    let p = actor.partnership_id;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let row = recommendation_row(&mut tx.conn(), actor, id).await?;
    if !is_owner(actor, &row) {
        tracing::warn!(target: "security.denied", person = %actor.person_id, "not the recommendation's owner");
        return Err(ServiceError::Forbidden("not the recommendation's owner"));
    }
    let ids: Vec<Uuid> = store::comments(&mut tx.conn(), p, id, None)
        .await?
        .into_iter()
        .filter(|c| c.kind == "comment")
        .map(|c| c.comment_id)
        .collect();
    let a = Answer::parse(input, &ids)?;
    let comment = store::find_comment(&mut tx.conn(), p, id, a.comment_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let answer_id = Uuid::new_v4();
    store::insert(
        &mut tx.conn(),
        p,
        &NewComment {
            id: answer_id,
            recommendation: id,
            parent: Some(a.comment_id),
            author: actor.person_id,
            anonymous: false,
            body: &a.body,
        },
        now,
    )
    .await?;
    audit(
        &mut tx,
        actor,
        "recommendation.comment.answer",
        Some(id),
        Some(json!({"answer_id": answer_id, "comment_id": a.comment_id})),
        now,
    )
    .await?;
    if let Some(author) =
        safeguard_store::people::find(&mut tx.conn(), PersonId(comment.author_id)).await?
        && author.disabled_at.is_none()
    {
        let base = svc.config.public_url.trim_end_matches('/');
        outbox::enqueue(
            &mut tx.conn(),
            Some(p),
            &author.email,
            &format!("{}: an answer to your comment", svc.config.service_name),
            &format!(
                "There is an answer to a comment you made on a recommendation.\n\n\
                 Sign in to read it: {base}/invited-recommendations/{id}\n"
            ),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(answer_id)
}

// ---------------------------------------------------------------------------------------------
// Consultants

/// A recommendation as a consultant sees it.
#[derive(Debug, Clone)]
pub struct InvitedView {
    /// The row (no lead, no notes).
    pub row: InvitedRow,
    /// Self-assessed status.
    pub status: Option<SelfStatus>,
    /// Verified status.
    pub verified: Option<VerifiedStatus>,
    /// The addressee organisations' names.
    pub addressees: Vec<String>,
    /// The reader's own comments with the answers to them.
    pub threads: Vec<Thread>,
}

impl InvitedView {
    /// The title shown (a placeholder when taken over from a case review).
    pub fn title(&self) -> String {
        invited_title(&self.row)
    }
}

/// The title a consultant sees: the recommendation's own, or a placeholder when its text is held by
/// the case review module.
pub fn invited_title(row: &InvitedRow) -> String {
    if row.by_reference {
        format!(
            "Recommendation {} (held by the case review panel)",
            row.number
        )
    } else {
        row.title.clone()
    }
}

/// The recommendations the caller is invited to and not revoked (`CommentOnRecommendations`;
/// audited view).
pub async fn invited_list(svc: &Services, actor: &Actor) -> ServiceResult<Vec<InvitedRow>> {
    actor.require(Permission::CommentOnRecommendations)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let rows = store::invited(&mut tx.conn(), actor.partnership_id, actor.person_id).await?;
    audit(
        &mut tx,
        actor,
        "recommendation.consultant.view",
        None,
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}

async fn invited_row(tx: &mut Tx, actor: &Actor, id: Uuid) -> ServiceResult<InvitedRow> {
    store::find_invited(&mut tx.conn(), actor.partnership_id, actor.person_id, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// One recommendation the caller is invited to (`CommentOnRecommendations`; audited view), with
/// their own comments and the answers: `NotFound` when not invited, revoked, or of another
/// partnership.
pub async fn invited_get(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<InvitedView> {
    actor.require(Permission::CommentOnRecommendations)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let row = invited_row(&mut tx, actor, id).await?;
    let addressees = store::addressee_names(&mut tx.conn(), p, id).await?;
    let mine = store::comments(&mut tx.conn(), p, id, Some(actor.person_id)).await?;
    audit(
        &mut tx,
        actor,
        "recommendation.consultant.view",
        Some(id),
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(InvitedView {
        status: SelfStatus::parse(&row.self_status),
        verified: row
            .verified_status
            .as_deref()
            .and_then(VerifiedStatus::parse),
        addressees,
        threads: threads(mine, false),
        row,
    })
}

/// A consultant's comment on a recommendation they are invited to (`CommentOnRecommendations`),
/// named or anonymous. Queues an email to the recommendation's lead (or the administrators) with a
/// link and no comment text.
pub async fn comment(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &CommentInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::CommentOnRecommendations)?;
    let p = actor.partnership_id;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let invited = invited_row(&mut tx, actor, id).await?;
    let c = Comment::parse(input)?;
    let comment_id = Uuid::new_v4();
    store::insert(
        &mut tx.conn(),
        p,
        &NewComment {
            id: comment_id,
            recommendation: id,
            parent: None,
            author: actor.person_id,
            anonymous: c.anonymous,
            body: &c.body,
        },
        now,
    )
    .await?;
    let mut e = actor.entry(
        "recommendation.comment.add",
        "tracked_recommendation",
        Some(id.to_string()),
    );
    if c.anonymous {
        // The author is on the comment row (accountability); the trail shows only the label.
        e.actor_person_id = None;
        e.actor_organisation_id = None;
        e.ip = None;
        e.after = Some(
            json!({"comment_id": comment_id, "anonymous": true, "author": ANONYMOUS_AUTHOR})
                .to_string(),
        );
    } else {
        e.after = Some(json!({"comment_id": comment_id, "anonymous": false}).to_string());
    }
    audit_log::append(&mut tx.conn(), &e, now).await?;
    let row = recommendation_row(&mut tx.conn(), actor, id).await?;
    let mut to = Vec::new();
    if let Some(lead) = row.lead_person_id
        && let Some(person) = safeguard_store::people::find(&mut tx.conn(), PersonId(lead)).await?
        && person.disabled_at.is_none()
    {
        to.push(person.email);
    }
    if to.is_empty() {
        to = administrators(&mut tx.conn(), actor).await?;
    }
    let base = svc.config.public_url.trim_end_matches('/');
    for address in to {
        outbox::enqueue(
            &mut tx.conn(),
            Some(p),
            &address,
            &format!(
                "{}: a new comment on recommendation {}",
                svc.config.service_name, invited.number
            ),
            &format!(
                "A lived-experience consultant has commented on recommendation {} of {}.\n\n\
                 Read and answer it: {base}/tracked-recommendations/{id}#comments\n",
                invited.number, invited.source_title
            ),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(comment_id)
}

async fn administrators(c: &mut Conn<'_>, actor: &Actor) -> ServiceResult<Vec<String>> {
    Ok(store::role_holders(
        c,
        actor.partnership_id,
        Role::PartnershipAdministrator.slug(),
    )
    .await?)
}
