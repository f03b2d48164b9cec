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
    Queue,
    /// The queue: show the next kind of case only (all, then each reason, then mine).
    Filter,
    /// The queue: show only one kind of case (0 all, 1 to 5 each reason in turn).
    ShowKind(u8),
    /// The queue: type part of a customer's name to find their cases.
    FindInQueue,
    /// Take the selected case (or give it back).
    AssignToMe,
    /// Record the manager's decision on the case.
    Decide,
    /// Review the restrictions in force.
    Review,
    /// Produce a letter for the customer.
    Letter,
    /// Record that a letter went (post, email, by hand).
    MarkSent,
    /// Record why written confirmation of an immediate restriction was not possible.
    NotPossible,
    /// The customer asked for a review or complained.
    CustomerRequest,
    /// Change the customer's details (names, numbers, addresses, notes).
    EditCustomer,
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
}

const ALL: &[Context] = &[
    Context::Search,
    Context::Results,
    Context::Card,
    Context::Help,
    Context::Queue,
    Context::Case,
];
const NOT_TYPING: &[Context] = &[
    Context::Results,
    Context::Card,
    Context::Queue,
    Context::Case,
];
const MOVING: &[Context] = &[
    Context::Results,
    Context::Card,
    Context::Help,
    Context::Queue,
    Context::Case,
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
];
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
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

