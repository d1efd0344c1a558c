//! The activity and impact log: a financial year month by month (reads like the "What have we
//! achieved in the last 12 months?" section of a yearly report), an entry's page with its evidence
//! links, adding and editing entries, adding and removing links, and CSV and XLSX downloads.

use crate::error::AppError;
use crate::layout::Layout;
use crate::pages::{
    NoticeQuery, PageResult, html, html_status, notice_text, see_other, url_encode,
};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::ValidationErrors;
use safeguard_domain::actions::uk_local;
use safeguard_domain::activity::{EntryInput, LinkInput, LinkType, normalise_tag};
use safeguard_domain::policy::Permission;
use safeguard_service::activity::{EntryView, Export, ExportFormat, YearQuery, current_year};
use safeguard_service::auth::Identity;
use safeguard_service::{Actor, ServiceError};
use safeguard_store::activity::Link;
use safeguard_ui::components::{
    Button, Select, SelectItem, SummaryList, SummaryRow, TextInput, Textarea,
};
use serde::Deserialize;
use uuid::Uuid;

/// The notices of this module's redirects (codes not known here go to the shared list).
fn notice(code: Option<&str>) -> Option<&'static str> {
    match code {
        Some("activity-added") => Some("Entry added to the activity log."),
        Some("activity-saved") => Some("Changes saved."),
        Some("activity-link-added") => Some("Evidence link added."),
        Some("activity-link-removed") => Some("Evidence link removed."),
        other => notice_text(other),
    }
}

fn parse_uuid(id: &str) -> Result<Uuid, AppError> {
    id.parse()
        .map_err(|_| AppError::Service(ServiceError::NotFound))
}

