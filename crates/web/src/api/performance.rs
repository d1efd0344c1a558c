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
use safeguard_domain::performance::{FigureBasis, IndicatorInput, PlaceFigureInput};
use safeguard_domain::validation::FieldError;
use safeguard_service::performance::{
    self as svc, IndicatorView, Point, PopulationInput, ReturnBody, ReturnKey,
};
use safeguard_service::{Actor, ServiceError};
use safeguard_store::performance::{PlaceFigure, Population, Return};
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
    /// The region's value for the period.
    pub region: Option<String>,
    /// The publication the region's value came from.
    pub region_publication: Option<String>,
    /// The statistical neighbours' value for the period.
    pub statistical_neighbours: Option<String>,
    /// The publication the statistical neighbours' value came from.
    pub statistical_neighbours_publication: Option<String>,
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
        region: p.region.as_ref().map(|b| b.value.to_string()),
        region_publication: p.region.as_ref().map(|b| b.publication.clone()),
        statistical_neighbours: p.neighbours.as_ref().map(|b| b.value.to_string()),
        statistical_neighbours_publication: p.neighbours.as_ref().map(|b| b.publication.clone()),
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
    /// `latest` (default: the latest revision of each return, whatever its state) or `approved`
    /// (approved revisions only: a revision sent but not yet approved is left out).
    pub figures: Option<String>,
}

/// Which returns the figures come from.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// `latest` (default) or `approved` (approved revisions only).
    pub figures: Option<String>,
}

