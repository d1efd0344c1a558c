//! The performance framework's pages: the partnership dashboard (with an "as at" date), the
//! exception report, the indicator catalogue and its forms, an indicator's page with its chart (a
//! server-rendered SVG with a title and description, and the same figures as a table), the place
//! profile, and data returns (a form or a CSV upload, the XLSX template, checking and approving).
//! Every row problem of a return is shown in the error summary and nothing is saved.

use crate::error::AppError;
use crate::layout::Layout;
use crate::pages::{
    PageResult, esc, html, html_status, notice_text, parse_id, see_other, url_encode,
};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::body::Body;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::NaiveDate;
use safeguard_domain::ValidationErrors;
use safeguard_domain::performance::{
    self as rules, FigureBasis, Frequency, IndicatorInput, NeighbourInput, PlaceFigureInput,
    Polarity, RowError, Unit,
};
use safeguard_domain::policy::Permission;
use safeguard_domain::validation::FieldError;
use safeguard_service::activity::ExportFormat;
use safeguard_service::auth::Identity;
use safeguard_service::performance::{
    self as svc, BenchmarkInput, DashboardRow, IndicatorDetail, IndicatorView, Point,
    PopulationInput, ReturnBody, ReturnKey, series_label,
};
use safeguard_service::{Actor, ServiceError};
use safeguard_ui::components::{
    Button, Select, SelectItem, SummaryList, SummaryRow, TextInput, Textarea,
};
use serde::Deserialize;
use uuid::Uuid;

const ACTIVE: &str = "/performance";

fn notice(code: Option<&str>) -> Option<&'static str> {
    match code {
        Some("indicator-added") => Some("Indicator added to the catalogue."),
        Some("indicator-saved") => Some("Changes saved."),
        Some("benchmark-added") => Some("Benchmark value recorded."),
        Some("population-added") => Some("Population estimate added."),
        Some("figure-added") => Some("Figure added to the place profile."),
        Some("figure-saved") => Some("Figure changed."),
        Some("neighbours-saved") => Some("Statistical neighbours saved."),
        Some("return-sent") => Some("Return received. The dashboard now shows its figures."),
        Some("return-moved") => Some("Return updated."),
        other => notice_text(other),
    }
}

fn render<T: Template>(t: &T) -> String {
    t.render().unwrap_or_default()
}

/// A dashboard or exception report line as shown.
pub struct RowView {
    id: String,
    code: String,
    name: String,
    unit: &'static str,
    period: String,
    value: String,
    basis: String,
    england: String,
    england_pub: String,
    region: String,
    region_pub: String,
    neighbours: String,
    neighbours_pub: String,
    rag: &'static str,
    rag_class: &'static str,
    target: String,
    trend: &'static str,
    state: &'static str,
}

/// A benchmark's value and the publication it came from (empty when none is recorded).
fn bench_text(b: Option<&svc::BenchmarkView>) -> (String, String) {
    b.map_or_else(
        || (String::new(), String::new()),
        |b| (b.value.to_string(), b.publication.clone()),
    )
}

fn basis(v: &IndicatorView, p: &Point) -> String {
    match v.unit {
        Unit::Count => String::new(),
        Unit::Percentage => format!(
            "{} of {}",
            p.numerator,
            p.denominator.map(|d| d.to_string()).unwrap_or_default()
        ),
        Unit::RatePer10000 => format!(
            "{} children; population {} aged 0 to 17 (mid-{} estimate)",
            p.numerator,
            p.denominator
                .map(|d| rules::Figure {
                    scaled: d,
                    decimals: 0
                }
                .to_string())
                .unwrap_or_default(),
            p.population_year.map(|y| y.to_string()).unwrap_or_default()
        ),
    }
}

fn row_view(r: &DashboardRow) -> RowView {
    let v = &r.view;
    let p = r.latest.as_ref();
    let (england, england_pub) = bench_text(p.and_then(|p| p.england.as_ref()));
    let (region, region_pub) = bench_text(p.and_then(|p| p.region.as_ref()));
    let (neighbours, neighbours_pub) = bench_text(p.and_then(|p| p.neighbours.as_ref()));
    RowView {
        id: v.indicator.indicator_id.to_string(),
        code: v.indicator.code.clone(),
        name: v.indicator.name.clone(),
        unit: v.unit.label(),
        period: p.map_or_else(|| "No figures yet".to_owned(), |p| p.label.clone()),
        value: p.map(|p| p.value.to_string()).unwrap_or_default(),
        basis: p.map(|p| basis(v, p)).unwrap_or_default(),
        england,
        england_pub,
        region,
        region_pub,
        neighbours,
        neighbours_pub,
        rag: p.map_or("Not rated", |p| p.rag.label()),
        rag_class: p.map_or("govuk-tag--grey", |p| p.rag.tag_class()),
        target: v.target.map(|t| t.to_string()).unwrap_or_default(),
        trend: p.and_then(|p| p.trend).map_or("", |t| t.label()),
        state: p.map_or("", |p| p.state.label()),
    }
}

/// The dashboard's query.
#[derive(Debug, Default, Deserialize)]
pub struct AsAtParams {
    #[serde(default)]
    as_at: String,
    /// `latest` (default) or `approved`.
    #[serde(default)]
    figures: String,
    #[serde(default)]
    notice: Option<String>,
}

fn figures_of(p: &AsAtParams) -> Result<FigureBasis, AppError> {
    FigureBasis::from_slug(&p.figures).ok_or(AppError::BadRequest(
        "Choose the latest figures or approved figures only.",
    ))
}

fn figures_select(basis: FigureBasis) -> Select {
    Select::new(
        "figures",
        "Figures",
        [FigureBasis::Latest, FigureBasis::Approved]
            .iter()
            .map(|b| SelectItem::new(b.slug(), b.label())),
    )
    .hint("A board pack should use approved figures only: a return sent again is left out until it is approved.")
    .value(basis.slug())
}

fn as_at_of(p: &AsAtParams) -> Result<Option<NaiveDate>, AppError> {
    match p.as_at.trim() {
        "" => Ok(None),
        v => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                AppError::BadRequest(
                    "The date could not be read: use year-month-day, for example 2022-03-31.",
                )
            }),
    }
}

#[derive(Template)]
#[template(path = "performance/dashboard.html")]
struct DashboardPage {
    l: Layout,
    heading: String,
    form_action: &'static str,
    as_at: TextInput,
    figures: Select,
    intro: String,
    empty: &'static str,
    caption: String,
    rows: Vec<RowView>,
    show_exports: bool,
    csv_href: String,
    xlsx_href: String,
}

fn as_at_input(p: &AsAtParams) -> TextInput {
    TextInput::new("as_at", "Figures as at")
        .hint("Year-month-day, for example 2022-03-31. Leave empty for the latest figures.")
        .value(p.as_at.trim().to_owned())
        .autocomplete("off")
}

fn as_at_text(d: Option<NaiveDate>) -> String {
    d.map_or_else(
        || "the latest figures".to_owned(),
        |d| {
            format!(
                "figures for periods ending on or before {}",
                d.format("%-d %B %Y")
            )
        },
    )
}

