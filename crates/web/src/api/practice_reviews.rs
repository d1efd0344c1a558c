//! The practice reviews API: the list, commissioning, a review with its stages, people, checks,
//! engagement, drafts and clocks, and every change the pages make (details with a version, stages,
//! reviewers, checks and answers, engagement, drafts without a document (documents are uploaded on the
//! review's page), extensions, sharing); and the consultants' pseudonymised view of the reviews shared
//! with them. The same use cases and access rules as the pages: every read is audit-logged.

use super::{Problem, bad};
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::practice_reviews::{
    CheckInput, DetailsInput, DraftInput, EndReviewerInput, EngagementInput, ReviewInput,
    ReviewerInput, StageInput,
};
use safeguard_service::case_reviews::ExtensionInput;
use safeguard_service::practice_reviews::{
    self as svc, AnswerInput, ReviewSummary, ReviewView, ShareInput, SharedView,
};
use safeguard_service::{Actor, ServiceError};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use super::case_reviews::{DeadlineOut, deadline_out};

/// A review in a list.
#[derive(Serialize, ToSchema)]
pub struct PracticeReviewRow {
    /// Id.
    pub id: Uuid,
    /// Reference.
    pub reference: String,
    /// local or thematic.
    pub kind: String,
    /// Title (pseudonymised).
    pub title: String,
    /// Stage slug.
    pub stage: String,
    /// Stage as people say it.
    pub stage_label: String,
    /// The decision to initiate.
    pub commissioned_on: NaiveDate,
    /// Clocks not yet met, soonest first, with working days remaining.
    pub open_deadlines: Vec<DeadlineOut>,
}

/// A row of a list or the dashboard.
pub fn row_out(s: &ReviewSummary) -> PracticeReviewRow {
    PracticeReviewRow {
        id: s.review.review_id,
        reference: s.review.reference.clone(),
        kind: s.kind.slug().to_owned(),
        title: s.review.title.clone(),
        stage: s.stage.slug().to_owned(),
        stage_label: s.stage.label().to_owned(),
        commissioned_on: s.review.commissioned_on,
        open_deadlines: s.open_deadlines.iter().map(deadline_out).collect(),
    }
}

/// The practice reviews.
#[derive(Serialize, ToSchema)]
pub struct PracticeReviewList {
    /// Reviews, most recently commissioned first.
    pub items: Vec<PracticeReviewRow>,
    /// Today in England.
    pub today: NaiveDate,
}

/// A stage with its date.
#[derive(Serialize, ToSchema)]
pub struct StageOut {
    /// Stage slug.
    pub stage: String,
    /// As people say it.
    pub label: String,
    /// Date reached (null when not reached or passed over).
    pub on: Option<NaiveDate>,
}

/// A notification covered.
#[derive(Serialize, ToSchema)]
pub struct CoveredOut {
    /// Notification id.
    pub notification_id: Uuid,
    /// Its reference.
    pub reference: String,
    /// Date the local authority became aware.
    pub aware_on: NaiveDate,
}

/// A reviewer.
#[derive(Serialize, ToSchema)]
pub struct ReviewerOut {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Organisation.
    pub organisation: String,
    /// lead_reviewer, reviewer or panel_chair.
    pub role: String,
    /// Independent.
    pub independent: bool,
    /// Appointed.
    pub appointed_on: NaiveDate,
    /// Ended.
    pub ended_on: Option<NaiveDate>,
}

/// A reg. 14 check or written request.
#[derive(Serialize, ToSchema)]
pub struct CheckOut {
    /// Id.
    pub id: Uuid,
    /// time_quality or written_request.
    pub kind: String,
    /// Date.
    pub checked_on: NaiveDate,
    /// Note.
    pub note: String,
    /// Answered (written requests).
    pub answered_on: Option<NaiveDate>,
}

/// An engagement.
#[derive(Serialize, ToSchema)]
pub struct EngagementOut {
    /// Id.
    pub id: Uuid,
    /// family, child, practitioners or agency_leads.
    pub with_whom: String,
    /// Date.
    pub held_on: NaiveDate,
    /// Note.
    pub note: String,
}

