//! Merging two records of one person into one (a manager, from the card), and undoing a merge.
//!
//! A merge is one `BEGIN IMMEDIATE` transaction: the other record's history (incidents, cases,
//! decisions, restrictions, reviews, letters) moves to the record kept, which also gains the
//! other's name (as an other name), phones, emails, address (when it has none) and notes; open
//! cases of one reason become one; the escalation rules run again; the other record is retired
//! (`merged_into`), never deleted. The search keys, the per-PC copy's change log (migration 11's
//! triggers) and the queue's rows (migration 12's) follow in the same transaction.
//!
//! Everything needed to undo it exactly is kept in `customer_merge` and in the audit entry: both
//! records as they were, which rows moved, and every case of either before and after. Undoing it
//! checks that nothing touched since would be lost or misfiled, then puts every row back.

use super::audit::audit;
use super::errors::TxError;
use super::incidents::{merge_open_cases, reevaluate};
use super::search_index::index_customer;
use super::values::{json_list, parse_id, parse_time, to_json_list};
use crate::domain::{Actor, Id, MergeRef, MergeReversed, MergeSaved};
use crate::policy::Policy;
use crate::store::rules::merge::{
    already_undone, check_pair, combined, no_such_merge, not_both_waiting, not_itself,
    undo_problems, CaseSnap, CustomerSnap, MergeRecord, MovedRow, Now, Rows, CASES_JOINED,
};
use crate::store::StoreError;
use crate::time;
use chrono::Utc;
use rusqlite::{params, OptionalExtension, Transaction};