/// `GET /performance`: every indicator's latest figure, with England's and the RAG rating.
pub async fn dashboard(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<AsAtParams>, QueryRejection>,
) -> PageResult {
    let Query(p) = q.map_err(|_| AppError::BadRequest("The date could not be read."))?;
    let as_at = as_at_of(&p)?;
    let basis = figures_of(&p)?;
    let rows = svc::dashboard_of(&s.svc, &actor, as_at, basis).await?;
    let qs = format!(
        "as_at={}&figures={}",
        url_encode(p.as_at.trim()),
        basis.slug()
    );
    html(&DashboardPage {
        l: Layout::new("Performance dashboard", Some(&identity), ACTIVE)
            .with_notice(notice(p.notice.as_deref())),
        heading: "Performance dashboard".to_owned(),
        form_action: "/performance",
        as_at: as_at_input(&p),
        figures: figures_select(basis),
        intro: format!(
            "Showing {}: {}. Rates and percentages are computed from the counts agencies return, rounded half away from zero. Each benchmark shows the publication it came from.",
            as_at_text(as_at),
            basis.label().to_lowercase()
        ),
        empty: "The catalogue has no indicators yet.",
        caption: "Indicators".to_owned(),
        rows: rows.iter().map(row_view).collect(),
        show_exports: true,
        csv_href: format!("/performance/export.csv?{qs}"),
        xlsx_href: format!("/performance/export.xlsx?{qs}"),
    })
}

/// `GET /performance/exceptions`: indicators off target, then near target.
pub async fn exceptions(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<AsAtParams>, QueryRejection>,
) -> PageResult {
    let Query(p) = q.map_err(|_| AppError::BadRequest("The date could not be read."))?;
    let as_at = as_at_of(&p)?;
    let basis = figures_of(&p)?;
    let rows = svc::exceptions_of(&s.svc, &actor, as_at, basis).await?;
    html(&DashboardPage {
        l: Layout::new("Exception report", Some(&identity), ACTIVE),
        heading: "Exception report".to_owned(),
        form_action: "/performance/exceptions",
        as_at: as_at_input(&p),
        figures: figures_select(basis),
        intro: format!(
            "Indicators whose latest figure is off target or near target, {}: {}.",
            as_at_text(as_at),
            basis.label().to_lowercase()
        ),
        empty: "Every rated indicator is on target.",
        caption: "Indicators off or near target".to_owned(),
        rows: rows.iter().map(row_view).collect(),
        show_exports: false,
        csv_href: String::new(),
        xlsx_href: String::new(),
    })
}

async fn export(
    s: &AppState,
    actor: &Actor,
    q: Result<Query<AsAtParams>, QueryRejection>,
    f: ExportFormat,
) -> PageResult {
    let Query(p) = q.map_err(|_| AppError::BadRequest("The date could not be read."))?;
    let e = svc::export_of(&s.svc, actor, as_at_of(&p)?, f, figures_of(&p)?).await?;
    Ok(crate::pages::activity::download(e))
}

/// `GET /performance/export.csv`: the dashboard as CSV.
pub async fn export_csv(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<AsAtParams>, QueryRejection>,
) -> PageResult {
    export(&s, &actor, q, ExportFormat::Csv).await
}

/// `GET /performance/export.xlsx`: the dashboard as an Excel workbook.
pub async fn export_xlsx(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<AsAtParams>, QueryRejection>,
) -> PageResult {
    export(&s, &actor, q, ExportFormat::Xlsx).await
}

/// A catalogue line.
pub struct CatalogueRow {
    id: String,
    code: String,
    name: String,
    unit: &'static str,
    frequency: &'static str,
    polarity: &'static str,
    target: String,
    agency: String,
}

#[derive(Template)]
#[template(path = "performance/catalogue.html")]
struct CataloguePage {
    l: Layout,
    can_manage: bool,
    rows: Vec<CatalogueRow>,
}

