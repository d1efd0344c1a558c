//! The recommendations tracker's pages: the sources, adding a source and a recommendation, a source
//! with its recommendations and RAG ratings, a recommendation with its status history, the owner's
//! self-assessment, the independent verification, actions (the one action model) and evidence, and
//! the progress view (a server-rendered SVG bar chart with the same data as a table, by addressee,
//! CSV and XLSX). The access rules are in `safeguard_service::recommendations`.

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
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::ValidationErrors;
use safeguard_domain::actions::{NewActionInput, uk_local};
use safeguard_domain::recommendations::Period;
use safeguard_domain::recommendations::{
    EvidenceInput, RAG_RULE, Rag, RecommendationInput, SourceInput, SourceKind, StatusInput,
    VerifyInput,
};
use safeguard_service::activity::ExportFormat;
use safeguard_service::auth::Identity;
use safeguard_service::recommendations::{OverTime, PublishInput};
use safeguard_service::recommendations::{Position, Progress, RecommendationDetail};
use safeguard_service::{Actor, ServiceError};
use safeguard_ui::components::{
    Button, Checkboxes, Choice, Radios, Select, SelectItem, SummaryList, SummaryRow, TextInput,
    Textarea,
};
use uuid::Uuid;

const NAV: &str = "/recommendation-sources";

fn r<T: Template>(t: T) -> String {
    t.render().unwrap_or_default()
}

fn notice(code: Option<&str>) -> Option<&'static str> {
    match code {
        Some("source-added") => Some("Source added."),
        Some("tracked-recommendation-added") => Some("Recommendation added."),
        Some("status-saved") => Some("Status saved. It is in the history below."),
        Some("verdict-saved") => Some("Verdict saved. It is in the history below."),
        Some("tracked-action-added") => {
            Some("Action added. It shows on the owner's list of actions.")
        }
        Some("evidence-added") => Some("Evidence added."),
        Some("progress-published") => {
            Some("Progress published. Anyone with the address can see the public progress page.")
        }
        Some("progress-withdrawn") => Some("Public progress page withdrawn."),
        Some("progress-conflict") => Some(
            "Someone else changed this source while you were working on it. Nothing was changed: check it and try again.",
        ),
        Some("source-saved") => Some("Source saved."),
        Some("tracked-recommendation-saved") => Some("Recommendation saved."),
        Some("consultant-invited") => {
            Some("Consultant invited. They can now see and comment on this recommendation.")
        }
        Some("consultant-revoked") => {
            Some("Invitation revoked. The consultant can no longer see this recommendation.")
        }
        Some("comment-answered") => {
            Some("Answer sent. The consultant has been told by email that there is an answer.")
        }
        other => notice_text(other),
    }
}

fn date_text(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn time_text(t: DateTime<Utc>) -> String {
    uk_local(t).format("%-d %B %Y at %H:%M").to_string()
}

fn paragraphs(s: &str) -> Vec<String> {
    s.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

fn rag_class(rag: Option<Rag>) -> &'static str {
    match rag {
        Some(Rag::Red) => "govuk-tag--red",
        Some(Rag::Amber) => "govuk-tag--orange",
        Some(Rag::Green) => "govuk-tag--green",
        None => "govuk-tag--grey",
    }
}

fn rag_text(rag: Option<Rag>) -> &'static str {
    rag.map_or("Not rated", Rag::label)
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

fn read_form<T>(form: Result<Form<T>, FormRejection>) -> Result<T, AppError> {
    form.map(|Form(p)| p)
        .map_err(|_| AppError::BadRequest("The form could not be read."))
}

#[derive(Template)]
#[template(path = "recommendations/form.html")]
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

fn respond(page: &FormPage, errors: &ValidationErrors) -> PageResult {
    if errors.is_empty() {
        html(page)
    } else {
        html_status(StatusCode::UNPROCESSABLE_ENTITY, page)
    }
}

// ---------------------------------------------------------------------------------------------
// Sources

/// A source as listed.
struct SourceLine {
    id: String,
    title: String,
    kind: &'static str,
    date: String,
    count: i64,
}

#[derive(Template)]
#[template(path = "recommendations/sources.html")]
struct SourcesPage {
    l: Layout,
    rows: Vec<SourceLine>,
    can_manage: bool,
}

fn kind_label(slug: &str) -> &'static str {
    SourceKind::parse(slug).map_or("Other", SourceKind::label)
}

/// `GET /recommendation-sources`: the partnership's sources.
pub async fn list(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<NoticeQuery>, QueryRejection>,
) -> PageResult {
    let code = q.ok().and_then(|Query(q)| q.notice);
    let rows = safeguard_service::recommendations::sources(&s.svc, &actor).await?;
    html(&SourcesPage {
        l: Layout::new("Recommendations tracker", Some(&identity), NAV)
            .with_notice(notice(code.as_deref())),
        rows: rows
            .into_iter()
            .map(|x| SourceLine {
                id: x.source_id.to_string(),
                title: x.title,
                kind: kind_label(&x.kind),
                date: date_text(x.published_on),
                count: x.recommendations,
            })
            .collect(),
        can_manage: actor.can(safeguard_domain::policy::Permission::ManageRecommendations),
    })
}

async fn source_form(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    i: &SourceInput,
    e: &ValidationErrors,
) -> Result<FormPage, AppError> {
    let c = safeguard_service::recommendations::choices(&s.svc, actor).await?;
    let mut files = vec![SelectItem::new("", "No document")];
    files.extend(
        c.files
            .iter()
            .map(|(id, name)| SelectItem::new(id.to_string(), name.clone())),
    );
    let mut reviews = vec![SelectItem::new("", "Not a local practice review")];
    reviews.extend(c.reviews.iter().map(|x| {
        SelectItem::new(
            x.review_id.to_string(),
            format!("{}: {}", x.reference, x.title),
        )
    }));
    let fields = vec![
        r(Radios::new("kind", "What kind of source is it?")
            .items(SourceKind::ALL.iter().map(|k| Choice::new(k.slug(), k.label())))
            .value(i.kind.clone())
            .error_opt(e.get("kind"))),
        r(TextInput::new("title", "Title")
            .value(i.title.clone())
            .error_opt(e.get("title"))),
        r(TextInput::new("published_on", "Date of the report")
            .hint("Year-month-day, for example 2022-07-12")
            .value(i.published_on.clone())
            .autocomplete("off")
            .error_opt(e.get("published_on"))),
        r(TextInput::new("publisher", "Published by")
            .hint("For example, the Child Safeguarding Practice Review Panel")
            .value(i.publisher.clone())
            .error_opt(e.get("publisher"))),
        r(TextInput::new("link", "Web address of the report (optional)")
            .hint("Starting https://")
            .value(i.link.clone())
            .error_opt(e.get("link"))),
        r(Select::new("file_id", "The report in Documents (optional)", files)
            .value(i.file_id.clone())
            .error_opt(e.get("file_id"))),
        r(Select::new("review_id", "The practice review (local reviews only)", reviews)
            .hint("A local child safeguarding practice review is taken over from the case review module by reference")
            .value(i.review_id.clone())
            .error_opt(e.get("review_id"))),
    ];
    Ok(FormPage {
        l: Layout::new("Add a source", Some(identity), NAV).with_errors(e),
        csrf: identity.csrf_token.clone(),
        back: NAV.into(),
        caption: "Recommendations tracker".into(),
        heading: "Add a source".into(),
        intro: vec![
            "An inquiry, review, inspection or audit whose recommendations the partnership tracks."
                .into(),
        ],
        action: NAV.into(),
        fields,
        button: Button::new("Add source").prevent_double_click(),
    })
}

