//! The demo partnership's governance, from the 2022-23 yearly report: terms of reference, chairs
//! and reporting lines of the board and its groups, members drawn from the demo people (fictional)
//! representing their agencies, and the 2022-23 meetings of the board (quarterly) and of the Child
//! Safeguarding Practice Review Panel (monthly) with agendas, attendance across agencies, minutes
//! and a decision that created an action. Loaded once: nothing is added when the demo partnership
//! already has meetings.

use crate::{ServiceError, ServiceResult};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use safeguard_domain::audit::NewEntry;
use safeguard_domain::calendar::Calendar;
use safeguard_domain::governance::{Frequency, plan_dates};
use safeguard_domain::{OrganisationId, PartnershipId};
use safeguard_store::governance::{self as store, BodyWrite, MeetingWrite, MemberWrite};
use safeguard_store::{Tx, audit_log, people};
use uuid::Uuid;

const BOARD: &str = "Telford and Wrekin Safeguarding Children Board";
const PANEL: &str = "Child Safeguarding Practice Review Panel";

/// (body, chair's email, terms of reference).
const TERMS: &[(&str, &str, &str)] = &[
    (
        BOARD,
        "scrutineer@safeguard.example",
        "Drives the multi-agency safeguarding arrangements that Telford & Wrekin Council, West Mercia Police and the \
         Integrated Care Board are required to put in place, and which they fund equally. Chaired by an Independent \
         Chair appointed by the three statutory partners to provide independent challenge and scrutiny. Agrees the \
         partnership's priorities, holds its sub-groups to account, oversees the implementation of the Independent \
         Inquiry recommendations and signs off the yearly report, which the Chair presents to the Council's \
         Scrutiny Board for Children and Families and its Health & Wellbeing Board.",
    ),
    (
        PANEL,
        "admin@safeguard.example",
        "Meets monthly to consider serious incidents referred to the partnership: carries out rapid reviews, decides \
         whether a Child Safeguarding Practice Review is needed, oversees open reviews to completion and makes sure \
         their learning reaches practitioners. Raises issues that need a national response with the National Panel. \
         Reports to the Board.",
    ),
    (
        "Partnership Development sub-group",
        "admin@safeguard.example",
        "Develops the partnership's multi-agency training offer and learning events, such as the non-accidental \
         injury learning event, and how the voice of the child is heard in the work of the Board. Reports to the Board.",
    ),
    (
        "Quality, Performance and Operations sub-group",
        "board@safeguard.example",
        "Oversees the quality and performance of multi-agency safeguarding: the partnership's data, multi-agency \
         audits and readiness for inspection, including the mock Joint Targeted Area Inspection. Reports to the Board.",
    ),
    (
        "Child Exploitation sub-group",
        "lead@safeguard.example",
        "Leads the partnership's response to child sexual and criminal exploitation, including awareness raising \
         such as the CSE Awareness Day, and monitors how agencies respond. Reports to the Board.",
    ),
    (
        "Neglect sub-group",
        "subgroup@safeguard.example",
        "Leads work to improve the multi-agency response to neglect, including the neglect toolkit and the review \
         of policies and procedures following the thematic review of neglect. Reports to the Board.",
    ),
    (
        "Partner Operations Group (Inquiry recommendations)",
        "lead@safeguard.example",
        "A task-and-finish group established to implement the 47 recommendations of the Independent Inquiry into \
         Telford Child Sexual Exploitation by December 2023, informed by lived-experience consultants. Reports \
         progress to the Board.",
    ),
];

/// Members of the board and the panel: (body, email, role).
const MEMBERS: &[(&str, &str, &str)] = &[
    (BOARD, "scrutineer@safeguard.example", "chair"),
    (BOARD, "admin@safeguard.example", "member"),
    (BOARD, "board@safeguard.example", "vice_chair"),
    (BOARD, "lead@safeguard.example", "member"),
    (BOARD, "subgroup@safeguard.example", "member"),
    (BOARD, "practitioner@safeguard.example", "member"),
    (BOARD, "consultant@safeguard.example", "adviser"),
    (PANEL, "admin@safeguard.example", "chair"),
    (PANEL, "lead@safeguard.example", "member"),
    (PANEL, "board@safeguard.example", "member"),
    (PANEL, "subgroup@safeguard.example", "member"),
    (PANEL, "practitioner@safeguard.example", "member"),
];

