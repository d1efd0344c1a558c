//! The scheduler: periodic jobs that run once per slot across every instance sharing a database
//! (each run claims its `(job, slot)` row first; see `store::jobs`), plus the outbox worker.

use crate::Services;
use crate::mail::{Mailer, deliver_due};
use chrono::{DateTime, Timelike, Utc};
use safeguard_store::{jobs, sessions, sign_in_attempts};
use std::time::Duration;
use tokio::sync::watch;

/// A job and how its slots are cut.
#[derive(Debug, Clone, Copy)]
pub enum Every {
    /// One run per clock hour.
    Hour,
    /// One run per day (UTC).
    Day,
    /// One run per ISO week (such as `2026-W48`).
    Week,
}

/// The slot label of an instant.
pub fn slot(every: Every, at: DateTime<Utc>) -> String {
    match every {
        Every::Hour => at.format("%Y-%m-%dT%H").to_string(),
        Every::Day => at.format("%Y-%m-%d").to_string(),
        Every::Week => at.format("%G-W%V").to_string(),
    }
}

/// Runs `job` for the slot containing `now` if no instance has yet. Returns true if it ran here.
pub async fn run_once<F, Fut>(
    svc: &Services,
    instance: &str,
    job: &str,
    every: Every,
    f: F,
) -> anyhow::Result<bool>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<String>>,
{
    let now = svc.now();
    let s = slot(every, now);
    {
        let mut pc = svc.db.acquire().await?;
        if !jobs::claim(&mut pc.conn(), job, &s, instance, now).await? {
            return Ok(false);
        }
    }
    let outcome = match f().await {
        Ok(o) => o,
        Err(e) => format!("error: {e}"),
    };
    let mut pc = svc.db.acquire().await?;
    jobs::finish(&mut pc.conn(), job, &s, &outcome, svc.now()).await?;
    Ok(true)
}

/// The housekeeping jobs: hourly session and sign-in-attempt sweep; daily audit chain verification.
pub async fn tick(svc: &Services, instance: &str) -> anyhow::Result<()> {
    run_once(svc, instance, "sweep_sessions", Every::Hour, || async {
        let now = svc.now();
        let mut pc = svc.db.acquire().await?;
        let n = sessions::sweep(&mut pc.conn(), now).await?;
        let m = sign_in_attempts::sweep(&mut pc.conn(), now - chrono::Duration::days(30)).await?;
        Ok(format!(
            "removed {n} old sessions and {m} old sign-in attempts"
        ))
    })
    .await?;
    if svc.now().hour() == 2 {
        run_once(svc, instance, "verify_audit_chains", Every::Day, || async {
            let r = crate::audit::verify_all(svc).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            for b in &r.broken {
                tracing::error!(target: "security.audit", chain = %b.chain, seq = b.seq, reason = %b.reason, "audit chain broken");
            }
            Ok(format!("{} chains intact, {} broken", r.ok.len(), r.broken.len()))
        })
        .await?;
    }
    weekly_digest_job(svc, instance).await?;
    case_review_reminders_job(svc, instance).await?;
    action_escalations_job(svc, instance).await?;
    Ok(())
}

/// The case review deadline reminders (`case_review_reminders::send_reminders`): each day from 07:00
/// UK time, once per day across instances (weekends and bank holidays send nothing; each reminder
/// is sent once even if run again). Returns true if it ran here now.
pub async fn case_review_reminders_job(svc: &Services, instance: &str) -> anyhow::Result<bool> {
    let local = safeguard_domain::actions::uk_local(svc.now());
    if local.hour() < 7 {
        return Ok(false);
    }
    run_once(
        svc,
        instance,
        "case_review_reminders",
        Every::Day,
        || async {
            let n = crate::case_review_reminders::send_reminders(svc, svc.now())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(format!("queued {n} case review reminder emails"))
        },
    )
    .await
}

/// The weekly action digest (`actions::weekly_digest`): on Monday from 07:00 UK time, once per ISO
/// week across instances. Returns true if it ran here now.
pub async fn weekly_digest_job(svc: &Services, instance: &str) -> anyhow::Result<bool> {
    use chrono::Datelike;
    let local = safeguard_domain::actions::uk_local(svc.now());
    if local.weekday() != chrono::Weekday::Mon || local.hour() < 7 {
        return Ok(false);
    }
    run_once(
        svc,
        instance,
        "weekly_action_digest",
        Every::Week,
        || async {
            let n = crate::actions::weekly_digest(svc, svc.now())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            // and the case review panel's deadlines
            let m = crate::case_reviews::weekly_digest(svc, svc.now())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(format!(
                "queued {n} action digests and {m} case review digests"
            ))
        },
    )
    .await
}

/// The escalation of overdue tracker actions (`action_escalations::escalate_overdue`): each day from
/// 07:00 UK time, once per day across instances (weekends and bank holidays send nothing; each
/// action is escalated once per due date even if run again). Returns true if it ran here now.
pub async fn action_escalations_job(svc: &Services, instance: &str) -> anyhow::Result<bool> {
    let local = safeguard_domain::actions::uk_local(svc.now());
    if local.hour() < 7 {
        return Ok(false);
    }
    run_once(svc, instance, "action_escalations", Every::Day, || async {
        let n = crate::action_escalations::escalate_overdue(svc, svc.now())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(format!("queued {n} overdue action escalation emails"))
    })
    .await
}

/// Runs the outbox worker and the scheduler until `shutdown` changes.
pub async fn run(
    svc: Services,
    mailer: Mailer,
    instance: String,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut interval = tokio::time::interval(Duration::from_secs(5));
    let mut ticks: u64 = 0;
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = shutdown.changed() => break,
        }
        if let Err(e) = deliver_due(&svc, &mailer).await {
            tracing::warn!(error = %e, "outbox delivery failed");
        }
        if ticks.is_multiple_of(12)
            && let Err(e) = tick(&svc, &instance).await
        {
            tracing::warn!(error = %e, "scheduled job failed");
        }
        ticks += 1;
    }
}
