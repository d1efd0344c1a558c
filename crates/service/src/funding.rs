//! Funding: the partnership's shared budget per financial year (April to March), each organisation's
//! contribution (with "equal shares among the three lead partners"), spend lines and the summary.
//!
//! `ViewFunding` reads; `ManageFunding` (administrators) changes. Every change writes its audit entry
//! in the same transaction. Money is whole pence.

use crate::activity::{Export, ExportFormat};
use crate::signoffs::lead_partners;
use crate::{Actor, ServiceError, ServiceResult, Services};
use chrono::{DateTime, Utc};
use safeguard_domain::csv::CsvWriter;
use safeguard_domain::funding::{
    Contribution, ContributionInput, FinancialYear, FundingYearEdit, FundingYearEditInput,
    NewFundingYear, NewFundingYearInput, RemoveSpendInput, Spend, SpendCategory, SpendInput,
    equal_shares, parse_removal, parse_spend_edit, percent, plain_pence,
};
use safeguard_domain::policy::Permission;
use safeguard_domain::{FundingYearId, OrganisationId, PartnershipId, PersonId, ValidationErrors};
use safeguard_store::funding::{
    self as store, ContributionRow, FundingYear, NewSpendRow, SpendFields, SpendRow,
};
use safeguard_store::{Tx, audit_log, organisations};
use serde_json::json;
use uuid::Uuid;

/// A partner's share of the contributions.
#[derive(Debug, Clone)]
pub struct Share {
    /// Organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// Pence.
    pub amount_pence: i64,
    /// Share of all contributions, "33.3%".
    pub percent: String,
}

/// The year's summary.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Budget.
    pub budget_pence: i64,
    /// All contributions.
    pub contributions_pence: i64,
    /// Contributions differ from the budget.
    pub contributions_differ: bool,
    /// All spending.
    pub spent_pence: i64,
    /// Budget less spending (negative when overspent).
    pub remaining_pence: i64,
    /// Spending per category (every category, in order).
    pub by_category: Vec<(SpendCategory, i64)>,
    /// Each contributor's share.
    pub shares: Vec<Share>,
}

/// Works out the summary of a year from its rows.
pub fn summarise(
    year: &FundingYear,
    contributions: &[ContributionRow],
    spend: &[SpendRow],
) -> Summary {
    let contributions_pence: i64 = contributions.iter().map(|c| c.amount_pence).sum();
    let spent_pence: i64 = spend.iter().map(|s| s.amount_pence).sum();
    Summary {
        budget_pence: year.budget_pence,
        contributions_pence,
        contributions_differ: contributions_pence != year.budget_pence,
        spent_pence,
        remaining_pence: year.budget_pence - spent_pence,
        by_category: SpendCategory::ALL
            .iter()
            .map(|c| {
                (
                    *c,
                    spend
                        .iter()
                        .filter(|s| s.category == c.slug())
                        .map(|s| s.amount_pence)
                        .sum(),
                )
            })
            .collect(),
        shares: contributions
            .iter()
            .map(|c| Share {
                organisation_id: c.organisation_id,
                organisation_name: c.organisation_name.clone(),
                amount_pence: c.amount_pence,
                percent: percent(c.amount_pence, contributions_pence),
            })
            .collect(),
    }
}

/// A year with everything a page shows.
#[derive(Debug, Clone)]
pub struct YearView {
    /// The year.
    pub year: FundingYear,
    /// Contributions.
    pub contributions: Vec<ContributionRow>,
    /// Spend lines by date.
    pub spend: Vec<SpendRow>,
    /// Removed spend lines (kept, out of the totals), most recently removed first.
    pub removed: Vec<SpendRow>,
    /// Summary.
    pub summary: Summary,
    /// The caller may change it.
    pub can_manage: bool,
}

/// The partnership's years, newest first (`ViewFunding`).
pub async fn list(svc: &Services, actor: &Actor) -> ServiceResult<Vec<FundingYear>> {
    actor.require(Permission::ViewFunding)?;
    let mut pc = svc.db.acquire().await?;
    Ok(store::list_years(&mut pc.conn(), actor.partnership_id).await?)
}

