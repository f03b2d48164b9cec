//! The terminal: set it up, run the event loop, put it back as it was.

use crate::app::App;
use crate::store::Store;
use crate::sync::local::Local;
use crate::sync::{local_request, worker, Reply, Request};
use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event as TermEvent};
use crossterm::execute;
use std::sync::mpsc;

/// What wakes the event loop.
enum Event {
    Term(TermEvent),
    Reply(Box<Reply>),
    InputGone(String),
}

/// Run the app until the user quits. The store moves to its worker thread.
pub fn run(
    mut app: App,
    store: Box<dyn Store>,
    ctx: worker::Context,
    local: Option<Local>,
) -> std::io::Result<()> {
    let (tx, rx) = mpsc::channel::<Event>();
    let (req_tx, req_rx) = mpsc::channel::<Request>();
    let replies = tx.clone();
    std::thread::Builder::new()
        .name("store".into())
        .spawn(move || {
            worker::run(store, ctx, req_rx, move |r| {
                replies.send(Event::Reply(Box::new(r))).is_ok()
            })
        })?;
    let keys = tx;
    std::thread::Builder::new()
        .name("input".into())
        .spawn(move || loop {
            match event::read() {
                Ok(ev) => {
                    if keys.send(Event::Term(ev)).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let _ = keys.send(Event::InputGone(e.to_string()));
                    return;
                }
            }
        })?;

    // For the start-up benchmark (benches/startup.sh): leave after the first full screen.
    let exit_after_first_draw = std::env::var_os("SAFEDESK_EXIT_AFTER_FIRST_DRAW").is_some();
    let mut terminal = ratatui::init();
    let _ = execute!(std::io::stdout(), EnableBracketedPaste);
    let result = (|| -> std::io::Result<()> {
        let send = |app: &mut App| {
            for r in app.take_requests() {
                // Drafts and choices are written here and now: they must not wait for the drive.
                let r = match &local {
                    Some(l) => local_request(l, r),
                    None => Some(r),
                };
                if let Some(r) = r {
                    let _ = req_tx.send(r);
                }
            }
        };
        send(&mut app);
        loop {
            let area = terminal.draw(|f| crate::ui::draw(f, &app))?.area;
            app.size = (area.width, area.height);
            if exit_after_first_draw {
                return Ok(());
            }
            let Ok(ev) = rx.recv() else { return Ok(()) };
            // Handle everything already waiting before drawing again.
            for ev in std::iter::once(ev).chain(rx.try_iter()) {
                match ev {
                    Event::Term(t) => app.on_terminal_event(&t),
                    Event::Reply(r) => app.on_reply(*r),
                    Event::InputGone(e) => {
                        return Err(std::io::Error::other(format!(
                            "the terminal stopped sending keys ({e})"
                        )))
                    }
                }
            }
            send(&mut app);
            if app.should_quit {
                return Ok(());
            }
        }
    })();
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    result
}
