//! Looking after the shared file: `safedesk init` makes it, `safedesk check` looks it over and
//! `safedesk backup` copies it safely.

use super::config::{self, Config};
use super::{session, Cli};
use crate::domain::LETTERS_LATE_AFTER_DAYS;
use crate::domain::{BackupReport, CheckReport, Counts, OwedLetter, SettingKind};
use crate::store::{Location, Store};
use crate::text::clean;
use crate::time;
use chrono::{DateTime, Local};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `safedesk init`: create a new shared database at --db, with whoever runs it as its first
/// admin.
pub fn init(cli: &Cli, name: Option<&str>) -> Result<ExitCode, String> {
    let cfg = session::config(cli)?;
    let at = session::db_location(cli, &cfg)?;
    for line in create(cli, &cfg, &at, name.unwrap_or(""))? {
        outln!("{line}");
    }
    let login = cli.user.clone().unwrap_or_else(config::os_login);
    // The address as given (with its sslmode and the rest, never a password), for the command
    // to copy.
    let given = cli
        .db
        .clone()
        .or_else(|| cfg.db.clone())
        .map_or_else(|| at.to_string(), |p| p.display().to_string());
    outln!(
        "Created {at}. You ({login}) are its first admin.\nAdd colleagues with: safedesk --db \"{given}\" staff add LOGIN --name \"Their Name\" --role reception|phone|manager|admin"
    );
    Ok(ExitCode::SUCCESS)
}

/// Create a new shared database at `path`, with whoever runs safedesk as its first admin (named
/// `name`, or their login when it is empty) and this PC's own policy and letters files as the
/// office's; what `init` and the first run do. Returns which of the office's settings were set
/// from this PC's files, a sentence each.
pub fn create(cli: &Cli, cfg: &Config, at: &Location, name: &str) -> Result<Vec<String>, String> {
    let login = cli.user.clone().unwrap_or_else(config::os_login);
    let opts = session::options(cli, cfg);
    // This PC's own policy and letters files, checked before anything is made: a new database
    // starts with them as the office's.
    let policy = session::policy(cli, cfg)?;
    let letters = session::letters(cfg, at)?;
    let mut store = at
        .create(&opts, &login, name, false)
        .map_err(|e| e.to_string())?;
    let admin = crate::domain::Actor {
        staff: store.staff_by_login(&login).map_err(|e| e.to_string())?,
        login: login.clone(),
    };
    let mut said = Vec::new();
    let mut set = |kind, body: String| {
        store
            .set_office_setting(&admin, kind, &body)
            .map(|s| {
                said.push(format!(
                    "{} is {}.",
                    capitalise(kind.in_words()),
                    s.provenance()
                ))
            })
            .map_err(|e| e.to_string())
    };
    if let Some((_, text)) = policy {
        set(SettingKind::Policy, text)?;
    }
    if let Some(p) = &cfg.organisation {
        let text = crate::text::read_text(p).map_err(|e| {
            format!(
                "The organisation file {} cannot be read ({e}).",
                p.display()
            )
        })?;
        set(SettingKind::Organisation, text)?;
    }
    if let Some(dir) = &cfg.letter_templates {
        let files = crate::letters::Templates::read_dir(dir).map_err(|e| e.to_string())?;
        set(
            SettingKind::LetterTemplates,
            serde_json::to_string(&files).map_err(|e| e.to_string())?,
        )?;
    }
    drop(letters);
    Ok(said)
}

