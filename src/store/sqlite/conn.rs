//! Opening the shared file: checking it is a safedesk database before SQLite sees it, connecting
//! (through the measuring shim when the options name it), the pragmas every connection runs with
//! (`foreign_keys=ON`, `synchronous=FULL`, `journal_mode=DELETE`, no memory-mapped I/O) and the
//! busy handler, and creating a new database with its first admin.

use super::audit::audit;
use super::busy;
use super::errors::map_err;
use super::maintenance::refuse_if_not_safedesk;
use super::staff::insert_staff;
use super::SqliteStore;
use crate::domain::{Actor, Staff};
use crate::store::{OpenMode, OpenOptions, Result, StoreError};
use crate::time;
use chrono::Utc;
use rusqlite::{params, Connection, OpenFlags};
use std::path::Path;

/// The first bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

impl SqliteStore {
    /// Open an existing safedesk database, migrating an older schema forward.
    pub fn open(path: &Path, opts: &OpenOptions) -> Result<SqliteStore> {
        check_file(path)?;
        if opts.mode == OpenMode::ReadWrite && is_read_only_file(path) {
            return Err(StoreError::ReadOnly {
                path: path.to_path_buf(),
            });
        }
        let flags = match opts.mode {
            OpenMode::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE,
            OpenMode::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = connect(path, flags, opts)?;
        let mut store = SqliteStore {
            conn,
            path: path.to_path_buf(),
            mode: opts.mode,
            office_policy: None,
            vfs: opts.vfs.clone(),
            damaged: None,
            local: Default::default(),
            queue_cursor: None,
        };
        store.configure(opts)?;
        store.check_and_migrate().map_err(|e| store.judged(e))?;
        Ok(store)
    }

    /// Create a new database; whoever creates it becomes its first admin.
    pub fn create(
        path: &Path,
        opts: &OpenOptions,
        first_admin_login: &str,
        first_admin_name: &str,
        demo: bool,
    ) -> Result<SqliteStore> {
        let admin = crate::store::rules::staff::first_admin(first_admin_login, first_admin_name)?;
        SqliteStore::create_with_admin(path, opts, &admin, demo)
    }

    /// Create a new database with this member of staff as its first admin.
    pub fn create_with_admin(
        path: &Path,
        opts: &OpenOptions,
        admin: &Staff,
        demo: bool,
    ) -> Result<SqliteStore> {
        if path.exists() {
            return Err(StoreError::Invalid(format!(
                "{} already exists; safedesk will not overwrite it. Open it with --db, or choose a new file name.",
                path.display()
            )));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                return Err(StoreError::Unavailable {
                    path: path.to_path_buf(),
                    detail: format!("the folder {} does not exist", dir.display()),
                });
            }
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = connect(path, flags, opts)?;
        let mut store = SqliteStore {
            conn,
            path: path.to_path_buf(),
            mode: OpenMode::ReadWrite,
            office_policy: None,
            vfs: opts.vfs.clone(),
            damaged: None,
            local: Default::default(),
            queue_cursor: None,
        };
        store.configure(opts)?;
        store.check_and_migrate()?;
        let now = time::to_db(Utc::now());
        let p = store.path.clone();
        store
            .write(|tx| {
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES ('demo', ?1), ('created_at', ?2)",
                    params![if demo { "1" } else { "0" }, now],
                )?;
                insert_staff(tx, admin, &now)?;
                audit(
                    tx,
                    &Actor {
                        staff: Some(admin.clone()),
                        login: admin.login.clone(),
                    },
                    "create database",
                    "staff",
                    &admin.id.to_string(),
                    None,
                    Some(serde_json::to_string(admin).unwrap_or_default()),
                )?;
                Ok(())
            })
            .map_err(|e| map_err(&p, e))?;
        Ok(store)
    }

