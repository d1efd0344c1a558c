//! Funding: the partnership's financial years, adding one, and a year's page with its summary,
//! contributions (and "equal shares"), and spend lines.

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
use safeguard_domain::funding::{
    ContributionInput, FinancialYear, FundingYearEditInput, NewFundingYearInput, RemoveSpendInput,
    SpendCategory, SpendInput, format_pence, plain_pence,
};
use safeguard_domain::policy::Permission;
use safeguard_domain::{FundingYearId, ValidationErrors};
use safeguard_service::auth::Identity;
use safeguard_service::funding::{SpendView, YearView};
use safeguard_service::{Actor, ServiceError};
use safeguard_store::funding::SpendRow;
use safeguard_ui::components::{
    Button, Select, SelectItem, SummaryList, SummaryRow, Table, TableCell, TextInput, Textarea,
    WarningText,
};
use serde::Deserialize;

fn spend_head(can_manage: bool) -> Vec<&'static str> {
    let mut h = vec!["Date", "Category", "What it was for", "Supplier", "Amount"];
    if can_manage {
        h.push("Correct or remove");
    }
    h
}

/// The removed spend lines: kept, out of the totals, with who removed them, when and why.
fn removed_table(lines: &[SpendRow]) -> Table {
    let mut t = Table::new()
        .caption(format!(
            "{} removed spend {}",
            lines.len(),
            if lines.len() == 1 { "line" } else { "lines" }
        ))
        .head(["Date", "What it was for", "Amount", "Removed", "Reason"]);
    for l in lines {
        t = t.row([
            TableCell::new(l.spent_on.format("%-d %B %Y").to_string()),
            TableCell::new(l.description.clone()),
            TableCell::numeric(format_pence(l.amount_pence)),
            TableCell::new(format!(
                "{} by {}",
                l.removed_at
                    .map(|d| d.format("%-d %B %Y").to_string())
                    .unwrap_or_default(),
                l.removed_by_name.clone().unwrap_or_default()
            )),
            TableCell::new(l.removed_reason.clone().unwrap_or_default()),
        ]);
    }
    t
}

fn category_label(slug: &str) -> &'static str {
    SpendCategory::parse(slug).map_or("Unknown", SpendCategory::label)
}

#[derive(Template)]
#[template(path = "funding/list.html")]
struct ListPage {
    l: Layout,
    table: Table,
    can_manage: bool,
}

/// The partnership's financial years.
pub async fn list(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let years = safeguard_service::funding::list(&s.svc, &actor).await?;
    let mut table = Table::new()
        .caption(format!(
            "{} financial {}",
            years.len(),
            if years.len() == 1 { "year" } else { "years" }
        ))
        .head(["Financial year", "Budget"]);
    for y in &years {
        table = table.row([
            TableCell::html(format!(
                "<a class=\"govuk-link\" href=\"/funding/{}\">{}</a>",
                y.funding_year_id,
                esc(&FinancialYear(y.start_year).label())
            )),
            TableCell::numeric(format_pence(y.budget_pence)),
        ]);
    }
    html(&ListPage {
        l: Layout::new("Funding", Some(&identity), "/funding")
            .with_notice(notice_text(q.notice.as_deref())),
        table,
        can_manage: actor.can(Permission::ManageFunding),
    })
}

#[derive(Template)]
#[template(path = "funding/new.html")]
struct NewPage {
    l: Layout,
    csrf: String,
    start_year: TextInput,
    budget: TextInput,
    notes: Textarea,
    button: Button,
}

