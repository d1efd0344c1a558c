//! The performance framework: the indicator catalogue, benchmarks, the place profile, agency data
//! returns, and the computed views (dashboard, indicator page, exception report, exports).
//!
//! # Access
//!
//! * `ViewPerformance` reads everything. `ManagePerformance` (administrators) keeps the catalogue,
//!   benchmarks and place profile and checks and approves returns. `SubmitPerformanceReturns` sends
//!   a return: administrators for any agency of the partnership, agency leads for their own
//!   organisation only. Records of another partnership are [`ServiceError::NotFound`].
//!
//! # Changes
//!
//! Every change writes its audit entry in the same transaction: `performance.indicator_create`,
//! `performance.indicator_update` (before and after), `performance.benchmark_add`,
//! `performance.population_add`, `performance.place_figure_add`, `performance.return_submit`,
//! `performance.return_checked`, `performance.return_approved`,
//! `performance.place_figure_update` (before and after), `performance.neighbours_save` (before and
//! after); exports write `performance.export`. A return is accepted whole or not at all: any row problem refuses it and
//! nothing is written. Sending a return again for the same agency and period adds a revision; the
//! earlier ones are kept and the latest is the one shown.
//!
//! # Computation
//!
//! Figures are computed by `safeguard_domain::performance` (integer arithmetic, half away from zero
//! to the indicator's decimal places). A rate per 10,000 uses the 0–17 population estimate for the
//! period (the latest mid-year estimate on or before the period's end); the return records the
//! estimate and its value when it is sent.

use crate::activity::{Export, ExportFormat};
use crate::{Actor, ServiceError, ServiceResult, Services};
use chrono::NaiveDate;
use safeguard_domain::csv::CsvWriter;
use safeguard_domain::performance::{
    self as rules, Cell, Figure, FigureBasis, Frequency, IndicatorFields, IndicatorInput, Measure,
    NeighbourFields, NeighbourInput, PlaceFigureFields, PlaceFigureInput, Polarity, Rag,
    ReturnIndicator, ReturnState, RowError, Trend, Unit,
};
use safeguard_domain::policy::Permission;
use safeguard_domain::{OrganisationId, ValidationErrors};
use safeguard_store::performance::{
    self as store, Benchmark, BenchmarkRow, Indicator, IndicatorRow, NeighbourList, PlaceFigure,
    PlaceFigureRow, Population, Return, ReturnRow, Value, ValueRow,
};
use safeguard_store::{Conn, audit_log, organisations};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Message for a stale edit.
pub const CONFLICT_MESSAGE: &str = "Someone else changed this indicator while you were editing \
     it. Your changes are shown below and have not been saved: check them, then save again.";

/// An indicator with its fields read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IndicatorView {
    /// The stored indicator.
    pub indicator: Indicator,
    /// Unit.
    pub unit: Unit,
    /// Frequency.
    pub frequency: Frequency,
    /// Measure.
    pub measure: Measure,
    /// Polarity.
    pub polarity: Polarity,
    /// Decimal places.
    pub decimals: u8,
    /// Target.
    pub target: Option<Figure>,
    /// Tolerance.
    pub tolerance: Figure,
}

impl IndicatorView {
    fn read(indicator: Indicator) -> ServiceResult<IndicatorView> {
        let bad = || ServiceError::Internal(anyhow::anyhow!("stored indicator has a bad value"));
        let decimals = u8::try_from(indicator.decimals).map_err(|_| bad())?;
        Ok(IndicatorView {
            unit: Unit::from_slug(&indicator.unit).ok_or_else(bad)?,
            frequency: Frequency::from_slug(&indicator.frequency).ok_or_else(bad)?,
            measure: Measure::from_slug(&indicator.measure).ok_or_else(bad)?,
            polarity: Polarity::from_slug(&indicator.polarity).ok_or_else(bad)?,
            target: indicator
                .target_scaled
                .map(|scaled| Figure { scaled, decimals }),
            tolerance: Figure {
                scaled: indicator.tolerance_scaled,
                decimals,
            },
            decimals,
            indicator,
        })
    }

    /// The label of a period of this indicator: "At 31 March 2022" for a snapshot, otherwise
    /// "March 2022", "Q4 2021-22" or "2021-22".
    pub fn period_label(&self, start: NaiveDate) -> String {
        match self.measure {
            Measure::Snapshot => format!(
                "At {}",
                rules::period_end(self.frequency, start).format("%-d %B %Y")
            ),
            Measure::InYear => rules::period_label(self.frequency, start),
        }
    }

    /// The input a form is filled with to edit it.
    pub fn input(&self) -> IndicatorInput {
        let i = &self.indicator;
        IndicatorInput {
            code: i.code.clone(),
            name: i.name.clone(),
            definition: i.definition.clone(),
            numerator: i.numerator.clone(),
            denominator: i.denominator.clone(),
            unit: i.unit.clone(),
            frequency: i.frequency.clone(),
            measure: i.measure.clone(),
            polarity: i.polarity.clone(),
            decimals: i.decimals.to_string(),
            target: self.target.map(|t| t.to_string()).unwrap_or_default(),
            tolerance: self.tolerance.to_string(),
            organisation_id: i.organisation_id.to_string(),
            source: i.source.clone(),
        }
    }
}

/// A benchmark value as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BenchmarkView {
    /// `england`, `region`, `statistical_neighbours`.
    pub series: String,
    /// Value.
    pub value: Figure,
    /// The publication it came from.
    pub publication: String,
    /// Its period.
    pub period_start: NaiveDate,
}

/// The benchmark series' names.
pub fn series_label(series: &str) -> &'static str {
    match series {
        "england" => "England",
        "region" => "Region",
        "statistical_neighbours" => "Statistical neighbours",
        _ => "Other",
    }
}

/// One computed figure of an indicator for a period.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Point {
    /// Period.
    pub period_start: NaiveDate,
    /// "At 31 March 2022", "March 2022".
    pub label: String,
    /// The computed figure.
    pub value: Figure,
    /// The count.
    pub numerator: i64,
    /// A percentage's denominator, or a rate's population.
    pub denominator: Option<i64>,
    /// For a rate: the population estimate's mid-year and source.
    pub population_year: Option<i32>,
    /// Its source.
    pub population_source: Option<String>,
    /// The return's revision and state.
    pub revision: i32,
    /// State.
    pub state: ReturnState,
    /// RAG against the target.
    pub rag: Rag,
    /// England's value for the same period, if recorded.
    pub england: Option<BenchmarkView>,
    /// The region's value for the same period, if recorded.
    pub region: Option<BenchmarkView>,
    /// Statistical neighbours' value for the same period, if recorded.
    pub neighbours: Option<BenchmarkView>,
    /// Against the previous period.
    pub trend: Option<Trend>,
}

fn point(v: &IndicatorView, value: &Value, bench: &[BenchmarkView]) -> ServiceResult<Point> {
    let denominator = match v.unit {
        Unit::Count => None,
        Unit::Percentage => value.denominator,
        Unit::RatePer10000 => value.population,
    };
    let figure =
        rules::figure(v.unit, value.numerator, denominator, v.decimals).ok_or_else(|| {
            ServiceError::Internal(anyhow::anyhow!("a stored value has no denominator"))
        })?;
    let at = |series: &str| {
        bench
            .iter()
            .rev()
            .find(|b| b.series == series && b.period_start == value.period_start)
            .cloned()
    };
    Ok(Point {
        period_start: value.period_start,
        label: v.period_label(value.period_start),
        value: figure,
        numerator: value.numerator,
        denominator,
        population_year: value.population_year,
        population_source: value.population_source.clone(),
        revision: value.revision,
        state: ReturnState::from_slug(&value.state).unwrap_or(ReturnState::Submitted),
        rag: rules::rag(figure, v.polarity, v.target, v.tolerance),
        england: at("england"),
        region: at("region"),
        neighbours: at("statistical_neighbours"),
        trend: None,
    })
}

