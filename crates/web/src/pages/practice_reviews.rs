//! Child safeguarding practice reviews: the list, commissioning (from a rapid review that decided on a
//! local CSPR, or not), a review's page with the timeline of its stages and its clocks, and the forms
//! for the details, stages (publication or not), reviewers, reg. 14 checks, engagement, drafts (with a
//! document), extensions and sharing with lived-experience consultants; and the consultants' own
//! "Reviews shared with you" pages.

use crate::error::AppError;
use crate::layout::Layout;
use crate::pages::case_reviews::state_tag;
use crate::pages::{
    NoticeQuery, PageResult, date_input, esc, html, html_status, parse_id, radios, see_other,
};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::body::{Body, to_bytes};
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use chrono::NaiveDate;
use safeguard_domain::ValidationErrors;
use safeguard_domain::case_reviews::ReviewDecision;
use safeguard_domain::policy::Permission;
use safeguard_domain::practice_reviews::{
    CheckInput, CheckKind, DetailsInput, DraftInput, EndReviewerInput, EngagementInput,
    EngagementWith, ReviewInput, ReviewKind, ReviewerInput, ReviewerRole, Stage, StageInput,
};
use safeguard_service::auth::Identity;
use safeguard_service::case_reviews::{DeadlineView, ExtensionInput};
use safeguard_service::practice_reviews::{
    self as svc, AnswerInput, DraftDocument, ReviewSummary, ReviewView, ShareInput,
};
use safeguard_service::{Actor, ServiceError};
use safeguard_ui::components::{
    Button, Checkboxes, Choice, Content, Select, SelectItem, SummaryList, SummaryRow, Table,
    TableCell, Tag, TagColour, TextInput, Textarea,
};
use uuid::Uuid;

/// The notices of this module's redirects (`?notice=code`), so no free text is reflected.
fn notice(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "review-commissioned" => "Practice review commissioned. Its 6-month clock has started.",
        "review-saved" => "Details saved.",
        "stage-recorded" => "Stage recorded. The deadlines have been worked out again.",
        "reviewer-appointed" => "Reviewer appointed.",
        "reviewer-ended" => "Appointment ended.",
        "check-recorded" => "Check recorded.",
        "answer-recorded" => "Answer recorded.",
        "engagement-recorded" => "Engagement recorded.",
        "draft-recorded" => "Draft recorded.",
        "deadline-extended" => "Deadline extended.",
        "shared" => "Review shared. The consultant can now see it under Reviews shared with you.",
        "share-revoked" => "Share revoked. The consultant can no longer see the review.",
        _ => return None,
    })
}

fn date_text(d: Option<NaiveDate>) -> String {
    d.map_or_else(
        || "Not yet".to_owned(),
        |d| d.format("%-d %B %Y").to_string(),
    )
}

fn r<T: Template>(t: T) -> String {
    t.render().unwrap_or_default()
}

/// Working days left on a clock, as people say it.
pub fn remaining_text(d: &DeadlineView) -> String {
    match d.working_days_remaining {
        None => format!("Met on {}", date_text(d.met_on)),
        Some(0) => "Due today".to_owned(),
        Some(1) => "1 working day".to_owned(),
        Some(n) if n > 0 => format!("{n} working days"),
        Some(-1) => "1 working day overdue".to_owned(),
        Some(n) => format!("{} working days overdue", -n),
    }
}

/// The due date in force of a clock.
pub fn due_text(d: &DeadlineView) -> String {
    match d.extended_to {
        Some(x) => format!(
            "{} (extended from {})",
            date_text(Some(x)),
            date_text(Some(d.due_on))
        ),
        None => date_text(Some(d.due_on)),
    }
}

/// The stage tag of a review.
pub fn stage_tag(stage: Stage) -> String {
    let colour = match stage {
        Stage::Closed => TagColour::Grey,
        Stage::Published | Stage::NotPublished | Stage::ActionPlan => TagColour::Green,
        Stage::FinalApproved | Stage::NoticeSent => TagColour::Turquoise,
        _ => TagColour::Blue,
    };
    Tag::new(stage.label())
        .colour(colour)
        .render()
        .unwrap_or_default()
}

/// A link to a review.
pub fn review_link(s: &ReviewSummary) -> TableCell {
    TableCell::html(format!(
        "<a class=\"govuk-link\" href=\"/practice-reviews/{}\">{}</a><br><span class=\"govuk-body-s\">{}</span>",
        s.review.review_id,
        esc(&s.review.reference),
        esc(&s.review.title)
    ))
}

/// The table of practice reviews with their stage and their soonest open clock (the list and the
/// panel dashboard).
pub fn reviews_table(caption: String, rows: &[ReviewSummary]) -> Table {
    let mut table = Table::new().caption(caption).head([
        "Review",
        "Stage",
        "Deadline",
        "Due",
        "Working days left",
        "State",
    ]);
    for s in rows {
        let next = s.open_deadlines.first();
        table = table.row([
            review_link(s),
            TableCell::html(stage_tag(s.stage)),
            TableCell::new(next.map_or("None open", |x| x.rule.label())),
            TableCell::new(next.map(due_text).unwrap_or_default()),
            TableCell::new(next.map(remaining_text).unwrap_or_default()),
            TableCell::html(next.map(state_tag).unwrap_or_default()),
        ]);
    }
    table
}

#[derive(Template)]
#[template(path = "practice_reviews/list.html")]
struct ListPage {
    l: Layout,
    table: Table,
    count: usize,
    can_manage: bool,
}

/// `GET /practice-reviews`: every review (audited).
pub async fn list(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let (rows, _) = svc::list(&s.svc, &actor).await?;
    let n = rows.len();
    html(&ListPage {
        l: Layout::new("Practice reviews", Some(&identity), "/case-reviews")
            .with_notice(notice(q.notice.as_deref())),
        table: reviews_table(
            format!("{n} practice {}", if n == 1 { "review" } else { "reviews" }),
            &rows,
        ),
        count: n,
        can_manage: actor.can(Permission::ManageCaseReviews),
    })
}

