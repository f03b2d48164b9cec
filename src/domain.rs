//! What safedesk records: plain data shared by the policy rules, the store and the screens.
//!
//! Nothing here touches the database or the terminal. Ids are UUIDs made by the client, so an
//! entry written twice (for example replayed from the local outbox) is recognised as the same.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// A row id made by the client.
pub type Id = Uuid;

/// A new random id.
pub fn new_id() -> Id {
    Uuid::new_v4()
}

/// What a member of staff may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Reception,
    Phone,
    Manager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Reception, Role::Phone, Role::Manager, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reception => "reception",
            Role::Phone => "phone",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// Managers and admins decide, restrict and lift; the policy gives that to managers.
    pub fn can_decide(self) -> bool {
        matches!(self, Role::Manager | Role::Admin)
    }

    /// Only admins add staff and change roles.
    pub fn can_manage_staff(self) -> bool {
        self == Role::Admin
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A member of staff, mapped from the login they use on their PC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staff {
    pub id: Id,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
}

/// A customer, or an unidentified visitor (no name, a description instead).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Customer {
    pub id: Id,
    /// None for an unidentified visitor.
    pub name: Option<String>,
    pub other_names: Vec<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub postcode: String,
    /// Appearance, where and when seen: for a person whose name is not known.
    pub description: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    /// Bumped on every change, so two people editing at once never silently overwrite each other.
    pub version: i64,
}

impl Customer {
    /// The name to show: the customer's name, or "Unidentified visitor: <description>".
    pub fn display_name(&self) -> String {
        match &self.name {
            Some(n) if !n.trim().is_empty() => n.clone(),
            _ => {
                let d = self.description.trim();
                if d.is_empty() {
                    "Unidentified visitor".to_string()
                } else {
                    format!("Unidentified visitor: {d}")
                }
            }
        }
    }

    pub fn is_unidentified(&self) -> bool {
        self.name.as_deref().is_none_or(|n| n.trim().is_empty())
    }
}

/// An incident that was withdrawn (incidents are never deleted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Withdrawal {
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: String,
}

/// One unacceptable behaviour incident: an employee took an initial response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incident {
    pub id: Id,
    pub customer_id: Id,
    pub occurred_at: DateTime<Utc>,
    pub logged_at: DateTime<Utc>,
    pub logged_by: Id,
    /// Display name of whoever logged it (joined from staff).
    pub logged_by_name: String,
    /// Policy ids: channel, behaviour category, initial response, example behaviours.
    pub channel: String,
    pub category: String,
    pub behaviours: Vec<String>,
    pub behaviour_other: String,
    pub response: String,
    /// A police or security reference, where the response has one.
    pub reference: String,
    pub description: String,
    pub immediate_threat: bool,
    pub witnesses: String,
    pub withdrawn: Option<Withdrawal>,
    /// Bumped on every change, so two people correcting it at once never overwrite each other.
    pub version: i64,
}

impl Incident {
    /// Withdrawn incidents stay in the history but do not count.
    pub fn counts(&self) -> bool {
        self.withdrawn.is_none()
    }
}

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
    pub reasons: String,
    pub decided_by: Id,
    pub decided_by_name: String,
    /// Access was restricted at once, without prior warning (an immediate threat).
    pub no_warning: bool,
    /// Were the police told? Recorded with an immediate restriction.
    pub police_told: Option<bool>,
    /// The assessment of risk behind telling (or not telling) the police.
    pub risk_assessment: String,
    /// Whether the letter this decision owes the customer has gone.
    pub letter: LetterStatus,
}

/// The letter a decision owes the customer: the policy says a customer whose access is restricted
/// is told in writing ("where possible", after an immediate restriction).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum LetterStatus {
    /// Nothing restricted, so nothing owed.
    #[default]
    NotNeeded,
    Owed,
    Sent,
    /// Written confirmation was not possible; the reason is recorded.
    NotPossible {
        reason: String,
    },
}

impl LetterStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            LetterStatus::NotNeeded => "",
            LetterStatus::Owed => "owed",
            LetterStatus::Sent => "sent",
            LetterStatus::NotPossible { .. } => "not_possible",
        }
    }

    pub fn from_db(status: &str, note: &str) -> LetterStatus {
        match status {
            "owed" => LetterStatus::Owed,
            "sent" => LetterStatus::Sent,
            "not_possible" => LetterStatus::NotPossible {
                reason: note.to_string(),
            },
            _ => LetterStatus::NotNeeded,
        }
    }

    pub fn is_owed(&self) -> bool {
        *self == LetterStatus::Owed
    }
}

/// The parameters a restriction may carry; which ones apply depends on its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct RestrictionParams {
    pub email: String,
    pub phone: String,
    pub minutes: Option<u32>,
    pub staff_id: Option<Id>,
    /// Display name of the named member of staff (joined from staff).
    pub staff_name: String,
    pub third_party: String,
}

/// A long-term action, withdrawal of services or access restriction placed on a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Restriction {
    pub id: Id,
    pub customer_id: Id,
    pub decision_id: Option<Id>,
    /// A policy id: one of the actions, the withdrawal, or an access restriction.
    pub kind: String,
    pub params: RestrictionParams,
    pub starts_at: DateTime<Utc>,
    /// When the decision is to be reviewed (a date in Europe/London).
    pub review_due: Option<NaiveDate>,
    pub ends_at: Option<DateTime<Utc>>,
    pub ended_reason: String,
    /// Bumped on every change (a review, lifting), so two managers never overwrite each other.
    pub version: i64,
}

