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

/// The store worker, as the app runs it, on its own thread: where to send it requests, its
/// replies, and the thread (which ends once the sender is dropped).
pub fn start_worker(
    store: Box<dyn safedesk::store::Store>,
    ctx: safedesk::sync::worker::Context,
) -> (
    mpsc::Sender<safedesk::sync::Request>,
    Replies,
    std::thread::JoinHandle<()>,
) {
    let (req_tx, req_rx) = mpsc::channel();
    let (reply_tx, reply_rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        safedesk::sync::worker::run(store, ctx, req_rx, move |r| reply_tx.send(r).is_ok())
    });
    (req_tx, Replies::new(reply_rx), worker)
}
