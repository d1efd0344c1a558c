//! Synthetic data for benchmarks: `safeguard generate --partnerships N --years Y --seed S`.
//!
//! The same seed gives the same content (names, emails, roles, audit history and its timing); the ids
//! of people come from the seeded generator too, those of partnerships and organisations do not.
//! Police forces and integrated care boards are shared between neighbouring partnerships, as in
//! England. Every generated person has the same password (`--password`, hashed once).

use crate::{ServiceError, ServiceResult, Services};
use chrono::{Duration, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use safeguard_domain::audit::NewEntry;
use safeguard_domain::policy::Role;
use safeguard_domain::{OrganisationId, PersonId};
use safeguard_store::{audit_log, bodies, organisations, partnerships, people, roles};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Partnerships.
    pub partnerships: u32,
    /// Years of history.
    pub years: u32,
    /// Seed.
    pub seed: u64,
    /// People per partnership.
    pub people_per_partnership: u32,
    /// Audit entries per partnership per year.
    pub entries_per_year: u32,
    /// The password every generated person gets.
    pub password: String,
}

/// Counts of what was written.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// Partnerships.
    pub partnerships: u32,
    /// People.
    pub people: u32,
    /// Audit entries.
    pub audit_entries: u64,
    /// Actions (with a progress update each).
    pub actions: u64,
    /// Board meetings (with attendance).
    pub meetings: u64,
    /// Activity-log entries (with tags, some with an evidence link to an action).
    pub activity_entries: u64,
    /// Funding years (equal shares among the three partners).
    pub funding_years: u64,
    /// Spend lines.
    pub spend_lines: u64,
    /// Sign-off items (with their rounds and steps).
    pub sign_offs: u64,
    /// Child safeguarding practice reviews (with their reviewers and clocks).
    pub practice_reviews: u64,
    /// Serious incident notifications (with children, clocks and rapid reviews).
    pub notifications: u64,
    /// The first partnership's case review panel members who are not administrators (email), for
    /// benchmarking the panel dashboard through the membership rule.
    pub panel_member: Option<String>,
    /// Time spent writing the case reviews (what they add to generating).
    pub case_review_time: std::time::Duration,
    /// Recommendations tracker sources.
    pub tracker_sources: u64,
    /// Tracked recommendations (with addressees, histories and some evidence).
    pub tracked_recommendations: u64,
    /// Their actions (in the one action model; not counted in `actions`).
    pub tracker_actions: u64,
    /// The first partnership's source with the most recommendations, for benchmarking the
    /// tracker's progress views.
    pub largest_tracker_source: Option<uuid::Uuid>,
    /// Time spent writing the tracker (what it adds to generating).
    pub tracker_time: std::time::Duration,
    /// Performance indicators.
    pub perf_indicators: u64,
    /// Performance returns.
    pub perf_returns: u64,
    /// Values in them.
    pub perf_values: u64,
    /// Benchmark values.
    pub perf_benchmarks: u64,
    /// Time spent writing the performance framework (what it adds to generating).
    pub performance_time: std::time::Duration,
}

/// Actions per partnership per year, owned by people of the partnership, so that "my actions" can be
/// measured at national scale (150 partnerships x 5 years = 30,000 actions).
pub const ACTIONS_PER_YEAR: u32 = 40;

const ACTION_TITLES: &[&str] = &[
    "Review the threshold document",
    "Audit attendance at strategy discussions",
    "Refresh neglect training",
    "Report on missing-from-home returns",
    "Share learning from the rapid review",
    "Update the escalation policy",
    "Check the quality of referrals",
    "Publish the yearly report",
];
const ACTION_SOURCES: &[&str] = &[
    "Board meeting",
    "Case review panel",
    "Partnership development group",
    "Quality and performance sub-group",
];

/// The financial year of the generated history's first year (April 2021 to March 2022).
pub const FIRST_YEAR: i32 = 2021;

const ACTIVITY_TITLES: &[&str] = &[
    "Multi-agency learning event",
    "Rapid review completed",
    "Case file audit reported to the board",
    "Training offer refreshed",
    "Threshold of need workshop",
    "Voice of the child consultation",
    "Neglect strategy launched",
    "Child exploitation awareness day",
    "Section 11 audit returns reviewed",
    "Practice guidance published",
];
const ACTIVITY_WORKSTREAMS: &[&str] = &[
    "Learning and development",
    "Quality assurance",
    "Child exploitation",
    "Neglect",
    "Domestic abuse",
];
const ACTIVITY_TAGS: &[&str] = &[
    "audit",
    "cse",
    "domestic-abuse",
    "neglect",
    "reviews",
    "training",
    "voice-of-child",
];

