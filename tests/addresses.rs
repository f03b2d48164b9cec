//! Postal addresses, the organisation's required details, large print and easy read, and `o`
//! opening a letter's printable page (issue 14, items 4 and 7): on real SQLite files, on the
//! screens at 80x24, and through the real binary.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::screen::{app_as, search, staff};
use common::world::{actor, opts, tunde};
use common::{render, safedesk, stderr, stdout};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use safedesk::app::{App, Pane};
use safedesk::domain::*;
use safedesk::store::sqlite::migrations::MIGRATIONS;
use safedesk::store::{SqliteStore, Store, StoreError};
use safedesk::sync::Reply;
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 30, 0).unwrap()
}

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn ctrl(app: &mut App, c: char) {
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// The screen's words, without the boxes' sides, so a sentence wrapped across lines reads whole.
fn words(screen: &str) -> String {
    screen
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn manager_app() -> App {
    app_as(
        "spatel",
        Some(staff(1, "Sam Patel", Role::Manager)),
        now(),
        true,
    )
}

/// A demo customer, as the demo data has them.
fn demo(id: Id) -> CustomerHistory {
    safedesk::demo::demo_bulk(now())
        .histories()
        .remove(&id)
        .expect("in the demo data")
}

fn open_card(app: &mut App, h: CustomerHistory) {
    let name = h.customer.display_name();
    search(
        app,
        &name,
        vec![LookupHit {
            history: h.clone(),
            matched: MatchedOn::Name(name.clone()),
            score: 100,
        }],
    );
    app.on_reply(Reply::Card {
        id: h.customer.id,
        result: Ok(Some(Box::new(h))),
    });
    key(app, KeyCode::Enter);
    assert_eq!(app.pane, Pane::Card);
}

fn open_case(app: &mut App, h: CustomerHistory) {
    let case = CaseSummary {
        id: Uuid::from_u128(50),
        customer_id: h.customer.id,
        customer_name: h.customer.display_name(),
        reason: CaseReason::Breach,
        opened_at: now() - chrono::Duration::days(3),
        incidents: h.incidents.iter().map(|i| i.id).collect(),
        assigned_to: None,
        assigned_to_id: None,
        waiting_for_confirmation: false,
        decision_id: None,
        note: String::new(),
        version: 1,
        seen_at: Some(now()),
        seen_by: None,
    };
    app.open_case(case.clone());
    app.on_reply(Reply::Case {
        case: case.id,
        result: Ok(Box::new(safedesk::sync::CaseData {
            case,
            history: Some(h),
            staff: vec![staff(1, "Sam Patel", Role::Manager)],
            others: vec![],
        })),
    });
}

// ---------------------------------------------------------------------------------------------
// The store, on real SQLite files

#[test]
fn an_address_is_kept_cleaned_and_printed_as_typed_and_nonsense_is_refused() {
    let mut w = tunde();
    let h = w.store.history(w.customer).unwrap().unwrap();
    assert!(h.customer.address.is_empty() && h.customer.postal_lines().is_empty());
    let edit = NewCustomer {
        address: vec![
            "Flat 2, **Grange** <b>Court</b>".into(),
            "14 High\u{7} Road\u{202e}".into(),
            "  ".into(),
            "London".into(),
        ],
        postcode: "nw9 6rb".into(),
        large_print: true,
        ..h.customer.edit()
    };
    let after = w
        .store
        .update_customer(&w.reception, w.customer, edit, h.customer.version)
        .unwrap();
    // Control and direction characters gone, empty lines dropped, the markup kept as text.
    assert_eq!(
        after.address,
        vec!["Flat 2, **Grange** <b>Court</b>", "14 High Road", "London"]
    );
    assert_eq!(after.postcode, "NW9 6RB");
    let read = w.store.history(w.customer).unwrap().unwrap().customer;
    assert_eq!(read.address, after.address);
    assert!(read.large_print && !read.easy_read);
    assert_eq!(
        read.postal_lines().last().map(String::as_str),
        Some("NW9 6RB")
    );

    // A 100 KB paste in an address line, seven lines, a long postcode: refused, nothing changed.
    for (address, postcode, says) in [
        (
            vec!["x".repeat(100 * 1024)],
            "N3 1AB",
            "longer than 100 characters",
        ),
        (
            (1..=7).map(|n| format!("Line {n}")).collect(),
            "N3 1AB",
            "at most 6",
        ),
        (
            vec!["1 High Street".to_string()],
            "N3 1AB N3 1AB N3 1AB",
            "postcode",
        ),
    ] {
        let e = w
            .store
            .update_customer(
                &w.reception,
                w.customer,
                NewCustomer {
                    address,
                    postcode: postcode.into(),
                    ..read.edit()
                },
                read.version,
            )
            .unwrap_err();
        assert!(matches!(e, StoreError::Invalid(_)), "{e}");
        assert!(e.to_string().contains(says), "{e}");
    }
    let still = w.store.history(w.customer).unwrap().unwrap().customer;
    assert_eq!(still, read);
}

fn letter(customer: Id, address: Option<Vec<String>>) -> NewLetter {
    NewLetter {
        id: new_id(),
        customer_id: customer,
        decision_id: None,
        case_id: None,
        review_batch: None,
        kind: "abusive_correspondence".into(),
        body: "Dear Tunde Okafor, ...".into(),
        file: "letters/x.md".into(),
        address,
        incident_id: None,
    }
}

#[test]
fn a_letter_printed_with_no_address_cannot_be_marked_sent_by_post() {
    let mut w = tunde();
    let today = safedesk::time::london_date(Utc::now());
    let unaddressed = letter(w.customer, Some(Vec::new()));
    w.store.record_letter(&w.manager, &unaddressed).unwrap();
    let e = w
        .store
        .letter_sent(&w.manager, unaddressed.id, today, SentHow::Post)
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    let m = e.to_string();
    assert!(m.contains("no postal address"), "{m}");
    assert!(m.contains("Tunde Okafor"), "{m}");
    assert!(m.contains("c on their card"), "{m}");
    // By email it goes.
    w.store
        .letter_sent(&w.manager, unaddressed.id, today, SentHow::Email)
        .unwrap();
    // A letter printed with the address goes by post.
    let addressed = letter(
        w.customer,
        Some(vec![
            "41 Colindale Avenue".into(),
            "London".into(),
            "NW9 6RB".into(),
        ]),
    );
    w.store.record_letter(&w.manager, &addressed).unwrap();
    w.store
        .letter_sent(&w.manager, addressed.id, today, SentHow::Post)
        .unwrap();
    // A letter from before addresses were kept (or an old outbox entry): not known, not refused.
    let older = letter(w.customer, None);
    w.store.record_letter(&w.manager, &older).unwrap();
    w.store
        .letter_sent(&w.manager, older.id, today, SentHow::Post)
        .unwrap();
}

#[test]
fn migration_9_brings_schema_8_up_and_an_older_safedesk_refuses_the_result() {
    assert_eq!(MIGRATIONS.len(), 9.max(MIGRATIONS.len()));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    let customer = "00000000-0000-0000-0000-000000000100";
    let letter_id = "00000000-0000-0000-0000-000000000200";
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..8] {
            c.execute_batch(sql).unwrap();
        }
        c.execute_batch(&format!(
            "PRAGMA user_version = 8;
             INSERT INTO meta (key, value) VALUES ('app', 'safedesk');
             INSERT INTO staff (id, login, display_name, role, created_at)
               VALUES ('00000000-0000-0000-0000-000000000001', 'spatel', 'Sam Patel', 'manager',
                       '2026-11-24T09:00:00.000Z');
             INSERT INTO customer (id, name, postcode, created_at, updated_at)
               VALUES ('{customer}', 'Zoë Åberg', 'N3 1QE', '2026-11-24T09:00:00.000Z',
                       '2026-11-24T09:00:00.000Z');
             INSERT INTO letter (id, customer_id, kind, body, created_at, created_by)
               VALUES ('{letter_id}', '{customer}', 'restriction_notice', 'Dear Zoë',
                       '2026-11-24T09:00:00.000Z', '00000000-0000-0000-0000-000000000001');"
        ))
        .unwrap();
    }
    let mut store = SqliteStore::open(&path, &opts()).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as u32);
    let id: Id = customer.parse().unwrap();
    let h = store.history(id).unwrap().unwrap();
    // Customers from before have no address and standard print; their postcode is kept.
    assert!(h.customer.address.is_empty());
    assert_eq!(h.customer.postcode, "N3 1QE");
    assert!(!h.customer.large_print && !h.customer.easy_read);
    // A letter made before addresses were kept can still be recorded as posted.
    let manager = actor(&mut store, "spatel");
    store
        .letter_sent(
            &manager,
            letter_id.parse().unwrap(),
            safedesk::time::london_date(Utc::now()),
            SentHow::Post,
        )
        .unwrap();
    // The new columns take an address.
    let after = store
        .update_customer(
            &manager,
            id,
            NewCustomer {
                address: vec!["9 Lichfield Grove".into(), "London".into()],
                ..h.customer.edit()
            },
            h.customer.version,
        )
        .unwrap();
    assert_eq!(after.address.len(), 2);
    drop(store);
    // A safedesk that knows only up to this schema refuses the next one.
    let c = rusqlite::Connection::open(&path).unwrap();
    c.pragma_update(None, "user_version", MIGRATIONS.len() as u32 + 1)
        .unwrap();
    drop(c);
    let e = SqliteStore::open(&path, &opts()).err().unwrap();
    assert!(matches!(e, StoreError::TooNew { .. }), "{e}");
}