    /// Open a safedesk database only to look it over or copy it (`safedesk check` and
    /// `safedesk backup`): read-only whatever the options say, whatever its schema version, and
    /// without migrating it or writing anything at all.
    pub fn open_to_inspect(path: &Path, opts: &OpenOptions) -> Result<SqliteStore> {
        check_file(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = connect(path, flags, opts)?;
        let mut store = SqliteStore {
            conn,
            path: path.to_path_buf(),
            mode: OpenMode::ReadOnly,
            office_policy: None,
            vfs: opts.vfs.clone(),
            damaged: None,
            local: Default::default(),
            queue_cursor: None,
        };
        store.configure(opts)?;
        refuse_if_not_safedesk(&store.conn, path)?;
        Ok(store)
    }

    fn configure(&mut self, opts: &OpenOptions) -> Result<()> {
        let path = self.path.clone();
        let c = &self.conn;
        // Our own busy handler: SQLite's default one backs off to 100 ms sleeps, and a waiter
        // that wakes so rarely loses the lock again and again to instances that write often.
        // Retrying every millisecond keeps its chances fair; the patience is the same.
        busy::set_patience(opts.busy_timeout_ms);
        c.busy_handler(Some(busy::busy_wait))
            .map_err(|e| map_err(&path, e))?;
        // Statement cache big enough for every query safedesk prepares.
        c.set_prepared_statement_cache_capacity(64);
        let setup = || -> rusqlite::Result<()> {
            c.pragma_update(None, "foreign_keys", "ON")?;
            c.pragma_update(None, "synchronous", "FULL")?;
            c.pragma_update(None, "cache_size", -i64::from(opts.cache_kib))?;
            c.pragma_update(None, "temp_store", "MEMORY")?;
            // Memory-mapped I/O is unsafe on network file systems.
            c.pragma_update(None, "mmap_size", 0)?;
            if self.mode == OpenMode::ReadWrite {
                let mode: String = c.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))?;
                if !mode.eq_ignore_ascii_case("delete") {
                    return Err(rusqlite::Error::InvalidParameterName(format!(
                        "journal_mode stayed {mode}"
                    )));
                }
            }
            Ok(())
        };
        setup().map_err(|e| map_err(&path, e))
    }
}

/// Open the connection, through the file layer the options name (the measuring shim) if any.
fn connect(path: &Path, flags: OpenFlags, opts: &OpenOptions) -> Result<Connection> {
    match &opts.vfs {
        Some(vfs) => Connection::open_with_flags_and_vfs(path, flags, vfs.as_str()),
        None => Connection::open_with_flags(path, flags),
    }
    .map_err(|e| map_err(path, e))
}

/// Refuse what is plainly not a safedesk database before SQLite sees it.
fn check_file(path: &Path) -> Result<()> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A missing folder on a network drive usually means the drive is not connected.
            let parent_missing = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .is_some_and(|p| !p.exists());
            return Err(if parent_missing {
                StoreError::Unavailable {
                    path: path.to_path_buf(),
                    detail: "its folder cannot be found".into(),
                }
            } else {
                StoreError::NotFound {
                    path: path.to_path_buf(),
                }
            });
        }
        Err(e) => {
            return Err(StoreError::Unavailable {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })
        }
    };
    if meta.is_dir() {
        return Err(StoreError::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    let mut header = [0u8; 16];
    let read = std::fs::File::open(path).and_then(|mut f| {
        use std::io::Read;
        let mut n = 0;
        while n < 16 {
            let k = f.read(&mut header[n..])?;
            if k == 0 {
                break;
            }
            n += k;
        }
        Ok(n)
    });
    match read {
        Ok(16) if &header == SQLITE_HEADER => Ok(()),
        Ok(0) => Err(StoreError::NotSafedesk {
            path: path.to_path_buf(),
            detail: "the file is empty".into(),
        }),
        Ok(_) => Err(StoreError::NotSafedesk {
            path: path.to_path_buf(),
            detail: "it is not an SQLite database file".into(),
        }),
        Err(e) => Err(StoreError::Unavailable {
            path: path.to_path_buf(),
            detail: e.to_string(),
        }),
    }
}

/// The read-only attribute (Windows) or no write permission bits (Unix). Checked by attribute
/// rather than by trying, so the answer is the same for every user, administrators included.
fn is_read_only_file(path: &Path) -> bool {
    std::fs::metadata(path)
        .map(|m| m.permissions().readonly())
        .unwrap_or(false)
}
