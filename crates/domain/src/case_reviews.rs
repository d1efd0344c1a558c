//! Case reviews, first slice: the statutory clocks, serious incident notifications (with their
//! pseudonymised children) and rapid reviews (`../shared/docs/DOMAIN.md` 2.1–2.3, 12.1–12.2).
//!
//! # Clocks
//!
//! A [`Deadline`] is a basis date, a [`DeadlineRule`] and the due date the working-day
//! [`Calendar`] gives for them (never a second calendar). Day 0 is the basis date itself, as in
//! [`Calendar::add_working_days`]: a notification of an incident the local authority became aware of
//! on Thursday 26 May 2022 is due on Monday 6 June 2022 (2 and 3 June 2022 were bank holidays).
//! A deadline may be extended to a later date with a reason, and is met on a date (late or not).
//! Its [`DeadlineState`] at a given day is on time, due soon (within [`DUE_SOON_WORKING_DAYS`]),
//! overdue, met or met late. The rapid review clock is an expectation of the National Panel, not
//! statute (DOMAIN.md rule 13): it warns, it never blocks. The Panel's response has no clock (rule 15).
//!
//! Practice reviews add two clocks (subject type `practice_review`, see
//! [`crate::practice_reviews`]): [`DeadlineRule::CsprComplete`], 6 calendar months from the decision
//! to initiate (expected, it warns), and [`DeadlineRule::PrePublicationNotice`], due the
//! partnership's lead time in working days *before* the planned publication date. A due date that
//! counts back lands on a working day too: day 0 on a non-working day rolls back, not forward.

use crate::ValidationErrors;
use crate::calendar::{Calendar, CalendarResult, in_range, parse_date};
use crate::validation::required_text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A deadline is "due soon" when this many working days or fewer remain (a constant for now; a
/// per-partnership setting later).
pub const DUE_SOON_WORKING_DAYS: i64 = 2;

/// Most children listed on one notification (the gov.uk notification form's limit); others go in a
/// free-text note.
pub const MAX_CHILDREN: usize = 4;

/// The letters children are given, in order, within a notification.
pub const CHILD_LETTERS: [&str; MAX_CHILDREN] = ["A", "B", "C", "D"];

/// Working days before publication at which the final report goes to the National Panel and the
/// Secretary of State (Ofsted informed), when the partnership has not set its own lead time in
/// `case_review_settings` (DOMAIN.md 12.2: configurable, default 7).
pub const DEFAULT_NOTICE_WORKING_DAYS: u32 = 7;

/// Calendar months from the decision to initiate a practice review to its expected publication.
pub const CSPR_MONTHS: u32 = 6;

/// The subject type of a notification's clocks in `deadline`.
pub const SUBJECT_NOTIFICATION: &str = "notification";
/// The subject type of a practice review's clocks in `deadline`.
pub const SUBJECT_PRACTICE_REVIEW: &str = "practice_review";

/// Which clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineRule {
    /// Notify the National Panel: 5 working days from the day the local authority became aware
    /// (statutory).
    NotifyPanel,
    /// Send the rapid review to the National Panel: 15 working days from the day the notification was
    /// sent (the Panel's expectation; non-statutory).
    RapidReview,
    /// Complete and publish a child safeguarding practice review: 6 calendar months from the decision
    /// to initiate it (expected by Working Together, non-statutory). See [`cspr_complete_due`].
    CsprComplete,
    /// Send the final report (or the statement of improvements) to the National Panel and the
    /// Secretary of State: the partnership's lead time in working days *before* the planned
    /// publication date (day 0), counted back with [`Calendar::subtract_working_days`].
    PrePublicationNotice,
}

impl DeadlineRule {
    /// Every rule.
    pub const ALL: [DeadlineRule; 4] = [
        DeadlineRule::NotifyPanel,
        DeadlineRule::RapidReview,
        DeadlineRule::CsprComplete,
        DeadlineRule::PrePublicationNotice,
    ];

    /// Stored form.
    pub fn slug(self) -> &'static str {
        match self {
            DeadlineRule::NotifyPanel => "notify_panel",
            DeadlineRule::RapidReview => "rapid_review",
            DeadlineRule::CsprComplete => "cspr_complete",
            DeadlineRule::PrePublicationNotice => "pre_publication_notice",
        }
    }
    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.slug() == s)
    }
    /// The subject type whose clock this is in `deadline`.
    pub fn subject_type(self) -> &'static str {
        match self {
            DeadlineRule::NotifyPanel | DeadlineRule::RapidReview => SUBJECT_NOTIFICATION,
            DeadlineRule::CsprComplete | DeadlineRule::PrePublicationNotice => {
                SUBJECT_PRACTICE_REVIEW
            }
        }
    }
    /// The rules of one subject type.
    pub fn for_subject(subject_type: &str) -> impl Iterator<Item = DeadlineRule> + '_ {
        Self::ALL
            .into_iter()
            .filter(move |r| r.subject_type() == subject_type)
    }
    /// What the clock is for.
    pub fn label(self) -> &'static str {
        match self {
            DeadlineRule::NotifyPanel => "Notify the National Panel",
            DeadlineRule::RapidReview => "Send the rapid review to the National Panel",
            DeadlineRule::CsprComplete => "Complete and publish the practice review",
            DeadlineRule::PrePublicationNotice => {
                "Send the final report to the National Panel and the Secretary of State"
            }
        }
    }
    /// The rule as people say it.
    pub fn description(self) -> &'static str {
        match self {
            DeadlineRule::NotifyPanel => {
                "5 working days from the date the local authority became aware (statutory)"
            }
            DeadlineRule::RapidReview => {
                "15 working days from the date the National Panel was notified (expected, not statutory)"
            }
            DeadlineRule::CsprComplete => {
                "6 calendar months from the decision to initiate the review, moved to the next working day when that is not one (expected, not statutory)"
            }
            DeadlineRule::PrePublicationNotice => {
                "The partnership's notice period in working days before the planned publication date (Working Together)"
            }
        }
    }
    /// Working days after the basis date (day 0), for the rules counted forward in working days.
    pub fn working_days(self) -> Option<u32> {
        match self {
            DeadlineRule::NotifyPanel => Some(5),
            DeadlineRule::RapidReview => Some(15),
            DeadlineRule::CsprComplete | DeadlineRule::PrePublicationNotice => None,
        }
    }
    /// True for a duty in law; false for an expectation that only warns.
    pub fn statutory(self) -> bool {
        matches!(
            self,
            DeadlineRule::NotifyPanel | DeadlineRule::PrePublicationNotice
        )
    }
    /// The due date from the basis date; `notice_days` is the partnership's pre-publication lead
    /// time (used by [`DeadlineRule::PrePublicationNotice`] only).
    pub fn due(
        self,
        cal: &Calendar,
        basis: NaiveDate,
        notice_days: u32,
    ) -> CalendarResult<NaiveDate> {
        match self {
            DeadlineRule::NotifyPanel | DeadlineRule::RapidReview => {
                cal.add_working_days(basis, self.working_days().unwrap_or(0))
            }
            DeadlineRule::CsprComplete => cspr_complete_due(cal, basis),
            DeadlineRule::PrePublicationNotice => cal.subtract_working_days(basis, notice_days),
        }
    }
}

/// The expected completion date of a practice review commissioned on `commissioned_on`: the same day
/// of the month [`CSPR_MONTHS`] calendar months later (the last day of that month when it has no such
/// day: commissioned on 31 August, due on 28 or 29 February); when that is a weekend or bank holiday,
/// the next working day (as every clock, it never falls on a non-working day).
pub fn cspr_complete_due(cal: &Calendar, commissioned_on: NaiveDate) -> CalendarResult<NaiveDate> {
    let months = commissioned_on
        .checked_add_months(chrono::Months::new(CSPR_MONTHS))
        .ok_or_else(|| crate::calendar::CalendarError::OutOfRange(commissioned_on.to_string()))?;
    cal.add_working_days(months, 0)
}

