//! Actions: the partnership's list, "my actions" across partnerships, adding an action, an action's
//! page with its progress updates, adding an update and changing owner, due date or status.

use crate::error::AppError;
use crate::layout::Layout;
use crate::pages::{
    NoticeQuery, PageResult, esc, html, html_status, notice_text, parse_id, see_other, url_encode,
};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::ValidationErrors;
use safeguard_domain::actions::{
    ActionChangeInput, ActionStatus, ActionUpdateInput, NewActionInput, uk_local,
};
use safeguard_domain::policy::Permission;
use safeguard_domain::recommendations::EvidenceInput;
use safeguard_service::actions::{ActionView, PAGE_SIZE, overdue};
use safeguard_service::auth::Identity;
use safeguard_service::{Actor, ServiceError};
use safeguard_store::actions::{Action, ActionFilter};
use safeguard_ui::components::{
    Button, Pagination, Select, SelectItem, SummaryList, SummaryRow, Table, TableCell, Tag,
    TagColour, TextInput, Textarea,
};
use serde::Deserialize;

fn date_text(d: Option<NaiveDate>) -> String {
    d.map_or_else(
        || "No due date".to_owned(),
        |d| d.format("%-d %B %Y").to_string(),
    )
}

fn time_text(t: DateTime<Utc>) -> String {
    uk_local(t).format("%-d %B %Y at %H:%M").to_string()
}

/// "Escalated to Ann Lee (agency safeguarding lead) on 3 June 2024, due 31 May 2024".
fn escalation_text(e: &safeguard_store::actions::Escalation) -> String {
    format!(
        "Escalated to {} ({}) on {}, due {}",
        e.recipient_names,
        if e.recipient_role == "agency_lead" {
            "agency safeguarding lead"
        } else {
            "partnership administrators: no agency lead"
        },
        uk_local(e.escalated_at).format("%-d %B %Y"),
        e.due_date.format("%-d %B %Y")
    )
}

fn status_label(slug: &str) -> &'static str {
    ActionStatus::parse(slug).map_or("Unknown", ActionStatus::label)
}

/// The status tag, followed by a red "Overdue" tag when it is.
fn status_tags(a: &Action, now: DateTime<Utc>) -> String {
    let colour = match ActionStatus::parse(&a.status) {
        Some(ActionStatus::Open) => TagColour::Blue,
        Some(ActionStatus::InProgress) => TagColour::Yellow,
        Some(ActionStatus::Done) => TagColour::Green,
        _ => TagColour::Grey,
    };
    let mut out = Tag::new(status_label(&a.status))
        .colour(colour)
        .render()
        .unwrap_or_default();
    if overdue(a, now) {
        out.push(' ');
        out.push_str(
            &Tag::new("Overdue")
                .colour(TagColour::Red)
                .render()
                .unwrap_or_default(),
        );
    }
    out
}

fn title_cell(a: &Action) -> TableCell {
    TableCell::html(format!(
        "<a class=\"govuk-link\" href=\"/actions/{}\">{}</a><br><span class=\"govuk-body-s\">{}</span>",
        a.action_id,
        esc(&a.title),
        esc(&a.source_label)
    ))
}

fn owner_text(a: &Action) -> String {
    match &a.owner_person_name {
        Some(p) => format!("{p}, {}", a.owner_organisation_name),
        None => a.owner_organisation_name.clone(),
    }
}

fn status_items(first: &str) -> Vec<SelectItem> {
    let mut items = vec![SelectItem::new("", first)];
    items.extend(
        ActionStatus::ALL
            .iter()
            .map(|s| SelectItem::new(s.slug(), s.label())),
    );
    items
}

/// List filters from the query string.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "actions/list.html")]
struct ListPage {
    l: Layout,
    q: TextInput,
    status: Select,
    organisation: Select,
    overdue_only: bool,
    table: Table,
    pagination: Option<Pagination>,
    can_manage: bool,
}

