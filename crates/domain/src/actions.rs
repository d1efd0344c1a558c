//! Actions: the platform's one action model. Meetings, decisions, case reviews, recommendations and
//! audits create actions through this model (never a copy of it). This module holds the rules:
//! statuses, parsing raw input into validated values with field errors, the overdue rule, and the
//! calendar date in England of an instant (for "overdue" and the weekly digest).

use crate::validation::{ValidationErrors, required_text};
use crate::{OrganisationId, PersonId};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// Longest title, in characters.
pub const TITLE_MAX: usize = 200;
/// Longest description or update, in characters.
pub const TEXT_MAX: usize = 10_000;

/// Where an action is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// Not started.
    Open,
    /// Being worked on.
    InProgress,
    /// Finished.
    Done,
    /// No longer needed.
    Cancelled,
}

impl ActionStatus {
    /// Every status, in display order.
    pub const ALL: [ActionStatus; 4] = [
        ActionStatus::Open,
        ActionStatus::InProgress,
        ActionStatus::Done,
        ActionStatus::Cancelled,
    ];
    /// The stable identifier stored in the database and used in the API.
    pub fn slug(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Done => "done",
            ActionStatus::Cancelled => "cancelled",
        }
    }
    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::Open => "Open",
            ActionStatus::InProgress => "In progress",
            ActionStatus::Done => "Done",
            ActionStatus::Cancelled => "Cancelled",
        }
    }
    /// Parses a slug; `None` for anything unknown.
    pub fn parse(s: &str) -> Option<ActionStatus> {
        ActionStatus::ALL.into_iter().find(|a| a.slug() == s)
    }
    /// True while the action still needs doing (open or in progress).
    pub fn is_live(self) -> bool {
        matches!(self, ActionStatus::Open | ActionStatus::InProgress)
    }
}

/// What created an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceType {
    /// A meeting.
    Meeting,
    /// A decision.
    Decision,
    /// A case review.
    CaseReview,
    /// A recommendation.
    Recommendation,
    /// An audit.
    Audit,
    /// Anything else (such as an action added by hand).
    Other,
}

impl SourceType {
    /// Every source type.
    pub const ALL: [SourceType; 6] = [
        SourceType::Meeting,
        SourceType::Decision,
        SourceType::CaseReview,
        SourceType::Recommendation,
        SourceType::Audit,
        SourceType::Other,
    ];
    /// The stable identifier.
    pub fn slug(self) -> &'static str {
        match self {
            SourceType::Meeting => "meeting",
            SourceType::Decision => "decision",
            SourceType::CaseReview => "case_review",
            SourceType::Recommendation => "recommendation",
            SourceType::Audit => "audit",
            SourceType::Other => "other",
        }
    }
    /// Parses a slug.
    pub fn parse(s: &str) -> Option<SourceType> {
        SourceType::ALL.into_iter().find(|a| a.slug() == s)
    }
}

/// Where an action came from: a type, the id of the thing (when it is a record of Safeguard) and
/// the label to show, such as "Board meeting 12 May 2022". Modules that create actions pass this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The kind of source.
    pub kind: SourceType,
    /// The id of the source record, if any.
    pub id: Option<uuid::Uuid>,
    /// What to show.
    pub label: String,
}

/// Raw input to create an action (from a form or the API).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewActionInput {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Owner organisation id.
    #[serde(default)]
    pub owner_organisation_id: String,
    /// Owner person id (optional).
    #[serde(default)]
    pub owner_person_id: String,
    /// Due date, `YYYY-MM-DD` (optional).
    #[serde(default)]
    pub due_date: String,
    /// Where it came from, such as "Board meeting 12 May 2022" (optional).
    #[serde(default)]
    pub source_label: String,
}

/// A validated new action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction {
    /// Title (1–200 characters).
    pub title: String,
    /// Description (up to 10,000 characters; may be empty).
    pub description: String,
    /// The organisation that owns it.
    pub owner_organisation_id: OrganisationId,
    /// The person who owns it, if any.
    pub owner_person_id: Option<PersonId>,
    /// When it is due.
    pub due_date: Option<NaiveDate>,
    /// Where it came from, as typed (empty when not given).
    pub source_label: String,
}

