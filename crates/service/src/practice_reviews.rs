//! Child safeguarding practice reviews (local and thematic): commissioning (optionally from a rapid
//! review that decided on a local CSPR), details with an optimistic version, the stages and their
//! dates ([`safeguard_domain::practice_reviews`]), reviewers, reg. 14 checks and written requests,
//! engagement, drafts with their documents, publication or non-publication, clock extensions, and the
//! explicit sharing with lived-experience consultants.
//!
//! # Access
//!
//! * Practice reviews are case review records: the access rule of [`crate::case_reviews`]
//!   (`ViewCaseReviews`, and for anyone but an administrator current membership of the case review
//!   panel) through [`crate::case_reviews::may_view`]; never a second rule. Changes need
//!   `ManageCaseReviews`. Others are refused the list (`Forbidden`) and told a review does not exist
//!   (`NotFound`); another partnership's reviews are `NotFound`.
//! * A draft's document is stored through the one file store attached to `("practice_review", id)`;
//!   the file store applies the same case review rule to such files (see [`crate::files`]).
//! * Lived-experience consultants (`ViewSharedReviews`) see only the reviews an administrator shared
//!   with them and has not revoked, through [`shared_list`] and [`shared_get`]: reference, title,
//!   kind, stage, summary, the published link, and the review's themes, findings and recommendations.
//!   Never children, notifications, identities, agency summaries, reviewers, engagement, drafts or
//!   documents. They have no other access to case reviews.
//! * Every view writes an audit entry (`practice_review.view`, `practice_review.shared.view`), every
//!   change its entry in the same transaction.
//!
//! # Clocks
//!
//! Whenever a review's dates change, its rows in `deadline` (subject type `practice_review`) are
//! rewritten from [`review_deadlines`] through the one working-day calendar, with the partnership's
//! pre-publication lead time (`case_review_settings`, [`DEFAULT_NOTICE_WORKING_DAYS`](safeguard_domain::case_reviews::DEFAULT_NOTICE_WORKING_DAYS) without a row).
//! The 6-month clock only warns; publication earlier than the lead time after the notice is refused.

use crate::case_reviews::{DeadlineView, ExtensionInput, deadline_of, may_view, view_of};
use crate::{Actor, ServiceError, ServiceResult, Services};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::actions::uk_date;
use safeguard_domain::calendar::Calendar;
use safeguard_domain::case_reviews::{DeadlineRule, ReviewDecision, SUBJECT_PRACTICE_REVIEW};
use safeguard_domain::policy::Permission;
use safeguard_domain::practice_reviews::{
    CheckKind, Details, DetailsInput, DraftInput, EndReviewerInput, EngagementInput, MoveContext,
    NewCheck, NewDraft, NewEngagement, NewReview, NewReviewer, ReviewInput, ReviewKind,
    ReviewerInput, Stage, StageDates, StageInput, StageMove, check_covered, long_date, parse_end,
    review_deadlines, reviewer_appointed_on, stage_after_appointment, stage_after_draft,
    stage_after_engagement,
};
use safeguard_domain::{PartnershipId, PersonId, ValidationErrors};
use safeguard_store::case_reviews::{self as case_store, DeadlineWrite, NotificationRow};
use safeguard_store::practice_reviews::{
    self as store, CheckRow, ConsultantRow, CoveredRow, CoveringRow, DetailsWrite, DraftRow,
    EngagementRow, LearningRow, NewReviewRow, ReviewRow, ReviewerRow, ReviewerWrite, ShareRow,
    SharedReviewRow, StageWrite,
};
use safeguard_store::{Conn, Tx, audit_log};
use serde_json::json;
use uuid::Uuid;

/// The subject type of a review's clocks in `deadline`.
pub const SUBJECT: &str = SUBJECT_PRACTICE_REVIEW;

/// Most reviews listed.
pub const LIST_LIMIT: i64 = 500;

/// A review in a list or on the dashboard.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReviewSummary {
    /// The record.
    pub review: ReviewRow,
    /// Its kind.
    pub kind: ReviewKind,
    /// Its stage.
    pub stage: Stage,
    /// Its clocks not yet met, soonest first.
    pub open_deadlines: Vec<DeadlineView>,
}

impl ReviewSummary {
    /// The due date in force of its soonest open clock.
    pub fn next_due(&self) -> Option<NaiveDate> {
        self.open_deadlines
            .first()
            .map(|d| d.extended_to.unwrap_or(d.due_on))
    }
}

/// A review with everything a panel member may see.
#[derive(Debug, Clone)]
pub struct ReviewView {
    /// The record.
    pub review: ReviewRow,
    /// Kind.
    pub kind: ReviewKind,
    /// Stage.
    pub stage: Stage,
    /// The dates of its stages (derived ones included).
    pub dates: StageDates,
    /// The notifications covered.
    pub cases: Vec<CoveredRow>,
    /// Reviewers.
    pub reviewers: Vec<ReviewerRow>,
    /// Reg. 14 checks and written requests.
    pub checks: Vec<CheckRow>,
    /// Engagement.
    pub engagements: Vec<EngagementRow>,
    /// Drafts.
    pub drafts: Vec<DraftRow>,
    /// Its clocks.
    pub deadlines: Vec<DeadlineView>,
    /// Shares with consultants (administrators only; empty for others).
    pub shares: Vec<ShareRow>,
    /// The partnership's pre-publication lead time.
    pub notice_days: u32,
    /// The caller may change it.
    pub can_manage: bool,
    /// Today in England.
    pub today: NaiveDate,
}

