//! The audit trail's entries and their hash chain (SECURITY.md section 5.3).
//!
//! Each partnership has its own chain (platform events such as failed sign-ins for unknown accounts go
//! to the chain named [`PLATFORM_CHAIN`]). Entry `n` stores the hash of entry `n - 1`; its own hash is
//! SHA-256 over the previous hash and a canonical encoding of every field. Changing, deleting or
//! reordering any entry therefore breaks the chain at that entry, and [`verify`] names the first
//! broken link. Entries hold ids and field names, never the content of restricted records.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The chain for events that belong to no partnership.
pub const PLATFORM_CHAIN: &str = "platform";
/// The `prev_hash` of the first entry of a chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The chain name for a partnership.
pub fn chain_for(partnership: Option<crate::PartnershipId>) -> String {
    partnership.map_or_else(|| PLATFORM_CHAIN.to_owned(), |p| p.to_string())
}

/// What an entry records, before it is placed in a chain.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NewEntry {
    /// The partnership the event belongs to (its chain), if any.
    pub partnership_id: Option<Uuid>,
    /// Who did it.
    pub actor_person_id: Option<Uuid>,
    /// Their organisation.
    pub actor_organisation_id: Option<Uuid>,
    /// What was done, as `noun.verb` (`person.create`, `session.sign_in`, `audit.view`).
    pub action: String,
    /// The kind of thing it was done to.
    pub target_type: String,
    /// Which one.
    pub target_id: Option<String>,
    /// Its state before a change (JSON, restricted fields omitted).
    pub before: Option<String>,
    /// Its state after a change (JSON, restricted fields omitted).
    pub after: Option<String>,
    /// The request that did it.
    pub request_id: Option<String>,
    /// The client address.
    pub ip: Option<String>,
}

impl NewEntry {
    /// An entry with the action and target; the rest is filled in with the builder methods.
    pub fn new(action: &str, target_type: &str, target_id: Option<String>) -> Self {
        Self {
            action: action.to_owned(),
            target_type: target_type.to_owned(),
            target_id,
            ..Self::default()
        }
    }
}

/// An entry as stored.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Entry {
    /// The chain.
    pub chain: String,
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// See [`NewEntry`].
    pub partnership_id: Option<Uuid>,
    /// See [`NewEntry`].
    pub actor_person_id: Option<Uuid>,
    /// See [`NewEntry`].
    pub actor_organisation_id: Option<Uuid>,
    /// See [`NewEntry`].
    pub action: String,
    /// See [`NewEntry`].
    pub target_type: String,
    /// See [`NewEntry`].
    pub target_id: Option<String>,
    /// See [`NewEntry`].
    pub before: Option<String>,
    /// See [`NewEntry`].
    pub after: Option<String>,
    /// See [`NewEntry`].
    pub request_id: Option<String>,
    /// See [`NewEntry`].
    pub ip: Option<String>,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

#[derive(Serialize)]
struct Canonical<'a> {
    v: u8,
    chain: &'a str,
    seq: i64,
    at: String,
    partnership_id: Option<String>,
    actor_person_id: Option<String>,
    actor_organisation_id: Option<String>,
    action: &'a str,
    target_type: &'a str,
    target_id: Option<&'a str>,
    before: Option<&'a str>,
    after: Option<&'a str>,
    request_id: Option<&'a str>,
    ip: Option<&'a str>,
}

/// The hash of an entry with the given fields (RFC 9162-style leaf: a 0x00 prefix, then the previous
/// hash and the canonical JSON of the fields, in a fixed order).
#[allow(clippy::too_many_arguments)]
pub fn compute_hash(
    chain: &str,
    seq: i64,
    at: DateTime<Utc>,
    e: &NewEntry,
    prev_hash: &str,
) -> String {
    let c = Canonical {
        v: 1,
        chain,
        seq,
        at: at.to_rfc3339_opts(SecondsFormat::Micros, true),
        partnership_id: e.partnership_id.map(|u| u.to_string()),
        actor_person_id: e.actor_person_id.map(|u| u.to_string()),
        actor_organisation_id: e.actor_organisation_id.map(|u| u.to_string()),
        action: &e.action,
        target_type: &e.target_type,
        target_id: e.target_id.as_deref(),
        before: e.before.as_deref(),
        after: e.after.as_deref(),
        request_id: e.request_id.as_deref(),
        ip: e.ip.as_deref(),
    };
    let json = serde_json::to_vec(&c).unwrap_or_default();
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(&json);
    hex::encode(h.finalize())
}

impl Entry {
    /// The fields as a [`NewEntry`] (for recomputing the hash).
    pub fn fields(&self) -> NewEntry {
        NewEntry {
            partnership_id: self.partnership_id,
            actor_person_id: self.actor_person_id,
            actor_organisation_id: self.actor_organisation_id,
            action: self.action.clone(),
            target_type: self.target_type.clone(),
            target_id: self.target_id.clone(),
            before: self.before.clone(),
            after: self.after.clone(),
            request_id: self.request_id.clone(),
            ip: self.ip.clone(),
        }
    }
    /// Recomputes this entry's hash from its fields and its stored `prev_hash`.
    pub fn recompute(&self) -> String {
        compute_hash(
            &self.chain,
            self.seq,
            self.at,
            &self.fields(),
            &self.prev_hash,
        )
    }
}

