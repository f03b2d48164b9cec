//! The audit trail on the server: every change is written to it inside the same transaction,
//! chained by hashes exactly as the SQLite store chains them (`rules/audit.rs`), so a trail
//! copied from a file verifies on the server and goes on from it.

use super::errors::TxResult;
use super::prelude::*;
use crate::domain::{Actor, Id};
use crate::store::rules::audit::{chain_hash, content_hash, Link};
use ::postgres::Transaction;
use chrono::Utc;

/// The customer an entry is about, worked out from the record it names; kept beside the entry
/// (not in its hash) so a customer's history of changes is read by an index.
fn customer_of(
    tx: &mut Transaction<'_>,
    entity: &str,
    entity_id: &str,
    after: Option<&str>,
) -> TxResult<Option<Id>> {
    let id = |s: &str| Id::parse_str(s).ok();
    let one = |tx: &mut Transaction<'_>, sql: &str, key: Option<Id>| -> TxResult<Option<Id>> {
        match key {
            None => Ok(None),
            Some(k) => Ok(tx.query_opt(sql, &[&k])?.and_then(|r| r.get(0))),
        }
    };
    match entity {
        "customer" => Ok(id(entity_id)),
        "incident" => one(
            tx,
            "SELECT customer_id FROM incident WHERE id = $1",
            id(entity_id),
        ),
        "case" => one(
            tx,
            "SELECT customer_id FROM escalation_case WHERE id = $1",
            id(entity_id),
        ),
        "decision" => one(
            tx,
            "SELECT customer_id FROM decision WHERE id = $1",
            id(entity_id),
        ),
        "restriction" => one(
            tx,
            "SELECT customer_id FROM restriction WHERE id = $1",
            id(entity_id),
        ),
        "letter" => one(
            tx,
            "SELECT customer_id FROM letter WHERE id = $1",
            id(entity_id),
        ),
        "review" => Ok(tx
            .query_opt(
                "SELECT r.customer_id FROM review v JOIN restriction r ON r.id = v.restriction_id \
                 WHERE v.batch = $1 LIMIT 1",
                &[&entity_id],
            )?
            .and_then(|r| r.get(0))),
        "request" => {
            let case = after
                .and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
                .and_then(|v| v.get("case").and_then(|c| c.as_str()).and_then(id));
            one(
                tx,
                "SELECT customer_id FROM escalation_case WHERE id = $1",
                case,
            )
        }
        _ => Ok(None),
    }
}

/// Add an entry to the audit trail, inside the caller's write (which holds the write lock, so
/// no other PC can add one between reading the last hash and adding this).
pub(super) fn audit(
    tx: &mut Transaction<'_>,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<String>,
    after: Option<String>,
) -> TxResult<()> {
    let last = tx.query_opt(
        "SELECT seq, coalesce(hash, '') FROM audit ORDER BY seq DESC LIMIT 1",
        &[],
    )?;
    let (last_seq, previous): (i64, String) =
        last.map_or((0, String::new()), |r| (r.get(0), r.get(1)));
    let seq = last_seq + 1;
    let at = crate::time::to_db(Utc::now());
    let staff_id = actor.staff.as_ref().map(|s| s.id);
    let staff_text = staff_id.map(|s| s.to_string());
    let content = content_hash(before.as_deref(), after.as_deref());
    let hash = chain_hash(
        &previous,
        &Link {
            seq,
            at: &at,
            staff_id: staff_text.as_deref(),
            login: &actor.login,
            action,
            entity,
            entity_id,
            content_hash: &content,
        },
    );
    let customer = customer_of(tx, entity, entity_id, after.as_deref())?;
    tx.execute(
        "INSERT INTO audit (seq, at, staff_id, login, action, entity, entity_id, before, after, \
         content_hash, hash, customer_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        &[
            &seq,
            &at,
            &staff_id,
            &actor.login,
            &action,
            &entity,
            &entity_id,
            &before,
            &after,
            &content,
            &hash,
            &customer,
        ],
    )?;
    Ok(())
}

pub(super) fn audit_for(_s: &mut PgStore, _entity_id: &str) -> Result<Vec<AuditEntry>> {
    Err(not_yet("audit_for"))
}

pub(super) fn audit_page(
    _s: &mut PgStore,
    _actor: &Actor,
    _query: &AuditQuery,
) -> Result<AuditPage> {
    Err(not_yet("audit_page"))
}

pub(super) fn record_views(_s: &mut PgStore, _actor: &Actor, _views: &[CardView]) -> Result<usize> {
    Err(not_yet("record_views"))
}
