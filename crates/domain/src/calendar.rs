//! The working-day calendar of England and Wales: bank holidays computed from their rules for
//! 2000–2040, the one-off changes made by royal proclamation (held as data in [`PROCLAMATIONS`]), and
//! changes supplied at run time (administrators' entries and gov.uk imports, from the database).
//!
//! Pure: no I/O, no clock. Outside [`FIRST_YEAR`]–[`LAST_YEAR`] every function answers
//! [`CalendarError::OutOfRange`] rather than guess.
//!
//! # Conventions
//!
//! * A **working day** is Monday to Friday and not a bank holiday in England and Wales
//!   (`../shared/docs/DOMAIN.md` 2.6).
//! * **Day 0**: [`Calendar::add_working_days`] counts the day the clock starts as day 0, whether or not
//!   it is a working day; working day 1 is the first working day *after* it. So "5 working days after
//!   Monday 2 January 2023" (a bank holiday, the substitute for New Year's Day) is day 0 = 2 January,
//!   days 1–5 = 3, 4, 5, 6 and 9 January: the answer is **Monday 9 January 2023**. With `n = 0` the
//!   answer is the start date when it is a working day, else the next working day (a deadline never
//!   falls on a non-working day). Processes that count the start as day 1 (JTAI notice, DOMAIN.md 2.6)
//!   call it with `n - 1` from a working day.
//! * [`Calendar::working_days_between`]`(a, b)` counts the working days `d` with `a < d <= b`; it is
//!   negative when `b < a`. For a working day `d`,
//!   `working_days_between(d, add_working_days(d, n)) == n`.
//! * [`Calendar::subtract_working_days`] counts back the same way: day 0 is the date, working day 1
//!   the first working day before it (the pre-publication notice of a practice review).

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::collections::BTreeMap;
use thiserror::Error;

/// The first year the calendar covers.
pub const FIRST_YEAR: i32 = 2000;
/// The last year the calendar covers.
pub const LAST_YEAR: i32 = 2040;

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalendarError {
    /// The date (or a result) is outside 2000-01-01 to 2040-12-31.
    #[error(
        "{0} is outside the calendar's range: bank holidays are known from {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31"
    )]
    OutOfRange(String),
}

/// Result of a calendar call.
pub type CalendarResult<T> = Result<T, CalendarError>;

/// A bank holiday.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BankHoliday {
    /// The day.
    pub date: NaiveDate,
    /// Its name, as gov.uk gives it (substitute days say so).
    pub name: String,
}

/// What a one-off proclamation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneOff {
    /// An extra bank holiday.
    Add,
    /// A regular bank holiday moved here from the given (year, month, day).
    MovedFrom(i32, u32, u32),
}

