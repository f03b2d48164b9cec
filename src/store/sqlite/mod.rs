//! The SQLite backend: one long-lived connection per running instance, on a file that is usually
//! on a network drive.
//!
//! Where things are, by file:
//!
//! * `conn.rs`: opening and creating the file: the checks before SQLite sees it, the pragmas, the
//!   busy handler set up (`busy.rs` is the handler itself);
//! * `migrations.rs`: the schema, one migration per version, and bringing a file up to date;
//! * `transactions.rs`: how every read and write runs (`BEGIN IMMEDIATE`, the role checks);
//! * `errors.rs`: what a SQLite error means for the person at the desk;
//! * `merge.rs`: merging two records of one person, and undoing a merge;
//! * `staff.rs`, `records.rs` (customers, histories, bulk loads), `incidents.rs` (and running the
//!   escalation rules), `cases.rs` (opening and closing cases), `decisions.rs` (the queue,
//!   decisions, reviews, letters), `audit.rs`: the SQL for each kind of record;
//! * `search_index.rs` keeps the search keys and `lookup.rs` searches them; `local_index.rs`
//!   keeps this PC's copy of what a lookup reads, in step with the shared file's change log;
//! * `settings.rs`: the office's settings (the policy in force, the organisation's details, the
//!   letter templates), and reading the policy in force inside every write that runs its rules;
//! * `values.rs`: ids, times and lists as stored;
//! * `maintenance.rs`: `safedesk check` and `safedesk backup`;
//! * `shim.rs` and `bare.rs`: the measuring file layer and SQL capture for tests and benchmarks.
//!
//! The [`Store`] trait is implemented below, each method a read or a write around one of those.

mod audit;
mod bare;
mod busy;
mod cases;
mod conn;
mod decisions;
mod errors;
mod incidents;
mod lineage;
mod local_index;
mod lookup;
mod maintenance;
mod merge;
pub mod migrations;
mod news;
mod owed;
mod probe;
mod records;
mod retention;
mod safety;
mod search_index;
mod settings;
pub mod shim;
mod staff;
mod stats;
mod subject_access;
mod transactions;
mod values;

use super::{OpenMode, Result, Store};
use crate::domain::{
    Actor, ApprovalAnswer, ApprovalSaved, AuditEntry, AuditPage, AuditQuery, BackupReport, Bulk,
    CardView, CaseSummary, CasesChanged, CheckReport, Counts, Customer, CustomerHistory,
    DecisionSaved, Id, LookupHit, MergeRef, MergeReversed, MergeSaved, NewCustomer, NewDecision,
    NewIncident, NewLetter, NewReview, OfficeSetting, OwedLetter, Queue, QueuePage, QueueQuery,
    QueueWatch, RetentionReport, ReviewSaved, Role, SentHow, SettingKind, Staff, SubjectAccess,
};
use crate::policy::incident::SaveOutcome;
use crate::policy::Policy;
use errors::map_err;
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};

pub use audit::redact_audit_content;
pub use migrations::LATEST as SCHEMA_VERSION;

/// Check a customer's details as saving them would (the same rules as the details form), for an
/// import that checks every row before it writes any: the problem's sentence, or the customer.
pub fn check_customer(c: NewCustomer) -> Result<Customer> {
    records::validate_new_customer(c)
}

/// One running instance's connection to the shared file (opened and created in `conn.rs`).
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    mode: OpenMode,
    /// The office's policy as this connection last read it from the file.
    office_policy: settings::PolicyCache,
    /// The file layer the connection was opened through, by name (None: the platform's).
    vfs: Option<String>,
    /// The file failed its quick check (the first problem): nothing is written to it.
    damaged: Option<String>,
    /// This PC's copy of what a lookup reads (`local_index.rs`), when it keeps one.
    local: local_index::Slot,
    /// Where the last page of the queue read ended, so the next starts from there.
    queue_cursor: Option<decisions::QueueCursor>,
}

