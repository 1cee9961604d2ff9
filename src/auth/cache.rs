//! Callers recently signed in, so that a request does not read its token, account and scope
//! again when nothing has been written since.
//!
//! An entry is used only while no write has committed through this service's database handle
//! since it was read (a revoked token, a disabled account, a moved institution are seen at once;
//! every change to them goes through the API), while it is younger than `auth.caller_cache_secs`
//! (what another replica writes is seen within that time) and while its token is unexpired.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use super::Caller;

/// Entries kept at most; a full cache drops what is stale, or everything.
const MAX_ENTRIES: usize = 10_000;

struct Entry {
    caller: Caller,
    writes: u64,
    read_at: Instant,
    expires_at: NaiveDateTime,
}

pub struct CallerCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

impl CallerCache {
    pub fn new(ttl: Duration) -> CallerCache {
        CallerCache { ttl, entries: Mutex::new(HashMap::new()) }
    }

    fn fresh(&self, e: &Entry, writes: u64, now: NaiveDateTime) -> bool {
        e.writes == writes && e.read_at.elapsed() < self.ttl && e.expires_at > now
    }

    /// The caller of this token hash, if read recently enough to trust; `writes` is the count
    /// of writes committed now.
    pub fn get(&self, hash: &str, writes: u64) -> Option<Caller> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(hash).filter(|e| self.fresh(e, writes, crate::db::now())).map(|e| e.caller.clone())
    }

    /// Remembers a caller read when `writes` writes had committed (counted before the read).
    pub fn put(&self, hash: String, caller: &Caller, writes: u64, expires_at: NaiveDateTime) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            let now = crate::db::now();
            entries.retain(|_, e| self.fresh(e, writes, now));
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(hash, Entry { caller: caller.clone(), writes, read_at: Instant::now(), expires_at });
    }
}
