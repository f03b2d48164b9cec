//! Merging two records of one person and undoing it, as both engines decide it: what is kept of
//! each record ([`combined`]), which pairs may be merged ([`check_pair`]), the record kept to
//! undo a merge exactly ([`MergeRecord`], the same JSON on both engines, so a merge copied from
//! a file to a server can still be undone there) and what stops an undo ([`undo_problems`]).
//! The engines read and write the rows (`sqlite/merge.rs`, `postgres/merge.rs`).

use crate::domain::{CaseReason, CasesChanged, Customer, Id, MergeReversed, MergeSaved};
use crate::store::{Result, StoreError};
use crate::text;
use crate::time;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One customer's row and contacts, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerSnap {
    pub id: String,
    pub seq: i64,
    pub name: Option<String>,
    pub other_names: Vec<String>,
    pub postcode: String,
    pub description: String,
    pub notes: String,
    pub address: Vec<String>,
    pub large_print: bool,
    pub easy_read: bool,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub version: i64,
    pub merged_into: Option<String>,
}

impl CustomerSnap {
    pub fn display_name(&self) -> String {
        self.customer().display_name()
    }

    /// As the search index wants it.
    pub fn customer(&self) -> Customer {
        Customer {
            id: Id::parse_str(&self.id).unwrap_or_default(),
            name: self.name.clone(),
            other_names: self.other_names.clone(),
            phones: self.phones.clone(),
            emails: self.emails.clone(),
            postcode: self.postcode.clone(),
            address: self.address.clone(),
            large_print: self.large_print,
            easy_read: self.easy_read,
            description: self.description.clone(),
            notes: self.notes.clone(),
            ..Customer::default()
        }
    }
}

/// The columns of a case a merge (or the rules run after it) may change. Ids are text and
/// times are the SQLite file's text (`time::to_db`) on both engines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSnap {
    pub id: String,
    pub customer_id: String,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub decision_id: Option<String>,
    pub waiting: String,
    pub note: String,
    pub assigned_to: Option<String>,
    pub seen_at: Option<String>,
    pub seen_by: Option<String>,
    pub version: i64,
}

/// A row that moved, with its version once moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedRow {
    pub id: String,
    pub version: i64,
}

/// The rows of one record, by table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rows {
    pub incidents: Vec<MovedRow>,
    pub decisions: Vec<MovedRow>,
    pub restrictions: Vec<MovedRow>,
    /// Reviews and letters have no version.
    pub reviews: Vec<String>,
    pub letters: Vec<String>,
}

/// Everything needed to undo a merge exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeRecord {
    pub merge: String,
    pub survivor_before: CustomerSnap,
    pub merged_before: CustomerSnap,
    pub survivor_after_version: i64,
    pub merged_after_version: i64,
    /// What moved from the merged record to the survivor.
    pub moved: Rows,
    /// What the survivor had already.
    pub kept: Rows,
    pub cases_before: Vec<CaseSnap>,
    pub links_before: Vec<(String, String)>,
    pub cases_after: Vec<CaseSnap>,
    pub links_after: Vec<(String, String)>,
}

/// The cases of both records, and the incidents behind them, at one moment.
pub type CasesAt = (Vec<CaseSnap>, Vec<(String, String)>);

impl MergeRecord {
    /// The record of a merge of `o` into `s` (both as they were) just made.
    pub fn new(
        merge: Id,
        s: &CustomerSnap,
        o: &CustomerSnap,
        moved: Rows,
        kept: Rows,
        before: CasesAt,
        after: CasesAt,
    ) -> MergeRecord {
        MergeRecord {
            merge: merge.to_string(),
            survivor_before: s.clone(),
            merged_before: o.clone(),
            survivor_after_version: s.version + 1,
            merged_after_version: o.version + 1,
            moved,
            kept,
            cases_before: before.0,
            links_before: before.1,
            cases_after: after.0,
            links_after: after.1,
        }
    }

