//! `safeguard bench-import` (hidden; run by bench/import.sh on a release build): the import of a
//! return of ROWS rows through the real use case, against a raw SQLite bulk insert of the same rows
//! into the same table, in the same process, each into a fresh database file opened with the same
//! settings (`Db::connect`: WAL, `synchronous=FULL`, foreign keys on).
//!
//! Each run builds two fresh databases with the same catalogue (ROWS indicators of one agency, a
//! third each count, percentage and rate per 10,000, and the population estimate the rates need):
//!
//! * import: the clock runs from reading the CSV file to the commit of
//!   `performance_import::import_file` (find the agency, read the catalogue, parse, check every row,
//!   write the return, its values in multi-row batches and its audit entry, in one transaction);
//! * raw: a `perf_return` row is written first (untimed); the clock runs from `BEGIN IMMEDIATE` to
//!   `COMMIT` of multi-row `INSERT`s of the same values (the same batch size, bound parameters,
//!   prepared once per batch shape by sqlx's statement cache) into `perf_return_value`.
//!
//! Runs alternate which goes first; the median of the runs is reported, with each run's figures.

use crate::config::Config;
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use safeguard_domain::clock::{Clock, SystemClock};
use safeguard_domain::performance::{self as rules, Frequency};
use safeguard_domain::policy::Role;
use safeguard_domain::{OrganisationId, PersonId};
use safeguard_store::db::PoolSettings;
use safeguard_store::performance::{self as store, BATCH_ROWS, IndicatorRow, ReturnRow, ValueRow};
use safeguard_store::{Db, organisations, partnerships, people, roles};
use std::time::{Duration, Instant};
use uuid::Uuid;

const PERIOD: &str = "2024-04-01";
const AGENCY: &str = "Bench Council";
const EMAIL: &str = "bench.admin@bench.example";

fn unit_of(i: usize) -> &'static str {
    match i % 3 {
        0 => "count",
        1 => "percentage",
        _ => "rate_per_10000",
    }
}

/// The return file: a heading row and one row per indicator.
fn csv(rows: usize) -> Vec<u8> {
    let mut s = String::with_capacity(rows * 24 + 40);
    s.push_str("indicator_code,numerator,denominator\r\n");
    for i in 0..rows {
        let n = (i * 7919) % 1000;
        if unit_of(i) == "percentage" {
            s.push_str(&format!("B{i:06},{n},{}\r\n", n + 1 + i % 50));
        } else {
            s.push_str(&format!("B{i:06},{n},\r\n"));
        }
    }
    s.into_bytes()
}

struct Fixture {
    db: Db,
    partnership: safeguard_domain::PartnershipId,
    organisation: Uuid,
    person: PersonId,
    population: Uuid,
    indicators: Vec<Uuid>,
}

