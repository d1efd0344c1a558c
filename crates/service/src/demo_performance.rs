//! The demo partnership's performance framework: the seed's indicators (children on a child
//! protection plan and looked-after children at 31 March 2022, with England's rates and the
//! publications they came from; contacts to the front door each month of 2022-23), its place
//! profile (population and deprivation figures quoted in the yearly report), and the council's
//! returns that carry the counts. Rates are computed from the counts, never stored.
//!
//! The seed's two rates cannot share one 0–17 population: 257 plans at 50.4 per 10,000 imply
//! 50,942–51,042 children, 449 looked-after children at 102 per 10,000 imply 43,806–44,236. The demo
//! records 51,000 (from the child protection rate), says so in the estimate's source, and so shows
//! 88 looked-after children per 10,000; an ONS mid-year estimate should replace it.
//!
//! The monthly contact counts are illustrative (the seed says only "over a thousand contacts for
//! support each month"; the domain notes give 12,300 for 2021-22); their source says so. Targets
//! are illustrative too (England's rate), set so that the exception report has content.
//!
//! The quarterly re-referral indicator (referrals within 12 months of a previous referral, a
//! measure of the seed's framework and DOMAIN.md 7.1) carries illustrative counts for each quarter
//! of 2021-22 and 2022-23, and illustrative England, region and statistical-neighbour values at
//! each year end: no published figure is recorded in the domain notes (England's is "about 21–22%,
//! unconfirmed"), so every one of them names itself illustrative in its source or publication. Its
//! last quarter has a second revision that is sent but not approved, so that the "approved figures
//! only" view shows 17.4% and the latest view 17.7%.
//! Loaded once (when the partnership has no indicators).

use crate::{ServiceError, ServiceResult};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::PartnershipId;
use safeguard_domain::audit::NewEntry;
use safeguard_store::performance::{
    self as store, BenchmarkRow, IndicatorRow, PlaceFigureRow, ReturnRow, ValueRow,
};
use safeguard_store::{Tx, audit_log, organisations, people};
use serde_json::json;
use uuid::Uuid;

const LA: &str = "Telford & Wrekin Council";
const REPORT: &str = "Telford & Wrekin Safeguarding Partnership yearly report 2022-23";
const POP_SOURCE: &str = "Derived from the yearly report's child protection rate (257 children = \
     50.4 per 10,000), not an ONS figure: replace with the ONS mid-2021 estimate. The report's \
     looked-after rate (449 = 102 per 10,000) implies about 44,000 instead";

/// Monthly contacts to Family Connect, April 2022 to March 2023 (illustrative).
pub const CONTACTS_2022_23: [i64; 12] = [
    1034, 1089, 1056, 1011, 1003, 1072, 1118, 1095, 1027, 1064, 1049, 1101,
];

fn date(s: &str) -> ServiceResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("demo date {s}: {e}")))
}

