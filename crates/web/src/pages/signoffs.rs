//! Sign-offs by the three lead safeguarding partners: the list, requesting an item, an item's page
//! with the partners' steps and earlier rounds, a partner's decision, requesting again and
//! withdrawing.

use crate::error::AppError;
use crate::layout::Layout;
use crate::pages::{
    NoticeQuery, PageResult, esc, html, html_status, notice_text, parse_id, see_other,
};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::body::{Body, to_bytes};
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use chrono::{DateTime, Utc};
use safeguard_domain::actions::uk_local;
use safeguard_domain::funding::FinancialYear;
use safeguard_domain::organisation::OrganisationKind;
use safeguard_domain::policy::Permission;
use safeguard_domain::signoffs::{
    DecisionInput, NewSignOffInput, RerequestInput, SignOffKind, SignOffStatus, StepDecision,
    WithdrawInput,
};
use safeguard_domain::{SignOffId, ValidationErrors};
use safeguard_service::auth::Identity;
use safeguard_service::signoffs::SignOffView;
use safeguard_service::{Actor, ServiceError};
use safeguard_store::signoffs::{SignOff, Step};
use safeguard_ui::components::{
    Button, Choice, Content, Radios, Select, SelectItem, SummaryList, SummaryRow, Table, TableCell,
    Tag, TagColour, TextInput, Textarea,
};

fn time_text(t: DateTime<Utc>) -> String {
    uk_local(t).format("%-d %B %Y at %H:%M").to_string()
}

fn kind_label(slug: &str) -> &'static str {
    SignOffKind::parse(slug).map_or("Unknown", SignOffKind::label)
}

fn partner_label(slug: &str) -> &'static str {
    match OrganisationKind::parse(slug) {
        Some(OrganisationKind::LocalAuthority) => "Local authority",
        Some(OrganisationKind::Police) => "Police",
        Some(OrganisationKind::IntegratedCareBoard) => "Integrated care board",
        _ => "Partner",
    }
}

/// The status tag: "Awaiting: 2 of 3 signed", "Returned", "Complete" or "Withdrawn".
pub fn status_tag(s: &SignOff) -> String {
    let (text, colour) = match SignOffStatus::parse(&s.status) {
        Some(SignOffStatus::Awaiting) => (
            format!("Awaiting: {} of 3 signed", s.signed_count),
            TagColour::Blue,
        ),
        Some(SignOffStatus::Returned) => ("Returned".to_owned(), TagColour::Orange),
        Some(SignOffStatus::Complete) => ("Complete".to_owned(), TagColour::Green),
        _ => ("Withdrawn".to_owned(), TagColour::Grey),
    };
    Tag::new(text).colour(colour).render().unwrap_or_default()
}

fn decision_tag(slug: &str) -> String {
    let colour = match StepDecision::parse(slug) {
        Some(StepDecision::Signed) => TagColour::Green,
        Some(StepDecision::Returned) => TagColour::Orange,
        _ => TagColour::Grey,
    };
    Tag::new(StepDecision::parse(slug).map_or("Unknown", StepDecision::label))
        .colour(colour)
        .render()
        .unwrap_or_default()
}

fn steps_table(caption: String, steps: &[&Step]) -> Table {
    let mut t = Table::new()
        .caption(caption)
        .head(["Partner", "Decision", "By", "Comments"]);
    for s in steps {
        t = t.row([
            TableCell::html(format!(
                "{}<br><span class=\"govuk-body-s\">{}</span>",
                esc(partner_label(&s.partner_kind)),
                esc(&s.organisation_name)
            )),
            TableCell::html(decision_tag(&s.decision)),
            TableCell::new(match (&s.decided_by_name, s.decided_at) {
                (Some(n), Some(at)) => format!("{n}, {}", time_text(at)),
                _ => "Not yet".to_owned(),
            }),
            TableCell::new(if s.comment.is_empty() {
                "None".to_owned()
            } else {
                s.comment.clone()
            }),
        ]);
    }
    t
}

#[derive(Template)]
#[template(path = "signoffs/list.html")]
struct ListPage {
    l: Layout,
    table: Table,
    can_request: bool,
}

