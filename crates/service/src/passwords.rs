//! Password hashing with argon2id at the ASVS 5.0 floor (m = 19 MiB, t = 2, p = 1; 16-byte random
//! salt), run on the blocking thread pool under a concurrency cap so that a burst of sign-ins can
//! neither stall the async runtime nor use unbounded memory. Unknown accounts are checked against a
//! dummy hash so that timing does not reveal which emails have accounts.
//!
//! Memory: argon2's 19 MiB working area comes from a small pool of buffers, one per permit at most,
//! wiped after each use and reused. Letting argon2 allocate it for each call made glibc keep about
//! 19 MiB per blocking thread after every sign-in (five sign-ins took an idle server from 18 MB to
//! 121 MB resident); with the pool, memory for hashing is bounded by the concurrency cap.

use argon2::password_hash::phc::{Output, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{Arc, Mutex};
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
    memory: Arc<Memory>,
}

/// Reusable argon2 working areas. At most one buffer per concurrent hash exists (callers hold a
/// permit), and a buffer larger than twice the configured cost (an old hash with a higher cost) is
/// dropped after use instead of being kept.
struct Memory {
    free: Mutex<Vec<Vec<Block>>>,
    keep_blocks: usize,
}

impl Memory {
    fn new(cost: Cost) -> Self {
        Self {
            free: Mutex::new(Vec::new()),
            keep_blocks: 2 * cost.m_kib as usize,
        }
    }

    /// Runs `f` with a wiped working area of at least `blocks` blocks.
    fn with<R>(&self, blocks: usize, f: impl FnOnce(&mut [Block]) -> R) -> R {
        let mut buf = self
            .free
            .lock()
            .ok()
            .and_then(|mut v| v.pop())
            .unwrap_or_default();
        if buf.len() < blocks {
            buf.resize(blocks, Block::new());
        }
        let r = f(buf.get_mut(..blocks).unwrap_or_default());
        // Wipe what was derived from the password before the buffer waits for its next use.
        buf.fill(Block::new());
        if buf.len() <= self.keep_blocks
            && let Ok(mut v) = self.free.lock()
        {
            v.push(buf);
        }
        r
    }
}

fn hash_sync(mem: &Memory, cost: Cost, password: &str) -> anyhow::Result<String> {
    let params = Params::new(cost.m_kib, cost.t, cost.p, None)
        .map_err(|e| anyhow::anyhow!("argon2 params: {e}"))?;
    let salt = Salt::generate();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let a = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    mem.with(params.block_count(), |blocks| {
        a.hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, blocks)
    })
    .map_err(|e| anyhow::anyhow!("argon2 hash: {e}"))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: (&params)
            .try_into()
            .map_err(|e| anyhow::anyhow!("argon2 params: {e}"))?,
        salt: Some(salt),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("argon2 output: {e}"))?),
    };
    Ok(hash.to_string())
}

fn verify_sync(mem: &Memory, hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let Ok(version) = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let a = Argon2::new(algorithm, version, params.clone());
    let ok = mem.with(params.block_count(), |blocks| {
        a.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, blocks)
    });
    if ok.is_err() {
        return false;
    }
    // `Output`'s equality is constant-time.
    Output::new(&out).is_ok_and(|computed| &computed == expected)
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
        let memory = Arc::new(Memory::new(cost));
        let dummy = hash_sync(&memory, cost, "dummy password used to equalise timing")?;
        Ok(Self {
            cost,
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy: Arc::new(dummy),
            memory,
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
        let mem = self.memory.clone();
        tokio::task::spawn_blocking(move || hash_sync(&mem, cost, &pw))
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
        let mem = self.memory.clone();
        let ok = tokio::task::spawn_blocking(move || verify_sync(&mem, &h, &pw))
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
        // Hashes made here and by argon2's own hasher verify both ways (stored hashes stay valid).
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let theirs = argon2::Argon2::default()
            .hash_password(b"purple tractor sunrise")
            .unwrap()
            .to_string();
        assert!(p.verify(Some(&theirs), "purple tractor sunrise").await);
        assert!(!p.verify(Some(&theirs), "purple tractor").await);
        let parsed = PasswordHash::new(&h).unwrap();
        assert!(
            argon2::Argon2::default()
                .verify_password(b"purple tractor sunrise", &parsed)
                .is_ok()
        );
        // A cheaper stored hash (an older or test cost) and a malformed one.
        let cheap = Passwords::new(
            Cost {
                m_kib: 64,
                t: 1,
                p: 1,
            },
            1,
        )
        .unwrap();
        let hc = cheap.hash("x").await.unwrap();
        assert!(hc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{hc}");
        assert!(p.verify(Some(&hc), "x").await);
        assert!(
            !p.verify(Some("$argon2id$v=19$m=64,t=1,p=1$bm9wZQ"), "x")
                .await
        );
        assert!(!p.verify(Some("not a hash"), "x").await);
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