/// A draft.
#[derive(Serialize, ToSchema)]
pub struct DraftOut {
    /// Id.
    pub id: Uuid,
    /// Label.
    pub label: String,
    /// Received.
    pub received_on: NaiveDate,
    /// The final report.
    pub is_final: bool,
    /// Its document (download with `GET /api/v1/files/{id}`, under the case review access rule).
    pub file_id: Option<Uuid>,
}

/// A share with a consultant (administrators only).
#[derive(Serialize, ToSchema)]
pub struct ShareOut {
    /// Person.
    pub person_id: Uuid,
    /// Name.
    pub name: String,
    /// Shared.
    pub shared_at: DateTime<Utc>,
    /// Revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A practice review.
#[derive(Serialize, ToSchema)]
pub struct PracticeReviewDetail {
    /// Id.
    pub id: Uuid,
    /// Reference.
    pub reference: String,
    /// local or thematic.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Terms of reference.
    pub terms_of_reference: String,
    /// The decision to initiate.
    pub commissioned_on: NaiveDate,
    /// Stage slug.
    pub stage: String,
    /// The timeline: every stage on the review's path with its date.
    pub stages: Vec<StageOut>,
    /// Planned publication.
    pub planned_publication_on: Option<NaiveDate>,
    /// The published report's https address ("" until published).
    pub published_url: String,
    /// Why not published.
    pub not_published_reasons: String,
    /// The improvements statement published instead.
    pub improvements_statement: String,
    /// Notifications covered.
    pub notifications: Vec<CoveredOut>,
    /// Reviewers.
    pub reviewers: Vec<ReviewerOut>,
    /// Checks.
    pub checks: Vec<CheckOut>,
    /// Engagement.
    pub engagements: Vec<EngagementOut>,
    /// Drafts.
    pub drafts: Vec<DraftOut>,
    /// Clocks.
    pub deadlines: Vec<DeadlineOut>,
    /// Shares (administrators only; empty for others).
    pub shares: Vec<ShareOut>,
    /// The partnership's pre-publication lead time in working days.
    pub notice_working_days: u32,
    /// The version to send with a change of details.
    pub version: i64,
}

fn detail(v: ReviewView) -> PracticeReviewDetail {
    let stages = v
        .dates
        .timeline(v.stage)
        .into_iter()
        .map(|(s, on)| StageOut {
            stage: s.slug().to_owned(),
            label: s.label().to_owned(),
            on,
        })
        .collect();
    let x = v.review;
    PracticeReviewDetail {
        id: x.review_id,
        reference: x.reference,
        kind: v.kind.slug().to_owned(),
        title: x.title,
        summary: x.summary,
        terms_of_reference: x.terms_of_reference,
        commissioned_on: x.commissioned_on,
        stage: v.stage.slug().to_owned(),
        stages,
        planned_publication_on: x.planned_publication_on,
        published_url: x.published_url,
        not_published_reasons: x.not_published_reasons,
        improvements_statement: x.improvements_statement,
        notifications: v
            .cases
            .into_iter()
            .map(|c| CoveredOut {
                notification_id: c.notification_id,
                reference: c.reference,
                aware_on: c.aware_on,
            })
            .collect(),
        reviewers: v
            .reviewers
            .into_iter()
            .map(|r| ReviewerOut {
                id: r.reviewer_id,
                name: r.name,
                organisation: r.organisation,
                role: r.role,
                independent: r.independent,
                appointed_on: r.appointed_on,
                ended_on: r.ended_on,
            })
            .collect(),
        checks: v
            .checks
            .into_iter()
            .map(|c| CheckOut {
                id: c.check_id,
                kind: c.kind,
                checked_on: c.checked_on,
                note: c.note,
                answered_on: c.answered_on,
            })
            .collect(),
        engagements: v
            .engagements
            .into_iter()
            .map(|e| EngagementOut {
                id: e.engagement_id,
                with_whom: e.with_whom,
                held_on: e.held_on,
                note: e.note,
            })
            .collect(),
        drafts: v
            .drafts
            .into_iter()
            .map(|d| DraftOut {
                id: d.draft_id,
                label: d.label,
                received_on: d.received_on,
                is_final: d.is_final,
                file_id: d.file_name.and(d.file_id),
            })
            .collect(),
        deadlines: v.deadlines.iter().map(deadline_out).collect(),
        shares: v
            .shares
            .into_iter()
            .map(|s| ShareOut {
                person_id: s.person_id,
                name: s.name,
                shared_at: s.shared_at,
                revoked_at: s.revoked_at,
            })
            .collect(),
        notice_working_days: v.notice_days,
        version: x.version,
    }
}

/// A review to commission.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeReviewIn {
    /// local or thematic.
    pub kind: String,
    /// Reference, unique in the partnership (up to 40 characters).
    #[schema(max_length = 40)]
    pub reference: String,
    /// Title without names (up to 200 characters).
    #[schema(max_length = 200)]
    pub title: String,
    /// Summary without names.
    #[schema(max_length = 20000)]
    pub summary: String,
    /// Date the partners decided to commission it, YYYY-MM-DD (not in the future, not before the date
    /// the local authority became aware of a covered incident).
    pub commissioned_on: String,
    /// Terms of reference.
    #[schema(max_length = 20000)]
    pub terms_of_reference: Option<String>,
    /// Notifications covered: at most one for a local review (whose rapid review decided on a local
    /// CSPR), two or more for a thematic one.
    pub notification_ids: Option<Vec<String>>,
}

