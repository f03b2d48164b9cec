//! Lookup latency through a real SMB share beside the local disk: the same database file, read
//! directly and through a Samba server on 127.0.0.1 mounted with smbnetfs (FUSE).
//!
//! ```sh
//! benches/smb.sh            # sets the share up over target/bench-data and runs this
//! ```
//!
//! For each path: the first lookup on a fresh connection (SQLite's cache empty, as after another
//! PC's save), and a lookup repeated on a warm connection. The share is on this machine, so the
//! figures show the cost of the SMB and FUSE layers, not of a real network's round trips.

use safedesk::store::{OpenOptions, SqliteStore, Store};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The scale bench's queries.
const QUERIES: &[&str] = safedesk::demo::BENCH_QUERIES;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

struct Figures {
    cold: Vec<Duration>,
    warm: Vec<Duration>,
}

fn measure(path: &Path) -> Figures {
    let mut cold = Vec::new();
    for _ in 0..3 {
        for q in QUERIES {
            let mut store = SqliteStore::open(path, &OpenOptions::default()).unwrap();
            let t = Instant::now();
            std::hint::black_box(store.lookup(q, 30).unwrap());
            cold.push(t.elapsed());
        }
    }
    let mut store = SqliteStore::open(path, &OpenOptions::default()).unwrap();
    for q in QUERIES {
        store.lookup(q, 30).unwrap();
    }
    let mut warm = Vec::new();
    for _ in 0..20 {
        for q in QUERIES {
            let t = Instant::now();
            std::hint::black_box(store.lookup(q, 30).unwrap());
            warm.push(t.elapsed());
        }
    }
    cold.sort();
    warm.sort();
    Figures { cold, warm }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let after = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
    };
    let (Some(local), Some(mount)) = (after("--local"), after("--mount")) else {
        println!("share bench: run benches/smb.sh, which mounts an SMB share and gives --local and --mount");
        return;
    };
    let l = measure(&local);
    let m = measure(&mount);
    println!(
        "lookup latency, {} queries (p50 / p99)        local disk            SMB share (smbnetfs)",
        QUERIES.len()
    );
    for (what, a, b) in [
        ("first on a fresh connection (cold)", &l.cold, &m.cold),
        ("repeated on a warm connection", &l.warm, &m.warm),
    ] {
        println!(
            "{what:<44} {:>9} / {:>9}   {:>9} / {:>9}   ({} and {} runs)",
            ms(percentile(a, 0.5)),
            ms(percentile(a, 0.99)),
            ms(percentile(b, 0.5)),
            ms(percentile(b, 0.99)),
            a.len(),
            b.len()
        );
    }
}
