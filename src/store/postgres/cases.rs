//! Escalation cases on the server, as `sqlite/cases.rs` and the case parts of
//! `sqlite/decisions.rs`: opening one (or adding incidents to the one open for that reason),
//! closing one, reading them, assigning one, a customer's request and a manager opening one.
//! The decisions are `rules/cases.rs`.

use super::audit::audit;
use super::errors::{PgTxError, TxResult};
use super::prelude::*;
use super::statements::Tx;
use crate::domain::CaseReason;
use crate::store::rules::cases as rules;
use crate::time::whole_seconds;
use ::postgres::Row;
use chrono::{DateTime, Utc};

/// The case incidents were added to, and whether it was opened for them.
pub(super) struct Joined {
    pub case: Id,
    pub opened: bool,
}

/// Add incidents to the customer's open case for this reason, opening one dated `since` if
/// there is none. A case that gains incidents gets a new version, so a manager deciding on what
/// they saw is told.
pub(super) fn join(
    tx: &mut Tx<'_>,
    actor: &Actor,
    customer: Id,
    reason: CaseReason,
    incidents: &[Id],
    since: DateTime<Utc>,
) -> TxResult<Joined> {
    // The usual way, in one statement: the case is open already; those of the incidents it has
    // not got are added, and if any were it gets a new version (and a threat or breach alerts
    // every manager again).
    let row = tx.query_one(
        "WITH open AS (SELECT id FROM escalation_case WHERE customer_id = $1 AND reason = $2 \
                       AND closed_at IS NULL AND waiting = '' ORDER BY seq LIMIT 1), \
              added AS (INSERT INTO case_incident (case_id, incident_id) \
                        SELECT open.id, i FROM open, unnest($3::uuid[]) i \
                        ON CONFLICT DO NOTHING RETURNING 1), \
              bumped AS (UPDATE escalation_case SET version = version + 1, \
                 seen_at = CASE WHEN reason IN ('immediate_threat', 'breach') THEN NULL ELSE seen_at END, \
                 seen_by = CASE WHEN reason IN ('immediate_threat', 'breach') THEN NULL ELSE seen_by END \
                 WHERE id = (SELECT id FROM open) AND EXISTS (SELECT 1 FROM added)) \
         SELECT (SELECT id FROM open)",
        &[&customer, &reason.as_str(), &incidents],
    )?;
    if let Some(case) = row.get::<_, Option<Id>>(0) {
        return Ok(Joined {
            case,
            opened: false,
        });
    }
    let case = crate::domain::new_id();
    tx.execute(
        "INSERT INTO escalation_case (id, customer_id, reason, opened_at) \
         VALUES ($1, $2, $3, $4)",
        &[&case, &customer, &reason.as_str(), &whole_seconds(since)],
    )?;
    audit(
        tx,
        actor,
        "open case",
        "case",
        &case.to_string(),
        None,
        Some(rules::opened_json(customer, reason)),
    )?;
    // Every incident in one statement (the same one may be named twice).
    let added = if incidents.is_empty() {
        0
    } else {
        tx.execute(
            "INSERT INTO case_incident (case_id, incident_id) SELECT $1, unnest($2::uuid[]) \
             ON CONFLICT DO NOTHING",
            &[&case, &incidents],
        )?
    };
    if added > 0 {
        // A new threat or breach alerts every manager again, even if one opened the case.
        tx.execute(
            "UPDATE escalation_case SET version = version + 1, \
               seen_at = CASE WHEN reason IN ('immediate_threat', 'breach') THEN NULL ELSE seen_at END, \
               seen_by = CASE WHEN reason IN ('immediate_threat', 'breach') THEN NULL ELSE seen_by END \
             WHERE id = $1",
            &[&case],
        )?;
    }
    Ok(Joined { case, opened: true })
}

