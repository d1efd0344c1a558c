//! The performance framework: indicators, benchmarks, population estimates, place figures and agency
//! data returns with their values. Every function takes the partnership and filters by it. Nothing
//! is deleted: benchmarks and population estimates are superseded by later rows, returns by later
//! revisions.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::{PartnershipId, PersonId};
use uuid::Uuid;

/// An indicator of the catalogue, with its supplier's name.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Indicator {
    /// Id.
    pub indicator_id: Uuid,
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
    /// Unit slug.
    pub unit: String,
    /// Frequency slug.
    pub frequency: String,
    /// Measure slug.
    pub measure: String,
    /// Polarity slug.
    pub polarity: String,
    /// Decimal places.
    pub decimals: i32,
    /// Target × 10^decimals.
    pub target_scaled: Option<i64>,
    /// Tolerance × 10^decimals.
    pub tolerance_scaled: i64,
    /// Supplying agency.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// Source.
    pub source: String,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic concurrency version.
    pub version: i64,
}

const SELECT_INDICATOR: &str = "select i.indicator_id, i.code, i.name, i.definition, i.numerator, \
     i.denominator, i.unit, i.frequency, i.measure, i.polarity, i.decimals, i.target_scaled, \
     i.tolerance_scaled, i.organisation_id, o.name as organisation_name, i.source, i.updated_at, \
     i.version from perf_indicator i join organisation o on o.organisation_id = i.organisation_id";

/// The fields of an indicator as written.
#[derive(Debug, Clone)]
pub struct IndicatorRow<'a> {
    /// Code.
    pub code: &'a str,
    /// Name.
    pub name: &'a str,
    /// Definition.
    pub definition: &'a str,
    /// Numerator.
    pub numerator: &'a str,
    /// Denominator.
    pub denominator: &'a str,
    /// Unit slug.
    pub unit: &'a str,
    /// Frequency slug.
    pub frequency: &'a str,
    /// Measure slug.
    pub measure: &'a str,
    /// Polarity slug.
    pub polarity: &'a str,
    /// Decimals.
    pub decimals: i32,
    /// Target.
    pub target_scaled: Option<i64>,
    /// Tolerance.
    pub tolerance_scaled: i64,
    /// Supplier.
    pub organisation_id: Uuid,
    /// Source.
    pub source: &'a str,
}

/// Inserts an indicator (version 1).
pub async fn insert_indicator(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    r: &IndicatorRow<'_>,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = "insert into perf_indicator (indicator_id, partnership_id, code, name, definition, \
               numerator, denominator, unit, frequency, measure, polarity, decimals, target_scaled, \
               tolerance_scaled, organisation_id, source, created_by, created_at, updated_by, \
               updated_at, version) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
               $14, $15, $16, $17, $18, $17, $18, 1)";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(partnership.0)
        .bind(r.code)
        .bind(r.name)
        .bind(r.definition)
        .bind(r.numerator)
        .bind(r.denominator)
        .bind(r.unit)
        .bind(r.frequency)
        .bind(r.measure)
        .bind(r.polarity)
        .bind(r.decimals)
        .bind(r.target_scaled)
        .bind(r.tolerance_scaled)
        .bind(r.organisation_id)
        .bind(r.source)
        .bind(by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Changes an indicator if its version is still `expected`; false when stale or missing.
pub async fn update_indicator(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    r: &IndicatorRow<'_>,
    expected: i64,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update perf_indicator set code = $3, name = $4, definition = $5, numerator = $6, \
               denominator = $7, unit = $8, frequency = $9, measure = $10, polarity = $11, \
               decimals = $12, target_scaled = $13, tolerance_scaled = $14, organisation_id = $15, \
               source = $16, updated_by = $17, updated_at = $18, version = version + 1 \
               where partnership_id = $1 and indicator_id = $2 and version = $19";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(r.code)
        .bind(r.name)
        .bind(r.definition)
        .bind(r.numerator)
        .bind(r.denominator)
        .bind(r.unit)
        .bind(r.frequency)
        .bind(r.measure)
        .bind(r.polarity)
        .bind(r.decimals)
        .bind(r.target_scaled)
        .bind(r.tolerance_scaled)
        .bind(r.organisation_id)
        .bind(r.source)
        .bind(by.0)
        .bind(now)
        .bind(expected)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The partnership's indicators, by code.
pub async fn list_indicators(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
) -> Result<Vec<Indicator>> {
    let sql = format!("{SELECT_INDICATOR} where i.partnership_id = $1 order by i.code");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Indicator>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .fetch_all(e)
    .await)?)
}

