//! The store: every line of SQL in safedesk lives below this module, behind the [`Store`] trait,
//! so that a later PostgreSQL backend is a new module beside [`sqlite`], not a rewrite.
//!
//! Rules for the shared file (it usually sits on an office network drive): rollback journal
//! (`journal_mode=DELETE`, never WAL), `synchronous=FULL`, `foreign_keys=ON`, a busy timeout,
//! `BEGIN IMMEDIATE` for every write, one short transaction per user action, at most one read
//! transaction per lookup keystroke, and `PRAGMA data_version` polling to notice other instances.
//!
//! The `policy` a write is given is the caller's copy, for its messages: the SQLite store runs
//! the rules of the office's policy in force in the database (see `sqlite/settings.rs`), so one
//! PC's own policy file never decides for the office.

pub mod location;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod rules;
pub mod sqlite;

use crate::domain::{
    Actor, ApprovalAnswer, ApprovalSaved, AuditEntry, AuditPage, AuditQuery, BackupReport, Bulk,
    CardView, CaseSummary, CasesChanged, CheckReport, Counts, Customer, CustomerHistory,
    DecisionSaved, Id, LookupHit, MergeRef, MergeReversed, MergeSaved, NewCustomer, NewDecision,
    NewIncident, NewLetter, NewReview, OfficeSetting, OwedLetter, Queue, QueuePage, QueueQuery,
    QueueWatch, RetentionReport, ReviewSaved, Role, SentHow, SettingKind, Staff, SubjectAccess,
};
use crate::policy::incident::SaveOutcome;
use crate::policy::Policy;
use std::path::{Path, PathBuf};
use thiserror::Error;

pub use location::Location;
pub use sqlite::SqliteStore;

/// True when `s` looks like a PostgreSQL address rather than a file path: a `postgres://` or
/// `postgresql://` URL (any capitals).
pub fn is_postgres_address(s: &str) -> bool {
    let l = s.trim_start().to_ascii_lowercase();
    l.starts_with("postgres://") || l.starts_with("postgresql://")
}

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
    #[error("Other PCs' saves kept the database at {address} busy for longer than {seconds} s, so this one stopped waiting; nothing of it was half-saved. Try again in a moment.")]
    ServerBusy { address: String, seconds: u64 },
    #[error("The shared database at {path} cannot be reached ({detail}). Check the network drive is connected, then try again.")]
    Unavailable { path: PathBuf, detail: String },
    /// SQLite found the file damaged, and the file itself reads back (so it is not the drive).
    #[error("The shared database at {path} is damaged ({detail}). Nothing can be saved to it. Stop recording in it and ask IT to restore the newest backup that passes safedesk check (safedesk check says which records are affected).")]
    Damaged { path: PathBuf, detail: String },
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
    /// The database server (PostgreSQL) could not be reached, or the connection to it dropped:
    /// the sentence names the server and says what to do. What was being saved waits.
    #[error("{0}")]
    ServerUnavailable(String),
    /// The database server (PostgreSQL) refused the login or the request: the sentence.
    #[error("{0}")]
    Server(String),
}