/// `safedesk check`: exit code 0 when all is well, 1 when problems were found.
pub fn check(cli: &Cli, quick: bool, json: bool) -> Result<ExitCode, String> {
    let mut store = open_to_inspect(cli)?;
    let mut report = store.check(quick).map_err(|e| e.to_string())?;
    // The letters owed are read only from a schema this safedesk knows.
    if report.schema_version == report.supported_schema_version {
        match store.letters_owed() {
            Ok(owed) => report.letters_late = letters_late(owed, chrono::Utc::now()),
            Err(e) => report
                .notes
                .push(format!("The letters owed could not be read ({e}).")),
        }
        match store.office_setting(SettingKind::Organisation) {
            Ok(set) => {
                let org = match set {
                    Some(set) => crate::letters::Organisation::parse(&set.body, "the office's")
                        .map_err(|e| e.to_string()),
                    None => Ok(crate::letters::Organisation::built_in()),
                };
                match org {
                    Ok(org) => {
                        report.organisation_missing =
                            org.missing().iter().map(|m| m.to_string()).collect()
                    }
                    Err(e) => report.notes.push(format!(
                        "The organisation's details cannot be read ({e}): no letter can be saved until an admin sets them with: safedesk letters set-organisation FILE"
                    )),
                }
            }
            Err(e) => report.notes.push(format!(
                "The organisation's details could not be read ({e})."
            )),
        }
    }
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
        );
    } else {
        out!("{}", check_text(&report));
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `safedesk backup DEST`: copy the database while others keep working, showing how far the
/// copy has got when run at a terminal.
pub fn backup(cli: &Cli, dest: &Path, force: bool) -> Result<ExitCode, String> {
    let mut store = open_to_inspect(cli)?;
    let dest = backup_destination(dest, chrono::Local::now());
    let show = std::io::stderr().is_terminal();
    let mut progress = |done: u64, total: u64| {
        if show && total > 0 {
            eprint!("\rCopying: {:3}%", done * 100 / total);
            let _ = std::io::stderr().flush();
        }
    };
    let made = store.backup_to(&dest, force, &mut progress);
    if show {
        eprint!("\r              \r");
    }
    out!("{}", backup_text(&made.map_err(|e| e.to_string())?));
    Ok(ExitCode::SUCCESS)
}

/// The database named by --db (or the config), opened to be looked over or copied: read-only,
/// never migrated, never written.
fn open_to_inspect(cli: &Cli) -> Result<Box<dyn Store>, String> {
    let cfg = session::config(cli)?;
    let at = session::db_location(cli, &cfg)?;
    at.open_to_inspect(&session::options(cli, &cfg))
        .map_err(|e| e.to_string())
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

/// Which records SQLite's problems touch, from its own words: "Tree 23 (table incident) page
/// 187 cell 4: ..." names a table (or index) and the page its damaged records are on; "row 12
/// missing from index customer_typo_seq" names a record by its row number. In the order first
/// met, each once.
pub fn affected_records(problems: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for p in problems {
        if let Some(rest) = p.strip_prefix("Tree ") {
            // "23 (table incident) page 187 cell 4: ..."
            let (Some(open), Some(close)) = (rest.find('('), rest.find(')')) else {
                continue;
            };
            let what = &rest[open + 1..close];
            let page = rest[close + 1..]
                .split_whitespace()
                .skip_while(|w| *w != "page")
                .nth(1)
                .map(|n| n.trim_end_matches(':'));
            let noun = if what.starts_with("index") {
                "the index entries"
            } else {
                "the records"
            };
            push(match page {
                Some(n) => format!("{what}: {noun} stored on page {n}"),
                None => format!("{what}: some of {noun}"),
            });
        } else if let Some(rest) = p.strip_prefix("row ") {
            // "12 missing from index customer_typo_seq"
            let mut words = rest.split_whitespace();
            if let (Some(row), Some("missing"), Some("from"), Some("index"), Some(index)) = (
                words.next(),
                words.next(),
                words.next(),
                words.next(),
                words.next(),
            ) {
                push(format!("row {row}, missing from the index {index}"));
            }
        } else if let Some(rest) = p.strip_prefix("the table ") {
            if let Some(table) = rest.split_whitespace().next() {
                push(format!("table {table}: some of its records or indexes"));
            }
        }
    }
    out
}

/// The letters owed for more than [`LETTERS_LATE_AFTER_DAYS`] days (Europe/London days),
/// oldest first.
pub fn letters_late(owed: Vec<OwedLetter>, now: DateTime<chrono::Utc>) -> Vec<OwedLetter> {
    let today = time::london_date(now);
    owed.into_iter()
        .filter(|o| (today - time::london_date(o.since)).num_days() > LETTERS_LATE_AFTER_DAYS)
        .collect()
}

/// The plain-words `safedesk check` report.
pub fn check_text(r: &CheckReport) -> String {
    // A database on a PostgreSQL server: the server looked, and IT looks after its files.
    let server = r.check.starts_with("server");
    let finder = if server { "the server" } else { "SQLite" };
    let mut out = format!(
        "Checked {} ({}, {}).\n",
        r.location,
        match r.check.as_str() {
            "quick_check" => "quick check",
            "server quick check" => "quick check on the server",
            "server check" => "full check on the server",
            _ => "full integrity check",
        },
        seconds_words(r.took_ms)
    );
    if r.ok {
        out.push_str(&format!(
            "All is well: {finder} found no damage and every record's links are intact.\n"
        ));
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
            "\nDamage: {finder} found {}{more} problem{}{}\n",
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
        let affected = affected_records(&r.integrity_problems);
        if !affected.is_empty() {
            out.push_str("\nRecords affected:\n");
            for a in &affected {
                out.push_str(&format!("  - {a}\n"));
            }
        }
        if server {
            out.push_str(
                "\nWhat to do: stop recording anything, and tell IT now: the server's files are damaged. IT restores the newest good copy (last night's pg_dump, with pg_restore into a new database), checks it first with: safedesk --db ADDRESS-OF-THE-COPY check, and then points everyone's safedesk at it.\n",
            );
        } else {
            out.push_str(
                "\nWhich backup: the newest one that passes safedesk check, usually last night's (made by safedesk backup). Check it first with: safedesk --db BACKUP check\n",
            );
            out.push_str(
                "\nWhat to do: stop recording anything in this file. Ask everyone to close safedesk, move the file (and any file beside it whose name ends in -journal) to a safe place for IT, and put the newest backup that passes safedesk check in its place (see \"Checking and backing up the shared file\" in the README).\n",
            );
        }
    } else if r.foreign_key_problem_count > 0 && server {
        out.push_str(
            "\nWhat to do: the server's files are sound, but some records point to records that are missing. Tell whoever looks after safedesk; the safest fix is the newest good copy IT keeps (pg_dump).\n",
        );
    } else if r.foreign_key_problem_count > 0 {
        out.push_str(
            "\nWhat to do: the file itself is sound, but some records point to records that are missing. Tell whoever looks after safedesk; the safest fix is the newest backup that passes safedesk check.\n",
        );
    }
    if let Some(chain) = &r.audit_chain {
        out.push_str(&audit_chain_text(chain));
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
    if server {
        out.push_str("Engine:   a PostgreSQL server (it keeps its own write-ahead log; nothing is on a network drive)\n");
        out.push_str(&format!(
            "Size:     {} on the server\n",
            size_words(r.file_size)
        ));
    } else {
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
    }
    if let Some(c) = &r.counts {
        out.push_str(&format!("Records:  {}\n", counts_words(c)));
    }
    if !r.letters_late.is_empty() {
        out.push_str(&format!(
            "Letters owed for more than {LETTERS_LATE_AFTER_DAYS} days ({}). In the queue, o lists them:\nrecord each as sent, or why it could not be.\n",
            r.letters_late.len()
        ));
        for o in &r.letters_late {
            out.push_str(&format!(
                "  {}: {}\n",
                clean(&o.customer_name),
                o.describe()
            ));
        }
    }
    if !r.organisation_missing.is_empty() {
        out.push_str(&format!(
            "Letters cannot be saved: the organisation's details have no {} (every letter must give them). An admin fills them in and runs: safedesk letters set-organisation FILE\n",
            r.organisation_missing.join(", ")
        ));
    }
    for n in &r.notes {
        out.push_str(&format!("Note: {}\n", clean(n)));
    }
    out
}

/// What following the audit's hash chain found, in words: one line when it holds; the first
/// entry that does not fit, and what to do, when it does not.
pub fn audit_chain_text(chain: &crate::domain::AuditChainReport) -> String {
    let redacted = if chain.redacted > 0 {
        format!(
            ", {} of them with their content removed by retention (which the chain allows)",
            chain.redacted
        )
    } else {
        String::new()
    };
    match &chain.first_break {
        None => format!(
            "\nAudit trail: all {} entries are as they were written (their hash chain holds{redacted}).\n",
            chain.checked
        ),
        Some(b) => {
            let when = time::from_db(&b.at)
                .map(time::date_time)
                .unwrap_or_else(|| clean(&b.at));
            format!(
                "\nAudit trail ALTERED: entry {} ({when}, {}, \"{}\") does not fit the hash chain: {}. Every entry before it is as it was written ({} checked).\nWhat to do: do not change anything else by hand. Keep this file as it is for whoever looks after your data protection, and compare the entries from {} on with the newest backup that passes safedesk check (safedesk --db BACKUP check) to see what was changed.\n",
                b.seq,
                clean(&b.who),
                clean(&b.action),
                b.problem,
                chain.checked.saturating_sub(1),
                b.seq
            )
        }
    }
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

/// "the office's policy" -> "The office's policy"
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
