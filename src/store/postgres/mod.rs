//! The PostgreSQL store (issue 21): the same [`crate::store::Store`] as the SQLite file's, on a
//! server. The address (`address.rs`), the password (`passfile.rs`), TLS (`tls.rs`), connecting
//! with a sentence for each failure (`errors.rs`), the schema with its migrations
//! (`migrations.rs`), how every read and write runs (`tx.rs`), the trait (`store.rs`) over one
//! file a topic as `sqlite/` has, and moving an office's file in (`copy.rs`). What is not SQL is
//! in `store/rules/`, shared with the SQLite store. The app does not open one yet: `--db
//! postgres://...` is refused with a sentence until the session, the presence and the screens
//! that name a file are ready for a server.
//!
//! The client is the synchronous `postgres` crate (it runs its own small tokio runtime inside,
//! which suits the worker thread that owns the connection), with TLS by rustls.
//!
//! # Noticing other PCs' changes
//!
//! Every write transaction ends with `NOTIFY safedesk_changed` (delivered by the server only when
//! the transaction commits); each connection `LISTEN`s and counts what it hears as its
//! `data_version` (`tx.rs`), and a reconnection counts as a change, since what was notified
//! while away is lost.

pub mod address;
mod audit;
mod cases;
pub mod copy;
mod decisions;
pub mod errors;
mod incidents;
mod letters;
mod lineage;
mod lists;
mod lookup;
mod maintenance;
mod merge;
pub mod migrations;
mod news;
pub mod passfile;
mod queue;
mod records;
mod retention;
mod safety;
mod settings;
mod staff;
mod statements;
mod store;
mod subject_access;
pub mod tls;
mod tx;

/// What every topic module uses.
mod prelude {
    pub(super) use super::PgStore;
    pub(super) use crate::domain::{
        Actor, ApprovalAnswer, ApprovalSaved, AuditEntry, AuditPage, AuditQuery, BackupReport,
        Bulk, CardView, CaseSummary, CasesChanged, CheckReport, Counts, Customer, CustomerHistory,
        DecisionSaved, Id, LookupHit, MergeRef, MergeReversed, MergeSaved, NewCustomer,
        NewDecision, NewIncident, NewLetter, NewReview, OfficeSetting, OwedLetter, Queue,
        QueuePage, QueueQuery, QueueWatch, RetentionReport, ReviewSaved, Role, SentHow,
        SettingKind, Staff, SubjectAccess,
    };
    pub(super) use crate::policy::incident::SaveOutcome;
    pub(super) use crate::policy::Policy;
    pub(super) use crate::store::{Result, Store, StoreError};
    pub(super) use std::path::Path;
}

pub use tx::{CHANNEL, WRITE_KEY};

pub use address::{is_postgres_address, Host, PgConfig, SslMode};
pub use errors::{PgError, OLDEST_SUPPORTED};

use migrations::{Found, LATEST, LOCK_KEY};

/// A connection to a safedesk database on a PostgreSQL server.
pub struct PgStore {
    client: ::postgres::Client,
    config: PgConfig,
    server_version: i32,
    mode: crate::store::OpenMode,
    /// How long a write waits for another PC's write to finish before giving up.
    busy_timeout_ms: u64,
    /// The office's policy as this connection last read it.
    office_policy: settings::PolicyCache,
    /// Changes other PCs were heard to commit, and reconnections ([`Store::data_version`]).
    ///
    /// [`Store::data_version`]: crate::store::Store::data_version
    changes: i64,
    /// The statements this connection has prepared (`statements.rs`).
    statements: statements::Statements,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("address", &self.config.to_string())
            .field("server_version", &self.server_version)
            .finish()
    }
}

impl PgStore {
    /// Connect, check the server's version, and bring the schema up to date (or refuse a
    /// database that is newer than this build or holds another application's tables).
    pub fn connect(config: &PgConfig) -> Result<PgStore, PgError> {
        let mut store = Self::connect_only(config)?;
        store.migrate()?;
        Ok(store)
    }