/// A change of details.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeReviewDetailsIn {
    /// Reference.
    #[schema(max_length = 40)]
    pub reference: String,
    /// Title.
    #[schema(max_length = 200)]
    pub title: String,
    /// Summary.
    #[schema(max_length = 20000)]
    pub summary: String,
    /// Commissioned, YYYY-MM-DD.
    pub commissioned_on: String,
    /// Terms of reference.
    #[schema(max_length = 20000)]
    pub terms_of_reference: Option<String>,
    /// The version read (409 when someone changed the review since).
    pub version: i64,
}

/// A stage reached.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageIn {
    /// terms_agreed, information_gathering, draft, final_approved, notice_sent, published,
    /// not_published, action_plan or closed.
    pub stage: String,
    /// Date reached, YYYY-MM-DD.
    pub stage_on: String,
    /// With notice_sent: the planned publication date.
    pub planned_publication_on: Option<String>,
    /// With published: the report's https address.
    pub published_url: Option<String>,
    /// With not_published: the reasons.
    pub not_published_reasons: Option<String>,
    /// With not_published: the improvements to be made, published instead.
    pub improvements_statement: Option<String>,
}

/// A reviewer to appoint.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewerIn {
    /// Name.
    #[schema(max_length = 200)]
    pub name: String,
    /// Organisation.
    #[schema(max_length = 200)]
    pub organisation: String,
    /// lead_reviewer, reviewer or panel_chair.
    pub role: String,
    /// Independent of the partnership's agencies.
    pub independent: Option<bool>,
    /// Date appointed, YYYY-MM-DD.
    pub appointed_on: String,
}

/// Ending an appointment.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndReviewerIn {
    /// The reviewer.
    pub reviewer_id: String,
    /// Date ended, YYYY-MM-DD.
    pub ended_on: String,
}

/// A reg. 14 check or written request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckIn {
    /// time_quality or written_request.
    pub kind: String,
    /// Date, YYYY-MM-DD.
    pub checked_on: String,
    /// What was checked or asked for.
    #[schema(max_length = 4000)]
    pub note: String,
    /// Written requests: when the reviewer answered.
    pub answered_on: Option<String>,
}

/// The answer to a written request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerIn {
    /// The written request.
    pub check_id: String,
    /// Date answered, YYYY-MM-DD.
    pub answered_on: String,
}

/// An engagement.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EngagementIn {
    /// family, child, practitioners or agency_leads.
    pub with_whom: String,
    /// Date, YYYY-MM-DD.
    pub held_on: String,
    /// Note without names.
    #[schema(max_length = 4000)]
    pub note: String,
}

/// A draft (its document, if any, is uploaded on the review's page).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftIn {
    /// Label.
    #[schema(max_length = 200)]
    pub label: String,
    /// Date received, YYYY-MM-DD.
    pub received_on: String,
    /// The final report.
    pub is_final: Option<bool>,
}

