//! Sign-offs by the three lead safeguarding partners (Working Together 2023): the published
//! arrangements, the shared annual budget, the yearly report and the threshold document each need
//! the local authority, the police and the integrated care board to sign them off.
//!
//! An item is requested (round 1); each partner's step is pending until someone of that partner signs
//! it or returns it with comments. One return makes the item "returned"; the administrator may then
//! request it again (a new round, the three steps pending again, earlier rounds kept). The item is
//! complete only when all three partners have signed in the same round.

use crate::actions::{optional_id, optional_text};
use crate::organisation::OrganisationKind;
use crate::validation::{ValidationErrors, required_text};
use crate::{FundingYearId, actions::TEXT_MAX, actions::TITLE_MAX};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest comment on a decision, in characters.
pub const COMMENT_MAX: usize = 5_000;

/// What is being signed off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignOffKind {
    /// The published safeguarding arrangements (with the independent scrutiny plan).
    PublishedArrangements,
    /// The shared annual budget.
    AnnualBudget,
    /// The yearly report.
    YearlyReport,
    /// The local threshold document.
    ThresholdDocument,
    /// A rapid review and the partners' decision on a local CSPR, before it goes to the National
    /// Panel. Requested from the case review module ([`SignOffKind::REQUESTED_ELSEWHERE`]), not by hand.
    RapidReview,
}

impl SignOffKind {
    /// The kinds requested from their own module, not from the sign-off form.
    pub const REQUESTED_ELSEWHERE: [SignOffKind; 1] = [SignOffKind::RapidReview];

    /// Every kind that may be requested by hand, in display order.
    pub const ALL: [SignOffKind; 4] = [
        SignOffKind::PublishedArrangements,
        SignOffKind::AnnualBudget,
        SignOffKind::YearlyReport,
        SignOffKind::ThresholdDocument,
    ];
    /// Stored identifier.
    pub fn slug(self) -> &'static str {
        match self {
            SignOffKind::PublishedArrangements => "published_arrangements",
            SignOffKind::AnnualBudget => "annual_budget",
            SignOffKind::YearlyReport => "yearly_report",
            SignOffKind::ThresholdDocument => "threshold_document",
            SignOffKind::RapidReview => "rapid_review",
        }
    }
    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            SignOffKind::PublishedArrangements => "Published arrangements",
            SignOffKind::AnnualBudget => "Annual budget",
            SignOffKind::YearlyReport => "Yearly report",
            SignOffKind::ThresholdDocument => "Threshold document",
            SignOffKind::RapidReview => "Rapid review",
        }
    }
    /// Parses a slug (any kind, including those requested elsewhere).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .chain(Self::REQUESTED_ELSEWHERE)
            .find(|k| k.slug() == s)
    }
}

/// Where an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignOffStatus {
    /// Waiting for one or more partners in the current round.
    Awaiting,
    /// A partner returned it with comments; the administrator may request it again.
    Returned,
    /// All three partners signed in the same round.
    Complete,
    /// The administrator withdrew the request.
    Withdrawn,
}

impl SignOffStatus {
    /// Every status.
    pub const ALL: [SignOffStatus; 4] = [
        SignOffStatus::Awaiting,
        SignOffStatus::Returned,
        SignOffStatus::Complete,
        SignOffStatus::Withdrawn,
    ];
    /// Stored identifier.
    pub fn slug(self) -> &'static str {
        match self {
            SignOffStatus::Awaiting => "awaiting",
            SignOffStatus::Returned => "returned",
            SignOffStatus::Complete => "complete",
            SignOffStatus::Withdrawn => "withdrawn",
        }
    }
    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            SignOffStatus::Awaiting => "Awaiting sign-off",
            SignOffStatus::Returned => "Returned",
            SignOffStatus::Complete => "Complete",
            SignOffStatus::Withdrawn => "Withdrawn",
        }
    }
    /// Parses a slug.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == s)
    }
    /// True while the request is open (awaiting or returned): it may be withdrawn.
    pub fn is_open(self) -> bool {
        matches!(self, SignOffStatus::Awaiting | SignOffStatus::Returned)
    }
}

