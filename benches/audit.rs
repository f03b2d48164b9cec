//! Figures for the audit trail (issue 16): how long `safedesk check` takes to follow the hash
//! chain of 1 000 000 audit entries, and what recording who opened a restricted card adds to a
//! card open.
//!
//! ```sh
//! cargo bench --bench audit                  # 1 000 000 entries
//! AUDIT_ENTRIES=100000 cargo bench --bench audit
//! ```
//!
//! The entries are written as an older safedesk (schema 12) wrote them, then the file is opened
//! with this one, so migration 13 chains them all once (its time is reported too). `check
//! --quick` is then run as the command runs it: SQLite's quick check, broken links, counts and
//! the chain (followed in steps of short reads). The database (a few hundred MB) is made in a
//! temporary folder and deleted at the end.
//!
//! A card open with view recording is what the store worker does for every card: read the
//! history (`Store::history`); with recording, also look whether a restriction is in force and
//! note the view on the PC ([`Viewed::seen`]). The write itself is one short transaction a
//! minute for all the cards opened in it; its time is reported once.

use chrono::Utc;
use safedesk::store::sqlite::migrations::MIGRATIONS;
use safedesk::store::{OpenOptions, SqliteStore, Store};
use safedesk::sync::views::Viewed;
use std::time::{Duration, Instant};

fn main() {
    let n: u64 = std::env::var("AUDIT_ENTRIES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..12] {
            c.execute_batch(sql).unwrap();
        }
        c.execute_batch(
            "PRAGMA user_version = 12; INSERT INTO meta (key, value) VALUES ('app', 'safedesk');",
        )
        .unwrap();
        let started = Instant::now();
        c.execute(
            "WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < ?1) \
             INSERT INTO audit (at, staff_id, login, action, entity, entity_id, before, after) \
             SELECT strftime('%Y-%m-%dT%H:%M:%f', '2024-01-01', '+' || n || ' seconds') || 'Z', \
             NULL, 'ahassan', 'log incident', 'incident', printf('%032x', n), NULL, \
             '{\"description\":\"Shouted at the receptionist and was asked to leave.\",\"n\":' || n || '}' \
             FROM i",
            [n],
        )
        .unwrap();
        eprintln!(
            "wrote {n} schema-12 audit entries in {:?}",
            started.elapsed()
        );
    }
    let started = Instant::now();
    let mut store = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    let migrate = started.elapsed();
    let size = std::fs::metadata(&path).unwrap().len();
    let started = Instant::now();
    let report = store.check(true).unwrap();
    let check = started.elapsed();
    let chain = report.audit_chain.unwrap();
    assert_eq!(chain.checked, n);
    assert!(chain.first_break.is_none());
    println!(
        "audit chain: {n} entries ({} MB): migration 13 chained them in {:.1} s; check --quick (with the chain) took {:.1} s",
        size / 1_000_000,
        migrate.as_secs_f64(),
        check.as_secs_f64()
    );
    drop(store);
    drop(dir);

    // A card open, with and without view recording, on the demo database.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    drop(safedesk::demo::db::create(&path, &OpenOptions::default()).unwrap());
    let mut store = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    let id = safedesk::demo::DEBORAH_JOHNSON;
    const OPENS: u32 = 2000;
    let mut plain = Duration::ZERO;
    let mut recorded = Duration::ZERO;
    let mut viewed = Viewed::new(Duration::from_secs(60));
    for round in 0..OPENS * 2 {
        let started = Instant::now();
        let h = store.history(id).unwrap().unwrap();
        if round % 2 == 1 {
            if !safedesk::policy::rules::active_restrictions(&h, Utc::now()).is_empty() {
                viewed.seen(id, Utc::now());
            }
            recorded += started.elapsed();
        } else {
            plain += started.elapsed();
        }
    }
    // The recording step alone, many times over, since it is far below a read's noise.
    let h = store.history(id).unwrap().unwrap();
    const STEPS: u32 = 100_000;
    let started = Instant::now();
    for _ in 0..STEPS {
        if !safedesk::policy::rules::active_restrictions(&h, Utc::now()).is_empty() {
            viewed.seen(id, Utc::now());
        }
    }
    let step = started.elapsed().as_secs_f64() * 1e6 / STEPS as f64;
    let sam = safedesk::domain::Actor {
        staff: store.staff_by_login("spatel").unwrap(),
        login: "spatel".into(),
    };
    let batch = viewed.take_due(true).unwrap();
    let started = Instant::now();
    store.record_views(&sam, &batch).unwrap();
    let write = started.elapsed();
    let per = |d: Duration| d.as_secs_f64() * 1e6 / OPENS as f64;
    println!(
        "card open: {:.0} µs without view recording, {:.0} µs with it; the recording step alone {:.2} µs a card; the minute's batch is one write of {:.1} ms",
        per(plain),
        per(recorded),
        step,
        write.as_secs_f64() * 1e3
    );
}
