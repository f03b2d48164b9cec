//! Letters to customers: the letter a decision owes, letters produced and how they were sent.

use super::ids::Id;
use chrono::{DateTime, Utc};
use serde::Serialize;

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
    /// The incident it answers (the reply to abusive correspondence), if any.
    pub incident_id: Option<Id>,
}

/// How a letter went to the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentHow {
    Post,
    Email,
    ByHand,
}

impl SentHow {
    pub const ALL: [SentHow; 3] = [SentHow::Post, SentHow::Email, SentHow::ByHand];

    pub fn as_str(self) -> &'static str {
        match self {
            SentHow::Post => "post",
            SentHow::Email => "email",
            SentHow::ByHand => "by_hand",
        }
    }

    pub fn parse(s: &str) -> Option<SentHow> {
        SentHow::ALL.into_iter().find(|h| h.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            SentHow::Post => "by post",
            SentHow::Email => "by email",
            SentHow::ByHand => "by hand",
        }
    }
}

/// A letter produced in the app, to keep with the customer's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct NewLetter {
    pub id: Id,
    pub customer_id: Id,
    pub decision_id: Option<Id>,
    pub case_id: Option<Id>,
    /// The review it tells the customer about (its batch id), if any.
    #[serde(default)]
    pub review_batch: Option<Id>,
    /// The incident it answers, if any (the reply to abusive correspondence).
    #[serde(default)]
    pub incident_id: Option<Id>,
    /// The template's kind ("restriction_notice", ...).
    pub kind: String,
    /// The letter as saved (Markdown).
    pub body: String,
    /// Where it was saved.
    pub file: String,
    /// The postal address it was printed with (the lines under the name, postcode last): empty
    /// when the customer had none, so it cannot be marked sent by post. None in what older
    /// versions wrote (an outbox entry): not known.
    #[serde(default)]
    pub address: Option<Vec<String>>,
}

/// What an owed letter tells the customer about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "about", content = "id", rename_all = "snake_case")]
pub enum OwedFor {
    /// A decision that restricted the customer (a restriction notice, a withdrawal, or the
    /// written confirmation of an immediate restriction).
    Decision(Id),
    /// A review that lifted or changed the customer's restrictions (its batch id).
    Review(Id),
}

/// A letter the policy promises a customer that has not gone yet, nor been recorded as not
/// possible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwedLetter {
    pub customer_id: Id,
    pub customer_name: String,
    pub about: OwedFor,
    /// The case the decision answered, if any: the letter is produced from it.
    pub case_id: Option<Id>,
    /// The letter's kind ("restriction_notice", "review_outcome", ...).
    pub kind: String,
    /// When the decision or review that owes it was made.
    pub since: DateTime<Utc>,
}

impl OwedLetter {
    /// In the words the card and the queue use: "restriction notice for the decision of
    /// 24/11/2026".
    pub fn describe(&self) -> String {
        let what = match self.kind.as_str() {
            "withdrawal" => "withdrawal letter",
            "immediate_confirmation" => "written confirmation",
            "review_outcome" => "review outcome letter",
            _ => "restriction notice",
        };
        let of = match self.about {
            OwedFor::Decision(_) => "decision",
            OwedFor::Review(_) => "review",
        };
        format!(
            "{what} for the {of} of {}",
            crate::time::date(crate::time::london_date(self.since))
        )
    }
}
