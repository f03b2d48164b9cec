//! Correcting (`e`) and withdrawing (`w`) an incident on the card: someone who may not is told
//! why when the key is pressed, and nothing opens; the person who logged it, or a manager, may.

mod common;
use common::render;
use common::screen::{app_as, search, staff};

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use safedesk::app::{App, Notice, Pane};
use safedesk::domain::*;
use safedesk::sync::Reply;
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 30, 0).unwrap()
}

/// Zoë Åberg with one incident, logged by Chris Evans (reception).
fn zoe() -> CustomerHistory {
    let id = Uuid::from_u128(11);
    let at = now() - Duration::days(2);
    CustomerHistory {
        customer: Customer {
            id,
            name: Some("Zoë Åberg".into()),
            created_at: now() - Duration::days(100),
            version: 1,
            ..Customer::default()
        },
        incidents: vec![Incident {
            id: Uuid::from_u128(101),
            customer_id: id,
            occurred_at: at,
            logged_at: at + Duration::minutes(10),
            logged_by: Uuid::from_u128(2),
            logged_by_name: "Chris Evans".into(),
            channel: "phone".into(),
            category: "abusive".into(),
            behaviours: vec!["shouting".into()],
            behaviour_other: String::new(),
            response: "call_ended_after_warning".into(),
            reference: String::new(),
            description: "Refused to end the call.".into(),
            immediate_threat: false,
            witnesses: String::new(),
            distress: None,
            workload: String::new(),
            workload_note: String::new(),
            harm: Default::default(),
            withdrawn: None,
            version: 1,
        }],
        decisions: vec![],
        restrictions: vec![],
        letters: vec![],
        reviews: vec![],
        merged_into: None,
    }
}

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// `who` signs in, finds Zoë and opens her card.
fn on_zoes_card(who: Staff) -> App {
    let mut app = app_as(&who.login.clone(), Some(who), now(), false);
    search(
        &mut app,
        "zoe",
        vec![LookupHit {
            history: zoe(),
            matched: MatchedOn::Name("Zoë Åberg".into()),
            score: 100,
        }],
    );
    app.on_reply(Reply::Card {
        id: Uuid::from_u128(11),
        result: Ok(Some(Box::new(zoe()))),
    });
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.pane, Pane::Card);
    assert!(app.card_is_full());
    app.take_requests();
    app
}

fn error(app: &App) -> String {
    match &app.notice {
        Some(Notice::Error(e)) => e.clone(),
        other => panic!("expected an error notice, got {other:?}"),
    }
}

#[test]
fn phone_staff_are_told_at_the_key_why_they_cannot_change_someone_elses_incident() {
    let mut app = on_zoes_card(staff(3, "Priya Sharma", Role::Phone));
    key(&mut app, KeyCode::Char('w'));
    assert!(app.overlays.prompt().is_none(), "no reason is asked for");
    assert_eq!(
        error(&app),
        "Only Chris Evans, who logged it, or a manager can withdraw this incident."
    );
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("Only Chris Evans, who logged it"),
        "{screen}"
    );

    app.notice = None;
    key(&mut app, KeyCode::Char('e'));
    assert!(app.overlays.form().is_none(), "no correction form opens");
    assert_eq!(
        error(&app),
        "Only Chris Evans, who logged it, or a manager can correct this incident."
    );
    assert!(
        app.take_requests().is_empty(),
        "nothing is sent to the store"
    );
}

#[test]
fn the_person_who_logged_it_and_a_manager_may_correct_and_withdraw() {
    for who in [
        staff(2, "Chris Evans", Role::Reception),
        staff(1, "Sam Patel", Role::Manager),
    ] {
        let mut app = on_zoes_card(who.clone());
        key(&mut app, KeyCode::Char('w'));
        assert!(app.overlays.prompt().is_some(), "{}", who.display_name);
        assert!(!matches!(app.notice, Some(Notice::Error(_))));
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('e'));
        assert!(app.overlays.form().is_some(), "{}", who.display_name);
    }
}
