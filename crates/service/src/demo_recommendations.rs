//! Demo data for the recommendations tracker: the Independent Inquiry into Telford Child Sexual
//! Exploitation (published 12 July 2022) with 47 recommendations numbered 1 to 47. The official
//! numbering and wording are not reproduced here (DOMAIN.md 8.2: UNCONFIRMED): the short titles are
//! plausible paraphrases grouped by the themes named in public reporting, addressed to the council,
//! West Mercia Police, the Police and Crime Commissioner and the integrated care board. All are
//! accepted with a December 2023 target; the statuses are a plausible position at March 2023 (a few
//! verified by the independent scrutineer, some ready for assessment, most in progress), with some
//! actions in the one action model and some evidence.

use crate::{ServiceError, ServiceResult};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use safeguard_domain::audit::NewEntry;
use safeguard_domain::recommendations::{Evidence, Recommendation, Source, SourceKind};
use safeguard_domain::{ActionId, OrganisationId, PartnershipId, PersonId};
use safeguard_store::recommendations as store;
use safeguard_store::{Tx, audit_log, organisations, people};
use uuid::Uuid;

const LA: &str = "Telford & Wrekin Council";
const POLICE: &str = "West Mercia Police";
const ICB: &str = "NHS Shropshire, Telford and Wrekin Integrated Care Board";
/// The Police and Crime Commissioner, added to the demo partnership here.
pub const PCC: &str = "West Mercia Police and Crime Commissioner";

/// Title of the demo source.
pub const INQUIRY: &str = "Independent Inquiry into Telford Child Sexual Exploitation";

