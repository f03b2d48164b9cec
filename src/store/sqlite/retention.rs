//! Retention: reading what the rules need of every customer, and removing what they say is past
//! its keeping period, in one transaction. The rules themselves are `policy::retention`, and
//! how the store runs them `rules/retention.rs` (shared with the PostgreSQL store).

use super::audit::{audit, forget_content, seqs_about};
use super::values::parse_time;
use crate::domain::{Actor, RecordKind, RetentionFacts, RetentionReport};
use crate::policy::Policy;
use crate::store::rules::retention::{self as rules, CustomerRow, RecordRow};
use crate::time;
use chrono::{NaiveDate, Utc};
use rusqlite::{params, Transaction};

/// What the rules need of every customer, read in the caller's transaction.
pub(super) fn facts(tx: &Transaction<'_>) -> rusqlite::Result<Vec<RetentionFacts>> {
    facts_of(tx, None)
}

/// What the rules need of the customers numbered (`seq`) after `from` up to `to` and the
/// records merged into them; of everyone when None.
fn facts_of(
    tx: &Transaction<'_>,
    range: Option<(i64, i64)>,
) -> rusqlite::Result<Vec<RetentionFacts>> {
    let now = time::to_db(Utc::now());
    let (who, theirs) = match range {
        None => ("1".to_string(), "1".to_string()),
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
    let mut customers: Vec<CustomerRow> = Vec::new();
    {
        let mut st = tx.prepare(&format!(
            "SELECT id, coalesce(name, 'Unidentified visitor: ' || description), created_at, \
             kept_from, merged_into FROM customer WHERE {who}"
        ))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let kept: Option<String> = r.get(3)?;
            customers.push(CustomerRow {
                id: r.get(0)?,
                name: r.get(1)?,
                created_at: parse_time(&r.get::<_, String>(2)?)?,
                kept_from: kept.as_deref().map(parse_time).transpose()?,
                merged_into: r.get(4)?,
            });
        }
    }
    // (kind, SQL giving customer, id, the date that counts, and whether it holds them back)
    let tables: [(RecordKind, String); 6] = [
        (
            RecordKind::Incident,
            format!(
                "SELECT customer_id, id, max(occurred_at, logged_at, coalesce(withdrawn_at, '')), 0 \
                 FROM incident WHERE {theirs}"
            ),
        ),
        (
            RecordKind::Case,
            format!(
                "SELECT customer_id, id, max(opened_at, coalesce(closed_at, '')), closed_at IS NULL \
                 FROM escalation_case WHERE {theirs}"
            ),
        ),
        (
            RecordKind::Decision,
            format!(
                "SELECT customer_id, id, decided_at, letter_status = 'owed' FROM decision \
                 WHERE {theirs}"
            ),
        ),
        (
            RecordKind::Restriction,
            format!(
                "SELECT customer_id, id, coalesce(ends_at, starts_at), \
                 ends_at IS NULL OR ends_at > '{now}' FROM restriction WHERE {theirs}"
            ),
        ),
        (
            RecordKind::Review,
            format!(
                "SELECT coalesce(v.customer_id, r.customer_id), v.id, v.reviewed_at, \
                 v.letter_status = 'owed' FROM review v JOIN restriction r ON r.id = v.restriction_id \
                 WHERE {}",
                theirs.replace("customer_id IN", "r.customer_id IN")
            ),
        ),
        (
            RecordKind::Letter,
            format!(
                "SELECT customer_id, id, max(created_at, coalesce(sent_at, '')), 0 FROM letter \
                 WHERE {theirs}"
            ),
        ),
    ];
    let mut records: Vec<RecordRow> = Vec::new();
    for (kind, sql) in tables {
        let mut st = tx.prepare(&sql)?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            records.push(RecordRow {
                kind,
                customer: r.get(0)?,
                id: r.get(1)?,
                at: parse_time(&r.get::<_, String>(2)?)?,
                holds: r.get(3)?,
            });
        }
    }
    Ok(rules::facts(customers, records))
}

