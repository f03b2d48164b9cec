//! Where records went: the records merged into a customer's, and into those.

use super::values::parse_id;
use crate::domain::Id;
use rusqlite::Transaction;

/// The records merged into `customer`, and into those, as far down as they go (at most 1000):
/// what was held about them is held about `customer` now (a visitor linked, a duplicate).
pub(super) fn merged_into(tx: &Transaction<'_>, customer: Id) -> rusqlite::Result<Vec<Id>> {
    let mut merged: Vec<Id> = Vec::new();
    let mut frontier = vec![customer.to_string()];
    while let Some(id) = frontier.pop() {
        let found: Vec<String> = tx
            .prepare_cached("SELECT id FROM customer WHERE merged_into = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for f in found {
            if merged.len() < 1000 {
                merged.push(parse_id(&f)?);
                frontier.push(f);
            }
        }
    }
    Ok(merged)
}
