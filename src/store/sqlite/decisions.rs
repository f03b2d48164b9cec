//! The manager's side: the queue of escalation cases, decisions and the restrictions they begin,
//! reviews, and the letters the policy promises the customer.

use super::audit::audit;
use super::cases::{close_case, join_case, join_case_since};
use super::errors::TxError;
use super::records::{insert_restriction, Pending};
use super::staff::list_staff;
use super::values::{parse_id, to_json_list};
use crate::domain::{
    new_id, Actor, ApprovalAnswer, ApprovalSaved, CaseAlert, CaseFilter, CaseReason, CaseSummary,
    DecisionSaved, Id, NewDecision, NewLetter, NewRestriction, NewReview, Outcome, QueuePage,
    QueueQuery, QueueSummary, QueueWatch, Restriction, RestrictionParams, ReviewOutcome,
    ReviewSaved, SentHow,
};
use crate::policy::decision::{self as rules, DecisionProblem};
use crate::policy::Policy;
use crate::store::rules::cases as requests;
use crate::store::StoreError;
use crate::text::sanitise_for_display;
use crate::time;
use chrono::{NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction};

fn line(s: &str) -> String {
    sanitise_for_display(s, false).trim().to_string()
}

fn text(s: &str) -> String {
    sanitise_for_display(s, true).trim().to_string()
}

/// The member of staff acting; someone safedesk does not know is refused.
fn staff_of(actor: &Actor) -> Result<&crate::domain::Staff, TxError> {
    actor
        .staff
        .as_ref()
        .ok_or_else(|| StoreError::NotAllowed(actor.not_known_message()).into())
}

