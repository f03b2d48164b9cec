//! The reporter hears back, on the server (as `sqlite/news.rs`; one item per event is
//! `rules/news.rs`): what became of the incidents one member of staff logged, read in one
//! snapshot from the cases, decisions and reviews behind them, less what they dismissed.

use super::errors::TxResult;
use super::prelude::*;
use super::statements::Tx;
use crate::domain::{CaseReason, HeardBack, News, NewsKind, Outcome, ReviewOutcome};
use ::postgres::Row;
use chrono::{DateTime, Utc};

/// Their incidents (not withdrawn), each with the case it opened or joined, and its customer.
const MINE: &str = "FROM incident i \
     JOIN case_incident ci ON ci.incident_id = i.id \
     JOIN escalation_case c ON c.id = ci.case_id \
     JOIN customer cu ON cu.id = i.customer_id \
     WHERE i.logged_by = $1 AND i.withdrawn_at IS NULL";

/// The customer's name as the news gives it.
const CUSTOMER: &str = "coalesce(nullif(trim(cu.name), ''), CASE WHEN trim(cu.description) = '' \
     THEN 'Unidentified visitor' ELSE 'Unidentified visitor: ' || trim(cu.description) END)";

/// Not dismissed by them (the event's text follows).
const NOT_DISMISSED: &str =
    "NOT EXISTS (SELECT 1 FROM heard_back h WHERE h.staff_id = $1 AND h.event = ";

fn row(r: &Row, kind: NewsKind) -> News {
    News {
        event: r.get(0),
        at: r.get(1),
        incident: r.get(2),
        occurred_at: r.get(3),
        category: r.get(4),
        customer_name: r.get(5),
        others: 0,
        kind,
    }
}

/// The news for `staff`: the newest `limit` events not dismissed and how many more.
fn read(tx: &mut Tx<'_>, staff: Id, limit: usize) -> TxResult<HeardBack> {
    // News starts when this version first ran on the database (nothing before counts).
    let since: Option<String> = tx
        .query_opt(
            "SELECT value FROM safedesk_meta WHERE key = 'news_since'",
            &[],
        )?
        .map(|r| r.get(0));
    let since: Option<DateTime<Utc>> = since.as_deref().and_then(crate::time::from_db);
    let mut rows: Vec<News> = Vec::new();
    // Sent to a manager: a case still open and not yet decided.
    let sql = format!(
        "SELECT 'case:' || c.id, c.opened_at, i.id, i.occurred_at, i.category, {CUSTOMER}, \
         c.reason {MINE} AND c.closed_at IS NULL \
         AND ($2::timestamptz IS NULL OR c.opened_at >= $2) \
         AND (c.decision_id IS NULL OR EXISTS (SELECT 1 FROM decision x \
              WHERE x.id = c.decision_id AND x.approval = 'waiting')) \
         AND {NOT_DISMISSED}'case:' || c.id)"
    );
    for r in tx.query(&sql, &[&staff, &since])? {
        let reason = CaseReason::parse(&r.get::<_, String>(6)).unwrap_or(CaseReason::Threshold);
        rows.push(row(&r, NewsKind::SentToManager { reason }));
    }
    // Decided: the decision that answered the case, once in force.
    let sql = format!(
        "SELECT 'decision:' || d.id, d.decided_at, i.id, i.occurred_at, i.category, {CUSTOMER}, \
         d.outcome, (SELECT coalesce(jsonb_agg(kind ORDER BY kind), '[]') FROM restriction \
         WHERE decision_id = d.id) \
         {MINE} AND ($2::timestamptz IS NULL OR d.decided_at >= $2) \
         AND d.approval IN ('', 'approved') AND {NOT_DISMISSED}'decision:' || d.id)"
    )
    .replace(
        "JOIN customer cu",
        "JOIN decision d ON d.id = c.decision_id JOIN customer cu",
    );
    for r in tx.query(&sql, &[&staff, &since])? {
        let outcome = Outcome::parse(&r.get::<_, String>(6)).unwrap_or(Outcome::NoFurtherAction);
        let restrictions: Vec<String> =
            serde_json::from_value(r.get::<_, serde_json::Value>(7)).unwrap_or_default();
        rows.push(row(
            &r,
            NewsKind::Decided {
                outcome,
                restrictions,
            },
        ));
    }
    // Review held: of a restriction that decision made (one event per review, whatever it
    // covered); its outcome as of the latest row.
    let sql = format!(
        "SELECT 'review:' || v.batch, max(v.reviewed_at), i.id, i.occurred_at, i.category, \
         min({CUSTOMER}), (array_agg(v.outcome ORDER BY v.reviewed_at DESC))[1] {MINE} \
         AND ($2::timestamptz IS NULL OR v.reviewed_at >= $2) \
         AND {NOT_DISMISSED}'review:' || v.batch) \
         GROUP BY v.batch, i.id"
    )
    .replace(
        "JOIN customer cu",
        "JOIN restriction r ON r.decision_id = c.decision_id \
         JOIN review v ON v.restriction_id = r.id JOIN customer cu",
    );
    for r in tx.query(&sql, &[&staff, &since])? {
        let outcome =
            ReviewOutcome::parse(&r.get::<_, String>(6)).unwrap_or(ReviewOutcome::Continue);
        rows.push(row(&r, NewsKind::ReviewHeld { outcome }));
    }
    Ok(crate::store::rules::news::one_per_event(rows, limit))
}

pub(super) fn heard_back(s: &mut PgStore, actor: &Actor, limit: usize) -> Result<HeardBack> {
    match (actor.role(), &actor.staff) {
        (Some(_), Some(me)) => {
            let me = me.id;
            s.read(|tx| read(tx, me, limit))
        }
        _ => Ok(HeardBack::default()),
    }
}

/// Dismiss news for the person acting: each event once, whoever dismisses it again.
pub(super) fn dismiss_news(s: &mut PgStore, actor: &Actor, events: &[String]) -> Result<usize> {
    if events.is_empty() {
        return Ok(0);
    }
    s.write_as(
        actor,
        |_| true,
        "dismiss news",
        |tx| {
            let Some(me) = actor.staff.as_ref() else {
                return Ok(0);
            };
            let now = crate::time::whole_seconds(Utc::now());
            let insert =
                "INSERT INTO heard_back (staff_id, event, dismissed_at) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING";
            let mut n = 0;
            for e in events {
                n += tx.execute(insert, &[&me.id, e, &now])? as usize;
            }
            Ok(n)
        },
    )
}
