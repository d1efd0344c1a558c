//! The funding API: the partnership's financial years, adding one, one year with its contributions,
//! spend lines and summary, setting a contribution, equal shares and adding spending. Money is whole
//! pence in responses; amounts in requests are text such as "£12,345.67" or "12345.67".

use super::{Problem, bad};
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::FundingYearId;
use safeguard_domain::funding::{
    ContributionInput, FinancialYear, FundingYearEditInput, NewFundingYearInput, RemoveSpendInput,
    SpendInput,
};
use safeguard_service::funding::YearView;
use safeguard_service::{Actor, ServiceError};
use safeguard_store::funding::{FundingYear, SpendRow};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// A financial year.
#[derive(Serialize, ToSchema)]
pub struct FundingYearOut {
    /// Id.
    pub id: Uuid,
    /// The calendar year it starts in (2022 for April 2022 to March 2023).
    pub start_year: i32,
    /// "2022/23".
    pub label: String,
    /// Budget in pence.
    pub budget_pence: i64,
    /// Notes.
    pub notes: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Version of the budget and notes: send it back with a change (a stale one answers 409).
    pub version: i64,
}

fn out(y: FundingYear) -> FundingYearOut {
    FundingYearOut {
        id: y.funding_year_id,
        start_year: y.start_year,
        label: FinancialYear(y.start_year).label(),
        budget_pence: y.budget_pence,
        notes: y.notes,
        created_at: y.created_at,
        updated_at: y.updated_at,
        version: y.version,
    }
}

/// An organisation's contribution and its share of all contributions.
#[derive(Serialize, ToSchema)]
pub struct ContributionOut {
    /// Organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// Pence.
    pub amount_pence: i64,
    /// Share of all contributions, such as "33.3%".
    pub share: String,
}

/// A spend line.
#[derive(Serialize, ToSchema)]
pub struct SpendOut {
    /// Id.
    pub id: Uuid,
    /// Date.
    pub spent_on: NaiveDate,
    /// staffing, independent_scrutiny, training, case_reviews or other.
    pub category: String,
    /// What it was for.
    pub description: String,
    /// Pence.
    pub amount_pence: i64,
    /// Supplier (may be empty).
    pub supplier: String,
    /// The financial year it belongs to.
    pub funding_year_id: Uuid,
    /// Version: send it back with a correction or removal (a stale one answers 409).
    pub version: i64,
    /// When it was removed (a removed line is kept and left out of the totals), else null.
    pub removed_at: Option<DateTime<Utc>>,
    /// Why it was removed, else null.
    pub removed_reason: Option<String>,
}

fn spend_out(l: SpendRow) -> SpendOut {
    SpendOut {
        id: l.funding_spend_id,
        spent_on: l.spent_on,
        category: l.category,
        description: l.description,
        amount_pence: l.amount_pence,
        supplier: l.supplier,
        funding_year_id: l.funding_year_id,
        version: l.version,
        removed_at: l.removed_at,
        removed_reason: l.removed_reason,
    }
}

/// Spending in one category.
#[derive(Serialize, ToSchema)]
pub struct CategoryOut {
    /// Category slug.
    pub category: String,
    /// Pence.
    pub spent_pence: i64,
}

/// The year's summary.
#[derive(Serialize, ToSchema)]
pub struct FundingSummaryOut {
    /// Budget.
    pub budget_pence: i64,
    /// All contributions.
    pub contributions_pence: i64,
    /// True when the contributions do not add up to the budget.
    pub contributions_differ: bool,
    /// All spending.
    pub spent_pence: i64,
    /// Budget less spending (negative when overspent).
    pub remaining_pence: i64,
    /// Spending per category.
    pub by_category: Vec<CategoryOut>,
}

/// A year with its contributions, spend lines and summary.
#[derive(Serialize, ToSchema)]
pub struct FundingYearDetail {
    /// The year.
    pub year: FundingYearOut,
    /// Contributions.
    pub contributions: Vec<ContributionOut>,
    /// Spend lines by date (removed lines left out).
    pub spend: Vec<SpendOut>,
    /// Removed spend lines, most recently removed first (not in the totals).
    pub removed_spend: Vec<SpendOut>,
    /// Summary.
    pub summary: FundingSummaryOut,
}

