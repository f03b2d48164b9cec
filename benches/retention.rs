//! Retention at scale: how long the dry run, the queue's daily count and the real run take on a
//! generated database, and the longest another PC waits to save an incident while the run holds
//! the write lock.
//!
//! ```sh
//! cargo bench --bench retention             # 20 000 customers, 200 000 incidents
//! cargo bench --bench retention -- --big    # 100 000 customers, 1 000 000 incidents
//! ```
//!
//! The database is generated afresh each time in target/bench-data and deleted at the end (the
//! run changes it); the office's policy keeps everything one year, so the generated history's
//! older records are due.

use chrono::Utc;
use safedesk::demo::{self, Scale};
use safedesk::domain::{Actor, NewIncident, Role, SettingKind};
use safedesk::policy::Policy;
use safedesk::store::{OpenOptions, SqliteStore, Store};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn generate(path: &Path, scale: &Scale) -> Actor {
    let started = Instant::now();
    let staff = demo::staff();
    let admin = staff
        .iter()
        .find(|s| s.role == Role::Admin && s.active)
        .unwrap()
        .clone();
    let _ = std::fs::remove_file(path);
    let mut store =
        SqliteStore::create_with_admin(path, &OpenOptions::default(), &admin, true).unwrap();
    let actor = Actor {
        login: admin.login.clone(),
        staff: Some(admin.clone()),
    };
    demo::generate(scale, 7, Utc::now(), 5_000, |mut bulk| {
        bulk.staff.retain(|s| s.id != admin.id);
        store.bulk_load(&actor, &Policy::built_in(), &bulk)
    })
    .unwrap();
    println!(
        "generated {} customers, {} incidents in {:.1} s ({} MB)",
        scale.customers,
        scale.incidents,
        started.elapsed().as_secs_f64(),
        std::fs::metadata(path).unwrap().len() / 1_000_000
    );
    actor
}

fn keeping_one_year() -> String {
    let mut p = safedesk::policy::BUILT_IN.to_string();
    for (from, to) in [
        ("incidents_years = 3", "incidents_years = 1"),
        ("cases_years = 6", "cases_years = 1"),
        ("decisions_years = 6", "decisions_years = 1"),
        ("letters_years = 6", "letters_years = 1"),
        ("customers_years = 6", "customers_years = 1"),
    ] {
        p = p.replace(from, to);
    }
    p
}

fn main() {
    let big = std::env::args().any(|a| a == "--big");
    let scale = if big {
        Scale::BENCH
    } else {
        Scale {
            customers: 20_000,
            incidents: 200_000,
            restrictions: 4_000,
        }
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("retention.sqlite");
    let admin = generate(&path, &scale);
    let mut store = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    store
        .set_office_setting(&admin, SettingKind::Policy, &keeping_one_year())
        .unwrap();
    let today = safedesk::time::london_date(Utc::now());

    let mut plan = None;
    for round in 0..3 {
        let t = Instant::now();
        let p = store.retention_plan(today).unwrap();
        println!(
            "dry run (round {}): {} records due, {} customers held back, {:.0} ms",
            round + 1,
            p.items.len(),
            p.held,
            t.elapsed().as_secs_f64() * 1000.0
        );
        plan = Some(p);
    }
    let (mut n, mut after, mut steps, mut longest) = (0, 0, 0, Duration::ZERO);
    let t = Instant::now();
    loop {
        let s = Instant::now();
        let (k, next) = store.retention_due_step(today, after).unwrap();
        longest = longest.max(s.elapsed());
        steps += 1;
        n += k;
        match next {
            Some(next) => after = next,
            None => break,
        }
    }
    println!(
        "the admins' daily count: {n} in {:.0} ms over {steps} short reads, the longest {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0,
        longest.as_secs_f64() * 1000.0
    );

    // Another PC saves an incident every 20 ms throughout the run (30 s patience).
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let path = path.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut other = SqliteStore::open(
                &path,
                &OpenOptions {
                    busy_timeout_ms: 30_000,
                    ..OpenOptions::default()
                },
            )
            .unwrap();
            let who = Actor {
                login: "ahassan".into(),
                staff: other.staff_by_login("ahassan").unwrap(),
            };
            let kept = other
                .lookup("Deborah Johnson", 1)
                .unwrap()
                .pop()
                .unwrap()
                .history
                .customer;
            let mut waits = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                other
                    .record_incident(
                        &who,
                        &Policy::built_in(),
                        &NewIncident::example(kept.id, "Deborah Johnson"),
                    )
                    .unwrap();
                waits.push(t.elapsed());
                std::thread::sleep(Duration::from_millis(20));
            }
            waits
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    let done = store.retention_run(&admin, today).unwrap();
    let took = t.elapsed();
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    let waits = writer.join().unwrap();
    assert_eq!(done.items.len(), plan.unwrap().items.len());
    println!(
        "the run: removed {} records in {:.0} ms; another PC's saves meanwhile: {}, the longest {:.0} ms",
        done.items.len(),
        took.as_secs_f64() * 1000.0,
        waits.len(),
        waits.iter().max().unwrap().as_secs_f64() * 1000.0
    );
    drop(store);
    let _ = std::fs::remove_file(&path);
}
