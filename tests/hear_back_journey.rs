//! Issue 19's Done-when for item 5, in tmux: the receptionist who logged the third incident
//! sees the outcome on their start screen. Two people on one demo database; the manager decides
//! in one pane and the other pane shows it by itself, without a restart.
#![cfg(unix)]

mod common;

use common::tmux::Pane;

#[test]
fn the_receptionist_who_logged_the_third_incident_sees_the_outcome_on_their_start_screen() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let dbs = db.to_str().unwrap();
    let r = Pane::start(
        "hear-r",
        &["--demo", "--db", dbs, "--user", "ahassan"],
        dir.path(),
        80,
        24,
    );
    r.wait_for("Signed in: Amira Hassan (reception)");
    // Zoë is at 2 of 3: Amira logs the third.
    r.type_text("zoe aberg");
    r.wait_for("2 of 3 - the next incident goes to");
    r.press("C-n");
    r.wait_for("Zoë Åberg");
    r.type_text("t");
    r.type_text("d"); // unacceptable demands
    r.type_text("4"); // refusing to end a call
    r.press("Enter");
    r.type_text("e"); // call ended after a warning
    r.type_text("Refused to end the call for 25 minutes; ended after a warning.");
    r.press("C-s");
    r.wait_for("Third incident: sent to the manager's escalation queue.");
    r.press("Escape");
    r.wait_for("3 of 3 - threshold reached");
    // Back to the start screen: the news is where the card goes, the search still first.
    r.press("C-u");
    let s = wait_news(&r, "was sent to a manager");
    assert!(r.screen().contains("Find a caller or visitor"));
    assert!(s.contains("about Zoë Åberg (Unacceptable demands"), "{s}");

    // The manager, on another PC, decides the case.
    let m = Pane::start(
        "hear-m",
        &["--db", dbs, "--user", "spatel"],
        dir.path(),
        100,
        30,
    );
    m.wait_for("Signed in: Sam Patel (manager)");
    m.press("Escape");
    m.wait_for("m queue");
    m.threshold_cases();
    m.select("Zoë Åberg");
    m.press("Enter");
    m.wait_for("Incidents behind this case (3)");
    m.press("d");
    m.wait_for("Decision: Zoë Åberg");
    m.select("A named contact at the organisation");
    m.press("Space");
    m.wait_for("[x] A named contact at the organisation");
    for _ in 0..6 {
        m.press("Tab");
    }
    m.wait_for(">Why they were or were not enough");
    m.type_text("A named contact was offered; the calls went on.");
    m.press("Tab");
    m.select("Personal contact (including telephone calls)");
    m.press("Space");
    m.wait_for("[x] Personal contact (including telephone calls)");
    for _ in 0..40 {
        if m.screen().contains(">Reasons") {
            break;
        }
        m.press("Down");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    m.wait_for(">Reasons");
    m.type_text("MANAGER NOTES: three long calls in a month.");
    m.press("Tab");
    m.wait_for(">Reasons for the customer (printed in the letter)");
    m.type_text("You would not end your calls with us three times in a month.");
    m.press("C-s");
    m.wait_for("The decision is saved: 1 restriction applies from now.");

    // The receptionist's start screen shows it by itself: the outcome only.
    let s = wait_news(&r, "was decided by a manager");
    assert!(s.contains("restriction made"), "{s}");
    assert!(!s.contains("MANAGER NOTES"), "{s}");
    assert!(!s.contains("A named contact was offered"), "{s}");
    // Dismissed, it is gone (and stays gone on the next start).
    r.press("Tab");
    r.wait_for("d: dismiss");
    r.press("d");
    wait_gone(&r, "News on incidents you logged");
    r.press("C-c");
    r.wait_for("SAFEDESK-EXITED-0");
    let again = Pane::start(
        "hear-r2",
        &["--db", dbs, "--user", "ahassan"],
        dir.path(),
        80,
        24,
    );
    again.wait_for("Signed in: Amira Hassan (reception)");
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(!again.screen().contains("News on incidents you logged"));
}

fn wait_gone(p: &Pane, text: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while p.screen().contains(text) {
        assert!(
            std::time::Instant::now() < deadline,
            "{text:?} never went:\n{}",
            p.screen()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// The words of the news pane (the right-hand pane of the start screen), lines joined.
fn news_text(screen: &str) -> String {
    screen
        .lines()
        .filter_map(|l| l.split('│').nth(3))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Wait until the news pane says `text`, however it wraps.
fn wait_news(p: &Pane, text: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let s = news_text(&p.screen());
        if s.contains(text) {
            return s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the news never said {text:?}:\n{}",
            p.screen()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