// Addressee codes: C council, P police, K Police and Crime Commissioner, I integrated care board.
// Status codes at March 2023: n not started, p in progress, r ready for assessment, v verified
// implemented (ready, then verified), u unable to implement (needs national change).
const RECS: &[(&str, &str, char)] = &[
    // Joint CSE Review Group and its annual report (five recommendations)
    (
        "Set up a Joint CSE Review Group of all four agencies",
        "CPKI",
        'v',
    ),
    (
        "Publish an annual public report on CSE in Telford",
        "CPKI",
        'p',
    ),
    (
        "Include incidents, trends and key statistics in the annual report",
        "CPKI",
        'p',
    ),
    ("Agree a shared data set for the annual report", "CPKI", 'r'),
    (
        "Present the annual report to the partnership board and the public",
        "CPKI",
        'n',
    ),
    // Information sharing
    (
        "Review how agencies share information about CSE",
        "CPI",
        'p',
    ),
    (
        "Give regular training on confidentiality and information sharing",
        "CPI",
        'p',
    ),
    (
        "Agree a protocol for cases needing immediate action",
        "CPI",
        'r',
    ),
    (
        "Record and share intelligence on places of concern",
        "CP",
        'p',
    ),
    (
        "Audit information sharing between agencies every year",
        "CPI",
        'n',
    ),
    // Police
    ("Review the police CSE training programme", "P", 'p'),
    (
        "Review the police complaints procedure for CSE survivors",
        "PK",
        'p',
    ),
    (
        "Protect the resourcing of the specialist CSE team",
        "PK",
        'r',
    ),
    (
        "Clarify the police role in taxi licensing enforcement",
        "PC",
        'p',
    ),
    (
        "Report police CSE performance to the Police and Crime Commissioner",
        "PK",
        'v',
    ),
    // Taxi and night-time economy licensing (eight recommendations)
    (
        "Agree a stricter information-sharing agreement with neighbouring licensing authorities",
        "C",
        'p',
    ),
    (
        "Agree a joint enforcement protocol with neighbouring licensing authorities",
        "CP",
        'p',
    ),
    (
        "Seek common pricing with neighbouring licensing authorities",
        "C",
        'u',
    ),
    (
        "Offer CSE training to drivers licensed elsewhere, at cost",
        "C",
        'p',
    ),
    (
        "Publicise how to recognise a Telford-licensed taxi",
        "C",
        'r',
    ),
    (
        "Review the public complaints process for licensed vehicles",
        "C",
        'p',
    ),
    ("Publish licensing information every year", "C", 'n'),
    ("Consider CCTV in licensed vehicles", "C", 'p'),
    // The council's CSE service
    ("Ring-fence funding for the CATE team", "C", 'v'),
    ("Review the council's CSE complaints procedure", "C", 'p'),
    ("Provide counselling for survivors of CSE", "CI", 'p'),
    (
        "Keep specialist CSE social work capacity under review",
        "C",
        'p',
    ),
    ("Involve survivors in shaping CSE services", "C", 'r'),
    (
        "Record CSE consistently in children's social care records",
        "C",
        'p',
    ),
    // Health
    ("Train NHS providers to recognise CSE", "I", 'p'),
    ("Review sexual health clinics' response to CSE", "I", 'p'),
    ("Ensure health records flag CSE concerns", "I", 'n'),
    ("Strengthen the named professionals' role for CSE", "I", 'p'),
    (
        "Include CSE in primary care safeguarding training",
        "I",
        'n',
    ),
    // Education
    (
        "Appoint an exploitation safeguarding lead in every school",
        "C",
        'p',
    ),
    ("Refresh CSE training in schools", "C", 'p'),
    ("Teach healthy relationships with CSE awareness", "C", 'n'),
    (
        "Share CSE concerns between schools and social care promptly",
        "C",
        'p',
    ),
    (
        "Support alternative provision to identify exploitation",
        "C",
        'n',
    ),
    // Survivors and the public
    ("Provide a single point of contact for survivors", "CP", 'p'),
    ("Publicise support available to survivors", "CPI", 'p'),
    (
        "Seek national action on criminal records of survivors",
        "PK",
        'u',
    ),
    ("Run a public awareness campaign on CSE", "CPK", 'n'),
    (
        "Offer survivors a restorative meeting with agencies",
        "CP",
        'n',
    ),
    // Oversight
    (
        "Appoint an independent chair to oversee implementation",
        "CPKI",
        'p',
    ),
    (
        "Report progress on the recommendations publicly",
        "CPKI",
        'p',
    ),
    (
        "Invite the Inquiry Chair to review progress after two years",
        "CPKI",
        'n',
    ),
];

/// Actions (recommendation number, title, owner code, due date, status) in the one action model.
/// They are owned by the organisation (anyone of it with `ViewActions` updates them), not a person,
/// and the live ones carry no due date: the demo pictures March 2023, and a 2023 due date would make
/// them overdue in every owner's digest and "my actions" today.
const ACTIONS: &[(i32, &str, char, &str, &str)] = &[
    (
        1,
        "Agree the Joint CSE Review Group's terms of reference",
        'C',
        "2022-10-31",
        "done",
    ),
    (
        1,
        "Hold the first Joint CSE Review Group meeting",
        'C',
        "2022-11-30",
        "done",
    ),
    (
        2,
        "Draft the first annual CSE report",
        'C',
        "2023-06-30",
        "in_progress",
    ),
    (
        4,
        "Agree the data set with the four agencies",
        'P',
        "2023-02-28",
        "done",
    ),
    (
        8,
        "Draft the immediate action protocol",
        'C',
        "2023-01-31",
        "done",
    ),
    (
        8,
        "Test the protocol in a multi-agency exercise",
        'P',
        "2023-03-15",
        "done",
    ),
    (
        11,
        "Commission a review of police CSE training",
        'P',
        "2023-05-31",
        "in_progress",
    ),
    (
        13,
        "Confirm the CSE team's establishment for 2023-24",
        'P',
        "2023-03-31",
        "done",
    ),
    (
        16,
        "Write to neighbouring licensing authorities",
        'C',
        "2023-04-30",
        "in_progress",
    ),
    (
        24,
        "Ring-fence the CATE budget in the 2023-24 budget",
        'C',
        "2023-02-28",
        "done",
    ),
    (
        30,
        "Commission CSE training for NHS providers",
        'I',
        "2023-07-31",
        "in_progress",
    ),
    (
        35,
        "Ask every school to name an exploitation safeguarding lead",
        'C',
        "2023-04-30",
        "in_progress",
    ),
    (
        45,
        "Appoint the independent chair",
        'C',
        "2022-11-30",
        "done",
    ),
];

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 10, 0, 0)
        .single()
        .unwrap_or_default()
}