/// Board agendas: (date, [(title, owner email)]).
const BOARD_AGENDAS: &[(&str, &[(&str, &str)])] = &[
    (
        "2022-05-12",
        &[
            (
                "Minutes and actions of the last meeting",
                "scrutineer@safeguard.example",
            ),
            (
                "Rapid reviews and practice reviews update",
                "admin@safeguard.example",
            ),
            ("Multi-agency threshold document", "lead@safeguard.example"),
            ("Yearly report 2021-22", "admin@safeguard.example"),
        ],
    ),
    (
        "2022-09-08",
        &[
            (
                "Minutes and actions of the last meeting",
                "scrutineer@safeguard.example",
            ),
            (
                "Independent Inquiry into Telford Child Sexual Exploitation: response",
                "lead@safeguard.example",
            ),
            (
                "Mock Joint Targeted Area Inspection: findings",
                "board@safeguard.example",
            ),
        ],
    ),
    (
        "2022-12-08",
        &[
            (
                "Minutes and actions of the last meeting",
                "scrutineer@safeguard.example",
            ),
            ("Thematic review of neglect", "subgroup@safeguard.example"),
            ("Learning from the rapid review", "board@safeguard.example"),
        ],
    ),
    (
        "2023-03-09",
        &[
            (
                "Minutes and actions of the last meeting",
                "scrutineer@safeguard.example",
            ),
            (
                "Threshold of Need guidance: launch",
                "admin@safeguard.example",
            ),
            ("Priorities for 2023-24", "scrutineer@safeguard.example"),
        ],
    ),
];

fn day(s: &str) -> ServiceResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("demo date {s}: {e}")))
}

fn missing(what: &str) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!("demo {what} missing"))
}

/// Attendance of the `i`th member at the `k`th meeting: mostly present, some apologies, a few absences.
fn attendance_status(k: usize, i: usize) -> &'static str {
    match (k * 7 + i * 3) % 13 {
        0 | 5 => "apologies",
        9 => "absent",
        _ => "present",
    }
}

