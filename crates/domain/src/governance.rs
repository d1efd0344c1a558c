//! Governance: the board, sub-groups and task-and-finish groups of a partnership (bodies), their
//! members, meetings planned from a meeting frequency on working days, attendance by person and
//! organisation, and the attendance-by-agency report for a financial year (April to March).
//!
//! This module holds the rules only: the vocabularies, parsing raw input into validated values with
//! field errors, the planning of meeting dates and the report's arithmetic.

use crate::actions::{optional_id, optional_text};
use crate::calendar::{Calendar, parse_date};
use crate::validation::{ValidationErrors, required_text};
use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Longest name or title, in characters.
pub const NAME_MAX: usize = 200;
/// Longest terms of reference, minutes or decision, in characters.
pub const TEXT_MAX: usize = 20_000;
/// Longest location, in characters.
pub const LOCATION_MAX: usize = 200;
/// Most meetings planned at once.
pub const PLAN_MAX: usize = 60;

macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = ($slug:literal, $label:literal)),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $v),* }
        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$v),*];
            /// The stable identifier stored in the database and used in the API.
            pub fn slug(self) -> &'static str { match self { $($name::$v => $slug),* } }
            /// The name shown to people.
            pub fn label(self) -> &'static str { match self { $($name::$v => $label),* } }
            /// Parses a slug; `None` for anything unknown.
            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.slug() == s.trim())
            }
        }
    };
}

vocabulary!(
    /// What kind of body.
    BodyKind {
        /// The partnership's board (or executive).
        Board = ("board", "Board"),
        /// A standing sub-group.
        SubGroup = ("sub_group", "Sub-group"),
        /// A group set up for one task, ended when it is done.
        TaskAndFinish = ("task_and_finish", "Task-and-finish group"),
    }
);

vocabulary!(
    /// How often a body meets.
    Frequency {
        /// Every week.
        Weekly = ("weekly", "Weekly"),
        /// Every month.
        Monthly = ("monthly", "Monthly"),
        /// Every two months.
        BiMonthly = ("bi_monthly", "Bi-monthly"),
        /// Every three months.
        Quarterly = ("quarterly", "Quarterly"),
        /// Every six months.
        TwiceYearly = ("twice_yearly", "Twice yearly"),
        /// Every year.
        Annually = ("annually", "Annually"),
        /// When needed (no plan).
        AsNeeded = ("as_needed", "As needed"),
    }
);

impl Frequency {
    /// Parses a slug or a label, including the free-text labels stored before this module
    /// ("Monthly", "Quarterly", "Bi-monthly"), case-insensitively.
    pub fn parse_any(s: &str) -> Option<Frequency> {
        let norm = |x: &str| x.trim().to_lowercase().replace(['-', '_', ' '], "");
        let n = norm(s);
        if n.is_empty() {
            return None;
        }
        Frequency::ALL
            .iter()
            .copied()
            .find(|f| norm(f.slug()) == n || norm(f.label()) == n)
            .or(match n.as_str() {
                "bimonthly" | "everytwomonths" => Some(Frequency::BiMonthly),
                "biannually" | "sixmonthly" | "halfyearly" => Some(Frequency::TwiceYearly),
                "yearly" | "annual" => Some(Frequency::Annually),
                "adhoc" | "asrequired" => Some(Frequency::AsNeeded),
                _ => None,
            })
    }

    /// The `k`th nominal date from `first` (before moving to a working day); `None` for "as needed"
    /// or past the end of time.
    pub fn nth(self, first: NaiveDate, k: u32) -> Option<NaiveDate> {
        let months = |m: u32| first.checked_add_months(Months::new(m.checked_mul(k)?));
        match self {
            Frequency::Weekly => first.checked_add_signed(Duration::weeks(i64::from(k))),
            Frequency::Monthly => months(1),
            Frequency::BiMonthly => months(2),
            Frequency::Quarterly => months(3),
            Frequency::TwiceYearly => months(6),
            Frequency::Annually => months(12),
            Frequency::AsNeeded => None,
        }
    }
}

