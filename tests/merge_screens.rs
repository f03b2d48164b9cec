//! Merging from the card, on ratatui's TestBackend (issue 16, item 5): a manager presses M,
//! finds the other record as when linking a visitor, sees both side by side, chooses which is
//! kept and confirms; reception cannot; a retired record's card says where it went.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::screen::{app_as, draw_fed, search, staff};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use safedesk::app::{App, Pane};
use safedesk::domain::{Customer, CustomerHistory, LookupHit, MatchedOn, MergedInto, Role};
use safedesk::sync::{Reply, Request};
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 30, 0).unwrap()
}

fn yetunde(n: u128, phone: &str, email: &str) -> CustomerHistory {
    CustomerHistory::new(Customer {
        id: Uuid::from_u128(n),
        name: Some("Yetunde Okonkwo".into()),
        phones: vec![phone.into()],
        emails: if email.is_empty() {
            vec![]
        } else {
            vec![email.into()]
        },
        created_at: now() - chrono::Duration::days(n as i64),
        version: 3,
        ..Customer::default()
    })
}

fn hit(h: CustomerHistory) -> LookupHit {
    LookupHit {
        history: h,
        matched: MatchedOn::Name("Yetunde Okonkwo".into()),
        score: 100,
    }
}

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// The app with `h`'s card open.
fn on_card(role: Role, h: CustomerHistory) -> App {
    let mut app = app_as("sam", Some(staff(1, "Sam Patel", role)), now(), false);
    search(&mut app, "yetunde", vec![hit(h.clone())]);
    app.on_reply(Reply::Card {
        id: h.customer.id,
        result: Ok(Some(Box::new(h))),
    });
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.pane, Pane::Card);
    app.take_requests();
    app
}

#[test]
fn a_manager_merges_from_the_card_seeing_both_side_by_side_and_choosing_the_one_kept() {
    let a = yetunde(21, "07700 900555", "");
    let b = yetunde(22, "020 7946 0777", "y.okonkwo@example.org");
    let mut app = on_card(Role::Manager, a.clone());
    app.on_key(KeyEvent::new(KeyCode::Char('M'), KeyModifiers::SHIFT));
    let screen = draw_fed(&mut app, 100, 30);
    assert!(
        screen.contains("Merge two records of one person"),
        "{screen}"
    );
    for c in "okonkwo".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let seq = app
        .take_requests()
        .into_iter()
        .filter_map(|r| match r {
            Request::FormLookup { seq, .. } => Some(seq),
            _ => None,
        })
        .max()
        .expect("typing searches");
    // The card's own record is never offered.
    app.on_reply(Reply::FormLookup {
        seq,
        result: Ok(vec![hit(a.clone()), hit(b.clone())]),
    });
    let screen = draw_fed(&mut app, 100, 30);
    assert!(
        screen.contains("> Yetunde Okonkwo  Phones: 020 7946 0777"),
        "{screen}"
    );
    assert_eq!(
        screen.matches("> Yetunde Okonkwo").count(),
        2,
        "the card's own record is not offered: {screen}"
    );
    key(&mut app, KeyCode::Enter);
    let screen = draw_fed(&mut app, 100, 30);
    assert!(screen.contains("1 KEPT: Yetunde Okonkwo"), "{screen}");
    assert!(screen.contains("2 retired: Yetunde Okonkwo"), "{screen}");
    assert!(screen.contains("Phones: 07700 900555"), "{screen}");
    assert!(screen.contains("| Phones: 020 7946 0777"), "{screen}");
    assert!(screen.contains("Emails: y.okonkwo@example.org"), "{screen}");
    assert!(screen.contains("this card's record"), "{screen}");
    // Keep the other one instead, then confirm.
    key(&mut app, KeyCode::Right);
    let screen = draw_fed(&mut app, 100, 30);
    assert!(screen.contains("1 retired: Yetunde Okonkwo"), "{screen}");
    assert!(screen.contains("the other record"), "{screen}");
    key(&mut app, KeyCode::Char('y'));
    let merge = app
        .take_requests()
        .into_iter()
        .find_map(|r| match r {
            Request::MergeCustomers { survivor, other } => Some((survivor, other)),
            _ => None,
        })
        .expect("y merges");
    assert_eq!(merge, ((b.customer.id, 3), (a.customer.id, 3)));
    assert!(app.overlays.prompt().is_none());
}

#[test]
fn reception_cannot_merge_and_a_retired_card_says_where_it_went() {
    let a = yetunde(21, "07700 900555", "");
    let mut app = on_card(Role::Reception, a.clone());
    app.on_key(KeyEvent::new(KeyCode::Char('M'), KeyModifiers::SHIFT));
    assert!(app.overlays.prompt().is_none());

    let mut retired = a;
    retired.merged_into = Some(MergedInto {
        merge: Uuid::from_u128(99),
        audit_seq: 4321,
        into: Uuid::from_u128(22),
        into_name: "Yetunde Okonkwo".into(),
        at: now(),
        by: "Sam Patel".into(),
    });
    let mut app = on_card(Role::Manager, retired);
    let screen = draw_fed(&mut app, 100, 30);
    assert!(
        screen.contains("This record was merged into Yetunde Okonkwo on 24/11/2026 by"),
        "{screen}"
    );
    assert!(screen.contains("safedesk merge undo 4321"), "{screen}");
}
