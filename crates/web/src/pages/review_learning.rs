//! The learning of case reviews: the themes taxonomy (list, add, rename and describe, retire and
//! reinstate), a theme's reviews, the themes across financial years (an HTML table and a CSV
//! download), and the learning page of a notification (`/case-reviews/{id}/learning`) or a practice
//! review (`/practice-reviews/{id}/learning`): its themes as tick boxes, its findings and its
//! recommendations with their addressees, and the forms to add and change them. The access rules and
//! audit entries are the service's ([`safeguard_service::review_learning`]).

use crate::error::AppError;
use crate::layout::Layout;
use crate::pages::{
    NoticeQuery, PageResult, esc, html, html_status, notice_text, parse_id, see_other,
};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use safeguard_domain::ValidationErrors;
use safeguard_domain::policy::Permission;
use safeguard_domain::review_learning::{
    FindingInput, RecommendationInput, SubjectType, ThemeInput, financial_year_label,
    financial_year_of,
};
use safeguard_service::auth::Identity;
use safeguard_service::review_learning::{Learning, RecommendationView};
use safeguard_service::{Actor, ServiceError};
use safeguard_store::review_learning::{FindingRow, SubjectRow, ThemeRow};
use safeguard_ui::components::{
    Button, Checkboxes, Choice, Content, Select, SelectItem, SummaryList, SummaryRow, Table,
    TableCell, TextInput, Textarea,
};
use uuid::Uuid;

const NAV: &str = "/case-reviews";

fn r<T: Template>(t: T) -> String {
    t.render().unwrap_or_default()
}

