//! Case reviews for generated partnerships (benchmarks of the panel dashboard at national scale):
//! the "Case Review Panel" body marked as the one whose members see case reviews, with the first
//! person (the administrator) as chair and up to five members who hold a board, sub-group or
//! agency-lead role (and no administrator role), so the dashboard can be measured as a panel member;
//! then, for each financial year, 3 to 8 serious incident notifications with one or two
//! pseudonymised children (fictional identities), their clocks, an agency summary and a rapid
//! review with its decision (about a quarter local CSPRs) and the National Panel's response. In the
//! last year about half still await the Panel's response and the last one is in progress, so each
//! partnership has a few open notifications. Written straight through the store (no audit entries:
//! generated history, like the rest of `generate`). Nothing is added to a partnership that already
//! has a notification.

use crate::{ServiceError, ServiceResult};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use safeguard_domain::calendar::Calendar;
use safeguard_domain::case_reviews::{ReviewDecision, notification_deadlines};
use safeguard_domain::policy::{Permission, Role, decide};
use safeguard_domain::{PartnershipId, PersonId};
use safeguard_store::Tx;
use safeguard_store::case_reviews::{
    self as store, ChildWrite, DeadlineWrite, NotificationWrite, RapidReviewRow,
};
use safeguard_store::governance::{self, MemberWrite};
use uuid::Uuid;

/// The generated panel's name (the body `generate` creates for every partnership).
pub const PANEL: &str = "Case Review Panel";

/// Members of the generated panel besides its chair.
pub const PANEL_MEMBERS: usize = 5;

/// Counts of what was written for one partnership.
#[derive(Debug, Clone, Default)]
pub(crate) struct CaseReviewCounts {
    /// Notifications.
    pub notifications: u64,
    /// The email of the panel's first member who is not an administrator (for the benchmark's
    /// sign-in); generated people are `person{index:03}@gen-{partnership:03}.example`.
    pub panel_member: Option<String>,
}

fn at(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(9, 0, 0).unwrap_or_default())
}

fn days(cal: &Calendar, from: NaiveDate, n: u32) -> ServiceResult<NaiveDate> {
    cal.add_working_days(from, n)
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("calendar: {e:?}")))
}