fn new_page(
    identity: &Identity,
    input: &NewFundingYearInput,
    errors: &ValidationErrors,
) -> NewPage {
    NewPage {
        l: Layout::new("Add a financial year", Some(identity), "/funding").with_errors(errors),
        csrf: identity.csrf_token.clone(),
        start_year: TextInput::new("start_year", "Year the financial year starts")
            .hint("For example, 2022 for April 2022 to March 2023")
            .value(input.start_year.clone())
            .error_opt(errors.get("start_year")),
        budget: TextInput::new("budget", "Total budget")
            .hint("In pounds and pence, for example £150,000.00")
            .value(input.budget.clone())
            .error_opt(errors.get("budget")),
        notes: Textarea::new("notes", "Notes (optional)")
            .value(input.notes.clone())
            .error_opt(errors.get("notes")),
        button: Button::new("Add financial year").prevent_double_click(),
    }
}

/// The form to add a year.
pub async fn new_form(
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    actor.require(Permission::ManageFunding)?;
    html(&new_page(
        &identity,
        &NewFundingYearInput::default(),
        &ValidationErrors::new(),
    ))
}

/// Adds a year.
pub async fn create(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    form: Result<Form<NewFundingYearInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::funding::create(&s.svc, &actor, &input).await {
        Ok(id) => see_other(&format!("/funding/{id}?notice=funding-year-added")),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &new_page(&identity, &input, &errors),
        ),
        Err(e) => Err(e.into()),
    }
}

/// The contribution form's fields (named apart from the spend form's on the same page).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ContributionForm {
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    contribution_amount: String,
}

/// The spend form's fields.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct SpendForm {
    #[serde(default)]
    spent_on: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    supplier: String,
}

impl From<&SpendForm> for SpendInput {
    fn from(f: &SpendForm) -> Self {
        SpendInput {
            spent_on: f.spent_on.clone(),
            category: f.category.clone(),
            description: f.description.clone(),
            amount: f.amount.clone(),
            supplier: f.supplier.clone(),
        }
    }
}

/// The administrator's forms.
pub struct ManageForms {
    organisation: Select,
    contribution_amount: TextInput,
    contribution_button: Button,
    equal_button: Button,
    spent_on: TextInput,
    category: Select,
    description: TextInput,
    amount: TextInput,
    supplier: TextInput,
    spend_button: Button,
}

#[derive(Template)]
#[template(path = "funding/show.html")]
struct ShowPage {
    l: Layout,
    csrf: String,
    id: String,
    label: String,
    notes: String,
    summary: SummaryList,
    differs: Option<WarningText>,
    by_category: Table,
    contributions: Table,
    spend: Table,
    removed: Option<Table>,
    manage: Option<ManageForms>,
}