/// One generic form page.
#[derive(Template)]
#[template(path = "practice_reviews/form.html")]
struct FormPage {
    l: Layout,
    csrf: String,
    back: String,
    caption: String,
    heading: String,
    intro: Vec<String>,
    action: String,
    multipart: bool,
    fields: Vec<String>,
    button: Button,
}

/// What a form page shows besides its fields.
struct Spec<'a> {
    title: &'a str,
    caption: &'a str,
    back: String,
    action: String,
    intro: Vec<String>,
    button: &'a str,
}

fn form_page(
    identity: &Identity,
    spec: Spec<'_>,
    fields: Vec<String>,
    e: &ValidationErrors,
) -> FormPage {
    FormPage {
        l: Layout::new(spec.title, Some(identity), "/case-reviews").with_errors(e),
        csrf: identity.csrf_token.clone(),
        back: spec.back,
        caption: spec.caption.to_owned(),
        heading: spec.title.to_owned(),
        intro: spec.intro,
        action: spec.action,
        multipart: false,
        fields,
        button: Button::new(spec.button).prevent_double_click(),
    }
}

fn respond(page: &FormPage, status: StatusCode) -> PageResult {
    if status == StatusCode::OK {
        html(page)
    } else {
        html_status(status, page)
    }
}

fn area(name: &str, label: &str, value: &str, e: &ValidationErrors) -> String {
    r(Textarea::new(name, label)
        .value(value.to_owned())
        .error_opt(e.get(name)))
}

fn text(name: &str, label: &str, value: &str, e: &ValidationErrors) -> String {
    r(TextInput::new(name, label)
        .value(value.to_owned())
        .error_opt(e.get(name)))
}

fn form_err(_: axum::extract::rejection::FormRejection) -> AppError {
    AppError::BadRequest("The form could not be read.")
}

/// The end of a form POST on a review: back to it with a notice, or the form again with its errors
/// (422; 409 for a stale edit).
fn finish<T>(
    result: Result<T, ServiceError>,
    id: Uuid,
    code: &str,
    page: impl FnOnce(&ValidationErrors) -> FormPage,
) -> PageResult {
    match result {
        Ok(_) => see_other(&format!("/practice-reviews/{id}?notice={code}")),
        Err(ServiceError::Invalid(e)) => respond(&page(&e), StatusCode::UNPROCESSABLE_ENTITY),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Commissioning

async fn new_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    i: &ReviewInput,
    e: &ValidationErrors,
) -> Result<FormPage, AppError> {
    let choices = svc::notification_choices(&s.svc, actor).await?;
    let items: Vec<Choice> = choices
        .iter()
        .map(|c| {
            let n = &c.notification;
            let decision = c.decision.map_or("no decision yet", |d| match d {
                ReviewDecision::LocalCspr => "rapid review decided on a local CSPR",
                ReviewDecision::NoCspr => "no CSPR",
                ReviewDecision::NationalReview => "national review",
            });
            Choice::new(
                n.notification_id.to_string(),
                format!(
                    "{} (aware {}; {decision})",
                    n.reference,
                    n.aware_on.format("%-d %B %Y")
                ),
            )
        })
        .collect();
    let mut fields = vec![
        radios(
            "kind",
            "Kind of review",
            ReviewKind::ALL.iter().map(|k| (k.slug(), k.label())),
            &i.kind,
            e,
        ),
        r(TextInput::new("reference", "Reference")
            .hint("For example, CSPR 2023-01 or TR 2023-01")
            .value(i.reference.clone())
            .error_opt(e.get("reference"))),
        r(TextInput::new("title", "Title")
            .hint("Without names: for example, Child L, or Neglect: two families")
            .value(i.title.clone())
            .error_opt(e.get("title"))),
        r(Textarea::new("summary", "Summary")
            .hint("What the review is about. Do not use names")
            .value(i.summary.clone())
            .error_opt(e.get("summary"))),
        date_input(
            "commissioned_on",
            "Date the partners decided to commission the review",
            &i.commissioned_on,
            e,
        ),
        area(
            "terms_of_reference",
            "Terms of reference (optional until agreed)",
            &i.terms_of_reference,
            e,
        ),
    ];
    if items.is_empty() {
        fields.push("<p class=\"govuk-body\">No notifications are recorded: a local review may still be commissioned without one.</p>".to_owned());
    } else {
        fields.push(r(Checkboxes::new("notification_ids", "Notifications the review covers")
            .hint("A local review covers one notification, whose rapid review decided on a local CSPR, or none if the notification is not recorded here (another area's incident, for example). A thematic review covers two or more.")
            .items(items)
            .values(i.notification_ids.clone())
            .error_opt(e.get("notification_ids"))
            .small()));
    }
    Ok(form_page(
        identity,
        Spec {
            title: "Commission a practice review",
            caption: "Practice reviews",
            back: "/practice-reviews".into(),
            action: "/practice-reviews".into(),
            intro: vec!["The decision to commission starts the 6-month clock: the review is expected to be completed and published within 6 months.".into()],
            button: "Commission review",
        },
        fields,
        e,
    ))
}

/// The query of the commissioning form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct NewQuery {
    /// A notification whose rapid review decided on a local CSPR.
    pub notification: Option<String>,
}

/// `GET /practice-reviews/new[?notification=ID]`.
pub async fn new_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Query(q): Query<NewQuery>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let input = match q.notification.as_deref().filter(|n| !n.is_empty()) {
        Some(n) => svc::defaults_from_notification(&s.svc, &actor, parse_id(n)?).await?,
        None => ReviewInput::default(),
    };
    let e = ValidationErrors::new();
    respond(
        &new_page(&s, &identity, &actor, &input, &e).await?,
        StatusCode::OK,
    )
}

fn review_input(pairs: Vec<(String, String)>) -> ReviewInput {
    let mut i = ReviewInput::default();
    for (k, v) in pairs {
        match k.as_str() {
            "kind" => i.kind = v,
            "reference" => i.reference = v,
            "title" => i.title = v,
            "summary" => i.summary = v,
            "commissioned_on" => i.commissioned_on = v,
            "terms_of_reference" => i.terms_of_reference = v,
            "notification_ids" => i.notification_ids.push(v),
            _ => {}
        }
    }
    i
}

