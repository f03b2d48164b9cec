//! The audit log: every change is written to it inside the same transaction, and read back by
//! record, by customer, by member of staff and by date, a page at a time.
//!
//! # The hash chain, and how it survives redaction
//!
//! Every entry carries two SHA-256 hashes (hex):
//!
//! * `content_hash` = H(before, after): a hash over the entry's content only;
//! * `hash` = H(previous entry's `hash`, seq, at, staff_id, login, action, entity, entity_id,
//!   content_hash). The first entry's previous hash is the empty string.
//!
//! Each field goes into the hash with a tag and its length (see [`Chain`]), so no two different
//! entries hash alike by moving text from one field to the next. An entry changed by hand after
//! it was written no longer matches its own hashes, and an entry removed or inserted breaks the
//! link to the next one: `safedesk check` follows the chain ([`verify_chain`]) and names the
//! first entry that does not fit.
//!
//! **Redaction.** Retention may blank the before and after of entries about a person it deletes
//! (the audit keeps that something happened, not what). It must do so only through
//! [`redact_audit_content`], which sets `before` and `after` to NULL and `redacted` to 1 and
//! keeps `content_hash`: `hash` covers `content_hash`, not the content itself, so the chain
//! still verifies. A redacted entry's content is simply not checked against its content hash
//! (there is none left to check); everything else about it still is. Nothing else may change an
//! entry once written.
//!
//! Every write is a `BEGIN IMMEDIATE` transaction, so the previous entry's hash is read inside
//! the same write lock as the new entry is added: two PCs writing at once take turns, and the
//! chain stays a chain. `seq` is given explicitly (the previous one plus one) for the same reason.
//!
//! The chain cannot show entries cut off at the end (the newest ones removed together): compare
//! the count with a backup's for that.
//!
//! # Views
//!
//! Who opened a restricted customer's card is kept in its own table, `card_view`, not in the
//! audit chain. Views are not changes: there are many more of them, they arrive in batches
//! written long after the moment (from each PC, at most once a minute, or later from the
//! outbox), and their order across PCs is not the order they happened in, which a chain of
//! changes depends on. Each view has its own id, so a batch sent twice is written once.

use crate::domain::{
    Actor, AuditChainReport, AuditEntry, AuditPage, AuditQuery, CardView, CardViewSeen,
};
use crate::store::rules::audit::{chain_hash, content_hash, ChainCheck, Link, Stored, CHAIN_STEP};
use crate::time;
use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// The customer an entry is about, worked out from the record it names (in SQL, with `?1` the
/// entity and `?2` its id, `?3` the entry's after). Kept beside the entry (not in its hash) so a
/// customer's history of changes is read by an index.
const CUSTOMER_OF: &str = "CASE ?1 \
     WHEN 'customer' THEN ?2 \
     WHEN 'incident' THEN (SELECT customer_id FROM incident WHERE id = ?2) \
     WHEN 'case' THEN (SELECT customer_id FROM escalation_case WHERE id = ?2) \
     WHEN 'decision' THEN (SELECT customer_id FROM decision WHERE id = ?2) \
     WHEN 'restriction' THEN (SELECT customer_id FROM restriction WHERE id = ?2) \
     WHEN 'letter' THEN (SELECT customer_id FROM letter WHERE id = ?2) \
     WHEN 'review' THEN (SELECT r.customer_id FROM review v JOIN restriction r ON r.id = v.restriction_id WHERE v.batch = ?2 LIMIT 1) \
     WHEN 'request' THEN (SELECT customer_id FROM escalation_case WHERE id = json_extract(?3, '$.case')) \
     END";

pub(super) fn audit(
    tx: &Transaction<'_>,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<String>,
    after: Option<String>,
) -> rusqlite::Result<()> {
    // Inside the caller's BEGIN IMMEDIATE: no other PC can add an entry between this read and
    // the insert.
    let (last_seq, previous): (i64, String) = tx
        .prepare_cached("SELECT seq, coalesce(hash, '') FROM audit ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, String::new()));
    let seq = last_seq + 1;
    let at = time::to_db(Utc::now());
    let staff_id = actor.staff.as_ref().map(|s| s.id.to_string());
    let content = content_hash(before.as_deref(), after.as_deref());
    let hash = chain_hash(
        &previous,
        &Link {
            seq,
            at: &at,
            staff_id: staff_id.as_deref(),
            login: &actor.login,
            action,
            entity,
            entity_id,
            content_hash: &content,
        },
    );
    let customer: Option<String> = tx
        .prepare_cached(&format!("SELECT {CUSTOMER_OF}"))?
        .query_row(params![entity, entity_id, after], |r| r.get(0))?;
    tx.prepare_cached(
        "INSERT INTO audit (seq, at, staff_id, login, action, entity, entity_id, before, after, \
         content_hash, hash, customer_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        seq, at, staff_id, actor.login, action, entity, entity_id, before, after, content, hash,
        customer
    ])?;
    Ok(())
}

