//! The mouse at 80x24: drawn as the event loop draws (what the screen drew goes back to the
//! app), then clicks and the wheel as crossterm reports them.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::screen::{app_as, draw_fed, search, staff};
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use safedesk::app::keymap::Context;
use safedesk::app::{App, Pane};
use safedesk::domain::{
    CaseReason, CaseSummary, CustomerHistory, LookupHit, MatchedOn, Queue, QueueSummary, Role,
};
use safedesk::sync::{Reply, Request};
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 30, 0).unwrap()
}

fn manager() -> App {
    app_as(
        "jo",
        Some(staff(900, "Jo Manager", Role::Manager)),
        now(),
        true,
    )
}

/// The named demo customers, Deborah Johnson first.
fn people() -> Vec<CustomerHistory> {
    let mut h = safedesk::demo::demo_bulk(now()).histories();
    [
        safedesk::demo::DEBORAH_JOHNSON,
        safedesk::demo::MAREK_KOWALCZYK,
        safedesk::demo::ZOE_ABERG,
        safedesk::demo::TUNDE_OKAFOR,
        safedesk::demo::PRECIOUS_ADEYEMI,
    ]
    .iter()
    .map(|id| h.remove(id).expect("a named demo customer"))
    .collect()
}

fn hits() -> Vec<LookupHit> {
    people()
        .into_iter()
        .map(|history| LookupHit {
            matched: MatchedOn::Name(history.customer.display_name()),
            history,
            score: 100,
        })
        .collect()
}

fn mouse(app: &mut App, kind: MouseEventKind, column: u16, row: u16) {
    app.on_terminal_event(&Event::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }));
}

fn click(app: &mut App, column: u16, row: u16) {
    mouse(app, MouseEventKind::Down(MouseButton::Left), column, row);
}

/// Where `text` is on the screen: (column, row) of its first character.
fn at(screen: &str, text: &str) -> (u16, u16) {
    at_left_of(screen, text, usize::MAX)
}

/// Where `text` is on the screen left of column `right` (the results, not the card beside it).
fn at_left_of(screen: &str, text: &str, right: usize) -> (u16, u16) {
    for (y, line) in screen.lines().enumerate() {
        let line: String = line.chars().take(right).collect();
        if let Some(b) = line.find(text) {
            let x = line[..b].chars().count();
            return (x as u16, y as u16);
        }
    }
    panic!("{text:?} is not on the screen:\n{screen}");
}

/// The cards the app asked for.
fn cards_asked(app: &mut App) -> Vec<Uuid> {
    app.take_requests()
        .into_iter()
        .filter_map(|r| match r {
            Request::LoadCard { id } => Some(id),
            _ => None,
        })
        .collect()
}

fn give_card(app: &mut App, h: CustomerHistory) {
    app.on_reply(Reply::Card {
        id: h.customer.id,
        result: Ok(Some(Box::new(h))),
    });
}

/// A manager has searched; the results show five people and Deborah's card.
fn searched() -> App {
    let mut app = manager();
    search(&mut app, "demo", hits());
    cards_asked(&mut app);
    give_card(&mut app, people().remove(0));
    draw_fed(&mut app, 80, 24);
    app
}

#[test]
fn a_click_on_a_result_selects_it_and_a_click_on_the_selected_one_opens_its_card() {
    let mut app = searched();
    assert_eq!(app.pane, Pane::Search);
    let screen = draw_fed(&mut app, 80, 24);
    let marek = people()[1].clone();
    let (x, y) = at_left_of(&screen, "Marek", 32);
    click(&mut app, x, y);
    assert_eq!(
        app.pane,
        Pane::Results,
        "the click gives the results the keys"
    );
    assert_eq!(app.selected, 1);
    assert_eq!(cards_asked(&mut app), vec![marek.customer.id]);
    give_card(&mut app, marek);
    let screen = draw_fed(&mut app, 80, 24);
    assert!(screen.contains("> RESTRICTED Marek Kowalczyk"), "{screen}");
    // Its second line is the same row.
    click(&mut app, x, y + 1);
    assert_eq!(
        app.context(),
        Context::Card,
        "a click on the selected row opens its card"
    );
}

#[test]
fn a_click_on_a_pane_gives_it_the_keys_and_outside_changes_nothing() {
    let mut app = searched();
    let screen = draw_fed(&mut app, 80, 24);
    let (_, card_top) = at(&screen, "Deborah Johnson");
    click(&mut app, 70, card_top + 3);
    assert_eq!(app.pane, Pane::Card);
    let (sx, sy) = at(&screen, "demo");
    click(&mut app, sx, sy);
    assert_eq!(app.pane, Pane::Search);
    // The title line and the hint bar are no pane: nothing changes.
    click(&mut app, 5, 0);
    click(&mut app, 5, 22);
    assert_eq!(app.pane, Pane::Search);
    assert_eq!(app.selected, 0);
    assert!(cards_asked(&mut app).is_empty());
}

