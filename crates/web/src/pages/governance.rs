//! Governance pages: the board and groups (bodies) with their members and meetings, a meeting's
//! page (agenda, papers, attendance, minutes, decisions), the papers of an agenda item (a multipart
//! upload to the file store) and the attendance-by-agency report of a body for a financial year.

use crate::error::AppError;
use crate::layout::Layout;
use crate::pages::files::human_size;
use crate::pages::{
    NoticeQuery, PageResult, esc, html, html_status, notice_text, parse_id, see_other,
};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::body::Body;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::NaiveDate;
use safeguard_domain::ValidationErrors;
use safeguard_domain::actions::{ActionStatus, uk_date};
use safeguard_domain::files::FileKind;
use safeguard_domain::governance::{
    AgendaItemInput, AttendanceInput, AttendanceStatus, BodyInput, BodyKind, DecisionInput,
    Frequency, MeetingInput, MeetingStatus, MemberInput, MemberRole, MinutesInput, MinutesStatus,
    PlanInput, WithdrawInput, financial_year_label, financial_year_of,
};
use safeguard_domain::policy::Permission;
use safeguard_service::auth::Identity;
use safeguard_service::governance::{self as gov, MeetingView, PaperInput, kind_label};
use safeguard_service::{Actor, ServiceError};
use safeguard_store::governance::MeetingRow;
use safeguard_store::organisations::Organisation;
use safeguard_store::people::PersonSummary;
use safeguard_ui::components::{
    Button, Choice, Content, Radios, Select, SelectItem, SummaryList, SummaryRow, Table, TableCell,
    TextInput, Textarea,
};
use serde::Deserialize;
use uuid::Uuid;

fn form<T>(f: Result<Form<T>, FormRejection>) -> Result<T, AppError> {
    f.map(|Form(t)| t)
        .map_err(|_| AppError::BadRequest("The form could not be read."))
}

/// "12 May 2022".
pub fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "Not set".to_owned(), long_date)
}

fn meeting_title(m: &MeetingRow) -> String {
    format!("{} meeting, {}", m.body_name, long_date(m.meeting_date))
}

fn status_label(slug: &str) -> &'static str {
    MeetingStatus::parse(slug).map_or("Unknown", MeetingStatus::label)
}

fn frequency_text(f: Option<&str>) -> String {
    f.map_or_else(
        || "Not set".to_owned(),
        |f| Frequency::parse_any(f).map_or_else(|| f.to_owned(), |x| x.label().to_owned()),
    )
}

fn person_items(first: &str, people: &[PersonSummary]) -> Vec<SelectItem> {
    let mut items = vec![SelectItem::new("", first)];
    items.extend(people.iter().filter(|p| p.disabled_at.is_none()).map(|p| {
        SelectItem::new(
            p.person_id.to_string(),
            format!("{} ({})", p.name, p.organisation_name),
        )
    }));
    items
}

fn org_items(first: &str, orgs: &[Organisation]) -> Vec<SelectItem> {
    let mut items = vec![SelectItem::new("", first)];
    items.extend(
        orgs.iter()
            .map(|o| SelectItem::new(o.organisation_id.to_string(), o.name.clone())),
    );
    items
}

