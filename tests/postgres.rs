//! The PostgreSQL store's foundation against a real server (tests/common/pg.rs starts a private
//! one per test): connecting, the schema's migrations (once, whoever starts first), and each
//! refusal in its one sentence. Skipped, saying why, where PostgreSQL is not installed, except
//! in CI. Unix only: the Windows run under Wine has no server.
#![cfg(all(unix, feature = "postgres"))]

mod common;

use common::pg::{free_port, PgServer};
use safedesk::store::postgres::migrations::LATEST;
use safedesk::store::postgres::{copy, PgConfig, PgError, PgStore};
use std::sync::{Arc, Barrier};

fn config(address: &str) -> PgConfig {
    PgConfig::parse(address).unwrap()
}

/// A server with an empty database `office` owned by the superuser.
fn server(test: &str) -> Option<PgServer> {
    let s = PgServer::start(test)?;
    eprintln!(
        "{test}: private server made and started in {:?}",
        s.started_in
    );
    s.sql("postgres", "CREATE DATABASE office");
    Some(s)
}

fn tables(s: &PgServer) -> Vec<String> {
    s.superuser("office")
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[test]
fn a_fresh_database_is_migrated_to_the_latest_schema() {
    let Some(s) = server("a_fresh_database_is_migrated_to_the_latest_schema") else {
        return;
    };
    let mut store = PgStore::connect(&config(&s.socket_address("office", "postgres"))).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST);
    assert!(store.server_version() >= safedesk::store::postgres::OLDEST_SUPPORTED);
    let id = store.database_id().unwrap();
    assert_eq!(id.len(), 32, "{id}");
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    let t = tables(&s);
    // Every table a move copies, and those the server keeps for itself.
    for want in copy::TABLES
        .iter()
        .chain(&["safedesk_meta", "incident_day"])
    {
        assert!(t.contains(&want.to_string()), "{want} missing from {t:?}");
    }
    // The checks hold: a role safedesk does not know, a decision without reasons.
    let mut su = s.superuser("office");
    let e = su
        .batch_execute(
            "INSERT INTO staff (id, login, display_name, role, created_at) \
             VALUES (gen_random_uuid(), 'x', 'X', 'owner', now())",
        )
        .unwrap_err();
    assert_eq!(e.code().unwrap().code(), "23514", "check_violation: {e}");
}

#[test]
fn the_triggers_keep_the_figures_sqlite_keeps() {
    let Some(s) = server("the_triggers_keep_the_figures_sqlite_keeps") else {
        return;
    };
    PgStore::connect(&config(&s.socket_address("office", "postgres"))).unwrap();
    let mut su = s.superuser("office");
    su.batch_execute(
        "INSERT INTO staff (id, login, display_name, role, created_at) VALUES \
           ('00000000-0000-0000-0000-000000000001', 'spatel', 'Sam Patel', 'manager', now()); \
         INSERT INTO customer (id, name, created_at, updated_at) VALUES \
           ('00000000-0000-0000-0000-0000000000c1', 'Alex', now(), now()); \
         -- 23:30 UTC on 1 July is 00:30 on 2 July in London (summer time).
         INSERT INTO incident (id, customer_id, occurred_at, logged_at, logged_by, channel, category, \
           response, description) VALUES \
           ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1', \
            '2026-07-01T23:30:00Z', '2026-07-02T09:00:00Z', '00000000-0000-0000-0000-000000000001', \
            'phone', 'verbal_abuse', 'ended the call', 'Shouted'), \
           ('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000c1', \
            '2026-07-02T10:00:00Z', '2026-07-02T10:05:00Z', '00000000-0000-0000-0000-000000000001', \
            'phone', 'verbal_abuse', 'ended the call', 'Shouted again'); \
         INSERT INTO decision (id, customer_id, decided_at, meeting_date, attendees, outcome, \
           reasons, decided_by) VALUES \
           ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1', \
            '2026-07-12T09:00:00Z', '2026-07-12', 'Sam', 'restrict', 'Repeated abuse', \
            '00000000-0000-0000-0000-000000000001'); \
         INSERT INTO restriction (id, customer_id, kind, starts_at, review_due) VALUES \
           ('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-0000000000c1', \
            'single_point', now(), '2026-08-23');",
    )
    .unwrap();
    let n: i32 = su
        .query_one(
            "SELECT n FROM incident_day WHERE day = '2026-07-02' AND channel = 'phone' \
             AND category = 'verbal_abuse' AND NOT threat",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 2, "both incidents fell on 2 July in London");
    su.batch_execute(
        "UPDATE incident SET withdrawn_at = now() WHERE id = '00000000-0000-0000-0000-0000000000a2'",
    )
    .unwrap();
    let n: i32 = su
        .query_one("SELECT sum(n)::integer FROM incident_day", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1, "a withdrawn incident does not count");
    // Nine days and 23 hours after the last incident before it: nine whole days.
    let waited: Option<i32> = su
        .query_one("SELECT waited_days FROM decision", &[])
        .unwrap()
        .get(0);
    assert_eq!(waited, Some(9));
    let first: String = su
        .query_one("SELECT first_review_due::text FROM restriction", &[])
        .unwrap()
        .get(0);
    assert_eq!(first, "2026-08-23");
}

