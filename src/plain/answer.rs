//! A line typed in screen-reader mode, turned into what the full screen would have been given:
//! keys and pastes, handed to the same [`App`]. Nothing here decides anything the app decides
//! (who may do what, what a form accepts, what is saved): it only chooses the keys.
//!
//! Everywhere: `help`, `back` (or `cancel`, as Esc), `quit`, `log` (log an incident) and
//! `queue`; a key's name as the help writes it ("Enter", "Esc", "Ctrl-S", "F1", "Shift-Tab",
//! or one character where keys are not text) presses that key. In the search, other text is
//! searched for and a number opens that result. In the incident form each line answers the
//! question asked.

use super::Plain;
use crate::app::form::FormField;
use crate::app::keymap::{Action, Context};
use crate::app::{App, Notice, Prompt};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

/// Use one line typed.
pub fn line(app: &mut App, plain: &mut Plain, line: &str) {
    let text = line.trim();
    let word = text.to_lowercase();
    let ctx = app.context();
    // The words that work everywhere.
    match word.as_str() {
        "help" | "?" if ctx != Context::Help => return action(app, Action::Help),
        "quit" | "exit" => {
            // As Ctrl-C: it asks first when something typed would be lost.
            app.quit_asking();
            return;
        }
        "back" | "cancel" | "esc" => return key(app, KeyCode::Esc, NONE),
        "log" if ctx != Context::IncidentForm => return action(app, Action::LogIncident),
        "queue" if !ctx.typing() || ctx == Context::Search => return action(app, Action::Queue),
        _ => {}
    }
    match ctx {
        Context::Search | Context::Results | Context::Card => lookup(app, plain, text),
        Context::IncidentForm => incident(app, plain, text),
        Context::Queue if word == "more" => action(app, Action::Bottom),
        // The queue's one-kind keys are numbers, and a number here opens a case: by name.
        Context::Queue if queue_kind(&word).is_some() => {
            action(app, Action::ShowKind(queue_kind(&word).unwrap_or(0)))
        }
        Context::Queue => pick_row(
            app,
            text,
            app.overlays
                .queue()
                .map_or(0, |q| q.queue.cases.len().max(q.letters.len())),
        ),
        Context::QueueFind => {
            paste(app, text);
            key(app, KeyCode::Enter, NONE);
        }
        Context::Saved => match text.chars().count() {
            1 => type_char(app, text),
            _ => key(app, KeyCode::Enter, NONE),
        },
        Context::DraftOffer => key(app, KeyCode::Enter, NONE),
        Context::Prompt => prompt(app, text),
        Context::DecisionForm => decision(app, plain, text),
        Context::Letter if app.overlays.letter().is_some_and(|l| l.editing) => {
            // The paragraph as typed, then back to the letter, which is read again with it.
            key(app, KeyCode::Char('u'), CTRL);
            paste(app, text);
            key(app, KeyCode::Esc, NONE);
            plain.forget_all("here:letter:");
        }
        Context::Letter if word == "save" => key(app, KeyCode::Char('s'), NONE),
        // A case waiting for approval: the two answers by name, as well as by their keys.
        Context::Case if word == "approve" => action(app, Action::Approve),
        Context::Case if word == "turn down" || word == "turn it down" => {
            action(app, Action::TurnDown)
        }
        _ => other(app, text),
    }
}

/// Press the first key the keymap gives `a` here.
fn action(app: &mut App, a: Action) {
    let first_key = |app: &App, ctx: Context| {
        app.keys
            .bindings(ctx)
            .find(|b| b.action == a && !b.keys.is_empty())
            .and_then(|b| b.keys.first().copied())
    };
    let mut ctx = app.context();
    if ctx == Context::Search && first_key(app, ctx).is_none() {
        // Letters are text in the search box: leave it for the results first, as Esc does.
        key(app, KeyCode::Esc, NONE);
        ctx = app.context();
    }
    let found = first_key(app, ctx);
    match found {
        Some((code, mods)) => key(app, code, mods),
        None => {
            app.notice = Some(Notice::Info(format!(
                "That cannot be done from {}.",
                ctx.name()
            )))
        }
    }
}