fn date_text(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn time_text(t: DateTime<Utc>) -> String {
    uk_local(t).format("%-d %B %Y at %H:%M").to_string()
}

/// Paragraphs of a text, split at blank lines.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An evidence link as shown.
pub struct LinkView {
    /// Id.
    pub id: String,
    /// What it is ("Document", "Action", "Web page").
    pub kind: &'static str,
    /// Label.
    pub label: String,
    /// Where it goes.
    pub href: String,
}

fn link_view(l: &Link) -> LinkView {
    let kind = LinkType::parse(&l.target_type);
    let href = match (kind, l.target_id, &l.url) {
        (Some(LinkType::Url), _, Some(u)) => u.clone(),
        (Some(LinkType::File), Some(id), _) => format!("/files/{id}"),
        (Some(LinkType::Action), Some(id), _) => format!("/actions/{id}"),
        (Some(LinkType::Meeting), Some(id), _) => format!("/meetings/{id}"),
        _ => "#".to_owned(),
    };
    LinkView {
        id: l.activity_link_id.to_string(),
        kind: kind.map_or("Link", LinkType::label),
        label: l.label.clone(),
        href,
    }
}

/// An entry as shown in the month-by-month view.
pub struct Card {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Body or workstream.
    pub body: String,
    /// "15 April 2022".
    pub date: String,
    /// What happened, by paragraph.
    pub what: Vec<String>,
    /// The impact, by paragraph.
    pub impact: Vec<String>,
    /// Tags with their filter links.
    pub tags: Vec<(String, String)>,
    /// Evidence.
    pub links: Vec<LinkView>,
}

fn card(v: &EntryView, year: i32) -> Card {
    let e = &v.entry;
    Card {
        id: e.activity_entry_id.to_string(),
        title: e.title.clone(),
        body: e.body_or_workstream().to_owned(),
        date: date_text(e.entry_date),
        what: paragraphs(&e.what_happened),
        impact: paragraphs(&e.impact),
        tags: v
            .tags
            .iter()
            .map(|t| {
                (
                    t.clone(),
                    format!("/activity?year={year}&tag={}", url_encode(t)),
                )
            })
            .collect(),
        links: v.links.iter().map(link_view).collect(),
    }
}

/// One month section.
pub struct MonthSection {
    /// Anchor id, "month-2022-04".
    pub anchor: String,
    /// "April 2022".
    pub label: String,
    /// Its entries.
    pub cards: Vec<Card>,
}

/// The year page's query.
#[derive(Debug, Default, Deserialize)]
pub struct YearParams {
    #[serde(default)]
    year: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    notice: Option<String>,
}

fn year_of(s: &AppState, raw: &str) -> Result<i32, AppError> {
    match raw.trim() {
        "" => Ok(current_year(s.svc.now())),
        v => v
            .parse::<i32>()
            .ok()
            .filter(|y| safeguard_domain::activity::valid_year(*y))
            .ok_or(AppError::BadRequest(
                "The year could not be read: choose a financial year from the list.",
            )),
    }
}

fn query_of(p: &YearParams) -> YearQuery {
    YearQuery {
        body: p.body.trim().parse().ok(),
        tag: normalise_tag(&p.tag),
    }
}

#[derive(Template)]
#[template(path = "activity/year.html")]
struct YearPage {
    l: Layout,
    y: i32,
    label: String,
    range: String,
    year: Select,
    body: Select,
    tag: Select,
    filtered: bool,
    total: usize,
    months: Vec<MonthSection>,
    csv_href: String,
    xlsx_href: String,
    can_manage: bool,
}

/// `GET /activity`: a financial year month by month, with the year picker and filters.
pub async fn year(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<YearParams>, QueryRejection>,
) -> PageResult {
    let Query(p) = q.map_err(|_| AppError::BadRequest("The filters could not be read."))?;
    let y = year_of(&s, &p.year)?;
    let query = query_of(&p);
    let view = safeguard_service::activity::year(&s.svc, &actor, y, &query).await?;
    let years = safeguard_service::activity::years(&s.svc, &actor).await?;
    let bodies = safeguard_service::activity::bodies(&s.svc, &actor).await?;
    let tags = safeguard_service::activity::tags_in_use(&s.svc, &actor).await?;
    let mut year_items: Vec<SelectItem> = years
        .iter()
        .map(|y| {
            SelectItem::new(
                y.to_string(),
                safeguard_domain::activity::financial_year_label(*y),
            )
        })
        .collect();
    if !years.contains(&y) {
        year_items.push(SelectItem::new(
            y.to_string(),
            safeguard_domain::activity::financial_year_label(y),
        ));
    }
    let mut body_items = vec![SelectItem::new("", "All boards and sub-groups")];
    body_items.extend(
        bodies
            .iter()
            .map(|b| SelectItem::new(b.body_id.to_string(), b.name.clone())),
    );
    let mut tag_items = vec![SelectItem::new("", "All tags")];
    tag_items.extend(tags.iter().map(|t| SelectItem::new(t.clone(), t.clone())));
    let body_value = query.body.map(|b| b.to_string()).unwrap_or_default();
    let tag_value = query.tag.clone().unwrap_or_default();
    let filter_qs = format!(
        "year={y}&body={}&tag={}",
        url_encode(&body_value),
        url_encode(&tag_value)
    );
    let months = view
        .months
        .iter()
        .map(|m| MonthSection {
            anchor: format!("month-{}-{:02}", m.year, m.month),
            label: m.label.clone(),
            cards: m.entries.iter().map(|e| card(e, y)).collect(),
        })
        .collect();
    html(&YearPage {
        l: Layout::new(
            format!("Activity and impact log {}", view.label),
            Some(&identity),
            "/activity",
        )
        .with_notice(notice(p.notice.as_deref())),
        y,
        range: format!("April {} to March {}", y, y + 1),
        label: view.label.clone(),
        year: Select::new("year", "Financial year", year_items).value(y.to_string()),
        body: Select::new("body", "Board or sub-group", body_items).value(body_value),
        tag: Select::new("tag", "Tag", tag_items).value(tag_value),
        filtered: query.body.is_some() || query.tag.is_some(),
        total: view.total,
        months,
        csv_href: format!("/activity/export.csv?{filter_qs}"),
        xlsx_href: format!("/activity/export.xlsx?{filter_qs}"),
        can_manage: actor.can(Permission::ManageActivityLog),
    })
}

pub(crate) fn download(e: Export) -> Response {
    let disposition = safeguard_domain::files::content_disposition(&e.file_name);
    let mut res = (StatusCode::OK, e.bytes).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(e.content_type),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

async fn export(
    s: &AppState,
    actor: &Actor,
    q: Result<Query<YearParams>, QueryRejection>,
    format: ExportFormat,
) -> PageResult {
    let Query(p) = q.map_err(|_| AppError::BadRequest("The filters could not be read."))?;
    let y = year_of(s, &p.year)?;
    let e = safeguard_service::activity::export(&s.svc, actor, y, &query_of(&p), format).await?;
    Ok(download(e))
}

/// `GET /activity/export.csv`: the year (with the page's filters) as CSV.
pub async fn export_csv(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<YearParams>, QueryRejection>,
) -> PageResult {
    export(&s, &actor, q, ExportFormat::Csv).await
}

/// `GET /activity/export.xlsx`: the year (with the page's filters) as an Excel workbook.
pub async fn export_xlsx(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<YearParams>, QueryRejection>,
) -> PageResult {
    export(&s, &actor, q, ExportFormat::Xlsx).await
}

#[derive(Template)]
#[template(path = "activity/form.html")]
struct FormPage {
    l: Layout,
    csrf: String,
    heading: String,
    action: String,
    back: String,
    version: Option<String>,
    entry_date: TextInput,
    body_id: Select,
    workstream: TextInput,
    title: TextInput,
    what_happened: Textarea,
    impact: Textarea,
    tags: TextInput,
    button: Button,
}

struct FormSpec<'a> {
    heading: &'a str,
    action: String,
    back: String,
    version: Option<String>,
    button: &'a str,
}

async fn form_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    spec: FormSpec<'_>,
    input: &EntryInput,
    errors: &ValidationErrors,
) -> Result<FormPage, AppError> {
    let bodies = safeguard_service::activity::bodies(&s.svc, actor).await?;
    let mut body_items = vec![SelectItem::new("", "Not a board or sub-group")];
    body_items.extend(
        bodies
            .iter()
            .map(|b| SelectItem::new(b.body_id.to_string(), b.name.clone())),
    );
    let version_error = errors.get("version");
    Ok(FormPage {
        l: Layout::new(spec.heading.to_owned(), Some(identity), "/activity").with_errors(errors),
        csrf: identity.csrf_token.clone(),
        heading: spec.heading.to_owned(),
        action: spec.action,
        back: spec.back,
        version: spec.version,
        entry_date: TextInput::new("entry_date", "Date")
            .hint("Year-month-day, for example 2022-04-15")
            .value(input.entry_date.clone())
            .autocomplete("off")
            .error_opt(errors.get("entry_date")),
        body_id: Select::new("body_id", "Board or sub-group", body_items)
            .value(input.body_id.clone())
            .error_opt(errors.get("body_id")),
        workstream: TextInput::new("workstream", "Workstream (if not a board or sub-group)")
            .hint("For example, Learning and development")
            .value(input.workstream.clone())
            .error_opt(errors.get("workstream")),
        title: TextInput::new("title", "Title")
            .value(input.title.clone())
            .error_opt(errors.get("title").or(version_error)),
        what_happened: Textarea::new("what_happened", "What happened")
            .hint("Leave a blank line between paragraphs")
            .rows(8)
            .value(input.what_happened.clone())
            .error_opt(errors.get("what_happened")),
        impact: Textarea::new("impact", "Safeguarding impact")
            .hint("What difference it made for children and families, or for practice")
            .rows(6)
            .value(input.impact.clone())
            .error_opt(errors.get("impact")),
        tags: TextInput::new("tags", "Tags (optional)")
            .hint("Separate tags with commas, for example neglect, training")
            .value(input.tags.clone())
            .error_opt(errors.get("tags")),
        button: Button::new(spec.button.to_owned()).prevent_double_click(),
    })
}

