//! Demo data for lived-experience consultants on the recommendations tracker: the seed says three
//! lived-experience consultants informed the response to the Telford inquiry's recommendations. The
//! demo's consultant (consultant@safeguard.example) and two more fictional consultants (who have no
//! password: they cannot sign in) are invited to a handful of the inquiry's recommendations, with
//! some plausible comments (some anonymous, paraphrased, no real names) and some answers from the
//! recommendations' leads.

use crate::{ServiceError, ServiceResult};
use chrono::{DateTime, TimeZone, Utc};
use safeguard_domain::audit::NewEntry;
use safeguard_domain::policy::Role;
use safeguard_domain::recommendation_comments::ANONYMOUS_AUTHOR;
use safeguard_domain::{OrganisationId, PartnershipId, PersonId};
use safeguard_store::recommendation_comments::{self as store, NewComment};
use safeguard_store::recommendations::{RecommendationRow, recommendations, sources};
use safeguard_store::{Tx, audit_log, organisations, people, roles};
use uuid::Uuid;

const ORG: &str = "Lived-experience consultants";

/// The demo's consultants: the one who signs in, and two more (no password).
pub const CONSULTANTS: &[(&str, &str)] = &[
    ("consultant@safeguard.example", "Jordan Lee"),
    ("consultant2@safeguard.example", "Robin Ellis"),
    ("consultant3@safeguard.example", "Casey Quinn"),
];

/// The recommendations (by number) every demo consultant is invited to.
pub const INVITED: &[i32] = &[1, 2, 5, 6, 8, 12];

/// (recommendation number, consultant index, anonymous, comment, answer by the lead).
const COMMENTS: &[(i32, usize, bool, &str, Option<&str>)] = &[
    (
        1,
        0,
        false,
        "The review group should have someone with lived experience on it, not only agency staff. \
         Otherwise it will check its own work.",
        Some(
            "Agreed. From April a survivors' representative sits on the group; we will confirm the \
             arrangements with you first.",
        ),
    ),
    (
        1,
        1,
        true,
        "Please hold the meetings at times and places survivors can reach, and pay travel costs.",
        None,
    ),
    (
        2,
        2,
        false,
        "Write the annual report in plain language, with a short version that young people can read.",
        Some("Thank you. We will publish a plain-language summary alongside the full report."),
    ),
    (
        5,
        0,
        true,
        "Presenting the report in public matters. Invite survivors' groups, not only the board.",
        None,
    ),
    (
        6,
        1,
        true,
        "Agencies knew but did not talk to each other. Test the new arrangements with real cases, \
         and tell survivors what changed.",
        Some(
            "We will include case-based testing in the information sharing audit and report the \
             results at the annual public meeting.",
        ),
    ),
];

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 11, 0, 0)
        .single()
        .unwrap_or_default()
}

fn entry(p: PartnershipId, action: &str, rec: Uuid, after: serde_json::Value) -> NewEntry {
    let mut e = NewEntry::new(action, "tracked_recommendation", Some(rec.to_string()));
    e.partnership_id = Some(p.0);
    e.after = Some(after.to_string());
    e
}

/// Loads the consultants, their invitations and comments, once (nothing when the demo consultant is
/// already invited to something, or the inquiry is missing).
pub async fn load(tx: &mut Tx, p: PartnershipId, now: DateTime<Utc>) -> ServiceResult<()> {
    let Some(source) = sources(&mut tx.conn(), p).await?.into_iter().next() else {
        return Ok(());
    };
    let org = organisations::find_by_name(&mut tx.conn(), ORG)
        .await?
        .ok_or_else(|| {
            ServiceError::Internal(anyhow::anyhow!("demo organisation missing: {ORG}"))
        })?;
    let mut ids = Vec::new();
    for (email, name) in CONSULTANTS {
        let id = match people::find_by_email(&mut tx.conn(), email).await? {
            Some(x) => x.id(),
            None => {
                let id = PersonId::new();
                people::insert(
                    &mut tx.conn(),
                    id,
                    OrganisationId(org.organisation_id),
                    email,
                    name,
                    None,
                    now,
                )
                .await?;
                let mut e = NewEntry::new("person.create", "person", Some(id.to_string()));
                e.partnership_id = Some(p.0);
                e.after = Some(serde_json::json!({"name": name, "email": email, "role": Role::LivedExperienceConsultant.slug(), "via": "demo"}).to_string());
                audit_log::append(&mut tx.conn(), &e, now).await?;
                id
            }
        };
        roles::grant(
            &mut tx.conn(),
            p,
            id,
            Role::LivedExperienceConsultant,
            None,
            now,
        )
        .await?;
        ids.push(id);
    }
    if !store::invited(&mut tx.conn(), p, ids[0]).await?.is_empty() {
        return Ok(());
    }
    let admin = people::find_by_email(&mut tx.conn(), "admin@safeguard.example")
        .await?
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("demo administrator missing")))?
        .id();
    let recs: Vec<RecommendationRow> = recommendations(&mut tx.conn(), p, source.source_id).await?;
    let rec = |n: i32| recs.iter().find(|r| r.number == n);
    for n in INVITED {
        let Some(r) = rec(*n) else { continue };
        for person in &ids {
            store::invite(
                &mut tx.conn(),
                p,
                r.recommendation_id,
                *person,
                admin,
                at(2022, 10, 3),
            )
            .await?;
            let mut e = entry(
                p,
                "recommendation.consultant.invite",
                r.recommendation_id,
                serde_json::json!({"person_id": person, "via": "demo"}),
            );
            e.actor_person_id = Some(admin.0);
            audit_log::append(&mut tx.conn(), &e, now).await?;
        }
    }
    for (i, (n, who, anonymous, text, answer)) in COMMENTS.iter().enumerate() {
        let Some(r) = rec(*n) else { continue };
        let day = u32::try_from(i).unwrap_or(0) + 1;
        let comment = Uuid::new_v4();
        store::insert(
            &mut tx.conn(),
            p,
            &NewComment {
                id: comment,
                recommendation: r.recommendation_id,
                parent: None,
                author: ids[*who],
                anonymous: *anonymous,
                body: text,
            },
            at(2022, 11, day),
        )
        .await?;
        let mut e = entry(
            p,
            "recommendation.comment.add",
            r.recommendation_id,
            if *anonymous {
                serde_json::json!({"comment_id": comment, "anonymous": true, "author": ANONYMOUS_AUTHOR, "via": "demo"})
            } else {
                serde_json::json!({"comment_id": comment, "anonymous": false, "via": "demo"})
            },
        );
        if !anonymous {
            e.actor_person_id = Some(ids[*who].0);
        }
        audit_log::append(&mut tx.conn(), &e, now).await?;
        if let (Some(answer), Some(lead)) = (answer, r.lead_person_id) {
            let id = Uuid::new_v4();
            store::insert(
                &mut tx.conn(),
                p,
                &NewComment {
                    id,
                    recommendation: r.recommendation_id,
                    parent: Some(comment),
                    author: PersonId(lead),
                    anonymous: false,
                    body: answer,
                },
                at(2022, 11, day + 10),
            )
            .await?;
            let mut e = entry(
                p,
                "recommendation.comment.answer",
                r.recommendation_id,
                serde_json::json!({"answer_id": id, "comment_id": comment, "via": "demo"}),
            );
            e.actor_person_id = Some(lead);
            audit_log::append(&mut tx.conn(), &e, now).await?;
        }
    }
    Ok(())
}
