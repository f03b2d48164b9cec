//! What the app *is* (the [`App`] state) and what *happens* to it (keys and store replies).
//! Drawing is in [`crate::ui`]; all I/O goes through requests to the store worker
//! ([`crate::sync`]), so typing never waits on the database.

pub mod audit;
pub mod card;
pub mod customer;
pub mod decision;
pub mod first_run;
pub mod form;
pub mod keymap;
pub mod keys;
pub mod letter;
pub mod lists;
pub mod manager;
pub mod merge;
pub mod mouse;
pub mod news;
pub mod paste;
pub mod selection;
pub mod theme;

use crate::domain::{Actor, CustomerHistory, Id, LookupHit};
use crate::policy::incident::after_save;
use crate::policy::Policy;
use crate::sync::local::Choices;
use crate::sync::{Health, Reply, Request};
use chrono::{DateTime, Utc};
use crossterm::event::{Event as TermEvent, KeyEvent, KeyEventKind};
use form::{FormEvent, IncidentForm};
use keymap::{Action, Context, Need};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

/// Longest search text kept; a longer paste is cut, with a message.
pub const MAX_QUERY: usize = 200;
/// An answer slower than this is reported as the drive being slow.
pub const SLOW_MS: u64 = 1000;

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Search,
    Results,
    Card,
}

/// What the screen last drew that the keys need: only the screen knows how lines wrap, so it
/// works out how far each view can scroll and the event loop hands that back after each draw.
/// Until the first draw nothing is limited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    /// How far the case can scroll before its last line is at the bottom.
    pub case_scroll_max: u16,
    /// How far the letter preview can scroll before its last line is at the bottom.
    pub letter_scroll_max: u16,
    /// The card's scrolling part: how far it scrolls and where its incidents are.
    pub card: card::CardRows,
    /// The window was too small to show anything but a message: keys other than quitting
    /// would act on what cannot be seen, so they wait.
    pub too_small: bool,
    /// Where the panes, lists and popups were drawn, for the mouse.
    pub spots: mouse::Spots,
}

impl Default for Drawn {
    fn default() -> Drawn {
        Drawn {
            case_scroll_max: u16::MAX,
            letter_scroll_max: u16::MAX,
            card: card::CardRows::default(),
            too_small: false,
            spots: mouse::Spots::default(),
        }
    }
}

/// A line of feedback under the panes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Info(String),
    Error(String),
}

pub struct App {
    pub policy: Policy,
    pub actor: Actor,
    pub location: String,
    pub demo: bool,
    pub read_only: bool,
    /// The theme the screens are drawn in (see [`theme`]); colour is never the only signal.
    pub theme: theme::ThemeName,
    pub pane: Pane,
    /// What is open over the lookup panes, top last: the top one gets the keys.
    pub overlays: Overlays,
    pub search: Input,
    /// The number of the newest lookup sent, and of the one on screen.
    pub lookup_sent: u64,
    pub lookup_shown: u64,
    pub results: Vec<LookupHit>,
    /// More people match than the results show (the first [`crate::sync::worker::RESULTS`]).
    pub results_capped: bool,
    pub selected: usize,
    /// The full history of the selected customer, once loaded.
    pub card: Option<CustomerHistory>,
    pub card_scroll: u16,
    pub health: Health,
    /// What the person did and was told about it: a refusal, a save, a key that cannot be used
    /// here. Errors of the other causes below are kept apart, so that a success of one (a search
    /// that works) never hides another's error (a refused withdrawal).
    pub notice: Option<Notice>,
    /// The search on screen could not be done, and why: the results pane says so instead of
    /// "No one matches", and shows no one. Cleared only by an answer to the same or a newer query.
    pub lookup_failed: Option<String>,
    /// For admins: how many records are past their keeping period (0 when none, or not known).
    pub retention_due: usize,
    /// The selected customer's card could not be read, and why; cleared when a card arrives.
    pub card_failed: Option<String>,
    /// The shared file failed its check: it is damaged (and why). Nothing is saved to it.
    pub damaged: Option<String>,
    pub now: DateTime<Utc>,
    pub should_quit: bool,
    /// Entries waiting in this PC's outbox.
    pub outbox: usize,
    pub choices: Choices,
    /// The incident highlighted on the card (newest first).
    pub card_cursor: usize,
    /// What the screen last drew that keys need (scrolling limits), handed back after each draw.
    pub drawn: Drawn,
    /// The results (and the card) shown were read at this time and kept on this PC: the shared
    /// database cannot be read now.
    pub kept_results: Option<DateTime<Utc>>,
    pub kept_card: Option<DateTime<Utc>>,
    /// The shared drive took this long for the last answer (only when it was slow).
    pub slow_ms: Option<u64>,
    /// What letters are made with, or why they cannot be (a broken template or settings file).
    pub letter_kit: Result<std::sync::Arc<crate::letters::LetterKit>, String>,
    /// How `o` opens a letter's printable page: the system's program, or recorded for tests
    /// (`SAFEDESK_OPEN_WITH=record:FILE`).
    pub open_with: crate::letters::OpenWith,
    /// The printable page of the letter saved last in this session, and whose it is: `o` opens
    /// it before the card has been read again.
    pub last_page: Option<(Id, std::path::PathBuf)>,
    /// The correspondence just logged as not processed, (customer, incident): the reply telling
    /// the customer so can be produced at once, by whoever logged it.
    pub reply_owed: Option<(Id, Id)>,
    /// The reply asked for, waiting for the customer's card to be read.
    awaiting_reply: Option<(Id, Id)>,
    /// The letter a review owes, to open once its customer's record arrives (customer, the
    /// review's batch id).
    pub(crate) awaiting_review_letter: Option<(Id, Id)>,
    /// The customer whose card a list asked to open, waiting for it to be read.
    pub(crate) awaiting_card: Option<Id>,
    /// Managers' alerts and the queue's counts by kind (see `manager.rs`).
    pub alerts: manager::Alerts,
    requests: Vec<Request>,
    /// The keys in force: the key table with this PC's changes (`[keys]` in its config). Every
    /// key is looked up here; the help and the hint bar print these.
    pub keys: keys::Keymap,
    /// Let the mouse click and scroll (the terminal reports it only when this is on).
    pub mouse: bool,
    /// What became of the incidents this person logged, until they dismiss it (`news.rs`).
    pub news: news::NewsList,
}

/// A question the app is asking.
#[derive(Debug, Clone)]
pub enum Prompt {
    /// Why is this incident being withdrawn?
    Withdraw {
        incident: Id,
        summary: String,
        reason: Input,
    },
    /// Which customer is this unidentified visitor?
    Link {
        visitor: Id,
        visitor_label: String,
        incidents: usize,
        query: Input,
        matches: Vec<form::WhoMatch>,
        cursor: usize,
        seq: u64,
        /// The customer chosen, waiting for y to confirm.
        confirm: Option<(Id, String)>,
    },
    /// Which other record is the same person, and which of the two is kept (managers).
    Merge(merge::MergePrompt),
    /// A line of text to give (a reason, a note).
    Text {
        purpose: manager::TextPurpose,
        title: String,
        lines: Vec<String>,
        input: Input,
        keys: String,
    },
    /// One of a few options, by letter key or arrows and Enter.
    Choose {
        purpose: manager::ChoosePurpose,
        title: String,
        lines: Vec<String>,
        options: Vec<(char, String)>,
        cursor: usize,
    },
}

// What is open over the lookup panes, as one stack: the queue, a case, a form, the help, a
// question, a popup. The one on top gets the keys and pastes; the screen draws them in the same
// order. Opening a kind that is already open replaces it where it stands. (It lives here, with
// `App`, because each form's module opens and closes overlays.)

