//! People and their roles in the partnership.

use crate::error::AppError;
use crate::layout::Layout;
use crate::pages::{
    NoticeQuery, PageResult, esc, html, html_status, notice_text, parse_id, see_other,
};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use safeguard_domain::people::NewPersonInput;
use safeguard_domain::policy::{Permission, Role};
use safeguard_domain::{PersonId, ValidationErrors};
use safeguard_service::auth::Identity;
use safeguard_service::{Actor, ServiceError};
use safeguard_store::people::PeopleFilter;
use safeguard_ui::components::{
    Button, Pagination, Select, SelectItem, SummaryList, SummaryRow, Table, TableCell, Tag,
    TextInput,
};
use serde::Deserialize;

fn tag_html(t: Tag) -> String {
    t.render().unwrap_or_default()
}

fn role_labels(csv: &str) -> String {
    csv.split(',')
        .filter_map(Role::parse)
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// List filters from the query string.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    disabled: String,
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "people/list.html")]
struct ListPage {
    l: Layout,
    q: TextInput,
    role: Select,
    organisation: Select,
    include_disabled: bool,
    table: Table,
    pagination: Option<Pagination>,
    can_manage: bool,
}

fn role_items(selected_any: bool) -> Vec<SelectItem> {
    let mut items = Vec::new();
    if selected_any {
        items.push(SelectItem::new("", "Any role"));
    } else {
        items.push(SelectItem::new("", "Choose a role"));
    }
    items.extend(
        Role::ALL
            .iter()
            .map(|r| SelectItem::new(r.slug(), r.label())),
    );
    items
}

/// The people list with filters.
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
    let org: Option<uuid::Uuid> = q.organisation.parse().ok();
    let filter = PeopleFilter {
        text: Some(q.q.chars().take(200).collect()),
        role: Role::parse(&q.role).map(|r| r.slug().to_owned()),
        organisation: org,
        include_disabled: q.disabled == "yes",
    };
    let result = safeguard_service::people::list(&s.svc, &actor, &filter, page).await?;
    let orgs = safeguard_service::partnerships::organisations(&s.svc, &actor).await?;
    let mut table = Table::new()
        .caption(format!(
            "{} {}",
            result.total,
            if result.total == 1 {
                "person"
            } else {
                "people"
            }
        ))
        .head(["Name", "Organisation", "Roles", "Status"]);
    for p in &result.rows {
        let name = TableCell::html(format!(
            "<a class=\"govuk-link\" href=\"/people/{}\">{}</a><br><span class=\"govuk-body-s\">{}</span>",
            p.person_id,
            esc(&p.name),
            esc(&p.email)
        ));
        let status = if p.disabled_at.is_some() {
            TableCell::html(tag_html(
                Tag::new("Disabled").colour(safeguard_ui::components::TagColour::Grey),
            ))
        } else {
            TableCell::html(tag_html(
                Tag::new("Active").colour(safeguard_ui::components::TagColour::Green),
            ))
        };
        table = table.row([
            name,
            TableCell::new(p.organisation_name.clone()),
            TableCell::new(role_labels(&p.roles)),
            status,
        ]);
    }
    let last = u32::try_from(
        (result.total + safeguard_service::people::PAGE_SIZE - 1)
            / safeguard_service::people::PAGE_SIZE,
    )
    .unwrap_or(1)
    .max(1);
    let base = format!(
        "/people?q={}&role={}&organisation={}&disabled={}",
        crate::pages::url_encode(&q.q),
        crate::pages::url_encode(&q.role),
        crate::pages::url_encode(&q.organisation),
        crate::pages::url_encode(&q.disabled)
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
    let pg = ListPage {
        l: Layout::new("People", Some(&identity), "/people")
            .with_notice(notice_text(q.notice.as_deref())),
        q: TextInput::new("q", "Name or email")
            .value(q.q.clone())
            .spellcheck(false),
        role: Select::new("role", "Role", role_items(true)).value(q.role.clone()),
        organisation: Select::new("organisation", "Organisation", org_items)
            .value(q.organisation.clone()),
        include_disabled: q.disabled == "yes",
        table,

        pagination,
        can_manage: actor.can(Permission::ManagePeople),
    };
    html(&pg)
}

#[derive(Template)]
#[template(path = "people/new.html")]
struct NewPage {
    l: Layout,
    csrf: String,
    name: TextInput,
    email: TextInput,
    organisation: Select,
    role: Select,
    button: Button,
}

