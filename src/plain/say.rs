//! What the screen-reader mode says: the app's state in full sentences, one to a line. Each
//! subject (the search results, a card, the question being asked, the drive's health) is said
//! when it changes, never again while it stays the same, so the console's history reads as a
//! conversation. The words come from the same places the full screen takes them from (the
//! policy's summary of a customer, the card's and the case's lines, the status line), flattened
//! to text.

use super::Plain;
use crate::app::form::{FormField, IncidentForm};
use crate::app::keymap::{self, Context};
use crate::app::{App, Notice, Pane, Prompt};
use crate::domain::LookupHit;
use crate::policy::{rules, Policy};
use crate::sync::Health;
use ratatui::text::Line;

/// The first lines: where this is, who is signed in, and how to work it.
pub fn welcome(app: &App) -> Vec<String> {
    let who = match (&app.actor.staff, app.actor.role()) {
        (Some(s), Some(r)) => format!("Signed in as {} ({r}).", s.display_name),
        _ => format!(
            "Signed in as {}, who is not on the staff list: you can look people up but not log incidents.",
            app.actor.login
        ),
    };
    let mut lines = vec![
        "safedesk, screen-reader mode: one line at a time.".to_string(),
        format!(
            "{who} Shared database: {}{}.",
            app.location,
            if app.demo { " (demo data)" } else { "" }
        ),
    ];
    if app.read_only {
        lines.push("Started with --read-only: nothing can be changed here.".into());
    }
    lines.push(
        "Type a name, phone number or email and press Enter to look someone up. Type help at any time to hear what you can type."
            .into(),
    );
    lines
}

/// The last line, when the input has ended (a file piped in has been read).
pub fn ending(app: &App) -> Vec<String> {
    let mut lines = Vec::new();
    if app.overlays.form().is_some_and(|f| f.has_typed_text()) {
        lines.push(
            "The incident being typed was not saved: it is kept on this PC and offered back next time."
                .into(),
        );
    }
    if app.outbox > 0 {
        lines.push(format!(
            "{} waiting on this PC to be saved to the shared database: it is saved next time safedesk runs and reaches it.",
            plural(app.outbox as u64, "entry is", "entries are")
        ));
    }
    lines.push("End of input: safedesk has closed.".into());
    lines
}

/// Is the app waiting for an answer that the next typed line may depend on?
pub fn busy(app: &App, plain: &Plain) -> bool {
    let trouble = matches!(app.health, Health::Trouble(_));
    if app.lookup_sent != app.lookup_shown && !trouble {
        return true;
    }
    if let Some(f) = app.overlays.form() {
        if f.saving || (plain.who_pending && !trouble) {
            return true;
        }
    }
    if app.overlays.queue().is_some_and(|q| !q.loaded) && !trouble {
        return true;
    }
    if app
        .overlays
        .case_view()
        .is_some_and(|c| c.history.is_none())
        && !trouble
    {
        return true;
    }
    if app.overlays.letter().is_some_and(|l| l.saving) {
        return true;
    }
    if app.overlays.decision().is_some_and(|d| d.saving) {
        return true;
    }
    // The news about incidents this person logged is said after the welcome, before anything
    // typed is used.
    let start_screen = app.overlays.top().is_none() && app.query().is_empty();
    if start_screen && app.actor.staff.is_some() && !app.news.arrived && !trouble {
        return true;
    }
    let card_on_way = app.overlays.top().is_none()
        && app.pane == Pane::Card
        && app.selected_hit().is_some()
        && !app.card_is_full()
        && app.card_failed.is_none();
    card_on_way && !trouble
}

/// Everything that changed since the last time, in sentences. `answered`: a line was just used,
/// so the question is asked again even when it has not changed (the person needs to know what
/// is waiting for them).
pub fn now(app: &mut App, plain: &mut Plain, answered: bool) -> Vec<String> {
    let mut out = Vec::new();
    // What the person did and was told about it is said once; it has then been heard.
    if let Some(n) = app.notice.take() {
        let text = match n {
            Notice::Info(m) => m,
            Notice::Error(m) => format!("Not done: {m}"),
        };
        out.push(text);
    }
    status(app, plain, &mut out);
    if let Some(a) = crate::ui::alert::text(app) {
        // The full screen ends it with the keys that open the queue from where it is; here
        // it is one word from anywhere.
        let a = a.trim_start_matches("!! ");
        let a = a.rsplit_once(" - ").map_or(a, |(what, _)| what);
        plain.tell("alert", format!("{a}. Type queue to see it."), &mut out);
    } else {
        plain.forget("alert");
    }
    let ctx = app.context();
    let name = ctx.name().to_string();
    if plain.said.get("context") != Some(&name) {
        // Back on a layer: what it shows is said again, from the top.
        plain.forget_all("here:");
        plain.said.insert("context".into(), name.clone());
        plain.reviewing = false;
        plain.back_to_review = false;
    }
    let before = out.len();
    let question = match ctx {
        Context::Search | Context::Results | Context::Card => lookup(app, plain, &mut out),
        Context::IncidentForm => incident(app, plain, &mut out),
        Context::Queue | Context::QueueFind => queue(app, plain, &mut out),
        Context::Case => case(app, plain, &mut out),
        Context::Prompt => prompt(app, plain, &mut out),
        Context::Saved => saved(app, plain, &mut out),
        Context::DraftOffer => draft(app, plain, &mut out),
        Context::Help => help(app, plain, &mut out),
        Context::DecisionForm => decision(app, plain, &mut out),
        Context::Letter => letter(app, plain, &mut out),
        Context::CustomerForm
        | Context::Audit
        | Context::Incidents
        | Context::InForce
        | Context::Reports => screen(app, plain, &mut out),
    };
    let said_something = out.len() > before;
    if busy(app, plain) {
        return out;
    }
    let subject = format!("{name}: {question}");
    if plain.asked.as_deref() != Some(&subject) || (answered && !said_something) {
        out.push(question);
        plain.asked = Some(subject);
    }
    out
}

