//! Benchmark data for the performance framework: each generated partnership gets a catalogue of
//! twelve indicators supplied by its council, police force and integrated care board (counts,
//! percentages and rates per 10,000; monthly, quarterly and yearly), a 0–17 population estimate for
//! every mid-year, England and statistical-neighbour benchmarks for the yearly indicators, and the
//! agencies' returns for every period of the generated years that has ended (all approved but the
//! latest of each agency and frequency, which is waiting to be checked), once (a partnership that has
//! indicators already is left as it is). Written with multi-row
//! inserts inside the partnership's transaction, from its own seeded stream, so the rest of the
//! content for a seed is unchanged.

use crate::ServiceResult;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use safeguard_domain::performance::{self as rules, Frequency};
use safeguard_domain::{OrganisationId, PartnershipId, PersonId};
use safeguard_store::Tx;
use safeguard_store::performance::{
    self as store, BenchmarkRow, GeneratedReturn, IndicatorRow, ValueRow,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Which statutory partner supplies an indicator.
#[derive(Clone, Copy, PartialEq)]
enum Supplier {
    Council,
    Police,
    Health,
}

struct Spec {
    code: &'static str,
    name: &'static str,
    unit: &'static str,
    frequency: Frequency,
    measure: &'static str,
    polarity: &'static str,
    decimals: i32,
    /// Target, scaled; also the centre the generated figures wander around.
    target: i64,
    tolerance: i64,
    has_target: bool,
    supplier: Supplier,
}

#[allow(clippy::too_many_arguments)]
const fn spec(
    code: &'static str,
    name: &'static str,
    unit: &'static str,
    frequency: Frequency,
    polarity: &'static str,
    target: i64,
    has_target: bool,
    supplier: Supplier,
) -> Spec {
    // rates (rate_per_10000) are counted at 31 March; everything else over the period
    let snapshot = !unit.is_empty() && unit.as_bytes()[0] == b'r';
    Spec {
        code,
        name,
        unit,
        frequency,
        measure: if snapshot { "snapshot" } else { "in_year" },
        polarity,
        // a count has no decimal places
        decimals: if !unit.is_empty() && unit.as_bytes()[0] == b'c' {
            0
        } else {
            1
        },
        target,
        tolerance: target / 10,
        has_target,
        supplier,
    }
}

/// The generated catalogue. Counts centre on `target` a month; percentages and rates are scaled by
/// one decimal place (221 = 22.1).
const CATALOGUE: &[Spec] = &[
    spec(
        "CP-RATE",
        "Children on a child protection plan",
        "rate_per_10000",
        Frequency::Year,
        "lower_is_better",
        421,
        true,
        Supplier::Council,
    ),
    spec(
        "CLA-RATE",
        "Children looked after",
        "rate_per_10000",
        Frequency::Year,
        "lower_is_better",
        700,
        true,
        Supplier::Council,
    ),
    spec(
        "CIN-RATE",
        "Children in need",
        "rate_per_10000",
        Frequency::Year,
        "lower_is_better",
        3330,
        true,
        Supplier::Council,
    ),
    spec(
        "CP-SECOND",
        "Child protection plans that are a second or later plan",
        "percentage",
        Frequency::Year,
        "lower_is_better",
        230,
        true,
        Supplier::Council,
    ),
    spec(
        "RE-REF",
        "Referrals within 12 months of a previous referral",
        "percentage",
        Frequency::Quarter,
        "lower_is_better",
        220,
        true,
        Supplier::Council,
    ),
    spec(
        "ICPC-15",
        "Initial child protection conferences within 15 working days",
        "percentage",
        Frequency::Quarter,
        "higher_is_better",
        800,
        true,
        Supplier::Council,
    ),
    spec(
        "CONTACTS",
        "Contacts to the front door",
        "count",
        Frequency::Month,
        "neutral",
        1050,
        false,
        Supplier::Council,
    ),
    spec(
        "COUNT-REFERRALS",
        "Referrals to children's social care",
        "count",
        Frequency::Month,
        "neutral",
        320,
        false,
        Supplier::Council,
    ),
    spec(
        "STRAT-DISC",
        "Strategy discussions the police attended",
        "percentage",
        Frequency::Month,
        "higher_is_better",
        900,
        true,
        Supplier::Police,
    ),
    spec(
        "DA-NOTIF",
        "Domestic abuse notifications to schools (Operation Encompass)",
        "count",
        Frequency::Month,
        "neutral",
        140,
        false,
        Supplier::Police,
    ),
    spec(
        "MISSING",
        "Missing-from-home episodes of children",
        "count",
        Frequency::Month,
        "lower_is_better",
        60,
        false,
        Supplier::Police,
    ),
    spec(
        "LAC-HEALTH",
        "Looked-after children with an up-to-date health assessment",
        "percentage",
        Frequency::Quarter,
        "higher_is_better",
        900,
        true,
        Supplier::Health,
    ),
];

/// What was written.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PerformanceCounts {
    /// Indicators.
    pub indicators: u64,
    /// Returns.
    pub returns: u64,
    /// Values in them.
    pub values: u64,
    /// Benchmark values.
    pub benchmarks: u64,
}

