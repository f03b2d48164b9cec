//! This PC's outbox, with real SQLite files: everything a person submits while the shared drive
//! is gone waits there and reaches the database once; it reaches only the file it was written
//! for (never a backup or a training copy); it is written only as the person running safedesk
//! now; `--read-only` never touches it; a file in it that is not an entry is set aside with a
//! sentence. And a draft brought back after a crash whose save had in fact landed keeps the
//! edits made after it was brought back.

mod common;

use common::world::{actor, opts, world};
use safedesk::domain::{new_id, CaseReason, NewCustomer, NewIncident, Role};
use safedesk::policy::Policy;
use safedesk::store::sqlite::shim;
use safedesk::store::{OpenOptions, SqliteStore, Store};
use safedesk::sync::local::{file_mark, Local, OutboxEntry, Submission};
use safedesk::sync::worker::{self, replay, Context};
use safedesk::sync::{Reply, Request};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn customer(name: &str) -> NewCustomer {
    NewCustomer {
        name: Some(name.into()),
        phones: vec!["07700 900123".into()],
        ..NewCustomer::default()
    }
}

/// The worker's context for `actor` on the file at `path`, with this PC's outbox in `local`.
fn ctx(store: &mut dyn Store, path: &Path, actor: &str, local: &Local) -> Context {
    Context {
        policy: Policy::built_in(),
        actor: actor_of(store, actor),
        local: Some(local.clone()),
        database: store.database_id().unwrap(),
        also: vec![store.location()],
        file: file_mark(path),
        read_only: false,
    }
}

fn actor_of(store: &mut dyn Store, login: &str) -> safedesk::domain::Actor {
    actor(store, login)
}

/// Every file under `dir`, with its bytes, to show nothing changed.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(read) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in read.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
    out.sort();
    out
}

fn queued_incident(ctx: &Context, inc: NewIncident, login: &str) -> OutboxEntry {
    OutboxEntry {
        login: login.into(),
        database: ctx.database.clone(),
        file: ctx.file.clone(),
        queued_at: chrono::Utc::now(),
        reason: "the drive was away".into(),
        what: Submission::Incident(inc),
    }
}

#[test]
fn a_review_request_typed_during_an_outage_reaches_the_database_once_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    drop(safedesk::demo::db::create(&path, &OpenOptions::default()).unwrap());
    let shim_opts = OpenOptions {
        vfs: Some(shim::register().unwrap().to_string()),
        busy_timeout_ms: 200,
        ..OpenOptions::default()
    };
    let mut store = SqliteStore::open(&path, &shim_opts).unwrap();
    let deborah = store.lookup("07700 900123", 1).unwrap()[0]
        .history
        .customer
        .id;
    let local = Local::new(dir.path().join("local"));
    let ctx = ctx(&mut store, &path, "ahassan", &local);
    let id = ctx.database.clone();
    let (req_tx, req_rx) = mpsc::channel();
    let (reply_tx, replies) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        worker::run(Box::new(store), ctx, req_rx, move |r| {
            reply_tx.send(r).is_ok()
        })
    });
    let wait = |want: &dyn Fn(&Reply) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match replies.recv_timeout(left) {
                Ok(r) if want(&r) => return r,
                Ok(_) => {}
                Err(e) => panic!("the reply did not come ({e})"),
            }
        }
    };

    // The drive goes; the phone team types the customer's request.
    shim::set_failing(true);
    let request = new_id();
    let note = "Wants the ban reviewed; says they have moved.";
    req_tx
        .send(Request::CustomerRequest {
            request,
            customer: deborah,
            note: note.into(),
        })
        .unwrap();
    let kept = wait(&|r| matches!(r, Reply::Kept { .. } | Reply::SaveFailed(_)));
    let Reply::Kept { what, .. } = kept else {
        panic!("not kept: {kept:?}")
    };
    assert!(what.contains("review request"), "{what}");
    assert!(matches!(
        wait(&|r| matches!(r, Reply::Outbox(_))),
        Reply::Outbox(1)
    ));
    assert_eq!(local.outbox(&id).len(), 1);

    // The drive comes back: the request is written, once.
    shim::set_failing(false);
    let delivered = wait(&|r| matches!(r, Reply::OutboxDelivered(_)));
    assert!(
        matches!(delivered, Reply::OutboxDelivered(1)),
        "{delivered:?}"
    );
    assert!(local.outbox(&id).is_empty());
    // Sent again (a second press, a replay): nothing more.
    req_tx
        .send(Request::CustomerRequest {
            request,
            customer: deborah,
            note: note.into(),
        })
        .unwrap();
    wait(&|r| matches!(r, Reply::Done(_)));
    drop(req_tx);
    worker.join().unwrap();

    let mut plain = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    let cases: Vec<_> = plain
        .open_cases_for(deborah)
        .unwrap()
        .into_iter()
        .filter(|c| c.reason == CaseReason::CustomerRequest)
        .collect();
    assert_eq!(cases.len(), 1);
    assert_eq!(
        cases[0].note.matches("says they have moved").count(),
        1,
        "{}",
        cases[0].note
    );
}

