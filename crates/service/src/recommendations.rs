//! The recommendations tracker: sources, their recommendations, the owner's self-assessment and the
//! independent verification (with history), actions, evidence, and progress by status and by
//! addressee (with CSV and XLSX exports). The rules are in
//! [`safeguard_domain::recommendations`].
//!
//! # Access
//!
//! * Everything here needs `ViewRecommendations`; another partnership's source or recommendation is
//!   `NotFound`. Adding sources, recommendations and their actions needs `ManageRecommendations`
//!   (and `ManageActions` for an action, through [`crate::actions::create_in_tx`]).
//! * A recommendation's lead self-assesses it and adds evidence, as does anyone with
//!   `ManageRecommendations` ([`safeguard_domain::recommendations::may_self_assess`]); others are
//!   `Forbidden`. Verifying needs `VerifyRecommendations` (the independent scrutineer).
//! * Changes carry the version read: a stale one is a `Conflict` ([`CONFLICT_MESSAGE`]) and changes
//!   nothing. Every change writes its audit entry in the same transaction; exports write
//!   `recommendation.export`.
//!
//! # Local CSPR sources
//!
//! A local CSPR source refers to a practice review by id; its recommendations refer to the review's
//! recommendations by id and are read through [`crate::review_learning`] (never copied): with the
//! case review access rule, which audits the read. Someone outside the case review panel sees the
//! number and that the text is held by the case review module, not the text.
//!
//! # Actions
//!
//! Actions are the platform's one action model: [`add_action`] creates one with
//! [`crate::actions::create_in_tx`] whose source is the recommendation (type `recommendation`, its
//! id, label "Title of the source, recommendation 12"); owners update them on the action pages.

use crate::activity::{Export, ExportFormat};
use crate::{Actor, ServiceError, ServiceResult, Services};
use chrono::{Datelike, NaiveDate};
use safeguard_domain::actions::{
    NewAction, NewActionInput, Source as ActionSource, SourceType, uk_date,
};
use safeguard_domain::csv::CsvWriter;
use safeguard_domain::policy::Permission;
use safeguard_domain::recommendations::{DatedEvent, EventStatus, Period, period_ends, status_at};
use safeguard_domain::recommendations::{
    Evidence, EvidenceInput, Rag, Recommendation, RecommendationChoices, RecommendationInput,
    SelfStatus, Source, SourceInput, SourceKind, StatusInput, VerifiedStatus, VerifyInput,
    may_self_assess, parse_status, parse_verification, rag,
};
use safeguard_domain::{ActionId, ValidationErrors};
use safeguard_store::actions::Action;
use safeguard_store::recommendations::{
    self as store, AddresseeRow, EvidenceRow, PracticeReviewRef, RecommendationRow, SourceRow,
    StatusEventRow,
};
use safeguard_store::{StoreError, audit_log};
use serde_json::json;
use uuid::Uuid;

/// Message for a stale change.
pub const CONFLICT_MESSAGE: &str = "Someone else changed this recommendation while you were \
     working on it. Nothing was saved and your text is shown below: check the current status, then \
     save again.";

const NUMBER_TAKEN: &str = "That number is already used in this source: choose another.";

/// Where a recommendation stands, for progress views: its self-assessment, its verification and
/// whether it was accepted, in one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    /// Not accepted.
    NotAccepted,
    /// Not started.
    NotStarted,
    /// In progress.
    InProgress,
    /// Ready for assessment.
    ReadyForAssessment,
    /// Implemented in the owner's view, not (yet) verified.
    ImplementedUnverified,
    /// Verified as implemented.
    VerifiedImplemented,
    /// Unable to implement (self-assessed or verified).
    UnableToImplement,
}

impl Position {
    /// Every position, in display order.
    pub const ALL: [Position; 7] = [
        Position::NotStarted,
        Position::InProgress,
        Position::ReadyForAssessment,
        Position::ImplementedUnverified,
        Position::VerifiedImplemented,
        Position::UnableToImplement,
        Position::NotAccepted,
    ];
    /// The stable identifier.
    pub fn slug(self) -> &'static str {
        match self {
            Position::NotAccepted => "not_accepted",
            Position::NotStarted => "not_started",
            Position::InProgress => "in_progress",
            Position::ReadyForAssessment => "ready_for_assessment",
            Position::ImplementedUnverified => "implemented_unverified",
            Position::VerifiedImplemented => "verified_implemented",
            Position::UnableToImplement => "unable_to_implement",
        }
    }
    /// The name shown.
    pub fn label(self) -> &'static str {
        match self {
            Position::NotAccepted => "Not accepted",
            Position::NotStarted => "Not started",
            Position::InProgress => "In progress",
            Position::ReadyForAssessment => "Ready for assessment",
            Position::ImplementedUnverified => "Implemented, awaiting verification",
            Position::VerifiedImplemented => "Verified as implemented",
            Position::UnableToImplement => "Unable to implement",
        }
    }
    /// The position of a recommendation.
    pub fn of(accepted: bool, status: SelfStatus, verified: Option<VerifiedStatus>) -> Position {
        if !accepted {
            return Position::NotAccepted;
        }
        match (status, verified) {
            (_, Some(VerifiedStatus::Implemented)) => Position::VerifiedImplemented,
            (SelfStatus::UnableToImplement, _) | (_, Some(VerifiedStatus::UnableToImplement)) => {
                Position::UnableToImplement
            }
            (SelfStatus::NotStarted, _) => Position::NotStarted,
            (SelfStatus::InProgress, _) => Position::InProgress,
            (SelfStatus::ReadyForAssessment, _) => Position::ReadyForAssessment,
            (SelfStatus::Implemented, _) => Position::ImplementedUnverified,
        }
    }
}

/// A review recommendation as read through the case review module (never copied).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Referenced {
    /// The review's reference ("CSPR 2022-01").
    pub subject_reference: String,
    /// Its number in the review.
    pub number: i32,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// The finding it follows from: (number, title).
    pub finding: Option<(i32, String)>,
    /// The review recommendation's version (bumped by every edit there).
    pub version: i32,
}

/// A tracked recommendation as shown.
#[derive(Debug, Clone)]
pub struct RecommendationView {
    /// The row.
    pub row: RecommendationRow,
    /// Its addressees.
    pub addressees: Vec<AddresseeRow>,
    /// Self-assessed status.
    pub status: SelfStatus,
    /// Verified status.
    pub verified: Option<VerifiedStatus>,
    /// RAG today (`None`: not accepted).
    pub rag: Option<Rag>,
    /// Where it stands.
    pub position: Position,
    /// The review recommendation's text, when by reference and the reader may see it.
    pub referenced: Option<Referenced>,
}

