//! Subject access: which records' audit entries are a person's, putting what is held together,
//! and the other people named in it (to be taken out). Each engine reads the rows.

use crate::domain::{ids_in, AuditEntry, CaseSummary, CustomerHistory, Id, SubjectAccess};
use chrono::Utc;
use std::collections::BTreeSet;

/// The ids whose audit entries are about them: theirs, the records merged into theirs, and
/// each of their records (a review by its id and by its batch), sorted.
pub fn record_ids(
    customer: Id,
    merged: &[Id],
    h: &CustomerHistory,
    cases: &[CaseSummary],
) -> Vec<String> {
    let mut ids: BTreeSet<String> = BTreeSet::new();
    ids.insert(customer.to_string());
    ids.extend(merged.iter().map(|m| m.to_string()));
    ids.extend(h.incidents.iter().map(|i| i.id.to_string()));
    ids.extend(cases.iter().map(|c| c.id.to_string()));
    ids.extend(h.decisions.iter().map(|d| d.id.to_string()));
    ids.extend(h.restrictions.iter().map(|r| r.id.to_string()));
    ids.extend(h.reviews.iter().map(|r| r.id.to_string()));
    ids.extend(h.reviews.iter().map(|r| r.batch.to_string()));
    ids.extend(h.letters.iter().map(|l| l.id.to_string()));
    ids.into_iter().collect()
}

/// What is held, put together (the audit entries oldest first), before others are taken out.
pub fn held(
    history: CustomerHistory,
    cases: Vec<CaseSummary>,
    merged: Vec<Id>,
    letter_bodies: Vec<(Id, String)>,
    mut audit: Vec<AuditEntry>,
) -> SubjectAccess {
    audit.sort_by(|a, b| a.at.cmp(&b.at));
    SubjectAccess {
        made_at: Utc::now(),
        history,
        cases,
        audit,
        others: Vec::new(),
        merged,
        letter_bodies,
    }
}

/// The ids written anywhere in what is held (an audit entry, free text, a letter) that are not
/// theirs nor a record merged into theirs: each may be another person, whose name the engine
/// looks up.
pub fn ids_of_others(sa: &SubjectAccess, customer: Id) -> Vec<String> {
    let theirs: BTreeSet<String> = std::iter::once(customer.to_string())
        .chain(sa.merged.iter().map(|m| m.to_string()))
        .collect();
    let mut mentioned: BTreeSet<String> = BTreeSet::new();
    let text = serde_json::to_string(sa).unwrap_or_default();
    mentioned.extend(ids_in(&text));
    for (_, body) in &sa.letter_bodies {
        mentioned.extend(ids_in(body));
    }
    mentioned.difference(&theirs).cloned().collect()
}

/// Take the other people found (id, name) out of what is held.
pub fn without_others(mut sa: SubjectAccess, others: Vec<(String, String)>) -> SubjectAccess {
    sa.others = others;
    sa.scrub_others();
    sa
}

/// Everything held about `customer`, put together from what the engine read (their history,
/// cases, the records merged into theirs and the letters' text), with the engine's
/// `entries_about(ids)` (the audit entries about any of at most 500 ids) and `name_of(id)`
/// (the name of the customer with that id, if one is held): other people named are taken out.
pub fn gather<E>(
    customer: Id,
    history: CustomerHistory,
    cases: Vec<CaseSummary>,
    merged: Vec<Id>,
    letter_bodies: Vec<(Id, String)>,
    mut entries_about: impl FnMut(&[String]) -> Result<Vec<AuditEntry>, E>,
    mut name_of: impl FnMut(&str) -> Result<Option<String>, E>,
) -> Result<SubjectAccess, E> {
    let ids = record_ids(customer, &merged, &history, &cases);
    let mut audit = Vec::new();
    for chunk in ids.chunks(500) {
        audit.extend(entries_about(chunk)?);
    }
    let sa = held(history, cases, merged, letter_bodies, audit);
    // Other people: any customer whose id is written in what is held.
    let mut others = Vec::new();
    for id in ids_of_others(&sa, customer) {
        if let Some(name) = name_of(&id)? {
            others.push((id, name));
        }
    }
    Ok(without_others(sa, others))
}