/// One indicator of the partnership.
pub async fn find_indicator(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
) -> Result<Option<Indicator>> {
    let sql = format!("{SELECT_INDICATOR} where i.partnership_id = $1 and i.indicator_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Indicator>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id)
    .fetch_optional(e)
    .await)?)
}

/// Is `code` taken by another indicator of the partnership?
pub async fn code_taken(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    code: &str,
    except: Option<Uuid>,
) -> Result<bool> {
    let n: i64 = on_conn!(c, |e| {
        sqlx::query_scalar(
        "select count(*) from perf_indicator where partnership_id = $1 and code = $2 and indicator_id <> $3"
    )
    .bind(partnership.0)
    .bind(code)
    .bind(except.unwrap_or(Uuid::nil()))
    .fetch_one(e)
    .await
    })?;
    Ok(n > 0)
}

/// A benchmark value.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Benchmark {
    /// Id.
    pub benchmark_id: Uuid,
    /// Indicator.
    pub indicator_id: Uuid,
    /// `england`, `region`, `statistical_neighbours`.
    pub series: String,
    /// The period it is for.
    pub period_start: NaiveDate,
    /// Value × 10^decimals of the indicator.
    pub value_scaled: i64,
    /// The publication it came from.
    pub publication: String,
    /// Recorded.
    pub created_at: DateTime<Utc>,
}

/// A benchmark to record.
#[derive(Debug, Clone)]
pub struct BenchmarkRow<'a> {
    /// Indicator.
    pub indicator_id: Uuid,
    /// Series slug.
    pub series: &'a str,
    /// Period.
    pub period_start: NaiveDate,
    /// Value.
    pub value_scaled: i64,
    /// Publication.
    pub publication: &'a str,
}

/// Records a benchmark value (a later one for the same series and period supersedes it).
pub async fn insert_benchmark(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    r: &BenchmarkRow<'_>,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    on_conn!(c, |e| {
        sqlx::query(
        "insert into perf_benchmark (benchmark_id, partnership_id, indicator_id, series, period_start, \
         value_scaled, publication, created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )
    .bind(id)
    .bind(partnership.0)
    .bind(r.indicator_id)
    .bind(r.series)
    .bind(r.period_start)
    .bind(r.value_scaled)
    .bind(r.publication)
    .bind(by.0)
    .bind(now)
    .execute(e)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Every benchmark value of the partnership (all indicators, superseded ones included), oldest
/// recorded first: the service keeps the last per indicator, series and period.
pub async fn benchmarks(c: &mut Conn<'_>, partnership: PartnershipId) -> Result<Vec<Benchmark>> {
    Ok(on_conn!(c, |e| {
        sqlx::query_as::<_, Benchmark>(
        "select benchmark_id, indicator_id, series, period_start, value_scaled, publication, created_at \
         from perf_benchmark where partnership_id = $1 order by created_at, benchmark_id"
    )
    .bind(partnership.0)
    .fetch_all(e)
    .await
    })?)
}

/// A population estimate.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Population {
    /// Id.
    pub population_id: Uuid,
    /// Age band ("0-17").
    pub age_band: String,
    /// Mid-year of the estimate.
    pub year: i32,
    /// People.
    pub population: i64,
    /// Source.
    pub source: String,
    /// Recorded.
    pub created_at: DateTime<Utc>,
}

/// Records a population estimate.
#[allow(clippy::too_many_arguments)]
pub async fn insert_population(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    age_band: &str,
    year: i32,
    population: i64,
    source: &str,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    on_conn!(c, |e| sqlx::query(
        "insert into perf_population (population_id, partnership_id, age_band, year, population, \
         source, created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)"
    )
    .bind(id)
    .bind(partnership.0)
    .bind(age_band)
    .bind(year)
    .bind(population)
    .bind(source)
    .bind(by.0)
    .bind(now)
    .execute(e)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Every population estimate (superseded ones included), by band and year, latest recorded last.
pub async fn populations(c: &mut Conn<'_>, partnership: PartnershipId) -> Result<Vec<Population>> {
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Population>(
        "select population_id, age_band, year, population, source, created_at from perf_population \
         where partnership_id = $1 order by age_band, year, created_at, population_id"
    )
    .bind(partnership.0)
    .fetch_all(e)
    .await)?)
}

/// The estimate in force for a band and year: the latest recorded.
pub async fn population_for(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    age_band: &str,
    year: i32,
) -> Result<Option<Population>> {
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Population>(
        "select population_id, age_band, year, population, source, created_at from perf_population \
         where partnership_id = $1 and age_band = $2 and year = $3 \
         order by created_at desc, population_id desc limit 1"
    )
    .bind(partnership.0)
    .bind(age_band)
    .bind(year)
    .fetch_optional(e)
    .await)?)
}

