//! Retention on the server (as `sqlite/retention.rs`; the rules of what is due are
//! `policy::retention`, and how the store runs them `rules/retention.rs`): reading what the
//! rules need of every customer, and removing what they say is past its keeping period, in one
//! transaction. Audit entries about removed records forget their content through the chain's
//! redaction, so the chain still verifies.

use super::audit::{audit, forget_content, seqs_about};
use super::errors::TxResult;
use super::prelude::*;
use super::statements::Tx;
use crate::domain::{RecordKind, RetentionFacts};
use crate::store::rules::retention::{self as rules, CustomerRow, RecordRow};
use chrono::{DateTime, NaiveDate, Utc};

/// What the rules need of the customers numbered (`seq`) after `from` up to `to` and the
/// records merged into them; of everyone when None.
fn facts_of(tx: &mut Tx<'_>, range: Option<(i64, i64)>) -> TxResult<Vec<RetentionFacts>> {
    let now = crate::time::whole_seconds(Utc::now());
    let (who, theirs) = match range {
        None => ("true".to_string(), "true".to_string()),
        Some((from, to)) => {
            let survivors = format!("SELECT id FROM customer WHERE seq > {from} AND seq <= {to}");
            (
                format!("(seq > {from} AND seq <= {to}) OR merged_into IN ({survivors})"),
                format!(
                    "customer_id IN ({survivors} UNION ALL SELECT id FROM customer WHERE merged_into IN ({survivors}))"
                ),
            )
        }
    };
    let customers: Vec<CustomerRow> = tx
        .query_once(
            &format!(
                "SELECT id, coalesce(name, 'Unidentified visitor: ' || description), created_at, \
                 kept_from, merged_into FROM customer WHERE {who} ORDER BY seq"
            ),
            &[],
        )?
        .iter()
        .map(|r| CustomerRow {
            id: r.get::<_, Id>(0).to_string(),
            name: r.get(1),
            created_at: r.get(2),
            kept_from: r.get(3),
            merged_into: r.get::<_, Option<Id>>(4).map(|m| m.to_string()),
        })
        .collect();
    // (kind, SQL giving customer, id, the date that counts, and whether it holds them back)
    let tables: [(RecordKind, String); 6] = [
        (
            RecordKind::Incident,
            format!(
                "SELECT customer_id, id, greatest(occurred_at, logged_at, withdrawn_at), false \
                 FROM incident WHERE {theirs} ORDER BY logged_at, id"
            ),
        ),
        (
            RecordKind::Case,
            format!(
                "SELECT customer_id, id, greatest(opened_at, closed_at), closed_at IS NULL \
                 FROM escalation_case WHERE {theirs} ORDER BY opened_at, id"
            ),
        ),
        (
            RecordKind::Decision,
            format!(
                "SELECT customer_id, id, decided_at, letter_status = 'owed' FROM decision \
                 WHERE {theirs} ORDER BY decided_at, id"
            ),
        ),
        (
            RecordKind::Restriction,
            format!(
                "SELECT customer_id, id, coalesce(ends_at, starts_at), \
                 ends_at IS NULL OR ends_at > $1 FROM restriction WHERE {theirs} \
                 ORDER BY starts_at, id"
            ),
        ),
        (
            RecordKind::Review,
            format!(
                "SELECT coalesce(v.customer_id, r.customer_id), v.id, v.reviewed_at, \
                 v.letter_status = 'owed' FROM review v JOIN restriction r ON r.id = v.restriction_id \
                 WHERE {} ORDER BY v.reviewed_at, v.id",
                theirs.replace("customer_id IN", "r.customer_id IN")
            ),
        ),
        (
            RecordKind::Letter,
            format!(
                "SELECT customer_id, id, greatest(created_at, sent_at), false FROM letter \
                 WHERE {theirs} ORDER BY created_at, id"
            ),
        ),
    ];
    let mut records: Vec<RecordRow> = Vec::new();
    for (kind, sql) in tables {
        let rows = if kind == RecordKind::Restriction {
            tx.query_once(&sql, &[&now])?
        } else {
            tx.query_once(&sql, &[])?
        };
        records.extend(rows.iter().map(|r| RecordRow {
            kind,
            customer: r.get::<_, Id>(0).to_string(),
            id: r.get::<_, Id>(1).to_string(),
            at: r.get::<_, DateTime<Utc>>(2),
            holds: r.get(3),
        }));
    }
    Ok(rules::facts(customers, records))
}

/// The ids given as text (as the rules keep them), as the server's ids.
fn keys(ids: &[String]) -> Vec<Id> {
    ids.iter().filter_map(|i| Id::parse_str(i).ok()).collect()
}