/// `GET /performance/indicators`: the catalogue.
pub async fn catalogue(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<AsAtParams>, QueryRejection>,
) -> PageResult {
    let notice_code = q.ok().and_then(|Query(p)| p.notice);
    let all = svc::indicators(&s.svc, &actor).await?;
    html(&CataloguePage {
        l: Layout::new("Indicator catalogue", Some(&identity), ACTIVE)
            .with_notice(notice(notice_code.as_deref())),
        can_manage: actor.can(Permission::ManagePerformance),
        rows: all
            .iter()
            .map(|v| CatalogueRow {
                id: v.indicator.indicator_id.to_string(),
                code: v.indicator.code.clone(),
                name: v.indicator.name.clone(),
                unit: v.unit.label(),
                frequency: v.frequency.label(),
                polarity: v.polarity.label(),
                target: v
                    .target
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "None".to_owned()),
                agency: v.indicator.organisation_name.clone(),
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "performance/form.html")]
struct FormPage {
    l: Layout,
    csrf: String,
    heading: String,
    action: String,
    back: String,
    version: Option<String>,
    fields: Vec<String>,
    button: Button,
}

fn items<T: Copy>(
    all: &[T],
    slug: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<SelectItem> {
    let mut v = vec![SelectItem::new("", "Select")];
    v.extend(all.iter().map(|x| SelectItem::new(slug(*x), label(*x))));
    v
}

async fn indicator_fields(
    s: &AppState,
    actor: &Actor,
    i: &IndicatorInput,
    e: &ValidationErrors,
) -> Result<Vec<String>, AppError> {
    let agencies = svc::agencies(&s.svc, actor).await?;
    let mut agency_items = vec![SelectItem::new("", "Select the agency")];
    agency_items.extend(
        agencies
            .iter()
            .map(|o| SelectItem::new(o.organisation_id.to_string(), o.name.clone())),
    );
    Ok(vec![
        render(&TextInput::new("code", "Code").hint("A short unique code, for example CP-RATE").value(i.code.clone()).error_opt(e.get("code"))),
        render(&TextInput::new("name", "Name").value(i.name.clone()).error_opt(e.get("name"))),
        render(&Textarea::new("definition", "Definition").rows(4).value(i.definition.clone()).error_opt(e.get("definition"))),
        render(&TextInput::new("numerator", "What is counted (numerator)").value(i.numerator.clone()).error_opt(e.get("numerator"))),
        render(&TextInput::new("denominator", "What it is divided by (denominator)").hint("Leave empty for a count. A rate per 10,000 uses the place profile's 0 to 17 population.").value(i.denominator.clone()).error_opt(e.get("denominator"))),
        render(&Select::new("unit", "Unit", items(&Unit::ALL, Unit::slug, Unit::label)).value(i.unit.clone()).error_opt(e.get("unit"))),
        render(&Select::new("frequency", "Reported", items(&Frequency::ALL, Frequency::slug, Frequency::label)).value(i.frequency.clone()).error_opt(e.get("frequency"))),
        render(&Select::new("measure", "Measure", items(&[rules::Measure::Snapshot, rules::Measure::InYear], rules::Measure::slug, rules::Measure::label)).value(i.measure.clone()).error_opt(e.get("measure"))),
        render(&Select::new("polarity", "Better when", items(&Polarity::ALL, Polarity::slug, Polarity::label)).value(i.polarity.clone()).error_opt(e.get("polarity"))),
        render(&TextInput::new("decimals", "Decimal places").hint("0 to 3: figures are rounded half away from zero to this many places").value(i.decimals.clone()).inputmode("numeric").error_opt(e.get("decimals"))),
        render(&TextInput::new("target", "Target (optional)").value(i.target.clone()).error_opt(e.get("target"))),
        render(&TextInput::new("tolerance", "Tolerance for amber (optional)").hint("How far the wrong side of the target still counts as near target").value(i.tolerance.clone()).error_opt(e.get("tolerance"))),
        render(&Select::new("organisation_id", "Supplied by", agency_items).value(i.organisation_id.clone()).error_opt(e.get("organisation_id"))),
        render(&TextInput::new("source", "Source").hint("For example, Children in need census").value(i.source.clone()).error_opt(e.get("source"))),
    ])
}

async fn indicator_form(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Option<(Uuid, String)>,
    i: &IndicatorInput,
    e: &ValidationErrors,
) -> Result<FormPage, AppError> {
    let heading = if id.is_some() {
        "Edit the indicator"
    } else {
        "Add an indicator"
    };
    Ok(FormPage {
        l: Layout::new(heading, Some(identity), ACTIVE).with_errors(e),
        csrf: identity.csrf_token.clone(),
        heading: heading.to_owned(),
        action: id.as_ref().map_or_else(
            || "/performance/indicators".to_owned(),
            |(id, _)| format!("/performance/indicators/{id}"),
        ),
        back: id.as_ref().map_or_else(
            || "/performance/indicators".to_owned(),
            |(id, _)| format!("/performance/indicators/{id}"),
        ),
        version: id.map(|(_, v)| v),
        fields: indicator_fields(s, actor, i, e).await?,
        button: Button::new(if heading.starts_with("Edit") {
            "Save changes"
        } else {
            "Add indicator"
        })
        .prevent_double_click(),
    })
}

/// `GET /performance/indicators/new`.
pub async fn new_indicator(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    html(
        &indicator_form(
            &s,
            &identity,
            &actor,
            None,
            &IndicatorInput::default(),
            &ValidationErrors::new(),
        )
        .await?,
    )
}

/// `POST /performance/indicators`.
pub async fn create_indicator(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    form: Result<Form<IndicatorInput>, FormRejection>,
) -> PageResult {
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match svc::create_indicator(&s.svc, &actor, &input).await {
        Ok(id) => see_other(&format!(
            "/performance/indicators/{id}?notice=indicator-added"
        )),
        Err(ServiceError::Invalid(e)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &indicator_form(&s, &identity, &actor, None, &input, &e).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

/// `GET /performance/indicators/{id}/edit`.
pub async fn edit_indicator(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let d = svc::indicator(&s.svc, &actor, id).await?;
    actor
        .require(Permission::ManagePerformance)
        .map_err(AppError::Service)?;
    let v = d.view.indicator.version.to_string();
    html(
        &indicator_form(
            &s,
            &identity,
            &actor,
            Some((id, v)),
            &d.view.input(),
            &ValidationErrors::new(),
        )
        .await?,
    )
}

/// The edit form as posted.
#[derive(Debug, Deserialize)]
pub struct IndicatorEdit {
    #[serde(flatten)]
    input: IndicatorInput,
    #[serde(default)]
    version: String,
}

/// `POST /performance/indicators/{id}`: saves an edit (a stale version is 409 with the person's
/// changes kept).
pub async fn update_indicator(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<IndicatorEdit>, FormRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let Form(f) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let (status, errors) =
        match svc::update_indicator(&s.svc, &actor, id, &f.input, &f.version).await {
            Ok(()) => {
                return see_other(&format!(
                    "/performance/indicators/{id}?notice=indicator-saved"
                ));
            }
            Err(ServiceError::Invalid(e)) => (StatusCode::UNPROCESSABLE_ENTITY, e),
            Err(ServiceError::Conflict(m)) => {
                (StatusCode::CONFLICT, ValidationErrors::single("name", m))
            }
            Err(e) => return Err(e.into()),
        };
    let version = if status == StatusCode::CONFLICT {
        svc::indicator(&s.svc, &actor, id)
            .await?
            .view
            .indicator
            .version
            .to_string()
    } else {
        f.version.clone()
    };
    html_status(
        status,
        &indicator_form(
            &s,
            &identity,
            &actor,
            Some((id, version)),
            &f.input,
            &errors,
        )
        .await?,
    )
}

/// A figure of the indicator page's table.
pub struct PointRow {
    period: String,
    value: String,
    basis: String,
    england: String,
    england_pub: String,
    region: String,
    region_pub: String,
    neighbours: String,
    neighbours_pub: String,
    rag: &'static str,
    rag_class: &'static str,
    trend: &'static str,
    state: &'static str,
}

#[derive(Template)]
#[template(path = "performance/indicator.html")]
struct IndicatorPage {
    l: Layout,
    csrf: String,
    id: String,
    code: String,
    name: String,
    summary: SummaryList,
    can_manage: bool,
    figures: Select,
    basis_label: &'static str,
    chart: String,
    chart_title: String,
    points: Vec<PointRow>,
    benchmarks: Vec<(String, &'static str, String, String)>,
    bench_fields: Vec<String>,
}

/// The benchmark series drawn on the chart: (series, label, colour, dash pattern).
const CHART_SERIES: [(&str, &str, &str, &str); 3] = [
    ("england", "England", "#d4351c", "6 3"),
    ("region", "Region", "#00703c", "2 2"),
    (
        "statistical_neighbours",
        "Statistical neighbours",
        "#4c2c92",
        "10 4 2 4",
    ),
];

fn series_of<'a>(p: &'a Point, series: &str) -> Option<&'a svc::BenchmarkView> {
    match series {
        "england" => p.england.as_ref(),
        "region" => p.region.as_ref(),
        _ => p.neighbours.as_ref(),
    }
}

/// The chart: one bar per period, and England's, the region's and the statistical neighbours'
/// values as marked lines (each its own colour and dash pattern, named in a key) where recorded,
/// with a title and a description that state the same figures as the table.
pub fn chart_svg(d: &IndicatorDetail, title: &str) -> String {
    let points = &d.points;
    let max = points
        .iter()
        .flat_map(|p| {
            std::iter::once(p.value.as_f64()).chain(
                CHART_SERIES
                    .iter()
                    .filter_map(|(s, ..)| series_of(p, s).map(|b| b.value.as_f64())),
            )
        })
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let drawn: Vec<_> = CHART_SERIES
        .iter()
        .filter(|(s, ..)| points.iter().any(|p| series_of(p, s).is_some()))
        .collect();
    let key_h = 18.0 * drawn.len() as f64;
    let (w, left, bottom, top) = (640.0_f64, 60.0_f64, 44.0_f64 + key_h, 20.0_f64);
    let h = 236.0 + bottom;
    let n = points.len().max(1);
    #[allow(clippy::cast_precision_loss)]
    let slot = (w - left - 10.0) / n as f64;
    let plot_h = h - bottom - top;
    let desc = points
        .iter()
        .map(|p| {
            let bench: Vec<String> = CHART_SERIES
                .iter()
                .filter_map(|(s, label, ..)| {
                    series_of(p, s).map(|b| format!("{label} {}", b.value))
                })
                .collect();
            if bench.is_empty() {
                format!("{}: {}", p.label, p.value)
            } else {
                format!("{}: {} ({})", p.label, p.value, bench.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-labelledby=\"chart-title chart-desc\"><title id=\"chart-title\">{}</title><desc id=\"chart-desc\">{}</desc>",
        esc(title),
        esc(&desc)
    );
    svg.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{}\" stroke=\"#0b0c0c\"/><line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#0b0c0c\"/>",
        h - bottom, h - bottom, w - 10.0, h - bottom
    ));
    svg.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"#0b0c0c\">{}</text><text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"#0b0c0c\">0</text>",
        left - 4.0, top + 4.0, esc(&format!("{max:.1}")), left - 4.0, h - bottom
    ));
    for (i, p) in points.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let x = left + slot * i as f64 + slot * 0.2;
        let bw = slot * 0.6;
        let bh = p.value.as_f64() / max * plot_h;
        svg.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{bh:.1}\" fill=\"#1d70b8\"/>",
            h - bottom - bh
        ));
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#0b0c0c\">{}</text>",
            x + bw / 2.0, h - bottom - bh - 4.0, esc(&p.value.to_string())
        ));
        for (series, _, colour, dash) in &CHART_SERIES {
            if let Some(b) = series_of(p, series) {
                let y = h - bottom - b.value.as_f64() / max * plot_h;
                svg.push_str(&format!(
                    "<line data-series=\"{series}\" x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{colour}\" stroke-width=\"3\" stroke-dasharray=\"{dash}\"/>",
                    x - 4.0, x + bw + 4.0
                ));
            }
        }
        if n <= 12 {
            svg.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#0b0c0c\">{}</text>",
                x + bw / 2.0, h - bottom + 14.0 + if i % 2 == 1 { 12.0 } else { 0.0 }, esc(&p.label)
            ));
        }
    }
    for (k, (_, label, colour, dash)) in drawn.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let y = h - key_h + 18.0 * k as f64 + 4.0;
        svg.push_str(&format!(
            "<line x1=\"{left}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{colour}\" stroke-width=\"3\" stroke-dasharray=\"{dash}\"/><text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#0b0c0c\">{label} (line)</text>",
            left + 30.0, left + 36.0, y + 4.0
        ));
    }
    svg.push_str("</svg>");
    svg
}