/// Paragraphs of a text, split on blank lines.
fn paragraphs(s: &str) -> Vec<String> {
    s.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// "Notification SIN 2022-02" or "Practice review CSPR 2022-01".
fn subject_name(kind: SubjectType, s: &SubjectRow) -> String {
    match kind {
        SubjectType::Notification => format!("Notification {}", s.reference),
        SubjectType::PracticeReview => format!("Practice review {}", s.reference),
    }
}

fn learning_path(kind: SubjectType, id: Uuid) -> String {
    format!("{}/learning", kind.path(id))
}

/// Form fields as posted, where some names repeat (tick boxes).
type Pairs = Vec<(String, String)>;

fn first(pairs: &Pairs, name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn all(pairs: &Pairs, name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

fn read_pairs(form: Result<Form<Pairs>, FormRejection>) -> Result<Pairs, AppError> {
    form.map(|Form(p)| p)
        .map_err(|_| AppError::BadRequest("The form could not be read."))
}

// ---------------------------------------------------------------------------------------------
// The taxonomy

#[derive(Template)]
#[template(path = "review_learning/themes.html")]
struct ThemesPage {
    l: Layout,
    csrf: String,
    current: Table,
    retired: Option<Table>,
    empty: bool,
    can_manage: bool,
}

fn theme_table(caption: &str, rows: &[&ThemeRow], can_manage: bool) -> Table {
    let mut head = vec!["Theme", "Description"];
    if can_manage {
        head.push("Change");
    }
    let mut t = Table::new().caption(caption.to_owned()).head(head);
    for theme in rows {
        let mut row = vec![
            TableCell::html(format!(
                "<a class=\"govuk-link\" href=\"/case-review-themes/{}\">{}</a>",
                theme.theme_id,
                esc(&theme.name)
            )),
            TableCell::new(theme.description.clone()),
        ];
        if can_manage {
            row.push(TableCell::html(format!(
                "<a class=\"govuk-link\" href=\"/case-review-themes/{}/edit\">Change<span class=\"govuk-visually-hidden\"> {}</span></a>",
                theme.theme_id,
                esc(&theme.name)
            )));
        }
        t = t.row(row);
    }
    t
}

/// `GET /case-review-themes`: the taxonomy (administrators change it).
pub async fn list(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let themes = safeguard_service::review_learning::themes(&s.svc, &actor).await?;
    let can_manage = actor.can(Permission::ManageCaseReviewThemes);
    let current: Vec<&ThemeRow> = themes.iter().filter(|t| !t.retired).collect();
    let retired: Vec<&ThemeRow> = themes.iter().filter(|t| t.retired).collect();
    html(&ThemesPage {
        l: Layout::new("Case review themes", Some(&identity), NAV)
            .with_notice(notice_text(q.notice.as_deref())),
        csrf: identity.csrf_token.clone(),
        current: theme_table(
            &format!("{} current themes", current.len()),
            &current,
            can_manage,
        ),
        retired: (!retired.is_empty()).then(|| {
            theme_table(
                &format!("{} retired themes", retired.len()),
                &retired,
                can_manage,
            )
        }),
        empty: themes.is_empty(),
        can_manage,
    })
}

#[derive(Template)]
#[template(path = "review_learning/form.html")]
struct FormPage {
    l: Layout,
    csrf: String,
    back: String,
    caption: String,
    heading: String,
    intro: Vec<String>,
    action: String,
    version: Option<String>,
    fields: Vec<String>,
    button: Button,
    /// A second form under the first (retire or reinstate a theme).
    extra: Option<(String, String, Button)>,
}

impl FormPage {
    #[allow(clippy::too_many_arguments)]
    fn new(
        identity: &Identity,
        title: &str,
        caption: &str,
        back: String,
        action: String,
        intro: Vec<String>,
        fields: Vec<String>,
        button: &str,
        errors: &ValidationErrors,
    ) -> Self {
        Self {
            l: Layout::new(title.to_owned(), Some(identity), NAV).with_errors(errors),
            csrf: identity.csrf_token.clone(),
            back,
            caption: caption.to_owned(),
            heading: title.to_owned(),
            intro,
            action,
            version: None,
            fields,
            button: Button::new(button.to_owned()).prevent_double_click(),
            extra: None,
        }
    }
}

fn respond(page: &FormPage, status: StatusCode) -> PageResult {
    if status == StatusCode::OK {
        html(page)
    } else {
        html_status(status, page)
    }
}

fn theme_fields(i: &ThemeInput, e: &ValidationErrors) -> Vec<String> {
    vec![
        r(TextInput::new("name", "Name")
            .hint("For example, Professional curiosity")
            .value(i.name.clone())
            .error_opt(e.get("name"))),
        r(Textarea::new("description", "Description (optional)")
            .hint("What the theme covers, so that reviews are tagged consistently")
            .rows(3)
            .value(i.description.clone())
            .error_opt(e.get("description"))),
    ]
}

fn new_theme_page(identity: &Identity, i: &ThemeInput, e: &ValidationErrors) -> FormPage {
    FormPage::new(
        identity,
        "Add a theme",
        "Case review themes",
        "/case-review-themes".into(),
        "/case-review-themes".into(),
        vec![
            "Reviews are tagged with themes so that learning can be seen across years and reviews."
                .into(),
        ],
        theme_fields(i, e),
        "Add theme",
        e,
    )
}

/// `GET /case-review-themes/new`: the form to add a theme.
pub async fn new_theme_form(
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviewThemes)?;
    respond(
        &new_theme_page(&identity, &ThemeInput::default(), &ValidationErrors::new()),
        StatusCode::OK,
    )
}

/// `POST /case-review-themes`: adds a theme.
pub async fn create_theme(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    form: Result<Form<ThemeInput>, FormRejection>,
) -> PageResult {
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::review_learning::create_theme(&s.svc, &actor, &input).await {
        Ok(_) => see_other("/case-review-themes?notice=theme-added"),
        Err(ServiceError::Invalid(e)) => respond(
            &new_theme_page(&identity, &input, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(e.into()),
    }
}

/// `POST /case-review-themes/defaults`: adds the standard themes the partnership does not have.
pub async fn add_defaults(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    safeguard_service::review_learning::add_default_themes(&s.svc, &actor).await?;
    see_other("/case-review-themes?notice=default-themes-added")
}

fn edit_theme_page(
    identity: &Identity,
    theme: &ThemeRow,
    i: &ThemeInput,
    e: &ValidationErrors,
) -> FormPage {
    let id = theme.theme_id;
    let mut page = FormPage::new(
        identity,
        "Change a theme",
        &theme.name,
        "/case-review-themes".into(),
        format!("/case-review-themes/{id}/edit"),
        vec!["The reviews that carry the theme show its new name.".into()],
        theme_fields(i, e),
        "Save changes",
        e,
    );
    page.extra = Some(if theme.retired {
        (
            format!("/case-review-themes/{id}/reinstate"),
            "This theme is retired: it stays on the reviews that carry it, and cannot be added to others. Reinstate it to use it again.".into(),
            Button::new("Reinstate theme").secondary().prevent_double_click(),
        )
    } else {
        (
            format!("/case-review-themes/{id}/retire"),
            "Retiring a theme keeps it on the reviews that carry it; it can no longer be added to others.".into(),
            Button::new("Retire theme").warning().prevent_double_click(),
        )
    });
    page
}

/// `GET /case-review-themes/{id}/edit`: the form to rename, describe, retire or reinstate a theme.
pub async fn edit_theme_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let t = safeguard_service::review_learning::theme(&s.svc, &actor, id).await?;
    let i = ThemeInput {
        name: t.name.clone(),
        description: t.description.clone(),
    };
    respond(
        &edit_theme_page(&identity, &t, &i, &ValidationErrors::new()),
        StatusCode::OK,
    )
}

/// `POST /case-review-themes/{id}/edit`: renames or describes a theme.
pub async fn update_theme(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<ThemeInput>, FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let t = safeguard_service::review_learning::theme(&s.svc, &actor, id).await?;
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::review_learning::update_theme(&s.svc, &actor, id, &input, None).await {
        Ok(()) => see_other("/case-review-themes?notice=theme-saved"),
        Err(ServiceError::Invalid(e)) => respond(
            &edit_theme_page(&identity, &t, &input, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(e.into()),
    }
}

/// `POST /case-review-themes/{id}/retire`.
pub async fn retire_theme(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    safeguard_service::review_learning::set_theme_retired(&s.svc, &actor, id, true).await?;
    see_other("/case-review-themes?notice=theme-retired")
}

/// `POST /case-review-themes/{id}/reinstate`.
pub async fn reinstate_theme(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    safeguard_service::review_learning::set_theme_retired(&s.svc, &actor, id, false).await?;
    see_other("/case-review-themes?notice=theme-reinstated")
}

// ---------------------------------------------------------------------------------------------
// A theme's reviews and the themes across years

/// The filters of a theme's reviews.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ThemeQuery {
    /// The financial year's start year, such as 2022 for 2022-23.
    pub year: Option<String>,
    /// notification or practice_review.
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Template)]
#[template(path = "review_learning/theme.html")]
struct ThemePage {
    l: Layout,
    name: String,
    description: String,
    retired: bool,
    filter: String,
    table: Table,
    count: usize,
    all_href: Option<String>,
}

/// `GET /case-review-themes/{id}`: the reviews carrying a theme, optionally of one financial year
/// (`?year=2022`) and one type (`?type=notification` or `practice_review`).
pub async fn show_theme(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    q: Result<Query<ThemeQuery>, QueryRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Query(q) = q.map_err(|_| AppError::BadRequest("The filters could not be read."))?;
    let year = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => None,
        Some(y) => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or(AppError::BadRequest("The year could not be read."))?,
        ),
    };
    let kind = match q.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => {
            Some(SubjectType::parse(k).ok_or(AppError::BadRequest("The type could not be read."))?)
        }
    };
    let v =
        safeguard_service::review_learning::theme_reviews(&s.svc, &actor, id, year, kind).await?;
    let mut filter = Vec::new();
    if let Some(k) = kind {
        filter.push(k.plural().to_owned());
    }
    if let Some(y) = year {
        filter.push(format!("started in {}", financial_year_label(y)));
    }
    let mut table = Table::new()
        .caption(format!(
            "{} {} carrying this theme",
            v.subjects.len(),
            if v.subjects.len() == 1 {
                "review"
            } else {
                "reviews"
            }
        ))
        .head(["Review", "Type", "Started", "Financial year", "About"]);
    for x in &v.subjects {
        let Some(k) = SubjectType::parse(&x.subject_type) else {
            continue;
        };
        table = table.row([
            TableCell::html(format!(
                "<a class=\"govuk-link\" href=\"{}\">{}</a>",
                learning_path(k, x.subject_id),
                esc(&x.reference)
            )),
            TableCell::new(k.label()),
            TableCell::new(x.started_on.format("%-d %B %Y").to_string()),
            TableCell::new(financial_year_label(financial_year_of(x.started_on))),
            TableCell::new(x.title.clone()),
        ]);
    }
    html(&ThemePage {
        l: Layout::new(format!("Theme: {}", v.theme.name), Some(&identity), NAV),
        name: v.theme.name.clone(),
        description: v.theme.description.clone(),
        retired: v.theme.retired,
        filter: filter.join(", "),
        count: v.subjects.len(),
        table,
        all_href: (year.is_some() || kind.is_some()).then(|| format!("/case-review-themes/{id}")),
    })
}

