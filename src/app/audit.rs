//! The audit trail people can read (issue 16, item 1): a customer's history of changes, opened
//! from the card (`h`), and the office-wide trail, opened from the queue (`t`), both for managers
//! and admins only (the store refuses anyone else too). Entries come a page at a time from the
//! store, newest first; the office-wide one is filtered by member of staff (`s`), dates (`d`)
//! and the customer on the card (`c`); `x` clears the filters.
//!
//! Each entry is put in words here: who, when (Europe/London, 24/11/2026 14:02), what, and each
//! field that changed as "Postcode: N3 1QE → N3 2AB", never the JSON it is stored as.
//!
//! **Undo a merge.** On an entry whose action is [`MERGE_ACTION`] ([`AuditView::selected_merge`]),
//! `u` asks "Undo this merge?" and, on y, sends `Request::ReverseMerge` for that entry; the store
//! puts the two records back as they were, or refuses with what since makes that unsafe.

use super::keymap::Action;
use super::manager::TextPurpose;
use super::{App, Notice, Overlay, Prompt};
use crate::domain::{AuditEntry, AuditPage, AuditQuery, CardViewSeen, Id};
use crate::sync::Request;
use crate::time;
use tui_input::Input;

/// Entries read at a time.
pub const PAGE: usize = 50;

/// The action a merge of two customer records is audited as (the merge engineer's).
pub const MERGE_ACTION: &str = "merge customers";

/// The audit trail on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditView {
    /// The customer whose history this is, and their name (None: the office-wide trail).
    pub customer: Option<(Id, String)>,
    /// The filters in force (without the page's place).
    pub query: AuditQuery,
    /// Who the staff filter names, as typed.
    pub who: Option<String>,
    pub entries: Vec<AuditEntry>,
    pub views: Vec<CardViewSeen>,
    pub more: bool,
    pub loaded: bool,
    pub error: Option<String>,
    /// The entry highlighted.
    pub cursor: usize,
}

impl AuditView {
    fn new(customer: Option<(Id, String)>) -> AuditView {
        AuditView {
            query: AuditQuery {
                customer: customer.as_ref().map(|c| c.0),
                limit: PAGE,
                ..AuditQuery::default()
            },
            customer,
            who: None,
            entries: Vec::new(),
            views: Vec::new(),
            more: false,
            loaded: false,
            error: None,
            cursor: 0,
        }
    }

    /// The highlighted entry when it is a merge of two customer records (the place "reverse
    /// this merge" plugs in).
    pub fn selected_merge(&self) -> Option<&AuditEntry> {
        self.entries
            .get(self.cursor)
            .filter(|e| e.action == MERGE_ACTION)
    }

    /// The filters in words, for the title.
    pub fn filters(&self) -> String {
        let mut parts = Vec::new();
        if let Some(who) = &self.who {
            parts.push(format!("by \"{who}\""));
        }
        match (self.query.from, self.query.to) {
            (Some(f), Some(t)) if f == t => parts.push(format!("on {}", time::date(f))),
            (Some(f), Some(t)) => parts.push(format!("{} to {}", time::date(f), time::date(t))),
            _ => {}
        }
        if self.customer.is_none() && self.query.customer.is_some() {
            parts.push("about the customer on the card".into());
        }
        parts.join(", ")
    }
}

/// An audit entry in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// "24/11/2026 14:02"
    pub when: String,
    pub who: String,
    /// "Logged an incident"
    pub what: String,
    /// "Postcode: N3 1QE → N3 2AB", one a field.
    pub changes: Vec<String>,
}

