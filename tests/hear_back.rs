//! The reporter hears back (issue 19, item 5) in the store, on real SQLite files: whoever logged
//! an incident reads what became of it (sent to a manager, decided, review held), the outcome
//! only, until they dismiss it, on every PC; nobody else reads it.

mod common;

use chrono::Duration;
use common::world::{actor, kind, opts, today, tunde as world, World};
use safedesk::domain::{
    new_id, CaseReason, NewDecision, NewIncident, NewReview, NewsKind, Outcome, ReviewOutcome, Role,
};
use safedesk::store::{SqliteStore, Store};

impl World {
    /// Amira logs three incidents: the third reaches the threshold and opens a case.
    fn three_incidents(&mut self) -> safedesk::domain::CaseSummary {
        for i in 0..3 {
            let inc = NewIncident {
                occurred_at: chrono::Utc::now() - Duration::minutes(30 - i),
                ..NewIncident::example(self.customer, "Tunde Okafor")
            };
            self.store
                .record_incident(&self.reception, &self.policy, &inc)
                .unwrap();
        }
        self.store
            .queue(&self.manager, today())
            .unwrap()
            .cases
            .into_iter()
            .find(|c| c.reason == CaseReason::Threshold)
            .expect("a threshold case")
    }

    fn decide(&mut self, case: &safedesk::domain::CaseSummary) {
        let d = NewDecision {
            reasons: "SECRET manager notes: three incidents of shouting in a week.".into(),
            adjustments_why: "SECRET adjustments reasoning.".into(),
            ..self.deciding(case, Outcome::Actions, vec![kind("witness")])
        };
        self.store
            .record_decision(&self.manager, &self.policy, &d)
            .unwrap();
    }

    fn sentences(&mut self, who: &safedesk::domain::Actor) -> Vec<String> {
        let news = self.store.heard_back(who, 20).unwrap();
        news.items
            .iter()
            .map(|n| self.policy.news_sentence(n))
            .collect()
    }
}

#[test]
fn the_receptionist_who_logged_the_third_incident_hears_the_outcome_and_no_one_else_does() {
    let mut w = world();
    let admin = actor(&mut w.store, "admin");
    w.store
        .add_staff(&admin, "bjones", "Ben Jones", Role::Reception)
        .unwrap();
    let ben = actor(&mut w.store, "bjones");
    let case = w.three_incidents();
    let reception = w.reception.clone();

    // Sent to a manager: one item for the case, naming the newest of her three.
    let news = w.store.heard_back(&reception, 20).unwrap();
    assert_eq!(news.items.len(), 1, "{news:?}");
    assert_eq!(news.items[0].others, 2);
    assert!(matches!(
        news.items[0].kind,
        NewsKind::SentToManager {
            reason: CaseReason::Threshold
        }
    ));
    let s = w.sentences(&reception);
    assert!(
        s[0].contains("(and 2 more you logged) about Tunde Okafor (Abusive or offensive behaviour) was sent to a manager on"),
        "{s:?}"
    );

    w.decide(&case);
    let s = w.sentences(&reception);
    assert_eq!(s.len(), 1, "the decision replaces the case's news: {s:?}");
    let when = safedesk::time::date(today());
    assert!(
        s[0].ends_with(&format!(
            "was decided by a manager on {when}: restriction made - Personal contact (including telephone calls) only in the presence of a witness."
        )),
        "{s:?}"
    );
    // The outcome only: none of the case's notes or reasoning reaches the receptionist.
    let all = format!("{:?}", w.store.heard_back(&reception, 20).unwrap());
    assert!(!all.contains("SECRET"), "{all}");
    assert!(!all.contains("Amira Hassan, Sam Patel"), "{all}");

    // Nobody else hears of it: another receptionist, nor the manager who logged nothing.
    assert!(w.sentences(&ben).is_empty());
    assert!(w.sentences(&w.manager.clone()).is_empty());
    let stranger = safedesk::domain::Actor {
        login: "visitor-pc".into(),
        staff: None,
    };
    assert!(w.sentences(&stranger).is_empty());
}