/// What a consultant sees of a review shared with them.
#[derive(Debug, Clone)]
pub struct SharedView {
    /// The pseudonymised row.
    pub review: SharedReviewRow,
    /// Kind.
    pub kind: Option<ReviewKind>,
    /// Stage.
    pub stage: Option<Stage>,
    /// Themes.
    pub themes: Vec<String>,
    /// Findings.
    pub findings: Vec<LearningRow>,
    /// Recommendations.
    pub recommendations: Vec<LearningRow>,
}

fn stage_of(r: &ReviewRow) -> Stage {
    Stage::parse(&r.stage).unwrap_or(Stage::Commissioned)
}

fn kind_of(r: &ReviewRow) -> ReviewKind {
    ReviewKind::parse(&r.kind).unwrap_or(ReviewKind::Local)
}

/// The dates of a review's stages, with the two derived from its reviewers and engagements.
pub fn dates_of(
    r: &ReviewRow,
    reviewers: &[ReviewerRow],
    engagements: &[EngagementRow],
) -> StageDates {
    let stage = stage_of(r);
    let first_appointment = reviewers.iter().map(|x| x.appointed_on).min();
    StageDates {
        commissioned_on: Some(r.commissioned_on),
        terms_agreed_on: r.terms_agreed_on,
        reviewer_appointed_on: if stage >= Stage::ReviewerAppointed {
            reviewer_appointed_on(r.terms_agreed_on, first_appointment)
        } else {
            None
        },
        information_gathering_on: r.information_gathering_on,
        first_draft_on: r.first_draft_on,
        engagement_on: match (stage >= Stage::Engagement, r.first_draft_on) {
            (true, Some(first)) => engagements
                .iter()
                .map(|e| e.held_on)
                .filter(|d| *d >= first)
                .min(),
            _ => None,
        },
        final_approved_on: r.final_approved_on,
        notice_sent_on: r.notice_sent_on,
        published_on: r.published_on,
        not_published_on: r.not_published_on,
        action_plan_on: r.action_plan_on,
        closed_on: r.closed_on,
    }
}

/// The partnership's pre-publication lead time in working days (the case review settings, which
/// give the default without a row).
pub(crate) async fn notice_days(c: &mut Conn<'_>, p: PartnershipId) -> ServiceResult<u32> {
    Ok(safeguard_store::case_reviews::get_settings(c, p)
        .await?
        .pre_publication_notice_days)
}

