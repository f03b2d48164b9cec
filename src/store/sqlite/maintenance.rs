//! Looking the shared file over (`safedesk check`) and copying it safely while other instances
//! keep working (`safedesk backup`). Nothing here writes to the shared file.

use super::errors::map_err;
use super::migrations;
use crate::domain::{BackupReport, CheckReport, Counts, ForeignKeyProblem};
use crate::store::{Result, StoreError};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{params, Connection, ErrorCode, OpenFlags};
use std::collections::HashSet;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

/// How many problems of each kind a report lists.
const LISTED: usize = 20;
/// Where SQLite's integrity check stops counting.
const MAX_COUNTED: u64 = 1000;

/// Pages copied per step of a backup; between steps the shared file is free for others to save.
const PAGES_PER_STEP: i32 = 256;
/// The pause between steps.
const PAUSE: Duration = Duration::from_millis(50);
/// How long to wait before trying a step again when another instance is saving.
const BUSY_RETRY: Duration = Duration::from_millis(100);
/// How long the shared file may stay locked by others before the backup gives up.
const GIVE_UP_AFTER: Duration = Duration::from_secs(60);
/// After this many fresh starts (others kept saving mid-copy) the rest is copied in one step.
const WHOLE_AFTER_RESTARTS: u32 = 8;

/// The number of records in each table that matters to people.
pub(super) fn counts(c: &Connection) -> rusqlite::Result<Counts> {
    crate::store::rules::maintenance::counts(|t| {
        c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
    })
}

/// Refuse an SQLite file that safedesk never set up (schema version 0).
pub(super) fn refuse_if_not_safedesk(c: &Connection, path: &Path) -> Result<()> {
    let (version, tables): (u32, i64) = c
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version), \
             (SELECT count(*) FROM sqlite_schema)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(|e| map_err(path, e))?;
    if version == 0 {
        return Err(StoreError::NotSafedesk {
            path: path.to_path_buf(),
            detail: if tables > 0 {
                "it is an SQLite file with other tables in it".into()
            } else {
                "it is an SQLite file with no safedesk tables in it".into()
            },
        });
    }
    Ok(())
}

/// SQLite's answer for a damaged file.
fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
    )
}

fn pragma_u64(c: &Connection, name: &str) -> rusqlite::Result<u64> {
    c.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0))
        .map(|v| v.max(0) as u64)
}

/// Every row of a statement that returns one text column.
fn strings(c: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = c.prepare(sql)?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.collect()
}

