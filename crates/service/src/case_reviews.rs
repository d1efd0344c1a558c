//! Case reviews, first slice: serious incident notifications, their pseudonymised children, rapid
//! reviews, the partners' decision and sign-off, the National Panel's response, and the clocks.
//!
//! # Access
//!
//! * `ViewCaseReviews` and, for anyone who cannot `ManageCaseReviews` (administrators), current
//!   membership of a body marked `handles_case_reviews` (the case review panel). Others are refused
//!   the dashboard (`Forbidden`) and told a record does not exist (`NotFound`). Records of another
//!   partnership are `NotFound`.
//! * Every view (dashboard, notification) writes a `case_review.view` audit entry.
//! * Children are "Child A", "Child B"…; their real identifiers are read only by [`reveal`]
//!   (`ViewChildIdentities`, administrators), which writes `case_review.identities.reveal`. They are
//!   never in lists, the API's records, audit entries or logs.
//! * Lived-experience consultants see nothing here: practice reviews explicitly shared with them are
//!   read through [`crate::practice_reviews::shared_get`], pseudonymised.
//!
//! # Clocks
//!
//! Whenever a notification's dates change, its rows in `deadline` are rewritten from
//! [`notification_deadlines`] through the one working-day calendar (`crate::calendar::load`). The rapid
//! review clock only warns (DOMAIN.md rule 13); nothing is refused for being late. The Panel's
//! response has no clock (rule 15).

use crate::{Actor, ServiceError, ServiceResult, Services};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::actions::uk_date;
use safeguard_domain::calendar::Calendar;
use safeguard_domain::case_reviews::{
    Child, ChildInput, DUE_SOON_WORKING_DAYS, Deadline, DeadlineRule, DeadlineState, Decision,
    DecisionInput, DecisionPatch, MAX_CHILDREN, Notification, NotificationInput, NotificationPatch,
    PanelExchange, PanelInput, PanelPatch, RapidReviewContent, RapidReviewInput, RapidReviewPatch,
    next_letter, notification_deadlines, optional_date, parse_version, rapid_review_required,
};
use safeguard_domain::policy::Permission;
use safeguard_domain::signoffs::{NewSignOff, SignOffKind};
use safeguard_domain::{PartnershipId, SignOffId, ValidationErrors};
use safeguard_store::case_reviews::{
    self as store, AgencyRow, ChildRow, ChildWrite, DeadlineRow, DeadlineWrite, IdentityRow,
    NotificationRow, NotificationWrite, RapidReviewRow,
};
use safeguard_store::signoffs::SignOff;
use safeguard_store::{Conn, Tx, audit_log, organisations};
use serde_json::json;
use uuid::Uuid;

/// The subject type of a notification's clocks in `deadline`.
pub const SUBJECT_NOTIFICATION: &str = "notification";

/// Most notifications on the dashboard.
pub const DASHBOARD_LIMIT: i64 = 500;

/// What a stale change to a notification is told (409; nothing changes, the person's text is shown
/// again with the current version, so saving again is deliberate).
pub const NOTIFICATION_CONFLICT: &str = "Someone else changed this notification while you were editing it. \
     Your changes are shown below and have not been saved: check them, then save again.";

/// What a stale change to a rapid review (content, decision or the Panel exchange) is told (409;
/// nothing changes).
pub const RAPID_REVIEW_CONFLICT: &str = "Someone else changed this rapid review while you were editing it. \
     Your changes are shown below and have not been saved: check them, then save again.";

/// A clock as shown: the stored row with its state today.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeadlineView {
    /// Rule.
    pub rule: DeadlineRule,
    /// Day 0.
    pub basis_on: NaiveDate,
    /// Due by the rule.
    pub due_on: NaiveDate,
    /// Extended to, if so.
    pub extended_to: Option<NaiveDate>,
    /// Why extended.
    pub extension_reason: String,
    /// Met.
    pub met_on: Option<NaiveDate>,
    /// State today.
    pub state: DeadlineState,
    /// Working days from today to the due date in force (negative when overdue); none once met.
    pub working_days_remaining: Option<i64>,
}

pub(crate) fn deadline_of(row: &DeadlineRow) -> Option<Deadline> {
    Some(Deadline {
        rule: DeadlineRule::parse(&row.rule)?,
        basis: row.basis_on,
        due: row.due_on,
        extension: row.extended_to.map(|d| (d, row.extension_reason.clone())),
        met_on: row.met_on,
    })
}

pub(crate) fn view_of(cal: &Calendar, row: &DeadlineRow, today: NaiveDate) -> Option<DeadlineView> {
    let d = deadline_of(row)?;
    let state = d.state(cal, today).ok()?;
    Some(DeadlineView {
        rule: d.rule,
        basis_on: d.basis,
        due_on: d.due,
        extended_to: row.extended_to,
        extension_reason: row.extension_reason.clone(),
        met_on: d.met_on,
        state,
        working_days_remaining: if state.is_open() {
            d.working_days_remaining(cal, today).ok()
        } else {
            None
        },
    })
}

