//! Saving, withdrawing and re-homing incidents, and the escalation cases they open.

use super::audit::audit;
use super::cases::{close_case_because, join};
use super::errors::TxError;
use super::records::{self, history, insert_customer, insert_incident};
use super::search_index::index_customer;
use super::values::parse_id;
use crate::domain::{
    Actor, CaseReason, CasesChanged, Id, Incident, NewCustomer, NewIncident, Role, Subject,
};
use crate::policy::incident::{self, may_change, Change, SaveOutcome};
use crate::policy::rules::{self, AfterWithdrawal};
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
    when: incident::When,
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
        let landed_for = parse_id(&saved_for)?;
        if stored_matches(tx, policy, inc)? {
            let h = light_history(tx, landed_for)?;
            return Ok(incident::outcome(&h, inc.id, policy, true));
        }
        // It landed, and was changed since (a draft brought back after a crash whose save had
        // in fact landed, then edited): the changes are a correction of what landed, with the
        // escalation they call for, never silently dropped.
        if landed_for != customer_id {
            return Err(StoreError::Invalid(
                "This incident was already saved, about someone else than the form now names. A saved incident cannot be moved to another person here: withdraw it from that person's card, then log it again.".into(),
            )
            .into());
        }
        let version: i64 = tx
            .prepare_cached("SELECT version FROM incident WHERE id = ?1")?
            .query_row([inc.id.to_string()], |r| r.get(0))?;
        if version != 1 {
            return Err(StoreError::Conflict(
                "this incident was saved before and has been corrected since, so the changes made after it was brought back are not saved over that correction; look at it on the card and correct it there".into(),
            )
            .into());
        }
        return amend(tx, actor, policy, inc, 1);
    }
    let now = Utc::now();
    let problems = incident::check_as(inc, policy, now, when);
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
            address,
            postcode,
        } => {
            if !customer_exists(tx, *id)? {
                let c = records::validate_new_customer(NewCustomer {
                    id: Some(*id),
                    name: Some(name.clone()),
                    phones: vec![phone.clone()],
                    emails: vec![email.clone()],
                    address: address.clone(),
                    postcode: postcode.clone(),
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
        distress: inc.distress,
        // The effect on workloads is asked of demands only.
        workload: if policy.asks_workload(&inc.category) {
            inc.workload.clone()
        } else {
            String::new()
        },
        workload_note: if policy.asks_workload(&inc.category) {
            line(&inc.workload_note)
        } else {
            String::new()
        },
        harm: super::safety::resolve(tx, policy, inc)?,
        withdrawn: None,
        version: 1,
    };
    insert_incident(tx, &row)?;
    // The member of staff affected asked for a debrief on the form: a case for a manager.
    if row.harm.debrief {
        if let Some(who) = super::safety::debrief_for(&row.harm, actor) {
            super::safety::ask_debrief(tx, actor, row.id, who)?;
        }
    }
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
    open_cases_called_for(tx, actor, policy, &h, Run::Live, Some(inc.id))?;
    Ok(outcome)
}

/// How the rules are run: on one customer's history as it is now, after a save, a correction, a
/// link or a withdrawal (cases dated now; review cases are left to the queue, which opens them
/// for managers), or over data loaded in bulk (cases dated when their reason arose).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Run {
    Live,
    Bulk,
}

/// Open, or add to, every case the escalation rules call for with this history, inside the
/// current write transaction; `fresh` is the incident just saved or corrected, which calls for
/// its own case whatever was decided before. Asking again changes nothing: an incident already
/// in its case is not added twice, and a case is only opened when none of that reason is open.
/// Returns the reasons of the cases it opened.
pub(super) fn open_cases_called_for(
    tx: &Transaction<'_>,
    actor: &Actor,
    policy: &Policy,
    h: &crate::domain::CustomerHistory,
    run: Run,
    fresh: Option<Id>,
) -> rusqlite::Result<Vec<CaseReason>> {
    let now = Utc::now();
    let mut opened = Vec::new();
    let mut calls = fresh
        .map(|i| rules::cases_called_for_incident(h, i, policy))
        .unwrap_or_default();
    calls.extend(rules::cases_called_for(h, policy, now));
    for call in calls {
        if run == Run::Live && call.reason == CaseReason::ReviewDue {
            continue;
        }
        let since = match run {
            Run::Live => now,
            Run::Bulk => call.arose_at,
        };
        let joined = join(
            tx,
            actor,
            h.customer.id,
            call.reason,
            &call.incidents,
            since,
        )?;
        if joined.opened && !opened.contains(&call.reason) {
            opened.push(call.reason);
        }
    }
    Ok(opened)
}

/// Run the escalation rules again for one customer whose incidents changed (a correction, a
/// visitor's record linked to them, a withdrawal), inside the current write transaction, so a
/// customer the rules send to a manager always has a case.
pub(super) fn reevaluate(
    tx: &Transaction<'_>,
    actor: &Actor,
    policy: &Policy,
    customer: Id,
) -> Result<Vec<CaseReason>, TxError> {
    let h = light_history(tx, customer)?;
    Ok(open_cases_called_for(
        tx,
        actor,
        policy,
        &h,
        Run::Live,
        None,
    )?)
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

/// Withdraw an incident, then run the rules again for its customer: a threshold case that no
/// longer reaches the threshold closes; an immediate threat or a breach stays for a manager to
/// decide (see [`rules::after_withdrawal`](crate::policy::rules::after_withdrawal)).
pub(super) fn withdraw(
    tx: &Transaction<'_>,
    actor: &Actor,
    policy: &Policy,
    incident: Id,
    reason: &str,
) -> Result<CasesChanged, TxError> {
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
    let row: Option<(String, Option<String>, String, String)> = tx
        .prepare_cached(
            "SELECT i.logged_by, i.withdrawn_at, i.customer_id, coalesce(s.display_name, '') \
             FROM incident i LEFT JOIN staff s ON s.id = i.logged_by WHERE i.id = ?1",
        )?
        .query_row([incident.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let Some((logged_by, withdrawn, customer, logged_by_name)) = row else {
        return Err(StoreError::Missing("that incident".into()).into());
    };
    if withdrawn.is_some() {
        // This very withdrawal landed before (a replay from the outbox): nothing to change.
        let same: Option<String> = tx
            .prepare_cached("SELECT withdrawn_reason FROM incident WHERE id = ?1")?
            .query_row([incident.to_string()], |r| r.get(0))?;
        if same.as_deref() == Some(reason.as_str()) {
            return Ok(CasesChanged::default());
        }
        return Err(StoreError::Conflict("the incident was already withdrawn".into()).into());
    }
    may_change(
        staff,
        parse_id(&logged_by)?,
        &logged_by_name,
        Change::Withdraw,
    )
    .map_err(StoreError::NotAllowed)?;
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
    let h = light_history(tx, parse_id(&customer)?)?;
    let mut changed = CasesChanged::default();
    // The open cases holding the incident (not one waiting for a letter: a decision answered it).
    let holding: Vec<(String, String)> = tx
        .prepare_cached(
            "SELECT c.id, c.reason FROM escalation_case c JOIN case_incident ci ON ci.case_id = c.id \
             WHERE ci.incident_id = ?1 AND c.closed_at IS NULL AND c.waiting = '' ORDER BY c.opened_at",
        )?
        .query_map([incident.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (case, reason) in holding {
        let Some(reason) = CaseReason::parse(&reason) else {
            continue;
        };
        match rules::after_withdrawal(reason, &h, policy) {
            AfterWithdrawal::Closes => {
                close_case_because(
                    tx,
                    actor,
                    parse_id(&case)?,
                    None,
                    Some("an incident in it was withdrawn: the rules no longer call for it"),
                )?;
                changed.closed.push(reason);
            }
            AfterWithdrawal::StaysOpen => {
                // A manager deciding on what they saw before is told it changed.
                tx.prepare_cached(
                    "UPDATE escalation_case SET version = version + 1 WHERE id = ?1",
                )?
                .execute([&case])?;
                changed.kept.push(reason);
            }
        }
    }
    changed.opened = open_cases_called_for(tx, actor, policy, &h, Run::Live, None)?;
    Ok(changed)
}

/// Move everything recorded against an unidentified visitor to a customer, retire the
/// visitor's record, and run the rules again for the customer: the visitor's incidents may bring
/// them to the threshold, or make a breach of a restriction of theirs.
pub(super) fn link_visitor(
    tx: &Transaction<'_>,
    actor: &Actor,
    policy: &Policy,
    visitor: Id,
    customer: Id,
) -> Result<CasesChanged, TxError> {
    if visitor == customer {
        return Err(StoreError::Invalid("Choose a different customer to link to.".into()).into());
    }
    let merged: Option<Option<String>> = tx
        .prepare_cached("SELECT merged_into FROM customer WHERE id = ?1")?
        .query_row([visitor.to_string()], |r| r.get(0))
        .optional()?;
    match merged {
        // Linked already (a second press, or someone else on another PC): nothing to do.
        Some(Some(into)) if into == customer.to_string() => return Ok(CasesChanged::default()),
        Some(Some(_)) => {
            return Err(StoreError::Conflict(
                "that visitor's record was already linked to another customer".into(),
            )
            .into())
        }
        _ => {}
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
    let visitors_cases: Vec<String> = tx
        .prepare_cached("SELECT id FROM escalation_case WHERE customer_id = ?1")?
        .query_map([&vid], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
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
    merge_open_cases(
        tx,
        actor,
        customer,
        &visitors_cases,
        "when a visitor's record was linked",
    )?;
    Ok(CasesChanged {
        opened: reevaluate(tx, actor, policy, customer)?,
        ..CasesChanged::default()
    })
}

/// After a link the customer may hold two open cases for one reason, theirs and the visitor's:
/// the newer joins the older (its incidents, its note, who has it) and closes, so the queue
/// shows one case per reason. Opened in the same second, the customer's own is kept. `when`
/// says in the audit log why ("when a visitor's record was linked").
pub(super) fn merge_open_cases(
    tx: &Transaction<'_>,
    actor: &Actor,
    customer: Id,
    visitors_cases: &[String],
    when: &str,
) -> rusqlite::Result<()> {
    let mut open: Vec<(String, String, String, String)> = tx
        .prepare_cached(
            "SELECT id, reason, note, opened_at FROM escalation_case WHERE customer_id = ?1 \
             AND closed_at IS NULL AND waiting = ''",
        )?
        .query_map([customer.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    open.sort_by_key(|(id, _, _, opened)| {
        (opened.clone(), visitors_cases.contains(id), id.clone())
    });
    let mut kept: Vec<(String, String)> = Vec::new();
    for (case, reason, note, _) in open {
        let Some((older, _)) = kept.iter().find(|(_, r)| *r == reason) else {
            kept.push((case, reason));
            continue;
        };
        tx.prepare_cached(
            "INSERT OR IGNORE INTO case_incident (case_id, incident_id) \
             SELECT ?1, incident_id FROM case_incident WHERE case_id = ?2",
        )?
        .execute(params![older, case])?;
        tx.prepare_cached(
            "UPDATE escalation_case SET \
               note = CASE WHEN ?3 = '' THEN note WHEN note = '' THEN ?3 ELSE note || char(10) || ?3 END, \
               assigned_to = coalesce(assigned_to, (SELECT assigned_to FROM escalation_case WHERE id = ?2)), \
               version = version + 1 WHERE id = ?1",
        )?
        .execute(params![older, case, note])?;
        // A debrief asked for goes with its case, so holding the one left holds it.
        tx.prepare_cached("UPDATE debrief SET case_id = ?1 WHERE case_id = ?2")?
            .execute(params![older, case])?;
        close_case_because(
            tx,
            actor,
            parse_id(&case)?,
            None,
            Some(&format!("merged into case {older} {when}")),
        )?;
    }
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
    let row: Option<(String, String, i64, Option<String>, String)> = tx
        .prepare_cached(
            "SELECT i.customer_id, i.logged_by, i.version, i.withdrawn_at, \
             coalesce(s.display_name, '') \
             FROM incident i LEFT JOIN staff s ON s.id = i.logged_by WHERE i.id = ?1",
        )?
        .query_row([inc.id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    let Some((customer, logged_by, version, withdrawn, logged_by_name)) = row else {
        return Err(StoreError::Missing("that incident".into()).into());
    };
    may_change(
        staff,
        parse_id(&logged_by)?,
        &logged_by_name,
        Change::Correct,
    )
    .map_err(StoreError::NotAllowed)?;
    if withdrawn.is_some() {
        return Err(StoreError::Invalid(
            "That incident was withdrawn; it can no longer be corrected.".into(),
        )
        .into());
    }
    if version != expected_version {
        // This very correction landed before (a replay from the outbox, after a save whose
        // answer was lost): nothing to change.
        if version == expected_version + 1 && stored_matches(tx, policy, inc)? {
            let h = light_history(tx, parse_id(&customer)?)?;
            return Ok(incident::outcome(&h, inc.id, policy, true));
        }
        // The correction landed (its answer lost in a crash), and the person changed it again
        // after it was brought back: a further correction of their own, on top of it.
        let last_by: Option<Option<String>> = tx
            .prepare_cached(
                "SELECT staff_id FROM audit WHERE entity_id = ?1 AND action = 'correct incident' \
                 ORDER BY seq DESC LIMIT 1",
            )?
            .query_row([inc.id.to_string()], |r| r.get(0))
            .optional()?;
        if version == expected_version + 1
            && last_by.flatten().as_deref() == Some(staff.id.to_string().as_str())
        {
            return amend(tx, actor, policy, inc, version);
        }
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
    let harm = super::safety::resolve(tx, policy, inc)?;
    tx.prepare_cached(
        "UPDATE incident SET occurred_at = ?2, channel = ?3, category = ?4, behaviours = ?5, \
         behaviour_other = ?6, response = ?7, reference = ?8, description = ?9, \
         immediate_threat = ?10, witnesses = ?11, distress = ?12, workload = ?13, \
         workload_note = ?14, hurt = ?15, hurt_staff = ?16, hurt_name = ?17, hurt_how = ?18, \
         riddor = ?19, riddor_ref = ?20, debrief = ?21, version = version + 1 WHERE id = ?1",
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
        inc.distress,
        if policy.asks_workload(&inc.category) {
            inc.workload.as_str()
        } else {
            ""
        },
        if policy.asks_workload(&inc.category) {
            line(&inc.workload_note)
        } else {
            String::new()
        },
        harm.hurt.as_str(),
        harm.hurt_staff.map(|s| s.to_string()),
        harm.hurt_name,
        harm.how,
        harm.riddor.as_str(),
        harm.riddor_ref,
        harm.debrief,
    ])?;
    // A debrief asked for in the correction (asking again while one is wanted changes nothing).
    if harm.debrief && !before.harm.debrief {
        if let Some(who) = super::safety::debrief_for(&harm, actor) {
            super::safety::ask_debrief(tx, actor, inc.id, who)?;
        }
    }
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
    // A correction can make it urgent, or a breach (its time moved into a restriction): the
    // queue must hear of it. A correction never closes a case: a manager decides that.
    let outcome = incident::outcome(&h, inc.id, policy, false);
    open_cases_called_for(tx, actor, policy, &h, Run::Live, Some(inc.id))?;
    Ok(outcome)
}

/// Does the stored incident already say what `inc` says (as it would be stored)?
fn stored_matches(
    tx: &Transaction<'_>,
    policy: &Policy,
    inc: &NewIncident,
) -> Result<bool, TxError> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        bool,
        String,
    );
    let row: Option<Row> = tx
        .prepare_cached(
            "SELECT occurred_at, channel, category, behaviours, behaviour_other, response, \
             reference, description, immediate_threat, witnesses FROM incident WHERE id = ?1",
        )?
        .query_row([inc.id.to_string()], |r| TryFrom::try_from(r))
        .optional()?;
    let wanted: Row = (
        time::to_db(inc.occurred_at),
        inc.channel.clone(),
        inc.category.clone(),
        serde_json::to_string(&inc.behaviours).unwrap_or_else(|_| "[]".into()),
        line(&inc.behaviour_other),
        inc.response.clone(),
        line(&inc.reference),
        text(&inc.description),
        inc.immediate_threat,
        text(&inc.witnesses),
    );
    if row.as_ref() != Some(&wanted) {
        return Ok(false);
    }
    // And the safety answers, as they would be kept.
    let stored: (String, String, String, String, String, bool) = tx
        .prepare_cached(
            "SELECT hurt, hurt_name, hurt_how, riddor, riddor_ref, debrief FROM incident WHERE id = ?1",
        )?
        .query_row([inc.id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })?;
    let h = crate::policy::safety::as_stored(policy, inc);
    Ok(stored.0 == h.hurt.as_str()
        && (h.hurt == crate::domain::Hurt::Staff || stored.1 == h.hurt_name)
        && stored.2 == h.how
        && stored.3 == h.riddor.as_str()
        && stored.4 == h.riddor_ref
        && stored.5 == h.debrief)
}

/// Open the cases the rules call for among customers loaded in bulk (demo data, benchmarks),
/// each dated when its reason arose.
pub(super) fn open_cases_for_bulk(
    tx: &Transaction<'_>,
    actor: &Actor,
    policy: &Policy,
    bulk: &crate::domain::Bulk,
) -> Result<(), TxError> {
    for h in bulk.histories().values() {
        open_cases_called_for(tx, actor, policy, h, Run::Bulk, None)?;
    }
    Ok(())
}
