//! Moving an office (`safedesk migrate --from FILE --to postgres://...`): everything in a SQLite
//! file copied into an empty PostgreSQL database in one transaction, the file left as it was.
//!
//! The copy is driven by the server's own schema: for each table, in an order that keeps every
//! foreign key satisfied, the columns PostgreSQL has are read from the file's table of the same
//! name and each value is turned into the column's type (ids into `uuid`, the file's
//! `YYYY-MM-DDTHH:MM:SSZ` text into `timestamptz`, dates into `date`, 0/1 into `boolean`, JSON
//! text into `jsonb`). The audit trail is copied byte for byte (its `at`, `before` and `after`
//! are text on both), so its hash chain still verifies on the server and goes on from it.
//!
//! Not copied, being derived: the reports' day figures (`incident_day`, which the server's
//! trigger fills as the incidents arrive, and which must then equal the file's), and what only
//! the file keeps for a network drive (`queue_row`, `queue_count`, `customer_change`,
//! `visitor_incident`: see `migrations.rs`). SQLite's `customer_text` (full-text, keyed by
//! rowid) becomes the server's `customer_text` keyed by `customer_seq`.

use super::{PgConfig, PgStore};
use crate::store::{Result, StoreError};
use ::postgres::types::{ToSql, Type};
use rusqlite::types::ValueRef;
use std::path::Path;

/// The tables copied, parents before children.
pub const TABLES: &[&str] = &[
    "staff",
    "customer",
    "customer_phone",
    "customer_email",
    "customer_word",
    "customer_typo",
    "customer_text",
    "incident",
    "escalation_case",
    "case_incident",
    "decision",
    "restriction",
    "review",
    "letter",
    "audit",
    "card_view",
    "office_setting",
    "customer_merge",
    "heard_back",
    "debrief",
];

/// The facts kept in the file's `meta` that the server keeps in `safedesk_meta`: the database's
/// own id (so the PCs' held entries and search copies know it is the same office), whether it
/// is demo data, when it was made, and from when there is news.
const META_KEYS: &[&str] = &["database_id", "demo", "created_at", "news_since"];

/// What was copied: each table's rows in the file and on the server (equal, or nothing was
/// committed).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CopyReport {
    pub tables: Vec<(String, i64)>,
    /// The reports' day figures: incidents counted in the file and on the server (filled by
    /// the server's trigger as the incidents arrived).
    pub incident_days: (i64, i64),
}

/// Copy the SQLite file at `file` into the empty safedesk database at `config`.
pub fn from_sqlite(file: &Path, config: &PgConfig) -> Result<CopyReport> {
    let source = open_file(file)?;
    let mut target = PgStore::open(config, &crate::store::OpenOptions::default())?;
    let address = config.to_string();
    let out = copy_all(&source, &mut target, file, &address);
    out.map_err(|e| match e {
        Failure::Store(e) => e,
        Failure::Pg(e) => target.store_error(e),
        Failure::File(e) => StoreError::Invalid(format!(
            "{} could not be read for the move ({e}); nothing was copied.",
            file.display()
        )),
    })
}

/// The file, read-only, checked to be a safedesk file this build understands in full.
fn open_file(file: &Path) -> Result<rusqlite::Connection> {
    if !file.is_file() {
        return Err(StoreError::NotFound {
            path: file.to_path_buf(),
        });
    }
    let c = rusqlite::Connection::open_with_flags(
        file,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::Invalid(format!("{} cannot be opened ({e}).", file.display())))?;
    let version: u32 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| StoreError::NotSafedesk {
            path: file.to_path_buf(),
            detail: e.to_string(),
        })?;
    let latest = crate::store::sqlite::SCHEMA_VERSION;
    if version == 0 {
        return Err(StoreError::NotSafedesk {
            path: file.to_path_buf(),
            detail: "it has no safedesk tables".into(),
        });
    }
    if version > latest {
        return Err(StoreError::TooNew {
            path: file.to_path_buf(),
            found: version,
            supported: latest,
        });
    }
    if version < latest {
        return Err(StoreError::Invalid(format!(
            "{} was last opened by an older safedesk (database schema {version}; this one moves schema {latest}). Open it once with this safedesk (for example: safedesk --db \"{}\" check), which brings it up to date, then move it.",
            file.display(),
            file.display()
        )));
    }
    Ok(c)
}

