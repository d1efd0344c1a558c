//! The demo partnership's serious incident notifications and rapid reviews of 2022-23, from the yearly
//! report: the Child Safeguarding Practice Review Panel (monthly) reviewed four referrals, with a peak
//! in September, one of which progressed to a local CSPR. Dates are working days; every child is
//! pseudonymised and the restricted identities are obviously fictional. The panel body is marked as
//! the one whose members see case reviews (its members come from the governance demo). The six open
//! CSPRs, the thematic neglect review and the themes belong to the next slice.
//!
//! Loaded once: nothing is added when the demo partnership already has a notification.

use crate::case_reviews::{add_child_in_tx, create_in_tx, save_in_tx, sync};
use crate::{Actor, RequestMeta, ServiceError, ServiceResult};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::calendar::Calendar;
use safeguard_domain::case_reviews::{
    AbuseOrNeglect, Child, IncidentLocation, Notification, ReviewDecision,
};
use safeguard_domain::policy::Role;
use safeguard_domain::{OrganisationId, PartnershipId};
use safeguard_store::case_reviews::{self as store, RapidReviewRow};
use safeguard_store::{Tx, governance, organisations, people};
use serde_json::json;

const PANEL: &str = "Child Safeguarding Practice Review Panel";

/// (reference, summary, aware, notified, death, abuse, resident elsewhere, children as (age, fictional
/// name, dob), facts, learning, panel meeting, decision, other route, rationale, decided, sent,
/// response (date, outcome)).
struct Demo {
    reference: &'static str,
    summary: &'static str,
    aware: &'static str,
    notified: &'static str,
    death: bool,
    abuse: AbuseOrNeglect,
    resident_elsewhere: bool,
    children: &'static [(&'static str, &'static str, &'static str)],
    facts: &'static str,
    learning: &'static str,
    reg11: [(&'static str, &'static str); 4],
    meeting: &'static str,
    decision: ReviewDecision,
    route: &'static str,
    rationale: &'static str,
    decided: &'static str,
    sent: &'static str,
    response: Option<&'static str>,
}

