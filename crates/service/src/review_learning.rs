//! The learning of case reviews: the themes taxonomy, the themes each review carries, the view of
//! themes across financial years, and each review's findings and recommendations. A *subject* is a
//! serious incident notification (with its rapid review) or a practice review (local or thematic);
//! see [`safeguard_domain::review_learning`] for the rules.
//!
//! # Access
//!
//! * Reading anything here follows the one case review access rule of [`crate::case_reviews`]
//!   ([`crate::case_reviews::can_view`]): administrators, or current members of a body that handles
//!   case reviews with `ViewCaseReviews`. Others are refused the pages without a subject
//!   (`Forbidden`) and told a subject, finding or recommendation does not exist (`NotFound`), as is
//!   anyone asking for another partnership's.
//! * Every read of a subject's learning, a theme's reviews, the across-years view, a finding, a
//!   recommendation or the list of recommendations writes a `case_review.view` audit entry, as case
//!   reviews do; the across-years CSV writes `case_review.themes.export`. The taxonomy itself (the
//!   names of themes, no case in it) is not a case record: listing it writes nothing.
//! * Themes, findings and recommendations of a subject are changed by those who may
//!   `ManageCaseReviews`; the taxonomy is kept by those who may `ManageCaseReviewThemes`
//!   (administrators). Every change writes its audit entry in the same transaction.
//! * Edits of findings and recommendations carry the version the form was built from: a stale one is
//!   a `Conflict` ([`CONFLICT_MESSAGE`]) and changes nothing, so the person's text can be shown again.
//!   Neither is ever deleted (the domain module says why); mistakes are corrected by an edit.
//!
//! # How the recommendations tracker refers to recommendations
//!
//! The tracker (a later issue) takes review recommendations over **by reference, never by copy**:
//! it stores the `recommendation_id` (a `review_recommendation` row, whose id never changes and which
//! is never deleted) and reads the number, title, text, addressees and subject reference from here
//! whenever it shows one: [`partnership_recommendations`] lists a partnership's recommendations with
//! their subject's reference for it to pick from, [`recommendation`] reads one, and the stable
//! resources are `GET /api/v1/review-recommendations/{id}` (JSON) and `/review-recommendations/{id}`
//! (page) for links. Its actions hang on the tracker's own rows, which point at the recommendation.
//! An edit here bumps `version`, so the tracker can tell that the text changed since it was assessed.

use crate::activity::Export;
use crate::{Actor, ServiceError, ServiceResult, Services};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::PartnershipId;
use safeguard_domain::ValidationErrors;
use safeguard_domain::actions::uk_date;
use safeguard_domain::csv::CsvWriter;
use safeguard_domain::policy::Permission;
use safeguard_domain::review_learning::{
    AcrossYears, DEFAULT_THEMES, Finding, FindingInput, Recommendation, RecommendationInput,
    SubjectType, TaxonomyEntry, Theme, ThemeChange, ThemeInput, YearCount, financial_year_label,
    financial_year_of, name_key, next_number, parse_version,
};
use safeguard_store::review_learning::{
    self as store, AddresseeRow, FindingRow, NumberedWrite, RecommendationRefRow,
    RecommendationRow, SubjectRow, SubjectThemeRow, ThemeRow, ThemedSubjectRow,
};
use safeguard_store::{Conn, StoreError, Tx, audit_log, organisations};
use serde_json::json;
use uuid::Uuid;

/// Message for a stale edit of a finding or recommendation.
pub const CONFLICT_MESSAGE: &str = "Someone else changed this while you were editing it. Your text \
     is shown below and has not been saved: check the current version, then save again.";

/// Message when two people add at the same moment and the number was taken.
const NUMBER_TAKEN: &str =
    "Someone else added one to this review at the same moment: nothing was saved, try again.";

/// `Ok` when the actor may read case review records: the case review rule, `Forbidden` otherwise
/// (for pages without a subject).
async fn require_view(svc: &Services, actor: &Actor) -> ServiceResult<()> {
    actor.require(Permission::ViewCaseReviews)?;
    if crate::case_reviews::can_view(svc, actor).await? {
        Ok(())
    } else {
        tracing::warn!(target: "security.denied", person = %actor.person_id, partnership = %actor.partnership_id, "not a member of the case review panel");
        Err(ServiceError::Forbidden(
            "not a member of the case review panel",
        ))
    }
}