/// A context figure of the place profile.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PlaceFigure {
    /// Id.
    pub place_figure_id: Uuid,
    /// What it is.
    pub name: String,
    /// Value × 10^decimals.
    pub value_scaled: i64,
    /// England's value, if published.
    pub england_scaled: Option<i64>,
    /// Decimals.
    pub decimals: i32,
    /// `count` or `percentage`.
    pub unit: String,
    /// Year of the figure.
    pub year: i32,
    /// Source.
    pub source: String,
    /// Optimistic concurrency version.
    pub version: i64,
}

/// A place figure to record.
#[derive(Debug, Clone)]
pub struct PlaceFigureRow<'a> {
    /// Name.
    pub name: &'a str,
    /// Value.
    pub value_scaled: i64,
    /// England.
    pub england_scaled: Option<i64>,
    /// Decimals.
    pub decimals: i32,
    /// Unit slug.
    pub unit: &'a str,
    /// Year.
    pub year: i32,
    /// Source.
    pub source: &'a str,
}

/// Records a place figure.
pub async fn insert_place_figure(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    r: &PlaceFigureRow<'_>,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    on_conn!(c, |e| sqlx::query(
        "insert into perf_place_figure (place_figure_id, partnership_id, name, value_scaled, \
         england_scaled, decimals, unit, year, source, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    )
    .bind(id)
    .bind(partnership.0)
    .bind(r.name)
    .bind(r.value_scaled)
    .bind(r.england_scaled)
    .bind(r.decimals)
    .bind(r.unit)
    .bind(r.year)
    .bind(r.source)
    .bind(by.0)
    .bind(now)
    .execute(e)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The place figures, in the order recorded.
pub async fn place_figures(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
) -> Result<Vec<PlaceFigure>> {
    Ok(on_conn!(c, |e| {
        sqlx::query_as::<_, PlaceFigure>(
        "select place_figure_id, name, value_scaled, england_scaled, decimals, unit, year, source, \
         version from perf_place_figure where partnership_id = $1 order by created_at, place_figure_id"
    )
    .bind(partnership.0)
    .fetch_all(e)
    .await
    })?)
}

/// A data return (one revision).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Return {
    /// Id.
    pub return_id: Uuid,
    /// Supplying agency.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// Frequency slug.
    pub frequency: String,
    /// Period.
    pub period_start: NaiveDate,
    /// Revision (1 upwards).
    pub revision: i32,
    /// State slug.
    pub state: String,
    /// `form`, `csv`, `xlsx`.
    pub method: String,
    /// The uploaded file's name.
    pub file_name: Option<String>,
    /// Sender's name.
    pub submitted_by_name: String,
    /// Sent.
    pub submitted_at: DateTime<Utc>,
}

const SELECT_RETURN: &str = "select r.return_id, r.organisation_id, o.name as organisation_name, \
     r.frequency, r.period_start, r.revision, r.state, r.method, r.file_name, \
     p.name as submitted_by_name, r.submitted_at from perf_return r \
     join organisation o on o.organisation_id = r.organisation_id \
     join person p on p.person_id = r.submitted_by";

