//! The activity and impact log: entries, their tags and their evidence links. Every function takes
//! the partnership and filters by it. Entries are never deleted; links are removed by setting
//! `removed_at` (the row stays).

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::{PartnershipId, PersonId};
use uuid::Uuid;

/// An entry, with the name of its body.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Entry {
    /// Id.
    pub activity_entry_id: Uuid,
    /// Partnership.
    pub partnership_id: Uuid,
    /// Date.
    pub entry_date: NaiveDate,
    /// The body, if any.
    pub body_id: Option<Uuid>,
    /// Its name.
    pub body_name: Option<String>,
    /// The workstream, when there is no body.
    pub workstream: String,
    /// Title.
    pub title: String,
    /// What happened.
    pub what_happened: String,
    /// The safeguarding impact.
    pub impact: String,
    /// Creator.
    pub created_by: Uuid,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last editor.
    pub updated_by: Uuid,
    /// Their name.
    pub updated_by_name: String,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic concurrency version.
    pub version: i64,
}

impl Entry {
    /// The body's name, or else the workstream.
    pub fn body_or_workstream(&self) -> &str {
        self.body_name.as_deref().unwrap_or(&self.workstream)
    }
}

const SELECT: &str = "select e.activity_entry_id, e.partnership_id, e.entry_date, e.body_id, b.name as body_name, \
     e.workstream, e.title, e.what_happened, e.impact, e.created_by, e.created_at, e.updated_by, \
     u.name as updated_by_name, e.updated_at, e.version \
     from activity_entry e left join body b on b.body_id = e.body_id and b.partnership_id = e.partnership_id \
     join person u on u.person_id = e.updated_by";

/// The fields of an entry as written.
#[derive(Debug, Clone)]
pub struct EntryRow<'a> {
    /// Date.
    pub entry_date: NaiveDate,
    /// Body.
    pub body_id: Option<Uuid>,
    /// Workstream (empty when there is a body).
    pub workstream: &'a str,
    /// Title.
    pub title: &'a str,
    /// What happened.
    pub what_happened: &'a str,
    /// Impact.
    pub impact: &'a str,
}

/// Inserts an entry (version 1).
pub async fn insert(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    row: &EntryRow<'_>,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into activity_entry (activity_entry_id, partnership_id, entry_date, body_id, workstream, title,
                 what_happened, impact, created_by, created_at, updated_by, updated_at, version)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10, 1)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id)
        .bind(partnership.0)
        .bind(row.entry_date)
        .bind(row.body_id)
        .bind(row.workstream)
        .bind(row.title)
        .bind(row.what_happened)
        .bind(row.impact)
        .bind(by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Changes an entry if its version is still `expected`; false when stale (or missing). The version
/// goes up by one.
pub async fn update(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    id: Uuid,
    row: &EntryRow<'_>,
    expected: i64,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update activity_entry set entry_date = $3, body_id = $4, workstream = $5, title = $6, \
               what_happened = $7, impact = $8, updated_by = $9, updated_at = $10, version = version + 1 \
               where partnership_id = $1 and activity_entry_id = $2 and version = $11";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(id)
        .bind(row.entry_date)
        .bind(row.body_id)
        .bind(row.workstream)
        .bind(row.title)
        .bind(row.what_happened)
        .bind(row.impact)
        .bind(by.0)
        .bind(now)
        .bind(expected)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Finds an entry of the partnership.
pub async fn find(c: &mut Conn<'_>, partnership: PartnershipId, id: Uuid) -> Result<Option<Entry>> {
    let sql = format!("{SELECT} where e.partnership_id = $1 and e.activity_entry_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Entry>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(id)
    .fetch_optional(e)
    .await)?)
}

/// Filters for [`list_between`].
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    /// Only entries of this body.
    pub body: Option<Uuid>,
    /// Only entries with this (normalised) tag.
    pub tag: Option<String>,
}

const FILTER: &str = r#"
    where e.partnership_id = $1 and e.entry_date >= $2 and e.entry_date < $3
      and ($4 = 0 or e.body_id = $5)
      and ($6 = '' or exists (select 1 from activity_tag t where t.partnership_id = e.partnership_id
                              and t.activity_entry_id = e.activity_entry_id and t.tag = $6))
"#;

/// The partnership's entries dated from `from` (inclusive) to `to` (exclusive), oldest first.
pub async fn list_between(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    from: NaiveDate,
    to: NaiveDate,
    filter: &EntryFilter,
) -> Result<Vec<Entry>> {
    let has_body = i64::from(filter.body.is_some());
    let body = filter.body.unwrap_or(Uuid::nil());
    let tag = filter.tag.clone().unwrap_or_default();
    let sql = format!("{SELECT} {FILTER} order by e.entry_date, e.created_at, e.activity_entry_id");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Entry>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(from)
    .bind(to)
    .bind(has_body)
    .bind(body)
    .bind(&tag)
    .fetch_all(e)
    .await)?)
}

/// How many entries the partnership has.
pub async fn count(c: &mut Conn<'_>, partnership: PartnershipId) -> Result<i64> {
    Ok(on_conn!(c, |e| sqlx::query_scalar(
        "select count(*) from activity_entry where partnership_id = $1"
    )
    .bind(partnership.0)
    .fetch_one(e)
    .await)?)
}

