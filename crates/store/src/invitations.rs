//! Invitations: single-use links that let a person set their password. Only the SHA-256 of the token
//! is stored.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, Utc};
use safeguard_domain::PersonId;
use uuid::Uuid;

/// Inserts an invitation.
pub async fn insert(
    c: &mut Conn<'_>,
    person: PersonId,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = "insert into invitation (invitation_id, person_id, token_hash, created_at, expires_at) values ($1, $2, $3, $4, $5)";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(Uuid::new_v4())
        .bind(person.0)
        .bind(token_hash)
        .bind(now)
        .bind(expires_at)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The person of an unused, unexpired invitation.
pub async fn find_live(
    c: &mut Conn<'_>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Uuid, Uuid)>> {
    let sql = "select invitation_id, person_id from invitation where token_hash = $1 and used_at is null and expires_at > $2";
    Ok(on_conn!(c, |e| sqlx::query_as(sql)
        .bind(token_hash)
        .bind(now)
        .fetch_optional(e)
        .await)?)
}

/// Marks an invitation used; false if it was used already (so two submissions cannot both succeed).
pub async fn mark_used(c: &mut Conn<'_>, invitation: Uuid, now: DateTime<Utc>) -> Result<bool> {
    let sql = "update invitation set used_at = $2 where invitation_id = $1 and used_at is null";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(invitation)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Cancels a person's unused invitations (when a new one is sent).
pub async fn cancel_for_person(
    c: &mut Conn<'_>,
    person: PersonId,
    now: DateTime<Utc>,
) -> Result<u64> {
    let sql = "update invitation set used_at = $2 where person_id = $1 and used_at is null";
    Ok(on_conn!(c, |e| sqlx::query(sql)
        .bind(person.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?)
}
