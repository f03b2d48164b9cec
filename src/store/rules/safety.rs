//! Staff safety's rules: the member of staff hurt found on the staff list, who a debrief is
//! for, and what asking for or recording a debrief refuses. Each engine reads and writes rows.

use crate::domain::{Actor, Harm, Hurt, Id};
use crate::store::{Result, StoreError};
use crate::time;
use chrono::{DateTime, NaiveDate, Utc};

/// The safety answers as kept (`h`, from [`crate::policy::safety::as_stored`]) with the member
/// of staff hurt found on the staff list (`staff`: id, login, name): by id when the form knew
/// it, else by name or login (exactly, or the only one it starts). Someone not on the list is
/// refused, naming them.
pub fn hurt_staff_found(mut h: Harm, staff: &[(Id, String, String)]) -> Result<Harm> {
    if h.hurt != Hurt::Staff {
        return Ok(h);
    }
    let by_id = h.hurt_staff.and_then(|id| staff.iter().find(|s| s.0 == id));
    let want = h.hurt_name.to_lowercase();
    let found = by_id.or_else(|| {
        let exact: Vec<_> = staff
            .iter()
            .filter(|s| s.1.to_lowercase() == want || s.2.to_lowercase() == want)
            .collect();
        if let [one] = exact.as_slice() {
            return Some(*one);
        }
        let starts: Vec<_> = staff
            .iter()
            .filter(|s| !want.is_empty() && s.2.to_lowercase().starts_with(&want))
            .collect();
        match starts.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    });
    match found {
        Some((id, _, name)) => {
            h.hurt_staff = Some(*id);
            h.hurt_name = name.clone();
            Ok(h)
        }
        None => Err(StoreError::Invalid(format!(
            "Who was hurt: no one on the staff list is called \"{}\"; type their name as safedesk knows it, or choose another customer or visitor.",
            h.hurt_name
        ))),
    }
}

/// Who a debrief asked for on the form is for: the member of staff hurt, else whoever logged it.
pub fn debrief_for(h: &Harm, actor: &Actor) -> Option<(Option<Id>, String)> {
    if h.hurt == Hurt::Staff && h.hurt_staff.is_some() {
        return Some((h.hurt_staff, h.hurt_name.clone()));
    }
    actor
        .staff
        .as_ref()
        .map(|s| (Some(s.id), s.display_name.clone()))
}

/// A debrief is asked for by someone on the staff list: their id.
pub fn asker(actor: &Actor) -> Result<Id> {
    actor
        .staff
        .as_ref()
        .map(|s| s.id)
        .ok_or_else(|| StoreError::NotAllowed(actor.not_known_message()))
}

/// No debrief is asked for through safedesk after a withdrawn incident.
pub fn not_withdrawn(withdrawn: bool) -> Result<()> {
    if withdrawn {
        return Err(StoreError::Invalid(
            "That incident was withdrawn: ask your manager for a debrief in person.".into(),
        ));
    }
    Ok(())
}

/// What the debrief's case says in the queue.
pub fn debrief_note(staff_name: &str, occurred: Option<DateTime<Utc>>) -> String {
    let when = occurred.map(time::date_time).unwrap_or_default();
    format!("Debrief for {staff_name} after the incident of {when}")
}

/// A debrief is recorded as held on a day that has come.
pub fn held_on_not_future(on: NaiveDate) -> Result<()> {
    if on > time::london_date(Utc::now()) {
        return Err(StoreError::Invalid(format!(
            "Debrief held on: {} is in the future; give the date it was held.",
            time::date(on)
        )));
    }
    Ok(())
}

/// Why a case has no debrief still wanted: `held` when its debrief was already held.
pub fn no_debrief_wanted(held: bool) -> StoreError {
    if held {
        StoreError::Invalid("That debrief is already recorded as held.".into())
    } else {
        StoreError::Invalid("That case is not a debrief request.".into())
    }
}

/// What the audit trail keeps of a debrief asked for.
pub fn requested_entry(incident: Id, case: Id, staff_name: &str) -> String {
    serde_json::json!({ "incident": incident, "case": case, "staff": staff_name }).to_string()
}

/// What the audit trail keeps of a debrief held.
pub fn held_entry(case: Id, on: NaiveDate, by: &str) -> String {
    serde_json::json!({ "case": case, "held_on": time::date_to_db(on), "by": by }).to_string()
}
