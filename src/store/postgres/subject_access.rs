//! Subject access on the server (as `sqlite/subject_access.rs`; what is theirs and who else is
//! named is `rules/subject_access.rs`): everything held about one person, read in one snapshot,
//! and the export of it recorded in the audit trail.

use super::audit::{audit, entries_about};
use super::errors::TxResult;
use super::prelude::*;
use super::statements::Tx;
use crate::store::rules::subject_access as rules;

/// Their details and history, and every case about them, oldest first.
fn history_and_cases(
    tx: &mut Tx<'_>,
    customer: Id,
) -> TxResult<Option<(CustomerHistory, Vec<CaseSummary>)>> {
    let Some(h) = super::records::history_in(tx, customer)? else {
        return Ok(None);
    };
    Ok(Some((h, super::cases::all_for(tx, customer)?)))
}

/// Everything held about `customer` (see `sqlite/subject_access.rs`).
fn gather(tx: &mut Tx<'_>, customer: Id) -> TxResult<Option<SubjectAccess>> {
    let Some((h, cases)) = history_and_cases(tx, customer)? else {
        return Ok(None);
    };
    // Records merged into theirs are theirs (a visitor linked to them, a duplicate).
    let merged = super::lineage::merged_into(tx, customer)?;
    let letter_bodies: Vec<(Id, String)> = tx
        .query(
            "SELECT id, body FROM letter WHERE customer_id = $1 ORDER BY created_at, id",
            &[&customer],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    // (Each closure has the transaction in turn.)
    let tx = std::cell::RefCell::new(tx);
    let sa = rules::gather(
        customer,
        h,
        cases,
        merged,
        letter_bodies,
        |chunk| entries_about(&mut tx.borrow_mut(), chunk),
        |id| {
            let Ok(key) = Id::parse_str(id) else {
                return Ok(None);
            };
            let name = tx.borrow_mut().query_opt(
                "SELECT coalesce(name, 'Unidentified visitor: ' || description) FROM customer \
                 WHERE id = $1",
                &[&key],
            )?;
            Ok(name.map(|r| r.get::<_, Option<String>>(0).unwrap_or_default()))
        },
    )?;
    Ok(Some(sa))
}

pub(super) fn subject_access(s: &mut PgStore, customer: Id) -> Result<Option<SubjectAccess>> {
    s.read(|tx| gather(tx, customer))
}

pub(super) fn record_export(
    s: &mut PgStore,
    actor: &Actor,
    customer: Id,
    folder: &str,
) -> Result<()> {
    s.write_as(
        actor,
        Role::can_decide,
        "export what is held about a customer",
        |tx| {
            audit(
                tx,
                actor,
                "subject access export",
                "customer",
                &customer.to_string(),
                None,
                Some(serde_json::json!({ "folder": folder }).to_string()),
            )?;
            Ok(())
        },
    )
}