/// An indicator with its series of figures (oldest first) and its benchmarks.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IndicatorDetail {
    /// The indicator.
    pub view: IndicatorView,
    /// Its computed figures, oldest first, with trends.
    pub points: Vec<Point>,
    /// Benchmark values in force (the latest recorded per series and period), by period.
    pub benchmarks: Vec<BenchmarkView>,
}

fn benchmarks_in_force(all: &[Benchmark], v: &IndicatorView) -> Vec<BenchmarkView> {
    let mut latest: HashMap<(String, NaiveDate), &Benchmark> = HashMap::new();
    for b in all
        .iter()
        .filter(|b| b.indicator_id == v.indicator.indicator_id)
    {
        latest.insert((b.series.clone(), b.period_start), b);
    }
    let mut out: Vec<BenchmarkView> = latest
        .into_values()
        .map(|b| BenchmarkView {
            series: b.series.clone(),
            value: Figure {
                scaled: b.value_scaled,
                decimals: v.decimals,
            },
            publication: b.publication.clone(),
            period_start: b.period_start,
        })
        .collect();
    out.sort_by(|a, b| (a.period_start, &a.series).cmp(&(b.period_start, &b.series)));
    out
}

async fn details(
    c: &mut Conn<'_>,
    actor: &Actor,
    basis: FigureBasis,
) -> ServiceResult<Vec<IndicatorDetail>> {
    let indicators = store::list_indicators(c, actor.partnership_id).await?;
    let benchmarks = store::benchmarks(c, actor.partnership_id).await?;
    let values = match basis {
        FigureBasis::Latest => store::current_values(c, actor.partnership_id).await?,
        FigureBasis::Approved => store::approved_values(c, actor.partnership_id).await?,
    };
    let mut out = Vec::with_capacity(indicators.len());
    for i in indicators {
        let view = IndicatorView::read(i)?;
        let bench = benchmarks_in_force(&benchmarks, &view);
        let mut points = Vec::new();
        for v in values
            .iter()
            .filter(|v| v.indicator_id == view.indicator.indicator_id)
        {
            let mut p = point(&view, v, &bench)?;
            if let Some(prev) = points.last() {
                let prev: &Point = prev;
                p.trend = Some(rules::trend(prev.value, p.value, view.polarity));
            }
            points.push(p);
        }
        out.push(IndicatorDetail {
            view,
            points,
            benchmarks: bench,
        });
    }
    Ok(out)
}

/// The catalogue (`ViewPerformance`).
pub async fn indicators(svc: &Services, actor: &Actor) -> ServiceResult<Vec<IndicatorView>> {
    actor.require(Permission::ViewPerformance)?;
    let mut pc = svc.db.acquire().await?;
    store::list_indicators(&mut pc.conn(), actor.partnership_id)
        .await?
        .into_iter()
        .map(IndicatorView::read)
        .collect()
}