async fn new_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    input: &NewPersonInput,
    errors: &ValidationErrors,
) -> Result<NewPage, AppError> {
    let orgs = safeguard_service::partnerships::organisations_for_admin(&s.svc, actor).await?;
    let mut org_items = vec![SelectItem::new("", "Choose an organisation")];
    org_items.extend(
        orgs.iter()
            .map(|o| SelectItem::new(o.organisation_id.to_string(), o.name.clone())),
    );
    Ok(NewPage {
        l: Layout::new("Add a person", Some(identity), "/people").with_errors(errors),
        csrf: identity.csrf_token.clone(),
        name: TextInput::new("name", "Full name")
            .autocomplete("off")
            .spellcheck(false)
            .value(input.name.clone())
            .error_opt(errors.get("name")),
        email: TextInput::new("email", "Email address")
            .input_type("email")
            .autocomplete("off")
            .spellcheck(false)
            .hint("They will use this to sign in")
            .value(input.email.clone())
            .error_opt(errors.get("email")),
        organisation: Select::new("organisation_id", "Organisation", org_items)
            .value(input.organisation_id.clone())
            .error_opt(errors.get("organisation_id")),
        role: Select::new("role", "Role in this partnership", role_items(false))
            .value(input.role.clone())
            .error_opt(errors.get("role")),
        button: Button::new("Add person").prevent_double_click(),
    })
}

/// The add-a-person form.
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
            &NewPersonInput::default(),
            &ValidationErrors::new(),
        )
        .await?,
    )
}

/// Adds a person.
pub async fn create(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    form: Result<Form<NewPersonInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::people::add(&s.svc, &actor, &input).await {
        Ok(added) => see_other(&format!(
            "/people/{}?notice={}",
            added.person_id,
            if added.existing {
                "role-added"
            } else {
                "person-added"
            }
        )),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &new_page(&s, &identity, &actor, &input, &errors).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

/// A role row on the person page.
pub struct RoleRow {
    slug: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "people/show.html")]
struct ShowPage {
    l: Layout,
    csrf: String,
    person_id: String,
    name: String,
    summary: SummaryList,
    roles: Vec<RoleRow>,
    can_manage: bool,
    grant: Select,
    disabled: bool,
    is_self: bool,
    has_password: bool,
}

async fn show_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: PersonId,
    errors: &ValidationErrors,
    notice: Option<&str>,
) -> Result<ShowPage, AppError> {
    let (person, roles) = safeguard_service::people::get(&s.svc, actor, id).await?;
    let orgs = safeguard_service::partnerships::organisations(&s.svc, actor).await?;
    let org_name = orgs
        .iter()
        .find(|o| o.organisation_id == person.organisation_id)
        .map_or_else(String::new, |o| o.name.clone());
    let fmt = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(
            || "Never".to_owned(),
            |t| t.format("%-d %B %Y at %H:%M UTC").to_string(),
        )
    };
    let summary = SummaryList::new([
        SummaryRow::new("Email address", person.email.clone()),
        SummaryRow::new("Organisation", org_name),
        SummaryRow::new(
            "Two-factor authentication",
            if person.has_totp() { "On" } else { "Off" },
        ),
        SummaryRow::new("Last signed in", fmt(person.last_sign_in_at)),
        SummaryRow::new(
            "Account",
            if person.disabled_at.is_some() {
                "Disabled"
            } else {
                "Active"
            },
        ),
    ]);
    let mut grant_items = vec![SelectItem::new("", "Choose a role")];
    grant_items.extend(
        Role::ALL
            .iter()
            .filter(|r| !roles.contains(r))
            .map(|r| SelectItem::new(r.slug(), r.label())),
    );
    Ok(ShowPage {
        l: Layout::new(person.name.clone(), Some(identity), "/people")
            .with_errors(errors)
            .with_notice(notice),
        csrf: identity.csrf_token.clone(),
        person_id: person.person_id.to_string(),
        name: person.name.clone(),
        summary,
        roles: roles
            .iter()
            .map(|r| RoleRow {
                slug: r.slug(),
                label: r.label(),
            })
            .collect(),
        can_manage: actor.can(Permission::ManagePeople),
        grant: Select::new("role", "Add a role", grant_items).error_opt(errors.get("role")),
        disabled: person.disabled_at.is_some(),
        is_self: person.person_id == identity.person_id.0,
        has_password: person.password_hash.is_some(),
    })
}

/// A person's page.
pub async fn show(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let id = parse_id(&id)?;
    html(
        &show_page(
            &s,
            &identity,
            &actor,
            id,
            &ValidationErrors::new(),
            notice_text(q.notice.as_deref()),
        )
        .await?,
    )
}

/// The add-a-role form.
#[derive(Debug, Default, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

/// Grants a role.
pub async fn grant_role(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<RoleForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(f) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::people::grant_role(&s.svc, &actor, id, &f.role).await {
        Ok(()) => see_other(&format!("/people/{id}?notice=role-added")),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &show_page(&s, &identity, &actor, id, &errors, None).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

/// Revokes a role.
pub async fn revoke_role(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((id, role)): Path<(String, String)>,
) -> PageResult {
    let id = parse_id(&id)?;
    safeguard_service::people::revoke_role(&s.svc, &actor, id, &role).await?;
    see_other(&format!("/people/{id}?notice=role-removed"))
}

/// Disables an account.
pub async fn disable(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    safeguard_service::people::set_disabled(&s.svc, &actor, id, true).await?;
    see_other(&format!("/people/{id}?notice=disabled"))
}

/// Re-enables an account.
pub async fn enable(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    safeguard_service::people::set_disabled(&s.svc, &actor, id, false).await?;
    see_other(&format!("/people/{id}?notice=enabled"))
}
