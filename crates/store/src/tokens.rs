//! Personal API tokens: stored as SHA-256, revocable, expiring, tied to one partnership.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, Utc};
use safeguard_domain::{ApiTokenId, PartnershipId, PersonId};
use uuid::Uuid;

/// A token (never its secret).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ApiToken {
    /// Id.
    pub api_token_id: Uuid,
    /// Owner.
    pub person_id: Uuid,
    /// The partnership it acts in.
    pub partnership_id: Uuid,
    /// What the owner called it.
    pub name: String,
    /// First characters, to tell tokens apart.
    pub token_hint: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Stops working.
    pub expires_at: DateTime<Utc>,
    /// Last used (updated at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "t.api_token_id, t.person_id, t.partnership_id, t.name, t.token_hint, t.created_at, t.expires_at, t.last_used_at, t.revoked_at";

/// Inserts a token.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    c: &mut Conn<'_>,
    id: ApiTokenId,
    person: PersonId,
    partnership: PartnershipId,
    name: &str,
    token_hash: &str,
    token_hint: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    // language=SQL
    let sql = r#"insert into api_token (api_token_id, person_id, partnership_id, name, token_hash, token_hint, created_at, expires_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8)"#;
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(person.0)
        .bind(partnership.0)
        .bind(name)
        .bind(token_hash)
        .bind(token_hint)
        .bind(now)
        .bind(expires_at)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A live (unrevoked, unexpired) token by its hash.
pub async fn find_live_by_hash(
    c: &mut Conn<'_>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<ApiToken>> {
    let sql = format!(
        "select {COLUMNS} from api_token t where t.token_hash = $1 and t.revoked_at is null and t.expires_at > $2"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, ApiToken>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(e)
    .await)?)
}

/// A person's tokens, newest first.
pub async fn list_for_person(c: &mut Conn<'_>, person: PersonId) -> Result<Vec<ApiToken>> {
    let sql = format!(
        "select {COLUMNS} from api_token t where t.person_id = $1 order by t.created_at desc limit 100"
    );
    Ok(on_conn!(c, |e| sqlx::query_as::<_, ApiToken>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(person.0)
    .fetch_all(e)
    .await)?)
}

/// One of a person's tokens.
pub async fn find_for_person(
    c: &mut Conn<'_>,
    person: PersonId,
    id: ApiTokenId,
) -> Result<Option<ApiToken>> {
    let sql =
        format!("select {COLUMNS} from api_token t where t.person_id = $1 and t.api_token_id = $2");
    Ok(on_conn!(c, |e| sqlx::query_as::<_, ApiToken>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(person.0)
    .bind(id.0)
    .fetch_optional(e)
    .await)?)
}

/// Revokes one of a person's tokens. Returns false if it was not theirs or already revoked.
pub async fn revoke(
    c: &mut Conn<'_>,
    person: PersonId,
    id: ApiTokenId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "update api_token set revoked_at = $3 where person_id = $1 and api_token_id = $2 and revoked_at is null";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(person.0)
        .bind(id.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Revokes all of a person's tokens (when the account is disabled).
pub async fn revoke_all_for_person(
    c: &mut Conn<'_>,
    person: PersonId,
    now: DateTime<Utc>,
) -> Result<u64> {
    let sql = "update api_token set revoked_at = $2 where person_id = $1 and revoked_at is null";
    Ok(on_conn!(c, |e| sqlx::query(sql)
        .bind(person.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?)
}

/// Records use.
pub async fn touch(c: &mut Conn<'_>, id: ApiTokenId, now: DateTime<Utc>) -> Result<()> {
    let sql = "update api_token set last_used_at = $2 where api_token_id = $1";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(id.0)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
