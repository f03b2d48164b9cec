//! Who opened a restricted customer's card, gathered on this PC and written to the shared file
//! in one short transaction at most once a [`Viewed::every`] (a minute unless
//! `SAFEDESK_VIEW_FLUSH_SECS` says otherwise; the tests make it short) and when safedesk closes.
//!
//! Every write to the shared file empties every other PC's page cache, so a card opened must not
//! be a write. A batch the shared file cannot take now (the drive is away, locked, read-only)
//! goes to this PC's outbox as one entry and is written once when the drive is back: each view
//! has its own id, so a batch delivered twice is written once.
//!
//! The same customer's card opened (or read again after another PC's change) more than once in
//! one batch is one view, at the first time: the batch says who looked and when to the minute.

use crate::domain::{new_id, CardView, Id};
use chrono::{DateTime, Utc};
use std::time::{Duration, Instant};

/// How often gathered views are written, unless `SAFEDESK_VIEW_FLUSH_SECS` says otherwise.
pub const FLUSH_EVERY: Duration = Duration::from_secs(60);

/// The environment variable that sets how often views are written, in seconds (for tests; at
/// least 1).
pub const FLUSH_ENV: &str = "SAFEDESK_VIEW_FLUSH_SECS";

/// The views gathered on this PC and not yet written.
#[derive(Debug)]
pub struct Viewed {
    pending: Vec<CardView>,
    every: Duration,
    last_flush: Instant,
    /// Batches handed out to be written, since the start.
    batches: usize,
}

impl Viewed {
    pub fn new(every: Duration) -> Viewed {
        Viewed {
            pending: Vec::new(),
            every,
            last_flush: Instant::now(),
            batches: 0,
        }
    }

    /// As [`FLUSH_ENV`] says, else once a minute.
    pub fn from_env() -> Viewed {
        let every = std::env::var(FLUSH_ENV)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(|s| Duration::from_secs(s.max(1)))
            .unwrap_or(FLUSH_EVERY);
        Viewed::new(every)
    }

    /// How often views are written.
    pub fn every(&self) -> Duration {
        self.every
    }

    /// A restricted customer's card was opened at `at`.
    pub fn seen(&mut self, customer: Id, at: DateTime<Utc>) {
        if self.pending.iter().any(|v| v.customer == customer) {
            return;
        }
        self.pending.push(CardView {
            id: new_id(),
            customer,
            at,
        });
    }

    /// Views waiting to be written.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// How many batches were handed out to be written.
    pub fn batches(&self) -> usize {
        self.batches
    }

    /// The batch to write now: when `at_exit`, or when the interval has passed since the last;
    /// None when there is nothing to write or it is not yet time.
    pub fn take_due(&mut self, at_exit: bool) -> Option<Vec<CardView>> {
        if self.pending.is_empty() || !(at_exit || self.last_flush.elapsed() >= self.every) {
            return None;
        }
        self.last_flush = Instant::now();
        self.batches += 1;
        Some(std::mem::take(&mut self.pending))
    }

    /// How long until the next batch is due (for the worker's wait), when any view waits.
    pub fn due_in(&self) -> Option<Duration> {
        (!self.pending.is_empty()).then(|| self.every.saturating_sub(self.last_flush.elapsed()))
    }
}
