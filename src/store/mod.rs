//! The store: every line of SQL in safedesk lives below this module, behind the [`Store`] trait,
//! so that a later PostgreSQL backend is a new module beside [`sqlite`], not a rewrite.
//!
//! Rules for the shared file (it usually sits on an office network drive): rollback journal
//! (`journal_mode=DELETE`, never WAL), `synchronous=FULL`, `foreign_keys=ON`, a busy timeout,
//! `BEGIN IMMEDIATE` for every write, one short transaction per user action, at most one read
//! transaction per lookup keystroke, and `PRAGMA data_version` polling to notice other instances.

pub mod sqlite;

use crate::domain::{
    Customer, CustomerHistory, Decision, Id, Incident, Letter, NewDecision, NewIncident, NewReview,
    Restriction, Role, Staff,
};
use crate::policy::incident::SaveOutcome;
use crate::policy::Policy;
use serde::Serialize;
use std::path::{Path, PathBuf};
use thiserror::Error;

pub use sqlite::SqliteStore;

/// What can go wrong with the shared database, each with what to do about it.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("There is no safedesk database at {path}. Check the path (--db, SAFEDESK_DB or the config file), or create a new database with: safedesk init --db \"{path}\"")]
    NotFound { path: PathBuf },
    #[error("{path} is a folder, not a database file. Give the path of the .sqlite file inside it with --db.")]
    IsDirectory { path: PathBuf },
    #[error("{path} is not a safedesk database ({detail}). Check that --db names the shared safedesk file.")]
    NotSafedesk { path: PathBuf, detail: String },
    #[error("{path} was made by a newer safedesk (database schema {found}; this copy understands up to {supported}). Install the newer safedesk before opening it.")]
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{path} is read-only, so nothing could be saved to it. Ask IT for write access to the file and its folder, or start with --read-only to look people up without changing anything.")]
    ReadOnly { path: PathBuf },
    #[error("The database is locked by another program and did not free up in time. Close any other program using {path} (for example a database browser or a backup tool) and try again.")]
    Locked { path: PathBuf },
    #[error("The shared database at {path} cannot be reached ({detail}). Check the network drive is connected, then try again.")]
    Unavailable { path: PathBuf, detail: String },
    #[error("{path} is not a demo database, so --demo will not write demo data into it. Leave out --demo to open it, or give --db a new path for a demo database.")]
    NotDemo { path: PathBuf },
    #[error("{0}")]
    NotAllowed(String),
    #[error("{0}")]
    Invalid(String),
    #[error("Someone else changed this record while you were working on it ({0}). Nothing of yours was saved yet, and nothing you typed is lost: the newer version is shown; check it, then save again.")]
    Conflict(String),
    #[error("Not found: {0}")]
    Missing(String),
    #[error("Database problem: {0}")]
    Other(String),
    /// A backup could not be made; the sentence says why and what to do.
    #[error("{0}")]
    Backup(String),
}

impl StoreError {
    /// True when the database could not be written for reasons outside the user's control (the
    /// drive is slow, locked or gone, the file is read-only): the entry belongs in the outbox.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            StoreError::Locked { .. }
                | StoreError::Unavailable { .. }
                | StoreError::ReadOnly { .. }
        )
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// How a store is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    ReadWrite,
    /// Look-ups only: nothing is written, not even the schema.
    ReadOnly,
}

/// Settings for opening the shared file.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub mode: OpenMode,
    /// How long to wait for another instance's lock before giving up (the "patience").
    pub busy_timeout_ms: u64,
    /// SQLite page cache per instance, in KiB.
    pub cache_kib: u32,
    /// The SQLite file layer to open through, by name; None for the platform's own. The
    /// benchmarks and tests name the counting, delaying shim ([`sqlite::shim`]).
    pub vfs: Option<String>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            mode: OpenMode::ReadWrite,
            busy_timeout_ms: 3000,
            cache_kib: 16 * 1024,
            vfs: None,
        }
    }
}

/// Who is acting. Every change is checked against this by the store itself, and audited.
#[derive(Debug, Clone)]
pub struct Actor {
    pub staff: Option<Staff>,
    /// The OS login, kept for the audit log even when it is not a known member of staff.
    pub login: String,
}

impl Actor {
    pub fn role(&self) -> Option<Role> {
        self.staff.as_ref().filter(|s| s.active).map(|s| s.role)
    }

    pub fn name(&self) -> String {
        self.staff
            .as_ref()
            .map(|s| s.display_name.clone())
            .unwrap_or_else(|| self.login.clone())
    }