#[test]
fn a_stale_customer_edit_on_replay_is_kept_and_shown_not_dropped() {
    let mut w = world(("cevans", "Chris Evans"), customer("Deborah Johnson"));
    let local = Local::new(w.db.dir.path().join("local"));
    let path = w.path.clone();
    let ctx = ctx(&mut w.store, &path, "cevans", &local);
    let shown = w
        .store
        .history(w.customer)
        .unwrap()
        .unwrap()
        .customer
        .version;
    // Typed while the drive was away...
    let mine = NewCustomer {
        notes: "Prefers to be called after 2pm.".into(),
        ..customer("Deborah Johnson")
    };
    local
        .outbox_put(&OutboxEntry {
            what: Submission::CustomerDetails {
                customer: w.customer,
                edit: mine,
                version: shown,
            },
            ..queued_incident(&ctx, NewIncident::example(w.customer, ""), "cevans")
        })
        .unwrap();
    // ...while a manager changed the same customer on another PC.
    let theirs = NewCustomer {
        postcode: "SW1A 1AA".into(),
        ..customer("Deborah Johnson")
    };
    w.store
        .update_customer(&w.manager, w.customer, theirs, shown)
        .unwrap();
    let replies = replay(&mut w.store, &ctx);
    let said: Vec<_> = replies
        .iter()
        .filter_map(|r| match r {
            Reply::OutboxRefused(m) => Some(m.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(said.len(), 1, "{replies:?}");
    assert!(said[0].contains("were not saved"), "{}", said[0]);
    assert!(said[0].contains("type the change again"), "{}", said[0]);
    let c = w.store.history(w.customer).unwrap().unwrap().customer;
    assert_eq!(c.postcode, "SW1A 1AA", "the manager's change stands");
    assert_eq!(c.notes, "");
    let kept = std::fs::read_dir(w.db.dir.path().join("local/refused"))
        .unwrap()
        .count();
    assert_eq!(kept, 1, "what was typed is kept aside");

    // The same details replayed after they landed change nothing (written once).
    let now = c.version;
    let again = NewCustomer {
        postcode: "SW1A 1AA".into(),
        notes: "Prefers to be called after 2pm.".into(),
        ..customer("Deborah Johnson")
    };
    w.store
        .update_customer(&w.reception, w.customer, again.clone(), now)
        .unwrap();
    let same = w
        .store
        .update_customer(&w.reception, w.customer, again, now)
        .unwrap();
    assert_eq!(same.version, now + 1, "the second write changed nothing");
}

#[test]
fn a_recovered_draft_edited_and_saved_keeps_the_edits_and_opens_the_threat_case() {
    let mut w = world(("cevans", "Chris Evans"), customer("Deborah Johnson"));
    let inc = NewIncident::example(w.customer, "Deborah Johnson");
    // The save landed, but the PC crashed before it heard so: the draft is brought back.
    let first = w
        .store
        .record_incident(&w.reception, &w.policy, &inc)
        .unwrap();
    assert!(!first.already_saved);
    // Unchanged, saved again: the same save, written once.
    let again = w
        .store
        .record_incident(&w.reception, &w.policy, &inc)
        .unwrap();
    assert!(again.already_saved);
    // Edited after it was brought back: more text, and an immediate threat.
    let mut edited = inc.clone();
    edited.description = format!(
        "{} Then said he would come back with a knife.",
        inc.description
    );
    edited.immediate_threat = true;
    let saved = w
        .store
        .record_incident(&w.reception, &w.policy, &edited)
        .unwrap();
    assert!(
        !saved.already_saved,
        "the edits are saved, not reported as already there"
    );
    let h = w.store.history(w.customer).unwrap().unwrap();
    assert_eq!(h.incidents.len(), 1, "one incident, corrected");
    assert!(h.incidents[0].description.contains("with a knife"));
    assert!(h.incidents[0].immediate_threat);
    let open = w.store.open_cases_for(w.customer).unwrap();
    assert!(
        open.iter().any(|c| c.reason == CaseReason::ImmediateThreat),
        "{open:?}"
    );
    let audit = w.store.audit_for(&inc.id.to_string()).unwrap();
    assert_eq!(
        audit.iter().filter(|a| a.action == "log incident").count(),
        1
    );
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.action == "correct incident")
            .count(),
        1
    );
    // And that correction replayed again changes nothing.
    let replayed = w
        .store
        .record_incident(&w.reception, &w.policy, &edited)
        .unwrap();
    assert!(replayed.already_saved);
    let audit = w.store.audit_for(&inc.id.to_string()).unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.action == "correct incident")
            .count(),
        1
    );
}

