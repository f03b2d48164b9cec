//! Importing the old spreadsheet: 50 000 incident rows through the real binary
//! (`safedesk import incidents FILE.csv`), while another instance saves an incident every 50 ms.
//!
//! ```sh
//! cargo bench --bench import            # 50 000 rows
//! cargo bench --bench import -- 5000    # fewer rows
//! ```
//!
//! Reports how long the import took (checking every row, then writing them in batches of short
//! transactions) and, for the other instance, how long each of its saves took while the import
//! ran: p50, p99 and the longest, which is the longest another PC waits for a write. A save that
//! ran out of patience (the busy timeout, 3 s) is counted: it would have gone to the outbox.
//! The database is a demo database in target/bench-data, removed afterwards.

use safedesk::domain::{Actor, NewIncident};
use safedesk::policy::Policy;
use safedesk::store::{OpenOptions, SqliteStore, Store};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const PEOPLE: usize = 500;

fn writer(db: &Path, stop: &Path, customer: &str) {
    let mut store = SqliteStore::open(db, &OpenOptions::default()).unwrap();
    let policy = Policy::built_in();
    let me = Actor {
        staff: store.staff_by_login("admin").unwrap(),
        login: "admin".into(),
    };
    let customer = customer.parse().unwrap();
    let mut times = Vec::new();
    let mut failed = 0;
    while !stop.exists() {
        let inc = NewIncident {
            description: "Another PC's save during the import.".into(),
            ..NewIncident::example(customer, "")
        };
        let t = Instant::now();
        if store.record_incident(&me, &policy, &inc).is_err() {
            failed += 1;
        }
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_millis(50));
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "WRITER {} {:.1} {:.1} {:.1} {failed}",
        times.len(),
        at(0.5),
        at(0.99),
        times.last().copied().unwrap_or(0.0)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--writer") {
        writer(
            Path::new(&args[i + 1]),
            Path::new(&args[i + 2]),
            &args[i + 3],
        );
        return;
    }
    let rows: usize = args
        .iter()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(50_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/import");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("import.sqlite");
    let stop = dir.join("import.stop");
    safedesk::demo::db::create(&db, &OpenOptions::default()).unwrap();
    let someone = {
        let mut s = SqliteStore::open(&db, &OpenOptions::default()).unwrap();
        s.lookup("Deborah Johnson", 1).unwrap()[0]
            .history
            .customer
            .id
    };

    // The spreadsheet: 500 people, 100 incidents each over the last 300 days, dates written as
    // the old spreadsheet did (day first, some as date numbers).
    let today = safedesk::time::london_date(chrono::Utc::now());
    let mut csv = String::from("Date,Name,Phone,How,Category,Action,Details\r\n");
    for n in 0..rows {
        let person = n % PEOPLE;
        let day = today - chrono::Duration::days(1 + (n * 7 % 300) as i64);
        let date = if n % 3 == 0 {
            (day - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap())
                .num_days()
                .to_string()
        } else {
            format!(
                "{} {:02}:{:02}",
                safedesk::time::date(day),
                9 + n % 8,
                n % 60
            )
        };
        let _ = write!(
            csv,
            "{date},Bench Person {person},07700 9{person:05},Telephone,persistent,warned,\"Row {n}: called again about the same letter.\"\r\n"
        );
    }
    let file = dir.join("old.csv");
    std::fs::write(&file, csv).unwrap();
    std::fs::write(dir.join("no-config.toml"), "").unwrap();

    let exe = std::env::current_exe().unwrap();
    let other = Command::new(&exe)
        .args([
            "--writer",
            db.to_str().unwrap(),
            stop.to_str().unwrap(),
            &someone.to_string(),
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_safedesk"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "--user",
            "admin",
            "import",
            "incidents",
            file.to_str().unwrap(),
            "--map",
            "Date=occurred_at,Name=name,Phone=phone,How=channel,Category=category,Action=response,Details=description",
        ])
        .current_dir(&dir)
        .env_remove("SAFEDESK_DB")
        .env("SAFEDESK_CONFIG", dir.join("no-config.toml"))
        .env("SAFEDESK_LOCAL_DIR", dir.join("local"))
        .output()
        .unwrap();
    let took = started.elapsed();
    std::fs::write(&stop, "").unwrap();
    let writer = other.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{}", said.trim());
    println!(
        "import of {rows} incident rows ({PEOPLE} people): {:.1} s ({:.0} rows a second)",
        took.as_secs_f64(),
        rows as f64 / took.as_secs_f64()
    );
    let w = String::from_utf8_lossy(&writer.stdout);
    if let Some(line) = w.lines().find(|l| l.starts_with("WRITER")) {
        let f: Vec<&str> = line.split_whitespace().collect();
        println!(
            "another instance saving every 50 ms meanwhile: {} saves, p50 {} ms, p99 {} ms, longest {} ms, {} ran out of patience",
            f[1], f[2], f[3], f[4], f[5]
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