#[test]
fn an_old_outbox_customer_change_without_the_new_fields_still_loads() {
    // What an older safedesk wrote for a customer's details: no address, no formats.
    let old = r#"{"id":null,"name":"Tunde Okafor","other_names":[],"phones":["07700 900234"],
        "emails":[],"postcode":"NW9 6RB","description":"","notes":""}"#;
    let c: NewCustomer = serde_json::from_str(old).unwrap();
    assert!(c.address.is_empty() && !c.large_print && !c.easy_read);
    // And a new customer logged with an incident, from an older outbox.
    let subject: Subject = serde_json::from_str(
        r#"{"kind":"new","id":"00000000-0000-0000-0000-000000000009","name":"A B","phone":"","email":""}"#,
    )
    .unwrap();
    assert!(matches!(subject, Subject::New { ref address, .. } if address.is_empty()));
}

// ---------------------------------------------------------------------------------------------
// Screens at 80x24

#[test]
fn the_details_form_takes_an_address_and_the_letter_format_at_80x24() {
    let mut app = manager_app();
    let h = demo(safedesk::demo::ZOE_ABERG);
    let version = h.customer.version;
    open_card(&mut app, h);
    key(&mut app, KeyCode::Char('c'));
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("details_form_80x24", screen);
    // In every theme: no cell on the terminal's own colours, every character 4.5:1.
    common::screen::in_each_theme(&mut app, 80, 24);
    assert!(screen.contains("Address (;)"), "{screen}");
    assert!(screen.contains("9 Lichfield Grove; London"), "{screen}");
    assert!(screen.contains("Letters (Space)"), "{screen}");
    // To the address line: replace it.
    for _ in 0..4 {
        key(&mut app, KeyCode::Down);
    }
    for _ in 0.."9 Lichfield Grove; London".len() + 2 {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "Flat 1, 2 Hendon Lane; London");
    // A pasted address with control characters: cleaned, and said so.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    // Letters: typing is not taken; Space chooses.
    key(&mut app, KeyCode::Char('x'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("press Space"), "{screen}");
    key(&mut app, KeyCode::Char(' '));
    assert!(render(&app, 80, 24).contains("large print"));
    ctrl(&mut app, 's');
    let saved = app
        .take_requests()
        .into_iter()
        .find_map(|r| match r {
            safedesk::sync::Request::UpdateCustomer { edit, version, .. } => Some((edit, version)),
            _ => None,
        })
        .expect("Ctrl-S saves");
    assert_eq!(saved.1, version);
    assert_eq!(saved.0.address, vec!["Flat 1", "2 Hendon Lane", "London"]);
    assert!(saved.0.large_print && !saved.0.easy_read);
}

#[test]
fn a_paste_into_the_address_is_cleaned_and_said_so() {
    let mut app = manager_app();
    open_card(&mut app, demo(safedesk::demo::RENEE_OCONNOR));
    key(&mut app, KeyCode::Char('c'));
    for _ in 0..4 {
        key(&mut app, KeyCode::Down);
    }
    app.on_terminal_event(&crossterm::event::Event::Paste(
        "12 Long Lane\u{1b}[31m\nFinchley\r\nLondon".into(),
    ));
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("12 Long Lane[31m; Finchley; London"),
        "{screen}"
    );
    assert!(screen.contains("control or hidden characters"), "{screen}");
    // A 100 KB paste is cut to what the field keeps, and said so.
    app.on_terminal_event(&crossterm::event::Event::Paste("y".repeat(100 * 1024)));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("The paste was cut"), "{screen}");
}

