//! Practice reviews for generated partnerships (benchmarks: the panel dashboard at national scale):
//! 1 to 3 local reviews commissioned in each generated financial year, on working days, each taken
//! through its stages as far as its dates allow by the end of the generated history (older years
//! mostly published and closed, the latest mostly in progress; one in six ends with a statement of
//! improvements instead of the report), with a lead reviewer and its clocks in `deadline` worked out
//! by the domain rules ([`review_deadlines`]) through the one calendar.
//!
//! The generated notifications are not linked: no notification generator exists in this tree yet, so
//! every review is local with no notification recorded here (which the domain allows). Nothing is
//! added to a partnership that already has practice reviews.

use crate::ServiceResult;
use chrono::{Duration, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use safeguard_domain::calendar::Calendar;
use safeguard_domain::case_reviews::DEFAULT_NOTICE_WORKING_DAYS;
use safeguard_domain::practice_reviews::{Stage, StageDates, review_deadlines};
use safeguard_domain::{PartnershipId, PersonId};
use safeguard_store::Tx;
use safeguard_store::case_reviews::{self as case_store, DeadlineWrite};
use safeguard_store::practice_reviews::{self as store, NewReviewRow, ReviewerWrite, StageWrite};
use uuid::Uuid;

const TITLES: &[&str] = &[
    "Child A", "Child B", "Child C", "Child D", "Child E", "Child F", "Child G", "Child H",
];
const SUMMARIES: &[&str] = &[
    "A baby suffered serious non-accidental injuries.",
    "A teenager was seriously harmed in the context of criminal exploitation.",
    "Children lived with chronic neglect and domestic abuse.",
    "A child died following an assault at home.",
];
const REVIEWERS: &[&str] = &[
    "Dr A Fenwick",
    "M Ellis",
    "S Whitfield",
    "J Hartley",
    "Dr P Raman",
];

/// The working day on or after `d`.
fn working(cal: &Calendar, d: NaiveDate) -> Option<NaiveDate> {
    cal.add_working_days(d, 0).ok()
}

/// The next stage's date, `days` after `at` (on a working day), if it falls by `horizon`; moves `at`.
fn step(
    cal: &Calendar,
    at: &mut NaiveDate,
    horizon: NaiveDate,
    days: std::ops::Range<i64>,
    rng: &mut ChaCha8Rng,
) -> Option<NaiveDate> {
    let next = working(cal, *at + Duration::days(rng.random_range(days)))?;
    (next <= horizon).then(|| {
        *at = next;
        next
    })
}

/// Adds `years` of practice reviews from April of `first_year`, commissioned by `by`; `horizon` is
/// the last day anything may have happened. Returns the number of reviews written.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn practice_reviews(
    tx: &mut Tx,
    p: PartnershipId,
    years: u32,
    first_year: i32,
    by: PersonId,
    horizon: NaiveDate,
    calendar: &Calendar,
    rng: &mut ChaCha8Rng,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<u64> {
    if !store::list_reviews(&mut tx.conn(), p, false, 1)
        .await?
        .is_empty()
    {
        return Ok(0);
    }
    let mut written = 0;
    for y in 0..years {
        let fy = first_year + i32::try_from(y).unwrap_or(0);
        let Some(april) = NaiveDate::from_ymd_opt(fy, 4, 1) else {
            continue;
        };
        let count = rng.random_range(1..=3);
        let mut starts: Vec<i64> = (0..count).map(|_| rng.random_range(0..330)).collect();
        starts.sort_unstable();
        for (k, offset) in starts.into_iter().enumerate() {
            let Some(commissioned) = working(calendar, april + Duration::days(offset)) else {
                continue;
            };
            if commissioned > horizon {
                continue;
            }
            let id = Uuid::from_bytes(rng.random());
            let reference = format!("CSPR {fy}-{:02}", k + 1);
            let title = TITLES[rng.random_range(0..TITLES.len())];
            let summary = SUMMARIES[rng.random_range(0..SUMMARIES.len())];
            store::insert_review(
                &mut tx.conn(),
                p,
                &NewReviewRow {
                    id,
                    reference: &reference,
                    kind: "local",
                    title,
                    summary,
                    commissioned_on: commissioned,
                    terms_of_reference: "To understand how agencies worked together and what should change.",
                },
                by,
                now,
            )
            .await?;
            // The stages' dates, as far as the horizon allows.
            let mut dates = StageDates {
                commissioned_on: Some(commissioned),
                ..Default::default()
            };
            let mut stage = Stage::Commissioned;
            let mut at = commissioned;
            let not_published = rng.random_range(0..6) == 0;
            let mut planned = None;
            let mut url = String::new();
            let mut appointed = None;
            'stages: {
                let Some(d) = step(calendar, &mut at, horizon, 10..25, rng) else {
                    break 'stages;
                };
                dates.terms_agreed_on = Some(d);
                stage = Stage::TermsAgreed;
                let Some(d) = step(calendar, &mut at, horizon, 5..15, rng) else {
                    break 'stages;
                };
                appointed = Some(d);
                dates.reviewer_appointed_on = Some(d);
                stage = Stage::ReviewerAppointed;
                let Some(d) = step(calendar, &mut at, horizon, 5..15, rng) else {
                    break 'stages;
                };
                dates.information_gathering_on = Some(d);
                stage = Stage::InformationGathering;
                let Some(d) = step(calendar, &mut at, horizon, 80..160, rng) else {
                    break 'stages;
                };
                dates.first_draft_on = Some(d);
                stage = Stage::Draft;
                let Some(d) = step(calendar, &mut at, horizon, 14..40, rng) else {
                    break 'stages;
                };
                dates.engagement_on = Some(d);
                stage = Stage::Engagement;
                let Some(d) = step(calendar, &mut at, horizon, 25..70, rng) else {
                    break 'stages;
                };
                dates.final_approved_on = Some(d);
                stage = Stage::FinalApproved;
                let Some(d) = step(calendar, &mut at, horizon, 7..21, rng) else {
                    break 'stages;
                };
                dates.notice_sent_on = Some(d);
                stage = Stage::NoticeSent;
                let Ok(earliest) = calendar.add_working_days(d, DEFAULT_NOTICE_WORKING_DAYS) else {
                    break 'stages;
                };
                let publication =
                    working(calendar, earliest + Duration::days(rng.random_range(0..7)))
                        .unwrap_or(earliest);
                planned = Some(publication);
                if publication > horizon {
                    break 'stages;
                }
                at = publication;
                if not_published {
                    dates.not_published_on = Some(publication);
                    stage = Stage::NotPublished;
                } else {
                    dates.published_on = Some(publication);
                    url = format!(
                        "https://www.gen-partnership.example/reviews/{}",
                        reference.to_lowercase().replace(' ', "-")
                    );
                    stage = Stage::Published;
                }
                let Some(d) = step(calendar, &mut at, horizon, 20..45, rng) else {
                    break 'stages;
                };
                dates.action_plan_on = Some(d);
                stage = Stage::ActionPlan;
                let Some(d) = step(calendar, &mut at, horizon, 150..300, rng) else {
                    break 'stages;
                };
                dates.closed_on = Some(d);
                stage = Stage::Closed;
            }
            if let Some(appointed_on) = appointed {
                let name = REVIEWERS[rng.random_range(0..REVIEWERS.len())];
                store::insert_reviewer(
                    &mut tx.conn(),
                    p,
                    &ReviewerWrite {
                        id: Uuid::from_bytes(rng.random()),
                        review_id: id,
                        name,
                        organisation: "Independent reviewer",
                        role: "lead_reviewer",
                        independent: true,
                        appointed_on,
                    },
                    by,
                    now,
                )
                .await?;
            }
            if let Some(held_on) = dates.engagement_on {
                store::insert_engagement(
                    &mut tx.conn(),
                    p,
                    id,
                    Uuid::from_bytes(rng.random()),
                    ("family", held_on, "The reviewer met the family."),
                    by,
                    now,
                )
                .await?;
            }
            let reasons = if not_published {
                "Publication would identify the surviving siblings."
            } else {
                ""
            };
            let statement = if not_published {
                "Agencies will share records when families move between areas."
            } else {
                ""
            };
            store::update_stage(
                &mut tx.conn(),
                p,
                id,
                &StageWrite {
                    stage: stage.slug(),
                    terms_agreed_on: dates.terms_agreed_on,
                    information_gathering_on: dates.information_gathering_on,
                    first_draft_on: dates.first_draft_on,
                    final_approved_on: dates.final_approved_on,
                    planned_publication_on: planned.filter(|_| dates.notice_sent_on.is_some()),
                    notice_sent_on: dates.notice_sent_on,
                    published_on: dates.published_on,
                    published_url: &url,
                    not_published_on: dates.not_published_on,
                    not_published_reasons: if dates.not_published_on.is_some() {
                        reasons
                    } else {
                        ""
                    },
                    improvements_statement: if dates.not_published_on.is_some() {
                        statement
                    } else {
                        ""
                    },
                    action_plan_on: dates.action_plan_on,
                    closed_on: dates.closed_on,
                },
                now,
            )
            .await?;
            let clocks = review_deadlines(
                calendar,
                &dates,
                planned.filter(|_| dates.notice_sent_on.is_some()),
                DEFAULT_NOTICE_WORKING_DAYS,
            )
            .unwrap_or_default();
            let rows: Vec<DeadlineWrite<'_>> = clocks
                .iter()
                .map(|d| DeadlineWrite {
                    rule: d.rule.slug(),
                    basis_on: d.basis,
                    due_on: d.due,
                    met_on: d.met_on,
                })
                .collect();
            case_store::replace_deadlines(
                &mut tx.conn(),
                p,
                safeguard_domain::case_reviews::SUBJECT_PRACTICE_REVIEW,
                id,
                &rows,
                now,
            )
            .await?;
            written += 1;
        }
    }
    Ok(written)
}
