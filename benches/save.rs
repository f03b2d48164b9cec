//! Saving an incident while 10 other processes write to the same database file.
//!
//! ```sh
//! cargo bench --bench save
//! ```
//!
//! The bench makes a demo database, starts 10 copies of itself as writers, and meanwhile saves
//! 300 incidents one at a time (a short pause between them, as a person would) and reports the
//! latency of each save: p50, p99 and the worst. A save that ran out of patience (the busy
//! timeout) is counted: it would have gone to the outbox.
//!
//! Two runs: the writers each save every 100 ms (1 000 saves a minute between them, far more
//! than any office makes), then as fast as they can (`-- --flat-out` for that run alone).

use safedesk::domain::{Actor, NewIncident, Role};
use safedesk::policy::Policy;
use safedesk::store::{OpenOptions, SqliteStore, Store};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const WRITERS: usize = 10;
const SAVES: usize = 300;

fn incident(customer: safedesk::domain::Id, n: usize) -> NewIncident {
    NewIncident {
        category: "persistent".into(),
        behaviours: vec!["excessive_contact".into()],
        response: "warned".into(),
        description: format!("Benchmark call number {n}: called again about the same letter."),
        ..NewIncident::example(customer, "")
    }
}

fn actor(store: &mut SqliteStore, login: &str) -> Actor {
    Actor {
        staff: store.staff_by_login(login).unwrap(),
        login: login.into(),
    }
}

/// Customers to write against: any generated ones.
fn customers(store: &mut SqliteStore) -> Vec<safedesk::domain::Id> {
    [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "r", "s",
        "t", "w",
    ]
    .iter()
    .flat_map(|q| store.lookup(q, 30).unwrap())
    .map(|h| h.history.customer.id)
    .collect()
}

fn writer(db: &Path, stop: &Path, id: usize, pause: Duration) {
    let mut store = SqliteStore::open(db, &OpenOptions::default()).unwrap();
    let policy = Policy::built_in();
    let me = actor(&mut store, "cevans");
    let targets: Vec<_> = std::fs::read_to_string(db.with_extension("targets"))
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    let mut n = 0;
    let mut failed = 0;
    while !stop.exists() {
        let c = targets[(id * 7 + n) % targets.len()];
        if store
            .record_incident(&me, &policy, &incident(c, n))
            .is_err()
        {
            failed += 1;
        }
        n += 1;
        std::thread::sleep(pause);
    }
    println!("WRITER {id} {n} {failed}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--writer") {
        let db = PathBuf::from(&args[i + 1]);
        let stop = PathBuf::from(&args[i + 2]);
        let id: usize = args[i + 3].parse().unwrap();
        let pause: u64 = args[i + 4].parse().unwrap();
        writer(&db, &stop, id, Duration::from_millis(pause));
        return;
    }
    if args.iter().any(|a| a == "--flat-out") {
        run(0);
    } else {
        run(100);
        run(0);
    }
}

fn run(pause_ms: u64) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("save.sqlite");
    let stop = dir.join("save.stop");
    let _ = std::fs::remove_file(&db);
    let _ = std::fs::remove_file(&stop);
    safedesk::demo::db::create(&db, &OpenOptions::default()).unwrap();
    let targets = {
        let mut s = SqliteStore::open(&db, &OpenOptions::default()).unwrap();
        customers(&mut s)
    };
    // The writers read their customers from here rather than the busy database.
    let list: Vec<String> = targets.iter().map(|t| t.to_string()).collect();
    std::fs::write(db.with_extension("targets"), list.join("\n")).unwrap();
    let saves = if pause_ms == 0 { SAVES / 6 } else { SAVES };
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..WRITERS)
        .map(|i| {
            Command::new(&exe)
                .args([
                    "--writer",
                    db.to_str().unwrap(),
                    stop.to_str().unwrap(),
                    &i.to_string(),
                    &pause_ms.to_string(),
                ])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // Let the writers get going.
    std::thread::sleep(Duration::from_millis(500));
    let mut store = SqliteStore::open(&db, &OpenOptions::default()).unwrap();
    let policy = Policy::built_in();
    let me = actor(&mut store, "psharma");
    assert_eq!(me.staff.as_ref().map(|s| s.role), Some(Role::Phone));
    let mut times = Vec::new();
    let mut gave_up = 0;
    let started = Instant::now();
    for n in 0..saves {
        let inc = incident(targets[n % targets.len()], n);
        let t = Instant::now();
        if store.record_incident(&me, &policy, &inc).is_err() {
            gave_up += 1;
        }
        times.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(10));
    }
    let elapsed = started.elapsed();
    std::fs::write(&stop, "stop").unwrap();
    let mut written = 0;
    for c in children {
        let out = c.wait_with_output().unwrap();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if parts.first() == Some(&"WRITER") {
                written += parts[2].parse::<usize>().unwrap_or(0);
            }
        }
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "writers pausing {pause_ms} ms between saves: save p50 {:.1} ms, p99 {:.1} ms, worst {:.1} ms ({saves} saves, {gave_up} ran out of patience and would have gone to the outbox)",
        ms(pct(0.5)),
        ms(pct(0.99)),
        ms(*times.last().unwrap())
    );
    println!(
        "the other writers saved {written} incidents in {:.1} s ({:.0} a second)",
        elapsed.as_secs_f64(),
        written as f64 / elapsed.as_secs_f64()
    );
    let _ = std::fs::remove_file(&stop);
}
