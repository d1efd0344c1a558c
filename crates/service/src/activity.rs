//! The activity and impact log: what the partnership did and the difference it made to safeguarding,
//! read month by month over a financial year (April to March), with CSV and XLSX exports.
//!
//! # Access
//!
//! * `ViewActivityLog` reads the log and exports it; `ManageActivityLog` adds and edits entries and
//!   their evidence links. An entry of another partnership is [`ServiceError::NotFound`].
//!
//! # Changes
//!
//! Every change writes its audit entry in the same transaction: `activity.create`, `activity.update`
//! (with before and after), `activity.link_add`, `activity.link_remove`; exports write
//! `activity.export` (the data leaves the system). Edits carry the version the form was built from:
//! a stale version is a [`ServiceError::Conflict`] and changes nothing, so the person's text can be
//! shown back to them. Entries are never deleted and a removed link keeps its row.
//!
//! # Evidence links
//!
//! [`check_target`] has one arm per target type. Files and actions must be live records of the same
//! partnership; a meeting link is refused until the meetings module is merged (its arm then calls the
//! meeting store's `find`); an external address must be https.

use crate::{Actor, ServiceError, ServiceResult, Services};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use safeguard_domain::activity::{
    self as rules, EntryFields, EntryInput, LinkInput, LinkTarget, LinkType, NewLink,
};
use safeguard_domain::csv::CsvWriter;
use safeguard_domain::policy::Permission;
use safeguard_domain::{ActionId, PartnershipId, ValidationErrors};
use safeguard_store::activity::{self as store, Entry, EntryFilter, EntryRow, Link, NewLinkRow};
use safeguard_store::bodies::{self, Body};
use safeguard_store::{Conn, audit_log};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Message for a stale edit.
pub const CONFLICT_MESSAGE: &str = "Someone else changed this entry while you were editing it. \
     Your text is shown below and has not been saved: check the entry, then save again.";

/// An entry with its tags and live links.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EntryView {
    /// The entry.
    pub entry: Entry,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Evidence links, in the order they were added.
    pub links: Vec<Link>,
}

/// One month of the financial year.
#[derive(Debug, Clone)]
pub struct MonthView {
    /// Calendar year.
    pub year: i32,
    /// Month (1–12).
    pub month: u32,
    /// "April 2022".
    pub label: String,
    /// Entries, oldest first.
    pub entries: Vec<EntryView>,
}

/// A financial year of the log.
#[derive(Debug, Clone)]
pub struct YearView {
    /// The year it starts (2022 for 2022-23).
    pub year: i32,
    /// "2022-23".
    pub label: String,
    /// Twelve months, April first.
    pub months: Vec<MonthView>,
    /// All entries shown.
    pub total: usize,
}

/// Filters from a page or the API (raw ids and tags are checked here).
#[derive(Debug, Clone, Default)]
pub struct YearQuery {
    /// Only this body.
    pub body: Option<Uuid>,
    /// Only this tag (normalised).
    pub tag: Option<String>,
}

fn month_name(month: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES
        .get(usize::try_from(month).unwrap_or(0).saturating_sub(1))
        .copied()
        .unwrap_or("")
}

/// "April 2022".
pub fn month_label(year: i32, month: u32) -> String {
    format!("{} {year}", month_name(month))
}

/// The current financial year in England.
pub fn current_year(now: DateTime<Utc>) -> i32 {
    rules::financial_year_of(safeguard_domain::actions::uk_date(now))
}

fn entry_json(e: &EntryFieldsRef<'_>) -> serde_json::Value {
    json!({
        "entry_date": e.entry_date,
        "body_id": e.body_id,
        "workstream": e.workstream,
        "title": e.title,
        "what_happened": e.what_happened,
        "impact": e.impact,
        "tags": e.tags,
        "version": e.version,
    })
}

struct EntryFieldsRef<'a> {
    entry_date: NaiveDate,
    body_id: Option<Uuid>,
    workstream: &'a str,
    title: &'a str,
    what_happened: &'a str,
    impact: &'a str,
    tags: &'a [String],
    version: i64,
}

fn row(f: &EntryFields) -> EntryRow<'_> {
    EntryRow {
        entry_date: f.entry_date,
        body_id: f.body_id,
        workstream: &f.workstream,
        title: &f.title,
        what_happened: &f.what_happened,
        impact: &f.impact,
    }
}

