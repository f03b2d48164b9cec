//! What `safedesk check` and the status bar count, alike on both engines.

use crate::domain::Counts;

/// The number of records in each table that matters to people, `n(table)` counting one table.
pub fn counts<E>(mut n: impl FnMut(&str) -> Result<u64, E>) -> Result<Counts, E> {
    Ok(Counts {
        staff: n("staff")?,
        customers: n("customer")?,
        incidents: n("incident")?,
        decisions: n("decision")?,
        restrictions: n("restriction")?,
        letters: n("letter")?,
        audit: n("audit")?,
    })
}