fn basis_of(figures: Option<&str>) -> Result<FigureBasis, ApiError> {
    FigureBasis::from_slug(figures.unwrap_or_default()).ok_or_else(|| {
        ApiError(AppError::Service(ServiceError::Invalid(
            ValidationErrors::single("figures", "figures must be latest or approved"),
        )))
    })
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
#[utoipa::path(get, path = "/api/v1/performance/indicators/{id}", tag = "performance", params(("id" = String, Path, description = "Indicator id"), FiguresQuery), security(("bearer" = [])),
    responses((status = 200, body = IndicatorDetailOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_indicator(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
    q: Result<Query<FiguresQuery>, QueryRejection>,
) -> Result<Json<IndicatorDetailOut>, ApiError> {
    let Path(id) = p.map_err(bad)?;
    let Query(q) = q.map_err(bad)?;
    let id: Uuid = id
        .parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))?;
    let basis = basis_of(q.figures.as_deref())?;
    let d = svc::indicator_of(&s.svc, &actor, id, basis).await?;
    Ok(Json(IndicatorDetailOut {
        indicator: indicator_out(&d.view),
        points: d.points.iter().map(point_out).collect(),
    }))
}

/// The dashboard: every indicator's latest figure.
#[utoipa::path(get, path = "/api/v1/performance/dashboard", tag = "performance", params(DashboardQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<DashboardRowOut>), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn dashboard(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<DashboardQuery>, QueryRejection>,
) -> Result<Json<Vec<DashboardRowOut>>, ApiError> {
    let Query(q) = q.map_err(bad)?;
    let basis = basis_of(q.figures.as_deref())?;
    let rows = svc::dashboard_of(&s.svc, &actor, q.as_at, basis).await?;
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

/// A data return (one revision).
#[derive(Serialize, ToSchema)]
pub struct ReturnSummaryOut {
    /// Id of this revision.
    pub id: Uuid,
    /// The supplying agency.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// month, quarter or year.
    pub frequency: String,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// "March 2023", "Q4 2022-23", "2021-22".
    pub period_label: String,
    /// Revision (1 upwards); earlier revisions are kept.
    pub revision: i32,
    /// submitted, checked or approved.
    pub state: String,
    /// form, csv or xlsx.
    pub method: String,
    /// The uploaded file's name.
    pub file_name: Option<String>,
    /// Who sent it.
    pub submitted_by_name: String,
    /// When.
    pub submitted_at: chrono::DateTime<chrono::Utc>,
}

fn return_out(r: &Return) -> ReturnSummaryOut {
    ReturnSummaryOut {
        id: r.return_id,
        organisation_id: r.organisation_id,
        organisation_name: r.organisation_name.clone(),
        frequency: r.frequency.clone(),
        period_start: r.period_start,
        period_label: svc::return_period_label(r),
        revision: r.revision,
        state: r.state.clone(),
        method: r.method.clone(),
        file_name: r.file_name.clone(),
        submitted_by_name: r.submitted_by_name.clone(),
        submitted_at: r.submitted_at,
    }
}

/// A value of a return.
#[derive(Serialize, ToSchema)]
pub struct ReturnValueOut {
    /// The indicator's code.
    pub indicator_code: String,
    /// Its name.
    pub indicator_name: String,
    /// The count.
    pub numerator: i64,
    /// A percentage's denominator.
    pub denominator: Option<i64>,
    /// A rate's population estimate as used when the return was sent: its value.
    pub population: Option<i64>,
    /// Its mid-year.
    pub population_year: Option<i32>,
    /// Its source.
    pub population_source: Option<String>,
}

/// A data return with its values.
#[derive(Serialize, ToSchema)]
pub struct ReturnDetailOut {
    /// The return.
    #[serde(rename = "return")]
    pub ret: ReturnSummaryOut,
    /// Its values.
    pub values: Vec<ReturnValueOut>,
}

/// Every return (all revisions), newest period first.
#[utoipa::path(get, path = "/api/v1/performance/returns", tag = "performance", security(("bearer" = [])),
    responses((status = 200, body = Vec<ReturnSummaryOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_returns(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<Vec<ReturnSummaryOut>>, ApiError> {
    Ok(Json(
        svc::returns(&s.svc, &actor)
            .await?
            .iter()
            .map(return_out)
            .collect(),
    ))
}

fn return_id(p: Result<Path<String>, PathRejection>) -> Result<Uuid, ApiError> {
    let Path(id) = p.map_err(bad)?;
    id.parse()
        .map_err(|_| ApiError(AppError::Service(ServiceError::NotFound)))
}

async fn return_detail(s: &AppState, actor: &Actor, id: Uuid) -> Result<ReturnDetailOut, ApiError> {
    let r = svc::get_return(&s.svc, actor, id).await?;
    Ok(ReturnDetailOut {
        ret: return_out(&r.ret),
        values: r
            .values
            .into_iter()
            .map(|(code, name, v)| ReturnValueOut {
                indicator_code: code,
                indicator_name: name,
                numerator: v.numerator,
                denominator: v.denominator,
                population: v.population,
                population_year: v.population_year,
                population_source: v.population_source,
            })
            .collect(),
    })
}

/// One return with its values.
#[utoipa::path(get, path = "/api/v1/performance/returns/{id}", tag = "performance", params(("id" = String, Path, description = "Return id")), security(("bearer" = [])),
    responses((status = 200, body = ReturnDetailOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_return(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<ReturnDetailOut>, ApiError> {
    let id = return_id(p)?;
    Ok(Json(return_detail(&s, &actor, id).await?))
}

/// Marks a submitted return as checked (the same use case as the page). A return that is not
/// submitted is 409.
#[utoipa::path(post, path = "/api/v1/performance/returns/{id}/check", tag = "performance", params(("id" = String, Path, description = "Return id")), security(("bearer" = [])),
    responses((status = 200, body = ReturnDetailOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn check_return(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<ReturnDetailOut>, ApiError> {
    let id = return_id(p)?;
    svc::advance_return(&s.svc, &actor, id, "submitted").await?;
    Ok(Json(return_detail(&s, &actor, id).await?))
}

/// Approves a checked return (the same use case as the page). A return that is not checked is 409:
/// a submitted one must be checked first.
#[utoipa::path(post, path = "/api/v1/performance/returns/{id}/approve", tag = "performance", params(("id" = String, Path, description = "Return id")), security(("bearer" = [])),
    responses((status = 200, body = ReturnDetailOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn approve_return(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<ReturnDetailOut>, ApiError> {
    let id = return_id(p)?;
    svc::advance_return(&s.svc, &actor, id, "checked")
        .await
        .map_err(|e| match e {
            ServiceError::Conflict(m) if m.contains("now submitted") => ServiceError::Conflict(
                "This return has not been checked yet: check it before approving it.".to_owned(),
            ),
            e => e,
        })?;
    Ok(Json(return_detail(&s, &actor, id).await?))
}

/// A population estimate.
#[derive(Serialize, ToSchema)]
pub struct PopulationOut {
    /// Id.
    pub id: Uuid,
    /// Age band ("0-17").
    pub age_band: String,
    /// Mid-year.
    pub year: i32,
    /// People.
    pub population: i64,
    /// Source.
    pub source: String,
    /// Recorded.
    pub recorded_at: chrono::DateTime<chrono::Utc>,
    /// False when a later estimate for the same band and year supersedes it.
    pub in_use: bool,
}

fn population_out(p: &Population, all: &[Population]) -> PopulationOut {
    PopulationOut {
        id: p.population_id,
        age_band: p.age_band.clone(),
        year: p.year,
        population: p.population,
        source: p.source.clone(),
        recorded_at: p.created_at,
        in_use: !all.iter().any(|q| {
            q.age_band == p.age_band
                && q.year == p.year
                && (q.created_at, q.population_id) > (p.created_at, p.population_id)
        }),
    }
}

/// A deprivation or context figure.
#[derive(Serialize, ToSchema)]
pub struct PlaceFigureOut {
    /// Id.
    pub id: Uuid,
    /// What it is.
    pub name: String,
    /// count or percentage.
    pub unit: String,
    /// The value, as a decimal string.
    pub value: String,
    /// England's value, as a decimal string.
    pub england: Option<String>,
    /// The year it is for.
    pub year: i32,
    /// Source.
    pub source: String,
    /// Version (for edits on the page).
    pub version: i64,
}

fn place_figure_out(f: &PlaceFigure) -> PlaceFigureOut {
    let decimals = u8::try_from(f.decimals).unwrap_or(0);
    let fig = |scaled| {
        safeguard_domain::performance::Figure { scaled, decimals }
            .to_string()
            .replace(',', "")
    };
    PlaceFigureOut {
        id: f.place_figure_id,
        name: f.name.clone(),
        unit: f.unit.clone(),
        value: fig(f.value_scaled),
        england: f.england_scaled.map(fig),
        year: f.year,
        source: f.source.clone(),
        version: f.version,
    }
}

/// The statistical neighbours.
#[derive(Serialize, ToSchema)]
pub struct NeighboursOut {
    /// Local authorities, most similar first.
    pub authorities: Vec<String>,
    /// Where the list comes from.
    pub source: String,
    /// Last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// Version.
    pub version: i64,
}

/// The place profile.
#[derive(Serialize, ToSchema)]
pub struct PlaceOut {
    /// Population estimates, superseded ones included.
    pub populations: Vec<PopulationOut>,
    /// Deprivation and context figures.
    pub figures: Vec<PlaceFigureOut>,
    /// The statistical neighbours, if recorded.
    pub statistical_neighbours: Option<NeighboursOut>,
}

/// The place profile: population estimates, deprivation figures and statistical neighbours.
#[utoipa::path(get, path = "/api/v1/performance/place", tag = "performance", security(("bearer" = [])),
    responses((status = 200, body = PlaceOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn place(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<PlaceOut>, ApiError> {
    let p = svc::place_profile(&s.svc, &actor).await?;
    Ok(Json(PlaceOut {
        populations: p
            .populations
            .iter()
            .map(|x| population_out(x, &p.populations))
            .collect(),
        figures: p.figures.iter().map(place_figure_out).collect(),
        statistical_neighbours: p.neighbours.map(|n| NeighboursOut {
            authorities: n.authorities.lines().map(str::to_owned).collect(),
            source: n.source,
            updated_at: n.updated_at,
            version: n.version,
        }),
    }))
}

/// A population estimate to record; a later one for the same band and year supersedes it for
/// returns sent afterwards.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PopulationIn {
    /// Age band, like "0-17".
    pub age_band: String,
    /// Mid-year of the estimate.
    pub year: i32,
    /// People (above 0).
    pub population: i64,
    /// Source.
    pub source: String,
}

/// Records a population estimate.
#[utoipa::path(post, path = "/api/v1/performance/place/populations", tag = "performance", request_body = PopulationIn, security(("bearer" = [])),
    responses((status = 201, body = PopulationOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_population(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<PopulationIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(bad)?;
    let id = svc::add_population(
        &s.svc,
        &actor,
        &PopulationInput {
            age_band: b.age_band,
            year: b.year.to_string(),
            population: b.population.to_string(),
            source: b.source,
        },
    )
    .await?;
    let p = svc::place_profile(&s.svc, &actor).await?;
    let one = p
        .populations
        .iter()
        .find(|x| x.population_id == id)
        .ok_or(ApiError(AppError::Service(ServiceError::NotFound)))?;
    Ok((
        StatusCode::CREATED,
        Json(population_out(one, &p.populations)),
    )
        .into_response())
}

/// A deprivation or context figure to record.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceFigureIn {
    /// What it is.
    pub name: String,
    /// count or percentage.
    pub unit: String,
    /// The value, a decimal string with up to 3 places (a percentage from 0 to 100).
    pub value: String,
    /// England's value, a decimal string.
    pub england: Option<String>,
    /// The year it is for.
    pub year: i32,
    /// Source.
    pub source: String,
}

/// Adds a deprivation or context figure to the place profile.
#[utoipa::path(post, path = "/api/v1/performance/place/figures", tag = "performance", request_body = PlaceFigureIn, security(("bearer" = [])),
    responses((status = 201, body = PlaceFigureOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_place_figure(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<PlaceFigureIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(bad)?;
    let id = svc::create_place_figure(
        &s.svc,
        &actor,
        &PlaceFigureInput {
            name: b.name,
            unit: b.unit,
            value: b.value,
            england: b.england.unwrap_or_default(),
            year: b.year.to_string(),
            source: b.source,
        },
    )
    .await?;
    let f = svc::place_figure(&s.svc, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(place_figure_out(&f))).into_response())
}

/// The performance part of the API document (merged into [`super::ApiDoc`]).
#[derive(OpenApi)]
#[openapi(
    paths(
        list_indicators,
        create_indicator,
        get_indicator,
        dashboard,
        submit_return,
        list_returns,
        get_return,
        check_return,
        approve_return,
        place,
        add_population,
        add_place_figure
    ),
    components(schemas(
        IndicatorOut,
        PointOut,
        IndicatorDetailOut,
        DashboardRowOut,
        IndicatorIn,
        ReturnValueIn,
        ReturnIn,
        ReturnOut,
        ReturnSummaryOut,
        ReturnValueOut,
        ReturnDetailOut,
        PopulationOut,
        PlaceFigureOut,
        NeighboursOut,
        PlaceOut,
        PopulationIn,
        PlaceFigureIn
    ))
)]
pub struct PerformanceApi;