fn key(app: &mut App, code: KeyCode, mods: KeyModifiers) {
    app.on_terminal_event(&Event::Key(KeyEvent::new(code, mods)));
}

fn type_char(app: &mut App, text: &str) {
    if let Some(c) = text.chars().next() {
        key(app, KeyCode::Char(c), NONE);
    }
}

fn paste(app: &mut App, text: &str) {
    if !text.is_empty() {
        app.on_terminal_event(&Event::Paste(text.to_string()));
    }
}

/// A key's name as the help and hints write it ("Enter", "Ctrl-S", "Shift-Tab", "F1", "PgDn",
/// "a"), if `text` is one.
pub fn key_named(text: &str) -> Option<(KeyCode, KeyModifiers)> {
    let t = text.trim();
    if t.chars().count() == 1 {
        return t.chars().next().map(|c| (KeyCode::Char(c), NONE));
    }
    let lower = t.to_lowercase();
    if let Some(rest) = lower
        .strip_prefix("ctrl-")
        .or_else(|| lower.strip_prefix("ctrl+"))
    {
        let mut cs = rest.chars();
        return match (cs.next(), cs.next()) {
            (Some(c), None) => Some((KeyCode::Char(c), CTRL)),
            _ => None,
        };
    }
    let code = match lower.as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "shift-tab" | "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        f if f.starts_with('f') => {
            KeyCode::F(f[1..].parse().ok().filter(|n| (1..=12).contains(n))?)
        }
        _ => return None,
    };
    Some((code, NONE))
}

/// The search and the card: a number opens that result; a key's name where keys are not text
/// presses it; anything else is searched for.
fn lookup(app: &mut App, plain: &mut Plain, text: &str) {
    let lower = text.to_lowercase();
    if text.is_empty() {
        return;
    }
    if lower == "list" && !app.results.is_empty() {
        plain.listing = true;
        return;
    }
    // The start screen's news: "dismiss 2" (or "dismiss" for the first), "news" to hear it again.
    if app.news_showing() {
        if lower == "news" {
            plain.forget("news");
            return;
        }
        if let Some(rest) = lower.strip_prefix("dismiss") {
            let rest = rest.trim();
            let n = if rest.is_empty() {
                Some(1)
            } else {
                rest.parse::<usize>().ok()
            };
            let len = app.news.len();
            match n {
                Some(n) if (1..=len).contains(&n) => {
                    app.dismiss_news_at(n - 1);
                    plain.forget("news");
                    app.notice = Some(Notice::Info(format!("News {n} dismissed.")));
                }
                _ => {
                    app.notice = Some(Notice::Info(format!(
                        "Type dismiss and the number of the news, from 1 to {len}."
                    )))
                }
            }
            return;
        }
    }
    if let Ok(n) = text.parse::<usize>() {
        if (1..=app.results.len()).contains(&n) && app.lookup_sent == app.lookup_shown {
            plain.listing = false;
            app.open_result(n - 1);
            return;
        }
        if !app.results.is_empty() && text.len() < 3 {
            app.notice = Some(Notice::Info(format!(
                "There is no result {n}: the results are numbered 1 to {}.",
                app.results.len()
            )));
            return;
        }
    }
    // On the card its keys work by name ("w" withdraws, "h" its history); in the search box
    // and the results a single letter is the start of a name.
    if app.context() == Context::Card || text.chars().count() > 1 {
        if let Some((code, mods)) = key_named(text) {
            let k = KeyEvent::new(code, mods);
            if app.keys.resolve(Context::Card, &k).is_some() && app.context() == Context::Card {
                return key(app, code, mods);
            }
            if (mods != NONE || !matches!(code, KeyCode::Char(_)))
                && app.keys.resolve(app.context(), &k).is_some()
            {
                return key(app, code, mods);
            }
        }
    }
    plain.listing = false;
    app.pane = crate::app::Pane::Search;
    app.set_query(text);
}