/// One count of the across-years table.
struct Count {
    text: String,
    href: Option<String>,
    hidden: String,
}

struct AcrossRow {
    name: String,
    href: String,
    retired: bool,
    cells: Vec<Count>,
}

#[derive(Template)]
#[template(path = "review_learning/across_years.html")]
struct AcrossYearsPage {
    l: Layout,
    years: Vec<String>,
    rows: Vec<AcrossRow>,
}

fn count(n: usize, href: String, hidden: String) -> Count {
    Count {
        text: n.to_string(),
        href: (n > 0).then_some(href),
        hidden,
    }
}

/// `GET /case-review-themes/across-years`: themes by financial years, with the number of
/// notifications and practice reviews carrying each theme that started in each year; each count
/// links to those reviews.
pub async fn across_years(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    let v = safeguard_service::review_learning::across_years(&s.svc, &actor).await?;
    let rows = v
        .rows
        .iter()
        .map(|row| {
            let id = row.theme.theme_id;
            let name = &row.theme.name;
            let mut cells = Vec::new();
            for (y, c) in v.years.iter().zip(&row.cells) {
                let label = financial_year_label(*y);
                for k in SubjectType::ALL {
                    cells.push(count(
                        c.of(k),
                        format!("/case-review-themes/{id}?year={y}&type={}", k.slug()),
                        format!(
                            " {} on {name} started in {label}",
                            k.plural().to_lowercase()
                        ),
                    ));
                }
            }
            for k in SubjectType::ALL {
                cells.push(count(
                    row.total.of(k),
                    format!("/case-review-themes/{id}?type={}", k.slug()),
                    format!(" {} on {name} in all years", k.plural().to_lowercase()),
                ));
            }
            AcrossRow {
                name: name.clone(),
                href: format!("/case-review-themes/{id}"),
                retired: row.theme.retired,
                cells,
            }
        })
        .collect();
    html(&AcrossYearsPage {
        l: Layout::new("Case review themes across years", Some(&identity), NAV),
        years: v.years.iter().map(|y| financial_year_label(*y)).collect(),
        rows,
    })
}

