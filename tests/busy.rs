//! The wait for another PC's lock is bounded by time, not by how many times SQLite asked: with
//! busy_timeout_ms = 3000 a write gives up after about three seconds, whatever the length of a
//! sleep on this system (Windows sleeps in steps of up to 15.6 ms). Its own file, so that no
//! other test changes the process's patience meanwhile.

mod common;

use safedesk::domain::NewCustomer;
use safedesk::store::{OpenOptions, SqliteStore, Store, StoreError};
use std::time::{Duration, Instant};

#[test]
fn a_write_held_up_by_another_lock_gives_up_after_the_setting_not_later() {
    let w = common::world::tunde();
    let timeout = Duration::from_millis(3000);
    let opts = OpenOptions {
        busy_timeout_ms: 3000,
        ..OpenOptions::default()
    };
    let mut store = SqliteStore::open(&w.path, &opts).unwrap();
    let me = common::world::actor(&mut store, "ahassan");
    // Another program holds the write lock and keeps it.
    let other = rusqlite::Connection::open(&w.path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = Instant::now();
    let e = store
        .add_customer(
            &me,
            NewCustomer {
                name: Some("Waiting Person".into()),
                ..NewCustomer::default()
            },
        )
        .expect_err("the write cannot get the lock");
    let waited = started.elapsed();
    assert!(matches!(e, StoreError::Locked { .. }), "{e}");
    // It waited the whole setting, and gave up soon after (the bound is generous: this is a
    // check of behaviour, not a measurement).
    assert!(waited >= timeout, "gave up after {waited:?}");
    assert!(
        waited < timeout + Duration::from_secs(2),
        "waited {waited:?}"
    );
    other.execute_batch("ROLLBACK").unwrap();
}
