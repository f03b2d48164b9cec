//! The store worker: the one thread that owns the instance's long-lived database connection.
//! The UI sends it requests and never waits for it. Lookups typed faster than the database
//! answers are coalesced, so only the newest one runs; between requests it polls
//! `PRAGMA data_version` to notice other instances' changes, and replays this PC's outbox.
//! The command line uses [`save_or_queue`] and [`replay`] directly, without the thread.

use super::kept::Answers;
use super::local::{Local, OutboxEntry};
use super::presence::{self, Presence};
use super::protocol::{CaseData, Health, Reply, Request};
use crate::domain::{Actor, NewIncident, QueueWatch};
use crate::policy::Policy;
use crate::store::Store;
use chrono::Utc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long to wait before trying the outbox again after a try that left entries waiting.
pub const REPLAY_BACKOFF: Duration = Duration::from_secs(5);

/// How often other instances' changes are looked for.
pub const POLL: Duration = Duration::from_millis(500);

/// How many results a lookup shows. The worker asks the store for one more, so the app knows
/// when there are more than it shows.
pub const RESULTS: usize = 30;

/// What the worker needs besides the store.
pub struct Context {
    pub policy: Policy,
    pub actor: Actor,
    /// This PC's outbox; None keeps nothing locally (tests).
    pub local: Option<Local>,
    /// The shared database's id, which outbox entries are filed under: the same however the
    /// file is reached (`S:\` or `\\server\share`).
    pub database: String,
    /// Other names entries may be filed under: the path, as outboxes were filed before
    /// databases had ids.
    pub also: Vec<String>,
}

impl Context {
    /// Every name this database's outbox entries may be filed under.
    pub fn names(&self) -> Vec<String> {
        std::iter::once(self.database.clone())
            .chain(self.also.iter().cloned())
            .collect()
    }
}

/// Save an incident, or keep it in the outbox when the shared database cannot take it.
pub fn save_or_queue(store: &mut dyn Store, ctx: &Context, inc: NewIncident) -> Reply {
    match store.record_incident(&ctx.actor, &ctx.policy, &inc) {
        Ok(outcome) => Reply::Saved(outcome),
        Err(e) if e.is_transient() => {
            let reason = e.to_string();
            let Some(local) = &ctx.local else {
                return Reply::SaveFailed(reason);
            };
            let entry = OutboxEntry {
                login: ctx.actor.login.clone(),
                database: ctx.database.clone(),
                queued_at: Utc::now(),
                reason: reason.clone(),
                incident: inc,
            };
            match local.outbox_put(&entry) {
                Ok(_) => Reply::Queued { reason },
                Err(io) => Reply::SaveFailed(format!(
                    "{reason} It could not be kept on this PC either ({io}). Your text is still in the form: try again, or write it down."
                )),
            }
        }
        Err(e) => Reply::SaveFailed(e.to_string()),
    }
}

/// A change that ran the escalation rules again: what was saved, then what became of the cases.
fn cases_done(r: crate::store::Result<crate::domain::CasesChanged>, what: &str) -> Reply {
    match r {
        Ok(changed) => {
            let cases = changed.sentence();
            Reply::Done(if cases.is_empty() {
                what.to_string()
            } else {
                format!("{what} {cases}")
            })
        }
        Err(e) => Reply::SaveFailed(e.to_string()),
    }
}

