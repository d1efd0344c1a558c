//! Sign-in attempts, for the per-account limit (SECURITY.md R-AUTHN-5).

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Records an attempt.
pub async fn record(
    c: &mut Conn<'_>,
    email: &str,
    ip: Option<&str>,
    succeeded: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = "insert into sign_in_attempt (sign_in_attempt_id, email, ip, succeeded, at) values ($1, $2, $3, $4, $5)";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(Uuid::new_v4())
        .bind(email)
        .bind(ip)
        .bind(succeeded)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Failed attempts for an email since `since`.
pub async fn failures_since(c: &mut Conn<'_>, email: &str, since: DateTime<Utc>) -> Result<i64> {
    let sql =
        "select count(*) from sign_in_attempt where email = $1 and at >= $2 and succeeded = $3";
    Ok(on_conn!(c, |e| sqlx::query_scalar(sql)
        .bind(email)
        .bind(since)
        .bind(false)
        .fetch_one(e)
        .await)?)
}

/// Deletes attempts older than `before`.
pub async fn sweep(c: &mut Conn<'_>, before: DateTime<Utc>) -> Result<u64> {
    let sql = "delete from sign_in_attempt where at < $1";
    Ok(on_conn!(c, |e| sqlx::query(sql)
        .bind(before)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?)
}
