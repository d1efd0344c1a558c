//! Escalation of overdue tracker actions (issue 5: "overdue actions escalate to the owning agency's
//! lead").
//!
//! Run each working day by the scheduler ([`crate::scheduler::action_escalations_job`]): every action
//! of the one action model whose source type is [`ESCALATED_SOURCE`] (a tracked recommendation's
//! action) that is open or in progress and was due before today (in England) is escalated once for
//! that due date. The email goes, through the outbox, to each person holding the agency lead role in
//! the action's partnership who works for the action's owner organisation; when the organisation
//! has none, to the partnership's administrators. The escalation is recorded in `action_escalation`
//! (one row per action and due date, claimed in the same transaction as its emails and its audit
//! entry `action.escalate`), so running again sends nothing twice, and a new due date that later
//! passes escalates again. The action's page shows "Escalated to … on …". Weekends and bank
//! holidays send nothing; an action that became overdue then is escalated on the next working day.
//!
//! Only the tracker's actions escalate: the issue names the tracker, and the other sources
//! (meetings, decisions, …) have years of overdue actions in existing data that would all escalate
//! on the first run. Making it general is the one constant ([`ESCALATED_SOURCE`]) becoming a list.

use crate::{ServiceResult, Services};
use chrono::{DateTime, Utc};
use safeguard_domain::actions::{SourceType, uk_date};
use safeguard_domain::audit::NewEntry;
use safeguard_domain::policy::Role;
use safeguard_domain::{ActionId, OrganisationId, PartnershipId};
use safeguard_store::actions::{self as store, RecommendationRef};
use safeguard_store::{audit_log, outbox};
use serde_json::json;

/// The source type whose overdue actions escalate.
pub const ESCALATED_SOURCE: SourceType = SourceType::Recommendation;

/// What an action is for, as an email names it: for a tracked recommendation, the source's title,
/// the recommendation's number and its title (for one taken over by reference from a review
/// recommendation, a note that the text is held by the case review panel instead: emails never
/// carry case review text); otherwise the action's source label.
pub fn what_for(source_label: &str, r: &RecommendationRef) -> String {
    match (&r.rec_source_title, r.rec_number) {
        (Some(source), Some(number)) => {
            let title = r.rec_title.as_deref().unwrap_or_default();
            if r.rec_review_recommendation_id.is_some() || title.is_empty() {
                format!(
                    "{source}, recommendation {number} (its text is held by the case review panel)"
                )
            } else {
                format!("{source}, recommendation {number}: {title}")
            }
        }
        _ => source_label.to_owned(),
    }
}

/// Escalates the overdue actions not yet escalated for their due date, on a working day (in
/// England) only; returns the number of emails queued.
pub async fn escalate_overdue(svc: &Services, now: DateTime<Utc>) -> ServiceResult<usize> {
    let today = uk_date(now);
    let cal = crate::calendar::load(svc).await?;
    if !cal.is_working_day(today).unwrap_or(false) {
        return Ok(0);
    }
    let candidates = {
        let mut pc = svc.db.acquire().await?;
        store::escalation_candidates(&mut pc.conn(), ESCALATED_SOURCE.slug(), today).await?
    };
    let base = svc.config.public_url.trim_end_matches('/').to_owned();
    let mut sent = 0;
    // One transaction per action: its claim, its emails and its audit entry commit together.
    for a in &candidates {
        let mut tx = svc.db.begin().await?;
        let p = PartnershipId(a.partnership_id);
        let mut role = Role::AgencyLead;
        let mut to = store::role_holders(
            &mut tx.conn(),
            p,
            role.slug(),
            Some(OrganisationId(a.owner_organisation_id)),
        )
        .await?;
        if to.is_empty() {
            role = Role::PartnershipAdministrator;
            to = store::role_holders(&mut tx.conn(), p, role.slug(), None).await?;
        }
        if to.is_empty() {
            // Nobody to tell: not recorded, so it is tried again on the next working day.
            tracing::warn!(action = %a.action_id, partnership = %a.partnership_id, "overdue action has no agency lead or administrator to escalate to");
            continue;
        }
        let names = to
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        let id = ActionId(a.action_id);
        if !store::record_escalation(&mut tx.conn(), p, id, a.due_date, role.slug(), &names, now)
            .await?
        {
            continue;
        }
        let why = if role == Role::AgencyLead {
            format!(
                "You get this email as {}'s agency safeguarding lead in {}.",
                a.owner_organisation_name, a.partnership_name
            )
        } else {
            format!(
                "You get this email as an administrator of {}: {} has no agency safeguarding lead \
                 there. Grant the role to someone at {} so that its overdue actions go to them.",
                a.partnership_name, a.owner_organisation_name, a.owner_organisation_name
            )
        };
        for r in &to {
            let text = format!(
                "Dear {},\n\nAn action of {} is overdue:\n\n\
                 - {}\n  For: {}\n  Owner: {}{}\n  Was due {}\n  {base}/actions/{}\n\n{why}\n",
                r.name,
                a.owner_organisation_name,
                a.title,
                what_for(&a.source_label, &a.recommendation),
                a.owner_organisation_name,
                a.owner_person_name
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default(),
                a.due_date.format("%-d %B %Y"),
                a.action_id,
            );
            outbox::enqueue(
                &mut tx.conn(),
                Some(p),
                &r.email,
                &format!("{}: overdue action escalated", svc.config.service_name),
                &text,
                now,
            )
            .await?;
            sent += 1;
        }
        let mut e = NewEntry::new("action.escalate", "action", Some(a.action_id.to_string()));
        e.partnership_id = Some(a.partnership_id);
        e.after = Some(
            json!({
                "due_date": a.due_date,
                "status": a.status,
                "recipient_role": role.slug(),
                "recipients": to.iter().map(|r| r.person_id).collect::<Vec<_>>(),
            })
            .to_string(),
        );
        audit_log::append(&mut tx.conn(), &e, now).await?;
        tx.commit().await?;
    }
    Ok(sent)
}
