//! Role grants: which person holds which role in which partnership.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, Utc};
use safeguard_domain::policy::Role;
use safeguard_domain::{PartnershipId, PersonId};

/// Grants a role; returns false when the person already held it.
pub async fn grant(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    person: PersonId,
    role: Role,
    by: Option<PersonId>,
    now: DateTime<Utc>,
) -> Result<bool> {
    // language=SQL
    let sql = r#"insert into role_grant (partnership_id, person_id, role, granted_at, granted_by)
                 values ($1, $2, $3, $4, $5) on conflict (partnership_id, person_id, role) do nothing"#;
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(person.0)
        .bind(role.slug())
        .bind(now)
        .bind(by.map(|p| p.0))
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Revokes a role; returns false when the person did not hold it.
pub async fn revoke(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    person: PersonId,
    role: Role,
) -> Result<bool> {
    let sql = "delete from role_grant where partnership_id = $1 and person_id = $2 and role = $3";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(partnership.0)
        .bind(person.0)
        .bind(role.slug())
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The roles a person holds in a partnership, in a stable order.
pub async fn roles_of(
    c: &mut Conn<'_>,
    partnership: PartnershipId,
    person: PersonId,
) -> Result<Vec<Role>> {
    let sql = "select role from role_grant where partnership_id = $1 and person_id = $2";
    let rows: Vec<String> = on_conn!(c, |e| sqlx::query_scalar(sql)
        .bind(partnership.0)
        .bind(person.0)
        .fetch_all(e)
        .await)?;
    let mut roles: Vec<Role> = rows.iter().filter_map(|r| Role::parse(r)).collect();
    roles.sort();
    Ok(roles)
}