enum Failure {
    Store(StoreError),
    Pg(::postgres::Error),
    File(rusqlite::Error),
}

impl From<::postgres::Error> for Failure {
    fn from(e: ::postgres::Error) -> Self {
        Failure::Pg(e)
    }
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::File(e)
    }
}

fn copy_all(
    source: &rusqlite::Connection,
    target: &mut PgStore,
    file: &Path,
    address: &str,
) -> std::result::Result<CopyReport, Failure> {
    let mut tx = target.client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&super::WRITE_KEY])?;
    let held: i64 = tx
        .query_one(
            "SELECT (SELECT count(*) FROM staff) + (SELECT count(*) FROM customer) \
             + (SELECT count(*) FROM audit)",
            &[],
        )?
        .get(0);
    if held > 0 {
        return Err(Failure::Store(StoreError::Invalid(format!(
            "{address} already holds safedesk data, so nothing was copied into it: give the address of a new, empty database made for safedesk."
        ))));
    }
    // A case names its decision and a decision its case: their links are checked at commit.
    tx.batch_execute("SET CONSTRAINTS ALL DEFERRED")?;
    // Reading the file in one transaction: one consistent picture, even if a PC writes.
    let read = source.unchecked_transaction()?;
    let mut tables = Vec::new();
    for table in TABLES {
        let n = copy_table(&read, &mut tx, table)?;
        tables.push((table.to_string(), n));
    }
    for key in META_KEYS {
        let value: Option<String> = read
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .ok();
        if let Some(value) = value {
            tx.execute(
                "INSERT INTO safedesk_meta (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[key, &value],
            )?;
        }
    }
    // The customers' numbers (and the other rows' order, SQLite's rowid) were given, not
    // drawn: the next one drawn follows them.
    for table in std::iter::once("customer").chain(super::migrations::ROW_ORDER.iter().copied()) {
        tx.batch_execute(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'seq'), \
             greatest((SELECT max(seq) FROM {table}), 1))"
        ))?;
    }
    let file_days: i64 =
        read.query_row("SELECT coalesce(sum(n), 0) FROM incident_day", [], |r| {
            r.get(0)
        })?;
    let server_days: i64 = tx
        .query_one("SELECT coalesce(sum(n), 0)::bigint FROM incident_day", &[])?
        .get(0);
    if file_days != server_days {
        return Err(Failure::Store(StoreError::Invalid(format!(
            "The reports' figures came out differently on the server ({server_days} incidents counted, {file_days} in {}), so nothing was copied. Run safedesk check on the file, and report this.",
            file.display()
        ))));
    }
    read.finish()?;
    tx.batch_execute(&format!("NOTIFY {}", super::CHANNEL))?;
    tx.commit()?;
    Ok(CopyReport {
        tables,
        incident_days: (file_days, server_days),
    })
}

