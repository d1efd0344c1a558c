//! The API of case review learning: the themes taxonomy, the themes across financial years, a
//! subject's learning (a notification's under `/api/v1/case-reviews/{id}/learning`, a practice
//! review's under `/api/v1/practice-reviews/{id}/learning`), its themes, findings and
//! recommendations, and `/api/v1/review-recommendations`: the stable resources the recommendations
//! tracker refers to by id. The same use cases and access rules as the pages: every read is
//! audit-logged.

use super::{Problem, bad};
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::review_learning::{
    FindingInput, RecommendationInput, SubjectType, ThemeInput, financial_year_label,
    financial_year_of,
};
use safeguard_service::review_learning::{Learning, RecommendationDetail, RecommendationRef};
use safeguard_service::{Actor, ServiceError};
use safeguard_store::review_learning::{AddresseeRow, FindingRow, ThemeRow};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// A theme of the taxonomy.
#[derive(Serialize, ToSchema)]
pub struct ThemeOut {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// What it covers.
    pub description: String,
    /// Retired: stays on the reviews that carry it, cannot be added to others.
    pub retired: bool,
}

fn theme_out(t: &ThemeRow) -> ThemeOut {
    ThemeOut {
        id: t.theme_id,
        name: t.name.clone(),
        description: t.description.clone(),
        retired: t.retired,
    }
}

/// The taxonomy.
#[derive(Serialize, ToSchema)]
pub struct ThemeList {
    /// Themes, current and retired, by name.
    pub items: Vec<ThemeOut>,
}

/// A theme to add.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThemeIn {
    /// Name (up to 100 characters), unique in the partnership ignoring case.
    #[schema(max_length = 100)]
    pub name: String,
    /// What it covers (up to 1,000 characters).
    #[schema(max_length = 1000)]
    pub description: Option<String>,
}

/// A theme's new name and description, and optionally its retired state.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThemeUpdateIn {
    /// Name (up to 100 characters), unique in the partnership ignoring case.
    #[schema(max_length = 100)]
    pub name: String,
    /// What it covers (up to 1,000 characters).
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    /// True to retire the theme, false to make it current again; absent leaves it as it is.
    pub retired: Option<bool>,
}

/// One financial year's counts of a theme.
#[derive(Serialize, ToSchema)]
pub struct YearCountOut {
    /// "2022-23".
    pub year: String,
    /// The calendar year it starts in (2022).
    pub start_year: i32,
    /// Notifications carrying the theme that started in the year.
    pub notifications: usize,
    /// Practice reviews carrying the theme commissioned in the year.
    pub practice_reviews: usize,
}

/// A theme's row of the across-years view.
#[derive(Serialize, ToSchema)]
pub struct AcrossYearsRowOut {
    /// The theme.
    pub theme: ThemeOut,
    /// One count per year of `years`.
    pub years: Vec<YearCountOut>,
    /// Notifications over every year.
    pub total_notifications: usize,
    /// Practice reviews over every year.
    pub total_practice_reviews: usize,
}

/// Themes by financial years (April to March).
#[derive(Serialize, ToSchema)]
pub struct AcrossYearsOut {
    /// Every financial year from the first to the last a themed review started in ("2019-20").
    pub years: Vec<String>,
    /// One row per theme, current ones first.
    pub rows: Vec<AcrossYearsRowOut>,
}

/// A theme on a review.
#[derive(Serialize, ToSchema)]
pub struct SubjectThemeOut {
    /// Theme id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Retired since it was added.
    pub retired: bool,
}

