//! Screens drawn on ratatui's TestBackend from fixed state, checked as snapshots and for the
//! words that matter.

mod common;
use common::render;
use common::screen::{app_as, draw_fed, search, staff};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use safedesk::app::{App, Pane};
use safedesk::domain::*;
use safedesk::policy::Policy;
use safedesk::sync::{Health, Reply, Request};
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 30, 0).unwrap()
}

fn incident(customer: Id, n: u128, days_ago: i64, text: &str) -> Incident {
    let at = now() - Duration::days(days_ago);
    Incident {
        id: Uuid::from_u128(100 + n),
        customer_id: customer,
        occurred_at: at,
        logged_at: at + Duration::minutes(10),
        logged_by: Uuid::from_u128(2),
        logged_by_name: "Chris Evans".into(),
        channel: "phone".into(),
        category: "abusive".into(),
        behaviours: vec!["shouting".into(), "abusive_language".into()],
        behaviour_other: String::new(),
        response: "call_ended_after_warning".into(),
        reference: String::new(),
        description: text.into(),
        immediate_threat: false,
        witnesses: String::new(),
        distress: None,
        workload: String::new(),
        workload_note: String::new(),
        harm: Default::default(),
        withdrawn: None,
        version: 1,
    }
}

/// Deborah Johnson: two restrictions in force, one incident since the decision.
fn deborah() -> CustomerHistory {
    let id = Uuid::from_u128(10);
    let decision = Decision {
        id: Uuid::from_u128(20),
        customer_id: id,
        case_id: None,
        decided_at: now() - Duration::days(20),
        meeting_date: NaiveDate::from_ymd_opt(2026, 11, 4).unwrap(),
        attendees: "Sam Patel, Chris Evans".into(),
        outcome: Outcome::Actions,
        reasons: "Three abusive calls in a month.".into(),
        reasons_for_customer: "You were abusive to our phone team three times in a month.".into(),
        incidents: Vec::new(),
        decided_by: Uuid::from_u128(1),
        decided_by_name: "Sam Patel".into(),
        no_warning: false,
        police_told: None,
        authority_told: String::new(),
        tried_actions: vec![],
        none_suitable: String::new(),
        adjustments: vec!["named_contact".into()],
        adjustments_other: String::new(),
        adjustments_why: "A named contact was offered first; the behaviour went on.".into(),
        risk_assessment: String::new(),
        letter: LetterStatus::Sent,
        approval: Default::default(),
        version: 1,
    };
    let restriction = |n: u128, kind: &str, minutes: Option<u32>| Restriction {
        id: Uuid::from_u128(30 + n),
        customer_id: id,
        decision_id: Some(decision.id),
        kind: kind.into(),
        params: RestrictionParams {
            minutes,
            ..RestrictionParams::default()
        },
        starts_at: now() - Duration::days(20),
        review_due: NaiveDate::from_ymd_opt(2026, 12, 16),
        ends_at: None,
        ended_reason: String::new(),
        version: 1,
    };
    CustomerHistory {
        customer: Customer {
            id,
            name: Some("Deborah Johnson".into()),
            other_names: vec!["Debbie Jones".into()],
            phones: vec!["07700 900123".into()],
            emails: vec!["deborah.j@example.org".into()],
            postcode: "N12 8QT".into(),
            address: vec![
                "Flat 4, Holden Court".into(),
                "23 Holden Road".into(),
                "London".into(),
            ],
            large_print: false,
            easy_read: false,
            description: String::new(),
            notes: "Prefers afternoon appointments.".into(),
            created_at: now() - Duration::days(400),
            version: 1,
        },
        incidents: vec![
            incident(id, 1, 60, "Shouted at the adviser about a benefits form."),
            incident(id, 2, 40, "Swore repeatedly; call ended after a warning."),
            incident(id, 3, 25, "Abusive again about the same form."),
            incident(id, 4, 3, "Raised voice and insults\u{1b}[31m; call ended."),
        ],
        decisions: vec![decision.clone()],
        restrictions: vec![
            restriction(1, "time_limit", Some(10)),
            restriction(2, "witness", None),
        ],
        letters: vec![],
        reviews: vec![],
        merged_into: None,
    }
}

fn zoe() -> CustomerHistory {
    let id = Uuid::from_u128(11);
    CustomerHistory {
        customer: Customer {
            id,
            name: Some("Zoë Åberg".into()),
            phones: vec!["020 7946 0321".into()],
            created_at: now() - Duration::days(100),
            version: 1,
            ..Customer::default()
        },
        incidents: vec![
            incident(id, 5, 30, "Demanded a reply the same day."),
            incident(id, 6, 2, "Refused to end the call."),
        ],
        decisions: vec![],
        restrictions: vec![],
        letters: vec![],
        reviews: vec![],
        merged_into: None,
    }
}

/// An open case, as the queue lists it.
fn case_of(
    n: u128,
    name: &str,
    reason: safedesk::domain::CaseReason,
    minutes_ago: i64,
) -> safedesk::domain::CaseSummary {
    safedesk::domain::CaseSummary {
        id: Uuid::from_u128(n),
        customer_id: Uuid::from_u128(n + 1000),
        customer_name: name.into(),
        reason,
        opened_at: now() - Duration::minutes(minutes_ago),
        incidents: vec![],
        assigned_to: None,
        assigned_to_id: None,
        waiting_for_confirmation: false,
        decision_id: None,
        note: String::new(),
        version: 1,
        // Already opened by a manager: an unopened threat or breach is a test of its own.
        seen_at: Some(now() - Duration::minutes(minutes_ago)),
        seen_by: Some("Sam Patel".into()),
    }
}

fn app() -> App {
    app_as(
        "spatel",
        Some(staff(1, "Sam Patel", Role::Manager)),
        now(),
        true,
    )
}

fn hit(h: CustomerHistory, matched: MatchedOn) -> LookupHit {
    LookupHit {
        history: h,
        matched,
        score: 100,
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
}

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

#[test]
fn the_start_screen_at_80x24() {
    let app = app();
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("start_80x24", screen);
    assert!(screen.contains("Find a caller or visitor"));
    assert!(screen.contains("Signed in: Sam Patel (manager)"));
}

#[test]
fn a_restricted_caller_found_by_phone_shows_every_restriction_in_words() {
    let mut app = app();
    search(
        &mut app,
        "900123",
        vec![hit(deborah(), MatchedOn::Phone("07700 900123".into()))],
    );
    let reqs = app.take_requests();
    assert_eq!(
        reqs,
        vec![Request::LoadCard {
            id: Uuid::from_u128(10)
        }],
        "selecting the first result loads its card"
    );
    app.on_reply(Reply::Card {
        id: Uuid::from_u128(10),
        result: Ok(Some(Box::new(deborah()))),
    });
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("deborah_by_phone_80x24", screen);
    let screen = render(&app, 120, 30);
    assert!(screen.contains("RESTRICTED Calls and visits limited to 10 minutes"));
    assert!(screen.contains("RESTRICTED A witness must be present"));
    assert!(screen.contains("1 of 3 incidents"));
    assert!(screen.contains("phone 07700 900123"));
    assert!(
        !screen.contains('\u{1b}'),
        "escape characters never reach the terminal"
    );
}

#[test]
fn two_of_three_warns_that_the_next_goes_to_a_manager() {
    let mut app = app();
    search(
        &mut app,
        "zoe",
        vec![hit(zoe(), MatchedOn::Name("Zoë Åberg".into()))],
    );
    let screen = render(&app, 100, 30);
    insta::assert_snapshot!("zoe_100x30", screen);
    assert!(screen.contains("2 of 3 - the next incident goes to a manager"));
    assert!(screen.contains("No restrictions in force."));
}

#[test]
fn keys_move_between_panes_and_help_lists_every_key() {
    let mut app = app();
    search(
        &mut app,
        "jo",
        vec![
            hit(deborah(), MatchedOn::Name("Deborah Johnson".into())),
            hit(zoe(), MatchedOn::Name("Zoë Åberg".into())),
        ],
    );
    assert_eq!(app.pane, Pane::Search);
    key(&mut app, KeyCode::Down);
    assert_eq!(app.selected, 1);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.pane, Pane::Results);
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(app.selected, 0);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.pane, Pane::Card);
    key(&mut app, KeyCode::Char('?'));
    assert!(app.overlays.help().is_some());
    // At 80x24 the help scrolls; between the top and the bottom it shows every key.
    let mut screen = render(&app, 80, 24);
    for _ in 0..12 {
        for _ in 0..5 {
            key(&mut app, KeyCode::Down);
        }
        screen.push_str(&render(&app, 80, 24));
    }
    // Help is for the layer it was opened over: every key of the card, and nothing of the
    // forms'.
    assert!(
        screen.contains("The keys for a customer's card"),
        "{screen}"
    );
    for b in safedesk::app::keymap::bindings(safedesk::app::keymap::Context::Card) {
        assert!(screen.contains(b.label), "help lists {}", b.label);
    }
    assert!(!screen.contains("Space tick"), "{screen}");
    // It is modal: PgDn scrolls the help, never the person behind it.
    let selected = app.selected;
    key(&mut app, KeyCode::PageDown);
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.selected, selected);
    assert_eq!(app.pane, Pane::Card);
    key(&mut app, KeyCode::Esc);
    assert!(app.overlays.help().is_none());
    key(&mut app, KeyCode::Char('/'));
    assert_eq!(app.pane, Pane::Search);
    type_text(&mut app, "q");
    assert!(!app.should_quit, "q types while searching");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit);
}

#[test]
fn a_stale_lookup_answer_is_ignored() {
    let mut app = app();
    type_text(&mut app, "de");
    let _ = app.take_requests();
    // The answer for "d" arrives after "de" was typed.
    app.on_reply(Reply::Lookup {
        seq: 1,
        result: Ok(vec![hit(zoe(), MatchedOn::Name("x".into()))]),
    });
    assert!(app.results.is_empty());
    app.on_reply(Reply::Lookup {
        seq: 2,
        result: Ok(vec![hit(deborah(), MatchedOn::Name("x".into()))]),
    });
    assert_eq!(app.results.len(), 1);
}