fn new_spec() -> FormSpec<'static> {
    FormSpec {
        heading: "Add an activity entry",
        action: "/activity".to_owned(),
        back: "/activity".to_owned(),
        version: None,
        button: "Add entry",
    }
}

/// `GET /activity/new`: the add-an-entry form.
pub async fn new_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    html(
        &form_page(
            &s,
            &identity,
            &actor,
            new_spec(),
            &EntryInput::default(),
            &ValidationErrors::new(),
        )
        .await?,
    )
}

/// `POST /activity`: adds an entry.
pub async fn create(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    form: Result<Form<EntryInput>, FormRejection>,
) -> PageResult {
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::activity::create(&s.svc, &actor, &input).await {
        Ok(id) => see_other(&format!("/activity/{id}?notice=activity-added")),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&s, &identity, &actor, new_spec(), &input, &errors).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

fn edit_spec(id: Uuid, version: i64) -> FormSpec<'static> {
    FormSpec {
        heading: "Edit the activity entry",
        action: format!("/activity/{id}"),
        back: format!("/activity/{id}"),
        version: Some(version.to_string()),
        button: "Save changes",
    }
}

fn input_of(v: &EntryView) -> EntryInput {
    let e = &v.entry;
    EntryInput {
        entry_date: e.entry_date.to_string(),
        body_id: e.body_id.map(|b| b.to_string()).unwrap_or_default(),
        workstream: e.workstream.clone(),
        title: e.title.clone(),
        what_happened: e.what_happened.clone(),
        impact: e.impact.clone(),
        tags: v.tags.join(", "),
        version: e.version.to_string(),
    }
}

