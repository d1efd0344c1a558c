//! The demo partnership, from the 2022-23 yearly report of Telford & Wrekin's safeguarding children
//! board (kept here, so nothing is read from outside the project at run time), and a neighbouring
//! partnership that shares the police force and the integrated care board, so that switching between
//! partnerships can be tried. Loading is idempotent.

use crate::{ServiceError, ServiceResult, Services};
use safeguard_domain::audit::NewEntry;
use safeguard_domain::policy::Role;
use safeguard_domain::secret::new_token;
use safeguard_domain::{OrganisationId, PersonId};
use safeguard_store::{audit_log, bodies, organisations, partnerships, people, roles};

/// Slug of the demo partnership.
pub const DEMO_SLUG: &str = "telford-wrekin";
/// Slug of the neighbouring partnership.
pub const NEIGHBOUR_SLUG: &str = "shropshire";

const LA: &str = "Telford & Wrekin Council";
const POLICE: &str = "West Mercia Police";
const ICB: &str = "NHS Shropshire, Telford and Wrekin Integrated Care Board";

/// The nine member agencies named in the report, with their category.
pub const AGENCIES: &[(&str, &str)] = &[
    ("Shropshire Community Health NHS Trust", "health"),
    ("Cafcass", "courts"),
    ("Shrewsbury and Telford Hospital NHS Trust", "health"),
    ("West Mercia Youth Justice Service", "youth_justice"),
    ("Midlands Partnership NHS Foundation Trust", "health"),
    ("Probation Service (West Mercia)", "probation"),
    ("Telford & Wrekin Education and Skills", "education"),
    ("West Midlands Ambulance Service", "ambulance"),
    ("Telford and Wrekin GP practices", "health"),
];

const EXTRA_ORGS: &[(&str, &str)] = &[
    ("Independent scrutiny (commissioned)", "other"),
    ("Lived-experience consultants", "voluntary"),
    ("Safeguard platform operations", "other"),
];

/// The board and sub-groups named in the report.
pub const BODIES: &[(&str, &str, &str)] = &[
    (
        "Telford and Wrekin Safeguarding Children Board",
        "board",
        "Quarterly",
    ),
    (
        "Child Safeguarding Practice Review Panel",
        "sub_group",
        "Monthly",
    ),
    (
        "Partnership Development sub-group",
        "sub_group",
        "Quarterly",
    ),
    (
        "Quality, Performance and Operations sub-group",
        "sub_group",
        "Quarterly",
    ),
    ("Child Exploitation sub-group", "sub_group", "Bi-monthly"),
    ("Neglect sub-group", "sub_group", "Bi-monthly"),
    (
        "Partner Operations Group (Inquiry recommendations)",
        "task_and_finish",
        "Monthly",
    ),
];

/// One demo person per role (fictional people).
pub const PEOPLE: &[(&str, &str, &str, Role)] = &[
    (
        "admin@safeguard.example",
        "Priya Shah",
        LA,
        Role::PartnershipAdministrator,
    ),
    (
        "board@safeguard.example",
        "Helen Price",
        ICB,
        Role::BoardMember,
    ),
    (
        "subgroup@safeguard.example",
        "Tom Evans",
        "Shrewsbury and Telford Hospital NHS Trust",
        Role::SubGroupMember,
    ),
    (
        "lead@safeguard.example",
        "Sam Okafor",
        POLICE,
        Role::AgencyLead,
    ),
    (
        "practitioner@safeguard.example",
        "Lucy Brown",
        "Telford & Wrekin Education and Skills",
        Role::Practitioner,
    ),
    (
        "scrutineer@safeguard.example",
        "Margaret Hill",
        "Independent scrutiny (commissioned)",
        Role::IndependentScrutineer,
    ),
    (
        "consultant@safeguard.example",
        "Jordan Lee",
        "Lived-experience consultants",
        Role::LivedExperienceConsultant,
    ),
    (
        "operator@safeguard.example",
        "Alex Morgan",
        "Safeguard platform operations",
        Role::PlatformOperator,
    ),
    // A board member of the council, so that all three lead partners can sign off in the demo.
    (
        "council@safeguard.example",
        "Rachel Ward",
        LA,
        Role::BoardMember,
    ),
];