impl SqliteStore {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What an error means, once the file has been looked at: SQLite calls a file it could not
    /// read "malformed" (or "not a database") as readily as one that is damaged, so before
    /// either is believed the file is read again; if that fails, it is the drive.
    pub(super) fn judged(&self, e: super::StoreError) -> super::StoreError {
        use super::StoreError;
        let (path, said) = match &e {
            StoreError::Damaged { path, detail } => (path.clone(), detail.clone()),
            StoreError::NotSafedesk { path, detail } => (path.clone(), detail.clone()),
            _ => return e,
        };
        match probe::readable(&path, self.vfs.as_deref()) {
            Ok(()) => e,
            Err(why) => {
                // What the drive gave back instead of pages (zeros from a short read) may be in
                // the page cache: drop it, so that the file is read afresh once it answers.
                let _ = self.conn.execute_batch("PRAGMA shrink_memory");
                StoreError::Unavailable {
                    path,
                    detail: format!("{why}; SQLite said: {said}"),
                }
            }
        }
    }

    /// Run a bare SQL statement for the benchmarks' "same SQL through rusqlite" comparison.
    #[doc(hidden)]
    pub fn raw_connection(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

// Reports and lists of restrictions are for managers and admins.
use crate::store::rules::lists::managers_only;

impl Store for SqliteStore {
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn use_local_index(&mut self, dir: &Path, build_in_background: bool) {
        SqliteStore::use_local_index(self, dir, build_in_background)
    }

    fn data_version(&mut self) -> Result<i64> {
        let path = self.path.clone();
        let v = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| map_err(&path, e));
        v.map_err(|e| self.judged(e))
    }

    fn database_id(&mut self) -> Result<String> {
        let path = self.path.clone();
        self.read(|tx| {
            tx.query_row(
                "SELECT value FROM meta WHERE key = 'database_id'",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()
        })
        .map(|id| id.unwrap_or_else(|| path.display().to_string()))
    }

    fn is_demo(&mut self) -> Result<bool> {
        self.read(|tx| {
            Ok(tx
                .query_row("SELECT value FROM meta WHERE key = 'demo'", [], |r| {
                    r.get::<_, String>(0)
                })
                .optional()?
                .as_deref()
                == Some("1"))
        })
    }

    fn schema_version(&mut self) -> Result<u32> {
        self.read(|tx| tx.query_row("PRAGMA user_version", [], |r| r.get(0)))
    }

    fn counts(&mut self) -> Result<Counts> {
        self.read(|tx| maintenance::counts(tx))
    }

    fn staff_by_login(&mut self, login: &str) -> Result<Option<Staff>> {
        self.read(|tx| staff::staff_by_login(tx, login))
    }

    fn list_staff(&mut self) -> Result<Vec<Staff>> {
        self.read(staff::list_staff)
    }

    fn add_staff(
        &mut self,
        actor: &Actor,
        login: &str,
        display_name: &str,
        role: Role,
    ) -> Result<Staff> {
        let member = crate::store::rules::staff::new_member(login, display_name, role)?;
        self.write_as(actor, Role::can_manage_staff, "add staff", |tx| {
            staff::add(tx, actor, &member)
        })
    }

    fn set_staff_role(&mut self, actor: &Actor, login: &str, role: Role) -> Result<Staff> {
        self.update_staff(actor, login, "change a role", |s| s.role = role)
    }

    fn set_staff_active(&mut self, actor: &Actor, login: &str, active: bool) -> Result<Staff> {
        self.update_staff(actor, login, "change who is active", |s| s.active = active)
    }

    fn lookup(&mut self, query: &str, limit: usize) -> Result<Vec<LookupHit>> {
        if let Some(hits) = self.lookup_local(query, limit) {
            return Ok(hits);
        }
        self.read(|tx| lookup::lookup(tx, query, limit))
    }

    fn history(&mut self, customer: Id) -> Result<Option<CustomerHistory>> {
        self.read(|tx| records::history(tx, customer))
    }

    fn add_customer(&mut self, actor: &Actor, c: NewCustomer) -> Result<Customer> {
        let customer = records::validate_new_customer(c)?;
        self.write_as(
            actor,
            |_| true,
            "add customers",
            |tx| {
                records::insert_customer(tx, &customer)?;
                audit::audit(
                    tx,
                    actor,
                    "add customer",
                    "customer",
                    &customer.id.to_string(),
                    None,
                    Some(serde_json::to_string(&customer).unwrap_or_default()),
                )?;
                Ok(customer.clone())
            },
        )
    }

    fn update_customer(
        &mut self,
        actor: &Actor,
        id: Id,
        edit: NewCustomer,
        expected_version: i64,
    ) -> Result<Customer> {
        self.write_as(
            actor,
            |_| true,
            "change customers' details",
            |tx| records::update_customer(tx, actor, id, edit.clone(), expected_version),
        )
    }

    fn record_incident(
        &mut self,
        actor: &Actor,
        _policy: &Policy,
        inc: &NewIncident,
    ) -> Result<SaveOutcome> {
        self.write_with_policy(actor, incidents::can_record, "record incidents", |tx, p| {
            incidents::record(tx, actor, p, inc, crate::policy::incident::When::Recent)
        })
    }

    fn record_incidents(
        &mut self,
        actor: &Actor,
        _policy: &Policy,
        incs: &[NewIncident],
    ) -> Result<Vec<SaveOutcome>> {
        self.write_with_policy(actor, incidents::can_record, "record incidents", |tx, p| {
            incs.iter()
                .map(|inc| {
                    incidents::record(tx, actor, p, inc, crate::policy::incident::When::History)
                })
                .collect()
        })
    }

    fn import_customers(&mut self, actor: &Actor, customers: &[NewCustomer]) -> Result<usize> {
        let checked = customers
            .iter()
            .map(|c| records::validate_new_customer(c.clone()))
            .collect::<Result<Vec<_>>>()?;
        self.write_as(
            actor,
            |_| true,
            "add customers",
            |tx| {
                let mut added = 0;
                for customer in &checked {
                    let there: Option<i64> = tx
                        .prepare_cached("SELECT seq FROM customer WHERE id = ?1")?
                        .query_row([customer.id.to_string()], |r| r.get(0))
                        .optional()?;
                    if there.is_some() {
                        continue;
                    }
                    records::insert_customer(tx, customer)?;
                    audit::audit(
                        tx,
                        actor,
                        "add customer",
                        "customer",
                        &customer.id.to_string(),
                        None,
                        Some(serde_json::to_string(customer).unwrap_or_default()),
                    )?;
                    added += 1;
                }
                Ok(added)
            },
        )
    }

    fn withdraw_incident(
        &mut self,
        actor: &Actor,
        _policy: &Policy,
        incident: Id,
        reason: &str,
    ) -> Result<CasesChanged> {
        self.write_with_policy(
            actor,
            |_| true,
            "withdraw incidents",
            |tx, p| incidents::withdraw(tx, actor, p, incident, reason),
        )
    }

    fn amend_incident(
        &mut self,
        actor: &Actor,
        _policy: &Policy,
        amended: &NewIncident,
        expected_version: i64,
    ) -> Result<SaveOutcome> {
        self.write_with_policy(
            actor,
            |_| true,
            "correct incidents",
            |tx, p| incidents::amend(tx, actor, p, amended, expected_version),
        )
    }

    fn link_visitor(
        &mut self,
        actor: &Actor,
        _policy: &Policy,
        visitor: Id,
        customer: Id,
    ) -> Result<CasesChanged> {
        self.write_with_policy(
            actor,
            |_| true,
            "link records",
            |tx, p| incidents::link_visitor(tx, actor, p, visitor, customer),
        )
    }

    fn merge_customers(
        &mut self,
        actor: &Actor,
        _policy: &Policy,
        survivor: (Id, i64),
        other: (Id, i64),
    ) -> Result<MergeSaved> {
        self.write_with_policy(
            actor,
            Role::can_decide,
            "merge customer records",
            |tx, p| merge::merge(tx, actor, p, survivor, other),
        )
    }

    fn reverse_merge(&mut self, actor: &Actor, which: MergeRef) -> Result<MergeReversed> {
        self.write_as(actor, Role::can_decide, "undo a merge", |tx| {
            merge::reverse(tx, actor, which)
        })
    }

    fn open_cases(&mut self) -> Result<Vec<CaseSummary>> {
        self.read(decisions::open_cases)
    }

    fn queue(&mut self, actor: &Actor, today: chrono::NaiveDate) -> Result<Queue> {
        // A drive that cannot be written to still shows the queue; the review cases open the
        // next time it can.
        match self.open_due_reviews(actor, today) {
            Err(e) if !e.is_transient() => return Err(e),
            _ => {}
        }
        self.read(|tx| {
            Ok(Queue {
                cases: decisions::open_cases(tx)?,
                summary: decisions::queue_summary(tx, today)?,
            })
        })
    }

    fn incidents_page(
        &mut self,
        actor: &Actor,
        query: &crate::domain::IncidentQuery,
    ) -> Result<crate::domain::IncidentPage> {
        let own = crate::store::rules::lists::own_incidents_only(actor)?;
        self.read(|tx| stats::incidents_page(tx, query, own))
    }

    fn in_force_page(
        &mut self,
        actor: &Actor,
        offset: usize,
        limit: usize,
    ) -> Result<crate::domain::InForcePage> {
        managers_only(actor, "see the restrictions in force as a list")?;
        self.read(|tx| stats::in_force_page(tx, offset, limit))
    }

    fn report(
        &mut self,
        actor: &Actor,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::domain::Report> {
        managers_only(actor, "see the reports")?;
        self.read(|tx| stats::report(tx, from, to, now))
    }

    fn letters_owed(&mut self) -> Result<Vec<OwedLetter>> {
        self.read(owed::letters_owed)
    }

    fn queue_page(&mut self, query: &QueueQuery, today: chrono::NaiveDate) -> Result<QueuePage> {
        let cursor = self.queue_cursor.take();
        let (page, next) =
            self.read(|tx| decisions::queue_page(tx, query, today, cursor.as_ref()))?;
        self.queue_cursor = next;
        Ok(page)
    }

    fn open_due_reviews(&mut self, actor: &Actor, today: chrono::NaiveDate) -> Result<usize> {
        // Reviews that have come since anyone last looked get their case: a write only when one
        // is missing, so on most days this is a single read.
        if self.mode != OpenMode::ReadWrite || !actor.role().is_some_and(Role::can_decide) {
            return Ok(0);
        }
        let missing = self.read(|tx| decisions::reviews_without_case(tx, today))?;
        if missing.is_empty() {
            return Ok(0);
        }
        self.write_as(actor, Role::can_decide, "open review cases", |tx| {
            Ok(decisions::open_review_cases(tx, actor, today)?)
        })
    }

    fn queue_watch(&mut self) -> Result<QueueWatch> {
        self.read(decisions::queue_watch)
    }

    fn heard_back(&mut self, actor: &Actor, limit: usize) -> Result<crate::domain::HeardBack> {
        match (actor.role(), &actor.staff) {
            (Some(_), Some(s)) => {
                let me = s.id;
                self.read(|tx| news::heard_back(tx, me, limit))
            }
            _ => Ok(crate::domain::HeardBack::default()),
        }
    }

    fn dismiss_news(&mut self, actor: &Actor, events: &[String]) -> Result<usize> {
        if events.is_empty() {
            return Ok(0);
        }
        self.write_as(
            actor,
            |_| true,
            "dismiss news",
            |tx| Ok(news::dismiss(tx, actor, events)?),
        )
    }

    fn mark_case_seen(&mut self, actor: &Actor, case: Id) -> Result<bool> {
        // Read first: a write, even one that changes nothing, is not made when it is recorded.
        if self
            .read(|tx| decisions::case(tx, case))?
            .is_some_and(|c| c.seen_at.is_some())
        {
            return Ok(false);
        }
        self.write_as(actor, Role::can_decide, "open cases", |tx| {
            decisions::mark_seen(tx, actor, case)
        })
    }

    fn case(&mut self, case: Id) -> Result<Option<CaseSummary>> {
        self.read(|tx| decisions::case(tx, case))
    }

    fn open_cases_for(&mut self, customer: Id) -> Result<Vec<CaseSummary>> {
        self.read(|tx| decisions::open_cases_for(tx, customer))
    }

    fn assign_case(
        &mut self,
        actor: &Actor,
        case: Id,
        to: Option<Id>,
        expected_version: i64,
    ) -> Result<()> {
        self.write_as(actor, Role::can_decide, "assign cases", |tx| {
            decisions::assign(tx, actor, case, to, expected_version)
        })
    }

    fn customer_request(
        &mut self,
        actor: &Actor,
        request: Id,
        customer: Id,
        note: &str,
    ) -> Result<Id> {
        self.write_as(
            actor,
            |_| true,
            "record a customer's request",
            |tx| decisions::customer_request(tx, actor, request, customer, note),
        )
    }

    fn record_decision(
        &mut self,
        actor: &Actor,
        _policy: &Policy,
        d: &NewDecision,
    ) -> Result<DecisionSaved> {
        self.write_with_policy(
            actor,
            Role::can_decide,
            "record decisions or restrict anyone's access",
            |tx, p| decisions::record_decision(tx, actor, p, d),
        )
    }

    fn answer_approval(
        &mut self,
        actor: &Actor,
        _policy: &Policy,
        a: &ApprovalAnswer,
    ) -> Result<ApprovalSaved> {
        self.write_with_policy(
            actor,
            Role::can_decide,
            "approve or turn down decisions",
            |tx, p| decisions::answer_approval(tx, actor, p, a),
        )
    }

    fn record_review(
        &mut self,
        actor: &Actor,
        _policy: &Policy,
        r: &NewReview,
    ) -> Result<ReviewSaved> {
        self.write_with_policy(
            actor,
            Role::can_decide,
            "review, change or lift restrictions",
            |tx, p| decisions::record_review(tx, actor, p, r),
        )
    }

    fn record_letter(&mut self, actor: &Actor, l: &NewLetter) -> Result<()> {
        let (anyone, what) = crate::store::rules::letters::who_produces(&l.kind);
        self.write_as(
            actor,
            move |r| anyone || r.can_decide(),
            what,
            |tx| decisions::record_letter(tx, actor, l),
        )
    }

    fn letter_sent(
        &mut self,
        actor: &Actor,
        letter: Id,
        on: chrono::NaiveDate,
        how: SentHow,
    ) -> Result<()> {
        let kind: Option<String> = self.read(|tx| {
            tx.prepare_cached("SELECT kind FROM letter WHERE id = ?1")?
                .query_row([letter.to_string()], |r| r.get(0))
                .optional()
        })?;
        let (anyone, what) = crate::store::rules::letters::who_records_sent(kind.as_deref());
        self.write_as(
            actor,
            move |r| anyone || r.can_decide(),
            what,
            |tx| decisions::letter_sent(tx, actor, letter, on, how),
        )
    }

    fn confirmation_not_possible(
        &mut self,
        actor: &Actor,
        decision: Id,
        reason: &str,
    ) -> Result<()> {
        self.write_as(
            actor,
            Role::can_decide,
            "record why written confirmation was not possible",
            |tx| decisions::confirmation_not_possible(tx, actor, decision, reason),
        )
    }

    fn review_letter_not_possible(&mut self, actor: &Actor, batch: Id, reason: &str) -> Result<()> {
        self.write_as(
            actor,
            Role::can_decide,
            "record why a review's letter could not be sent",
            |tx| decisions::review_letter_not_possible(tx, actor, batch, reason),
        )
    }

    fn bulk_load(&mut self, actor: &Actor, _policy: &Policy, bulk: &Bulk) -> Result<()> {
        self.write_with_policy(actor, Role::can_manage_staff, "load data in bulk", |tx, policy| {
            records::bulk_load(tx, bulk)?;
            let before: i64 =
                tx.query_row("SELECT coalesce(max(rowid), 0) FROM escalation_case", [], |r| {
                    r.get(0)
                })?;
            incidents::open_cases_for_bulk(tx, actor, policy, bulk)?;
            // Cases in loaded history were looked at long ago: they do not alert.
            tx.execute(
                "UPDATE escalation_case SET seen_at = opened_at WHERE rowid > ?1 AND seen_at IS NULL",
                [before],
            )?;
            audit::audit(
                tx,
                actor,
                "bulk load",
                "database",
                "",
                None,
                Some(format!(
                    "{{\"customers\":{},\"incidents\":{}}}",
                    bulk.customers.len(),
                    bulk.incidents.len()
                )),
            )?;
            Ok(())
        })
    }

    fn audit_for(&mut self, entity_id: &str) -> Result<Vec<AuditEntry>> {
        self.read(|tx| audit::audit_for(tx, entity_id))
    }

    fn audit_page(&mut self, actor: &Actor, query: &AuditQuery) -> Result<AuditPage> {
        let refused = || {
            super::StoreError::NotAllowed(format!(
                "Only managers and admins can read the audit trail, and {} is not one. Ask a manager.",
                actor.name()
            ))
        };
        if !actor.role().is_some_and(Role::can_decide) {
            return Err(refused());
        }
        let staff = actor.staff.as_ref().map(|s| s.id.to_string());
        // The role as the staff list says now, in the same read as the page.
        let (allowed, page) = self.read(|tx| {
            let role: Option<(String, bool)> = tx
                .prepare_cached("SELECT role, active FROM staff WHERE id = ?1")?
                .query_row([&staff], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let allowed =
                matches!(role, Some((r, true)) if Role::parse(&r).is_some_and(Role::can_decide));
            if !allowed {
                return Ok((false, AuditPage::default()));
            }
            Ok((true, audit::audit_page(tx, query)?))
        })?;
        if allowed {
            Ok(page)
        } else {
            Err(refused())
        }
    }

    fn record_views(&mut self, actor: &Actor, views: &[CardView]) -> Result<usize> {
        if views.is_empty() {
            return Ok(0);
        }
        self.write_as(
            actor,
            |_| true,
            "record who opened a card",
            |tx| Ok(audit::record_views(tx, actor, views)?),
        )
    }

    fn retention_plan(&mut self, today: chrono::NaiveDate) -> Result<RetentionReport> {
        self.read_with_policy(|tx, p| retention::plan(tx, p, today))
    }

    fn retention_run(
        &mut self,
        actor: &Actor,
        today: chrono::NaiveDate,
    ) -> Result<RetentionReport> {
        self.write_with_policy(
            actor,
            Role::can_manage_staff,
            "remove records past their keeping period (admins only)",
            |tx, p| Ok(retention::run(tx, actor, p, today)?),
        )
    }

    fn retention_due_step(
        &mut self,
        today: chrono::NaiveDate,
        after: i64,
    ) -> Result<(usize, Option<i64>)> {
        self.read_with_policy(|tx, p| retention::due_count(tx, p, today, after, 500))
    }

    fn subject_access(&mut self, customer: Id) -> Result<Option<SubjectAccess>> {
        self.read(|tx| subject_access::gather(tx, customer))
    }

    fn record_export(&mut self, actor: &Actor, customer: Id, folder: &str) -> Result<()> {
        self.write_as(
            actor,
            Role::can_decide,
            "export what is held about a customer",
            |tx| {
                audit::audit(
                    tx,
                    actor,
                    "subject access export",
                    "customer",
                    &customer.to_string(),
                    None,
                    Some(serde_json::json!({ "folder": folder }).to_string()),
                )?;
                Ok(())
            },
        )
    }

    fn office_setting(&mut self, kind: SettingKind) -> Result<Option<OfficeSetting>> {
        self.read(|tx| settings::current(tx, kind))
    }

    fn set_office_setting(
        &mut self,
        actor: &Actor,
        kind: SettingKind,
        body: &str,
    ) -> Result<OfficeSetting> {
        let what = match kind {
            SettingKind::Policy => "set the office's policy",
            SettingKind::Organisation => "set the organisation's details for letters",
            SettingKind::LetterTemplates => "set the office's letter templates",
        };
        self.write_as(actor, Role::can_manage_staff, what, |tx| {
            settings::set(tx, actor, kind, body)
        })
    }

    fn check(&mut self, quick: bool) -> Result<CheckReport> {
        maintenance::check(&self.conn, &self.path, quick)
    }

    fn damage_check(&mut self) -> Result<Option<String>> {
        let found = self.read(|tx| {
            let mut st = tx.prepare("PRAGMA quick_check(5)")?;
            let rows = st.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<rusqlite::Result<Vec<String>>>()
        });
        let first = match found {
            Ok(rows) => match rows.into_iter().find(|r| r != "ok") {
                Some(first) => first,
                None => return Ok(None),
            },
            // The check could not finish because what it read is damaged (the file reads back).
            Err(super::StoreError::Damaged { detail, .. }) => detail,
            Err(e) => return Err(e),
        };
        // SQLite's first words are enough for the screen; `safedesk check` lists them all.
        let mut first: String = first.lines().next().unwrap_or_default().to_string();
        if first.chars().count() > 60 {
            first = first.chars().take(59).collect::<String>() + "…";
        }
        self.damaged = Some(first.clone());
        Ok(Some(
            super::StoreError::Damaged {
                path: self.path.clone(),
                detail: first,
            }
            .to_string(),
        ))
    }

    fn backup_to(
        &mut self,
        dest: &Path,
        overwrite: bool,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<BackupReport> {
        maintenance::backup(&self.conn, &self.path, dest, overwrite, progress)
    }

    fn request_debrief(&mut self, actor: &Actor, incident: Id) -> Result<Id> {
        self.write_as(
            actor,
            |_| true,
            "ask for a debrief",
            |tx| safety::request_debrief(tx, actor, incident),
        )
    }

    fn debrief_held(&mut self, actor: &Actor, case: Id, on: chrono::NaiveDate) -> Result<()> {
        self.write_as(actor, Role::can_decide, "record a debrief as held", |tx| {
            safety::debrief_held(tx, actor, case, on)
        })
    }

    fn debriefs_for(&mut self, customer: Id) -> Result<Vec<crate::domain::Debrief>> {
        self.read(|tx| safety::debriefs_for(tx, customer))
    }
}

impl SqliteStore {
    /// As `write_as`, with the office's policy in force read from the file inside the same
    /// transaction: whatever policy the caller holds, the rules run are the office's.
    fn write_with_policy<T>(
        &mut self,
        actor: &Actor,
        allowed: impl Fn(Role) -> bool,
        what: &str,
        mut f: impl FnMut(
            &rusqlite::Transaction<'_>,
            &Policy,
        ) -> std::result::Result<T, errors::TxError>,
    ) -> Result<T> {
        let mut cache = self.office_policy.take();
        let out = self.write_as(actor, allowed, what, |tx| {
            let policy = settings::policy_in_force(tx, &mut cache)?;
            f(tx, &policy)
        });
        self.office_policy = cache;
        out
    }

    /// A read with the office's policy in force read inside the same transaction.
    fn read_with_policy<T>(
        &mut self,
        mut f: impl FnMut(&rusqlite::Transaction<'_>, &Policy) -> rusqlite::Result<T>,
    ) -> Result<T> {
        let mut cache = self.office_policy.take();
        let mut refused: Option<super::StoreError> = None;
        let out = self.read(|tx| match settings::policy_in_force(tx, &mut cache) {
            Ok(p) => f(tx, &p).map(Some),
            Err(errors::TxError::Sql(e)) => Err(e),
            Err(errors::TxError::Store(e)) => {
                refused = Some(e);
                Ok(None)
            }
        });
        self.office_policy = cache;
        match (out, refused) {
            (_, Some(e)) => Err(e),
            (Ok(Some(v)), None) => Ok(v),
            (Ok(None), None) => Err(super::StoreError::Other("no policy".into())),
            (Err(e), None) => Err(e),
        }
    }

    /// Change one member of staff in one write; `what` names the change for messages and the
    /// audit log.
    fn update_staff(
        &mut self,
        actor: &Actor,
        login: &str,
        what: &str,
        mut change: impl FnMut(&mut Staff),
    ) -> Result<Staff> {
        self.write_as(actor, Role::can_manage_staff, what, |tx| {
            staff::update(tx, actor, login, what, &mut change)
        })
    }
}
