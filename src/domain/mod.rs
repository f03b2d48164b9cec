//! What safedesk records: plain data shared by the policy rules, the store and the screens.
//!
//! Nothing here touches the database or the terminal. Ids are UUIDs made by the client, so an
//! entry written twice (for example replayed from the local outbox) is recognised as the same.
//!
//! One file per topic; everything is named from here (`crate::domain::Customer`):
//!
//! * `ids`: [`Id`] and [`new_id`];
//! * `staff`: [`Role`], [`Staff`] and the [`Actor`] doing something;
//! * `customer`: [`Customer`] and [`NewCustomer`];
//! * `incident`: [`Incident`], [`NewIncident`] and its [`Subject`];
//! * `restriction`: [`Restriction`], its [`Review`]s and what the forms ask for;
//! * `decision`: a manager's [`Decision`], [`NewDecision`] and what saving one did;
//! * `letter`: [`Letter`], [`LetterStatus`], [`SentHow`] and [`NewLetter`];
//! * `case`: escalation cases ([`CaseSummary`]) and the manager's [`Queue`];
//! * `history`: a [`CustomerHistory`], and records loaded in [`Bulk`];
//! * `lookup`: a [`LookupHit`] and what it [`MatchedOn`];
//! * `merge`: merging two records of one person ([`MergeSaved`]) and undoing it;
//! * `audit`: an [`AuditEntry`], a page of them ([`AuditPage`]), card views ([`CardView`]) and
//!   what following the hash chain found ([`AuditChainReport`]);
//! * `news`: what became of the incidents someone logged ([`HeardBack`]), for their start screen;
//! * `reports`: what `safedesk check` and `safedesk backup` report;
//! * `retention`: what the retention rules see and remove ([`RetentionItem`]), and everything
//!   held about one person ([`SubjectAccess`]);
//! * `stats`: the incidents list, the restrictions in force and the [`Report`] figures;
//! * `settings`: the office's settings kept in the database ([`OfficeSetting`]): the policy in
//!   force, the organisation's details and the letter templates.

mod audit;
mod case;
mod customer;
mod decision;
mod history;
mod ids;
mod incident;
mod letter;
mod lookup;
mod merge;
mod news;
mod reports;
mod restriction;
mod retention;
mod settings;
mod staff;
mod stats;

pub use audit::{
    AuditBreak, AuditChainReport, AuditEntry, AuditPage, AuditQuery, CardView, CardViewSeen,
};
pub use case::{
    CaseAlert, CaseFilter, CaseReason, CaseSummary, CasesChanged, Queue, QueuePage, QueueQuery,
    QueueSummary, QueueWatch,
};
pub use customer::{
    Customer, LetterFormat, NewCustomer, MAX_ADDRESS_LINE, MAX_ADDRESS_LINES, MAX_POSTCODE,
};
pub use decision::{
    Approval, ApprovalAnswer, ApprovalSaved, ApprovalStatus, Decision, DecisionSaved, NewDecision,
    Outcome,
};
pub use history::{Bulk, CustomerHistory};
pub use ids::{new_id, Id};
pub use incident::{
    Debrief, Harm, Hurt, Incident, NewIncident, Riddor, Subject, Withdrawal, RIDDOR_OWED,
};
pub use letter::{Letter, LetterStatus, NewLetter, OwedFor, OwedLetter, SentHow};
pub use lookup::{LookupHit, MatchedOn};
pub use merge::{MergeRef, MergeReversed, MergeSaved, MergedInto};
pub use news::{HeardBack, News, NewsKind};
pub use reports::{BackupReport, CheckReport, Counts, ForeignKeyProblem, LETTERS_LATE_AFTER_DAYS};
pub use restriction::{
    NewRestriction, NewReview, Restriction, RestrictionParams, Review, ReviewOutcome, ReviewSaved,
};
pub use retention::{
    ids_in, plural as record_kind_plural, scrub, HeldRecord, RecordKind, RetentionFacts,
    RetentionItem, RetentionReport, SubjectAccess,
};
pub use settings::{OfficeSetting, SettingKind};
pub use staff::{Actor, Role, Staff};
pub use stats::{
    check_range, last_months, month_of, next_month, parse_day, sort_most_first, DecisionTimes,
    InForcePage, InForceRow, IncidentFilter, IncidentPage, IncidentQuery, IncidentRow,
    MonthFigures, Report,
};
