//! The shared database goes away while safedesk runs, and comes back: the store worker answers
//! lookups and cards from what it last read (and says so), keeps a new incident in this PC's
//! outbox, reports the trouble, and delivers the incident once, without a restart, when the
//! database is back. One body, two engines (issue 21): on SQLite the network drive goes (the
//! shim file layer fails every file operation); on PostgreSQL the server is stopped and started
//! again. PostgreSQL also: the connection dropped by the server in the middle of a write.

mod common;

use common::replies::start_worker;
use safedesk::domain::{Actor, Id, NewIncident};
use safedesk::policy::Policy;
use safedesk::store::sqlite::shim;
use safedesk::store::{OpenOptions, SqliteStore, Store};
use safedesk::sync::local::Local;
use safedesk::sync::worker::Context;
use safedesk::sync::{Health, Reply, Request};
use std::time::Duration;

/// One engine's database, and how it goes away and comes back.
struct Away {
    /// The worker's connection.
    store: Box<dyn Store>,
    actor: Actor,
    /// The very file, for the outbox (SQLite only).
    file: Option<String>,
    /// This PC's own folder.
    local: Local,
    /// What the sentence for "cannot be reached" tells the person to check.
    check: &'static str,
    go: Box<dyn Fn()>,
    come_back: Box<dyn Fn()>,
    /// A new connection, once the database is back.
    open: Box<dyn Fn() -> Box<dyn Store>>,
}

/// The worker's context for `actor` on `store`, with this PC's outbox in `local`.
fn context(store: &mut dyn Store, actor: Actor, local: &Local, file: Option<String>) -> Context {
    Context {
        policy: Policy::built_in(),
        actor,
        local: Some(local.clone()),
        database: store.database_id().unwrap(),
        also: vec![store.location()],
        file,
        read_only: false,
    }
}

/// How many "log incident" entries the audit trail holds for incident `id`.
fn times_logged(store: &mut dyn Store, id: Id) -> usize {
    store
        .audit_for(&id.to_string())
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "log incident")
        .count()
}

/// Whether `sentence` says the database cannot be reached and what to check; or, on the server,
/// that the connection was lost (the first thing a worker may meet when the server stops).
fn says_why(sentence: &str, check: &str) -> bool {
    (sentence.contains("cannot be reached") && sentence.contains(check))
        || sentence.contains("was lost (")
}

/// The body both engines run; returns Deborah Johnson's id and the incident kept and delivered.
fn goes_away_and_comes_back(away: Away) -> (Id, NewIncident) {
    let Away {
        mut store,
        actor,
        file,
        local,
        check,
        go,
        come_back,
        open,
    } = away;
    let ctx = context(&mut *store, actor, &local, file);
    let id = ctx.database.clone();
    let (req_tx, mut replies, worker) = start_worker(store, ctx);

    // The database is there: a lookup and a card are read.
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

    // The database goes.
    go();
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
    // And the screen is told so, with when the answer was read.
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
    assert!(card.unwrap().is_some());
    // A lookup never made before cannot be answered: the error says what to do.
    req_tx
        .send(Request::Lookup {
            seq: 3,
            query: "kowalczyk".into(),
        })
        .unwrap();
    let e = replies.wait(|r| match r {
        Reply::Lookup { seq: 3, result } => Some(result.clone()),
        _ => None,
    });
    let e = e.unwrap_err();
    assert!(e.contains("cannot be reached") && e.contains(check), "{e}");
    // A new incident waits safely in this PC's outbox, and the person is told why.
    let inc = NewIncident::example(deborah, "Deborah Johnson");
    req_tx
        .send(Request::SaveIncident(Box::new(inc.clone())))
        .unwrap();
    let reason = replies.wait(|r| match r {
        Reply::Queued { reason } => Some(reason.clone()),
        _ => None,
    });
    assert!(says_why(&reason, check), "{reason}");
    let trouble = replies.wait(|r| match r {
        Reply::Health(Health::Trouble(t)) => Some(t.clone()),
        _ => None,
    });
    assert!(says_why(&trouble, check), "{trouble}");
    assert_eq!(local.outbox(&id).len(), 1);

    // The database comes back: the next poll delivers the incident, once.
    come_back();
    let delivered = replies.wait(|r| match r {
        Reply::OutboxDelivered(n) => Some(*n),
        _ => None,
    });
    assert_eq!(delivered, 1);
    // Later polls deliver nothing more: it was written once.
    replies.settle(Duration::from_millis(1500));
    assert!(
        !replies
            .seen
            .iter()
            .any(|r| matches!(r, Reply::OutboxDelivered(_))),
        "{:?}",
        replies.seen
    );
    drop(req_tx);
    worker.join().unwrap();
    let mut plain = open();
    let h = plain.history(deborah).unwrap().unwrap();
    assert_eq!(h.incidents.len(), before + 1, "one incident more, not two");
    assert_eq!(times_logged(&mut *plain, inc.id), 1);
    assert!(local.outbox(&id).is_empty());
    (deborah, inc)
}

