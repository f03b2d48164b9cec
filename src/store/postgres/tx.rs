//! How every read and write runs on the server: one transaction per action, as the SQLite store.
//!
//! * **Writes** take a transaction-scoped advisory lock ([`WRITE_KEY`]) first, so writers take
//!   turns exactly as `BEGIN IMMEDIATE` makes them take turns on the shared file: every check a
//!   write makes (a row's version, the count of incidents that opens a case, the audit chain's
//!   last hash) sees everything committed before it and nothing can slip in between. The
//!   writer's role is read again inside the write. Every write gives `NOTIFY safedesk_changed`
//!   with its lock, which the server delivers to the other PCs only when the write commits.
//! * Each connection keeps the statements it prepared (`statements.rs`): a question asked
//!   again is one round trip to the server, not two.
//! * **Reads** are one `REPEATABLE READ, READ ONLY` transaction: one snapshot, as one SQLite read
//!   transaction.
//! * A connection found closed is made again before the next action (the server restarted, the
//!   VPN dropped); while it cannot be, every action says so in one sentence and what was being
//!   saved waits in the outbox ([`StoreError::ServerUnavailable`] is transient).

use super::errors::{PgTxError, TxResult};
use super::statements::Tx;
use super::{explain, PgError, PgStore};
use crate::domain::{Actor, Role};
use crate::policy::Policy;
use crate::store::{OpenMode, Result, StoreError};
use ::postgres::error::SqlState;
use ::postgres::fallible_iterator::FallibleIterator;
use ::postgres::IsolationLevel;

/// The advisory lock every write transaction holds: "sd-write" in ASCII.
pub const WRITE_KEY: i64 = 0x7364_2d77_7269_7465;

/// The channel every write notifies, and every connection listens on.
pub const CHANNEL: &str = "safedesk_changed";

impl From<PgError> for StoreError {
    fn from(e: PgError) -> Self {
        if e.is_transient() {
            StoreError::ServerUnavailable(e.to_string())
        } else if let PgError::TooNew {
            address,
            found,
            supported,
        } = e
        {
            StoreError::TooNew {
                path: address.into(),
                found,
                supported,
            }
        } else {
            StoreError::Server(e.to_string())
        }
    }
}

impl PgStore {
    /// What a server error means for the person at the desk.
    pub(crate) fn store_error(&self, e: ::postgres::Error) -> StoreError {
        let address = self.config.to_string();
        if let Some(db) = e.as_db_error() {
            let code = db.code();
            if *code == SqlState::UNIQUE_VIOLATION
                || *code == SqlState::FOREIGN_KEY_VIOLATION
                || *code == SqlState::CHECK_VIOLATION
                || *code == SqlState::NOT_NULL_VIOLATION
            {
                return StoreError::Invalid(format!(
                    "The database refused the change ({}).",
                    db.message()
                ));
            }
            if *code == SqlState::LOCK_NOT_AVAILABLE
                || *code == SqlState::T_R_SERIALIZATION_FAILURE
                || *code == SqlState::T_R_DEADLOCK_DETECTED
                || *code == SqlState::QUERY_CANCELED
            {
                return StoreError::ServerBusy {
                    address,
                    seconds: self.busy_timeout_ms.div_ceil(1000),
                };
            }
            if *code == SqlState::INSUFFICIENT_PRIVILEGE {
                return StoreError::Server(format!(
                    "The PostgreSQL server at {address} does not let user {} do this ({}): ask IT to give safedesk's database user the grants the README lists.",
                    self.config.user,
                    db.message()
                ));
            }
            if *code == SqlState::ADMIN_SHUTDOWN
                || *code == SqlState::CRASH_SHUTDOWN
                || *code == SqlState::CANNOT_CONNECT_NOW
            {
                return StoreError::ServerUnavailable(
                    PgError::Lost {
                        address,
                        detail: db.message().to_string(),
                    }
                    .to_string(),
                );
            }
        }
        explain(&self.config, &e).into()
    }

    fn tx_error(&self, e: PgTxError) -> StoreError {
        match e {
            PgTxError::Db(e) => self.store_error(e),
            PgTxError::Store(e) => e,
        }
    }

    /// The connection, made again first if it was found closed. A new connection listens again
    /// and counts as a change (what was notified while away is lost).
    pub(crate) fn connected(&mut self) -> Result<()> {
        if !self.client.is_closed() {
            return Ok(());
        }
        let fresh = PgStore::connect_only(&self.config)?;
        self.client = fresh.client;
        self.statements.clear();
        self.server_version = fresh.server_version;
        self.listen()?;
        self.changes += 1;
        Ok(())
    }

    /// Name this connection `tag` (its `application_name`, which the server shows every
    /// session), now and after any reconnection: how running instances count each other on a
    /// server without writing anything (`sync::presence`). The server keeps at most 63 bytes.
    pub(crate) fn announce_as(&mut self, tag: &str) -> Result<()> {
        let tag: String = tag
            .chars()
            .map(|c| if c.is_ascii_graphic() { c } else { ' ' })
            .take(63)
            .collect();
        self.config.application_name = tag.clone();
        self.connected()?;
        // The server keeps a connection open until it knows the PC is gone: a PC switched off
        // or off the network is noticed within about half a minute (keepalives every 5 s after
        // 15 s quiet, 3 unanswered), not the system's two hours.
        let out = self.client.execute(
            "SELECT set_config('application_name', $1, false), \
             set_config('tcp_keepalives_idle', '15', false), \
             set_config('tcp_keepalives_interval', '5', false), \
             set_config('tcp_keepalives_count', '3', false)",
            &[&tag],
        );
        out.map(drop).map_err(|e| self.store_error(e))
    }

