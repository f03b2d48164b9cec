//! The commands that print instead of opening the app.

use crate::domain::{
    Actor, BackupReport, CheckReport, Counts, LookupHit, MatchedOn, NewCustomer, Role,
};
use crate::policy::{rules, Policy};
use crate::store::{Store, StoreError};
use crate::ui::clean;
use chrono::{DateTime, Local, Utc};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One lookup result as `safedesk lookup --json` prints it.
#[derive(Debug, Serialize)]
pub struct LookupJson {
    pub id: String,
    pub name: String,
    pub unidentified: bool,
    pub matched_on: MatchedOn,
    pub restricted: bool,
    pub restrictions: Vec<String>,
    pub incidents_since_last_decision: u32,
    pub incident_threshold: u32,
    pub threshold: String,
    pub escalations: Vec<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub postcode: String,
}

pub fn lookup_json(hit: &LookupHit, policy: &Policy, now: DateTime<Utc>) -> LookupJson {
    let h = &hit.history;
    let s = rules::summary(h, policy, now);
    LookupJson {
        id: h.customer.id.to_string(),
        name: h.customer.display_name(),
        unidentified: h.customer.is_unidentified(),
        matched_on: hit.matched.clone(),
        restricted: s.is_restricted(),
        restrictions: s.restrictions.clone(),
        incidents_since_last_decision: s.threshold.count,
        incident_threshold: s.threshold.threshold,
        threshold: s.threshold_sentence.clone(),
        escalations: s.escalations.clone(),
        phones: h.customer.phones.clone(),
        emails: h.customer.emails.clone(),
        postcode: h.customer.postcode.clone(),
    }
}

/// The plain-words lookup report.
pub fn lookup_text(hits: &[LookupHit], policy: &Policy, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    for hit in hits {
        let j = lookup_json(hit, policy, now);
        let why = crate::ui::lookup::matched_words(&hit.matched);
        out.push_str(&clean(&j.name));
        if !why.is_empty() {
            out.push_str(&format!("  ({why})"));
        }
        out.push('\n');
        if j.restrictions.is_empty() {
            out.push_str("  No restrictions in force.\n");
        }
        for r in &j.restrictions {
            out.push_str(&format!("  RESTRICTED: {}\n", clean(r)));
        }
        out.push_str(&format!("  {}\n", j.threshold));
        for e in &j.escalations {
            out.push_str(&format!("  For a manager: {}\n", clean(e)));
        }
    }
    out
}

/// `safedesk staff list`
pub fn staff_table(store: &mut dyn Store) -> Result<String, String> {
    let staff = store.list_staff().map_err(|e| e.to_string())?;
    let w = staff
        .iter()
        .map(|s| s.login.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let n = staff
        .iter()
        .map(|s| s.display_name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!(
        "{:w$}  {:n$}  {:9}  {}\n",
        "LOGIN", "NAME", "ROLE", "STATUS"
    );
    for s in staff {
        out.push_str(&format!(
            "{:w$}  {:n$}  {:9}  {}\n",
            clean(&s.login),
            clean(&s.display_name),
            s.role.as_str(),
            if s.active { "active" } else { "left" }
        ));
    }
    Ok(out)
}

pub fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| {
        format!("\"{text}\" is not a role; the roles are reception, phone, manager and admin.")
    })
}

/// Where `safedesk backup DEST` writes: DEST itself, or a dated file inside DEST when it is a
/// folder (so that a nightly job keeps one copy a day).
pub fn backup_destination(dest: &Path, now: DateTime<Local>) -> PathBuf {
    if dest.is_dir() {
        dest.join(format!("safedesk-{}.sqlite", now.format("%Y-%m-%d-%H%M")))
    } else {
        dest.to_path_buf()
    }
}

/// A file size as people read it.
fn size_words(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KB * KB * KB {
        format!("{:.1} GB", b / (KB * KB * KB))
    } else if b >= KB * KB {
        format!("{:.1} MB", b / (KB * KB))
    } else if b >= KB {
        format!("{:.0} KB", b / KB)
    } else {
        format!("{bytes} bytes")
    }
}

fn seconds_words(ms: u64) -> String {
    if ms < 1000 {
        "less than a second".to_string()
    } else {
        format!("{:.1} seconds", ms as f64 / 1000.0)
    }
}

fn counts_words(c: &Counts) -> String {
    format!(
        "{} staff, {} customers, {} incidents, {} decisions, {} restrictions, {} letters, {} audit entries",
        c.staff, c.customers, c.incidents, c.decisions, c.restrictions, c.letters, c.audit
    )
}

/// How a list of problems is introduced: ":" when all are listed, "; the first 20 are:" when not.
fn listed_words(listed: usize, total: u64) -> String {
    if (listed as u64) < total {
        format!("; the first {listed} are:")
    } else {
        ":".to_string()
    }
}