/// `GET /activity/{id}/edit`: the edit form.
pub async fn edit_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_uuid(&id)?;
    actor
        .require(Permission::ManageActivityLog)
        .map_err(AppError::Service)?;
    let v = safeguard_service::activity::get(&s.svc, &actor, id).await?;
    html(
        &form_page(
            &s,
            &identity,
            &actor,
            edit_spec(id, v.entry.version),
            &input_of(&v),
            &ValidationErrors::new(),
        )
        .await?,
    )
}

/// `POST /activity/{id}`: saves an edit. A stale version re-shows the person's text with the
/// conflict message (409); the form then carries the current version, so saving again is deliberate.
pub async fn update(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<EntryInput>, FormRejection>,
) -> PageResult {
    let id = parse_uuid(&id)?;
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let (status, errors) =
        match safeguard_service::activity::update(&s.svc, &actor, id, &input).await {
            Ok(()) => return see_other(&format!("/activity/{id}?notice=activity-saved")),
            Err(ServiceError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
            Err(ServiceError::Conflict(message)) => (
                StatusCode::CONFLICT,
                ValidationErrors::single("title", message),
            ),
            Err(e) => return Err(e.into()),
        };
    let current = safeguard_service::activity::get(&s.svc, &actor, id).await?;
    let version = if status == StatusCode::CONFLICT {
        current.entry.version
    } else {
        input
            .version
            .trim()
            .parse()
            .unwrap_or(current.entry.version)
    };
    html_status(
        status,
        &form_page(
            &s,
            &identity,
            &actor,
            edit_spec(id, version),
            &input,
            &errors,
        )
        .await?,
    )
}

#[derive(Template)]
#[template(path = "activity/show.html")]
struct ShowPage {
    l: Layout,
    csrf: String,
    id: String,
    title: String,
    year: i32,
    summary: SummaryList,
    what: Vec<String>,
    impact: Vec<String>,
    links: Vec<LinkView>,
    manage: Option<LinkForm>,
}

/// The add-a-link form.
pub struct LinkForm {
    evidence: Select,
    url: TextInput,
    label: TextInput,
    button: Button,
}

/// The add-link form's fields (a page's single "evidence" select stands for the API's type and id).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LinkFormInput {
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    label: String,
}

