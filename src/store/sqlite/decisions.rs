//! The manager's side: the queue of escalation cases, decisions and the restrictions they begin,
//! reviews, and the letters the policy promises the customer.

use super::audit::audit;
use super::cases::{close_case, join_case, join_case_since};
use super::errors::TxError;
use super::records::insert_restriction;
use super::staff::list_staff;
use super::values::{parse_id, to_json_list};
use crate::domain::{
    new_id, Actor, ApprovalAnswer, ApprovalSaved, CaseAlert, CaseFilter, CaseReason, CaseSummary,
    DecisionSaved, Id, NewDecision, NewLetter, NewRestriction, NewReview, Outcome, QueuePage,
    QueueQuery, QueueSummary, QueueWatch, ReviewOutcome, ReviewSaved, SentHow,
};
use crate::policy::Policy;
use crate::store::rules::cases as requests;
use crate::store::rules::decisions::{self as rules, staff_of, Answering};
use crate::store::StoreError;
use crate::time;
use chrono::{NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction};

/// Does `sql` (taking one id) find a row? Used to make a second save of the same entry a no-op.
fn exists(tx: &Transaction<'_>, sql: &str, id: Id) -> rusqlite::Result<bool> {
    Ok(tx
        .prepare_cached(sql)?
        .query_row([id.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

const CASE_COLS: &str = "c.id, c.customer_id, \
     coalesce(cu.name, 'Unidentified visitor: ' || cu.description), c.reason, c.opened_at, \
     s.display_name, c.assigned_to, c.waiting, c.decision_id, c.note, c.version, \
     (SELECT group_concat(ci.incident_id) FROM \
        (SELECT ci.incident_id FROM case_incident ci JOIN incident i ON i.id = ci.incident_id \
         WHERE ci.case_id = c.id ORDER BY i.occurred_at, i.id) ci), \
     c.seen_at, (SELECT display_name FROM staff WHERE id = c.seen_by)";

const CASE_FROM: &str = "FROM escalation_case c JOIN customer cu ON cu.id = c.customer_id \
     LEFT JOIN staff s ON s.id = c.assigned_to";

fn case_row(r: &Row<'_>) -> rusqlite::Result<CaseSummary> {
    let reason: String = r.get(3)?;
    let opened: String = r.get(4)?;
    let assigned: Option<String> = r.get(6)?;
    let waiting: String = r.get(7)?;
    let decision: Option<String> = r.get(8)?;
    let incidents: Option<String> = r.get(11)?;
    let seen: Option<String> = r.get(12)?;
    Ok(CaseSummary {
        id: parse_id(&r.get::<_, String>(0)?)?,
        customer_id: parse_id(&r.get::<_, String>(1)?)?,
        customer_name: r.get(2)?,
        reason: CaseReason::parse(&reason).unwrap_or(CaseReason::Threshold),
        opened_at: time::from_db(&opened).unwrap_or_else(Utc::now),
        incidents: incidents
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(parse_id)
            .collect::<rusqlite::Result<_>>()?,
        assigned_to: r.get(5)?,
        assigned_to_id: assigned.as_deref().map(parse_id).transpose()?,
        waiting_for_confirmation: waiting == "confirmation",
        decision_id: decision.as_deref().map(parse_id).transpose()?,
        note: r.get(9)?,
        version: r.get(10)?,
        seen_at: seen.as_deref().and_then(time::from_db),
        seen_by: r.get(13)?,
    })
}

/// Escalation cases not yet closed, oldest first.
pub(super) fn open_cases(tx: &Transaction<'_>) -> rusqlite::Result<Vec<CaseSummary>> {
    tx.prepare_cached(&format!(
        "SELECT {CASE_COLS} {CASE_FROM} WHERE c.closed_at IS NULL ORDER BY c.opened_at"
    ))?
    .query_map([], case_row)?
    .collect()
}

/// A queue row as [`case_row`] reads a case: from `queue_row` (migration 12), the copy of every
/// open case that triggers keep in the queue's order, so a page is a few pages of the file.
const QUEUE_COLS: &str = "q.case_id, q.customer_id, q.customer_name, q.reason, q.opened_at, \
     s.display_name, q.assigned_to, q.waiting, q.decision_id, q.note, q.version, q.incident_ids, \
     q.seen_at, (SELECT display_name FROM staff WHERE id = q.seen_by)";

const QUEUE_FROM: &str = "FROM queue_row q LEFT JOIN staff s ON s.id = q.assigned_to";

/// The queue's order (see `queue_rank!`), then the oldest first, then the order cases were
/// written in: the order the queue showed when it sorted every open case.
const QUEUE_ORDER: &str = "q.rank, q.opened_at, q.case_rowid";

use crate::store::rules::queue::{self as queue_rules, REVIEW_TO_DECIDE};

/// A page of the queue: the open cases `q` keeps, most urgent first, and how many in all.
///
/// The counts are the open cases by rank, kept by triggers (see migration 6), and the review
/// cases opened today, read from the end of the queue's index; without a name to find, the page is read from the same index, then the
/// page's cases one by one. With a name to find, the names of the cases the filter keeps are
/// read and folded as the lookup folds them.
///
/// The summary's overdue reviews are the review cases to decide that opened before today: the
/// worker opens one, dated the review's day, for every customer whose review has come (see
/// [`open_review_cases`]), so this is the count of customers with an overdue review without
/// reading every restriction.
/// Where the last page read ended, so the next page (the usual way to scroll) starts from there
/// rather than counting its way past every row before it: for one filter, the offset the next
/// page starts at and the queue order's key of the last row read.
#[derive(Debug, Clone, Default)]
pub(super) struct QueueCursor {
    filter: String,
    next_offset: usize,
    last: (i64, String, i64),
}

pub(super) fn queue_page(
    tx: &Transaction<'_>,
    q: &QueueQuery,
    today: NaiveDate,
    cursor: Option<&QueueCursor>,
) -> rusqlite::Result<(QueuePage, Option<QueueCursor>)> {
    let midnight = time::to_db(time::london_midnight(today));
    let ranks = tx
        .prepare_cached("SELECT rank, n FROM queue_count WHERE n > 0")?
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, u64>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // Review cases to decide that opened today: few, read from the end of their rank.
    let due_today: u64 = tx
        .prepare_cached(
            "SELECT count(*) FROM queue_row INDEXED BY queue_row_order \
             WHERE rank = ?1 AND opened_at >= ?2",
        )?
        .query_row(params![REVIEW_TO_DECIDE, midnight], |r| r.get(0))?;
    let letters_owed: u64 = tx
        .prepare_cached("SELECT count(*) FROM decision WHERE letter_status = 'owed'")?
        .query_row([], |r| r.get(0))?;
    let summary = queue_rules::summary(
        &ranks,
        due_today,
        letters_owed,
        super::safety::riddor_owed(tx)?,
    );
    let who = match q.filter {
        CaseFilter::AssignedTo(None) => {
            return Ok((
                QueuePage {
                    cases: Vec::new(),
                    offset: q.offset,
                    total: 0,
                    summary,
                },
                None,
            ))
        }
        CaseFilter::AssignedTo(Some(id)) => Some(id.to_string()),
        _ => None,
    };
    let filter = queue_rules::filter_sql(q.filter, "q.rank", "q.", "?1");
    let find = queue_rules::folded_find(&q.find);
    let find = find.as_str();
    let params: Vec<&dyn rusqlite::ToSql> = match &who {
        Some(w) => vec![w],
        None => Vec::new(),
    };
    if find.is_empty() {
        let total = if queue_rules::counted(q.filter) {
            tx.prepare_cached(&format!("SELECT count(*) FROM queue_row q WHERE {filter}"))?
                .query_row(params.as_slice(), |r| r.get::<_, u64>(0))?
        } else {
            queue_rules::total_from_ranks(q.filter, &ranks)
        };
        // Where the page starts: just after the last page read, by its key; far down the
        // queue, where the narrow index of the queue's order says (a few pages, not the rows
        // before it); or at the top.
        let identity = format!("{:?}", q.filter);
        let n = params.len();
        let mut bound: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        let (start, offset) = match cursor {
            Some(c) if q.offset > 0 && c.filter == identity && c.next_offset == q.offset => {
                bound.push(Box::new(c.last.0));
                bound.push(Box::new(c.last.1.clone()));
                bound.push(Box::new(c.last.2));
                (
                    format!(
                        " AND (q.rank, q.opened_at, q.case_rowid) > (?{}, ?{}, ?{})",
                        n + 1,
                        n + 2,
                        n + 3
                    ),
                    0,
                )
            }
            _ if q.offset > 0 && who.is_none() => (
                format!(
                    " AND (q.rank, q.opened_at, q.case_rowid) >= (SELECT rank, opened_at, \
                     case_rowid FROM queue_row q INDEXED BY queue_row_order WHERE {filter} \
                     ORDER BY rank, opened_at, case_rowid LIMIT 1 OFFSET {})",
                    q.offset
                ),
                0,
            ),
            _ => (String::new(), q.offset),
        };
        let mut all: Vec<&dyn rusqlite::ToSql> = params.clone();
        all.extend(bound.iter().map(|b| b.as_ref()));
        let mut last = None;
        let cases = tx
            .prepare_cached(&format!(
                "SELECT {QUEUE_COLS}, q.rank, q.opened_at, q.case_rowid {QUEUE_FROM} \
                 WHERE {filter}{start} ORDER BY {QUEUE_ORDER} LIMIT {} OFFSET {offset}",
                q.limit
            ))?
            .query_map(all.as_slice(), |r| {
                Ok((
                    case_row(r)?,
                    (
                        r.get::<_, i64>(14)?,
                        r.get::<_, String>(15)?,
                        r.get::<_, i64>(16)?,
                    ),
                ))
            })?
            .map(|row| {
                row.map(|(case, key)| {
                    last = Some(key);
                    case
                })
            })
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let next = last.map(|last| QueueCursor {
            filter: identity,
            next_offset: q.offset + cases.len(),
            last,
        });
        return Ok((
            QueuePage {
                cases,
                offset: q.offset,
                total: total as usize,
                summary,
            },
            next,
        ));
    }
    // Finding by name: the names are folded as the lookup folds them, so every row the filter
    // keeps is read (the queue's own rows, never the customers').
    let mut kept = Vec::new();
    let mut total = 0;
    let mut st = tx.prepare_cached(&format!(
        "SELECT {QUEUE_COLS} {QUEUE_FROM} WHERE {filter} ORDER BY {QUEUE_ORDER}"
    ))?;
    let mut rows = st.query(params.as_slice())?;
    while let Some(r) = rows.next()? {
        let name: String = r.get(2)?;
        if queue_rules::name_found(&name, find) {
            if total >= q.offset && kept.len() < q.limit {
                kept.push(case_row(r)?);
            }
            total += 1;
        }
    }
    Ok((
        QueuePage {
            cases: kept,
            offset: q.offset,
            total,
            summary,
        },
        None,
    ))
}

pub(super) fn open_cases_for(
    tx: &Transaction<'_>,
    customer: Id,
) -> rusqlite::Result<Vec<CaseSummary>> {
    tx.prepare_cached(&format!(
        "SELECT {CASE_COLS} {CASE_FROM} WHERE c.customer_id = ?1 AND c.closed_at IS NULL \
         ORDER BY c.opened_at"
    ))?
    .query_map([customer.to_string()], case_row)?
    .collect()
}

/// Every case about a customer, open or closed, oldest first.
pub(super) fn cases_for(tx: &Transaction<'_>, customer: Id) -> rusqlite::Result<Vec<CaseSummary>> {
    tx.prepare_cached(&format!(
        "SELECT {CASE_COLS} {CASE_FROM} WHERE c.customer_id = ?1 ORDER BY c.opened_at"
    ))?
    .query_map([customer.to_string()], case_row)?
    .collect()
}

pub(super) fn case(tx: &Transaction<'_>, id: Id) -> rusqlite::Result<Option<CaseSummary>> {
    tx.prepare_cached(&format!("SELECT {CASE_COLS} {CASE_FROM} WHERE c.id = ?1"))?
        .query_row([id.to_string()], case_row)
        .optional()
}

/// Open immediate threats and breaches no manager has opened, oldest first, and the open cases
/// by kind: what a manager's screen shows without the queue open. One short read.
pub(super) fn queue_watch(tx: &Transaction<'_>) -> rusqlite::Result<QueueWatch> {
    let mut st = tx.prepare_cached(
        "SELECT c.id, coalesce(cu.name, 'Unidentified visitor: ' || cu.description), c.reason, \
           c.opened_at, last.logged_at, s.display_name, s.role \
         FROM escalation_case c JOIN customer cu ON cu.id = c.customer_id \
         LEFT JOIN (SELECT ci.case_id, i.logged_at, i.logged_by, \
                      row_number() OVER (PARTITION BY ci.case_id ORDER BY i.logged_at DESC) n \
                    FROM case_incident ci JOIN incident i ON i.id = ci.incident_id \
                    WHERE ci.case_id IN (SELECT id FROM escalation_case \
                                         WHERE closed_at IS NULL AND seen_at IS NULL)) last \
           ON last.case_id = c.id AND last.n = 1 \
         LEFT JOIN staff s ON s.id = last.logged_by \
         WHERE c.closed_at IS NULL AND c.seen_at IS NULL AND c.waiting = '' \
           AND c.reason IN ('immediate_threat', 'breach') \
         ORDER BY c.opened_at",
    )?;
    let alerts = st
        .query_map([], |r| {
            let reason: String = r.get(2)?;
            let opened: String = r.get(3)?;
            let logged: Option<String> = r.get(4)?;
            let opened = time::from_db(&opened).unwrap_or_else(Utc::now);
            Ok(CaseAlert {
                case_id: parse_id(&r.get::<_, String>(0)?)?,
                customer_name: r.get(1)?,
                reason: CaseReason::parse(&reason).unwrap_or(CaseReason::ImmediateThreat),
                logged_at: logged.as_deref().and_then(time::from_db).unwrap_or(opened),
                logged_by: r.get(5)?,
                logged_by_role: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let rows = tx
        .prepare_cached(
            "SELECT reason, waiting = 'confirmation', count(*) FROM escalation_case \
             WHERE closed_at IS NULL GROUP BY 1, 2",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(queue_rules::watch(alerts, &rows))
}

/// A manager opened the case: record the first time, once. Returns whether this was the first.
pub(super) fn mark_seen(tx: &Transaction<'_>, actor: &Actor, case_id: Id) -> Result<bool, TxError> {
    let me = staff_of(actor)?;
    let n = tx
        .prepare_cached(
            "UPDATE escalation_case SET seen_at = ?2, seen_by = ?3 \
             WHERE id = ?1 AND seen_at IS NULL",
        )?
        .execute(params![
            case_id.to_string(),
            time::to_db(Utc::now()),
            me.id.to_string()
        ])?;
    Ok(n > 0)
}

/// Customers with a restriction in force whose review date has come by `today` and who have
/// no open review case yet.
pub(super) fn reviews_without_case(
    tx: &Transaction<'_>,
    today: NaiveDate,
) -> rusqlite::Result<Vec<(Id, NaiveDate)>> {
    let now = time::to_db(Utc::now());
    let mut st = tx.prepare_cached(
        "SELECT r.customer_id, min(r.review_due) FROM restriction r \
         JOIN customer cu ON cu.id = r.customer_id AND cu.merged_into IS NULL \
         WHERE (r.ends_at IS NULL OR r.ends_at > ?2) AND r.review_due IS NOT NULL \
           AND r.review_due <= ?1 AND r.starts_at <= ?2 \
           AND NOT EXISTS (SELECT 1 FROM escalation_case c WHERE c.customer_id = r.customer_id \
                           AND c.reason = 'review_due' AND c.closed_at IS NULL) \
         GROUP BY r.customer_id",
    )?;
    let rows = st.query_map(params![time::date_to_db(today), now], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (c, d) = row?;
        if let Some(d) = time::date_from_db(&d) {
            out.push((parse_id(&c)?, d));
        }
    }
    Ok(out)
}

/// Open a review case for each customer whose review has come.
pub(super) fn open_review_cases(
    tx: &Transaction<'_>,
    actor: &Actor,
    today: NaiveDate,
) -> rusqlite::Result<usize> {
    let due = reviews_without_case(tx, today)?;
    for (customer, date) in &due {
        join_case_since(
            tx,
            actor,
            *customer,
            CaseReason::ReviewDue,
            &[],
            time::london_midnight(*date),
        )?;
    }
    Ok(due.len())
}

pub(super) fn queue_summary(
    tx: &Transaction<'_>,
    today: NaiveDate,
) -> rusqlite::Result<QueueSummary> {
    let now = time::to_db(Utc::now());
    let (open_cases, overdue_reviews, letters_owed) = tx
        .prepare_cached(
            "SELECT (SELECT count(*) FROM escalation_case WHERE closed_at IS NULL), \
             (SELECT count(DISTINCT r.customer_id) FROM restriction r \
               JOIN customer cu ON cu.id = r.customer_id AND cu.merged_into IS NULL \
               WHERE (r.ends_at IS NULL OR r.ends_at > ?2) AND r.review_due IS NOT NULL \
               AND r.review_due < ?1), \
             (SELECT count(*) FROM decision WHERE letter_status = 'owed')",
        )?
        .query_row(params![time::date_to_db(today), now], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    Ok(QueueSummary {
        open_cases,
        overdue_reviews,
        letters_owed,
        riddor_owed: super::safety::riddor_owed(tx)?,
    })
}

pub(super) fn assign(
    tx: &Transaction<'_>,
    actor: &Actor,
    case_id: Id,
    to: Option<Id>,
    expected_version: i64,
) -> Result<(), TxError> {
    let current = case(tx, case_id)?;
    let staff = list_staff(tx)?;
    crate::store::rules::cases::assignable(current.as_ref(), expected_version, to, &staff)?;
    tx.prepare_cached(
        "UPDATE escalation_case SET assigned_to = ?2, version = version + 1 WHERE id = ?1",
    )?
    .execute(params![case_id.to_string(), to.map(|t| t.to_string())])?;
    audit(
        tx,
        actor,
        "assign case",
        "case",
        &case_id.to_string(),
        crate::store::rules::cases::assigned_json(current.and_then(|c| c.assigned_to_id)),
        crate::store::rules::cases::assigned_json(to),
    )?;
    Ok(())
}

pub(super) fn customer_request(
    tx: &Transaction<'_>,
    actor: &Actor,
    request: Id,
    customer: Id,
    note: &str,
) -> Result<Id, TxError> {
    requests::customer_request(&mut Request { tx, actor }, actor, request, customer, note)
}

/// Recording a customer's request in the file (the steps of `rules::cases::customer_request`).
struct Request<'a, 'b> {
    tx: &'a Transaction<'b>,
    actor: &'a Actor,
}

impl requests::RequestSteps for Request<'_, '_> {
    type Error = TxError;

    fn recorded(&mut self, request: Id) -> Result<Option<Option<String>>, TxError> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT after FROM audit WHERE entity_id = ?1 AND entity = 'request' LIMIT 1",
            )?
            .query_row([request.to_string()], |r| r.get(0))
            .optional()?)
    }

    fn merged(&mut self, customer: Id) -> Result<Option<bool>, TxError> {
        let merged: Option<Option<String>> = self
            .tx
            .prepare_cached("SELECT merged_into FROM customer WHERE id = ?1")?
            .query_row([customer.to_string()], |r| r.get(0))
            .optional()?;
        Ok(merged.map(|m| m.is_some()))
    }

    fn request_case(&mut self, customer: Id) -> Result<Id, TxError> {
        let reason = CaseReason::CustomerRequest;
        Ok(join_case(self.tx, self.actor, customer, reason, &[])?)
    }

    fn add_to_note(&mut self, case: Id, line: &str) -> Result<(), TxError> {
        self.tx
            .prepare_cached(
                "UPDATE escalation_case SET note = trim(note || char(10) || ?2), \
                 version = version + 1 WHERE id = ?1",
            )?
            .execute(params![case.to_string(), line])?;
        Ok(())
    }

    fn audit_request(&mut self, entity: &str, id: Id, after: String) -> Result<(), TxError> {
        let id = id.to_string();
        Ok(audit(
            self.tx,
            self.actor,
            "customer request",
            entity,
            &id,
            None,
            Some(after),
        )?)
    }
}

/// Start these restrictions now for a customer (and the decision behind them, if any), each
/// audited as `action`. Returns how many began.
fn begin_restrictions(
    tx: &Transaction<'_>,
    actor: &Actor,
    policy: &Policy,
    (customer, decision): (Id, Option<Id>),
    list: &[NewRestriction],
    review: Option<NaiveDate>,
    action: &str,
) -> rusqlite::Result<usize> {
    for n in list {
        let row = rules::restriction_of(customer, decision, n, policy, review);
        insert_restriction(tx, &row)?;
        audit(
            tx,
            actor,
            action,
            "restriction",
            &row.id.to_string(),
            None,
            Some(serde_json::to_string(&row).unwrap_or_default()),
        )?;
    }
    Ok(list.len())
}

/// Refuse a decision on a case that is not as the manager saw it (see
/// [`rules::case_as_shown`]).
fn check_case_as_shown(
    tx: &Transaction<'_>,
    customer: Id,
    case_id: Id,
    version: Option<i64>,
) -> Result<CaseSummary, TxError> {
    let c = case(tx, case_id)?
        .ok_or_else(|| StoreError::Missing("that case is no longer in the database".into()))?;
    let closed_by: Option<String> = tx
        .prepare_cached(
            "SELECT coalesce(s.display_name, 'another manager') FROM escalation_case c \
             LEFT JOIN staff s ON s.id = c.closed_by WHERE c.id = ?1 AND c.closed_at IS NOT NULL",
        )?
        .query_row([case_id.to_string()], |r| r.get(0))
        .optional()?;
    rules::case_as_shown(&c, customer, version, closed_by)?;
    Ok(c)
}

/// The incidents of the cases a decision answers, for what it is checked against.
fn answered_incidents(
    tx: &Transaction<'_>,
    d: &NewDecision,
) -> rusqlite::Result<Vec<crate::domain::Incident>> {
    let mut out = Vec::new();
    for c in rules::cases_answered(d) {
        out.extend(super::records::case_incidents(tx, c)?);
    }
    Ok(out)
}

/// A restriction of this kind in force for the customer now: since when.
fn in_force_since(
    tx: &Transaction<'_>,
    customer: Id,
    kind: &str,
    now_db: &str,
) -> rusqlite::Result<Option<String>> {
    tx.prepare_cached(
        "SELECT starts_at FROM restriction WHERE customer_id = ?1 AND kind = ?2 \
         AND starts_at <= ?3 AND (ends_at IS NULL OR ends_at > ?3) LIMIT 1",
    )?
    .query_row(params![customer.to_string(), kind, now_db], |x| x.get(0))
    .optional()
}

pub(super) fn record_decision(
    tx: &Transaction<'_>,
    actor: &Actor,
    policy: &Policy,
    d: &NewDecision,
) -> Result<DecisionSaved, TxError> {
    let me = staff_of(actor)?;
    if exists(tx, "SELECT 1 FROM decision WHERE id = ?1", d.id)? {
        return Ok(DecisionSaved {
            already_saved: true,
            ..DecisionSaved::default()
        });
    }
    // Who may decide what (the policy's table), and the decision's own fields.
    let staff = list_staff(tx)?;
    rules::check_decision(d, me, policy, &staff, &answered_incidents(tx, d)?)?;
    let exists: Option<Option<String>> = tx
        .prepare_cached("SELECT merged_into FROM customer WHERE id = ?1")?
        .query_row([d.customer_id.to_string()], |r| r.get(0))
        .optional()?;
    if !matches!(exists, Some(None)) {
        return Err(rules::customer_gone().into());
    }
    if let Some(case_id) = d.case_id {
        check_case_as_shown(tx, d.customer_id, case_id, d.case_version)?;
    }
    // A restriction already in force is reviewed, not decided again.
    let now_db = time::to_db(Utc::now());
    for r in &d.restrictions {
        if let Some(since) = in_force_since(tx, d.customer_id, &r.kind, &now_db)? {
            let since = super::values::parse_time(&since)?;
            return Err(rules::already_in_force(policy, &r.kind, since).into());
        }
    }
    // The other open cases the manager was shown with it, which this decision answers too.
    for (other, version) in &d.also_closes {
        check_case_as_shown(tx, d.customer_id, *other, Some(*version))?;
    }
    // One decision waits for approval at a time: the next is made once it is answered.
    let waiting: Option<(String, String)> = tx
        .prepare_cached(
            "SELECT s.display_name, d.decided_at FROM decision d JOIN staff s ON s.id = d.decided_by \
             WHERE d.customer_id = ?1 AND d.approval = 'waiting' LIMIT 1",
        )?
        .query_row([d.customer_id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((by, at)) = waiting {
        let at = super::values::parse_time(&at)?;
        return Err(rules::one_waiting_at_a_time(&by, at).into());
    }
    let row = rules::decision_row(d, policy);
    tx.prepare_cached(
        "INSERT INTO decision (id, customer_id, case_id, decided_at, meeting_date, attendees, outcome, \
         reasons, decided_by, no_warning, police_told, risk_assessment, letter_status, \
         reasons_for_customer, authority_told, tried_actions, none_suitable, adjustments, \
         adjustments_other, adjustments_why, approval, pending) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
    )?
    .execute(params![
        d.id.to_string(),
        d.customer_id.to_string(),
        d.case_id.map(|c| c.to_string()),
        time::to_db(Utc::now()),
        time::date_to_db(d.meeting_date),
        row.attendees,
        d.outcome.as_str(),
        row.reasons,
        me.id.to_string(),
        row.no_warning,
        d.police_told,
        row.risk_assessment,
        row.letter_status,
        row.reasons_for_customer,
        row.authority_told,
        to_json_list(&row.tried_actions),
        row.none_suitable,
        to_json_list(&row.adjustments),
        row.adjustments_other,
        row.adjustments_why,
        row.approval,
        row.pending,
    ])?;
    if let Some(why) = row.needs_approval {
        return hold_for_approval(tx, actor, d, why);
    }
    let count = begin_restrictions(
        tx,
        actor,
        policy,
        (d.customer_id, Some(d.id)),
        &d.restrictions,
        d.review_date,
        "restrict",
    )?;
    audit(
        tx,
        actor,
        "decide",
        "decision",
        &d.id.to_string(),
        None,
        Some(serde_json::to_string(d).unwrap_or_default()),
    )?;
    let immediate = d.outcome == Outcome::ImmediateRestriction;
    if immediate {
        // The case waits for the written confirmation the policy promises "where possible".
        let case = match d.case_id {
            Some(c) => c,
            None => join_case(tx, actor, d.customer_id, CaseReason::ImmediateThreat, &[])?,
        };
        tx.prepare_cached(
            "UPDATE escalation_case SET waiting = 'confirmation', decision_id = ?2, \
             version = version + 1 WHERE id = ?1",
        )?
        .execute(params![case.to_string(), d.id.to_string()])?;
    }
    // Every case it answers closes (an immediate restriction's own waits for its letter).
    let closing: Vec<Id> = rules::cases_answered(d)
        .into_iter()
        .filter(|c| !(immediate && Some(*c) == d.case_id))
        .collect();
    for case in &closing {
        close_case(tx, actor, *case, Some(d.id))?;
    }
    Ok(DecisionSaved {
        already_saved: false,
        restrictions: count,
        cases_closed: closing.len(),
        letter_owed: !d.restrictions.is_empty(),
        confirmation_owed: immediate,
        waiting_for_approval: None,
    })
}

/// A decision the policy says needs a second person's approval, just saved as waiting for it:
/// nothing of it comes into force. The cases it answers close with it, and one case "Waiting
/// for approval" holding their incidents opens in the queue for the second person.
fn hold_for_approval(
    tx: &Transaction<'_>,
    actor: &Actor,
    d: &NewDecision,
    why: String,
) -> Result<DecisionSaved, TxError> {
    audit(
        tx,
        actor,
        "decide, waiting for approval",
        "decision",
        &d.id.to_string(),
        None,
        Some(serde_json::to_string(d).unwrap_or_default()),
    )?;
    let answered = rules::cases_answered(d);
    let mut incidents = Vec::new();
    for c in &answered {
        for i in super::records::case_incidents(tx, *c)? {
            if !incidents.contains(&i.id) {
                incidents.push(i.id);
            }
        }
        close_case(tx, actor, *c, Some(d.id))?;
    }
    let case = join_case(tx, actor, d.customer_id, CaseReason::Approval, &incidents)?;
    tx.prepare_cached(
        "UPDATE escalation_case SET decision_id = ?2, version = version + 1 WHERE id = ?1",
    )?
    .execute(params![case.to_string(), d.id.to_string()])?;
    Ok(DecisionSaved {
        already_saved: false,
        restrictions: 0,
        cases_closed: answered.len(),
        letter_owed: false,
        confirmation_owed: false,
        waiting_for_approval: Some(why),
    })
}

/// A second person approves a decision waiting for approval, or turns it down with a reason.
/// Approved, it comes into force now: its restrictions begin, its letter is owed, and its case
/// leaves the queue (an immediate restriction's waits for the written confirmation). Turned
/// down, nothing of it ever comes into force and the cases it answered open again for a new
/// decision. Never by its author; only as the decision was shown (`version`).
pub(super) fn answer_approval(
    tx: &Transaction<'_>,
    actor: &Actor,
    policy: &Policy,
    a: &ApprovalAnswer,
) -> Result<ApprovalSaved, TxError> {
    let me = staff_of(actor)?;
    let row = tx
        .prepare_cached(
            "SELECT d.customer_id, d.decided_by, s.display_name, d.approval, d.approved_by, \
             coalesce((SELECT display_name FROM staff WHERE id = d.approved_by), 'another manager'), \
             d.version, d.outcome, d.pending, \
             coalesce(c.name, 'Unidentified visitor: ' || c.description) \
             FROM decision d JOIN staff s ON s.id = d.decided_by \
             JOIN customer c ON c.id = d.customer_id WHERE d.id = ?1",
        )?
        .query_row([a.decision_id.to_string()], |r| {
            Ok((
                parse_id(&r.get::<_, String>(0)?)?,
                rules::ApprovalFacts {
                    author: parse_id(&r.get::<_, String>(1)?)?,
                    author_name: r.get(2)?,
                    status: r.get(3)?,
                    answered_by: r
                        .get::<_, Option<String>>(4)?
                        .as_deref()
                        .map(parse_id)
                        .transpose()?,
                    answered_by_name: r.get(5)?,
                    version: r.get(6)?,
                    outcome: r.get(7)?,
                    pending: r.get(8)?,
                    customer_name: r.get(9)?,
                },
            ))
        })
        .optional()?;
    let Some((customer, facts)) = row else {
        return Err(rules::decision_gone().into());
    };
    let (pending, outcome, note) = match rules::answering(&facts, a, me, policy)? {
        Answering::AlreadySaved => {
            return Ok(ApprovalSaved {
                already_saved: true,
                approved: a.approve,
                ..ApprovalSaved::default()
            })
        }
        Answering::Answer {
            pending,
            outcome,
            note,
        } => (pending, outcome, note),
    };
    let now_db = time::to_db(Utc::now());
    let approval_case: Option<String> = tx
        .prepare_cached(
            "SELECT id FROM escalation_case WHERE decision_id = ?1 AND reason = 'approval' \
             AND closed_at IS NULL LIMIT 1",
        )?
        .query_row([a.decision_id.to_string()], |r| r.get(0))
        .optional()?;
    let approval_case = approval_case.as_deref().map(parse_id).transpose()?;
    let mut saved = ApprovalSaved {
        approved: a.approve,
        ..ApprovalSaved::default()
    };
    if a.approve {
        // Nothing it restricts may have come into force meanwhile.
        for r in &pending.restrictions {
            if in_force_since(tx, customer, &r.kind, &now_db)?.is_some() {
                return Err(
                    rules::in_force_since_waiting(policy, &r.kind, &facts.customer_name).into(),
                );
            }
        }
        saved.restrictions = begin_restrictions(
            tx,
            actor,
            policy,
            (customer, Some(a.decision_id)),
            &pending.restrictions,
            pending.review_date,
            "restrict",
        )?;
        saved.letter_owed = !pending.restrictions.is_empty();
    }
    tx.prepare_cached(
        "UPDATE decision SET approval = ?2, approved_by = ?3, approved_at = ?4, \
         approval_note = ?5, letter_status = ?6, version = version + 1 WHERE id = ?1",
    )?
    .execute(params![
        a.decision_id.to_string(),
        rules::approval_word(a.approve),
        me.id.to_string(),
        now_db,
        note,
        if saved.letter_owed { "owed" } else { "" },
    ])?;
    let (action, before, after) = rules::approval_audit(a, &facts.author_name, me, &note);
    audit(
        tx,
        actor,
        action,
        "decision",
        &a.decision_id.to_string(),
        Some(before),
        Some(after),
    )?;
    if let Some(case) = approval_case {
        close_case(tx, actor, case, Some(a.decision_id))?;
    }
    if a.approve && outcome == Outcome::ImmediateRestriction {
        // Its case now waits for the written confirmation, as an immediate restriction's does
        // when it needs no approval: the case it was decided on, open again for that.
        let own: Option<String> = tx
            .prepare_cached("SELECT case_id FROM decision WHERE id = ?1")?
            .query_row([a.decision_id.to_string()], |r| r.get(0))?;
        let case = match own.as_deref().map(parse_id).transpose()? {
            Some(c) => c,
            None => join_case(tx, actor, customer, CaseReason::ImmediateThreat, &[])?,
        };
        tx.prepare_cached(
            "UPDATE escalation_case SET closed_at = NULL, closed_by = NULL, waiting = 'confirmation', \
             decision_id = ?2, version = version + 1 WHERE id = ?1",
        )?
        .execute(params![case.to_string(), a.decision_id.to_string()])?;
    }
    if !a.approve {
        // The cases it answered are open again, for a new decision.
        let answered: Vec<Id> = tx
            .prepare_cached(
                "SELECT id FROM escalation_case WHERE decision_id = ?1 AND reason <> 'approval' \
                 AND closed_at IS NOT NULL",
            )?
            .query_map([a.decision_id.to_string()], |r| {
                parse_id(&r.get::<_, String>(0)?)
            })?
            .collect::<rusqlite::Result<_>>()?;
        for c in &answered {
            tx.prepare_cached(
                "UPDATE escalation_case SET closed_at = NULL, closed_by = NULL, decision_id = NULL, \
                 version = version + 1 WHERE id = ?1",
            )?
            .execute([c.to_string()])?;
            audit(
                tx,
                actor,
                "reopen case",
                "case",
                &c.to_string(),
                None,
                Some(rules::reopened_audit(a.decision_id)),
            )?;
        }
        saved.cases_reopened = answered.len();
    }
    Ok(saved)
}

pub(super) fn record_review(
    tx: &Transaction<'_>,
    actor: &Actor,
    policy: &Policy,
    r: &NewReview,
) -> Result<ReviewSaved, TxError> {
    let me = staff_of(actor)?;
    if exists(tx, "SELECT 1 FROM review WHERE batch = ?1 LIMIT 1", r.id)? {
        return Ok(ReviewSaved {
            already_saved: true,
            ..ReviewSaved::default()
        });
    }
    let now = Utc::now();
    rules::check_review(r, policy, &list_staff(tx)?)?;
    let now_db = time::to_db(now);
    for (id, version) in &r.reviewed {
        let row = tx
            .prepare_cached("SELECT customer_id, ends_at, version FROM restriction WHERE id = ?1")?
            .query_row([id.to_string()], |x| {
                Ok((
                    parse_id(&x.get::<_, String>(0)?)?,
                    x.get::<_, Option<String>>(1)?
                        .as_deref()
                        .map(super::values::parse_time)
                        .transpose()?,
                    x.get(2)?,
                ))
            })
            .optional()?;
        rules::reviewed_as_shown(r, *version, row, now)?;
    }
    let (mut ended, mut continued, mut added) = (0, 0, 0);
    let kept = rules::review_row(r);
    for (id, _) in &r.reviewed {
        match r.outcome {
            ReviewOutcome::Continue => {
                tx.prepare_cached(
                    "UPDATE restriction SET review_due = ?2, version = version + 1 WHERE id = ?1",
                )?
                .execute(params![id.to_string(), r.next_review.map(time::date_to_db)])?;
                continued += 1;
            }
            ReviewOutcome::Lift | ReviewOutcome::Change => {
                tx.prepare_cached(
                    "UPDATE restriction SET ends_at = ?2, ended_reason = ?3, version = version + 1 \
                     WHERE id = ?1",
                )?
                .execute(params![id.to_string(), now_db, kept.ended_reason])?;
                ended += 1;
            }
        }
        tx.prepare_cached(
            "INSERT INTO review (id, restriction_id, reviewed_at, reviewed_by, still_wants, outcome, \
             next_review, notes, batch, customer_id, reasons_for_customer, letter_status, \
             adjustments, adjustments_other, adjustments_why) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?
        .execute(params![
            new_id().to_string(),
            id.to_string(),
            now_db,
            me.id.to_string(),
            r.still_wants,
            r.outcome.as_str(),
            r.next_review.map(time::date_to_db),
            kept.notes,
            r.id.to_string(),
            r.customer_id.to_string(),
            kept.reasons_for_customer,
            kept.letter_status,
            to_json_list(&r.adjustments),
            kept.adjustments_other,
            kept.adjustments_why,
        ])?;
        audit(
            tx,
            actor,
            kept.action,
            "restriction",
            &id.to_string(),
            None,
            Some(kept.audit_after.clone()),
        )?;
    }
    if r.outcome == ReviewOutcome::Change {
        added = begin_restrictions(
            tx,
            actor,
            policy,
            (r.customer_id, None),
            &r.replacements,
            r.next_review,
            "restrict at review",
        )?;
    }
    audit(
        tx,
        actor,
        "review",
        "customer",
        &r.customer_id.to_string(),
        None,
        Some(serde_json::to_string(r).unwrap_or_default()),
    )?;
    // Every review case of the customer is answered (the review covered every restriction in
    // force), and so is the case it was made from when that is a review or a customer's request
    // for one (see [`rules::review_answers_case`]).
    let mut open: Vec<Id> = tx
        .prepare_cached(
            "SELECT id FROM escalation_case WHERE customer_id = ?1 AND closed_at IS NULL \
             AND reason = 'review_due'",
        )?
        .query_map([r.customer_id.to_string()], |x| {
            parse_id(&x.get::<_, String>(0)?)
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut left_open = None;
    if let Some(c) = r.case_id.filter(|c| !open.contains(c)) {
        let row: Option<(bool, String)> = tx
            .prepare_cached("SELECT closed_at IS NULL, reason FROM escalation_case WHERE id = ?1")?
            .query_row([c.to_string()], |x| Ok((x.get(0)?, x.get(1)?)))
            .optional()?;
        let (closes, left) = rules::review_answers_case(row);
        if closes {
            open.push(c);
        }
        left_open = left;
    }
    for id in &open {
        close_case(tx, actor, *id, None)?;
    }
    Ok(ReviewSaved {
        already_saved: false,
        ended,
        continued,
        added,
        cases_closed: open.len(),
        left_open,
    })
}

pub(super) fn record_letter(
    tx: &Transaction<'_>,
    actor: &Actor,
    l: &NewLetter,
) -> Result<(), TxError> {
    use crate::store::rules::letters::{same_customer, Names};
    let me = staff_of(actor)?;
    if exists(tx, "SELECT 1 FROM letter WHERE id = ?1", l.id)? {
        return Ok(());
    }
    let checks = [
        (
            l.decision_id,
            Names::Decision,
            "SELECT customer_id FROM decision WHERE id = ?1",
        ),
        (
            l.incident_id,
            Names::Incident,
            "SELECT customer_id FROM incident WHERE id = ?1",
        ),
        (
            l.review_batch,
            Names::Review,
            "SELECT customer_id FROM review WHERE batch = ?1 LIMIT 1",
        ),
    ];
    for (named, names, sql) in checks {
        if let Some(id) = named {
            let owner: Option<String> = tx
                .prepare_cached(sql)?
                .query_row([id.to_string()], |r| r.get(0))
                .optional()?;
            same_customer(l, names, owner.as_deref().map(parse_id).transpose()?)?;
        }
    }
    tx.prepare_cached(
        "INSERT INTO letter (id, customer_id, case_id, decision_id, kind, body, file, created_at, \
         created_by, review_batch, address, incident_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        l.id.to_string(),
        l.customer_id.to_string(),
        l.case_id.map(|c| c.to_string()),
        l.decision_id.map(|d| d.to_string()),
        l.kind,
        l.body,
        l.file,
        time::to_db(Utc::now()),
        me.id.to_string(),
        l.review_batch.map(|b| b.to_string()).unwrap_or_default(),
        l.address.as_deref().map(super::values::to_json_list),
        l.incident_id.map(|i| i.to_string()),
    ])?;
    audit(
        tx,
        actor,
        "produce letter",
        "letter",
        &l.id.to_string(),
        None,
        Some(crate::store::rules::letters::produced_audit(l)),
    )?;
    Ok(())
}

/// Close the case waiting for this decision's written confirmation, if there is one.
fn close_waiting(tx: &Transaction<'_>, actor: &Actor, decision: &str) -> rusqlite::Result<()> {
    let waiting: Vec<Id> = tx
        .prepare_cached(
            "SELECT id FROM escalation_case WHERE decision_id = ?1 AND waiting = 'confirmation' \
             AND closed_at IS NULL",
        )?
        .query_map([decision], |r| parse_id(&r.get::<_, String>(0)?))?
        .collect::<rusqlite::Result<_>>()?;
    for id in waiting {
        close_case(tx, actor, id, None)?;
    }
    Ok(())
}

pub(super) fn letter_sent(
    tx: &Transaction<'_>,
    actor: &Actor,
    letter: Id,
    on: NaiveDate,
    how: SentHow,
) -> Result<(), TxError> {
    use crate::store::rules::letters as rules;
    let row = tx
        .prepare_cached(
            "SELECT l.created_at, l.decision_id, l.sent_at, l.review_batch, l.address, \
             coalesce(c.name, 'This customer'), l.sent_how FROM letter l \
             JOIN customer c ON c.id = l.customer_id WHERE l.id = ?1",
        )?
        .query_row([letter.to_string()], |r| {
            Ok((
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(3)?,
                rules::SentFacts {
                    created_at: time::from_db(&r.get::<_, String>(0)?),
                    sent_at: r
                        .get::<_, Option<String>>(2)?
                        .as_deref()
                        .and_then(time::from_db),
                    address: r
                        .get::<_, Option<String>>(4)?
                        .map(|a| super::values::json_list(&a)),
                    customer_name: r.get(5)?,
                    sent_how: r.get(6)?,
                },
            ))
        })
        .optional()?;
    let Some((decision, review_batch, facts)) = row else {
        return Err(rules::letter_gone().into());
    };
    let Some(at) = rules::sent_at(&facts, on, how)? else {
        return Ok(());
    };
    tx.prepare_cached("UPDATE letter SET sent_at = ?2, sent_how = ?3 WHERE id = ?1")?
        .execute(params![letter.to_string(), time::to_db(at), how.as_str()])?;
    if let Some(d) = &decision {
        tx.prepare_cached(
            "UPDATE decision SET letter_status = 'sent', version = version + 1 \
             WHERE id = ?1 AND letter_status IN ('owed', 'not_possible')",
        )?
        .execute([d])?;
        close_waiting(tx, actor, d)?;
    }
    if !review_batch.is_empty() {
        tx.prepare_cached(
            "UPDATE review SET letter_status = 'sent' \
             WHERE batch = ?1 AND letter_status IN ('owed', 'not_possible')",
        )?
        .execute([&review_batch])?;
    }
    let (before, after) = rules::sent_audit(facts.sent_at, on, how);
    audit(
        tx,
        actor,
        "letter sent",
        "letter",
        &letter.to_string(),
        before,
        Some(after),
    )?;
    Ok(())
}

pub(super) fn confirmation_not_possible(
    tx: &Transaction<'_>,
    actor: &Actor,
    decision: Id,
    reason: &str,
) -> Result<(), TxError> {
    let status: Option<(String, String)> = tx
        .prepare_cached("SELECT letter_status, letter_note FROM decision WHERE id = ?1")?
        .query_row([decision.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some(reason) = crate::store::rules::letters::confirmation_not_possible(reason, status)?
    else {
        return Ok(());
    };
    tx.prepare_cached(
        "UPDATE decision SET letter_status = 'not_possible', letter_note = ?2, version = version + 1 \
         WHERE id = ?1",
    )?
    .execute(params![decision.to_string(), reason])?;
    close_waiting(tx, actor, &decision.to_string())?;
    audit(
        tx,
        actor,
        "confirmation not possible",
        "decision",
        &decision.to_string(),
        None,
        Some(crate::store::rules::letters::not_possible_audit(&reason)),
    )?;
    Ok(())
}

pub(super) fn review_letter_not_possible(
    tx: &Transaction<'_>,
    actor: &Actor,
    batch: Id,
    reason: &str,
) -> Result<(), TxError> {
    let status: Option<(String, String)> = tx
        .prepare_cached("SELECT letter_status, letter_note FROM review WHERE batch = ?1 LIMIT 1")?
        .query_row([batch.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some(reason) = crate::store::rules::letters::review_letter_not_possible(reason, status)?
    else {
        return Ok(());
    };
    tx.prepare_cached(
        "UPDATE review SET letter_status = 'not_possible', letter_note = ?2 WHERE batch = ?1",
    )?
    .execute(params![batch.to_string(), reason])?;
    audit(
        tx,
        actor,
        "review letter not possible",
        "review",
        &batch.to_string(),
        None,
        Some(crate::store::rules::letters::not_possible_audit(&reason)),
    )?;
    Ok(())
}
