//! Child safeguarding practice reviews (CSPRs), local and thematic (`../shared/docs/DOMAIN.md` 2.5 and
//! 12.2): the stages with their dates, which stage moves are allowed, the inputs and their field
//! errors, and the two clocks.
//!
//! # Stages
//!
//! `commissioned` → `terms_agreed` → `reviewer_appointed` → `information_gathering` → `draft` →
//! `engagement` → `final_approved` → `notice_sent` → `published` | `not_published` → `action_plan` →
//! `closed`. A review only moves forward, one step at a time ([`Stage::allowed_from`]), with two
//! exceptions: `engagement` may be passed over (a family may decline; engagement may have happened
//! earlier), and either `published` or `not_published` follows the notice. Recording the current stage
//! again corrects its date. Each stage has a date: most are columns of `practice_review`; two are
//! reached by recording something else and their date is derived:
//!
//! * `reviewer_appointed`: reached when the terms are agreed and a reviewer is in post (whichever comes
//!   second); its date is the later of the terms date and the first current reviewer's appointment.
//! * `engagement`: reached from `draft` when an engagement held on or after the first draft is
//!   recorded; its date is the first such engagement. Engagement before the draft is recorded but moves
//!   nothing.
//!
//! Recording a draft moves a review at `information_gathering` to `draft` (the first draft's date);
//! drafts cannot be recorded before information gathering has started.
//!
//! # Publication
//!
//! Publishing (or publishing the statement of improvements instead, `not_published`) needs the final
//! report approved and the pre-publication notice sent; the publication date must be at least the
//! partnership's lead time in working days after the notice ([`crate::case_reviews::DEFAULT_NOTICE_WORKING_DAYS`]
//! unless `case_review_settings` says otherwise). Earlier publication is refused, never warned
//! about: the notice is how the National Panel and the Secretary of State see the report first.
//! The published report's address must be `https://`.
//!
//! # Notifications covered
//!
//! A thematic review covers two or more notifications; a local review one, or none: a local review may
//! be commissioned on a case whose notification is not recorded here (another area's incident, or one
//! from before the platform). A review is not commissioned before the date the local authority became
//! aware of any incident it covers, nor in the future.
//!
//! # Clocks
//!
//! [`review_deadlines`]: [`DeadlineRule::CsprComplete`] from the commissioning date (met by publication
//! or the statement of improvements), and, once a publication date is planned,
//! [`DeadlineRule::PrePublicationNotice`] counted back from it (met by the notice).

use crate::ValidationErrors;
use crate::activity::check_url;
use crate::calendar::{Calendar, CalendarResult};
use crate::case_reviews::{Deadline, DeadlineRule, optional_date};
use crate::validation::required_text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest reference.
pub const REFERENCE_MAX: usize = 40;
/// Longest title.
pub const TITLE_MAX: usize = 200;
/// Longest summary, terms of reference, reasons and statements.
pub const TEXT_MAX: usize = 20_000;
/// Longest note.
pub const NOTE_MAX: usize = 4000;
/// Most notifications one review covers.
pub const MAX_COVERED: usize = 20;

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

fn required_date(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
    label: &str,
    today: NaiveDate,
) -> Option<NaiveDate> {
    if value.trim().is_empty() {
        errors.add(field, format!("Enter {}", lower_first(label)));
        return None;
    }
    optional_date(errors, field, value, label, today)
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn checked(v: &str) -> bool {
    matches!(v.trim(), "yes" | "true" | "on" | "1")
}

/// A date as people read it.
pub fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// Local or thematic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    /// One case (one notification, or none recorded here).
    Local,
    /// Several cases on a theme (two or more notifications).
    Thematic,
}

impl ReviewKind {
    /// Both, in form order.
    pub const ALL: [ReviewKind; 2] = [Self::Local, Self::Thematic];
    /// Stored form.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Thematic => "thematic",
        }
    }
    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Local => "Local child safeguarding practice review",
            Self::Thematic => "Thematic review (several cases)",
        }
    }
    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.slug() == s)
    }
}

/// Where a review is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The decision to initiate (day 0 of the 6-month clock).
    Commissioned,
    /// Terms of reference agreed.
    TermsAgreed,
    /// A reviewer appointed (reached through an appointment).
    ReviewerAppointed,
    /// Information gathering.
    InformationGathering,
    /// A first draft received; the partners check time and quality (reg. 14).
    Draft,
    /// Family and practitioner engagement on the draft (reached through an engagement).
    Engagement,
    /// Final report approved by the lead safeguarding partners.
    FinalApproved,
    /// Pre-publication notice sent to the National Panel and the Secretary of State.
    NoticeSent,
    /// Published, with the report's address.
    Published,
    /// Not published: reasons recorded, the statement of improvements published instead.
    NotPublished,
    /// The action plan is monitored.
    ActionPlan,
    /// Closed.
    Closed,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 12] = [
        Self::Commissioned,
        Self::TermsAgreed,
        Self::ReviewerAppointed,
        Self::InformationGathering,
        Self::Draft,
        Self::Engagement,
        Self::FinalApproved,
        Self::NoticeSent,
        Self::Published,
        Self::NotPublished,
        Self::ActionPlan,
        Self::Closed,
    ];

    /// The stages recorded through the stage form (each with its own date); the others are reached
    /// by recording a reviewer or an engagement.
    pub const RECORDED: [Stage; 9] = [
        Self::TermsAgreed,
        Self::InformationGathering,
        Self::Draft,
        Self::FinalApproved,
        Self::NoticeSent,
        Self::Published,
        Self::NotPublished,
        Self::ActionPlan,
        Self::Closed,
    ];

    /// Stored form.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Commissioned => "commissioned",
            Self::TermsAgreed => "terms_agreed",
            Self::ReviewerAppointed => "reviewer_appointed",
            Self::InformationGathering => "information_gathering",
            Self::Draft => "draft",
            Self::Engagement => "engagement",
            Self::FinalApproved => "final_approved",
            Self::NoticeSent => "notice_sent",
            Self::Published => "published",
            Self::NotPublished => "not_published",
            Self::ActionPlan => "action_plan",
            Self::Closed => "closed",
        }
    }

    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Commissioned => "Commissioned",
            Self::TermsAgreed => "Terms of reference agreed",
            Self::ReviewerAppointed => "Reviewer appointed",
            Self::InformationGathering => "Information gathering",
            Self::Draft => "Draft report",
            Self::Engagement => "Family and practitioner engagement",
            Self::FinalApproved => "Final report approved by the lead partners",
            Self::NoticeSent => "Pre-publication notice sent",
            Self::Published => "Published",
            Self::NotPublished => "Not published (statement of improvements published)",
            Self::ActionPlan => "Action plan monitoring",
            Self::Closed => "Closed",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.slug() == s)
    }

    /// True until closed.
    pub fn is_open(self) -> bool {
        self != Self::Closed
    }

    /// True once the review has been published or its statement of improvements has.
    pub fn is_completed(self) -> bool {
        self >= Self::Published
    }

    /// The stages a review may move to this one from.
    pub fn allowed_from(self) -> &'static [Stage] {
        match self {
            Self::Commissioned => &[],
            Self::TermsAgreed => &[Self::Commissioned],
            Self::ReviewerAppointed => &[Self::TermsAgreed],
            Self::InformationGathering => &[Self::ReviewerAppointed],
            Self::Draft => &[Self::InformationGathering],
            Self::Engagement => &[Self::Draft],
            Self::FinalApproved => &[Self::Draft, Self::Engagement],
            Self::NoticeSent => &[Self::FinalApproved],
            Self::Published | Self::NotPublished => &[Self::NoticeSent],
            Self::ActionPlan => &[Self::Published, Self::NotPublished],
            Self::Closed => &[Self::ActionPlan],
        }
    }

    /// The stages that come next from this one, in order.
    pub fn next(self) -> Vec<Stage> {
        Self::ALL
            .into_iter()
            .filter(|s| s.allowed_from().contains(&self))
            .collect()
    }
}

