//! [`Store`] for [`PgStore`]: each method a read or a write around one of the topic modules
//! beside this one (as `sqlite/mod.rs` is for the file).

use super::prelude::*;
use super::{
    audit, cases, decisions, incidents, letters, lists, lookup, maintenance, merge, news, queue,
    records, retention, safety, settings, staff, subject_access,
};

impl Store for PgStore {
    fn location(&self) -> String {
        self.config.to_string()
    }

    fn announce(&mut self, tag: &str) -> Result<bool> {
        self.announce_as(tag).map(|()| true)
    }

    fn announced(&mut self) -> Result<Option<Vec<String>>> {
        self.announced_tags().map(Some)
    }

    fn data_version(&mut self) -> Result<i64> {
        self.changes_seen()
    }

    fn is_demo(&mut self) -> Result<bool> {
        self.read(|tx| {
            let row = tx.query_opt("SELECT value FROM safedesk_meta WHERE key = 'demo'", &[])?;
            Ok(row.is_some_and(|r| r.get::<_, String>(0) == "1"))
        })
    }

    fn database_id(&mut self) -> Result<String> {
        let id = PgStore::database_id(self)?;
        Ok(if id.is_empty() {
            self.config.to_string()
        } else {
            id
        })
    }

    fn schema_version(&mut self) -> Result<u32> {
        Ok(PgStore::schema_version(self)?)
    }

    fn counts(&mut self) -> Result<Counts> {
        maintenance::counts(self)
    }

    fn staff_by_login(&mut self, login: &str) -> Result<Option<Staff>> {
        staff::staff_by_login(self, login)
    }

    fn list_staff(&mut self) -> Result<Vec<Staff>> {
        staff::list_staff(self)
    }

    fn add_staff(
        &mut self,
        actor: &Actor,
        login: &str,
        display_name: &str,
        role: Role,
    ) -> Result<Staff> {
        staff::add_staff(self, actor, login, display_name, role)
    }

    fn set_staff_role(&mut self, actor: &Actor, login: &str, role: Role) -> Result<Staff> {
        staff::set_staff_role(self, actor, login, role)
    }

    fn set_staff_active(&mut self, actor: &Actor, login: &str, active: bool) -> Result<Staff> {
        staff::set_staff_active(self, actor, login, active)
    }

    fn lookup(&mut self, query: &str, limit: usize) -> Result<Vec<LookupHit>> {
        lookup::lookup(self, query, limit)
    }

    fn history(&mut self, customer: Id) -> Result<Option<CustomerHistory>> {
        records::history(self, customer)
    }

    fn add_customer(&mut self, actor: &Actor, c: NewCustomer) -> Result<Customer> {
        records::add_customer(self, actor, c)
    }

    fn update_customer(
        &mut self,
        actor: &Actor,
        id: Id,
        edit: NewCustomer,
        expected_version: i64,
    ) -> Result<Customer> {
        records::update_customer(self, actor, id, edit, expected_version)
    }

    fn record_incident(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        inc: &NewIncident,
    ) -> Result<SaveOutcome> {
        incidents::record_incident(self, actor, policy, inc)
    }

    fn record_incidents(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        incs: &[NewIncident],
    ) -> Result<Vec<SaveOutcome>> {
        incidents::record_incidents(self, actor, policy, incs)
    }

    fn import_customers(&mut self, actor: &Actor, customers: &[NewCustomer]) -> Result<usize> {
        records::import_customers(self, actor, customers)
    }

    fn withdraw_incident(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        incident: Id,
        reason: &str,
    ) -> Result<CasesChanged> {
        incidents::withdraw_incident(self, actor, policy, incident, reason)
    }

    fn amend_incident(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        amended: &NewIncident,
        expected_version: i64,
    ) -> Result<SaveOutcome> {
        incidents::amend_incident(self, actor, policy, amended, expected_version)
    }

    fn link_visitor(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        visitor: Id,
        customer: Id,
    ) -> Result<CasesChanged> {
        incidents::link_visitor(self, actor, policy, visitor, customer)
    }

    fn merge_customers(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        survivor: (Id, i64),
        other: (Id, i64),
    ) -> Result<MergeSaved> {
        merge::merge_customers(self, actor, policy, survivor, other)
    }

    fn reverse_merge(&mut self, actor: &Actor, which: MergeRef) -> Result<MergeReversed> {
        merge::reverse_merge(self, actor, which)
    }

    fn open_cases(&mut self) -> Result<Vec<CaseSummary>> {
        cases::open_cases(self)
    }

    fn queue(&mut self, actor: &Actor, today: chrono::NaiveDate) -> Result<Queue> {
        queue::queue(self, actor, today)
    }

    fn queue_page(&mut self, query: &QueueQuery, today: chrono::NaiveDate) -> Result<QueuePage> {
        queue::queue_page(self, query, today)
    }

    fn open_due_reviews(&mut self, actor: &Actor, today: chrono::NaiveDate) -> Result<usize> {
        queue::open_due_reviews(self, actor, today)
    }

    fn queue_watch(&mut self) -> Result<QueueWatch> {
        queue::queue_watch(self)
    }

    fn heard_back(&mut self, actor: &Actor, limit: usize) -> Result<crate::domain::HeardBack> {
        news::heard_back(self, actor, limit)
    }

    fn dismiss_news(&mut self, actor: &Actor, events: &[String]) -> Result<usize> {
        news::dismiss_news(self, actor, events)
    }

