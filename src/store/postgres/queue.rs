//! The manager's queue on the server (as the queue's part of `sqlite/decisions.rs`; the rules are
//! `rules/queue.rs`). There is no `queue_row` or `queue_count` here: a page is read from
//! `escalation_case` through its expression indexes (`escalation_case_queue`, and
//! `escalation_case_assigned` for one manager's cases), ordered by the queue's rank, then the
//! oldest first, then the case's id (SQLite's last key is the order the cases were written in,
//! which the server does not keep: two cases of one rank opened in the same second may come in
//! another order).
//!
//! The case reader ([`case`], [`open_cases`]), and opening and closing cases ([`join_case_since`],
//! [`close_case`]), are `cases.rs`'s, named here for the manager's side.

use super::errors::TxResult;
use super::migrations::QUEUE_RANK;
use super::prelude::*;
use super::statements::Tx;
use crate::domain::{CaseAlert, CaseFilter, CaseReason, QueueSummary};
use crate::store::rules::queue::{self as rules, REVIEW_TO_DECIDE};
use ::postgres::types::ToSql;
use chrono::{DateTime, NaiveDate, Utc};

pub(super) use super::cases::{case_row, CASE_COLS, CASE_FROM};

/// Escalation cases not yet closed, oldest first (read by `cases.rs`).
pub(super) fn open_cases(tx: &mut Tx<'_>) -> TxResult<Vec<CaseSummary>> {
    super::cases::open_in(tx)
}

pub(super) fn case(tx: &mut Tx<'_>, id: Id) -> TxResult<Option<CaseSummary>> {
    super::cases::case_in(tx, id)
}

fn count(tx: &mut Tx<'_>, sql: &str, params: &[&(dyn ToSql + Sync)]) -> TxResult<u64> {
    Ok(tx.query_one(sql, params)?.get::<_, i64>(0).max(0) as u64)
}

fn riddor_owed(tx: &mut Tx<'_>) -> TxResult<u64> {
    count(
        tx,
        "SELECT count(*) FROM incident \
         WHERE riddor = 'yes' AND riddor_ref = '' AND withdrawn_at IS NULL",
        &[],
    )
}

fn letters_owed_count(tx: &mut Tx<'_>) -> TxResult<u64> {
    count(
        tx,
        "SELECT count(*) FROM decision WHERE letter_status = 'owed'",
        &[],
    )
}

/// The summary line of the whole queue (as `sqlite/decisions.rs`'s `queue_summary`).
fn queue_summary(tx: &mut Tx<'_>, today: NaiveDate) -> TxResult<QueueSummary> {
    let now = crate::time::whole_seconds(Utc::now());
    let open_cases = count(
        tx,
        "SELECT count(*) FROM escalation_case WHERE closed_at IS NULL",
        &[],
    )?;
    let overdue_reviews = count(
        tx,
        "SELECT count(DISTINCT r.customer_id) FROM restriction r \
         JOIN customer cu ON cu.id = r.customer_id AND cu.merged_into IS NULL \
         WHERE (r.ends_at IS NULL OR r.ends_at > $2) AND r.review_due IS NOT NULL \
         AND r.review_due < $1",
        &[&today, &now],
    )?;
    Ok(QueueSummary {
        open_cases,
        overdue_reviews,
        letters_owed: letters_owed_count(tx)?,
        riddor_owed: riddor_owed(tx)?,
    })
}

pub(super) fn queue(s: &mut PgStore, actor: &Actor, today: NaiveDate) -> Result<Queue> {
    // A server busy with another PC's write still shows the queue; the review cases open the
    // next time it can.
    match open_due_reviews(s, actor, today) {
        Err(e) if !e.is_transient() => return Err(e),
        _ => {}
    }
    s.read(|tx| {
        Ok(Queue {
            cases: open_cases(tx)?,
            summary: queue_summary(tx, today)?,
        })
    })
}

pub(super) fn queue_page(s: &mut PgStore, q: &QueueQuery, today: NaiveDate) -> Result<QueuePage> {
    s.read(|tx| page(tx, q, today))
}