#[allow(clippy::too_many_arguments)]
async fn show_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    v: YearView,
    contribution: &ContributionForm,
    spend: &SpendForm,
    errors: &ValidationErrors,
    notice: Option<&str>,
) -> Result<ShowPage, AppError> {
    let label = FinancialYear(v.year.start_year).label();
    let sm = &v.summary;
    let summary = SummaryList::new([
        SummaryRow::new("Budget", format_pence(sm.budget_pence)),
        SummaryRow::new("Contributions", format_pence(sm.contributions_pence)),
        SummaryRow::new("Spent", format_pence(sm.spent_pence)),
        SummaryRow::new(
            if sm.remaining_pence < 0 {
                "Overspent"
            } else {
                "Remaining"
            },
            format_pence(sm.remaining_pence.abs()),
        ),
    ]);
    let differs = sm.contributions_differ.then(|| {
        WarningText::new(format!(
            "The contributions add up to {}, which is not the budget of {}.",
            format_pence(sm.contributions_pence),
            format_pence(sm.budget_pence)
        ))
    });
    let mut by_category = Table::new()
        .caption("Spending by category")
        .head(["Category", "Spent"]);
    for (c, amount) in &sm.by_category {
        by_category = by_category.row([
            TableCell::new(c.label()),
            TableCell::numeric(format_pence(*amount)),
        ]);
    }
    // The section's h2 already says "Contributions": the caption is for screen readers only.
    let mut contributions = Table::new().caption("Contributions by organisation").head([
        "Organisation",
        "Amount",
        "Share",
    ]);
    "govuk-visually-hidden".clone_into(&mut contributions.caption_classes);
    for sh in &sm.shares {
        contributions = contributions.row([
            TableCell::new(sh.organisation_name.clone()),
            TableCell::numeric(format_pence(sh.amount_pence)),
            TableCell::numeric(sh.percent.clone()),
        ]);
    }
    let mut spend_table = Table::new()
        .caption(format!(
            "{} spend {}",
            v.spend.len(),
            if v.spend.len() == 1 { "line" } else { "lines" }
        ))
        .head(spend_head(v.can_manage));
    for l in &v.spend {
        let mut cells = vec![
            TableCell::new(l.spent_on.format("%-d %B %Y").to_string()),
            TableCell::new(category_label(&l.category)),
            TableCell::new(l.description.clone()),
            TableCell::new(if l.supplier.is_empty() {
                "None".to_owned()
            } else {
                l.supplier.clone()
            }),
            TableCell::numeric(format_pence(l.amount_pence)),
        ];
        if v.can_manage {
            cells.push(TableCell::html(format!(
                "<a class=\"govuk-link\" href=\"/funding-spend/{}/edit\">Change<span class=\"govuk-visually-hidden\"> {}</span></a>",
                l.funding_spend_id,
                esc(&l.description)
            )));
        }
        spend_table = spend_table.row(cells);
    }
    let removed = (!v.removed.is_empty()).then(|| removed_table(&v.removed));
    let manage = if v.can_manage {
        let orgs = safeguard_service::partnerships::organisations(&s.svc, actor).await?;
        let mut org_items = vec![SelectItem::new("", "Choose an organisation")];
        org_items.extend(
            orgs.iter()
                .map(|o| SelectItem::new(o.organisation_id.to_string(), o.name.clone())),
        );
        let mut cats = vec![SelectItem::new("", "Choose a category")];
        cats.extend(
            SpendCategory::ALL
                .iter()
                .map(|c| SelectItem::new(c.slug(), c.label())),
        );
        Some(ManageForms {
            organisation: Select::new("organisation_id", "Organisation", org_items)
                .value(contribution.organisation_id.clone())
                .error_opt(errors.get("organisation_id")),
            contribution_amount: TextInput::new("contribution_amount", "Contribution")
                .hint("In pounds and pence; £0 removes the contribution")
                .value(contribution.contribution_amount.clone())
                .error_opt(errors.get("contribution_amount")),
            contribution_button: Button::new("Save contribution")
                .secondary()
                .prevent_double_click(),
            equal_button: Button::new("Split the budget equally between the three partners")
                .secondary()
                .prevent_double_click(),
            spent_on: TextInput::new("spent_on", "Date")
                .hint(format!(
                    "Year-month-day, between {}-04-01 and {}-03-31",
                    v.year.start_year,
                    v.year.start_year + 1
                ))
                .value(spend.spent_on.clone())
                .autocomplete("off")
                .error_opt(errors.get("spent_on")),
            category: Select::new("category", "Category", cats)
                .value(spend.category.clone())
                .error_opt(errors.get("category")),
            description: TextInput::new("description", "What it was for")
                .value(spend.description.clone())
                .error_opt(errors.get("description")),
            amount: TextInput::new("amount", "Amount")
                .hint("In pounds and pence, for example £1,250.00")
                .value(spend.amount.clone())
                .error_opt(errors.get("amount")),
            supplier: TextInput::new("supplier", "Supplier (optional)")
                .value(spend.supplier.clone())
                .error_opt(errors.get("supplier")),
            spend_button: Button::new("Add spending").prevent_double_click(),
        })
    } else {
        None
    };
    Ok(ShowPage {
        l: Layout::new(format!("Funding {label}"), Some(identity), "/funding")
            .with_errors(errors)
            .with_notice(notice),
        csrf: identity.csrf_token.clone(),
        id: v.year.funding_year_id.to_string(),
        label,
        notes: v.year.notes.clone(),
        summary,
        differs,
        by_category,
        contributions,
        spend: spend_table,
        removed,
        manage,
    })
}

