//! What the app and the store worker say to each other: the [`Request`]s the app makes and the
//! [`Reply`]s the worker sends back. They carry plain records and results, never screen state.

use super::local::{Choices, Draft, Local};
use crate::domain::LookupHit;
use crate::domain::{CustomerHistory, Id, NewIncident};
use crate::policy::incident::SaveOutcome;
use chrono::{DateTime, Utc};

/// Asked of the store worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Lookup {
        seq: u64,
        query: String,
    },
    LoadCard {
        id: Id,
    },
    /// A page of the manager's queue: the open cases the query keeps, most urgent first.
    LoadQueue(crate::domain::QueueQuery),
    /// A screenful of the incidents list.
    LoadIncidents(crate::domain::IncidentQuery),
    /// The staff list (for the incidents list's staff filter).
    LoadStaffList,
    /// A screenful of the restrictions in force.
    LoadInForce {
        offset: usize,
        limit: usize,
    },
    /// The reports' figures between two London dates.
    LoadReport {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
    /// A search for the incident form's Who field.
    FormLookup {
        seq: u64,
        query: String,
    },
    SaveIncident(Box<NewIncident>),
    AmendIncident {
        incident: Box<NewIncident>,
        version: i64,
    },
    WithdrawIncident {
        incident: Id,
        reason: String,
    },
    LinkVisitor {
        visitor: Id,
        customer: Id,
    },
    /// Merge two records of one person: `other` into `survivor`, each with the version shown.
    MergeCustomers {
        survivor: (Id, i64),
        other: (Id, i64),
    },
    /// Undo a merge, by its id or its audit entry's number (the audit view's "reverse this
    /// merge"): answered with `Done` or, saying why it is not safe, `SaveFailed`.
    ReverseMerge {
        which: crate::domain::MergeRef,
    },
    /// One case, the customer's history and the staff list.
    LoadCase {
        case: Id,
    },
    AssignCase {
        case: Id,
        to: Option<Id>,
        version: i64,
    },
    SaveDecision(Box<crate::domain::NewDecision>),
    /// Approve, or turn down, a decision waiting for a second person's approval: answered with
    /// `Done` or `SaveFailed`.
    AnswerApproval(crate::domain::ApprovalAnswer),
    SaveReview(Box<crate::domain::NewReview>),
    LetterSent {
        letter: Id,
        on: chrono::NaiveDate,
        how: crate::domain::SentHow,
    },
    ConfirmationNotPossible {
        decision: Id,
        reason: String,
    },
    /// Why the letter a review owes could not be sent (`batch` is the review's id).
    ReviewLetterNotPossible {
        batch: Id,
        reason: String,
    },
    /// The customer asked for a review or complained; `request` is this request's own id, so
    /// it is recorded once however often it is sent.
    CustomerRequest {
        request: Id,
        customer: Id,
        note: String,
    },
    /// Change a customer's details; `version` is the one shown.
    UpdateCustomer {
        id: Id,
        edit: Box<crate::domain::NewCustomer>,
        version: i64,
    },
    /// A manager opened this case: record it in the shared database (the first time only), so
    /// the alert it raised leaves every manager's screen.
    MarkCaseSeen {
        case: Id,
    },
    /// Write a letter's files and keep its record.
    SaveLetter(Box<crate::letters::LetterToSave>),
    /// Write everything held about a customer (a subject access request) into a new folder in
    /// `dir`, and record it in the audit.
    ExportCustomer {
        customer: Id,
        dir: std::path::PathBuf,
    },
    /// Open a letter's printable page (it may be on the shared drive, so never on the screen's
    /// thread) with this computer's program for web pages, or as `with` says.
    OpenPage {
        page: std::path::PathBuf,
        with: crate::letters::OpenWith,
    },
    /// A page of the audit trail (managers and admins; the store checks).
    LoadAudit(crate::domain::AuditQuery),
    /// Dismiss news about incidents this person logged (by their events), on every PC.
    DismissNews {
        events: Vec<String>,
    },
    // Local, on this PC (handled without waiting for the shared drive):
    SaveDraft(Box<Draft>),
    ClearDraft,
    SaveChoices(Choices),
    /// The person using safedesk asks for a debrief after this incident.
    RequestDebrief {
        incident: crate::domain::Id,
    },
    /// A manager held the debrief this case asks for, on that day.
    DebriefHeld {
        case: crate::domain::Id,
        on: chrono::NaiveDate,
    },
}