#[test]
fn the_drive_goes_away_and_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    drop(safedesk::demo::db::create(&path, &OpenOptions::default()).unwrap());
    let opts = OpenOptions {
        vfs: Some(shim::register().unwrap().to_string()),
        busy_timeout_ms: 200,
        ..OpenOptions::default()
    };
    let mut store = SqliteStore::open(&path, &opts).unwrap();
    let actor = Actor {
        login: "ahassan".into(),
        staff: store.staff_by_login("ahassan").unwrap(),
    };
    let reopen = path.clone();
    goes_away_and_comes_back(Away {
        store: Box::new(store),
        actor,
        file: safedesk::sync::local::file_mark(&path),
        local: Local::new(dir.path().join("local")),
        check: "Check the network drive",
        go: Box::new(|| shim::set_failing(true)),
        come_back: Box::new(|| shim::set_failing(false)),
        open: Box::new(move || {
            Box::new(SqliteStore::open(&reopen, &OpenOptions::default()).unwrap())
        }),
    });
}

/// PostgreSQL: a database on `server` with Amira Hassan at reception and Deborah Johnson on
/// 07700 900123; its address, and Amira as the worker's actor.
#[cfg(all(unix, feature = "postgres"))]
mod on_the_server {
    use super::*;
    use common::pg::PgServer;
    use safedesk::domain::{NewCustomer, Role};
    use safedesk::store::postgres::{PgConfig, PgStore};

    pub fn office(server: &PgServer, opts: &OpenOptions) -> (PgConfig, String, Actor) {
        let dbname = server.fresh_database("drive_gone");
        let config = PgConfig::parse(&server.superuser_address(&dbname)).unwrap();
        let mut store = PgStore::create(&config, opts, "admin", "Alex Morgan", false).unwrap();
        let admin = common::world::actor(&mut store, "admin");
        store
            .add_staff(&admin, "ahassan", "Amira Hassan", Role::Reception)
            .unwrap();
        let amira = common::world::actor(&mut store, "ahassan");
        store
            .add_customer(
                &amira,
                NewCustomer {
                    name: Some("Deborah Johnson".into()),
                    phones: vec!["07700 900123".into()],
                    ..NewCustomer::default()
                },
            )
            .unwrap();
        (config, dbname, amira)
    }

    /// How many times incident `id` is in the database, counted by the superuser.
    pub fn stored(server: &PgServer, dbname: &str, id: Id) -> i64 {
        server
            .superuser(dbname)
            .query_one("SELECT count(*) FROM incident WHERE id = $1", &[&id])
            .unwrap()
            .get(0)
    }

