//! Staff safety: who was hurt on an incident of physical violence (a member of staff found on
//! the staff list), debriefs asked for and held (each a case in the manager's queue), and the
//! RIDDOR reports still owed.

use super::audit::audit;
use super::cases::close_case_because;
use super::errors::TxError;
use super::values::parse_id;
use crate::domain::{Actor, CaseReason, Debrief, Harm, Hurt, Id, NewIncident};
use crate::policy::Policy;
use crate::store::rules::safety as rules;
use crate::store::StoreError;
use crate::time;
use chrono::{NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

/// The safety answers as kept (see [`crate::policy::safety::as_stored`]), with the member of
/// staff hurt found on the staff list (`rules::safety::hurt_staff_found`).
pub(super) fn resolve(
    tx: &Transaction<'_>,
    policy: &Policy,
    inc: &NewIncident,
) -> Result<Harm, TxError> {
    let h = crate::policy::safety::as_stored(policy, inc);
    if h.hurt != Hurt::Staff {
        return Ok(h);
    }
    let staff: Vec<(Id, String, String)> = tx
        .prepare_cached("SELECT id, login, display_name FROM staff")?
        .query_map([], |r| {
            Ok((parse_id(&r.get::<_, String>(0)?)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rules::hurt_staff_found(h, &staff)?)
}

/// Who a debrief asked for on the form is for: the member of staff hurt, else whoever logged it.
pub(super) fn debrief_for(h: &Harm, actor: &Actor) -> Option<(Option<Id>, String)> {
    rules::debrief_for(h, actor)
}

/// Ask for a debrief after an incident for one member of staff: a "Debrief requested" case in
/// the manager's queue naming them and the incident. Asking again while one is still wanted
/// changes nothing (a replay from the outbox, or a second press): its case is returned.
pub(super) fn ask_debrief(
    tx: &Transaction<'_>,
    actor: &Actor,
    incident: Id,
    staff: (Option<Id>, String),
) -> Result<Id, TxError> {
    let me = rules::asker(actor)?;
    let row: Option<(String, String, Option<String>)> = tx
        .prepare_cached(
            "SELECT customer_id, occurred_at, withdrawn_at FROM incident WHERE id = ?1",
        )?
        .query_row([incident.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((customer, occurred, withdrawn)) = row else {
        return Err(StoreError::Missing("that incident".into()).into());
    };
    rules::not_withdrawn(withdrawn.is_some())?;
    let open: Option<String> = tx
        .prepare_cached(
            "SELECT case_id FROM debrief WHERE incident_id = ?1 AND staff_name = ?2 \
             AND held_on IS NULL",
        )?
        .query_row(params![incident.to_string(), staff.1], |r| r.get(0))
        .optional()?;
    if let Some(case) = open {
        return Ok(parse_id(&case)?);
    }
    let note = rules::debrief_note(&staff.1, time::from_db(&occurred));
    let case = crate::domain::new_id();
    let now = time::to_db(Utc::now());
    tx.prepare_cached(
        "INSERT INTO escalation_case (id, customer_id, reason, opened_at, note) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        case.to_string(),
        customer,
        CaseReason::DebriefRequested.as_str(),
        now,
        note
    ])?;
    tx.prepare_cached("INSERT INTO case_incident (case_id, incident_id) VALUES (?1, ?2)")?
        .execute(params![case.to_string(), incident.to_string()])?;
    let id = crate::domain::new_id();
    tx.prepare_cached(
        "INSERT INTO debrief (id, incident_id, case_id, staff_id, staff_name, requested_at, \
         requested_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id.to_string(),
        incident.to_string(),
        case.to_string(),
        staff.0.map(|s| s.to_string()),
        staff.1,
        now,
        me.to_string()
    ])?;
    let entry = rules::requested_entry(incident, case, &staff.1);
    audit(
        tx,
        actor,
        "request debrief",
        "debrief",
        &id.to_string(),
        None,
        Some(entry),
    )?;
    Ok(case)
}

/// A member of staff asks for a debrief after an incident, later than the form: for themself.
pub(super) fn request_debrief(
    tx: &Transaction<'_>,
    actor: &Actor,
    incident: Id,
) -> Result<Id, TxError> {
    let me = actor
        .staff
        .as_ref()
        .ok_or_else(|| StoreError::NotAllowed(actor.not_known_message()))?;
    ask_debrief(tx, actor, incident, (Some(me.id), me.display_name.clone()))
}

/// A manager held the debrief a case asks for, on `on`: recorded with their name, and the case
/// closes. A date in the future, or a case that is not a debrief still wanted, is refused.
pub(super) fn debrief_held(
    tx: &Transaction<'_>,
    actor: &Actor,
    case: Id,
    on: NaiveDate,
) -> Result<(), TxError> {
    let me = actor
        .staff
        .as_ref()
        .ok_or_else(|| StoreError::NotAllowed(actor.not_known_message()))?;
    rules::held_on_not_future(on)?;
    let ids: Vec<String> = tx
        .prepare_cached(
            "SELECT id FROM debrief WHERE case_id = ?1 AND held_on IS NULL \
             ORDER BY requested_at, id",
        )?
        .query_map([case.to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if ids.is_empty() {
        let held: Option<String> = tx
            .prepare_cached("SELECT held_on FROM debrief WHERE case_id = ?1")?
            .query_row([case.to_string()], |r| r.get(0))
            .optional()?
            .flatten();
        return Err(rules::no_debrief_wanted(held.is_some()).into());
    }
    for id in &ids {
        tx.prepare_cached("UPDATE debrief SET held_on = ?2, held_by = ?3 WHERE id = ?1")?
            .execute(params![id, time::date_to_db(on), me.id.to_string()])?;
        let entry = rules::held_entry(case, on, &me.display_name);
        audit(tx, actor, "debrief held", "debrief", id, None, Some(entry))?;
    }
    close_case_because(tx, actor, case, None, Some("debrief held"))?;
    Ok(())
}

/// The debriefs asked for after a customer's incidents, oldest first.
pub(super) fn debriefs_for(tx: &Transaction<'_>, customer: Id) -> rusqlite::Result<Vec<Debrief>> {
    tx.prepare_cached(
        "SELECT d.id, d.incident_id, d.case_id, d.staff_id, d.staff_name, d.requested_at, \
           coalesce(r.display_name, ''), d.held_on, h.display_name \
         FROM debrief d JOIN incident i ON i.id = d.incident_id \
         LEFT JOIN staff r ON r.id = d.requested_by LEFT JOIN staff h ON h.id = d.held_by \
         WHERE i.customer_id = ?1 ORDER BY d.requested_at, d.id",
    )?
    .query_map([customer.to_string()], |r| {
        Ok(Debrief {
            id: parse_id(&r.get::<_, String>(0)?)?,
            incident_id: parse_id(&r.get::<_, String>(1)?)?,
            case_id: parse_id(&r.get::<_, String>(2)?)?,
            staff_id: r
                .get::<_, Option<String>>(3)?
                .as_deref()
                .map(parse_id)
                .transpose()?,
            staff_name: r.get(4)?,
            requested_at: time::from_db(&r.get::<_, String>(5)?).unwrap_or_else(Utc::now),
            requested_by: r.get(6)?,
            held_on: r
                .get::<_, Option<String>>(7)?
                .as_deref()
                .and_then(time::date_from_db),
            held_by: r.get(8)?,
        })
    })?
    .collect()
}

/// How many incidents are reportable under RIDDOR with no reference recorded yet.
pub(super) fn riddor_owed(tx: &Transaction<'_>) -> rusqlite::Result<u64> {
    tx.prepare_cached(
        "SELECT count(*) FROM incident INDEXED BY incident_riddor_owed \
         WHERE riddor = 'yes' AND riddor_ref = '' AND withdrawn_at IS NULL",
    )?
    .query_row([], |r| r.get(0))
}