/// Parses an optional due date: empty is none; otherwise a real `YYYY-MM-DD` date in 2000 or later.
pub fn parse_due_date(errors: &mut ValidationErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    let v = raw.trim();
    if v.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) if d.year() < 2000 => {
            errors.add(field, "Due date must be in 2000 or later");
            None
        }
        Ok(d) if d.year() > 2200 => {
            errors.add(field, "Due date must be a real date, like 2023-03-31");
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(field, "Due date must be a real date, like 2023-03-31");
            None
        }
    }
}

/// Optional free text: trimmed, at most `max` characters, no control characters but line breaks and tabs.
pub fn optional_text(
    errors: &mut ValidationErrors,
    field: &str,
    raw: &str,
    label: &str,
    max: usize,
) -> String {
    let v = raw.trim();
    if v.chars().count() > max {
        errors.add(field, format!("{label} must be {max} characters or fewer"));
    } else if v
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.add(
            field,
            format!("{label} must not contain control characters"),
        );
    }
    v.to_owned()
}

fn optional_id<T: From<uuid::Uuid>>(
    errors: &mut ValidationErrors,
    field: &str,
    raw: &str,
    message: &str,
) -> Option<T> {
    let v = raw.trim();
    if v.is_empty() {
        return None;
    }
    match uuid::Uuid::parse_str(v) {
        Ok(u) => Some(T::from(u)),
        Err(_) => {
            errors.add(field, message);
            None
        }
    }
}

impl NewAction {
    /// Validates raw input; every problem is reported against its field.
    pub fn parse(input: &NewActionInput) -> Result<NewAction, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = required_text(&mut errors, "title", &input.title, "a title", TITLE_MAX);
        let description = optional_text(
            &mut errors,
            "description",
            &input.description,
            "Description",
            TEXT_MAX,
        );
        let org: Option<OrganisationId> = optional_id(
            &mut errors,
            "owner_organisation_id",
            &input.owner_organisation_id,
            "Select the organisation that owns the action",
        );
        if org.is_none() {
            errors.add(
                "owner_organisation_id",
                "Select the organisation that owns the action",
            );
        }
        let owner: Option<PersonId> = optional_id(
            &mut errors,
            "owner_person_id",
            &input.owner_person_id,
            "Select a person from the list",
        );
        let due_date = parse_due_date(&mut errors, "due_date", &input.due_date);
        let source_label = optional_text(
            &mut errors,
            "source_label",
            &input.source_label,
            "Source",
            TITLE_MAX,
        );
        match org {
            Some(o) if errors.is_empty() => Ok(NewAction {
                title,
                description,
                owner_organisation_id: o,
                owner_person_id: owner,
                due_date,
                source_label,
            }),
            _ => Err(errors),
        }
    }
}

/// Raw input for a progress update.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionUpdateInput {
    /// What happened.
    #[serde(default)]
    pub body: String,
    /// A new status slug (optional).
    #[serde(default)]
    pub new_status: String,
    /// The id of the update this one corrects (optional).
    #[serde(default)]
    pub corrects_update_id: String,
}

/// A validated progress update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionUpdate {
    /// What happened (1–10,000 characters).
    pub body: String,
    /// The status the action moves to, if it changes.
    pub new_status: Option<ActionStatus>,
    /// The update this one corrects, if it is a correction.
    pub corrects_update_id: Option<uuid::Uuid>,
}

impl ActionUpdate {
    /// Validates raw input.
    pub fn parse(input: &ActionUpdateInput) -> Result<ActionUpdate, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let body = required_text(&mut errors, "body", &input.body, "the progress", TEXT_MAX);
        let new_status = match input.new_status.trim() {
            "" => None,
            s => {
                let st = ActionStatus::parse(s);
                if st.is_none() {
                    errors.add("new_status", "Select a status from the list");
                }
                st
            }
        };
        let corrects_update_id: Option<uuid::Uuid> = optional_id(
            &mut errors,
            "corrects_update_id",
            &input.corrects_update_id,
            "Select the update to correct",
        );
        errors.into_result(ActionUpdate {
            body,
            new_status,
            corrects_update_id,
        })
    }
}