/// A finding.
#[derive(Serialize, ToSchema)]
pub struct FindingOut {
    /// Id.
    pub id: Uuid,
    /// notification or practice_review.
    pub subject_type: String,
    /// The notification or practice review.
    pub subject_id: Uuid,
    /// Number within the review, from 1.
    pub number: i32,
    /// Title.
    pub title: String,
    /// The finding.
    pub body: String,
    /// Send it back with an edit.
    pub version: i32,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

fn finding_out(f: &FindingRow) -> FindingOut {
    FindingOut {
        id: f.finding_id,
        subject_type: f.subject_type.clone(),
        subject_id: f.subject_id,
        number: f.number,
        title: f.title.clone(),
        body: f.body.clone(),
        version: f.version,
        updated_at: f.updated_at,
    }
}

/// An organisation a recommendation is addressed to.
#[derive(Serialize, ToSchema)]
pub struct AddresseeOut {
    /// Organisation id.
    pub organisation_id: Uuid,
    /// Its name.
    pub name: String,
}

fn addressees_out(rows: &[AddresseeRow]) -> Vec<AddresseeOut> {
    rows.iter()
        .map(|a| AddresseeOut {
            organisation_id: a.organisation_id,
            name: a.organisation_name.clone(),
        })
        .collect()
}

/// A review recommendation: the resource the recommendations tracker refers to by `id`.
#[derive(Serialize, ToSchema)]
pub struct RecommendationOut {
    /// Id: stable, never reused; the recommendation is never deleted.
    pub id: Uuid,
    /// notification or practice_review.
    pub subject_type: String,
    /// The notification or practice review.
    pub subject_id: Uuid,
    /// The review's reference ("CSPR 2022-01").
    pub subject_reference: String,
    /// Number within the review, from 1.
    pub number: i32,
    /// Title.
    pub title: String,
    /// The recommendation.
    pub body: String,
    /// The finding of the same review it follows from.
    pub finding_id: Option<Uuid>,
    /// The organisations it is addressed to.
    pub addressees: Vec<AddresseeOut>,
    /// Bumped by every edit (the tracker can tell the text changed); send it back with an edit.
    pub version: i32,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Its page.
    pub href: String,
}

/// The partnership's review recommendations.
#[derive(Serialize, ToSchema)]
pub struct RecommendationList {
    /// By review start date, reference and number.
    pub items: Vec<RecommendationOut>,
}

/// A review's learning.
#[derive(Serialize, ToSchema)]
pub struct LearningOut {
    /// notification or practice_review.
    pub subject_type: String,
    /// The notification or practice review.
    pub subject_id: Uuid,
    /// Its reference.
    pub reference: String,
    /// The day it started: aware (notification) or commissioned (practice review).
    pub started_on: NaiveDate,
    /// Its financial year ("2022-23").
    pub financial_year: String,
    /// The themes it carries.
    pub themes: Vec<SubjectThemeOut>,
    /// Findings, by number.
    pub findings: Vec<FindingOut>,
    /// Recommendations, by number.
    pub recommendations: Vec<RecommendationOut>,
}

fn href(id: Uuid) -> String {
    format!("/review-recommendations/{id}")
}

fn learning_out(v: Learning) -> LearningOut {
    let reference = v.subject.reference.clone();
    LearningOut {
        subject_type: v.kind.slug().to_owned(),
        subject_id: v.subject.subject_id,
        started_on: v.subject.started_on,
        financial_year: financial_year_label(financial_year_of(v.subject.started_on)),
        themes: v
            .themes
            .iter()
            .map(|t| SubjectThemeOut {
                id: t.theme_id,
                name: t.name.clone(),
                retired: t.retired,
            })
            .collect(),
        findings: v.findings.iter().map(finding_out).collect(),
        recommendations: v
            .recommendations
            .iter()
            .map(|x| {
                let r = &x.recommendation;
                RecommendationOut {
                    id: r.recommendation_id,
                    subject_type: r.subject_type.clone(),
                    subject_id: r.subject_id,
                    subject_reference: reference.clone(),
                    number: r.number,
                    title: r.title.clone(),
                    body: r.body.clone(),
                    finding_id: r.finding_id,
                    addressees: addressees_out(&x.addressees),
                    version: r.version,
                    updated_at: r.updated_at,
                    href: href(r.recommendation_id),
                }
            })
            .collect(),
        reference,
    }
}

fn detail_out(d: RecommendationDetail) -> RecommendationOut {
    let r = d.view.recommendation;
    RecommendationOut {
        id: r.recommendation_id,
        subject_type: r.subject_type,
        subject_id: r.subject_id,
        subject_reference: d.subject.reference,
        number: r.number,
        title: r.title,
        body: r.body,
        finding_id: r.finding_id,
        addressees: addressees_out(&d.view.addressees),
        version: r.version,
        updated_at: r.updated_at,
        href: href(r.recommendation_id),
    }
}

fn ref_out(x: RecommendationRef) -> RecommendationOut {
    let r = x.recommendation;
    RecommendationOut {
        id: r.recommendation_id,
        subject_type: r.subject_type,
        subject_id: r.subject_id,
        subject_reference: r.subject_reference,
        number: r.number,
        title: r.title,
        body: r.body,
        finding_id: r.finding_id,
        addressees: addressees_out(&x.addressees),
        version: r.version,
        updated_at: r.updated_at,
        href: href(r.recommendation_id),
    }
}

/// The themes a review carries: every theme id ticked (the others are taken off).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThemesIn {
    /// Theme ids of the partnership: current themes, or retired ones the review already carries.
    pub theme_ids: Vec<String>,
}