/// Where a notification is in the process.
pub fn stage(n: &NotificationRow, rr: Option<&RapidReviewRow>) -> &'static str {
    let required = rapid_review_required(n.care_leaver_death, n.rapid_review_chosen);
    if n.notified_on.is_none() {
        return "Notification to the National Panel";
    }
    if !required {
        return "Notified: no rapid review required";
    }
    match rr {
        Some(r) if r.panel_outcome.is_some() => "The National Panel has responded",
        Some(r) if r.sent_to_panel_on.is_some() => "Awaiting the National Panel's response",
        Some(r) if r.decision.is_some() => "Decision made: to sign off and send to the Panel",
        _ => "Rapid review in progress",
    }
}

/// A row of the panel dashboard.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DashboardRow {
    /// The notification.
    pub notification: NotificationRow,
    /// Where it is.
    pub stage: &'static str,
    /// Its clocks not yet met, soonest first.
    pub open_deadlines: Vec<DeadlineView>,
}

impl DashboardRow {
    /// The due date in force of its soonest open clock.
    pub fn next_due(&self) -> Option<NaiveDate> {
        self.open_deadlines
            .first()
            .map(|d| d.extended_to.unwrap_or(d.due_on))
    }
}

/// The panel dashboard.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// Open notifications, soonest due first (those without an open clock last).
    pub rows: Vec<DashboardRow>,
    /// Open practice reviews with their stage and clocks, soonest due first.
    pub practice_reviews: Vec<crate::practice_reviews::ReviewSummary>,
    /// Today in England.
    pub today: NaiveDate,
}

/// A notification with everything the caller may see.
#[derive(Debug, Clone)]
pub struct NotificationView {
    /// The record.
    pub notification: NotificationRow,
    /// Children (pseudonymised).
    pub children: Vec<ChildRow>,
    /// The rapid review, if started.
    pub rapid_review: Option<RapidReviewRow>,
    /// Agency summaries.
    pub agencies: Vec<AgencyRow>,
    /// The rapid review's sign-off, if requested.
    pub sign_off: Option<SignOff>,
    /// Its clocks.
    pub deadlines: Vec<DeadlineView>,
    /// A rapid review is required (or chosen).
    pub rapid_review_required: bool,
    /// Where it is.
    pub stage: &'static str,
    /// The caller may change it.
    pub can_manage: bool,
    /// The caller may reveal the children's identities.
    pub can_reveal: bool,
    /// Today in England.
    pub today: NaiveDate,
}

/// True when the actor may see case review records: `ViewCaseReviews`, and for anyone who is not an
/// administrator (`ManageCaseReviews`) current membership of the case review panel.
pub(crate) async fn may_view(
    c: &mut Conn<'_>,
    actor: &Actor,
    today: NaiveDate,
) -> ServiceResult<bool> {
    if !actor.can(Permission::ViewCaseReviews) {
        return Ok(false);
    }
    if actor.can(Permission::ManageCaseReviews) {
        return Ok(true);
    }
    Ok(store::is_panel_member(c, actor.partnership_id, actor.person_id, today).await?)
}

/// The dashboard check: `Forbidden` for anyone who may not see case reviews.
pub(crate) async fn require_view(
    c: &mut Conn<'_>,
    actor: &Actor,
    today: NaiveDate,
) -> ServiceResult<()> {
    actor.require(Permission::ViewCaseReviews)?;
    if may_view(c, actor, today).await? {
        Ok(())
    } else {
        tracing::warn!(target: "security.denied", person = %actor.person_id, partnership = %actor.partnership_id, "not a member of the case review panel");
        Err(ServiceError::Forbidden(
            "not a member of the case review panel",
        ))
    }
}

/// `Ok` when the actor may see the notification, `NotFound` otherwise; no audit entry (for handlers
/// that check access before reading a request body).
pub async fn check_visible(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    let mut pc = svc.db.acquire().await?;
    load_notification(&mut pc.conn(), actor, id, uk_date(svc.now())).await?;
    Ok(())
}

/// True when the actor may see the dashboard (for navigation).
pub async fn can_view(svc: &Services, actor: &Actor) -> ServiceResult<bool> {
    let mut pc = svc.db.acquire().await?;
    may_view(&mut pc.conn(), actor, uk_date(svc.now())).await
}

