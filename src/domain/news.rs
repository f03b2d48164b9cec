//! The reporter hears back: what became of the incidents a member of staff logged (sent to a
//! manager, decided, reviewed), as their start screen lists it until they dismiss it. Only the
//! outcome: never the manager's notes, the adjustments' reasoning or other incidents' details.

use super::case::CaseReason;
use super::decision::Outcome;
use super::ids::Id;
use super::restriction::ReviewOutcome;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What happened to an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum NewsKind {
    /// It opened or joined an escalation case, still to be decided.
    SentToManager { reason: CaseReason },
    /// A manager decided: the outcome and the policy ids of what it restricted.
    Decided {
        outcome: Outcome,
        restrictions: Vec<String>,
    },
    /// The restrictions the decision made were reviewed.
    ReviewHeld { outcome: ReviewOutcome },
}

/// One piece of news about incidents the person logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct News {
    /// What is dismissed: `case:<id>`, `decision:<id>` or `review:<id>`.
    pub event: String,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The newest of their incidents it concerns: when, about whom, which category (policy id).
    pub incident: Id,
    pub occurred_at: DateTime<Utc>,
    pub customer_name: String,
    pub category: String,
    /// How many more of their incidents it concerns.
    pub others: usize,
    pub kind: NewsKind,
}

/// The news for one person's start screen: the newest not dismissed, and how many more.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HeardBack {
    pub items: Vec<News>,
    pub more: usize,
}

impl HeardBack {
    pub fn total(&self) -> usize {
        self.items.len() + self.more
    }
}