fn detail(v: YearView) -> FundingYearDetail {
    FundingYearDetail {
        contributions: v
            .summary
            .shares
            .iter()
            .map(|s| ContributionOut {
                organisation_id: s.organisation_id,
                organisation_name: s.organisation_name.clone(),
                amount_pence: s.amount_pence,
                share: s.percent.clone(),
            })
            .collect(),
        spend: v.spend.into_iter().map(spend_out).collect(),
        removed_spend: v.removed.into_iter().map(spend_out).collect(),
        summary: FundingSummaryOut {
            budget_pence: v.summary.budget_pence,
            contributions_pence: v.summary.contributions_pence,
            contributions_differ: v.summary.contributions_differ,
            spent_pence: v.summary.spent_pence,
            remaining_pence: v.summary.remaining_pence,
            by_category: v
                .summary
                .by_category
                .iter()
                .map(|(c, p)| CategoryOut {
                    category: c.slug().to_owned(),
                    spent_pence: *p,
                })
                .collect(),
        },
        year: out(v.year),
    }
}

/// A new financial year.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFundingYearIn {
    /// The year it starts, such as "2022" (or "2022/23").
    pub start_year: String,
    /// The budget, such as "£150,000.00".
    pub budget: String,
    /// Notes (up to 2,000 characters).
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
}

/// One organisation's contribution.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContributionIn {
    /// An organisation of the partnership.
    pub organisation_id: String,
    /// The amount, such as "£50,000.00" ("0" removes it).
    pub amount: String,
}

/// A spend line.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpendIn {
    /// Date within the financial year, YYYY-MM-DD.
    pub spent_on: String,
    /// staffing, independent_scrutiny, training, case_reviews or other.
    pub category: String,
    /// What it was for (up to 200 characters).
    #[schema(max_length = 200)]
    pub description: String,
    /// The amount, more than £0, such as "£1,250.00".
    pub amount: String,
    /// Supplier (up to 200 characters).
    #[schema(max_length = 200)]
    pub supplier: Option<String>,
}

fn year_id(p: Result<Path<String>, PathRejection>) -> Result<FundingYearId, ApiError> {
    let Path(s) = p.map_err(bad)?;
    s.parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))
}

