//! Generated recommendations tracker data (part of `safeguard generate`): per partnership and
//! financial year, 1 to 3 sources (an inquiry, a national child safeguarding practice review, a
//! joint inspection, a multi-agency case file audit or a Section 11 audit) with 8 to 50
//! recommendations each, 1 to 3 addressees, a lead, a target date, a self-assessment history that
//! moves further the older the source is (some verified, some not accepted), evidence links on
//! some, and 1 to 4 actions per recommendation in the one action model (source type
//! `recommendation`), owned by an addressee. Written in multi-row inserts; deterministic from the
//! seed (its own stream, so the rest of the generated content is unchanged).

use crate::ServiceResult;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use safeguard_domain::{PartnershipId, PersonId};
use safeguard_store::Tx;
use safeguard_store::actions::{self as actions_store, GenAction};
use safeguard_store::recommendations::{
    self as store, GenEvent, GenEvidence, GenRecommendation, GenSource, GenTracker,
};
use uuid::Uuid;

/// What was written for one partnership.
#[derive(Debug, Clone, Default)]
pub(crate) struct TrackerCounts {
    /// Sources.
    pub sources: u64,
    /// Recommendations.
    pub recommendations: u64,
    /// Actions.
    pub actions: u64,
    /// The source with the most recommendations, and how many.
    pub largest: Option<(Uuid, usize)>,
}

const KINDS: &[(&str, &str, &str)] = &[
    ("inquiry", "Independent inquiry into", "Independent Inquiry"),
    (
        "national_review",
        "National review:",
        "Child Safeguarding Practice Review Panel",
    ),
    (
        "joint_inspection",
        "Joint targeted area inspection:",
        "Ofsted, CQC, HMICFRS and HMI Probation",
    ),
    (
        "case_file_audit",
        "Multi-agency case file audit:",
        "Quality assurance sub-group",
    ),
    (
        "section_11_audit",
        "Section 11 audit:",
        "Safeguarding partnership business unit",
    ),
];
const TOPICS: &[&str] = &[
    "child sexual exploitation",
    "neglect",
    "domestic abuse and children",
    "children missing education",
    "the front door",
    "safeguarding infants",
    "serious youth violence",
    "children with disabilities",
    "online harm",
    "transitions to adult services",
];
const VERBS: &[&str] = &[
    "Strengthen",
    "Review",
    "Train practitioners in",
    "Audit",
    "Publish guidance on",
    "Improve information sharing about",
    "Set up a multi-agency group on",
    "Report to the board on",
];
const OBJECTS: &[&str] = &[
    "the threshold document",
    "strategy discussions",
    "return home interviews",
    "professional curiosity",
    "the voice of the child",
    "escalation between agencies",
    "supervision of frontline staff",
    "the early help offer",
    "records of adults in the household",
    "school attendance follow-up",
];
const ACTION_VERBS: &[&str] = &["Draft", "Agree", "Deliver", "Report on", "Audit", "Publish"];
const BODY: &str = "Generated for benchmarks: the partnership and its agencies should make sure that \
     practice changes as the review found it must, and report progress to the board.";

fn at(d: NaiveDate, secs: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(9, 0, 0).unwrap_or_default())
        + Duration::seconds(i64::from(secs))
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

fn id(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

/// Where a recommendation ends, and the self-assessment steps that got it there.
fn path(stage: u32) -> &'static [&'static str] {
    match stage {
        0 => &[],
        1 => &["in_progress"],
        2 => &["in_progress", "ready_for_assessment"],
        3 => &["in_progress", "ready_for_assessment", "implemented"],
        _ => &["in_progress", "unable_to_implement"],
    }
}

