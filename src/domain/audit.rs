//! The audit log as read back: who did what to which record, before and after; who looked at a
//! restricted customer's card; and what `safedesk check` found when it followed the audit's
//! hash chain.

use super::Id;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Its place in the log (and in the hash chain).
    pub seq: i64,
    /// When, as stored (UTC).
    pub at: String,
    /// The staff member's name, or the login when they are not on the staff list.
    pub who: String,
    pub action: String,
    /// What kind of record: customer, incident, case, decision, restriction, letter, ...
    pub entity: String,
    pub entity_id: String,
    /// The customer the entry is about, when it is about one.
    pub customer_id: Option<String>,
    /// JSON, as written; None when there was nothing, or when it was redacted.
    pub before: Option<String>,
    pub after: Option<String>,
    /// Its before and after were blanked (retention); its content hash was kept, so the chain
    /// still holds.
    pub redacted: bool,
}

/// Which audit entries to read: any of a customer, a member of staff and a date range
/// (Europe/London days, both ends included), newest first, a page at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub customer: Option<Id>,
    pub staff: Option<Id>,
    /// Only entries by staff whose name or login holds this text.
    pub who: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only entries older than this one (the last `seq` of the page before); None: the newest.
    pub before_seq: Option<i64>,
    pub limit: usize,
}

/// A page of the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// There are older entries than these.
    pub more: bool,
    /// Who opened the customer's card while they were restricted, newest first (only when the
    /// query names a customer, and only on its first page).
    pub views: Vec<CardViewSeen>,
}

/// A restricted customer's card was opened on a PC: kept there, and written to the shared file
/// with others in one short transaction (at most once a minute, and at exit). Its id makes a
/// repeat (from the outbox) recognised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardView {
    pub id: Id,
    pub customer: Id,
    pub at: DateTime<Utc>,
}

/// A card view as read back, for managers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardViewSeen {
    pub at: DateTime<Utc>,
    /// The staff member's name, or the login.
    pub who: String,
}

/// What following the audit's hash chain found (`safedesk check`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AuditChainReport {
    /// Entries followed.
    pub checked: u64,
    /// Entries whose content was blanked by retention (their content hash still counts).
    pub redacted: u64,
    /// The first entry that does not fit; None when the whole chain holds.
    pub first_break: Option<AuditBreak>,
}

/// The first audit entry that does not fit the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditBreak {
    pub seq: i64,
    /// When it says it was written, as stored (UTC).
    pub at: String,
    pub who: String,
    pub action: String,
    /// What is wrong with it, in words.
    pub problem: String,
}