/// Of `calls` (each a reason and its incidents, in the order the rules call for them), all those
/// whose reason has an open case already, in one statement: as [`join`] one after another
/// would leave them (each call that adds an incident the case has not got gives it a new
/// version, and a threat or breach alerts every manager again). Returns those reasons; the
/// other calls open their case with [`join`].
pub(super) fn join_open(
    tx: &mut Tx<'_>,
    customer: Id,
    calls: &[(CaseReason, &[Id])],
) -> TxResult<Vec<CaseReason>> {
    // One row a call and incident (a call with none has one row with no incident).
    let (mut n, mut reasons, mut incidents) = (Vec::new(), Vec::new(), Vec::new());
    for (k, (reason, ids)) in calls.iter().enumerate() {
        let k = i32::try_from(k).unwrap_or(i32::MAX);
        if ids.is_empty() {
            n.push(k);
            reasons.push(reason.as_str());
            incidents.push(None);
        }
        for id in ids.iter() {
            n.push(k);
            reasons.push(reason.as_str());
            incidents.push(Some(*id));
        }
    }
    let rows = tx.query(
        "WITH calls AS (SELECT * FROM unnest($2::int[], $3::text[], $4::uuid[]) \
                        AS c(n, reason, incident)), \
              open AS (SELECT DISTINCT ON (reason) reason, id FROM escalation_case \
                       WHERE customer_id = $1 AND reason = ANY($3::text[]) \
                       AND closed_at IS NULL AND waiting = '' ORDER BY reason, seq), \
              added AS (INSERT INTO case_incident (case_id, incident_id) \
                        SELECT DISTINCT o.id, c.incident FROM calls c JOIN open o USING (reason) \
                        WHERE c.incident IS NOT NULL \
                        ON CONFLICT DO NOTHING RETURNING case_id, incident_id), \
              adders AS (SELECT a.case_id, min(c.n) AS n FROM added a \
                         JOIN open o ON o.id = a.case_id \
                         JOIN calls c ON c.reason = o.reason AND c.incident = a.incident_id \
                         GROUP BY a.case_id, a.incident_id), \
              bumped AS (UPDATE escalation_case e SET version = e.version + b.k, \
                 seen_at = CASE WHEN e.reason IN ('immediate_threat', 'breach') THEN NULL ELSE e.seen_at END, \
                 seen_by = CASE WHEN e.reason IN ('immediate_threat', 'breach') THEN NULL ELSE e.seen_by END \
                 FROM (SELECT case_id, count(DISTINCT n) AS k FROM adders GROUP BY case_id) b \
                 WHERE e.id = b.case_id) \
         SELECT reason FROM open",
        &[&customer, &n, &reasons, &incidents],
    )?;
    Ok(rows
        .iter()
        .filter_map(|r| CaseReason::parse(&r.get::<_, String>(0)))
        .collect())
}

/// Close one case; `why` says, in the audit log, why a case closed with no decision.
pub(super) fn close_case_because(
    tx: &mut Tx<'_>,
    actor: &Actor,
    case: Id,
    decision: Option<Id>,
    why: Option<&str>,
) -> TxResult<()> {
    let staff = actor.staff.as_ref().map(|s| s.id);
    tx.execute(
        "UPDATE escalation_case SET closed_at = $2, closed_by = $3, \
         decision_id = coalesce($4, decision_id), waiting = '', version = version + 1 WHERE id = $1",
        &[&case, &whole_seconds(Utc::now()), &staff, &decision],
    )?;
    Ok(audit(
        tx,
        actor,
        "close case",
        "case",
        &case.to_string(),
        None,
        Some(rules::closed_json(decision, why)),
    )?)
}

pub(super) const CASE_COLS: &str = "c.id, c.customer_id, \
     coalesce(cu.name, 'Unidentified visitor: ' || cu.description), c.reason, c.opened_at, \
     s.display_name, c.assigned_to, c.waiting, c.decision_id, c.note, c.version, \
     (SELECT coalesce(array_agg(ci.incident_id ORDER BY i.occurred_at, i.id), '{}') \
        FROM case_incident ci JOIN incident i ON i.id = ci.incident_id WHERE ci.case_id = c.id), \
     c.seen_at, (SELECT display_name FROM staff WHERE id = c.seen_by)";

pub(super) const CASE_FROM: &str =
    "FROM escalation_case c JOIN customer cu ON cu.id = c.customer_id \
     LEFT JOIN staff s ON s.id = c.assigned_to";

pub(super) fn case_row(r: &Row) -> CaseSummary {
    let reason: String = r.get(3);
    let waiting: String = r.get(7);
    CaseSummary {
        id: r.get(0),
        customer_id: r.get(1),
        customer_name: r.get(2),
        reason: CaseReason::parse(&reason).unwrap_or(CaseReason::Threshold),
        opened_at: r.get(4),
        incidents: r.get(11),
        assigned_to: r.get(5),
        assigned_to_id: r.get(6),
        waiting_for_confirmation: waiting == "confirmation",
        decision_id: r.get(8),
        note: r.get(9),
        version: r.get(10),
        seen_at: r.get(12),
        seen_by: r.get(13),
    }
}

fn cases_where(
    tx: &mut Tx<'_>,
    filter: &str,
    params: &[&(dyn ::postgres::types::ToSql + Sync)],
) -> TxResult<Vec<CaseSummary>> {
    // Cases opened in the same second in the order they were written, as SQLite's rowid.
    Ok(tx
        .query(
            &format!("SELECT {CASE_COLS} {CASE_FROM} WHERE {filter} ORDER BY c.opened_at, c.seq"),
            params,
        )?
        .iter()
        .map(case_row)
        .collect())
}

pub(super) fn case_in(tx: &mut Tx<'_>, id: Id) -> TxResult<Option<CaseSummary>> {
    Ok(cases_where(tx, "c.id = $1", &[&id])?.pop())
}

