//! Funding: the partnership's shared budget per financial year (April to March), each partner's
//! contribution, the spend lines and the summary. Money is whole pence (`i64`) everywhere; this module
//! parses "£12,345.67" and formats pence back.

use crate::actions::{optional_id, optional_text};
use crate::validation::{ValidationErrors, required_text};
use crate::{OrganisationId, actions::TITLE_MAX};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The largest amount accepted: £1,000,000,000.00.
pub const MAX_PENCE: i64 = 100_000_000_000;
/// Longest notes, in characters.
pub const NOTES_MAX: usize = 2_000;
/// First financial year accepted.
pub const FIRST_YEAR: i32 = 2000;
/// Last financial year accepted.
pub const LAST_YEAR: i32 = 2100;

/// Parses an amount of money: "£12,345.67", "12345.67", "12345" or "12,345.6". Returns pence.
/// `label` names the field in messages ("Budget", "Amount"). Negative amounts are refused.
pub fn parse_pence(
    errors: &mut ValidationErrors,
    field: &str,
    raw: &str,
    label: &str,
) -> Option<i64> {
    let v = raw.trim();
    if v.is_empty() {
        errors.add(field, format!("Enter the {}", label.to_lowercase()));
        return None;
    }
    let bad = |errors: &mut ValidationErrors| {
        errors.add(
            field,
            format!("{label} must be an amount of money in pounds and pence, like £12,345.67"),
        );
        None
    };
    let mut s = v.replace([',', ' '], "");
    if s.starts_with('-') || s.starts_with("£-") || s.starts_with("-£") {
        errors.add(field, format!("{label} must be £0 or more"));
        return None;
    }
    if let Some(rest) = s.strip_prefix('£') {
        s = rest.to_owned();
    }
    let (pounds, pence) = match s.split_once('.') {
        Some((p, d)) => (p, d),
        None => (s.as_str(), ""),
    };
    if pounds.is_empty() && pence.is_empty() {
        return bad(errors);
    }
    if !pounds.chars().all(|c| c.is_ascii_digit())
        || !pence.chars().all(|c| c.is_ascii_digit())
        || (s.contains('.') && pence.is_empty())
    {
        return bad(errors);
    }
    if pence.len() > 2 {
        errors.add(
            field,
            format!("{label} must not have more than 2 decimal places"),
        );
        return None;
    }
    if pounds.len() > 12 {
        errors.add(field, format!("{label} must be £1,000,000,000 or less"));
        return None;
    }
    let whole: i64 = if pounds.is_empty() {
        0
    } else {
        pounds.parse().ok()?
    };
    let frac: i64 = match pence.len() {
        0 => 0,
        1 => pence.parse::<i64>().ok()? * 10,
        _ => pence.parse().ok()?,
    };
    let total = whole.checked_mul(100)?.checked_add(frac)?;
    if total > MAX_PENCE {
        errors.add(field, format!("{label} must be £1,000,000,000 or less"));
        return None;
    }
    Some(total)
}

/// Formats pence as "£12,345.67" (negative as "-£12.00").
pub fn format_pence(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let abs = pence.unsigned_abs();
    let pounds = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in pounds.chars().enumerate() {
        if i > 0 && (pounds.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}£{grouped}.{:02}", abs % 100)
}

/// Pence as a plain decimal for form fields ("12345.67").
pub fn plain_pence(pence: i64) -> String {
    format!("{}.{:02}", pence / 100, (pence % 100).abs())
}

/// A financial year, named by the calendar year in which it starts: 2022 is 1 April 2022 to 31 March
/// 2023, shown "2022/23".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FinancialYear(pub i32);

impl FinancialYear {
    /// "2022/23".
    pub fn label(self) -> String {
        format!("{}/{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }
    /// 1 April of the start year.
    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.0, 4, 1)
    }
    /// 31 March of the next year.
    pub fn last_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.0 + 1, 3, 31)
    }
    /// True when the date falls within the year.
    pub fn contains(self, d: NaiveDate) -> bool {
        match (self.first_day(), self.last_day()) {
            (Some(a), Some(b)) => a <= d && d <= b,
            _ => false,
        }
    }
    /// The financial year a date falls in.
    pub fn of(d: NaiveDate) -> FinancialYear {
        if d.month() >= 4 {
            FinancialYear(d.year())
        } else {
            FinancialYear(d.year() - 1)
        }
    }
}