/// One partner's decision in a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepDecision {
    /// Not decided yet.
    Pending,
    /// Signed off.
    Signed,
    /// Returned with comments.
    Returned,
}

impl StepDecision {
    /// Every decision.
    pub const ALL: [StepDecision; 3] = [
        StepDecision::Pending,
        StepDecision::Signed,
        StepDecision::Returned,
    ];
    /// Stored identifier.
    pub fn slug(self) -> &'static str {
        match self {
            StepDecision::Pending => "pending",
            StepDecision::Signed => "signed",
            StepDecision::Returned => "returned",
        }
    }
    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            StepDecision::Pending => "Waiting",
            StepDecision::Signed => "Signed",
            StepDecision::Returned => "Returned with comments",
        }
    }
    /// Parses a slug.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == s)
    }
}

/// The three lead partners, in the order steps are shown.
pub const PARTNER_KINDS: [OrganisationKind; 3] = [
    OrganisationKind::LocalAuthority,
    OrganisationKind::Police,
    OrganisationKind::IntegratedCareBoard,
];

/// The status of an open item from its current round's decisions: returned if any partner returned
/// it, complete when all three signed, otherwise awaiting.
pub fn round_status(decisions: &[StepDecision]) -> SignOffStatus {
    if decisions.contains(&StepDecision::Returned) {
        SignOffStatus::Returned
    } else if decisions.len() == PARTNER_KINDS.len()
        && decisions.iter().all(|d| *d == StepDecision::Signed)
    {
        SignOffStatus::Complete
    } else {
        SignOffStatus::Awaiting
    }
}

/// Raw input to request a sign-off.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewSignOffInput {
    /// Kind slug.
    #[serde(default)]
    pub kind: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Description (optional).
    #[serde(default)]
    pub description: String,
    /// A document of the partnership's file store (optional).
    #[serde(default)]
    pub file_id: String,
    /// The funding year, for an annual budget (optional).
    #[serde(default)]
    pub funding_year_id: String,
}

/// A validated request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSignOff {
    /// Kind.
    pub kind: SignOffKind,
    /// Title (1–200 characters).
    pub title: String,
    /// Description (may be empty).
    pub description: String,
    /// Document.
    pub file_id: Option<Uuid>,
    /// Funding year (annual budgets only).
    pub funding_year_id: Option<FundingYearId>,
}

impl NewSignOff {
    /// Validates raw input; every problem is reported against its field.
    pub fn parse(input: &NewSignOffInput) -> Result<NewSignOff, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let kind = SignOffKind::parse(input.kind.trim())
            .filter(|k| !SignOffKind::REQUESTED_ELSEWHERE.contains(k));
        if kind.is_none() {
            errors.add("kind", "Select what is to be signed off");
        }
        let title = required_text(&mut errors, "title", &input.title, "a title", TITLE_MAX);
        let description = optional_text(
            &mut errors,
            "description",
            &input.description,
            "Description",
            TEXT_MAX,
        );
        let file_id: Option<Uuid> = optional_id(
            &mut errors,
            "file_id",
            &input.file_id,
            "Select a document from the list",
        );
        let funding_year_id: Option<FundingYearId> = optional_id(
            &mut errors,
            "funding_year_id",
            &input.funding_year_id,
            "Select a financial year from the list",
        );
        if funding_year_id.is_some() && kind.is_some_and(|k| k != SignOffKind::AnnualBudget) {
            errors.add(
                "funding_year_id",
                "Only an annual budget can be linked to a financial year",
            );
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(NewSignOff {
                kind,
                title,
                description,
                file_id,
                funding_year_id,
            }),
            _ => Err(errors),
        }
    }
}

/// Raw input of a partner's decision.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DecisionInput {
    /// `sign` or `return`.
    #[serde(default)]
    pub decision: String,
    /// Comments (required to return it).
    #[serde(default)]
    pub comment: String,
}

/// A validated decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Signed or returned.
    pub decision: StepDecision,
    /// Comments (may be empty when signing).
    pub comment: String,
}

