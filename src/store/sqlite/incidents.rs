//! Saving, withdrawing and re-homing incidents, and the escalation cases they open.

use super::audit::audit;
use super::errors::TxError;
use super::records::{self, history, insert_customer, insert_incident};
use super::search_index::index_customer;
use super::values::parse_id;
use crate::domain::{Actor, CaseReason, Id, Incident, NewCustomer, NewIncident, Role, Subject};
use crate::policy::incident::{self, SaveOutcome};
use crate::policy::Policy;
use crate::store::StoreError;
use crate::text::sanitise_for_display;
use crate::time;
use chrono::Utc;
use rusqlite::{params, OptionalExtension, Transaction};

fn line(s: &str) -> String {
    sanitise_for_display(s, false).trim().to_string()
}

fn text(s: &str) -> String {
    sanitise_for_display(s, true).trim().to_string()
}

pub(super) fn record(
    tx: &Transaction<'_>,
    actor: &Actor,
    policy: &Policy,
    inc: &NewIncident,
) -> Result<SaveOutcome, TxError> {
    let staff = actor
        .staff
        .as_ref()
        .ok_or_else(|| StoreError::NotAllowed(actor.not_known_message()))?;
    let customer_id = inc.subject.customer_id();
    // Saved before (a replay from the outbox, or a second press of save): report, change nothing.
    let existing: Option<String> = tx
        .prepare_cached("SELECT customer_id FROM incident WHERE id = ?1")?
        .query_row([inc.id.to_string()], |r| r.get(0))
        .optional()?;
    if let Some(saved_for) = existing {
        let h = light_history(tx, parse_id(&saved_for)?)?;
        return Ok(incident::outcome(&h, inc.id, policy, true));
    }
    let now = Utc::now();
    let problems = incident::check(inc, policy, now);
    if let Some(p) = problems.first() {
        return Err(StoreError::Invalid(p.message.clone()).into());
    }
    match &inc.subject {
        Subject::Existing { id, .. } => {
            let merged: Option<Option<String>> = tx
                .prepare_cached("SELECT merged_into FROM customer WHERE id = ?1")?
                .query_row([id.to_string()], |r| r.get(0))
                .optional()?;
            match merged {
                None => {
                    return Err(StoreError::Missing(
                        "that customer is no longer in the database; search for them again".into(),
                    )
                    .into())
                }
                Some(Some(_)) => {
                    return Err(StoreError::Invalid(
                        "that record was merged into another customer; search for them again"
                            .into(),
                    )
                    .into())
                }
                Some(None) => {}
            }
        }
        Subject::New {
            id,
            name,
            phone,
            email,
        } => {
            if !customer_exists(tx, *id)? {
                let c = records::validate_new_customer(NewCustomer {
                    id: Some(*id),
                    name: Some(name.clone()),
                    phones: vec![phone.clone()],
                    emails: vec![email.clone()],
                    ..NewCustomer::default()
                })?;
                insert_customer(tx, &c)?;
                audit_customer(tx, actor, &c)?;
            }
        }
        Subject::Unidentified { id, description } => {
            if !customer_exists(tx, *id)? {
                let c = records::validate_new_customer(NewCustomer {
                    id: Some(*id),
                    description: description.clone(),
                    ..NewCustomer::default()
                })?;
                insert_customer(tx, &c)?;
                audit_customer(tx, actor, &c)?;
            }
        }
    }
    let row = Incident {
        id: inc.id,
        customer_id,
        occurred_at: inc.occurred_at,
        logged_at: now,
        logged_by: staff.id,
        logged_by_name: staff.display_name.clone(),
        channel: inc.channel.clone(),
        category: inc.category.clone(),
        behaviours: inc.behaviours.clone(),
        behaviour_other: line(&inc.behaviour_other),
        response: inc.response.clone(),
        reference: line(&inc.reference),
        description: text(&inc.description),
        immediate_threat: inc.immediate_threat,
        witnesses: text(&inc.witnesses),
        withdrawn: None,
        version: 1,
    };
    insert_incident(tx, &row)?;
    audit(
        tx,
        actor,
        "log incident",
        "incident",
        &row.id.to_string(),
        None,
        Some(serde_json::to_string(&row).unwrap_or_default()),
    )?;
    let h = light_history(tx, customer_id)?;
    let outcome = incident::outcome(&h, inc.id, policy, false);
    escalate(tx, actor, &h, inc.id, &outcome)?;
    Ok(outcome)
}

