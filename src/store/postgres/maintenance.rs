//! Looking a server's database over (`safedesk check`), and what `safedesk backup` says on a
//! server. Nothing here writes.
//!
//! SQLite's check reads the file's own pages (`PRAGMA integrity_check`), which means nothing
//! for a server: PostgreSQL keeps its own files, and its operators look after them. What a
//! check of a server's database does instead:
//!
//! * **Damage**: the server's count of pages that failed their checksum in this database
//!   (`pg_stat_database.checksum_failures`, when IT turned data checksums on), and, in a full
//!   (not `--quick`) check where IT installed the `amcheck` extension, each of safedesk's
//!   indexes checked against its table (`bt_index_check`). Each finding is listed as damage.
//! * **Broken links**: every foreign key of safedesk's tables followed, as SQLite's
//!   `foreign_key_check` does. The server enforces them, so a broken one means someone loaded
//!   rows with the checks switched off (or changed the schema by hand).
//! * **The audit chain**, followed with the same hashing as the SQLite store
//!   (`rules::audit::ChainCheck`), a short read at a time.
//! * The schema version against this build's, and the records counted. There is no journal
//!   mode, pages or file to speak of: the report gives the database's size from the server.

use super::errors::TxResult;
use super::prelude::*;
use super::statements::Tx;
use crate::domain::ForeignKeyProblem;
use crate::store::rules::audit::{ChainCheck, Stored, CHAIN_STEP};
use std::time::Instant;

/// How many problems of each kind a report lists.
const LISTED: usize = 20;

fn count_all(tx: &mut Tx<'_>) -> TxResult<Counts> {
    crate::store::rules::maintenance::counts(|t| -> TxResult<u64> {
        let c: i64 = tx
            .query_one(&format!("SELECT count(*) FROM {t}"), &[])?
            .get(0);
        Ok(c.max(0) as u64)
    })
}

/// The number of records in each table that matters to people.
pub(super) fn counts(s: &mut PgStore) -> Result<Counts> {
    s.read(count_all)
}

/// A foreign key: the table, its columns, the parent table and the parent's columns.
type ForeignKey = (String, Vec<String>, String, Vec<String>);

/// Every foreign key of safedesk's tables.
fn foreign_keys(tx: &mut Tx<'_>) -> TxResult<Vec<ForeignKey>> {
    let rows = tx.query(
        "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, \
           ARRAY(SELECT quote_ident(a.attname) FROM unnest(c.conkey) WITH ORDINALITY k(n, o) \
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o), \
           ARRAY(SELECT quote_ident(a.attname) FROM unnest(c.confkey) WITH ORDINALITY k(n, o) \
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o) \
         FROM pg_constraint c JOIN pg_namespace ns ON ns.oid = c.connamespace \
         WHERE c.contype = 'f' AND ns.nspname = current_schema() ORDER BY 1, 3",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), r.get(2), r.get(1), r.get(3)))
        .collect())
}

/// Follow each foreign key: the records whose link points at nothing.
fn broken_links(s: &mut PgStore, list: &mut Vec<ForeignKeyProblem>, count: &mut u64) -> Result<()> {
    let keys = s.read(foreign_keys)?;
    for (table, cols, parent, pcols) in keys {
        let set = cols
            .iter()
            .map(|c| format!("t.{c} IS NOT NULL"))
            .collect::<Vec<_>>()
            .join(" AND ");
        let matched = cols
            .iter()
            .zip(&pcols)
            .map(|(c, p)| format!("p.{p} = t.{c}"))
            .collect::<Vec<_>>()
            .join(" AND ");
        let sql = format!(
            "SELECT count(*) FROM {table} t WHERE {set} \
             AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE {matched})"
        );
        let n: i64 = s.read(|tx| Ok(tx.query_one(&sql, &[])?.get(0)))?;
        *count += n.max(0) as u64;
        let column = cols
            .iter()
            .map(|c| c.trim_matches('"').to_string())
            .collect::<Vec<_>>()
            .join(", ");
        for _ in 0..n.max(0) {
            if list.len() >= LISTED {
                break;
            }
            list.push(ForeignKeyProblem {
                table: table.clone(),
                rowid: None,
                column: column.clone(),
                parent: parent.clone(),
            });
        }
    }
    Ok(())
}