/// Writes the partnership's tracker for `years` financial years from April `first_year`, nothing
/// after `horizon`. `people` are (person, organisation); `orgs` the partnership's organisations.
#[allow(clippy::too_many_arguments, clippy::indexing_slicing)]
pub(crate) async fn tracker(
    tx: &mut Tx,
    p: PartnershipId,
    people: &[(PersonId, Uuid)],
    orgs: &[Uuid],
    years: u32,
    first_year: i32,
    horizon: NaiveDate,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<TrackerCounts> {
    let mut out = TrackerCounts::default();
    let (Some(&(admin, _)), false) = (people.first(), orgs.is_empty()) else {
        return Ok(out);
    };
    let mut t = GenTracker::default();
    let mut acts: Vec<GenAction> = Vec::new();
    for y in 0..years {
        let year = first_year + i32::try_from(y).unwrap_or(0);
        let fy_start = NaiveDate::from_ymd_opt(year, 4, 1).unwrap_or(horizon);
        for _ in 0..rng.random_range(1..=3u32) {
            let published = fy_start + Duration::days(rng.random_range(0..360));
            if published > horizon {
                continue;
            }
            let (kind, prefix, publisher) = *pick(rng, KINDS);
            let source = id(rng);
            let title = format!("{prefix} {} ({year})", pick(rng, TOPICS));
            let label_title = title.clone();
            let created = at(published, rng.random_range(0..28_800));
            t.sources.push(GenSource {
                id: source,
                kind,
                title,
                published_on: published,
                publisher,
                link: format!("https://example.org/reports/{}", source.simple()),
                by: admin.0,
                at: created,
            });
            out.sources += 1;
            let count = rng.random_range(8..=50usize);
            if out.largest.is_none_or(|(_, n)| count > n) {
                out.largest = Some((source, count));
            }
            // The older the source, the further its recommendations have moved.
            let age_days = (horizon - published).num_days().max(0);
            for number in 1..=count {
                let rid = id(rng);
                let accepted = rng.random_range(0..20) != 0;
                let roll = rng.random_range(0..100u32);
                let stage = match age_days {
                    0..=180 => [40, 85, 95, 100],
                    181..=540 => [10, 55, 75, 95],
                    541..=1100 => [3, 28, 45, 95],
                    _ => [1, 11, 20, 95],
                }
                .iter()
                .position(|&edge| roll < edge)
                .unwrap_or(4);
                let stage = if accepted {
                    u32::try_from(stage).unwrap_or(0)
                } else {
                    0
                };
                let steps = path(stage);
                // Drawn as positions (organisation ids are not seeded, so never sort by them).
                let mut drawn: Vec<usize> = (0..rng.random_range(1..=3))
                    .map(|_| rng.random_range(0..orgs.len()))
                    .collect();
                drawn.sort_unstable();
                drawn.dedup();
                let addressees: Vec<Uuid> = drawn.iter().map(|&k| orgs[k]).collect();
                let owners: Vec<&(PersonId, Uuid)> = people
                    .iter()
                    .filter(|(_, o)| addressees.contains(o))
                    .collect();
                let lead = if owners.is_empty() {
                    pick(rng, people).0
                } else {
                    pick(rng, &owners).0
                };
                let target = published + Duration::days(rng.random_range(180..=720));
                // The history: steps spread from a month after publication to the horizon.
                let span = (age_days - 30).max(1);
                let mut times: Vec<i64> = steps
                    .iter()
                    .map(|_| 30 + rng.random_range(0..span))
                    .collect();
                times.sort_unstable();
                let mut seq = 0i64;
                let mut last = created;
                for (s, d) in steps.iter().zip(&times) {
                    seq += 1;
                    last = at(published + Duration::days(*d), rng.random_range(0..28_800));
                    t.events.push(GenEvent {
                        id: id(rng),
                        recommendation: rid,
                        kind: "self",
                        status: s,
                        note: if *s == "unable_to_implement" {
                            "Generated: the service this relied on was decommissioned."
                        } else {
                            "Generated: progress reported to the sub-group."
                        },
                        by: lead.0,
                        at: last,
                        seq,
                    });
                }
                let self_status = steps.last().copied().unwrap_or("not_started");
                // Some verdicts: most older implemented ones verified, a few ready ones not.
                let verified = match stage {
                    3 if age_days > 365 && rng.random_range(0..10) < 7 => Some("implemented"),
                    2 if rng.random_range(0..5) == 0 => Some("not_verified"),
                    4 if rng.random_range(0..2) == 0 => Some("unable_to_implement"),
                    _ => None,
                };
                if let Some(v) = verified {
                    seq += 1;
                    last = (last + Duration::days(rng.random_range(7..60))).min(at(horizon, 0));
                    t.events.push(GenEvent {
                        id: id(rng),
                        recommendation: rid,
                        kind: "verification",
                        status: v,
                        note: "Generated: the independent scrutineer reviewed the evidence.",
                        by: admin.0,
                        at: last,
                        seq,
                    });
                }
                if stage >= 2 && rng.random_range(0..5) < 2 {
                    for k in 0..rng.random_range(1..=2u32) {
                        t.evidence.push(GenEvidence {
                            id: id(rng),
                            recommendation: rid,
                            url: format!("https://example.org/evidence/{}/{k}", rid.simple()),
                            label: if k == 0 {
                                "Audit report to the sub-group"
                            } else {
                                "Revised guidance"
                            },
                            by: lead.0,
                            at: last,
                        });
                    }
                }
                for a in &addressees {
                    t.addressees.push((rid, *a));
                }
                let rec_title = format!("{} {}", pick(rng, VERBS), pick(rng, OBJECTS));
                t.recommendations.push(GenRecommendation {
                    id: rid,
                    source,
                    number: i32::try_from(number).unwrap_or(i32::MAX),
                    title: rec_title.clone(),
                    body: BODY,
                    accepted,
                    not_accepted_reason: if accepted {
                        ""
                    } else {
                        "Generated: already covered by the partnership's neglect strategy."
                    },
                    lead: Some(lead.0),
                    target: Some(target),
                    self_status,
                    verified,
                    by: admin.0,
                    created,
                    updated: last,
                    version: i32::try_from(seq).unwrap_or(0) + 1,
                });
                if !accepted {
                    continue;
                }
                for _ in 0..rng.random_range(1..=4u32) {
                    let org = *pick(rng, &addressees);
                    let of_org: Vec<&(PersonId, Uuid)> =
                        people.iter().filter(|(_, o)| *o == org).collect();
                    let owner = (!of_org.is_empty() && rng.random_bool(0.5))
                        .then(|| pick(rng, &of_org).0.0);
                    let made = at(
                        published + Duration::days(rng.random_range(14..60)),
                        rng.random_range(0..28_800),
                    );
                    let due = (made + Duration::days(rng.random_range(60..540))).date_naive();
                    let status = match stage {
                        0 => "open",
                        1 => *pick(rng, &["open", "in_progress", "in_progress", "done"]),
                        2 | 3 => *pick(rng, &["done", "done", "done", "done", "cancelled"]),
                        _ => *pick(rng, &["cancelled", "done"]),
                    };
                    let made = made.min(at(horizon, 0));
                    acts.push(GenAction {
                        id: id(rng),
                        source_type: "recommendation",
                        source_id: Some(rid),
                        source_label: format!("{label_title}, recommendation {number}"),
                        title: format!("{} {}", pick(rng, ACTION_VERBS), rec_title.to_lowercase()),
                        owner_organisation: org,
                        owner_person: owner,
                        due_date: Some(due),
                        status,
                        created_by: admin.0,
                        created_at: made,
                        update: (
                            id(rng),
                            "Progress reported to the sub-group.",
                            (made + Duration::days(7)).min(at(horizon, 0)).max(made),
                        ),
                    });
                }
            }
        }
    }
    out.recommendations = u64::try_from(t.recommendations.len()).unwrap_or(0);
    out.actions = u64::try_from(acts.len()).unwrap_or(0);
    store::insert_generated(&mut tx.conn(), p, &t).await?;
    actions_store::insert_batch(&mut tx.conn(), p, &acts).await?;
    Ok(out)
}
