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
    f.theme = safedesk::app::theme::ThemeName::Monochrome;
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

/// The command line as a person starts the app, with nothing given.
fn plain_cli() -> safedesk::cli::Cli {
    use clap::Parser;
    safedesk::cli::Cli::parse_from(["safedesk"])
}

#[test]
fn an_existing_database_is_checked_and_each_refusal_says_what_is_wrong() {
    use safedesk::cli::first_run::{check_existing, FILE_NAME};
    use safedesk::store::{OpenOptions, SqliteStore};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cli = plain_cli();
    let said = check_existing(&cli, d.join("none.sqlite").to_str().unwrap()).unwrap_err();
    assert!(said.starts_with("There is no file at"), "{said}");
    let said = check_existing(&cli, d.join("gone").join("x.sqlite").to_str().unwrap()).unwrap_err();
    assert!(said.contains("cannot be reached"), "{said}");
    std::fs::write(d.join("notes.txt"), "hello").unwrap();
    let said = check_existing(&cli, d.join("notes.txt").to_str().unwrap()).unwrap_err();
    assert!(said.contains("is not a safedesk database"), "{said}");
    // A folder without the file in it, then with it.
    let said = check_existing(&cli, d.to_str().unwrap()).unwrap_err();
    assert!(said.contains("there is no safedesk.sqlite in it"), "{said}");
    let db = d.join(FILE_NAME);
    SqliteStore::create(&db, &OpenOptions::default(), "spatel", "Sam Patel", false).unwrap();
    let chosen = check_existing(&cli, d.to_str().unwrap()).unwrap();
    assert_eq!(chosen.path, db);
    assert!(chosen.notes[0].contains("is a folder, so the safedesk.sqlite in it is used"));
    assert_eq!(check_existing(&cli, db.to_str().unwrap()).unwrap().path, db);
    // Made by a newer safedesk.
    let newer = d.join("newer.sqlite");
    std::fs::copy(&db, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(
            None,
            "user_version",
            safedesk::store::sqlite::SCHEMA_VERSION + 1,
        )
        .unwrap();
    let said = check_existing(&cli, newer.to_str().unwrap()).unwrap_err();
    assert!(said.contains("was made by a newer safedesk"), "{said}");
    // The demo is not the office's database.
    let demo = d.join("demo.sqlite");
    SqliteStore::create(&demo, &OpenOptions::default(), "spatel", "Sam Patel", true).unwrap();
    let said = check_existing(&cli, demo.to_str().unwrap()).unwrap_err();
    assert!(said.contains("holds the demo's made-up records"), "{said}");
}

/// A folder this PC may not write in: its permissions on Unix, a deny entry on Windows.
#[test]
fn a_read_only_folder_is_refused_for_a_new_database() {
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    if !common::deny_writing(&locked) {
        // Run as root, or under Wine, the folder's permissions stop no one: nothing to refuse.
        eprintln!("skipped: this user can write to a folder denied to it (root, or Wine)");
        return;
    }
    let result = safedesk::cli::first_run::check_new(locked.join("x.sqlite").to_str().unwrap());
    common::allow_writing(&locked);
    let refused = result.unwrap_err();
    assert!(
        refused.sentence.contains("cannot be written from this PC"),
        "{refused:?}"
    );
}

#[test]
fn away_from_a_terminal_no_database_is_one_sentence_saying_what_to_do_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    // common::safedesk names this config file: empty, so no database is set.
    std::fs::write(dir.path().join("no-config.toml"), "").unwrap();
    for args in [&[][..], &["log"][..]] {
        let out = common::safedesk(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let said = common::stderr(&out);
        assert!(said.starts_with("safedesk: No database given."), "{said}");
        for what in ["safedesk config init", "--db PATH", "safedesk --demo"] {
            assert!(said.contains(what), "{what}: {said}");
        }
        assert_eq!(said.trim_end().lines().count(), 1, "{said}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("no-config.toml")).unwrap(),
        ""
    );
}

/// The first run's screens in each theme at 80x24: the same words, every colour known and every
/// character 4.5:1 or more in the colour themes, none in monochrome (the snapshots record the
/// colours).
#[test]
fn the_first_run_in_every_theme_at_80x24() {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    use safedesk::app::first_run::Choice;
    use safedesk::app::theme::ThemeName;
    let screens: [(&str, Option<Choice>); 3] = [
        ("choose", None),
        ("create", Some(Choice::Create)),
        ("existing", Some(Choice::Existing)),
    ];
    for (name, choice) in screens {
        let mut words = None;
        for theme in ThemeName::ALL {
            let mut f = first_run();
            f.theme = theme;
            if let Some(c) = choice {
                f.choose(c);
            }
            let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
            t.draw(|frame| safedesk::ui::first_run::draw(frame, &f))
                .unwrap();
            let buf = t.backend().buffer();
            let text = common::text(buf);
            match &words {
                None => words = Some(text.clone()),
                Some(w) => assert_eq!(&text, w, "{theme} has other words"),
            }
            common::screen::check_theme(theme, buf, &text);
            insta::assert_snapshot!(
                format!("first_run_{name}_{theme}"),
                common::screen::styled(buf)
            );
        }
    }
}