/// Loads the demo framework into the partnership (once).
pub async fn load(tx: &mut Tx, p: PartnershipId, now: DateTime<Utc>) -> ServiceResult<()> {
    if !store::list_indicators(&mut tx.conn(), p).await?.is_empty() {
        return Ok(());
    }
    let admin = people::find_by_email(&mut tx.conn(), "admin@safeguard.example")
        .await?
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("demo administrator missing")))?;
    let la = organisations::find_by_name(&mut tx.conn(), LA)
        .await?
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("demo council missing")))?
        .organisation_id;
    let by = admin.id();
    let audit = |action: &str, t: &str, id: Uuid, after: serde_json::Value| {
        let mut e = NewEntry::new(action, t, Some(id.to_string()));
        e.partnership_id = Some(p.0);
        e.actor_person_id = Some(by.0);
        e.after = Some(after.to_string());
        e
    };

    let pop_id = Uuid::new_v4();
    store::insert_population(
        &mut tx.conn(),
        p,
        pop_id,
        "0-17",
        2021,
        51_000,
        POP_SOURCE,
        by,
        now,
    )
    .await?;
    let e = audit(
        "performance.population_add",
        "perf_population",
        pop_id,
        json!({"age_band": "0-17", "year": 2021, "population": 51_000, "via": "demo"}),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    let id = Uuid::new_v4();
    let census = format!("Census 2021, as quoted in the {REPORT}");
    store::insert_population(
        &mut tx.conn(),
        p,
        id,
        "0-19",
        2021,
        45_504,
        &census,
        by,
        now,
    )
    .await?;
    let e = audit(
        "performance.population_add",
        "perf_population",
        id,
        json!({"age_band": "0-19", "year": 2021, "population": 45_504, "via": "demo"}),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;

    let imd = format!("English Indices of Deprivation 2019, as quoted in the {REPORT}");
    let figures = [
        PlaceFigureRow {
            name: "Population, all ages",
            value_scaled: 185_842,
            england_scaled: None,
            decimals: 0,
            unit: "count",
            year: 2021,
            source: &census,
        },
        PlaceFigureRow {
            name: "Neighbourhoods among England's 10% most deprived (Index of Multiple Deprivation)",
            value_scaled: 18,
            england_scaled: None,
            decimals: 0,
            unit: "count",
            year: 2019,
            source: &imd,
        },
        PlaceFigureRow {
            name: "Children aged 0 to 15 living in income-deprived households",
            value_scaled: 214,
            england_scaled: Some(185),
            decimals: 1,
            unit: "percentage",
            year: 2019,
            source: &imd,
        },
    ];
    for f in &figures {
        let id = Uuid::new_v4();
        store::insert_place_figure(&mut tx.conn(), p, id, f, by, now).await?;
        let e = audit(
            "performance.place_figure_add",
            "perf_place_figure",
            id,
            json!({"name": f.name, "via": "demo"}),
        );
        audit_log::append(&mut tx.conn(), &e, now).await?;
    }

    let cp = Uuid::new_v4();
    let cla = Uuid::new_v4();
    let contacts = Uuid::new_v4();
    let indicators = [
        (
            cp,
            IndicatorRow {
                code: "CP-RATE",
                name: "Children on a child protection plan",
                definition: "Children who were the subject of a child protection plan at 31 March, per 10,000 children aged 0 to 17.",
                numerator: "Children on a child protection plan at the end of the period",
                denominator: "ONS mid-year population estimate, aged 0 to 17",
                unit: "rate_per_10000",
                frequency: "year",
                measure: "snapshot",
                polarity: "lower_is_better",
                decimals: 1,
                target_scaled: Some(421),
                tolerance_scaled: 50,
                organisation_id: la,
                source: "Children in need census (local authority)",
            },
        ),
        (
            cla,
            IndicatorRow {
                code: "CLA-RATE",
                name: "Children looked after",
                definition: "Children looked after by the local authority at 31 March, per 10,000 children aged 0 to 17 (published as whole numbers).",
                numerator: "Children looked after at the end of the period",
                denominator: "ONS mid-year population estimate, aged 0 to 17",
                unit: "rate_per_10000",
                frequency: "year",
                measure: "snapshot",
                polarity: "lower_is_better",
                decimals: 0,
                target_scaled: Some(70),
                tolerance_scaled: 10,
                organisation_id: la,
                source: "SSDA903 return (local authority)",
            },
        ),
        (
            contacts,
            IndicatorRow {
                code: "CONTACTS",
                name: "Contacts to Family Connect",
                definition: "Contacts for support received by Family Connect, the council's front door, in the month.",
                numerator: "Contacts received in the month",
                denominator: "",
                unit: "count",
                frequency: "month",
                measure: "in_year",
                polarity: "neutral",
                decimals: 0,
                target_scaled: None,
                tolerance_scaled: 0,
                organisation_id: la,
                source: "Family Connect case management system (local)",
            },
        ),
    ];
    for (id, r) in &indicators {
        store::insert_indicator(&mut tx.conn(), p, *id, r, by, now).await?;
        let e = audit(
            "performance.indicator_create",
            "perf_indicator",
            *id,
            json!({"code": r.code, "via": "demo"}),
        );
        audit_log::append(&mut tx.conn(), &e, now).await?;
    }
    let fy21 = date("2021-04-01")?;
    let fy22 = date("2022-04-01")?;
    let benchmarks = [
        (
            cp,
            fy21,
            421,
            "Characteristics of children in need: 2022 (DfE, explore-education-statistics)",
        ),
        (
            cla,
            fy21,
            70,
            "Children looked after in England including adoptions: 2022 (DfE, first published)",
        ),
        (
            cla,
            fy22,
            71,
            "Children looked after in England including adoptions: 2023 (DfE)",
        ),
    ];
    for (ind, period, value, publication) in benchmarks {
        let id = Uuid::new_v4();
        store::insert_benchmark(
            &mut tx.conn(),
            p,
            id,
            &BenchmarkRow {
                indicator_id: ind,
                series: "england",
                period_start: period,
                value_scaled: value,
                publication,
            },
            by,
            now,
        )
        .await?;
        let e = audit(
            "performance.benchmark_add",
            "perf_indicator",
            ind,
            json!({"benchmark_id": id, "via": "demo"}),
        );
        audit_log::append(&mut tx.conn(), &e, now).await?;
    }

    // The council's returns: the 2021-22 yearly return (counts at 31 March 2022) and twelve monthly
    // returns of 2022-23, all approved.
    let mut returns: Vec<(&str, NaiveDate, Vec<ValueRow>)> = vec![(
        "year",
        fy21,
        vec![
            ValueRow {
                indicator_id: cp,
                numerator: 257,
                denominator: None,
                population_id: Some(pop_id),
                population: Some(51_000),
            },
            ValueRow {
                indicator_id: cla,
                numerator: 449,
                denominator: None,
                population_id: Some(pop_id),
                population: Some(51_000),
            },
        ],
    )];
    for (i, n) in CONTACTS_2022_23.iter().enumerate() {
        let start = fy22
            .checked_add_months(chrono::Months::new(u32::try_from(i).unwrap_or(0)))
            .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("demo month")))?;
        returns.push((
            "month",
            start,
            vec![ValueRow {
                indicator_id: contacts,
                numerator: *n,
                denominator: None,
                population_id: None,
                population: None,
            }],
        ));
    }
    for (frequency, start, values) in returns {
        let id = Uuid::new_v4();
        store::insert_return(
            &mut tx.conn(),
            p,
            id,
            &ReturnRow {
                organisation_id: la,
                frequency,
                period_start: start,
                revision: 1,
                method: "form",
                file_name: None,
            },
            by,
            now,
        )
        .await?;
        store::insert_values(&mut tx.conn(), p, id, &values).await?;
        store::set_state(&mut tx.conn(), p, id, "submitted", "checked", by, now).await?;
        store::set_state(&mut tx.conn(), p, id, "checked", "approved", by, now).await?;
        let e = audit(
            "performance.return_submit",
            "perf_return",
            id,
            json!({"frequency": frequency, "period_start": start, "via": "demo"}),
        );
        audit_log::append(&mut tx.conn(), &e, now).await?;
    }
    load_re_referrals(tx, p, la, by, now).await
}

