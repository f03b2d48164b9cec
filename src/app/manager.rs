//! The manager's side of the app: the escalation queue, a case and what is behind it, the
//! decision and review forms, and the letters. State and key handling only: drawing is in
//! `ui::queue`, `ui::case` and `ui::decision_form`; I/O goes through requests.

use super::decision::{DecisionEvent, DecisionForm};
use super::keymap::Action;
use super::Overlay;
use super::{App, Notice, Prompt, Request};
use crate::domain::{
    CaseAlert, CaseFilter, CaseReason, CaseSummary, CustomerHistory, Id, Outcome, OwedFor,
    OwedLetter, Queue, QueuePage, QueueQuery, QueueWatch, SentHow, Staff,
};
use crate::policy::rules;
use crate::time;
use tui_input::Input;

/// The key that picks a way of sending.
fn sent_key(h: SentHow) -> char {
    match h {
        SentHow::Post => 'p',
        SentHow::Email => 'e',
        SentHow::ByHand => 'h',
    }
}

/// Keys that act on the customer's card, which the queue or a case hides: they wait.
fn for_the_card(a: Action) -> bool {
    matches!(
        a,
        Action::Withdraw
            | Action::Correct
            | Action::AskDebrief
            | Action::Link
            | Action::CustomerRequest
            | Action::EditCustomer
    )
}

/// Which cases the queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueueFilter {
    #[default]
    All,
    Reason(CaseReason),
    /// Waiting for written confirmation after an immediate restriction.
    Confirmation,
    /// Assigned to the person using safedesk.
    Mine,
    /// Not cases: the letters owed to customers, oldest first.
    LettersOwed,
}

impl QueueFilter {
    /// The next filter in turn: all, each reason, confirmation owed, mine, all.
    pub fn next(self) -> QueueFilter {
        use CaseReason::*;
        match self {
            QueueFilter::All => QueueFilter::Reason(ImmediateThreat),
            QueueFilter::Reason(ImmediateThreat) => QueueFilter::Reason(Breach),
            QueueFilter::Reason(Breach) => QueueFilter::Reason(Threshold),
            QueueFilter::Reason(Threshold) => QueueFilter::Reason(ReviewDue),
            QueueFilter::Reason(ReviewDue) => QueueFilter::Reason(CustomerRequest),
            QueueFilter::Reason(CustomerRequest) => QueueFilter::Reason(Approval),
            QueueFilter::Reason(Approval) => QueueFilter::Reason(DebriefRequested),
            QueueFilter::Reason(DebriefRequested) => QueueFilter::Confirmation,
            QueueFilter::Confirmation => QueueFilter::Mine,
            QueueFilter::Mine => QueueFilter::All,
            // Reached with o, not in the round of cases.
            QueueFilter::LettersOwed => QueueFilter::All,
        }
    }

    pub fn label(self) -> String {
        match self {
            QueueFilter::All => "all cases".into(),
            QueueFilter::Reason(r) => format!("only: {}", r.label().to_lowercase()),
            QueueFilter::Confirmation => "only: written confirmation owed".into(),
            QueueFilter::Mine => "only: assigned to me".into(),
            QueueFilter::LettersOwed => "letters owed, oldest first".into(),
        }
    }

    /// The same filter, as the store reads it.
    pub fn for_store(self, me: Option<Id>) -> CaseFilter {
        match self {
            QueueFilter::All => CaseFilter::All,
            QueueFilter::Reason(r) => CaseFilter::Reason(r),
            QueueFilter::Confirmation => CaseFilter::Confirmation,
            QueueFilter::Mine => CaseFilter::AssignedTo(me),
            // The letters owed are read on their own; the cases behind them are everyone's.
            QueueFilter::LettersOwed => CaseFilter::All,
        }
    }

    pub fn keeps(self, c: &CaseSummary, me: Option<Id>) -> bool {
        match self {
            QueueFilter::All => true,
            QueueFilter::Reason(r) => c.reason == r && !c.waiting_for_confirmation,
            QueueFilter::Confirmation => c.waiting_for_confirmation,
            QueueFilter::Mine => me.is_some() && c.assigned_to_id == me,
            QueueFilter::LettersOwed => false,
        }
    }
}

/// The queue as it shows: every open case, most urgent first, and the summary line.
#[derive(Debug, Clone, Default)]
pub struct QueueView {
    pub queue: Queue,
    pub filter: QueueFilter,
    pub selected: usize,
    pub loaded: bool,
    /// Only customers whose name holds this text (typed after `/`), when given.
    pub find: Option<Input>,
    /// The find line has the keyboard.
    pub finding: bool,
    /// The letters owed to customers, oldest first (read with the queue).
    pub letters: Vec<OwedLetter>,
    /// The letters owed have been read (the summary's count is then theirs, reviews included).
    pub letters_loaded: bool,
    /// How many cases the filter and find keep in all, when read a page at a time (the
    /// cases loaded are the first of them); None when every open case was loaded.
    pub total: Option<usize>,
}

/// How many cases of the queue are read at a time: a screenful or two.
pub const QUEUE_PAGE: usize = 24;

impl QueueView {
    /// The page of the queue to read from `offset`, as this view's filter and find ask.
    pub fn query(&self, me: Option<Id>, offset: usize, limit: usize) -> QueueQuery {
        QueueQuery {
            filter: self.filter.for_store(me),
            find: self
                .find
                .as_ref()
                .map(|f| f.value().to_string())
                .unwrap_or_default(),
            offset,
            limit,
        }
    }

    /// The cases the filter (and the name typed after `/`) keeps, most urgent first.
    pub fn visible(&self, me: Option<Id>) -> Vec<&CaseSummary> {
        let find = self
            .find
            .as_ref()
            .map(|f| crate::text::fold(f.value()))
            .filter(|f| !f.trim().is_empty());
        self.queue
            .cases
            .iter()
            .filter(|c| self.filter.keeps(c, me))
            .filter(|c| {
                find.as_ref()
                    .is_none_or(|f| crate::text::fold(&c.customer_name).contains(f.trim()))
            })
            .collect()
    }

    /// The letters owed that show (those to customers whose name holds the text typed after
    /// `/`), oldest first.
    pub fn visible_letters(&self) -> Vec<&OwedLetter> {
        let find = self
            .find
            .as_ref()
            .map(|f| crate::text::fold(f.value()))
            .filter(|f| !f.trim().is_empty());
        self.letters
            .iter()
            .filter(|l| {
                find.as_ref()
                    .is_none_or(|f| crate::text::fold(&l.customer_name).contains(f.trim()))
            })
            .collect()
    }

