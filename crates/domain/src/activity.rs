//! The activity and impact log: what the partnership did and the difference it made to safeguarding,
//! read month by month over a financial year (April to March), like the "What have we achieved"
//! section of a yearly report. This module holds the rules: parsing raw input with field errors, tag
//! normalisation, evidence link targets and the financial-year calendar (CSV cells: [`crate::csv`]).

use crate::actions::optional_text;
use crate::validation::{ValidationErrors, required_text};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

/// Longest title, body-or-workstream name, tag list or link label, in characters.
pub const TITLE_MAX: usize = 200;
/// Longest "what happened" or "safeguarding impact", in characters.
pub const TEXT_MAX: usize = 10_000;
/// Longest tag, in characters.
pub const TAG_MAX: usize = 40;
/// Most tags on one entry.
pub const TAGS_MAX: usize = 12;
/// Longest external address.
pub const URL_MAX: usize = 2_000;

/// Raw input to add or edit an entry (from a form or the API).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EntryInput {
    /// Date, `YYYY-MM-DD`.
    #[serde(default)]
    pub entry_date: String,
    /// The board or sub-group (a body id), or empty.
    #[serde(default)]
    pub body_id: String,
    /// A workstream that is not a body, or empty.
    #[serde(default)]
    pub workstream: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// What happened.
    #[serde(default)]
    pub what_happened: String,
    /// The safeguarding impact.
    #[serde(default)]
    pub impact: String,
    /// Tags, separated by commas.
    #[serde(default)]
    pub tags: String,
    /// The version the edit form was built from (edits only).
    #[serde(default)]
    pub version: String,
}

/// A validated entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFields {
    /// Date.
    pub entry_date: NaiveDate,
    /// The body, if the work belongs to one.
    pub body_id: Option<uuid::Uuid>,
    /// The workstream, when there is no body (empty otherwise).
    pub workstream: String,
    /// Title.
    pub title: String,
    /// What happened.
    pub what_happened: String,
    /// The safeguarding impact.
    pub impact: String,
    /// Normalised tags, sorted, without repeats.
    pub tags: Vec<String>,
}

/// Parses a required date: a real `YYYY-MM-DD` date from 2000 to 2200.
pub fn parse_date(errors: &mut ValidationErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    let v = raw.trim();
    if v.is_empty() {
        errors.add(field, "Enter the date, like 2022-04-15");
        return None;
    }
    match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) if (2000..=2200).contains(&d.year()) => Some(d),
        Ok(_) => {
            errors.add(field, "Date must be between 2000 and 2200");
            None
        }
        Err(_) => {
            errors.add(field, "Date must be a real date, like 2022-04-15");
            None
        }
    }
}

/// Normalises a comma-separated tag list: each tag trimmed, lower-case, inner spaces as hyphens;
/// letters, digits and hyphens only; sorted, without repeats.
pub fn parse_tags(errors: &mut ValidationErrors, field: &str, raw: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for part in raw.split(',') {
        let t = part
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-")
            .to_lowercase();
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > TAG_MAX {
            errors.add(
                field,
                format!("Each tag must be {TAG_MAX} characters or fewer"),
            );
            return Vec::new();
        }
        if !t.chars().all(|c| c.is_alphanumeric() || c == '-') {
            errors.add(
                field,
                "Tags may contain only letters, numbers, spaces and hyphens, separated by commas",
            );
            return Vec::new();
        }
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    if tags.len() > TAGS_MAX {
        errors.add(field, format!("Give at most {TAGS_MAX} tags"));
        return Vec::new();
    }
    tags.sort();
    tags
}

/// Normalises one tag for a filter; `None` when it is not a valid tag.
pub fn normalise_tag(raw: &str) -> Option<String> {
    let mut errors = ValidationErrors::new();
    let tags = parse_tags(&mut errors, "tag", raw);
    match tags.as_slice() {
        [one] if errors.is_empty() => Some(one.clone()),
        _ => None,
    }
}

impl EntryFields {
    /// Validates raw input; every problem is reported against its field.
    pub fn parse(input: &EntryInput) -> Result<EntryFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let entry_date = parse_date(&mut errors, "entry_date", &input.entry_date);
        let body_id = match input.body_id.trim() {
            "" => None,
            s => match uuid::Uuid::parse_str(s) {
                Ok(u) => Some(u),
                Err(_) => {
                    errors.add("body_id", "Select a board or sub-group from the list");
                    None
                }
            },
        };
        let workstream = optional_text(
            &mut errors,
            "workstream",
            &input.workstream,
            "Workstream",
            TITLE_MAX,
        );
        if body_id.is_none() && workstream.is_empty() && errors.get("body_id").is_none() {
            errors.add(
                "body_id",
                "Select the board or sub-group, or enter the workstream",
            );
        } else if body_id.is_some() && !workstream.is_empty() {
            errors.add(
                "workstream",
                "Leave the workstream empty when you select a board or sub-group",
            );
        }
        let title = required_text(&mut errors, "title", &input.title, "a title", TITLE_MAX);
        let what_happened = required_text(
            &mut errors,
            "what_happened",
            &input.what_happened,
            "what happened",
            TEXT_MAX,
        );
        let impact = required_text(
            &mut errors,
            "impact",
            &input.impact,
            "the safeguarding impact",
            TEXT_MAX,
        );
        let tags = parse_tags(&mut errors, "tags", &input.tags);
        match entry_date {
            Some(d) if errors.is_empty() => Ok(EntryFields {
                entry_date: d,
                body_id,
                workstream,
                title,
                what_happened,
                impact,
                tags,
            }),
            _ => Err(errors),
        }
    }
}