/// An extension of a clock.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewExtensionIn {
    /// cspr_complete or pre_publication_notice.
    pub rule: String,
    /// New due date, YYYY-MM-DD.
    pub extended_to: String,
    /// Why (required).
    #[schema(max_length = 2000)]
    pub extension_reason: String,
}

/// A consultant to share with (or revoke).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareIn {
    /// The lived-experience consultant's person id.
    pub person_id: String,
}

/// A review shared with the caller.
#[derive(Serialize, ToSchema)]
pub struct SharedReviewOut {
    /// Id.
    pub id: Uuid,
    /// Reference.
    pub reference: String,
    /// Title (pseudonymised).
    pub title: String,
    /// local or thematic.
    pub kind: String,
    /// Stage slug.
    pub stage: String,
    /// Summary.
    pub summary: String,
    /// Published.
    pub published_on: Option<NaiveDate>,
    /// The published report's address ("" until published).
    pub published_url: String,
}

/// A finding or recommendation.
#[derive(Serialize, ToSchema)]
pub struct LearningOut {
    /// Number.
    pub number: i64,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
}

/// The reviews shared with the caller.
#[derive(Serialize, ToSchema)]
pub struct SharedReviewList {
    /// Reviews, by reference.
    pub items: Vec<SharedReviewOut>,
}

/// A review shared with the caller, pseudonymised.
#[derive(Serialize, ToSchema)]
pub struct SharedReviewDetail {
    /// The review.
    pub review: SharedReviewOut,
    /// Its themes.
    pub themes: Vec<String>,
    /// Its findings.
    pub findings: Vec<LearningOut>,
    /// Its recommendations.
    pub recommendations: Vec<LearningOut>,
}

fn shared_out(x: safeguard_store::practice_reviews::SharedReviewRow) -> SharedReviewOut {
    SharedReviewOut {
        id: x.review_id,
        reference: x.reference,
        title: x.title,
        kind: x.kind,
        stage: x.stage,
        summary: x.summary,
        published_on: x.published_on,
        published_url: x.published_url,
    }
}

fn learning(v: Vec<safeguard_store::practice_reviews::LearningRow>) -> Vec<LearningOut> {
    v.into_iter()
        .map(|l| LearningOut {
            number: l.number,
            title: l.title,
            body: l.body,
        })
        .collect()
}

fn review_id(p: Result<Path<String>, PathRejection>) -> Result<Uuid, ApiError> {
    let Path(s) = p.map_err(bad)?;
    s.parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))
}

async fn fresh(
    s: &AppState,
    actor: &Actor,
    id: Uuid,
) -> Result<Json<PracticeReviewDetail>, ApiError> {
    Ok(Json(detail(svc::get(&s.svc, actor, id).await?)))
}