/// Loads the demo governance into the demo partnership `p`, once.
pub(crate) async fn load(tx: &mut Tx, p: PartnershipId, now: DateTime<Utc>) -> ServiceResult<()> {
    if store::count_meetings(&mut tx.conn(), p).await? > 0 {
        return Ok(());
    }
    let bodies = store::list_bodies(&mut tx.conn(), p).await?;
    let id_of = |name: &str| {
        bodies
            .iter()
            .find(|b| b.name == name)
            .map(|b| b.body_id)
            .ok_or_else(|| missing(name))
    };
    let board = id_of(BOARD)?;
    let panel = id_of(PANEL)?;
    let start = day("2022-04-01")?;
    // Terms of reference, chairs and reporting lines.
    for b in &bodies {
        let Some((_, chair, terms)) = TERMS.iter().find(|(n, _, _)| *n == b.name) else {
            continue;
        };
        let chair = people::find_by_email(&mut tx.conn(), chair)
            .await?
            .ok_or_else(|| missing("chair"))?;
        store::update_body(
            &mut tx.conn(),
            p,
            b.body_id,
            &BodyWrite {
                name: &b.name,
                kind: &b.kind,
                meeting_frequency: b.meeting_frequency.as_deref(),
                terms_of_reference: terms,
                chair_person_id: Some(chair.person_id),
                parent_body_id: (b.body_id != board).then_some(board),
                start_date: Some(start),
                end_date: None,
            },
            now,
        )
        .await?;
    }
    // Members.
    let mut members: Vec<(Uuid, Uuid, Uuid)> = Vec::new(); // (body, person, organisation)
    for (body, email, role) in MEMBERS {
        let person = people::find_by_email(&mut tx.conn(), email)
            .await?
            .ok_or_else(|| missing("member"))?;
        let body = id_of(body)?;
        store::insert_member(
            &mut tx.conn(),
            p,
            &MemberWrite {
                id: Uuid::new_v4(),
                body_id: body,
                person_id: person.person_id,
                organisation_id: person.organisation_id,
                role,
                joined_on: start,
            },
            now,
        )
        .await?;
        members.push((body, person.person_id, person.organisation_id));
    }
    // The board's four meetings, with agendas.
    let mut board_meetings = Vec::new();
    for (date, items) in BOARD_AGENDAS {
        let m = Uuid::new_v4();
        store::insert_meeting(
            &mut tx.conn(),
            p,
            &MeetingWrite {
                id: m,
                body_id: board,
                date: day(date)?,
                start_time: "10:00",
                location: "Addenbrooke House, Telford",
                status: "held",
            },
            now,
        )
        .await?;
        for (title, owner) in items.iter() {
            let person = people::find_by_email(&mut tx.conn(), owner)
                .await?
                .ok_or_else(|| missing("agenda owner"))?;
            store::insert_agenda_item(
                &mut tx.conn(),
                p,
                m,
                Uuid::new_v4(),
                title,
                Some(person.person_id),
                Some(person.organisation_id),
                now,
            )
            .await?;
        }
        board_meetings.push((m, day(date)?));
    }
    // The panel meets monthly: planned from 20 April 2022 on working days.
    let panel_dates = plan_dates(
        &Calendar::england_and_wales(),
        Frequency::Monthly,
        day("2022-04-20")?,
        day("2023-03-31")?,
    );
    let mut panel_meetings = Vec::new();
    for d in panel_dates {
        let m = Uuid::new_v4();
        store::insert_meeting(
            &mut tx.conn(),
            p,
            &MeetingWrite {
                id: m,
                body_id: panel,
                date: d,
                start_time: "14:00",
                location: "Online",
                status: "held",
            },
            now,
        )
        .await?;
        store::insert_agenda_item(
            &mut tx.conn(),
            p,
            m,
            Uuid::new_v4(),
            "Referrals received and rapid reviews",
            None,
            None,
            now,
        )
        .await?;
        store::insert_agenda_item(
            &mut tx.conn(),
            p,
            m,
            Uuid::new_v4(),
            "Progress of open practice reviews",
            None,
            None,
            now,
        )
        .await?;
        panel_meetings.push((m, d));
    }
    // Attendance, minutes.
    for (body, meetings) in [(board, &board_meetings), (panel, &panel_meetings)] {
        for (k, (m, _)) in meetings.iter().enumerate() {
            for (i, (_, person, org)) in members.iter().filter(|x| x.0 == body).enumerate() {
                store::record_attendance(
                    &mut tx.conn(),
                    p,
                    *m,
                    *person,
                    *org,
                    attendance_status(k, i),
                    None,
                    now,
                )
                .await?;
            }
            store::set_minutes(
                &mut tx.conn(),
                p,
                *m,
                "The chair welcomed members and the minutes of the last meeting were agreed as a true record. \
                 Each item was discussed in turn; decisions and actions are recorded against the meeting.",
                if k + 1 == meetings.len() { "draft" } else { "approved" },
                now,
            )
            .await?;
        }
    }
    // A decision of the September board that created an action.
    let Some((september, date)) = board_meetings.get(1).copied() else {
        return Ok(());
    };
    let admin = people::find_by_email(&mut tx.conn(), "admin@safeguard.example")
        .await?
        .ok_or_else(|| missing("administrator"))?;
    let owner = people::find_by_email(&mut tx.conn(), "board@safeguard.example")
        .await?
        .ok_or_else(|| missing("action owner"))?;
    let item = store::list_agenda(&mut tx.conn(), p, september)
        .await?
        .into_iter()
        .find(|i| i.title.starts_with("Independent Inquiry"))
        .map(|i| i.agenda_item_id);
    let decision = Uuid::new_v4();
    let text = "The Board adopted all 47 recommendations of the Independent Inquiry and asked the Partner \
                Operations Group to report progress on their implementation at every Board meeting.";
    // Recorded on the day of the meeting (noon), as the secretariat would have.
    let recorded = date.and_hms_opt(12, 0, 0).map_or(now, |t| t.and_utc());
    store::insert_decision(
        &mut tx.conn(),
        p,
        september,
        decision,
        item,
        text,
        admin.person_id,
        recorded,
    )
    .await?;
    let mut e = NewEntry::new("decision.create", "decision", Some(decision.to_string()));
    e.partnership_id = Some(p.0);
    e.after = Some(serde_json::json!({"meeting_id": september, "via": "demo"}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    let action = safeguard_domain::ActionId::new();
    let title = "Report progress on the Inquiry recommendations to the Board";
    safeguard_store::actions::insert(
        &mut tx.conn(),
        &safeguard_store::actions::NewActionRow {
            id: action,
            partnership: p,
            source_type: "decision",
            source_id: Some(decision),
            source_label: &crate::governance::decision_label(BOARD, date),
            title,
            description: text,
            owner_organisation: OrganisationId(owner.organisation_id),
            owner_person: Some(owner.id()),
            due_date: Some(safeguard_domain::actions::uk_date(now) + Duration::days(21)),
            status: "open",
            created_by: admin.id(),
        },
        now,
    )
    .await?;
    let mut e = NewEntry::new("action.create", "action", Some(action.to_string()));
    e.partnership_id = Some(p.0);
    e.after = Some(
        serde_json::json!({"title": title, "source_type": "decision", "via": "demo"}).to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(())
}
