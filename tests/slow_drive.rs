//! The shared file as if on a slow network drive: every file operation SQLite makes is counted by
//! the shim file layer, and can be slowed. How long things take is measured by the benchmarks
//! (`cargo bench --bench scale`); here the behaviour is checked: what is read and written, and
//! that everything still works with a delay on every operation.

use safedesk::domain::{Actor, NewIncident};
use safedesk::policy::Policy;
use safedesk::store::sqlite::shim;
use safedesk::store::{OpenOptions, SqliteStore, Store};
use std::time::Duration;

fn shim_opts() -> OpenOptions {
    OpenOptions {
        vfs: Some(shim::register().unwrap().to_string()),
        ..OpenOptions::default()
    }
}

/// One test only, as the counts and the delay are for the whole process.
#[test]
fn lookups_cards_and_saves_through_a_slow_drive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    drop(safedesk::demo::db::create(&path, &OpenOptions::default()).unwrap());
    let mut store = SqliteStore::open(&path, &shim_opts()).unwrap();
    let policy = Policy::built_in();
    let actor = Actor {
        login: "ahassan".into(),
        staff: store.staff_by_login("ahassan").unwrap(),
    };

    // A cold lookup reads pages; the same lookup again is answered from the page cache: the file
    // is touched only for the lock and the 16-byte check that nothing changed.
    let hits = store.lookup("07700 900123", 10).unwrap();
    assert_eq!(hits[0].history.customer.display_name(), "Deborah Johnson");
    let before = shim::counts();
    let again = store.lookup("07700 900123", 10).unwrap();
    let warm = shim::counts().since(&before);
    assert_eq!(again, hits);
    eprintln!("warm repeated lookup: {warm:?}");
    assert_eq!((warm.reads, warm.bytes_read), (1, 16), "{warm:?}");
    assert_eq!((warm.writes, warm.syncs, warm.opens), (0, 0, 0), "{warm:?}");
    assert!(
        warm.locks >= 2,
        "a shared lock is taken and given back: {warm:?}"
    );

    // A card, warm: no pages read either.
    let id = hits[0].history.customer.id;
    store.history(id).unwrap();
    let before = shim::counts();
    let card = store.history(id).unwrap().unwrap();
    let warm_card = shim::counts().since(&before);
    eprintln!("warm card: {warm_card:?}");
    assert_eq!(warm_card.reads, 1, "{warm_card:?}");
    assert!(!card.incidents.is_empty());

    // With 2 ms added to every file operation, everything still works.
    shim::set_delay(Duration::from_millis(2));
    let before = shim::counts();
    let started = std::time::Instant::now();
    let slow = store.lookup("Deborah Jonhson", 10).unwrap();
    let took = started.elapsed();
    let ops = shim::counts().since(&before).total();
    assert_eq!(slow[0].history.customer.id, id);
    // The delay was really there: at least 2 ms for every operation (a lower bound only).
    assert!(
        took >= Duration::from_millis(2 * ops),
        "{ops} operations in {took:?}"
    );
    let inc = NewIncident::example(id, "Deborah Johnson");
    let before = shim::counts();
    let saved = store.record_incident(&actor, &policy, &inc).unwrap();
    let save = shim::counts().since(&before);
    shim::set_delay(Duration::ZERO);
    eprintln!("one save: {save:?}");
    assert!(!saved.already_saved);
    // synchronous=FULL with a rollback journal: the journal is synced before the database is
    // written, the database is synced, and the journal is deleted at commit.
    assert!(save.syncs >= 2, "{save:?}");
    assert!(save.deletes >= 1, "{save:?}");
    assert!(save.writes >= 2, "{save:?}");
    // The other connection (no shim) sees it.
    let mut plain = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    let h = plain.history(id).unwrap().unwrap();
    assert!(h.incidents.iter().any(|i| i.id == inc.id));
}