#[test]
fn a_huge_paste_is_cut_and_control_characters_dropped() {
    let mut app = app();
    let paste = format!("{}\u{1b}[2J\n{}", "a".repeat(60_000), "b".repeat(60_000));
    app.on_terminal_event(&crossterm::event::Event::Paste(paste));
    assert_eq!(app.query().chars().count(), safedesk::app::MAX_QUERY);
    assert!(!app.query().contains('\u{1b}'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("cut to its first"));
}

#[test]
fn a_tiny_terminal_gets_a_plain_message() {
    let app = app();
    let screen = render(&app, 40, 10);
    assert!(screen.contains("too small"));
}

#[test]
fn trouble_with_the_drive_is_said_plainly() {
    let mut app = app();
    app.on_reply(Reply::Health(Health::Trouble("disk I/O error".into())));
    let screen = render(&app, 100, 24);
    assert!(screen.contains("Cannot reach the shared database"));
    assert!(screen.contains("Showing what was last read"));
    // A lookup answered from what this PC kept says when it was read.
    app.on_reply(Reply::Health(Health::Ok { checked: now() }));
    app.on_reply(Reply::Answered {
        card: false,
        from: Some(now() - Duration::minutes(4)),
        took_ms: 3,
    });
    let screen = render(&app, 200, 24);
    assert!(
        screen.contains("this is what was read at 24/11/2026 10:26 and kept on this PC"),
        "{screen}"
    );
    // A slow drive is named, with how slow.
    app.on_reply(Reply::Answered {
        card: false,
        from: None,
        took_ms: 1400,
    });
    let screen = render(&app, 200, 24);
    assert!(
        screen.contains("The shared database is slow: the last answer took 1.4 s"),
        "{screen}"
    );
    app.on_reply(Reply::Answered {
        card: false,
        from: None,
        took_ms: 20,
    });
    assert!(!render(&app, 200, 24).contains("slow"));
}

#[test]
fn an_unknown_login_is_told_how_to_get_added() {
    let app = App::new(
        Policy::built_in(),
        Actor {
            login: "temp1".into(),
            staff: None,
        },
        "x".into(),
        false,
        false,
    );
    let screen = render(&app, 200, 24);
    assert!(screen.contains("look-up only"));
    assert!(screen.contains("safedesk staff add temp1"));
    // At 80 columns the whole sentence wraps, down to the exact command with the database.
    let screen = render(&app, 80, 24);
    let flat: String = screen
        .lines()
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("--role reception --db \"x\""),
        "the whole command is shown: {screen}"
    );
    assert!(flat.contains("not on safedesk's staff list"), "{screen}");
}

#[test]
fn help_fits_an_80x24_terminal() {
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('?'));
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("help_80x24", screen);
}

/// Sam's queue open: a threat, a threshold and a review of his own, overdue.
fn queue_open() -> App {
    use safedesk::domain::{CaseReason, CaseSummary};
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('m'));
    assert!(app
        .take_requests()
        .iter()
        .any(|r| matches!(r, Request::LoadQueue(_))));
    let case = |n: u128, name: &str, reason, days: i64| CaseSummary {
        incidents: vec![Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3)],
        ..case_of(n, name, reason, days * 24 * 60)
    };
    let mut mine = case(3, "Renée O'Connor", CaseReason::ReviewDue, 2);
    mine.assigned_to = Some("Sam Patel".into());
    mine.assigned_to_id = app.actor.staff.as_ref().map(|s| s.id);
    mine.incidents.clear();
    app.on_reply(Reply::Queue(Ok(safedesk::domain::Queue {
        cases: vec![
            case(1, "Tunde Okafor", CaseReason::Threshold, 5),
            case(
                2,
                "Unidentified visitor: man in a green parka",
                CaseReason::ImmediateThreat,
                1,
            ),
            mine,
        ],
        summary: safedesk::domain::QueueSummary {
            open_cases: 3,
            overdue_reviews: 1,
            letters_owed: 2,
            riddor_owed: 0,
        },
    })));
    app
}

#[test]
fn the_manager_sees_the_queue_most_urgent_first() {
    let mut app = queue_open();
    let screen = render(&app, 100, 24);
    insta::assert_snapshot!("queue_100x24", screen);
    let threat = screen.find("IMMEDIATE THREAT").expect("listed");
    let threshold = screen.find("INCIDENT THRESHOLD REACHED").expect("listed");
    // The review fell due two days ago: the row says it is overdue, and by how long.
    let review = screen.find("REVIEW OVERDUE by 2 days").expect("listed");
    assert!(
        threat < threshold && threshold < review,
        "most urgent first"
    );
    assert!(screen.contains("3 open cases  |  1 overdue review  |  2 letters owed"));
    assert!(screen.contains("assigned to me"));
    // f shows one kind at a time; the last of the round is the cases assigned to me.
    for _ in 0..9 {
        key(&mut app, KeyCode::Char('f'));
    }
    let screen = render(&app, 100, 24);
    assert!(screen.contains("only: assigned to me"), "{screen}");
    assert!(screen.contains("Renée O'Connor") && !screen.contains("Tunde Okafor"));
    key(&mut app, KeyCode::Char('f'));
    key(&mut app, KeyCode::Down);
    // a takes the case: the store is asked, with the version shown.
    key(&mut app, KeyCode::Char('a'));
    assert!(app.take_requests().contains(&Request::AssignCase {
        case: Uuid::from_u128(1),
        to: app.actor.staff.as_ref().map(|s| s.id),
        version: 1,
    }));
    key(&mut app, KeyCode::Enter);
    assert!(app.take_requests().contains(&Request::LoadCase {
        case: Uuid::from_u128(1)
    }));
    assert!(app.overlays.case_view().is_some(), "Enter opens the case");
    key(&mut app, KeyCode::Esc);
    assert!(
        app.overlays.case_view().is_none() && app.overlays.queue().is_some(),
        "Esc goes back to the queue"
    );
}

#[test]
fn only_managers_open_the_queue() {
    let mut app = App::new(
        Policy::built_in(),
        Actor {
            login: "psharma".into(),
            staff: Some(staff(5, "Priya Sharma", Role::Phone)),
        },
        "x".into(),
        false,
        false,
    );
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('m'));
    assert!(app.overlays.queue().is_none());
    assert!(!app
        .take_requests()
        .iter()
        .any(|r| matches!(r, Request::LoadQueue(_))));
}

fn deborah_case() -> safedesk::domain::CaseSummary {
    safedesk::domain::CaseSummary {
        id: Uuid::from_u128(50),
        customer_id: Uuid::from_u128(10),
        incidents: vec![Uuid::from_u128(104)],
        version: 4,
        ..case_of(
            50,
            "Deborah Johnson",
            safedesk::domain::CaseReason::Breach,
            3 * 24 * 60,
        )
    }
}

fn open_deborah(app: &mut App) {
    let case = deborah_case();
    app.open_case(case.clone());
    app.on_reply(Reply::Case {
        case: case.id,
        result: Ok(Box::new(safedesk::sync::CaseData {
            case,
            history: Some(deborah()),
            staff: vec![
                staff(1, "Sam Patel", Role::Manager),
                staff(2, "Chris Evans", Role::Reception),
            ],
            others: vec![],
        })),
    });
}

fn open_deborah_with(app: &mut App, history: CustomerHistory) {
    let case = deborah_case();
    app.open_case(case.clone());
    app.on_reply(Reply::Case {
        case: case.id,
        result: Ok(Box::new(safedesk::sync::CaseData {
            case,
            history: Some(history),
            staff: vec![
                staff(1, "Sam Patel", Role::Manager),
                staff(2, "Chris Evans", Role::Reception),
            ],
            others: vec![],
        })),
    });
}

/// Move the decision form's focus down to `row`.
fn focus_on(app: &mut App, row: safedesk::app::decision::Row) {
    for _ in 0..60 {
        let f = app.overlays.decision().unwrap();
        if f.focus == row {
            return;
        }
        let rows = f.rows();
        let at = |r| rows.iter().position(|x| *x == r);
        match (at(f.focus), at(row)) {
            (Some(now), Some(want)) if want < now => key(app, KeyCode::BackTab),
            _ => key(app, KeyCode::Tab),
        }
    }
    panic!(
        "{row:?} not reached: {:?}",
        app.overlays.decision().unwrap().rows()
    );
}

#[test]
fn a_withdrawal_offers_deborahs_earlier_actions_as_tried_at_80x24() {
    use safedesk::app::decision::Row;
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    open_deborah(&mut app);
    key(&mut app, KeyCode::Char('d'));
    focus_on(&mut app, Row::Outcome);
    key(&mut app, KeyCode::Char('w'));
    focus_on(&mut app, Row::Tried(0));
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("decision_withdrawal_tried_80x24", screen);
    assert!(
        screen.contains("Long-term actions tried before"),
        "{screen}"
    );
    assert!(
        screen.contains("[x] Time limits on telephone calls"),
        "{screen}"
    );
    // The form is longer than the screen (the reasonable adjustments come first): the rest
    // of the actions tried show as the focus moves down to them.
    focus_on(&mut app, Row::Tried(2));
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("[x] Personal contact (including telephone calls)"),
        "{screen}"
    );
    assert!(
        screen.contains("[ ] Record all telephone calls"),
        "{screen}"
    );
    focus_on(&mut app, Row::Tried(0));
    // Untick both and save: refused under the reason's row, with the policy's condition.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char(' '));
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    focus_on(&mut app, Row::NoneSuitable);
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("decision_withdrawal_none_suitable_80x24", screen);
    assert!(screen.contains("Why no action was suitable"), "{screen}");
    assert!(
        screen.contains("! The policy withdraws services only when the long-term"),
        "{screen}"
    );
}

