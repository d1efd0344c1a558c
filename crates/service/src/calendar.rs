//! The working-day calendar of England and Wales: the computed bank holidays
//! ([`safeguard_domain::calendar`]) with the changes stored in the database (administrators' entries and
//! gov.uk imports). Platform-level: the same for every partnership. Anyone signed in may read it;
//! changing it needs [`Permission::ManageCalendar`], and every change writes an entry to the platform
//! audit chain in the same transaction.
//!
//! The calendar's changes are read from the database on every call (a few dozen rows), so nothing
//! can go stale across instances; the 15,000-day running count built from them is reused while they
//! stay the same.

use crate::{Actor, ServiceError, ServiceResult, Services};
use chrono::{Datelike, NaiveDate};
use safeguard_domain::ValidationErrors;
use safeguard_domain::audit::NewEntry;
use safeguard_domain::calendar::{
    BankHoliday, Calendar, Change, ChangeAction, FIRST_YEAR, LAST_YEAR, in_range, parse_date,
};
use safeguard_domain::policy::Permission;
use safeguard_store::calendar::{self as store, BankHolidayChange, NewChange};
use safeguard_store::{Conn, audit_log};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// The most working days the calculator adds at once.
pub const MAX_WORKING_DAYS: u32 = 1000;

const RANGE_HINT: &str = "between 1 January 2000 and 31 December 2040";

/// The last calendar built and the changes it was built from. Building one walks 15,000 days (about a
/// millisecond), which dominated pages that show clocks, such as the case review dashboard; the
/// changes are still read on every call, so a calendar is reused only while they are the same and
/// nothing goes stale across instances. (A pure function of the changes, so one memo serves every
/// database a process opens.)
static LAST_BUILT: std::sync::Mutex<Option<(Vec<Change>, Calendar)>> = std::sync::Mutex::new(None);

fn calendar_of(changes: &[Change]) -> Calendar {
    if let Ok(last) = LAST_BUILT.lock()
        && let Some((built_from, cal)) = last.as_ref()
        && built_from.as_slice() == changes
    {
        return cal.clone();
    }
    let cal = Calendar::with_changes(changes);
    if let Ok(mut last) = LAST_BUILT.lock() {
        *last = Some((changes.to_vec(), cal.clone()));
    }
    cal
}

async fn load_with(c: &mut Conn<'_>) -> ServiceResult<(Calendar, Vec<BankHolidayChange>)> {
    let rows = store::list(c).await?;
    let changes: Vec<Change> = rows
        .iter()
        .filter_map(|r| {
            Some(Change {
                date: r.date,
                action: ChangeAction::parse(&r.action)?,
                name: r.name.clone(),
            })
        })
        .collect();
    Ok((calendar_of(&changes), rows))
}

/// The calendar: computed bank holidays with the database's changes applied.
pub async fn load(svc: &Services) -> ServiceResult<Calendar> {
    let mut pc = svc.db.acquire().await?;
    Ok(load_with(&mut pc.conn()).await?.0)
}

/// The calendar read on the caller's connection (inside a transaction, as the demo loads).
pub(crate) async fn load_in(c: &mut Conn<'_>) -> ServiceResult<Calendar> {
    Ok(load_with(c).await?.0)
}