/// The first broken link of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The chain.
    pub chain: String,
    /// The first sequence number at which the chain does not hold.
    pub seq: i64,
    /// What is wrong there.
    pub reason: String,
}

/// Incremental verifier: feed entries in `seq` order, then call [`Verifier::finish`] with the chain
/// head the database holds.
#[derive(Debug)]
pub struct Verifier {
    chain: String,
    expected_seq: i64,
    prev_hash: String,
    broken: Option<BrokenLink>,
}

impl Verifier {
    /// A verifier for one chain.
    pub fn new(chain: &str) -> Self {
        Self {
            chain: chain.to_owned(),
            expected_seq: 1,
            prev_hash: GENESIS.to_owned(),
            broken: None,
        }
    }

    fn fail(&mut self, seq: i64, reason: String) {
        if self.broken.is_none() {
            self.broken = Some(BrokenLink {
                chain: self.chain.clone(),
                seq,
                reason,
            });
        }
    }

    /// Checks the next entry.
    pub fn push(&mut self, e: &Entry) {
        if self.broken.is_some() {
            return;
        }
        if e.chain != self.chain {
            self.fail(e.seq, format!("entry belongs to chain {}", e.chain));
            return;
        }
        if e.seq != self.expected_seq {
            let reason = if e.seq > self.expected_seq {
                format!(
                    "entry {} is missing (next entry found is {})",
                    self.expected_seq, e.seq
                )
            } else {
                format!("entry {} appears out of order", e.seq)
            };
            self.fail(self.expected_seq, reason);
            return;
        }
        if e.prev_hash != self.prev_hash {
            self.fail(e.seq, "previous-hash link does not match the entry before it (deleted, inserted or reordered entry)".into());
            return;
        }
        if e.recompute() != e.hash {
            self.fail(
                e.seq,
                "entry content does not match its hash (edited entry)".into(),
            );
            return;
        }
        self.prev_hash = e.hash.clone();
        self.expected_seq += 1;
    }

    /// Ends verification: the last entry must be the head the database records.
    pub fn finish(mut self, head_seq: i64, head_hash: &str) -> Result<i64, BrokenLink> {
        if self.broken.is_none() {
            let last = self.expected_seq - 1;
            if last != head_seq {
                self.fail(last + 1, format!("chain ends at entry {last} but its head records entry {head_seq} (entries removed from the end)"));
            } else if last > 0 && self.prev_hash != head_hash {
                self.fail(
                    last,
                    "last entry's hash does not match the chain head".into(),
                );
            }
        }
        match self.broken {
            Some(b) => Err(b),
            None => Ok(self.expected_seq - 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn chain(n: i64) -> Vec<Entry> {
        let mut prev = GENESIS.to_owned();
        let mut out = Vec::new();
        for seq in 1..=n {
            let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap()
                + chrono::Duration::seconds(seq);
            let f = NewEntry::new("person.create", "person", Some(format!("p{seq}")));
            let hash = compute_hash("c", seq, at, &f, &prev);
            out.push(Entry {
                chain: "c".into(),
                seq,
                at,
                partnership_id: None,
                actor_person_id: None,
                actor_organisation_id: None,
                action: f.action,
                target_type: f.target_type,
                target_id: f.target_id,
                before: None,
                after: None,
                request_id: None,
                ip: None,
                prev_hash: prev.clone(),
                hash: hash.clone(),
            });
            prev = hash;
        }
        out
    }

    fn run(entries: &[Entry], head_seq: i64, head_hash: &str) -> Result<i64, BrokenLink> {
        let mut v = Verifier::new("c");
        for e in entries {
            v.push(e);
        }
        v.finish(head_seq, head_hash)
    }

    #[test]
    fn clean_chain_verifies() {
        let c = chain(5);
        assert_eq!(run(&c, 5, &c[4].hash), Ok(5));
        assert_eq!(run(&[], 0, ""), Ok(0));
    }

    #[test]
    fn edited_entry_is_named() {
        let mut c = chain(5);
        c[2].target_id = Some("other".into());
        assert_eq!(run(&c, 5, &c[4].hash.clone()).unwrap_err().seq, 3);
    }

    #[test]
    fn deleted_entry_is_named() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c.remove(1);
        assert_eq!(run(&c, 5, &head).unwrap_err().seq, 2);
    }

    #[test]
    fn reordered_entries_are_named() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c.swap(1, 2);
        let (a, b) = (c[1].seq, c[2].seq);
        c[1].seq = b;
        c[2].seq = a;
        assert_eq!(run(&c, 5, &head).unwrap_err().seq, 2);
    }

    #[test]
    fn truncated_tail_is_detected() {
        let c = chain(5);
        let head = c[4].hash.clone();
        assert_eq!(run(&c[..3], 5, &head).unwrap_err().seq, 4);
    }
}
