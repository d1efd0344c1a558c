//! Lived-experience consultants on the recommendations tracker: the consultants' own pages (the
//! recommendations they are invited to, one of them with their comments and the answers, and the
//! comment form), and on a recommendation's page the owners' section (comments and the answer form)
//! and the administrators' invitations. The access rules are in
//! `safeguard_service::recommendation_comments`.

use crate::error::AppError;
use crate::layout::Layout;
use crate::pages::{PageResult, esc, html, html_status, parse_id, see_other};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use safeguard_domain::ValidationErrors;
use safeguard_domain::actions::uk_local;
use safeguard_domain::recommendation_comments::{
    ANONYMOUS_AUTHOR, AnswerInput, CommentInput, InviteInput,
};
use safeguard_service::auth::Identity;
use safeguard_service::recommendation_comments::{self as svc, Thread, invited_title};
use safeguard_service::{Actor, ServiceError};
use safeguard_ui::components::{
    Choice, Radios, Select, SelectItem, SummaryList, SummaryRow, Table, TableCell, Textarea,
};
use uuid::Uuid;

const NAV: &str = "/invited-recommendations";

fn r<T: Template>(t: T) -> String {
    t.render().unwrap_or_default()
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

fn read_form<T>(form: Result<Form<T>, FormRejection>) -> Result<T, AppError> {
    form.map(|Form(p)| p)
        .map_err(|_| AppError::BadRequest("The form could not be read."))
}

/// A comment as shown: author, when, paragraphs, answers (author, when, text).
struct ThreadLine {
    author: String,
    when: String,
    paragraphs: Vec<String>,
    answers: Vec<(String, String, String)>,
}

fn lines(threads: &[Thread], own: bool) -> Vec<ThreadLine> {
    threads
        .iter()
        .map(|t| ThreadLine {
            author: if own {
                if t.anonymous {
                    format!("You (shown to others as {ANONYMOUS_AUTHOR})")
                } else {
                    "You (with your name)".to_owned()
                }
            } else {
                t.author.clone()
            },
            when: time_text(t.at),
            paragraphs: paragraphs(&t.body),
            answers: t
                .answers
                .iter()
                .map(|a| (a.author.clone(), time_text(a.at), a.body.clone()))
                .collect(),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The owners' and administrators' section of a recommendation's page

/// The values and errors of the section's forms when one is shown again.
#[derive(Debug, Default)]
pub struct OwnerPosted {
    /// "invite", "revoke" or "answer" (empty: none).
    pub which: &'static str,
    /// The invitation typed.
    pub invite: InviteInput,
    /// The answer typed.
    pub answer: AnswerInput,
    /// Its errors.
    pub errors: ValidationErrors,
}

#[derive(Template)]
#[template(path = "recommendations/consult_section.html")]
struct Section {
    id: String,
    csrf: String,
    can_answer: bool,
    can_invite: bool,
    threads: Vec<ThreadLine>,
    answer_form: Option<Vec<String>>,
    answer_open: bool,
    invitations: Vec<(String, String, String)>,
    invite_field: Option<String>,
    revoke_field: Option<String>,
}

/// The section of a recommendation's page about consultants: comments and the answer form for its
/// owners, invitations for administrators; empty for others.
pub async fn owner_section(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    p: &OwnerPosted,
) -> Result<String, AppError> {
    let v = svc::owner_view(&s.svc, actor, id).await?;
    if !v.can_answer && !v.can_invite {
        return Ok(String::new());
    }
    let err = |which: &str, f: &str| {
        if p.which == which {
            p.errors.get(f).map(str::to_owned)
        } else {
            None
        }
    };
    let answer_form = (v.can_answer && !v.threads.is_empty()).then(|| {
        let mut items = vec![SelectItem::new("", "Choose a comment")];
        items.extend(v.threads.iter().enumerate().map(|(n, t)| {
            let mut preview: String = t.body.chars().take(60).collect();
            if t.body.chars().count() > 60 {
                preview.push('…');
            }
            SelectItem::new(
                t.comment_id.to_string(),
                format!("{}. {}: {preview}", n + 1, t.author),
            )
        }));
        vec![
            r(Select::new("comment_id", "Comment", items)
                .value(p.answer.comment_id.clone())
                .error_opt(err("answer", "comment_id"))),
            r(Textarea::new("answer", "Your answer")
                .rows(4)
                .value(p.answer.answer.clone())
                .error_opt(err("answer", "answer"))),
        ]
    });
    let live: Vec<_> = v
        .invitations
        .iter()
        .filter(|i| i.revoked_at.is_none())
        .collect();
    let mut invite_items = vec![SelectItem::new("", "Choose a consultant")];
    let candidates: Vec<_> = v
        .consultants
        .iter()
        .filter(|c| !live.iter().any(|l| l.person_id == c.person_id))
        .collect();
    invite_items.extend(
        candidates
            .iter()
            .map(|c| SelectItem::new(c.person_id.to_string(), format!("{} ({})", c.name, c.email))),
    );
    let mut revoke_items = vec![SelectItem::new("", "Choose a consultant")];
    revoke_items
        .extend(live.iter().map(|c| {
            SelectItem::new(c.person_id.to_string(), format!("{} ({})", c.name, c.email))
        }));
    let section = Section {
        id: id.to_string(),
        csrf: identity.csrf_token.clone(),
        can_answer: v.can_answer,
        can_invite: v.can_invite,
        threads: lines(&v.threads, false),
        answer_form,
        answer_open: p.which == "answer",
        invitations: v
            .invitations
            .iter()
            .map(|i| {
                (
                    format!("{} ({})", i.name, i.email),
                    i.invited_at.format("%-d %B %Y").to_string(),
                    i.revoked_at
                        .map_or_else(String::new, |d| d.format("%-d %B %Y").to_string()),
                )
            })
            .collect(),
        invite_field: (!candidates.is_empty()).then(|| {
            r(
                Select::new("person_id", "Invite a consultant", invite_items)
                    .value(p.invite.person_id.clone())
                    .error_opt(err("invite", "person_id")),
            )
        }),
        revoke_field: (!live.is_empty()).then(|| {
            r(
                Select::new("revoke_person_id", "Revoke the invitation of", revoke_items)
                    .error_opt(err("revoke", "revoke_person_id")),
            )
        }),
    };
    Ok(r(section))
}

async fn owner_result(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    p: OwnerPosted,
    result: Result<(), ServiceError>,
    (notice, anchor): (&str, &str),
) -> PageResult {
    match result {
        Ok(()) => see_other(&format!(
            "/tracked-recommendations/{id}?notice={notice}#{anchor}"
        )),
        Err(ServiceError::Invalid(e)) => {
            let p = OwnerPosted { errors: e, ..p };
            crate::pages::recommendations::show_with_consult(s, identity, actor, id, p).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /tracked-recommendations/{id}/consultants`: invites a consultant (audited).
pub async fn invite(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<InviteInput>, FormRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let i = read_form(form)?;
    let result = svc::invite(&s.svc, &actor, id, &i).await;
    let p = OwnerPosted {
        which: "invite",
        invite: i,
        ..Default::default()
    };
    owner_result(
        &s,
        &identity,
        &actor,
        id,
        p,
        result,
        ("consultant-invited", "consultants"),
    )
    .await
}

/// The revoke form's field.
#[derive(Debug, Default, serde::Deserialize)]
pub struct RevokeForm {
    /// The consultant.
    #[serde(default)]
    pub revoke_person_id: String,
}

/// `POST /tracked-recommendations/{id}/consultants/revoke`: revokes an invitation (audited).
pub async fn revoke(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<RevokeForm>, FormRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let f = read_form(form)?;
    let i = InviteInput {
        person_id: f.revoke_person_id,
    };
    let result = svc::revoke(&s.svc, &actor, id, &i).await;
    let p = OwnerPosted {
        which: "revoke",
        ..Default::default()
    };
    owner_result(
        &s,
        &identity,
        &actor,
        id,
        p,
        result,
        ("consultant-revoked", "consultants"),
    )
    .await
}

/// `POST /tracked-recommendations/{id}/answers`: an owner answers a comment.
pub async fn answer(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<AnswerInput>, FormRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let i = read_form(form)?;
    let result = svc::answer(&s.svc, &actor, id, &i).await.map(|_| ());
    let p = OwnerPosted {
        which: "answer",
        answer: i,
        ..Default::default()
    };
    owner_result(
        &s,
        &identity,
        &actor,
        id,
        p,
        result,
        ("comment-answered", "comments"),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Consultants

#[derive(Template)]
#[template(path = "recommendations/invited_list.html")]
struct ListPage {
    l: Layout,
    table: Table,
    count: usize,
}

/// `GET /invited-recommendations`: the recommendations the caller is invited to (audited).
pub async fn list(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    let rows = svc::invited_list(&s.svc, &actor).await?;
    let mut table = Table::new()
        .caption(format!(
            "{} {} to comment on",
            rows.len(),
            if rows.len() == 1 {
                "recommendation"
            } else {
                "recommendations"
            }
        ))
        .head(["Recommendation", "From"]);
    for x in &rows {
        table = table.row([
            TableCell::html(format!(
                "<a class=\"govuk-link\" href=\"/invited-recommendations/{}\">{}. {}</a>",
                x.recommendation_id,
                x.number,
                esc(&invited_title(x))
            )),
            TableCell::new(x.source_title.clone()),
        ]);
    }
    html(&ListPage {
        l: Layout::new(
            "Recommendations you are invited to comment on",
            Some(&identity),
            NAV,
        ),
        count: rows.len(),
        table,
    })
}

#[derive(Template)]
#[template(path = "recommendations/invited_show.html")]
struct ShowPage {
    l: Layout,
    csrf: String,
    id: String,
    source_title: String,
    number: i32,
    title: String,
    by_reference: bool,
    paragraphs: Vec<String>,
    summary: SummaryList,
    threads: Vec<ThreadLine>,
    fields: Vec<String>,
}

async fn show_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    input: &CommentInput,
    errors: &ValidationErrors,
    notice: Option<&'static str>,
) -> Result<ShowPage, AppError> {
    let v = svc::invited_get(&s.svc, actor, id).await?;
    let summary = SummaryList::new(vec![
        SummaryRow::new("From", v.row.source_title.clone()),
        SummaryRow::new("Addressed to", v.addressees.join(", ")),
        SummaryRow::new(
            "Self-assessed status",
            v.status.map_or("Unknown", |x| x.label()),
        ),
        SummaryRow::new(
            "Independent verification",
            v.verified.map_or("Not yet verified", |x| x.label()),
        ),
    ]);
    let fields = vec![
        r(Textarea::new("body", "Your comment")
            .rows(6)
            .hint(format!(
                "Up to {} characters.",
                safeguard_domain::recommendation_comments::MAX_TEXT
            ))
            .value(input.body.clone())
            .error_opt(errors.get("body"))),
        r(Radios::new("identity", "How should your comment be shown?")
            .hint(format!(
                "If you choose anonymous, everyone (administrators included) sees \"{ANONYMOUS_AUTHOR}\" \
                 instead of your name. Your account is still recorded with the comment, so that the \
                 partnership can answer you and stay accountable for what it holds."
            ))
            .items([
                Choice::new("named", "With my name"),
                Choice::new("anonymous", "Anonymously"),
            ])
            .value(input.identity.clone())
            .error_opt(errors.get("identity"))),
    ];
    let mut l = Layout::new(
        format!("Recommendation {}: {}", v.row.number, v.title()),
        Some(identity),
        NAV,
    )
    .with_notice(notice);
    if !errors.is_empty() {
        l = l.with_errors(errors);
    }
    Ok(ShowPage {
        l,
        csrf: identity.csrf_token.clone(),
        id: id.to_string(),
        source_title: v.row.source_title.clone(),
        number: v.row.number,
        title: v.title(),
        by_reference: v.row.by_reference,
        paragraphs: if v.row.by_reference {
            Vec::new()
        } else {
            paragraphs(&v.row.body)
        },
        summary,
        threads: lines(&v.threads, true),
        fields,
    })
}

/// Notice query.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ShowQuery {
    /// The code.
    pub notice: Option<String>,
}

/// `GET /invited-recommendations/{id}`: one recommendation the caller is invited to (audited); 404
/// unless invited and not revoked.
pub async fn show(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    q: Result<axum::extract::Query<ShowQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let notice = q
        .ok()
        .and_then(|axum::extract::Query(q)| q.notice)
        .filter(|n| n == "comment-sent")
        .map(
            |_| "Comment sent. The recommendation's owners have been told there is a new comment.",
        );
    html(
        &show_page(
            &s,
            &identity,
            &actor,
            id,
            &CommentInput::default(),
            &ValidationErrors::new(),
            notice,
        )
        .await?,
    )
}

/// `POST /invited-recommendations/{id}/comments`: the consultant comments (named or anonymous).
pub async fn comment(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<CommentInput>, FormRejection>,
) -> PageResult {
    let id: Uuid = parse_id(&id)?;
    let i = read_form(form)?;
    match svc::comment(&s.svc, &actor, id, &i).await {
        Ok(_) => see_other(&format!(
            "/invited-recommendations/{id}?notice=comment-sent#your-comments"
        )),
        Err(ServiceError::Invalid(e)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &show_page(&s, &identity, &actor, id, &i, &e, None).await?,
        ),
        Err(e) => Err(e.into()),
    }
}