#[test]
fn after_a_threat_the_decision_asks_who_was_told_and_a_number_blocked_or_redirected_at_80x24() {
    use safedesk::app::decision::Row;
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    let mut h = deborah();
    h.incidents[3].behaviours = vec!["threats".into()];
    h.restrictions.clear();
    open_deborah_with(&mut app, h);
    key(&mut app, KeyCode::Char('d'));
    let rows = app.overlays.decision().unwrap().rows();
    assert!(rows.contains(&Row::Police) && rows.contains(&Row::RiskAssessment));
    let f = app.overlays.decision().unwrap();
    let tl = f
        .picker
        .items
        .iter()
        .position(|i| i.kind == "time_limit")
        .unwrap();
    let phone = f
        .picker
        .items
        .iter()
        .position(|i| i.kind == "phone_blocked")
        .unwrap();
    focus_on(&mut app, Row::Item(tl));
    key(&mut app, KeyCode::Char(' '));
    for c in "10".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    focus_on(&mut app, Row::Scope(tl));
    key(&mut app, KeyCode::Char('v'));
    focus_on(&mut app, Row::Item(phone));
    key(&mut app, KeyCode::Char(' '));
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(app
        .take_requests()
        .iter()
        .all(|r| !matches!(r, Request::SaveDecision(_))));
    focus_on(&mut app, Row::Divert(phone));
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("decision_scope_divert_80x24", screen);
    assert!(screen.contains("Applies to"), "{screen}");
    assert!(screen.contains("[Visits only]"), "{screen}");
    assert!(
        screen.contains("Blocked/redirected b Blocked  r Redirected  (not chosen)"),
        "{screen}"
    );
    assert!(
        screen.contains("Applies to         c Calls only  v [Visits only]  b Calls and visits"),
        "{screen}"
    );
    assert!(
        screen.contains("! Say whether the number is blocked (b) or redirected (r)."),
        "{screen}"
    );
    key(&mut app, KeyCode::Char('r'));
    for c in "the duty line".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    focus_on(&mut app, Row::Police);
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("decision_alarm_80x24", screen);
    assert!(screen.contains("Redirected to"), "{screen}");
    assert!(screen.contains(">Police or other told"), "{screen}");
    assert!(
        screen.contains("! The incident of 21/11/2026 caused significant alarm or"),
        "{screen}"
    );
    key(&mut app, KeyCode::Char('y'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains(">Which authority"), "{screen}");
}

#[test]
fn the_case_shows_who_was_told_the_actions_tried_and_the_reply_sent_about_an_incident() {
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    let mut h = deborah();
    let mut withdrawn = h.decisions[0].clone();
    withdrawn.id = Uuid::from_u128(21);
    withdrawn.outcome = Outcome::WithdrawalOfServices;
    withdrawn.tried_actions = vec!["time_limit".into(), "witness".into()];
    withdrawn.police_told = Some(true);
    withdrawn.authority_told = "the police (ref 4471)".into();
    withdrawn.risk_assessment = "Threats to wait outside.".into();
    h.decisions.push(withdrawn);
    h.letters.push(Letter {
        id: Uuid::from_u128(300),
        customer_id: h.customer.id,
        decision_id: None,
        kind: "abusive_correspondence".into(),
        created_at: now() - Duration::days(2),
        sent_at: Some(now() - Duration::days(1)),
        sent_how: "post".into(),
        file: String::new(),
        incident_id: Some(Uuid::from_u128(104)),
    });
    open_deborah_with(&mut app, h);
    let screen = render(&app, 120, 80);
    assert!(
        screen.contains("Told in writing on 23/11/2026 that correspondence is not processed"),
        "{screen}"
    );
    assert!(
        screen.contains("Police or another authority told: yes (the police (ref 4471)). Risk assessment: Threats to wait outside."),
        "{screen}"
    );
    assert!(
        screen.contains("Actions tried first: Time limits on telephone calls and/or personal contacts; Personal contact"),
        "{screen}"
    );
}

#[test]
fn a_case_shows_what_is_behind_it_and_the_decision_form_fits_80x24() {
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    open_deborah(&mut app);
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("case_80x24", screen);
    assert!(screen.contains("BREACH OF AN ACTIVE RESTRICTION"));
    assert!(screen.contains("Calls and visits limited to 10 minutes"));
    assert!(screen.contains("Incidents behind this case (1)"));
    assert!(screen.contains("Raised voice and insults"), "in full");
    assert!(
        !screen.contains('\u{1b}'),
        "control characters never reach the terminal"
    );
    key(&mut app, KeyCode::Char('d'));
    let form = app.overlays.decision().expect("d opens the decision form");
    assert_eq!(
        form.case_version,
        Some(4),
        "the version shown travels with it"
    );
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("decision_80x24", screen);
    assert!(screen.contains(" Meeting date         24/11/2026"));
    assert!(
        screen.contains(">Who attended         Chris Evans, Sam Patel"),
        "the focus is marked"
    );
    // Esc, then / from the case goes to the search box: typing a name never acts on the case.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('y'));
    assert!(app.overlays.decision().is_none());
    key(&mut app, KeyCode::Char('/'));
    assert!(app.overlays.case_view().is_none() && app.overlays.queue().is_none());
    assert_eq!(app.pane, Pane::Search);
    for c in "ad".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    assert_eq!(app.query(), "ad");
    assert!(app.overlays.decision().is_none());
    open_deborah(&mut app);
    key(&mut app, KeyCode::Char('d'));
    // q types into the form; it never quits with the form open.
    key(&mut app, KeyCode::Char('q'));
    assert!(!app.should_quit);
    // A long line scrolls sideways as it is typed: its end stays in view.
    for c in ", and the duty manager from the Tuesday afternoon advice session: STOP".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    assert!(render(&app, 80, 24).contains("session: STOP"));
    // Saving without reasons is refused in the form, next to the row.
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(app
        .take_requests()
        .iter()
        .all(|r| !matches!(r, Request::SaveDecision(_))));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Not saved yet"), "{screen}");
}

#[test]
fn reception_see_a_case_but_cannot_decide_or_review() {
    let mut app = App::new(
        Policy::built_in(),
        Actor {
            login: "cevans".into(),
            staff: Some(staff(2, "Chris Evans", Role::Reception)),
        },
        "x".into(),
        false,
        false,
    );
    app.theme = safedesk::app::theme::ThemeName::Monochrome;
    app.now = now();
    open_deborah(&mut app);
    key(&mut app, KeyCode::Char('d'));
    assert!(app.overlays.decision().is_none());
    key(&mut app, KeyCode::Char('r'));
    assert!(app.overlays.decision().is_none());
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Only managers decide"), "{screen}");
}

#[test]
fn a_review_lists_what_is_under_review_and_asks_if_they_still_want_services() {
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    open_deborah(&mut app);
    key(&mut app, KeyCode::Char('r'));
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("review_80x24", screen);
    assert!(screen.contains("* Calls and visits limited to 10 minutes"));
    assert!(screen.contains("Still wants services"));
    key(&mut app, KeyCode::Char('y'));
    key(&mut app, KeyCode::Char('l'));
    for c in "No incidents since the decision.".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let review = app
        .take_requests()
        .into_iter()
        .find_map(|r| match r {
            Request::SaveReview(r) => Some(r),
            _ => None,
        })
        .expect("saved");
    assert_eq!(review.outcome, ReviewOutcome::Lift);
    assert_eq!(review.reviewed.len(), 2);
    assert_eq!(review.still_wants, Some(true));
}

#[test]
fn a_letter_is_previewed_with_the_managers_paragraph_and_sent_to_be_saved() {
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    open_deborah(&mut app);
    key(&mut app, KeyCode::Char('l'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Produce a letter"), "{screen}");
    // Deborah's decision restricted her and its letter went: the notice is still offered.
    key(&mut app, KeyCode::Char('2'));
    let letter = app.overlays.letter().expect("the preview opens");
    assert!(letter
        .rendered
        .as_ref()
        .unwrap()
        .contains("Telephone calls and visits will be limited to 10 minutes"));
    // The customer's wording, never the staff banner.
    assert!(!letter
        .rendered
        .as_ref()
        .unwrap()
        .contains("Calls and visits limited to 10 minutes"));
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("letter_80x24", screen);
    key(&mut app, KeyCode::Char('e'));
    for c in "Please bring your support worker.".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('s'));
    let save = app
        .take_requests()
        .into_iter()
        .find_map(|r| match r {
            Request::SaveLetter(l) => Some(l),
            _ => None,
        })
        .expect("s saves");
    assert!(save
        .record
        .body
        .contains("Please bring your support worker."));
    assert_eq!(save.record.kind, "restriction_notice");
    assert_eq!(save.record.decision_id, Some(Uuid::from_u128(20)));
    assert!(save.stem.contains("Restriction notice - Deborah Johnson"));
}

#[test]
fn a_broken_template_is_explained_when_a_letter_is_asked_for() {
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    app.letter_kit = Err("The letter template restriction_notice.md, line 12: unknown placeholder `custmer_name`. Correct the template.".into());
    open_deborah(&mut app);
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Char('2'));
    assert!(app.overlays.letter().is_none());
    let screen = render(&app, 100, 30);
    assert!(
        screen.contains("restriction_notice.md, line 12"),
        "{screen}"
    );
}

#[test]
fn a_long_queue_keeps_the_selected_case_in_view() {
    use safedesk::domain::CaseReason;
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('m'));
    let cases = (0..300u128)
        .map(|n| {
            case_of(
                5000 + n,
                &format!("Customer number {n}"),
                CaseReason::Threshold,
                1000 - n as i64,
            )
        })
        .collect();
    app.on_reply(Reply::Queue(Ok(safedesk::domain::Queue {
        cases,
        summary: Default::default(),
    })));
    for _ in 0..150 {
        key(&mut app, KeyCode::Down);
    }
    let screen = render(&app, 80, 24);
    let line = screen
        .lines()
        .find(|l| l.contains("> "))
        .expect("a selected row");
    assert!(line.contains("Customer number 150"), "{screen}");
    key(&mut app, KeyCode::End);
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("> INCIDENT THRESHOLD REACHED  Customer number 299"),
        "{screen}"
    );
}