/// Carry out one write the person asked for.
fn write(store: &mut dyn Store, ctx: &Context, w: Request) -> Reply {
    let done = |r: crate::store::Result<()>, what: &str| match r {
        Ok(()) => Reply::Done(what.to_string()),
        Err(e) => Reply::SaveFailed(e.to_string()),
    };
    match w {
        Request::SaveIncident(inc) => save_or_queue(store, ctx, *inc),
        Request::AmendIncident { incident, version } => {
            match store.amend_incident(&ctx.actor, &ctx.policy, &incident, version) {
                Ok(_) => Reply::Done(
                    "The incident was corrected; the audit log keeps what it said before.".into(),
                ),
                Err(e) => Reply::SaveFailed(e.to_string()),
            }
        }
        Request::WithdrawIncident { incident, reason } => cases_done(
            store.withdraw_incident(&ctx.actor, &ctx.policy, incident, &reason),
            "The incident was withdrawn. It stays in the history, marked, and no longer counts.",
        ),
        Request::LinkVisitor { visitor, customer } => cases_done(
            store.link_visitor(&ctx.actor, &ctx.policy, visitor, customer),
            "The visitor's record was linked: their incidents are now on the customer's card.",
        ),
        Request::AssignCase { case, to, version } => done(
            store.assign_case(&ctx.actor, case, to, version),
            if to.is_some() {
                "The case is assigned to you."
            } else {
                "The case is no longer assigned to anyone."
            },
        ),
        Request::SaveDecision(d) => match store.record_decision(&ctx.actor, &ctx.policy, &d) {
            Ok(saved) => Reply::DecisionSaved(saved),
            Err(e) => Reply::SaveFailed(e.to_string()),
        },
        Request::SaveReview(r) => match store.record_review(&ctx.actor, &ctx.policy, &r) {
            Ok(saved) => Reply::ReviewSaved(saved),
            Err(e) => Reply::SaveFailed(e.to_string()),
        },
        Request::LetterSent { letter, on, how } => {
            match store.letter_sent(&ctx.actor, letter, on, how) {
                Ok(()) => Reply::Done(format!(
                    "The letter is recorded as sent {} on {}.",
                    how.label(),
                    crate::time::date(on)
                )),
                Err(e) => Reply::SaveFailed(e.to_string()),
            }
        }
        Request::ConfirmationNotPossible { decision, reason } => done(
            store.confirmation_not_possible(&ctx.actor, decision, &reason),
            "Recorded why written confirmation was not possible; the case is closed.",
        ),
        Request::SaveLetter(l) => save_letter(store, ctx, *l),
        Request::UpdateCustomer { id, edit, version } => {
            match store.update_customer(&ctx.actor, id, *edit, version) {
                Ok(c) => Reply::Done(format!("{}'s details are saved.", c.display_name())),
                Err(e) => Reply::SaveFailed(e.to_string()),
            }
        }
        Request::CustomerRequest { customer, note } => {
            match store.customer_request(&ctx.actor, customer, &note) {
                Ok(_) => {
                    Reply::Done("A manager will see the request in the escalation queue.".into())
                }
                Err(e) => Reply::SaveFailed(e.to_string()),
            }
        }
        other => Reply::SaveFailed(format!("safedesk could not do that ({other:?}).")),
    }
}

/// Write a letter's Markdown and printable HTML files, then keep its record in the shared
/// database. The files come first: if the database cannot be reached, the letter is not lost.
fn save_letter(store: &mut dyn Store, ctx: &Context, l: crate::letters::LetterToSave) -> Reply {
    let (markdown, html) = match l.written {
        Some(paths) => paths,
        None => match crate::letters::save(&l.dir, &l.stem, &l.record.body, &l.title) {
            Ok(paths) => paths,
            Err(e) => return Reply::SaveFailed(e.to_string()),
        },
    };
    let mut record = l.record;
    record.file = markdown.display().to_string();
    let what = crate::letters::LetterKind::parse(&record.kind)
        .map(|k| k.label().to_string())
        .unwrap_or_else(|| record.kind.clone());
    match store.record_letter(&ctx.actor, &record) {
        Ok(()) => Reply::LetterSaved {
            letter: record.id,
            what,
            markdown,
            html,
        },
        Err(e) => {
            let message = if e.is_transient() {
                format!(
                    "The letter is saved as {}, but the shared database could not record it ({e}). Press s again when it can be reached: only the record is made, not a second copy.",
                    markdown.display()
                )
            } else {
                format!(
                    "The letter is saved as {}, but the shared database refused to record it: {e}",
                    markdown.display()
                )
            };
            Reply::LetterNotRecorded {
                markdown,
                html,
                message,
            }
        }
    }
}

/// A case, its customer's whole history, the staff list and their other open cases: four
/// short reads.
fn load_case(store: &mut dyn Store, id: crate::domain::Id) -> Result<Box<CaseData>, String> {
    let case = store
        .case(id)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "That case is no longer in the database.".to_string())?;
    let history = store.history(case.customer_id).map_err(|e| e.to_string())?;
    let staff = store.list_staff().map_err(|e| e.to_string())?;
    let others = store
        .open_cases_for(case.customer_id)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|c| c.id != case.id)
        .collect();
    Ok(Box::new(CaseData {
        case,
        history,
        staff,
        others,
    }))
}

/// Try to deliver what waits in the outbox. Returns the replies to send.
pub fn replay(store: &mut dyn Store, ctx: &Context) -> Vec<Reply> {
    let Some(local) = &ctx.local else {
        return Vec::new();
    };
    let waiting = local.outbox_for(&ctx.names());
    if waiting.is_empty() {
        return Vec::new();
    }
    let mut delivered = 0;
    let mut out = Vec::new();
    for entry in &waiting {
        let actor = if entry.login == ctx.actor.login {
            ctx.actor.clone()
        } else {
            match store.staff_by_login(&entry.login) {
                Ok(staff) => Actor {
                    staff,
                    login: entry.login.clone(),
                },
                Err(_) => break,
            }
        };
        match store.record_incident(&actor, &ctx.policy, &entry.incident) {
            Ok(_) => {
                if local.outbox_done(entry.incident.id).is_ok() {
                    delivered += 1;
                }
            }
            Err(e) if e.is_transient() => break,
            Err(e) => {
                let kept = local
                    .outbox_refused(entry.incident.id)
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|_| "the outbox".into());
                out.push(Reply::OutboxRefused(format!(
                    "An incident waiting on this PC was refused by the shared database ({e}). It is kept in {kept}: ask a manager to log it again."
                )));
            }
        }
    }
    if delivered > 0 {
        out.push(Reply::OutboxDelivered(delivered));
    }
    out.push(Reply::Outbox(local.outbox_for(&ctx.names()).len()));
    out
}