#[test]
fn news_dismissed_on_one_pc_is_gone_on_every_pc_and_a_review_held_comes_back_as_news() {
    let mut w = world();
    let case = w.three_incidents();
    w.decide(&case);
    let reception = w.reception.clone();
    // The receptionist's other PC: the same shared file, another connection.
    let mut other_pc = SqliteStore::open(&w.path, &opts()).unwrap();
    let news = other_pc.heard_back(&reception, 20).unwrap();
    assert_eq!(news.items.len(), 1);
    let event = news.items[0].event.clone();
    // Someone else dismissing it changes nothing for her.
    let manager = w.manager.clone();
    w.store
        .dismiss_news(&manager, std::slice::from_ref(&event))
        .unwrap();
    assert_eq!(other_pc.heard_back(&reception, 20).unwrap().items.len(), 1);

    assert_eq!(
        w.store
            .dismiss_news(&reception, std::slice::from_ref(&event))
            .unwrap(),
        1
    );
    assert_eq!(w.store.dismiss_news(&reception, &[event]).unwrap(), 0);
    assert!(other_pc
        .heard_back(&reception, 20)
        .unwrap()
        .items
        .is_empty());
    assert!(w.store.heard_back(&reception, 20).unwrap().items.is_empty());

    // The restriction is reviewed and lifted: that is news again, on every PC.
    let h = w.store.history(w.customer).unwrap().unwrap();
    let review = NewReview {
        id: new_id(),
        customer_id: w.customer,
        case_id: None,
        reviewed: h.restrictions.iter().map(|r| (r.id, r.version)).collect(),
        still_wants: Some(true),
        outcome: ReviewOutcome::Lift,
        replacements: vec![],
        next_review: None,
        notes: "SECRET review notes.".into(),
        reasons_for_customer: String::new(),
        adjustments: vec![],
        adjustments_other: String::new(),
        adjustments_why: String::new(),
    };
    w.store
        .record_review(&w.manager, &w.policy, &review)
        .unwrap();
    let news = other_pc.heard_back(&reception, 20).unwrap();
    assert_eq!(news.items.len(), 1, "{news:?}");
    assert!(matches!(
        news.items[0].kind,
        NewsKind::ReviewHeld {
            outcome: ReviewOutcome::Lift
        }
    ));
    let s = w.policy.news_sentence(&news.items[0]);
    assert!(
        s.ends_with(&format!(
            "the restrictions it led to were reviewed on {} and lifted.",
            safedesk::time::date(today())
        )),
        "{s}"
    );
    assert!(!format!("{news:?}").contains("SECRET"));
}

#[test]
fn the_news_is_bounded_with_a_count_of_more_and_withdrawn_incidents_are_not_news() {
    let mut w = world();
    let case = w.three_incidents();
    let reception = w.reception.clone();
    // A second customer's immediate threat: a second case, so two items.
    let other = w
        .store
        .add_customer(
            &reception,
            safedesk::domain::NewCustomer {
                name: Some("Deborah Johnson".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let threat = NewIncident {
        immediate_threat: true,
        ..NewIncident::example(other.id, "Deborah Johnson")
    };
    w.store
        .record_incident(&reception, &w.policy, &threat)
        .unwrap();
    let news = w.store.heard_back(&reception, 1).unwrap();
    assert_eq!((news.items.len(), news.more, news.total()), (1, 1, 2));
    // Withdrawn, the threat is no longer hers to hear about.
    w.store
        .withdraw_incident(
            &reception,
            &w.policy,
            threat.id,
            "Logged against the wrong person.",
        )
        .unwrap();
    let news = w.store.heard_back(&reception, 20).unwrap();
    assert!(
        news.items
            .iter()
            .all(|n| n.event == format!("case:{}", case.id)),
        "{news:?}"
    );
}

/// The start screen with news, as a receptionist sees it at 80x24: the search box first and
/// focused (typing searches), the news where the card goes; Tab reaches it, d dismisses.
#[test]
fn the_start_screen_shows_the_news_without_moving_the_search_at_80x24() {
    use chrono::TimeZone;
    use common::screen::{app_as, draw_fed, staff};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use safedesk::app::Pane;
    use safedesk::domain::{HeardBack, News};
    use safedesk::sync::{Reply, Request};
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 25, 10, 30, 0)
        .unwrap();
    let mut app = app_as(
        "amira",
        Some(staff(3, "Amira Hassan", Role::Reception)),
        now,
        true,
    );
    let item = |event: &str, days: i64, name: &str, kind: NewsKind, others: usize| News {
        event: event.into(),
        at: now - Duration::hours(days),
        incident: uuid::Uuid::new_v4(),
        occurred_at: now - Duration::days(days + 1),
        customer_name: name.into(),
        category: "abusive".into(),
        others,
        kind,
    };
    app.on_reply(Reply::News(HeardBack {
        items: vec![
            item(
                "decision:1",
                0,
                "Deborah Johnson",
                NewsKind::Decided {
                    outcome: Outcome::Actions,
                    restrictions: vec!["witness".into()],
                },
                2,
            ),
            item(
                "case:2",
                3,
                "José Núñez",
                NewsKind::SentToManager {
                    reason: CaseReason::ImmediateThreat,
                },
                0,
            ),
        ],
        more: 1,
    }));
    let screen = draw_fed(&mut app, 80, 24);
    insta::assert_snapshot!("hear_back_start_80x24", screen);
    assert!(screen.contains("Find a caller or visitor"));
    assert!(screen.contains("News on incidents you logged (3)"));
    assert!(screen.contains("Deborah Johnson"));
    assert_eq!(app.pane, Pane::Search, "the search box keeps the keys");

    // Letters typed search: "d" is text, not a dismissal.
    app.on_key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE));
    assert_eq!(app.query(), "d");
    assert!(!app
        .take_requests()
        .iter()
        .any(|r| matches!(r, Request::DismissNews { .. })));
    app.on_key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
    let _ = app.take_requests();
    // Tab goes straight to the news; d dismisses the highlighted one.
    app.on_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    assert_eq!(app.pane, Pane::Card);
    let screen = draw_fed(&mut app, 80, 24);
    assert!(screen.contains("d: dismiss"), "{screen}");
    app.on_key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
    app.on_key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE));
    assert_eq!(
        app.take_requests(),
        vec![Request::DismissNews {
            events: vec!["case:2".into()]
        }]
    );
    let screen = draw_fed(&mut app, 80, 24);
    assert!(!screen.contains("José Núñez"), "{screen}");
    assert!(screen.contains("Deborah Johnson"));
    // The help lists the key.
    app.on_key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE));
    let help = safedesk::app::keymap::BINDINGS
        .iter()
        .any(|b| b.action == safedesk::app::keymap::Action::DismissNews);
    assert!(help);
}