#[test]
fn a_letter_that_went_on_another_day_is_recorded_with_that_day() {
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    open_deborah(&mut app);
    app.on_reply(Reply::LetterSaved {
        letter: Uuid::from_u128(77),
        what: "Restriction notice".into(),
        markdown: "/letters/a.md".into(),
        html: "/letters/a.html".into(),
    });
    let screen = render(&app, 100, 30);
    assert!(
        screen.contains("Has the letter (Restriction notice) gone"),
        "{screen}"
    );
    assert!(
        screen.contains("> n  not sent yet"),
        "not sent yet is the default: {screen}"
    );
    key(&mut app, KeyCode::Char('o'));
    for c in "yesterday".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    let screen = render(&app, 100, 30);
    assert!(
        screen.contains("How did the letter (Restriction notice) go on 23/11/2026?"),
        "{screen}"
    );
    key(&mut app, KeyCode::Char('e'));
    assert!(app.take_requests().contains(&Request::LetterSent {
        letter: Uuid::from_u128(77),
        on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        how: safedesk::domain::SentHow::Email,
    }));
}

#[test]
fn a_restriction_that_expires_leaves_the_card_by_itself() {
    let mut app = app();
    let mut h = deborah();
    h.restrictions[1].ends_at = Some(now() + Duration::minutes(1));
    search(
        &mut app,
        "deborah",
        vec![hit(h, MatchedOn::Name("Deborah Johnson".into()))],
    );
    let screen = render(&app, 100, 30);
    assert!(screen.contains("A witness must be present"), "{screen}");
    // The next poll of the shared database (twice a second) moves the clock on.
    app.on_reply(Reply::Health(Health::Ok {
        checked: now() + Duration::minutes(2),
    }));
    let screen = render(&app, 100, 30);
    assert!(!screen.contains("A witness must be present"), "{screen}");
    assert!(screen.contains("Calls and visits limited to 10 minutes"));
}

#[test]
fn a_long_search_scrolls_sideways_by_display_columns_with_its_end_in_view() {
    let mut app = app();
    // Wide characters (CJK, emoji) take two columns each: the visible part is cut by columns,
    // so the row never runs over the box's edge and the end typed is always in view.
    let long = format!("{}{}END", "日本語".repeat(12), "😀".repeat(10));
    type_text(&mut app, &long);
    let screen = render(&app, 80, 24);
    let row = screen.lines().nth(2).expect("the search box's text row");
    // (The test screen writes the second column of a wide character as a space.)
    assert!(row.replace(' ', "").contains("😀END│"), "{screen}");
    assert!(!row.contains("Type a name"), "{screen}");
    assert!(row.ends_with('│'), "the box's right edge is drawn: {row:?}");
    // Back at the start, the start is in view again.
    key(&mut app, KeyCode::Home);
    let screen = render(&app, 80, 24);
    let row = screen.lines().nth(2).unwrap().replace(' ', "");
    assert!(row.starts_with("│日本語日本語"), "{screen}");
    assert!(!row.contains("END"), "{screen}");
}

// ---------------------------------------------------------------------------------------------
// The card tells the truth about who, and its banner never scrolls away.

/// The text of the screen's columns from `from` on (the card, right of the results), rows
/// joined and runs of spaces made one, so wrapped sentences read whole.
fn column(screen: &str, from: usize) -> String {
    let text: Vec<String> = screen
        .lines()
        .map(|l| {
            l.chars()
                .skip(from)
                .filter(|c| !"│┌┐└┘─".contains(*c))
                .collect::<String>()
        })
        .collect();
    text.join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The results pane's text at 80 columns, as [`column`] reads the card's.
fn results_column(screen: &str) -> String {
    let left: String = screen
        .lines()
        .map(|l| l.chars().take(32).collect::<String>() + "\n")
        .collect();
    column(&left, 0)
}

fn phone_app() -> App {
    let mut app = App::new(
        Policy::built_in(),
        Actor {
            login: "psharma".into(),
            staff: Some(staff(3, "Priya Sharma", Role::Phone)),
        },
        "/shared/safedesk.sqlite".into(),
        true,
        false,
    );
    app.theme = safedesk::app::theme::ThemeName::Monochrome;
    app.now = now();
    app.health = Health::Ok { checked: now() };
    app
}

/// Two people called Precious: Appiah, nothing in force, and Adeyemi, services withdrawn. The
/// store scores Appiah 4 higher: its other name is shorter.
fn two_precious() -> Vec<LookupHit> {
    let mut appiah = zoe();
    appiah.customer.id = Uuid::from_u128(61);
    appiah.customer.name = Some("Precious Appiah".into());
    appiah.customer.postcode = "NW7 3TR".into();
    for i in &mut appiah.incidents {
        i.customer_id = appiah.customer.id;
    }
    let mut adeyemi = deborah();
    adeyemi.customer.id = Uuid::from_u128(62);
    adeyemi.customer.name = Some("Precious Adeyemi".into());
    adeyemi.customer.other_names = vec![];
    adeyemi.customer.postcode = "N11 2AB".into();
    adeyemi.restrictions.truncate(1);
    adeyemi.restrictions[0].kind = "services_withdrawn".into();
    for i in &mut adeyemi.incidents {
        i.customer_id = adeyemi.customer.id;
    }
    vec![
        LookupHit {
            history: appiah,
            matched: MatchedOn::OtherName("Precious Kaur".into()),
            score: 839,
        },
        LookupHit {
            history: adeyemi,
            matched: MatchedOn::Name("Precious Adeyemi".into()),
            score: 835,
        },
    ]
}

#[test]
fn precious_the_top_of_the_card_names_the_restricted_match_even_when_it_ranks_second() {
    let mut app = phone_app();
    search(&mut app, "Precious", two_precious());
    assert_eq!(
        app.selected_hit().unwrap().history.customer.display_name(),
        "Precious Appiah",
        "as the answer came, the restricted one is second"
    );
    let screen = draw_fed(&mut app, 80, 24);
    let card = column(&screen, 32);
    assert!(
        card.contains(
            "Customer card 2 people match - 1 is RESTRICTED: Precious Adeyemi, N11 2AB, last incident 21/11/2026 (result 2). This card is not them"
        ),
        "{screen}"
    );
    // The words come before the card's own name and its "no restrictions".
    let warned = card.find("RESTRICTED: Precious Adeyemi").unwrap();
    let own = card
        .find("Precious Appiah No restrictions in force.")
        .unwrap();
    assert!(warned < own, "{screen}");
    // The same at 120x40.
    let card = column(&draw_fed(&mut app, 120, 40), 46);
    assert!(card.contains("2 people match - 1 is RESTRICTED: Precious Adeyemi, N11 2AB"));

    // Ranked as the worker ranks them (equally good matches, restricted first), her card is
    // the first one shown.
    let mut hits = two_precious();
    safedesk::policy::rules::rank_hits(&mut hits, now());
    let mut app = phone_app();
    search(&mut app, "Precious", hits);
    let card = column(&draw_fed(&mut app, 80, 24), 32);
    assert!(
        card.contains("Customer card 2 people match - 1 is RESTRICTED: Precious Adeyemi (this card). Precious Adeyemi RESTRICTED Services withdrawn"),
        "{card}"
    );
}

#[test]
fn phone_staff_are_told_what_to_do_now_under_a_manager_flag() {
    let policy = Policy::built_in();
    let mut phone = phone_app();
    search(
        &mut phone,
        "900123",
        vec![hit(deborah(), MatchedOn::Phone("07700 900123".into()))],
    );
    let card = column(&draw_fed(&mut phone, 100, 30), 38);
    assert!(
        card.contains("MANAGER Breach of an active restriction"),
        "{card}"
    );
    let advice = &policy.phone_advice.breach;
    assert!(card.contains(advice.as_str()), "{card}");
    // A manager reads the flag without the phone advice.
    let mut manager = app();
    search(
        &mut manager,
        "900123",
        vec![hit(deborah(), MatchedOn::Phone("07700 900123".into()))],
    );
    let card = column(&draw_fed(&mut manager, 100, 30), 38);
    assert!(
        card.contains("MANAGER Breach of an active restriction"),
        "{card}"
    );
    assert!(!card.contains(advice.as_str()), "{card}");
}

/// Deborah's full card, open with the keyboard on it.
fn deborah_card_open(app: &mut App, h: CustomerHistory) {
    search(
        app,
        "900123",
        vec![hit(h.clone(), MatchedOn::Phone("07700 900123".into()))],
    );
    app.on_reply(Reply::Card {
        id: h.customer.id,
        result: Ok(Some(Box::new(h))),
    });
    key(app, KeyCode::Enter);
    assert_eq!(app.pane, Pane::Card);
}

#[test]
fn at_80x24_a_restricted_card_scrolled_to_its_end_still_shows_its_restrictions() {
    let mut app = phone_app();
    let mut h = deborah();
    h.letters.push(Letter {
        id: Uuid::from_u128(90),
        customer_id: h.customer.id,
        decision_id: None,
        kind: "restriction_notice".into(),
        created_at: now() - Duration::days(19),
        sent_at: Some(now() - Duration::days(18)),
        sent_how: "post".into(),
        file: String::new(),
        incident_id: None,
    });
    deborah_card_open(&mut app, h);
    let last = "restriction notice - sent 06/11/2026 by post";
    let first = draw_fed(&mut app, 80, 24);
    assert!(column(&first, 32).contains("RESTRICTED Calls and visits limited to 10 minutes"));
    assert!(!column(&first, 32).contains(last), "{first}");
    // Down, a key at a time, to the end: the banner never leaves.
    let mut reached = false;
    for _ in 0..60 {
        key(&mut app, KeyCode::Down);
        let screen = draw_fed(&mut app, 80, 24);
        let card = column(&screen, 32);
        assert!(
            card.contains("RESTRICTED Calls and visits limited to 10 minutes")
                && card.contains("RESTRICTED A witness must be present"),
            "{screen}"
        );
        if card.contains(last) {
            reached = true;
            break;
        }
    }
    assert!(reached, "Down reaches the card's last line");
    // Back up to the top with Home; End goes straight to the end again.
    key(&mut app, KeyCode::Home);
    let screen = draw_fed(&mut app, 80, 24);
    assert!(!column(&screen, 32).contains(last));
    assert!(
        column(&screen, 32).contains("Phone: 07700 900123"),
        "{screen}"
    );
    assert_eq!(
        app.card_cursor, 0,
        "the newest incident is highlighted again"
    );
    key(&mut app, KeyCode::End);
    let screen = draw_fed(&mut app, 80, 24);
    let card = column(&screen, 32);
    assert!(card.contains(last), "{screen}");
    assert!(card.contains("RESTRICTED Calls and visits"), "{screen}");
    assert!(card.contains("more above"), "{screen}");
}

#[test]
fn moving_the_highlight_keeps_that_incident_in_view() {
    let mut app = app();
    let mut h = deborah();
    for n in 0..8u128 {
        h.incidents.push(incident(
            h.customer.id,
            10 + n,
            50 - n as i64,
            "Long call about a form; shouted and swore at the adviser until the call was ended.",
        ));
    }
    h.incidents.sort_by_key(|i| i.occurred_at);
    deborah_card_open(&mut app, h.clone());
    draw_fed(&mut app, 80, 24);
    for n in 1..h.incidents.len() {
        // Down shows the rest of a highlighted incident not all in view, then moves on.
        for _ in 0..10 {
            if app.card_cursor == n {
                break;
            }
            key(&mut app, KeyCode::Down);
            draw_fed(&mut app, 80, 24);
        }
        let screen = draw_fed(&mut app, 80, 24);
        assert_eq!(app.card_cursor, n, "{screen}");
        let when = safedesk::time::date_time(h.incidents[h.incidents.len() - 1 - n].occurred_at);
        assert!(
            screen.contains(&format!("> {when}")),
            "incident {n} ({when}) is highlighted and in view:\n{screen}"
        );
        assert!(column(&screen, 32).contains("RESTRICTED Calls and visits"));
    }
    for n in (0..h.incidents.len() - 1).rev() {
        // Up scrolls back through the last incident's lines first, then moves.
        while app.card_cursor != n {
            key(&mut app, KeyCode::Up);
            draw_fed(&mut app, 80, 24);
        }
        let screen = draw_fed(&mut app, 80, 24);
        let when = safedesk::time::date_time(h.incidents[h.incidents.len() - 1 - n].occurred_at);
        assert!(screen.contains(&format!("> {when}")), "{screen}");
    }
}

#[test]
fn a_banner_taller_than_the_pane_comes_first_and_says_how_much_more() {
    let mut app = app();
    let mut h = deborah();
    for (n, kind) in [
        "dedicated_contact",
        "record_contacts",
        "named_contact",
        "written_only",
        "read_ack_file",
        "banned_from_premises",
        "phone_blocked",
    ]
    .iter()
    .enumerate()
    {
        let mut r = h.restrictions[0].clone();
        r.id = Uuid::from_u128(70 + n as u128);
        r.kind = kind.to_string();
        h.restrictions.push(r);
    }
    deborah_card_open(&mut app, h);
    // The smallest screen safedesk lays out.
    let screen = draw_fed(&mut app, 80, 16);
    let card = column(&screen, 32);
    assert!(
        card.contains("Deborah Johnson RESTRICTED Calls and visits"),
        "{screen}"
    );
    assert!(
        card.contains("more lines of warnings just below"),
        "{screen}"
    );
    // Every restriction can still be read, by scrolling.
    let mut seen = card.clone();
    for _ in 0..80 {
        key(&mut app, KeyCode::Down);
        seen.push_str(&column(&draw_fed(&mut app, 80, 16), 32));
    }
    for words in [
        "Written contact only",
        "Phone number blocked or redirected",
        "MANAGER Breach",
    ] {
        assert!(seen.contains(words), "{words}: {seen}");
    }
}

#[test]
fn a_query_that_cannot_pick_anyone_out_says_what_to_type_next() {
    let mut app = phone_app();
    type_text(&mut app, "d");
    assert!(
        !app.take_requests()
            .iter()
            .any(|r| matches!(r, Request::Lookup { .. })),
        "one letter is not searched for"
    );
    let screen = render(&app, 80, 24);
    let results = results_column(&screen);
    assert!(
        results.contains(
            "Keep typing: one letter could be anyone. Type at least 2 letters of the name"
        ),
        "{screen}"
    );
    assert!(!screen.contains("No one matches"), "{screen}");
    assert!(screen.contains("Search on the left"), "no card: {screen}");

    // A real search, then back to one letter: the stranger's card goes.
    key(&mut app, KeyCode::Char('e'));
    let seq = app
        .take_requests()
        .iter()
        .find_map(|r| match r {
            Request::Lookup { seq, .. } => Some(*seq),
            _ => None,
        })
        .expect("two letters are searched for");
    app.on_reply(Reply::Lookup {
        seq,
        result: Ok(vec![hit(
            deborah(),
            MatchedOn::Name("Deborah Johnson".into()),
        )]),
    });
    assert!(render(&app, 80, 24).contains("Calls and visits limited"));
    key(&mut app, KeyCode::Backspace);
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("Deborah Johnson"), "{screen}");
    assert!(app.selected_hit().is_none());
    // An answer to the longer query arriving late changes nothing.
    app.on_reply(Reply::Lookup {
        seq,
        result: Ok(vec![hit(
            deborah(),
            MatchedOn::Name("Deborah Johnson".into()),
        )]),
    });
    assert!(app.selected_hit().is_none());

    // Digits: fewer than 6 of a number.
    key(&mut app, KeyCode::Backspace);
    app.take_requests();
    type_text(&mut app, "0770");
    assert!(!app
        .take_requests()
        .iter()
        .any(|r| matches!(r, Request::Lookup { .. })));
    let screen = render(&app, 80, 24);
    assert!(
        results_column(&screen).contains("Keep typing: 4 digits so far. Type at least 6 digits"),
        "{screen}"
    );
}

