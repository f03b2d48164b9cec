//! A per-PC copy of what a lookup reads, so that a lookup right after another PC's save reads
//! only what changed from the shared file instead of the search indexes.
//!
//! In rollback-journal mode every save by any PC empties every other connection's page cache, so
//! a lookup on the shared file after a colleague's save reads hundreds of pages of the trigram
//! and typo indexes. This PC keeps its own SQLite file (in its local folder, named by the
//! database's id) holding the same tables a lookup reads, with the same schema, taken from the
//! shared file: the customers and their search keys, and their incidents (without the free
//! text), decisions, restrictions, reviews and the staff list. The lookup's own SQL
//! (`lookup.rs`) then runs on that copy unchanged, so its hits and their order are the same.
//!
//! The shared file stays the single source of truth. Migration 11 keeps `customer_change`, a
//! row per customer numbered by their last change, in the same transaction as every change.
//! Before each lookup, inside one read transaction on the shared file, this PC reads the rows
//! numbered after the last it applied, copies those customers again, then searches its copy:
//! what it searches is the shared file as of that read transaction, never older. When the copy
//! cannot be trusted (made for another schema, its last applied change not in the shared file
//! any more: a file restored from a backup), it is thrown away and built again; until a copy is
//! ready, lookups search the shared file as before. Two instances on one PC share the copy:
//! catching up holds the copy's write lock, and a copy is built under a private name and
//! renamed into place only when complete. A customer's card is always read from the shared
//! file.

use super::lookup;
use super::records::customers_by_seq;
use super::search_index::index_customer;
use crate::domain::LookupHit;
use rusqlite::types::Value;
use rusqlite::{
    params, Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
};
use std::path::{Path, PathBuf};

/// The shared tables a lookup reads, copied as they are.
const COPIED: &[&str] = &[
    "staff",
    "customer",
    "incident",
    "escalation_case",
    "decision",
    "restriction",
    "review",
];
/// The search keys, made again on this PC from each customer as the store makes them.
const KEYS: &[&str] = &[
    "customer_phone",
    "customer_email",
    "customer_word",
    "customer_typo",
    "customer_text",
];
/// A customer's history, by `customer_id`.
const HISTORY: &[&str] = &[
    "incident",
    "escalation_case",
    "decision",
    "restriction",
    "review",
];
/// The incidents in each case (a decision lists those of its case), by `case_id`: a table
/// without rowids.
const CASE_INCIDENT: &str = "case_incident";
/// Free text a lookup never reads (it reads incidents without it): left out of the copy.
const LEFT_OUT: &[(&str, &str)] = &[
    ("incident", "description"),
    ("incident", "witnesses"),
    ("incident", "behaviour_other"),
    ("incident", "reference"),
    ("incident", "behaviours"),
];
/// Rows per read transaction when building, so no other PC waits long for the write lock.
const CHUNK: i64 = 2_000;
/// More customers changed than this since the copy's last lookup (a PC away for weeks, a big
/// import): building the copy again is quicker than catching up inside a lookup.
const MOST_CHANGES: usize = 5_000;

/// The copy's file in `dir` for the database with this id.
pub(super) fn file_for(dir: &Path, database_id: &str) -> PathBuf {
    let id: String = database_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(64)
        .collect();
    dir.join(format!("search-{id}.sqlite"))
}

/// What catching up found.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum CatchUp {
    /// The copy now holds the shared file as of the caller's read transaction.
    Ready,
    /// The copy does not belong to the shared file as it is now: build it again.
    Stale,
}

/// This PC's copy, open.
pub(super) struct LocalIndex {
    conn: Connection,
    path: PathBuf,
}

fn open_conn(path: &Path, flags: OpenFlags) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.set_prepared_statement_cache_capacity(64);
    conn.pragma_update(None, "cache_size", -2048)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // The copy holds only some of the shared file's tables: their references lead nowhere.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    Ok(conn)
}

fn meta_int(conn: &Connection, key: &str) -> rusqlite::Result<Option<i64>> {
    conn.query_row("SELECT value FROM local_meta WHERE key = ?1", [key], |r| {
        r.get::<_, Option<i64>>(0)
    })
    .optional()
    .map(Option::flatten)
}

