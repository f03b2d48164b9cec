//! Restrictions (long-term actions, withdrawal of services, access restrictions) and their
//! reviews: as recorded, and as a decision or review form asks for them.

use super::ids::Id;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

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
    /// What a time limit or recording applies to (a policy scope id: calls, visits, both); empty
    /// on one recorded before safedesk asked (both).
    pub scope: String,
    /// Whether a number or address is "blocked" or "redirected"; empty on one recorded before
    /// safedesk asked.
    pub divert: String,
    /// Where a redirected number or address now goes.
    pub redirect_to: String,
    /// Set days and times each week, written one way ("Tue 10:00-12:00, Thu 14:00-15:30").
    pub windows: String,
    /// A date (a behaviour agreement's, signed).
    pub date: Option<NaiveDate>,
    /// A sentence or two (a behaviour agreement's terms).
    pub text: String,
    /// A person (an advocate) and their contact details.
    pub person: String,
    pub person_contact: String,
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
    /// What a time limit or recording applies to (a policy scope id).
    #[serde(default)]
    pub scope: String,
    /// "blocked" or "redirected", for a number or address.
    #[serde(default)]
    pub divert: String,
    /// Where a redirected number or address now goes.
    #[serde(default)]
    pub redirect_to: String,
    /// Set days and times each week, as typed.
    #[serde(default)]
    pub windows: String,
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub person: String,
    #[serde(default)]
    pub person_contact: String,
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
    /// The internal notes, for staff only.
    pub notes: String,
    /// The reasons for the customer, printed in the review outcome letter (empty on a review
    /// recorded before safedesk kept them apart).
    pub reasons_for_customer: String,
    /// The review this row belongs to (one review covers several restrictions, a row each).
    pub batch: Id,
    /// Whether the letter a review that lifted or changed restrictions owes has gone.
    pub letter: super::letter::LetterStatus,
    /// A review that keeps restrictions (continued or changed): the reasonable adjustments
    /// considered (policy ids), others typed, and why they were or were not enough. Empty on a
    /// review that lifted, or one recorded before safedesk asked.
    pub adjustments: Vec<String>,
    pub adjustments_other: String,
    pub adjustments_why: String,
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
    /// Why: required. The internal notes, for staff only.
    pub notes: String,
    /// The reasons for the customer, printed in the review outcome letter.
    #[serde(default)]
    pub reasons_for_customer: String,
    /// A review that keeps restrictions: the reasonable adjustments considered again (policy
    /// ids), others typed, and why they were or were not enough (Equality Act).
    #[serde(default)]
    pub adjustments: Vec<String>,
    #[serde(default)]
    pub adjustments_other: String,
    #[serde(default)]
    pub adjustments_why: String,
}

/// What recording a review did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReviewSaved {
    pub already_saved: bool,
    pub ended: usize,
    pub continued: usize,
    pub added: usize,
    pub cases_closed: usize,
    /// The case the review was started from, when a review does not answer it (a breach, the
    /// threshold or an immediate threat): it stays open for a manager's decision.
    pub left_open: Option<super::CaseReason>,
}