    /// How many rows the queue shows: letters owed, or cases.
    pub fn shown(&self, me: Option<Id>) -> usize {
        if self.filter == QueueFilter::LettersOwed {
            self.visible_letters().len()
        } else {
            self.visible(me).len()
        }
    }
}

/// Most urgent first: immediate threats and breaches no manager has opened yet, then
/// immediate threats, breaches, the threshold, reviews, requests; within a reason, the oldest
/// first. A case waiting only for its letter goes after the ones to decide.
pub fn sort_cases(cases: &mut [CaseSummary]) {
    cases.sort_by_key(|c| {
        (
            c.waiting_for_confirmation,
            !c.unopened_alert(),
            c.reason,
            c.opened_at,
        )
    });
}

/// How long after its date a review is, in words: "REVIEW DUE TODAY", "REVIEW OVERDUE by 3
/// weeks". `due` is the day the review fell due.
pub fn review_wording(due: chrono::NaiveDate, today: chrono::NaiveDate) -> String {
    let days = (today - due).num_days();
    let n = |n: i64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    match days {
        ..=-1 => format!("REVIEW DUE ON {}", time::date(due)),
        0 => "REVIEW DUE TODAY".into(),
        1..=6 => format!("REVIEW OVERDUE by {}", n(days, "day")),
        7..=55 => format!("REVIEW OVERDUE by {}", n(days / 7, "week")),
        _ => format!("REVIEW OVERDUE by {}", n(days / 30, "month")),
    }
}

/// Why a case is in the queue, as its row begins: in capitals, saying when no manager has
/// opened a threat or breach yet and when a review is overdue (never colour alone).
pub fn queue_label(c: &CaseSummary, today: chrono::NaiveDate) -> String {
    if c.waiting_for_confirmation {
        return c.why().to_uppercase();
    }
    match c.reason {
        CaseReason::ReviewDue => review_wording(time::london_date(c.opened_at), today),
        _ if c.unopened_alert() => format!("NOT YET OPENED: {}", c.why().to_uppercase()),
        _ => c.why().to_uppercase(),
    }
}

/// The case kind a number key shows in the queue: 0 all, 1 to 6 each reason in turn.
pub fn kind_for_key(n: u8) -> Option<QueueFilter> {
    match n {
        0 => Some(QueueFilter::All),
        n => CaseReason::ALL
            .get(n as usize - 1)
            .map(|r| QueueFilter::Reason(*r)),
    }
}

/// What needs a manager at once, as every manager's screen shows it, and how many managers have
/// safedesk open (told to whoever logs an alerting incident).
#[derive(Debug, Clone)]
pub struct Alerts {
    /// For managers: the unopened threats and breaches and the counts by kind, once read.
    pub watch: Option<QueueWatch>,
    /// Managers other than this window's user with safedesk open now; None when unknown.
    pub managers: Option<usize>,
    /// Ring the terminal bell when a new alert arrives (the `bell` setting).
    pub bell: bool,
    /// A bell is owed: the event loop rings it and clears this.
    pub ring: bool,
    /// The alerts already rung for: a case, and its newest incident's time.
    rung: Vec<(Id, chrono::DateTime<chrono::Utc>)>,
}

impl Default for Alerts {
    fn default() -> Alerts {
        Alerts {
            watch: None,
            managers: None,
            bell: true,
            ring: false,
            rung: Vec::new(),
        }
    }
}

impl Alerts {
    /// The unopened threats and breaches, oldest first.
    pub fn unopened(&self) -> &[CaseAlert] {
        self.watch.as_ref().map_or(&[], |w| w.alerts.as_slice())
    }
}

/// One case open on screen.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub case: CaseSummary,
    /// The customer's whole history, once loaded.
    pub history: Option<CustomerHistory>,
    /// The staff list, for naming a member of staff and for "assign to me".
    pub staff: Vec<Staff>,
    /// The customer's other open cases.
    pub others: Vec<CaseSummary>,
    pub scroll: u16,
}

impl CaseView {
    /// The other open cases a decision here answers too: not reviews (a review answers those)
    /// and not decided cases waiting for their letter; none when this case is not one a
    /// decision answers (a debrief is held, a decision waiting is approved or turned down).
    pub fn answered_too(&self) -> Vec<&CaseSummary> {
        if matches!(
            self.case.reason,
            CaseReason::Approval | CaseReason::DebriefRequested
        ) {
            return Vec::new();
        }
        self.others
            .iter()
            .filter(|c| {
                !matches!(
                    c.reason,
                    CaseReason::ReviewDue | CaseReason::Approval | CaseReason::DebriefRequested
                ) && !c.waiting_for_confirmation
            })
            .collect()
    }
}

impl CaseView {
    /// The incidents behind the case, oldest first (in full, from the history).
    pub fn incidents(&self) -> Vec<&crate::domain::Incident> {
        let Some(h) = &self.history else {
            return Vec::new();
        };
        h.incidents
            .iter()
            .filter(|i| self.case.incidents.contains(&i.id))
            .collect()
    }
}

/// The decision a case waiting for approval holds, while it still waits.
pub fn waiting_decision<'a>(
    case: &CaseSummary,
    h: &'a CustomerHistory,
) -> Option<&'a crate::domain::Decision> {
    let id = case
        .decision_id
        .filter(|_| case.reason == CaseReason::Approval)?;
    h.decisions
        .iter()
        .find(|d| d.id == id && d.approval.status == crate::domain::ApprovalStatus::Waiting)
}

/// What a generic text prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextPurpose {
    /// Why written confirmation of this decision was not possible.
    NotPossible { decision: Id },
    /// Approving (a note, if any) or turning down (why) a decision waiting for approval, as
    /// shown (its version).
    Approval {
        decision: Id,
        version: i64,
        approve: bool,
    },
    /// Why the letter this review (its batch id) owes could not be sent.
    ReviewLetterNotPossible { batch: Id },
    /// What this customer asked for (a review, a complaint).
    CustomerRequest { customer: Id },
    /// The day this letter went, when not today.
    SentOn {
        letter: Id,
        what: String,
        ways: Vec<SentHow>,
    },
    /// The audit trail: whose entries (part of a name or login).
    AuditStaff,
    /// The audit trail: from and to which dates.
    AuditDates,
    /// The dates of the incidents list.
    IncidentDates,
    /// The day the debrief this case asks for was held.
    DebriefHeld { case: Id },
}