fn bench_fields(i: &BenchmarkInput, e: &ValidationErrors) -> Vec<String> {
    vec![
        render(
            &Select::new(
                "series",
                "Series",
                vec![
                    SelectItem::new("", "Select"),
                    SelectItem::new("england", "England"),
                    SelectItem::new("region", "Region"),
                    SelectItem::new("statistical_neighbours", "Statistical neighbours"),
                ],
            )
            .value(i.series.clone())
            .error_opt(e.get("series")),
        ),
        render(
            &TextInput::new("period_start", "First day of the period")
                .hint("Year-month-day, for example 2021-04-01 for the year 2021-22")
                .value(i.period_start.clone())
                .error_opt(e.get("period_start")),
        ),
        render(
            &TextInput::new("value", "Value")
                .value(i.value.clone())
                .error_opt(e.get("value")),
        ),
        render(
            &TextInput::new("publication", "Publication it came from")
                .value(i.publication.clone())
                .error_opt(e.get("publication")),
        ),
    ]
}

#[allow(clippy::too_many_arguments)]
async fn indicator_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    bench: &BenchmarkInput,
    e: &ValidationErrors,
    notice_code: Option<&str>,
    figures: FigureBasis,
) -> Result<IndicatorPage, AppError> {
    let d = svc::indicator_of(&s.svc, actor, id, figures).await?;
    let v = &d.view;
    let i = &v.indicator;
    let title = format!("{} ({})", i.name, v.unit.label().to_lowercase());
    let summary = SummaryList::new([
        SummaryRow::new("Definition", i.definition.clone()),
        SummaryRow::new("Numerator", i.numerator.clone()),
        SummaryRow::new(
            "Denominator",
            if i.denominator.is_empty() {
                "None (a count)".to_owned()
            } else {
                i.denominator.clone()
            },
        ),
        SummaryRow::new("Unit", v.unit.label()),
        SummaryRow::new(
            "Reported",
            format!(
                "{}; {}",
                v.frequency.label(),
                v.measure.label().to_lowercase()
            ),
        ),
        SummaryRow::new("Better when", v.polarity.label()),
        SummaryRow::new(
            "Rounding",
            format!("Half away from zero to {} decimal places", v.decimals),
        ),
        SummaryRow::new(
            "Target",
            v.target.map_or_else(
                || "None".to_owned(),
                |t| format!("{t} (near target within {})", v.tolerance),
            ),
        ),
        SummaryRow::new("Supplied by", i.organisation_name.clone()),
        SummaryRow::new("Source", i.source.clone()),
    ]);
    Ok(IndicatorPage {
        l: Layout::new(i.name.clone(), Some(identity), ACTIVE)
            .with_errors(e)
            .with_notice(notice(notice_code)),
        csrf: identity.csrf_token.clone(),
        id: id.to_string(),
        code: i.code.clone(),
        name: i.name.clone(),
        summary,
        can_manage: actor.can(Permission::ManagePerformance),
        figures: figures_select(figures),
        basis_label: figures.label(),
        chart: chart_svg(&d, &title),
        chart_title: title,
        points: d
            .points
            .iter()
            .map(|p| {
                let (england, england_pub) = bench_text(p.england.as_ref());
                let (region, region_pub) = bench_text(p.region.as_ref());
                let (neighbours, neighbours_pub) = bench_text(p.neighbours.as_ref());
                PointRow {
                    period: p.label.clone(),
                    value: p.value.to_string(),
                    basis: {
                        let b = basis(v, p);
                        if b.is_empty() {
                            format!("{} counted", p.numerator)
                        } else {
                            b
                        }
                    },
                    england,
                    england_pub,
                    region,
                    region_pub,
                    neighbours,
                    neighbours_pub,
                    rag: p.rag.label(),
                    rag_class: p.rag.tag_class(),
                    trend: p.trend.map_or("", |t| t.label()),
                    state: p.state.label(),
                }
            })
            .collect(),
        benchmarks: d
            .benchmarks
            .iter()
            .map(|b| {
                (
                    v.period_label(b.period_start),
                    series_label(&b.series),
                    b.value.to_string(),
                    b.publication.clone(),
                )
            })
            .collect(),
        bench_fields: bench_fields(bench, e),
    })
}

/// `GET /performance/indicators/{id}`: the indicator, its chart and figures, its benchmarks.
pub async fn indicator(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    q: Result<Query<AsAtParams>, QueryRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let Query(p) = q.map_err(|_| AppError::BadRequest("The choice could not be read."))?;
    let figures = figures_of(&p)?;
    html(
        &indicator_page(
            &s,
            &identity,
            &actor,
            id,
            &BenchmarkInput::default(),
            &ValidationErrors::new(),
            p.notice.as_deref(),
            figures,
        )
        .await?,
    )
}