/// The incident form: the line answers the question asked.
fn incident(app: &mut App, plain: &mut Plain, text: &str) {
    let Some(f) = app.overlays.form() else { return };
    let lower = text.to_lowercase();
    if f.confirm_discard {
        let c = if lower.starts_with('y') { 'y' } else { 'n' };
        return key(app, KeyCode::Char(c), NONE);
    }
    let fields = f.visible_fields(&app.policy);
    if lower == "save" {
        plain.reviewing = false;
        return key(app, KeyCode::Char('s'), CTRL);
    }
    if plain.reviewing {
        let at = text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=fields.len()).contains(n));
        let named = fields
            .iter()
            .position(|x| x.label().to_lowercase() == lower)
            .map(|i| i + 1);
        match at.or(named) {
            Some(n) => {
                go_to(app, fields[n - 1]);
                plain.reviewing = false;
                plain.back_to_review = true;
            }
            None => {
                app.notice = Some(Notice::Info(format!(
                    "Type save, a question's number from 1 to {}, or cancel.",
                    fields.len()
                )))
            }
        }
        return;
    }
    let field = f.focus;
    let last = fields.last().copied();
    match field {
        FormField::Who if f.amending.is_some() => key(app, KeyCode::Enter, NONE),
        FormField::Who => who(app, plain, text),
        FormField::Channel
        | FormField::Category
        | FormField::Response
        | FormField::Workload
        | FormField::Hurt
        | FormField::Riddor => {
            if text.is_empty() {
                return key(app, KeyCode::Enter, NONE);
            }
            let options = pick_options(app, field);
            let chosen = pick(&options, text);
            match chosen {
                Some(c) => key(app, KeyCode::Char(c), NONE),
                None => {
                    app.notice = Some(Notice::Info(format!(
                        "\"{text}\" is not one of the answers: type a number from 1 to {}, or the letter given.",
                        options.len()
                    )))
                }
            }
        }
        FormField::Behaviours => behaviours(app, text),
        FormField::Distress => match lower.as_str() {
            "" => key(app, KeyCode::Enter, NONE),
            "y" | "yes" => key(app, KeyCode::Char('y'), NONE),
            "n" | "no" => key(app, KeyCode::Char('n'), NONE),
            "u" | "not known" | "unknown" | "don't know" => key(app, KeyCode::Char('u'), NONE),
            _ => {
                app.notice = Some(Notice::Info(
                    "Type y for yes, n for no or u for not known: did the customer appear to be in distress?"
                        .into(),
                ))
            }
        },
        FormField::Debrief => match lower.as_str() {
            "" => key(app, KeyCode::Enter, NONE),
            "y" | "yes" => key(app, KeyCode::Char('y'), NONE),
            "n" | "no" => key(app, KeyCode::Char('n'), NONE),
            _ => {
                app.notice = Some(Notice::Info(
                    "Type y for yes or n for no: does the member of staff affected want a debrief?"
                        .into(),
                ))
            }
        },
        FormField::Threat => match lower.as_str() {
            "" => key(app, KeyCode::Enter, NONE),
            "y" | "yes" => {
                key(app, KeyCode::Char('y'), NONE);
                key(app, KeyCode::Enter, NONE);
            }
            "n" | "no" => {
                key(app, KeyCode::Char('n'), NONE);
                key(app, KeyCode::Enter, NONE);
            }
            _ => {
                app.notice = Some(Notice::Info(
                    "Type y for yes or n for no: was anyone's safety under immediate threat?"
                        .into(),
                ))
            }
        },
        _ => {
            if !text.is_empty() {
                key(app, KeyCode::Char('u'), CTRL);
                paste(app, text);
            }
            key(app, KeyCode::Tab, NONE);
        }
    }
    // The last question answered (or the one changed from the summary): the summary next.
    if let Some(f) = app.overlays.form() {
        let moved = f.focus != field && f.problems.is_empty();
        if moved && (Some(field) == last || plain.back_to_review) {
            plain.reviewing = true;
            plain.back_to_review = false;
        }
    }
}

