//! The one table of keys. It turns key presses into actions, fills the help screen and the hint
//! bar, so the help can never disagree with the keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key press asks the app to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    LogIncident,
    Quit,
    ForceQuit,
    Help,
    FocusSearch,
    NextPane,
    PrevPane,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    ClearSearch,
    Refresh,
    Withdraw,
    Correct,
    Link,
    /// Merge the card's record with another record of the same person (managers).
    Merge,
    Queue,
    /// The queue: show the next kind of case only (all, then each reason, then mine).
    Filter,
    /// The queue: show only one kind of case (0 all, 1 to 6 each reason in turn).
    ShowKind(u8),
    /// The queue: type part of a customer's name to find their cases.
    FindInQueue,
    /// The queue: the letters owed to customers, oldest first.
    LettersOwed,
    /// Take the selected case (or give it back).
    AssignToMe,
    /// Record the manager's decision on the case.
    Decide,
    /// Review the restrictions in force.
    Review,
    /// Produce a letter for the customer.
    Letter,
    /// Open the newest letter's printable page with this computer's program for web pages.
    OpenPage,
    /// Record that a letter went (post, email, by hand).
    MarkSent,
    /// Record why written confirmation of an immediate restriction was not possible.
    NotPossible,
    /// The customer asked for a review or complained.
    CustomerRequest,
    /// Change the customer's details (names, numbers, addresses, notes).
    EditCustomer,
    /// Write everything held about the customer (a subject access request).
    ExportCustomer,
    /// The incidents list (managers: everyone's; others: their own).
    Incidents,
    /// The restrictions in force with their review dates.
    InForce,
    /// The reports pane (managers).
    Reports,
    /// The reports: 12 months or 24.
    Months,
    /// The incidents list: today's only (or every date again).
    FilterToday,
    /// The incidents list: between two dates.
    FilterDates,
    /// The incidents list: each category in turn, then all.
    FilterCategory,
    /// The incidents list: each channel in turn, then all.
    FilterChannel,
    /// The incidents list: each member of staff in turn, then all (managers).
    FilterStaff,
    /// The incidents list: unidentified visitors not yet linked (or everyone again).
    FilterUnidentified,
    /// The incidents list: immediate threats only (or all again).
    FilterThreats,
    /// The incidents list: no filters.
    ClearFilters,
    // In forms, the letter, questions and popups (the layer on top passes these keys on to
    // what it shows; they are here so that help and hints tell the truth):
    /// Save the form or the letter.
    Save,
    /// The next field.
    NextField,
    /// The previous field.
    PrevField,
    /// Close it, asking first when something typed would be lost.
    Close,
    /// Tick or untick the highlighted choice.
    Tick,
    /// Type the letter's own paragraph.
    Edit,
    /// Move within the form, list or letter.
    Move,
    /// Give the answer (a reason, a choice).
    Confirm,
    /// Pick an option by its key.
    Pick,
    /// Carry on with the incident that was not saved.
    CarryOn,
    /// Close the popup.
    Dismiss,
    /// The card: the customer's history of changes, and who looked at their card.
    AuditHistory,
    /// The queue: the office's audit trail.
    AuditLog,
    /// The audit trail: only one member of staff's entries.
    AuditStaff,
    /// The audit trail: only entries between two dates.
    AuditDates,
    /// The office's audit trail: only the customer on the card (again: everyone).
    AuditCustomer,
    /// The audit trail: clear the filters.
    AuditClear,
    /// The audit trail: undo the highlighted merge of two customer records.
    ReverseMerge,
    /// The start screen: go to the news about incidents you logged.
    News,
    /// The start screen's news: dismiss the highlighted piece of news (on every PC).
    DismissNews,
    /// A case waiting for approval: approve its decision (a second manager or admin).
    Approve,
    /// A case waiting for approval: turn its decision down, with a reason.
    TurnDown,
    /// Card: ask for a debrief after the highlighted incident (for yourself).
    AskDebrief,
    /// A case: record the debrief it asks for as held (the day, and by whom).
    DebriefHeld,
}

/// Where the keyboard is: keys mean different things while typing in the search box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Typing in the search box: printable keys are text.
    Search,
    Results,
    Card,
    Help,
    /// The manager's escalation queue.
    Queue,
    /// One case: what is behind it, and what a manager does about it.
    Case,
    /// The queue's find line: printable keys are text.
    QueueFind,
    /// The incident form: printable keys are text.
    IncidentForm,
    /// The decision or review form: printable keys are text.
    DecisionForm,
    /// A customer's details: printable keys are text.
    CustomerForm,
    /// A letter's preview (and its paragraph, while it is typed).
    Letter,
    /// A question: a reason to type, an option to pick, a customer to find.
    Prompt,
    /// An incident that was not saved, offered back.
    DraftOffer,
    /// What happens next, after a save.
    Saved,
    /// The audit trail: a customer's history of changes, or the office's.
    Audit,
    /// The incidents list.
    Incidents,
    /// The restrictions in force.
    InForce,
    /// The reports pane.
    Reports,
}