/// `GET /case-review-themes/across-years.csv`: the same counts as CSV.
pub async fn across_years_csv(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    let e = safeguard_service::review_learning::across_years_csv(&s.svc, &actor).await?;
    Ok(crate::pages::activity::download(e))
}

// ---------------------------------------------------------------------------------------------
// A subject's learning

struct FindingItem {
    number: i32,
    title: String,
    paragraphs: Vec<String>,
    edit: String,
}

struct RecommendationItem {
    number: i32,
    title: String,
    paragraphs: Vec<String>,
    finding: Option<String>,
    addressees: String,
    href: String,
    edit: String,
}

#[derive(Template)]
#[template(path = "review_learning/learning.html")]
struct LearningPage {
    l: Layout,
    csrf: String,
    caption: String,
    back: String,
    base: String,
    started: String,
    theme_names: Vec<(String, bool)>,
    themes_form: Option<Checkboxes>,
    findings: Vec<FindingItem>,
    recommendations: Vec<RecommendationItem>,
    can_manage: bool,
    can_manage_themes: bool,
}

fn finding_label(findings: &[FindingRow], id: Option<Uuid>) -> Option<String> {
    let f = findings.iter().find(|f| Some(f.finding_id) == id)?;
    Some(format!("Finding {}: {}", f.number, f.title))
}

fn recommendation_item(v: &RecommendationView, findings: &[FindingRow]) -> RecommendationItem {
    let rec = &v.recommendation;
    RecommendationItem {
        number: rec.number,
        title: rec.title.clone(),
        paragraphs: paragraphs(&rec.body),
        finding: finding_label(findings, rec.finding_id),
        addressees: v
            .addressees
            .iter()
            .map(|a| a.organisation_name.clone())
            .collect::<Vec<_>>()
            .join(", "),
        href: format!("/review-recommendations/{}", rec.recommendation_id),
        edit: format!("/review-recommendations/{}/edit", rec.recommendation_id),
    }
}

fn learning_page(
    identity: &Identity,
    v: &Learning,
    ticked: Option<&[String]>,
    errors: &ValidationErrors,
    notice: Option<&str>,
) -> LearningPage {
    let id = v.subject.subject_id;
    let name = subject_name(v.kind, &v.subject);
    let carried: Vec<String> = v.themes.iter().map(|t| t.theme_id.to_string()).collect();
    let themes_form = (v.can_manage && !v.choices.is_empty()).then(|| {
        Checkboxes::new("theme_ids", "Themes of this review")
            .hint("Tick every theme the review's learning falls under. A retired theme can be taken off but not added again.")
            .items(v.choices.iter().map(|t| {
                let label = if t.retired {
                    format!("{} (retired)", t.name)
                } else {
                    t.name.clone()
                };
                let c = Choice::new(t.theme_id.to_string(), label);
                if t.description.is_empty() {
                    c
                } else {
                    c.hint(t.description.clone())
                }
            }))
            .values(ticked.map_or_else(|| carried.clone(), <[String]>::to_vec))
            .small()
            .error_opt(errors.get("theme_ids"))
    });
    LearningPage {
        l: Layout::new(format!("Learning: {name}"), Some(identity), NAV)
            .with_errors(errors)
            .with_notice(notice_text(notice)),
        csrf: identity.csrf_token.clone(),
        caption: name,
        back: v.kind.path(id),
        base: learning_path(v.kind, id),
        started: format!(
            "{} (financial year {})",
            v.subject.started_on.format("%-d %B %Y"),
            financial_year_label(financial_year_of(v.subject.started_on))
        ),
        theme_names: v
            .themes
            .iter()
            .map(|t| (t.name.clone(), t.retired))
            .collect(),
        themes_form,
        findings: v
            .findings
            .iter()
            .map(|f| FindingItem {
                number: f.number,
                title: f.title.clone(),
                paragraphs: paragraphs(&f.body),
                edit: format!("/review-findings/{}/edit", f.finding_id),
            })
            .collect(),
        recommendations: v
            .recommendations
            .iter()
            .map(|x| recommendation_item(x, &v.findings))
            .collect(),
        can_manage: v.can_manage,
        can_manage_themes: v.can_manage_themes,
    }
}