const FIRST: &[&str] = &[
    "Amira", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Harry", "Isla", "Jack", "Kiran",
    "Leah", "Mo", "Nia", "Owen", "Poppy", "Ravi", "Sofia", "Theo", "Zara",
];
const LAST: &[&str] = &[
    "Ahmed", "Baker", "Clarke", "Davies", "Edwards", "Fisher", "Green", "Hughes", "Iqbal", "Jones",
    "Khan", "Lewis", "Morris", "Nowak", "Owen", "Patel", "Roberts", "Singh", "Taylor", "Walker",
];
const AGENCY_KINDS: &[(&str, &str)] = &[
    ("Community Health NHS Trust", "health"),
    ("Hospital NHS Trust", "health"),
    ("Youth Justice Service", "youth_justice"),
    ("Education and Skills", "education"),
    ("Probation Delivery Unit", "probation"),
    ("Ambulance Service Hub", "ambulance"),
    ("GP practices", "health"),
    ("Housing Partnership", "housing"),
    ("Voluntary Sector Forum", "voluntary"),
];
const ACTIONS: &[&str] = &[
    "person.create",
    "role.grant",
    "role.revoke",
    "session.sign_in",
    "session.sign_out",
    "audit.view",
    "partnership.update_settings",
    "api_token.create",
];

fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

fn role_for(rng: &mut ChaCha8Rng, i: u32) -> Role {
    if i == 0 {
        return Role::PartnershipAdministrator;
    }
    match rng.random_range(0..100) {
        0..=4 => Role::PartnershipAdministrator,
        5..=19 => Role::BoardMember,
        20..=39 => Role::SubGroupMember,
        40..=54 => Role::AgencyLead,
        55..=89 => Role::Practitioner,
        90..=94 => Role::IndependentScrutineer,
        95..=97 => Role::LivedExperienceConsultant,
        _ => Role::PlatformOperator,
    }
}