/// One thing open over the lookup panes. (At most one of each kind is ever open, in one stack
/// the app keeps for its whole life, so the forms' size is not worth a box each.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Overlay {
    /// The manager's escalation queue.
    Queue(manager::QueueView),
    /// The audit trail: a customer's history of changes, or the office's.
    Audit(audit::AuditView),
    /// A case opened from the queue.
    Case(manager::CaseView),
    /// The decision or review form.
    Decision(decision::DecisionForm),
    /// A letter being previewed.
    Letter(letter::LetterView),
    /// A customer's details being changed.
    Customer(customer::CustomerForm),
    /// The incident form.
    Incident(form::IncidentForm),
    /// The keys of the layer below, scrolled this far.
    Help(HelpView),
    /// A small question (a reason to give, a customer to choose).
    Prompt(Prompt),
    /// What happens next, after a save, until the next key.
    Saved(Vec<String>),
    /// A draft left from last time, offered back.
    DraftOffer(crate::sync::local::Draft),
    /// The incidents list.
    Incidents(lists::IncidentsView),
    /// The restrictions in force.
    InForce(lists::InForceView),
    /// The reports pane.
    Reports(lists::ReportsView),
}

/// The help: the keys of the layer it was opened over, and how far it is scrolled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpView {
    pub over: Context,
    pub scroll: u16,
}

/// Everything open, bottom first.
#[derive(Debug, Clone, Default)]
pub struct Overlays(Vec<Overlay>);

impl Overlays {
    /// The one on top, which gets the keys.
    pub fn top(&self) -> Option<&Overlay> {
        self.0.last()
    }

    /// Everything open, bottom first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Overlay> {
        self.0.iter()
    }

    /// Open `o` on top, or in place of the one of its kind already open.
    pub fn open(&mut self, o: Overlay) {
        let kind = std::mem::discriminant(&o);
        match self
            .0
            .iter_mut()
            .find(|x| std::mem::discriminant(&**x) == kind)
        {
            Some(x) => *x = o,
            None => self.0.push(o),
        }
    }
}

/// For each kind: `name()` and `name_mut()` find it, `take_name()` closes it and hands it back,
/// `close_name()` closes it.
macro_rules! kinds {
    ($($variant:ident($ty:ty): $get:ident, $get_mut:ident, $take:ident, $close:ident;)*) => {
        impl Overlays {
            $(
                pub fn $get(&self) -> Option<&$ty> {
                    self.0.iter().rev().find_map(|o| match o {
                        Overlay::$variant(x) => Some(x),
                        _ => None,
                    })
                }

                pub fn $get_mut(&mut self) -> Option<&mut $ty> {
                    self.0.iter_mut().rev().find_map(|o| match o {
                        Overlay::$variant(x) => Some(x),
                        _ => None,
                    })
                }

                pub fn $take(&mut self) -> Option<$ty> {
                    let at = self
                        .0
                        .iter()
                        .rposition(|o| matches!(o, Overlay::$variant(_)))?;
                    match self.0.remove(at) {
                        Overlay::$variant(x) => Some(x),
                        _ => None,
                    }
                }

                pub fn $close(&mut self) {
                    self.$take();
                }
            )*
        }
    };
}

kinds! {
    Queue(manager::QueueView): queue, queue_mut, take_queue, close_queue;
    Audit(audit::AuditView): audit, audit_mut, take_audit, close_audit;
    Case(manager::CaseView): case_view, case_view_mut, take_case_view, close_case_view;
    Decision(decision::DecisionForm): decision, decision_mut, take_decision, close_decision;
    Letter(letter::LetterView): letter, letter_mut, take_letter, close_letter;
    Customer(customer::CustomerForm): customer_form, customer_form_mut, take_customer_form, close_customer_form;
    Incident(form::IncidentForm): form, form_mut, take_form, close_form;
    Help(HelpView): help, help_mut, take_help, close_help;
    Prompt(Prompt): prompt, prompt_mut, take_prompt, close_prompt;
    Saved(Vec<String>): saved, saved_mut, take_saved, close_saved;
    DraftOffer(crate::sync::local::Draft): draft_offer, draft_offer_mut, take_draft_offer, close_draft_offer;
    Incidents(lists::IncidentsView): incidents, incidents_mut, take_incidents, close_incidents;
    InForce(lists::InForceView): in_force, in_force_mut, take_in_force, close_in_force;
    Reports(lists::ReportsView): reports, reports_mut, take_reports, close_reports;
}

impl Prompt {
    /// Something has been typed into it.
    pub fn has_typed_text(&self) -> bool {
        match self {
            Prompt::Withdraw { reason, .. } => !reason.value().trim().is_empty(),
            Prompt::Text { input, .. } => !input.value().trim().is_empty(),
            Prompt::Link { query, .. } => !query.value().trim().is_empty(),
            Prompt::Merge(m) => !m.query.value().trim().is_empty(),
            Prompt::Choose { .. } => false,
        }
    }

    /// It is the question "Quit safedesk?".
    pub fn is_quit_question(&self) -> bool {
        matches!(
            self,
            Prompt::Choose {
                purpose: manager::ChoosePurpose::Quit,
                ..
            }
        )
    }
}

impl App {
    pub fn new(policy: Policy, actor: Actor, location: String, demo: bool, read_only: bool) -> App {
        let now = Utc::now();
        let notice = if actor.role().is_none() {
            Some(Notice::Info(not_known(&actor, &location)))
        } else {
            None
        };
        App {
            policy,
            actor,
            location,
            demo,
            read_only,
            theme: theme::ThemeName::from_env(),
            pane: Pane::Search,
            overlays: Overlays::default(),
            search: Input::default(),
            lookup_sent: 0,
            lookup_shown: 0,
            results: Vec::new(),
            results_capped: false,
            selected: 0,
            card: None,
            card_scroll: 0,
            health: Health::Ok { checked: now },
            notice,
            lookup_failed: None,
            retention_due: 0,
            card_failed: None,
            damaged: None,
            now,
            should_quit: false,
            outbox: 0,
            choices: Choices::default(),
            card_cursor: 0,
            drawn: Drawn::default(),
            kept_results: None,
            kept_card: None,
            slow_ms: None,
            letter_kit: Ok(std::sync::Arc::new(crate::letters::LetterKit::built_in(
                crate::letters::default_dir(),
            ))),
            open_with: crate::letters::OpenWith::System,
            last_page: None,
            alerts: manager::Alerts::default(),
            reply_owed: None,
            awaiting_reply: None,
            awaiting_review_letter: None,
            awaiting_card: None,
            requests: Vec::new(),
            keys: keys::Keymap::default(),
            mouse: true,
            news: news::NewsList::default(),
        }
    }

    /// The incident highlighted on the card, if the full card is loaded.
    pub fn card_incident(&self) -> Option<&crate::domain::Incident> {
        if !self.card_is_full() {
            return None;
        }
        self.card_history()?
            .incidents
            .iter()
            .rev()
            .nth(self.card_cursor)
    }

    fn card_action(&mut self, action: Action) {
        let Some(h) = self.card_history().filter(|_| self.card_is_full()).cloned() else {
            self.notice = Some(Notice::Info(
                "Open a customer's card first (Enter on a result).".into(),
            ));
            return;
        };
        if let Some(reason) = self.cannot_record() {
            self.notice = Some(Notice::Error(reason));
            return;
        }
        let name = h.customer.display_name();
        match action {
            Action::Withdraw | Action::Correct => {
                let Some(i) = self.card_incident().cloned() else {
                    self.notice = Some(Notice::Info("This card has no incidents.".into()));
                    return;
                };
                if i.withdrawn.is_some() {
                    self.notice = Some(Notice::Info("That incident is already withdrawn.".into()));
                    return;
                }
                if action == Action::Correct {
                    self.overlays
                        .open(Overlay::Incident(IncidentForm::for_amend(
                            &i,
                            &name,
                            &self.policy,
                            self.now,
                        )));
                } else {
                    self.overlays.open(Overlay::Prompt(Prompt::Withdraw {
                        incident: i.id,
                        summary: format!(
                            "{} {} - {}",
                            crate::time::date_time(i.occurred_at),
                            self.policy.label_of(&i.channel),
                            self.policy.label_of(&i.response)
                        ),
                        reason: Input::default(),
                    }));
                }
            }
            Action::Link => {
                if !h.customer.is_unidentified() {
                    self.notice = Some(Notice::Info(
                        "Only an unidentified visitor's record can be linked to a customer.".into(),
                    ));
                    return;
                }
                self.overlays.open(Overlay::Prompt(Prompt::Link {
                    visitor: h.customer.id,
                    visitor_label: name,
                    incidents: h.incidents.len(),
                    query: Input::default(),
                    matches: Vec::new(),
                    cursor: 0,
                    seq: 0,
                    confirm: None,
                }));
            }
            Action::Merge => {
                if !self.actor.role().is_some_and(|r| r.can_decide()) {
                    self.notice = Some(Notice::Error(
                        "Only a manager or an admin can merge two records of one person.".into(),
                    ));
                } else if h.customer.is_unidentified() {
                    self.notice = Some(Notice::Info(
                        "This is an unidentified visitor's record: link it to the customer instead (l).".into(),
                    ));
                } else if let Some(m) = &h.merged_into {
                    self.notice = Some(Notice::Info(crate::text::clean(&m.sentence())));
                } else {
                    self.overlays
                        .open(Overlay::Prompt(Prompt::Merge(merge::MergePrompt::new(&h))));
                }
            }
            Action::AskDebrief => {
                match self.card_incident().cloned() {
                    None => self.notice = Some(Notice::Info("This card has no incidents.".into())),
                    Some(i) if i.withdrawn.is_some() => self.notice = Some(Notice::Info(
                        "That incident was withdrawn: ask your manager for a debrief in person."
                            .into(),
                    )),
                    Some(i) => {
                        self.requests
                            .push(Request::RequestDebrief { incident: i.id });
                        self.notice = Some(Notice::Info(format!(
                            "Asking for a debrief after the incident of {}...",
                            crate::time::date_time(i.occurred_at)
                        )));
                    }
                }
            }
            _ => {}
        }
    }

