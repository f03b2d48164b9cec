//! The manager's side of the app: the escalation queue, a case and what is behind it, the
//! decision and review forms, and the letters. State and key handling only: drawing is in
//! `ui::queue`, `ui::case` and `ui::decision_form`; I/O goes through requests.

use super::decision::{DecisionEvent, DecisionForm};
use super::keymap::Action;
use super::Overlay;
use super::{App, Notice, Prompt, Request};
use crate::domain::{CaseReason, CaseSummary, CustomerHistory, Id, Outcome, Queue, SentHow, Staff};
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
            QueueFilter::Reason(CustomerRequest) => QueueFilter::Confirmation,
            QueueFilter::Confirmation => QueueFilter::Mine,
            QueueFilter::Mine => QueueFilter::All,
        }
    }

    pub fn label(self) -> String {
        match self {
            QueueFilter::All => "all cases".into(),
            QueueFilter::Reason(r) => format!("only: {}", r.label().to_lowercase()),
            QueueFilter::Confirmation => "only: written confirmation owed".into(),
            QueueFilter::Mine => "only: assigned to me".into(),
        }
    }

    pub fn keeps(self, c: &CaseSummary, me: Option<Id>) -> bool {
        match self {
            QueueFilter::All => true,
            QueueFilter::Reason(r) => c.reason == r && !c.waiting_for_confirmation,
            QueueFilter::Confirmation => c.waiting_for_confirmation,
            QueueFilter::Mine => me.is_some() && c.assigned_to_id == me,
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
}

impl QueueView {
    /// The cases the filter keeps, most urgent first.
    pub fn visible(&self, me: Option<Id>) -> Vec<&CaseSummary> {
        self.queue
            .cases
            .iter()
            .filter(|c| self.filter.keeps(c, me))
            .collect()
    }
}

/// Most urgent first: immediate threats, breaches, the threshold, reviews, requests; within a
/// reason, the oldest first. A case waiting only for its letter goes after the ones to decide.
pub fn sort_cases(cases: &mut [CaseSummary]) {
    cases.sort_by_key(|c| (c.waiting_for_confirmation, c.reason, c.opened_at));
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
    /// and not decided cases waiting for their letter.
    pub fn answered_too(&self) -> Vec<&CaseSummary> {
        self.others
            .iter()
            .filter(|c| c.reason != CaseReason::ReviewDue && !c.waiting_for_confirmation)
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

/// What a generic text prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextPurpose {
    /// Why written confirmation of this decision was not possible.
    NotPossible { decision: Id },
    /// What this customer asked for (a review, a complaint).
    CustomerRequest { customer: Id },
    /// The day this letter went, when not today.
    SentOn { letter: Id, what: String },
}

/// What a generic choice prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChoosePurpose {
    /// How this letter was sent: today, or on the day given.
    SentHow {
        letter: Id,
        what: String,
        on: Option<chrono::NaiveDate>,
    },
    /// Which letter to produce.
    LetterKind,
    /// Quit, though something typed would be lost? (n, y)
    Quit,
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
        self.requests.push(Request::LoadQueue);
    }

    /// Keys while the queue shows (and no case is open); true when the key was the queue's.
    pub(super) fn queue_key(&mut self, action: Action) -> bool {
        let me = self.my_id();
        let Some(q) = self.overlays.queue_mut() else {
            return false;
        };
        let n = q.visible(me).len();
        match action {
            Action::Up => q.selected = q.selected.saturating_sub(1),
            Action::Down => q.selected = (q.selected + 1).min(n.saturating_sub(1)),
            Action::PageUp => q.selected = q.selected.saturating_sub(5),
            Action::PageDown => q.selected = (q.selected + 5).min(n.saturating_sub(1)),
            Action::Top => q.selected = 0,
            Action::Bottom => q.selected = n.saturating_sub(1),
            Action::Back | Action::Queue => self.overlays.close_queue(),
            Action::FocusSearch => {
                self.overlays.close_queue();
                self.pane = super::Pane::Search;
            }
            Action::Filter => {
                q.filter = q.filter.next();
                q.selected = 0;
            }
            Action::AssignToMe => {
                let case = q.visible(me).get(q.selected).map(|c| (*c).clone());
                if let Some(case) = case {
                    self.assign_to_me(&case);
                }
            }
            Action::Open => {
                let case = q.visible(me).get(q.selected).map(|c| (*c).clone());
                if let Some(case) = case {
                    self.open_case(case);
                }
            }
            a if for_the_card(a) => {}
            _ => return false,
        }
        true
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
                if self.overlays.queue().is_some() {
                    self.requests.push(Request::LoadQueue);
                }
            }
            Action::Queue => {}
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
            Action::MarkSent => self.mark_sent(),
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
        if case.waiting_for_confirmation {
            self.notice = Some(Notice::Info(
                "This case was decided: it waits for the written confirmation. Press l to produce it, or n if it was not possible.".into(),
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
        form.also_closes = also;
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
        self.overlays.open(Overlay::Decision(DecisionForm::review(
            &self.policy,
            case.customer_id,
            &case.customer_name,
            Some(case.id),
            &active,
            time::london_date(self.now),
        )));
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
        self.ask_how_sent(letter.id, &what);
    }

    pub(super) fn ask_how_sent(&mut self, letter: Id, what: &str) {
        let today = time::london_date(self.now);
        let mut options = vec![(
            'n',
            "not sent yet (record it with s on the case when it goes)".to_string(),
        )];
        options.extend(
            SentHow::ALL
                .iter()
                .map(|h| (sent_key(*h), format!("sent today {}", h.label()))),
        );
        options.push(('o', "sent on another day (type the date next)".to_string()));
        self.overlays.open(Overlay::Prompt(Prompt::Choose {
            purpose: ChoosePurpose::SentHow {
                letter,
                what: what.to_string(),
                on: None,
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
            } => {
                // "Not sent yet", each way of sending today, then "another day".
                if let Some(how) = index.checked_sub(1).and_then(|i| SentHow::ALL.get(i)) {
                    self.requests.push(Request::LetterSent {
                        letter,
                        on: time::london_date(self.now),
                        how: *how,
                    });
                } else if index == SentHow::ALL.len() + 1 {
                    self.overlays.open(Overlay::Prompt(Prompt::Text {
                        purpose: TextPurpose::SentOn {
                            letter,
                            what: what.clone(),
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
                ..
            } => {
                if let Some(how) = SentHow::ALL.get(index) {
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
            TextPurpose::NotPossible { decision } => {
                self.requests.push(Request::ConfirmationNotPossible {
                    decision,
                    reason: text,
                })
            }
            TextPurpose::CustomerRequest { customer } => {
                self.requests.push(Request::CustomerRequest {
                    customer,
                    note: text,
                })
            }
            TextPurpose::SentOn { letter, what } => {
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
                        },
                        title: " How the letter went ".into(),
                        lines: vec![format!(
                            "How did the letter ({what}) go on {}?",
                            time::date(on)
                        )],
                        options: SentHow::ALL
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
        view.loaded = true;
        let visible = view.visible(me);
        view.selected = keep
            .and_then(|id| visible.iter().position(|c| c.id == id))
            .unwrap_or(view.selected)
            .min(visible.len().saturating_sub(1));
    }
}
