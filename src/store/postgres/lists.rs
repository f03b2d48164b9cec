//! Reports and lists on the server (as `sqlite/stats.rs`; what is not SQL is `rules/lists.rs`):
//! the incidents list a screenful at a time, the restrictions in force, and the report's figures,
//! read from the day-by-day counts a trigger keeps (`incident_day`).

use super::errors::TxResult;
use super::prelude::*;
use super::statements::Tx;
use crate::domain::{
    sort_most_first, DecisionTimes, InForcePage, InForceRow, IncidentPage, IncidentQuery,
    IncidentRow, Report,
};
use crate::store::rules::lists::{self as rules, managers_only};
use ::postgres::types::ToSql;
use chrono::{DateTime, NaiveDate, Utc};

const NAME: &str = "coalesce(cu.name, 'Unidentified visitor: ' || cu.description)";

/// The first instant of the London day after `d`.
fn after_day(d: NaiveDate) -> DateTime<Utc> {
    crate::time::london_midnight(d.succ_opt().unwrap_or(d))
}

type Params = Vec<Box<dyn ToSql + Sync>>;

fn refs(p: &Params) -> Vec<&(dyn ToSql + Sync)> {
    p.iter().map(|b| b.as_ref()).collect()
}

/// Add a parameter; returns its placeholder.
fn arg(p: &mut Params, v: impl ToSql + Sync + 'static) -> String {
    p.push(Box::new(v));
    format!("${}", p.len())
}

pub(super) fn incidents_page(
    s: &mut PgStore,
    actor: &Actor,
    query: &IncidentQuery,
) -> Result<IncidentPage> {
    let own = rules::own_incidents_only(actor)?;
    s.read(|tx| page(tx, query, own))
}

/// A screenful of the incidents list, newest first (as `sqlite/stats.rs`).
fn page(tx: &mut Tx<'_>, q: &IncidentQuery, own: Option<Id>) -> TxResult<IncidentPage> {
    let f = &q.filter;
    let staff = own.or(f.staff);
    // The day-by-day counts tell how many match first, unless the list is one person's or the
    // unidentified visitors'.
    let total = if staff.is_none() && !f.unidentified {
        let mut p: Params = Vec::new();
        let mut w = vec!["true".to_string()];
        if let Some(d) = f.from {
            w.push(format!("day >= {}", arg(&mut p, d)));
        }
        if let Some(d) = f.to {
            w.push(format!("day <= {}", arg(&mut p, d)));
        }
        if let Some(c) = &f.category {
            w.push(format!("category = {}", arg(&mut p, c.clone())));
        }
        if let Some(c) = &f.channel {
            w.push(format!("channel = {}", arg(&mut p, c.clone())));
        }
        if f.threats {
            w.push("threat".into());
        }
        let n: i64 = tx
            .query_one(
                &format!(
                    "SELECT coalesce(sum(n), 0)::bigint FROM incident_day WHERE {}",
                    w.join(" AND ")
                ),
                &refs(&p),
            )?
            .get(0);
        Some(n.max(0) as u64)
    } else {
        None
    };
    if total == Some(0) {
        return Ok(IncidentPage {
            offset: q.offset,
            rows: Vec::new(),
            more: false,
            total,
            own_only: own.is_some(),
        });
    }
    let mut p: Params = Vec::new();
    let mut wheres = vec!["i.withdrawn_at IS NULL".to_string()];
    if let Some(d) = f.from {
        wheres.push(format!(
            "i.occurred_at >= {}",
            arg(&mut p, crate::time::london_midnight(d))
        ));
    }
    if let Some(d) = f.to {
        wheres.push(format!("i.occurred_at < {}", arg(&mut p, after_day(d))));
    }
    if let Some(c) = &f.category {
        wheres.push(format!("i.category = {}", arg(&mut p, c.clone())));
    }
    if let Some(c) = &f.channel {
        wheres.push(format!("i.channel = {}", arg(&mut p, c.clone())));
    }
    if let Some(s) = staff {
        wheres.push(format!("i.logged_by = {}", arg(&mut p, s)));
    }
    if f.threats {
        wheres.push("i.immediate_threat".into());
    }
    if f.unidentified {
        wheres.push("cu.name IS NULL AND cu.merged_into IS NULL".into());
    }
    let limit = arg(&mut p, q.limit as i64 + 1);
    let offset = arg(&mut p, q.offset as i64);
    let rows = tx.query(
        &format!(
            "SELECT i.id, i.customer_id, {NAME}, cu.name IS NULL, i.occurred_at, i.channel, \
             i.category, coalesce(s.display_name, ''), i.immediate_threat, i.description \
             FROM incident i JOIN customer cu ON cu.id = i.customer_id \
             LEFT JOIN staff s ON s.id = i.logged_by WHERE {} \
             ORDER BY i.occurred_at DESC, i.id DESC LIMIT {limit} OFFSET {offset}",
            wheres.join(" AND ")
        ),
        &refs(&p),
    )?;
    let mut rows: Vec<IncidentRow> = rows
        .iter()
        .map(|r| {
            let description: String = r.get(9);
            IncidentRow {
                id: r.get(0),
                customer_id: r.get(1),
                customer_name: r.get(2),
                unidentified: r.get(3),
                occurred_at: r.get(4),
                channel: r.get(5),
                category: r.get(6),
                logged_by: r.get(7),
                immediate_threat: r.get(8),
                summary: description.lines().next().unwrap_or("").to_string(),
            }
        })
        .collect();
    let more = rows.len() > q.limit;
    rows.truncate(q.limit);
    Ok(IncidentPage {
        offset: q.offset,
        rows,
        more,
        total,
        own_only: own.is_some(),
    })
}

