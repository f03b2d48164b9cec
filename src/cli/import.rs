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
    let local = Local::new(Local::default_dir());
    let text = if file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(file)
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
    use crate::sync::worker::{replay, save_or_queue, Context};
    use crate::sync::Reply;
    use std::io::Write;
    let location = s.store.location();
    let ctx = Context {
        policy: s.policy.clone(),
        actor: s.actor.clone(),
        local: Some(local.clone()),
        database: s.store.database_id().unwrap_or_else(|_| location.clone()),
        also: vec![location],
        file: crate::sync::local::file_mark(&s.path),
        read_only: s.read_only,
    };
    let mut refused = 0;
    let mut out = std::io::stdout().lock();
    // Whatever waits in this PC's outbox goes first.
    for r in replay(&mut s.store, &ctx) {
        let _ = match r {
            Reply::OutboxDelivered(n) => writeln!(out, "delivered {n} from the outbox"),
            Reply::OutboxRefused(why) => writeln!(out, "refused from the outbox: {why}"),
            _ => Ok(()),
        };
    }
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
        let edit = NewCustomer {
            id: Some(c.id),
            name: c.name.clone(),
            other_names: c.other_names.clone(),
            phones: c.phones.clone(),
            emails: c.emails.clone(),
            postcode: c.postcode.clone(),
            description: c.description.clone(),
            notes,
        };
        match store.update_customer(actor, c.id, edit, c.version) {
            Ok(_) => return Ok(true),
            Err(StoreError::Conflict(_)) => continue,
            // Others holding the file longer than the patience: wait a little and try again.
            Err(StoreError::Locked { .. }) if busy < 5 => {
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