/// `POST /performance/indicators/{id}/benchmarks`.
pub async fn add_benchmark(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<BenchmarkInput>, FormRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match svc::add_benchmark(&s.svc, &actor, id, &input).await {
        Ok(_) => see_other(&format!(
            "/performance/indicators/{id}?notice=benchmark-added"
        )),
        Err(ServiceError::Invalid(e)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &indicator_page(
                &s,
                &identity,
                &actor,
                id,
                &input,
                &e,
                None,
                FigureBasis::Latest,
            )
            .await?,
        ),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "performance/place.html")]
struct PlacePage {
    l: Layout,
    csrf: String,
    populations: Vec<(String, i32, String, String, &'static str)>,
    /// (id, name, year, value, England, source)
    figures: Vec<(String, String, i32, String, String, String)>,
    /// The statistical neighbours, their source and when and by whom they were last changed.
    neighbours: Option<(Vec<String>, String, String)>,
    can_manage: bool,
    fields: Vec<String>,
}

async fn place_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    i: &PopulationInput,
    e: &ValidationErrors,
    n: Option<&str>,
) -> Result<PlacePage, AppError> {
    let p = svc::place_profile(&s.svc, actor).await?;
    let fig = |scaled: i64, decimals: i32, unit: &str| {
        let f = rules::Figure {
            scaled,
            decimals: u8::try_from(decimals).unwrap_or(0),
        };
        if unit == "percentage" {
            format!("{f}%")
        } else {
            f.to_string()
        }
    };
    let populations = p
        .populations
        .iter()
        .map(|x| {
            let in_use = !p.populations.iter().any(|y| {
                y.age_band == x.age_band && y.year == x.year && y.created_at > x.created_at
            });
            (
                x.age_band.clone(),
                x.year,
                rules::Figure {
                    scaled: x.population,
                    decimals: 0,
                }
                .to_string(),
                x.source.clone(),
                if in_use { "Yes" } else { "Superseded" },
            )
        })
        .collect();
    Ok(PlacePage {
        l: Layout::new("Place profile", Some(identity), ACTIVE)
            .with_errors(e)
            .with_notice(notice(n)),
        csrf: identity.csrf_token.clone(),
        populations,
        figures: p
            .figures
            .iter()
            .map(|f| {
                (
                    f.place_figure_id.to_string(),
                    f.name.clone(),
                    f.year,
                    fig(f.value_scaled, f.decimals, &f.unit),
                    f.england_scaled
                        .map(|v| fig(v, f.decimals, &f.unit))
                        .unwrap_or_default(),
                    f.source.clone(),
                )
            })
            .collect(),
        neighbours: p.neighbours.as_ref().map(|n| {
            (
                n.authorities.lines().map(str::to_owned).collect(),
                n.source.clone(),
                format!(
                    "{} by {}",
                    safeguard_domain::actions::uk_local(n.updated_at).format("%-d %B %Y at %H:%M"),
                    n.updated_by_name
                ),
            )
        }),
        can_manage: actor.can(Permission::ManagePerformance),
        fields: vec![
            render(
                &TextInput::new("age_band", "Age band")
                    .hint("For example 0-17")
                    .value(i.age_band.clone())
                    .error_opt(e.get("age_band")),
            ),
            render(
                &TextInput::new("year", "Mid-year of the estimate")
                    .hint("For example 2021")
                    .value(i.year.clone())
                    .inputmode("numeric")
                    .error_opt(e.get("year")),
            ),
            render(
                &TextInput::new("population", "Population")
                    .value(i.population.clone())
                    .inputmode("numeric")
                    .error_opt(e.get("population")),
            ),
            render(
                &TextInput::new("source", "Source")
                    .hint("For example, ONS mid-year population estimates, mid-2021")
                    .value(i.source.clone())
                    .error_opt(e.get("source")),
            ),
        ],
    })
}

/// `GET /performance/place`: population estimates and deprivation figures.
pub async fn place(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<AsAtParams>, QueryRejection>,
) -> PageResult {
    let n = q.ok().and_then(|Query(p)| p.notice);
    html(
        &place_page(
            &s,
            &identity,
            &actor,
            &PopulationInput::default(),
            &ValidationErrors::new(),
            n.as_deref(),
        )
        .await?,
    )
}