/// What a generic choice prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChoosePurpose {
    /// How this letter was sent: today, or on the day given.
    SentHow {
        letter: Id,
        what: String,
        on: Option<chrono::NaiveDate>,
        /// The ways it can have gone: not by post when it has no postal address on it.
        ways: Vec<SentHow>,
    },
    /// Which letter to produce.
    LetterKind,
    /// Quit, though something typed would be lost? (n, y)
    Quit,
    /// Undo this merge of two customer records (its audit entry's number)? (n, y)
    ReverseMerge { audit_seq: i64 },
    /// Throw away the incident that was not saved? (n, y)
    ThrowAwayDraft,
}

impl App {
    /// The person using safedesk, as a staff id.
    pub fn my_id(&self) -> Option<Id> {
        self.actor.staff.as_ref().map(|s| s.id)
    }

    pub fn open_queue(&mut self) {
        if !self.actor.role().is_some_and(|r| r.can_decide()) {
            self.notice = Some(Notice::Info(
                "The escalation queue is for managers. A customer's card says when they are in it."
                    .into(),
            ));
            return;
        }
        self.overlays.open(Overlay::Queue(QueueView::default()));
        self.reload_queue();
    }

    /// Read the queue's first page again (or as many cases as are loaded), for the filter and
    /// find shown: after it changes, or the data did.
    pub(super) fn reload_queue(&mut self) {
        let me = self.my_id();
        let Some(q) = self.overlays.queue() else {
            return;
        };
        let n = if q.total.is_some() {
            q.queue.cases.len()
        } else {
            0
        };
        let query = q.query(me, 0, n.max(QUEUE_PAGE));
        self.requests.push(Request::LoadQueue(query));
    }

    /// Ask for the next page when the selection comes near the end of what is loaded.
    fn queue_more(&mut self) {
        let me = self.my_id();
        let Some(q) = self.overlays.queue() else {
            return;
        };
        let Some(total) = q.total else {
            return;
        };
        let loaded = q.queue.cases.len();
        if loaded < total && q.selected + QUEUE_PAGE / 2 >= loaded {
            let query = q.query(me, loaded, QUEUE_PAGE);
            self.requests.push(Request::LoadQueue(query));
        }
    }

    /// A page of the queue arrived: the first replaces what is loaded, the next is added to it;
    /// one for a filter or find no longer shown, or out of turn, is dropped.
    pub(super) fn queue_page_arrived(&mut self, query: &QueueQuery, page: QueuePage) {
        let me = self.my_id();
        let Some(view) = self.overlays.queue_mut() else {
            return;
        };
        if view.query(me, query.offset, query.limit) != *query {
            return;
        }
        let keep = view.visible(me).get(view.selected).map(|c| c.id);
        if page.offset == 0 {
            view.queue.cases = page.cases;
        } else if view.total.is_some() && page.offset == view.queue.cases.len() {
            view.queue.cases.extend(page.cases);
        } else {
            return;
        }
        view.queue.summary = page.summary;
        view.total = Some(page.total);
        view.loaded = true;
        let visible = view.visible(me);
        view.selected = keep
            .and_then(|id| visible.iter().position(|c| c.id == id))
            .unwrap_or(view.selected)
            .min(visible.len().saturating_sub(1));
        self.queue_more();
    }

    /// Keys while the queue shows (and no case is open); true when the key was the queue's.
    pub(super) fn queue_key(&mut self, action: Action) -> bool {
        let me = self.my_id();
        let Some(q) = self.overlays.queue_mut() else {
            return false;
        };
        let n = q.shown(me);
        let filter = q.filter;
        match action {
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top => {
                super::selection::moved(&mut q.selected, n, action, 5);
            }
            Action::Bottom => {
                q.selected = n.saturating_sub(1);
                // The last case may not be loaded yet: everything up to it is read.
                if let Some(total) = q.total.filter(|t| *t > n) {
                    let query = q.query(me, n, total - n);
                    self.requests.push(Request::LoadQueue(query));
                }
            }
            Action::Back | Action::Queue => self.overlays.close_queue(),
            Action::FocusSearch => {
                self.overlays.close_queue();
                self.pane = super::Pane::Search;
            }
            Action::Filter => {
                q.filter = q.filter.next();
                q.selected = 0;
            }
            Action::ShowKind(n) => {
                if let Some(f) = kind_for_key(n) {
                    q.filter = f;
                    q.selected = 0;
                }
            }
            Action::FindInQueue => {
                q.finding = true;
                q.find.get_or_insert_with(Input::default);
                q.selected = 0;
            }
            Action::AssignToMe if q.filter == QueueFilter::LettersOwed => {}
            Action::AssignToMe => {
                let case = q.visible(me).get(q.selected).map(|c| (*c).clone());
                if let Some(case) = case {
                    self.assign_to_me(&case);
                }
            }
            Action::LettersOwed => {
                q.filter = QueueFilter::LettersOwed;
                q.selected = 0;
            }
            Action::Open if q.filter == QueueFilter::LettersOwed => {
                let owed = q.visible_letters().get(q.selected).map(|l| (*l).clone());
                if let Some(owed) = owed {
                    self.open_owed_letter(&owed);
                }
            }
            Action::NotPossible if q.filter == QueueFilter::LettersOwed => {
                let owed = q.visible_letters().get(q.selected).map(|l| (*l).clone());
                match owed.as_ref().map(|o| (o, o.about)) {
                    Some((o, OwedFor::Review(batch))) => {
                        self.overlays.open(Overlay::Prompt(Prompt::Text {
                            purpose: TextPurpose::ReviewLetterNotPossible { batch },
                            title: " Review letter not possible ".into(),
                            lines: vec![
                                format!("{}: {}.", o.customer_name, o.describe()),
                                "Why could the letter not be sent?".into(),
                            ],
                            input: Input::default(),
                            keys: "Enter: record it; the letter is no longer owed.   Esc: cancel."
                                .into(),
                        }));
                    }
                    Some(_) => {
                        self.notice = Some(Notice::Info(
                            "For a decision's letter, open its case (Enter) and press n there if written confirmation was not possible.".into(),
                        ))
                    }
                    None => {}
                }
            }
            Action::NotPossible => {}
            Action::Open => {
                let case = q.visible(me).get(q.selected).map(|c| (*c).clone());
                if let Some(case) = case {
                    self.open_case(case);
                }
            }
            a if for_the_card(a) => {}
            _ => return false,
        }
        if let Some(q) = self.overlays.queue_mut().filter(|q| q.filter != filter) {
            q.total = None;
            self.reload_queue();
        } else {
            self.queue_more();
        }
        true
    }