impl Context {
    /// What the layer is, in the help's title.
    pub fn name(self) -> &'static str {
        match self {
            Context::Search => "the search box",
            Context::Results => "the results",
            Context::Card => "a customer's card",
            Context::Help => "the help",
            Context::Queue => "the escalation queue",
            Context::Case => "a case",
            Context::QueueFind => "finding in the queue",
            Context::IncidentForm => "the incident form",
            Context::DecisionForm => "the decision or review form",
            Context::CustomerForm => "a customer's details",
            Context::Letter => "a letter",
            Context::Prompt => "a question",
            Context::DraftOffer => "an unsaved incident",
            Context::Saved => "what happens next",
            Context::Audit => "the audit trail",
            Context::Incidents => "the incidents list",
            Context::InForce => "the restrictions in force",
            Context::Reports => "the reports",
        }
    }

    /// Printable keys are text here.
    pub fn typing(self) -> bool {
        matches!(
            self,
            Context::Search
                | Context::QueueFind
                | Context::IncidentForm
                | Context::DecisionForm
                | Context::CustomerForm
                | Context::Prompt
        )
    }
}

impl Need {
    /// Who may use such a key, to write beside it in the help.
    pub fn who(self) -> Option<&'static str> {
        match self {
            Need::Anyone => None,
            Need::Record => Some("staff on the staff list"),
            Need::Decide => Some("managers"),
            Need::Correct | Need::Withdraw => Some("whoever logged the incident, or a manager"),
            Need::Found | Need::ReplyOwed => None,
            Need::Report => Some("managers"),
            Need::News => None,
        }
    }
}

/// The lookup panes, the help, the queue and a case.
const PANES: &[Context] = &[
    Context::Search,
    Context::Results,
    Context::Card,
    Context::Help,
    Context::Queue,
    Context::Case,
    Context::Audit,
    Context::Incidents,
    Context::InForce,
    Context::Reports,
];
/// Every layer: keys that work from anywhere.
pub const EVERYWHERE: &[Context] = &[
    Context::Search,
    Context::QueueFind,
    Context::Results,
    Context::Card,
    Context::Help,
    Context::Queue,
    Context::Case,
    Context::IncidentForm,
    Context::DecisionForm,
    Context::CustomerForm,
    Context::Letter,
    Context::Prompt,
    Context::DraftOffer,
    Context::Saved,
    Context::Audit,
    Context::Incidents,
    Context::InForce,
    Context::Reports,
];
const NOT_IN_THE_INCIDENT_FORM: &[Context] = &[
    Context::Search,
    Context::QueueFind,
    Context::Results,
    Context::Card,
    Context::Help,
    Context::Queue,
    Context::Case,
    Context::DecisionForm,
    Context::CustomerForm,
    Context::Letter,
    Context::Prompt,
    Context::DraftOffer,
    Context::Saved,
    Context::Audit,
    Context::Incidents,
    Context::InForce,
    Context::Reports,
];
const FORMS: &[Context] = &[
    Context::IncidentForm,
    Context::DecisionForm,
    Context::CustomerForm,
];
const NOT_TYPING: &[Context] = &[
    Context::Results,
    Context::Card,
    Context::Queue,
    Context::Case,
    Context::Incidents,
    Context::InForce,
    Context::Reports,
];
const MOVING: &[Context] = &[
    Context::Results,
    Context::Card,
    Context::Help,
    Context::Queue,
    Context::Case,
    Context::Audit,
    Context::Incidents,
    Context::InForce,
    Context::Reports,
];
const QUEUE: &[Context] = &[Context::Queue];
const CASE: &[Context] = &[Context::Case];
const QUEUE_OR_CASE: &[Context] = &[Context::Queue, Context::Case];
const QUITTING: &[Context] = &[
    Context::Results,
    Context::Card,
    Context::Help,
    Context::Queue,
    Context::Case,
    Context::Audit,
    Context::Incidents,
    Context::InForce,
    Context::Reports,
];
pub const AUDIT: &[Context] = &[Context::Audit];
/// Where the lists and the reports open from.
const LIST_KEYS: &[Context] = &[
    Context::Results,
    Context::Card,
    Context::Queue,
    Context::Incidents,
    Context::InForce,
    Context::Reports,
];
/// The lookup panes and the queue: the lists open from here too, without crowding the hint bar.
const LOOKUP_KEYS: &[Context] = &[Context::Results, Context::Card, Context::Queue];
/// The lists and the reports themselves.
const LISTS_OPEN: &[Context] = &[Context::Incidents, Context::InForce, Context::Reports];
const INCIDENTS: &[Context] = &[Context::Incidents];
const LISTS: &[Context] = &[Context::Search, Context::Results, Context::Card];

pub struct Binding {
    pub action: Action,
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the keys are written in help and hints.
    pub label: &'static str,
    pub desc: &'static str,
    pub contexts: &'static [Context],
    /// Shown in the hint bar.
    pub hint: bool,
    /// Who may use it: the hint bar offers it only to them; pressed by anyone else, it says why.
    pub needs: Need,
}