#[test]
fn capped_results_say_so() {
    let mut app = phone_app();
    let mut hits = Vec::new();
    for n in 0..31u128 {
        let mut h = zoe();
        h.customer.id = Uuid::from_u128(1000 + n);
        h.customer.name = Some(format!("Sam Person {n:02}"));
        if n == 7 {
            h.restrictions = deborah().restrictions;
        }
        hits.push(LookupHit {
            history: h,
            matched: MatchedOn::Name(format!("Sam Person {n:02}")),
            score: 700,
        });
    }
    search(&mut app, "sam", hits.clone());
    assert_eq!(app.results.len(), 30, "the one more asked for is not shown");
    assert!(app.results_capped);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Results (first 30)"), "{screen}");
    let left = results_column(&screen);
    assert!(
        left.contains("Showing the first 30 - type more to narrow it."),
        "{screen}"
    );
    let card = column(&screen, 32);
    assert!(
        card.contains(
            "More than 30 people match - of the first 30, 1 is RESTRICTED: Sam Person 07"
        ),
        "{screen}"
    );
    // Exactly 30: not capped.
    let mut app = phone_app();
    hits.truncate(30);
    search(&mut app, "sam", hits);
    assert!(!app.results_capped);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Results (30)"), "{screen}");
    assert!(!screen.contains("Showing the first"), "{screen}");
    assert!(column(&screen, 32).contains("30 people match"), "{screen}");
}

#[test]
fn at_80x24_the_case_scrolls_to_its_last_line() {
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    let case = deborah_case();
    let mut h = deborah();
    // Long words wrap early: counting characters alone would stop short of the end.
    h.incidents[3].description =
        "Extraordinarily-long-hyphenated-words-that-wrap-badly ".repeat(12);
    h.letters.push(Letter {
        id: Uuid::from_u128(91),
        customer_id: h.customer.id,
        decision_id: None,
        kind: "restriction_notice".into(),
        created_at: now() - Duration::days(19),
        sent_at: None,
        sent_how: String::new(),
        file: "letters/deborah-johnson-restriction-notice.md".into(),
        incident_id: None,
    });
    app.open_case(case.clone());
    app.on_reply(Reply::Case {
        case: case.id,
        result: Ok(Box::new(safedesk::sync::CaseData {
            case,
            history: Some(h),
            staff: vec![],
            others: vec![],
        })),
    });
    let last = "deborah-johnson-restriction-notice.md";
    let screen = draw_fed(&mut app, 80, 24);
    assert!(!screen.contains(last), "{screen}");
    key(&mut app, KeyCode::End);
    let screen = draw_fed(&mut app, 80, 24);
    assert!(screen.contains(last), "End shows the last line: {screen}");
    // And a line at a time.
    key(&mut app, KeyCode::Home);
    let mut reached = false;
    for _ in 0..200 {
        key(&mut app, KeyCode::Down);
        if draw_fed(&mut app, 80, 24).contains(last) {
            reached = true;
            break;
        }
    }
    assert!(reached);
}