    /// Open what an owed letter is produced from: the case its decision answered, where `l`
    /// produces the letter and the prompt after saving records it as sent.
    fn open_owed_letter(&mut self, owed: &OwedLetter) {
        // A review's letter has no case: it is produced from the customer's record, which is
        // read first.
        if let OwedFor::Review(batch) = owed.about {
            if let Some(reason) = self.cannot_decide() {
                self.notice = Some(Notice::Error(reason));
                return;
            }
            self.awaiting_review_letter = Some((owed.customer_id, batch));
            self.requests.push(Request::LoadCard {
                id: owed.customer_id,
            });
            self.notice = Some(Notice::Info(format!(
                "Opening the {} for {}...",
                owed.describe(),
                owed.customer_name
            )));
            return;
        }
        let Some(case) = owed.case_id else {
            self.notice = Some(Notice::Info(format!(
                "The {} for {} is produced outside safedesk for now: record it as sent from the customer's card once it has gone.",
                owed.describe(),
                owed.customer_name
            )));
            return;
        };
        // The case as far as it is known; the case loads over it.
        let decision = match owed.about {
            OwedFor::Decision(d) => Some(d),
            OwedFor::Review(_) => None,
        };
        self.open_case(CaseSummary {
            id: case,
            customer_id: owed.customer_id,
            customer_name: owed.customer_name.clone(),
            reason: CaseReason::Threshold,
            opened_at: owed.since,
            incidents: Vec::new(),
            assigned_to: None,
            assigned_to_id: None,
            waiting_for_confirmation: false,
            decision_id: decision,
            note: String::new(),
            version: 0,
            seen_at: Some(owed.since),
            seen_by: None,
        });
        self.notice = Some(Notice::Info(format!(
            "{}: press l to produce the {}.",
            owed.customer_name,
            owed.describe()
        )));
    }

    fn assign_to_me(&mut self, case: &CaseSummary) {
        let Some(me) = self.my_id() else {
            self.notice = Some(Notice::Error(super::not_known(&self.actor, &self.location)));
            return;
        };
        let to = if case.assigned_to_id == Some(me) {
            None
        } else {
            Some(me)
        };
        self.requests.push(Request::AssignCase {
            case: case.id,
            to,
            version: case.version,
        });
    }

    pub fn open_case(&mut self, case: CaseSummary) {
        self.requests.push(Request::LoadCase { case: case.id });
        // The first manager to open a threat or breach ends its alert on every screen.
        let deciding = self.actor.role().is_some_and(|r| r.can_decide());
        if deciding && !self.read_only && case.unopened_alert() {
            self.requests.push(Request::MarkCaseSeen { case: case.id });
        }
        self.overlays.open(Overlay::Case(CaseView {
            case,
            history: None,
            staff: Vec::new(),
            others: Vec::new(),
            scroll: 0,
        }));
    }

    /// Keys while a case is open; true when the key was the case's.
    pub(super) fn case_key(&mut self, action: Action) -> bool {
        let handled = self.case_key_inner(action);
        // Scrolling stops at the end, so Up always moves back from there.
        let max = self.drawn.case_scroll_max;
        if let Some(v) = self.overlays.case_view_mut() {
            v.scroll = v.scroll.min(max);
        }
        handled
    }

    fn case_key_inner(&mut self, action: Action) -> bool {
        let Some(view) = self.overlays.case_view_mut() else {
            return false;
        };
        match action {
            Action::Up => view.scroll = view.scroll.saturating_sub(1),
            Action::Down => view.scroll = view.scroll.saturating_add(1),
            Action::PageUp => view.scroll = view.scroll.saturating_sub(10),
            Action::PageDown => view.scroll = view.scroll.saturating_add(10),
            Action::Top => view.scroll = 0,
            Action::Bottom => view.scroll = u16::MAX,
            Action::Back => {
                self.overlays.close_case_view();
                self.reload_queue();
            }
            // Back to the queue (opening it if the case came from elsewhere).
            Action::Queue => {
                self.overlays.close_case_view();
                if self.overlays.queue().is_some() {
                    self.reload_queue();
                } else {
                    self.open_queue();
                }
            }
            Action::FocusSearch => {
                self.overlays.close_case_view();
                self.overlays.close_queue();
                self.pane = super::Pane::Search;
            }
            Action::AssignToMe => {
                let case = view.case.clone();
                self.assign_to_me(&case);
            }
            Action::Decide => self.start_decision(),
            Action::Review => self.start_review(),
            Action::Letter => self.choose_letter(),
            Action::OpenPage => match view.history.clone() {
                Some(h) => self.open_newest_page(&h),
                None => {
                    self.notice = Some(Notice::Info(
                        "The case is still loading: try again in a moment.".into(),
                    ))
                }
            },
            Action::MarkSent => self.mark_sent(),
            Action::Approve => self.answer_approval(true),
            Action::TurnDown => self.answer_approval(false),
            Action::DebriefHeld => {
                let case = view.case.clone();
                if case.reason != CaseReason::DebriefRequested {
                    self.notice = Some(Notice::Info(
                        "This case is not a debrief request: h records a debrief as held.".into(),
                    ));
                } else if let Some(reason) = self.cannot_decide() {
                    self.notice = Some(Notice::Error(reason));
                } else {
                    self.overlays.open(Overlay::Prompt(Prompt::Text {
                        purpose: TextPurpose::DebriefHeld { case: case.id },
                        title: " Debrief held ".into(),
                        lines: vec![
                            crate::text::clean(&case.note.replace('\n', " ")),
                            "On which day was the debrief held? (today, yesterday or 24/11/2026)".into(),
                        ],
                        input: Input::new(time::date(time::london_date(self.now))),
                        keys: "Enter: record it as held, with your name, and close the case.   Esc: cancel.".into(),
                    }));
                }
            }
            Action::NotPossible => {
                let case = view.case.clone();
                match case.decision_id.filter(|_| case.waiting_for_confirmation) {
                    Some(decision) => {
                        self.overlays.open(Overlay::Prompt(Prompt::Text {
                            purpose: TextPurpose::NotPossible { decision },
                            title: " Written confirmation not possible ".into(),
                            lines: vec![
                                format!("{}: access was restricted without warning.", case.customer_name),
                                "The policy promises written confirmation \"where possible\". Why was it not possible?".into(),
                            ],
                            input: Input::default(),
                            keys: "Enter: record it and close the case.   Esc: cancel.".into(),
                        }));
                    }
                    None => {
                        self.notice = Some(Notice::Info(
                            "This case is not waiting for a written confirmation.".into(),
                        ))
                    }
                }
            }
            a if for_the_card(a) => {}
            _ => return false,
        }
        true
    }

