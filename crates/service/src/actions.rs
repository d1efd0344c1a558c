//! Actions: the platform's one action model. Meetings, decisions, case reviews, recommendations and
//! audits create actions through this module and never keep their own.
//!
//! # Reuse
//!
//! * A module that creates an action as part of its own change calls [`create_in_tx`] inside its
//!   transaction with a [`Source`] naming itself (type, id and label, such as
//!   `SourceType::Decision`, the decision's id, "Board meeting 12 May 2022"); the action and its
//!   audit entry then commit or roll back with that change.
//! * A page or API handler calls [`create`] with raw input ([`NewActionInput`]).
//! * [`get`], [`add_update`], [`change`] and [`set_status`] decide access themselves: the caller
//!   does not need to check anything first.
//!
//! # Access
//!
//! * `ViewActions` sees the partnership's actions; `ManageActions` creates and changes them.
//! * The owner person always sees their action (in any partnership where they hold a role), may add
//!   progress updates and change its status.
//! * Anyone of the owner organisation with `ViewActions` may add progress updates.
//! * Anyone else is told the action does not exist ([`ServiceError::NotFound`]).
//!
//! Progress updates are append-only (the database refuses edits); a correction is a new update that
//! names the one it corrects. Status changes use the action's `version` (optimistic concurrency): an
//! update that changes the status retries once when another change got there first.

use crate::{Actor, ServiceError, ServiceResult, Services};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use safeguard_domain::actions::{
    ActionChange, ActionChangeInput, ActionStatus, ActionUpdate, ActionUpdateInput, NewAction,
    NewActionInput, Source, SourceType, is_overdue, uk_date,
};
use safeguard_domain::policy::Permission;
use safeguard_domain::{ActionId, OrganisationId, PartnershipId, PersonId, ValidationErrors};
use safeguard_store::actions::{self as store, Action, ActionFilter, Fields, NewActionRow, Update};
use safeguard_store::organisations::Organisation;
use safeguard_store::people::{PeopleFilter, PersonSummary};
use safeguard_store::{Conn, Tx, audit_log, organisations, outbox, people};
use serde_json::json;
use uuid::Uuid;

/// Page size of the partnership's list.
pub const PAGE_SIZE: i64 = 50;
/// Most actions shown on "my actions".
pub const MINE_LIMIT: i64 = 500;

/// One page of the partnership's actions.
#[derive(Debug, Clone)]
pub struct ActionsPage {
    /// Rows.
    pub rows: Vec<Action>,
    /// All matching.
    pub total: i64,
    /// Today in England (for the overdue flag).
    pub today: NaiveDate,
}

/// An action with what the caller may do to it.
#[derive(Debug, Clone)]
pub struct ActionView {
    /// The action.
    pub action: Action,
    /// Its progress updates, newest first.
    pub updates: Vec<Update>,
    /// True when it is overdue now.
    pub overdue: bool,
    /// The caller may add a progress update.
    pub can_update: bool,
    /// The caller may change owner, due date and status.
    pub can_manage: bool,
    /// Its escalations to the owner organisation's lead (overdue tracker actions), oldest first.
    pub escalations: Vec<safeguard_store::actions::Escalation>,
}

/// True when the action is overdue at `now` (the domain rule on a stored row).
pub fn overdue(a: &Action, now: DateTime<Utc>) -> bool {
    ActionStatus::parse(&a.status).is_some_and(|s| is_overdue(s, a.due_date, now))
}

fn action_json(a: &Action) -> serde_json::Value {
    json!({
        "title": a.title,
        "owner_organisation_id": a.owner_organisation_id,
        "owner_person_id": a.owner_person_id,
        "due_date": a.due_date,
        "status": a.status,
        "version": a.version,
    })
}

/// The audit entry for a change to an action, in the action's partnership (which differs from the
/// actor's when an owner works on an action of another partnership from "my actions").
fn entry(
    actor: &Actor,
    action: &str,
    partnership: Uuid,
    id: Uuid,
) -> safeguard_domain::audit::NewEntry {
    let mut e = actor.entry(action, "action", Some(id.to_string()));
    e.partnership_id = Some(partnership);
    e
}

