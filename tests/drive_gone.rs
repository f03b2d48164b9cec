//! The shared drive goes away while safedesk runs, and comes back: the store worker answers
//! lookups and cards from what it last read (and says so), keeps a new incident in this PC's
//! outbox, reports the trouble, and delivers the incident once, without a restart, when the drive
//! is back. The drive's going is made by the shim file layer, which fails every file operation.

mod common;

use common::replies::Replies;
use safedesk::domain::{Actor, NewIncident};
use safedesk::policy::Policy;
use safedesk::store::sqlite::shim;
use safedesk::store::{OpenOptions, SqliteStore, Store};
use safedesk::sync::local::Local;
use safedesk::sync::worker::{self, Context};
use safedesk::sync::{Health, Reply, Request};
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn the_drive_goes_away_and_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    drop(safedesk::demo::db::create(&path, &OpenOptions::default()).unwrap());
    let opts = OpenOptions {
        vfs: Some(shim::register().unwrap().to_string()),
        busy_timeout_ms: 200,
        ..OpenOptions::default()
    };
    let mut store = SqliteStore::open(&path, &opts).unwrap();
    let actor = Actor {
        login: "ahassan".into(),
        staff: store.staff_by_login("ahassan").unwrap(),
    };
    let local = Local::new(dir.path().join("local"));
    let id = store.database_id().unwrap();
    let ctx = Context {
        policy: Policy::built_in(),
        actor,
        local: Some(local.clone()),
        database: id.clone(),
        also: vec![store.location()],
        file: safedesk::sync::local::file_mark(&path),
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

    // The drive is there: a lookup and a card are read.
    req_tx
        .send(Request::Lookup {
            seq: 1,
            query: "07700 900123".into(),
        })
        .unwrap();
    let hits = replies.wait(|r| match r {
        Reply::Lookup { result, .. } => Some(result.clone().unwrap()),
        _ => None,
    });
    let deborah = hits[0].history.customer.id;
    req_tx.send(Request::LoadCard { id: deborah }).unwrap();
    let before = replies.wait(|r| match r {
        Reply::Card { result, .. } => Some(result.clone().unwrap().unwrap().incidents.len()),
        _ => None,
    });

    // The drive goes.
    shim::set_failing(true);
    req_tx
        .send(Request::Lookup {
            seq: 2,
            query: "07700 900123 ".into(),
        })
        .unwrap();
    let kept = replies.wait(|r| match r {
        Reply::Lookup { seq: 2, result } => Some(result.clone()),
        _ => None,
    });
    assert_eq!(kept.unwrap(), hits, "answered from what was last read");
    // And the screen is told so, with when the answer was read.
    replies.wait(|r| match r {
        Reply::Answered {
            card: false,
            from: Some(at),
            ..
        } => Some(*at),
        _ => None,
    });
    req_tx.send(Request::LoadCard { id: deborah }).unwrap();
    let card = replies.wait(|r| match r {
        Reply::Card { result, .. } => Some(result.clone()),
        _ => None,
    });
    assert!(card.unwrap().is_some());
    // A lookup never made before cannot be answered: the error says what to do.
    req_tx
        .send(Request::Lookup {
            seq: 3,
            query: "kowalczyk".into(),
        })
        .unwrap();
    let e = replies.wait(|r| match r {
        Reply::Lookup { seq: 3, result } => Some(result.clone()),
        _ => None,
    });
    assert!(e.unwrap_err().contains("Check the network drive"));
    // A new incident waits safely in this PC's outbox.
    let inc = NewIncident::example(deborah, "Deborah Johnson");
    req_tx
        .send(Request::SaveIncident(Box::new(inc.clone())))
        .unwrap();
    replies.wait(|r| matches!(r, Reply::Queued { .. }).then_some(()));
    replies.wait(|r| match r {
        Reply::Health(Health::Trouble(_)) => Some(()),
        _ => None,
    });
    assert_eq!(local.outbox(&id).len(), 1);

    // The drive comes back: the next poll delivers the incident, once.
    shim::set_failing(false);
    let delivered = replies.wait(|r| match r {
        Reply::OutboxDelivered(n) => Some(*n),
        _ => None,
    });
    assert_eq!(delivered, 1);
    // Later polls deliver nothing more: it was written once.
    replies.settle(Duration::from_millis(1500));
    assert!(
        !replies
            .seen
            .iter()
            .any(|r| matches!(r, Reply::OutboxDelivered(_))),
        "{:?}",
        replies.seen
    );
    drop(req_tx);
    worker.join().unwrap();
    let mut plain = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    let h = plain.history(deborah).unwrap().unwrap();
    assert_eq!(h.incidents.len(), before + 1, "one incident more, not two");
    let logged = plain
        .audit_for(&inc.id.to_string())
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "log incident")
        .count();
    assert_eq!(logged, 1);
    assert!(local.outbox(&id).is_empty());
}