    /// What the merge did: `audit_seq` is its audit entry (the number to undo it by), `opened`
    /// the cases the escalation rules opened on the kept record.
    pub fn saved(&self, audit_seq: i64, opened: Vec<CaseReason>) -> Result<MergeSaved> {
        Ok(MergeSaved {
            merge: id(&self.merge)?,
            audit_seq,
            survivor: id(&self.survivor_before.id)?,
            retired: id(&self.merged_before.id)?,
            cases: CasesChanged {
                opened,
                ..CasesChanged::default()
            },
        })
    }

    /// What the audit entry of the merge keeps as "before": both records.
    pub fn audit_before(&self) -> String {
        serde_json::json!({ "survivor": self.survivor_before, "merged": self.merged_before })
            .to_string()
    }

    /// What the retired record's audit entry says.
    pub fn retired_after(&self, audit_seq: i64) -> String {
        serde_json::json!({
            "merged_into": self.survivor_before.id,
            "merge": self.merge,
            "audit": audit_seq
        })
        .to_string()
    }

    /// Read back a stored record.
    pub fn read(record: &str) -> Result<MergeRecord> {
        serde_json::from_str(record).map_err(|e| {
            StoreError::Invalid(format!(
                "That merge's record could not be read ({e}), so it cannot be undone here."
            ))
        })
    }

    /// What the audit entries of an undo keep.
    pub fn undo_about(&self) -> String {
        serde_json::json!({
            "merge": self.merge,
            "survivor": self.survivor_before.id,
            "restored": self.merged_before.id
        })
        .to_string()
    }

    /// What undoing it did.
    pub fn reversed(&self) -> Result<MergeReversed> {
        Ok(MergeReversed {
            merge: id(&self.merge)?,
            survivor: id(&self.survivor_before.id)?,
            restored: id(&self.merged_before.id)?,
            survivor_name: self.survivor_before.display_name(),
            restored_name: self.merged_before.display_name(),
        })
    }
}

/// An id kept as text in a merge's record.
pub fn id(text: &str) -> Result<Id> {
    Id::parse_str(text).map_err(|e| {
        StoreError::Invalid(format!(
            "That merge's record holds a damaged id {text:?} ({e}), so it cannot be undone here."
        ))
    })
}

/// How the case a merge closes says why ("merged into case … when …").
pub const CASES_JOINED: &str = "when two records of one person were merged";

/// A record cannot be merged with itself.
pub fn not_itself(survivor: Id, other: Id) -> Result<()> {
    if survivor == other {
        return Err(StoreError::Invalid(
            "A record cannot be merged with itself: choose the other record of the same person."
                .into(),
        ));
    }
    Ok(())
}

/// Both records exist, are live, named, and as the manager was shown them (`shown`: their
/// versions then).
pub fn check_pair(
    s: Option<CustomerSnap>,
    o: Option<CustomerSnap>,
    shown: (i64, i64),
) -> Result<(CustomerSnap, CustomerSnap)> {
    let s = s.ok_or_else(|| {
        StoreError::Missing("the record to keep is no longer in the database".into())
    })?;
    let o = o.ok_or_else(|| {
        StoreError::Missing("the other record is no longer in the database".into())
    })?;
    for c in [&s, &o] {
        if c.merged_into.is_some() {
            return Err(StoreError::Invalid(format!(
                "{}'s record was already merged into another (or linked to a customer); search for them again.",
                c.display_name()
            )));
        }
        if c.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            return Err(StoreError::Invalid(format!(
                "\"{}\" is an unidentified visitor's record: link it to the customer instead (Link on its card), which moves its incidents across.",
                c.display_name()
            )));
        }
    }
    for (c, shown) in [(&s, shown.0), (&o, shown.1)] {
        if c.version != shown {
            return Err(StoreError::Conflict(format!(
                "{}'s details were changed on another PC",
                c.display_name()
            )));
        }
    }
    Ok((s, o))
}