/// The partnership's actions with filters.
pub async fn list(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Query(q) = q.map_err(|_| AppError::BadRequest("The search could not be read."))?;
    let page: i64 = q
        .page
        .as_deref()
        .and_then(|p| p.parse().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    let filter = ActionFilter {
        status: ActionStatus::parse(&q.status).map(|s| s.slug().to_owned()),
        organisation: q.organisation.parse().ok(),
        overdue: q.overdue == "yes",
        text: Some(q.q.chars().take(200).collect()),
    };
    let result = safeguard_service::actions::list(&s.svc, &actor, &filter, page).await?;
    let orgs = safeguard_service::partnerships::organisations(&s.svc, &actor).await?;
    let now = s.svc.now();
    let mut table = Table::new()
        .caption(format!(
            "{} {}",
            result.total,
            if result.total == 1 {
                "action"
            } else {
                "actions"
            }
        ))
        .head(["Action", "Owner", "Due", "Status"]);
    for a in &result.rows {
        table = table.row([
            title_cell(a),
            TableCell::new(owner_text(a)),
            TableCell::new(date_text(a.due_date)),
            TableCell::html(status_tags(a, now)),
        ]);
    }
    let last = u32::try_from((result.total + PAGE_SIZE - 1) / PAGE_SIZE)
        .unwrap_or(1)
        .max(1);
    let base = format!(
        "/actions?q={}&status={}&organisation={}&overdue={}",
        url_encode(&q.q),
        url_encode(&q.status),
        url_encode(&q.organisation),
        url_encode(&q.overdue)
    );
    let pagination = (last > 1).then(|| {
        Pagination::numbered(u32::try_from(page).unwrap_or(1), last, |n| {
            format!("{base}&page={n}")
        })
    });
    let mut org_items = vec![SelectItem::new("", "Any organisation")];
    org_items.extend(
        orgs.iter()
            .map(|o| SelectItem::new(o.organisation_id.to_string(), o.name.clone())),
    );
    html(&ListPage {
        l: Layout::new("Actions", Some(&identity), "/actions")
            .with_notice(notice_text(q.notice.as_deref())),
        q: TextInput::new("q", "Title").value(q.q.clone()),
        status: Select::new("status", "Status", status_items("Any status")).value(q.status.clone()),
        organisation: Select::new("organisation", "Owner organisation", org_items)
            .value(q.organisation.clone()),
        overdue_only: q.overdue == "yes",
        table,
        pagination,
        can_manage: actor.can(Permission::ManageActions),
    })
}

#[derive(Template)]
#[template(path = "actions/mine.html")]
struct MinePage {
    l: Layout,
    table: Table,
    count: usize,
}

/// "My actions": the signed-in person's own actions in every partnership where they work.
pub async fn mine(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    let rows = safeguard_service::actions::mine(&s.svc, &actor).await?;
    let now = s.svc.now();
    let mut table = Table::new()
        .caption(format!(
            "{} {}",
            rows.len(),
            if rows.len() == 1 { "action" } else { "actions" }
        ))
        .head(["Action", "Partnership", "Due", "Status"]);
    for a in &rows {
        table = table.row([
            title_cell(a),
            TableCell::new(a.partnership_name.clone()),
            TableCell::new(date_text(a.due_date)),
            TableCell::html(status_tags(a, now)),
        ]);
    }
    html(&MinePage {
        l: Layout::new("My actions", Some(&identity), "/actions"),
        table,
        count: rows.len(),
    })
}

#[derive(Template)]
#[template(path = "actions/new.html")]
struct NewPage {
    l: Layout,
    csrf: String,
    title: TextInput,
    description: Textarea,
    source_label: TextInput,
    organisation: Select,
    owner: Select,
    due_date: TextInput,
    button: Button,
}

async fn owner_selects(
    s: &AppState,
    actor: &Actor,
    org_value: &str,
    person_value: &str,
    errors: &ValidationErrors,
) -> Result<(Select, Select), AppError> {
    let (orgs, people) = safeguard_service::actions::owner_choices(&s.svc, actor).await?;
    let mut org_items = vec![SelectItem::new("", "Choose an organisation")];
    org_items.extend(
        orgs.iter()
            .map(|o| SelectItem::new(o.organisation_id.to_string(), o.name.clone())),
    );
    let mut person_items = vec![SelectItem::new("", "No named person")];
    person_items.extend(people.iter().filter(|p| p.disabled_at.is_none()).map(|p| {
        SelectItem::new(
            p.person_id.to_string(),
            format!("{} ({})", p.name, p.organisation_name),
        )
    }));
    Ok((
        Select::new("owner_organisation_id", "Owner organisation", org_items)
            .value(org_value.to_owned())
            .error_opt(errors.get("owner_organisation_id")),
        Select::new("owner_person_id", "Owner (optional)", person_items)
            .hint("The person must work for the owner organisation")
            .value(person_value.to_owned())
            .error_opt(errors.get("owner_person_id")),
    ))
}

fn due_input(value: &str, errors: &ValidationErrors) -> TextInput {
    TextInput::new("due_date", "Due date (optional)")
        .hint("Year-month-day, for example 2023-03-31")
        .value(value.to_owned())
        .autocomplete("off")
        .error_opt(errors.get("due_date"))
}

async fn new_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    input: &NewActionInput,
    errors: &ValidationErrors,
) -> Result<NewPage, AppError> {
    let (organisation, owner) = owner_selects(
        s,
        actor,
        &input.owner_organisation_id,
        &input.owner_person_id,
        errors,
    )
    .await?;
    Ok(NewPage {
        l: Layout::new("Add an action", Some(identity), "/actions").with_errors(errors),
        csrf: identity.csrf_token.clone(),
        title: TextInput::new("title", "Title")
            .value(input.title.clone())
            .error_opt(errors.get("title")),
        description: Textarea::new("description", "Description (optional)")
            .value(input.description.clone())
            .error_opt(errors.get("description")),
        source_label: TextInput::new("source_label", "Where it came from (optional)")
            .hint("For example, Board meeting 12 May 2022")
            .value(input.source_label.clone())
            .error_opt(errors.get("source_label")),
        organisation,
        owner,
        due_date: due_input(&input.due_date, errors),
        button: Button::new("Add action").prevent_double_click(),
    })
}