impl RecommendationView {
    /// The title to show: its own, the review recommendation's, or a placeholder naming the number
    /// when the reader may not see case review records.
    pub fn title(&self) -> String {
        match (&self.referenced, self.row.review_recommendation_id) {
            (Some(r), _) => r.title.clone(),
            (None, Some(_)) => format!(
                "Review recommendation {} (held by the case review panel)",
                self.row.number
            ),
            (None, None) => self.row.title.clone(),
        }
    }
    /// The text to show (empty when restricted).
    pub fn body(&self) -> String {
        match &self.referenced {
            Some(r) => r.body.clone(),
            None => self.row.body.clone(),
        }
    }
}

/// A source with what the reader may do.
#[derive(Debug, Clone)]
pub struct SourceView {
    /// The source.
    pub source: SourceRow,
    /// The practice review it is (local CSPR).
    pub review: Option<PracticeReviewRef>,
    /// Its recommendations, by number.
    pub recommendations: Vec<RecommendationView>,
    /// Today in England.
    pub today: NaiveDate,
    /// The reader may add recommendations.
    pub can_manage: bool,
}

/// A recommendation's page.
#[derive(Debug, Clone)]
pub struct RecommendationDetail {
    /// The source.
    pub source: SourceRow,
    /// The recommendation.
    pub view: RecommendationView,
    /// Both histories, newest first.
    pub events: Vec<StatusEventRow>,
    /// Its actions (the one action model).
    pub actions: Vec<Action>,
    /// Its evidence.
    pub evidence: Vec<EvidenceRow>,
    /// The evidence on its actions, by action and oldest first.
    pub action_evidence: Vec<safeguard_store::actions::ActionEvidenceRow>,
    /// The reader may self-assess it and add evidence.
    pub can_self_assess: bool,
    /// The reader may verify it.
    pub can_verify: bool,
    /// The reader may add actions.
    pub can_add_action: bool,
    /// The statuses the owner may move to now.
    pub next: Vec<SelfStatus>,
    /// True when the review recommendation was taken over but the reader may not read it.
    pub restricted: bool,
}

fn status_of(row: &RecommendationRow) -> ServiceResult<(SelfStatus, Option<VerifiedStatus>)> {
    let s = SelfStatus::parse(&row.self_status).ok_or_else(|| {
        ServiceError::Internal(anyhow::anyhow!("unknown status {:?}", row.self_status))
    })?;
    let v = match &row.verified_status {
        None => None,
        Some(v) => Some(VerifiedStatus::parse(v).ok_or_else(|| {
            ServiceError::Internal(anyhow::anyhow!("unknown verified status {v:?}"))
        })?),
    };
    Ok((s, v))
}

fn view_of(
    row: RecommendationRow,
    addressees: Vec<AddresseeRow>,
    referenced: Option<Referenced>,
    today: NaiveDate,
) -> ServiceResult<RecommendationView> {
    let (status, verified) = status_of(&row)?;
    Ok(RecommendationView {
        rag: rag(row.accepted, status, verified, row.target_date, today),
        position: Position::of(row.accepted, status, verified),
        status,
        verified,
        addressees,
        referenced,
        row,
    })
}

/// The partnership's sources (`ViewRecommendations`).
pub async fn sources(svc: &Services, actor: &Actor) -> ServiceResult<Vec<SourceRow>> {
    actor.require(Permission::ViewRecommendations)?;
    let mut pc = svc.db.acquire().await?;
    Ok(store::sources(&mut pc.conn(), actor.partnership_id).await?)
}

/// What a source may refer to: the partnership's documents (id, name) and practice reviews.
#[derive(Debug, Clone, Default)]
pub struct SourceChoices {
    /// Documents of the file store the reader may see.
    pub files: Vec<(Uuid, String)>,
    /// Practice reviews.
    pub reviews: Vec<PracticeReviewRef>,
}

/// The documents and practice reviews a source or evidence may refer to (`ViewRecommendations`).
pub async fn choices(svc: &Services, actor: &Actor) -> ServiceResult<SourceChoices> {
    actor.require(Permission::ViewRecommendations)?;
    let mut pc = svc.db.acquire().await?;
    let (files, _) = safeguard_store::files::list(
        &mut pc.conn(),
        actor.partnership_id,
        &safeguard_store::files::FileFilter {
            include_board: actor.can(Permission::ViewBoardPapers),
            attached_to: None,
        },
        500,
        0,
    )
    .await?;
    let reviews = store::practice_reviews(&mut pc.conn(), actor.partnership_id).await?;
    Ok(SourceChoices {
        files: files
            .into_iter()
            .map(|f| (f.file_id, f.original_name))
            .collect(),
        reviews,
    })
}