/// Deborah Johnson from the demo, here with no postal address and needing large print and easy
/// read.
fn no_address_large_print() -> CustomerHistory {
    let mut h = demo(safedesk::demo::DEBORAH_JOHNSON);
    h.customer.address.clear();
    h.customer.large_print = true;
    h.customer.easy_read = true;
    h
}

#[test]
fn the_card_says_the_format_and_that_there_is_no_postal_address_at_80x24() {
    let mut app = manager_app();
    open_card(&mut app, no_address_large_print());
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("card_large_print_no_address_80x24", screen);
    let words = words(&screen);
    assert!(words.contains("No postal address"), "{screen}");
    assert!(
        words.contains("Letters: Large print and easy read"),
        "{screen}"
    );
}

#[test]
fn the_letter_preview_says_the_format_and_that_it_cannot_be_posted_at_80x24() {
    let mut app = manager_app();
    open_case(&mut app, no_address_large_print());
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Char('2'));
    let v = app.overlays.letter().expect("the preview opens");
    assert!(v.facts.format.large_print);
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!("letter_large_print_no_address_80x24", screen);
    let words = words(&screen);
    assert!(words.contains("Format: large print"), "{screen}");
    assert!(words.contains("no easy-read version"), "{screen}");
    assert!(words.contains("No postal address"), "{screen}");
    // Saved, it is a large-print page with no address on it.
    key(&mut app, KeyCode::Char('s'));
    let save = app
        .take_requests()
        .into_iter()
        .find_map(|r| match r {
            safedesk::sync::Request::SaveLetter(l) => Some(l),
            _ => None,
        })
        .expect("s saves");
    assert!(save.large_print);
    assert_eq!(save.record.address, Some(Vec::new()));
    // Saved: "has it gone?" offers email and by hand, not post.
    app.on_reply(safedesk::sync::Reply::LetterSaved {
        letter: save.record.id,
        what: "Restriction notice".into(),
        markdown: "letters/x.md".into(),
        html: "letters/x.html".into(),
    });
    let screen = render(&app, 80, 24);
    let asked = self::words(&screen);
    assert!(asked.contains("sent today by email"), "{screen}");
    assert!(asked.contains("sent today by hand"), "{screen}");
    assert!(!asked.contains("sent today by post"), "{screen}");
    key(&mut app, KeyCode::Char('p'));
    assert!(
        !app.take_requests()
            .iter()
            .any(|r| matches!(r, safedesk::sync::Request::LetterSent { .. })),
        "p does nothing here"
    );
}

