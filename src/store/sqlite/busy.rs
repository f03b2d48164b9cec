//! The busy handler: how an instance waits while another holds the shared file's lock.
//!
//! The wait is bounded by the time that has passed, not by how many times SQLite asked: a sleep
//! of "one millisecond" lasts 1 ms on Linux but up to 15.6 ms on Windows, so counting tries
//! waited up to fifteen times the setting there.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a busy database is waited for, in milliseconds: the busy handler is a plain
/// function, so this is the process's (the newest store opened sets it), unless the thread
/// waiting opened a store itself, whose setting it keeps (several stores in one process, as the
/// tests and benchmarks open them, each on its own thread, each wait as long as they asked).
static PATIENCE_MS: AtomicU64 = AtomicU64::new(3000);

thread_local! {
    /// The patience of the store this thread opened last, if it opened one.
    static THREAD_PATIENCE_MS: Cell<Option<u64>> = const { Cell::new(None) };
    /// When this thread's current wait began (SQLite calls the handler on the thread that runs
    /// the statement, with attempt 0 first for each new wait).
    static WAIT_STARTED: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Called by SQLite while another connection holds the lock; true to try again.
pub(super) fn busy_wait(attempt: i32) -> bool {
    let ms = THREAD_PATIENCE_MS
        .with(Cell::get)
        .unwrap_or_else(|| PATIENCE_MS.load(Ordering::Relaxed));
    let patience = Duration::from_millis(ms);
    let now = Instant::now();
    let started = WAIT_STARTED.with(|s| {
        let started = match s.get() {
            Some(t) if attempt > 0 => t,
            _ => now,
        };
        s.set(Some(started));
        started
    });
    should_wait(now.saturating_duration_since(started), patience, attempt)
}

/// Given how long this wait has lasted: false when patience is used up, otherwise a short sleep
/// (the first tries come quickly, then about one a millisecond, never past the patience) and
/// true.
fn should_wait(waited: Duration, patience: Duration, attempt: i32) -> bool {
    let Some(left) = patience.checked_sub(waited).filter(|l| !l.is_zero()) else {
        return false;
    };
    let step = Duration::from_micros(if attempt < 10 { 200 } else { 1000 });
    std::thread::sleep(step.min(left));
    true
}

/// Set how long [`busy_wait`] waits: for this thread, and for threads that opened no store.
pub(super) fn set_patience(ms: u64) {
    PATIENCE_MS.store(ms, Ordering::Relaxed);
    THREAD_PATIENCE_MS.with(|p| p.set(Some(ms)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_ends_when_the_time_is_up_however_many_tries_there_were() {
        let p = Duration::from_millis(3000);
        assert!(should_wait(Duration::ZERO, p, 0));
        assert!(should_wait(Duration::from_millis(2999), p, 5));
        // Few tries but the time is up (coarse sleeps): give up.
        assert!(!should_wait(Duration::from_millis(3000), p, 3));
        assert!(!should_wait(Duration::from_millis(3500), p, 1));
        // Many tries but little time (fine sleeps): go on.
        assert!(should_wait(Duration::from_millis(10), p, 100_000));
        assert!(!should_wait(Duration::ZERO, Duration::ZERO, 0));
    }
}