/// Raw input to change an action's owner, due date or status (`ManageActions`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionChangeInput {
    /// Owner organisation id.
    #[serde(default)]
    pub owner_organisation_id: String,
    /// Owner person id (empty for none).
    #[serde(default)]
    pub owner_person_id: String,
    /// Due date (empty for none).
    #[serde(default)]
    pub due_date: String,
    /// Status slug.
    #[serde(default)]
    pub status: String,
    /// The version the form was built from.
    #[serde(default)]
    pub version: String,
}

/// A validated change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionChange {
    /// Owner organisation.
    pub owner_organisation_id: OrganisationId,
    /// Owner person.
    pub owner_person_id: Option<PersonId>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Status.
    pub status: ActionStatus,
    /// The version the change was made against.
    pub version: i64,
}

impl ActionChange {
    /// Validates raw input.
    pub fn parse(input: &ActionChangeInput) -> Result<ActionChange, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let org: Option<OrganisationId> = optional_id(
            &mut errors,
            "owner_organisation_id",
            &input.owner_organisation_id,
            "Select the organisation that owns the action",
        );
        if org.is_none() {
            errors.add(
                "owner_organisation_id",
                "Select the organisation that owns the action",
            );
        }
        let owner: Option<PersonId> = optional_id(
            &mut errors,
            "owner_person_id",
            &input.owner_person_id,
            "Select a person from the list",
        );
        let due_date = parse_due_date(&mut errors, "due_date", &input.due_date);
        let status = ActionStatus::parse(input.status.trim());
        if status.is_none() {
            errors.add("status", "Select a status");
        }
        let version = input.version.trim().parse::<i64>().ok();
        if version.is_none() {
            errors.add("version", "The form is out of date: reload the page");
        }
        match (org, status, version) {
            (Some(o), Some(s), Some(v)) if errors.is_empty() => Ok(ActionChange {
                owner_organisation_id: o,
                owner_person_id: owner,
                due_date,
                status: s,
                version: v,
            }),
            _ => Err(errors),
        }
    }
}

fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let mut d = first_next.pred_opt()?;
    while d.weekday() != Weekday::Sun {
        d = d.pred_opt()?;
    }
    Some(d)
}

/// True when British Summer Time is in force at `at`: from 01:00 UTC on the last Sunday of March
/// to 01:00 UTC on the last Sunday of October.
pub fn is_bst(at: DateTime<Utc>) -> bool {
    let y = at.year();
    let start = last_sunday(y, 3).and_then(|d| d.and_hms_opt(1, 0, 0));
    let end = last_sunday(y, 10).and_then(|d| d.and_hms_opt(1, 0, 0));
    match (start, end) {
        (Some(s), Some(e)) => {
            let (s, e) = (Utc.from_utc_datetime(&s), Utc.from_utc_datetime(&e));
            at >= s && at < e
        }
        _ => false,
    }
}

/// The local time in England (GMT or BST) of an instant, as a naive date-time.
pub fn uk_local(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    let offset = if is_bst(at) {
        Duration::hours(1)
    } else {
        Duration::zero()
    };
    (at + offset).naive_utc()
}

/// The calendar date in England of an instant.
pub fn uk_date(at: DateTime<Utc>) -> NaiveDate {
    uk_local(at).date()
}

