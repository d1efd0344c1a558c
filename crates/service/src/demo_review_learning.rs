//! The demo partnership's case review learning: the default themes taxonomy (with the seed report's
//! themes: neglect; families moving between local authority areas; professional curiosity, record
//! keeping and information sharing), the themes of the four 2022-23 notifications, and the themes,
//! findings and recommendations of the practice reviews.
//!
//! This runs after the notifications demo and after the practice reviews demo, which creates
//! "CSPR 2021-01" to "CSPR 2021-05", "CSPR 2022-01" and the thematic neglect review "TR 2022-01".
//! Subjects are looked up by reference; one that is not there is skipped (so this works whether or
//! not the practice reviews demo ran). Findings and recommendations (addressed to the demo
//! organisations) go on the published practice reviews and on the thematic review. The themes fall in
//! the financial years of their subjects' start dates, so the across-years view shows only the years
//! the demo's reviews started in.
//!
//! Loaded once per subject: a subject that already carries a theme keeps its themes, and one that
//! already has findings gets no more.

use crate::review_learning::{
    add_defaults_in_tx, add_finding_in_tx, add_recommendation_in_tx, set_themes_in_tx,
};
use crate::{Actor, RequestMeta, ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use safeguard_domain::policy::Role;
use safeguard_domain::review_learning::{Finding, Recommendation, SubjectType, name_key};
use safeguard_domain::{OrganisationId, PartnershipId, PersonId};
use safeguard_store::review_learning as store;
use safeguard_store::{Tx, case_reviews, organisations, people};
use uuid::Uuid;

const LA: &str = "Telford & Wrekin Council";
const POLICE: &str = "West Mercia Police";
const ICB: &str = "NHS Shropshire, Telford and Wrekin Integrated Care Board";
const HOSPITAL: &str = "Shrewsbury and Telford Hospital NHS Trust";
const COMMUNITY_HEALTH: &str = "Shropshire Community Health NHS Trust";
const EDUCATION: &str = "Telford & Wrekin Education and Skills";
const YOUTH_JUSTICE: &str = "West Mercia Youth Justice Service";
const GPS: &str = "Telford and Wrekin GP practices";

/// The themes of each notification, by reference.
const NOTIFICATION_THEMES: &[(&str, &[&str])] = &[
    (
        "SIN 2022-01",
        &["Non-accidental injury in babies", "Professional curiosity"],
    ),
    (
        "SIN 2022-02",
        &[
            "Families moving between local authority areas",
            "Information sharing",
            "Neglect",
        ],
    ),
    (
        "SIN 2022-03",
        &[
            "Child criminal exploitation",
            "Professional curiosity",
            "Record keeping",
        ],
    ),
    (
        "SIN 2023-01",
        &[
            "Neglect",
            "Escalation and professional challenge",
            "Voice of the child",
        ],
    ),
];

/// A finding: (title, body).
type DemoFinding = (&'static str, &'static str);
/// A recommendation: (title, body, the number of the finding it follows from, addressees by name).
type DemoRecommendation = (
    &'static str,
    &'static str,
    Option<usize>,
    &'static [&'static str],
);

/// A practice review's learning, by reference.
struct ReviewLearning {
    reference: &'static str,
    themes: &'static [&'static str],
    findings: &'static [DemoFinding],
    recommendations: &'static [DemoRecommendation],
}