/// Where a deadline stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    /// Not met, more than [`DUE_SOON_WORKING_DAYS`] working days left.
    OnTime,
    /// Not met, due within [`DUE_SOON_WORKING_DAYS`] working days (or today).
    DueSoon,
    /// Not met and the (possibly extended) due date has passed.
    Overdue,
    /// Met on or before the (possibly extended) due date.
    Met,
    /// Met after the (possibly extended) due date.
    MetLate,
}

impl DeadlineState {
    /// Stored and API form.
    pub fn slug(self) -> &'static str {
        match self {
            DeadlineState::OnTime => "on_time",
            DeadlineState::DueSoon => "due_soon",
            DeadlineState::Overdue => "overdue",
            DeadlineState::Met => "met",
            DeadlineState::MetLate => "met_late",
        }
    }
    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            DeadlineState::OnTime => "On time",
            DeadlineState::DueSoon => "Due soon",
            DeadlineState::Overdue => "Overdue",
            DeadlineState::Met => "Met",
            DeadlineState::MetLate => "Met late",
        }
    }
    /// True while the clock is running.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            DeadlineState::OnTime | DeadlineState::DueSoon | DeadlineState::Overdue
        )
    }
}

/// One clock of a subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// Which clock.
    pub rule: DeadlineRule,
    /// Day 0.
    pub basis: NaiveDate,
    /// The due date the rule gives.
    pub due: NaiveDate,
    /// A later due date agreed, with its reason.
    pub extension: Option<(NaiveDate, String)>,
    /// When it was met.
    pub met_on: Option<NaiveDate>,
}

impl Deadline {
    /// The clock for `rule` started on `basis`, due by the calendar (a pre-publication notice with
    /// the default lead time, [`DEFAULT_NOTICE_WORKING_DAYS`]).
    pub fn start(cal: &Calendar, rule: DeadlineRule, basis: NaiveDate) -> CalendarResult<Self> {
        Self::start_with_notice(cal, rule, basis, DEFAULT_NOTICE_WORKING_DAYS)
    }

    /// The clock for `rule` started on `basis`, with the partnership's pre-publication lead time.
    pub fn start_with_notice(
        cal: &Calendar,
        rule: DeadlineRule,
        basis: NaiveDate,
        notice_days: u32,
    ) -> CalendarResult<Self> {
        Ok(Self {
            rule,
            basis,
            due: rule.due(cal, basis, notice_days)?,
            extension: None,
            met_on: None,
        })
    }

    /// The due date in force: the extended one if any.
    pub fn effective_due(&self) -> NaiveDate {
        self.extension.as_ref().map_or(self.due, |(d, _)| *d)
    }

    /// Extends the deadline to a later date; a reason is required.
    pub fn extend(&mut self, to: NaiveDate, reason: &str) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if to <= self.effective_due() {
            errors.add(
                "extended_to",
                "The new due date must be after the current due date",
            );
        }
        let reason = required_text(
            &mut errors,
            "extension_reason",
            reason,
            "the reason for the extension",
            2000,
        );
        errors.into_result(())?;
        self.extension = Some((to, reason));
        Ok(())
    }

    /// Working days from `today` to the due date in force (negative once overdue).
    pub fn working_days_remaining(&self, cal: &Calendar, today: NaiveDate) -> CalendarResult<i64> {
        cal.working_days_between(today, self.effective_due())
    }

    /// Where the deadline stands on `today`.
    pub fn state(&self, cal: &Calendar, today: NaiveDate) -> CalendarResult<DeadlineState> {
        let due = self.effective_due();
        if let Some(met) = self.met_on {
            return Ok(if met <= due {
                DeadlineState::Met
            } else {
                DeadlineState::MetLate
            });
        }
        if today > due {
            return Ok(DeadlineState::Overdue);
        }
        Ok(
            if self.working_days_remaining(cal, today)? <= DUE_SOON_WORKING_DAYS {
                DeadlineState::DueSoon
            } else {
                DeadlineState::OnTime
            },
        )
    }
}

/// Parses an optional ISO date field within the calendar's range and not after `today`.
pub fn optional_date(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
    label: &str,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    match parse_date(v) {
        Some(d) if in_range(d) && d <= today => Some(d),
        Some(d) if in_range(d) => {
            errors.add(field, format!("{label} must be today or in the past"));
            None
        }
        Some(_) => {
            errors.add(
                field,
                format!("{label} must be between 1 January 2000 and 31 December 2040"),
            );
            None
        }
        None => {
            errors.add(
                field,
                format!(
                    "{label} must be a real date in the form YYYY-MM-DD, for example 2022-09-15"
                ),
            );
            None
        }
    }
}

fn required_date(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
    label: &str,
    today: NaiveDate,
) -> Option<NaiveDate> {
    if value.trim().is_empty() {
        errors.add(field, format!("Enter {}", label.to_lowercase()));
        return None;
    }
    optional_date(errors, field, value, label, today)
}

fn optional_text(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
    label: &str,
    max: usize,
) -> String {
    if value.trim().is_empty() {
        String::new()
    } else {
        required_text(errors, field, value, label, max)
    }
}

fn checked(v: &str) -> bool {
    matches!(v.trim(), "yes" | "true" | "on" | "1")
}

/// Whether abuse or neglect is known or suspected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbuseOrNeglect {
    /// Known.
    Known,
    /// Suspected.
    Suspected,
    /// Neither (only a looked-after child's or care leaver's death is notified then).
    NotSuspected,
}

impl AbuseOrNeglect {
    /// Every value, in form order.
    pub const ALL: [AbuseOrNeglect; 3] = [Self::Known, Self::Suspected, Self::NotSuspected];
    /// Stored form.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Known => "known",
            Self::Suspected => "suspected",
            Self::NotSuspected => "not_suspected",
        }
    }
    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Known => "Abuse or neglect is known",
            Self::Suspected => "Abuse or neglect is suspected",
            Self::NotSuspected => "Abuse or neglect is neither known nor suspected",
        }
    }
    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.slug() == s)
    }
}

/// Where the incident happened, for the duty to notify (Children Act 2004 s.16C(1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentLocation {
    /// In the local authority's area.
    InArea,
    /// Outside England, the child normally resident in the area.
    OutsideEnglandResidentInArea,
}

impl IncidentLocation {
    /// Every value, in form order.
    pub const ALL: [IncidentLocation; 2] = [Self::InArea, Self::OutsideEnglandResidentInArea];
    /// Stored form.
    pub fn slug(self) -> &'static str {
        match self {
            Self::InArea => "in_area",
            Self::OutsideEnglandResidentInArea => "outside_england_resident_in_area",
        }
    }
    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::InArea => "In the local authority's area",
            Self::OutsideEnglandResidentInArea => {
                "Outside England, the child normally resident in the area"
            }
        }
    }
    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.slug() == s)
    }
}

/// A notification as typed into the form or the API (all text).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct NotificationInput {
    /// Short reference, such as "SIN 2022-03".
    #[serde(default)]
    pub reference: String,
    /// What happened, without names.
    #[serde(default)]
    pub summary: String,
    /// Date the local authority became aware (YYYY-MM-DD).
    #[serde(default)]
    pub aware_on: String,
    /// Date notified to the National Panel (YYYY-MM-DD), empty until sent.
    #[serde(default)]
    pub notified_on: String,
    /// Date the local safeguarding partners were told (YYYY-MM-DD), empty until done.
    #[serde(default)]
    pub partners_informed_on: String,
    /// "death" or "serious_harm".
    #[serde(default)]
    pub harm: String,
    /// "known", "suspected" or "not_suspected".
    #[serde(default)]
    pub abuse_or_neglect: String,
    /// "in_area" or "outside_england_resident_in_area".
    #[serde(default)]
    pub location: String,
    /// "yes" for the death of a looked-after child.
    #[serde(default)]
    pub looked_after_death: String,
    /// "yes" for the death of a care leaver aged up to 24.
    #[serde(default)]
    pub care_leaver_death: String,
    /// "yes" when the child is normally resident in another area.
    #[serde(default)]
    pub resident_elsewhere: String,
    /// "yes" when the partners choose a rapid review for a care leaver's death.
    #[serde(default)]
    pub rapid_review_chosen: String,
    /// Who decided to notify.
    #[serde(default)]
    pub decided_by: String,
    /// Children beyond the four listed (free text, no names).
    #[serde(default)]
    pub other_children_note: String,
}