    /// The sentence shown to someone safedesk does not know.
    pub fn not_known_message(&self) -> String {
        format!(
            "You are signed in as \"{}\", who is not on safedesk's staff list, so you can look people up but not record or change anything. Ask a safedesk admin to run: safedesk staff add {} --name \"Your Name\" --role reception",
            self.login, self.login
        )
    }
}

/// Which field a lookup matched, for showing why a result is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedOn {
    Name(String),
    OtherName(String),
    Phone(String),
    Email(String),
}

impl MatchedOn {
    /// Why a result matched, in words (nothing for a match on the name itself), cleaned for
    /// display.
    pub fn words(&self) -> String {
        let clean = |t: &str| crate::text::sanitise_for_display(t, false);
        match self {
            MatchedOn::Name(_) => String::new(),
            MatchedOn::OtherName(n) => format!("also known as {}", clean(n)),
            MatchedOn::Phone(p) => format!("phone {}", clean(p)),
            MatchedOn::Email(e) => format!("email {}", clean(e)),
        }
    }
}

/// One lookup result: the customer and enough of their history to state their restrictions and
/// where they stand against the threshold. Incident descriptions are left out of lookups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LookupHit {
    pub history: CustomerHistory,
    pub matched: MatchedOn,
    pub score: u32,
}

/// A new customer or unidentified visitor (or a customer's details as changed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewCustomer {
    pub id: Option<Id>,
    pub name: Option<String>,
    pub other_names: Vec<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub postcode: String,
    pub description: String,
    pub notes: String,
}

/// Records loaded in bulk (demo data, benchmarks, imports), in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Bulk {
    pub staff: Vec<Staff>,
    pub customers: Vec<Customer>,
    pub incidents: Vec<Incident>,
    pub decisions: Vec<Decision>,
    pub restrictions: Vec<Restriction>,
    pub letters: Vec<Letter>,
}

impl Bulk {
    /// Each loaded customer's history, from the records in this bulk (records about customers
    /// not in it are left out). Incidents in the order they were logged, as the store keeps them.
    pub fn histories(&self) -> std::collections::BTreeMap<Id, CustomerHistory> {
        let mut out: std::collections::BTreeMap<Id, CustomerHistory> = self
            .customers
            .iter()
            .map(|c| (c.id, CustomerHistory::new(c.clone())))
            .collect();
        for i in &self.incidents {
            if let Some(h) = out.get_mut(&i.customer_id) {
                h.incidents.push(i.clone());
            }
        }
        for d in &self.decisions {
            if let Some(h) = out.get_mut(&d.customer_id) {
                h.decisions.push(d.clone());
            }
        }
        for r in &self.restrictions {
            if let Some(h) = out.get_mut(&r.customer_id) {
                h.restrictions.push(r.clone());
            }
        }
        for l in &self.letters {
            if let Some(h) = out.get_mut(&l.customer_id) {
                h.letters.push(l.clone());
            }
        }
        for h in out.values_mut() {
            h.incidents.sort_by_key(|i| i.logged_at);
            h.decisions.sort_by_key(|d| d.decided_at);
        }
        out
    }
}

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

/// Why a case is in the manager's escalation queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum CaseReason {
    ImmediateThreat,
    Breach,
    Threshold,
    ReviewDue,
    CustomerRequest,
}

impl CaseReason {
    pub const ALL: [CaseReason; 5] = [
        CaseReason::ImmediateThreat,
        CaseReason::Breach,
        CaseReason::Threshold,
        CaseReason::ReviewDue,
        CaseReason::CustomerRequest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseReason::ImmediateThreat => "immediate_threat",
            CaseReason::Breach => "breach",
            CaseReason::Threshold => "threshold",
            CaseReason::ReviewDue => "review_due",
            CaseReason::CustomerRequest => "customer_request",
        }
    }

    pub fn parse(s: &str) -> Option<CaseReason> {
        CaseReason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseReason::ImmediateThreat => "Immediate threat",
            CaseReason::Breach => "Breach of an active restriction",
            CaseReason::Threshold => "Incident threshold reached",
            CaseReason::ReviewDue => "Review due",
            CaseReason::CustomerRequest => "Customer asked for a review or complained",
        }
    }
}

