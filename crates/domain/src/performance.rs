//! The performance framework: the indicator catalogue, computed figures (rates and percentages),
//! RAG ratings, trends, and the strict reader for agency data returns.
//!
//! # Rounding rule
//!
//! Every computed figure is `numerator × multiplier ÷ denominator` (multiplier 100 for a
//! percentage, 10,000 for a rate per 10,000 children aged 0–17, 1 for a count), rounded **half
//! away from zero** to the indicator's number of decimal places (0–3). The division is done in
//! integers (`i128`) on the value scaled by 10^decimals, so there is no floating-point drift: the
//! result is exact and the same on every machine. Figures are kept as a [`Figure`] (a scaled integer
//! and its decimal places); targets, tolerances and benchmarks are stored the same way.
//!
//! Figures are never typed in: a return supplies counts (and, for a percentage, its denominator);
//! a rate's denominator is the place profile's population estimate for the period.

use crate::validation::ValidationErrors;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// What an indicator's figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A count (numerator only).
    Count,
    /// Numerator ÷ denominator × 100.
    Percentage,
    /// Count ÷ population aged 0–17 × 10,000.
    RatePer10000,
}

impl Unit {
    /// Every unit.
    pub const ALL: [Unit; 3] = [Unit::Count, Unit::Percentage, Unit::RatePer10000];
    /// Stored value.
    pub fn slug(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Percentage => "percentage",
            Unit::RatePer10000 => "rate_per_10000",
        }
    }
    /// From the stored value.
    pub fn from_slug(s: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|u| u.slug() == s)
    }
    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Count => "Count",
            Unit::Percentage => "Percentage",
            Unit::RatePer10000 => "Rate per 10,000 children aged 0 to 17",
        }
    }
    /// The multiplier applied to numerator ÷ denominator.
    pub fn multiplier(self) -> i128 {
        match self {
            Unit::Count => 1,
            Unit::Percentage => 100,
            Unit::RatePer10000 => 10_000,
        }
    }
    /// Does a return supply the denominator? (A rate's comes from the place profile.)
    pub fn return_has_denominator(self) -> bool {
        self == Unit::Percentage
    }
    /// The age band of a rate's population denominator.
    pub const RATE_AGE_BAND: &'static str = "0-17";
}

/// How often an indicator is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Calendar months.
    Month,
    /// Quarters of the financial year (April–June is Q1).
    Quarter,
    /// Financial years (1 April to 31 March).
    Year,
}

impl Frequency {
    /// Every frequency.
    pub const ALL: [Frequency; 3] = [Frequency::Month, Frequency::Quarter, Frequency::Year];
    /// Stored value.
    pub fn slug(self) -> &'static str {
        match self {
            Frequency::Month => "month",
            Frequency::Quarter => "quarter",
            Frequency::Year => "year",
        }
    }
    /// From the stored value.
    pub fn from_slug(s: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|u| u.slug() == s)
    }
    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Frequency::Month => "Monthly",
            Frequency::Quarter => "Quarterly",
            Frequency::Year => "Yearly (financial year)",
        }
    }
    /// Months in one period.
    pub fn months(self) -> u32 {
        match self {
            Frequency::Month => 1,
            Frequency::Quarter => 3,
            Frequency::Year => 12,
        }
    }
}

/// Whether a figure is a count at a point in time or a total over the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// A stock at the end of the period (for example "at 31 March").
    Snapshot,
    /// A total over the period (for example referrals in the year).
    InYear,
}

impl Measure {
    /// Stored value.
    pub fn slug(self) -> &'static str {
        match self {
            Measure::Snapshot => "snapshot",
            Measure::InYear => "in_year",
        }
    }
    /// From the stored value.
    pub fn from_slug(s: &str) -> Option<Measure> {
        [Measure::Snapshot, Measure::InYear]
            .into_iter()
            .find(|u| u.slug() == s)
    }
    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Measure::Snapshot => "Snapshot at the end of the period",
            Measure::InYear => "Total over the period",
        }
    }
}

/// Which direction is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    /// Higher is better.
    HigherIsBetter,
    /// Lower is better.
    LowerIsBetter,
    /// Neither: the figure is for context and gets no RAG rating.
    Neutral,
}

impl Polarity {
    /// Every polarity.
    pub const ALL: [Polarity; 3] = [
        Polarity::HigherIsBetter,
        Polarity::LowerIsBetter,
        Polarity::Neutral,
    ];
    /// Stored value.
    pub fn slug(self) -> &'static str {
        match self {
            Polarity::HigherIsBetter => "higher_is_better",
            Polarity::LowerIsBetter => "lower_is_better",
            Polarity::Neutral => "neutral",
        }
    }
    /// From the stored value.
    pub fn from_slug(s: &str) -> Option<Polarity> {
        Polarity::ALL.into_iter().find(|u| u.slug() == s)
    }
    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Polarity::HigherIsBetter => "Higher is better",
            Polarity::LowerIsBetter => "Lower is better",
            Polarity::Neutral => "No direction (context only)",
        }
    }
}

/// A decimal figure held exactly: `scaled ÷ 10^decimals`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    /// The value times 10^decimals.
    pub scaled: i64,
    /// Decimal places (0–3).
    pub decimals: u8,
}

impl Figure {
    /// The most decimal places an indicator may have.
    pub const MAX_DECIMALS: u8 = 3;

    /// Parses "50.4", "102", "-3.25" with at most `decimals` decimal places (padding with zeros).
    /// Thousands separators are accepted ("1,234").
    pub fn parse(text: &str, decimals: u8) -> Option<Figure> {
        let t: String = text.trim().chars().filter(|c| *c != ',').collect();
        let (neg, digits) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.as_str()),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if int.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > usize::from(decimals)
            || int.len() > 12
        {
            return None;
        }
        let mut scaled: i64 = int.parse().ok()?;
        for i in 0..decimals {
            let d = frac
                .as_bytes()
                .get(usize::from(i))
                .map_or(0, |b| i64::from(b - b'0'));
            scaled = scaled.checked_mul(10)?.checked_add(d)?;
        }
        Some(Figure {
            scaled: if neg { -scaled } else { scaled },
            decimals,
        })
    }

    /// The value as f64 (only for drawing a chart; never for arithmetic).
    pub fn as_f64(self) -> f64 {
        // Chart coordinates only: precision loss beyond 2^53 is irrelevant there.
        #[allow(clippy::cast_precision_loss)]
        let v = self.scaled as f64;
        v / 10f64.powi(i32::from(self.decimals))
    }

    /// The difference `self - other` (same decimals).
    pub fn minus(self, other: Figure) -> Figure {
        Figure {
            scaled: self.scaled - other.scaled,
            decimals: self.decimals,
        }
    }
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.scaled < 0;
        let abs = self.scaled.unsigned_abs();
        let pow = 10u64.pow(u32::from(self.decimals));
        let int = abs / pow;
        let frac = abs % pow;
        // thousands separators on the integer part
        let digits = int.to_string();
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        if neg {
            f.write_str("-")?;
        }
        f.write_str(&grouped)?;
        if self.decimals > 0 {
            write!(f, ".{:0width$}", frac, width = usize::from(self.decimals))?;
        }
        Ok(())
    }
}