    /// Connect and check the server's version, leaving the schema as it is.
    pub fn connect_only(config: &PgConfig) -> Result<PgStore, PgError> {
        let address = config.to_string();
        let mut pg = ::postgres::Config::new();
        pg.port(config.port)
            .dbname(&config.dbname)
            .user(&config.user)
            .application_name(&config.application_name)
            .connect_timeout(config.connect_timeout);
        let tcp = match &config.host {
            Host::Tcp(h) => {
                pg.host(h);
                true
            }
            #[cfg(unix)]
            Host::Socket(dir) => {
                pg.host_path(dir);
                false
            }
            #[cfg(not(unix))]
            Host::Socket(dir) => {
                return Err(PgError::Setup(format!(
                    "The database address names a Unix socket folder ({}), which Windows does not have: give the server's name or IP address as host.",
                    dir.display()
                )))
            }
        };
        if let Some(p) = passfile::password_for(config).map_err(PgError::Setup)? {
            pg.password(p);
        }
        // As libpq: TLS is never used over a Unix socket, whatever sslmode says.
        let tls = if tcp {
            tls::client_config(config).map_err(PgError::Setup)?
        } else {
            None
        };
        let connected = match tls {
            None => {
                pg.ssl_mode(::postgres::config::SslMode::Disable);
                pg.connect(::postgres::NoTls)
            }
            Some(rustls) => {
                pg.ssl_mode(if config.sslmode == SslMode::Prefer {
                    ::postgres::config::SslMode::Prefer
                } else {
                    ::postgres::config::SslMode::Require
                });
                pg.connect(tokio_postgres_rustls::MakeRustlsConnect::new(rustls))
            }
        };
        let mut client = connected.map_err(|e| explain_connect(config, &e))?;
        let num: String = client
            .query_one("SELECT current_setting('server_version_num')", &[])
            .map_err(|e| explain(config, &e))?
            .get(0);
        let server_version = num.trim().parse::<i32>().unwrap_or(0);
        errors::check_version(&address, server_version)?;
        Ok(PgStore {
            client,
            config: config.clone(),
            server_version,
            mode: crate::store::OpenMode::ReadWrite,
            busy_timeout_ms: crate::store::OpenOptions::default().busy_timeout_ms,
            office_policy: None,
            changes: 0,
            statements: statements::Statements::new(),
        })
    }

    /// Open the safedesk database at `config` as a store: connect, bring the schema up to date
    /// (read-only: only check it is one this build understands), and listen for other PCs'
    /// changes.
    pub fn open(
        config: &PgConfig,
        opts: &crate::store::OpenOptions,
    ) -> crate::store::Result<PgStore> {
        let mut store = Self::connect_only(config)?;
        store.mode = opts.mode;
        store.busy_timeout_ms = opts.busy_timeout_ms;
        if opts.mode == crate::store::OpenMode::ReadOnly {
            let found = migrations::found(&mut store.client)
                .map_err(|e| crate::store::StoreError::from(explain(config, &e)))?;
            if acceptable(config, found)? == 0 {
                return Err(crate::store::StoreError::Server(format!(
                    "{config} has no safedesk data yet, so there is nothing to look at or check. Set it up with: safedesk --db ADDRESS init (or start safedesk once without --read-only)."
                )));
            }
        } else {
            store.migrate()?;
        }
        store.listen()?;
        Ok(store)
    }

    /// Set up a new safedesk database at `config` (an empty database IT made for it) with its
    /// first admin: the schema, the admin and whether it holds demo data, in one transaction.
    /// A database that already has safedesk's staff is refused.
    pub fn create(
        config: &PgConfig,
        opts: &crate::store::OpenOptions,
        first_admin_login: &str,
        first_admin_name: &str,
        demo: bool,
    ) -> crate::store::Result<PgStore> {
        let admin = crate::store::rules::staff::first_admin(first_admin_login, first_admin_name)?;
        Self::create_with_admin(config, opts, &admin, demo)
    }