fn snap(tx: &Transaction<'_>, id: Id) -> rusqlite::Result<Option<CustomerSnap>> {
    let Some(mut s) = tx
        .prepare_cached(
            "SELECT seq, name, other_names, postcode, description, notes, address, large_print, \
             easy_read, version, merged_into FROM customer WHERE id = ?1",
        )?
        .query_row([id.to_string()], |r| {
            Ok(CustomerSnap {
                id: id.to_string(),
                seq: r.get(0)?,
                name: r.get(1)?,
                other_names: json_list(&r.get::<_, String>(2)?),
                postcode: r.get(3)?,
                description: r.get(4)?,
                notes: r.get(5)?,
                address: json_list(&r.get::<_, String>(6)?),
                large_print: r.get(7)?,
                easy_read: r.get(8)?,
                phones: Vec::new(),
                emails: Vec::new(),
                version: r.get(9)?,
                merged_into: r.get(10)?,
            })
        })
        .optional()?
    else {
        return Ok(None);
    };
    s.phones = tx
        .prepare_cached(
            "SELECT display FROM customer_phone WHERE customer_seq = ?1 ORDER BY digits",
        )?
        .query_map([s.seq], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    s.emails = tx
        .prepare_cached(
            "SELECT display FROM customer_email WHERE customer_seq = ?1 ORDER BY email",
        )?
        .query_map([s.seq], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(s))
}

fn cases_of(tx: &Transaction<'_>, customers: &[&str]) -> rusqlite::Result<Vec<CaseSnap>> {
    let list = serde_json::to_string(customers).unwrap_or_else(|_| "[]".into());
    tx.prepare_cached(
        "SELECT id, customer_id, closed_at, closed_by, decision_id, waiting, note, assigned_to, \
         seen_at, seen_by, version FROM escalation_case \
         WHERE customer_id IN (SELECT value FROM json_each(?1)) ORDER BY id",
    )?
    .query_map([list], |r| {
        Ok(CaseSnap {
            id: r.get(0)?,
            customer_id: r.get(1)?,
            closed_at: r.get(2)?,
            closed_by: r.get(3)?,
            decision_id: r.get(4)?,
            waiting: r.get(5)?,
            note: r.get(6)?,
            assigned_to: r.get(7)?,
            seen_at: r.get(8)?,
            seen_by: r.get(9)?,
            version: r.get(10)?,
        })
    })?
    .collect()
}

fn links_of(tx: &Transaction<'_>, cases: &[CaseSnap]) -> rusqlite::Result<Vec<(String, String)>> {
    let ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    let list = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
    tx.prepare_cached(
        "SELECT case_id, incident_id FROM case_incident \
         WHERE case_id IN (SELECT value FROM json_each(?1)) ORDER BY case_id, incident_id",
    )?
    .query_map([list], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

fn versioned(tx: &Transaction<'_>, sql: &str, customer: &str) -> rusqlite::Result<Vec<MovedRow>> {
    tx.prepare_cached(sql)?
        .query_map([customer], |r| {
            Ok(MovedRow {
                id: r.get(0)?,
                version: r.get(1)?,
            })
        })?
        .collect()
}

fn ids(tx: &Transaction<'_>, sql: &str, customer: &str) -> rusqlite::Result<Vec<String>> {
    tx.prepare_cached(sql)?
        .query_map([customer], |r| r.get(0))?
        .collect()
}

/// The rows a customer holds now, by table.
fn rows_of(tx: &Transaction<'_>, customer: &str) -> rusqlite::Result<Rows> {
    Ok(Rows {
        incidents: versioned(
            tx,
            "SELECT id, version FROM incident WHERE customer_id = ?1 ORDER BY id",
            customer,
        )?,
        decisions: versioned(
            tx,
            "SELECT id, version FROM decision WHERE customer_id = ?1 ORDER BY id",
            customer,
        )?,
        restrictions: versioned(
            tx,
            "SELECT id, version FROM restriction WHERE customer_id = ?1 ORDER BY id",
            customer,
        )?,
        reviews: ids(
            tx,
            "SELECT id FROM review WHERE customer_id = ?1 ORDER BY id",
            customer,
        )?,
        letters: ids(
            tx,
            "SELECT id FROM letter WHERE customer_id = ?1 ORDER BY id",
            customer,
        )?,
    })
}

/// Move every row of `from` to `to`, saying which moved (with their versions once moved).
fn move_rows(tx: &Transaction<'_>, from: &str, to: &str) -> rusqlite::Result<Rows> {
    let moved = |sql: &str| -> rusqlite::Result<Vec<MovedRow>> {
        let mut rows: Vec<MovedRow> = tx
            .prepare_cached(sql)?
            .query_map(params![from, to], |r| {
                Ok(MovedRow {
                    id: r.get(0)?,
                    version: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(rows)
    };
    let moved_ids = |sql: &str| -> rusqlite::Result<Vec<String>> {
        let mut rows: Vec<String> = tx
            .prepare_cached(sql)?
            .query_map(params![from, to], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        rows.sort();
        Ok(rows)
    };
    Ok(Rows {
        incidents: moved(
            "UPDATE incident SET customer_id = ?2, version = version + 1 WHERE customer_id = ?1 \
             RETURNING id, version",
        )?,
        decisions: moved(
            "UPDATE decision SET customer_id = ?2, version = version + 1 WHERE customer_id = ?1 \
             RETURNING id, version",
        )?,
        restrictions: moved(
            "UPDATE restriction SET customer_id = ?2, version = version + 1 \
             WHERE customer_id = ?1 RETURNING id, version",
        )?,
        reviews: moved_ids(
            "UPDATE review SET customer_id = ?2 WHERE customer_id = ?1 RETURNING id",
        )?,
        letters: moved_ids(
            "UPDATE letter SET customer_id = ?2 WHERE customer_id = ?1 RETURNING id",
        )?,
    })
}

/// Write a customer's row and search keys from a snapshot (its version is given).
fn write_customer(
    tx: &Transaction<'_>,
    s: &CustomerSnap,
    version: i64,
    merged_into: Option<&str>,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE customer SET name = ?2, other_names = ?3, postcode = ?4, description = ?5, \
         notes = ?6, address = ?7, large_print = ?8, easy_read = ?9, version = ?10, \
         merged_into = ?11, updated_at = ?12 WHERE seq = ?1",
    )?
    .execute(params![
        s.seq,
        s.name,
        to_json_list(&s.other_names),
        s.postcode,
        s.description,
        s.notes,
        to_json_list(&s.address),
        s.large_print,
        s.easy_read,
        version,
        merged_into,
        time::to_db(Utc::now()),
    ])?;
    if merged_into.is_some() {
        // A retired record no longer turns up in searches (as a linked visitor's).
        let mut retired = s.customer();
        retired.name = None;
        retired.description = String::new();
        retired.phones.clear();
        retired.emails.clear();
        retired.other_names.clear();
        index_customer(tx, s.seq, &retired)?;
        tx.prepare_cached("DELETE FROM customer_text WHERE rowid = ?1")?
            .execute([s.seq])?;
    } else {
        index_customer(tx, s.seq, &s.customer())?;
    }
    Ok(())
}

/// Merge `other` into `survivor`. Both versions are the ones the manager was shown.
pub(super) fn merge(
    tx: &Transaction<'_>,
    actor: &Actor,
    policy: &Policy,
    survivor: (Id, i64),
    other: (Id, i64),
) -> Result<MergeSaved, TxError> {
    not_itself(survivor.0, other.0)?;
    let (s, o) = check_pair(
        snap(tx, survivor.0)?,
        snap(tx, other.0)?,
        (survivor.1, other.1),
    )?;
    let (sid, oid) = (s.id.clone(), o.id.clone());
    let waiting: i64 = tx
        .prepare_cached(
            "SELECT count(DISTINCT customer_id) FROM decision \
             WHERE customer_id IN (?1, ?2) AND approval = 'waiting'",
        )?
        .query_row(params![sid, oid], |r| r.get(0))?;
    not_both_waiting(waiting)?;
    let cases_before = cases_of(tx, &[&sid, &oid])?;
    let links_before = links_of(tx, &cases_before)?;
    let kept = rows_of(tx, &sid)?;
    let others_cases: Vec<String> = cases_before
        .iter()
        .filter(|c| c.customer_id == oid)
        .map(|c| c.id.clone())
        .collect();
    let moved = move_rows(tx, &oid, &sid)?;
    tx.prepare_cached(
        "UPDATE escalation_case SET customer_id = ?2, version = version + 1 WHERE customer_id = ?1",
    )?
    .execute(params![oid, sid])?;
    let after = combined(&s, &o);
    write_customer(tx, &after, s.version + 1, None)?;
    write_customer(tx, &o, o.version + 1, Some(&sid))?;
    merge_open_cases(tx, actor, survivor.0, &others_cases, CASES_JOINED)?;
    let opened = reevaluate(tx, actor, policy, survivor.0)?;
    let cases_after = cases_of(tx, &[&sid, &oid])?;
    let links_after = links_of(tx, &cases_after)?;
    let merge_id = crate::domain::new_id();
    let record = MergeRecord::new(
        merge_id,
        &s,
        &o,
        moved,
        kept,
        (cases_before, links_before),
        (cases_after, links_after),
    );
    let record_json = serde_json::to_string(&record).unwrap_or_default();
    audit(
        tx,
        actor,
        "merge customers",
        "customer",
        &sid,
        Some(record.audit_before()),
        Some(record_json.clone()),
    )?;
    let audit_seq = tx.last_insert_rowid();
    audit(
        tx,
        actor,
        "merged into another customer",
        "customer",
        &oid,
        None,
        Some(record.retired_after(audit_seq)),
    )?;
    tx.prepare_cached(
        "INSERT INTO customer_merge (id, survivor_id, merged_id, merged_at, merged_by, audit_seq, \
         record) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        merge_id.to_string(),
        sid,
        oid,
        time::to_db(Utc::now()),
        actor.staff.as_ref().map(|st| st.id.to_string()),
        audit_seq,
        record_json
    ])?;
    Ok(record.saved(audit_seq, opened)?)
}

/// Undo a merge, putting both records back as they were, unless something done since would be
/// lost or misfiled: then nothing changes and the message says what.
pub(super) fn reverse(
    tx: &Transaction<'_>,
    actor: &Actor,
    which: MergeRef,
) -> Result<MergeReversed, TxError> {
    let row: Option<(String, String, Option<String>, Option<String>)> = match which {
        MergeRef::Id(id) => tx
            .prepare_cached(
                "SELECT m.id, m.record, m.reversed_at, coalesce(s.display_name, '') \
                 FROM customer_merge m LEFT JOIN staff s ON s.id = m.reversed_by WHERE m.id = ?1",
            )?
            .query_row([id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?,
        MergeRef::AuditSeq(n) => tx
            .prepare_cached(
                "SELECT m.id, m.record, m.reversed_at, coalesce(s.display_name, '') \
                 FROM customer_merge m LEFT JOIN staff s ON s.id = m.reversed_by \
                 WHERE m.audit_seq = ?1",
            )?
            .query_row([n], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?,
    };
    let Some((merge_id, record, reversed_at, reversed_by)) = row else {
        return Err(no_such_merge().into());
    };
    if let Some(at) = reversed_at {
        let when = parse_time(&at)
            .map(|t| time::date(time::london_date(t)))
            .unwrap_or(at);
        return Err(already_undone(&when, reversed_by).into());
    }
    let rec = MergeRecord::read(&record)?;
    let (sid, oid) = (rec.survivor_before.id.clone(), rec.merged_before.id.clone());
    let s_now = snap(tx, parse_id(&sid)?)?
        .ok_or_else(|| StoreError::Missing("the record kept by that merge".into()))?;
    let o_now = snap(tx, parse_id(&oid)?)?
        .ok_or_else(|| StoreError::Missing("the record retired by that merge".into()))?;
    let cases_now = cases_of(tx, &[&sid, &oid])?;
    let links_now = links_of(tx, &cases_now)?;
    undo_problems(
        &rec,
        Now {
            survivor: &s_now,
            retired: &o_now,
            rows: &rows_of(tx, &sid)?,
            cases: &(cases_now, links_now),
        },
    )?;

    // Cases: those the merge (or the rules after it) opened go; every other is put back as it
    // was, with a new version; the incidents behind each are as they were.
    for l in rec.links_added() {
        tx.prepare_cached("DELETE FROM case_incident WHERE case_id = ?1 AND incident_id = ?2")?
            .execute(params![l.0, l.1])?;
    }
    for c in rec.cases_opened() {
        tx.prepare_cached("DELETE FROM escalation_case WHERE id = ?1")?
            .execute([&c.id])?;
    }
    for c in &rec.cases_before {
        tx.prepare_cached(
            "UPDATE escalation_case SET customer_id = ?2, closed_at = ?3, closed_by = ?4, \
             decision_id = ?5, waiting = ?6, note = ?7, assigned_to = ?8, seen_at = ?9, \
             seen_by = ?10, version = version + 1 WHERE id = ?1",
        )?
        .execute(params![
            c.id,
            c.customer_id,
            c.closed_at,
            c.closed_by,
            c.decision_id,
            c.waiting,
            c.note,
            c.assigned_to,
            c.seen_at,
            c.seen_by
        ])?;
    }
    for l in rec.links_removed() {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO case_incident (case_id, incident_id) VALUES (?1, ?2)",
        )?
        .execute(params![l.0, l.1])?;
    }
    // The rows that moved go back.
    for (sql, rows) in [
        (
            "UPDATE incident SET customer_id = ?2, version = version + 1 WHERE id = ?1",
            &rec.moved.incidents,
        ),
        (
            "UPDATE decision SET customer_id = ?2, version = version + 1 WHERE id = ?1",
            &rec.moved.decisions,
        ),
        (
            "UPDATE restriction SET customer_id = ?2, version = version + 1 WHERE id = ?1",
            &rec.moved.restrictions,
        ),
    ] {
        for r in rows {
            tx.prepare_cached(sql)?.execute(params![r.id, oid])?;
        }
    }
    for r in &rec.moved.reviews {
        tx.prepare_cached("UPDATE review SET customer_id = ?2 WHERE id = ?1")?
            .execute(params![r, oid])?;
    }
    for l in &rec.moved.letters {
        tx.prepare_cached("UPDATE letter SET customer_id = ?2 WHERE id = ?1")?
            .execute(params![l, oid])?;
    }
    // Both records as they were.
    write_customer(tx, &rec.survivor_before, s_now.version + 1, None)?;
    write_customer(tx, &rec.merged_before, o_now.version + 1, None)?;
    tx.prepare_cached(
        "UPDATE customer_merge SET reversed_at = ?2, reversed_by = ?3 WHERE id = ?1",
    )?
    .execute(params![
        merge_id,
        time::to_db(Utc::now()),
        actor.staff.as_ref().map(|st| st.id.to_string())
    ])?;
    // Both records' trails say so.
    for who in [&sid, &oid] {
        let about = Some(rec.undo_about());
        audit(tx, actor, "undo merge", "customer", who, None, about)?;
    }
    Ok(rec.reversed()?)
}
