//! Retention as the store runs it (the rules of what is due are `policy::retention`): putting
//! each customer's records together (records merged into theirs count as theirs), and what a
//! run removes, in which order, and what the audit keeps of it. Each engine reads the rows and
//! runs the statements.

use crate::domain::{HeldRecord, RecordKind, RetentionFacts, RetentionReport};
use crate::policy::retention::{due, held_back};
use crate::policy::Policy;
use crate::time;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{HashMap, HashSet};

/// A customer as read for retention.
pub struct CustomerRow {
    pub id: String,
    /// As the dry run shows it ("Unidentified visitor: ..." for a visitor).
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub kept_from: Option<DateTime<Utc>>,
    pub merged_into: Option<String>,
}

/// A record of a customer's as read for retention: the date that counts, and whether it holds
/// them back (a case open, a restriction in force, a letter owed).
pub struct RecordRow {
    pub kind: RecordKind,
    pub customer: String,
    pub id: String,
    pub at: DateTime<Utc>,
    pub holds: bool,
}

/// What the rules need of every customer read (`customers`, in the order read), with their
/// records (`records`, kind by kind): a record merged into another (which may itself have been
/// merged) belongs to the last one.
pub fn facts(customers: Vec<CustomerRow>, records: Vec<RecordRow>) -> Vec<RetentionFacts> {
    let mut out: Vec<RetentionFacts> = Vec::new();
    let mut slot: HashMap<String, usize> = HashMap::new();
    let mut merged_into: HashMap<String, String> = HashMap::new();
    let mut retired: Vec<(String, DateTime<Utc>)> = Vec::new();
    for c in customers {
        if let Some(into) = c.merged_into {
            merged_into.insert(c.id.clone(), into);
            retired.push((c.id, c.created_at));
            continue;
        }
        slot.insert(c.id.clone(), out.len());
        out.push(RetentionFacts {
            customer_id: c.id,
            name: c.name,
            created_at: Some(c.created_at),
            kept_from: c.kept_from,
            ..Default::default()
        });
    }
    let owner = |id: &str| -> Option<usize> {
        let mut id = id.to_string();
        for _ in 0..100 {
            if let Some(k) = slot.get(&id) {
                return Some(*k);
            }
            id = merged_into.get(&id)?.clone();
        }
        None
    };
    for (id, created) in retired {
        if let Some(k) = owner(&id) {
            out[k].records.push(HeldRecord {
                kind: RecordKind::Customer,
                id,
                at: created,
            });
        }
    }
    for r in records {
        let Some(k) = owner(&r.customer) else {
            continue;
        };
        let f = &mut out[k];
        if r.holds {
            match r.kind {
                RecordKind::Case => f.open_case = true,
                RecordKind::Restriction => f.active_restriction = true,
                _ => f.owed_letter = true,
            }
        }
        f.records.push(HeldRecord {
            kind: r.kind,
            id: r.id,
            at: r.at,
        });
    }
    out
}

/// What a run on `today` removes under `policy`, and how many customers are held back (the
/// letters' files are added by [`add_letter_files`]).
pub fn plan(facts: &[RetentionFacts], policy: &Policy, today: NaiveDate) -> RetentionReport {
    let mut report = RetentionReport::default();
    for f in facts {
        report.items.extend(due(f, today, &policy.retention));
        if held_back(f, today, &policy.retention) {
            report.held += 1;
        }
    }
    report
}

/// How many records a run on `today` removes of these customers.
pub fn due_count(facts: &[RetentionFacts], policy: &Policy, today: NaiveDate) -> usize {
    facts
        .iter()
        .map(|f| due(f, today, &policy.retention).len())
        .sum()
}

/// The ids of the letters a run removes (their files go too).
pub fn letters(report: &RetentionReport) -> Vec<String> {
    ids_of(report, RecordKind::Letter)
}

/// The ids of the reviews a run removes (their batches are read before they go).
pub fn reviews(report: &RetentionReport) -> Vec<String> {
    ids_of(report, RecordKind::Review)
}

fn ids_of(report: &RetentionReport, kind: RecordKind) -> Vec<String> {
    report
        .items
        .iter()
        .filter(|i| i.kind == kind)
        .map(|i| i.record_id.clone())
        .collect()
}

