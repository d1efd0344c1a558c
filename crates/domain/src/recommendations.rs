//! The recommendations tracker: sources (an inquiry, a local child safeguarding practice review, a
//! national review, a joint inspection, a case file audit, a Section 11 audit, other), their
//! recommendations, the owner's self-assessed status and the independent verification of it, the RAG
//! rating derived from both and the target date, and evidence.
//!
//! # The status model (DOMAIN.md 12.3)
//!
//! The owner (the recommendation's lead, or a manager) self-assesses: not started, in progress, ready
//! for assessment, implemented, or unable to implement (with a reason). Separately the independent
//! chair or scrutineer verifies the current self-assessment when it is ready for assessment,
//! implemented or unable to implement: they agree (the verified status becomes implemented, or unable
//! to implement) or do not (not verified, with a reason). A new self-assessment clears the verdict:
//! it was about the old one. Both histories are kept, append-only.
//!
//! # The RAG rule ([`rag`], shown on the pages as [`RAG_RULE`])
//!
//! A recommendation that was not accepted is not rated. Otherwise, in this order:
//! 1. Green: independently verified as implemented.
//! 2. Red: unable to implement (self-assessed or verified).
//! 3. Red: the target date has passed.
//! 4. Green: the owner has marked it ready for assessment or implemented.
//! 5. Red: not started and the target date is within [`RED_WITHIN_DAYS`] days.
//! 6. Amber: anything else (under way, or not started with time left, or no target date).

use crate::validation::{ValidationErrors, required_text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest title, in characters.
pub const TITLE_MAX: usize = 200;
/// Longest text (recommendation, note, reason), in characters.
pub const TEXT_MAX: usize = 10_000;
/// A not-started recommendation whose target date is this close (in days) is red.
pub const RED_WITHIN_DAYS: i64 = 90;

/// The RAG rule as shown on the pages, one line per step, in the order it is applied.
pub const RAG_RULE: [&str; 6] = [
    "Not rated: the recommendation was not accepted.",
    "Green: the independent chair or scrutineer has verified it as implemented.",
    "Red: it is unable to be implemented, or its target date has passed without verified implementation.",
    "Green: its owner has marked it ready for assessment or implemented before the target date.",
    "Red: it has not started and its target date is 90 days away or less.",
    "Amber: anything else (under way with time left, or not started with more than 90 days left).",
];

/// What kind of document the recommendations came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// An independent inquiry (such as the Telford inquiry).
    Inquiry,
    /// A local child safeguarding practice review (refers to a practice review by id).
    LocalCspr,
    /// A national review by the Child Safeguarding Practice Review Panel.
    NationalReview,
    /// A joint targeted area inspection.
    JointInspection,
    /// A multi-agency case file audit.
    CaseFileAudit,
    /// A Section 11 audit.
    Section11Audit,
    /// Anything else.
    Other,
}

impl SourceKind {
    /// Every kind, in display order.
    pub const ALL: [SourceKind; 7] = [
        SourceKind::Inquiry,
        SourceKind::LocalCspr,
        SourceKind::NationalReview,
        SourceKind::JointInspection,
        SourceKind::CaseFileAudit,
        SourceKind::Section11Audit,
        SourceKind::Other,
    ];
    /// The stable identifier.
    pub fn slug(self) -> &'static str {
        match self {
            SourceKind::Inquiry => "inquiry",
            SourceKind::LocalCspr => "local_cspr",
            SourceKind::NationalReview => "national_review",
            SourceKind::JointInspection => "joint_inspection",
            SourceKind::CaseFileAudit => "case_file_audit",
            SourceKind::Section11Audit => "section_11_audit",
            SourceKind::Other => "other",
        }
    }
    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Inquiry => "Inquiry",
            SourceKind::LocalCspr => "Local child safeguarding practice review",
            SourceKind::NationalReview => "National review",
            SourceKind::JointInspection => "Joint inspection",
            SourceKind::CaseFileAudit => "Case file audit",
            SourceKind::Section11Audit => "Section 11 audit",
            SourceKind::Other => "Other",
        }
    }
    /// Parses a slug.
    pub fn parse(s: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.slug() == s)
    }
}

/// The owner's self-assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelfStatus {
    /// Not started.
    NotStarted,
    /// Under way.
    InProgress,
    /// Ready for the independent chair's or scrutineer's assessment.
    ReadyForAssessment,
    /// Implemented (in the owner's view).
    Implemented,
    /// Cannot be implemented (a reason is required).
    UnableToImplement,
}

