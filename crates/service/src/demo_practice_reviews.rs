//! The demo partnership's child safeguarding practice reviews in 2022-23, from the yearly report: six
//! CSPRs open in the year (five commissioned in 2021-22, "CSPR 2021-01" to "CSPR 2021-05", and
//! "CSPR 2022-01" commissioned from notification SIN 2022-02, whose rapid review decided on a local
//! CSPR), four of them completed (published) within the year; and the thematic review of two neglect
//! cases with an independent reviewer, "TR 2022-01", covering SIN 2023-01 and an earlier 2021-22
//! neglect notification (SIN 2021-04, added here). Every review goes through the same domain checks as
//! the pages (stage moves, the pre-publication notice's lead time). Names are pseudonymised; reviewers
//! and the published reports' site are fictional. One published review is shared with the demo
//! lived-experience consultant.
//!
//! The 2021-22 reviews cover no notification recorded here (their notifications predate the
//! platform). Other slices attach themes, findings and recommendations to these reviews by
//! reference: keep the references.
//!
//! Loaded once: nothing is added when the demo partnership already has a practice review.

use crate::case_reviews::ExtensionInput;
use crate::case_reviews::{add_child_in_tx, create_in_tx as create_notification, save_in_tx, sync};
use crate::practice_reviews::{
    appoint_in_tx, check_in_tx, create_in_tx, draft_in_tx, engage_in_tx, extend_in_tx, share_in_tx,
    stage_in_tx,
};
use crate::{Actor, RequestMeta, ServiceError, ServiceResult};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::actions::uk_date;
use safeguard_domain::calendar::Calendar;
use safeguard_domain::case_reviews::{
    AbuseOrNeglect, Child, IncidentLocation, Notification, ReviewDecision,
};
use safeguard_domain::policy::Role;
use safeguard_domain::practice_reviews::{
    CheckInput, DraftInput, EngagementInput, NewDraft, NewEngagement, NewReview, NewReviewer,
    ReviewKind, ReviewerInput, Stage, StageInput,
};
use safeguard_domain::{OrganisationId, PartnershipId, PersonId};
use safeguard_store::case_reviews::{self as case_store, RapidReviewRow};
use safeguard_store::practice_reviews as store;
use safeguard_store::{Tx, people};
use serde_json::json;
use uuid::Uuid;

/// The published reports' (fictional) site.
const SITE: &str = "https://www.telfordwrekin-scp.example/learning/reviews";

/// The earlier neglect notification the thematic review covers with SIN 2023-01.
const SIN_2021_04: &str = "SIN 2021-04";

/// A demo review: (reference, kind, title, summary, commissioned, notifications covered by reference,
/// reviewer as (name, organisation, independent, appointed), steps as (stage, date), with publication's
/// planned date and slug, engagements as (with whom, date, note), drafts as (label, date, final)).
struct Demo {
    reference: &'static str,
    kind: ReviewKind,
    title: &'static str,
    summary: &'static str,
    commissioned: &'static str,
    covers: &'static [&'static str],
    reviewer: (&'static str, &'static str, bool, &'static str),
    /// Stages recorded through the stage form, in order, with their dates. "reviewer" appoints the
    /// reviewer at that point; "notice" takes the planned publication date from `planned`.
    steps: &'static [(&'static str, &'static str)],
    planned: &'static str,
    slug: &'static str,
    engagements: &'static [(&'static str, &'static str, &'static str)],
    drafts: &'static [(&'static str, &'static str, bool)],
    checks: &'static [(&'static str, &'static str, &'static str, &'static str)],
}

const TERMS: &str = "To understand how agencies worked together with the child and family, what was known, how \
                     risks were assessed and escalated, and what the partnership should change. The review uses \
                     a systems approach with practitioner learning events and invites the family to contribute.";