/// A demo sign-in created by this load (its password is shown once).
#[derive(Debug, Clone)]
pub struct DemoSignIn {
    /// Email.
    pub email: String,
    /// Role.
    pub role: Role,
    /// Password, when this load created the account.
    pub password: Option<String>,
}

/// Loads the demo data. New demo accounts get `password` if given, else a random one each; the
/// returned list says which were created with which password.
pub async fn load(svc: &Services, password: Option<&str>) -> ServiceResult<Vec<DemoSignIn>> {
    let now = svc.now();
    // Hash outside the transaction (argon2 takes tens of milliseconds each).
    let mut pending = Vec::new();
    {
        let mut pc = svc.db.acquire().await?;
        for (email, _, _, _) in PEOPLE {
            if people::find_by_email(&mut pc.conn(), email)
                .await?
                .is_none()
            {
                let pw = password
                    .map_or_else(|| format!("demo-{}", &new_token("")[..20]), str::to_owned);
                pending.push((*email, pw));
            }
        }
    }
    let mut hashed = Vec::new();
    for (email, pw) in pending {
        let h = svc
            .passwords
            .hash(&pw)
            .await
            .map_err(ServiceError::Internal)?;
        hashed.push((email, pw, h));
    }
    let mut tx = svc.db.begin().await?;
    let p = partnerships::upsert_by_slug(
        &mut tx.conn(),
        DEMO_SLUG,
        "Telford and Wrekin Safeguarding Children Partnership",
        now,
    )
    .await?;
    let n = partnerships::upsert_by_slug(
        &mut tx.conn(),
        NEIGHBOUR_SLUG,
        "Shropshire Safeguarding Community Partnership",
        now,
    )
    .await?;
    let statutory = [
        (LA, "local_authority"),
        (POLICE, "police"),
        (ICB, "integrated_care_board"),
    ];
    for (name, kind) in statutory {
        let o = organisations::upsert_by_name(&mut tx.conn(), name, kind, None, now).await?;
        organisations::add_to_partnership(
            &mut tx.conn(),
            p.id(),
            OrganisationId(o.organisation_id),
            now,
        )
        .await?;
    }
    for (name, cat) in AGENCIES.iter().chain(EXTRA_ORGS) {
        let o =
            organisations::upsert_by_name(&mut tx.conn(), name, "relevant_agency", Some(cat), now)
                .await?;
        organisations::add_to_partnership(
            &mut tx.conn(),
            p.id(),
            OrganisationId(o.organisation_id),
            now,
        )
        .await?;
    }
    // The neighbour shares the police force, the ICB, Cafcass, probation and the platform operator.
    let shropshire_council = organisations::upsert_by_name(
        &mut tx.conn(),
        "Shropshire Council",
        "local_authority",
        None,
        now,
    )
    .await?;
    organisations::add_to_partnership(
        &mut tx.conn(),
        n.id(),
        OrganisationId(shropshire_council.organisation_id),
        now,
    )
    .await?;
    for name in [
        POLICE,
        ICB,
        "Cafcass",
        "Probation Service (West Mercia)",
        "Safeguard platform operations",
    ] {
        if let Some(o) = organisations::find_by_name(&mut tx.conn(), name).await? {
            organisations::add_to_partnership(
                &mut tx.conn(),
                n.id(),
                OrganisationId(o.organisation_id),
                now,
            )
            .await?;
        }
    }
    for (name, kind, freq) in BODIES {
        bodies::upsert_by_name(&mut tx.conn(), p.id(), name, kind, Some(freq), now).await?;
    }
    bodies::upsert_by_name(
        &mut tx.conn(),
        n.id(),
        "Shropshire Safeguarding Community Partnership Executive",
        "board",
        Some("Quarterly"),
        now,
    )
    .await?;
    let mut created = Vec::new();
    for (email, name, org_name, role) in PEOPLE {
        let o = organisations::find_by_name(&mut tx.conn(), org_name)
            .await?
            .ok_or_else(|| {
                ServiceError::Internal(anyhow::anyhow!("demo organisation missing: {org_name}"))
            })?;
        let existing = people::find_by_email(&mut tx.conn(), email).await?;
        let (id, pw) = match existing {
            Some(e) => (e.id(), None),
            None => {
                let Some((_, pw, h)) = hashed.iter().find(|(e, _, _)| e == email) else {
                    continue;
                };
                let id = PersonId::new();
                people::insert(
                    &mut tx.conn(),
                    id,
                    OrganisationId(o.organisation_id),
                    email,
                    name,
                    Some(h),
                    now,
                )
                .await?;
                let mut e = NewEntry::new("person.create", "person", Some(id.to_string()));
                e.partnership_id = Some(p.partnership_id);
                e.after = Some(serde_json::json!({"name": name, "email": email, "role": role.slug(), "via": "demo"}).to_string());
                audit_log::append(&mut tx.conn(), &e, now).await?;
                (id, Some(pw.clone()))
            }
        };
        roles::grant(&mut tx.conn(), p.id(), id, *role, None, now).await?;
        if matches!(role, Role::AgencyLead | Role::PlatformOperator) {
            roles::grant(&mut tx.conn(), n.id(), id, *role, None, now).await?;
        }
        created.push(DemoSignIn {
            email: (*email).to_owned(),
            role: *role,
            password: pw,
        });
    }
    load_actions(&mut tx, p.id(), n.id(), now).await?;
    crate::demo_governance::load(&mut tx, p.id(), now).await?;
    // Funding 2022/23 and the lead partners' sign-offs.
    let budget_year = crate::funding::load_demo(&mut tx, p.id(), now).await?;
    crate::signoffs::load_demo(&mut tx, p.id(), budget_year, now).await?;
    crate::demo_activity::load(&mut tx, p.id(), now).await?;
    // Serious incident notifications and rapid reviews of 2022-23.
    let cal = crate::calendar::load_in(&mut tx.conn()).await?;
    crate::demo_case_reviews::load(&mut tx, &cal, p.id(), now).await?;
    // Practice reviews open in 2022-23 and the thematic neglect review.
    crate::demo_practice_reviews::load(&mut tx, &cal, p.id(), now).await?;
    // The themes taxonomy and the reviews' learning (after the practice reviews, which it tags).
    crate::demo_review_learning::load(&mut tx, p.id(), now).await?;
    // The Telford inquiry and its 47 recommendations in the recommendations tracker.
    crate::demo_recommendations::load(&mut tx, p.id(), now).await?;
    // The seed's indicators, place profile and England benchmarks; contacts each month of 2022-23.
    crate::demo_performance::load(&mut tx, p.id(), now).await?;
    // Three lived-experience consultants invited to some of the inquiry's recommendations, with comments.
    crate::demo_recommendation_comments::load(&mut tx, p.id(), now).await?;
    tx.commit().await?;
    Ok(created)
}