impl SelfStatus {
    /// Every status, in display order.
    pub const ALL: [SelfStatus; 5] = [
        SelfStatus::NotStarted,
        SelfStatus::InProgress,
        SelfStatus::ReadyForAssessment,
        SelfStatus::Implemented,
        SelfStatus::UnableToImplement,
    ];
    /// The stable identifier.
    pub fn slug(self) -> &'static str {
        match self {
            SelfStatus::NotStarted => "not_started",
            SelfStatus::InProgress => "in_progress",
            SelfStatus::ReadyForAssessment => "ready_for_assessment",
            SelfStatus::Implemented => "implemented",
            SelfStatus::UnableToImplement => "unable_to_implement",
        }
    }
    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            SelfStatus::NotStarted => "Not started",
            SelfStatus::InProgress => "In progress",
            SelfStatus::ReadyForAssessment => "Ready for assessment",
            SelfStatus::Implemented => "Implemented",
            SelfStatus::UnableToImplement => "Unable to implement",
        }
    }
    /// Parses a slug.
    pub fn parse(s: &str) -> Option<SelfStatus> {
        SelfStatus::ALL.into_iter().find(|k| k.slug() == s)
    }
    /// The statuses the owner may move to from this one. Implemented is reached through ready for
    /// assessment; anything finished can be reopened as in progress.
    pub fn next(self) -> &'static [SelfStatus] {
        use SelfStatus as S;
        match self {
            S::NotStarted => &[S::InProgress, S::ReadyForAssessment, S::UnableToImplement],
            S::InProgress => &[S::NotStarted, S::ReadyForAssessment, S::UnableToImplement],
            S::ReadyForAssessment => &[S::InProgress, S::Implemented, S::UnableToImplement],
            S::Implemented => &[S::InProgress],
            S::UnableToImplement => &[S::InProgress],
        }
    }
    /// True when the independent chair or scrutineer may give a verdict on it.
    pub fn verifiable(self) -> bool {
        matches!(
            self,
            SelfStatus::ReadyForAssessment
                | SelfStatus::Implemented
                | SelfStatus::UnableToImplement
        )
    }
}

/// The independent verdict on the current self-assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifiedStatus {
    /// Verified as implemented.
    Implemented,
    /// Agreed that it cannot be implemented.
    UnableToImplement,
    /// Not verified (a reason is given; the owner carries on).
    NotVerified,
}

impl VerifiedStatus {
    /// Every verdict.
    pub const ALL: [VerifiedStatus; 3] = [
        VerifiedStatus::Implemented,
        VerifiedStatus::UnableToImplement,
        VerifiedStatus::NotVerified,
    ];
    /// The stable identifier.
    pub fn slug(self) -> &'static str {
        match self {
            VerifiedStatus::Implemented => "implemented",
            VerifiedStatus::UnableToImplement => "unable_to_implement",
            VerifiedStatus::NotVerified => "not_verified",
        }
    }
    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            VerifiedStatus::Implemented => "Verified as implemented",
            VerifiedStatus::UnableToImplement => "Verified as unable to implement",
            VerifiedStatus::NotVerified => "Not verified",
        }
    }
    /// Parses a slug.
    pub fn parse(s: &str) -> Option<VerifiedStatus> {
        VerifiedStatus::ALL.into_iter().find(|k| k.slug() == s)
    }
}

/// A RAG rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    /// Red.
    Red,
    /// Amber.
    Amber,
    /// Green.
    Green,
}

impl Rag {
    /// The stable identifier.
    pub fn slug(self) -> &'static str {
        match self {
            Rag::Red => "red",
            Rag::Amber => "amber",
            Rag::Green => "green",
        }
    }
    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Rag::Red => "Red",
            Rag::Amber => "Amber",
            Rag::Green => "Green",
        }
    }
}

/// The RAG rating of a recommendation on `today` (see the module doc and [`RAG_RULE`]); `None` when
/// it was not accepted.
pub fn rag(
    accepted: bool,
    status: SelfStatus,
    verified: Option<VerifiedStatus>,
    target: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<Rag> {
    if !accepted {
        return None;
    }
    if verified == Some(VerifiedStatus::Implemented) {
        return Some(Rag::Green);
    }
    if status == SelfStatus::UnableToImplement
        || verified == Some(VerifiedStatus::UnableToImplement)
    {
        return Some(Rag::Red);
    }
    if target.is_some_and(|t| t < today) {
        return Some(Rag::Red);
    }
    if matches!(
        status,
        SelfStatus::ReadyForAssessment | SelfStatus::Implemented
    ) {
        return Some(Rag::Green);
    }
    if status == SelfStatus::NotStarted
        && target.is_some_and(|t| (t - today).num_days() <= RED_WITHIN_DAYS)
    {
        return Some(Rag::Red);
    }
    Some(Rag::Amber)
}

/// Parses a required date (`YYYY-MM-DD`, 2000 to 2200).
fn date(errors: &mut ValidationErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    crate::activity::parse_date(errors, field, raw)
}

/// Parses an optional id; an error on `field` when it is given but is not one of `allowed`.
fn optional_id(
    errors: &mut ValidationErrors,
    field: &str,
    raw: &str,
    allowed: &[Uuid],
    message: &str,
) -> Option<Uuid> {
    let v = raw.trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<Uuid>() {
        Ok(id) if allowed.contains(&id) => Some(id),
        _ => {
            errors.add(field, message);
            None
        }
    }
}

/// Raw input for a source (a form or the API).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SourceInput {
    /// Kind slug.
    #[serde(default)]
    pub kind: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Date of the report, `YYYY-MM-DD`.
    #[serde(default)]
    pub published_on: String,
    /// Who published it.
    #[serde(default)]
    pub publisher: String,
    /// An https link to it (optional).
    #[serde(default)]
    pub link: String,
    /// A document of the file store (optional).
    #[serde(default)]
    pub file_id: String,
    /// The practice review (required for a local CSPR, refused otherwise).
    #[serde(default)]
    pub review_id: String,
}