/// What an action is, in words.
fn action_words(action: &str, entity: &str) -> String {
    let words = match action {
        "log incident" => "Logged an incident",
        "correct incident" => "Corrected an incident",
        "withdraw incident" => "Withdrew an incident",
        "add customer" => "Added the customer",
        "edit customer" => "Changed the customer's details",
        "link visitor to customer" => "Linked an unidentified visitor to a customer",
        "open case" => "Opened a case for a manager",
        "close case" => "Closed a case",
        "assign case" => "Assigned a case",
        "customer request" if entity == "case" => "Recorded the customer's request or complaint",
        "customer request" => "Recorded a request's reference",
        "decide" => "Recorded a manager's decision",
        "review" => "Reviewed the restrictions",
        "lift" => "Lifted a restriction",
        "continue" => "Continued a restriction",
        "end at review" => "Ended a restriction at review (changed)",
        "produce letter" => "Produced a letter",
        "letter sent" => "Recorded a letter as sent",
        "confirmation not possible" => "Recorded why written confirmation was not possible",
        "review letter not possible" => "Recorded why a review's letter could not be sent",
        MERGE_ACTION => "Merged two customer records",
        other => return capitalise(other),
    };
    words.to_string()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A field's name in plain English.
fn field_words(key: &str) -> String {
    let known = match key {
        "name" => "Name",
        "other_names" => "Other names",
        "postcode" => "Postcode",
        "address" => "Address",
        "phones" => "Phone numbers",
        "emails" => "Email addresses",
        "description" => "Description",
        "notes" => "Notes",
        "occurred_at" => "When it happened",
        "logged_at" => "When it was logged",
        "channel" => "How",
        "category" | "categories" => "What happened",
        "response" => "What staff did",
        "immediate_threat" => "Immediate threat",
        "withdrawn" => "Withdrawn",
        "reason" => "Reason",
        "why" => "Why",
        "assigned_to" => "Assigned to",
        "kind" => "Kind",
        "outcome" => "Outcome",
        "reasons" => "Reasons",
        "reasons_for_customer" => "Reasons given to the customer",
        "meeting_date" => "Meeting date",
        "attendees" => "Who was at the meeting",
        "review_date" | "review_due" => "Review date",
        "starts_at" => "Starts",
        "ends_at" => "Ends",
        "sent_on" | "sent_at" => "Sent on",
        "how" => "How it was sent",
        "note" => "Note",
        "large_print" => "Large print",
        "easy_read" => "Easy read",
        "minutes" => "Minutes allowed",
        "scope" => "Applies to",
        "file" => "File",
        other => return capitalise(&other.replace('_', " ")),
    };
    known.to_string()
}

/// Fields that are record ids or bookkeeping: not shown.
fn hidden(key: &str) -> bool {
    key == "id"
        || key == "version"
        || key == "seq"
        || key.ends_with("_id")
        || key.ends_with("_by")
        || matches!(
            key,
            "customer" | "case" | "decision" | "request" | "batch" | "created_at" | "updated_at"
        )
}

/// A value in words: dates as 24/11/2026, times in London, yes/no, lists joined.
fn value_words(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "(none)".into(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.is_empty() => "(none)".into(),
        Value::String(s) => {
            if let Some(t) = time::from_db(s) {
                time::date_time(t)
            } else if let Some(d) = time::date_from_db(s) {
                time::date(d)
            } else {
                crate::text::clean(&s.replace(['_', '\n'], " "))
            }
        }
        Value::Array(a) if a.is_empty() => "(none)".into(),
        Value::Array(a) => a.iter().map(value_words).collect::<Vec<_>>().join(", "),
        Value::Object(o) => o
            .iter()
            .filter(|(k, _)| !hidden(k))
            .map(|(k, v)| format!("{}: {}", field_words(k), value_words(v)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn object(s: Option<&str>) -> serde_json::Map<String, serde_json::Value> {
    match s.and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok()) {
        Some(serde_json::Value::Object(o)) => o,
        Some(other) => {
            let mut m = serde_json::Map::new();
            m.insert("value".into(), other);
            m
        }
        None => serde_json::Map::new(),
    }
}

/// Put an entry in words.
pub fn describe(e: &AuditEntry) -> Described {
    let when = time::from_db(&e.at)
        .map(time::date_time)
        .unwrap_or_else(|| e.at.clone());
    let mut changes = Vec::new();
    if e.redacted {
        changes.push("What it said was removed under the retention policy.".to_string());
    } else {
        let before = object(e.before.as_deref());
        let after = object(e.after.as_deref());
        let mut keys: Vec<&String> = after.keys().chain(before.keys()).collect();
        let mut seen = std::collections::HashSet::new();
        keys.retain(|k| seen.insert(*k) && !hidden(k));
        for k in keys {
            let (b, a) = (before.get(k), after.get(k));
            if b == a {
                continue;
            }
            let line = match (b, a) {
                (Some(b), Some(a)) => {
                    format!(
                        "{}: {} → {}",
                        field_words(k),
                        value_words(b),
                        value_words(a)
                    )
                }
                (None, Some(a)) => format!("{}: {}", field_words(k), value_words(a)),
                (Some(b), None) => format!("{}: {} → (removed)", field_words(k), value_words(b)),
                (None, None) => continue,
            };
            changes.push(line);
        }
    }
    Described {
        when,
        who: crate::text::clean(&e.who),
        what: action_words(&e.action, &e.entity),
        changes,
    }
}

/// "Looked at by Amira Hassan, 29/11/2026 14:02"
pub fn view_words(v: &CardViewSeen) -> String {
    format!(
        "Looked at by {}, {}",
        crate::text::clean(&v.who),
        time::date_time(v.at)
    )
}

impl App {
    /// Open the history of changes of the customer on the card (`h`).
    pub(super) fn open_customer_audit(&mut self) {
        let Some(h) = self.card_history().filter(|_| self.card_is_full()) else {
            self.notice = Some(Notice::Info(
                "Open a customer's card first (Enter on a result).".into(),
            ));
            return;
        };
        let view = AuditView::new(Some((h.customer.id, h.customer.display_name())));
        self.requests.push(Request::LoadAudit(view.query.clone()));
        self.overlays.open(Overlay::Audit(view));
    }

    /// Open the office-wide audit trail (`t` in the queue).
    pub(super) fn open_office_audit(&mut self) {
        let view = AuditView::new(None);
        self.requests.push(Request::LoadAudit(view.query.clone()));
        self.overlays.open(Overlay::Audit(view));
    }

    /// Read the trail again from its newest entry, with the filters in force.
    pub(super) fn reload_audit(&mut self) {
        if let Some(v) = self.overlays.audit_mut() {
            v.query.before_seq = None;
            v.loaded = false;
            v.cursor = 0;
            self.requests.push(Request::LoadAudit(v.query.clone()));
        }
    }

    /// Read the trail's first page again after another PC's change, keeping the place.
    pub(super) fn refresh_audit(&mut self) {
        if let Some(v) = self.overlays.audit_mut() {
            if v.loaded && v.entries.len() <= PAGE {
                self.requests.push(Request::LoadAudit(v.query.clone()));
            }
        }
    }

    /// A key on the audit trail; false when it is not the trail's own.
    pub(super) fn audit_key(&mut self, action: Action) -> bool {
        let Some(v) = self.overlays.audit_mut() else {
            return false;
        };
        let last = v.entries.len().saturating_sub(1);
        let mut more = false;
        match action {
            Action::Up => v.cursor = v.cursor.saturating_sub(1),
            Action::Down => {
                more = v.cursor >= last;
                v.cursor = (v.cursor + 1).min(last);
            }
            Action::PageUp => v.cursor = v.cursor.saturating_sub(5),
            Action::PageDown => {
                more = v.cursor + 5 > last;
                v.cursor = (v.cursor + 5).min(last);
            }
            Action::Back => self.overlays.close_audit(),
            Action::Refresh => self.reload_audit(),
            Action::ReverseMerge => {
                let Some(e) = v.selected_merge() else {
                    self.notice = Some(Notice::Info(
                        "Highlight a \"Merged two customer records\" entry first: u undoes that merge.".into(),
                    ));
                    return true;
                };
                let seq = e.seq;
                self.overlays.open(Overlay::Prompt(Prompt::Choose {
                    purpose: super::manager::ChoosePurpose::ReverseMerge { audit_seq: seq },
                    title: " Undo the merge? ".into(),
                    lines: vec![format!(
                        "Put the two customer records of merge {seq} back as they were before it, each with its own history? Anything since that would be lost or misfiled stops it, and you are told what."
                    )],
                    options: vec![('n', "no, leave them merged".into()), ('y', "yes, undo the merge".into())],
                    cursor: 0,
                }));
            }
            Action::AuditStaff => self.overlays.open(Overlay::Prompt(Prompt::Text {
                purpose: TextPurpose::AuditStaff,
                title: " Only one member of staff ".into(),
                lines: vec!["Type part of their name or login (x on the trail clears it).".into()],
                input: Input::default(),
                keys: "Enter: show their entries   Esc: cancel".into(),
            })),
            Action::AuditDates => self.overlays.open(Overlay::Prompt(Prompt::Text {
                purpose: TextPurpose::AuditDates,
                title: " Only entries between two dates ".into(),
                lines: vec![
                    "From and to, both included, for example: 01/11/2026 24/11/2026 (one date: that day only).".into(),
                ],
                input: Input::default(),
                keys: "Enter: show those days   Esc: cancel".into(),
            })),
            Action::AuditCustomer => {
                if v.customer.is_some() {
                    self.notice = Some(Notice::Info(
                        "This is one customer's history already. The office's trail is t in the queue.".into(),
                    ));
                    return true;
                }
                if v.query.customer.is_some() {
                    v.query.customer = None;
                } else {
                    let card = self
                        .card_history()
                        .filter(|_| self.card_is_full())
                        .map(|h| h.customer.id);
                    let Some(id) = card else {
                        self.notice = Some(Notice::Info(
                            "Open a customer's card first (Esc, then Enter on a result); c then shows only their entries.".into(),
                        ));
                        return true;
                    };
                    if let Some(v) = self.overlays.audit_mut() {
                        v.query.customer = Some(id);
                    }
                }
                self.reload_audit();
            }
            Action::AuditClear => {
                v.who = None;
                v.query.who = None;
                v.query.from = None;
                v.query.to = None;
                if v.customer.is_none() {
                    v.query.customer = None;
                }
                self.reload_audit();
            }
            _ => return false,
        }
        if more {
            if let Some(v) = self.overlays.audit_mut() {
                if v.more && v.loaded {
                    let mut q = v.query.clone();
                    q.before_seq = v.entries.last().map(|e| e.seq);
                    v.loaded = false;
                    self.requests.push(Request::LoadAudit(q));
                }
            }
        }
        true
    }

    /// The answer to a filter question on the trail.
    pub(super) fn audit_answered(&mut self, purpose: TextPurpose, text: String) {
        let today = time::london_date(self.now);
        let Some(v) = self.overlays.audit_mut() else {
            return;
        };
        match purpose {
            TextPurpose::AuditStaff => {
                v.query.who = Some(text.clone());
                v.who = Some(text);
            }
            TextPurpose::AuditDates => {
                let words: Vec<&str> = text
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|w| !w.is_empty() && *w != "-" && !w.eq_ignore_ascii_case("to"))
                    .collect();
                let parsed: Result<Vec<_>, String> = words
                    .iter()
                    .map(|w| time::parse_date(w, today, false))
                    .collect();
                let (from, to) = match (parsed, words.len()) {
                    (Ok(d), 1) => (d[0], d[0]),
                    (Ok(d), 2) => (d[0], d[1]),
                    (Ok(_), _) => {
                        self.notice = Some(Notice::Error(
                            "Dates: give one date, or two (from and to), for example 01/11/2026 24/11/2026.".into(),
                        ));
                        return;
                    }
                    (Err(e), _) => {
                        self.notice = Some(Notice::Error(format!("Dates: {e}")));
                        return;
                    }
                };
                if from > to {
                    self.notice = Some(Notice::Error(
                        "Dates: the first date is after the second. Give the earlier one first."
                            .into(),
                    ));
                    return;
                }
                v.query.from = Some(from);
                v.query.to = Some(to);
            }
            _ => return,
        }
        self.reload_audit();
    }

    /// A page of the trail arrived.
    pub(super) fn audit_page_arrived(
        &mut self,
        query: AuditQuery,
        result: Result<AuditPage, String>,
    ) {
        let Some(v) = self.overlays.audit_mut() else {
            return;
        };
        let same = AuditQuery {
            before_seq: None,
            ..query.clone()
        } == AuditQuery {
            before_seq: None,
            ..v.query.clone()
        };
        if !same {
            return;
        }
        v.loaded = true;
        match result {
            Ok(page) => {
                v.error = None;
                if query.before_seq.is_none() {
                    v.entries = page.entries;
                    v.views = page.views;
                    v.cursor = v.cursor.min(v.entries.len().saturating_sub(1));
                } else if v.entries.last().map(|e| e.seq) == query.before_seq {
                    v.entries.extend(page.entries);
                }
                v.more = page.more;
            }
            Err(e) => v.error = Some(e),
        }
    }
}
