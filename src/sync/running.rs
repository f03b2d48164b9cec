//! What both front ends (the full screen in `crate::tui` and the screen-reader mode in
//! `crate::plain`) do the same way around the app: start the store worker on its own thread,
//! hand it the app's requests (drafts and choices written here and now, on this PC), and let it
//! go when the app has gone.

use super::local::Local;
use super::presence::Presence;
use super::worker::{self, Context};
use super::{local_request, Reply, Request};
use crate::store::Store;
use std::path::PathBuf;
use std::sync::mpsc::{self, Sender};
use std::thread::JoinHandle;

/// The store worker, running.
pub struct Running {
    requests: Sender<Request>,
    worker: JoinHandle<()>,
    local: Option<Local>,
    /// This instance's presence file beside the database, removed when the app has gone.
    leaving: Option<PathBuf>,
}

impl Running {
    /// Start the worker: its answers go to `to`, each made an event of the front end's by
    /// `wrap`, until the front end has gone.
    pub fn start_sending<E: Send + 'static>(
        store: Box<dyn Store>,
        ctx: Context,
        local: Option<Local>,
        presence: Option<Presence>,
        to: Sender<E>,
        wrap: fn(Reply) -> E,
    ) -> std::io::Result<Running> {
        Running::start(store, ctx, local, presence, move |r| {
            to.send(wrap(r)).is_ok()
        })
    }

    /// Start the worker: it answers by calling `reply` until that returns false.
    fn start(
        store: Box<dyn Store>,
        ctx: Context,
        local: Option<Local>,
        presence: Option<Presence>,
        reply: impl Fn(Reply) -> bool + Send + 'static,
    ) -> std::io::Result<Running> {
        let (requests, req_rx) = mpsc::channel::<Request>();
        let leaving = presence
            .as_ref()
            .and_then(|p| p.file().map(|f| f.to_path_buf()));
        let worker = std::thread::Builder::new()
            .name("store".into())
            .spawn(move || worker::run_with(store, ctx, presence, req_rx, reply))?;
        Ok(Running {
            requests,
            worker,
            local,
            leaving,
        })
    }

    /// Hand the worker what the app asked for. Drafts and choices are written here and now:
    /// they must not wait for the drive.
    pub fn send(&self, requests: Vec<Request>) {
        for r in requests {
            let r = match &self.local {
                Some(l) => local_request(l, r),
                None => Some(r),
            };
            if let Some(r) = r {
                let _ = self.requests.send(r);
            }
        }
    }

    /// The app has gone. The worker removes this instance's presence file when it sees that;
    /// give it a moment (it may be waiting on a slow drive), then remove the file anyway.
    pub fn finish(self) {
        drop(self.requests);
        let until = std::time::Instant::now() + std::time::Duration::from_secs(1);
        while !self.worker.is_finished() && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        if let Some(file) = self.leaving {
            let _ = std::fs::remove_file(file);
        }
    }
}
