//! Case reviews: the panel dashboard, a notification's page, and the forms to record a notification,
//! its children, the rapid review, agency summaries, the decision, the partners' sign-off request,
//! sending to the National Panel and its response, and deadline extensions. Children's identities
//! are shown only on the page a reveal (POST, audited) answers with.

use crate::error::AppError;
use crate::layout::Layout;
use crate::pages::{
    NoticeQuery, PageResult, date_input, esc, html, html_status, notice_text, parse_id, radios,
    see_other,
};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use safeguard_domain::ValidationErrors;
use safeguard_domain::case_reviews::{
    AbuseOrNeglect, ChildInput, DeadlineRule, DeadlineState, DecisionInput, DecisionPatch,
    IncidentLocation, NotificationInput, NotificationPatch, PanelInput, PanelOutcome, PanelPatch,
    REG11, RapidReviewInput, RapidReviewPatch, ReviewDecision,
};
use safeguard_domain::policy::Permission;
use safeguard_service::auth::Identity;
use safeguard_service::case_reviews::{
    AgencyInput, DeadlineView, ExtensionInput, NOTIFICATION_CONFLICT, NotificationView,
    RAPID_REVIEW_CONFLICT, content_input, decision_input, notification_input, panel_input,
};
use safeguard_service::{Actor, ServiceError};
use safeguard_store::case_reviews::NotificationRow;
use safeguard_ui::components::{
    Button, Select, SelectItem, SummaryList, SummaryRow, Table, TableCell, Tag, TagColour,
    TextInput, Textarea,
};
use uuid::Uuid;

fn date_text(d: Option<NaiveDate>) -> String {
    d.map_or_else(
        || "Not yet".to_owned(),
        |d| d.format("%-d %B %Y").to_string(),
    )
}

/// The state tag of a clock (with "Extended" when it is).
pub fn state_tag(d: &DeadlineView) -> String {
    let colour = match d.state {
        DeadlineState::OnTime => TagColour::Blue,
        DeadlineState::DueSoon => TagColour::Yellow,
        DeadlineState::Overdue => TagColour::Red,
        DeadlineState::Met => TagColour::Green,
        DeadlineState::MetLate => TagColour::Orange,
    };
    let mut out = Tag::new(d.state.label())
        .colour(colour)
        .render()
        .unwrap_or_default();
    if d.extended_to.is_some() {
        out.push(' ');
        out.push_str(
            &Tag::new("Extended")
                .colour(TagColour::Grey)
                .render()
                .unwrap_or_default(),
        );
    }
    out
}

fn remaining_text(d: &DeadlineView) -> String {
    match d.working_days_remaining {
        None => format!("Met on {}", date_text(d.met_on)),
        Some(0) => "Due today".to_owned(),
        Some(1) => "1 working day".to_owned(),
        Some(n) if n > 0 => format!("{n} working days"),
        Some(-1) => "1 working day overdue".to_owned(),
        Some(n) => format!("{} working days overdue", -n),
    }
}

fn due_text(d: &DeadlineView) -> String {
    match d.extended_to {
        Some(x) => format!(
            "{} (extended from {})",
            date_text(Some(x)),
            date_text(Some(d.due_on))
        ),
        None => date_text(Some(d.due_on)),
    }
}

fn reference_link(n: &NotificationRow) -> TableCell {
    TableCell::html(format!(
        "<a class=\"govuk-link\" href=\"/case-reviews/{}\">{}</a>",
        n.notification_id,
        esc(&n.reference)
    ))
}

#[derive(Template)]
#[template(path = "case_reviews/dashboard.html")]
struct DashboardPage {
    l: Layout,
    table: Table,
    count: usize,
    can_manage: bool,
    /// Open practice reviews (stage and working days left on their clocks).
    reviews: Table,
    review_count: usize,
}

/// The panel dashboard: every open notification and rapid review, soonest due first.
pub async fn dashboard(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let d = safeguard_service::case_reviews::dashboard(&s.svc, &actor).await?;
    let mut table = Table::new()
        .caption(format!(
            "{} open {}",
            d.rows.len(),
            if d.rows.len() == 1 {
                "notification"
            } else {
                "notifications"
            }
        ))
        .head([
            "Notification",
            "Stage",
            "Deadline",
            "Due",
            "Working days left",
            "State",
        ]);
    for r in &d.rows {
        let next = r.open_deadlines.first();
        table = table.row([
            reference_link(&r.notification),
            TableCell::new(r.stage),
            TableCell::new(next.map_or("None open", |x| x.rule.label())),
            TableCell::new(next.map(due_text).unwrap_or_default()),
            TableCell::new(next.map(remaining_text).unwrap_or_default()),
            TableCell::html(next.map(state_tag).unwrap_or_default()),
        ]);
    }
    html(&DashboardPage {
        l: Layout::new("Case reviews", Some(&identity), "/case-reviews")
            .with_notice(notice_text(q.notice.as_deref())),
        table,
        count: d.rows.len(),
        can_manage: actor.can(Permission::ManageCaseReviews),
        reviews: crate::pages::practice_reviews::reviews_table(
            format!(
                "{} open practice {}",
                d.practice_reviews.len(),
                if d.practice_reviews.len() == 1 {
                    "review"
                } else {
                    "reviews"
                }
            ),
            &d.practice_reviews,
        ),
        review_count: d.practice_reviews.len(),
    })
}