/// Adds a source (`ManageRecommendations`).
pub async fn create_source(
    svc: &Services,
    actor: &Actor,
    input: &SourceInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageRecommendations)?;
    let c = choices(svc, actor).await?;
    let files: Vec<Uuid> = c.files.iter().map(|f| f.0).collect();
    let reviews: Vec<Uuid> = c.reviews.iter().map(|r| r.review_id).collect();
    let now = svc.now();
    let s = Source::parse(input, &files, &reviews, uk_date(now))?;
    let id = Uuid::new_v4();
    let mut tx = svc.db.begin().await?;
    store::insert_source(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        &s,
        actor.person_id,
        now,
    )
    .await?;
    let mut e = actor.entry(
        "recommendation.source.create",
        "recommendation_source",
        Some(id.to_string()),
    );
    e.after = Some(
        json!({"kind": s.kind.slug(), "title": s.title, "published_on": s.published_on, "publisher": s.publisher,
               "link": s.link, "file_id": s.file_id, "review_id": s.review_id})
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// The review recommendations of the partnership as the reader may read them (by id), through the
/// case review module; empty when the reader is outside the case review panel.
async fn referenced_map(svc: &Services, actor: &Actor) -> ServiceResult<Vec<(Uuid, Referenced)>> {
    if !actor.can(Permission::ViewCaseReviews) || !crate::case_reviews::can_view(svc, actor).await?
    {
        return Ok(Vec::new());
    }
    let refs = crate::review_learning::partnership_recommendations(svc, actor).await?;
    Ok(refs
        .into_iter()
        .map(|r| {
            let x = r.recommendation;
            (
                x.recommendation_id,
                Referenced {
                    subject_reference: x.subject_reference,
                    number: x.number,
                    title: x.title,
                    body: x.body,
                    finding: None,
                    version: x.version,
                },
            )
        })
        .collect())
}

/// A source with its recommendations (`ViewRecommendations`); `NotFound` for another partnership's.
pub async fn source(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<SourceView> {
    actor.require(Permission::ViewRecommendations)?;
    let p = actor.partnership_id;
    let today = uk_date(svc.now());
    let (source, review, rows, addressees) = {
        let mut pc = svc.db.acquire().await?;
        let source = store::find_source(&mut pc.conn(), p, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let review = match source.review_id {
            Some(r) => store::practice_review_ref(&mut pc.conn(), p, r).await?,
            None => None,
        };
        let rows = store::recommendations(&mut pc.conn(), p, id).await?;
        let addressees = store::addressees(&mut pc.conn(), p, id, None).await?;
        (source, review, rows, addressees)
    };
    let referenced = if rows.iter().any(|r| r.review_recommendation_id.is_some()) {
        referenced_map(svc, actor).await?
    } else {
        Vec::new()
    };
    let mut recommendations = Vec::with_capacity(rows.len());
    for row in rows {
        let to = addressees
            .iter()
            .filter(|a| a.recommendation_id == row.recommendation_id)
            .cloned()
            .collect();
        let r = row.review_recommendation_id.and_then(|rid| {
            referenced
                .iter()
                .find(|(k, _)| *k == rid)
                .map(|(_, v)| v.clone())
        });
        recommendations.push(view_of(row, to, r, today)?);
    }
    Ok(SourceView {
        source,
        review,
        recommendations,
        today,
        can_manage: actor.can(Permission::ManageRecommendations),
    })
}

/// What a new recommendation of a source may refer to.
#[derive(Debug, Clone)]
pub struct RecommendationForm {
    /// The source.
    pub source: SourceRow,
    /// The number to suggest.
    pub next_number: i32,
    /// Organisations (id, name).
    pub organisations: Vec<(Uuid, String)>,
    /// People (id, name, organisation).
    pub people: Vec<(Uuid, String, String)>,
    /// The review's recommendations (local CSPR), as the reader may read them.
    pub review_recommendations: Vec<(Uuid, String)>,
}

/// The choices for adding a recommendation to a source (`ManageRecommendations`).
pub async fn recommendation_form(
    svc: &Services,
    actor: &Actor,
    source: Uuid,
) -> ServiceResult<RecommendationForm> {
    actor.require(Permission::ManageRecommendations)?;
    let p = actor.partnership_id;
    let (src, next_number, review_ids) = {
        let mut pc = svc.db.acquire().await?;
        let src = store::find_source(&mut pc.conn(), p, source)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let next = store::next_number(&mut pc.conn(), p, source).await?;
        let ids = match src.review_id {
            Some(r) => store::review_recommendation_ids(&mut pc.conn(), p, r).await?,
            None => Vec::new(),
        };
        (src, next, ids)
    };
    let (orgs, people) = crate::actions::partnership_choices(svc, actor).await?;
    let referenced = if review_ids.is_empty() {
        Vec::new()
    } else {
        referenced_map(svc, actor).await?
    };
    Ok(RecommendationForm {
        source: src,
        next_number,
        organisations: orgs
            .into_iter()
            .map(|o| (o.organisation_id, o.name))
            .collect(),
        people: people
            .into_iter()
            .map(|x| (x.person_id, x.name, x.organisation_name))
            .collect(),
        review_recommendations: review_ids
            .into_iter()
            .map(|id| {
                let label = referenced.iter().find(|(k, _)| *k == id).map_or_else(
                    || "Review recommendation (held by the case review panel)".to_owned(),
                    |(_, r)| {
                        format!(
                            "{} recommendation {}: {}",
                            r.subject_reference, r.number, r.title
                        )
                    },
                );
                (id, label)
            })
            .collect(),
    })
}

/// Adds a recommendation to a source (`ManageRecommendations`): for a local CSPR source, by
/// reference to one of the review's recommendations.
pub async fn add_recommendation(
    svc: &Services,
    actor: &Actor,
    source: Uuid,
    input: &RecommendationInput,
) -> ServiceResult<Uuid> {
    let form = recommendation_form(svc, actor, source).await?;
    let choices = RecommendationChoices {
        by_reference: form.source.kind == SourceKind::LocalCspr.slug(),
        review_recommendations: form.review_recommendations.iter().map(|r| r.0).collect(),
        organisations: form.organisations.iter().map(|o| o.0).collect(),
        people: form.people.iter().map(|x| x.0).collect(),
    };
    let r = Recommendation::parse(input, &choices)?;
    let now = svc.now();
    let id = Uuid::new_v4();
    let mut tx = svc.db.begin().await?;
    store::insert_recommendation(
        &mut tx.conn(),
        actor.partnership_id,
        (id, source),
        &r,
        actor.person_id,
        now,
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict(_) => {
            ServiceError::Invalid(ValidationErrors::single("number", NUMBER_TAKEN))
        }
        other => other.into(),
    })?;
    let mut e = actor.entry(
        "recommendation.create",
        "tracked_recommendation",
        Some(id.to_string()),
    );
    e.after = Some(
        json!({"source_id": source, "number": r.number, "title": r.title, "body": r.body,
               "review_recommendation_id": r.review_recommendation_id, "addressees": r.addressees,
               "accepted": r.accepted, "not_accepted_reason": r.not_accepted_reason,
               "lead_person_id": r.lead_person_id, "target_date": r.target_date,
               "self_status": SelfStatus::NotStarted.slug()})
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(id)
}

async fn load_row(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<(RecommendationRow, SourceRow)> {
    actor.require(Permission::ViewRecommendations)?;
    let mut pc = svc.db.acquire().await?;
    let row = store::find_recommendation(&mut pc.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let source = store::find_source(&mut pc.conn(), actor.partnership_id, row.source_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((row, source))
}

fn is_lead(actor: &Actor, row: &RecommendationRow) -> bool {
    row.lead_person_id == Some(actor.person_id.0)
}

/// A recommendation with its histories, actions and evidence (`ViewRecommendations`); `NotFound` for
/// another partnership's. A review recommendation's text is read through the case review module
/// (audited there) when the reader may.
pub async fn recommendation(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<RecommendationDetail> {
    let (row, source) = load_row(svc, actor, id).await?;
    let p = actor.partnership_id;
    let today = uk_date(svc.now());
    let (addressees, events, evidence, actions) = {
        let mut pc = svc.db.acquire().await?;
        (
            store::addressees(&mut pc.conn(), p, row.source_id, Some(id)).await?,
            store::events(&mut pc.conn(), p, id).await?,
            store::evidence(
                &mut pc.conn(),
                p,
                id,
                actor.can(Permission::ViewBoardPapers),
            )
            .await?,
            safeguard_store::actions::by_source(
                &mut pc.conn(),
                p,
                SourceType::Recommendation.slug(),
                &[id],
            )
            .await?,
        )
    };
    let action_evidence = {
        let mut pc = svc.db.acquire().await?;
        safeguard_store::actions::evidence_by_source(
            &mut pc.conn(),
            p,
            SourceType::Recommendation.slug(),
            id,
            actor.can(Permission::ViewBoardPapers),
        )
        .await?
    };
    let mut restricted = false;
    let referenced = match row.review_recommendation_id {
        None => None,
        Some(rid) => {
            if actor.can(Permission::ViewCaseReviews)
                && crate::case_reviews::can_view(svc, actor).await?
            {
                let d = crate::review_learning::recommendation(svc, actor, rid).await?;
                Some(Referenced {
                    subject_reference: d.subject.reference.clone(),
                    number: d.view.recommendation.number,
                    title: d.view.recommendation.title.clone(),
                    body: d.view.recommendation.body.clone(),
                    finding: d.finding.map(|f| (f.number, f.title)),
                    version: d.view.recommendation.version,
                })
            } else {
                restricted = true;
                None
            }
        }
    };
    let view = view_of(row, addressees, referenced, today)?;
    let can_self_assess = may_self_assess(
        is_lead(actor, &view.row),
        actor.can(Permission::ManageRecommendations),
    );
    Ok(RecommendationDetail {
        next: if can_self_assess {
            view.status.next().to_vec()
        } else {
            Vec::new()
        },
        can_verify: actor.can(Permission::VerifyRecommendations) && view.status.verifiable(),
        can_add_action: actor.can(Permission::ManageRecommendations)
            && actor.can(Permission::ManageActions),
        can_self_assess,
        source,
        view,
        events,
        actions,
        evidence,
        action_evidence,
        restricted,
    })
}

fn version_of(errors: &mut ValidationErrors, raw: &str) -> Option<i32> {
    safeguard_domain::review_learning::parse_version(errors, raw)
}

/// The owner's self-assessment: the lead or `ManageRecommendations`, against the version read.
pub async fn self_assess(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &StatusInput,
) -> ServiceResult<()> {
    let (row, _) = load_row(svc, actor, id).await?;
    if !may_self_assess(
        is_lead(actor, &row),
        actor.can(Permission::ManageRecommendations),
    ) {
        tracing::warn!(target: "security.denied", person = %actor.person_id, "not the recommendation's lead");
        return Err(ServiceError::Forbidden("not the recommendation's lead"));
    }
    let (current, _) = status_of(&row)?;
    let mut errors = ValidationErrors::new();
    let version = version_of(&mut errors, &input.version);
    let (status, note) = match (parse_status(input, current), version) {
        (Ok(v), Some(_)) => v,
        (Err(mut e), _) => {
            e.0.extend(errors.0);
            return Err(e.into());
        }
        (Ok(_), None) => return Err(errors.into()),
    };
    let version = version.unwrap_or_default();
    if version != row.version {
        return Err(ServiceError::Conflict(CONFLICT_MESSAGE.to_owned()));
    }
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    if !store::set_self_status(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        status.slug(),
        version,
        now,
    )
    .await?
    {
        return Err(ServiceError::Conflict(CONFLICT_MESSAGE.to_owned()));
    }
    store::append_event(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        ("self", status.slug(), &note),
        actor.person_id,
        now,
    )
    .await?;
    let mut e = actor.entry(
        "recommendation.self_assess",
        "tracked_recommendation",
        Some(id.to_string()),
    );
    e.before = Some(json!({"self_status": row.self_status, "verified_status": row.verified_status, "version": row.version}).to_string());
    e.after = Some(json!({"self_status": status.slug(), "verified_status": null, "note": note, "version": version + 1}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The independent verdict on the current self-assessment (`VerifyRecommendations`), against the
/// version read.
pub async fn verify(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &VerifyInput,
) -> ServiceResult<()> {
    actor.require(Permission::VerifyRecommendations)?;
    let (row, _) = load_row(svc, actor, id).await?;
    let (current, _) = status_of(&row)?;
    let mut errors = ValidationErrors::new();
    let version = version_of(&mut errors, &input.version);
    let (verdict, note) = match (parse_verification(input, current), version) {
        (Ok(v), Some(_)) => v,
        (Err(mut e), _) => {
            e.0.extend(errors.0);
            return Err(e.into());
        }
        (Ok(_), None) => return Err(errors.into()),
    };
    let version = version.unwrap_or_default();
    if version != row.version {
        return Err(ServiceError::Conflict(CONFLICT_MESSAGE.to_owned()));
    }
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    if !store::set_verified_status(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        verdict.slug(),
        version,
        now,
    )
    .await?
    {
        return Err(ServiceError::Conflict(CONFLICT_MESSAGE.to_owned()));
    }
    store::append_event(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        ("verification", verdict.slug(), &note),
        actor.person_id,
        now,
    )
    .await?;
    let mut e = actor.entry(
        "recommendation.verify",
        "tracked_recommendation",
        Some(id.to_string()),
    );
    e.before = Some(json!({"self_status": row.self_status, "verified_status": row.verified_status, "version": row.version}).to_string());
    e.after = Some(json!({"self_status": row.self_status, "verified_status": verdict.slug(), "note": note, "version": version + 1}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds an action to a recommendation through the one action model (`ManageRecommendations` and
/// `ManageActions`).
pub async fn add_action(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &NewActionInput,
) -> ServiceResult<ActionId> {
    actor.require(Permission::ManageRecommendations)?;
    let (row, source) = load_row(svc, actor, id).await?;
    let new = NewAction::parse(input)?;
    let label = format!("{}, recommendation {}", source.title, row.number);
    let src = ActionSource {
        kind: SourceType::Recommendation,
        id: Some(id),
        label,
    };
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let action = crate::actions::create_in_tx(&mut tx, actor, &new, &src, now).await?;
    tx.commit().await?;
    Ok(action)
}

/// Adds evidence (a document or an https link) to a recommendation: its lead or
/// `ManageRecommendations`.
pub async fn add_evidence(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &EvidenceInput,
) -> ServiceResult<Uuid> {
    add_evidence_with(svc, actor, id, input, None).await
}

/// Adds evidence to a recommendation as [`add_evidence`] does, or with a document uploaded now
/// (through the file store and its upload limit, attached to the recommendation): the document's
/// row, the evidence and their audit entries commit together; refused evidence leaves no file.
pub async fn add_evidence_with(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &EvidenceInput,
    document: Option<crate::actions::EvidenceDocument<'_>>,
) -> ServiceResult<Uuid> {
    let (row, _) = load_row(svc, actor, id).await?;
    if !may_self_assess(
        is_lead(actor, &row),
        actor.can(Permission::ManageRecommendations),
    ) {
        return Err(ServiceError::Forbidden("not the recommendation's lead"));
    }
    let c = choices(svc, actor).await?;
    let files: Vec<Uuid> = c.files.iter().map(|f| f.0).collect();
    let ev = crate::actions::parse_evidence(input, &files, document.is_some())?;
    let prepared = crate::actions::prepare_evidence_document(
        svc,
        actor,
        document,
        &ev.label,
        ("tracked_recommendation", id),
    )
    .await?;
    let now = svc.now();
    let result = async {
        let mut tx = svc.db.begin().await?;
        let ev = match &prepared {
            Some(p) => Evidence {
                file_id: Some(
                    crate::files::record_in_tx(&mut tx, actor, p, now)
                        .await?
                        .file_id,
                ),
                ..ev.clone()
            },
            None => ev.clone(),
        };
        let eid = store::insert_evidence(
            &mut tx.conn(),
            actor.partnership_id,
            id,
            &ev,
            actor.person_id,
            now,
        )
        .await?;
        let mut e = actor.entry(
            "recommendation.evidence.add",
            "tracked_recommendation",
            Some(id.to_string()),
        );
        e.after = Some(
            json!({"evidence_id": eid, "file_id": ev.file_id, "url": ev.url, "label": ev.label})
                .to_string(),
        );
        audit_log::append(&mut tx.conn(), &e, now).await?;
        tx.commit().await?;
        Ok(eid)
    }
    .await;
    if result.is_err()
        && let Some(p) = &prepared
    {
        crate::files::discard(svc, p).await;
    }
    result
}

/// One row of a progress table: a label and a count per position.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProgressRow {
    /// The addressee's name, or "All recommendations".
    pub label: String,
    /// Counts in [`Position::ALL`] order.
    pub counts: Vec<i64>,
    /// Total.
    pub total: i64,
}

/// Progress of a source: by position (the chart) and by addressee, and by RAG.
#[derive(Debug, Clone)]
pub struct Progress {
    /// The source.
    pub source: SourceRow,
    /// All recommendations by position.
    pub overall: ProgressRow,
    /// By addressee (a recommendation addressed to two counts for both), by name.
    pub by_addressee: Vec<ProgressRow>,
    /// Red, amber, green and not rated counts.
    pub rag: [i64; 4],
    /// The recommendations (for the export).
    pub recommendations: Vec<RecommendationView>,
    /// Today in England.
    pub today: NaiveDate,
}

fn count_row(label: String, views: &[&RecommendationView]) -> ProgressRow {
    let counts: Vec<i64> = Position::ALL
        .iter()
        .map(|p| i64::try_from(views.iter().filter(|v| v.position == *p).count()).unwrap_or(0))
        .collect();
    ProgressRow {
        total: counts.iter().sum(),
        label,
        counts,
    }
}

/// The progress of a source (`ViewRecommendations`).
pub async fn progress(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<Progress> {
    let v = source(svc, actor, id).await?;
    let all: Vec<&RecommendationView> = v.recommendations.iter().collect();
    let overall = count_row("All recommendations".to_owned(), &all);
    let mut names: Vec<(Uuid, String)> = Vec::new();
    for r in &v.recommendations {
        for a in &r.addressees {
            if !names.iter().any(|(id, _)| *id == a.organisation_id) {
                names.push((a.organisation_id, a.organisation_name.clone()));
            }
        }
    }
    names.sort_by(|a, b| a.1.cmp(&b.1));
    let by_addressee = names
        .into_iter()
        .map(|(org, name)| {
            let of: Vec<&RecommendationView> = v
                .recommendations
                .iter()
                .filter(|r| r.addressees.iter().any(|a| a.organisation_id == org))
                .collect();
            count_row(name, &of)
        })
        .collect();
    let mut rag_counts = [0i64; 4];
    for r in &v.recommendations {
        let i = match r.rag {
            Some(Rag::Red) => 0,
            Some(Rag::Amber) => 1,
            Some(Rag::Green) => 2,
            None => 3,
        };
        rag_counts[i] += 1;
    }
    Ok(Progress {
        source: v.source,
        overall,
        by_addressee,
        rag: rag_counts,
        recommendations: v.recommendations,
        today: v.today,
    })
}

/// The export's column headings (one row per recommendation).
pub const EXPORT_HEADINGS: [&str; 10] = [
    "Number",
    "Title",
    "Addressees",
    "Accepted",
    "Lead",
    "Target date",
    "Self-assessed status",
    "Verified status",
    "Position",
    "RAG",
];

fn export_rows(p: &Progress) -> Vec<[String; 10]> {
    p.recommendations
        .iter()
        .map(|r| {
            [
                r.row.number.to_string(),
                r.title(),
                r.addressees
                    .iter()
                    .map(|a| a.organisation_name.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                if r.row.accepted {
                    "Yes".to_owned()
                } else {
                    format!("No: {}", r.row.not_accepted_reason)
                },
                r.row.lead_name.clone().unwrap_or_default(),
                r.row.target_date.map(|d| d.to_string()).unwrap_or_default(),
                r.status.label().to_owned(),
                r.verified.map(|v| v.label().to_owned()).unwrap_or_default(),
                r.position.label().to_owned(),
                r.rag.map_or("Not rated", Rag::label).to_owned(),
            ]
        })
        .collect()
}

fn xlsx(p: &Progress) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, FormatAlign, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let ws = wb.add_worksheet();
    ws.set_name("Recommendations")?;
    let widths = [8.0, 50.0, 40.0, 14.0, 20.0, 12.0, 20.0, 24.0, 30.0, 10.0];
    for (i, (h, w)) in EXPORT_HEADINGS.iter().zip(widths).enumerate() {
        let col = u16::try_from(i).unwrap_or(0);
        ws.write_string_with_format(0, col, *h, &bold)?;
        ws.set_column_width(col, w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let rows = export_rows(p);
    for (i, cells) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_number_with_format(r, 0, f64::from(p.recommendations[i].row.number), &wrap)?;
        for (j, t) in cells.iter().enumerate().skip(1) {
            ws.write_string_with_format(r, u16::try_from(j).unwrap_or(0), t, &wrap)?;
        }
    }
    ws.autofilter(0, 0, u32::try_from(rows.len()).unwrap_or(u32::MAX), 9)?;
    let ws = wb.add_worksheet();
    ws.set_name("Progress by addressee")?;
    ws.write_string_with_format(0, 0, "Addressee", &bold)?;
    ws.set_column_width(0, 50.0)?;
    for (j, pos) in Position::ALL.iter().enumerate() {
        let col = u16::try_from(j + 1).unwrap_or(0);
        ws.write_string_with_format(0, col, pos.label(), &bold)?;
        ws.set_column_width(col, 16.0)?;
    }
    ws.write_string_with_format(0, 8, "Total", &bold)?;
    for (i, row) in std::iter::once(&p.overall)
        .chain(p.by_addressee.iter())
        .enumerate()
    {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_string_with_format(r, 0, &row.label, &wrap)?;
        for (j, c) in row.counts.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            ws.write_number(r, u16::try_from(j + 1).unwrap_or(0), *c as f64)?;
        }
        #[allow(clippy::cast_precision_loss)]
        ws.write_number(r, 8, row.total as f64)?;
    }
    wb.save_to_buffer()
}

/// Exports a source's recommendations with their status and RAG (CSV: one sheet; XLSX: the
/// recommendations and the progress by addressee), after committing the `recommendation.export`
/// audit entry (`ViewRecommendations`).
pub async fn export(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    format: ExportFormat,
) -> ServiceResult<Export> {
    let p = progress(svc, actor, id).await?;
    let bytes = match format {
        ExportFormat::Csv => {
            let mut out = CsvWriter::new(&EXPORT_HEADINGS);
            for cells in export_rows(&p) {
                out.record(&cells);
            }
            out.into_bytes()
        }
        ExportFormat::Xlsx => {
            xlsx(&p).map_err(|e| ServiceError::Internal(anyhow::anyhow!("xlsx export: {e}")))?
        }
    };
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let mut e = actor.entry(
        "recommendation.export",
        "recommendation_source",
        Some(id.to_string()),
    );
    e.after = Some(json!({"format": format.extension(), "recommendations": p.recommendations.len(), "bytes": bytes.len()}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(Export {
        file_name: format!(
            "recommendations-{}-{}.{}",
            p.source.published_on.year(),
            p.source.source_id.simple(),
            format.extension()
        ),
        content_type: format.content_type(),
        rows: p.recommendations.len(),
        bytes,
    })
}

// ---------------------------------------------------------------------------------------------
// Progress over time, the public progress page, and edits of sources and recommendations

/// A source's progress over time: the count of its recommendations in each position at the end of
/// each month (or quarter) from the source's date to today, replayed from the append-only histories
/// ([`safeguard_domain::recommendations::status_at`]). Acceptance is as recorded now (its history
/// is not kept), so a recommendation not accepted counts as not accepted throughout.
#[derive(Debug, Clone)]
pub struct OverTime {
    /// Month or quarter.
    pub period: Period,
    /// The dates counted at (the last is today when its period has not ended).
    pub ends: Vec<NaiveDate>,
    /// For each date, the counts in [`Position::ALL`] order.
    pub counts: Vec<Vec<i64>>,
}

/// Folds a source's recommendations and their histories (one query, in history order) into the
/// counts at each date.
fn fold_over_time(
    rows: &[RecommendationRow],
    events: &[safeguard_store::recommendations::SourceEventRow],
    ends: &[NaiveDate],
) -> Vec<Vec<i64>> {
    let mut counts = vec![vec![0i64; Position::ALL.len()]; ends.len()];
    // One pass over the events (in history order) into each recommendation's history.
    let mut histories: std::collections::HashMap<Uuid, Vec<DatedEvent>> =
        std::collections::HashMap::with_capacity(rows.len());
    for e in events {
        if let Some(status) = EventStatus::parse(&e.kind, &e.status) {
            histories
                .entry(e.recommendation_id)
                .or_default()
                .push(DatedEvent {
                    on: uk_date(e.at),
                    status,
                });
        }
    }
    for row in rows {
        let history = histories
            .get(&row.recommendation_id)
            .map_or(&[][..], Vec::as_slice);
        for (i, end) in ends.iter().enumerate() {
            let (s, v) = status_at(history, *end);
            let pos = Position::of(row.accepted, s, v);
            if let Some(j) = Position::ALL.iter().position(|p| *p == pos) {
                counts[i][j] += 1;
            }
        }
    }
    counts
}

async fn over_time_of(
    svc: &Services,
    partnership: safeguard_domain::PartnershipId,
    source: &SourceRow,
    rows: &[RecommendationRow],
    period: Period,
) -> ServiceResult<OverTime> {
    let events = {
        let mut pc = svc.db.acquire().await?;
        store::source_events(&mut pc.conn(), partnership, source.source_id).await?
    };
    let ends = period_ends(source.published_on, uk_date(svc.now()), period);
    let counts = fold_over_time(rows, &events, &ends);
    Ok(OverTime {
        period,
        ends,
        counts,
    })
}

/// A source's progress over time (`ViewRecommendations`); `NotFound` for another partnership's.
pub async fn progress_over_time(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    period: Period,
) -> ServiceResult<(SourceRow, OverTime)> {
    actor.require(Permission::ViewRecommendations)?;
    let p = actor.partnership_id;
    let (source, rows) = {
        let mut pc = svc.db.acquire().await?;
        let source = store::find_source(&mut pc.conn(), p, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let rows = store::recommendations(&mut pc.conn(), p, id).await?;
        (source, rows)
    };
    let t = over_time_of(svc, p, &source, &rows, period).await?;
    Ok((source, t))
}

/// The headings of the progress-over-time table and export: the date, then the positions, then
/// the total.
pub fn over_time_headings() -> Vec<&'static str> {
    let mut h = vec!["Date"];
    h.extend(Position::ALL.iter().map(|p| p.label()));
    h.push("Total");
    h
}

fn over_time_xlsx(t: &OverTime) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    ws.set_name("Progress over time")?;
    for (j, h) in over_time_headings().iter().enumerate() {
        let col = u16::try_from(j).unwrap_or(0);
        ws.write_string_with_format(0, col, *h, &bold)?;
        ws.set_column_width(col, if j == 0 { 12.0 } else { 16.0 })?;
    }
    ws.set_freeze_panes(1, 1)?;
    for (i, (end, counts)) in t.ends.iter().zip(&t.counts).enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(
            u16::try_from(end.year()).unwrap_or(1900),
            u8::try_from(end.month()).unwrap_or(1),
            u8::try_from(end.day()).unwrap_or(1),
        )?;
        ws.write_datetime_with_format(r, 0, &dt, &date)?;
        for (j, c) in counts.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            ws.write_number(r, u16::try_from(j + 1).unwrap_or(0), *c as f64)?;
        }
        #[allow(clippy::cast_precision_loss)]
        ws.write_number(
            r,
            u16::try_from(counts.len() + 1).unwrap_or(0),
            counts.iter().sum::<i64>() as f64,
        )?;
    }
    wb.save_to_buffer()
}

/// Exports a source's progress over time (one row per date) as CSV or XLSX, after committing the
/// `recommendation.export` audit entry (`ViewRecommendations`).
pub async fn export_over_time(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    period: Period,
    format: ExportFormat,
) -> ServiceResult<Export> {
    let (source, t) = progress_over_time(svc, actor, id, period).await?;
    let bytes = match format {
        ExportFormat::Csv => {
            let headings = over_time_headings();
            let mut out = CsvWriter::new(&headings);
            for (end, counts) in t.ends.iter().zip(&t.counts) {
                let mut cells = vec![end.to_string()];
                cells.extend(counts.iter().map(ToString::to_string));
                cells.push(counts.iter().sum::<i64>().to_string());
                out.record(&cells);
            }
            out.into_bytes()
        }
        ExportFormat::Xlsx => over_time_xlsx(&t)
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("xlsx export: {e}")))?,
    };
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let mut e = actor.entry(
        "recommendation.export",
        "recommendation_source",
        Some(id.to_string()),
    );
    e.after = Some(json!({"format": format.extension(), "view": "over_time", "period": period.slug(), "rows": t.ends.len(), "bytes": bytes.len()}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(Export {
        file_name: format!(
            "recommendation-progress-{}-{}-{}.{}",
            period.slug(),
            source.published_on.year(),
            source.source_id.simple(),
            format.extension()
        ),
        content_type: format.content_type(),
        rows: t.ends.len(),
        bytes,
    })
}

/// Raw input for publishing a source's progress or withdrawing it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PublishInput {
    /// "yes" to publish, "no" to withdraw.
    #[serde(default)]
    pub publish: String,
    /// The version the form was built from.
    #[serde(default)]
    pub version: String,
}

/// Message for a stale change of a source.
pub const SOURCE_CONFLICT_MESSAGE: &str = "Someone else changed this source while you were \
     working on it. Nothing was saved and your text is shown below: check the source, then save \
     again.";

/// Publishes a source's progress on the public progress page, or withdraws it
/// (`ManageRecommendations`: the partnership administrator), against the version read; audited.
pub async fn set_public_progress(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &PublishInput,
) -> ServiceResult<bool> {
    actor.require(Permission::ManageRecommendations)?;
    let source = {
        let mut pc = svc.db.acquire().await?;
        store::find_source(&mut pc.conn(), actor.partnership_id, id)
            .await?
            .ok_or(ServiceError::NotFound)?
    };
    let mut errors = ValidationErrors::new();
    let publish = match input.publish.trim() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.add("publish", "Select whether to publish the progress");
            None
        }
    };
    let version = version_of(&mut errors, &input.version);
    let (Some(publish), Some(version)) = (publish, version) else {
        return Err(errors.into());
    };
    if version != source.version {
        return Err(ServiceError::Conflict(SOURCE_CONFLICT_MESSAGE.to_owned()));
    }
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    if !store::set_progress_public(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        publish,
        version,
        now,
    )
    .await?
    {
        return Err(ServiceError::Conflict(SOURCE_CONFLICT_MESSAGE.to_owned()));
    }
    let mut e = actor.entry(
        if publish {
            "recommendation.source.publish_progress"
        } else {
            "recommendation.source.withdraw_progress"
        },
        "recommendation_source",
        Some(id.to_string()),
    );
    e.before = Some(
        json!({"progress_public": source.progress_public, "version": source.version}).to_string(),
    );
    e.after = Some(json!({"progress_public": publish, "version": version + 1}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(publish)
}

/// A recommendation as the public progress page shows it: nothing but its number, title,
/// addressees and statuses.
#[derive(Debug, Clone)]
pub struct PublicRecommendation {
    /// Number.
    pub number: i32,
    /// Title (a local CSPR's is held by the case review module: a placeholder naming the number).
    pub title: String,
    /// Addressee organisations' names.
    pub addressees: Vec<String>,
    /// Self-assessed status.
    pub status: SelfStatus,
    /// Verified status.
    pub verified: Option<VerifiedStatus>,
    /// Whether it was accepted.
    pub accepted: bool,
}

/// The public progress page of a source.
#[derive(Debug, Clone)]
pub struct PublicProgress {
    /// The partnership's name.
    pub partnership: String,
    /// Title of the source.
    pub title: String,
    /// Its date.
    pub published_on: NaiveDate,
    /// Who published it.
    pub publisher: String,
    /// Its recommendations.
    pub recommendations: Vec<PublicRecommendation>,
    /// Counts by position (in [`Position::ALL`] order).
    pub overall: ProgressRow,
    /// Progress over time.
    pub over_time: OverTime,
    /// Today in England.
    pub today: NaiveDate,
}

/// The public progress page of a source, for anyone (no sign-in): `NotFound` unless the
/// partnership exists and has published the source's progress. Only what [`PublicProgress`] holds
/// leaves here: no lead, reason, note, evidence, action or case review text.
pub async fn public_progress(
    svc: &Services,
    slug: &str,
    id: Uuid,
    period: Period,
) -> ServiceResult<PublicProgress> {
    let (p, partnership, source, rows, addressees) = {
        let mut pc = svc.db.acquire().await?;
        let (p, source) = store::find_public_source(&mut pc.conn(), slug, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let partnership = safeguard_store::partnerships::find(&mut pc.conn(), p)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let rows = store::recommendations(&mut pc.conn(), p, id).await?;
        let addressees = store::addressees(&mut pc.conn(), p, id, None).await?;
        (p, partnership.name, source, rows, addressees)
    };
    let today = uk_date(svc.now());
    let over_time = over_time_of(svc, p, &source, &rows, period).await?;
    let mut views = Vec::with_capacity(rows.len());
    let mut recommendations = Vec::with_capacity(rows.len());
    for row in rows {
        let to: Vec<AddresseeRow> = addressees
            .iter()
            .filter(|a| a.recommendation_id == row.recommendation_id)
            .cloned()
            .collect();
        let v = view_of(row, to, None, today)?;
        recommendations.push(PublicRecommendation {
            number: v.row.number,
            title: match v.row.review_recommendation_id {
                Some(_) => format!("Recommendation {} of the review", v.row.number),
                None => v.row.title.clone(),
            },
            addressees: v
                .addressees
                .iter()
                .map(|a| a.organisation_name.clone())
                .collect(),
            status: v.status,
            verified: v.verified,
            accepted: v.row.accepted,
        });
        views.push(v);
    }
    let all: Vec<&RecommendationView> = views.iter().collect();
    Ok(PublicProgress {
        partnership,
        title: source.title,
        published_on: source.published_on,
        publisher: source.publisher,
        recommendations,
        overall: count_row("All recommendations".to_owned(), &all),
        over_time,
        today,
    })
}

/// Changes a source's title, date, publisher, link and document (`ManageRecommendations`), against
/// the version read (`version`); its kind and practice review stay (a local CSPR's recommendations
/// refer to that review). Audited with before and after.
pub async fn update_source(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &SourceInput,
    version: &str,
) -> ServiceResult<()> {
    actor.require(Permission::ManageRecommendations)?;
    let current = {
        let mut pc = svc.db.acquire().await?;
        store::find_source(&mut pc.conn(), actor.partnership_id, id)
            .await?
            .ok_or(ServiceError::NotFound)?
    };
    let c = choices(svc, actor).await?;
    let files: Vec<Uuid> = c.files.iter().map(|f| f.0).collect();
    let reviews: Vec<Uuid> = c.reviews.iter().map(|r| r.review_id).collect();
    let now = svc.now();
    let fixed = SourceInput {
        kind: current.kind.clone(),
        review_id: current.review_id.map(|r| r.to_string()).unwrap_or_default(),
        ..input.clone()
    };
    let mut errors = ValidationErrors::new();
    let v = version_of(&mut errors, version);
    let s = match (Source::parse(&fixed, &files, &reviews, uk_date(now)), v) {
        (Ok(s), Some(_)) => s,
        (Err(mut e), _) => {
            e.0.extend(errors.0);
            return Err(e.into());
        }
        (Ok(_), None) => return Err(errors.into()),
    };
    let v = v.unwrap_or_default();
    if v != current.version {
        return Err(ServiceError::Conflict(SOURCE_CONFLICT_MESSAGE.to_owned()));
    }
    let mut tx = svc.db.begin().await?;
    if !store::update_source(&mut tx.conn(), actor.partnership_id, id, &s, v, now).await? {
        return Err(ServiceError::Conflict(SOURCE_CONFLICT_MESSAGE.to_owned()));
    }
    let mut e = actor.entry(
        "recommendation.source.update",
        "recommendation_source",
        Some(id.to_string()),
    );
    e.before = Some(
        json!({"title": current.title, "published_on": current.published_on, "publisher": current.publisher,
               "link": current.link, "file_id": current.file_id, "version": current.version})
        .to_string(),
    );
    e.after = Some(
        json!({"title": s.title, "published_on": s.published_on, "publisher": s.publisher,
               "link": s.link, "file_id": s.file_id, "version": v + 1})
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a recommendation (`ManageRecommendations`): number, title, text (or the review
/// recommendation it refers to, for a local CSPR source), addressees, acceptance and reason, lead,
/// target date; against the version read. Its status and history stay. Audited with before and
/// after.
pub async fn update_recommendation(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &RecommendationInput,
    version: &str,
) -> ServiceResult<()> {
    actor.require(Permission::ManageRecommendations)?;
    let (row, source) = load_row(svc, actor, id).await?;
    let form = recommendation_form(svc, actor, source.source_id).await?;
    let choices = RecommendationChoices {
        by_reference: form.source.kind == SourceKind::LocalCspr.slug(),
        review_recommendations: form.review_recommendations.iter().map(|r| r.0).collect(),
        organisations: form.organisations.iter().map(|o| o.0).collect(),
        people: form.people.iter().map(|x| x.0).collect(),
    };
    let mut errors = ValidationErrors::new();
    let v = version_of(&mut errors, version);
    let r = match (Recommendation::parse(input, &choices), v) {
        (Ok(r), Some(_)) => r,
        (Err(mut e), _) => {
            e.0.extend(errors.0);
            return Err(e.into());
        }
        (Ok(_), None) => return Err(errors.into()),
    };
    let v = v.unwrap_or_default();
    if v != row.version {
        return Err(ServiceError::Conflict(CONFLICT_MESSAGE.to_owned()));
    }
    let before_addressees: Vec<Uuid> = {
        let mut pc = svc.db.acquire().await?;
        store::addressees(
            &mut pc.conn(),
            actor.partnership_id,
            row.source_id,
            Some(id),
        )
        .await?
        .into_iter()
        .map(|a| a.organisation_id)
        .collect()
    };
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let saved = store::update_recommendation(&mut tx.conn(), actor.partnership_id, id, &r, v, now)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                ServiceError::Invalid(ValidationErrors::single("number", NUMBER_TAKEN))
            }
            other => other.into(),
        })?;
    if !saved {
        return Err(ServiceError::Conflict(CONFLICT_MESSAGE.to_owned()));
    }
    let mut e = actor.entry(
        "recommendation.update",
        "tracked_recommendation",
        Some(id.to_string()),
    );
    e.before = Some(
        json!({"number": row.number, "title": row.title, "body": row.body,
               "review_recommendation_id": row.review_recommendation_id, "addressees": before_addressees,
               "accepted": row.accepted, "not_accepted_reason": row.not_accepted_reason,
               "lead_person_id": row.lead_person_id, "target_date": row.target_date, "version": row.version})
        .to_string(),
    );
    e.after = Some(
        json!({"number": r.number, "title": r.title, "body": r.body,
               "review_recommendation_id": r.review_recommendation_id, "addressees": r.addressees,
               "accepted": r.accepted, "not_accepted_reason": r.not_accepted_reason,
               "lead_person_id": r.lead_person_id, "target_date": r.target_date, "version": v + 1})
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}