    /// The names ([`PgStore::announce_as`]) of every safedesk session connected to this
    /// database now that has said something in the last 30 seconds (a running one names itself
    /// every 5), this one's too. A session whose PC crashed or went off the network drops out
    /// then, as a presence file goes stale. (`state_change` is shown only for sessions of the
    /// same database user, the README's one app user; for another user's it is unknown, and the
    /// session counts while its connection is open.)
    pub(crate) fn announced_tags(&mut self) -> Result<Vec<String>> {
        self.connected()?;
        let out = self.client.query(
            "SELECT application_name FROM pg_catalog.pg_stat_activity \
             WHERE datname = current_database() AND application_name LIKE 'safedesk %' \
             AND (state_change IS NULL OR state_change > now() - interval '30 seconds')",
            &[],
        );
        match out {
            Ok(rows) => Ok(rows.iter().map(|r| r.get(0)).collect()),
            Err(e) => Err(self.store_error(e)),
        }
    }

    /// Listen for other PCs' changes on this connection.
    pub(crate) fn listen(&mut self) -> Result<()> {
        let out = self.client.batch_execute(&format!("LISTEN {CHANNEL}"));
        out.map_err(|e| self.store_error(e))
    }

    /// How many changes this connection has been told of (and reconnections): it changes
    /// whenever another PC commits a write. Never blocks waiting for the network.
    pub(crate) fn changes_seen(&mut self) -> Result<i64> {
        self.connected()?;
        let mut got = 0;
        let polled = {
            // A wait of a millisecond, not a bare poll: the client's runtime reads the socket
            // only while it waits, so a poll alone would never hear anything.
            let mut notes = self.client.notifications();
            let mut it = notes.timeout_iter(std::time::Duration::from_millis(1));
            loop {
                match it.next() {
                    Ok(Some(_)) => got += 1,
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            }
        };
        self.changes += got;
        match polled {
            Ok(()) => Ok(self.changes),
            Err(e) => Err(self.store_error(e)),
        }
    }

    /// Run `f` in one read transaction (one snapshot).
    pub(crate) fn read<T>(&mut self, mut f: impl FnMut(&mut Tx<'_>) -> TxResult<T>) -> Result<T> {
        self.connected()?;
        let out = (|| {
            let tx = self
                .client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            let mut tx = Tx::new(tx, &mut self.statements);
            let out = f(&mut tx)?;
            tx.commit()?;
            Ok(out)
        })();
        out.map_err(|e| self.tx_error(e))
    }

    /// Run `f` in one write transaction, holding the write lock, after checking the actor's
    /// role (and again inside the transaction, from the staff list). Notifies the other PCs.
    pub(crate) fn write_as<T>(
        &mut self,
        actor: &Actor,
        allowed: impl Fn(Role) -> bool,
        what: &str,
        mut f: impl FnMut(&mut Tx<'_>) -> TxResult<T>,
    ) -> Result<T> {
        self.write_inner(actor, &allowed, what, &mut |tx, _| f(tx))
    }

    /// As [`PgStore::write_as`], `f` also given the office's policy in force, read inside the
    /// transaction (the newest an admin set, else the built-in one).
    pub(crate) fn write_with_policy<T>(
        &mut self,
        actor: &Actor,
        allowed: impl Fn(Role) -> bool,
        what: &str,
        mut f: impl FnMut(&mut Tx<'_>, &Policy) -> TxResult<T>,
    ) -> Result<T> {
        self.write_inner(actor, &allowed, what, &mut |tx, cache| {
            let policy = super::settings::policy_in_force(tx, cache)?;
            f(tx, &policy)
        })
    }

    fn write_inner<T>(
        &mut self,
        actor: &Actor,
        allowed: &impl Fn(Role) -> bool,
        what: &str,
        f: &mut impl FnMut(&mut Tx<'_>, &mut super::settings::PolicyCache) -> TxResult<T>,
    ) -> Result<T> {
        if self.mode == OpenMode::ReadOnly {
            return Err(StoreError::NotAllowed(format!(
                "safedesk was started with --read-only, so it cannot {what}."
            )));
        }
        crate::store::role_allows(actor, allowed, what)?;
        self.connected()?;
        let lock_ms = self.busy_timeout_ms;
        let mut cache = self.office_policy.take();
        let out = (|| {
            let tx = self.client.transaction()?;
            let mut tx = Tx::new(tx, &mut self.statements);
            // One round trip for the lock's patience, the lock, and the notice to the other PCs
            // (the server delivers a notice only when its transaction commits, wherever in the
            // transaction it was given).
            tx.batch_execute(&format!(
                "SET LOCAL lock_timeout = {lock_ms}; SELECT pg_advisory_xact_lock({WRITE_KEY}); \
                 NOTIFY {CHANNEL}"
            ))?;
            if let Some(staff) = &actor.staff {
                let now =
                    tx.query_opt("SELECT role, active FROM staff WHERE id = $1", &[&staff.id])?;
                let now = now.map(|r| (r.get::<_, String>(0), r.get::<_, bool>(1)));
                crate::store::role_still_allows(actor, allowed, what, now)?;
            }
            let out = f(&mut tx, &mut cache)?;
            tx.commit()?;
            Ok(out)
        })();
        self.office_policy = cache;
        out.map_err(|e| self.tx_error(e))
    }
}