/// `safedesk check`. Every statement is its own short read, so other instances can save
/// between them.
pub(super) fn check(c: &Connection, path: &Path, quick: bool) -> Result<CheckReport> {
    let started = Instant::now();
    let err = |e| map_err(path, e);
    let schema_version: u32 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(err)?;
    let journal_mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .map_err(err)?;
    let page_size = pragma_u64(c, "page_size").map_err(err)?;
    let page_count = pragma_u64(c, "page_count").map_err(err)?;
    let free_pages = pragma_u64(c, "freelist_count").map_err(err)?;
    let file_size =
        std::fs::metadata(path)
            .map(|m| m.len())
            .map_err(|e| StoreError::Unavailable {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })?;

    let which = if quick {
        "quick_check"
    } else {
        "integrity_check"
    };
    let mut damage = Damage::default();
    match strings(c, &format!("PRAGMA {which}({MAX_COUNTED})")) {
        Ok(rows) => damage.add_all(rows),
        Err(e) if is_damage(&e) => {
            // SQLite stops its check at the first record it cannot read. Look again table by
            // table, so that the report says where the damage is, then page by page.
            match strings(
                c,
                "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name",
            ) {
                Ok(tables) => {
                    for table in tables {
                        let sql = format!("PRAGMA {which}('{}')", table.replace('\'', "''"));
                        match strings(c, &sql) {
                            Ok(rows) => damage.add_all(rows),
                            Err(e) if is_damage(&e) => damage.add(format!(
                                "the table {table} or one of its indexes cannot be read ({e})"
                            )),
                            Err(e) => return Err(err(e)),
                        }
                    }
                }
                Err(e) if is_damage(&e) => {
                    damage.add(format!("the list of tables cannot be read ({e})"))
                }
                Err(e) => return Err(err(e)),
            }
            if !quick {
                if let Ok(rows) = strings(c, &format!("PRAGMA quick_check({MAX_COUNTED})")) {
                    damage.add_all(rows);
                }
            }
            if damage.count == 0 {
                damage.add(format!("the check stopped part-way ({e})"));
            }
        }
        Err(e) => return Err(err(e)),
    }

    // SQLite names a damaged table or index by its first page ("Tree 17"): add its name.
    if let Ok(mut stmt) = c.prepare("SELECT rootpage, type, name FROM sqlite_schema") {
        let roots: Vec<(i64, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect())
            .unwrap_or_default();
        for p in &mut damage.listed {
            for (root, kind, name) in &roots {
                let tree = format!("Tree {root} ");
                if p.starts_with(&tree) {
                    *p = format!("Tree {root} ({kind} {name}) {}", &p[tree.len()..]);
                    break;
                }
            }
        }
    }

    let mut foreign_key_problems = Vec::new();
    let mut foreign_key_problem_count = 0u64;
    match broken_links(c, &mut foreign_key_problems, &mut foreign_key_problem_count) {
        Ok(()) => {}
        Err(e) if is_damage(&e) => damage.add(format!(
            "the check of links between records stopped part-way ({e})"
        )),
        Err(e) => return Err(err(e)),
    }

    let mut notes = Vec::new();
    let supported = migrations::LATEST;
    notes.extend(crate::store::rules::maintenance::schema_note(
        schema_version,
        supported,
        "opens it",
    ));
    if !journal_mode.eq_ignore_ascii_case("delete") {
        notes.push(format!(
            "The journal mode is {journal_mode}, but a file on a network drive needs delete (the rollback journal). Opening it once with safedesk, without --read-only and with no one else using it, puts that right."
        ));
    }
    // The audit's hash chain (from schema 13), in steps of short reads.
    let mut chain_broken = false;
    let audit_chain = if schema_version >= 13 {
        match super::audit::verify_chain(c) {
            Ok(report) => {
                chain_broken = report.first_break.is_some();
                Some(report)
            }
            Err(e) if is_damage(&e) => {
                damage.add(format!(
                    "the audit trail could not be read to the end ({e})"
                ));
                None
            }
            Err(e) => return Err(err(e)),
        }
    } else {
        notes.push(
            "The audit trail's hash chain was not checked: this database's schema is older than the chain (it is made the next time safedesk opens the file without --read-only).".into(),
        );
        None
    };
    let counts = match counts(c) {
        Ok(n) => Some(n),
        Err(e) => {
            let e = err(e);
            if e.is_transient() {
                return Err(e);
            }
            notes.push(format!("The records could not be counted ({e})."));
            None
        }
    };

    Ok(CheckReport {
        location: path.display().to_string(),
        check: which.to_string(),
        ok: damage.count == 0 && foreign_key_problem_count == 0 && !chain_broken,
        integrity_problems: damage.listed,
        integrity_problem_count: damage.count,
        foreign_key_problems,
        foreign_key_problem_count,
        schema_version,
        supported_schema_version: supported,
        journal_mode,
        page_size,
        page_count,
        free_pages,
        file_size,
        counts,
        notes,
        letters_late: Vec::new(),
        organisation_missing: Vec::new(),
        audit_chain,
        took_ms: started.elapsed().as_millis() as u64,
    })
}

/// The damage found so far: the first few in SQLite's words, and how many in all.
#[derive(Default)]
struct Damage {
    listed: Vec<String>,
    count: u64,
    seen: HashSet<String>,
}

impl Damage {
    fn add(&mut self, problem: String) {
        if self.count >= MAX_COUNTED || !self.seen.insert(problem.clone()) {
            return;
        }
        self.count += 1;
        if self.listed.len() < LISTED {
            self.listed.push(problem);
        }
    }

    /// The rows of an integrity or quick check ("ok" alone when it found nothing). A row can
    /// hold several problems, one a line, under a "*** in database main ***" heading.
    fn add_all(&mut self, rows: Vec<String>) {
        for row in rows.iter().filter(|r| *r != "ok") {
            for line in row.lines().map(str::trim) {
                if !line.is_empty() && !line.starts_with("*** in database") {
                    self.add(line.to_string());
                }
            }
        }
    }
}