/// What the money was spent on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpendCategory {
    /// Business unit staffing.
    Staffing,
    /// The independent chair and scrutiny.
    IndependentScrutiny,
    /// Multi-agency training.
    Training,
    /// Rapid reviews and child safeguarding practice reviews.
    CaseReviews,
    /// Anything else.
    Other,
}

impl SpendCategory {
    /// Every category, in display order.
    pub const ALL: [SpendCategory; 5] = [
        SpendCategory::Staffing,
        SpendCategory::IndependentScrutiny,
        SpendCategory::Training,
        SpendCategory::CaseReviews,
        SpendCategory::Other,
    ];
    /// Stored identifier.
    pub fn slug(self) -> &'static str {
        match self {
            SpendCategory::Staffing => "staffing",
            SpendCategory::IndependentScrutiny => "independent_scrutiny",
            SpendCategory::Training => "training",
            SpendCategory::CaseReviews => "case_reviews",
            SpendCategory::Other => "other",
        }
    }
    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            SpendCategory::Staffing => "Staffing",
            SpendCategory::IndependentScrutiny => "Independent chair and scrutiny",
            SpendCategory::Training => "Training",
            SpendCategory::CaseReviews => "Case reviews",
            SpendCategory::Other => "Other",
        }
    }
    /// Parses a slug.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == s)
    }
}

/// Raw input for a new financial year.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewFundingYearInput {
    /// The year it starts, such as 2022 (for 2022/23).
    #[serde(default)]
    pub start_year: String,
    /// The total budget, such as "£150,000.00".
    #[serde(default)]
    pub budget: String,
    /// Notes (optional).
    #[serde(default)]
    pub notes: String,
}

/// A validated new financial year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFundingYear {
    /// The year.
    pub year: FinancialYear,
    /// Budget in pence.
    pub budget_pence: i64,
    /// Notes.
    pub notes: String,
}

impl NewFundingYear {
    /// Validates a new year.
    pub fn parse(input: &NewFundingYearInput) -> Result<NewFundingYear, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let raw = input.start_year.trim();
        // Accept "2022" and "2022/23".
        let first = raw.split('/').next().unwrap_or_default();
        let year = match first.parse::<i32>() {
            Ok(y) if (FIRST_YEAR..=LAST_YEAR).contains(&y) => {
                if let Some((_, second)) = raw.split_once('/')
                    && second.parse::<i32>().ok() != Some((y + 1).rem_euclid(100))
                {
                    errors.add(
                        "start_year",
                        "Enter the year the financial year starts, like 2022 for 2022/23",
                    );
                }
                Some(FinancialYear(y))
            }
            Ok(_) => {
                errors.add(
                    "start_year",
                    format!("The year must be between {FIRST_YEAR} and {LAST_YEAR}"),
                );
                None
            }
            Err(_) => {
                errors.add(
                    "start_year",
                    "Enter the year the financial year starts, like 2022 for 2022/23",
                );
                None
            }
        };
        let budget = parse_pence(&mut errors, "budget", &input.budget, "Budget");
        let notes = optional_text(&mut errors, "notes", &input.notes, "Notes", NOTES_MAX);
        match (year, budget) {
            (Some(year), Some(budget_pence)) if errors.is_empty() => Ok(NewFundingYear {
                year,
                budget_pence,
                notes,
            }),
            _ => Err(errors),
        }
    }
}

/// Raw input for one organisation's contribution.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContributionInput {
    /// The organisation.
    #[serde(default)]
    pub organisation_id: String,
    /// The amount.
    #[serde(default)]
    pub amount: String,
}

/// A validated contribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    /// The organisation.
    pub organisation_id: OrganisationId,
    /// Pence (0 removes it).
    pub amount_pence: i64,
}