/// Replaces the entry's tags (already normalised).
pub async fn set_tags(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    entry: Uuid,
    tags: &[String],
) -> Result<()> {
    on_conn!(c, |e| sqlx::query(
        "delete from activity_tag where partnership_id = $1 and activity_entry_id = $2"
    )
    .bind(partnership.0)
    .bind(entry)
    .execute(e)
    .await
    .map(|r| r.rows_affected()))?;
    for t in tags {
        on_conn!(c, |e| sqlx::query(
            "insert into activity_tag (activity_entry_id, partnership_id, tag) values ($1, $2, $3) \
             on conflict do nothing"
        )
        .bind(entry)
        .bind(partnership.0)
        .bind(t.as_str())
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// A tag of an entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TagRow {
    /// The entry.
    pub activity_entry_id: Uuid,
    /// The tag.
    pub tag: String,
}

/// The tags of the partnership's entries dated in `[from, to)`, by entry then tag.
pub async fn tags_between(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<TagRow>> {
    let sql = "select t.activity_entry_id, t.tag from activity_tag t join activity_entry e \
               on e.activity_entry_id = t.activity_entry_id and e.partnership_id = t.partnership_id \
               where t.partnership_id = $1 and e.entry_date >= $2 and e.entry_date < $3 \
               order by t.activity_entry_id, t.tag";
    Ok(on_conn!(c, |e| sqlx::query_as::<_, TagRow>(sql)
        .bind(partnership.0)
        .bind(from)
        .bind(to)
        .fetch_all(e)
        .await)?)
}

/// One entry's tags, sorted.
pub async fn tags_of(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    entry: Uuid,
) -> Result<Vec<String>> {
    Ok(on_conn!(c, |e| {
        sqlx::query_scalar(
        "select tag from activity_tag where partnership_id = $1 and activity_entry_id = $2 order by tag"
    )
    .bind(partnership.0)
    .bind(entry)
    .fetch_all(e)
    .await
    })?)
}

/// Every tag in use in the partnership, sorted (for the filter).
pub async fn tags_in_use(c: &mut Conn<'_>, partnership: PartnershipId) -> Result<Vec<String>> {
    Ok(on_conn!(c, |e| sqlx::query_scalar(
        "select distinct tag from activity_tag where partnership_id = $1 order by tag"
    )
    .bind(partnership.0)
    .fetch_all(e)
    .await)?)
}

/// An evidence link.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Link {
    /// Id.
    pub activity_link_id: Uuid,
    /// The entry.
    pub activity_entry_id: Uuid,
    /// file, action, meeting or url.
    pub target_type: String,
    /// The record, for file, action and meeting.
    pub target_id: Option<Uuid>,
    /// The address, for url.
    pub url: Option<String>,
    /// What to show.
    pub label: String,
    /// Who added it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
}

const LINK_COLUMNS: &str = "l.activity_link_id, l.activity_entry_id, l.target_type, l.target_id, l.url, l.label, \
                            l.created_by, l.created_at";

/// A link to add.
#[derive(Debug, Clone)]
pub struct NewLinkRow<'a> {
    /// Id.
    pub id: Uuid,
    /// The entry.
    pub entry: Uuid,
    /// Type slug.
    pub target_type: &'a str,
    /// The record.
    pub target_id: Option<Uuid>,
    /// The address.
    pub url: Option<&'a str>,
    /// Label.
    pub label: &'a str,
}

/// Adds a link.
pub async fn add_link(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    l: &NewLinkRow<'_>,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into activity_link (activity_link_id, activity_entry_id, partnership_id, target_type, target_id,
                 url, label, created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(l.id)
        .bind(l.entry)
        .bind(partnership.0)
        .bind(l.target_type)
        .bind(l.target_id)
        .bind(l.url)
        .bind(l.label)
        .bind(by.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Marks a live link of the entry removed; false when there is no such live link.
pub async fn remove_link(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    entry: Uuid,
    link: Uuid,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update activity_link set removed_at = $4, removed_by = $5 where partnership_id = $1 \
               and activity_entry_id = $2 and activity_link_id = $3 and removed_at is null";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(entry)
        .bind(link)
        .bind(now)
        .bind(by.0)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// One entry's live links, in the order they were added.
pub async fn links_of(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    entry: Uuid,
) -> Result<Vec<Link>> {
    let sql = format!(
        "select {LINK_COLUMNS} from activity_link l where l.partnership_id = $1 and l.activity_entry_id = $2 \
         and l.removed_at is null order by l.created_at, l.activity_link_id"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Link>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(entry)
    .fetch_all(e)
    .await)?)
}

/// The live links of the partnership's entries dated in `[from, to)`.
pub async fn links_between(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Link>> {
    let sql = format!(
        "select {LINK_COLUMNS} from activity_link l join activity_entry e \
         on e.activity_entry_id = l.activity_entry_id and e.partnership_id = l.partnership_id \
         where l.partnership_id = $1 and e.entry_date >= $2 and e.entry_date < $3 and l.removed_at is null \
         order by l.created_at, l.activity_link_id"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Link>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(partnership.0)
    .bind(from)
    .bind(to)
    .fetch_all(e)
    .await)?)
}

/// The earliest and latest entry dates of the partnership (none without entries).
pub async fn dates_range(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
) -> Result<Option<(NaiveDate, NaiveDate)>> {
    let row: Option<(Option<NaiveDate>, Option<NaiveDate>)> = on_conn!(c, |e| sqlx::query_as(
        "select min(entry_date), max(entry_date) from activity_entry where partnership_id = $1"
    )
    .bind(partnership.0)
    .fetch_optional(e)
    .await)?;
    Ok(match row {
        Some((Some(a), Some(b))) => Some((a, b)),
        _ => None,
    })
}