    /// The server is stopped while the worker runs, and started again: the same body as the
    /// file's drive going away, and the incident is in the database exactly once.
    #[test]
    fn the_server_is_stopped_and_started_again() {
        let Some(server) = PgServer::start("the_server_is_stopped_and_started_again") else {
            return;
        };
        let server = std::sync::Arc::new(server);
        let opts = common::engine::opts();
        let (config, dbname, amira) = office(&server, &opts);
        let dir = tempfile::tempdir().unwrap();
        let (stop, start) = (server.clone(), server.clone());
        let reopen = config.clone();
        let (_, inc) = goes_away_and_comes_back(Away {
            store: Box::new(PgStore::open(&config, &opts).unwrap()),
            actor: amira,
            file: None,
            local: Local::new(dir.path().join("local")),
            check: "the server is running",
            go: Box::new(move || stop.stop()),
            come_back: Box::new(move || start.start_again()),
            open: Box::new(move || Box::new(PgStore::open(&reopen, &opts).unwrap())),
        });
        assert_eq!(
            stored(&server, &dbname, inc.id),
            1,
            "delivered exactly once"
        );
    }

    /// The server drops the connection in the middle of a write (an administrator ends it, or
    /// the network goes): the write is not half-done, the person is told in one sentence, the
    /// incident waits in the outbox, and the worker delivers it once on its own connection,
    /// made again.
    #[test]
    fn a_connection_dropped_in_the_middle_of_a_write_loses_nothing() {
        let Some(server) = PgServer::shared() else {
            return;
        };
        // Patient writers: the write below waits for its turn until the connection is dropped.
        let opts = OpenOptions {
            busy_timeout_ms: 60_000,
            ..common::engine::opts()
        };
        let (config, dbname, amira) = office(server, &opts);
        let mut store = PgStore::open(&config, &opts).unwrap();
        let deborah = store.lookup("07700 900123", 5).unwrap()[0]
            .history
            .customer
            .id;
        let dir = tempfile::tempdir().unwrap();
        let local = Local::new(dir.path().join("local"));
        let ctx = context(&mut store, amira, &local, None);
        let id = ctx.database.clone();
        let (req_tx, mut replies, worker) = start_worker(Box::new(store), ctx);
        // Another writer holds the write turn, so the save stops inside its transaction.
        let mut holder = server.superuser(&dbname);
        holder
            .execute(
                "SELECT pg_advisory_lock($1)",
                &[&safedesk::store::postgres::WRITE_KEY],
            )
            .unwrap();
        let inc = NewIncident::example(deborah, "Deborah Johnson");
        req_tx
            .send(Request::SaveIncident(Box::new(inc.clone())))
            .unwrap();
        let mut admin = server.superuser("postgres");
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let pid: i32 = loop {
            let waiting = admin
                .query(
                    "SELECT pid FROM pg_stat_activity WHERE datname = $1 \
                     AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
                    &[&dbname],
                )
                .unwrap();
            if let Some(row) = waiting.first() {
                break row.get(0);
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the save never began its write"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        // The connection is dropped mid-transaction.
        let ended: bool = admin
            .query_one("SELECT pg_terminate_backend($1)", &[&pid])
            .unwrap()
            .get(0);
        assert!(ended);
        let reason = replies.wait(|r| match r {
            Reply::Queued { reason } => Some(reason.clone()),
            _ => None,
        });
        assert!(
            reason.starts_with("The connection to the PostgreSQL server at")
                && reason.contains("was lost")
                && reason.contains("nothing was saved by the action that was under way"),
            "{reason}"
        );
        assert_eq!(stored(server, &dbname, inc.id), 0, "nothing half-saved");
        assert_eq!(local.outbox(&id).len(), 1, "kept on this PC");
        // The other writer finishes; the worker connects again and delivers the incident, once.
        holder
            .execute(
                "SELECT pg_advisory_unlock($1)",
                &[&safedesk::store::postgres::WRITE_KEY],
            )
            .unwrap();
        let delivered = replies.wait(|r| match r {
            Reply::OutboxDelivered(n) => Some(*n),
            _ => None,
        });
        assert_eq!(delivered, 1);
        replies.settle(Duration::from_millis(1500));
        drop(req_tx);
        worker.join().unwrap();
        assert_eq!(stored(server, &dbname, inc.id), 1, "delivered exactly once");
        assert!(local.outbox(&id).is_empty());
        let mut plain = PgStore::open(&config, &opts).unwrap();
        assert_eq!(times_logged(&mut plain, inc.id), 1);
    }
}
