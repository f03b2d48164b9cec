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
    /// "Incidents are kept 3 years after the last activity, 12/03/2022": the last activity is
    /// the later of the customer's last incident, decision, review or letter and the end of
    /// their last restriction.
    pub fn rule(&self) -> String {
        format!(
            "{} are kept {} year{} after the last activity, {}",
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
    /// Each letter's text as it was recorded, by letter id.
    pub letter_bodies: Vec<(Id, String)>,
}

/// Every id (a UUID, as safedesk makes them) written in `text`.
pub fn ids_in(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 36 <= b.len() {
        let w = &b[i..i + 36];
        let fits = w.iter().enumerate().all(|(k, c)| match k {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        });
        if fits {
            out.push(String::from_utf8_lossy(w).to_lowercase());
            i += 36;
        } else {
            i += 1;
        }
    }
    out
}

/// `text` with every other person's id and name (`others`: (id, name)) taken out.
pub fn scrub(text: &str, others: &[(String, String)]) -> String {
    let mut out = text.to_string();
    for (id, name) in others {
        if !id.is_empty() {
            out = out.replace(id.as_str(), "[another person's record]");
        }
        if name.trim().chars().count() >= 2 {
            out = out.replace(name.trim(), "[another person]");
        }
    }
    out
}

impl SubjectAccess {
    /// Take every other person's id and name out of the free text it holds.
    pub fn scrub_others(&mut self) {
        let o = self.others.clone();
        let s = |t: &mut String| *t = scrub(t, &o);
        let h = &mut self.history;
        s(&mut h.customer.notes);
        s(&mut h.customer.description);
        for i in &mut h.incidents {
            s(&mut i.description);
            s(&mut i.witnesses);
            s(&mut i.behaviour_other);
            s(&mut i.reference);
            if let Some(w) = &mut i.withdrawn {
                s(&mut w.reason);
            }
        }
        for d in &mut h.decisions {
            s(&mut d.reasons);
            s(&mut d.reasons_for_customer);
            s(&mut d.risk_assessment);
            s(&mut d.attendees);
            s(&mut d.none_suitable);
        }
        for (_, body) in &mut self.letter_bodies {
            s(body);
        }
        for r in &mut h.reviews {
            s(&mut r.notes);
        }
        for c in &mut self.cases {
            s(&mut c.note);
        }
        for a in &mut self.audit {
            for t in [&mut a.before, &mut a.after].into_iter().flatten() {
                s(t);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_found_in_any_text_and_others_are_taken_out() {
        let a = "0b7e9d5c-3f1a-4c2e-9a8b-1234567890ab";
        let text = format!("{{\"merged_into\":\"{a}\",\"x\":\"Sam Other\"}} not-an-id");
        assert_eq!(ids_in(&text), vec![a.to_string()]);
        let out = scrub(&text, &[(a.to_string(), "Sam Other".to_string())]);
        assert!(!out.contains(a) && !out.contains("Sam Other"), "{out}");
        assert!(out.contains("[another person]"));
    }
}