/// Does `sql` (taking one id) find a row? Used to make a second save of the same entry a no-op.
fn exists(tx: &Transaction<'_>, sql: &str, id: Id) -> rusqlite::Result<bool> {
    Ok(tx
        .prepare_cached(sql)?
        .query_row([id.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

fn refuse(problems: &[DecisionProblem]) -> TxError {
    StoreError::Invalid(rules::summary(problems)).into()
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

/// Which open cases a filter keeps, as SQL on `queue_row` (`?1`: the staff id for
/// [`CaseFilter::AssignedTo`]), written so its key or its index serves it.
fn filter_sql(filter: CaseFilter) -> String {
    match filter {
        CaseFilter::All => "1".into(),
        // The queue's rank names five reasons; the later ones (a customer's request and after)
        // share the last rank, told apart by their reason.
        CaseFilter::Reason(r) if shares_rank(r) => {
            format!("q.rank IN (4, 9) AND q.reason = '{}'", r.as_str())
        }
        CaseFilter::Reason(r) => {
            let n = CaseReason::ALL.iter().position(|x| *x == r).unwrap_or(4);
            format!("q.rank IN ({n}, {})", n + 5)
        }
        CaseFilter::Confirmation => "q.rank >= 10".into(),
        CaseFilter::AssignedTo(_) => "q.assigned_to = ?1".into(),
    }
}

/// Reasons after the first four share the queue's last rank (`queue_rank!`'s `ELSE 4`): a
/// customer's request, a decision waiting for approval and a debrief asked for. A filter for one
/// of them reads the reason too, and counts its rows rather than the rank's.
fn shares_rank(r: CaseReason) -> bool {
    CaseReason::ALL.iter().position(|x| *x == r).unwrap_or(4) >= 4
}

/// Does a filter keep the cases of this rank (see `queue_rank!`)? Not for
/// [`CaseFilter::AssignedTo`], which depends on more than the rank.
fn rank_kept(filter: CaseFilter, rank: i64) -> bool {
    match filter {
        CaseFilter::All => true,
        CaseFilter::Reason(r) if shares_rank(r) => false,
        CaseFilter::Reason(r) => {
            let n = CaseReason::ALL.iter().position(|x| *x == r).unwrap_or(4) as i64;
            rank == n || rank == n + 5
        }
        CaseFilter::Confirmation => rank >= 10,
        CaseFilter::AssignedTo(_) => false,
    }
}

/// The rank of a review case still to decide.
const REVIEW_TO_DECIDE: i64 = 8;

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
    let summary = QueueSummary {
        open_cases: ranks.iter().map(|r| r.1).sum(),
        overdue_reviews: ranks
            .iter()
            .filter(|r| r.0 == REVIEW_TO_DECIDE)
            .map(|r| r.1)
            .sum::<u64>()
            .saturating_sub(due_today),
        letters_owed,
        riddor_owed: super::safety::riddor_owed(tx)?,
    };
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
    let filter = filter_sql(q.filter);
    let find = crate::text::fold(&q.find);
    let find = find.trim();
    let params: Vec<&dyn rusqlite::ToSql> = match &who {
        Some(w) => vec![w],
        None => Vec::new(),
    };
    if find.is_empty() {
        let counted = who.is_some() || matches!(q.filter, CaseFilter::Reason(r) if shares_rank(r));
        let total = if counted {
            tx.prepare_cached(&format!("SELECT count(*) FROM queue_row q WHERE {filter}"))?
                .query_row(params.as_slice(), |r| r.get::<_, u64>(0))?
        } else {
            ranks
                .iter()
                .filter(|r| rank_kept(q.filter, r.0))
                .map(|r| r.1)
                .sum()
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
        if crate::text::fold(&name).contains(find) {
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
    let mut counts = std::collections::HashMap::new();
    let mut confirmation_owed = 0;
    let mut st = tx.prepare_cached(
        "SELECT reason, waiting = 'confirmation', count(*) FROM escalation_case \
         WHERE closed_at IS NULL GROUP BY 1, 2",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, bool>(1)?,
            r.get::<_, u64>(2)?,
        ))
    })?;
    for row in rows {
        let (reason, waiting, n) = row?;
        if waiting {
            confirmation_owed += n;
        } else if let Some(reason) = CaseReason::parse(&reason) {
            *counts.entry(reason).or_insert(0) += n;
        }
    }
    Ok(QueueWatch {
        alerts,
        by_reason: CaseReason::ALL
            .iter()
            .map(|r| (*r, counts.get(r).copied().unwrap_or(0)))
            .collect(),
        confirmation_owed,
    })
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
    // Recorded before (a replay from the outbox): the case it went to, and nothing changes.
    let before: Option<Option<String>> = tx
        .prepare_cached(
            "SELECT after FROM audit WHERE entity_id = ?1 AND entity = 'request' LIMIT 1",
        )?
        .query_row([request.to_string()], |r| r.get(0))
        .optional()?;
    if let Some(after) = before {
        return Ok(requests::request_case(after)?);
    }
    let note = requests::request_note(note)?;
    let exists: Option<Option<String>> = tx
        .prepare_cached("SELECT merged_into FROM customer WHERE id = ?1")?
        .query_row([customer.to_string()], |r| r.get(0))
        .optional()?;
    requests::request_customer(exists.map(|m| m.is_some()))?;
    let case = join_case(tx, actor, customer, CaseReason::CustomerRequest, &[])?;
    tx.prepare_cached(
        "UPDATE escalation_case SET note = trim(note || char(10) || ?2), version = version + 1 \
         WHERE id = ?1",
    )?
    .execute(params![
        case.to_string(),
        requests::request_line(&actor.name(), &note)
    ])?;
    let (on_case, own) = requests::request_audit(customer, &note, request, case);
    audit(
        tx,
        actor,
        "customer request",
        "case",
        &case.to_string(),
        None,
        Some(on_case),
    )?;
    // The request's own record, by its id: the same request sent again is recognised.
    audit(
        tx,
        actor,
        "customer request",
        "request",
        &request.to_string(),
        None,
        Some(own),
    )?;
    Ok(case)
}

fn restriction_of(
    customer: Id,
    decision: Option<Id>,
    r: &NewRestriction,
    policy: &Policy,
    review: Option<NaiveDate>,
) -> Restriction {
    let kind = policy.restriction_kind(&r.kind);
    let params: &[String] = kind.map(|k| k.params()).unwrap_or(&[]);
    let has = |p: &str| params.iter().any(|x| x == p);
    let redirected = has("divert") && r.divert == crate::policy::REDIRECTED;
    Restriction {
        id: new_id(),
        customer_id: customer,
        decision_id: decision,
        kind: r.kind.clone(),
        // Only the parameters the kind takes are kept, so nothing stray reaches a banner.
        params: RestrictionParams {
            email: if has("contact") {
                line(&r.email)
            } else {
                String::new()
            },
            phone: if has("contact") {
                line(&r.phone)
            } else {
                String::new()
            },
            minutes: r.minutes.filter(|_| has("minutes")),
            staff_id: r.staff_id.filter(|_| has("staff")),
            staff_name: String::new(),
            third_party: if has("third_party") {
                line(&r.third_party)
            } else {
                String::new()
            },
            scope: if has("scope") {
                r.scope.clone()
            } else {
                String::new()
            },
            divert: if has("divert") {
                r.divert.clone()
            } else {
                String::new()
            },
            redirect_to: if redirected {
                line(&r.redirect_to)
            } else {
                String::new()
            },
            // Written the one way, so every banner reads the same.
            windows: if has("window") {
                crate::policy::window::parse(&r.windows)
                    .map(|w| crate::policy::window::words(&w))
                    .unwrap_or_else(|_| line(&r.windows))
            } else {
                String::new()
            },
            date: r.date.filter(|_| has("date")),
            text: if has("text") {
                text(&r.text)
            } else {
                String::new()
            },
            person: if has("person") {
                line(&r.person)
            } else {
                String::new()
            },
            person_contact: if has("person") {
                line(&r.person_contact)
            } else {
                String::new()
            },
        },
        starts_at: Utc::now(),
        review_due: review,
        ends_at: None,
        ended_reason: String::new(),
        version: 1,
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
        let row = restriction_of(customer, decision, n, policy, review);
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

/// Refuse a decision on a case that is not as the manager saw it: closed, waiting for its
/// letter, about someone else, or changed since (a new incident, reassigned).
fn check_case_as_shown(
    tx: &Transaction<'_>,
    customer: Id,
    case_id: Id,
    version: Option<i64>,
) -> Result<CaseSummary, TxError> {
    let c = case(tx, case_id)?
        .ok_or_else(|| StoreError::Missing("that case is no longer in the database".into()))?;
    if c.customer_id != customer {
        return Err(StoreError::Invalid(
            "That case is about someone else: open the case again from the queue.".into(),
        )
        .into());
    }
    let closed_by: Option<String> = tx
        .prepare_cached(
            "SELECT coalesce(s.display_name, 'another manager') FROM escalation_case c \
             LEFT JOIN staff s ON s.id = c.closed_by WHERE c.id = ?1 AND c.closed_at IS NOT NULL",
        )?
        .query_row([case_id.to_string()], |r| r.get(0))
        .optional()?;
    if let Some(by) = closed_by {
        return Err(StoreError::Conflict(format!(
            "the case about {} ({}) was already decided by {by}",
            c.customer_name,
            c.reason.label().to_lowercase()
        ))
        .into());
    }
    if c.waiting_for_confirmation {
        return Err(StoreError::Conflict(format!(
            "the case about {} was already decided: it waits for its written confirmation",
            c.customer_name
        ))
        .into());
    }
    if c.reason == CaseReason::Approval {
        return Err(StoreError::Invalid(format!(
            "The case about {} holds a decision waiting for a second person's approval: approve it or turn it down on the case; a new decision can be made once it is turned down.",
            c.customer_name
        ))
        .into());
    }
    if version.is_some_and(|v| v != c.version) {
        return Err(StoreError::Conflict(format!(
            "the case about {} ({}) changed: a new incident, or it was reassigned",
            c.customer_name,
            c.reason.label().to_lowercase()
        ))
        .into());
    }
    Ok(c)
}

/// What the decision is checked against, read from the database: the incidents of significant
/// alarm or possible crime among those of the cases it answers.
fn decision_context(
    tx: &Transaction<'_>,
    policy: &Policy,
    d: &NewDecision,
) -> rusqlite::Result<rules::DecisionContext> {
    let mut cases: Vec<Id> = d.case_id.into_iter().collect();
    cases.extend(d.also_closes.iter().map(|(c, _)| *c));
    let mut alarm: Vec<(chrono::DateTime<Utc>, String)> = Vec::new();
    for c in cases {
        for i in super::records::case_incidents(tx, c)? {
            if policy.is_alarming(&i) {
                alarm.push((i.occurred_at, time::date(time::london_date(i.occurred_at))));
            }
        }
    }
    alarm.sort();
    let mut words: Vec<String> = alarm.into_iter().map(|(_, w)| w).collect();
    words.dedup();
    Ok(rules::DecisionContext { alarm: words })
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
    // Who may decide what: the policy's table, for the outcome and every restriction in it.
    let kinds: Vec<&str> = d.restrictions.iter().map(|r| r.kind.as_str()).collect();
    policy
        .may_decide(me.role, d.outcome, &kinds)
        .map_err(StoreError::NotAllowed)?;
    let today = time::london_date(Utc::now());
    let staff = list_staff(tx)?;
    let ctx = decision_context(tx, policy, d)?;
    let problems = rules::check(d, policy, &staff, today, &ctx);
    if !problems.is_empty() {
        return Err(refuse(&problems));
    }
    let exists: Option<Option<String>> = tx
        .prepare_cached("SELECT merged_into FROM customer WHERE id = ?1")?
        .query_row([d.customer_id.to_string()], |r| r.get(0))
        .optional()?;
    if !matches!(exists, Some(None)) {
        return Err(StoreError::Missing(
            "that customer is no longer in the database; search for them again".into(),
        )
        .into());
    }
    if let Some(case_id) = d.case_id {
        check_case_as_shown(tx, d.customer_id, case_id, d.case_version)?;
    }
    // A restriction already in force is reviewed, not decided again.
    let now_db = time::to_db(Utc::now());
    for r in &d.restrictions {
        let since: Option<String> = tx
            .prepare_cached(
                "SELECT starts_at FROM restriction WHERE customer_id = ?1 AND kind = ?2 \
                 AND starts_at <= ?3 AND (ends_at IS NULL OR ends_at > ?3) LIMIT 1",
            )?
            .query_row(params![d.customer_id.to_string(), r.kind, now_db], |x| {
                x.get(0)
            })
            .optional()?;
        if let Some(since) = since {
            return Err(StoreError::Invalid(format!(
                "\"{}\" is already in force (since {}): untick it, or review the restrictions in force instead (r on the case).",
                policy.label_of(&r.kind),
                time::from_db(&since).map(|t| time::date(time::london_date(t))).unwrap_or(since)
            ))
            .into());
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
        return Err(StoreError::Invalid(format!(
            "A decision about this customer made by {by} on {} is waiting for approval: it must be approved or turned down (on its case in the queue) before another is made.",
            time::from_db(&at).map(|t| time::date(time::london_date(t))).unwrap_or(at)
        ))
        .into());
    }
    let needs_approval = policy.approval_needed(d.outcome, &kinds);
    let now = Utc::now();
    let letter_status = if d.restrictions.is_empty() || needs_approval.is_some() {
        ""
    } else {
        "owed"
    };
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
        time::to_db(now),
        time::date_to_db(d.meeting_date),
        line(&d.attendees),
        d.outcome.as_str(),
        text(&d.reasons),
        me.id.to_string(),
        d.outcome == Outcome::ImmediateRestriction,
        d.police_told,
        text(&d.risk_assessment),
        letter_status,
        text(&d.reasons_for_customer),
        if d.police_told == Some(true) {
            line(&d.authority_told)
        } else {
            String::new()
        },
        if d.outcome == Outcome::WithdrawalOfServices {
            to_json_list(&d.tried_actions)
        } else {
            "[]".to_string()
        },
        if d.outcome == Outcome::WithdrawalOfServices {
            text(&d.none_suitable)
        } else {
            String::new()
        },
        to_json_list(&d.adjustments),
        line(&d.adjustments_other),
        text(&d.adjustments_why),
        if needs_approval.is_some() {
            "waiting"
        } else {
            ""
        },
        if needs_approval.is_some() {
            serde_json::to_string(&Pending {
                restrictions: d.restrictions.clone(),
                review_date: d.review_date,
            })
            .unwrap_or_default()
        } else {
            String::new()
        },
    ])?;
    if let Some(why) = needs_approval {
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
    let mut closed = 0;
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
    } else if let Some(case) = d.case_id {
        close_case(tx, actor, case, Some(d.id))?;
        closed += 1;
    }
    for (other, _) in &d.also_closes {
        if Some(*other) != d.case_id {
            close_case(tx, actor, *other, Some(d.id))?;
            closed += 1;
        }
    }
    Ok(DecisionSaved {
        already_saved: false,
        restrictions: count,
        cases_closed: closed,
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
    let mut answered: Vec<Id> = d.case_id.into_iter().collect();
    for (other, _) in &d.also_closes {
        if !answered.contains(other) {
            answered.push(*other);
        }
    }
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
    #[allow(clippy::type_complexity)]
    let row: Option<(
        String,
        String,
        String,
        String,
        Option<String>,
        i64,
        String,
        String,
        String,
    )> = tx
        .prepare_cached(
            "SELECT d.customer_id, d.decided_by, s.display_name, d.approval, d.approved_by, \
             d.version, d.outcome, d.pending, \
             coalesce(c.name, 'Unidentified visitor: ' || c.description) \
             FROM decision d JOIN staff s ON s.id = d.decided_by \
             JOIN customer c ON c.id = d.customer_id WHERE d.id = ?1",
        )?
        .query_row([a.decision_id.to_string()], |r| TryFrom::try_from(r))
        .optional()?;
    let Some((customer, author, author_name, status, answered_by, version, outcome, pending, name)) =
        row
    else {
        return Err(
            StoreError::Missing("that decision is no longer in the database".into()).into(),
        );
    };
    let customer = parse_id(&customer)?;
    let answered = if a.approve { "approved" } else { "turned_down" };
    match status.as_str() {
        "waiting" => {}
        "" => {
            return Err(StoreError::Invalid(
                "That decision needed no approval: it has been in force since it was saved.".into(),
            )
            .into())
        }
        done => {
            // Answered so before by the same person (a replay from the outbox): nothing changes.
            if done == answered && answered_by.as_deref() == Some(me.id.to_string().as_str()) {
                return Ok(ApprovalSaved {
                    already_saved: true,
                    approved: a.approve,
                    ..ApprovalSaved::default()
                });
            }
            let by: String = tx
                .prepare_cached(
                    "SELECT coalesce(s.display_name, 'another manager') FROM decision d \
                     LEFT JOIN staff s ON s.id = d.approved_by WHERE d.id = ?1",
                )?
                .query_row([a.decision_id.to_string()], |r| r.get(0))?;
            return Err(StoreError::Conflict(format!(
                "the decision about {name} was already {} by {by}",
                if done == "approved" {
                    "approved"
                } else {
                    "turned down"
                }
            ))
            .into());
        }
    }
    if author == me.id.to_string() {
        return Err(StoreError::NotAllowed(format!(
            "You made this decision about {name}, so you cannot {} it: the policy asks a second person. Ask another manager or an admin to answer it.",
            if a.approve { "approve" } else { "turn down" }
        ))
        .into());
    }
    if version != a.version {
        return Err(StoreError::Conflict(format!(
            "the decision about {name} changed since it was shown"
        ))
        .into());
    }
    let pending: Pending = serde_json::from_str(&pending).unwrap_or_default();
    let outcome = Outcome::parse(&outcome).unwrap_or(Outcome::Actions);
    let kinds: Vec<&str> = pending
        .restrictions
        .iter()
        .map(|r| r.kind.as_str())
        .collect();
    policy
        .may_approve(me.role, outcome, &kinds)
        .map_err(StoreError::NotAllowed)?;
    let note = text(&a.reason);
    if !a.approve && note.is_empty() {
        return Err(StoreError::Invalid(format!(
            "Say why you are turning down the decision about {name}: {author_name}, who made it, reads it."
        ))
        .into());
    }
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
            let in_force: bool = tx
                .prepare_cached(
                    "SELECT count(*) > 0 FROM restriction WHERE customer_id = ?1 AND kind = ?2 \
                     AND starts_at <= ?3 AND (ends_at IS NULL OR ends_at > ?3)",
                )?
                .query_row(params![customer.to_string(), r.kind, now_db], |x| x.get(0))?;
            if in_force {
                return Err(StoreError::Invalid(format!(
                    "\"{}\" is already in force for {name} (another decision put it in force since): turn this decision down and review the restrictions in force instead.",
                    policy.label_of(&r.kind)
                ))
                .into());
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
        answered,
        me.id.to_string(),
        now_db,
        note,
        if saved.letter_owed { "owed" } else { "" },
    ])?;
    audit(
        tx,
        actor,
        if a.approve {
            "approve decision"
        } else {
            "turn down decision"
        },
        "decision",
        &a.decision_id.to_string(),
        Some(serde_json::json!({ "approval": "waiting", "decided_by": author_name }).to_string()),
        Some(
            serde_json::json!({
                "approval": answered,
                "decided_by": author_name,
                "answered_by": me.display_name,
                "note": note,
            })
            .to_string(),
        ),
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
                Some(
                    serde_json::json!({ "decision": a.decision_id, "why": "its decision was turned down" })
                        .to_string(),
                ),
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
    let today = time::london_date(now);
    let staff = list_staff(tx)?;
    let problems = rules::check_review(r, policy, &staff, today);
    if !problems.is_empty() {
        return Err(refuse(&problems));
    }
    let now_db = time::to_db(now);
    for (id, version) in &r.reviewed {
        let row: Option<(String, Option<String>, i64)> = tx
            .prepare_cached("SELECT customer_id, ends_at, version FROM restriction WHERE id = ?1")?
            .query_row([id.to_string()], |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?)))
            .optional()?;
        let Some((customer, ends, current)) = row else {
            return Err(
                StoreError::Missing("a reviewed restriction is no longer there".into()).into(),
            );
        };
        if parse_id(&customer)? != r.customer_id {
            return Err(StoreError::Invalid(
                "A reviewed restriction belongs to someone else: open the review again.".into(),
            )
            .into());
        }
        if ends.as_deref().is_some_and(|e| e <= now_db.as_str()) || current != *version {
            return Err(StoreError::Conflict(
                "a restriction under review was reviewed, lifted or changed by someone else".into(),
            )
            .into());
        }
    }
    let (mut ended, mut continued, mut added) = (0, 0, 0);
    let reason = match r.outcome {
        ReviewOutcome::Lift => format!("Lifted at review: {}", line(&r.notes)),
        ReviewOutcome::Change => format!("Changed at review: {}", line(&r.notes)),
        ReviewOutcome::Continue => String::new(),
    };
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
                .execute(params![id.to_string(), now_db, reason])?;
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
            text(&r.notes),
            r.id.to_string(),
            r.customer_id.to_string(),
            text(&r.reasons_for_customer),
            // A review that lifts or changes restrictions tells the customer in writing.
            if r.outcome == ReviewOutcome::Continue {
                ""
            } else {
                "owed"
            },
            to_json_list(&r.adjustments),
            line(&r.adjustments_other),
            text(&r.adjustments_why),
        ])?;
        audit(
            tx,
            actor,
            match r.outcome {
                ReviewOutcome::Lift => "lift",
                ReviewOutcome::Continue => "continue",
                ReviewOutcome::Change => "end at review",
            },
            "restriction",
            &id.to_string(),
            None,
            Some(
                serde_json::json!({ "review": r.id, "next_review": r.next_review, "notes": text(&r.notes) })
                    .to_string(),
            ),
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
    // for one. A breach, threshold or immediate threat case is answered only by a decision on
    // it: a review started from one leaves it open, and says so.
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
        match row {
            Some((true, reason))
                if matches!(
                    CaseReason::parse(&reason),
                    Some(CaseReason::ReviewDue | CaseReason::CustomerRequest)
                ) =>
            {
                open.push(c)
            }
            Some((true, reason)) => left_open = CaseReason::parse(&reason),
            _ => {}
        }
    }
    for id in &open {
        close_case(tx, actor, *id, None)?;
    }
    let closed = open.len();
    let _ = &me;
    Ok(ReviewSaved {
        already_saved: false,
        ended,
        continued,
        added,
        cases_closed: closed,
        left_open,
    })
}

pub(super) fn record_letter(
    tx: &Transaction<'_>,
    actor: &Actor,
    l: &NewLetter,
) -> Result<(), TxError> {
    let me = staff_of(actor)?;
    if exists(tx, "SELECT 1 FROM letter WHERE id = ?1", l.id)? {
        return Ok(());
    }
    if let Some(d) = l.decision_id {
        let owner: Option<String> = tx
            .prepare_cached("SELECT customer_id FROM decision WHERE id = ?1")?
            .query_row([d.to_string()], |r| r.get(0))
            .optional()?;
        if owner.as_deref().map(parse_id).transpose()? != Some(l.customer_id) {
            return Err(StoreError::Invalid(
                "That letter's decision is about someone else: produce it again from the case."
                    .into(),
            )
            .into());
        }
    }
    if let Some(i) = l.incident_id {
        let owner: Option<String> = tx
            .prepare_cached("SELECT customer_id FROM incident WHERE id = ?1")?
            .query_row([i.to_string()], |r| r.get(0))
            .optional()?;
        if owner.as_deref().map(parse_id).transpose()? != Some(l.customer_id) {
            return Err(StoreError::Invalid(
                "That letter's incident is about someone else: produce it again from the card."
                    .into(),
            )
            .into());
        }
    }
    if let Some(b) = l.review_batch {
        let owner: Option<String> = tx
            .prepare_cached("SELECT customer_id FROM review WHERE batch = ?1 LIMIT 1")?
            .query_row([b.to_string()], |r| r.get(0))
            .optional()?;
        if owner.as_deref().map(parse_id).transpose()? != Some(l.customer_id) {
            return Err(StoreError::Invalid(
                "That letter's review is about someone else: produce it again from the card."
                    .into(),
            )
            .into());
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
        Some(
            serde_json::json!({ "kind": l.kind, "file": l.file, "decision": l.decision_id })
                .to_string(),
        ),
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

/// Why a letter printed with no postal address cannot be marked sent by post, and what to do.
pub fn no_postal_address(name: &str) -> String {
    format!(
        "This letter was printed with no postal address ({name} has none on record), so it cannot be marked sent by post. Add their address with c on their card and produce the letter again to post it, or record this one as sent by email or by hand."
    )
}

pub(super) fn letter_sent(
    tx: &Transaction<'_>,
    actor: &Actor,
    letter: Id,
    on: NaiveDate,
    how: SentHow,
) -> Result<(), TxError> {
    #[allow(clippy::type_complexity)]
    let row: Option<(String, Option<String>, Option<String>, String, Option<String>, String)> = tx
        .prepare_cached(
            "SELECT l.created_at, l.decision_id, l.sent_at, l.review_batch, l.address, \
             coalesce(c.name, 'This customer') FROM letter l JOIN customer c ON c.id = l.customer_id \
             WHERE l.id = ?1",
        )?
        .query_row([letter.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })
        .optional()?;
    let Some((created, decision, before, review_batch, address, name)) = row else {
        return Err(StoreError::Missing("that letter is no longer in the database".into()).into());
    };
    // A letter printed with no postal address cannot have gone by post (letters made before
    // addresses were kept, NULL, are taken as addressed).
    if how == SentHow::Post && address.is_some_and(|a| super::values::json_list(&a).is_empty()) {
        return Err(StoreError::Invalid(no_postal_address(&name)).into());
    }
    let today = time::london_date(Utc::now());
    let made = time::from_db(&created)
        .map(time::london_date)
        .unwrap_or(today);
    if on > today {
        return Err(StoreError::Invalid(
            "That date has not come yet: record the letter as sent on the day it goes.".into(),
        )
        .into());
    }
    if on < made {
        return Err(StoreError::Invalid(format!(
            "The letter was made on {}, so it cannot have been sent before then.",
            time::date(made)
        ))
        .into());
    }
    // Noon London time on the day, so the date reads the same everywhere.
    let at = time::london_at(on, 12, 0).unwrap_or_else(Utc::now);
    // Recorded so before (a replay from the outbox): nothing to change.
    if before.as_deref() == Some(time::to_db(at).as_str()) {
        let how_before: String = tx
            .prepare_cached("SELECT sent_how FROM letter WHERE id = ?1")?
            .query_row([letter.to_string()], |r| r.get(0))?;
        if how_before == how.as_str() {
            return Ok(());
        }
    }
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
    audit(
        tx,
        actor,
        "letter sent",
        "letter",
        &letter.to_string(),
        before.map(|b| format!("{{\"sent_at\":\"{b}\"}}")),
        Some(
            serde_json::json!({ "sent_on": time::date_to_db(on), "how": how.as_str() }).to_string(),
        ),
    )?;
    Ok(())
}

pub(super) fn confirmation_not_possible(
    tx: &Transaction<'_>,
    actor: &Actor,
    decision: Id,
    reason: &str,
) -> Result<(), TxError> {
    let reason = text(reason);
    if reason.is_empty() {
        return Err(StoreError::Invalid(
            "Give the reason written confirmation was not possible (for example: no address known)."
                .into(),
        )
        .into());
    }
    let status: Option<(String, String)> = tx
        .prepare_cached("SELECT letter_status, letter_note FROM decision WHERE id = ?1")?
        .query_row([decision.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    // Recorded so before (a replay from the outbox): nothing to change.
    if let Some((s, note)) = &status {
        if s == "not_possible" && *note == reason {
            return Ok(());
        }
    }
    match status.as_ref().map(|(s, _)| s.as_str()) {
        None => {
            return Err(
                StoreError::Missing("that decision is no longer in the database".into()).into(),
            )
        }
        Some("sent") => {
            return Err(StoreError::Conflict(
                "the letter for this decision has been recorded as sent already".into(),
            )
            .into())
        }
        _ => {}
    }
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
        Some(serde_json::json!({ "reason": reason }).to_string()),
    )?;
    Ok(())
}

pub(super) fn review_letter_not_possible(
    tx: &Transaction<'_>,
    actor: &Actor,
    batch: Id,
    reason: &str,
) -> Result<(), TxError> {
    let reason = text(reason);
    if reason.is_empty() {
        return Err(StoreError::Invalid(
            "Give the reason the review's letter could not be sent (for example: no address known)."
                .into(),
        )
        .into());
    }
    let status: Option<(String, String)> = tx
        .prepare_cached("SELECT letter_status, letter_note FROM review WHERE batch = ?1 LIMIT 1")?
        .query_row([batch.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match status.as_ref().map(|(s, n)| (s.as_str(), n.as_str())) {
        None => {
            return Err(
                StoreError::Missing("that review is no longer in the database".into()).into(),
            )
        }
        // Recorded so before (a replay from the outbox): nothing to change.
        Some(("not_possible", note)) if note == reason => return Ok(()),
        Some(("sent", _)) => {
            return Err(StoreError::Conflict(
                "the letter for this review has been recorded as sent already".into(),
            )
            .into())
        }
        Some(("", _)) => {
            return Err(StoreError::Invalid(
                "This review owes no letter (it continued the restrictions as they were).".into(),
            )
            .into())
        }
        _ => {}
    }
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
        Some(serde_json::json!({ "reason": reason }).to_string()),
    )?;
    Ok(())
}