const DEMOS: &[Demo] = &[
    Demo {
        reference: "CSPR 2021-01",
        kind: ReviewKind::Local,
        title: "Child H",
        summary: "Child H, a baby, suffered serious non-accidental injuries. The review looks at how bruising in a non-mobile baby was responded to and how information was shared between health and children's social care.",
        commissioned: "2021-06-14",
        covers: &[],
        reviewer: (
            "Dr Alex Fenwick",
            "Independent reviewer",
            true,
            "2021-07-12",
        ),
        steps: &[
            ("terms_agreed", "2021-07-05"),
            ("reviewer", ""),
            ("information_gathering", "2021-07-19"),
            ("draft", ""),
            ("final_approved", "2022-03-28"),
            ("notice_sent", "2022-04-19"),
            ("published", "2022-05-10"),
            ("action_plan", "2022-06-06"),
            ("closed", "2023-03-20"),
        ],
        planned: "2022-05-10",
        slug: "cspr-2021-01-child-h",
        engagements: &[(
            "family",
            "2022-01-10",
            "The reviewer met Child H's mother and grandmother at home.",
        )],
        drafts: &[
            ("Draft 1", "2021-12-06", false),
            ("Final report", "2022-03-14", true),
        ],
        checks: &[(
            "time_quality",
            "2021-10-14",
            "Panel check: information gathering on time; agency chronologies of good quality.",
            "",
        )],
    },
    Demo {
        reference: "CSPR 2021-02",
        kind: ReviewKind::Local,
        title: "Child K",
        summary: "Child K, aged 15, was seriously harmed in the context of criminal exploitation. The review looks at missing episodes, school exclusion and the response to exploitation concerns.",
        commissioned: "2021-09-06",
        covers: &[],
        reviewer: ("Morgan Ellis", "Independent reviewer", true, "2021-10-04"),
        steps: &[
            ("terms_agreed", "2021-09-27"),
            ("reviewer", ""),
            ("information_gathering", "2021-10-11"),
            ("draft", ""),
            ("final_approved", "2022-06-13"),
            ("notice_sent", "2022-06-28"),
            ("published", "2022-07-14"),
            ("action_plan", "2022-09-05"),
            ("closed", "2023-02-27"),
        ],
        planned: "2022-07-14",
        slug: "cspr-2021-02-child-k",
        engagements: &[
            (
                "practitioners",
                "2022-02-09",
                "Practitioner learning event with school, youth justice and police.",
            ),
            (
                "child",
                "2022-05-17",
                "The reviewer met Child K with an advocate.",
            ),
        ],
        drafts: &[
            ("Draft 1", "2022-03-21", false),
            ("Final report", "2022-06-01", true),
        ],
        checks: &[(
            "written_request",
            "2022-01-12",
            "Written request to the reviewer for the first draft by the end of March (reg. 14).",
            "2022-01-14",
        )],
    },
    Demo {
        reference: "CSPR 2021-03",
        kind: ReviewKind::Local,
        title: "Children M and N",
        summary: "Children M and N lived with chronic neglect and domestic abuse. The family moved between two local authority areas during the period reviewed.",
        commissioned: "2021-11-22",
        covers: &[],
        reviewer: ("Sam Whitfield", "Independent reviewer", true, "2021-12-13"),
        steps: &[
            ("terms_agreed", "2021-12-08"),
            ("reviewer", ""),
            ("information_gathering", "2022-01-04"),
            ("draft", ""),
            ("final_approved", "2022-09-19"),
            ("notice_sent", "2022-10-04"),
            ("published", "2022-10-20"),
            ("action_plan", "2022-11-14"),
        ],
        planned: "2022-10-20",
        slug: "cspr-2021-03-children-m-and-n",
        engagements: &[
            (
                "family",
                "2022-07-06",
                "The reviewer met the children's father.",
            ),
            (
                "agency_leads",
                "2022-08-03",
                "Agency leads from both areas discussed the draft findings.",
            ),
        ],
        drafts: &[
            ("Draft 1", "2022-06-20", false),
            ("Final report", "2022-09-05", true),
        ],
        checks: &[],
    },
    Demo {
        reference: "CSPR 2021-04",
        kind: ReviewKind::Local,
        title: "Child P",
        summary: "Child P, aged 2, was admitted to hospital after ingesting medication at home. The review looks at safe storage advice, health visiting contact and the family's support.",
        commissioned: "2022-01-17",
        covers: &[],
        reviewer: (
            "Dr Alex Fenwick",
            "Independent reviewer",
            true,
            "2022-02-14",
        ),
        steps: &[
            ("terms_agreed", "2022-02-07"),
            ("reviewer", ""),
            ("information_gathering", "2022-02-21"),
            ("draft", ""),
            ("final_approved", "2023-01-16"),
            ("notice_sent", "2023-01-31"),
            ("published", "2023-02-16"),
            ("action_plan", "2023-03-06"),
        ],
        planned: "2023-02-16",
        slug: "cspr-2021-04-child-p",
        engagements: &[(
            "family",
            "2022-11-23",
            "The reviewer met Child P's parents.",
        )],
        drafts: &[
            ("Draft 1", "2022-10-24", false),
            ("Final report", "2023-01-09", true),
        ],
        checks: &[(
            "time_quality",
            "2022-07-21",
            "Panel check: the review is behind its 6-month timescale because of a delayed health chronology; quality good.",
            "",
        )],
    },
    Demo {
        reference: "CSPR 2021-05",
        kind: ReviewKind::Local,
        title: "Child R",
        summary: "Child R died following an assault at home. Publication waits for the end of criminal proceedings.",
        commissioned: "2022-03-07",
        covers: &[],
        reviewer: ("Morgan Ellis", "Independent reviewer", true, "2022-04-04"),
        steps: &[
            ("terms_agreed", "2022-03-28"),
            ("reviewer", ""),
            ("information_gathering", "2022-04-11"),
            ("draft", ""),
        ],
        planned: "",
        slug: "",
        engagements: &[(
            "practitioners",
            "2023-01-12",
            "Practitioner learning event on the draft findings.",
        )],
        drafts: &[("Draft 1", "2022-11-21", false)],
        checks: &[(
            "time_quality",
            "2022-09-08",
            "Panel check: the criminal trial is listed for 2023; the partners told the National Panel and the Secretary of State that publication will wait for it.",
            "",
        )],
    },
    Demo {
        reference: "CSPR 2022-01",
        kind: ReviewKind::Local,
        title: "Child S",
        summary: "Child S died at home; the family had recently moved into the area. The review looks at how information followed the family between local authority areas.",
        commissioned: "2022-09-27",
        covers: &["SIN 2022-02"],
        reviewer: ("Jo Hartley", "Independent reviewer", true, "2022-10-24"),
        steps: &[
            ("terms_agreed", "2022-10-18"),
            ("reviewer", ""),
            ("information_gathering", "2022-11-01"),
            ("draft", ""),
        ],
        planned: "",
        slug: "",
        engagements: &[],
        drafts: &[("Draft 1", "2023-02-20", false)],
        checks: &[
            (
                "time_quality",
                "2022-12-15",
                "Panel check: agencies' chronologies received; on track for a first draft in February.",
                "",
            ),
            (
                "written_request",
                "2023-01-09",
                "Written request to the reviewer for the draft findings on information transfer (reg. 14).",
                "2023-01-20",
            ),
        ],
    },
    Demo {
        reference: "TR 2022-01",
        kind: ReviewKind::Thematic,
        title: "Neglect: two families",
        summary: "A thematic review of two cases of chronic neglect, led by an independent reviewer, on recognising the cumulative impact of neglect and escalating concerns.",
        commissioned: "2023-02-20",
        covers: &[SIN_2021_04, "SIN 2023-01"],
        reviewer: ("Dr Priya Raman", "Independent reviewer", true, "2023-03-06"),
        steps: &[("terms_agreed", "2023-03-01"), ("reviewer", "")],
        planned: "",
        slug: "",
        engagements: &[],
        drafts: &[],
        checks: &[],
    },
];