    fn on_prompt_key(&mut self, key: KeyEvent) {
        use crossterm::event::{KeyCode, KeyModifiers};
        let Some(prompt) = self.overlays.prompt_mut() else {
            return;
        };
        if key.code == KeyCode::Esc
            || (key.code == KeyCode::Char('c') && key.modifiers == KeyModifiers::CONTROL)
        {
            self.overlays.close_prompt();
            return;
        }
        match prompt {
            Prompt::Merge(m) => match m.on_key(key, MAX_QUERY) {
                merge::MergeKey::Nothing => {}
                merge::MergeKey::Lookup(r) => self.requests.push(r),
                merge::MergeKey::Merge(r) => {
                    self.requests.push(r);
                    self.overlays.close_prompt();
                }
            },
            Prompt::Withdraw {
                incident, reason, ..
            } => {
                if key.code == KeyCode::Enter {
                    let r = reason.value().trim().to_string();
                    if r.is_empty() {
                        self.notice = Some(Notice::Error(
                            "Give the reason for withdrawing it, for example: logged against the wrong person.".into(),
                        ));
                        return;
                    }
                    self.requests.push(Request::WithdrawIncident {
                        incident: *incident,
                        reason: r,
                    });
                    self.overlays.close_prompt();
                } else if reason.value().chars().count() < 500 {
                    reason.handle_event(&TermEvent::Key(key));
                }
            }
            Prompt::Text { purpose, input, .. } => {
                if key.code == KeyCode::Enter {
                    let text = input.value().trim().to_string();
                    // Approving may go without a note; everything else asked here needs one.
                    let optional = matches!(
                        purpose,
                        manager::TextPurpose::Approval { approve: true, .. }
                    );
                    if text.is_empty() && !optional {
                        self.notice = Some(Notice::Error(
                            "Type it first, or press Esc to cancel.".into(),
                        ));
                        return;
                    }
                    let purpose = purpose.clone();
                    self.overlays.close_prompt();
                    self.answered(purpose, text);
                } else if input.value().chars().count() < 2000 {
                    if let KeyCode::Char(c) = key.code {
                        if c.is_control() {
                            return;
                        }
                    }
                    input.handle_event(&TermEvent::Key(key));
                }
            }
            Prompt::Choose {
                purpose,
                options,
                cursor,
                ..
            } => {
                let pick = match key.code {
                    KeyCode::Up | KeyCode::Char('k') => {
                        *cursor = cursor.saturating_sub(1);
                        None
                    }
                    KeyCode::Down | KeyCode::Char('j') => {
                        *cursor = (*cursor + 1).min(options.len().saturating_sub(1));
                        None
                    }
                    KeyCode::Enter => Some(*cursor),
                    KeyCode::Char(c) => options
                        .iter()
                        .position(|(k, _)| *k == c.to_ascii_lowercase())
                        .or_else(|| {
                            c.to_digit(10)
                                .filter(|d| *d >= 1)
                                .map(|d| d as usize - 1)
                                .filter(|d| *d < options.len())
                        }),
                    _ => None,
                };
                if let Some(i) = pick {
                    let purpose = purpose.clone();
                    self.overlays.close_prompt();
                    self.chosen(purpose, i);
                }
            }
            Prompt::Link {
                visitor,
                query,
                matches,
                cursor,
                seq,
                confirm,
                ..
            } => {
                if let Some((customer, _)) = confirm.clone() {
                    if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                        self.requests.push(Request::LinkVisitor {
                            visitor: *visitor,
                            customer,
                        });
                        self.overlays.close_prompt();
                    } else {
                        *confirm = None;
                    }
                    return;
                }
                match key.code {
                    KeyCode::Up => *cursor = cursor.saturating_sub(1),
                    KeyCode::Down => *cursor = (*cursor + 1).min(matches.len().saturating_sub(1)),
                    KeyCode::Enter => {
                        if let Some(m) = matches.get(*cursor).filter(|m| m.id != *visitor) {
                            *confirm = Some((m.id, m.name.clone()));
                        }
                    }
                    _ => {
                        let before = query.value().to_string();
                        if query.value().chars().count() < MAX_QUERY {
                            query.handle_event(&TermEvent::Key(key));
                        }
                        if query.value() != before {
                            *seq += 1;
                            self.requests.push(Request::FormLookup {
                                seq: *seq,
                                query: query.value().to_string(),
                            });
                        }
                    }
                }
            }
        }
    }

    /// Open the incident form, for the selected customer if the card is showing one.
    pub fn open_form(&mut self) {
        if self.overlays.form().is_some() {
            return;
        }
        if let Some(reason) = self.cannot_record() {
            self.notice = Some(Notice::Error(reason));
            return;
        }
        let pre = if let Some(v) = self.overlays.case_view() {
            Some((v.case.customer_id, v.case.customer_name.clone()))
        } else if self.pane == Pane::Search && self.results.is_empty() {
            None
        } else {
            self.selected_hit()
                .map(|h| (h.history.customer.id, h.history.customer.display_name()))
        };
        self.overlays.open(Overlay::Incident(IncidentForm::new(
            &self.policy,
            self.actor.role(),
            &self.choices,
            pre,
            self.now,
        )));
        self.overlays.close_help();
    }

    /// Quit, asking first when something typed would be lost.
    pub fn quit_asking(&mut self) {
        let mut lines = Vec::new();
        if self.overlays.form().is_some_and(|f| f.has_typed_text()) {
            lines.push(
                "The incident you are typing is kept on this PC and offered back next time."
                    .to_string(),
            );
        }
        for (typed, what) in [
            (
                self.overlays.decision().is_some_and(|f| f.has_typed_text()),
                "the decision or review form",
            ),
            (
                self.overlays.customer_form().is_some_and(|f| f.changed()),
                "the customer's details",
            ),
            (
                self.overlays
                    .letter()
                    .is_some_and(|l| !l.free_text.value().trim().is_empty()),
                "your paragraph of the letter",
            ),
            (
                self.overlays.prompt().is_some_and(|p| p.has_typed_text()),
                "the answer being typed",
            ),
        ] {
            if typed {
                lines.push(format!(
                    "What you typed in {what} is not saved and would be lost."
                ));
            }
        }
        if lines.is_empty() || self.overlays.prompt().is_some_and(|p| p.is_quit_question()) {
            self.should_quit = true;
            return;
        }
        self.overlays.open(Overlay::Prompt(Prompt::Choose {
            purpose: manager::ChoosePurpose::Quit,
            title: " Quit safedesk? ".into(),
            lines,
            options: vec![('n', "No: carry on".into()), ('y', "Yes: quit now".into())],
            cursor: 0,
        }));
    }

    /// Why this person cannot record an incident here, if they cannot.
    pub fn cannot_record(&self) -> Option<String> {
        if self.read_only {
            return Some(
                "safedesk was started with --read-only, so incidents cannot be logged here.".into(),
            );
        }
        if self.actor.role().is_none() {
            return Some(not_known(&self.actor, &self.location));
        }
        // Nothing typed would reach it: say so before the typing, not after.
        if let Some(why) = &self.damaged {
            return Some(why.clone());
        }
        None
    }

    fn form_event(&mut self, ev: FormEvent) {
        match ev {
            FormEvent::Nothing => {}
            FormEvent::Changed => {
                if let Some(f) = self.overlays.form() {
                    self.requests
                        .push(Request::SaveDraft(Box::new(f.to_draft(&self.location))));
                }
                // A member of staff was hurt: the staff list, to find them by name.
                if self
                    .overlays
                    .form_mut()
                    .is_some_and(|f| f.wants_staff_list())
                {
                    self.requests.push(Request::LoadStaffList);
                }
            }
            FormEvent::Lookup { seq, query } => {
                self.requests.push(Request::FormLookup { seq, query });
                if let Some(f) = self.overlays.form() {
                    self.requests
                        .push(Request::SaveDraft(Box::new(f.to_draft(&self.location))));
                }
            }
            FormEvent::Save(inc) => match self.overlays.form().and_then(|f| f.amending) {
                Some(version) => self.requests.push(Request::AmendIncident {
                    incident: inc,
                    version,
                }),
                None => {
                    if let Some(f) = self.overlays.form() {
                        self.choices = f.choices(&self.choices);
                        self.requests
                            .push(Request::SaveChoices(self.choices.clone()));
                    }
                    self.requests.push(Request::SaveIncident(inc));
                }
            },
            FormEvent::Discarded => {
                self.overlays.close_form();
                self.requests.push(Request::ClearDraft);
            }
        }
    }

    /// Requests made since the last call, for the worker.
    pub fn take_requests(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.requests)
    }

    /// The layer that gets the keys: the top of the stack, else the lookup pane.
    pub fn context(&self) -> Context {
        match self.overlays.top() {
            Some(Overlay::Saved(_)) => Context::Saved,
            Some(Overlay::DraftOffer(_)) => Context::DraftOffer,
            Some(Overlay::Prompt(_)) => Context::Prompt,
            Some(Overlay::Incident(_)) => Context::IncidentForm,
            Some(Overlay::Customer(_)) => Context::CustomerForm,
            Some(Overlay::Decision(_)) => Context::DecisionForm,
            Some(Overlay::Letter(_)) => Context::Letter,
            Some(Overlay::Help(_)) => Context::Help,
            Some(Overlay::Case(_)) => Context::Case,
            Some(Overlay::Audit(_)) => Context::Audit,
            Some(Overlay::Queue(q)) if q.finding => Context::QueueFind,
            Some(Overlay::Queue(_)) => Context::Queue,
            Some(Overlay::Incidents(_)) => Context::Incidents,
            Some(Overlay::InForce(_)) => Context::InForce,
            Some(Overlay::Reports(_)) => Context::Reports,
            None => match self.pane {
                Pane::Search => Context::Search,
                Pane::Results => Context::Results,
                Pane::Card => Context::Card,
            },
        }
    }

    /// Whether this person may use a key that needs `need` here, or why not.
    pub fn allows(&self, need: Need) -> Result<(), String> {
        match need {
            Need::Anyone => Ok(()),
            Need::Record => self.cannot_record().map_or(Ok(()), Err),
            Need::Decide => self.cannot_decide().map_or(Ok(()), Err),
            Need::Report => match self.actor.role() {
                None => Err(not_known(&self.actor, &self.location)),
                Some(r) if !r.can_decide() => Err(format!(
                    "The reports and the restrictions in force are for managers: you are signed in as {r} staff. Press i for the incidents you logged."
                )),
                Some(_) => Ok(()),
            },
            Need::News => {
                if self.news_focused() {
                    Ok(())
                } else {
                    Err("There is no news here: news about incidents you logged is on the start screen (clear the search, then Tab or n).".into())
                }
            }
            Need::ReplyOwed => match self.reply_owed {
                Some(_) => Ok(()),
                None => Err("There is no reply to write here: it follows logging correspondence that is not processed.".into()),
            },
            Need::Found => match self.selected_hit() {
                Some(_) => Ok(()),
                None => Err("Search first: type a name, a phone number (or its last 6 digits) or an email; Enter then opens the card.".into()),
            },
            Need::Correct | Need::Withdraw => {
                self.cannot_record().map_or(Ok(()), Err)?;
                let change = if need == Need::Correct {
                    crate::policy::incident::Change::Correct
                } else {
                    crate::policy::incident::Change::Withdraw
                };
                match (&self.actor.staff, self.card_incident()) {
                    (Some(staff), Some(i)) => crate::policy::incident::may_change(
                        staff,
                        i.logged_by,
                        &i.logged_by_name,
                        change,
                    ),
                    _ => Ok(()),
                }
            }
        }
    }

    /// The hit under the cursor.
    pub fn selected_hit(&self) -> Option<&LookupHit> {
        self.results.get(self.selected)
    }

    /// What the card shows: the full history when it is loaded for the selected customer, else
    /// the lookup's summary of them.
    pub fn card_history(&self) -> Option<&CustomerHistory> {
        let hit = self.selected_hit()?;
        match &self.card {
            Some(c) if c.customer.id == hit.history.customer.id => Some(c),
            _ => Some(&hit.history),
        }
    }

    pub fn card_is_full(&self) -> bool {
        matches!((&self.card, self.selected_hit()), (Some(c), Some(h)) if c.customer.id == h.history.customer.id)
    }

    /// A batch of terminal events as they were read, each with when: a burst of keys faster
    /// than typing is a paste ([`paste::coalesce`]: the Windows console has no bracketed paste).
    pub fn on_terminal_events(&mut self, batch: Vec<(TermEvent, std::time::Instant)>) {
        for ev in paste::coalesce(batch) {
            self.on_terminal_event(&ev);
        }
    }

    pub fn on_terminal_event(&mut self, ev: &TermEvent) {
        match ev {
            TermEvent::Key(k) if k.kind != KeyEventKind::Release => self.on_key(*k),
            TermEvent::Paste(text) => self.on_paste(text),
            TermEvent::Mouse(m) => self.on_mouse(*m),
            _ => {}
        }
    }

    /// A paste goes to the highest form or letter open, else to the search box when it has
    /// the keyboard and the help is not open.
    fn on_paste(&mut self, text: &str) {
        let unused = |what: &str| {
            Notice::Info(format!(
                "The paste was not used: {what} takes no typed text. Nothing else changed."
            ))
        };
        match self.context() {
            Context::IncidentForm => {
                let ev = self
                    .overlays
                    .form_mut()
                    .map(|f| (f.focus, f.on_paste(text)));
                if let Some((field, ev)) = ev {
                    // A picker (channel, category, behaviours, response) takes no text: a paste
                    // there changes nothing, and says so.
                    if matches!(ev, FormEvent::Nothing) && !text.trim().is_empty() {
                        self.notice = Some(Notice::Info(format!(
                            "The paste was not used: {} is chosen with keys, not typed. Nothing else changed.",
                            field.label()
                        )));
                    }
                    self.form_event(ev);
                }
            }
            Context::CustomerForm => {
                if let Some(f) = self.overlays.customer_form_mut() {
                    f.on_paste(text);
                }
            }
            Context::DecisionForm => {
                if let Some(f) = self.overlays.decision_mut() {
                    f.on_paste(text);
                }
            }
            Context::Letter if self.overlays.letter().is_some_and(|l| l.editing) => {
                self.letter_paste(text)
            }
            Context::Letter => {
                self.notice = Some(Notice::Info(
                    "The paste was not used: press e to type your own paragraph, then paste."
                        .into(),
                ))
            }
            Context::Prompt => self.prompt_paste(text),
            Context::QueueFind => {
                let clean = crate::text::sanitise_for_display(text, false);
                if let Some(q) = self.overlays.queue_mut() {
                    let mut value = q
                        .find
                        .as_ref()
                        .map(|i| i.value().to_string())
                        .unwrap_or_default();
                    value.push_str(&clean);
                    q.find = Some(Input::new(value.chars().take(MAX_QUERY).collect()));
                    q.selected = 0;
                }
            }
            // The lookup panes have one place for text: the search box.
            Context::Search | Context::Results | Context::Card => {
                self.pane = Pane::Search;
                self.paste(text);
            }
            ctx @ (Context::Help
            | Context::Queue
            | Context::Case
            | Context::DraftOffer
            | Context::Saved
            | Context::Audit
            | Context::Incidents
            | Context::InForce
            | Context::Reports) => self.notice = Some(unused(ctx.name())),
        }
    }

    /// A paste into the question on top: its line of text, cleaned and cut to its length.
    fn prompt_paste(&mut self, text: &str) {
        let clean = crate::text::sanitise_for_display(text, false);
        let add = |input: &mut Input, max: usize| -> bool {
            let mut value = input.value().to_string();
            value.push_str(&clean);
            let cut = value.chars().count() > max;
            *input = Input::new(value.chars().take(max).collect());
            cut
        };
        let mut lookup = None;
        let cut = match self.overlays.prompt_mut() {
            Some(Prompt::Withdraw { reason, .. }) => add(reason, 500),
            Some(Prompt::Text { input, .. }) => add(input, 2000),
            Some(Prompt::Merge(m)) if m.other.is_none() => {
                let cut = add(&mut m.query, MAX_QUERY);
                if let merge::MergeKey::Lookup(r) = m.lookup() {
                    lookup = Some(r);
                }
                cut
            }
            Some(Prompt::Link {
                query,
                seq,
                confirm: None,
                ..
            }) => {
                let cut = add(query, MAX_QUERY);
                *seq += 1;
                lookup = Some(Request::FormLookup {
                    seq: *seq,
                    query: query.value().to_string(),
                });
                cut
            }
            _ => {
                self.notice = Some(Notice::Info(
                    "The paste was not used: this question is answered with a key.".into(),
                ));
                return;
            }
        };
        self.requests.extend(lookup);
        if cut {
            self.notice = Some(Notice::Info(
                "The paste was cut: that is the most this answer keeps.".into(),
            ));
        }
    }

    pub fn on_key(&mut self, key: KeyEvent) {
        use crossterm::event::KeyCode;
        if self.drawn.too_small {
            // Nothing can be seen: only quitting works (asking first, as ever).
            let quit = matches!(
                self.keys.resolve(Context::Results, &key),
                Some(Action::Quit | Action::ForceQuit)
            );
            if quit {
                self.quit_asking();
            }
            return;
        }
        // Keys that work from anywhere, whatever is open: quitting, logging an incident and
        // the help.
        let ctx = self.context();
        match self.keys.resolve(ctx, &key) {
            Some(Action::ForceQuit) => return self.quit_asking(),
            Some(Action::LogIncident) if ctx != Context::IncidentForm => {
                if let Err(why) = self.allows(Need::Record) {
                    self.notice = Some(Notice::Error(why));
                } else if let Some(draft) = self.overlays.take_draft_offer() {
                    // An incident not saved last time comes first: a new form would replace it.
                    self.overlays.close_prompt();
                    self.overlays
                        .open(Overlay::Incident(IncidentForm::from_draft(
                            &draft,
                            &self.policy,
                            self.now,
                        )));
                } else {
                    self.overlays.close_saved();
                    self.open_form();
                }
                return;
            }
            Some(Action::Help) if ctx != Context::Help => {
                self.overlays.open(Overlay::Help(HelpView {
                    over: ctx,
                    scroll: 0,
                }));
                return;
            }
            _ => {}
        }
        match self.overlays.top() {
            // The note of what happens next stays until the next key.
            Some(Overlay::Saved(_)) => {
                self.overlays.close_saved();
                let reply = self.reply_owed.take();
                if let (Some((customer, incident)), Some(Action::Letter)) =
                    (reply, self.keys.resolve(ctx, &key))
                {
                    // The reply needs the customer's card (their address, the incident as saved).
                    self.awaiting_reply = Some((customer, incident));
                    self.requests.push(Request::LoadCard { id: customer });
                }
            }
            Some(Overlay::DraftOffer(_)) => match key.code {
                KeyCode::Enter => {
                    if let Some(draft) = self.overlays.take_draft_offer() {
                        self.overlays
                            .open(Overlay::Incident(IncidentForm::from_draft(
                                &draft,
                                &self.policy,
                                self.now,
                            )));
                    }
                }
                KeyCode::Esc => self.overlays.open(Overlay::Prompt(Prompt::Choose {
                    purpose: manager::ChoosePurpose::ThrowAwayDraft,
                    title: " Throw away the unsaved incident? ".into(),
                    lines: vec![
                        "The incident you were typing is kept on this PC. Thrown away, it cannot be got back.".into(),
                    ],
                    options: vec![
                        ('n', "No: keep it and carry on with it".into()),
                        ('y', "Yes: throw it away".into()),
                    ],
                    cursor: 0,
                })),
                _ => {}
            },
            Some(Overlay::Prompt(_)) => self.on_prompt_key(key),
            Some(Overlay::Incident(_)) => {
                if let Some(form) = self.overlays.form_mut() {
                    let ev = form.on_key(key, &self.policy, self.now);
                    self.form_event(ev);
                }
            }
            Some(Overlay::Customer(_)) => {
                let ev = self.overlays.customer_form_mut().map(|f| f.on_key(key));
                match ev {
                    None | Some(customer::CustomerEvent::Nothing) => {}
                    Some(customer::CustomerEvent::Closed) => self.overlays.close_customer_form(),
                    Some(customer::CustomerEvent::Save { id, edit, version }) => self
                        .requests
                        .push(Request::UpdateCustomer { id, edit, version }),
                }
            }
            Some(Overlay::Decision(_)) => self.decision_key(key),
            Some(Overlay::Letter(_)) => self.letter_key(key),
            Some(Overlay::Queue(_)) if self.queue_finding() => self.queue_find_key(key),
            Some(
                Overlay::Help(_)
                | Overlay::Case(_)
                | Overlay::Queue(_)
                | Overlay::Audit(_)
                | Overlay::Incidents(_)
                | Overlay::InForce(_)
                | Overlay::Reports(_),
            )
            | None => self.key_to_action(key),
        }
    }

    /// A key for the help, a case, the queue or the lookup panes: through the keymap.
    fn key_to_action(&mut self, key: KeyEvent) {
        let ctx = self.context();
        match self.keys.resolve(ctx, &key) {
            Some(action) => self.perform(action),
            None if ctx == Context::Search => {
                let before = self.search.value().to_string();
                self.search.handle_event(&TermEvent::Key(key));
                self.limit_query();
                if self.search.value() != before {
                    self.query_changed();
                }
            }
            None => {}
        }
    }

    fn paste(&mut self, text: &str) {
        // A paste is typed text: control characters and newlines become spaces.
        let clean = crate::text::sanitise_for_display(text, false);
        let mut value = self.search.value().to_string();
        value.push_str(&clean);
        self.search = Input::new(value);
        self.limit_query();
        self.query_changed();
    }

    fn limit_query(&mut self) {
        let value = self.search.value();
        if value.chars().count() > MAX_QUERY {
            let cut: String = value.chars().take(MAX_QUERY).collect();
            self.search = Input::new(cut);
            self.notice = Some(Notice::Info(format!(
                "The search was cut to its first {MAX_QUERY} characters."
            )));
        }
    }

    fn query_changed(&mut self) {
        self.lookup_sent += 1;
        if crate::text::too_short(self.search.value()).is_some() {
            // That little cannot pick anyone out: no search, and no stranger's card.
            self.lookup_shown = self.lookup_sent;
            self.lookup_failed = None;
            self.results.clear();
            self.results_capped = false;
            self.selected = 0;
            self.card = None;
            return;
        }
        self.requests.push(Request::Lookup {
            seq: self.lookup_sent,
            query: self.search.value().to_string(),
        });
    }

    /// Ask again for what is on screen (after another instance changed the database).
    pub fn refresh(&mut self) {
        if self.overlays.queue().is_some() {
            self.reload_queue();
        }
        self.refresh_audit();
        if self.overlays.incidents().is_some() {
            self.reload_incidents();
        }
        if self.overlays.in_force().is_some() {
            self.requests.push(Request::LoadInForce {
                offset: 0,
                limit: lists::LIST_PAGE,
            });
        }
        if self.overlays.reports().is_some() {
            self.reload_report();
        }
        if let Some(v) = self.overlays.case_view() {
            self.requests.push(Request::LoadCase { case: v.case.id });
        }
        if !self.search.value().trim().is_empty() {
            self.query_changed();
        }
        if let Some(id) = self.selected_hit().map(|h| h.history.customer.id) {
            self.requests.push(Request::LoadCard { id });
        }
    }

    fn select(&mut self, index: usize) {
        if self.results.is_empty() {
            self.selected = 0;
            return;
        }
        let index = index.min(self.results.len() - 1);
        if index != self.selected || !self.card_is_full() {
            self.selected = index;
            self.card_scroll = 0;
            self.card_cursor = 0;
            let id = self.results[index].history.customer.id;
            self.requests.push(Request::LoadCard { id });
        }
    }

    pub fn perform(&mut self, action: Action) {
        // A key this person's role cannot use says why, and does nothing else.
        let ctx = self.context();
        let need = self
            .keys
            .bindings(ctx)
            .find(|b| b.action == action)
            .map_or(Need::Anyone, |b| b.needs);
        if let Err(why) = self.allows(need) {
            self.notice = Some(Notice::Error(why));
            return;
        }
        match ctx {
            // The help is modal: it scrolls and closes; nothing behind it changes.
            Context::Help => {
                let scroll = |s: u16| match action {
                    Action::Up => Some(s.saturating_sub(1)),
                    Action::Down => Some(s.saturating_add(1).min(200)),
                    Action::PageUp => Some(s.saturating_sub(10)),
                    Action::PageDown => Some(s.saturating_add(10).min(200)),
                    Action::Top => Some(0),
                    Action::Bottom => Some(200),
                    _ => None,
                };
                if let Some(h) = self.overlays.help_mut() {
                    if let Some(to) = scroll(h.scroll) {
                        h.scroll = to;
                        return;
                    }
                }
                match action {
                    Action::Help | Action::Back => self.overlays.close_help(),
                    Action::Quit => self.should_quit = true,
                    Action::Refresh => self.refresh(),
                    _ => {}
                }
                return;
            }
            Context::Case if self.case_key(action) => return,
            Context::Audit if self.audit_key(action) => return,
            Context::Card if self.news_focused() && self.news_key(action) => return,
            Context::Card if self.card_key(action) => return,
            Context::Queue if self.queue_key(action) => return,
            Context::Incidents if self.incidents_key(action) => return,
            Context::InForce if self.in_force_key(action) => return,
            Context::Reports if self.reports_key(action) => return,
            _ => {}
        }
        match action {
            Action::Quit => self.should_quit = true,
            Action::ForceQuit => self.quit_asking(),
            Action::LogIncident => self.open_form(),
            Action::Withdraw
            | Action::Correct
            | Action::Link
            | Action::Merge
            | Action::AskDebrief => self.card_action(action),
            Action::Help => self.overlays.open(Overlay::Help(HelpView {
                over: ctx,
                scroll: 0,
            })),
            Action::FocusSearch => self.pane = Pane::Search,
            // On the start screen the news is next to the search box: nothing is in between.
            Action::NextPane if self.pane == Pane::Search && self.news_showing() => {
                self.pane = Pane::Card
            }
            Action::PrevPane if self.pane == Pane::Card && self.news_showing() => {
                self.pane = Pane::Search
            }
            Action::News => self.go_to_news(),
            Action::DismissNews => {}
            Action::NextPane => {
                self.pane = match self.pane {
                    Pane::Search => Pane::Results,
                    Pane::Results => Pane::Card,
                    Pane::Card => Pane::Search,
                }
            }
            Action::PrevPane => {
                self.pane = match self.pane {
                    Pane::Search => Pane::Card,
                    Pane::Results => Pane::Search,
                    Pane::Card => Pane::Results,
                }
            }
            // On the card these are the card's own (`card_key`); here they move the results.
            Action::Up => self.select(self.selected.saturating_sub(1)),
            Action::Down => self.select(self.selected + 1),
            Action::PageUp => self.select(self.selected.saturating_sub(5)),
            Action::PageDown => self.select(self.selected + 5),
            Action::Top => self.select(0),
            Action::Bottom => self.select(self.results.len().saturating_sub(1)),
            Action::Open => {
                if self.selected_hit().is_some() {
                    self.select(self.selected);
                    self.pane = Pane::Card;
                }
            }
            Action::Back => {
                self.pane = match self.pane {
                    Pane::Card | Pane::Search => Pane::Results,
                    Pane::Results => Pane::Search,
                };
            }
            Action::ClearSearch => {
                self.search = Input::default();
                self.pane = Pane::Search;
                self.query_changed();
            }
            Action::Refresh => self.refresh(),
            Action::Queue => self.open_queue(),
            Action::AuditHistory => self.open_customer_audit(),
            Action::AuditLog => self.open_office_audit(),
            Action::Incidents => match self.overlays.incidents() {
                Some(_) => self.overlays.close_incidents(),
                None => self.open_incidents(),
            },
            Action::InForce => match self.overlays.in_force() {
                Some(_) => self.overlays.close_in_force(),
                None => self.open_in_force(),
            },
            Action::Reports => match self.overlays.reports() {
                Some(_) => self.overlays.close_reports(),
                None => self.open_reports(),
            },
            Action::Months
            | Action::FilterToday
            | Action::FilterDates
            | Action::FilterCategory
            | Action::FilterChannel
            | Action::FilterStaff
            | Action::FilterUnidentified
            | Action::FilterThreats
            | Action::ClearFilters
            | Action::DebriefHeld => {}
            Action::CustomerRequest => self.customer_request_prompt(),
            Action::OpenPage => match self.card_history().filter(|_| self.card_is_full()) {
                Some(h) => {
                    let h = h.clone();
                    self.open_newest_page(&h);
                }
                None => {
                    self.notice = Some(Notice::Info(
                        "Open a customer's card first (Enter on a result).".into(),
                    ))
                }
            },
            Action::ExportCustomer => {
                if let Some(reason) = self.cannot_decide() {
                    self.notice = Some(Notice::Error(reason));
                } else if let Some(h) = self.card_history().filter(|_| self.card_is_full()) {
                    let dir = match &self.letter_kit {
                        Ok(kit) => crate::letters::exports_dir(&kit.dir),
                        Err(_) => crate::letters::exports_dir(&crate::letters::default_dir()),
                    };
                    let name = h.customer.display_name();
                    self.requests.push(Request::ExportCustomer {
                        customer: h.customer.id,
                        dir,
                    });
                    self.notice = Some(Notice::Info(format!(
                        "Writing everything held about {name} to the subject access folder..."
                    )));
                } else {
                    self.notice = Some(Notice::Info(
                        "Open a customer's card first (Enter on a result).".into(),
                    ));
                }
            }
            Action::EditCustomer => {
                if let Some(reason) = self.cannot_record() {
                    self.notice = Some(Notice::Error(reason));
                } else if let Some(h) = self.card_history().filter(|_| self.card_is_full()) {
                    self.overlays
                        .open(Overlay::Customer(customer::CustomerForm::new(h)));
                } else {
                    self.notice = Some(Notice::Info(
                        "Open a customer's card first (Enter on a result).".into(),
                    ));
                }
            }
            // Keys of the forms, the letter, questions and popups: their layer takes them.
            Action::Save
            | Action::NextField
            | Action::PrevField
            | Action::Close
            | Action::Tick
            | Action::Edit
            | Action::Move
            | Action::Confirm
            | Action::Pick
            | Action::CarryOn
            | Action::Dismiss => {}
            Action::Filter
            | Action::ShowKind(_)
            | Action::FindInQueue
            | Action::LettersOwed
            | Action::AssignToMe
            | Action::Decide
            | Action::Review
            | Action::Letter
            | Action::MarkSent
            | Action::NotPossible
            | Action::Approve
            | Action::TurnDown
            // The audit trail's own (`audit_key`).
            | Action::AuditStaff
            | Action::AuditDates
            | Action::AuditCustomer
            | Action::AuditClear
            | Action::ReverseMerge => {}
        }
    }

    pub fn on_reply(&mut self, reply: Reply) {
        match reply {
            Reply::Lookup { seq, result } => {
                if seq < self.lookup_sent {
                    // A newer search is on its way; this answer is out of date.
                    return;
                }
                self.lookup_shown = seq;
                match result {
                    Ok(mut hits) => {
                        let keep = self.selected_hit().map(|h| h.history.customer.id);
                        // The worker asks for one more than it shows, to know there are more.
                        self.results_capped = hits.len() > crate::sync::worker::RESULTS;
                        hits.truncate(crate::sync::worker::RESULTS);
                        self.results = hits;
                        let index = keep
                            .and_then(|id| {
                                self.results
                                    .iter()
                                    .position(|h| h.history.customer.id == id)
                            })
                            .unwrap_or(0);
                        self.selected = usize::MAX;
                        if !self.results.is_empty() {
                            self.select(index);
                        } else {
                            self.selected = 0;
                            self.card = None;
                        }
                        // Only this cause's error goes: a refusal on the status line stays.
                        self.lookup_failed = None;
                    }
                    Err(e) => {
                        // Not an empty result, and not the last person's: no one is shown
                        // under a query that could not be searched.
                        self.lookup_failed = Some(e);
                        self.results.clear();
                        self.results_capped = false;
                        self.selected = 0;
                        self.card = None;
                        self.card_failed = None;
                        self.kept_results = None;
                        self.kept_card = None;
                    }
                }
            }
            Reply::Incidents { query, result } => self.incidents_arrived(query, result),
            Reply::StaffList(staff) => self.staff_arrived(staff),
            Reply::InForce(result) => self.in_force_arrived(result),
            Reply::Report(result) => self.report_arrived(result),
            Reply::Card { id, result } => match result {
                Ok(Some(h)) => {
                    if self.awaiting_card == Some(id) {
                        self.awaiting_card = None;
                        self.customer_opened(&h);
                    }
                    if let Some((_, incident)) = self.awaiting_reply.filter(|(c, _)| *c == id) {
                        self.awaiting_reply = None;
                        self.open_reply(&h, incident);
                    }
                    if let Some((_, batch)) =
                        self.awaiting_review_letter.filter(|(c, _)| *c == id)
                    {
                        self.awaiting_review_letter = None;
                        self.open_review_letter(&h, batch);
                    }
                    if let Some(f) = self.overlays.customer_form_mut() {
                        f.card_arrived(&h);
                    }
                    if self.selected_hit().map(|s| s.history.customer.id) == Some(id) {
                        self.card = Some(*h);
                        self.card_failed = None;
                    }
                }
                Ok(None) => {
                    self.notice = Some(Notice::Info(
                        "That customer is no longer in the database (merged or removed by someone else).".into(),
                    ))
                }
                Err(e) => {
                    if self.selected_hit().map(|s| s.history.customer.id) == Some(id) {
                        self.card_failed = Some(e);
                    }
                }
            },
            Reply::FormLookup { seq, result } => {
                if let (Some(Prompt::Merge(m)), Ok(hits)) = (self.overlays.prompt_mut(), &result) {
                    m.on_lookup(seq, hits);
                    return;
                }
                if let Some(Prompt::Link {
                    matches,
                    cursor,
                    seq: sent,
                    visitor,
                    ..
                }) = self.overlays.prompt_mut()
                {
                    if let (true, Ok(hits)) = (seq == *sent, &result) {
                        *matches = hits
                            .iter()
                            .filter(|h| h.history.customer.id != *visitor && !h.history.customer.is_unidentified())
                            .take(8)
                            .map(|h| form::WhoMatch {
                                id: h.history.customer.id,
                                name: h.history.customer.display_name(),
                                detail: h.history.customer.phones.first().cloned().unwrap_or_default(),
                                restricted: false,
                            })
                            .collect();
                        *cursor = 0;
                    }
                } else if let (Some(f), Ok(hits)) = (self.overlays.form_mut(), result) {
                    f.on_lookup(seq, &hits, self.now);
                }
            }
            Reply::Done(message) => {
                if self.overlays.form().is_some_and(|f| f.saving) {
                    self.overlays.close_form();
                    self.requests.push(Request::ClearDraft);
                }
                if self.overlays.decision().is_some_and(|f| f.saving) {
                    self.overlays.close_decision();
                }
                if self.overlays.customer_form().is_some_and(|f| f.saving) {
                    self.overlays.close_customer_form();
                }
                self.notice = Some(Notice::Info(message));
                self.refresh();
            }
            Reply::Saved(outcome) => {
                let form = self.overlays.take_form();
                self.requests.push(Request::ClearDraft);
                let mut lines = after_save(&outcome, &self.policy, self.alerts.managers);
                // Correspondence not processed: the customer is told so, at once, by whoever
                // logged it.
                self.reply_owed = match (form, outcome.customer) {
                    (Some(f), Some(customer))
                        if f.amending.is_none()
                            && f.response == crate::letters::CORRESPONDENCE_NOT_PROCESSED =>
                    {
                        lines.push("Press l now to write the reply that tells the customer their correspondence is not processed (any other key: later).".into());
                        Some((customer, f.id))
                    }
                    _ => None,
                };
                self.overlays.open(Overlay::Saved(lines));
                self.refresh();
            }
            Reply::Queued { reason } => {
                let threat = self.overlays.take_form().is_some_and(|f| f.threat);
                self.requests.push(Request::ClearDraft);
                let mut lines = vec![
                    "Saved on this PC, not yet in the shared database.".to_string(),
                    format!("The shared database could not take it: {reason}"),
                    "It will be written there by itself, once, as soon as the database can be reached. Leave safedesk running if you can.".to_string(),
                ];
                if threat {
                    lines.insert(
                        0,
                        format!(
                            "Immediate threat: tell a manager now. {}",
                            self.policy.policy.emergency_advice
                        ),
                    );
                }
                self.overlays.open(Overlay::Saved(lines));
            }
            Reply::SaveFailed(message) => {
                if let Some(f) = self.overlays.form_mut().filter(|f| f.saving) {
                    f.save_failed(message);
                } else if let Some(f) = self.overlays.decision_mut().filter(|f| f.saving) {
                    f.save_failed(message);
                } else if let Some(f) = self.overlays.customer_form_mut().filter(|f| f.saving) {
                    f.save_failed(message);
                } else if let Some(l) = self.overlays.letter_mut().filter(|l| l.saving) {
                    l.saving = false;
                    self.notice = Some(Notice::Error(message));
                } else {
                    self.notice = Some(Notice::Error(message));
                }
                // Someone else may have changed it: show the newer data.
                self.refresh();
            }
            Reply::Kept { what, reason } => {
                if self.overlays.customer_form().is_some_and(|f| f.saving) {
                    self.overlays.close_customer_form();
                }
                self.notice = Some(Notice::Info(format!(
                    "Kept on this PC, not yet in the shared database: {what}. The shared database could not take it ({reason}) It will be written there by itself, once, as soon as the database can be reached."
                )));
            }
            Reply::Outbox(n) => self.outbox = n,
            Reply::OutboxDelivered(n) => {
                self.notice = Some(Notice::Info(format!(
                    "{n} {} from this PC's outbox {} now saved in the shared database.",
                    if n == 1 { "entry" } else { "entries" },
                    if n == 1 { "is" } else { "are" }
                )));
                self.refresh();
            }
            Reply::OutboxRefused(message) => self.notice = Some(Notice::Error(message)),
            Reply::Changed => self.refresh(),
            Reply::Watch(w) => self.watch_arrived(w),
            Reply::Managers(n) => self.alerts.managers = n,
            Reply::RetentionDue(n) => {
                let said = Some(Notice::Info(retention_due_sentence(self.retention_due)));
                if n > 0 && self.retention_due == 0 {
                    self.notice = Some(Notice::Info(retention_due_sentence(n)));
                } else if n == 0 && self.retention_due > 0 && self.notice == said {
                    self.notice = None;
                }
                self.retention_due = n;
            }
            Reply::Answered {
                card,
                from,
                took_ms,
            } => {
                if card {
                    self.kept_card = from;
                } else {
                    self.kept_results = from;
                }
                self.slow_ms = (took_ms >= SLOW_MS).then_some(took_ms);
            }
            Reply::AuditPage { query, result } => self.audit_page_arrived(query, result),
            Reply::Queue(result) => match result {
                Ok(queue) => self.queue_arrived(queue),
                Err(e) => self.notice = Some(Notice::Error(e)),
            },
            Reply::LettersOwed(result) => match result {
                Ok(owed) => {
                    if let Some(q) = self.overlays.queue_mut() {
                        q.letters = owed;
                        q.letters_loaded = true;
                        q.selected = q.selected.min(q.shown(self.actor.staff.as_ref().map(|s| s.id)).saturating_sub(1));
                    }
                }
                Err(e) => self.notice = Some(Notice::Error(e)),
            },
            Reply::QueuePage { query, result } => match result {
                Ok(page) => self.queue_page_arrived(&query, page),
                Err(e) => self.notice = Some(Notice::Error(e)),
            },
            Reply::Case { case, result } => match result {
                Ok(data) => {
                    if let Some(v) = self.overlays.case_view_mut().filter(|v| v.case.id == case) {
                        v.case = data.case;
                        v.history = data.history;
                        v.staff = data.staff;
                        v.others = data.others;
                    }
                }
                Err(e) => self.notice = Some(Notice::Error(e)),
            },
            Reply::DecisionSaved(saved) => {
                self.overlays.close_decision();
                let mut lines = vec![if saved.already_saved {
                    "That decision was already saved.".to_string()
                } else if saved.waiting_for_approval.is_some() {
                    "The decision is saved, WAITING FOR APPROVAL: nothing of it is in force yet."
                        .to_string()
                } else {
                    format!(
                        "The decision is saved{}.",
                        match saved.restrictions {
                            0 => String::new(),
                            1 => ": 1 restriction applies from now".to_string(),
                            n => format!(": {n} restrictions apply from now"),
                        }
                    )
                }];
                if saved.restrictions > 0 {
                    lines.push("Every lookup shows them at once, on every PC.".into());
                }
                if let Some(why) = &saved.waiting_for_approval {
                    lines.push(why.clone());
                    lines.push("It is in the queue as \"Waiting for approval\": another manager or an admin opens it there and approves it (y) or turns it down (t). Its letter is owed once it is approved.".into());
                }
                if saved.confirmation_owed {
                    lines.push("Written confirmation is owed \"where possible\": the case stays in the queue until it is sent (press l), or until you record why it was not possible (n).".into());
                } else if saved.letter_owed {
                    lines.push("The customer must be told in writing, with the review date: press l on the case to produce the letter.".into());
                }
                self.overlays.open(Overlay::Saved(lines));
                self.refresh();
            }
            Reply::PageOpened { page, result } => self.page_opened(&page, result),
            Reply::LetterNotRecorded {
                markdown,
                html,
                message,
            } => {
                if let Some(l) = self.overlays.letter_mut() {
                    l.saving = false;
                    l.written = Some((markdown, html));
                }
                self.notice = Some(Notice::Error(message));
            }
            Reply::LetterSaved {
                letter,
                what,
                markdown,
                html,
            } => {
                let mut unaddressed = false;
                if let Some(v) = self.overlays.letter_mut() {
                    self.last_page = Some((v.customer_id, html.clone()));
                    unaddressed = v.facts.customer_address.is_empty();
                }
                self.overlays.close_letter();
                self.notice = Some(Notice::Info(format!(
                    "Saved as {} (and {} to print: o on the case or the card opens it).{}",
                    markdown.display(),
                    html.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                    if unaddressed {
                        " It has no postal address on it: it can go by email or by hand, not by post."
                    } else {
                        ""
                    }
                )));
                self.ask_how_sent(letter, &what, !unaddressed);
                self.refresh();
            }
            Reply::ReviewSaved(saved) => {
                let form = self.overlays.take_decision();
                let mut lines = vec![format!(
                    "The review is saved: {} ended, {} continued, {} added.",
                    saved.ended, saved.continued, saved.added
                )];
                let unreviewed = form.as_ref().is_some_and(|f| {
                    f.still_wants == Some(false)
                        && f.review_outcome != crate::domain::ReviewOutcome::Lift
                        && f.review_date.value().trim().is_empty()
                });
                if unreviewed {
                    lines.push("The customer no longer wants the services, so no further review is due: if they ask to use them again, record their request (r on the card) and it comes to the queue.".into());
                }
                if saved.ended > 0 {
                    lines.push("Lookups stop showing what ended, on every PC.".into());
                }
                if let Some(reason) = saved.left_open {
                    lines.push(format!(
                        "The case this review was started from ({}) stays open: a review does not answer it. A manager must decide on it (d on the case).",
                        reason.label()
                    ));
                }
                lines.push(
                    "Press l on the case to produce the review outcome letter.".into(),
                );
                self.overlays.open(Overlay::Saved(lines));
                self.refresh();
            }
            Reply::Damaged(why) => self.damaged = Some(why),
            Reply::News(news) => self.news_arrived(news),
            Reply::NewsNotDismissed(why) => {
                self.news.show_again();
                self.notice = Some(Notice::Error(format!(
                    "The news could not be dismissed, so it shows again: {why}"
                )));
            }
            Reply::PolicyChanged(Ok((policy, what))) => {
                self.policy = *policy;
                self.notice = Some(Notice::Info(format!(
                    "An admin changed the office's policy ({what}): what you see now follows it."
                )));
            }
            Reply::PolicyChanged(Err(why)) => self.notice = Some(Notice::Error(why)),
            Reply::Health(h) => {
                if let Health::Ok { checked } = h {
                    self.now = checked;
                }
                self.health = h;
            }
        }
    }

    /// When what is on screen was read, if it is an answer kept on this PC (the oldest of the
    /// results and the card).
    pub fn kept_answer(&self) -> Option<DateTime<Utc>> {
        match (self.kept_results, self.kept_card) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The search box text.
    pub fn query(&self) -> &str {
        self.search.value()
    }

    /// Open the card of the result at `index` (counted from 0), as moving to it in the results
    /// and pressing Enter does.
    pub fn open_result(&mut self, index: usize) {
        self.pane = Pane::Results;
        self.select(index);
        self.perform(Action::Open);
    }

    pub fn set_query(&mut self, q: &str) {
        self.search = Input::new(q.to_string());
        self.limit_query();
        self.query_changed();
    }
}

