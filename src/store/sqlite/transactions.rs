//! How every read and write runs: one `BEGIN IMMEDIATE` transaction per write, the writer's role
//! checked before it and again inside it, and one deferred transaction per read.

use super::errors::{map_err, TxError};
use super::SqliteStore;
use crate::domain::{Actor, Role};
use crate::store::{OpenMode, Result, StoreError};
use rusqlite::{OptionalExtension, TransactionBehavior};

impl SqliteStore {
    /// Run `f` in one `BEGIN IMMEDIATE` transaction.
    pub(super) fn write<T>(
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
    /// An error that calls the file damaged is checked against the file first (`judged`), and
    /// believed only when it comes again on a fresh read (`confirmed`).
    pub(super) fn write_as<T>(
        &mut self,
        actor: &Actor,
        allowed: impl Fn(Role) -> bool,
        what: &str,
        mut f: impl FnMut(&rusqlite::Transaction<'_>) -> std::result::Result<T, TxError>,
    ) -> Result<T> {
        let out = self.write_as_unjudged(actor, &allowed, what, &mut f);
        let out = out.map_err(|e| self.judged(e));
        self.confirmed(out, |s| {
            let again = s.write_as_unjudged(actor, &allowed, what, &mut f);
            again.map_err(|e| s.judged(e))
        })
    }

    /// A write or read that SQLite called damaged, though the file read back, is tried once
    /// more on a fresh page cache before it is believed. A network mount that dropped out for a
    /// moment gives back zeros that SQLite calls "malformed", and may answer again by the time
    /// the file is read back; real damage is found again. (A write that failed was rolled back,
    /// and every write is safe to make twice.)
    fn confirmed<T>(
        &mut self,
        out: Result<T>,
        again: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        match out {
            Err(StoreError::Damaged { .. }) if self.damaged.is_none() => {
                let _ = self.conn.execute_batch("PRAGMA shrink_memory");
                again(self)
            }
            other => other,
        }
    }

    fn write_as_unjudged<T>(
        &mut self,
        actor: &Actor,
        allowed: &impl Fn(Role) -> bool,
        what: &str,
        f: &mut impl FnMut(&rusqlite::Transaction<'_>) -> std::result::Result<T, TxError>,
    ) -> Result<T> {
        if self.mode == OpenMode::ReadOnly {
            return Err(StoreError::NotAllowed(format!(
                "safedesk was started with --read-only, so it cannot {what}."
            )));
        }
        if let Some(detail) = &self.damaged {
            // Never write into a damaged file: it would spread the damage, or be lost with it.
            return Err(StoreError::Damaged {
                path: self.path.clone(),
                detail: detail.clone(),
            });
        }
        crate::store::role_allows(actor, allowed, what)?;
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
            crate::store::role_still_allows(actor, allowed, what, now)?;
        }
        let out = f(&tx).map_err(|e| e.into_store(&path))?;
        tx.commit().map_err(|e| map_err(&path, e))?;
        Ok(out)
    }

    /// Run `f` in one read transaction. An error that calls the file damaged is checked
    /// against the file first, once the transaction has ended (`judged`), and believed only
    /// when it comes again on a fresh read (`confirmed`).
    pub(super) fn read<T>(
        &mut self,
        mut f: impl FnMut(&rusqlite::Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T> {
        let out = self.read_unjudged(&mut f);
        let out = out.map_err(|e| self.judged(e));
        self.confirmed(out, |s| {
            let again = s.read_unjudged(&mut f);
            again.map_err(|e| s.judged(e))
        })
    }

    fn read_unjudged<T>(
        &mut self,
        f: &mut impl FnMut(&rusqlite::Transaction<'_>) -> rusqlite::Result<T>,
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
}