/// `GET /recommendation-sources/new`: the add-a-source form.
pub async fn new_source_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    actor.require(safeguard_domain::policy::Permission::ManageRecommendations)?;
    let e = ValidationErrors::new();
    respond(
        &source_form(&s, &identity, &actor, &SourceInput::default(), &e).await?,
        &e,
    )
}

/// `POST /recommendation-sources`: adds a source.
pub async fn create_source(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    form: Result<Form<SourceInput>, FormRejection>,
) -> PageResult {
    let i = read_form(form)?;
    match safeguard_service::recommendations::create_source(&s.svc, &actor, &i).await {
        Ok(id) => see_other(&format!("/recommendation-sources/{id}?notice=source-added")),
        Err(ServiceError::Invalid(e)) => {
            respond(&source_form(&s, &identity, &actor, &i, &e).await?, &e)
        }
        Err(e) => Err(e.into()),
    }
}

/// A recommendation as listed on its source's page.
struct RecLine {
    id: String,
    number: i32,
    title: String,
    accepted: bool,
    addressees: String,
    lead: String,
    status: &'static str,
    verified: &'static str,
    rag: &'static str,
    rag_class: &'static str,
}

#[derive(Template)]
#[template(path = "recommendations/source.html")]
struct SourcePage {
    l: Layout,
    id: String,
    kind: &'static str,
    title: String,
    summary: SummaryList,
    rows: Vec<RecLine>,
    can_manage: bool,
    today: String,
    rag_rule: [&'static str; 6],
    csrf: String,
    version: i32,
    public_url: Option<String>,
}

/// `GET /recommendation-sources/{id}`: a source with its recommendations.
pub async fn show_source(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    q: Result<Query<NoticeQuery>, QueryRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let code = q.ok().and_then(|Query(q)| q.notice);
    let v = safeguard_service::recommendations::source(&s.svc, &actor, id).await?;
    let src = &v.source;
    let mut rows = vec![
        SummaryRow::new("Kind", kind_label(&src.kind)),
        SummaryRow::new("Date", date_text(src.published_on)),
        SummaryRow::new("Published by", src.publisher.clone()),
    ];
    if let Some(rv) = &v.review {
        rows.push(SummaryRow::new(
            "Practice review",
            safeguard_ui::components::Content::Html(format!(
                "<a class=\"govuk-link\" href=\"/practice-reviews/{}/learning\">{}: {}</a>",
                rv.review_id,
                esc(&rv.reference),
                esc(&rv.title)
            )),
        ));
    }
    if !src.link.is_empty() {
        rows.push(SummaryRow::new(
            "Report",
            safeguard_ui::components::Content::Html(format!(
                "<a class=\"govuk-link\" href=\"{}\" rel=\"noreferrer noopener\">{}</a>",
                esc(&src.link),
                esc(&src.link)
            )),
        ));
    }
    if let Some(f) = src.file_id {
        rows.push(SummaryRow::new(
            "Document",
            safeguard_ui::components::Content::Html(format!(
                "<a class=\"govuk-link\" href=\"/files/{f}\">Open the report in Documents</a>"
            )),
        ));
    }
    html(&SourcePage {
        l: Layout::new(src.title.clone(), Some(&identity), NAV)
            .with_notice(notice(code.as_deref())),
        id: id.to_string(),
        kind: kind_label(&src.kind),
        title: src.title.clone(),
        summary: SummaryList::new(rows),
        rows: v
            .recommendations
            .iter()
            .map(|x| RecLine {
                id: x.row.recommendation_id.to_string(),
                number: x.row.number,
                title: x.title(),
                accepted: x.row.accepted,
                addressees: x
                    .addressees
                    .iter()
                    .map(|a| a.organisation_name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                lead: x
                    .row
                    .lead_name
                    .clone()
                    .unwrap_or_else(|| "None named".into()),
                status: x.status.label(),
                verified: x.verified.map_or("Not yet", |v| v.label()),
                rag: rag_text(x.rag),
                rag_class: rag_class(x.rag),
            })
            .collect(),
        can_manage: v.can_manage,
        today: date_text(v.today),
        rag_rule: RAG_RULE,
        csrf: identity.csrf_token.clone(),
        version: src.version,
        public_url: src.progress_public.then(|| {
            format!(
                "/public/{}/recommendation-progress/{id}",
                identity
                    .partnership
                    .as_ref()
                    .map(|p| p.slug.clone())
                    .unwrap_or_default()
            )
        }),
    })
}

// ---------------------------------------------------------------------------------------------
// Adding a recommendation

fn rec_input(p: &Pairs) -> RecommendationInput {
    RecommendationInput {
        number: first(p, "number"),
        title: first(p, "title"),
        body: first(p, "body"),
        review_recommendation_id: first(p, "review_recommendation_id"),
        addressees: p
            .iter()
            .filter(|(k, _)| k == "addressees")
            .map(|(_, v)| v.clone())
            .collect(),
        accepted: first(p, "accepted"),
        not_accepted_reason: first(p, "not_accepted_reason"),
        lead_person_id: first(p, "lead_person_id"),
        target_date: first(p, "target_date"),
    }
}

async fn rec_form(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    source: Uuid,
    i: &RecommendationInput,
    e: &ValidationErrors,
) -> Result<FormPage, AppError> {
    let f = safeguard_service::recommendations::recommendation_form(&s.svc, actor, source).await?;
    let by_reference = f.source.kind == SourceKind::LocalCspr.slug();
    let number = if i.number.is_empty() {
        f.next_number.to_string()
    } else {
        i.number.clone()
    };
    let mut fields = vec![r(TextInput::new("number", "Number")
        .value(number)
        .inputmode("numeric")
        .error_opt(e.get("number")))];
    if by_reference {
        let mut items = vec![SelectItem::new("", "Choose a recommendation")];
        items.extend(
            f.review_recommendations
                .iter()
                .map(|(id, label)| SelectItem::new(id.to_string(), label.clone())),
        );
        fields.push(r(Select::new(
            "review_recommendation_id",
            "The practice review's recommendation",
            items,
        )
        .hint("Its title and text are read from the case review module, never copied")
        .value(i.review_recommendation_id.clone())
        .error_opt(e.get("review_recommendation_id"))));
    } else {
        fields.push(r(TextInput::new("title", "Short title")
            .value(i.title.clone())
            .error_opt(e.get("title"))));
        fields.push(r(Textarea::new("body", "The recommendation")
            .rows(5)
            .value(i.body.clone())
            .error_opt(e.get("body"))));
    }
    fields.push(r(Checkboxes::new("addressees", "Addressed to")
        .items(
            f.organisations
                .iter()
                .map(|(id, name)| Choice::new(id.to_string(), name.clone())),
        )
        .values(i.addressees.clone())
        .error_opt(e.get("addressees"))));
    fields.push(r(Radios::new("accepted", "Was it accepted?")
        .items([Choice::new("yes", "Yes"), Choice::new("no", "No")])
        .value(i.accepted.clone())
        .inline()
        .error_opt(e.get("accepted"))));
    fields.push(r(Textarea::new(
        "not_accepted_reason",
        "Why it was not accepted (if not)",
    )
    .rows(3)
    .value(i.not_accepted_reason.clone())
    .error_opt(e.get("not_accepted_reason"))));
    let mut people = vec![SelectItem::new("", "No lead yet")];
    people.extend(
        f.people
            .iter()
            .map(|(id, name, org)| SelectItem::new(id.to_string(), format!("{name} ({org})"))),
    );
    fields.push(r(Select::new("lead_person_id", "Lead", people)
        .hint("The lead self-assesses the recommendation and adds evidence")
        .value(i.lead_person_id.clone())
        .error_opt(e.get("lead_person_id"))));
    fields.push(r(TextInput::new("target_date", "Target date (optional)")
        .hint("Year-month-day, for example 2023-12-31")
        .value(i.target_date.clone())
        .autocomplete("off")
        .error_opt(e.get("target_date"))));
    Ok(FormPage {
        l: Layout::new("Add a recommendation", Some(identity), NAV).with_errors(e),
        csrf: identity.csrf_token.clone(),
        back: format!("/recommendation-sources/{source}"),
        caption: f.source.title.clone(),
        heading: "Add a recommendation".into(),
        intro: Vec::new(),
        action: format!("/recommendation-sources/{source}/recommendations"),
        fields,
        button: Button::new("Add recommendation").prevent_double_click(),
    })
}

/// `GET /recommendation-sources/{id}/recommendations/new`: the add-a-recommendation form.
pub async fn new_recommendation_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let e = ValidationErrors::new();
    let i = RecommendationInput {
        accepted: "yes".into(),
        ..Default::default()
    };
    respond(&rec_form(&s, &identity, &actor, id, &i, &e).await?, &e)
}

/// `POST /recommendation-sources/{id}/recommendations`: adds a recommendation.
pub async fn create_recommendation(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<Pairs>, FormRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let i = rec_input(&read_form(form)?);
    match safeguard_service::recommendations::add_recommendation(&s.svc, &actor, id, &i).await {
        Ok(rid) => see_other(&format!(
            "/tracked-recommendations/{rid}?notice=tracked-recommendation-added"
        )),
        Err(ServiceError::Invalid(e)) => {
            respond(&rec_form(&s, &identity, &actor, id, &i, &e).await?, &e)
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// A recommendation

#[derive(Template)]
#[template(path = "recommendations/show.html")]
struct ShowPage {
    l: Layout,
    csrf: String,
    id: String,
    source_id: String,
    source_title: String,
    number: i32,
    title: String,
    restricted: bool,
    paragraphs: Vec<String>,
    review_link: Option<(String, String)>,
    summary: SummaryList,
    today: String,
    rag_rule: [&'static str; 6],
    events: Vec<(String, String, String, String)>,
    version: i32,
    status_form: Option<Vec<String>>,
    verify_form: Option<Vec<String>>,
    actions: Vec<(String, String, String, String, String)>,
    action_form: Option<Vec<String>>,
    action_open: bool,
    evidence: Vec<(Option<String>, String, String, String)>,
    evidence_form: Option<Vec<String>>,
    evidence_open: bool,
    can_edit: bool,
    action_evidence: Vec<(String, Option<String>, String, String, String)>,
    consult: String,
}

/// The values and errors of the page's forms when one is shown again.
#[derive(Default)]
struct Posted {
    status: StatusInput,
    verify: VerifyInput,
    action: NewActionInput,
    evidence: EvidenceInput,
    errors: ValidationErrors,
    which: &'static str,
    version: Option<i32>,
    consult: crate::pages::recommendation_comments::OwnerPosted,
}

fn field_error<'a>(p: &'a Posted, which: &str, field: &str) -> Option<&'a str> {
    if p.which == which {
        p.errors.get(field).or(
            if field == "note" || field == "status" || field == "verdict" {
                p.errors.get("version")
            } else {
                None
            },
        )
    } else {
        None
    }
}

async fn show_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    code: Option<&str>,
    p: &Posted,
) -> Result<ShowPage, AppError> {
    let d: RecommendationDetail =
        safeguard_service::recommendations::recommendation(&s.svc, actor, id).await?;
    let v = &d.view;
    let today = safeguard_domain::actions::uk_date(s.svc.now());
    let mut rows = vec![
        SummaryRow::new(
            "Addressed to",
            v.addressees
                .iter()
                .map(|a| a.organisation_name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        SummaryRow::new(
            "Accepted",
            if v.row.accepted {
                "Yes".to_owned()
            } else {
                format!("No: {}", v.row.not_accepted_reason)
            },
        ),
        SummaryRow::new(
            "Lead",
            v.row
                .lead_name
                .clone()
                .unwrap_or_else(|| "None named".into()),
        ),
        SummaryRow::new(
            "Target date",
            v.row
                .target_date
                .map_or_else(|| "None set".to_owned(), date_text),
        ),
        SummaryRow::new("Self-assessed status", v.status.label()),
        SummaryRow::new(
            "Independent verification",
            v.verified.map_or("Not yet verified", |x| x.label()),
        ),
        SummaryRow::new(
            "RAG rating",
            safeguard_ui::components::Content::Html(format!(
                "<strong class=\"govuk-tag {}\">{}</strong>",
                rag_class(v.rag),
                rag_text(v.rag)
            )),
        ),
    ];
    if let Some(rf) = v.referenced.as_ref().and_then(|x| x.finding.clone()) {
        rows.insert(
            0,
            SummaryRow::new("Follows from finding", format!("{}. {}", rf.0, rf.1)),
        );
    }
    let review_link = v.row.review_recommendation_id.map(|rid| {
        (
            format!("/review-recommendations/{rid}"),
            match &v.referenced {
                Some(x) => format!(
                    "{} recommendation {} in the case review module",
                    x.subject_reference, x.number
                ),
                None => "The recommendation in the case review module".to_owned(),
            },
        )
    });
    let events = d
        .events
        .iter()
        .map(|e| {
            let what = if e.kind == "self" {
                format!(
                    "Self-assessed: {}",
                    safeguard_domain::recommendations::SelfStatus::parse(&e.status)
                        .map_or("unknown", |x| x.label())
                )
            } else {
                safeguard_domain::recommendations::VerifiedStatus::parse(&e.status)
                    .map_or("unknown", |x| x.label())
                    .to_owned()
            };
            (time_text(e.at), e.by_name.clone(), what, e.note.clone())
        })
        .collect();
    let status_form = (!d.next.is_empty()).then(|| {
        let value = if p.which == "status" {
            p.status.status.clone()
        } else {
            String::new()
        };
        vec![
            r(Radios::new("status", "New status")
                .items(d.next.iter().map(|x| Choice::new(x.slug(), x.label())))
                .value(value)
                .error_opt(field_error(p, "status", "status"))),
            r(Textarea::new("note", "Note")
                .hint("Required when it cannot be implemented: say why")
                .rows(3)
                .value(if p.which == "status" {
                    p.status.note.clone()
                } else {
                    String::new()
                })
                .error_opt(field_error(p, "status", "note"))),
        ]
    });
    let verify_form = d.can_verify.then(|| {
        let agree = if v.status == safeguard_domain::recommendations::SelfStatus::UnableToImplement
        {
            "Agree that it cannot be implemented"
        } else {
            "Verify it as implemented"
        };
        vec![
            r(Radios::new("verdict", "Your verdict")
                .hint(format!(
                    "The owner's self-assessment is: {}.",
                    v.status.label().to_lowercase()
                ))
                .items([
                    Choice::new("agree", agree),
                    Choice::new("disagree", "Do not verify it"),
                ])
                .value(if p.which == "verify" {
                    p.verify.verdict.clone()
                } else {
                    String::new()
                })
                .error_opt(field_error(p, "verify", "verdict"))),
            r(Textarea::new("note", "Note")
                .id("verify-note")
                .hint("Required when you do not verify it: say what is missing")
                .rows(3)
                .value(if p.which == "verify" {
                    p.verify.note.clone()
                } else {
                    String::new()
                })
                .error_opt(field_error(p, "verify", "note"))),
        ]
    });
    let action_form = if d.can_add_action {
        let (orgs, people) = safeguard_service::actions::owner_choices(&s.svc, actor).await?;
        let a = &p.action;
        let err = |f: &str| {
            if p.which == "action" {
                p.errors.get(f)
            } else {
                None
            }
        };
        let mut org_items = vec![SelectItem::new("", "Choose an organisation")];
        org_items.extend(
            orgs.iter()
                .map(|o| SelectItem::new(o.organisation_id.to_string(), o.name.clone())),
        );
        let mut people_items = vec![SelectItem::new("", "No one yet")];
        people_items.extend(people.iter().map(|x| {
            SelectItem::new(
                x.person_id.to_string(),
                format!("{} ({})", x.name, x.organisation_name),
            )
        }));
        Some(vec![
            r(TextInput::new("title", "Action")
                .value(a.title.clone())
                .error_opt(err("title"))),
            r(Textarea::new("description", "Description (optional)")
                .rows(3)
                .value(a.description.clone())
                .error_opt(err("description"))),
            r(
                Select::new("owner_organisation_id", "Owner organisation", org_items)
                    .value(a.owner_organisation_id.clone())
                    .error_opt(err("owner_organisation_id")),
            ),
            r(
                Select::new("owner_person_id", "Owner (optional)", people_items)
                    .value(a.owner_person_id.clone())
                    .error_opt(err("owner_person_id")),
            ),
            r(TextInput::new("due_date", "Due date (optional)")
                .hint("Year-month-day, for example 2023-09-30")
                .value(a.due_date.clone())
                .autocomplete("off")
                .error_opt(err("due_date"))),
        ])
    } else {
        None
    };
    let evidence_form = if d.can_self_assess {
        let c = safeguard_service::recommendations::choices(&s.svc, actor).await?;
        let ev = &p.evidence;
        let err = |f: &str| {
            if p.which == "evidence" {
                p.errors.get(f)
            } else {
                None
            }
        };
        let mut files = vec![SelectItem::new("", "No document")];
        files.extend(
            c.files
                .iter()
                .map(|(id, name)| SelectItem::new(id.to_string(), name.clone())),
        );
        Some(vec![
            r(TextInput::new("label", "What it is")
                .id("evidence-label")
                .hint("For example, Minutes of the Strategic Implementation Group, May 2023")
                .value(ev.label.clone())
                .error_opt(err("label"))),
            r(Select::new("file_id", "A document in Documents", files)
                .value(ev.file_id.clone())
                .error_opt(err("file_id"))),
            upload_input(err("file")),
            r(TextInput::new("url", "Or a web address")
                .hint("Starting https://")
                .value(ev.url.clone())
                .error_opt(err("url"))),
        ])
    } else {
        None
    };
    let consult =
        crate::pages::recommendation_comments::owner_section(s, identity, actor, id, &p.consult)
            .await?;
    let mut l = Layout::new(
        format!("Recommendation {}: {}", v.row.number, v.title()),
        Some(identity),
        NAV,
    )
    .with_notice(notice(code));
    if !p.errors.is_empty() {
        l = l.with_errors(&p.errors);
    }
    if !p.consult.errors.is_empty() {
        l = l.with_errors(&p.consult.errors);
    }
    Ok(ShowPage {
        l,
        csrf: identity.csrf_token.clone(),
        id: id.to_string(),
        source_id: d.source.source_id.to_string(),
        source_title: d.source.title.clone(),
        number: v.row.number,
        title: v.title(),
        restricted: d.restricted,
        paragraphs: paragraphs(&v.body()),
        review_link,
        summary: SummaryList::new(rows),
        today: date_text(today),
        rag_rule: RAG_RULE,
        events,
        version: p.version.unwrap_or(v.row.version),
        status_form,
        verify_form,
        actions: d
            .actions
            .iter()
            .map(|a| {
                (
                    a.action_id.to_string(),
                    a.title.clone(),
                    match &a.owner_person_name {
                        Some(n) => format!("{n}, {}", a.owner_organisation_name),
                        None => a.owner_organisation_name.clone(),
                    },
                    a.due_date.map_or_else(|| "None".to_owned(), date_text),
                    safeguard_domain::actions::ActionStatus::parse(&a.status)
                        .map_or("Unknown", |x| x.label())
                        .to_owned(),
                )
            })
            .collect(),
        action_form,
        action_open: p.which == "action",
        evidence: d
            .evidence
            .iter()
            .map(|e| {
                let href = match (e.file_id, e.file_name.as_ref()) {
                    (Some(f), Some(_)) => Some(format!("/files/{f}")),
                    (Some(_), None) => None,
                    (None, _) => Some(e.url.clone()),
                };
                (
                    href,
                    e.label.clone(),
                    e.added_by_name.clone(),
                    time_text(e.added_at),
                )
            })
            .collect(),
        evidence_form,
        evidence_open: p.which == "evidence",
        can_edit: actor.can(safeguard_domain::policy::Permission::ManageRecommendations),
        action_evidence: d
            .action_evidence
            .iter()
            .map(|e| {
                let href = match (e.file_id, e.file_name.as_ref()) {
                    (Some(f), Some(_)) => Some(format!("/files/{f}")),
                    (Some(_), None) => None,
                    (None, _) => Some(e.url.clone()),
                };
                (
                    e.action_id.to_string(),
                    href,
                    e.label.clone(),
                    e.added_by_name.clone(),
                    time_text(e.added_at),
                )
            })
            .collect(),
        consult,
    })
}

/// Shows a recommendation's page again (422) with a refused form of its consultants' section.
pub(crate) async fn show_with_consult(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    consult: crate::pages::recommendation_comments::OwnerPosted,
) -> PageResult {
    let p = Posted {
        consult,
        which: "consult",
        ..Default::default()
    };
    html_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &show_page(s, identity, actor, id, None, &p).await?,
    )
}

/// `GET /tracked-recommendations/{id}`: a recommendation.
pub async fn show(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    q: Result<Query<NoticeQuery>, QueryRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let code = q.ok().and_then(|Query(q)| q.notice);
    html(
        &show_page(
            &s,
            &identity,
            &actor,
            id,
            code.as_deref(),
            &Posted::default(),
        )
        .await?,
    )
}

/// Shows the page again with a refused form's values and errors (422), or its conflict (409, the
/// person's text kept and the current version in the form).
async fn again(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    mut p: Posted,
    err: ServiceError,
) -> PageResult {
    let status = match err {
        ServiceError::Invalid(e) => {
            p.errors = e;
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ServiceError::Conflict(m) => {
            let field = match p.which {
                "verify" => "verdict",
                _ => "status",
            };
            p.errors = ValidationErrors::single(field, m);
            StatusCode::CONFLICT
        }
        other => return Err(other.into()),
    };
    html_status(status, &show_page(s, identity, actor, id, None, &p).await?)
}

/// `POST /tracked-recommendations/{id}/status`: the owner's self-assessment.
pub async fn set_status(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<StatusInput>, FormRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let i = read_form(form)?;
    match safeguard_service::recommendations::self_assess(&s.svc, &actor, id, &i).await {
        Ok(()) => see_other(&format!(
            "/tracked-recommendations/{id}?notice=status-saved#history"
        )),
        Err(e) => {
            let p = Posted {
                status: i,
                which: "status",
                ..Default::default()
            };
            again(&s, &identity, &actor, id, p, e).await
        }
    }
}

/// `POST /tracked-recommendations/{id}/verification`: the independent verdict.
pub async fn verify(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<VerifyInput>, FormRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let i = read_form(form)?;
    match safeguard_service::recommendations::verify(&s.svc, &actor, id, &i).await {
        Ok(()) => see_other(&format!(
            "/tracked-recommendations/{id}?notice=verdict-saved#history"
        )),
        Err(e) => {
            let p = Posted {
                verify: i,
                which: "verify",
                ..Default::default()
            };
            again(&s, &identity, &actor, id, p, e).await
        }
    }
}

/// `POST /tracked-recommendations/{id}/actions`: adds an action (the one action model).
pub async fn add_action(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<NewActionInput>, FormRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let i = read_form(form)?;
    match safeguard_service::recommendations::add_action(&s.svc, &actor, id, &i).await {
        Ok(_) => see_other(&format!(
            "/tracked-recommendations/{id}?notice=tracked-action-added#actions"
        )),
        Err(e) => {
            let p = Posted {
                action: i,
                which: "action",
                ..Default::default()
            };
            again(&s, &identity, &actor, id, p, e).await
        }
    }
}

/// Reads an evidence form: `multipart/form-data` with `label`, `file_id`, `url` and an optional
/// uploaded `file`, or an ordinary form without the upload. Returns the fields and the upload (its
/// name and bytes) when a file was chosen.
pub(crate) async fn read_evidence(
    s: &AppState,
    headers: &axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<(EvidenceInput, Option<(String, Vec<u8>)>), AppError> {
    let bytes = axum::body::to_bytes(body, s.upload_body_limit())
        .await
        .map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let boundary = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::multipart::boundary);
    match boundary {
        Some(b) => {
            let parts = crate::multipart::parse(&bytes, &b)
                .ok_or(AppError::BadRequest("The form could not be read."))?;
            let field = |n: &str| crate::multipart::text_field(&parts, n).unwrap_or_default();
            let input = EvidenceInput {
                label: field("label"),
                file_id: field("file_id"),
                url: field("url"),
            };
            let file = parts
                .iter()
                .find(|p| p.name == "file" && p.filename.as_deref().is_some_and(|f| !f.is_empty()))
                .map(|p| (p.filename.clone().unwrap_or_default(), p.data.to_vec()));
            Ok((input, file))
        }
        None => {
            let input: EvidenceInput = serde_urlencoded::from_bytes(&bytes)
                .map_err(|_| AppError::BadRequest("The form could not be read."))?;
            Ok((input, None))
        }
    }
}

/// `POST /tracked-recommendations/{id}/evidence`: adds evidence: a document picked from Documents
/// or uploaded with the form (multipart), or a link.
pub async fn add_evidence(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    // Access first: someone who may not see it learns nothing, not even that the form is wrong.
    safeguard_service::recommendations::recommendation(&s.svc, &actor, id).await?;
    let (i, file) = read_evidence(&s, &headers, body).await?;
    let document = file
        .as_ref()
        .map(|(name, bytes)| safeguard_service::actions::EvidenceDocument { name, bytes });
    match safeguard_service::recommendations::add_evidence_with(&s.svc, &actor, id, &i, document)
        .await
    {
        Ok(_) => see_other(&format!(
            "/tracked-recommendations/{id}?notice=evidence-added#evidence"
        )),
        Err(e) => {
            let p = Posted {
                evidence: i,
                which: "evidence",
                ..Default::default()
            };
            again(&s, &identity, &actor, id, p, e).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Progress

#[derive(Template)]
#[template(path = "recommendations/progress.html")]
struct ProgressPage {
    l: Layout,
    id: String,
    title: String,
    chart: String,
    bars: Vec<(&'static str, i64)>,
    total: i64,
    rag: (i64, i64, i64, i64),
    today: String,
    rag_rule: [&'static str; 6],
    headings: Vec<&'static str>,
    by_addressee: Vec<safeguard_service::recommendations::ProgressRow>,
    over_time: OverTimeView,
}

/// A horizontal bar chart as SVG, with a title and a description naming every value (the same data
/// as the table beside it).
pub fn bar_chart(title: &str, bars: &[(&str, i64)]) -> String {
    let row_h = 28;
    let label_w = 250;
    let bar_w = 300;
    let height = row_h * i64::try_from(bars.len()).unwrap_or(0) + 10;
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let desc = bars
        .iter()
        .map(|(l, n)| format!("{l}: {n}"))
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sg-chart\" role=\"img\" viewBox=\"0 0 {} {height}\" \
         width=\"100%\" aria-labelledby=\"chart-title chart-desc\"><title id=\"chart-title\">{}</title>\
         <desc id=\"chart-desc\">{}</desc>",
        label_w + bar_w + 50,
        esc(title),
        esc(&desc)
    );
    for (i, (label, n)) in bars.iter().enumerate() {
        let y = i64::try_from(i).unwrap_or(0) * row_h + 5;
        let w = n * bar_w / max;
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"14\" fill=\"#0b0c0c\">{}</text>\
             <rect x=\"{}\" y=\"{}\" width=\"{w}\" height=\"{}\" fill=\"#1d70b8\"></rect>\
             <text x=\"{}\" y=\"{}\" font-size=\"14\" fill=\"#0b0c0c\">{n}</text>",
            label_w - 8,
            y + 17,
            esc(label),
            label_w,
            y + 2,
            row_h - 8,
            label_w + w + 6,
            y + 17,
        ));
    }
    out.push_str("</svg>");
    out
}

fn progress_page(identity: &Identity, p: &Progress, t: &OverTime) -> ProgressPage {
    let bars: Vec<(&'static str, i64)> = Position::ALL
        .iter()
        .zip(p.overall.counts.iter())
        .map(|(pos, n)| (pos.label(), *n))
        .collect();
    ProgressPage {
        l: Layout::new(format!("Progress: {}", p.source.title), Some(identity), NAV),
        id: p.source.source_id.to_string(),
        title: p.source.title.clone(),
        chart: bar_chart(
            &format!("Recommendations of {} by status", p.source.title),
            &bars,
        ),
        bars,
        total: p.overall.total,
        rag: (p.rag[0], p.rag[1], p.rag[2], p.rag[3]),
        today: date_text(p.today),
        rag_rule: RAG_RULE,
        headings: Position::ALL.iter().map(|x| x.label()).collect(),
        by_addressee: p.by_addressee.clone(),
        over_time: over_time_view(&p.source.title, t, p.today),
    }
}

/// `GET /recommendation-sources/{id}/progress`: progress by status and by addressee.
pub async fn progress(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    q: Result<Query<PeriodQuery>, QueryRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let (period, _) = period_of(q);
    let p = safeguard_service::recommendations::progress(&s.svc, &actor, id).await?;
    let (_, t) =
        safeguard_service::recommendations::progress_over_time(&s.svc, &actor, id, period).await?;
    html(&progress_page(&identity, &p, &t))
}

async fn export(s: &AppState, actor: &Actor, id: &str, format: ExportFormat) -> PageResult {
    let id: Uuid = parse_id(id)?;
    let e = safeguard_service::recommendations::export(&s.svc, actor, id, format).await?;
    Ok(crate::pages::activity::download(e))
}

/// `GET /recommendation-sources/{id}/progress.csv`: the recommendations with status and RAG as CSV.
pub async fn export_csv(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    export(&s, &actor, &id, ExportFormat::Csv).await
}

/// `GET /recommendation-sources/{id}/progress.xlsx`: the same as an Excel workbook, with the
/// progress by addressee on a second sheet.
pub async fn export_xlsx(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    export(&s, &actor, &id, ExportFormat::Xlsx).await
}

// ---------------------------------------------------------------------------------------------
// Progress over time, the public progress page, and edits

/// The colours of the positions in the stacked chart, in [`Position::ALL`] order (GOV.UK palette;
/// each also named in the legend and the table, so colour is never the only cue).
const POSITION_COLOURS: [&str; 7] = [
    "#b1b4b6", "#1d70b8", "#f47738", "#28a197", "#00703c", "#d4351c", "#505a5f",
];

/// `?period=month|quarter` (anything else is a month).
#[derive(Debug, Default, serde::Deserialize)]
pub struct PeriodQuery {
    /// month or quarter.
    #[serde(default)]
    pub period: Option<String>,
    /// A notice code.
    #[serde(default)]
    pub notice: Option<String>,
}

fn period_of(q: Result<Query<PeriodQuery>, QueryRejection>) -> (Period, Option<String>) {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    (
        q.period
            .as_deref()
            .and_then(Period::parse)
            .unwrap_or_default(),
        q.notice,
    )
}

/// A stacked column chart of counts over time as SVG, with a title and a description naming every
/// non-zero count at every date (the same data as the table beside it) and a legend.
pub fn stacked_chart(title: &str, dates: &[String], counts: &[Vec<i64>]) -> String {
    let (left, top, plot_h, col_w) = (40i64, 10i64, 200i64, 18i64);
    let n = i64::try_from(dates.len()).unwrap_or(0);
    let width = left + n.max(1) * col_w + 20;
    let legend_y = top + plot_h + 50;
    let height = legend_y + 22 * i64::try_from(Position::ALL.len()).unwrap_or(0) + 10;
    let max = counts
        .iter()
        .map(|c| c.iter().sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let desc = dates
        .iter()
        .zip(counts)
        .map(|(d, c)| {
            let parts: Vec<String> = Position::ALL
                .iter()
                .zip(c)
                .filter(|(_, n)| **n > 0)
                .map(|(p, n)| format!("{} {n}", p.label()))
                .collect();
            format!(
                "{d}: {}",
                if parts.is_empty() {
                    "none".to_owned()
                } else {
                    parts.join(", ")
                }
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sg-chart\" role=\"img\" viewBox=\"0 0 {width} {height}\" \
         width=\"100%\" aria-labelledby=\"over-time-title over-time-desc\"><title id=\"over-time-title\">{}</title>\
         <desc id=\"over-time-desc\">{}</desc>\
         <line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#0b0c0c\"></line>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\" fill=\"#0b0c0c\">{max}</text>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\" fill=\"#0b0c0c\">0</text>",
        esc(title),
        esc(&desc),
        top + plot_h,
        width - 10,
        top + plot_h,
        left - 4,
        top + 10,
        left - 4,
        top + plot_h,
    );
    let every = (n / 12).max(1);
    for (i, (d, c)) in dates.iter().zip(counts).enumerate() {
        let i = i64::try_from(i).unwrap_or(0);
        let x = left + i * col_w + 2;
        let mut y = top + plot_h;
        for (j, v) in c.iter().enumerate() {
            let h = v * plot_h / max;
            if h > 0 {
                y -= h;
                out.push_str(&format!(
                    "<rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{h}\" fill=\"{}\"></rect>",
                    col_w - 4,
                    POSITION_COLOURS[j % POSITION_COLOURS.len()]
                ));
            }
        }
        if i % every == 0 || i == n - 1 {
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#0b0c0c\" transform=\"rotate(45 {} {})\">{}</text>",
                x + 4,
                top + plot_h + 14,
                x + 4,
                top + plot_h + 14,
                esc(d)
            ));
        }
    }
    for (j, p) in Position::ALL.iter().enumerate() {
        let y = legend_y + 22 * i64::try_from(j).unwrap_or(0);
        out.push_str(&format!(
            "<rect x=\"{left}\" y=\"{y}\" width=\"14\" height=\"14\" fill=\"{}\"></rect>\
             <text x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"#0b0c0c\">{}</text>",
            POSITION_COLOURS[j],
            left + 20,
            y + 12,
            esc(p.label())
        ));
    }
    out.push_str("</svg>");
    out
}

/// A row of the progress-over-time table: the date and the counts with their total.
struct OverTimeLine {
    date: String,
    counts: Vec<i64>,
    total: i64,
}

/// The progress-over-time section as the pages show it.
struct OverTimeView {
    chart: String,
    rows: Vec<OverTimeLine>,
    period: &'static str,
    quarterly: bool,
}

fn over_time_view(title: &str, t: &OverTime, today: NaiveDate) -> OverTimeView {
    let dates: Vec<String> = t
        .ends
        .iter()
        .map(|d| {
            if *d == today {
                format!("{} (today)", date_text(*d))
            } else {
                date_text(*d)
            }
        })
        .collect();
    OverTimeView {
        chart: stacked_chart(
            &format!(
                "Recommendations of {title} by status at the end of each {}",
                t.period.slug()
            ),
            &dates,
            &t.counts,
        ),
        rows: dates
            .into_iter()
            .zip(&t.counts)
            .map(|(date, c)| OverTimeLine {
                date,
                total: c.iter().sum(),
                counts: c.clone(),
            })
            .collect(),
        period: t.period.slug(),
        quarterly: t.period == Period::Quarter,
    }
}

/// `GET /recommendation-sources/{id}/progress-over-time.csv`: progress over time as CSV.
pub async fn over_time_csv(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    q: Result<Query<PeriodQuery>, QueryRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let (period, _) = period_of(q);
    let e = safeguard_service::recommendations::export_over_time(
        &s.svc,
        &actor,
        id,
        period,
        ExportFormat::Csv,
    )
    .await?;
    Ok(crate::pages::activity::download(e))
}

/// `GET /recommendation-sources/{id}/progress-over-time.xlsx`: progress over time as a workbook.
pub async fn over_time_xlsx(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    q: Result<Query<PeriodQuery>, QueryRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let (period, _) = period_of(q);
    let e = safeguard_service::recommendations::export_over_time(
        &s.svc,
        &actor,
        id,
        period,
        ExportFormat::Xlsx,
    )
    .await?;
    Ok(crate::pages::activity::download(e))
}

/// `POST /recommendation-sources/{id}/public-progress`: publishes the source's progress on the
/// public progress page, or withdraws it.
pub async fn set_public_progress(
    State(s): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<PublishInput>, FormRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let i = read_form(form)?;
    match safeguard_service::recommendations::set_public_progress(&s.svc, &actor, id, &i).await {
        Ok(true) => see_other(&format!(
            "/recommendation-sources/{id}?notice=progress-published"
        )),
        Ok(false) => see_other(&format!(
            "/recommendation-sources/{id}?notice=progress-withdrawn"
        )),
        Err(ServiceError::Conflict(_)) => see_other(&format!(
            "/recommendation-sources/{id}?notice=progress-conflict"
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "recommendations/public_progress.html")]
struct PublicPage {
    l: Layout,
    partnership: String,
    title: String,
    date: String,
    publisher: String,
    rows: Vec<(i32, String, String, &'static str, &'static str)>,
    chart: String,
    bars: Vec<(&'static str, i64)>,
    total: i64,
    headings: Vec<&'static str>,
    over_time: OverTimeView,
    today: String,
}

#[derive(Template)]
#[template(path = "recommendations/public_missing.html")]
struct PublicMissingPage {
    l: Layout,
}

/// `GET /public/{slug}/recommendation-progress/{id}`: a source's published progress, for anyone.
/// 404 (a page saying so) unless the partnership has published it.
pub async fn public_progress(
    State(s): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    q: Result<Query<PeriodQuery>, QueryRejection>,
) -> PageResult {
    let (period, _) = period_of(q);
    let missing = || {
        html_status(
            StatusCode::NOT_FOUND,
            &PublicMissingPage {
                l: Layout::new("Page not found", None, ""),
            },
        )
    };
    let Ok(id) = id.parse::<Uuid>() else {
        return missing();
    };
    let p = match safeguard_service::recommendations::public_progress(&s.svc, &slug, id, period)
        .await
    {
        Ok(p) => p,
        Err(ServiceError::NotFound) => return missing(),
        Err(e) => return Err(e.into()),
    };
    let bars: Vec<(&'static str, i64)> = Position::ALL
        .iter()
        .zip(p.overall.counts.iter())
        .map(|(pos, n)| (pos.label(), *n))
        .collect();
    html(&PublicPage {
        l: Layout::new(format!("Progress: {}", p.title), None, ""),
        partnership: p.partnership.clone(),
        chart: bar_chart(&format!("Recommendations of {} by status", p.title), &bars),
        bars,
        total: p.overall.total,
        headings: Position::ALL.iter().map(|x| x.label()).collect(),
        over_time: over_time_view(&p.title, &p.over_time, p.today),
        rows: p
            .recommendations
            .iter()
            .map(|r| {
                (
                    r.number,
                    r.title.clone(),
                    r.addressees.join(", "),
                    if r.accepted {
                        r.status.label()
                    } else {
                        "Not accepted"
                    },
                    r.verified.map_or("Not yet verified", |v| v.label()),
                )
            })
            .collect(),
        title: p.title,
        date: date_text(p.published_on),
        publisher: p.publisher,
        today: date_text(p.today),
    })
}

fn hidden_version(v: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"version\" value=\"{}\">",
        esc(v)
    )
}

/// A source's edit form: raw input and version.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SourceEditForm {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Date.
    #[serde(default)]
    pub published_on: String,
    /// Publisher.
    #[serde(default)]
    pub publisher: String,
    /// Link.
    #[serde(default)]
    pub link: String,
    /// Document.
    #[serde(default)]
    pub file_id: String,
    /// Version read.
    #[serde(default)]
    pub version: String,
}

async fn edit_source_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    i: &SourceEditForm,
    e: &ValidationErrors,
) -> Result<FormPage, AppError> {
    let v = safeguard_service::recommendations::source(&s.svc, actor, id).await?;
    let c = safeguard_service::recommendations::choices(&s.svc, actor).await?;
    let mut files = vec![SelectItem::new("", "No document")];
    files.extend(
        c.files
            .iter()
            .map(|(id, name)| SelectItem::new(id.to_string(), name.clone())),
    );
    let version = if i.version.is_empty() || e.get("version").is_some() {
        v.source.version.to_string()
    } else {
        i.version.clone()
    };
    let fields = vec![
        hidden_version(&version),
        r(TextInput::new("title", "Title")
            .value(i.title.clone())
            .error_opt(e.get("title"))),
        r(TextInput::new("published_on", "Date of the report")
            .hint("Year-month-day, for example 2022-07-12")
            .value(i.published_on.clone())
            .autocomplete("off")
            .error_opt(e.get("published_on"))),
        r(TextInput::new("publisher", "Published by")
            .value(i.publisher.clone())
            .error_opt(e.get("publisher"))),
        r(
            TextInput::new("link", "Web address of the report (optional)")
                .hint("Starting https://")
                .value(i.link.clone())
                .error_opt(e.get("link")),
        ),
        r(
            Select::new("file_id", "The report in Documents (optional)", files)
                .value(i.file_id.clone())
                .error_opt(e.get("file_id")),
        ),
    ];
    let mut intro = vec![format!(
        "Kind: {}. The kind{} cannot be changed: add a new source instead.",
        kind_label(&v.source.kind),
        if v.review.is_some() {
            " and the practice review"
        } else {
            ""
        }
    )];
    if let Some(m) = e.get("version") {
        intro.insert(0, m.to_owned());
    }
    Ok(FormPage {
        l: Layout::new("Change a source", Some(identity), NAV).with_errors(e),
        csrf: identity.csrf_token.clone(),
        back: format!("/recommendation-sources/{id}"),
        caption: v.source.title.clone(),
        heading: "Change the source".into(),
        intro,
        action: format!("/recommendation-sources/{id}/edit"),
        fields,
        button: Button::new("Save changes").prevent_double_click(),
    })
}

/// `GET /recommendation-sources/{id}/edit`: the change-a-source form.
pub async fn edit_source_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    actor.require(safeguard_domain::policy::Permission::ManageRecommendations)?;
    let v = safeguard_service::recommendations::source(&s.svc, &actor, id).await?;
    let i = SourceEditForm {
        title: v.source.title.clone(),
        published_on: v.source.published_on.to_string(),
        publisher: v.source.publisher.clone(),
        link: v.source.link.clone(),
        file_id: v.source.file_id.map(|f| f.to_string()).unwrap_or_default(),
        version: v.source.version.to_string(),
    };
    let e = ValidationErrors::new();
    respond(
        &edit_source_page(&s, &identity, &actor, id, &i, &e).await?,
        &e,
    )
}

/// `POST /recommendation-sources/{id}/edit`: saves a source against the version read (409 with the
/// person's text kept when someone else saved first).
pub async fn update_source(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<SourceEditForm>, FormRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let i = read_form(form)?;
    let input = SourceInput {
        title: i.title.clone(),
        published_on: i.published_on.clone(),
        publisher: i.publisher.clone(),
        link: i.link.clone(),
        file_id: i.file_id.clone(),
        ..Default::default()
    };
    match safeguard_service::recommendations::update_source(&s.svc, &actor, id, &input, &i.version)
        .await
    {
        Ok(()) => see_other(&format!("/recommendation-sources/{id}?notice=source-saved")),
        Err(ServiceError::Invalid(e)) => respond(
            &edit_source_page(&s, &identity, &actor, id, &i, &e).await?,
            &e,
        ),
        Err(ServiceError::Conflict(m)) => {
            let e = ValidationErrors::single("version", m);
            html_status(
                StatusCode::CONFLICT,
                &edit_source_page(&s, &identity, &actor, id, &i, &e).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_rec_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    i: &RecommendationInput,
    version: &str,
    e: &ValidationErrors,
) -> Result<FormPage, AppError> {
    let d = safeguard_service::recommendations::recommendation(&s.svc, actor, id).await?;
    let mut page = rec_form(s, identity, actor, d.source.source_id, i, e).await?;
    let version = if version.is_empty() || e.get("version").is_some() {
        d.view.row.version.to_string()
    } else {
        version.to_owned()
    };
    page.fields.insert(0, hidden_version(&version));
    page.l = Layout::new("Change a recommendation", Some(identity), NAV).with_errors(e);
    page.back = format!("/tracked-recommendations/{id}");
    page.heading = format!("Change recommendation {}", d.view.row.number);
    page.intro =
        vec!["Its self-assessed status, verification and history stay as they are.".to_owned()];
    if let Some(m) = e.get("version") {
        page.intro.insert(0, m.to_owned());
    }
    page.action = format!("/tracked-recommendations/{id}/edit");
    page.button = Button::new("Save changes").prevent_double_click();
    Ok(page)
}

/// `GET /tracked-recommendations/{id}/edit`: the change-a-recommendation form.
pub async fn edit_recommendation_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    actor.require(safeguard_domain::policy::Permission::ManageRecommendations)?;
    let d = safeguard_service::recommendations::recommendation(&s.svc, &actor, id).await?;
    let row = &d.view.row;
    let i = RecommendationInput {
        number: row.number.to_string(),
        title: row.title.clone(),
        body: row.body.clone(),
        review_recommendation_id: row
            .review_recommendation_id
            .map(|x| x.to_string())
            .unwrap_or_default(),
        addressees: d
            .view
            .addressees
            .iter()
            .map(|a| a.organisation_id.to_string())
            .collect(),
        accepted: if row.accepted { "yes" } else { "no" }.to_owned(),
        not_accepted_reason: row.not_accepted_reason.clone(),
        lead_person_id: row
            .lead_person_id
            .map(|x| x.to_string())
            .unwrap_or_default(),
        target_date: row.target_date.map(|x| x.to_string()).unwrap_or_default(),
    };
    let e = ValidationErrors::new();
    respond(
        &edit_rec_page(&s, &identity, &actor, id, &i, &row.version.to_string(), &e).await?,
        &e,
    )
}

/// `POST /tracked-recommendations/{id}/edit`: saves a recommendation against the version read.
pub async fn update_recommendation(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<Pairs>, FormRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let pairs = read_form(form)?;
    let i = rec_input(&pairs);
    let version = first(&pairs, "version");
    match safeguard_service::recommendations::update_recommendation(
        &s.svc, &actor, id, &i, &version,
    )
    .await
    {
        Ok(()) => see_other(&format!(
            "/tracked-recommendations/{id}?notice=tracked-recommendation-saved"
        )),
        Err(ServiceError::Invalid(e)) => respond(
            &edit_rec_page(&s, &identity, &actor, id, &i, &version, &e).await?,
            &e,
        ),
        Err(ServiceError::Conflict(m)) => {
            let e = ValidationErrors::single("version", m);
            html_status(
                StatusCode::CONFLICT,
                &edit_rec_page(&s, &identity, &actor, id, &i, &version, &e).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// The evidence form's upload field (the file store's usual input).
fn upload_input(error: Option<&str>) -> String {
    format!(
        "<div class=\"govuk-form-group{}\"><label class=\"govuk-label\" for=\"file\">Or upload a document</label>\
         <div id=\"file-hint\" class=\"govuk-hint\">A PDF, Word, Excel, PowerPoint, CSV or image file; it is added to Documents</div>{}\
         <input class=\"govuk-file-upload{}\" id=\"file\" name=\"file\" type=\"file\" aria-describedby=\"file-hint{}\" \
         accept=\".pdf,.docx,.xlsx,.pptx,.csv,.png,.jpg,.jpeg,.gif\"></div>",
        if error.is_some() { " govuk-form-group--error" } else { "" },
        error.map_or_else(String::new, |m| format!(
            "<p id=\"file-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> {}</p>",
            esc(m)
        )),
        if error.is_some() { " govuk-file-upload--error" } else { "" },
        if error.is_some() { " file-error" } else { "" },
    )
}

/// The evidence fields of an action's page: a label, a document picked or uploaded, or a link.
pub(crate) fn action_evidence_fields(
    files: &[(Uuid, String)],
    i: &EvidenceInput,
    e: &ValidationErrors,
) -> Vec<String> {
    let mut items = vec![SelectItem::new("", "No document")];
    items.extend(
        files
            .iter()
            .map(|(id, name)| SelectItem::new(id.to_string(), name.clone())),
    );
    vec![
        r(TextInput::new("label", "What it is")
            .id("evidence-label")
            .value(i.label.clone())
            .error_opt(e.get("label"))),
        r(Select::new("file_id", "A document in Documents", items)
            .value(i.file_id.clone())
            .error_opt(e.get("file_id"))),
        upload_input(e.get("file")),
        r(TextInput::new("url", "Or a web address")
            .hint("Starting https://")
            .value(i.url.clone())
            .error_opt(e.get("url"))),
    ]
}
