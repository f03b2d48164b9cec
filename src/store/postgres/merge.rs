//! Merging two records of one person into one, and undoing a merge, on the server: as
//! `sqlite/merge.rs` (which says what moves and what is kept). What is decided rather than read
//! or written (which pairs may merge, what the kept record gains, what stops an undo, the
//! record kept to undo it, in the same JSON on both engines) is `rules/merge.rs`.

use super::audit::audit;
use super::errors::TxResult;
use super::incidents::{merge_open_cases, reevaluate};
use super::prelude::*;
use super::records::{index_customer, unindex_customer};
use super::statements::Tx;
use crate::store::rules::merge::{
    already_undone, check_pair, combined, id, no_such_merge, not_both_waiting, not_itself,
    undo_problems, CaseSnap, CasesAt, CustomerSnap, MergeRecord, MovedRow, Now, Rows, CASES_JOINED,
};
use crate::time::{self, whole_seconds};
use ::postgres::types::Json;
use chrono::{DateTime, Utc};

pub(super) fn merge_customers(
    s: &mut PgStore,
    actor: &Actor,
    _policy: &Policy,
    survivor: (Id, i64),
    other: (Id, i64),
) -> Result<MergeSaved> {
    s.write_with_policy(
        actor,
        Role::can_decide,
        "merge customer records",
        |tx, p| merge(tx, actor, p, survivor, other),
    )
}

pub(super) fn reverse_merge(
    s: &mut PgStore,
    actor: &Actor,
    which: MergeRef,
) -> Result<MergeReversed> {
    s.write_as(actor, Role::can_decide, "undo a merge", |tx| {
        reverse(tx, actor, which)
    })
}

fn snap(tx: &mut Tx<'_>, id: Id) -> TxResult<Option<CustomerSnap>> {
    let Some(r) = tx.query_opt(
        "SELECT seq, name, other_names, postcode, description, notes, address, large_print, \
         easy_read, version, merged_into::text FROM customer WHERE id = $1",
        &[&id],
    )?
    else {
        return Ok(None);
    };
    let seq: i64 = r.get(0);
    let contacts = |tx: &mut Tx<'_>, sql: &str| -> TxResult<Vec<String>> {
        Ok(tx.query(sql, &[&seq])?.iter().map(|r| r.get(0)).collect())
    };
    Ok(Some(CustomerSnap {
        id: id.to_string(),
        seq,
        name: r.get(1),
        other_names: r.get::<_, Json<Vec<String>>>(2).0,
        postcode: r.get(3),
        description: r.get(4),
        notes: r.get(5),
        address: r.get::<_, Json<Vec<String>>>(6).0,
        large_print: r.get(7),
        easy_read: r.get(8),
        phones: contacts(
            tx,
            "SELECT display FROM customer_phone WHERE customer_seq = $1 ORDER BY digits",
        )?,
        emails: contacts(
            tx,
            "SELECT display FROM customer_email WHERE customer_seq = $1 ORDER BY email",
        )?,
        version: r.get(9),
        merged_into: r.get(10),
    }))
}