/// A page of the queue: the open cases `q` keeps, most urgent first, and how many in all (as
/// `sqlite/decisions.rs`'s `queue_page`, its counts by rank read from the queue's index).
fn page(tx: &mut Tx<'_>, q: &QueueQuery, today: NaiveDate) -> TxResult<QueuePage> {
    let midnight = crate::time::london_midnight(today);
    let ranks: Vec<(i64, u64)> = tx
        .query(
            &format!(
                "SELECT {QUEUE_RANK}, count(*) FROM escalation_case WHERE closed_at IS NULL \
                 GROUP BY 1"
            ),
            &[],
        )?
        .iter()
        .map(|r| (i64::from(r.get::<_, i32>(0)), r.get::<_, i64>(1) as u64))
        .collect();
    let due_today = count(
        tx,
        &format!(
            "SELECT count(*) FROM escalation_case WHERE closed_at IS NULL \
             AND {QUEUE_RANK} = $1 AND opened_at >= $2"
        ),
        &[&(REVIEW_TO_DECIDE as i32), &midnight],
    )?;
    let letters_owed = letters_owed_count(tx)?;
    let summary = rules::summary(&ranks, due_today, letters_owed, riddor_owed(tx)?);
    let who = match q.filter {
        CaseFilter::AssignedTo(None) => {
            return Ok(QueuePage {
                cases: Vec::new(),
                offset: q.offset,
                total: 0,
                summary,
            })
        }
        CaseFilter::AssignedTo(Some(id)) => Some(id),
        _ => None,
    };
    let filter = rules::filter_sql(q.filter, QUEUE_RANK, "c.", "$1");
    let params: Vec<&(dyn ToSql + Sync)> = match &who {
        Some(w) => vec![w],
        None => Vec::new(),
    };
    let order = format!("{QUEUE_RANK}, c.opened_at, c.id");
    let find = rules::folded_find(&q.find);
    if find.is_empty() {
        let total = if rules::counted(q.filter) {
            count(
                tx,
                &format!(
                    "SELECT count(*) FROM escalation_case c WHERE c.closed_at IS NULL AND {filter}"
                ),
                &params,
            )?
        } else {
            rules::total_from_ranks(q.filter, &ranks)
        };
        let rows = tx.query(
            &format!(
                "SELECT {CASE_COLS} {CASE_FROM} WHERE c.closed_at IS NULL AND {filter} \
                 ORDER BY {order} LIMIT {} OFFSET {}",
                q.limit, q.offset
            ),
            &params,
        )?;
        return Ok(QueuePage {
            cases: rows.iter().map(case_row).collect(),
            offset: q.offset,
            total: total as usize,
            summary,
        });
    }
    // Finding by name: the names are folded as the lookup folds them, so every case the filter
    // keeps is read.
    let rows = tx.query(
        &format!(
            "SELECT {CASE_COLS} {CASE_FROM} WHERE c.closed_at IS NULL AND {filter} ORDER BY {order}"
        ),
        &params,
    )?;
    let mut kept = Vec::new();
    let mut total = 0;
    for r in &rows {
        let name: String = r.get(2);
        if rules::name_found(&name, &find) {
            if total >= q.offset && kept.len() < q.limit {
                kept.push(case_row(r));
            }
            total += 1;
        }
    }
    Ok(QueuePage {
        cases: kept,
        offset: q.offset,
        total,
        summary,
    })
}