/// The partnership's financial years, newest first.
#[utoipa::path(get, path = "/api/v1/funding-years", tag = "funding", security(("bearer" = [])),
    responses((status = 200, body = Vec<FundingYearOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_funding_years(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<Vec<FundingYearOut>>, ApiError> {
    let rows = safeguard_service::funding::list(&s.svc, &actor).await?;
    Ok(Json(rows.into_iter().map(out).collect()))
}

/// Adds a financial year.
#[utoipa::path(post, path = "/api/v1/funding-years", tag = "funding", request_body = NewFundingYearIn, security(("bearer" = [])),
    responses((status = 201, body = FundingYearDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_funding_year(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<NewFundingYearIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(bad)?;
    let input = NewFundingYearInput {
        start_year: b.start_year,
        budget: b.budget,
        notes: b.notes.unwrap_or_default(),
    };
    let id = safeguard_service::funding::create(&s.svc, &actor, &input).await?;
    let v = safeguard_service::funding::get(&s.svc, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(detail(v))).into_response())
}

/// One financial year with its contributions, spend lines and summary.
#[utoipa::path(get, path = "/api/v1/funding-years/{id}", tag = "funding", params(("id" = String, Path, description = "Financial year id")), security(("bearer" = [])),
    responses((status = 200, body = FundingYearDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_funding_year(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<FundingYearDetail>, ApiError> {
    let id = year_id(p)?;
    let v = safeguard_service::funding::get(&s.svc, &actor, id).await?;
    Ok(Json(detail(v)))
}

/// Sets one organisation's contribution ("0" removes it).
#[utoipa::path(post, path = "/api/v1/funding-years/{id}/contributions", tag = "funding", params(("id" = String, Path, description = "Financial year id")), request_body = ContributionIn, security(("bearer" = [])),
    responses((status = 200, body = FundingYearDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_funding_contribution(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<ContributionIn>, JsonRejection>,
) -> Result<Json<FundingYearDetail>, ApiError> {
    let id = year_id(p)?;
    safeguard_service::funding::get(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = ContributionInput {
        organisation_id: b.organisation_id,
        amount: b.amount,
    };
    safeguard_service::funding::set_contribution(&s.svc, &actor, id, &input).await?;
    let v = safeguard_service::funding::get(&s.svc, &actor, id).await?;
    Ok(Json(detail(v)))
}

/// Replaces the contributions with equal shares of the budget among the three lead partners (the
/// shares add up to the budget exactly).
#[utoipa::path(post, path = "/api/v1/funding-years/{id}/equal-shares", tag = "funding", params(("id" = String, Path, description = "Financial year id")), security(("bearer" = [])),
    responses((status = 200, body = FundingYearDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_funding_equal_shares(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<FundingYearDetail>, ApiError> {
    let id = year_id(p)?;
    safeguard_service::funding::set_equal_shares(&s.svc, &actor, id).await?;
    let v = safeguard_service::funding::get(&s.svc, &actor, id).await?;
    Ok(Json(detail(v)))
}

/// Adds a spend line (its date must fall within the financial year).
#[utoipa::path(post, path = "/api/v1/funding-years/{id}/spend", tag = "funding", params(("id" = String, Path, description = "Financial year id")), request_body = SpendIn, security(("bearer" = [])),
    responses((status = 201, body = FundingYearDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_funding_spend(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<SpendIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = year_id(p)?;
    safeguard_service::funding::get(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = SpendInput {
        spent_on: b.spent_on,
        category: b.category,
        description: b.description,
        amount: b.amount,
        supplier: b.supplier.unwrap_or_default(),
    };
    safeguard_service::funding::add_spend(&s.svc, &actor, id, &input).await?;
    let v = safeguard_service::funding::get(&s.svc, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(detail(v))).into_response())
}

/// A change to a year's budget and notes.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FundingYearUpdateIn {
    /// The total budget, such as "£150,000.00".
    pub budget: String,
    /// Notes (up to 2,000 characters; absent or empty clears them).
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
    /// The version read (from `GET`); a stale version answers 409.
    pub version: i64,
}

/// A correction of a spend line: every field, and the version read.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpendUpdateIn {
    /// Date within the line's financial year, YYYY-MM-DD.
    pub spent_on: String,
    /// staffing, independent_scrutiny, training, case_reviews or other.
    pub category: String,
    /// What it was for (up to 200 characters).
    #[schema(max_length = 200)]
    pub description: String,
    /// The amount, more than £0, such as "£1,250.00".
    pub amount: String,
    /// Supplier (up to 200 characters).
    #[schema(max_length = 200)]
    pub supplier: Option<String>,
    /// The version read (from `GET`); a stale version answers 409.
    pub version: i64,
}

/// Removing a spend line entered by mistake.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpendRemoveIn {
    /// Why it is removed (up to 500 characters).
    #[schema(max_length = 500)]
    pub reason: String,
    /// The version read (from `GET`); a stale version answers 409.
    pub version: i64,
}

fn spend_id(p: Result<Path<String>, PathRejection>) -> Result<Uuid, ApiError> {
    let Path(s) = p.map_err(bad)?;
    s.parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))
}

/// Changes a year's budget and notes (contributions are not changed), against the version read; 409
/// when someone else changed them since (nothing is changed).
#[utoipa::path(put, path = "/api/v1/funding-years/{id}", tag = "funding", params(("id" = String, Path, description = "Financial year id")), request_body = FundingYearUpdateIn, security(("bearer" = [])),
    responses((status = 200, body = FundingYearDetail), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_funding_year(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<FundingYearUpdateIn>, JsonRejection>,
) -> Result<Json<FundingYearDetail>, ApiError> {
    let id = year_id(p)?;
    safeguard_service::funding::get(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = FundingYearEditInput {
        budget: b.budget,
        notes: b.notes.unwrap_or_default(),
        version: b.version.to_string(),
    };
    safeguard_service::funding::update_year(&s.svc, &actor, id, &input).await?;
    let v = safeguard_service::funding::get(&s.svc, &actor, id).await?;
    Ok(Json(detail(v)))
}

/// One spend line (removed or not).
#[utoipa::path(get, path = "/api/v1/funding-spend/{id}", tag = "funding", params(("id" = String, Path, description = "Spend line id")), security(("bearer" = [])),
    responses((status = 200, body = SpendOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_funding_spend(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<SpendOut>, ApiError> {
    let id = spend_id(p)?;
    let v = safeguard_service::funding::get_spend(&s.svc, &actor, id).await?;
    Ok(Json(spend_out(v.line)))
}

/// Corrects a spend line against the version read; 409 when someone else changed or removed it since
/// (nothing is changed: read it again and reapply).
#[utoipa::path(put, path = "/api/v1/funding-spend/{id}", tag = "funding", params(("id" = String, Path, description = "Spend line id")), request_body = SpendUpdateIn, security(("bearer" = [])),
    responses((status = 200, body = SpendOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_funding_spend(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<SpendUpdateIn>, JsonRejection>,
) -> Result<Json<SpendOut>, ApiError> {
    let id = spend_id(p)?;
    // Access first: someone who may not see the line learns nothing about the body.
    safeguard_service::funding::get_spend(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = SpendInput {
        spent_on: b.spent_on,
        category: b.category,
        description: b.description,
        amount: b.amount,
        supplier: b.supplier.unwrap_or_default(),
    };
    safeguard_service::funding::update_spend(&s.svc, &actor, id, &input, &b.version.to_string())
        .await?;
    let v = safeguard_service::funding::get_spend(&s.svc, &actor, id).await?;
    Ok(Json(spend_out(v.line)))
}

/// Removes a spend line entered by mistake: it is kept, marked removed with who, when and why, and
/// left out of the totals. 409 when the version is stale or the line is already removed.
#[utoipa::path(post, path = "/api/v1/funding-spend/{id}/remove", tag = "funding", params(("id" = String, Path, description = "Spend line id")), request_body = SpendRemoveIn, security(("bearer" = [])),
    responses((status = 200, body = SpendOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn remove_funding_spend(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Json<SpendRemoveIn>, JsonRejection>,
) -> Result<Json<SpendOut>, ApiError> {
    let id = spend_id(p)?;
    safeguard_service::funding::get_spend(&s.svc, &actor, id).await?;
    let Json(b) = body.map_err(bad)?;
    let input = RemoveSpendInput {
        reason: b.reason,
        version: b.version.to_string(),
    };
    safeguard_service::funding::remove_spend(&s.svc, &actor, id, &input).await?;
    let v = safeguard_service::funding::get_spend(&s.svc, &actor, id).await?;
    Ok(Json(spend_out(v.line)))
}

/// The funding part of the API document (merged into [`super::ApiDoc`]).
#[derive(OpenApi)]
#[openapi(
    paths(
        list_funding_years,
        create_funding_year,
        get_funding_year,
        set_funding_contribution,
        set_funding_equal_shares,
        add_funding_spend,
        update_funding_year,
        get_funding_spend,
        update_funding_spend,
        remove_funding_spend
    ),
    components(schemas(
        FundingYearOut,
        ContributionOut,
        SpendOut,
        CategoryOut,
        FundingSummaryOut,
        FundingYearDetail,
        NewFundingYearIn,
        ContributionIn,
        SpendIn,
        FundingYearUpdateIn,
        SpendUpdateIn,
        SpendRemoveIn
    ))
)]
pub struct FundingApi;
