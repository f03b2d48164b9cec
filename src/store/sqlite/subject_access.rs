//! Subject access: everything held about one person, read in one transaction.

use super::audit::entries_about;
use super::decisions::cases_for;
use super::records::history;
use super::values::parse_id;
use crate::domain::{ids_in, Id, SubjectAccess};
use chrono::Utc;
use rusqlite::{OptionalExtension, Transaction};
use std::collections::BTreeSet;

/// Everything held about `customer`: their details and history, every case, the letters'
/// text, and the audit entries about them and each of their records. Other people named in it
/// (by an id in an audit entry or in free text) are listed in `others` and taken out.
pub(super) fn gather(
    tx: &Transaction<'_>,
    customer: Id,
) -> rusqlite::Result<Option<SubjectAccess>> {
    let Some(h) = history(tx, customer)? else {
        return Ok(None);
    };
    let cases = cases_for(tx, customer)?;
    // Records merged into theirs are theirs (a visitor linked to them, a duplicate).
    let merged = super::lineage::merged_into(tx, customer)?;
    let letter_bodies: Vec<(Id, String)> = tx
        .prepare_cached("SELECT id, body FROM letter WHERE customer_id = ?1 ORDER BY created_at")?
        .query_map([customer.to_string()], |r| {
            Ok((parse_id(&r.get::<_, String>(0)?)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
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
    let ids: Vec<String> = ids.into_iter().collect();
    let mut audit = Vec::new();
    for chunk in ids.chunks(500) {
        audit.extend(entries_about(tx, chunk)?);
    }
    audit.sort_by(|a, b| a.at.cmp(&b.at));
    let mut sa = SubjectAccess {
        made_at: Utc::now(),
        history: h,
        cases,
        audit,
        others: Vec::new(),
        merged,
        letter_bodies,
    };
    // Other people: any customer whose id is written in what is held.
    let theirs: BTreeSet<String> = std::iter::once(customer.to_string())
        .chain(sa.merged.iter().map(|m| m.to_string()))
        .collect();
    let mut mentioned: BTreeSet<String> = BTreeSet::new();
    let text = serde_json::to_string(&sa).unwrap_or_default();
    mentioned.extend(ids_in(&text));
    for (_, body) in &sa.letter_bodies {
        mentioned.extend(ids_in(body));
    }
    for id in mentioned.difference(&theirs) {
        let name: Option<Option<String>> = tx
            .prepare_cached(
                "SELECT coalesce(name, 'Unidentified visitor: ' || description) FROM customer \
                 WHERE id = ?1",
            )?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if let Some(name) = name {
            sa.others.push((id.clone(), name.unwrap_or_default()));
        }
    }
    sa.scrub_others();
    Ok(Some(sa))
}