/// The add-an-action form.
pub async fn new_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    html(
        &new_page(
            &s,
            &identity,
            &actor,
            &NewActionInput::default(),
            &ValidationErrors::new(),
        )
        .await?,
    )
}

/// Adds an action.
pub async fn create(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    form: Result<Form<NewActionInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::actions::create(&s.svc, &actor, &input).await {
        Ok(id) => see_other(&format!("/actions/{id}?notice=action-created")),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &new_page(&s, &identity, &actor, &input, &errors).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

/// An update as shown on the action's page.
pub struct UpdateRow {
    id: String,
    author: String,
    at: String,
    body: String,
    new_status: Option<&'static str>,
    corrects: Option<String>,
}

#[derive(Template)]
#[template(path = "actions/show.html")]
struct ShowPage {
    l: Layout,
    csrf: String,
    back: (&'static str, &'static str),
    action_id: String,
    title: String,
    summary: SummaryList,
    updates: Vec<UpdateRow>,
    can_update: bool,
    body: Textarea,
    new_status: Select,
    corrects: Option<Select>,
    update_button: Button,
    manage: Option<ManageForm>,
    evidence: Vec<(Option<String>, String, String, String)>,
    evidence_form: Option<Vec<String>>,
}

/// The change form (owner, due date, status) for `ManageActions`.
pub struct ManageForm {
    version: String,
    organisation: Select,
    owner: Select,
    due_date: TextInput,
    status: Select,
    button: Button,
}

#[allow(clippy::too_many_arguments)]
async fn show_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    view: ActionView,
    update_input: &ActionUpdateInput,
    change_input: Option<&ActionChangeInput>,
    errors: &ValidationErrors,
    notice: Option<&str>,
    evidence_input: Option<&EvidenceInput>,
) -> Result<ShowPage, AppError> {
    let now = s.svc.now();
    let a = &view.action;
    let mut summary = SummaryList::new([
        SummaryRow::new("Partnership", a.partnership_name.clone()),
        SummaryRow::new("Where it came from", a.source_label.clone()),
        SummaryRow::new(
            "Description",
            if a.description.is_empty() {
                "None".to_owned()
            } else {
                a.description.clone()
            },
        ),
        SummaryRow::new("Owner organisation", a.owner_organisation_name.clone()),
        SummaryRow::new(
            "Owner",
            a.owner_person_name
                .clone()
                .unwrap_or_else(|| "No named person".to_owned()),
        ),
        SummaryRow::new("Due date", date_text(a.due_date)),
        SummaryRow::new(
            "Status",
            safeguard_ui::components::Content::html(status_tags(a, now)),
        ),
    ]);
    // Escalations of an overdue tracker action to the owner organisation's lead.
    if !view.escalations.is_empty() {
        summary.rows.push(SummaryRow::new(
            "Escalated",
            view.escalations
                .iter()
                .map(escalation_text)
                .collect::<Vec<_>>()
                .join(". "),
        ));
    }
    let when = |id: uuid::Uuid| {
        view.updates
            .iter()
            .find(|u| u.action_update_id == id)
            .map(|u| format!("{} by {}", time_text(u.at), u.author_name))
    };
    let updates: Vec<UpdateRow> = view
        .updates
        .iter()
        .map(|u| UpdateRow {
            id: u.action_update_id.to_string(),
            author: u.author_name.clone(),
            at: time_text(u.at),
            body: u.body.clone(),
            new_status: u.new_status.as_deref().map(status_label),
            corrects: u.corrects_update_id.and_then(when),
        })
        .collect();
    let corrects = (!view.updates.is_empty()).then(|| {
        let mut items = vec![SelectItem::new("", "No, this is new progress")];
        items.extend(view.updates.iter().map(|u| {
            SelectItem::new(
                u.action_update_id.to_string(),
                format!("The update of {} by {}", time_text(u.at), u.author_name),
            )
        }));
        Select::new(
            "corrects_update_id",
            "Does this correct an earlier update? (optional)",
            items,
        )
        .hint("Updates are never edited: a correction is added as a new update")
        .value(update_input.corrects_update_id.clone())
        .error_opt(errors.get("corrects_update_id"))
    });
    let manage = if view.can_manage {
        let ci = change_input.cloned().unwrap_or_else(|| ActionChangeInput {
            owner_organisation_id: a.owner_organisation_id.to_string(),
            owner_person_id: a.owner_person_id.map(|p| p.to_string()).unwrap_or_default(),
            due_date: a.due_date.map(|d| d.to_string()).unwrap_or_default(),
            status: a.status.clone(),
            version: a.version.to_string(),
        });
        let (organisation, owner) = owner_selects(
            s,
            actor,
            &ci.owner_organisation_id,
            &ci.owner_person_id,
            errors,
        )
        .await?;
        Some(ManageForm {
            version: a.version.to_string(),
            organisation,
            owner,
            due_date: due_input(&ci.due_date, errors),
            status: Select::new(
                "status",
                "Status",
                ActionStatus::ALL
                    .iter()
                    .map(|s| SelectItem::new(s.slug(), s.label()))
                    .collect::<Vec<_>>(),
            )
            .value(ci.status.clone())
            .error_opt(errors.get("status").or(errors.get("version"))),
            button: Button::new("Save changes")
                .secondary()
                .prevent_double_click(),
        })
    } else {
        None
    };
    Ok(ShowPage {
        l: Layout::new(a.title.clone(), Some(identity), "/actions")
            .with_errors(errors)
            .with_notice(notice),
        csrf: identity.csrf_token.clone(),
        back: if actor.can(Permission::ViewActions) && a.partnership_id == actor.partnership_id.0 {
            ("/actions", "Back to actions")
        } else {
            ("/actions/mine", "Back to my actions")
        },
        action_id: a.action_id.to_string(),
        title: a.title.clone(),
        summary,
        updates,
        can_update: view.can_update,
        body: Textarea::new("body", "What has happened")
            .value(update_input.body.clone())
            .error_opt(errors.get("body")),
        new_status: Select::new(
            "new_status",
            "New status (optional)",
            status_items("No change"),
        )
        .value(update_input.new_status.clone())
        .error_opt(errors.get("new_status")),
        corrects,
        update_button: Button::new("Add update").prevent_double_click(),
        manage,
        evidence: evidence_rows(s, actor, a.action_id).await?,
        evidence_form: if view.can_update && a.partnership_id == actor.partnership_id.0 {
            Some(crate::pages::recommendations::action_evidence_fields(
                &safeguard_service::actions::evidence_file_choices(&s.svc, actor).await?,
                evidence_input.unwrap_or(&EvidenceInput::default()),
                errors,
            ))
        } else {
            None
        },
    })
}

// Evidence on the action (documents or links, with who added them and when).

async fn evidence_rows(
    s: &AppState,
    actor: &Actor,
    id: uuid::Uuid,
) -> Result<Vec<(Option<String>, String, String, String)>, AppError> {
    let rows =
        safeguard_service::actions::evidence(&s.svc, actor, safeguard_domain::ActionId(id)).await?;
    Ok(rows
        .into_iter()
        .map(|e| {
            let href = match (e.file_id, e.file_name.as_ref()) {
                (Some(f), Some(_)) => Some(format!("/files/{f}")),
                (Some(_), None) => None,
                (None, _) => Some(e.url.clone()),
            };
            (href, e.label, e.added_by_name, time_text(e.added_at))
        })
        .collect())
}

/// `POST /actions/{id}/evidence`: adds evidence to an action: a document picked from Documents or
/// uploaded with the form (multipart), or a link.
pub async fn add_evidence(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> PageResult {
    let id = parse_id(&id)?;
    // Access first: someone who may not see the action is told it does not exist.
    let view = safeguard_service::actions::get(&s.svc, &actor, id).await?;
    let (input, file) = crate::pages::recommendations::read_evidence(&s, &headers, body).await?;
    let document = file
        .as_ref()
        .map(|(name, bytes)| safeguard_service::actions::EvidenceDocument { name, bytes });
    match safeguard_service::actions::add_evidence(&s.svc, &actor, id, &input, document).await {
        Ok(_) => see_other(&format!(
            "/actions/{id}?notice=action-evidence-added#evidence"
        )),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &show_page(
                &s,
                &identity,
                &actor,
                view,
                &ActionUpdateInput::default(),
                None,
                &errors,
                None,
                Some(&input),
            )
            .await?,
        ),
        Err(e) => Err(e.into()),
    }
}

/// An action's page.
pub async fn show(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let id = parse_id(&id)?;
    let view = safeguard_service::actions::get(&s.svc, &actor, id).await?;
    html(
        &show_page(
            &s,
            &identity,
            &actor,
            view,
            &ActionUpdateInput::default(),
            None,
            &ValidationErrors::new(),
            notice_text(q.notice.as_deref()).or(match q.notice.as_deref() {
                Some("action-evidence-added") => Some("Evidence added."),
                _ => None,
            }),
            None,
        )
        .await?,
    )
}

/// Adds a progress update.
pub async fn add_update(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<ActionUpdateInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::actions::add_update(&s.svc, &actor, id, &input).await {
        Ok(_) => see_other(&format!("/actions/{id}?notice=action-updated")),
        Err(ServiceError::Invalid(errors)) => {
            let view = safeguard_service::actions::get(&s.svc, &actor, id).await?;
            html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &show_page(
                    &s, &identity, &actor, view, &input, None, &errors, None, None,
                )
                .await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// Changes owner, due date or status.
pub async fn change(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<ActionChangeInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let (status, errors) =
        match safeguard_service::actions::change(&s.svc, &actor, id, &input).await {
            Ok(()) => return see_other(&format!("/actions/{id}?notice=action-changed")),
            Err(ServiceError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
            Err(ServiceError::Conflict(message)) => (
                StatusCode::CONFLICT,
                ValidationErrors::single("status", message),
            ),
            Err(e) => return Err(e.into()),
        };
    let view = safeguard_service::actions::get(&s.svc, &actor, id).await?;
    html_status(
        status,
        &show_page(
            &s,
            &identity,
            &actor,
            view,
            &ActionUpdateInput::default(),
            Some(&input),
            &errors,
            None,
            None,
        )
        .await?,
    )
}
