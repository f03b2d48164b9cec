//! Saving, correcting and withdrawing incidents, as both engines decide it: the row an incident
//! is kept as, telling a replay from the outbox from a change made meanwhile, the sentences for
//! refusals, and which escalation cases the rules call for after a change (each engine opens or
//! joins them in its own SQL, in the same transaction).

use crate::domain::{CaseReason, CustomerHistory, Harm, Id, Incident, NewIncident, Staff, Subject};
use crate::policy::rules;
use crate::policy::Policy;
use crate::store::{Result, StoreError};
use chrono::{DateTime, Utc};

pub use super::decisions::{line, staff_of, text};

/// The workload answers as kept: asked of demands only.
pub fn workload(policy: &Policy, inc: &NewIncident) -> (String, String) {
    if policy.asks_workload(&inc.category) {
        (inc.workload.clone(), line(&inc.workload_note))
    } else {
        (String::new(), String::new())
    }
}

/// The row a new incident is kept as, logged now by `staff`, with the safety answers `harm`
/// (the member of staff hurt found on the staff list).
pub fn new_row(
    inc: &NewIncident,
    staff: &Staff,
    policy: &Policy,
    harm: Harm,
    now: DateTime<Utc>,
) -> Incident {
    let (workload, workload_note) = workload(policy, inc);
    Incident {
        id: inc.id,
        customer_id: inc.subject.customer_id(),
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
        workload,
        workload_note,
        harm,
        withdrawn: None,
        version: 1,
    }
}

/// The incident `inc` amends, as it will be kept (for comparing and writing), with `harm`.
pub fn amended_row(before: &Incident, inc: &NewIncident, policy: &Policy, harm: Harm) -> Incident {
    let (workload, workload_note) = workload(policy, inc);
    Incident {
        occurred_at: crate::time::whole_seconds(inc.occurred_at),
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
        workload,
        workload_note,
        harm,
        version: before.version + 1,
        ..before.clone()
    }
}

/// Does the stored incident already say what `inc` says (as it would be stored)?
pub fn stored_matches(stored: &Incident, policy: &Policy, inc: &NewIncident) -> bool {
    let h = crate::policy::safety::as_stored(policy, inc);
    stored.occurred_at == crate::time::whole_seconds(inc.occurred_at)
        && stored.channel == inc.channel
        && stored.category == inc.category
        && stored.behaviours == inc.behaviours
        && stored.behaviour_other == line(&inc.behaviour_other)
        && stored.response == inc.response
        && stored.reference == line(&inc.reference)
        && stored.description == text(&inc.description)
        && stored.immediate_threat == inc.immediate_threat
        && stored.witnesses == text(&inc.witnesses)
        && stored.harm.hurt == h.hurt
        && (h.hurt == crate::domain::Hurt::Staff || stored.harm.hurt_name == h.hurt_name)
        && stored.harm.how == h.how
        && stored.harm.riddor == h.riddor
        && stored.harm.riddor_ref == h.riddor_ref
        && stored.harm.debrief == h.debrief
}

/// An incident saved before (its id found) and changed since it was brought back: a correction
/// of what landed, if it may be (saved for the same person, and not corrected since).
pub fn landed_and_changed(landed_for: Id, inc: &NewIncident, version: i64) -> Result<()> {
    if landed_for != inc.subject.customer_id() {
        return Err(StoreError::Invalid(
            "This incident was already saved, about someone else than the form now names. A saved incident cannot be moved to another person here: withdraw it from that person's card, then log it again.".into(),
        ));
    }
    if version != 1 {
        return Err(StoreError::Conflict(
            "this incident was saved before and has been corrected since, so the changes made after it was brought back are not saved over that correction; look at it on the card and correct it there".into(),
        ));
    }
    Ok(())
}

