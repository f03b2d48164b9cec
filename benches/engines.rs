//! The two engines side by side (issue 21, item 6): the same generated office (100 000 customers,
//! 1 000 000 incidents, from `cargo bench --bench scale`) in its SQLite file and moved into a
//! private PostgreSQL server on this machine, and the same store calls timed on each: the 13
//! bench lookups, opening a card, a page of the manager's queue and saving an incident; then 20
//! processes saving 200 incidents each at once, every one saved exactly once.
//!
//! ```sh
//! cargo bench --bench scale                          # makes target/bench-data/scale.sqlite once
//! cargo bench --features postgres --bench engines    # this (moves the file: a few minutes)
//! cargo bench --features postgres --bench engines -- --small   # small.sqlite (scale -- --small)
//! ```
//!
//! A call the PostgreSQL store does not do yet is reported as such, not timed.

#[path = "../tests/common/pg.rs"]
#[allow(dead_code)]
mod pg;

use safedesk::domain::{Actor, Id, NewIncident, QueueQuery};
use safedesk::policy::Policy;
use safedesk::store::postgres::{copy, PgConfig, PgStore};
use safedesk::store::{OpenOptions, SqliteStore, Store};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const WRITERS: usize = 20;
const EACH: usize = 200;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[(((sorted.len() as f64) - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// Time `f` `rounds` times after two warm-up calls: p50 and p99, or what went wrong.
fn timed<T>(rounds: usize, mut f: impl FnMut() -> safedesk::store::Result<T>) -> String {
    for _ in 0..2 {
        if let Err(e) = f() {
            return format!("not measured: {e}");
        }
    }
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        if let Err(e) = f() {
            return format!("failed: {e}");
        }
        times.push(t.elapsed());
    }
    times.sort();
    format!(
        "p50 {:>10}  p99 {:>10}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99))
    )
}

fn actor(store: &mut dyn Store, login: &str) -> Actor {
    Actor {
        login: login.into(),
        staff: store.staff_by_login(login).ok().flatten(),
    }
}

/// One writer process: `EACH` incidents against customer `customer`, each sent twice (as an
/// outbox replay would), on the database at `address`.
fn writer(address: &str, n: usize, customer: Id) {
    // The same patience on both engines: a writer waits up to a minute for the others.
    let patient = OpenOptions {
        busy_timeout_ms: 60_000,
        ..OpenOptions::default()
    };
    let mut store: Box<dyn Store> = if safedesk::store::is_postgres_address(address) {
        Box::new(PgStore::open(&PgConfig::parse(address).unwrap(), &patient).unwrap())
    } else {
        Box::new(SqliteStore::open(address.as_ref(), &patient).unwrap())
    };
    let me = actor(&mut *store, "ahassan");
    let policy = Policy::built_in();
    for i in 0..EACH {
        let mut inc = NewIncident::example(customer, "Bench Person");
        inc.description = format!("Writer {n}, incident {i}");
        for _ in 0..2 {
            store.record_incident(&me, &policy, &inc).unwrap();
        }
    }
}

/// Twenty processes at once; how long, and how many of their incidents the database holds.
fn many_writers(address: &str, store: &mut dyn Store) -> String {
    let Ok(hits) = store.lookup("Bench Person", 1) else {
        return "not measured: lookup is not yet available here".into();
    };
    let customer = match hits.first() {
        Some(h) => h.history.customer.id,
        None => {
            let me = actor(store, "ahassan");
            match store.add_customer(
                &me,
                safedesk::domain::NewCustomer {
                    name: Some("Bench Person".into()),
                    ..Default::default()
                },
            ) {
                Ok(c) => c.id,
                Err(e) => return format!("not measured: {e}"),
            }
        }
    };
    let before = store
        .history(customer)
        .ok()
        .flatten()
        .map_or(0, |h| h.incidents.len());
    let exe = std::env::current_exe().unwrap();
    let t = Instant::now();
    let children: Vec<_> = (0..WRITERS)
        .map(|n| {
            std::process::Command::new(&exe)
                .args(["--writer", address, &n.to_string(), &customer.to_string()])
                .spawn()
                .unwrap()
        })
        .collect();
    let mut failed = 0;
    for mut c in children {
        if !c.wait().unwrap().success() {
            failed += 1;
        }
    }
    let took = t.elapsed();
    let after = store
        .history(customer)
        .ok()
        .flatten()
        .map_or(0, |h| h.incidents.len());
    format!(
        "{WRITERS} processes x {EACH} incidents (each sent twice): {} saved, {} expected, {failed} processes failed, in {:.1} s",
        after - before,
        WRITERS * EACH,
        took.as_secs_f64()
    )
}

fn measure(name: &str, address: &str, store: &mut dyn Store, rounds: usize) {
    println!("--- {name}");
    let mut all = Vec::new();
    for q in safedesk::demo::BENCH_QUERIES {
        let line = timed(rounds, || store.lookup(q, 30));
        println!("lookup {q:<24} {line}");
        if line.starts_with("p50") {
            for _ in 0..rounds {
                let t = Instant::now();
                let _ = store.lookup(q, 30);
                all.push(t.elapsed());
            }
        }
    }
    all.sort();
    if !all.is_empty() {
        println!(
            "lookup, all 13 queries        p50 {:>10}  p99 {:>10}",
            ms(percentile(&all, 0.5)),
            ms(percentile(&all, 0.99))
        );
    }
    let ids: Vec<Id> = safedesk::demo::BENCH_QUERIES
        .iter()
        .filter_map(|q| store.lookup(q, 1).ok())
        .flatten()
        .map(|h| h.history.customer.id)
        .collect();
    let mut i = 0;
    let card = timed(rounds, || {
        i += 1;
        match ids.get(i % ids.len().max(1)) {
            Some(id) => store.history(*id).map(|_| ()),
            None => Err(safedesk::store::StoreError::Missing(
                "a customer to open".into(),
            )),
        }
    });
    println!("open a customer card           {card}");
    let today = safedesk::time::london_date(chrono::Utc::now());
    let queue = timed(rounds / 4, || {
        store.queue_page(&QueueQuery::default(), today)
    });
    println!("a page of the queue            {queue}");
    let me = actor(store, "ahassan");
    let policy = Policy::built_in();
    let customer = ids.first().copied();
    let save = timed(rounds / 4, || match customer {
        Some(c) => store
            .record_incident(&me, &policy, &NewIncident::example(c, "Bench"))
            .map(|_| ()),
        None => Err(safedesk::store::StoreError::Missing("a customer".into())),
    });
    println!("save an incident               {save}");
    println!("{}", many_writers(address, store));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--writer") {
        writer(
            &args[i + 1],
            args[i + 2].parse().unwrap(),
            args[i + 3].parse().unwrap(),
        );
        return;
    }
    let small = args.iter().any(|a| a == "--small");
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-data")
        .join(if small {
            "small.sqlite"
        } else {
            "scale.sqlite"
        });
    if !file.exists() {
        eprintln!(
            "{} is not there: make it first with cargo bench --bench scale{}",
            file.display(),
            if small { " -- --small" } else { "" }
        );
        std::process::exit(2);
    }
    // The writers add to the file: work on a copy, so the scale bench's file stays as made.
    let work = tempfile::tempdir_in(file.parent().unwrap()).unwrap();
    let sqlite = work.path().join("office.sqlite");
    std::fs::copy(&file, &sqlite).unwrap();
    // The scale bench's file may be from an older safedesk: the copy is brought up to date
    // first, as `safedesk migrate` asks of an office's file.
    drop(SqliteStore::open(&sqlite, &OpenOptions::default()).unwrap());
    let server = pg::PgServer::start("bench").expect("PostgreSQL installed");
    server.sql("postgres", "CREATE DATABASE office");
    let address = server.superuser_address("office");
    let config = PgConfig::parse(&address).unwrap();
    let t = Instant::now();
    let moved = copy::from_sqlite(&sqlite, &config).unwrap();
    println!(
        "moved {} customers and {} incidents into PostgreSQL in {:.1} s",
        moved
            .tables
            .iter()
            .find(|(t, _)| t == "customer")
            .unwrap()
            .1,
        moved
            .tables
            .iter()
            .find(|(t, _)| t == "incident")
            .unwrap()
            .1,
        t.elapsed().as_secs_f64()
    );
    server.sql("office", "ANALYZE");
    let rounds = if small { 50 } else { 200 };
    let mut file_store = SqliteStore::open(&sqlite, &OpenOptions::default()).unwrap();
    measure(
        "SQLite (local file)",
        sqlite.to_str().unwrap(),
        &mut file_store,
        rounds,
    );
    let mut pg_store = PgStore::open(&config, &OpenOptions::default()).unwrap();
    measure(
        "PostgreSQL (local server, Unix socket)",
        &address,
        &mut pg_store,
        rounds,
    );
}