/// Demo actions: (partnership is the neighbour, title, owner email, owner organisation, due date as
/// `Ok(ISO date)` or `Err(days from today)`, status, source label).
type DemoAction = (
    bool,
    &'static str,
    &'static str,
    &'static str,
    Result<&'static str, i64>,
    &'static str,
    &'static str,
);

const ACTIONS: &[DemoAction] = &[
    (
        false,
        "Refresh the multi-agency threshold document",
        "lead@safeguard.example",
        POLICE,
        Ok("2023-03-31"),
        "in_progress",
        "Board meeting 12 May 2022",
    ),
    (
        false,
        "Audit police attendance at strategy discussions",
        "lead@safeguard.example",
        POLICE,
        Err(5),
        "open",
        "Board meeting 12 May 2022",
    ),
    (
        false,
        "Publish the yearly report for 2022-23",
        "admin@safeguard.example",
        LA,
        Ok("2022-09-30"),
        "done",
        "Board meeting 12 May 2022",
    ),
    (
        false,
        "Report on uptake of the neglect toolkit training",
        "subgroup@safeguard.example",
        "Shrewsbury and Telford Hospital NHS Trust",
        Err(30),
        "open",
        "Board meeting 8 December 2022",
    ),
    (
        false,
        "Share the learning from the rapid review with GP practices",
        "board@safeguard.example",
        ICB,
        Ok("2022-11-30"),
        "done",
        "Board meeting 8 December 2022",
    ),
    (
        true,
        "Align the escalation policy with Telford and Wrekin",
        "lead@safeguard.example",
        POLICE,
        Err(12),
        "open",
        "Executive meeting 6 June 2022",
    ),
];

