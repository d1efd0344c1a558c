//! The working-day calendar: the bank holidays of England and Wales this year and next (anyone
//! signed in), and for people with `ManageCalendar` the changes stored in the database with a form to
//! add or remove a bank holiday.

use crate::error::AppError;
use crate::layout::Layout;
use crate::pages::{NoticeQuery, PageResult, html, html_status, notice_text, see_other};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use chrono::Datelike;
use safeguard_domain::ValidationErrors;
use safeguard_domain::calendar::LAST_YEAR;
use safeguard_domain::policy::Permission;
use safeguard_service::auth::Identity;
use safeguard_service::calendar::{ChangeInput, long_date};
use safeguard_service::{Actor, ServiceError};
use safeguard_ui::components::{Button, Choice, InputWidth, Radios, Table, TableCell, TextInput};

/// A stored change, for the managers' table.
pub struct ChangeRow {
    /// Id.
    pub id: String,
    /// "Monday 7 June 2027".
    pub date: String,
    /// "Added" or "Removed".
    pub action: &'static str,
    /// Name or note.
    pub name: String,
    /// "Administrator" or "gov.uk import".
    pub source: &'static str,
}

/// The managers' part of the page.
pub struct Manage {
    /// Stored changes.
    pub changes: Vec<ChangeRow>,
    /// The form's fields.
    pub date: TextInput,
    /// Name.
    pub name: TextInput,
    /// Add or remove.
    pub action: Radios,
    /// Submit.
    pub button: Button,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    l: Layout,
    csrf: String,
    years: Vec<Table>,
    manage: Option<Manage>,
}

async fn page(
    s: &AppState,
    identity: &Identity,
    actor: Option<&Actor>,
    input: &ChangeInput,
    errors: &ValidationErrors,
    notice: Option<&str>,
) -> Result<CalendarPage, AppError> {
    let cal = safeguard_service::calendar::load(&s.svc).await?;
    let this_year = s.svc.now().date_naive().year();
    let mut years = Vec::new();
    for year in [this_year, this_year + 1] {
        if year > LAST_YEAR {
            continue;
        }
        let Ok(list) = cal.bank_holidays_in(year) else {
            continue;
        };
        let mut t = Table::new()
            .caption(format!("Bank holidays in {year}"))
            .head(["Date", "Bank holiday"]);
        for h in list {
            t = t.row([TableCell::new(long_date(h.date)), TableCell::new(h.name)]);
        }
        years.push(t);
    }
    let manage = match actor {
        Some(a) if a.can(Permission::ManageCalendar) => {
            let changes = safeguard_service::calendar::changes(&s.svc)
                .await?
                .into_iter()
                .map(|c| ChangeRow {
                    id: c.bank_holiday_change_id.to_string(),
                    date: long_date(c.date),
                    action: if c.action == "add" {
                        "Added"
                    } else {
                        "Removed"
                    },
                    name: c.name,
                    source: if c.source == "import" {
                        "gov.uk import"
                    } else {
                        "Administrator"
                    },
                })
                .collect();
            Some(Manage {
                changes,
                date: TextInput::new("date", "Date")
                    .hint("For example, 2027-06-07 (year, month, day)")
                    .width(InputWidth::Chars10)
                    .value(input.date.clone())
                    .error_opt(errors.get("date")),
                name: TextInput::new("name", "Name of the bank holiday, or why it is removed")
                    .value(input.name.clone())
                    .error_opt(errors.get("name")),
                action: Radios::new("action", "Add or remove a bank holiday?")
                    .items([
                        Choice::new("add", "Add a bank holiday on this date"),
                        Choice::new("remove", "Remove the bank holiday on this date"),
                    ])
                    .value(input.action.clone())
                    .error_opt(errors.get("action")),
                button: Button::new("Save change").prevent_double_click(),
            })
        }
        _ => None,
    };
    Ok(CalendarPage {
        l: Layout::new("Working-day calendar", Some(identity), "/calendar")
            .with_errors(errors)
            .with_notice(notice),
        csrf: identity.csrf_token.clone(),
        years,
        manage,
    })
}

/// `GET /calendar`.
pub async fn show(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    actor: Option<Extension<Actor>>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let actor = actor.map(|Extension(a)| a);
    html(
        &page(
            &s,
            &identity,
            actor.as_ref(),
            &ChangeInput::default(),
            &ValidationErrors::new(),
            notice_text(q.notice.as_deref()),
        )
        .await?,
    )
}

/// `POST /calendar/bank-holidays`: adds or removes a bank holiday.
pub async fn add(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    form: Result<Form<ChangeInput>, FormRejection>,
) -> PageResult {
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::calendar::add_change(&s.svc, &actor, &input).await {
        Ok(_) => see_other("/calendar?notice=calendar-changed"),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&s, &identity, Some(&actor), &input, &errors, None).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

/// `POST /calendar/bank-holidays/{id}/delete`: deletes a stored change.
pub async fn delete(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    p: Result<Path<String>, PathRejection>,
) -> PageResult {
    let Path(id) = p.map_err(|_| AppError::BadRequest("The address is not valid."))?;
    let id: uuid::Uuid = id
        .parse()
        .map_err(|_| AppError::Service(ServiceError::NotFound))?;
    safeguard_service::calendar::delete_change(&s.svc, &actor, id).await?;
    see_other("/calendar?notice=calendar-change-deleted")
}