async fn person(tx: &mut Tx, email: &str) -> ServiceResult<PersonId> {
    Ok(people::find_by_email(&mut tx.conn(), email)
        .await?
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("demo person missing: {email}")))?
        .id())
}

async fn org(tx: &mut Tx, name: &str) -> ServiceResult<Uuid> {
    Ok(organisations::find_by_name(&mut tx.conn(), name)
        .await?
        .ok_or_else(|| {
            ServiceError::Internal(anyhow::anyhow!("demo organisation missing: {name}"))
        })?
        .organisation_id)
}

/// Loads the inquiry, once (nothing when the partnership already has a source).
pub async fn load(tx: &mut Tx, p: PartnershipId, now: DateTime<Utc>) -> ServiceResult<()> {
    if !store::sources(&mut tx.conn(), p).await?.is_empty() {
        return Ok(());
    }
    let pcc =
        organisations::upsert_by_name(&mut tx.conn(), PCC, "relevant_agency", Some("other"), now)
            .await?;
    organisations::add_to_partnership(&mut tx.conn(), p, OrganisationId(pcc.organisation_id), now)
        .await?;
    let council = org(tx, LA).await?;
    let police = org(tx, POLICE).await?;
    let icb = org(tx, ICB).await?;
    let admin = person(tx, "admin@safeguard.example").await?;
    let lead = person(tx, "lead@safeguard.example").await?;
    let board = person(tx, "board@safeguard.example").await?;
    let council_lead = person(tx, "council@safeguard.example").await?;
    let scrutineer = person(tx, "scrutineer@safeguard.example").await?;
    let org_of = |c: char| match c {
        'C' => council,
        'P' => police,
        'K' => pcc.organisation_id,
        _ => icb,
    };
    let source_id = Uuid::new_v4();
    let source = Source {
        kind: SourceKind::Inquiry,
        title: INQUIRY.to_owned(),
        published_on: NaiveDate::from_ymd_opt(2022, 7, 12).unwrap_or_default(),
        publisher: "The Inquiry Chair, Tom Crowther KC".to_owned(),
        link: "https://www.telford.gov.uk/info/21867/eight_key_facts_on_the_inquiry".to_owned(),
        file_id: None,
        review_id: None,
    };
    store::insert_source(
        &mut tx.conn(),
        p,
        source_id,
        &source,
        admin,
        at(2022, 7, 20),
    )
    .await?;
    let mut e = NewEntry::new(
        "recommendation.source.create",
        "recommendation_source",
        Some(source_id.to_string()),
    );
    e.partnership_id = Some(p.0);
    e.after = Some(serde_json::json!({"title": INQUIRY, "via": "demo"}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    let target = NaiveDate::from_ymd_opt(2023, 12, 31);
    let mut ids = Vec::new();
    for (i, (title, to, code)) in RECS.iter().enumerate() {
        let number = i32::try_from(i + 1).unwrap_or(1);
        let first = to.chars().next().unwrap_or('C');
        let lead_person = match first {
            'P' | 'K' => lead,
            'I' => board,
            _ if number % 2 == 0 => council_lead,
            _ => admin,
        };
        let r = Recommendation {
            number,
            title: (*title).to_owned(),
            body: format!(
                "{title}. The agencies named should report progress to the Strategic Implementation Group and \
                 show evidence of the difference made for children and survivors."
            ),
            review_recommendation_id: None,
            addressees: to.chars().map(org_of).collect(),
            accepted: true,
            not_accepted_reason: String::new(),
            lead_person_id: Some(lead_person.0),
            target_date: target,
        };
        let id = Uuid::new_v4();
        store::insert_recommendation(
            &mut tx.conn(),
            p,
            (id, source_id),
            &r,
            admin,
            at(2022, 9, 1),
        )
        .await?;
        let steps: &[(&str, &str, DateTime<Utc>, PersonId)] = match code {
            'p' => &[("self", "in_progress", at(2022, 11, 10), lead_person)],
            'r' => &[
                ("self", "in_progress", at(2022, 11, 10), lead_person),
                ("self", "ready_for_assessment", at(2023, 3, 1), lead_person),
            ],
            'v' => &[
                ("self", "in_progress", at(2022, 9, 15), lead_person),
                ("self", "ready_for_assessment", at(2022, 11, 1), lead_person),
                ("verification", "implemented", at(2022, 11, 20), scrutineer),
            ],
            'u' => &[
                ("self", "in_progress", at(2022, 11, 10), lead_person),
                ("self", "unable_to_implement", at(2023, 2, 15), lead_person),
            ],
            _ => &[],
        };
        for (version, (kind, status, when, by)) in (1..).zip(steps.iter()) {
            let note = match *status {
                "unable_to_implement" => {
                    "This needs a change in national legislation, which the partnership has asked government to make."
                }
                "ready_for_assessment" => {
                    "The evidence is attached for the independent chair's assessment."
                }
                "implemented" => "Seen the evidence: implemented as recommended.",
                _ => "",
            };
            let changed = if *kind == "self" {
                store::set_self_status(&mut tx.conn(), p, id, status, version, *when).await?
            } else {
                store::set_verified_status(&mut tx.conn(), p, id, status, version, *when).await?
            };
            if !changed {
                return Err(ServiceError::Internal(anyhow::anyhow!(
                    "demo recommendation version"
                )));
            }
            store::append_event(&mut tx.conn(), p, id, (kind, status, note), *by, *when).await?;
        }
        if matches!(code, 'r' | 'v') {
            let ev = Evidence {
                file_id: None,
                url: "https://www.telford.gov.uk/info/21867/eight_key_facts_on_the_inquiry"
                    .to_owned(),
                label: format!(
                    "Progress report to the Strategic Implementation Group, recommendation {number}"
                ),
            };
            store::insert_evidence(&mut tx.conn(), p, id, &ev, lead_person, at(2023, 2, 20))
                .await?;
        }
        ids.push((number, id, lead_person));
    }
    for (number, title, owner, due, status) in ACTIONS {
        let Some((_, rec, _)) = ids.iter().find(|(n, _, _)| n == number) else {
            continue;
        };
        let action = ActionId::new();
        safeguard_store::actions::insert(
            &mut tx.conn(),
            &safeguard_store::actions::NewActionRow {
                id: action,
                partnership: p,
                source_type: "recommendation",
                source_id: Some(*rec),
                source_label: &format!("{INQUIRY}, recommendation {number}"),
                title,
                description: "Agreed by the Partner Operations Group (Inquiry recommendations).",
                owner_organisation: OrganisationId(org_of(*owner)),
                owner_person: None,
                due_date: if *status == "done" {
                    NaiveDate::parse_from_str(due, "%Y-%m-%d").ok()
                } else {
                    None
                },
                status,
                created_by: admin,
            },
            at(2022, 10, 1),
        )
        .await?;
        let mut e = NewEntry::new("action.create", "action", Some(action.to_string()));
        e.partnership_id = Some(p.0);
        e.after = Some(
            serde_json::json!({"title": title, "source_type": "recommendation", "via": "demo"})
                .to_string(),
        );
        audit_log::append(&mut tx.conn(), &e, now).await?;
    }
    Ok(())
}