#[test]
fn a_letter_is_refused_while_the_organisation_has_no_address_phone_or_email() {
    use safedesk::letters::{LetterKit, Organisation};
    let mut app = manager_app();
    let org = Organisation::parse(
        "name = \"Northside Advice\"\ncomplaints = \"Write to our chair.\"\n",
        "org.toml",
    )
    .unwrap();
    assert_eq!(org.missing(), vec!["address", "phone", "email"]);
    let mut kit = LetterKit::built_in(std::env::temp_dir());
    kit.organisation = org;
    app.letter_kit = Ok(std::sync::Arc::new(kit));
    open_case(&mut app, demo(safedesk::demo::DEBORAH_JOHNSON));
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Char('2'));
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("Cannot be saved: the organisation's details have no address, phone,"),
        "{screen}"
    );
    key(&mut app, KeyCode::Char('s'));
    assert!(!app
        .take_requests()
        .iter()
        .any(|r| matches!(r, safedesk::sync::Request::SaveLetter(_))));
    let screen = render(&app, 100, 30);
    let words = words(&screen);
    assert!(words.contains("No letter can be saved yet"), "{screen}");
    assert!(
        words.contains("safedesk letters set-organisation FILE"),
        "{screen}"
    );
}

// ---------------------------------------------------------------------------------------------
// o: the printable page