impl StoreError {
    /// True when the database could not be written for reasons outside the user's control (the
    /// drive is slow, locked or gone, the file is read-only): the entry belongs in the outbox.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            StoreError::Locked { .. }
                | StoreError::ServerBusy { .. }
                | StoreError::Unavailable { .. }
                | StoreError::ReadOnly { .. }
                | StoreError::ServerUnavailable(_)
        )
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Whether the role `actor` signed in with allows `what` (checked before a write begins; the
/// write reads the role again, [`role_still_allows`]).
pub(crate) fn role_allows(
    actor: &Actor,
    allowed: &impl Fn(Role) -> bool,
    what: &str,
) -> Result<()> {
    match actor.role() {
        None => Err(StoreError::NotAllowed(actor.not_known_message())),
        Some(role) if !allowed(role) => Err(StoreError::NotAllowed(format!(
            "{} is signed in as {role} staff, who cannot {what}. Ask a manager.",
            actor.name()
        ))),
        Some(_) => Ok(()),
    }
}

/// The writer's role and whether they are active, as the staff list has them now (read inside
/// the write), against what the write needs: someone moved to another role, or who left, since
/// this copy started is held to what they are now. `now` is None when they are not on the list.
pub(crate) fn role_still_allows(
    actor: &Actor,
    allowed: &impl Fn(Role) -> bool,
    what: &str,
    now: Option<(String, bool)>,
) -> Result<()> {
    match now {
        Some((role, true)) => match Role::parse(&role) {
            Some(role) if allowed(role) => Ok(()),
            Some(role) => Err(StoreError::NotAllowed(format!(
                "{} is now {role} staff, who cannot {what}. Ask a manager.",
                actor.name()
            ))),
            None => Err(StoreError::NotAllowed(format!(
                "{} has a role safedesk does not know (\"{role}\"), so nothing can be changed. Ask a safedesk admin to set it again.",
                actor.name()
            ))),
        },
        _ => Err(StoreError::NotAllowed(format!(
            "{} is no longer on safedesk's active staff list, so nothing can be changed. Ask a safedesk admin.",
            actor.name()
        ))),
    }
}

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

/// The storage a running safedesk talks to. A boxed store (`Box<dyn Store>`, the engine chosen by
/// the address) and a borrowed one are stores too.
#[auto_impl::auto_impl(&mut, Box)]
pub trait Store: Send {
    /// Where the data lives, for messages and the status bar.
    fn location(&self) -> String;
    /// Search a copy of the lookup's tables kept in `dir` on this PC, brought up to date before
    /// each lookup, when this store keeps one: the file's does (a network drive is slow to read
    /// page by page); a server answers lookups from its own memory, so by default nothing.
    fn use_local_index(&mut self, _dir: &Path, _build_in_background: bool) {}
    /// Say who this running instance is (`tag`, see `sync::presence`) where the database itself
    /// keeps it, so others can count who has safedesk open without anything being written: a
    /// server keeps it with the connection, and forgets it when the connection goes. False when
    /// the database cannot (a file: the presence folder beside it does that instead).
    fn announce(&mut self, _tag: &str) -> Result<bool> {
        Ok(false)
    }
    /// The tags every instance connected now has announced (this one's too); None when the
    /// database cannot say.
    fn announced(&mut self) -> Result<Option<Vec<String>>> {
        Ok(None)
    }
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
    /// Save several incidents in one write transaction (an import's batch), each as
    /// [`Store::record_incident`] saves one: the same checks, the escalation rules run after
    /// each, and one saved before is reported `already_saved`. Any refusal rolls the batch back.
    /// Unlike one typed at the desk, an imported incident may be older than a year (the records
    /// kept before safedesk), up to `policy::incident::HISTORY_YEARS`.
    fn record_incidents(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        incs: &[NewIncident],
    ) -> Result<Vec<SaveOutcome>>;
    /// Add customers in one write transaction (an import's batch), each checked as
    /// [`Store::add_customer`] checks one; a customer whose id is already there is left as it is
    /// (the same file imported again). Returns how many were added.
    fn import_customers(&mut self, actor: &Actor, customers: &[NewCustomer]) -> Result<usize>;
    /// Withdraw an incident (it stays in the history, marked, and stops counting). Only the
    /// person who logged it or a manager may. The escalation rules run again in the same
    /// transaction: a threshold case no longer reached closes; an immediate threat or a breach
    /// stays for a manager. Says what became of the customer's cases.
    fn withdraw_incident(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        incident: Id,
        reason: &str,
    ) -> Result<CasesChanged>;
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
    /// visitor's record. The escalation rules run again for the customer in the same
    /// transaction, so one the visitor's incidents bring to the threshold has a case (and two
    /// open cases for one reason become one). Says which cases were opened.
    fn link_visitor(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        visitor: Id,
        customer: Id,
    ) -> Result<CasesChanged>;
    /// Merge two records of one person: `other`'s history, names, phones, emails, address (when
    /// the survivor has none) and notes join `survivor`'s, open cases of one reason become one,
    /// the escalation rules run again, and `other` is retired (its card says where it went). One
    /// transaction; managers and admins only; each record with the version the manager was
    /// shown (a newer one is a conflict). Unidentified visitors are linked, not merged.
    fn merge_customers(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        survivor: (Id, i64),
        other: (Id, i64),
    ) -> Result<MergeSaved>;
    /// Undo a merge (by its id or its audit entry's number): both records are put back exactly
    /// as they were, unless something recorded or changed since would be lost or misfiled, in
    /// which case nothing changes and the error says what.
    fn reverse_merge(&mut self, actor: &Actor, which: MergeRef) -> Result<MergeReversed>;
    /// Escalation cases not yet closed, oldest first.
    fn open_cases(&mut self) -> Result<Vec<CaseSummary>>;
    /// The manager's queue. Restrictions whose review date (a Europe/London date) has come by
    /// `today` get a review case first, in a short write, when `actor` may decide and any is
    /// missing; the rest is one read.
    fn queue(&mut self, actor: &Actor, today: chrono::NaiveDate) -> Result<Queue>;
    /// A page of the manager's queue, most urgent first, as [`QueueQuery`] asks: its cost is
    /// the page's, not the queue's. Never writes: review cases are opened by
    /// [`Store::open_due_reviews`].
    fn queue_page(&mut self, query: &QueueQuery, today: chrono::NaiveDate) -> Result<QueuePage>;
    /// Open a review case for each restriction in force whose review date (a Europe/London
    /// date) has come by `today` and that has none: a read, and a short write only when one is
    /// missing. Says how many were opened.
    fn open_due_reviews(&mut self, actor: &Actor, today: chrono::NaiveDate) -> Result<usize>;
    /// Open immediate threats and breaches no manager has opened, and the open cases by kind:
    /// one short read, for every manager's screen.
    fn queue_watch(&mut self) -> Result<QueueWatch>;
    /// The reporter hears back: what became of the incidents `actor` logged (sent to a manager,
    /// decided, review held), newest first, the first `limit` they have not dismissed and how
    /// many more. Only their own incidents and only the outcome, whatever their role; nothing
    /// for someone not on the staff list. One read, walked from the incidents they logged.
    fn heard_back(&mut self, actor: &Actor, limit: usize) -> Result<crate::domain::HeardBack>;
    /// Dismiss news (by [`crate::domain::News::event`]) for `actor`, on every PC they sign in
    /// on: a short write; dismissing again changes nothing. Returns how many were new.
    fn dismiss_news(&mut self, actor: &Actor, events: &[String]) -> Result<usize>;
    /// A manager opened the case: recorded the first time only (a small write, and none when it
    /// is already recorded). Returns whether this was the first time.
    fn mark_case_seen(&mut self, actor: &Actor, case: Id) -> Result<bool>;
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
    /// may: it is often the phone team who hear it. `request` is the request's own id: the
    /// same request recorded again changes nothing (a replay from the outbox).
    fn customer_request(
        &mut self,
        actor: &Actor,
        request: Id,
        customer: Id,
        note: &str,
    ) -> Result<Id>;
    /// Record a manager's decision: its restrictions begin, the cases it answers close (an
    /// immediate restriction's stays open until its written confirmation is sent). Managers and
    /// admins only; checked against the same rules as the form.
    fn record_decision(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        d: &NewDecision,
    ) -> Result<DecisionSaved>;
    /// Approve a decision waiting for a second person's approval (it comes into force: its
    /// restrictions begin and its letter is owed) or turn it down with a reason (the cases it
    /// answered open again). Managers and admins as the policy's `[[who_decides]]` says, never
    /// the decision's author; `version` is the decision's version shown, and a newer one is
    /// refused as a conflict. One write transaction; answering again the same way is a no-op.
    fn answer_approval(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        a: &ApprovalAnswer,
    ) -> Result<ApprovalSaved>;
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
    /// Record why the letter a review owes (`batch`, the review's id) could not be sent: it is
    /// no longer owed.
    fn review_letter_not_possible(&mut self, actor: &Actor, batch: Id, reason: &str) -> Result<()>;

    /// Every letter the policy promises a customer that has not gone yet, nor been recorded as
    /// not possible: oldest first. One read.
    fn letters_owed(&mut self) -> Result<Vec<OwedLetter>>;

    /// A screenful of the incidents list, newest first. Reception and phone staff get only the
    /// incidents they logged, whatever the filter asks; someone not on the staff list, none.
    fn incidents_page(
        &mut self,
        actor: &Actor,
        query: &crate::domain::IncidentQuery,
    ) -> Result<crate::domain::IncidentPage>;
    /// A screenful of the restrictions in force with their review dates (managers only).
    fn in_force_page(
        &mut self,
        actor: &Actor,
        offset: usize,
        limit: usize,
    ) -> Result<crate::domain::InForcePage>;
    /// The reports' figures between two London dates, both included (managers only). Reads the
    /// day-by-day counts, not the incidents.
    fn report(
        &mut self,
        actor: &Actor,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::domain::Report>;

    /// Load many records at once (demo data, benchmarks).
    /// Load many records at once, opening the escalation cases the policy's rules call for.
    fn bulk_load(&mut self, actor: &Actor, policy: &Policy, bulk: &Bulk) -> Result<()>;
    fn audit_for(&mut self, entity_id: &str) -> Result<Vec<AuditEntry>>;
    /// A page of the audit log, newest first, filtered by customer, member of staff and dates
    /// (see [`AuditQuery`]); with a customer, also who opened their card while restricted.
    /// Managers and admins only (the role is read again from the staff list): reception and
    /// phone staff are refused.
    fn audit_page(&mut self, actor: &Actor, query: &AuditQuery) -> Result<AuditPage>;
    /// Write the card views gathered on a PC in one short transaction; a view already written
    /// (the same id, from the outbox) is written once. Anyone on the staff list. Returns how
    /// many were new.
    fn record_views(&mut self, actor: &Actor, views: &[CardView]) -> Result<usize>;

    /// What a retention run on `today` (a Europe/London date) would remove under the office's
    /// policy in force, and why: one read (`safedesk retention --dry-run`).
    fn retention_plan(&mut self, today: chrono::NaiveDate) -> Result<RetentionReport>;
    /// Remove what the retention rules say is past its keeping period, worked out again inside
    /// one `BEGIN IMMEDIATE` transaction: admins only, audited (how many and the rules, not
    /// what the records said; audit entries about removed records forget their content).
    /// Returns what was removed, for the caller to delete the letter files of.
    fn retention_run(&mut self, actor: &Actor, today: chrono::NaiveDate)
        -> Result<RetentionReport>;
    /// How many records a retention run on `today` would remove among the next customers after
    /// number `after` (a short read of some hundreds of customers), and the number to go on
    /// from: None when every customer has been read. The queue tells admins the total.
    fn retention_due_step(
        &mut self,
        today: chrono::NaiveDate,
        after: i64,
    ) -> Result<(usize, Option<i64>)>;
    /// How many records a retention run on `today` would remove, read a step at a time.
    fn retention_due(&mut self, today: chrono::NaiveDate) -> Result<usize> {
        let (mut total, mut after) = (0, 0);
        loop {
            match self.retention_due_step(today, after)? {
                (n, Some(next)) => {
                    total += n;
                    after = next;
                }
                (n, None) => return Ok(total + n),
            }
        }
    }
    /// Everything held about one customer, for a subject access request: one read. None when
    /// there is no such customer.
    fn subject_access(&mut self, customer: Id) -> Result<Option<SubjectAccess>>;
    /// Record in the audit that a subject access export of `customer` was written to `folder`:
    /// managers and admins only.
    fn record_export(&mut self, actor: &Actor, customer: Id, folder: &str) -> Result<()>;

    /// The version of one of the office's settings in force (the policy, the organisation's
    /// details, the letter templates); None while the built-in one applies.
    fn office_setting(&mut self, kind: SettingKind) -> Result<Option<OfficeSetting>>;
    /// Set a new version of one of the office's settings: admins only, audited. A policy that
    /// fails the policy's checks is refused with its line. Every PC uses it from then on: the
    /// writes that run the policy's rules read the policy in force inside their transaction.
    fn set_office_setting(
        &mut self,
        actor: &Actor,
        kind: SettingKind,
        body: &str,
    ) -> Result<OfficeSetting>;

    /// Look the database over for damage and broken links, and report its vital signs
    /// (`safedesk check`). Reads only; each check is its own short read.
    fn check(&mut self, quick: bool) -> Result<CheckReport>;
    /// SQLite's quick check of the whole file, run once after opening. When a file that reads
    /// back fails it, the store refuses every write from then on (`StoreError::Damaged`) and
    /// this returns that error's sentence for the screen; None when the file passed.
    fn damage_check(&mut self) -> Result<Option<String>> {
        Ok(None)
    }
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
    /// A member of staff asks for a debrief after an incident, for themself: a "Debrief
    /// requested" case in the manager's queue. Asking again while one is wanted changes
    /// nothing. Returns the case.
    fn request_debrief(&mut self, actor: &Actor, incident: Id) -> Result<Id>;
    /// A manager held the debrief a case asks for, on `on` (today or before): recorded with
    /// their name, and the case closes. Managers and admins only.
    fn debrief_held(&mut self, actor: &Actor, case: Id, on: chrono::NaiveDate) -> Result<()>;
    /// The debriefs asked for after a customer's incidents, oldest first.
    fn debriefs_for(&mut self, customer: Id) -> Result<Vec<crate::domain::Debrief>>;
}
