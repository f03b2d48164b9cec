//! What the store decides that is not SQL, shared by both engines (`sqlite/` and `postgres/`):
//! each engine reads the facts in its own SQL, hands them here, and writes what comes back. No
//! rusqlite or postgres types here, so a rule is written once and both engines keep it alike.

pub mod audit;
pub mod cases;
pub mod decisions;
pub mod incidents;
pub mod letters;
pub mod lists;
pub mod lookup;
pub mod maintenance;
pub mod merge;
pub mod news;
pub mod queue;
pub mod records;
pub mod retention;
pub mod safety;
pub mod settings;
pub mod staff;
pub mod subject_access;