/// Move the form's focus to `to`, with Tab as a person would.
fn go_to(app: &mut App, to: FormField) {
    for _ in 0..32 {
        match app.overlays.form() {
            Some(f) if f.focus != to => key(app, KeyCode::Tab, NONE),
            _ => return,
        }
    }
}

/// Who the incident is about: a name searches; a number picks from what was found.
fn who(app: &mut App, plain: &mut Plain, text: &str) {
    let Some(f) = app.overlays.form() else { return };
    if f.who_choice.is_some() {
        if text.is_empty() {
            return key(app, KeyCode::Tab, NONE);
        }
    } else {
        let options = f.who_options();
        let typed = !f.who.value().trim().is_empty();
        if text.eq_ignore_ascii_case("unknown") {
            // The last option: an unidentified visitor.
            key(app, KeyCode::Char('u'), CTRL);
            plain.who_pending = false;
            for _ in 0..options + 2 {
                key(app, KeyCode::Down, NONE);
            }
            return key(app, KeyCode::Enter, NONE);
        }
        if let Ok(n) = text.parse::<usize>() {
            if typed && !plain.who_pending && (1..=options).contains(&n) {
                for _ in 0..options {
                    key(app, KeyCode::Up, NONE);
                }
                for _ in 1..n {
                    key(app, KeyCode::Down, NONE);
                }
                return key(app, KeyCode::Enter, NONE);
            }
        }
        if text.is_empty() {
            app.notice = Some(Notice::Info(if typed {
                "Type the number of the right one, or another name.".into()
            } else {
                "Type a name, phone number or email, or unknown for a visitor whose name is not known.".into()
            }));
            return;
        }
    }
    key(app, KeyCode::Char('u'), CTRL);
    paste(app, text);
    plain.who_pending = true;
}

/// The options of a pick field, as (key, label), in the order they are numbered.
pub(super) fn pick_options(app: &App, field: FormField) -> Vec<(char, String)> {
    let p = &app.policy;
    match field {
        FormField::Channel => p
            .channels
            .iter()
            .map(|c| (c.key, c.label.clone()))
            .collect(),
        FormField::Category => p
            .categories
            .iter()
            .map(|c| (c.key, c.label.clone()))
            .collect(),
        FormField::Response => {
            let ch = app
                .overlays
                .form()
                .map(|f| f.channel.clone())
                .unwrap_or_default();
            p.channel(&ch)
                .map(|c| {
                    c.responses
                        .iter()
                        .filter_map(|id| p.response(id))
                        .map(|r| (r.key, r.label.clone()))
                        .collect()
                })
                .unwrap_or_default()
        }
        FormField::Workload => p
            .principles
            .workload
            .iter()
            .map(|c| (c.key, c.label.clone()))
            .collect(),
        FormField::Hurt => vec![
            ('s', "a member of staff".into()),
            ('o', "another customer or visitor".into()),
            ('n', "no one".into()),
        ],
        FormField::Riddor => vec![
            ('y', "yes".into()),
            ('n', "no".into()),
            ('u', "not sure".into()),
        ],
        _ => Vec::new(),
    }
}

/// The key that picks the option `text` names: its number, its letter, or the start of its
/// words.
fn pick(options: &[(char, String)], text: &str) -> Option<char> {
    if let Ok(n) = text.parse::<usize>() {
        return (1..=options.len().min(9))
            .contains(&n)
            .then(|| char::from_digit(n as u32, 10))
            .flatten();
    }
    let lower = text.to_lowercase();
    if lower.chars().count() == 1 {
        return options
            .iter()
            .find(|(k, _)| k.to_lowercase().to_string() == lower)
            .map(|(k, _)| *k);
    }
    let starting: Vec<_> = options
        .iter()
        .filter(|(_, l)| l.to_lowercase().starts_with(&lower))
        .collect();
    match starting.as_slice() {
        [(k, _)] => Some(*k),
        _ => None,
    }
}