/// Customers with a restriction in force whose review date has come by `today` and who have
/// no open review case yet, with the earliest such date.
fn reviews_without_case(tx: &mut Tx<'_>, today: NaiveDate) -> TxResult<Vec<(Id, NaiveDate)>> {
    let now = crate::time::whole_seconds(Utc::now());
    let rows = tx.query(
        "SELECT r.customer_id, min(r.review_due) FROM restriction r \
         JOIN customer cu ON cu.id = r.customer_id AND cu.merged_into IS NULL \
         WHERE (r.ends_at IS NULL OR r.ends_at > $2) AND r.review_due IS NOT NULL \
           AND r.review_due <= $1 AND r.starts_at <= $2 \
           AND NOT EXISTS (SELECT 1 FROM escalation_case c WHERE c.customer_id = r.customer_id \
                           AND c.reason = 'review_due' AND c.closed_at IS NULL) \
         GROUP BY r.customer_id",
        &[&today, &now],
    )?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

pub(super) fn open_due_reviews(s: &mut PgStore, actor: &Actor, today: NaiveDate) -> Result<usize> {
    // Reviews that have come since anyone last looked get their case: a write only when one
    // is missing, so on most days this is a single read.
    if s.mode != crate::store::OpenMode::ReadWrite || !actor.role().is_some_and(Role::can_decide) {
        return Ok(0);
    }
    if s.read(|tx| reviews_without_case(tx, today))?.is_empty() {
        return Ok(0);
    }
    s.write_as(actor, Role::can_decide, "open review cases", |tx| {
        let due = reviews_without_case(tx, today)?;
        for (customer, date) in &due {
            join_case_since(
                tx,
                actor,
                *customer,
                CaseReason::ReviewDue,
                &[],
                crate::time::london_midnight(*date),
            )?;
        }
        Ok(due.len())
    })
}

pub(super) fn queue_watch(s: &mut PgStore) -> Result<QueueWatch> {
    s.read(|tx| {
        let alerts = tx
            .query(
                "SELECT c.id, coalesce(cu.name, 'Unidentified visitor: ' || cu.description), \
                   c.reason, c.opened_at, last.logged_at, s.display_name, s.role \
                 FROM escalation_case c JOIN customer cu ON cu.id = c.customer_id \
                 LEFT JOIN LATERAL (SELECT i.logged_at, i.logged_by FROM case_incident ci \
                    JOIN incident i ON i.id = ci.incident_id WHERE ci.case_id = c.id \
                    ORDER BY i.logged_at DESC LIMIT 1) last ON true \
                 LEFT JOIN staff s ON s.id = last.logged_by \
                 WHERE c.closed_at IS NULL AND c.seen_at IS NULL AND c.waiting = '' \
                   AND c.reason IN ('immediate_threat', 'breach') \
                 ORDER BY c.opened_at, c.id",
                &[],
            )?
            .iter()
            .map(|r| {
                let reason: String = r.get(2);
                let opened: DateTime<Utc> = r.get(3);
                CaseAlert {
                    case_id: r.get(0),
                    customer_name: r.get(1),
                    reason: CaseReason::parse(&reason).unwrap_or(CaseReason::ImmediateThreat),
                    logged_at: r.get::<_, Option<DateTime<Utc>>>(4).unwrap_or(opened),
                    logged_by: r.get(5),
                    logged_by_role: r.get(6),
                }
            })
            .collect();
        let rows: Vec<(String, bool, u64)> = tx
            .query(
                "SELECT reason, waiting = 'confirmation', count(*) FROM escalation_case \
                 WHERE closed_at IS NULL GROUP BY 1, 2",
                &[],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get::<_, i64>(2) as u64))
            .collect();
        Ok(rules::watch(alerts, &rows))
    })
}

/// Add incidents to the customer's open case for this reason (opening one, dated `since`, if
/// there is none): `cases.rs`'s [`join`](super::cases::join).
pub(super) fn join_case_since(
    tx: &mut Tx<'_>,
    actor: &Actor,
    customer: Id,
    reason: CaseReason,
    incidents: &[Id],
    since: DateTime<Utc>,
) -> TxResult<Id> {
    Ok(super::cases::join(tx, actor, customer, reason, incidents, since)?.case)
}

pub(super) fn join_case(
    tx: &mut Tx<'_>,
    actor: &Actor,
    customer: Id,
    reason: CaseReason,
    incidents: &[Id],
) -> TxResult<Id> {
    join_case_since(tx, actor, customer, reason, incidents, Utc::now())
}

/// Close one case, answered by a decision (or by a review, with no decision).
pub(super) fn close_case(
    tx: &mut Tx<'_>,
    actor: &Actor,
    case: Id,
    decision: Option<Id>,
) -> TxResult<()> {
    super::cases::close_case_because(tx, actor, case, decision, None)
}