#[test]
fn the_wheel_over_the_card_scrolls_it_and_over_the_results_moves_the_selection() {
    let mut app = searched();
    assert_eq!(app.card_scroll, 0);
    assert!(
        app.drawn.card.scroll_max > 0,
        "Deborah's card is longer than 80x24 shows"
    );
    let card = app.drawn.spots.card.expect("the card was drawn");
    let before = draw_fed(&mut app, 80, 24);
    mouse(
        &mut app,
        MouseEventKind::ScrollDown,
        card.x + card.w / 2,
        card.y + card.h / 2,
    );
    assert!(app.card_scroll > 0, "the wheel scrolled the card");
    assert_eq!(app.pane, Pane::Search, "the wheel does not move the keys");
    let after = draw_fed(&mut app, 80, 24);
    assert_ne!(before, after);
    mouse(
        &mut app,
        MouseEventKind::ScrollUp,
        card.x + card.w / 2,
        card.y + card.h / 2,
    );
    assert_eq!(app.card_scroll, 0);
    // Over the results: the next person, and their card is asked for.
    let results = app.drawn.spots.results.expect("the results were drawn");
    mouse(
        &mut app,
        MouseEventKind::ScrollDown,
        results.x + 3,
        results.y + 3,
    );
    assert_eq!(app.selected, 1);
    assert_eq!(cards_asked(&mut app), vec![people()[1].customer.id]);
}

fn case(n: u128, h: &CustomerHistory) -> CaseSummary {
    CaseSummary {
        id: Uuid::from_u128(700 + n),
        customer_id: h.customer.id,
        customer_name: h.customer.display_name(),
        reason: CaseReason::Threshold,
        opened_at: now(),
        incidents: h.incidents.iter().map(|i| i.id).collect(),
        assigned_to: None,
        assigned_to_id: None,
        waiting_for_confirmation: false,
        decision_id: None,
        note: String::new(),
        version: 1,
        seen_at: None,
        seen_by: None,
    }
}

#[test]
fn a_click_on_a_queue_row_selects_it_and_again_opens_the_case() {
    let mut app = searched();
    app.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    app.on_key(KeyEvent::new(KeyCode::Char('m'), KeyModifiers::NONE));
    let cases: Vec<CaseSummary> = people()
        .iter()
        .enumerate()
        .map(|(i, h)| case(i as u128, h))
        .collect();
    app.on_reply(Reply::Queue(Ok(Queue {
        cases: cases.clone(),
        summary: QueueSummary {
            open_cases: cases.len() as u64,
            ..QueueSummary::default()
        },
    })));
    app.take_requests();
    assert_eq!(app.context(), Context::Queue);
    let screen = draw_fed(&mut app, 80, 24);
    let (x, y) = at(&screen, "Zoë");
    click(&mut app, x, y);
    assert_eq!(app.overlays.queue().unwrap().selected, 2);
    assert_eq!(app.context(), Context::Queue);
    let screen = draw_fed(&mut app, 80, 24);
    assert!(
        screen
            .lines()
            .any(|l| l.contains("> ") && l.contains("Zoë")),
        "{screen}"
    );
    // The wheel moves the selection too.
    mouse(&mut app, MouseEventKind::ScrollDown, x, y);
    assert_eq!(app.overlays.queue().unwrap().selected, 3);
    mouse(&mut app, MouseEventKind::ScrollUp, x, y);
    draw_fed(&mut app, 80, 24);
    click(&mut app, x, y);
    assert!(
        app.take_requests()
            .iter()
            .any(|r| matches!(r, Request::LoadCase { case } if *case == cases[2].id)),
        "a click on the selected case opens it"
    );
}

#[test]
fn the_wheel_scrolls_the_help_and_nothing_behind_it() {
    let mut app = searched();
    app.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    app.on_key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE));
    let before = draw_fed(&mut app, 80, 24);
    let help = app.drawn.spots.help.expect("the help was drawn");
    mouse(&mut app, MouseEventKind::ScrollDown, help.x + 5, help.y + 5);
    assert_eq!(app.overlays.help().unwrap().scroll, 3);
    assert_ne!(draw_fed(&mut app, 80, 24), before);
    // A click on a result behind the help changes nothing.
    click(&mut app, 3, 8);
    assert_eq!(app.selected, 0);
    assert_eq!(app.context(), Context::Help);
}

#[test]
fn with_a_window_too_small_the_mouse_does_nothing() {
    let mut app = searched();
    draw_fed(&mut app, 40, 12);
    mouse(&mut app, MouseEventKind::ScrollDown, 5, 5);
    click(&mut app, 5, 5);
    assert_eq!(app.selected, 0);
    assert_eq!(app.pane, Pane::Search);
}