/// A finding to add.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingIn {
    /// Title (up to 200 characters).
    #[schema(max_length = 200)]
    pub title: String,
    /// The finding (up to 8,000 characters).
    #[schema(max_length = 8000)]
    pub body: String,
}

/// A finding's new text, against the version read.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingUpdateIn {
    /// Title (up to 200 characters).
    #[schema(max_length = 200)]
    pub title: String,
    /// The finding (up to 8,000 characters).
    #[schema(max_length = 8000)]
    pub body: String,
    /// The version read; a stale one is refused with 409.
    #[schema(minimum = 1)]
    pub version: i64,
}

/// A recommendation to add.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendationIn {
    /// Title (up to 200 characters).
    #[schema(max_length = 200)]
    pub title: String,
    /// The recommendation (up to 8,000 characters).
    #[schema(max_length = 8000)]
    pub body: String,
    /// A finding of the same review it follows from.
    pub finding_id: Option<String>,
    /// Organisations of the partnership it is addressed to (at least one).
    pub addressees: Vec<String>,
}

/// A recommendation's new content, against the version read.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendationUpdateIn {
    /// Title (up to 200 characters).
    #[schema(max_length = 200)]
    pub title: String,
    /// The recommendation (up to 8,000 characters).
    #[schema(max_length = 8000)]
    pub body: String,
    /// A finding of the same review it follows from; absent or null for none.
    pub finding_id: Option<String>,
    /// Organisations of the partnership it is addressed to (at least one).
    pub addressees: Vec<String>,
    /// The version read; a stale one is refused with 409.
    #[schema(minimum = 1)]
    pub version: i64,
}

fn path_id(p: Result<Path<String>, PathRejection>) -> Result<Uuid, ApiError> {
    let Path(s) = p.map_err(bad)?;
    s.parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))
}