/// The dates of a review's stages (the derived ones filled in by the caller from its reviewers and
/// engagements).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageDates {
    /// Commissioned.
    pub commissioned_on: Option<NaiveDate>,
    /// Terms agreed.
    pub terms_agreed_on: Option<NaiveDate>,
    /// Reviewer appointed (derived).
    pub reviewer_appointed_on: Option<NaiveDate>,
    /// Information gathering started.
    pub information_gathering_on: Option<NaiveDate>,
    /// First draft.
    pub first_draft_on: Option<NaiveDate>,
    /// Engagement on the draft (derived).
    pub engagement_on: Option<NaiveDate>,
    /// Final report approved.
    pub final_approved_on: Option<NaiveDate>,
    /// Notice sent.
    pub notice_sent_on: Option<NaiveDate>,
    /// Published.
    pub published_on: Option<NaiveDate>,
    /// Not published (statement of improvements published).
    pub not_published_on: Option<NaiveDate>,
    /// Action plan monitoring started.
    pub action_plan_on: Option<NaiveDate>,
    /// Closed.
    pub closed_on: Option<NaiveDate>,
}

impl StageDates {
    /// The date of a stage, if reached.
    pub fn date_of(&self, stage: Stage) -> Option<NaiveDate> {
        match stage {
            Stage::Commissioned => self.commissioned_on,
            Stage::TermsAgreed => self.terms_agreed_on,
            Stage::ReviewerAppointed => self.reviewer_appointed_on,
            Stage::InformationGathering => self.information_gathering_on,
            Stage::Draft => self.first_draft_on,
            Stage::Engagement => self.engagement_on,
            Stage::FinalApproved => self.final_approved_on,
            Stage::NoticeSent => self.notice_sent_on,
            Stage::Published => self.published_on,
            Stage::NotPublished => self.not_published_on,
            Stage::ActionPlan => self.action_plan_on,
            Stage::Closed => self.closed_on,
        }
    }

    /// The latest date among the stages before `stage`, with the stage it belongs to.
    pub fn latest_before(&self, stage: Stage) -> Option<(Stage, NaiveDate)> {
        Stage::ALL
            .into_iter()
            .filter(|s| *s < stage)
            .filter_map(|s| self.date_of(s).map(|d| (s, d)))
            .max_by_key(|(_, d)| *d)
    }

    /// The completion date: publication, or publication of the statement of improvements.
    pub fn completed_on(&self) -> Option<NaiveDate> {
        self.published_on.or(self.not_published_on)
    }

    /// The timeline: every stage on the review's path with its date, for a review at `current`.
    /// Stages not reached have no date; of `published` and `not_published` only the one taken is
    /// listed once either is.
    pub fn timeline(&self, current: Stage) -> Vec<(Stage, Option<NaiveDate>)> {
        Stage::ALL
            .into_iter()
            .filter(|s| match s {
                Stage::Published => !(self.not_published_on.is_some() && current.is_completed()),
                Stage::NotPublished => self.not_published_on.is_some(),
                _ => true,
            })
            .map(|s| (s, if s <= current { self.date_of(s) } else { None }))
            .collect()
    }
}

/// The stage a review at `current` reaches once a reviewer is in post and (if so) the terms are
/// agreed: `reviewer_appointed` from `terms_agreed`, otherwise unchanged.
pub fn stage_after_appointment(current: Stage) -> Stage {
    if current == Stage::TermsAgreed {
        Stage::ReviewerAppointed
    } else {
        current
    }
}

/// The stage a review at `current` reaches when an engagement held on `held_on` is recorded.
pub fn stage_after_engagement(current: Stage, dates: &StageDates, held_on: NaiveDate) -> Stage {
    match (current, dates.first_draft_on) {
        (Stage::Draft, Some(d)) if held_on >= d => Stage::Engagement,
        _ => current,
    }
}

/// The date the `reviewer_appointed` stage was reached: the later of the terms date and the first
/// current reviewer's appointment (`None` while either is missing).
pub fn reviewer_appointed_on(
    terms_agreed_on: Option<NaiveDate>,
    first_appointment: Option<NaiveDate>,
) -> Option<NaiveDate> {
    Some(terms_agreed_on?.max(first_appointment?))
}

/// A review as typed into the form or the API.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ReviewInput {
    /// "local" or "thematic".
    #[serde(default)]
    pub kind: String,
    /// Short reference, such as "CSPR 2022-01".
    #[serde(default)]
    pub reference: String,
    /// Pseudonymised title, such as "Child L".
    #[serde(default)]
    pub title: String,
    /// What the review is about, without names.
    #[serde(default)]
    pub summary: String,
    /// The decision to initiate (YYYY-MM-DD).
    #[serde(default)]
    pub commissioned_on: String,
    /// Terms of reference (optional until agreed).
    #[serde(default)]
    pub terms_of_reference: String,
    /// The notifications covered (ids).
    #[serde(default)]
    pub notification_ids: Vec<String>,
}

/// A valid new review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReview {
    /// Kind.
    pub kind: ReviewKind,
    /// Reference.
    pub reference: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Commissioned.
    pub commissioned_on: NaiveDate,
    /// Terms of reference.
    pub terms_of_reference: String,
    /// Notifications covered (distinct).
    pub notifications: Vec<Uuid>,
}

/// The text fields shared by creating and editing.
fn details(
    e: &mut ValidationErrors,
    reference: &str,
    title: &str,
    summary: &str,
    commissioned_on: &str,
    terms: &str,
    today: NaiveDate,
) -> (String, String, String, Option<NaiveDate>, String) {
    let reference = required_text(e, "reference", reference, "a reference", REFERENCE_MAX);
    let title = required_text(
        e,
        "title",
        title,
        "a title, without names (for example, Child L)",
        TITLE_MAX,
    );
    let summary = required_text(
        e,
        "summary",
        summary,
        "a summary of the review, without names",
        TEXT_MAX,
    );
    let commissioned_on = required_date(
        e,
        "commissioned_on",
        commissioned_on,
        "The date the review was commissioned",
        today,
    );
    let terms = optional_text(
        e,
        "terms_of_reference",
        terms,
        "the terms of reference",
        TEXT_MAX,
    );
    (reference, title, summary, commissioned_on, terms)
}