/// A validated source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Kind.
    pub kind: SourceKind,
    /// Title.
    pub title: String,
    /// Date.
    pub published_on: NaiveDate,
    /// Publisher.
    pub publisher: String,
    /// Link (empty when none).
    pub link: String,
    /// Document.
    pub file_id: Option<Uuid>,
    /// Practice review.
    pub review_id: Option<Uuid>,
}

impl Source {
    /// Validates raw input against the partnership's files and practice reviews; a date in the future
    /// is refused (it records a publication that happened).
    pub fn parse(
        input: &SourceInput,
        files: &[Uuid],
        reviews: &[Uuid],
        today: NaiveDate,
    ) -> Result<Source, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let kind = SourceKind::parse(input.kind.trim());
        if kind.is_none() {
            errors.add("kind", "Select what kind of source it is");
        }
        let title = required_text(&mut errors, "title", &input.title, "the title", TITLE_MAX);
        let published_on = date(&mut errors, "published_on", &input.published_on);
        if published_on.is_some_and(|d| d > today) {
            errors.add("published_on", "The date must be today or in the past");
        }
        let publisher = required_text(
            &mut errors,
            "publisher",
            &input.publisher,
            "who published it",
            TITLE_MAX,
        );
        let link = if input.link.trim().is_empty() {
            String::new()
        } else {
            match crate::activity::check_url(&input.link) {
                Ok(u) => u,
                Err(m) => {
                    errors.add("link", m);
                    String::new()
                }
            }
        };
        let file_id = optional_id(
            &mut errors,
            "file_id",
            &input.file_id,
            files,
            "Select a document of this partnership",
        );
        let review_id = optional_id(
            &mut errors,
            "review_id",
            &input.review_id,
            reviews,
            "Select a practice review of this partnership",
        );
        match (kind, review_id) {
            (Some(SourceKind::LocalCspr), None) if errors.get("review_id").is_none() => {
                errors.add("review_id", "Select the practice review");
            }
            (Some(k), Some(_)) if k != SourceKind::LocalCspr => {
                errors.add(
                    "review_id",
                    "Only a local child safeguarding practice review refers to a practice review",
                );
            }
            _ => {}
        }
        match (kind, published_on) {
            (Some(kind), Some(published_on)) if errors.is_empty() => Ok(Source {
                kind,
                title,
                published_on,
                publisher,
                link,
                file_id,
                review_id,
            }),
            _ => Err(errors),
        }
    }
}

/// Raw input for a recommendation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RecommendationInput {
    /// Number within the source (1, 2, …).
    #[serde(default)]
    pub number: String,
    /// Title (not for a local CSPR's, which is read through the review recommendation).
    #[serde(default)]
    pub title: String,
    /// Text (likewise).
    #[serde(default)]
    pub body: String,
    /// The review recommendation taken over by reference (local CSPR sources only, required there).
    #[serde(default)]
    pub review_recommendation_id: String,
    /// Addressee organisation ids.
    #[serde(default)]
    pub addressees: Vec<String>,
    /// "yes" or "no".
    #[serde(default)]
    pub accepted: String,
    /// Why it was not accepted (required when not).
    #[serde(default)]
    pub not_accepted_reason: String,
    /// The lead person (optional).
    #[serde(default)]
    pub lead_person_id: String,
    /// Target date, `YYYY-MM-DD` (optional).
    #[serde(default)]
    pub target_date: String,
}

/// A validated recommendation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommendation {
    /// Number.
    pub number: i32,
    /// Title (empty when by reference).
    pub title: String,
    /// Text (empty when by reference).
    pub body: String,
    /// The review recommendation.
    pub review_recommendation_id: Option<Uuid>,
    /// Addressees.
    pub addressees: Vec<Uuid>,
    /// Accepted.
    pub accepted: bool,
    /// Reason when not accepted (empty otherwise).
    pub not_accepted_reason: String,
    /// Lead.
    pub lead_person_id: Option<Uuid>,
    /// Target date.
    pub target_date: Option<NaiveDate>,
}

/// What a recommendation may refer to: the partnership's organisations and people, and (for a local
/// CSPR source) the review's recommendations.
#[derive(Debug, Clone, Default)]
pub struct RecommendationChoices {
    /// True for a local CSPR source.
    pub by_reference: bool,
    /// The review's recommendations (by reference).
    pub review_recommendations: Vec<Uuid>,
    /// Organisations of the partnership.
    pub organisations: Vec<Uuid>,
    /// People of the partnership.
    pub people: Vec<Uuid>,
}

