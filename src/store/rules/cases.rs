//! Escalation cases as both engines decide them: taking one to assign, and a customer's own
//! request (for a review of a decision, or a complaint about it).

use crate::domain::{Actor, CaseSummary, Id, Staff};
use crate::store::{Result, StoreError};

/// A case to assign must be as the manager saw it (`expected_version`), and go to a manager
/// still working here (`to`, found among `staff`), or to no one.
pub fn assignable(
    current: Option<&CaseSummary>,
    expected_version: i64,
    to: Option<Id>,
    staff: &[Staff],
) -> Result<()> {
    let current = current
        .ok_or_else(|| StoreError::Missing("that case is no longer in the database".into()))?;
    if current.version != expected_version {
        return Err(StoreError::Conflict(format!(
            "the case about {} changed",
            current.customer_name
        )));
    }
    let Some(id) = to else {
        return Ok(());
    };
    match staff.iter().find(|s| s.id == id) {
        Some(s) if s.active && s.role.can_decide() => Ok(()),
        Some(s) => Err(StoreError::Invalid(format!(
            "{} cannot take a case: only managers still working here can.",
            s.display_name
        ))),
        None => Err(StoreError::Invalid(
            "That member of staff is not on safedesk's staff list.".into(),
        )),
    }
}

/// The audit entry's before or after of an assignment.
pub fn assigned_json(to: Option<Id>) -> Option<String> {
    to.map(|a| format!("{{\"assigned_to\":\"{a}\"}}"))
}

/// The case a request recorded before went to, from its audit entry's `after`.
pub fn request_case(after: Option<String>) -> Result<Id> {
    after
        .and_then(|a| serde_json::from_str::<serde_json::Value>(&a).ok())
        .and_then(|v| {
            v.get("case")
                .and_then(|c| c.as_str())
                .and_then(|c| Id::parse_str(c).ok())
        })
        .ok_or_else(|| StoreError::Other("a customer request's record is unreadable".into()))
}

/// What the customer asked for, as kept; none, or too long, is refused.
pub fn request_note(note: &str) -> Result<String> {
    let note = super::incidents::text(note);
    if note.is_empty() {
        return Err(StoreError::Invalid(
            "Say what the customer asked for (a review of the decision, or a complaint about it)."
                .into(),
        ));
    }
    if note.chars().count() > crate::policy::incident::MAX_TEXT {
        return Err(StoreError::Invalid(
            "That note is too long: shorten it (the most is 20 000 characters).".into(),
        ));
    }
    Ok(note)
}

/// The line added to the case's note for a request, made now by `who`.
pub fn request_line(who: &str, note: &str) -> String {
    format!(
        "{} ({who}): {note}",
        crate::time::date_time(chrono::Utc::now())
    )
}

/// A request is about a customer still in the database, not merged away (`merged`: whether
/// their record was merged; None: not there).
pub fn request_customer(merged: Option<bool>) -> Result<()> {
    if merged != Some(false) {
        return Err(StoreError::Missing(
            "that customer is no longer in the database; search for them again".into(),
        ));
    }
    Ok(())
}

/// The audit entries of a request: on the case, and the request's own (by its id).
pub fn request_audit(customer: Id, note: &str, request: Id, case: Id) -> (String, String) {
    (
        serde_json::json!({ "customer": customer, "note": note, "request": request }).to_string(),
        serde_json::json!({ "case": case }).to_string(),
    )
}

/// What recording a customer's request asks of an engine, inside its write transaction.
pub trait RequestSteps {
    type Error: From<StoreError>;
    /// The `after` of the request's own audit entry, if it was recorded before.
    fn recorded(&mut self, request: Id)
        -> std::result::Result<Option<Option<String>>, Self::Error>;
    /// Whether the customer's record was merged into another (None: not there).
    fn merged(&mut self, customer: Id) -> std::result::Result<Option<bool>, Self::Error>;
    /// The customer's open request case, opened now if there is none.
    fn request_case(&mut self, customer: Id) -> std::result::Result<Id, Self::Error>;
    /// Add `line` to the case's note, giving the case a new version.
    fn add_to_note(&mut self, case: Id, line: &str) -> std::result::Result<(), Self::Error>;
    /// A "customer request" audit entry about `entity` `id`.
    fn audit_request(
        &mut self,
        entity: &str,
        id: Id,
        after: String,
    ) -> std::result::Result<(), Self::Error>;
}

/// Record a customer's request (`request`, its id) on their open request case, on either
/// engine; returns the case.
pub fn customer_request<E: RequestSteps>(
    engine: &mut E,
    actor: &Actor,
    request: Id,
    customer: Id,
    note: &str,
) -> std::result::Result<Id, E::Error> {
    // Recorded before (a replay from the outbox): the case it went to, and nothing changes.
    if let Some(after) = engine.recorded(request)? {
        return Ok(request_case(after)?);
    }
    let note = request_note(note)?;
    request_customer(engine.merged(customer)?)?;
    let case = engine.request_case(customer)?;
    engine.add_to_note(case, &request_line(&actor.name(), &note))?;
    let (on_case, own) = request_audit(customer, &note, request, case);
    engine.audit_request("case", case, on_case)?;
    // The request's own record, by its id: the same request sent again is recognised.
    engine.audit_request("request", request, own)?;
    Ok(case)
}

/// The audit entry's after of a case opened.
pub fn opened_json(customer: Id, reason: crate::domain::CaseReason) -> String {
    format!(
        "{{\"customer\":\"{customer}\",\"reason\":\"{}\"}}",
        reason.as_str()
    )
}

/// The audit entry's after of a case closed.
pub fn closed_json(decision: Option<Id>, why: Option<&str>) -> String {
    match why {
        None => serde_json::json!({ "decision": decision }),
        Some(why) => serde_json::json!({ "decision": decision, "why": why }),
    }
    .to_string()
}