/// Parses a required ISO 8601 date inside the calendar's range, adding a message for `field`.
pub fn parse_field_date(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
    label: &str,
) -> Option<NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        errors.add(field, format!("Enter {label}"));
        return None;
    }
    match parse_date(v) {
        None => {
            errors.add(
                field,
                format!(
                    "{} must be a real date in the form YYYY-MM-DD, for example 2027-06-07",
                    capitalise(label)
                ),
            );
            None
        }
        Some(d) if !in_range(d) => {
            errors.add(field, format!("{} must be {RANGE_HINT}", capitalise(label)));
            None
        }
        Some(d) => Some(d),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Parses the number of working days to add (0 to [`MAX_WORKING_DAYS`]).
pub fn parse_count(errors: &mut ValidationErrors, field: &str, value: &str) -> Option<u32> {
    match value.trim().parse::<u32>() {
        Ok(n) if n <= MAX_WORKING_DAYS => Some(n),
        _ => {
            errors.add(
                field,
                format!(
                    "The number of working days must be a whole number from 0 to {MAX_WORKING_DAYS}"
                ),
            );
            None
        }
    }
}

/// `n` working days after `from` (day 0; see [`safeguard_domain::calendar`]). Input as typed: field
/// errors name `from` and `add`.
pub async fn add_working_days(svc: &Services, from: &str, n: &str) -> ServiceResult<NaiveDate> {
    let mut errors = ValidationErrors::new();
    let date = parse_field_date(&mut errors, "from", from, "the start date");
    let n = parse_count(&mut errors, "add", n);
    let (Some(date), Some(n)) = (date, n) else {
        return Err(errors.into());
    };
    let cal = load(svc).await?;
    cal.add_working_days(date, n).map_err(|_| {
        ServiceError::Invalid(ValidationErrors::single(
            "add",
            format!("The answer would fall after 31 December {LAST_YEAR}, beyond the bank holidays the calendar knows"),
        ))
    })
}

/// The working days `d` with `from < d <= to` (negative when `to` is earlier). Field errors name
/// `from` and `to`.
pub async fn working_days_between(svc: &Services, from: &str, to: &str) -> ServiceResult<i64> {
    let mut errors = ValidationErrors::new();
    let a = parse_field_date(&mut errors, "from", from, "the start date");
    let b = parse_field_date(&mut errors, "to", to, "the end date");
    let (Some(a), Some(b)) = (a, b) else {
        return Err(errors.into());
    };
    let cal = load(svc).await?;
    cal.working_days_between(a, b)
        .map_err(|e| ServiceError::Invalid(ValidationErrors::single("from", e.to_string())))
}

/// The bank holidays of a year (with the database's changes).
pub async fn bank_holidays_in(svc: &Services, year: i32) -> ServiceResult<Vec<BankHoliday>> {
    let cal = load(svc).await?;
    cal.bank_holidays_in(year)
        .map_err(|e| ServiceError::Invalid(ValidationErrors::single("year", e.to_string())))
}

/// The stored changes, in date order.
pub async fn changes(svc: &Services) -> ServiceResult<Vec<BankHolidayChange>> {
    let mut pc = svc.db.acquire().await?;
    Ok(store::list(&mut pc.conn()).await?)
}

/// An administrator's change as submitted.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ChangeInput {
    /// YYYY-MM-DD.
    #[serde(default)]
    pub date: String,
    /// The holiday's name, or for a removal the reason.
    #[serde(default)]
    pub name: String,
    /// `add` or `remove`.
    #[serde(default)]
    pub action: String,
}

fn platform_entry(actor: Option<&Actor>, action: &str, target_id: Option<String>) -> NewEntry {
    NewEntry {
        partnership_id: None,
        actor_person_id: actor.map(|a| a.person_id.0),
        actor_organisation_id: actor.map(|a| a.organisation_id.0),
        request_id: actor.and_then(|a| a.meta.request_id.clone()),
        ip: actor.and_then(|a| a.meta.ip.clone()),
        ..NewEntry::new(action, "bank_holiday_change", target_id)
    }
}

fn change_json(c: &BankHolidayChange) -> String {
    json!({"date": c.date.to_string(), "action": c.action, "name": c.name, "source": c.source})
        .to_string()
}