/// The screen-reader mode says the news after the welcome and takes "dismiss 1".
#[test]
fn the_screen_reader_mode_says_the_news_and_dismisses_it_by_number() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut w = world();
    let case = w.three_incidents();
    w.decide(&case);
    let dir = w.db.dir.path().to_path_buf();
    std::fs::write(dir.join("no-config.toml"), "").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_safedesk"))
        .args([
            "--db",
            w.path.to_str().unwrap(),
            "--user",
            "ahassan",
            "--plain",
        ])
        .current_dir(&dir)
        .env_remove("SAFEDESK_DB")
        .env("SAFEDESK_CONFIG", dir.join("no-config.toml"))
        .env("SAFEDESK_LOCAL_DIR", dir.join("local"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"dismiss 1\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let welcome = text.find("Signed in as Amira Hassan").expect("welcome");
    let news = text
        .find("1 incident you logged has news:")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(welcome < news, "{text}");
    assert!(text.contains("1. Your incident of"), "{text}");
    assert!(text.contains("was decided by a manager on"), "{text}");
    assert!(text.contains("News 1 dismissed."), "{text}");
    assert!(!text.contains("SECRET"), "{text}");
    let reception = w.reception.clone();
    assert!(w.store.heard_back(&reception, 20).unwrap().items.is_empty());
}

/// A decision waiting for a second person's approval is not an outcome yet: the reporter hears
/// that it is with a manager (waiting for approval), and what was decided once it is approved.
#[test]
fn a_decision_waiting_for_approval_is_news_only_once_approved() {
    let mut w = world();
    let case = w.three_incidents();
    let reception = w.reception.clone();
    let d = w.deciding(
        &case,
        Outcome::WithdrawalOfServices,
        vec![kind("services_withdrawn")],
    );
    let saved = w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
    assert!(saved.waiting_for_approval.is_some());
    let news = w.store.heard_back(&reception, 20).unwrap();
    assert_eq!(news.items.len(), 1, "{news:?}");
    assert!(
        matches!(
            news.items[0].kind,
            NewsKind::SentToManager {
                reason: CaseReason::Approval
            }
        ),
        "{news:?}"
    );
    w.approve(d.id);
    let news = w.store.heard_back(&reception, 20).unwrap();
    assert_eq!(news.items.len(), 1, "{news:?}");
    assert!(
        matches!(
            news.items[0].kind,
            NewsKind::Decided {
                outcome: Outcome::WithdrawalOfServices,
                ..
            }
        ),
        "{news:?}"
    );
}
