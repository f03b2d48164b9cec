//! The PostgreSQL store's records topic (issue 21): the audit trail read back, card views,
//! subject access, news heard back, debriefs, `safedesk check` and backup, and retention, each
//! answering on a server as the SQLite store answers on a file, refusals in the same words.
#![cfg(all(unix, feature = "postgres"))]

mod common;

use common::pg::PgServer;
use common::world::{opts, today};
use safedesk::domain::{Actor, AuditQuery, CardView, Role};
use safedesk::store::postgres::{PgConfig, PgStore};
use safedesk::store::{Store, StoreError};

/// A server database `db`, set up by the store, with its first admin (Alex Morgan), a manager
/// (Sam Patel) and Amira Hassan at reception.
fn on_server(s: &PgServer, db: &str) -> (PgStore, Actor, Actor, Actor) {
    s.sql("postgres", &format!("CREATE DATABASE {db}"));
    let config = PgConfig::parse(&s.socket_address(db, "postgres")).unwrap();
    let mut store = PgStore::open(&config, &opts()).unwrap();
    s.sql(
        db,
        "INSERT INTO staff (id, login, display_name, role, active, created_at) \
         VALUES (gen_random_uuid(), 'admin', 'Alex Morgan', 'admin', true, now())",
    );
    let who = |store: &mut PgStore, login: &str| Actor {
        login: login.into(),
        staff: store.staff_by_login(login).unwrap(),
    };
    let admin = who(&mut store, "admin");
    store
        .add_staff(&admin, "spatel", "Sam Patel", Role::Manager)
        .unwrap();
    store
        .add_staff(&admin, "ahassan", "Amira Hassan", Role::Reception)
        .unwrap();
    let manager = who(&mut store, "spatel");
    let reception = who(&mut store, "ahassan");
    (store, admin, manager, reception)
}

#[test]
fn smoke_every_method_runs_on_the_server() {
    let Some(s) = PgServer::start("pg_records_smoke") else {
        return;
    };
    let (mut store, admin, manager, reception) = on_server(&s, "office");
    let q = AuditQuery {
        limit: 50,
        ..AuditQuery::default()
    };
    let e = store.audit_page(&reception, &q).unwrap_err();
    assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");
    let page = store.audit_page(&manager, &q).unwrap();
    assert_eq!(page.entries.len(), 2, "{page:?}");
    let by_who = store
        .audit_page(
            &manager,
            &AuditQuery {
                who: Some("alex".into()),
                from: Some(today()),
                to: Some(today()),
                staff: admin.staff.as_ref().map(|s| s.id),
                ..q.clone()
            },
        )
        .unwrap();
    assert_eq!(by_who.entries.len(), 2);
    let sam = manager.staff.as_ref().unwrap().id.to_string();
    assert_eq!(store.audit_for(&sam).unwrap().len(), 1);
    let customer = safedesk::domain::new_id();
    s.sql(
        "office",
        &format!(
            "INSERT INTO customer (id, name, created_at, updated_at) VALUES ('{customer}', 'Tunde Okafor', now(), now())"
        ),
    );
    let view = CardView {
        id: safedesk::domain::new_id(),
        customer,
        at: chrono::Utc::now(),
    };
    assert_eq!(
        store
            .record_views(&reception, std::slice::from_ref(&view))
            .unwrap(),
        1
    );
    assert_eq!(store.record_views(&reception, &[view]).unwrap(), 0);
    let page = store
        .audit_page(
            &manager,
            &AuditQuery {
                customer: Some(customer),
                ..q.clone()
            },
        )
        .unwrap();
    assert_eq!(page.views.len(), 1);
    store.record_export(&manager, customer, "/tmp/x").unwrap();
    assert!(store.heard_back(&reception, 5).unwrap().items.is_empty());
    assert_eq!(
        store.dismiss_news(&reception, &["case:x".into()]).unwrap(),
        1
    );
    assert_eq!(
        store.dismiss_news(&reception, &["case:x".into()]).unwrap(),
        0
    );
    let e = store
        .request_debrief(&reception, safedesk::domain::new_id())
        .unwrap_err();
    assert!(matches!(e, StoreError::Missing(_)), "{e}");
    let e = store
        .debrief_held(&manager, safedesk::domain::new_id(), today())
        .unwrap_err();
    assert_eq!(e.to_string(), "That case is not a debrief request.");
    assert!(store.debriefs_for(customer).unwrap().is_empty());
    let plan = store.retention_plan(today()).unwrap();
    assert!(plan.items.is_empty());
    let e = store.retention_run(&manager, today()).unwrap_err();
    assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");
    store.retention_run(&admin, today()).unwrap();
    assert_eq!(store.retention_due_step(today(), 0).unwrap(), (0, Some(1)));
    let report = store.check(false).unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.counts.unwrap().customers, 1);
    // A link broken behind the server's back (its checks switched off), and the indexes
    // checked against their tables once IT adds amcheck.
    s.sql(
        "office",
        "SET session_replication_role = replica; \
         INSERT INTO heard_back (staff_id, event, dismissed_at) \
         VALUES (gen_random_uuid(), 'case:y', now()); \
         CREATE EXTENSION amcheck;",
    );
    let report = store.check(false).unwrap();
    assert!(!report.ok);
    assert_eq!(report.foreign_key_problem_count, 1, "{report:?}");
    let link = &report.foreign_key_problems[0];
    assert_eq!(
        (
            link.table.as_str(),
            link.column.as_str(),
            link.parent.as_str()
        ),
        ("heard_back", "staff_id", "staff")
    );
    assert_eq!(report.integrity_problem_count, 0, "{report:?}");
    assert!(
        !report.notes.iter().any(|n| n.contains("amcheck")),
        "{:?}",
        report.notes
    );
    s.sql("office", "UPDATE audit SET after = '{}' WHERE seq = 2");
    let report = store.check(true).unwrap();
    assert!(!report.ok);
    let chain = report.audit_chain.unwrap();
    assert_eq!(chain.first_break.unwrap().seq, 2);
    let e = store
        .backup_to(std::path::Path::new("/tmp/b.sqlite"), false, &mut |_, _| {})
        .unwrap_err();
    assert!(e.to_string().contains("pg_dump"), "{e}");
}
