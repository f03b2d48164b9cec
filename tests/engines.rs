//! The same store on both engines (issue 21): each test body runs on a SQLite file and on a
//! PostgreSQL database (a private server shared by this test binary) and must give the same
//! answers. Here: setting a database up, the staff list, the office's settings, and another PC's
//! change noticed (PostgreSQL: LISTEN/NOTIFY; SQLite: `PRAGMA data_version`).

mod common;

use common::engine::{for_each_engine, Db};
use common::world::actor;
use safedesk::domain::{Role, SettingKind};
use safedesk::store::StoreError;

#[test]
fn a_new_database_has_its_first_admin_and_the_staff_list_keeps_its_rules() {
    for_each_engine(|engine| {
        let (_db, mut store) = Db::create(engine, ("OFFICE\\amorgan", "Alex Morgan"));
        assert!(!store.is_demo().unwrap());
        assert!(!store.database_id().unwrap().is_empty());
        // Windows gives the login in other capitals, or without its domain.
        let admin = actor(&mut *store, "office\\AMORGAN");
        assert_eq!(
            admin.staff.as_ref().map(|s| s.display_name.as_str()),
            Some("Alex Morgan")
        );
        let sam = store
            .add_staff(&admin, "spatel", "Sam Patel", Role::Manager)
            .unwrap();
        assert_eq!(sam.role, Role::Manager);
        // The same login again is refused, saying how to change a role instead.
        let again = store
            .add_staff(&admin, "SPATEL", "Sam Patel", Role::Reception)
            .unwrap_err();
        assert!(
            again.to_string().contains("already on the staff list"),
            "{engine}: {again}"
        );
        // A manager may not add staff; the last admin may not stop being one.
        let manager = actor(&mut *store, "spatel");
        let e = store
            .add_staff(&manager, "jdoe", "Jo Doe", Role::Reception)
            .unwrap_err();
        assert!(matches!(e, StoreError::NotAllowed(_)), "{engine}: {e}");
        let e = store
            .set_staff_role(&admin, "OFFICE\\amorgan", Role::Manager)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "That would leave no active admin. Make someone else an admin first."
        );
        let e = store
            .set_staff_role(&admin, "nobody", Role::Manager)
            .unwrap_err();
        assert!(matches!(e, StoreError::Missing(_)), "{engine}: {e}");
        // Sam leaves: his own copy, started before, is refused a write inside it.
        store.set_staff_active(&admin, "spatel", false).unwrap();
        let e = store
            .set_office_setting(&manager, SettingKind::Organisation, "x")
            .unwrap_err();
        assert!(matches!(e, StoreError::NotAllowed(_)), "{engine}: {e}");
        let names: Vec<String> = store
            .list_staff()
            .unwrap()
            .into_iter()
            .map(|s| format!("{} {}", s.display_name, s.active))
            .collect();
        assert_eq!(names, ["Alex Morgan true", "Sam Patel false"], "{engine}");
        // Everything above is in the audit trail's chain, on both engines alike.
        let trail = store.audit_for(&sam.id.to_string()).unwrap();
        assert_eq!(trail.len(), 2, "{engine}: added, then stopped");
    });
}

#[test]
fn a_policy_set_by_an_admin_is_the_one_in_force_and_a_broken_one_is_refused_with_its_line() {
    for_each_engine(|engine| {
        let (db, mut store) = Db::create(engine, ("admin", "Alex Morgan"));
        let admin = actor(&mut *store, "admin");
        assert!(store.office_setting(SettingKind::Policy).unwrap().is_none());
        let policy = std::fs::read_to_string("assets/policy.toml").unwrap();
        let set = store
            .set_office_setting(&admin, SettingKind::Policy, &policy)
            .unwrap();
        assert_eq!(set.version, 1);
        assert_eq!(set.set_by, "Alex Morgan");
        let broken = policy.replacen('[', "[[", 1);
        let e = store
            .set_office_setting(&admin, SettingKind::Policy, &broken)
            .unwrap_err();
        assert!(
            e.to_string().contains("The policy in force is unchanged."),
            "{engine}: {e}"
        );
        // Another PC reads the same version.
        let mut other = db.open();
        let seen = other.office_setting(SettingKind::Policy).unwrap().unwrap();
        assert_eq!((seen.version, seen.body), (1, policy));
    });
}

