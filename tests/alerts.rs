//! Managers' alerts in the store, on real SQLite files: an immediate threat stays an alert on
//! every manager's connection until one of them opens the case, and opening it is one small
//! write made once.

use safedesk::domain::{Actor, CaseReason, NewCustomer, NewIncident, Role};
use safedesk::policy::Policy;
use safedesk::store::sqlite::migrations::MIGRATIONS;
use safedesk::store::{OpenOptions, SqliteStore, Store, StoreError};

fn opts() -> OpenOptions {
    OpenOptions {
        busy_timeout_ms: 300,
        ..OpenOptions::default()
    }
}

fn actor(store: &mut SqliteStore, login: &str) -> Actor {
    Actor {
        login: login.into(),
        staff: store.staff_by_login(login).unwrap(),
    }
}

fn threat(customer: safedesk::domain::Id) -> NewIncident {
    NewIncident {
        immediate_threat: true,
        ..NewIncident::example(customer, "Tunde Okafor")
    }
}

#[test]
fn a_threat_alerts_every_manager_until_one_opens_it_and_a_new_one_alerts_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.sqlite");
    let mut desk = SqliteStore::create(&path, &opts(), "admin", "Alex Morgan", false).unwrap();
    let admin = actor(&mut desk, "admin");
    desk.add_staff(&admin, "spatel", "Sam Patel", Role::Manager)
        .unwrap();
    desk.add_staff(&admin, "ahassan", "Amira Hassan", Role::Reception)
        .unwrap();
    let reception = actor(&mut desk, "ahassan");
    let policy = Policy::built_in();
    let tunde = desk
        .add_customer(
            &reception,
            NewCustomer {
                name: Some("Tunde Okafor".into()),
                ..NewCustomer::default()
            },
        )
        .unwrap();
    // Two managers' PCs, each with its own connection to the file.
    let mut sam_pc = SqliteStore::open(&path, &opts()).unwrap();
    let mut other_pc = SqliteStore::open(&path, &opts()).unwrap();
    let sam = actor(&mut sam_pc, "spatel");
    assert!(sam_pc.queue_watch().unwrap().alerts.is_empty());

    desk.record_incident(&reception, &policy, &threat(tunde.id))
        .unwrap();
    for pc in [&mut sam_pc, &mut other_pc] {
        let w = pc.queue_watch().unwrap();
        assert_eq!(w.alerts.len(), 1, "{w:?}");
        let a = &w.alerts[0];
        assert_eq!(a.customer_name, "Tunde Okafor");
        assert_eq!(a.reason, CaseReason::ImmediateThreat);
        assert_eq!(a.logged_by.as_deref(), Some("Amira Hassan"));
        assert_eq!(a.logged_by_role.as_deref(), Some("reception"));
        let threats = w
            .by_reason
            .iter()
            .find(|(r, _)| *r == CaseReason::ImmediateThreat)
            .map(|(_, n)| *n);
        assert_eq!(threats, Some(1));
    }
    let case = sam_pc.queue(&sam, safedesk::time::london_date(chrono::Utc::now()));
    let case = case.unwrap().cases.remove(0);
    assert!(case.seen_at.is_none() && case.unopened_alert());

    // Reception cannot mark it opened: only managers.
    let e = desk.mark_case_seen(&reception, case.id).unwrap_err();
    assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");

    // Sam opens it: recorded once, in the shared file, and the alert leaves every PC.
    let before = other_pc.data_version().unwrap();
    assert!(sam_pc.mark_case_seen(&sam, case.id).unwrap());
    assert_ne!(
        other_pc.data_version().unwrap(),
        before,
        "a write others see"
    );
    assert!(other_pc.queue_watch().unwrap().alerts.is_empty());
    let seen = other_pc.case(case.id).unwrap().unwrap();
    assert_eq!(seen.seen_by.as_deref(), Some("Sam Patel"));
    assert!(seen.seen_at.is_some());
    assert_eq!(
        seen.version, case.version,
        "opening is not a change to decide over"
    );

    // Opening it again writes nothing at all (a write empties every PC's page cache).
    let before = other_pc.data_version().unwrap();
    assert!(!sam_pc.mark_case_seen(&sam, case.id).unwrap());
    assert_eq!(other_pc.data_version().unwrap(), before);

    // Another threat joins the case: it alerts again.
    desk.record_incident(&reception, &policy, &threat(tunde.id))
        .unwrap();
    let w = other_pc.queue_watch().unwrap();
    assert_eq!(w.alerts.len(), 1);
    assert_eq!(w.alerts[0].case_id, case.id);
}

/// A database as safedesk with schema 3 made it, holding one open immediate-threat case.
fn schema_3_database(path: &std::path::Path) {
    let c = rusqlite::Connection::open(path).unwrap();
    for sql in &MIGRATIONS[..3] {
        c.execute_batch(sql).unwrap();
    }
    c.execute_batch(
        "PRAGMA user_version = 3;
         INSERT INTO meta (key, value) VALUES ('app', 'safedesk');
         INSERT INTO staff (id, login, display_name, role, created_at)
           VALUES ('00000000-0000-0000-0000-000000000001', 'spatel', 'Sam Patel', 'manager',
                   '2026-11-24T09:00:00.000Z');
         INSERT INTO customer (id, name, created_at, updated_at)
           VALUES ('00000000-0000-0000-0000-000000000002', 'Tunde Okafor',
                   '2026-11-24T09:00:00.000Z', '2026-11-24T09:00:00.000Z');
         INSERT INTO escalation_case (id, customer_id, reason, opened_at)
           VALUES ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-000000000002',
                   'immediate_threat', '2026-11-24T09:05:00.000Z');",
    )
    .unwrap();
}

#[test]
fn migration_4_brings_schema_3_up_and_an_older_safedesk_refuses_the_result() {
    let latest = safedesk::store::sqlite::SCHEMA_VERSION;
    assert!(latest >= 4);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    schema_3_database(&path);
    let mut store = SqliteStore::open(&path, &opts()).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest);
    // A case open at the upgrade has not been opened as far as safedesk knows: it alerts.
    let w = store.queue_watch().unwrap();
    assert_eq!(w.alerts.len(), 1, "{w:?}");
    assert_eq!(w.alerts[0].customer_name, "Tunde Okafor");
    assert_eq!(w.alerts[0].logged_by, None, "no incident behind it");
    let sam = actor(&mut store, "spatel");
    assert!(store.mark_case_seen(&sam, w.alerts[0].case_id).unwrap());
    assert!(store.queue_watch().unwrap().alerts.is_empty());
    drop(store);
    // Opening again changes nothing; this safedesk refuses a database one schema newer than it
    // knows, as one that knows only up to 3 refuses this one.
    SqliteStore::open(&path, &opts()).unwrap();
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", latest + 1).unwrap();
    }
    let e = SqliteStore::open(&path, &opts()).err().unwrap();
    assert!(
        matches!(
            e,
            StoreError::TooNew {
                found,
                supported,
                ..
            } if found == latest + 1 && supported == latest
        ),
        "{e}"
    );
}
