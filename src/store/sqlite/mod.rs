//! The SQLite backend: one long-lived connection per running instance, on a file that is usually
//! on a network drive.

mod bare;
mod decisions;
mod incidents;
mod lookup;
mod maintenance;
pub mod migrations;
mod records;
pub mod shim;

use super::{OpenMode, OpenOptions, Result, Store, StoreError};
use crate::domain::{
    new_id, Actor, AuditEntry, BackupReport, Bulk, CaseSummary, CheckReport, Counts, Customer,
    CustomerHistory, DecisionSaved, Id, LookupHit, NewCustomer, NewDecision, NewIncident,
    NewLetter, NewReview, Queue, ReviewSaved, Role, SentHow, Staff,
};
use crate::policy::incident::SaveOutcome;
use crate::policy::Policy;
use crate::time;
use chrono::Utc;
use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use migrations::LATEST as SCHEMA_VERSION;

/// How long a busy database is waited for, in milliseconds (the same for every connection of
/// this process: the busy handler is a plain function).
static PATIENCE_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(3000);

/// Called by SQLite while another connection holds the lock; true to try again.
fn busy_wait(attempt: i32) -> bool {
    let patience = PATIENCE_MS.load(std::sync::atomic::Ordering::Relaxed);
    // The first attempts come quickly; after that about one a millisecond.
    let waited_ms = u64::try_from(attempt).unwrap_or(0);
    if waited_ms >= patience {
        return false;
    }
    std::thread::sleep(Duration::from_micros(if attempt < 10 { 200 } else { 1000 }));
    true
}