/// The overdue rule: an action is overdue when it has a due date before today in England and is
/// neither done nor cancelled.
pub fn is_overdue(status: ActionStatus, due: Option<NaiveDate>, now: DateTime<Utc>) -> bool {
    status.is_live() && due.is_some_and(|d| d < uk_date(now))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }
    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn input() -> NewActionInput {
        NewActionInput {
            title: "Review the threshold document".into(),
            description: "".into(),
            owner_organisation_id: uuid::Uuid::new_v4().to_string(),
            owner_person_id: "".into(),
            due_date: "2023-03-31".into(),
            source_label: "Board meeting 12 May 2022".into(),
        }
    }

    #[test]
    fn status_slugs_round_trip() {
        for s in ActionStatus::ALL {
            assert_eq!(ActionStatus::parse(s.slug()), Some(s));
        }
        assert_eq!(ActionStatus::parse("closed"), None);
        assert!(ActionStatus::InProgress.is_live());
        assert!(!ActionStatus::Cancelled.is_live());
        for s in SourceType::ALL {
            assert_eq!(SourceType::parse(s.slug()), Some(s));
        }
    }

    #[test]
    fn new_action_parses_and_reports_each_field() {
        let a = NewAction::parse(&input()).unwrap();
        assert_eq!(a.due_date, Some(d("2023-03-31")));
        assert_eq!(a.owner_person_id, None);

        let mut bad = input();
        bad.title = "x".repeat(201);
        bad.description = "y".repeat(10_001);
        bad.owner_organisation_id = String::new();
        bad.due_date = "2023-02-30".into();
        let e = NewAction::parse(&bad).unwrap_err();
        assert!(e.get("title").unwrap().contains("200"));
        assert!(e.get("description").unwrap().contains("10000"));
        assert!(e.get("owner_organisation_id").is_some());
        assert!(e.get("due_date").unwrap().contains("real date"));

        let mut old = input();
        old.due_date = "1999-12-31".into();
        assert!(
            NewAction::parse(&old)
                .unwrap_err()
                .get("due_date")
                .unwrap()
                .contains("2000")
        );
        let mut blank = input();
        blank.title = "   ".into();
        blank.owner_person_id = "not-a-uuid".into();
        let e = NewAction::parse(&blank).unwrap_err();
        assert_eq!(e.get("title"), Some("Enter a title"));
        assert!(e.get("owner_person_id").is_some());
        let mut exact = input();
        exact.title = "x".repeat(200);
        exact.description = "y".repeat(10_000);
        assert!(NewAction::parse(&exact).is_ok());
    }

    #[test]
    fn update_parses() {
        let u = ActionUpdate::parse(&ActionUpdateInput {
            body: " Done the first draft ".into(),
            new_status: "in_progress".into(),
            corrects_update_id: String::new(),
        })
        .unwrap();
        assert_eq!(u.body, "Done the first draft");
        assert_eq!(u.new_status, Some(ActionStatus::InProgress));
        let e = ActionUpdate::parse(&ActionUpdateInput {
            body: String::new(),
            new_status: "finished".into(),
            corrects_update_id: "x".into(),
        })
        .unwrap_err();
        assert!(e.get("body").is_some());
        assert!(e.get("new_status").is_some());
        assert!(e.get("corrects_update_id").is_some());
    }

    #[test]
    fn bst_boundaries() {
        // 2022: BST from 27 March 01:00 UTC to 30 October 01:00 UTC.
        assert!(!is_bst(t("2022-03-27T00:59:59Z")));
        assert!(is_bst(t("2022-03-27T01:00:00Z")));
        assert!(is_bst(t("2022-10-30T00:59:59Z")));
        assert!(!is_bst(t("2022-10-30T01:00:00Z")));
        assert!(!is_bst(t("2023-01-15T12:00:00Z")));
        // 23:30 UTC in summer is already the next day in England; in winter it is not.
        assert_eq!(uk_date(t("2022-06-30T23:30:00Z")), d("2022-07-01"));
        assert_eq!(uk_date(t("2022-12-31T23:30:00Z")), d("2022-12-31"));
    }

    #[test]
    fn overdue_rule() {
        let now = t("2022-06-30T23:30:00Z"); // 1 July 2022 in England
        assert!(is_overdue(ActionStatus::Open, Some(d("2022-06-30")), now));
        assert!(!is_overdue(ActionStatus::Open, Some(d("2022-07-01")), now));
        assert!(is_overdue(
            ActionStatus::InProgress,
            Some(d("2022-01-01")),
            now
        ));
        assert!(!is_overdue(ActionStatus::Done, Some(d("2022-01-01")), now));
        assert!(!is_overdue(
            ActionStatus::Cancelled,
            Some(d("2022-01-01")),
            now
        ));
        assert!(!is_overdue(ActionStatus::Open, None, now));
    }
}
