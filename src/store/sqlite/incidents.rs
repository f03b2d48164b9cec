//! Saving, withdrawing and re-homing incidents, and the escalation cases they open.

use super::audit::audit;
use super::cases::{close_case_because, join};
use super::errors::TxError;
use super::records::{self, history, incident_by_id, insert_customer, insert_incident};
use super::search_index::index_customer;
use super::values::parse_id;
use crate::domain::{Actor, CaseReason, CasesChanged, Id, NewIncident, Role};
use crate::policy::incident::{self, may_change, Change, SaveOutcome};
use crate::policy::rules::{self, AfterWithdrawal};
use crate::policy::Policy;
pub(super) use crate::store::rules::incidents::Run;
use crate::store::rules::incidents::{
    self as shared, cases_to_fold, joins_called_for, Correction, Link,
};
use crate::store::StoreError;
use crate::time;
use chrono::Utc;
use rusqlite::{params, OptionalExtension, Transaction};

pub(super) fn record(
    tx: &Transaction<'_>,
    actor: &Actor,
    policy: &Policy,
    inc: &NewIncident,
    when: incident::When,
) -> Result<SaveOutcome, TxError> {
    let staff = shared::staff_of(actor)?;
    let customer_id = inc.subject.customer_id();
    // Saved before (a replay from the outbox, or a second press of save): report, change nothing.
    if let Some(stored) = incident_by_id(tx, inc.id)? {
        if shared::stored_matches(&stored, policy, inc) {
            let h = light_history(tx, stored.customer_id)?;
            return Ok(incident::outcome(&h, inc.id, policy, true));
        }
        // It landed, and was changed since (a draft brought back after a crash whose save had
        // in fact landed, then edited): the changes are a correction of what landed, with the
        // escalation they call for, never silently dropped.
        shared::landed_and_changed(stored.customer_id, inc, stored.version)?;
        return amend(tx, actor, policy, inc, 1);
    }
    let now = Utc::now();
    let problems = incident::check_as(inc, policy, now, when);
    if let Some(p) = problems.first() {
        return Err(StoreError::Invalid(p.message.clone()).into());
    }
    match shared::new_subject(inc) {
        None => {
            let merged: Option<Option<String>> = tx
                .prepare_cached("SELECT merged_into FROM customer WHERE id = ?1")?
                .query_row([customer_id.to_string()], |r| r.get(0))
                .optional()?;
            shared::existing_subject(merged.map(|m| m.is_some()))?;
        }
        Some(new) => {
            if !customer_exists(tx, customer_id)? {
                let c = records::validate_new_customer(new)?;
                insert_customer(tx, &c)?;
                audit_customer(tx, actor, &c)?;
            }
        }
    }
    let harm = super::safety::resolve(tx, policy, inc)?;
    let row = shared::new_row(inc, staff, policy, harm, now);
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

/// Open, or add to, every case the escalation rules call for with this history
/// ([`joins_called_for`]), inside the current write transaction; `fresh` is the incident just
/// saved or corrected. Asking again changes nothing: an incident already in its case is not
/// added twice, and a case is only opened when none of that reason is open. Returns the
/// reasons of the cases it opened.
pub(super) fn open_cases_called_for(
    tx: &Transaction<'_>,
    actor: &Actor,
    policy: &Policy,
    h: &crate::domain::CustomerHistory,
    run: Run,
    fresh: Option<Id>,
) -> rusqlite::Result<Vec<CaseReason>> {
    let mut opened = Vec::new();
    for call in joins_called_for(h, policy, run, fresh, Utc::now()) {
        let joined = join(
            tx,
            actor,
            h.customer.id,
            call.reason,
            &call.incidents,
            call.since,
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
    let reason = shared::withdrawal_reason(reason)?;
    let staff = shared::staff_of(actor)?;
    let Some(stored) = incident_by_id(tx, incident)? else {
        return Err(StoreError::Missing("that incident".into()).into());
    };
    if let Some(w) = &stored.withdrawn {
        // This very withdrawal landed before (a replay from the outbox): nothing to change.
        shared::withdrawn_already(Some(w.reason.as_str()), &reason)?;
        return Ok(CasesChanged::default());
    }
    may_change(
        staff,
        stored.logged_by,
        &stored.logged_by_name,
        Change::Withdraw,
    )
    .map_err(StoreError::NotAllowed)?;
    let customer = stored.customer_id;
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
    let h = light_history(tx, customer)?;
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
    let merged: Option<Option<String>> = tx
        .prepare_cached("SELECT merged_into FROM customer WHERE id = ?1")?
        .query_row([visitor.to_string()], |r| r.get(0))
        .optional()?;
    let merged = merged.flatten().as_deref().map(parse_id).transpose()?;
    if let Link::Done = shared::link_check(visitor, customer, merged)? {
        return Ok(CasesChanged::default());
    }
    let v = history(tx, visitor)?;
    shared::link_parties(v.as_ref(), history(tx, customer)?.is_some())?;
    let Some(v) = v else {
        return Err(StoreError::Missing("that visitor's record".into()).into());
    };
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
    let open: Vec<(String, String, String, String)> = tx
        .prepare_cached(
            "SELECT id, reason, note, opened_at FROM escalation_case WHERE customer_id = ?1 \
             AND closed_at IS NULL AND waiting = ''",
        )?
        .query_map([customer.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (older, case, note) in cases_to_fold(open, visitors_cases) {
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
    let staff = shared::staff_of(actor)?;
    let Some(stored) = incident_by_id(tx, inc.id)? else {
        return Err(StoreError::Missing("that incident".into()).into());
    };
    may_change(
        staff,
        stored.logged_by,
        &stored.logged_by_name,
        Change::Correct,
    )
    .map_err(StoreError::NotAllowed)?;
    shared::not_withdrawn(stored.withdrawn.is_some())?;
    // Told apart when the versions differ: this very correction landed before (a replay from
    // the outbox, after a save whose answer was lost), or the person's own correction landed
    // and they changed it again after it was brought back.
    let (replay, last_by_me) = if stored.version == expected_version {
        (false, false)
    } else {
        let last_by: Option<Option<String>> = tx
            .prepare_cached(
                "SELECT staff_id FROM audit WHERE entity_id = ?1 AND action = 'correct incident' \
                 ORDER BY seq DESC LIMIT 1",
            )?
            .query_row([inc.id.to_string()], |r| r.get(0))
            .optional()?;
        (
            shared::stored_matches(&stored, policy, inc),
            last_by.flatten().as_deref() == Some(staff.id.to_string().as_str()),
        )
    };
    match shared::correction(stored.version, expected_version, replay, last_by_me)? {
        Correction::Go => {}
        Correction::AlreadySaved => {
            let h = light_history(tx, stored.customer_id)?;
            return Ok(incident::outcome(&h, inc.id, policy, true));
        }
        Correction::OnTop(version) => return amend(tx, actor, policy, inc, version),
    }
    let customer_id = stored.customer_id;
    shared::check_correction(inc, customer_id, policy)?;
    let before = shared::incident_in(history(tx, customer_id)?.as_ref(), inc.id)?;
    let harm = super::safety::resolve(tx, policy, inc)?;
    let row = shared::amended_row(&stored, inc, policy, harm.clone());
    tx.prepare_cached(
        "UPDATE incident SET occurred_at = ?2, channel = ?3, category = ?4, behaviours = ?5, \
         behaviour_other = ?6, response = ?7, reference = ?8, description = ?9, \
         immediate_threat = ?10, witnesses = ?11, distress = ?12, workload = ?13, \
         workload_note = ?14, hurt = ?15, hurt_staff = ?16, hurt_name = ?17, hurt_how = ?18, \
         riddor = ?19, riddor_ref = ?20, debrief = ?21, version = version + 1 WHERE id = ?1",
    )?
    .execute(params![
        inc.id.to_string(),
        time::to_db(row.occurred_at),
        row.channel,
        row.category,
        serde_json::to_string(&row.behaviours).unwrap_or_else(|_| "[]".into()),
        row.behaviour_other,
        row.response,
        row.reference,
        row.description,
        row.immediate_threat,
        row.witnesses,
        row.distress,
        row.workload,
        row.workload_note,
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
    let after = shared::incident_in(Some(&h), inc.id)?;
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
