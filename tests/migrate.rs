//! Moving an office from its SQLite file to a PostgreSQL server (issue 21, item 4): everything
//! copied in one transaction, the counts alike on both sides, a target that is not empty refused,
//! and the file left exactly as it was.
#![cfg(all(unix, feature = "postgres"))]

mod common;

use common::engine::opts;
use common::pg::PgServer;
use safedesk::domain::{Actor, Role};
use safedesk::policy::Policy;
use safedesk::store::postgres::{copy, PgConfig};
use safedesk::store::{SqliteStore, Store};
use std::path::{Path, PathBuf};

/// The demo office (every kind of record: incidents, cases, decisions, restrictions, reviews,
/// letters, merges, the audit trail) in a new file.
fn demo_file(dir: &Path) -> PathBuf {
    let path = dir.join("office.sqlite");
    let staff = safedesk::demo::staff();
    let admin = staff
        .iter()
        .find(|s| s.role == Role::Admin && s.active)
        .unwrap()
        .clone();
    let mut store = SqliteStore::create_with_admin(&path, &opts(), &admin, true).unwrap();
    let actor = Actor {
        login: admin.login.clone(),
        staff: Some(admin.clone()),
    };
    let mut bulk = safedesk::demo::demo_bulk(chrono::Utc::now());
    bulk.staff.retain(|s| s.id != admin.id);
    store.bulk_load(&actor, &Policy::built_in(), &bulk).unwrap();
    path
}

fn file_count(path: &Path, table: &str) -> i64 {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn the_demo_office_moves_whole_and_a_database_with_data_is_refused() {
    let Some(server) = PgServer::shared() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = demo_file(dir.path());
    let before = std::fs::read(&file).unwrap();
    let db = server.fresh_database("migrate");
    let config = PgConfig::parse(&server.superuser_address(&db)).unwrap();
    let report = copy::from_sqlite(&file, &config).unwrap();

    // Every table: the file's rows, all of them on the server.
    let mut pg = server.superuser(&db);
    for (table, n) in &report.tables {
        let key = if table == "customer_text" {
            "customer_text"
        } else {
            table
        };
        assert_eq!(*n, file_count(&file, key), "{table} in the file");
        let on_server: i64 = pg
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .unwrap()
            .get(0);
        assert_eq!(on_server, *n, "{table} on the server");
    }
    let count = |t: &str| report.tables.iter().find(|(n, _)| n == t).unwrap().1;
    assert!(count("customer") > 100, "{report:?}");
    assert!(count("decision") > 10, "{report:?}");
    assert!(count("audit") > 10, "{report:?}");
    // The reports' figures the server's trigger made from the incidents are the file's.
    assert_eq!(report.incident_days.0, report.incident_days.1);
    assert!(report.incident_days.0 > 0);
    // The same office: its id, and that it is demo data.
    let mut sqlite = SqliteStore::open(&file, &opts()).unwrap();
    let mut moved = safedesk::store::postgres::PgStore::open(&config, &opts()).unwrap();
    assert_eq!(moved.database_id().unwrap(), sqlite.database_id().unwrap());
    assert!(moved.is_demo().unwrap());
    // The staff list reads the same through both stores.
    assert_eq!(moved.list_staff().unwrap(), sqlite.list_staff().unwrap());
    // The next customer number follows the copied ones.
    let next: i64 = pg
        .query_one(
            "SELECT nextval(pg_get_serial_sequence('customer', 'seq'))",
            &[],
        )
        .unwrap()
        .get(0);
    let most: i64 = pg
        .query_one("SELECT max(seq) FROM customer", &[])
        .unwrap()
        .get(0);
    assert!(next > most);

    // A second move into the same database is refused, and changes nothing there.
    let e = copy::from_sqlite(&file, &config).unwrap_err();
    assert!(e.to_string().contains("already holds safedesk data"), "{e}");
    let customers: i64 = pg
        .query_one("SELECT count(*) FROM customer", &[])
        .unwrap()
        .get(0);
    assert_eq!(customers, count("customer"));
    drop(sqlite);
    // The file is exactly as it was.
    assert!(std::fs::read(&file).unwrap() == before, "the file changed");
}

#[test]
fn a_file_that_is_not_safedesk_or_not_there_is_refused_and_nothing_is_copied() {
    let Some(server) = PgServer::shared() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = server.fresh_database("migrate_refused");
    let config = PgConfig::parse(&server.superuser_address(&db)).unwrap();
    let missing = dir.path().join("nothing.sqlite");
    let e = copy::from_sqlite(&missing, &config).unwrap_err();
    assert!(
        e.to_string().contains("There is no safedesk database at"),
        "{e}"
    );
    let other = dir.path().join("other.sqlite");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    let e = copy::from_sqlite(&other, &config).unwrap_err();
    assert!(e.to_string().contains("is not a safedesk database"), "{e}");
    // The file is checked before the server is touched: not even the schema was made.
    let tables: i64 = server
        .superuser(&db)
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 0);
}