/// `PRAGMA foreign_key_check`, with the linking column named for the first few.
fn broken_links(
    c: &Connection,
    list: &mut Vec<ForeignKeyProblem>,
    count: &mut u64,
) -> rusqlite::Result<()> {
    let mut stmt = c.prepare("PRAGMA foreign_key_check")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        *count += 1;
        if list.len() >= LISTED {
            continue;
        }
        let table: String = r.get(0)?;
        let rowid: Option<i64> = r.get(1)?;
        let parent: String = r.get(2)?;
        let fkid: i64 = r.get(3)?;
        let column: Option<String> = c.query_row(
            "SELECT group_concat(\"from\", ', ') FROM \
             (SELECT \"from\" FROM pragma_foreign_key_list(?1) WHERE id = ?2 ORDER BY seq)",
            params![table, fkid],
            |r| r.get(0),
        )?;
        list.push(ForeignKeyProblem {
            table,
            rowid,
            column: column.unwrap_or_default(),
            parent,
        });
    }
    Ok(())
}

/// `safedesk backup`: copy the shared file with SQLite's online backup API, a few pages at a
/// time so that other instances can keep saving, into `DEST.partial`; check the copy; then
/// rename it to `dest`.
pub(super) fn backup(
    c: &Connection,
    source: &Path,
    dest: &Path,
    overwrite: bool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<BackupReport> {
    let started = Instant::now();
    refuse_dest(source, dest, overwrite)?;
    let partial = partial_path(dest);
    remove_leftovers(dest, &partial)?;
    let made = copy(c, source, dest, &partial, progress).and_then(|(pages, size, restarts)| {
        own_identity(source, dest, &partial)?;
        let counts = verify(source, dest, &partial)?;
        // Someone may have made `dest` while we copied.
        if !overwrite && exists(dest) {
            return Err(already_exists(dest));
        }
        std::fs::rename(&partial, dest).map_err(|e| dest_io_err(dest, e))?;
        Ok((pages, size, restarts, counts))
    });
    if made.is_err() {
        let _ = remove_leftovers(dest, &partial);
    }
    let (pages, page_size, restarts, counts) = made?;
    sync_folder(dest);
    let bytes = std::fs::metadata(dest)
        .map(|m| m.len())
        .unwrap_or(pages * page_size);
    Ok(BackupReport {
        source: source.display().to_string(),
        dest: dest.display().to_string(),
        bytes,
        pages,
        page_size,
        took_ms: started.elapsed().as_millis() as u64,
        restarts,
        counts,
    })
}

/// `dest` with `.partial` added to its name.
fn partial_path(dest: &Path) -> PathBuf {
    let mut s = dest.as_os_str().to_owned();
    s.push(".partial");
    PathBuf::from(s)
}

fn exists(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok()
}

/// The folder a path is in ("." for a bare file name).
fn folder_of(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn already_exists(dest: &Path) -> StoreError {
    StoreError::Backup(format!(
        "{} already exists, so safedesk did not replace it. Choose a new name, or add --force to replace it.",
        dest.display()
    ))
}

/// Check `dest` is somewhere a backup may go before copying anything.
fn refuse_dest(source: &Path, dest: &Path, overwrite: bool) -> Result<()> {
    let Some(name) = dest.file_name() else {
        return Err(StoreError::Backup(format!(
            "{} is not a file name. Give the backup a file name, for example safedesk-backup.sqlite.",
            dest.display()
        )));
    };
    if dest.is_dir() {
        return Err(StoreError::Backup(format!(
            "{} is a folder. Give the backup a file name inside it, for example {}.",
            dest.display(),
            dest.join("safedesk-backup.sqlite").display()
        )));
    }
    let folder = folder_of(dest);
    if !folder.exists() {
        return Err(StoreError::Backup(format!(
            "The folder {} does not exist. Create it first (or check its drive is connected), or choose another folder for the backup.",
            folder.display()
        )));
    }
    if !folder.is_dir() {
        return Err(StoreError::Backup(format!(
            "{} is not a folder, so the backup cannot go inside it.",
            folder.display()
        )));
    }
    if same_file(source, dest) {
        return Err(StoreError::Backup(format!(
            "{} is the shared database itself. A backup has to be a different file: give it another name or put it in another folder.",
            dest.display()
        )));
    }
    // SQLite's own journal beside the shared file: a file there would be taken for one.
    if let Some(src_name) = source.file_name() {
        let mut prefix = src_name.to_os_string();
        prefix.push("-");
        let (n, p) = (name.to_string_lossy(), prefix.to_string_lossy());
        let same_name = if cfg!(windows) {
            n.to_lowercase().starts_with(&p.to_lowercase())
        } else {
            n.starts_with(p.as_ref())
        };
        if same_name && same_file(&folder_of(source), &folder) {
            return Err(StoreError::Backup(format!(
                "{} is a name SQLite uses for the shared database's own journal files. Give the backup another name.",
                dest.display()
            )));
        }
    }
    if exists(dest) && !overwrite {
        return Err(already_exists(dest));
    }
    Ok(())
}

/// The path with links and `..` resolved; for a file that does not exist yet, its folder's.
fn resolved(p: &Path) -> Option<PathBuf> {
    if let Ok(c) = p.canonicalize() {
        return Some(c);
    }
    let name = p.file_name()?;
    Some(folder_of(p).canonicalize().ok()?.join(name))
}

/// True when the two paths name the same file (or folder), however they are spelt.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            if ma.dev() == mb.dev() && ma.ino() == mb.ino() {
                return true;
            }
        }
    }
    match (resolved(a), resolved(b)) {
        (Some(a), Some(b)) if cfg!(windows) => {
            a.to_string_lossy().to_lowercase() == b.to_string_lossy().to_lowercase()
        }
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Remove a half-made copy (and its journal) left by an earlier backup that was stopped.
fn remove_leftovers(dest: &Path, partial: &Path) -> Result<()> {
    let mut journal = partial.as_os_str().to_owned();
    journal.push("-journal");
    for p in [partial.to_path_buf(), PathBuf::from(journal)] {
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(dest_io_err(dest, e)),
        }
    }
    Ok(())
}