impl Contribution {
    /// Validates a contribution.
    pub fn parse(input: &ContributionInput) -> Result<Contribution, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let org: Option<OrganisationId> = optional_id(
            &mut errors,
            "organisation_id",
            &input.organisation_id,
            "Select the organisation that contributes",
        );
        if org.is_none() {
            errors.add(
                "organisation_id",
                "Select the organisation that contributes",
            );
        }
        let amount = parse_pence(&mut errors, "amount", &input.amount, "Amount");
        match (org, amount) {
            (Some(organisation_id), Some(amount_pence)) if errors.is_empty() => Ok(Contribution {
                organisation_id,
                amount_pence,
            }),
            _ => Err(errors),
        }
    }
}

/// Raw input for a spend line.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SpendInput {
    /// Date, `YYYY-MM-DD`.
    #[serde(default)]
    pub spent_on: String,
    /// Category slug.
    #[serde(default)]
    pub category: String,
    /// What it was for.
    #[serde(default)]
    pub description: String,
    /// Amount.
    #[serde(default)]
    pub amount: String,
    /// Supplier (optional).
    #[serde(default)]
    pub supplier: String,
}

/// A validated spend line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spend {
    /// Date within the year.
    pub spent_on: NaiveDate,
    /// Category.
    pub category: SpendCategory,
    /// What it was for.
    pub description: String,
    /// Pence, more than 0.
    pub amount_pence: i64,
    /// Supplier (may be empty).
    pub supplier: String,
}

impl Spend {
    /// Validates a spend line of the financial year `year` (its date must fall within it).
    pub fn parse(input: &SpendInput, year: FinancialYear) -> Result<Spend, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let raw = input.spent_on.trim();
        let spent_on = if raw.is_empty() {
            errors.add("spent_on", "Enter the date of the spending");
            None
        } else {
            match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(d) if year.contains(d) => Some(d),
                Ok(_) => {
                    errors.add(
                        "spent_on",
                        format!(
                            "The date must be within {}: between 1 April {} and 31 March {}",
                            year.label(),
                            year.0,
                            year.0 + 1
                        ),
                    );
                    None
                }
                Err(_) => {
                    errors.add("spent_on", "The date must be a real date, like 2022-06-30");
                    None
                }
            }
        };
        let category = SpendCategory::parse(input.category.trim());
        if category.is_none() {
            errors.add("category", "Select a category");
        }
        let description = required_text(
            &mut errors,
            "description",
            &input.description,
            "what the money was spent on",
            TITLE_MAX,
        );
        let amount = parse_pence(&mut errors, "amount", &input.amount, "Amount");
        if amount == Some(0) {
            errors.add("amount", "Amount must be more than £0");
        }
        let supplier = optional_text(
            &mut errors,
            "supplier",
            &input.supplier,
            "Supplier",
            TITLE_MAX,
        );
        match (spent_on, category, amount) {
            (Some(spent_on), Some(category), Some(amount_pence)) if errors.is_empty() => {
                Ok(Spend {
                    spent_on,
                    category,
                    description,
                    amount_pence,
                    supplier,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Raw input for a change to a year's budget and notes.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FundingYearEditInput {
    /// The total budget, such as "£150,000.00".
    #[serde(default)]
    pub budget: String,
    /// Notes (optional).
    #[serde(default)]
    pub notes: String,
    /// The version the form was built from.
    #[serde(default)]
    pub version: String,
}

/// A validated change to a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingYearEdit {
    /// Budget in pence.
    pub budget_pence: i64,
    /// Notes.
    pub notes: String,
    /// The version it was made against.
    pub version: i64,
}

impl FundingYearEdit {
    /// Validates a change to a year.
    pub fn parse(input: &FundingYearEditInput) -> Result<FundingYearEdit, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let budget = parse_pence(&mut errors, "budget", &input.budget, "Budget");
        let notes = optional_text(&mut errors, "notes", &input.notes, "Notes", NOTES_MAX);
        let version = crate::activity::parse_version(&mut errors, &input.version);
        match (budget, version) {
            (Some(budget_pence), Some(version)) if errors.is_empty() => Ok(FundingYearEdit {
                budget_pence,
                notes,
                version,
            }),
            _ => Err(errors),
        }
    }
}

/// Longest reason for removing a spend line, in characters.
pub const REASON_MAX: usize = 500;

/// Validates a correction of a spend line: its fields and the version the form was built from.
pub fn parse_spend_edit(
    input: &SpendInput,
    version: &str,
    year: FinancialYear,
) -> Result<(Spend, i64), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let v = crate::activity::parse_version(&mut errors, version);
    match (Spend::parse(input, year), v) {
        (Ok(s), Some(v)) => Ok((s, v)),
        (Err(mut e), _) => {
            e.0.extend(errors.0);
            Err(e)
        }
        (Ok(_), None) => Err(errors),
    }
}

