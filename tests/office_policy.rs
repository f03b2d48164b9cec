//! The office has one policy: the policy in force is kept in the shared database, set by admins,
//! and every PC's saves run its rules, whatever policy file the PC itself was given.

mod common;

use common::world::{actor, opts, World};
use safedesk::domain::{CaseReason, Id, NewCustomer, NewIncident, Role, SettingKind};
use safedesk::policy::{Policy, BUILT_IN};
use safedesk::store::sqlite::migrations::MIGRATIONS;
use safedesk::store::{SqliteStore, Store, StoreError};

fn world() -> World {
    common::world::world(
        ("ahassan", "Amira Hassan"),
        NewCustomer {
            name: Some("Tunde Okafor".into()),
            ..NewCustomer::default()
        },
    )
}

fn incident(customer: Id, police: bool) -> NewIncident {
    NewIncident {
        channel: "face_to_face".into(),
        response: if police {
            "police_called".into()
        } else {
            "asked_to_leave".into()
        },
        description: "Shouted at the receptionist and was asked to leave.".into(),
        ..NewIncident::example(customer, "Tunde Okafor")
    }
}

fn threshold(n: u32) -> String {
    let text = BUILT_IN.replace(
        "incident_threshold = 3",
        &format!("incident_threshold = {n}"),
    );
    assert_ne!(text, BUILT_IN);
    text
}

fn threshold_cases(store: &mut dyn Store) -> usize {
    store
        .open_cases()
        .unwrap()
        .iter()
        .filter(|c| c.reason == CaseReason::Threshold)
        .count()
}

#[test]
fn a_pc_with_its_own_policy_cannot_change_escalation_for_the_office() {
    let mut w = world();
    // This PC was started with a policy file of its own: threshold 99.
    let own = Policy::parse(&threshold(99), "own.toml").unwrap();
    assert_eq!(own.threshold(), 99);
    for i in 0..3 {
        let o = w
            .store
            .record_incident(&w.reception, &own, &incident(w.customer, i == 2))
            .unwrap();
        // What the save reports is the office's rule too: the third is the threshold.
        assert_eq!(o.threshold, 3, "{o:?}");
    }
    // The third incident, police called, still opens the office's threshold case.
    assert_eq!(threshold_cases(&mut w.store), 1);
}

#[test]
fn a_policy_an_admin_sets_is_used_by_another_open_connection_at_once() {
    let mut w = world();
    let mut other_pc = SqliteStore::open(&w.path, &opts()).unwrap();
    let reception = actor(&mut other_pc, "ahassan");
    let admin = actor(&mut w.store, "admin");
    assert!(w
        .store
        .office_setting(SettingKind::Policy)
        .unwrap()
        .is_none());
    let set = w
        .store
        .set_office_setting(&admin, SettingKind::Policy, &threshold(2))
        .unwrap();
    assert_eq!(set.version, 1);
    assert_eq!(set.set_by, "Alex Morgan");
    // The other PC, open before the change and passing the built-in policy, runs the office's:
    // two incidents reach the threshold.
    for _ in 0..2 {
        other_pc
            .record_incident(
                &reception,
                &Policy::built_in(),
                &incident(w.customer, false),
            )
            .unwrap();
    }
    assert_eq!(threshold_cases(&mut other_pc), 1);
    // Versioned and audited: a second setting is version 2, and both are in the audit log.
    let again = w
        .store
        .set_office_setting(&admin, SettingKind::Policy, BUILT_IN)
        .unwrap();
    assert_eq!(again.version, 2);
    assert_eq!(
        other_pc
            .office_setting(SettingKind::Policy)
            .unwrap()
            .unwrap()
            .version,
        2
    );
    let audit = w.store.audit_for("policy").unwrap();
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert!(audit.iter().all(|a| a.who == "Alex Morgan"));
}

#[test]
fn only_an_admin_may_set_the_policy_and_a_broken_one_is_refused_with_its_line() {
    let mut w = world();
    let e = w
        .store
        .set_office_setting(&w.manager, SettingKind::Policy, &threshold(2))
        .unwrap_err();
    assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");
    assert!(
        e.to_string().contains("cannot set the office's policy"),
        "{e}"
    );
    let admin = actor(&mut w.store, "admin");
    let broken = BUILT_IN.replace("review_period_weeks = 6", "review_period_weeks = six");
    let e = w
        .store
        .set_office_setting(&admin, SettingKind::Policy, &broken)
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    assert!(e.to_string().contains("line 19"), "{e}");
    let e = w
        .store
        .set_office_setting(&admin, SettingKind::Policy, &threshold(0))
        .unwrap_err();
    assert!(e.to_string().contains("incident_threshold"), "{e}");
    // Nothing was set: the built-in policy is still in force.
    assert!(w
        .store
        .office_setting(SettingKind::Policy)
        .unwrap()
        .is_none());
    let staff = w.store.list_staff().unwrap();
    assert!(staff.iter().any(|s| s.role == Role::Admin));
}

