//! Ids: UUIDs made by the client, so an entry written twice (for example replayed from the local
//! outbox) is recognised as the same.

use uuid::Uuid;

/// A row id made by the client.
pub type Id = Uuid;

/// A new random id.
pub fn new_id() -> Id {
    Uuid::new_v4()
}