/// An existing customer an incident is about must still be there, not merged into another:
/// `merged` is whether they were (None: not in the database).
pub fn existing_subject(merged: Option<bool>) -> Result<()> {
    match merged {
        None => Err(StoreError::Missing(
            "that customer is no longer in the database; search for them again".into(),
        )),
        Some(true) => Err(StoreError::Invalid(
            "that record was merged into another customer; search for them again".into(),
        )),
        Some(false) => Ok(()),
    }
}

/// The record a new person or an unidentified visitor named on the form is saved as, if the
/// form names one (None for an existing customer).
pub fn new_subject(inc: &NewIncident) -> Option<crate::domain::NewCustomer> {
    use crate::domain::NewCustomer;
    match &inc.subject {
        Subject::Existing { .. } => None,
        Subject::New {
            id,
            name,
            phone,
            email,
            address,
            postcode,
        } => Some(NewCustomer {
            id: Some(*id),
            name: Some(name.clone()),
            phones: vec![phone.clone()],
            emails: vec![email.clone()],
            address: address.clone(),
            postcode: postcode.clone(),
            ..NewCustomer::default()
        }),
        Subject::Unidentified { id, description } => Some(NewCustomer {
            id: Some(*id),
            description: description.clone(),
            ..NewCustomer::default()
        }),
    }
}

/// The reason given for withdrawing, as kept; none is refused.
pub fn withdrawal_reason(reason: &str) -> Result<String> {
    let reason = text(reason);
    if reason.is_empty() {
        return Err(StoreError::Invalid(
            "Give the reason for withdrawing the incident, for example \"logged against the wrong person\".".into(),
        ));
    }
    Ok(reason)
}

/// An incident withdrawn already: this very withdrawal landed before (a replay, nothing to
/// change: Ok), or someone else's (refused).
pub fn withdrawn_already(stored_reason: Option<&str>, reason: &str) -> Result<()> {
    if stored_reason == Some(reason) {
        Ok(())
    } else {
        Err(StoreError::Conflict(
            "the incident was already withdrawn".into(),
        ))
    }
}

/// What a correction shown at `expected` comes to, the incident being at `version` now.
pub enum Correction {
    /// Nothing changed meanwhile: correct it.
    Go,
    /// This very correction landed before (a replay): report, change nothing.
    AlreadySaved,
    /// The person's own correction landed (its answer lost) and they changed it again: a
    /// further correction on top of it, at `version`.
    OnTop(i64),
}

/// Decide a correction: `replay` whether the stored incident says what the correction says;
/// `last_by_me` whether the last correction was this person's (both asked only when the
/// versions differ).
pub fn correction(
    version: i64,
    expected: i64,
    replay: bool,
    last_by_me: bool,
) -> Result<Correction> {
    if version == expected {
        return Ok(Correction::Go);
    }
    if version == expected + 1 && replay {
        return Ok(Correction::AlreadySaved);
    }
    if version == expected + 1 && last_by_me {
        return Ok(Correction::OnTop(version));
    }
    Err(StoreError::Conflict(format!(
        "the incident was corrected by someone else (version {version}, you had {expected})"
    )))
}

/// A correction checked as the form checks a new incident, about the customer it is kept for;
/// the time may be as old as the original: it is judged against when it was logged.
pub fn check_correction(inc: &NewIncident, customer: Id, policy: &Policy) -> Result<()> {
    let mut check_me = inc.clone();
    check_me.subject = Subject::Existing {
        id: customer,
        name: String::new(),
    };
    let problems = crate::policy::incident::check(&check_me, policy, Utc::now());
    match problems.first() {
        Some(p) => Err(StoreError::Invalid(p.message.clone())),
        None => Ok(()),
    }
}

/// The incident `id` in a customer's history (a card as read), or the sentence for one gone.
pub fn incident_in(h: Option<&CustomerHistory>, id: Id) -> Result<Incident> {
    h.and_then(|h| h.incidents.iter().find(|i| i.id == id))
        .cloned()
        .ok_or_else(|| StoreError::Missing("that incident".into()))
}