async fn check_body(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    body: Option<Uuid>,
) -> ServiceResult<()> {
    let Some(b) = body else { return Ok(()) };
    let all = bodies::list_for_partnership(c, partnership).await?;
    if all.iter().any(|x| x.body_id == b) {
        Ok(())
    } else {
        Err(
            ValidationErrors::single("body_id", "Select a board or sub-group of this partnership")
                .into(),
        )
    }
}

/// The boards and sub-groups an entry can belong to (`ViewActivityLog`, for forms and filters).
pub async fn bodies(svc: &Services, actor: &Actor) -> ServiceResult<Vec<Body>> {
    actor.require(Permission::ViewActivityLog)?;
    let mut pc = svc.db.acquire().await?;
    Ok(bodies::list_for_partnership(&mut pc.conn(), actor.partnership_id).await?)
}

/// Every tag in use in the partnership (`ViewActivityLog`).
pub async fn tags_in_use(svc: &Services, actor: &Actor) -> ServiceResult<Vec<String>> {
    actor.require(Permission::ViewActivityLog)?;
    let mut pc = svc.db.acquire().await?;
    Ok(store::tags_in_use(&mut pc.conn(), actor.partnership_id).await?)
}

/// The financial years offered by the year picker: from the earliest entry's (or this year's) to the
/// latest entry's (or this year's), newest first.
pub async fn years(svc: &Services, actor: &Actor) -> ServiceResult<Vec<i32>> {
    actor.require(Permission::ViewActivityLog)?;
    let now = current_year(svc.now());
    let mut pc = svc.db.acquire().await?;
    let (lo, hi) = match store::dates_range(&mut pc.conn(), actor.partnership_id).await? {
        Some((a, b)) => (
            rules::financial_year_of(a).min(now),
            rules::financial_year_of(b).max(now),
        ),
        None => (now, now),
    };
    Ok((lo..=hi).rev().collect())
}

/// Adds an entry (`ManageActivityLog`). Returns its id.
pub async fn create(svc: &Services, actor: &Actor, input: &EntryInput) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageActivityLog)?;
    let f = EntryFields::parse(input)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    check_body(&mut tx.conn(), actor.partnership_id, f.body_id).await?;
    let id = Uuid::new_v4();
    store::insert(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        &row(&f),
        actor.person_id,
        now,
    )
    .await?;
    store::set_tags(&mut tx.conn(), actor.partnership_id, id, &f.tags).await?;
    let mut e = actor.entry("activity.create", "activity_entry", Some(id.to_string()));
    e.after = Some(
        entry_json(&EntryFieldsRef {
            entry_date: f.entry_date,
            body_id: f.body_id,
            workstream: &f.workstream,
            title: &f.title,
            what_happened: &f.what_happened,
            impact: &f.impact,
            tags: &f.tags,
            version: 1,
        })
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(id)
}