/// One generic form page: heading, intro, fields (rendered components), button.
#[derive(Template)]
#[template(path = "case_reviews/form.html")]
struct FormPage {
    l: Layout,
    csrf: String,
    back: String,
    caption: String,
    heading: String,
    intro: Vec<String>,
    action: String,
    fields: Vec<String>,
    button: Button,
}

fn r<T: Template>(t: T) -> String {
    t.render().unwrap_or_default()
}

fn checked(v: &str) -> bool {
    matches!(v, "yes" | "true" | "on" | "1")
}

/// The notification's flags: one checkbox each (each its own field).
fn flag_boxes(i: &NotificationInput, errors: &ValidationErrors) -> String {
    let boxes = [
        (
            "looked_after_death",
            "The death of a looked-after child",
            &i.looked_after_death,
        ),
        (
            "care_leaver_death",
            "The death of a care leaver aged 24 or under (no rapid review required)",
            &i.care_leaver_death,
        ),
        (
            "rapid_review_chosen",
            "The partners choose a rapid review for this care leaver's death",
            &i.rapid_review_chosen,
        ),
        (
            "resident_elsewhere",
            "The child is normally resident in another area",
            &i.resident_elsewhere,
        ),
    ];
    let error = errors.get("looked_after_death");
    let mut out = format!(
        "<div class=\"govuk-form-group{}\"><fieldset class=\"govuk-fieldset\"><legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">Flags (select all that apply)</legend>",
        if error.is_some() {
            " govuk-form-group--error"
        } else {
            ""
        }
    );
    if let Some(e) = error {
        out.push_str(&format!(
            "<p id=\"looked_after_death-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> {}</p>",
            esc(e)
        ));
    }
    out.push_str(
        "<div class=\"govuk-checkboxes govuk-checkboxes--small\" data-module=\"govuk-checkboxes\">",
    );
    for (name, label, value) in boxes {
        out.push_str(&format!(
            "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" id=\"{name}\" name=\"{name}\" type=\"checkbox\" value=\"yes\"{}><label class=\"govuk-label govuk-checkboxes__label\" for=\"{name}\">{label}</label></div>",
            if checked(value) { " checked" } else { "" }
        ));
    }
    out.push_str("</div></fieldset></div>");
    out
}

fn notification_fields(i: &NotificationInput, e: &ValidationErrors) -> Vec<String> {
    vec![
        r(TextInput::new("reference", "Reference")
            .hint("For example, SIN 2022-03")
            .value(i.reference.clone())
            .error_opt(e.get("reference"))),
        r(Textarea::new("summary", "Summary of the incident")
            .hint("Do not use names: refer to the children as Child A, Child B")
            .value(i.summary.clone())
            .error_opt(e.get("summary"))),
        date_input(
            "aware_on",
            "Date the local authority became aware",
            &i.aware_on,
            e,
        ),
        date_input(
            "notified_on",
            "Date notified to the National Panel (optional until sent)",
            &i.notified_on,
            e,
        ),
        date_input(
            "partners_informed_on",
            "Date local partners were informed (optional)",
            &i.partners_informed_on,
            e,
        ),
        radios(
            "harm",
            "What happened to the child",
            [("death", "The child died"), ("serious_harm", "The child was seriously harmed")],
            &i.harm,
            e,
        ),
        radios(
            "abuse_or_neglect",
            "Abuse or neglect",
            AbuseOrNeglect::ALL.iter().map(|a| (a.slug(), a.label())),
            &i.abuse_or_neglect,
            e,
        ),
        radios(
            "location",
            "Where it happened",
            IncidentLocation::ALL.iter().map(|a| (a.slug(), a.label())),
            &i.location,
            e,
        ),
        flag_boxes(i, e),
        r(TextInput::new("decided_by", "Who decided to notify")
            .hint("For example, Director of Children's Services")
            .value(i.decided_by.clone())
            .error_opt(e.get("decided_by"))),
        r(Textarea::new(
            "other_children_note",
            "Other children involved (optional)",
        )
        .hint("A notification lists at most 4 children; describe any others here, without names")
        .value(i.other_children_note.clone())
        .error_opt(e.get("other_children_note"))),
    ]
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    identity: &Identity,
    title: &str,
    caption: &str,
    back: String,
    action: String,
    intro: Vec<String>,
    fields: Vec<String>,
    button: &str,
    errors: &ValidationErrors,
) -> FormPage {
    FormPage {
        l: Layout::new(title, Some(identity), "/case-reviews").with_errors(errors),
        csrf: identity.csrf_token.clone(),
        back,
        caption: caption.to_owned(),
        heading: title.to_owned(),
        intro,
        action,
        fields,
        button: Button::new(button).prevent_double_click(),
    }
}

