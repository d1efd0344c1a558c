//! The performance framework in the JSON API: the indicator catalogue (list, add, one indicator with
//! its computed figures and benchmarks), the dashboard, and sending a data return. The same use
//! cases and access rules as the pages. A return with any row problem answers 422 with one error per
//! problem (`rows[N].column`, or `file` for the whole return) and nothing is saved.

use super::{Problem, bad};
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use safeguard_domain::ValidationErrors;
use safeguard_domain::performance::IndicatorInput;
use safeguard_domain::validation::FieldError;
use safeguard_service::performance::{self as svc, IndicatorView, Point, ReturnBody, ReturnKey};
use safeguard_service::{Actor, ServiceError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

/// An indicator of the catalogue.
#[derive(Serialize, ToSchema)]
pub struct IndicatorOut {
    /// Id.
    pub id: Uuid,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Definition.
    pub definition: String,
    /// What is counted.
    pub numerator: String,
    /// What it is divided by.
    pub denominator: String,
    /// count, percentage or rate_per_10000.
    pub unit: String,
    /// month, quarter or year.
    pub frequency: String,
    /// snapshot or in_year.
    pub measure: String,
    /// higher_is_better, lower_is_better or neutral.
    pub polarity: String,
    /// Decimal places of its figures (rounded half away from zero).
    pub decimals: i32,
    /// Target, as a decimal string.
    pub target: Option<String>,
    /// Tolerance for amber, as a decimal string.
    pub tolerance: String,
    /// The supplying agency.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// Source.
    pub source: String,
    /// Version.
    pub version: i64,
}

fn indicator_out(v: &IndicatorView) -> IndicatorOut {
    let i = &v.indicator;
    IndicatorOut {
        id: i.indicator_id,
        code: i.code.clone(),
        name: i.name.clone(),
        definition: i.definition.clone(),
        numerator: i.numerator.clone(),
        denominator: i.denominator.clone(),
        unit: i.unit.clone(),
        frequency: i.frequency.clone(),
        measure: i.measure.clone(),
        polarity: i.polarity.clone(),
        decimals: i.decimals,
        target: v.target.map(|t| t.to_string()),
        tolerance: v.tolerance.to_string(),
        organisation_id: i.organisation_id,
        organisation_name: i.organisation_name.clone(),
        source: i.source.clone(),
        version: i.version,
    }
}

/// A computed figure for one period.
#[derive(Serialize, ToSchema)]
pub struct PointOut {
    /// First day of the period.
    pub period_start: NaiveDate,
    /// "At 31 March 2022", "March 2023".
    pub label: String,
    /// The figure, as a decimal string (commas as thousands separators).
    pub value: String,
    /// The count.
    pub numerator: i64,
    /// A percentage's denominator or a rate's population.
    pub denominator: Option<i64>,
    /// A rate's population estimate: its mid-year.
    pub population_year: Option<i32>,
    /// green, amber, red or not_rated.
    pub rag: String,
    /// England's value for the period.
    pub england: Option<String>,
    /// The publication England's value came from.
    pub england_publication: Option<String>,
    /// improving, worsening, up, down or no_change (against the previous period).
    pub trend: Option<String>,
    /// The return's revision.
    pub revision: i32,
    /// submitted, checked or approved.
    pub state: String,
}

fn slug<T: Serialize>(t: &T) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn point_out(p: &Point) -> PointOut {
    PointOut {
        period_start: p.period_start,
        label: p.label.clone(),
        value: p.value.to_string(),
        numerator: p.numerator,
        denominator: p.denominator,
        population_year: p.population_year,
        rag: slug(&p.rag),
        england: p.england.as_ref().map(|b| b.value.to_string()),
        england_publication: p.england.as_ref().map(|b| b.publication.clone()),
        trend: p.trend.map(|t| slug(&t)),
        revision: p.revision,
        state: p.state.slug().to_owned(),
    }
}

/// An indicator with its figures, oldest first.
#[derive(Serialize, ToSchema)]
pub struct IndicatorDetailOut {
    /// The indicator.
    pub indicator: IndicatorOut,
    /// Its figures.
    pub points: Vec<PointOut>,
}

/// A dashboard line.
#[derive(Serialize, ToSchema)]
pub struct DashboardRowOut {
    /// The indicator.
    pub indicator: IndicatorOut,
    /// Its latest figure (on or before `as_at`).
    pub latest: Option<PointOut>,
}

/// A new indicator (the catalogue form's fields, as text).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorIn {
    /// Up to 20 letters, digits, hyphens and underscores; unique in the partnership.
    pub code: String,
    /// Name.
    pub name: String,
    /// Definition.
    pub definition: String,
    /// What is counted.
    pub numerator: String,
    /// What it is divided by (empty for a count).
    pub denominator: Option<String>,
    /// count, percentage or rate_per_10000.
    pub unit: String,
    /// month, quarter or year.
    pub frequency: String,
    /// snapshot or in_year.
    pub measure: String,
    /// higher_is_better, lower_is_better or neutral.
    pub polarity: String,
    /// 0 to 3.
    pub decimals: u8,
    /// Target, a decimal string.
    pub target: Option<String>,
    /// Tolerance, a decimal string.
    pub tolerance: Option<String>,
    /// The supplying agency (an organisation of the partnership).
    pub organisation_id: String,
    /// Source.
    pub source: String,
}

/// The dashboard's date.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// Only periods ending on or before this date (YYYY-MM-DD); the latest by default.
    pub as_at: Option<NaiveDate>,
}

