//! The store worker: the one thread that owns the instance's long-lived database connection.
//! The UI sends it requests and never waits for it. Lookups typed faster than the database
//! answers are coalesced, so only the newest one runs; between requests it polls
//! `PRAGMA data_version` to notice other instances' changes, and replays this PC's outbox.
//! The command line uses [`save_or_queue`] and [`replay`] directly, without the thread.

use super::kept::Answers;
use super::local::{Local, OutboxEntry, Submission};
use super::presence::{self, Presence};
use super::protocol::{CaseData, Health, Reply, Request};
use super::views::Viewed;
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
/// How many pieces of news about their incidents a start screen is sent (the newest; it says
/// how many more).
pub const NEWS: usize = 20;

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
    /// The very file this is ([`super::local::file_mark`]): entries written for another file
    /// with the same id (a copy) are not delivered to this one. None: not known.
    pub file: Option<String>,
    /// Started with `--read-only`: the outbox is neither delivered nor changed.
    pub read_only: bool,
}

impl Context {
    /// Every name this database's outbox entries may be filed under.
    pub fn names(&self) -> Vec<String> {
        std::iter::once(self.database.clone())
            .chain(self.also.iter().cloned())
            .collect()
    }

    /// Is this entry for this very file (not a copy of it that shares its id)?
    pub fn is_for_this_file(&self, e: &OutboxEntry) -> bool {
        match (&e.file, &self.file) {
            (Some(theirs), Some(ours)) => theirs == ours,
            _ => true,
        }
    }

    /// The entries waiting in this PC's outbox for this very file, oldest first.
    pub fn waiting(&self) -> Vec<OutboxEntry> {
        let Some(local) = &self.local else {
            return Vec::new();
        };
        let mut v = local.outbox_for(&self.names());
        v.retain(|e| self.is_for_this_file(e));
        v
    }

    /// Entries on this PC filed under this database's id but written for another file (a
    /// copy of it, or the original when this is the copy), as one sentence; None when there
    /// are none.
    pub fn for_another_file(&self) -> Option<String> {
        let local = self.local.as_ref()?;
        let n = local
            .outbox_for(&self.names())
            .iter()
            .filter(|e| !self.is_for_this_file(e))
            .count();
        (n > 0).then(|| {
            format!(
                "{n} {} waiting on this PC {} written for another copy of this database (same id, another file), so {} not written into this one. {} still kept in {}.",
                if n == 1 { "entry" } else { "entries" },
                if n == 1 { "was" } else { "were" },
                if n == 1 { "it is" } else { "they are" },
                if n == 1 { "It is" } else { "They are" },
                local.dir().join("outbox").display()
            )
        })
    }

    /// Keep a submission in this PC's outbox, filed under this database and this file.
    fn queue(&self, what: Submission, reason: &str) -> Option<std::io::Result<()>> {
        let local = self.local.as_ref().filter(|_| !self.read_only)?;
        let entry = OutboxEntry {
            login: self.actor.login.clone(),
            database: self.database.clone(),
            file: self.file.clone(),
            queued_at: Utc::now(),
            reason: reason.to_string(),
            what,
        };
        Some(local.outbox_put(&entry).map(|_| ()))
    }
}

/// Save an incident, or keep it in the outbox when the shared database cannot take it.
pub fn save_or_queue(store: &mut dyn Store, ctx: &Context, inc: NewIncident) -> Reply {
    submit(store, ctx, Submission::Incident(inc))
}

/// What became of the customer's cases after a change that ran the escalation rules again.
fn cases_sentence(what: &str, changed: crate::domain::CasesChanged) -> String {
    let cases = changed.sentence();
    if cases.is_empty() {
        what.to_string()
    } else {
        format!("{what} {cases}")
    }
}