/// Copy one table; returns how many rows (the same on both sides, or an error).
fn copy_table(
    read: &rusqlite::Transaction<'_>,
    tx: &mut ::postgres::Transaction<'_>,
    table: &str,
) -> std::result::Result<i64, Failure> {
    let columns: Vec<(String, String)> = tx
        .query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 \
             AND is_generated = 'NEVER' ORDER BY ordinal_position",
            &[&table],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    // What the file calls each column: the full-text table's key is its rowid.
    let file_column = |c: &str| -> String {
        if (table == "customer_text" && c == "customer_seq")
            || (c == "seq" && super::migrations::ROW_ORDER.contains(&table))
        {
            "rowid".into()
        } else {
            format!("\"{c}\"")
        }
    };
    let select = format!(
        "SELECT {} FROM {table}",
        columns
            .iter()
            .map(|(c, _)| file_column(c))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // COPY, not an INSERT a row: a large office's million incidents move in minutes. Row
    // triggers still run (the reports' day figures), and the customers' numbers are kept.
    let copy = format!(
        "COPY {table} ({}) FROM STDIN BINARY",
        columns
            .iter()
            .map(|(c, _)| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let types: Vec<Type> = columns.iter().map(|(_, t)| pg_type(t)).collect();
    let sink = tx.copy_in(&copy)?;
    let mut writer = ::postgres::binary_copy::BinaryCopyInWriter::new(sink, &types);
    let mut st = read.prepare(&select)?;
    let mut rows = st.query([])?;
    let mut n = 0i64;
    while let Some(row) = rows.next()? {
        let mut values: Vec<Box<dyn ToSql + Sync>> = Vec::with_capacity(columns.len());
        for (i, (column, ty)) in columns.iter().enumerate() {
            let value = convert(row.get_ref(i)?, ty).map_err(|why| {
                Failure::Store(StoreError::Invalid(format!(
                    "A value in the file's {table}.{column} cannot be moved ({why}); nothing was copied. Run safedesk check on the file."
                )))
            })?;
            values.push(value);
        }
        let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref()).collect();
        writer.write(&params)?;
        n += 1;
    }
    writer.finish()?;
    Ok(n)
}

fn pg_type(data_type: &str) -> Type {
    match data_type {
        "uuid" => Type::UUID,
        "timestamp with time zone" => Type::TIMESTAMPTZ,
        "date" => Type::DATE,
        "boolean" => Type::BOOL,
        "jsonb" => Type::JSONB,
        "bigint" => Type::INT8,
        "integer" => Type::INT4,
        _ => Type::TEXT,
    }
}

/// One value from the file as the server's column type wants it.
fn convert(v: ValueRef<'_>, data_type: &str) -> std::result::Result<Box<dyn ToSql + Sync>, String> {
    let text = |v: ValueRef<'_>| -> std::result::Result<Option<String>, String> {
        match v {
            ValueRef::Null => Ok(None),
            ValueRef::Text(t) => Ok(Some(String::from_utf8_lossy(t).into_owned())),
            ValueRef::Integer(i) => Ok(Some(i.to_string())),
            ValueRef::Real(r) => Ok(Some(r.to_string())),
            ValueRef::Blob(_) => Err("a blob where text was expected".into()),
        }
    };
    let int = |v: ValueRef<'_>| -> std::result::Result<Option<i64>, String> {
        match v {
            ValueRef::Null => Ok(None),
            ValueRef::Integer(i) => Ok(Some(i)),
            ValueRef::Text(t) => String::from_utf8_lossy(t)
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| "text where a number was expected".into()),
            _ => Err("not a whole number".into()),
        }
    };
    Ok(match data_type {
        "uuid" => Box::new(
            text(v)?
                .filter(|s| !s.is_empty())
                .map(|s| uuid::Uuid::parse_str(&s).map_err(|_| format!("{s:?} is not an id")))
                .transpose()?,
        ),
        "timestamp with time zone" => Box::new(
            text(v)?
                .filter(|s| !s.is_empty())
                .map(|s| crate::time::from_db(&s).ok_or(format!("{s:?} is not a time")))
                .transpose()?,
        ),
        "date" => Box::new(
            text(v)?
                .filter(|s| !s.is_empty())
                .map(|s| crate::time::date_from_db(&s).ok_or(format!("{s:?} is not a date")))
                .transpose()?,
        ),
        "boolean" => Box::new(int(v)?.map(|i| i != 0)),
        "jsonb" => Box::new(
            text(v)?
                .map(|s| {
                    serde_json::from_str::<serde_json::Value>(if s.is_empty() {
                        "null"
                    } else {
                        &s
                    })
                    .map_err(|_| "not JSON".to_string())
                })
                .transpose()?,
        ),
        "bigint" => Box::new(int(v)?),
        "integer" => Box::new(
            int(v)?
                .map(|i| i32::try_from(i).map_err(|_| "a number too large".to_string()))
                .transpose()?,
        ),
        _ => Box::new(text(v)?),
    })
}