/// Both records' cases and the incidents behind them, as the merge's record keeps them (ids
/// and times as text, as in the SQLite file).
fn cases_of(tx: &mut Tx<'_>, customers: &[&str]) -> TxResult<CasesAt> {
    let text = |t: Option<DateTime<Utc>>| t.map(time::to_db);
    let cases: Vec<CaseSnap> = tx
        .query(
            "SELECT id::text, customer_id::text, closed_at, closed_by::text, decision_id::text, \
             waiting, note, assigned_to::text, seen_at, seen_by::text, version \
             FROM escalation_case WHERE customer_id = ANY($1::text[]::uuid[]) ORDER BY id",
            &[&customers],
        )?
        .iter()
        .map(|r| CaseSnap {
            id: r.get(0),
            customer_id: r.get(1),
            closed_at: text(r.get(2)),
            closed_by: r.get(3),
            decision_id: r.get(4),
            waiting: r.get(5),
            note: r.get(6),
            assigned_to: r.get(7),
            seen_at: text(r.get(8)),
            seen_by: r.get(9),
            version: r.get(10),
        })
        .collect();
    let ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    let links = tx
        .query(
            "SELECT case_id::text, incident_id::text FROM case_incident \
             WHERE case_id = ANY($1::text[]::uuid[]) ORDER BY case_id, incident_id",
            &[&ids],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    Ok((cases, links))
}

/// The rows a customer holds now (`moving_to`: or moves them there first, saying which moved
/// with their versions once moved).
fn rows_of(tx: &mut Tx<'_>, customer: &str, moving_to: Option<&str>) -> TxResult<Rows> {
    let mut versioned = |table: &str| -> TxResult<Vec<MovedRow>> {
        let sql = match moving_to {
            None => format!(
                "SELECT id::text, version FROM {table} WHERE customer_id = $1::text::uuid ORDER BY id"
            ),
            Some(_) => format!(
                "UPDATE {table} SET customer_id = $2::text::uuid, version = version + 1 \
                 WHERE customer_id = $1::text::uuid RETURNING id::text, version"
            ),
        };
        let rows = match moving_to {
            None => tx.query(&sql, &[&customer])?,
            Some(to) => tx.query(&sql, &[&customer, &to])?,
        };
        let mut out: Vec<MovedRow> = rows
            .iter()
            .map(|r| MovedRow {
                id: r.get(0),
                version: r.get(1),
            })
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    };
    let incidents = versioned("incident")?;
    let decisions = versioned("decision")?;
    let restrictions = versioned("restriction")?;
    let mut plain = |table: &str| -> TxResult<Vec<String>> {
        let rows = match moving_to {
            None => tx.query(
                &format!("SELECT id::text FROM {table} WHERE customer_id = $1::text::uuid"),
                &[&customer],
            )?,
            Some(to) => tx.query(
                &format!(
                    "UPDATE {table} SET customer_id = $2::text::uuid \
                     WHERE customer_id = $1::text::uuid RETURNING id::text"
                ),
                &[&customer, &to],
            )?,
        };
        let mut out: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        out.sort();
        Ok(out)
    };
    Ok(Rows {
        incidents,
        decisions,
        restrictions,
        reviews: plain("review")?,
        letters: plain("letter")?,
    })
}

/// Write a customer's row and search keys from a snapshot (its version is given).
fn write_customer(
    tx: &mut Tx<'_>,
    s: &CustomerSnap,
    version: i64,
    merged_into: Option<&str>,
) -> TxResult<()> {
    tx.execute(
        "UPDATE customer SET name = $2, other_names = $3, postcode = $4, description = $5, \
         notes = $6, address = $7, large_print = $8, easy_read = $9, version = $10, \
         merged_into = $11::text::uuid, updated_at = $12 WHERE seq = $1",
        &[
            &s.seq,
            &s.name,
            &Json(&s.other_names),
            &s.postcode,
            &s.description,
            &s.notes,
            &Json(&s.address),
            &s.large_print,
            &s.easy_read,
            &version,
            &merged_into,
            &whole_seconds(Utc::now()),
        ],
    )?;
    if merged_into.is_some() {
        // A retired record no longer turns up in searches (as a linked visitor's).
        unindex_customer(tx, s.seq, &s.customer())
    } else {
        index_customer(tx, s.seq, &s.customer())
    }
}

/// Merge `other` into `survivor` (as `sqlite/merge.rs`).
fn merge(
    tx: &mut Tx<'_>,
    actor: &Actor,
    policy: &Policy,
    survivor: (Id, i64),
    other: (Id, i64),
) -> TxResult<MergeSaved> {
    not_itself(survivor.0, other.0)?;
    let (s, o) = check_pair(
        snap(tx, survivor.0)?,
        snap(tx, other.0)?,
        (survivor.1, other.1),
    )?;
    let (sid, oid) = (s.id.clone(), o.id.clone());
    let waiting: i64 = tx
        .query_one(
            "SELECT count(DISTINCT customer_id) FROM decision \
             WHERE customer_id IN ($1, $2) AND approval = 'waiting'",
            &[&survivor.0, &other.0],
        )?
        .get(0);
    not_both_waiting(waiting)?;
    let before = cases_of(tx, &[&sid, &oid])?;
    let kept = rows_of(tx, &sid, None)?;
    let others_cases: Vec<Id> = before
        .0
        .iter()
        .filter(|c| c.customer_id == oid)
        .map(|c| id(&c.id))
        .collect::<Result<_>>()?;
    let moved = rows_of(tx, &oid, Some(&sid))?;
    tx.execute(
        "UPDATE escalation_case SET customer_id = $2, version = version + 1 WHERE customer_id = $1",
        &[&other.0, &survivor.0],
    )?;
    let after = combined(&s, &o);
    write_customer(tx, &after, s.version + 1, None)?;
    write_customer(tx, &o, o.version + 1, Some(&sid))?;
    merge_open_cases(tx, actor, survivor.0, &others_cases, CASES_JOINED)?;
    let opened = reevaluate(tx, actor, policy, survivor.0)?;
    let after_cases = cases_of(tx, &[&sid, &oid])?;
    let merge_id = crate::domain::new_id();
    let record = MergeRecord::new(merge_id, &s, &o, moved, kept, before, after_cases);
    let record_json = serde_json::to_string(&record).unwrap_or_default();
    audit(
        tx,
        actor,
        "merge customers",
        "customer",
        &sid,
        Some(record.audit_before()),
        Some(record_json),
    )?;
    let audit_seq: i64 = tx.query_one("SELECT max(seq) FROM audit", &[])?.get(0);
    audit(
        tx,
        actor,
        "merged into another customer",
        "customer",
        &oid,
        None,
        Some(record.retired_after(audit_seq)),
    )?;
    tx.execute(
        "INSERT INTO customer_merge (id, survivor_id, merged_id, merged_at, merged_by, audit_seq, \
         record) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &merge_id,
            &survivor.0,
            &other.0,
            &whole_seconds(Utc::now()),
            &actor.staff.as_ref().map(|st| st.id),
            &audit_seq,
            &Json(&record),
        ],
    )?;
    Ok(record.saved(audit_seq, opened)?)
}

