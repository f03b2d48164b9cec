//! Everything recorded about one customer together, and records loaded in bulk.

use super::customer::Customer;
use super::decision::Decision;
use super::ids::Id;
use super::incident::Incident;
use super::letter::{Letter, OwedFor, OwedLetter};
use super::restriction::{Restriction, Review};
use super::staff::Staff;
use serde::Serialize;

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
    /// For a record merged into another: where it went (its card says so).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<super::merge::MergedInto>,
}

impl CustomerHistory {
    /// What the customer was told in writing about an incident (the reply to abusive
    /// correspondence answers one): "Told in writing on 24/11/2026 that correspondence is not
    /// processed", or that the reply is made but not yet recorded as sent.
    pub fn told_in_writing(&self, incident: super::Id) -> Option<String> {
        let letters: Vec<_> = self
            .letters
            .iter()
            .filter(|l| l.incident_id == Some(incident))
            .collect();
        if let Some(sent) = letters.iter().filter_map(|l| l.sent_at).min() {
            return Some(format!(
                "Told in writing on {} that correspondence is not processed",
                crate::time::date(crate::time::london_date(sent))
            ));
        }
        letters.iter().map(|l| l.created_at).min().map(|made| {
            format!(
                "Reply made on {} that correspondence is not processed: not yet recorded as sent",
                crate::time::date(crate::time::london_date(made))
            )
        })
    }

    /// A customer with nothing recorded yet.
    pub fn new(customer: Customer) -> CustomerHistory {
        CustomerHistory {
            customer,
            incidents: Vec::new(),
            decisions: Vec::new(),
            restrictions: Vec::new(),
            letters: Vec::new(),
            reviews: Vec::new(),
            merged_into: None,
        }
    }

    /// The letters this customer is owed (by a decision that restricted them, or a review that
    /// lifted or changed their restrictions) and not yet sent nor recorded as not possible:
    /// oldest first.
    pub fn letters_owed(&self) -> Vec<OwedLetter> {
        let name = self.customer.display_name();
        let mut out: Vec<OwedLetter> = self
            .decisions
            .iter()
            .filter(|d| d.letter.is_owed())
            .map(|d| OwedLetter {
                customer_id: self.customer.id,
                customer_name: name.clone(),
                about: OwedFor::Decision(d.id),
                case_id: d.case_id,
                kind: d.outcome.letter_kind().to_string(),
                since: d.decided_at,
            })
            .collect();
        for r in self.reviews.iter().filter(|r| r.letter.is_owed()) {
            if !out.iter().any(|o| o.about == OwedFor::Review(r.batch)) {
                out.push(OwedLetter {
                    customer_id: self.customer.id,
                    customer_name: name.clone(),
                    about: OwedFor::Review(r.batch),
                    case_id: None,
                    kind: "review_outcome".to_string(),
                    since: r.reviewed_at,
                });
            }
        }
        out.sort_by_key(|o| o.since);
        out
    }
}

/// Records loaded in bulk (demo data, benchmarks, imports), in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Bulk {
    pub staff: Vec<Staff>,
    pub customers: Vec<Customer>,
    pub incidents: Vec<Incident>,
    pub decisions: Vec<Decision>,
    pub restrictions: Vec<Restriction>,
    pub letters: Vec<Letter>,
}

impl Bulk {
    /// Each loaded customer's history, from the records in this bulk (records about customers
    /// not in it are left out). Incidents in the order they were logged, as the store keeps them.
    pub fn histories(&self) -> std::collections::BTreeMap<Id, CustomerHistory> {
        let mut out: std::collections::BTreeMap<Id, CustomerHistory> = self
            .customers
            .iter()
            .map(|c| (c.id, CustomerHistory::new(c.clone())))
            .collect();
        for i in &self.incidents {
            if let Some(h) = out.get_mut(&i.customer_id) {
                h.incidents.push(i.clone());
            }
        }
        for d in &self.decisions {
            if let Some(h) = out.get_mut(&d.customer_id) {
                h.decisions.push(d.clone());
            }
        }
        for r in &self.restrictions {
            if let Some(h) = out.get_mut(&r.customer_id) {
                h.restrictions.push(r.clone());
            }
        }
        for l in &self.letters {
            if let Some(h) = out.get_mut(&l.customer_id) {
                h.letters.push(l.clone());
            }
        }
        for h in out.values_mut() {
            h.incidents.sort_by_key(|i| i.logged_at);
            h.decisions.sort_by_key(|d| d.decided_at);
        }
        out
    }
}