impl NewReview {
    /// Validates the input; `today` is the date in England. The notifications' existence and dates
    /// are checked by the caller with [`check_covered`].
    pub fn parse(i: &ReviewInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let kind = ReviewKind::parse(i.kind.trim());
        if kind.is_none() {
            e.add("kind", "Select whether the review is local or thematic");
        }
        let (reference, title, summary, commissioned_on, terms_of_reference) = details(
            &mut e,
            &i.reference,
            &i.title,
            &i.summary,
            &i.commissioned_on,
            &i.terms_of_reference,
            today,
        );
        let mut notifications: Vec<Uuid> = Vec::new();
        for raw in i
            .notification_ids
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        {
            match raw.parse::<Uuid>() {
                Ok(id) if !notifications.contains(&id) => notifications.push(id),
                Ok(_) => {}
                Err(_) => e.add("notification_ids", "Select notifications from the list"),
            }
        }
        match kind {
            Some(ReviewKind::Thematic) if notifications.len() < 2 => e.add(
                "notification_ids",
                "Select the two or more notifications the thematic review covers",
            ),
            Some(ReviewKind::Local) if notifications.len() > 1 => e.add(
                "notification_ids",
                "A local review covers one notification at most: choose a thematic review for several cases",
            ),
            _ if notifications.len() > MAX_COVERED => e.add(
                "notification_ids",
                format!("A review covers {MAX_COVERED} notifications at most"),
            ),
            _ => {}
        }
        match (kind, commissioned_on) {
            (Some(kind), Some(commissioned_on)) if e.is_empty() => Ok(Self {
                kind,
                reference,
                title,
                summary,
                commissioned_on,
                terms_of_reference,
                notifications,
            }),
            _ => Err(e),
        }
    }
}

/// Adds an error when the review is commissioned before the local authority became aware of a
/// covered incident; `covered` is (reference, date aware).
pub fn check_covered(
    e: &mut ValidationErrors,
    commissioned_on: NaiveDate,
    covered: &[(String, NaiveDate)],
) {
    if let Some((reference, aware)) = covered
        .iter()
        .filter(|(_, a)| *a > commissioned_on)
        .max_by_key(|(_, a)| *a)
    {
        e.add(
            "commissioned_on",
            format!(
                "The date the review was commissioned must be the same as or after the date the local authority became aware of {reference} ({})",
                long_date(*aware)
            ),
        );
    }
}

/// The details of a review as edited (kind and notifications are fixed once commissioned).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct DetailsInput {
    /// Reference.
    #[serde(default)]
    pub reference: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Summary.
    #[serde(default)]
    pub summary: String,
    /// Commissioned (YYYY-MM-DD).
    #[serde(default)]
    pub commissioned_on: String,
    /// Terms of reference.
    #[serde(default)]
    pub terms_of_reference: String,
    /// The version the form was built from.
    #[serde(default)]
    pub version: String,
}

/// Valid details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    /// Reference.
    pub reference: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Commissioned.
    pub commissioned_on: NaiveDate,
    /// Terms of reference.
    pub terms_of_reference: String,
    /// The version edited.
    pub version: i64,
}

impl Details {
    /// Validates the input; the commissioning date may not move after a later stage's date.
    pub fn parse(
        i: &DetailsInput,
        dates: &StageDates,
        today: NaiveDate,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let (reference, title, summary, commissioned_on, terms_of_reference) = details(
            &mut e,
            &i.reference,
            &i.title,
            &i.summary,
            &i.commissioned_on,
            &i.terms_of_reference,
            today,
        );
        let version = crate::activity::parse_version(&mut e, &i.version);
        if let Some(c) = commissioned_on
            && let Some((stage, d)) = Stage::ALL
                .into_iter()
                .skip(1)
                .filter_map(|s| dates.date_of(s).map(|d| (s, d)))
                .filter(|(_, d)| *d < c)
                .min_by_key(|(_, d)| *d)
        {
            e.add(
                "commissioned_on",
                format!(
                    "The date the review was commissioned must be on or before the date of the stage \"{}\" ({})",
                    stage.label(),
                    long_date(d)
                ),
            );
        }
        match (commissioned_on, version) {
            (Some(commissioned_on), Some(version)) if e.is_empty() => Ok(Self {
                reference,
                title,
                summary,
                commissioned_on,
                terms_of_reference,
                version,
            }),
            _ => Err(e),
        }
    }
}

/// A stage move as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct StageInput {
    /// The stage reached (a slug of [`Stage::RECORDED`]).
    #[serde(default)]
    pub stage: String,
    /// The date it was reached (YYYY-MM-DD).
    #[serde(default)]
    pub stage_on: String,
    /// With the notice: the planned publication date (YYYY-MM-DD, may be in the future).
    #[serde(default)]
    pub planned_publication_on: String,
    /// With publication: the report's https address.
    #[serde(default)]
    pub published_url: String,
    /// With non-publication: the reasons.
    #[serde(default)]
    pub not_published_reasons: String,
    /// With non-publication: the statement of the improvements to be made, published instead.
    #[serde(default)]
    pub improvements_statement: String,
}

/// A valid stage move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageMove {
    /// The stage recorded.
    pub stage: Stage,
    /// Its date.
    pub on: NaiveDate,
    /// The stage the review is at afterwards (terms agreed with a reviewer in post is
    /// `reviewer_appointed`).
    pub result: Stage,
    /// Planned publication (with the notice).
    pub planned_publication_on: Option<NaiveDate>,
    /// The report's address (with publication).
    pub published_url: String,
    /// Reasons (with non-publication).
    pub not_published_reasons: String,
    /// Statement of improvements (with non-publication).
    pub improvements_statement: String,
}

/// What a stage move is checked against.
#[derive(Debug, Clone, Copy)]
pub struct MoveContext<'a> {
    /// The review's stage now.
    pub current: Stage,
    /// Its dates.
    pub dates: &'a StageDates,
    /// The first appointment of a reviewer still in post, if any.
    pub first_appointment: Option<NaiveDate>,
    /// The partnership's pre-publication lead time in working days.
    pub notice_days: u32,
    /// Today in England.
    pub today: NaiveDate,
}