/// The partnership's themes, current and retired.
#[utoipa::path(get, path = "/api/v1/case-review-themes", tag = "case review learning", security(("bearer" = [])),
    responses((status = 200, body = ThemeList), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_themes(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<ThemeList>, ApiError> {
    let rows = safeguard_service::review_learning::themes(&s.svc, &actor).await?;
    Ok(Json(ThemeList {
        items: rows.iter().map(theme_out).collect(),
    }))
}

/// Adds a theme (administrators).
#[utoipa::path(post, path = "/api/v1/case-review-themes", tag = "case review learning", request_body = ThemeIn, security(("bearer" = [])),
    responses((status = 201, body = ThemeOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_theme(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<ThemeIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(bad)?;
    let input = ThemeInput {
        name: b.name,
        description: b.description.unwrap_or_default(),
    };
    let id = safeguard_service::review_learning::create_theme(&s.svc, &actor, &input).await?;
    let t = safeguard_service::review_learning::theme(&s.svc, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(theme_out(&t))).into_response())
}

/// Renames or describes a theme, and retires or reinstates it (administrators).
#[utoipa::path(put, path = "/api/v1/case-review-themes/{id}", tag = "case review learning", params(("id" = String, Path, description = "Theme id")), request_body = ThemeUpdateIn, security(("bearer" = [])),
    responses((status = 200, body = ThemeOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_theme(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<ThemeUpdateIn>, JsonRejection>,
) -> Result<Json<ThemeOut>, ApiError> {
    let id = path_id(p)?;
    // Access first: someone who may not see the theme learns nothing from the body's errors.
    safeguard_service::review_learning::theme(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = ThemeInput {
        name: b.name,
        description: b.description.unwrap_or_default(),
    };
    safeguard_service::review_learning::update_theme(&s.svc, &actor, id, &input, b.retired).await?;
    let t = safeguard_service::review_learning::theme(&s.svc, &actor, id).await?;
    Ok(Json(theme_out(&t)))
}

/// Themes by financial years: how many notifications and practice reviews carrying each theme
/// started in each year (audited).
#[utoipa::path(get, path = "/api/v1/case-review-themes/across-years", tag = "case review learning", security(("bearer" = [])),
    responses((status = 200, body = AcrossYearsOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn across_years(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<AcrossYearsOut>, ApiError> {
    let v = safeguard_service::review_learning::across_years(&s.svc, &actor).await?;
    Ok(Json(AcrossYearsOut {
        years: v.years.iter().map(|y| financial_year_label(*y)).collect(),
        rows: v
            .rows
            .iter()
            .map(|r| AcrossYearsRowOut {
                theme: theme_out(&r.theme),
                years: v
                    .years
                    .iter()
                    .zip(&r.cells)
                    .map(|(y, c)| YearCountOut {
                        year: financial_year_label(*y),
                        start_year: *y,
                        notifications: c.notifications,
                        practice_reviews: c.practice_reviews,
                    })
                    .collect(),
                total_notifications: r.total.notifications,
                total_practice_reviews: r.total.practice_reviews,
            })
            .collect(),
    }))
}

async fn get_learning(
    s: &AppState,
    actor: &Actor,
    kind: SubjectType,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<LearningOut>, ApiError> {
    let id = path_id(p)?;
    Ok(Json(learning_out(
        safeguard_service::review_learning::learning(&s.svc, actor, kind, id).await?,
    )))
}

/// A notification's themes, findings and recommendations (audited).
#[utoipa::path(get, path = "/api/v1/case-reviews/{id}/learning", tag = "case review learning", params(("id" = String, Path, description = "Notification id")), security(("bearer" = [])),
    responses((status = 200, body = LearningOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn notification_learning(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<LearningOut>, ApiError> {
    get_learning(&s, &actor, SubjectType::Notification, p).await
}

/// A practice review's themes, findings and recommendations (audited).
#[utoipa::path(get, path = "/api/v1/practice-reviews/{id}/learning", tag = "case review learning", params(("id" = String, Path, description = "Practice review id")), security(("bearer" = [])),
    responses((status = 200, body = LearningOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn practice_review_learning(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<LearningOut>, ApiError> {
    get_learning(&s, &actor, SubjectType::PracticeReview, p).await
}

async fn put_themes(
    s: &AppState,
    actor: &Actor,
    kind: SubjectType,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<ThemesIn>, JsonRejection>,
) -> Result<Json<LearningOut>, ApiError> {
    let id = path_id(p)?;
    // Access first: someone who may not see the review learns nothing from the body's errors.
    safeguard_service::review_learning::check_subject(&s.svc, actor, kind, id).await?;
    let Json(b) = body.map_err(bad)?;
    safeguard_service::review_learning::set_themes(&s.svc, actor, kind, id, &b.theme_ids).await?;
    Ok(Json(learning_out(
        safeguard_service::review_learning::learning(&s.svc, actor, kind, id).await?,
    )))
}

/// Sets the themes a notification carries.
#[utoipa::path(put, path = "/api/v1/case-reviews/{id}/learning/themes", tag = "case review learning", params(("id" = String, Path, description = "Notification id")), request_body = ThemesIn, security(("bearer" = [])),
    responses((status = 200, body = LearningOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn notification_themes(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<ThemesIn>, JsonRejection>,
) -> Result<Json<LearningOut>, ApiError> {
    put_themes(&s, &actor, SubjectType::Notification, p, body).await
}

/// Sets the themes a practice review carries.
#[utoipa::path(put, path = "/api/v1/practice-reviews/{id}/learning/themes", tag = "case review learning", params(("id" = String, Path, description = "Practice review id")), request_body = ThemesIn, security(("bearer" = [])),
    responses((status = 200, body = LearningOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn practice_review_themes(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<ThemesIn>, JsonRejection>,
) -> Result<Json<LearningOut>, ApiError> {
    put_themes(&s, &actor, SubjectType::PracticeReview, p, body).await
}

async fn post_finding(
    s: &AppState,
    actor: &Actor,
    kind: SubjectType,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<FindingIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = path_id(p)?;
    // Access first: someone who may not see the review learns nothing from the body's errors.
    safeguard_service::review_learning::check_subject(&s.svc, actor, kind, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = FindingInput {
        title: b.title,
        body: b.body,
        version: String::new(),
    };
    let fid =
        safeguard_service::review_learning::add_finding(&s.svc, actor, kind, id, &input).await?;
    let v = safeguard_service::review_learning::finding(&s.svc, actor, fid).await?;
    Ok((StatusCode::CREATED, Json(finding_out(&v.finding))).into_response())
}

/// Adds a finding to a notification, numbered next.
#[utoipa::path(post, path = "/api/v1/case-reviews/{id}/learning/findings", tag = "case review learning", params(("id" = String, Path, description = "Notification id")), request_body = FindingIn, security(("bearer" = [])),
    responses((status = 201, body = FindingOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn notification_add_finding(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<FindingIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    post_finding(&s, &actor, SubjectType::Notification, p, body).await
}

/// Adds a finding to a practice review, numbered next.
#[utoipa::path(post, path = "/api/v1/practice-reviews/{id}/learning/findings", tag = "case review learning", params(("id" = String, Path, description = "Practice review id")), request_body = FindingIn, security(("bearer" = [])),
    responses((status = 201, body = FindingOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn practice_review_add_finding(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<FindingIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    post_finding(&s, &actor, SubjectType::PracticeReview, p, body).await
}

/// Changes a finding's title and body against the version read (409 when stale).
#[utoipa::path(put, path = "/api/v1/review-findings/{id}", tag = "case review learning", params(("id" = String, Path, description = "Finding id")), request_body = FindingUpdateIn, security(("bearer" = [])),
    responses((status = 200, body = FindingOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_finding(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<FindingUpdateIn>, JsonRejection>,
) -> Result<Json<FindingOut>, ApiError> {
    let id = path_id(p)?;
    // Access first: someone who may not see the finding learns nothing from the body's errors.
    safeguard_service::review_learning::check_finding(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = FindingInput {
        title: b.title,
        body: b.body,
        version: b.version.to_string(),
    };
    safeguard_service::review_learning::update_finding(&s.svc, &actor, id, &input).await?;
    let v = safeguard_service::review_learning::finding(&s.svc, &actor, id).await?;
    Ok(Json(finding_out(&v.finding)))
}

async fn post_recommendation(
    s: &AppState,
    actor: &Actor,
    kind: SubjectType,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<RecommendationIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = path_id(p)?;
    // Access first: someone who may not see the review learns nothing from the body's errors.
    safeguard_service::review_learning::check_subject(&s.svc, actor, kind, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = RecommendationInput {
        title: b.title,
        body: b.body,
        finding_id: b.finding_id.unwrap_or_default(),
        addressees: b.addressees,
        version: String::new(),
    };
    let rid =
        safeguard_service::review_learning::add_recommendation(&s.svc, actor, kind, id, &input)
            .await?;
    let d = safeguard_service::review_learning::recommendation(&s.svc, actor, rid).await?;
    Ok((StatusCode::CREATED, Json(detail_out(d))).into_response())
}

/// Adds a recommendation to a notification, numbered next, with its addressees.
#[utoipa::path(post, path = "/api/v1/case-reviews/{id}/learning/recommendations", tag = "case review learning", params(("id" = String, Path, description = "Notification id")), request_body = RecommendationIn, security(("bearer" = [])),
    responses((status = 201, body = RecommendationOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn notification_add_recommendation(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<RecommendationIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    post_recommendation(&s, &actor, SubjectType::Notification, p, body).await
}

/// Adds a recommendation to a practice review, numbered next, with its addressees.
#[utoipa::path(post, path = "/api/v1/practice-reviews/{id}/learning/recommendations", tag = "case review learning", params(("id" = String, Path, description = "Practice review id")), request_body = RecommendationIn, security(("bearer" = [])),
    responses((status = 201, body = RecommendationOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn practice_review_add_recommendation(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<RecommendationIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    post_recommendation(&s, &actor, SubjectType::PracticeReview, p, body).await
}

/// Every review recommendation of the partnership with its review's reference: what the
/// recommendations tracker picks from and links to (audited).
#[utoipa::path(get, path = "/api/v1/review-recommendations", tag = "case review learning", security(("bearer" = [])),
    responses((status = 200, body = RecommendationList), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_recommendations(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<RecommendationList>, ApiError> {
    let rows =
        safeguard_service::review_learning::partnership_recommendations(&s.svc, &actor).await?;
    Ok(Json(RecommendationList {
        items: rows.into_iter().map(ref_out).collect(),
    }))
}

/// One review recommendation: the stable resource the recommendations tracker refers to (audited).
#[utoipa::path(get, path = "/api/v1/review-recommendations/{id}", tag = "case review learning", params(("id" = String, Path, description = "Recommendation id")), security(("bearer" = [])),
    responses((status = 200, body = RecommendationOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_recommendation(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<RecommendationOut>, ApiError> {
    let id = path_id(p)?;
    Ok(Json(detail_out(
        safeguard_service::review_learning::recommendation(&s.svc, &actor, id).await?,
    )))
}

/// Changes a recommendation's finding, title, body and addressees against the version read (409 when
/// stale).
#[utoipa::path(put, path = "/api/v1/review-recommendations/{id}", tag = "case review learning", params(("id" = String, Path, description = "Recommendation id")), request_body = RecommendationUpdateIn, security(("bearer" = [])),
    responses((status = 200, body = RecommendationOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_recommendation(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<RecommendationUpdateIn>, JsonRejection>,
) -> Result<Json<RecommendationOut>, ApiError> {
    let id = path_id(p)?;
    // Access first: someone who may not see the recommendation learns nothing from the body's errors.
    safeguard_service::review_learning::check_recommendation(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = RecommendationInput {
        title: b.title,
        body: b.body,
        finding_id: b.finding_id.unwrap_or_default(),
        addressees: b.addressees,
        version: b.version.to_string(),
    };
    safeguard_service::review_learning::update_recommendation(&s.svc, &actor, id, &input).await?;
    Ok(Json(detail_out(
        safeguard_service::review_learning::recommendation(&s.svc, &actor, id).await?,
    )))
}

/// The case review learning part of the API document (merged into [`super::ApiDoc`]).
#[derive(OpenApi)]
#[openapi(
    paths(
        list_themes,
        create_theme,
        update_theme,
        across_years,
        notification_learning,
        practice_review_learning,
        notification_themes,
        practice_review_themes,
        notification_add_finding,
        practice_review_add_finding,
        update_finding,
        notification_add_recommendation,
        practice_review_add_recommendation,
        list_recommendations,
        get_recommendation,
        update_recommendation
    ),
    components(schemas(
        ThemeOut,
        ThemeList,
        ThemeIn,
        ThemeUpdateIn,
        YearCountOut,
        AcrossYearsRowOut,
        AcrossYearsOut,
        SubjectThemeOut,
        FindingOut,
        AddresseeOut,
        RecommendationOut,
        RecommendationList,
        LearningOut,
        ThemesIn,
        FindingIn,
        FindingUpdateIn,
        RecommendationIn,
        RecommendationUpdateIn
    ))
)]
pub struct ReviewLearningApi;
