//! Merging two records of the same person, and undoing a merge.

use super::case::CasesChanged;
use super::ids::Id;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What a merge did: the merge's own id (and its audit entry's number, either of which undoes
/// it), the record kept and the one retired, and what became of the cases.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MergeSaved {
    pub merge: Id,
    pub audit_seq: i64,
    pub survivor: Id,
    pub retired: Id,
    pub cases: CasesChanged,
}

/// What undoing a merge did: the two records are back as they were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeReversed {
    pub merge: Id,
    pub survivor: Id,
    pub restored: Id,
    /// The two names, for the sentence that says so.
    pub survivor_name: String,
    pub restored_name: String,
}

/// Which merge to undo: by its id or by the number of its audit entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeRef {
    Id(Id),
    AuditSeq(i64),
}

impl MergeRef {
    /// A merge's id (a UUID) or its audit entry's number, as typed.
    pub fn parse(text: &str) -> Option<MergeRef> {
        let t = text.trim().trim_start_matches('#');
        if let Ok(n) = t.parse::<i64>() {
            return (n > 0).then_some(MergeRef::AuditSeq(n));
        }
        t.parse::<Id>().ok().map(MergeRef::Id)
    }
}

/// Where a retired record went: shown on its card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergedInto {
    pub merge: Id,
    pub audit_seq: i64,
    pub into: Id,
    pub into_name: String,
    pub at: DateTime<Utc>,
    pub by: String,
}

impl MergedInto {
    /// "Merged into Yetunde Okonkwo on 24/11/2026 by Sam Patel: search for them. To undo it:
    /// safedesk merge undo 123".
    pub fn sentence(&self) -> String {
        format!(
            "This record was merged into {} on {} by {}: everything about them is on that card; search for them. A manager can undo it with: safedesk merge undo {}",
            self.into_name,
            crate::time::date(crate::time::london_date(self.at)),
            self.by,
            self.audit_seq
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merge_is_named_by_id_or_audit_number() {
        assert_eq!(MergeRef::parse("42"), Some(MergeRef::AuditSeq(42)));
        assert_eq!(MergeRef::parse("#42"), Some(MergeRef::AuditSeq(42)));
        assert_eq!(MergeRef::parse("0"), None);
        let id = crate::domain::new_id();
        assert_eq!(MergeRef::parse(&id.to_string()), Some(MergeRef::Id(id)));
        assert_eq!(MergeRef::parse("yetunde"), None);
    }
}