/// The message for a move that skips a step.
fn out_of_order(current: Stage, target: Stage) -> String {
    match target {
        Stage::Published | Stage::NotPublished if current < Stage::FinalApproved => format!(
            "The review cannot be {} before the final report has been approved by the lead safeguarding partners",
            if target == Stage::Published {
                "published"
            } else {
                "closed without publication"
            }
        ),
        Stage::Published | Stage::NotPublished => {
            "Record the pre-publication notice to the National Panel and the Secretary of State before publication".to_owned()
        }
        Stage::InformationGathering if current < Stage::ReviewerAppointed => {
            "Agree the terms of reference and appoint a reviewer before information gathering".to_owned()
        }
        _ => {
            let needed = target.allowed_from().first().copied().unwrap_or(Stage::Commissioned);
            format!(
                "The review is at \"{}\": it must reach \"{}\" before \"{}\"",
                current.label(),
                needed.label(),
                target.label()
            )
        }
    }
}

impl StageMove {
    /// Validates a move against the review's stage and dates. Refuses going back, skipping a step
    /// (publication before final approval, for one), dates in the future or before the previous
    /// stage, and publication earlier than the lead time after the notice.
    pub fn parse(
        i: &StageInput,
        cx: &MoveContext<'_>,
        cal: &Calendar,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let raw = i.stage.trim();
        let stage = Stage::parse(raw);
        match stage {
            None => e.add("stage", "Select the stage the review has reached"),
            Some(Stage::Commissioned) => e.add(
                "stage",
                "The commissioning date is changed with the review's details",
            ),
            Some(Stage::ReviewerAppointed) => e.add(
                "stage",
                "Appoint a reviewer: the review reaches this stage once the terms are agreed and a reviewer is in post",
            ),
            Some(Stage::Engagement) => e.add(
                "stage",
                "Record an engagement held on or after the first draft: the review reaches this stage then",
            ),
            Some(s) if s == cx.current => {}
            Some(s) if s < cx.current => e.add(
                "stage",
                format!(
                    "The review is already at \"{}\": stages only move forward (record \"{}\" again to correct its date)",
                    cx.current.label(),
                    cx.current.label()
                ),
            ),
            Some(s) if !s.allowed_from().contains(&cx.current) => {
                e.add("stage", out_of_order(cx.current, s));
            }
            Some(_) => {}
        }
        let on = required_date(
            &mut e,
            "stage_on",
            &i.stage_on,
            "The date of the stage",
            cx.today,
        );
        let Some(stage) = stage.filter(|_| e.is_empty()) else {
            return Err(e);
        };
        let Some(on) = on else { return Err(e) };
        if let Some((prev, d)) = cx.dates.latest_before(stage)
            && on < d
        {
            e.add(
                "stage_on",
                format!(
                    "The date of the stage must be the same as or after \"{}\" ({})",
                    prev.label(),
                    long_date(d)
                ),
            );
        }
        let mut m = Self {
            stage,
            on,
            result: stage,
            planned_publication_on: None,
            published_url: String::new(),
            not_published_reasons: String::new(),
            improvements_statement: String::new(),
        };
        let n = cx.notice_days;
        match stage {
            Stage::TermsAgreed if cx.first_appointment.is_some() => {
                m.result = Stage::ReviewerAppointed;
            }
            Stage::NoticeSent => {
                let planned = i.planned_publication_on.trim();
                if planned.is_empty() {
                    e.add(
                        "planned_publication_on",
                        "Enter the planned publication date",
                    );
                } else {
                    match crate::calendar::parse_date(planned)
                        .filter(|d| crate::calendar::in_range(*d))
                    {
                        None => e.add(
                            "planned_publication_on",
                            "The planned publication date must be a real date in the form YYYY-MM-DD, for example 2023-03-15",
                        ),
                        Some(p) => match cal.add_working_days(on, n) {
                            Ok(earliest) if p < earliest => e.add(
                                "planned_publication_on",
                                format!(
                                    "The planned publication date must be at least {n} working days after the notice: {} at the earliest",
                                    long_date(earliest)
                                ),
                            ),
                            Ok(_) => m.planned_publication_on = Some(p),
                            Err(_) => e.add(
                                "planned_publication_on",
                                "The planned publication date falls outside the working-day calendar",
                            ),
                        },
                    }
                }
            }
            Stage::Published | Stage::NotPublished => {
                if let Some(sent) = cx.dates.notice_sent_on {
                    match cal.add_working_days(sent, n) {
                        Ok(earliest) if on < earliest => e.add(
                            "stage_on",
                            format!(
                                "Publication must be at least {n} working days after the pre-publication notice was sent on {}: {} at the earliest",
                                long_date(sent),
                                long_date(earliest)
                            ),
                        ),
                        Ok(_) => {}
                        Err(_) => e.add(
                            "stage_on",
                            "The publication date falls outside the working-day calendar",
                        ),
                    }
                }
                if stage == Stage::Published {
                    match check_url(&i.published_url) {
                        Ok(u) => m.published_url = u,
                        Err(msg) => e.add("published_url", msg),
                    }
                } else {
                    m.not_published_reasons = required_text(
                        &mut e,
                        "not_published_reasons",
                        &i.not_published_reasons,
                        "the reasons the report is not published",
                        TEXT_MAX,
                    );
                    m.improvements_statement = required_text(
                        &mut e,
                        "improvements_statement",
                        &i.improvements_statement,
                        "the statement of the improvements to be made, which is published instead",
                        TEXT_MAX,
                    );
                }
            }
            _ => {}
        }
        e.into_result(m)
    }
}

/// The clocks of a review: completion from the commissioning date (met when published or when the
/// statement of improvements is), and, with a planned publication date, the pre-publication notice
/// (met when sent).
pub fn review_deadlines(
    cal: &Calendar,
    dates: &StageDates,
    planned_publication_on: Option<NaiveDate>,
    notice_days: u32,
) -> CalendarResult<Vec<Deadline>> {
    let mut out = Vec::new();
    if let Some(c) = dates.commissioned_on {
        let mut d = Deadline::start(cal, DeadlineRule::CsprComplete, c)?;
        d.met_on = dates.completed_on();
        out.push(d);
    }
    if let Some(p) = planned_publication_on {
        let mut d =
            Deadline::start_with_notice(cal, DeadlineRule::PrePublicationNotice, p, notice_days)?;
        d.met_on = dates.notice_sent_on;
        out.push(d);
    }
    Ok(out)
}

/// A reviewer's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewerRole {
    /// Leads the review.
    LeadReviewer,
    /// A reviewer.
    Reviewer,
    /// Chairs the review panel.
    PanelChair,
}

impl ReviewerRole {
    /// Every role, in form order.
    pub const ALL: [ReviewerRole; 3] = [Self::LeadReviewer, Self::Reviewer, Self::PanelChair];
    /// Stored form.
    pub fn slug(self) -> &'static str {
        match self {
            Self::LeadReviewer => "lead_reviewer",
            Self::Reviewer => "reviewer",
            Self::PanelChair => "panel_chair",
        }
    }
    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::LeadReviewer => "Lead reviewer",
            Self::Reviewer => "Reviewer",
            Self::PanelChair => "Review panel chair",
        }
    }
    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.slug() == s)
    }
}