/// The words on screen in order, without box lines: a sentence wrapped inside a box reads whole.
fn words(screen: &str) -> String {
    screen
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the worker sends a manager when `n` threats no manager has opened are waiting.
fn watch(alerts: &[(u128, &str, i64)]) -> Reply {
    Reply::Watch(QueueWatch {
        alerts: alerts
            .iter()
            .map(|(n, name, minutes_ago)| CaseAlert {
                case_id: Uuid::from_u128(*n),
                customer_name: (*name).into(),
                reason: CaseReason::ImmediateThreat,
                logged_at: now() - Duration::minutes(*minutes_ago),
                logged_by: Some("Amira Hassan".into()),
                logged_by_role: Some("reception".into()),
            })
            .collect(),
        by_reason: vec![
            (CaseReason::ImmediateThreat, alerts.len() as u64),
            (CaseReason::Breach, 0),
            (CaseReason::Threshold, 3),
            (CaseReason::ReviewDue, 5),
            (CaseReason::CustomerRequest, 0),
        ],
        confirmation_owed: 0,
    })
}

#[test]
fn an_unopened_threat_shows_over_the_lookup_and_over_a_case_in_words_with_a_bell() {
    let mut app = app();
    search(
        &mut app,
        "deb",
        vec![hit(deborah(), MatchedOn::Name("Deborah Johnson".into()))],
    );
    key(&mut app, KeyCode::Esc);
    let quiet = render(&app, 80, 24);
    assert!(!quiet.contains("IMMEDIATE THREAT"));
    assert!(!app.take_bell());

    app.on_reply(watch(&[(7, "Tunde Okafor", 0)]));
    assert!(app.take_bell(), "a new alert rings the bell once");
    assert!(!app.take_bell());
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("alert_over_lookup_80x24", screen);
    // In every theme: no cell on the terminal's own colours, every character 4.5:1.
    common::screen::in_each_theme(&mut app, 80, 24);
    let flat = words(&screen);
    assert!(
        flat.contains(
            "!! IMMEDIATE THREAT logged 10:30 by Amira Hassan (reception): Tunde Okafor - press m then Enter to open it"
        ),
        "{screen}"
    );
    // Still the whole lookup below it: the search box, the results and the card.
    assert!(screen.contains("Deborah Johnson"));
    assert!(screen.lines().all(|l| l.chars().count() <= 80));
    // The title line counts the queue by kind.
    assert!(
        screen.lines().next().unwrap().contains("Queue: 1 threat"),
        "{screen}"
    );

    // The same alert again does not ring again; a second one does, and both are counted.
    app.on_reply(watch(&[(7, "Tunde Okafor", 0)]));
    assert!(!app.take_bell());
    app.on_reply(watch(&[(7, "Tunde Okafor", 5), (8, "Marek Kowalczyk", 1)]));
    assert!(app.take_bell());

    open_deborah(&mut app);
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("alert_over_case_80x24", screen);
    common::screen::in_each_theme(&mut app, 80, 24);
    let flat = words(&screen);
    assert!(
        flat.contains("!! 2 CASES NO MANAGER HAS OPENED - newest: IMMEDIATE THREAT logged 10:29 by Amira Hassan (reception): Marek Kowalczyk"),
        "{screen}"
    );
    assert!(
        screen.contains("BREACH OF AN ACTIVE RESTRICTION"),
        "the case is still there"
    );
    assert!(screen.lines().all(|l| l.chars().count() <= 80));

    // Over a form the band still shows, and says how to get to the case from there.
    key(&mut app, KeyCode::Char('d'));
    assert!(app.overlays.decision().is_some());
    let flat = words(&render(&app, 80, 24));
    assert!(
        flat.contains("finish or leave this form, then press m and Enter"),
        "{flat}"
    );

    // Once a manager opens it (on any PC), it goes.
    app.on_reply(watch(&[]));
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("NO MANAGER HAS OPENED") && !screen.contains("!! "));
}

#[test]
fn the_bell_can_be_turned_off_and_non_managers_see_no_band() {
    let mut app = app();
    app.alerts.bell = false;
    app.on_reply(watch(&[(7, "Tunde Okafor", 0)]));
    assert!(!app.take_bell());
    assert!(render(&app, 80, 24).contains("IMMEDIATE THREAT"));

    let mut desk = App::new(
        Policy::built_in(),
        Actor {
            login: "ahassan".into(),
            staff: Some(staff(2, "Amira Hassan", Role::Reception)),
        },
        "/shared/safedesk.sqlite".into(),
        false,
        false,
    );
    desk.on_reply(watch(&[(7, "Tunde Okafor", 0)]));
    assert!(!render(&desk, 80, 24).contains("IMMEDIATE THREAT"));
}

#[test]
fn opening_an_unopened_threat_records_it_once_and_m_in_a_case_goes_back_to_the_queue() {
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    let mut threat = case_of(9, "Tunde Okafor", CaseReason::ImmediateThreat, 3);
    threat.seen_at = None;
    threat.seen_by = None;
    app.open_case(threat.clone());
    assert!(app
        .take_requests()
        .contains(&Request::MarkCaseSeen { case: threat.id }));
    // Opened already: nothing to write.
    app.overlays.close_case_view();
    app.open_case(case_of(10, "Zoë Åberg", CaseReason::ImmediateThreat, 3));
    assert!(!app
        .take_requests()
        .iter()
        .any(|r| matches!(r, Request::MarkCaseSeen { .. })));
    key(&mut app, KeyCode::Char('m'));
    assert!(app.overlays.case_view().is_none());
    assert!(app.overlays.queue().is_some());
    assert!(app
        .take_requests()
        .iter()
        .any(|r| matches!(r, Request::LoadQueue(_))));
}

#[test]
fn reception_is_told_how_many_managers_have_safedesk_open() {
    use safedesk::policy::incident::SaveOutcome;
    let threat = SaveOutcome {
        count: 1,
        threshold: 3,
        breach: false,
        urgent: true,
        already_saved: false,
        customer: None,
    };
    let mut app = app();
    app.on_reply(Reply::Managers(Some(0)));
    app.on_reply(Reply::Saved(threat.clone()));
    let screen = render(&app, 80, 24);
    let flat = words(&screen);
    assert!(
        flat.contains("no manager has safedesk open: tell one in person or call."),
        "{screen}"
    );
    assert!(!flat.contains("alerted"));
    key(&mut app, KeyCode::Esc);
    app.on_reply(Reply::Managers(Some(2)));
    app.on_reply(Reply::Saved(threat.clone()));
    let flat = words(&render(&app, 80, 24));
    assert!(
        flat.contains("the 2 managers who have safedesk open now"),
        "{flat}"
    );
    key(&mut app, KeyCode::Esc);
    app.on_reply(Reply::Managers(None));
    app.on_reply(Reply::Saved(threat));
    let flat = words(&render(&app, 80, 24));
    assert!(flat.contains("cannot tell whether any manager"), "{flat}");
}

#[test]
fn the_queue_jumps_to_a_kind_with_one_key_and_finds_a_customer_by_typing() {
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('m'));
    let mut unopened = case_of(2, "Marek Kowalczyk", CaseReason::ImmediateThreat, 60);
    unopened.seen_at = None;
    app.on_reply(Reply::Queue(Ok(Queue {
        cases: vec![
            case_of(1, "Tunde Okafor", CaseReason::Threshold, 5 * 24 * 60),
            case_of(3, "Renée O'Connor", CaseReason::ReviewDue, 21 * 24 * 60),
            case_of(4, "Precious Adeyemi", CaseReason::ImmediateThreat, 24 * 60),
            unopened,
        ],
        summary: QueueSummary::default(),
    })));
    let screen = render(&app, 80, 24);
    let first = screen
        .find("NOT YET OPENED: IMMEDIATE THREAT")
        .expect("{screen}");
    let opened = screen.find("Precious Adeyemi").expect("listed");
    assert!(first < opened, "unopened threats at the top:\n{screen}");
    assert!(screen.contains("REVIEW OVERDUE by 3 weeks"), "{screen}");
    key(&mut app, KeyCode::Char('4'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Renée O'Connor") && !screen.contains("Tunde Okafor"));
    key(&mut app, KeyCode::Char('0'));
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "tunde");
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Find a customer: tunde"), "{screen}");
    assert!(screen.contains("Tunde Okafor") && !screen.contains("Renée O'Connor"));
    assert!(app.overlays.queue().is_some(), "typing stayed in the queue");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.overlays
            .case_view()
            .map(|v| v.case.customer_name.as_str()),
        Some("Tunde Okafor")
    );
}

#[test]
fn the_card_keeps_every_owed_letter_in_view_until_it_is_sent() {
    let mut owed = deborah();
    owed.decisions[0].letter = LetterStatus::Owed;
    let decided = safedesk::time::date(safedesk::time::london_date(owed.decisions[0].decided_at));
    let mut app = app();
    search(
        &mut app,
        "900123",
        vec![hit(owed, MatchedOn::Phone("07700 900123".into()))],
    );
    let screen = render(&app, 140, 30);
    assert!(
        screen.contains(&format!(
            "Letter owed: restriction notice for the decision of {decided}"
        )),
        "{screen}"
    );
    // Sent: the line goes.
    let mut app = crate::app();
    search(
        &mut app,
        "900123",
        vec![hit(deborah(), MatchedOn::Phone("07700 900123".into()))],
    );
    assert!(!render(&app, 140, 30).contains("Letter owed"));
}

#[test]
fn the_queue_lists_letters_owed_oldest_first_and_enter_opens_the_case_to_produce_one() {
    use safedesk::domain::{OwedFor, OwedLetter};
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('m'));
    assert!(app
        .take_requests()
        .iter()
        .any(|r| matches!(r, Request::LoadQueue(_))));
    app.on_reply(Reply::Queue(Ok(Queue {
        cases: vec![case_of(1, "Tunde Okafor", CaseReason::Threshold, 60)],
        summary: QueueSummary {
            open_cases: 1,
            ..QueueSummary::default()
        },
    })));
    let owed = |n: u128, name: &str, about: OwedFor, kind: &str, days: i64| OwedLetter {
        customer_id: Uuid::from_u128(n),
        customer_name: name.into(),
        about,
        case_id: matches!(about, OwedFor::Decision(_)).then(|| Uuid::from_u128(500 + n)),
        kind: kind.into(),
        since: now() - Duration::days(days),
    };
    app.on_reply(Reply::LettersOwed(Ok(vec![
        owed(
            10,
            "Deborah Johnson",
            OwedFor::Decision(Uuid::from_u128(20)),
            "restriction_notice",
            20,
        ),
        owed(
            12,
            "Marek Kowalczyk",
            OwedFor::Review(Uuid::from_u128(21)),
            "review_outcome",
            3,
        ),
    ])));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("2 letters owed (o lists them)"), "{screen}");
    assert!(screen.contains("Tunde Okafor"), "{screen}");
    key(&mut app, KeyCode::Char('o'));
    let screen = render(&app, 100, 24);
    let deborah = screen.find("Deborah Johnson").expect(&screen);
    let marek = screen.find("Marek Kowalczyk").expect(&screen);
    assert!(deborah < marek, "oldest first:\n{screen}");
    assert!(!screen.contains("Tunde Okafor"), "{screen}");
    let decided = safedesk::time::date(safedesk::time::london_date(now() - Duration::days(20)));
    assert!(
        screen.contains(&format!(
            "restriction notice for the decision of {decided} - owed for 20 days"
        )),
        "{screen}"
    );
    assert!(screen.contains("review outcome letter for the review of"));
    // Enter opens the case the decision answered, where l produces the letter.
    key(&mut app, KeyCode::Enter);
    assert!(app.take_requests().contains(&Request::LoadCase {
        case: Uuid::from_u128(510)
    }));
    // 0 goes back to the cases.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('0'));
    assert!(render(&app, 80, 24).contains("Tunde Okafor"));
}