pub(super) fn in_force_page(
    s: &mut PgStore,
    actor: &Actor,
    offset: usize,
    limit: usize,
) -> Result<InForcePage> {
    managers_only(actor, "see the restrictions in force as a list")?;
    s.read(|tx| {
        let total: i64 = tx
            .query_one(
                "SELECT count(*) FROM restriction WHERE ends_at IS NULL",
                &[],
            )?
            .get(0);
        Ok(InForcePage {
            offset,
            rows: in_force_rows(tx, None, limit, offset)?,
            total: total as u64,
        })
    })
}

/// Restrictions in force (with a review due before `overdue_before`, if given), without a
/// review date first, then the review most overdue.
fn in_force_rows(
    tx: &mut Tx<'_>,
    overdue_before: Option<NaiveDate>,
    limit: usize,
    offset: usize,
) -> TxResult<Vec<InForceRow>> {
    let rows = tx.query(
        &format!(
            "SELECT r.id, r.customer_id, {NAME}, r.kind, r.starts_at, r.review_due, \
             (SELECT c.id FROM escalation_case c WHERE c.customer_id = r.customer_id \
              AND c.reason = 'review_due' AND c.closed_at IS NULL LIMIT 1) \
             FROM restriction r JOIN customer cu ON cu.id = r.customer_id \
             WHERE r.ends_at IS NULL AND ($3::date IS NULL OR r.review_due < $3) \
             ORDER BY r.review_due NULLS FIRST, r.id LIMIT $1 OFFSET $2"
        ),
        &[&(limit as i64), &(offset as i64), &overdue_before],
    )?;
    Ok(rows
        .iter()
        .map(|r| InForceRow {
            restriction_id: r.get(0),
            customer_id: r.get(1),
            customer_name: r.get(2),
            kind: r.get(3),
            starts_at: r.get(4),
            review_due: r.get(5),
            case_id: r.get(6),
        })
        .collect())
}

pub(super) fn report(
    s: &mut PgStore,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Report> {
    managers_only(actor, "see the reports")?;
    s.read(|tx| figures(tx, from, to, now))
}

/// The figures between two London dates (both included); "now" figures are as of `now`.
fn figures(
    tx: &mut Tx<'_>,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> TxResult<Report> {
    let today = crate::time::london_date(now);
    let mut months = rules::months(from, to);
    for r in tx.query(
        "SELECT to_char(day, 'YYYY-MM'), category, channel, threat, sum(n)::bigint \
         FROM incident_day WHERE day >= $1 AND day <= $2 GROUP BY 1, 2, 3, 4",
        &[&from, &to],
    )? {
        let ym: String = r.get(0);
        rules::add_day_figures(&mut months, &ym, r.get(1), r.get(2), r.get(3), r.get(4));
    }
    rules::sort_months(&mut months);
    let (start, end) = (crate::time::london_midnight(from), after_day(to));
    let mut outcomes: Vec<(String, u64)> = tx
        .query(
            // A decision waiting for a second person's approval, or turned down, is not one
            // made (yet).
            "SELECT outcome, count(*) FROM decision WHERE decided_at >= $1 AND decided_at < $2 \
             AND approval IN ('', 'approved') GROUP BY outcome",
            &[&start, &end],
        )?
        .iter()
        .map(|r| (r.get(0), r.get::<_, i64>(1) as u64))
        .collect();
    sort_most_first(&mut outcomes);
    let mut in_force: Vec<(String, u64)> = tx
        .query(
            "SELECT kind, count(*) FROM restriction WHERE ends_at IS NULL GROUP BY kind",
            &[],
        )?
        .iter()
        .map(|r| (r.get(0), r.get::<_, i64>(1) as u64))
        .collect();
    sort_most_first(&mut in_force);
    // Each review (one batch may cover several restrictions) against the date it was due: the
    // next review set by the one before it, else the date the restriction was first given.
    let held_due: Vec<(NaiveDate, Option<NaiveDate>)> = tx
        .query(
            "SELECT v.batch, min((v.reviewed_at AT TIME ZONE 'Europe/London')::date), \
             min(coalesce((SELECT p.next_review FROM review p \
              WHERE p.restriction_id = v.restriction_id AND p.reviewed_at < v.reviewed_at \
              ORDER BY p.reviewed_at DESC LIMIT 1), r.first_review_due)) \
             FROM review v JOIN restriction r ON r.id = v.restriction_id \
             WHERE v.reviewed_at >= $1 AND v.reviewed_at < $2 GROUP BY v.batch",
            &[&start, &end],
        )?
        .iter()
        .map(|r| (r.get(1), r.get(2)))
        .collect();
    let (on_time, late) = rules::reviews_on_time(&held_due);
    let overdue_total: i64 = tx
        .query_one(
            "SELECT count(*) FROM restriction WHERE ends_at IS NULL AND review_due < $1",
            &[&today],
        )?
        .get(0);
    let overdue = in_force_rows(tx, Some(today), Report::OVERDUE_LISTED, 0)?;
    let days: Vec<i64> = tx
        .query(
            "SELECT waited_days FROM decision WHERE decided_at >= $1 AND decided_at < $2 \
             AND waited_days IS NOT NULL AND approval IN ('', 'approved')",
            &[&start, &end],
        )?
        .iter()
        .map(|r| i64::from(r.get::<_, i32>(0)))
        .collect();
    Ok(Report {
        from,
        to,
        today,
        months,
        outcomes,
        in_force,
        reviews_on_time: on_time,
        reviews_late: late,
        overdue_total: overdue_total as u64,
        overdue,
        decision_times: DecisionTimes::from_days(days),
    })
}