/// The end of a form POST: back to the notification with a notice, or the form again with its
/// errors (422).
fn finish<T>(
    result: Result<T, ServiceError>,
    id: Uuid,
    notice: &str,
    page: impl FnOnce(&ValidationErrors) -> FormPage,
) -> PageResult {
    match result {
        Ok(_) => see_other(&format!("/case-reviews/{id}?notice={notice}")),
        Err(ServiceError::Invalid(e)) => respond(&page(&e), &e),
        Err(e) => Err(e.into()),
    }
}

fn respond(page: &FormPage, errors: &ValidationErrors) -> PageResult {
    if errors.is_empty() {
        html(page)
    } else {
        html_status(StatusCode::UNPROCESSABLE_ENTITY, page)
    }
}

/// A hidden form field.
fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        esc(name),
        esc(value)
    )
}

/// How a versioned form POST ended: `None` when saved, or the status and errors to show the form
/// again with: 422 for bad input, 409 for a stale version (the message on `field`, so the error
/// summary links to the form). A form without a usable version has its message on `field` too.
fn reshow(
    result: Result<(), ServiceError>,
    stale: &str,
    field: &str,
) -> Result<Option<(StatusCode, ValidationErrors)>, AppError> {
    match result {
        Ok(()) => Ok(None),
        Err(ServiceError::Invalid(mut e)) => {
            if e.get(field).is_none() {
                for f in &mut e.0 {
                    if f.field == "version" {
                        f.field = field.to_owned();
                    }
                }
            }
            Ok(Some((StatusCode::UNPROCESSABLE_ENTITY, e)))
        }
        Err(ServiceError::Conflict(m)) if m == stale => Ok(Some((
            StatusCode::CONFLICT,
            ValidationErrors::single(field, m),
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The version a re-shown form carries: the current one after a conflict (so saving again is
/// deliberate), otherwise the one submitted (or the current one when none was usable).
fn shown_version(status: StatusCode, submitted: Option<&str>, current: i64) -> i64 {
    if status == StatusCode::CONFLICT {
        return current;
    }
    submitted
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(current)
}

fn new_notification_page(
    identity: &Identity,
    i: &NotificationInput,
    e: &ValidationErrors,
) -> FormPage {
    form_page(
        identity,
        "Record a serious incident notification",
        "Case reviews",
        "/case-reviews".into(),
        "/case-reviews".into(),
        vec!["The National Panel must be notified within 5 working days of the local authority becoming aware.".into()],
        notification_fields(i, e),
        "Save notification",
        e,
    )
}

/// The form to record a notification.
pub async fn new_form(
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let e = ValidationErrors::new();
    respond(
        &new_notification_page(&identity, &NotificationInput::default(), &e),
        &e,
    )
}

/// Records a notification.
pub async fn create(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    form: Result<Form<NotificationInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::case_reviews::create(&s.svc, &actor, &input).await {
        Ok(id) => see_other(&format!("/case-reviews/{id}?notice=notification-saved")),
        Err(ServiceError::Invalid(e)) => respond(&new_notification_page(&identity, &input, &e), &e),
        Err(e) => Err(e.into()),
    }
}

fn edit_page(
    identity: &Identity,
    id: Uuid,
    i: &NotificationInput,
    version: i64,
    e: &ValidationErrors,
) -> FormPage {
    let mut fields = vec![
        hidden("version", &version.to_string()),
        hidden("flags_shown", "yes"),
    ];
    fields.extend(notification_fields(i, e));
    form_page(
        identity,
        "Change the notification",
        &i.reference,
        format!("/case-reviews/{id}"),
        format!("/case-reviews/{id}/edit"),
        vec!["Changing the dates works the deadlines out again.".into()],
        fields,
        "Save changes",
        e,
    )
}

/// The form to change a notification.
pub async fn edit_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    let v = safeguard_service::case_reviews::get(&s.svc, &actor, id).await?;
    let e = ValidationErrors::new();
    respond(
        &edit_page(
            &identity,
            id,
            &notification_input(&v.notification),
            v.notification.version,
            &e,
        ),
        &e,
    )
}

/// Changes a notification, against the version the form was built from: bad input is shown again
/// (422), a stale version shows the person's values again with the current version (409). Fields
/// missing from the form keep their saved values.
pub async fn update(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<NotificationPatch>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(patch) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let Some((status, errors)) = reshow(
        safeguard_service::case_reviews::update(&s.svc, &actor, id, &patch).await,
        NOTIFICATION_CONFLICT,
        "reference",
    )?
    else {
        return see_other(&format!("/case-reviews/{id}?notice=notification-saved"));
    };
    let v = safeguard_service::case_reviews::get(&s.svc, &actor, id).await?;
    let version = shown_version(status, Some(patch.version()), v.notification.version);
    let input = patch.over(notification_input(&v.notification));
    html_status(status, &edit_page(&identity, id, &input, version, &errors))
}

#[derive(Template)]
#[template(path = "case_reviews/show.html")]
struct ShowPage {
    l: Layout,
    csrf: String,
    id: String,
    reference: String,
    summary: SummaryList,
    deadlines: Table,
    children: Table,
    can_add_child: bool,
    other_children: String,
    can_manage: bool,
    can_reveal: bool,
    rapid_review_required: bool,
    rapid_review_open: bool,
    review: Option<SummaryList>,
    agencies: Option<Table>,
    sign_off: Option<(String, String)>,
    can_request_sign_off: bool,
    /// The practice reviews covering the notification, as (href, text).
    practice_reviews: Vec<(String, String)>,
    /// "Commission the practice review", when the decision is a local CSPR and none covers it yet.
    commission: Option<String>,
}

fn yes_no(b: bool) -> &'static str {
    if b { "Yes" } else { "No" }
}

fn text_or_none(s: &str) -> String {
    if s.trim().is_empty() {
        "Not recorded".to_owned()
    } else {
        s.to_owned()
    }
}

fn show_page(
    identity: &Identity,
    actor: &Actor,
    v: &NotificationView,
    notice: Option<&str>,
) -> ShowPage {
    let n = &v.notification;
    let criteria = format!(
        "{}; {}; {}",
        if n.death {
            "The child died"
        } else {
            "The child was seriously harmed"
        },
        AbuseOrNeglect::parse(&n.abuse_or_neglect).map_or("Unknown", AbuseOrNeglect::label),
        IncidentLocation::parse(&n.location).map_or("Unknown", IncidentLocation::label)
    );
    let mut flags = Vec::new();
    if n.looked_after_death {
        flags.push("Looked-after child's death");
    }
    if n.care_leaver_death {
        flags.push("Care leaver's death");
    }
    if n.rapid_review_chosen {
        flags.push("Rapid review chosen");
    }
    if n.resident_elsewhere {
        flags.push("Normally resident elsewhere");
    }
    let summary = SummaryList::new([
        SummaryRow::new("Stage", v.stage),
        SummaryRow::new("Summary", n.summary.clone()),
        SummaryRow::new("Local authority aware", date_text(Some(n.aware_on))),
        SummaryRow::new("Notified to the National Panel", date_text(n.notified_on)),
        SummaryRow::new("Local partners informed", date_text(n.partners_informed_on)),
        SummaryRow::new("Criteria", criteria),
        SummaryRow::new(
            "Flags",
            if flags.is_empty() {
                "None".to_owned()
            } else {
                flags.join(", ")
            },
        ),
        SummaryRow::new("Rapid review required", yes_no(v.rapid_review_required)),
        SummaryRow::new("Decided by", n.decided_by.clone()),
    ]);
    let mut deadlines = Table::new().caption("Deadlines").head([
        "Deadline",
        "From",
        "Due",
        "Working days left",
        "State",
    ]);
    for d in &v.deadlines {
        let mut what = esc(d.rule.label());
        if !d.rule.statutory() {
            what.push_str("<br><span class=\"govuk-body-s\">Expected by the National Panel, not statutory</span>");
        }
        if d.extended_to.is_some() {
            what.push_str(&format!(
                "<br><span class=\"govuk-body-s\">Extended: {}</span>",
                esc(&d.extension_reason)
            ));
        }
        deadlines = deadlines.row([
            TableCell::html(what),
            TableCell::new(date_text(Some(d.basis_on))),
            TableCell::new(due_text(d)),
            TableCell::new(remaining_text(d)),
            TableCell::html(state_tag(d)),
        ]);
    }
    let mut children = Table::new()
        .caption("Children")
        .head(["Child", "Age and sex"]);
    for c in &v.children {
        children = children.row([
            TableCell::new(format!("Child {}", c.letter)),
            TableCell::new(c.age_description.clone()),
        ]);
    }
    let rr = v.rapid_review.as_ref();
    let review = rr.map(|x| {
        let mut rows = vec![
            SummaryRow::new("Facts and agency involvement", text_or_none(&x.facts)),
            SummaryRow::new(
                "Key practice episodes",
                text_or_none(&x.key_practice_episodes),
            ),
            SummaryRow::new(
                "Immediate safety actions",
                text_or_none(&x.immediate_actions),
            ),
            SummaryRow::new("Learning so far", text_or_none(&x.learning)),
            SummaryRow::new("Context", text_or_none(&x.context)),
        ];
        let answers = [
            (&x.reg11_a, &x.reg11_a_rationale),
            (&x.reg11_b, &x.reg11_b_rationale),
            (&x.reg11_c, &x.reg11_c_rationale),
            (&x.reg11_d, &x.reg11_d_rationale),
        ];
        for ((a, why), (letter, _)) in answers.into_iter().zip(REG11) {
            rows.push(SummaryRow::new(
                format!("Regulation 11 ({letter})"),
                match a.as_str() {
                    "" => "Not considered".to_owned(),
                    a => format!("{}: {why}", if a == "yes" { "Yes" } else { "No" }),
                },
            ));
        }
        rows.push(SummaryRow::new(
            "Panel meeting",
            date_text(x.panel_meeting_on),
        ));
        rows.push(SummaryRow::new(
            "Decision",
            x.decision
                .as_deref()
                .and_then(ReviewDecision::parse)
                .map_or_else(|| "Not yet".to_owned(), |d| d.label().to_owned()),
        ));
        if !x.other_learning_route.is_empty() {
            rows.push(SummaryRow::new(
                "Other learning route",
                x.other_learning_route.clone(),
            ));
        }
        if !x.decision_rationale.is_empty() {
            rows.push(SummaryRow::new("Rationale", x.decision_rationale.clone()));
        }
        rows.push(SummaryRow::new("Decided on", date_text(x.decided_on)));
        rows.push(SummaryRow::new(
            "Sent to the National Panel",
            date_text(x.sent_to_panel_on),
        ));
        rows.push(SummaryRow::new(
            "National Panel's response",
            match (
                x.panel_response_on,
                x.panel_outcome.as_deref().and_then(PanelOutcome::parse),
            ) {
                (Some(d), Some(o)) => format!("{} ({})", o.label(), date_text(Some(d))),
                _ => "Not yet".to_owned(),
            },
        ));
        SummaryList::new(rows)
    });
    let agencies = (!v.agencies.is_empty()).then(|| {
        let mut t =
            Table::new()
                .caption("Agency summaries")
                .head(["Agency", "Requested", "Received"]);
        for a in &v.agencies {
            t = t.row([
                TableCell::new(a.organisation_name.clone()),
                TableCell::new(date_text(Some(a.requested_on))),
                TableCell::new(date_text(a.received_on)),
            ]);
        }
        t
    });
    let sign_off = v.sign_off.as_ref().map(|s| {
        (
            format!("/sign-offs/{}", s.sign_off_id),
            match s.status.as_str() {
                "complete" => "Signed off by all three partners".to_owned(),
                "returned" => "Returned by a partner".to_owned(),
                "withdrawn" => "Withdrawn".to_owned(),
                _ => format!("Awaiting the partners ({} of 3 signed)", s.signed_count),
            },
        )
    });
    let rapid_review_open = v.rapid_review_required && n.notified_on.is_some();
    ShowPage {
        l: Layout::new(
            format!("Notification {}", n.reference),
            Some(identity),
            "/case-reviews",
        )
        .with_notice(notice_text(notice)),
        csrf: identity.csrf_token.clone(),
        id: n.notification_id.to_string(),
        reference: n.reference.clone(),
        summary,
        deadlines,
        children,
        can_add_child: v.can_manage
            && v.children.len() < safeguard_domain::case_reviews::MAX_CHILDREN,
        other_children: n.other_children_note.clone(),
        can_manage: v.can_manage,
        can_reveal: v.can_reveal && !v.children.is_empty(),
        rapid_review_required: v.rapid_review_required,
        rapid_review_open,
        review,
        agencies,
        can_request_sign_off: v.can_manage
            && actor.can(Permission::RequestSignOffs)
            && rr.is_some_and(|x| x.decision.is_some() && x.sign_off_id.is_none()),
        sign_off,
        practice_reviews: Vec::new(),
        commission: None,
    }
}

/// A notification's page (the view is audit-logged).
pub async fn show(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let id = parse_id(&id)?;
    let v = safeguard_service::case_reviews::get(&s.svc, &actor, id).await?;
    let mut page = show_page(&identity, &actor, &v, q.notice.as_deref());
    let covering =
        safeguard_service::practice_reviews::for_notification(&s.svc, &actor, id).await?;
    let local_cspr = v.rapid_review.as_ref().and_then(|r| r.decision.as_deref())
        == Some(ReviewDecision::LocalCspr.slug());
    if local_cspr && v.can_manage && !covering.iter().any(|c| c.kind == "local") {
        page.commission = Some(format!("/practice-reviews/new?notification={id}"));
    }
    page.practice_reviews = covering
        .into_iter()
        .map(|c| {
            (
                format!("/practice-reviews/{}", c.review_id),
                format!("Practice review {}", c.reference),
            )
        })
        .collect();
    html(&page)
}

#[derive(Template)]
#[template(path = "case_reviews/identities.html")]
struct IdentitiesPage {
    l: Layout,
    id: String,
    reference: String,
    table: Table,
}

/// Reveals the children's identities (POST, audited) to those allowed.
pub async fn reveal(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let (n, rows) = safeguard_service::case_reviews::reveal(&s.svc, &actor, id).await?;
    let mut table = Table::new().caption("Identities (restricted)").head([
        "Child",
        "Name",
        "Date of birth",
        "Case reference",
    ]);
    for i in &rows {
        table = table.row([
            TableCell::new(format!("Child {}", i.letter)),
            TableCell::new(i.full_name.clone()),
            TableCell::new(i.date_of_birth.map_or_else(
                || "Not recorded".to_owned(),
                |d| d.format("%-d %B %Y").to_string(),
            )),
            TableCell::new(text_or_none(&i.case_reference)),
        ]);
    }
    html(&IdentitiesPage {
        l: Layout::new(
            format!("Children's identities: {}", n.reference),
            Some(&identity),
            "/case-reviews",
        ),
        id: id.to_string(),
        reference: n.reference,
        table,
    })
}

fn child_page(identity: &Identity, id: Uuid, i: &ChildInput, e: &ValidationErrors) -> FormPage {
    form_page(
        identity,
        "Add a child",
        "Case reviews",
        format!("/case-reviews/{id}"),
        format!("/case-reviews/{id}/children"),
        vec![
            "The child is shown as Child A, Child B and so on, in the order they are added.".into(),
            "Their name, date of birth and case reference are restricted: only administrators can see them, and every time they do it is recorded.".into(),
        ],
        vec![
            r(TextInput::new("age_description", "Age and sex")
                .hint("For example, boy aged 7 months. Do not use the child's name")
                .value(i.age_description.clone())
                .error_opt(e.get("age_description"))),
            r(TextInput::new("full_name", "Name (restricted)")
                .value(i.full_name.clone())
                .autocomplete("off")
                .error_opt(e.get("full_name"))),
            date_input("date_of_birth", "Date of birth (restricted, optional)", &i.date_of_birth, e),
            r(TextInput::new("case_reference", "Case reference (restricted, optional)")
                .value(i.case_reference.clone())
                .autocomplete("off")
                .error_opt(e.get("case_reference"))),
        ],
        "Add child",
        e,
    )
}

/// The form to add a child.
pub async fn child_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    safeguard_service::case_reviews::get(&s.svc, &actor, id).await?;
    let e = ValidationErrors::new();
    respond(&child_page(&identity, id, &ChildInput::default(), &e), &e)
}

/// Adds a child.
pub async fn add_child(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<ChildInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    finish(
        safeguard_service::case_reviews::add_child(&s.svc, &actor, id, &input).await,
        id,
        "child-added",
        |e| child_page(&identity, id, &input, e),
    )
}

fn review_page(
    identity: &Identity,
    id: Uuid,
    i: &RapidReviewInput,
    version: i64,
    e: &ValidationErrors,
) -> FormPage {
    let area = |name: &str, label: &str, value: &str| {
        r(Textarea::new(name, label)
            .value(value.to_owned())
            .error_opt(e.get(name)))
    };
    let mut fields = vec![
        hidden("version", &version.to_string()),
        area("facts", "Facts and the agencies' involvement", &i.facts),
        area(
            "key_practice_episodes",
            "Key practice episodes",
            &i.key_practice_episodes,
        ),
        area(
            "immediate_actions",
            "Immediate actions to keep children safe",
            &i.immediate_actions,
        ),
        area("learning", "Learning so far", &i.learning),
        area(
            "context",
            "Context, including racism, other inequalities and disability",
            &i.context,
        ),
    ];
    let answers = [
        (&i.reg11_a, &i.reg11_a_rationale),
        (&i.reg11_b, &i.reg11_b_rationale),
        (&i.reg11_c, &i.reg11_c_rationale),
        (&i.reg11_d, &i.reg11_d_rationale),
    ];
    for ((a, why), (letter, question)) in answers.into_iter().zip(REG11) {
        let name = format!("reg11_{letter}");
        fields.push(radios(
            &name,
            question,
            [("yes", "Yes"), ("no", "No"), ("", "Not yet considered")],
            a,
            e,
        ));
        let rname = format!("reg11_{letter}_rationale");
        fields.push(r(Textarea::new(
            rname.clone(),
            format!("Rationale for ({letter})"),
        )
        .value(why.clone())
        .error_opt(e.get(&rname))));
    }
    fields.push(date_input(
        "panel_meeting_on",
        "Date of the panel meeting (optional)",
        &i.panel_meeting_on,
        e,
    ));
    form_page(
        identity,
        "Record the rapid review",
        "Case reviews",
        format!("/case-reviews/{id}"),
        format!("/case-reviews/{id}/rapid-review"),
        vec!["The rapid review is expected within 15 working days of the notification. This is the National Panel's expectation, not a statutory deadline.".into()],
        fields,
        "Save rapid review",
        e,
    )
}

/// The rapid review form.
pub async fn review_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    let v = safeguard_service::case_reviews::get(&s.svc, &actor, id).await?;
    let rr = v.rapid_review.as_ref();
    let e = ValidationErrors::new();
    respond(
        &review_page(
            &identity,
            id,
            &content_input(rr),
            rr.map_or(0, |r| r.version),
            &e,
        ),
        &e,
    )
}

/// The version of a notification's rapid review now (0 when not started), and the notification,
/// for a form shown again.
async fn current_review(
    s: &AppState,
    actor: &Actor,
    id: Uuid,
) -> Result<(i64, NotificationView), AppError> {
    let v = safeguard_service::case_reviews::get(&s.svc, actor, id).await?;
    Ok((v.rapid_review.as_ref().map_or(0, |r| r.version), v))
}

/// Saves the rapid review's content against the version the form was built from (stale: 409 with
/// the person's text shown again). Fields missing from the form keep their saved values, so an empty
/// or partial submission never clears anything.
pub async fn save_review(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<RapidReviewPatch>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(patch) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let Some((status, errors)) = reshow(
        safeguard_service::case_reviews::save_content(&s.svc, &actor, id, &patch).await,
        RAPID_REVIEW_CONFLICT,
        "facts",
    )?
    else {
        return see_other(&format!("/case-reviews/{id}?notice=rapid-review-saved"));
    };
    let (current, v) = current_review(&s, &actor, id).await?;
    let input = patch.over(content_input(v.rapid_review.as_ref()));
    let version = shown_version(status, patch.version.as_deref(), current);
    html_status(
        status,
        &review_page(&identity, id, &input, version, &errors),
    )
}

fn decision_page(
    identity: &Identity,
    id: Uuid,
    i: &DecisionInput,
    version: i64,
    e: &ValidationErrors,
) -> FormPage {
    form_page(
        identity,
        "Record the decision",
        "Case reviews",
        format!("/case-reviews/{id}"),
        format!("/case-reviews/{id}/decision"),
        vec!["Record the partners' decision on a local child safeguarding practice review, with the reasons, against the regulation 11 criteria.".into()],
        vec![
            hidden("version", &version.to_string()),
            radios(
                "decision",
                "Decision",
                ReviewDecision::ALL.iter().map(|d| (d.slug(), d.label())),
                &i.decision,
                e,
            ),
            r(Textarea::new("other_learning_route", "Other learning route (when there is no CSPR)")
                .hint("For example, a multi-agency learning event or a single-agency review")
                .value(i.other_learning_route.clone())
                .error_opt(e.get("other_learning_route"))),
            r(Textarea::new("rationale", "Rationale")
                .value(i.rationale.clone())
                .error_opt(e.get("rationale"))),
            date_input("decided_on", "Date of the decision", &i.decided_on, e),
        ],
        "Save decision",
        e,
    )
}

/// The decision form.
pub async fn decision_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    let v = safeguard_service::case_reviews::get(&s.svc, &actor, id).await?;
    let rr = v.rapid_review.as_ref();
    let e = ValidationErrors::new();
    respond(
        &decision_page(
            &identity,
            id,
            &decision_input(rr),
            rr.map_or(0, |r| r.version),
            &e,
        ),
        &e,
    )
}

/// Saves the decision against the version the form was built from (stale: 409 with the person's
/// text shown again); fields missing from the form keep their saved values.
pub async fn decide(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<DecisionPatch>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(patch) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let Some((status, errors)) = reshow(
        safeguard_service::case_reviews::decide(&s.svc, &actor, id, &patch).await,
        RAPID_REVIEW_CONFLICT,
        "decision",
    )?
    else {
        return see_other(&format!("/case-reviews/{id}?notice=decision-saved"));
    };
    let (current, v) = current_review(&s, &actor, id).await?;
    let input = patch.over(decision_input(v.rapid_review.as_ref()));
    let version = shown_version(status, patch.version.as_deref(), current);
    html_status(
        status,
        &decision_page(&identity, id, &input, version, &errors),
    )
}

fn panel_page(
    identity: &Identity,
    id: Uuid,
    i: &PanelInput,
    version: i64,
    e: &ValidationErrors,
) -> FormPage {
    let mut outcomes = vec![("", "No response yet")];
    outcomes.extend(PanelOutcome::ALL.iter().map(|o| (o.slug(), o.label())));
    form_page(
        identity,
        "Sending to the National Panel",
        "Case reviews",
        format!("/case-reviews/{id}"),
        format!("/case-reviews/{id}/panel"),
        vec!["The National Panel usually replies in about 10 days; there is no deadline for its response.".into()],
        vec![
            hidden("version", &version.to_string()),
            date_input("sent_to_panel_on", "Date the rapid review was sent to the National Panel", &i.sent_to_panel_on, e),
            date_input("panel_response_on", "Date the Panel's response was received (optional)", &i.panel_response_on, e),
            radios("panel_outcome", "The Panel's response", outcomes, &i.panel_outcome, e),
            r(Textarea::new("panel_response_note", "Notes on the response (optional)")
                .value(i.panel_response_note.clone())
                .error_opt(e.get("panel_response_note"))),
        ],
        "Save",
        e,
    )
}

/// The sending and response form.
pub async fn panel_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    let v = safeguard_service::case_reviews::get(&s.svc, &actor, id).await?;
    let rr = v.rapid_review.as_ref();
    let e = ValidationErrors::new();
    respond(
        &panel_page(
            &identity,
            id,
            &panel_input(rr),
            rr.map_or(0, |r| r.version),
            &e,
        ),
        &e,
    )
}