#[test]
fn a_backup_copy_never_receives_the_offices_queued_entry() {
    let mut w = world(("cevans", "Chris Evans"), customer("Deborah Johnson"));
    let office = w.path.clone();
    let backup = w.db.dir.path().join("backup.sqlite");
    w.store.backup_to(&backup, false, &mut |_, _| {}).unwrap();
    let training = w.db.dir.path().join("training.sqlite");
    // Written anew rather than with fs::copy: Windows gives a copy a creation time of its own,
    // but Wine (where the Windows tests run) reports a file's last write time as its creation
    // time, and CopyFile keeps that, so under Wine a copy would look like the office file.
    std::fs::write(&training, std::fs::read(&office).unwrap()).unwrap();
    let local = Local::new(w.db.dir.path().join("local"));
    let office_ctx = ctx(&mut w.store, &office, "cevans", &local);
    // Queued against the office file while the drive was away.
    let inc = NewIncident::example(w.customer, "Deborah Johnson");
    local
        .outbox_put(&queued_incident(&office_ctx, inc.clone(), "cevans"))
        .unwrap();

    for copy in [&backup, &training] {
        let mut s = SqliteStore::open(copy, &opts()).unwrap();
        let c = ctx(&mut s, copy, "cevans", &local);
        let replies = replay(&mut s, &c);
        assert!(
            !replies
                .iter()
                .any(|r| matches!(r, Reply::OutboxDelivered(_))),
            "{}: {replies:?}",
            copy.display()
        );
        let h = s.history(w.customer).unwrap().unwrap();
        assert!(h.incidents.is_empty(), "{} received it", copy.display());
        assert_eq!(c.waiting().len(), 0, "not counted as waiting for the copy");
        if copy == &training {
            // Same id as the office, another file: said so.
            let said = c.for_another_file().expect("a sentence");
            assert!(said.contains("another copy of this database"), "{said}");
        } else {
            assert_ne!(
                c.database, office_ctx.database,
                "the backup has an id of its own"
            );
        }
    }
    assert_eq!(
        local.outbox_for(&office_ctx.names()).len(),
        1,
        "still waiting"
    );

    // The office file, even reached by another path, gets it once.
    let other_path = w.db.dir.path().join(".").join("shared.sqlite");
    let mut s = SqliteStore::open(&other_path, &opts()).unwrap();
    let c = ctx(&mut s, &other_path, "cevans", &local);
    let replies = replay(&mut s, &c);
    assert!(
        replies
            .iter()
            .any(|r| matches!(r, Reply::OutboxDelivered(1))),
        "{replies:?}"
    );
    let replies = replay(&mut s, &c);
    assert!(!replies
        .iter()
        .any(|r| matches!(r, Reply::OutboxDelivered(_))));
    assert_eq!(s.history(w.customer).unwrap().unwrap().incidents.len(), 1);
}

