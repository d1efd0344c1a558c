//! Sign-offs by the three lead safeguarding partners (the published arrangements, the annual budget,
//! the yearly report, the threshold document).
//!
//! # Access
//!
//! * `ViewSignOffs` sees the partnership's items and their history.
//! * `RequestSignOffs` (administrators) requests an item, requests it again after a return (a new
//!   round), and withdraws an open request.
//! * `SignOffForPartner`, and then the object-level rule here: the person's own organisation must be
//!   the lead partner whose step it is (the partnership's local authority, police or integrated care
//!   board). One decision per partner per round.
//!
//! Every step writes its audit entry in the same transaction. Decisions on one item take the item's
//! row lock first, so two partners signing at the same moment are both recorded and the completion
//! check sees both.

use crate::{Actor, ServiceError, ServiceResult, Services};
use chrono::{DateTime, Utc};
use safeguard_domain::organisation::OrganisationKind;
use safeguard_domain::policy::{self, Permission, Role};
use safeguard_domain::signoffs::{
    Decision, DecisionInput, NewSignOff, NewSignOffInput, PARTNER_KINDS, Rerequest, RerequestInput,
    SignOffStatus, StepDecision, WithdrawInput, parse_withdraw, round_status,
};
use safeguard_domain::{FundingYearId, OrganisationId, PartnershipId, SignOffId, ValidationErrors};
use safeguard_store::organisations::Organisation;
use safeguard_store::people::PeopleFilter;
use safeguard_store::signoffs::{self as store, NewSignOffRow, Round, SignOff, Step};
use safeguard_store::{Conn, Tx, audit_log, files, funding, organisations, outbox, people};
use serde_json::json;
use uuid::Uuid;

/// An item with its history and what the caller may do.
#[derive(Debug, Clone)]
pub struct SignOffView {
    /// The item.
    pub item: SignOff,
    /// Its rounds, newest first.
    pub rounds: Vec<Round>,
    /// Every step, newest round first.
    pub steps: Vec<Step>,
    /// The partner step the caller may decide now (partner kind slug), if any.
    pub can_decide: Option<String>,
    /// The caller may request again / withdraw.
    pub can_manage: bool,
}

impl SignOffView {
    /// The steps of the current round.
    pub fn current_steps(&self) -> Vec<&Step> {
        self.steps
            .iter()
            .filter(|s| s.round == self.item.round)
            .collect()
    }
}

/// The partnership's three lead partners, in order (local authority, police, integrated care
/// board); with more than one of a kind, the first by name. A missing partner is a validation error
/// against `field`.
pub async fn lead_partners(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    field: &str,
) -> ServiceResult<Vec<(OrganisationKind, Organisation)>> {
    let orgs = organisations::list_for_partnership(c, partnership).await?;
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for kind in PARTNER_KINDS {
        match orgs.iter().find(|o| o.kind == kind.slug()) {
            Some(o) => out.push((kind, o.clone())),
            None => missing.push(match kind {
                OrganisationKind::LocalAuthority => "local authority",
                OrganisationKind::Police => "police force",
                _ => "integrated care board",
            }),
        }
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(ValidationErrors::single(
            field,
            format!(
                "This partnership has no {} among its organisations. The local authority, the police and the integrated care board must all belong to the partnership",
                missing.join(" and no ")
            ),
        )
        .into())
    }
}

fn entry(actor: &Actor, action: &str, id: SignOffId) -> safeguard_domain::audit::NewEntry {
    actor.entry(action, "sign_off", Some(id.to_string()))
}

/// Checks that a document is a live file of the partnership the actor may see.
async fn check_file(
    c: &mut Conn<'_>,
    actor: &Actor,
    file: Option<Uuid>,
    errors: &mut ValidationErrors,
) -> ServiceResult<()> {
    if let Some(f) = file
        && files::find(
            c,
            actor.partnership_id,
            f,
            actor.can(Permission::ViewBoardPapers),
        )
        .await?
        .is_none()
    {
        errors.add("file_id", "Select a document of this partnership");
    }
    Ok(())
}