const REVIEWS: &[ReviewLearning] = &[
    ReviewLearning {
        reference: "CSPR 2021-01",
        themes: &["Neglect", "Record keeping"],
        findings: &[
            (
                "Cumulative neglect was not seen",
                "Each agency saw single incidents (missed health appointments, poor school attendance, an untidy home) but nobody put them together into a picture of neglect over time.",
            ),
            (
                "Chronologies were incomplete",
                "Case records did not hold a running chronology, so new workers could not see the history when the case was transferred.",
            ),
        ],
        recommendations: &[
            (
                "Use a neglect screening tool",
                "Partners should adopt one multi-agency neglect screening tool and train practitioners to use it when concerns are repeated.",
                Some(1),
                &[LA, ICB, EDUCATION],
            ),
            (
                "Keep a chronology on every open case",
                "Children's social care should keep an up-to-date chronology on every open child in need and child protection case, and audit it quarterly.",
                Some(2),
                &[LA],
            ),
        ],
    },
    ReviewLearning {
        reference: "CSPR 2021-02",
        themes: &[
            "Families moving between local authority areas",
            "Information sharing",
        ],
        findings: &[
            (
                "Records did not follow the family",
                "When the family moved into the area, the previous authority's child protection history reached the new social worker eight weeks after the move.",
            ),
            (
                "Health visiting was not told of the move",
                "The family registered with a new GP, but the health visiting service was not told the children had arrived.",
            ),
        ],
        recommendations: &[
            (
                "Agree a transfer protocol with neighbouring areas",
                "The partnership should agree with neighbouring partnerships how records of children known to services transfer when a family moves, within five working days.",
                Some(1),
                &[LA, POLICE],
            ),
            (
                "Notify health visiting of new registrations",
                "GP practices should notify the health visiting service when a child under five registers from another area.",
                Some(2),
                &[ICB, GPS, COMMUNITY_HEALTH],
            ),
        ],
    },
    ReviewLearning {
        reference: "CSPR 2021-03",
        themes: &[
            "Domestic abuse",
            "Parental mental health",
            "Voice of the child",
        ],
        findings: &[
            (
                "The child's experience was not recorded",
                "Assessments described the parents' needs in detail; what life was like for Child P was rarely written down.",
            ),
            (
                "Domestic abuse notifications were not shared with school",
                "Police attended the home four times; the school learned of this only after the incident.",
            ),
            (
                "Mental health services worked with the mother alone",
                "Adult mental health services did not ask about the children in the household.",
            ),
        ],
        recommendations: &[
            (
                "Record the voice of the child",
                "Every assessment should record the child's own words and what the practitioner observed of their daily life.",
                Some(1),
                &[LA, EDUCATION],
            ),
            (
                "Share domestic abuse incidents with schools",
                "Police should tell the school of a domestic abuse incident at a child's home before the next school day.",
                Some(2),
                &[POLICE, EDUCATION],
            ),
            (
                "Think family in adult mental health",
                "Adult mental health services should ask about children in the household at every assessment and review.",
                Some(3),
                &[ICB],
            ),
        ],
    },
    ReviewLearning {
        reference: "CSPR 2021-04",
        themes: &["Parental substance misuse", "Safe sleep"],
        findings: &[
            (
                "Safe sleep advice did not reach the father",
                "Safer sleeping advice was given to the mother at birth and at the new birth visit; the father, who often cared for the baby at night, never received it.",
            ),
            (
                "Alcohol use was not explored",
                "The father's alcohol use was known to the GP but its effect on caring for a baby at night was not discussed.",
            ),
        ],
        recommendations: &[
            (
                "Give safe sleep advice to both parents",
                "Midwifery and health visiting should give safer sleeping advice to every carer of the baby, recording who received it.",
                Some(1),
                &[HOSPITAL, COMMUNITY_HEALTH],
            ),
            (
                "Ask about alcohol and caring at night",
                "GPs and health visitors should ask parents of babies about alcohol and drug use and discuss the risks of co-sleeping after drinking.",
                Some(2),
                &[GPS, COMMUNITY_HEALTH],
            ),
        ],
    },
    ReviewLearning {
        reference: "CSPR 2021-05",
        themes: &["Child sexual exploitation", "Professional curiosity"],
        findings: &[
            (
                "Older boyfriends were accepted at face value",
                "Practitioners accepted Child Q's account that older men were friends; nobody asked how she met them or where she went.",
            ),
            (
                "Missing episodes were treated separately",
                "Each of nine missing episodes was closed on return without the return home interviews being read together.",
            ),
        ],
        recommendations: &[
            (
                "Practice briefing on professional curiosity",
                "The partnership should publish a briefing on professional curiosity in exploitation and include it in its training.",
                Some(1),
                &[LA, POLICE, EDUCATION],
            ),
            (
                "Review missing episodes together",
                "Police and children's social care should review a child's missing episodes together after the third episode in 90 days.",
                Some(2),
                &[POLICE, LA, YOUTH_JUSTICE],
            ),
        ],
    },
    ReviewLearning {
        reference: "CSPR 2022-01",
        themes: &[
            "Families moving between local authority areas",
            "Information sharing",
            "Record keeping",
        ],
        findings: &[
            (
                "The previous area's concerns were not known",
                "The family's history in the previous area was not known to local agencies at the time of Child A's death.",
            ),
            (
                "Nursery concerns were not escalated",
                "The nursery recorded concerns about Child A's weight and hygiene but did not share them.",
            ),
        ],
        recommendations: &[
            (
                "Write to the National Panel about families who move",
                "The partnership should ask the National Panel to consider the transfer of information between areas in its national work.",
                Some(1),
                &[LA, POLICE, ICB],
            ),
            (
                "Early years settings share concerns",
                "Early years settings should record and share concerns about neglect through the early help front door.",
                Some(2),
                &[EDUCATION],
            ),
        ],
    },
    ReviewLearning {
        reference: "TR 2022-01",
        themes: &[
            "Neglect",
            "Professional curiosity",
            "Escalation and professional challenge",
        ],
        findings: &[
            (
                "Start again syndrome",
                "In both families each new worker started a fresh assessment, so the long history of neglect was lost and the threshold was never reached.",
            ),
            (
                "Escalation was rarely used",
                "Practitioners in health and education disagreed with decisions to step down but did not use the escalation policy.",
            ),
            (
                "Families wanted plain words",
                "Parents with lived experience said the language of plans and letters made it hard to know what had to change.",
            ),
            (
                "Disguised compliance was not challenged",
                "Agreed changes lasted a few weeks before home conditions fell back; this pattern was not named or challenged.",
            ),
        ],
        recommendations: &[
            (
                "Review neglect policies and procedures",
                "The Neglect sub-group should review the partnership's neglect policies and procedures in the light of this review, with families with lived experience.",
                Some(1),
                &[LA, ICB, POLICE],
            ),
            (
                "Promote the escalation policy",
                "All partners should remind practitioners of the escalation policy and report each quarter how often it is used.",
                Some(2),
                &[LA, ICB, POLICE, EDUCATION],
            ),
            (
                "Write plans in plain English",
                "Children's social care should rewrite plan and letter templates with families, in plain English.",
                Some(3),
                &[LA],
            ),
        ],
    },
];