/// What was seen or heard: the numbers typed are the ticks, exactly.
fn behaviours(app: &mut App, text: &str) {
    let Some(f) = app.overlays.form() else { return };
    if text.is_empty() {
        return key(app, KeyCode::Enter, NONE);
    }
    let Some(cat) = app.policy.category(&f.category).cloned() else {
        return key(app, KeyCode::Enter, NONE);
    };
    let n = cat.behaviours.len();
    let mut wanted = Vec::new();
    for part in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        match part.parse::<usize>() {
            Ok(k) if (1..=n.min(10)).contains(&k) => wanted.push(k - 1),
            _ => {
                app.notice = Some(Notice::Info(format!(
                    "\"{part}\" is not one of the numbers: type the numbers from 1 to {} of all that apply, with spaces between.",
                    n.min(10)
                )));
                return;
            }
        }
    }
    let ticked = f.behaviours.clone();
    for (i, b) in cat.behaviours.iter().enumerate().take(10) {
        if wanted.contains(&i) != ticked.contains(&b.id) {
            let c = if i == 9 {
                '0'
            } else {
                char::from_digit(i as u32 + 1, 10).unwrap_or('1')
            };
            key(app, KeyCode::Char(c), NONE);
        }
    }
    key(app, KeyCode::Enter, NONE);
}

/// A list (the queue): a number opens that row; a key's name presses it.
fn pick_row(app: &mut App, text: &str, rows: usize) {
    if let Ok(n) = text.parse::<usize>() {
        if (1..=rows).contains(&n) {
            action(app, Action::Top);
            for _ in 1..n {
                action(app, Action::Down);
            }
            return key(app, KeyCode::Enter, NONE);
        }
        if text.len() > 1 || n == 0 {
            app.notice = Some(Notice::Info(format!(
                "There is no row {n}: the rows are numbered 1 to {rows}."
            )));
            return;
        }
    }
    other(app, text)
}

/// A question the app asks: a letter picks an option; a line of text is the answer.
fn prompt(app: &mut App, text: &str) {
    match app.overlays.prompt() {
        Some(Prompt::Choose { .. }) => match text.chars().count() {
            0 => key(app, KeyCode::Enter, NONE),
            1 => type_char(app, text),
            _ => other(app, text),
        },
        Some(Prompt::Link {
            confirm: Some(_), ..
        }) => type_char(app, text),
        Some(Prompt::Link { matches, .. })
            if text
                .parse::<usize>()
                .is_ok_and(|n| (1..=matches.len()).contains(&n)) =>
        {
            let n: usize = text.parse().unwrap_or(1);
            for _ in 1..n {
                key(app, KeyCode::Down, NONE);
            }
            key(app, KeyCode::Enter, NONE);
        }
        Some(Prompt::Link { .. }) => {
            key(app, KeyCode::Char('u'), CTRL);
            paste(app, text);
        }
        Some(_)
            if key_named(text)
                .is_some_and(|(c, m)| m != NONE || !matches!(c, KeyCode::Char(_))) =>
        {
            other(app, text)
        }
        Some(_) => {
            paste(app, text);
            key(app, KeyCode::Enter, NONE);
        }
        None => {}
    }
}

/// Anywhere else: a key's name presses it; `save` saves; other text is typed where the screen
/// takes text.
fn other(app: &mut App, text: &str) {
    let ctx = app.context();
    if text.eq_ignore_ascii_case("save") {
        return action(app, Action::Save);
    }
    if text.is_empty() {
        return key(app, KeyCode::Enter, NONE);
    }
    // A key's name, or one character: as that key (in a form the form decides whether it is
    // text or picks an option).
    if let Some((code, mods)) = key_named(text) {
        return key(app, code, mods);
    }
    if ctx.typing() {
        paste(app, text);
    } else {
        app.notice = Some(Notice::Info(format!(
            "\"{text}\" is not a key here: type help to hear the keys of {}.",
            ctx.name()
        )));
    }
}

