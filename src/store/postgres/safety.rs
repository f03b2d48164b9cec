//! Staff safety on the server (as `sqlite/safety.rs`; the rules are `rules/safety.rs`): who was
//! hurt found on the staff list, debriefs asked for and held (each a case in the manager's
//! queue), and the debriefs after a customer's incidents.

use super::audit::audit;
use super::errors::TxResult;
use super::prelude::*;
use super::statements::Tx;
use crate::domain::{CaseReason, Debrief, Harm, Hurt};
use crate::store::rules::safety as rules;
use crate::time;
use chrono::{DateTime, NaiveDate, Utc};

/// The safety answers as kept, with the member of staff hurt found on the staff list (for
/// recording an incident).
pub(super) fn resolve(tx: &mut Tx<'_>, policy: &Policy, inc: &NewIncident) -> TxResult<Harm> {
    let h = crate::policy::safety::as_stored(policy, inc);
    if h.hurt != Hurt::Staff {
        return Ok(h);
    }
    let staff: Vec<(Id, String, String)> = tx
        .query("SELECT id, login, display_name FROM staff", &[])?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    Ok(rules::hurt_staff_found(h, &staff)?)
}

/// Ask for a debrief after an incident for one member of staff: a "Debrief requested" case in
/// the manager's queue naming them and the incident. Asking again while one is still wanted
/// changes nothing: its case is returned.
pub(super) fn ask_debrief(
    tx: &mut Tx<'_>,
    actor: &Actor,
    incident: Id,
    staff: (Option<Id>, String),
) -> TxResult<Id> {
    let me = rules::asker(actor)?;
    let row = tx.query_opt(
        "SELECT customer_id, occurred_at, withdrawn_at FROM incident WHERE id = $1",
        &[&incident],
    )?;
    let Some(row) = row else {
        return Err(StoreError::Missing("that incident".into()).into());
    };
    let customer: Id = row.get(0);
    let occurred: DateTime<Utc> = row.get(1);
    rules::not_withdrawn(row.get::<_, Option<DateTime<Utc>>>(2).is_some())?;
    let open = tx.query_opt(
        "SELECT case_id FROM debrief WHERE incident_id = $1 AND staff_name = $2 \
         AND held_on IS NULL LIMIT 1",
        &[&incident, &staff.1],
    )?;
    if let Some(case) = open {
        return Ok(case.get(0));
    }
    let note = rules::debrief_note(&staff.1, Some(occurred));
    let case = crate::domain::new_id();
    let now = time::whole_seconds(Utc::now());
    tx.execute(
        "INSERT INTO escalation_case (id, customer_id, reason, opened_at, note) \
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &case,
            &customer,
            &CaseReason::DebriefRequested.as_str(),
            &now,
            &note,
        ],
    )?;
    tx.execute(
        "INSERT INTO case_incident (case_id, incident_id) VALUES ($1, $2)",
        &[&case, &incident],
    )?;
    let id = crate::domain::new_id();
    tx.execute(
        "INSERT INTO debrief (id, incident_id, case_id, staff_id, staff_name, requested_at, \
         requested_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[&id, &incident, &case, &staff.0, &staff.1, &now, &me],
    )?;
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
pub(super) fn request_debrief(s: &mut PgStore, actor: &Actor, incident: Id) -> Result<Id> {
    s.write_as(
        actor,
        |_| true,
        "ask for a debrief",
        |tx| {
            let me = actor
                .staff
                .as_ref()
                .ok_or_else(|| StoreError::NotAllowed(actor.not_known_message()))?;
            ask_debrief(tx, actor, incident, (Some(me.id), me.display_name.clone()))
        },
    )
}

/// A manager held the debrief a case asks for, on `on`: recorded with their name, and the case
/// closes. A date in the future, or a case that is not a debrief still wanted, is refused.
pub(super) fn debrief_held(s: &mut PgStore, actor: &Actor, case: Id, on: NaiveDate) -> Result<()> {
    s.write_as(actor, Role::can_decide, "record a debrief as held", |tx| {
        let me = actor
            .staff
            .as_ref()
            .ok_or_else(|| StoreError::NotAllowed(actor.not_known_message()))?;
        rules::held_on_not_future(on)?;
        let ids: Vec<Id> = tx
            .query(
                "SELECT id FROM debrief WHERE case_id = $1 AND held_on IS NULL \
                 ORDER BY requested_at, id",
                &[&case],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if ids.is_empty() {
            let held = tx
                .query_opt(
                    "SELECT held_on FROM debrief WHERE case_id = $1 LIMIT 1",
                    &[&case],
                )?
                .and_then(|r| r.get::<_, Option<NaiveDate>>(0));
            return Err(rules::no_debrief_wanted(held.is_some()).into());
        }
        for id in &ids {
            tx.execute(
                "UPDATE debrief SET held_on = $2, held_by = $3 WHERE id = $1",
                &[id, &on, &me.id],
            )?;
            let entry = rules::held_entry(case, on, &me.display_name);
            audit(
                tx,
                actor,
                "debrief held",
                "debrief",
                &id.to_string(),
                None,
                Some(entry),
            )?;
        }
        super::cases::close_case_because(tx, actor, case, None, Some("debrief held"))
    })
}

/// The debriefs asked for after a customer's incidents, oldest first.
pub(super) fn debriefs_for(s: &mut PgStore, customer: Id) -> Result<Vec<Debrief>> {
    s.read(|tx| {
        let rows = tx.query(
            "SELECT d.id, d.incident_id, d.case_id, d.staff_id, d.staff_name, d.requested_at, \
               coalesce(r.display_name, ''), d.held_on, h.display_name \
             FROM debrief d JOIN incident i ON i.id = d.incident_id \
             LEFT JOIN staff r ON r.id = d.requested_by LEFT JOIN staff h ON h.id = d.held_by \
             WHERE i.customer_id = $1 ORDER BY d.requested_at, d.id",
            &[&customer],
        )?;
        Ok(rows
            .iter()
            .map(|r| Debrief {
                id: r.get(0),
                incident_id: r.get(1),
                case_id: r.get(2),
                staff_id: r.get(3),
                staff_name: r.get(4),
                requested_at: r.get(5),
                requested_by: r.get(6),
                held_on: r.get(7),
                held_by: r.get(8),
            })
            .collect())
    })
}