/// What the store worker does with the app's requests to open a page: open it as asked, and
/// answer. Returns the pages asked for.
fn serve_open(app: &mut App) -> Vec<std::path::PathBuf> {
    let mut asked = Vec::new();
    for r in app.take_requests() {
        if let safedesk::sync::Request::OpenPage { page, with } = r {
            let result = with.open(&page);
            asked.push(page.clone());
            app.on_reply(Reply::PageOpened { page, result });
        }
    }
    asked
}

#[test]
fn o_opens_the_newest_letters_printable_page_and_says_so_when_there_is_none() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("opened.txt");
    let mut app = manager_app();
    app.open_with = safedesk::letters::OpenWith::Record(log.clone());

    // Nothing saved yet for her: said so, nothing opened.
    let mut h = demo(safedesk::demo::DEBORAH_JOHNSON);
    h.letters.clear();
    open_card(&mut app, h.clone());
    key(&mut app, KeyCode::Char('o'));
    assert!(serve_open(&mut app).is_empty());
    let screen = render(&app, 100, 30);
    assert!(screen.contains("No letter has been saved for"), "{screen}");
    assert!(!log.exists());

    // Two saved letters: the newest one's page opens.
    let page = |name: &str| dir.path().join(format!("{name}.html"));
    for name in ["old", "new"] {
        std::fs::write(page(name), "<html></html>").unwrap();
    }
    let letter = |name: &str, days: i64| Letter {
        id: new_id(),
        customer_id: h.customer.id,
        decision_id: None,
        kind: "restriction_notice".into(),
        created_at: now() - chrono::Duration::days(days),
        sent_at: None,
        sent_how: String::new(),
        file: dir.path().join(format!("{name}.md")).display().to_string(),
        incident_id: None,
    };
    h.letters = vec![letter("new", 1), letter("old", 30)];
    let mut app2 = manager_app();
    app2.open_with = safedesk::letters::OpenWith::Record(log.clone());
    open_case(&mut app2, h.clone());
    app2.take_requests();
    key(&mut app2, KeyCode::Char('o'));
    assert_eq!(serve_open(&mut app2), vec![page("new")]);
    let opened = std::fs::read_to_string(&log).unwrap();
    assert_eq!(opened.trim(), page("new").display().to_string());
    assert!(render(&app2, 100, 30).contains("Opened"));

    // The page was moved away: said so.
    std::fs::remove_file(page("new")).unwrap();
    key(&mut app2, KeyCode::Char('o'));
    serve_open(&mut app2);
    let screen = render(&app2, 100, 30);
    assert!(screen.contains("is not there"), "{screen}");

    // In a preview not saved yet: said so.
    key(&mut app2, KeyCode::Char('l'));
    key(&mut app2, KeyCode::Char('2'));
    assert!(app2.overlays.letter().is_some());
    key(&mut app2, KeyCode::Char('o'));
    assert!(serve_open(&mut app2).is_empty());
    let screen = render(&app2, 100, 30);
    assert!(screen.contains("not saved yet"), "{screen}");
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 1);

    // On the card too, for anyone: the same newest page.
    std::fs::write(page("new"), "<html></html>").unwrap();
    let mut reception = app_as(
        "ahassan",
        Some(staff(3, "Amira Hassan", Role::Reception)),
        now(),
        true,
    );
    reception.open_with = safedesk::letters::OpenWith::Record(log.clone());
    open_card(&mut reception, h);
    reception.take_requests();
    key(&mut reception, KeyCode::Char('o'));
    assert_eq!(serve_open(&mut reception), vec![page("new")]);
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 2);
}

// ---------------------------------------------------------------------------------------------
// The real binary