/// `numerator × multiplier ÷ denominator` rounded half away from zero to `decimals` places, in
/// integer arithmetic. `None` when the denominator is zero (the figure is undefined).
pub fn compute(numerator: i64, denominator: i64, multiplier: i128, decimals: u8) -> Option<Figure> {
    if denominator == 0 {
        return None;
    }
    let pow = 10i128.pow(u32::from(decimals));
    let n = i128::from(numerator) * multiplier * pow;
    let d = i128::from(denominator);
    let q = n / d;
    let r = n % d;
    // half away from zero: compare twice the remainder's magnitude with the divisor's
    let q = if 2 * r.abs() >= d.abs() {
        if (n < 0) == (d < 0) { q + 1 } else { q - 1 }
    } else {
        q
    };
    Some(Figure {
        scaled: i64::try_from(q).ok()?,
        decimals,
    })
}

/// The figure of an indicator: its unit applied to a numerator and denominator (a count ignores
/// the denominator).
pub fn figure(
    unit: Unit,
    numerator: i64,
    denominator: Option<i64>,
    decimals: u8,
) -> Option<Figure> {
    match unit {
        Unit::Count => compute(numerator, 1, 1, decimals),
        Unit::Percentage | Unit::RatePer10000 => {
            compute(numerator, denominator?, unit.multiplier(), decimals)
        }
    }
}

/// A RAG rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    /// On or better than target.
    Green,
    /// Worse than target but within tolerance.
    Amber,
    /// Worse than target by more than the tolerance.
    Red,
    /// No target, or a neutral indicator.
    NotRated,
}

impl Rag {
    /// For people (never colour alone).
    pub fn label(self) -> &'static str {
        match self {
            Rag::Green => "On target",
            Rag::Amber => "Near target",
            Rag::Red => "Off target",
            Rag::NotRated => "Not rated",
        }
    }
    /// The GOV.UK tag colour class.
    pub fn tag_class(self) -> &'static str {
        match self {
            Rag::Green => "govuk-tag--green",
            Rag::Amber => "govuk-tag--yellow",
            Rag::Red => "govuk-tag--red",
            Rag::NotRated => "govuk-tag--grey",
        }
    }
}

/// Rates a value against a target: green when at or better than the target (by polarity), amber
/// when worse by no more than `tolerance`, otherwise red. All three share the indicator's decimals.
pub fn rag(value: Figure, polarity: Polarity, target: Option<Figure>, tolerance: Figure) -> Rag {
    let Some(target) = target else {
        return Rag::NotRated;
    };
    let shortfall = match polarity {
        Polarity::HigherIsBetter => target.scaled - value.scaled,
        Polarity::LowerIsBetter => value.scaled - target.scaled,
        Polarity::Neutral => return Rag::NotRated,
    };
    if shortfall <= 0 {
        Rag::Green
    } else if shortfall <= tolerance.scaled {
        Rag::Amber
    } else {
        Rag::Red
    }
}

/// The direction of change from one period to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// Went up and that is better.
    Improving,
    /// Went the wrong way.
    Worsening,
    /// Went up (neutral indicator).
    Up,
    /// Went down (neutral indicator).
    Down,
    /// Same value.
    NoChange,
}

impl Trend {
    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Trend::Improving => "Improving",
            Trend::Worsening => "Worsening",
            Trend::Up => "Up",
            Trend::Down => "Down",
            Trend::NoChange => "No change",
        }
    }
}

/// The trend from `previous` to `current`, read with the polarity.
pub fn trend(previous: Figure, current: Figure, polarity: Polarity) -> Trend {
    let d = current.scaled - previous.scaled;
    match (d.signum(), polarity) {
        (0, _) => Trend::NoChange,
        (1, Polarity::HigherIsBetter) | (-1, Polarity::LowerIsBetter) => Trend::Improving,
        (_, Polarity::HigherIsBetter | Polarity::LowerIsBetter) => Trend::Worsening,
        (1, Polarity::Neutral) => Trend::Up,
        _ => Trend::Down,
    }
}

/// The first day of the period of `frequency` containing `d` (financial quarters and years).
pub fn period_start(frequency: Frequency, d: NaiveDate) -> NaiveDate {
    let (y, m) = (d.year(), d.month());
    let first = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(d);
    match frequency {
        Frequency::Month => first(y, m),
        // financial quarters start in April, July, October and January: calendar quarters
        Frequency::Quarter => first(y, ((m - 1) / 3) * 3 + 1),
        Frequency::Year => {
            if m >= 4 {
                first(y, 4)
            } else {
                first(y - 1, 4)
            }
        }
    }
}

/// The last day of the period that starts on `start`.
pub fn period_end(frequency: Frequency, start: NaiveDate) -> NaiveDate {
    start
        .checked_add_months(chrono::Months::new(frequency.months()))
        .and_then(|d| d.pred_opt())
        .unwrap_or(start)
}

/// "March 2022", "Q4 2021-22" (January to March 2022), "2021-22".
pub fn period_label(frequency: Frequency, start: NaiveDate) -> String {
    let fy = if start.month() >= 4 {
        start.year()
    } else {
        start.year() - 1
    };
    let fy_label = format!("{fy}-{:02}", (fy + 1) % 100);
    match frequency {
        Frequency::Month => start.format("%B %Y").to_string(),
        Frequency::Quarter => {
            let q = match start.month() {
                4..=6 => 1,
                7..=9 => 2,
                10..=12 => 3,
                _ => 4,
            };
            format!("Q{q} {fy_label}")
        }
        Frequency::Year => fy_label,
    }
}

/// Is `start` the first day of a period of `frequency`?
pub fn is_period_start(frequency: Frequency, start: NaiveDate) -> bool {
    start.day() == 1
        && match frequency {
            Frequency::Month => true,
            Frequency::Quarter => matches!(start.month(), 1 | 4 | 7 | 10),
            Frequency::Year => start.month() == 4,
        }
}

/// The year of the mid-year population estimate a period's rate uses: the latest estimate whose
/// reference date (30 June of its year) is on or before the period's last day.
pub fn population_year_for(period_end: NaiveDate) -> i32 {
    if period_end.month() >= 7 || (period_end.month() == 6 && period_end.day() == 30) {
        period_end.year()
    } else {
        period_end.year() - 1
    }
}