/// The plain-words `safedesk check` report.
pub fn check_text(r: &CheckReport) -> String {
    let mut out = format!(
        "Checked {} ({}, {}).\n",
        r.location,
        if r.check == "quick_check" {
            "quick check"
        } else {
            "full integrity check"
        },
        seconds_words(r.took_ms)
    );
    if r.ok {
        out.push_str("All is well: SQLite found no damage and every record's links are intact.\n");
    } else {
        out.push_str("PROBLEMS FOUND.\n");
    }
    if r.integrity_problem_count > 0 {
        let more = if r.integrity_problem_count >= 1000 {
            " or more"
        } else {
            ""
        };
        out.push_str(&format!(
            "\nDamage: SQLite found {}{more} problem{}{}\n",
            r.integrity_problem_count,
            if r.integrity_problem_count == 1 {
                ""
            } else {
                "s"
            },
            listed_words(r.integrity_problems.len(), r.integrity_problem_count)
        ));
        for p in &r.integrity_problems {
            out.push_str(&format!("  - {}\n", clean(p)));
        }
    }
    if r.foreign_key_problem_count > 0 {
        out.push_str(&format!(
            "\nBroken links: {} record{} point{} to records that are not there{}\n",
            r.foreign_key_problem_count,
            if r.foreign_key_problem_count == 1 {
                ""
            } else {
                "s"
            },
            if r.foreign_key_problem_count == 1 {
                "s"
            } else {
                ""
            },
            listed_words(r.foreign_key_problems.len(), r.foreign_key_problem_count)
        ));
        for p in &r.foreign_key_problems {
            let which = match p.rowid {
                Some(id) => format!("{} row {id}", p.table),
                None => format!("a {} record", p.table),
            };
            out.push_str(&format!(
                "  - {}: {} points to a {} record that is not there\n",
                clean(&which),
                clean(&p.column),
                clean(&p.parent)
            ));
        }
    }
    if r.integrity_problem_count > 0 {
        out.push_str(
            "\nWhat to do: stop recording anything in this file. Ask everyone to close safedesk, move the file (and any file beside it whose name ends in -journal) to a safe place for IT, and put the newest backup that passes safedesk check in its place (see \"Checking and backing up the shared file\" in the README).\n",
        );
    } else if r.foreign_key_problem_count > 0 {
        out.push_str(
            "\nWhat to do: the file itself is sound, but some records point to records that are missing. Tell whoever looks after safedesk; the safest fix is the newest backup that passes safedesk check.\n",
        );
    }
    out.push('\n');
    let schema = match r.schema_version.cmp(&r.supported_schema_version) {
        std::cmp::Ordering::Equal => "the one this safedesk uses".to_string(),
        std::cmp::Ordering::Less => {
            format!("older than this safedesk's {}", r.supported_schema_version)
        }
        std::cmp::Ordering::Greater => {
            format!("newer than this safedesk's {}", r.supported_schema_version)
        }
    };
    out.push_str(&format!(
        "Schema:   version {} ({schema})\n",
        r.schema_version
    ));
    out.push_str(&format!(
        "Journal:  {}{}\n",
        r.journal_mode,
        if r.journal_mode.eq_ignore_ascii_case("delete") {
            " (the rollback journal, as a network drive needs)"
        } else {
            " (NOT the rollback journal a network drive needs)"
        }
    ));
    out.push_str(&format!(
        "Size:     {} ({} pages of {} bytes, {} of them free)\n",
        size_words(r.file_size),
        r.page_count,
        r.page_size,
        r.free_pages
    ));
    if let Some(c) = &r.counts {
        out.push_str(&format!("Records:  {}\n", counts_words(c)));
    }
    for n in &r.notes {
        out.push_str(&format!("Note: {}\n", clean(n)));
    }
    out
}

/// The plain-words `safedesk backup` report.
pub fn backup_text(r: &BackupReport) -> String {
    let mut out = format!(
        "Backed up {} to {}\n{} in {}; the copy passed SQLite's integrity check.\n",
        r.source,
        r.dest,
        size_words(r.bytes),
        seconds_words(r.took_ms)
    );
    if r.restarts > 0 {
        out.push_str(&format!(
            "Others saved changes during the copy, so it started over {} time{}; the copy is as the database stood at the end.\n",
            r.restarts,
            if r.restarts == 1 { "" } else { "s" }
        ));
    }
    if let Some(c) = &r.counts {
        out.push_str(&format!("Records:  {}\n", counts_words(c)));
    }
    out
}

/// `safedesk import`: save each JSON line as an incident, saying what became of it. Returns how
/// many were refused.
pub fn import(s: &mut crate::session::Session, local: &crate::local::Local, text: &str) -> usize {
    use crate::app::worker::{save_or_queue, Context};
    use crate::app::Reply;
    use std::io::Write;
    let location = s.store.location();
    let ctx = Context {
        policy: s.policy.clone(),
        actor: s.actor.clone(),
        local: Some(local.clone()),
        database: s.store.database_id().unwrap_or_else(|_| location.clone()),
        also: vec![location],
    };
    let mut refused = 0;
    let mut out = std::io::stdout().lock();
    // Whatever waits in this PC's outbox goes first.
    for r in crate::app::worker::replay(&mut s.store, &ctx) {
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
    let text = crate::search::sanitise_for_display(text, false)
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