fn disk_full(dest: &Path) -> StoreError {
    StoreError::Backup(format!(
        "There is not enough free space in {} for the backup. Free some space or choose another drive, then try again. The shared database was not changed.",
        folder_of(dest).display()
    ))
}

fn no_permission(dest: &Path) -> StoreError {
    StoreError::Backup(format!(
        "safedesk is not allowed to write {} (permission denied). Choose a folder you can write to, ask IT for write access to {}, or close any program that has the file open.",
        dest.display(),
        folder_of(dest).display()
    ))
}

/// A file error while writing the backup, in words that say what to do.
fn dest_io_err(dest: &Path, e: std::io::Error) -> StoreError {
    match e.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => no_permission(dest),
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => disk_full(dest),
        ErrorKind::NotFound => StoreError::Backup(format!(
            "The folder {} cannot be found. Check its drive is connected and the folder exists, then try again.",
            folder_of(dest).display()
        )),
        _ => StoreError::Backup(format!(
            "The backup could not be written to {} ({e}). The shared database was not changed; check the backup drive and try again.",
            dest.display()
        )),
    }
}

/// An SQLite error while copying, in words that say what to do.
fn copy_err(source: &Path, dest: &Path, e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(f, msg) = &e {
        let detail = msg.clone().unwrap_or_else(|| f.to_string());
        match f.code {
            ErrorCode::DiskFull => return disk_full(dest),
            ErrorCode::ReadOnly if f.extended_code == rusqlite::ffi::SQLITE_READONLY_ROLLBACK => {
                return map_err(source, e)
            }
            ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen => {
                return no_permission(dest)
            }
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                return StoreError::Locked {
                    path: source.to_path_buf(),
                }
            }
            ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => {
                return StoreError::Backup(format!(
                    "The shared database could not be copied because part of it is damaged ({detail}). Run safedesk check on it."
                ))
            }
            ErrorCode::SystemIoFailure => {
                return StoreError::Backup(format!(
                    "Reading {} or writing {} failed ({detail}). Check the network drive and the backup drive are connected, then try again.",
                    source.display(),
                    dest.display()
                ))
            }
            _ => {}
        }
    }
    StoreError::Backup(format!(
        "The backup failed ({e}). The shared database was not changed; try again."
    ))
}

/// Copy the shared file into `partial`. Returns the pages, the page size and the fresh starts.
fn copy(
    c: &Connection,
    source: &Path,
    dest: &Path,
    partial: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(u64, u64, u32)> {
    // Made by hand first so that a folder we may not write in is reported as such.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(partial)
        .map_err(|e| dest_io_err(dest, e))?;
    let err = |e| copy_err(source, dest, e);
    let mut out = Connection::open_with_flags(
        partial,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(err)?;
    out.busy_timeout(Duration::from_secs(3)).map_err(err)?;
    out.pragma_update(None, "synchronous", "FULL")
        .map_err(err)?;
    let _: String = out
        .query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))
        .map_err(err)?;
    let restarts = {
        let b = Backup::new(c, &mut out).map_err(err)?;
        run(&b, source, dest, progress)?
    };
    // The copy keeps the rollback journal whatever the source's mode.
    let mode: String = out
        .query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))
        .map_err(err)?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(StoreError::Backup(format!(
            "The copy could not be set to the rollback journal (it stayed {mode}); it was not kept."
        )));
    }
    let page_size = pragma_u64(&out, "page_size").map_err(err)?;
    let pages = pragma_u64(&out, "page_count").map_err(err)?;
    out.close().map_err(|(_, e)| err(e))?;
    Ok((pages, page_size, restarts))
}

