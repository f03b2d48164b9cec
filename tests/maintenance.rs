//! `safedesk check` and `safedesk backup`, run as the real binary on real files, with other
//! processes writing to the shared file during the backup.

mod common;
use common::{safedesk, stderr, stdout};

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A fresh demo database made by the binary, at `dir/name`.
fn demo_db(dir: &Path, name: &str) -> PathBuf {
    // A named config file that does not exist is an error, so give an empty one.
    std::fs::write(dir.join("no-config.toml"), "").unwrap();
    let db = dir.join(name);
    let o = safedesk(dir, &["--demo", "--db", s(&db), "lookup", "x"]);
    // 1 only means no one matched "x".
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    db
}

/// `safedesk check --json` on `db`: the exit code and the report.
fn check_json(dir: &Path, db: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["--db", s(db), "check", "--json"];
    args.extend_from_slice(extra);
    let o = safedesk(dir, &args);
    let code = o.status.code().unwrap();
    let v: Value = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("{e}: {} / {}", stdout(&o), stderr(&o)));
    (code, v)
}

fn journal_of(db: &Path) -> PathBuf {
    let mut j = db.as_os_str().to_owned();
    j.push("-journal");
    PathBuf::from(j)
}

#[test]
fn check_passes_on_a_fresh_demo_database_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = demo_db(d, "shared.sqlite");
    let bytes_before = std::fs::read(&db).unwrap();
    let modified_before = std::fs::metadata(&db).unwrap().modified().unwrap();

    let o = safedesk(d, &["--read-only", "--db", s(&db), "check"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("All is well"), "{text}");
    assert!(text.contains("Journal:  delete"), "{text}");
    assert!(text.contains("320 customers"), "{text}");

    let (code, v) = check_json(d, &db, &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["ok"], true);
    assert_eq!(v["check"], "integrity_check");
    assert_eq!(v["integrity_problems"], serde_json::json!([]));
    assert_eq!(v["foreign_key_problem_count"], 0);
    assert_eq!(v["schema_version"], v["supported_schema_version"]);
    assert_eq!(v["journal_mode"], "delete");
    assert_eq!(
        v["page_size"].as_u64().unwrap() * v["page_count"].as_u64().unwrap(),
        v["file_size"].as_u64().unwrap()
    );
    assert_eq!(v["counts"]["customers"], 320);
    assert_eq!(v["notes"], serde_json::json!([]));

    let (code, v) = check_json(d, &db, &["--quick"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["check"], "quick_check");

    // Not a byte written, not even a journal left behind.
    assert_eq!(std::fs::read(&db).unwrap(), bytes_before);
    assert_eq!(
        std::fs::metadata(&db).unwrap().modified().unwrap(),
        modified_before
    );
    assert!(!journal_of(&db).exists());

    // A database from a newer safedesk is still checked, and the report says so.
    let newer = d.join("newer.sqlite");
    std::fs::copy(&db, &newer).unwrap();
    {
        let c = rusqlite::Connection::open(&newer).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
    }
    let (code, v) = check_json(d, &newer, &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["schema_version"], 99);
    assert!(
        v["notes"][0].as_str().unwrap().contains("newer safedesk"),
        "{v}"
    );
    let o = safedesk(d, &["--db", s(&newer), "check"]);
    assert!(
        stdout(&o).contains("Schema:   version 99 (newer than"),
        "{}",
        stdout(&o)
    );

    // What cannot be opened is exit code 2 with the usual message.
    let o = safedesk(d, &["--db", s(&d.join("missing.sqlite")), "check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("There is no safedesk database"),
        "{}",
        stderr(&o)
    );
    let notes = d.join("notes.sqlite");
    std::fs::write(&notes, "just some notes, not a database").unwrap();
    let o = safedesk(d, &["--db", s(&notes), "check", "--json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not an SQLite database"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
}

#[test]
fn check_finds_a_damaged_index_page() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = demo_db(d, "shared.sqlite");
    // Find a leaf page of one of the search indexes, the way SQLite itself lays it out.
    let (page, page_size): (u64, u64) = {
        let c = rusqlite::Connection::open(&db).unwrap();
        let page = c
            .query_row(
                "SELECT pageno FROM dbstat WHERE name = 'customer_typo_seq' AND pagetype = 'leaf' \
                 ORDER BY pageno LIMIT 1 OFFSET 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let size = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
        (page, size)
    };
    // A torn write: the second half of the page is junk. Index cells fill a page from its end.
    let mut bytes = std::fs::read(&db).unwrap();
    let start = ((page - 1) * page_size + page_size / 2) as usize;
    for (i, b) in bytes[start..start + page_size as usize / 2]
        .iter_mut()
        .enumerate()
    {
        *b = (i % 251) as u8;
    }
    std::fs::write(&db, &bytes).unwrap();

    let o = safedesk(d, &["--read-only", "--db", s(&db), "check"]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}{}", stderr(&o));
    assert!(text.contains("PROBLEMS FOUND"), "{text}");
    assert!(text.contains("Damage: SQLite found"), "{text}");
    assert!(text.contains("What to do: stop recording"), "{text}");

    let (code, v) = check_json(d, &db, &[]);
    assert_eq!(code, 1);
    assert_eq!(v["ok"], false);
    let listed = v["integrity_problems"].as_array().unwrap();
    let total = v["integrity_problem_count"].as_u64().unwrap();
    assert!(!listed.is_empty() && listed.len() <= 20, "{v}");
    assert!(total >= listed.len() as u64);
    if total > 20 {
        assert_eq!(listed.len(), 20);
        assert!(
            text.contains(&format!("SQLite found {total} problems; the first 20 are:")),
            "{text}"
        );
    }
    // The report says where: the damaged table and index, and the damaged page.
    let says = |what: &str| listed.iter().any(|p| p.as_str().unwrap().contains(what));
    assert!(says("the table customer_typo"), "{v}");
    assert!(says("index customer_typo_seq"), "{v}");
    assert!(says(&format!("page {page}")), "{v}");
}

#[test]
fn check_finds_a_broken_link_between_records() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = demo_db(d, "shared.sqlite");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.pragma_update(None, "foreign_keys", "OFF").unwrap();
        let n = c
            .execute(
                "UPDATE incident SET customer_id = 'no-such-customer' \
                 WHERE rowid = (SELECT min(rowid) FROM incident)",
                [],
            )
            .unwrap();
        assert_eq!(n, 1);
    }

    let (code, v) = check_json(d, &db, &["--quick"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["integrity_problem_count"], 0);
    assert_eq!(v["foreign_key_problem_count"], 1);
    let p = &v["foreign_key_problems"][0];
    assert_eq!(p["table"], "incident");
    assert_eq!(p["column"], "customer_id");
    assert_eq!(p["parent"], "customer");

    let o = safedesk(d, &["--db", s(&db), "check"]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("Broken links: 1 record points"), "{text}");
    assert!(
        text.contains(": customer_id points to a customer record that is not there"),
        "{text}"
    );
    assert!(text.contains("the file itself is sound"), "{text}");
}

#[test]
fn check_explains_a_half_saved_change_left_by_another_pc() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = demo_db(d, "shared.sqlite");
    let crashed = d.join("crashed.sqlite");
    // Snapshot the file and its journal in the middle of a big save, as if the PC saving it had
    // lost power: the copy has a "hot" journal only a writer may roll back.
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.pragma_update(None, "cache_size", 10).unwrap();
        c.execute_batch("BEGIN IMMEDIATE; UPDATE customer SET notes = hex(randomblob(600));")
            .unwrap();
        assert!(journal_of(&db).exists());
        std::fs::copy(&db, &crashed).unwrap();
        std::fs::copy(journal_of(&db), journal_of(&crashed)).unwrap();
        c.execute_batch("ROLLBACK").unwrap();
    }
    let before = std::fs::read(&crashed).unwrap();
    let o = safedesk(d, &["--read-only", "--db", s(&crashed), "check"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("stopped part-way through saving a change"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&crashed).unwrap(), before);
    assert!(journal_of(&crashed).exists());

    // As the message says: any command without --read-only undoes it, then check passes.
    let o = safedesk(d, &["--db", s(&crashed), "staff", "list"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (code, v) = check_json(d, &crashed, &[]);
    assert_eq!(code, 0, "{v}");
}

/// A writer in this process (so another process from the backup) with its own connection:
/// it adds numbered audit rows, one short `BEGIN IMMEDIATE` transaction each.
fn audit_writer(db: PathBuf, stop: Arc<AtomicBool>, done: Arc<AtomicU64>) {
    let mut c = rusqlite::Connection::open(&db).unwrap();
    c.busy_timeout(Duration::from_secs(20)).unwrap();
    c.pragma_update(None, "synchronous", "FULL").unwrap();
    let mut n = 0u64;
    while !stop.load(Ordering::SeqCst) {
        n += 1;
        let tx = c
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .unwrap();
        // Card views, not audit entries: the audit's hash chain is written only by safedesk.
        tx.execute(
            "INSERT INTO card_view (id, customer_id, login, at) \
             VALUES (?1, 'test', 'tester', '2024-01-01T00:00:00Z')",
            [format!("ping-{n}")],
        )
        .unwrap();
        tx.commit().unwrap();
        done.store(n, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Another process: the binary itself, run again and again; on the demo database each new
/// login is added as a demo manager (a staff row and its audit row, in one transaction).
fn binary_writer(dir: PathBuf, db: PathBuf, stop: Arc<AtomicBool>, done: Arc<AtomicU64>) {
    let mut n = 0u64;
    while !stop.load(Ordering::SeqCst) {
        n += 1;
        let user = format!("writer{n}");
        let o = safedesk(
            &dir,
            &["--demo", "--db", s(&db), "--user", &user, "lookup", "x"],
        );
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        done.store(n, Ordering::SeqCst);
    }
}

fn wait_for(what: &str, f: impl Fn() -> bool) {
    let started = Instant::now();
    while !f() {
        assert!(started.elapsed() < Duration::from_secs(60), "{what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn backup_makes_a_sound_copy_while_others_keep_writing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = demo_db(d, "shared.sqlite");
    // Make the file big enough (about 16 MB) for the copy to take many steps.
    {
        let mut c = rusqlite::Connection::open(&db).unwrap();
        let tx = c.transaction().unwrap();
        for _ in 0..15_000 {
            tx.execute(
                "INSERT INTO card_view (id, customer_id, login, at) \
                 VALUES (hex(randomblob(16)), 'filler', hex(randomblob(500)), '2023-01-01T00:00:00Z')",
                [],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }

    let stop = Arc::new(AtomicBool::new(false));
    let pings = Arc::new(AtomicU64::new(0));
    let runs = Arc::new(AtomicU64::new(0));
    let writers = [
        {
            let (db, stop, pings) = (db.clone(), stop.clone(), pings.clone());
            std::thread::spawn(move || audit_writer(db, stop, pings))
        },
        {
            let (dir, db, stop, runs) = (d.to_path_buf(), db.clone(), stop.clone(), runs.clone());
            std::thread::spawn(move || binary_writer(dir, db, stop, runs))
        },
    ];
    wait_for("both writers are writing", || {
        pings.load(Ordering::SeqCst) > 0 && runs.load(Ordering::SeqCst) > 0
    });

    let copy = d.join("copy.sqlite");
    let (pings_at_start, runs_at_start) =
        (pings.load(Ordering::SeqCst), runs.load(Ordering::SeqCst));
    let o = safedesk(d, &["--read-only", "--db", s(&db), "backup", s(&copy)]);
    let (pings_at_end, runs_at_end) = (pings.load(Ordering::SeqCst), runs.load(Ordering::SeqCst));
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.join().unwrap();
    }
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}{}", stderr(&o));
    assert!(text.contains("Backed up"), "{text}");
    assert!(text.contains(" MB in "), "{text}");
    assert!(text.contains("passed SQLite's integrity check"), "{text}");
    eprintln!(
        "during the backup: {} audit rows, {} runs of the binary\n{text}",
        pings_at_end - pings_at_start,
        runs_at_end - runs_at_start
    );
    assert!(
        pings_at_end > pings_at_start,
        "the other writer saved nothing during the backup"
    );
    // Writes every few milliseconds mean SQLite had to start the copy again at least once.
    assert!(text.contains("started over"), "{text}");
    assert!(copy.exists());
    assert!(!d.join("copy.sqlite.partial").exists());

    // The copy opens, passes check, keeps the rollback journal, and has the records.
    let (code, c) = check_json(d, &copy, &[]);
    assert_eq!(code, 0, "{c}");
    assert_eq!(c["journal_mode"], "delete");
    let header = std::fs::read(&copy).unwrap();
    assert_eq!(
        (header[18], header[19]),
        (1, 1),
        "rollback journal, not WAL"
    );
    let (_, now) = check_json(d, &db, &[]);
    for table in [
        "customers",
        "incidents",
        "decisions",
        "restrictions",
        "letters",
    ] {
        assert_eq!(c["counts"][table], now["counts"][table], "{table}");
    }
    for table in ["staff", "audit"] {
        let n = c["counts"][table].as_u64().unwrap();
        assert!(
            n > 0 && n <= now["counts"][table].as_u64().unwrap(),
            "{table}"
        );
    }

    // And it is one moment of the database, not a mixture: no ping missing before the last
    // one it has, and every writer's staff row with the audit row saved with it.
    let b = rusqlite::Connection::open(&copy).unwrap();
    let (n, max): (u64, u64) = b
        .query_row(
            "SELECT count(*), max(CAST(substr(id, 6) AS INTEGER)) FROM card_view \
             WHERE id LIKE 'ping-%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(n >= pings_at_start && n == max, "{n} pings, the last {max}");
    let (staff, audited): (u64, u64) = b
        .query_row(
            "SELECT count(*), count(a.seq) FROM staff s \
             LEFT JOIN audit a ON a.entity_id = s.id AND a.action = 'add staff' \
             WHERE s.login LIKE 'writer%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        staff >= runs_at_start && staff == audited,
        "{staff} / {audited}"
    );
    drop(b);

    // With everyone stopped, a second backup over the first (--force) matches exactly.
    let o = safedesk(d, &["--db", s(&db), "backup", s(&copy), "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (code, c) = check_json(d, &copy, &[]);
    assert_eq!(code, 0);
    assert_eq!(c["counts"], now["counts"]);
    assert_eq!(c["page_count"], now["page_count"]);
}

#[test]
fn backup_refuses_what_would_lose_or_hide_data() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = demo_db(d, "shared.sqlite");
    let backup = |args: &[&str]| {
        let mut all = vec!["--read-only", "--db", s(&db), "backup"];
        all.extend_from_slice(args);
        safedesk(d, &all)
    };

    // An existing file is left alone without --force.
    let existing = d.join("existing.sqlite");
    std::fs::write(&existing, "keep me").unwrap();
    let o = backup(&[s(&existing)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me");

    // The shared file itself, however it is spelt.
    std::fs::create_dir(d.join("sub")).unwrap();
    for same in [db.clone(), d.join("sub").join("..").join("shared.sqlite")] {
        let o = backup(&[s(&same), "--force"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("is the shared database itself"),
            "{}",
            stderr(&o)
        );
    }
    // Nor a name SQLite would take for the shared file's journal.
    let o = backup(&[s(&journal_of(&db))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("own journal"), "{}", stderr(&o));
    assert!(!journal_of(&db).exists());

    // A folder that is not there.
    let o = backup(&[s(&d.join("no-such-folder").join("b.sqlite"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
    assert!(stderr(&o).contains("Create it first"), "{}", stderr(&o));

    // A half-made copy left by an interrupted backup is replaced, never taken for a backup.
    let dest = d.join("b.sqlite");
    std::fs::write(d.join("b.sqlite.partial"), "half a backup").unwrap();
    let o = backup(&[s(&dest)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!d.join("b.sqlite.partial").exists());
    assert_eq!(check_json(d, &dest, &[]).0, 0);

    // A folder gets a dated copy, one a day for a nightly job.
    let folder = d.join("backups");
    std::fs::create_dir(&folder).unwrap();
    let o = backup(&[s(&folder)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let made: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(made.len(), 1, "{made:?}");
    let name = &made[0];
    assert!(
        name.starts_with("safedesk-20") && name.ends_with(".sqlite") && name.len() == 31,
        "{name}"
    );
    assert_eq!(check_json(d, &folder.join(name), &[]).0, 0);
}

/// A folder this PC may not write in: its permissions on Unix, a deny entry on Windows.
#[test]
fn backup_says_when_it_may_not_write_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = demo_db(d, "shared.sqlite");
    let locked = d.join("locked");
    std::fs::create_dir(&locked).unwrap();
    if !common::deny_writing(&locked) {
        eprintln!("skipped: this user can write to a folder denied to it (root, or Wine)");
        return;
    }
    let o = safedesk(d, &["--db", s(&db), "backup", s(&locked.join("b.sqlite"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("permission denied"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Choose a folder you can write to"),
        "{}",
        stderr(&o)
    );
    common::allow_writing(&locked);
}

#[test]
fn check_lists_letters_owed_for_more_than_fourteen_days() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = demo_db(d, "shared.sqlite");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        let long_ago = safedesk::time::to_db(chrono::Utc::now() - chrono::Duration::days(30));
        let recent = safedesk::time::to_db(chrono::Utc::now() - chrono::Duration::days(2));
        // Two decisions owe their letter: one for 30 days, one for 2.
        let ids: Vec<String> = c
            .prepare("SELECT d.id FROM decision d JOIN customer cu ON cu.id = d.customer_id ORDER BY d.id LIMIT 2")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for (id, at) in ids.iter().zip([&long_ago, &recent]) {
            c.execute(
                "UPDATE decision SET letter_status = 'owed', decided_at = ?2 WHERE id = ?1",
                [id, at],
            )
            .unwrap();
        }
    }
    let o = safedesk(d, &["--read-only", "--db", s(&db), "check"]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}{}", stderr(&o));
    assert!(
        text.contains("Letters owed for more than 14 days (1). In the queue, o lists them:"),
        "{text}"
    );
    let (_, v) = check_json(d, &db, &[]);
    let late = v["letters_late"].as_array().unwrap();
    assert_eq!(late.len(), 1, "{v}");
    assert!(text.contains(&format!(
        "  {}: ",
        late[0]["customer_name"].as_str().unwrap()
    )));
}