/// Every practice review with its stage and open clocks (audited).
#[utoipa::path(get, path = "/api/v1/practice-reviews", tag = "practice reviews", security(("bearer" = [])),
    responses((status = 200, body = PracticeReviewList), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_practice_reviews(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<PracticeReviewList>, ApiError> {
    let (rows, today) = svc::list(&s.svc, &actor).await?;
    Ok(Json(PracticeReviewList {
        items: rows.iter().map(row_out).collect(),
        today,
    }))
}

/// Commissions a practice review and starts its 6-month clock.
#[utoipa::path(post, path = "/api/v1/practice-reviews", tag = "practice reviews", request_body = PracticeReviewIn, security(("bearer" = [])),
    responses((status = 201, body = PracticeReviewDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_practice_review(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<PracticeReviewIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(bad)?;
    let input = ReviewInput {
        kind: b.kind,
        reference: b.reference,
        title: b.title,
        summary: b.summary,
        commissioned_on: b.commissioned_on,
        terms_of_reference: b.terms_of_reference.unwrap_or_default(),
        notification_ids: b.notification_ids.unwrap_or_default(),
    };
    let id = svc::create(&s.svc, &actor, &input).await?;
    let Json(d) = fresh(&s, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

/// One practice review with its timeline, people, checks, engagement, drafts and clocks (audited).
#[utoipa::path(get, path = "/api/v1/practice-reviews/{id}", tag = "practice reviews", params(("id" = String, Path, description = "Practice review id")), security(("bearer" = [])),
    responses((status = 200, body = PracticeReviewDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_practice_review(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<PracticeReviewDetail>, ApiError> {
    let id = review_id(p)?;
    fresh(&s, &actor, id).await
}

macro_rules! change {
    ($(#[$doc:meta])* $name:ident, $method:ident, $path:literal, $in:ty, |$s:ident, $actor:ident, $id:ident, $b:ident| $call:expr) => {
        $(#[$doc])*
        #[utoipa::path($method, path = $path, tag = "practice reviews", params(("id" = String, Path, description = "Practice review id")), request_body = $in, security(("bearer" = [])),
            responses((status = 200, body = PracticeReviewDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
        pub async fn $name(
            State($s): State<AppState>,
            Extension($actor): Extension<Actor>,
            p: Result<Path<String>, PathRejection>,
            body: Result<Json<$in>, JsonRejection>,
        ) -> Result<Json<PracticeReviewDetail>, ApiError> {
            let $id = review_id(p)?;
            // Access first: someone who may not see the review learns nothing from the body's errors.
            svc::check_visible(&$s.svc, &$actor, $id).await?;
            let Json($b) = body.map_err(bad)?;
            $call.await?;
            fresh(&$s, &$actor, $id).await
        }
    };
}

change!(
    /// Changes the details against the version read (409 when stale); the clock follows the
    /// commissioning date.
    update_practice_review, put, "/api/v1/practice-reviews/{id}", PracticeReviewDetailsIn,
    |s, actor, id, b| svc::update_details(&s.svc, &actor, id, &DetailsInput {
        reference: b.reference,
        title: b.title,
        summary: b.summary,
        commissioned_on: b.commissioned_on,
        terms_of_reference: b.terms_of_reference.unwrap_or_default(),
        version: b.version.to_string(),
    })
);

change!(
    /// Records the stage reached with its date: moves only forward, one step at a time; publication
    /// needs final approval, the notice, and the lead time after it.
    record_practice_review_stage, post, "/api/v1/practice-reviews/{id}/stages", StageIn,
    |s, actor, id, b| svc::record_stage(&s.svc, &actor, id, &StageInput {
        stage: b.stage,
        stage_on: b.stage_on,
        planned_publication_on: b.planned_publication_on.unwrap_or_default(),
        published_url: b.published_url.unwrap_or_default(),
        not_published_reasons: b.not_published_reasons.unwrap_or_default(),
        improvements_statement: b.improvements_statement.unwrap_or_default(),
    })
);

change!(
    /// Appoints a reviewer.
    appoint_practice_reviewer, post, "/api/v1/practice-reviews/{id}/reviewers", ReviewerIn,
    |s, actor, id, b| svc::appoint_reviewer(&s.svc, &actor, id, &ReviewerInput {
        name: b.name,
        organisation: b.organisation,
        role: b.role,
        independent: if b.independent.unwrap_or(false) { "yes".to_owned() } else { String::new() },
        appointed_on: b.appointed_on,
    })
);

change!(
    /// Ends a reviewer's appointment.
    end_practice_reviewer, post, "/api/v1/practice-reviews/{id}/reviewers/end", EndReviewerIn,
    |s, actor, id, b| svc::end_reviewer(&s.svc, &actor, id, &EndReviewerInput {
        reviewer_id: b.reviewer_id,
        ended_on: b.ended_on,
    })
);

change!(
    /// Records a reg. 14 check of time and quality or a written request to the reviewer.
    record_practice_review_check, post, "/api/v1/practice-reviews/{id}/checks", CheckIn,
    |s, actor, id, b| svc::record_check(&s.svc, &actor, id, &CheckInput {
        kind: b.kind,
        checked_on: b.checked_on,
        note: b.note,
        answered_on: b.answered_on.unwrap_or_default(),
    })
);

change!(
    /// Records the reviewer's answer to a written request.
    answer_practice_review_check, post, "/api/v1/practice-reviews/{id}/checks/answer", AnswerIn,
    |s, actor, id, b| svc::answer_check(&s.svc, &actor, id, &AnswerInput {
        check_id: b.check_id,
        answered_on: b.answered_on,
    })
);

change!(
    /// Records family or practitioner engagement.
    record_practice_review_engagement, post, "/api/v1/practice-reviews/{id}/engagements", EngagementIn,
    |s, actor, id, b| svc::record_engagement(&s.svc, &actor, id, &EngagementInput {
        with_whom: b.with_whom,
        held_on: b.held_on,
        note: b.note,
    })
);

change!(
    /// Records a draft or the final report (without a document: upload it on the review's page).
    record_practice_review_draft, post, "/api/v1/practice-reviews/{id}/drafts", DraftIn,
    |s, actor, id, b| svc::record_draft(&s.svc, &actor, id, &DraftInput {
        label: b.label,
        received_on: b.received_on,
        is_final: if b.is_final.unwrap_or(false) { "yes".to_owned() } else { String::new() },
    }, None)
);

change!(
    /// Extends a clock of the review with a reason.
    extend_practice_review_deadline, post, "/api/v1/practice-reviews/{id}/extend", ReviewExtensionIn,
    |s, actor, id, b| svc::extend(&s.svc, &actor, id, &ExtensionInput {
        rule: b.rule,
        extended_to: b.extended_to,
        extension_reason: b.extension_reason,
    })
);

change!(
    /// Shares the review with a lived-experience consultant of the partnership.
    share_practice_review, post, "/api/v1/practice-reviews/{id}/shares", ShareIn,
    |s, actor, id, b| svc::share(&s.svc, &actor, id, &ShareInput { person_id: b.person_id })
);

change!(
    /// Revokes a consultant's share.
    revoke_practice_review_share, post, "/api/v1/practice-reviews/{id}/shares/revoke", ShareIn,
    |s, actor, id, b| svc::revoke(&s.svc, &actor, id, &ShareInput { person_id: b.person_id })
);

/// The reviews shared with the caller, a lived-experience consultant (audited).
#[utoipa::path(get, path = "/api/v1/shared-reviews", tag = "practice reviews", security(("bearer" = [])),
    responses((status = 200, body = SharedReviewList), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_shared_reviews(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<SharedReviewList>, ApiError> {
    let rows = svc::shared_list(&s.svc, &actor).await?;
    Ok(Json(SharedReviewList {
        items: rows.into_iter().map(shared_out).collect(),
    }))
}

/// One review shared with the caller, pseudonymised, with its themes, findings and recommendations
/// (audited); 404 unless shared with them and not revoked.
#[utoipa::path(get, path = "/api/v1/shared-reviews/{id}", tag = "practice reviews", params(("id" = String, Path, description = "Practice review id")), security(("bearer" = [])),
    responses((status = 200, body = SharedReviewDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_shared_review(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<SharedReviewDetail>, ApiError> {
    let id = review_id(p)?;
    let v: SharedView = svc::shared_get(&s.svc, &actor, id).await?;
    Ok(Json(SharedReviewDetail {
        review: shared_out(v.review),
        themes: v.themes,
        findings: learning(v.findings),
        recommendations: learning(v.recommendations),
    }))
}

/// The practice reviews part of the API document (merged into [`super::ApiDoc`]).
#[derive(OpenApi)]
#[openapi(
    paths(
        list_practice_reviews,
        create_practice_review,
        get_practice_review,
        update_practice_review,
        record_practice_review_stage,
        appoint_practice_reviewer,
        end_practice_reviewer,
        record_practice_review_check,
        answer_practice_review_check,
        record_practice_review_engagement,
        record_practice_review_draft,
        extend_practice_review_deadline,
        share_practice_review,
        revoke_practice_review_share,
        list_shared_reviews,
        get_shared_review
    ),
    components(schemas(
        PracticeReviewRow,
        PracticeReviewList,
        StageOut,
        CoveredOut,
        ReviewerOut,
        CheckOut,
        EngagementOut,
        DraftOut,
        ShareOut,
        PracticeReviewDetail,
        PracticeReviewIn,
        PracticeReviewDetailsIn,
        StageIn,
        ReviewerIn,
        EndReviewerIn,
        CheckIn,
        AnswerIn,
        EngagementIn,
        DraftIn,
        ReviewExtensionIn,
        ShareIn,
        SharedReviewOut,
        LearningOut,
        SharedReviewList,
        SharedReviewDetail
    ))
)]
pub struct PracticeReviewsApi;