impl Recommendation {
    /// Validates raw input.
    pub fn parse(
        input: &RecommendationInput,
        choices: &RecommendationChoices,
    ) -> Result<Recommendation, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let number = match input.number.trim().parse::<i32>() {
            Ok(n) if (1..=9999).contains(&n) => Some(n),
            _ => {
                errors.add("number", "Enter the number, a whole number from 1");
                None
            }
        };
        let (title, body, review_recommendation_id) = if choices.by_reference {
            let id = optional_id(
                &mut errors,
                "review_recommendation_id",
                &input.review_recommendation_id,
                &choices.review_recommendations,
                "Select a recommendation of the practice review",
            );
            if id.is_none() && errors.get("review_recommendation_id").is_none() {
                errors.add(
                    "review_recommendation_id",
                    "Select the recommendation of the practice review",
                );
            }
            (String::new(), String::new(), id)
        } else {
            if !input.review_recommendation_id.trim().is_empty() {
                errors.add(
                    "review_recommendation_id",
                    "Only a local child safeguarding practice review's recommendations are taken over",
                );
            }
            (
                required_text(&mut errors, "title", &input.title, "the title", TITLE_MAX),
                required_text(
                    &mut errors,
                    "body",
                    &input.body,
                    "the recommendation",
                    TEXT_MAX,
                ),
                None,
            )
        };
        let mut addressees = Vec::new();
        for raw in input.addressees.iter().filter(|a| !a.trim().is_empty()) {
            match raw.trim().parse::<Uuid>() {
                Ok(id) if choices.organisations.contains(&id) => {
                    if !addressees.contains(&id) {
                        addressees.push(id);
                    }
                }
                _ => {
                    errors.add(
                        "addressees",
                        "Select organisations that belong to this partnership",
                    );
                    break;
                }
            }
        }
        if addressees.is_empty() && errors.get("addressees").is_none() {
            errors.add(
                "addressees",
                "Select at least one organisation it is addressed to",
            );
        }
        let accepted = match input.accepted.trim() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                errors.add("accepted", "Select whether the recommendation was accepted");
                None
            }
        };
        let not_accepted_reason = if accepted == Some(false) {
            required_text(
                &mut errors,
                "not_accepted_reason",
                &input.not_accepted_reason,
                "why it was not accepted",
                TEXT_MAX,
            )
        } else {
            String::new()
        };
        let lead_person_id = optional_id(
            &mut errors,
            "lead_person_id",
            &input.lead_person_id,
            &choices.people,
            "Select a person who works in this partnership",
        );
        let target_date = if input.target_date.trim().is_empty() {
            None
        } else {
            date(&mut errors, "target_date", &input.target_date)
        };
        match (number, accepted) {
            (Some(number), Some(accepted)) if errors.is_empty() => Ok(Recommendation {
                number,
                title,
                body,
                review_recommendation_id,
                addressees,
                accepted,
                not_accepted_reason,
                lead_person_id,
                target_date,
            }),
            _ => Err(errors),
        }
    }
}

/// Raw input for a self-assessment.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StatusInput {
    /// The new status slug.
    #[serde(default)]
    pub status: String,
    /// A note (required for unable to implement: the reason).
    #[serde(default)]
    pub note: String,
    /// The version the form was built from.
    #[serde(default)]
    pub version: String,
}

/// A validated self-assessment: the new status and its note.
pub fn parse_status(
    input: &StatusInput,
    current: SelfStatus,
) -> Result<(SelfStatus, String), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let status = SelfStatus::parse(input.status.trim());
    match status {
        None => errors.add("status", "Select the status"),
        Some(s) if !current.next().contains(&s) => errors.add(
            "status",
            format!(
                "A recommendation that is {} cannot become {}",
                current.label().to_lowercase(),
                s.label().to_lowercase()
            ),
        ),
        Some(_) => {}
    }
    let note = if status == Some(SelfStatus::UnableToImplement) {
        required_text(
            &mut errors,
            "note",
            &input.note,
            "why it cannot be implemented",
            TEXT_MAX,
        )
    } else {
        optional_text(&mut errors, "note", &input.note)
    };
    match status {
        Some(s) if errors.is_empty() => Ok((s, note)),
        _ => Err(errors),
    }
}

fn optional_text(errors: &mut ValidationErrors, field: &str, raw: &str) -> String {
    if raw.trim().is_empty() {
        String::new()
    } else {
        required_text(errors, field, raw, "the note", TEXT_MAX)
    }
}

/// Raw input for a verification.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VerifyInput {
    /// "agree" or "disagree".
    #[serde(default)]
    pub verdict: String,
    /// A note (required when disagreeing).
    #[serde(default)]
    pub note: String,
    /// The version the form was built from.
    #[serde(default)]
    pub version: String,
}

