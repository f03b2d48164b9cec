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
    /// Physical violence or injury: who was hurt and how, RIDDOR, a debrief (empty otherwise).
    pub harm: Harm,
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
    /// Physical violence or injury: who was hurt and how, RIDDOR, a debrief wanted (older
    /// outboxes and drafts have none).
    #[serde(default)]
    pub harm: Harm,
}

/// Who was hurt, on an incident of physical violence or injury.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Hurt {
    /// Not asked (not an incident of physical violence), or not answered.
    #[default]
    NotAsked,
    Nobody,
    /// A member of staff, from the staff list.
    Staff,
    /// Another customer or a visitor, by name.
    Other,
}

impl Hurt {
    pub fn as_str(self) -> &'static str {
        match self {
            Hurt::NotAsked => "",
            Hurt::Nobody => "nobody",
            Hurt::Staff => "staff",
            Hurt::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Hurt {
        match s {
            "nobody" => Hurt::Nobody,
            "staff" => Hurt::Staff,
            "other" => Hurt::Other,
            _ => Hurt::NotAsked,
        }
    }

    /// Someone was hurt: how, and RIDDOR, are asked.
    pub fn someone(self) -> bool {
        matches!(self, Hurt::Staff | Hurt::Other)
    }

    pub fn label(self) -> &'static str {
        match self {
            Hurt::NotAsked => "not answered",
            Hurt::Nobody => "no one",
            Hurt::Staff => "a member of staff",
            Hurt::Other => "another customer or visitor",
        }
    }
}

/// Is an injury reportable under RIDDOR?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Riddor {
    #[default]
    NotAsked,
    Yes,
    No,
    NotSure,
}

impl Riddor {
    pub fn as_str(self) -> &'static str {
        match self {
            Riddor::NotAsked => "",
            Riddor::Yes => "yes",
            Riddor::No => "no",
            Riddor::NotSure => "not_sure",
        }
    }

    pub fn parse(s: &str) -> Riddor {
        match s {
            "yes" => Riddor::Yes,
            "no" => Riddor::No,
            "not_sure" => Riddor::NotSure,
            _ => Riddor::NotAsked,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Riddor::NotAsked => "not answered",
            Riddor::Yes => "yes",
            Riddor::No => "no",
            Riddor::NotSure => "not sure",
        }
    }
}

/// What an incident of physical violence or injury records about staff safety.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Harm {
    #[serde(default)]
    pub hurt: Hurt,
    /// The member of staff hurt (Hurt::Staff), as the staff list knows them.
    #[serde(default)]
    pub hurt_staff: Option<Id>,
    /// The name of whoever was hurt (the staff member's display name, or as typed).
    #[serde(default)]
    pub hurt_name: String,
    /// How they were hurt, in the logger's words.
    #[serde(default)]
    pub how: String,
    #[serde(default)]
    pub riddor: Riddor,
    /// The RIDDOR reference, once the report is made (letters and digits).
    #[serde(default)]
    pub riddor_ref: String,
    /// The member of staff affected asked for a debrief on the form.
    #[serde(default)]
    pub debrief: bool,
}

impl Harm {
    /// Nothing recorded (not an incident of physical violence).
    pub fn is_empty(&self) -> bool {
        *self == Harm::default()
    }

    /// Reportable under RIDDOR, and no reference recorded yet: the report is still owed.
    pub fn riddor_owed(&self) -> bool {
        self.riddor == Riddor::Yes && self.riddor_ref.trim().is_empty()
    }

    /// In a sentence, for the case view, the card and the export: "Hurt: a member of staff,
    /// Sam Patel (bruised arm). Reportable under RIDDOR: yes, reference 2301234567. Debrief
    /// wanted." Empty when nothing was recorded.
    pub fn sentence(&self) -> String {
        if self.is_empty() {
            return String::new();
        }
        let mut out = Vec::new();
        let mut hurt = format!("Hurt: {}", self.hurt.label());
        if self.hurt.someone() && !self.hurt_name.is_empty() {
            hurt.push_str(&format!(", {}", self.hurt_name));
        }
        if !self.how.is_empty() {
            hurt.push_str(&format!(" ({})", self.how));
        }
        out.push(format!("{hurt}."));
        if self.riddor != Riddor::NotAsked {
            out.push(if self.riddor_owed() {
                RIDDOR_OWED.to_string() + "."
            } else if self.riddor == Riddor::Yes {
                format!(
                    "Reportable under RIDDOR: yes, reference {}.",
                    self.riddor_ref
                )
            } else {
                format!("Reportable under RIDDOR: {}.", self.riddor.label())
            });
        }
        if self.debrief {
            out.push("Debrief wanted.".into());
        }
        out.join(" ")
    }
}

/// What the queue, the case and the card say of a reportable injury with no reference yet.
pub const RIDDOR_OWED: &str = "Reportable under RIDDOR: reference not yet recorded";

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
            harm: Harm::default(),
        }
    }
}

/// A member of staff's request for a debrief after an incident, and when it was held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Debrief {
    pub id: Id,
    pub incident_id: Id,
    /// The case it opened in the manager's queue.
    pub case_id: Id,
    /// The member of staff who wants it.
    pub staff_id: Option<Id>,
    pub staff_name: String,
    pub requested_at: DateTime<Utc>,
    pub requested_by: String,
    /// When it was held, and the manager who held it (None: still wanted).
    pub held_on: Option<chrono::NaiveDate>,
    pub held_by: Option<String>,
}