vocabulary!(
    /// A member's role in a body.
    MemberRole {
        /// Chairs the body.
        Chair = ("chair", "Chair"),
        /// Stands in for the chair.
        ViceChair = ("vice_chair", "Vice-chair"),
        /// A member.
        Member = ("member", "Member"),
        /// Advises the body (not a voting member).
        Adviser = ("adviser", "Adviser"),
    }
);

vocabulary!(
    /// Where a meeting is.
    MeetingStatus {
        /// In the diary.
        Planned = ("planned", "Planned"),
        /// It took place.
        Held = ("held", "Held"),
        /// It did not take place.
        Cancelled = ("cancelled", "Cancelled"),
    }
);

vocabulary!(
    /// Whether someone attended.
    AttendanceStatus {
        /// Attended.
        Present = ("present", "Present"),
        /// Sent apologies.
        Apologies = ("apologies", "Apologies"),
        /// Did not attend and sent no apologies.
        Absent = ("absent", "Absent"),
    }
);

vocabulary!(
    /// Where a meeting's minutes are.
    MinutesStatus {
        /// Nothing written yet.
        None = ("none", "Not written"),
        /// Written, not yet approved.
        Draft = ("draft", "Draft"),
        /// Approved by the body.
        Approved = ("approved", "Approved"),
    }
);

/// Parses an optional date (`YYYY-MM-DD`, 2000 to 2100).
pub fn optional_date(
    errors: &mut ValidationErrors,
    field: &str,
    raw: &str,
    label: &str,
) -> Option<NaiveDate> {
    let v = raw.trim();
    if v.is_empty() {
        return None;
    }
    match parse_date(v) {
        Some(d) if (2000..=2100).contains(&d.year()) => Some(d),
        _ => {
            errors.add(
                field,
                format!("{label} must be a real date between 2000 and 2100, like 2022-05-12"),
            );
            None
        }
    }
}

/// Parses a required date.
pub fn required_date(
    errors: &mut ValidationErrors,
    field: &str,
    raw: &str,
    label: &str,
) -> Option<NaiveDate> {
    if raw.trim().is_empty() {
        errors.add(field, format!("Enter the {}", label.to_lowercase()));
        return None;
    }
    optional_date(errors, field, raw, label)
}

/// Raw input for a body (from a form or the API).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BodyInput {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Kind slug.
    #[serde(default)]
    pub kind: String,
    /// Terms of reference.
    #[serde(default)]
    pub terms_of_reference: String,
    /// Chair person id (optional).
    #[serde(default)]
    pub chair_person_id: String,
    /// Parent body id (optional).
    #[serde(default)]
    pub parent_body_id: String,
    /// Meeting frequency slug or label.
    #[serde(default)]
    pub meeting_frequency: String,
    /// Start date (optional).
    #[serde(default)]
    pub start_date: String,
    /// End date (optional).
    #[serde(default)]
    pub end_date: String,
}

/// A validated body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyFields {
    /// Name (1–200 characters).
    pub name: String,
    /// Kind.
    pub kind: BodyKind,
    /// Terms of reference (may be empty).
    pub terms_of_reference: String,
    /// Chair.
    pub chair_person_id: Option<Uuid>,
    /// The body it reports to.
    pub parent_body_id: Option<Uuid>,
    /// How often it meets.
    pub frequency: Option<Frequency>,
    /// Start date.
    pub start_date: Option<NaiveDate>,
    /// End date (on or after the start).
    pub end_date: Option<NaiveDate>,
}