/// Queues the "please sign off" email to everyone who may sign for one of the lead partners.
#[allow(clippy::too_many_arguments)]
async fn notify_signers(
    svc: &Services,
    tx: &mut Tx,
    partnership: PartnershipId,
    partners: &[(OrganisationKind, Organisation)],
    id: SignOffId,
    title: &str,
    round: i64,
    now: DateTime<Utc>,
) -> ServiceResult<usize> {
    let mut sent = 0;
    for (_, org) in partners {
        let filter = PeopleFilter {
            organisation: Some(org.organisation_id),
            ..PeopleFilter::default()
        };
        let (rows, _) =
            people::list_in_partnership(&mut tx.conn(), partnership, &filter, 2_000, 0).await?;
        for p in rows.iter().filter(|p| p.disabled_at.is_none()) {
            let roles: Vec<Role> = p
                .roles
                .split(',')
                .filter_map(|r| Role::parse(r.trim()))
                .collect();
            if !policy::decide(&roles, Permission::SignOffForPartner).is_allowed() {
                continue;
            }
            let again = if round > 1 {
                " again, after changes"
            } else {
                ""
            };
            let body = format!(
                "Dear {},\n\nYou are asked{again} to sign off \"{title}\" for {}.\n\nAll three lead safeguarding partners (the local authority, the police and the integrated care board) must sign it off. You can sign it off, or return it with comments, here:\n\n{}/sign-offs/{id}\n",
                p.name,
                org.name,
                svc.config.public_url.trim_end_matches('/'),
            );
            outbox::enqueue(
                &mut tx.conn(),
                Some(partnership),
                &p.email,
                &format!("{}: please sign off {title}", svc.config.service_name),
                &body,
                now,
            )
            .await?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// The partnership's items (`ViewSignOffs`).
pub async fn list(svc: &Services, actor: &Actor) -> ServiceResult<Vec<SignOff>> {
    actor.require(Permission::ViewSignOffs)?;
    let mut pc = svc.db.acquire().await?;
    Ok(store::list(&mut pc.conn(), actor.partnership_id).await?)
}

/// The lead partner step the actor may decide on this item now, if any.
fn decidable(actor: &Actor, item: &SignOff, steps: &[Step]) -> Option<String> {
    if !actor.can(Permission::SignOffForPartner) || item.status != SignOffStatus::Awaiting.slug() {
        return None;
    }
    steps
        .iter()
        .find(|s| {
            s.round == item.round
                && s.organisation_id == actor.organisation_id.0
                && s.decision == StepDecision::Pending.slug()
        })
        .map(|s| s.partner_kind.clone())
}

/// One item with its rounds and steps (`ViewSignOffs`; another partnership's item is `NotFound`).
pub async fn get(svc: &Services, actor: &Actor, id: SignOffId) -> ServiceResult<SignOffView> {
    actor.require(Permission::ViewSignOffs)?;
    let mut pc = svc.db.acquire().await?;
    let item = store::find(&mut pc.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let rounds = store::rounds(&mut pc.conn(), actor.partnership_id, id).await?;
    let steps = store::steps(&mut pc.conn(), actor.partnership_id, id).await?;
    Ok(SignOffView {
        can_decide: decidable(actor, &item, &steps),
        can_manage: actor.can(Permission::RequestSignOffs),
        item,
        rounds,
        steps,
    })
}

/// Requests a sign-off (`RequestSignOffs`): the item, round 1 with three pending steps, the audit
/// entry and an email to everyone who may sign for a lead partner, in one transaction.
pub async fn request(
    svc: &Services,
    actor: &Actor,
    input: &NewSignOffInput,
) -> ServiceResult<SignOffId> {
    actor.require(Permission::RequestSignOffs)?;
    let new = NewSignOff::parse(input)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let id = request_in_tx(svc, &mut tx, actor, SignOffId::new(), &new, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// A document uploaded with a request.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    /// The file name the browser sent.
    pub name: &'a str,
    /// The bytes.
    pub bytes: &'a [u8],
}

/// Requests a sign-off with a newly uploaded document (`RequestSignOffs` and `UploadFiles`). The
/// request is checked first, then the file goes into the file store attached to the new item
/// (problems with it are reported against the `document` field), then the request is made; if that
/// fails the file is deleted again. Without an upload this is [`request`].
pub async fn request_with_upload(
    svc: &Services,
    actor: &Actor,
    input: &NewSignOffInput,
    upload: Option<Upload<'_>>,
) -> ServiceResult<SignOffId> {
    let Some(up) = upload else {
        return request(svc, actor, input).await;
    };
    actor.require(Permission::RequestSignOffs)?;
    let mut new = NewSignOff::parse(input)?;
    if new.file_id.is_some() {
        return Err(ValidationErrors::single(
            "document",
            "Choose a document from the list or upload one, not both",
        )
        .into());
    }
    {
        let mut pc = svc.db.acquire().await?;
        lead_partners(&mut pc.conn(), actor.partnership_id, "kind").await?;
    }
    let id = SignOffId::new();
    let file = crate::files::upload(
        svc,
        actor,
        crate::files::UploadInput {
            name: up.name,
            bytes: up.bytes,
            description: Some(&new.title),
            board_only: false,
            attached_to: Some(("sign_off", id.0)),
        },
    )
    .await
    .map_err(|e| match e {
        ServiceError::Invalid(mut errors) => {
            for f in &mut errors.0 {
                if f.field == "file" {
                    f.field = "document".into();
                }
            }
            ServiceError::Invalid(errors)
        }
        e => e,
    })?;
    new.file_id = Some(file.file_id);
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    match request_in_tx(svc, &mut tx, actor, id, &new, now).await {
        Ok(id) => {
            tx.commit().await?;
            Ok(id)
        }
        Err(e) => {
            drop(tx);
            // Best effort: the request failed, so its document should not stay in the store.
            let _ = crate::files::delete(svc, actor, file.file_id).await;
            Err(e)
        }
    }
}

/// Requests a sign-off inside the caller's transaction (the item, round 1, the audit entry and the
/// emails to the signers). For modules that ask for a sign-off as part of their own change, such as a
/// rapid review ([`SignOffKind::RapidReview`]); the caller checks its own permissions first.
pub(crate) async fn request_in_tx(
    svc: &Services,
    tx: &mut Tx,
    actor: &Actor,
    id: SignOffId,
    new: &NewSignOff,
    now: DateTime<Utc>,
) -> ServiceResult<SignOffId> {
    let partners = lead_partners(&mut tx.conn(), actor.partnership_id, "kind").await?;
    let mut errors = ValidationErrors::new();
    check_file(&mut tx.conn(), actor, new.file_id, &mut errors).await?;
    if let Some(y) = new.funding_year_id
        && funding::find_year(&mut tx.conn(), actor.partnership_id, y)
            .await?
            .is_none()
    {
        errors.add(
            "funding_year_id",
            "Select a financial year of this partnership",
        );
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    store::insert(
        &mut tx.conn(),
        &NewSignOffRow {
            id,
            partnership: actor.partnership_id,
            kind: new.kind.slug(),
            title: &new.title,
            description: &new.description,
            funding_year: new.funding_year_id,
            requested_by: actor.person_id,
        },
        now,
    )
    .await?;
    let steps: Vec<(&str, OrganisationId)> = partners
        .iter()
        .map(|(k, o)| (k.slug(), OrganisationId(o.organisation_id)))
        .collect();
    store::add_round(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        1,
        new.file_id,
        "",
        actor.person_id,
        &steps,
        now,
    )
    .await?;
    let mut e = entry(actor, "sign_off.request", id);
    e.after = Some(
        json!({
            "kind": new.kind.slug(),
            "title": new.title,
            "file_id": new.file_id,
            "funding_year_id": new.funding_year_id,
            "round": 1,
            "partners": steps.iter().map(|(k, o)| json!({"kind": k, "organisation_id": o})).collect::<Vec<_>>(),
            "status": SignOffStatus::Awaiting.slug(),
        })
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    notify_signers(
        svc,
        tx,
        actor.partnership_id,
        &partners,
        id,
        &new.title,
        1,
        now,
    )
    .await?;
    Ok(id)
}

/// Records the actor's decision for their organisation's step in the current round (sign, or return
/// with comments) and works out the item's status; returns it. `SignOffForPartner`, and the actor's
/// organisation must be the lead partner of a pending step (`Forbidden` otherwise); a second decision
/// by the same partner in a round, or a decision on an item that is not awaiting, is a `Conflict`.
pub async fn decide(
    svc: &Services,
    actor: &Actor,
    id: SignOffId,
    input: &DecisionInput,
) -> ServiceResult<SignOffStatus> {
    actor.require(Permission::SignOffForPartner)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let status = decide_in_tx(&mut tx, actor, id, input, now).await?;
    tx.commit().await?;
    Ok(status)
}

async fn decide_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    id: SignOffId,
    input: &DecisionInput,
    now: DateTime<Utc>,
) -> ServiceResult<SignOffStatus> {
    let p = actor.partnership_id;
    // Queue behind any other decision on this item, then read it (and its steps) afresh.
    if !store::lock(&mut tx.conn(), p, id).await? {
        return Err(ServiceError::NotFound);
    }
    let item = store::find(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let steps = store::steps(&mut tx.conn(), p, id).await?;
    let mine: Vec<&Step> = steps
        .iter()
        .filter(|s| s.round == item.round && s.organisation_id == actor.organisation_id.0)
        .collect();
    let Some(step) = mine.first() else {
        return Err(ServiceError::Forbidden(
            "only the lead partners of the partnership may sign off, each for their own organisation",
        ));
    };
    let decision = Decision::parse(input)?;
    if item.status != SignOffStatus::Awaiting.slug() {
        return Err(ServiceError::Conflict(
            "This item is not waiting for sign-off any more: reload the page to see where it is"
                .into(),
        ));
    }
    if step.decision != StepDecision::Pending.slug()
        || !store::decide(
            &mut tx.conn(),
            p,
            id,
            item.round,
            &step.partner_kind,
            decision.decision.slug(),
            &decision.comment,
            actor.person_id,
            now,
        )
        .await?
    {
        return Err(ServiceError::Conflict(format!(
            "{} has already decided on this round",
            step.organisation_name
        )));
    }
    let current = store::steps(&mut tx.conn(), p, id).await?;
    let decisions: Vec<StepDecision> = current
        .iter()
        .filter(|s| s.round == item.round)
        .filter_map(|s| StepDecision::parse(&s.decision))
        .collect();
    let status = round_status(&decisions);
    store::set_state(&mut tx.conn(), p, id, status.slug(), item.round, now).await?;
    let action = match decision.decision {
        StepDecision::Returned => "sign_off.return",
        _ => "sign_off.sign",
    };
    let mut e = entry(actor, action, id);
    e.before = Some(json!({"status": item.status, "round": item.round}).to_string());
    e.after = Some(
        json!({
            "round": item.round,
            "partner_kind": step.partner_kind,
            "organisation_id": step.organisation_id,
            "decision": decision.decision.slug(),
            "comment": decision.comment,
            "status": status.slug(),
            "signed": decisions.iter().filter(|d| **d == StepDecision::Signed).count(),
        })
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    if status == SignOffStatus::Complete {
        let mut e = entry(actor, "sign_off.complete", id);
        e.after = Some(json!({"round": item.round, "status": status.slug()}).to_string());
        audit_log::append(&mut tx.conn(), &e, now).await?;
    }
    Ok(status)
}

/// Requests a returned item again (`RequestSignOffs`): a new round with three pending steps, a note
/// saying what changed and optionally a revised document (else the last round's); earlier rounds are
/// kept. Only a returned item can be requested again (`Conflict` otherwise).
pub async fn rerequest(
    svc: &Services,
    actor: &Actor,
    id: SignOffId,
    input: &RerequestInput,
) -> ServiceResult<()> {
    actor.require(Permission::RequestSignOffs)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    if !store::lock(&mut tx.conn(), p, id).await? {
        return Err(ServiceError::NotFound);
    }
    let item = store::find(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let r = Rerequest::parse(input)?;
    if item.status != SignOffStatus::Returned.slug() {
        return Err(ServiceError::Conflict(
            "Only an item a partner has returned can be requested again".into(),
        ));
    }
    let partners = lead_partners(&mut tx.conn(), p, "note").await?;
    let mut errors = ValidationErrors::new();
    check_file(&mut tx.conn(), actor, r.file_id, &mut errors).await?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let file = match r.file_id {
        Some(f) => Some(f),
        None => store::rounds(&mut tx.conn(), p, id)
            .await?
            .first()
            .and_then(|r| r.file_id),
    };
    let round = item.round + 1;
    let steps: Vec<(&str, OrganisationId)> = partners
        .iter()
        .map(|(k, o)| (k.slug(), OrganisationId(o.organisation_id)))
        .collect();
    store::add_round(
        &mut tx.conn(),
        p,
        id,
        round,
        file,
        &r.note,
        actor.person_id,
        &steps,
        now,
    )
    .await?;
    store::set_state(
        &mut tx.conn(),
        p,
        id,
        SignOffStatus::Awaiting.slug(),
        round,
        now,
    )
    .await?;
    let mut e = entry(actor, "sign_off.rerequest", id);
    e.before = Some(json!({"status": item.status, "round": item.round}).to_string());
    e.after = Some(
        json!({"status": SignOffStatus::Awaiting.slug(), "round": round, "note": r.note, "file_id": file})
            .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    notify_signers(svc, &mut tx, p, &partners, id, &item.title, round, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Withdraws an open request (awaiting or returned) with a reason (`RequestSignOffs`).
pub async fn withdraw(
    svc: &Services,
    actor: &Actor,
    id: SignOffId,
    input: &WithdrawInput,
) -> ServiceResult<()> {
    actor.require(Permission::RequestSignOffs)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    if !store::lock(&mut tx.conn(), p, id).await? {
        return Err(ServiceError::NotFound);
    }
    let item = store::find(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let reason = parse_withdraw(input)?;
    if !SignOffStatus::parse(&item.status).is_some_and(SignOffStatus::is_open) {
        return Err(ServiceError::Conflict(
            "Only an open request can be withdrawn".into(),
        ));
    }
    store::set_state(
        &mut tx.conn(),
        p,
        id,
        SignOffStatus::Withdrawn.slug(),
        item.round,
        now,
    )
    .await?;
    let mut e = entry(actor, "sign_off.withdraw", id);
    e.before = Some(json!({"status": item.status, "round": item.round}).to_string());
    e.after =
        Some(json!({"status": SignOffStatus::Withdrawn.slug(), "reason": reason}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Documents and financial years a request can link to (`RequestSignOffs`).
pub async fn choices(
    svc: &Services,
    actor: &Actor,
) -> ServiceResult<(
    Vec<safeguard_store::files::StoredFile>,
    Vec<funding::FundingYear>,
)> {
    actor.require(Permission::RequestSignOffs)?;
    let mut pc = svc.db.acquire().await?;
    let (rows, _) = files::list(
        &mut pc.conn(),
        actor.partnership_id,
        &files::FileFilter {
            include_board: actor.can(Permission::ViewBoardPapers),
            attached_to: None,
        },
        500,
        0,
    )
    .await?;
    let years = funding::list_years(&mut pc.conn(), actor.partnership_id).await?;
    Ok((rows, years))
}

/// Demo items (once, when the partnership has none): the 2022/23 yearly report and annual budget,
/// both signed by all three partners, and the revised threshold document (March 2023) awaiting one.
pub(crate) async fn load_demo(
    tx: &mut Tx,
    p: PartnershipId,
    budget_year: Option<FundingYearId>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    use safeguard_domain::signoffs::SignOffKind;
    if store::count(&mut tx.conn(), p).await? > 0 {
        return Ok(());
    }
    let partners = lead_partners(&mut tx.conn(), p, "kind").await?;
    let admin = people::find_by_email(&mut tx.conn(), "admin@safeguard.example")
        .await?
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("demo administrator missing")))?;
    // Who signs for each partner in the demo.
    let signers = [
        "council@safeguard.example",
        "lead@safeguard.example",
        "board@safeguard.example",
    ];
    // Plausible dates in the seed's year: (requested, each partner's signature), at 10:00 UK time.
    let at = |d: &str| -> ServiceResult<DateTime<Utc>> {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .map(|t| t.and_utc())
            .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("bad demo date {d}")))
    };
    let dates: [(&str, [&str; 3]); 3] = [
        ("2023-09-04", ["2023-09-11", "2023-09-13", "2023-09-18"]),
        ("2022-03-07", ["2022-03-14", "2022-03-16", "2022-03-21"]),
        ("2023-03-06", ["2023-03-10", "2023-03-14", ""]),
    ];
    let items: [(SignOffKind, &str, &str, usize); 3] = [
        (
            SignOffKind::YearlyReport,
            "Yearly report 2022/23",
            "The partnership's report on the year April 2022 to March 2023, for publication.",
            3,
        ),
        (
            SignOffKind::AnnualBudget,
            "Shared budget 2022/23",
            "The shared annual budget, funded equally by the three partners (illustrative amounts).",
            3,
        ),
        (
            SignOffKind::ThresholdDocument,
            "Threshold of Need guidance (revised March 2023)",
            "The revised Threshold of Need guidance developed by the Family Connect Strategic Board.",
            2,
        ),
    ];
    for ((kind, title, description, signed), (requested, signed_on)) in items.into_iter().zip(dates)
    {
        let id = SignOffId::new();
        let requested = at(requested)?;
        store::insert(
            &mut tx.conn(),
            &NewSignOffRow {
                id,
                partnership: p,
                kind: kind.slug(),
                title,
                description,
                funding_year: if kind == SignOffKind::AnnualBudget {
                    budget_year
                } else {
                    None
                },
                requested_by: admin.id(),
            },
            requested,
        )
        .await?;
        let steps: Vec<(&str, OrganisationId)> = partners
            .iter()
            .map(|(k, o)| (k.slug(), OrganisationId(o.organisation_id)))
            .collect();
        store::add_round(
            &mut tx.conn(),
            p,
            id,
            1,
            None,
            "",
            admin.id(),
            &steps,
            requested,
        )
        .await?;
        for (((kind_slug, _), email), on) in steps.iter().zip(signers).zip(signed_on).take(signed) {
            let Some(who) = people::find_by_email(&mut tx.conn(), email).await? else {
                continue;
            };
            store::decide(
                &mut tx.conn(),
                p,
                id,
                1,
                kind_slug,
                StepDecision::Signed.slug(),
                "",
                who.id(),
                at(on)?,
            )
            .await?;
        }
        let status = if signed == 3 {
            SignOffStatus::Complete
        } else {
            SignOffStatus::Awaiting
        };
        let last = signed_on
            .iter()
            .take(signed)
            .rfind(|d| !d.is_empty())
            .map_or(Ok(requested), |d| at(d))?;
        store::set_state(&mut tx.conn(), p, id, status.slug(), 1, last).await?;
        let mut e = safeguard_domain::audit::NewEntry::new(
            "sign_off.request",
            "sign_off",
            Some(id.to_string()),
        );
        e.partnership_id = Some(p.0);
        e.after = Some(json!({"title": title, "status": status.slug(), "via": "demo"}).to_string());
        audit_log::append(&mut tx.conn(), &e, now).await?;
    }
    Ok(())
}