/// Parses the version an edit was made against.
pub fn parse_version(errors: &mut ValidationErrors, raw: &str) -> Option<i64> {
    let v = raw.trim().parse::<i64>().ok().filter(|v| *v >= 1);
    if v.is_none() {
        errors.add("version", "The form is out of date: reload the page");
    }
    v
}

/// What an evidence link points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkType {
    /// A stored file (a paper, minutes, a report) of the same partnership.
    File,
    /// An action of the same partnership.
    Action,
    /// A meeting of the same partnership (reserved for the meetings module).
    Meeting,
    /// An external https address.
    Url,
}

impl LinkType {
    /// Every type.
    pub const ALL: [LinkType; 4] = [
        LinkType::File,
        LinkType::Action,
        LinkType::Meeting,
        LinkType::Url,
    ];
    /// The stable identifier.
    pub fn slug(self) -> &'static str {
        match self {
            LinkType::File => "file",
            LinkType::Action => "action",
            LinkType::Meeting => "meeting",
            LinkType::Url => "url",
        }
    }
    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            LinkType::File => "Document",
            LinkType::Action => "Action",
            LinkType::Meeting => "Meeting",
            LinkType::Url => "Web page",
        }
    }
    /// Parses a slug.
    pub fn parse(s: &str) -> Option<LinkType> {
        LinkType::ALL.into_iter().find(|t| t.slug() == s)
    }
}

/// Raw input for an evidence link.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LinkInput {
    /// file, action, meeting or url.
    #[serde(default)]
    pub target_type: String,
    /// The record's id (file, action, meeting).
    #[serde(default)]
    pub target_id: String,
    /// The address (url).
    #[serde(default)]
    pub url: String,
    /// What to show (optional; the record's name by default).
    #[serde(default)]
    pub label: String,
}

/// A validated link target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A record of the partnership, by type and id (the service checks it exists there).
    Record(LinkType, uuid::Uuid),
    /// An external https address.
    Url(String),
}

/// A validated evidence link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    /// What it points at.
    pub target: LinkTarget,
    /// The label as given (may be empty).
    pub label: String,
}

/// Checks an external address: https only, a host, no spaces or control characters.
pub fn check_url(raw: &str) -> Result<String, &'static str> {
    let v = raw.trim();
    if v.is_empty() {
        return Err("Enter the web address, starting https://");
    }
    if v.chars().count() > URL_MAX {
        return Err("The web address must be 2000 characters or fewer");
    }
    let Some(rest) = v
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("https://"))
        .and_then(|_| v.get(8..))
    else {
        return Err("The web address must start https://");
    };
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("The web address must not contain spaces");
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') || !host.contains('.') {
        return Err("The web address must name a website, like https://www.gov.uk/");
    }
    Ok(v.to_owned())
}

impl NewLink {
    /// Validates raw input.
    pub fn parse(input: &LinkInput) -> Result<NewLink, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let label = optional_text(&mut errors, "label", &input.label, "Label", TITLE_MAX);
        let target = match LinkType::parse(input.target_type.trim()) {
            None => {
                errors.add("target_type", "Select what the evidence is");
                None
            }
            Some(LinkType::Url) => match check_url(&input.url) {
                Ok(u) => Some(LinkTarget::Url(u)),
                Err(m) => {
                    errors.add("url", m);
                    None
                }
            },
            Some(t) => match uuid::Uuid::parse_str(input.target_id.trim()) {
                Ok(id) => Some(LinkTarget::Record(t, id)),
                Err(_) => {
                    errors.add(
                        "target_id",
                        format!("Select the {} to link", t.label().to_lowercase()),
                    );
                    None
                }
            },
        };
        match target {
            Some(target) if errors.is_empty() => Ok(NewLink { target, label }),
            _ => Err(errors),
        }
    }
}