/// The server's own signs of damage: pages that failed their checksum, and (a full check, with
/// `amcheck` installed) indexes that do not match their tables. Notes say what was not checked.
fn damage(s: &mut PgStore, quick: bool, notes: &mut Vec<String>) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let (failures, checksums): (Option<i64>, String) = s.read(|tx| {
        let failures = tx
            .query_opt(
                "SELECT checksum_failures FROM pg_stat_database WHERE datname = current_database()",
                &[],
            )?
            .and_then(|r| r.get::<_, Option<i64>>(0));
        let on: String = tx
            .query_one("SELECT current_setting('data_checksums')", &[])?
            .get(0);
        Ok((failures, on))
    })?;
    if checksums != "on" {
        notes.push("The server does not keep checksums of its pages (data_checksums is off), so damage to its files would not be noticed here: IT can turn them on when the server is next stopped (pg_checksums --enable).".into());
    } else if let Some(n) = failures.filter(|n| *n > 0) {
        found.push(format!(
            "the server found {n} page{} of this database that failed its checksum: ask IT to look at the server's log and its disks",
            if n == 1 { "" } else { "s" }
        ));
    }
    if quick {
        return Ok(found);
    }
    let amcheck: bool = s.read(|tx| {
        Ok(tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'amcheck')",
                &[],
            )?
            .get(0))
    })?;
    if !amcheck {
        notes.push("The indexes were not checked against their tables: that needs the amcheck extension, which IT can add (CREATE EXTENSION amcheck) and let safedesk's user run.".into());
        return Ok(found);
    }
    let indexes: Vec<String> = s.read(|tx| {
        Ok(tx
            .query(
                "SELECT c.oid::regclass::text FROM pg_index i \
                 JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam \
                 JOIN pg_namespace ns ON ns.oid = c.relnamespace \
                 WHERE am.amname = 'btree' AND ns.nspname = current_schema() ORDER BY 1",
                &[],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    })?;
    for index in indexes {
        let checked = s.read(|tx| {
            match tx.query_one("SELECT bt_index_check($1::text::regclass)", &[&index]) {
                Ok(_) => Ok(None),
                Err(e) => match e.as_db_error() {
                    Some(db) => Ok(Some((db.code().clone(), db.message().to_string()))),
                    None => Err(e.into()),
                },
            }
        })?;
        match checked {
            None => {}
            Some((code, message))
                if code == ::postgres::error::SqlState::INSUFFICIENT_PRIVILEGE =>
            {
                notes.push(format!("The indexes were not checked against their tables: safedesk's user may not run amcheck ({message})."));
                break;
            }
            Some((_, message)) if found.len() < LISTED => {
                found.push(format!(
                    "the index {index} does not match its table ({message})"
                ));
            }
            Some(_) => {}
        }
    }
    Ok(found)
}

/// Follow the audit chain, oldest first, a short read for each [`CHAIN_STEP`] entries.
fn verify_chain(s: &mut PgStore) -> Result<crate::domain::AuditChainReport> {
    let mut check = ChainCheck::new();
    loop {
        let after = check.last_seq();
        let rows = s.read(|tx| {
            Ok(tx.query(
                "SELECT a.seq, a.at, a.staff_id, a.login, a.action, a.entity, a.entity_id, \
                 a.before, a.after, a.content_hash, a.hash, a.redacted, \
                 coalesce(s.display_name, a.login) \
                 FROM audit a LEFT JOIN staff s ON s.id = a.staff_id WHERE a.seq > $1 \
                 ORDER BY a.seq LIMIT $2",
                &[&after, &CHAIN_STEP],
            )?)
        })?;
        for r in &rows {
            let staff: Option<String> = r.get::<_, Option<Id>>(2).map(|s| s.to_string());
            let fits = check.follow(&Stored {
                seq: r.get(0),
                at: r.get(1),
                staff_id: staff.as_deref(),
                login: r.get(3),
                action: r.get(4),
                entity: r.get(5),
                entity_id: r.get(6),
                before: r.get(7),
                after: r.get(8),
                content_hash: r.get(9),
                hash: r.get(10),
                redacted: r.get(11),
                who: r.get(12),
            });
            if !fits {
                return Ok(check.report());
            }
        }
        if (rows.len() as i64) < CHAIN_STEP {
            return Ok(check.report());
        }
    }
}

/// `safedesk check` on a server's database. Every statement is its own short read.
pub(super) fn check(s: &mut PgStore, quick: bool) -> Result<CheckReport> {
    let started = Instant::now();
    let schema_version = PgStore::schema_version(s)?;
    let supported = super::migrations::LATEST;
    let mut notes = Vec::new();
    notes.extend(crate::store::rules::maintenance::schema_note(
        schema_version,
        supported,
        "connects to it",
    ));
    let (size, block): (i64, i64) = s.read(|tx| {
        let r = tx.query_one(
            "SELECT pg_database_size(current_database()), \
             current_setting('block_size')::bigint",
            &[],
        )?;
        Ok((r.get(0), r.get(1)))
    })?;
    let integrity_problems = damage(s, quick, &mut notes)?;
    let mut foreign_key_problems = Vec::new();
    let mut foreign_key_problem_count = 0u64;
    broken_links(s, &mut foreign_key_problems, &mut foreign_key_problem_count)?;
    let audit_chain = verify_chain(s)?;
    let chain_broken = audit_chain.first_break.is_some();
    let counts = match counts(s) {
        Ok(n) => Some(n),
        Err(e) if e.is_transient() => return Err(e),
        Err(e) => {
            notes.push(format!("The records could not be counted ({e})."));
            None
        }
    };
    let problem_count = integrity_problems.len() as u64;
    Ok(CheckReport {
        location: s.config.to_string(),
        check: if quick {
            "server quick check"
        } else {
            "server check"
        }
        .into(),
        ok: problem_count == 0 && foreign_key_problem_count == 0 && !chain_broken,
        integrity_problems,
        integrity_problem_count: problem_count,
        foreign_key_problems,
        foreign_key_problem_count,
        schema_version,
        supported_schema_version: supported,
        journal_mode: "server".into(),
        page_size: block.max(0) as u64,
        page_count: (size.max(0) / block.max(1)) as u64,
        free_pages: 0,
        file_size: size.max(0) as u64,
        counts,
        notes,
        letters_late: Vec::new(),
        organisation_missing: Vec::new(),
        audit_chain: Some(audit_chain),
        took_ms: started.elapsed().as_millis() as u64,
    })
}

/// `safedesk backup` on a server's database: backups are the server's job, and this says how.
/// (A copy made by safedesk would be a second copy of every customer's details on an office PC,
/// not the server's consistent, restorable dump; `pg_dump` takes one snapshot without stopping
/// anyone saving, and IT schedules and keeps it with the server's other backups.)
pub(super) fn backup_to(
    s: &mut PgStore,
    _dest: &Path,
    _overwrite: bool,
    _progress: &mut dyn FnMut(u64, u64),
) -> Result<BackupReport> {
    Err(StoreError::Backup(backup_is_the_servers(&s.config)))
}

/// What `safedesk backup` says for a database on a server.
fn backup_is_the_servers(config: &super::PgConfig) -> String {
    format!(
        "This database is on a PostgreSQL server, so its backups are the server's job, not safedesk's: ask IT to back it up every night with pg_dump (for example: pg_dump --format=custom --file=safedesk-DATE.dump \"{config}\"), keep the copies off the server, and test one now and then by restoring it into a new database with pg_restore and running safedesk --db ADDRESS-OF-THE-COPY check on it."
    )
}