#[test]
fn check_names_each_missing_organisation_detail_and_the_command_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("no-config.toml"), "").unwrap();
    let db = d.join("shared.sqlite");
    let db = db.to_str().unwrap();
    let o = safedesk(d, &["--db", db, "--user", "hcarter", "init"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The built-in details are complete: nothing said.
    let o = safedesk(d, &["--db", db, "check"]);
    assert!(
        !stdout(&o).contains("Letters cannot be saved"),
        "{}",
        stdout(&o)
    );
    std::fs::write(
        d.join("org.toml"),
        "name = \"Northside Advice\"\nemail = \"help@northside.example\"\ncomplaints = \"Write to our chair.\"\n",
    )
    .unwrap();
    let o = safedesk(
        d,
        &[
            "--db",
            db,
            "--user",
            "hcarter",
            "letters",
            "set-organisation",
            "org.toml",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("no address, phone"), "{}", stderr(&o));
    let o = safedesk(d, &["--db", db, "check"]);
    let out = stdout(&o);
    assert!(
        out.contains("Letters cannot be saved: the organisation's details have no address, phone"),
        "{out}"
    );
    assert!(
        out.contains("safedesk letters set-organisation FILE"),
        "{out}"
    );
    // The damage check itself still passes.
    assert_eq!(o.status.code(), Some(0), "{out}");
    let o = safedesk(d, &["--db", db, "check", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["organisation_missing"],
        serde_json::json!(["address", "phone"])
    );
    // letters show says where letters go: beside the database.
    let o = safedesk(d, &["--db", db, "--user", "hcarter", "letters", "show"]);
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "Letters are saved in: {}",
            d.join("letters").display()
        )),
        "{out}"
    );
}

#[test]
fn import_sets_an_address_postcode_and_large_print_and_refuses_nonsense() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("no-config.toml"), "").unwrap();
    let db = d.join("shared.sqlite");
    let dbs = db.to_str().unwrap();
    let o = safedesk(d, &["--db", dbs, "--user", "hcarter", "init"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let id = {
        let mut store = SqliteStore::open(&db, &opts()).unwrap();
        let me = actor(&mut store, "hcarter");
        store
            .add_customer(
                &me,
                NewCustomer {
                    name: Some("Tunde Okafor".into()),
                    ..NewCustomer::default()
                },
            )
            .unwrap()
            .id
    };
    let lines = format!(
        "{{\"details\": {{\"customer\": \"{id}\", \"address\": [\"41 Colindale Avenue\", \"London\"], \"postcode\": \"nw9 6rb\", \"letters\": \"large print\"}}}}\n\
         {{\"details\": {{\"customer\": \"{id}\", \"letters\": \"huge\"}}}}\n"
    );
    std::fs::write(d.join("in.jsonl"), lines).unwrap();
    let o = safedesk(d, &["--db", dbs, "--user", "hcarter", "import", "in.jsonl"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("details {id}")),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("letters is \"huge\""), "{}", stderr(&o));
    let mut store = SqliteStore::open(&db, &opts()).unwrap();
    let c = store.history(id).unwrap().unwrap().customer;
    assert_eq!(c.address, vec!["41 Colindale Avenue", "London"]);
    assert_eq!(c.postcode, "NW9 6RB");
    assert!(c.large_print && !c.easy_read);
}

#[test]
fn the_store_worker_opens_the_page_as_asked_and_answers() {
    use safedesk::sync::worker::{self, Context};
    use safedesk::sync::Request;
    let mut w = tunde();
    let ctx = Context {
        policy: w.policy.clone(),
        actor: w.manager.clone(),
        local: None,
        database: w.store.database_id().unwrap(),
        also: vec![],
        file: None,
        read_only: false,
    };
    let pc = SqliteStore::open(&w.path, &opts()).unwrap();
    let (req_tx, req_rx) = std::sync::mpsc::channel();
    let (reply_tx, replies) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        worker::run(Box::new(pc), ctx, req_rx, move |r| reply_tx.send(r).is_ok())
    });
    let mut replies = common::replies::Replies::new(replies);
    let page = w.db.dir.path().join("letter.html");
    std::fs::write(&page, "<html></html>").unwrap();
    let log = w.db.dir.path().join("opened.txt");
    let with = safedesk::letters::OpenWith::parse(&format!("record:{}", log.display())).unwrap();
    req_tx
        .send(Request::OpenPage {
            page: page.clone(),
            with: with.clone(),
        })
        .unwrap();
    let result = replies.wait(|r| match r {
        Reply::PageOpened { page: p, result } if *p == page => Some(result.clone()),
        _ => None,
    });
    assert_eq!(result, Ok(()));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap().trim(),
        page.display().to_string()
    );
    let gone = w.db.dir.path().join("gone.html");
    req_tx
        .send(Request::OpenPage {
            page: gone.clone(),
            with,
        })
        .unwrap();
    let result = replies.wait(|r| match r {
        Reply::PageOpened { page: p, result } if *p == gone => Some(result.clone()),
        _ => None,
    });
    assert!(result.unwrap_err().contains("is not there"));
}