/// Put the incident in the manager's queue when the rules say so: an immediate threat, a breach,
/// or the threshold reached (the case then holds every incident since the last decision; once it
/// is open, each new incident only adds itself).
fn escalate(
    tx: &Transaction<'_>,
    actor: &Actor,
    h: &crate::domain::CustomerHistory,
    incident: Id,
    outcome: &SaveOutcome,
) -> rusqlite::Result<()> {
    let customer = h.customer.id;
    if outcome.urgent {
        join_case(
            tx,
            actor,
            customer,
            CaseReason::ImmediateThreat,
            &[incident],
        )?;
    }
    if outcome.breach {
        join_case(tx, actor, customer, CaseReason::Breach, &[incident])?;
    }
    if outcome.reached() {
        let counted: Vec<Id> = if outcome.count == outcome.threshold {
            crate::policy::rules::incidents_since_last_decision(h)
                .iter()
                .map(|i| i.id)
                .collect()
        } else {
            vec![incident]
        };
        join_case(tx, actor, customer, CaseReason::Threshold, &counted)?;
    }
    Ok(())
}

/// What the escalation rules need of one customer, without the incidents' free text.
fn light_history(
    tx: &Transaction<'_>,
    customer: Id,
) -> Result<crate::domain::CustomerHistory, TxError> {
    let c = crate::domain::Customer {
        id: customer,
        ..crate::domain::Customer::default()
    };
    Ok(records::histories(tx, vec![c], false)?
        .pop()
        .ok_or_else(|| StoreError::Missing("the customer just written".into()))?)
}