/// `POST /performance/place/populations`.
pub async fn add_population(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    form: Result<Form<PopulationInput>, FormRejection>,
) -> PageResult {
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match svc::add_population(&s.svc, &actor, &input).await {
        Ok(_) => see_other("/performance/place?notice=population-added"),
        Err(ServiceError::Invalid(e)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &place_page(&s, &identity, &actor, &input, &e, None).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "performance/returns.html")]
struct ReturnsPage {
    l: Layout,
    can_submit: bool,
    fields: Vec<String>,
    rows: Vec<(String, String, String, i32, &'static str, String)>,
}

async fn key_fields(
    s: &AppState,
    actor: &Actor,
    k: &ReturnKey,
    e: &ValidationErrors,
) -> Result<Vec<String>, AppError> {
    let agencies = svc::agencies(&s.svc, actor).await?;
    let mut agency_items = vec![SelectItem::new("", "Select the agency")];
    agency_items.extend(
        agencies
            .iter()
            .filter(|o| {
                actor.can(Permission::ManagePerformance)
                    || o.organisation_id == actor.organisation_id.0
            })
            .map(|o| SelectItem::new(o.organisation_id.to_string(), o.name.clone())),
    );
    Ok(vec![
        render(&Select::new("organisation_id", "Agency", agency_items).value(k.organisation_id.clone()).error_opt(e.get("organisation_id"))),
        render(&Select::new("frequency", "Return", items(&Frequency::ALL, Frequency::slug, Frequency::label)).value(k.frequency.clone()).error_opt(e.get("frequency"))),
        render(&TextInput::new("period_start", "First day of the period").hint("Year-month-day: 2023-03-01 for March 2023, 2023-01-01 for the quarter January to March 2023, 2021-04-01 for the year 2021-22").value(k.period_start.clone()).autocomplete("off").error_opt(e.get("period_start"))),
    ])
}

async fn returns_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    k: &ReturnKey,
    e: &ValidationErrors,
    n: Option<&str>,
) -> Result<ReturnsPage, AppError> {
    let all = svc::returns(&s.svc, actor).await?;
    Ok(ReturnsPage {
        l: Layout::new("Data returns", Some(identity), ACTIVE)
            .with_errors(e)
            .with_notice(notice(n)),
        can_submit: actor.can(Permission::SubmitPerformanceReturns),
        fields: key_fields(s, actor, k, e).await?,
        rows: all
            .iter()
            .map(|r| {
                (
                    r.return_id.to_string(),
                    svc::return_period_label(r),
                    r.organisation_name.clone(),
                    r.revision,
                    rules::ReturnState::from_slug(&r.state).map_or("", rules::ReturnState::label),
                    format!(
                        "{} by {}",
                        safeguard_domain::actions::uk_local(r.submitted_at)
                            .format("%-d %B %Y at %H:%M"),
                        r.submitted_by_name
                    ),
                )
            })
            .collect(),
    })
}

/// `GET /performance/returns`: the returns and their revisions, and where to send one.
pub async fn returns(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<AsAtParams>, QueryRejection>,
) -> PageResult {
    let n = q.ok().and_then(|Query(p)| p.notice);
    html(
        &returns_page(
            &s,
            &identity,
            &actor,
            &ReturnKey::default(),
            &ValidationErrors::new(),
            n.as_deref(),
        )
        .await?,
    )
}

#[derive(Template)]
#[template(path = "performance/new_return.html")]
struct NewReturnPage {
    l: Layout,
    csrf: String,
    agency: String,
    period: String,
    organisation_id: String,
    frequency: String,
    period_start: String,
    template_href: String,
    file_error: Option<String>,
    fields: Vec<String>,
}

/// Checks a key as far as a page needs (the service checks it again when the return is sent).
async fn checked_key(
    s: &AppState,
    actor: &Actor,
    k: &ReturnKey,
) -> Result<(String, Frequency, NaiveDate, Vec<IndicatorView>), ValidationErrors> {
    let mut e = ValidationErrors::new();
    let agencies = svc::agencies(&s.svc, actor).await.unwrap_or_default();
    let org = Uuid::parse_str(k.organisation_id.trim())
        .ok()
        .and_then(|id| agencies.iter().find(|o| o.organisation_id == id));
    if org.is_none() {
        e.add("organisation_id", "Select the agency");
    }
    let f = Frequency::from_slug(k.frequency.trim());
    if f.is_none() {
        e.add("frequency", "Select monthly, quarterly or yearly");
    }
    let p = NaiveDate::parse_from_str(k.period_start.trim(), "%Y-%m-%d").ok();
    let today = safeguard_domain::actions::uk_date(s.svc.now());
    match (f, p) {
        (Some(f), Some(p)) if rules::is_period_start(f, p) && p <= today => {}
        _ => e.add("period_start", "Enter the first day of a period that has started, for example 2023-03-01 for March 2023"),
    }
    let (Some(org), Some(f), Some(p)) = (org, f, p) else {
        return Err(e);
    };
    if !e.is_empty() {
        return Err(e);
    }
    let inds = svc::return_indicators(&s.svc, actor, org.organisation_id, f)
        .await
        .unwrap_or_default();
    if inds.is_empty() {
        return Err(ValidationErrors::single(
            "frequency",
            format!(
                "{} supplies no {} indicators",
                org.name,
                f.label().to_lowercase()
            ),
        ));
    }
    Ok((org.name.clone(), f, p, inds))
}

/// The typed values as posted: `n-CODE` and `d-CODE` per indicator.
fn value_fields(
    inds: &[IndicatorView],
    posted: &[(String, String)],
    e: &ValidationErrors,
) -> Vec<String> {
    let get = |name: &str| {
        posted
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for i in inds {
        let code = &i.indicator.code;
        let n = format!("n-{code}");
        out.push(render(
            &TextInput::new(
                n.clone(),
                format!("{}: {}", i.indicator.name, i.indicator.numerator),
            )
            .hint(format!("{code}. A whole number"))
            .value(get(&n))
            .inputmode("numeric")
            .error_opt(e.get(&n)),
        ));
        if i.unit.return_has_denominator() {
            let d = format!("d-{code}");
            out.push(render(
                &TextInput::new(
                    d.clone(),
                    format!("{}: {}", i.indicator.name, i.indicator.denominator),
                )
                .hint(format!("{code}. A whole number, at least the count above"))
                .value(get(&d))
                .inputmode("numeric")
                .error_opt(e.get(&d)),
            ));
        }
    }
    out
}

async fn new_return_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    k: &ReturnKey,
    posted: &[(String, String)],
    e: &ValidationErrors,
) -> Result<Result<NewReturnPage, ValidationErrors>, AppError> {
    let (agency, f, p, inds) = match checked_key(s, actor, k).await {
        Ok(x) => x,
        Err(e) => return Ok(Err(e)),
    };
    let period = rules::period_label(f, p);
    Ok(Ok(NewReturnPage {
        l: Layout::new(format!("Return for {period}"), Some(identity), ACTIVE).with_errors(e),
        csrf: identity.csrf_token.clone(),
        agency,
        period,
        organisation_id: k.organisation_id.trim().to_owned(),
        frequency: f.slug().to_owned(),
        period_start: p.to_string(),
        template_href: format!(
            "/performance/returns/template.xlsx?organisation_id={}&frequency={}",
            url_encode(k.organisation_id.trim()),
            f.slug()
        ),
        file_error: match e.0.iter().filter(|x| x.field == "file").count() {
            0 => None,
            1 => {
                e.0.iter()
                    .find(|x| x.field == "file")
                    .map(|x| x.message.clone())
            }
            n => Some(format!(
                "The file has {n} problems, listed at the top of the page: correct them all and upload it again"
            )),
        },
        fields: value_fields(&inds, posted, e),
    }))
}

/// `GET /performance/returns/new?organisation_id=&frequency=&period_start=`: the return's form and
/// upload.
pub async fn new_return(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<ReturnKey>, QueryRejection>,
) -> PageResult {
    actor
        .require(Permission::SubmitPerformanceReturns)
        .map_err(AppError::Service)?;
    let Query(k) = q.map_err(|_| AppError::BadRequest("The choice could not be read."))?;
    // an agency named by id that is not one of this partnership's looks missing, as elsewhere
    if let Ok(org) = Uuid::parse_str(k.organisation_id.trim()) {
        let agencies = svc::agencies(&s.svc, &actor).await?;
        if !agencies.iter().any(|o| o.organisation_id == org) {
            return Err(AppError::Service(ServiceError::NotFound));
        }
    }
    match new_return_page(&s, &identity, &actor, &k, &[], &ValidationErrors::new()).await? {
        Ok(page) => html(&page),
        Err(e) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &returns_page(&s, &identity, &actor, &k, &e, None).await?,
        ),
    }
}

fn key_of(posted: &[(String, String)]) -> ReturnKey {
    let get = |name: &str| {
        posted
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    ReturnKey {
        organisation_id: get("organisation_id"),
        frequency: get("frequency"),
        period_start: get("period_start"),
    }
}

/// Each row problem of an upload as an error-summary item linking to the file input.
fn file_errors(rows: &[RowError]) -> ValidationErrors {
    ValidationErrors(
        rows.iter()
            .map(|r| FieldError {
                field: "file".to_owned(),
                message: r.message(),
            })
            .collect(),
    )
}

async fn after_submit(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    k: &ReturnKey,
    posted: &[(String, String)],
    result: Result<Result<Uuid, Vec<RowError>>, ServiceError>,
    inds_for_form: bool,
) -> PageResult {
    let errors = match result {
        Ok(Ok(_)) => return see_other("/performance?notice=return-sent"),
        Ok(Err(rows)) => {
            if inds_for_form {
                // row r of the typed form is the (r-2)th indicator
                let inds = checked_key(s, actor, k)
                    .await
                    .map(|x| x.3)
                    .unwrap_or_default();
                ValidationErrors(
                    rows.iter()
                        .map(|r| {
                            let code = r
                                .row
                                .checked_sub(2)
                                .and_then(|i| inds.get(i))
                                .map(|i| i.indicator.code.clone());
                            match code {
                                Some(c) => FieldError {
                                    field: format!(
                                        "{}-{c}",
                                        if r.column == "denominator" { "d" } else { "n" }
                                    ),
                                    message: format!("{c}: {}", r.reason),
                                },
                                None => FieldError {
                                    field: "file".to_owned(),
                                    message: r.message(),
                                },
                            }
                        })
                        .collect(),
                )
            } else {
                file_errors(&rows)
            }
        }
        Err(ServiceError::Invalid(e)) => e,
        Err(e) => return Err(e.into()),
    };
    match new_return_page(s, identity, actor, k, posted, &errors).await? {
        Ok(page) => html_status(StatusCode::UNPROCESSABLE_ENTITY, &page),
        Err(e) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &returns_page(s, identity, actor, k, &e, None).await?,
        ),
    }
}