#[test]
fn another_pcs_change_is_noticed_without_reading_anything_else() {
    for_each_engine(|engine| {
        let (db, mut first) = Db::create(engine, ("admin", "Alex Morgan"));
        let mut second = db.open();
        let admin = actor(&mut *first, "admin");
        let before = second.data_version().unwrap();
        // Nothing changed: the same answer, however often asked.
        assert_eq!(second.data_version().unwrap(), before, "{engine}");
        first
            .add_staff(&admin, "spatel", "Sam Patel", Role::Manager)
            .unwrap();
        common::engine::wait_for_change(&mut *second, before, engine);
        assert!(second.staff_by_login("spatel").unwrap().is_some());
    });
}

/// PostgreSQL only: a connection the server dropped is made again by the next action, which
/// counts as a change (what was notified meanwhile was lost); while the server cannot be reached
/// a save is refused with a sentence that sends it to the outbox.
#[cfg(all(unix, feature = "postgres"))]
#[test]
fn a_dropped_connection_is_made_again_and_counts_as_a_change() {
    let Some(server) = common::pg::PgServer::shared() else {
        return;
    };
    let (db, mut store) = Db::create(common::engine::Engine::Postgres, ("admin", "Alex Morgan"));
    let admin = actor(&mut *store, "admin");
    let before = store.data_version().unwrap();
    let dbname = database_name(&db);
    server.sql(
        "postgres",
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{dbname}' AND pid <> pg_backend_pid()"
        ),
    );
    // The drop is found by the next look for changes (or the one after: the server's goodbye
    // may still be on its way), which reports it; the one after that connects again.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        match store.data_version() {
            Ok(v) if v > before => break,
            Ok(_) => {}
            Err(e) => assert!(e.is_transient(), "{e}"),
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the drop was never noticed"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    store
        .add_staff(&admin, "spatel", "Sam Patel", Role::Manager)
        .unwrap();
    // An address nothing answers at: the sentence says so, and the error is transient.
    let nowhere = safedesk::store::postgres::PgConfig::parse(&format!(
        "postgres://postgres@127.0.0.1:{}/x?connect_timeout=2",
        common::pg::free_port()
    ))
    .unwrap();
    let e =
        safedesk::store::postgres::PgStore::open(&nowhere, &common::engine::opts()).unwrap_err();
    assert!(e.is_transient(), "{e}");
    assert!(e.to_string().contains("cannot be reached"), "{e}");
}

/// On a server, a save kept waiting by other PCs' saves past its patience gives up with a
/// sentence about the server (not a file's "another program"), and it is one the outbox keeps.
#[cfg(all(unix, feature = "postgres"))]
#[test]
fn a_save_kept_waiting_on_a_server_says_the_server_was_busy_and_is_kept_for_later() {
    let Some(server) = common::pg::PgServer::shared() else {
        return;
    };
    let (db, mut store) = Db::create(common::engine::Engine::Postgres, ("admin", "Alex Morgan"));
    let admin = actor(&mut *store, "admin");
    let dbname = database_name(&db);
    // Another PC's save holding its turn for as long as this lasts.
    let mut other = server.superuser(dbname);
    let key = safedesk::store::postgres::WRITE_KEY;
    other
        .execute("SELECT pg_advisory_lock($1)", &[&key])
        .unwrap();
    let e = store
        .add_staff(&admin, "spatel", "Sam Patel", Role::Manager)
        .unwrap_err();
    assert!(matches!(e, StoreError::ServerBusy { .. }), "{e}");
    assert!(e.is_transient(), "the outbox keeps it: {e}");
    let said = e.to_string();
    assert!(said.contains("busy for longer than 1 s"), "{said}");
    assert!(!said.contains("other program"), "{said}");
    other
        .execute("SELECT pg_advisory_unlock($1)", &[&key])
        .unwrap();
    store
        .add_staff(&admin, "spatel", "Sam Patel", Role::Manager)
        .unwrap();
}