/// Demo updates: (action title, author email, seconds after the action was created, body, new status).
const ACTION_UPDATES: &[(&str, &str, i64, &str, Option<&str>)] = &[
    (
        "Refresh the multi-agency threshold document",
        "lead@safeguard.example",
        0,
        "First draft shared with the three partners for comment.",
        Some("in_progress"),
    ),
    (
        "Refresh the multi-agency threshold document",
        "lead@safeguard.example",
        1,
        "Comments received from health; the education section needs another pass.",
        None,
    ),
    (
        "Publish the yearly report for 2022-23",
        "admin@safeguard.example",
        2,
        "Signed off by the three partners and published on the website.",
        Some("done"),
    ),
];

/// Adds the demo actions and their updates, once (only when the demo partnership has none).
async fn load_actions(
    tx: &mut safeguard_store::Tx,
    p: safeguard_domain::PartnershipId,
    n: safeguard_domain::PartnershipId,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<()> {
    use safeguard_store::actions::{self, NewActionRow};
    if actions::count(&mut tx.conn(), p).await? > 0 {
        return Ok(());
    }
    let today = safeguard_domain::actions::uk_date(now);
    let admin = people::find_by_email(&mut tx.conn(), "admin@safeguard.example")
        .await?
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("demo administrator missing")))?;
    let mut made = Vec::new();
    for (neighbour, title, owner, org, due, status, source) in ACTIONS {
        let partnership = if *neighbour { n } else { p };
        let person = people::find_by_email(&mut tx.conn(), owner)
            .await?
            .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("demo owner missing")))?;
        let o = organisations::find_by_name(&mut tx.conn(), org)
            .await?
            .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("demo organisation missing")))?;
        let due = match due {
            Ok(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok(),
            Err(days) => Some(today + chrono::Duration::days(*days)),
        };
        let id = safeguard_domain::ActionId::new();
        actions::insert(
            &mut tx.conn(),
            &NewActionRow {
                id,
                partnership,
                source_type: "meeting",
                source_id: None,
                source_label: source,
                title,
                description: "Agreed at the meeting; see the minutes for the discussion.",
                owner_organisation: OrganisationId(o.organisation_id),
                owner_person: Some(person.id()),
                due_date: due,
                status,
                created_by: admin.id(),
            },
            now,
        )
        .await?;
        let mut e = NewEntry::new("action.create", "action", Some(id.to_string()));
        e.partnership_id = Some(partnership.0);
        e.after = Some(serde_json::json!({"title": title, "via": "demo"}).to_string());
        audit_log::append(&mut tx.conn(), &e, now).await?;
        made.push((*title, partnership, id));
    }
    for (title, author, days, body, status) in ACTION_UPDATES {
        let Some((_, partnership, id)) = made.iter().find(|(t, _, _)| t == title) else {
            continue;
        };
        let person = people::find_by_email(&mut tx.conn(), author)
            .await?
            .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("demo author missing")))?;
        actions::append_update(
            &mut tx.conn(),
            *partnership,
            *id,
            uuid::Uuid::new_v4(),
            person.id(),
            body,
            *status,
            None,
            now + chrono::Duration::seconds(*days),
        )
        .await?;
    }
    Ok(())
}