/// An indicator as typed in the catalogue form (raw text).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IndicatorInput {
    /// Short unique code ("CP-RATE").
    #[serde(default)]
    pub code: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Definition.
    #[serde(default)]
    pub definition: String,
    /// What is counted.
    #[serde(default)]
    pub numerator: String,
    /// What it is divided by (empty for a count; for a rate, the 0–17 population).
    #[serde(default)]
    pub denominator: String,
    /// `count`, `percentage`, `rate_per_10000`.
    #[serde(default)]
    pub unit: String,
    /// `month`, `quarter`, `year`.
    #[serde(default)]
    pub frequency: String,
    /// `snapshot`, `in_year`.
    #[serde(default)]
    pub measure: String,
    /// `higher_is_better`, `lower_is_better`, `neutral`.
    #[serde(default)]
    pub polarity: String,
    /// Decimal places (0–3).
    #[serde(default)]
    pub decimals: String,
    /// Target (optional).
    #[serde(default)]
    pub target: String,
    /// Tolerance for amber (optional; 0 when empty).
    #[serde(default)]
    pub tolerance: String,
    /// The supplying organisation's id.
    #[serde(default)]
    pub organisation_id: String,
    /// Source (CIN census, SSDA903, police, health, local).
    #[serde(default)]
    pub source: String,
}

/// A checked indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorFields {
    /// Code, upper case.
    pub code: String,
    /// Name.
    pub name: String,
    /// Definition.
    pub definition: String,
    /// Numerator.
    pub numerator: String,
    /// Denominator.
    pub denominator: String,
    /// Unit.
    pub unit: Unit,
    /// Frequency.
    pub frequency: Frequency,
    /// Measure.
    pub measure: Measure,
    /// Polarity.
    pub polarity: Polarity,
    /// Decimals.
    pub decimals: u8,
    /// Target.
    pub target: Option<Figure>,
    /// Tolerance.
    pub tolerance: Figure,
    /// Supplier.
    pub organisation_id: uuid::Uuid,
    /// Source.
    pub source: String,
}

fn text(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
    label: &str,
    max: usize,
) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.add(field, format!("Enter {label}"));
    } else if v.chars().count() > max {
        errors.add(
            field,
            format!("{} must be {max} characters or fewer", capitalise(label)),
        );
    }
    v.to_owned()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

impl IndicatorFields {
    /// Checks every field, reporting all problems at once.
    pub fn parse(i: &IndicatorInput) -> Result<IndicatorFields, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let code = i.code.trim().to_uppercase();
        if code.is_empty() {
            e.add("code", "Enter a code");
        } else if code.len() > 20
            || !code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            e.add(
                "code",
                "Code must be 20 characters or fewer: letters, digits, hyphens and underscores",
            );
        }
        let name = text(&mut e, "name", &i.name, "a name", 200);
        let definition = text(&mut e, "definition", &i.definition, "a definition", 2000);
        let numerator = text(&mut e, "numerator", &i.numerator, "what is counted", 500);
        let unit = Unit::from_slug(i.unit.trim());
        if unit.is_none() {
            e.add("unit", "Select a unit");
        }
        let denominator = i.denominator.trim().to_owned();
        match unit {
            Some(Unit::Percentage) if denominator.is_empty() => {
                e.add("denominator", "Enter what the count is divided by");
            }
            Some(Unit::Count) if !denominator.is_empty() => {
                e.add("denominator", "A count has no denominator: leave it empty");
            }
            _ => {}
        }
        if denominator.chars().count() > 500 {
            e.add("denominator", "Denominator must be 500 characters or fewer");
        }
        let frequency = Frequency::from_slug(i.frequency.trim());
        if frequency.is_none() {
            e.add("frequency", "Select how often it is reported");
        }
        let measure = Measure::from_slug(i.measure.trim());
        if measure.is_none() {
            e.add("measure", "Select snapshot or total over the period");
        }
        let polarity = Polarity::from_slug(i.polarity.trim());
        if polarity.is_none() {
            e.add("polarity", "Select which direction is better");
        }
        let decimals = match i.decimals.trim().parse::<u8>() {
            Ok(d) if d <= Figure::MAX_DECIMALS => d,
            _ => {
                e.add(
                    "decimals",
                    "Decimal places must be a whole number from 0 to 3",
                );
                0
            }
        };
        let target = if i.target.trim().is_empty() {
            None
        } else {
            let t = Figure::parse(&i.target, decimals);
            if t.is_none() {
                e.add(
                    "target",
                    format!("Target must be a number with at most {decimals} decimal places"),
                );
            }
            t
        };
        let tolerance = if i.tolerance.trim().is_empty() {
            Figure {
                scaled: 0,
                decimals,
            }
        } else {
            match Figure::parse(&i.tolerance, decimals) {
                Some(t) if t.scaled >= 0 => t,
                _ => {
                    e.add(
                        "tolerance",
                        format!(
                            "Tolerance must be 0 or more, with at most {decimals} decimal places"
                        ),
                    );
                    Figure {
                        scaled: 0,
                        decimals,
                    }
                }
            }
        };
        if target.is_some() && polarity == Some(Polarity::Neutral) {
            e.add(
                "target",
                "An indicator with no direction has no target: leave it empty",
            );
        }
        let organisation_id = match uuid::Uuid::parse_str(i.organisation_id.trim()) {
            Ok(u) => u,
            Err(_) => {
                e.add("organisation_id", "Select the agency that supplies it");
                uuid::Uuid::nil()
            }
        };
        let source = text(&mut e, "source", &i.source, "the source", 200);
        if !e.is_empty() {
            return Err(e);
        }
        match (unit, frequency, measure, polarity) {
            (Some(unit), Some(frequency), Some(measure), Some(polarity)) => Ok(IndicatorFields {
                code,
                name,
                definition,
                numerator,
                denominator,
                unit,
                frequency,
                measure,
                polarity,
                decimals,
                target,
                tolerance,
                organisation_id,
                source,
            }),
            _ => Err(e),
        }
    }
}

/// What the return reader needs to know about one indicator the agency supplies.
#[derive(Debug, Clone)]
pub struct ReturnIndicator {
    /// Code.
    pub code: String,
    /// Unit.
    pub unit: Unit,
}

/// One accepted line of a return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReturnLine {
    /// Indicator code.
    pub code: String,
    /// Numerator (the count).
    pub numerator: i64,
    /// Denominator (percentages only).
    pub denominator: Option<i64>,
}

/// One problem in an uploaded or typed return: the row (1 is the heading row; 0 for the whole
/// file), the column and the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Row number as a spreadsheet shows it (the heading is row 1); 0 for the file itself.
    pub row: usize,
    /// Column heading, or empty for the whole row or file.
    pub column: String,
    /// What is wrong, for the person who prepared the file.
    pub reason: String,
}