/// Re-referrals within 12 months and all referrals, each quarter of 2021-22 and 2022-23
/// (illustrative).
pub const RE_REFERRALS: [(&str, i64, i64); 8] = [
    ("2021-04-01", 128, 612),
    ("2021-07-01", 141, 655),
    ("2021-10-01", 119, 598),
    ("2022-01-01", 137, 640),
    ("2022-04-01", 122, 634),
    ("2022-07-01", 118, 671),
    ("2022-10-01", 109, 602),
    ("2023-01-01", 113, 649),
];

const ILLUSTRATIVE: &str = "Illustrative value for the demo: not a published figure";

async fn load_re_referrals(
    tx: &mut Tx,
    p: PartnershipId,
    la: Uuid,
    by: safeguard_domain::PersonId,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let audit = |action: &str, t: &str, id: Uuid, after: serde_json::Value| {
        let mut e = NewEntry::new(action, t, Some(id.to_string()));
        e.partnership_id = Some(p.0);
        e.actor_person_id = Some(by.0);
        e.after = Some(after.to_string());
        e
    };
    let id = Uuid::new_v4();
    let r = IndicatorRow {
        code: "RE-REFERRALS",
        name: "Re-referrals within 12 months",
        definition: "Referrals in the quarter that were within 12 months of a previous referral for the same child, as a percentage of all referrals in the quarter.",
        numerator: "Referrals within 12 months of a previous referral",
        denominator: "All referrals in the period",
        unit: "percentage",
        frequency: "quarter",
        measure: "in_year",
        polarity: "lower_is_better",
        decimals: 1,
        target_scaled: Some(200),
        tolerance_scaled: 20,
        organisation_id: la,
        source: "Children in need census (local authority); the demo's counts are illustrative",
    };
    store::insert_indicator(&mut tx.conn(), p, id, &r, by, now).await?;
    let e = audit(
        "performance.indicator_create",
        "perf_indicator",
        id,
        json!({"code": r.code, "via": "demo"}),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    // year-end (Q4) comparisons, all illustrative
    let benchmarks = [
        ("england", "2022-01-01", 215),
        ("region", "2022-01-01", 224),
        ("statistical_neighbours", "2022-01-01", 231),
        ("england", "2023-01-01", 210),
        ("region", "2023-01-01", 220),
        ("statistical_neighbours", "2023-01-01", 218),
    ];
    for (series, period, value) in benchmarks {
        let bid = Uuid::new_v4();
        store::insert_benchmark(
            &mut tx.conn(),
            p,
            bid,
            &BenchmarkRow {
                indicator_id: id,
                series,
                period_start: date(period)?,
                value_scaled: value,
                publication: ILLUSTRATIVE,
            },
            by,
            now,
        )
        .await?;
        let e = audit(
            "performance.benchmark_add",
            "perf_indicator",
            id,
            json!({"benchmark_id": bid, "via": "demo"}),
        );
        audit_log::append(&mut tx.conn(), &e, now).await?;
    }
    // each quarter approved; the last quarter's count corrected in a second revision, not yet
    // approved
    let mut returns: Vec<(NaiveDate, i32, i64, i64, bool)> = RE_REFERRALS
        .iter()
        .map(|(d, n, all)| Ok((date(d)?, 1, *n, *all, true)))
        .collect::<ServiceResult<_>>()?;
    returns.push((date("2023-01-01")?, 2, 115, 649, false));
    for (start, revision, n, all, approve) in returns {
        let rid = Uuid::new_v4();
        store::insert_return(
            &mut tx.conn(),
            p,
            rid,
            &ReturnRow {
                organisation_id: la,
                frequency: "quarter",
                period_start: start,
                revision,
                method: "form",
                file_name: None,
            },
            by,
            now,
        )
        .await?;
        store::insert_values(
            &mut tx.conn(),
            p,
            rid,
            &[ValueRow {
                indicator_id: id,
                numerator: n,
                denominator: Some(all),
                population_id: None,
                population: None,
            }],
        )
        .await?;
        if approve {
            store::set_state(&mut tx.conn(), p, rid, "submitted", "checked", by, now).await?;
            store::set_state(&mut tx.conn(), p, rid, "checked", "approved", by, now).await?;
        }
        let e = audit(
            "performance.return_submit",
            "perf_return",
            rid,
            json!({"frequency": "quarter", "period_start": start, "revision": revision, "via": "demo"}),
        );
        audit_log::append(&mut tx.conn(), &e, now).await?;
    }
    Ok(())
}