/// Each record's case waiting for approval holds its own decision: merged, the two cases would
/// become one, answering only one of them. `waiting`: how many of the two records have a
/// decision waiting.
pub fn not_both_waiting(waiting: i64) -> Result<()> {
    if waiting == 2 {
        return Err(StoreError::Invalid(
            "Both records have a decision waiting for a second person's approval: approve or turn down one of them first, then merge.".into(),
        ));
    }
    Ok(())
}

/// The survivor's details once the other's are added: the other's name and other names become
/// other names, phones and emails are joined, the other's address is taken when the survivor
/// has none, the other's notes follow the survivor's, and a need for large print or easy read
/// in either is kept.
pub fn combined(s: &CustomerSnap, o: &CustomerSnap) -> CustomerSnap {
    let mut out = s.clone();
    let key = |n: &str| text::fold(n);
    let mut seen: BTreeSet<String> = s.name.iter().map(|n| key(n)).collect();
    seen.extend(s.other_names.iter().map(|n| key(n)));
    for n in o.name.iter().chain(o.other_names.iter()) {
        if !n.trim().is_empty() && seen.insert(key(n)) {
            out.other_names.push(n.clone());
        }
    }
    let mut phones: BTreeSet<String> = s.phones.iter().filter_map(|p| text::phone_key(p)).collect();
    for p in &o.phones {
        if text::phone_key(p).is_some_and(|k| phones.insert(k)) {
            out.phones.push(p.clone());
        }
    }
    let mut emails: BTreeSet<String> = s.emails.iter().filter_map(|e| text::email_key(e)).collect();
    for e in &o.emails {
        if text::email_key(e).is_some_and(|k| emails.insert(k)) {
            out.emails.push(e.clone());
        }
    }
    if s.address.is_empty() && !o.address.is_empty() {
        out.address = o.address.clone();
        if !o.postcode.trim().is_empty() {
            out.postcode = o.postcode.clone();
        }
    } else if s.postcode.trim().is_empty() {
        out.postcode = o.postcode.clone();
    }
    if s.description.trim().is_empty() {
        out.description = o.description.clone();
    }
    if !o.notes.trim().is_empty() {
        let from = format!(
            "From the record of {} merged into this one on {}:\n{}",
            o.display_name(),
            time::date(time::london_date(Utc::now())),
            o.notes.trim_end()
        );
        out.notes = if s.notes.trim().is_empty() {
            from
        } else {
            format!("{}\n{from}", s.notes.trim_end())
        };
    }
    out.large_print = s.large_print || o.large_print;
    out.easy_read = s.easy_read || o.easy_read;
    out
}

/// No merge has the number or id given.
pub fn no_such_merge() -> StoreError {
    StoreError::Missing(
        "no merge has that number. Give the number of the merge's audit entry (the retired record's card shows it) or the merge's id.".into(),
    )
}

/// The merge was undone already (`when`: the London day, as shown).
pub fn already_undone(when: &str, by: Option<String>) -> StoreError {
    StoreError::Invalid(format!(
        "That merge was already undone on {when} by {}.",
        by.unwrap_or_default()
    ))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn has(n: usize) -> &'static str {
    if n == 1 {
        "has"
    } else {
        "have"
    }
}

/// What a merge's two records and the survivor's rows are now, to check an undo against.
pub struct Now<'a> {
    pub survivor: &'a CustomerSnap,
    pub retired: &'a CustomerSnap,
    /// The survivor's rows.
    pub rows: &'a Rows,
    /// Both records' cases and the incidents behind them.
    pub cases: &'a CasesAt,
}