/// `POST /practice-reviews`.
pub async fn create(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    form: Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let Form(pairs) = form.map_err(form_err)?;
    let input = review_input(pairs);
    match svc::create(&s.svc, &actor, &input).await {
        Ok(id) => see_other(&format!(
            "/practice-reviews/{id}?notice=review-commissioned"
        )),
        Err(ServiceError::Invalid(e)) => respond(
            &new_page(&s, &identity, &actor, &input, &e).await?,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// A review's page

#[derive(Template)]
#[template(path = "practice_reviews/show.html")]
struct ShowPage {
    l: Layout,
    id: String,
    kind: &'static str,
    reference: String,
    title: String,
    summary: SummaryList,
    timeline: Table,
    can_move: bool,
    publication: Option<SummaryList>,
    deadlines: Table,
    has_deadlines: bool,
    reviewers: Table,
    has_reviewers: bool,
    checks: Table,
    has_checks: bool,
    engagements: Table,
    has_engagements: bool,
    drafts: Table,
    has_drafts: bool,
    shares: Table,
    has_shares: bool,
    can_manage: bool,
}

fn text_or_none(s: &str) -> String {
    if s.trim().is_empty() {
        "Not recorded".to_owned()
    } else {
        s.to_owned()
    }
}

/// The clocks of a review as a table.
fn deadlines_table(v: &[DeadlineView]) -> Table {
    let mut t = Table::new().caption("Deadlines").head([
        "Deadline",
        "From",
        "Due",
        "Working days left",
        "State",
    ]);
    for d in v {
        let mut what = esc(d.rule.label());
        what.push_str(&format!(
            "<br><span class=\"govuk-body-s\">{}</span>",
            esc(d.rule.description())
        ));
        if d.extended_to.is_some() {
            what.push_str(&format!(
                "<br><span class=\"govuk-body-s\">Extended: {}</span>",
                esc(&d.extension_reason)
            ));
        }
        t = t.row([
            TableCell::html(what),
            TableCell::new(date_text(Some(d.basis_on))),
            TableCell::new(due_text(d)),
            TableCell::new(remaining_text(d)),
            TableCell::html(state_tag(d)),
        ]);
    }
    t
}

fn show_page(identity: &Identity, v: &ReviewView, code: Option<&str>) -> ShowPage {
    let x = &v.review;
    let cases = if v.cases.is_empty() {
        "None recorded here".to_owned()
    } else {
        v.cases
            .iter()
            .map(|c| {
                format!(
                    "<a class=\"govuk-link\" href=\"/case-reviews/{}\">{}</a>",
                    c.notification_id,
                    esc(&c.reference)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let summary = SummaryList::new([
        SummaryRow::new("Stage", Content::html(stage_tag(v.stage))),
        SummaryRow::new("Commissioned", date_text(Some(x.commissioned_on))),
        SummaryRow::new("Notifications covered", Content::html(cases)),
        SummaryRow::new("Summary", x.summary.clone()),
        SummaryRow::new("Terms of reference", text_or_none(&x.terms_of_reference)),
    ]);
    let mut timeline = Table::new()
        .caption("Stages and their dates")
        .head(["Stage", "Date", "Status"]);
    for (stage, date) in v.dates.timeline(v.stage) {
        let mark = if stage == v.stage {
            r(Tag::new("Current stage").colour(TagColour::Blue))
        } else if stage < v.stage && date.is_some() {
            r(Tag::new("Done").colour(TagColour::Green))
        } else if stage < v.stage {
            r(Tag::new("Passed over").colour(TagColour::Grey))
        } else {
            String::new()
        };
        timeline = timeline.row([
            TableCell::new(stage.label()),
            TableCell::new(match date {
                Some(d) => date_text(Some(d)),
                None if stage <= v.stage => "Not recorded".to_owned(),
                None => "Not yet".to_owned(),
            }),
            TableCell::html(mark),
        ]);
    }
    let publication = if x.published_on.is_some() || x.not_published_on.is_some() {
        let mut rows = Vec::new();
        if let Some(p) = x.planned_publication_on {
            rows.push(SummaryRow::new("Planned publication", date_text(Some(p))));
        }
        if let Some(p) = x.published_on {
            rows.push(SummaryRow::new("Published", date_text(Some(p))));
            rows.push(SummaryRow::new(
                "Published report",
                Content::html(format!(
                    "<a class=\"govuk-link\" href=\"{0}\" rel=\"noopener noreferrer\">{0}</a>",
                    esc(&x.published_url)
                )),
            ));
        }
        if let Some(p) = x.not_published_on {
            rows.push(SummaryRow::new(
                "Statement of improvements published",
                date_text(Some(p)),
            ));
            rows.push(SummaryRow::new(
                "Reasons the report is not published",
                x.not_published_reasons.clone(),
            ));
            rows.push(SummaryRow::new(
                "Improvements to be made",
                x.improvements_statement.clone(),
            ));
        }
        Some(SummaryList::new(rows))
    } else {
        x.planned_publication_on
            .map(|p| SummaryList::new([SummaryRow::new("Planned publication", date_text(Some(p)))]))
    };
    let mut reviewers = Table::new().caption("Reviewers").head([
        "Name",
        "Organisation",
        "Role",
        "Independent",
        "Appointed",
        "Ended",
    ]);
    for rv in &v.reviewers {
        reviewers = reviewers.row([
            TableCell::new(rv.name.clone()),
            TableCell::new(rv.organisation.clone()),
            TableCell::new(ReviewerRole::parse(&rv.role).map_or("Reviewer", ReviewerRole::label)),
            TableCell::new(if rv.independent { "Yes" } else { "No" }),
            TableCell::new(date_text(Some(rv.appointed_on))),
            TableCell::new(
                rv.ended_on
                    .map_or_else(|| "In post".to_owned(), |d| date_text(Some(d))),
            ),
        ]);
    }
    let mut checks = Table::new()
        .caption("Checks and written requests")
        .head(["Date", "Kind", "Note", "Answered"]);
    for c in &v.checks {
        let kind = CheckKind::parse(&c.kind);
        checks = checks.row([
            TableCell::new(date_text(Some(c.checked_on))),
            TableCell::new(kind.map_or("Check", CheckKind::label)),
            TableCell::new(c.note.clone()),
            TableCell::new(match (kind, c.answered_on) {
                (Some(CheckKind::WrittenRequest), None) => "Awaiting the reviewer".to_owned(),
                (Some(CheckKind::WrittenRequest), Some(d)) => date_text(Some(d)),
                _ => String::new(),
            }),
        ]);
    }
    let mut engagements = Table::new()
        .caption("Engagement")
        .head(["Date", "With", "Note"]);
    for en in &v.engagements {
        engagements = engagements.row([
            TableCell::new(date_text(Some(en.held_on))),
            TableCell::new(
                EngagementWith::parse(&en.with_whom).map_or("Others", EngagementWith::label),
            ),
            TableCell::new(en.note.clone()),
        ]);
    }
    let mut drafts = Table::new()
        .caption("Drafts")
        .head(["Received", "Draft", "Document"]);
    for d in &v.drafts {
        let label = if d.is_final {
            format!("{} (final report)", esc(&d.label))
        } else {
            esc(&d.label)
        };
        drafts = drafts.row([
            TableCell::new(date_text(Some(d.received_on))),
            TableCell::html(label),
            TableCell::html(match (d.file_id, &d.file_name) {
                (Some(f), Some(name)) => format!(
                    "<a class=\"govuk-link\" href=\"/files/{f}\">{}</a>",
                    esc(name)
                ),
                _ => "None".to_owned(),
            }),
        ]);
    }
    let mut shares = Table::new()
        .caption("Shares")
        .head(["Consultant", "Shared", "Revoked"]);
    for sh in &v.shares {
        shares = shares.row([
            TableCell::new(format!("{} ({})", sh.name, sh.email)),
            TableCell::new(sh.shared_at.format("%-d %B %Y").to_string()),
            TableCell::new(
                sh.revoked_at
                    .map_or_else(String::new, |d| d.format("%-d %B %Y").to_string()),
            ),
        ]);
    }
    ShowPage {
        l: Layout::new(
            format!("{}: {}", x.reference, x.title),
            Some(identity),
            "/case-reviews",
        )
        .with_notice(notice(code)),
        id: x.review_id.to_string(),
        kind: v.kind.label(),
        reference: x.reference.clone(),
        title: x.title.clone(),
        summary,
        timeline,
        can_move: v.stage.is_open(),
        publication,
        has_deadlines: !v.deadlines.is_empty(),
        deadlines: deadlines_table(&v.deadlines),
        has_reviewers: !v.reviewers.is_empty(),
        reviewers,
        has_checks: !v.checks.is_empty(),
        checks,
        has_engagements: !v.engagements.is_empty(),
        engagements,
        has_drafts: !v.drafts.is_empty(),
        drafts,
        has_shares: !v.shares.is_empty(),
        shares,
        can_manage: v.can_manage,
    }
}

/// `GET /practice-reviews/{id}` (audited).
pub async fn show(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let id = parse_id(&id)?;
    let v = svc::get(&s.svc, &actor, id).await?;
    html(&show_page(&identity, &v, q.notice.as_deref()))
}

// ---------------------------------------------------------------------------------------------
// Details

fn details_page(identity: &Identity, id: Uuid, i: &DetailsInput, e: &ValidationErrors) -> FormPage {
    let mut fields = vec![format!(
        "<input type=\"hidden\" name=\"version\" value=\"{}\">",
        esc(&i.version)
    )];
    if let Some(msg) = e.get("version") {
        fields.push(format!(
            "<p class=\"govuk-error-message\" id=\"version\"><span class=\"govuk-visually-hidden\">Error:</span> {}</p>",
            esc(msg)
        ));
    }
    fields.extend([
        text("reference", "Reference", &i.reference, e),
        r(TextInput::new("title", "Title")
            .hint("Without names")
            .value(i.title.clone())
            .error_opt(e.get("title"))),
        area("summary", "Summary", &i.summary, e),
        date_input(
            "commissioned_on",
            "Date the partners decided to commission the review",
            &i.commissioned_on,
            e,
        ),
        area(
            "terms_of_reference",
            "Terms of reference",
            &i.terms_of_reference,
            e,
        ),
    ]);
    form_page(
        identity,
        Spec {
            title: "Change the details",
            caption: &i.reference,
            back: format!("/practice-reviews/{id}"),
            action: format!("/practice-reviews/{id}/edit"),
            intro: vec![
                "Changing the commissioning date works the 6-month deadline out again.".into(),
            ],
            button: "Save changes",
        },
        fields,
        e,
    )
}

fn details_of(v: &ReviewView) -> DetailsInput {
    let x = &v.review;
    DetailsInput {
        reference: x.reference.clone(),
        title: x.title.clone(),
        summary: x.summary.clone(),
        commissioned_on: x.commissioned_on.to_string(),
        terms_of_reference: x.terms_of_reference.clone(),
        version: x.version.to_string(),
    }
}

/// `GET /practice-reviews/{id}/edit`.
pub async fn edit_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    let v = svc::get(&s.svc, &actor, id).await?;
    respond(
        &details_page(&identity, id, &details_of(&v), &ValidationErrors::new()),
        StatusCode::OK,
    )
}

/// `POST /practice-reviews/{id}/edit`: a stale version shows the person's text again with the conflict
/// (409) and the current version, so saving again is deliberate.
pub async fn update(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<DetailsInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let Form(mut input) = form.map_err(form_err)?;
    match svc::update_details(&s.svc, &actor, id, &input).await {
        Ok(()) => see_other(&format!("/practice-reviews/{id}?notice=review-saved")),
        Err(ServiceError::Invalid(e)) => respond(
            &details_page(&identity, id, &input, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(ServiceError::Conflict(message)) => {
            let current = svc::get(&s.svc, &actor, id).await?;
            input.version = current.review.version.to_string();
            let e = ValidationErrors::single("version", message);
            respond(
                &details_page(&identity, id, &input, &e),
                StatusCode::CONFLICT,
            )
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Stages

fn stage_page(
    identity: &Identity,
    v: &ReviewView,
    i: &StageInput,
    e: &ValidationErrors,
) -> FormPage {
    let id = v.review.review_id;
    let next: Vec<&str> = v.stage.next().iter().map(|s| s.label()).collect();
    let mut intro = vec![format!(
        "The review is at \"{}\".{}",
        v.stage.label(),
        if next.is_empty() {
            String::new()
        } else {
            format!(" Next: {}.", next.join(" or "))
        }
    )];
    intro.push(format!(
        "The review reaches \"Reviewer appointed\" when a reviewer is appointed after the terms are agreed, and \"Family and practitioner engagement\" when engagement on the draft is recorded. Publication must be at least {} working days after the pre-publication notice.",
        v.notice_days
    ));
    form_page(
        identity,
        Spec {
            title: "Record a stage",
            caption: &v.review.reference,
            back: format!("/practice-reviews/{id}"),
            action: format!("/practice-reviews/{id}/stage"),
            intro,
            button: "Record stage",
        },
        vec![
            radios(
                "stage",
                "Stage reached",
                Stage::RECORDED.iter().map(|s| (s.slug(), s.label())),
                &i.stage,
                e,
            ),
            date_input("stage_on", "Date", &i.stage_on, e),
            date_input(
                "planned_publication_on",
                "Planned publication date (with the pre-publication notice)",
                &i.planned_publication_on,
                e,
            ),
            r(TextInput::new(
                "published_url",
                "Web address of the published report (when published)",
            )
            .hint("Starting https://")
            .value(i.published_url.clone())
            .error_opt(e.get("published_url"))),
            area(
                "not_published_reasons",
                "Reasons the report is not published (when not published)",
                &i.not_published_reasons,
                e,
            ),
            area(
                "improvements_statement",
                "The improvements to be made, published instead of the report (when not published)",
                &i.improvements_statement,
                e,
            ),
        ],
        e,
    )
}

/// `GET /practice-reviews/{id}/stage`.
pub async fn stage_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    let v = svc::get(&s.svc, &actor, id).await?;
    let i = StageInput {
        stage: v
            .stage
            .next()
            .into_iter()
            .find(|s| Stage::RECORDED.contains(s))
            .map(|s| s.slug().to_owned())
            .unwrap_or_default(),
        ..Default::default()
    };
    respond(
        &stage_page(&identity, &v, &i, &ValidationErrors::new()),
        StatusCode::OK,
    )
}

/// `POST /practice-reviews/{id}/stage`.
pub async fn record_stage(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<StageInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    svc::check_visible(&s.svc, &actor, id).await?;
    let Form(input) = form.map_err(form_err)?;
    match svc::record_stage(&s.svc, &actor, id, &input).await {
        Ok(()) => see_other(&format!("/practice-reviews/{id}?notice=stage-recorded")),
        Err(ServiceError::Invalid(e)) => {
            let v = svc::get(&s.svc, &actor, id).await?;
            respond(
                &stage_page(&identity, &v, &input, &e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Reviewers

fn reviewer_page(
    identity: &Identity,
    id: Uuid,
    i: &ReviewerInput,
    e: &ValidationErrors,
) -> FormPage {
    form_page(
        identity,
        Spec {
            title: "Appoint a reviewer",
            caption: "Practice reviews",
            back: format!("/practice-reviews/{id}"),
            action: format!("/practice-reviews/{id}/reviewers"),
            intro: vec!["Once the terms of reference are agreed, appointing a reviewer moves the review to \"Reviewer appointed\".".into()],
            button: "Appoint reviewer",
        },
        vec![
            text("name", "Name", &i.name, e),
            r(TextInput::new("organisation", "Organisation")
                .hint("Or Independent")
                .value(i.organisation.clone())
                .error_opt(e.get("organisation"))),
            radios(
                "role",
                "Role",
                ReviewerRole::ALL.iter().map(|x| (x.slug(), x.label())),
                &i.role,
                e,
            ),
            radios(
                "independent",
                "Independent of the partnership's agencies",
                [("yes", "Yes"), ("no", "No")],
                &i.independent,
                e,
            ),
            date_input("appointed_on", "Date appointed", &i.appointed_on, e),
        ],
        e,
    )
}

/// `GET /practice-reviews/{id}/reviewers/new`.
pub async fn reviewer_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    svc::check_visible(&s.svc, &actor, id).await?;
    respond(
        &reviewer_page(
            &identity,
            id,
            &ReviewerInput::default(),
            &ValidationErrors::new(),
        ),
        StatusCode::OK,
    )
}

/// `POST /practice-reviews/{id}/reviewers`.
pub async fn appoint(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<ReviewerInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    svc::check_visible(&s.svc, &actor, id).await?;
    let Form(input) = form.map_err(form_err)?;
    finish(
        svc::appoint_reviewer(&s.svc, &actor, id, &input).await,
        id,
        "reviewer-appointed",
        |e| reviewer_page(&identity, id, &input, e),
    )
}

async fn end_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    i: &EndReviewerInput,
    e: &ValidationErrors,
) -> Result<FormPage, AppError> {
    let v = svc::get(&s.svc, actor, id).await?;
    let mut items = vec![SelectItem::new("", "Choose a reviewer")];
    items.extend(
        v.reviewers
            .iter()
            .filter(|x| x.ended_on.is_none())
            .map(|x| {
                SelectItem::new(
                    x.reviewer_id.to_string(),
                    format!("{} ({})", x.name, x.organisation),
                )
            }),
    );
    Ok(form_page(
        identity,
        Spec {
            title: "End an appointment",
            caption: &v.review.reference,
            back: format!("/practice-reviews/{id}"),
            action: format!("/practice-reviews/{id}/reviewers/end"),
            intro: vec!["The reviewer stays in the review's history.".into()],
            button: "End appointment",
        },
        vec![
            r(Select::new("reviewer_id", "Reviewer", items)
                .value(i.reviewer_id.clone())
                .error_opt(e.get("reviewer_id"))),
            date_input("ended_on", "Date the appointment ended", &i.ended_on, e),
        ],
        e,
    ))
}

/// `GET /practice-reviews/{id}/reviewers/end`.
pub async fn end_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    respond(
        &end_page(
            &s,
            &identity,
            &actor,
            id,
            &EndReviewerInput::default(),
            &ValidationErrors::new(),
        )
        .await?,
        StatusCode::OK,
    )
}

/// `POST /practice-reviews/{id}/reviewers/end`.
pub async fn end(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<EndReviewerInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    svc::check_visible(&s.svc, &actor, id).await?;
    let Form(input) = form.map_err(form_err)?;
    match svc::end_reviewer(&s.svc, &actor, id, &input).await {
        Ok(()) => see_other(&format!("/practice-reviews/{id}?notice=reviewer-ended")),
        Err(ServiceError::Invalid(e)) => respond(
            &end_page(&s, &identity, &actor, id, &input, &e).await?,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Checks (reg. 14)

fn check_page(identity: &Identity, id: Uuid, i: &CheckInput, e: &ValidationErrors) -> FormPage {
    form_page(
        identity,
        Spec {
            title: "Record a check or a written request",
            caption: "Practice reviews",
            back: format!("/practice-reviews/{id}"),
            action: format!("/practice-reviews/{id}/checks"),
            intro: vec!["Regulation 14: the partners check the time taken and the quality of the review at regular intervals, and may ask the reviewer in writing for information or a draft.".into()],
            button: "Save",
        },
        vec![
            radios(
                "kind",
                "What was it",
                CheckKind::ALL.iter().map(|k| (k.slug(), k.label())),
                &i.kind,
                e,
            ),
            date_input("checked_on", "Date", &i.checked_on, e),
            area("note", "What was checked or asked for, and the outcome", &i.note, e),
            date_input(
                "answered_on",
                "Date the reviewer answered (written requests, optional)",
                &i.answered_on,
                e,
            ),
        ],
        e,
    )
}

/// `GET /practice-reviews/{id}/checks/new`.
pub async fn check_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    svc::check_visible(&s.svc, &actor, id).await?;
    respond(
        &check_page(
            &identity,
            id,
            &CheckInput::default(),
            &ValidationErrors::new(),
        ),
        StatusCode::OK,
    )
}

/// `POST /practice-reviews/{id}/checks`.
pub async fn record_check(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<CheckInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    svc::check_visible(&s.svc, &actor, id).await?;
    let Form(input) = form.map_err(form_err)?;
    finish(
        svc::record_check(&s.svc, &actor, id, &input).await,
        id,
        "check-recorded",
        |e| check_page(&identity, id, &input, e),
    )
}

async fn answer_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    i: &AnswerInput,
    e: &ValidationErrors,
) -> Result<FormPage, AppError> {
    let v = svc::get(&s.svc, actor, id).await?;
    let mut items = vec![SelectItem::new("", "Choose a written request")];
    items.extend(
        v.checks
            .iter()
            .filter(|c| c.kind == CheckKind::WrittenRequest.slug() && c.answered_on.is_none())
            .map(|c| {
                SelectItem::new(
                    c.check_id.to_string(),
                    format!("{}: {}", date_text(Some(c.checked_on)), c.note),
                )
            }),
    );
    Ok(form_page(
        identity,
        Spec {
            title: "Record the reviewer's answer",
            caption: &v.review.reference,
            back: format!("/practice-reviews/{id}"),
            action: format!("/practice-reviews/{id}/checks/answer"),
            intro: vec![],
            button: "Save",
        },
        vec![
            r(Select::new("check_id", "Written request", items)
                .value(i.check_id.clone())
                .error_opt(e.get("check_id"))),
            date_input(
                "answered_on",
                "Date the reviewer answered",
                &i.answered_on,
                e,
            ),
        ],
        e,
    ))
}

/// `GET /practice-reviews/{id}/checks/answer`.
pub async fn answer_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    respond(
        &answer_page(
            &s,
            &identity,
            &actor,
            id,
            &AnswerInput::default(),
            &ValidationErrors::new(),
        )
        .await?,
        StatusCode::OK,
    )
}

/// `POST /practice-reviews/{id}/checks/answer`.
pub async fn answer(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<AnswerInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    svc::check_visible(&s.svc, &actor, id).await?;
    let Form(input) = form.map_err(form_err)?;
    match svc::answer_check(&s.svc, &actor, id, &input).await {
        Ok(()) => see_other(&format!("/practice-reviews/{id}?notice=answer-recorded")),
        Err(ServiceError::Invalid(e)) => respond(
            &answer_page(&s, &identity, &actor, id, &input, &e).await?,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Engagement

fn engagement_page(
    identity: &Identity,
    id: Uuid,
    i: &EngagementInput,
    e: &ValidationErrors,
) -> FormPage {
    form_page(
        identity,
        Spec {
            title: "Record engagement",
            caption: "Practice reviews",
            back: format!("/practice-reviews/{id}"),
            action: format!("/practice-reviews/{id}/engagements"),
            intro: vec!["Engagement on or after the first draft moves a review at \"Draft report\" to \"Family and practitioner engagement\".".into()],
            button: "Save",
        },
        vec![
            radios(
                "with_whom",
                "With whom",
                EngagementWith::ALL.iter().map(|x| (x.slug(), x.label())),
                &i.with_whom,
                e,
            ),
            date_input("held_on", "Date", &i.held_on, e),
            r(Textarea::new("note", "Note")
                .hint("Do not use names")
                .value(i.note.clone())
                .error_opt(e.get("note"))),
        ],
        e,
    )
}

/// `GET /practice-reviews/{id}/engagements/new`.
pub async fn engagement_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    svc::check_visible(&s.svc, &actor, id).await?;
    respond(
        &engagement_page(
            &identity,
            id,
            &EngagementInput::default(),
            &ValidationErrors::new(),
        ),
        StatusCode::OK,
    )
}

/// `POST /practice-reviews/{id}/engagements`.
pub async fn record_engagement(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<EngagementInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    svc::check_visible(&s.svc, &actor, id).await?;
    let Form(input) = form.map_err(form_err)?;
    finish(
        svc::record_engagement(&s.svc, &actor, id, &input).await,
        id,
        "engagement-recorded",
        |e| engagement_page(&identity, id, &input, e),
    )
}

// ---------------------------------------------------------------------------------------------
// Drafts

/// The optional document of a draft (the file store's usual input).
fn file_input(error: Option<&str>) -> String {
    format!(
        "<div class=\"govuk-form-group{}\"><label class=\"govuk-label\" for=\"file\">Document (optional)</label>\
         <div id=\"file-hint\" class=\"govuk-hint\">A PDF, Word, Excel, PowerPoint, CSV or image file</div>{}\
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

fn draft_page(identity: &Identity, id: Uuid, i: &DraftInput, e: &ValidationErrors) -> FormPage {
    let mut page = form_page(
        identity,
        Spec {
            title: "Record a draft",
            caption: "Practice reviews",
            back: format!("/practice-reviews/{id}"),
            action: format!("/practice-reviews/{id}/drafts"),
            intro: vec![
                "The first draft moves a review at \"Information gathering\" to \"Draft report\".".into(),
                "A document uploaded here is seen only by the case review panel and administrators.".into(),
            ],
            button: "Save draft",
        },
        vec![
            r(TextInput::new("label", "Label")
                .hint("For example, Draft 1 or Final report")
                .value(i.label.clone())
                .error_opt(e.get("label"))),
            date_input("received_on", "Date received", &i.received_on, e),
            r(Checkboxes::new("is_final", "Final report")
                .items([Choice::new("yes", "This is the final report")])
                .values(if i.is_final == "yes" { vec!["yes".to_owned()] } else { vec![] })
                .small()),
            file_input(e.get("file")),
        ],
        e,
    );
    page.multipart = true;
    page
}

/// `GET /practice-reviews/{id}/drafts/new`.
pub async fn draft_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    svc::check_visible(&s.svc, &actor, id).await?;
    respond(
        &draft_page(
            &identity,
            id,
            &DraftInput::default(),
            &ValidationErrors::new(),
        ),
        StatusCode::OK,
    )
}

/// `POST /practice-reviews/{id}/drafts`: a multipart form with `label`, `received_on`, `is_final`
/// and an optional `file`, stored through the file store attached to the review.
pub async fn record_draft(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> PageResult {
    let id = parse_id(&id)?;
    // Access first: someone who may not see the review learns nothing, not even that the form is wrong.
    svc::check_visible(&s.svc, &actor, id).await?;
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::multipart::boundary)
        .ok_or(AppError::BadRequest(
            "The form could not be read: it must be sent as multipart/form-data.",
        ))?;
    let bytes = to_bytes(body, s.upload_body_limit())
        .await
        .map_err(|_| AppError::BadRequest("The form could not be read."))?;
    let parts = crate::multipart::parse(&bytes, &boundary)
        .ok_or(AppError::BadRequest("The form could not be read."))?;
    let field = |n: &str| crate::multipart::text_field(&parts, n).unwrap_or_default();
    let input = DraftInput {
        label: field("label"),
        received_on: field("received_on"),
        is_final: field("is_final"),
    };
    let file = parts
        .iter()
        .find(|p| p.name == "file" && p.filename.is_some())
        .filter(|p| !(p.data.is_empty() && p.filename.as_deref() == Some("")));
    let document = file.map(|f| DraftDocument {
        name: f.filename.as_deref().unwrap_or_default(),
        bytes: f.data,
    });
    finish(
        svc::record_draft(&s.svc, &actor, id, &input, document).await,
        id,
        "draft-recorded",
        |e| draft_page(&identity, id, &input, e),
    )
}

// ---------------------------------------------------------------------------------------------
// Extensions

fn extension_page(
    identity: &Identity,
    id: Uuid,
    i: &ExtensionInput,
    e: &ValidationErrors,
) -> FormPage {
    let rules = svc::rules();
    form_page(
        identity,
        Spec {
            title: "Extend a deadline",
            caption: "Practice reviews",
            back: format!("/practice-reviews/{id}"),
            action: format!("/practice-reviews/{id}/extend"),
            intro: vec!["An extension needs a later due date and the reason, such as criminal proceedings; the partners tell the National Panel and the Secretary of State why a review is delayed.".into()],
            button: "Extend deadline",
        },
        vec![
            radios(
                "rule",
                "Which deadline",
                rules.iter().map(|d| (d.slug(), d.label())),
                &i.rule,
                e,
            ),
            date_input("extended_to", "New due date", &i.extended_to, e),
            area("extension_reason", "Reason for the extension", &i.extension_reason, e),
        ],
        e,
    )
}

/// `GET /practice-reviews/{id}/extend`.
pub async fn extension_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    svc::check_visible(&s.svc, &actor, id).await?;
    respond(
        &extension_page(
            &identity,
            id,
            &ExtensionInput::default(),
            &ValidationErrors::new(),
        ),
        StatusCode::OK,
    )
}

/// `POST /practice-reviews/{id}/extend`.
pub async fn extend(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<ExtensionInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    svc::check_visible(&s.svc, &actor, id).await?;
    let Form(input) = form.map_err(form_err)?;
    finish(
        svc::extend(&s.svc, &actor, id, &input).await,
        id,
        "deadline-extended",
        |e| extension_page(&identity, id, &input, e),
    )
}

// ---------------------------------------------------------------------------------------------
// Sharing

#[derive(Template)]
#[template(path = "practice_reviews/shares.html")]
struct SharesPage {
    l: Layout,
    csrf: String,
    id: String,
    reference: String,
    shares: Table,
    has_shares: bool,
    has_live: bool,
    revoke_field: String,
    has_consultants: bool,
    share_field: String,
}

async fn shares_page(
    s: &AppState,
    identity: &Identity,
    actor: &Actor,
    id: Uuid,
    input: &ShareInput,
    e: &ValidationErrors,
) -> Result<SharesPage, AppError> {
    let v = svc::get(&s.svc, actor, id).await?;
    let consultants = svc::consultants(&s.svc, actor).await?;
    let live: Vec<_> = v.shares.iter().filter(|x| x.revoked_at.is_none()).collect();
    let mut table = Table::new()
        .caption("Shared with")
        .head(["Consultant", "Shared", "Revoked"]);
    for sh in &v.shares {
        table = table.row([
            TableCell::new(format!("{} ({})", sh.name, sh.email)),
            TableCell::new(sh.shared_at.format("%-d %B %Y").to_string()),
            TableCell::new(
                sh.revoked_at
                    .map_or_else(String::new, |d| d.format("%-d %B %Y").to_string()),
            ),
        ]);
    }
    let mut share_items = vec![SelectItem::new("", "Choose a consultant")];
    share_items.extend(
        consultants
            .iter()
            .filter(|c| !live.iter().any(|l| l.person_id == c.person_id))
            .map(|c| SelectItem::new(c.person_id.to_string(), format!("{} ({})", c.name, c.email))),
    );
    let mut revoke_items = vec![SelectItem::new("", "Choose a consultant")];
    revoke_items
        .extend(live.iter().map(|c| {
            SelectItem::new(c.person_id.to_string(), format!("{} ({})", c.name, c.email))
        }));
    Ok(SharesPage {
        l: Layout::new(
            "Share with a lived-experience consultant",
            Some(identity),
            "/case-reviews",
        )
        .with_errors(e),
        csrf: identity.csrf_token.clone(),
        id: id.to_string(),
        reference: v.review.reference.clone(),
        has_shares: !v.shares.is_empty(),
        shares: table,
        has_live: !live.is_empty(),
        revoke_field: r(
            Select::new("revoke_person_id", "Revoke the share of", revoke_items)
                .error_opt(e.get("revoke_person_id")),
        ),
        has_consultants: !consultants.is_empty(),
        share_field: r(Select::new("person_id", "Share with", share_items)
            .value(input.person_id.clone())
            .error_opt(e.get("person_id"))),
    })
}

/// `GET /practice-reviews/{id}/shares`.
pub async fn shares_form(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    actor.require(Permission::ManageCaseReviews)?;
    let id = parse_id(&id)?;
    html(
        &shares_page(
            &s,
            &identity,
            &actor,
            id,
            &ShareInput::default(),
            &ValidationErrors::new(),
        )
        .await?,
    )
}

/// `POST /practice-reviews/{id}/shares`.
pub async fn share(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<ShareInput>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    svc::check_visible(&s.svc, &actor, id).await?;
    let Form(input) = form.map_err(form_err)?;
    match svc::share(&s.svc, &actor, id, &input).await {
        Ok(()) => see_other(&format!("/practice-reviews/{id}?notice=shared")),
        Err(ServiceError::Invalid(e)) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &shares_page(&s, &identity, &actor, id, &input, &e).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

/// The revoke form's field.
#[derive(Debug, Default, serde::Deserialize)]
pub struct RevokeForm {
    /// The consultant.
    #[serde(default)]
    pub revoke_person_id: String,
}

/// `POST /practice-reviews/{id}/shares/revoke`.
pub async fn revoke(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    form: Result<Form<RevokeForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    svc::check_visible(&s.svc, &actor, id).await?;
    let Form(f) = form.map_err(form_err)?;
    let input = ShareInput {
        person_id: f.revoke_person_id,
    };
    match svc::revoke(&s.svc, &actor, id, &input).await {
        Ok(()) => see_other(&format!("/practice-reviews/{id}?notice=share-revoked")),
        Err(ServiceError::Invalid(_)) => {
            let e = ValidationErrors::single(
                "revoke_person_id",
                "Select a consultant this review is shared with",
            );
            html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &shares_page(&s, &identity, &actor, id, &ShareInput::default(), &e).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Consultants: reviews shared with them

#[derive(Template)]
#[template(path = "practice_reviews/shared_list.html")]
struct SharedListPage {
    l: Layout,
    table: Table,
    count: usize,
}

/// `GET /shared-reviews`: the reviews shared with the caller (audited).
pub async fn shared_list(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    let rows = svc::shared_list(&s.svc, &actor).await?;
    let mut table = Table::new()
        .caption(format!(
            "{} {} shared with you",
            rows.len(),
            if rows.len() == 1 { "review" } else { "reviews" }
        ))
        .head(["Review", "Kind", "Stage"]);
    for x in &rows {
        table = table.row([
            TableCell::html(format!(
                "<a class=\"govuk-link\" href=\"/shared-reviews/{}\">{}: {}</a>",
                x.review_id,
                esc(&x.reference),
                esc(&x.title)
            )),
            TableCell::new(ReviewKind::parse(&x.kind).map_or("Review", ReviewKind::label)),
            TableCell::html(Stage::parse(&x.stage).map(stage_tag).unwrap_or_default()),
        ]);
    }
    html(&SharedListPage {
        l: Layout::new(
            "Reviews shared with you",
            Some(&identity),
            "/shared-reviews",
        ),
        count: rows.len(),
        table,
    })
}

#[derive(Template)]
#[template(path = "practice_reviews/shared_show.html")]
struct SharedShowPage {
    l: Layout,
    kind: &'static str,
    reference: String,
    title: String,
    summary: SummaryList,
    themes: Vec<String>,
    findings: Vec<(String, String)>,
    recommendations: Vec<(String, String)>,
}

/// `GET /shared-reviews/{id}`: the pseudonymised, read-only view (audited); 404 unless shared with
/// the caller and not revoked.
pub async fn shared_show(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let v = svc::shared_get(&s.svc, &actor, id).await?;
    let x = &v.review;
    let mut rows = vec![
        SummaryRow::new("Stage", v.stage.map_or("Unknown", Stage::label)),
        SummaryRow::new("Summary", x.summary.clone()),
    ];
    if let Some(p) = x.published_on {
        rows.push(SummaryRow::new("Published", date_text(Some(p))));
        rows.push(SummaryRow::new(
            "Published report",
            Content::html(format!(
                "<a class=\"govuk-link\" href=\"{0}\" rel=\"noopener noreferrer\">{0}</a>",
                esc(&x.published_url)
            )),
        ));
    }
    let numbered = |v: &[safeguard_store::practice_reviews::LearningRow]| {
        v.iter()
            .map(|l| (format!("{}. {}", l.number, l.title), l.body.clone()))
            .collect::<Vec<_>>()
    };
    html(&SharedShowPage {
        l: Layout::new(
            format!("{}: {}", x.reference, x.title),
            Some(&identity),
            "/shared-reviews",
        ),
        kind: v.kind.map_or("Review", ReviewKind::label),
        reference: x.reference.clone(),
        title: x.title.clone(),
        summary: SummaryList::new(rows),
        themes: v.themes.clone(),
        findings: numbered(&v.findings),
        recommendations: numbered(&v.recommendations),
    })
}