impl BodyFields {
    /// Validates raw input; every problem is reported against its field.
    pub fn parse(input: &BodyInput) -> Result<BodyFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = required_text(&mut errors, "name", &input.name, "a name", NAME_MAX);
        let kind = BodyKind::parse(&input.kind);
        if kind.is_none() {
            errors.add("kind", "Select the kind of body");
        }
        let terms_of_reference = optional_text(
            &mut errors,
            "terms_of_reference",
            &input.terms_of_reference,
            "Terms of reference",
            TEXT_MAX,
        );
        let chair_person_id = optional_id(
            &mut errors,
            "chair_person_id",
            &input.chair_person_id,
            "Select the chair from the list",
        );
        let parent_body_id = optional_id(
            &mut errors,
            "parent_body_id",
            &input.parent_body_id,
            "Select the body it reports to from the list",
        );
        let frequency = if input.meeting_frequency.trim().is_empty() {
            None
        } else {
            let f = Frequency::parse_any(&input.meeting_frequency);
            if f.is_none() {
                errors.add("meeting_frequency", "Select how often it meets");
            }
            f
        };
        let start_date = optional_date(&mut errors, "start_date", &input.start_date, "Start date");
        let end_date = optional_date(&mut errors, "end_date", &input.end_date, "End date");
        if let (Some(s), Some(e)) = (start_date, end_date)
            && e < s
        {
            errors.add("end_date", "End date must be on or after the start date");
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(BodyFields {
                name,
                kind,
                terms_of_reference,
                chair_person_id,
                parent_body_id,
                frequency,
                start_date,
                end_date,
            }),
            _ => Err(errors),
        }
    }
}

/// True when making `parent` the parent of `body` would close a loop: `parent_of` gives each body's
/// current parent, and the chain is walked from `parent` up (at most as many steps as there are bodies).
pub fn would_cycle(body: Uuid, parent: Uuid, parent_of: &BTreeMap<Uuid, Option<Uuid>>) -> bool {
    let mut at = Some(parent);
    for _ in 0..=parent_of.len() {
        match at {
            None => return false,
            Some(b) if b == body => return true,
            Some(b) => at = parent_of.get(&b).copied().flatten(),
        }
    }
    true
}

/// Raw input to add a member.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MemberInput {
    /// Person id.
    #[serde(default)]
    pub person_id: String,
    /// Organisation represented (optional: the person's own).
    #[serde(default)]
    pub organisation_id: String,
    /// Role slug.
    #[serde(default)]
    pub role: String,
    /// Joined (optional: today).
    #[serde(default)]
    pub joined_on: String,
}

/// A validated member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMember {
    /// Person.
    pub person_id: Uuid,
    /// Organisation represented, if given.
    pub organisation_id: Option<Uuid>,
    /// Role.
    pub role: MemberRole,
    /// Joined, if given.
    pub joined_on: Option<NaiveDate>,
}

impl NewMember {
    /// Validates raw input.
    pub fn parse(input: &MemberInput) -> Result<NewMember, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let person = optional_id(
            &mut errors,
            "person_id",
            &input.person_id,
            "Select a person from the list",
        );
        if person.is_none() {
            errors.add("person_id", "Select a person from the list");
        }
        let organisation_id = optional_id(
            &mut errors,
            "organisation_id",
            &input.organisation_id,
            "Select an organisation from the list",
        );
        let role = MemberRole::parse(&input.role);
        if role.is_none() {
            errors.add("role", "Select the role in the body");
        }
        let joined_on = optional_date(&mut errors, "joined_on", &input.joined_on, "Date joined");
        match (person, role) {
            (Some(person_id), Some(role)) if errors.is_empty() => Ok(NewMember {
                person_id,
                organisation_id,
                role,
                joined_on,
            }),
            _ => Err(errors),
        }
    }
}

/// Raw input for one meeting (added ad hoc).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MeetingInput {
    /// Date.
    #[serde(default)]
    pub meeting_date: String,
    /// Time, HH:MM (optional).
    #[serde(default)]
    pub start_time: String,
    /// Location (optional).
    #[serde(default)]
    pub location: String,
}

/// A validated meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    /// Date.
    pub date: NaiveDate,
    /// Time, HH:MM, or empty.
    pub start_time: String,
    /// Location, or empty.
    pub location: String,
}

/// Parses an optional 24-hour time `HH:MM`.
pub fn parse_time(errors: &mut ValidationErrors, field: &str, raw: &str) -> String {
    let v = raw.trim();
    if v.is_empty() {
        return String::new();
    }
    match chrono::NaiveTime::parse_from_str(v, "%H:%M") {
        Ok(t) if v.len() == 5 => t.format("%H:%M").to_string(),
        _ => {
            errors.add(field, "Time must be a 24-hour time, like 14:30");
            String::new()
        }
    }
}