/// One indicator with its figures and benchmarks (`ViewPerformance`; another partnership's is
/// `NotFound`).
pub async fn indicator(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<IndicatorDetail> {
    indicator_of(svc, actor, id, FigureBasis::Latest).await
}

/// One indicator with its figures from the returns `basis` selects (latest revisions, or approved
/// revisions only) (`ViewPerformance`; another partnership's is `NotFound`).
pub async fn indicator_of(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    basis: FigureBasis,
) -> ServiceResult<IndicatorDetail> {
    actor.require(Permission::ViewPerformance)?;
    let mut pc = svc.db.acquire().await?;
    store::find_indicator(&mut pc.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    details(&mut pc.conn(), actor, basis)
        .await?
        .into_iter()
        .find(|d| d.view.indicator.indicator_id == id)
        .ok_or(ServiceError::NotFound)
}

/// The organisations that can supply indicators (`ViewPerformance`, for forms).
pub async fn agencies(
    svc: &Services,
    actor: &Actor,
) -> ServiceResult<Vec<safeguard_store::organisations::Organisation>> {
    actor.require(Permission::ViewPerformance)?;
    let mut pc = svc.db.acquire().await?;
    Ok(organisations::list_for_partnership(&mut pc.conn(), actor.partnership_id).await?)
}

async fn check_agency(c: &mut Conn<'_>, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    organisations::find_in_partnership(c, actor.partnership_id, OrganisationId(id))
        .await?
        .map(|_| ())
        .ok_or_else(|| {
            ValidationErrors::single("organisation_id", "Select an agency of this partnership")
                .into()
        })
}

fn row(f: &IndicatorFields) -> IndicatorRow<'_> {
    IndicatorRow {
        code: &f.code,
        name: &f.name,
        definition: &f.definition,
        numerator: &f.numerator,
        denominator: &f.denominator,
        unit: f.unit.slug(),
        frequency: f.frequency.slug(),
        measure: f.measure.slug(),
        polarity: f.polarity.slug(),
        decimals: i32::from(f.decimals),
        target_scaled: f.target.map(|t| t.scaled),
        tolerance_scaled: f.tolerance.scaled,
        organisation_id: f.organisation_id,
        source: &f.source,
    }
}

fn fields_json(f: &IndicatorRow<'_>, version: i64) -> String {
    json!({
        "code": f.code, "name": f.name, "definition": f.definition, "numerator": f.numerator,
        "denominator": f.denominator, "unit": f.unit, "frequency": f.frequency, "measure": f.measure,
        "polarity": f.polarity, "decimals": f.decimals, "target_scaled": f.target_scaled,
        "tolerance_scaled": f.tolerance_scaled, "organisation_id": f.organisation_id,
        "source": f.source, "version": version,
    })
    .to_string()
}

/// Adds an indicator to the catalogue (`ManagePerformance`). Returns its id.
pub async fn create_indicator(
    svc: &Services,
    actor: &Actor,
    input: &IndicatorInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManagePerformance)?;
    let f = IndicatorFields::parse(input)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    check_agency(&mut tx.conn(), actor, f.organisation_id).await?;
    if store::code_taken(&mut tx.conn(), actor.partnership_id, &f.code, None).await? {
        return Err(ValidationErrors::single(
            "code",
            format!("{} is already in the catalogue", f.code),
        )
        .into());
    }
    let id = Uuid::new_v4();
    let r = row(&f);
    store::insert_indicator(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        &r,
        actor.person_id,
        now,
    )
    .await?;
    let mut e = actor.entry(
        "performance.indicator_create",
        "perf_indicator",
        Some(id.to_string()),
    );
    e.after = Some(fields_json(&r, 1));
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes an indicator (`ManagePerformance`) against the version the form was built from; a stale
/// version is a `Conflict` and nothing changes.
pub async fn update_indicator(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &IndicatorInput,
    version: &str,
) -> ServiceResult<()> {
    actor.require(Permission::ManagePerformance)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let before = store::find_indicator(&mut tx.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let parsed = IndicatorFields::parse(input);
    let version = version.trim().parse::<i64>().ok();
    let (f, version) = match (parsed, version) {
        (Ok(f), Some(v)) => (f, v),
        (Err(e), _) => return Err(e.into()),
        (Ok(_), None) => {
            return Err(
                ValidationErrors::single("version", "The form is out of date: reload it").into(),
            );
        }
    };
    check_agency(&mut tx.conn(), actor, f.organisation_id).await?;
    if store::code_taken(&mut tx.conn(), actor.partnership_id, &f.code, Some(id)).await? {
        return Err(ValidationErrors::single(
            "code",
            format!("{} is already in the catalogue", f.code),
        )
        .into());
    }
    let r = row(&f);
    if !store::update_indicator(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        &r,
        version,
        actor.person_id,
        now,
    )
    .await?
    {
        return Err(ServiceError::Conflict(CONFLICT_MESSAGE.to_owned()));
    }
    let b = IndicatorRow {
        code: &before.code,
        name: &before.name,
        definition: &before.definition,
        numerator: &before.numerator,
        denominator: &before.denominator,
        unit: &before.unit,
        frequency: &before.frequency,
        measure: &before.measure,
        polarity: &before.polarity,
        decimals: before.decimals,
        target_scaled: before.target_scaled,
        tolerance_scaled: before.tolerance_scaled,
        organisation_id: before.organisation_id,
        source: &before.source,
    };
    let mut e = actor.entry(
        "performance.indicator_update",
        "perf_indicator",
        Some(id.to_string()),
    );
    e.before = Some(fields_json(&b, before.version));
    e.after = Some(fields_json(&r, version + 1));
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A benchmark value as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct BenchmarkInput {
    /// `england`, `region`, `statistical_neighbours`.
    #[serde(default)]
    pub series: String,
    /// First day of the period (YYYY-MM-DD).
    #[serde(default)]
    pub period_start: String,
    /// The published value.
    #[serde(default)]
    pub value: String,
    /// The publication it came from.
    #[serde(default)]
    pub publication: String,
}

/// Records a benchmark value for an indicator (`ManagePerformance`). Returns its id.
pub async fn add_benchmark(
    svc: &Services,
    actor: &Actor,
    indicator: Uuid,
    input: &BenchmarkInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManagePerformance)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let ind = store::find_indicator(&mut tx.conn(), actor.partnership_id, indicator)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let v = IndicatorView::read(ind)?;
    let mut errors = ValidationErrors::new();
    let series = input.series.trim();
    if !matches!(series, "england" | "region" | "statistical_neighbours") {
        errors.add("series", "Select England, region or statistical neighbours");
    }
    let period = NaiveDate::parse_from_str(input.period_start.trim(), "%Y-%m-%d").ok();
    match period {
        Some(p) if rules::is_period_start(v.frequency, p) => {}
        _ => errors.add(
            "period_start",
            format!(
                "Select a period of this indicator ({})",
                v.frequency.label().to_lowercase()
            ),
        ),
    }
    let value = Figure::parse(&input.value, v.decimals);
    if value.is_none() {
        errors.add(
            "value",
            format!(
                "Value must be a number with at most {} decimal places",
                v.decimals
            ),
        );
    }
    let publication = input.publication.trim();
    if publication.is_empty() {
        errors.add("publication", "Enter the publication the value came from");
    } else if publication.chars().count() > 300 {
        errors.add("publication", "Publication must be 300 characters or fewer");
    }
    let (Some(period), Some(value)) = (period, value) else {
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let id = Uuid::new_v4();
    store::insert_benchmark(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        &BenchmarkRow {
            indicator_id: indicator,
            series,
            period_start: period,
            value_scaled: value.scaled,
            publication,
        },
        actor.person_id,
        now,
    )
    .await?;
    let mut e = actor.entry(
        "performance.benchmark_add",
        "perf_indicator",
        Some(indicator.to_string()),
    );
    e.after = Some(
        json!({"benchmark_id": id, "series": series, "period_start": period, "value": value.to_string(), "publication": publication})
            .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// The place profile.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlaceProfile {
    /// Every population estimate, superseded ones included (by band, year, then recorded).
    pub populations: Vec<Population>,
    /// Deprivation and context figures.
    pub figures: Vec<PlaceFigure>,
    /// The statistical neighbours, if recorded.
    pub neighbours: Option<NeighbourList>,
}

/// The place profile (`ViewPerformance`).
pub async fn place_profile(svc: &Services, actor: &Actor) -> ServiceResult<PlaceProfile> {
    actor.require(Permission::ViewPerformance)?;
    let mut pc = svc.db.acquire().await?;
    Ok(PlaceProfile {
        populations: store::populations(&mut pc.conn(), actor.partnership_id).await?,
        figures: store::place_figures(&mut pc.conn(), actor.partnership_id).await?,
        neighbours: store::neighbour_list(&mut pc.conn(), actor.partnership_id).await?,
    })
}

/// A population estimate as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PopulationInput {
    /// "0-17".
    #[serde(default)]
    pub age_band: String,
    /// Mid-year.
    #[serde(default)]
    pub year: String,
    /// People.
    #[serde(default)]
    pub population: String,
    /// Source.
    #[serde(default)]
    pub source: String,
}

/// Records a population estimate (`ManagePerformance`); a later one for the same band and year
/// supersedes it for returns sent afterwards. Returns its id.
pub async fn add_population(
    svc: &Services,
    actor: &Actor,
    input: &PopulationInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManagePerformance)?;
    let mut errors = ValidationErrors::new();
    let band = input.age_band.trim();
    let band_ok = band
        .split_once('-')
        .and_then(|(a, b)| Some((a.parse::<u8>().ok()?, b.parse::<u8>().ok()?)))
        .is_some_and(|(a, b)| a <= b && b <= 120);
    if !band_ok {
        errors.add("age_band", "Enter an age band like 0-17");
    }
    let year = input
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1990..=2100).contains(y));
    if year.is_none() {
        errors.add("year", "Enter the estimate's year, like 2021");
    }
    let population = input
        .population
        .trim()
        .replace(',', "")
        .parse::<i64>()
        .ok()
        .filter(|p| *p > 0);
    if population.is_none() {
        errors.add(
            "population",
            "Enter the population as a whole number above 0",
        );
    }
    let source = input.source.trim();
    if source.is_empty() {
        errors.add("source", "Enter where the estimate comes from");
    }
    let (Some(year), Some(population)) = (year, population) else {
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let id = Uuid::new_v4();
    store::insert_population(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        band,
        year,
        population,
        source,
        actor.person_id,
        now,
    )
    .await?;
    let mut e = actor.entry(
        "performance.population_add",
        "perf_population",
        Some(id.to_string()),
    );
    e.after = Some(
        json!({"age_band": band, "year": year, "population": population, "source": source})
            .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// A place figure as the demo records it (`ManagePerformance`).
pub async fn add_place_figure(
    svc: &Services,
    actor: &Actor,
    r: &PlaceFigureRow<'_>,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManagePerformance)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let id = Uuid::new_v4();
    store::insert_place_figure(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        r,
        actor.person_id,
        now,
    )
    .await?;
    let mut e = actor.entry(
        "performance.place_figure_add",
        "perf_place_figure",
        Some(id.to_string()),
    );
    e.after = Some(json!({"name": r.name, "value_scaled": r.value_scaled, "decimals": r.decimals, "year": r.year, "source": r.source}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Which return: the agency, the frequency and the period's first day (as typed).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ReturnKey {
    /// Agency id.
    #[serde(default)]
    pub organisation_id: String,
    /// `month`, `quarter`, `year`.
    #[serde(default)]
    pub frequency: String,
    /// First day of the period (YYYY-MM-DD).
    #[serde(default)]
    pub period_start: String,
}

/// What a return carries.
#[derive(Debug, Clone)]
pub enum ReturnBody {
    /// Typed in the form: (code, numerator, denominator) per indicator.
    Form(Vec<(String, String, String)>),
    /// An uploaded CSV file (name, bytes).
    Csv(String, Vec<u8>),
    /// An uploaded Excel workbook (name, bytes): its first sheet is read.
    Xlsx(String, Vec<u8>),
}

impl ReturnBody {
    /// An uploaded file: an Excel workbook when it starts like one (a zip archive), else CSV.
    pub fn upload(name: String, bytes: Vec<u8>) -> ReturnBody {
        if bytes.starts_with(b"PK\x03\x04") {
            ReturnBody::Xlsx(name, bytes)
        } else {
            ReturnBody::Csv(name, bytes)
        }
    }
}

fn whole_file(reason: impl Into<String>) -> RowError {
    RowError {
        row: 0,
        column: String::new(),
        reason: reason.into(),
    }
}

/// The most a workbook may unpack to (the sum of its parts' declared sizes). A return of
/// [`rules::MAX_RETURN_ROWS`] rows is about 30 MB of sheet and string XML; a zip bomb declares more
/// or lies, and the zip reader refuses a part that unpacks beyond its declared size.
pub const MAX_XLSX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;

/// The most cells read from a sheet: a full return's rows, each with the 51 columns looked at.
const MAX_XLSX_CELLS: usize = (rules::MAX_RETURN_ROWS + 2) * 51;

/// The columns looked at (A to AY): cells further right are ignored.
const MAX_XLSX_COL: u32 = 50;

/// The sum of the declared unpacked sizes of a zip archive's entries, read from its central
/// directory; `None` when the archive is malformed or uses zip64 sizes (far beyond any return).
pub fn zip_unpacked_size(bytes: &[u8]) -> Option<u64> {
    let u16_at = |i: usize| -> Option<u64> {
        let b = bytes.get(i..i.checked_add(2)?)?;
        Some(u64::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |i: usize| -> Option<u64> {
        let b = bytes.get(i..i.checked_add(4)?)?;
        Some(u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
    };
    // the end-of-central-directory record: 22 bytes and a comment of at most 65,535
    let lowest = bytes.len().saturating_sub(22 + 65_535);
    let eocd = (lowest..=bytes.len().checked_sub(22)?)
        .rev()
        .find(|&i| bytes.get(i..i + 4) == Some(b"PK\x05\x06".as_slice()))?;
    let entries = u16_at(eocd + 10)?;
    let mut at = usize::try_from(u32_at(eocd + 16)?).ok()?;
    let mut total: u64 = 0;
    for _ in 0..entries {
        if bytes.get(at..at.checked_add(4)?) != Some(b"PK\x01\x02".as_slice()) {
            return None;
        }
        let size = u32_at(at + 24)?;
        if size == 0xFFFF_FFFF {
            return None;
        }
        total = total.checked_add(size)?;
        let name = usize::try_from(u16_at(at + 28)?).ok()?;
        let extra = usize::try_from(u16_at(at + 30)?).ok()?;
        let comment = usize::try_from(u16_at(at + 32)?).ok()?;
        at = at.checked_add(46 + name + extra + comment)?;
    }
    Some(total)
}

/// Reads the first sheet of an Excel workbook into rows of cells, row 1 first, so that row numbers
/// are the spreadsheet's. Formula cells are kept as formulas (the return reader refuses them);
/// numbers become text the reader checks; empty cells past the third column are dropped (an empty
/// denominator cell is not a missing cell, as it is in CSV).
///
/// Hostile files get a whole-file error, never a panic or an unbounded allocation: the declared
/// unpacked size is checked first ([`MAX_XLSX_UNPACKED_BYTES`]), and the sheet is streamed cell by
/// cell (a cell at row 1,048,576 is refused, not allocated up to), reading at most
/// [`rules::MAX_RETURN_ROWS`] rows and columns A to AY.
pub fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, RowError> {
    let damaged = || {
        whole_file(
            "The file is not an Excel workbook (.xlsx), or it is damaged: save it again from Excel, or as CSV UTF-8",
        )
    };
    match zip_unpacked_size(bytes) {
        None => return Err(damaged()),
        Some(n) if n > MAX_XLSX_UNPACKED_BYTES => {
            return Err(whole_file(format!(
                "The workbook unpacks to more than {} MB: a return needs one sheet of {} rows at most; save the return on its own, or as CSV UTF-8",
                MAX_XLSX_UNPACKED_BYTES / (1024 * 1024),
                rules::MAX_RETURN_ROWS
            )));
        }
        Some(_) => {}
    }
    // calamine 0.38 overflows (a panic in debug builds, a wrapped number in release ones) on a cell
    // reference or row number beyond u32, such as r="99999999999999": such a file is damaged
    std::panic::catch_unwind(|| stream_sheet(bytes)).unwrap_or_else(|_| Err(damaged()))
}

fn stream_sheet(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, RowError> {
    use calamine::{Data, Reader, Xlsx};
    let damaged = || {
        whole_file(
            "The file is not an Excel workbook (.xlsx), or it is damaged: save it again from Excel, or as CSV UTF-8",
        )
    };
    let too_many = || {
        whole_file(format!(
            "The workbook has more than {} rows",
            rules::MAX_RETURN_ROWS
        ))
    };
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| damaged())?;
    let name = wb.sheet_names().first().cloned().ok_or_else(damaged)?;
    let mut cells = wb.worksheet_cells_reader(&name).map_err(|_| damaged())?;
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut seen = 0usize;
    while let Some(c) = cells.next_cell_with_formula().map_err(|_| damaged())? {
        seen += 1;
        if seen > MAX_XLSX_CELLS {
            return Err(too_many());
        }
        let (r, col) = c.pos;
        let r = usize::try_from(r).map_err(|_| too_many())?;
        if r > rules::MAX_RETURN_ROWS + 1 {
            return Err(too_many());
        }
        if col > MAX_XLSX_COL {
            continue;
        }
        let cell = match (c.formula.filter(|f| !f.is_empty()), Data::from(c.value)) {
            (Some(f), _) => Cell::Formula(format!("={f}")),
            (None, Data::Empty) => continue,
            (None, Data::Int(i)) => Cell::Text(i.to_string()),
            (None, Data::Float(f)) => Cell::Text(if f.fract() == 0.0 && f.abs() < 1e15 {
                // whole numbers are stored as floats by Excel
                #[allow(clippy::cast_possible_truncation)]
                let i = f as i64;
                i.to_string()
            } else {
                f.to_string()
            }),
            (None, Data::String(t)) => Cell::Text(t),
            (None, other) => Cell::Text(other.to_string()),
        };
        if rows.len() <= r {
            rows.resize_with(r + 1, Vec::new);
        }
        let row = rows.get_mut(r).ok_or_else(too_many)?;
        let col = usize::try_from(col).unwrap_or(0);
        if row.len() <= col {
            row.resize_with(col + 1, || Cell::Text(String::new()));
        }
        if let Some(slot) = row.get_mut(col) {
            *slot = cell;
        }
    }
    if rows.is_empty() {
        return Ok(rows);
    }
    // every row at least as wide as the return; trailing empty cells past it dropped
    let width = rules::RETURN_HEADINGS.len();
    for row in &mut rows {
        while row.len() > width && matches!(row.last(), Some(Cell::Text(t)) if t.is_empty()) {
            row.pop();
        }
        if row.len() < width {
            row.resize_with(width, || Cell::Text(String::new()));
        }
    }
    Ok(rows)
}

/// A checked return key.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// Agency.
    pub organisation_id: Uuid,
    /// Frequency.
    pub frequency: Frequency,
    /// Period.
    pub period_start: NaiveDate,
}

fn parse_key(k: &ReturnKey, today: NaiveDate) -> Result<Key, ValidationErrors> {
    let mut e = ValidationErrors::new();
    let org = Uuid::parse_str(k.organisation_id.trim()).ok();
    if org.is_none() {
        e.add("organisation_id", "Select the agency");
    }
    let freq = Frequency::from_slug(k.frequency.trim());
    if freq.is_none() {
        e.add("frequency", "Select monthly, quarterly or yearly");
    }
    let period = NaiveDate::parse_from_str(k.period_start.trim(), "%Y-%m-%d").ok();
    match (freq, period) {
        (Some(f), Some(p)) if rules::is_period_start(f, p) && p <= today => {}
        (Some(_), Some(p)) if p > today => e.add("period_start", "The period has not started yet"),
        _ => e.add("period_start", "Select the period the return is for"),
    }
    match (org, freq, period) {
        (Some(organisation_id), Some(frequency), Some(period_start)) if e.is_empty() => Ok(Key {
            organisation_id,
            frequency,
            period_start,
        }),
        _ => Err(e),
    }
}

/// The indicators an agency supplies at a frequency (`ViewPerformance`): what its return holds.
pub async fn return_indicators(
    svc: &Services,
    actor: &Actor,
    organisation: Uuid,
    frequency: Frequency,
) -> ServiceResult<Vec<IndicatorView>> {
    Ok(indicators(svc, actor)
        .await?
        .into_iter()
        .filter(|i| i.indicator.organisation_id == organisation && i.frequency == frequency)
        .collect())
}

/// Sends an agency's return (`SubmitPerformanceReturns`; agency leads for their own organisation
/// only). The outer error is for the key and access; the inner `Err` lists every row problem, and
/// then nothing is written. Returns the new revision's id.
pub async fn submit_return(
    svc: &Services,
    actor: &Actor,
    key: &ReturnKey,
    body: &ReturnBody,
) -> ServiceResult<Result<Uuid, Vec<RowError>>> {
    submit_return_with_progress(svc, actor, key, body, |_| {}).await
}

/// How far [`submit_return_with_progress`] has got, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The file is read: this many rows (with the heading row).
    Read(usize),
    /// Every row is checked: this many values to write.
    Checked(usize),
    /// This many of the values are written.
    Written(usize),
}

/// [`submit_return`], telling `progress` how far it has got. Every row is read and checked before
/// anything is written; the values are written in multi-row batches in the one transaction that
/// also records the return and its audit entry.
pub async fn submit_return_with_progress(
    svc: &Services,
    actor: &Actor,
    key: &ReturnKey,
    body: &ReturnBody,
    mut progress: impl FnMut(Progress),
) -> ServiceResult<Result<Uuid, Vec<RowError>>> {
    actor.require(Permission::SubmitPerformanceReturns)?;
    let now = svc.now();
    let k = parse_key(key, safeguard_domain::actions::uk_date(now))?;
    if !actor.can(Permission::ManagePerformance) && actor.organisation_id.0 != k.organisation_id {
        return Err(ServiceError::Forbidden(
            "agency leads send their own organisation's return",
        ));
    }
    let mut tx = svc.db.begin().await?;
    check_agency(&mut tx.conn(), actor, k.organisation_id).await?;
    let inds: Vec<IndicatorView> = store::list_indicators(&mut tx.conn(), actor.partnership_id)
        .await?
        .into_iter()
        .map(IndicatorView::read)
        .collect::<ServiceResult<Vec<_>>>()?
        .into_iter()
        .filter(|i| i.indicator.organisation_id == k.organisation_id && i.frequency == k.frequency)
        .collect();
    if inds.is_empty() {
        return Err(ValidationErrors::single(
            "organisation_id",
            format!("This agency supplies no {} indicators", k.frequency.slug()),
        )
        .into());
    }
    let wanted: Vec<ReturnIndicator> = inds
        .iter()
        .map(|i| ReturnIndicator {
            code: i.indicator.code.clone(),
            unit: i.unit,
        })
        .collect();
    let (rows, method, file_name) = match body {
        ReturnBody::Form(values) => {
            let mut rows = vec![
                rules::RETURN_HEADINGS
                    .iter()
                    .map(|h| Cell::Text((*h).to_owned()))
                    .collect::<Vec<_>>(),
            ];
            for (code, n, d) in values {
                rows.push(vec![
                    Cell::Text(code.clone()),
                    Cell::Text(n.clone()),
                    Cell::Text(d.clone()),
                ]);
            }
            (rows, "form", None)
        }
        ReturnBody::Csv(name, bytes) => {
            if bytes.len() > rules::MAX_RETURN_BYTES {
                return Ok(Err(vec![RowError {
                    row: 0,
                    column: String::new(),
                    reason: format!(
                        "The file is larger than {} MB",
                        rules::MAX_RETURN_BYTES / (1024 * 1024)
                    ),
                }]));
            }
            match rules::read_csv(bytes) {
                Ok(rows) => (rows, "csv", Some(name.as_str())),
                Err(e) => return Ok(Err(vec![e])),
            }
        }
        ReturnBody::Xlsx(name, bytes) => {
            if bytes.len() > rules::MAX_RETURN_BYTES {
                return Ok(Err(vec![whole_file(format!(
                    "The file is larger than {} MB",
                    rules::MAX_RETURN_BYTES / (1024 * 1024)
                ))]));
            }
            match read_xlsx(bytes) {
                Ok(rows) => (rows, "xlsx", Some(name.as_str())),
                Err(e) => return Ok(Err(vec![e])),
            }
        }
    };
    progress(Progress::Read(rows.len()));
    let lines = match rules::check_return(&rows, &wanted) {
        Ok(l) => l,
        Err(errors) => return Ok(Err(errors)),
    };
    drop(rows);
    // a rate's denominator: the population estimate for the period
    let end = rules::period_end(k.frequency, k.period_start);
    let pop_year = rules::population_year_for(end);
    let population = store::population_for(
        &mut tx.conn(),
        actor.partnership_id,
        Unit::RATE_AGE_BAND,
        pop_year,
    )
    .await?;
    let mut errors = Vec::new();
    let mut values = Vec::with_capacity(lines.len());
    let by_code: HashMap<&str, &IndicatorView> = inds
        .iter()
        .map(|i| (i.indicator.code.as_str(), i))
        .collect();
    for l in &lines {
        let Some(ind) = by_code.get(l.code.as_str()).copied() else {
            continue;
        };
        let (population_id, pop) = if ind.unit == Unit::RatePer10000 {
            match &population {
                Some(p) => (Some(p.population_id), Some(p.population)),
                None => {
                    errors.push(RowError {
                        row: 0,
                        column: String::new(),
                        reason: format!(
                            "{} is a rate per 10,000 children aged 0 to 17, and the place profile has no 0-17 population estimate for mid-{pop_year}: an administrator must add it first",
                            l.code
                        ),
                    });
                    (None, None)
                }
            }
        } else {
            (None, None)
        };
        values.push(ValueRow {
            indicator_id: ind.indicator.indicator_id,
            numerator: l.numerator,
            denominator: l.denominator,
            population_id,
            population: pop,
        });
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    progress(Progress::Checked(values.len()));
    let revision = store::next_revision(
        &mut tx.conn(),
        actor.partnership_id,
        k.organisation_id,
        k.frequency.slug(),
        k.period_start,
    )
    .await?;
    let id = Uuid::new_v4();
    store::insert_return(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        &ReturnRow {
            organisation_id: k.organisation_id,
            frequency: k.frequency.slug(),
            period_start: k.period_start,
            revision,
            method,
            file_name,
        },
        actor.person_id,
        now,
    )
    .await?;
    store::insert_values_with_progress(&mut tx.conn(), actor.partnership_id, id, &values, |n| {
        progress(Progress::Written(n));
    })
    .await?;
    let mut e = actor.entry(
        "performance.return_submit",
        "perf_return",
        Some(id.to_string()),
    );
    // The values are kept, revision by revision, in the return itself; the audit entry lists them
    // when there are few, and for a large file (an import of 100,000 rows made a 6 MB entry) holds
    // their number and the SHA-256 of the same list, which the stored values can be checked against.
    let listed: Vec<_> = lines
        .iter()
        .map(|l| json!({"code": l.code, "numerator": l.numerator, "denominator": l.denominator}))
        .collect();
    let mut after = json!({
        "organisation_id": k.organisation_id, "frequency": k.frequency.slug(),
        "period_start": k.period_start, "revision": revision, "method": method,
        "file_name": file_name,
        "value_count": listed.len(),
        "population_id": population.as_ref().map(|p| p.population_id),
    });
    let listed = serde_json::Value::Array(listed);
    if lines.len() <= AUDIT_LISTED_VALUES {
        after["values"] = listed;
    } else {
        after["values_sha256"] = json!(safeguard_domain::files::sha256_hex(
            listed.to_string().as_bytes()
        ));
    }
    e.after = Some(after.to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Up to this many values are listed in a return's audit entry; more are summarised by a digest.
pub const AUDIT_LISTED_VALUES: usize = 200;

/// A return with its values.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReturnView {
    /// The return.
    pub ret: Return,
    /// Its state.
    pub state: ReturnState,
    /// "March 2022".
    pub period_label: String,
    /// Its values with their indicators' codes and names.
    pub values: Vec<(String, String, Value)>,
}

/// Every return (all revisions), newest period first (`ViewPerformance`).
pub async fn returns(svc: &Services, actor: &Actor) -> ServiceResult<Vec<Return>> {
    actor.require(Permission::ViewPerformance)?;
    let mut pc = svc.db.acquire().await?;
    Ok(store::list_returns(&mut pc.conn(), actor.partnership_id).await?)
}

/// The label of a return's period.
pub fn return_period_label(r: &Return) -> String {
    Frequency::from_slug(&r.frequency)
        .map(|f| rules::period_label(f, r.period_start))
        .unwrap_or_default()
}

/// One return with its values (`ViewPerformance`; another partnership's is `NotFound`).
pub async fn get_return(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<ReturnView> {
    actor.require(Permission::ViewPerformance)?;
    let mut pc = svc.db.acquire().await?;
    let ret = store::find_return(&mut pc.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let inds = store::list_indicators(&mut pc.conn(), actor.partnership_id).await?;
    let values = store::values_of_return(&mut pc.conn(), actor.partnership_id, id)
        .await?
        .into_iter()
        .map(|v| {
            let i = inds.iter().find(|i| i.indicator_id == v.indicator_id);
            (
                i.map(|i| i.code.clone()).unwrap_or_default(),
                i.map(|i| i.name.clone()).unwrap_or_default(),
                v,
            )
        })
        .collect();
    Ok(ReturnView {
        state: ReturnState::from_slug(&ret.state).unwrap_or(ReturnState::Submitted),
        period_label: return_period_label(&ret),
        ret,
        values,
    })
}

/// Moves a return on (submitted → checked → approved) (`ManagePerformance`). `from` is the state
/// the page showed: if it changed meanwhile the request is a `Conflict`.
pub async fn advance_return(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    from: &str,
) -> ServiceResult<ReturnState> {
    actor.require(Permission::ManagePerformance)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let ret = store::find_return(&mut tx.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let Some(from) = ReturnState::from_slug(from.trim()) else {
        return Err(ValidationErrors::single("state", "The form is out of date: reload it").into());
    };
    let Some(to) = from.next() else {
        return Err(ServiceError::Conflict(
            "This return is already approved.".to_owned(),
        ));
    };
    if !store::set_state(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        from.slug(),
        to.slug(),
        actor.person_id,
        now,
    )
    .await?
    {
        return Err(ServiceError::Conflict(format!(
            "This return is now {}: reload the page.",
            ret.state
        )));
    }
    let action = if to == ReturnState::Approved {
        "performance.return_approved"
    } else {
        "performance.return_checked"
    };
    let mut e = actor.entry(action, "perf_return", Some(id.to_string()));
    e.before = Some(json!({"state": from.slug()}).to_string());
    e.after = Some(json!({"state": to.slug()}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(to)
}

/// One line of the dashboard.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DashboardRow {
    /// The indicator.
    pub view: IndicatorView,
    /// Its latest figure on or before the date asked for.
    pub latest: Option<Point>,
}

/// The dashboard: every indicator's latest figure whose period ends on or before `as_at` (all when
/// `None`) (`ViewPerformance`).
pub async fn dashboard(
    svc: &Services,
    actor: &Actor,
    as_at: Option<NaiveDate>,
) -> ServiceResult<Vec<DashboardRow>> {
    dashboard_of(svc, actor, as_at, FigureBasis::Latest).await
}

/// The dashboard from the returns `basis` selects: the latest revision of each return, or approved
/// revisions only, so that a revision sent but not yet approved changes only the latest view
/// (`ViewPerformance`).
pub async fn dashboard_of(
    svc: &Services,
    actor: &Actor,
    as_at: Option<NaiveDate>,
    basis: FigureBasis,
) -> ServiceResult<Vec<DashboardRow>> {
    actor.require(Permission::ViewPerformance)?;
    let mut pc = svc.db.acquire().await?;
    let all = details(&mut pc.conn(), actor, basis).await?;
    Ok(all
        .into_iter()
        .map(|d| {
            let latest = d
                .points
                .iter()
                .rev()
                .find(|p| {
                    as_at.is_none_or(|a| rules::period_end(d.view.frequency, p.period_start) <= a)
                })
                .cloned();
            DashboardRow {
                view: d.view,
                latest,
            }
        })
        .collect())
}

/// The exception report: indicators whose latest figure is off target (red), then near target
/// (amber) (`ViewPerformance`).
pub async fn exceptions(
    svc: &Services,
    actor: &Actor,
    as_at: Option<NaiveDate>,
) -> ServiceResult<Vec<DashboardRow>> {
    exceptions_of(svc, actor, as_at, FigureBasis::Latest).await
}

/// The exception report from the returns `basis` selects (`ViewPerformance`).
pub async fn exceptions_of(
    svc: &Services,
    actor: &Actor,
    as_at: Option<NaiveDate>,
    basis: FigureBasis,
) -> ServiceResult<Vec<DashboardRow>> {
    let mut rows: Vec<DashboardRow> = dashboard_of(svc, actor, as_at, basis)
        .await?
        .into_iter()
        .filter(|r| {
            r.latest
                .as_ref()
                .is_some_and(|p| matches!(p.rag, Rag::Red | Rag::Amber))
        })
        .collect();
    rows.sort_by_key(|r| {
        (
            r.latest.as_ref().is_some_and(|p| p.rag == Rag::Amber),
            r.view.indicator.code.clone(),
        )
    });
    Ok(rows)
}

/// The dashboard export's headings.
pub const EXPORT_HEADINGS: [&str; 16] = [
    "Code",
    "Indicator",
    "Unit",
    "Period",
    "Value",
    "Numerator",
    "Denominator or population",
    "Target",
    "RAG",
    "England",
    "England publication",
    "Return state",
    "Region",
    "Region publication",
    "Statistical neighbours",
    "Statistical neighbours publication",
];

fn export_cells(r: &DashboardRow) -> [String; 16] {
    let bench = |b: Option<&BenchmarkView>| {
        (
            b.map(|b| b.value.to_string()).unwrap_or_default(),
            b.map(|b| b.publication.clone()).unwrap_or_default(),
        )
    };
    let (region, region_pub) = bench(r.latest.as_ref().and_then(|p| p.region.as_ref()));
    let (sn, sn_pub) = bench(r.latest.as_ref().and_then(|p| p.neighbours.as_ref()));
    let v = &r.view;
    let p = r.latest.as_ref();
    [
        v.indicator.code.clone(),
        v.indicator.name.clone(),
        v.unit.label().to_owned(),
        p.map(|p| p.label.clone()).unwrap_or_default(),
        p.map(|p| p.value.to_string()).unwrap_or_default(),
        p.map(|p| p.numerator.to_string()).unwrap_or_default(),
        p.and_then(|p| p.denominator)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        v.target.map(|t| t.to_string()).unwrap_or_default(),
        p.map(|p| p.rag.label().to_owned()).unwrap_or_default(),
        p.and_then(|p| p.england.as_ref())
            .map(|b| b.value.to_string())
            .unwrap_or_default(),
        p.and_then(|p| p.england.as_ref())
            .map(|b| b.publication.clone())
            .unwrap_or_default(),
        p.map(|p| p.state.label().to_owned()).unwrap_or_default(),
        region,
        region_pub,
        sn,
        sn_pub,
    ]
}

fn xlsx_of(
    headings: &[&str],
    rows: &[Vec<String>],
    sheet: &str,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Format::new().set_bold();
    for (i, h) in headings.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(0);
        ws.write_string_with_format(0, col, *h, &bold)?;
        ws.set_column_width(col, 18.0)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (i, cells) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (j, c) in cells.iter().enumerate() {
            ws.write_string(r, u16::try_from(j).unwrap_or(0), c)?;
        }
    }
    wb.save_to_buffer()
}

/// Exports the dashboard (`ViewPerformance`), after committing the `performance.export` audit
/// entry.
pub async fn export(
    svc: &Services,
    actor: &Actor,
    as_at: Option<NaiveDate>,
    format: ExportFormat,
) -> ServiceResult<Export> {
    export_of(svc, actor, as_at, format, FigureBasis::Latest).await
}

/// Exports the dashboard from the returns `basis` selects (`ViewPerformance`); an approved-only
/// file is named `performance-approved…`.
pub async fn export_of(
    svc: &Services,
    actor: &Actor,
    as_at: Option<NaiveDate>,
    format: ExportFormat,
    basis: FigureBasis,
) -> ServiceResult<Export> {
    let rows = dashboard_of(svc, actor, as_at, basis).await?;
    let cells: Vec<Vec<String>> = rows.iter().map(|r| export_cells(r).to_vec()).collect();
    let bytes = match format {
        ExportFormat::Csv => {
            let mut out = CsvWriter::new(&EXPORT_HEADINGS);
            for c in &cells {
                out.record(c);
            }
            out.into_bytes()
        }
        ExportFormat::Xlsx => xlsx_of(&EXPORT_HEADINGS, &cells, "Performance")
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("xlsx export: {e}")))?,
    };
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let mut e = actor.entry("performance.export", "performance_dashboard", None);
    e.after =
        Some(json!({"as_at": as_at, "format": format.extension(), "rows": rows.len(), "figures": basis.slug()}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    let suffix = as_at.map(|d| format!("-{d}")).unwrap_or_default();
    let kind = match basis {
        FigureBasis::Latest => "",
        FigureBasis::Approved => "-approved",
    };
    Ok(Export {
        file_name: format!("performance{kind}{suffix}.{}", format.extension()),
        content_type: format.content_type(),
        rows: rows.len(),
        bytes,
    })
}

/// The XLSX template of an agency's return at a frequency (`SubmitPerformanceReturns`): the headings
/// and one row per indicator with its code; numerator and denominator to fill in.
pub async fn template(
    svc: &Services,
    actor: &Actor,
    organisation: Uuid,
    frequency: Frequency,
) -> ServiceResult<Export> {
    actor.require(Permission::SubmitPerformanceReturns)?;
    let inds = return_indicators(svc, actor, organisation, frequency).await?;
    if inds.is_empty() {
        return Err(ServiceError::NotFound);
    }
    let rows: Vec<Vec<String>> = inds
        .iter()
        .map(|i| vec![i.indicator.code.clone(), String::new(), String::new()])
        .collect();
    let bytes = xlsx_of(&rules::RETURN_HEADINGS, &rows, "Return")
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("xlsx template: {e}")))?;
    Ok(Export {
        file_name: format!("return-template-{}.xlsx", frequency.slug()),
        content_type: ExportFormat::Xlsx.content_type(),
        rows: rows.len(),
        bytes,
    })
}

/// Message for a stale place-profile edit.
pub const PLACE_CONFLICT_MESSAGE: &str = "Someone else changed this while you were editing it. \
     Your changes are shown below and have not been saved: check them, then save again.";

fn place_row(f: &PlaceFigureFields) -> PlaceFigureRow<'_> {
    PlaceFigureRow {
        name: &f.name,
        value_scaled: f.value.scaled,
        england_scaled: f.england.map(|e| e.scaled),
        decimals: i32::from(f.value.decimals),
        unit: f.unit.slug(),
        year: f.year,
        source: &f.source,
    }
}

fn place_json(r: &PlaceFigureRow<'_>, version: i64) -> String {
    json!({
        "name": r.name, "value_scaled": r.value_scaled, "england_scaled": r.england_scaled,
        "decimals": r.decimals, "unit": r.unit, "year": r.year, "source": r.source,
        "version": version,
    })
    .to_string()
}

/// The input a form is filled with to edit a place figure.
pub fn place_figure_input(f: &PlaceFigure) -> PlaceFigureInput {
    let d = u8::try_from(f.decimals).unwrap_or(0);
    let fig = |scaled| {
        Figure {
            scaled,
            decimals: d,
        }
        .to_string()
        .replace(',', "")
    };
    PlaceFigureInput {
        name: f.name.clone(),
        unit: f.unit.clone(),
        value: fig(f.value_scaled),
        england: f.england_scaled.map(fig).unwrap_or_default(),
        year: f.year.to_string(),
        source: f.source.clone(),
    }
}

/// One place figure (`ViewPerformance`; another partnership's is `NotFound`).
pub async fn place_figure(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<PlaceFigure> {
    actor.require(Permission::ViewPerformance)?;
    let mut pc = svc.db.acquire().await?;
    store::find_place_figure(&mut pc.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Adds a deprivation or context figure to the place profile from a form or the API
/// (`ManagePerformance`). Returns its id.
pub async fn create_place_figure(
    svc: &Services,
    actor: &Actor,
    input: &PlaceFigureInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManagePerformance)?;
    let f = PlaceFigureFields::parse(input)?;
    add_place_figure(svc, actor, &place_row(&f)).await
}

/// Changes a place figure (`ManagePerformance`) against the version the form was built from; a
/// stale version is a `Conflict` and nothing changes. The audit entry keeps before and after.
pub async fn update_place_figure(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &PlaceFigureInput,
    version: &str,
) -> ServiceResult<()> {
    actor.require(Permission::ManagePerformance)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let before = store::find_place_figure(&mut tx.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let f = PlaceFigureFields::parse(input)?;
    let Some(version) = version.trim().parse::<i64>().ok() else {
        return Err(ValidationErrors::single("name", "The form is out of date: reload it").into());
    };
    let r = place_row(&f);
    if !store::update_place_figure(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        &r,
        version,
        actor.person_id,
        now,
    )
    .await?
    {
        return Err(ServiceError::Conflict(PLACE_CONFLICT_MESSAGE.to_owned()));
    }
    let b = PlaceFigureRow {
        name: &before.name,
        value_scaled: before.value_scaled,
        england_scaled: before.england_scaled,
        decimals: before.decimals,
        unit: &before.unit,
        year: before.year,
        source: &before.source,
    };
    let mut e = actor.entry(
        "performance.place_figure_update",
        "perf_place_figure",
        Some(id.to_string()),
    );
    e.before = Some(place_json(&b, before.version));
    e.after = Some(place_json(&r, version + 1));
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Records the statistical-neighbour list (`ManagePerformance`): the first time with version 0,
/// then against the version the form was built from (a stale one is a `Conflict`). The audit
/// entry keeps before and after.
pub async fn save_neighbours(
    svc: &Services,
    actor: &Actor,
    input: &NeighbourInput,
    version: &str,
) -> ServiceResult<()> {
    actor.require(Permission::ManagePerformance)?;
    let f = NeighbourFields::parse(input)?;
    let Some(version) = version.trim().parse::<i64>().ok().filter(|v| *v >= 0) else {
        return Err(
            ValidationErrors::single("authorities", "The form is out of date: reload it").into(),
        );
    };
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let before = store::neighbour_list(&mut tx.conn(), actor.partnership_id).await?;
    let joined = f.joined();
    if !store::save_neighbour_list(
        &mut tx.conn(),
        actor.partnership_id,
        &joined,
        &f.source,
        version,
        actor.person_id,
        now,
    )
    .await?
    {
        return Err(ServiceError::Conflict(PLACE_CONFLICT_MESSAGE.to_owned()));
    }
    let mut e = actor.entry("performance.neighbours_save", "perf_neighbour_list", None);
    e.before = before.map(|b| {
        json!({"authorities": b.authorities.lines().collect::<Vec<_>>(), "source": b.source, "version": b.version})
            .to_string()
    });
    e.after = Some(
        json!({"authorities": f.authorities, "source": f.source, "version": version + 1})
            .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{Formula, Workbook};

    fn inds() -> Vec<ReturnIndicator> {
        vec![
            ReturnIndicator {
                code: "CP-RATE".into(),
                unit: Unit::RatePer10000,
            },
            ReturnIndicator {
                code: "RE-REF".into(),
                unit: Unit::Percentage,
            },
        ]
    }

    fn workbook(rows: &[[&str; 3]], formula_at: Option<(u32, u16)>) -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r).unwrap();
            for (c, v) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap();
                if formula_at == Some((r, c)) {
                    ws.write_formula(r, c, Formula::new("=1+1")).unwrap();
                } else if let Ok(n) = v.parse::<f64>() {
                    ws.write_number(r, c, n).unwrap();
                } else if !v.is_empty() {
                    ws.write_string(r, c, *v).unwrap();
                }
            }
        }
        wb.save_to_buffer().unwrap()
    }

    const H: [&str; 3] = ["indicator_code", "numerator", "denominator"];

    #[test]
    fn a_workbook_return_is_read_with_numbers_as_whole_numbers() {
        let bytes = workbook(&[H, ["CP-RATE", "257", ""], ["RE-REF", "12", "50"]], None);
        assert!(matches!(
            ReturnBody::upload("r.xlsx".into(), bytes.clone()),
            ReturnBody::Xlsx(..)
        ));
        let rows = read_xlsx(&bytes).unwrap();
        let lines = rules::check_return(&rows, &inds()).unwrap();
        assert_eq!(lines[0].numerator, 257);
        assert_eq!(lines[1].denominator, Some(50));
    }

    #[test]
    fn formula_cells_and_fractions_in_a_workbook_are_refused_with_their_row() {
        let bytes = workbook(
            &[H, ["CP-RATE", "2", ""], ["RE-REF", "12.5", "50"]],
            Some((1, 1)),
        );
        let rows = read_xlsx(&bytes).unwrap();
        let e = rules::check_return(&rows, &inds()).unwrap_err();
        let got: Vec<String> = e.iter().map(RowError::message).collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].starts_with("Row 2, numerator: The cell holds a formula (=1+1)"));
        assert_eq!(got[1], "Row 3, numerator: \"12.5\" is not a whole number");
    }

    #[test]
    fn a_damaged_or_empty_workbook_is_refused() {
        let e = read_xlsx(b"PK\x03\x04 not really a zip").unwrap_err();
        assert!(e.reason.contains("not an Excel workbook"));
        let empty = workbook(&[], None);
        let rows = read_xlsx(&empty).unwrap();
        assert!(
            rules::check_return(&rows, &inds()).unwrap_err()[0]
                .reason
                .contains("empty")
        );
        assert!(matches!(
            ReturnBody::upload("r.csv".into(), b"a,b".to_vec()),
            ReturnBody::Csv(..)
        ));
    }

    #[test]
    fn the_template_reads_back_with_its_codes() {
        let rows: Vec<Vec<String>> = vec![vec!["CP-RATE".into(), String::new(), String::new()]];
        let bytes = xlsx_of(&rules::RETURN_HEADINGS, &rows, "Return").unwrap();
        let read = read_xlsx(&bytes).unwrap();
        assert_eq!(
            read[0],
            RETURN_CELLS.map(|h| Cell::Text(h.to_owned())).to_vec()
        );
        assert_eq!(
            read[1],
            vec![
                Cell::Text("CP-RATE".into()),
                Cell::Text(String::new()),
                Cell::Text(String::new())
            ]
        );
    }

    const RETURN_CELLS: [&str; 3] = rules::RETURN_HEADINGS;
}
