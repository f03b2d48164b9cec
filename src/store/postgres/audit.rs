//! The audit trail on the server: every change is written to it inside the same transaction,
//! chained by hashes exactly as the SQLite store chains them (`rules/audit.rs`), so a trail
//! copied from a file verifies on the server and goes on from it.

use super::prelude::*;
use super::statements::Tx;
use crate::domain::CardViewSeen;
use crate::domain::{Actor, Id};
use crate::store::rules::audit::{chain_hash, content_hash, Link};
use crate::time;
use ::postgres::Row;
use chrono::Utc;

/// What a statement gives (this module only runs SQL; a refusal is its callers').
type SqlResult<T> = std::result::Result<T, ::postgres::Error>;

/// The customer an entry is about, worked out from the record it names; kept beside the entry
/// (not in its hash) so a customer's history of changes is read by an index.
fn customer_of(
    tx: &mut Tx<'_>,
    entity: &str,
    entity_id: &str,
    after: Option<&str>,
) -> SqlResult<Option<Id>> {
    let id = |s: &str| Id::parse_str(s).ok();
    let one = |tx: &mut Tx<'_>, sql: &str, key: Option<Id>| -> SqlResult<Option<Id>> {
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
    tx: &mut Tx<'_>,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<String>,
    after: Option<String>,
) -> SqlResult<()> {
    let last = tx.query_opt(
        "SELECT seq, coalesce(hash, '') FROM audit ORDER BY seq DESC LIMIT 1",
        &[],
    )?;
    let (last_seq, previous): (i64, String) =
        last.map_or((0, String::new()), |r| (r.get(0), r.get(1)));
    let seq = last_seq + 1;
    let at = time::to_db(Utc::now());
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

/// Blank an audit entry's content (retention), through the chain's own redaction: before and
/// after become NULL and it is marked redacted; its content hash stays, so the chain still
/// verifies (`sqlite/audit.rs` says why). The only change ever made to an entry once written.
pub(super) fn forget_content(tx: &mut Tx<'_>, seq: i64) -> SqlResult<()> {
    tx.execute(
        "UPDATE audit SET before = NULL, after = NULL, redacted = true WHERE seq = $1",
        &[&seq],
    )?;
    Ok(())
}

const ENTRY_COLUMNS: &str = "a.seq, a.at, coalesce(s.display_name, a.login), a.action, a.entity, \
     a.entity_id, a.customer_id, a.before, a.after, a.redacted";

fn entry(r: &Row) -> AuditEntry {
    AuditEntry {
        seq: r.get(0),
        at: r.get(1),
        who: r.get(2),
        action: r.get(3),
        entity: r.get(4),
        entity_id: r.get(5),
        customer_id: r.get::<_, Option<Id>>(6).map(|c| c.to_string()),
        before: r.get(7),
        after: r.get(8),
        redacted: r.get(9),
    }
}

pub(super) fn audit_for(s: &mut PgStore, entity_id: &str) -> Result<Vec<AuditEntry>> {
    s.read(|tx| {
        let rows = tx.query(
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM audit a LEFT JOIN staff s ON s.id = a.staff_id \
                 WHERE a.entity_id = $1 ORDER BY a.seq"
            ),
            &[&entity_id],
        )?;
        Ok(rows.iter().map(entry).collect())
    })
}

/// The audit entries about any of `ids`, oldest first, with who made them.
pub(super) fn entries_about(tx: &mut Tx<'_>, ids: &[String]) -> SqlResult<Vec<AuditEntry>> {
    let rows = tx.query(
        &format!(
            "SELECT {ENTRY_COLUMNS} FROM audit a LEFT JOIN staff s ON s.id = a.staff_id \
             WHERE a.entity_id = ANY($1) ORDER BY a.seq"
        ),
        &[&ids],
    )?;
    Ok(rows.iter().map(entry).collect())
}

