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

/// What a check says of a schema other than this build's (`opened`: how safedesk comes to the
/// database, "opens it" or "connects to it"), if anything.
pub fn schema_note(found: u32, supported: u32, opened: &str) -> Option<String> {
    if found > supported {
        Some(format!(
            "This database was made by a newer safedesk (schema {found}; this copy understands up to {supported}). Install the newer safedesk before using it."
        ))
    } else if found < supported {
        Some(format!(
            "This database uses an older schema ({found}; this safedesk uses {supported}). It is brought up to date the next time safedesk {opened} without --read-only."
        ))
    } else {
        None
    }
}
