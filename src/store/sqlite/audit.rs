//! The audit log: every change is written to it inside the same transaction, and read back by
//! record.

use crate::domain::{Actor, AuditEntry};
use crate::time;
use chrono::Utc;
use rusqlite::{params, Transaction};

pub(super) fn audit(
    tx: &Transaction<'_>,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<String>,
    after: Option<String>,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO audit (at, staff_id, login, action, entity, entity_id, before, after) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        time::to_db(Utc::now()),
        actor.staff.as_ref().map(|s| s.id.to_string()),
        actor.login,
        action,
        entity,
        entity_id,
        before,
        after
    ])?;
    Ok(())
}

pub(super) fn audit_for(
    tx: &Transaction<'_>,
    entity_id: &str,
) -> rusqlite::Result<Vec<AuditEntry>> {
    tx.prepare_cached(
        "SELECT a.at, coalesce(s.display_name, a.login), a.action, a.entity, a.entity_id, a.before, a.after \
         FROM audit a LEFT JOIN staff s ON s.id = a.staff_id WHERE a.entity_id = ?1 ORDER BY a.seq",
    )?
    .query_map([entity_id], |r| {
        Ok(AuditEntry {
            at: r.get(0)?,
            who: r.get(1)?,
            action: r.get(2)?,
            entity: r.get(3)?,
            entity_id: r.get(4)?,
            before: r.get(5)?,
            after: r.get(6)?,
        })
    })?
    .collect()
}

/// Forget what audit entry `seq` said about a record that is no longer held (a retention run
/// removed it): its before and after are blanked, and the entry itself stays (who did what to
/// which record, and when). The lead's merge makes this call the audit chain's own redaction,
/// which keeps the entry's content hash so the chain still verifies.
pub(super) fn forget_content(tx: &Transaction<'_>, seq: i64) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE audit SET before = NULL, after = NULL WHERE seq = ?1")?
        .execute([seq])?;
    Ok(())
}

/// The audit entries about any of `ids`, by their number, oldest first.
pub(super) fn seqs_about(tx: &Transaction<'_>, ids: &[String]) -> rusqlite::Result<Vec<i64>> {
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    tx.prepare_cached(
        "SELECT seq FROM audit WHERE entity_id IN (SELECT value FROM json_each(?1)) ORDER BY seq",
    )?
    .query_map([list], |r| r.get(0))?
    .collect()
}

/// The audit entries about any of `ids`, oldest first, with who made them.
pub(super) fn entries_about(
    tx: &Transaction<'_>,
    ids: &[String],
) -> rusqlite::Result<Vec<AuditEntry>> {
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    tx.prepare_cached(
        "SELECT a.at, coalesce(s.display_name, a.login), a.action, a.entity, a.entity_id, a.before, a.after \
         FROM audit a LEFT JOIN staff s ON s.id = a.staff_id \
         WHERE a.entity_id IN (SELECT value FROM json_each(?1)) ORDER BY a.seq",
    )?
    .query_map([list], |r| {
        Ok(AuditEntry {
            at: r.get(0)?,
            who: r.get(1)?,
            action: r.get(2)?,
            entity: r.get(3)?,
            entity_id: r.get(4)?,
            before: r.get(5)?,
            after: r.get(6)?,
        })
    })?
    .collect()
}
