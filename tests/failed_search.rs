//! A search that could not be done is never drawn as an empty result ("No one matches") or as
//! the previous person's results, and each cause keeps its own error: a search that works does
//! not hide a refusal. Drawn on ratatui's TestBackend from replies fed to the app.

mod common;
use common::render;
use common::screen::{app_as, staff};

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use safedesk::app::{App, Notice};
use safedesk::domain::*;
use safedesk::sync::{Reply, Request};
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 30, 0).unwrap()
}

/// What the worker says when the shared drive has gone and nothing is kept for the query.
const GONE: &str = "The shared database at S:\\safedesk\\safedesk.sqlite cannot be reached (disk I/O error). Check the network drive is connected, then try again.";

/// Marek Kowalczyk: written contact only.
fn marek() -> CustomerHistory {
    let id = Uuid::from_u128(12);
    CustomerHistory {
        customer: Customer {
            id,
            name: Some("Marek Kowalczyk".into()),
            phones: vec!["020 7946 0018".into()],
            created_at: now() - Duration::days(300),
            version: 1,
            ..Customer::default()
        },
        incidents: vec![],
        decisions: vec![],
        restrictions: vec![Restriction {
            id: Uuid::from_u128(40),
            customer_id: id,
            decision_id: None,
            kind: "written_only".into(),
            params: RestrictionParams::default(),
            starts_at: now() - Duration::days(20),
            review_due: None,
            ends_at: None,
            ended_reason: String::new(),
            version: 1,
        }],
        letters: vec![],
        reviews: vec![],
        merged_into: None,
    }
}

fn hit(h: CustomerHistory) -> LookupHit {
    let name = h.customer.display_name();
    LookupHit {
        history: h,
        matched: MatchedOn::Name(name),
        score: 100,
    }
}

fn phone_app() -> App {
    app_as(
        "priya",
        Some(staff(3, "Priya Sharma", Role::Phone)),
        now(),
        false,
    )
}

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// Type `text` into the search box; the number of the lookup it asked for.
fn type_query(app: &mut App, text: &str) -> u64 {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
    app.take_requests()
        .iter()
        .filter_map(|r| match r {
            Request::Lookup { seq, .. } => Some(*seq),
            _ => None,
        })
        .max()
        .expect("typing asks for a lookup")
}

/// The left-hand column of an 80-column screen: the search box and results.
fn results_column(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.chars().take(36).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_failed_search_says_it_could_not_search_never_no_one_matches() {
    let mut app = phone_app();
    let seq = type_query(&mut app, "020 7946 0018");
    app.on_reply(Reply::Lookup {
        seq,
        result: Err(GONE.into()),
    });
    assert_eq!(app.lookup_failed.as_deref(), Some(GONE));
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("No one matches"), "{screen}");
    assert!(!screen.contains("Results (0)"), "{screen}");
    assert!(screen.contains("COULD NOT SEARCH"), "{screen}");
    let left = results_column(&screen);
    assert!(left.contains("a \"no match\""), "{screen}");
    assert!(
        left.contains("Ask the caller to hold"),
        "the pane says what to do: {screen}"
    );
    // The card pane shows no one, and says why.
    assert!(screen.contains("No card: the search could"), "{screen}");
    // The status line says why too, wrapped within 80 columns.
    assert!(
        screen.contains("Could not search: The shared database"),
        "{screen}"
    );

    // The drive answers again: the same query, searched, finds no one: now it may say so.
    app.refresh();
    let seq = app
        .take_requests()
        .iter()
        .find_map(|r| match r {
            Request::Lookup { seq, .. } => Some(*seq),
            _ => None,
        })
        .expect("Ctrl-R searches again");
    app.on_reply(Reply::Lookup {
        seq,
        result: Ok(vec![]),
    });
    assert_eq!(app.lookup_failed, None);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("No one matches"), "{screen}");
    assert!(!screen.contains("COULD NOT SEARCH"), "{screen}");
}