/// What someone not on the staff list is told: the whole sentence, with the exact command an
/// admin runs to add them to this database.
pub fn not_known(actor: &Actor, location: &str) -> String {
    format!(
        "{} --db \"{}\"",
        actor.not_known_message(),
        crate::text::clean(location)
    )
}

/// "Retention: 12 records are past their keeping period; run safedesk retention --dry-run".
pub fn retention_due_sentence(n: usize) -> String {
    format!(
        "Retention: {n} record{} past {} keeping period; run safedesk retention --dry-run",
        if n == 1 { " is" } else { "s are" },
        if n == 1 { "its" } else { "their" }
    )
}

#[cfg(test)]
mod overlay_tests {
    use super::*;

    #[test]
    fn the_last_opened_is_on_top_and_reopening_a_kind_keeps_its_place() {
        let mut o = Overlays::default();
        assert!(o.top().is_none());
        let help = |scroll| {
            Overlay::Help(HelpView {
                over: Context::Card,
                scroll,
            })
        };
        o.open(help(0));
        o.open(Overlay::Saved(vec!["one".into()]));
        assert!(matches!(o.top(), Some(Overlay::Saved(_))));
        o.open(help(3));
        assert_eq!(o.help().map(|h| h.scroll), Some(3));
        assert!(
            matches!(o.top(), Some(Overlay::Saved(_))),
            "help stays below"
        );
        assert_eq!(o.take_saved(), Some(vec!["one".to_string()]));
        assert!(matches!(o.top(), Some(Overlay::Help(h)) if h.scroll == 3));
        o.close_help();
        assert!(o.top().is_none() && o.help().is_none());
        assert_eq!(o.take_help(), None);
    }
}