/// What a review decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewOutcome {
    /// Every reviewed restriction ends.
    Lift,
    /// They go on, with a new review date.
    Continue,
    /// Some end, others go on or begin.
    Change,
}

impl ReviewOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewOutcome::Lift => "lift",
            ReviewOutcome::Continue => "continue",
            ReviewOutcome::Change => "change",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewOutcome> {
        [
            ReviewOutcome::Lift,
            ReviewOutcome::Continue,
            ReviewOutcome::Change,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewOutcome::Lift => "Lifted",
            ReviewOutcome::Continue => "Continued",
            ReviewOutcome::Change => "Changed",
        }
    }
}

/// A review of a restriction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    pub id: Id,
    pub restriction_id: Id,
    pub reviewed_at: DateTime<Utc>,
    pub reviewed_by_name: String,
    /// Does the customer still want to use the services? None when it could not be found out.
    pub still_wants: Option<bool>,
    pub outcome: ReviewOutcome,
    pub next_review: Option<NaiveDate>,
    pub notes: String,
}

/// A letter produced for a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Letter {
    pub id: Id,
    pub customer_id: Id,
    /// The decision it tells the customer about, if any.
    pub decision_id: Option<Id>,
    pub kind: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_how: String,
    /// Where the letter was saved (Markdown; the printable HTML sits beside it).
    pub file: String,
}

/// Everything recorded about one customer: what the rules and the card work from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerHistory {
    pub customer: Customer,
    /// Oldest first.
    pub incidents: Vec<Incident>,
    /// Oldest first.
    pub decisions: Vec<Decision>,
    pub restrictions: Vec<Restriction>,
    pub letters: Vec<Letter>,
    /// Reviews of this customer's restrictions, oldest first.
    pub reviews: Vec<Review>,
}

impl CustomerHistory {
    /// A customer with nothing recorded yet.
    pub fn new(customer: Customer) -> CustomerHistory {
        CustomerHistory {
            customer,
            incidents: Vec::new(),
            decisions: Vec::new(),
            restrictions: Vec::new(),
            letters: Vec::new(),
            reviews: Vec::new(),
        }
    }
}

/// Who an incident is about, as the form knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Subject {
    /// A customer already on record.
    Existing { id: Id, name: String },
    /// A customer created with the incident, from what the person gave.
    New {
        id: Id,
        name: String,
        phone: String,
        email: String,
    },
    /// Someone whose name is not known: a description instead (appearance, where, when).
    Unidentified { id: Id, description: String },
}

impl Subject {
    pub fn customer_id(&self) -> Id {
        match self {
            Subject::Existing { id, .. }
            | Subject::New { id, .. }
            | Subject::Unidentified { id, .. } => *id,
        }
    }

    pub fn label(&self) -> String {
        match self {
            Subject::Existing { name, .. } => name.clone(),
            Subject::New { name, .. } => format!("{name} (new customer)"),
            Subject::Unidentified { description, .. } => {
                format!("Unidentified visitor: {description}")
            }
        }
    }
}

/// An incident as typed, before it is saved. Its id is made when the form opens, so saving it
/// twice (for example from the local outbox after the drive came back) stores it once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewIncident {
    pub id: Id,
    pub subject: Subject,
    pub occurred_at: DateTime<Utc>,
    pub channel: String,
    pub category: String,
    pub behaviours: Vec<String>,
    pub behaviour_other: String,
    pub response: String,
    pub reference: String,
    pub description: String,
    pub immediate_threat: bool,
    pub witnesses: String,
}

/// A long-term action, the withdrawal of services or an access restriction, as a decision or a
/// review asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NewRestriction {
    /// A policy id (an action, the withdrawal, or an access restriction).
    pub kind: String,
    pub email: String,
    pub phone: String,
    pub minutes: Option<u32>,
    pub staff_id: Option<Id>,
    pub third_party: String,
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
    pub reasons: String,
    /// The actions, withdrawal of services and access restrictions decided.
    pub restrictions: Vec<NewRestriction>,
    pub review_date: Option<NaiveDate>,
    /// Immediate restriction only: were the police told, and the assessment of risk behind it.
    pub police_told: Option<bool>,
    pub risk_assessment: String,
}

/// A review as the review form gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReview {
    pub id: Id,
    pub customer_id: Id,
    pub case_id: Option<Id>,
    /// The restrictions reviewed, each with the version the manager was shown.
    pub reviewed: Vec<(Id, i64)>,
    pub still_wants: Option<bool>,
    pub outcome: ReviewOutcome,
    /// Change only: what applies from now on (the reviewed restrictions end).
    pub replacements: Vec<NewRestriction>,
    pub next_review: Option<NaiveDate>,
    /// Why: required.
    pub notes: String,
}

/// An incident to start from in tests, benchmarks and examples. Change only what differs, with
/// struct update syntax: `NewIncident { channel: "video".into(), ..NewIncident::example(c, n) }`.
impl NewIncident {
    /// A phone worker's incident about an existing customer: shouting, the call ended after a
    /// warning, two minutes ago.
    pub fn example(customer: Id, name: &str) -> NewIncident {
        NewIncident {
            id: new_id(),
            subject: Subject::Existing {
                id: customer,
                name: name.to_string(),
            },
            occurred_at: Utc::now() - chrono::Duration::minutes(2),
            channel: "phone".into(),
            category: "abusive".into(),
            behaviours: vec!["shouting".into()],
            behaviour_other: String::new(),
            response: "call_ended_after_warning".into(),
            reference: String::new(),
            description: "Shouted at the adviser; the call was ended after a warning.".into(),
            immediate_threat: false,
            witnesses: String::new(),
        }
    }
}