/// A validated verification of the current self-assessment: the verified status and its note.
pub fn parse_verification(
    input: &VerifyInput,
    current: SelfStatus,
) -> Result<(VerifiedStatus, String), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    if !current.verifiable() {
        errors.add(
            "verdict",
            "Only a recommendation that is ready for assessment, implemented or unable to implement can be verified",
        );
    }
    let verdict = match input.verdict.trim() {
        "agree" if current == SelfStatus::UnableToImplement => {
            Some(VerifiedStatus::UnableToImplement)
        }
        "agree" => Some(VerifiedStatus::Implemented),
        "disagree" => Some(VerifiedStatus::NotVerified),
        _ => {
            errors.add("verdict", "Select whether you verify it");
            None
        }
    };
    let note = if verdict == Some(VerifiedStatus::NotVerified) {
        required_text(
            &mut errors,
            "note",
            &input.note,
            "why it is not verified",
            TEXT_MAX,
        )
    } else {
        optional_text(&mut errors, "note", &input.note)
    };
    match verdict {
        Some(v) if errors.is_empty() => Ok((v, note)),
        _ => Err(errors),
    }
}

/// Raw input for evidence.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EvidenceInput {
    /// A document of the file store.
    #[serde(default)]
    pub file_id: String,
    /// Or an https link.
    #[serde(default)]
    pub url: String,
    /// What it is.
    #[serde(default)]
    pub label: String,
}

/// Validated evidence: a file or a link (exactly one) and its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The document.
    pub file_id: Option<Uuid>,
    /// The link (empty for a document).
    pub url: String,
    /// The label.
    pub label: String,
}

impl Evidence {
    /// Validates raw input against the partnership's files.
    pub fn parse(input: &EvidenceInput, files: &[Uuid]) -> Result<Evidence, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let label = required_text(
            &mut errors,
            "label",
            &input.label,
            "what the evidence is",
            TITLE_MAX,
        );
        let file_id = optional_id(
            &mut errors,
            "file_id",
            &input.file_id,
            files,
            "Select a document of this partnership",
        );
        let has_url = !input.url.trim().is_empty();
        let url = if has_url {
            match crate::activity::check_url(&input.url) {
                Ok(u) => u,
                Err(m) => {
                    errors.add("url", m);
                    String::new()
                }
            }
        } else {
            String::new()
        };
        if has_url && !input.file_id.trim().is_empty() {
            errors.add("url", "Give a document or a web address, not both");
        }
        if !has_url && input.file_id.trim().is_empty() {
            errors.add("file_id", "Select a document or enter a web address");
        }
        errors.into_result(Evidence {
            file_id,
            url,
            label,
        })
    }
}