/// The decision or review form: the line answers the row asked about.
fn decision(app: &mut App, plain: &mut Plain, text: &str) {
    use crate::app::decision::Row;
    let Some(f) = app.overlays.decision() else {
        return;
    };
    let lower = text.to_lowercase();
    if f.confirm_discard {
        let c = if lower.starts_with('y') { 'y' } else { 'n' };
        return key(app, KeyCode::Char(c), NONE);
    }
    if lower == "save" {
        plain.reviewing = false;
        return key(app, KeyCode::Char('s'), CTRL);
    }
    let rows = f.rows();
    if plain.reviewing {
        match text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=rows.len()).contains(n))
        {
            Some(n) => {
                let to = rows[n - 1];
                for _ in 0..64 {
                    match app.overlays.decision() {
                        Some(f) if f.focus != to => key(app, KeyCode::Tab, NONE),
                        _ => break,
                    }
                }
                plain.reviewing = false;
                plain.back_to_review = true;
            }
            None => {
                app.notice = Some(Notice::Info(format!(
                    "Type save, a question's number from 1 to {}, or cancel.",
                    rows.len()
                )))
            }
        }
        return;
    }
    let row = f.focus;
    let last = rows.last().copied();
    match row {
        Row::Item(i) | Row::Tried(i) | Row::Adjustment(i) => {
            let ticked = match row {
                Row::Item(_) => f.picker.items.get(i).is_some_and(|it| it.ticked),
                Row::Adjustment(_) => f.adjustments.get(i).is_some_and(|(_, t)| *t),
                _ => f.tried.get(i).is_some_and(|(_, t)| *t),
            };
            let want = match lower.as_str() {
                "" => ticked,
                "y" | "yes" | "x" => true,
                "n" | "no" => false,
                _ => {
                    app.notice = Some(Notice::Info(
                        "Type y to tick it or n to leave it unticked.".into(),
                    ));
                    return;
                }
            };
            if want != ticked {
                key(app, KeyCode::Char(' '), NONE);
            }
            // Ticked, it may have moved on to its details by itself.
            if app.overlays.decision().is_some_and(|f| f.focus == row) {
                key(app, KeyCode::Tab, NONE);
            }
        }
        Row::Outcome
        | Row::ReviewOutcome
        | Row::Scope(_)
        | Row::Divert(_)
        | Row::Police
        | Row::StillWants => {
            if text.is_empty() {
                key(app, KeyCode::Enter, NONE);
            } else if text.chars().count() == 1 {
                type_char(app, text);
            } else {
                app.notice = Some(Notice::Info(
                    "Type one of the letters given, or Enter to keep the answer.".into(),
                ));
                return;
            }
            // Some answers stay on their row (a letter that is not one of the options).
            if app.overlays.decision().is_some_and(|f| f.focus == row) && !text.is_empty() {
                app.notice = Some(Notice::Info(format!(
                    "\"{text}\" is not one of the letters given."
                )));
            }
        }
        _ => {
            if !text.is_empty() {
                key(app, KeyCode::Char('u'), CTRL);
                paste(app, text);
            }
            key(app, KeyCode::Tab, NONE);
        }
    }
    if let Some(f) = app.overlays.decision() {
        let moved = f.focus != row && f.problems.is_empty();
        if moved && (Some(row) == last || plain.back_to_review) {
            plain.reviewing = true;
            plain.back_to_review = false;
        }
    }
}

/// The queue's kinds of case by name, as its keys 0 to 5 show them.
fn queue_kind(word: &str) -> Option<u8> {
    Some(match word {
        "all" => 0,
        "threats" => 1,
        "breaches" => 2,
        "threshold" => 3,
        "reviews" => 4,
        "requests" => 5,
        "approvals" => 6,
        "debriefs" => 7,
        _ => return None,
    })
}
