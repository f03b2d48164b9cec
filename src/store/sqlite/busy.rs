//! The busy handler: how an instance waits while another holds the shared file's lock.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How long a busy database is waited for, in milliseconds (the same for every connection of
/// this process: the busy handler is a plain function).
static PATIENCE_MS: AtomicU64 = AtomicU64::new(3000);

/// Called by SQLite while another connection holds the lock; true to try again.
pub(super) fn busy_wait(attempt: i32) -> bool {
    let patience = PATIENCE_MS.load(Ordering::Relaxed);
    // The first attempts come quickly; after that about one a millisecond.
    let waited_ms = u64::try_from(attempt).unwrap_or(0);
    if waited_ms >= patience {
        return false;
    }
    std::thread::sleep(Duration::from_micros(if attempt < 10 { 200 } else { 1000 }));
    true
}

/// Set how long [`busy_wait`] waits, for every connection of this process.
pub(super) fn set_patience(ms: u64) {
    PATIENCE_MS.store(ms, Ordering::Relaxed);
}
