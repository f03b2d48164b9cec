//! Reports and lists: the incidents list a screenful at a time, the restrictions in force, and
//! the figures managers and trustees are asked for, read from the day-by-day counts migration 16
//! keeps (`incident_day`) rather than from the incidents themselves.

use super::values::{parse_date, parse_id, parse_time};
use crate::domain::{
    sort_most_first, DecisionTimes, InForcePage, InForceRow, IncidentPage, IncidentQuery,
    IncidentRow, Report,
};
use crate::store::rules::lists;
use crate::time;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Transaction};

const NAME: &str = "coalesce(cu.name, 'Unidentified visitor: ' || cu.description)";

/// The first instant of the London day after `d`, as stored.
fn after_day(d: NaiveDate) -> String {
    time::to_db(time::london_midnight(d.succ_opt().unwrap_or(d)))
}

fn day_start(d: NaiveDate) -> String {
    time::to_db(time::london_midnight(d))
}

/// A screenful of the incidents list, newest first. `own` limits it to one member of staff's
/// incidents whatever the filter asks (reception and phone staff see only their own).
pub(super) fn incidents_page(
    tx: &Transaction<'_>,
    q: &IncidentQuery,
    own: Option<crate::domain::Id>,
) -> rusqlite::Result<IncidentPage> {
    let f = &q.filter;
    let mut wheres = vec!["i.withdrawn_at IS NULL".to_string()];
    let mut args: Vec<Value> = Vec::new();
    if let Some(d) = f.from {
        args.push(Value::Text(day_start(d)));
        wheres.push(format!("i.occurred_at >= ?{}", args.len()));
    }
    if let Some(d) = f.to {
        args.push(Value::Text(after_day(d)));
        wheres.push(format!("i.occurred_at < ?{}", args.len()));
    }
    if let Some(c) = &f.category {
        args.push(Value::Text(c.clone()));
        wheres.push(format!("i.category = ?{}", args.len()));
    }
    if let Some(c) = &f.channel {
        args.push(Value::Text(c.clone()));
        wheres.push(format!("i.channel = ?{}", args.len()));
    }
    let staff = own.or(f.staff);
    if let Some(s) = staff {
        args.push(Value::Text(s.to_string()));
        wheres.push(format!("i.logged_by = ?{}", args.len()));
    }
    if f.threats {
        wheres.push("i.immediate_threat = 1".into());
    }
    // The day-by-day counts tell how many match first, unless the list is one person's or the
    // unidentified visitors' (the counts do not keep who logged an incident or about whom):
    // when none do, the incidents are not read at all (a filter matching nothing would
    // otherwise walk every incident looking for one).
    let total = if staff.is_none() && !f.unidentified {
        let mut w = vec!["1".to_string()];
        let mut a: Vec<Value> = Vec::new();
        if let Some(d) = f.from {
            a.push(Value::Text(time::date_to_db(d)));
            w.push(format!("day >= ?{}", a.len()));
        }
        if let Some(d) = f.to {
            a.push(Value::Text(time::date_to_db(d)));
            w.push(format!("day <= ?{}", a.len()));
        }
        if let Some(c) = &f.category {
            a.push(Value::Text(c.clone()));
            w.push(format!("category = ?{}", a.len()));
        }
        if let Some(c) = &f.channel {
            a.push(Value::Text(c.clone()));
            w.push(format!("channel = ?{}", a.len()));
        }
        if f.threats {
            w.push("threat = 1".into());
        }
        let n: i64 = tx
            .prepare_cached(&format!(
                "SELECT coalesce(sum(n), 0) FROM incident_day WHERE {}",
                w.join(" AND ")
            ))?
            .query_row(params_from_iter(a.iter()), |r| r.get(0))?;
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
    // Unidentified visitors' incidents are kept in time order (migration 16): walk those rather
    // than every incident newest first looking for theirs. Otherwise walk the index that gives
    // the order and narrows most: one person's incidents, the immediate threats, one channel's
    // or one category's (migration 17), or every incident newest first (never the whole table
    // and a sort).
    let (from, order) = if f.unidentified {
        (
            "visitor_incident v CROSS JOIN incident i ON i.id = v.incident_id \
             JOIN customer cu ON cu.id = i.customer_id",
            "v.occurred_at DESC, v.incident_id DESC",
        )
    } else if staff.is_some() {
        (
            "incident i INDEXED BY incident_logged_by JOIN customer cu ON cu.id = i.customer_id",
            "i.occurred_at DESC, i.id DESC",
        )
    } else if f.threats {
        (
            "incident i INDEXED BY incident_threat JOIN customer cu ON cu.id = i.customer_id",
            "i.occurred_at DESC, i.id DESC",
        )
    } else if f.channel.is_some() {
        (
            "incident i INDEXED BY incident_channel JOIN customer cu ON cu.id = i.customer_id",
            "i.occurred_at DESC, i.id DESC",
        )
    } else if f.category.is_some() {
        (
            "incident i INDEXED BY incident_category JOIN customer cu ON cu.id = i.customer_id",
            "i.occurred_at DESC, i.id DESC",
        )
    } else {
        (
            "incident i INDEXED BY incident_occurred JOIN customer cu ON cu.id = i.customer_id",
            "i.occurred_at DESC, i.id DESC",
        )
    };
    args.push(Value::Integer(q.limit as i64 + 1));
    let limit = args.len();
    args.push(Value::Integer(q.offset as i64));
    let offset = args.len();
    let sql = format!(
        "SELECT i.id, i.customer_id, {NAME}, cu.name IS NULL, i.occurred_at, i.channel, \
         i.category, coalesce(s.display_name, ''), i.immediate_threat, i.description \
         FROM {from} LEFT JOIN staff s ON s.id = i.logged_by WHERE {} \
         ORDER BY {order} LIMIT ?{limit} OFFSET ?{offset}",
        wheres.join(" AND ")
    );
    let mut rows: Vec<IncidentRow> = tx
        .prepare_cached(&sql)?
        .query_map(params_from_iter(args.iter()), |r| {
            let description: String = r.get(9)?;
            Ok(IncidentRow {
                id: parse_id(&r.get::<_, String>(0)?)?,
                customer_id: parse_id(&r.get::<_, String>(1)?)?,
                customer_name: r.get(2)?,
                unidentified: r.get(3)?,
                occurred_at: parse_time(&r.get::<_, String>(4)?)?,
                channel: r.get(5)?,
                category: r.get(6)?,
                logged_by: r.get(7)?,
                immediate_threat: r.get(8)?,
                summary: description.lines().next().unwrap_or("").to_string(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
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

/// The restrictions in force, without a review date first, then the review most overdue.
pub(super) fn in_force_page(
    tx: &Transaction<'_>,
    offset: usize,
    limit: usize,
) -> rusqlite::Result<InForcePage> {
    let total: i64 = tx
        .prepare_cached("SELECT count(*) FROM restriction WHERE ends_at IS NULL")?
        .query_row([], |r| r.get(0))?;
    let rows = in_force_rows(tx, "", limit, offset, &[])?;
    Ok(InForcePage {
        offset,
        rows,
        total: total as u64,
    })
}

fn in_force_rows(
    tx: &Transaction<'_>,
    and: &str,
    limit: usize,
    offset: usize,
    extra: &[Value],
) -> rusqlite::Result<Vec<InForceRow>> {
    let mut args: Vec<Value> = vec![Value::Integer(limit as i64), Value::Integer(offset as i64)];
    args.extend_from_slice(extra);
    tx.prepare_cached(&format!(
        "SELECT r.id, r.customer_id, {NAME}, r.kind, r.starts_at, r.review_due, \
         (SELECT q.case_id FROM queue_row q WHERE q.customer_id = r.customer_id \
          AND q.reason = 'review_due' LIMIT 1) \
         FROM restriction r JOIN customer cu ON cu.id = r.customer_id \
         WHERE r.ends_at IS NULL {and} ORDER BY r.review_due, r.id LIMIT ?1 OFFSET ?2"
    ))?
    .query_map(params_from_iter(args.iter()), |r| {
        Ok(InForceRow {
            restriction_id: parse_id(&r.get::<_, String>(0)?)?,
            customer_id: parse_id(&r.get::<_, String>(1)?)?,
            customer_name: r.get(2)?,
            kind: r.get(3)?,
            starts_at: parse_time(&r.get::<_, String>(4)?)?,
            review_due: r
                .get::<_, Option<String>>(5)?
                .as_deref()
                .map(parse_date)
                .transpose()?,
            case_id: r
                .get::<_, Option<String>>(6)?
                .as_deref()
                .map(parse_id)
                .transpose()?,
        })
    })?
    .collect()
}

/// The figures between two London dates (both included); "now" figures are as of `now`.
pub(super) fn report(
    tx: &Transaction<'_>,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> rusqlite::Result<Report> {
    let today = time::london_date(now);
    let mut months = lists::months(from, to);
    {
        let mut st = tx.prepare_cached(
            "SELECT substr(day, 1, 7), category, channel, threat, sum(n) FROM incident_day \
             WHERE day >= ?1 AND day <= ?2 GROUP BY 1, 2, 3, 4",
        )?;
        let mut rows = st.query(params![time::date_to_db(from), time::date_to_db(to)])?;
        while let Some(r) = rows.next()? {
            let ym: String = r.get(0)?;
            let threat = r.get::<_, i64>(3)? == 1;
            lists::add_day_figures(&mut months, &ym, r.get(1)?, r.get(2)?, threat, r.get(4)?);
        }
    }
    lists::sort_months(&mut months);
    let (start, end) = (day_start(from), after_day(to));
    let mut outcomes: Vec<(String, u64)> = tx
        .prepare_cached(
            // A decision waiting for a second person's approval, or turned down, is not one
            // made (yet).
            "SELECT outcome, count(*) FROM decision WHERE decided_at >= ?1 AND decided_at < ?2 \
             AND approval IN ('', 'approved') GROUP BY outcome",
        )?
        .query_map(params![start, end], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?
        .collect::<rusqlite::Result<_>>()?;
    sort_most_first(&mut outcomes);
    let mut in_force: Vec<(String, u64)> = tx
        .prepare_cached(
            "SELECT kind, count(*) FROM restriction WHERE ends_at IS NULL GROUP BY kind",
        )?
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?
        .collect::<rusqlite::Result<_>>()?;
    sort_most_first(&mut in_force);
    // Each review (one batch may cover several restrictions) against the date it was due: the
    // next review set by the one before it, else the date the restriction was first given.
    let held_due = {
        let mut st = tx.prepare_cached(concat!(
            "SELECT v.batch, min(",
            crate::london_day!("v.", "reviewed_at"),
            "), min(coalesce((SELECT p.next_review FROM review p \
              WHERE p.restriction_id = v.restriction_id AND p.reviewed_at < v.reviewed_at \
              ORDER BY p.reviewed_at DESC LIMIT 1), r.first_review_due)) \
             FROM review v JOIN restriction r ON r.id = v.restriction_id \
             WHERE v.reviewed_at >= ?1 AND v.reviewed_at < ?2 GROUP BY v.batch"
        ))?;
        let rows = st.query_map(params![start, end], |r| {
            Ok((
                parse_date(&r.get::<_, String>(1)?)?,
                r.get::<_, Option<String>>(2)?
                    .as_deref()
                    .map(parse_date)
                    .transpose()?,
            ))
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let (on_time, late) = lists::reviews_on_time(&held_due);
    let today_db = time::date_to_db(today);
    let overdue_total: i64 = tx
        .prepare_cached(
            "SELECT count(*) FROM restriction WHERE ends_at IS NULL AND review_due < ?1",
        )?
        .query_row([&today_db], |r| r.get(0))?;
    let overdue = in_force_rows(
        tx,
        "AND r.review_due < ?3",
        Report::OVERDUE_LISTED,
        0,
        &[Value::Text(today_db)],
    )?;
    // Worked out when each decision was saved (migration 16), so this reads one index.
    let days: Vec<i64> = tx
        .prepare_cached(
            "SELECT waited_days FROM decision WHERE decided_at >= ?1 AND decided_at < ?2 \
             AND waited_days IS NOT NULL AND approval IN ('', 'approved')",
        )?
        .query_map(params![start, end], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
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

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    /// The SQL London date agrees with chrono-tz every half hour across two years, clock
    /// changes included.
    #[test]
    fn london_day_in_sql_matches_chrono() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut st = conn
            .prepare(concat!("SELECT ", crate::london_day!("", "?1")))
            .unwrap();
        let mut t = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        while t < end {
            let db = crate::time::to_db(t);
            let day: String = st.query_row([&db], |r| r.get(0)).unwrap();
            assert_eq!(
                day,
                crate::time::date_to_db(crate::time::london_date(t)),
                "{db}"
            );
            t += Duration::minutes(30);
        }
    }
}
