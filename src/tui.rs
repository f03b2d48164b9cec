//! The app at the terminal: [`start`] opens it on the database the command line names, and
//! [`run`] is the event loop that joins the app's state ([`crate::app`]), the screens
//! ([`crate::ui`]) and the store worker ([`crate::sync`]). The terminal is set up for it and put
//! back as it was afterwards.

use crate::app::Overlay;
use crate::app::{App, Drawn, Notice};
use crate::cli::{session, Cli, Command};
use crate::store::Store;
use crate::sync::local::Local;
use crate::sync::presence::Presence;
use crate::sync::running::Running;
use crate::sync::worker::Context;
use crate::sync::Reply;
use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event as TermEvent,
};
use crossterm::execute;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What wakes the event loop.
enum Event {
    /// A terminal event and when it was read (to tell a paste from typing).
    Term(TermEvent, Instant),
    Reply(Box<Reply>),
    InputGone(String),
}

/// Open the app (no command, or `safedesk log`, which opens it on an empty incident form) and
/// run it until the user quits.
pub fn start(cli: &Cli) -> Result<(), String> {
    // No database set on this PC: the first run says what safedesk needs and sets it up.
    let chosen;
    let mut said = Vec::new();
    let cli = match crate::cli::first_run::wanted(cli)? {
        None => cli,
        Some(setup) => match if setup.plain {
            crate::plain::first_run(cli, &setup)?
        } else {
            first_run(cli, &setup)?
        } {
            None => return Ok(()),
            Some((then, words)) => {
                said = words;
                chosen = then;
                &chosen
            }
        },
    };
    let mut s = session::open(cli)?;
    s.notices.splice(0..0, said);
    let location = s.store.location();
    let local = Local::new(s.local_dir.clone());
    let mut app = App::new(
        s.policy.clone(),
        s.actor.clone(),
        location.clone(),
        s.demo,
        s.read_only,
    );
    app.choices = local.choices();
    app.alerts.bell = s.bell;
    app.theme = s.theme;
    if !s.notices.is_empty() {
        app.notice = Some(Notice::Info(s.notices.join(" ")));
    }
    let deciding = s.actor.role().is_some_and(|r| r.can_decide());
    match &s.letters {
        Ok(kit) if deciding && !s.demo && kit.organisation.is_example() && app.notice.is_none() => {
            app.notice = Some(Notice::Info(
                "Letters use the example organisation details: put your own in a file and name it with organisation = 'PATH' in the config file.".into(),
            ));
        }
        Err(e) if deciding => app.notice = Some(Notice::Error(e.clone())),
        _ => {}
    }
    // This PC's keys and mouse (session::open read the config already). A refused key change
    // must not lock anyone out: the usual keys are kept for it, and the notice says why.
    let cfg = session::config(cli).unwrap_or_default();
    let (keys, key_problems) = crate::cli::config::keymap(&cfg);
    app.keys = keys;
    app.mouse = crate::cli::config::mouse(&cfg);
    if !key_problems.is_empty() {
        app.notice = Some(Notice::Error(key_problems.join(" ")));
    }
    app.letter_kit = s.letters.map(std::sync::Arc::new);
    app.open_with = crate::letters::OpenWith::from_env();
    if let Some(d) = local.draft(&location) {
        app.overlays.open(Overlay::DraftOffer(d));
    }
    if matches!(cli.command, Some(Command::Log)) && app.overlays.draft_offer().is_none() {
        app.open_form();
    }
    let mut store = s.store;
    // On a file, lookups search this PC's copy of the lookup's tables, kept in step with the
    // shared file (built in the background the first time; until then they search the shared
    // file). A server answers them itself.
    store.use_local_index(&local.dir().join("search"), true);
    let ctx = Context {
        policy: s.policy,
        actor: s.actor,
        local: Some(local.clone()),
        database: store.database_id().unwrap_or_else(|_| location.clone()),
        also: vec![location],
        file: s.at.file().and_then(crate::sync::local::file_mark),
        read_only: s.read_only,
    };
    let presence = match s.at.file() {
        Some(path) => Presence::new(path, &ctx.actor.login, ctx.actor.role()),
        None => Presence::in_database(&ctx.actor.login, ctx.actor.role()),
    };
    if s.plain {
        return crate::plain::run(app, store, ctx, Some(local), Some(presence))
            .map_err(|e| format!("The console failed: {e}"));
    }
    run_present(app, store, ctx, Some(local), Some(presence))
        .map_err(|e| format!("The terminal failed: {e}"))
}

/// The first run's screens (`app::first_run`, `ui::first_run`), with what they ask done on the
/// disk by `cli::first_run`. Returns how to open the app (the command line with the database, or
/// --demo) and what to tell the person; None when they quit, having written nothing.
fn first_run(
    cli: &Cli,
    setup: &crate::cli::first_run::Setup,
) -> Result<Option<(Cli, Vec<String>)>, String> {
    use crate::app::first_run::{FirstRun, Step};
    use crate::cli::first_run as disk;
    let mut f = FirstRun::new(
        &setup.suggestion,
        &setup.login,
        &setup.config_file.display().to_string(),
    );
    f.read_only = cli.read_only;
    f.theme = crate::app::theme::ThemeName::choose(
        cli.theme,
        std::env::var_os("NO_COLOR").as_deref(),
        None,
    );
    let mut terminal = terminal().map_err(|e| format!("The terminal failed: {e}"))?;
    let _ = execute!(std::io::stdout(), EnableBracketedPaste);
    let mut ended = || -> Result<Option<(Cli, Vec<String>)>, String> {
        let failed = |e: std::io::Error| format!("The terminal failed: {e}");
        loop {
            terminal
                .draw(|frame| crate::ui::first_run::draw(frame, &f))
                .map_err(failed)?;
            let ev = event::read().map_err(failed)?;
            let Some(step) = f.on_terminal_event(&ev) else {
                continue;
            };
            if matches!(step, Step::Create { .. }) {
                // Making the database takes a moment: the screen says so meanwhile.
                terminal
                    .draw(|frame| crate::ui::first_run::draw(frame, &f))
                    .map_err(failed)?;
            }
            match disk::carry_out(cli, setup, &mut f, step) {
                disk::Outcome::Open(open, words) => return Ok(Some((*open, words))),
                disk::Outcome::Quit => return Ok(None),
                disk::Outcome::Again => continue,
            }
        }
    };
    let result = ended();
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    result
}