/// One value of a return.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnValueIn {
    /// The indicator's code.
    pub indicator_code: String,
    /// The count (a whole number, 0 or more).
    pub numerator: String,
    /// A percentage's denominator (empty otherwise).
    pub denominator: Option<String>,
}

/// A return: one value per indicator the agency supplies at that frequency.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnIn {
    /// The agency.
    pub organisation_id: String,
    /// month, quarter or year.
    pub frequency: String,
    /// First day of the period (YYYY-MM-DD).
    pub period_start: String,
    /// The values.
    pub values: Vec<ReturnValueIn>,
}

/// A return received.
#[derive(Serialize, ToSchema)]
pub struct ReturnOut {
    /// Id of the new revision.
    pub id: Uuid,
}

/// The catalogue.
#[utoipa::path(get, path = "/api/v1/performance/indicators", tag = "performance", security(("bearer" = [])),
    responses((status = 200, body = Vec<IndicatorOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_indicators(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<Vec<IndicatorOut>>, ApiError> {
    Ok(Json(
        svc::indicators(&s.svc, &actor)
            .await?
            .iter()
            .map(indicator_out)
            .collect(),
    ))
}

/// Adds an indicator to the catalogue.
#[utoipa::path(post, path = "/api/v1/performance/indicators", tag = "performance", request_body = IndicatorIn, security(("bearer" = [])),
    responses((status = 201, body = IndicatorOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_indicator(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<IndicatorIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(bad)?;
    let input = IndicatorInput {
        code: b.code,
        name: b.name,
        definition: b.definition,
        numerator: b.numerator,
        denominator: b.denominator.unwrap_or_default(),
        unit: b.unit,
        frequency: b.frequency,
        measure: b.measure,
        polarity: b.polarity,
        decimals: b.decimals.to_string(),
        target: b.target.unwrap_or_default(),
        tolerance: b.tolerance.unwrap_or_default(),
        organisation_id: b.organisation_id,
        source: b.source,
    };
    let id = svc::create_indicator(&s.svc, &actor, &input).await?;
    let d = svc::indicator(&s.svc, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(indicator_out(&d.view))).into_response())
}

/// One indicator with its computed figures.
#[utoipa::path(get, path = "/api/v1/performance/indicators/{id}", tag = "performance", params(("id" = String, Path, description = "Indicator id")), security(("bearer" = [])),
    responses((status = 200, body = IndicatorDetailOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_indicator(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<IndicatorDetailOut>, ApiError> {
    let Path(id) = p.map_err(bad)?;
    let id: Uuid = id
        .parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))?;
    let d = svc::indicator(&s.svc, &actor, id).await?;
    Ok(Json(IndicatorDetailOut {
        indicator: indicator_out(&d.view),
        points: d.points.iter().map(point_out).collect(),
    }))
}

/// The dashboard: every indicator's latest figure.
#[utoipa::path(get, path = "/api/v1/performance/dashboard", tag = "performance", params(DashboardQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<DashboardRowOut>), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn dashboard(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<DashboardQuery>, QueryRejection>,
) -> Result<Json<Vec<DashboardRowOut>>, ApiError> {
    let Query(q) = q.map_err(bad)?;
    let rows = svc::dashboard(&s.svc, &actor, q.as_at).await?;
    Ok(Json(
        rows.iter()
            .map(|r| DashboardRowOut {
                indicator: indicator_out(&r.view),
                latest: r.latest.as_ref().map(point_out),
            })
            .collect(),
    ))
}

/// Sends a data return (accepted whole or not at all).
#[utoipa::path(post, path = "/api/v1/performance/returns", tag = "performance", request_body = ReturnIn, security(("bearer" = [])),
    responses((status = 201, body = ReturnOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn submit_return(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<ReturnIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(bad)?;
    let key = ReturnKey {
        organisation_id: b.organisation_id,
        frequency: b.frequency,
        period_start: b.period_start,
    };
    let values = b
        .values
        .into_iter()
        .map(|v| {
            (
                v.indicator_code,
                v.numerator,
                v.denominator.unwrap_or_default(),
            )
        })
        .collect();
    match svc::submit_return(&s.svc, &actor, &key, &ReturnBody::Form(values)).await? {
        Ok(id) => Ok((StatusCode::CREATED, Json(ReturnOut { id })).into_response()),
        Err(rows) => Err(ApiError(AppError::Service(ServiceError::Invalid(
            ValidationErrors(
                rows.iter()
                    .map(|r| FieldError {
                        // row 2 is values[0]
                        field: match (r.row.checked_sub(2), r.column.as_str()) {
                            (Some(i), "") => format!("values[{i}]"),
                            (Some(i), c) => format!("values[{i}].{c}"),
                            (None, _) => "values".to_owned(),
                        },
                        message: r.reason.clone(),
                    })
                    .collect(),
            ),
        )))),
    }
}

/// The performance part of the API document (merged into [`super::ApiDoc`]).
#[derive(OpenApi)]
#[openapi(
    paths(
        list_indicators,
        create_indicator,
        get_indicator,
        dashboard,
        submit_return
    ),
    components(schemas(
        IndicatorOut,
        PointOut,
        IndicatorDetailOut,
        DashboardRowOut,
        IndicatorIn,
        ReturnValueIn,
        ReturnIn,
        ReturnOut
    ))
)]
pub struct PerformanceApi;