/// Write one submission to the shared database as `ctx.actor` (checked against the staff list
/// inside the write), saying what to tell the person. Every kind is safe to write twice: the
/// second time changes nothing.
fn deliver(store: &mut dyn Store, ctx: &Context, what: &Submission) -> crate::store::Result<Reply> {
    let actor = &ctx.actor;
    Ok(match what {
        Submission::Incident(inc) => {
            Reply::Saved(store.record_incident(actor, &ctx.policy, inc)?)
        }
        Submission::Correction { incident, version } => {
            store.amend_incident(actor, &ctx.policy, incident, *version)?;
            Reply::Done(
                "The incident was corrected; the audit log keeps what it said before.".into(),
            )
        }
        Submission::Withdrawal { incident, reason } => Reply::Done(cases_sentence(
            "The incident was withdrawn. It stays in the history, marked, and no longer counts.",
            store.withdraw_incident(actor, &ctx.policy, *incident, reason)?,
        )),
        Submission::CustomerRequest {
            request,
            customer,
            note,
        } => {
            store.customer_request(actor, *request, *customer, note)?;
            Reply::Done("A manager will see the request in the escalation queue.".into())
        }
        Submission::CustomerDetails {
            customer,
            edit,
            version,
        } => {
            let c = store.update_customer(actor, *customer, edit.clone(), *version)?;
            Reply::Done(format!("{}'s details are saved.", c.display_name()))
        }
        Submission::LetterRecord(l) => {
            store.record_letter(actor, l)?;
            Reply::Done("The letter's record is kept with the customer.".into())
        }
        Submission::LetterSent { letter, on, how } => {
            store.letter_sent(actor, *letter, *on, *how)?;
            Reply::Done(format!(
                "The letter is recorded as sent {} on {}.",
                how.label(),
                crate::time::date(*on)
            ))
        }
        Submission::ConfirmationNotPossible { decision, reason } => {
            store.confirmation_not_possible(actor, *decision, reason)?;
            Reply::Done(
                "Recorded why written confirmation was not possible; the case is closed.".into(),
            )
        }
        Submission::ReviewLetterNotPossible { batch, reason } => {
            store.review_letter_not_possible(actor, *batch, reason)?;
            Reply::Done(
                "Recorded why the review's letter could not be sent; it is no longer owed.".into(),
            )
        }
        Submission::Views { views, .. } => {
            let n = store.record_views(actor, views)?;
            Reply::Done(format!("{n} card views recorded."))
        }
        Submission::Debrief { incident } => {
            store.request_debrief(actor, *incident)?;
            Reply::Done("Debrief requested: a manager will see it in the escalation queue.".into())
        }
        Submission::DebriefHeld { case, on } => {
            store.debrief_held(actor, *case, *on)?;
            Reply::Done(format!(
                "The debrief is recorded as held on {}; its case is closed.",
                crate::time::date(*on)
            ))
        }
    })
}

/// Write a batch of card views in one short transaction; when the shared file cannot take it
/// now, keep it in this PC's outbox (written once when the drive is back). At exit the batch is
/// put in the outbox first and then delivered, so a safedesk closed mid-write loses nothing (and
/// a batch written twice is written once). Says whether the outbox changed.
pub fn flush_views(
    store: &mut dyn Store,
    ctx: &Context,
    views: Vec<crate::domain::CardView>,
    at_exit: bool,
) -> bool {
    if views.is_empty() || ctx.read_only || ctx.actor.staff.is_none() {
        return false;
    }
    let what = Submission::Views {
        batch: crate::domain::new_id(),
        views,
    };
    if at_exit {
        if let (Some(local), Some(Ok(()))) = (&ctx.local, ctx.queue(what.clone(), "kept at exit")) {
            if deliver(store, ctx, &what).is_ok() {
                let _ = local.outbox_done(&what.key());
            }
            return true;
        }
    }
    match deliver(store, ctx, &what) {
        Ok(_) => false,
        Err(e) if e.is_transient() => ctx.queue(what, &e.to_string()).is_some(),
        // Refused (the person left the staff list, the file is damaged): not kept.
        Err(_) => false,
    }
}