/// One-off changes by proclamation in 2000–2040, as ((year, month, day), what, name).
///
/// Sources. The 2020, 2022 and 2023 entries match gov.uk's `bank-holidays.json`
/// (<https://www.gov.uk/bank-holidays.json>, division "england-and-wales", whose titles are used here).
/// The 2002, 2011 and 2012 entries predate that file; they are from the proclamations published in
/// The Gazette (<https://www.thegazette.co.uk>) as recalled and cross-checked against the archived
/// gov.uk / DirectGov bank-holiday lists, and should be re-checked against the Gazette notices:
/// * 2002, Golden Jubilee: the spring bank holiday moved from Monday 27 May to Tuesday 4 June, and
///   Monday 3 June an extra day.
/// * 2011, wedding of Prince William and Catherine Middleton: Friday 29 April, extra.
/// * 2012, Diamond Jubilee: the spring bank holiday moved from Monday 28 May to Monday 4 June, and
///   Tuesday 5 June an extra day.
/// * 2020, 75th anniversary of VE Day: the early May bank holiday moved from Monday 4 May to Friday
///   8 May (gov.uk JSON).
/// * 2022, Platinum Jubilee: the spring bank holiday moved from Monday 30 May to Thursday 2 June, and
///   Friday 3 June an extra day; Monday 19 September, the state funeral of Queen Elizabeth II, extra
///   (gov.uk JSON).
/// * 2023: Monday 8 May, the coronation of King Charles III, extra (gov.uk JSON).
///
/// Outside the range and so not held: 1995-05-08 (VE Day 50, early May moved) and 1999-12-31
/// (millennium).
pub const PROCLAMATIONS: &[((i32, u32, u32), OneOff, &str)] = &[
    ((2002, 6, 3), OneOff::Add, "Golden Jubilee bank holiday"),
    (
        (2002, 6, 4),
        OneOff::MovedFrom(2002, 5, 27),
        "Spring bank holiday",
    ),
    ((2011, 4, 29), OneOff::Add, "Royal wedding"),
    (
        (2012, 6, 4),
        OneOff::MovedFrom(2012, 5, 28),
        "Spring bank holiday",
    ),
    ((2012, 6, 5), OneOff::Add, "Queen’s Diamond Jubilee"),
    (
        (2020, 5, 8),
        OneOff::MovedFrom(2020, 5, 4),
        "Early May bank holiday (VE day)",
    ),
    (
        (2022, 6, 2),
        OneOff::MovedFrom(2022, 5, 30),
        "Spring bank holiday",
    ),
    ((2022, 6, 3), OneOff::Add, "Platinum Jubilee bank holiday"),
    (
        (2022, 9, 19),
        OneOff::Add,
        "Bank Holiday for the State Funeral of Queen Elizabeth II",
    ),
    (
        (2023, 5, 8),
        OneOff::Add,
        "Bank holiday for the coronation of King Charles III",
    ),
];

/// A change supplied at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeAction {
    /// The day is a bank holiday.
    Add,
    /// The day is not a bank holiday after all.
    Remove,
}

impl ChangeAction {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Add => "add",
            ChangeAction::Remove => "remove",
        }
    }
    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "add" => Some(ChangeAction::Add),
            "remove" => Some(ChangeAction::Remove),
            _ => None,
        }
    }
}

/// A run-time change to the computed calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The day.
    pub date: NaiveDate,
    /// Add or remove.
    pub action: ChangeAction,
    /// The holiday's name (for a removal, a note).
    pub name: String,
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The first day covered.
pub fn first_day() -> NaiveDate {
    NaiveDate::from_yo_opt(FIRST_YEAR, 1).unwrap_or_default()
}

/// The last day covered.
pub fn last_day() -> NaiveDate {
    ymd(LAST_YEAR, 12, 31).unwrap_or_default()
}

/// True when the date is inside the calendar's range.
pub fn in_range(date: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&date.year())
}

/// Easter Sunday by the anonymous Gregorian (Meeus/Jones/Butcher) algorithm.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    ymd(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The bank holidays a year's rules give, before proclamations and run-time changes.
fn by_rule(year: i32) -> Vec<BankHoliday> {
    let mut out = Vec::new();
    let mut push = |date: Option<NaiveDate>, name: &str| {
        if let Some(date) = date {
            out.push(BankHoliday {
                date,
                name: name.to_owned(),
            });
        }
    };
    // New Year's Day, or the Monday after when it falls at a weekend.
    if let Some(ny) = ymd(year, 1, 1) {
        match ny.weekday() {
            Weekday::Sat => push(ymd(year, 1, 3), "New Year’s Day (substitute day)"),
            Weekday::Sun => push(ymd(year, 1, 2), "New Year’s Day (substitute day)"),
            _ => push(Some(ny), "New Year’s Day"),
        }
    }
    if let Some(easter) = easter_sunday(year) {
        push(Some(easter - Duration::days(2)), "Good Friday");
        push(Some(easter + Duration::days(1)), "Easter Monday");
    }
    push(
        NaiveDate::from_weekday_of_month_opt(year, 5, Weekday::Mon, 1),
        "Early May bank holiday",
    );
    push(last_monday(year, 5), "Spring bank holiday");
    push(last_monday(year, 8), "Summer bank holiday");
    // Christmas Day and Boxing Day with their substitutes (Banking and Financial Dealings Act 1971
    // schedule 1 for Boxing Day; custom and proclamation for Christmas Day).
    if let Some(christmas) = ymd(year, 12, 25) {
        match christmas.weekday() {
            // Christmas on Saturday: Monday 27th for Christmas, Tuesday 28th for Boxing Day.
            Weekday::Sat => {
                push(ymd(year, 12, 27), "Christmas Day (substitute day)");
                push(ymd(year, 12, 28), "Boxing Day (substitute day)");
            }
            // Christmas on Sunday: Boxing Day on Monday 26th, Christmas substitute Tuesday 27th.
            Weekday::Sun => {
                push(ymd(year, 12, 26), "Boxing Day");
                push(ymd(year, 12, 27), "Christmas Day (substitute day)");
            }
            // Christmas on Friday: Boxing Day on Saturday, substitute Monday 28th.
            Weekday::Fri => {
                push(Some(christmas), "Christmas Day");
                push(ymd(year, 12, 28), "Boxing Day (substitute day)");
            }
            _ => {
                push(Some(christmas), "Christmas Day");
                push(ymd(year, 12, 26), "Boxing Day");
            }
        }
    }
    out
}

