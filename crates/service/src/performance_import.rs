//! `safeguard import indicators FILE`: an agency's return from the command line, through the same
//! use case as the upload ([`performance::submit_return_with_progress`]): the same permission check
//! (as the person named with `--as`, with their roles in the partnership), the same whole-or-nothing
//! checking with every row problem reported, the same audit entry (`performance.return_submit`).
//!
//! The command line has no system actor for returns: a return is always sent by a person of the
//! partnership who may send it (an administrator for any agency, an agency lead for their own).

use crate::performance::{self, Progress, ReturnBody, ReturnKey};
use crate::{Actor, RequestMeta, ServiceError, ServiceResult, Services};
use safeguard_domain::ValidationErrors;
use safeguard_domain::performance::RowError;
use safeguard_store::{organisations, partnerships, people, roles};
use uuid::Uuid;

/// The person named with `--as`, acting in the partnership with their roles there. A disabled
/// account, an unknown partnership or person, or a person with no role in the partnership is an
/// error naming what to fix.
pub async fn cli_actor(
    svc: &Services,
    partnership_slug: &str,
    email: &str,
) -> ServiceResult<Actor> {
    let mut pc = svc.db.acquire().await?;
    let p = partnerships::find_by_slug(&mut pc.conn(), partnership_slug.trim())
        .await?
        .ok_or_else(|| {
            ValidationErrors::single(
                "partnership",
                format!("no partnership {partnership_slug:?}"),
            )
        })?;
    let person = people::find_by_email(&mut pc.conn(), &email.trim().to_lowercase())
        .await?
        .ok_or_else(|| ValidationErrors::single("as", format!("no person with email {email:?}")))?;
    if person.disabled_at.is_some() {
        return Err(ValidationErrors::single("as", format!("{email} is disabled")).into());
    }
    let roles = roles::roles_of(&mut pc.conn(), p.id(), person.id()).await?;
    if roles.is_empty() {
        return Err(ServiceError::Forbidden(
            "the person has no role in this partnership",
        ));
    }
    Ok(Actor {
        person_id: person.id(),
        organisation_id: safeguard_domain::OrganisationId(person.organisation_id),
        partnership_id: p.id(),
        roles,
        session_id: None,
        meta: RequestMeta {
            request_id: None,
            ip: None,
            user_agent: Some("safeguard command line".to_owned()),
        },
    })
}

/// The agency of the partnership named by `agency`: its id, or its name (any case).
pub async fn find_agency(svc: &Services, actor: &Actor, agency: &str) -> ServiceResult<Uuid> {
    let mut pc = svc.db.acquire().await?;
    let all = organisations::list_for_partnership(&mut pc.conn(), actor.partnership_id).await?;
    let wanted = agency.trim();
    all.iter()
        .find(|o| {
            Uuid::parse_str(wanted).is_ok_and(|id| id == o.organisation_id)
                || o.name.eq_ignore_ascii_case(wanted)
        })
        .map(|o| o.organisation_id)
        .ok_or_else(|| {
            ValidationErrors::single(
                "agency",
                format!(
                    "no agency {wanted:?} in this partnership; use one of: {}",
                    all.iter()
                        .map(|o| o.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .into()
        })
}

/// What the file holds: an Excel workbook when it starts like one (a zip archive) or is named
/// `.xlsx`, else CSV.
pub fn body_of_file(name: &str, bytes: Vec<u8>) -> ReturnBody {
    let base = std::path::Path::new(name)
        .file_name()
        .map_or_else(|| name.to_owned(), |n| n.to_string_lossy().into_owned());
    if !bytes.starts_with(b"PK\x03\x04") && base.to_lowercase().ends_with(".xlsx") {
        ReturnBody::Xlsx(base, bytes)
    } else {
        ReturnBody::upload(base, bytes)
    }
}

/// Imports a return file as `actor`: the agency (id or name), `month`/`quarter`/`year` and the first
/// day of the period. The outer error is for the arguments and access; the inner `Err` lists every
/// row problem, and then nothing is written.
pub async fn import_file(
    svc: &Services,
    actor: &Actor,
    agency: &str,
    frequency: &str,
    period_start: &str,
    body: &ReturnBody,
    progress: impl FnMut(Progress),
) -> ServiceResult<Result<Uuid, Vec<RowError>>> {
    let organisation = find_agency(svc, actor, agency).await?;
    let key = ReturnKey {
        organisation_id: organisation.to_string(),
        frequency: frequency.to_owned(),
        period_start: period_start.to_owned(),
    };
    performance::submit_return_with_progress(svc, actor, &key, body, progress).await
}

/// "row 3, column numerator: reason" (as the command line prints a row problem).
pub fn cli_message(e: &RowError) -> String {
    match (e.row, e.column.as_str()) {
        (0, "") => format!("file: {}", e.reason),
        (0, c) => format!("file, column {c}: {}", e.reason),
        (r, "") => format!("row {r}: {}", e.reason),
        (r, c) => format!("row {r}, column {c}: {}", e.reason),
    }
}
