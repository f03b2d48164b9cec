//! Escalation cases and the manager's queue of them.

use super::ids::Id;
use serde::Serialize;

/// Why a case is in the manager's escalation queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum CaseReason {
    ImmediateThreat,
    Breach,
    Threshold,
    ReviewDue,
    CustomerRequest,
    /// A decision that needs a second person's approval (the policy's `[[who_decides]]`) waits
    /// for it: nothing of it is in force until someone other than its author approves it.
    Approval,
    /// A member of staff affected by an incident asked for a debrief.
    DebriefRequested,
}

impl CaseReason {
    pub const ALL: [CaseReason; 7] = [
        CaseReason::ImmediateThreat,
        CaseReason::Breach,
        CaseReason::Threshold,
        CaseReason::ReviewDue,
        CaseReason::CustomerRequest,
        CaseReason::Approval,
        CaseReason::DebriefRequested,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseReason::ImmediateThreat => "immediate_threat",
            CaseReason::Breach => "breach",
            CaseReason::Threshold => "threshold",
            CaseReason::ReviewDue => "review_due",
            CaseReason::CustomerRequest => "customer_request",
            CaseReason::Approval => "approval",
            CaseReason::DebriefRequested => "debrief_requested",
        }
    }

    pub fn parse(s: &str) -> Option<CaseReason> {
        CaseReason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Does a new case of this kind alert every manager at once (until one opens it)?
    pub fn alerts(self) -> bool {
        matches!(self, CaseReason::ImmediateThreat | CaseReason::Breach)
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseReason::ImmediateThreat => "Immediate threat",
            CaseReason::Breach => "Breach of an active restriction",
            CaseReason::Threshold => "Incident threshold reached",
            CaseReason::ReviewDue => "Review due",
            CaseReason::CustomerRequest => "Customer asked for a review or complained",
            CaseReason::Approval => "Waiting for approval",
            CaseReason::DebriefRequested => "Debrief requested",
        }
    }
}

/// An open escalation case, as the queue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseSummary {
    pub id: Id,
    pub customer_id: Id,
    pub customer_name: String,
    pub reason: CaseReason,
    pub opened_at: chrono::DateTime<chrono::Utc>,
    pub incidents: Vec<Id>,
    /// The name of the manager it is assigned to, and their id.
    pub assigned_to: Option<String>,
    pub assigned_to_id: Option<Id>,
    /// An immediate restriction was decided; the case waits for the written confirmation to be
    /// sent, or for the reason it was not possible. The decision is `decision_id`.
    pub waiting_for_confirmation: bool,
    pub decision_id: Option<Id>,
    /// What the customer asked for, when they opened it by asking for a review or complaining.
    pub note: String,
    /// Bumped on every change, so two managers never decide the same case over each other.
    pub version: i64,
    /// When a manager first opened the case, and who (None: no manager has opened it yet).
    pub seen_at: Option<chrono::DateTime<chrono::Utc>>,
    pub seen_by: Option<String>,
}

impl CaseSummary {
    /// An immediate threat or a breach that no manager has opened yet: it alerts every manager.
    pub fn unopened_alert(&self) -> bool {
        self.reason.alerts() && self.seen_at.is_none() && !self.waiting_for_confirmation
    }

    /// Why it is in the queue, in words: the reason, or that a letter is what it waits for.
    pub fn why(&self) -> String {
        if self.waiting_for_confirmation {
            "Written confirmation owed (immediate restriction)".to_string()
        } else {
            self.reason.label().to_string()
        }
    }
}

/// The line above the queue: what a manager has outstanding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueSummary {
    pub open_cases: u64,
    /// Customers with a restriction whose review date has passed.
    pub overdue_reviews: u64,
    /// Decisions that restricted someone and whose letter has not gone yet.
    pub letters_owed: u64,
    /// Incidents reportable under RIDDOR with no reference recorded yet.
    #[serde(default)]
    pub riddor_owed: u64,
}

