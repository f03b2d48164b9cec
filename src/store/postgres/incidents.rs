//! Saving, withdrawing and re-homing incidents on the server, and the escalation cases they
//! open, as `sqlite/incidents.rs` (the decisions are `rules/incidents.rs`; opening and joining
//! cases is `cases.rs`). Every method is one write transaction holding the write lock, so the
//! rules run on a history no other PC can change meanwhile.

use super::audit::audit;
use super::cases::{close_case_because, join, join_open};
use super::errors::TxResult;
use super::prelude::*;
use super::records::{
    self, customer_exists, histories, history_in, incident_row, insert_incident, merged_state,
    unindex_customer,
};
use super::safety::{ask_debrief, resolve};
use super::statements::Tx;
use crate::domain::{CaseReason, Incident};
use crate::policy::incident::{self, may_change, Change};
use crate::policy::rules::{self as policy_rules, AfterWithdrawal};
use crate::store::rules::incidents::{
    self as rules, cases_to_fold, joins_called_for, Correction, Link, Run,
};
use crate::store::rules::records::validate_new_customer;
use crate::store::rules::safety::debrief_for;
use crate::time::whole_seconds;
use ::postgres::types::Json;
use chrono::Utc;

pub(super) fn record_incident(
    s: &mut PgStore,
    actor: &Actor,
    _policy: &Policy,
    inc: &NewIncident,
) -> Result<SaveOutcome> {
    s.write_with_policy(actor, can_record, "record incidents", |tx, p| {
        record(tx, actor, p, inc, incident::When::Recent)
    })
}

pub(super) fn record_incidents(
    s: &mut PgStore,
    actor: &Actor,
    _policy: &Policy,
    incs: &[NewIncident],
) -> Result<Vec<SaveOutcome>> {
    s.write_with_policy(actor, can_record, "record incidents", |tx, p| {
        incs.iter()
            .map(|inc| record(tx, actor, p, inc, incident::When::History))
            .collect()
    })
}

pub(super) fn withdraw_incident(
    s: &mut PgStore,
    actor: &Actor,
    _policy: &Policy,
    incident: Id,
    reason: &str,
) -> Result<CasesChanged> {
    s.write_with_policy(
        actor,
        |_| true,
        "withdraw incidents",
        |tx, p| withdraw(tx, actor, p, incident, reason),
    )
}

pub(super) fn amend_incident(
    s: &mut PgStore,
    actor: &Actor,
    _policy: &Policy,
    amended: &NewIncident,
    expected_version: i64,
) -> Result<SaveOutcome> {
    s.write_with_policy(
        actor,
        |_| true,
        "correct incidents",
        |tx, p| amend(tx, actor, p, amended, expected_version),
    )
}

pub(super) fn link_visitor(
    s: &mut PgStore,
    actor: &Actor,
    _policy: &Policy,
    visitor: Id,
    customer: Id,
) -> Result<CasesChanged> {
    s.write_with_policy(
        actor,
        |_| true,
        "link records",
        |tx, p| link(tx, actor, p, visitor, customer),
    )
}

/// Reception and phone staff record incidents; so do managers and admins.
fn can_record(_role: Role) -> bool {
    true
}

/// One incident as stored, in full.
fn stored_incident(tx: &mut Tx<'_>, id: Id) -> TxResult<Option<Incident>> {
    let row = tx.query_opt(
        "SELECT i.id, i.customer_id, i.occurred_at, i.logged_at, i.logged_by, \
         coalesce(s.display_name, ''), i.channel, i.category, i.behaviours, i.behaviour_other, \
         i.response, i.reference, i.description, i.immediate_threat, i.witnesses, \
         i.withdrawn_at, i.withdrawn_by, i.withdrawn_reason, i.version, i.distress, i.workload, \
         i.workload_note, i.hurt, i.hurt_staff, i.hurt_name, i.hurt_how, i.riddor, \
         i.riddor_ref, i.debrief FROM incident i LEFT JOIN staff s ON s.id = i.logged_by \
         WHERE i.id = $1",
        &[&id],
    )?;
    Ok(row.as_ref().map(incident_row))
}