    fn loaded_case(&mut self) -> Option<(CaseSummary, CustomerHistory, Vec<Staff>)> {
        let view = self.overlays.case_view()?;
        match &view.history {
            Some(h) => Some((view.case.clone(), h.clone(), view.staff.clone())),
            None => {
                self.notice = Some(Notice::Info(
                    "The case is still loading: try again in a moment.".into(),
                ));
                None
            }
        }
    }

    /// Approve (or turn down) the decision a case waiting for approval holds: asks for a note
    /// (why, when turning it down). Not the decision's author: the store refuses that too.
    fn answer_approval(&mut self, approve: bool) {
        if let Some(reason) = self.cannot_decide() {
            self.notice = Some(Notice::Error(reason));
            return;
        }
        let Some((case, h, _)) = self.loaded_case() else {
            return;
        };
        let Some(d) = waiting_decision(&case, &h) else {
            self.notice = Some(Notice::Info(
                "This case holds no decision waiting for approval.".into(),
            ));
            return;
        };
        if self.actor.staff.as_ref().map(|s| s.id) == Some(d.decided_by) {
            self.notice = Some(Notice::Error(
                "You made this decision, so you cannot approve or turn it down: the policy asks a second person. Ask another manager or an admin.".into(),
            ));
            return;
        }
        let what = self.policy.decision_words(d);
        self.overlays.open(Overlay::Prompt(Prompt::Text {
            purpose: TextPurpose::Approval {
                decision: d.id,
                version: d.version,
                approve,
            },
            title: if approve {
                " Approve the decision ".into()
            } else {
                " Turn the decision down ".into()
            },
            lines: vec![
                format!(
                    "{}: {what}, decided by {} on {}.",
                    case.customer_name,
                    d.decided_by_name,
                    time::date(time::london_date(d.decided_at))
                ),
                if approve {
                    "Approved, it comes into force at once on every PC and its letter is owed. A note (optional):".into()
                } else {
                    format!(
                        "Turned down, nothing of it comes into force and the case goes back to the queue. Why (required; {} reads it):",
                        d.decided_by_name
                    )
                },
            ],
            input: Input::default(),
            keys: if approve {
                "Enter: approve it.   Esc: cancel.".into()
            } else {
                "Enter: turn it down.   Esc: cancel.".into()
            },
        }));
    }

    fn start_decision(&mut self) {
        if let Some(reason) = self.cannot_decide() {
            self.notice = Some(Notice::Error(reason));
            return;
        }
        let Some((case, h, _)) = self.loaded_case() else {
            return;
        };
        let also: Vec<(Id, i64)> = self
            .overlays
            .case_view()
            .map(|v| v.answered_too().iter().map(|c| (c.id, c.version)).collect())
            .unwrap_or_default();
        if case.reason == CaseReason::ReviewDue && !case.waiting_for_confirmation {
            self.notice = Some(Notice::Info(
                "This case is a review: press r to review the restrictions in force.".into(),
            ));
            return;
        }
        if case.reason == CaseReason::DebriefRequested {
            self.notice = Some(Notice::Info(
                "This case is a debrief request: once it is held, press h to record it.".into(),
            ));
            return;
        }
        if case.waiting_for_confirmation {
            self.notice = Some(Notice::Info(
                "This case was decided: it waits for the written confirmation. Press l to produce it, or n if it was not possible.".into(),
            ));
            return;
        }
        if case.reason == CaseReason::Approval {
            self.notice = Some(Notice::Info(
                "This case holds a decision waiting for approval: y approves it, t turns it down (a second manager or an admin).".into(),
            ));
            return;
        }
        let outcome = if case.reason == CaseReason::ImmediateThreat {
            Outcome::ImmediateRestriction
        } else {
            Outcome::Actions
        };
        // Who attended: whoever logged the incidents behind the case, and the manager.
        let mut names: Vec<String> = Vec::new();
        for i in h
            .incidents
            .iter()
            .filter(|i| case.incidents.contains(&i.id))
        {
            if !names.contains(&i.logged_by_name) {
                names.push(i.logged_by_name.clone());
            }
        }
        let me = self.actor.name();
        if !names.contains(&me) {
            names.push(me);
        }
        let mut form = DecisionForm::decision(
            &self.policy,
            case.customer_id,
            &case.customer_name,
            Some((case.id, case.version)),
            outcome,
            &names.join(", "),
            time::london_date(self.now),
        );
        // The incidents behind it: the case's and those of the other cases it answers.
        let behind: Vec<Id> = self
            .overlays
            .case_view()
            .map(|v| {
                v.answered_too()
                    .iter()
                    .flat_map(|c| c.incidents.iter().copied())
                    .collect()
            })
            .unwrap_or_default();
        let mut alarm: Vec<&crate::domain::Incident> = h
            .incidents
            .iter()
            .filter(|i| {
                (case.incidents.contains(&i.id) || behind.contains(&i.id))
                    && self.policy.is_alarming(i)
            })
            .collect();
        alarm.sort_by_key(|i| i.occurred_at);
        let mut alarm: Vec<String> = alarm
            .iter()
            .map(|i| time::date(time::london_date(i.occurred_at)))
            .collect();
        alarm.dedup();
        // The long-term actions the customer has had before, offered as tried for a withdrawal.
        let earlier: Vec<String> = h
            .restrictions
            .iter()
            .filter(|r| {
                matches!(
                    self.policy.restriction_kind(&r.kind),
                    Some(crate::policy::RestrictionKind::Action(_))
                )
            })
            .map(|r| r.kind.clone())
            .collect();
        form.also_closes = also;
        let form = form.with_history(&earlier, alarm);
        self.overlays.open(Overlay::Decision(form));
    }