fn set_meta(conn: &Connection, key: &str, value: Option<i64>) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO local_meta (key, value) VALUES (?1, ?2)")?
        .execute(params![key, value])?;
    Ok(())
}

impl LocalIndex {
    /// Open the copy at `path` if it is complete and made for this schema version.
    pub(super) fn open(path: &Path, schema: u32) -> Option<LocalIndex> {
        if !path.is_file() {
            return None;
        }
        let conn = open_conn(path, OpenFlags::SQLITE_OPEN_READ_WRITE).ok()?;
        let complete = meta_int(&conn, "complete").ok()??;
        let made_for = meta_int(&conn, "schema").ok()??;
        (complete == 1 && made_for == i64::from(schema)).then(|| LocalIndex {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Bring the copy up to the shared file as `shared` (a read transaction) sees it.
    pub(super) fn catch_up(&mut self, shared: &Transaction<'_>) -> rusqlite::Result<CatchUp> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let applied = meta_int(&tx, "applied_change")?.unwrap_or(0);
        if let Some(customer) = meta_int(&tx, "applied_customer")? {
            // A customer's number only grows: lower (or gone) means the shared file is not the
            // one this copy followed (restored from a backup, say).
            let now: Option<i64> = shared
                .prepare_cached("SELECT change FROM customer_change WHERE customer_seq = ?1")?
                .query_row([customer], |r| r.get(0))
                .optional()?;
            if now.is_none_or(|n| n < applied) {
                return Ok(CatchUp::Stale);
            }
        }
        let changes: Vec<(i64, i64)> = shared
            .prepare_cached(
                "SELECT change, customer_seq FROM customer_change WHERE change > ?1 ORDER BY change",
            )?
            .query_map([applied], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if changes.len() > MOST_CHANGES {
            return Ok(CatchUp::Stale);
        }
        let Some(&(last, last_customer)) = changes.last() else {
            return Ok(CatchUp::Ready);
        };
        for &(_, seq) in &changes {
            if seq == 0 {
                tx.execute("DELETE FROM staff", [])?;
                copy_rows(shared, &tx, "staff", "1", &[])?;
            } else {
                refresh_customer(shared, &tx, seq)?;
            }
        }
        set_meta(&tx, "applied_change", Some(last))?;
        set_meta(&tx, "applied_customer", Some(last_customer))?;
        tx.commit()?;
        Ok(CatchUp::Ready)
    }

    /// The lookup's own search, on the copy.
    pub(super) fn lookup(&mut self, query: &str, limit: usize) -> rusqlite::Result<Vec<LookupHit>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)?;
        let hits = lookup::lookup(&tx, query, limit)?;
        tx.commit()?;
        Ok(hits)
    }
}

/// Copy the rows of `table` matching `filter` (with `args`) from the shared file into the copy,
/// keeping their rowids; returns the last rowid copied.
fn copy_rows(
    shared: &Transaction<'_>,
    local: &Transaction<'_>,
    table: &str,
    filter: &str,
    args: &[&dyn rusqlite::ToSql],
) -> rusqlite::Result<Option<i64>> {
    let with_rowid = table != CASE_INCIDENT;
    let rowid = if with_rowid { "rowid, " } else { "" };
    let mut st = shared.prepare_cached(&format!("SELECT {rowid}* FROM {table} WHERE {filter}"))?;
    let n = st.column_count();
    let names: Vec<String> = st
        .column_names()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 && with_rowid {
                "rowid".to_string()
            } else {
                format!("\"{c}\"")
            }
        })
        .collect();
    let left_out: Vec<bool> = st
        .column_names()
        .iter()
        .map(|c| LEFT_OUT.contains(&(table, c)))
        .collect();
    let mut ins = local.prepare_cached(&format!(
        "INSERT OR REPLACE INTO {table} ({}) VALUES ({})",
        names.join(", "),
        vec!["?"; n].join(", ")
    ))?;
    let mut rows = st.query(args)?;
    let mut last = None;
    while let Some(r) = rows.next()? {
        let mut values = Vec::with_capacity(n);
        for (i, out) in left_out.iter().enumerate() {
            values.push(if *out {
                Value::Text(String::new())
            } else {
                r.get::<_, Value>(i)?
            });
        }
        if with_rowid {
            last = r.get::<_, Option<i64>>(0)?;
        }
        ins.execute(rusqlite::params_from_iter(values))?;
    }
    Ok(last)
}

