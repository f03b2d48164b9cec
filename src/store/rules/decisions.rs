//! The manager's decisions, approvals and reviews: what a save checks and what it writes,
//! worked out here from the facts each engine reads, so both refuse and keep alike.

use crate::domain::{
    new_id, ApprovalAnswer, CaseReason, CaseSummary, Id, Incident, NewDecision, NewRestriction,
    NewReview, Outcome, Restriction, RestrictionParams, ReviewOutcome, Staff,
};
use crate::policy::decision::{self as checks, DecisionContext, DecisionProblem};
use crate::policy::Policy;
use crate::store::{Result, StoreError};
use crate::text::sanitise_for_display;
use crate::time;
use chrono::{DateTime, NaiveDate, Utc};

/// One line as kept: nothing that could reach the terminal raw, trimmed.
pub fn line(s: &str) -> String {
    sanitise_for_display(s, false).trim().to_string()
}

/// Free text as kept (line breaks allowed), trimmed.
pub fn text(s: &str) -> String {
    sanitise_for_display(s, true).trim().to_string()
}

/// The member of staff acting; someone safedesk does not know is refused.
pub fn staff_of(actor: &crate::domain::Actor) -> Result<&Staff> {
    actor
        .staff
        .as_ref()
        .ok_or_else(|| StoreError::NotAllowed(actor.not_known_message()))
}

/// What a decision waiting for approval (or turned down) would put in force, as saved.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Pending {
    pub restrictions: Vec<NewRestriction>,
    pub review_date: Option<NaiveDate>,
}

/// The sentence for a customer no longer in the database (or merged into another).
pub fn customer_gone() -> StoreError {
    StoreError::Missing("that customer is no longer in the database; search for them again".into())
}

/// The sentence for a decision no longer in the database.
pub fn decision_gone() -> StoreError {
    StoreError::Missing("that decision is no longer in the database".into())
}

/// A new decision checked against the policy and the staff list before anything is read about
/// its cases: who may decide it, and its fields (`alarming`: the incidents of the cases it
/// answers, for the policy's `[alarm]`).
pub fn check_decision(
    d: &NewDecision,
    me: &Staff,
    policy: &Policy,
    staff: &[Staff],
    alarming: &[Incident],
) -> Result<()> {
    let kinds: Vec<&str> = d.restrictions.iter().map(|r| r.kind.as_str()).collect();
    policy
        .may_decide(me.role, d.outcome, &kinds)
        .map_err(StoreError::NotAllowed)?;
    let today = time::london_date(Utc::now());
    let ctx = decision_context(policy, alarming);
    let problems = checks::check(d, policy, staff, today, &ctx);
    if !problems.is_empty() {
        return Err(refuse(&problems));
    }
    Ok(())
}

/// The cases a decision answers: its own, then the others shown with it.
pub fn cases_answered(d: &NewDecision) -> Vec<Id> {
    let mut cases: Vec<Id> = d.case_id.into_iter().collect();
    for (other, _) in &d.also_closes {
        if !cases.contains(other) {
            cases.push(*other);
        }
    }
    cases
}

/// The incidents of significant alarm or possible crime among `incidents`, as dates in words.
fn decision_context(policy: &Policy, incidents: &[Incident]) -> DecisionContext {
    let mut alarm: Vec<(DateTime<Utc>, String)> = incidents
        .iter()
        .filter(|i| policy.is_alarming(i))
        .map(|i| (i.occurred_at, time::date(time::london_date(i.occurred_at))))
        .collect();
    alarm.sort();
    let mut words: Vec<String> = alarm.into_iter().map(|(_, w)| w).collect();
    words.dedup();
    DecisionContext { alarm: words }
}

pub fn refuse(problems: &[DecisionProblem]) -> StoreError {
    StoreError::Invalid(checks::summary(problems))
}