#[test]
fn a_stored_policy_this_safedesk_cannot_read_refuses_saves_that_run_its_rules() {
    let mut w = world();
    // As a newer safedesk might store it: a field this one does not know.
    let newer = format!("{BUILT_IN}\n[future]\nsomething = 1\n");
    w.sqlite()
        .raw_connection()
        .execute(
            "INSERT INTO office_setting (kind, version, body, set_at, set_login) \
             VALUES ('policy', 1, ?1, '2026-11-24T09:00:00.000Z', 'admin')",
            [&newer],
        )
        .unwrap();
    let e = w
        .store
        .record_incident(&w.reception, &w.policy, &incident(w.customer, false))
        .unwrap_err();
    assert!(
        e.to_string().contains("cannot be used by this safedesk"),
        "{e}"
    );
    assert!(e.to_string().contains("safedesk policy set FILE"), "{e}");
    assert!(w
        .store
        .history(w.customer)
        .unwrap()
        .unwrap()
        .incidents
        .is_empty());
}

#[test]
fn migration_5_brings_schema_4_up_and_an_older_safedesk_refuses_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..4] {
            c.execute_batch(sql).unwrap();
        }
        c.execute_batch(
            "PRAGMA user_version = 4;
             INSERT INTO meta (key, value) VALUES ('app', 'safedesk');
             INSERT INTO staff (id, login, display_name, role, created_at)
               VALUES ('00000000-0000-0000-0000-000000000001', 'admin', 'Alex Morgan', 'admin',
                       '2026-11-24T09:00:00.000Z');",
        )
        .unwrap();
    }
    let mut store = SqliteStore::open(&path, &opts()).unwrap();
    assert!(store.schema_version().unwrap() >= 5);
    // The built-in policy is in force until an admin sets one.
    assert!(store.office_setting(SettingKind::Policy).unwrap().is_none());
    let admin = actor(&mut store, "admin");
    let set = store
        .set_office_setting(&admin, SettingKind::Policy, &threshold(4))
        .unwrap();
    assert_eq!(set.version, 1);
    drop(store);
    // A safedesk that knows only up to schema 4 refuses it, as this one refuses schema 6+.
    let c = rusqlite::Connection::open(&path).unwrap();
    let v: u32 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert!(v >= 5);
    assert_eq!(MIGRATIONS.len() as u32, v);
    c.pragma_update(None, "user_version", v + 1).unwrap();
    drop(c);
    let e = SqliteStore::open(&path, &opts()).err().unwrap();
    assert!(matches!(e, StoreError::TooNew { .. }), "{e}");
}

#[test]
fn a_running_pc_picks_up_a_policy_an_admin_sets_for_its_screens_too() {
    use safedesk::sync::worker::{self, Context};
    use safedesk::sync::Reply;
    let mut w = world();
    let admin = actor(&mut w.store, "admin");
    // Another PC's safedesk is running: its store worker, as the app runs it.
    let mut other_pc = SqliteStore::open(&w.path, &opts()).unwrap();
    let reception = actor(&mut other_pc, "ahassan");
    let ctx = Context {
        policy: Policy::built_in(),
        actor: reception,
        local: None,
        database: other_pc.database_id().unwrap(),
        also: vec![],
        file: None,
        read_only: false,
    };
    let (_req_tx, req_rx) = std::sync::mpsc::channel();
    let (reply_tx, replies) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        worker::run(Box::new(other_pc), ctx, req_rx, move |r| {
            reply_tx.send(r).is_ok()
        })
    });
    // Let it start and read the policy in force (the built-in one).
    std::thread::sleep(std::time::Duration::from_millis(700));
    w.store
        .set_office_setting(&admin, SettingKind::Policy, &threshold(4))
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let (policy, what) = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match replies.recv_timeout(left) {
            Ok(Reply::PolicyChanged(Ok((p, what)))) => break (p, what),
            Ok(Reply::PolicyChanged(Err(e))) => panic!("{e}"),
            Ok(_) => {}
            Err(e) => panic!("the running PC never heard of the new policy ({e})"),
        }
    };
    assert_eq!(policy.threshold(), 4);
    assert!(what.contains("version 1"), "{what}");
    // And the app takes it: its screens now count to 4.
    let mut app = common::screen::app_as("ahassan", None, chrono::Utc::now(), false);
    app.on_reply(Reply::PolicyChanged(Ok((policy, what))));
    assert_eq!(app.policy.threshold(), 4);
}