impl NewMeeting {
    /// Validates raw input.
    pub fn parse(input: &MeetingInput) -> Result<NewMeeting, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let date = required_date(&mut errors, "meeting_date", &input.meeting_date, "Date");
        let start_time = parse_time(&mut errors, "start_time", &input.start_time);
        let location = optional_text(
            &mut errors,
            "location",
            &input.location,
            "Location",
            LOCATION_MAX,
        );
        match date {
            Some(date) if errors.is_empty() => Ok(NewMeeting {
                date,
                start_time,
                location,
            }),
            _ => Err(errors),
        }
    }
}

/// Raw input to plan meetings.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlanInput {
    /// The first meeting's date.
    #[serde(default)]
    pub first_date: String,
    /// Plan up to this date (included).
    #[serde(default)]
    pub until: String,
    /// Time (optional).
    #[serde(default)]
    pub start_time: String,
    /// Location (optional).
    #[serde(default)]
    pub location: String,
}

/// A validated plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// First date.
    pub first: NaiveDate,
    /// Last date.
    pub until: NaiveDate,
    /// Time.
    pub start_time: String,
    /// Location.
    pub location: String,
}

impl Plan {
    /// Validates raw input: both dates, the end not before the start and within two years.
    pub fn parse(input: &PlanInput) -> Result<Plan, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let first = required_date(&mut errors, "first_date", &input.first_date, "First date");
        let until = required_date(&mut errors, "until", &input.until, "Plan until date");
        let start_time = parse_time(&mut errors, "start_time", &input.start_time);
        let location = optional_text(
            &mut errors,
            "location",
            &input.location,
            "Location",
            LOCATION_MAX,
        );
        if let (Some(f), Some(u)) = (first, until) {
            if u < f {
                errors.add(
                    "until",
                    "Plan until date must be on or after the first date",
                );
            } else if (u - f).num_days() > 731 {
                errors.add("until", "Plan at most two years of meetings at once");
            }
        }
        match (first, until) {
            (Some(first), Some(until)) if errors.is_empty() => Ok(Plan {
                first,
                until,
                start_time,
                location,
            }),
            _ => Err(errors),
        }
    }
}

/// The meeting dates of a plan: the nominal dates from `first` at the frequency up to `until`, each
/// moved to the next working day of the calendar when it is not one (dates that then pass `until`
/// are dropped, as are repeats), at most [`PLAN_MAX`]. Empty for "as needed".
pub fn plan_dates(
    calendar: &Calendar,
    frequency: Frequency,
    first: NaiveDate,
    until: NaiveDate,
) -> Vec<NaiveDate> {
    let mut out: Vec<NaiveDate> = Vec::new();
    for k in 0u32.. {
        let Some(nominal) = frequency.nth(first, k) else {
            break;
        };
        if nominal > until || out.len() >= PLAN_MAX {
            break;
        }
        let Ok(day) = calendar.add_working_days(nominal, 0) else {
            break;
        };
        if day <= until && out.last().is_none_or(|l| *l < day) {
            out.push(day);
        }
    }
    out
}

/// Raw input for an agenda item.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AgendaItemInput {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Owner person (optional).
    #[serde(default)]
    pub owner_person_id: String,
    /// Owner organisation (optional).
    #[serde(default)]
    pub owner_organisation_id: String,
}

/// A validated agenda item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAgendaItem {
    /// Title.
    pub title: String,
    /// Owner person.
    pub owner_person_id: Option<Uuid>,
    /// Owner organisation.
    pub owner_organisation_id: Option<Uuid>,
}

impl NewAgendaItem {
    /// Validates raw input.
    pub fn parse(input: &AgendaItemInput) -> Result<NewAgendaItem, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = required_text(&mut errors, "title", &input.title, "a title", NAME_MAX);
        let owner_person_id = optional_id(
            &mut errors,
            "owner_person_id",
            &input.owner_person_id,
            "Select a person from the list",
        );
        let owner_organisation_id = optional_id(
            &mut errors,
            "owner_organisation_id",
            &input.owner_organisation_id,
            "Select an organisation from the list",
        );
        errors.into_result(NewAgendaItem {
            title,
            owner_person_id,
            owner_organisation_id,
        })
    }
}