    fn start_review(&mut self) {
        if let Some(reason) = self.cannot_decide() {
            self.notice = Some(Notice::Error(reason));
            return;
        }
        let Some((case, h, _)) = self.loaded_case() else {
            return;
        };
        let active: Vec<crate::domain::Restriction> = rules::active_restrictions(&h, self.now)
            .into_iter()
            .cloned()
            .collect();
        if active.is_empty() {
            self.notice = Some(Notice::Info(format!(
                "{} has no restriction in force, so there is nothing to review.",
                case.customer_name
            )));
            return;
        }
        // What was considered last time, by the decision or review that made what is in force.
        let last = h
            .reviews
            .iter()
            .filter(|v| v.outcome != crate::domain::ReviewOutcome::Lift)
            .map(|v| (v.reviewed_at, &v.adjustments, &v.adjustments_other))
            .chain(
                h.decisions
                    .iter()
                    .map(|d| (d.decided_at, &d.adjustments, &d.adjustments_other)),
            )
            .filter(|(_, ids, other)| !ids.is_empty() || !other.trim().is_empty())
            .max_by_key(|(at, _, _)| *at);
        let form = DecisionForm::review(
            &self.policy,
            case.customer_id,
            &case.customer_name,
            Some(case.id),
            &active,
            time::london_date(self.now),
        );
        let form = match last {
            Some((_, ids, other)) => form.with_adjustments_considered(ids, other),
            None => form,
        };
        self.overlays.open(Overlay::Decision(form));
    }

    /// Why this person cannot decide here, if they cannot.
    pub fn cannot_decide(&self) -> Option<String> {
        if self.read_only {
            return Some(
                "safedesk was started with --read-only, so nothing can be decided here.".into(),
            );
        }
        match self.actor.role() {
            None => Some(super::not_known(&self.actor, &self.location)),
            Some(r) if !r.can_decide() => Some(format!(
                "Only managers decide, restrict and lift: you are signed in as {r} staff."
            )),
            Some(_) => None,
        }
    }

    /// The staff list the open case loaded (for naming a member of staff).
    pub fn staff_list(&self) -> &[Staff] {
        self.overlays
            .case_view()
            .map_or(&[], |v| v.staff.as_slice())
    }

    pub(super) fn decision_key(&mut self, key: crossterm::event::KeyEvent) {
        let staff = self.staff_list().to_vec();
        let today = time::london_date(self.now);
        let Some(form) = self.overlays.decision_mut() else {
            return;
        };
        match form.on_key(key, &self.policy, &staff, today) {
            DecisionEvent::Nothing => {}
            DecisionEvent::Discarded => self.overlays.close_decision(),
            DecisionEvent::SaveDecision(d) => self.requests.push(Request::SaveDecision(d)),
            DecisionEvent::SaveReview(r) => self.requests.push(Request::SaveReview(r)),
        }
    }

    fn mark_sent(&mut self) {
        let Some((_, h, _)) = self.loaded_case() else {
            return;
        };
        let Some(letter) = h.letters.iter().rev().find(|l| l.sent_at.is_none()) else {
            self.notice = Some(Notice::Info(
                "Every letter on this case is recorded as sent. Press l to produce a new one."
                    .into(),
            ));
            return;
        };
        let what = crate::letters::LetterKind::parse(&letter.kind)
            .map(|k| k.label().to_string())
            .unwrap_or_else(|| crate::letters::kind_in_words(&letter.kind));
        self.ask_how_sent(letter.id, &what, true);
    }

    /// Has the letter gone, and how? `postable`: it has a postal address on it (one without can
    /// go by email or by hand, never by post, so post is not offered).
    pub(super) fn ask_how_sent(&mut self, letter: Id, what: &str, postable: bool) {
        let today = time::london_date(self.now);
        let ways: Vec<SentHow> = SentHow::ALL
            .into_iter()
            .filter(|h| postable || *h != SentHow::Post)
            .collect();
        let mut options = vec![(
            'n',
            "not sent yet (record it with s on the case when it goes)".to_string(),
        )];
        options.extend(
            ways.iter()
                .map(|h| (sent_key(*h), format!("sent today {}", h.label()))),
        );
        options.push(('o', "sent on another day (type the date next)".to_string()));
        self.overlays.open(Overlay::Prompt(Prompt::Choose {
            purpose: ChoosePurpose::SentHow {
                letter,
                what: what.to_string(),
                on: None,
                ways,
            },
            title: " Has the letter gone? ".into(),
            lines: vec![format!(
                "Has the letter ({what}) gone to the customer? Today is {}.",
                time::date(today)
            )],
            options,
            cursor: 0,
        }));
    }

    /// A choice was made in a choice prompt.
    pub(super) fn chosen(&mut self, purpose: ChoosePurpose, index: usize) {
        match purpose {
            // The options are (n, y): only y goes ahead.
            ChoosePurpose::Quit => self.should_quit = index == 1,
            ChoosePurpose::ReverseMerge { audit_seq } => {
                if index == 1 {
                    self.requests.push(Request::ReverseMerge {
                        which: crate::domain::MergeRef::AuditSeq(audit_seq),
                    });
                    self.reload_audit();
                }
            }
            ChoosePurpose::ThrowAwayDraft => {
                if index == 1 {
                    self.overlays.close_draft_offer();
                    self.requests.push(Request::ClearDraft);
                }
            }
            ChoosePurpose::SentHow {
                letter,
                what,
                on: None,
                ways,
            } => {
                // "Not sent yet", each way of sending today, then "another day".
                if let Some(how) = index.checked_sub(1).and_then(|i| ways.get(i)) {
                    self.requests.push(Request::LetterSent {
                        letter,
                        on: time::london_date(self.now),
                        how: *how,
                    });
                } else if index == ways.len() + 1 {
                    self.overlays.open(Overlay::Prompt(Prompt::Text {
                        purpose: TextPurpose::SentOn {
                            letter,
                            what: what.clone(),
                            ways,
                        },
                        title: " The day the letter went ".into(),
                        lines: vec![
                            format!("On which day did the letter ({what}) go?"),
                            "Type the date, for example 24/11/2026 or yesterday.".into(),
                        ],
                        input: Input::default(),
                        keys: "Enter: carry on.   Esc: not now.".into(),
                    }));
                }
            }
            ChoosePurpose::SentHow {
                letter,
                on: Some(on),
                ways,
                ..
            } => {
                if let Some(how) = ways.get(index) {
                    self.requests.push(Request::LetterSent {
                        letter,
                        on,
                        how: *how,
                    });
                }
            }
            ChoosePurpose::LetterKind => self.open_letter(index),
        }
    }