/// Checks that the owner organisation belongs to the partnership and the owner person holds a role
/// there and works for that organisation.
async fn check_owner(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    org: OrganisationId,
    person: Option<PersonId>,
) -> ServiceResult<()> {
    let mut errors = ValidationErrors::new();
    if organisations::find_in_partnership(c, partnership, org)
        .await?
        .is_none()
    {
        errors.add(
            "owner_organisation_id",
            "Select an organisation that belongs to this partnership",
        );
    }
    if let Some(p) = person {
        match people::find_in_partnership(c, partnership, p).await? {
            None => errors.add(
                "owner_person_id",
                "Select a person who works in this partnership",
            ),
            Some(found) if found.organisation_id != org.0 => errors.add(
                "owner_person_id",
                "Select a person who works for the owner organisation",
            ),
            Some(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.into())
    }
}

/// Creates an action in the actor's partnership inside the caller's transaction, with its audit
/// entry. For modules that create actions as part of their own change (a decision, a
/// recommendation). Requires `ManageActions`.
pub async fn create_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    new: &NewAction,
    source: &Source,
    now: DateTime<Utc>,
) -> ServiceResult<ActionId> {
    actor.require(Permission::ManageActions)?;
    check_owner(
        &mut tx.conn(),
        actor.partnership_id,
        new.owner_organisation_id,
        new.owner_person_id,
    )
    .await?;
    let id = ActionId::new();
    store::insert(
        &mut tx.conn(),
        &NewActionRow {
            id,
            partnership: actor.partnership_id,
            source_type: source.kind.slug(),
            source_id: source.id,
            source_label: &source.label,
            title: &new.title,
            description: &new.description,
            owner_organisation: new.owner_organisation_id,
            owner_person: new.owner_person_id,
            due_date: new.due_date,
            status: ActionStatus::Open.slug(),
            created_by: actor.person_id,
        },
        now,
    )
    .await?;
    let mut e = actor.entry("action.create", "action", Some(id.to_string()));
    e.after = Some(
        json!({
            "title": new.title,
            "source_type": source.kind.slug(),
            "source_id": source.id,
            "source_label": source.label,
            "owner_organisation_id": new.owner_organisation_id,
            "owner_person_id": new.owner_person_id,
            "due_date": new.due_date,
            "status": ActionStatus::Open.slug(),
        })
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(id)
}

/// Creates an action from raw input (a page or the API). The source is the typed label, or
/// "Added by hand" (type `other`) when none is given. Requires `ManageActions`.
pub async fn create(
    svc: &Services,
    actor: &Actor,
    input: &NewActionInput,
) -> ServiceResult<ActionId> {
    actor.require(Permission::ManageActions)?;
    let new = NewAction::parse(input)?;
    let source = Source {
        kind: SourceType::Other,
        id: None,
        label: if new.source_label.is_empty() {
            "Added by hand".to_owned()
        } else {
            new.source_label.clone()
        },
    };
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let id = create_in_tx(&mut tx, actor, &new, &source, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// The partnership's actions (`ViewActions`).
pub async fn list(
    svc: &Services,
    actor: &Actor,
    filter: &ActionFilter,
    page: i64,
) -> ServiceResult<ActionsPage> {
    actor.require(Permission::ViewActions)?;
    let today = uk_date(svc.now());
    let mut pc = svc.db.acquire().await?;
    let (rows, total) = store::list(
        &mut pc.conn(),
        actor.partnership_id,
        filter,
        today,
        PAGE_SIZE,
        (page.max(1) - 1) * PAGE_SIZE,
    )
    .await?;
    Ok(ActionsPage { rows, total, today })
}

/// "My actions": the actions the signed-in person owns, in every partnership where they hold a role.
/// Anyone signed in; only their own.
pub async fn mine(svc: &Services, actor: &Actor) -> ServiceResult<Vec<Action>> {
    let mut pc = svc.db.acquire().await?;
    Ok(store::list_for_person(&mut pc.conn(), actor.person_id, MINE_LIMIT).await?)
}

/// What the actor may do with an action they can see.
struct Rights {
    can_update: bool,
    can_manage: bool,
}

/// Finds the action if the actor may see it: `ViewActions` in its partnership, or its owner (in any
/// partnership where they hold a role). Otherwise `NotFound`.
async fn load(c: &mut Conn<'_>, actor: &Actor, id: ActionId) -> ServiceResult<(Action, Rights)> {
    if let Some(a) = store::find(c, actor.partnership_id, id).await? {
        let owner = a.owner_person_id == Some(actor.person_id.0);
        if actor.can(Permission::ViewActions) || owner {
            let manage = actor.can(Permission::ManageActions);
            let same_org = actor.can(Permission::ViewActions)
                && a.owner_organisation_id == actor.organisation_id.0;
            return Ok((
                a,
                Rights {
                    can_update: owner || manage || same_org,
                    can_manage: manage,
                },
            ));
        }
        return Err(ServiceError::NotFound);
    }
    match store::find_owned(c, actor.person_id, id).await? {
        Some(a) => Ok((
            a,
            Rights {
                can_update: true,
                can_manage: false,
            },
        )),
        None => Err(ServiceError::NotFound),
    }
}

/// An action with its updates: `ViewActions` in the partnership, or its owner; otherwise `NotFound`.
pub async fn get(svc: &Services, actor: &Actor, id: ActionId) -> ServiceResult<ActionView> {
    let mut pc = svc.db.acquire().await?;
    let (action, rights) = load(&mut pc.conn(), actor, id).await?;
    let updates = store::list_updates(
        &mut pc.conn(),
        PartnershipId(action.partnership_id),
        action.id(),
    )
    .await?;
    let escalations = store::escalations(
        &mut pc.conn(),
        PartnershipId(action.partnership_id),
        action.id(),
    )
    .await?;
    Ok(ActionView {
        overdue: overdue(&action, svc.now()),
        action,
        updates,
        escalations,
        can_update: rights.can_update,
        can_manage: rights.can_manage,
    })
}

/// Adds a progress update (the owner person, anyone of the owner organisation with `ViewActions`, or
/// `ManageActions`). A new status in the update is applied with the version check, retried once on
/// a conflict. Returns the update's id.
pub async fn add_update(
    svc: &Services,
    actor: &Actor,
    id: ActionId,
    input: &ActionUpdateInput,
) -> ServiceResult<Uuid> {
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let (found, rights) = load(&mut tx.conn(), actor, id).await?;
    if !rights.can_update {
        return Err(ServiceError::Forbidden(
            "only the owner, their organisation or a manager may update this action",
        ));
    }
    let upd = ActionUpdate::parse(input)?;
    let partnership = PartnershipId(found.partnership_id);
    // Queue behind any other change to this action, then read it again (the version is current).
    store::lock(&mut tx.conn(), partnership, id).await?;
    let action = store::find(&mut tx.conn(), partnership, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if let Some(corrects) = upd.corrects_update_id {
        let existing = store::list_updates(&mut tx.conn(), partnership, id).await?;
        if !existing.iter().any(|u| u.action_update_id == corrects) {
            return Err(ValidationErrors::single(
                "corrects_update_id",
                "Select an update of this action to correct",
            )
            .into());
        }
    }
    let update_id = Uuid::new_v4();
    store::append_update(
        &mut tx.conn(),
        partnership,
        id,
        update_id,
        actor.person_id,
        &upd.body,
        upd.new_status.map(ActionStatus::slug),
        upd.corrects_update_id,
        now,
    )
    .await?;
    let mut e = entry(
        actor,
        "action.update",
        action.partnership_id,
        action.action_id,
    );
    e.after = Some(
        json!({
            "action_update_id": update_id,
            "new_status": upd.new_status.map(ActionStatus::slug),
            "corrects_update_id": upd.corrects_update_id,
        })
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    if let Some(status) = upd.new_status
        && status.slug() != action.status
    {
        apply_status(&mut tx, actor, &action, status, action.version, true, now).await?;
    }
    tx.commit().await?;
    Ok(update_id)
}

/// Sets the status with the version check; when `retry`, re-reads once on a stale version.
async fn apply_status(
    tx: &mut Tx,
    actor: &Actor,
    action: &Action,
    status: ActionStatus,
    version: i64,
    retry: bool,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let partnership = PartnershipId(action.partnership_id);
    let mut version = version;
    let mut before = action.status.clone();
    let mut ok = store::set_status(
        &mut tx.conn(),
        partnership,
        action.id(),
        status.slug(),
        version,
        now,
    )
    .await?;
    if !ok && retry {
        let fresh = store::find(&mut tx.conn(), partnership, action.id())
            .await?
            .ok_or(ServiceError::NotFound)?;
        version = fresh.version;
        before = fresh.status;
        ok = store::set_status(
            &mut tx.conn(),
            partnership,
            action.id(),
            status.slug(),
            version,
            now,
        )
        .await?;
    }
    if !ok {
        return Err(ServiceError::Conflict(
            "The action was changed by someone else: reload the page and try again".into(),
        ));
    }
    let mut e = entry(
        actor,
        "action.status",
        action.partnership_id,
        action.action_id,
    );
    e.before = Some(json!({"status": before, "version": version}).to_string());
    e.after = Some(json!({"status": status.slug(), "version": version + 1}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(())
}

/// Changes the status only (the owner person, or `ManageActions`), against the version the caller
/// read: a stale version is a `Conflict`.
pub async fn set_status(
    svc: &Services,
    actor: &Actor,
    id: ActionId,
    status: &str,
    version: i64,
) -> ServiceResult<()> {
    let status = ActionStatus::parse(status)
        .ok_or_else(|| ValidationErrors::single("status", "Select a status"))?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let (action, rights) = load(&mut tx.conn(), actor, id).await?;
    let owner = action.owner_person_id == Some(actor.person_id.0);
    if !(owner || rights.can_manage) {
        return Err(ServiceError::Forbidden(
            "only the owner or a manager may change the status",
        ));
    }
    apply_status(&mut tx, actor, &action, status, version, false, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes owner, due date and status (`ManageActions`; the owner person alone may change only the
/// status, through [`set_status`]). A stale version is a `Conflict`.
pub async fn change(
    svc: &Services,
    actor: &Actor,
    id: ActionId,
    input: &ActionChangeInput,
) -> ServiceResult<()> {
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let (action, rights) = load(&mut tx.conn(), actor, id).await?;
    if !rights.can_manage {
        let owner = action.owner_person_id == Some(actor.person_id.0);
        if owner {
            // The owner may change the status only.
            drop(tx);
            let version = input.version.trim().parse::<i64>().unwrap_or(-1);
            return set_status(svc, actor, id, input.status.trim(), version).await;
        }
        actor.require(Permission::ManageActions)?;
    }
    let ch = ActionChange::parse(input)?;
    let partnership = PartnershipId(action.partnership_id);
    check_owner(
        &mut tx.conn(),
        partnership,
        ch.owner_organisation_id,
        ch.owner_person_id,
    )
    .await?;
    let ok = store::update_fields(
        &mut tx.conn(),
        partnership,
        id,
        &Fields {
            owner_organisation: ch.owner_organisation_id,
            owner_person: ch.owner_person_id,
            due_date: ch.due_date,
            status: ch.status.slug(),
        },
        ch.version,
        now,
    )
    .await?;
    if !ok {
        return Err(ServiceError::Conflict(
            "The action was changed by someone else: reload the page and try again".into(),
        ));
    }
    let mut e = entry(
        actor,
        "action.change",
        action.partnership_id,
        action.action_id,
    );
    e.before = Some(action_json(&action).to_string());
    e.after = Some(
        json!({
            "title": action.title,
            "owner_organisation_id": ch.owner_organisation_id,
            "owner_person_id": ch.owner_person_id,
            "due_date": ch.due_date,
            "status": ch.status.slug(),
            "version": ch.version + 1,
        })
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The organisations and people an action can be assigned to (`ManageActions`).
pub async fn owner_choices(
    svc: &Services,
    actor: &Actor,
) -> ServiceResult<(Vec<Organisation>, Vec<PersonSummary>)> {
    actor.require(Permission::ManageActions)?;
    partnership_choices(svc, actor).await
}

/// The actor's partnership's organisations and people (up to 2,000), for forms that pick an owner
/// or a member. The caller checks access.
pub(crate) async fn partnership_choices(
    svc: &Services,
    actor: &Actor,
) -> ServiceResult<(Vec<Organisation>, Vec<PersonSummary>)> {
    let mut pc = svc.db.acquire().await?;
    let orgs = organisations::list_for_partnership(&mut pc.conn(), actor.partnership_id).await?;
    let (people, _) = people::list_in_partnership(
        &mut pc.conn(),
        actor.partnership_id,
        &PeopleFilter::default(),
        2_000,
        0,
    )
    .await?;
    Ok((orgs, people))
}

/// Queues the weekly digest: one email per person who owns any open or in-progress action that is
/// overdue or due within 7 days (dates in England), listing them with what each is for (a tracked
/// recommendation's source, number and title; otherwise the source label), their partnership, due
/// date and an overdue flag. Returns the number of emails queued. The scheduler calls this once per ISO
/// week (see `scheduler::weekly_digest_job`); calling it directly queues again.
pub async fn weekly_digest(svc: &Services, now: DateTime<Utc>) -> ServiceResult<usize> {
    let today = uk_date(now);
    let until = today + Duration::days(7);
    let lines = {
        let mut pc = svc.db.acquire().await?;
        store::digest(&mut pc.conn(), until).await?
    };
    let mut tx = svc.db.begin().await?;
    let mut sent = 0;
    let mut i = 0;
    while i < lines.len() {
        let Some(first) = lines.get(i) else { break };
        let person = first.person_id;
        let mine: Vec<_> = lines
            .iter()
            .skip(i)
            .take_while(|l| l.person_id == person)
            .collect();
        i += mine.len();
        let mut body = format!(
            "Dear {},\n\nThese actions of yours are overdue or due in the next 7 days:\n\n",
            first.name
        );
        for l in &mine {
            let late = ActionStatus::parse(&l.status)
                .is_some_and(|s| is_overdue(s, Some(l.due_date), now));
            body.push_str(&format!(
                "- {}{}\n  For: {}\n  {}\n  Due {}\n  {}/actions/{}\n\n",
                if late { "OVERDUE: " } else { "" },
                l.title,
                crate::action_escalations::what_for(&l.source_label, &l.recommendation),
                l.partnership_name,
                l.due_date.format("%-d %B %Y"),
                svc.config.public_url.trim_end_matches('/'),
                l.action_id
            ));
        }
        body.push_str(&format!(
            "See all your actions at {}/actions/mine\n",
            svc.config.public_url.trim_end_matches('/')
        ));
        let partnership = (mine
            .iter()
            .all(|l| l.partnership_id == first.partnership_id))
        .then_some(PartnershipId(first.partnership_id));
        outbox::enqueue(
            &mut tx.conn(),
            partnership,
            &first.email,
            &format!(
                "{}: your actions this week ({})",
                svc.config.service_name,
                mine.len()
            ),
            &body,
            now,
        )
        .await?;
        sent += 1;
    }
    tx.commit().await?;
    Ok(sent)
}

// ---------------------------------------------------------------------------------------------
// Evidence on actions: documents of the file store (picked from Documents or uploaded with the
// evidence) or https links, with who added them and when. Whoever may add progress updates to an
// action may add evidence to it, in the action's partnership. The rules of one piece of evidence are
// the tracker's ([`safeguard_domain::recommendations::Evidence`]): a document or a link, and a label.

use safeguard_domain::recommendations::{Evidence, EvidenceInput};
pub use safeguard_store::actions::ActionEvidenceRow;

/// A document uploaded with evidence (from a page's multipart form).
#[derive(Debug, Clone, Copy)]
pub struct EvidenceDocument<'a> {
    /// The file's name as sent.
    pub name: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
}

/// Validates evidence: a document picked from Documents (one of `files`), a document being uploaded
/// (`uploading`; its id is set once it is stored), or an https link: exactly one, and a label.
pub fn parse_evidence(
    input: &EvidenceInput,
    files: &[Uuid],
    uploading: bool,
) -> Result<Evidence, ValidationErrors> {
    if !uploading {
        return Evidence::parse(input, files);
    }
    let mut errors = ValidationErrors::new();
    if !input.file_id.trim().is_empty() {
        errors.add(
            "file",
            "Upload a document or choose one from Documents, not both",
        );
    }
    let placeholder = EvidenceInput {
        file_id: Uuid::nil().to_string(),
        ..input.clone()
    };
    match Evidence::parse(&placeholder, &[Uuid::nil()]) {
        Ok(ev) if errors.is_empty() => Ok(Evidence {
            file_id: None,
            ..ev
        }),
        Ok(_) => Err(errors),
        Err(mut e) => {
            e.0.extend(errors.0);
            Err(e)
        }
    }
}

/// The ids of the documents of the actor's partnership they may see (what evidence may pick).
pub async fn evidence_files(svc: &Services, actor: &Actor) -> ServiceResult<Vec<Uuid>> {
    Ok(evidence_file_choices(svc, actor)
        .await?
        .into_iter()
        .map(|f| f.0)
        .collect())
}

/// The documents (id, name) of the actor's partnership they may see, for an evidence form.
pub async fn evidence_file_choices(
    svc: &Services,
    actor: &Actor,
) -> ServiceResult<Vec<(Uuid, String)>> {
    let mut pc = svc.db.acquire().await?;
    let (files, _) = safeguard_store::files::list(
        &mut pc.conn(),
        actor.partnership_id,
        &safeguard_store::files::FileFilter {
            include_board: actor.can(Permission::ViewBoardPapers),
            attached_to: None,
        },
        500,
        0,
    )
    .await?;
    Ok(files
        .into_iter()
        .map(|f| (f.file_id, f.original_name))
        .collect())
}

/// Stores an uploaded document for evidence, before the transaction that records it
/// ([`crate::files::prepare`]: the upload limit, the kind from the content, `UploadFiles`).
pub async fn prepare_evidence_document(
    svc: &Services,
    actor: &Actor,
    document: Option<EvidenceDocument<'_>>,
    label: &str,
    attached_to: (&str, Uuid),
) -> ServiceResult<Option<crate::files::Prepared>> {
    match document {
        None => Ok(None),
        Some(d) => Ok(Some(
            crate::files::prepare(
                svc,
                actor,
                crate::files::UploadInput {
                    name: d.name,
                    bytes: d.bytes,
                    description: Some(label.trim()),
                    board_only: false,
                    attached_to: Some(attached_to),
                },
            )
            .await?,
        )),
    }
}

/// Adds evidence to an action: a document picked from Documents or uploaded now, or an https link
/// (the owner, their organisation or a manager, as for progress updates; `NotFound` for others who
/// may not see it). The document's row, the evidence and their audit entries commit together; a
/// refused piece of evidence leaves no file.
pub async fn add_evidence(
    svc: &Services,
    actor: &Actor,
    id: ActionId,
    input: &EvidenceInput,
    document: Option<EvidenceDocument<'_>>,
) -> ServiceResult<Uuid> {
    let (action, rights) = {
        let mut pc = svc.db.acquire().await?;
        load(&mut pc.conn(), actor, id).await?
    };
    if !rights.can_update {
        return Err(ServiceError::Forbidden(
            "only the owner, their organisation or a manager may add evidence to this action",
        ));
    }
    if action.partnership_id != actor.partnership_id.0 {
        return Err(ServiceError::Forbidden(
            "switch to the action's partnership to add evidence to it",
        ));
    }
    let files = evidence_files(svc, actor).await?;
    let ev = parse_evidence(input, &files, document.is_some())?;
    let prepared =
        prepare_evidence_document(svc, actor, document, &ev.label, ("action", id.0)).await?;
    let now = svc.now();
    let result = async {
        let mut tx = svc.db.begin().await?;
        let file_id = match &prepared {
            Some(p) => Some(
                crate::files::record_in_tx(&mut tx, actor, p, now)
                    .await?
                    .file_id,
            ),
            None => ev.file_id,
        };
        let eid = store::insert_evidence(
            &mut tx.conn(),
            actor.partnership_id,
            id,
            (file_id, &ev.url, &ev.label),
            actor.person_id,
            now,
        )
        .await?;
        let mut e = entry(actor, "action.evidence.add", action.partnership_id, id.0);
        e.after = Some(
            json!({"evidence_id": eid, "file_id": file_id, "url": ev.url, "label": ev.label})
                .to_string(),
        );
        audit_log::append(&mut tx.conn(), &e, now).await?;
        tx.commit().await?;
        Ok(eid)
    }
    .await;
    if result.is_err()
        && let Some(p) = &prepared
    {
        crate::files::discard(svc, p).await;
    }
    result
}

/// The evidence of an action (whoever may see the action), oldest first.
pub async fn evidence(
    svc: &Services,
    actor: &Actor,
    id: ActionId,
) -> ServiceResult<Vec<ActionEvidenceRow>> {
    let mut pc = svc.db.acquire().await?;
    let (action, _) = load(&mut pc.conn(), actor, id).await?;
    Ok(store::evidence_of_action(
        &mut pc.conn(),
        PartnershipId(action.partnership_id),
        id,
        actor.can(Permission::ViewBoardPapers) && action.partnership_id == actor.partnership_id.0,
    )
    .await?)
}
