//! `safedesk import`: incidents (and notes on customers) from a file of JSON lines, for batch
//! entry from another system.

use super::{session, Cli};
use crate::domain::{Actor, NewCustomer};
use crate::store::{Store, StoreError};
use crate::sync::local::Local;
use std::path::Path;
use std::process::ExitCode;

/// `safedesk import FILE`: exit code 0 when every line was saved or queued, 1 if any was refused.
pub fn run(cli: &Cli, file: &Path) -> Result<ExitCode, String> {
    let mut s = session::open(cli)?;
    let local = Local::new(s.local_dir.clone());
    let text = if file.as_os_str() == "-" {
        use std::io::Read;
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).and_then(|_| {
            crate::text::decode_text(&bytes)
                .map_err(|m| std::io::Error::new(std::io::ErrorKind::InvalidData, m))
        })
    } else {
        crate::text::read_text(file)
    }
    .map_err(|e| format!("Cannot read {} ({e}).", file.display()))?;
    let refused = import(&mut s, &local, &text);
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `safedesk import`: save each JSON line as an incident, saying what became of it. Returns how
/// many were refused.
pub fn import(s: &mut session::Session, local: &Local, text: &str) -> usize {
    use crate::sync::worker::{replay_patiently, save_or_queue, Context, REPLAY_PATIENCE};
    use crate::sync::Reply;
    use std::io::Write;
    let location = s.store.location();
    let ctx = Context {
        policy: s.policy.clone(),
        actor: s.actor.clone(),
        local: Some(local.clone()),
        database: s.store.database_id().unwrap_or_else(|_| location.clone()),
        also: vec![location],
        file: s.at.file().and_then(crate::sync::local::file_mark),
        read_only: s.read_only,
    };
    let mut refused = 0;
    let mut out = std::io::stdout().lock();
    // Whatever waits in this PC's outbox goes first.
    let say = |out: &mut std::io::StdoutLock<'_>, replies: Vec<Reply>| {
        for r in replies {
            let _ = match r {
                Reply::OutboxDelivered(n) => writeln!(out, "delivered {n} from the outbox"),
                Reply::OutboxRefused(why) => writeln!(out, "refused from the outbox: {why}"),
                _ => Ok(()),
            };
        }
        let _ = out.flush();
    };
    say(
        &mut out,
        replay_patiently(&mut s.store, &ctx, REPLAY_PATIENCE),
    );
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        // A note line adds a line to a customer's notes: {"note": {"customer": ID, "text": ...}}.
        if let Ok(NoteLine { note }) = serde_json::from_str::<NoteLine>(line) {
            let _ = match append_note(&mut s.store, &s.actor, note.customer, &note.text) {
                Ok(true) => writeln!(out, "noted {}", note.customer),
                Ok(false) => writeln!(out, "already noted {}", note.customer),
                Err(e) => {
                    refused += 1;
                    eprintln!("refused the note on line {}: {e}", n + 1);
                    Ok(())
                }
            };
            let _ = out.flush();
            continue;
        }
        // A details line sets a customer's postal address, postcode or letter format:
        // {"details": {"customer": ID, "address": ["1 High Street", "London"], "postcode": "N3 1AB",
        // "letters": "large print"}}; what it leaves out stays as it is.
        if let Ok(DetailsLine { details }) = serde_json::from_str::<DetailsLine>(line) {
            let who = details.customer;
            let _ = match set_details(&mut s.store, &s.actor, &details) {
                Ok(true) => writeln!(out, "details {who}"),
                Ok(false) => writeln!(out, "details already {who}"),
                Err(e) => {
                    refused += 1;
                    eprintln!("refused the details on line {}: {e}", n + 1);
                    Ok(())
                }
            };
            let _ = out.flush();
            continue;
        }
        let inc: crate::domain::NewIncident = match serde_json::from_str(line) {
            Ok(i) => i,
            Err(e) => {
                refused += 1;
                eprintln!("refused line {}: not an incident ({e})", n + 1);
                continue;
            }
        };
        let id = inc.id;
        // Flushed line by line: a caller may rely on "saved" meaning it is on disk.
        let _ = match save_or_queue(&mut s.store, &ctx, inc) {
            Reply::Saved(o) => writeln!(out, "saved {id} {}/{}", o.count, o.threshold),
            Reply::Queued { reason } => writeln!(out, "queued {id} {reason}"),
            Reply::SaveFailed(why) => {
                refused += 1;
                eprintln!("refused {id}: {why}");
                Ok(())
            }
            _ => Ok(()),
        };
        let _ = out.flush();
    }
    // What waits now (queued by this run while the drive was in trouble, or left from before)
    // is tried again before the command ends: a command has no later poll to deliver it.
    if !ctx.waiting().is_empty() {
        say(
            &mut out,
            replay_patiently(&mut s.store, &ctx, REPLAY_PATIENCE),
        );
    }
    // Anything still waiting is said, never left silently.
    let waiting = ctx.waiting().len();
    if waiting > 0 && !s.read_only {
        let _ = writeln!(
            out,
            "waiting {waiting} in this PC's outbox ({}): the shared database could not take {} now. {} kept there and written, once, the next time safedesk runs on this PC as {} and can reach the database.",
            local.dir().join("outbox").display(),
            if waiting == 1 { "it" } else { "them" },
            if waiting == 1 { "It is" } else { "They are" },
            ctx.actor.login
        );
    }
    if let Some(other) = ctx.for_another_file() {
        let _ = writeln!(out, "waiting for another file: {other}");
    }
    let _ = out.flush();
    refused
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteLine {
    note: Note,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Note {
    customer: crate::domain::Id,
    text: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DetailsLine {
    details: Details,
}

/// A customer's postal details from an import line: each one left out stays as it is.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Details {
    pub customer: crate::domain::Id,
    #[serde(default)]
    pub address: Option<Vec<String>>,
    #[serde(default)]
    pub postcode: Option<String>,
    /// "standard", "large print", "easy read" or "large print and easy read".
    #[serde(default)]
    pub letters: Option<String>,
}

/// Set a customer's address, postcode or letter format, as [`append_note`] adds a note: made on
/// the version read, read again and made again when someone else changed the customer meanwhile.
/// Returns whether anything changed.
pub fn set_details(store: &mut dyn Store, actor: &Actor, d: &Details) -> Result<bool, StoreError> {
    let format = match &d.letters {
        None => None,
        Some(t) => Some(crate::domain::LetterFormat::parse(t).ok_or_else(|| {
            StoreError::Invalid(format!(
                "letters is \"{}\": give standard, large print, easy read or large print and easy read.",
                crate::text::clean(t)
            ))
        })?),
    };
    if let Some(a) = &d.address {
        crate::policy::incident::address_problem(a, d.postcode.as_deref().unwrap_or_default())
            .map_err(StoreError::Invalid)?;
    }
    let mut busy = 0;
    for _ in 0..50 {
        let h = store
            .history(d.customer)?
            .ok_or_else(|| StoreError::Missing("that customer is not in the database".into()))?;
        let c = h.customer;
        let mut edit = c.edit();
        if let Some(a) = &d.address {
            edit.address = a.clone();
        }
        if let Some(p) = &d.postcode {
            edit.postcode = p.clone();
        }
        if let Some(f) = format {
            edit.large_print = f.large_print;
            edit.easy_read = f.easy_read;
        }
        if edit == c.edit() {
            return Ok(false);
        }
        match store.update_customer(actor, c.id, edit, c.version) {
            Ok(after) => return Ok(after != c),
            Err(StoreError::Conflict(_)) => continue,
            Err(StoreError::Locked { .. } | StoreError::ServerBusy { .. }) if busy < 5 => {
                busy += 1;
                std::thread::sleep(std::time::Duration::from_millis(200 * busy));
            }
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Other(
        "the customer kept being changed by others; try again".into(),
    ))
}

/// Add a line to a customer's notes. Someone else may be changing the same customer: the change
/// is made on the version read, and when that is refused as a conflict it is read again and made
/// again, so no one's change is lost. A note already there is not added twice (a second run of
/// the same import changes nothing). Returns whether it was added.
pub fn append_note(
    store: &mut dyn Store,
    actor: &Actor,
    customer: crate::domain::Id,
    text: &str,
) -> Result<bool, StoreError> {
    // Cleaned as the store cleans it, so a note already there is recognised.
    let text = crate::text::sanitise_for_display(text, false)
        .trim()
        .to_string();
    let text = text.as_str();
    if text.is_empty() {
        return Err(StoreError::Invalid(
            "The note is empty: give its text.".into(),
        ));
    }
    if text.chars().count() > crate::policy::incident::MAX_LINE * 5 {
        return Err(StoreError::Invalid(
            "The note is longer than 1000 characters: shorten it.".into(),
        ));
    }
    let mut busy = 0;
    for _ in 0..50 {
        let h = store
            .history(customer)?
            .ok_or_else(|| StoreError::Missing("that customer is not in the database".into()))?;
        let c = h.customer;
        if c.notes.lines().any(|l| l.trim() == text) {
            return Ok(false);
        }
        let notes = if c.notes.trim().is_empty() {
            text.to_string()
        } else {
            format!("{}\n{text}", c.notes.trim_end())
        };
        let edit = NewCustomer { notes, ..c.edit() };
        match store.update_customer(actor, c.id, edit, c.version) {
            Ok(_) => return Ok(true),
            Err(StoreError::Conflict(_)) => continue,
            // Others holding the file longer than the patience: wait a little and try again.
            Err(StoreError::Locked { .. } | StoreError::ServerBusy { .. }) if busy < 5 => {
                busy += 1;
                std::thread::sleep(std::time::Duration::from_millis(200 * busy));
            }
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Other(
        "the customer kept being changed by others; try again".into(),
    ))
}