#[test]
fn a_reviews_owed_letter_opens_from_the_letters_owed_and_n_records_why_it_could_not_go() {
    use safedesk::domain::{OwedFor, OwedLetter};
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('m'));
    app.on_reply(Reply::Queue(Ok(Queue {
        cases: vec![],
        summary: QueueSummary::default(),
    })));
    let batch = Uuid::from_u128(21);
    app.on_reply(Reply::LettersOwed(Ok(vec![OwedLetter {
        customer_id: Uuid::from_u128(10),
        customer_name: "Deborah Johnson".into(),
        about: OwedFor::Review(batch),
        case_id: None,
        kind: "review_outcome".into(),
        since: now() - Duration::days(3),
    }])));
    key(&mut app, KeyCode::Char('o'));
    app.take_requests();
    // n: why it could not be sent, recorded against the review.
    key(&mut app, KeyCode::Char('n'));
    for c in "No address known.".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    assert!(app
        .take_requests()
        .contains(&Request::ReviewLetterNotPossible {
            batch,
            reason: "No address known.".into()
        }));
    // Enter reads Deborah's record and opens that review's outcome letter, recorded against
    // the review when saved.
    key(&mut app, KeyCode::Enter);
    assert!(app.take_requests().contains(&Request::LoadCard {
        id: Uuid::from_u128(10)
    }));
    let mut h = deborah();
    h.reviews.push(Review {
        id: Uuid::from_u128(400),
        restriction_id: Uuid::from_u128(1),
        reviewed_at: now() - Duration::days(3),
        reviewed_by_name: "Sam Patel".into(),
        still_wants: Some(true),
        outcome: ReviewOutcome::Change,
        next_review: NaiveDate::from_ymd_opt(2027, 1, 5),
        notes: "Calmer calls; staff notes only.".into(),
        reasons_for_customer: "Your calls have been calmer.".into(),
        adjustments: vec!["named_contact".into()],
        adjustments_other: String::new(),
        adjustments_why: "A named contact has helped; the limit is still needed.".into(),
        batch,
        letter: LetterStatus::Owed,
    });
    app.on_reply(Reply::Card {
        id: Uuid::from_u128(10),
        result: Ok(Some(Box::new(h))),
    });
    let letter = app.overlays.letter().expect("the review's letter opens");
    assert_eq!(letter.review_batch, Some(batch));
    assert_eq!(letter.case_id, None);
    let text = letter.rendered.clone().unwrap();
    assert!(text.contains("Your calls have been calmer."), "{text}");
    assert!(!text.contains("staff notes only"), "{text}");
}

#[test]
fn the_queue_is_read_a_page_at_a_time_and_scrolling_asks_for_the_next() {
    use safedesk::app::manager::QUEUE_PAGE;
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('m'));
    let asked: Vec<QueueQuery> = app
        .take_requests()
        .into_iter()
        .filter_map(|r| match r {
            Request::LoadQueue(q) => Some(q),
            _ => None,
        })
        .collect();
    assert_eq!(asked.len(), 1);
    let first = asked[0].clone();
    assert_eq!((first.offset, first.limit), (0, QUEUE_PAGE));
    assert_eq!(first.filter, CaseFilter::All);
    let page = |from: usize, n: usize| QueuePage {
        cases: (from..from + n)
            .map(|i| {
                case_of(
                    i as u128 + 1,
                    &format!("Customer {i}"),
                    CaseReason::Threshold,
                    10_000 - i as i64,
                )
            })
            .collect(),
        offset: from,
        total: 1_000,
        summary: QueueSummary {
            open_cases: 1_000,
            overdue_reviews: 0,
            letters_owed: 0,
            riddor_owed: 0,
        },
    };
    app.on_reply(Reply::QueuePage {
        query: first.clone(),
        result: Ok(page(0, QUEUE_PAGE)),
    });
    let screen = render(&app, 100, 30);
    assert!(screen.contains("1000 open cases"), "{screen}");
    assert!(screen.contains("Customer 0"), "{screen}");
    assert!(
        app.take_requests().is_empty(),
        "nothing more until scrolling"
    );
    // Moving down towards the end of what is loaded asks for the next page, once in flight.
    for _ in 0..QUEUE_PAGE / 2 {
        key(&mut app, KeyCode::Down);
    }
    let more: Vec<QueueQuery> = app
        .take_requests()
        .into_iter()
        .filter_map(|r| match r {
            Request::LoadQueue(q) => Some(q),
            _ => None,
        })
        .collect();
    let next = more.last().expect("the next page is asked for").clone();
    assert_eq!((next.offset, next.limit), (QUEUE_PAGE, QUEUE_PAGE));
    app.on_reply(Reply::QueuePage {
        query: next,
        result: Ok(page(QUEUE_PAGE, QUEUE_PAGE)),
    });
    for _ in 0..QUEUE_PAGE {
        key(&mut app, KeyCode::Down);
    }
    let screen = render(&app, 100, 30);
    let last = format!("Customer {}", QUEUE_PAGE + QUEUE_PAGE / 2);
    assert!(screen.contains(&last), "{screen}");
    // Another kind asks for its own first page; a page for the old kind arriving late is
    // dropped, never mixed in.
    app.take_requests();
    key(&mut app, KeyCode::Char('1'));
    let threats: Vec<QueueQuery> = app
        .take_requests()
        .into_iter()
        .filter_map(|r| match r {
            Request::LoadQueue(q) => Some(q),
            _ => None,
        })
        .collect();
    assert_eq!(
        threats.last().map(|q| (q.filter, q.offset)),
        Some((CaseFilter::Reason(CaseReason::ImmediateThreat), 0))
    );
    app.on_reply(Reply::QueuePage {
        query: QueueQuery {
            offset: 2 * QUEUE_PAGE,
            ..first
        },
        result: Ok(page(2 * QUEUE_PAGE, QUEUE_PAGE)),
    });
    let screen = render(&app, 100, 30);
    assert!(!screen.contains("Customer 50"), "{screen}");
    app.on_reply(Reply::QueuePage {
        query: threats.last().unwrap().clone(),
        result: Ok(QueuePage {
            cases: Vec::new(),
            total: 0,
            ..page(0, 0)
        }),
    });
    let screen = render(&app, 100, 30);
    assert!(screen.contains("No case of this kind is open"), "{screen}");
}

#[test]
fn a_customer_told_their_correspondence_is_not_processed_carries_it_on_the_card() {
    let mut z = zoe();
    let last = z.incidents.len() - 1;
    z.incidents[last].response = "correspondence_not_processed".into();
    let mut app = app();
    search(
        &mut app,
        "zoe",
        vec![hit(z, MatchedOn::Name("Zoë Åberg".into()))],
    );
    let screen = render(&app, 120, 30);
    assert!(screen.contains("CORRESPONDENCE NOT PROCESSED"), "{screen}");
    // Without it, no such line.
    let mut app = crate::app();
    search(
        &mut app,
        "zoe",
        vec![hit(zoe(), MatchedOn::Name("Zoë Åberg".into()))],
    );
    assert!(!render(&app, 120, 30).contains("CORRESPONDENCE NOT PROCESSED"));
}

/// A question's sentence wraps inside its popup at 80x24: nothing of it is cut at the edge, and
/// a long answer being typed scrolls in its one row.
#[test]
fn a_questions_sentence_wraps_inside_its_popup_at_80x24() {
    use safedesk::app::manager::ChoosePurpose;
    use safedesk::app::{Overlay, Prompt};
    let mut a = app();
    let what = "Confirmation of immediate restriction";
    a.overlays.open(Overlay::Prompt(Prompt::Choose {
        purpose: ChoosePurpose::SentHow {
            letter: new_id(),
            what: what.into(),
            on: None,
            ways: SentHow::ALL.to_vec(),
        },
        title: " Has the letter gone? ".into(),
        lines: vec![format!(
            "Has the letter ({what}) gone to the customer? Today is 29/11/2026."
        )],
        options: vec![
            ('n', "not sent yet".into()),
            ('p', "sent today by post".into()),
        ],
        cursor: 0,
    }));
    let s = render(&a, 80, 24);
    let words: String = s
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        words.contains("gone to the customer? Today is 29/11/2026."),
        "{s}"
    );
}

/// `app` at 80x24 in each theme, its styles recorded (`theme_{name}_{theme}`); drawing it checks
/// every character's contrast in the colour themes and that monochrome has no colour.
fn themed(name: &str, app: &mut App) {
    for (theme, screen) in common::screen::in_each_theme(app, 80, 24) {
        insta::assert_snapshot!(format!("theme_{name}_{theme}"), screen);
    }
}

#[test]
fn every_pane_in_every_theme_at_80x24() {
    // The lookup: two results, the restricted one selected, its card loaded; the results have
    // the keyboard.
    let mut app = self::app();
    search(
        &mut app,
        "jo",
        vec![
            hit(deborah(), MatchedOn::Name("Deborah Johnson".into())),
            hit(zoe(), MatchedOn::Name("Zoë Åberg".into())),
        ],
    );
    app.take_requests();
    app.on_reply(Reply::Card {
        id: Uuid::from_u128(10),
        result: Ok(Some(Box::new(deborah()))),
    });
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.pane, Pane::Results);
    themed("lookup", &mut app);
    // The card of a restricted customer has the keyboard, its newest incident highlighted.
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.pane, Pane::Card);
    for _ in 0..4 {
        key(&mut app, KeyCode::Down);
        draw_fed(&mut app, 80, 24);
    }
    themed("card", &mut app);
    // The incident form over it, about her.
    app.open_form();
    assert!(app.overlays.form().is_some());
    themed("incident_form", &mut app);
    // Help.
    let mut app = self::app();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('?'));
    themed("help", &mut app);
    // The queue, the case, the decision form and a letter.
    let mut app = queue_open();
    themed("queue", &mut app);
    let mut app = self::app();
    key(&mut app, KeyCode::Esc);
    open_deborah(&mut app);
    themed("case", &mut app);
    key(&mut app, KeyCode::Char('d'));
    assert!(app.overlays.decision().is_some());
    themed("decision", &mut app);
    let mut app = self::app();
    key(&mut app, KeyCode::Esc);
    open_deborah(&mut app);
    key(&mut app, KeyCode::Char('l'));
    themed("letter_choice", &mut app);
    key(&mut app, KeyCode::Char('2'));
    assert!(app.overlays.letter().is_some());
    themed("letter", &mut app);
}