/// Saves sending and the response against the version the form was built from (stale: 409 with the
/// person's values shown again); fields missing from the form keep their saved values.
pub async fn save_panel(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<PanelPatch>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(patch) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let Some((status, errors)) = reshow(
        safeguard_service::case_reviews::record_panel(&s.svc, &actor, id, &patch).await,
        RAPID_REVIEW_CONFLICT,
        "sent_to_panel_on",
    )?
    else {
        return see_other(&format!("/case-reviews/{id}?notice=panel-saved"));
    };
    let (current, v) = current_review(&s, &actor, id).await?;
    let input = patch.over(panel_input(v.rapid_review.as_ref()));
    let version = shown_version(status, patch.version.as_deref(), current);
    html_status(status, &panel_page(&identity, id, &input, version, &errors))
}

async fn agency_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    i: &AgencyInput,
    e: &ValidationErrors,
) -> Result<FormPage, AppError> {
    let orgs = safeguard_service::partnerships::organisations(&s.svc, actor).await?;
    let mut items = vec![SelectItem::new("", "Choose an agency")];
    items.extend(
        orgs.iter()
            .map(|o| SelectItem::new(o.organisation_id.to_string(), o.name.clone())),
    );
    Ok(form_page(
        identity,
        "Record an agency summary",
        "Case reviews",
        format!("/case-reviews/{id}"),
        format!("/case-reviews/{id}/agencies"),
        vec!["Record when an agency's summary was asked for and, once it arrives, when it was received. Recording an agency again changes its dates.".into()],
        vec![
            r(Select::new("organisation_id", "Agency", items)
                .value(i.organisation_id.clone())
                .error_opt(e.get("organisation_id"))),
            date_input("requested_on", "Date requested", &i.requested_on, e),
            date_input("received_on", "Date received (optional)", &i.received_on, e),
        ],
        "Save agency summary",
        e,
    ))
}