fn slug_items<T: Copy>(
    first: Option<&str>,
    all: &[T],
    slug: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<SelectItem> {
    let mut items = Vec::new();
    if let Some(f) = first {
        items.push(SelectItem::new("", f));
    }
    items.extend(all.iter().map(|v| SelectItem::new(slug(*v), label(*v))));
    items
}

fn date_input(name: &str, label: &str, value: &str, errors: &ValidationErrors) -> TextInput {
    TextInput::new(name, label)
        .hint("Year-month-day, for example 2022-05-12")
        .value(value.to_owned())
        .autocomplete("off")
        .error_opt(errors.get(name))
}

// ---------------------------------------------------------------------------------------------
// The list of bodies

#[derive(Template)]
#[template(path = "governance/bodies.html")]
struct BodiesPage {
    l: Layout,
    table: Table,
    count: usize,
    can_manage: bool,
}

/// `GET /bodies`.
pub async fn list(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let bodies = gov::list_bodies(&s.svc, &actor).await?;
    let mut table = Table::new()
        .caption(format!(
            "{} {}",
            bodies.len(),
            if bodies.len() == 1 { "body" } else { "bodies" }
        ))
        .head(["Name", "Kind", "Reports to", "Meets", "Chair"]);
    for b in &bodies {
        table = table.row([
            TableCell::html(format!(
                "<a class=\"govuk-link\" href=\"/bodies/{}\">{}</a>",
                b.body_id,
                esc(&b.name)
            )),
            TableCell::new(kind_label(&b.kind)),
            TableCell::new(b.parent_name.clone().unwrap_or_else(|| "None".to_owned())),
            TableCell::new(frequency_text(b.meeting_frequency.as_deref())),
            TableCell::new(b.chair_name.clone().unwrap_or_else(|| "Not set".to_owned())),
        ]);
    }
    html(&BodiesPage {
        l: Layout::new("Board and groups", Some(&identity), "/bodies")
            .with_notice(notice_text(q.notice.as_deref())),
        table,
        count: bodies.len(),
        can_manage: actor.can(Permission::ManageGovernance),
    })
}

// ---------------------------------------------------------------------------------------------
// Adding and changing a body

#[derive(Template)]
#[template(path = "governance/body_form.html")]
struct BodyFormPage {
    l: Layout,
    csrf: String,
    heading: String,
    action: String,
    back: String,
    name: TextInput,
    kind: Select,
    terms: Textarea,
    chair: Select,
    parent: Select,
    frequency: Select,
    start_date: TextInput,
    end_date: TextInput,
    /// Changing a body, for those who may mark the case review panel.
    panel: Option<Radios>,
    button: Button,
}

/// The body edit form's fields: the body's, and whether it is the case review panel (shown to those
/// who may mark it; left out, unchanged).
#[derive(Debug, Default, serde::Deserialize)]
pub struct BodyEditForm {
    /// The body's fields.
    #[serde(flatten)]
    pub body: BodyInput,
    /// "yes" or "no".
    #[serde(default)]
    pub handles_case_reviews: Option<String>,
}

/// The radios that mark a body as the case review panel, with what that means.
fn panel_radios(value: &str, errors: &ValidationErrors) -> Radios {
    Radios::new("handles_case_reviews", "Is this the case review panel?")
        .hint(
            "If you choose yes, everyone who is a current member of this body will be able to see \
             case review records: serious incident notifications, rapid reviews and practice \
             reviews, with children shown as Child A, Child B. Every time they look it is recorded. \
             Choose yes only for the panel that reviews serious incidents.",
        )
        .items([
            Choice::new("yes", "Yes, its members see case review records"),
            Choice::new("no", "No"),
        ])
        .value(value.to_owned())
        .error_opt(errors.get("handles_case_reviews"))
}

async fn body_form(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    existing: Option<Uuid>,
    input: &BodyInput,
    errors: &ValidationErrors,
) -> Result<BodyFormPage, AppError> {
    body_form_with_panel(s, identity, actor, existing, input, None, errors).await
}

/// The body form; `panel` is the panel choice to show when changing a body ("yes" or "no"), for
/// those who may mark it.
async fn body_form_with_panel(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    existing: Option<Uuid>,
    input: &BodyInput,
    panel: Option<&str>,
    errors: &ValidationErrors,
) -> Result<BodyFormPage, AppError> {
    let (_, people) = gov::choices(&s.svc, actor).await?;
    let bodies = gov::list_bodies(&s.svc, actor).await?;
    let mut parents = vec![SelectItem::new("", "Does not report to another body")];
    parents.extend(
        bodies
            .iter()
            .filter(|b| Some(b.body_id) != existing)
            .map(|b| SelectItem::new(b.body_id.to_string(), b.name.clone())),
    );
    let (heading, action, back, button) = match existing {
        None => (
            "Add a body".to_owned(),
            "/bodies/new".to_owned(),
            "/bodies".to_owned(),
            "Add body",
        ),
        Some(id) => (
            format!("Change {}", input.name),
            format!("/bodies/{id}/edit"),
            format!("/bodies/{id}"),
            "Save changes",
        ),
    };
    Ok(BodyFormPage {
        l: Layout::new(heading.clone(), Some(identity), "/bodies").with_errors(errors),
        csrf: identity.csrf_token.clone(),
        heading,
        action,
        back,
        name: TextInput::new("name", "Name")
            .value(input.name.clone())
            .error_opt(errors.get("name")),
        kind: Select::new(
            "kind",
            "Kind of body",
            slug_items(
                Some("Choose a kind"),
                BodyKind::ALL,
                BodyKind::slug,
                BodyKind::label,
            ),
        )
        .value(input.kind.clone())
        .error_opt(errors.get("kind")),
        terms: Textarea::new("terms_of_reference", "Terms of reference (optional)")
            .hint("What the body is for, what it decides and who it reports to")
            .value(input.terms_of_reference.clone())
            .error_opt(errors.get("terms_of_reference")),
        chair: Select::new(
            "chair_person_id",
            "Chair (optional)",
            person_items("No chair named", &people),
        )
        .value(input.chair_person_id.clone())
        .error_opt(errors.get("chair_person_id")),
        parent: Select::new("parent_body_id", "Reports to (optional)", parents)
            .hint("A sub-group usually reports to the board")
            .value(input.parent_body_id.clone())
            .error_opt(errors.get("parent_body_id")),
        frequency: Select::new(
            "meeting_frequency",
            "How often it meets (optional)",
            slug_items(
                Some("Not set"),
                Frequency::ALL,
                Frequency::slug,
                Frequency::label,
            ),
        )
        .value(
            Frequency::parse_any(&input.meeting_frequency)
                .map_or_else(|| input.meeting_frequency.clone(), |f| f.slug().to_owned()),
        )
        .error_opt(errors.get("meeting_frequency")),
        start_date: date_input(
            "start_date",
            "Start date (optional)",
            &input.start_date,
            errors,
        ),
        end_date: date_input("end_date", "End date (optional)", &input.end_date, errors),
        panel: panel
            .filter(|_| existing.is_some() && actor.can(Permission::ManageCaseReviews))
            .map(|v| panel_radios(v, errors)),
        button: Button::new(button).prevent_double_click(),
    })
}

/// `GET /bodies/new`.
pub async fn new_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    html(
        &body_form(
            &s,
            &identity,
            &actor,
            None,
            &BodyInput::default(),
            &ValidationErrors::new(),
        )
        .await?,
    )
}