/// The shared drive's health and this PC's waiting entries, said when they change.
fn status(app: &App, plain: &mut Plain, out: &mut Vec<String>) {
    let line = flat(&crate::ui::status::status_line(app));
    let steady = line.trim_start().starts_with("Shared database:");
    if steady {
        if plain.said.remove("status").is_some() {
            out.push("The shared database answers again: everything is up to date.".into());
        }
    } else {
        plain.tell("status", line.trim().to_string(), out);
    }
}

/// A line of the screen as text.
pub fn flat(line: &Line) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

/// Lines of the screen as text, without rules drawn across and the blank lines between.
fn flat_lines(lines: &[Line]) -> String {
    lines
        .iter()
        .map(flat)
        .map(|l| {
            let l = l.trim_end();
            match l.strip_prefix("> ") {
                Some(rest) => format!("  {rest}"),
                None => l.to_string(),
            }
        })
        .filter(|l| !l.trim().is_empty() && !l.chars().all(is_drawing))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Box drawing, block and marker characters: read aloud, they are noise.
fn is_drawing(c: char) -> bool {
    matches!(c, '\u{2500}'..='\u{259F}' | ' ' | '>' | '▶' | '•')
}

/// "Calls limited to 10 minutes" as it reads inside a sentence; "CCTV" stays as it is.
fn lower_first(s: &str) -> String {
    let mut cs = s.chars();
    match (cs.next(), cs.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && (b.is_lowercase() || (a == 'A' && b == ' ')) => a
            .to_lowercase()
            .chain(std::iter::once(b))
            .chain(cs)
            .collect(),
        _ => s.to_string(),
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// One customer found: their name and what a member of staff must know at once.
pub fn hit_sentence(hit: &LookupHit, policy: &Policy, app: &App, full: bool) -> String {
    let h = &hit.history;
    let s = rules::summary(h, policy, app.now);
    let mut text = h.customer.display_name();
    let why = hit.matched.words();
    if !why.is_empty() {
        text.push_str(&format!(" ({why})"));
    }
    if s.restrictions.is_empty() {
        text.push_str(", no restrictions in force.");
    } else {
        let said: Vec<String> = s.restrictions.iter().map(|r| lower_first(r)).collect();
        text.push_str(&format!(", RESTRICTED: {}.", said.join("; ")));
    }
    if full {
        text.push_str(&format!(" {}", s.threshold_sentence.trim_end_matches('.')));
        text.push('.');
        for e in &s.escalations {
            text.push_str(&format!(" For a manager: {}", e.trim_end_matches('.')));
            text.push('.');
        }
    }
    text
}

/// The search, its results and the card.
fn lookup(app: &App, plain: &mut Plain, out: &mut Vec<String>) -> String {
    let q = app.query().trim().to_string();
    if app.pane == Pane::Card {
        if let (Some(hit), true) = (app.selected_hit(), app.card_is_full()) {
            let id = hit.history.customer.id;
            if let Some(h) = app.card_history() {
                let mut text = format!("Card: {}", hit_sentence(hit, &app.policy, app, true));
                let lines = crate::ui::card::card_lines(app, h, true);
                // The card's own first lines repeat the name and restrictions just said.
                let body = flat_lines(&lines);
                let skip = body
                    .lines()
                    .position(|l| l.starts_with("Phone") || l.starts_with("Email"))
                    .unwrap_or(0);
                for l in body.lines().skip(skip) {
                    text.push('\n');
                    text.push_str(l);
                }
                plain.tell(&format!("here:card:{id}"), text, out);
            }
            let name = hit.history.customer.display_name();
            return format!(
                "{name}'s card. Type log to log an incident about {name}, back for the search results, a new name to search, or one of these keys: {}.",
                keys_here(app, &[keymap::Action::LogIncident, keymap::Action::Back, keymap::Action::FocusSearch])
            );
        }
    } else if !q.is_empty() && app.lookup_sent == app.lookup_shown && app.lookup_failed.is_none() {
        let text = if let Some(short) = crate::text::too_short(&q) {
            crate::ui::lookup::keep_typing(short)
        } else if app.results.is_empty() {
            format!("No one matches \"{q}\". Check the spelling, or try part of the name, the last 6 digits of the phone number, or the email. To log an incident about someone not on the list, type log.")
        } else {
            results_text(app, plain.listing, &q)
        };
        plain.tell(&format!("here:results:{}", plain.listing), text, out);
    }
    // The start screen's news, said when it comes and whenever it changes.
    if app.news_showing() {
        let mut text = app.news_heading();
        for (i, s) in app.news_sentences().iter().enumerate() {
            text.push_str(&format!("\n{}. {s}", i + 1));
        }
        if app.news.news.more > 0 {
            text.push_str(&format!(
                "\nAnd {} more: dismiss these to hear them.",
                app.news.news.more
            ));
        }
        plain.tell("news", text, out);
    } else if q.is_empty() && plain.said.remove("news").is_some() {
        out.push("No more news about incidents you logged.".into());
    }
    if app.results.is_empty() && app.news_showing() {
        "Type a name, phone number or email to look someone up, dismiss and a number to dismiss that news (dismiss 1), log to log an incident, or help."
            .into()
    } else if app.results.is_empty() {
        "Type a name, phone number or email to look someone up, log to log an incident, or help."
            .into()
    } else {
        "Type a result's number to open their card, list to hear every result, another name to search again, or log to log an incident.".into()
    }
}

fn results_text(app: &App, all: bool, q: &str) -> String {
    let n = app.results.len();
    let more = if app.results_capped { "More than " } else { "" };
    let mut text = format!(
        "{more}{} \"{q}\".",
        plural(n as u64, "person matches", "people match")
    );
    if all {
        for (i, hit) in app.results.iter().enumerate() {
            text.push_str(&format!(
                "\n{}: {}",
                i + 1,
                hit_sentence(hit, &app.policy, app, false)
            ));
        }
    } else {
        text.push_str(&format!(
            "\nBest match, 1: {}",
            hit_sentence(&app.results[0], &app.policy, app, true)
        ));
        if n > 1 {
            text.push_str(&format!(
                "\nAnd {}: type list to hear them all.",
                plural((n - 1) as u64, "other", "others")
            ));
        }
    }
    text
}

/// The keys that work here besides those named already, as "key (what it does)".
fn keys_here(app: &App, except: &[keymap::Action]) -> String {
    let ctx = app.context();
    app.keys
        .bindings(ctx)
        .filter(|b| b.hint && !except.contains(&b.action) && app.allows(b.needs).is_ok())
        .map(|b| format!("{} ({})", b.label, lower_first(&keymap_short(b.desc))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A binding's description, without the "Queue: " or "Case: " it starts with on screen.
fn keymap_short(desc: &str) -> String {
    let d = desc
        .split_once(": ")
        .filter(|(head, _)| !head.contains(' ') || head.len() < 14)
        .map_or(desc, |(_, rest)| rest);
    d.split(['(', ';']).next().unwrap_or(d).trim().to_string()
}

/// The incident form: one question at a time.
fn incident(app: &App, plain: &mut Plain, out: &mut Vec<String>) -> String {
    let Some(f) = app.overlays.form() else {
        return String::new();
    };
    let p = &app.policy;
    if let Some(m) = &f.message {
        plain.tell("here:form:message", m.clone(), out);
    } else {
        plain.forget("here:form:message");
    }
    if !f.problems.is_empty() {
        let text = f
            .problems
            .iter()
            .map(|pr| format!("Not saved: {}", pr.message))
            .collect::<Vec<_>>()
            .join("\n");
        plain.tell("here:form:problems", text, out);
        plain.reviewing = false;
    } else {
        plain.forget("here:form:problems");
    }
    let intro = match (&f.who_choice, f.amending) {
        (_, Some(_)) => {
            "Correcting an incident: each question has its answer now; Enter keeps it.".to_string()
        }
        (Some(crate::app::form::WhoChoice::Existing { name, .. }), None) => {
            format!("Logging an incident about {name}. Type cancel at any question to stop.")
        }
        _ => "Logging an incident. Type cancel at any question to stop.".to_string(),
    };
    if !plain.said.contains_key("here:form:intro") {
        plain.tell("here:form:intro", intro, out);
    }
    if f.confirm_discard {
        return "Throw away this incident? Type y to throw it away, or anything else to carry on with it.".into();
    }
    if f.saving {
        return String::new();
    }
    let fields = f.visible_fields(p);
    if plain.reviewing {
        let mut text = String::from("The incident as it will be saved:");
        for (i, field) in fields.iter().enumerate() {
            let v = crate::ui::incident_form::value_of(f, *field, p, app);
            let v = if *field == FormField::Description {
                f.description.value().replace('\n', " ")
            } else {
                v
            };
            let v = if v.trim().is_empty() {
                "(nothing)".to_string()
            } else {
                v
            };
            text.push_str(&format!("\n{}. {}: {}", i + 1, field.label(), v));
        }
        plain.tell("here:form:review", text, out);
        return "Type save to save it, a question's number to change that answer, or cancel to throw it away.".into();
    }
    plain.forget("here:form:review");
    let at = fields.iter().position(|x| *x == f.focus).unwrap_or(0);
    let head = format!(
        "{}Question {} of {}, {}: ",
        if f.amending.is_some() {
            "Correcting the incident. "
        } else {
            ""
        },
        at + 1,
        fields.len(),
        f.focus.label()
    );
    format!("{head}{}", field_question(f, f.focus, app, plain))
}

/// What the incident form asks for one field, with its choices and the answer it has now.
fn field_question(f: &IncidentForm, field: FormField, app: &App, plain: &Plain) -> String {
    let p = &app.policy;
    let now_value = crate::ui::incident_form::value_of(f, field, p, app);
    let keep = |v: &str| {
        if v.trim().is_empty() {
            String::new()
        } else {
            format!(" Now: {v}. Press Enter to keep it.")
        }
    };
    let options = |opts: Vec<(char, String)>| -> String {
        opts.iter()
            .enumerate()
            .map(|(i, (k, label))| format!("{} or {k}, {label}", i + 1))
            .collect::<Vec<_>>()
            .join("; ")
    };
    match field {
        FormField::Who => match &f.who_choice {
            Some(_) if f.amending.is_some() => format!(
                "{now_value}. A correction cannot change who it is about: press Enter to go on."
            ),
            Some(_) => format!("{now_value}.{}", keep(" ")).replace(" Now:  .", ""),
            None if f.who.value().trim().is_empty() => "who is it about? Type their name, phone number or email to find them. For someone whose name is not known, type unknown.".into(),
            None if plain.who_pending => String::new(),
            None => {
                let typed = f.who.value().trim();
                let mut opts: Vec<String> = f
                    .matches
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        format!(
                            "{}, {}{} ({})",
                            i + 1,
                            m.name,
                            if m.restricted { ", RESTRICTED" } else { "" },
                            m.detail
                        )
                    })
                    .collect();
                let n = f.matches.len();
                opts.push(format!("{}, a new customer called {typed}", n + 1));
                opts.push(format!("{}, an unidentified visitor", n + 2));
                let found = if n == 0 {
                    format!("no one on the list matches \"{typed}\"")
                } else {
                    format!("{} \"{typed}\"", plural(n as u64, "person matches", "people match"))
                };
                format!(
                    "{found}. {}. Type a number, or another name to search again.",
                    opts.join("; ")
                )
            }
        },
        FormField::Channel => format!(
            "how did it happen? {}.{}",
            options(super::answer::pick_options(app, field)),
            keep(&now_value)
        ),
        FormField::Category => format!(
            "which kind of behaviour? {}.{}",
            options(super::answer::pick_options(app, field)),
            keep(&now_value)
        ),
        FormField::Behaviours => {
            let list = p
                .category(&f.category)
                .map(|c| {
                    c.behaviours
                        .iter()
                        .enumerate()
                        .map(|(i, b)| format!("{}, {}", i + 1, b.label))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            format!(
                "what was seen or heard? Type the numbers of all that apply, for example 1 3: {list}.{}",
                if f.behaviours.is_empty() {
                    " Enter for none.".to_string()
                } else {
                    keep(&now_value)
                }
            )
        }
        FormField::Response => {
            let opts = super::answer::pick_options(app, field);
            format!(
                "what was done about it, the initial response? {}.{}",
                options(opts),
                keep(&now_value)
            )
        }
        FormField::Threat => format!(
            "was anyone's safety under immediate threat? Type y for yes or n for no. Now: {}.",
            if f.threat { "yes" } else { "no" }
        ),
        FormField::When => format!(
            "when did it happen? Press Enter for {now_value}, or type a time such as 14:30, yesterday 16:30 or 24/11/2026 09:15."
        ),
        FormField::Description => format!(
            "what happened? Type it on one line, in the customer's words where you can.{}",
            keep(&f.description.value().replace('\n', " "))
        ),
        FormField::NewPhone => format!("the new customer's phone number, or Enter if not known.{}", keep(&now_value)),
        FormField::NewEmail => format!("their email address, or Enter if not known.{}", keep(&now_value)),
        FormField::NewAddress => format!("their postal address for letters, on one line, or Enter if not known.{}", keep(&now_value)),
        FormField::NewPostcode => format!("their postcode, or Enter if not known.{}", keep(&now_value)),
        FormField::VisitorDescription => format!("describe the visitor so colleagues can recognise them: what they look like, what they said their name was.{}", keep(&now_value)),
        FormField::BehaviourOther => format!("anything else seen or heard that is not in the list? Type it, or Enter for nothing.{}", keep(&now_value)),
        FormField::Reference => format!("the reference for the response just chosen.{}", keep(&now_value)),
        FormField::Witnesses => format!("who else saw or heard it? Names, or Enter for nobody.{}", keep(&now_value)),
        FormField::Distress => format!(
            "{} The policy says: {} Type y for yes, n for no or u for not known. Now: {now_value}.",
            p.principles.distress_question,
            p.principles.distress_said
        ),
        FormField::Workload => format!(
            "{}? The policy says demands may be unintentional, and are unacceptable when they significantly affect workloads or the service to others. {}.{}",
            p.principles.workload_question,
            options(p.principles.workload.iter().map(|c| (c.key, c.label.clone())).collect()),
            keep(&now_value)
        ),
        FormField::WorkloadNote => format!("how did it affect workloads or the service? A few words, or Enter for nothing.{}", keep(&now_value)),
        FormField::Hurt => format!(
            "physical violence: who was hurt? 1 or s, a member of staff; 2 or o, another customer or visitor; 3 or n, no one.{}",
            keep(&now_value)
        ),
        FormField::HurtName => format!(
            "{}{}",
            if f.hurt == crate::domain::Hurt::Staff {
                "the name of the member of staff hurt, as on the staff list."
            } else {
                "the name of the person hurt, or a description if it is not known."
            },
            keep(&now_value)
        ),
        FormField::HurtHow => format!("how were they hurt? A few words.{}", keep(&now_value)),
        FormField::Riddor => format!(
            "is the injury reportable under RIDDOR? Type y for yes, n for no or u for not sure.{}",
            keep(&now_value)
        ),
        FormField::RiddorRef => format!(
            "the RIDDOR reference, letters and digits, or Enter if the report is not made yet.{}",
            keep(&now_value)
        ),
        FormField::Debrief => format!(
            "does the member of staff affected want a debrief with a manager? Type y for yes or n for no. Now: {}.",
            if f.debrief { "yes" } else { "no" }
        ),
    }
}

/// The escalation queue: every case on it, numbered.
fn queue(app: &App, plain: &mut Plain, out: &mut Vec<String>) -> String {
    let Some(view) = app.overlays.queue() else {
        return String::new();
    };
    if !view.loaded {
        return String::new();
    }
    let today = crate::time::london_date(app.now);
    let me = app.my_id();
    let s = &view.queue.summary;
    let mut text = format!(
        "Escalation queue, {}: {}, {}, {}.",
        view.filter.label(),
        plural(s.open_cases, "open case", "open cases"),
        plural(s.overdue_reviews, "overdue review", "overdue reviews"),
        plural(s.letters_owed, "letter owed", "letters owed"),
    );
    if app.retention_due > 0 {
        text.push_str(&format!(
            "\n{}",
            crate::app::retention_due_sentence(app.retention_due)
        ));
    }
    if s.riddor_owed > 0 {
        text.push_str(&format!(
            "\n{}: {}.",
            crate::domain::RIDDOR_OWED,
            plural(s.riddor_owed, "incident", "incidents")
        ));
    }
    if view.filter == crate::app::manager::QueueFilter::LettersOwed {
        let letters = view.visible_letters();
        if letters.is_empty() {
            text.push_str("\nNo letters owed.");
        }
        for (i, l) in letters.iter().enumerate() {
            text.push_str(&format!(
                "\n{}: {}, {}.",
                i + 1,
                l.customer_name,
                l.describe()
            ));
        }
    } else {
        let cases = view.visible(me);
        if cases.is_empty() {
            text.push_str("\nNo case of this kind is open.");
        }
        for (i, c) in cases.iter().enumerate() {
            let who = match (
                &c.assigned_to,
                c.assigned_to_id.is_some() && c.assigned_to_id == me,
            ) {
                (_, true) => "assigned to you".to_string(),
                (Some(a), _) => format!("assigned to {a}"),
                (None, _) => "not assigned".to_string(),
            };
            text.push_str(&format!(
                "\n{}: {}, {}: since {}, {}, {}.",
                i + 1,
                c.customer_name,
                crate::app::manager::queue_label(c, today).to_lowercase(),
                crate::time::date_time(c.opened_at),
                plural(c.incidents.len() as u64, "incident", "incidents"),
                who
            ));
            if c.reason == crate::domain::CaseReason::DebriefRequested && !c.note.is_empty() {
                text.push_str(&format!(" {}.", c.note.replace('\n', "; ")));
            }
        }
        if view.total.is_some_and(|t| t > cases.len()) {
            text.push_str(&format!(
                "\nThe first {} of {} are read: type more to hear the next ones.",
                cases.len(),
                view.total.unwrap_or_default()
            ));
        }
    }
    plain.tell("here:queue", text, out);
    if app.context() == Context::QueueFind {
        return "Type part of a customer's name to find their cases, then Enter.".into();
    }
    format!(
        "Type a case's number to open it; threats, breaches, threshold, reviews, requests, approvals, debriefs or all to hear one kind; back to leave the queue; or one of these keys: {}.",
        keys_here(app, &[keymap::Action::Open, keymap::Action::Back])
    )
}

/// A case: what is behind it, then what a manager can do.
fn case(app: &App, plain: &mut Plain, out: &mut Vec<String>) -> String {
    let Some(view) = app.overlays.case_view() else {
        return String::new();
    };
    if view.history.is_none() {
        return String::new();
    }
    let lines = crate::ui::case::lines(view, app);
    plain.tell(
        &format!("here:case:{}", view.case.id),
        format!("Case: {}.\n{}", view.case.customer_name, flat_lines(&lines)),
        out,
    );
    let waits = view
        .history
        .as_ref()
        .and_then(|h| crate::app::manager::waiting_decision(&view.case, h))
        .is_some();
    if waits {
        return format!(
            "Type approve to approve the decision, turn down to turn it down, or back to go back to the queue; or one of these keys: {}.",
            keys_here(app, &[keymap::Action::Back])
        );
    }
    format!(
        "Type back to go back to the queue, or one of these keys: {}.",
        keys_here(app, &[keymap::Action::Back])
    )
}

/// A question the app asks: its title, its lines, and its options or the answer to type.
fn prompt(app: &App, plain: &mut Plain, out: &mut Vec<String>) -> String {
    let Some(p) = app.overlays.prompt() else {
        return String::new();
    };
    match p {
        Prompt::Choose {
            title,
            lines,
            options,
            ..
        } => {
            let mut text = title.trim().to_string();
            for l in lines {
                text.push('\n');
                text.push_str(l);
            }
            plain.tell("here:prompt", text, out);
            format!(
                "Type {}.",
                options
                    .iter()
                    .map(|(k, label)| format!("{k} for {label}"))
                    .collect::<Vec<_>>()
                    .join(", or ")
            )
        }
        Prompt::Text { title, lines, .. } => {
            let mut text = title.trim().to_string();
            for l in lines {
                text.push('\n');
                text.push_str(l);
            }
            plain.tell("here:prompt", text, out);
            "Type your answer on one line, or cancel.".into()
        }
        Prompt::Withdraw { summary, .. } => {
            plain.tell(
                "here:prompt",
                format!("Withdraw this incident: {summary}"),
                out,
            );
            "Why is it being withdrawn? Type the reason on one line, or cancel.".into()
        }
        Prompt::Link {
            visitor_label,
            matches,
            confirm,
            ..
        } => {
            if let Some((_, name)) = confirm {
                return format!("Link {visitor_label} to {name}? Type y to link, or n.");
            }
            let opts: Vec<String> = matches
                .iter()
                .enumerate()
                .map(|(i, m)| format!("{}, {} ({})", i + 1, m.name, m.detail))
                .collect();
            if !opts.is_empty() {
                plain.tell("here:prompt", opts.join("; "), out);
            }
            format!("Which customer is {visitor_label}? Type a name to search, then the number of the right one, or cancel.")
        }
        Prompt::Merge(_) => screen(app, plain, out),
    }
}

/// What happens next, after a save.
fn saved(app: &App, plain: &mut Plain, out: &mut Vec<String>) -> String {
    if let Some(lines) = app.overlays.saved() {
        plain.tell("here:saved", lines.join("\n"), out);
    }
    if app.reply_owed.is_some() {
        "Type l to write the reply now, or press Enter to carry on.".into()
    } else {
        "Press Enter to carry on.".into()
    }
}

/// An incident not saved last time, offered back.
fn draft(app: &App, plain: &mut Plain, out: &mut Vec<String>) -> String {
    if let Some(d) = app.overlays.draft_offer() {
        let who = if d.who_text.trim().is_empty() {
            "no one chosen yet".to_string()
        } else {
            d.who_text.clone()
        };
        plain.tell(
            "here:draft",
            format!("An incident you started was not saved: about {who}."),
            out,
        );
    }
    "Press Enter to carry on with it, or type cancel to throw it away (it asks first).".into()
}

/// The help: what can be typed here, in words, then every key of the layer below.
fn help(app: &App, plain: &mut Plain, out: &mut Vec<String>) -> String {
    let Some(h) = app.overlays.help() else {
        return String::new();
    };
    let mut text = String::from(
        "In screen-reader mode you type a line and press Enter. Words that work everywhere: help, back (as Esc), quit, log (log an incident), queue (managers).",
    );
    text.push_str(
        "\nIn the search: type a name, phone number or email; a number opens that result's card; list reads every result.",
    );
    text.push_str(
        "\nIn a form: answer each question; Enter alone keeps the answer it has; save saves; cancel throws it away (it asks first).",
    );
    text.push_str(&format!(
        "\nAny key below works too: type its name, such as Enter, Esc, Tab, Ctrl-S, or the letter. The keys of {}:",
        h.over.name()
    ));
    for b in app.keys.bindings(h.over).filter(|b| !b.keys.is_empty()) {
        let who = b.needs.who().map(|w| format!(" ({w})")).unwrap_or_default();
        text.push_str(&format!("\n{}: {}{who}", b.label, b.desc));
    }
    plain.tell("here:help", text, out);
    "Type back to leave the help.".into()
}

/// Anything else: what the full screen shows, read from a screen drawn off the console, box
/// drawing taken out.
fn screen(app: &App, plain: &mut Plain, out: &mut Vec<String>) -> String {
    use ratatui::backend::TestBackend;
    let mut t = match ratatui::Terminal::new(TestBackend::new(100, 60)) {
        Ok(t) => t,
        Err(e) => match e {},
    };
    let drawn = t.draw(|f| {
        crate::ui::draw(f, app);
    });
    if drawn.is_err() {
        return String::new();
    }
    let buf = t.backend().buffer();
    let area = buf.area;
    let mut rows = Vec::new();
    // The title row and the hint and status rows at the bottom are said in other ways.
    for y in 1..area.height.saturating_sub(2) {
        let row: String = (0..area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        let row: String = row
            .chars()
            .map(|c| {
                if matches!(c, '\u{2500}'..='\u{257F}') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let row = row.split_whitespace().collect::<Vec<_>>().join(" ");
        if !row.is_empty() {
            rows.push(row);
        }
    }
    // Said whole when it opens; after that, only the lines that changed (a field moved to, an
    // option picked).
    let subject = format!("here:screen:{}", app.context().name());
    let text = rows.join("\n");
    match plain.said.get(&subject) {
        Some(before) if *before != text => {
            // A row is the same row whether or not it has the focus marker ">".
            let bare = |r: &str| r.trim_start_matches('>').trim().to_string();
            let old: std::collections::HashSet<String> = before.lines().map(bare).collect();
            let focus_before = before.lines().find(|r| r.starts_with('>')).map(bare);
            for r in &rows {
                let b = bare(r);
                if r.starts_with('>') && focus_before.as_ref() != Some(&b) {
                    out.push(format!("At: {b}"));
                } else if !old.contains(&b) {
                    out.push(b);
                }
            }
            plain.said.insert(subject, text);
        }
        Some(_) => {}
        None => plain.tell(&subject, text, out),
    }
    let mut keys = keys_here(app, &[]);
    if keys.is_empty() {
        keys = "Esc".into();
    }
    format!("Type a key's name to use it: {keys}. Type back to go back.")
}

/// The decision or review form: one row at a time, as the form shows it, then a summary.
fn decision(app: &App, plain: &mut Plain, out: &mut Vec<String>) -> String {
    use crate::app::decision::{FormKind, Group, Row};
    let Some(f) = app.overlays.decision() else {
        return String::new();
    };
    let intro = match &f.kind {
        FormKind::Decision => format!(
            "Recording the decision on {}'s case, one question at a time. Type save to save it at any time, or cancel to stop.",
            f.customer_name
        ),
        FormKind::Review { reviewed } => format!(
            "Reviewing {}'s restrictions in force: {}. Ask if the customer still wants the services. Type save to save it at any time, or cancel to stop.",
            f.customer_name,
            reviewed
                .iter()
                .map(|(_, _, s)| lower_first(s))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    };
    if !plain.said.contains_key("here:decision:intro") {
        plain.tell("here:decision:intro", intro, out);
    }
    if let Some(m) = &f.message {
        plain.tell("here:decision:message", m.clone(), out);
    } else {
        plain.forget("here:decision:message");
    }
    if !f.problems.is_empty() {
        let text = f
            .problems
            .iter()
            .map(|p| format!("Not saved: {}", p.message))
            .collect::<Vec<_>>()
            .join("\n");
        plain.tell("here:decision:problems", text, out);
        plain.reviewing = false;
    } else {
        plain.forget("here:decision:problems");
    }
    if f.confirm_discard {
        return "Throw away this form? Type y to throw it away, or anything else to carry on with it.".into();
    }
    if f.saving {
        return String::new();
    }
    let rows = f.rows();
    let shown = |row: Row| -> String {
        let mut text = decision_row_text(f, app, row);
        if let Row::Item(i) = row {
            let group = match f.picker.items[i].group {
                Group::Action => "Long-term action",
                Group::Withdrawal => "Withdrawal of services",
                Group::Access => "Access restriction",
            };
            text = format!("{group}: {text}");
        }
        if let Row::Tried(_) = row {
            text = format!("Tried before the withdrawal: {text}");
        }
        if let Row::Adjustment(_) = row {
            text = format!("Reasonable adjustment considered first: {text}");
        }
        text
    };
    if plain.reviewing {
        let mut text = String::from("The form as it will be saved:");
        for (i, row) in rows.iter().enumerate() {
            text.push_str(&format!("\n{}. {}", i + 1, shown(*row)));
        }
        plain.tell("here:decision:review", text, out);
        return "Type save to save it, a question's number to change that answer, or cancel to throw it away.".into();
    }
    plain.forget("here:decision:review");
    let at = rows.iter().position(|r| *r == f.focus).unwrap_or(0);
    let how = match f.focus {
        Row::Outcome => "Type a, n, w or i to choose; Enter keeps the one in brackets.",
        Row::ReviewOutcome => "Type l, c or h to choose; Enter keeps the one in brackets.",
        Row::Item(_) | Row::Tried(_) | Row::Adjustment(_) => {
            "Type y to tick it or n to leave it unticked; Enter keeps it as it is."
        }
        Row::Scope(_) => "Type the letter of what it applies to; Enter keeps the one in brackets.",
        Row::Divert(_) => "Type b for blocked or r for redirected.",
        Row::Police => "Type y for yes or n for no.",
        Row::StillWants => "Type y for yes, n for no or u for not known.",
        Row::MeetingDate | Row::ReviewDate => "Type a date such as 24/11/2026; Enter keeps it.",
        _ => "Type the answer on one line; Enter keeps what is there.",
    };
    format!(
        "Question {} of {}: {}. {how}",
        at + 1,
        rows.len(),
        shown(f.focus).trim_end_matches('.')
    )
}

/// One row of the decision form as the full screen shows it, in one line of text.
fn decision_row_text(
    f: &crate::app::decision::DecisionForm,
    app: &App,
    row: crate::app::decision::Row,
) -> String {
    let (lines, at, _) = crate::ui::decision_form::lines(f, app, 400);
    let Some(i) = at.iter().position(|(r, _)| *r == row) else {
        return row.label().to_string();
    };
    let from = at[i].1;
    let to = at.get(i + 1).map_or(lines.len(), |(_, l)| *l);
    let text = lines[from..to.min(lines.len())]
        .iter()
        .map(flat)
        .map(|l| {
            l.trim_start_matches('>')
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .enumerate()
        // A heading for the rows after this one ("Long-term actions (Space to tick):").
        .filter(|(k, l)| !l.is_empty() && (*k == 0 || !l.ends_with(':')))
        .map(|(_, l)| l)
        .collect::<Vec<_>>()
        .join(" ");
    let label = row.label();
    let text = match text.strip_prefix(label) {
        Some(rest) if !label.is_empty() && !rest.starts_with(':') => {
            format!("{label}:{rest}")
        }
        _ => text,
    };
    if text.is_empty() {
        format!("{}: (nothing yet)", row.label())
    } else {
        text
    }
}

/// A letter's preview: the whole letter read out once, then what can be done with it.
fn letter(app: &App, plain: &mut Plain, out: &mut Vec<String>) -> String {
    let Some(v) = app.overlays.letter() else {
        return String::new();
    };
    let body = match &v.rendered {
        Ok(md) => md
            .lines()
            .map(|l| {
                l.trim_start_matches('#')
                    .replace("**", "")
                    .trim_start_matches("* ")
                    .trim()
                    .to_string()
            })
            .filter(|l| !l.is_empty() && !l.chars().all(|c| matches!(c, '-' | '_' | '*')))
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => format!("The letter cannot be made: {e}"),
    };
    plain.tell(
        &format!("here:letter:{}", v.id),
        format!(
            "The {} to {}. It reads:\n{body}\nEnd of the letter.",
            v.kind.label().to_lowercase(),
            v.customer_name
        ),
        out,
    );
    if v.confirm_discard {
        return "Close the letter and lose your paragraph? Type y to close it, or anything else to carry on.".into();
    }
    if v.saving {
        return String::new();
    }
    if v.editing {
        return "Type your own paragraph for the letter on one line; it is read back in the letter.".into();
    }
    if v.written.is_some() {
        "Saved. Type o to open its printable page, or back to go back.".into()
    } else {
        "Type save to save it, e to add a paragraph of your own, or back to close it without saving.".into()
    }
}
