//! The audit trail's hash chain (how it works, and how it survives redaction: `sqlite/audit.rs`),
//! computed alike by both engines so a trail copied from one to the other still verifies.

use crate::domain::{AuditBreak, AuditChainReport};
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

/// How many entries each read of a chain check follows: each is its own short read, so other
/// PCs can save between them.
pub const CHAIN_STEP: i64 = 20_000;

/// An audit entry as stored, for following the chain.
pub struct Stored<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub staff_id: Option<&'a str>,
    pub login: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    pub content_hash: Option<&'a str>,
    pub hash: Option<&'a str>,
    pub redacted: bool,
    /// Who made it, as the staff list names them now (else the login).
    pub who: &'a str,
}

/// Following the chain, oldest first, entry by entry, as each engine reads them
/// (`safedesk check`): stops at the first entry that does not fit.
#[derive(Default)]
pub struct ChainCheck {
    report: AuditChainReport,
    previous: String,
    last_seq: i64,
}

impl ChainCheck {
    pub fn new() -> ChainCheck {
        ChainCheck::default()
    }

    /// The number of the last entry that fitted (0 before the first): read on after it.
    pub fn last_seq(&self) -> i64 {
        self.last_seq
    }

    /// Whether the chain was found broken.
    pub fn broken(&self) -> bool {
        self.report.first_break.is_some()
    }

    /// Follow one more entry (the next by `seq`); false when it does not fit, and the chain
    /// is not followed further.
    pub fn follow(&mut self, e: &Stored<'_>) -> bool {
        if self.broken() {
            return false;
        }
        self.report.checked += 1;
        if e.redacted {
            self.report.redacted += 1;
        }
        let last_seq = self.last_seq;
        let problem = match (e.content_hash, e.hash) {
            (None, _) | (_, None) => Some(
                "it has no hash: it was added outside safedesk, or after the chain was made"
                    .to_string(),
            ),
            (Some(content), Some(hash)) => {
                if e.redacted && (e.before.is_some() || e.after.is_some()) {
                    Some("it is marked redacted but still holds content, so it was changed outside safedesk".to_string())
                } else if !e.redacted && content_hash(e.before, e.after) != content {
                    Some("its before or after was changed after it was written".to_string())
                } else {
                    let expected = chain_hash(
                        &self.previous,
                        &Link {
                            seq: e.seq,
                            at: e.at,
                            staff_id: e.staff_id,
                            login: e.login,
                            action: e.action,
                            entity: e.entity,
                            entity_id: e.entity_id,
                            content_hash: content,
                        },
                    );
                    if expected == hash {
                        None
                    } else if e.seq != last_seq + 1 && last_seq > 0 {
                        Some(format!(
                            "it does not follow entry {last_seq}: the entries between were removed, or it was put in by hand"
                        ))
                    } else {
                        Some("its time, who made it, what was done or which record was changed after it was written, or an entry before it was removed".to_string())
                    }
                }
            }
        };
        if let Some(problem) = problem {
            self.report.first_break = Some(AuditBreak {
                seq: e.seq,
                at: e.at.to_string(),
                who: e.who.to_string(),
                action: e.action.to_string(),
                problem,
            });
            return false;
        }
        self.previous = e.hash.unwrap_or_default().to_string();
        self.last_seq = e.seq;
        true
    }

    /// What following the chain found.
    pub fn report(self) -> AuditChainReport {
        self.report
    }
}