    /// Text was given in a text prompt.
    pub(super) fn answered(&mut self, purpose: TextPurpose, text: String) {
        match purpose {
            TextPurpose::AuditStaff | TextPurpose::AuditDates => self.audit_answered(purpose, text),
            TextPurpose::IncidentDates => self.incident_dates_given(&text),
            TextPurpose::Approval {
                decision,
                version,
                approve,
            } => self
                .requests
                .push(Request::AnswerApproval(crate::domain::ApprovalAnswer {
                    decision_id: decision,
                    version,
                    approve,
                    reason: text,
                })),
            TextPurpose::DebriefHeld { case } => {
                let today = time::london_date(self.now);
                match time::parse_date(&text, today, false) {
                    Ok(on) if on > today => {
                        self.notice = Some(Notice::Error(
                            "Debrief held on: that day has not come yet; give the day it was held."
                                .into(),
                        ))
                    }
                    Ok(on) => {
                        self.requests.push(Request::DebriefHeld { case, on });
                        self.overlays.close_case_view();
                        self.reload_queue();
                    }
                    Err(e) => self.notice = Some(Notice::Error(format!("Debrief held on: {e}"))),
                }
            }
            TextPurpose::NotPossible { decision } => {
                self.requests.push(Request::ConfirmationNotPossible {
                    decision,
                    reason: text,
                })
            }
            TextPurpose::ReviewLetterNotPossible { batch } => {
                self.requests.push(Request::ReviewLetterNotPossible {
                    batch,
                    reason: text,
                })
            }
            TextPurpose::CustomerRequest { customer } => {
                self.requests.push(Request::CustomerRequest {
                    request: crate::domain::new_id(),
                    customer,
                    note: text,
                })
            }
            TextPurpose::SentOn { letter, what, ways } => {
                let today = time::london_date(self.now);
                match time::parse_date(&text, today, false) {
                    Ok(on) if on > today => {
                        self.notice = Some(Notice::Error(
                            "That day has not come yet: record the letter when it goes.".into(),
                        ))
                    }
                    Ok(on) => self.overlays.open(Overlay::Prompt(Prompt::Choose {
                        purpose: ChoosePurpose::SentHow {
                            letter,
                            what: what.clone(),
                            on: Some(on),
                            ways: ways.clone(),
                        },
                        title: " How the letter went ".into(),
                        lines: vec![format!(
                            "How did the letter ({what}) go on {}?",
                            time::date(on)
                        )],
                        options: ways
                            .iter()
                            .map(|h| (sent_key(*h), h.label().to_string()))
                            .collect(),
                        cursor: 0,
                    })),
                    Err(e) => self.notice = Some(Notice::Error(e)),
                }
            }
        }
    }

    /// From a customer's card: they asked for a review of a decision, or complained about one.
    pub(super) fn customer_request_prompt(&mut self) {
        if let Some(reason) = self.cannot_record() {
            self.notice = Some(Notice::Error(reason));
            return;
        }
        let Some(h) = self.card_history().filter(|_| self.card_is_full()) else {
            self.notice = Some(Notice::Info(
                "Open a customer's card first (Enter on a result).".into(),
            ));
            return;
        };
        let name = h.customer.display_name();
        self.overlays.open(Overlay::Prompt(Prompt::Text {
            purpose: TextPurpose::CustomerRequest {
                customer: h.customer.id,
            },
            title: " The customer asked for a review or complained ".into(),
            lines: vec![
                name,
                "A manager will see it in the escalation queue. What did they ask for?".into(),
            ],
            input: Input::default(),
            keys: "Enter: put it in the queue.   Esc: cancel.".into(),
        }));
    }

    /// The queue arrived from the store.
    pub(super) fn queue_arrived(&mut self, mut queue: Queue) {
        let me = self.my_id();
        let Some(view) = self.overlays.queue_mut() else {
            return;
        };
        sort_cases(&mut queue.cases);
        let keep = view.visible(me).get(view.selected).map(|c| c.id);
        view.queue = queue;
        view.total = None;
        view.loaded = true;
        let visible = view.visible(me);
        view.selected = keep
            .and_then(|id| visible.iter().position(|c| c.id == id))
            .unwrap_or(view.selected)
            .min(visible.len().saturating_sub(1));
    }
}

impl App {
    /// Keys while the queue's find line (after `/`) has the keyboard: typing narrows the queue
    /// to customers whose name holds the text; Up and Down move; Enter opens the selected case;
    /// Esc clears the text and gives the keys back to the queue.
    pub(super) fn queue_find_key(&mut self, key: crossterm::event::KeyEvent) {
        use crossterm::event::{Event, KeyCode, KeyModifiers};
        use tui_input::backend::crossterm::EventHandler;
        let me = self.my_id();
        let Some(q) = self.overlays.queue_mut() else {
            return;
        };
        let n = q.visible(me).len();
        let before = q.find.as_ref().map(|f| f.value().to_string());
        match key.code {
            KeyCode::Esc => {
                q.find = None;
                q.finding = false;
                q.selected = 0;
            }
            KeyCode::Up => q.selected = q.selected.saturating_sub(1),
            KeyCode::Down => q.selected = (q.selected + 1).min(n.saturating_sub(1)),
            KeyCode::Enter => {
                q.finding = false;
                let case = q.visible(me).get(q.selected).map(|c| (*c).clone());
                if let Some(case) = case {
                    self.open_case(case);
                }
            }
            KeyCode::Char('c') if key.modifiers == KeyModifiers::CONTROL => {
                q.find = None;
                q.finding = false;
            }
            KeyCode::Char(c) if c.is_control() => {}
            _ => {
                let input = q.find.get_or_insert_with(Input::default);
                if input.value().chars().count() < super::MAX_QUERY
                    || !matches!(key.code, KeyCode::Char(_))
                {
                    input.handle_event(&Event::Key(key));
                    q.selected = 0;
                }
            }
        }
        let after = self
            .overlays
            .queue()
            .map(|q| q.find.as_ref().map(|f| f.value().to_string()));
        match after {
            Some(after) if after != before => {
                if let Some(q) = self.overlays.queue_mut() {
                    q.total = None;
                }
                self.reload_queue();
            }
            Some(_) => self.queue_more(),
            None => {}
        }
    }

    /// Is the queue's find line taking the keys?
    pub fn queue_finding(&self) -> bool {
        matches!(self.overlays.top(), Some(super::Overlay::Queue(q)) if q.finding)
    }

    /// What the store says needs managers now, and the queue's counts by kind.
    pub(super) fn watch_arrived(&mut self, w: QueueWatch) {
        let fresh: Vec<(Id, chrono::DateTime<chrono::Utc>)> =
            w.alerts.iter().map(|a| (a.case_id, a.logged_at)).collect();
        if self.alerts.bell && fresh.iter().any(|f| !self.alerts.rung.contains(f)) {
            self.alerts.ring = true;
        }
        self.alerts.rung = fresh;
        self.alerts.watch = Some(w);
    }

    /// Take the bell owed, if any (the event loop rings it).
    pub fn take_bell(&mut self) -> bool {
        std::mem::take(&mut self.alerts.ring)
    }

