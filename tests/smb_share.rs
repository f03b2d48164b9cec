//! A real SMB share as a smoke test: a private Samba server on 127.0.0.1 serves a temporary
//! folder, smbnetfs (FUSE) mounts it, and safedesk works through the mount while the server is
//! killed and started again (`tests/smb/share.sh` sets it up and takes it down). Heavy: runs
//! when SAFEDESK_HEAVY_TESTS is set (.ci/run sets it and installs samba, smbnetfs and fuse3);
//! then a share that cannot be set up fails the test rather than skipping it.
//!
//! What it proves, and what it does not:
//! - the drive-gone journey on a real network file system: answers kept while the server is
//!   gone, the entry queued in this PC's outbox and said plainly, delivered once when it is back;
//! - saves through the mount with the server killed mid-import: every incident is there exactly
//!   once, and none is called damaged; the failures a network mount really gives (an I/O error,
//!   and Samba refusing to delete a journal that FUSE has not yet released, about 1 save in 100)
//!   are the drive's, so the entry is retried or queued.
//! - NOT locking between PCs: libsmbclient has no lock call, so byte-range locks taken through
//!   the mount stay in this machine's kernel, per mount, and two mounts do not see each other's
//!   locks. Locking between writers stays proven by processes on one file system
//!   (`tests/many_writers.rs`).
//!
//! Linux only: Samba and FUSE (the Windows tests, `.ci/windows.sh`, leave it out).
#![cfg(target_os = "linux")]

mod common;

use common::replies::Replies;
use safedesk::domain::{Actor, NewIncident};
use safedesk::policy::Policy;
use safedesk::store::{OpenOptions, SqliteStore, Store};
use safedesk::sync::local::Local;
use safedesk::sync::worker::{self, Context};
use safedesk::sync::{Health, Reply, Request};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// A private Samba server serving `folder`, mounted at `through`; taken down when dropped.
struct Share {
    state: tempfile::TempDir,
    /// The shared folder on the local disk (what smbd serves).
    folder: PathBuf,
    /// The same folder through the SMB mount.
    through: PathBuf,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smb/share.sh")
}

impl Share {
    /// None (after saying why) when heavy tests are not asked for; a panic when they are and
    /// the share cannot be set up.
    fn up(test: &str) -> Option<Share> {
        if std::env::var_os("SAFEDESK_HEAVY_TESTS").is_none() {
            eprintln!("skipped {test}: set SAFEDESK_HEAVY_TESTS=1 (and install samba, smbnetfs and fuse3) to run the SMB share tests");
            return None;
        }
        let state = tempfile::Builder::new().prefix("sd-smb").tempdir().unwrap();
        let folder = state.path().join("folder");
        std::fs::create_dir_all(&folder).unwrap();
        let started = Instant::now();
        let o = Command::new(script())
            .arg("up")
            .arg(state.path().join("st"))
            .arg(&folder)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let share = Share {
            through: PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()),
            state,
            folder,
        };
        assert!(
            o.status.success(),
            "SAFEDESK_HEAVY_TESTS is set but the SMB share could not be set up: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        eprintln!(
            "{test}: share mounted at {} in {:.1} s",
            share.through.display(),
            started.elapsed().as_secs_f64()
        );
        Some(share)
    }

    fn run(&self, what: &str) {
        let o = Command::new(script())
            .arg(what)
            .arg(self.state.path().join("st"))
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "share.sh {what}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }

    /// Kill smbd and every process of it, as when the server goes away.
    fn stop_server(&self) {
        self.run("stop");
    }

    fn start_server(&self) {
        self.run("start");
    }
}

impl Drop for Share {
    fn drop(&mut self) {
        // A failed run keeps its folder (the database, each writer's outbox, held/ and
        // refused/, the server's logs) for someone to look at.
        if std::thread::panicking() {
            self.state.disable_cleanup(true);
            eprintln!("kept for a look: {}", self.state.path().display());
        }
        let _ = Command::new(script())
            .arg("down")
            .arg(self.state.path().join("st"))
            .stdin(Stdio::null())
            .output();
    }
}