/// What running the escalation rules again did to a customer's cases, after a change to their
/// incidents (a withdrawal, a visitor's record linked to them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CasesChanged {
    /// Cases opened because the rules now call for them.
    pub opened: Vec<CaseReason>,
    /// Cases closed because the rules no longer call for them.
    pub closed: Vec<CaseReason>,
    /// Open cases holding a withdrawn incident that stay for a manager to decide.
    pub kept: Vec<CaseReason>,
}

impl CasesChanged {
    /// In plain words, to follow the sentence that says what was saved; empty when nothing
    /// changed in the manager's queue.
    pub fn sentence(&self) -> String {
        let mut out = Vec::new();
        for r in &self.opened {
            out.push(format!(
                "{}: a case is now in the manager's queue.",
                r.label()
            ));
        }
        for r in &self.closed {
            if *r == CaseReason::Threshold {
                out.push("The threshold is no longer reached, so its case is closed.".to_string());
            } else {
                out.push(format!("The {} case is closed.", r.label().to_lowercase()));
            }
        }
        for r in &self.kept {
            out.push(if *r == CaseReason::Threshold {
                "The threshold is still reached: its case stays open.".to_string()
            } else {
                format!(
                    "The {} case stays open until a manager decides.",
                    r.label().to_lowercase()
                )
            });
        }
        out.join(" ")
    }
}

/// The manager's queue: the open cases and the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Queue {
    pub cases: Vec<CaseSummary>,
    pub summary: QueueSummary,
}

/// Which open cases a page of the queue is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum CaseFilter {
    #[default]
    All,
    /// Cases of this reason still to decide (not those waiting for their letter).
    Reason(CaseReason),
    /// Decided cases waiting only for their written confirmation.
    Confirmation,
    /// Cases assigned to this member of staff (None: to the person using safedesk, who is not
    /// on the staff list, so none).
    AssignedTo(Option<super::ids::Id>),
}

/// A page of the queue to read: the cases `filter` keeps whose customer's name holds `find`
/// (folded, as [`crate::text::fold`]; empty: every name), most urgent first, from `offset`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct QueueQuery {
    pub filter: CaseFilter,
    pub find: String,
    pub offset: usize,
    pub limit: usize,
}

/// A page of the queue: the cases from `offset`, how many the query keeps in all, and the
/// summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QueuePage {
    pub cases: Vec<CaseSummary>,
    pub offset: usize,
    pub total: usize,
    pub summary: QueueSummary,
}

/// An open immediate threat or breach no manager has opened yet: shown on every manager's
/// screen until one of them opens it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseAlert {
    pub case_id: Id,
    pub customer_name: String,
    pub reason: CaseReason,
    /// When the newest incident behind it was logged (the case's opening when it has none).
    pub logged_at: chrono::DateTime<chrono::Utc>,
    /// Who logged it, and their role, when known.
    pub logged_by: Option<String>,
    pub logged_by_role: Option<String>,
}

/// What a manager sees of the queue without opening it: the cases nobody has opened that call
/// for a manager at once, and how many open cases there are of each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QueueWatch {
    /// Oldest first.
    pub alerts: Vec<CaseAlert>,
    /// Open cases still to decide, by reason, in [`CaseReason::ALL`] order (zeros included).
    pub by_reason: Vec<(CaseReason, u64)>,
    /// Decided cases waiting only for their written confirmation.
    pub confirmation_owed: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_became_of_the_cases_is_said_in_plain_words() {
        assert_eq!(CasesChanged::default().sentence(), "");
        let c = CasesChanged {
            opened: vec![CaseReason::Threshold],
            ..CasesChanged::default()
        };
        assert_eq!(
            c.sentence(),
            "Incident threshold reached: a case is now in the manager's queue."
        );
        let c = CasesChanged {
            closed: vec![CaseReason::Threshold],
            kept: vec![CaseReason::ImmediateThreat],
            ..CasesChanged::default()
        };
        assert_eq!(
            c.sentence(),
            "The threshold is no longer reached, so its case is closed. \
             The immediate threat case stays open until a manager decides."
        );
    }
}