/// A decision on a case that is not as the manager saw it is refused: about someone else,
/// closed (`closed_by`: who closed it, when it is closed), waiting for its letter, holding a
/// decision waiting for approval, or changed since (`version`: the one shown).
pub fn case_as_shown(
    c: &CaseSummary,
    customer: Id,
    version: Option<i64>,
    closed_by: Option<String>,
) -> Result<()> {
    if c.customer_id != customer {
        return Err(StoreError::Invalid(
            "That case is about someone else: open the case again from the queue.".into(),
        ));
    }
    if let Some(by) = closed_by {
        return Err(StoreError::Conflict(format!(
            "the case about {} ({}) was already decided by {by}",
            c.customer_name,
            c.reason.label().to_lowercase()
        )));
    }
    if c.waiting_for_confirmation {
        return Err(StoreError::Conflict(format!(
            "the case about {} was already decided: it waits for its written confirmation",
            c.customer_name
        )));
    }
    if c.reason == CaseReason::Approval {
        return Err(StoreError::Invalid(format!(
            "The case about {} holds a decision waiting for a second person's approval: approve it or turn it down on the case; a new decision can be made once it is turned down.",
            c.customer_name
        )));
    }
    if version.is_some_and(|v| v != c.version) {
        return Err(StoreError::Conflict(format!(
            "the case about {} ({}) changed: a new incident, or it was reassigned",
            c.customer_name,
            c.reason.label().to_lowercase()
        )));
    }
    Ok(())
}

/// A restriction already in force (since `since`) is reviewed, not decided again.
pub fn already_in_force(policy: &Policy, kind: &str, since: DateTime<Utc>) -> StoreError {
    StoreError::Invalid(format!(
        "\"{}\" is already in force (since {}): untick it, or review the restrictions in force instead (r on the case).",
        policy.label_of(kind),
        time::date(time::london_date(since))
    ))
}

/// One decision waits for approval at a time (`by` made it at `at`).
pub fn one_waiting_at_a_time(by: &str, at: DateTime<Utc>) -> StoreError {
    StoreError::Invalid(format!(
        "A decision about this customer made by {by} on {} is waiting for approval: it must be approved or turned down (on its case in the queue) before another is made.",
        time::date(time::london_date(at))
    ))
}

/// A decision's row as kept, worked out from the form: what is kept of each field, whether its
/// letter is owed, and whether it waits for approval (with what it would put in force).
pub struct DecisionRow {
    pub attendees: String,
    pub reasons: String,
    pub no_warning: bool,
    pub risk_assessment: String,
    pub letter_status: &'static str,
    pub reasons_for_customer: String,
    pub authority_told: String,
    pub tried_actions: Vec<String>,
    pub none_suitable: String,
    pub adjustments: Vec<String>,
    pub adjustments_other: String,
    pub adjustments_why: String,
    pub approval: &'static str,
    pub pending: String,
    /// Why it waits for a second person's approval, in the policy's words.
    pub needs_approval: Option<String>,
}

pub fn decision_row(d: &NewDecision, policy: &Policy) -> DecisionRow {
    let kinds: Vec<&str> = d.restrictions.iter().map(|r| r.kind.as_str()).collect();
    let needs_approval = policy.approval_needed(d.outcome, &kinds);
    let withdrawal = d.outcome == Outcome::WithdrawalOfServices;
    DecisionRow {
        attendees: line(&d.attendees),
        reasons: text(&d.reasons),
        no_warning: d.outcome == Outcome::ImmediateRestriction,
        risk_assessment: text(&d.risk_assessment),
        letter_status: if d.restrictions.is_empty() || needs_approval.is_some() {
            ""
        } else {
            "owed"
        },
        reasons_for_customer: text(&d.reasons_for_customer),
        authority_told: if d.police_told == Some(true) {
            line(&d.authority_told)
        } else {
            String::new()
        },
        tried_actions: if withdrawal {
            d.tried_actions.clone()
        } else {
            Vec::new()
        },
        none_suitable: if withdrawal {
            text(&d.none_suitable)
        } else {
            String::new()
        },
        adjustments: d.adjustments.clone(),
        adjustments_other: line(&d.adjustments_other),
        adjustments_why: text(&d.adjustments_why),
        approval: if needs_approval.is_some() {
            "waiting"
        } else {
            ""
        },
        pending: if needs_approval.is_some() {
            serde_json::to_string(&Pending {
                restrictions: d.restrictions.clone(),
                review_date: d.review_date,
            })
            .unwrap_or_default()
        } else {
            String::new()
        },
        needs_approval,
    }
}