fn date(y: i32, m: u32, d: u32) -> ServiceResult<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| crate::ServiceError::Internal(anyhow::anyhow!("generated date")))
}

/// Writes the partnership's performance framework. `council`, `police` and `health` supply the
/// figures; `admin` records them; returns are for periods that end on or before `horizon`.
#[allow(clippy::too_many_arguments, clippy::too_many_lines)]
pub(crate) async fn performance(
    tx: &mut Tx,
    p: PartnershipId,
    council: OrganisationId,
    police: OrganisationId,
    health: OrganisationId,
    admin: PersonId,
    years: u32,
    first_year: i32,
    horizon: NaiveDate,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<PerformanceCounts> {
    let mut out = PerformanceCounts::default();
    // generating again into the same database leaves an existing catalogue as it is
    if !store::list_indicators(&mut tx.conn(), p).await?.is_empty() {
        return Ok(out);
    }
    let created: DateTime<Utc> = Utc
        .with_ymd_and_hms(first_year, 4, 1, 9, 0, 0)
        .single()
        .ok_or_else(|| crate::ServiceError::Internal(anyhow::anyhow!("generated date")))?;
    let supplier = |s: Supplier| match s {
        Supplier::Council => council.0,
        Supplier::Police => police.0,
        Supplier::Health => health.0,
    };
    let years_i = i32::try_from(years).unwrap_or(0);

    // the population estimate of every mid-year the returns can use
    let base: i64 = rng.random_range(25_000..130_000);
    let mut populations: HashMap<i32, (Uuid, i64)> = HashMap::new();
    for (k, year) in (first_year - 1..=first_year + years_i).enumerate() {
        let id = Uuid::from_bytes(rng.random());
        let k = i64::try_from(k).unwrap_or(0);
        let pop = base + base * k / 100 + rng.random_range(-300..300);
        store::insert_population(
            &mut tx.conn(),
            p,
            id,
            "0-17",
            year,
            pop,
            "ONS mid-year population estimates (generated)",
            admin,
            created,
        )
        .await?;
        populations.insert(year, (id, pop));
    }

    // the catalogue
    let ids: Vec<Uuid> = CATALOGUE
        .iter()
        .map(|_| Uuid::from_bytes(rng.random()))
        .collect();
    let rows: Vec<(Uuid, IndicatorRow<'_>)> = CATALOGUE
        .iter()
        .zip(&ids)
        .map(|(s, id)| {
            (
                *id,
                IndicatorRow {
                    code: s.code,
                    name: s.name,
                    definition: "Generated for benchmarks.",
                    numerator: "Generated count",
                    denominator: if s.unit == "count" {
                        ""
                    } else {
                        "Generated denominator"
                    },
                    unit: s.unit,
                    frequency: s.frequency.slug(),
                    measure: s.measure,
                    polarity: s.polarity,
                    decimals: s.decimals,
                    target_scaled: s.has_target.then_some(s.target),
                    tolerance_scaled: s.tolerance,
                    organisation_id: supplier(s.supplier),
                    source: "Generated",
                },
            )
        })
        .collect();
    store::insert_indicators(&mut tx.conn(), p, &rows, admin, created).await?;
    out.indicators += u64::try_from(rows.len()).unwrap_or(0);

    // England and statistical neighbours for the yearly indicators
    let mut benchmarks = Vec::new();
    for (s, id) in CATALOGUE.iter().zip(&ids) {
        if s.frequency != Frequency::Year {
            continue;
        }
        for y in 0..years_i {
            let start = date(first_year + y, 4, 1)?;
            for series in ["england", "statistical_neighbours"] {
                let wobble = rng.random_range(-(s.target / 20).max(1)..=(s.target / 20).max(1));
                benchmarks.push((
                    Uuid::from_bytes(rng.random()),
                    BenchmarkRow {
                        indicator_id: *id,
                        series,
                        period_start: start,
                        value_scaled: s.target + wobble,
                        publication: "Generated publication",
                    },
                ));
            }
        }
    }
    store::insert_benchmarks(&mut tx.conn(), p, &benchmarks, admin, created).await?;
    out.benchmarks += u64::try_from(benchmarks.len()).unwrap_or(0);

    // the returns: one per agency, frequency and ended period
    let mut returns = Vec::new();
    let mut values = Vec::new();
    let groups: Vec<(Supplier, Frequency)> = {
        let mut g: Vec<(Supplier, Frequency)> = Vec::new();
        for s in CATALOGUE {
            if !g.contains(&(s.supplier, s.frequency)) {
                g.push((s.supplier, s.frequency));
            }
        }
        g
    };
    for (who, frequency) in groups {
        let per_year = 12 / frequency.months();
        let mut starts = Vec::new();
        for k in 0..years * per_year {
            let start = date(first_year, 4, 1)?
                .checked_add_months(chrono::Months::new(k * frequency.months()))
                .ok_or_else(|| crate::ServiceError::Internal(anyhow::anyhow!("period")))?;
            if rules::period_end(frequency, start) <= horizon {
                starts.push(start);
            }
        }
        for (i, start) in starts.iter().enumerate() {
            let end = rules::period_end(frequency, *start);
            let id = Uuid::from_bytes(rng.random());
            let sent = Utc.from_utc_datetime(&end.and_hms_opt(10, 0, 0).unwrap_or_default())
                + Duration::days(rng.random_range(5..25));
            returns.push(GeneratedReturn {
                id,
                organisation_id: supplier(who),
                frequency: frequency.slug(),
                period_start: *start,
                state: if i + 1 == starts.len() {
                    "submitted"
                } else {
                    "approved"
                },
                submitted_at: sent,
            });
            let pop = populations.get(&rules::population_year_for(end)).copied();
            for (s, ind) in CATALOGUE.iter().zip(&ids) {
                if s.supplier != who || s.frequency != frequency {
                    continue;
                }
                let spread = (s.target / 5).max(2);
                let centre = (s.target + rng.random_range(-spread..=spread)).max(1);
                let v = match s.unit {
                    "count" => ValueRow {
                        indicator_id: *ind,
                        numerator: centre,
                        denominator: None,
                        population_id: None,
                        population: None,
                    },
                    "percentage" => {
                        let d: i64 = rng.random_range(40..400);
                        ValueRow {
                            indicator_id: *ind,
                            numerator: (d * centre / 1000).clamp(0, d),
                            denominator: Some(d),
                            population_id: None,
                            population: None,
                        }
                    }
                    _ => {
                        let Some((pid, n)) = pop else { continue };
                        ValueRow {
                            indicator_id: *ind,
                            // centre is per 10,000 with one decimal place
                            numerator: n * centre / 100_000,
                            denominator: None,
                            population_id: Some(pid),
                            population: Some(n),
                        }
                    }
                };
                values.push((id, v));
            }
        }
    }
    store::insert_generated_returns(&mut tx.conn(), p, &returns, admin).await?;
    store::insert_values_of_returns(&mut tx.conn(), p, &values).await?;
    out.returns += u64::try_from(returns.len()).unwrap_or(0);
    out.values += u64::try_from(values.len()).unwrap_or(0);
    Ok(out)
}