fn customer_exists(tx: &Transaction<'_>, id: Id) -> rusqlite::Result<bool> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM customer WHERE id = ?1")?
        .query_row([id.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

fn audit_customer(
    tx: &Transaction<'_>,
    actor: &Actor,
    c: &crate::domain::Customer,
) -> rusqlite::Result<()> {
    audit(
        tx,
        actor,
        "add customer",
        "customer",
        &c.id.to_string(),
        None,
        Some(serde_json::to_string(c).unwrap_or_default()),
    )
}

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
    let open: Option<String> = tx
        .prepare_cached(
            "SELECT id FROM escalation_case WHERE customer_id = ?1 AND reason = ?2 AND closed_at IS NULL \
             AND waiting = ''",
        )?
        .query_row(params![customer.to_string(), reason.as_str()], |r| r.get(0))
        .optional()?;
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
                Some(format!(
                    "{{\"customer\":\"{customer}\",\"reason\":\"{}\"}}",
                    reason.as_str()
                )),
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
    Ok(case)
}

pub(super) fn withdraw(
    tx: &Transaction<'_>,
    actor: &Actor,
    incident: Id,
    reason: &str,
) -> Result<(), TxError> {
    let reason = text(reason);
    if reason.is_empty() {
        return Err(StoreError::Invalid(
            "Give the reason for withdrawing the incident, for example \"logged against the wrong person\".".into(),
        )
        .into());
    }
    let staff = actor
        .staff
        .as_ref()
        .ok_or_else(|| StoreError::NotAllowed(actor.not_known_message()))?;
    let row: Option<(String, Option<String>)> = tx
        .prepare_cached("SELECT logged_by, withdrawn_at FROM incident WHERE id = ?1")?
        .query_row([incident.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((logged_by, withdrawn)) = row else {
        return Err(StoreError::Missing("that incident".into()).into());
    };
    if withdrawn.is_some() {
        return Err(StoreError::Conflict("the incident was already withdrawn".into()).into());
    }
    if logged_by != staff.id.to_string() && !staff.role.can_decide() {
        return Err(StoreError::NotAllowed(
            "Only the person who logged an incident, or a manager, can withdraw it.".into(),
        )
        .into());
    }
    let now = time::to_db(Utc::now());
    tx.prepare_cached(
        "UPDATE incident SET withdrawn_at = ?2, withdrawn_by = ?3, withdrawn_reason = ?4, version = version + 1 WHERE id = ?1",
    )?
    .execute(params![incident.to_string(), now, staff.display_name, reason])?;
    audit(
        tx,
        actor,
        "withdraw incident",
        "incident",
        &incident.to_string(),
        Some("{\"withdrawn\":false}".into()),
        Some(serde_json::json!({ "withdrawn": true, "reason": reason }).to_string()),
    )?;
    Ok(())
}

pub(super) fn link_visitor(
    tx: &Transaction<'_>,
    actor: &Actor,
    visitor: Id,
    customer: Id,
) -> Result<(), TxError> {
    if visitor == customer {
        return Err(StoreError::Invalid("Choose a different customer to link to.".into()).into());
    }
    let v =
        history(tx, visitor)?.ok_or_else(|| StoreError::Missing("that visitor's record".into()))?;
    if !v.customer.is_unidentified() {
        return Err(StoreError::Invalid(
            "Only an unidentified visitor's record can be linked into a customer.".into(),
        )
        .into());
    }
    if history(tx, customer)?.is_none() {
        return Err(StoreError::Missing("that customer".into()).into());
    }
    let (vid, cid) = (visitor.to_string(), customer.to_string());
    for sql in [
        "UPDATE incident SET customer_id = ?2, version = version + 1 WHERE customer_id = ?1",
        "UPDATE escalation_case SET customer_id = ?2, version = version + 1 WHERE customer_id = ?1",
        "UPDATE decision SET customer_id = ?2, version = version + 1 WHERE customer_id = ?1",
        "UPDATE restriction SET customer_id = ?2, version = version + 1 WHERE customer_id = ?1",
        "UPDATE letter SET customer_id = ?2 WHERE customer_id = ?1",
        "UPDATE customer SET merged_into = ?2, version = version + 1 WHERE id = ?1",
    ] {
        tx.prepare_cached(sql)?.execute(params![vid, cid])?;
    }
    // The visitor no longer turns up in searches.
    let seq: i64 = tx.query_row("SELECT seq FROM customer WHERE id = ?1", [&vid], |r| {
        r.get(0)
    })?;
    let mut retired = v.customer.clone();
    retired.name = None;
    retired.description = String::new();
    retired.phones.clear();
    retired.emails.clear();
    retired.other_names.clear();
    index_customer(tx, seq, &retired)?;
    tx.prepare_cached("DELETE FROM customer_text WHERE rowid = ?1")?
        .execute([seq])?;
    audit(
        tx,
        actor,
        "link visitor to customer",
        "customer",
        &vid,
        Some(serde_json::json!({ "incidents": v.incidents.len(), "customer": vid }).to_string()),
        Some(serde_json::json!({ "merged_into": cid }).to_string()),
    )?;
    Ok(())
}

/// Reception and phone staff record incidents; so do managers and admins.
pub(super) fn can_record(_role: Role) -> bool {
    true
}

pub(super) fn amend(
    tx: &Transaction<'_>,
    actor: &Actor,
    policy: &Policy,
    inc: &NewIncident,
    expected_version: i64,
) -> Result<SaveOutcome, TxError> {
    let staff = actor
        .staff
        .as_ref()
        .ok_or_else(|| StoreError::NotAllowed(actor.not_known_message()))?;
    let row: Option<(String, String, i64, Option<String>)> = tx
        .prepare_cached(
            "SELECT customer_id, logged_by, version, withdrawn_at FROM incident WHERE id = ?1",
        )?
        .query_row([inc.id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let Some((customer, logged_by, version, withdrawn)) = row else {
        return Err(StoreError::Missing("that incident".into()).into());
    };
    if logged_by != staff.id.to_string() && !staff.role.can_decide() {
        return Err(StoreError::NotAllowed(
            "Only the person who logged an incident, or a manager, can correct it.".into(),
        )
        .into());
    }
    if withdrawn.is_some() {
        return Err(StoreError::Invalid(
            "That incident was withdrawn; it can no longer be corrected.".into(),
        )
        .into());
    }
    if version != expected_version {
        return Err(StoreError::Conflict(format!(
            "the incident was corrected by someone else (version {version}, you had {expected_version})"
        ))
        .into());
    }
    let customer_id = parse_id(&customer)?;
    let mut check_me = inc.clone();
    check_me.subject = Subject::Existing {
        id: customer_id,
        name: String::new(),
    };
    // The time may be as old as the original: judge it against when it was logged.
    let problems = incident::check(&check_me, policy, Utc::now());
    if let Some(p) = problems.first() {
        return Err(StoreError::Invalid(p.message.clone()).into());
    }
    let before = history(tx, customer_id)?
        .and_then(|h| h.incidents.into_iter().find(|i| i.id == inc.id))
        .ok_or_else(|| StoreError::Missing("that incident".into()))?;
    tx.prepare_cached(
        "UPDATE incident SET occurred_at = ?2, channel = ?3, category = ?4, behaviours = ?5, \
         behaviour_other = ?6, response = ?7, reference = ?8, description = ?9, \
         immediate_threat = ?10, witnesses = ?11, version = version + 1 WHERE id = ?1",
    )?
    .execute(params![
        inc.id.to_string(),
        time::to_db(inc.occurred_at),
        inc.channel,
        inc.category,
        serde_json::to_string(&inc.behaviours).unwrap_or_else(|_| "[]".into()),
        line(&inc.behaviour_other),
        inc.response,
        line(&inc.reference),
        text(&inc.description),
        inc.immediate_threat,
        text(&inc.witnesses),
    ])?;
    let h = history(tx, customer_id)?.ok_or_else(|| StoreError::Missing("the customer".into()))?;
    let after = h
        .incidents
        .iter()
        .find(|i| i.id == inc.id)
        .cloned()
        .ok_or_else(|| StoreError::Missing("that incident".into()))?;
    audit(
        tx,
        actor,
        "correct incident",
        "incident",
        &inc.id.to_string(),
        Some(serde_json::to_string(&before).unwrap_or_default()),
        Some(serde_json::to_string(&after).unwrap_or_default()),
    )?;
    // A correction can make it urgent (or a breach): the queue must hear of it.
    let outcome = incident::outcome(&h, inc.id, policy, false);
    escalate(tx, actor, &h, inc.id, &outcome)?;
    Ok(outcome)
}

/// Open the cases the rules call for among customers loaded in bulk (demo data, imports).
pub(super) fn open_cases_for_bulk(
    tx: &Transaction<'_>,
    actor: &Actor,
    policy: &Policy,
    bulk: &crate::domain::Bulk,
) -> Result<(), TxError> {
    use crate::policy::rules::{self, Escalation};
    let now = Utc::now();
    for h in bulk.histories().values() {
        for e in rules::escalations(h, policy, now) {
            match e {
                Escalation::ImmediateThreat { incident, at } => {
                    join_case_since(
                        tx,
                        actor,
                        h.customer.id,
                        CaseReason::ImmediateThreat,
                        &[incident],
                        at,
                    )?;
                }
                Escalation::Breach { incident, at } => {
                    join_case_since(
                        tx,
                        actor,
                        h.customer.id,
                        CaseReason::Breach,
                        &[incident],
                        at,
                    )?;
                }
                Escalation::ThresholdReached { threshold, .. } => {
                    let counted = rules::incidents_since_last_decision(h);
                    // The case opened when the incident that reached the threshold was logged.
                    let since = counted
                        .get(threshold.saturating_sub(1) as usize)
                        .map_or(now, |i| i.logged_at);
                    let ids: Vec<Id> = counted.iter().map(|i| i.id).collect();
                    join_case_since(tx, actor, h.customer.id, CaseReason::Threshold, &ids, since)?;
                }
                Escalation::ReviewDue { due, .. } => {
                    join_case_since(
                        tx,
                        actor,
                        h.customer.id,
                        CaseReason::ReviewDue,
                        &[],
                        time::london_midnight(due),
                    )?;
                }
            }
        }
    }
    Ok(())
}