const DEMOS: &[Demo] = &[
    Demo {
        reference: "SIN 2022-01",
        summary: "Child A, a baby, was admitted to hospital with a fractured arm and bruising that the parents could not explain.",
        aware: "2022-05-10",
        notified: "2022-05-13",
        death: false,
        abuse: AbuseOrNeglect::Suspected,
        resident_elsewhere: false,
        children: &[("Girl aged 4 months", "Fictional Child Alpha", "2022-01-06")],
        facts: "Health visiting, GP and midwifery were involved; no referral to children's social care before the injury.",
        learning: "Bruising in non-mobile babies must always lead to a safeguarding referral.",
        reg11: [
            (
                "no",
                "The learning on bruising in non-mobile babies is already known locally and nationally.",
            ),
            (
                "yes",
                "Non-accidental injury in babies under two recurs in this year's reviews.",
            ),
            (
                "no",
                "Agencies shared information well once the injury was found.",
            ),
            ("no", "The National Panel has not considered the case."),
        ],
        meeting: "2022-05-26",
        decision: ReviewDecision::NoCspr,
        route: "A multi-agency Non-Accidental Injury Learning Event and a refresh of the bruising protocol.",
        rationale: "The facts are clear and the learning is known; a local review would not add to it.",
        decided: "2022-05-26",
        sent: "2022-06-01",
        response: Some("2022-06-14"),
    },
    Demo {
        reference: "SIN 2022-02",
        summary: "Child A died at home. The family had recently moved into the area from another local authority, and neglect was suspected.",
        aware: "2022-09-05",
        notified: "2022-09-08",
        death: true,
        abuse: AbuseOrNeglect::Suspected,
        resident_elsewhere: true,
        children: &[
            ("Boy aged 3", "Fictional Child Bravo", "2019-04-11"),
            (
                "Girl aged 6, sibling",
                "Fictional Child Charlie",
                "2016-02-20",
            ),
        ],
        facts: "The family was known to children's social care in the previous area; records did not transfer before the move.",
        learning: "Information about families moving between local authority areas is not reliably shared.",
        reg11: [
            (
                "yes",
                "Transfer of information between areas needs to improve.",
            ),
            (
                "yes",
                "Families moving between areas is a recurring theme in local reviews.",
            ),
            ("yes", "Several agencies across two areas were involved."),
            ("no", "The National Panel has not considered the case."),
        ],
        meeting: "2022-09-26",
        decision: ReviewDecision::LocalCspr,
        route: "",
        rationale: "The case meets criteria (a) to (c): a local review is needed to understand how agencies in both areas worked together.",
        decided: "2022-09-27",
        sent: "2022-09-29",
        response: Some("2022-10-11"),
    },
    Demo {
        reference: "SIN 2022-03",
        summary: "Child A, a teenager, was seriously harmed in a violent assault linked to criminal exploitation.",
        aware: "2022-09-20",
        notified: "2022-09-26",
        death: false,
        abuse: AbuseOrNeglect::Known,
        resident_elsewhere: false,
        children: &[("Boy aged 15", "Fictional Child Delta", "2007-08-30")],
        facts: "School, youth justice and police were involved; missing episodes were recorded but not linked together.",
        learning: "Professional curiosity about missing episodes and record keeping across agencies.",
        reg11: [
            (
                "no",
                "The improvements are already in the exploitation sub-group's plan.",
            ),
            (
                "yes",
                "Professional curiosity and record keeping recur as themes.",
            ),
            ("no", "Agencies worked together once concerns were raised."),
            ("no", "The National Panel has not considered the case."),
        ],
        meeting: "2022-10-13",
        decision: ReviewDecision::NoCspr,
        route: "Single-agency reviews by school and youth justice, and a practice briefing on professional curiosity.",
        rationale: "The learning can be taken forward quickly without a local review.",
        decided: "2022-10-13",
        sent: "2022-10-17",
        response: Some("2022-10-27"),
    },
    Demo {
        reference: "SIN 2023-01",
        summary: "Child A was seriously harmed after long-standing neglect at home.",
        aware: "2023-01-18",
        notified: "2023-01-20",
        death: false,
        abuse: AbuseOrNeglect::Suspected,
        resident_elsewhere: false,
        children: &[("Girl aged 9", "Fictional Child Echo", "2013-11-02")],
        facts: "Early help, school and health were involved over several years; concerns about neglect were not escalated.",
        learning: "Recognising the cumulative impact of neglect.",
        reg11: [
            ("yes", "Responses to chronic neglect need to improve."),
            ("yes", "Neglect is a recurring theme."),
            ("no", "Agencies worked together; the issue was escalation."),
            ("no", "The National Panel has not considered the case."),
        ],
        meeting: "2023-02-08",
        decision: ReviewDecision::NoCspr,
        route: "Included in the partnership's thematic review of neglect with an independent reviewer.",
        rationale: "The learning is best drawn together with a similar case in a thematic review.",
        decided: "2023-02-09",
        sent: "2023-02-10",
        // the Panel's response is still awaited in the demo, so the dashboard has an open review
        response: None,
    },
];

fn day(s: &str) -> ServiceResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("demo date {s}: {e}")))
}

fn missing(what: &str) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!("demo case reviews: missing {what}"))
}