/// Raw input for removing a spend line entered by mistake.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RemoveSpendInput {
    /// Why it is removed.
    #[serde(default)]
    pub reason: String,
    /// The version the form was built from.
    #[serde(default)]
    pub version: String,
}

/// Validates a removal: a reason (required) and the version. Returns (reason, version).
pub fn parse_removal(input: &RemoveSpendInput) -> Result<(String, i64), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let reason = required_text(
        &mut errors,
        "reason",
        &input.reason,
        "the reason for removing the spend line",
        REASON_MAX,
    );
    let v = crate::activity::parse_version(&mut errors, &input.version);
    match v {
        Some(v) if errors.is_empty() => Ok((reason, v)),
        _ => Err(errors),
    }
}

/// Splits `total` pence into `n` shares that add up exactly: each gets `total / n`, and the first
/// `total % n` shares one penny more (so the leftover pennies go to the partners in their fixed order:
/// local authority, police, integrated care board).
pub fn equal_shares(total: i64, n: usize) -> Vec<i64> {
    let Ok(n_i) = i64::try_from(n) else {
        return Vec::new();
    };
    if n_i == 0 {
        return Vec::new();
    }
    let base = total / n_i;
    let left = total % n_i;
    (0..n_i).map(|i| base + i64::from(i < left)).collect()
}