/// What a run on `today` removes under `policy`, read in the caller's transaction.
pub(super) fn plan(
    tx: &Transaction<'_>,
    policy: &Policy,
    today: NaiveDate,
) -> rusqlite::Result<RetentionReport> {
    let mut report = rules::plan(&facts(tx)?, policy, today);
    let list = serde_json::to_string(&rules::letters(&report)).unwrap_or_else(|_| "[]".into());
    let files: Vec<String> = tx
        .prepare_cached(
            "SELECT file FROM letter WHERE id IN (SELECT value FROM json_each(?1)) AND file <> '' \
             ORDER BY created_at, id",
        )?
        .query_map([list], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    rules::add_letter_files(&mut report, files);
    Ok(report)
}

/// Remove what a run on `today` removes, worked out again inside this transaction (so what
/// another PC wrote since a dry run counts), in the rules' order; audit entries about removed
/// records forget their content, and one entry records the run: how many of each kind, and the
/// rules, never what they said. Returns what was removed.
pub(super) fn run(
    tx: &Transaction<'_>,
    actor: &Actor,
    policy: &Policy,
    today: NaiveDate,
) -> rusqlite::Result<RetentionReport> {
    let report = plan(tx, policy, today)?;
    // A review is audited by its batch (the review's own id), against the customer: read the
    // batches before the rows go.
    let reviews = rules::reviews(&report);
    let batches: Vec<(String, String)> = if reviews.is_empty() {
        Vec::new()
    } else {
        let list = serde_json::to_string(&reviews).unwrap_or_else(|_| "[]".into());
        tx.prepare(
            "SELECT DISTINCT coalesce(v.customer_id, r.customer_id), v.batch FROM review v \
             JOIN restriction r ON r.id = v.restriction_id \
             WHERE v.id IN (SELECT value FROM json_each(?1)) AND v.batch <> ''",
        )?
        .query_map([list], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?
    };
    for (kind, ids) in rules::removal_steps(&report) {
        remove(tx, kind, &ids)?;
    }
    for (customer, since) in rules::clocks_kept(&report) {
        // The later of what it was and the date the removed records counted from.
        tx.prepare_cached(
            "UPDATE customer SET kept_from = max(coalesce(kept_from, ''), ?2) WHERE id = ?1",
        )?
        .execute(params![customer, time::to_db(since)])?;
    }
    for chunk in rules::forgotten(&report, &batches).chunks(500) {
        for seq in seqs_about(tx, chunk)? {
            forget_content(tx, seq)?;
        }
    }
    // Entries about a customer who stays that tell of a removed record (a review, recorded
    // against the customer; a request naming its case) forget what they said too.
    for (customer, removed) in rules::told(&report, &batches) {
        let entries: Vec<(i64, String)> = tx
            .prepare_cached(
                "SELECT seq, coalesce(before, '') || coalesce(after, '') FROM audit \
                 WHERE entity_id = ?1 AND (before IS NOT NULL OR after IS NOT NULL)",
            )?
            .query_map([customer], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (seq, said) in entries {
            if rules::tells_of(&said, &removed) {
                forget_content(tx, seq)?;
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
fn remove(tx: &Transaction<'_>, kind: RecordKind, ids: &[String]) -> rusqlite::Result<()> {
    let of = |column: &str| format!("{column} IN (SELECT value FROM json_each(?1))");
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    for sql in rules::removal_statements(kind, of, "rowid") {
        tx.prepare(&sql)?.execute([&list])?;
    }
    Ok(())
}

/// How many records a run on `today` would remove among the customers numbered after `after`,
/// up to `limit` of them, and the last number read (None when none was left): the admins'
/// count is read a short transaction at a time, so no other PC waits long to save.
pub(super) fn due_count(
    tx: &Transaction<'_>,
    policy: &Policy,
    today: NaiveDate,
    after: i64,
    limit: i64,
) -> rusqlite::Result<(usize, Option<i64>)> {
    let last: Option<i64> = tx.query_row(
        "SELECT max(seq) FROM (SELECT seq FROM customer WHERE seq > ?1 ORDER BY seq LIMIT ?2)",
        [after, limit],
        |r| r.get(0),
    )?;
    let Some(last) = last else {
        return Ok((0, None));
    };
    let n = rules::due_count(&facts_of(tx, Some((after, last)))?, policy, today);
    Ok((n, Some(last)))
}