pub const BINDINGS: &[Binding] = &[
    Binding {
        action: Action::LogIncident,
        keys: &[(KeyCode::Char('n'), CTRL)],
        label: "Ctrl-N",
        desc: "Log an incident, from anywhere (for the selected person)",
        contexts: ALL,
        hint: true,
    },
    Binding {
        action: Action::FindInQueue,
        keys: &[(KeyCode::Char('/'), NONE)],
        label: "/",
        desc: "Queue: find a customer's cases by typing part of their name",
        contexts: QUEUE,
        hint: true,
    },
    Binding {
        action: Action::FocusSearch,
        keys: &[(KeyCode::Char('/'), NONE)],
        label: "/",
        desc: "Search by name, phone number or email",
        contexts: NOT_TYPING,
        hint: true,
    },
    Binding {
        action: Action::Open,
        keys: &[(KeyCode::Enter, NONE)],
        label: "Enter",
        desc: "Open the selected customer's card",
        contexts: &[Context::Search, Context::Results],
        hint: true,
    },
    Binding {
        action: Action::Open,
        keys: &[(KeyCode::Enter, NONE)],
        label: "Enter",
        desc: "Queue: open the selected case",
        contexts: QUEUE,
        hint: true,
    },
    Binding {
        action: Action::Filter,
        keys: &[(KeyCode::Char('f'), NONE)],
        label: "f",
        desc: "Queue: show one kind of case (each reason in turn, then yours, then all)",
        contexts: QUEUE,
        hint: true,
    },
    Binding {
        action: Action::ShowKind(1),
        keys: &[(KeyCode::Char('1'), NONE)],
        label: "1",
        desc: "Queue: only immediate threats",
        contexts: QUEUE,
        hint: false,
    },
    Binding {
        action: Action::ShowKind(2),
        keys: &[(KeyCode::Char('2'), NONE)],
        label: "2",
        desc: "Queue: only breaches of a restriction",
        contexts: QUEUE,
        hint: false,
    },
    Binding {
        action: Action::ShowKind(3),
        keys: &[(KeyCode::Char('3'), NONE)],
        label: "3",
        desc: "Queue: only the incident threshold reached",
        contexts: QUEUE,
        hint: false,
    },
    Binding {
        action: Action::ShowKind(4),
        keys: &[(KeyCode::Char('4'), NONE)],
        label: "4",
        desc: "Queue: only reviews due or overdue",
        contexts: QUEUE,
        hint: false,
    },
    Binding {
        action: Action::ShowKind(5),
        keys: &[(KeyCode::Char('5'), NONE)],
        label: "5",
        desc: "Queue: only customers who asked for a review or complained",
        contexts: QUEUE,
        hint: false,
    },
    Binding {
        action: Action::ShowKind(0),
        keys: &[(KeyCode::Char('0'), NONE)],
        label: "0",
        desc: "Queue: every kind of case again",
        contexts: QUEUE,
        hint: false,
    },
    Binding {
        action: Action::AssignToMe,
        keys: &[(KeyCode::Char('a'), NONE)],
        label: "a",
        desc: "Queue or case: assign the case to me (again: to nobody)",
        contexts: QUEUE_OR_CASE,
        hint: true,
    },
    Binding {
        action: Action::Decide,
        keys: &[(KeyCode::Char('d'), NONE)],
        label: "d",
        desc: "Case: record the decision from the meeting (actions, restrictions, reasons)",
        contexts: CASE,
        hint: true,
    },
    Binding {
        action: Action::Review,
        keys: &[(KeyCode::Char('r'), NONE)],
        label: "r",
        desc: "Case: review the restrictions in force (lift, continue or change)",
        contexts: CASE,
        hint: true,
    },
    Binding {
        action: Action::Letter,
        keys: &[(KeyCode::Char('l'), NONE)],
        label: "l",
        desc: "Case: produce a letter to the customer (preview, edit, save)",
        contexts: CASE,
        hint: true,
    },
    Binding {
        action: Action::MarkSent,
        keys: &[(KeyCode::Char('s'), NONE)],
        label: "s",
        desc: "Case: record that the newest unsent letter was sent, and how",
        contexts: CASE,
        hint: false,
    },
    Binding {
        action: Action::NotPossible,
        keys: &[(KeyCode::Char('n'), NONE)],
        label: "n",
        desc: "Case: record why written confirmation was not possible",
        contexts: CASE,
        hint: false,
    },
    Binding {
        action: Action::EditCustomer,
        keys: &[(KeyCode::Char('c'), NONE)],
        label: "c",
        desc: "Card: change the customer's details (names, phone numbers, emails, notes)",
        contexts: &[Context::Card],
        hint: false,
    },
    Binding {
        action: Action::CustomerRequest,
        keys: &[(KeyCode::Char('r'), NONE)],
        label: "r",
        desc: "Card: the customer asked for a review or complained (opens a case)",
        contexts: &[Context::Card],
        hint: false,
    },
    Binding {
        action: Action::Back,
        keys: &[(KeyCode::Esc, NONE)],
        label: "Esc",
        desc: "Go back: card to results to search box; close help",
        contexts: ALL,
        hint: true,
    },
    Binding {
        action: Action::NextPane,
        keys: &[(KeyCode::Tab, NONE)],
        label: "Tab",
        desc: "Next pane: search box, results, card",
        contexts: LISTS,
        hint: true,
    },
    Binding {
        action: Action::PrevPane,
        keys: &[(KeyCode::BackTab, SHIFT), (KeyCode::BackTab, NONE)],
        label: "Shift-Tab",
        desc: "Previous pane",
        contexts: LISTS,
        hint: false,
    },
    Binding {
        action: Action::Up,
        keys: &[(KeyCode::Up, NONE), (KeyCode::Char('k'), NONE)],
        label: "Up / k",
        desc: "Previous result, or the newer incident on the card",
        contexts: MOVING,
        hint: false,
    },
    Binding {
        action: Action::Down,
        keys: &[(KeyCode::Down, NONE), (KeyCode::Char('j'), NONE)],
        label: "Down / j",
        desc: "Next result, or the older incident on the card",
        contexts: MOVING,
        hint: false,
    },
    Binding {
        action: Action::Up,
        keys: &[(KeyCode::Up, NONE)],
        label: "Up",
        desc: "Previous result",
        contexts: &[Context::Search],
        hint: false,
    },
    Binding {
        action: Action::Down,
        keys: &[(KeyCode::Down, NONE)],
        label: "Down",
        desc: "Next result",
        contexts: &[Context::Search],
        hint: false,
    },
    Binding {
        action: Action::PageUp,
        keys: &[(KeyCode::PageUp, NONE)],
        label: "PgUp",
        desc: "Scroll up a page",
        contexts: MOVING,
        hint: false,
    },
    Binding {
        action: Action::PageDown,
        keys: &[(KeyCode::PageDown, NONE)],
        label: "PgDn",
        desc: "Scroll down a page",
        contexts: MOVING,
        hint: false,
    },
    Binding {
        action: Action::Top,
        keys: &[(KeyCode::Home, NONE), (KeyCode::Char('g'), NONE)],
        label: "Home / g",
        desc: "Go to the top",
        contexts: NOT_TYPING,
        hint: false,
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
    },
    Binding {
        action: Action::ClearSearch,
        keys: &[(KeyCode::Char('u'), CTRL)],
        label: "Ctrl-U",
        desc: "Clear the search box",
        contexts: LISTS,
        hint: false,
    },
    Binding {
        action: Action::Refresh,
        keys: &[(KeyCode::Char('r'), CTRL)],
        label: "Ctrl-R",
        desc: "Read the shared database again now",
        contexts: ALL,
        hint: false,
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
    },
    Binding {
        action: Action::Correct,
        keys: &[(KeyCode::Char('e'), NONE)],
        label: "e",
        desc: "Correct the highlighted incident on the card",
        contexts: &[Context::Card],
        hint: true,
    },
    Binding {
        action: Action::Withdraw,
        keys: &[(KeyCode::Char('w'), NONE)],
        label: "w",
        desc: "Withdraw the highlighted incident, with a reason",
        contexts: &[Context::Card],
        hint: true,
    },
    Binding {
        action: Action::Link,
        keys: &[(KeyCode::Char('l'), NONE)],
        label: "l",
        desc: "Link an unidentified visitor's record to a customer",
        contexts: &[Context::Card],
        hint: false,
    },
    Binding {
        action: Action::Help,
        keys: &[(KeyCode::Char('?'), NONE), (KeyCode::Char('?'), SHIFT)],
        label: "?",
        desc: "Show or hide this help",
        contexts: QUITTING,
        hint: true,
    },
    Binding {
        action: Action::Quit,
        keys: &[(KeyCode::Char('q'), NONE)],
        label: "q",
        desc: "Quit safedesk",
        contexts: QUITTING,
        hint: true,
    },
    Binding {
        action: Action::ForceQuit,
        keys: &[(KeyCode::Char('c'), CTRL)],
        label: "Ctrl-C",
        desc: "Quit safedesk from anywhere",
        contexts: ALL,
        hint: false,
    },
];

/// The action a key asks for in this context, if any.
pub fn resolve(ctx: Context, key: &KeyEvent) -> Option<Action> {
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
        .map(|b| b.action)
}

/// The bindings for the hint bar in this context, as (keys, short description).
pub fn hints(ctx: Context) -> Vec<(&'static str, &'static str)> {
    // Over the queue and a case the bar has room for their own keys first.
    let crowded = matches!(ctx, Context::Queue | Context::Case);
    BINDINGS
        .iter()
        .filter(|b| b.hint && b.contexts.contains(&ctx))
        .filter(|b| !(crowded && matches!(b.action, Action::FocusSearch | Action::Queue)))
        .map(|b| (b.label, short(b.action)))
        .collect()
}

fn short(a: Action) -> &'static str {
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
        Action::AssignToMe => "assign to me",
        Action::Decide => "decide",
        Action::Review => "review",
        Action::Letter => "letter",
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
        for ctx in ALL {
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