fn last_monday(year: i32, month: u32) -> Option<NaiveDate> {
    let next_first = if month == 12 {
        ymd(year + 1, 1, 1)
    } else {
        ymd(year, month + 1, 1)
    }?;
    let mut d = next_first.pred_opt()?;
    while d.weekday() != Weekday::Mon {
        d = d.pred_opt()?;
    }
    Some(d)
}

/// The computed bank holidays of England and Wales (rules plus proclamations), 2000–2040.
fn computed() -> BTreeMap<NaiveDate, String> {
    let mut map = BTreeMap::new();
    for year in FIRST_YEAR..=LAST_YEAR {
        for h in by_rule(year) {
            map.insert(h.date, h.name);
        }
    }
    for ((y, m, d), what, name) in PROCLAMATIONS {
        if let OneOff::MovedFrom(fy, fm, fd) = what
            && let Some(from) = ymd(*fy, *fm, *fd)
        {
            map.remove(&from);
        }
        if let Some(date) = ymd(*y, *m, *d) {
            map.insert(date, (*name).to_owned());
        }
    }
    map
}

/// The calendar: which days are bank holidays, and a count of working days for fast sums.
#[derive(Debug, Clone)]
pub struct Calendar {
    holidays: BTreeMap<NaiveDate, String>,
    /// `prefix[i]` = working days in `first_day()..=first_day() + i`.
    prefix: Vec<u32>,
}

impl Default for Calendar {
    fn default() -> Self {
        Self::england_and_wales()
    }
}

impl Calendar {
    /// The computed calendar (rules and proclamations), with no run-time changes.
    pub fn england_and_wales() -> Self {
        Self::build(computed())
    }

    /// The computed calendar with run-time changes applied: every addition first, then every removal
    /// (so a day both added and removed is not a bank holiday). An addition on a computed bank holiday
    /// renames it. Changes outside the range are ignored (the service refuses them on entry).
    pub fn with_changes(changes: &[Change]) -> Self {
        let mut map = computed();
        for c in changes.iter().filter(|c| in_range(c.date)) {
            if c.action == ChangeAction::Add {
                map.insert(c.date, c.name.clone());
            }
        }
        for c in changes.iter().filter(|c| in_range(c.date)) {
            if c.action == ChangeAction::Remove {
                map.remove(&c.date);
            }
        }
        Self::build(map)
    }

    fn build(holidays: BTreeMap<NaiveDate, String>) -> Self {
        let mut prefix = Vec::new();
        let mut count = 0u32;
        let mut d = first_day();
        let last = last_day();
        while d <= last {
            if !is_weekend(d) && !holidays.contains_key(&d) {
                count += 1;
            }
            prefix.push(count);
            match d.succ_opt() {
                Some(n) => d = n,
                None => break,
            }
        }
        Self { holidays, prefix }
    }

    fn index(date: NaiveDate) -> CalendarResult<usize> {
        if !in_range(date) {
            return Err(CalendarError::OutOfRange(date.to_string()));
        }
        usize::try_from((date - first_day()).num_days())
            .map_err(|_| CalendarError::OutOfRange(date.to_string()))
    }