impl RowError {
    fn file(reason: impl Into<String>) -> RowError {
        RowError {
            row: 0,
            column: String::new(),
            reason: reason.into(),
        }
    }
    /// "Row 3, numerator: Enter a whole number" (or the reason alone for the file).
    pub fn message(&self) -> String {
        match (self.row, self.column.as_str()) {
            (0, _) => self.reason.clone(),
            (r, "") => format!("Row {r}: {}", self.reason),
            (r, c) => format!("Row {r}, {c}: {}", self.reason),
        }
    }
}

/// The headings of a return file, in order.
pub const RETURN_HEADINGS: [&str; 3] = ["indicator_code", "numerator", "denominator"];

/// The largest return file accepted (bytes).
pub const MAX_RETURN_BYTES: usize = 5 * 1024 * 1024;

/// The most rows a return may have.
pub const MAX_RETURN_ROWS: usize = 200_000;

/// A cell as read from a file: text, or a formula (XLSX), which is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// The cell's text.
    Text(String),
    /// A formula cell (its formula).
    Formula(String),
}

/// Reads a CSV return strictly (RFC 4180, UTF-8, optional byte-order mark) into rows of cells.
/// Errors are for the whole file (not UTF-8, unbalanced quotes).
pub fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, RowError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|_| RowError::file("The file is not a UTF-8 CSV file: save it as CSV UTF-8"))?;
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    let push_cell = |row: &mut Vec<Cell>, cell: &mut String, was_quoted: &mut bool| {
        let v = std::mem::take(cell);
        // an unquoted cell starting with "=" is what a spreadsheet would treat as a formula
        if !*was_quoted && v.starts_with('=') {
            row.push(Cell::Formula(v));
        } else {
            row.push(Cell::Text(v));
        }
        *was_quoted = false;
    };
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cell.push(c);
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            '"' => {
                return Err(RowError::file(format!(
                    "Row {}: a quote mark is in the middle of a cell; put the whole cell in quotes",
                    rows.len() + 1
                )));
            }
            ',' => push_cell(&mut row, &mut cell, &mut was_quoted),
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                push_cell(&mut row, &mut cell, &mut was_quoted);
                rows.push(std::mem::take(&mut row));
            }
            _ => {
                if was_quoted {
                    return Err(RowError::file(format!(
                        "Row {}: text follows a closing quote mark",
                        rows.len() + 1
                    )));
                }
                cell.push(c);
            }
        }
    }
    if quoted {
        return Err(RowError::file(
            "The file ends inside a quoted cell: a closing quote mark is missing",
        ));
    }
    if !cell.is_empty() || !row.is_empty() || was_quoted {
        push_cell(&mut row, &mut cell, &mut was_quoted);
        rows.push(row);
    }
    Ok(rows)
}

fn whole_number(
    errors: &mut Vec<RowError>,
    row: usize,
    column: &str,
    cell: Option<&Cell>,
    required: bool,
) -> Option<i64> {
    let mut err = |reason: String| {
        errors.push(RowError {
            row,
            column: column.to_owned(),
            reason,
        });
        None
    };
    match cell {
        Some(Cell::Formula(f)) => err(format!(
            "The cell holds a formula ({f}); type the value itself"
        )),
        None => {
            if required {
                err("Enter a whole number".to_owned())
            } else {
                None
            }
        }
        Some(Cell::Text(t)) => {
            let t = t.trim();
            if t.is_empty() {
                return if required {
                    err("Enter a whole number".to_owned())
                } else {
                    None
                };
            }
            let digits: String = t.chars().filter(|c| *c != ',').collect();
            let digits = digits.strip_suffix(".0").unwrap_or(&digits);
            match digits.parse::<i64>() {
                Ok(n) if n < 0 => err(format!("{t} is negative: a count cannot be below 0")),
                Ok(n) => Some(n),
                Err(_) => err(format!("\"{t}\" is not a whole number")),
            }
        }
    }
}

/// Checks the rows of a return (the first is the heading row) against the indicators the agency
/// supplies. Every problem is reported, each with its row and column; any problem refuses the whole
/// return. Empty rows are skipped.
pub fn check_return(
    rows: &[Vec<Cell>],
    indicators: &[ReturnIndicator],
) -> Result<Vec<ReturnLine>, Vec<RowError>> {
    let rows: Vec<(usize, &Vec<Cell>)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (i + 1, r))
        .filter(|(_, r)| {
            !r.iter()
                .all(|c| matches!(c, Cell::Text(t) if t.trim().is_empty()))
        })
        .collect();
    let Some(((_, heading), body)) = rows.split_first() else {
        return Err(vec![RowError::file(
            "The file is empty: it needs the heading row indicator_code, numerator, denominator and one row per indicator",
        )]);
    };
    let names: Vec<String> = heading
        .iter()
        .map(|c| match c {
            Cell::Text(t) | Cell::Formula(t) => t.trim().to_lowercase(),
        })
        .collect();
    if names != RETURN_HEADINGS {
        return Err(vec![RowError {
            row: 1,
            column: String::new(),
            reason: format!(
                "The headings must be exactly {}; the file has {}",
                RETURN_HEADINGS.join(", "),
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            ),
        }]);
    }
    if body.is_empty() {
        return Err(vec![RowError::file(
            "The file has headings but no rows: add one row per indicator",
        )]);
    }
    if body.len() > MAX_RETURN_ROWS {
        return Err(vec![RowError::file(format!(
            "The file has {} rows; a return may have at most {MAX_RETURN_ROWS}",
            body.len()
        ))]);
    }
    let mut errors = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut lines = Vec::with_capacity(body.len());
    // by code, so that a return of many rows is checked in linear time
    let by_code: HashMap<&str, &ReturnIndicator> =
        indicators.iter().map(|i| (i.code.as_str(), i)).collect();
    for (row, cells) in body {
        let row = *row;
        if cells.len() != RETURN_HEADINGS.len() {
            errors.push(RowError {
                row,
                column: String::new(),
                reason: format!(
                    "The row has {} cells; it needs {}",
                    cells.len(),
                    RETURN_HEADINGS.len()
                ),
            });
            continue;
        }
        let code = match &cells[0] {
            Cell::Formula(f) => {
                errors.push(RowError {
                    row,
                    column: "indicator_code".into(),
                    reason: format!("The cell holds a formula ({f}); type the code itself"),
                });
                None
            }
            Cell::Text(t) => {
                let code = t.trim().to_uppercase();
                match by_code.get(code.as_str()).copied() {
                    None if code.is_empty() => {
                        errors.push(RowError {
                            row,
                            column: "indicator_code".into(),
                            reason: "Enter the indicator code".into(),
                        });
                        None
                    }
                    None => {
                        errors.push(RowError {
                            row,
                            column: "indicator_code".into(),
                            reason: format!(
                                "{code} is not an indicator this agency supplies in this return"
                            ),
                        });
                        None
                    }
                    Some(i) => {
                        if !seen.insert(code.clone()) {
                            errors.push(RowError {
                                row,
                                column: "indicator_code".into(),
                                reason: format!("{code} appears more than once"),
                            });
                        }
                        Some(i)
                    }
                }
            }
        };
        let numerator = whole_number(&mut errors, row, "numerator", cells.get(1), true);
        let has_den = code.is_some_and(|i| i.unit.return_has_denominator());
        let denominator = whole_number(&mut errors, row, "denominator", cells.get(2), has_den);
        let Some(ind) = code else { continue };
        if !has_den && denominator.is_some() {
            errors.push(RowError {
                row,
                column: "denominator".into(),
                reason: format!(
                    "{} is a {}: leave the denominator empty",
                    ind.code,
                    ind.unit.label().to_lowercase()
                ),
            });
            continue;
        }
        if let (Some(n), Some(d)) = (numerator, denominator) {
            if d == 0 {
                errors.push(RowError {
                    row,
                    column: "denominator".into(),
                    reason: "The denominator must be more than 0".into(),
                });
                continue;
            }
            if n > d {
                errors.push(RowError {
                    row,
                    column: "numerator".into(),
                    reason: format!(
                        "The numerator ({n}) is more than the denominator ({d}): a percentage cannot be over 100"
                    ),
                });
                continue;
            }
        }
        if let Some(n) = numerator {
            lines.push(ReturnLine {
                code: ind.code.clone(),
                numerator: n,
                denominator,
            });
        }
    }
    for i in indicators {
        if !seen.contains(&i.code) {
            errors.push(RowError {
                row: 0,
                column: "indicator_code".into(),
                reason: format!(
                    "There is no row for {}: the return needs one row per indicator",
                    i.code
                ),
            });
        }
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

/// A return's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnState {
    /// Sent by the agency.
    Submitted,
    /// Checked by the partnership's business unit.
    Checked,
    /// Approved: the figures are final.
    Approved,
}