/// Serve requests until the UI hangs up. `send` delivers replies to the UI's event loop.
pub fn run(
    store: Box<dyn Store>,
    ctx: Context,
    requests: Receiver<Request>,
    send: impl Fn(Reply) -> bool,
) {
    run_with(store, ctx, None, requests, send)
}

/// Keeps this instance's presence file fresh and counts the managers running.
struct Present {
    presence: Presence,
    next_beat: Instant,
    /// Did the last beat get written? If not, the count is unknown.
    ok: bool,
    last: Option<Option<usize>>,
}

impl Present {
    fn count(&self) -> Option<usize> {
        if self.ok {
            self.presence.managers(Utc::now())
        } else {
            None
        }
    }

    /// Beat when it is time; returns the managers count to send when it changed.
    fn tick(&mut self) -> Option<Option<usize>> {
        if Instant::now() < self.next_beat {
            return None;
        }
        self.next_beat = Instant::now() + presence::BEAT;
        self.ok = self.presence.beat(Utc::now()).is_ok();
        let n = self.count();
        (self.last != Some(n)).then(|| {
            self.last = Some(n);
            n
        })
    }
}

/// As [`run`], also keeping this instance's presence file (when given): refreshed every few
/// seconds, removed when the worker ends. For managers, what needs them at once is read after
/// every change (another instance's or this one's) and sent when it differs.
pub fn run_with(
    mut store: Box<dyn Store>,
    ctx: Context,
    presence: Option<Presence>,
    requests: Receiver<Request>,
    send: impl Fn(Reply) -> bool,
) {
    let mut present = presence.map(|presence| Present {
        presence,
        next_beat: Instant::now(),
        ok: false,
        last: None,
    });
    let watching = ctx.actor.role().is_some_and(|r| r.can_decide());
    let mut watch_due = watching;
    let mut last_watch: Option<QueueWatch> = None;
    let mut version = store.data_version().ok();
    let mut answers = Answers::default();
    let mut healthy = true;
    let mut last_poll = Instant::now();
    let mut next_replay = Instant::now();
    // The file's quick check, once, soon after start (not before the first screen: on a big
    // file it takes a while); tried again later if the drive could not be read for it.
    let mut damage_check_at = Some(Instant::now());
    if let Some(local) = &ctx.local {
        if !send(Reply::Outbox(local.outbox_for(&ctx.names()).len())) {
            return;
        }
    }
    loop {
        if let Some(n) = present.as_mut().and_then(Present::tick) {
            if !send(Reply::Managers(n)) {
                return;
            }
        }
        if std::mem::take(&mut watch_due) {
            // A failed read is not worth a message: the status line already says the drive is
            // in trouble, and the next change or poll after it reads again.
            match store.queue_watch() {
                Ok(w) if last_watch.as_ref() != Some(&w) => {
                    last_watch = Some(w.clone());
                    if !send(Reply::Watch(w)) {
                        return;
                    }
                }
                Ok(_) => {}
                Err(_) => last_watch = None,
            }
        }
        if damage_check_at.is_some_and(|at| Instant::now() >= at) {
            damage_check_at = match store.damage_check() {
                Ok(Some(why)) => {
                    if !send(Reply::Damaged(why)) {
                        return;
                    }
                    None
                }
                Err(e) if e.is_transient() => Some(Instant::now() + REPLAY_BACKOFF),
                Ok(None) | Err(_) => None,
            };
        }
        let wait = POLL.saturating_sub(last_poll.elapsed());
        let first = match requests.recv_timeout(wait) {
            Ok(r) => Some(r),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if let Some(first) = first {
            // Take everything queued; keep only the newest of each kind of search.
            let mut lookup = None;
            let mut form_lookup = None;
            let mut card = None;
            let mut queue = false;
            let mut case = None;
            let mut writes = Vec::new();
            let mut seen = Vec::new();
            for r in std::iter::once(first).chain(requests.try_iter()) {
                match r {
                    Request::Lookup { seq, query } => lookup = Some((seq, query)),
                    Request::FormLookup { seq, query } => form_lookup = Some((seq, query)),
                    Request::LoadCard { id } => card = Some(id),
                    Request::LoadQueue => queue = true,
                    Request::LoadCase { case: c } => case = Some(c),
                    Request::MarkCaseSeen { case: c } => seen.push(c),
                    w @ (Request::SaveIncident(_)
                    | Request::AmendIncident { .. }
                    | Request::WithdrawIncident { .. }
                    | Request::LinkVisitor { .. }
                    | Request::AssignCase { .. }
                    | Request::SaveDecision(_)
                    | Request::SaveReview(_)
                    | Request::LetterSent { .. }
                    | Request::ConfirmationNotPossible { .. }
                    | Request::CustomerRequest { .. }
                    | Request::SaveLetter(_)
                    | Request::UpdateCustomer { .. }) => writes.push(w),
                    Request::SaveDraft(_) | Request::ClearDraft | Request::SaveChoices(_) => {}
                }
            }
            for c in seen {
                // Nothing to say if it fails: the alert stays until it is recorded.
                if store.mark_case_seen(&ctx.actor, c).is_ok() {
                    watch_due = watching;
                }
            }
            for w in writes {
                let reply = write(store.as_mut(), &ctx, w);
                watch_due = watching;
                let queued = matches!(reply, Reply::Queued { .. });
                // Whoever saved an alerting incident is told how many managers can see it.
                if let Reply::Saved(o) = &reply {
                    if o.urgent || o.breach {
                        let n = present.as_ref().and_then(Present::count);
                        if !send(Reply::Managers(n)) {
                            return;
                        }
                    }
                }
                if !send(reply) {
                    return;
                }
                if queued {
                    if let Some(local) = &ctx.local {
                        if !send(Reply::Outbox(local.outbox_for(&ctx.names()).len())) {
                            return;
                        }
                    }
                }
            }
            if let Some((seq, query)) = form_lookup {
                let result = store.lookup(&query, 8).map_err(|e| e.to_string());
                if !send(Reply::FormLookup { seq, result }) {
                    return;
                }
            }
            if let Some((seq, query)) = lookup {
                let started = Instant::now();
                let result = store.lookup(&query, RESULTS + 1);
                let (mut result, from) = answers.lookup(&query, result);
                if let Ok(hits) = &mut result {
                    crate::policy::rules::rank_hits(hits, Utc::now());
                }
                let took_ms = started.elapsed().as_millis() as u64;
                if !send(Reply::Lookup { seq, result })
                    || !send(Reply::Answered {
                        card: false,
                        from,
                        took_ms,
                    })
                {
                    return;
                }
            }
            if queue {
                let today = crate::time::london_date(Utc::now());
                let result = store.queue(&ctx.actor, today).map_err(|e| e.to_string());
                if !send(Reply::Queue(result)) {
                    return;
                }
            }
            if let Some(id) = case {
                if !send(Reply::Case {
                    case: id,
                    result: load_case(store.as_mut(), id),
                }) {
                    return;
                }
            }
            if let Some(id) = card {
                let started = Instant::now();
                let result = store.history(id);
                let (result, from) = answers.card(id, result);
                let took_ms = started.elapsed().as_millis() as u64;
                if !send(Reply::Card {
                    id,
                    result: result.map(|h| h.map(Box::new)),
                }) || !send(Reply::Answered {
                    card: true,
                    from,
                    took_ms,
                }) {
                    return;
                }
            }
        }
        if last_poll.elapsed() >= POLL {
            last_poll = Instant::now();
            match store.data_version() {
                Ok(v) => {
                    // Sent every poll: the status bar shows when the data was last confirmed.
                    let back = !healthy;
                    healthy = true;
                    if !send(Reply::Health(Health::Ok {
                        checked: Utc::now(),
                    })) {
                        return;
                    }
                    // Back after trouble: whatever is on screen may be a kept answer, so it is
                    // read again, as after another instance's change.
                    let changed = back || version.is_some_and(|old| old != v);
                    if changed {
                        watch_due = watching;
                        if !send(Reply::Changed) {
                            return;
                        }
                    }
                    version = Some(v);
                    // The outbox is tried again at once after trouble, else at most every few
                    // seconds after a failed try: a locked file must not stall every poll.
                    if back || Instant::now() >= next_replay {
                        let replies = replay(store.as_mut(), &ctx);
                        let stuck = replies
                            .iter()
                            .any(|r| matches!(r, Reply::Outbox(n) if *n > 0));
                        next_replay = Instant::now()
                            + if stuck {
                                REPLAY_BACKOFF
                            } else {
                                Duration::ZERO
                            };
                        for r in replies {
                            if !send(r) {
                                return;
                            }
                        }
                    }
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