/// Add the files of the removed letters (`files`, as recorded): the Markdown and its printable
/// page beside it.
pub fn add_letter_files(report: &mut RetentionReport, files: Vec<String>) {
    for f in files {
        let md = std::path::PathBuf::from(&f);
        report.letter_files.push(f);
        let html = md.with_extension("html");
        if html != md {
            report.letter_files.push(html.display().to_string());
        }
    }
}

/// What a run removes, kind by kind in the rules' order (letters first, customers last),
/// records merged into a customer before the customer.
pub fn removal_steps(report: &RetentionReport) -> Vec<(RecordKind, Vec<String>)> {
    let mut kinds: Vec<RecordKind> = report.items.iter().map(|i| i.kind).collect();
    kinds.sort();
    kinds.dedup();
    let mut steps = Vec::new();
    for kind in kinds {
        for survivor in [false, true] {
            let ids: Vec<String> = report
                .items
                .iter()
                .filter(|i| i.kind == kind && (i.record_id == i.customer_id) == survivor)
                .map(|i| i.record_id.clone())
                .collect();
            if !ids.is_empty() {
                steps.push((kind, ids));
            }
        }
    }
    steps
}

fn removed_customers(report: &RetentionReport) -> HashSet<&str> {
    report
        .items
        .iter()
        .filter(|i| i.kind == RecordKind::Customer && i.record_id == i.customer_id)
        .map(|i| i.customer_id.as_str())
        .collect()
}

/// A customer who keeps their details but loses the records their clock was counted from
/// keeps the clock: each such customer, and the London midnight the clock counts from (the
/// store keeps the later of it and what it held).
pub fn clocks_kept(report: &RetentionReport) -> Vec<(String, DateTime<Utc>)> {
    let removed = removed_customers(report);
    let mut kept: Vec<(String, DateTime<Utc>)> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for i in &report.items {
        if removed.contains(i.customer_id.as_str()) || !seen.insert(i.customer_id.as_str()) {
            continue;
        }
        kept.push((i.customer_id.clone(), time::london_midnight(i.since)));
    }
    kept
}

/// The records whose audit entries forget their content: every record removed, and the
/// batches of the reviews removed (`batches`: customer, batch), sorted.
pub fn forgotten(report: &RetentionReport, batches: &[(String, String)]) -> Vec<String> {
    let mut ids: Vec<String> = report.items.iter().map(|i| i.record_id.clone()).collect();
    ids.extend(batches.iter().map(|(_, b)| b.clone()));
    ids.sort();
    ids.dedup();
    ids
}

/// Customers who stay, each with the ids of their removed records (and reviews' batches): the
/// entries about them that tell of one forget what they said too (see [`tells_of`]).
pub fn told(report: &RetentionReport, batches: &[(String, String)]) -> Vec<(String, Vec<String>)> {
    let removed = removed_customers(report);
    let mut told: Vec<(String, Vec<String>)> = Vec::new();
    let mut slot: HashMap<&str, usize> = HashMap::new();
    for i in &report.items {
        if removed.contains(i.customer_id.as_str()) {
            continue;
        }
        let k = *slot.entry(i.customer_id.as_str()).or_insert_with(|| {
            told.push((i.customer_id.clone(), Vec::new()));
            told.len() - 1
        });
        told[k].1.push(i.record_id.clone());
    }
    for (customer, batch) in batches {
        if let Some(k) = slot.get(customer.as_str()) {
            told[*k].1.push(batch.clone());
        }
    }
    told
}

/// Whether an audit entry's content (`said`: its before and after) tells of a removed record.
pub fn tells_of(said: &str, removed: &[String]) -> bool {
    removed.iter().any(|id| said.contains(id.as_str()))
}

/// The audit entry recording a run: how many of each kind, and the rules, never what they said.
pub fn run_entry(report: &RetentionReport, policy: &Policy, today: NaiveDate) -> String {
    let counts: serde_json::Map<String, serde_json::Value> = report
        .counts()
        .into_iter()
        .map(|(k, n)| {
            (
                format!(
                    "{}s",
                    k.in_words().replace("customer's details", "customer")
                ),
                n.into(),
            )
        })
        .collect();
    serde_json::json!({
        "removed": counts,
        "customers": report.items.iter().map(|i| &i.customer_id).collect::<HashSet<_>>().len(),
        "today": time::date_to_db(today),
        "rules": &policy.retention,
    })
    .to_string()
}