/// The partnership's items.
pub async fn list(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let rows = safeguard_service::signoffs::list(&s.svc, &actor).await?;
    let mut table = Table::new()
        .caption(format!(
            "{} {}",
            rows.len(),
            if rows.len() == 1 { "item" } else { "items" }
        ))
        .head(["Item", "Requested", "Round", "Status"]);
    for r in &rows {
        table = table.row([
            TableCell::html(format!(
                "<a class=\"govuk-link\" href=\"/sign-offs/{}\">{}</a><br><span class=\"govuk-body-s\">{}</span>",
                r.sign_off_id,
                esc(&r.title),
                esc(kind_label(&r.kind))
            )),
            TableCell::new(format!(
                "{} by {}",
                uk_local(r.created_at).format("%-d %B %Y"),
                r.requested_by_name
            )),
            TableCell::numeric(r.round.to_string()),
            TableCell::html(status_tag(r)),
        ]);
    }
    html(&ListPage {
        l: Layout::new("Sign-offs", Some(&identity), "/sign-offs")
            .with_notice(notice_text(q.notice.as_deref())),
        table,
        can_request: actor.can(Permission::RequestSignOffs),
    })
}

#[derive(Template)]
#[template(path = "signoffs/new.html")]
struct NewPage {
    l: Layout,
    csrf: String,
    kind: Select,
    title: TextInput,
    description: Textarea,
    file: Select,
    document_error: Option<String>,
    limit: String,
    year: Select,
    button: Button,
}

fn file_select(
    files: &[safeguard_store::files::StoredFile],
    label: &str,
    first: &str,
    value: &str,
    errors: &ValidationErrors,
) -> Select {
    let mut items = vec![SelectItem::new("", first)];
    items.extend(
        files
            .iter()
            .map(|f| SelectItem::new(f.file_id.to_string(), f.original_name.clone())),
    );
    Select::new("file_id", label, items)
        .hint("A document already in Documents")
        .value(value.to_owned())
        .error_opt(errors.get("file_id"))
}

async fn new_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    input: &NewSignOffInput,
    errors: &ValidationErrors,
) -> Result<NewPage, AppError> {
    let (files, years) = safeguard_service::signoffs::choices(&s.svc, actor).await?;
    let mut kinds = vec![SelectItem::new("", "Choose what needs signing off")];
    kinds.extend(
        SignOffKind::ALL
            .iter()
            .map(|k| SelectItem::new(k.slug(), k.label())),
    );
    let mut year_items = vec![SelectItem::new("", "No financial year")];
    year_items.extend(years.iter().map(|y| {
        SelectItem::new(
            y.funding_year_id.to_string(),
            FinancialYear(y.start_year).label(),
        )
    }));
    Ok(NewPage {
        l: Layout::new("Request a sign-off", Some(identity), "/sign-offs").with_errors(errors),
        csrf: identity.csrf_token.clone(),
        kind: Select::new("kind", "What needs signing off", kinds)
            .value(input.kind.clone())
            .error_opt(errors.get("kind")),
        title: TextInput::new("title", "Title")
            .value(input.title.clone())
            .error_opt(errors.get("title")),
        description: Textarea::new("description", "Description (optional)")
            .value(input.description.clone())
            .error_opt(errors.get("description")),
        file: file_select(
            &files,
            "Document (optional)",
            "No document",
            &input.file_id,
            errors,
        ),
        document_error: errors.get("document").map(str::to_owned),
        limit: safeguard_domain::files::describe_limit(s.svc.config.upload_limit_bytes),
        year: Select::new("funding_year_id", "Financial year (optional)", year_items)
            .hint("For an annual budget only")
            .value(input.funding_year_id.clone())
            .error_opt(errors.get("funding_year_id")),
        button: Button::new("Request sign-off").prevent_double_click(),
    })
}

/// The request form.
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
            &NewSignOffInput::default(),
            &ValidationErrors::new(),
        )
        .await?,
    )
}