/// Writes the data (one transaction per partnership).
#[allow(clippy::indexing_slicing)]
pub async fn run(
    svc: &Services,
    plan: &Plan,
    mut progress: impl FnMut(u32),
) -> ServiceResult<Generated> {
    let mut rng = ChaCha8Rng::seed_from_u64(plan.seed);
    let hash = svc
        .passwords
        .hash(&plan.password)
        .await
        .map_err(ServiceError::Internal)?;
    let start = Utc
        .with_ymd_and_hms(2021, 4, 1, 8, 0, 0)
        .single()
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("date")))?;
    let mut out = Generated::default();
    let calendar = crate::calendar::load(svc).await?;
    // The last day anything generated may have happened: the end of the last financial year, or today.
    let horizon =
        chrono::NaiveDate::from_ymd_opt(FIRST_YEAR + i32::try_from(plan.years).unwrap_or(0), 3, 31)
            .map_or(safeguard_domain::actions::uk_date(svc.now()), |d| {
                d.min(safeguard_domain::actions::uk_date(svc.now()))
            });
    for i in 0..plan.partnerships {
        let n = i + 1;
        let now = start;
        let mut tx = svc.db.begin().await?;
        let p = partnerships::upsert_by_slug(
            &mut tx.conn(),
            &format!("gen-{n:03}"),
            &format!("Generated Safeguarding Partnership {n:03}"),
            now,
        )
        .await?;
        let la = organisations::upsert_by_name(
            &mut tx.conn(),
            &format!("Generated Council {n:03}"),
            "local_authority",
            None,
            now,
        )
        .await?;
        let police = organisations::upsert_by_name(
            &mut tx.conn(),
            &format!("Generated Police Force {:02}", i / 4 + 1),
            "police",
            None,
            now,
        )
        .await?;
        let icb = organisations::upsert_by_name(
            &mut tx.conn(),
            &format!("Generated Integrated Care Board {:02}", i / 3 + 1),
            "integrated_care_board",
            None,
            now,
        )
        .await?;
        let mut orgs = vec![
            la.organisation_id,
            police.organisation_id,
            icb.organisation_id,
        ];
        for (kind, cat) in AGENCY_KINDS {
            let o = organisations::upsert_by_name(
                &mut tx.conn(),
                &format!("Generated {n:03} {kind}"),
                "relevant_agency",
                Some(cat),
                now,
            )
            .await?;
            orgs.push(o.organisation_id);
        }
        for o in &orgs {
            organisations::add_to_partnership(&mut tx.conn(), p.id(), OrganisationId(*o), now)
                .await?;
        }
        bodies::upsert_by_name(
            &mut tx.conn(),
            p.id(),
            "Safeguarding Children Board",
            "board",
            Some("Quarterly"),
            now,
        )
        .await?;
        bodies::upsert_by_name(
            &mut tx.conn(),
            p.id(),
            "Case Review Panel",
            "sub_group",
            Some("Monthly"),
            now,
        )
        .await?;
        let mut ids = Vec::new();
        for j in 0..plan.people_per_partnership {
            let bytes: [u8; 16] = rng.random();
            let id = PersonId(uuid::Builder::from_random_bytes(bytes).into_uuid());
            let name = format!("{} {}", pick(&mut rng, FIRST), pick(&mut rng, LAST));
            let email = format!("person{j:03}@gen-{n:03}.example");
            let org = orgs[rng.random_range(0..orgs.len())];
            if people::find_by_email(&mut tx.conn(), &email)
                .await?
                .is_none()
            {
                people::insert(
                    &mut tx.conn(),
                    id,
                    OrganisationId(org),
                    &email,
                    &name,
                    Some(&hash),
                    now,
                )
                .await?;
                out.people += 1;
            }
            let role = role_for(&mut rng, j);
            roles::grant(&mut tx.conn(), p.id(), id, role, None, now).await?;
            ids.push((id, org));
        }
        for y in 0..plan.years {
            let mut times: Vec<i64> = (0..plan.entries_per_year)
                .map(|_| rng.random_range(0..365 * 86_400))
                .collect();
            times.sort_unstable();
            for secs in times {
                let (actor, org) = ids[rng.random_range(0..ids.len())];
                let at = start + Duration::days(i64::from(y) * 365) + Duration::seconds(secs);
                let action = pick(&mut rng, ACTIONS);
                let mut e = NewEntry::new(
                    action,
                    "person",
                    Some(ids[rng.random_range(0..ids.len())].0.to_string()),
                );
                e.partnership_id = Some(p.partnership_id);
                e.actor_person_id = Some(actor.0);
                e.actor_organisation_id = Some(org);
                audit_log::append(&mut tx.conn(), &e, at).await?;
                out.audit_entries += 1;
            }
        }
        // Actions come from their own seeded stream, so adding them left the rest of the content as
        // it was for a given seed.
        let mut arng = ChaCha8Rng::seed_from_u64(plan.seed ^ 0x00ac_7105 ^ u64::from(n));
        let mut action_ids = Vec::new();
        for y in 0..plan.years {
            for k in 0..ACTIONS_PER_YEAR {
                let drawn = ids[arng.random_range(0..ids.len())];
                // Every eighth action is the first person's (the administrator the benchmark signs in
                // as), so that their "my actions" has a realistic length (about 30 over 5 years).
                let (owner, org) = if k % 8 == 0 { ids[0] } else { drawn };
                let created = start
                    + Duration::days(i64::from(y) * 365 + arng.random_range(0..300))
                    + Duration::seconds(arng.random_range(0..86_400));
                let due = (created + Duration::days(arng.random_range(14..120))).date_naive();
                // Older years are mostly finished; the latest has most still open.
                let last = y + 1 == plan.years;
                let status = match arng.random_range(0..10) {
                    0..=3 if last => "open",
                    4..=5 if last => "in_progress",
                    0 => "open",
                    1 => "in_progress",
                    2 => "cancelled",
                    _ => "done",
                };
                let id = safeguard_domain::ActionId(
                    uuid::Builder::from_random_bytes(arng.random()).into_uuid(),
                );
                let title = format!("{} ({})", pick(&mut arng, ACTION_TITLES), k + 1);
                let source = format!(
                    "{} {}",
                    pick(&mut arng, ACTION_SOURCES),
                    created.format("%-d %B %Y")
                );
                safeguard_store::actions::insert(
                    &mut tx.conn(),
                    &safeguard_store::actions::NewActionRow {
                        id,
                        partnership: p.id(),
                        source_type: "meeting",
                        source_id: None,
                        source_label: &source,
                        title: &title,
                        description: "Generated for benchmarks.",
                        owner_organisation: OrganisationId(org),
                        owner_person: Some(owner),
                        due_date: Some(due),
                        status,
                        created_by: owner,
                    },
                    created,
                )
                .await?;
                safeguard_store::actions::append_update(
                    &mut tx.conn(),
                    p.id(),
                    id,
                    uuid::Builder::from_random_bytes(arng.random()).into_uuid(),
                    owner,
                    "Progress reported to the sub-group.",
                    None,
                    None,
                    created + Duration::days(7),
                )
                .await?;
                out.actions += 1;
                action_ids.push((id, title));
            }
        }
        // The board's meetings, from their own seeded stream too.
        let mut grng = ChaCha8Rng::seed_from_u64(plan.seed ^ 0x0090_7e55 ^ u64::from(n));
        let members: Vec<(uuid::Uuid, uuid::Uuid)> = ids.iter().map(|(p, o)| (p.0, *o)).collect();
        out.meetings += crate::generate_governance::board_meetings(
            &mut tx,
            p.id(),
            "Safeguarding Children Board",
            &members,
            plan.years,
            &calendar,
            &mut grng,
            start,
        )
        .await?;
        out.activity_entries += activity_log(&mut tx, p.id(), plan, n, &ids, &action_ids).await?;
        // Funding years and sign-offs, from their own seeded stream too.
        let mut frng = ChaCha8Rng::seed_from_u64(plan.seed ^ 0x00f0_0d5f ^ (u64::from(n) << 32));
        let f = crate::generate_funding::funding_and_signoffs(
            &mut tx,
            p.id(),
            plan.years,
            FIRST_YEAR,
            &[
                ("local_authority", OrganisationId(la.organisation_id)),
                ("police", OrganisationId(police.organisation_id)),
                ("integrated_care_board", OrganisationId(icb.organisation_id)),
            ],
            &ids,
            &mut frng,
        )
        .await?;
        out.funding_years += f.years;
        out.spend_lines += f.spend_lines;
        out.sign_offs += f.sign_offs;
        crate::generate_review_learning::themes(&mut tx, p.id(), now).await?;
        // Practice reviews, from their own seeded stream too.
        let mut prng = ChaCha8Rng::seed_from_u64(plan.seed ^ 0x00c5_94e1 ^ (u64::from(n) << 16));
        out.practice_reviews += crate::generate_practice_reviews::practice_reviews(
            &mut tx,
            p.id(),
            plan.years,
            FIRST_YEAR,
            ids[0].0,
            horizon,
            &calendar,
            &mut prng,
            start,
        )
        .await?;
        // Case reviews (the panel and its notifications), from their own seeded stream too.
        let started = std::time::Instant::now();
        let c = crate::generate_case_reviews::case_reviews(
            &mut tx,
            p.id(),
            n,
            &ids,
            &orgs,
            plan.years,
            FIRST_YEAR,
            &calendar,
            safeguard_domain::actions::uk_date(svc.now()),
            &mut ChaCha8Rng::seed_from_u64(plan.seed ^ 0x00ca_5e5e ^ (u64::from(n) << 24)),
        )
        .await?;
        out.notifications += c.notifications;
        out.panel_member = out.panel_member.or(c.panel_member);
        out.case_review_time += started.elapsed();
        // The recommendations tracker, from its own seeded stream too.
        let started = std::time::Instant::now();
        let t = crate::generate_recommendations::tracker(
            &mut tx,
            p.id(),
            &ids,
            &orgs,
            plan.years,
            FIRST_YEAR,
            horizon,
            &mut ChaCha8Rng::seed_from_u64(plan.seed ^ 0x007a_c4e5 ^ (u64::from(n) << 20)),
        )
        .await?;
        out.tracker_sources += t.sources;
        out.tracked_recommendations += t.recommendations;
        out.tracker_actions += t.actions;
        out.largest_tracker_source = out.largest_tracker_source.or(t.largest.map(|(id, _)| id));
        // The generated history includes the escalations a running system would have sent for
        // the actions overdue by today, so the daily job does not email years of history at once.
        safeguard_store::actions::record_generated_escalations(
            &mut tx.conn(),
            p.id(),
            "recommendation",
            safeguard_domain::actions::uk_date(svc.now()),
            svc.now(),
        )
        .await?;
        out.tracker_time += started.elapsed();
        // The performance framework, from its own seeded stream too.
        let started = std::time::Instant::now();
        let perf = crate::generate_performance::performance(
            &mut tx,
            p.id(),
            OrganisationId(la.organisation_id),
            OrganisationId(police.organisation_id),
            OrganisationId(icb.organisation_id),
            ids[0].0,
            plan.years,
            FIRST_YEAR,
            horizon,
            &mut ChaCha8Rng::seed_from_u64(plan.seed ^ 0x00be_4f00 ^ (u64::from(n) << 40)),
        )
        .await?;
        out.perf_indicators += perf.indicators;
        out.perf_returns += perf.returns;
        out.perf_values += perf.values;
        out.perf_benchmarks += perf.benchmarks;
        out.performance_time += started.elapsed();
        tx.commit().await?;
        out.partnerships += 1;
        progress(n);
    }
    Ok(out)
}

