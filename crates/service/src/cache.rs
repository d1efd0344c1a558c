//! A small time-limited cache for reference data read on every page (such as a partnership's board and
//! sub-groups). Entries are reloaded after their time to live; the use case that changes the data
//! clears the entry at once on this instance, and other instances sharing a PostgreSQL database see
//! the change within the time to live. Time comes from the injected clock.

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, RwLock};

/// A value and when it was loaded.
type Entry<V> = (Arc<V>, DateTime<Utc>);

/// Values by key, each kept for at most `ttl`.
pub struct TtlCache<K, V> {
    ttl: Duration,
    max_entries: usize,
    map: RwLock<HashMap<K, Entry<V>>>,
}

impl<K: Eq + Hash + Clone, V> TtlCache<K, V> {
    /// A cache whose entries live for `ttl`, holding at most `max_entries` (then it starts afresh).
    pub fn new(ttl: Duration, max_entries: usize) -> Self {
        Self {
            ttl,
            max_entries,
            map: RwLock::new(HashMap::new()),
        }
    }

    /// The value for `key` if it was loaded less than the time to live before `now`.
    pub fn get(&self, key: &K, now: DateTime<Utc>) -> Option<Arc<V>> {
        let map = self.map.read().ok()?;
        let (v, at) = map.get(key)?;
        (now >= *at && now - *at < self.ttl).then(|| Arc::clone(v))
    }

    /// Stores a value loaded at `now`.
    pub fn put(&self, key: K, value: V, now: DateTime<Utc>) -> Arc<V> {
        let v = Arc::new(value);
        if let Ok(mut map) = self.map.write() {
            if map.len() >= self.max_entries {
                map.clear();
            }
            map.insert(key, (Arc::clone(&v), now));
        }
        v
    }

    /// Forgets one key (after a change to it).
    pub fn invalidate(&self, key: &K) {
        if let Ok(mut map) = self.map.write() {
            map.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn entries_expire_and_can_be_invalidated() {
        let t0 = Utc
            .with_ymd_and_hms(2026, 11, 26, 9, 0, 0)
            .single()
            .unwrap();
        let c: TtlCache<u32, String> = TtlCache::new(Duration::seconds(5), 10);
        assert!(c.get(&1, t0).is_none());
        c.put(1, "a".into(), t0);
        assert_eq!(
            c.get(&1, t0 + Duration::seconds(4))
                .as_deref()
                .map(String::as_str),
            Some("a")
        );
        assert!(c.get(&1, t0 + Duration::seconds(5)).is_none(), "expired");
        assert!(
            c.get(&1, t0 - Duration::seconds(1)).is_none(),
            "a clock moved back reloads"
        );
        c.put(1, "b".into(), t0);
        c.invalidate(&1);
        assert!(c.get(&1, t0).is_none());
    }

    #[test]
    fn a_full_cache_starts_afresh() {
        let t0 = Utc
            .with_ymd_and_hms(2026, 11, 26, 9, 0, 0)
            .single()
            .unwrap();
        let c: TtlCache<u32, u32> = TtlCache::new(Duration::seconds(5), 2);
        c.put(1, 1, t0);
        c.put(2, 2, t0);
        c.put(3, 3, t0);
        assert!(c.get(&1, t0).is_none());
        assert_eq!(c.get(&3, t0).as_deref(), Some(&3));
    }
}