/// A valid notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Reference.
    pub reference: String,
    /// Summary.
    pub summary: String,
    /// Aware.
    pub aware_on: NaiveDate,
    /// Notified.
    pub notified_on: Option<NaiveDate>,
    /// Partners informed.
    pub partners_informed_on: Option<NaiveDate>,
    /// The child died.
    pub death: bool,
    /// The child was seriously harmed.
    pub serious_harm: bool,
    /// Abuse or neglect.
    pub abuse_or_neglect: AbuseOrNeglect,
    /// Where.
    pub location: IncidentLocation,
    /// Looked-after child's death.
    pub looked_after_death: bool,
    /// Care leaver's death (no rapid review required).
    pub care_leaver_death: bool,
    /// Normally resident elsewhere.
    pub resident_elsewhere: bool,
    /// A rapid review chosen for a care leaver's death.
    pub rapid_review_chosen: bool,
    /// Who decided.
    pub decided_by: String,
    /// Note on further children.
    pub other_children_note: String,
}

impl Notification {
    /// Validates the input; `today` is the date in England (no date may be in the future).
    pub fn parse(i: &NotificationInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let reference = required_text(&mut e, "reference", &i.reference, "a reference", 40);
        let summary = required_text(
            &mut e,
            "summary",
            &i.summary,
            "a summary of the incident",
            4000,
        );
        let aware_on = required_date(
            &mut e,
            "aware_on",
            &i.aware_on,
            "The date the local authority became aware",
            today,
        );
        let notified_on = optional_date(
            &mut e,
            "notified_on",
            &i.notified_on,
            "The date notified to the National Panel",
            today,
        );
        if let (Some(a), Some(n)) = (aware_on, notified_on)
            && n < a
        {
            e.add(
                "notified_on",
                "The date notified to the National Panel must be the same as or after the date the local authority became aware",
            );
        }
        let partners_informed_on = optional_date(
            &mut e,
            "partners_informed_on",
            &i.partners_informed_on,
            "The date local partners were informed",
            today,
        );
        if let (Some(a), Some(p)) = (aware_on, partners_informed_on)
            && p < a
        {
            e.add(
                "partners_informed_on",
                "The date local partners were informed must be the same as or after the date the local authority became aware",
            );
        }
        let (death, serious_harm) = match i.harm.trim() {
            "death" => (true, false),
            "serious_harm" => (false, true),
            _ => {
                e.add(
                    "harm",
                    "Select whether the child died or was seriously harmed",
                );
                (false, false)
            }
        };
        let abuse = AbuseOrNeglect::parse(i.abuse_or_neglect.trim());
        if abuse.is_none() {
            e.add(
                "abuse_or_neglect",
                "Select whether abuse or neglect is known or suspected",
            );
        }
        let location = IncidentLocation::parse(i.location.trim());
        if location.is_none() {
            e.add("location", "Select where the incident happened");
        }
        let looked_after_death = checked(&i.looked_after_death);
        let care_leaver_death = checked(&i.care_leaver_death);
        if (looked_after_death || care_leaver_death) && serious_harm {
            e.add(
                "looked_after_death",
                "A looked-after child's or care leaver's death can only be recorded when the child died",
            );
        }
        if abuse == Some(AbuseOrNeglect::NotSuspected) && !looked_after_death && !care_leaver_death
        {
            e.add(
                "abuse_or_neglect",
                "The National Panel is notified only when abuse or neglect is known or suspected, unless a looked-after child or a care leaver died",
            );
        }
        let rapid_review_chosen = checked(&i.rapid_review_chosen);
        let decided_by = required_text(
            &mut e,
            "decided_by",
            &i.decided_by,
            "who decided to notify",
            200,
        );
        let other_children_note = optional_text(
            &mut e,
            "other_children_note",
            &i.other_children_note,
            "the note on other children",
            2000,
        );
        match (aware_on, abuse, location) {
            (Some(aware_on), Some(abuse_or_neglect), Some(location)) if e.is_empty() => Ok(Self {
                reference,
                summary,
                aware_on,
                notified_on,
                partners_informed_on,
                death,
                serious_harm,
                abuse_or_neglect,
                location,
                looked_after_death,
                care_leaver_death,
                resident_elsewhere: checked(&i.resident_elsewhere),
                rapid_review_chosen,
                decided_by,
                other_children_note,
            }),
            _ => Err(e),
        }
    }

    /// True when a rapid review is required: always, except for a care leaver's death, when the
    /// partners may choose one.
    pub fn rapid_review_required(&self) -> bool {
        rapid_review_required(self.care_leaver_death, self.rapid_review_chosen)
    }
}

/// The rule on stored flags: a care leaver's death needs no rapid review unless one is chosen.
pub fn rapid_review_required(care_leaver_death: bool, chosen: bool) -> bool {
    !care_leaver_death || chosen
}

/// The clocks of a notification: notifying the Panel from the date aware, and the rapid review
/// from the date notified (once known, when one is required), with their met dates.
pub fn notification_deadlines(
    cal: &Calendar,
    aware_on: NaiveDate,
    notified_on: Option<NaiveDate>,
    rapid_review_required: bool,
    sent_to_panel_on: Option<NaiveDate>,
) -> CalendarResult<Vec<Deadline>> {
    let mut out = Vec::new();
    let mut notify = Deadline::start(cal, DeadlineRule::NotifyPanel, aware_on)?;
    notify.met_on = notified_on;
    out.push(notify);
    if let Some(n) = notified_on
        && rapid_review_required
    {
        let mut rr = Deadline::start(cal, DeadlineRule::RapidReview, n)?;
        rr.met_on = sent_to_panel_on;
        out.push(rr);
    }
    Ok(out)
}

/// A child as typed (the restricted identifiers with the pseudonymised description).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ChildInput {
    /// Age and sex, without names, such as "boy aged 7 months".
    #[serde(default)]
    pub age_description: String,
    /// Restricted: the child's name.
    #[serde(default)]
    pub full_name: String,
    /// Restricted: date of birth (YYYY-MM-DD), optional.
    #[serde(default)]
    pub date_of_birth: String,
    /// Restricted: the local authority's case reference, optional.
    #[serde(default)]
    pub case_reference: String,
}

/// A valid child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    /// Description.
    pub age_description: String,
    /// Name (restricted).
    pub full_name: String,
    /// Date of birth (restricted).
    pub date_of_birth: Option<NaiveDate>,
    /// Case reference (restricted).
    pub case_reference: String,
}

impl Child {
    /// Validates the input.
    pub fn parse(i: &ChildInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let age_description = required_text(
            &mut e,
            "age_description",
            &i.age_description,
            "the child's age and sex, without their name",
            200,
        );
        let full_name = required_text(&mut e, "full_name", &i.full_name, "the child's name", 200);
        let date_of_birth = optional_date(
            &mut e,
            "date_of_birth",
            &i.date_of_birth,
            "The child's date of birth",
            today,
        );
        let case_reference = optional_text(
            &mut e,
            "case_reference",
            &i.case_reference,
            "the case reference",
            100,
        );
        e.into_result(Self {
            age_description,
            full_name,
            date_of_birth,
            case_reference,
        })
    }
}

/// The next letter for a child given the letters used, or `None` when four are listed.
pub fn next_letter(used: &[String]) -> Option<&'static str> {
    CHILD_LETTERS
        .into_iter()
        .find(|l| !used.iter().any(|u| u == l))
}