/// Undo a merge (as `sqlite/merge.rs`): refused, changing nothing, when something done since
/// would be lost or misfiled.
fn reverse(tx: &mut Tx<'_>, actor: &Actor, which: MergeRef) -> TxResult<MergeReversed> {
    let select = "SELECT m.id, m.record, m.reversed_at, coalesce(s.display_name, '') \
                  FROM customer_merge m LEFT JOIN staff s ON s.id = m.reversed_by";
    let row = match which {
        MergeRef::Id(id) => tx.query_opt(&format!("{select} WHERE m.id = $1"), &[&id])?,
        MergeRef::AuditSeq(n) => {
            tx.query_opt(&format!("{select} WHERE m.audit_seq = $1"), &[&n])?
        }
    };
    let Some(row) = row else {
        return Err(no_such_merge().into());
    };
    let merge_id: Id = row.get(0);
    if let Some(at) = row.get::<_, Option<DateTime<Utc>>>(2) {
        let when = time::date(time::london_date(at));
        return Err(already_undone(&when, row.get(3)).into());
    }
    let rec: MergeRecord = match row.get::<_, serde_json::Value>(1) {
        serde_json::Value::String(text) => MergeRecord::read(&text)?,
        value => MergeRecord::read(&value.to_string())?,
    };
    let (sid, oid) = (rec.survivor_before.id.clone(), rec.merged_before.id.clone());
    let s_now = snap(tx, id(&sid)?)?
        .ok_or_else(|| StoreError::Missing("the record kept by that merge".into()))?;
    let o_now = snap(tx, id(&oid)?)?
        .ok_or_else(|| StoreError::Missing("the record retired by that merge".into()))?;
    let cases_now = cases_of(tx, &[&sid, &oid])?;
    undo_problems(
        &rec,
        Now {
            survivor: &s_now,
            retired: &o_now,
            rows: &rows_of(tx, &sid, None)?,
            cases: &cases_now,
        },
    )?;

    // Cases: those the merge (or the rules after it) opened go; every other is put back as it
    // was, with a new version; the incidents behind each are as they were.
    for l in rec.links_added() {
        tx.execute(
            "DELETE FROM case_incident WHERE case_id = $1::text::uuid AND incident_id = $2::text::uuid",
            &[&l.0, &l.1],
        )?;
    }
    for c in rec.cases_opened() {
        tx.execute(
            "DELETE FROM escalation_case WHERE id = $1::text::uuid",
            &[&c.id],
        )?;
    }
    for c in &rec.cases_before {
        tx.execute(
            "UPDATE escalation_case SET customer_id = $2::text::uuid, \
             closed_at = $3::text::timestamptz, closed_by = $4::text::uuid, \
             decision_id = $5::text::uuid, waiting = $6, note = $7, \
             assigned_to = $8::text::uuid, seen_at = $9::text::timestamptz, \
             seen_by = $10::text::uuid, version = version + 1 WHERE id = $1::text::uuid",
            &[
                &c.id,
                &c.customer_id,
                &c.closed_at,
                &c.closed_by,
                &c.decision_id,
                &c.waiting,
                &c.note,
                &c.assigned_to,
                &c.seen_at,
                &c.seen_by,
            ],
        )?;
    }
    for l in rec.links_removed() {
        tx.execute(
            "INSERT INTO case_incident (case_id, incident_id) \
             VALUES ($1::text::uuid, $2::text::uuid) ON CONFLICT DO NOTHING",
            &[&l.0, &l.1],
        )?;
    }
    // The rows that moved go back.
    for (table, rows) in [
        ("incident", &rec.moved.incidents),
        ("decision", &rec.moved.decisions),
        ("restriction", &rec.moved.restrictions),
    ] {
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        tx.execute(
            &format!(
                "UPDATE {table} SET customer_id = $2::text::uuid, version = version + 1 \
                 WHERE id = ANY($1::text[]::uuid[])"
            ),
            &[&ids, &oid],
        )?;
    }
    for (table, ids) in [
        ("review", &rec.moved.reviews),
        ("letter", &rec.moved.letters),
    ] {
        tx.execute(
            &format!("UPDATE {table} SET customer_id = $2::text::uuid WHERE id = ANY($1::text[]::uuid[])"),
            &[ids, &oid],
        )?;
    }
    // Both records as they were.
    write_customer(tx, &rec.survivor_before, s_now.version + 1, None)?;
    write_customer(tx, &rec.merged_before, o_now.version + 1, None)?;
    tx.execute(
        "UPDATE customer_merge SET reversed_at = $2, reversed_by = $3 WHERE id = $1",
        &[
            &merge_id,
            &whole_seconds(Utc::now()),
            &actor.staff.as_ref().map(|st| st.id),
        ],
    )?;
    // Both records' trails say so.
    for who in [&sid, &oid] {
        let about = Some(rec.undo_about());
        audit(tx, actor, "undo merge", "customer", who, None, about)?;
    }
    Ok(rec.reversed()?)
}