/// Longest reason for withdrawing an agenda item, in characters.
pub const REASON_MAX: usize = 500;

/// Raw input to withdraw an agenda item added by mistake.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WithdrawInput {
    /// Why it is withdrawn (required: the item stays on record, marked withdrawn).
    #[serde(default)]
    pub reason: String,
}

/// Validates the reason for withdrawing an agenda item.
pub fn parse_withdraw(input: &WithdrawInput) -> Result<String, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let reason = required_text(
        &mut errors,
        "reason",
        &input.reason,
        "why the item is withdrawn",
        REASON_MAX,
    );
    errors.into_result(reason)
}

/// Raw input to record one person's attendance.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AttendanceInput {
    /// Person.
    #[serde(default)]
    pub person_id: String,
    /// Status slug.
    #[serde(default)]
    pub status: String,
    /// Organisation represented (optional: their membership's, else their own).
    #[serde(default)]
    pub organisation_id: String,
    /// The member they deputise for (optional).
    #[serde(default)]
    pub deputy_for_person_id: String,
}

/// A validated attendance record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttendance {
    /// Person.
    pub person_id: Uuid,
    /// Status.
    pub status: AttendanceStatus,
    /// Organisation, if given.
    pub organisation_id: Option<Uuid>,
    /// Deputising for.
    pub deputy_for_person_id: Option<Uuid>,
}

impl NewAttendance {
    /// Validates raw input.
    pub fn parse(input: &AttendanceInput) -> Result<NewAttendance, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let person = optional_id(
            &mut errors,
            "person_id",
            &input.person_id,
            "Select a person from the list",
        );
        if person.is_none() {
            errors.add("person_id", "Select a person from the list");
        }
        let status = AttendanceStatus::parse(&input.status);
        if status.is_none() {
            errors.add("status", "Select present, apologies or absent");
        }
        let organisation_id = optional_id(
            &mut errors,
            "organisation_id",
            &input.organisation_id,
            "Select an organisation from the list",
        );
        let deputy_for_person_id = optional_id(
            &mut errors,
            "deputy_for_person_id",
            &input.deputy_for_person_id,
            "Select the member they deputised for from the list",
        );
        if deputy_for_person_id.is_some() && deputy_for_person_id == person {
            errors.add(
                "deputy_for_person_id",
                "A person cannot deputise for themselves",
            );
        }
        match (person, status) {
            (Some(person_id), Some(status)) if errors.is_empty() => Ok(NewAttendance {
                person_id,
                status,
                organisation_id,
                deputy_for_person_id,
            }),
            _ => Err(errors),
        }
    }
}

/// Raw input for minutes.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MinutesInput {
    /// Text.
    #[serde(default)]
    pub minutes: String,
    /// draft or approved.
    #[serde(default)]
    pub minutes_status: String,
}

/// Validates minutes: text (required) and draft or approved.
pub fn parse_minutes(input: &MinutesInput) -> Result<(String, MinutesStatus), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let text = required_text(
        &mut errors,
        "minutes",
        &input.minutes,
        "the minutes",
        TEXT_MAX,
    );
    let status = match MinutesStatus::parse(&input.minutes_status) {
        Some(s @ (MinutesStatus::Draft | MinutesStatus::Approved)) => Some(s),
        _ => {
            errors.add("minutes_status", "Select draft or approved");
            None
        }
    };
    match status {
        Some(s) if errors.is_empty() => Ok((text, s)),
        _ => Err(errors),
    }
}

/// Raw input for a decision, with an optional action.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DecisionInput {
    /// What was decided.
    #[serde(default)]
    pub decision: String,
    /// The agenda item (optional).
    #[serde(default)]
    pub agenda_item_id: String,
    /// The action's title (empty: no action).
    #[serde(default)]
    pub action_title: String,
    /// The action's owner organisation.
    #[serde(default)]
    pub action_owner_organisation_id: String,
    /// The action's owner person (optional).
    #[serde(default)]
    pub action_owner_person_id: String,
    /// The action's due date (optional).
    #[serde(default)]
    pub action_due_date: String,
}