fn missing(what: &str) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!("demo review learning: missing {what}"))
}

/// Loads the demo learning (idempotent per subject).
pub async fn load(tx: &mut Tx, p: PartnershipId, now: DateTime<Utc>) -> ServiceResult<()> {
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
    add_defaults_in_tx(tx, Some(&actor), p, now).await?;
    let themes = store::list_themes(&mut tx.conn(), p).await?;
    let ids_of = |names: &[&str]| -> Vec<String> {
        names
            .iter()
            .filter_map(|n| themes.iter().find(|t| name_key(&t.name) == name_key(n)))
            .map(|t| t.theme_id.to_string())
            .collect()
    };
    let notifications = case_reviews::list_notifications(&mut tx.conn(), p, false, 1000).await?;
    for (reference, names) in NOTIFICATION_THEMES {
        let Some(n) = notifications.iter().find(|n| n.reference == *reference) else {
            continue;
        };
        let subject = (SubjectType::Notification, n.notification_id);
        tag(tx, &actor, subject, &ids_of(names), now).await?;
    }
    let orgs = organisations::list_for_partnership(&mut tx.conn(), p).await?;
    for r in REVIEWS {
        let Some(found) =
            store::find_practice_review_by_reference(&mut tx.conn(), p, r.reference).await?
        else {
            continue;
        };
        let subject = (SubjectType::PracticeReview, found.review_id);
        tag(tx, &actor, subject, &ids_of(r.themes), now).await?;
        let thematic = r.reference.starts_with("TR ");
        if !(thematic || found.published_on.is_some()) {
            continue;
        }
        let (kind, id) = subject;
        if !store::findings(&mut tx.conn(), p, kind, id)
            .await?
            .is_empty()
        {
            continue;
        }
        let mut finding_ids: Vec<Uuid> = Vec::new();
        for (title, body) in r.findings {
            let f = Finding {
                title: (*title).to_owned(),
                body: (*body).to_owned(),
            };
            finding_ids.push(add_finding_in_tx(tx, &actor, subject, &f, now).await?);
        }
        for (title, body, finding, to) in r.recommendations {
            let addressees: Vec<Uuid> = to
                .iter()
                .filter_map(|name| orgs.iter().find(|o| o.name == *name))
                .map(|o| o.organisation_id)
                .collect();
            if addressees.is_empty() {
                continue;
            }
            let rec = Recommendation {
                title: (*title).to_owned(),
                body: (*body).to_owned(),
                finding_id: finding
                    .and_then(|k| k.checked_sub(1))
                    .and_then(|k| finding_ids.get(k).copied()),
                addressees,
            };
            add_recommendation_in_tx(tx, &actor, subject, &rec, now).await?;
        }
    }
    Ok(())
}

/// Puts the themes on a subject that carries none yet.
async fn tag(
    tx: &mut Tx,
    actor: &Actor,
    (kind, id): (SubjectType, Uuid),
    theme_ids: &[String],
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if !store::subject_themes(&mut tx.conn(), actor.partnership_id, kind, id)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    set_themes_in_tx(tx, actor, kind, id, theme_ids, now).await
}