async fn load(c: &mut Conn<'_>, partnership: PartnershipId, id: Uuid) -> ServiceResult<EntryView> {
    let entry = store::find(c, partnership, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let tags = store::tags_of(c, partnership, id).await?;
    let links = store::links_of(c, partnership, id).await?;
    Ok(EntryView { entry, tags, links })
}

/// One entry with its tags and links (`ViewActivityLog`; another partnership's is `NotFound`).
pub async fn get(svc: &Services, actor: &Actor, id: Uuid) -> ServiceResult<EntryView> {
    actor.require(Permission::ViewActivityLog)?;
    let mut pc = svc.db.acquire().await?;
    load(&mut pc.conn(), actor.partnership_id, id).await
}

/// Edits an entry (`ManageActivityLog`) against the version the form was built from; a stale version
/// is a `Conflict` and nothing changes.
pub async fn update(
    svc: &Services,
    actor: &Actor,
    id: Uuid,
    input: &EntryInput,
) -> ServiceResult<()> {
    actor.require(Permission::ManageActivityLog)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let before = load(&mut tx.conn(), actor.partnership_id, id).await?;
    let parsed = EntryFields::parse(input);
    let mut errors = ValidationErrors::new();
    let version = rules::parse_version(&mut errors, &input.version);
    let (f, version) = match (parsed, version) {
        (Ok(f), Some(v)) => (f, v),
        (Err(mut e), _) => {
            e.0.extend(errors.0);
            return Err(e.into());
        }
        (Ok(_), None) => return Err(errors.into()),
    };
    check_body(&mut tx.conn(), actor.partnership_id, f.body_id).await?;
    let ok = store::update(
        &mut tx.conn(),
        actor.partnership_id,
        id,
        &row(&f),
        version,
        actor.person_id,
        now,
    )
    .await?;
    if !ok {
        return Err(ServiceError::Conflict(CONFLICT_MESSAGE.to_owned()));
    }
    store::set_tags(&mut tx.conn(), actor.partnership_id, id, &f.tags).await?;
    let b = &before.entry;
    let mut e = actor.entry("activity.update", "activity_entry", Some(id.to_string()));
    e.before = Some(
        entry_json(&EntryFieldsRef {
            entry_date: b.entry_date,
            body_id: b.body_id,
            workstream: &b.workstream,
            title: &b.title,
            what_happened: &b.what_happened,
            impact: &b.impact,
            tags: &before.tags,
            version: b.version,
        })
        .to_string(),
    );
    e.after = Some(
        entry_json(&EntryFieldsRef {
            entry_date: f.entry_date,
            body_id: f.body_id,
            workstream: &f.workstream,
            title: &f.title,
            what_happened: &f.what_happened,
            impact: &f.impact,
            tags: &f.tags,
            version: version + 1,
        })
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

/// How a meeting is named in pickers and as a link's default label.
fn meeting_name(m: &safeguard_store::governance::MeetingRow) -> String {
    format!(
        "{} meeting, {}",
        m.body_name,
        m.meeting_date.format("%-d %B %Y")
    )
}

/// Checks a linked record exists, live, in the partnership, and returns its name (the default label).
/// One arm per target type: the meetings module adds its store's lookup to the `Meeting` arm.
async fn check_target(
    c: &mut Conn<'_>,
    actor: &Actor,
    kind: LinkType,
    id: Uuid,
) -> ServiceResult<String> {
    let missing = |what: &str| -> ServiceError {
        ValidationErrors::single("target_id", format!("Select {what} of this partnership")).into()
    };
    match kind {
        LinkType::File => safeguard_store::files::find(
            c,
            actor.partnership_id,
            id,
            actor.can(Permission::ViewBoardPapers),
        )
        .await?
        .map(|f| f.original_name)
        .ok_or_else(|| missing("a document")),
        LinkType::Action => safeguard_store::actions::find(c, actor.partnership_id, ActionId(id))
            .await?
            .map(|a| a.title)
            .ok_or_else(|| missing("an action")),
        LinkType::Meeting => safeguard_store::governance::find_meeting(c, actor.partnership_id, id)
            .await?
            .map(|m| meeting_name(&m))
            .ok_or_else(|| missing("a meeting")),
        LinkType::Url => Err(ValidationErrors::single("url", "Enter the web address").into()),
    }
}

/// Adds an evidence link to an entry (`ManageActivityLog`). Returns the link's id.
pub async fn add_link(
    svc: &Services,
    actor: &Actor,
    entry: Uuid,
    input: &LinkInput,
) -> ServiceResult<Uuid> {
    actor.require(Permission::ManageActivityLog)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    store::find(&mut tx.conn(), actor.partnership_id, entry)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let link = NewLink::parse(input)?;
    let (kind, target_id, url, name) = match &link.target {
        LinkTarget::Record(kind, id) => {
            let name = check_target(&mut tx.conn(), actor, *kind, *id).await?;
            (*kind, Some(*id), None, name)
        }
        LinkTarget::Url(u) => (LinkType::Url, None, Some(u.as_str()), u.clone()),
    };
    let label = if link.label.is_empty() {
        name
    } else {
        link.label.clone()
    };
    let id = Uuid::new_v4();
    store::add_link(
        &mut tx.conn(),
        actor.partnership_id,
        &NewLinkRow {
            id,
            entry,
            target_type: kind.slug(),
            target_id,
            url,
            label: &label,
        },
        actor.person_id,
        now,
    )
    .await?;
    let mut e = actor.entry(
        "activity.link_add",
        "activity_entry",
        Some(entry.to_string()),
    );
    e.after = Some(
        json!({"activity_link_id": id, "target_type": kind.slug(), "target_id": target_id, "url": url, "label": label})
            .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes an evidence link from an entry (`ManageActivityLog`); the row stays, marked removed.
pub async fn remove_link(
    svc: &Services,
    actor: &Actor,
    entry: Uuid,
    link: Uuid,
) -> ServiceResult<()> {
    actor.require(Permission::ManageActivityLog)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let view = load(&mut tx.conn(), actor.partnership_id, entry).await?;
    let Some(found) = view.links.iter().find(|l| l.activity_link_id == link) else {
        return Err(ServiceError::NotFound);
    };
    if !store::remove_link(
        &mut tx.conn(),
        actor.partnership_id,
        entry,
        link,
        actor.person_id,
        now,
    )
    .await?
    {
        return Err(ServiceError::NotFound);
    }
    let mut e = actor.entry(
        "activity.link_remove",
        "activity_entry",
        Some(entry.to_string()),
    );
    e.before = Some(
        json!({"activity_link_id": link, "target_type": found.target_type, "target_id": found.target_id, "url": found.url, "label": found.label})
            .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(())
}

fn check_year(year: i32) -> ServiceResult<(NaiveDate, NaiveDate)> {
    rules::financial_year_range(year)
        .filter(|_| rules::valid_year(year))
        .ok_or_else(|| {
            ValidationErrors::single("year", "Choose a financial year from 2000 to 2199").into()
        })
}

async fn year_entries(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    year: i32,
    q: &YearQuery,
) -> ServiceResult<Vec<EntryView>> {
    let (from, to) = check_year(year)?;
    let filter = EntryFilter {
        body: q.body,
        tag: q.tag.clone(),
    };
    let entries = store::list_between(c, partnership, from, to, &filter).await?;
    let mut tags: HashMap<Uuid, Vec<String>> = HashMap::new();
    for t in store::tags_between(c, partnership, from, to).await? {
        tags.entry(t.activity_entry_id).or_default().push(t.tag);
    }
    let mut links: HashMap<Uuid, Vec<Link>> = HashMap::new();
    for l in store::links_between(c, partnership, from, to).await? {
        links.entry(l.activity_entry_id).or_default().push(l);
    }
    Ok(entries
        .into_iter()
        .map(|e| EntryView {
            tags: tags.remove(&e.activity_entry_id).unwrap_or_default(),
            links: links.remove(&e.activity_entry_id).unwrap_or_default(),
            entry: e,
        })
        .collect())
}

/// The financial year starting in April of `year`, month by month (`ViewActivityLog`).
pub async fn year(
    svc: &Services,
    actor: &Actor,
    year: i32,
    q: &YearQuery,
) -> ServiceResult<YearView> {
    actor.require(Permission::ViewActivityLog)?;
    let mut pc = svc.db.acquire().await?;
    let entries = year_entries(&mut pc.conn(), actor.partnership_id, year, q).await?;
    let total = entries.len();
    let mut months: Vec<MonthView> = rules::financial_year_months(year)
        .into_iter()
        .map(|(y, m)| MonthView {
            year: y,
            month: m,
            label: month_label(y, m),
            entries: Vec::new(),
        })
        .collect();
    for e in entries {
        let (y, m) = (e.entry.entry_date.year(), e.entry.entry_date.month());
        if let Some(slot) = months.iter_mut().find(|x| x.year == y && x.month == m) {
            slot.entries.push(e);
        }
    }
    Ok(YearView {
        year,
        label: rules::financial_year_label(year),
        months,
        total,
    })
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Comma-separated values (RFC 4180, UTF-8).
    Csv,
    /// An Excel workbook.
    Xlsx,
}

impl ExportFormat {
    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }
    /// Media type.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
}

/// A file ready to download.
#[derive(Debug, Clone)]
pub struct Export {
    /// "activity-2022-23.csv".
    pub file_name: String,
    /// Media type.
    pub content_type: &'static str,
    /// Content.
    pub bytes: Vec<u8>,
    /// Entries in it.
    pub rows: usize,
}

/// The export's column headings.
pub const EXPORT_HEADINGS: [&str; 8] = [
    "Date",
    "Month",
    "Board, sub-group or workstream",
    "Title",
    "What happened",
    "Safeguarding impact",
    "Tags",
    "Evidence",
];

fn evidence_text(links: &[Link]) -> String {
    links
        .iter()
        .map(|l| match &l.url {
            Some(u) if *u != l.label => format!("{} ({u})", l.label),
            _ => l.label.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn csv(entries: &[EntryView]) -> Vec<u8> {
    let mut out = CsvWriter::new(&EXPORT_HEADINGS);
    for v in entries {
        let e = &v.entry;
        out.record(&[
            e.entry_date.format("%Y-%m-%d").to_string(),
            month_label(e.entry_date.year(), e.entry_date.month()),
            e.body_or_workstream().to_owned(),
            e.title.clone(),
            e.what_happened.clone(),
            e.impact.clone(),
            v.tags.join(", "),
            evidence_text(&v.links),
        ]);
    }
    out.into_bytes()
}

fn xlsx(entries: &[EntryView], sheet: &str) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let date = Format::new()
        .set_num_format("d mmmm yyyy")
        .set_align(FormatAlign::Top);
    let widths = [14.0, 16.0, 30.0, 36.0, 70.0, 70.0, 24.0, 40.0];
    for (i, (h, w)) in EXPORT_HEADINGS.iter().zip(widths).enumerate() {
        let col = u16::try_from(i).unwrap_or(0);
        ws.write_string_with_format(0, col, *h, &bold)?;
        ws.set_column_width(col, w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (i, v) in entries.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let e = &v.entry;
        let d = ExcelDateTime::from_ymd(
            u16::try_from(e.entry_date.year()).unwrap_or(1900),
            u8::try_from(e.entry_date.month()).unwrap_or(1),
            u8::try_from(e.entry_date.day()).unwrap_or(1),
        )?;
        ws.write_datetime_with_format(r, 0, &d, &date)?;
        let texts = [
            month_label(e.entry_date.year(), e.entry_date.month()),
            e.body_or_workstream().to_owned(),
            e.title.clone(),
            e.what_happened.clone(),
            e.impact.clone(),
            v.tags.join(", "),
            evidence_text(&v.links),
        ];
        for (j, t) in texts.iter().enumerate() {
            ws.write_string_with_format(r, u16::try_from(j + 1).unwrap_or(0), t, &wrap)?;
        }
    }
    let last = u32::try_from(entries.len()).unwrap_or(u32::MAX);
    ws.autofilter(0, 0, last, 7)?;
    wb.save_to_buffer()
}

/// Exports a financial year with the same filters as the page (`ViewActivityLog`), after committing
/// the `activity.export` audit entry (year, filters, format, number of entries).
pub async fn export(
    svc: &Services,
    actor: &Actor,
    year: i32,
    q: &YearQuery,
    format: ExportFormat,
) -> ServiceResult<Export> {
    actor.require(Permission::ViewActivityLog)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let entries = year_entries(&mut tx.conn(), actor.partnership_id, year, q).await?;
    let label = rules::financial_year_label(year);
    let bytes = match format {
        ExportFormat::Csv => csv(&entries),
        ExportFormat::Xlsx => xlsx(&entries, &format!("Activity {label}"))
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("xlsx export: {e}")))?,
    };
    let mut e = actor.entry("activity.export", "activity_log", Some(label.clone()));
    e.after = Some(
        json!({
            "year": year,
            "format": format.extension(),
            "body_id": q.body,
            "tag": q.tag,
            "entries": entries.len(),
            "bytes": bytes.len(),
        })
        .to_string(),
    );
    audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(Export {
        file_name: format!("activity-{label}.{}", format.extension()),
        content_type: format.content_type(),
        rows: entries.len(),
        bytes,
    })
}

/// A record an entry can link to, for the add-link form.
#[derive(Debug, Clone)]
pub struct LinkChoice {
    /// file or action.
    pub kind: LinkType,
    /// Id.
    pub id: Uuid,
    /// Name to show.
    pub name: String,
}

/// The partnership's newest documents and actions, to link as evidence (`ManageActivityLog`).
pub async fn link_choices(svc: &Services, actor: &Actor) -> ServiceResult<Vec<LinkChoice>> {
    actor.require(Permission::ManageActivityLog)?;
    let mut pc = svc.db.acquire().await?;
    let (files, _) = safeguard_store::files::list(
        &mut pc.conn(),
        actor.partnership_id,
        &safeguard_store::files::FileFilter {
            include_board: actor.can(Permission::ViewBoardPapers),
            ..Default::default()
        },
        200,
        0,
    )
    .await?;
    let (actions, _) = safeguard_store::actions::list(
        &mut pc.conn(),
        actor.partnership_id,
        &safeguard_store::actions::ActionFilter::default(),
        safeguard_domain::actions::uk_date(svc.now()),
        200,
        0,
    )
    .await?;
    let mut out: Vec<LinkChoice> = files
        .into_iter()
        .map(|f| LinkChoice {
            kind: LinkType::File,
            id: f.file_id,
            name: f.original_name,
        })
        .collect();
    out.extend(actions.into_iter().map(|a| LinkChoice {
        kind: LinkType::Action,
        id: a.action_id,
        name: a.title,
    }));
    if actor.can(Permission::ViewGovernance) {
        let meetings =
            safeguard_store::governance::recent_meetings(&mut pc.conn(), actor.partnership_id, 200)
                .await?;
        out.extend(meetings.iter().map(|m| LinkChoice {
            kind: LinkType::Meeting,
            id: m.meeting_id,
            name: meeting_name(m),
        }));
    }
    Ok(out)
}