#[test]
fn the_server_goes_away_mid_work_and_comes_back() {
    let Some(share) = Share::up("the_server_goes_away_mid_work_and_comes_back") else {
        return;
    };
    drop(
        safedesk::demo::db::create(&share.folder.join("demo.sqlite"), &OpenOptions::default())
            .unwrap(),
    );
    let path = share.through.join("demo.sqlite");
    let opts = OpenOptions {
        busy_timeout_ms: 200,
        ..OpenOptions::default()
    };
    let mut store = SqliteStore::open(&path, &opts).unwrap();
    let actor = Actor {
        login: "ahassan".into(),
        staff: store.staff_by_login("ahassan").unwrap(),
    };
    let local = Local::new(share.state.path().join("local"));
    let id = store.database_id().unwrap();
    let ctx = Context {
        policy: Policy::built_in(),
        actor,
        local: Some(local.clone()),
        database: id.clone(),
        also: vec![store.location()],
        file: safedesk::sync::local::file_mark(&path),
        read_only: false,
    };
    let (req_tx, req_rx) = mpsc::channel();
    let (reply_tx, reply_rx) = mpsc::channel();
    let mut replies = Replies::new(reply_rx);
    let worker = std::thread::spawn(move || {
        worker::run(Box::new(store), ctx, req_rx, move |r| {
            reply_tx.send(r).is_ok()
        })
    });

    // The server is there: a lookup and a card are read through the mount.
    req_tx
        .send(Request::Lookup {
            seq: 1,
            query: "07700 900123".into(),
        })
        .unwrap();
    let hits = replies.wait(|r| match r {
        Reply::Lookup { result, .. } => Some(result.clone().unwrap()),
        _ => None,
    });
    let deborah = hits[0].history.customer.id;
    req_tx.send(Request::LoadCard { id: deborah }).unwrap();
    let before = replies.wait(|r| match r {
        Reply::Card { result, .. } => Some(result.clone().unwrap().unwrap().incidents.len()),
        _ => None,
    });

    // The server goes, mid-work.
    share.stop_server();
    req_tx
        .send(Request::Lookup {
            seq: 2,
            query: "07700 900123 ".into(),
        })
        .unwrap();
    let kept = replies.wait(|r| match r {
        Reply::Lookup { seq: 2, result } => Some(result.clone()),
        _ => None,
    });
    assert_eq!(kept.unwrap(), hits, "answered from what was last read");
    replies.wait(|r| match r {
        Reply::Answered {
            card: false,
            from: Some(at),
            ..
        } => Some(*at),
        _ => None,
    });
    req_tx.send(Request::LoadCard { id: deborah }).unwrap();
    let card = replies.wait(|r| match r {
        Reply::Card { result, .. } => Some(result.clone()),
        _ => None,
    });
    assert!(card.unwrap().is_some(), "the card kept from before");
    // A new incident waits in this PC's outbox, and the person is told so plainly.
    let inc = NewIncident::example(deborah, "Deborah Johnson");
    req_tx
        .send(Request::SaveIncident(Box::new(inc.clone())))
        .unwrap();
    let reason = replies.wait(|r| match r {
        Reply::Queued { reason } => Some(reason.clone()),
        _ => None,
    });
    assert!(
        reason.contains("Check the network drive"),
        "the reason says what to do: {reason}"
    );
    replies.wait(|r| match r {
        Reply::Health(Health::Trouble(_)) => Some(()),
        _ => None,
    });
    assert_eq!(local.outbox(&id).len(), 1);

    // The server comes back: a later poll delivers the incident, once.
    share.start_server();
    let delivered = replies.wait(|r| match r {
        Reply::OutboxDelivered(n) => Some(*n),
        _ => None,
    });
    assert_eq!(delivered, 1);
    replies.settle(Duration::from_millis(1500));
    assert!(
        !replies
            .seen
            .iter()
            .any(|r| matches!(r, Reply::OutboxDelivered(_) | Reply::Damaged(_))),
        "{:?}",
        replies.seen
    );
    drop(req_tx);
    worker.join().unwrap();
    let mut plain = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    let h = plain.history(deborah).unwrap().unwrap();
    assert_eq!(h.incidents.len(), before + 1, "one incident more, not two");
    let logged = plain
        .audit_for(&inc.id.to_string())
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "log incident")
        .count();
    assert_eq!(logged, 1);
    assert!(local.outbox(&id).is_empty());
}

const WRITERS: usize = 3;
/// Each writer runs this many imports one after another ...
const BATCHES: usize = 5;
/// ... of this many incidents each.
const EACH: usize = 20;

