//! The first-run screens (no database set on this PC) drawn on ratatui's TestBackend: each
//! screen at 80x24 as a snapshot, and a window too small for them. The whole first run, on the
//! real binary, is in tests/journeys.rs.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use safedesk::app::first_run::{Field, FirstRun};
use safedesk::app::Notice;

fn first_run() -> FirstRun {
    let mut f = FirstRun::new(
        r"S:\safedesk\safedesk.sqlite",
        "ahassan",
        r"C:\Users\ahassan\AppData\Roaming\safedesk\safedesk\config\safedesk.toml",
    );
    f.colour = false;
    f
}

fn render(f: &FirstRun, w: u16, h: u16) -> String {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|frame| safedesk::ui::first_run::draw(frame, f))
        .unwrap();
    common::text(t.backend().buffer())
}

fn key(f: &mut FirstRun, code: KeyCode) {
    f.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

#[test]
fn the_first_screen_says_what_safedesk_needs_and_offers_three_ways_on_at_80x24() {
    let mut f = first_run();
    key(&mut f, KeyCode::Down);
    let screen = render(&f, 80, 24);
    insta::assert_snapshot!("first_run_choose_80x24", screen);
    assert!(screen.contains("ONE database file"), "{screen}");
    assert!(screen.contains(r"S:\safedesk\safedesk.sqlite"), "{screen}");
    assert!(
        screen.contains("> c  Create the office database"),
        "{screen}"
    );
    assert!(screen.contains("q  Quit, changing nothing"), "{screen}");
}

#[test]
fn creating_asks_for_the_path_and_the_name_at_80x24() {
    let mut f = first_run();
    key(&mut f, KeyCode::Char('c'));
    f.set(Field::Path, r"S:\safedesk");
    key(&mut f, KeyCode::Enter);
    let screen = render(&f, 80, 24);
    insta::assert_snapshot!("first_run_create_80x24", screen);
    assert!(screen.contains("> Your name"), "{screen}");
    assert!(
        screen.contains("Your name: type your name as colleagues know it"),
        "{screen}"
    );
    assert!(
        screen.contains("You (ahassan) become the database's first"),
        "{screen}"
    );
}

#[test]
fn using_an_existing_database_asks_for_its_path_and_shows_a_refusal_at_80x24() {
    let mut f = first_run();
    key(&mut f, KeyCode::Char('e'));
    f.set(Field::Path, r"S:\safedesk\safedesk.sqlite");
    f.submit();
    f.refused(
        r"The shared database at S:\safedesk\safedesk.sqlite cannot be reached (its folder cannot be found). Check the network drive is connected, then try again.".into(),
        false,
    );
    let screen = render(&f, 80, 24);
    insta::assert_snapshot!("first_run_existing_80x24", screen);
    assert!(
        screen.contains("Use an existing office database"),
        "{screen}"
    );
    assert!(
        screen.contains("Check the network drive is connected"),
        "{screen}"
    );
    assert!(!screen.contains("Your name"), "{screen}");
}

#[test]
fn a_small_window_gets_a_sentence_and_a_long_path_scrolls_in_its_box() {
    let mut f = first_run();
    let screen = render(&f, 40, 12);
    assert!(screen.contains("The window is too small"), "{screen}");
    assert!(screen.contains("40x12"), "{screen}");
    key(&mut f, KeyCode::Char('e'));
    for (w, h) in [(40, 12), (1, 1), (60, 20), (200, 60)] {
        render(&f, w, h);
    }
    f.on_paste(&format!("/{}", "x".repeat(100_000)));
    let screen = render(&f, 80, 24);
    assert!(screen.contains("cut to 1024 characters"), "{screen}");
    let row = screen
        .lines()
        .find(|l| l.contains("xxxx"))
        .unwrap()
        .trim_end();
    assert!(row.starts_with(" │") && row.ends_with("│"), "{row}");
    assert!(matches!(f.message, Some(Notice::Error(_))));
}

#[test]
fn a_long_refusal_still_fits_at_80x24_and_60x16_shows_the_boxes_or_says_it_is_too_small() {
    let mut f = first_run();
    key(&mut f, KeyCode::Char('c'));
    f.set(
        Field::Path,
        r"S:\safedesk\a-rather-long-folder-name\and-another\safedesk.sqlite",
    );
    f.set(Field::Name, "Amira Hassan");
    f.submit();
    f.refused(
        r"S:\safedesk\a-rather-long-folder-name\and-another\safedesk.sqlite exists already, so it is not made again.".into(),
        true,
    );
    let screen = render(&f, 80, 24);
    assert!(
        screen.contains("Press Enter to use it as the office's"),
        "{screen}"
    );
    assert!(screen.contains("Amira Hassan"), "{screen}");
    assert!(screen.contains("Enter use it"), "{screen}");
    for (w, h) in [(60, 16), (60, 20), (70, 18)] {
        let screen = render(&f, w, h);
        assert!(
            screen.contains("exists already") && screen.contains("Enter use it")
                || screen.contains("too small"),
            "{w}x{h}:\n{screen}"
        );
        let mut first = first_run();
        first.on_key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE));
        let screen = render(&first, w, h);
        assert!(
            screen.contains("e  Use an existing") || screen.contains("too small"),
            "{w}x{h}:\n{screen}"
        );
    }
}
