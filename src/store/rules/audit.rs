//! The audit trail's hash chain (how it works, and how it survives redaction: `sqlite/audit.rs`),
//! computed alike by both engines so a trail copied from one to the other still verifies.

use sha2::{Digest, Sha256};

/// A SHA-256 over tagged, length-prefixed fields.
struct Chain(Sha256);

impl Chain {
    fn new() -> Chain {
        Chain(Sha256::new())
    }

    fn put(&mut self, field: Option<&str>) -> &mut Chain {
        match field {
            None => self.0.update(b"N"),
            Some(s) => {
                self.0.update(b"S");
                self.0.update((s.len() as u64).to_be_bytes());
                self.0.update(s.as_bytes());
            }
        }
        self
    }

    fn hex(&mut self) -> String {
        let digest = std::mem::take(&mut self.0).finalize();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The hash over an entry's content (its before and after).
pub fn content_hash(before: Option<&str>, after: Option<&str>) -> String {
    Chain::new().put(before).put(after).hex()
}

/// The fields of an entry that its chained hash covers.
pub struct Link<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub staff_id: Option<&'a str>,
    pub login: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub content_hash: &'a str,
}

/// The chained hash of an entry, given the previous entry's hash ("" for the first).
pub fn chain_hash(previous: &str, l: &Link<'_>) -> String {
    Chain::new()
        .put(Some(previous))
        .put(Some(&l.seq.to_string()))
        .put(Some(l.at))
        .put(l.staff_id)
        .put(Some(l.login))
        .put(Some(l.action))
        .put(Some(l.entity))
        .put(Some(l.entity_id))
        .put(Some(l.content_hash))
        .hex()
}