/// A reviewer as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ReviewerInput {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Organisation (or "Independent").
    #[serde(default)]
    pub organisation: String,
    /// "lead_reviewer", "reviewer" or "panel_chair".
    #[serde(default)]
    pub role: String,
    /// "yes" when independent of the partnership's agencies.
    #[serde(default)]
    pub independent: String,
    /// Date appointed (YYYY-MM-DD).
    #[serde(default)]
    pub appointed_on: String,
}

/// A valid reviewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReviewer {
    /// Name.
    pub name: String,
    /// Organisation.
    pub organisation: String,
    /// Role.
    pub role: ReviewerRole,
    /// Independent.
    pub independent: bool,
    /// Appointed.
    pub appointed_on: NaiveDate,
}

impl NewReviewer {
    /// Validates the input: appointed on or after the commissioning date, not in the future.
    pub fn parse(
        i: &ReviewerInput,
        commissioned_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let name = required_text(&mut e, "name", &i.name, "the reviewer's name", 200);
        let organisation = required_text(
            &mut e,
            "organisation",
            &i.organisation,
            "the reviewer's organisation (or Independent)",
            200,
        );
        let role = ReviewerRole::parse(i.role.trim());
        if role.is_none() {
            e.add("role", "Select the reviewer's role");
        }
        let appointed_on = required_date(
            &mut e,
            "appointed_on",
            &i.appointed_on,
            "The date appointed",
            today,
        );
        if appointed_on.is_some_and(|a| a < commissioned_on) {
            e.add(
                "appointed_on",
                format!(
                    "The date appointed must be the same as or after the date the review was commissioned ({})",
                    long_date(commissioned_on)
                ),
            );
        }
        match (role, appointed_on) {
            (Some(role), Some(appointed_on)) if e.is_empty() => Ok(Self {
                name,
                organisation,
                role,
                independent: checked(&i.independent),
                appointed_on,
            }),
            _ => Err(e),
        }
    }
}

/// Ending a reviewer's appointment, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct EndReviewerInput {
    /// The reviewer (id).
    #[serde(default)]
    pub reviewer_id: String,
    /// Date ended (YYYY-MM-DD).
    #[serde(default)]
    pub ended_on: String,
}

/// Parses the end of an appointment: on or after `appointed_on`, not in the future.
pub fn parse_end(
    i: &EndReviewerInput,
    appointed_on: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, ValidationErrors> {
    let mut e = ValidationErrors::new();
    let ended = required_date(
        &mut e,
        "ended_on",
        &i.ended_on,
        "The date the appointment ended",
        today,
    );
    match ended {
        Some(d) if d < appointed_on => {
            e.add(
                "ended_on",
                format!(
                    "The date the appointment ended must be the same as or after the date appointed ({})",
                    long_date(appointed_on)
                ),
            );
            Err(e)
        }
        Some(d) if e.is_empty() => Ok(d),
        _ => Err(e),
    }
}

/// A reg. 14 check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// The partners' periodic check of the time taken and the quality.
    TimeQuality,
    /// A written request to the reviewer for information or a draft.
    WrittenRequest,
}

impl CheckKind {
    /// Both, in form order.
    pub const ALL: [CheckKind; 2] = [Self::TimeQuality, Self::WrittenRequest];
    /// Stored form.
    pub fn slug(self) -> &'static str {
        match self {
            Self::TimeQuality => "time_quality",
            Self::WrittenRequest => "written_request",
        }
    }
    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::TimeQuality => "Check of the time taken and the quality (reg. 14)",
            Self::WrittenRequest => "Written request to the reviewer (reg. 14)",
        }
    }
    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.slug() == s)
    }
}

/// A check or written request as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CheckInput {
    /// "time_quality" or "written_request".
    #[serde(default)]
    pub kind: String,
    /// Date (YYYY-MM-DD).
    #[serde(default)]
    pub checked_on: String,
    /// What was checked or asked for, and the outcome.
    #[serde(default)]
    pub note: String,
    /// For a written request: when the reviewer answered (YYYY-MM-DD), optional.
    #[serde(default)]
    pub answered_on: String,
}

/// A valid check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCheck {
    /// Kind.
    pub kind: CheckKind,
    /// Date.
    pub checked_on: NaiveDate,
    /// Note.
    pub note: String,
    /// Answered (written requests only).
    pub answered_on: Option<NaiveDate>,
}

impl NewCheck {
    /// Validates: on or after commissioning; an answer only to a written request, not before it.
    pub fn parse(
        i: &CheckInput,
        commissioned_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let kind = CheckKind::parse(i.kind.trim());
        if kind.is_none() {
            e.add("kind", "Select a check or a written request");
        }
        let checked_on = required_date(
            &mut e,
            "checked_on",
            &i.checked_on,
            "The date of the check or request",
            today,
        );
        if checked_on.is_some_and(|d| d < commissioned_on) {
            e.add(
                "checked_on",
                format!(
                    "The date must be the same as or after the date the review was commissioned ({})",
                    long_date(commissioned_on)
                ),
            );
        }
        let note = required_text(
            &mut e,
            "note",
            &i.note,
            "what was checked or asked for",
            NOTE_MAX,
        );
        let answered_on = optional_date(
            &mut e,
            "answered_on",
            &i.answered_on,
            "The date the reviewer answered",
            today,
        );
        if answered_on.is_some() && kind == Some(CheckKind::TimeQuality) {
            e.add(
                "answered_on",
                "Only a written request to the reviewer has an answer date",
            );
        }
        if let (Some(a), Some(c)) = (answered_on, checked_on)
            && a < c
        {
            e.add(
                "answered_on",
                "The date the reviewer answered must be the same as or after the date of the request",
            );
        }
        match (kind, checked_on) {
            (Some(kind), Some(checked_on)) if e.is_empty() => Ok(Self {
                kind,
                checked_on,
                note,
                answered_on,
            }),
            _ => Err(e),
        }
    }
}

/// Who an engagement was with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EngagementWith {
    /// The family.
    Family,
    /// The child.
    Child,
    /// Practitioners.
    Practitioners,
    /// Agency safeguarding leads.
    AgencyLeads,
}

impl EngagementWith {
    /// Every value, in form order.
    pub const ALL: [EngagementWith; 4] = [
        Self::Family,
        Self::Child,
        Self::Practitioners,
        Self::AgencyLeads,
    ];
    /// Stored form.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Family => "family",
            Self::Child => "child",
            Self::Practitioners => "practitioners",
            Self::AgencyLeads => "agency_leads",
        }
    }
    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Family => "The family",
            Self::Child => "The child",
            Self::Practitioners => "Practitioners",
            Self::AgencyLeads => "Agency safeguarding leads",
        }
    }
    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.slug() == s)
    }
}

/// An engagement as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct EngagementInput {
    /// "family", "child", "practitioners" or "agency_leads".
    #[serde(default)]
    pub with_whom: String,
    /// Date (YYYY-MM-DD).
    #[serde(default)]
    pub held_on: String,
    /// Note (no names).
    #[serde(default)]
    pub note: String,
}