#[test]
fn a_forged_outbox_entry_is_not_written_in_anothers_name() {
    let mut w = world(("cevans", "Chris Evans"), customer("Deborah Johnson"));
    let admin = actor(&mut w.store, "admin");
    w.store
        .add_staff(&admin, "jdoe", "Jo Doe", Role::Reception)
        .unwrap();
    let local = Local::new(w.db.dir.path().join("local"));
    let path = w.path.clone();
    // Someone running as jdoe drops an entry "by spatel" (a manager) in their own outbox.
    let c = ctx(&mut w.store, &path, "jdoe", &local);
    let inc = NewIncident::example(w.customer, "Deborah Johnson");
    local
        .outbox_put(&queued_incident(&c, inc.clone(), "spatel"))
        .unwrap();
    let replies = replay(&mut w.store, &c);
    let said = replies
        .iter()
        .find_map(|r| match r {
            Reply::OutboxRefused(m) => Some(m.clone()),
            _ => None,
        })
        .expect("a message");
    assert!(said.contains("\"spatel\""), "{said}");
    assert!(said.contains("not written in anyone's name"), "{said}");
    assert!(w
        .store
        .history(w.customer)
        .unwrap()
        .unwrap()
        .incidents
        .is_empty());
    assert!(w
        .db
        .dir
        .path()
        .join("local/held")
        .join(format!("incident-{}.json", inc.id))
        .exists());
    assert!(local.outbox_for(&c.names()).is_empty());

    // Someone not on the staff list at all writes nothing, even their own entries: they wait.
    let c = ctx(&mut w.store, &path, "stranger", &local);
    assert!(c.actor.staff.is_none());
    local
        .outbox_put(&queued_incident(&c, inc.clone(), "stranger"))
        .unwrap();
    replay(&mut w.store, &c);
    assert!(w
        .store
        .history(w.customer)
        .unwrap()
        .unwrap()
        .incidents
        .is_empty());
    assert_eq!(local.outbox_for(&c.names()).len(), 1);
}

#[test]
fn read_only_leaves_the_outbox_untouched() {
    let mut w = world(("cevans", "Chris Evans"), customer("Deborah Johnson"));
    let local = Local::new(w.db.dir.path().join("local"));
    let path = w.path.clone();
    let mut c = ctx(&mut w.store, &path, "cevans", &local);
    local
        .outbox_put(&queued_incident(
            &c,
            NewIncident::example(w.customer, "Deborah Johnson"),
            "cevans",
        ))
        .unwrap();
    std::fs::write(local.dir().join("outbox/incident-bad.json"), b"not json").unwrap();
    let before = files(local.dir());
    drop(w.store);
    let ro = OpenOptions {
        mode: safedesk::store::OpenMode::ReadOnly,
        ..opts()
    };
    let mut s = SqliteStore::open(&path, &ro).unwrap();
    c.read_only = true;
    assert!(replay(&mut s, &c).is_empty());
    assert_eq!(files(local.dir()), before, "nothing moved, nothing refused");

    // And the real binary, started with --read-only, leaves it as it was too.
    std::fs::write(w.db.dir.path().join("no-config.toml"), "").unwrap();
    let out = common::safedesk(
        w.db.dir.path(),
        &[
            "--db",
            path.to_str().unwrap(),
            "--user",
            "cevans",
            "--read-only",
            "import",
            "-",
        ],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(files(local.dir()), before, "{}", common::stderr(&out));
}

#[test]
fn a_bad_json_outbox_file_gets_a_clear_sentence_and_is_kept_aside() {
    let mut w = world(("cevans", "Chris Evans"), customer("Deborah Johnson"));
    let local = Local::new(w.db.dir.path().join("local"));
    let path = w.path.clone();
    let c = ctx(&mut w.store, &path, "cevans", &local);
    local
        .outbox_put(&queued_incident(
            &c,
            NewIncident::example(w.customer, "Deborah Johnson"),
            "cevans",
        ))
        .unwrap();
    let bad = local.dir().join("outbox/incident-edited.json");
    std::fs::write(&bad, b"{\"login\": \"spatel\", \"incident\": ").unwrap();
    let replies = replay(&mut w.store, &c);
    let said = replies
        .iter()
        .find_map(|r| match r {
            Reply::OutboxRefused(m) => Some(m.clone()),
            _ => None,
        })
        .expect("a sentence");
    assert!(said.contains("incident-edited.json"), "{said}");
    assert!(said.contains("is not an entry safedesk can read"), "{said}");
    assert!(said.contains("Nothing was written from it"), "{said}");
    assert!(!bad.exists());
    assert!(local.dir().join("refused/incident-edited.json").exists());
    // The good entry beside it is delivered.
    assert!(replies
        .iter()
        .any(|r| matches!(r, Reply::OutboxDelivered(1))));
    assert_eq!(
        w.store
            .history(w.customer)
            .unwrap()
            .unwrap()
            .incidents
            .len(),
        1
    );
}