impl DecisionInput {
    /// True when the form asks for an action (any action field filled in).
    pub fn wants_action(&self) -> bool {
        [
            &self.action_title,
            &self.action_owner_organisation_id,
            &self.action_owner_person_id,
            &self.action_due_date,
        ]
        .iter()
        .any(|s| !s.trim().is_empty())
    }

    /// The action part as the action model's input.
    pub fn action_input(&self) -> crate::actions::NewActionInput {
        crate::actions::NewActionInput {
            title: self.action_title.clone(),
            description: self.decision.clone(),
            owner_organisation_id: self.action_owner_organisation_id.clone(),
            owner_person_id: self.action_owner_person_id.clone(),
            due_date: self.action_due_date.clone(),
            source_label: String::new(),
        }
    }
}

/// A validated decision (the action part is validated by the action model).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    /// Text.
    pub text: String,
    /// Agenda item.
    pub agenda_item_id: Option<Uuid>,
    /// The action to create, if any.
    pub action: Option<crate::actions::NewAction>,
}

impl NewDecision {
    /// Validates the decision and, when asked for, the action; the action's field errors are
    /// reported against the form's `action_…` fields.
    pub fn parse(input: &DecisionInput) -> Result<NewDecision, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let text = required_text(
            &mut errors,
            "decision",
            &input.decision,
            "the decision",
            TEXT_MAX,
        );
        let agenda_item_id = optional_id(
            &mut errors,
            "agenda_item_id",
            &input.agenda_item_id,
            "Select an agenda item from the list",
        );
        let action = if input.wants_action() {
            let mut ai = input.action_input();
            // The description is the decision; keep it within the action model's limit.
            ai.description = ai
                .description
                .chars()
                .take(crate::actions::TEXT_MAX)
                .collect();
            match crate::actions::NewAction::parse(&ai) {
                Ok(a) => Some(a),
                Err(e) => {
                    for fe in e.0 {
                        if fe.field != "description" {
                            errors.add(&format!("action_{}", fe.field), fe.message);
                        }
                    }
                    None
                }
            }
        } else {
            None
        };
        errors.into_result(NewDecision {
            text,
            agenda_item_id,
            action,
        })
    }
}

/// The financial year (April to March) starting in April of `year`: its first and last days.
pub fn financial_year(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 4, 1)?,
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 3, 31)?,
    ))
}

/// The financial year a date falls in (the year of its April).
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

/// A membership, for the report: who, for which organisation, from when to when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// Person.
    pub person_id: Uuid,
    /// Organisation represented.
    pub organisation_id: Uuid,
    /// Joined.
    pub joined_on: NaiveDate,
    /// Left, if they have.
    pub left_on: Option<NaiveDate>,
}

impl Membership {
    /// True when the person was a member on `d` (joined on or before, not left before).
    pub fn active_on(&self, d: NaiveDate) -> bool {
        self.joined_on <= d && self.left_on.is_none_or(|l| l >= d)
    }
}

/// An attendance record, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attended {
    /// Meeting.
    pub meeting_id: Uuid,
    /// Organisation represented.
    pub organisation_id: Uuid,
    /// Status.
    pub status: AttendanceStatus,
}

/// One organisation's line of the attendance report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyAttendance {
    /// Organisation.
    pub organisation_id: Uuid,
    /// Meetings it was expected at (a member represented it on the day) or attended.
    pub expected: u32,
    /// Meetings at which someone attended for it.
    pub present: u32,
    /// Meetings it sent apologies to (and nobody attended for it).
    pub apologies: u32,
    /// Meetings it was expected at with nobody attending and no apologies.
    pub absent: u32,
}

impl AgencyAttendance {
    /// Present as a whole percentage of expected (rounded half up); `None` when it was expected at none.
    pub fn rate_percent(&self) -> Option<u32> {
        (self.expected > 0).then(|| (self.present * 200 + self.expected) / (self.expected * 2))
    }
}