impl ReturnState {
    /// Stored value.
    pub fn slug(self) -> &'static str {
        match self {
            ReturnState::Submitted => "submitted",
            ReturnState::Checked => "checked",
            ReturnState::Approved => "approved",
        }
    }
    /// From the stored value.
    pub fn from_slug(s: &str) -> Option<ReturnState> {
        [
            ReturnState::Submitted,
            ReturnState::Checked,
            ReturnState::Approved,
        ]
        .into_iter()
        .find(|u| u.slug() == s)
    }
    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            ReturnState::Submitted => "Submitted",
            ReturnState::Checked => "Checked",
            ReturnState::Approved => "Approved",
        }
    }
    /// The state a return moves to next, if any (submitted → checked → approved).
    pub fn next(self) -> Option<ReturnState> {
        match self {
            ReturnState::Submitted => Some(ReturnState::Checked),
            ReturnState::Checked => Some(ReturnState::Approved),
            ReturnState::Approved => None,
        }
    }
}

/// A deprivation or context figure of the place profile as typed (raw text).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlaceFigureInput {
    /// What it is ("Children aged 0 to 15 living in income-deprived households").
    #[serde(default)]
    pub name: String,
    /// `count` or `percentage`.
    #[serde(default)]
    pub unit: String,
    /// The partnership's value ("21.4").
    #[serde(default)]
    pub value: String,
    /// England's value, if published (optional).
    #[serde(default)]
    pub england: String,
    /// The year the figure is for.
    #[serde(default)]
    pub year: String,
    /// Where it comes from.
    #[serde(default)]
    pub source: String,
}

/// A checked place figure. Its decimal places are the most typed in the value or England's (up
/// to 3), so "21.4" and "18.5" keep one place and "18" none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceFigureFields {
    /// Name.
    pub name: String,
    /// `count` or `percentage`.
    pub unit: Unit,
    /// Value.
    pub value: Figure,
    /// England's value.
    pub england: Option<Figure>,
    /// Year.
    pub year: i32,
    /// Source.
    pub source: String,
}

fn typed_decimals(t: &str) -> usize {
    t.trim().split_once('.').map_or(0, |(_, f)| f.len())
}

impl PlaceFigureFields {
    /// Checks every field, reporting all problems at once.
    pub fn parse(i: &PlaceFigureInput) -> Result<PlaceFigureFields, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let name = text(&mut e, "name", &i.name, "what the figure is", 200);
        let unit = match i.unit.trim() {
            "count" => Some(Unit::Count),
            "percentage" => Some(Unit::Percentage),
            _ => {
                e.add("unit", "Select a count or a percentage");
                None
            }
        };
        let decimals = typed_decimals(&i.value).max(typed_decimals(&i.england));
        let decimals = u8::try_from(decimals)
            .ok()
            .filter(|d| *d <= Figure::MAX_DECIMALS);
        let number = |t: &str| {
            decimals
                .and_then(|d| Figure::parse(t, d))
                .filter(|f| f.scaled >= 0)
                .filter(|f| {
                    unit != Some(Unit::Percentage)
                        || f.scaled <= 100 * 10i64.pow(u32::from(f.decimals))
                })
        };
        let value = number(&i.value);
        let pct = unit == Some(Unit::Percentage);
        let range = if pct { "from 0 to 100" } else { "of 0 or more" };
        if i.value.trim().is_empty() {
            e.add("value", "Enter the value");
        } else if value.is_none() {
            e.add(
                "value",
                format!("Value must be a number {range}, with at most 3 decimal places"),
            );
        }
        let england = if i.england.trim().is_empty() {
            None
        } else {
            let f = number(&i.england);
            if f.is_none() {
                e.add(
                    "england",
                    format!(
                        "England's value must be a number {range}, with at most 3 decimal places"
                    ),
                );
            }
            f
        };
        let year = i
            .year
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (1990..=2100).contains(y));
        if year.is_none() {
            e.add("year", "Enter the year the figure is for, like 2019");
        }
        let source = text(&mut e, "source", &i.source, "the source", 300);
        match (unit, value, year) {
            (Some(unit), Some(value), Some(year)) if e.is_empty() => Ok(PlaceFigureFields {
                name,
                unit,
                value,
                england,
                year,
                source,
            }),
            _ => Err(e),
        }
    }
}

/// The most statistical neighbours a list holds (the DfE tool gives each authority ten).
pub const MAX_NEIGHBOURS: usize = 10;

/// The statistical-neighbour list as typed: local authorities one a line, and the source.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NeighbourInput {
    /// One local authority a line, most similar first.
    #[serde(default)]
    pub authorities: String,
    /// Where the list comes from.
    #[serde(default)]
    pub source: String,
}

/// A checked statistical-neighbour list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighbourFields {
    /// The authorities, most similar first (blank lines dropped, spaces trimmed).
    pub authorities: Vec<String>,
    /// Source.
    pub source: String,
}

