//! The letters the policy promises customers: what recording one, recording it sent, or saying
//! it could not be sent checks, and the list of those still owed.

use super::decisions::text;
use crate::domain::{Id, NewLetter, OwedLetter, SentHow};
use crate::store::{Result, StoreError};
use crate::time;
use chrono::{DateTime, NaiveDate, Utc};

/// What a letter names besides its customer, each checked to be about that customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    Decision,
    Incident,
    Review,
}

/// A letter naming a decision, incident or review of someone else (`owner`: whose it is, None
/// when it is not there) is refused.
pub fn same_customer(l: &NewLetter, names: Names, owner: Option<Id>) -> Result<()> {
    if owner == Some(l.customer_id) {
        return Ok(());
    }
    Err(StoreError::Invalid(
        match names {
            Names::Decision => {
                "That letter's decision is about someone else: produce it again from the case."
            }
            Names::Incident => {
                "That letter's incident is about someone else: produce it again from the card."
            }
            Names::Review => {
                "That letter's review is about someone else: produce it again from the card."
            }
        }
        .into(),
    ))
}

/// The audit entry of a letter produced.
pub fn produced_audit(l: &NewLetter) -> String {
    serde_json::json!({ "kind": l.kind, "file": l.file, "decision": l.decision_id }).to_string()
}

/// Why a letter printed with no postal address cannot be marked sent by post, and what to do.
pub fn no_postal_address(name: &str) -> String {
    format!(
        "This letter was printed with no postal address ({name} has none on record), so it cannot be marked sent by post. Add their address with c on their card and produce the letter again to post it, or record this one as sent by email or by hand."
    )
}

pub fn letter_gone() -> StoreError {
    StoreError::Missing("that letter is no longer in the database".into())
}

/// A letter as read, for recording it sent.
pub struct SentFacts {
    pub created_at: Option<DateTime<Utc>>,
    /// The address printed: None when made before addresses were kept (taken as addressed).
    pub address: Option<Vec<String>>,
    pub customer_name: String,
    /// When and how it was recorded sent before, if it was.
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_how: String,
}

/// What recording a letter sent on `on` does: None when it was recorded so before (a replay
/// from the outbox: nothing changes), else the time to keep (noon London time on the day, so
/// the date reads the same everywhere).
pub fn sent_at(f: &SentFacts, on: NaiveDate, how: SentHow) -> Result<Option<DateTime<Utc>>> {
    if how == SentHow::Post && f.address.as_ref().is_some_and(|a| a.is_empty()) {
        return Err(StoreError::Invalid(no_postal_address(&f.customer_name)));
    }
    let today = time::london_date(Utc::now());
    let made = f.created_at.map(time::london_date).unwrap_or(today);
    if on > today {
        return Err(StoreError::Invalid(
            "That date has not come yet: record the letter as sent on the day it goes.".into(),
        ));
    }
    if on < made {
        return Err(StoreError::Invalid(format!(
            "The letter was made on {}, so it cannot have been sent before then.",
            time::date(made)
        )));
    }
    let at = time::whole_seconds(time::london_at(on, 12, 0).unwrap_or_else(Utc::now));
    if f.sent_at == Some(at) && f.sent_how == how.as_str() {
        return Ok(None);
    }
    Ok(Some(at))
}

/// The audit entry's before and after for a letter recorded sent.
pub fn sent_audit(
    before: Option<DateTime<Utc>>,
    on: NaiveDate,
    how: SentHow,
) -> (Option<String>, String) {
    (
        before.map(|b| format!("{{\"sent_at\":\"{}\"}}", time::to_db(b))),
        serde_json::json!({ "sent_on": time::date_to_db(on), "how": how.as_str() }).to_string(),
    )
}

/// What saying a decision's written confirmation was not possible does (`status`: the
/// decision's letter status and note, None when it is not there): None when recorded so before
/// (nothing changes), else the reason to keep.
pub fn confirmation_not_possible(
    reason: &str,
    status: Option<(String, String)>,
) -> Result<Option<String>> {
    let reason = text(reason);
    if reason.is_empty() {
        return Err(StoreError::Invalid(
            "Give the reason written confirmation was not possible (for example: no address known)."
                .into(),
        ));
    }
    match status.as_ref().map(|(s, n)| (s.as_str(), n.as_str())) {
        Some(("not_possible", note)) if note == reason => Ok(None),
        None => Err(super::decisions::decision_gone()),
        Some(("sent", _)) => Err(StoreError::Conflict(
            "the letter for this decision has been recorded as sent already".into(),
        )),
        _ => Ok(Some(reason)),
    }
}

/// As [`confirmation_not_possible`], for a review's letter.
pub fn review_letter_not_possible(
    reason: &str,
    status: Option<(String, String)>,
) -> Result<Option<String>> {
    let reason = text(reason);
    if reason.is_empty() {
        return Err(StoreError::Invalid(
            "Give the reason the review's letter could not be sent (for example: no address known)."
                .into(),
        ));
    }
    match status.as_ref().map(|(s, n)| (s.as_str(), n.as_str())) {
        None => Err(StoreError::Missing(
            "that review is no longer in the database".into(),
        )),
        Some(("not_possible", note)) if note == reason => Ok(None),
        Some(("sent", _)) => Err(StoreError::Conflict(
            "the letter for this review has been recorded as sent already".into(),
        )),
        Some(("", _)) => Err(StoreError::Invalid(
            "This review owes no letter (it continued the restrictions as they were).".into(),
        )),
        _ => Ok(Some(reason)),
    }
}

/// The audit entry of a letter that could not be sent.
pub fn not_possible_audit(reason: &str) -> String {
    serde_json::json!({ "reason": reason }).to_string()
}

/// Letters owed, oldest first (then by name).
pub fn sort_owed(out: &mut [OwedLetter]) {
    out.sort_by(|a, b| {
        a.since
            .cmp(&b.since)
            .then_with(|| a.customer_name.cmp(&b.customer_name))
    });
}

/// The letter any member of staff may produce and record as sent: the reply to abusive
/// correspondence (the policy's first reply, made by whoever logged the correspondence).
pub const CORRESPONDENCE_REPLY: &str = "abusive_correspondence";

/// Who may produce a letter of this kind, and what the refusal calls it: the reply to abusive
/// correspondence belongs to whoever logged it; every other letter is a manager's.
pub fn who_produces(kind: &str) -> (bool, &'static str) {
    if kind == CORRESPONDENCE_REPLY {
        (true, "produce letters")
    } else {
        (
            false,
            "produce letters other than the reply to abusive correspondence",
        )
    }
}

/// As [`who_produces`], for recording a letter (of this kind, if it is there) as sent.
pub fn who_records_sent(kind: Option<&str>) -> (bool, &'static str) {
    if kind == Some(CORRESPONDENCE_REPLY) {
        (true, "record letters as sent")
    } else {
        (
            false,
            "record letters other than the reply to abusive correspondence as sent",
        )
    }
}
