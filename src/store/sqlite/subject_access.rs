//! Subject access: everything held about one person, read in one transaction.

use super::audit::entries_about;
use super::decisions::cases_for;
use super::records::history;
use super::values::parse_id;
use crate::domain::{Id, SubjectAccess};
use crate::store::rules::subject_access as rules;
use rusqlite::{OptionalExtension, Transaction};

/// Everything held about `customer`: their details and history, every case, the letters'
/// text, and the audit entries about them and each of their records. Other people named in it
/// (by an id in an audit entry or in free text) are listed in `others` and taken out
/// (`rules/subject_access.rs`, shared with the PostgreSQL store).
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
        .prepare_cached(
            "SELECT id, body FROM letter WHERE customer_id = ?1 ORDER BY created_at, id",
        )?
        .query_map([customer.to_string()], |r| {
            Ok((parse_id(&r.get::<_, String>(0)?)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let sa = rules::gather(
        customer,
        h,
        cases,
        merged,
        letter_bodies,
        |chunk| entries_about(tx, chunk),
        |id| {
            let name: Option<Option<String>> = tx
                .prepare_cached(
                    "SELECT coalesce(name, 'Unidentified visitor: ' || description) \
                     FROM customer WHERE id = ?1",
                )?
                .query_row([id], |r| r.get(0))
                .optional()?;
            Ok(name.map(Option::unwrap_or_default))
        },
    )?;
    Ok(Some(sa))
}