/// Object-level rule: the recommendation's lead self-assesses it and adds evidence, as does anyone
/// who may manage recommendations.
pub fn may_self_assess(is_lead: bool, can_manage: bool) -> bool {
    is_lead || can_manage
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn rag_follows_the_rule_in_order() {
        let today = d("2023-03-31");
        let t = Some(d("2023-12-31"));
        use SelfStatus as S;
        assert_eq!(rag(false, S::NotStarted, None, t, today), None);
        assert_eq!(
            rag(
                true,
                S::ReadyForAssessment,
                Some(VerifiedStatus::Implemented),
                Some(d("2020-01-01")),
                today
            ),
            Some(Rag::Green),
            "verified implemented is green even after the target"
        );
        assert_eq!(
            rag(true, S::UnableToImplement, None, t, today),
            Some(Rag::Red)
        );
        assert_eq!(
            rag(
                true,
                S::ReadyForAssessment,
                Some(VerifiedStatus::UnableToImplement),
                t,
                today
            ),
            Some(Rag::Red)
        );
        assert_eq!(
            rag(true, S::InProgress, None, Some(d("2023-03-30")), today),
            Some(Rag::Red)
        );
        assert_eq!(
            rag(
                true,
                S::ReadyForAssessment,
                None,
                Some(d("2023-03-30")),
                today
            ),
            Some(Rag::Red),
            "ready but past the target without verification"
        );
        assert_eq!(
            rag(true, S::ReadyForAssessment, None, t, today),
            Some(Rag::Green)
        );
        assert_eq!(
            rag(
                true,
                S::Implemented,
                Some(VerifiedStatus::NotVerified),
                t,
                today
            ),
            Some(Rag::Green)
        );
        assert_eq!(rag(true, S::InProgress, None, t, today), Some(Rag::Amber));
        assert_eq!(rag(true, S::NotStarted, None, t, today), Some(Rag::Amber));
        assert_eq!(
            rag(true, S::NotStarted, None, Some(d("2023-06-29")), today),
            Some(Rag::Red)
        );
        assert_eq!(
            rag(true, S::NotStarted, None, Some(d("2023-06-30")), today),
            Some(Rag::Amber)
        );
        assert_eq!(
            rag(true, S::NotStarted, None, None, today),
            Some(Rag::Amber)
        );
        assert_eq!(
            rag(true, S::InProgress, None, Some(today), today),
            Some(Rag::Amber),
            "due today is not past"
        );
    }

    #[test]
    fn self_status_transitions() {
        use SelfStatus as S;
        let ok = |from: S, to: S| {
            parse_status(
                &StatusInput {
                    status: to.slug().into(),
                    note: "why".into(),
                    version: "1".into(),
                },
                from,
            )
            .is_ok()
        };
        assert!(ok(S::NotStarted, S::InProgress));
        assert!(ok(S::InProgress, S::ReadyForAssessment));
        assert!(ok(S::ReadyForAssessment, S::Implemented));
        assert!(ok(S::Implemented, S::InProgress));
        assert!(
            !ok(S::NotStarted, S::Implemented),
            "implemented goes through assessment"
        );
        assert!(
            !ok(S::InProgress, S::InProgress),
            "no change is not a change"
        );
        assert!(!ok(S::Implemented, S::NotStarted));
        for s in S::ALL {
            assert!(!s.next().contains(&s));
        }
        let e = parse_status(
            &StatusInput {
                status: "unable_to_implement".into(),
                ..Default::default()
            },
            S::InProgress,
        )
        .unwrap_err();
        assert!(e.get("note").is_some(), "a reason is required");
        let e = parse_status(
            &StatusInput {
                status: "finished".into(),
                ..Default::default()
            },
            S::InProgress,
        )
        .unwrap_err();
        assert!(e.get("status").is_some());
    }

    #[test]
    fn verification_needs_something_to_verify_and_a_reason_to_refuse() {
        use SelfStatus as S;
        let agree = VerifyInput {
            verdict: "agree".into(),
            ..Default::default()
        };
        assert_eq!(
            parse_verification(&agree, S::ReadyForAssessment).unwrap().0,
            VerifiedStatus::Implemented
        );
        assert_eq!(
            parse_verification(&agree, S::UnableToImplement).unwrap().0,
            VerifiedStatus::UnableToImplement
        );
        assert!(
            parse_verification(&agree, S::InProgress)
                .unwrap_err()
                .get("verdict")
                .is_some()
        );
        let no = VerifyInput {
            verdict: "disagree".into(),
            ..Default::default()
        };
        assert!(
            parse_verification(&no, S::ReadyForAssessment)
                .unwrap_err()
                .get("note")
                .is_some()
        );
        let no = VerifyInput {
            verdict: "disagree".into(),
            note: "No evidence of the training.".into(),
            ..Default::default()
        };
        assert_eq!(
            parse_verification(&no, S::Implemented).unwrap().0,
            VerifiedStatus::NotVerified
        );
    }

    #[test]
    fn source_rules() {
        let review = Uuid::new_v4();
        let today = d("2023-03-31");
        let mut i = SourceInput {
            kind: "inquiry".into(),
            title: "Independent Inquiry".into(),
            published_on: "2022-07-12".into(),
            publisher: "The Inquiry".into(),
            link: "https://www.iicsetelford.co.uk/".into(),
            ..Default::default()
        };
        assert!(Source::parse(&i, &[], &[review], today).is_ok());
        i.published_on = "2023-04-01".into();
        assert!(
            Source::parse(&i, &[], &[review], today)
                .unwrap_err()
                .get("published_on")
                .is_some()
        );
        i.published_on = "2022-07-12".into();
        i.link = "http://example.org/".into();
        assert!(
            Source::parse(&i, &[], &[review], today)
                .unwrap_err()
                .get("link")
                .is_some()
        );
        i.link = String::new();
        i.kind = "local_cspr".into();
        assert!(
            Source::parse(&i, &[], &[review], today)
                .unwrap_err()
                .get("review_id")
                .is_some()
        );
        i.review_id = review.to_string();
        assert_eq!(
            Source::parse(&i, &[], &[review], today).unwrap().review_id,
            Some(review)
        );
        i.review_id = Uuid::new_v4().to_string();
        assert!(
            Source::parse(&i, &[], &[review], today)
                .unwrap_err()
                .get("review_id")
                .is_some()
        );
        i.kind = "inquiry".into();
        i.review_id = review.to_string();
        assert!(
            Source::parse(&i, &[], &[review], today)
                .unwrap_err()
                .get("review_id")
                .is_some()
        );
    }

    #[test]
    fn recommendation_rules() {
        let org = Uuid::new_v4();
        let rr = Uuid::new_v4();
        let choices = RecommendationChoices {
            organisations: vec![org],
            ..Default::default()
        };
        let mut i = RecommendationInput {
            number: "3".into(),
            title: "Annual CSE report".into(),
            body: "Publish it.".into(),
            addressees: vec![org.to_string(), org.to_string()],
            accepted: "yes".into(),
            target_date: "2023-12-31".into(),
            ..Default::default()
        };
        let r = Recommendation::parse(&i, &choices).unwrap();
        assert_eq!(r.addressees, vec![org], "repeats are dropped");
        i.accepted = "no".into();
        assert!(
            Recommendation::parse(&i, &choices)
                .unwrap_err()
                .get("not_accepted_reason")
                .is_some()
        );
        i.not_accepted_reason = "Needs national change.".into();
        assert!(!Recommendation::parse(&i, &choices).unwrap().accepted);
        i.addressees = vec![Uuid::new_v4().to_string()];
        assert!(
            Recommendation::parse(&i, &choices)
                .unwrap_err()
                .get("addressees")
                .is_some()
        );
        i.addressees = vec![];
        assert!(
            Recommendation::parse(&i, &choices)
                .unwrap_err()
                .get("addressees")
                .is_some()
        );
        i.addressees = vec![org.to_string()];
        i.number = "0".into();
        assert!(
            Recommendation::parse(&i, &choices)
                .unwrap_err()
                .get("number")
                .is_some()
        );
        i.number = "1".into();
        let by_ref = RecommendationChoices {
            by_reference: true,
            review_recommendations: vec![rr],
            ..choices.clone()
        };
        assert!(
            Recommendation::parse(&i, &by_ref)
                .unwrap_err()
                .get("review_recommendation_id")
                .is_some()
        );
        i.review_recommendation_id = rr.to_string();
        let r = Recommendation::parse(&i, &by_ref).unwrap();
        assert_eq!(
            (
                r.title.as_str(),
                r.body.as_str(),
                r.review_recommendation_id
            ),
            ("", "", Some(rr)),
            "never copied"
        );
        assert!(
            Recommendation::parse(&i, &choices)
                .unwrap_err()
                .get("review_recommendation_id")
                .is_some()
        );
    }

    #[test]
    fn evidence_is_a_file_or_a_link() {
        let f = Uuid::new_v4();
        let ok = EvidenceInput {
            file_id: f.to_string(),
            label: "Minutes".into(),
            ..Default::default()
        };
        assert_eq!(Evidence::parse(&ok, &[f]).unwrap().file_id, Some(f));
        let both = EvidenceInput {
            url: "https://www.gov.uk/".into(),
            ..ok.clone()
        };
        assert!(Evidence::parse(&both, &[f]).is_err());
        let none = EvidenceInput {
            label: "x".into(),
            ..Default::default()
        };
        assert!(
            Evidence::parse(&none, &[f])
                .unwrap_err()
                .get("file_id")
                .is_some()
        );
        let other = EvidenceInput {
            file_id: Uuid::new_v4().to_string(),
            label: "x".into(),
            ..Default::default()
        };
        assert!(Evidence::parse(&other, &[f]).is_err());
        assert!(
            may_self_assess(true, false)
                && may_self_assess(false, true)
                && !may_self_assess(false, false)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Progress over time: the status of a recommendation at a date, replayed from its append-only
// history, and the period ends (months or quarters) a source's progress is counted at.

/// One entry of a recommendation's history as progress over time reads it: the day it was made
/// (in England) and what it set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatedEvent {
    /// The day (England) the entry was made.
    pub on: NaiveDate,
    /// What it set.
    pub status: EventStatus,
}

/// What an entry of the history set: a self-assessment or a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    /// The owner's self-assessment (clears the verdict: it was about the previous one).
    SelfAssessed(SelfStatus),
    /// The independent verdict on the self-assessment then current.
    Verified(VerifiedStatus),
}

impl EventStatus {
    /// Reads a stored entry (kind `self` or `verification` and a status slug); `None` when unknown.
    pub fn parse(kind: &str, status: &str) -> Option<EventStatus> {
        match kind {
            "self" => SelfStatus::parse(status).map(EventStatus::SelfAssessed),
            "verification" => VerifiedStatus::parse(status).map(EventStatus::Verified),
            _ => None,
        }
    }
}

/// The self-assessed and verified status of a recommendation at the end of `date`, replayed from
/// its history in the order it was written (`events`, oldest first): every entry made on or before
/// the date counts; a recommendation with none is not started and unverified. A self-assessment
/// clears the verdict, as it does when it is made.
pub fn status_at(events: &[DatedEvent], date: NaiveDate) -> (SelfStatus, Option<VerifiedStatus>) {
    let mut status = SelfStatus::NotStarted;
    let mut verified = None;
    for e in events.iter().filter(|e| e.on <= date) {
        match e.status {
            EventStatus::SelfAssessed(s) => {
                status = s;
                verified = None;
            }
            EventStatus::Verified(v) => verified = Some(v),
        }
    }
    (status, verified)
}

/// How finely progress over time is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// At the end of each month.
    #[default]
    Month,
    /// At the end of each quarter (March, June, September, December).
    Quarter,
}