/// A valid engagement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEngagement {
    /// With whom.
    pub with_whom: EngagementWith,
    /// Date.
    pub held_on: NaiveDate,
    /// Note.
    pub note: String,
}

impl NewEngagement {
    /// Validates: on or after commissioning, not in the future.
    pub fn parse(
        i: &EngagementInput,
        commissioned_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let with_whom = EngagementWith::parse(i.with_whom.trim());
        if with_whom.is_none() {
            e.add("with_whom", "Select who the engagement was with");
        }
        let held_on = required_date(
            &mut e,
            "held_on",
            &i.held_on,
            "The date of the engagement",
            today,
        );
        if held_on.is_some_and(|d| d < commissioned_on) {
            e.add(
                "held_on",
                format!(
                    "The date must be the same as or after the date the review was commissioned ({})",
                    long_date(commissioned_on)
                ),
            );
        }
        let note = required_text(
            &mut e,
            "note",
            &i.note,
            "a note of the engagement, without names",
            NOTE_MAX,
        );
        match (with_whom, held_on) {
            (Some(with_whom), Some(held_on)) if e.is_empty() => Ok(Self {
                with_whom,
                held_on,
                note,
            }),
            _ => Err(e),
        }
    }
}

/// A draft as typed (the document, if any, comes with the form).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct DraftInput {
    /// Label, such as "Draft 2" or "Final report".
    #[serde(default)]
    pub label: String,
    /// Date received (YYYY-MM-DD).
    #[serde(default)]
    pub received_on: String,
    /// "yes" for the final report.
    #[serde(default)]
    pub is_final: String,
}

/// A valid draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDraft {
    /// Label.
    pub label: String,
    /// Received.
    pub received_on: NaiveDate,
    /// The final report.
    pub is_final: bool,
}

impl NewDraft {
    /// Validates: a review takes drafts once information gathering has started, received on or after
    /// that date.
    pub fn parse(
        i: &DraftInput,
        current: Stage,
        dates: &StageDates,
        today: NaiveDate,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let label = required_text(
            &mut e,
            "label",
            &i.label,
            "a label for the draft (for example, Draft 1)",
            200,
        );
        let received_on = required_date(
            &mut e,
            "received_on",
            &i.received_on,
            "The date the draft was received",
            today,
        );
        match (current >= Stage::InformationGathering, dates.information_gathering_on) {
            (false, _) => e.add(
                "label",
                "Record the start of information gathering before the first draft",
            ),
            (true, Some(ig)) if received_on.is_some_and(|r| r < ig) => e.add(
                "received_on",
                format!(
                    "The date received must be the same as or after the start of information gathering ({})",
                    long_date(ig)
                ),
            ),
            _ => {}
        }
        match received_on {
            Some(received_on) if e.is_empty() => Ok(Self {
                label,
                received_on,
                is_final: checked(&i.is_final),
            }),
            _ => Err(e),
        }
    }
}