#[test]
fn a_second_connect_finds_it_migrated_and_does_nothing() {
    let Some(s) = server("a_second_connect_finds_it_migrated_and_does_nothing") else {
        return;
    };
    let c = config(&s.socket_address("office", "postgres"));
    let mut first = PgStore::connect(&c).unwrap();
    let id = first.database_id().unwrap();
    let mut second = PgStore::connect_only(&c).unwrap();
    assert_eq!(
        second.migrate().unwrap(),
        LATEST,
        "found already at the latest"
    );
    assert_eq!(second.database_id().unwrap(), id);
    assert_eq!(second.schema_version().unwrap(), LATEST);
}

#[test]
fn four_starting_at_once_end_with_one_schema() {
    let Some(s) = server("four_starting_at_once_end_with_one_schema") else {
        return;
    };
    let c = config(&s.socket_address("office", "postgres"));
    let barrier = Arc::new(Barrier::new(4));
    let found: Vec<u32> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (c, barrier) = (c.clone(), barrier.clone());
                scope.spawn(move || {
                    let mut store = PgStore::connect_only(&c).unwrap();
                    barrier.wait();
                    store.migrate().unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    // Exactly one found the database empty and set it up; the others found it done.
    assert_eq!(found.iter().filter(|&&v| v == 0).count(), 1, "{found:?}");
    assert_eq!(
        found.iter().filter(|&&v| v == LATEST).count(),
        3,
        "{found:?}"
    );
    let mut su = s.superuser("office");
    let rows: i64 = su
        .query_one(
            "SELECT count(*) FROM safedesk_meta WHERE key IN ('schema_version', 'database_id')",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(rows, 2);
    let mut store = PgStore::connect(&c).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST);
}

#[test]
fn a_newer_schema_is_refused() {
    let Some(s) = server("a_newer_schema_is_refused") else {
        return;
    };
    let c = config(&s.socket_address("office", "postgres"));
    PgStore::connect(&c).unwrap();
    s.sql(
        "office",
        &format!(
            "UPDATE safedesk_meta SET value = '{}' WHERE key = 'schema_version'",
            LATEST + 1
        ),
    );
    let e = PgStore::connect(&c).unwrap_err();
    assert!(matches!(e, PgError::TooNew { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "postgres://postgres@:{}/office?host={} was made by a newer safedesk (database schema {}; this copy understands up to {LATEST}). Install the newer safedesk before opening it.",
            s.port,
            s.socket_dir().display(),
            LATEST + 1
        )
    );
}

#[test]
fn another_application_s_tables_are_refused_and_left_alone() {
    let Some(s) = server("another_application_s_tables_are_refused_and_left_alone") else {
        return;
    };
    s.sql(
        "office",
        "CREATE TABLE invoices (id serial PRIMARY KEY); CREATE TABLE payments (id int);",
    );
    let e = PgStore::connect(&config(&s.socket_address("office", "postgres"))).unwrap_err();
    assert!(matches!(e, PgError::NotSafedesk { .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("holds another application's tables (invoices, payments) and no safedesk data, so safedesk will not use it"),
        "{text}"
    );
    assert_eq!(tables(&s), ["invoices", "payments"], "nothing was added");
}

/// A role that must give its password, owning the database `office`.
fn with_clerk(s: &PgServer) {
    s.sql(
        "postgres",
        "CREATE ROLE clerk LOGIN PASSWORD 'right horse battery'; \
         ALTER DATABASE office OWNER TO clerk;",
    );
    s.sql("office", "ALTER SCHEMA public OWNER TO clerk;");
}

fn passfile(dir: &std::path::Path, line: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let f = dir.join("pgpass");
    std::fs::write(&f, line).unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
    f
}

#[test]
fn the_password_comes_from_the_password_file_and_a_wrong_one_is_refused() {
    let Some(s) = server("the_password_comes_from_the_password_file_and_a_wrong_one_is_refused")
    else {
        return;
    };
    assert!(
        std::env::var_os("PGPASSWORD").is_none(),
        "run these tests without PGPASSWORD set: it would win over the password file"
    );
    with_clerk(&s);
    let dir = tempfile::tempdir().unwrap();
    let address = |file: &std::path::Path| {
        format!(
            "host=127.0.0.1 port={} dbname=office user=clerk passfile='{}'",
            s.port,
            file.display()
        )
    };
    // No password anywhere.
    let none = dir.path().join("no-such-file");
    let e = PgStore::connect(&config(&address(&none))).unwrap_err();
    assert!(matches!(e, PgError::NoPassword { .. }), "{e:?}");
    assert!(
        e.to_string()
            .contains("asks user clerk for a password and none was found"),
        "{e}"
    );
    // A wrong one.
    let f = passfile(
        dir.path(),
        &format!("127.0.0.1:{}:office:clerk:wrong\n", s.port),
    );
    let e = PgStore::connect(&config(&address(&f))).unwrap_err();
    assert!(matches!(e, PgError::LoginRefused { .. }), "{e:?}");
    assert!(
        e.to_string().contains("refused the login of user clerk"),
        "{e}"
    );
    // The right one, on the line that matches (a wildcard line after it is not reached); the
    // database's owner sets the schema up, its search extension included.
    let f = passfile(
        dir.path(),
        &format!(
            "# the office\n127.0.0.1:{}:office:clerk:right horse battery\n*:*:*:*:wrong\n",
            s.port
        ),
    );
    let mut store = PgStore::connect(&config(&address(&f))).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST);
    // Over the socket too.
    let socket = format!(
        "{} passfile='{}'",
        s.socket_address("office", "clerk"),
        passfile(
            dir.path(),
            &format!(
                "{}:{}:office:clerk:right horse battery\n",
                s.socket_dir().display(),
                s.port
            )
        )
        .display()
    );
    PgStore::connect(&config(&socket)).unwrap();
}

#[test]
fn sslmode_require_against_a_server_without_tls_is_refused() {
    let Some(s) = server("sslmode_require_against_a_server_without_tls_is_refused") else {
        return;
    };
    let require = format!("{}?sslmode=require", s.tcp_address("office", "postgres"));
    let e = PgStore::connect(&config(&require)).unwrap_err();
    assert!(matches!(e, PgError::TlsNotOffered { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "The PostgreSQL server at postgres://postgres@127.0.0.1:{}/office does not offer an encrypted (TLS) connection and the address asks for one (sslmode=require): ask IT to turn TLS on at the server.",
            s.port
        )
    );
    // prefer goes on without TLS when the server has none, as libpq does; so does a socket.
    let prefer = format!("{}?sslmode=prefer", s.tcp_address("office", "postgres"));
    PgStore::connect(&config(&prefer)).unwrap();
    let socket = format!("{} sslmode=require", s.socket_address("office", "postgres"));
    PgStore::connect(&config(&socket)).unwrap();
}

#[test]
fn an_unreachable_server_and_a_missing_database_each_get_their_sentence() {
    let Some(s) = server("an_unreachable_server_and_a_missing_database_each_get_their_sentence")
    else {
        return;
    };
    let port = free_port();
    let e = PgStore::connect(&config(&format!(
        "postgres://postgres@127.0.0.1:{port}/office?connect_timeout=5"
    )))
    .unwrap_err();
    assert!(matches!(e, PgError::Unreachable { .. }), "{e:?}");
    assert!(e.is_transient());
    let text = e.to_string();
    assert!(
        text.starts_with(&format!(
            "The PostgreSQL server at postgres://postgres@127.0.0.1:{port}/office cannot be reached ("
        )) && text.ends_with(
            "): check the address, and that the server is running and lets this PC connect."
        ),
        "{text}"
    );
    let e = PgStore::connect(&config(&s.socket_address("nosuch", "postgres"))).unwrap_err();
    assert!(matches!(e, PgError::NoDatabase { .. }), "{e:?}");
    assert!(
        e.to_string().contains("has no database called nosuch"),
        "{e}"
    );
    assert!(!e.is_transient());
}

#[test]
fn tls_is_used_and_checked_as_sslmode_says() {
    let Some(s) = PgServer::start_tls("tls_is_used_and_checked_as_sslmode_says") else {
        return;
    };
    eprintln!("TLS server made and started in {:?}", s.started_in);
    s.sql("postgres", "CREATE DATABASE office");
    let on = |host: &str, mode: &str, ca: &std::path::Path| {
        config(&format!(
            "host={host} port={} dbname=office user=postgres sslmode={mode} sslrootcert='{}'",
            s.port,
            ca.display()
        ))
    };
    let encrypted = |store: &mut PgStore| -> bool { store.tls_in_use().unwrap() };
    // prefer and require encrypt without checking who the server is.
    let mut store = PgStore::connect(&on("127.0.0.1", "prefer", &s.other_ca_file())).unwrap();
    assert!(encrypted(&mut store));
    // disable does not.
    let mut store = PgStore::connect(&on("127.0.0.1", "disable", &s.ca_file())).unwrap();
    assert!(!encrypted(&mut store));
    // verify-full: the right authority and the name on the certificate.
    let mut store = PgStore::connect(&on("localhost", "verify-full", &s.ca_file())).unwrap();
    assert!(encrypted(&mut store));
    // verify-ca: the right authority, whatever the name.
    let mut store = PgStore::connect(&on("127.0.0.1", "verify-ca", &s.ca_file())).unwrap();
    assert!(encrypted(&mut store));
    // verify-full refuses a certificate that does not name 127.0.0.1.
    let e = PgStore::connect(&on("127.0.0.1", "verify-full", &s.ca_file())).unwrap_err();
    assert!(matches!(e, PgError::Tls { .. }), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("The encrypted (TLS) connection to the PostgreSQL server at"),
        "{e}"
    );
    // verify-ca and require (given an authority's file) refuse another authority's server.
    for mode in ["verify-ca", "require"] {
        let e = PgStore::connect(&on("127.0.0.1", mode, &s.other_ca_file())).unwrap_err();
        assert!(matches!(e, PgError::Tls { .. }), "{mode}: {e:?}");
    }
}