/// A return to record.
#[derive(Debug, Clone)]
pub struct ReturnRow<'a> {
    /// Agency.
    pub organisation_id: Uuid,
    /// Frequency slug.
    pub frequency: &'a str,
    /// Period.
    pub period_start: NaiveDate,
    /// Revision.
    pub revision: i32,
    /// Method slug.
    pub method: &'a str,
    /// File name.
    pub file_name: Option<&'a str>,
}

/// The next revision number for an agency's return for a period (1 for the first).
pub async fn next_revision(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    organisation: Uuid,
    frequency: &str,
    period_start: NaiveDate,
) -> Result<i32> {
    let n: Option<i32> = on_conn!(c, |e| {
        sqlx::query_scalar(
        "select max(revision) from perf_return where partnership_id = $1 and organisation_id = $2 \
         and frequency = $3 and period_start = $4"
    )
    .bind(partnership.0)
    .bind(organisation)
    .bind(frequency)
    .bind(period_start)
    .fetch_one(e)
    .await
    })?;
    Ok(n.unwrap_or(0) + 1)
}

/// Records a return (state submitted).
pub async fn insert_return(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    r: &ReturnRow<'_>,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    on_conn!(c, |e| {
        sqlx::query(
        "insert into perf_return (return_id, partnership_id, organisation_id, frequency, period_start, \
         revision, state, method, file_name, submitted_by, submitted_at) \
         values ($1, $2, $3, $4, $5, $6, 'submitted', $7, $8, $9, $10)"
    )
    .bind(id)
    .bind(partnership.0)
    .bind(r.organisation_id)
    .bind(r.frequency)
    .bind(r.period_start)
    .bind(r.revision)
    .bind(r.method)
    .bind(r.file_name)
    .bind(by.0)
    .bind(now)
    .execute(e)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// A value of a return to record.
#[derive(Debug, Clone)]
pub struct ValueRow {
    /// Indicator.
    pub indicator_id: Uuid,
    /// Numerator.
    pub numerator: i64,
    /// Denominator (percentages).
    pub denominator: Option<i64>,
    /// Population estimate used (rates).
    pub population_id: Option<Uuid>,
    /// Its value.
    pub population: Option<i64>,
}

/// Rows per multi-row `insert` of the bulk writers: 500 rows of at most 7 columns stays well under
/// SQLite's (32,766) and PostgreSQL's (65,535) limits on bound parameters.
pub const BATCH_ROWS: usize = 500;

/// `($1, $2, ...), ($n+1, ...)` for `rows` rows of `cols` columns.
fn placeholders(rows: usize, cols: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 6);
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push_str(", ");
            }
            s.push('$');
            s.push_str(&(r * cols + c + 1).to_string());
        }
        s.push(')');
    }
    s
}

/// Inserts a return's values in multi-row statements of [`BATCH_ROWS`] rows (one round trip per
/// batch, none per row).
pub async fn insert_values(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    return_id: Uuid,
    values: &[ValueRow],
) -> Result<()> {
    insert_values_with_progress(c, partnership, return_id, values, |_| {}).await
}

/// [`insert_values`], telling `progress` the rows written so far after each batch.
pub async fn insert_values_with_progress(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    return_id: Uuid,
    values: &[ValueRow],
    mut progress: impl FnMut(usize),
) -> Result<()> {
    const HEAD: &str = "insert into perf_return_value (return_id, partnership_id, indicator_id, \
                        numerator, denominator, population_id, population) values ";
    let full = format!("{HEAD}{}", placeholders(BATCH_ROWS, 7));
    let mut done = 0;
    for chunk in values.chunks(BATCH_ROWS) {
        let sql = if chunk.len() == BATCH_ROWS {
            full.clone()
        } else {
            format!("{HEAD}{}", placeholders(chunk.len(), 7))
        };
        on_conn!(c, |e| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for v in chunk {
                q = q
                    .bind(return_id)
                    .bind(partnership.0)
                    .bind(v.indicator_id)
                    .bind(v.numerator)
                    .bind(v.denominator)
                    .bind(v.population_id)
                    .bind(v.population);
            }
            q.execute(e).await.map(|r| r.rows_affected())
        })?;
        done += chunk.len();
        progress(done);
    }
    Ok(())
}

