//! Reading and verifying the audit trail.

use crate::{Actor, ServiceResult, Services};
use safeguard_domain::audit::{BrokenLink, Verifier};
use safeguard_domain::policy::Permission;
use safeguard_store::audit_log::{self, AuditFilter, AuditRow};

/// One page of the trail.
#[derive(Debug, Clone)]
pub struct AuditPage {
    /// Rows, newest first.
    pub rows: Vec<AuditRow>,
    /// All matching.
    pub total: i64,
}

/// Page size.
pub const PAGE_SIZE: i64 = 50;

/// A page of the actor's partnership's trail. Viewing the trail is itself recorded.
pub async fn list(
    svc: &Services,
    actor: &Actor,
    filter: &AuditFilter,
    page: i64,
) -> ServiceResult<AuditPage> {
    actor.require(Permission::ViewAuditTrail)?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let (rows, total) = audit_log::list_for_partnership(
        &mut tx.conn(),
        actor.partnership_id,
        filter,
        PAGE_SIZE,
        (page.max(1) - 1) * PAGE_SIZE,
    )
    .await?;
    audit_log::append(
        &mut tx.conn(),
        &actor.entry("audit.view", "audit_trail", None),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(AuditPage { rows, total })
}

/// The result of verifying every chain.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    /// (chain, entries checked) for each intact chain.
    pub ok: Vec<(String, i64)>,
    /// The first broken link of each broken chain.
    pub broken: Vec<BrokenLink>,
}

/// Verifies one chain.
pub async fn verify_chain(svc: &Services, chain: &str) -> ServiceResult<Result<i64, BrokenLink>> {
    let mut pc = svc.db.acquire().await?;
    let (head_seq, head_hash) = audit_log::chain_head(&mut pc.conn(), chain)
        .await?
        .unwrap_or((0, String::new()));
    let mut v = Verifier::new(chain);
    let mut after = 0;
    loop {
        let batch = audit_log::chain_batch(&mut pc.conn(), chain, after, 5000).await?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        for e in &batch {
            v.push(e);
        }
    }
    Ok(v.finish(head_seq, &head_hash))
}

/// Verifies every chain (the CLI's `audit verify` and the nightly job).
pub async fn verify_all(svc: &Services) -> ServiceResult<VerifyReport> {
    let chains = {
        let mut pc = svc.db.acquire().await?;
        audit_log::chains(&mut pc.conn()).await?
    };
    let mut report = VerifyReport {
        ok: Vec::new(),
        broken: Vec::new(),
    };
    for (chain, _, _) in chains {
        match verify_chain(svc, &chain).await? {
            Ok(n) => report.ok.push((chain, n)),
            Err(b) => report.broken.push(b),
        }
    }
    Ok(report)
}

/// Verifies the actor's partnership's chain on demand.
pub async fn verify_mine(svc: &Services, actor: &Actor) -> ServiceResult<Result<i64, BrokenLink>> {
    actor.require(Permission::VerifyAuditTrail)?;
    let r = verify_chain(svc, &actor.partnership_id.to_string()).await?;
    let now = svc.now();
    let mut tx = svc.db.begin().await?;
    let mut e = actor.entry("audit.verify", "audit_trail", None);
    e.after = Some(match &r {
        Ok(n) => serde_json::json!({"intact": true, "entries": n}).to_string(),
        Err(b) => serde_json::json!({"intact": false, "first_broken_seq": b.seq}).to_string(),
    });
    safeguard_store::audit_log::append(&mut tx.conn(), &e, now).await?;
    tx.commit().await?;
    Ok(r)
}