async fn load_notification(
    c: &mut Conn<'_>,
    actor: &Actor,
    id: Uuid,
    today: NaiveDate,
) -> ServiceResult<NotificationRow> {
    if !may_view(c, actor, today).await? {
        return Err(ServiceError::NotFound);
    }
    store::find_notification(c, actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

async fn view_entry(
    tx: &mut Tx,
    actor: &Actor,
    target_type: &str,
    id: Option<Uuid>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let e = actor.entry("case_review.view", target_type, id.map(|i| i.to_string()));
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(())
}

/// The panel dashboard: every open notification and rapid review with its clocks, and the open
/// practice reviews with theirs (audited view).
pub async fn dashboard(svc: &Services, actor: &Actor) -> ServiceResult<Dashboard> {
    let now = svc.now();
    let today = uk_date(now);
    let cal = crate::calendar::load(svc).await?;
    // The reads on a pooled connection; only the view's audit entry takes a write transaction, so
    // views do not hold the write lock (SQLite) or the chain's row (PostgreSQL) while they read.
    let mut pc = svc.db.acquire().await?;
    require_view(&mut pc.conn(), actor, today).await?;
    let open =
        store::list_notifications(&mut pc.conn(), actor.partnership_id, true, DASHBOARD_LIMIT)
            .await?;
    let clocks =
        store::open_deadlines(&mut pc.conn(), actor.partnership_id, DASHBOARD_LIMIT * 2).await?;
    let stages = store::open_rapid_review_stages(&mut pc.conn(), actor.partnership_id).await?;
    let mut rows = Vec::with_capacity(open.len());
    for n in open {
        let rr = stages
            .iter()
            .find(|r| r.notification_id == n.notification_id)
            .map(|r| RapidReviewRow {
                decision: r.decision.clone(),
                sent_to_panel_on: r.sent_to_panel_on,
                panel_outcome: r.panel_outcome.clone(),
                ..Default::default()
            });
        let open_deadlines: Vec<DeadlineView> = clocks
            .iter()
            .filter(|d| d.subject_type == SUBJECT_NOTIFICATION && d.subject_id == n.notification_id)
            .filter_map(|d| view_of(&cal, d, today))
            .collect();
        rows.push(DashboardRow {
            stage: stage(&n, rr.as_ref()),
            notification: n,
            open_deadlines,
        });
    }
    rows.sort_by_key(|r| {
        (
            r.next_due().is_none(),
            r.next_due(),
            r.notification.reference.clone(),
        )
    });
    let practice_reviews =
        crate::practice_reviews::open_summaries(&mut pc.conn(), &cal, actor.partnership_id, today)
            .await?;
    drop(pc);
    let mut tx = svc.db.begin().await?;
    view_entry(&mut tx, actor, "case_review_dashboard", None, now).await?;
    tx.commit().await?;
    Ok(Dashboard {
        rows,
        practice_reviews,
        today,
    })
}

/// A notification with its children, rapid review and clocks (audited view). `NotFound` for anyone
/// who may not see it.
pub async fn get(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<NotificationView> {
    let now = svc.now();
    let today = uk_date(now);
    let cal = crate::calendar::load(svc).await?;
    let mut tx = svc.db.begin().await?;
    let n = load_notification(&mut tx.conn(), actor, id, today).await?;
    let p = actor.partnership_id;
    let children = store::children(&mut tx.conn(), p, id).await?;
    let rapid_review = store::rapid_review(&mut tx.conn(), p, id).await?;
    let agencies = store::agencies(&mut tx.conn(), p, id).await?;
    let sign_off = match rapid_review.as_ref().and_then(|r| r.sign_off_id) {
        Some(s) => safeguard_store::signoffs::find(&mut tx.conn(), p, SignOffId(s)).await?,
        None => None,
    };
    let deadlines = store::deadlines(&mut tx.conn(), p, SUBJECT_NOTIFICATION, id)
        .await?
        .iter()
        .filter_map(|d| view_of(&cal, d, today))
        .collect();
    view_entry(&mut tx, actor, "case_notification", Some(id), now).await?;
    tx.commit().await?;
    Ok(NotificationView {
        rapid_review_required: rapid_review_required(n.care_leaver_death, n.rapid_review_chosen),
        stage: stage(&n, rapid_review.as_ref()),
        notification: n,
        children,
        rapid_review,
        agencies,
        sign_off,
        deadlines,
        can_manage: actor.can(Permission::ManageCaseReviews),
        can_reveal: actor.can(Permission::ViewChildIdentities),
        today,
    })
}

fn write_of(n: &Notification) -> NotificationWrite<'_> {
    NotificationWrite {
        reference: &n.reference,
        summary: &n.summary,
        aware_on: n.aware_on,
        notified_on: n.notified_on,
        partners_informed_on: n.partners_informed_on,
        death: n.death,
        serious_harm: n.serious_harm,
        abuse_or_neglect: n.abuse_or_neglect.slug(),
        location: n.location.slug(),
        looked_after_death: n.looked_after_death,
        care_leaver_death: n.care_leaver_death,
        resident_elsewhere: n.resident_elsewhere,
        decided_by: &n.decided_by,
        other_children_note: &n.other_children_note,
        rapid_review_chosen: n.rapid_review_chosen,
    }
}

fn notification_json(n: &Notification) -> serde_json::Value {
    json!({
        "reference": n.reference,
        "aware_on": n.aware_on,
        "notified_on": n.notified_on,
        "partners_informed_on": n.partners_informed_on,
        "death": n.death,
        "serious_harm": n.serious_harm,
        "abuse_or_neglect": n.abuse_or_neglect.slug(),
        "location": n.location.slug(),
        "looked_after_death": n.looked_after_death,
        "care_leaver_death": n.care_leaver_death,
        "resident_elsewhere": n.resident_elsewhere,
        "rapid_review_chosen": n.rapid_review_chosen,
        "decided_by": n.decided_by,
    })
}

/// Rewrites a notification's clocks and its closed flag from its stored dates.
pub(crate) async fn sync(
    tx: &mut Tx,
    cal: &Calendar,
    p: PartnershipId,
    id: Uuid,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let n = store::find_notification(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let rr = store::rapid_review(&mut tx.conn(), p, id).await?;
    let required = rapid_review_required(n.care_leaver_death, n.rapid_review_chosen);
    let sent = rr.as_ref().and_then(|r| r.sent_to_panel_on);
    let clocks =
        notification_deadlines(cal, n.aware_on, n.notified_on, required, sent).map_err(|_| {
            ValidationErrors::single(
                "aware_on",
                "The deadlines fall outside the working-day calendar (2000 to 2040)",
            )
        })?;
    let rows: Vec<DeadlineWrite<'_>> = clocks
        .iter()
        .map(|d| DeadlineWrite {
            rule: d.rule.slug(),
            basis_on: d.basis,
            due_on: d.due,
            met_on: d.met_on,
        })
        .collect();
    store::replace_deadlines(&mut tx.conn(), p, SUBJECT_NOTIFICATION, id, &rows, now).await?;
    let closed = n.notified_on.is_some()
        && (!required || rr.as_ref().is_some_and(|r| r.panel_outcome.is_some()));
    store::set_closed(&mut tx.conn(), p, id, closed).await?;
    Ok(())
}

async fn check_reference(
    c: &mut Conn<'_>,
    p: PartnershipId,
    n: &Notification,
    except: Option<Uuid>,
) -> ServiceResult<()> {
    if store::reference_taken(c, p, &n.reference, except).await? {
        return Err(ValidationErrors::single(
            "reference",
            "Another notification already has this reference",
        )
        .into());
    }
    Ok(())
}

/// Records a notification (`ManageCaseReviews`) and starts its clocks.
pub async fn create(
    svc: &Services,
    actor: &Actor,
    input: &NotificationInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageCaseReviews)?;
    let now = svc.now();
    let n = Notification::parse(input, uk_date(now))?;
    let cal = crate::calendar::load(svc).await?;
    let mut tx = svc.db.begin().await?;
    let id = create_in_tx(&mut tx, &cal, actor, &n, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Records a valid notification inside the caller's transaction (the demo uses it too).
pub(crate) async fn create_in_tx(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    n: &Notification,
    now: DateTime<Utc>,
) -> ServiceResult<Uuid> {
    let p = actor.partnership_id;
    check_reference(&mut tx.conn(), p, n, None).await?;
    let id = Uuid::new_v4();
    store::insert_notification(&mut tx.conn(), p, id, &write_of(n), actor.person_id, now).await?;
    sync(tx, cal, p, id, now).await?;
    let mut e = actor.entry(
        "case_review.notification.create",
        "case_notification",
        Some(id.to_string()),
    );
    e.after = Some(notification_json(n).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(id)
}

/// The values a notification's form shows for the stored record.
pub fn notification_input(n: &NotificationRow) -> NotificationInput {
    let yes = |b: bool| if b { "yes".to_owned() } else { String::new() };
    let iso = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    NotificationInput {
        reference: n.reference.clone(),
        summary: n.summary.clone(),
        aware_on: n.aware_on.to_string(),
        notified_on: iso(n.notified_on),
        partners_informed_on: iso(n.partners_informed_on),
        harm: if n.death { "death" } else { "serious_harm" }.to_owned(),
        abuse_or_neglect: n.abuse_or_neglect.clone(),
        location: n.location.clone(),
        looked_after_death: yes(n.looked_after_death),
        care_leaver_death: yes(n.care_leaver_death),
        resident_elsewhere: yes(n.resident_elsewhere),
        rapid_review_chosen: yes(n.rapid_review_chosen),
        decided_by: n.decided_by.clone(),
        other_children_note: n.other_children_note.clone(),
    }
}

/// Changes a notification (`ManageCaseReviews`) and rewrites its clocks. The change is made against
/// the version it was built from: a stale version is a `Conflict` ([`NOTIFICATION_CONFLICT`]) and
/// nothing changes. Fields left out of the patch keep their saved values.
pub async fn update(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    patch: &NotificationPatch,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    let now = svc.now();
    let cal = crate::calendar::load(svc).await?;
    let mut tx = svc.db.begin().await?;
    let before = load_notification(&mut tx.conn(), actor, id, uk_date(now)).await?;
    let mut errors = ValidationErrors::new();
    let version = parse_version(&mut errors, patch.version(), false);
    let n = match (
        Notification::parse(&patch.over(notification_input(&before)), uk_date(now)),
        version,
    ) {
        (Ok(n), Some(_)) => n,
        (Err(mut e), _) => {
            e.0.extend(errors.0);
            return Err(e.into());
        }
        (Ok(_), None) => return Err(errors.into()),
    };
    let version = version.unwrap_or_default();
    if version != before.version {
        return Err(ServiceError::Conflict(NOTIFICATION_CONFLICT.to_owned()));
    }
    let p = actor.partnership_id;
    check_reference(&mut tx.conn(), p, &n, Some(id)).await?;
    if let Some(sent) = store::rapid_review(&mut tx.conn(), p, id)
        .await?
        .and_then(|r| r.sent_to_panel_on)
        && n.notified_on.is_none_or(|d| d > sent)
    {
        return Err(ValidationErrors::single(
            "notified_on",
            "The date notified to the National Panel must be on or before the date the rapid review was sent",
        )
        .into());
    }
    if !store::update_notification(&mut tx.conn(), p, id, &write_of(&n), version, now).await? {
        return Err(ServiceError::Conflict(NOTIFICATION_CONFLICT.to_owned()));
    }
    sync(&mut tx, &cal, p, id, now).await?;
    let mut e = actor.entry(
        "case_review.notification.update",
        "case_notification",
        Some(id.to_string()),
    );
    e.before = Some(
        json!({"reference": before.reference, "aware_on": before.aware_on, "notified_on": before.notified_on, "version": before.version})
            .to_string(),
    );
    let mut after = notification_json(&n);
    after["version"] = json!(version + 1);
    e.after = Some(after.to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a child to a notification (`ManageCaseReviews`): the next letter, at most four; the
/// identifiers go to the restricted table and never into the audit entry. Returns the letter.
pub async fn add_child(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &ChildInput,
) -> ServiceResult<&'static str> {
    actor.require(Permission::ManageCaseReviews)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    load_notification(&mut tx.conn(), actor, id, uk_date(now)).await?;
    let child = Child::parse(input, uk_date(now))?;
    let letter = add_child_in_tx(&mut tx, actor, id, &child, now).await?;
    tx.commit().await?;
    Ok(letter)
}

/// Adds a valid child inside the caller's transaction (the demo uses it too).
pub(crate) async fn add_child_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    id: Uuid,
    child: &Child,
    now: DateTime<Utc>,
) -> ServiceResult<&'static str> {
    let p = actor.partnership_id;
    let used: Vec<String> = store::children(&mut tx.conn(), p, id)
        .await?
        .into_iter()
        .map(|c| c.letter)
        .collect();
    let Some(letter) = next_letter(&used) else {
        return Err(ValidationErrors::single(
            "age_description",
            format!("A notification lists at most {MAX_CHILDREN} children: describe any others in the note on other children"),
        )
        .into());
    };
    let child_id = Uuid::new_v4();
    store::insert_child(
        &mut tx.conn(),
        p,
        &ChildWrite {
            id: child_id,
            notification_id: id,
            letter,
            age_description: &child.age_description,
            full_name: &child.full_name,
            date_of_birth: child.date_of_birth,
            case_reference: &child.case_reference,
        },
        now,
    )
    .await?;
    let mut e = actor.entry(
        "case_review.child.add",
        "case_notification",
        Some(id.to_string()),
    );
    e.after = Some(json!({"case_child_id": child_id, "letter": letter, "age_description": child.age_description}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(letter)
}

/// The real identities of a notification's children (`ViewChildIdentities`, and the view rule);
/// writes `case_review.identities.reveal`.
pub async fn reveal(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<(NotificationRow, Vec<IdentityRow>)> {
    actor.require(Permission::ViewChildIdentities)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let n = load_notification(&mut tx.conn(), actor, id, uk_date(now)).await?;
    let rows = store::identities(&mut tx.conn(), actor.partnership_id, id).await?;
    let mut e = actor.entry(
        "case_review.identities.reveal",
        "case_notification",
        Some(id.to_string()),
    );
    e.after = Some(
        json!({"letters": rows.iter().map(|r| r.letter.clone()).collect::<Vec<_>>()}).to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok((n, rows))
}

/// Loads a notification for a rapid review change: it must need a rapid review and have been
/// notified (no rapid review without a notification).
async fn for_rapid_review(
    tx: &mut Tx,
    actor: &Actor,
    id: Uuid,
    today: NaiveDate,
) -> ServiceResult<(NotificationRow, RapidReviewRow)> {
    actor.require(Permission::ManageCaseReviews)?;
    let n = load_notification(&mut tx.conn(), actor, id, today).await?;
    if !rapid_review_required(n.care_leaver_death, n.rapid_review_chosen) {
        return Err(ServiceError::Conflict(
            "No rapid review is required for a care leaver's death unless the partners choose one"
                .into(),
        ));
    }
    if n.notified_on.is_none() {
        return Err(ServiceError::Conflict(
            "Record the date the National Panel was notified first: there is no rapid review without a notification".into(),
        ));
    }
    let rr = store::rapid_review(&mut tx.conn(), actor.partnership_id, id)
        .await?
        .unwrap_or_else(|| RapidReviewRow {
            notification_id: id,
            ..Default::default()
        });
    Ok((n, rr))
}

/// Writes the rapid review row made from `rr.version` with its audit entry; a stale version is a
/// `Conflict` ([`RAPID_REVIEW_CONFLICT`]) and nothing is written.
pub(crate) async fn save_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    rr: &RapidReviewRow,
    action: &str,
    mut after: serde_json::Value,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if !store::save_rapid_review(&mut tx.conn(), actor.partnership_id, rr, now).await? {
        return Err(ServiceError::Conflict(RAPID_REVIEW_CONFLICT.to_owned()));
    }
    let mut e = actor.entry(action, "rapid_review", Some(rr.notification_id.to_string()));
    after["version"] = json!(rr.version + 1);
    e.after = Some(after.to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(())
}

/// The values the rapid review content form shows for the stored row (or an empty one).
pub fn content_input(rr: Option<&RapidReviewRow>) -> RapidReviewInput {
    let x = rr.cloned().unwrap_or_default();
    RapidReviewInput {
        facts: x.facts,
        key_practice_episodes: x.key_practice_episodes,
        immediate_actions: x.immediate_actions,
        learning: x.learning,
        context: x.context,
        reg11_a: x.reg11_a,
        reg11_a_rationale: x.reg11_a_rationale,
        reg11_b: x.reg11_b,
        reg11_b_rationale: x.reg11_b_rationale,
        reg11_c: x.reg11_c,
        reg11_c_rationale: x.reg11_c_rationale,
        reg11_d: x.reg11_d,
        reg11_d_rationale: x.reg11_d_rationale,
        panel_meeting_on: x
            .panel_meeting_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
    }
}

/// The values the decision form shows for the stored row (or an empty one).
pub fn decision_input(rr: Option<&RapidReviewRow>) -> DecisionInput {
    let x = rr.cloned().unwrap_or_default();
    DecisionInput {
        decision: x.decision.unwrap_or_default(),
        other_learning_route: x.other_learning_route,
        rationale: x.decision_rationale,
        decided_on: x.decided_on.map(|d| d.to_string()).unwrap_or_default(),
    }
}

/// The values the sending-and-response form shows for the stored row (or an empty one).
pub fn panel_input(rr: Option<&RapidReviewRow>) -> PanelInput {
    let x = rr.cloned().unwrap_or_default();
    let iso = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    PanelInput {
        sent_to_panel_on: iso(x.sent_to_panel_on),
        panel_response_on: iso(x.panel_response_on),
        panel_outcome: x.panel_outcome.unwrap_or_default(),
        panel_response_note: x.panel_response_note,
    }
}

/// Parses a rapid review form's merged values and its version (0 for a review not yet started) and
/// checks the version against the stored row's: invalid input is `Invalid` (with the version's error
/// if any), a stale version `Conflict`.
fn checked_version<T>(
    parsed: Result<T, ValidationErrors>,
    version: Option<&str>,
    current: i64,
) -> ServiceResult<T> {
    let mut errors = ValidationErrors::new();
    let v = parse_version(&mut errors, version.unwrap_or(""), true);
    match (parsed, v) {
        (Err(mut e), _) => {
            e.0.extend(errors.0);
            Err(e.into())
        }
        (Ok(_), None) => Err(errors.into()),
        (Ok(_), Some(v)) if v != current => {
            Err(ServiceError::Conflict(RAPID_REVIEW_CONFLICT.to_owned()))
        }
        (Ok(t), Some(_)) => Ok(t),
    }
}

/// Records the rapid review's content (`ManageCaseReviews`), against the version the form was built
/// from (stale: `Conflict`, nothing changes). Fields left out of the patch keep their saved values,
/// so an empty or partial submission never clears anything.
pub async fn save_content(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    patch: &RapidReviewPatch,
) -> ServiceResult<()> {
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let (_, mut rr) = for_rapid_review(&mut tx, actor, id, uk_date(now)).await?;
    let c = checked_version(
        RapidReviewContent::parse(&patch.over(content_input(Some(&rr))), uk_date(now)),
        patch.version.as_deref(),
        rr.version,
    )?;
    rr.facts = c.facts;
    rr.key_practice_episodes = c.key_practice_episodes;
    rr.immediate_actions = c.immediate_actions;
    rr.learning = c.learning;
    rr.context = c.context;
    let [a, b, cc, d] = c.reg11;
    (rr.reg11_a, rr.reg11_a_rationale) = a;
    (rr.reg11_b, rr.reg11_b_rationale) = b;
    (rr.reg11_c, rr.reg11_c_rationale) = cc;
    (rr.reg11_d, rr.reg11_d_rationale) = d;
    rr.panel_meeting_on = c.panel_meeting_on;
    let after = json!({"reg11": [&rr.reg11_a, &rr.reg11_b, &rr.reg11_c, &rr.reg11_d], "panel_meeting_on": rr.panel_meeting_on});
    save_in_tx(
        &mut tx,
        actor,
        &rr,
        "case_review.rapid_review.content",
        after,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records the partners' decision (`ManageCaseReviews`); the rationale is required. Against the
/// version the form was built from (stale: `Conflict`); fields left out keep their saved values.
pub async fn decide(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    patch: &DecisionPatch,
) -> ServiceResult<()> {
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let (n, mut rr) = for_rapid_review(&mut tx, actor, id, uk_date(now)).await?;
    let d = checked_version(
        Decision::parse(&patch.over(decision_input(Some(&rr))), uk_date(now)),
        patch.version.as_deref(),
        rr.version,
    )?;
    if n.notified_on.is_some_and(|x| d.decided_on < x) {
        return Err(ValidationErrors::single(
            "decided_on",
            "The date of the decision must be the same as or after the date the National Panel was notified",
        )
        .into());
    }
    rr.decision = Some(d.decision.slug().to_owned());
    rr.other_learning_route = d.other_learning_route;
    rr.decision_rationale = d.rationale;
    rr.decided_on = Some(d.decided_on);
    let after = json!({"decision": rr.decision, "decided_on": rr.decided_on, "other_learning_route": rr.other_learning_route});
    save_in_tx(
        &mut tx,
        actor,
        &rr,
        "case_review.rapid_review.decision",
        after,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records the date sent to the National Panel and its response (`ManageCaseReviews`); meets the
/// rapid review clock. Sending late is recorded, never refused. Against the version the form was
/// built from (stale: `Conflict`); fields left out keep their saved values.
pub async fn record_panel(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    patch: &PanelPatch,
) -> ServiceResult<()> {
    let now = svc.now();
    let cal = crate::calendar::load(svc).await?;
    let mut tx = svc.db.begin().await?;
    let (n, mut rr) = for_rapid_review(&mut tx, actor, id, uk_date(now)).await?;
    let x = checked_version(
        PanelExchange::parse(
            &patch.over(panel_input(Some(&rr))),
            n.notified_on,
            uk_date(now),
        ),
        patch.version.as_deref(),
        rr.version,
    )?;
    if x.sent_to_panel_on.is_some() && rr.decision.is_none() {
        return Err(ValidationErrors::single(
            "sent_to_panel_on",
            "Record the partners' decision before the date the rapid review was sent",
        )
        .into());
    }
    rr.sent_to_panel_on = x.sent_to_panel_on;
    rr.panel_response_on = x.panel_response_on;
    rr.panel_outcome = x.panel_outcome.map(|o| o.slug().to_owned());
    rr.panel_response_note = x.panel_response_note;
    let after = json!({"sent_to_panel_on": rr.sent_to_panel_on, "panel_response_on": rr.panel_response_on, "panel_outcome": rr.panel_outcome});
    save_in_tx(
        &mut tx,
        actor,
        &rr,
        "case_review.rapid_review.panel",
        after,
        now,
    )
    .await?;
    sync(&mut tx, &cal, actor.partnership_id, id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// An agency summary as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct AgencyInput {
    /// The organisation asked.
    #[serde(default)]
    pub organisation_id: String,
    /// Date asked (YYYY-MM-DD).
    #[serde(default)]
    pub requested_on: String,
    /// Date received (YYYY-MM-DD), optional.
    #[serde(default)]
    pub received_on: String,
}

/// Records an agency summary request or its receipt (`ManageCaseReviews`).
pub async fn record_agency(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &AgencyInput,
) -> ServiceResult<()> {
    let now = svc.now();
    let today = uk_date(now);
    let mut e = ValidationErrors::new();
    let org: Option<Uuid> = input.organisation_id.trim().parse().ok();
    if org.is_none() {
        e.add("organisation_id", "Select the agency");
    }
    let requested = optional_date(
        &mut e,
        "requested_on",
        &input.requested_on,
        "The date the summary was requested",
        today,
    );
    if input.requested_on.trim().is_empty() {
        e.add("requested_on", "Enter the date the summary was requested");
    }
    let received = optional_date(
        &mut e,
        "received_on",
        &input.received_on,
        "The date the summary was received",
        today,
    );
    if let (Some(a), Some(b)) = (requested, received)
        && b < a
    {
        e.add(
            "received_on",
            "The date received must be the same as or after the date requested",
        );
    }
    let mut tx = svc.db.begin().await?;
    for_rapid_review(&mut tx, actor, id, today).await?;
    if let Some(o) = org
        && organisations::find_in_partnership(
            &mut tx.conn(),
            actor.partnership_id,
            safeguard_domain::OrganisationId(o),
        )
        .await?
        .is_none()
    {
        e.add("organisation_id", "Select an agency of this partnership");
    }
    let (Some(org), Some(requested), true) = (org, requested, e.is_empty()) else {
        return Err(e.into());
    };
    // the row the summaries hang on (its content and version untouched)
    store::ensure_rapid_review(&mut tx.conn(), actor.partnership_id, id, now).await?;
    store::save_agency(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        org,
        requested,
        received,
    )
    .await?;
    let mut en = actor.entry(
        "case_review.rapid_review.agency",
        "rapid_review",
        Some(id.to_string()),
    );
    en.after = Some(
        json!({"organisation_id": org, "requested_on": requested, "received_on": received})
            .to_string(),
    );
    audit_log::append(&mut tx.conn(), &en, now).await?;
    tx.commit().await?;
    Ok(())
}

/// An extension as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct ExtensionInput {
    /// "notify_panel" or "rapid_review".
    #[serde(default)]
    pub rule: String,
    /// The new due date (YYYY-MM-DD).
    #[serde(default)]
    pub extended_to: String,
    /// Why (required).
    #[serde(default)]
    pub extension_reason: String,
}

/// Extends a clock of a notification to a later date with a reason (`ManageCaseReviews`).
pub async fn extend(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &ExtensionInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    load_notification(&mut tx.conn(), actor, id, uk_date(now)).await?;
    let p = actor.partnership_id;
    let rows = store::deadlines(&mut tx.conn(), p, SUBJECT_NOTIFICATION, id).await?;
    let Some(mut d) = rows
        .iter()
        .find(|r| r.rule == input.rule.trim())
        .and_then(deadline_of)
    else {
        return Err(
            ValidationErrors::single("rule", "Select a deadline of this notification").into(),
        );
    };
    let mut e = ValidationErrors::new();
    let to = crate::calendar::parse_field_date(
        &mut e,
        "extended_to",
        &input.extended_to,
        "the new due date",
    );
    let Some(to) = to else {
        return Err(e.into());
    };
    d.extend(to, &input.extension_reason)?;
    let reason = d
        .extension
        .as_ref()
        .map(|(_, r)| r.clone())
        .unwrap_or_default();
    store::extend_deadline(
        &mut tx.conn(),
        p,
        SUBJECT_NOTIFICATION,
        id,
        d.rule.slug(),
        (to, &reason),
        now,
    )
    .await?;
    let mut en = actor.entry(
        "case_review.deadline.extend",
        "case_notification",
        Some(id.to_string()),
    );
    en.after =
        Some(json!({"rule": d.rule.slug(), "extended_to": to, "reason": reason}).to_string());
    audit_log::append(&mut tx.conn(), &en, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Asks the three lead partners to sign the rapid review off through the sign-off module
/// (`ManageCaseReviews` and `RequestSignOffs`): needs the decision first; once per rapid review
/// (a returned item is re-requested from the sign-off page). Returns the sign-off.
pub async fn request_sign_off(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<SignOffId> {
    actor.require(Permission::RequestSignOffs)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let (n, rr) = for_rapid_review(&mut tx, actor, id, uk_date(now)).await?;
    if rr.decision.is_none() {
        return Err(ServiceError::Conflict(
            "Record the partners' decision before asking them to sign the rapid review off".into(),
        ));
    }
    if rr.sign_off_id.is_some() {
        return Err(ServiceError::Conflict(
            "The lead partners have already been asked to sign this rapid review off".into(),
        ));
    }
    let new = NewSignOff {
        kind: SignOffKind::RapidReview,
        title: format!("Rapid review {}", n.reference),
        description: format!(
            "The rapid review of notification {} and the partners' decision, before it is sent to the National Panel.",
            n.reference
        ),
        file_id: None,
        funding_year_id: None,
    };
    let sid =
        crate::signoffs::request_in_tx(svc, &mut tx, actor, SignOffId::new(), &new, now).await?;
    store::ensure_rapid_review(&mut tx.conn(), actor.partnership_id, id, now).await?;
    store::set_sign_off(&mut tx.conn(), actor.partnership_id, id, sid.0).await?;
    tx.commit().await?;
    Ok(sid)
}

/// The weekly case review digest: to each current member of a partnership's case review panel, the
/// notification and rapid review deadlines due within [`DUE_SOON_WORKING_DAYS`] working days or
/// overdue (references and dates only, never a child). Queued through the outbox; returns the number
/// of emails. Run with the weekly action digest.
pub async fn weekly_digest(svc: &Services, now: DateTime<Utc>) -> ServiceResult<usize> {
    let today = uk_date(now);
    let cal = crate::calendar::load(svc).await?;
    let Ok(until) = cal.add_working_days(today, DUE_SOON_WORKING_DAYS.unsigned_abs() as u32) else {
        return Ok(0);
    };
    let lines = {
        let mut pc = svc.db.acquire().await?;
        store::digest_deadlines(&mut pc.conn(), until).await?
    };
    let base = svc.config.public_url.trim_end_matches('/').to_owned();
    let mut tx = svc.db.begin().await?;
    let mut sent = 0;
    for chunk in lines.chunk_by(|a, b| a.partnership_id == b.partnership_id) {
        let Some(first) = chunk.first() else { continue };
        let p = PartnershipId(first.partnership_id);
        let mut body = String::new();
        for l in chunk {
            let due = l.extended_to.unwrap_or(l.due_on);
            let rule = DeadlineRule::parse(&l.rule).map_or("Deadline", DeadlineRule::label);
            body.push_str(&format!(
                "- {}{}: {}\n  Due {}\n  {base}/case-reviews/{}\n\n",
                if due < today { "OVERDUE: " } else { "" },
                l.reference,
                rule,
                due.format("%-d %B %Y"),
                l.subject_id
            ));
        }
        for r in store::panel_recipients(&mut tx.conn(), p, today).await? {
            let text = format!(
                "Dear {},\n\nThese case review deadlines of {} are overdue or due in the next {} working days:\n\n{body}See the panel dashboard at {base}/case-reviews\n",
                r.name, first.partnership_name, DUE_SOON_WORKING_DAYS
            );
            safeguard_store::outbox::enqueue(
                &mut tx.conn(),
                Some(p),
                &r.email,
                &format!(
                    "{}: case review deadlines this week ({})",
                    svc.config.service_name,
                    chunk.len()
                ),
                &text,
                now,
            )
            .await?;
            sent += 1;
        }
    }
    tx.commit().await?;
    Ok(sent)
}
