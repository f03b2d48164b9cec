//! The store worker: the one thread that owns the instance's long-lived database connection.
//! The UI sends it requests and never waits for it. Lookups typed faster than the database
//! answers are coalesced, so only the newest one runs, and between requests it polls
//! `PRAGMA data_version` to notice other instances' changes.

use super::{Health, Reply, Request, RESULTS};
use crate::store::Store;
use chrono::Utc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How often other instances' changes are looked for.
pub const POLL: Duration = Duration::from_millis(500);

/// Serve requests until the UI hangs up. `send` delivers replies to the UI's event loop.
pub fn run(mut store: Box<dyn Store>, requests: Receiver<Request>, send: impl Fn(Reply) -> bool) {
    let mut version = store.data_version().ok();
    let mut healthy = true;
    let mut last_poll = Instant::now();
    loop {
        let wait = POLL.saturating_sub(last_poll.elapsed());
        let first = match requests.recv_timeout(wait) {
            Ok(r) => Some(r),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if let Some(first) = first {
            // Take everything queued; keep only the newest lookup and card.
            let mut lookup = None;
            let mut card = None;
            for r in std::iter::once(first).chain(requests.try_iter()) {
                match r {
                    Request::Lookup { seq, query } => lookup = Some((seq, query)),
                    Request::LoadCard { id } => card = Some(id),
                }
            }
            if let Some((seq, query)) = lookup {
                let result = store.lookup(&query, RESULTS).map_err(|e| e.to_string());
                if !send(Reply::Lookup { seq, result }) {
                    return;
                }
            }
            if let Some(id) = card {
                let result = store
                    .history(id)
                    .map(|h| h.map(Box::new))
                    .map_err(|e| e.to_string());
                if !send(Reply::Card { id, result }) {
                    return;
                }
            }
        }
        if last_poll.elapsed() >= POLL {
            last_poll = Instant::now();
            match store.data_version() {
                Ok(v) => {
                    // Sent every poll: the status bar shows when the data was last confirmed.
                    healthy = true;
                    if !send(Reply::Health(Health::Ok {
                        checked: Utc::now(),
                    })) {
                        return;
                    }
                    if version.is_some_and(|old| old != v) && !send(Reply::Changed) {
                        return;
                    }
                    version = Some(v);
                }
                Err(e) => {
                    if healthy {
                        healthy = false;
                        if !send(Reply::Health(Health::Trouble(e.to_string()))) {
                            return;
                        }
                    }
                }
            }
        }
    }
}
