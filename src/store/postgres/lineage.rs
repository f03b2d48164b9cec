//! Where records went on the server (as `sqlite/lineage.rs`): the records merged into a
//! customer's, and into those.

use super::statements::Tx;
use crate::domain::Id;

/// The records merged into `customer`, and into those, as far down as they go (at most 1000),
/// in the order the SQLite store finds them (each level by the order they were added).
pub(super) fn merged_into(tx: &mut Tx<'_>, customer: Id) -> Result<Vec<Id>, ::postgres::Error> {
    let mut merged: Vec<Id> = Vec::new();
    let mut frontier = vec![customer];
    while let Some(id) = frontier.pop() {
        let found = tx.query(
            "SELECT id FROM customer WHERE merged_into = $1 ORDER BY seq",
            &[&id],
        )?;
        for f in found {
            let f: Id = f.get(0);
            if merged.len() < 1000 {
                merged.push(f);
                frontier.push(f);
            }
        }
    }
    Ok(merged)
}