/// The content of a rapid review as typed (DOMAIN.md 12.2).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct RapidReviewInput {
    /// The facts and the agencies' involvement.
    #[serde(default)]
    pub facts: String,
    /// Key practice episodes.
    #[serde(default)]
    pub key_practice_episodes: String,
    /// Immediate actions to keep children safe.
    #[serde(default)]
    pub immediate_actions: String,
    /// Learning so far.
    #[serde(default)]
    pub learning: String,
    /// Context, including racism, other inequalities and disability.
    #[serde(default)]
    pub context: String,
    /// Reg. 11(a): "yes", "no" or empty.
    #[serde(default)]
    pub reg11_a: String,
    /// Rationale for (a).
    #[serde(default)]
    pub reg11_a_rationale: String,
    /// Reg. 11(b).
    #[serde(default)]
    pub reg11_b: String,
    /// Rationale for (b).
    #[serde(default)]
    pub reg11_b_rationale: String,
    /// Reg. 11(c).
    #[serde(default)]
    pub reg11_c: String,
    /// Rationale for (c).
    #[serde(default)]
    pub reg11_c_rationale: String,
    /// Reg. 11(d).
    #[serde(default)]
    pub reg11_d: String,
    /// Rationale for (d).
    #[serde(default)]
    pub reg11_d_rationale: String,
    /// The panel meeting that considered it (YYYY-MM-DD), optional.
    #[serde(default)]
    pub panel_meeting_on: String,
}

/// The four reg. 11 criteria (SI 2018/789), as (letter, question).
pub const REG11: [(&str, &str); 4] = [
    (
        "a",
        "(a) Does the case highlight, or may it highlight, improvements needed, including ones identified before?",
    ),
    ("b", "(b) Does it highlight recurrent themes?"),
    (
        "c",
        "(c) Does it highlight concerns about two or more agencies working together effectively?",
    ),
    (
        "d",
        "(d) Has the National Panel considered it and concluded a local review is more appropriate?",
    ),
];

/// Valid rapid review content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RapidReviewContent {
    /// Facts.
    pub facts: String,
    /// Episodes.
    pub key_practice_episodes: String,
    /// Immediate actions.
    pub immediate_actions: String,
    /// Learning.
    pub learning: String,
    /// Context.
    pub context: String,
    /// Reg. 11 (a)-(d): ("", "yes" or "no", rationale).
    pub reg11: [(String, String); 4],
    /// Panel meeting.
    pub panel_meeting_on: Option<NaiveDate>,
}

impl RapidReviewContent {
    /// Validates the input. Each criterion answered needs its rationale.
    pub fn parse(i: &RapidReviewInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let facts = optional_text(&mut e, "facts", &i.facts, "the facts", 20_000);
        let key_practice_episodes = optional_text(
            &mut e,
            "key_practice_episodes",
            &i.key_practice_episodes,
            "the key practice episodes",
            20_000,
        );
        let immediate_actions = optional_text(
            &mut e,
            "immediate_actions",
            &i.immediate_actions,
            "the immediate safety actions",
            20_000,
        );
        let learning = optional_text(&mut e, "learning", &i.learning, "the learning", 20_000);
        let context = optional_text(&mut e, "context", &i.context, "the context", 20_000);
        let pairs = [
            (&i.reg11_a, &i.reg11_a_rationale),
            (&i.reg11_b, &i.reg11_b_rationale),
            (&i.reg11_c, &i.reg11_c_rationale),
            (&i.reg11_d, &i.reg11_d_rationale),
        ];
        let mut reg11: [(String, String); 4] = Default::default();
        for (k, ((answer, rationale), (letter, _))) in pairs.into_iter().zip(REG11).enumerate() {
            let field = format!("reg11_{letter}");
            let rfield = format!("reg11_{letter}_rationale");
            let a = answer.trim();
            if !matches!(a, "" | "yes" | "no") {
                e.add(&field, format!("Select yes or no for criterion ({letter})"));
            }
            let r = optional_text(
                &mut e,
                &rfield,
                rationale,
                &format!("the rationale for criterion ({letter})"),
                4000,
            );
            if !a.is_empty() && r.is_empty() {
                e.add(
                    &rfield,
                    format!("Enter the rationale for criterion ({letter})"),
                );
            }
            if let Some(slot) = reg11.get_mut(k) {
                *slot = (a.to_owned(), r);
            }
        }
        let panel_meeting_on = optional_date(
            &mut e,
            "panel_meeting_on",
            &i.panel_meeting_on,
            "The date of the panel meeting",
            today,
        );
        e.into_result(Self {
            facts,
            key_practice_episodes,
            immediate_actions,
            learning,
            context,
            reg11,
            panel_meeting_on,
        })
    }
}

/// The partners' decision after a rapid review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// A local child safeguarding practice review.
    LocalCspr,
    /// No CSPR; the learning goes another way (named).
    NoCspr,
    /// Referred to the National Panel for a national review.
    NationalReview,
}

impl ReviewDecision {
    /// Every decision, in form order.
    pub const ALL: [ReviewDecision; 3] = [Self::LocalCspr, Self::NoCspr, Self::NationalReview];
    /// Stored form.
    pub fn slug(self) -> &'static str {
        match self {
            Self::LocalCspr => "local_cspr",
            Self::NoCspr => "no_cspr",
            Self::NationalReview => "national_review",
        }
    }
    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::LocalCspr => "Local child safeguarding practice review",
            Self::NoCspr => "No CSPR: learning taken forward another way",
            Self::NationalReview => "Referred to the National Panel for a national review",
        }
    }
    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.slug() == s)
    }
}

/// The decision as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct DecisionInput {
    /// "local_cspr", "no_cspr" or "national_review".
    #[serde(default)]
    pub decision: String,
    /// For "no_cspr": the other learning route.
    #[serde(default)]
    pub other_learning_route: String,
    /// Why (required).
    #[serde(default)]
    pub rationale: String,
    /// The date decided (YYYY-MM-DD).
    #[serde(default)]
    pub decided_on: String,
}

/// A valid decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// What.
    pub decision: ReviewDecision,
    /// Other learning route (empty unless no CSPR).
    pub other_learning_route: String,
    /// Why.
    pub rationale: String,
    /// When.
    pub decided_on: NaiveDate,
}

impl Decision {
    /// Validates the input: the rationale is required, and the other learning route for "no CSPR".
    pub fn parse(i: &DecisionInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let decision = ReviewDecision::parse(i.decision.trim());
        if decision.is_none() {
            e.add("decision", "Select the decision");
        }
        let route = optional_text(
            &mut e,
            "other_learning_route",
            &i.other_learning_route,
            "the other learning route",
            2000,
        );
        if decision == Some(ReviewDecision::NoCspr) && route.is_empty() {
            e.add(
                "other_learning_route",
                "Enter how the learning will be taken forward without a CSPR",
            );
        }
        let rationale = required_text(
            &mut e,
            "rationale",
            &i.rationale,
            "the rationale for the decision",
            8000,
        );
        let decided_on = required_date(
            &mut e,
            "decided_on",
            &i.decided_on,
            "The date of the decision",
            today,
        );
        match (decision, decided_on) {
            (Some(decision), Some(decided_on)) if e.is_empty() => Ok(Self {
                decision,
                other_learning_route: if decision == ReviewDecision::NoCspr {
                    route
                } else {
                    String::new()
                },
                rationale,
                decided_on,
            }),
            _ => Err(e),
        }
    }
}

/// The National Panel's view of the rapid review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PanelOutcome {
    /// Agrees with the partners' decision.
    Agrees,
    /// Disagrees.
    Disagrees,
    /// Takes it as a national review.
    NationalReview,
}

impl PanelOutcome {
    /// Every outcome.
    pub const ALL: [PanelOutcome; 3] = [Self::Agrees, Self::Disagrees, Self::NationalReview];
    /// Stored form.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Agrees => "agrees",
            Self::Disagrees => "disagrees",
            Self::NationalReview => "national_review",
        }
    }
    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Agrees => "Agrees with the partners' decision",
            Self::Disagrees => "Disagrees with the partners' decision",
            Self::NationalReview => "Takes the case as a national review",
        }
    }
    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.slug() == s)
    }
}

