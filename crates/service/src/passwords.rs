//! Password hashing with argon2id at the ASVS 5.0 floor (m = 19 MiB, t = 2, p = 1; 16-byte random
//! salt), run on the blocking thread pool under a concurrency cap so that a burst of sign-ins can
//! neither stall the async runtime nor use unbounded memory. Unknown accounts are checked against a
//! dummy hash so that timing does not reveal which emails have accounts.

use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// The cost parameters.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Iterations.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl Default for Cost {
    fn default() -> Self {
        Self {
            m_kib: 19_456,
            t: 2,
            p: 1,
        }
    }
}

/// The hasher.
#[derive(Clone)]
pub struct Passwords {
    cost: Cost,
    permits: Arc<Semaphore>,
    dummy: Arc<String>,
}

fn argon(cost: Cost) -> anyhow::Result<Argon2<'static>> {
    let params = Params::new(cost.m_kib, cost.t, cost.p, None)
        .map_err(|e| anyhow::anyhow!("argon2 params: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_sync(cost: Cost, password: &str) -> anyhow::Result<String> {
    let a = argon(cost)?;
    let h = a
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("argon2 hash: {e}"))?;
    Ok(h.to_string())
}

fn verify_sync(hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// Whether a stored hash uses weaker parameters than `cost` (so it should be rehashed after sign-in).
pub fn needs_rehash(hash: &str, cost: Cost) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return true;
    };
    let get = |k: &str| parsed.params.get_decimal(k).unwrap_or(0);
    parsed.algorithm.as_str() != "argon2id" || get("m") < cost.m_kib || get("t") < cost.t
}

impl Passwords {
    /// A hasher with the given cost and at most `concurrency` hashes at a time.
    pub fn new(cost: Cost, concurrency: usize) -> anyhow::Result<Self> {
        let dummy = hash_sync(cost, "dummy password used to equalise timing")?;
        Ok(Self {
            cost,
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy: Arc::new(dummy),
        })
    }

    /// The cost in use.
    pub fn cost(&self) -> Cost {
        self.cost
    }

    /// Hashes a password.
    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| anyhow::anyhow!("hasher closed: {e}"))?;
        let cost = self.cost;
        let pw = password.to_owned();
        tokio::task::spawn_blocking(move || hash_sync(cost, &pw))
            .await
            .map_err(|e| anyhow::anyhow!("hash task: {e}"))?
    }

    /// Verifies a password against a stored hash, or against the dummy hash when there is none (the
    /// answer is then always false, after the same work).
    pub async fn verify(&self, hash: Option<&str>, password: &str) -> bool {
        let Ok(_permit) = self.permits.acquire().await else {
            return false;
        };
        let (h, real) = match hash {
            Some(h) => (h.to_owned(), true),
            None => (self.dummy.as_ref().clone(), false),
        };
        let pw = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || verify_sync(&h, &pw))
            .await
            .unwrap_or(false);
        ok && real
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_meets_the_floor_and_verifies() {
        let p = Passwords::new(Cost::default(), 2).unwrap();
        let h = p.hash("purple tractor sunrise").await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(p.verify(Some(&h), "purple tractor sunrise").await);
        assert!(!p.verify(Some(&h), "purple tractor sunset").await);
        assert!(
            !p.verify(None, "dummy password used to equalise timing")
                .await,
            "the dummy never matches"
        );
        assert!(!needs_rehash(&h, Cost::default()));
        assert!(needs_rehash(
            &h,
            Cost {
                m_kib: 65_536,
                t: 3,
                p: 1
            }
        ));
    }
}