/// The first bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    mode: OpenMode,
}

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
        };
        store.configure(opts)?;
        store.check_and_migrate()?;
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
        let login = first_admin_login.trim();
        if login.is_empty() {
            return Err(StoreError::Invalid(
                "The first admin needs a login name: pass --user NAME.".into(),
            ));
        }
        let admin = Staff {
            id: new_id(),
            login: login.to_string(),
            display_name: if first_admin_name.trim().is_empty() {
                login.to_string()
            } else {
                first_admin_name.trim().to_string()
            },
            role: Role::Admin,
            active: true,
        };
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
                records::insert_staff(tx, admin, &now)?;
                records::audit(
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
        };
        store.configure(opts)?;
        maintenance::refuse_if_not_safedesk(&store.conn, path)?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn configure(&mut self, opts: &OpenOptions) -> Result<()> {
        let path = self.path.clone();
        let c = &self.conn;
        // Our own busy handler: SQLite's default one backs off to 100 ms sleeps, and a waiter
        // that wakes so rarely loses the lock again and again to instances that write often.
        // Retrying every millisecond keeps its chances fair; the patience is the same.
        PATIENCE_MS.store(opts.busy_timeout_ms, std::sync::atomic::Ordering::Relaxed);
        c.busy_handler(Some(busy_wait))
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

    fn check_and_migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let (version, tables): (u32, i64) = self
            .conn
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version), \
                 (SELECT count(*) FROM sqlite_schema)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| map_err(&path, e))?;
        if version > migrations::LATEST {
            return Err(StoreError::TooNew {
                path,
                found: version,
                supported: migrations::LATEST,
            });
        }
        if version == 0 && tables > 0 {
            return Err(StoreError::NotSafedesk {
                path,
                detail: "it is an SQLite file with other tables in it".into(),
            });
        }
        if version == migrations::LATEST {
            return Ok(());
        }
        if self.mode == OpenMode::ReadOnly {
            return Err(StoreError::Invalid(format!(
                "{} uses an older database schema ({version}; this safedesk uses {}). Open it once without --read-only so it can be brought up to date.",
                path.display(),
                migrations::LATEST
            )));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| map_err(&path, e))?;
        // Another instance may have migrated while we waited for the lock.
        let current: u32 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| map_err(&path, e))?;
        for (i, sql) in migrations::MIGRATIONS.iter().enumerate() {
            let n = i as u32 + 1;
            if n <= current {
                continue;
            }
            tx.execute_batch(sql).map_err(|e| map_err(&path, e))?;
            tx.pragma_update(None, "user_version", n)
                .map_err(|e| map_err(&path, e))?;
        }
        if current == 0 {
            tx.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('app', 'safedesk')",
                [],
            )
            .map_err(|e| map_err(&path, e))?;
        }
        tx.commit().map_err(|e| map_err(&path, e))
    }

    /// Run `f` in one `BEGIN IMMEDIATE` transaction.
    fn write<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Run `f` in one `BEGIN IMMEDIATE` transaction, mapping errors, after checking the actor.
    fn write_as<T>(
        &mut self,
        actor: &Actor,
        allowed: impl Fn(Role) -> bool,
        what: &str,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> std::result::Result<T, TxError>,
    ) -> Result<T> {
        if self.mode == OpenMode::ReadOnly {
            return Err(StoreError::NotAllowed(format!(
                "safedesk was started with --read-only, so it cannot {what}."
            )));
        }
        match actor.role() {
            None => return Err(StoreError::NotAllowed(actor.not_known_message())),
            Some(role) if !allowed(role) => {
                return Err(StoreError::NotAllowed(format!(
                    "{} is signed in as {role} staff, who cannot {what}. Ask a manager.",
                    actor.name()
                )))
            }
            Some(_) => {}
        }
        let path = self.path.clone();
        // A file made read-only while we run (the attribute, which administrators' writes
        // would otherwise ignore) is reported as such, so the entry goes to the outbox.
        match std::fs::metadata(&path) {
            Ok(m) if m.permissions().readonly() => return Err(StoreError::ReadOnly { path }),
            Ok(_) => {}
            Err(e) => {
                // The file is gone from under us: the drive or its folder went away.
                return Err(StoreError::Unavailable {
                    path,
                    detail: format!("the file cannot be found ({e})"),
                });
            }
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| map_err(&path, e))?;
        // The role is read again inside the write: someone moved to another role, or who left,
        // since this copy started is held to what they are now.
        if let Some(staff) = &actor.staff {
            let now: Option<(String, bool)> = tx
                .prepare_cached("SELECT role, active FROM staff WHERE id = ?1")
                .and_then(|mut st| {
                    st.query_row([staff.id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()
                })
                .map_err(|e| map_err(&path, e))?;
            match now {
                Some((role, true)) => match Role::parse(&role) {
                    Some(role) if allowed(role) => {}
                    Some(role) => {
                        return Err(StoreError::NotAllowed(format!(
                            "{} is now {role} staff, who cannot {what}. Ask a manager.",
                            actor.name()
                        )))
                    }
                    None => {
                        return Err(StoreError::NotAllowed(format!(
                            "{} has a role safedesk does not know (\"{role}\"), so nothing can be changed. Ask a safedesk admin to set it again.",
                            actor.name()
                        )))
                    }
                },
                _ => {
                    return Err(StoreError::NotAllowed(format!(
                        "{} is no longer on safedesk's active staff list, so nothing can be changed. Ask a safedesk admin.",
                        actor.name()
                    )))
                }
            }
        }
        let out = f(&tx).map_err(|e| e.into_store(&path))?;
        tx.commit().map_err(|e| map_err(&path, e))?;
        Ok(out)
    }

    /// Run `f` in one read transaction.
    fn read<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(|e| map_err(&path, e))?;
        let out = f(&tx).map_err(|e| map_err(&path, e))?;
        tx.commit().map_err(|e| map_err(&path, e))?;
        Ok(out)
    }

    /// Run a bare SQL statement for the benchmarks' "same SQL through rusqlite" comparison.
    #[doc(hidden)]
    pub fn raw_connection(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// An error inside a write: either SQLite's, or the store refusing something.
pub(crate) enum TxError {
    Sql(rusqlite::Error),
    Store(StoreError),
}

impl From<rusqlite::Error> for TxError {
    fn from(e: rusqlite::Error) -> Self {
        TxError::Sql(e)
    }
}

impl From<StoreError> for TxError {
    fn from(e: StoreError) -> Self {
        TxError::Store(e)
    }
}

impl TxError {
    fn into_store(self, path: &Path) -> StoreError {
        match self {
            TxError::Sql(e) => map_err(path, e),
            TxError::Store(e) => e,
        }
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

/// Turn a SQLite error into what it means for the person at the desk.
pub(crate) fn map_err(path: &Path, e: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    if let rusqlite::Error::SqliteFailure(f, ref msg) = e {
        if f.extended_code == rusqlite::ffi::SQLITE_READONLY_ROLLBACK {
            // A "hot journal": only a connection that may write can undo it.
            return StoreError::Invalid(format!(
                "A safedesk on another PC stopped part-way through saving a change to {p}, and that change has to be undone before the file can be read without writing to it. Run any safedesk command on it once without --read-only (for example: safedesk --db \"{p}\" staff list), which undoes it, then try again.",
                p = path.display()
            ));
        }
        return match f.code {
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Locked { path },
            ErrorCode::ReadOnly => StoreError::ReadOnly { path },
            ErrorCode::NotADatabase => StoreError::NotSafedesk {
                path,
                detail: "it is not an SQLite database file".into(),
            },
            ErrorCode::DatabaseCorrupt => StoreError::Other(format!(
                "{} is damaged ({}). Stop using it and restore last night's backup; run safedesk check for details.",
                path.display(),
                msg.clone().unwrap_or_default()
            )),
            ErrorCode::CannotOpen
            | ErrorCode::SystemIoFailure
            | ErrorCode::NotFound
            | ErrorCode::FileLockingProtocolFailed
            | ErrorCode::DiskFull
            | ErrorCode::PermissionDenied => StoreError::Unavailable {
                path,
                detail: msg.clone().unwrap_or_else(|| f.to_string()),
            },
            ErrorCode::ConstraintViolation => StoreError::Invalid(format!(
                "The database refused the change ({}).",
                msg.clone().unwrap_or_default()
            )),
            _ => StoreError::Other(e.to_string()),
        };
    }
    StoreError::Other(e.to_string())
}

impl Store for SqliteStore {
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn data_version(&mut self) -> Result<i64> {
        let path = self.path.clone();
        self.conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| map_err(&path, e))
    }

    fn database_id(&mut self) -> Result<String> {
        let path = self.path.clone();
        self.read(|tx| {
            tx.query_row(
                "SELECT value FROM meta WHERE key = 'database_id'",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()
        })
        .map(|id| id.unwrap_or_else(|| path.display().to_string()))
    }

    fn is_demo(&mut self) -> Result<bool> {
        self.read(|tx| {
            Ok(tx
                .query_row("SELECT value FROM meta WHERE key = 'demo'", [], |r| {
                    r.get::<_, String>(0)
                })
                .optional()?
                .as_deref()
                == Some("1"))
        })
    }

    fn schema_version(&mut self) -> Result<u32> {
        self.read(|tx| tx.query_row("PRAGMA user_version", [], |r| r.get(0)))
    }

    fn counts(&mut self) -> Result<Counts> {
        self.read(|tx| maintenance::counts(tx))
    }

    fn staff_by_login(&mut self, login: &str) -> Result<Option<Staff>> {
        self.read(|tx| records::staff_by_login(tx, login))
    }

    fn list_staff(&mut self) -> Result<Vec<Staff>> {
        self.read(records::list_staff)
    }

    fn add_staff(
        &mut self,
        actor: &Actor,
        login: &str,
        display_name: &str,
        role: Role,
    ) -> Result<Staff> {
        let login = login.trim().to_string();
        let display_name = display_name.trim().to_string();
        if login.is_empty()
            || login.chars().count() > 64
            || login.chars().any(|c| c.is_control() || c.is_whitespace())
        {
            return Err(StoreError::Invalid(
                "A login must be the name the person signs in to their PC with: no spaces, at most 64 characters.".into(),
            ));
        }
        if display_name.is_empty() || display_name.chars().any(char::is_control) {
            return Err(StoreError::Invalid(
                "Give the person's name as colleagues know it, for example --name \"Sam Patel\"."
                    .into(),
            ));
        }
        let staff = Staff {
            id: new_id(),
            login,
            display_name,
            role,
            active: true,
        };
        self.write_as(actor, Role::can_manage_staff, "add staff", |tx| {
            if records::staff_by_login(tx, &staff.login)?.is_some() {
                return Err(StoreError::Invalid(format!(
                    "{} is already on the staff list; use safedesk staff set-role to change their role.",
                    staff.login
                ))
                .into());
            }
            records::insert_staff(tx, &staff, &time::to_db(Utc::now()))?;
            records::audit(
                tx,
                actor,
                "add staff",
                "staff",
                &staff.id.to_string(),
                None,
                Some(serde_json::to_string(&staff).unwrap_or_default()),
            )?;
            Ok(staff.clone())
        })
    }

    fn set_staff_role(&mut self, actor: &Actor, login: &str, role: Role) -> Result<Staff> {
        self.update_staff(actor, login, "change a role", |s| s.role = role)
    }

    fn set_staff_active(&mut self, actor: &Actor, login: &str, active: bool) -> Result<Staff> {
        self.update_staff(actor, login, "change who is active", |s| s.active = active)
    }

    fn lookup(&mut self, query: &str, limit: usize) -> Result<Vec<LookupHit>> {
        self.read(|tx| lookup::lookup(tx, query, limit))
    }

    fn history(&mut self, customer: Id) -> Result<Option<CustomerHistory>> {
        self.read(|tx| records::history(tx, customer))
    }

    fn add_customer(&mut self, actor: &Actor, c: NewCustomer) -> Result<Customer> {
        let customer = records::validate_new_customer(c)?;
        self.write_as(
            actor,
            |_| true,
            "add customers",
            |tx| {
                records::insert_customer(tx, &customer)?;
                records::audit(
                    tx,
                    actor,
                    "add customer",
                    "customer",
                    &customer.id.to_string(),
                    None,
                    Some(serde_json::to_string(&customer).unwrap_or_default()),
                )?;
                Ok(customer.clone())
            },
        )
    }

    fn update_customer(
        &mut self,
        actor: &Actor,
        id: Id,
        edit: NewCustomer,
        expected_version: i64,
    ) -> Result<Customer> {
        self.write_as(
            actor,
            |_| true,
            "change customers' details",
            |tx| records::update_customer(tx, actor, id, edit, expected_version),
        )
    }

    fn record_incident(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        inc: &NewIncident,
    ) -> Result<SaveOutcome> {
        self.write_as(actor, incidents::can_record, "record incidents", |tx| {
            incidents::record(tx, actor, policy, inc)
        })
    }

    fn withdraw_incident(&mut self, actor: &Actor, incident: Id, reason: &str) -> Result<()> {
        self.write_as(
            actor,
            |_| true,
            "withdraw incidents",
            |tx| incidents::withdraw(tx, actor, incident, reason),
        )
    }

    fn amend_incident(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        amended: &NewIncident,
        expected_version: i64,
    ) -> Result<SaveOutcome> {
        self.write_as(
            actor,
            |_| true,
            "correct incidents",
            |tx| incidents::amend(tx, actor, policy, amended, expected_version),
        )
    }

    fn link_visitor(&mut self, actor: &Actor, visitor: Id, customer: Id) -> Result<()> {
        self.write_as(
            actor,
            |_| true,
            "link records",
            |tx| incidents::link_visitor(tx, actor, visitor, customer),
        )
    }

    fn open_cases(&mut self) -> Result<Vec<CaseSummary>> {
        self.read(decisions::open_cases)
    }

    fn queue(&mut self, actor: &Actor, today: chrono::NaiveDate) -> Result<Queue> {
        // Reviews that have come since anyone last looked get their case: a write only when one
        // is missing, so opening the queue is a single read on most days.
        if self.mode == OpenMode::ReadWrite && actor.role().is_some_and(Role::can_decide) {
            let missing = self.read(|tx| decisions::reviews_without_case(tx, today))?;
            if !missing.is_empty() {
                let opened = self.write_as(actor, Role::can_decide, "open review cases", |tx| {
                    Ok(decisions::open_review_cases(tx, actor, today)?)
                });
                // A drive that cannot be written to still shows the queue; the review cases
                // open the next time it can.
                match opened {
                    Err(e) if !e.is_transient() => return Err(e),
                    _ => {}
                }
            }
        }
        self.read(|tx| {
            Ok(Queue {
                cases: decisions::open_cases(tx)?,
                summary: decisions::queue_summary(tx, today)?,
            })
        })
    }

    fn case(&mut self, case: Id) -> Result<Option<CaseSummary>> {
        self.read(|tx| decisions::case(tx, case))
    }

    fn open_cases_for(&mut self, customer: Id) -> Result<Vec<CaseSummary>> {
        self.read(|tx| decisions::open_cases_for(tx, customer))
    }

    fn assign_case(
        &mut self,
        actor: &Actor,
        case: Id,
        to: Option<Id>,
        expected_version: i64,
    ) -> Result<()> {
        self.write_as(actor, Role::can_decide, "assign cases", |tx| {
            decisions::assign(tx, actor, case, to, expected_version)
        })
    }

    fn customer_request(&mut self, actor: &Actor, customer: Id, note: &str) -> Result<Id> {
        self.write_as(
            actor,
            |_| true,
            "record a customer's request",
            |tx| decisions::customer_request(tx, actor, customer, note),
        )
    }

    fn record_decision(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        d: &NewDecision,
    ) -> Result<DecisionSaved> {
        self.write_as(
            actor,
            Role::can_decide,
            "record decisions or restrict anyone's access",
            |tx| decisions::record_decision(tx, actor, policy, d),
        )
    }

    fn record_review(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        r: &NewReview,
    ) -> Result<ReviewSaved> {
        self.write_as(
            actor,
            Role::can_decide,
            "review, change or lift restrictions",
            |tx| decisions::record_review(tx, actor, policy, r),
        )
    }

    fn record_letter(&mut self, actor: &Actor, l: &NewLetter) -> Result<()> {
        self.write_as(actor, Role::can_decide, "produce letters", |tx| {
            decisions::record_letter(tx, actor, l)
        })
    }

    fn letter_sent(
        &mut self,
        actor: &Actor,
        letter: Id,
        on: chrono::NaiveDate,
        how: SentHow,
    ) -> Result<()> {
        self.write_as(actor, Role::can_decide, "record letters as sent", |tx| {
            decisions::letter_sent(tx, actor, letter, on, how)
        })
    }

    fn confirmation_not_possible(
        &mut self,
        actor: &Actor,
        decision: Id,
        reason: &str,
    ) -> Result<()> {
        self.write_as(
            actor,
            Role::can_decide,
            "record why written confirmation was not possible",
            |tx| decisions::confirmation_not_possible(tx, actor, decision, reason),
        )
    }

    fn bulk_load(&mut self, actor: &Actor, policy: &Policy, bulk: &Bulk) -> Result<()> {
        self.write_as(actor, Role::can_manage_staff, "load data in bulk", |tx| {
            records::bulk_load(tx, bulk)?;
            incidents::open_cases_for_bulk(tx, actor, policy, bulk)?;
            records::audit(
                tx,
                actor,
                "bulk load",
                "database",
                "",
                None,
                Some(format!(
                    "{{\"customers\":{},\"incidents\":{}}}",
                    bulk.customers.len(),
                    bulk.incidents.len()
                )),
            )?;
            Ok(())
        })
    }

    fn audit_for(&mut self, entity_id: &str) -> Result<Vec<AuditEntry>> {
        self.read(|tx| records::audit_for(tx, entity_id))
    }

    fn check(&mut self, quick: bool) -> Result<CheckReport> {
        maintenance::check(&self.conn, &self.path, quick)
    }

    fn backup_to(
        &mut self,
        dest: &Path,
        overwrite: bool,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<BackupReport> {
        maintenance::backup(&self.conn, &self.path, dest, overwrite, progress)
    }
}

impl SqliteStore {
    fn update_staff(
        &mut self,
        actor: &Actor,
        login: &str,
        what: &str,
        change: impl FnOnce(&mut Staff),
    ) -> Result<Staff> {
        self.write_as(actor, Role::can_manage_staff, what, |tx| {
            let Some(before) = records::staff_by_login(tx, login)? else {
                return Err(StoreError::Missing(format!(
                    "no member of staff has the login \"{login}\"; safedesk staff list shows who has"
                ))
                .into());
            };
            let mut after = before.clone();
            change(&mut after);
            if before.role == Role::Admin
                && (after.role != Role::Admin || !after.active)
                && records::active_admins(tx)? <= 1
            {
                return Err(StoreError::Invalid(
                    "That would leave no active admin. Make someone else an admin first.".into(),
                )
                .into());
            }
            tx.execute(
                "UPDATE staff SET role = ?2, active = ?3, version = version + 1 WHERE id = ?1",
                params![after.id.to_string(), after.role.as_str(), after.active],
            )?;
            records::audit(
                tx,
                actor,
                what,
                "staff",
                &after.id.to_string(),
                Some(serde_json::to_string(&before).unwrap_or_default()),
                Some(serde_json::to_string(&after).unwrap_or_default()),
            )?;
            Ok(after)
        })
    }
}
