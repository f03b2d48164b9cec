//! Incidents: as recorded, withdrawn, and as typed before they are saved, with who they are about.

use super::ids::{new_id, Id};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
    /// Did the customer appear to be in distress? None: not known (the policy: people in
    /// distress may act out of character).
    pub distress: Option<bool>,
    /// Demands only: the effect on workloads (a policy workload choice id; empty when not
    /// asked), and in the logger's words.
    pub workload: String,
    pub workload_note: String,
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
        /// The postal address lines, if given (older outboxes and drafts have none).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        address: Vec<String>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        postcode: String,
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
    /// Did the customer appear to be in distress? None: not known.
    #[serde(default)]
    pub distress: Option<bool>,
    /// Demands only: the effect on workloads (a policy workload choice id), and how.
    #[serde(default)]
    pub workload: String,
    #[serde(default)]
    pub workload_note: String,
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
            distress: None,
            workload: String::new(),
            workload_note: String::new(),
        }
    }
}