impl Period {
    /// The stable identifier.
    pub fn slug(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
        }
    }
    /// Parses a slug; anything else (or nothing) is a month.
    pub fn parse(s: &str) -> Option<Period> {
        match s.trim() {
            "month" => Some(Period::Month),
            "quarter" => Some(Period::Quarter),
            _ => None,
        }
    }
}

/// Most points a progress-over-time series holds (the latest are kept).
pub const MAX_PERIODS: usize = 240;

fn last_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt())
}

/// The dates progress is counted at, from the period containing `from` to the one containing `to`:
/// the last day of each month (or quarter), except that the last point is `to` itself (today) when
/// its period has not ended. Empty when `to` is before `from`; at most [`MAX_PERIODS`] (the latest).
pub fn period_ends(from: NaiveDate, to: NaiveDate, period: Period) -> Vec<NaiveDate> {
    use chrono::Datelike;
    let mut out = Vec::new();
    if to < from {
        return out;
    }
    let step = match period {
        Period::Month => 1,
        Period::Quarter => 3,
    };
    let (mut y, mut m) = (from.year(), from.month());
    if period == Period::Quarter {
        m = m.div_ceil(3) * 3;
    }
    while let Some(end) = last_of_month(y, m) {
        if end >= to {
            out.push(to);
            break;
        }
        out.push(end);
        m += step;
        if m > 12 {
            m -= 12;
            y += 1;
        }
    }
    if out.len() > MAX_PERIODS {
        out.drain(..out.len() - MAX_PERIODS);
    }
    out
}