/// The attendance-by-agency report of held meetings `(id, date)`: for each organisation, the
/// meetings it was expected at (one of its members active on the day, or someone attended for it),
/// and per meeting one outcome: present when anyone attended for it, else apologies when anyone sent
/// them, else absent. Ordered by organisation id (callers sort by name).
pub fn attendance_by_agency(
    meetings: &[(Uuid, NaiveDate)],
    members: &[Membership],
    attendance: &[Attended],
) -> Vec<AgencyAttendance> {
    let mut out: BTreeMap<Uuid, AgencyAttendance> = BTreeMap::new();
    for (meeting, date) in meetings {
        let mut orgs: BTreeSet<Uuid> = members
            .iter()
            .filter(|m| m.active_on(*date))
            .map(|m| m.organisation_id)
            .collect();
        let here: Vec<&Attended> = attendance
            .iter()
            .filter(|a| a.meeting_id == *meeting)
            .collect();
        orgs.extend(
            here.iter()
                .filter(|a| a.status == AttendanceStatus::Present)
                .map(|a| a.organisation_id),
        );
        for org in orgs {
            let line = out.entry(org).or_insert(AgencyAttendance {
                organisation_id: org,
                expected: 0,
                present: 0,
                apologies: 0,
                absent: 0,
            });
            line.expected += 1;
            let has = |s: AttendanceStatus| {
                here.iter()
                    .any(|a| a.organisation_id == org && a.status == s)
            };
            if has(AttendanceStatus::Present) {
                line.present += 1;
            } else if has(AttendanceStatus::Apologies) {
                line.apologies += 1;
            } else {
                line.absent += 1;
            }
        }
    }
    out.into_values().collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn frequency_parses_slugs_labels_and_legacy_text() {
        for f in Frequency::ALL {
            assert_eq!(Frequency::parse_any(f.slug()), Some(*f));
            assert_eq!(Frequency::parse_any(f.label()), Some(*f));
        }
        assert_eq!(Frequency::parse_any("Monthly"), Some(Frequency::Monthly));
        assert_eq!(
            Frequency::parse_any("Quarterly"),
            Some(Frequency::Quarterly)
        );
        assert_eq!(
            Frequency::parse_any("Bi-monthly"),
            Some(Frequency::BiMonthly)
        );
        assert_eq!(
            Frequency::parse_any(" bi monthly "),
            Some(Frequency::BiMonthly)
        );
        assert_eq!(Frequency::parse_any("fortnightly"), None);
        assert_eq!(Frequency::parse_any(""), None);
    }

    #[test]
    fn plans_land_on_working_days() {
        let cal = Calendar::england_and_wales();
        // Monthly from Monday 2 May 2022 (early May bank holiday) moves to Tuesday 3 May;
        // 2 June 2022 (Thursday, Platinum Jubilee bank holiday) moves to Monday 6 June (3 June is
        // also a bank holiday, then a weekend).
        let dates = plan_dates(&cal, Frequency::Monthly, d("2022-05-02"), d("2022-08-31"));
        assert_eq!(
            dates,
            vec![
                d("2022-05-03"),
                d("2022-06-06"),
                d("2022-07-04"),
                d("2022-08-02")
            ]
        );
        for x in &dates {
            assert!(cal.is_working_day(*x).unwrap());
        }
        let q = plan_dates(&cal, Frequency::Quarterly, d("2022-04-14"), d("2023-03-31"));
        assert_eq!(q.len(), 4);
        assert!(plan_dates(&cal, Frequency::AsNeeded, d("2022-04-01"), d("2023-03-31")).is_empty());
        let w = plan_dates(&cal, Frequency::Weekly, d("2022-01-03"), d("2023-12-31"));
        assert_eq!(w.len(), PLAN_MAX);
    }

    #[test]
    fn cycles_are_found() {
        let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let mut parents = BTreeMap::new();
        parents.insert(a, None);
        parents.insert(b, Some(a));
        parents.insert(c, Some(b));
        assert!(would_cycle(a, c, &parents));
        assert!(would_cycle(a, a, &parents));
        assert!(!would_cycle(c, a, &parents));
    }

    #[test]
    fn body_input_is_validated() {
        let ok = BodyFields::parse(&BodyInput {
            name: "Neglect sub-group".into(),
            kind: "sub_group".into(),
            meeting_frequency: "Bi-monthly".into(),
            start_date: "2022-04-01".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(ok.frequency, Some(Frequency::BiMonthly));
        let e = BodyFields::parse(&BodyInput {
            name: String::new(),
            kind: "committee".into(),
            meeting_frequency: "sometimes".into(),
            start_date: "2022-04-01".into(),
            end_date: "2022-03-01".into(),
            chair_person_id: "x".into(),
            ..Default::default()
        })
        .unwrap_err();
        for f in [
            "name",
            "kind",
            "meeting_frequency",
            "end_date",
            "chair_person_id",
        ] {
            assert!(e.get(f).is_some(), "{f}");
        }
    }

    #[test]
    fn decision_action_errors_name_the_action_fields() {
        let e = NewDecision::parse(&DecisionInput {
            decision: "Agreed".into(),
            action_title: "Do it".into(),
            action_due_date: "2023-02-30".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert!(e.get("action_owner_organisation_id").is_some());
        assert!(e.get("action_due_date").is_some());
        let ok = NewDecision::parse(&DecisionInput {
            decision: "Noted".into(),
            ..Default::default()
        })
        .unwrap();
        assert!(ok.action.is_none());
    }

    #[test]
    fn report_counts_each_meeting_once_per_organisation() {
        let (m1, m2, m3) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let (police, health, school) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let (p1, p2, h1) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let meetings = [
            (m1, d("2022-05-03")),
            (m2, d("2022-06-07")),
            (m3, d("2022-07-04")),
        ];
        let members = [
            Membership {
                person_id: p1,
                organisation_id: police,
                joined_on: d("2022-04-01"),
                left_on: None,
            },
            Membership {
                person_id: p2,
                organisation_id: police,
                joined_on: d("2022-04-01"),
                left_on: None,
            },
            Membership {
                person_id: h1,
                organisation_id: health,
                joined_on: d("2022-04-01"),
                left_on: Some(d("2022-06-30")),
            },
        ];
        let att = [
            Attended {
                meeting_id: m1,
                organisation_id: police,
                status: AttendanceStatus::Present,
            },
            Attended {
                meeting_id: m1,
                organisation_id: police,
                status: AttendanceStatus::Present,
            },
            Attended {
                meeting_id: m1,
                organisation_id: health,
                status: AttendanceStatus::Apologies,
            },
            Attended {
                meeting_id: m2,
                organisation_id: police,
                status: AttendanceStatus::Apologies,
            },
            Attended {
                meeting_id: m3,
                organisation_id: school,
                status: AttendanceStatus::Present,
            },
        ];
        let r = attendance_by_agency(&meetings, &members, &att);
        assert_eq!(r.len(), 3);
        let line = |o| r.iter().find(|l| l.organisation_id == o).unwrap().clone();
        let p = line(police);
        assert_eq!((p.expected, p.present, p.apologies, p.absent), (3, 1, 1, 1));
        assert_eq!(p.rate_percent(), Some(33));
        let h = line(health);
        assert_eq!((h.expected, h.present, h.apologies, h.absent), (2, 0, 1, 1));
        let s = line(school);
        assert_eq!((s.expected, s.present), (1, 1));
        assert_eq!(s.rate_percent(), Some(100));
    }

    #[test]
    fn financial_years() {
        assert_eq!(financial_year_of(d("2023-03-31")), 2022);
        assert_eq!(financial_year_of(d("2023-04-01")), 2023);
        assert_eq!(financial_year_label(2022), "2022-23");
        assert_eq!(financial_year_label(1999), "1999-00");
        assert_eq!(
            financial_year(2022),
            Some((d("2022-04-01"), d("2023-03-31")))
        );
    }
}