/// The name of a PostgreSQL test database, from its address (`postgres://postgres@/NAME?...`).
#[cfg(all(unix, feature = "postgres"))]
fn database_name(db: &Db) -> &str {
    db.address
        .split('/')
        .nth(3)
        .and_then(|rest| rest.split('?').next())
        .unwrap()
}

/// The SQL blocks of the README's section on safedesk's database user, in order.
#[cfg(all(unix, feature = "postgres"))]
fn readme_grants() -> Vec<String> {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find("**A database user that can do no more than safedesk needs.**")
        .expect("the README's section on safedesk's database user");
    let section = &readme[start..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    section
        .split("```sql\n")
        .skip(1)
        .map(|b| b[..b.find("```").unwrap()].to_string())
        .collect()
}

/// Issue 21, item 5: the README's grants, run as written against a private server, give a user
/// that can do what the app does and no more: it cannot change the schema, nor rewrite or delete
/// the audit trail.
#[cfg(all(unix, feature = "postgres"))]
#[test]
fn the_readmes_grants_give_a_user_that_can_work_but_not_change_the_schema_or_the_trail() {
    use safedesk::store::postgres::{PgConfig, PgStore};
    let Some(server) = common::pg::PgServer::shared() else {
        return;
    };
    let blocks = readme_grants();
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    let (before_c, in_db) = blocks[0].split_once("\\c safedesk\n").unwrap();
    // One statement at a time, as psql sends them (CREATE DATABASE cannot share a transaction).
    let run = |db: &str, sql: &str| {
        for statement in sql.split(";\n").filter(|s| !s.trim().is_empty()) {
            server.sql(db, statement);
        }
    };
    run("postgres", before_c);
    run("safedesk", in_db);
    let dir = tempfile::tempdir().unwrap();
    let passfile = dir.path().join("pgpass");
    std::fs::write(
        &passfile,
        format!(
            "127.0.0.1:{p}:safedesk:safedesk_owner:choose one\n127.0.0.1:{p}:safedesk:safedesk_app:choose another\n",
            p = server.port
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&passfile, std::fs::Permissions::from_mode(0o600)).unwrap();
    let address = |user: &str| {
        PgConfig::parse(&format!(
            "host=127.0.0.1 port={} dbname=safedesk user={user} sslmode=disable passfile='{}'",
            server.port,
            passfile.display()
        ))
        .unwrap()
    };
    // The owner sets it up; then the audit trail is made append-only.
    let mut owner = PgStore::create(
        &address("safedesk_owner"),
        &common::engine::opts(),
        "admin",
        "Alex Morgan",
        false,
    )
    .unwrap();
    run("safedesk", &blocks[1]);
    let admin = actor(&mut owner, "admin");
    // The app's user works as the app does.
    let mut app = PgStore::open(&address("safedesk_app"), &common::engine::opts()).unwrap();
    use safedesk::store::Store;
    app.add_staff(&admin, "spatel", "Sam Patel", Role::Manager)
        .unwrap();
    app.set_office_setting(&admin, SettingKind::Organisation, "name = 'x'")
        .unwrap();
    assert_eq!(app.list_staff().unwrap().len(), 2);
    // And no more.
    let mut raw = postgres::Config::new()
        .host("127.0.0.1")
        .port(server.port)
        .dbname("safedesk")
        .user("safedesk_app")
        .password("choose another")
        .connect(postgres::NoTls)
        .unwrap();
    for refused in [
        "CREATE TABLE mine (x int)",
        "DROP TABLE staff",
        "ALTER TABLE customer ADD COLUMN x int",
        "DELETE FROM audit",
        "UPDATE audit SET action = 'nothing happened'",
        "TRUNCATE audit",
    ] {
        let e = raw.batch_execute(refused).unwrap_err();
        assert_eq!(
            e.code(),
            Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
            "{refused}: {e}"
        );
    }
    // Blanking an entry's content, as retention does, is allowed.
    raw.batch_execute(
        "UPDATE audit SET before = NULL, after = NULL, redacted = true WHERE seq = 1",
    )
    .unwrap();
}