/// The statements that remove the records of one kind, clearing what points at them from
/// records that stay, in order: one statement per table, whatever the number of records.
/// `of(column)` is the engine's test that `column` holds one of the ids; `text_key` the column
/// of its `customer_text` that holds a customer's `seq`.
pub fn removal_statements(
    kind: RecordKind,
    of: impl Fn(&str) -> String,
    text_key: &str,
) -> Vec<String> {
    let seqs = format!("(SELECT seq FROM customer WHERE {})", of("id"));
    match kind {
        RecordKind::Letter => vec![format!("DELETE FROM letter WHERE {}", of("id"))],
        RecordKind::Review => vec![format!("DELETE FROM review WHERE {}", of("id"))],
        RecordKind::Restriction => vec![
            format!("DELETE FROM review WHERE {}", of("restriction_id")),
            format!("DELETE FROM restriction WHERE {}", of("id")),
        ],
        RecordKind::Decision => vec![
            format!(
                "UPDATE restriction SET decision_id = NULL WHERE {}",
                of("decision_id")
            ),
            format!(
                "UPDATE letter SET decision_id = NULL WHERE {}",
                of("decision_id")
            ),
            format!(
                "UPDATE escalation_case SET decision_id = NULL WHERE {}",
                of("decision_id")
            ),
            format!("DELETE FROM decision WHERE {}", of("id")),
        ],
        RecordKind::Case => vec![
            format!("UPDATE decision SET case_id = NULL WHERE {}", of("case_id")),
            format!("UPDATE letter SET case_id = NULL WHERE {}", of("case_id")),
            format!("DELETE FROM case_incident WHERE {}", of("case_id")),
            format!("DELETE FROM escalation_case WHERE {}", of("id")),
        ],
        RecordKind::Incident => vec![
            format!(
                "UPDATE letter SET incident_id = NULL WHERE {}",
                of("incident_id")
            ),
            format!("DELETE FROM case_incident WHERE {}", of("incident_id")),
            format!("DELETE FROM incident WHERE {}", of("id")),
        ],
        RecordKind::Customer => vec![
            format!("DELETE FROM customer_word WHERE customer_seq IN {seqs}"),
            format!("DELETE FROM customer_typo WHERE customer_seq IN {seqs}"),
            format!("DELETE FROM customer_phone WHERE customer_seq IN {seqs}"),
            format!("DELETE FROM customer_email WHERE customer_seq IN {seqs}"),
            format!("DELETE FROM customer_text WHERE {text_key} IN {seqs}"),
            format!(
                "UPDATE customer SET merged_into = NULL WHERE {}",
                of("merged_into")
            ),
            // Who looked at their card goes with them (views are outside the audit chain).
            format!("DELETE FROM card_view WHERE {}", of("customer_id")),
            format!("DELETE FROM customer WHERE {}", of("id")),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::RetentionItem;

    fn item(customer: &str, kind: RecordKind, id: &str, since: NaiveDate) -> RetentionItem {
        RetentionItem {
            customer_id: customer.into(),
            customer_name: customer.into(),
            kind,
            record_id: id.into(),
            date: since,
            since,
            years: 1,
        }
    }

    #[test]
    fn records_go_kind_by_kind_merged_records_before_their_customer_and_clocks_are_kept() {
        let d = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let report = RetentionReport {
            items: vec![
                item("c1", RecordKind::Incident, "i1", d),
                item("c1", RecordKind::Customer, "c1", d),
                item("c1", RecordKind::Customer, "m1", d),
                item("c2", RecordKind::Letter, "l2", d),
                item("c2", RecordKind::Incident, "i2", d),
            ],
            ..RetentionReport::default()
        };
        let steps: Vec<(RecordKind, Vec<String>)> = removal_steps(&report);
        assert_eq!(
            steps,
            vec![
                (RecordKind::Letter, vec!["l2".to_string()]),
                (RecordKind::Incident, vec!["i1".into(), "i2".into()]),
                (RecordKind::Customer, vec!["m1".into()]),
                (RecordKind::Customer, vec!["c1".into()]),
            ]
        );
        // c1 goes entirely; c2 stays and keeps the clock its removed records counted from.
        assert_eq!(
            clocks_kept(&report),
            vec![("c2".into(), time::london_midnight(d))]
        );
        let batches = vec![("c2".to_string(), "b2".to_string())];
        assert_eq!(
            told(&report, &batches),
            vec![("c2".into(), vec!["l2".into(), "i2".into(), "b2".into()])]
        );
        assert_eq!(forgotten(&report, &batches).len(), 6);
        assert!(tells_of("{\"case\":\"i2\"}", &["i2".into()]));
    }
}