async fn fresh(path: &std::path::Path, rows: usize) -> Result<Fixture> {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    let db = Db::connect(
        &format!("sqlite://{}", path.display()),
        &PoolSettings::default(),
    )
    .await
    .map_err(anyhow::Error::msg)?;
    db.migrate().await.map_err(anyhow::Error::msg)?;
    let now = SystemClock.now();
    let e = |e: safeguard_store::StoreError| anyhow::anyhow!("{e:?}");
    let mut tx = db.begin().await.map_err(e)?;
    let p = partnerships::upsert_by_slug(&mut tx.conn(), "bench", "Bench Partnership", now)
        .await
        .map_err(e)?;
    let org = organisations::upsert_by_name(&mut tx.conn(), AGENCY, "local_authority", None, now)
        .await
        .map_err(e)?
        .organisation_id;
    organisations::add_to_partnership(&mut tx.conn(), p.id(), OrganisationId(org), now)
        .await
        .map_err(e)?;
    let person = PersonId(Uuid::new_v4());
    people::insert(
        &mut tx.conn(),
        person,
        OrganisationId(org),
        EMAIL,
        "Bench Administrator",
        None,
        now,
    )
    .await
    .map_err(e)?;
    roles::grant(
        &mut tx.conn(),
        p.id(),
        person,
        Role::PartnershipAdministrator,
        None,
        now,
    )
    .await
    .map_err(e)?;
    let start = NaiveDate::parse_from_str(PERIOD, "%Y-%m-%d")?;
    let year = rules::population_year_for(rules::period_end(Frequency::Year, start));
    let population = Uuid::new_v4();
    store::insert_population(
        &mut tx.conn(),
        p.id(),
        population,
        "0-17",
        year,
        51_000,
        "bench",
        person,
        now,
    )
    .await
    .map_err(e)?;
    let codes: Vec<String> = (0..rows).map(|i| format!("B{i:06}")).collect();
    let ids: Vec<Uuid> = (0..rows).map(|_| Uuid::new_v4()).collect();
    let catalogue: Vec<(Uuid, IndicatorRow<'_>)> = (0..rows)
        .map(|i| {
            (
                ids[i],
                IndicatorRow {
                    code: &codes[i],
                    name: "Bench indicator",
                    definition: "Generated for the import benchmark.",
                    numerator: "Count",
                    denominator: "",
                    unit: unit_of(i),
                    frequency: "year",
                    measure: "in_year",
                    polarity: "neutral",
                    decimals: 1,
                    target_scaled: None,
                    tolerance_scaled: 0,
                    organisation_id: org,
                    source: "bench",
                },
            )
        })
        .collect();
    store::insert_indicators(&mut tx.conn(), p.id(), &catalogue, person, now)
        .await
        .map_err(e)?;
    tx.commit().await.map_err(e)?;
    Ok(Fixture {
        db,
        partnership: p.id(),
        organisation: org,
        person,
        population,
        indicators: ids,
    })
}

async fn time_import(
    cfg: &Config,
    f: &Fixture,
    file: &std::path::Path,
    rows: usize,
) -> Result<Duration> {
    use safeguard_service::performance_import as import;
    let svc = crate::services(f.db.clone(), cfg)?;
    let actor = import::cli_actor(&svc, "bench", EMAIL)
        .await
        .map_err(crate::describe)?;
    let started = Instant::now();
    let bytes = std::fs::read(file)?;
    let body = import::body_of_file(&file.display().to_string(), bytes);
    let r = import::import_file(&svc, &actor, AGENCY, "year", PERIOD, &body, |_| {})
        .await
        .map_err(crate::describe)?;
    let took = started.elapsed();
    if let Err(problems) = r {
        bail!(
            "the bench return was refused: {:?}",
            problems.iter().take(5).collect::<Vec<_>>()
        );
    }
    let n: i64 = match &f.db {
        Db::Sqlite(p) => {
            sqlx::query_scalar("select count(*) from perf_return_value")
                .fetch_one(p)
                .await?
        }
        Db::Pg(_) => bail!("bench-import is for SQLite"),
    };
    if usize::try_from(n).ok() != Some(rows) {
        bail!("the import wrote {n} values, not {rows}");
    }
    Ok(took)
}

async fn time_raw(f: &Fixture, rows: usize) -> Result<Duration> {
    let Db::Sqlite(pool) = &f.db else {
        bail!("bench-import is for SQLite")
    };
    // the return the values belong to (untimed)
    let return_id = Uuid::new_v4();
    let e = |e: safeguard_store::StoreError| anyhow::anyhow!("{e:?}");
    let mut tx = f.db.begin().await.map_err(e)?;
    store::insert_return(
        &mut tx.conn(),
        f.partnership,
        return_id,
        &ReturnRow {
            organisation_id: f.organisation,
            frequency: "year",
            period_start: NaiveDate::parse_from_str(PERIOD, "%Y-%m-%d")?,
            revision: 1,
            method: "csv",
            file_name: None,
        },
        f.person,
        SystemClock.now(),
    )
    .await
    .map_err(e)?;
    tx.commit().await.map_err(e)?;
    // the same values the import writes
    let values: Vec<ValueRow> = (0..rows)
        .map(|i| {
            let n = i64::try_from((i * 7919) % 1000).unwrap_or(0);
            let (denominator, population_id, population) = match unit_of(i) {
                "percentage" => (Some(n + 1 + i64::try_from(i % 50).unwrap_or(0)), None, None),
                "rate_per_10000" => (None, Some(f.population), Some(51_000)),
                _ => (None, None, None),
            };
            ValueRow {
                indicator_id: f.indicators[i],
                numerator: n,
                denominator,
                population_id,
                population,
            }
        })
        .collect();
    let head = "insert into perf_return_value (return_id, partnership_id, indicator_id, numerator, \
                denominator, population_id, population) values ";
    let row = |k: usize| {
        let b = k * 7;
        format!(
            "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6,
            b + 7
        )
    };
    let sql_of = |n: usize| format!("{head}{}", (0..n).map(row).collect::<Vec<_>>().join(", "));
    let full = sql_of(BATCH_ROWS);
    let started = Instant::now();
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    for chunk in values.chunks(BATCH_ROWS) {
        let sql = if chunk.len() == BATCH_ROWS {
            full.clone()
        } else {
            sql_of(chunk.len())
        };
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for v in chunk {
            q = q
                .bind(return_id)
                .bind(f.partnership.0)
                .bind(v.indicator_id)
                .bind(v.numerator)
                .bind(v.denominator)
                .bind(v.population_id)
                .bind(v.population);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(started.elapsed())
}

/// One run: the import and the raw insert, each into its own fresh database, in the order given.
async fn one_run(
    cfg: &Config,
    dir: &std::path::Path,
    file: &std::path::Path,
    rows: usize,
    import_first: bool,
) -> Result<(Duration, Duration)> {
    let (mut t, mut r) = (Duration::ZERO, Duration::ZERO);
    for import in [import_first, !import_first] {
        if import {
            let a = fresh(&dir.join("import.db"), rows).await?;
            t = time_import(cfg, &a, file, rows).await?;
            a.db.close().await;
        } else {
            let b = fresh(&dir.join("raw.db"), rows).await?;
            r = time_raw(&b, rows).await?;
            b.db.close().await;
        }
    }
    Ok((t, r))
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        xs[n / 2]
    } else {
        f64::midpoint(xs[n / 2 - 1], xs[n / 2])
    }
}

/// Runs the benchmark and prints each run and the medians.
#[allow(clippy::cast_precision_loss)]
pub async fn run(cfg: &Config, rows: usize, runs: usize, dir: &str) -> Result<()> {
    let dir = std::path::Path::new(dir);
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let file = dir.join("return.csv");
    std::fs::write(&file, csv(rows))?;
    println!(
        "bench-import: {rows} rows ({} bytes of CSV), {runs} runs, fresh SQLite files in {}",
        std::fs::metadata(&file)?.len(),
        dir.display()
    );
    let (mut imports, mut raws) = (Vec::new(), Vec::new());
    for run in 1..=runs {
        let (t, r) = one_run(cfg, dir, &file, rows, run % 2 == 1).await?;
        let (ti, tr) = (rows as f64 / t.as_secs_f64(), rows as f64 / r.as_secs_f64());
        println!(
            "run {run}: import {:.3}s ({ti:.0} rows/s), raw insert {:.3}s ({tr:.0} rows/s), ratio {:.2}",
            t.as_secs_f64(),
            r.as_secs_f64(),
            ti / tr
        );
        imports.push(ti);
        raws.push(tr);
    }
    let ratios: Vec<f64> = imports.iter().zip(&raws).map(|(a, b)| a / b).collect();
    let (mi, mr, mx) = (median(imports), median(raws), median(ratios));
    println!(
        "median: import {mi:.0} rows/s, raw insert {mr:.0} rows/s, ratio {mx:.2} (target >= 0.50)"
    );
    Ok(())
}