/// Step through the backup. Each step holds the shared file's read lock only briefly; when
/// another instance saves a change mid-copy, SQLite starts the copy again from the first page,
/// and we take bigger steps so that even a busy database is copied in the end.
fn run(
    b: &Backup<'_, '_>,
    source: &Path,
    dest: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<u32> {
    let mut step = PAGES_PER_STEP;
    let mut copied_before = 0u64;
    let mut restarts = 0u32;
    let mut busy_since: Option<Instant> = None;
    loop {
        let result = b.step(step).map_err(|e| copy_err(source, dest, e))?;
        let p = b.progress();
        let total = p.pagecount.max(0) as u64;
        let copied = total.saturating_sub(p.remaining.max(0) as u64);
        match result {
            StepResult::Done => {
                progress(total, total);
                return Ok(restarts);
            }
            StepResult::More => {
                busy_since = None;
                if step > 0 && copied != copied_before + step as u64 {
                    restarts += 1;
                    step = if restarts >= WHOLE_AFTER_RESTARTS {
                        -1
                    } else {
                        step.saturating_mul(2)
                    };
                }
                copied_before = copied;
                progress(copied, total);
                thread::sleep(PAUSE);
            }
            _ => {
                // Busy or locked: another instance is saving. Wait for it.
                let since = *busy_since.get_or_insert_with(Instant::now);
                if since.elapsed() > GIVE_UP_AFTER {
                    return Err(StoreError::Locked {
                        path: source.to_path_buf(),
                    });
                }
                thread::sleep(BUSY_RETRY);
            }
        }
    }
}

/// Open the finished copy on its own and make sure it is sound and keeps the rollback journal.
/// Give the copy an id of its own, and note which database it was copied from: what waits in
/// a PC's outbox for the office's file is filed under the office's id, and must never be
/// delivered into a backup (or a training copy made from one).
fn own_identity(source: &Path, dest: &Path, partial: &Path) -> Result<()> {
    let err = |e| copy_err(source, dest, e);
    let c = Connection::open_with_flags(
        partial,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(err)?;
    let has_meta: bool = c
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'",
            [],
            |r| r.get(0),
        )
        .map_err(err)?;
    if has_meta {
        c.execute_batch(
            "BEGIN IMMEDIATE;
             INSERT OR REPLACE INTO meta (key, value)
                 SELECT 'copied_from', value FROM meta WHERE key = 'database_id';
             UPDATE meta SET value = lower(hex(randomblob(16))) WHERE key = 'database_id';
             COMMIT;",
        )
        .map_err(err)?;
    }
    c.close().map_err(|(_, e)| err(e))
}

fn verify(source: &Path, dest: &Path, partial: &Path) -> Result<Option<Counts>> {
    let err = |e| copy_err(source, dest, e);
    let c = Connection::open_with_flags(
        partial,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(err)?;
    let mut damage = Damage::default();
    match strings(&c, &format!("PRAGMA integrity_check({LISTED})")) {
        Ok(rows) => damage.add_all(rows),
        Err(e) if is_damage(&e) => damage.add(e.to_string()),
        Err(e) => return Err(err(e)),
    }
    if let Some(first) = damage.listed.first() {
        return Err(StoreError::Backup(format!(
            "The copy did not pass SQLite's integrity check ({first}), so it was not kept. The shared database itself may be damaged: run safedesk check on it."
        )));
    }
    let counts = counts(&c).ok();
    c.close().map_err(|(_, e)| err(e))?;
    // Bytes 18 and 19 of the header are 1 for a rollback journal and 2 for WAL.
    let mut header = [0u8; 20];
    std::fs::File::open(partial)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header))
        .map_err(|e| dest_io_err(dest, e))?;
    if header[18] != 1 || header[19] != 1 {
        return Err(StoreError::Backup(
            "The copy is not set to the rollback journal a network drive needs, so it was not kept."
                .into(),
        ));
    }
    Ok(counts)
}

/// Make the rename itself survive a power cut (Unix; Windows has no folder handle for this).
fn sync_folder(dest: &Path) {
    #[cfg(unix)]
    {
        if let Ok(f) = std::fs::File::open(folder_of(dest)) {
            let _ = f.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = dest;
}
