//! The screen-reader mode (`--plain`, or `plain = true` in the config file). No alternate
//! screen, no box drawing, one column: safedesk writes lines and reads a line at a time, so the
//! console's own history is what a screen reader reads.
//!
//! It is a second front end on the same app, not a second copy of its logic: each line typed is
//! turned into the keys and pastes the full screen would get ([`answer`]), the same [`App`]
//! handles them and sends the same requests to the same store worker, and what changed is then
//! said in full sentences, each on its own line ([`say`]). Lines typed while an answer is still
//! on its way (a search, a save) wait for it, so input piped from a file works as typing does.

pub mod answer;
mod first_run;
pub mod say;

pub use first_run::first_run;

use crate::app::App;
use crate::store::Store;
use crate::sync::local::Local;
use crate::sync::presence::Presence;
use crate::sync::running::Running;
use crate::sync::worker::Context;
use crate::sync::Reply;
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The longest line read; the rest of a longer one (a 100 KB paste) is dropped, and the person
/// is told.
pub const MAX_LINE: usize = 20_000;

/// How long a typed line waits for the answer to the one before it (a search, a save) before
/// it is used anyway: the drive may be gone, and the app then says so.
const PATIENCE: Duration = Duration::from_secs(20);

/// What wakes the loop.
enum Event {
    Line(String),
    /// A line longer than [`MAX_LINE`] was cut.
    Cut(String),
    /// Input ended (a file piped in has been read to its end, or Ctrl-D / Ctrl-Z).
    End,
    Reply(Box<Reply>),
    InputGone(String),
}

/// What the screen-reader mode keeps besides the app: what it has said, and the lines waiting.
#[derive(Debug, Default)]
pub struct Plain {
    /// What was last said on each subject: a subject is said again only when it changes.
    said: HashMap<String, String>,
    /// The subject of the question last asked.
    asked: Option<String>,
    /// Lines typed and not yet used: each waits for the answer the one before it asked for.
    waiting: VecDeque<String>,
    /// Since when the app has been waiting for an answer.
    busy_since: Option<Instant>,
    /// The incident form has been answered to its end: its summary and "save?" are asked.
    pub reviewing: bool,
    /// One answer is being changed from the summary: the summary comes back after it.
    pub back_to_review: bool,
    /// A name was typed into the incident form's Who question: its matches are on their way.
    pub who_pending: bool,
    /// The search results are being read out in full (`list`).
    pub listing: bool,
    /// The person has been told that their input has ended.
    ended: bool,
}

impl Plain {
    /// Say `text` on `subject` unless it was the last thing said on it. Returns the lines to
    /// print.
    pub fn tell(&mut self, subject: &str, text: String, out: &mut Vec<String>) {
        if text.trim().is_empty() {
            self.said.remove(subject);
            return;
        }
        if self.said.get(subject) == Some(&text) {
            return;
        }
        out.extend(text.lines().map(str::to_string));
        self.said.insert(subject.to_string(), text);
    }

    /// Forget what was said on `subject`, so it is said again next time.
    pub fn forget(&mut self, subject: &str) {
        self.said.remove(subject);
    }

    /// Forget everything said on subjects starting with `prefix`.
    pub fn forget_all(&mut self, prefix: &str) {
        self.said.retain(|k, _| !k.starts_with(prefix));
    }
}