/// Inserts many indicators (version 1) in multi-row statements, for the generator and benchmarks.
pub async fn insert_indicators(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    rows: &[(Uuid, IndicatorRow<'_>)],
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    // 18 bound columns: 500 rows is 9,000 parameters
    const HEAD: &str = "insert into perf_indicator (indicator_id, partnership_id, code, name, \
                        definition, numerator, denominator, unit, frequency, measure, polarity, \
                        decimals, target_scaled, tolerance_scaled, organisation_id, source, \
                        created_by, created_at, updated_by, updated_at, version) values ";
    for chunk in rows.chunks(BATCH_ROWS) {
        // the last three columns repeat created_by and created_at, and the version is 1
        let mut sql = String::from(HEAD);
        for r in 0..chunk.len() {
            if r > 0 {
                sql.push_str(", ");
            }
            let b = r * 18;
            sql.push('(');
            for k in 1..=18 {
                sql.push_str(&format!("${}, ", b + k));
            }
            sql.push_str(&format!("${}, ${}, 1)", b + 17, b + 18));
        }
        on_conn!(c, |e| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for (id, r) in chunk {
                q = q
                    .bind(*id)
                    .bind(partnership.0)
                    .bind(r.code)
                    .bind(r.name)
                    .bind(r.definition)
                    .bind(r.numerator)
                    .bind(r.denominator)
                    .bind(r.unit)
                    .bind(r.frequency)
                    .bind(r.measure)
                    .bind(r.polarity)
                    .bind(r.decimals)
                    .bind(r.target_scaled)
                    .bind(r.tolerance_scaled)
                    .bind(r.organisation_id)
                    .bind(r.source)
                    .bind(by.0)
                    .bind(now);
            }
            q.execute(e).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// A generated return (for the benchmark data generator): recorded in its final state at once.
#[derive(Debug, Clone)]
pub struct GeneratedReturn {
    /// Id.
    pub id: Uuid,
    /// Agency.
    pub organisation_id: Uuid,
    /// Frequency slug.
    pub frequency: &'static str,
    /// Period.
    pub period_start: NaiveDate,
    /// `submitted`, `checked` or `approved`.
    pub state: &'static str,
    /// Sent.
    pub submitted_at: DateTime<Utc>,
}

/// Inserts generated returns (revision 1, typed in the form, checked and approved by `by` when
/// their state says so) in multi-row statements.
pub async fn insert_generated_returns(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    rows: &[GeneratedReturn],
    by: PersonId,
) -> Result<()> {
    // 14 bound columns, then the revision (1)
    const HEAD: &str = "insert into perf_return (return_id, partnership_id, organisation_id, \
                        frequency, period_start, state, method, file_name, submitted_by, \
                        submitted_at, checked_by, checked_at, approved_by, approved_at, revision) \
                        values ";
    for chunk in rows.chunks(BATCH_ROWS) {
        let sql = format!(
            "{HEAD}{}",
            placeholders(chunk.len(), 14).replace(')', ", 1)")
        );
        on_conn!(c, |e| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for r in chunk {
                let checked = matches!(r.state, "checked" | "approved");
                let approved = r.state == "approved";
                q = q
                    .bind(r.id)
                    .bind(partnership.0)
                    .bind(r.organisation_id)
                    .bind(r.frequency)
                    .bind(r.period_start)
                    .bind(r.state)
                    .bind("form")
                    .bind(Option::<&str>::None)
                    .bind(by.0)
                    .bind(r.submitted_at)
                    .bind(checked.then_some(by.0))
                    .bind(checked.then_some(r.submitted_at))
                    .bind(approved.then_some(by.0))
                    .bind(approved.then_some(r.submitted_at));
            }
            q.execute(e).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Inserts the values of many returns in multi-row statements (for the generator).
pub async fn insert_values_of_returns(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    values: &[(Uuid, ValueRow)],
) -> Result<()> {
    const HEAD: &str = "insert into perf_return_value (return_id, partnership_id, indicator_id, \
                        numerator, denominator, population_id, population) values ";
    for chunk in values.chunks(BATCH_ROWS) {
        let sql = format!("{HEAD}{}", placeholders(chunk.len(), 7));
        on_conn!(c, |e| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for (return_id, v) in chunk {
                q = q
                    .bind(*return_id)
                    .bind(partnership.0)
                    .bind(v.indicator_id)
                    .bind(v.numerator)
                    .bind(v.denominator)
                    .bind(v.population_id)
                    .bind(v.population);
            }
            q.execute(e).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Inserts many benchmark values in multi-row statements (for the generator).
pub async fn insert_benchmarks(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    rows: &[(Uuid, BenchmarkRow<'_>)],
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    const HEAD: &str = "insert into perf_benchmark (benchmark_id, partnership_id, indicator_id, \
                        series, period_start, value_scaled, publication, created_by, created_at) \
                        values ";
    for chunk in rows.chunks(BATCH_ROWS) {
        let sql = format!("{HEAD}{}", placeholders(chunk.len(), 9));
        on_conn!(c, |e| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for (id, r) in chunk {
                q = q
                    .bind(*id)
                    .bind(partnership.0)
                    .bind(r.indicator_id)
                    .bind(r.series)
                    .bind(r.period_start)
                    .bind(r.value_scaled)
                    .bind(r.publication)
                    .bind(by.0)
                    .bind(now);
            }
            q.execute(e).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Moves a return from `from` to `to` (checked or approved), recording who and when; false when it
/// was not in `from` (stale) or is missing.
pub async fn set_state(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    from: &str,
    to: &str,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = if to == "approved" {
        "update perf_return set state = $4, approved_by = $5, approved_at = $6 \
         where partnership_id = $1 and return_id = $2 and state = $3"
    } else {
        "update perf_return set state = $4, checked_by = $5, checked_at = $6 \
         where partnership_id = $1 and return_id = $2 and state = $3"
    };
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// One return of the partnership.
pub async fn find_return(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
) -> Result<Option<Return>> {
    let sql = format!("{SELECT_RETURN} where r.partnership_id = $1 and r.return_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Return>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id)
    .fetch_optional(e)
    .await)?)
}

/// Every return of the partnership (all revisions), newest period first, then agency and revision.
pub async fn list_returns(c: &mut Conn<'_>, partnership: PartnershipId) -> Result<Vec<Return>> {
    let sql = format!(
        "{SELECT_RETURN} where r.partnership_id = $1 \
         order by r.period_start desc, o.name, r.frequency, r.revision desc"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Return>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .fetch_all(e)
    .await)?)
}

/// A value as read back, with its return's period, revision and state.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Value {
    /// Indicator.
    pub indicator_id: Uuid,
    /// Return.
    pub return_id: Uuid,
    /// Period.
    pub period_start: NaiveDate,
    /// Revision.
    pub revision: i32,
    /// State slug.
    pub state: String,
    /// Numerator.
    pub numerator: i64,
    /// Denominator.
    pub denominator: Option<i64>,
    /// Population estimate used.
    pub population_id: Option<Uuid>,
    /// Its value.
    pub population: Option<i64>,
    /// Its year.
    pub population_year: Option<i32>,
    /// Its source.
    pub population_source: Option<String>,
}

const SELECT_VALUE: &str = "select v.indicator_id, v.return_id, r.period_start, r.revision, r.state, \
     v.numerator, v.denominator, v.population_id, v.population, p.year as population_year, \
     p.source as population_source from perf_return_value v \
     join perf_return r on r.return_id = v.return_id and r.partnership_id = v.partnership_id \
     left join perf_population p on p.population_id = v.population_id";

/// The values of one return.
pub async fn values_of_return(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    return_id: Uuid,
) -> Result<Vec<Value>> {
    let sql = format!("{SELECT_VALUE} where v.partnership_id = $1 and v.return_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Value>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(return_id)
    .fetch_all(e)
    .await)?)
}

/// The values in force: for each agency and period, those of the latest revision; oldest period
/// first.
pub async fn current_values(c: &mut Conn<'_>, partnership: PartnershipId) -> Result<Vec<Value>> {
    values_in_force(c, partnership, false).await
}

/// The approved values in force: for each agency and period, those of the latest approved
/// revision (a later revision not yet approved does not count); oldest period first.
pub async fn approved_values(c: &mut Conn<'_>, partnership: PartnershipId) -> Result<Vec<Value>> {
    values_in_force(c, partnership, true).await
}

async fn values_in_force(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    approved_only: bool,
) -> Result<Vec<Value>> {
    let (outer, inner) = if approved_only {
        ("and r.state = 'approved'", "and r2.state = 'approved'")
    } else {
        ("", "")
    };
    let sql = format!(
        "{SELECT_VALUE} where v.partnership_id = $1 {outer} and r.revision = (select max(r2.revision) \
         from perf_return r2 where r2.partnership_id = r.partnership_id \
         and r2.organisation_id = r.organisation_id and r2.frequency = r.frequency \
         and r2.period_start = r.period_start {inner}) order by r.period_start, v.indicator_id"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Value>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .fetch_all(e)
    .await)?)
}

/// One place figure of the partnership.
pub async fn find_place_figure(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
) -> Result<Option<PlaceFigure>> {
    Ok(on_conn!(c, |e| sqlx::query_as::<_, PlaceFigure>(
        "select place_figure_id, name, value_scaled, england_scaled, decimals, unit, year, source, \
         version from perf_place_figure where partnership_id = $1 and place_figure_id = $2"
    )
    .bind(partnership.0)
    .bind(id)
    .fetch_optional(e)
    .await)?)
}

/// Changes a place figure if its version is still `expected`; false when stale or missing.
pub async fn update_place_figure(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    r: &PlaceFigureRow<'_>,
    expected: i64,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = on_conn!(c, |e| sqlx::query(
        "update perf_place_figure set name = $3, value_scaled = $4, england_scaled = $5, \
         decimals = $6, unit = $7, year = $8, source = $9, updated_by = $10, updated_at = $11, \
         version = version + 1 \
         where partnership_id = $1 and place_figure_id = $2 and version = $12"
    )
    .bind(partnership.0)
    .bind(id)
    .bind(r.name)
    .bind(r.value_scaled)
    .bind(r.england_scaled)
    .bind(r.decimals)
    .bind(r.unit)
    .bind(r.year)
    .bind(r.source)
    .bind(by.0)
    .bind(now)
    .bind(expected)
    .execute(e)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The partnership's statistical neighbours: local authorities one a line, with their source.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct NeighbourList {
    /// One local authority a line, most similar first.
    pub authorities: String,
    /// Where the list comes from.
    pub source: String,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Who changed it.
    pub updated_by_name: String,
    /// Optimistic concurrency version.
    pub version: i64,
}

/// The statistical-neighbour list, if recorded.
pub async fn neighbour_list(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
) -> Result<Option<NeighbourList>> {
    Ok(on_conn!(c, |e| sqlx::query_as::<_, NeighbourList>(
        "select n.authorities, n.source, n.updated_at, p.name as updated_by_name, n.version \
         from perf_neighbour_list n join person p on p.person_id = n.updated_by \
         where n.partnership_id = $1"
    )
    .bind(partnership.0)
    .fetch_optional(e)
    .await)?)
}

/// Records the statistical-neighbour list: the first time when `expected` is 0 (false if one
/// exists meanwhile), otherwise if its version is still `expected` (false when stale).
pub async fn save_neighbour_list(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    authorities: &str,
    source: &str,
    expected: i64,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = if expected == 0 {
        on_conn!(c, |e| sqlx::query(
            "insert into perf_neighbour_list (partnership_id, authorities, source, updated_by, \
             updated_at, version) values ($1, $2, $3, $4, $5, 1) \
             on conflict (partnership_id) do nothing"
        )
        .bind(partnership.0)
        .bind(authorities)
        .bind(source)
        .bind(by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?
    } else {
        on_conn!(c, |e| sqlx::query(
            "update perf_neighbour_list set authorities = $2, source = $3, updated_by = $4, \
             updated_at = $5, version = version + 1 where partnership_id = $1 and version = $6"
        )
        .bind(partnership.0)
        .bind(authorities)
        .bind(source)
        .bind(by.0)
        .bind(now)
        .bind(expected)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?
    };
    Ok(n == 1)
}
