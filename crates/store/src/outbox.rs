//! The outbox: email waiting to be sent, with retries and a record of what was sent.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, Utc};
use safeguard_domain::{MessageId, PartnershipId};
use uuid::Uuid;

/// A message.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Message {
    /// Id.
    pub message_id: Uuid,
    /// Partnership it belongs to.
    pub partnership_id: Option<Uuid>,
    /// Recipient.
    pub to_address: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// pending, sent, failed.
    pub status: String,
    /// Attempts so far.
    pub attempts: i64,
    /// Not before.
    pub next_attempt_at: DateTime<Utc>,
    /// Last failure.
    pub last_error: Option<String>,
    /// Queued.
    pub created_at: DateTime<Utc>,
    /// Sent.
    pub sent_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "message_id, partnership_id, to_address, subject, body_text, status, attempts, next_attempt_at, last_error, created_at, sent_at";

/// Queues a message (in the caller's transaction, so it is sent only if the change commits).
pub async fn enqueue(
    c: &mut Conn<'_>,
    partnership: Option<PartnershipId>,
    to: &str,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<MessageId> {
    let id = MessageId::new();
    // language=SQL
    let sql = r#"insert into outbox_message (message_id, partnership_id, to_address, subject, body_text, status, attempts,
                 next_attempt_at, created_at) values ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(partnership.map(|p| p.0))
        .bind(to)
        .bind(subject)
        .bind(body)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(id)
}

/// Messages due for sending.
pub async fn due(c: &mut Conn<'_>, now: DateTime<Utc>, limit: i64) -> Result<Vec<Message>> {
    let sql = format!(
        "select {COLUMNS} from outbox_message where status = 'pending' and next_attempt_at <= $1 order by next_attempt_at limit $2"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Message>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(now)
    .bind(limit)
    .fetch_all(e)
    .await)?)
}

/// Claims a due message for sending by pushing its next attempt into the future; returns false when
/// another instance claimed it first.
pub async fn claim(
    c: &mut Conn<'_>,
    id: MessageId,
    seen_next: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update outbox_message set next_attempt_at = $3, attempts = attempts + 1 \
               where message_id = $1 and status = 'pending' and next_attempt_at = $2";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(seen_next)
        .bind(until)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Marks a message sent.
pub async fn mark_sent(c: &mut Conn<'_>, id: MessageId, now: DateTime<Utc>) -> Result<()> {
    let sql = "update outbox_message set status = 'sent', sent_at = $2, last_error = null where message_id = $1";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records a failure: retry at `retry_at`, or give up (`None`).
pub async fn mark_failed(
    c: &mut Conn<'_>,
    id: MessageId,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    let sql = "update outbox_message set last_error = $2, status = case when $3 = 1 then 'pending' else 'failed' end, \
               next_attempt_at = case when $3 = 1 then $4 else next_attempt_at end where message_id = $1";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(error)
        .bind(i64::from(retry_at.is_some()))
        .bind(retry_at.unwrap_or(DateTime::<Utc>::UNIX_EPOCH))
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Recent messages to an address (for tests and the operator).
pub async fn list_to(c: &mut Conn<'_>, to: &str) -> Result<Vec<Message>> {
    let sql =
        format!("select {COLUMNS} from outbox_message where to_address = $1 order by created_at");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, Message>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(to)
    .fetch_all(e)
    .await)?)
}

/// Counts by status (for metrics).
pub async fn counts(c: &mut Conn<'_>) -> Result<Vec<(String, i64)>> {
    let sql = "select status, count(*) from outbox_message group by status";
    Ok(on_conn!(c, |e| sqlx::query_as(sql).fetch_all(e).await)?)
}

/// A message id from a row.
pub fn id_of(m: &Message) -> MessageId {
    MessageId(m.message_id)
}

/// Unused id helper kept for symmetry with other modules.
pub fn new_id() -> Uuid {
    Uuid::new_v4()
}
