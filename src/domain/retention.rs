//! Retention and subject access: what a retention run would remove (and did), and everything
//! held about one person for a subject access request.

use super::{AuditEntry, CaseSummary, CustomerHistory, Id};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// A kind of record the retention rules keep for a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Letter,
    Review,
    Restriction,
    Decision,
    Case,
    Incident,
    /// The customer's own details (name, phones, emails, address), once nothing else is left.
    Customer,
}

impl RecordKind {
    pub fn in_words(self) -> &'static str {
        match self {
            RecordKind::Letter => "letter",
            RecordKind::Review => "review",
            RecordKind::Restriction => "restriction",
            RecordKind::Decision => "decision",
            RecordKind::Case => "case",
            RecordKind::Incident => "incident",
            RecordKind::Customer => "customer's details",
        }
    }
}

/// One record of a customer, as the retention rules see it: its kind, id and the date that
/// counts for it (the later of when it was made and when it ended or was sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldRecord {
    pub kind: RecordKind,
    pub id: String,
    pub at: DateTime<Utc>,
}

/// What the retention rules need to know of one customer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RetentionFacts {
    pub customer_id: String,
    /// The name as the dry run shows it ("Unidentified visitor: ..." for a visitor).
    pub name: String,
    pub created_at: Option<DateTime<Utc>>,
    /// The keeping clock kept by an earlier run that removed the records it was counted from.
    pub kept_from: Option<DateTime<Utc>>,
    /// Every record of theirs (records merged into them count as theirs).
    pub records: Vec<HeldRecord>,
    /// Reasons nothing of theirs may go: a restriction in force, an open case, an owed letter.
    pub active_restriction: bool,
    pub open_case: bool,
    pub owed_letter: bool,
}

/// One record a retention run removes, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RetentionItem {
    pub customer_id: String,
    pub customer_name: String,
    pub kind: RecordKind,
    pub record_id: String,
    /// The record's own date (London).
    pub date: NaiveDate,
    /// The date its keeping period began: the customer's last incident, restriction ending,
    /// decision, review or letter.
    pub since: NaiveDate,
    /// How many years its kind is kept (the policy's `[retention]`).
    pub years: u32,
}

impl RetentionItem {
    /// "incidents kept 3 years after the last activity (12/03/2022)".
    pub fn rule(&self) -> String {
        format!(
            "{} are kept {} year{} after the customer's last incident, decision, review, letter or restriction ending ({})",
            capitalised(&plural(self.kind)),
            self.years,
            if self.years == 1 { "" } else { "s" },
            crate::time::date(self.since)
        )
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// "incidents", "customers' details (once nothing else of theirs is left)".
pub fn plural(kind: RecordKind) -> String {
    match kind {
        RecordKind::Customer => "customers' details (once nothing else of theirs is left)".into(),
        k => format!("{}s", k.in_words()),
    }
}

/// What a retention run removed (or, in a dry run, would remove).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RetentionReport {
    pub items: Vec<RetentionItem>,
    /// The letter files (Markdown and printable page) of removed letters, for the caller to
    /// delete once the removal is committed.
    pub letter_files: Vec<String>,
    /// How many customers are held back by a restriction in force, an open case or an owed
    /// letter although their keeping period has passed.
    pub held: usize,
}

impl RetentionReport {
    /// How many of each kind: [(kind, n)], in the order of [`RecordKind`].
    pub fn counts(&self) -> Vec<(RecordKind, usize)> {
        let mut out: Vec<(RecordKind, usize)> = Vec::new();
        for i in &self.items {
            match out.iter_mut().find(|(k, _)| *k == i.kind) {
                Some((_, n)) => *n += 1,
                None => out.push((i.kind, 1)),
            }
        }
        out.sort();
        out
    }
}

/// Everything held about one person, for a subject access request: read in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectAccess {
    pub made_at: DateTime<Utc>,
    pub history: CustomerHistory,
    /// Every case about them, open or closed, oldest first.
    pub cases: Vec<CaseSummary>,
    /// The audit entries about them and their records, oldest first.
    pub audit: Vec<AuditEntry>,
    /// Names and ids of other people that appear in what is held (a visitor linked to them, a
    /// merged record): removed from the export.
    #[serde(skip)]
    pub others: Vec<(String, String)>,
    /// Records merged into this one (a visitor linked, a duplicate merged).
    pub merged: Vec<Id>,
}