    /// How to open the alerted case from where the person is now, in words.
    pub fn alert_how_to_open(&self) -> String {
        use super::keymap::{Action, Context};
        // The keys as this PC has them (its config may have changed them).
        let key = |ctx: Context, a: Action, usual: &str| -> String {
            self.keys
                .label(ctx, a)
                .map(|l| l.split(" / ").next().unwrap_or(l).to_string())
                .unwrap_or_else(|| usual.to_string())
        };
        let queue = key(Context::Results, Action::Queue, "m");
        let open = key(Context::Queue, Action::Open, "Enter");
        let form_open = self.overlays.iter().any(|o| {
            matches!(
                o,
                super::Overlay::Incident(_)
                    | super::Overlay::Decision(_)
                    | super::Overlay::Letter(_)
                    | super::Overlay::Customer(_)
                    | super::Overlay::Prompt(_)
            )
        });
        if form_open {
            return format!("finish or leave this form, then press {queue} and {open} to open it");
        }
        match self.context() {
            Context::Search | Context::Help => format!(
                "press {}, then {queue}, then {open} to open it",
                key(self.context(), Action::Back, "Esc")
            ),
            Context::Queue => format!(
                "it is at the top of the queue: {}, then {open}",
                key(Context::Queue, Action::Top, "Home")
            ),
            _ => format!("press {queue} then {open} to open it"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn case(n: u128, reason: CaseReason, day: u32, seen: bool) -> CaseSummary {
        CaseSummary {
            id: Id::from_u128(n),
            customer_id: Id::from_u128(100 + n),
            customer_name: format!("Customer {n}"),
            reason,
            opened_at: Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap(),
            incidents: Vec::new(),
            assigned_to: None,
            assigned_to_id: None,
            waiting_for_confirmation: false,
            decision_id: None,
            note: String::new(),
            version: 1,
            seen_at: seen.then(|| Utc.with_ymd_and_hms(2026, 11, day, 10, 0, 0).unwrap()),
            seen_by: seen.then(|| "Sam Patel".into()),
        }
    }

    #[test]
    fn a_decision_answers_the_other_open_cases_but_a_debrief_or_an_approval_answers_none() {
        let view = |reason| CaseView {
            case: case(1, reason, 20, true),
            history: None,
            staff: Vec::new(),
            others: vec![
                case(2, CaseReason::Breach, 21, true),
                case(3, CaseReason::ReviewDue, 22, true),
                case(4, CaseReason::DebriefRequested, 23, true),
            ],
            scroll: 0,
        };
        let ids = |v: &CaseView| v.answered_too().iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(ids(&view(CaseReason::Threshold)), vec![Id::from_u128(2)]);
        assert!(ids(&view(CaseReason::DebriefRequested)).is_empty());
        assert!(ids(&view(CaseReason::Approval)).is_empty());
    }

    #[test]
    fn unopened_threats_and_breaches_come_first_then_by_reason_and_age() {
        use CaseReason::*;
        let mut cases = vec![
            case(1, ImmediateThreat, 1, true),
            case(2, Threshold, 2, false),
            case(3, Breach, 20, false),
            case(4, ImmediateThreat, 21, false),
            case(5, ReviewDue, 3, false),
            case(6, ImmediateThreat, 10, false),
        ];
        let mut waiting = case(7, ImmediateThreat, 22, false);
        waiting.waiting_for_confirmation = true;
        cases.push(waiting);
        sort_cases(&mut cases);
        let order: Vec<u128> = cases.iter().map(|c| c.id.as_u128()).collect();
        // Unopened: threats oldest first (6, 4), then the breach (3); then the opened threat
        // (1), the threshold (2), the review (5); the one waiting for its letter last (7).
        assert_eq!(order, [6, 4, 3, 1, 2, 5, 7]);
    }

    #[test]
    fn an_overdue_review_says_by_how_long() {
        let due = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
        let on = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        assert_eq!(review_wording(due, on(3)), "REVIEW DUE TODAY");
        assert_eq!(review_wording(due, on(4)), "REVIEW OVERDUE by 1 day");
        assert_eq!(review_wording(due, on(9)), "REVIEW OVERDUE by 6 days");
        assert_eq!(review_wording(due, on(10)), "REVIEW OVERDUE by 1 week");
        assert_eq!(review_wording(due, on(24)), "REVIEW OVERDUE by 3 weeks");
        assert_eq!(
            review_wording(due, NaiveDate::from_ymd_opt(2027, 2, 3).unwrap()),
            "REVIEW OVERDUE by 3 months"
        );
        assert_eq!(review_wording(due, on(1)), "REVIEW DUE ON 03/11/2026");
        let review = case(5, CaseReason::ReviewDue, 3, false);
        assert_eq!(queue_label(&review, on(24)), "REVIEW OVERDUE by 3 weeks");
        assert_eq!(
            queue_label(&case(4, CaseReason::ImmediateThreat, 3, false), on(3)),
            "NOT YET OPENED: IMMEDIATE THREAT"
        );
        assert_eq!(
            queue_label(&case(4, CaseReason::ImmediateThreat, 3, true), on(3)),
            "IMMEDIATE THREAT"
        );
    }

    #[test]
    fn number_keys_pick_a_kind_and_typing_finds_a_customer() {
        assert_eq!(kind_for_key(0), Some(QueueFilter::All));
        assert_eq!(
            kind_for_key(1),
            Some(QueueFilter::Reason(CaseReason::ImmediateThreat))
        );
        assert_eq!(
            kind_for_key(4),
            Some(QueueFilter::Reason(CaseReason::ReviewDue))
        );
        assert_eq!(
            kind_for_key(6),
            Some(QueueFilter::Reason(CaseReason::Approval))
        );
        assert_eq!(
            kind_for_key(7),
            Some(QueueFilter::Reason(CaseReason::DebriefRequested))
        );
        assert_eq!(kind_for_key(8), None);
        let mut view = QueueView::default();
        view.queue.cases = vec![
            case(1, CaseReason::Threshold, 1, false),
            case(2, CaseReason::Breach, 2, false),
        ];
        view.queue.cases[1].customer_name = "Zoë Åberg".into();
        view.find = Some(Input::new("zoe ab".into()));
        let names: Vec<&str> = view
            .visible(None)
            .iter()
            .map(|c| c.customer_name.as_str())
            .collect();
        assert_eq!(names, ["Zoë Åberg"]);
        view.filter = QueueFilter::Reason(CaseReason::Threshold);
        assert!(view.visible(None).is_empty());
    }
}