/// A restriction about to begin now, as kept: only the parameters its kind takes.
pub fn restriction_of(
    customer: Id,
    decision: Option<Id>,
    r: &NewRestriction,
    policy: &Policy,
    review: Option<NaiveDate>,
) -> Restriction {
    let kind = policy.restriction_kind(&r.kind);
    let params: &[String] = kind.map(|k| k.params()).unwrap_or(&[]);
    let has = |p: &str| params.iter().any(|x| x == p);
    let redirected = has("divert") && r.divert == crate::policy::REDIRECTED;
    let keep = |on: bool, v: String| if on { v } else { String::new() };
    Restriction {
        id: new_id(),
        customer_id: customer,
        decision_id: decision,
        kind: r.kind.clone(),
        // Only the parameters the kind takes are kept, so nothing stray reaches a banner.
        params: RestrictionParams {
            email: keep(has("contact"), line(&r.email)),
            phone: keep(has("contact"), line(&r.phone)),
            minutes: r.minutes.filter(|_| has("minutes")),
            staff_id: r.staff_id.filter(|_| has("staff")),
            staff_name: String::new(),
            third_party: keep(has("third_party"), line(&r.third_party)),
            scope: keep(has("scope"), r.scope.clone()),
            divert: keep(has("divert"), r.divert.clone()),
            redirect_to: keep(redirected, line(&r.redirect_to)),
            // Written the one way, so every banner reads the same.
            windows: keep(
                has("window"),
                crate::policy::window::parse(&r.windows)
                    .map(|w| crate::policy::window::words(&w))
                    .unwrap_or_else(|_| line(&r.windows)),
            ),
            date: r.date.filter(|_| has("date")),
            text: keep(has("text"), text(&r.text)),
            person: keep(has("person"), line(&r.person)),
            person_contact: keep(has("person"), line(&r.person_contact)),
        },
        starts_at: Utc::now(),
        review_due: review,
        ends_at: None,
        ended_reason: String::new(),
        version: 1,
    }
}

/// A decision's approval as read: enough to answer it.
pub struct ApprovalFacts {
    pub author: Id,
    pub author_name: String,
    /// '', 'waiting', 'approved' or 'turned_down'.
    pub status: String,
    pub answered_by: Option<Id>,
    /// Who answered it, as the staff list names them ('another manager' if not known).
    pub answered_by_name: String,
    pub version: i64,
    pub outcome: String,
    pub pending: String,
    pub customer_name: String,
}

/// What an answer to a decision's approval does, once it passes every check.
pub enum Answering {
    /// Answered so before by the same person (a replay from the outbox): nothing changes.
    AlreadySaved,
    /// Answer it: what it would put in force, its outcome, and the note kept.
    Answer {
        pending: Pending,
        outcome: Outcome,
        note: String,
    },
}

/// The checks on an answer to a decision's approval, in the order the person is told of them.
pub fn answering(
    f: &ApprovalFacts,
    a: &ApprovalAnswer,
    me: &Staff,
    policy: &Policy,
) -> Result<Answering> {
    let name = &f.customer_name;
    let answered = approval_word(a.approve);
    match f.status.as_str() {
        "waiting" => {}
        "" => {
            return Err(StoreError::Invalid(
                "That decision needed no approval: it has been in force since it was saved.".into(),
            ))
        }
        done => {
            if done == answered && f.answered_by == Some(me.id) {
                return Ok(Answering::AlreadySaved);
            }
            return Err(StoreError::Conflict(format!(
                "the decision about {name} was already {} by {}",
                if done == "approved" {
                    "approved"
                } else {
                    "turned down"
                },
                f.answered_by_name
            )));
        }
    }
    if f.author == me.id {
        return Err(StoreError::NotAllowed(format!(
            "You made this decision about {name}, so you cannot {} it: the policy asks a second person. Ask another manager or an admin to answer it.",
            if a.approve { "approve" } else { "turn down" }
        )));
    }
    if f.version != a.version {
        return Err(StoreError::Conflict(format!(
            "the decision about {name} changed since it was shown"
        )));
    }
    let pending: Pending = serde_json::from_str(&f.pending).unwrap_or_default();
    let outcome = Outcome::parse(&f.outcome).unwrap_or(Outcome::Actions);
    let kinds: Vec<&str> = pending
        .restrictions
        .iter()
        .map(|r| r.kind.as_str())
        .collect();
    policy
        .may_approve(me.role, outcome, &kinds)
        .map_err(StoreError::NotAllowed)?;
    let note = text(&a.reason);
    if !a.approve && note.is_empty() {
        return Err(StoreError::Invalid(format!(
            "Say why you are turning down the decision about {name}: {}, who made it, reads it.",
            f.author_name
        )));
    }
    Ok(Answering::Answer {
        pending,
        outcome,
        note,
    })
}

/// The approval column's word for an answer.
pub fn approval_word(approve: bool) -> &'static str {
    if approve {
        "approved"
    } else {
        "turned_down"
    }
}

