//! The reporter hears back: what became of the incidents one member of staff logged, read in
//! one transaction from the cases, decisions and reviews behind them (nothing is copied when a
//! manager acts), less what they have dismissed; and dismissing news.

use super::values::{parse_id, parse_time};
use crate::domain::{Actor, CaseReason, HeardBack, Id, News, NewsKind, Outcome, ReviewOutcome};
use crate::time;
use chrono::Utc;
use rusqlite::{params, Transaction};

/// Their incidents (not withdrawn), each with the case it opened or joined, and its customer:
/// walked from the `incident_logged_by` index, then by primary keys.
const MINE: &str = "FROM incident i \
     JOIN case_incident ci ON ci.incident_id = i.id \
     JOIN escalation_case c ON c.id = ci.case_id \
     JOIN customer cu ON cu.id = i.customer_id \
     WHERE i.logged_by = ?1 AND i.withdrawn_at IS NULL";

/// The columns every query starts with: the event, when, then the incident.
const INCIDENT: &str = "i.id, i.occurred_at, i.category, \
     coalesce(nullif(trim(cu.name), ''), CASE WHEN trim(cu.description) = '' \
     THEN 'Unidentified visitor' ELSE 'Unidentified visitor: ' || trim(cu.description) END)";

/// One event about one of their incidents, as read (`others` counted by the rules).
fn row(r: &rusqlite::Row<'_>, kind: NewsKind) -> rusqlite::Result<News> {
    Ok(News {
        event: r.get(0)?,
        at: parse_time(&r.get::<_, String>(1)?)?,
        incident: parse_id(&r.get::<_, String>(2)?)?,
        occurred_at: parse_time(&r.get::<_, String>(3)?)?,
        category: r.get(4)?,
        customer_name: r.get(5)?,
        others: 0,
        kind,
    })
}

/// The news for `staff`: the newest `limit` events not dismissed and how many more. An event
/// about several of their incidents names the newest and counts the others.
pub(super) fn heard_back(
    tx: &Transaction<'_>,
    staff: Id,
    limit: usize,
) -> rusqlite::Result<HeardBack> {
    let me = staff.to_string();
    let since: String = tx.query_row(
        "SELECT coalesce((SELECT value FROM meta WHERE key = 'news_since'), '')",
        [],
        |r| r.get(0),
    )?;
    let dismissed = "NOT EXISTS (SELECT 1 FROM heard_back h WHERE h.staff_id = ?1 AND h.event = ";
    let mut rows: Vec<News> = Vec::new();
    // Sent to a manager: a case still open and not yet decided.
    let sql = format!(
        "SELECT 'case:' || c.id, c.opened_at, {INCIDENT}, c.reason {MINE} \
         AND c.closed_at IS NULL AND c.opened_at >= ?2 \
         AND (c.decision_id IS NULL OR EXISTS (SELECT 1 FROM decision x \
              WHERE x.id = c.decision_id AND x.approval = 'waiting')) \
         AND {dismissed}'case:' || c.id)"
    );
    let mut st = tx.prepare_cached(&sql)?;
    let found = st.query_map(params![me, since], |r| {
        let reason = CaseReason::parse(&r.get::<_, String>(6)?).unwrap_or(CaseReason::Threshold);
        row(r, NewsKind::SentToManager { reason })
    })?;
    for r in found {
        rows.push(r?);
    }
    // Decided: the decision that answered the case, once in force (one waiting for a second
    // person's approval, or turned down, is not an outcome yet).
    let sql = format!(
        "SELECT 'decision:' || d.id, d.decided_at, {INCIDENT}, d.outcome, \
         (SELECT coalesce(json_group_array(kind), '[]') FROM (SELECT kind FROM restriction WHERE decision_id = d.id ORDER BY kind)) \
         {MINE} AND d.decided_at >= ?2 AND d.approval IN ('', 'approved') \
         AND {dismissed}'decision:' || d.id)"
    )
    .replace(
        "JOIN customer cu",
        "JOIN decision d ON d.id = c.decision_id JOIN customer cu",
    );
    let mut st = tx.prepare_cached(&sql)?;
    let found = st.query_map(params![me, since], |r| {
        let outcome = Outcome::parse(&r.get::<_, String>(6)?).unwrap_or(Outcome::NoFurtherAction);
        let restrictions: Vec<String> =
            serde_json::from_str(&r.get::<_, String>(7)?).unwrap_or_default();
        row(
            r,
            NewsKind::Decided {
                outcome,
                restrictions,
            },
        )
    })?;
    for r in found {
        rows.push(r?);
    }
    // Review held: of a restriction that decision made (one event per review, whatever it
    // covered).
    let sql = format!(
        "SELECT 'review:' || v.batch, max(v.reviewed_at), {INCIDENT}, v.outcome {MINE} \
         AND v.reviewed_at >= ?2 AND {dismissed}'review:' || v.batch) \
         GROUP BY v.batch, i.id"
    )
    .replace(
        "JOIN customer cu",
        "JOIN restriction r ON r.decision_id = c.decision_id \
         JOIN review v ON v.restriction_id = r.id JOIN customer cu",
    );
    let mut st = tx.prepare_cached(&sql)?;
    let found = st.query_map(params![me, since], |r| {
        let outcome =
            ReviewOutcome::parse(&r.get::<_, String>(6)?).unwrap_or(ReviewOutcome::Continue);
        row(r, NewsKind::ReviewHeld { outcome })
    })?;
    for r in found {
        rows.push(r?);
    }
    // One item per event: the newest of their incidents in it, and how many others.
    Ok(crate::store::rules::news::one_per_event(rows, limit))
}

/// Dismiss news for the person acting: each event once, whoever dismisses it again.
pub(super) fn dismiss(
    tx: &Transaction<'_>,
    actor: &Actor,
    events: &[String],
) -> rusqlite::Result<usize> {
    let Some(me) = actor.staff.as_ref() else {
        return Ok(0);
    };
    let now = time::to_db(Utc::now());
    let mut st = tx.prepare_cached(
        "INSERT OR IGNORE INTO heard_back (staff_id, event, dismissed_at) VALUES (?1, ?2, ?3)",
    )?;
    let mut n = 0;
    for e in events {
        n += st.execute(params![me.id.to_string(), e, now])?;
    }
    Ok(n)
}