/// Requests a sign-off. The form is sent as `multipart/form-data` so that a document can be uploaded
/// with it (field `document`); a plain form (no upload) is read too.
pub async fn create(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    headers: HeaderMap,
    body: Body,
) -> PageResult {
    let unreadable = || AppError::BadRequest("The form could not be read.");
    // The gate has already buffered and bounded the body (this is an upload route).
    let bytes = to_bytes(body, s.upload_body_limit())
        .await
        .map_err(|_| unreadable())?;
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::multipart::boundary);
    let parts = match &boundary {
        Some(b) => Some(crate::multipart::parse(&bytes, b).ok_or_else(unreadable)?),
        None => None,
    };
    let (input, upload) = match &parts {
        Some(parts) => {
            let field = |n: &str| crate::multipart::text_field(parts, n).unwrap_or_default();
            let input = NewSignOffInput {
                kind: field("kind"),
                title: field("title"),
                description: field("description"),
                file_id: field("file_id"),
                funding_year_id: field("funding_year_id"),
            };
            let upload = parts
                .iter()
                .find(|p| {
                    p.name == "document" && p.filename.as_deref().is_some_and(|f| !f.is_empty())
                })
                .map(|p| safeguard_service::signoffs::Upload {
                    name: p.filename.as_deref().unwrap_or(""),
                    bytes: p.data,
                });
            (input, upload)
        }
        None => (
            serde_urlencoded::from_bytes::<NewSignOffInput>(&bytes).map_err(|_| unreadable())?,
            None,
        ),
    };
    match safeguard_service::signoffs::request_with_upload(&s.svc, &actor, &input, upload).await {
        Ok(id) => see_other(&format!("/sign-offs/{id}?notice=sign-off-requested")),
        Err(ServiceError::Invalid(errors)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &new_page(&s, &identity, &actor, &input, &errors).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

/// An earlier round as shown on the item's page.
pub struct RoundView {
    heading: String,
    requested: String,
    note: String,
    table: Table,
}

/// The decision form for a partner.
pub struct DecisionForm {
    decision: Radios,
    comment: Textarea,
    button: Button,
}

/// The administrator's forms.
pub struct ManageForms {
    rerequest: Option<(Textarea, Select, Button)>,
    withdraw: Option<(Textarea, Button)>,
}

#[derive(Template)]
#[template(path = "signoffs/show.html")]
struct ShowPage {
    l: Layout,
    csrf: String,
    id: String,
    title: String,
    summary: SummaryList,
    current: Table,
    decision: Option<DecisionForm>,
    manage: Option<ManageForms>,
    earlier: Vec<RoundView>,
}

/// What was typed into the item page's forms (to show again with errors).
#[derive(Default)]
struct Typed {
    decision: DecisionInput,
    rerequest: RerequestInput,
    withdraw: WithdrawInput,
}

async fn show_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    v: SignOffView,
    typed: &Typed,
    errors: &ValidationErrors,
    notice: Option<&str>,
) -> Result<ShowPage, AppError> {
    let item = &v.item;
    let current_round = v.rounds.iter().find(|r| r.round == item.round);
    let document = match current_round.and_then(|r| r.file_id.zip(r.file_name.clone())) {
        Some((id, name)) => Content::html(format!(
            "<a class=\"govuk-link\" href=\"/files/{id}\">{}</a>",
            esc(&name)
        )),
        None => Content::text("None"),
    };
    let mut rows = vec![
        SummaryRow::new("What it is", kind_label(&item.kind).to_owned()),
        SummaryRow::new("Status", Content::html(status_tag(item))),
        SummaryRow::new(
            "Description",
            if item.description.is_empty() {
                "None".to_owned()
            } else {
                item.description.clone()
            },
        ),
        SummaryRow::new("Document", document),
        SummaryRow::new(
            "Requested",
            format!(
                "{} by {}",
                time_text(item.created_at),
                item.requested_by_name
            ),
        ),
        SummaryRow::new("Round", item.round.to_string()),
    ];
    if let Some(r) = current_round.filter(|r| !r.note.is_empty()) {
        rows.push(SummaryRow::new("What has changed", r.note.clone()));
    }
    if let Some(y) = item.funding_year_id {
        rows.push(SummaryRow::new(
            "Financial year",
            Content::html(format!(
                "<a class=\"govuk-link\" href=\"/funding/{y}\">See the budget</a>"
            )),
        ));
    }
    let current = steps_table(
        format!("Round {}: the three lead partners", item.round),
        &v.current_steps(),
    );
    let earlier = v
        .rounds
        .iter()
        .filter(|r| r.round != item.round)
        .map(|r| {
            let steps: Vec<&Step> = v.steps.iter().filter(|s| s.round == r.round).collect();
            RoundView {
                heading: format!("Round {}", r.round),
                requested: format!(
                    "Requested {} by {}{}",
                    time_text(r.requested_at),
                    r.requested_by_name,
                    r.file_name
                        .as_ref()
                        .map(|n| format!(", with the document {n}"))
                        .unwrap_or_default()
                ),
                note: r.note.clone(),
                table: steps_table(format!("Round {} decisions", r.round), &steps),
            }
        })
        .collect();
    let decision = v.can_decide.as_ref().map(|kind| {
        let org = v
            .current_steps()
            .iter()
            .find(|s| &s.partner_kind == kind)
            .map(|s| s.organisation_name.clone())
            .unwrap_or_default();
        DecisionForm {
            decision: Radios::new("decision", format!("Your decision for {org}"))
                .items([
                    Choice::new("sign", "Sign it off"),
                    Choice::new("return", "Return it with comments"),
                ])
                .value(typed.decision.decision.clone())
                .error_opt(errors.get("decision")),
            comment: Textarea::new("comment", "Comments")
                .hint("Required if you return it: say what needs to change")
                .value(typed.decision.comment.clone())
                .error_opt(errors.get("comment")),
            button: Button::new("Submit decision").prevent_double_click(),
        }
    });
    let status = SignOffStatus::parse(&item.status);
    let manage = if v.can_manage {
        let rerequest = if status == Some(SignOffStatus::Returned) {
            let (files, _) = safeguard_service::signoffs::choices(&s.svc, actor).await?;
            Some((
                Textarea::new("note", "What has changed")
                    .value(typed.rerequest.note.clone())
                    .error_opt(errors.get("note")),
                file_select(
                    &files,
                    "Revised document (optional)",
                    "Keep the current document",
                    &typed.rerequest.file_id,
                    errors,
                ),
                Button::new("Request sign-off again").prevent_double_click(),
            ))
        } else {
            None
        };
        let withdraw = status.is_some_and(SignOffStatus::is_open).then(|| {
            (
                Textarea::new("reason", "Reason for withdrawing")
                    .value(typed.withdraw.reason.clone())
                    .error_opt(errors.get("reason")),
                Button::new("Withdraw request")
                    .warning()
                    .prevent_double_click(),
            )
        });
        (rerequest.is_some() || withdraw.is_some()).then_some(ManageForms {
            rerequest,
            withdraw,
        })
    } else {
        None
    };
    Ok(ShowPage {
        l: Layout::new(item.title.clone(), Some(identity), "/sign-offs")
            .with_errors(errors)
            .with_notice(notice),
        csrf: identity.csrf_token.clone(),
        id: item.sign_off_id.to_string(),
        title: item.title.clone(),
        summary: SummaryList::new(rows),
        current,
        decision,
        manage,
        earlier,
    })
}

/// An item's page.
pub async fn show(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let id = parse_id(&id)?;
    let v = safeguard_service::signoffs::get(&s.svc, &actor, id).await?;
    html(
        &show_page(
            &s,
            &identity,
            &actor,
            v,
            &Typed::default(),
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
    id: SignOffId,
    typed: &Typed,
    field: &str,
    err: ServiceError,
) -> PageResult {
    let (status, errors) = match err {
        ServiceError::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        ServiceError::Conflict(message) => (
            StatusCode::CONFLICT,
            ValidationErrors::single(field, message),
        ),
        e => return Err(e.into()),
    };
    let v = safeguard_service::signoffs::get(&s.svc, actor, id).await?;
    html_status(
        status,
        &show_page(s, identity, actor, v, typed, &errors, None).await?,
    )
}

/// A partner's decision: sign it off, or return it with comments.
pub async fn decide(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<DecisionInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::signoffs::decide(&s.svc, &actor, id, &input).await {
        Ok(SignOffStatus::Complete) => {
            see_other(&format!("/sign-offs/{id}?notice=sign-off-complete"))
        }
        Ok(SignOffStatus::Returned) => {
            see_other(&format!("/sign-offs/{id}?notice=sign-off-returned"))
        }
        Ok(_) => see_other(&format!("/sign-offs/{id}?notice=sign-off-signed")),
        Err(e) => {
            let typed = Typed {
                decision: input,
                ..Typed::default()
            };
            reshow(&s, &identity, &actor, id, &typed, "decision", e).await
        }
    }
}

/// Requests a returned item again (a new round).
pub async fn rerequest(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<RerequestInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::signoffs::rerequest(&s.svc, &actor, id, &input).await {
        Ok(()) => see_other(&format!("/sign-offs/{id}?notice=sign-off-rerequested")),
        Err(e) => {
            let typed = Typed {
                rerequest: input,
                ..Typed::default()
            };
            reshow(&s, &identity, &actor, id, &typed, "note", e).await
        }
    }
}

/// Withdraws an open request.
pub async fn withdraw(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<WithdrawInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(input) = form.map_err(|_| AppError::BadRequest("The form could not be read."))?;
    match safeguard_service::signoffs::withdraw(&s.svc, &actor, id, &input).await {
        Ok(()) => see_other(&format!("/sign-offs/{id}?notice=sign-off-withdrawn")),
        Err(e) => {
            let typed = Typed {
                withdraw: input,
                ..Typed::default()
            };
            reshow(&s, &identity, &actor, id, &typed, "reason", e).await
        }
    }
}