impl Decision {
    /// Validates a decision: returning it needs comments.
    pub fn parse(input: &DecisionInput) -> Result<Decision, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let decision = match input.decision.trim() {
            "sign" | "signed" => Some(StepDecision::Signed),
            "return" | "returned" => Some(StepDecision::Returned),
            _ => {
                errors.add("decision", "Select whether you sign it off or return it");
                None
            }
        };
        let comment = optional_text(
            &mut errors,
            "comment",
            &input.comment,
            "Comments",
            COMMENT_MAX,
        );
        if decision == Some(StepDecision::Returned) && comment.is_empty() {
            errors.add(
                "comment",
                "Enter comments saying what needs to change before you can sign it off",
            );
        }
        match decision {
            Some(decision) if errors.is_empty() => Ok(Decision { decision, comment }),
            _ => Err(errors),
        }
    }
}

/// Raw input to request an item again (a new round).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RerequestInput {
    /// What changed (required).
    #[serde(default)]
    pub note: String,
    /// A revised document (optional; empty keeps the current one).
    #[serde(default)]
    pub file_id: String,
}

/// A validated new round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rerequest {
    /// What changed.
    pub note: String,
    /// A revised document.
    pub file_id: Option<Uuid>,
}

impl Rerequest {
    /// Validates a new round: a note saying what changed is required.
    pub fn parse(input: &RerequestInput) -> Result<Rerequest, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let note = required_text(
            &mut errors,
            "note",
            &input.note,
            "what has changed since it was returned",
            COMMENT_MAX,
        );
        let file_id: Option<Uuid> = optional_id(
            &mut errors,
            "file_id",
            &input.file_id,
            "Select a document from the list",
        );
        errors.into_result(Rerequest { note, file_id })
    }
}

/// Raw input to withdraw a request.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WithdrawInput {
    /// Why (required).
    #[serde(default)]
    pub reason: String,
}

/// Validates a withdrawal: the reason is required.
pub fn parse_withdraw(input: &WithdrawInput) -> Result<String, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let reason = required_text(
        &mut errors,
        "reason",
        &input.reason,
        "the reason for withdrawing the request",
        COMMENT_MAX,
    );
    errors.into_result(reason)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn status_of_a_round() {
        use StepDecision::*;
        assert_eq!(
            round_status(&[Pending, Pending, Pending]),
            SignOffStatus::Awaiting
        );
        assert_eq!(
            round_status(&[Signed, Signed, Pending]),
            SignOffStatus::Awaiting
        );
        assert_eq!(
            round_status(&[Signed, Signed, Signed]),
            SignOffStatus::Complete
        );
        assert_eq!(
            round_status(&[Signed, Returned, Signed]),
            SignOffStatus::Returned
        );
        assert_eq!(round_status(&[Signed, Signed]), SignOffStatus::Awaiting);
    }

    #[test]
    fn returning_needs_a_comment() {
        let e = Decision::parse(&DecisionInput {
            decision: "return".into(),
            comment: " ".into(),
        })
        .unwrap_err();
        assert!(e.get("comment").is_some());
        let d = Decision::parse(&DecisionInput {
            decision: "sign".into(),
            comment: String::new(),
        })
        .unwrap();
        assert_eq!(d.decision, StepDecision::Signed);
        let e = Decision::parse(&DecisionInput::default()).unwrap_err();
        assert!(e.get("decision").is_some());
    }

    #[test]
    fn a_request_is_validated_field_by_field() {
        let e = NewSignOff::parse(&NewSignOffInput {
            kind: "nonsense".into(),
            title: String::new(),
            file_id: "x".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.get("kind"), Some("Select what is to be signed off"));
        assert_eq!(e.get("title"), Some("Enter a title"));
        assert!(e.get("file_id").is_some());
        let e = NewSignOff::parse(&NewSignOffInput {
            kind: "yearly_report".into(),
            title: "Report".into(),
            funding_year_id: Uuid::new_v4().to_string(),
            ..Default::default()
        })
        .unwrap_err();
        assert!(e.get("funding_year_id").is_some());
        let ok = NewSignOff::parse(&NewSignOffInput {
            kind: "annual_budget".into(),
            title: "Budget 2022/23".into(),
            funding_year_id: Uuid::new_v4().to_string(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(ok.kind, SignOffKind::AnnualBudget);
    }
}