async fn load(
    c: &mut Conn<'_>,
    actor: &Actor,
    id: Uuid,
    today: NaiveDate,
) -> ServiceResult<ReviewRow> {
    if !may_view(c, actor, today).await? {
        return Err(ServiceError::NotFound);
    }
    store::find_review(c, actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// `Ok` when the actor may see the review, `NotFound` otherwise; no audit entry (for handlers that
/// check access before reading a request body).
pub async fn check_visible(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    let mut pc = svc.db.acquire().await?;
    load(&mut pc.conn(), actor, id, uk_date(svc.now())).await?;
    Ok(())
}

async fn audit(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    target_type: &str,
    id: Option<Uuid>,
    after: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let mut e = actor.entry(action, target_type, id.map(|i| i.to_string()));
    e.after = after.map(|a| a.to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(())
}

/// The open (not closed) reviews of the partnership with their clocks not yet met, soonest due first
/// (those without an open clock last). No audit entry: the caller's view writes it.
pub(crate) async fn open_summaries(
    c: &mut Conn<'_>,
    cal: &Calendar,
    p: PartnershipId,
    today: NaiveDate,
) -> ServiceResult<Vec<ReviewSummary>> {
    let rows = store::list_reviews(c, p, true, LIST_LIMIT).await?;
    let clocks = store::open_clocks(c, p).await?;
    let mut out: Vec<ReviewSummary> = rows
        .into_iter()
        .map(|r| ReviewSummary {
            kind: kind_of(&r),
            stage: stage_of(&r),
            open_deadlines: clocks
                .iter()
                .filter(|d| d.subject_id == r.review_id)
                .filter_map(|d| view_of(cal, d, today))
                .collect(),
            review: r,
        })
        .collect();
    out.sort_by_key(|r| {
        (
            r.next_due().is_none(),
            r.next_due(),
            r.review.reference.clone(),
        )
    });
    Ok(out)
}

/// Every review of the partnership, most recently commissioned first, with its open clocks (audited
/// view). `Forbidden` for anyone who may not see case reviews.
pub async fn list(svc: &Services, actor: &Actor) -> ServiceResult<(Vec<ReviewSummary>, NaiveDate)> {
    let now = svc.now();
    let today = uk_date(now);
    let cal = crate::calendar::load(svc).await?;
    let mut tx = svc.db.begin().await?;
    crate::case_reviews::require_view(&mut tx.conn(), actor, today).await?;
    let p = actor.partnership_id;
    let rows = store::list_reviews(&mut tx.conn(), p, false, LIST_LIMIT).await?;
    let clocks = store::open_clocks(&mut tx.conn(), p).await?;
    let out = rows
        .into_iter()
        .map(|r| ReviewSummary {
            kind: kind_of(&r),
            stage: stage_of(&r),
            open_deadlines: clocks
                .iter()
                .filter(|d| d.subject_id == r.review_id)
                .filter_map(|d| view_of(&cal, d, today))
                .collect(),
            review: r,
        })
        .collect();
    audit(
        &mut tx,
        actor,
        "practice_review.view",
        "practice_review_list",
        None,
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((out, today))
}

/// A review with its stages, people, checks, engagement, drafts and clocks (audited view).
pub async fn get(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<ReviewView> {
    let now = svc.now();
    let today = uk_date(now);
    let cal = crate::calendar::load(svc).await?;
    let mut tx = svc.db.begin().await?;
    let r = load(&mut tx.conn(), actor, id, today).await?;
    let p = actor.partnership_id;
    let cases = store::cases(&mut tx.conn(), p, id).await?;
    let reviewers = store::reviewers(&mut tx.conn(), p, id).await?;
    let checks = store::checks(&mut tx.conn(), p, id).await?;
    let engagements = store::engagements(&mut tx.conn(), p, id).await?;
    let drafts = store::drafts(&mut tx.conn(), p, id).await?;
    let can_manage = actor.can(Permission::ManageCaseReviews);
    let shares = if can_manage {
        store::shares(&mut tx.conn(), p, id).await?
    } else {
        Vec::new()
    };
    let deadlines = case_store::deadlines(&mut tx.conn(), p, SUBJECT, id)
        .await?
        .iter()
        .filter_map(|d| view_of(&cal, d, today))
        .collect();
    let notice_days = notice_days(&mut tx.conn(), p).await?;
    audit(
        &mut tx,
        actor,
        "practice_review.view",
        "practice_review",
        Some(id),
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(ReviewView {
        kind: kind_of(&r),
        stage: stage_of(&r),
        dates: dates_of(&r, &reviewers, &engagements),
        review: r,
        cases,
        reviewers,
        checks,
        engagements,
        drafts,
        deadlines,
        shares,
        notice_days,
        can_manage,
        today,
    })
}

/// The reviews covering a notification, for its page (no audit entry: the notification's view
/// writes one). Empty for anyone who may not see case reviews.
pub async fn for_notification(
    svc: &Services,
    actor: &Actor,
    notification: Uuid,
) -> ServiceResult<Vec<CoveringRow>> {
    let mut pc = svc.db.acquire().await?;
    if !may_view(&mut pc.conn(), actor, uk_date(svc.now())).await? {
        return Ok(Vec::new());
    }
    Ok(store::reviews_covering(&mut pc.conn(), actor.partnership_id, notification).await?)
}

/// A notification that may be chosen for a review, with its rapid review's decision.
#[derive(Debug, Clone)]
pub struct NotificationChoice {
    /// The notification.
    pub notification: NotificationRow,
    /// The rapid review's decision, if made.
    pub decision: Option<ReviewDecision>,
}

/// The partnership's notifications to choose from when commissioning (`ManageCaseReviews`), newest
/// first.
pub async fn notification_choices(
    svc: &Services,
    actor: &Actor,
) -> ServiceResult<Vec<NotificationChoice>> {
    actor.require(Permission::ManageCaseReviews)?;
    let mut pc = svc.db.acquire().await?;
    crate::case_reviews::require_view(&mut pc.conn(), actor, uk_date(svc.now())).await?;
    let p = actor.partnership_id;
    let rows = case_store::list_notifications(&mut pc.conn(), p, false, LIST_LIMIT).await?;
    let mut out = Vec::with_capacity(rows.len());
    for n in rows {
        let decision = case_store::rapid_review(&mut pc.conn(), p, n.notification_id)
            .await?
            .and_then(|r| r.decision)
            .and_then(|d| ReviewDecision::parse(&d));
        out.push(NotificationChoice {
            notification: n,
            decision,
        });
    }
    Ok(out)
}

/// A new review's form filled from a rapid review that decided on a local CSPR: a local review of
/// that notification, commissioned on the date of the decision. `NotFound` for a notification the
/// actor may not see.
pub async fn defaults_from_notification(
    svc: &Services,
    actor: &Actor,
    notification: Uuid,
) -> ServiceResult<ReviewInput> {
    actor.require(Permission::ManageCaseReviews)?;
    let mut pc = svc.db.acquire().await?;
    let today = uk_date(svc.now());
    if !may_view(&mut pc.conn(), actor, today).await? {
        return Err(ServiceError::NotFound);
    }
    let p = actor.partnership_id;
    let n = case_store::find_notification(&mut pc.conn(), p, notification)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let rr = case_store::rapid_review(&mut pc.conn(), p, notification).await?;
    Ok(ReviewInput {
        kind: ReviewKind::Local.slug().to_owned(),
        reference: String::new(),
        title: String::new(),
        summary: String::new(),
        commissioned_on: rr
            .and_then(|r| r.decided_on)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        terms_of_reference: String::new(),
        notification_ids: vec![n.notification_id.to_string()],
    })
}

/// Rewrites a review's clocks from its stored dates.
pub(crate) async fn sync(
    tx: &mut Tx,
    cal: &Calendar,
    p: PartnershipId,
    id: Uuid,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let r = store::find_review(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let n = notice_days(&mut tx.conn(), p).await?;
    let dates = dates_of(&r, &[], &[]);
    let clocks = review_deadlines(cal, &dates, r.planned_publication_on, n).map_err(|_| {
        ValidationErrors::single(
            "commissioned_on",
            "The deadlines fall outside the working-day calendar (2000 to 2040)",
        )
    })?;
    let rows: Vec<DeadlineWrite<'_>> = clocks
        .iter()
        .map(|d| DeadlineWrite {
            rule: d.rule.slug(),
            basis_on: d.basis,
            due_on: d.due,
            met_on: d.met_on,
        })
        .collect();
    case_store::replace_deadlines(&mut tx.conn(), p, SUBJECT, id, &rows, now).await?;
    Ok(())
}

async fn check_reference(
    c: &mut Conn<'_>,
    p: PartnershipId,
    reference: &str,
    except: Option<Uuid>,
    e: &mut ValidationErrors,
) -> ServiceResult<()> {
    if store::reference_taken(c, p, reference, except).await? {
        e.add(
            "reference",
            "Another practice review already has this reference",
        );
    }
    Ok(())
}

/// Commissions a review (`ManageCaseReviews`) and starts its clock. A local review of a notification
/// needs that notification's rapid review to have decided on a local CSPR, and no other local review
/// of it; every notification covered must be the partnership's, aware on or before the commissioning
/// date.
pub async fn create(svc: &Services, actor: &Actor, input: &ReviewInput) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageCaseReviews)?;
    let now = svc.now();
    let today = uk_date(now);
    let cal = crate::calendar::load(svc).await?;
    let mut tx = svc.db.begin().await?;
    if !may_view(&mut tx.conn(), actor, today).await? {
        return Err(ServiceError::NotFound);
    }
    let r = NewReview::parse(input, today)?;
    let id = create_in_tx(&mut tx, &cal, actor, &r, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Commissions a valid review inside the caller's transaction (the demo uses it too).
pub(crate) async fn create_in_tx(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    r: &NewReview,
    now: DateTime<Utc>,
) -> ServiceResult<Uuid> {
    let p = actor.partnership_id;
    let mut e = ValidationErrors::new();
    check_reference(&mut tx.conn(), p, &r.reference, None, &mut e).await?;
    let mut covered = Vec::new();
    for n in &r.notifications {
        match case_store::find_notification(&mut tx.conn(), p, *n).await? {
            None => e.add(
                "notification_ids",
                "Select notifications of this partnership",
            ),
            Some(row) => {
                if r.kind == ReviewKind::Local {
                    let decision = case_store::rapid_review(&mut tx.conn(), p, *n)
                        .await?
                        .and_then(|x| x.decision);
                    if decision.as_deref() != Some(ReviewDecision::LocalCspr.slug()) {
                        e.add(
                            "notification_ids",
                            format!(
                                "The rapid review of {} has not decided on a local child safeguarding practice review",
                                row.reference
                            ),
                        );
                    }
                    let others = store::reviews_covering(&mut tx.conn(), p, *n).await?;
                    if let Some(o) = others.iter().find(|o| o.kind == ReviewKind::Local.slug()) {
                        e.add(
                            "notification_ids",
                            format!(
                                "{} already has a local practice review, {}",
                                row.reference, o.reference
                            ),
                        );
                    }
                }
                covered.push((row.reference, row.aware_on));
            }
        }
    }
    check_covered(&mut e, r.commissioned_on, &covered);
    if !e.is_empty() {
        return Err(e.into());
    }
    let id = Uuid::new_v4();
    store::insert_review(
        &mut tx.conn(),
        p,
        &NewReviewRow {
            id,
            reference: &r.reference,
            kind: r.kind.slug(),
            title: &r.title,
            summary: &r.summary,
            commissioned_on: r.commissioned_on,
            terms_of_reference: &r.terms_of_reference,
        },
        actor.person_id,
        now,
    )
    .await?;
    for n in &r.notifications {
        store::add_case(&mut tx.conn(), p, id, *n).await?;
    }
    sync(tx, cal, p, id, now).await?;
    audit(
        tx,
        actor,
        "practice_review.create",
        "practice_review",
        Some(id),
        Some(json!({
            "reference": r.reference,
            "kind": r.kind.slug(),
            "commissioned_on": r.commissioned_on,
            "notification_ids": r.notifications,
        })),
        now,
    )
    .await?;
    Ok(id)
}

/// Changes a review's details against the version the form was built from (`ManageCaseReviews`); a
/// stale version is a `Conflict` and changes nothing. The clock follows the commissioning date.
pub async fn update_details(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &DetailsInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    let now = svc.now();
    let today = uk_date(now);
    let cal = crate::calendar::load(svc).await?;
    let mut tx = svc.db.begin().await?;
    let before = load(&mut tx.conn(), actor, id, today).await?;
    let p = actor.partnership_id;
    let reviewers = store::reviewers(&mut tx.conn(), p, id).await?;
    let engagements = store::engagements(&mut tx.conn(), p, id).await?;
    let mut dates = dates_of(&before, &reviewers, &engagements);
    // the earliest appointment, check and engagement bound the commissioning date too
    dates.reviewer_appointed_on = reviewers.iter().map(|r| r.appointed_on).min();
    let d = Details::parse(input, &dates, today)?;
    let mut e = ValidationErrors::new();
    check_reference(&mut tx.conn(), p, &d.reference, Some(id), &mut e).await?;
    let covered: Vec<(String, NaiveDate)> = store::cases(&mut tx.conn(), p, id)
        .await?
        .into_iter()
        .map(|c| (c.reference, c.aware_on))
        .collect();
    check_covered(&mut e, d.commissioned_on, &covered);
    if !e.is_empty() {
        return Err(e.into());
    }
    let changed = store::update_details(
        &mut tx.conn(),
        p,
        id,
        d.version,
        &DetailsWrite {
            reference: &d.reference,
            title: &d.title,
            summary: &d.summary,
            commissioned_on: d.commissioned_on,
            terms_of_reference: &d.terms_of_reference,
        },
        now,
    )
    .await?;
    if !changed {
        return Err(ServiceError::Conflict(
            "Someone else changed this review while you were editing it: your text is below; check the review and save again".into(),
        ));
    }
    sync(&mut tx, &cal, p, id, now).await?;
    let mut en = actor.entry(
        "practice_review.update",
        "practice_review",
        Some(id.to_string()),
    );
    en.before = Some(
        json!({"reference": before.reference, "commissioned_on": before.commissioned_on, "version": before.version})
            .to_string(),
    );
    en.after = Some(
        json!({"reference": d.reference, "commissioned_on": d.commissioned_on, "version": d.version + 1})
            .to_string(),
    );
    audit_log::append(&mut tx.conn(), &en, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes a new stage (with its row's dates) and its clocks.
async fn write_stage(
    tx: &mut Tx,
    cal: &Calendar,
    p: PartnershipId,
    id: Uuid,
    w: &StageWrite<'_>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if !store::update_stage(&mut tx.conn(), p, id, w, now).await? {
        return Err(ServiceError::NotFound);
    }
    sync(tx, cal, p, id, now).await
}

/// Records the stage a review has reached, with its date (`ManageCaseReviews`). Impossible moves
/// (going back, skipping a step, publishing before final approval or the notice, publishing earlier
/// than the lead time after the notice) are refused with a field error and change nothing.
pub async fn record_stage(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &StageInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    let now = svc.now();
    let cal = crate::calendar::load(svc).await?;
    let mut tx = svc.db.begin().await?;
    stage_in_tx(&mut tx, &cal, actor, id, input, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Records a stage inside the caller's transaction (the demo uses it too).
pub(crate) async fn stage_in_tx(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    id: Uuid,
    input: &StageInput,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let today = uk_date(now);
    let r = load(&mut tx.conn(), actor, id, today).await?;
    let p = actor.partnership_id;
    let reviewers = store::reviewers(&mut tx.conn(), p, id).await?;
    let engagements = store::engagements(&mut tx.conn(), p, id).await?;
    let dates = dates_of(&r, &reviewers, &engagements);
    let current = stage_of(&r);
    let m = StageMove::parse(
        input,
        &MoveContext {
            current,
            dates: &dates,
            first_appointment: reviewers
                .iter()
                .filter(|x| x.ended_on.is_none())
                .map(|x| x.appointed_on)
                .min(),
            notice_days: notice_days(&mut tx.conn(), p).await?,
            today,
        },
        cal,
    )?;
    let mut w = StageWrite::of(&r);
    w.stage = m.result.slug();
    let on = Some(m.on);
    match m.stage {
        Stage::TermsAgreed => w.terms_agreed_on = on,
        Stage::InformationGathering => w.information_gathering_on = on,
        Stage::Draft => w.first_draft_on = on,
        Stage::FinalApproved => w.final_approved_on = on,
        Stage::NoticeSent => {
            w.notice_sent_on = on;
            w.planned_publication_on = m.planned_publication_on;
        }
        Stage::Published => {
            w.published_on = on;
            w.published_url = &m.published_url;
        }
        Stage::NotPublished => {
            w.not_published_on = on;
            w.not_published_reasons = &m.not_published_reasons;
            w.improvements_statement = &m.improvements_statement;
        }
        Stage::ActionPlan => w.action_plan_on = on,
        Stage::Closed => w.closed_on = on,
        Stage::Commissioned | Stage::ReviewerAppointed | Stage::Engagement => {}
    }
    write_stage(tx, cal, p, id, &w, now).await?;
    let mut en = actor.entry(
        "practice_review.stage",
        "practice_review",
        Some(id.to_string()),
    );
    en.before = Some(json!({"stage": r.stage}).to_string());
    en.after = Some(
        json!({
            "stage": m.result.slug(),
            "recorded": m.stage.slug(),
            "on": m.on,
            "planned_publication_on": m.planned_publication_on,
            "published_url": m.published_url,
        })
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &en, now).await?;
    Ok(())
}

/// Appoints a reviewer (`ManageCaseReviews`); a review whose terms are agreed reaches "reviewer
/// appointed". Returns the reviewer's id.
pub async fn appoint_reviewer(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &ReviewerInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageCaseReviews)?;
    let now = svc.now();
    let today = uk_date(now);
    let cal = crate::calendar::load(svc).await?;
    let mut tx = svc.db.begin().await?;
    let r = load(&mut tx.conn(), actor, id, today).await?;
    let x = NewReviewer::parse(input, r.commissioned_on, today)?;
    let rid = appoint_in_tx(&mut tx, &cal, actor, &r, &x, now).await?;
    tx.commit().await?;
    Ok(rid)
}

/// Appoints a valid reviewer inside the caller's transaction (the demo uses it too).
pub(crate) async fn appoint_in_tx(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    r: &ReviewRow,
    x: &NewReviewer,
    now: DateTime<Utc>,
) -> ServiceResult<Uuid> {
    let p = actor.partnership_id;
    let rid = Uuid::new_v4();
    store::insert_reviewer(
        &mut tx.conn(),
        p,
        &ReviewerWrite {
            id: rid,
            review_id: r.review_id,
            name: &x.name,
            organisation: &x.organisation,
            role: x.role.slug(),
            independent: x.independent,
            appointed_on: x.appointed_on,
        },
        actor.person_id,
        now,
    )
    .await?;
    let current = stage_of(r);
    let next = stage_after_appointment(current);
    if next != current {
        let mut w = StageWrite::of(r);
        w.stage = next.slug();
        write_stage(tx, cal, p, r.review_id, &w, now).await?;
    }
    audit(
        tx,
        actor,
        "practice_review.reviewer.appoint",
        "practice_review",
        Some(r.review_id),
        Some(json!({
            "reviewer_id": rid,
            "role": x.role.slug(),
            "organisation": x.organisation,
            "independent": x.independent,
            "appointed_on": x.appointed_on,
            "stage": next.slug(),
        })),
        now,
    )
    .await?;
    Ok(rid)
}

/// Ends a reviewer's appointment (`ManageCaseReviews`).
pub async fn end_reviewer(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &EndReviewerInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    let now = svc.now();
    let today = uk_date(now);
    let mut tx = svc.db.begin().await?;
    load(&mut tx.conn(), actor, id, today).await?;
    let p = actor.partnership_id;
    let reviewers = store::reviewers(&mut tx.conn(), p, id).await?;
    let Some(x) = input
        .reviewer_id
        .trim()
        .parse::<Uuid>()
        .ok()
        .and_then(|rid| reviewers.iter().find(|x| x.reviewer_id == rid))
        .filter(|x| x.ended_on.is_none())
    else {
        return Err(ValidationErrors::single(
            "reviewer_id",
            "Select a reviewer in post on this review",
        )
        .into());
    };
    let ended = parse_end(input, x.appointed_on, today)?;
    if !store::end_reviewer(&mut tx.conn(), p, id, x.reviewer_id, ended).await? {
        return Err(ServiceError::NotFound);
    }
    audit(
        &mut tx,
        actor,
        "practice_review.reviewer.end",
        "practice_review",
        Some(id),
        Some(json!({"reviewer_id": x.reviewer_id, "ended_on": ended})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records a reg. 14 check of time and quality, or a written request to the reviewer
/// (`ManageCaseReviews`).
pub async fn record_check(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &safeguard_domain::practice_reviews::CheckInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    check_in_tx(&mut tx, actor, id, input, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Records a check inside the caller's transaction (the demo uses it too).
pub(crate) async fn check_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    id: Uuid,
    input: &safeguard_domain::practice_reviews::CheckInput,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let today = uk_date(now);
    let r = load(&mut tx.conn(), actor, id, today).await?;
    let c = NewCheck::parse(input, r.commissioned_on, today)?;
    let cid = Uuid::new_v4();
    store::insert_check(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        cid,
        (c.kind.slug(), c.checked_on, &c.note, c.answered_on),
        actor.person_id,
        now,
    )
    .await?;
    audit(
        tx,
        actor,
        "practice_review.check",
        "practice_review",
        Some(id),
        Some(json!({"check_id": cid, "kind": c.kind.slug(), "checked_on": c.checked_on, "answered_on": c.answered_on})),
        now,
    )
    .await
}

/// The reviewer's answer to a written request, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct AnswerInput {
    /// The written request (id).
    #[serde(default)]
    pub check_id: String,
    /// Date answered (YYYY-MM-DD).
    #[serde(default)]
    pub answered_on: String,
}

/// Records the reviewer's answer to a written request not yet answered (`ManageCaseReviews`).
pub async fn answer_check(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &AnswerInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    let now = svc.now();
    let today = uk_date(now);
    let mut tx = svc.db.begin().await?;
    load(&mut tx.conn(), actor, id, today).await?;
    let p = actor.partnership_id;
    let checks = store::checks(&mut tx.conn(), p, id).await?;
    let Some(c) = input
        .check_id
        .trim()
        .parse::<Uuid>()
        .ok()
        .and_then(|cid| checks.iter().find(|c| c.check_id == cid))
        .filter(|c| c.kind == CheckKind::WrittenRequest.slug() && c.answered_on.is_none())
    else {
        return Err(ValidationErrors::single(
            "check_id",
            "Select a written request on this review that has not been answered",
        )
        .into());
    };
    let mut e = ValidationErrors::new();
    let answered = safeguard_domain::case_reviews::optional_date(
        &mut e,
        "answered_on",
        &input.answered_on,
        "The date the reviewer answered",
        today,
    );
    match answered {
        None if e.is_empty() => e.add("answered_on", "Enter the date the reviewer answered"),
        Some(a) if a < c.checked_on => e.add(
            "answered_on",
            format!(
                "The date the reviewer answered must be the same as or after the date of the request ({})",
                long_date(c.checked_on)
            ),
        ),
        _ => {}
    }
    let (Some(answered), true) = (answered, e.is_empty()) else {
        return Err(e.into());
    };
    if !store::answer_check(&mut tx.conn(), p, id, c.check_id, answered).await? {
        return Err(ServiceError::NotFound);
    }
    audit(
        &mut tx,
        actor,
        "practice_review.check.answer",
        "practice_review",
        Some(id),
        Some(json!({"check_id": c.check_id, "answered_on": answered})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records family or practitioner engagement (`ManageCaseReviews`); a review at "draft" reaches
/// "engagement" with an engagement held on or after the first draft.
pub async fn record_engagement(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &EngagementInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    let now = svc.now();
    let today = uk_date(now);
    let cal = crate::calendar::load(svc).await?;
    let mut tx = svc.db.begin().await?;
    let r = load(&mut tx.conn(), actor, id, today).await?;
    let x = NewEngagement::parse(input, r.commissioned_on, today)?;
    engage_in_tx(&mut tx, &cal, actor, &r, &x, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Records a valid engagement inside the caller's transaction (the demo uses it too).
pub(crate) async fn engage_in_tx(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    r: &ReviewRow,
    x: &NewEngagement,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let p = actor.partnership_id;
    let eid = Uuid::new_v4();
    store::insert_engagement(
        &mut tx.conn(),
        p,
        r.review_id,
        eid,
        (x.with_whom.slug(), x.held_on, &x.note),
        actor.person_id,
        now,
    )
    .await?;
    let current = stage_of(r);
    let next = stage_after_engagement(current, &dates_of(r, &[], &[]), x.held_on);
    if next != current {
        let mut w = StageWrite::of(r);
        w.stage = next.slug();
        write_stage(tx, cal, p, r.review_id, &w, now).await?;
    }
    audit(
        tx,
        actor,
        "practice_review.engagement",
        "practice_review",
        Some(r.review_id),
        Some(json!({"engagement_id": eid, "with_whom": x.with_whom.slug(), "held_on": x.held_on, "stage": next.slug()})),
        now,
    )
    .await
}

/// A draft's document as uploaded.
#[derive(Debug, Clone, Copy)]
pub struct DraftDocument<'a> {
    /// The name the browser sent.
    pub name: &'a str,
    /// The content.
    pub bytes: &'a [u8],
}

/// Records a draft or the final report (`ManageCaseReviews`; with a document, `UploadFiles` too),
/// optionally with its document through the file store, attached to the review. A review at
/// "information gathering" reaches "draft". The document's row, the draft and their audit entries
/// commit together; a refused draft leaves no file.
pub async fn record_draft(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &DraftInput,
    document: Option<DraftDocument<'_>>,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    if document.is_some() {
        actor.require(Permission::UploadFiles)?;
    }
    let now = svc.now();
    let today = uk_date(now);
    // Validate before any byte is written.
    {
        let mut pc = svc.db.acquire().await?;
        let r = load(&mut pc.conn(), actor, id, today).await?;
        NewDraft::parse(input, stage_of(&r), &dates_of(&r, &[], &[]), today)?;
    }
    let prepared = match document {
        Some(d) => Some(
            crate::files::prepare(
                svc,
                actor,
                crate::files::UploadInput {
                    name: d.name,
                    bytes: d.bytes,
                    description: Some(input.label.trim()),
                    board_only: false,
                    attached_to: Some((SUBJECT, id)),
                },
            )
            .await?,
        ),
        None => None,
    };
    let result = draft_tx(svc, actor, id, input, prepared.as_ref(), now).await;
    if result.is_err()
        && let Some(p) = &prepared
    {
        crate::files::discard(svc, p).await;
    }
    result
}

async fn draft_tx(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &DraftInput,
    prepared: Option<&crate::files::Prepared>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let today = uk_date(now);
    let cal = crate::calendar::load(svc).await?;
    let mut tx = svc.db.begin().await?;
    let r = load(&mut tx.conn(), actor, id, today).await?;
    let x = NewDraft::parse(input, stage_of(&r), &dates_of(&r, &[], &[]), today)?;
    let file = match prepared {
        Some(p) => Some(
            crate::files::record_in_tx(&mut tx, actor, p, now)
                .await?
                .file_id,
        ),
        None => None,
    };
    draft_in_tx(&mut tx, &cal, actor, &r, &x, file, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Records a valid draft inside the caller's transaction (the demo uses it too).
pub(crate) async fn draft_in_tx(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    r: &ReviewRow,
    x: &NewDraft,
    file: Option<Uuid>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let p = actor.partnership_id;
    let did = Uuid::new_v4();
    store::insert_draft(
        &mut tx.conn(),
        p,
        r.review_id,
        did,
        (&x.label, x.received_on, x.is_final),
        file,
        actor.person_id,
        now,
    )
    .await?;
    let current = stage_of(r);
    let next = stage_after_draft(current);
    if next != current {
        let mut w = StageWrite::of(r);
        w.stage = next.slug();
        w.first_draft_on = Some(x.received_on);
        write_stage(tx, cal, p, r.review_id, &w, now).await?;
    }
    audit(
        tx,
        actor,
        "practice_review.draft",
        "practice_review",
        Some(r.review_id),
        Some(json!({"draft_id": did, "received_on": x.received_on, "is_final": x.is_final, "file_id": file, "stage": next.slug()})),
        now,
    )
    .await
}

/// Extends a review's clock to a later date with a reason (`ManageCaseReviews`), such as a delay for
/// criminal proceedings that the partners explain to the National Panel.
pub async fn extend(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &ExtensionInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    extend_in_tx(&mut tx, actor, id, input, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Extends a clock inside the caller's transaction (the demo uses it too).
pub(crate) async fn extend_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    id: Uuid,
    input: &ExtensionInput,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    load(&mut tx.conn(), actor, id, uk_date(now)).await?;
    let p = actor.partnership_id;
    let rows = case_store::deadlines(&mut tx.conn(), p, SUBJECT, id).await?;
    let Some(mut d) = rows
        .iter()
        .find(|r| r.rule == input.rule.trim() && r.met_on.is_none())
        .and_then(deadline_of)
    else {
        return Err(ValidationErrors::single(
            "rule",
            "Select a deadline of this review that has not been met",
        )
        .into());
    };
    let mut e = ValidationErrors::new();
    let Some(to) = crate::calendar::parse_field_date(
        &mut e,
        "extended_to",
        &input.extended_to,
        "the new due date",
    ) else {
        return Err(e.into());
    };
    d.extend(to, &input.extension_reason)?;
    let reason = d
        .extension
        .as_ref()
        .map(|(_, r)| r.clone())
        .unwrap_or_default();
    case_store::extend_deadline(
        &mut tx.conn(),
        p,
        SUBJECT,
        id,
        d.rule.slug(),
        (to, &reason),
        now,
    )
    .await?;
    audit(
        tx,
        actor,
        "practice_review.deadline.extend",
        "practice_review",
        Some(id),
        Some(json!({"rule": d.rule.slug(), "extended_to": to, "reason": reason})),
        now,
    )
    .await
}

/// The rules whose clocks a review may have.
pub fn rules() -> Vec<DeadlineRule> {
    DeadlineRule::for_subject(SUBJECT).collect()
}

/// A share as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct ShareInput {
    /// The consultant (person id).
    #[serde(default)]
    pub person_id: String,
}

/// The partnership's lived-experience consultants, to share with (`ManageCaseReviews`).
pub async fn consultants(svc: &Services, actor: &Actor) -> ServiceResult<Vec<ConsultantRow>> {
    actor.require(Permission::ManageCaseReviews)?;
    let mut pc = svc.db.acquire().await?;
    Ok(store::consultants(&mut pc.conn(), actor.partnership_id).await?)
}

/// Shares a review with a lived-experience consultant of the partnership (`ManageCaseReviews`).
pub async fn share(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &ShareInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    load(&mut tx.conn(), actor, id, uk_date(now)).await?;
    let person = consultant_of(&mut tx.conn(), actor, input).await?;
    share_in_tx(&mut tx, actor, id, person, now).await?;
    tx.commit().await?;
    Ok(())
}

async fn consultant_of(
    c: &mut Conn<'_>,
    actor: &Actor,
    input: &ShareInput,
) -> ServiceResult<PersonId> {
    let wanted = input.person_id.trim().parse::<Uuid>().ok();
    let all = store::consultants(c, actor.partnership_id).await?;
    wanted
        .filter(|w| all.iter().any(|x| x.person_id == *w))
        .map(PersonId)
        .ok_or_else(|| {
            ValidationErrors::single(
                "person_id",
                "Select a lived-experience consultant of this partnership",
            )
            .into()
        })
}

/// Shares inside the caller's transaction (the demo uses it too); refuses a live share.
pub(crate) async fn share_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    id: Uuid,
    person: PersonId,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if !store::share(
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
            "The review is already shared with this consultant",
        )
        .into());
    }
    audit(
        tx,
        actor,
        "practice_review.share",
        "practice_review",
        Some(id),
        Some(json!({"person_id": person})),
        now,
    )
    .await
}

/// Revokes a consultant's share (`ManageCaseReviews`); the share's row stays with the time.
pub async fn revoke(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &ShareInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    load(&mut tx.conn(), actor, id, uk_date(now)).await?;
    let person = input.person_id.trim().parse::<Uuid>().ok().map(PersonId);
    let revoked = match person {
        Some(x) => store::revoke_share(&mut tx.conn(), actor.partnership_id, id, x, now).await?,
        None => false,
    };
    let (Some(person), true) = (person, revoked) else {
        return Err(ValidationErrors::single(
            "person_id",
            "Select a consultant this review is shared with",
        )
        .into());
    };
    audit(
        &mut tx,
        actor,
        "practice_review.share.revoke",
        "practice_review",
        Some(id),
        Some(json!({"person_id": person})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The reviews shared with the caller and not revoked (`ViewSharedReviews`; audited view).
pub async fn shared_list(svc: &Services, actor: &Actor) -> ServiceResult<Vec<SharedReviewRow>> {
    actor.require(Permission::ViewSharedReviews)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let rows = store::shared_with(&mut tx.conn(), actor.partnership_id, actor.person_id).await?;
    audit(
        &mut tx,
        actor,
        "practice_review.shared.view",
        "shared_review_list",
        None,
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// One review shared with the caller (`ViewSharedReviews`; audited view), pseudonymised: `NotFound`
/// for a review not shared with them, revoked, or of another partnership.
pub async fn shared_get(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<SharedView> {
    actor.require(Permission::ViewSharedReviews)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let p = actor.partnership_id;
    let review = store::find_shared(&mut tx.conn(), p, actor.person_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let themes = store::review_themes(&mut tx.conn(), p, id).await?;
    let findings = store::review_findings(&mut tx.conn(), p, id).await?;
    let recommendations = store::review_recommendations(&mut tx.conn(), p, id).await?;
    audit(
        &mut tx,
        actor,
        "practice_review.shared.view",
        "practice_review",
        Some(id),
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(SharedView {
        kind: ReviewKind::parse(&review.kind),
        stage: Stage::parse(&review.stage),
        review,
        themes,
        findings,
        recommendations,
    })
}
