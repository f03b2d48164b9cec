//! What `safedesk check` and `safedesk backup` report, and the record counts both give.

use serde::Serialize;

/// Counts for `safedesk check` and the status bar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub staff: u64,
    pub customers: u64,
    pub incidents: u64,
    pub decisions: u64,
    pub restrictions: u64,
    pub letters: u64,
    pub audit: u64,
}

/// One broken link found by `safedesk check`: a record pointing at a record that is not there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForeignKeyProblem {
    /// The table holding the record with the broken link.
    pub table: String,
    /// That record's rowid (none for tables without rowids).
    pub rowid: Option<i64>,
    /// The column (or columns, comma-separated) holding the link.
    pub column: String,
    /// The table the link should point into.
    pub parent: String,
}

/// `safedesk check` lists the letters owed to customers for more than this many days.
pub const LETTERS_LATE_AFTER_DAYS: i64 = 14;

/// What `safedesk check` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub location: String,
    /// `integrity_check` (everything) or `quick_check` (faster; skips matching indexes to tables).
    pub check: String,
    /// True when SQLite found no damage and no broken links.
    pub ok: bool,
    /// SQLite's own words for the first damage it found (at most 20).
    pub integrity_problems: Vec<String>,
    /// How much damage it found in all (it stops counting at 1000).
    pub integrity_problem_count: u64,
    /// The first broken links (at most 20).
    pub foreign_key_problems: Vec<ForeignKeyProblem>,
    pub foreign_key_problem_count: u64,
    /// The database's schema version (`PRAGMA user_version`) and the newest this build knows.
    pub schema_version: u32,
    pub supported_schema_version: u32,
    pub journal_mode: String,
    pub page_size: u64,
    pub page_count: u64,
    /// Pages inside the file that are empty and waiting to be reused.
    pub free_pages: u64,
    pub file_size: u64,
    /// None when the records could not be counted (see `notes`).
    pub counts: Option<Counts>,
    /// Plain-English warnings that are not damage (a newer schema, a WAL journal, ...).
    pub notes: Vec<String>,
    /// Letters owed to customers for more than [`LETTERS_LATE_AFTER_DAYS`] days, oldest first.
    pub letters_late: Vec<super::letter::OwedLetter>,
    /// The organisation's details every letter needs that are empty (`address`, `phone`,
    /// `email`, `complaints`): no letter can be saved until they are set.
    pub organisation_missing: Vec<String>,
    /// What following the audit's hash chain found; None when the schema is older than the
    /// chain (see `notes`).
    pub audit_chain: Option<super::AuditChainReport>,
    pub took_ms: u64,
}

/// What `safedesk backup` made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupReport {
    pub source: String,
    pub dest: String,
    /// The size of the finished copy.
    pub bytes: u64,
    pub pages: u64,
    pub page_size: u64,
    pub took_ms: u64,
    /// How often the copy started over because another instance saved a change during it.
    pub restarts: u32,
    /// The records in the copy, counted after it passed its integrity check.
    pub counts: Option<Counts>,
}