/// Loads the demo notifications and rapid reviews (idempotent).
pub async fn load(
    tx: &mut Tx,
    cal: &Calendar,
    p: PartnershipId,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let bodies = governance::list_bodies(&mut tx.conn(), p).await?;
    if let Some(panel) = bodies.iter().find(|b| b.name == PANEL) {
        store::set_handles_case_reviews(&mut tx.conn(), p, panel.body_id, true).await?;
    }
    if !store::list_notifications(&mut tx.conn(), p, false, 1)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let admin = people::find_by_email(&mut tx.conn(), "admin@safeguard.example")
        .await?
        .ok_or_else(|| missing("administrator"))?;
    let actor = Actor {
        person_id: safeguard_domain::PersonId(admin.person_id),
        organisation_id: OrganisationId(admin.organisation_id),
        partnership_id: p,
        roles: vec![Role::PartnershipAdministrator],
        session_id: None,
        meta: RequestMeta::default(),
    };
    let orgs = organisations::list_for_partnership(&mut tx.conn(), p).await?;
    let agencies: Vec<_> = orgs
        .iter()
        .filter(|o| {
            matches!(
                o.kind.as_str(),
                "local_authority" | "police" | "integrated_care_board"
            )
        })
        .collect();
    for d in DEMOS {
        let notified = day(d.notified)?;
        let n = Notification {
            reference: d.reference.to_owned(),
            summary: d.summary.to_owned(),
            aware_on: day(d.aware)?,
            notified_on: Some(notified),
            partners_informed_on: Some(notified),
            death: d.death,
            serious_harm: !d.death,
            abuse_or_neglect: d.abuse,
            location: IncidentLocation::InArea,
            looked_after_death: false,
            care_leaver_death: false,
            resident_elsewhere: d.resident_elsewhere,
            rapid_review_chosen: false,
            decided_by: "Director of Children's Services, with the police and ICB leads".to_owned(),
            other_children_note: String::new(),
        };
        let id = create_in_tx(tx, cal, &actor, &n, now).await?;
        for (k, (age, name, dob)) in d.children.iter().enumerate() {
            let child = Child {
                age_description: (*age).to_owned(),
                full_name: (*name).to_owned(),
                date_of_birth: Some(day(dob)?),
                case_reference: format!("DEMO-{}-{}", d.reference.replace(' ', "-"), k + 1),
            };
            add_child_in_tx(tx, &actor, id, &child, now).await?;
        }
        let [a, b, c, dd] = d.reg11;
        let rr = RapidReviewRow {
            notification_id: id,
            facts: d.facts.to_owned(),
            key_practice_episodes: "The first presentation to health; the point at which concerns were shared between agencies.".to_owned(),
            immediate_actions: "Safety plans for the children in the household; a strategy discussion held the same week.".to_owned(),
            learning: d.learning.to_owned(),
            context: "The family's circumstances, including poverty and housing, were considered; no issue of racism or disability was identified.".to_owned(),
            reg11_a: a.0.to_owned(),
            reg11_a_rationale: a.1.to_owned(),
            reg11_b: b.0.to_owned(),
            reg11_b_rationale: b.1.to_owned(),
            reg11_c: c.0.to_owned(),
            reg11_c_rationale: c.1.to_owned(),
            reg11_d: dd.0.to_owned(),
            reg11_d_rationale: dd.1.to_owned(),
            panel_meeting_on: Some(day(d.meeting)?),
            decision: Some(d.decision.slug().to_owned()),
            other_learning_route: d.route.to_owned(),
            decision_rationale: d.rationale.to_owned(),
            decided_on: Some(day(d.decided)?),
            sent_to_panel_on: Some(day(d.sent)?),
            panel_response_on: d.response.map(day).transpose()?,
            panel_outcome: d.response.map(|_| "agrees".to_owned()),
            panel_response_note: String::new(),
            sign_off_id: None,
            // a new row
            version: 0,
        };
        save_in_tx(
            tx,
            &actor,
            &rr,
            "case_review.rapid_review.content",
            json!({"decision": rr.decision, "via": "demo"}),
            now,
        )
        .await?;
        let requested = cal
            .add_working_days(notified, 1)
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("demo date: {e}")))?;
        let received = cal
            .add_working_days(notified, 8)
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("demo date: {e}")))?;
        for o in &agencies {
            store::save_agency(
                &mut tx.conn(),
                p,
                id,
                o.organisation_id,
                requested,
                Some(received),
            )
            .await?;
        }
        sync(tx, cal, p, id, now).await?;
    }
    Ok(())
}