/// The agency summary form.
pub async fn agency_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    safeguard_service::case_reviews::get(&s.svc, &actor, id).await?;
    let e = ValidationErrors::new();
    respond(
        &agency_page(&s, &identity, &actor, id, &AgencyInput::default(), &e).await?,
        &e,
    )
}

/// Saves an agency summary.
pub async fn save_agency(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<AgencyInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::case_reviews::record_agency(&s.svc, &actor, id, &input).await {
        Ok(()) => see_other(&format!("/case-reviews/{id}?notice=agency-saved")),
        Err(ServiceError::Invalid(e)) => respond(
            &agency_page(&s, &identity, &actor, id, &input, &e).await?,
            &e,
        ),
        Err(e) => Err(e.into()),
    }
}

fn extension_page(
    identity: &Identity,
    id: Uuid,
    i: &ExtensionInput,
    e: &ValidationErrors,
) -> FormPage {
    form_page(
        identity,
        "Extend a deadline",
        "Case reviews",
        format!("/case-reviews/{id}"),
        format!("/case-reviews/{id}/extend"),
        vec!["An extension needs a later due date and the reason for it.".into()],
        vec![
            radios(
                "rule",
                "Which deadline",
                DeadlineRule::for_subject("notification").map(|d| (d.slug(), d.label())),
                &i.rule,
                e,
            ),
            date_input("extended_to", "New due date", &i.extended_to, e),
            r(
                Textarea::new("extension_reason", "Reason for the extension")
                    .value(i.extension_reason.clone())
                    .error_opt(e.get("extension_reason")),
            ),
        ],
        "Extend deadline",
        e,
    )
}

/// The extension form.
pub async fn extension_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    safeguard_service::case_reviews::get(&s.svc, &actor, id).await?;
    let e = ValidationErrors::new();
    respond(
        &extension_page(&identity, id, &ExtensionInput::default(), &e),
        &e,
    )
}

/// Extends a deadline.
pub async fn extend(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<ExtensionInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    finish(
        safeguard_service::case_reviews::extend(&s.svc, &actor, id, &input).await,
        id,
        "deadline-extended",
        |e| extension_page(&identity, id, &input, e),
    )
}

/// Asks the three lead partners to sign the rapid review off.
pub async fn request_sign_off(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    safeguard_service::case_reviews::request_sign_off(&s.svc, &actor, id).await?;
    see_other(&format!(
        "/case-reviews/{id}?notice=case-sign-off-requested"
    ))
}
