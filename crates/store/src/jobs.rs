//! Scheduled job runs. A run is claimed by inserting its `(job, slot)` row; the primary key makes the
//! claim succeed for exactly one instance, even when several share one PostgreSQL database.

use crate::{Conn, Result, on_conn};
use chrono::{DateTime, Utc};

/// Claims a slot; true if this instance should run it.
pub async fn claim(
    c: &mut Conn<'_>,
    job: &str,
    slot: &str,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = "insert into job_run (job, slot, instance, started_at) values ($1, $2, $3, $4) on conflict (job, slot) do nothing";
    let n = on_conn!(c, |e| sqlx::query(sql)
        .bind(job)
        .bind(slot)
        .bind(instance)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Records the outcome of a run.
pub async fn finish(
    c: &mut Conn<'_>,
    job: &str,
    slot: &str,
    outcome: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = "update job_run set finished_at = $3, outcome = $4 where job = $1 and slot = $2";
    on_conn!(c, |e| sqlx::query(sql)
        .bind(job)
        .bind(slot)
        .bind(now)
        .bind(outcome)
        .execute(e)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// How many times a job has run (for tests).
pub async fn runs_of(c: &mut Conn<'_>, job: &str) -> Result<i64> {
    let sql = "select count(*) from job_run where job = $1";
    Ok(on_conn!(c, |e| sqlx::query_scalar(sql)
        .bind(job)
        .fetch_one(e)
        .await)?)
}