/// Who may use a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Anyone,
    /// Someone on the staff list, in a safedesk not started with --read-only.
    Record,
    /// A manager or admin.
    Decide,
    /// Whoever logged the highlighted incident, or a manager: to correct it.
    Correct,
    /// Whoever logged the highlighted incident, or a manager: to withdraw it.
    Withdraw,
    /// Anyone, once a search has found someone to open.
    Found,
    /// Whoever just logged correspondence that is not processed: its reply is theirs to write.
    ReplyOwed,
    /// A manager or admin, to read the reports and lists of everyone (--read-only is fine).
    Report,
    /// The start screen's news is shown and has the keys.
    News,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

pub const BINDINGS: &[Binding] = &[
    Binding {
        action: Action::LogIncident,
        keys: &[(KeyCode::Char('n'), CTRL)],
        label: "Ctrl-N",
        desc: "Log an incident, from anywhere (for the selected person); Esc or a save comes back here",
        contexts: NOT_IN_THE_INCIDENT_FORM,
        hint: true,
        needs: Need::Record,
    },
    Binding {
        action: Action::FindInQueue,
        keys: &[(KeyCode::Char('/'), NONE)],
        label: "/",
        desc: "Queue: find a customer's cases by typing part of their name",
        contexts: QUEUE,
        hint: true,
        needs: Need::Decide,
    },
    Binding {
        action: Action::FocusSearch,
        keys: &[(KeyCode::Char('/'), NONE)],
        label: "/",
        desc: "Search by name, phone number or email",
        contexts: NOT_TYPING,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Open,
        keys: &[(KeyCode::Enter, NONE)],
        label: "Enter",
        desc: "Open the selected customer's card",
        contexts: &[Context::Search, Context::Results],
        hint: true,
        needs: Need::Found,
    },
    Binding {
        action: Action::Open,
        keys: &[(KeyCode::Enter, NONE)],
        label: "Enter",
        desc: "Queue: open the selected case",
        contexts: QUEUE,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Filter,
        keys: &[(KeyCode::Char('f'), NONE)],
        label: "f",
        desc: "Queue: show one kind of case (each reason in turn, then yours, then all)",
        contexts: QUEUE,
        hint: true,
        needs: Need::Decide,
    },
    Binding {
        action: Action::ShowKind(1),
        keys: &[(KeyCode::Char('1'), NONE)],
        label: "1",
        desc: "Queue: only immediate threats",
        contexts: QUEUE,
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::ShowKind(2),
        keys: &[(KeyCode::Char('2'), NONE)],
        label: "2",
        desc: "Queue: only breaches of a restriction",
        contexts: QUEUE,
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::ShowKind(3),
        keys: &[(KeyCode::Char('3'), NONE)],
        label: "3",
        desc: "Queue: only the incident threshold reached",
        contexts: QUEUE,
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::ShowKind(4),
        keys: &[(KeyCode::Char('4'), NONE)],
        label: "4",
        desc: "Queue: only reviews due or overdue",
        contexts: QUEUE,
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::ShowKind(5),
        keys: &[(KeyCode::Char('5'), NONE)],
        label: "5",
        desc: "Queue: only customers who asked for a review or complained",
        contexts: QUEUE,
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::ShowKind(6),
        keys: &[(KeyCode::Char('6'), NONE)],
        label: "6",
        desc: "Queue: only decisions waiting for a second person's approval",
        contexts: QUEUE,
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::ShowKind(7),
        keys: &[(KeyCode::Char('7'), NONE)],
        label: "7",
        desc: "Queue: only debriefs asked for by staff after an incident",
        contexts: QUEUE,
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::LettersOwed,
        keys: &[(KeyCode::Char('o'), NONE)],
        label: "o",
        desc: "Queue: letters owed to customers, oldest first (Enter opens the case to produce one)",
        contexts: QUEUE,
        // The queue's summary line says "o lists them" beside the number owed.
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::ShowKind(0),
        keys: &[(KeyCode::Char('0'), NONE)],
        label: "0",
        desc: "Queue: every kind of case again",
        contexts: QUEUE,
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::AssignToMe,
        keys: &[(KeyCode::Char('a'), NONE)],
        label: "a",
        desc: "Queue or case: assign the case to me (again: to nobody)",
        contexts: QUEUE_OR_CASE,
        hint: true,
        needs: Need::Decide,
    },
    Binding {
        action: Action::Decide,
        keys: &[(KeyCode::Char('d'), NONE)],
        label: "d",
        desc: "Case: record the decision from the meeting (actions, restrictions, reasons)",
        contexts: CASE,
        hint: true,
        needs: Need::Decide,
    },
    Binding {
        action: Action::Review,
        keys: &[(KeyCode::Char('r'), NONE)],
        label: "r",
        desc: "Case: review the restrictions in force (lift, continue or change)",
        contexts: CASE,
        hint: true,
        needs: Need::Decide,
    },
    Binding {
        action: Action::Letter,
        keys: &[(KeyCode::Char('l'), NONE)],
        label: "l",
        desc: "Case: produce a letter to the customer (preview, edit, save)",
        contexts: CASE,
        hint: true,
        needs: Need::Decide,
    },
    Binding {
        action: Action::OpenPage,
        keys: &[(KeyCode::Char('o'), NONE)],
        label: "o",
        desc: "Card: open the newest letter's printable page, to print it",
        contexts: &[Context::Card],
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::MarkSent,
        keys: &[(KeyCode::Char('s'), NONE)],
        label: "s",
        desc: "Case: record that the newest unsent letter was sent, and how",
        contexts: CASE,
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::NotPossible,
        keys: &[(KeyCode::Char('n'), NONE)],
        label: "n",
        desc: "Case: record why written confirmation was not possible; letters owed: why a review's letter could not be sent",
        contexts: QUEUE_OR_CASE,
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::Approve,
        keys: &[(KeyCode::Char('y'), NONE)],
        label: "y",
        desc: "Case waiting for approval: approve its decision, which comes into force (never your own)",
        contexts: CASE,
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::TurnDown,
        keys: &[(KeyCode::Char('t'), NONE)],
        label: "t",
        desc: "Case waiting for approval: turn its decision down, saying why (never your own)",
        contexts: CASE,
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::EditCustomer,
        keys: &[(KeyCode::Char('c'), NONE)],
        label: "c",
        desc: "Card: change the customer's details (names, phone numbers, emails, notes)",
        contexts: &[Context::Card],
        hint: false,
        needs: Need::Record,
    },
    Binding {
        action: Action::ExportCustomer,
        keys: &[(KeyCode::Char('x'), NONE)],
        label: "x",
        desc: "Card: export everything held about the customer (a subject access request)",
        contexts: &[Context::Card],
        // Rare: the help lists it; the hint bar keeps its room for everyday keys.
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::CustomerRequest,
        keys: &[(KeyCode::Char('r'), NONE)],
        label: "r",
        desc: "Card: the customer asked for a review or complained (opens a case)",
        contexts: &[Context::Card],
        hint: false,
        needs: Need::Record,
    },
    Binding {
        action: Action::Back,
        keys: &[(KeyCode::Esc, NONE)],
        label: "Esc",
        desc: "Go back: card to results to search box; close help",
        contexts: PANES,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::OpenPage,
        keys: &[(KeyCode::Char('o'), NONE)],
        label: "o",
        // After Esc: on a narrow screen the hint bar keeps "Esc back" and drops this.
        desc: "Case: open the newest letter's printable page (in this computer's program for web pages)",
        contexts: CASE,
        hint: true,
        needs: Need::Decide,
    },
    Binding {
        action: Action::NextPane,
        keys: &[(KeyCode::Tab, NONE)],
        label: "Tab",
        desc: "Next pane: search box, results, card",
        contexts: LISTS,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::PrevPane,
        keys: &[(KeyCode::BackTab, SHIFT), (KeyCode::BackTab, NONE)],
        label: "Shift-Tab",
        desc: "Previous pane",
        contexts: LISTS,
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Up,
        keys: &[(KeyCode::Up, NONE), (KeyCode::Char('k'), NONE)],
        label: "Up / k",
        desc: "Previous result, or the newer incident on the card",
        contexts: MOVING,
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Down,
        keys: &[(KeyCode::Down, NONE), (KeyCode::Char('j'), NONE)],
        label: "Down / j",
        desc: "Next result, or the older incident on the card",
        contexts: MOVING,
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Up,
        keys: &[(KeyCode::Up, NONE)],
        label: "Up",
        desc: "Previous result",
        contexts: &[Context::Search],
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Down,
        keys: &[(KeyCode::Down, NONE)],
        label: "Down",
        desc: "Next result",
        contexts: &[Context::Search],
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::PageUp,
        keys: &[(KeyCode::PageUp, NONE)],
        label: "PgUp",
        desc: "Scroll up a page",
        contexts: MOVING,
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::PageDown,
        keys: &[(KeyCode::PageDown, NONE)],
        label: "PgDn",
        desc: "Scroll down a page",
        contexts: MOVING,
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Top,
        keys: &[(KeyCode::Home, NONE), (KeyCode::Char('g'), NONE)],
        label: "Home / g",
        desc: "Go to the top",
        contexts: NOT_TYPING,
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Bottom,
        keys: &[
            (KeyCode::End, NONE),
            (KeyCode::Char('G'), SHIFT),
            (KeyCode::Char('G'), NONE),
        ],
        label: "End / G",
        desc: "Go to the bottom",
        contexts: NOT_TYPING,
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::ClearSearch,
        keys: &[(KeyCode::Char('u'), CTRL)],
        label: "Ctrl-U",
        desc: "Clear the search box",
        contexts: LISTS,
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Refresh,
        keys: &[(KeyCode::Char('r'), CTRL)],
        label: "Ctrl-R",
        desc: "Read the shared database again now",
        contexts: PANES,
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Queue,
        keys: &[(KeyCode::Char('m'), NONE)],
        label: "m",
        desc: "Show or hide the manager's escalation queue (managers; from a case: back to it)",
        contexts: &[
            Context::Results,
            Context::Card,
            Context::Queue,
            Context::Case,
        ],
        hint: true,
        needs: Need::Decide,
    },
    Binding {
        action: Action::Incidents,
        keys: &[(KeyCode::Char('i'), NONE)],
        label: "i",
        desc: "Incidents list (managers: everyone's; others: their own)",
        contexts: LOOKUP_KEYS,
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Incidents,
        keys: &[(KeyCode::Char('i'), NONE)],
        label: "i",
        desc: "Incidents list (managers: everyone's; others: their own)",
        contexts: LISTS_OPEN,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Reports,
        keys: &[(KeyCode::Char('R'), NONE)],
        label: "R",
        desc: "Reports: incidents, decisions, restrictions and reviews",
        contexts: LOOKUP_KEYS,
        hint: false,
        needs: Need::Report,
    },
    Binding {
        action: Action::Reports,
        keys: &[(KeyCode::Char('R'), NONE)],
        label: "R",
        desc: "Reports: incidents, decisions, restrictions and reviews",
        contexts: LISTS_OPEN,
        hint: true,
        needs: Need::Report,
    },
    Binding {
        action: Action::InForce,
        keys: &[(KeyCode::Char('v'), NONE)],
        label: "v",
        desc: "Restrictions in force, the review most overdue first",
        contexts: LIST_KEYS,
        hint: false,
        needs: Need::Report,
    },
    Binding {
        action: Action::Open,
        keys: &[(KeyCode::Enter, NONE)],
        label: "Enter",
        desc: "Incidents list: open the customer's card",
        contexts: INCIDENTS,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Open,
        keys: &[(KeyCode::Enter, NONE)],
        label: "Enter",
        desc: "Restrictions and reports: open the highlighted review's case (or the customer's card)",
        contexts: &[Context::InForce, Context::Reports],
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::FilterToday,
        keys: &[(KeyCode::Char('t'), NONE)],
        label: "t",
        desc: "Incidents list: today's only (again: every date)",
        contexts: INCIDENTS,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::FilterDates,
        keys: &[(KeyCode::Char('d'), NONE)],
        label: "d",
        desc: "Incidents list: between two dates you type",
        contexts: INCIDENTS,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::FilterCategory,
        keys: &[(KeyCode::Char('c'), NONE)],
        label: "c",
        desc: "Incidents list: each category in turn, then all",
        contexts: INCIDENTS,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::FilterChannel,
        keys: &[(KeyCode::Char('h'), NONE)],
        label: "h",
        desc: "Incidents list: each channel (how they got in touch) in turn, then all",
        contexts: INCIDENTS,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::FilterStaff,
        keys: &[(KeyCode::Char('s'), NONE)],
        label: "s",
        desc: "Incidents list: each member of staff who logged them in turn, then all (managers)",
        contexts: INCIDENTS,
        hint: true,
        needs: Need::Report,
    },
    Binding {
        action: Action::FilterUnidentified,
        keys: &[(KeyCode::Char('u'), NONE)],
        label: "u",
        desc: "Incidents list: unidentified visitors not yet linked to a customer (again: all)",
        contexts: INCIDENTS,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::FilterThreats,
        keys: &[(KeyCode::Char('x'), NONE)],
        label: "x",
        desc: "Incidents list: immediate threats only (again: all)",
        contexts: INCIDENTS,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::ClearFilters,
        keys: &[(KeyCode::Char('0'), NONE)],
        label: "0",
        desc: "Incidents list: no filters",
        contexts: INCIDENTS,
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Months,
        keys: &[(KeyCode::Char('t'), NONE)],
        label: "t",
        desc: "Reports: the last 12 months or the last 24",
        contexts: &[Context::Reports],
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::NextPane,
        keys: &[(KeyCode::Tab, NONE)],
        label: "Tab",
        desc: "Reports: incidents, or decisions, restrictions and reviews (a tall window shows both)",
        contexts: &[Context::Reports],
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Correct,
        keys: &[(KeyCode::Char('e'), NONE)],
        label: "e",
        desc: "Correct the highlighted incident on the card",
        contexts: &[Context::Card],
        hint: true,
        needs: Need::Correct,
    },
    Binding {
        action: Action::Withdraw,
        keys: &[(KeyCode::Char('w'), NONE)],
        label: "w",
        desc: "Withdraw the highlighted incident, with a reason",
        contexts: &[Context::Card],
        hint: true,
        needs: Need::Withdraw,
    },
    Binding {
        action: Action::Link,
        keys: &[(KeyCode::Char('l'), NONE)],
        label: "l",
        desc: "Link an unidentified visitor's record to a customer",
        contexts: &[Context::Card],
        hint: false,
        needs: Need::Record,
    },
    Binding {
        action: Action::Merge,
        keys: &[(KeyCode::Char('M'), SHIFT), (KeyCode::Char('M'), NONE)],
        label: "M",
        desc: "Merge this record with another record of the same person (managers)",
        contexts: &[Context::Card],
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::News,
        keys: &[(KeyCode::Char('n'), NONE)],
        label: "n",
        desc: "Start screen: go to the news about incidents you logged (Tab from an empty search too)",
        contexts: &[Context::Results, Context::Card],
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::DismissNews,
        keys: &[(KeyCode::Char('d'), NONE)],
        label: "d",
        desc: "Start screen's news: dismiss the highlighted one (gone on every PC you use)",
        contexts: &[Context::Card],
        hint: true,
        needs: Need::News,
    },
    Binding {
        action: Action::Help,
        keys: &[(KeyCode::Char('?'), NONE), (KeyCode::Char('?'), SHIFT)],
        label: "?",
        desc: "Show or hide the keys that work here",
        contexts: QUITTING,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Help,
        keys: &[(KeyCode::F(1), NONE)],
        label: "F1",
        desc: "Show the keys that work here, even while typing",
        contexts: EVERYWHERE,
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Quit,
        keys: &[(KeyCode::Char('q'), NONE)],
        label: "q",
        desc: "Quit safedesk",
        contexts: QUITTING,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::ForceQuit,
        keys: &[(KeyCode::Char('c'), CTRL)],
        label: "Ctrl-C",
        desc: "Quit safedesk from anywhere (it asks first when something typed would be lost)",
        contexts: EVERYWHERE,
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Save,
        keys: &[(KeyCode::Char('s'), CTRL)],
        label: "Ctrl-S",
        desc: "Save the form (problems are shown under their fields)",
        contexts: FORMS,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::NextField,
        keys: &[(KeyCode::Tab, NONE)],
        label: "Tab",
        desc: "Next field",
        contexts: FORMS,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::PrevField,
        keys: &[(KeyCode::BackTab, SHIFT), (KeyCode::BackTab, NONE)],
        label: "Shift-Tab",
        desc: "Previous field",
        contexts: FORMS,
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Move,
        keys: &[(KeyCode::Up, NONE), (KeyCode::Down, NONE)],
        label: "Up / Down",
        desc: "Incident form: choose who from the matches; decision form and customer details: move between rows",
        contexts: FORMS,
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Pick,
        keys: &[],
        label: "letter or number",
        desc: "Incident form: pick the channel, behaviour, response shown under the form by its key (a pick moves on); y or n answers a yes/no row",
        contexts: &[Context::IncidentForm],
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Pick,
        keys: &[],
        label: "letter or number",
        desc: "Decision form: pick an outcome or answer by the key shown beside it",
        contexts: &[Context::DecisionForm],
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Pick,
        keys: &[],
        label: "letter or number",
        desc: "Question: pick an option by the key shown beside it",
        contexts: &[Context::Prompt],
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Tick,
        keys: &[(KeyCode::Char(' '), NONE)],
        label: "Space",
        desc: "Decision form: tick or untick the highlighted action or restriction",
        contexts: &[Context::DecisionForm],
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Close,
        keys: &[(KeyCode::Esc, NONE)],
        label: "Esc",
        desc: "Close the form (it asks first when something typed would be lost)",
        contexts: FORMS,
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Save,
        keys: &[(KeyCode::Char('s'), NONE), (KeyCode::Char('s'), CTRL)],
        label: "s / Ctrl-S",
        desc: "Letter: save it as a file to print and record it (Ctrl-S while typing the paragraph)",
        contexts: &[Context::Letter],
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::OpenPage,
        keys: &[(KeyCode::Char('o'), NONE)],
        label: "o",
        desc: "Letter: open its printable page (once it is saved)",
        contexts: &[Context::Letter],
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Edit,
        keys: &[(KeyCode::Char('e'), NONE), (KeyCode::Enter, NONE)],
        label: "e / Enter",
        desc: "Letter: type your own paragraph (Esc when done)",
        contexts: &[Context::Letter],
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Move,
        keys: &[
            (KeyCode::Up, NONE),
            (KeyCode::Down, NONE),
            (KeyCode::PageUp, NONE),
            (KeyCode::PageDown, NONE),
        ],
        label: "Up / Down / PgUp / PgDn",
        desc: "Letter: scroll",
        contexts: &[Context::Letter],
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Close,
        keys: &[(KeyCode::Esc, NONE), (KeyCode::Char('q'), NONE)],
        label: "Esc / q",
        desc: "Letter: close it (it asks first when your paragraph would be lost)",
        contexts: &[Context::Letter],
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Confirm,
        keys: &[(KeyCode::Enter, NONE)],
        label: "Enter",
        desc: "Question: give the answer typed or highlighted",
        contexts: &[Context::Prompt],
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Move,
        keys: &[(KeyCode::Up, NONE), (KeyCode::Down, NONE)],
        label: "Up / Down",
        desc: "Question: highlight another option or customer",
        contexts: &[Context::Prompt],
        hint: false,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Close,
        keys: &[(KeyCode::Esc, NONE)],
        label: "Esc",
        desc: "Question: cancel it",
        contexts: &[Context::Prompt],
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Confirm,
        keys: &[(KeyCode::Enter, NONE)],
        label: "Enter",
        desc: "Finding in the queue: open the highlighted case",
        contexts: &[Context::QueueFind],
        hint: true,
        needs: Need::Decide,
    },
    Binding {
        action: Action::Move,
        keys: &[(KeyCode::Up, NONE), (KeyCode::Down, NONE)],
        label: "Up / Down",
        desc: "Finding in the queue: highlight another case",
        contexts: &[Context::QueueFind],
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::Close,
        keys: &[(KeyCode::Esc, NONE)],
        label: "Esc",
        desc: "Finding in the queue: stop, and show every case again",
        contexts: &[Context::QueueFind],
        hint: true,
        needs: Need::Decide,
    },
    Binding {
        action: Action::CarryOn,
        keys: &[(KeyCode::Enter, NONE)],
        label: "Enter",
        desc: "Unsaved incident: carry on with it",
        contexts: &[Context::DraftOffer],
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Close,
        keys: &[(KeyCode::Esc, NONE)],
        label: "Esc",
        desc: "Unsaved incident: throw it away (it asks first)",
        contexts: &[Context::DraftOffer],
        hint: true,
        needs: Need::Anyone,
    },
    Binding {
        action: Action::Letter,
        keys: &[(KeyCode::Char('l'), NONE)],
        label: "l",
        desc: "After logging correspondence that is not processed: write the reply that tells the customer so, now",
        contexts: &[Context::Saved],
        hint: true,
        needs: Need::ReplyOwed,
    },
    Binding {
        action: Action::Dismiss,
        keys: &[(KeyCode::Enter, NONE), (KeyCode::Esc, NONE)],
        label: "Any key",
        desc: "Close what happens next and carry on",
        contexts: &[Context::Saved],
        hint: true,
        needs: Need::Anyone,
    },    // The audit trail: last, so the hint bars show the keys used most first.
    Binding {
        action: Action::AskDebrief,
        keys: &[(KeyCode::Char('b'), NONE)],
        label: "b",
        desc: "Ask for a debrief with a manager after the highlighted incident",
        contexts: &[Context::Card],
        hint: false,
        needs: Need::Record,
    },
    Binding {
        action: Action::DebriefHeld,
        keys: &[(KeyCode::Char('h'), NONE)],
        label: "h",
        desc: "Record the debrief the case asks for as held (the day; your name is kept)",
        contexts: CASE,
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::AuditHistory,
        keys: &[(KeyCode::Char('h'), NONE)],
        label: "h",
        desc: "Card: the customer's history of changes (who, when, what) and who looked at their card",
        contexts: &[Context::Card],
        hint: true,
        needs: Need::Decide,
    },
    Binding {
        action: Action::AuditLog,
        keys: &[(KeyCode::Char('t'), NONE)],
        label: "t",
        desc: "Queue: the office's audit trail, newest first (filter by staff, dates, customer)",
        contexts: QUEUE,
        hint: true,
        needs: Need::Decide,
    },
    Binding {
        action: Action::AuditStaff,
        keys: &[(KeyCode::Char('s'), NONE)],
        label: "s",
        desc: "Audit trail: only one member of staff's entries (type part of their name)",
        contexts: AUDIT,
        hint: true,
        needs: Need::Decide,
    },
    Binding {
        action: Action::AuditDates,
        keys: &[(KeyCode::Char('d'), NONE)],
        label: "d",
        desc: "Audit trail: only entries between two dates (for example 01/11/2026 24/11/2026)",
        contexts: AUDIT,
        hint: true,
        needs: Need::Decide,
    },
    Binding {
        action: Action::AuditCustomer,
        keys: &[(KeyCode::Char('c'), NONE)],
        label: "c",
        desc: "Office's audit trail: only the customer whose card is open (again: everyone)",
        contexts: AUDIT,
        hint: false,
        needs: Need::Decide,
    },
    Binding {
        action: Action::AuditClear,
        keys: &[(KeyCode::Char('x'), NONE)],
        label: "x",
        desc: "Audit trail: clear the filters",
        contexts: AUDIT,
        hint: true,
        needs: Need::Decide,
    },
    Binding {
        action: Action::ReverseMerge,
        keys: &[(KeyCode::Char('u'), NONE)],
        label: "u",
        desc: "Audit trail: on a merge of two customer records, undo it (it asks first)",
        contexts: AUDIT,
        hint: false,
        needs: Need::Decide,
    },
];