#[test]
fn a_failed_search_never_shows_the_previous_persons_results_or_card() {
    let mut app = phone_app();
    let seq = type_query(&mut app, "marek");
    app.on_reply(Reply::Lookup {
        seq,
        result: Ok(vec![hit(marek())]),
    });
    app.on_reply(Reply::Card {
        id: Uuid::from_u128(12),
        result: Ok(Some(Box::new(marek()))),
    });
    assert!(render(&app, 80, 24).contains("Marek Kowalczyk"));

    // A new caller: their number is typed, and the search fails.
    key(&mut app, KeyCode::Char('u'));
    let _ = app.take_requests();
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    let seq = type_query(&mut app, "07700 900999");
    // While it is on its way the old results may stay; the answer is a failure.
    app.on_reply(Reply::Lookup {
        seq,
        result: Err(GONE.into()),
    });
    let screen = render(&app, 80, 24);
    assert!(
        !screen.contains("Marek"),
        "no stranger under the new query: {screen}"
    );
    assert!(!screen.contains("Written contact only"), "{screen}");
    assert!(app.selected_hit().is_none() && app.card.is_none());
    assert!(screen.contains("COULD NOT SEARCH"), "{screen}");

    // A late card for the old person changes nothing.
    app.on_reply(Reply::Card {
        id: Uuid::from_u128(12),
        result: Ok(Some(Box::new(marek()))),
    });
    assert!(!render(&app, 80, 24).contains("Marek"));
    // Nor does a late answer to an older query.
    app.on_reply(Reply::Lookup {
        seq: seq - 1,
        result: Ok(vec![hit(marek())]),
    });
    assert!(!render(&app, 80, 24).contains("Marek"));
    assert!(app.lookup_failed.is_some(), "only a newer answer clears it");
}

#[test]
fn a_kept_answer_says_it_is_the_last_answer_and_when_it_was_read() {
    let mut app = phone_app();
    let seq = type_query(&mut app, "marek");
    let read_at = Utc.with_ymd_and_hms(2026, 11, 24, 9, 5, 0).unwrap();
    app.on_reply(Reply::Lookup {
        seq,
        result: Ok(vec![hit(marek())]),
    });
    app.on_reply(Reply::Answered {
        card: false,
        from: Some(read_at),
        took_ms: 3,
    });
    let screen = render(&app, 80, 24);
    // 09:05 UTC is 09:05 in London in November.
    assert!(screen.contains("Results (1) 09:05"), "{screen}");
    let left = results_column(&screen);
    assert!(left.contains("Could not search just now"), "{screen}");
    assert!(left.contains("at 09:05 and kept on this PC"), "{screen}");
    assert!(screen.contains("Marek Kowalczyk"), "{screen}");
    assert!(!screen.contains("COULD NOT SEARCH"), "{screen}");
}

#[test]
fn a_search_that_works_after_a_refusal_keeps_the_refusal_visible() {
    let mut app = phone_app();
    let refused = "The withdrawal was refused: only Chris Evans, who logged it, or a manager can withdraw this incident.";
    app.on_reply(Reply::SaveFailed(refused.into()));
    let _ = app.take_requests();
    // A search fails, then works: the search's error goes, the refusal stays.
    let seq = type_query(&mut app, "marek");
    app.on_reply(Reply::Lookup {
        seq,
        result: Err(GONE.into()),
    });
    let seq = type_query(&mut app, " k");
    app.on_reply(Reply::Lookup {
        seq,
        result: Ok(vec![hit(marek())]),
    });
    assert_eq!(app.lookup_failed, None);
    assert_eq!(app.notice, Some(Notice::Error(refused.into())));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("The withdrawal was refused"), "{screen}");

    // A card that cannot be read is its own cause: it neither hides nor clears the refusal,
    // and the card that arrives later clears only its own error.
    app.on_reply(Reply::Card {
        id: Uuid::from_u128(12),
        result: Err(GONE.into()),
    });
    assert!(app.card_failed.is_some());
    assert_eq!(app.notice, Some(Notice::Error(refused.into())));
    app.on_reply(Reply::Card {
        id: Uuid::from_u128(12),
        result: Ok(Some(Box::new(marek()))),
    });
    assert_eq!(app.card_failed, None);
    assert_eq!(app.notice, Some(Notice::Error(refused.into())));
    assert!(render(&app, 80, 24).contains("The withdrawal was refused"));
}