/// A restriction that came into force while its decision waited cannot be approved again.
pub fn in_force_since_waiting(policy: &Policy, kind: &str, name: &str) -> StoreError {
    StoreError::Invalid(format!(
        "\"{}\" is already in force for {name} (another decision put it in force since): turn this decision down and review the restrictions in force instead.",
        policy.label_of(kind)
    ))
}

/// The audit entry's before and after for an answer.
pub fn approval_audit(
    a: &ApprovalAnswer,
    author_name: &str,
    me: &Staff,
    note: &str,
) -> (&'static str, String, String) {
    (
        if a.approve {
            "approve decision"
        } else {
            "turn down decision"
        },
        serde_json::json!({ "approval": "waiting", "decided_by": author_name }).to_string(),
        serde_json::json!({
            "approval": approval_word(a.approve),
            "decided_by": author_name,
            "answered_by": me.display_name,
            "note": note,
        })
        .to_string(),
    )
}

/// The audit entry of a case reopened because its decision was turned down.
pub fn reopened_audit(decision: Id) -> String {
    serde_json::json!({ "decision": decision, "why": "its decision was turned down" }).to_string()
}

/// A review checked against the policy and the staff list.
pub fn check_review(r: &NewReview, policy: &Policy, staff: &[Staff]) -> Result<()> {
    let today = time::london_date(Utc::now());
    let problems = checks::check_review(r, policy, staff, today);
    if !problems.is_empty() {
        return Err(refuse(&problems));
    }
    Ok(())
}

/// A reviewed restriction as read (None: not there): whose, when it ends, its version.
pub fn reviewed_as_shown(
    r: &NewReview,
    shown_version: i64,
    row: Option<(Id, Option<DateTime<Utc>>, i64)>,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some((customer, ends, current)) = row else {
        return Err(StoreError::Missing(
            "a reviewed restriction is no longer there".into(),
        ));
    };
    if customer != r.customer_id {
        return Err(StoreError::Invalid(
            "A reviewed restriction belongs to someone else: open the review again.".into(),
        ));
    }
    if ends.is_some_and(|e| time::whole_seconds(e) <= time::whole_seconds(now))
        || current != shown_version
    {
        return Err(StoreError::Conflict(
            "a restriction under review was reviewed, lifted or changed by someone else".into(),
        ));
    }
    Ok(())
}

/// What a review keeps on each restriction it covers, and how it is audited.
pub struct ReviewRow {
    /// Why a lifted or changed restriction ended ('' when continued).
    pub ended_reason: String,
    pub notes: String,
    pub reasons_for_customer: String,
    /// A review that lifts or changes restrictions tells the customer in writing.
    pub letter_status: &'static str,
    pub adjustments_other: String,
    pub adjustments_why: String,
    /// The audit action on each restriction.
    pub action: &'static str,
    /// The audit entry on each restriction.
    pub audit_after: String,
}

pub fn review_row(r: &NewReview) -> ReviewRow {
    ReviewRow {
        ended_reason: match r.outcome {
            ReviewOutcome::Lift => format!("Lifted at review: {}", line(&r.notes)),
            ReviewOutcome::Change => format!("Changed at review: {}", line(&r.notes)),
            ReviewOutcome::Continue => String::new(),
        },
        notes: text(&r.notes),
        reasons_for_customer: text(&r.reasons_for_customer),
        letter_status: if r.outcome == ReviewOutcome::Continue {
            ""
        } else {
            "owed"
        },
        adjustments_other: line(&r.adjustments_other),
        adjustments_why: text(&r.adjustments_why),
        action: match r.outcome {
            ReviewOutcome::Lift => "lift",
            ReviewOutcome::Continue => "continue",
            ReviewOutcome::Change => "end at review",
        },
        audit_after: serde_json::json!({ "review": r.id, "next_review": r.next_review, "notes": text(&r.notes) })
            .to_string(),
    }
}

/// The case a review was started from (`from`: whether it is open, and its reason): closed with
/// the review when it is a review or a customer's request for one; a breach, threshold or
/// immediate threat case is answered only by a decision on it, so it stays open (and the
/// review says so: the reason returned).
pub fn review_answers_case(from: Option<(bool, String)>) -> (bool, Option<CaseReason>) {
    match from {
        Some((true, reason)) => match CaseReason::parse(&reason) {
            Some(CaseReason::ReviewDue | CaseReason::CustomerRequest) => (true, None),
            other => (false, other),
        },
        _ => (false, None),
    }
}