async fn show_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    v: &EntryView,
    link_input: &LinkFormInput,
    errors: &ValidationErrors,
    notice_code: Option<&str>,
) -> Result<ShowPage, AppError> {
    let e = &v.entry;
    let year = safeguard_domain::activity::financial_year_of(e.entry_date);
    let summary = SummaryList::new([
        SummaryRow::new("Date", date_text(e.entry_date)),
        SummaryRow::new(
            if e.body_id.is_some() {
                "Board or sub-group"
            } else {
                "Workstream"
            },
            e.body_or_workstream().to_owned(),
        ),
        SummaryRow::new(
            "Tags",
            if v.tags.is_empty() {
                "None".to_owned()
            } else {
                v.tags.join(", ")
            },
        ),
        SummaryRow::new(
            "Last changed",
            format!("{} by {}", time_text(e.updated_at), e.updated_by_name),
        ),
    ]);
    let manage = if actor.can(Permission::ManageActivityLog) {
        let choices = safeguard_service::activity::link_choices(&s.svc, actor).await?;
        let mut items = vec![SelectItem::new("", "Choose a document, action or meeting")];
        items.extend(choices.iter().map(|c| {
            SelectItem::new(
                format!("{}:{}", c.kind.slug(), c.id),
                format!("{}: {}", c.kind.label(), c.name),
            )
        }));
        Some(LinkForm {
            evidence: Select::new("evidence", "Document, action or meeting", items)
                .hint("The newest 200 documents, actions and meetings of this partnership")
                .value(link_input.evidence.clone())
                .error_opt(errors.get("evidence")),
            url: TextInput::new("url", "Or a web address")
                .hint("Starting https://, for example a published report")
                .value(link_input.url.clone())
                .autocomplete("off")
                .error_opt(errors.get("url")),
            label: TextInput::new("label", "Label (optional)")
                .hint("What to show; the record's name if you leave it empty")
                .value(link_input.label.clone())
                .error_opt(errors.get("label")),
            button: Button::new("Add evidence link")
                .secondary()
                .prevent_double_click(),
        })
    } else {
        None
    };
    Ok(ShowPage {
        l: Layout::new(e.title.clone(), Some(identity), "/activity")
            .with_errors(errors)
            .with_notice(notice(notice_code)),
        csrf: identity.csrf_token.clone(),
        id: e.activity_entry_id.to_string(),
        title: e.title.clone(),
        year,
        summary,
        what: paragraphs(&e.what_happened),
        impact: paragraphs(&e.impact),
        links: v.links.iter().map(link_view).collect(),
        manage,
    })
}

/// `GET /activity/{id}`: an entry with its evidence.
pub async fn show(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let id = parse_uuid(&id)?;
    let v = safeguard_service::activity::get(&s.svc, &actor, id).await?;
    html(
        &show_page(
            &s,
            &identity,
            &actor,
            &v,
            &LinkFormInput::default(),
            &ValidationErrors::new(),
            q.notice.as_deref(),
        )
        .await?,
    )
}

fn link_input(f: &LinkFormInput) -> Result<LinkInput, ValidationErrors> {
    let evidence = f.evidence.trim();
    let url = f.url.trim();
    match (evidence.is_empty(), url.is_empty()) {
        (true, true) => Err(ValidationErrors::single(
            "evidence",
            "Choose a document or action, or enter a web address",
        )),
        (false, false) => Err(ValidationErrors::single(
            "url",
            "Choose a document or action, or enter a web address, not both",
        )),
        (true, false) => Ok(LinkInput {
            target_type: "url".to_owned(),
            target_id: String::new(),
            url: url.to_owned(),
            label: f.label.clone(),
        }),
        (false, true) => {
            let (kind, id) = evidence.split_once(':').unwrap_or(("", ""));
            Ok(LinkInput {
                target_type: kind.to_owned(),
                target_id: id.to_owned(),
                url: String::new(),
                label: f.label.clone(),
            })
        }
    }
}

/// `POST /activity/{id}/links`: adds an evidence link.
pub async fn add_link(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<LinkFormInput>, FormRejection>,
) -> PageResult {
    let id = parse_uuid(&id)?;
    let Form(f) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    // Access first: someone who may not see the entry learns nothing from the form's errors.
    let v = safeguard_service::activity::get(&s.svc, &actor, id).await?;
    actor
        .require(Permission::ManageActivityLog)
        .map_err(AppError::Service)?;
    let result = match link_input(&f) {
        Ok(input) => safeguard_service::activity::add_link(&s.svc, &actor, id, &input).await,
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    match result {
        Ok(_) => see_other(&format!("/activity/{id}?notice=activity-link-added")),
        Err(ServiceError::Invalid(errors)) => {
            let mut mapped = ValidationErrors::new();
            for e in errors.0 {
                let field = match e.field.as_str() {
                    "target_type" | "target_id" => "evidence",
                    other => other,
                };
                mapped.add(field, e.message);
            }
            html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &show_page(&s, &identity, &actor, &v, &f, &mapped, None).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /activity/{id}/links/{link}/remove`: removes an evidence link (its record stays).
pub async fn remove_link(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((id, link)): Path<(String, String)>,
) -> PageResult {
    let id = parse_uuid(&id)?;
    let link = parse_uuid(&link)?;
    safeguard_service::activity::remove_link(&s.svc, &actor, id, link).await?;
    see_other(&format!("/activity/{id}?notice=activity-link-removed"))
}