fn safedesk(dir: &Path, local: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_safedesk"));
    c.args(args)
        .current_dir(dir)
        .env_remove("SAFEDESK_DB")
        .env_remove("SAFEDESK_USER")
        .env("SAFEDESK_CONFIG", dir.join("config.toml"))
        .env("SAFEDESK_LOCAL_DIR", local);
    c
}

/// Writers take turns of two staff; an outbox entry is delivered only by who made it.
fn login(p: usize) -> &'static str {
    if p % 2 == 0 {
        "cevans"
    } else {
        "psharma"
    }
}

/// Wait (up to 30 s) until the file answers through the mount again.
fn wait_for(file: &Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::metadata(file).is_err() {
        assert!(
            Instant::now() < deadline,
            "{} did not come back",
            file.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn three_hundred_imports_with_the_server_killed_midway_arrive_exactly_once() {
    let Some(share) =
        Share::up("three_hundred_imports_with_the_server_killed_midway_arrive_exactly_once")
    else {
        return;
    };
    let d = share.state.path().to_path_buf();
    std::fs::write(d.join("config.toml"), "").unwrap();
    drop(
        safedesk::demo::db::create(&share.folder.join("shared.sqlite"), &OpenOptions::default())
            .unwrap(),
    );
    let db = share.through.join("shared.sqlite");
    let (customers, before) = {
        let mut s = SqliteStore::open(&db, &OpenOptions::default()).unwrap();
        let ids: Vec<_> = ["a", "e", "o", "smith", "khan"]
            .iter()
            .flat_map(|q| s.lookup(q, 30).unwrap())
            .map(|h| h.history.customer.id)
            .collect();
        (ids, s.counts().unwrap().incidents)
    };
    // Every writer's files of incidents, made first, each id kept to be found afterwards.
    let mut all_ids = Vec::new();
    let mut files = vec![Vec::new(); WRITERS];
    for (p, mine) in files.iter_mut().enumerate() {
        for b in 0..BATCHES {
            let mut lines = Vec::new();
            for n in 0..EACH {
                let inc = NewIncident {
                    category: "persistent".into(),
                    behaviours: vec!["excessive_contact".into()],
                    response: "warned".into(),
                    description: format!("Writer {p}, batch {b}, call {n}: rang again."),
                    ..NewIncident::example(customers[(p * 31 + b * 7 + n) % customers.len()], "")
                };
                all_ids.push(inc.id);
                lines.push(serde_json::to_string(&inc).unwrap());
            }
            let file = d.join(format!("writer-{p}-{b}.jsonl"));
            std::fs::write(&file, lines.join("\n")).unwrap();
            mine.push(file);
        }
    }
    let done = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = files
        .into_iter()
        .enumerate()
        .map(|(p, mine)| {
            let (d, db, done) = (d.clone(), db.clone(), done.clone());
            std::thread::spawn(move || {
                let mut lines = Vec::new();
                for file in mine {
                    // An import started while the share is gone is refused whole, before it
                    // reads its file; like a script would, the writer waits for the share and
                    // runs it again.
                    let mut tries = 0;
                    loop {
                        let mut child = safedesk(
                            &d,
                            &d.join(format!("local-{p}")),
                            &[
                                "--db",
                                db.to_str().unwrap(),
                                "--user",
                                login(p),
                                "import",
                                file.to_str().unwrap(),
                            ],
                        )
                        .stdout(Stdio::piped())
                        .stderr(Stdio::piped())
                        .spawn()
                        .unwrap();
                        let stderr = child.stderr.take().unwrap();
                        let errs =
                            std::thread::spawn(move || std::io::read_to_string(stderr).unwrap());
                        let mut out = Vec::new();
                        for line in std::io::BufReader::new(child.stdout.take().unwrap()).lines() {
                            done.fetch_add(1, Ordering::Relaxed);
                            out.push(line.unwrap());
                        }
                        let status = child.wait().unwrap();
                        let stderr = errs.join().unwrap();
                        // Refused whole before it saved anything: the share was gone, or
                        // another writer held the lock past the wait (which is now bounded by
                        // time, however slowly each try crosses the share); the sentence says
                        // to try again, and a script does.
                        let whole = !status.success()
                            && out.is_empty()
                            && (stderr.contains("cannot be reached")
                                || stderr.contains("did not free up in time"));
                        lines.extend(out);
                        if whole && tries < 20 {
                            tries += 1;
                            lines.push(format!("REFUSED WHOLE {}", stderr.trim()));
                            wait_for(&db);
                            std::thread::sleep(Duration::from_millis(500));
                            continue;
                        }
                        lines.push(format!(
                            "EXIT {} {} {}",
                            status.success(),
                            file.display(),
                            stderr.trim()
                        ));
                        break;
                    }
                }
                lines
            })
        })
        .collect();
    // A third of the way in, the server is killed; a second later it is started again.
    let deadline = Instant::now() + Duration::from_secs(120);
    while done.load(Ordering::Relaxed) < WRITERS * BATCHES * EACH / 3 {
        assert!(Instant::now() < deadline, "the imports did not get going");
        std::thread::sleep(Duration::from_millis(10));
    }
    share.stop_server();
    let at = done.load(Ordering::Relaxed);
    std::thread::sleep(Duration::from_secs(1));
    share.start_server();
    let mut queued = 0;
    let mut said = Vec::new();
    let mut refused_whole = 0;
    for (p, w) in writers.into_iter().enumerate() {
        let lines = w.join().unwrap();
        for l in lines.iter().filter(|l| l.starts_with("EXIT ")) {
            assert!(
                !l.to_lowercase().contains("damaged"),
                "writer {p} called the file damaged: {l}"
            );
            assert!(l.starts_with("EXIT true"), "writer {p} refused some: {l}");
        }
        queued += lines.iter().filter(|l| l.starts_with("queued ")).count();
        refused_whole += lines
            .iter()
            .filter(|l| l.starts_with("REFUSED WHOLE"))
            .count();
        let saved = lines
            .iter()
            .filter(|l| l.starts_with("saved ") || l.starts_with("queued "))
            .count();
        assert_eq!(saved, BATCHES * EACH, "writer {p}: {lines:?}");
        said.extend(lines);
    }
    eprintln!(
        "server killed after {at} of {} lines; {queued} waited in an outbox, {} imports were refused whole while the share was gone (and run again)",
        WRITERS * BATCHES * EACH,
        refused_whole
    );
    // What waited in an outbox is delivered by the writer's next run, once.
    wait_for(&db);
    let empty = d.join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let import = |p: usize, file: &Path| {
        let o = safedesk(
            &d,
            &d.join(format!("local-{p}")),
            &[
                "--db",
                db.to_str().unwrap(),
                "--user",
                login(p),
                "import",
                file.to_str().unwrap(),
            ],
        )
        .output()
        .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let finals: Vec<String> = (0..WRITERS).map(|p| import(p, &empty)).collect();
    // Nothing was set aside from an outbox, and afterwards nothing is still waiting in one.
    for l in said
        .iter()
        .map(String::as_str)
        .chain(finals.iter().flat_map(|f| f.lines()))
    {
        assert!(!l.starts_with("refused from the outbox"), "{l}");
    }
    for f in &finals {
        assert!(!f.lines().any(|l| l.starts_with("waiting ")), "{f}");
    }
    // Everything said to be saved or queued is there, once.
    {
        let mut s = SqliteStore::open(&db, &OpenOptions::default()).unwrap();
        for l in said
            .iter()
            .filter(|l| l.starts_with("saved ") || l.starts_with("queued "))
        {
            let id = l.split_whitespace().nth(1).unwrap();
            let audit = s.audit_for(id).unwrap();
            assert_eq!(
                audit.iter().filter(|a| a.action == "log incident").count(),
                1,
                "{l}; the imports of an empty file afterwards said: {finals:?}"
            );
        }
    }
    let mut s = SqliteStore::open(&db, &OpenOptions::default()).unwrap();
    assert_eq!(
        s.counts().unwrap().incidents,
        before + (WRITERS * BATCHES * EACH) as u64,
        "every incident exactly once"
    );
    for id in &all_ids {
        let audit = s.audit_for(&id.to_string()).unwrap();
        assert_eq!(
            audit.iter().filter(|a| a.action == "log incident").count(),
            1,
            "{id}"
        );
    }
    drop(s);
    let o = safedesk(
        &d,
        &d.join("local-0"),
        &["--db", db.to_str().unwrap(), "check"],
    )
    .output()
    .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}