/// The action a key asks for in this context, if any, with the built-in keys. The app looks
/// keys up in `App::keys` ([`super::keys::Keymap`]): these with this PC's changes.
pub fn resolve(ctx: Context, key: &KeyEvent) -> Option<Action> {
    binding(ctx, key).map(|b| b.action)
}

/// The binding a key stands for in this context, if any.
pub fn binding(ctx: Context, key: &KeyEvent) -> Option<&'static Binding> {
    // Terminals differ in whether they report Shift with an upper-case letter or '?'.
    let strip_shift = matches!(key.code, KeyCode::Char(_)) && key.modifiers == SHIFT;
    BINDINGS
        .iter()
        .filter(|b| b.contexts.contains(&ctx))
        .find(|b| {
            b.keys.iter().any(|(code, mods)| {
                *code == key.code && (*mods == key.modifiers || (strip_shift && *mods == NONE))
            })
        })
}

/// The bindings that work in this context, in the table's order.
pub fn bindings(ctx: Context) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.contexts.contains(&ctx))
}

/// The bindings for the hint bar in this context, as (keys, short description).
/// The bindings for the hint bar in this context, as (keys, short description), keeping only
/// those `may` allows (the keys this person's role can use here).
pub fn hints(ctx: Context, may: impl Fn(Need) -> bool) -> Vec<(&'static str, &'static str)> {
    // Over the queue and a case the bar has room for their own keys first.
    let crowded = matches!(ctx, Context::Queue | Context::Case);
    let mut offered: Vec<&Binding> = BINDINGS
        .iter()
        .filter(|b| b.hint && b.contexts.contains(&ctx) && may(b.needs))
        .filter(|b| !(crowded && matches!(b.action, Action::FocusSearch | Action::Queue)))
        .collect();
    // The audit trail's own keys first (they are last in the table).
    if ctx == Context::Audit {
        offered.sort_by_key(|b| b.contexts != AUDIT);
    }
    offered
        .into_iter()
        .map(|b| (b.label, short(b.action)))
        .collect()
}