impl NeighbourFields {
    /// Checks the list: 1 to 10 authorities, each named once and at most 100 characters, and a
    /// source.
    pub fn parse(i: &NeighbourInput) -> Result<NeighbourFields, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let authorities: Vec<String> = i
            .authorities
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        let mut seen = HashSet::new();
        if authorities.is_empty() {
            e.add(
                "authorities",
                "Enter the statistical neighbours, one a line",
            );
        } else if authorities.len() > MAX_NEIGHBOURS {
            e.add(
                "authorities",
                format!(
                    "Enter at most {MAX_NEIGHBOURS} statistical neighbours ({} entered)",
                    authorities.len()
                ),
            );
        } else if let Some(long) = authorities.iter().find(|a| a.chars().count() > 100) {
            e.add(
                "authorities",
                format!("Each name must be 100 characters or fewer: {long:.40}… is longer"),
            );
        } else if let Some(dup) = authorities.iter().find(|a| !seen.insert(a.to_lowercase())) {
            e.add("authorities", format!("{dup} is listed twice"));
        }
        let source = text(&mut e, "source", &i.source, "the source", 300);
        if e.is_empty() {
            Ok(NeighbourFields {
                authorities,
                source,
            })
        } else {
            Err(e)
        }
    }

    /// The stored form: one authority a line.
    pub fn joined(&self) -> String {
        self.authorities.join("\n")
    }
}

/// Which returns the figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureBasis {
    /// The latest revision of each return, whatever its state (the officers' working view).
    #[default]
    Latest,
    /// Only approved revisions: a later revision not yet approved is left out (board packs).
    Approved,
}