fn record(
    tx: &mut Tx<'_>,
    actor: &Actor,
    policy: &Policy,
    inc: &NewIncident,
    when: incident::When,
) -> TxResult<SaveOutcome> {
    let staff = rules::staff_of(actor)?;
    let customer_id = inc.subject.customer_id();
    // Saved before (a replay from the outbox, or a second press of save): report, change nothing.
    if let Some(stored) = stored_incident(tx, inc.id)? {
        if rules::stored_matches(&stored, policy, inc) {
            let h = light_history(tx, stored.customer_id)?;
            return Ok(incident::outcome(&h, inc.id, policy, true));
        }
        // It landed, and was changed since: a correction of what landed.
        rules::landed_and_changed(stored.customer_id, inc, stored.version)?;
        return amend(tx, actor, policy, inc, 1);
    }
    let now = Utc::now();
    let problems = incident::check_as(inc, policy, now, when);
    if let Some(p) = problems.first() {
        return Err(StoreError::Invalid(p.message.clone()).into());
    }
    match rules::new_subject(inc) {
        None => {
            let merged = merged_state(tx, customer_id)?;
            rules::existing_subject(merged.map(|m| m.is_some()))?;
        }
        Some(new) => {
            if !customer_exists(tx, customer_id)? {
                let c = validate_new_customer(new)?;
                records::add_new_customer(tx, actor, &c)?;
            }
        }
    }
    let harm = resolve(tx, policy, inc)?;
    let row = rules::new_row(inc, staff, policy, harm, now);
    insert_incident(tx, &row)?;
    // The member of staff affected asked for a debrief on the form: a case for a manager.
    if row.harm.debrief {
        if let Some(who) = debrief_for(&row.harm, actor) {
            ask_debrief(tx, actor, row.id, who)?;
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

/// Open, or add to, every case the escalation rules call for with this history, inside the
/// current write; returns the reasons of the cases it opened, and their ids.
fn open_cases_called_for(
    tx: &mut Tx<'_>,
    actor: &Actor,
    policy: &Policy,
    h: &CustomerHistory,
    run: Run,
    fresh: Option<Id>,
) -> TxResult<(Vec<CaseReason>, Vec<Id>)> {
    let mut opened = Vec::new();
    let mut ids = Vec::new();
    let calls = joins_called_for(h, policy, run, fresh, Utc::now());
    // The calls for cases open already, in one statement; then, in order, those that open one.
    let pairs: Vec<(CaseReason, &[Id])> = calls
        .iter()
        .map(|c| (c.reason, c.incidents.as_slice()))
        .collect();
    let joined_open = if calls.is_empty() {
        Vec::new()
    } else {
        join_open(tx, h.customer.id, &pairs)?
    };
    for call in calls.iter().filter(|c| !joined_open.contains(&c.reason)) {
        let joined = join(
            tx,
            actor,
            h.customer.id,
            call.reason,
            &call.incidents,
            call.since,
        )?;
        if joined.opened {
            ids.push(joined.case);
            if !opened.contains(&call.reason) {
                opened.push(call.reason);
            }
        }
    }
    Ok((opened, ids))
}

/// Open the cases the rules call for among customers loaded in bulk, each dated when its reason
/// arose; returns the cases opened.
pub(super) fn open_cases_for_bulk(
    tx: &mut Tx<'_>,
    actor: &Actor,
    policy: &Policy,
    bulk: &Bulk,
) -> TxResult<Vec<Id>> {
    let mut opened = Vec::new();
    for h in bulk.histories().values() {
        opened.extend(open_cases_called_for(tx, actor, policy, h, Run::Bulk, None)?.1);
    }
    Ok(opened)
}

/// Load a whole world at once (demo data, benchmarks), then open the cases the rules call for,
/// each dated when its reason arose and counted as seen (loaded history was looked at long ago).
pub(super) fn bulk_load(s: &mut PgStore, actor: &Actor, _policy: &Policy, b: &Bulk) -> Result<()> {
    s.write_with_policy(
        actor,
        Role::can_manage_staff,
        "load data in bulk",
        |tx, policy| {
            for st in &b.staff {
                super::staff::insert_staff(tx, st)?;
            }
            for c in &b.customers {
                records::insert_customer(tx, c)?;
            }
            for i in &b.incidents {
                records::insert_incident(tx, i)?;
            }
            for d in &b.decisions {
                records::insert_decision(tx, d)?;
            }
            for r in &b.restrictions {
                records::insert_restriction(tx, r)?;
            }
            let author: Option<Id> = tx
                .query_opt(
                    "SELECT id FROM staff WHERE role IN ('manager', 'admin') ORDER BY role LIMIT 1",
                    &[],
                )?
                .map(|r| r.get(0));
            if let Some(author) = author {
                for l in &b.letters {
                    records::insert_letter(tx, l, author)?;
                }
            }
            let opened = open_cases_for_bulk(tx, actor, policy, b)?;
            // Cases in loaded history were looked at long ago: they do not alert.
            tx.execute(
                "UPDATE escalation_case SET seen_at = opened_at WHERE id = ANY($1) AND seen_at IS NULL",
                &[&opened],
            )?;
            audit(
                tx,
                actor,
                "bulk load",
                "database",
                "",
                None,
                Some(format!(
                    "{{\"customers\":{},\"incidents\":{}}}",
                    b.customers.len(),
                    b.incidents.len()
                )),
            )?;
            Ok(())
        },
    )
}

/// Run the escalation rules again for one customer whose incidents changed.
pub(super) fn reevaluate(
    tx: &mut Tx<'_>,
    actor: &Actor,
    policy: &Policy,
    customer: Id,
) -> TxResult<Vec<CaseReason>> {
    let h = light_history(tx, customer)?;
    Ok(open_cases_called_for(tx, actor, policy, &h, Run::Live, None)?.0)
}

/// What the escalation rules need of one customer, without the incidents' free text.
fn light_history(tx: &mut Tx<'_>, customer: Id) -> TxResult<CustomerHistory> {
    let c = Customer {
        id: customer,
        ..Customer::default()
    };
    Ok(histories(tx, vec![c], false)?
        .pop()
        .ok_or_else(|| StoreError::Missing("the customer just written".into()))?)
}

fn withdraw(
    tx: &mut Tx<'_>,
    actor: &Actor,
    policy: &Policy,
    incident: Id,
    reason: &str,
) -> TxResult<CasesChanged> {
    let reason = rules::withdrawal_reason(reason)?;
    let staff = rules::staff_of(actor)?;
    let Some(stored) = stored_incident(tx, incident)? else {
        return Err(StoreError::Missing("that incident".into()).into());
    };
    if let Some(w) = &stored.withdrawn {
        // This very withdrawal landed before (a replay from the outbox): nothing to change.
        rules::withdrawn_already(Some(w.reason.as_str()), &reason)?;
        return Ok(CasesChanged::default());
    }
    may_change(
        staff,
        stored.logged_by,
        &stored.logged_by_name,
        Change::Withdraw,
    )
    .map_err(StoreError::NotAllowed)?;
    tx.execute(
        "UPDATE incident SET withdrawn_at = $2, withdrawn_by = $3, withdrawn_reason = $4, \
         version = version + 1 WHERE id = $1",
        &[
            &incident,
            &whole_seconds(Utc::now()),
            &staff.display_name,
            &reason,
        ],
    )?;
    audit(
        tx,
        actor,
        "withdraw incident",
        "incident",
        &incident.to_string(),
        Some("{\"withdrawn\":false}".into()),
        Some(serde_json::json!({ "withdrawn": true, "reason": reason }).to_string()),
    )?;
    let h = light_history(tx, stored.customer_id)?;
    let mut changed = CasesChanged::default();
    // The open cases holding the incident (not one waiting for a letter: a decision answered it).
    let holding = tx.query(
        "SELECT c.id, c.reason FROM escalation_case c JOIN case_incident ci ON ci.case_id = c.id \
         WHERE ci.incident_id = $1 AND c.closed_at IS NULL AND c.waiting = '' \
         ORDER BY c.opened_at, c.seq",
        &[&incident],
    )?;
    for row in holding {
        let case: Id = row.get(0);
        let Some(reason) = CaseReason::parse(&row.get::<_, String>(1)) else {
            continue;
        };
        match policy_rules::after_withdrawal(reason, &h, policy) {
            AfterWithdrawal::Closes => {
                close_case_because(
                    tx,
                    actor,
                    case,
                    None,
                    Some("an incident in it was withdrawn: the rules no longer call for it"),
                )?;
                changed.closed.push(reason);
            }
            AfterWithdrawal::StaysOpen => {
                // A manager deciding on what they saw before is told it changed.
                tx.execute(
                    "UPDATE escalation_case SET version = version + 1 WHERE id = $1",
                    &[&case],
                )?;
                changed.kept.push(reason);
            }
        }
    }
    changed.opened = open_cases_called_for(tx, actor, policy, &h, Run::Live, None)?.0;
    Ok(changed)
}

/// Move everything recorded against an unidentified visitor to a customer, retire the
/// visitor's record, and run the rules again for the customer.
fn link(
    tx: &mut Tx<'_>,
    actor: &Actor,
    policy: &Policy,
    visitor: Id,
    customer: Id,
) -> TxResult<CasesChanged> {
    let merged = merged_state(tx, visitor)?.flatten();
    if let Link::Done = rules::link_check(visitor, customer, merged)? {
        return Ok(CasesChanged::default());
    }
    let v = history_in(tx, visitor)?;
    let customer_there = customer_exists(tx, customer)?;
    rules::link_parties(v.as_ref(), customer_there)?;
    let Some(v) = v else {
        return Err(StoreError::Missing("that visitor's record".into()).into());
    };
    let visitors_cases: Vec<Id> = tx
        .query(
            "SELECT id FROM escalation_case WHERE customer_id = $1",
            &[&visitor],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for sql in [
        "UPDATE incident SET customer_id = $2, version = version + 1 WHERE customer_id = $1",
        "UPDATE escalation_case SET customer_id = $2, version = version + 1 WHERE customer_id = $1",
        "UPDATE decision SET customer_id = $2, version = version + 1 WHERE customer_id = $1",
        "UPDATE restriction SET customer_id = $2, version = version + 1 WHERE customer_id = $1",
        "UPDATE letter SET customer_id = $2 WHERE customer_id = $1",
        "UPDATE customer SET merged_into = $2, version = version + 1 WHERE id = $1",
    ] {
        tx.execute(sql, &[&visitor, &customer])?;
    }
    // The visitor no longer turns up in searches.
    let seq: i64 = tx
        .query_one("SELECT seq FROM customer WHERE id = $1", &[&visitor])?
        .get(0);
    unindex_customer(tx, seq, &v.customer)?;
    let (vid, cid) = (visitor.to_string(), customer.to_string());
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

/// After a link the customer may hold two open cases for one reason: the newer joins the older
/// (its incidents, its note, who has it) and closes (which: [`cases_to_fold`]).
pub(super) fn merge_open_cases(
    tx: &mut Tx<'_>,
    actor: &Actor,
    customer: Id,
    visitors_cases: &[Id],
    when: &str,
) -> TxResult<()> {
    let open: Vec<(Id, String, String, chrono::DateTime<Utc>)> = tx
        .query(
            "SELECT id, reason, note, opened_at FROM escalation_case WHERE customer_id = $1 \
             AND closed_at IS NULL AND waiting = ''",
            &[&customer],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    for (older, case, note) in cases_to_fold(open, visitors_cases) {
        tx.execute(
            "INSERT INTO case_incident (case_id, incident_id) \
             SELECT $1, incident_id FROM case_incident WHERE case_id = $2 ON CONFLICT DO NOTHING",
            &[&older, &case],
        )?;
        tx.execute(
            "UPDATE escalation_case SET \
               note = CASE WHEN $3 = '' THEN note WHEN note = '' THEN $3 ELSE note || chr(10) || $3 END, \
               assigned_to = coalesce(assigned_to, (SELECT assigned_to FROM escalation_case WHERE id = $2)), \
               version = version + 1 WHERE id = $1",
            &[&older, &case, &note],
        )?;
        // A debrief asked for goes with its case, so holding the one left holds it.
        tx.execute(
            "UPDATE debrief SET case_id = $1 WHERE case_id = $2",
            &[&older, &case],
        )?;
        close_case_because(
            tx,
            actor,
            case,
            None,
            Some(&format!("merged into case {older} {when}")),
        )?;
    }
    Ok(())
}

fn amend(
    tx: &mut Tx<'_>,
    actor: &Actor,
    policy: &Policy,
    inc: &NewIncident,
    expected_version: i64,
) -> TxResult<SaveOutcome> {
    let staff = rules::staff_of(actor)?;
    let Some(stored) = stored_incident(tx, inc.id)? else {
        return Err(StoreError::Missing("that incident".into()).into());
    };
    may_change(
        staff,
        stored.logged_by,
        &stored.logged_by_name,
        Change::Correct,
    )
    .map_err(StoreError::NotAllowed)?;
    rules::not_withdrawn(stored.withdrawn.is_some())?;
    let (replay, last_by_me) = if stored.version == expected_version {
        (false, false)
    } else {
        let last = tx.query_opt(
            "SELECT staff_id FROM audit WHERE entity_id = $1 AND action = 'correct incident' \
             ORDER BY seq DESC LIMIT 1",
            &[&inc.id.to_string()],
        )?;
        (
            rules::stored_matches(&stored, policy, inc),
            last.and_then(|r| r.get::<_, Option<Id>>(0)) == Some(staff.id),
        )
    };
    let decided = rules::correction(stored.version, expected_version, replay, last_by_me)?;
    match decided {
        Correction::Go => {}
        Correction::AlreadySaved => {
            let h = light_history(tx, stored.customer_id)?;
            return Ok(incident::outcome(&h, inc.id, policy, true));
        }
        Correction::OnTop(version) => return amend(tx, actor, policy, inc, version),
    }
    let customer_id = stored.customer_id;
    rules::check_correction(inc, customer_id, policy)?;
    let before = rules::incident_in(history_in(tx, customer_id)?.as_ref(), inc.id)?;
    let harm = resolve(tx, policy, inc)?;
    let row = rules::amended_row(&stored, inc, policy, harm.clone());
    tx.execute(
        "UPDATE incident SET occurred_at = $2, channel = $3, category = $4, behaviours = $5, \
         behaviour_other = $6, response = $7, reference = $8, description = $9, \
         immediate_threat = $10, witnesses = $11, distress = $12, workload = $13, \
         workload_note = $14, hurt = $15, hurt_staff = $16, hurt_name = $17, hurt_how = $18, \
         riddor = $19, riddor_ref = $20, debrief = $21, version = version + 1 WHERE id = $1",
        &[
            &inc.id,
            &row.occurred_at,
            &row.channel,
            &row.category,
            &Json(&row.behaviours),
            &row.behaviour_other,
            &row.response,
            &row.reference,
            &row.description,
            &row.immediate_threat,
            &row.witnesses,
            &row.distress,
            &row.workload,
            &row.workload_note,
            &harm.hurt.as_str(),
            &harm.hurt_staff,
            &harm.hurt_name,
            &harm.how,
            &harm.riddor.as_str(),
            &harm.riddor_ref,
            &harm.debrief,
        ],
    )?;
    // A debrief asked for in the correction (asking again while one is wanted changes nothing).
    if harm.debrief && !before.harm.debrief {
        if let Some(who) = debrief_for(&harm, actor) {
            ask_debrief(tx, actor, inc.id, who)?;
        }
    }
    let h =
        history_in(tx, customer_id)?.ok_or_else(|| StoreError::Missing("the customer".into()))?;
    let after = rules::incident_in(Some(&h), inc.id)?;
    audit(
        tx,
        actor,
        "correct incident",
        "incident",
        &inc.id.to_string(),
        Some(serde_json::to_string(&before).unwrap_or_default()),
        Some(serde_json::to_string(&after).unwrap_or_default()),
    )?;
    // A correction can make it urgent, or a breach: the queue must hear of it. A correction
    // never closes a case: a manager decides that.
    let outcome = incident::outcome(&h, inc.id, policy, false);
    open_cases_called_for(tx, actor, policy, &h, Run::Live, Some(inc.id))?;
    Ok(outcome)
}