/// A year's page.
pub async fn show(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let id = parse_id(&id)?;
    let v = safeguard_service::funding::get(&s.svc, &actor, id).await?;
    html(
        &show_page(
            &s,
            &identity,
            &actor,
            v,
            &ContributionForm::default(),
            &SpendForm::default(),
            &ValidationErrors::new(),
            notice_text(q.notice.as_deref()),
        )
        .await?,
    )
}

async fn reshow(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: FundingYearId,
    contribution: &ContributionForm,
    spend: &SpendForm,
    errors: ValidationErrors,
) -> PageResult {
    let v = safeguard_service::funding::get(&s.svc, actor, id).await?;
    html_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &show_page(s, identity, actor, v, contribution, spend, &errors, None).await?,
    )
}

/// Sets one organisation's contribution.
pub async fn contribution(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<ContributionForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(f) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let input = ContributionInput {
        organisation_id: f.organisation_id.clone(),
        amount: f.contribution_amount.clone(),
    };
    match safeguard_service::funding::set_contribution(&s.svc, &actor, id, &input).await {
        Ok(()) => see_other(&format!("/funding/{id}?notice=contribution-saved")),
        Err(ServiceError::Invalid(mut errors)) => {
            for e in &mut errors.0 {
                if e.field == "amount" {
                    e.field = "contribution_amount".into();
                }
            }
            reshow(&s, &identity, &actor, id, &f, &SpendForm::default(), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Replaces the contributions with equal shares of the budget among the three lead partners.
pub async fn equal_shares(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    match safeguard_service::funding::set_equal_shares(&s.svc, &actor, id).await {
        Ok(()) => see_other(&format!("/funding/{id}?notice=equal-shares")),
        Err(ServiceError::Invalid(mut errors)) => {
            for e in &mut errors.0 {
                e.field = "organisation_id".into();
            }
            reshow(
                &s,
                &identity,
                &actor,
                id,
                &ContributionForm::default(),
                &SpendForm::default(),
                errors,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Adds a spend line.
pub async fn add_spend(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<SpendForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(f) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::funding::add_spend(&s.svc, &actor, id, &SpendInput::from(&f)).await {
        Ok(_) => see_other(&format!("/funding/{id}?notice=spend-added")),
        Err(ServiceError::Invalid(errors)) => {
            reshow(
                &s,
                &identity,
                &actor,
                id,
                &ContributionForm::default(),
                &f,
                errors,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "funding/edit.html")]
struct EditYearPage {
    l: Layout,
    csrf: String,
    id: String,
    label: String,
    version: String,
    budget: TextInput,
    notes: Textarea,
    button: Button,
}

fn edit_year_page(
    identity: &Identity,
    id: FundingYearId,
    start_year: i32,
    input: &FundingYearEditInput,
    errors: &ValidationErrors,
) -> EditYearPage {
    let label = FinancialYear(start_year).label();
    EditYearPage {
        l: Layout::new(
            format!("Change the budget for {label}"),
            Some(identity),
            "/funding",
        )
        .with_errors(errors),
        csrf: identity.csrf_token.clone(),
        id: id.to_string(),
        label,
        version: input.version.clone(),
        budget: TextInput::new("budget", "Total budget")
            .hint("In pounds and pence, for example £150,000.00. Contributions are not changed")
            .value(input.budget.clone())
            .error_opt(errors.get("budget").or(errors.get("version"))),
        notes: Textarea::new("notes", "Notes (optional)")
            .value(input.notes.clone())
            .error_opt(errors.get("notes")),
        button: Button::new("Save budget and notes").prevent_double_click(),
    }
}

/// `GET /funding/{id}/edit`: the form to change a year's budget and notes.
pub async fn edit_year_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    actor.require(Permission::ManageFunding)?;
    let v = safeguard_service::funding::get(&s.svc, &actor, id).await?;
    let input = FundingYearEditInput {
        budget: plain_pence(v.year.budget_pence),
        notes: v.year.notes.clone(),
        version: v.year.version.to_string(),
    };
    html(&edit_year_page(
        &identity,
        id,
        v.year.start_year,
        &input,
        &ValidationErrors::new(),
    ))
}

/// `POST /funding/{id}/edit`: saves a year's budget and notes. A stale version re-shows the person's
/// values with the conflict message (409); the form then carries the current version.
pub async fn update_year(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<FundingYearEditInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(mut input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let (status, errors) =
        match safeguard_service::funding::update_year(&s.svc, &actor, id, &input).await {
            Ok(()) => return see_other(&format!("/funding/{id}?notice=funding-year-updated")),
            Err(ServiceError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
            Err(ServiceError::Conflict(message)) => (
                StatusCode::CONFLICT,
                ValidationErrors::single("budget", message),
            ),
            Err(e) => return Err(e.into()),
        };
    let v = safeguard_service::funding::get(&s.svc, &actor, id).await?;
    if status == StatusCode::CONFLICT || input.version.trim().parse::<i64>().is_err() {
        input.version = v.year.version.to_string();
    }
    html_status(
        status,
        &edit_year_page(&identity, id, v.year.start_year, &input, &errors),
    )
}

/// `GET /funding/{id}/export.csv`: the year's contributions and spend lines as CSV.
pub async fn export_csv(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let e = safeguard_service::funding::export_csv(&s.svc, &actor, id).await?;
    Ok(crate::pages::activity::download(e))
}

/// The spend correction form's fields, with the version it was built from.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct SpendEditForm {
    #[serde(default)]
    spent_on: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    supplier: String,
    #[serde(default)]
    version: String,
}

#[derive(Template)]
#[template(path = "funding/spend_edit.html")]
struct SpendEditPage {
    l: Layout,
    csrf: String,
    id: String,
    year_id: String,
    label: String,
    version: String,
    spent_on: TextInput,
    category: Select,
    description: TextInput,
    amount: TextInput,
    supplier: TextInput,
    button: Button,
    reason: Textarea,
    remove_button: Button,
}

fn spend_edit_page(
    identity: &Identity,
    v: &SpendView,
    f: &SpendEditForm,
    reason: &str,
    errors: &ValidationErrors,
) -> SpendEditPage {
    let label = FinancialYear(v.year.start_year).label();
    let mut cats = vec![SelectItem::new("", "Choose a category")];
    cats.extend(
        SpendCategory::ALL
            .iter()
            .map(|c| SelectItem::new(c.slug(), c.label())),
    );
    SpendEditPage {
        l: Layout::new(
            format!("Correct a spend line, {label}"),
            Some(identity),
            "/funding",
        )
        .with_errors(errors),
        csrf: identity.csrf_token.clone(),
        id: v.line.funding_spend_id.to_string(),
        year_id: v.year.funding_year_id.to_string(),
        label: label.clone(),
        version: f.version.clone(),
        spent_on: TextInput::new("spent_on", "Date")
            .hint(format!(
                "Year-month-day, between {}-04-01 and {}-03-31",
                v.year.start_year,
                v.year.start_year + 1
            ))
            .value(f.spent_on.clone())
            .autocomplete("off")
            .error_opt(errors.get("spent_on").or(errors.get("version"))),
        category: Select::new("category", "Category", cats)
            .value(f.category.clone())
            .error_opt(errors.get("category")),
        description: TextInput::new("description", "What it was for")
            .value(f.description.clone())
            .error_opt(errors.get("description")),
        amount: TextInput::new("amount", "Amount")
            .hint("In pounds and pence, for example £1,250.00")
            .value(f.amount.clone())
            .error_opt(errors.get("amount")),
        supplier: TextInput::new("supplier", "Supplier (optional)")
            .value(f.supplier.clone())
            .error_opt(errors.get("supplier")),
        button: Button::new("Save correction").prevent_double_click(),
        reason: Textarea::new("reason", "Why is this spend line being removed?")
            .hint("For example, entered twice by mistake. The line is kept in a list of removed lines")
            .value(reason.to_owned())
            .error_opt(errors.get("reason")),
        remove_button: Button::new("Remove spend line")
            .warning()
            .prevent_double_click(),
    }
}

fn spend_form_of(line: &SpendRow) -> SpendEditForm {
    SpendEditForm {
        spent_on: line.spent_on.format("%Y-%m-%d").to_string(),
        category: line.category.clone(),
        description: line.description.clone(),
        amount: plain_pence(line.amount_pence),
        supplier: line.supplier.clone(),
        version: line.version.to_string(),
    }
}

/// Refuses a removed line's correction page (404: it is only in the list of removed lines).
fn live(v: SpendView) -> Result<SpendView, AppError> {
    if v.line.removed_at.is_some() {
        Err(AppError::Service(ServiceError::NotFound))
    } else {
        Ok(v)
    }
}

/// `GET /funding-spend/{id}/edit`: the form to correct a spend line, and to remove it.
pub async fn edit_spend_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    actor.require(Permission::ManageFunding)?;
    let v = live(safeguard_service::funding::get_spend(&s.svc, &actor, id).await?)?;
    let f = spend_form_of(&v.line);
    html(&spend_edit_page(
        &identity,
        &v,
        &f,
        "",
        &ValidationErrors::new(),
    ))
}

/// `POST /funding-spend/{id}/edit`: saves a correction. A stale version re-shows the person's values
/// with the conflict message (409); the form then carries the current version.
pub async fn update_spend(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<SpendEditForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(mut f) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let input = SpendInput {
        spent_on: f.spent_on.clone(),
        category: f.category.clone(),
        description: f.description.clone(),
        amount: f.amount.clone(),
        supplier: f.supplier.clone(),
    };
    let (status, errors) = match safeguard_service::funding::update_spend(
        &s.svc, &actor, id, &input, &f.version,
    )
    .await
    {
        Ok(()) => {
            let v = safeguard_service::funding::get_spend(&s.svc, &actor, id).await?;
            return see_other(&format!(
                "/funding/{}?notice=spend-updated",
                v.year.funding_year_id
            ));
        }
        Err(ServiceError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(ServiceError::Conflict(message)) => (
            StatusCode::CONFLICT,
            ValidationErrors::single("spent_on", message),
        ),
        Err(e) => return Err(e.into()),
    };
    let v = safeguard_service::funding::get_spend(&s.svc, &actor, id).await?;
    if status == StatusCode::CONFLICT || f.version.trim().parse::<i64>().is_err() {
        f.version = v.line.version.to_string();
    }
    html_status(status, &spend_edit_page(&identity, &v, &f, "", &errors))
}

/// `POST /funding-spend/{id}/remove`: removes a spend line entered by mistake (kept, out of the
/// totals), with a reason.
pub async fn remove_spend(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<RemoveSpendInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let (status, errors) =
        match safeguard_service::funding::remove_spend(&s.svc, &actor, id, &input).await {
            Ok(year) => return see_other(&format!("/funding/{year}?notice=spend-removed")),
            Err(ServiceError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
            Err(ServiceError::Conflict(message)) => (
                StatusCode::CONFLICT,
                ValidationErrors::single("reason", message),
            ),
            Err(e) => return Err(e.into()),
        };
    let v = safeguard_service::funding::get_spend(&s.svc, &actor, id).await?;
    let f = spend_form_of(&v.line);
    html_status(
        status,
        &spend_edit_page(&identity, &v, &f, &input.reason, &errors),
    )
}