impl FigureBasis {
    /// From a query value: `approved`, or `latest`/empty.
    pub fn from_slug(s: &str) -> Option<FigureBasis> {
        match s.trim() {
            "" | "latest" => Some(FigureBasis::Latest),
            "approved" => Some(FigureBasis::Approved),
            _ => None,
        }
    }
    /// Query value.
    pub fn slug(self) -> &'static str {
        match self {
            FigureBasis::Latest => "latest",
            FigureBasis::Approved => "approved",
        }
    }
    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            FigureBasis::Latest => "Latest figures, including returns not yet approved",
            FigureBasis::Approved => "Approved figures only",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_figures_keep_the_decimals_typed_and_report_every_problem() {
        let ok = PlaceFigureFields::parse(&PlaceFigureInput {
            name: " Children aged 0 to 15 in income-deprived households ".into(),
            unit: "percentage".into(),
            value: "21.4".into(),
            england: "18.5".into(),
            year: "2019".into(),
            source: "IoD 2019".into(),
        })
        .unwrap();
        assert_eq!(
            ok.value,
            Figure {
                scaled: 214,
                decimals: 1
            }
        );
        assert_eq!(
            ok.england,
            Some(Figure {
                scaled: 185,
                decimals: 1
            })
        );
        assert_eq!(
            ok.name,
            "Children aged 0 to 15 in income-deprived households"
        );
        let mixed = PlaceFigureFields::parse(&PlaceFigureInput {
            name: "x".into(),
            unit: "percentage".into(),
            value: "21".into(),
            england: "18.25".into(),
            year: "2019".into(),
            source: "s".into(),
        })
        .unwrap();
        assert_eq!(
            mixed.value,
            Figure {
                scaled: 2100,
                decimals: 2
            }
        );
        let e = PlaceFigureFields::parse(&PlaceFigureInput {
            name: String::new(),
            unit: "percentage".into(),
            value: "120".into(),
            england: "abc".into(),
            year: "19".into(),
            source: String::new(),
        })
        .unwrap_err();
        for f in ["name", "value", "england", "year", "source"] {
            assert!(e.get(f).is_some(), "{f}: {e:?}");
        }
        let e = PlaceFigureFields::parse(&PlaceFigureInput {
            unit: "rate".into(),
            value: "-1".into(),
            ..PlaceFigureInput::default()
        })
        .unwrap_err();
        assert!(e.get("unit").is_some() && e.get("value").is_some());
    }

    #[test]
    fn neighbour_lists_hold_one_to_ten_distinct_authorities() {
        let ok = NeighbourFields::parse(&NeighbourInput {
            authorities: " Stoke-on-Trent \r\n\r\nWigan\nDoncaster\n".into(),
            source: "DfE statistical neighbour benchmarking tool".into(),
        })
        .unwrap();
        assert_eq!(ok.authorities, vec!["Stoke-on-Trent", "Wigan", "Doncaster"]);
        assert_eq!(ok.joined(), "Stoke-on-Trent\nWigan\nDoncaster");
        let e = NeighbourFields::parse(&NeighbourInput::default()).unwrap_err();
        assert!(e.get("authorities").is_some() && e.get("source").is_some());
        let eleven: Vec<String> = (1..=11).map(|i| format!("Authority {i}")).collect();
        let e = NeighbourFields::parse(&NeighbourInput {
            authorities: eleven.join("\n"),
            source: "s".into(),
        })
        .unwrap_err();
        assert_eq!(
            e.get("authorities"),
            Some("Enter at most 10 statistical neighbours (11 entered)")
        );
        let e = NeighbourFields::parse(&NeighbourInput {
            authorities: "Wigan\nwigan".into(),
            source: "s".into(),
        })
        .unwrap_err();
        assert_eq!(e.get("authorities"), Some("wigan is listed twice"));
    }

    #[test]
    fn figure_basis_reads_its_query_value() {
        assert_eq!(FigureBasis::from_slug(""), Some(FigureBasis::Latest));
        assert_eq!(
            FigureBasis::from_slug("approved"),
            Some(FigureBasis::Approved)
        );
        assert_eq!(FigureBasis::from_slug("final"), None);
        assert_eq!(FigureBasis::default(), FigureBasis::Latest);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The 0–17 population the seed's child protection rate implies: 257 ÷ 50.4 × 10,000 ≈ 50,992;
    /// any value from 50,942 to 51,042 gives 50.4. The demo uses 51,000.
    const POP_FROM_CP: i64 = 51_000;
    /// The 0–17 population the seed's looked-after rate implies: 449 ÷ 102 × 10,000 ≈ 44,020; any
    /// value from 43,806 to 44,236 gives 102 (DfE publishes looked-after rates as whole numbers).
    const POP_FROM_CLA: i64 = 44_000;

    #[test]
    fn the_seeds_child_protection_rate() {
        let f = figure(Unit::RatePer10000, 257, Some(POP_FROM_CP), 1).unwrap();
        assert_eq!(
            f,
            Figure {
                scaled: 504,
                decimals: 1
            }
        );
        assert_eq!(f.to_string(), "50.4");
        // the range of populations that give 50.4
        assert_eq!(
            figure(Unit::RatePer10000, 257, Some(50_942), 1)
                .unwrap()
                .scaled,
            504
        );
        assert_eq!(
            figure(Unit::RatePer10000, 257, Some(51_042), 1)
                .unwrap()
                .scaled,
            504
        );
        assert_eq!(
            figure(Unit::RatePer10000, 257, Some(50_941), 1)
                .unwrap()
                .scaled,
            505
        );
        assert_eq!(
            figure(Unit::RatePer10000, 257, Some(51_043), 1)
                .unwrap()
                .scaled,
            503
        );
    }

    #[test]
    fn the_seeds_looked_after_rate() {
        let f = figure(Unit::RatePer10000, 449, Some(POP_FROM_CLA), 0).unwrap();
        assert_eq!(f.to_string(), "102");
        // The seed's two rates cannot share one population: with the child protection one,
        // 449 looked-after children are 88 per 10,000.
        assert_eq!(
            figure(Unit::RatePer10000, 449, Some(POP_FROM_CP), 0)
                .unwrap()
                .to_string(),
            "88"
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero_in_integers() {
        // 1 ÷ 8 × 100 = 12.5 exactly: rounds up to 13 at 0 places
        assert_eq!(compute(1, 8, 100, 0).unwrap().scaled, 13);
        // 12.45 → 12.5 at 1 place (f64 would see 12.4499999...)
        assert_eq!(compute(1245, 10_000, 100, 1).unwrap().scaled, 125);
        // negative values round away from zero too
        assert_eq!(compute(-1, 8, 100, 0).unwrap().scaled, -13);
        assert_eq!(compute(1, -8, 100, 0).unwrap().scaled, -13);
        // just under a half goes down
        assert_eq!(compute(1249, 10_000, 100, 1).unwrap().scaled, 125);
        assert_eq!(compute(12_449, 100_000, 100, 1).unwrap().scaled, 124);
        assert_eq!(compute(1, 3, 100, 2).unwrap().to_string(), "33.33");
        assert_eq!(compute(2, 3, 100, 2).unwrap().to_string(), "66.67");
        assert!(compute(1, 0, 100, 1).is_none());
    }

    #[test]
    fn percentages_and_counts() {
        assert_eq!(
            figure(Unit::Percentage, 214, Some(1000), 1)
                .unwrap()
                .to_string(),
            "21.4"
        );
        assert_eq!(
            figure(Unit::Count, 1234, None, 0).unwrap().to_string(),
            "1,234"
        );
        assert!(figure(Unit::Percentage, 1, None, 1).is_none());
    }

    #[test]
    fn figures_parse_and_print() {
        assert_eq!(
            Figure::parse("42.1", 1),
            Some(Figure {
                scaled: 421,
                decimals: 1
            })
        );
        assert_eq!(
            Figure::parse("70", 1),
            Some(Figure {
                scaled: 700,
                decimals: 1
            })
        );
        assert_eq!(Figure::parse("1,234.5", 2).unwrap().to_string(), "1,234.50");
        assert_eq!(Figure::parse("-0.5", 1).unwrap().to_string(), "-0.5");
        assert_eq!(Figure::parse("42.15", 1), None);
        assert_eq!(Figure::parse("abc", 1), None);
        assert_eq!(Figure::parse("", 1), None);
        assert_eq!(Figure::parse("1e5", 0), None);
    }

    #[test]
    fn rag_follows_polarity_and_tolerance() {
        let f = |s| Figure {
            scaled: s,
            decimals: 1,
        };
        // lower is better: target 45.0, tolerance 3.0
        let t = Some(f(450));
        assert_eq!(rag(f(420), Polarity::LowerIsBetter, t, f(30)), Rag::Green);
        assert_eq!(rag(f(450), Polarity::LowerIsBetter, t, f(30)), Rag::Green);
        assert_eq!(rag(f(480), Polarity::LowerIsBetter, t, f(30)), Rag::Amber);
        assert_eq!(rag(f(504), Polarity::LowerIsBetter, t, f(30)), Rag::Red);
        // higher is better
        assert_eq!(
            rag(f(900), Polarity::HigherIsBetter, Some(f(900)), f(50)),
            Rag::Green
        );
        assert_eq!(
            rag(f(860), Polarity::HigherIsBetter, Some(f(900)), f(50)),
            Rag::Amber
        );
        assert_eq!(
            rag(f(849), Polarity::HigherIsBetter, Some(f(900)), f(50)),
            Rag::Red
        );
        assert_eq!(
            rag(f(849), Polarity::Neutral, Some(f(900)), f(50)),
            Rag::NotRated
        );
        assert_eq!(
            rag(f(849), Polarity::HigherIsBetter, None, f(50)),
            Rag::NotRated
        );
    }

    #[test]
    fn trends_read_with_polarity() {
        let f = |s| Figure {
            scaled: s,
            decimals: 0,
        };
        assert_eq!(
            trend(f(1), f(2), Polarity::HigherIsBetter),
            Trend::Improving
        );
        assert_eq!(trend(f(1), f(2), Polarity::LowerIsBetter), Trend::Worsening);
        assert_eq!(trend(f(2), f(1), Polarity::LowerIsBetter), Trend::Improving);
        assert_eq!(trend(f(2), f(2), Polarity::LowerIsBetter), Trend::NoChange);
        assert_eq!(trend(f(2), f(1), Polarity::Neutral), Trend::Down);
        assert_eq!(trend(f(1), f(2), Polarity::Neutral), Trend::Up);
    }

    #[test]
    fn periods() {
        assert_eq!(period_start(Frequency::Year, d(2022, 3, 31)), d(2021, 4, 1));
        assert_eq!(period_start(Frequency::Year, d(2022, 4, 1)), d(2022, 4, 1));
        assert_eq!(
            period_start(Frequency::Quarter, d(2022, 3, 31)),
            d(2022, 1, 1)
        );
        assert_eq!(
            period_start(Frequency::Quarter, d(2022, 5, 2)),
            d(2022, 4, 1)
        );
        assert_eq!(
            period_start(Frequency::Quarter, d(2022, 12, 2)),
            d(2022, 10, 1)
        );
        assert_eq!(
            period_start(Frequency::Month, d(2022, 3, 31)),
            d(2022, 3, 1)
        );
        assert_eq!(period_end(Frequency::Year, d(2021, 4, 1)), d(2022, 3, 31));
        assert_eq!(period_end(Frequency::Month, d(2022, 2, 1)), d(2022, 2, 28));
        assert_eq!(period_label(Frequency::Year, d(2021, 4, 1)), "2021-22");
        assert_eq!(
            period_label(Frequency::Quarter, d(2022, 1, 1)),
            "Q4 2021-22"
        );
        assert_eq!(period_label(Frequency::Month, d(2022, 3, 1)), "March 2022");
        assert!(is_period_start(Frequency::Year, d(2021, 4, 1)));
        assert!(!is_period_start(Frequency::Year, d(2021, 1, 1)));
        assert!(!is_period_start(Frequency::Quarter, d(2021, 2, 1)));
        // March 2022 uses the mid-2021 estimate; a period ending 30 June 2022 the mid-2022 one
        assert_eq!(population_year_for(d(2022, 3, 31)), 2021);
        assert_eq!(population_year_for(d(2022, 6, 30)), 2022);
        assert_eq!(population_year_for(d(2022, 12, 31)), 2022);
    }

    fn inds() -> Vec<ReturnIndicator> {
        vec![
            ReturnIndicator {
                code: "CP-PLANS".into(),
                unit: Unit::RatePer10000,
            },
            ReturnIndicator {
                code: "RE-REF".into(),
                unit: Unit::Percentage,
            },
            ReturnIndicator {
                code: "CONTACTS".into(),
                unit: Unit::Count,
            },
        ]
    }

    fn check(csv: &str) -> Result<Vec<ReturnLine>, Vec<RowError>> {
        let rows = read_csv(csv.as_bytes()).map_err(|e| vec![e])?;
        check_return(&rows, &inds())
    }

    #[test]
    fn a_good_return_is_read() {
        let lines = check(
            "\u{feff}indicator_code,numerator,denominator\r\ncp-plans,257,\r\nRE-REF,\"1,210\",5600\r\nCONTACTS,1104,\r\n",
        )
        .unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].code, "CP-PLANS");
        assert_eq!(lines[1].numerator, 1210);
        assert_eq!(lines[1].denominator, Some(5600));
    }

    fn only(csv: &str) -> Vec<RowError> {
        check(csv).unwrap_err()
    }

    #[test]
    fn wrong_headings_are_refused() {
        let e = only("code,value\r\nCP-PLANS,257\r\n");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].row, 1);
        assert!(
            e[0].reason
                .contains("indicator_code, numerator, denominator")
        );
    }

    #[test]
    fn unknown_codes_are_refused() {
        let e = only("indicator_code,numerator,denominator\nNOPE,1,\n");
        assert_eq!((e[0].row, e[0].column.as_str()), (2, "indicator_code"));
        assert!(e[0].reason.contains("NOPE is not an indicator"));
    }

    #[test]
    fn text_for_numbers_is_refused() {
        let e = only("indicator_code,numerator,denominator\nCP-PLANS,lots,\n");
        assert_eq!(
            e[0].message(),
            "Row 2, numerator: \"lots\" is not a whole number"
        );
    }

    #[test]
    fn negative_counts_are_refused() {
        let e = only("indicator_code,numerator,denominator\nCONTACTS,-4,\n");
        assert!(e[0].reason.contains("negative"));
    }

    #[test]
    fn a_numerator_over_its_denominator_is_refused() {
        let e = only("indicator_code,numerator,denominator\nRE-REF,60,50\n");
        assert_eq!(e[0].column, "numerator");
        assert!(e[0].reason.contains("more than the denominator"));
    }

    #[test]
    fn duplicate_rows_are_refused() {
        let e = only(
            "indicator_code,numerator,denominator\nCP-PLANS,1,\nRE-REF,1,2\nCONTACTS,4,\nCONTACTS,5,\n",
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].row, 5);
        assert!(e[0].reason.contains("more than once"));
    }

    #[test]
    fn empty_and_corrupt_files_are_refused() {
        assert!(only("")[0].reason.contains("empty"));
        assert!(only("\r\n,,\r\n")[0].reason.contains("empty"));
        assert!(
            only("indicator_code,numerator,denominator\r\n")[0]
                .reason
                .contains("no rows")
        );
        let e = read_csv(b"indicator_code\n\xff\xfe").unwrap_err();
        assert!(e.reason.contains("UTF-8"));
        let e = read_csv(b"a,\"b\n").unwrap_err();
        assert!(e.reason.contains("closing quote"));
        let e = read_csv(b"a,b\"c\n").unwrap_err();
        assert!(e.reason.contains("quote"));
    }

    #[test]
    fn formula_cells_are_refused() {
        let e = only("indicator_code,numerator,denominator\nCONTACTS,=SUM(A1:A3),\n");
        assert_eq!(e[0].column, "numerator");
        assert!(e[0].reason.contains("formula"));
    }

    #[test]
    fn every_problem_is_reported_with_its_row_and_column() {
        let e = only(
            "indicator_code,numerator,denominator\nCP-PLANS,x,\nRE-REF,5,\nCONTACTS,3,4\nCONTACTS,1\n",
        );
        let got: Vec<String> = e.iter().map(RowError::message).collect();
        assert_eq!(
            got,
            vec![
                "Row 2, numerator: \"x\" is not a whole number",
                "Row 3, denominator: Enter a whole number",
                "Row 4, denominator: CONTACTS is a count: leave the denominator empty",
                "Row 5: The row has 2 cells; it needs 3",
            ]
        );
    }

    #[test]
    fn a_missing_indicator_is_refused() {
        let e = only("indicator_code,numerator,denominator\nCONTACTS,4,\n");
        assert_eq!(
            e.iter().map(RowError::message).collect::<Vec<_>>(),
            vec![
                "There is no row for CP-PLANS: the return needs one row per indicator",
                "There is no row for RE-REF: the return needs one row per indicator",
            ]
        );
    }

    #[test]
    fn too_many_rows_are_refused() {
        let mut csv = String::from("indicator_code,numerator,denominator\n");
        for _ in 0..=MAX_RETURN_ROWS {
            csv.push_str("CONTACTS,1,\n");
        }
        let e = only(&csv);
        assert_eq!(e.len(), 1);
        assert!(e[0].reason.contains("at most"));
    }

    #[test]
    fn indicator_form_reports_every_problem() {
        let e = IndicatorFields::parse(&IndicatorInput {
            code: "bad code!".into(),
            unit: "percentage".into(),
            decimals: "7".into(),
            target: "x".into(),
            ..IndicatorInput::default()
        })
        .unwrap_err();
        for f in [
            "code",
            "name",
            "definition",
            "numerator",
            "denominator",
            "frequency",
            "measure",
            "polarity",
            "decimals",
            "target",
            "organisation_id",
            "source",
        ] {
            assert!(e.get(f).is_some(), "{f}");
        }
    }

    #[test]
    fn a_good_indicator_parses() {
        let f = IndicatorFields::parse(&IndicatorInput {
            code: "cp-rate".into(),
            name: "Children on a child protection plan".into(),
            definition: "Children on a plan at 31 March per 10,000 aged 0 to 17".into(),
            numerator: "Children on a plan at the end of the period".into(),
            denominator: "ONS mid-year population aged 0 to 17".into(),
            unit: "rate_per_10000".into(),
            frequency: "year".into(),
            measure: "snapshot".into(),
            polarity: "neutral".into(),
            decimals: "1".into(),
            target: String::new(),
            tolerance: String::new(),
            organisation_id: uuid::Uuid::new_v4().to_string(),
            source: "CIN census".into(),
        })
        .unwrap();
        assert_eq!(f.code, "CP-RATE");
        assert_eq!(f.target, None);
        assert_eq!(f.tolerance.scaled, 0);
    }
}