/// The panel: marks the body and adds its chair and members (who must be able to view case
/// reviews without being administrators, to be measured through the membership rule).
async fn panel(
    tx: &mut Tx,
    p: PartnershipId,
    people: &[(PersonId, Uuid)],
    rng: &mut ChaCha8Rng,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<PersonId>> {
    let Some(body) = governance::find_body_by_name(&mut tx.conn(), p, PANEL).await? else {
        return Ok(Vec::new());
    };
    store::set_handles_case_reviews(&mut tx.conn(), p, body, true).await?;
    let joined = NaiveDate::from_ymd_opt(2021, 4, 1).unwrap_or_default();
    let mut members = Vec::new();
    for (i, (person, org)) in people.iter().enumerate() {
        let chair = i == 0;
        if !chair {
            let roles = safeguard_store::roles::roles_of(&mut tx.conn(), p, *person).await?;
            if roles.contains(&Role::PartnershipAdministrator)
                || !decide(&roles, Permission::ViewCaseReviews).is_allowed()
            {
                continue;
            }
            members.push(*person);
        }
        governance::insert_member(
            &mut tx.conn(),
            p,
            &MemberWrite {
                id: Uuid::from_bytes(rng.random()),
                body_id: body,
                person_id: person.0,
                organisation_id: *org,
                role: if chair { "chair" } else { "member" },
                joined_on: joined,
            },
            now,
        )
        .await?;
        if members.len() == PANEL_MEMBERS {
            break;
        }
    }
    Ok(members)
}

/// Writes the partnership's panel and `years` financial years (from April `first_year`) of
/// notifications and rapid reviews, none after `today`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn case_reviews(
    tx: &mut Tx,
    p: PartnershipId,
    n: u32,
    people: &[(PersonId, Uuid)],
    orgs: &[Uuid],
    years: u32,
    first_year: i32,
    cal: &Calendar,
    today: NaiveDate,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<CaseReviewCounts> {
    let mut out = CaseReviewCounts::default();
    if !store::list_notifications(&mut tx.conn(), p, false, 1)
        .await?
        .is_empty()
    {
        return Ok(out);
    }
    let Some(&(admin, _)) = people.first() else {
        return Ok(out);
    };
    let start = NaiveDate::from_ymd_opt(first_year, 4, 1).unwrap_or_default();
    let members = panel(tx, p, people, rng, at(start)).await?;
    out.panel_member = members
        .first()
        .and_then(|m| people.iter().position(|(id, _)| id == m))
        .map(|j| format!("person{j:03}@gen-{n:03}.example"));
    for y in 0..years {
        let year = first_year + i32::try_from(y).unwrap_or(0);
        let fy_start = NaiveDate::from_ymd_opt(year, 4, 1).unwrap_or(start);
        let count = rng.random_range(3..=8u32);
        let mut offsets: Vec<i64> = (0..count).map(|_| rng.random_range(0..330)).collect();
        offsets.sort_unstable();
        let last_year = y + 1 == years;
        for (k, off) in offsets.iter().enumerate() {
            let aware = fy_start + Duration::days(*off);
            if aware > today {
                break;
            }
            let last = last_year && k + 1 == offsets.len();
            let late = rng.random_range(0..10) == 0;
            let notified = days(
                cal,
                aware,
                if late {
                    rng.random_range(6..=8)
                } else {
                    rng.random_range(1..=5)
                },
            )?
            .min(today);
            let death = rng.random_range(0..5) == 0;
            let reference = format!("SIN {year}-{:02}", k + 1);
            let id = Uuid::from_bytes(rng.random());
            let created = at(aware);
            store::insert_notification(
                &mut tx.conn(),
                p,
                id,
                &NotificationWrite {
                    reference: &reference,
                    summary: "Generated for benchmarks: Child A was seriously harmed at home; \
                              abuse or neglect is suspected.",
                    aware_on: aware,
                    notified_on: Some(notified),
                    partners_informed_on: Some(notified),
                    death,
                    serious_harm: !death,
                    abuse_or_neglect: if rng.random_range(0..3) == 0 {
                        "known"
                    } else {
                        "suspected"
                    },
                    location: "in_area",
                    looked_after_death: false,
                    care_leaver_death: false,
                    resident_elsewhere: rng.random_range(0..8) == 0,
                    decided_by: "Director of Children's Services",
                    other_children_note: "",
                    rapid_review_chosen: false,
                },
                admin,
                created,
            )
            .await?;
            for letter in ["A", "B"].iter().take(rng.random_range(1..=2)) {
                store::insert_child(
                    &mut tx.conn(),
                    p,
                    &ChildWrite {
                        id: Uuid::from_bytes(rng.random()),
                        notification_id: id,
                        letter,
                        age_description: if *letter == "A" {
                            "Baby aged 5 months"
                        } else {
                            "Sibling aged 3"
                        },
                        full_name: &format!("Generated Child {n:03}-{year}-{k}-{letter}"),
                        date_of_birth: None,
                        case_reference: "",
                    },
                    created,
                )
                .await?;
            }
            // The rapid review: a decision at the panel meeting, sent, and the Panel's response;
            // in the last year some await the response and the very last is still in progress.
            let meeting = days(cal, notified, rng.random_range(8..=12))?.min(today);
            let sent = days(cal, notified, rng.random_range(12..=17))?.min(today);
            let responded = !(last || (last_year && rng.random_range(0..2) == 0));
            let decision = match rng.random_range(0..20) {
                0..=4 => ReviewDecision::LocalCspr,
                5..=17 => ReviewDecision::NoCspr,
                _ => ReviewDecision::NationalReview,
            };
            let mut rr = RapidReviewRow {
                notification_id: id,
                facts: "Generated: health visiting, GP and school involvement in the year before."
                    .into(),
                key_practice_episodes: "Generated: two missed appointments; one referral.".into(),
                learning:
                    "Generated: information about the adults in the household was not shared."
                        .into(),
                reg11_a: "yes".into(),
                reg11_a_rationale: "Generated rationale.".into(),
                panel_meeting_on: Some(meeting),
                ..Default::default()
            };
            if !last {
                rr.decision = Some(decision.slug().to_owned());
                rr.other_learning_route = if decision == ReviewDecision::NoCspr {
                    "A multi-agency learning event.".into()
                } else {
                    String::new()
                };
                rr.decision_rationale =
                    "Generated: the regulation 11 criteria were considered.".into();
                rr.decided_on = Some(meeting);
                rr.sent_to_panel_on = Some(sent);
                if responded {
                    rr.panel_response_on = Some((sent + Duration::days(10)).min(today));
                    rr.panel_outcome = Some("agrees".into());
                }
            }
            store::save_rapid_review(&mut tx.conn(), p, &rr, created).await?;
            if let Some(org) = orgs.get(1) {
                store::save_agency(
                    &mut tx.conn(),
                    p,
                    id,
                    *org,
                    days(cal, notified, 1)?.min(today),
                    (!last).then_some(meeting),
                )
                .await?;
            }
            let clocks =
                notification_deadlines(cal, aware, Some(notified), true, rr.sent_to_panel_on)
                    .map_err(|e| ServiceError::Internal(anyhow::anyhow!("calendar: {e:?}")))?;
            let writes: Vec<DeadlineWrite<'_>> = clocks
                .iter()
                .map(|d| DeadlineWrite {
                    rule: d.rule.slug(),
                    basis_on: d.basis,
                    due_on: d.due,
                    met_on: d.met_on,
                })
                .collect();
            store::replace_deadlines(&mut tx.conn(), p, "notification", id, &writes, created)
                .await?;
            if rr.panel_outcome.is_some() {
                store::set_closed(&mut tx.conn(), p, id, true).await?;
            }
            out.notifications += 1;
        }
    }
    Ok(out)
}