/// Make a customer's search keys in the copy as the store made them in the shared file: a
/// customer merged into another no longer turns up in searches (`incidents.rs`, merging).
fn index_copied(
    shared: &Transaction<'_>,
    local: &Transaction<'_>,
    seqs: &[i64],
) -> rusqlite::Result<()> {
    let merged: std::collections::HashSet<i64> = {
        let list = serde_json::to_string(seqs).unwrap_or_else(|_| "[]".into());
        shared
            .prepare_cached(
                "SELECT seq FROM customer WHERE seq IN (SELECT value FROM json_each(?1)) \
                 AND merged_into IS NOT NULL",
            )?
            .query_map([list], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    for (seq, c) in customers_by_seq(shared, seqs)? {
        if merged.contains(&seq) {
            let mut retired = c;
            retired.name = None;
            retired.description = String::new();
            retired.phones.clear();
            retired.emails.clear();
            retired.other_names.clear();
            index_customer(local, seq, &retired)?;
            local
                .prepare_cached("DELETE FROM customer_text WHERE rowid = ?1")?
                .execute([seq])?;
        } else {
            index_customer(local, seq, &c)?;
        }
    }
    Ok(())
}

/// Copy one customer again (or remove them from the copy when they are gone).
fn refresh_customer(
    shared: &Transaction<'_>,
    local: &Transaction<'_>,
    seq: i64,
) -> rusqlite::Result<()> {
    let id_in = |tx: &Transaction<'_>| -> rusqlite::Result<Option<String>> {
        tx.prepare_cached("SELECT id FROM customer WHERE seq = ?1")?
            .query_row([seq], |r| r.get(0))
            .optional()
    };
    let old_id = id_in(local)?;
    let new_id = id_in(shared)?;
    for id in old_id.iter().chain(new_id.iter()) {
        local
            .prepare_cached(
                "DELETE FROM case_incident WHERE case_id IN \
                 (SELECT id FROM escalation_case WHERE customer_id = ?1)",
            )?
            .execute([id])?;
        for table in HISTORY {
            local
                .prepare_cached(&format!("DELETE FROM {table} WHERE customer_id = ?1"))?
                .execute([id])?;
        }
    }
    for table in KEYS {
        let col = if *table == "customer_text" {
            "rowid"
        } else {
            "customer_seq"
        };
        local
            .prepare_cached(&format!("DELETE FROM {table} WHERE {col} = ?1"))?
            .execute([seq])?;
    }
    local
        .prepare_cached("DELETE FROM customer WHERE seq = ?1")?
        .execute([seq])?;
    let Some(id) = new_id else {
        return Ok(());
    };
    copy_rows(shared, local, "customer", "seq = ?1", &[&seq])?;
    index_copied(shared, local, &[seq])?;
    for table in HISTORY {
        copy_rows(shared, local, table, "customer_id = ?1", &[&id])?;
    }
    copy_rows(
        shared,
        local,
        CASE_INCIDENT,
        "case_id IN (SELECT id FROM escalation_case WHERE customer_id = ?1)",
        &[&id],
    )?;
    Ok(())
}

/// Build a complete copy of the shared file behind `shared` at `dest`, reading it in short read
/// transactions; `schema` is the shared file's schema version. Built under a private name and
/// renamed into place, so another instance never opens half a copy; if another instance
/// finished first, its copy is kept.
pub(super) fn build(shared: &mut Connection, dest: &Path, schema: u32) -> rusqlite::Result<()> {
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let tmp = dest.with_extension(format!("building-{}-{nanos}", std::process::id()));
    remove_abandoned(dest);
    let result = build_at(shared, &tmp, schema);
    match result {
        Ok(()) if !dest.exists() => std::fs::rename(&tmp, dest)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into())),
        Ok(()) => {
            let _ = std::fs::remove_file(&tmp);
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Copies an instance began and never finished (it was closed first), a day old or more.
fn remove_abandoned(dest: &Path) {
    let (Some(dir), Some(stem)) = (dest.parent(), dest.file_stem().and_then(|s| s.to_str())) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!("{stem}.building-");
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 24 * 3600);
        if old && e.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn build_at(shared: &mut Connection, tmp: &Path, schema: u32) -> rusqlite::Result<()> {
    let mut local = open_conn(
        tmp,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
    )?;
    // Nobody else opens this file until it is renamed into place, complete.
    local.pragma_update(None, "synchronous", "OFF")?;
    // The schema of every table a lookup reads, as the shared file has it, and where its change
    // log stands before anything is copied: whatever changes while the copy is made is applied
    // again by the first catch-up.
    let (ddl, mark): (Vec<String>, Option<(i64, i64)>) = {
        let tx = shared.transaction()?;
        let mut names: Vec<&str> = COPIED.to_vec();
        names.extend(KEYS);
        names.push(CASE_INCIDENT);
        let list = serde_json::to_string(&names).unwrap_or_else(|_| "[]".into());
        let ddl = tx
            .prepare(
                "SELECT sql FROM sqlite_schema WHERE tbl_name IN (SELECT value FROM json_each(?1)) \
                 AND type IN ('table', 'index') AND sql IS NOT NULL \
                 ORDER BY type = 'index', rowid",
            )?
            .query_map([list], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mark = tx
            .query_row(
                "SELECT change, customer_seq FROM customer_change ORDER BY change DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        tx.commit()?;
        (ddl, mark)
    };
    {
        let tx = local.transaction()?;
        tx.execute_batch("CREATE TABLE local_meta (key TEXT PRIMARY KEY, value)")?;
        for sql in &ddl {
            tx.execute_batch(sql)?;
        }
        tx.commit()?;
    }
    for table in COPIED {
        let mut after = i64::MIN;
        loop {
            let s = shared.transaction()?;
            let l = local.transaction()?;
            let last = copy_rows(
                &s,
                &l,
                table,
                &format!("rowid > ?1 ORDER BY rowid LIMIT {CHUNK}"),
                &[&after],
            )?;
            if *table == "customer" {
                if let Some(last) = last {
                    let seqs: Vec<i64> = s
                        .prepare_cached(
                            "SELECT seq FROM customer WHERE seq > ?1 AND seq <= ?2 ORDER BY seq",
                        )?
                        .query_map([after, last], |r| r.get(0))?
                        .collect::<rusqlite::Result<_>>()?;
                    index_copied(&s, &l, &seqs)?;
                }
            }
            l.commit()?;
            s.commit()?;
            match last {
                Some(last) => after = last,
                None => break,
            }
        }
    }
    // The incidents in each case, by their key (the table has no rowids).
    let mut after = (String::new(), String::new());
    loop {
        let s = shared.transaction()?;
        let l = local.transaction()?;
        copy_rows(
            &s,
            &l,
            CASE_INCIDENT,
            &format!(
                "(case_id, incident_id) > (?1, ?2) ORDER BY case_id, incident_id LIMIT {CHUNK}"
            ),
            &[&after.0, &after.1],
        )?;
        let next: Option<(String, String)> = l
            .query_row(
                "SELECT case_id, incident_id FROM case_incident ORDER BY case_id DESC, incident_id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        l.commit()?;
        s.commit()?;
        match next {
            Some(n) if n != after => after = n,
            _ => break,
        }
    }
    let tx = local.transaction()?;
    set_meta(&tx, "schema", Some(i64::from(schema)))?;
    set_meta(&tx, "applied_change", Some(mark.map_or(0, |m| m.0)))?;
    set_meta(&tx, "applied_customer", mark.map(|m| m.1))?;
    set_meta(&tx, "complete", Some(1))?;
    tx.commit()?;
    drop(local);
    // Written without syncs while it was built: on the disk before it is put in place (and
    // not left for the first lookup's commit to wait for). Opened for writing: Windows flushes
    // only through a handle that may write (FlushFileBuffers refuses a read-only one).
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
    Ok(())
}

/// Where a store stands with its copy.
#[derive(Default)]
pub(super) struct Slot {
    /// This PC's folder for copies; None: lookups search the shared file only.
    dir: Option<PathBuf>,
    /// The copy's file, once the database's id is known.
    file: Option<PathBuf>,
    index: Option<LocalIndex>,
    /// Build a missing copy on a thread of its own (the app); otherwise only use one.
    background: bool,
    builder: Option<std::thread::JoinHandle<()>>,
}

impl super::SqliteStore {
    /// Search a copy of the lookup's tables kept in `dir` on this PC (see `local_index.rs`),
    /// brought up to date from the shared file's change log before each lookup. With
    /// `build_in_background`, a missing copy is built on a thread of its own while lookups
    /// search the shared file; without it, only a copy already there is used.
    pub fn use_local_index(&mut self, dir: &Path, build_in_background: bool) {
        self.local = Slot {
            dir: Some(dir.to_path_buf()),
            background: build_in_background,
            ..Slot::default()
        };
        self.local_ready();
    }

    /// Build this PC's copy now (for the benchmarks and tests), if `use_local_index` named a
    /// folder; true when a copy is in use afterwards.
    pub fn build_local_index(&mut self) -> crate::store::Result<bool> {
        if self.local.dir.is_none() {
            return Ok(false);
        }
        if self.local_ready() {
            return Ok(true);
        }
        let Some(file) = self.local.file.clone() else {
            return Ok(false);
        };
        let path = self.path.clone();
        build(&mut self.conn, &file, super::migrations::LATEST)
            .map_err(|e| super::errors::map_err(&path, e))?;
        Ok(self.local_ready())
    }

    /// Whether a copy is open, opening one that has become ready and starting a build when
    /// there is none and this store builds in the background.
    fn local_ready(&mut self) -> bool {
        if self.local.index.is_some() {
            return true;
        }
        let Some(dir) = self.local.dir.clone() else {
            return false;
        };
        if self.local.file.is_none() {
            let Ok(id) = crate::store::Store::database_id(self) else {
                return false;
            };
            self.local.file = Some(file_for(&dir, &id));
        }
        let Some(file) = self.local.file.clone() else {
            return false;
        };
        if let Some(index) = LocalIndex::open(&file, super::migrations::LATEST) {
            self.local.index = Some(index);
            return true;
        }
        let building = self
            .local
            .builder
            .as_ref()
            .is_some_and(|b| !b.is_finished());
        if self.local.background && !building {
            let shared = self.path.clone();
            let opts = crate::store::OpenOptions {
                mode: crate::store::OpenMode::ReadOnly,
                vfs: self.vfs.clone(),
                cache_kib: 2048,
                ..crate::store::OpenOptions::default()
            };
            // A copy there but unusable (another schema, unfinished) is replaced.
            let _ = std::fs::remove_file(&file);
            self.local.builder = std::thread::Builder::new()
                .name("search copy".into())
                .spawn(move || {
                    if let Ok(mut store) = super::SqliteStore::open(&shared, &opts) {
                        let _ = build(&mut store.conn, &file, super::migrations::LATEST);
                    }
                })
                .ok();
        }
        false
    }

    /// A lookup only on this PC's copy (for the tests that compare it with the shared file's):
    /// None when there is no usable copy.
    #[doc(hidden)]
    pub fn lookup_on_local_copy(&mut self, query: &str, limit: usize) -> Option<Vec<LookupHit>> {
        self.lookup_local(query, limit)
    }

    /// A lookup on this PC's copy, brought up to date first; None when there is no usable copy
    /// or anything failed (the caller then searches the shared file, which says what is wrong).
    pub(super) fn lookup_local(&mut self, query: &str, limit: usize) -> Option<Vec<LookupHit>> {
        if !self.local_ready() {
            return None;
        }
        let mut index = self.local.index.take()?;
        match self.read(|tx| index.catch_up(tx)) {
            Ok(CatchUp::Ready) => {}
            Ok(CatchUp::Stale) => {
                let file = index.path().to_path_buf();
                drop(index);
                let _ = std::fs::remove_file(&file);
                self.local_ready();
                return None;
            }
            Err(_) => {
                self.local.index = Some(index);
                return None;
            }
        }
        let hits = index.lookup(query, limit).ok();
        self.local.index = Some(index);
        hits
    }
}