/// Adds a bank holiday, or removes one, by an administrator. Nothing is saved when the input is wrong.
pub async fn add_change(
    svc: &Services,
    actor: &Actor,
    input: &ChangeInput,
) -> ServiceResult<BankHolidayChange> {
    actor.require(Permission::ManageCalendar)?;
    let mut errors = ValidationErrors::new();
    let date = parse_field_date(&mut errors, "date", &input.date, "the date");
    let name = safeguard_domain::validation::required_text(
        &mut errors,
        "name",
        &input.name,
        "a name",
        100,
    );
    let action = match ChangeAction::parse(input.action.trim()) {
        Some(a) => Some(a),
        None => {
            errors.add("action", "Select whether to add or remove a bank holiday");
            None
        }
    };
    let (Some(date), Some(action)) = (date, action) else {
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let (cal, rows) = load_with(&mut tx.conn()).await?;
    let is_holiday = cal.bank_holiday(date).ok().flatten().is_some();
    let recorded = |a: &str| rows.iter().any(|r| r.date == date && r.action == a);
    match action {
        ChangeAction::Add
            if matches!(date.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) =>
        {
            errors.add("date", "A bank holiday must fall on a weekday: Saturdays and Sundays are never working days");
        }
        ChangeAction::Add if is_holiday => {
            errors.add(
                "date",
                format!("{} is already a bank holiday", long_date(date)),
            );
        }
        ChangeAction::Add if recorded("remove") => {
            errors.add(
                "date",
                format!(
                    "{} was removed by an earlier change: delete that change instead",
                    long_date(date)
                ),
            );
        }
        ChangeAction::Remove if !is_holiday => {
            errors.add("date", format!("{} is not a bank holiday", long_date(date)));
        }
        _ => {}
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let saved = store::insert(
        &mut tx.conn(),
        &NewChange {
            date,
            action: action.as_str(),
            name: &name,
            source: "administrator",
            created_by: Some(actor.person_id),
        },
        now,
    )
    .await
    .map_err(|e| {
        if e.is_conflict_on("bank_holiday_change") || e.is_conflict_on("date") {
            ServiceError::Invalid(ValidationErrors::single(
                "date",
                "There is already a change for that day: delete it first",
            ))
        } else {
            e.into()
        }
    })?;
    let verb = match action {
        ChangeAction::Add => "calendar.add_bank_holiday",
        ChangeAction::Remove => "calendar.remove_bank_holiday",
    };
    let mut e = platform_entry(
        Some(actor),
        verb,
        Some(saved.bank_holiday_change_id.to_string()),
    );
    e.after = Some(change_json(&saved));
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Deletes a stored change (the computed calendar applies again for that day).
pub async fn delete_change(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    actor.require(Permission::ManageCalendar)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let before = store::find(&mut tx.conn(), id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    store::delete(&mut tx.conn(), id).await?;
    let mut e = platform_entry(Some(actor), "calendar.delete_change", Some(id.to_string()));
    e.before = Some(change_json(&before));
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// "Monday 2 January 2023".
pub fn long_date(d: NaiveDate) -> String {
    d.format("%A %-d %B %Y").to_string()
}

/// What an import found.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// The file's first and last england-and-wales dates.
    pub file_range: Option<(NaiveDate, NaiveDate)>,
    /// In the file and already in the calendar.
    pub confirmed: Vec<(NaiveDate, String)>,
    /// In the file, missing from the calendar: stored as `import` changes.
    pub added: Vec<(NaiveDate, String)>,
    /// In the file but removed by an administrator's change: left removed.
    pub kept_removed: Vec<(NaiveDate, String)>,
    /// In the calendar within the file's range but not in the file: reported, not removed.
    pub missing_from_file: Vec<(NaiveDate, String)>,
    /// File events outside 2000–2040, ignored.
    pub outside_range: usize,
}

impl ImportReport {
    /// The report as lines of text (for the command line).
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some((a, b)) = self.file_range {
            out.push(format!("file covers {a} to {b} (england-and-wales)"));
        }
        out.push(format!("confirmed: {}", self.confirmed.len()));
        out.push(format!("added: {}", self.added.len()));
        for (d, n) in &self.added {
            out.push(format!("  added {d} {n}"));
        }
        for (d, n) in &self.kept_removed {
            out.push(format!(
                "  kept removed (an administrator removed it) {d} {n}"
            ));
        }
        out.push(format!(
            "in the calendar but not in the file: {}",
            self.missing_from_file.len()
        ));
        for (d, n) in &self.missing_from_file {
            out.push(format!("  not in the file {d} {n}"));
        }
        if self.outside_range > 0 {
            out.push(format!(
                "ignored {} event(s) outside {FIRST_YEAR}-{LAST_YEAR}",
                self.outside_range
            ));
        }
        out
    }
}

fn malformed(msg: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(ValidationErrors::single("file", msg))
}

/// Reads the england-and-wales events of gov.uk's `bank-holidays.json`.
pub fn parse_gov_uk_json(bytes: &[u8]) -> ServiceResult<BTreeMap<NaiveDate, String>> {
    let v: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| malformed(format!("The file is not valid JSON: {e}")))?;
    let division = v.get("england-and-wales").ok_or_else(|| {
        malformed(
            "The file has no \"england-and-wales\" division: is it gov.uk's bank-holidays.json?",
        )
    })?;
    let events = division
        .get("events")
        .and_then(|e| e.as_array())
        .ok_or_else(|| malformed("The \"england-and-wales\" division has no \"events\" list"))?;
    if events.is_empty() {
        return Err(malformed(
            "The \"england-and-wales\" division lists no events",
        ));
    }
    let mut out = BTreeMap::new();
    for (i, ev) in events.iter().enumerate() {
        let n = i + 1;
        let date = ev
            .get("date")
            .and_then(|d| d.as_str())
            .ok_or_else(|| malformed(format!("Event {n} has no \"date\"")))?;
        let date = parse_date(date).ok_or_else(|| {
            malformed(format!(
                "Event {n}'s date {date:?} is not a date in the form YYYY-MM-DD"
            ))
        })?;
        let title = ev
            .get("title")
            .and_then(|t| t.as_str())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| malformed(format!("Event {n} ({date}) has no \"title\"")))?;
        out.insert(date, title.chars().take(100).collect());
    }
    Ok(out)
}

/// Imports gov.uk's `bank-holidays.json` (england-and-wales only): dates the calendar lacks are
/// stored as `import` changes; dates the calendar has but the file lacks (within the file's range) are
/// reported, never removed. `actor` is none from the command line. One audit entry on the platform
/// chain, in the same transaction.
pub async fn import_gov_uk_json(
    svc: &Services,
    actor: Option<&Actor>,
    bytes: &[u8],
) -> ServiceResult<ImportReport> {
    if let Some(a) = actor {
        a.require(Permission::ManageCalendar)?;
    }
    let file = parse_gov_uk_json(bytes)?;
    let mut report = ImportReport::default();
    let in_file: BTreeMap<NaiveDate, String> = file
        .iter()
        .filter(|(d, _)| in_range(**d))
        .map(|(d, n)| (*d, n.clone()))
        .collect();
    report.outside_range = file.len() - in_file.len();
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let (cal, rows) = load_with(&mut tx.conn()).await?;
    let removed: BTreeSet<NaiveDate> = rows
        .iter()
        .filter(|r| r.action == "remove")
        .map(|r| r.date)
        .collect();
    for (date, title) in &in_file {
        if cal.bank_holiday(*date).ok().flatten().is_some() {
            report.confirmed.push((*date, title.clone()));
        } else if removed.contains(date) {
            report.kept_removed.push((*date, title.clone()));
        } else {
            store::insert(
                &mut tx.conn(),
                &NewChange {
                    date: *date,
                    action: "add",
                    name: title,
                    source: "import",
                    created_by: actor.map(|a| a.person_id),
                },
                now,
            )
            .await?;
            report.added.push((*date, title.clone()));
        }
    }
    if let (Some((first, _)), Some((last, _))) =
        (in_file.first_key_value(), in_file.last_key_value())
    {
        report.file_range = Some((*first, *last));
        report.missing_from_file = cal
            .between_inclusive(*first, *last)
            .into_iter()
            .filter(|h| !in_file.contains_key(&h.date))
            .map(|h| (h.date, h.name))
            .collect();
    }
    let mut e = platform_entry(actor, "calendar.import", None);
    e.after = Some(
        json!({
            "confirmed": report.confirmed.len(),
            "added": report.added.iter().map(|(d, _)| d.to_string()).collect::<Vec<_>>(),
            "kept_removed": report.kept_removed.iter().map(|(d, _)| d.to_string()).collect::<Vec<_>>(),
            "missing_from_file": report.missing_from_file.iter().map(|(d, _)| d.to_string()).collect::<Vec<_>>(),
        })
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_refuses_malformed_files() {
        for (bad, expect) in [
            (&b"not json"[..], "not valid JSON"),
            (
                br#"{"scotland": {"events": []}}"#,
                "no \"england-and-wales\"",
            ),
            (
                br#"{"england-and-wales": {"division": "x"}}"#,
                "no \"events\"",
            ),
            (
                br#"{"england-and-wales": {"events": []}}"#,
                "lists no events",
            ),
            (
                br#"{"england-and-wales": {"events": [{"title": "x"}]}}"#,
                "Event 1 has no \"date\"",
            ),
            (
                br#"{"england-and-wales": {"events": [{"title": "x", "date": "2023-13-01"}]}}"#,
                "not a date",
            ),
            (
                br#"{"england-and-wales": {"events": [{"date": "2023-01-02"}]}}"#,
                "no \"title\"",
            ),
        ] {
            match parse_gov_uk_json(bad) {
                Err(ServiceError::Invalid(v)) => {
                    let m = v.get("file").unwrap_or_default().to_owned();
                    assert!(m.contains(expect), "{m}");
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn long_dates() {
        assert_eq!(
            long_date(NaiveDate::from_ymd_opt(2023, 1, 2).unwrap_or_default()),
            "Monday 2 January 2023"
        );
    }
}