/// An open escalation case, as the queue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseSummary {
    pub id: Id,
    pub customer_id: Id,
    pub customer_name: String,
    pub reason: CaseReason,
    pub opened_at: chrono::DateTime<chrono::Utc>,
    pub incidents: Vec<Id>,
    /// The name of the manager it is assigned to, and their id.
    pub assigned_to: Option<String>,
    pub assigned_to_id: Option<Id>,
    /// An immediate restriction was decided; the case waits for the written confirmation to be
    /// sent, or for the reason it was not possible. The decision is `decision_id`.
    pub waiting_for_confirmation: bool,
    pub decision_id: Option<Id>,
    /// What the customer asked for, when they opened it by asking for a review or complaining.
    pub note: String,
    /// Bumped on every change, so two managers never decide the same case over each other.
    pub version: i64,
}

impl CaseSummary {
    /// Why it is in the queue, in words: the reason, or that a letter is what it waits for.
    pub fn why(&self) -> String {
        if self.waiting_for_confirmation {
            "Written confirmation owed (immediate restriction)".to_string()
        } else {
            self.reason.label().to_string()
        }
    }
}

/// The line above the queue: what a manager has outstanding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueSummary {
    pub open_cases: u64,
    /// Customers with a restriction whose review date has passed.
    pub overdue_reviews: u64,
    /// Decisions that restricted someone and whose letter has not gone yet.
    pub letters_owed: u64,
}

/// The manager's queue: the open cases and the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Queue {
    pub cases: Vec<CaseSummary>,
    pub summary: QueueSummary,
}

/// What recording a decision did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DecisionSaved {
    /// It was saved before (a second press, a replay): nothing changed.
    pub already_saved: bool,
    pub restrictions: usize,
    pub cases_closed: usize,
    /// A letter is owed to the customer (anything was restricted).
    pub letter_owed: bool,
    /// An immediate restriction: its case stays open until the written confirmation is sent.
    pub confirmation_owed: bool,
}

/// What recording a review did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReviewSaved {
    pub already_saved: bool,
    pub ended: usize,
    pub continued: usize,
    pub added: usize,
    pub cases_closed: usize,
}

/// How a letter went to the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentHow {
    Post,
    Email,
    ByHand,
}

impl SentHow {
    pub const ALL: [SentHow; 3] = [SentHow::Post, SentHow::Email, SentHow::ByHand];

    pub fn as_str(self) -> &'static str {
        match self {
            SentHow::Post => "post",
            SentHow::Email => "email",
            SentHow::ByHand => "by_hand",
        }
    }

    pub fn parse(s: &str) -> Option<SentHow> {
        SentHow::ALL.into_iter().find(|h| h.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            SentHow::Post => "by post",
            SentHow::Email => "by email",
            SentHow::ByHand => "by hand",
        }
    }
}

/// A letter produced in the app, to keep with the customer's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewLetter {
    pub id: Id,
    pub customer_id: Id,
    pub decision_id: Option<Id>,
    pub case_id: Option<Id>,
    /// The template's kind ("restriction_notice", ...).
    pub kind: String,
    /// The letter as saved (Markdown).
    pub body: String,
    /// Where it was saved.
    pub file: String,
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub at: String,
    pub who: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The storage a running safedesk talks to.
pub trait Store: Send {
    /// Where the data lives, for messages and the status bar.
    fn location(&self) -> String;
    /// Changes whenever another connection commits; cheap to poll.
    fn data_version(&mut self) -> Result<i64>;
    fn is_demo(&mut self) -> Result<bool>;
    /// The database's own id, the same however its file is reached.
    fn database_id(&mut self) -> Result<String>;
    fn schema_version(&mut self) -> Result<u32>;
    fn counts(&mut self) -> Result<Counts>;

    fn staff_by_login(&mut self, login: &str) -> Result<Option<Staff>>;
    fn list_staff(&mut self) -> Result<Vec<Staff>>;
    fn add_staff(
        &mut self,
        actor: &Actor,
        login: &str,
        display_name: &str,
        role: Role,
    ) -> Result<Staff>;
    fn set_staff_role(&mut self, actor: &Actor, login: &str, role: Role) -> Result<Staff>;
    fn set_staff_active(&mut self, actor: &Actor, login: &str, active: bool) -> Result<Staff>;

    /// Search as you type: names and other names, phone numbers in any UK form, email addresses.
    /// At most one read transaction.
    fn lookup(&mut self, query: &str, limit: usize) -> Result<Vec<LookupHit>>;
    /// Everything about one customer, for the card.
    fn history(&mut self, customer: Id) -> Result<Option<CustomerHistory>>;
    fn add_customer(&mut self, actor: &Actor, c: NewCustomer) -> Result<Customer>;
    /// Replace a customer's details. `expected_version` is the version the person was shown;
    /// if someone else changed the customer since, nothing is written and `Conflict` says so.
    fn update_customer(
        &mut self,
        actor: &Actor,
        id: Id,
        edit: NewCustomer,
        expected_version: i64,
    ) -> Result<Customer>;