/// Write a submission, or keep it in this PC's outbox when the shared database cannot take it
/// now (the drive is slow, locked or gone). An incident or a correction kept is answered with
/// [`Reply::Queued`], anything else with [`Reply::Kept`].
pub fn submit(store: &mut dyn Store, ctx: &Context, what: Submission) -> Reply {
    match deliver(store, ctx, &what) {
        Ok(reply) => reply,
        Err(e) if e.is_transient() => {
            let reason = e.to_string();
            let label = what.label();
            let incident = matches!(
                what,
                Submission::Incident(_) | Submission::Correction { .. }
            );
            match ctx.queue(what, &reason) {
                None => Reply::SaveFailed(reason),
                Some(Ok(())) if incident => Reply::Queued { reason },
                Some(Ok(())) => Reply::Kept {
                    what: label.to_string(),
                    reason,
                },
                Some(Err(io)) => Reply::SaveFailed(format!(
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
        Ok(changed) => Reply::Done(cases_sentence(what, changed)),
        Err(e) => Reply::SaveFailed(e.to_string()),
    }
}

/// A decision or review the shared database could not take now is not kept on this PC (the
/// manager's form stays open with its text): say plainly that it was not saved.
fn not_saved(what: &str, e: crate::store::StoreError) -> Reply {
    if e.is_transient() {
        Reply::SaveFailed(format!(
            "The {what} was NOT saved: {e} Everything you typed is still in the form; save again when the shared database can be reached."
        ))
    } else {
        Reply::SaveFailed(e.to_string())
    }
}

/// Carry out one write the person asked for.
fn write(store: &mut dyn Store, ctx: &Context, w: Request) -> Reply {
    let done = |r: crate::store::Result<()>, what: &str| match r {
        Ok(()) => Reply::Done(what.to_string()),
        Err(e) => Reply::SaveFailed(e.to_string()),
    };
    match w {
        Request::SaveIncident(inc) => submit(store, ctx, Submission::Incident(*inc)),
        Request::AmendIncident { incident, version } => submit(
            store,
            ctx,
            Submission::Correction {
                incident: *incident,
                version,
            },
        ),
        Request::WithdrawIncident { incident, reason } => {
            submit(store, ctx, Submission::Withdrawal { incident, reason })
        }
        Request::LinkVisitor { visitor, customer } => cases_done(
            store.link_visitor(&ctx.actor, &ctx.policy, visitor, customer),
            "The visitor's record was linked: their incidents are now on the customer's card.",
        ),
        Request::MergeCustomers { survivor, other } => {
            match store.merge_customers(&ctx.actor, &ctx.policy, survivor, other) {
                Ok(saved) => Reply::Done(cases_sentence(
                    &format!(
                        "The two records were merged: everything is on the card kept, and the other record says where it went. To undo it: safedesk merge undo {}.",
                        saved.audit_seq
                    ),
                    saved.cases,
                )),
                Err(e) => not_saved("merge", e),
            }
        }
        Request::ReverseMerge { which } => match store.reverse_merge(&ctx.actor, which) {
            Ok(r) => Reply::Done(format!(
                "The merge was undone: {} and {} are two records again, each with the history it had before.",
                r.survivor_name, r.restored_name
            )),
            Err(e) => not_saved("undoing of the merge", e),
        },
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
            Err(e) => not_saved("decision", e),
        },
        Request::AnswerApproval(a) => match store.answer_approval(&ctx.actor, &ctx.policy, &a) {
            Ok(saved) if saved.already_saved => {
                Reply::Done("That answer was already recorded.".into())
            }
            Ok(saved) if saved.approved => Reply::Done(format!(
                "The decision is approved and in force from now{}: every lookup shows it, on every PC.{}",
                match saved.restrictions {
                    0 => String::new(),
                    1 => " (1 restriction)".to_string(),
                    n => format!(" ({n} restrictions)"),
                },
                if saved.letter_owed {
                    " Its letter is owed: press l on the case to produce it."
                } else {
                    ""
                }
            )),
            Ok(_) => Reply::Done(
                "The decision is turned down: nothing of it came into force, and its case is back in the queue for a new decision.".into(),
            ),
            Err(e) => not_saved("answer to the approval", e),
        },
        Request::SaveReview(r) => match store.record_review(&ctx.actor, &ctx.policy, &r) {
            Ok(saved) => Reply::ReviewSaved(saved),
            Err(e) => not_saved("review", e),
        },
        Request::LetterSent { letter, on, how } => {
            submit(store, ctx, Submission::LetterSent { letter, on, how })
        }
        Request::ConfirmationNotPossible { decision, reason } => submit(
            store,
            ctx,
            Submission::ConfirmationNotPossible { decision, reason },
        ),
        Request::ReviewLetterNotPossible { batch, reason } => submit(
            store,
            ctx,
            Submission::ReviewLetterNotPossible { batch, reason },
        ),
        Request::SaveLetter(l) => save_letter(store, ctx, *l),
        Request::ExportCustomer { customer, dir } => export_customer(store, ctx, customer, &dir),
        Request::UpdateCustomer { id, edit, version } => submit(
            store,
            ctx,
            Submission::CustomerDetails {
                customer: id,
                edit: *edit,
                version,
            },
        ),
        Request::CustomerRequest {
            request,
            customer,
            note,
        } => submit(
            store,
            ctx,
            Submission::CustomerRequest {
                request,
                customer,
                note,
            },
        ),
        Request::RequestDebrief { incident } => {
            submit(store, ctx, Submission::Debrief { incident })
        }
        Request::DebriefHeld { case, on } => {
            submit(store, ctx, Submission::DebriefHeld { case, on })
        }
        other => Reply::SaveFailed(format!("safedesk could not do that ({other:?}).")),
    }
}

/// Write everything held about a customer into a new folder in `dir` (a subject access
/// request), then record it in the audit; if it cannot be recorded, the folder is removed.
fn export_customer(
    store: &mut dyn Store,
    ctx: &Context,
    customer: crate::domain::Id,
    dir: &std::path::Path,
) -> Reply {
    if let Err(why) = ctx
        .actor
        .role()
        .filter(|r| r.can_decide())
        .ok_or("Only a manager or admin can export what is held about a customer.")
    {
        return Reply::SaveFailed(why.into());
    }
    let sa = match store.subject_access(customer) {
        Ok(Some(sa)) => sa,
        Ok(None) => {
            return Reply::SaveFailed(
                "That customer is no longer in the database; search for them again.".into(),
            )
        }
        Err(e) => return Reply::SaveFailed(format!("Nothing was exported: {e}")),
    };
    let written = match crate::letters::write_export(dir, &sa, &ctx.policy) {
        Ok(w) => w,
        Err(e) => return Reply::SaveFailed(format!("Nothing was exported: {e}")),
    };
    match store.record_export(&ctx.actor, customer, &written.folder.display().to_string()) {
        Ok(()) => Reply::Done(format!(
            "Everything held about {} is in {} (export.html to print, export.md, export.json).",
            crate::text::clean(&sa.history.customer.display_name()),
            written.folder.display()
        )),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&written.folder);
            Reply::SaveFailed(format!(
                "The export was not kept, as it could not be recorded in the audit: {e}"
            ))
        }
    }
}

/// Write a letter's Markdown and printable HTML files, then keep its record in the shared
/// database. The files come first: if the database cannot be reached, the letter is not lost.
fn save_letter(store: &mut dyn Store, ctx: &Context, l: crate::letters::LetterToSave) -> Reply {
    let (markdown, html) = match l.written {
        Some(paths) => paths,
        None => {
            match crate::letters::save(&l.dir, &l.stem, &l.record.body, &l.title, l.large_print) {
                Ok(paths) => paths,
                Err(e) => return Reply::SaveFailed(e.to_string()),
            }
        }
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
            let kept = if e.is_transient() {
                ctx.queue(Submission::LetterRecord(record.clone()), &e.to_string())
            } else {
                None
            };
            let message = if let Some(Ok(())) = kept {
                format!(
                    "The letter is saved as {}. The shared database could not record it now ({e}), so the record is kept on this PC and written there by itself, once, when the database can be reached.",
                    markdown.display()
                )
            } else if e.is_transient() {
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

/// Try to deliver what waits in the outbox, as the person running safedesk now. Returns the
/// replies to send. A safedesk started with `--read-only` neither delivers nor sets anything
/// aside: the outbox is left exactly as it is. An entry made by someone else is held (moved to
/// `held/`, with a message naming them), never written in their name; an entry written for
/// another file with this database's id (a copy) waits for that file; a file that is not an
/// entry at all is set aside in `refused/` with a message.
pub fn replay(store: &mut dyn Store, ctx: &Context) -> Vec<Reply> {
    replay_with(store, ctx, Duration::ZERO)
}

/// How long a command that runs once (`safedesk import`) keeps trying an outbox entry the shared
/// database cannot take for a moment: a journal the share will not delete yet, another PC's
/// lock, a mount coming back. The app's worker does not wait: it tries again a few seconds
/// later by itself ([`REPLAY_BACKOFF`]); a command that ends has no later.
pub const REPLAY_PATIENCE: Duration = Duration::from_secs(10);

/// As [`replay`], but an entry the shared database cannot take now is tried again, after a
/// short pause that grows, until it has failed for `patience`; only then is it (and everything
/// after it, which must not overtake it) left waiting.
pub fn replay_patiently(store: &mut dyn Store, ctx: &Context, patience: Duration) -> Vec<Reply> {
    replay_with(store, ctx, patience)
}

fn replay_with(store: &mut dyn Store, ctx: &Context, patience: Duration) -> Vec<Reply> {
    let Some(local) = ctx.local.as_ref().filter(|_| !ctx.read_only) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (kept, bad) in local.set_aside_unreadable() {
        out.push(Reply::OutboxRefused(format!(
            "A file in this PC's outbox ({}) is not an entry safedesk can read ({}), perhaps edited by hand. Nothing was written from it; it is kept in {} for someone to look at.",
            bad.path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            bad.why,
            kept.display()
        )));
    }
    let waiting = ctx.waiting();
    if waiting.is_empty() {
        if !out.is_empty() {
            out.push(Reply::Outbox(0));
        }
        return out;
    }
    // Someone not on the staff list writes nothing: their entries wait.
    if ctx.actor.staff.is_none() {
        out.push(Reply::Outbox(waiting.len()));
        return out;
    }
    let mut delivered = 0;
    for entry in &waiting {
        let key = entry.what.key();
        if !crate::text::login::same_person(&entry.login, &ctx.actor.login) {
            let kept = local
                .outbox_held(&key)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| "the outbox".into());
            out.push(Reply::OutboxRefused(format!(
                "An entry in this PC's outbox ({}) says it was made by \"{}\", not by you ({}). It was not written in anyone's name; it is kept in {kept}. Ask a manager to look at it.",
                entry.what.label(),
                crate::text::sanitise_for_display(&entry.login, false),
                ctx.actor.login
            )));
            continue;
        }
        // Tried again while the failure is the drive's and patience lasts.
        let failing_since = Instant::now();
        let mut pause = Duration::from_millis(100);
        let result = loop {
            match deliver(store, ctx, &entry.what) {
                Err(e) if e.is_transient() && failing_since.elapsed() + pause <= patience => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(1));
                }
                other => break other,
            }
        };
        match result {
            Ok(_) => {
                if local.outbox_done(&key).is_ok() {
                    delivered += 1;
                }
            }
            // It stays, and so does everything after it: a later entry (a correction) must
            // not reach the database before the one it follows.
            Err(e) if e.is_transient() => break,
            Err(e) => {
                let kept = local
                    .outbox_refused(&key)
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|_| "the outbox".into());
                out.push(Reply::OutboxRefused(match (&entry.what, &e) {
                    (Submission::CustomerDetails { .. }, crate::store::StoreError::Conflict(_)) => format!(
                        "A customer's details typed on this PC while the shared database could not be reached were not saved: {e} What was typed is kept in {kept}: look at the card, then type the change again."
                    ),
                    _ => format!(
                        "{} waiting on this PC was refused by the shared database ({e}). It is kept in {kept}: ask a manager to enter it again.",
                        capitalise(entry.what.label())
                    ),
                }));
            }
        }
    }
    if delivered > 0 {
        out.push(Reply::OutboxDelivered(delivered));
    }
    out.push(Reply::Outbox(ctx.waiting().len()));
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
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

/// Keeps this instance's presence fresh and counts the managers running.
struct Present {
    presence: Presence,
    next_beat: Instant,
    /// Did the last beat get written? If not, the count is unknown.
    ok: bool,
    last: Option<Option<usize>>,
}

impl Present {
    fn count(&self, store: &mut dyn Store) -> Option<usize> {
        if self.ok {
            self.presence.managers(store, Utc::now())
        } else {
            None
        }
    }

    /// Beat when it is time; returns the managers count to send when it changed.
    fn tick(&mut self, store: &mut dyn Store) -> Option<Option<usize>> {
        if Instant::now() < self.next_beat {
            return None;
        }
        self.next_beat = Instant::now() + presence::BEAT;
        self.ok = self.presence.beat(store, Utc::now()).is_ok();
        let n = self.count(store);
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
    let mut viewed = Viewed::from_env();
    serve(&mut store, &ctx, presence, requests, send, &mut viewed);
    // The app has gone: the views gathered since the last batch are written now.
    if let Some(views) = viewed.take_due(true) {
        flush_views(store.as_mut(), &ctx, views, true);
    }
}

/// [`run_with`]'s loop, until the UI hangs up; card views gathered are left in `viewed`.
fn serve(
    store: &mut Box<dyn Store>,
    ctx: &Context,
    presence: Option<Presence>,
    requests: Receiver<Request>,
    send: impl Fn(Reply) -> bool,
    viewed: &mut Viewed,
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
    // Whoever is on the staff list hears back about the incidents they logged: read at the
    // start and after every change, sent when it differs.
    let hearing = ctx.actor.staff.is_some();
    let mut news_due = hearing;
    let mut last_news: Option<crate::domain::HeardBack> = None;
    let mut version = store.data_version().ok();
    // The office's policy version this instance runs by: another admin's change is picked up.
    let policy_version = |store: &mut dyn Store| {
        store
            .office_setting(crate::domain::SettingKind::Policy)
            .ok()
            .map(|s| s.map(|s| s.version))
    };
    let mut in_force = policy_version(store.as_mut());
    let mut answers = Answers::default();
    let mut healthy = true;
    let mut last_poll = Instant::now();
    let mut next_replay = Instant::now();
    // The file's quick check, once, soon after start (not before the first screen: on a big
    // file it takes a while); tried again later if the drive could not be read for it.
    let mut damage_check_at = Some(Instant::now());
    // Review cases fall due by the calendar: a manager's instance opens them soon after start
    // and on each new day (a read, and a short write only when one is missing), so they are in
    // the queue without anyone having to open it on the right day.
    let mut reviews_opened_on: Option<chrono::NaiveDate> = None;
    // Admins are told once a day how many records are past their keeping period, counted a
    // short read at each poll (some hundreds of customers), so lookups and other PCs' saves
    // never wait for the whole count: (the customer number to go on from, the count so far).
    let mut retention_checked_on: Option<chrono::NaiveDate> = None;
    let mut retention_scan: Option<(i64, usize)> = None;
    let mut reviews_next = Instant::now();
    if ctx.local.is_some() {
        if !send(Reply::Outbox(ctx.waiting().len())) {
            return;
        }
        if let Some(other) = ctx.for_another_file() {
            if !send(Reply::OutboxRefused(other)) {
                return;
            }
        }
    }
    loop {
        if let Some(n) = present.as_mut().and_then(|p| p.tick(store.as_mut())) {
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
        if std::mem::take(&mut news_due) {
            match store.heard_back(&ctx.actor, NEWS) {
                Ok(n) if last_news.as_ref() != Some(&n) => {
                    last_news = Some(n.clone());
                    if !send(Reply::News(n)) {
                        return;
                    }
                }
                Ok(_) => {}
                Err(_) => last_news = None,
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
        if let Some(views) = viewed.take_due(false) {
            if flush_views(store.as_mut(), ctx, views, false)
                && !send(Reply::Outbox(ctx.waiting().len()))
            {
                return;
            }
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
            let mut queue: Vec<crate::domain::QueueQuery> = Vec::new();
            let mut case = None;
            let mut writes = Vec::new();
            let mut seen = Vec::new();
            let mut dismiss: Vec<String> = Vec::new();
            let mut audit: Vec<crate::domain::AuditQuery> = Vec::new();
            let mut lists: Vec<ListRequest> = Vec::new();
            for r in std::iter::once(first).chain(requests.try_iter()) {
                match r {
                    Request::Lookup { seq, query } => lookup = Some((seq, query)),
                    Request::FormLookup { seq, query } => form_lookup = Some((seq, query)),
                    Request::LoadCard { id } => card = Some(id),
                    // In turn (a page added after a first page needs it first), each once.
                    Request::LoadQueue(q) => {
                        if !queue.contains(&q) {
                            queue.push(q);
                        }
                    }
                    Request::LoadCase { case: c } => case = Some(c),
                    Request::LoadIncidents(q) => lists.push(ListRequest::Incidents(q)),
                    Request::LoadStaffList => lists.push(ListRequest::Staff),
                    Request::LoadInForce { offset, limit } => {
                        lists.push(ListRequest::InForce(offset, limit))
                    }
                    Request::LoadReport { from, to } => lists.push(ListRequest::Report(from, to)),
                    Request::MarkCaseSeen { case: c } => seen.push(c),
                    Request::DismissNews { events } => dismiss.extend(events),
                    Request::LoadAudit(q) => {
                        if !audit.contains(&q) {
                            audit.push(q);
                        }
                    }
                    w @ (Request::SaveIncident(_)
                    | Request::AmendIncident { .. }
                    | Request::WithdrawIncident { .. }
                    | Request::LinkVisitor { .. }
                    | Request::MergeCustomers { .. }
                    | Request::ReverseMerge { .. }
                    | Request::AssignCase { .. }
                    | Request::SaveDecision(_)
                    | Request::AnswerApproval(_)
                    | Request::SaveReview(_)
                    | Request::LetterSent { .. }
                    | Request::ConfirmationNotPossible { .. }
                    | Request::ReviewLetterNotPossible { .. }
                    | Request::CustomerRequest { .. }
                    | Request::SaveLetter(_)
                    | Request::ExportCustomer { .. }
                    | Request::UpdateCustomer { .. }
                    | Request::RequestDebrief { .. }
                    | Request::DebriefHeld { .. }) => writes.push(w),
                    Request::OpenPage { page, with } => {
                        let result = with.open(&page);
                        if !send(Reply::PageOpened { page, result }) {
                            return;
                        }
                    }
                    Request::SaveDraft(_) | Request::ClearDraft | Request::SaveChoices(_) => {}
                }
            }
            for c in seen {
                // Nothing to say if it fails: the alert stays until it is recorded.
                if store.mark_case_seen(&ctx.actor, c).is_ok() {
                    watch_due = watching;
                }
            }
            if !dismiss.is_empty() {
                if let Err(e) = store.dismiss_news(&ctx.actor, &dismiss) {
                    if !send(Reply::NewsNotDismissed(e.to_string())) {
                        return;
                    }
                }
                news_due = hearing;
            }
            for w in writes {
                let reply = write(store.as_mut(), ctx, w);
                watch_due = watching;
                news_due = hearing;
                let queued = matches!(
                    reply,
                    Reply::Queued { .. } | Reply::Kept { .. } | Reply::LetterNotRecorded { .. }
                );
                // Whoever saved an alerting incident is told how many managers can see it.
                if let Reply::Saved(o) = &reply {
                    if o.urgent || o.breach {
                        let n = present.as_ref().and_then(|p| p.count(store.as_mut()));
                        if !send(Reply::Managers(n)) {
                            return;
                        }
                    }
                }
                if !send(reply) {
                    return;
                }
                if queued && !send(Reply::Outbox(ctx.waiting().len())) {
                    return;
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
            for l in lists {
                let reply = match l {
                    ListRequest::Incidents(query) => {
                        let result = store
                            .incidents_page(&ctx.actor, &query)
                            .map_err(|e| e.to_string());
                        Reply::Incidents { query, result }
                    }
                    ListRequest::Staff => Reply::StaffList(store.list_staff().unwrap_or_default()),
                    ListRequest::InForce(offset, limit) => Reply::InForce(
                        store
                            .in_force_page(&ctx.actor, offset, limit)
                            .map_err(|e| e.to_string()),
                    ),
                    ListRequest::Report(from, to) => Reply::Report(
                        store
                            .report(&ctx.actor, from, to, Utc::now())
                            .map_err(|e| e.to_string()),
                    ),
                };
                if !send(reply) {
                    return;
                }
            }
            for query in queue {
                let today = crate::time::london_date(Utc::now());
                let result = store.queue_page(&query, today).map_err(|e| e.to_string());
                let first = query.offset == 0;
                if !send(Reply::QueuePage { query, result }) {
                    return;
                }
                // The letters owed come with the queue's first page, not with every page after.
                if first {
                    let owed = store.letters_owed().map_err(|e| e.to_string());
                    if !send(Reply::LettersOwed(owed)) {
                        return;
                    }
                }
            }
            for query in audit {
                let result = store
                    .audit_page(&ctx.actor, &query)
                    .map_err(|e| e.to_string());
                if !send(Reply::AuditPage { query, result }) {
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
                // A restricted customer's card is shown: who looked is recorded, in a batch.
                if let Ok(Some(h)) = &result {
                    if !crate::policy::rules::active_restrictions(h, Utc::now()).is_empty() {
                        viewed.seen(id, Utc::now());
                    }
                }
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
                        news_due = hearing;
                        let now = policy_version(store.as_mut());
                        if now.is_some() && now != in_force {
                            in_force = now;
                            if !send(Reply::PolicyChanged(office_policy(store.as_mut()))) {
                                return;
                            }
                        }
                        if !send(Reply::Changed) {
                            return;
                        }
                    }
                    version = Some(v);
                    // At a poll, so not before the first screen and the first lookup; after
                    // trouble no sooner than the outbox is tried again.
                    let today = crate::time::london_date(Utc::now());
                    if watching
                        && reviews_opened_on != Some(today)
                        && Instant::now() >= reviews_next
                    {
                        match store.open_due_reviews(&ctx.actor, today) {
                            Ok(n) => {
                                reviews_opened_on = Some(today);
                                if n > 0 {
                                    watch_due = true;
                                }
                            }
                            Err(e) if e.is_transient() => {
                                reviews_next = Instant::now() + REPLAY_BACKOFF
                            }
                            // A file that cannot be written to (read-only, damaged): not tried
                            // again today.
                            Err(_) => reviews_opened_on = Some(today),
                        }
                    }
                    if ctx.actor.role() == Some(crate::domain::Role::Admin)
                        && retention_checked_on != Some(today)
                    {
                        retention_checked_on = Some(today);
                        retention_scan = Some((0, 0));
                    }
                    if let Some((after, so_far)) = retention_scan {
                        retention_scan = match store.retention_due_step(today, after) {
                            Ok((n, Some(next))) => Some((next, so_far + n)),
                            Ok((n, None)) => {
                                if !send(Reply::RetentionDue(so_far + n)) {
                                    return;
                                }
                                None
                            }
                            // Counted again tomorrow.
                            Err(_) => None,
                        };
                    }
                    // The outbox is tried again at once after trouble, else at most every few
                    // seconds after a failed try: a locked file must not stall every poll.
                    if back || Instant::now() >= next_replay {
                        let replies = replay(store.as_mut(), ctx);
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

/// The office's policy as stored now, for the screens, or why it cannot be used.
fn office_policy(store: &mut dyn Store) -> Result<(Box<Policy>, String), String> {
    match store.office_setting(crate::domain::SettingKind::Policy) {
        Ok(Some(set)) => Policy::from_office(&set).map(|p| (Box::new(p), set.provenance())),
        Ok(None) => Ok((Box::new(Policy::built_in()), "the built-in policy".into())),
        Err(e) => Err(e.to_string()),
    }
}

/// A read for the lists or the reports, in the order asked.
enum ListRequest {
    Incidents(crate::domain::IncidentQuery),
    Staff,
    InForce(usize, usize),
    Report(chrono::NaiveDate, chrono::NaiveDate),
}