/// What a run on `today` removes under `policy`, read in the caller's transaction.
fn plan(tx: &mut Tx<'_>, policy: &Policy, today: NaiveDate) -> TxResult<RetentionReport> {
    let mut report = rules::plan(&facts_of(tx, None)?, policy, today);
    let files: Vec<String> = tx
        .query(
            "SELECT file FROM letter WHERE id = ANY($1) AND file <> '' ORDER BY created_at, id",
            &[&keys(&rules::letters(&report))],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    rules::add_letter_files(&mut report, files);
    Ok(report)
}

/// Remove what a run on `today` removes, worked out again inside this transaction, in the
/// rules' order; audit entries about removed records forget their content, and one entry
/// records the run.
fn run(
    tx: &mut Tx<'_>,
    actor: &Actor,
    policy: &Policy,
    today: NaiveDate,
) -> TxResult<RetentionReport> {
    let report = plan(tx, policy, today)?;
    // A review is audited by its batch, against the customer: read the batches before the
    // rows go.
    let reviews = rules::reviews(&report);
    let batches: Vec<(String, String)> = if reviews.is_empty() {
        Vec::new()
    } else {
        tx.query(
            "SELECT DISTINCT coalesce(v.customer_id, r.customer_id), v.batch FROM review v \
             JOIN restriction r ON r.id = v.restriction_id \
             WHERE v.id = ANY($1) AND v.batch <> ''",
            &[&keys(&reviews)],
        )?
        .iter()
        .map(|r| (r.get::<_, Id>(0).to_string(), r.get(1)))
        .collect()
    };
    for (kind, ids) in rules::removal_steps(&report) {
        remove(tx, kind, &keys(&ids))?;
    }
    for (customer, since) in rules::clocks_kept(&report) {
        // The later of what it was and the date the removed records counted from.
        tx.execute(
            "UPDATE customer SET kept_from = greatest(kept_from, $2) WHERE id = $1",
            &[&Id::parse_str(&customer).ok(), &since],
        )?;
    }
    for chunk in rules::forgotten(&report, &batches).chunks(500) {
        for seq in seqs_about(tx, chunk)? {
            forget_content(tx, seq)?;
        }
    }
    // Entries about a customer who stays that tell of a removed record forget what they said.
    for (customer, removed) in rules::told(&report, &batches) {
        let entries = tx.query(
            "SELECT seq, coalesce(before, '') || coalesce(after, '') FROM audit \
             WHERE entity_id = $1 AND (before IS NOT NULL OR after IS NOT NULL)",
            &[&customer],
        )?;
        for e in entries {
            if rules::tells_of(&e.get::<_, String>(1), &removed) {
                forget_content(tx, e.get(0))?;
            }
        }
    }
    audit(
        tx,
        actor,
        "retention",
        "database",
        "",
        None,
        Some(rules::run_entry(&report, policy, today)),
    )?;
    Ok(report)
}

/// Remove the records of one kind (`ids`), clearing what points at them from records that
/// stay: a statement per table, whatever the number of records.
fn remove(tx: &mut Tx<'_>, kind: RecordKind, ids: &[Id]) -> TxResult<()> {
    let of = |column: &str| format!("{column} = ANY($1)");
    for sql in rules::removal_statements(kind, of, "customer_seq") {
        tx.execute(&sql, &[&ids])?;
    }
    Ok(())
}

/// A read with the office's policy in force read inside the same snapshot.
fn read_with_policy<T>(
    s: &mut PgStore,
    mut f: impl FnMut(&mut Tx<'_>, &Policy) -> TxResult<T>,
) -> Result<T> {
    let mut cache = s.office_policy.take();
    let out = s.read(|tx| {
        let policy = super::settings::policy_in_force(tx, &mut cache)?;
        f(tx, &policy)
    });
    s.office_policy = cache;
    out
}

pub(super) fn retention_plan(s: &mut PgStore, today: NaiveDate) -> Result<RetentionReport> {
    read_with_policy(s, |tx, p| plan(tx, p, today))
}

pub(super) fn retention_run(
    s: &mut PgStore,
    actor: &Actor,
    today: NaiveDate,
) -> Result<RetentionReport> {
    s.write_with_policy(
        actor,
        Role::can_manage_staff,
        "remove records past their keeping period (admins only)",
        |tx, p| run(tx, actor, p, today),
    )
}

/// How many records a run on `today` would remove among the customers numbered after `after`,
/// up to 500 of them, and the last number read (None when none was left): a short read at a
/// time.
pub(super) fn retention_due_step(
    s: &mut PgStore,
    today: NaiveDate,
    after: i64,
) -> Result<(usize, Option<i64>)> {
    read_with_policy(s, |tx, p| {
        let last: Option<i64> = tx
            .query_one(
                "SELECT max(seq) FROM (SELECT seq FROM customer WHERE seq > $1 ORDER BY seq \
                 LIMIT $2) s",
                &[&after, &500i64],
            )?
            .get(0);
        let Some(last) = last else {
            return Ok((0, None));
        };
        let n = rules::due_count(&facts_of(tx, Some((after, last)))?, p, today);
        Ok((n, Some(last)))
    })
}