#[cfg(test)]
mod progress_tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn ev(on: &str, status: EventStatus) -> DatedEvent {
        DatedEvent { on: d(on), status }
    }

    #[test]
    fn status_at_replays_the_history_up_to_the_date() {
        use EventStatus::{SelfAssessed as S, Verified as V};
        let h = [
            ev("2022-09-15", S(SelfStatus::InProgress)),
            ev("2022-11-01", S(SelfStatus::ReadyForAssessment)),
            ev("2022-11-20", V(VerifiedStatus::NotVerified)),
            ev("2022-12-05", S(SelfStatus::InProgress)),
            ev("2023-01-10", S(SelfStatus::ReadyForAssessment)),
            ev("2023-01-31", V(VerifiedStatus::Implemented)),
        ];
        assert_eq!(
            status_at(&h, d("2022-09-14")),
            (SelfStatus::NotStarted, None)
        );
        assert_eq!(
            status_at(&h, d("2022-09-15")),
            (SelfStatus::InProgress, None),
            "the day itself counts"
        );
        assert_eq!(
            status_at(&h, d("2022-11-30")),
            (
                SelfStatus::ReadyForAssessment,
                Some(VerifiedStatus::NotVerified)
            )
        );
        assert_eq!(
            status_at(&h, d("2022-12-31")),
            (SelfStatus::InProgress, None),
            "a new self-assessment clears the verdict"
        );
        assert_eq!(
            status_at(&h, d("2023-01-30")),
            (SelfStatus::ReadyForAssessment, None)
        );
        assert_eq!(
            status_at(&h, d("2023-01-31")),
            (
                SelfStatus::ReadyForAssessment,
                Some(VerifiedStatus::Implemented)
            )
        );
        assert_eq!(
            status_at(&[], d("2030-01-01")),
            (SelfStatus::NotStarted, None)
        );
        assert_eq!(
            EventStatus::parse("self", "in_progress"),
            Some(S(SelfStatus::InProgress))
        );
        assert_eq!(
            EventStatus::parse("verification", "not_verified"),
            Some(V(VerifiedStatus::NotVerified))
        );
        assert_eq!(EventStatus::parse("self", "not_verified"), None);
        assert_eq!(EventStatus::parse("other", "in_progress"), None);
    }

    #[test]
    fn period_ends_are_month_or_quarter_ends_and_today() {
        let m = period_ends(d("2022-07-12"), d("2022-10-05"), Period::Month);
        assert_eq!(
            m,
            vec![
                d("2022-07-31"),
                d("2022-08-31"),
                d("2022-09-30"),
                d("2022-10-05")
            ]
        );
        let m = period_ends(d("2022-07-12"), d("2022-09-30"), Period::Month);
        assert_eq!(
            m.last(),
            Some(&d("2022-09-30")),
            "a period ending today ends today"
        );
        assert_eq!(m.len(), 3);
        let q = period_ends(d("2022-07-12"), d("2023-03-31"), Period::Quarter);
        assert_eq!(q, vec![d("2022-09-30"), d("2022-12-31"), d("2023-03-31")]);
        let q = period_ends(d("2022-12-31"), d("2023-02-01"), Period::Quarter);
        assert_eq!(q, vec![d("2022-12-31"), d("2023-02-01")]);
        assert_eq!(
            period_ends(d("2024-01-31"), d("2024-03-01"), Period::Month),
            vec![d("2024-01-31"), d("2024-02-29"), d("2024-03-01")],
            "leap years"
        );
        assert!(period_ends(d("2023-01-02"), d("2023-01-01"), Period::Month).is_empty());
        let long = period_ends(d("2000-01-01"), d("2040-06-15"), Period::Month);
        assert_eq!(long.len(), MAX_PERIODS);
        assert_eq!(long.last(), Some(&d("2040-06-15")));
        assert_eq!(Period::parse("quarter"), Some(Period::Quarter));
        assert_eq!(Period::parse("year"), None);
    }
}