/// One year with its summary (`ViewFunding`; another partnership's year is `NotFound`).
pub async fn get(svc: &Services, actor: &Actor, id: FundingYearId) -> ServiceResult<YearView> {
    actor.require(Permission::ViewFunding)?;
    let mut pc = svc.db.acquire().await?;
    let p = actor.partnership_id;
    let year = store::find_year(&mut pc.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let contributions = store::contributions(&mut pc.conn(), p, id).await?;
    let spend = store::spend(&mut pc.conn(), p, id).await?;
    let removed = store::removed_spend(&mut pc.conn(), p, id).await?;
    Ok(YearView {
        summary: summarise(&year, &contributions, &spend),
        year,
        contributions,
        spend,
        removed,
        can_manage: actor.can(Permission::ManageFunding),
    })
}

/// Adds a financial year (`ManageFunding`); a year the partnership already has is refused.
pub async fn create(
    svc: &Services,
    actor: &Actor,
    input: &NewFundingYearInput,
) -> ServiceResult<FundingYearId> {
    actor.require(Permission::ManageFunding)?;
    let new = NewFundingYear::parse(input)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let id = FundingYearId::new();
    if !store::insert_year(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        new.year.0,
        new.budget_pence,
        &new.notes,
        actor.person_id,
        now,
    )
    .await?
    {
        return Err(ValidationErrors::single(
            "start_year",
            format!(
                "The partnership already has the financial year {}",
                new.year.label()
            ),
        )
        .into());
    }
    let mut e = actor.entry("funding_year.create", "funding_year", Some(id.to_string()));
    e.after = Some(
        json!({"start_year": new.year.0, "label": new.year.label(), "budget_pence": new.budget_pence, "notes": new.notes})
            .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(id)
}

async fn locked_year(
    tx: &mut Tx,
    p: PartnershipId,
    id: FundingYearId,
) -> ServiceResult<FundingYear> {
    if !store::lock_year(&mut tx.conn(), p, id).await? {
        return Err(ServiceError::NotFound);
    }
    store::find_year(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Sets one organisation's contribution (`ManageFunding`; 0 removes it). The organisation must
/// belong to the partnership.
pub async fn set_contribution(
    svc: &Services,
    actor: &Actor,
    id: FundingYearId,
    input: &ContributionInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageFunding)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    locked_year(&mut tx, p, id).await?;
    let c = Contribution::parse(input)?;
    if organisations::find_in_partnership(&mut tx.conn(), p, c.organisation_id)
        .await?
        .is_none()
    {
        return Err(ValidationErrors::single(
            "organisation_id",
            "Select an organisation that belongs to this partnership",
        )
        .into());
    }
    let before: Option<i64> = store::contributions(&mut tx.conn(), p, id)
        .await?
        .iter()
        .find(|r| r.organisation_id == c.organisation_id.0)
        .map(|r| r.amount_pence);
    store::set_contribution(
        &mut tx.conn(),
        p,
        id,
        c.organisation_id,
        c.amount_pence,
        now,
    )
    .await?;
    store::touch_year(&mut tx.conn(), p, id, now).await?;
    let mut e = actor.entry("funding.contribution", "funding_year", Some(id.to_string()));
    e.before =
        Some(json!({"organisation_id": c.organisation_id, "amount_pence": before}).to_string());
    e.after = Some(
        json!({"organisation_id": c.organisation_id, "amount_pence": c.amount_pence}).to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces the year's contributions with equal shares of the budget among the three lead partners
/// (`ManageFunding`). The shares add up to the budget exactly: leftover pennies go one each to the
/// local authority, then the police.
pub async fn set_equal_shares(
    svc: &Services,
    actor: &Actor,
    id: FundingYearId,
) -> ServiceResult<()> {
    actor.require(Permission::ManageFunding)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    equal_shares_in_tx(&mut tx, actor.partnership_id, id, now).await?;
    let mut e = actor.entry("funding.equal_shares", "funding_year", Some(id.to_string()));
    let rows = store::contributions(&mut tx.conn(), actor.partnership_id, id).await?;
    e.after = Some(
        json!(rows
            .iter()
            .map(|r| json!({"organisation_id": r.organisation_id, "amount_pence": r.amount_pence}))
            .collect::<Vec<_>>())
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

async fn equal_shares_in_tx(
    tx: &mut Tx,
    p: PartnershipId,
    id: FundingYearId,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let year = locked_year(tx, p, id).await?;
    let partners = lead_partners(&mut tx.conn(), p, "budget").await?;
    let shares = equal_shares(year.budget_pence, partners.len());
    store::clear_contributions(&mut tx.conn(), p, id).await?;
    for ((_, org), amount) in partners.iter().zip(shares) {
        store::set_contribution(
            &mut tx.conn(),
            p,
            id,
            OrganisationId(org.organisation_id),
            amount,
            now,
        )
        .await?;
    }
    store::touch_year(&mut tx.conn(), p, id, now).await?;
    Ok(())
}

/// Adds a spend line (`ManageFunding`); its date must fall within the year.
pub async fn add_spend(
    svc: &Services,
    actor: &Actor,
    id: FundingYearId,
    input: &SpendInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageFunding)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let year = locked_year(&mut tx, p, id).await?;
    let s = Spend::parse(input, FinancialYear(year.start_year))?;
    let line = insert_spend(&mut tx, p, id, &s, actor.person_id, now).await?;
    let mut e = actor.entry("funding.spend", "funding_year", Some(id.to_string()));
    e.after = Some(
        json!({
            "funding_spend_id": line,
            "spent_on": s.spent_on,
            "category": s.category.slug(),
            "description": s.description,
            "amount_pence": s.amount_pence,
            "supplier": s.supplier,
        })
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(line)
}

async fn insert_spend(
    tx: &mut Tx,
    p: PartnershipId,
    id: FundingYearId,
    s: &Spend,
    by: PersonId,
    now: DateTime<Utc>,
) -> ServiceResult<Uuid> {
    let line = Uuid::new_v4();
    store::insert_spend(
        &mut tx.conn(),
        &NewSpendRow {
            id: line,
            partnership: p,
            year: id,
            spent_on: s.spent_on,
            category: s.category.slug(),
            description: &s.description,
            amount_pence: s.amount_pence,
            supplier: &s.supplier,
            created_by: by,
        },
        now,
    )
    .await?;
    Ok(line)
}

/// What a stale spend edit or removal is told (409; nothing changes).
pub const CONFLICT_MESSAGE: &str = "Someone else changed or removed this spend line while you were \
     editing it. Your changes have not been saved: check the line as it is now and make them again";

/// What a stale change to a year's budget and notes is told (409; nothing changes).
pub const YEAR_CONFLICT_MESSAGE: &str = "Someone else changed the budget or notes while you were \
     editing them. Your changes have not been saved: check the year as it is now and make them again";

/// Changes a year's budget and notes (`ManageFunding`) against the version the form was built from
/// (stale: `Conflict`, nothing changes), audited with before and after.
pub async fn update_year(
    svc: &Services,
    actor: &Actor,
    id: FundingYearId,
    input: &FundingYearEditInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageFunding)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let before = locked_year(&mut tx, p, id).await?;
    let edit = FundingYearEdit::parse(input)?;
    if !store::update_year(
        &mut tx.conn(),
        p,
        id,
        edit.budget_pence,
        &edit.notes,
        edit.version,
        now,
    )
    .await?
    {
        return Err(ServiceError::Conflict(YEAR_CONFLICT_MESSAGE.to_owned()));
    }
    let mut e = actor.entry("funding_year.update", "funding_year", Some(id.to_string()));
    e.before = Some(
        json!({"start_year": before.start_year, "budget_pence": before.budget_pence, "notes": before.notes, "version": before.version})
            .to_string(),
    );
    e.after = Some(
        json!({"start_year": before.start_year, "budget_pence": edit.budget_pence, "notes": edit.notes, "version": edit.version + 1})
            .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A spend line with its year.
#[derive(Debug, Clone)]
pub struct SpendView {
    /// The line.
    pub line: SpendRow,
    /// Its year.
    pub year: FundingYear,
}

/// One spend line (`ViewFunding`; another partnership's is `NotFound`).
pub async fn get_spend(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<SpendView> {
    actor.require(Permission::ViewFunding)?;
    let mut pc = svc.db.acquire().await?;
    let p = actor.partnership_id;
    let line = store::find_spend(&mut pc.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let year = store::find_year(&mut pc.conn(), p, FundingYearId(line.funding_year_id))
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(SpendView { line, year })
}

fn spend_json(line: &SpendRow) -> serde_json::Value {
    json!({
        "funding_spend_id": line.funding_spend_id,
        "spent_on": line.spent_on,
        "category": line.category,
        "description": line.description,
        "amount_pence": line.amount_pence,
        "supplier": line.supplier,
        "version": line.version,
    })
}

/// Locks the line's year and reads the line (`NotFound` when not in the partnership).
async fn locked_spend(
    tx: &mut Tx,
    p: PartnershipId,
    id: Uuid,
) -> ServiceResult<(SpendRow, FundingYear)> {
    let line = store::find_spend(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let year = locked_year(tx, p, FundingYearId(line.funding_year_id)).await?;
    // Read again under the year's lock.
    let line = store::find_spend(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((line, year))
}

/// Corrects a spend line (`ManageFunding`) against the version the form was built from; a stale
/// version, or a line removed meanwhile, is a `Conflict` and nothing changes. Audited with before
/// and after.
pub async fn update_spend(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &SpendInput,
    version: &str,
) -> ServiceResult<()> {
    actor.require(Permission::ManageFunding)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let (before, year) = locked_spend(&mut tx, p, id).await?;
    let (s, version) = parse_spend_edit(input, version, FinancialYear(year.start_year))?;
    let ok = store::update_spend(
        &mut tx.conn(),
        p,
        id,
        &SpendFields {
            spent_on: s.spent_on,
            category: s.category.slug(),
            description: &s.description,
            amount_pence: s.amount_pence,
            supplier: &s.supplier,
        },
        version,
        actor.person_id,
        now,
    )
    .await?;
    if !ok {
        return Err(ServiceError::Conflict(CONFLICT_MESSAGE.to_owned()));
    }
    store::touch_year(&mut tx.conn(), p, year.id(), now).await?;
    let mut e = actor.entry(
        "funding.spend_update",
        "funding_spend",
        Some(id.to_string()),
    );
    e.before = Some(spend_json(&before).to_string());
    e.after = Some(
        json!({
            "funding_spend_id": id,
            "funding_year_id": year.funding_year_id,
            "spent_on": s.spent_on,
            "category": s.category.slug(),
            "description": s.description,
            "amount_pence": s.amount_pence,
            "supplier": s.supplier,
            "version": version + 1,
        })
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a spend line entered by mistake (`ManageFunding`): the line stays, marked removed with
/// who, when and why, and leaves the totals. Needs a reason and the version the form was built from
/// (stale: `Conflict`, nothing changes). Returns the line's year.
pub async fn remove_spend(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &RemoveSpendInput,
) -> ServiceResult<FundingYearId> {
    actor.require(Permission::ManageFunding)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let (before, year) = locked_spend(&mut tx, p, id).await?;
    let (reason, version) = parse_removal(input)?;
    if !store::remove_spend(
        &mut tx.conn(),
        p,
        id,
        version,
        &reason,
        actor.person_id,
        now,
    )
    .await?
    {
        return Err(ServiceError::Conflict(CONFLICT_MESSAGE.to_owned()));
    }
    store::touch_year(&mut tx.conn(), p, year.id(), now).await?;
    let mut e = actor.entry(
        "funding.spend_remove",
        "funding_spend",
        Some(id.to_string()),
    );
    e.before = Some(spend_json(&before).to_string());
    e.after = Some(json!({"removed": true, "reason": reason, "version": version + 1}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(year.id())
}

/// The CSV download's column headings.
pub const EXPORT_HEADINGS: [&str; 7] = [
    "Record",
    "Date",
    "Category",
    "What it was for",
    "Organisation or supplier",
    "Amount (£)",
    "Financial year",
];

/// A year's contributions and spend lines (removed lines left out) as CSV (`ViewFunding`), written
/// by the shared spreadsheet-safe writer, after committing the `funding.export` audit entry.
pub async fn export_csv(svc: &Services, actor: &Actor, id: FundingYearId) -> ServiceResult<Export> {
    actor.require(Permission::ViewFunding)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let year = store::find_year(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let label = FinancialYear(year.start_year).label();
    let contributions = store::contributions(&mut tx.conn(), p, id).await?;
    let spend = store::spend(&mut tx.conn(), p, id).await?;
    let mut w = CsvWriter::new(&EXPORT_HEADINGS);
    for c in &contributions {
        w.record(&[
            "Contribution",
            "",
            "",
            "",
            c.organisation_name.as_str(),
            &plain_pence(c.amount_pence),
            &label,
        ]);
    }
    for l in &spend {
        w.record(&[
            "Spend",
            &l.spent_on.format("%Y-%m-%d").to_string(),
            SpendCategory::parse(&l.category).map_or("Unknown", SpendCategory::label),
            l.description.as_str(),
            l.supplier.as_str(),
            &plain_pence(l.amount_pence),
            &label,
        ]);
    }
    let bytes = w.into_bytes();
    let mut e = actor.entry("funding.export", "funding_year", Some(id.to_string()));
    e.after = Some(
        json!({
            "start_year": year.start_year,
            "format": "csv",
            "contributions": contributions.len(),
            "spend_lines": spend.len(),
            "bytes": bytes.len(),
        })
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(Export {
        file_name: format!("funding-{}.csv", label.replace('/', "-")),
        content_type: ExportFormat::Csv.content_type(),
        rows: contributions.len() + spend.len(),
        bytes,
    })
}

/// Illustrative demo budget for 2022/23 (the report says the board is "funded, equally, by the three
/// partners" but gives no amounts): £150,000.00 in equal shares, and a few spend lines.
pub const DEMO_BUDGET_PENCE: i64 = 15_000_000;

const DEMO_SPEND: &[(&str, SpendCategory, &str, i64, &str)] = &[
    (
        "2022-04-30",
        SpendCategory::Staffing,
        "Business unit staffing, April to June",
        2_150_000,
        "",
    ),
    (
        "2022-06-30",
        SpendCategory::IndependentScrutiny,
        "Independent scrutiny, first half-year",
        1_200_000,
        "Independent scrutineer (commissioned)",
    ),
    (
        "2022-09-15",
        SpendCategory::Training,
        "Threshold of Need conference and workshops",
        485_050,
        "",
    ),
    (
        "2023-01-20",
        SpendCategory::CaseReviews,
        "Independent reviewer for the joint thematic review on neglect",
        975_000,
        "",
    ),
];

/// The demo year 2022/23 (once): an illustrative budget in equal shares and a few spend lines.
/// Returns the year's id.
pub(crate) async fn load_demo(
    tx: &mut Tx,
    p: PartnershipId,
    now: DateTime<Utc>,
) -> ServiceResult<Option<FundingYearId>> {
    if let Some(y) = store::find_year_by_start(&mut tx.conn(), p, 2022).await? {
        return Ok(Some(y.id()));
    }
    let Some(admin) =
        safeguard_store::people::find_by_email(&mut tx.conn(), "admin@safeguard.example").await?
    else {
        return Ok(None);
    };
    let id = FundingYearId::new();
    store::insert_year(
        &mut tx.conn(),
        p,
        id,
        2022,
        DEMO_BUDGET_PENCE,
        "Illustrative amounts for the demonstration: the partnership is funded equally by the three partners.",
        admin.id(),
        now,
    )
    .await?;
    equal_shares_in_tx(tx, p, id, now).await?;
    for (date, category, description, amount, supplier) in DEMO_SPEND {
        let Ok(spent_on) = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") else {
            continue;
        };
        let s = Spend {
            spent_on,
            category: *category,
            description: (*description).to_owned(),
            amount_pence: *amount,
            supplier: (*supplier).to_owned(),
        };
        insert_spend(tx, p, id, &s, admin.id(), now).await?;
    }
    let mut e = safeguard_domain::audit::NewEntry::new(
        "funding_year.create",
        "funding_year",
        Some(id.to_string()),
    );
    e.partnership_id = Some(p.0);
    e.after = Some(
        json!({"start_year": 2022, "budget_pence": DEMO_BUDGET_PENCE, "via": "demo"}).to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(Some(id))
}