/// The financial year (April to March) a date falls in, named by the year it starts: 15 March 2023
/// is in 2022 (2022-23).
pub fn financial_year_of(d: NaiveDate) -> i32 {
    if d.month() >= 4 {
        d.year()
    } else {
        d.year() - 1
    }
}

/// "2022-23".
pub fn financial_year_label(year: i32) -> String {
    format!("{year}-{:02}", (year + 1).rem_euclid(100))
}

/// The first day of the financial year and the first day of the next one.
pub fn financial_year_range(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 4, 1)?,
        NaiveDate::from_ymd_opt(year + 1, 4, 1)?,
    ))
}

/// The twelve months of the financial year in order, as (year, month): April first, March last.
pub fn financial_year_months(year: i32) -> [(i32, u32); 12] {
    let mut out = [(year, 4); 12];
    for (i, m) in out.iter_mut().enumerate() {
        let n = 4 + i as u32;
        *m = if n <= 12 {
            (year, n)
        } else {
            (year + 1, n - 12)
        };
    }
    out
}

/// True for years the log accepts in a query (the same range as entry dates).
pub fn valid_year(year: i32) -> bool {
    (2000..=2199).contains(&year)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn input() -> EntryInput {
        EntryInput {
            entry_date: "2022-04-15".into(),
            body_id: String::new(),
            workstream: "Learning and development".into(),
            title: "Non-Accidental Injury learning event".into(),
            what_happened: "A multi-agency learning event.".into(),
            impact: "Practitioners know the pathway.".into(),
            tags: " Training, learning  events,training ".into(),
            version: String::new(),
        }
    }

    #[test]
    fn entry_parses_and_normalises_tags() {
        let e = EntryFields::parse(&input()).unwrap();
        assert_eq!(e.tags, vec!["learning-events", "training"]);
        assert_eq!(e.entry_date, NaiveDate::from_ymd_opt(2022, 4, 15).unwrap());
    }

    #[test]
    fn entry_reports_each_field() {
        let mut bad = input();
        bad.entry_date = "2022-02-30".into();
        bad.workstream = String::new();
        bad.title = " ".into();
        bad.what_happened = String::new();
        bad.impact = "x".repeat(10_001);
        bad.tags = "good, b@d".into();
        let e = EntryFields::parse(&bad).unwrap_err();
        assert!(e.get("entry_date").unwrap().contains("real date"));
        assert!(e.get("body_id").unwrap().contains("workstream"));
        assert_eq!(e.get("title"), Some("Enter a title"));
        assert_eq!(e.get("what_happened"), Some("Enter what happened"));
        assert!(e.get("impact").unwrap().contains("10000"));
        assert!(e.get("tags").unwrap().contains("letters"));
        let mut both = input();
        both.body_id = uuid::Uuid::new_v4().to_string();
        assert!(
            EntryFields::parse(&both)
                .unwrap_err()
                .get("workstream")
                .is_some()
        );
    }

    #[test]
    fn links_parse() {
        let id = uuid::Uuid::new_v4();
        let l = NewLink::parse(&LinkInput {
            target_type: "file".into(),
            target_id: id.to_string(),
            ..LinkInput::default()
        })
        .unwrap();
        assert_eq!(l.target, LinkTarget::Record(LinkType::File, id));
        for (url, ok) in [
            ("https://www.gov.uk/guidance", true),
            ("http://www.gov.uk/", false),
            ("javascript:alert(1)", false),
            ("https://", false),
            ("https://exa mple.org/", false),
            ("HTTPS://www.example.org/x", true),
        ] {
            assert_eq!(check_url(url).is_ok(), ok, "{url}");
        }
        let e = NewLink::parse(&LinkInput {
            target_type: "nope".into(),
            ..LinkInput::default()
        })
        .unwrap_err();
        assert!(e.get("target_type").is_some());
    }

    #[test]
    fn financial_years() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(financial_year_of(d("2023-03-31")), 2022);
        assert_eq!(financial_year_of(d("2023-04-01")), 2023);
        assert_eq!(financial_year_label(2022), "2022-23");
        assert_eq!(financial_year_label(1999), "1999-00");
        let m = financial_year_months(2022);
        assert_eq!(m[0], (2022, 4));
        assert_eq!(m[8], (2022, 12));
        assert_eq!(m[11], (2023, 3));
        assert_eq!(
            financial_year_range(2022).unwrap(),
            (d("2022-04-01"), d("2023-04-01"))
        );
    }
}