/// Blank an audit entry's content (retention): its before and after become NULL and it is
/// marked redacted; its content hash stays, so the chain still verifies. The only change ever
/// made to an entry once written. Returns whether there was such an entry. For the store's own
/// retention (it is public only so the tests can show the chain survives it).
pub fn redact_audit_content(tx: &Transaction<'_>, seq: i64) -> rusqlite::Result<bool> {
    let n = tx
        .prepare_cached(
            "UPDATE audit SET before = NULL, after = NULL, redacted = 1 WHERE seq = ?1",
        )?
        .execute([seq])?;
    Ok(n == 1)
}

/// Migration 13: give every entry already written its customer and its hashes, once, in order.
pub(super) fn chain_existing(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute(
        &format!(
            "UPDATE audit SET customer_id = ({}) WHERE customer_id IS NULL",
            CUSTOMER_OF
                .replace("?1", "audit.entity")
                .replace("?2", "audit.entity_id")
                .replace("?3", "audit.after")
        ),
        [],
    )?;
    let mut read = tx.prepare(
        "SELECT seq, at, staff_id, login, action, entity, entity_id, before, after FROM audit \
         ORDER BY seq",
    )?;
    let mut write = tx.prepare("UPDATE audit SET content_hash = ?2, hash = ?3 WHERE seq = ?1")?;
    let mut rows = read.query([])?;
    let mut previous = String::new();
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let at: String = r.get(1)?;
        let staff_id: Option<String> = r.get(2)?;
        let login: String = r.get(3)?;
        let action: String = r.get(4)?;
        let entity: String = r.get(5)?;
        let entity_id: String = r.get(6)?;
        let before: Option<String> = r.get(7)?;
        let after: Option<String> = r.get(8)?;
        let content = content_hash(before.as_deref(), after.as_deref());
        let hash = chain_hash(
            &previous,
            &Link {
                seq,
                at: &at,
                staff_id: staff_id.as_deref(),
                login: &login,
                action: &action,
                entity: &entity,
                entity_id: &entity_id,
                content_hash: &content,
            },
        );
        write.execute(params![seq, content, hash])?;
        previous = hash;
    }
    Ok(())
}

/// Follow the whole chain, oldest first, and report the first entry that does not fit (the
/// checking is `rules::audit::ChainCheck`'s, shared with the PostgreSQL store): a short read
/// for each [`CHAIN_STEP`] entries, so other PCs can save between them.
pub(super) fn verify_chain(c: &Connection) -> rusqlite::Result<AuditChainReport> {
    let mut check = ChainCheck::new();
    let mut stmt = c.prepare(
        "SELECT a.seq, a.at, a.staff_id, a.login, a.action, a.entity, a.entity_id, a.before, \
         a.after, a.content_hash, a.hash, a.redacted, coalesce(s.display_name, a.login) \
         FROM audit a LEFT JOIN staff s ON s.id = a.staff_id WHERE a.seq > ?1 ORDER BY a.seq \
         LIMIT ?2",
    )?;
    loop {
        let mut rows = stmt.query(params![check.last_seq(), CHAIN_STEP])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            n += 1;
            let login: String = r.get(3)?;
            let fits = check.follow(&Stored {
                seq: r.get(0)?,
                at: &r.get::<_, String>(1)?,
                staff_id: r.get::<_, Option<String>>(2)?.as_deref(),
                login: &login,
                action: &r.get::<_, String>(4)?,
                entity: &r.get::<_, String>(5)?,
                entity_id: &r.get::<_, String>(6)?,
                before: r.get::<_, Option<String>>(7)?.as_deref(),
                after: r.get::<_, Option<String>>(8)?.as_deref(),
                content_hash: r.get::<_, Option<String>>(9)?.as_deref(),
                hash: r.get::<_, Option<String>>(10)?.as_deref(),
                redacted: r.get::<_, i64>(11)? != 0,
                who: &r.get::<_, String>(12).unwrap_or_else(|_| login.clone()),
            });
            if !fits {
                return Ok(check.report());
            }
        }
        if n < CHAIN_STEP {
            return Ok(check.report());
        }
    }
}

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        who: r.get(2)?,
        action: r.get(3)?,
        entity: r.get(4)?,
        entity_id: r.get(5)?,
        customer_id: r.get(6)?,
        before: r.get(7)?,
        after: r.get(8)?,
        redacted: r.get::<_, i64>(9)? != 0,
    })
}

const ENTRY_COLUMNS: &str = "a.seq, a.at, coalesce(s.display_name, a.login), a.action, a.entity, \
     a.entity_id, a.customer_id, a.before, a.after, a.redacted";

