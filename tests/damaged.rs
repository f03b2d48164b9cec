//! A damaged file is not used silently: a file with junk written into a middle page (and which
//! reads back, so it is not the drive) fails its quick check after opening; the worker tells the
//! app, which says so on the status line and refuses to start a record; the store refuses every
//! write; and `safedesk check` says which records are affected and which backup to take.

mod common;
use common::render;
use common::screen::{app_as, staff};
use common::{safedesk, stdout};

use safedesk::domain::{Actor, NewIncident, Role};
use safedesk::policy::Policy;
use safedesk::store::{OpenOptions, SqliteStore, Store, StoreError};
use safedesk::sync::worker::{self, Context};
use safedesk::sync::Reply;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A demo database with half of one of the incident table's middle leaf pages overwritten,
/// as a torn write leaves it.
fn damaged_demo(dir: &Path) -> PathBuf {
    let path = dir.join("shared.sqlite");
    drop(safedesk::demo::db::create(&path, &OpenOptions::default()).unwrap());
    let (page, size): (u64, u64) = {
        let c = rusqlite::Connection::open(&path).unwrap();
        let leaves: u64 = c
            .query_row(
                "SELECT count(*) FROM dbstat WHERE name = 'incident' AND pagetype = 'leaf'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let page = c
            .query_row(
                "SELECT pageno FROM dbstat WHERE name = 'incident' AND pagetype = 'leaf' \
                 ORDER BY pageno LIMIT 1 OFFSET ?1",
                [leaves / 2],
                |r| r.get(0),
            )
            .unwrap();
        (
            page,
            c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap(),
        )
    };
    let mut bytes = std::fs::read(&path).unwrap();
    let start = ((page - 1) * size + 8) as usize;
    let mut x: u32 = 12345;
    for b in &mut bytes[start..start + size as usize / 2] {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        *b = (x >> 16) as u8;
    }
    std::fs::write(&path, &bytes).unwrap();
    path
}

#[test]
fn a_damaged_file_is_named_at_start_and_no_write_reaches_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = damaged_demo(dir.path());
    let mut store = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    let reception = Actor {
        login: "ahassan".into(),
        staff: store.staff_by_login("ahassan").unwrap(),
    };
    let someone = store.lookup("deborah", 5).unwrap()[0].history.customer.id;

    let why = store
        .damage_check()
        .unwrap()
        .expect("the quick check finds the damage");
    assert!(why.contains("is damaged"), "{why}");
    assert!(why.contains("safedesk check says which records"), "{why}");
    assert!(why.len() < 320, "fits the status line's four rows: {why}");

    // Writes are refused, and not a byte of the file changes.
    let before = std::fs::read(&path).unwrap();
    let e = store
        .record_incident(
            &reception,
            &Policy::built_in(),
            &NewIncident::example(someone, "Deborah Johnson"),
        )
        .unwrap_err();
    assert!(matches!(e, StoreError::Damaged { .. }), "{e:?}");
    assert!(!e.is_transient(), "not kept to be written into it later");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    drop(store);

    // Through the worker, as the app runs: the screen says so at start.
    let store = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    let ctx = Context {
        policy: Policy::built_in(),
        actor: reception,
        local: None,
        database: "test".into(),
        also: vec![],
        file: None,
        read_only: false,
    };
    let (req_tx, req_rx) = mpsc::channel();
    let (reply_tx, reply_rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        worker::run(Box::new(store), ctx, req_rx, move |r| {
            reply_tx.send(r).is_ok()
        })
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let said = loop {
        match reply_rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Reply::Damaged(why)) => break why,
            Ok(_) => {}
            Err(e) => panic!("the worker never said the file is damaged ({e})"),
        }
    };
    drop(req_tx);
    worker.join().unwrap();

    let mut app = app_as(
        "ahassan",
        Some(staff(2, "Amira Hassan", Role::Reception)),
        chrono::Utc::now(),
        false,
    );
    app.on_reply(Reply::Damaged(said));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("is damaged"), "{screen}");
    // Logging an incident is refused before anything is typed.
    app.open_form();
    assert!(app.overlays.form().is_none());
    assert!(
        matches!(&app.notice, Some(safedesk::app::Notice::Error(e)) if e.contains("is damaged")),
        "{:?}",
        app.notice
    );
}

#[test]
fn check_names_the_records_a_damaged_file_affects_and_the_backup_to_take() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("no-config.toml"), "").unwrap();
    let path = damaged_demo(dir.path());
    let o = safedesk(dir.path(), &["--db", path.to_str().unwrap(), "check"]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("Records affected:"), "{text}");
    assert!(
        text.contains("table incident: the records stored on page"),
        "{text}"
    );
    let rows = safedesk::cli::maintenance::affected_records(&[
        "row 12 missing from index customer_typo_seq".into(),
    ]);
    assert_eq!(rows, ["row 12, missing from the index customer_typo_seq"]);
    assert!(text.contains("Which backup:"), "{text}");
}