/// `POST /performance/returns`: a return typed in the form.
pub async fn submit_return(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> PageResult {
    let Form(posted) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let k = key_of(&posted);
    let inds = match checked_key(&s, &actor, &k).await {
        Ok(x) => x.3,
        Err(_) => Vec::new(),
    };
    let get = |name: &str| {
        posted
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let values = inds
        .iter()
        .map(|i| {
            let c = &i.indicator.code;
            (c.clone(), get(&format!("n-{c}")), get(&format!("d-{c}")))
        })
        .collect();
    let result = svc::submit_return(&s.svc, &actor, &k, &ReturnBody::Form(values)).await;
    after_submit(&s, &identity, &actor, &k, &posted, result, true).await
}

/// `POST /performance/returns/upload`: a return uploaded as CSV or XLSX (multipart, CSRF in the body).
pub async fn upload_return(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    headers: HeaderMap,
    body: Body,
) -> PageResult {
    let boundary = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::multipart::boundary)
        .ok_or(AppError::BadRequest(
            "The form could not be read: it must be sent as multipart/form-data.",
        ))?;
    let bytes = axum::body::to_bytes(body, s.upload_body_limit())
        .await
        .map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let parts = crate::multipart::parse(&bytes, &boundary)
        .ok_or(AppError::BadRequest("The form could not be read."))?;
    let field = |n: &str| crate::multipart::text_field(&parts, n).unwrap_or_default();
    let k = ReturnKey {
        organisation_id: field("organisation_id"),
        frequency: field("frequency"),
        period_start: field("period_start"),
    };
    let file = parts
        .iter()
        .find(|p| p.name == "file" && p.filename.as_deref().is_some_and(|f| !f.is_empty()));
    let result = match file {
        None => Err(ServiceError::Invalid(ValidationErrors::single(
            "file",
            "Select a CSV or Excel file",
        ))),
        Some(f) => {
            svc::submit_return(
                &s.svc,
                &actor,
                &k,
                &ReturnBody::upload(f.filename.clone().unwrap_or_default(), f.data.to_vec()),
            )
            .await
        }
    };
    after_submit(&s, &identity, &actor, &k, &[], result, false).await
}

/// The template's query.
#[derive(Debug, Deserialize)]
pub struct TemplateParams {
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    frequency: String,
}

/// `GET /performance/returns/template.xlsx`: the return's XLSX template.
pub async fn template(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<TemplateParams>, QueryRejection>,
) -> PageResult {
    let Query(p) = q.map_err(|_| AppError::BadRequest("The choice could not be read."))?;
    let org: Uuid = parse_id(p.organisation_id.trim())?;
    let f = Frequency::from_slug(p.frequency.trim())
        .ok_or(AppError::BadRequest("Choose monthly, quarterly or yearly."))?;
    Ok(crate::pages::activity::download(
        svc::template(&s.svc, &actor, org, f).await?,
    ))
}

#[derive(Template)]
#[template(path = "performance/return.html")]
struct ReturnPage {
    l: Layout,
    csrf: String,
    id: String,
    agency: String,
    period: String,
    revision: i32,
    summary: SummaryList,
    values: Vec<(String, i64, String, String)>,
    state: &'static str,
    advance: Option<&'static str>,
}

/// `GET /performance/returns/{id}`.
pub async fn show_return(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    q: Result<Query<AsAtParams>, QueryRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let n = q.ok().and_then(|Query(p)| p.notice);
    let r = svc::get_return(&s.svc, &actor, id).await?;
    let advance = if actor.can(Permission::ManagePerformance) {
        match r.state.next() {
            Some(rules::ReturnState::Checked) => Some("Mark as checked"),
            Some(rules::ReturnState::Approved) => Some("Approve"),
            _ => None,
        }
    } else {
        None
    };
    html(&ReturnPage {
        l: Layout::new(
            format!("Return for {}", r.period_label),
            Some(&identity),
            ACTIVE,
        )
        .with_notice(notice(n.as_deref())),
        csrf: identity.csrf_token.clone(),
        id: id.to_string(),
        agency: r.ret.organisation_name.clone(),
        period: r.period_label.clone(),
        revision: r.ret.revision,
        summary: SummaryList::new([
            SummaryRow::new("State", r.state.label()),
            SummaryRow::new("Sent by", r.ret.submitted_by_name.clone()),
            SummaryRow::new(
                "Sent",
                safeguard_domain::actions::uk_local(r.ret.submitted_at)
                    .format("%-d %B %Y at %H:%M")
                    .to_string(),
            ),
            SummaryRow::new(
                "How",
                match (r.ret.method.as_str(), &r.ret.file_name) {
                    ("csv", Some(f)) => format!("Uploaded file {f}"),
                    _ => "Typed in the form".to_owned(),
                },
            ),
        ]),
        values: r
            .values
            .iter()
            .map(|(code, name, v)| {
                (
                    format!("{name} ({code})"),
                    v.numerator,
                    v.denominator.map(|d| d.to_string()).unwrap_or_default(),
                    v.population
                        .map(|p| {
                            format!(
                                "{} aged 0 to 17, mid-{} ({})",
                                rules::Figure {
                                    scaled: p,
                                    decimals: 0
                                },
                                v.population_year.unwrap_or_default(),
                                v.population_source.clone().unwrap_or_default()
                            )
                        })
                        .unwrap_or_default(),
                )
            })
            .collect(),
        state: r.state.slug(),
        advance,
    })
}

/// The advance form.
#[derive(Debug, Deserialize)]
pub struct AdvanceForm {
    #[serde(default)]
    state: String,
}

/// `POST /performance/returns/{id}/advance`: submitted → checked → approved.
pub async fn advance_return(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<AdvanceForm>, FormRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let Form(f) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    svc::advance_return(&s.svc, &actor, id, &f.state).await?;
    see_other(&format!("/performance/returns/{id}?notice=return-moved"))
}

fn place_figure_fields(i: &PlaceFigureInput, e: &ValidationErrors) -> Vec<String> {
    vec![
        render(
            &TextInput::new("name", "What the figure is")
                .hint("For example, children aged 0 to 15 living in income-deprived households")
                .value(i.name.clone())
                .error_opt(e.get("name")),
        ),
        render(
            &Select::new(
                "unit",
                "Unit",
                vec![
                    SelectItem::new("", "Select"),
                    SelectItem::new("count", "Count"),
                    SelectItem::new("percentage", "Percentage"),
                ],
            )
            .value(i.unit.clone())
            .error_opt(e.get("unit")),
        ),
        render(
            &TextInput::new("value", "Value for the partnership's area")
                .hint("Up to 3 decimal places; a percentage is from 0 to 100")
                .value(i.value.clone())
                .inputmode("decimal")
                .error_opt(e.get("value")),
        ),
        render(
            &TextInput::new("england", "England's value (optional)")
                .value(i.england.clone())
                .inputmode("decimal")
                .error_opt(e.get("england")),
        ),
        render(
            &TextInput::new("year", "Year the figure is for")
                .hint("For example 2019")
                .value(i.year.clone())
                .inputmode("numeric")
                .error_opt(e.get("year")),
        ),
        render(
            &TextInput::new("source", "Source")
                .hint("The publication, for example English Indices of Deprivation 2019")
                .value(i.source.clone())
                .error_opt(e.get("source")),
        ),
    ]
}

fn place_figure_form(
    identity: &Identity,
    id: Option<(Uuid, String)>,
    i: &PlaceFigureInput,
    e: &ValidationErrors,
) -> FormPage {
    let heading = if id.is_some() {
        "Change a place profile figure"
    } else {
        "Add a place profile figure"
    };
    FormPage {
        l: Layout::new(heading, Some(identity), ACTIVE).with_errors(e),
        csrf: identity.csrf_token.clone(),
        heading: heading.to_owned(),
        action: id.as_ref().map_or_else(
            || "/performance/place/figures".to_owned(),
            |(id, _)| format!("/performance/place/figures/{id}"),
        ),
        back: "/performance/place".to_owned(),
        button: Button::new(if id.is_some() {
            "Save changes"
        } else {
            "Add the figure"
        })
        .prevent_double_click(),
        version: id.map(|(_, v)| v),
        fields: place_figure_fields(i, e),
    }
}

/// `GET /performance/place/figures/new`.
pub async fn new_place_figure(Extension(identity): Extension<Identity>) -> PageResult {
    html(&place_figure_form(
        &identity,
        None,
        &PlaceFigureInput::default(),
        &ValidationErrors::new(),
    ))
}

/// `POST /performance/place/figures`: adds a deprivation or context figure.
pub async fn create_place_figure(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    form: Result<Form<PlaceFigureInput>, FormRejection>,
) -> PageResult {
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match svc::create_place_figure(&s.svc, &actor, &input).await {
        Ok(_) => see_other("/performance/place?notice=figure-added"),
        Err(ServiceError::Invalid(e)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &place_figure_form(&identity, None, &input, &e),
        ),
        Err(e) => Err(e.into()),
    }
}

/// `GET /performance/place/figures/{id}/edit`.
pub async fn edit_place_figure(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let f = svc::place_figure(&s.svc, &actor, id).await?;
    html(&place_figure_form(
        &identity,
        Some((id, f.version.to_string())),
        &svc::place_figure_input(&f),
        &ValidationErrors::new(),
    ))
}

/// The place figure edit form as posted.
#[derive(Debug, Deserialize)]
pub struct PlaceFigureEdit {
    #[serde(flatten)]
    input: PlaceFigureInput,
    #[serde(default)]
    version: String,
}

/// `POST /performance/place/figures/{id}`: saves a change (a stale version is 409 with the
/// person's changes kept).
pub async fn update_place_figure(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<PlaceFigureEdit>, FormRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let Form(f) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let (status, errors) =
        match svc::update_place_figure(&s.svc, &actor, id, &f.input, &f.version).await {
            Ok(()) => return see_other("/performance/place?notice=figure-saved"),
            Err(ServiceError::Invalid(e)) => (StatusCode::UNPROCESSABLE_ENTITY, e),
            Err(ServiceError::Conflict(m)) => {
                (StatusCode::CONFLICT, ValidationErrors::single("name", m))
            }
            Err(e) => return Err(e.into()),
        };
    let version = if status == StatusCode::CONFLICT {
        svc::place_figure(&s.svc, &actor, id)
            .await?
            .version
            .to_string()
    } else {
        f.version.clone()
    };
    html_status(
        status,
        &place_figure_form(&identity, Some((id, version)), &f.input, &errors),
    )
}

fn neighbours_form(
    identity: &Identity,
    version: String,
    i: &NeighbourInput,
    e: &ValidationErrors,
) -> FormPage {
    let heading = "Statistical neighbours";
    FormPage {
        l: Layout::new(heading, Some(identity), ACTIVE).with_errors(e),
        csrf: identity.csrf_token.clone(),
        heading: heading.to_owned(),
        action: "/performance/place/neighbours".to_owned(),
        back: "/performance/place".to_owned(),
        version: Some(version),
        fields: vec![
            render(
                &Textarea::new("authorities", "Local authorities, one a line")
                    .hint(format!(
                        "The local authorities most like this one, most similar first: up to {}",
                        rules::MAX_NEIGHBOURS
                    ))
                    .rows(10)
                    .value(i.authorities.clone())
                    .error_opt(e.get("authorities")),
            ),
            render(
                &TextInput::new("source", "Source")
                    .hint("For example, DfE Children's services statistical neighbour benchmarking tool")
                    .value(i.source.clone())
                    .error_opt(e.get("source")),
            ),
        ],
        button: Button::new("Save the list").prevent_double_click(),
    }
}

/// `GET /performance/place/neighbours`: the statistical-neighbour list's form.
pub async fn edit_neighbours(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    let p = svc::place_profile(&s.svc, &actor).await?;
    let (input, version) = p.neighbours.map_or_else(
        || (NeighbourInput::default(), "0".to_owned()),
        |n| {
            (
                NeighbourInput {
                    authorities: n.authorities,
                    source: n.source,
                },
                n.version.to_string(),
            )
        },
    );
    html(&neighbours_form(
        &identity,
        version,
        &input,
        &ValidationErrors::new(),
    ))
}

/// The neighbours form as posted.
#[derive(Debug, Deserialize)]
pub struct NeighbourEdit {
    #[serde(flatten)]
    input: NeighbourInput,
    #[serde(default)]
    version: String,
}

/// `POST /performance/place/neighbours`: saves the list (a stale version is 409 with the person's
/// changes kept).
pub async fn save_neighbours(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    form: Result<Form<NeighbourEdit>, FormRejection>,
) -> PageResult {
    let Form(f) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let (status, errors) = match svc::save_neighbours(&s.svc, &actor, &f.input, &f.version).await {
        Ok(()) => return see_other("/performance/place?notice=neighbours-saved"),
        Err(ServiceError::Invalid(e)) => (StatusCode::UNPROCESSABLE_ENTITY, e),
        Err(ServiceError::Conflict(m)) => (
            StatusCode::CONFLICT,
            ValidationErrors::single("authorities", m),
        ),
        Err(e) => return Err(e.into()),
    };
    let version = if status == StatusCode::CONFLICT {
        svc::place_profile(&s.svc, &actor)
            .await?
            .neighbours
            .map_or(0, |n| n.version)
            .to_string()
    } else {
        f.version.clone()
    };
    html_status(
        status,
        &neighbours_form(&identity, version, &f.input, &errors),
    )
}