pub(super) fn audit_for(
    tx: &Transaction<'_>,
    entity_id: &str,
) -> rusqlite::Result<Vec<AuditEntry>> {
    tx.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM audit a LEFT JOIN staff s ON s.id = a.staff_id \
         WHERE a.entity_id = ?1 ORDER BY a.seq"
    ))?
    .query_map([entity_id], entry)?
    .collect()
}

/// A page of the audit log, newest first, as the query asks: one read, its cost the page's
/// (each filter has an index that walks entries newest first).
pub(super) fn audit_page(tx: &Transaction<'_>, q: &AuditQuery) -> rusqlite::Result<AuditPage> {
    let limit = q.limit.clamp(1, 500);
    let from = q.from.map(|d| time::to_db(time::london_midnight(d)));
    let to =
        q.to.and_then(|d| d.succ_opt())
            .map(|d| time::to_db(time::london_midnight(d)));
    // A customer's trail is theirs and that of every record merged into theirs.
    let customers = match q.customer {
        Some(c) => {
            let mut ids = vec![c];
            ids.extend(super::lineage::merged_into(tx, c)?);
            Some(ids.iter().map(ToString::to_string).collect::<Vec<_>>())
        }
        None => None,
    };
    let listed = customers
        .as_ref()
        .map(|ids| serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()));
    let mut rows: Vec<AuditEntry> = tx
        .prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM audit a LEFT JOIN staff s ON s.id = a.staff_id \
             WHERE (?1 IS NULL OR a.customer_id IN (SELECT value FROM json_each(?1))) \
             AND (?2 IS NULL OR a.staff_id = ?2) \
             AND (?3 IS NULL OR a.at >= ?3) AND (?4 IS NULL OR a.at < ?4) \
             AND (?5 IS NULL OR a.seq < ?5) \
             AND (?7 IS NULL OR s.display_name LIKE '%' || ?7 || '%' OR a.login LIKE '%' || ?7 || '%') \
             ORDER BY a.seq DESC LIMIT ?6"
        ))?
        .query_map(
            params![
                listed,
                q.staff.map(|s| s.to_string()),
                from,
                to,
                q.before_seq,
                limit as i64 + 1,
                q.who.as_deref().map(str::trim).filter(|w| !w.is_empty())
            ],
            entry,
        )?
        .collect::<rusqlite::Result<_>>()?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let views = match (&listed, q.before_seq) {
        (Some(ids), None) => views_of(tx, ids)?,
        _ => Vec::new(),
    };
    Ok(AuditPage {
        entries: rows,
        more,
        views,
    })
}

/// How many views of one card are shown with its history (the newest).
const VIEWS_SHOWN: i64 = 200;

/// The newest views of the cards of `customers` (a JSON list of ids: one customer and the
/// records merged into theirs).
fn views_of(tx: &Transaction<'_>, customers: &str) -> rusqlite::Result<Vec<CardViewSeen>> {
    tx.prepare_cached(
        "SELECT v.at, coalesce(s.display_name, v.login) FROM card_view v \
         LEFT JOIN staff s ON s.id = v.staff_id \
         WHERE v.customer_id IN (SELECT value FROM json_each(?1)) \
         ORDER BY v.at DESC, v.id DESC LIMIT ?2",
    )?
    .query_map(params![customers, VIEWS_SHOWN], |r| {
        let at: String = r.get(0)?;
        Ok(CardViewSeen {
            at: time::from_db(&at).unwrap_or_default(),
            who: r.get(1)?,
        })
    })?
    .collect()
}

/// Write a PC's card views in one go; a view already written (the same id) is left as it is.
/// Returns how many were new.
pub(super) fn record_views(
    tx: &Transaction<'_>,
    actor: &Actor,
    views: &[CardView],
) -> rusqlite::Result<usize> {
    let staff_id = actor.staff.as_ref().map(|s| s.id.to_string());
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO card_view (id, customer_id, staff_id, login, at) \
         SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM customer WHERE id = ?2)",
    )?;
    let mut n = 0;
    for v in views {
        n += insert.execute(params![
            v.id.to_string(),
            v.customer.to_string(),
            staff_id,
            actor.login,
            time::to_db(v.at)
        ])?;
    }
    Ok(n)
}

/// Forget what audit entry `seq` said about a record that is no longer held (a retention run
/// removed it): its before and after are blanked, and the entry itself stays (who did what to
/// which record, and when), through the audit chain's own redaction, which keeps the entry's
/// content hash so the chain still verifies.
pub(super) fn forget_content(tx: &Transaction<'_>, seq: i64) -> rusqlite::Result<()> {
    redact_audit_content(tx, seq)?;
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
        "SELECT a.at, coalesce(s.display_name, a.login), a.action, a.entity, a.entity_id, a.before, a.after, \
         a.seq, a.customer_id, a.redacted \
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
            seq: r.get(7)?,
            customer_id: r.get(8)?,
            redacted: r.get(9)?,
        })
    })?
    .collect()
}