/// `Ok` when the actor may read case review records, `NotFound` otherwise (for a record).
async fn require_record_view(svc: &Services, actor: &Actor) -> ServiceResult<()> {
    if crate::case_reviews::can_view(svc, actor).await? {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

async fn view_entry(
    tx: &mut Tx,
    actor: &Actor,
    target_type: &str,
    id: Option<String>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let e = actor.entry("case_review.view", target_type, id);
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(())
}

async fn load_subject(
    c: &mut Conn<'_>,
    p: PartnershipId,
    kind: SubjectType,
    id: Uuid,
) -> ServiceResult<SubjectRow> {
    store::find_subject(c, p, kind, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

fn subject_kind(row_type: &str) -> ServiceResult<SubjectType> {
    SubjectType::parse(row_type)
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("unknown subject type {row_type:?}")))
}

/// The target type of a subject's learning in audit entries.
fn learning_target(kind: SubjectType) -> &'static str {
    match kind {
        SubjectType::Notification => "case_notification.learning",
        SubjectType::PracticeReview => "practice_review.learning",
    }
}

// ---------------------------------------------------------------------------------------------
// The taxonomy

/// The partnership's themes, current and retired, by name (the case review access rule).
pub async fn themes(svc: &Services, actor: &Actor) -> ServiceResult<Vec<ThemeRow>> {
    require_view(svc, actor).await?;
    let mut pc = svc.db.acquire().await?;
    Ok(store::list_themes(&mut pc.conn(), actor.partnership_id).await?)
}

fn existing(rows: &[ThemeRow]) -> Vec<(Uuid, String)> {
    rows.iter().map(|t| (t.theme_id, t.name.clone())).collect()
}

/// Adds a theme (`ManageCaseReviewThemes`); the name must be new to the partnership, ignoring case.
pub async fn create_theme(
    svc: &Services,
    actor: &Actor,
    input: &ThemeInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageCaseReviewThemes)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let rows = store::list_themes(&mut tx.conn(), p).await?;
    let t = Theme::parse(input, &existing(&rows), None)?;
    let id = Uuid::new_v4();
    store::insert_theme(&mut tx.conn(), p, id, &t.name, &t.description, now)
        .await
        .map_err(name_conflict)?;
    let mut e = actor.entry(
        "case_review_theme.create",
        "case_review_theme",
        Some(id.to_string()),
    );
    e.after = Some(json!({"name": t.name, "description": t.description}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// The unique index on (partnership, name) caught a name added at the same moment: a field error.
fn name_conflict(e: StoreError) -> ServiceError {
    if matches!(e, StoreError::Conflict(_)) {
        ValidationErrors::single("name", "There is already a theme with this name").into()
    } else {
        e.into()
    }
}

/// A theme of the partnership, for its edit form (`ManageCaseReviewThemes`).
pub async fn theme(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<ThemeRow> {
    actor.require(Permission::ManageCaseReviewThemes)?;
    let mut pc = svc.db.acquire().await?;
    store::find_theme(&mut pc.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Renames or describes a theme (`ManageCaseReviewThemes`); the reviews carrying it carry the new
/// name. With `retired`, also retires it or makes it current again, in the same transaction.
pub async fn update_theme(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &ThemeInput,
    retired: Option<bool>,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviewThemes)?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let before = store::find_theme(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let rows = store::list_themes(&mut tx.conn(), p).await?;
    let t = Theme::parse(input, &existing(&rows), Some(id))?;
    store::update_theme(&mut tx.conn(), p, id, &t.name, &t.description, now)
        .await
        .map_err(name_conflict)?;
    let mut e = actor.entry(
        "case_review_theme.update",
        "case_review_theme",
        Some(id.to_string()),
    );
    e.before = Some(json!({"name": before.name, "description": before.description}).to_string());
    e.after = Some(json!({"name": t.name, "description": t.description}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    if let Some(r) = retired {
        retire_in_tx(&mut tx, actor, &before, r, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets a theme's retired flag with its audit entry; nothing when it is already so.
async fn retire_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    theme: &ThemeRow,
    retired: bool,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if theme.retired == retired {
        return Ok(());
    }
    store::set_theme_retired(
        &mut tx.conn(),
        actor.partnership_id,
        theme.theme_id,
        retired,
        now,
    )
    .await?;
    let action = if retired {
        "case_review_theme.retire"
    } else {
        "case_review_theme.reinstate"
    };
    let mut e = actor.entry(
        action,
        "case_review_theme",
        Some(theme.theme_id.to_string()),
    );
    e.after = Some(json!({"name": theme.name, "retired": retired}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(())
}

/// Retires a theme, or makes a retired one current again (`ManageCaseReviewThemes`). A retired theme
/// stays on the reviews that carry it. Asking for the state it is already in changes nothing.
pub async fn set_theme_retired(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    retired: bool,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviewThemes)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let before = store::find_theme(&mut tx.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    retire_in_tx(&mut tx, actor, &before, retired, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds the default themes the partnership does not have yet (by name, ignoring case) inside the
/// caller's transaction; with an actor, writes `case_review_theme.defaults` naming those added.
/// Returns how many were added. The demo and the generator seed new partnerships with it.
pub(crate) async fn add_defaults_in_tx(
    tx: &mut Tx,
    actor: Option<&Actor>,
    p: PartnershipId,
    now: DateTime<Utc>,
) -> ServiceResult<usize> {
    let have: Vec<String> = store::list_themes(&mut tx.conn(), p)
        .await?
        .iter()
        .map(|t| name_key(&t.name))
        .collect();
    let mut added = Vec::new();
    for (name, description) in DEFAULT_THEMES {
        if have.contains(&name_key(name)) {
            continue;
        }
        store::insert_theme(&mut tx.conn(), p, Uuid::new_v4(), name, description, now).await?;
        added.push(*name);
    }
    if let Some(actor) = actor
        && !added.is_empty()
    {
        let mut e = actor.entry("case_review_theme.defaults", "case_review_theme", None);
        e.after = Some(json!({"added": added}).to_string());
        audit_log::append(&mut tx.conn(), &e, now).await?;
    }
    Ok(added.len())
}

/// Adds the default themes the partnership does not have yet (`ManageCaseReviewThemes`); for a
/// partnership created without them. Returns how many were added.
pub async fn add_default_themes(svc: &Services, actor: &Actor) -> ServiceResult<usize> {
    actor.require(Permission::ManageCaseReviewThemes)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let n = add_defaults_in_tx(&mut tx, Some(actor), actor.partnership_id, now).await?;
    tx.commit().await?;
    Ok(n)
}

// ---------------------------------------------------------------------------------------------
// Themes across years

/// The across-years view: themes by financial years, with counts of each type.
#[derive(Debug, Clone)]
pub struct AcrossYearsView {
    /// The financial years, first to last (start years).
    pub years: Vec<i32>,
    /// One row per theme (current first, then retired; each by name).
    pub rows: Vec<AcrossYearsRow>,
}

/// One theme's counts.
#[derive(Debug, Clone)]
pub struct AcrossYearsRow {
    /// The theme.
    pub theme: ThemeRow,
    /// One count per year of [`AcrossYearsView::years`].
    pub cells: Vec<YearCount>,
    /// Over every year.
    pub total: YearCount,
}

async fn across_years_in(tx: &mut Tx, p: PartnershipId) -> ServiceResult<AcrossYearsView> {
    let mut themes = store::list_themes(&mut tx.conn(), p).await?;
    themes.sort_by_key(|t| t.retired); // stable: by name within each group
    let pairs = store::themed_subjects(&mut tx.conn(), p, None).await?;
    let items: Vec<(Uuid, SubjectType, NaiveDate)> = pairs
        .iter()
        .filter_map(|r| {
            Some((
                r.theme_id,
                SubjectType::parse(&r.subject_type)?,
                r.started_on,
            ))
        })
        .collect();
    let ids: Vec<Uuid> = themes.iter().map(|t| t.theme_id).collect();
    let built = AcrossYears::build(&ids, &items);
    let rows = themes
        .into_iter()
        .zip(built.rows)
        .map(|(theme, (_, cells, total))| AcrossYearsRow {
            theme,
            cells,
            total,
        })
        .collect();
    Ok(AcrossYearsView {
        years: built.years,
        rows,
    })
}

/// Themes by financial years (the case review access rule; audited view).
pub async fn across_years(svc: &Services, actor: &Actor) -> ServiceResult<AcrossYearsView> {
    require_view(svc, actor).await?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let v = across_years_in(&mut tx, actor.partnership_id).await?;
    view_entry(&mut tx, actor, "case_review_themes.across_years", None, now).await?;
    tx.commit().await?;
    Ok(v)
}

/// The across-years view's CSV column headings for these years.
pub fn across_years_headings(years: &[i32]) -> Vec<String> {
    let mut h = vec!["Theme".to_owned(), "Retired".to_owned()];
    for y in years {
        let l = financial_year_label(*y);
        h.push(format!("{l} notifications"));
        h.push(format!("{l} practice reviews"));
    }
    h.push("Total notifications".to_owned());
    h.push("Total practice reviews".to_owned());
    h
}

/// The across-years view as CSV through the one CSV writer (the case review access rule; writes
/// `case_review.themes.export`).
pub async fn across_years_csv(svc: &Services, actor: &Actor) -> ServiceResult<Export> {
    require_view(svc, actor).await?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let v = across_years_in(&mut tx, actor.partnership_id).await?;
    let mut w = CsvWriter::new(&across_years_headings(&v.years));
    for r in &v.rows {
        let mut cells = vec![
            r.theme.name.clone(),
            if r.theme.retired { "Yes" } else { "No" }.to_owned(),
        ];
        for c in &r.cells {
            cells.push(c.notifications.to_string());
            cells.push(c.practice_reviews.to_string());
        }
        cells.push(r.total.notifications.to_string());
        cells.push(r.total.practice_reviews.to_string());
        w.record(&cells);
    }
    let bytes = w.into_bytes();
    let mut e = actor.entry(
        "case_review.themes.export",
        "case_review_themes.across_years",
        None,
    );
    e.after = Some(json!({"format": "csv", "themes": v.rows.len(), "years": v.years}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(Export {
        file_name: format!("case-review-themes-{}.csv", uk_date(now)),
        content_type: "text/csv; charset=utf-8",
        rows: v.rows.len(),
        bytes,
    })
}

/// A theme with the reviews that carry it.
#[derive(Debug, Clone)]
pub struct ThemeReviews {
    /// The theme.
    pub theme: ThemeRow,
    /// The subjects carrying it (of the year and type asked for), by start date.
    pub subjects: Vec<ThemedSubjectRow>,
    /// The financial year asked for.
    pub year: Option<i32>,
    /// The type asked for.
    pub kind: Option<SubjectType>,
}

/// The reviews carrying a theme, optionally of one financial year and one type (the case review
/// access rule; audited view). `NotFound` for another partnership's theme.
pub async fn theme_reviews(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    year: Option<i32>,
    kind: Option<SubjectType>,
) -> ServiceResult<ThemeReviews> {
    require_view(svc, actor).await?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let theme = store::find_theme(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let subjects = store::themed_subjects(&mut tx.conn(), p, Some(id))
        .await?
        .into_iter()
        .filter(|s| year.is_none_or(|y| financial_year_of(s.started_on) == y))
        .filter(|s| kind.is_none_or(|k| s.subject_type == k.slug()))
        .collect();
    view_entry(
        &mut tx,
        actor,
        "case_review_theme",
        Some(id.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(ThemeReviews {
        theme,
        subjects,
        year,
        kind,
    })
}

// ---------------------------------------------------------------------------------------------
// A subject's learning

/// A recommendation with its addressees.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RecommendationView {
    /// The recommendation.
    pub recommendation: RecommendationRow,
    /// The organisations it is addressed to, by name.
    pub addressees: Vec<AddresseeRow>,
}

/// A subject's learning.
#[derive(Debug, Clone)]
pub struct Learning {
    /// Notification or practice review.
    pub kind: SubjectType,
    /// The subject.
    pub subject: SubjectRow,
    /// The themes it carries, by name.
    pub themes: Vec<SubjectThemeRow>,
    /// The themes that may be ticked: every current theme and the retired ones it carries.
    pub choices: Vec<ThemeRow>,
    /// Findings, by number.
    pub findings: Vec<FindingRow>,
    /// Recommendations, by number.
    pub recommendations: Vec<RecommendationView>,
    /// The caller may change them.
    pub can_manage: bool,
    /// The caller may keep the taxonomy.
    pub can_manage_themes: bool,
}

/// The subject (its reference, title and start), when the actor may see it, `NotFound` otherwise;
/// no audit entry (for handlers that check access before reading a request body, and form pages that
/// show only the reference).
pub async fn check_subject(
    svc: &Services,
    actor: &Actor,
    kind: SubjectType,
    id: Uuid,
) -> ServiceResult<SubjectRow> {
    require_record_view(svc, actor).await?;
    let mut pc = svc.db.acquire().await?;
    load_subject(&mut pc.conn(), actor.partnership_id, kind, id).await
}

/// The subject of the finding when the actor may see it, `NotFound` otherwise; no audit entry (for
/// handlers that check access before reading a request body).
pub async fn check_finding(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<(SubjectType, Uuid)> {
    require_record_view(svc, actor).await?;
    let mut pc = svc.db.acquire().await?;
    let f = store::find_finding(&mut pc.conn(), actor.partnership_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((subject_kind(&f.subject_type)?, f.subject_id))
}

/// `Ok` when the actor may see the recommendation, `NotFound` otherwise; no audit entry.
pub async fn check_recommendation(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    require_record_view(svc, actor).await?;
    let mut pc = svc.db.acquire().await?;
    store::find_recommendation(&mut pc.conn(), actor.partnership_id, id)
        .await?
        .map(|_| ())
        .ok_or(ServiceError::NotFound)
}

fn group_addressees(
    rows: Vec<RecommendationRow>,
    addressees: &[AddresseeRow],
) -> Vec<RecommendationView> {
    rows.into_iter()
        .map(|r| RecommendationView {
            addressees: addressees
                .iter()
                .filter(|a| a.recommendation_id == r.recommendation_id)
                .cloned()
                .collect(),
            recommendation: r,
        })
        .collect()
}

/// A subject's themes, findings and recommendations (the case review access rule; audited view).
pub async fn learning(
    svc: &Services,
    actor: &Actor,
    kind: SubjectType,
    id: Uuid,
) -> ServiceResult<Learning> {
    require_record_view(svc, actor).await?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let subject = load_subject(&mut tx.conn(), p, kind, id).await?;
    let themes = store::subject_themes(&mut tx.conn(), p, kind, id).await?;
    let choices = store::list_themes(&mut tx.conn(), p)
        .await?
        .into_iter()
        .filter(|t| !t.retired || themes.iter().any(|s| s.theme_id == t.theme_id))
        .collect();
    let findings = store::findings(&mut tx.conn(), p, kind, id).await?;
    let recs = store::recommendations(&mut tx.conn(), p, kind, id).await?;
    let addressees = store::addressees(&mut tx.conn(), p, Some((kind, id))).await?;
    view_entry(
        &mut tx,
        actor,
        learning_target(kind),
        Some(id.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Learning {
        kind,
        subject,
        themes,
        choices,
        findings,
        recommendations: group_addressees(recs, &addressees),
        can_manage: actor.can(Permission::ManageCaseReviews),
        can_manage_themes: actor.can(Permission::ManageCaseReviewThemes),
    })
}

/// Sets the themes a subject carries to those ticked (`ManageCaseReviews`): current themes may be
/// added; a retired theme may stay or be taken off, never newly added. Writes
/// `case_review.themes.set` with the names before and after (nothing when nothing changes).
pub async fn set_themes(
    svc: &Services,
    actor: &Actor,
    kind: SubjectType,
    id: Uuid,
    wanted: &[String],
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    require_record_view(svc, actor).await?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    set_themes_in_tx(&mut tx, actor, kind, id, wanted, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a subject's themes inside the caller's transaction (the demo uses it too).
pub(crate) async fn set_themes_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    kind: SubjectType,
    id: Uuid,
    wanted: &[String],
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let p = actor.partnership_id;
    load_subject(&mut tx.conn(), p, kind, id).await?;
    let taxonomy = store::list_themes(&mut tx.conn(), p).await?;
    let before = store::subject_themes(&mut tx.conn(), p, kind, id).await?;
    let current: Vec<Uuid> = before.iter().map(|t| t.theme_id).collect();
    let entries: Vec<TaxonomyEntry> = taxonomy
        .iter()
        .map(|t| TaxonomyEntry {
            id: t.theme_id,
            retired: t.retired,
        })
        .collect();
    let change = ThemeChange::plan(&current, wanted, &entries)?;
    if change.is_empty() {
        return Ok(());
    }
    for t in &change.added {
        store::add_subject_theme(&mut tx.conn(), p, (kind, id), *t, actor.person_id, now).await?;
    }
    for t in &change.removed {
        store::remove_subject_theme(&mut tx.conn(), p, (kind, id), *t).await?;
    }
    let after = store::subject_themes(&mut tx.conn(), p, kind, id).await?;
    let names = |rows: &[SubjectThemeRow]| rows.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    let mut e = actor.entry(
        "case_review.themes.set",
        learning_target(kind),
        Some(id.to_string()),
    );
    e.before = Some(json!({"themes": names(&before)}).to_string());
    e.after = Some(json!({"themes": names(&after)}).to_string());
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(())
}

fn number_taken(e: StoreError) -> ServiceError {
    if matches!(e, StoreError::Conflict(_)) {
        ServiceError::Conflict(NUMBER_TAKEN.to_owned())
    } else {
        e.into()
    }
}

/// Adds a finding to a subject, numbered next (`ManageCaseReviews`). Returns its id.
pub async fn add_finding(
    svc: &Services,
    actor: &Actor,
    kind: SubjectType,
    id: Uuid,
    input: &FindingInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageCaseReviews)?;
    require_record_view(svc, actor).await?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    load_subject(&mut tx.conn(), actor.partnership_id, kind, id).await?;
    let f = Finding::parse(input)?;
    let fid = add_finding_in_tx(&mut tx, actor, (kind, id), &f, now).await?;
    tx.commit().await?;
    Ok(fid)
}

/// Adds a valid finding to a subject that exists, inside the caller's transaction (the demo uses it).
pub(crate) async fn add_finding_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    (kind, subject): (SubjectType, Uuid),
    f: &Finding,
    now: DateTime<Utc>,
) -> ServiceResult<Uuid> {
    let p = actor.partnership_id;
    let number = next_number(&store::numbers(&mut tx.conn(), p, false, (kind, subject)).await?);
    let id = Uuid::new_v4();
    store::insert_finding(
        &mut tx.conn(),
        p,
        &NumberedWrite {
            id,
            kind,
            subject,
            number,
            title: &f.title,
            body: &f.body,
        },
        actor.person_id,
        now,
    )
    .await
    .map_err(number_taken)?;
    let mut e = actor.entry(
        "case_review.finding.create",
        "review_finding",
        Some(id.to_string()),
    );
    e.after = Some(
        json!({"subject_type": kind.slug(), "subject_id": subject, "number": number, "title": f.title, "body": f.body})
            .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(id)
}

/// A finding with its subject.
#[derive(Debug, Clone)]
pub struct FindingView {
    /// Notification or practice review.
    pub kind: SubjectType,
    /// The subject.
    pub subject: SubjectRow,
    /// The finding.
    pub finding: FindingRow,
    /// The caller may change it.
    pub can_manage: bool,
}

/// A finding (the case review access rule; audited view). `NotFound` for another partnership's.
pub async fn finding(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<FindingView> {
    require_record_view(svc, actor).await?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let finding = store::find_finding(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let kind = subject_kind(&finding.subject_type)?;
    let subject = load_subject(&mut tx.conn(), p, kind, finding.subject_id).await?;
    view_entry(&mut tx, actor, "review_finding", Some(id.to_string()), now).await?;
    tx.commit().await?;
    Ok(FindingView {
        kind,
        subject,
        finding,
        can_manage: actor.can(Permission::ManageCaseReviews),
    })
}

/// Changes a finding's title and body (`ManageCaseReviews`) against the version the form was built
/// from; a stale version is a `Conflict` and nothing changes.
pub async fn update_finding(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &FindingInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    require_record_view(svc, actor).await?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let before = store::find_finding(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut errors = ValidationErrors::new();
    let version = parse_version(&mut errors, &input.version);
    let f = match (Finding::parse(input), version) {
        (Ok(f), Some(_)) => f,
        (Err(mut e), _) => {
            e.0.extend(errors.0);
            return Err(e.into());
        }
        (Ok(_), None) => return Err(errors.into()),
    };
    let version = version.unwrap_or_default();
    if !store::update_finding(&mut tx.conn(), p, id, (&f.title, &f.body), version, now).await? {
        return Err(ServiceError::Conflict(CONFLICT_MESSAGE.to_owned()));
    }
    let mut e = actor.entry(
        "case_review.finding.update",
        "review_finding",
        Some(id.to_string()),
    );
    e.before = Some(
        json!({"number": before.number, "title": before.title, "body": before.body, "version": before.version})
            .to_string(),
    );
    e.after = Some(
        json!({"number": before.number, "title": f.title, "body": f.body, "version": version + 1})
            .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The subject's findings and the partnership's organisations, which a recommendation may name.
async fn recommendation_choices(
    tx: &mut Tx,
    p: PartnershipId,
    (kind, subject): (SubjectType, Uuid),
) -> ServiceResult<(Vec<Uuid>, Vec<Uuid>)> {
    let findings = store::findings(&mut tx.conn(), p, kind, subject)
        .await?
        .iter()
        .map(|f| f.finding_id)
        .collect();
    let orgs = organisations::list_for_partnership(&mut tx.conn(), p)
        .await?
        .iter()
        .map(|o| o.organisation_id)
        .collect();
    Ok((findings, orgs))
}

/// Adds a recommendation to a subject, numbered next, with its addressees (`ManageCaseReviews`).
/// Returns its id, the stable reference the recommendations tracker keeps.
pub async fn add_recommendation(
    svc: &Services,
    actor: &Actor,
    kind: SubjectType,
    id: Uuid,
    input: &RecommendationInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageCaseReviews)?;
    require_record_view(svc, actor).await?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    load_subject(&mut tx.conn(), p, kind, id).await?;
    let (findings, orgs) = recommendation_choices(&mut tx, p, (kind, id)).await?;
    let r = Recommendation::parse(input, &findings, &orgs)?;
    let rid = add_recommendation_in_tx(&mut tx, actor, (kind, id), &r, now).await?;
    tx.commit().await?;
    Ok(rid)
}

/// Adds a valid recommendation to a subject that exists, inside the caller's transaction (the demo
/// uses it too).
pub(crate) async fn add_recommendation_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    (kind, subject): (SubjectType, Uuid),
    r: &Recommendation,
    now: DateTime<Utc>,
) -> ServiceResult<Uuid> {
    let p = actor.partnership_id;
    let number = next_number(&store::numbers(&mut tx.conn(), p, true, (kind, subject)).await?);
    let id = Uuid::new_v4();
    store::insert_recommendation(
        &mut tx.conn(),
        p,
        &NumberedWrite {
            id,
            kind,
            subject,
            number,
            title: &r.title,
            body: &r.body,
        },
        r.finding_id,
        actor.person_id,
        now,
    )
    .await
    .map_err(number_taken)?;
    store::set_addressees(&mut tx.conn(), p, id, &r.addressees).await?;
    let mut e = actor.entry(
        "case_review.recommendation.create",
        "review_recommendation",
        Some(id.to_string()),
    );
    e.after = Some(
        json!({"subject_type": kind.slug(), "subject_id": subject, "number": number, "finding_id": r.finding_id,
               "title": r.title, "body": r.body, "addressees": r.addressees})
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    Ok(id)
}

/// A recommendation with its subject, finding and addressees.
#[derive(Debug, Clone)]
pub struct RecommendationDetail {
    /// Notification or practice review.
    pub kind: SubjectType,
    /// The subject.
    pub subject: SubjectRow,
    /// The recommendation and its addressees.
    pub view: RecommendationView,
    /// The finding it follows from.
    pub finding: Option<FindingRow>,
    /// The subject's findings (for the edit form).
    pub findings: Vec<FindingRow>,
    /// The caller may change it.
    pub can_manage: bool,
}

/// A recommendation (the case review access rule; audited view). `NotFound` for another
/// partnership's. The recommendations tracker reads recommendations through this.
pub async fn recommendation(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<RecommendationDetail> {
    require_record_view(svc, actor).await?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let rec = store::find_recommendation(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let kind = subject_kind(&rec.subject_type)?;
    let subject = load_subject(&mut tx.conn(), p, kind, rec.subject_id).await?;
    let findings = store::findings(&mut tx.conn(), p, kind, rec.subject_id).await?;
    let addressees = store::addressees_of(&mut tx.conn(), p, id).await?;
    view_entry(
        &mut tx,
        actor,
        "review_recommendation",
        Some(id.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(RecommendationDetail {
        kind,
        subject,
        finding: rec
            .finding_id
            .and_then(|f| findings.iter().find(|x| x.finding_id == f).cloned()),
        findings,
        view: RecommendationView {
            recommendation: rec,
            addressees,
        },
        can_manage: actor.can(Permission::ManageCaseReviews),
    })
}

/// Changes a recommendation's finding, title, body and addressees (`ManageCaseReviews`) against the
/// version the form was built from; a stale version is a `Conflict` and nothing changes.
pub async fn update_recommendation(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &RecommendationInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageCaseReviews)?;
    require_record_view(svc, actor).await?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let before = store::find_recommendation(&mut tx.conn(), p, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let kind = subject_kind(&before.subject_type)?;
    let before_to: Vec<Uuid> = store::addressees_of(&mut tx.conn(), p, id)
        .await?
        .iter()
        .map(|a| a.organisation_id)
        .collect();
    let mut errors = ValidationErrors::new();
    let version = parse_version(&mut errors, &input.version);
    let (findings, orgs) = recommendation_choices(&mut tx, p, (kind, before.subject_id)).await?;
    let r = match (Recommendation::parse(input, &findings, &orgs), version) {
        (Ok(r), Some(_)) => r,
        (Err(mut e), _) => {
            e.0.extend(errors.0);
            return Err(e.into());
        }
        (Ok(_), None) => return Err(errors.into()),
    };
    let version = version.unwrap_or_default();
    let changed = store::update_recommendation(
        &mut tx.conn(),
        p,
        id,
        (r.finding_id, &r.title, &r.body),
        version,
        now,
    )
    .await?;
    if !changed {
        return Err(ServiceError::Conflict(CONFLICT_MESSAGE.to_owned()));
    }
    store::set_addressees(&mut tx.conn(), p, id, &r.addressees).await?;
    let mut e = actor.entry(
        "case_review.recommendation.update",
        "review_recommendation",
        Some(id.to_string()),
    );
    e.before = Some(
        json!({"number": before.number, "finding_id": before.finding_id, "title": before.title, "body": before.body,
               "addressees": before_to, "version": before.version})
        .to_string(),
    );
    e.after = Some(
        json!({"number": before.number, "finding_id": r.finding_id, "title": r.title, "body": r.body,
               "addressees": r.addressees, "version": version + 1})
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A recommendation as the tracker lists it: with its subject's reference and addressees.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RecommendationRef {
    /// The recommendation and its subject's reference.
    pub recommendation: RecommendationRefRow,
    /// The organisations it is addressed to.
    pub addressees: Vec<AddresseeRow>,
}

/// Every review recommendation of the partnership with its subject's reference and addressees, by
/// subject start date, reference and number: what the recommendations tracker picks from and links
/// to (the case review access rule; audited view).
pub async fn partnership_recommendations(
    svc: &Services,
    actor: &Actor,
) -> ServiceResult<Vec<RecommendationRef>> {
    require_view(svc, actor).await?;
    let now = svc.now();
    let p = actor.partnership_id;
    let mut tx = svc.db.begin().await?;
    let rows = store::partnership_recommendations(&mut tx.conn(), p).await?;
    let addressees = store::addressees(&mut tx.conn(), p, None).await?;
    view_entry(&mut tx, actor, "review_recommendations", None, now).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| RecommendationRef {
            addressees: addressees
                .iter()
                .filter(|a| a.recommendation_id == r.recommendation_id)
                .cloned()
                .collect(),
            recommendation: r,
        })
        .collect())
}
