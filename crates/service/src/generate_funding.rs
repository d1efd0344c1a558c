//! Benchmark data for funding and sign-offs: each generated partnership gets one funding year per
//! generated year (a budget in equal shares among its three statutory partners, 10 to 30 spend
//! lines) and, each year, the yearly report and the annual budget sent for sign-off with their rounds
//! and steps. Written with the store functions inside the partnership's transaction, from its own
//! seeded stream, so the rest of the content for a seed is unchanged.

use crate::ServiceResult;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use safeguard_domain::funding::{SpendCategory, equal_shares};
use safeguard_domain::{FundingYearId, OrganisationId, PartnershipId, PersonId, SignOffId};
use safeguard_store::Tx;
use safeguard_store::funding::{self, NewSpendRow};
use safeguard_store::signoffs::{self, NewSignOffRow};

const SPEND: &[(SpendCategory, &str)] = &[
    (SpendCategory::Staffing, "Business unit staffing"),
    (SpendCategory::Staffing, "Business support officer"),
    (SpendCategory::IndependentScrutiny, "Independent scrutineer"),
    (SpendCategory::Training, "Multi-agency training course"),
    (SpendCategory::Training, "Learning event venue"),
    (
        SpendCategory::CaseReviews,
        "Independent reviewer, practice review",
    ),
    (SpendCategory::Other, "Website hosting"),
    (SpendCategory::Other, "Printing of the yearly report"),
];

/// What was written.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FundingCounts {
    /// Funding years.
    pub years: u64,
    /// Spend lines.
    pub spend_lines: u64,
    /// Sign-off items.
    pub sign_offs: u64,
}

fn id(rng: &mut ChaCha8Rng) -> uuid::Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

fn at(d: NaiveDate, hour: u32) -> Option<DateTime<Utc>> {
    d.and_hms_opt(hour, 0, 0).map(|t| Utc.from_utc_datetime(&t))
}

/// Writes the funding years and sign-offs of one partnership. `partners` are the local authority,
/// the police and the integrated care board, in that order; `people` the partnership's people (the
/// first is its administrator).
#[allow(clippy::indexing_slicing, clippy::too_many_arguments)]
pub(crate) async fn funding_and_signoffs(
    tx: &mut Tx,
    p: PartnershipId,
    years: u32,
    first_year: i32,
    partners: &[(&str, OrganisationId); 3],
    people: &[(PersonId, uuid::Uuid)],
    rng: &mut ChaCha8Rng,
) -> ServiceResult<FundingCounts> {
    let mut out = FundingCounts::default();
    let Some(&(admin, _)) = people.first() else {
        return Ok(out);
    };
    for y in 0..years {
        let fy = first_year + i32::try_from(y).unwrap_or(0);
        let (Some(april), Some(march)) = (
            NaiveDate::from_ymd_opt(fy, 4, 1),
            NaiveDate::from_ymd_opt(fy + 1, 3, 31),
        ) else {
            continue;
        };
        let Some(created) = at(april, 9) else {
            continue;
        };
        let year = FundingYearId(id(rng));
        let budget: i64 = rng.random_range(120_000..=300_000) * 100;
        if !funding::insert_year(
            &mut tx.conn(),
            p,
            year,
            fy,
            budget,
            "Generated for benchmarks: funded equally by the three partners.",
            admin,
            created,
        )
        .await?
        {
            continue;
        }
        out.years += 1;
        for ((_, org), share) in partners.iter().zip(equal_shares(budget, partners.len())) {
            funding::set_contribution(&mut tx.conn(), p, year, *org, share, created).await?;
        }
        let days = (march - april).num_days();
        for _ in 0..rng.random_range(10..=30) {
            let spent_on = april + Duration::days(rng.random_range(0..=days));
            let (category, description) = SPEND[rng.random_range(0..SPEND.len())];
            let (by, _) = people[rng.random_range(0..people.len())];
            funding::insert_spend(
                &mut tx.conn(),
                &NewSpendRow {
                    id: id(rng),
                    partnership: p,
                    year,
                    spent_on,
                    category: category.slug(),
                    description,
                    amount_pence: rng.random_range(20_000..=1_500_000),
                    supplier: "",
                    created_by: by,
                },
                at(spent_on, 16).unwrap_or(created),
            )
            .await?;
            out.spend_lines += 1;
        }
        // The annual budget in the spring, the yearly report in the autumn after the year.
        let latest = y + 1 == years;
        for (kind, title, funding_year, requested) in [
            (
                "annual_budget",
                format!("Annual budget {fy}/{:02}", (fy + 1).rem_euclid(100)),
                Some(year),
                april + Duration::days(rng.random_range(0..30)),
            ),
            (
                "yearly_report",
                format!("Yearly report {fy}/{:02}", (fy + 1).rem_euclid(100)),
                None,
                march + Duration::days(rng.random_range(150..200)),
            ),
        ] {
            let Some(asked) = at(requested, 10) else {
                continue;
            };
            let item = SignOffId(id(rng));
            signoffs::insert(
                &mut tx.conn(),
                &NewSignOffRow {
                    id: item,
                    partnership: p,
                    kind,
                    title: &title,
                    description: "Generated for benchmarks.",
                    funding_year,
                    requested_by: admin,
                },
                asked,
            )
            .await?;
            out.sign_offs += 1;
            // One in four was returned once and requested again.
            let rounds: i64 = if rng.random_range(0..4) == 0 { 2 } else { 1 };
            let mut when = asked;
            for round in 1..=rounds {
                signoffs::add_round(
                    &mut tx.conn(),
                    p,
                    item,
                    round,
                    None,
                    if round == 1 {
                        "For sign-off by the three lead partners."
                    } else {
                        "Revised after comments."
                    },
                    admin,
                    partners,
                    when,
                )
                .await?;
                let returned = round < rounds;
                for (k, (partner, _)) in partners.iter().enumerate() {
                    // The latest year's items are still being signed: the last partner has not yet.
                    if latest && !returned && k == 2 {
                        break;
                    }
                    when += Duration::days(rng.random_range(1..10));
                    let (by, _) = people[rng.random_range(0..people.len())];
                    let (decision, comment) = if returned && k == 0 {
                        ("returned", "Please add the partners' contributions.")
                    } else {
                        ("signed", "")
                    };
                    signoffs::decide(
                        &mut tx.conn(),
                        p,
                        item,
                        round,
                        partner,
                        decision,
                        comment,
                        by,
                        when,
                    )
                    .await?;
                    if returned {
                        break;
                    }
                }
                when += Duration::days(rng.random_range(3..14));
            }
            let status = if latest { "awaiting" } else { "complete" };
            signoffs::set_state(&mut tx.conn(), p, item, status, rounds, when).await?;
        }
    }
    Ok(out)
}