/// The stage a review at `current` reaches when a draft received on `received_on` is recorded:
/// `draft` from `information_gathering`.
pub fn stage_after_draft(current: Stage) -> Stage {
    if current == Stage::InformationGathering {
        Stage::Draft
    } else {
        current
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn cal() -> Calendar {
        Calendar::england_and_wales()
    }

    fn dates_until(stage: Stage) -> StageDates {
        let mut x = StageDates {
            commissioned_on: Some(d("2022-09-27")),
            ..Default::default()
        };
        let steps = [
            (Stage::TermsAgreed, "2022-10-11"),
            (Stage::ReviewerAppointed, "2022-10-20"),
            (Stage::InformationGathering, "2022-10-24"),
            (Stage::Draft, "2023-01-09"),
            (Stage::Engagement, "2023-01-16"),
            (Stage::FinalApproved, "2023-02-20"),
            (Stage::NoticeSent, "2023-02-27"),
        ];
        for (s, v) in steps {
            if s > stage {
                break;
            }
            let v = Some(d(v));
            match s {
                Stage::TermsAgreed => x.terms_agreed_on = v,
                Stage::ReviewerAppointed => x.reviewer_appointed_on = v,
                Stage::InformationGathering => x.information_gathering_on = v,
                Stage::Draft => x.first_draft_on = v,
                Stage::Engagement => x.engagement_on = v,
                Stage::FinalApproved => x.final_approved_on = v,
                _ => x.notice_sent_on = v,
            }
        }
        x
    }

    fn cx(current: Stage, dates: &StageDates) -> MoveContext<'_> {
        MoveContext {
            current,
            dates,
            first_appointment: Some(d("2022-10-20")),
            notice_days: 7,
            today: d("2023-06-30"),
        }
    }

    fn mv(stage: &str, on: &str) -> StageInput {
        StageInput {
            stage: stage.into(),
            stage_on: on.into(),
            ..Default::default()
        }
    }

    #[test]
    fn stages_move_forward_one_step_at_a_time() {
        let c = cal();
        let x = dates_until(Stage::Commissioned);
        let mut cx0 = cx(Stage::Commissioned, &x);
        cx0.first_appointment = None;
        let m = StageMove::parse(&mv("terms_agreed", "2022-10-11"), &cx0, &c).unwrap();
        assert_eq!(m.result, Stage::TermsAgreed);
        // with a reviewer already in post, agreeing the terms reaches "reviewer appointed"
        let m = StageMove::parse(
            &mv("terms_agreed", "2022-10-11"),
            &cx(Stage::Commissioned, &x),
            &c,
        )
        .unwrap();
        assert_eq!(m.result, Stage::ReviewerAppointed);
        // skipping ahead is refused with a message naming the missing step
        let e = StageMove::parse(&mv("draft", "2022-10-11"), &cx0, &c).unwrap_err();
        assert!(
            e.get("stage").unwrap().contains("Information gathering"),
            "{e:?}"
        );
        let e = StageMove::parse(&mv("information_gathering", "2022-10-11"), &cx0, &c).unwrap_err();
        assert!(e.get("stage").unwrap().contains("appoint a reviewer"));
        // the derived stages cannot be recorded directly
        for s in [
            "reviewer_appointed",
            "engagement",
            "commissioned",
            "nonsense",
            "",
        ] {
            assert!(
                StageMove::parse(&mv(s, "2022-10-11"), &cx0, &c).is_err(),
                "{s}"
            );
        }
        // going back is refused; the current stage again corrects its date
        let x = dates_until(Stage::Draft);
        let e = StageMove::parse(&mv("terms_agreed", "2022-10-12"), &cx(Stage::Draft, &x), &c)
            .unwrap_err();
        assert!(e.get("stage").unwrap().contains("only move forward"));
        let m = StageMove::parse(&mv("draft", "2023-01-10"), &cx(Stage::Draft, &x), &c).unwrap();
        assert_eq!(m.stage, Stage::Draft);
        // final approval from the draft (engagement passed over) or from engagement
        assert!(
            StageMove::parse(
                &mv("final_approved", "2023-02-20"),
                &cx(Stage::Draft, &x),
                &c
            )
            .is_ok()
        );
        let x = dates_until(Stage::Engagement);
        assert!(
            StageMove::parse(
                &mv("final_approved", "2023-02-20"),
                &cx(Stage::Engagement, &x),
                &c
            )
            .is_ok()
        );
        assert_eq!(
            Stage::NoticeSent.next(),
            vec![Stage::Published, Stage::NotPublished]
        );
        assert_eq!(Stage::Closed.next(), Vec::<Stage>::new());
    }

    #[test]
    fn dates_are_not_in_the_future_nor_before_the_previous_stage() {
        let c = cal();
        let x = dates_until(Stage::ReviewerAppointed);
        let e = StageMove::parse(
            &mv("information_gathering", "2022-10-19"),
            &cx(Stage::ReviewerAppointed, &x),
            &c,
        )
        .unwrap_err();
        assert!(e.get("stage_on").unwrap().contains("Reviewer appointed"));
        let e = StageMove::parse(
            &mv("information_gathering", "2023-07-01"),
            &cx(Stage::ReviewerAppointed, &x),
            &c,
        )
        .unwrap_err();
        assert!(e.get("stage_on").unwrap().contains("today or in the past"));
        let e = StageMove::parse(
            &mv("information_gathering", "2023-02-30"),
            &cx(Stage::ReviewerAppointed, &x),
            &c,
        )
        .unwrap_err();
        assert!(e.get("stage_on").unwrap().contains("real date"));
    }

    #[test]
    fn publishing_needs_final_approval_the_notice_and_the_lead_time() {
        let c = cal();
        let published = |on: &str| StageInput {
            stage: "published".into(),
            stage_on: on.into(),
            published_url: "https://www.example-lscp.org.uk/cspr/child-l".into(),
            ..Default::default()
        };
        // before final approval
        let x = dates_until(Stage::Draft);
        let e = StageMove::parse(&published("2023-03-20"), &cx(Stage::Draft, &x), &c).unwrap_err();
        assert_eq!(
            e.get("stage"),
            Some(
                "The review cannot be published before the final report has been approved by the lead safeguarding partners"
            )
        );
        // approved but no notice
        let x = dates_until(Stage::FinalApproved);
        let e = StageMove::parse(&published("2023-03-20"), &cx(Stage::FinalApproved, &x), &c)
            .unwrap_err();
        assert!(e.get("stage").unwrap().contains("pre-publication notice"));
        // notice sent Monday 27 February 2023: 7 working days later is Wednesday 8 March
        let x = dates_until(Stage::NoticeSent);
        let e =
            StageMove::parse(&published("2023-03-07"), &cx(Stage::NoticeSent, &x), &c).unwrap_err();
        assert_eq!(
            e.get("stage_on"),
            Some(
                "Publication must be at least 7 working days after the pre-publication notice was sent on 27 February 2023: 8 March 2023 at the earliest"
            )
        );
        let m = StageMove::parse(&published("2023-03-08"), &cx(Stage::NoticeSent, &x), &c).unwrap();
        assert_eq!(
            m.published_url,
            "https://www.example-lscp.org.uk/cspr/child-l"
        );
        // a partnership's 10 days
        let mut ten = cx(Stage::NoticeSent, &x);
        ten.notice_days = 10;
        assert!(StageMove::parse(&published("2023-03-10"), &ten, &c).is_err());
        assert!(StageMove::parse(&published("2023-03-13"), &ten, &c).is_ok());
        // the address must be https
        let mut i = published("2023-03-08");
        i.published_url = "http://www.example-lscp.org.uk/cspr".into();
        let e = StageMove::parse(&i, &cx(Stage::NoticeSent, &x), &c).unwrap_err();
        assert!(e.get("published_url").unwrap().contains("https://"));
        // not published: reasons and the statement required
        let i = StageInput {
            stage: "not_published".into(),
            stage_on: "2023-03-08".into(),
            not_published_reasons: "Publication would identify the siblings.".into(),
            ..Default::default()
        };
        let e = StageMove::parse(&i, &cx(Stage::NoticeSent, &x), &c).unwrap_err();
        assert!(e.get("improvements_statement").is_some());
        assert!(e.get("not_published_reasons").is_none());
    }

    #[test]
    fn the_notice_needs_a_planned_date_far_enough_ahead_across_bank_holidays() {
        let c = cal();
        let x = dates_until(Stage::FinalApproved);
        let mut i = mv("notice_sent", "2023-04-05");
        let e = StageMove::parse(&i, &cx(Stage::FinalApproved, &x), &c).unwrap_err();
        assert!(e.get("planned_publication_on").is_some());
        // Wednesday 5 April 2023 + 7 working days, past Good Friday and Easter Monday: Tuesday 18 April
        i.planned_publication_on = "2023-04-17".into();
        let e = StageMove::parse(&i, &cx(Stage::FinalApproved, &x), &c).unwrap_err();
        assert!(
            e.get("planned_publication_on")
                .unwrap()
                .contains("18 April 2023")
        );
        i.planned_publication_on = "2023-04-18".into();
        assert!(StageMove::parse(&i, &cx(Stage::FinalApproved, &x), &c).is_ok());
        // the plan may be in the future
        i.planned_publication_on = "2023-09-01".into();
        let m = StageMove::parse(&i, &cx(Stage::FinalApproved, &x), &c).unwrap();
        assert_eq!(m.planned_publication_on, Some(d("2023-09-01")));
    }

    #[test]
    fn clocks_of_a_review() {
        let c = cal();
        let mut x = dates_until(Stage::NoticeSent);
        let v = review_deadlines(&c, &x, Some(d("2023-03-09")), 7).unwrap();
        assert_eq!(v[0].rule, DeadlineRule::CsprComplete);
        assert_eq!(v[0].due, d("2023-03-27"));
        assert_eq!(v[0].met_on, None);
        assert_eq!(v[1].rule, DeadlineRule::PrePublicationNotice);
        // 7 working days before Thursday 9 March 2023: Tuesday 28 February; the notice on the 27th met it
        assert_eq!(v[1].due, d("2023-02-28"));
        assert_eq!(v[1].met_on, Some(d("2023-02-27")));
        x.not_published_on = Some(d("2023-03-09"));
        let v = review_deadlines(&c, &x, None, 7).unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].met_on, Some(d("2023-03-09")));
    }

    #[test]
    fn a_new_review_covers_the_right_number_of_notifications() {
        let today = d("2023-06-30");
        let a = Uuid::new_v4().to_string();
        let b = Uuid::new_v4().to_string();
        let mut i = ReviewInput {
            kind: "thematic".into(),
            reference: "TR 2022-01".into(),
            title: "Neglect: two families".into(),
            summary: "Two cases of chronic neglect.".into(),
            commissioned_on: "2023-02-20".into(),
            notification_ids: vec![a.clone()],
            ..Default::default()
        };
        assert!(
            NewReview::parse(&i, today)
                .unwrap_err()
                .get("notification_ids")
                .is_some()
        );
        i.notification_ids = vec![a.clone(), b.clone(), a.clone()];
        assert_eq!(NewReview::parse(&i, today).unwrap().notifications.len(), 2);
        i.kind = "local".into();
        assert!(NewReview::parse(&i, today).is_err());
        i.notification_ids = vec![];
        assert!(
            NewReview::parse(&i, today).is_ok(),
            "a local review without a notification here"
        );
        i.notification_ids = vec!["not-an-id".into()];
        assert!(NewReview::parse(&i, today).is_err());
        i.notification_ids = vec![];
        i.commissioned_on = "2023-07-01".into();
        assert!(
            NewReview::parse(&i, today)
                .unwrap_err()
                .get("commissioned_on")
                .is_some()
        );
        let mut e = ValidationErrors::new();
        check_covered(
            &mut e,
            d("2023-01-10"),
            &[
                ("SIN 2022-04".into(), d("2021-11-15")),
                ("SIN 2023-01".into(), d("2023-01-18")),
            ],
        );
        assert!(e.get("commissioned_on").unwrap().contains("SIN 2023-01"));
        let mut e = ValidationErrors::new();
        check_covered(
            &mut e,
            d("2023-01-18"),
            &[("SIN 2023-01".into(), d("2023-01-18"))],
        );
        assert!(e.is_empty());
    }

    #[test]
    fn the_commissioning_date_stays_before_later_stages() {
        let x = dates_until(Stage::TermsAgreed);
        let i = DetailsInput {
            reference: "CSPR 2022-01".into(),
            title: "Child L".into(),
            summary: "A review.".into(),
            commissioned_on: "2022-10-12".into(),
            version: "3".into(),
            ..Default::default()
        };
        let e = Details::parse(&i, &x, d("2023-06-30")).unwrap_err();
        assert!(
            e.get("commissioned_on")
                .unwrap()
                .contains("Terms of reference agreed")
        );
        let mut i = i;
        i.commissioned_on = "2022-10-11".into();
        assert_eq!(Details::parse(&i, &x, d("2023-06-30")).unwrap().version, 3);
        i.version = "".into();
        assert!(
            Details::parse(&i, &x, d("2023-06-30"))
                .unwrap_err()
                .get("version")
                .is_some()
        );
    }

    #[test]
    fn derived_stages_reviewers_engagements_and_drafts() {
        assert_eq!(
            stage_after_appointment(Stage::TermsAgreed),
            Stage::ReviewerAppointed
        );
        assert_eq!(
            stage_after_appointment(Stage::Commissioned),
            Stage::Commissioned
        );
        assert_eq!(stage_after_appointment(Stage::Draft), Stage::Draft);
        assert_eq!(
            reviewer_appointed_on(Some(d("2022-10-11")), Some(d("2022-10-03"))),
            Some(d("2022-10-11"))
        );
        assert_eq!(reviewer_appointed_on(None, Some(d("2022-10-03"))), None);
        let x = dates_until(Stage::Draft);
        assert_eq!(
            stage_after_engagement(Stage::Draft, &x, d("2023-01-09")),
            Stage::Engagement
        );
        assert_eq!(
            stage_after_engagement(Stage::Draft, &x, d("2023-01-06")),
            Stage::Draft
        );
        assert_eq!(
            stage_after_engagement(Stage::InformationGathering, &x, d("2023-01-16")),
            Stage::InformationGathering
        );
        assert_eq!(stage_after_draft(Stage::InformationGathering), Stage::Draft);
        let i = DraftInput {
            label: "Draft 1".into(),
            received_on: "2023-01-09".into(),
            ..Default::default()
        };
        let early = dates_until(Stage::ReviewerAppointed);
        assert!(NewDraft::parse(&i, Stage::ReviewerAppointed, &early, d("2023-06-30")).is_err());
        let ig = dates_until(Stage::InformationGathering);
        assert!(NewDraft::parse(&i, Stage::InformationGathering, &ig, d("2023-06-30")).is_ok());
        let mut before = i.clone();
        before.received_on = "2022-10-01".into();
        assert!(
            NewDraft::parse(&before, Stage::InformationGathering, &ig, d("2023-06-30")).is_err()
        );
    }

    #[test]
    fn reviewers_checks_and_engagements_validate_their_dates() {
        let c = d("2022-09-27");
        let today = d("2023-06-30");
        let r = ReviewerInput {
            name: "Dr A Reviewer".into(),
            organisation: "Independent".into(),
            role: "lead_reviewer".into(),
            independent: "yes".into(),
            appointed_on: "2022-09-26".into(),
        };
        assert!(
            NewReviewer::parse(&r, c, today)
                .unwrap_err()
                .get("appointed_on")
                .is_some()
        );
        let r = ReviewerInput {
            appointed_on: "2022-10-03".into(),
            ..r
        };
        let ok = NewReviewer::parse(&r, c, today).unwrap();
        assert!(ok.independent);
        let end = EndReviewerInput {
            reviewer_id: String::new(),
            ended_on: "2022-10-02".into(),
        };
        assert!(parse_end(&end, ok.appointed_on, today).is_err());
        let ch = CheckInput {
            kind: "time_quality".into(),
            checked_on: "2022-12-01".into(),
            note: "On time; good quality.".into(),
            answered_on: "2022-12-02".into(),
        };
        assert!(
            NewCheck::parse(&ch, c, today)
                .unwrap_err()
                .get("answered_on")
                .is_some()
        );
        let ch = CheckInput {
            kind: "written_request".into(),
            answered_on: "2022-11-30".into(),
            ..ch
        };
        assert!(NewCheck::parse(&ch, c, today).is_err());
        let ch = CheckInput {
            answered_on: "2022-12-05".into(),
            ..ch
        };
        assert_eq!(
            NewCheck::parse(&ch, c, today).unwrap().answered_on,
            Some(d("2022-12-05"))
        );
        let en = EngagementInput {
            with_whom: "family".into(),
            held_on: "2022-09-01".into(),
            note: "Met the mother.".into(),
        };
        assert!(NewEngagement::parse(&en, c, today).is_err());
    }

    #[test]
    fn the_timeline_lists_the_path_taken() {
        let mut x = dates_until(Stage::NoticeSent);
        let t = x.timeline(Stage::NoticeSent);
        assert_eq!(t.len(), 11);
        assert_eq!(t[0], (Stage::Commissioned, Some(d("2022-09-27"))));
        assert_eq!(t[7], (Stage::NoticeSent, Some(d("2023-02-27"))));
        assert_eq!(t[8], (Stage::Published, None));
        x.not_published_on = Some(d("2023-03-09"));
        let t = x.timeline(Stage::NotPublished);
        assert!(t.iter().all(|(s, _)| *s != Stage::Published));
        assert!(t.contains(&(Stage::NotPublished, Some(d("2023-03-09")))));
    }
}