    fn mark_case_seen(&mut self, actor: &Actor, case: Id) -> Result<bool> {
        cases::mark_case_seen(self, actor, case)
    }

    fn case(&mut self, case: Id) -> Result<Option<CaseSummary>> {
        cases::case(self, case)
    }

    fn open_cases_for(&mut self, customer: Id) -> Result<Vec<CaseSummary>> {
        cases::open_cases_for(self, customer)
    }

    fn assign_case(
        &mut self,
        actor: &Actor,
        case: Id,
        to: Option<Id>,
        expected_version: i64,
    ) -> Result<()> {
        cases::assign_case(self, actor, case, to, expected_version)
    }

    fn customer_request(
        &mut self,
        actor: &Actor,
        request: Id,
        customer: Id,
        note: &str,
    ) -> Result<Id> {
        cases::customer_request(self, actor, request, customer, note)
    }

    fn record_decision(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        d: &NewDecision,
    ) -> Result<DecisionSaved> {
        decisions::record_decision(self, actor, policy, d)
    }

    fn answer_approval(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        a: &ApprovalAnswer,
    ) -> Result<ApprovalSaved> {
        decisions::answer_approval(self, actor, policy, a)
    }

    fn record_review(
        &mut self,
        actor: &Actor,
        policy: &Policy,
        r: &NewReview,
    ) -> Result<ReviewSaved> {
        decisions::record_review(self, actor, policy, r)
    }

    fn record_letter(&mut self, actor: &Actor, l: &NewLetter) -> Result<()> {
        letters::record_letter(self, actor, l)
    }

    fn letter_sent(
        &mut self,
        actor: &Actor,
        letter: Id,
        on: chrono::NaiveDate,
        how: SentHow,
    ) -> Result<()> {
        letters::letter_sent(self, actor, letter, on, how)
    }

    fn confirmation_not_possible(
        &mut self,
        actor: &Actor,
        decision: Id,
        reason: &str,
    ) -> Result<()> {
        letters::confirmation_not_possible(self, actor, decision, reason)
    }

    fn review_letter_not_possible(&mut self, actor: &Actor, batch: Id, reason: &str) -> Result<()> {
        letters::review_letter_not_possible(self, actor, batch, reason)
    }

    fn letters_owed(&mut self) -> Result<Vec<OwedLetter>> {
        letters::letters_owed(self)
    }

    fn incidents_page(
        &mut self,
        actor: &Actor,
        query: &crate::domain::IncidentQuery,
    ) -> Result<crate::domain::IncidentPage> {
        lists::incidents_page(self, actor, query)
    }

    fn in_force_page(
        &mut self,
        actor: &Actor,
        offset: usize,
        limit: usize,
    ) -> Result<crate::domain::InForcePage> {
        lists::in_force_page(self, actor, offset, limit)
    }

    fn report(
        &mut self,
        actor: &Actor,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::domain::Report> {
        lists::report(self, actor, from, to, now)
    }

    fn bulk_load(&mut self, actor: &Actor, policy: &Policy, bulk: &Bulk) -> Result<()> {
        incidents::bulk_load(self, actor, policy, bulk)
    }

    fn audit_for(&mut self, entity_id: &str) -> Result<Vec<AuditEntry>> {
        audit::audit_for(self, entity_id)
    }

    fn audit_page(&mut self, actor: &Actor, query: &AuditQuery) -> Result<AuditPage> {
        audit::audit_page(self, actor, query)
    }

    fn record_views(&mut self, actor: &Actor, views: &[CardView]) -> Result<usize> {
        audit::record_views(self, actor, views)
    }

    fn retention_plan(&mut self, today: chrono::NaiveDate) -> Result<RetentionReport> {
        retention::retention_plan(self, today)
    }

    fn retention_run(
        &mut self,
        actor: &Actor,
        today: chrono::NaiveDate,
    ) -> Result<RetentionReport> {
        retention::retention_run(self, actor, today)
    }

    fn retention_due_step(
        &mut self,
        today: chrono::NaiveDate,
        after: i64,
    ) -> Result<(usize, Option<i64>)> {
        retention::retention_due_step(self, today, after)
    }

    fn subject_access(&mut self, customer: Id) -> Result<Option<SubjectAccess>> {
        subject_access::subject_access(self, customer)
    }

    fn record_export(&mut self, actor: &Actor, customer: Id, folder: &str) -> Result<()> {
        subject_access::record_export(self, actor, customer, folder)
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
        self.write_as(
            actor,
            Role::can_manage_staff,
            "change the office's settings",
            |tx| settings::set(tx, actor, kind, body),
        )
    }

    fn check(&mut self, quick: bool) -> Result<CheckReport> {
        maintenance::check(self, quick)
    }

    fn backup_to(
        &mut self,
        dest: &Path,
        overwrite: bool,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<BackupReport> {
        maintenance::backup_to(self, dest, overwrite, progress)
    }

    fn request_debrief(&mut self, actor: &Actor, incident: Id) -> Result<Id> {
        safety::request_debrief(self, actor, incident)
    }

    fn debrief_held(&mut self, actor: &Actor, case: Id, on: chrono::NaiveDate) -> Result<()> {
        safety::debrief_held(self, actor, case, on)
    }

    fn debriefs_for(&mut self, customer: Id) -> Result<Vec<crate::domain::Debrief>> {
        safety::debriefs_for(self, customer)
    }
}