#[test]
fn safedesk_migrate_prints_the_counts_and_refuses_a_second_move() {
    let Some(server) = PgServer::shared() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = demo_file(dir.path());
    let db = server.fresh_database("migrate_cli");
    let to = server.superuser_address(&db);
    let from = file.to_str().unwrap();
    let out = common::safedesk(dir.path(), &["migrate", "--from", from, "--to", &to]);
    let said = common::stdout(&out);
    assert!(out.status.success(), "{said}{}", common::stderr(&out));
    assert!(
        said.starts_with(&format!("Moved {from} to postgres://")),
        "{said}"
    );
    let customers = file_count(&file, "customer");
    assert!(
        said.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["customer", &customers.to_string(), &customers.to_string()]),
        "{said}"
    );
    assert!(said.contains("The file is left as it was."), "{said}");
    // Both sides' `safedesk check` agree: every record counted alike, both sound, the audit
    // trail's chain whole on both and as long.
    std::fs::write(dir.path().join("no-config.toml"), "").unwrap();
    let check = |db: &str| {
        let out = common::safedesk(dir.path(), &["--db", db, "check", "--json"]);
        assert!(
            out.status.success(),
            "{db}: {}{}",
            common::stdout(&out),
            common::stderr(&out)
        );
        serde_json::from_str::<serde_json::Value>(&common::stdout(&out)).unwrap()
    };
    let (on_file, on_server) = (check(from), check(&to));
    assert_eq!(on_file["counts"], on_server["counts"], "{on_server:#}");
    assert_eq!(on_file["counts"]["customers"], customers, "{on_file:#}");
    for c in [&on_file, &on_server] {
        assert_eq!(c["ok"], true, "{c:#}");
        assert_eq!(
            c["audit_chain"]["first_break"],
            serde_json::Value::Null,
            "{c:#}"
        );
    }
    assert_eq!(
        on_file["audit_chain"]["checked"],
        on_server["audit_chain"]["checked"]
    );
    // What the move printed is what check counts on the server.
    let incidents = on_server["counts"]["incidents"].to_string();
    assert!(
        said.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["incident", incidents.as_str(), incidents.as_str()]),
        "{said}"
    );
    let again = common::safedesk(dir.path(), &["migrate", "--from", from, "--to", &to]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        common::stderr(&again).contains("already holds safedesk data"),
        "{}",
        common::stderr(&again)
    );
    // A path where the address should be is refused with what to give instead.
    let wrong = common::safedesk(dir.path(), &["migrate", "--from", from, "--to", from]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(common::stderr(&wrong).contains("--to takes the address"));
}

/// An office starting on a server: `safedesk init` sets an empty database up with whoever runs
/// it as its first admin, and prints the command to add colleagues with the address as it was
/// given (its sslmode kept); a second `init` is refused, and the office works at once.
#[test]
fn init_sets_an_empty_server_database_up_and_refuses_to_do_it_twice() {
    let Some(server) = PgServer::shared() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("no-config.toml"), "").unwrap();
    let db = server.fresh_database("init_on_server");
    let given = format!("{}&sslmode=disable", server.superuser_address(&db));
    let run = |args: &[&str]| {
        let mut all = vec!["--db", given.as_str(), "--user", "hcarter"];
        all.extend_from_slice(args);
        common::safedesk(dir.path(), &all)
    };
    let o = run(&["init", "--name", "Helen Carter"]);
    let said = common::stdout(&o);
    assert!(o.status.success(), "{said}{}", common::stderr(&o));
    assert!(
        said.contains("You (hcarter) are its first admin."),
        "{said}"
    );
    assert!(
        said.contains(&format!("safedesk --db \"{given}\" staff add")),
        "{said}"
    );
    let again = run(&["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        common::stderr(&again).contains("already holds a safedesk database"),
        "{}",
        common::stderr(&again)
    );
    let o = run(&[
        "staff",
        "add",
        "rjones",
        "--name",
        "Rita Jones",
        "--role",
        "reception",
    ]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let o = run(&["staff", "list"]);
    let list = common::stdout(&o);
    assert!(
        list.contains("Helen Carter") && list.contains("Rita Jones"),
        "{list}"
    );
    let o = run(&["check"]);
    assert!(o.status.success(), "{}", common::stdout(&o));
    assert!(
        common::stdout(&o).contains("Records:  2 staff, 0 customers"),
        "{}",
        common::stdout(&o)
    );
}
