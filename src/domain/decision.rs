//! A manager's decisions: as recorded, as the decision form gives them, and what saving one did.

use super::ids::Id;
use super::letter::LetterStatus;
use super::restriction::NewRestriction;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What a manager decided after meeting the employee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// One or more of the policy's long-term actions, and/or access restrictions.
    Actions,
    NoFurtherAction,
    WithdrawalOfServices,
    /// Behaviour so extreme it posed an immediate threat: access restricted without warning.
    ImmediateRestriction,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Actions => "actions",
            Outcome::NoFurtherAction => "no_further_action",
            Outcome::WithdrawalOfServices => "withdrawal_of_services",
            Outcome::ImmediateRestriction => "immediate_restriction",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        [
            Outcome::Actions,
            Outcome::NoFurtherAction,
            Outcome::WithdrawalOfServices,
            Outcome::ImmediateRestriction,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }

    /// The letter a decision with this outcome owes, when it restricted someone.
    pub fn letter_kind(self) -> &'static str {
        match self {
            Outcome::WithdrawalOfServices => "withdrawal",
            Outcome::ImmediateRestriction => "immediate_confirmation",
            _ => "restriction_notice",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Actions => "Long-term actions",
            Outcome::NoFurtherAction => "No further action",
            Outcome::WithdrawalOfServices => "Withdrawal of services",
            Outcome::ImmediateRestriction => "Immediate restriction without warning",
        }
    }
}

/// A manager's decision: the record of the meeting the policy requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub id: Id,
    pub customer_id: Id,
    pub case_id: Option<Id>,
    pub decided_at: DateTime<Utc>,
    pub meeting_date: NaiveDate,
    pub attendees: String,
    pub outcome: Outcome,
    /// The internal notes: why, for staff. Never printed in a letter.
    pub reasons: String,
    /// The reasons in plain words for the customer, printed in the letter (empty on a decision
    /// recorded before safedesk kept them apart).
    pub reasons_for_customer: String,
    /// The incidents behind the decision: those of the case(s) it answered.
    pub incidents: Vec<Id>,
    pub decided_by: Id,
    pub decided_by_name: String,
    /// Access was restricted at once, without prior warning (an immediate threat).
    pub no_warning: bool,
    /// Were the police or another authority told? Recorded with an immediate restriction and
    /// after an incident of significant alarm or possible crime.
    pub police_told: Option<bool>,
    /// Which authority was told ("the police", "adult social care"); empty when none was.
    pub authority_told: String,
    /// The assessment of risk behind telling (or not telling) the police.
    pub risk_assessment: String,
    /// A withdrawal of services: the long-term actions tried first (policy ids)...
    pub tried_actions: Vec<String>,
    /// ...or why none of them was suitable.
    pub none_suitable: String,
    /// Reasonable adjustments considered before restricting (policy ids), others typed, and
    /// why they were or were not enough.
    pub adjustments: Vec<String>,
    pub adjustments_other: String,
    pub adjustments_why: String,
    /// Whether the letter this decision owes the customer has gone.
    pub letter: LetterStatus,
    /// Whether it needed a second person's approval, and what became of it.
    pub approval: Approval,
    /// Bumped on every change, so an approval made on what was shown is refused once it changed.
    pub version: i64,
}

impl Decision {
    /// Is it in force (or was it): it needed no approval, or it was approved.
    pub fn in_force(&self) -> bool {
        matches!(
            self.approval.status,
            ApprovalStatus::NotNeeded | ApprovalStatus::Approved
        )
    }
}

/// Where a decision stands with the second person's approval the policy asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    /// The policy asks no approval for it: in force when saved.
    #[default]
    NotNeeded,
    /// Saved, waiting for a second person: nothing of it is in force.
    Waiting,
    /// Approved by someone other than its author: in force since then.
    Approved,
    /// Turned down, with a reason: never in force.
    TurnedDown,
}