/// Sending to the Panel and its response, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct PanelInput {
    /// Date the rapid review was sent to the National Panel (YYYY-MM-DD), optional.
    #[serde(default)]
    pub sent_to_panel_on: String,
    /// Date the Panel's response was received (YYYY-MM-DD), optional.
    #[serde(default)]
    pub panel_response_on: String,
    /// "agrees", "disagrees" or "national_review"; required with a response date.
    #[serde(default)]
    pub panel_outcome: String,
    /// Notes on the response.
    #[serde(default)]
    pub panel_response_note: String,
}

/// Valid sending and response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelExchange {
    /// Sent.
    pub sent_to_panel_on: Option<NaiveDate>,
    /// Response received.
    pub panel_response_on: Option<NaiveDate>,
    /// Outcome.
    pub panel_outcome: Option<PanelOutcome>,
    /// Note.
    pub panel_response_note: String,
}

impl PanelExchange {
    /// Validates: the response needs a sending date before it and an outcome; the sending date is
    /// not before the notification (`notified_on`).
    pub fn parse(
        i: &PanelInput,
        notified_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let sent = optional_date(
            &mut e,
            "sent_to_panel_on",
            &i.sent_to_panel_on,
            "The date sent to the National Panel",
            today,
        );
        match (sent, notified_on) {
            (Some(_), None) => e.add(
                "sent_to_panel_on",
                "Record the date the National Panel was notified before the date the rapid review was sent",
            ),
            (Some(s), Some(n)) if s < n => e.add(
                "sent_to_panel_on",
                "The date sent to the National Panel must be the same as or after the date it was notified",
            ),
            _ => {}
        }
        let response = optional_date(
            &mut e,
            "panel_response_on",
            &i.panel_response_on,
            "The date the Panel's response was received",
            today,
        );
        match (sent, response) {
            (None, Some(_)) if i.sent_to_panel_on.trim().is_empty() => e.add(
                "panel_response_on",
                "Enter the date the rapid review was sent before the date of the Panel's response",
            ),
            (Some(s), Some(r)) if r < s => e.add(
                "panel_response_on",
                "The date of the Panel's response must be the same as or after the date the rapid review was sent",
            ),
            _ => {}
        }
        let outcome_text = i.panel_outcome.trim();
        let outcome = PanelOutcome::parse(outcome_text);
        if !outcome_text.is_empty() && outcome.is_none() {
            e.add("panel_outcome", "Select the Panel's response");
        }
        if response.is_some() && outcome.is_none() {
            e.add("panel_outcome", "Select the Panel's response");
        }
        if outcome.is_some() && i.panel_response_on.trim().is_empty() {
            e.add(
                "panel_response_on",
                "Enter the date the Panel's response was received",
            );
        }
        let note = optional_text(
            &mut e,
            "panel_response_note",
            &i.panel_response_note,
            "the note on the response",
            4000,
        );
        e.into_result(Self {
            sent_to_panel_on: sent,
            panel_response_on: response,
            panel_outcome: outcome,
            panel_response_note: note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn cal() -> Calendar {
        Calendar::england_and_wales()
    }

    #[test]
    fn notification_due_across_the_2022_jubilee() {
        // Day 0 Thu 26 May; 27, 30, 31 May and 1 June are days 1-4; Thu 2 and Fri 3 June were bank
        // holidays (the moved spring bank holiday and the Platinum Jubilee); day 5 is Mon 6 June.
        let dl = Deadline::start(&cal(), DeadlineRule::NotifyPanel, d("2022-05-26")).unwrap();
        assert_eq!(dl.due, d("2022-06-06"));
        // and the rapid review from a notification on Mon 6 June: 15 working days, Mon 27 June
        let rr = Deadline::start(&cal(), DeadlineRule::RapidReview, d("2022-06-06")).unwrap();
        assert_eq!(rr.due, d("2022-06-27"));
    }

    #[test]
    fn rapid_review_due_across_the_state_funeral() {
        // Notified Thu 15 Sep 2022; Mon 19 Sep was the state funeral: Fri 7 Oct.
        let rr = Deadline::start(&cal(), DeadlineRule::RapidReview, d("2022-09-15")).unwrap();
        assert_eq!(rr.due, d("2022-10-07"));
        // Day 0 on a weekend: aware Sat 10 Sep, due Fri 16 Sep.
        let n = Deadline::start(&cal(), DeadlineRule::NotifyPanel, d("2022-09-10")).unwrap();
        assert_eq!(n.due, d("2022-09-16"));
    }

    #[test]
    fn cspr_complete_is_six_calendar_months_then_the_next_working_day() {
        let c = cal();
        // Tuesday 27 September 2022 + 6 months = Monday 27 March 2023, a working day.
        let dl = Deadline::start(&c, DeadlineRule::CsprComplete, d("2022-09-27")).unwrap();
        assert_eq!(dl.due, d("2023-03-27"));
        // Sunday 26 June 2022 + 6 months = Monday 26 December 2022 (Boxing Day), then Tuesday 27th
        // (the Christmas Day substitute): due Wednesday 28 December.
        assert_eq!(
            cspr_complete_due(&c, d("2022-06-26")).unwrap(),
            d("2022-12-28")
        );
        // 7 November 2022 + 6 months = Sunday 7 May 2023; Monday 8 May was the coronation bank holiday.
        assert_eq!(
            cspr_complete_due(&c, d("2022-11-07")).unwrap(),
            d("2023-05-09")
        );
        // No 31 February: the end of the month.
        assert_eq!(
            cspr_complete_due(&c, d("2022-08-31")).unwrap(),
            d("2023-02-28")
        );
        assert!(!DeadlineRule::CsprComplete.statutory());
        assert_eq!(DeadlineRule::CsprComplete.subject_type(), "practice_review");
        assert!(cspr_complete_due(&c, d("2040-09-01")).is_err());
    }

    #[test]
    fn pre_publication_notice_counts_back_across_bank_holidays() {
        let c = cal();
        // Publication planned for Wednesday 8 June 2022; the jubilee (2 and 3 June): 7 working days
        // before is Thursday 26 May.
        let dl = Deadline::start(&c, DeadlineRule::PrePublicationNotice, d("2022-06-08")).unwrap();
        assert_eq!(dl.due, d("2022-05-26"));
        assert_eq!(dl.basis, d("2022-06-08"));
        // Over Christmas and New Year: planned Tuesday 3 January 2023, due Tuesday 20 December 2022.
        let dl =
            Deadline::start_with_notice(&c, DeadlineRule::PrePublicationNotice, d("2023-01-03"), 7)
                .unwrap();
        assert_eq!(dl.due, d("2022-12-20"));
        // A partnership's own lead time of 10 working days.
        let dl = Deadline::start_with_notice(
            &c,
            DeadlineRule::PrePublicationNotice,
            d("2023-01-03"),
            10,
        )
        .unwrap();
        assert_eq!(dl.due, d("2022-12-15"));
        // The state funeral: publication on Tuesday 20 September 2022, 1 day's notice by Friday 16th.
        assert_eq!(
            DeadlineRule::PrePublicationNotice
                .due(&c, d("2022-09-20"), 1)
                .unwrap(),
            d("2022-09-16")
        );
        assert_eq!(
            DeadlineRule::for_subject("notification").collect::<Vec<_>>(),
            vec![DeadlineRule::NotifyPanel, DeadlineRule::RapidReview]
        );
        for r in DeadlineRule::ALL {
            assert_eq!(DeadlineRule::parse(r.slug()), Some(r));
        }
    }

    #[test]
    fn states_on_time_due_soon_overdue_met_and_late() {
        let c = cal();
        let mut dl = Deadline::start(&c, DeadlineRule::NotifyPanel, d("2022-05-26")).unwrap();
        assert_eq!(
            dl.state(&c, d("2022-05-26")).unwrap(),
            DeadlineState::OnTime
        );
        // Wed 1 June: 1 working day left (Mon 6 June)
        assert_eq!(dl.working_days_remaining(&c, d("2022-06-01")).unwrap(), 1);
        assert_eq!(
            dl.state(&c, d("2022-06-01")).unwrap(),
            DeadlineState::DueSoon
        );
        assert_eq!(
            dl.state(&c, d("2022-06-06")).unwrap(),
            DeadlineState::DueSoon
        );
        assert_eq!(
            dl.state(&c, d("2022-06-07")).unwrap(),
            DeadlineState::Overdue
        );
        assert_eq!(dl.working_days_remaining(&c, d("2022-06-08")).unwrap(), -2);
        dl.met_on = Some(d("2022-06-06"));
        assert_eq!(dl.state(&c, d("2022-07-01")).unwrap(), DeadlineState::Met);
        dl.met_on = Some(d("2022-06-07"));
        assert_eq!(
            dl.state(&c, d("2022-07-01")).unwrap(),
            DeadlineState::MetLate
        );
        assert!(!DeadlineState::MetLate.is_open());
    }

    #[test]
    fn extension_needs_a_reason_and_a_later_date() {
        let c = cal();
        let mut dl = Deadline::start(&c, DeadlineRule::RapidReview, d("2022-09-15")).unwrap();
        let e = dl.extend(d("2022-10-14"), "  ").unwrap_err();
        assert_eq!(
            e.get("extension_reason"),
            Some("Enter the reason for the extension")
        );
        let e = dl
            .extend(d("2022-10-07"), "Awaiting police summary")
            .unwrap_err();
        assert!(e.get("extended_to").is_some());
        assert!(dl.extension.is_none());
        dl.extend(d("2022-10-14"), "Awaiting police summary")
            .unwrap();
        assert_eq!(dl.effective_due(), d("2022-10-14"));
        // met after the rule's date but within the extension: met, not late
        dl.met_on = Some(d("2022-10-12"));
        assert_eq!(dl.state(&c, d("2022-10-20")).unwrap(), DeadlineState::Met);
    }

    fn input() -> NotificationInput {
        NotificationInput {
            reference: "SIN 2022-03".into(),
            summary: "Infant with unexplained injuries".into(),
            aware_on: "2022-09-12".into(),
            notified_on: "2022-09-15".into(),
            harm: "serious_harm".into(),
            abuse_or_neglect: "suspected".into(),
            location: "in_area".into(),
            decided_by: "Director of Children's Services".into(),
            ..Default::default()
        }
    }

    #[test]
    fn notification_refuses_notified_before_aware_and_impossible_dates() {
        let today = d("2023-01-01");
        assert!(Notification::parse(&input(), today).is_ok());
        let mut i = input();
        i.notified_on = "2022-09-11".into();
        let e = Notification::parse(&i, today).unwrap_err();
        assert!(e.get("notified_on").unwrap().contains("same as or after"));
        let mut i = input();
        i.aware_on = "2022-02-30".into();
        let e = Notification::parse(&i, today).unwrap_err();
        assert!(e.get("aware_on").unwrap().contains("real date"));
        let mut i = input();
        i.aware_on = "2023-05-01".into();
        assert!(
            Notification::parse(&i, today)
                .unwrap_err()
                .get("aware_on")
                .is_some()
        );
    }

    #[test]
    fn notification_criteria_rules() {
        let today = d("2023-01-01");
        let mut i = input();
        i.abuse_or_neglect = "not_suspected".into();
        assert!(Notification::parse(&i, today).is_err());
        i.harm = "death".into();
        i.care_leaver_death = "yes".into();
        let n = Notification::parse(&i, today).unwrap();
        assert!(!n.rapid_review_required());
        i.rapid_review_chosen = "yes".into();
        assert!(
            Notification::parse(&i, today)
                .unwrap()
                .rapid_review_required()
        );
        let mut i = input();
        i.looked_after_death = "yes".into();
        assert!(
            Notification::parse(&i, today)
                .unwrap_err()
                .get("looked_after_death")
                .is_some()
        );
    }

    #[test]
    fn deadlines_of_a_notification() {
        let c = cal();
        let v = notification_deadlines(&c, d("2022-09-12"), None, true, None).unwrap();
        assert_eq!(v.len(), 1);
        let v =
            notification_deadlines(&c, d("2022-09-12"), Some(d("2022-09-15")), true, None).unwrap();
        // aware Mon 12 Sep: 13-16 Sep are days 1-4, Mon 19 Sep the state funeral, day 5 Tue 20 Sep
        assert_eq!(v[0].due, d("2022-09-20"));
        assert_eq!(v[0].met_on, Some(d("2022-09-15")));
        assert_eq!(v[1].rule, DeadlineRule::RapidReview);
        assert_eq!(v[1].basis, d("2022-09-15"));
        assert_eq!(v[1].due, d("2022-10-07"));
        let v = notification_deadlines(&c, d("2022-09-12"), Some(d("2022-09-15")), false, None)
            .unwrap();
        assert_eq!(v.len(), 1);
    }

    #[test]
    fn letters_in_order_at_most_four() {
        assert_eq!(next_letter(&[]), Some("A"));
        assert_eq!(next_letter(&["A".into(), "B".into()]), Some("C"));
        let all: Vec<String> = CHILD_LETTERS.iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(next_letter(&all), None);
    }

    #[test]
    fn decision_needs_rationale_and_route() {
        let today = d("2023-01-01");
        let mut i = DecisionInput {
            decision: "no_cspr".into(),
            decided_on: "2022-10-05".into(),
            ..Default::default()
        };
        let e = Decision::parse(&i, today).unwrap_err();
        assert!(e.get("rationale").is_some());
        assert!(e.get("other_learning_route").is_some());
        i.rationale = "Learning is known".into();
        i.other_learning_route = "Practice learning event".into();
        assert!(Decision::parse(&i, today).is_ok());
        i.decision = "local_cspr".into();
        assert_eq!(Decision::parse(&i, today).unwrap().other_learning_route, "");
    }

    #[test]
    fn reg11_answer_needs_rationale_and_panel_response_needs_sending() {
        let today = d("2023-01-01");
        let i = RapidReviewInput {
            reg11_a: "yes".into(),
            ..Default::default()
        };
        let e = RapidReviewContent::parse(&i, today).unwrap_err();
        assert!(e.get("reg11_a_rationale").is_some());
        let p = PanelInput {
            panel_response_on: "2022-10-20".into(),
            panel_outcome: "agrees".into(),
            ..Default::default()
        };
        let e = PanelExchange::parse(&p, Some(d("2022-09-15")), today).unwrap_err();
        assert!(e.get("panel_response_on").is_some());
        let p = PanelInput {
            sent_to_panel_on: "2022-09-14".into(),
            ..Default::default()
        };
        assert!(PanelExchange::parse(&p, Some(d("2022-09-15")), today).is_err());
    }
}

// ---------------------------------------------------------------------------------------------
// Saving without losing anything: partial submissions and versions

/// The message of a version that is not a whole number (the form or request is out of date).
const VERSION_MESSAGE: &str = "The form is out of date: reload the page";

/// Parses the version a form or request was built from: a whole number, at least 1 (or 0 when
/// `allow_zero`, for a record not yet started, such as a rapid review nobody has saved).
pub fn parse_version(errors: &mut ValidationErrors, raw: &str, allow_zero: bool) -> Option<i64> {
    let min = if allow_zero { 0 } else { 1 };
    let v = raw.trim().parse::<i64>().ok().filter(|v| *v >= min);
    if v.is_none() {
        errors.add("version", VERSION_MESSAGE);
    }
    v
}

/// Declares a "patch" of an input type: every field optional. A field left out (`None`) keeps the
/// saved value, so a partial or empty submission never clears anything that was saved; a field
/// given, even empty, replaces it (an empty optional field is cleared on purpose).
macro_rules! patch_of {
    ($(#[$meta:meta])* $patch:ident => $input:ident { $($field:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, Deserialize, Serialize)]
        pub struct $patch {
            $(
                #[doc = concat!("`", stringify!($field), "`; left out, the saved value is kept.")]
                #[serde(default)]
                pub $field: Option<String>,
            )+
            /// The version the form or request was built from (required).
            #[serde(default)]
            pub version: Option<String>,
        }

        impl $patch {
            /// The saved values with the fields given here put over them.
            pub fn over(&self, mut saved: $input) -> $input {
                $(
                    if let Some(v) = &self.$field {
                        saved.$field = v.clone();
                    }
                )+
                saved
            }

            /// A patch giving every field of `input` (what a form showing them all sends).
            pub fn full(input: &$input, version: i64) -> Self {
                Self {
                    $($field: Some(input.$field.clone()),)+
                    version: Some(version.to_string()),
                }
            }
        }
    };
}

patch_of!(
    /// A change to a rapid review's content (see [`RapidReviewInput`]).
    RapidReviewPatch => RapidReviewInput {
        facts,
        key_practice_episodes,
        immediate_actions,
        learning,
        context,
        reg11_a,
        reg11_a_rationale,
        reg11_b,
        reg11_b_rationale,
        reg11_c,
        reg11_c_rationale,
        reg11_d,
        reg11_d_rationale,
        panel_meeting_on,
    }
);

patch_of!(
    /// A change to the partners' decision (see [`DecisionInput`]).
    DecisionPatch => DecisionInput {
        decision,
        other_learning_route,
        rationale,
        decided_on,
    }
);

patch_of!(
    /// A change to sending to the National Panel and its response (see [`PanelInput`]).
    PanelPatch => PanelInput {
        sent_to_panel_on,
        panel_response_on,
        panel_outcome,
        panel_response_note,
    }
);

patch_of!(
    /// A change to a notification's text and dates (see [`NotificationInput`]); its flags travel in
    /// [`NotificationPatch`].
    NotificationTextPatch => NotificationInput {
        reference,
        summary,
        aware_on,
        notified_on,
        partners_informed_on,
        harm,
        abuse_or_neglect,
        location,
        decided_by,
        other_children_note,
    }
);

/// A change to a notification. Its four flags are checkboxes, and a browser sends nothing for an
/// unticked box: when the form says it showed them (`flags_shown`), a flag left out is unticked;
/// otherwise (a partial submission, or the API leaving a flag out) it keeps its saved value.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct NotificationPatch {
    /// The text and dates, and the version.
    #[serde(flatten)]
    pub text: NotificationTextPatch,
    /// "yes" for the death of a looked-after child.
    #[serde(default)]
    pub looked_after_death: Option<String>,
    /// "yes" for the death of a care leaver aged up to 24.
    #[serde(default)]
    pub care_leaver_death: Option<String>,
    /// "yes" when the child is normally resident in another area.
    #[serde(default)]
    pub resident_elsewhere: Option<String>,
    /// "yes" when the partners choose a rapid review for a care leaver's death.
    #[serde(default)]
    pub rapid_review_chosen: Option<String>,
    /// "yes" when the form showed the flags' checkboxes.
    #[serde(default)]
    pub flags_shown: Option<String>,
}

impl NotificationPatch {
    /// The saved values with the fields given here put over them.
    pub fn over(&self, saved: NotificationInput) -> NotificationInput {
        let mut out = self.text.over(saved);
        let shown = self.flags_shown.as_deref().is_some_and(checked);
        for (given, slot) in [
            (&self.looked_after_death, &mut out.looked_after_death),
            (&self.care_leaver_death, &mut out.care_leaver_death),
            (&self.resident_elsewhere, &mut out.resident_elsewhere),
            (&self.rapid_review_chosen, &mut out.rapid_review_chosen),
        ] {
            match given {
                Some(v) => *slot = v.clone(),
                None if shown => slot.clear(),
                None => {}
            }
        }
        out
    }

    /// The version given, as typed.
    pub fn version(&self) -> &str {
        self.text.version.as_deref().unwrap_or("")
    }

    /// A patch giving every field of `input`, as the form sends it.
    pub fn full(input: &NotificationInput, version: i64) -> Self {
        Self {
            text: NotificationTextPatch::full(input, version),
            looked_after_death: Some(input.looked_after_death.clone()),
            care_leaver_death: Some(input.care_leaver_death.clone()),
            resident_elsewhere: Some(input.resident_elsewhere.clone()),
            rapid_review_chosen: Some(input.rapid_review_chosen.clone()),
            flags_shown: Some("yes".to_owned()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Case review settings and reminders

/// The working days before a due date at which panel members are reminded, when a partnership has
/// not set its own.
pub const DEFAULT_REMINDER_LEAD_DAYS: [u32; 3] = [10, 5, 2];

/// Most reminder lead times.
pub const MAX_REMINDER_LEADS: usize = 5;

/// The largest notice period and lead time, in working days.
pub const MAX_SETTING_WORKING_DAYS: u32 = 60;

/// A partnership's case review settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseReviewSettings {
    /// Working days the final report of a practice review goes to the National Panel and the DfE
    /// before publication (1 to 60).
    pub pre_publication_notice_days: u32,
    /// Working days before a due date at which panel members are reminded: distinct, 0 to 60,
    /// at most [`MAX_REMINDER_LEADS`], largest first (0 is the due date itself). May be empty.
    pub reminder_lead_days: Vec<u32>,
    /// The stored row's version; 0 while the partnership has no row (the defaults apply).
    pub version: i64,
}

impl Default for CaseReviewSettings {
    fn default() -> Self {
        Self {
            pre_publication_notice_days: DEFAULT_NOTICE_WORKING_DAYS,
            reminder_lead_days: DEFAULT_REMINDER_LEAD_DAYS.to_vec(),
            version: 0,
        }
    }
}

/// The settings as typed into the form (text) with the version the form was built from.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SettingsInput {
    /// Working days, 1 to 60.
    #[serde(default)]
    pub pre_publication_notice_days: String,
    /// Working-day counts separated by commas, such as "10, 5, 2" (may be empty: no reminders before
    /// a due date).
    #[serde(default)]
    pub reminder_lead_days: String,
    /// The version the form was built from (0 while the defaults apply).
    #[serde(default)]
    pub version: String,
}

impl CaseReviewSettings {
    /// From the stored columns. Stored values were validated when saved; a part that does not parse
    /// is skipped rather than failing every reader.
    pub fn from_stored(notice_days: i64, lead_days: &str, version: i64) -> Self {
        let mut leads: Vec<u32> = lead_days
            .split(',')
            .filter_map(|p| p.trim().parse::<u32>().ok())
            .filter(|d| *d <= MAX_SETTING_WORKING_DAYS)
            .collect();
        leads.sort_unstable_by(|a, b| b.cmp(a));
        leads.dedup();
        Self {
            pre_publication_notice_days: u32::try_from(notice_days)
                .ok()
                .filter(|d| (1..=MAX_SETTING_WORKING_DAYS).contains(d))
                .unwrap_or(DEFAULT_NOTICE_WORKING_DAYS),
            reminder_lead_days: leads,
            version,
        }
    }

    /// The lead times as stored: "10,5,2".
    pub fn lead_days_text(&self) -> String {
        self.reminder_lead_days
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The form's values for these settings.
    pub fn input(&self) -> SettingsInput {
        SettingsInput {
            pre_publication_notice_days: self.pre_publication_notice_days.to_string(),
            reminder_lead_days: self
                .reminder_lead_days
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            version: self.version.to_string(),
        }
    }

    /// Validates the form: the notice 1 to 60 working days; the lead times whole numbers 0 to 60,
    /// distinct, at most five (commas or spaces between them); the version a whole number.
    pub fn parse(i: &SettingsInput) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let notice = i.pre_publication_notice_days.trim();
        let notice_days = match notice.parse::<u32>() {
            _ if notice.is_empty() => {
                e.add(
                    "pre_publication_notice_days",
                    "Enter the working days of notice before publication",
                );
                None
            }
            Ok(d) if (1..=MAX_SETTING_WORKING_DAYS).contains(&d) => Some(d),
            _ => {
                e.add(
                    "pre_publication_notice_days",
                    format!(
                        "The notice before publication must be a whole number of working days from 1 to {MAX_SETTING_WORKING_DAYS}"
                    ),
                );
                None
            }
        };
        let mut leads: Vec<u32> = Vec::new();
        for part in i
            .reminder_lead_days
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
        {
            match part.parse::<u32>() {
                Ok(d) if d <= MAX_SETTING_WORKING_DAYS => {
                    if leads.contains(&d) {
                        e.add(
                            "reminder_lead_days",
                            format!("Enter each reminder once ({d} is there twice)"),
                        );
                    }
                    leads.push(d);
                }
                _ => e.add(
                    "reminder_lead_days",
                    format!(
                        "Enter each reminder as a whole number of working days from 0 to {MAX_SETTING_WORKING_DAYS}, separated by commas, for example 10, 5, 2"
                    ),
                ),
            }
        }
        if leads.len() > MAX_REMINDER_LEADS {
            e.add(
                "reminder_lead_days",
                format!("Enter at most {MAX_REMINDER_LEADS} reminders"),
            );
        }
        let version = parse_version(&mut e, &i.version, true);
        leads.sort_unstable_by(|a, b| b.cmp(a));
        match (notice_days, version) {
            (Some(pre_publication_notice_days), Some(version)) if e.is_empty() => Ok(Self {
                pre_publication_notice_days,
                reminder_lead_days: leads,
                version,
            }),
            _ => Err(e),
        }
    }
}

/// The reminder a clock gets on a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// This many working days remain, one of the lead times (0: due today).
    Ahead(u32),
    /// The due date in force has passed (told once per due date).
    Overdue,
}

impl Reminder {
    /// Stable key of the reminder within one clock and due date (for sending it once).
    pub fn key(self) -> String {
        match self {
            Reminder::Ahead(d) => format!("ahead-{d}"),
            Reminder::Overdue => "overdue".to_owned(),
        }
    }
}

/// The reminder an open clock gets today, given the working days remaining to its due date in force
/// (negative once overdue) and the lead times: one when the days remaining equal a lead time, and
/// [`Reminder::Overdue`] once it is overdue (the caller sends that one once).
pub fn reminder_for(working_days_remaining: i64, lead_days: &[u32]) -> Option<Reminder> {
    if working_days_remaining < 0 {
        return Some(Reminder::Overdue);
    }
    lead_days
        .iter()
        .find(|d| i64::from(**d) == working_days_remaining)
        .map(|d| Reminder::Ahead(*d))
}

#[cfg(test)]
mod settings_tests {
    use super::*;

    fn input(notice: &str, leads: &str, version: &str) -> SettingsInput {
        SettingsInput {
            pre_publication_notice_days: notice.into(),
            reminder_lead_days: leads.into(),
            version: version.into(),
        }
    }

    #[test]
    fn settings_accept_distinct_lead_times_and_sort_them() {
        let s = CaseReviewSettings::parse(&input("10", "2, 10 5", "0")).unwrap();
        assert_eq!(s.reminder_lead_days, vec![10, 5, 2]);
        assert_eq!(s.pre_publication_notice_days, 10);
        assert_eq!(s.lead_days_text(), "10,5,2");
        // no reminders before the due date is allowed; 0 is the due date itself
        assert!(
            CaseReviewSettings::parse(&input("7", "", "3"))
                .unwrap()
                .reminder_lead_days
                .is_empty()
        );
        assert_eq!(
            CaseReviewSettings::parse(&input("7", "0", "3"))
                .unwrap()
                .reminder_lead_days,
            vec![0]
        );
    }

    #[test]
    fn settings_refuse_bad_notice_and_lead_times() {
        for (notice, leads, field) in [
            ("0", "5", "pre_publication_notice_days"),
            ("61", "5", "pre_publication_notice_days"),
            ("seven", "5", "pre_publication_notice_days"),
            ("", "5", "pre_publication_notice_days"),
            ("7", "61", "reminder_lead_days"),
            ("7", "-1", "reminder_lead_days"),
            ("7", "2.5", "reminder_lead_days"),
            ("7", "5, 5", "reminder_lead_days"),
            ("7", "1,2,3,4,5,6", "reminder_lead_days"),
        ] {
            let e = CaseReviewSettings::parse(&input(notice, leads, "1")).unwrap_err();
            assert!(e.get(field).is_some(), "{notice:?} {leads:?}: {e:?}");
        }
        let e = CaseReviewSettings::parse(&input("7", "5", "")).unwrap_err();
        assert!(e.get("version").is_some());
    }

    #[test]
    fn stored_settings_read_leniently_and_default() {
        let d = CaseReviewSettings::default();
        assert_eq!(
            (
                d.pre_publication_notice_days,
                d.reminder_lead_days,
                d.version
            ),
            (7, vec![10, 5, 2], 0)
        );
        let s = CaseReviewSettings::from_stored(3, "2,x,10,99", 4);
        assert_eq!(s.reminder_lead_days, vec![10, 2]);
        assert_eq!(s.version, 4);
        assert_eq!(
            CaseReviewSettings::from_stored(0, "", 1).pre_publication_notice_days,
            7
        );
        assert_eq!(s.input().reminder_lead_days, "10, 2");
    }

    #[test]
    fn reminders_at_lead_times_and_once_overdue() {
        let leads = [10, 5, 0];
        assert_eq!(reminder_for(10, &leads), Some(Reminder::Ahead(10)));
        assert_eq!(reminder_for(0, &leads), Some(Reminder::Ahead(0)));
        assert_eq!(reminder_for(7, &leads), None);
        assert_eq!(reminder_for(-1, &leads), Some(Reminder::Overdue));
        assert_eq!(reminder_for(-9, &[]), Some(Reminder::Overdue));
        assert_eq!(reminder_for(3, &[]), None);
        assert_eq!(Reminder::Ahead(5).key(), "ahead-5");
        assert_eq!(Reminder::Overdue.key(), "overdue");
    }

    #[test]
    fn a_partial_patch_keeps_what_was_saved() {
        let saved = RapidReviewInput {
            facts: "Saved facts".into(),
            learning: "Saved learning".into(),
            reg11_a: "yes".into(),
            reg11_a_rationale: "Because".into(),
            ..Default::default()
        };
        let p = RapidReviewPatch {
            facts: Some("New facts".into()),
            context: Some(String::new()),
            ..Default::default()
        };
        let merged = p.over(saved.clone());
        assert_eq!(merged.facts, "New facts");
        assert_eq!(merged.learning, "Saved learning");
        assert_eq!(merged.reg11_a_rationale, "Because");
        // an empty patch changes nothing
        let same = RapidReviewPatch::default().over(saved.clone());
        assert_eq!(same.facts, saved.facts);
        assert_eq!(
            RapidReviewPatch::full(&saved, 3)
                .over(RapidReviewInput::default())
                .learning,
            "Saved learning"
        );
        let mut v = ValidationErrors::new();
        assert_eq!(parse_version(&mut v, "0", true), Some(0));
        assert_eq!(parse_version(&mut v, "0", false), None);
        assert!(v.get("version").is_some());
    }

    #[test]
    fn notification_flags_are_unticked_only_when_the_form_showed_them() {
        let saved = NotificationInput {
            reference: "SIN 1".into(),
            resident_elsewhere: "yes".into(),
            ..Default::default()
        };
        // a partial submission: the flag is kept
        let p = NotificationPatch {
            text: NotificationTextPatch {
                summary: Some("New".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let m = p.over(saved.clone());
        assert_eq!((m.reference.as_str(), m.summary.as_str()), ("SIN 1", "New"));
        assert_eq!(m.resident_elsewhere, "yes");
        // the form showed the boxes and this one was left unticked
        let p = NotificationPatch {
            flags_shown: Some("yes".into()),
            looked_after_death: Some("yes".into()),
            ..Default::default()
        };
        let m = p.over(saved);
        assert_eq!(m.resident_elsewhere, "");
        assert_eq!(m.looked_after_death, "yes");
    }
}
