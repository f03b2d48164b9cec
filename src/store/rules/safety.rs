//! Staff safety on an incident, as both engines decide it: finding the member of staff hurt on
//! the staff list, who a debrief is for, and the debrief case's note.

use crate::domain::{Actor, Harm, Hurt, Id};
use crate::store::{Result, StoreError};
use chrono::{DateTime, Utc};

/// The safety answers as kept (`h`, from [`crate::policy::safety::as_stored`]), with the
/// member of staff hurt found on the staff list (`staff`: id, login, name): by id when the form
/// knew it, else by name or login (exactly, or the only one it starts). Someone not on the list
/// is refused, naming them.
pub fn hurt_on_staff_list(mut h: Harm, staff: &[(Id, String, String)]) -> Result<Harm> {
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

/// A debrief is not asked for on a withdrawn incident.
pub fn debrief_possible(withdrawn: bool) -> Result<()> {
    if withdrawn {
        return Err(StoreError::Invalid(
            "That incident was withdrawn: ask your manager for a debrief in person.".into(),
        ));
    }
    Ok(())
}

/// The note of a debrief's case.
pub fn debrief_note(staff_name: &str, occurred: DateTime<Utc>) -> String {
    format!(
        "Debrief for {staff_name} after the incident of {}",
        crate::time::date_time(occurred)
    )
}
