//! The store worker's replies as a test reads them: kept, so waiting for one never loses another.

use safedesk::sync::Reply;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Every reply the worker sent, kept so that waiting for one never loses another.
pub struct Replies {
    pub rx: mpsc::Receiver<Reply>,
    pub seen: Vec<Reply>,
}

impl Replies {
    pub fn new(rx: mpsc::Receiver<Reply>) -> Replies {
        Replies {
            rx,
            seen: Vec::new(),
        }
    }

    /// The first reply (kept or new) that `want` picks out, taken from the list; waits up to 30
    /// seconds for it.
    pub fn wait<T>(&mut self, mut want: impl FnMut(&Reply) -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(i) = self.seen.iter().position(|r| want(r).is_some()) {
                let r = self.seen.remove(i);
                return want(&r).expect("picked");
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(r) => self.seen.push(r),
                Err(e) => panic!("no such reply came ({e}); the replies were {:?}", self.seen),
            }
        }
    }

    /// Everything sent in the next `d`.
    pub fn settle(&mut self, d: Duration) {
        let until = Instant::now() + d;
        while let Ok(r) = self
            .rx
            .recv_timeout(until.saturating_duration_since(Instant::now()))
        {
            self.seen.push(r);
        }
    }
}