fn day(s: &str) -> ServiceResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("demo date {s}: {e}")))
}

fn missing(what: &str) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!("demo practice reviews: missing {what}"))
}

fn bad(what: &str, e: ServiceError) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!("demo practice review {what}: {e:?}"))
}

/// The earlier neglect notification (2021-22) with its rapid review, which routed the learning to a
/// thematic review of neglect.
async fn earlier_neglect_notification(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let p = actor.partnership_id;
    if case_store::list_notifications(&mut tx.conn(), p, false, 1000)
        .await?
        .iter()
        .any(|n| n.reference == SIN_2021_04)
    {
        return Ok(());
    }
    let n = Notification {
        reference: SIN_2021_04.to_owned(),
        summary: "Child A was seriously harmed after long-standing neglect; the home conditions had been a concern for several years.".to_owned(),
        aware_on: day("2021-11-15")?,
        notified_on: Some(day("2021-11-18")?),
        partners_informed_on: Some(day("2021-11-18")?),
        death: false,
        serious_harm: true,
        abuse_or_neglect: AbuseOrNeglect::Suspected,
        location: IncidentLocation::InArea,
        looked_after_death: false,
        care_leaver_death: false,
        resident_elsewhere: false,
        rapid_review_chosen: false,
        decided_by: "Director of Children's Services, with the police and ICB leads".to_owned(),
        other_children_note: String::new(),
    };
    let id = create_notification(tx, cal, actor, &n, now).await?;
    add_child_in_tx(
        tx,
        actor,
        id,
        &Child {
            age_description: "Boy aged 7".to_owned(),
            full_name: "Fictional Child Foxtrot".to_owned(),
            date_of_birth: Some(day("2014-06-03")?),
            case_reference: "DEMO-SIN-2021-04-1".to_owned(),
        },
        now,
    )
    .await?;
    let rr = RapidReviewRow {
        notification_id: id,
        facts: "School, health visiting and early help were involved over several years; concerns about home conditions were recorded but not escalated.".to_owned(),
        key_practice_episodes: "Repeated school reports of hunger and poor hygiene; a missed health appointment.".to_owned(),
        immediate_actions: "Child protection plan for the child and his siblings.".to_owned(),
        learning: "The cumulative impact of neglect was not recognised.".to_owned(),
        context: "Poverty and poor housing were considered; no issue of racism or disability was identified.".to_owned(),
        reg11_a: "yes".to_owned(),
        reg11_a_rationale: "Responses to chronic neglect need to improve.".to_owned(),
        reg11_b: "yes".to_owned(),
        reg11_b_rationale: "Neglect recurs in local reviews.".to_owned(),
        reg11_c: "no".to_owned(),
        reg11_c_rationale: "Agencies shared information; escalation was the issue.".to_owned(),
        reg11_d: "no".to_owned(),
        reg11_d_rationale: "The National Panel has not considered the case.".to_owned(),
        panel_meeting_on: Some(day("2021-12-07")?),
        decision: Some(ReviewDecision::NoCspr.slug().to_owned()),
        other_learning_route: "To be considered with similar cases in a thematic review of neglect.".to_owned(),
        decision_rationale: "The learning is best drawn together with other neglect cases.".to_owned(),
        decided_on: Some(day("2021-12-08")?),
        sent_to_panel_on: Some(day("2021-12-09")?),
        panel_response_on: Some(day("2021-12-21")?),
        panel_outcome: Some("agrees".to_owned()),
        panel_response_note: String::new(),
        sign_off_id: None,
        version: 0,
    };
    save_in_tx(
        tx,
        actor,
        &rr,
        "case_review.rapid_review.content",
        json!({"decision": rr.decision, "via": "demo"}),
        now,
    )
    .await?;
    sync(tx, cal, p, id, now).await
}