async fn show_learning(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    kind: SubjectType,
    id: &str,
    notice: Option<&str>,
) -> PageResult {
    let id = parse_id(id)?;
    let v = safeguard_service::review_learning::learning(&s.svc, actor, kind, id).await?;
    html(&learning_page(
        identity,
        &v,
        None,
        &ValidationErrors::new(),
        notice,
    ))
}

/// `GET /case-reviews/{id}/learning`: a notification's themes, findings and recommendations.
pub async fn notification_learning(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    show_learning(
        &s,
        &identity,
        &actor,
        SubjectType::Notification,
        &id,
        q.notice.as_deref(),
    )
    .await
}

/// `GET /practice-reviews/{id}/learning`: a practice review's themes, findings and recommendations.
pub async fn practice_review_learning(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    show_learning(
        &s,
        &identity,
        &actor,
        SubjectType::PracticeReview,
        &id,
        q.notice.as_deref(),
    )
    .await
}

async fn save_themes(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    kind: SubjectType,
    id: &str,
    form: Result<Form<Pairs>, FormRejection>,
) -> PageResult {
    let id = parse_id(id)?;
    safeguard_service::review_learning::check_subject(&s.svc, actor, kind, id).await?;
    let pairs = read_pairs(form)?;
    let wanted = all(&pairs, "theme_ids");
    match safeguard_service::review_learning::set_themes(&s.svc, actor, kind, id, &wanted).await {
        Ok(()) => see_other(&format!("{}?notice=themes-saved", learning_path(kind, id))),
        Err(ServiceError::Invalid(e)) => {
            let v = safeguard_service::review_learning::learning(&s.svc, actor, kind, id).await?;
            html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &learning_page(identity, &v, Some(&wanted), &e, None),
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /case-reviews/{id}/learning/themes`: sets a notification's themes to those ticked.
pub async fn notification_themes(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<Pairs>, FormRejection>,
) -> PageResult {
    save_themes(&s, &identity, &actor, SubjectType::Notification, &id, form).await
}

/// `POST /practice-reviews/{id}/learning/themes`: sets a practice review's themes to those ticked.
pub async fn practice_review_themes(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<Pairs>, FormRejection>,
) -> PageResult {
    save_themes(
        &s,
        &identity,
        &actor,
        SubjectType::PracticeReview,
        &id,
        form,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Findings

fn finding_fields(i: &FindingInput, e: &ValidationErrors) -> Vec<String> {
    vec![
        r(TextInput::new("title", "Title")
            .hint("A few words, for example Records did not follow the family")
            .value(i.title.clone())
            .error_opt(e.get("title").or(e.get("version")))),
        r(Textarea::new("body", "Finding")
            .hint("Leave a blank line between paragraphs. Do not use names: refer to children as Child A, Child B")
            .rows(8)
            .value(i.body.clone())
            .error_opt(e.get("body"))),
    ]
}

fn new_finding_page(
    identity: &Identity,
    kind: SubjectType,
    subject: &SubjectRow,
    i: &FindingInput,
    e: &ValidationErrors,
) -> FormPage {
    let base = learning_path(kind, subject.subject_id);
    FormPage::new(
        identity,
        "Add a finding",
        &subject_name(kind, subject),
        base.clone(),
        format!("{base}/findings"),
        vec!["Findings are numbered in the order they are added. They cannot be removed once added: correct a mistake by changing the finding.".into()],
        finding_fields(i, e),
        "Add finding",
        e,
    )
}

async fn finding_form(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    kind: SubjectType,
    id: &str,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(id)?;
    let subject =
        safeguard_service::review_learning::check_subject(&s.svc, actor, kind, id).await?;
    respond(
        &new_finding_page(
            identity,
            kind,
            &subject,
            &FindingInput::default(),
            &ValidationErrors::new(),
        ),
        StatusCode::OK,
    )
}

async fn create_finding(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    kind: SubjectType,
    id: &str,
    form: Result<Form<FindingInput>, FormRejection>,
) -> PageResult {
    let id = parse_id(id)?;
    let subject =
        safeguard_service::review_learning::check_subject(&s.svc, actor, kind, id).await?;
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::review_learning::add_finding(&s.svc, actor, kind, id, &input).await {
        Ok(_) => see_other(&format!("{}?notice=finding-added", learning_path(kind, id))),
        Err(ServiceError::Invalid(e)) => respond(
            &new_finding_page(identity, kind, &subject, &input, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(e.into()),
    }
}

/// `GET /case-reviews/{id}/learning/findings/new`.
pub async fn notification_finding_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    finding_form(&s, &identity, &actor, SubjectType::Notification, &id).await
}

/// `GET /practice-reviews/{id}/learning/findings/new`.
pub async fn practice_review_finding_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    finding_form(&s, &identity, &actor, SubjectType::PracticeReview, &id).await
}

/// `POST /case-reviews/{id}/learning/findings`.
pub async fn notification_add_finding(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<FindingInput>, FormRejection>,
) -> PageResult {
    create_finding(&s, &identity, &actor, SubjectType::Notification, &id, form).await
}

/// `POST /practice-reviews/{id}/learning/findings`.
pub async fn practice_review_add_finding(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<FindingInput>, FormRejection>,
) -> PageResult {
    create_finding(
        &s,
        &identity,
        &actor,
        SubjectType::PracticeReview,
        &id,
        form,
    )
    .await
}

fn edit_finding_page(
    identity: &Identity,
    kind: SubjectType,
    subject: &SubjectRow,
    finding: &FindingRow,
    i: &FindingInput,
    version: i32,
    e: &ValidationErrors,
) -> FormPage {
    let mut page = FormPage::new(
        identity,
        &format!("Change finding {}", finding.number),
        &subject_name(kind, subject),
        learning_path(kind, subject.subject_id),
        format!("/review-findings/{}/edit", finding.finding_id),
        vec!["The change is recorded in the audit trail with the text before and after.".into()],
        finding_fields(i, e),
        "Save changes",
        e,
    );
    page.version = Some(version.to_string());
    page
}

/// `GET /review-findings/{id}/edit`: the form to change a finding.
pub async fn edit_finding_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    let v = safeguard_service::review_learning::finding(&s.svc, &actor, id).await?;
    let i = FindingInput {
        title: v.finding.title.clone(),
        body: v.finding.body.clone(),
        version: v.finding.version.to_string(),
    };
    respond(
        &edit_finding_page(
            &identity,
            v.kind,
            &v.subject,
            &v.finding,
            &i,
            v.finding.version,
            &ValidationErrors::new(),
        ),
        StatusCode::OK,
    )
}

/// `POST /review-findings/{id}/edit`: saves a finding. A stale version shows the person's text again
/// with the conflict message (409); the form then carries the current version, so saving again is
/// deliberate.
pub async fn update_finding(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<FindingInput>, FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let (kind, subject) =
        safeguard_service::review_learning::check_finding(&s.svc, &actor, id).await?;
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let (status, errors) = match safeguard_service::review_learning::update_finding(
        &s.svc, &actor, id, &input,
    )
    .await
    {
        Ok(()) => {
            return see_other(&format!(
                "{}?notice=finding-saved",
                learning_path(kind, subject)
            ));
        }
        Err(ServiceError::Invalid(e)) => (StatusCode::UNPROCESSABLE_ENTITY, e),
        Err(ServiceError::Conflict(m)) => {
            (StatusCode::CONFLICT, ValidationErrors::single("title", m))
        }
        Err(e) => return Err(e.into()),
    };
    let v = safeguard_service::review_learning::finding(&s.svc, &actor, id).await?;
    let version = if status == StatusCode::CONFLICT {
        v.finding.version
    } else {
        input.version.trim().parse().unwrap_or(v.finding.version)
    };
    respond(
        &edit_finding_page(
            &identity, v.kind, &v.subject, &v.finding, &input, version, &errors,
        ),
        status,
    )
}

// ---------------------------------------------------------------------------------------------
// Recommendations

fn recommendation_fields(
    i: &RecommendationInput,
    findings: &[FindingRow],
    orgs: &[(Uuid, String)],
    e: &ValidationErrors,
) -> Vec<String> {
    let mut items = vec![SelectItem::new("", "No finding")];
    items.extend(findings.iter().map(|f| {
        SelectItem::new(
            f.finding_id.to_string(),
            format!("Finding {}: {}", f.number, f.title),
        )
    }));
    vec![
        r(TextInput::new("title", "Title")
            .hint("A few words, for example Agree a transfer protocol with neighbouring areas")
            .value(i.title.clone())
            .error_opt(e.get("title").or(e.get("version")))),
        r(Textarea::new("body", "Recommendation")
            .hint("Leave a blank line between paragraphs")
            .rows(6)
            .value(i.body.clone())
            .error_opt(e.get("body"))),
        r(Select::new(
            "finding_id",
            "The finding it follows from (optional)",
            items,
        )
        .value(i.finding_id.clone())
        .error_opt(e.get("finding_id"))),
        r(Checkboxes::new("addressees", "Addressed to")
            .hint("Select every organisation the recommendation is for")
            .items(
                orgs.iter()
                    .map(|(id, name)| Choice::new(id.to_string(), name.clone())),
            )
            .values(i.addressees.clone())
            .small()
            .error_opt(e.get("addressees"))),
    ]
}

fn recommendation_input(pairs: &Pairs) -> RecommendationInput {
    RecommendationInput {
        title: first(pairs, "title"),
        body: first(pairs, "body"),
        finding_id: first(pairs, "finding_id"),
        addressees: all(pairs, "addressees"),
        version: first(pairs, "version"),
    }
}

async fn organisation_choices(
    s: &AppState,
    actor: &Actor,
) -> Result<Vec<(Uuid, String)>, AppError> {
    Ok(
        safeguard_service::partnerships::organisations(&s.svc, actor)
            .await?
            .into_iter()
            .map(|o| (o.organisation_id, o.name))
            .collect(),
    )
}

#[allow(clippy::too_many_arguments)]
fn new_recommendation_page(
    identity: &Identity,
    kind: SubjectType,
    subject: &SubjectRow,
    findings: &[FindingRow],
    orgs: &[(Uuid, String)],
    i: &RecommendationInput,
    e: &ValidationErrors,
) -> FormPage {
    let base = learning_path(kind, subject.subject_id);
    FormPage::new(
        identity,
        "Add a recommendation",
        &subject_name(kind, subject),
        base.clone(),
        format!("{base}/recommendations"),
        vec!["Recommendations are numbered in the order they are added and cannot be removed: the recommendations tracker refers to them.".into()],
        recommendation_fields(i, findings, orgs, e),
        "Add recommendation",
        e,
    )
}

async fn recommendation_form(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    kind: SubjectType,
    id: &str,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(id)?;
    let v = safeguard_service::review_learning::learning(&s.svc, actor, kind, id).await?;
    let orgs = organisation_choices(s, actor).await?;
    respond(
        &new_recommendation_page(
            identity,
            kind,
            &v.subject,
            &v.findings,
            &orgs,
            &RecommendationInput::default(),
            &ValidationErrors::new(),
        ),
        StatusCode::OK,
    )
}

async fn create_recommendation(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    kind: SubjectType,
    id: &str,
    form: Result<Form<Pairs>, FormRejection>,
) -> PageResult {
    let id = parse_id(id)?;
    safeguard_service::review_learning::check_subject(&s.svc, actor, kind, id).await?;
    let input = recommendation_input(&read_pairs(form)?);
    match safeguard_service::review_learning::add_recommendation(&s.svc, actor, kind, id, &input)
        .await
    {
        Ok(_) => see_other(&format!(
            "{}?notice=recommendation-added",
            learning_path(kind, id)
        )),
        Err(ServiceError::Invalid(e)) => {
            let v = safeguard_service::review_learning::learning(&s.svc, actor, kind, id).await?;
            let orgs = organisation_choices(s, actor).await?;
            respond(
                &new_recommendation_page(
                    identity,
                    kind,
                    &v.subject,
                    &v.findings,
                    &orgs,
                    &input,
                    &e,
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /case-reviews/{id}/learning/recommendations/new`.
pub async fn notification_recommendation_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    recommendation_form(&s, &identity, &actor, SubjectType::Notification, &id).await
}

/// `GET /practice-reviews/{id}/learning/recommendations/new`.
pub async fn practice_review_recommendation_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    recommendation_form(&s, &identity, &actor, SubjectType::PracticeReview, &id).await
}

/// `POST /case-reviews/{id}/learning/recommendations`.
pub async fn notification_add_recommendation(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<Pairs>, FormRejection>,
) -> PageResult {
    create_recommendation(&s, &identity, &actor, SubjectType::Notification, &id, form).await
}

/// `POST /practice-reviews/{id}/learning/recommendations`.
pub async fn practice_review_add_recommendation(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<Pairs>, FormRejection>,
) -> PageResult {
    create_recommendation(
        &s,
        &identity,
        &actor,
        SubjectType::PracticeReview,
        &id,
        form,
    )
    .await
}

#[derive(Template)]
#[template(path = "review_learning/recommendation.html")]
struct RecommendationPage {
    l: Layout,
    caption: String,
    heading: String,
    back: String,
    paragraphs: Vec<String>,
    summary: SummaryList,
    edit: Option<String>,
}

/// `GET /review-recommendations/{id}`: one recommendation, the stable page the recommendations
/// tracker links to.
pub async fn show_recommendation(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let id = parse_id(&id)?;
    let v = safeguard_service::review_learning::recommendation(&s.svc, &actor, id).await?;
    let rec = &v.view.recommendation;
    let name = subject_name(v.kind, &v.subject);
    let summary = SummaryList::new([
        SummaryRow::new(
            "Review",
            Content::html(format!(
                "<a class=\"govuk-link\" href=\"{}\">{}</a>",
                learning_path(v.kind, v.subject.subject_id),
                esc(&name)
            )),
        ),
        SummaryRow::new(
            "Follows from",
            v.finding.as_ref().map_or_else(
                || "No finding".to_owned(),
                |f| format!("Finding {}: {}", f.number, f.title),
            ),
        ),
        SummaryRow::new(
            "Addressed to",
            v.view
                .addressees
                .iter()
                .map(|a| a.organisation_name.clone())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        SummaryRow::new(
            "Last changed",
            rec.updated_at.format("%-d %B %Y").to_string(),
        ),
    ]);
    html(&RecommendationPage {
        l: Layout::new(
            format!("Recommendation {}: {}", rec.number, rec.title),
            Some(&identity),
            NAV,
        )
        .with_notice(notice_text(q.notice.as_deref())),
        caption: name,
        heading: format!("Recommendation {}: {}", rec.number, rec.title),
        back: learning_path(v.kind, v.subject.subject_id),
        paragraphs: paragraphs(&rec.body),
        summary,
        edit: v
            .can_manage
            .then(|| format!("/review-recommendations/{id}/edit")),
    })
}

#[allow(clippy::too_many_arguments)]
fn edit_recommendation_page(
    identity: &Identity,
    kind: SubjectType,
    subject: &SubjectRow,
    number: i32,
    id: Uuid,
    findings: &[FindingRow],
    orgs: &[(Uuid, String)],
    i: &RecommendationInput,
    version: i32,
    e: &ValidationErrors,
) -> FormPage {
    let mut page = FormPage::new(
        identity,
        &format!("Change recommendation {number}"),
        &subject_name(kind, subject),
        format!("/review-recommendations/{id}"),
        format!("/review-recommendations/{id}/edit"),
        vec!["The change is recorded in the audit trail with the text before and after; the recommendations tracker shows the new text.".into()],
        recommendation_fields(i, findings, orgs, e),
        "Save changes",
        e,
    );
    page.version = Some(version.to_string());
    page
}

/// `GET /review-recommendations/{id}/edit`: the form to change a recommendation.
pub async fn edit_recommendation_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    let v = safeguard_service::review_learning::recommendation(&s.svc, &actor, id).await?;
    let orgs = organisation_choices(&s, &actor).await?;
    let rec = &v.view.recommendation;
    let i = RecommendationInput {
        title: rec.title.clone(),
        body: rec.body.clone(),
        finding_id: rec.finding_id.map(|f| f.to_string()).unwrap_or_default(),
        addressees: v
            .view
            .addressees
            .iter()
            .map(|a| a.organisation_id.to_string())
            .collect(),
        version: rec.version.to_string(),
    };
    respond(
        &edit_recommendation_page(
            &identity,
            v.kind,
            &v.subject,
            rec.number,
            id,
            &v.findings,
            &orgs,
            &i,
            rec.version,
            &ValidationErrors::new(),
        ),
        StatusCode::OK,
    )
}

/// `POST /review-recommendations/{id}/edit`: saves a recommendation; a stale version shows the
/// person's text again with the conflict message (409).
pub async fn update_recommendation(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<Pairs>, FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    safeguard_service::review_learning::check_recommendation(&s.svc, &actor, id).await?;
    let input = recommendation_input(&read_pairs(form)?);
    let (status, errors) =
        match safeguard_service::review_learning::update_recommendation(&s.svc, &actor, id, &input)
            .await
        {
            Ok(()) => {
                return see_other(&format!(
                    "/review-recommendations/{id}?notice=recommendation-saved"
                ));
            }
            Err(ServiceError::Invalid(e)) => (StatusCode::UNPROCESSABLE_ENTITY, e),
            Err(ServiceError::Conflict(m)) => {
                (StatusCode::CONFLICT, ValidationErrors::single("title", m))
            }
            Err(e) => return Err(e.into()),
        };
    let v = safeguard_service::review_learning::recommendation(&s.svc, &actor, id).await?;
    let orgs = organisation_choices(&s, &actor).await?;
    let rec = &v.view.recommendation;
    let version = if status == StatusCode::CONFLICT {
        rec.version
    } else {
        input.version.trim().parse().unwrap_or(rec.version)
    };
    respond(
        &edit_recommendation_page(
            &identity,
            v.kind,
            &v.subject,
            rec.number,
            id,
            &v.findings,
            &orgs,
            &input,
            version,
            &errors,
        ),
        status,
    )
}