    fn prefix_at(&self, date: NaiveDate) -> CalendarResult<u32> {
        let i = Self::index(date)?;
        self.prefix
            .get(i)
            .copied()
            .ok_or_else(|| CalendarError::OutOfRange(date.to_string()))
    }

    /// The name of the bank holiday on this day, if it is one.
    pub fn bank_holiday(&self, date: NaiveDate) -> CalendarResult<Option<&str>> {
        Self::index(date)?;
        Ok(self.holidays.get(&date).map(String::as_str))
    }

    /// Monday to Friday and not a bank holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> CalendarResult<bool> {
        Self::index(date)?;
        Ok(!is_weekend(date) && !self.holidays.contains_key(&date))
    }

    /// The `n`th working day after `date`, which is day 0 (see the module's conventions); with `n = 0`,
    /// `date` itself when it is a working day, else the next working day. An error when `date` or the
    /// answer is outside the range.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> CalendarResult<NaiveDate> {
        let start = self.prefix_at(date)?;
        let target = if n == 0 {
            if self.is_working_day(date)? {
                return Ok(date);
            }
            start + 1
        } else {
            start.saturating_add(n)
        };
        // The first day whose running count reaches the target is a working day (the count only
        // rises on working days) and lies after `date`.
        let i = self.prefix.partition_point(|&p| p < target);
        if i >= self.prefix.len() {
            return Err(CalendarError::OutOfRange(format!(
                "{n} working days after {date}"
            )));
        }
        let days = i64::try_from(i).map_err(|_| CalendarError::OutOfRange(date.to_string()))?;
        Ok(first_day() + Duration::days(days))
    }

    /// The `n`th working day before `date`, which is day 0, mirroring [`Self::add_working_days`]:
    /// working day 1 is the first working day strictly *before* `date`; with `n = 0`, `date` itself
    /// when it is a working day, else the previous working day (a deadline counted back from a date
    /// never falls on a non-working day). For a working day `d`,
    /// `add_working_days(subtract_working_days(d, n), n) == d` and
    /// `working_days_between(subtract_working_days(d, n), d) == n`. An error when `date` or the answer
    /// is outside the range.
    pub fn subtract_working_days(&self, date: NaiveDate, n: u32) -> CalendarResult<NaiveDate> {
        let i = Self::index(date)?;
        let here = self.prefix_at(date)?;
        let target = if n == 0 {
            here
        } else {
            // working days up to and including the day before `date`
            let before = if self.is_working_day(date)? {
                here - 1
            } else {
                here
            };
            (before + 1).saturating_sub(n)
        };
        let out_of_range = || CalendarError::OutOfRange(format!("{n} working days before {date}"));
        if target == 0 {
            return Err(out_of_range());
        }
        // The first day whose running count reaches the target is that working day; it lies on or
        // before `date`.
        let j = self.prefix.partition_point(|&p| p < target);
        if j > i {
            return Err(out_of_range());
        }
        let days = i64::try_from(j).map_err(|_| out_of_range())?;
        Ok(first_day() + Duration::days(days))
    }

    /// The number of working days `d` with `a < d <= b` (negative when `b` is before `a`).
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> CalendarResult<i64> {
        Ok(i64::from(self.prefix_at(b)?) - i64::from(self.prefix_at(a)?))
    }

    /// The bank holidays of a year, in date order.
    pub fn bank_holidays_in(&self, year: i32) -> CalendarResult<Vec<BankHoliday>> {
        let (Some(from), Some(to)) = (ymd(year, 1, 1), ymd(year, 12, 31)) else {
            return Err(CalendarError::OutOfRange(year.to_string()));
        };
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(CalendarError::OutOfRange(year.to_string()));
        }
        Ok(self.between_inclusive(from, to))
    }

    /// The bank holidays from `from` to `to`, both included (clipped to the range).
    pub fn between_inclusive(&self, from: NaiveDate, to: NaiveDate) -> Vec<BankHoliday> {
        if from > to {
            return Vec::new();
        }
        self.holidays
            .range(from..=to)
            .map(|(d, n)| BankHoliday {
                date: *d,
                name: n.clone(),
            })
            .collect()
    }
}