    /// Save an incident in one write transaction, creating the customer when it is new and
    /// opening (or joining) an escalation case when the rules say so. Saving the same incident id
    /// again changes nothing and reports `already_saved`, so a replay from the outbox is safe.
    fn record_incident(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        inc: &NewIncident,
    ) -> Result<SaveOutcome>;
    /// Withdraw an incident (it stays in the history, marked, and stops counting). Only the
    /// person who logged it or a manager may.
    fn withdraw_incident(&mut self, actor: &Actor, incident: Id, reason: &str) -> Result<()>;
    /// Correct an incident (not who it is about: link records for that). Only the person who
    /// logged it or a manager may; `expected_version` is the version they were shown, and a
    /// newer one is refused as a conflict so no correction silently overwrites another.
    fn amend_incident(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        amended: &NewIncident,
        expected_version: i64,
    ) -> Result<SaveOutcome>;
    /// Move everything recorded against an unidentified visitor to a customer, and retire the
    /// visitor's record.
    fn link_visitor(&mut self, actor: &Actor, visitor: Id, customer: Id) -> Result<()>;
    /// Escalation cases not yet closed, oldest first.
    fn open_cases(&mut self) -> Result<Vec<CaseSummary>>;
    /// The manager's queue. Restrictions whose review date (a Europe/London date) has come by
    /// `today` get a review case first, in a short write, when `actor` may decide and any is
    /// missing; the rest is one read.
    fn queue(&mut self, actor: &Actor, today: chrono::NaiveDate) -> Result<Queue>;
    /// One case, open or closed.
    fn case(&mut self, case: Id) -> Result<Option<CaseSummary>>;
    /// A customer's open cases, oldest first.
    fn open_cases_for(&mut self, customer: Id) -> Result<Vec<CaseSummary>>;
    /// Assign a case to a manager (None: to nobody). `expected_version` is the version shown.
    fn assign_case(
        &mut self,
        actor: &Actor,
        case: Id,
        to: Option<Id>,
        expected_version: i64,
    ) -> Result<()>;
    /// Open a case because the customer asked for a review or complained. Any member of staff
    /// may: it is often the phone team who hear it.
    fn customer_request(&mut self, actor: &Actor, customer: Id, note: &str) -> Result<Id>;
    /// Record a manager's decision: its restrictions begin, the cases it answers close (an
    /// immediate restriction's stays open until its written confirmation is sent). Managers and
    /// admins only; checked against the same rules as the form.
    fn record_decision(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        d: &NewDecision,
    ) -> Result<DecisionSaved>;
    /// Record a review: lift, continue or change the reviewed restrictions; review cases close.
    fn record_review(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        r: &NewReview,
    ) -> Result<ReviewSaved>;
    /// Keep a letter produced for a customer (not yet sent).
    fn record_letter(&mut self, actor: &Actor, l: &NewLetter) -> Result<()>;
    /// Record that a letter was sent, when and how. The decision it belongs to no longer owes
    /// one, and a case waiting for written confirmation closes.
    fn letter_sent(
        &mut self,
        actor: &Actor,
        letter: Id,
        on: chrono::NaiveDate,
        how: SentHow,
    ) -> Result<()>;
    /// Record why written confirmation of an immediate restriction was not possible; its case
    /// closes.
    fn confirmation_not_possible(
        &mut self,
        actor: &Actor,
        decision: Id,
        reason: &str,
    ) -> Result<()>;

    /// Load many records at once (demo data, benchmarks).
    /// Load many records at once, opening the escalation cases the policy's rules call for.
    fn bulk_load(&mut self, actor: &Actor, policy: &Policy, bulk: &Bulk) -> Result<()>;
    fn audit_for(&mut self, entity_id: &str) -> Result<Vec<AuditEntry>>;

    /// Look the database over for damage and broken links, and report its vital signs
    /// (`safedesk check`). Reads only; each check is its own short read.
    fn check(&mut self, quick: bool) -> Result<CheckReport>;
    /// Make a consistent copy of the database at `dest` while other instances keep working
    /// (`safedesk backup`). The copy is made beside `dest` and renamed into place only once it
    /// has passed an integrity check. An existing `dest` is replaced only when `overwrite`.
    /// `progress` is told the pages copied so far and the pages in all.
    fn backup_to(
        &mut self,
        dest: &Path,
        overwrite: bool,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<BackupReport>;
}