/// Answered by the store worker.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A printable page was opened, or why not.
    PageOpened {
        page: std::path::PathBuf,
        result: Result<(), String>,
    },
    Lookup {
        seq: u64,
        result: Result<Vec<LookupHit>, String>,
    },
    Card {
        id: Id,
        result: Result<Option<Box<CustomerHistory>>, String>,
    },
    FormLookup {
        seq: u64,
        result: Result<Vec<LookupHit>, String>,
    },
    /// The incident is in the shared database.
    Saved(SaveOutcome),
    /// The shared database could not take it: it is in this PC's outbox.
    Queued {
        reason: String,
    },
    /// Something other than an incident (a customer's details, a review request, a letter
    /// record...) could not be written now: it is in this PC's outbox, written once when the
    /// shared database can be reached. `what` says what it is ("a customer's details").
    Kept {
        what: String,
        reason: String,
    },
    /// The incident was refused (the person must change something); the form stays open.
    SaveFailed(String),
    /// A correction, withdrawal or link was saved: say so.
    Done(String),
    /// How many entries wait in this PC's outbox.
    Outbox(usize),
    /// Entries from the outbox reached the shared database.
    OutboxDelivered(usize),
    /// An outbox entry was refused, or held, and kept aside; or entries wait for another file.
    OutboxRefused(String),
    /// Every open case at once (the app sorts and filters them).
    Queue(Result<crate::domain::Queue, String>),
    /// The letters owed to customers, oldest first (read with the queue).
    LettersOwed(Result<Vec<crate::domain::OwedLetter>, String>),
    /// The page of the queue a [`Request::LoadQueue`] asked for, with its query.
    QueuePage {
        query: crate::domain::QueueQuery,
        result: Result<crate::domain::QueuePage, String>,
    },
    /// The page of the audit trail a [`Request::LoadAudit`] asked for, with its query.
    AuditPage {
        query: crate::domain::AuditQuery,
        result: Result<crate::domain::AuditPage, String>,
    },
    /// The screenful of the incidents list a [`Request::LoadIncidents`] asked for.
    Incidents {
        query: crate::domain::IncidentQuery,
        result: Result<crate::domain::IncidentPage, String>,
    },
    /// The staff list, for the incidents list's staff filter.
    StaffList(Vec<crate::domain::Staff>),
    /// A screenful of the restrictions in force.
    InForce(Result<crate::domain::InForcePage, String>),
    /// The reports' figures.
    Report(Result<crate::domain::Report, String>),
    /// A case, its customer's history and the staff list.
    Case {
        case: Id,
        result: Result<Box<CaseData>, String>,
    },
    DecisionSaved(crate::domain::DecisionSaved),
    /// A letter was written to its files but the database could not record it.
    LetterNotRecorded {
        markdown: std::path::PathBuf,
        html: std::path::PathBuf,
        message: String,
    },
    /// A letter was written to its files and recorded.
    LetterSaved {
        letter: Id,
        what: String,
        markdown: std::path::PathBuf,
        html: std::path::PathBuf,
    },
    ReviewSaved(crate::domain::ReviewSaved),
    /// Another instance changed the shared database.
    Changed,
    /// For managers: the open immediate threats and breaches no manager has opened yet, and
    /// the open cases by kind. Sent at the start and whenever they change.
    Watch(crate::domain::QueueWatch),
    /// An admin set a new policy for the office: the screens use it from now on (`Ok` holds the
    /// policy and what it is: "version 2, set by ... on ..."); `Err` says why this safedesk
    /// cannot use it.
    PolicyChanged(Result<(Box<crate::policy::Policy>, String), String>),
    /// How many managers (other than this window's user) have safedesk open now, from the
    /// presence files beside the database; None when that cannot be known. Sent at the start,
    /// when it changes, and just before the reply to an incident that alerts managers.
    Managers(Option<usize>),
    /// How the last lookup (or card, when `card`) was answered: `from` is when a kept answer was
    /// read, when the shared database could not be read; `took_ms` how long the drive took.
    Answered {
        card: bool,
        from: Option<DateTime<Utc>>,
        took_ms: u64,
    },
    /// The shared database answered again after trouble, or is in trouble now.
    Health(Health),
    /// For admins, once a day: how many records are past their keeping period (the policy's
    /// `[retention]`), so the queue can say a retention run is due.
    RetentionDue(usize),
    /// The shared file reads back but failed its quick check after opening: the sentence to
    /// show. Nothing is saved to it from then on.
    Damaged(String),
    /// What became of the incidents this person logged, not yet dismissed: sent at the start
    /// and whenever it changes (another PC's decision, a dismissal).
    News(crate::domain::HeardBack),
    /// News could not be dismissed, and why (it shows again until it is).
    NewsNotDismissed(String),
}

/// What opening a case loads.
#[derive(Debug, Clone)]
pub struct CaseData {
    pub case: crate::domain::CaseSummary,
    pub history: Option<CustomerHistory>,
    pub staff: Vec<crate::domain::Staff>,
    /// The customer's other open cases.
    pub others: Vec<crate::domain::CaseSummary>,
}

/// Can the shared database be reached?
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    Ok { checked: DateTime<Utc> },
    Trouble(String),
}

/// Carry out a request that only touches this PC (drafts, choices); hand back any other.
pub fn local_request(local: &Local, r: Request) -> Option<Request> {
    let result = match &r {
        Request::SaveDraft(d) => local.save_draft(d),
        Request::ClearDraft => local.clear_draft(),
        Request::SaveChoices(c) => local.save_choices(c),
        _ => return Some(r),
    };
    // A draft that cannot be kept is not worth stopping for: the form still holds the text.
    let _ = result;
    None
}
