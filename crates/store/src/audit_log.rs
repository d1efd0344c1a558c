//! The audit trail: append-only, hash-chained per partnership.
//!
//! Contract: [`append`] is the only writer of `audit_entry`; nothing here updates or deletes an entry
//! (database triggers refuse both). Call it with the same transaction as the change it records, so
//! that an entry exists exactly when the change committed. Appends to one chain are serialised by the
//! update of its `audit_chain` row (a row lock in PostgreSQL; SQLite has one writer at a time); other
//! partnerships' chains are not blocked.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, Utc};
use safeguard_domain::PartnershipId;
use safeguard_domain::audit::{Entry, GENESIS, NewEntry, compute_hash};
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct EntryRow {
    chain: String,
    seq: i64,
    at: DateTime<Utc>,
    partnership_id: Option<Uuid>,
    actor_person_id: Option<Uuid>,
    actor_organisation_id: Option<Uuid>,
    action: String,
    target_type: String,
    target_id: Option<String>,
    before_json: Option<String>,
    after_json: Option<String>,
    request_id: Option<String>,
    ip: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<EntryRow> for Entry {
    fn from(r: EntryRow) -> Self {
        Entry {
            chain: r.chain,
            seq: r.seq,
            at: r.at,
            partnership_id: r.partnership_id,
            actor_person_id: r.actor_person_id,
            actor_organisation_id: r.actor_organisation_id,
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            before: r.before_json,
            after: r.after_json,
            request_id: r.request_id,
            ip: r.ip,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

const COLUMNS: &str = "e.chain, e.seq, e.at, e.partnership_id, e.actor_person_id, e.actor_organisation_id, e.action, \
                       e.target_type, e.target_id, e.before_json, e.after_json, e.request_id, e.ip, e.prev_hash, e.hash";

/// Appends an entry to the chain of its partnership (or the platform chain). Use the transaction of the
/// change being recorded.
pub async fn append(c: &mut Conn<'_>, entry: &NewEntry, now: DateTime<Utc>) -> Result<Entry> {
    let chain = safeguard_domain::audit::chain_for(entry.partnership_id.map(PartnershipId));
    // language=SQL
    let sql = "insert into audit_chain (chain, head_seq, head_hash) values ($1, 0, $2) on conflict (chain) do nothing";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(&chain)
        .bind(GENESIS)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    // The update takes the chain's row lock until the transaction ends.
    let sql = "update audit_chain set head_seq = head_seq + 1 where chain = $1 returning head_seq, head_hash";
    let (seq, prev_hash): (i64, String) =
        on_conn!(c, |e| sqlx::query_as(sql).bind(&chain).fetch_one(e).await)?;
    let hash = compute_hash(&chain, seq, now, entry, &prev_hash);
    // language=SQL
    let sql = r#"insert into audit_entry (chain, seq, at, partnership_id, actor_person_id, actor_organisation_id, action,
                 target_type, target_id, before_json, after_json, request_id, ip, prev_hash, hash)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(&chain)
        .bind(seq)
        .bind(now)
        .bind(entry.partnership_id)
        .bind(entry.actor_person_id)
        .bind(entry.actor_organisation_id)
        .bind(&entry.action)
        .bind(&entry.target_type)
        .bind(&entry.target_id)
        .bind(&entry.before)
        .bind(&entry.after)
        .bind(&entry.request_id)
        .bind(&entry.ip)
        .bind(&prev_hash)
        .bind(&hash)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    let sql = "update audit_chain set head_hash = $2 where chain = $1";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(&chain)
        .bind(&hash)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(Entry {
        chain,
        seq,
        at: now,
        partnership_id: entry.partnership_id,
        actor_person_id: entry.actor_person_id,
        actor_organisation_id: entry.actor_organisation_id,
        action: entry.action.clone(),
        target_type: entry.target_type.clone(),
        target_id: entry.target_id.clone(),
        before: entry.before.clone(),
        after: entry.after.clone(),
        request_id: entry.request_id.clone(),
        ip: entry.ip.clone(),
        prev_hash,
        hash,
    })
}

/// Every chain with its head.
pub async fn chains(c: &mut Conn<'_>) -> Result<Vec<(String, i64, String)>> {
    let sql = "select chain, head_seq, head_hash from audit_chain order by chain";
    Ok(on_conn!(c, |e| sqlx::query_as(sql).fetch_all(e).await)?)
}

/// The head of one chain.
pub async fn chain_head(c: &mut Conn<'_>, chain: &str) -> Result<Option<(i64, String)>> {
    let sql = "select head_seq, head_hash from audit_chain where chain = $1";
    Ok(on_conn!(c, |e| sqlx::query_as(sql)
        .bind(chain)
        .fetch_optional(e)
        .await)?)
}

/// Entries of a chain after `after_seq`, in order, at most `limit` (for verification in batches).
pub async fn chain_batch(
    c: &mut Conn<'_>,
    chain: &str,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<Entry>> {
    let sql = format!(
        "select {COLUMNS} from audit_entry e where e.chain = $1 and e.seq > $2 order by e.seq limit $3"
    );
    let rows: Vec<EntryRow> = on_conn!(c, |e| sqlx::query_as::<_, EntryRow>(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(chain)
    .bind(after_seq)
    .bind(limit)
    .fetch_all(e)
    .await)?;
    Ok(rows.into_iter().map(Entry::from).collect())
}

/// Filters for the audit trail page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this person's actions.
    pub actor: Option<Uuid>,
    /// Actions starting with this (such as `person.` or `session.sign_in`).
    pub action_prefix: Option<String>,
    /// Only entries about this target id.
    pub target_id: Option<String>,
    /// From this instant.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub to: Option<DateTime<Utc>>,
}

/// A row of the audit trail page: the entry with the actor's name.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AuditRow {
    /// Sequence in the partnership's chain.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Actor id.
    pub actor_person_id: Option<Uuid>,
    /// Actor name.
    pub actor_name: Option<String>,
    /// Actor's organisation name.
    pub actor_organisation_name: Option<String>,
    /// Action.
    pub action: String,
    /// Target kind.
    pub target_type: String,
    /// Target id.
    pub target_id: Option<String>,
    /// Before.
    pub before_json: Option<String>,
    /// After.
    pub after_json: Option<String>,
    /// Request id.
    pub request_id: Option<String>,
}

const FILTER: &str = r#"from audit_entry e
    left join person p on p.person_id = e.actor_person_id
    left join organisation o on o.organisation_id = e.actor_organisation_id
    where e.chain = $1
      and ($2 = 0 or e.actor_person_id = $3)
      and ($4 = '' or e.action like $4 escape '\')
      and ($5 = '' or e.target_id = $5)
      and ($6 = 0 or e.at >= $7)
      and ($8 = 0 or e.at < $9)"#;

/// One page of a partnership's audit trail, newest first, with the total matching.
pub async fn list_for_partnership(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    f: &AuditFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditRow>, i64)> {
    let chain = partnership.to_string();
    let action = f
        .action_prefix
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| {
            format!(
                "{}%",
                a.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        })
        .unwrap_or_default();
    let target = f.target_id.clone().unwrap_or_default();
    let epoch = DateTime::<Utc>::UNIX_EPOCH;
    let sql = format!(
        "select e.seq, e.at, e.actor_person_id, p.name as actor_name, o.name as actor_organisation_name, e.action, \
         e.target_type, e.target_id, e.before_json, e.after_json, e.request_id {FILTER} order by e.seq desc limit $10 offset $11"
    );
    let rows = on_conn!(c, |e| sqlx::query_as::<_, AuditRow>(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(&chain)
    .bind(i64::from(f.actor.is_some()))
    .bind(f.actor.unwrap_or(Uuid::nil()))
    .bind(&action)
    .bind(&target)
    .bind(i64::from(f.from.is_some()))
    .bind(f.from.unwrap_or(epoch))
    .bind(i64::from(f.to.is_some()))
    .bind(f.to.unwrap_or(epoch))
    .bind(limit)
    .bind(offset)
    .fetch_all(e)
    .await)?;
    let count_sql = format!("select count(*) {FILTER}");
    let total: i64 = on_conn!(c, |e| sqlx::query_scalar(sqlx::AssertSqlSafe(
        count_sql.as_str()
    ))
    .bind(&chain)
    .bind(i64::from(f.actor.is_some()))
    .bind(f.actor.unwrap_or(Uuid::nil()))
    .bind(&action)
    .bind(&target)
    .bind(i64::from(f.from.is_some()))
    .bind(f.from.unwrap_or(epoch))
    .bind(i64::from(f.to.is_some()))
    .bind(f.to.unwrap_or(epoch))
    .fetch_one(e)
    .await)?;
    Ok((rows, total))
}