/// `POST /bodies/new`.
pub async fn create(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    f: Result<Form<BodyInput>, FormRejection>,
) -> PageResult {
    let input = form(f)?;
    match gov::create_body(&s.svc, &actor, &input).await {
        Ok(id) => see_other(&format!("/bodies/{id}?notice=body-created")),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &body_form(&s, &identity, &actor, None, &input, &errors).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

/// `GET /bodies/{id}/edit`.
pub async fn edit_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let view = gov::get_body(&s.svc, &actor, id).await?;
    html(
        &body_form_with_panel(
            &s,
            &identity,
            &actor,
            Some(id),
            &gov::input_of(&view.body),
            Some(if view.body.handles_case_reviews {
                "yes"
            } else {
                "no"
            }),
            &ValidationErrors::new(),
        )
        .await?,
    )
}

/// `POST /bodies/{id}/edit`: the body's details and, for administrators, whether it is the case
/// review panel (audited as `case_review.panel.mark` or `.unmark` when it changes).
pub async fn update(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    f: Result<Form<BodyEditForm>, FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let BodyEditForm {
        body: input,
        handles_case_reviews,
    } = form(f)?;
    let panel = match handles_case_reviews.as_deref().map(str::trim) {
        None => Ok(None),
        Some("yes") => Ok(Some(true)),
        Some("no") => Ok(Some(false)),
        Some(_) => Err(ValidationErrors::single(
            "handles_case_reviews",
            "Select whether this is the case review panel",
        )),
    };
    let result = match panel {
        Ok(panel) => gov::update_body_marking(&s.svc, &actor, id, &input, panel).await,
        Err(e) => {
            // the body must exist and be visible before its form is shown again
            gov::get_body(&s.svc, &actor, id).await?;
            Err(ServiceError::Invalid(e))
        }
    };
    match result {
        Ok(()) => see_other(&format!("/bodies/{id}?notice=body-saved")),
        Err(ServiceError::Invalid(errors)) => {
            let current = gov::get_body(&s.svc, &actor, id).await?;
            let shown = handles_case_reviews.unwrap_or_else(|| {
                if current.body.handles_case_reviews {
                    "yes"
                } else {
                    "no"
                }
                .to_owned()
            });
            html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &body_form_with_panel(
                    &s,
                    &identity,
                    &actor,
                    Some(id),
                    &input,
                    Some(&shown),
                    &errors,
                )
                .await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// A body's page

/// A membership row.
pub struct MemberLine {
    id: String,
    name: String,
    organisation: String,
    role: &'static str,
    joined: String,
    left: Option<String>,
}

/// A meeting row.
pub struct MeetingLine {
    id: String,
    date: String,
    time: String,
    location: String,
    status: &'static str,
}

/// The forms of a body's page, for a manager.
pub struct BodyForms {
    person: Select,
    organisation: Select,
    role: Select,
    joined_on: TextInput,
    member_button: Button,
    first_date: TextInput,
    until: TextInput,
    start_time: TextInput,
    location: TextInput,
    plan_button: Button,
}

#[derive(Template)]
#[template(path = "governance/body.html")]
struct BodyPage {
    l: Layout,
    csrf: String,
    id: String,
    name: String,
    kind: &'static str,
    summary: SummaryList,
    terms: String,
    members: Vec<MemberLine>,
    past_members: Vec<MemberLine>,
    meetings: Vec<MeetingLine>,
    children: Vec<(String, String)>,
    year: i32,
    documents: Vec<PaperLine>,
    upload: Option<crate::pages::files::UploadForm>,
    forms: Option<BodyForms>,
}

#[derive(Default)]
struct BodyEntered {
    member: MemberInput,
    plan: PlanInput,
    description: String,
    board_only: bool,
}

async fn body_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    entered: &BodyEntered,
    errors: &ValidationErrors,
    notice: Option<&str>,
) -> Result<BodyPage, AppError> {
    let v = gov::get_body(&s.svc, actor, id).await?;
    let b = &v.body;
    let summary = SummaryList::new([
        SummaryRow::new("Kind", kind_label(&b.kind)),
        SummaryRow::new(
            "Reports to",
            b.parent_name.clone().unwrap_or_else(|| "None".to_owned()),
        ),
        SummaryRow::new(
            "Chair",
            b.chair_name.clone().unwrap_or_else(|| "Not set".to_owned()),
        ),
        SummaryRow::new("Meets", frequency_text(b.meeting_frequency.as_deref())),
        SummaryRow::new("Start date", opt_date(b.start_date)),
        SummaryRow::new("End date", opt_date(b.end_date)),
        SummaryRow::new(
            "Case review panel",
            if b.handles_case_reviews {
                "Yes: its current members see case review records"
            } else {
                "No"
            },
        ),
    ]);
    let line = |m: &safeguard_store::governance::MemberRow| MemberLine {
        id: m.body_member_id.to_string(),
        name: m.person_name.clone(),
        organisation: m.organisation_name.clone(),
        role: MemberRole::parse(&m.role).map_or("Member", MemberRole::label),
        joined: long_date(m.joined_on),
        left: m.left_on.map(long_date),
    };
    let members = v
        .members
        .iter()
        .filter(|m| m.left_on.is_none())
        .map(line)
        .collect();
    let past_members = v
        .members
        .iter()
        .filter(|m| m.left_on.is_some())
        .map(line)
        .collect();
    let meetings = v
        .meetings
        .iter()
        .map(|m| MeetingLine {
            id: m.meeting_id.to_string(),
            date: long_date(m.meeting_date),
            time: m.start_time.clone(),
            location: m.location.clone(),
            status: status_label(&m.status),
        })
        .collect();
    let forms = if actor.can(Permission::ManageGovernance) {
        let (orgs, people) = gov::choices(&s.svc, actor).await?;
        Some(BodyForms {
            person: Select::new(
                "person_id",
                "Person",
                person_items("Choose a person", &people),
            )
            .value(entered.member.person_id.clone())
            .error_opt(errors.get("person_id")),
            organisation: Select::new(
                "organisation_id",
                "Organisation represented (optional)",
                org_items("The person's own organisation", &orgs),
            )
            .value(entered.member.organisation_id.clone())
            .error_opt(errors.get("organisation_id")),
            role: Select::new(
                "role",
                "Role in the body",
                slug_items(None, MemberRole::ALL, MemberRole::slug, MemberRole::label),
            )
            .value(if entered.member.role.is_empty() {
                "member".to_owned()
            } else {
                entered.member.role.clone()
            })
            .error_opt(errors.get("role")),
            joined_on: date_input(
                "joined_on",
                "Date joined (optional)",
                &entered.member.joined_on,
                errors,
            ),
            member_button: Button::new("Add member").prevent_double_click(),
            first_date: date_input(
                "first_date",
                "First meeting date",
                &entered.plan.first_date,
                errors,
            ),
            until: date_input("until", "Plan meetings until", &entered.plan.until, errors),
            start_time: TextInput::new("start_time", "Time (optional)")
                .hint("24-hour clock, for example 14:00")
                .value(entered.plan.start_time.clone())
                .autocomplete("off")
                .error_opt(errors.get("start_time")),
            location: TextInput::new("location", "Location (optional)")
                .value(entered.plan.location.clone())
                .error_opt(errors.get("location")),
            plan_button: Button::new("Plan meetings").prevent_double_click(),
        })
    } else {
        None
    };
    let upload = (actor.can(Permission::ManageGovernance) && actor.can(Permission::UploadFiles))
        .then(|| {
            crate::pages::files::upload_form(
                s,
                actor,
                &entered.description,
                entered.board_only,
                errors,
                "Upload document",
            )
        });
    Ok(BodyPage {
        documents: paper_lines(&v.documents),
        upload,
        l: Layout::new(b.name.clone(), Some(identity), "/bodies")
            .with_errors(errors)
            .with_notice(notice),
        csrf: identity.csrf_token.clone(),
        id: b.body_id.to_string(),
        name: b.name.clone(),
        kind: kind_label(&b.kind),
        summary,
        terms: b.terms_of_reference.clone(),
        members,
        past_members,
        meetings,
        children: v
            .children
            .iter()
            .map(|c| (c.body_id.to_string(), c.name.clone()))
            .collect(),
        year: financial_year_of(uk_date(s.svc.now())),
        forms,
    })
}

/// `GET /bodies/{id}`.
pub async fn show(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let id = parse_id(&id)?;
    html(
        &body_page(
            &s,
            &identity,
            &actor,
            id,
            &BodyEntered::default(),
            &ValidationErrors::new(),
            notice_text(q.notice.as_deref()),
        )
        .await?,
    )
}

/// `POST /bodies/{id}/members`.
pub async fn add_member(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    f: Result<Form<MemberInput>, FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let input = form(f)?;
    match gov::add_member(&s.svc, &actor, id, &input).await {
        Ok(_) => see_other(&format!("/bodies/{id}?notice=member-added")),
        Err(ServiceError::Invalid(errors)) => {
            let entered = BodyEntered {
                member: input,
                ..BodyEntered::default()
            };
            html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &body_page(&s, &identity, &actor, id, &entered, &errors, None).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// The end-of-membership form.
#[derive(Debug, Default, Deserialize)]
pub struct EndInput {
    #[serde(default)]
    left_on: String,
}

/// `POST /body-members/{id}/end`.
pub async fn end_member(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    f: Result<Form<EndInput>, FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let input = form(f)?;
    match gov::end_member(&s.svc, &actor, id, &input.left_on).await {
        Ok(body) => see_other(&format!("/bodies/{body}?notice=member-ended")),
        Err(ServiceError::Invalid(errors)) => {
            let body = {
                let mut pc = s.svc.db.acquire().await.map_err(ServiceError::from)?;
                safeguard_store::governance::find_member(&mut pc.conn(), actor.partnership_id, id)
                    .await
                    .map_err(ServiceError::from)?
                    .ok_or(ServiceError::NotFound)?
                    .body_id
            };
            html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &body_page(
                    &s,
                    &identity,
                    &actor,
                    body,
                    &BodyEntered::default(),
                    &errors,
                    None,
                )
                .await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /bodies/{id}/terms`: a multipart form with a terms-of-reference document (`file`,
/// `description`, `board_only`), stored in the file store and attached to the body.
pub async fn upload_terms(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> PageResult {
    let id = parse_id(&id)?;
    // The body first: someone who may not see it learns nothing, not even that the form is wrong.
    gov::get_body(&s.svc, &actor, id).await?;
    let form = crate::pages::files::read_upload_form(&s, &headers, body).await?;
    let result = match &form.file {
        None => Err(ServiceError::Invalid(ValidationErrors::single(
            "file",
            "Select a file",
        ))),
        Some((name, data)) => gov::upload_terms(
            &s.svc,
            &actor,
            id,
            PaperInput {
                name,
                bytes: data,
                description: Some(form.description.as_str()),
                board_only: form.board_only,
            },
        )
        .await
        .map(|_| ()),
    };
    match result {
        Ok(()) => see_other(&format!("/bodies/{id}?notice=document-uploaded")),
        Err(ServiceError::Invalid(errors)) => {
            let entered = BodyEntered {
                description: form.description,
                board_only: form.board_only,
                ..BodyEntered::default()
            };
            html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &body_page(&s, &identity, &actor, id, &entered, &errors, None).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /bodies/{id}/meetings/plan`.
pub async fn plan(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    f: Result<Form<PlanInput>, FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let input = form(f)?;
    match gov::plan_meetings(&s.svc, &actor, id, &input).await {
        Ok(_) => see_other(&format!("/bodies/{id}?notice=meetings-planned")),
        Err(ServiceError::Invalid(errors)) => {
            let entered = BodyEntered {
                plan: input,
                ..BodyEntered::default()
            };
            html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &body_page(&s, &identity, &actor, id, &entered, &errors, None).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Adding a meeting

#[derive(Template)]
#[template(path = "governance/meeting_new.html")]
struct MeetingNewPage {
    l: Layout,
    csrf: String,
    heading: String,
    action: String,
    back_href: String,
    back_text: String,
    body_name: String,
    date: TextInput,
    time: TextInput,
    location: TextInput,
    button: Button,
}

/// The date, time and location fields of a meeting (adding one, or changing its details).
fn meeting_fields(input: &MeetingInput, errors: &ValidationErrors) -> [TextInput; 3] {
    [
        date_input("meeting_date", "Date", &input.meeting_date, errors),
        TextInput::new("start_time", "Time (optional)")
            .hint("24-hour clock, for example 14:00")
            .value(input.start_time.clone())
            .autocomplete("off")
            .error_opt(errors.get("start_time")),
        TextInput::new("location", "Location (optional)")
            .value(input.location.clone())
            .error_opt(errors.get("location")),
    ]
}

async fn meeting_new_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    body: Uuid,
    input: &MeetingInput,
    errors: &ValidationErrors,
) -> Result<MeetingNewPage, AppError> {
    let v = gov::get_body(&s.svc, actor, body).await?;
    let [date, time, location] = meeting_fields(input, errors);
    Ok(MeetingNewPage {
        l: Layout::new("Add a meeting", Some(identity), "/bodies").with_errors(errors),
        csrf: identity.csrf_token.clone(),
        heading: "Add a meeting".to_owned(),
        action: format!("/bodies/{body}/meetings/new"),
        back_href: format!("/bodies/{body}"),
        back_text: format!("Back to {}", v.body.name),
        body_name: v.body.name,
        date,
        time,
        location,
        button: Button::new("Add meeting").prevent_double_click(),
    })
}

/// `GET /bodies/{id}/meetings/new`.
pub async fn meeting_new_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    html(
        &meeting_new_page(
            &s,
            &identity,
            &actor,
            id,
            &MeetingInput::default(),
            &ValidationErrors::new(),
        )
        .await?,
    )
}

/// `POST /bodies/{id}/meetings/new`.
pub async fn meeting_create(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    f: Result<Form<MeetingInput>, FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let input = form(f)?;
    match gov::add_meeting(&s.svc, &actor, id, &input).await {
        Ok(m) => see_other(&format!("/meetings/{m}?notice=meeting-added")),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &meeting_new_page(&s, &identity, &actor, id, &input, &errors).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// A meeting's page

/// A paper link.
pub struct PaperLine {
    id: String,
    name: String,
    detail: String,
    board_only: bool,
}

/// An agenda line.
pub struct AgendaLine {
    id: String,
    position: i64,
    title: String,
    owner: String,
    papers: Vec<PaperLine>,
    /// Why it was withdrawn (none while on the agenda).
    withdrawn: Option<String>,
}

/// A decision line.
pub struct DecisionLine {
    text: String,
    item: Option<String>,
    by: String,
    actions: Vec<(String, String, &'static str)>,
}

/// The forms of a meeting's page, for a manager.
pub struct MeetingForms {
    status: Select,
    status_button: Button,
    item_title: TextInput,
    item_person: Select,
    item_org: Select,
    item_button: Button,
    att_person: Select,
    att_status: Select,
    att_org: Select,
    att_deputy: Select,
    att_button: Button,
    member_statuses: Vec<Select>,
    members_button: Button,
    minutes: Textarea,
    minutes_status: Select,
    minutes_button: Button,
    decision: Textarea,
    decision_item: Select,
    action_title: TextInput,
    action_org: Select,
    action_person: Select,
    action_due: TextInput,
    decision_button: Button,
}

#[derive(Template)]
#[template(path = "governance/meeting.html")]
struct MeetingPage {
    l: Layout,
    csrf: String,
    id: String,
    body_id: String,
    title: String,
    summary: SummaryList,
    agenda: Vec<AgendaLine>,
    attendance: Table,
    attendance_count: usize,
    expected: Vec<String>,
    minutes: String,
    minutes_status: &'static str,
    decisions: Vec<DecisionLine>,
    forms: Option<MeetingForms>,
    /// Whether the date, time and location may be changed (a manager, not cancelled).
    can_edit: bool,
}

/// What was typed into the meeting page's forms (re-shown with errors).
#[derive(Default)]
struct MeetingEntered {
    meeting_status: String,
    item: AgendaItemInput,
    attendance: AttendanceInput,
    minutes: Option<MinutesInput>,
    decision: DecisionInput,
    /// The members' attendance form, as (field, value).
    member_statuses: Vec<(String, String)>,
}

fn paper_lines(papers: &[safeguard_store::files::StoredFile]) -> Vec<PaperLine> {
    papers
        .iter()
        .map(|f| PaperLine {
            id: f.file_id.to_string(),
            name: f.original_name.clone(),
            detail: format!(
                "{}, {}",
                FileKind::parse(&f.kind).map_or("Document", FileKind::label),
                human_size(f.size_bytes)
            ),
            board_only: f.is_board_only(),
        })
        .collect()
}

async fn meeting_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    v: MeetingView,
    entered: &MeetingEntered,
    errors: &ValidationErrors,
    notice: Option<&str>,
) -> Result<MeetingPage, AppError> {
    let m = &v.meeting;
    let summary = SummaryList::new([
        SummaryRow::new(
            "Body",
            Content::html(format!(
                "<a class=\"govuk-link\" href=\"/bodies/{}\">{}</a>",
                v.body.body_id,
                esc(&v.body.name)
            )),
        ),
        SummaryRow::new("Date", long_date(m.meeting_date)),
        SummaryRow::new(
            "Time",
            if m.start_time.is_empty() {
                "Not set".to_owned()
            } else {
                m.start_time.clone()
            },
        ),
        SummaryRow::new(
            "Location",
            if m.location.is_empty() {
                "Not set".to_owned()
            } else {
                m.location.clone()
            },
        ),
        SummaryRow::new("Status", status_label(&m.status)),
    ]);
    let agenda: Vec<AgendaLine> = v
        .agenda
        .iter()
        .map(|a| AgendaLine {
            id: a.item.agenda_item_id.to_string(),
            position: a.item.position,
            title: a.item.title.clone(),
            owner: match (&a.item.owner_person_name, &a.item.owner_organisation_name) {
                (Some(p), Some(o)) => format!("{p}, {o}"),
                (Some(p), None) => p.clone(),
                (None, Some(o)) => o.clone(),
                (None, None) => String::new(),
            },
            papers: paper_lines(&a.papers),
            withdrawn: a
                .item
                .withdrawn_at
                .map(|_| a.item.withdrawn_reason.clone().unwrap_or_default()),
        })
        .collect();
    // The section's h2 already says "Attendance": the caption is for screen readers only.
    let mut attendance = Table::new().caption("Attendance at this meeting").head([
        "Person",
        "Organisation",
        "Attendance",
        "Deputy for",
    ]);
    "govuk-visually-hidden".clone_into(&mut attendance.caption_classes);
    for a in &v.attendance {
        attendance = attendance.row([
            TableCell::new(a.person_name.clone()),
            TableCell::new(a.organisation_name.clone()),
            TableCell::new(
                AttendanceStatus::parse(&a.status).map_or("Unknown", AttendanceStatus::label),
            ),
            TableCell::new(a.deputy_for_name.clone().unwrap_or_default()),
        ]);
    }
    let recorded: Vec<Uuid> = v.attendance.iter().map(|a| a.person_id).collect();
    let expected = v
        .members
        .iter()
        .filter(|m| !recorded.contains(&m.person_id))
        .map(|m| format!("{} ({})", m.person_name, m.organisation_name))
        .collect();
    let decisions = v
        .decisions
        .iter()
        .map(|d| DecisionLine {
            text: d.text.clone(),
            item: d.agenda_item_id.and_then(|i| {
                v.agenda
                    .iter()
                    .find(|a| a.item.agenda_item_id == i)
                    .map(|a| format!("{}. {}", a.item.position, a.item.title))
            }),
            by: format!(
                "{}, {}",
                d.created_by_name,
                long_date(uk_date(d.created_at))
            ),
            actions: v
                .actions
                .iter()
                .filter(|(dec, _, _, _)| *dec == d.decision_id)
                .map(|(_, id, title, status)| {
                    (
                        id.to_string(),
                        title.clone(),
                        ActionStatus::parse(status).map_or("Unknown", ActionStatus::label),
                    )
                })
                .collect(),
        })
        .collect();
    let forms = if actor.can(Permission::ManageGovernance) {
        let (orgs, people) = gov::choices(&s.svc, actor).await?;
        let mut items = vec![SelectItem::new("", "Not about one agenda item")];
        items.extend(
            v.agenda
                .iter()
                .filter(|a| a.item.withdrawn_at.is_none())
                .map(|a| {
                    SelectItem::new(
                        a.item.agenda_item_id.to_string(),
                        format!("{}. {}", a.item.position, a.item.title),
                    )
                }),
        );
        let minutes = entered.minutes.clone().unwrap_or_else(|| MinutesInput {
            minutes: m.minutes.clone(),
            minutes_status: if m.minutes_status == "approved" {
                "approved".to_owned()
            } else {
                "draft".to_owned()
            },
        });
        Some(MeetingForms {
            status: Select::new(
                "meeting_status",
                "Meeting status",
                slug_items(None, MeetingStatus::ALL, MeetingStatus::slug, MeetingStatus::label),
            )
            .value(if entered.meeting_status.is_empty() {
                m.status.clone()
            } else {
                entered.meeting_status.clone()
            })
            .error_opt(errors.get("meeting_status")),
            status_button: Button::new("Update status").secondary().prevent_double_click(),
            item_title: TextInput::new("title", "Agenda item")
                .value(entered.item.title.clone())
                .error_opt(errors.get("title")),
            item_person: Select::new(
                "owner_person_id",
                "Item owner (optional)",
                person_items("No named person", &people),
            )
            .value(entered.item.owner_person_id.clone())
            .error_opt(errors.get("owner_person_id")),
            item_org: Select::new(
                "owner_organisation_id",
                "Item owner organisation (optional)",
                org_items("No organisation", &orgs),
            )
            .value(entered.item.owner_organisation_id.clone())
            .error_opt(errors.get("owner_organisation_id")),
            item_button: Button::new("Add agenda item").prevent_double_click(),
            att_person: Select::new("person_id", "Person", person_items("Choose a person", &people))
                .hint("Members of the body are listed above; anyone else who attended can be recorded too")
                .value(entered.attendance.person_id.clone())
                .error_opt(errors.get("person_id")),
            att_status: Select::new(
                "status",
                "Attendance",
                slug_items(
                    Some("Choose present, apologies or absent"),
                    AttendanceStatus::ALL,
                    AttendanceStatus::slug,
                    AttendanceStatus::label,
                ),
            )
            .value(entered.attendance.status.clone())
            .error_opt(errors.get("status")),
            att_org: Select::new(
                "organisation_id",
                "Organisation represented (optional)",
                org_items("As in their membership, or their own organisation", &orgs),
            )
            .value(entered.attendance.organisation_id.clone())
            .error_opt(errors.get("organisation_id")),
            att_deputy: Select::new(
                "deputy_for_person_id",
                "Deputy for (optional)",
                person_items("Not deputising", &people),
            )
            .value(entered.attendance.deputy_for_person_id.clone())
            .error_opt(errors.get("deputy_for_person_id")),
            att_button: Button::new("Record attendance").prevent_double_click(),
            member_statuses: v
                .members
                .iter()
                .map(|mem| {
                    let field = format!("status_{}", mem.person_id);
                    let current = entered
                        .member_statuses
                        .iter()
                        .find(|(k, _)| *k == field)
                        .map(|(_, v)| v.clone())
                        .or_else(|| {
                            v.attendance
                                .iter()
                                .find(|a| a.person_id == mem.person_id)
                                .map(|a| a.status.clone())
                        })
                        .unwrap_or_default();
                    let error = errors.get(&field).map(str::to_owned);
                    Select::new(
                        field,
                        format!("{} ({})", mem.person_name, mem.organisation_name),
                        slug_items(
                            Some("Not recorded"),
                            AttendanceStatus::ALL,
                            AttendanceStatus::slug,
                            AttendanceStatus::label,
                        ),
                    )
                    .value(current)
                    .error_opt(error)
                })
                .collect(),
            members_button: Button::new("Save attendance").prevent_double_click(),
            minutes: Textarea::new("minutes", "Minutes")
                .rows(8)
                .value(minutes.minutes.clone())
                .error_opt(errors.get("minutes")),
            minutes_status: Select::new(
                "minutes_status",
                "Minutes status",
                vec![
                    SelectItem::new(MinutesStatus::Draft.slug(), MinutesStatus::Draft.label()),
                    SelectItem::new(
                        MinutesStatus::Approved.slug(),
                        MinutesStatus::Approved.label(),
                    ),
                ],
            )
            .value(minutes.minutes_status.clone())
            .error_opt(errors.get("minutes_status")),
            minutes_button: Button::new("Save minutes").prevent_double_click(),
            decision: Textarea::new("decision", "Decision")
                .rows(3)
                .value(entered.decision.decision.clone())
                .error_opt(errors.get("decision")),
            decision_item: Select::new("agenda_item_id", "Agenda item (optional)", items)
                .value(entered.decision.agenda_item_id.clone())
                .error_opt(errors.get("agenda_item_id")),
            action_title: TextInput::new("action_title", "Action title (optional)")
                .hint("Leave the action fields empty if the decision needs no action")
                .value(entered.decision.action_title.clone())
                .error_opt(errors.get("action_title")),
            action_org: Select::new(
                "action_owner_organisation_id",
                "Action owner organisation",
                org_items("Choose an organisation", &orgs),
            )
            .value(entered.decision.action_owner_organisation_id.clone())
            .error_opt(errors.get("action_owner_organisation_id")),
            action_person: Select::new(
                "action_owner_person_id",
                "Action owner (optional)",
                person_items("No named person", &people),
            )
            .hint("The person must work for the owner organisation")
            .value(entered.decision.action_owner_person_id.clone())
            .error_opt(errors.get("action_owner_person_id")),
            action_due: date_input(
                "action_due_date",
                "Action due date (optional)",
                &entered.decision.action_due_date,
                errors,
            ),
            decision_button: Button::new("Record decision").prevent_double_click(),
        })
    } else {
        None
    };
    let title = meeting_title(m);
    Ok(MeetingPage {
        l: Layout::new(title.clone(), Some(identity), "/bodies")
            .with_errors(errors)
            .with_notice(notice),
        csrf: identity.csrf_token.clone(),
        id: m.meeting_id.to_string(),
        body_id: v.body.body_id.to_string(),
        title,
        summary,
        agenda,
        attendance_count: v.attendance.len(),
        attendance,
        expected,
        minutes: m.minutes.clone(),
        minutes_status: MinutesStatus::parse(&m.minutes_status)
            .map_or("Not written", MinutesStatus::label),
        decisions,
        can_edit: forms.is_some() && m.status != MeetingStatus::Cancelled.slug(),
        forms,
    })
}

async fn reshow_meeting(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    entered: &MeetingEntered,
    errors: &ValidationErrors,
) -> PageResult {
    let v = gov::get_meeting(&s.svc, actor, id).await?;
    html_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &meeting_page(s, identity, actor, v, entered, errors, None).await?,
    )
}

/// `GET /meetings/{id}`.
pub async fn meeting(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let id = parse_id(&id)?;
    let v = gov::get_meeting(&s.svc, &actor, id).await?;
    html(
        &meeting_page(
            &s,
            &identity,
            &actor,
            v,
            &MeetingEntered::default(),
            &ValidationErrors::new(),
            notice_text(q.notice.as_deref()),
        )
        .await?,
    )
}

/// After a POST of one of the meeting page's forms: back to the meeting with a notice, or the page
/// again with the form as typed and its errors.
async fn after_meeting_post(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    result: Result<&str, ServiceError>,
    entered: MeetingEntered,
) -> PageResult {
    match result {
        Ok(notice) => see_other(&format!("/meetings/{id}?notice={notice}")),
        Err(ServiceError::Invalid(errors)) => {
            reshow_meeting(s, identity, actor, id, &entered, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn meeting_edit_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    input: Option<&MeetingInput>,
    errors: &ValidationErrors,
) -> Result<MeetingNewPage, AppError> {
    let v = gov::get_meeting(&s.svc, actor, id).await?;
    let m = &v.meeting;
    let current = MeetingInput {
        meeting_date: m.meeting_date.to_string(),
        start_time: m.start_time.clone(),
        location: m.location.clone(),
    };
    let [date, time, location] = meeting_fields(input.unwrap_or(&current), errors);
    Ok(MeetingNewPage {
        l: Layout::new("Change meeting details", Some(identity), "/bodies").with_errors(errors),
        csrf: identity.csrf_token.clone(),
        heading: "Change meeting details".to_owned(),
        action: format!("/meetings/{id}/edit"),
        back_href: format!("/meetings/{id}"),
        back_text: "Back to the meeting".to_owned(),
        body_name: meeting_title(m),
        date,
        time,
        location,
        button: Button::new("Save meeting details").prevent_double_click(),
    })
}

/// `GET /meetings/{id}/edit`: the date, time and location of a meeting.
pub async fn meeting_edit_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    html(&meeting_edit_page(&s, &identity, &actor, id, None, &ValidationErrors::new()).await?)
}

/// `POST /meetings/{id}/edit`.
pub async fn meeting_update(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    f: Result<Form<MeetingInput>, FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let input = form(f)?;
    match gov::update_meeting(&s.svc, &actor, id, &input).await {
        Ok(()) => see_other(&format!("/meetings/{id}?notice=meeting-changed")),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &meeting_edit_page(&s, &identity, &actor, id, Some(&input), &errors).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "governance/agenda_withdraw.html")]
struct WithdrawPage {
    l: Layout,
    csrf: String,
    id: String,
    meeting_id: String,
    meeting: String,
    title: String,
    reason: Textarea,
    button: Button,
}

async fn withdraw_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    input: &WithdrawInput,
    errors: &ValidationErrors,
) -> Result<WithdrawPage, AppError> {
    let (item, meeting) = gov::get_agenda_item(&s.svc, actor, id).await?;
    let title = format!("{}. {}", item.item.position, item.item.title);
    Ok(WithdrawPage {
        l: Layout::new(
            format!("Withdraw agenda item {title}"),
            Some(identity),
            "/bodies",
        )
        .with_errors(errors),
        csrf: identity.csrf_token.clone(),
        id: id.to_string(),
        meeting_id: meeting.meeting_id.to_string(),
        meeting: meeting_title(&meeting),
        title,
        reason: Textarea::new("reason", "Why is the item withdrawn?")
            .hint("For example: added to the wrong meeting")
            .rows(3)
            .value(input.reason.clone())
            .error_opt(errors.get("reason")),
        button: Button::new("Withdraw item")
            .warning()
            .prevent_double_click(),
    })
}

/// `GET /agenda-items/{id}/withdraw`: confirm withdrawing an item added by mistake.
pub async fn withdraw_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let page = withdraw_page(
        &s,
        &identity,
        &actor,
        id,
        &WithdrawInput::default(),
        &ValidationErrors::new(),
    )
    .await?;
    html(&page)
}

/// `POST /agenda-items/{id}/withdraw`.
pub async fn withdraw(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    f: Result<Form<WithdrawInput>, FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let input = form(f)?;
    match gov::withdraw_agenda_item(&s.svc, &actor, id, &input).await {
        Ok(meeting) => see_other(&format!(
            "/meetings/{meeting}?notice=agenda-item-withdrawn#agenda"
        )),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &withdraw_page(&s, &identity, &actor, id, &input, &errors).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

/// `POST /meetings/{id}/agenda`.
pub async fn add_agenda_item(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    f: Result<Form<AgendaItemInput>, FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let input = form(f)?;
    let r = gov::add_agenda_item(&s.svc, &actor, id, &input)
        .await
        .map(|_| "agenda-item-added#agenda");
    let entered = MeetingEntered {
        item: input,
        ..MeetingEntered::default()
    };
    after_meeting_post(&s, &identity, &actor, id, r, entered).await
}

/// `POST /meetings/{id}/attendance`.
pub async fn record_attendance(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    f: Result<Form<AttendanceInput>, FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let input = form(f)?;
    let r = gov::record_attendance(&s.svc, &actor, id, &input)
        .await
        .map(|()| "attendance-recorded#attendance");
    let entered = MeetingEntered {
        attendance: input,
        ..MeetingEntered::default()
    };
    after_meeting_post(&s, &identity, &actor, id, r, entered).await
}

/// `POST /meetings/{id}/attendance/members`: `status_<person id>` for each member of the body.
pub async fn record_members_attendance(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    f: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let pairs: Vec<(String, String)> = form(f)?
        .into_iter()
        .filter(|(k, _)| k.starts_with("status_"))
        .collect();
    let statuses: Vec<(Uuid, String)> = pairs
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("status_")?.parse().ok()?, v.clone())))
        .collect();
    let r = gov::record_members_attendance(&s.svc, &actor, id, &statuses)
        .await
        .map(|_| "attendance-recorded#attendance");
    let entered = MeetingEntered {
        member_statuses: pairs,
        ..MeetingEntered::default()
    };
    after_meeting_post(&s, &identity, &actor, id, r, entered).await
}

/// `POST /meetings/{id}/minutes`.
pub async fn save_minutes(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    f: Result<Form<MinutesInput>, FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let input = form(f)?;
    let r = gov::set_minutes(&s.svc, &actor, id, &input)
        .await
        .map(|()| "minutes-saved#minutes-heading");
    let entered = MeetingEntered {
        minutes: Some(input),
        ..MeetingEntered::default()
    };
    after_meeting_post(&s, &identity, &actor, id, r, entered).await
}

/// The status form.
#[derive(Debug, Default, Deserialize)]
pub struct StatusInput {
    #[serde(default)]
    meeting_status: String,
}

/// `POST /meetings/{id}/status`.
pub async fn set_status(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    f: Result<Form<StatusInput>, FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let input = form(f)?;
    let r = match gov::set_status(&s.svc, &actor, id, &input.meeting_status).await {
        Ok(()) => Ok("meeting-status-changed"),
        // The service names the value `status`; the page's field is `meeting_status`.
        Err(ServiceError::Invalid(errors)) => {
            let mut renamed = ValidationErrors::new();
            for e in errors.0 {
                renamed.add("meeting_status", e.message);
            }
            Err(ServiceError::Invalid(renamed))
        }
        Err(e) => Err(e),
    };
    let entered = MeetingEntered {
        meeting_status: input.meeting_status,
        ..MeetingEntered::default()
    };
    after_meeting_post(&s, &identity, &actor, id, r, entered).await
}

/// `POST /meetings/{id}/decisions`.
pub async fn record_decision(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    f: Result<Form<DecisionInput>, FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let input = form(f)?;
    let r = gov::record_decision(&s.svc, &actor, id, &input)
        .await
        .map(|(_, action)| {
            if action.is_some() {
                "decision-recorded-with-action#decisions"
            } else {
                "decision-recorded#decisions"
            }
        });
    let entered = MeetingEntered {
        decision: input,
        ..MeetingEntered::default()
    };
    after_meeting_post(&s, &identity, &actor, id, r, entered).await
}

// ---------------------------------------------------------------------------------------------
// An agenda item's papers

#[derive(Template)]
#[template(path = "governance/papers.html")]
struct PapersPage {
    l: Layout,
    csrf: String,
    id: String,
    meeting_id: String,
    meeting: String,
    title: String,
    papers: Vec<PaperLine>,
    upload: Option<crate::pages::files::UploadForm>,
    /// Why the item was withdrawn (none while on the agenda).
    withdrawn: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn papers_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    description: &str,
    board_only: bool,
    errors: &ValidationErrors,
    notice: Option<&str>,
) -> Result<PapersPage, AppError> {
    let (item, meeting) = gov::get_agenda_item(&s.svc, actor, id).await?;
    let withdrawn = item
        .item
        .withdrawn_at
        .map(|_| item.item.withdrawn_reason.clone().unwrap_or_default());
    let upload = (actor.can(Permission::ManageGovernance)
        && actor.can(Permission::UploadFiles)
        && withdrawn.is_none())
    .then(|| {
        crate::pages::files::upload_form(s, actor, description, board_only, errors, "Upload paper")
    });
    let title = format!("{}. {}", item.item.position, item.item.title);
    Ok(PapersPage {
        l: Layout::new(format!("Papers: {title}"), Some(identity), "/bodies")
            .with_errors(errors)
            .with_notice(notice),
        csrf: identity.csrf_token.clone(),
        id: id.to_string(),
        meeting_id: meeting.meeting_id.to_string(),
        meeting: meeting_title(&meeting),
        title,
        papers: paper_lines(&item.papers),
        upload,
        withdrawn,
    })
}

/// `GET /agenda-items/{id}/papers`.
pub async fn papers(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let id = parse_id(&id)?;
    html(
        &papers_page(
            &s,
            &identity,
            &actor,
            id,
            "",
            false,
            &ValidationErrors::new(),
            notice_text(q.notice.as_deref()),
        )
        .await?,
    )
}

/// `POST /agenda-items/{id}/papers`: a multipart form with `file`, `description` and `board_only`
/// (the gate has checked its CSRF token and bounded its size).
pub async fn upload_paper(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> PageResult {
    let id = parse_id(&id)?;
    // The item first: someone who may not see it learns nothing, not even that the form is wrong.
    gov::get_agenda_item(&s.svc, &actor, id).await?;
    let form = crate::pages::files::read_upload_form(&s, &headers, body).await?;
    let (description, board_only) = (form.description.clone(), form.board_only);
    let result = match &form.file {
        None => Err(ServiceError::Invalid(ValidationErrors::single(
            "file",
            "Select a file",
        ))),
        Some((name, data)) => gov::upload_paper(
            &s.svc,
            &actor,
            id,
            PaperInput {
                name,
                bytes: data,
                description: Some(description.as_str()),
                board_only,
            },
        )
        .await
        .map(|_| ()),
    };
    match result {
        Ok(()) => see_other(&format!("/agenda-items/{id}/papers?notice=paper-uploaded")),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &papers_page(
                &s,
                &identity,
                &actor,
                id,
                &description,
                board_only,
                &errors,
                None,
            )
            .await?,
        ),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// The attendance-by-agency report

#[derive(Template)]
#[template(path = "governance/attendance.html")]
struct AttendancePage {
    l: Layout,
    body_id: String,
    body_name: String,
    year_label: String,
    period: String,
    meetings_held: usize,
    year: Select,
    table: Table,
    empty: bool,
}

/// The report's query.
#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    year: Option<String>,
}

/// Reads `?year=`: absent or empty is the current financial year; anything else must be a year.
pub fn year_of(raw: Option<&str>, today: NaiveDate) -> Result<i32, ServiceError> {
    match raw.map(str::trim).filter(|y| !y.is_empty()) {
        None => Ok(financial_year_of(today)),
        Some(y) => y.parse::<i32>().map_err(|_| {
            ServiceError::Invalid(ValidationErrors::single(
                "year",
                "Enter a year between 2000 and 2099",
            ))
        }),
    }
}

/// `GET /bodies/{id}/attendance?year=2022`.
pub async fn attendance(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Query(q) = q.map_err(|_| AppError::BadRequest("The address is not valid."))?;
    let today = uk_date(s.svc.now());
    let year = year_of(q.year.as_deref(), today)?;
    let r = gov::attendance_report(&s.svc, &actor, id, year).await?;
    let mut table = Table::new()
        .caption(format!(
            "Attendance by agency, {}",
            financial_year_label(year)
        ))
        .head([
            TableCell::new("Organisation"),
            TableCell::numeric("Expected"),
            TableCell::numeric("Present"),
            TableCell::numeric("Apologies"),
            TableCell::numeric("Absent"),
            TableCell::numeric("Attendance rate"),
        ]);
    for l in &r.lines {
        table = table.row([
            TableCell::new(l.organisation_name.clone()),
            TableCell::numeric(l.expected.to_string()),
            TableCell::numeric(l.present.to_string()),
            TableCell::numeric(l.apologies.to_string()),
            TableCell::numeric(l.absent.to_string()),
            TableCell::numeric(
                l.rate_percent
                    .map_or_else(|| "None".to_owned(), |p| format!("{p}%")),
            ),
        ]);
    }
    let current = financial_year_of(today);
    let years: Vec<SelectItem> = (2000..=current.max(year))
        .rev()
        .take(12)
        .map(|y| SelectItem::new(y.to_string(), financial_year_label(y)))
        .collect();
    html(&AttendancePage {
        l: Layout::new(
            format!("Attendance by agency: {}", r.body.name),
            Some(&identity),
            "/bodies",
        ),
        body_id: r.body.body_id.to_string(),
        body_name: r.body.name.clone(),
        year_label: financial_year_label(year),
        period: format!("{} to {}", long_date(r.from), long_date(r.to)),
        meetings_held: r.meetings_held,
        year: Select::new("year", "Financial year", years).value(year.to_string()),
        empty: r.lines.is_empty(),
        table,
    })
}