#[test]
fn a_small_or_sizeless_terminal_gets_its_sentence_in_every_theme() {
    let mut app = self::app();
    for (theme, screen) in common::screen::in_each_theme(&mut app, 40, 12) {
        assert!(
            screen.contains("The window is too small"),
            "{theme}: {screen}"
        );
    }
    assert!(app.drawn.too_small);
    // A terminal that says it has no size at all: nothing to draw on, and no panic.
    for (_, screen) in common::screen::in_each_theme(&mut app, 0, 0) {
        assert_eq!(screen, "");
    }
    for (w, h) in [(1, 1), (59, 16), (60, 15), (200, 3)] {
        common::screen::in_each_theme(&mut app, w, h);
    }
}

/// Issue 19: the general parameter kinds on the decision form at 80x24: set days and times, a
/// behaviour agreement's date and terms, and an advocate's name and contact, each on its own
/// row under its action, and a window that ends before it starts refused under its row.
#[test]
fn the_new_actions_take_their_parameters_on_their_own_rows_at_80x24() {
    use safedesk::app::decision::Row;
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    open_deborah(&mut app);
    key(&mut app, KeyCode::Char('d'));
    let f = app.overlays.decision().unwrap();
    let at = |k: &str| f.picker.items.iter().position(|i| i.kind == k).unwrap();
    let (window, agreement, advocate) = (
        at("contact_window"),
        at("behaviour_agreement"),
        at("advocate"),
    );
    for (item, text) in [
        (window, "Tue 12:00-10:00"),
        (agreement, "01/01/2030"),
        (advocate, "Jo Hughes"),
    ] {
        focus_on(&mut app, Row::Item(item));
        key(&mut app, KeyCode::Char(' '));
        for c in text.chars() {
            key(&mut app, KeyCode::Char(c));
        }
    }
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    focus_on(&mut app, Row::Param(advocate, 1));
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("decision_new_actions_80x24", screen);
    assert!(screen.contains("Days and times"), "{screen}");
    assert!(screen.contains("ends before it starts"), "{screen}");
    assert!(screen.contains("Date signed"), "{screen}");
    assert!(screen.contains("in the future"), "{screen}");
    assert!(
        screen.contains("Advocate              Jo Hughes"),
        "{screen}"
    );
    assert!(screen.contains("> Their contact"), "{screen}");
}

/// Deborah's case waiting for approval: Grace Mensah withdrew services, and the decision waits
/// for a second manager with nothing of it in force.
fn open_deborah_waiting(app: &mut App) -> Id {
    let mut h = deborah();
    let mut waiting = h.decisions[0].clone();
    waiting.id = Uuid::from_u128(22);
    waiting.decided_at = now() - Duration::hours(2);
    waiting.meeting_date = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    waiting.decided_by = Uuid::from_u128(3);
    waiting.decided_by_name = "Grace Mensah".into();
    waiting.outcome = Outcome::WithdrawalOfServices;
    waiting.reasons = "Abusive again after the time limit and witness.".into();
    waiting.tried_actions = vec!["time_limit".into(), "witness".into()];
    waiting.letter = LetterStatus::NotNeeded;
    waiting.version = 2;
    waiting.approval = Approval {
        status: ApprovalStatus::Waiting,
        restrictions: vec![
            NewRestriction {
                kind: "services_withdrawn".into(),
                ..NewRestriction::default()
            },
            NewRestriction {
                kind: "banned_from_premises".into(),
                ..NewRestriction::default()
            },
        ],
        review_date: NaiveDate::from_ymd_opt(2027, 1, 5),
        ..Approval::default()
    };
    h.decisions.push(waiting);
    let case = safedesk::domain::CaseSummary {
        decision_id: Some(Uuid::from_u128(22)),
        ..case_of(
            51,
            "Deborah Johnson",
            safedesk::domain::CaseReason::Approval,
            120,
        )
    };
    let case = safedesk::domain::CaseSummary {
        customer_id: Uuid::from_u128(10),
        incidents: vec![Uuid::from_u128(104)],
        ..case
    };
    app.open_case(case.clone());
    app.on_reply(Reply::Case {
        case: case.id,
        result: Ok(Box::new(safedesk::sync::CaseData {
            case,
            history: Some(h),
            staff: vec![
                staff(1, "Sam Patel", Role::Manager),
                staff(3, "Grace Mensah", Role::Manager),
            ],
            others: vec![],
        })),
    });
    Uuid::from_u128(22)
}

/// Issue 19, item 4: the case of a decision waiting for approval shows what was decided, by
/// whom, the adjustments and reasons, and offers approve and turn down (never to its author).
#[test]
fn a_decision_waiting_for_approval_shows_what_and_who_and_offers_approve_and_turn_down_at_80x24() {
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    let decision = open_deborah_waiting(&mut app);
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("case_waiting_for_approval_80x24", screen);
    assert!(screen.contains("WAITING FOR APPROVAL"), "{screen}");
    assert!(
        screen.contains("y approve"),
        "the keys in the title: {screen}"
    );
    assert!(screen.contains("t turn down"), "{screen}");
    assert!(
        screen.contains("decided by Grace Mensah on 24/11/2026 08:30"),
        "{screen}"
    );
    assert!(
        screen.contains("Decided: Withdrawal of services: Banned from entering the"),
        "{screen}"
    );
    // Nothing of it is in force: the restrictions shown are the earlier ones.
    assert!(!screen.contains("Services withdrawn"), "{screen}");
    // The help lists the two keys.
    key(&mut app, KeyCode::Char('?'));
    let mut help = String::new();
    for _ in 0..6 {
        help.push_str(&render(&app, 120, 60));
        key(&mut app, KeyCode::PageDown);
    }
    assert!(
        help.contains("y  Case waiting for approval: approve its decision"),
        "{help}"
    );
    assert!(
        help.contains("t  Case waiting for approval: turn its decision down"),
        "{help}"
    );
    key(&mut app, KeyCode::Esc);
    // y asks for an optional note, then sends the approval with the version shown.
    let _ = app.take_requests();
    key(&mut app, KeyCode::Char('y'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Approve the decision"), "{screen}");
    key(&mut app, KeyCode::Enter);
    let reqs = app.take_requests();
    assert!(
        reqs.iter().any(|r| matches!(r, Request::AnswerApproval(a)
            if a.decision_id == decision && a.version == 2 && a.approve)),
        "{reqs:?}"
    );
    // Its author is told they cannot answer it.
    let mut grace = app_as(
        "gmensah",
        Some(staff(3, "Grace Mensah", Role::Manager)),
        now(),
        true,
    );
    key(&mut grace, KeyCode::Esc);
    open_deborah_waiting(&mut grace);
    let screen = render(&grace, 80, 24);
    assert!(screen.contains("made it, so you cannot."), "{screen}");
    let _ = grace.take_requests();
    key(&mut grace, KeyCode::Char('t'));
    assert!(!grace
        .take_requests()
        .iter()
        .any(|r| matches!(r, Request::AnswerApproval(_))));
    let screen = render(&grace, 80, 24);
    assert!(screen.contains("You made this decision"), "{screen}");
}

/// The decision form tells its author, before saving, that a withdrawal waits for approval.
#[test]
fn the_decision_form_says_a_withdrawal_needs_a_second_persons_approval_before_it_is_saved() {
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    open_deborah(&mut app);
    key(&mut app, KeyCode::Char('d'));
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("approval"), "{screen}");
    let f = app.overlays.decision_mut().unwrap();
    f.outcome = Outcome::WithdrawalOfServices;
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("Needs a second person's approval: nothing is in force until then."),
        "{screen}"
    );
    let f = app.overlays.decision().unwrap();
    assert!(f
        .approval_needed(&app.policy)
        .unwrap()
        .starts_with("Withdrawal of services needs a second person's approval"));
}

/// Issue 19, item 6: a debrief asked for is a row of the queue naming the member of staff and
/// the incident, below the threats; a RIDDOR reference still owed is said above the list.
#[test]
fn a_debrief_request_is_a_queue_row_and_a_riddor_reference_owed_is_said_at_80x24() {
    use safedesk::domain::{CaseReason, CaseSummary};
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('m'));
    app.take_requests();
    let debrief = CaseSummary {
        incidents: vec![Uuid::from_u128(7)],
        note: "Debrief for Amira Hassan after the incident of 24/11/2026 13:05".into(),
        ..case_of(4, "Tunde Okafor", CaseReason::DebriefRequested, 30)
    };
    app.on_reply(Reply::Queue(Ok(safedesk::domain::Queue {
        cases: vec![
            case_of(
                2,
                "Unidentified visitor: man in a green parka",
                CaseReason::ImmediateThreat,
                60,
            ),
            debrief,
        ],
        summary: safedesk::domain::QueueSummary {
            open_cases: 2,
            riddor_owed: 1,
            ..safedesk::domain::QueueSummary::default()
        },
    })));
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("queue_debrief_80x24", screen);
    assert!(screen.contains("DEBRIEF REQUESTED"), "{screen}");
    assert!(screen.contains("Debrief for Amira Hassan"), "{screen}");
    assert!(
        screen.contains("Reportable under RIDDOR: reference not yet recorded (1 incident)"),
        "{screen}"
    );
    assert!(screen.find("IMMEDIATE THREAT") < screen.find("DEBRIEF REQUESTED"));
}