    /// As [`PgStore::create`], with this member of staff as the first admin.
    pub fn create_with_admin(
        config: &PgConfig,
        opts: &crate::store::OpenOptions,
        admin: &crate::domain::Staff,
        demo: bool,
    ) -> crate::store::Result<PgStore> {
        use crate::store::StoreError;
        let mut store = Self::open(config, opts)?;
        let actor = crate::domain::Actor {
            staff: Some(admin.clone()),
            login: admin.login.clone(),
        };
        let made = (|| -> errors::TxResult<bool> {
            let tx = store.client.transaction()?;
            let mut tx = statements::Tx::new(tx, &mut store.statements);
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_KEY])?;
            let staff: i64 = tx.query_one("SELECT count(*) FROM staff", &[])?.get(0);
            if staff > 0 {
                return Ok(false);
            }
            tx.execute(
                "INSERT INTO safedesk_meta (key, value) VALUES ('demo', $1) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&if demo { "1" } else { "0" }],
            )?;
            staff::insert_staff(&mut tx, admin)?;
            audit::audit(
                &mut tx,
                &actor,
                "create database",
                "staff",
                &admin.id.to_string(),
                None,
                Some(serde_json::to_string(admin).unwrap_or_default()),
            )?;
            tx.batch_execute(&format!("NOTIFY {CHANNEL}"))?;
            tx.commit()?;
            Ok(true)
        })();
        match made {
            Ok(true) => Ok(store),
            Ok(false) => Err(StoreError::Invalid(format!(
                "{config} already holds a safedesk database; safedesk will not set it up again. Open it with --db, or give the address of a new, empty database."
            ))),
            Err(errors::PgTxError::Store(e)) => Err(e),
            Err(errors::PgTxError::Db(e)) => Err(store.store_error(e)),
        }
    }

    /// The address connected to, without anything secret.
    pub fn location(&self) -> String {
        self.config.to_string()
    }

    /// The server's version, as `server_version_num` gives it (150018 for 15.18).
    pub fn server_version(&self) -> i32 {
        self.server_version
    }

    /// The database's schema version (0 for an empty database).
    pub fn schema_version(&mut self) -> Result<u32, PgError> {
        match migrations::found(&mut self.client).map_err(|e| explain(&self.config, &e))? {
            Found::Safedesk(v) => Ok(v),
            Found::Empty => Ok(0),
            Found::Other(tables) => Err(not_safedesk(&self.config, &tables)),
        }
    }

    /// Whether this connection is encrypted (TLS), as the server sees it.
    pub fn tls_in_use(&mut self) -> Result<bool, PgError> {
        let row = self
            .client
            .query_opt(
                "SELECT ssl FROM pg_catalog.pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .map_err(|e| explain(&self.config, &e))?;
        Ok(row.is_some_and(|r| r.get(0)))
    }

    /// The database's own id, made when it was set up (as the SQLite store's `database_id`).
    pub fn database_id(&mut self) -> Result<String, PgError> {
        let row = self
            .client
            .query_opt(
                "SELECT value FROM safedesk_meta WHERE key = 'database_id'",
                &[],
            )
            .map_err(|e| explain(&self.config, &e))?;
        Ok(row.map(|r| r.get(0)).unwrap_or_default())
    }

    /// Bring the schema up to date in one transaction holding the migration lock, so that of
    /// two PCs starting at once the second finds the work done. Returns the version found.
    pub fn migrate(&mut self) -> Result<u32, PgError> {
        let config = self.config.clone();
        let err = |e: ::postgres::Error| explain(&config, &e);
        // A quick look without the lock: an up-to-date database is not written to.
        let found = migrations::found(&mut self.client).map_err(err)?;
        let before = acceptable(&config, found)?;
        if before == LATEST {
            return Ok(before);
        }
        let mut tx = self.client.transaction().map_err(err)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
            .map_err(err)?;
        // Another PC may have migrated while this one waited for the lock.
        let found = migrations::found(&mut tx).map_err(err)?;
        let current = acceptable(&config, found)?;
        for n in current + 1..=LATEST {
            tx.batch_execute(&migrations::migration_sql(n))
                .map_err(err)?;
            tx.execute(
                "UPDATE safedesk_meta SET value = $1 WHERE key = 'schema_version'",
                &[&n.to_string()],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(current)
    }
}

/// The schema version of what was found, or why safedesk will not use it.
fn acceptable(config: &PgConfig, found: Found) -> Result<u32, PgError> {
    match found {
        Found::Empty => Ok(0),
        Found::Safedesk(v) if v > LATEST => Err(PgError::TooNew {
            address: config.to_string(),
            found: v,
            supported: LATEST,
        }),
        Found::Safedesk(v) => Ok(v),
        Found::Other(tables) => Err(not_safedesk(config, &tables)),
    }
}

fn not_safedesk(config: &PgConfig, tables: &[String]) -> PgError {
    let mut list = tables
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if tables.len() > 3 {
        list.push_str(" and others");
    }
    PgError::NotSafedesk {
        address: config.to_string(),
        tables: list,
    }
}

/// A sentence for a failure to connect.
fn explain_connect(config: &PgConfig, e: &::postgres::Error) -> PgError {
    let address = config.to_string();
    if let Some(db) = e.as_db_error() {
        let detail = db.message().to_string();
        return match db.code().code() {
            // invalid_password, invalid_authorization_specification (no such role, pg_hba).
            "28P01" | "28000" => PgError::LoginRefused {
                address,
                user: config.user.clone(),
                detail,
            },
            "3D000" => PgError::NoDatabase {
                address,
                dbname: config.dbname.clone(),
            },
            // too_many_connections, cannot_connect_now (starting or stopping).
            "53300" | "57P03" => PgError::Unreachable { address, detail },
            _ => PgError::Refused { address, detail },
        };
    }
    let inner = errors::innermost(e);
    if inner == "password missing" {
        return PgError::NoPassword {
            address,
            user: config.user.clone(),
            passfile: passfile::passfile_path(config)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "none is known on this PC".into()),
        };
    }
    if inner == "server does not support TLS" {
        return PgError::TlsNotOffered {
            address,
            sslmode: config.sslmode.as_str().into(),
        };
    }
    if e.to_string().starts_with("error performing TLS handshake") {
        return PgError::Tls {
            address,
            detail: inner,
        };
    }
    if matches!(
        e.to_string().as_str(),
        "error connecting to server" | "timeout waiting for server"
    ) || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
    {
        let detail = if e.to_string() == "timeout waiting for server" {
            format!(
                "no answer within {} seconds",
                config.connect_timeout.as_secs()
            )
        } else {
            match errors::io_kind(e) {
                // A Unix socket that is not there: no server is running behind it.
                Some(std::io::ErrorKind::NotFound) => {
                    format!("no server is running there: {inner}")
                }
                Some(std::io::ErrorKind::ConnectionRefused) => {
                    format!("nothing answers at port {}: {inner}", config.port)
                }
                _ => inner,
            }
        };
        return PgError::Unreachable { address, detail };
    }
    explain(config, e)
}

/// A sentence for a failure on a connection that was made.
fn explain(config: &PgConfig, e: &::postgres::Error) -> PgError {
    let address = config.to_string();
    if let Some(db) = e.as_db_error() {
        return PgError::Refused {
            address,
            detail: db.message().to_string(),
        };
    }
    if e.is_closed() || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>()) {
        return PgError::Lost {
            address,
            detail: errors::innermost(e),
        };
    }
    PgError::Refused {
        address,
        detail: errors::innermost(e),
    }
}