/// A withdrawn incident can no longer be corrected.
pub fn not_withdrawn(withdrawn: bool) -> Result<()> {
    if withdrawn {
        return Err(StoreError::Invalid(
            "That incident was withdrawn; it can no longer be corrected.".into(),
        ));
    }
    Ok(())
}

/// How the rules are run: on one customer's history as it is now, after a save, a correction, a
/// link or a withdrawal (cases dated now; review cases are left to the queue, which opens them
/// for managers), or over data loaded in bulk (cases dated when their reason arose).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    Live,
    Bulk,
}

/// A case to open or join: its reason, the incidents it holds, and when it is dated.
pub struct Join {
    pub reason: CaseReason,
    pub incidents: Vec<Id>,
    pub since: DateTime<Utc>,
}

/// Every case the escalation rules call for with this history; `fresh` is the incident just
/// saved or corrected, which calls for its own case whatever was decided before.
pub fn joins_called_for(
    h: &CustomerHistory,
    policy: &Policy,
    run: Run,
    fresh: Option<Id>,
    now: DateTime<Utc>,
) -> Vec<Join> {
    let mut calls = fresh
        .map(|i| rules::cases_called_for_incident(h, i, policy))
        .unwrap_or_default();
    calls.extend(rules::cases_called_for(h, policy, now));
    calls
        .into_iter()
        .filter(|c| !(run == Run::Live && c.reason == CaseReason::ReviewDue))
        .map(|c| Join {
            reason: c.reason,
            since: match run {
                Run::Live => now,
                Run::Bulk => c.arose_at,
            },
            incidents: c.incidents,
        })
        .collect()
}

/// Linking an unidentified visitor's record into a customer: the checks, given whether the
/// visitor's record was merged (and into whom).
pub enum Link {
    /// Linked already into this customer (a second press): nothing to do.
    Done,
    Go,
}

pub fn link_check(visitor: Id, customer: Id, merged_into: Option<Id>) -> Result<Link> {
    if visitor == customer {
        return Err(StoreError::Invalid(
            "Choose a different customer to link to.".into(),
        ));
    }
    match merged_into {
        Some(into) if into == customer => Ok(Link::Done),
        Some(_) => Err(StoreError::Conflict(
            "that visitor's record was already linked to another customer".into(),
        )),
        None => Ok(Link::Go),
    }
}

/// The visitor's record must be an unidentified visitor's, and the customer must be there.
pub fn link_parties(visitor: Option<&CustomerHistory>, customer_there: bool) -> Result<()> {
    let v = visitor.ok_or_else(|| StoreError::Missing("that visitor's record".into()))?;
    if !v.customer.is_unidentified() {
        return Err(StoreError::Invalid(
            "Only an unidentified visitor's record can be linked into a customer.".into(),
        ));
    }
    if !customer_there {
        return Err(StoreError::Missing("that customer".into()));
    }
    Ok(())
}

/// After a link the customer may hold two open cases for one reason, theirs and the visitor's:
/// the newer joins the older. Given the open cases (id, reason, note, opened), and which were
/// the visitor's, the (older, newer, newer's note) to fold together, in order. Opened in the
/// same second, the customer's own is kept.
pub fn cases_to_fold<K: Clone + Ord + PartialEq, T: Ord + Clone>(
    mut open: Vec<(K, String, String, T)>,
    visitors: &[K],
) -> Vec<(K, K, String)> {
    open.sort_by_key(|(id, _, _, opened)| (opened.clone(), visitors.contains(id), id.clone()));
    let mut kept: Vec<(K, String)> = Vec::new();
    let mut out = Vec::new();
    for (case, reason, note, _) in open {
        match kept.iter().find(|(_, r)| *r == reason) {
            Some((older, _)) => out.push((older.clone(), case, note)),
            None => kept.push((case, reason)),
        }
    }
    out
}