async fn row(tx: &mut Tx, p: PartnershipId, id: Uuid) -> ServiceResult<store::ReviewRow> {
    store::find_review(&mut tx.conn(), p, id)
        .await?
        .ok_or_else(|| missing("review"))
}

/// Loads the demo practice reviews (idempotent).
pub async fn load(
    tx: &mut Tx,
    cal: &Calendar,
    p: PartnershipId,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if !store::list_reviews(&mut tx.conn(), p, false, 1)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let admin = people::find_by_email(&mut tx.conn(), "admin@safeguard.example")
        .await?
        .ok_or_else(|| missing("administrator"))?;
    let actor = Actor {
        person_id: PersonId(admin.person_id),
        organisation_id: OrganisationId(admin.organisation_id),
        partnership_id: p,
        roles: vec![Role::PartnershipAdministrator],
        session_id: None,
        meta: RequestMeta::default(),
    };
    let today = uk_date(now);
    earlier_neglect_notification(tx, cal, &actor, now).await?;
    let notifications = case_store::list_notifications(&mut tx.conn(), p, false, 1000).await?;
    let mut shared: Option<Uuid> = None;
    for d in DEMOS {
        let mut covered = Vec::new();
        for reference in d.covers {
            let n = notifications
                .iter()
                .find(|n| n.reference == *reference)
                .ok_or_else(|| missing(reference))?;
            covered.push(n.notification_id);
        }
        let new = NewReview {
            kind: d.kind,
            reference: d.reference.to_owned(),
            title: d.title.to_owned(),
            summary: d.summary.to_owned(),
            commissioned_on: day(d.commissioned)?,
            terms_of_reference: TERMS.to_owned(),
            notifications: covered,
        };
        let id = create_in_tx(tx, cal, &actor, &new, now)
            .await
            .map_err(|e| bad(d.reference, e))?;
        for (stage, on) in d.steps {
            match *stage {
                "reviewer" => {
                    let (name, org, independent, appointed) = d.reviewer;
                    let x = NewReviewer::parse(
                        &ReviewerInput {
                            name: name.to_owned(),
                            organisation: org.to_owned(),
                            role: "lead_reviewer".to_owned(),
                            independent: if independent { "yes" } else { "" }.to_owned(),
                            appointed_on: appointed.to_owned(),
                        },
                        new.commissioned_on,
                        today,
                    )
                    .map_err(|e| bad(d.reference, e.into()))?;
                    let r = row(tx, p, id).await?;
                    appoint_in_tx(tx, cal, &actor, &r, &x, now).await?;
                }
                "draft" => {
                    // The first draft moves the review on; engagement on or after it moves it to
                    // "engagement".
                    for (label, received, is_final) in d.drafts {
                        let r = row(tx, p, id).await?;
                        let stage = Stage::parse(&r.stage).unwrap_or(Stage::Commissioned);
                        let dates = crate::practice_reviews::dates_of(&r, &[], &[]);
                        let x = NewDraft::parse(
                            &DraftInput {
                                label: (*label).to_owned(),
                                received_on: (*received).to_owned(),
                                is_final: if *is_final { "yes" } else { "" }.to_owned(),
                            },
                            stage,
                            &dates,
                            today,
                        )
                        .map_err(|e| bad(d.reference, e.into()))?;
                        draft_in_tx(tx, cal, &actor, &r, &x, None, now).await?;
                    }
                    for (with, held, note) in d.engagements {
                        let r = row(tx, p, id).await?;
                        let x = NewEngagement::parse(
                            &EngagementInput {
                                with_whom: (*with).to_owned(),
                                held_on: (*held).to_owned(),
                                note: (*note).to_owned(),
                            },
                            new.commissioned_on,
                            today,
                        )
                        .map_err(|e| bad(d.reference, e.into()))?;
                        engage_in_tx(tx, cal, &actor, &r, &x, now).await?;
                    }
                }
                stage => {
                    let input = StageInput {
                        stage: stage.to_owned(),
                        stage_on: (*on).to_owned(),
                        planned_publication_on: if stage == "notice_sent" {
                            d.planned.to_owned()
                        } else {
                            String::new()
                        },
                        published_url: if stage == "published" {
                            format!("{SITE}/{}", d.slug)
                        } else {
                            String::new()
                        },
                        not_published_reasons: String::new(),
                        improvements_statement: String::new(),
                    };
                    stage_in_tx(tx, cal, &actor, id, &input, now)
                        .await
                        .map_err(|e| bad(d.reference, e))?;
                }
            }
        }
        for (kind, on, note, answered) in d.checks {
            check_in_tx(
                tx,
                &actor,
                id,
                &CheckInput {
                    kind: (*kind).to_owned(),
                    checked_on: (*on).to_owned(),
                    note: (*note).to_owned(),
                    answered_on: (*answered).to_owned(),
                },
                now,
            )
            .await
            .map_err(|e| bad(d.reference, e))?;
        }
        if d.reference == "CSPR 2021-05" {
            extend_in_tx(
                tx,
                &actor,
                id,
                &ExtensionInput {
                    rule: "cspr_complete".to_owned(),
                    extended_to: "2023-09-29".to_owned(),
                    extension_reason: "Publication waits for the end of criminal proceedings; the National Panel and the Secretary of State were told on 8 September 2022.".to_owned(),
                },
                now,
            )
            .await
            .map_err(|e| bad(d.reference, e))?;
        }
        if d.reference == "CSPR 2021-03" {
            shared = Some(id);
        }
    }
    if let (Some(id), Some(consultant)) = (
        shared,
        people::find_by_email(&mut tx.conn(), "consultant@safeguard.example").await?,
    ) {
        share_in_tx(tx, &actor, id, PersonId(consultant.person_id), now).await?;
    }
    Ok(())
}
