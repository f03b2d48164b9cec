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
//! - A command that runs once (`safedesk import`) has no later poll to deliver what waits in
//!   this PC's outbox: such a moment does not leave the rest waiting with nothing said.

use safedesk::cli::session::Session;
use safedesk::domain::{Actor, NewIncident};
use safedesk::policy::Policy;
use safedesk::store::sqlite::shim;
use safedesk::store::{OpenOptions, SqliteStore, Store, StoreError};
use safedesk::sync::local::{Local, OutboxEntry, Submission};
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

/// `safedesk import` as the command runs it, on the file at `path` through the shim, as `login`.
fn import_session(path: &std::path::Path, login: &str) -> Session {
    let opts = OpenOptions {
        vfs: Some(shim::register().unwrap().to_string()),
        busy_timeout_ms: 200,
        ..OpenOptions::default()
    };
    let mut store = SqliteStore::open(path, &opts).unwrap();
    let actor = Actor {
        login: login.into(),
        staff: store.staff_by_login(login).unwrap(),
    };
    Session {
        store: Box::new(store),
        policy: Policy::built_in(),
        policy_version: 0,
        actor,
        demo: true,
        read_only: false,
        letters: Err("not needed".into()),
        at: safedesk::store::Location::File(path.to_path_buf()),
        bell: false,
        plain: false,
        notices: Vec::new(),
        theme: Default::default(),
        local_dir: path.with_extension("local"),
    }
}

/// How many times the audit log says this incident was logged.
fn logged(store: &mut SqliteStore, inc: &NewIncident) -> usize {
    store
        .audit_for(&inc.id.to_string())
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "log incident")
        .count()
}

/// The SMB smoke test's queued incidents that never arrived: `safedesk import` delivered what
/// waited in the outbox until the first delivery the share refused for a moment (a journal it
/// would not delete yet), then left that entry and every one after it waiting, said nothing and
/// ended. Nothing else would deliver them until someone ran safedesk again. Now each entry is
/// tried again while the trouble lasts a moment, and what this run queued is tried again before
/// it ends.
#[test]
fn an_import_delivers_every_waiting_entry_though_the_share_holds_a_journal_for_a_moment() {
    let _turn = SHIM.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    drop(safedesk::demo::db::create(&path, &OpenOptions::default()).unwrap());
    let mut s = import_session(&path, "ahassan");
    let deborah = s.store.lookup("07700 900123", 30).unwrap()[0]
        .history
        .customer
        .id;
    let database = s.store.database_id().unwrap();
    let local = Local::new(dir.path().join("local"));
    let example = |n: usize| NewIncident {
        description: format!("Rang again, call {n}."),
        ..NewIncident::example(deborah, "Deborah Johnson")
    };

    // Five incidents wait from an earlier run, as an import leaves them when the drive goes.
    let waiting: Vec<NewIncident> = (0..5).map(example).collect();
    for (n, inc) in waiting.iter().enumerate() {
        local
            .outbox_put(&OutboxEntry {
                login: "ahassan".into(),
                database: database.clone(),
                file: safedesk::sync::local::file_mark(&path),
                queued_at: chrono::Utc::now() + chrono::Duration::milliseconds(n as i64),
                reason: "the drive was away".into(),
                what: Submission::Incident(inc.clone()),
            })
            .unwrap();
    }
    assert_eq!(local.outbox(&database).len(), 5);
    // The next import starts; the share will not let go of the first delivery's journal.
    shim::fail_deletes(1);
    let deletes = shim::counts().deletes;
    let refused = safedesk::cli::import::import(&mut s, &local, "");
    shim::fail_deletes(0);
    assert_eq!(refused, 0);
    assert!(
        local.outbox(&database).is_empty(),
        "nothing left waiting: {:?}",
        local.outbox(&database)
    );
    assert!(
        shim::counts().deletes > deletes + 1,
        "a journal was refused, and deleted when tried again"
    );
    // A line this import queued for a moment's trouble is delivered before it ends.
    let lines: Vec<NewIncident> = (5..8).map(example).collect();
    let text = lines
        .iter()
        .map(|i| serde_json::to_string(i).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    shim::fail_deletes(1);
    let refused = safedesk::cli::import::import(&mut s, &local, &text);
    shim::fail_deletes(0);
    assert_eq!(refused, 0);
    assert!(
        local.outbox(&database).is_empty(),
        "nothing left waiting: {:?}",
        local.outbox(&database)
    );
    drop(s);

    let mut plain = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    for inc in waiting.iter().chain(&lines) {
        assert_eq!(logged(&mut plain, inc), 1, "{}", inc.description);
    }
    assert_eq!(plain.damage_check().unwrap(), None);
}