/// The partnership's activity log: 2 to 4 entries a month over every generated financial year, each
/// with 1 to 3 tags, half of them under a body (the board or the review panel) and the rest under a
/// workstream, one in four with an evidence link to one of the partnership's actions. From its own
/// seeded stream, so the rest of the content for a seed is unchanged. Returns the number of entries.
#[allow(clippy::indexing_slicing)]
async fn activity_log(
    tx: &mut safeguard_store::Tx,
    p: safeguard_domain::PartnershipId,
    plan: &Plan,
    n: u32,
    ids: &[(PersonId, uuid::Uuid)],
    actions: &[(safeguard_domain::ActionId, String)],
) -> ServiceResult<u64> {
    use safeguard_store::activity::{self, EntryRow, NewLinkRow};
    let mut rng = ChaCha8Rng::seed_from_u64(plan.seed ^ 0x0000_ac71_u64 ^ (u64::from(n) << 24));
    let body_ids: Vec<uuid::Uuid> = bodies::list_for_partnership(&mut tx.conn(), p)
        .await?
        .into_iter()
        .map(|b| b.body_id)
        .collect();
    let mut count = 0;
    for y in 0..plan.years {
        let fy = FIRST_YEAR + i32::try_from(y).unwrap_or(0);
        for (year, month) in safeguard_domain::activity::financial_year_months(fy) {
            for _ in 0..rng.random_range(2..=4) {
                let day: u32 = rng.random_range(1..=28);
                let Some(date) = chrono::NaiveDate::from_ymd_opt(year, month, day) else {
                    continue;
                };
                let (by, _) = ids[rng.random_range(0..ids.len())];
                let body = (!body_ids.is_empty() && rng.random_bool(0.5))
                    .then(|| body_ids[rng.random_range(0..body_ids.len())]);
                let workstream = if body.is_some() {
                    ""
                } else {
                    pick(&mut rng, ACTIVITY_WORKSTREAMS)
                };
                let title = pick(&mut rng, ACTIVITY_TITLES);
                let id = uuid::Builder::from_random_bytes(rng.random()).into_uuid();
                let at = date
                    .and_hms_opt(17, 0, 0)
                    .map(|t| Utc.from_utc_datetime(&t))
                    .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("date")))?;
                activity::insert(
                    &mut tx.conn(),
                    p,
                    id,
                    &EntryRow {
                        entry_date: date,
                        body_id: body,
                        workstream,
                        title,
                        what_happened: "Generated for benchmarks: what the partnership did this month, \
                                        who took part and what was agreed.",
                        impact: "Generated for benchmarks: the difference it made for children and families.",
                    },
                    by,
                    at,
                )
                .await?;
                let mut tags: Vec<String> = (0..rng.random_range(1..=3))
                    .map(|_| (*pick(&mut rng, ACTIVITY_TAGS)).to_owned())
                    .collect();
                tags.sort();
                tags.dedup();
                activity::set_tags(&mut tx.conn(), p, id, &tags).await?;
                if !actions.is_empty() && rng.random_range(0..4) == 0 {
                    let (action, label) = &actions[rng.random_range(0..actions.len())];
                    activity::add_link(
                        &mut tx.conn(),
                        p,
                        &NewLinkRow {
                            id: uuid::Builder::from_random_bytes(rng.random()).into_uuid(),
                            entry: id,
                            target_type: "action",
                            target_id: Some(action.0),
                            url: None,
                            label,
                        },
                        by,
                        at,
                    )
                    .await?;
                }
                count += 1;
            }
        }
    }
    Ok(count)
}