/// An action's name in the hint bar.
pub fn short(a: Action) -> &'static str {
    match a {
        Action::LogIncident => "log incident",
        Action::FocusSearch => "search",
        Action::Open => "open",
        Action::Back => "back",
        Action::NextPane => "next pane",
        Action::Help => "help",
        Action::Quit => "quit",
        Action::Correct => "correct",
        Action::Queue => "queue",
        Action::Withdraw => "withdraw",
        Action::Filter => "filter",
        Action::FindInQueue => "find",
        Action::LettersOwed => "letters owed",
        Action::AssignToMe => "assign to me",
        Action::Decide => "decide",
        Action::Approve => "approve",
        Action::TurnDown => "turn down",
        Action::Review => "review",
        Action::Letter => "letter",
        Action::OpenPage => "print",
        Action::ExportCustomer => "export",
        Action::Save => "save",
        Action::NextField => "next",
        Action::PrevField => "back",
        Action::Close => "close",
        Action::Tick => "tick",
        Action::Edit => "your paragraph",
        Action::Confirm => "answer",
        Action::CarryOn => "carry on",
        Action::Dismiss => "carry on",
        Action::AuditHistory => "history",
        Action::AskDebrief => "debrief",
        Action::DebriefHeld => "debrief held",
        Action::AuditLog => "audit trail",
        Action::AuditStaff => "staff",
        Action::AuditDates => "dates",
        Action::AuditClear => "clear filters",
        Action::ReverseMerge => "undo merge",
        Action::DismissNews => "dismiss news",
        Action::News => "news",
        Action::Incidents => "incidents",
        Action::Reports => "reports",
        Action::InForce => "in force",
        Action::Months => "12/24 months",
        Action::FilterToday => "today",
        Action::FilterDates => "dates",
        Action::FilterCategory => "category",
        Action::FilterChannel => "channel",
        Action::FilterStaff => "staff",
        Action::FilterUnidentified => "unidentified",
        Action::FilterThreats => "threats",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn letters_type_in_the_search_box() {
        for c in ['q', 'j', 'k', '?', '/', 'g'] {
            assert_eq!(
                resolve(Context::Search, &key(KeyCode::Char(c), NONE)),
                None,
                "{c}"
            );
        }
        assert_eq!(
            resolve(Context::Search, &key(KeyCode::Down, NONE)),
            Some(Action::Down)
        );
    }

    #[test]
    fn list_keys_work_outside_the_search_box() {
        let cases = [
            (KeyCode::Char('j'), Action::Down),
            (KeyCode::Char('k'), Action::Up),
            (KeyCode::Char('q'), Action::Quit),
            (KeyCode::Char('/'), Action::FocusSearch),
            (KeyCode::Char('?'), Action::Help),
            (KeyCode::Enter, Action::Open),
            (KeyCode::Tab, Action::NextPane),
        ];
        for (code, want) in cases {
            assert_eq!(
                resolve(Context::Results, &key(code, NONE)),
                Some(want),
                "{code:?}"
            );
        }
        assert_eq!(
            resolve(Context::Results, &key(KeyCode::Char('?'), SHIFT)),
            Some(Action::Help)
        );
        assert_eq!(
            resolve(Context::Card, &key(KeyCode::Char('G'), SHIFT)),
            Some(Action::Bottom)
        );
    }

    #[test]
    fn ctrl_c_quits_everywhere() {
        for ctx in EVERYWHERE {
            assert_eq!(
                resolve(*ctx, &key(KeyCode::Char('c'), CTRL)),
                Some(Action::ForceQuit)
            );
        }
    }

    #[test]
    fn every_binding_has_a_description_and_hints_have_short_names() {
        for b in BINDINGS {
            assert!(!b.desc.is_empty() && !b.label.is_empty());
            if b.hint {
                assert!(!short(b.action).is_empty(), "{:?}", b.action);
            }
        }
    }
}