/// Parses an ISO 8601 calendar date (`YYYY-MM-DD`) strictly.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() != 10 || !s.is_ascii() {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap_or_else(|| panic!("bad date {s}"))
    }

    fn dates(cal: &Calendar, year: i32) -> Vec<String> {
        cal.bank_holidays_in(year)
            .unwrap()
            .into_iter()
            .map(|h| h.date.to_string())
            .collect()
    }

    /// The slow, obvious definition, to check the fast one against.
    fn naive_add(cal: &Calendar, date: NaiveDate, n: u32) -> NaiveDate {
        let mut cur = date;
        if n == 0 {
            while !cal.is_working_day(cur).unwrap() {
                cur = cur.succ_opt().unwrap();
            }
            return cur;
        }
        let mut left = n;
        while left > 0 {
            cur = cur.succ_opt().unwrap();
            if cal.is_working_day(cur).unwrap() {
                left -= 1;
            }
        }
        cur
    }

    #[test]
    fn easter_sundays() {
        for (y, e) in [
            (2000, "2000-04-23"),
            (2008, "2008-03-23"),
            (2011, "2011-04-24"),
            (2016, "2016-03-27"),
            (2019, "2019-04-21"),
            (2022, "2022-04-17"),
            (2023, "2023-04-09"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2035, "2035-03-25"),
            (2038, "2038-04-25"),
        ] {
            assert_eq!(easter_sunday(y), Some(d(e)), "{y}");
        }
    }

    #[test]
    fn every_2022_and_2023_bank_holiday() {
        let cal = Calendar::england_and_wales();
        assert_eq!(
            dates(&cal, 2022),
            [
                "2022-01-03",
                "2022-04-15",
                "2022-04-18",
                "2022-05-02",
                "2022-06-02",
                "2022-06-03",
                "2022-08-29",
                "2022-09-19",
                "2022-12-26",
                "2022-12-27"
            ]
        );
        assert_eq!(
            dates(&cal, 2023),
            [
                "2023-01-02",
                "2023-04-07",
                "2023-04-10",
                "2023-05-01",
                "2023-05-08",
                "2023-05-29",
                "2023-08-28",
                "2023-12-25",
                "2023-12-26"
            ]
        );
        let names: Vec<String> = cal
            .bank_holidays_in(2022)
            .unwrap()
            .into_iter()
            .map(|h| h.name)
            .collect();
        assert!(names.contains(&"Platinum Jubilee bank holiday".to_owned()));
        assert!(names.contains(&"Christmas Day (substitute day)".to_owned()));
    }

    #[test]
    fn substitute_days() {
        let cal = Calendar::england_and_wales();
        for s in [
            "2021-12-27", // Christmas on Saturday
            "2021-12-28",
            "2022-12-26", // Christmas on Sunday
            "2022-12-27",
            "2016-12-26",
            "2016-12-27",
            "2010-12-27",
            "2010-12-28",
            "2011-01-03", // New Year's Day on Saturday
            "2017-01-02", // on Sunday
            "2020-12-28", // Boxing Day on Saturday
            "2015-12-28",
            "2026-12-28",
        ] {
            assert!(cal.bank_holiday(d(s)).unwrap().is_some(), "{s}");
            assert!(!cal.is_working_day(d(s)).unwrap(), "{s}");
        }
        for s in ["2021-12-29", "2022-12-28", "2020-12-29", "2011-01-04"] {
            assert!(cal.is_working_day(d(s)).unwrap(), "{s}");
        }
    }

    #[test]
    fn proclamations_move_and_add() {
        let cal = Calendar::england_and_wales();
        for ((y, m, dd), what, _) in PROCLAMATIONS {
            let date = ymd(*y, *m, *dd).unwrap();
            assert!(!is_weekend(date), "{date}");
            assert!(cal.bank_holiday(date).unwrap().is_some(), "{date}");
            if let OneOff::MovedFrom(fy, fm, fdd) = what {
                let from = ymd(*fy, *fm, *fdd).unwrap();
                assert!(by_rule(*fy).iter().any(|h| h.date == from), "{from}");
                assert!(cal.is_working_day(from).unwrap(), "{from}");
            }
        }
        assert_eq!(
            dates(&cal, 2002),
            [
                "2002-01-01",
                "2002-03-29",
                "2002-04-01",
                "2002-05-06",
                "2002-06-03",
                "2002-06-04",
                "2002-08-26",
                "2002-12-25",
                "2002-12-26"
            ]
        );
        assert!(dates(&cal, 2011).contains(&"2011-04-29".to_owned()));
        assert!(dates(&cal, 2012).contains(&"2012-06-05".to_owned()));
        assert!(!dates(&cal, 2012).contains(&"2012-05-28".to_owned()));
        assert_eq!(dates(&cal, 2020)[3], "2020-05-08");
    }

    #[test]
    fn every_year_has_eight_regular_holidays_or_more() {
        let cal = Calendar::england_and_wales();
        for y in FIRST_YEAR..=LAST_YEAR {
            let n = cal.bank_holidays_in(y).unwrap().len();
            assert!((8..=10).contains(&n), "{y}: {n}");
            for h in cal.bank_holidays_in(y).unwrap() {
                assert!(!is_weekend(h.date), "{y}: {} on a weekend", h.date);
            }
        }
    }

    #[test]
    fn day_zero_convention() {
        let cal = Calendar::england_and_wales();
        // Monday 2 January 2023 is a bank holiday (New Year's Day substitute) and is day 0.
        assert_eq!(
            cal.add_working_days(d("2023-01-02"), 5).unwrap(),
            d("2023-01-09")
        );
        assert_eq!(
            cal.add_working_days(d("2023-01-02"), 0).unwrap(),
            d("2023-01-03")
        );
        assert_eq!(
            cal.add_working_days(d("2023-01-03"), 0).unwrap(),
            d("2023-01-03")
        );
        assert_eq!(
            cal.add_working_days(d("2023-01-03"), 1).unwrap(),
            d("2023-01-04")
        );
        // Saturday start: Monday is day 1.
        assert_eq!(
            cal.add_working_days(d("2023-01-07"), 1).unwrap(),
            d("2023-01-09")
        );
    }

    #[test]
    fn sums_across_christmas_and_easter() {
        let cal = Calendar::england_and_wales();
        // Friday 23 December 2022; 26 and 27 December are bank holidays.
        assert_eq!(
            cal.add_working_days(d("2022-12-23"), 1).unwrap(),
            d("2022-12-28")
        );
        assert_eq!(
            cal.add_working_days(d("2022-12-23"), 5).unwrap(),
            d("2023-01-04")
        );
        // Thursday 6 April 2023; Good Friday 7 and Easter Monday 10 April.
        assert_eq!(
            cal.add_working_days(d("2023-04-06"), 1).unwrap(),
            d("2023-04-11")
        );
        assert_eq!(
            // ... and the early May bank holiday, Monday 1 May, on the way to day 15.
            cal.add_working_days(d("2023-04-06"), 15).unwrap(),
            d("2023-05-02")
        );
        assert_eq!(
            cal.working_days_between(d("2023-04-06"), d("2023-05-02"))
                .unwrap(),
            15
        );
        assert_eq!(
            cal.working_days_between(d("2023-05-02"), d("2023-04-06"))
                .unwrap(),
            -15
        );
        // Christmas 2021 on a Saturday: Friday 24th + 1 is Wednesday 29th.
        assert_eq!(
            cal.add_working_days(d("2021-12-24"), 1).unwrap(),
            d("2021-12-29")
        );
        assert_eq!(
            cal.working_days_between(d("2021-12-24"), d("2021-12-31"))
                .unwrap(),
            3
        );
        assert_eq!(
            cal.working_days_between(d("2021-12-24"), d("2021-12-24"))
                .unwrap(),
            0
        );
    }

    /// The slow, obvious definition of counting back.
    fn naive_subtract(cal: &Calendar, date: NaiveDate, n: u32) -> NaiveDate {
        let mut cur = date;
        if n == 0 {
            while !cal.is_working_day(cur).unwrap() {
                cur = cur.pred_opt().unwrap();
            }
            return cur;
        }
        let mut left = n;
        while left > 0 {
            cur = cur.pred_opt().unwrap();
            if cal.is_working_day(cur).unwrap() {
                left -= 1;
            }
        }
        cur
    }

    #[test]
    fn counting_back_across_bank_holidays() {
        let cal = Calendar::england_and_wales();
        // 7 working days before Wednesday 8 June 2022: 7, 6 June, then 1 June (2 and 3 June were the
        // jubilee bank holidays), 31, 30, 27 and 26 May.
        assert_eq!(
            cal.subtract_working_days(d("2022-06-08"), 7).unwrap(),
            d("2022-05-26")
        );
        // 7 working days before Tuesday 3 January 2023: Monday 2 January (substitute day), 27 and 26
        // December are bank holidays: 30, 29, 28, 23, 22, 21 and 20 December.
        assert_eq!(
            cal.subtract_working_days(d("2023-01-03"), 7).unwrap(),
            d("2022-12-20")
        );
        // Tuesday 11 April 2023, after Good Friday and Easter Monday: 1 working day back is Thursday 6th.
        assert_eq!(
            cal.subtract_working_days(d("2023-04-11"), 1).unwrap(),
            d("2023-04-06")
        );
        // Day 0 on a bank holiday or weekend: n = 0 rolls back, n = 1 is the previous working day.
        assert_eq!(
            cal.subtract_working_days(d("2023-04-10"), 0).unwrap(),
            d("2023-04-06")
        );
        assert_eq!(
            cal.subtract_working_days(d("2023-04-08"), 1).unwrap(),
            d("2023-04-06")
        );
        assert_eq!(
            cal.subtract_working_days(d("2023-04-06"), 0).unwrap(),
            d("2023-04-06")
        );
        // The state funeral, Monday 19 September 2022.
        assert_eq!(
            cal.subtract_working_days(d("2022-09-20"), 1).unwrap(),
            d("2022-09-16")
        );
        assert!(cal.subtract_working_days(d("2000-01-04"), 5).is_err());
        assert!(cal.subtract_working_days(d("1999-12-31"), 1).is_err());
        assert!(cal.subtract_working_days(d("2000-01-01"), 0).is_err());
    }

    /// Property-style, exhaustive: counting back agrees with the slow definition, lands on working
    /// days only, and round-trips with counting forward.
    #[test]
    fn subtract_and_add_agree_everywhere() {
        let cal = Calendar::england_and_wales();
        let ns = [0u32, 1, 2, 5, 7, 10, 15, 30, 60];
        let mut day = d("2000-06-01");
        let end = last_day();
        while day <= end {
            let working = cal.is_working_day(day).unwrap();
            let mut prev: Option<NaiveDate> = None;
            for &n in &ns {
                let r = cal.subtract_working_days(day, n).unwrap();
                assert!(cal.is_working_day(r).unwrap(), "{day} - {n} = {r}");
                assert!(r <= day);
                if n <= 15 {
                    assert_eq!(r, naive_subtract(&cal, day, n), "{day} - {n}");
                }
                let back = cal.working_days_between(r, day).unwrap();
                if working {
                    assert_eq!(back, i64::from(n), "{day} - {n} = {r}");
                    assert_eq!(cal.add_working_days(r, n).unwrap(), day, "{day} - {n}");
                } else {
                    assert_eq!(back, i64::from(n.saturating_sub(1)), "{day} - {n} = {r}");
                }
                if let Some(p) = prev {
                    assert!(
                        r < p || (!working && n == 1 && r == p),
                        "{day}: not decreasing at n = {n}"
                    );
                }
                prev = Some(r);
            }
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn outside_the_range_is_an_error() {
        let cal = Calendar::england_and_wales();
        assert!(cal.is_working_day(d("1999-12-31")).is_err());
        assert!(cal.is_working_day(d("2041-01-01")).is_err());
        assert!(cal.add_working_days(d("1999-12-31"), 1).is_err());
        assert!(cal.add_working_days(d("2040-12-31"), 1).is_err());
        assert!(
            cal.working_days_between(d("2040-01-01"), d("2041-01-02"))
                .is_err()
        );
        assert!(cal.bank_holidays_in(1999).is_err());
        assert!(cal.bank_holidays_in(2041).is_err());
        assert!(cal.bank_holidays_in(2000).is_ok());
        assert!(cal.bank_holidays_in(2040).is_ok());
        // 2040-12-31 is a Monday and a working day: the last answer the calendar can give.
        assert_eq!(
            cal.add_working_days(d("2040-12-28"), 1).unwrap(),
            d("2040-12-31")
        );
    }

    #[test]
    fn run_time_changes() {
        let base = Calendar::england_and_wales();
        assert!(base.is_working_day(d("2030-03-06")).unwrap());
        let cal = Calendar::with_changes(&[
            Change {
                date: d("2030-03-06"),
                action: ChangeAction::Add,
                name: "A one-off".into(),
            },
            Change {
                date: d("2030-12-25"),
                action: ChangeAction::Remove,
                name: "Not this year".into(),
            },
            Change {
                date: d("2050-01-05"),
                action: ChangeAction::Add,
                name: "Ignored".into(),
            },
        ]);
        assert_eq!(
            cal.bank_holiday(d("2030-03-06")).unwrap(),
            Some("A one-off")
        );
        assert!(cal.is_working_day(d("2030-12-25")).unwrap());
        assert_eq!(
            cal.add_working_days(d("2030-03-05"), 1).unwrap(),
            d("2030-03-07")
        );
    }

    #[test]
    fn parse_date_is_strict() {
        assert_eq!(parse_date("2023-01-02"), Some(d("2023-01-02")));
        for bad in [
            "2023-1-2",
            "2023-02-30",
            "02/01/2023",
            "",
            "2023-01-02x",
            "+2023-01-0",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    /// Property-style, exhaustive: every day from 2000-01-01 to 2040-12-01, several n up to 60.
    #[test]
    fn add_and_count_agree_everywhere() {
        let cal = Calendar::england_and_wales();
        let ns = [0u32, 1, 2, 3, 5, 10, 15, 20, 30, 45, 60];
        let end = d("2040-12-01");
        let mut day = first_day();
        while day <= end {
            let working = cal.is_working_day(day).unwrap();
            let mut prev: Option<NaiveDate> = None;
            let left_in_range = cal.working_days_between(day, last_day()).unwrap();
            for &n in &ns {
                let Ok(r) = cal.add_working_days(day, n) else {
                    // Only when the answer would fall after 2040-12-31.
                    assert!(i64::from(n.max(1)) > left_in_range, "{day} + {n}");
                    break;
                };
                // Never a weekend or bank holiday.
                assert!(cal.is_working_day(r).unwrap(), "{day} + {n} = {r}");
                assert!(r >= day);
                // Round trip for working days; off by one (day 0 rolls forward) otherwise.
                let back = cal.working_days_between(day, r).unwrap();
                if working {
                    assert_eq!(back, i64::from(n), "{day} + {n} = {r}");
                    assert_eq!(cal.working_days_between(r, day).unwrap(), -i64::from(n));
                } else {
                    assert_eq!(back, i64::from(n.max(1)), "{day} + {n} = {r}");
                }
                // Monotonic in n.
                // Strictly increasing, except that day 0 of a non-working day rolls forward to
                // the same day as day 1.
                if let Some(p) = prev {
                    assert!(
                        r > p || (!working && n == 1 && r == p),
                        "{day}: not increasing at n = {n}"
                    );
                }
                prev = Some(r);
                if n <= 20 {
                    assert_eq!(r, naive_add(&cal, day, n), "{day} + {n}");
                }
            }
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn counting_matches_a_day_by_day_count() {
        let cal = Calendar::england_and_wales();
        let mut day = first_day();
        let end = d("2040-12-01");
        while day <= end {
            let later = day + Duration::days(17);
            let mut count = 0;
            let mut cur = day;
            while cur < later {
                cur = cur.succ_opt().unwrap();
                if cal.is_working_day(cur).unwrap() {
                    count += 1;
                }
            }
            assert_eq!(cal.working_days_between(day, later).unwrap(), count);
            day = day.succ_opt().unwrap();
        }
    }
}