/// Escalation cases not yet closed, oldest first.
pub(super) fn open_in(tx: &mut Tx<'_>) -> TxResult<Vec<CaseSummary>> {
    cases_where(tx, "c.closed_at IS NULL", &[])
}

/// Every case about `customer`, open or closed, oldest first.
pub(super) fn all_for(tx: &mut Tx<'_>, customer: Id) -> TxResult<Vec<CaseSummary>> {
    cases_where(tx, "c.customer_id = $1", &[&customer])
}

pub(super) fn open_cases(s: &mut PgStore) -> Result<Vec<CaseSummary>> {
    s.read(open_in)
}

pub(super) fn case(s: &mut PgStore, case: Id) -> Result<Option<CaseSummary>> {
    s.read(|tx| case_in(tx, case))
}

pub(super) fn open_cases_for(s: &mut PgStore, customer: Id) -> Result<Vec<CaseSummary>> {
    s.read(|tx| {
        cases_where(
            tx,
            "c.customer_id = $1 AND c.closed_at IS NULL",
            &[&customer],
        )
    })
}

/// A manager opened the case: record the first time, once. Returns whether this was the first.
pub(super) fn mark_case_seen(s: &mut PgStore, actor: &Actor, case: Id) -> Result<bool> {
    // Read first: a write, even one that changes nothing, is not made when it is recorded.
    if s.read(|tx| case_in(tx, case))?
        .is_some_and(|c| c.seen_at.is_some())
    {
        return Ok(false);
    }
    s.write_as(actor, Role::can_decide, "open cases", |tx| {
        let me = crate::store::rules::incidents::staff_of(actor)?;
        let n = tx.execute(
            "UPDATE escalation_case SET seen_at = $2, seen_by = $3 \
             WHERE id = $1 AND seen_at IS NULL",
            &[&case, &whole_seconds(Utc::now()), &me.id],
        )?;
        Ok(n > 0)
    })
}

pub(super) fn assign_case(
    s: &mut PgStore,
    actor: &Actor,
    case: Id,
    to: Option<Id>,
    expected_version: i64,
) -> Result<()> {
    s.write_as(actor, Role::can_decide, "assign cases", |tx| {
        let current = case_in(tx, case)?;
        let staff = super::staff::all_staff(tx, "active DESC, display_name")?;
        rules::assignable(current.as_ref(), expected_version, to, &staff)?;
        tx.execute(
            "UPDATE escalation_case SET assigned_to = $2, version = version + 1 WHERE id = $1",
            &[&case, &to],
        )?;
        audit(
            tx,
            actor,
            "assign case",
            "case",
            &case.to_string(),
            rules::assigned_json(current.and_then(|c| c.assigned_to_id)),
            rules::assigned_json(to),
        )?;
        Ok(())
    })
}

pub(super) fn customer_request(
    s: &mut PgStore,
    actor: &Actor,
    request: Id,
    customer: Id,
    note: &str,
) -> Result<Id> {
    s.write_as(
        actor,
        |_| true,
        "record a customer's request",
        |tx| rules::customer_request(&mut Request { tx, actor }, actor, request, customer, note),
    )
}

/// Recording a customer's request on the server (the steps of `rules::customer_request`).
struct Request<'a, 'b> {
    tx: &'a mut Tx<'b>,
    actor: &'a Actor,
}

impl rules::RequestSteps for Request<'_, '_> {
    type Error = PgTxError;

    fn recorded(&mut self, request: Id) -> TxResult<Option<Option<String>>> {
        Ok(self
            .tx
            .query_opt(
                "SELECT after FROM audit WHERE entity_id = $1 AND entity = 'request' LIMIT 1",
                &[&request.to_string()],
            )?
            .map(|r| r.get(0)))
    }

    fn merged(&mut self, customer: Id) -> TxResult<Option<bool>> {
        Ok(super::records::merged_state(self.tx, customer)?.map(|m| m.is_some()))
    }

    fn request_case(&mut self, customer: Id) -> TxResult<Id> {
        let reason = CaseReason::CustomerRequest;
        Ok(join(self.tx, self.actor, customer, reason, &[], Utc::now())?.case)
    }

    fn add_to_note(&mut self, case: Id, line: &str) -> TxResult<()> {
        self.tx.execute(
            "UPDATE escalation_case SET note = trim(note || chr(10) || $2), \
             version = version + 1 WHERE id = $1",
            &[&case, &line],
        )?;
        Ok(())
    }

    fn audit_request(&mut self, entity: &str, id: Id, after: String) -> TxResult<()> {
        let (actor, id) = (self.actor, id.to_string());
        Ok(audit(
            self.tx,
            actor,
            "customer request",
            entity,
            &id,
            None,
            Some(after),
        )?)
    }
}
