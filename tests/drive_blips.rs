//! What a network mount's short-lived failures are judged as: the drive's trouble, queued or
//! tried again, never damage. The shim file layer makes them (its settings are for the whole
//! process, so these tests take turns).
//!
//! - On an SMB share mounted with FUSE, the mount releases a closed file late, so Samba refuses
//!   to delete a journal SQLite has just closed (`SQLITE_IOERR_DELETE`, about 1 save in 100).
//!   The save is then not finished (the journal left behind undoes it): it is queued.
//! - A mount that drops out for a moment gives back a short read, which SQLite fills with zeros
//!   and calls "malformed"; by the time the file is read back to check, the server may be back.
//!   Before the file is called damaged, the write is tried once more on a fresh page cache.

use safedesk::domain::{Actor, NewIncident};
use safedesk::policy::Policy;
use safedesk::store::sqlite::shim;
use safedesk::store::{OpenOptions, SqliteStore, Store, StoreError};
use safedesk::sync::local::Local;
use safedesk::sync::worker::{self, Context};
use safedesk::sync::Reply;
use std::sync::Mutex;

/// The shim's settings are the whole process's: one test at a time.
static SHIM: Mutex<()> = Mutex::new(());

#[test]
fn a_journal_the_share_will_not_delete_is_queued_not_called_damaged() {
    let _turn = SHIM.lock().unwrap_or_else(|e| e.into_inner());
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
    let deborah = store.lookup("07700 900123", 30).unwrap()[0]
        .history
        .customer
        .id;
    let before = store.counts().unwrap().incidents;
    let policy = Policy::built_in();

    // The store says what it is: the drive's trouble, which belongs in the outbox.
    shim::fail_deletes(1);
    let deletes = shim::counts().deletes;
    let e = store
        .record_incident(
            &actor,
            &policy,
            &NewIncident::example(deborah, "Deborah Johnson"),
        )
        .unwrap_err();
    assert!(
        shim::counts().deletes > deletes,
        "the save tried to delete its journal"
    );
    assert!(
        matches!(e, StoreError::Unavailable { .. }),
        "the drive's trouble, not {e:?}"
    );
    assert!(e.is_transient(), "{e}");
    assert!(!e.to_string().contains("damaged"), "{e}");
    // The same connection carries on: the journal left behind is dealt with, nothing is damaged.
    assert_eq!(
        store.lookup("07700 900123", 30).unwrap()[0]
            .history
            .customer
            .id,
        deborah
    );
    assert_eq!(store.damage_check().unwrap(), None);

    // Through the worker, as the app and `safedesk import` save: queued and said plainly, then
    // delivered once when the share lets go.
    let local = Local::new(dir.path().join("local"));
    let id = store.database_id().unwrap();
    let ctx = Context {
        policy: policy.clone(),
        actor: actor.clone(),
        local: Some(local.clone()),
        database: id.clone(),
        also: vec![store.location()],
        file: safedesk::sync::local::file_mark(&path),
        read_only: false,
    };
    let inc = NewIncident::example(deborah, "Deborah Johnson");
    shim::fail_deletes(1);
    match worker::save_or_queue(&mut store, &ctx, inc.clone()) {
        Reply::Queued { reason } => assert!(
            reason.contains("Check the network drive") && !reason.contains("damaged"),
            "{reason}"
        ),
        other => panic!("not queued: {other:?}"),
    }
    assert_eq!(local.outbox(&id).len(), 1);
    shim::fail_deletes(0);
    let delivered: Vec<_> = worker::replay(&mut store, &ctx)
        .into_iter()
        .filter_map(|r| match r {
            Reply::OutboxDelivered(n) => Some(n),
            _ => None,
        })
        .collect();
    assert_eq!(delivered, vec![1]);
    assert!(local.outbox(&id).is_empty());
    // A second replay writes nothing more.
    assert!(!worker::replay(&mut store, &ctx)
        .iter()
        .any(|r| matches!(r, Reply::OutboxDelivered(_))));
    drop(store);

    let mut plain = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    let logged = plain
        .audit_for(&inc.id.to_string())
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "log incident")
        .count();
    assert_eq!(logged, 1, "the queued incident is there once");
    let after = plain.counts().unwrap().incidents;
    assert!(
        after == before + 1 || after == before + 2,
        "the queued incident once, and the first one at most once: {before} then {after}"
    );
    assert_eq!(plain.damage_check().unwrap(), None);
}

#[test]
fn a_read_the_mount_dropped_for_a_moment_is_not_called_damaged() {
    let _turn = SHIM.lock().unwrap_or_else(|e| e.into_inner());
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
    let policy = Policy::built_in();
    let deborah = store.lookup("07700 900123", 30).unwrap()[0]
        .history
        .customer
        .id;
    let before = store.counts().unwrap().incidents;
    // Another connection's save empties this one's page cache, so the next save reads pages
    // afresh: the first read past the header comes back short (zeros), then the mount answers.
    {
        let mut other = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
        other
            .record_incident(
                &actor,
                &policy,
                &NewIncident::example(deborah, "Deborah Johnson"),
            )
            .unwrap();
    }
    shim::set_reads(shim::Reads::ShortOnceFrom(100));
    let inc = NewIncident::example(deborah, "Deborah Johnson");
    let saved = store.record_incident(&actor, &policy, &inc);
    shim::set_reads(shim::Reads::Work);
    if let Err(e) = &saved {
        assert!(!e.to_string().contains("damaged"), "{e}");
        assert!(e.is_transient(), "the drive's trouble: {e}");
    }
    saved.unwrap();
    assert_eq!(store.counts().unwrap().incidents, before + 2);
    let logged = store
        .audit_for(&inc.id.to_string())
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "log incident")
        .count();
    assert_eq!(logged, 1, "saved once");
    assert_eq!(store.damage_check().unwrap(), None);
}