/// Refuse to undo a merge when something done since would be lost or misfiled, saying what.
pub fn undo_problems(rec: &MergeRecord, now: Now<'_>) -> Result<()> {
    let sid = rec.survivor_before.id.as_str();
    let (s_name, o_name) = (
        rec.survivor_before.display_name(),
        rec.merged_before.display_name(),
    );
    let mut problems: Vec<String> = Vec::new();
    if now.survivor.version != rec.survivor_after_version {
        problems.push(format!(
            "{s_name}'s details have been changed since the merge (undoing it would lose that change)"
        ));
    }
    if now.retired.merged_into.as_deref() != Some(sid)
        || now.retired.version != rec.merged_after_version
    {
        problems.push(format!(
            "{o_name}'s retired record has changed since the merge"
        ));
    }
    let rows = now.rows;
    let moved_since =
        |moved: &[MovedRow], now: &[MovedRow]| moved.iter().filter(|m| !now.contains(m)).count();
    for (what, one, many) in [
        (
            moved_since(&rec.moved.incidents, &rows.incidents),
            "incident",
            "incidents",
        ),
        (
            moved_since(&rec.moved.decisions, &rows.decisions),
            "decision",
            "decisions",
        ),
        (
            moved_since(&rec.moved.restrictions, &rows.restrictions),
            "restriction",
            "restrictions",
        ),
    ] {
        if what > 0 {
            problems.push(format!(
                "{} that came from {o_name}'s record {} been corrected, withdrawn, ended or moved since",
                plural(what, one, many),
                has(what)
            ));
        }
    }
    let gone = rec
        .moved
        .reviews
        .iter()
        .filter(|r| !rows.reviews.contains(r))
        .count()
        + rec
            .moved
            .letters
            .iter()
            .filter(|l| !rows.letters.contains(l))
            .count();
    if gone > 0 {
        problems.push(format!(
            "{} that came from {o_name}'s record {} been moved since",
            plural(gone, "review or letter", "reviews or letters"),
            has(gone)
        ));
    }
    let known = |kept: &[MovedRow], moved: &[MovedRow], now: &[MovedRow]| {
        now.iter()
            .filter(|n| !kept.iter().chain(moved).any(|k| k.id == n.id))
            .count()
    };
    let known_ids = |kept: &[String], moved: &[String], now: &[String]| {
        now.iter()
            .filter(|n| !kept.iter().chain(moved).any(|k| k == *n))
            .count()
    };
    for (n, one, many) in [
        (
            known(&rec.kept.incidents, &rec.moved.incidents, &rows.incidents),
            "incident",
            "incidents",
        ),
        (
            known(&rec.kept.decisions, &rec.moved.decisions, &rows.decisions),
            "decision",
            "decisions",
        ),
        (
            known(
                &rec.kept.restrictions,
                &rec.moved.restrictions,
                &rows.restrictions,
            ),
            "restriction",
            "restrictions",
        ),
        (
            known_ids(&rec.kept.reviews, &rec.moved.reviews, &rows.reviews),
            "review",
            "reviews",
        ),
        (
            known_ids(&rec.kept.letters, &rec.moved.letters, &rows.letters),
            "letter",
            "letters",
        ),
    ] {
        if n > 0 {
            problems.push(format!(
                "{} {} been recorded for {s_name} since the merge, and could be about either person",
                plural(n, one, many),
                has(n)
            ));
        }
    }
    if now.cases.0 != rec.cases_after || now.cases.1 != rec.links_after {
        problems.push(format!(
            "{s_name}'s cases have been worked on since the merge (a case opened, assigned, decided, closed or given incidents)"
        ));
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid(format!(
            "The merge of {o_name} into {s_name} cannot be undone safely: {}. Nothing was changed; a manager can put these right on the card instead.",
            problems.join("; ")
        )));
    }
    Ok(())
}

impl MergeRecord {
    /// The case-to-incident links the merge added (to take away on undo).
    pub fn links_added(&self) -> impl Iterator<Item = &(String, String)> {
        self.links_after
            .iter()
            .filter(|l| !self.links_before.contains(l))
    }

    /// The links the merge took away (to put back on undo).
    pub fn links_removed(&self) -> impl Iterator<Item = &(String, String)> {
        self.links_before
            .iter()
            .filter(|l| !self.links_after.contains(l))
    }

    /// The cases the merge (or the rules after it) opened (to delete on undo).
    pub fn cases_opened(&self) -> impl Iterator<Item = &CaseSnap> {
        let before: BTreeSet<&str> = self.cases_before.iter().map(|c| c.id.as_str()).collect();
        self.cases_after
            .iter()
            .filter(move |c| !before.contains(c.id.as_str()))
    }
}