/// Run the app in screen-reader mode until the person quits or their input ends.
pub fn run(
    mut app: App,
    store: Box<dyn Store>,
    ctx: Context,
    local: Option<Local>,
    presence: Option<Presence>,
) -> std::io::Result<()> {
    let (lines, rx) = mpsc::channel::<Event>();
    let running = Running::start_sending(store, ctx, local, presence, lines.clone(), |r| {
        Event::Reply(Box::new(r))
    })?;
    std::thread::Builder::new()
        .name("input".into())
        .spawn(move || read_lines(std::io::stdin().lock(), lines))?;
    let mut plain = Plain::default();
    let mut out = std::io::stdout();
    let result = (|| -> std::io::Result<()> {
        print(&mut out, &say::welcome(&app))?;
        running.send(app.take_requests());
        let mut answered = true;
        loop {
            let lines = say::now(&mut app, &mut plain, answered);
            print(&mut out, &lines)?;
            answered = false;
            if app.should_quit {
                print(&mut out, &["safedesk has closed.".to_string()])?;
                return Ok(());
            }
            // A line waiting is used as soon as the answer it waits for is in.
            if let Some(line) = next_line(&app, &mut plain) {
                answer::line(&mut app, &mut plain, &line);
                running.send(app.take_requests());
                answered = true;
                continue;
            }
            if plain.ended && plain.waiting.is_empty() && !say::busy(&app, &plain) {
                print(&mut out, &say::ending(&app))?;
                app.should_quit = true;
                return Ok(());
            }
            let ev = match rx.recv_timeout(Duration::from_millis(250)) {
                Ok(ev) => ev,
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            };
            for ev in std::iter::once(ev).chain(rx.try_iter()) {
                match ev {
                    Event::Line(l) => plain.waiting.push_back(l),
                    Event::Cut(l) => {
                        print(
                            &mut out,
                            &[format!(
                                "That line was {} characters long: only its first {MAX_LINE} are used.",
                                l.len()
                            )],
                        )?;
                        plain.waiting.push_back(l.chars().take(MAX_LINE).collect());
                    }
                    Event::End => plain.ended = true,
                    Event::Reply(r) => on_reply(&mut app, &mut plain, *r),
                    Event::InputGone(e) => {
                        return Err(std::io::Error::other(format!(
                            "the console stopped sending lines ({e})"
                        )))
                    }
                }
            }
            running.send(app.take_requests());
        }
    })();
    running.finish();
    result
}

/// An answer from the store reaches the app.
pub fn on_reply(app: &mut App, plain: &mut Plain, reply: Reply) {
    // Only the answer to the search last typed ends the wait for "who": clearing the field
    // searches too, and that answer can come in first (seen under Wine).
    if let Reply::FormLookup { seq, .. } = &reply {
        if app.overlays.form().is_none_or(|f| f.lookup_sent == *seq) {
            plain.who_pending = false;
        }
    }
    app.on_reply(reply);
}

/// The next line to use, once the app is not waiting for an answer (or has waited too long).
fn next_line(app: &App, plain: &mut Plain) -> Option<String> {
    plain.waiting.front()?;
    if say::busy(app, plain) {
        let since = *plain.busy_since.get_or_insert_with(Instant::now);
        if since.elapsed() < PATIENCE {
            return None;
        }
    }
    plain.busy_since = None;
    plain.waiting.pop_front()
}

/// Read lines from the console (or a file piped in) and hand them to the loop.
fn read_lines(mut input: impl BufRead, to: mpsc::Sender<Event>) {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let ev = match input.read_until(b'\n', &mut buf) {
            Ok(0) => Event::End,
            Ok(_) => {
                // Control characters typed or pasted mean nothing here, and must never reach
                // the console again when a line is said back.
                let text = String::from_utf8_lossy(&buf);
                let text =
                    crate::text::sanitise_for_display(text.trim_end_matches(['\r', '\n']), false);
                if text.len() > MAX_LINE {
                    Event::Cut(text)
                } else {
                    Event::Line(text)
                }
            }
            Err(e) => Event::InputGone(e.to_string()),
        };
        let end = matches!(ev, Event::End | Event::InputGone(_));
        if to.send(ev).is_err() || end {
            return;
        }
    }
}

/// Write lines to the console, each cleaned of anything a terminal would act on.
fn print(out: &mut impl Write, lines: &[String]) -> std::io::Result<()> {
    for l in lines {
        writeln!(out, "{}", crate::text::sanitise_for_display(l, false))?;
    }
    out.flush()
}