/// The audit entries about any of `ids`, by their number, oldest first.
pub(super) fn seqs_about(tx: &mut Tx<'_>, ids: &[String]) -> SqlResult<Vec<i64>> {
    let rows = tx.query(
        "SELECT seq FROM audit WHERE entity_id = ANY($1) ORDER BY seq",
        &[&ids],
    )?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// A page of the audit log for a manager or admin (the role as the staff list says now, read
/// in the same snapshot as the page), newest first, as the query asks.
pub(super) fn audit_page(s: &mut PgStore, actor: &Actor, q: &AuditQuery) -> Result<AuditPage> {
    let refused = || {
        StoreError::NotAllowed(format!(
            "Only managers and admins can read the audit trail, and {} is not one. Ask a manager.",
            actor.name()
        ))
    };
    if !actor.role().is_some_and(Role::can_decide) {
        return Err(refused());
    }
    let staff = actor.staff.as_ref().map(|s| s.id);
    let page = s.read(|tx| {
        let role = tx.query_opt("SELECT role, active FROM staff WHERE id = $1", &[&staff])?;
        let allowed = role.is_some_and(|r| {
            r.get::<_, bool>(1) && Role::parse(&r.get::<_, String>(0)).is_some_and(Role::can_decide)
        });
        if !allowed {
            return Ok(None);
        }
        Ok(Some(page_of(tx, q)?))
    })?;
    page.ok_or_else(refused)
}

fn page_of(tx: &mut Tx<'_>, q: &AuditQuery) -> SqlResult<AuditPage> {
    let limit = q.limit.clamp(1, 500);
    let from = q.from.map(|d| time::to_db(time::london_midnight(d)));
    let to =
        q.to.and_then(|d| d.succ_opt())
            .map(|d| time::to_db(time::london_midnight(d)));
    // A customer's trail is theirs and that of every record merged into theirs.
    let customers: Option<Vec<Id>> = match q.customer {
        Some(c) => {
            let mut ids = vec![c];
            ids.extend(super::lineage::merged_into(tx, c)?);
            Some(ids)
        }
        None => None,
    };
    let who = q.who.as_deref().map(str::trim).filter(|w| !w.is_empty());
    // ILIKE with no escape character: SQLite's LIKE, which ignores the case of letters.
    let rows = tx.query(
        &format!(
            "SELECT {ENTRY_COLUMNS} FROM audit a LEFT JOIN staff s ON s.id = a.staff_id \
             WHERE ($1::uuid[] IS NULL OR a.customer_id = ANY($1)) \
             AND ($2::uuid IS NULL OR a.staff_id = $2) \
             AND ($3::text IS NULL OR a.at >= $3) AND ($4::text IS NULL OR a.at < $4) \
             AND ($5::bigint IS NULL OR a.seq < $5) \
             AND ($7::text IS NULL OR s.display_name ILIKE '%' || $7 || '%' ESCAPE '' \
                  OR a.login ILIKE '%' || $7 || '%' ESCAPE '') \
             ORDER BY a.seq DESC LIMIT $6"
        ),
        &[
            &customers,
            &q.staff,
            &from,
            &to,
            &q.before_seq,
            &(limit as i64 + 1),
            &who,
        ],
    )?;
    let mut entries: Vec<AuditEntry> = rows.iter().map(entry).collect();
    let more = entries.len() > limit;
    entries.truncate(limit);
    let views = match (&customers, q.before_seq) {
        (Some(ids), None) => views_of(tx, ids)?,
        _ => Vec::new(),
    };
    Ok(AuditPage {
        entries,
        more,
        views,
    })
}

/// How many views of one card are shown with its history (the newest).
const VIEWS_SHOWN: i64 = 200;

/// The newest views of the cards of `customers` (one customer and the records merged into
/// theirs).
fn views_of(tx: &mut Tx<'_>, customers: &[Id]) -> SqlResult<Vec<CardViewSeen>> {
    let rows = tx.query(
        "SELECT v.at, coalesce(s.display_name, v.login) FROM card_view v \
         LEFT JOIN staff s ON s.id = v.staff_id \
         WHERE v.customer_id = ANY($1) ORDER BY v.at DESC, v.id DESC LIMIT $2",
        &[&customers, &VIEWS_SHOWN],
    )?;
    Ok(rows
        .iter()
        .map(|r| CardViewSeen {
            at: r.get(0),
            who: r.get(1),
        })
        .collect())
}

/// Write a PC's card views in one go; a view already written (the same id) is left as it is.
/// Returns how many were new.
pub(super) fn record_views(s: &mut PgStore, actor: &Actor, views: &[CardView]) -> Result<usize> {
    if views.is_empty() {
        return Ok(0);
    }
    let staff_id = actor.staff.as_ref().map(|s| s.id);
    s.write_as(
        actor,
        |_| true,
        "record who opened a card",
        |tx| {
            let insert = "INSERT INTO card_view (id, customer_id, staff_id, login, at) \
             SELECT $1::uuid, $2::uuid, $3::uuid, $4::text, $5::timestamptz \
             WHERE EXISTS (SELECT 1 FROM customer WHERE id = $2) ON CONFLICT DO NOTHING";
            let mut n = 0;
            for v in views {
                n += tx.execute(
                    insert,
                    &[
                        &v.id,
                        &v.customer,
                        &staff_id,
                        &actor.login,
                        &time::whole_seconds(v.at),
                    ],
                )? as usize;
            }
            Ok(n)
        },
    )
}