impl ApprovalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalStatus::NotNeeded => "",
            ApprovalStatus::Waiting => "waiting",
            ApprovalStatus::Approved => "approved",
            ApprovalStatus::TurnedDown => "turned_down",
        }
    }

    pub fn from_db(s: &str) -> ApprovalStatus {
        match s {
            "waiting" => ApprovalStatus::Waiting,
            "approved" => ApprovalStatus::Approved,
            "turned_down" => ApprovalStatus::TurnedDown,
            _ => ApprovalStatus::NotNeeded,
        }
    }
}

/// A decision's approval: where it stands, who answered and when, the reason a turned-down one
/// was turned down, and (while it waits or once turned down) what it would put in force.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Approval {
    pub status: ApprovalStatus,
    /// Who approved or turned it down, and when.
    pub by: Option<Id>,
    pub by_name: String,
    pub at: Option<DateTime<Utc>>,
    /// Why it was turned down (empty otherwise).
    pub note: String,
    /// What it restricts, and its review date, until it is in force (then they are restrictions).
    pub restrictions: Vec<NewRestriction>,
    pub review_date: Option<NaiveDate>,
}

/// A second person's answer to a decision waiting for approval: approve it (it comes into
/// force) or turn it down with a reason. `version` is the decision's version they were shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalAnswer {
    pub decision_id: Id,
    pub version: i64,
    pub approve: bool,
    /// Why it was turned down (required then); may note something when approving.
    #[serde(default)]
    pub reason: String,
}

/// What answering a decision's approval did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApprovalSaved {
    /// Answered so before by the same person (a replay): nothing changed.
    pub already_saved: bool,
    pub approved: bool,
    /// Restrictions that came into force.
    pub restrictions: usize,
    /// A letter is now owed to the customer.
    pub letter_owed: bool,
    /// The cases the decision answered, opened again for a new decision (turned down).
    pub cases_reopened: usize,
}

/// A manager's decision as the decision form gives it, before it is saved. Its id is made when
/// the form opens, so saving twice stores it once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDecision {
    pub id: Id,
    pub customer_id: Id,
    /// The escalation case being decided, and the version of it the manager was shown.
    pub case_id: Option<Id>,
    pub case_version: Option<i64>,
    /// The customer's other open cases the manager was shown with it, which the decision
    /// answers too (each with the version shown).
    #[serde(default)]
    pub also_closes: Vec<(Id, i64)>,
    /// The meeting between the employee and their manager (a Europe/London date).
    pub meeting_date: NaiveDate,
    pub attendees: String,
    pub outcome: Outcome,
    /// The internal notes, for staff only.
    pub reasons: String,
    /// The reasons for the customer, printed in the letter.
    #[serde(default)]
    pub reasons_for_customer: String,
    /// The actions, withdrawal of services and access restrictions decided.
    pub restrictions: Vec<NewRestriction>,
    pub review_date: Option<NaiveDate>,
    /// An immediate restriction, or a decision after an incident of significant alarm or
    /// possible crime: were the police or another authority told, which, and the assessment of
    /// risk behind it.
    pub police_told: Option<bool>,
    #[serde(default)]
    pub authority_told: String,
    pub risk_assessment: String,
    /// A withdrawal of services: the long-term actions tried first (policy ids), or why none
    /// was suitable (the policy withdraws services only when the actions are not appropriate or
    /// are exhausted).
    #[serde(default)]
    pub tried_actions: Vec<String>,
    #[serde(default)]
    pub none_suitable: String,
    /// A decision that restricts or withdraws: the reasonable adjustments considered first
    /// (policy ids), others typed, and why they were or were not enough. Required then.
    #[serde(default)]
    pub adjustments: Vec<String>,
    #[serde(default)]
    pub adjustments_other: String,
    #[serde(default)]
    pub adjustments_why: String,
}

/// What recording a decision did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DecisionSaved {
    /// It was saved before (a second press, a replay): nothing changed.
    pub already_saved: bool,
    pub restrictions: usize,
    pub cases_closed: usize,
    /// A letter is owed to the customer (anything was restricted).
    pub letter_owed: bool,
    /// An immediate restriction: its case stays open until the written confirmation is sent.
    pub confirmation_owed: bool,
    /// The policy asks a second person's approval: nothing is in force until then, and the
    /// decision waits in the manager's queue (what would need it, in the policy's words).
    pub waiting_for_approval: Option<String>,
}