/// The full screen, or a sentence when there is no terminal to draw in (a scheduled task, a
/// console that is not a terminal such as mintty, output sent to a file): never a panic.
fn terminal() -> std::io::Result<ratatui::DefaultTerminal> {
    ratatui::try_init().map_err(|e| {
        std::io::Error::other(format!(
            "safedesk needs a terminal window to draw in, and this one could not be set up or say its size ({e}). Run it in a terminal window; the commands (safedesk lookup, safedesk --help) work without one"
        ))
    })
}

/// Run the app until the user quits. The store moves to its worker thread.
pub fn run(
    app: App,
    store: Box<dyn Store>,
    ctx: Context,
    local: Option<Local>,
) -> std::io::Result<()> {
    run_present(app, store, ctx, local, None)
}

/// As [`run`], keeping this instance's presence file beside the database while it runs.
pub fn run_present(
    mut app: App,
    store: Box<dyn Store>,
    ctx: Context,
    local: Option<Local>,
    presence: Option<Presence>,
) -> std::io::Result<()> {
    let (keys, rx) = mpsc::channel::<Event>();
    let running = Running::start_sending(store, ctx, local, presence, keys.clone(), |r| {
        Event::Reply(Box::new(r))
    })?;
    std::thread::Builder::new()
        .name("input".into())
        .spawn(move || loop {
            match event::read() {
                Ok(ev) => {
                    if keys.send(Event::Term(ev, Instant::now())).is_err() {
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
    let mouse = app.mouse;
    let result = (|| -> std::io::Result<()> {
        // Not a terminal, or one that cannot say its size: a sentence, never a panic.
        let mut terminal = terminal()?;
        let _ = execute!(std::io::stdout(), EnableBracketedPaste);
        // The mouse clicks and scrolls, unless the config says `mouse = false` (which leaves the
        // terminal's own selecting of text). It is let go on the way out, a panic's way too.
        if mouse {
            let _ = execute!(std::io::stdout(), EnableMouseCapture);
            let hook = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                let _ = execute!(std::io::stdout(), DisableMouseCapture);
                hook(info);
            }));
        }
        let send = |app: &mut App| running.send(app.take_requests());
        // A burst of keys faster than typing is a paste where the console cannot say (Windows').
        let bursts =
            crate::app::paste::wanted(std::env::var("SAFEDESK_PASTE_BURSTS").ok().as_deref());
        let hand = |app: &mut App, terms: Vec<(TermEvent, Instant)>| {
            if bursts {
                app.on_terminal_events(terms);
            } else {
                for (t, _) in terms {
                    app.on_terminal_event(&t);
                }
            }
        };
        send(&mut app);
        loop {
            let mut drawn = Drawn::default();
            terminal.draw(|f| drawn = crate::ui::draw(f, &app))?;
            app.drawn = drawn;
            if app.take_bell() {
                use std::io::Write;
                let mut out = std::io::stdout();
                let _ = out.write_all(b"\x07").and_then(|_| out.flush());
            }
            if exit_after_first_draw {
                return Ok(());
            }
            let Ok(ev) = rx.recv() else { return Ok(()) };
            // Handle everything already waiting before drawing again, and after a key, the keys
            // that follow within a paste's pace: a console without bracketed paste (Windows')
            // sends a paste as keys, which the app takes as one paste (`app::paste`).
            let mut waiting: Vec<Event> = std::iter::once(ev).chain(rx.try_iter()).collect();
            let until = Instant::now() + Duration::from_millis(250);
            while bursts
                && matches!(waiting.last(), Some(Event::Term(TermEvent::Key(_), _)))
                && Instant::now() < until
            {
                match rx.recv_timeout(crate::app::paste::BURST_GAP) {
                    Ok(ev) => {
                        waiting.push(ev);
                        waiting.extend(rx.try_iter());
                    }
                    Err(_) => break,
                }
            }
            let mut terms = Vec::new();
            for ev in waiting {
                match ev {
                    Event::Term(t, at) => terms.push((t, at)),
                    Event::Reply(r) => {
                        hand(&mut app, std::mem::take(&mut terms));
                        app.on_reply(*r);
                    }
                    Event::InputGone(e) => {
                        hand(&mut app, std::mem::take(&mut terms));
                        return Err(std::io::Error::other(format!(
                            "the terminal stopped sending keys ({e})"
                        )));
                    }
                }
            }
            hand(&mut app, terms);
            send(&mut app);
            if app.should_quit {
                return Ok(());
            }
        }
    })();
    if mouse {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
    }
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    running.finish();
    result
}
