//! Escalation cases: opening one (or adding incidents to the one open for that reason) and
//! closing one. Saving incidents (`incidents.rs`) and decisions (`decisions.rs`) both use these.

use super::audit::audit;
use super::values::parse_id;
use crate::domain::{Actor, CaseReason, Id};
use crate::time;
use chrono::Utc;
use rusqlite::{params, OptionalExtension, Transaction};

/// Add incidents to the customer's open case for this reason, opening one if there is none.
/// A case that gains incidents gets a new version, so a manager deciding on what they saw is told.
pub(super) fn join_case(
    tx: &Transaction<'_>,
    actor: &Actor,
    customer: Id,
    reason: CaseReason,
    incidents: &[Id],
) -> rusqlite::Result<Id> {
    join_case_since(tx, actor, customer, reason, incidents, Utc::now())
}

/// As [`join_case`], for a case whose reason arose at `since` (data loaded in bulk).
pub(super) fn join_case_since(
    tx: &Transaction<'_>,
    actor: &Actor,
    customer: Id,
    reason: CaseReason,
    incidents: &[Id],
    since: chrono::DateTime<Utc>,
) -> rusqlite::Result<Id> {
    Ok(join(tx, actor, customer, reason, incidents, since)?.case)
}

/// The case incidents were added to, and whether it was opened for them.
pub(super) struct Joined {
    pub case: Id,
    pub opened: bool,
}

pub(super) fn join(
    tx: &Transaction<'_>,
    actor: &Actor,
    customer: Id,
    reason: CaseReason,
    incidents: &[Id],
    since: chrono::DateTime<Utc>,
) -> rusqlite::Result<Joined> {
    let open: Option<String> = tx
        .prepare_cached(
            "SELECT id FROM escalation_case WHERE customer_id = ?1 AND reason = ?2 AND closed_at IS NULL \
             AND waiting = ''",
        )?
        .query_row(params![customer.to_string(), reason.as_str()], |r| r.get(0))
        .optional()?;
    let opened = open.is_none();
    let case = match open {
        Some(id) => parse_id(&id)?,
        None => {
            let id = crate::domain::new_id();
            tx.prepare_cached(
                "INSERT INTO escalation_case (id, customer_id, reason, opened_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                id.to_string(),
                customer.to_string(),
                reason.as_str(),
                time::to_db(since)
            ])?;
            audit(
                tx,
                actor,
                "open case",
                "case",
                &id.to_string(),
                None,
                Some(crate::store::rules::cases::opened_json(customer, reason)),
            )?;
            id
        }
    };
    let mut link = tx.prepare_cached(
        "INSERT OR IGNORE INTO case_incident (case_id, incident_id) VALUES (?1, ?2)",
    )?;
    let mut added = 0;
    for i in incidents {
        added += link.execute(params![case.to_string(), i.to_string()])?;
    }
    if added > 0 {
        // A new threat or breach alerts every manager again, even if one opened the case.
        tx.prepare_cached(
            "UPDATE escalation_case SET version = version + 1, \
               seen_at = CASE WHEN reason IN ('immediate_threat', 'breach') THEN NULL ELSE seen_at END, \
               seen_by = CASE WHEN reason IN ('immediate_threat', 'breach') THEN NULL ELSE seen_by END \
             WHERE id = ?1",
        )?
        .execute([case.to_string()])?;
    }
    Ok(Joined { case, opened })
}

/// Close one case, answered by a decision (or by a review, with no decision).
pub(super) fn close_case(
    tx: &Transaction<'_>,
    actor: &Actor,
    case: Id,
    decision: Option<Id>,
) -> rusqlite::Result<()> {
    close_case_because(tx, actor, case, decision, None)
}

/// Close one case; `why` says, in the audit log, why a case closed with no decision (the rules
/// no longer call for it, or it was merged into another).
pub(super) fn close_case_because(
    tx: &Transaction<'_>,
    actor: &Actor,
    case: Id,
    decision: Option<Id>,
    why: Option<&str>,
) -> rusqlite::Result<()> {
    let staff = actor.staff.as_ref().map(|s| s.id.to_string());
    tx.prepare_cached(
        "UPDATE escalation_case SET closed_at = ?2, closed_by = ?3, \
         decision_id = coalesce(?4, decision_id), waiting = '', version = version + 1 WHERE id = ?1",
    )?
    .execute(params![
        case.to_string(),
        time::to_db(Utc::now()),
        staff,
        decision.map(|d| d.to_string())
    ])?;
    audit(
        tx,
        actor,
        "close case",
        "case",
        &case.to_string(),
        None,
        Some(crate::store::rules::cases::closed_json(decision, why)),
    )
}