/// A share of a total as a percentage with one decimal ("33.3%"); "0.0%" when the total is 0.
pub fn percent(part: i64, total: i64) -> String {
    if total <= 0 {
        return "0.0%".to_owned();
    }
    // Tenths of a percent, rounded half up, in integers.
    let tenths = (i128::from(part) * 1000 * 2 + i128::from(total)) / (2 * i128::from(total));
    format!("{}.{}%", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn p(raw: &str) -> Result<i64, String> {
        let mut e = ValidationErrors::new();
        parse_pence(&mut e, "amount", raw, "Amount")
            .ok_or_else(|| e.get("amount").unwrap_or("").to_owned())
    }

    #[test]
    fn money_is_parsed_into_pence() {
        assert_eq!(p("£12,345.67"), Ok(1_234_567));
        assert_eq!(p("12345.67"), Ok(1_234_567));
        assert_eq!(p("12345"), Ok(1_234_500));
        assert_eq!(p("12,345.6"), Ok(1_234_560));
        assert_eq!(p(" £ 0.05 "), Ok(5));
        assert_eq!(p(".5"), Ok(50));
        assert_eq!(p("-5"), Err("Amount must be £0 or more".into()));
        assert_eq!(p("£-5"), Err("Amount must be £0 or more".into()));
        assert!(p("12.345").unwrap_err().contains("2 decimal places"));
        assert!(p("twelve").unwrap_err().contains("pounds and pence"));
        assert!(p("1.").unwrap_err().contains("pounds and pence"));
        assert!(p("1e5").unwrap_err().contains("pounds and pence"));
        assert!(p("99999999999999").unwrap_err().contains("or less"));
        assert_eq!(p(""), Err("Enter the amount".into()));
    }

    #[test]
    fn money_is_formatted() {
        assert_eq!(format_pence(1_234_567), "£12,345.67");
        assert_eq!(format_pence(5), "£0.05");
        assert_eq!(format_pence(100_000_000), "£1,000,000.00");
        assert_eq!(format_pence(-1200), "-£12.00");
        assert_eq!(plain_pence(1_234_567), "12345.67");
    }

    #[test]
    fn equal_shares_add_up_exactly() {
        assert_eq!(equal_shares(100, 3), vec![34, 33, 33]);
        assert_eq!(equal_shares(101, 3), vec![34, 34, 33]);
        assert_eq!(equal_shares(99, 3), vec![33, 33, 33]);
        assert_eq!(equal_shares(0, 3), vec![0, 0, 0]);
        assert_eq!(equal_shares(10, 0), Vec::<i64>::new());
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(2, 3), "66.7%");
        assert_eq!(percent(5, 0), "0.0%");
    }

    #[test]
    fn financial_years_run_april_to_march() {
        let y = FinancialYear(2022);
        assert_eq!(y.label(), "2022/23");
        assert_eq!(FinancialYear(2099).label(), "2099/00");
        assert!(y.contains(NaiveDate::from_ymd_opt(2022, 4, 1).unwrap()));
        assert!(y.contains(NaiveDate::from_ymd_opt(2023, 3, 31).unwrap()));
        assert!(!y.contains(NaiveDate::from_ymd_opt(2023, 4, 1).unwrap()));
        assert!(!y.contains(NaiveDate::from_ymd_opt(2022, 3, 31).unwrap()));
        assert_eq!(
            FinancialYear::of(NaiveDate::from_ymd_opt(2023, 2, 1).unwrap()),
            y
        );
    }

    #[test]
    fn a_spend_line_must_fall_within_its_year() {
        let e = Spend::parse(
            &SpendInput {
                spent_on: "2023-04-01".into(),
                category: "training".into(),
                description: "Course".into(),
                amount: "100".into(),
                supplier: String::new(),
            },
            FinancialYear(2022),
        )
        .unwrap_err();
        assert!(e.get("spent_on").unwrap().contains("2022/23"));
        let e = Spend::parse(&SpendInput::default(), FinancialYear(2022)).unwrap_err();
        assert!(e.get("spent_on").is_some());
        assert!(e.get("category").is_some());
        assert!(e.get("description").is_some());
        assert!(e.get("amount").is_some());
    }

    #[test]
    fn a_year_is_validated() {
        let ok = NewFundingYear::parse(&NewFundingYearInput {
            start_year: "2022/23".into(),
            budget: "£150,000".into(),
            notes: String::new(),
        })
        .unwrap();
        assert_eq!(ok.year, FinancialYear(2022));
        assert_eq!(ok.budget_pence, 15_000_000);
        let e = NewFundingYear::parse(&NewFundingYearInput {
            start_year: "1800".into(),
            budget: "-1".into(),
            notes: String::new(),
        })
        .unwrap_err();
        assert!(e.get("start_year").is_some());
        assert!(e.get("budget").is_some());
    }

    #[test]
    fn edits_and_removals_are_validated() {
        let e = FundingYearEdit::parse(&FundingYearEditInput {
            budget: "lots".into(),
            notes: "x".repeat(NOTES_MAX + 1),
            version: String::new(),
        })
        .unwrap_err();
        assert!(e.get("budget").unwrap().contains("pounds and pence"));
        assert!(e.get("notes").is_some());
        assert!(e.get("version").is_some());
        let ok = FundingYearEdit::parse(&FundingYearEditInput {
            budget: "£1,000.50".into(),
            notes: " Revised ".into(),
            version: "4".into(),
        })
        .unwrap();
        assert_eq!(
            (ok.budget_pence, ok.notes.as_str(), ok.version),
            (100_050, "Revised", 4)
        );
        let line = SpendInput {
            spent_on: "2022-05-01".into(),
            category: "training".into(),
            description: "Course".into(),
            amount: "10".into(),
            supplier: String::new(),
        };
        let (s, v) = parse_spend_edit(&line, "3", FinancialYear(2022)).unwrap();
        assert_eq!((s.amount_pence, v), (1_000, 3));
        let e = parse_spend_edit(&line, "", FinancialYear(2022)).unwrap_err();
        assert!(e.get("version").is_some());
        let e = parse_spend_edit(&SpendInput::default(), "0", FinancialYear(2022)).unwrap_err();
        assert!(e.get("spent_on").is_some() && e.get("version").is_some());
        let e = parse_removal(&RemoveSpendInput {
            reason: "  ".into(),
            version: "1".into(),
        })
        .unwrap_err();
        assert_eq!(
            e.get("reason"),
            Some("Enter the reason for removing the spend line")
        );
        assert_eq!(
            parse_removal(&RemoveSpendInput {
                reason: " Entered twice ".into(),
                version: "2".into(),
            })
            .unwrap(),
            ("Entered twice".to_owned(), 2)
        );
    }
}
