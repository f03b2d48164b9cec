//! A drive that gives I/O errors is the drive, not damage. The shim file layer fails reads on
//! demand: with an I/O error (EIO), or with short reads that SQLite fills with zeros and then
//! reports as "database disk image is malformed". Either way the store says the shared database
//! cannot be reached (so kept answers stand in), never that the file is damaged; and a lookup
//! that cannot be answered reaches the app as a failure, which the screen says, never as
//! "No one matches".

mod common;
use common::render;
use common::replies::Replies;
use common::screen::{app_as, staff};

use safedesk::domain::{Actor, Role};
use safedesk::policy::Policy;
use safedesk::store::sqlite::shim::{self, Reads};
use safedesk::store::{OpenOptions, SqliteStore, Store, StoreError};
use safedesk::sync::worker::{self, Context};
use safedesk::sync::Reply;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex, MutexGuard};

/// The shim's failures are for the whole process: one test at a time, and reads working again
/// when it ends, however it ends.
static SHIM: Mutex<()> = Mutex::new(());

struct Failing(#[allow(dead_code)] MutexGuard<'static, ()>);

impl Failing {
    fn take() -> Failing {
        let g = SHIM.lock().unwrap_or_else(|e| e.into_inner());
        shim::set_reads(Reads::Work);
        Failing(g)
    }
}

impl Drop for Failing {
    fn drop(&mut self) {
        shim::set_reads(Reads::Work);
    }
}

/// A demo database in a temp folder, and its page size.
fn demo() -> (tempfile::TempDir, PathBuf, u64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    drop(safedesk::demo::db::create(&path, &OpenOptions::default()).unwrap());
    let page: u64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    (dir, path, page)
}

fn through_shim() -> OpenOptions {
    OpenOptions {
        vfs: Some(shim::register().unwrap().to_string()),
        busy_timeout_ms: 200,
        ..OpenOptions::default()
    }
}

/// Another PC saves something: every other connection's page cache is out of date, so its next
/// read goes to the file.
fn another_pc_saves(path: &Path) {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('eio test', hex(randomblob(8)))",
        [],
    )
    .unwrap();
}

#[test]
fn an_eio_that_sqlite_calls_malformed_is_reported_as_the_drive_not_damage() {
    let _f = Failing::take();
    let (_dir, path, page) = demo();
    let mut store = SqliteStore::open(&path, &through_shim()).unwrap();
    assert!(!store.lookup("deborah", 31).unwrap().is_empty());
    let reception = Actor {
        login: "ahassan".into(),
        staff: store.staff_by_login("ahassan").unwrap(),
    };

    // Short reads past the first page: SQLite reads zeros and says the file is malformed.
    another_pc_saves(&path);
    shim::set_reads(Reads::ShortFrom(page));
    let e = store.lookup("deborah", 31).unwrap_err();
    let text = e.to_string();
    assert!(
        matches!(e, StoreError::Unavailable { .. }),
        "the drive, not damage: {e:?}"
    );
    assert!(e.is_transient(), "kept answers stand in for it");
    assert!(
        text.contains("malformed"),
        "SQLite really did call it malformed: {text}"
    );
    assert!(text.contains("cannot be reached"), "{text}");
    assert!(!text.contains("damaged"), "{text}");
    // A save is the drive's trouble too: it goes to the outbox (transient), never "damaged".
    let e = store
        .add_customer(
            &reception,
            safedesk::domain::NewCustomer {
                name: Some("Eve Example".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(e.is_transient(), "{e:?}");

    // A plain I/O error on every read: the same.
    another_pc_saves(&path);
    shim::set_reads(Reads::Fail);
    let e = store.lookup("kowalczyk", 31).unwrap_err();
    assert!(matches!(e, StoreError::Unavailable { .. }), "{e:?}");
    assert!(!e.to_string().contains("damaged"), "{e}");

    // Reads work again: so does the store, with nothing to put right.
    shim::set_reads(Reads::Work);
    assert!(!store.lookup("deborah", 31).unwrap().is_empty());
}

#[test]
fn a_lookup_during_an_outage_is_a_kept_answer_or_a_failure_never_no_one_matches() {
    let _f = Failing::take();
    let (_dir, path, page) = demo();
    let mut store = SqliteStore::open(&path, &through_shim()).unwrap();
    let actor = Actor {
        login: "pphone".into(),
        staff: store.staff_by_login("pphone").unwrap(),
    };
    let ctx = Context {
        policy: Policy::built_in(),
        actor,
        local: None,
        database: store.database_id().unwrap(),
        also: vec![],
        file: None,
        read_only: false,
    };
    let (req_tx, req_rx) = mpsc::channel();
    let (reply_tx, reply_rx) = mpsc::channel();
    let mut replies = Replies {
        rx: reply_rx,
        seen: Vec::new(),
    };
    let worker = std::thread::spawn(move || {
        worker::run(Box::new(store), ctx, req_rx, move |r| {
            reply_tx.send(r).is_ok()
        })
    });
    // The phone team's screen, fed by the worker.
    let now = chrono::Utc::now();
    let mut app = app_as(
        "priya",
        Some(staff(3, "Priya Sharma", Role::Phone)),
        now,
        false,
    );
    let ask = |app: &mut safedesk::app::App, q: &str, replies: &mut Replies| {
        app.set_query(q);
        for r in app.take_requests() {
            req_tx.send(r).unwrap();
        }
        let seq = app.lookup_sent;
        let result = replies.wait(|r| match r {
            Reply::Lookup { seq: s, result } if *s == seq => Some(result.clone()),
            _ => None,
        });
        let from = replies.wait(|r| match r {
            Reply::Answered {
                card: false, from, ..
            } => Some(*from),
            _ => None,
        });
        app.on_reply(Reply::Lookup {
            seq,
            result: result.clone(),
        });
        app.on_reply(Reply::Answered {
            card: false,
            from,
            took_ms: 1,
        });
        let _ = app.take_requests();
        (result, from)
    };

    // The drive answers: Deborah is found, and the answer kept.
    let (fresh, from) = ask(&mut app, "07700 900123", &mut replies);
    assert!(!fresh.unwrap().is_empty());
    assert_eq!(from, None);

    // The drive returns short reads, which SQLite calls malformed. Deborah's number again: the
    // kept answer, said to be one.
    another_pc_saves(&path);
    shim::set_reads(Reads::ShortFrom(page));
    let (kept, from) = ask(&mut app, "07700 900123 ", &mut replies);
    assert!(!kept.unwrap().is_empty(), "a kept answer, not damage");
    assert!(from.is_some());
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Could not search just now"), "{screen}");
    assert!(screen.contains("Deborah Johnson"), "{screen}");

    // A number never looked up: nothing kept, so the reply carries the failure.
    let (failed, _) = ask(&mut app, "020 7946 0018", &mut replies);
    let why = failed.expect_err("a failure, not an empty result");
    assert!(why.contains("cannot be reached"), "{why}");
    assert!(!why.contains("damaged"), "{why}");
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("No one matches"), "{screen}");
    assert!(screen.contains("COULD NOT SEARCH"), "{screen}");
    assert!(
        !screen.contains("Deborah"),
        "no one else's results: {screen}"
    );

    // Reads working again: the same number is searched, and now found.
    shim::set_reads(Reads::Work);
    let (found, _) = ask(&mut app, "020 7946 0018 ", &mut replies);
    assert!(!found.unwrap().is_empty());
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("COULD NOT SEARCH"), "{screen}");
    assert!(screen.contains("Marek Kowalczyk"), "{screen}");

    drop(req_tx);
    worker.join().unwrap();
}
