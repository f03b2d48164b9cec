//! One test body, two engines: the same actions on a SQLite file and on a PostgreSQL database
//! must give the same answers. [`for_each_engine`] runs a body once on each engine this build
//! and machine can test; [`Db`] is a new, empty safedesk database on one of them.
//!
//! PostgreSQL is tested with the `postgres` feature on Unix: one private server for the whole
//! test binary ([`PgServer::shared`](super::pg::PgServer::shared)), a fresh database for each
//! `Db`. Without PostgreSQL installed the PostgreSQL runs are skipped, saying so, except in CI.

use safedesk::store::{OpenOptions, SqliteStore, Store};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        })
    }
}

/// The engines this build and machine can test: SQLite always; PostgreSQL when it is built in
/// and a private server starts.
pub fn engines() -> Vec<Engine> {
    let postgres = {
        #[cfg(all(unix, feature = "postgres"))]
        let on = super::pg::PgServer::shared().is_some();
        #[cfg(not(all(unix, feature = "postgres")))]
        let on = false;
        on
    };
    if postgres {
        vec![Engine::Sqlite, Engine::Postgres]
    } else {
        vec![Engine::Sqlite]
    }
}

/// Run `body` once on each engine, saying on which (so a failure names its engine).
pub fn for_each_engine(mut body: impl FnMut(Engine)) {
    for engine in engines() {
        eprintln!("--- on {engine}");
        body(engine);
    }
}

/// The store's options for tests: a short wait for a lock, so a refusal shows quickly.
pub fn opts() -> OpenOptions {
    OpenOptions {
        busy_timeout_ms: 300,
        ..OpenOptions::default()
    }
}

/// A new safedesk database on one engine (kept until dropped).
pub struct Db {
    pub engine: Engine,
    /// The SQLite file's folder (also there for PostgreSQL, for a test's other files).
    pub dir: tempfile::TempDir,
    /// The file's path, or the database's `postgres://` address.
    pub address: String,
}

impl Db {
    /// A new, empty database on `engine` with `admin` (login, name) as its first admin, and the
    /// first connection to it.
    pub fn create(engine: Engine, admin: (&str, &str)) -> (Db, Box<dyn Store>) {
        let dir = tempfile::tempdir().unwrap();
        match engine {
            Engine::Sqlite => {
                let path = dir.path().join("shared.sqlite");
                let store = SqliteStore::create(&path, &opts(), admin.0, admin.1, false).unwrap();
                let address = path.display().to_string();
                (
                    Db {
                        engine,
                        dir,
                        address,
                    },
                    Box::new(store),
                )
            }
            Engine::Postgres => {
                #[cfg(all(unix, feature = "postgres"))]
                {
                    use safedesk::store::postgres::{PgConfig, PgStore};
                    let server = super::pg::PgServer::shared().expect("a PostgreSQL server");
                    let db = server.fresh_database("db");
                    let address = server.superuser_address(&db);
                    let config = PgConfig::parse(&address).unwrap();
                    let store = PgStore::create(&config, &opts(), admin.0, admin.1, false).unwrap();
                    (
                        Db {
                            engine,
                            dir,
                            address,
                        },
                        Box::new(store),
                    )
                }
                #[cfg(not(all(unix, feature = "postgres")))]
                unreachable!("PostgreSQL is not among this build's engines")
            }
        }
    }

    /// The address of a new, empty database on `engine`, with nothing set up in it: a file's
    /// path that does not exist yet, or an empty database on the server.
    pub fn empty(engine: Engine) -> Db {
        let dir = tempfile::tempdir().unwrap();
        let address = match engine {
            Engine::Sqlite => dir.path().join("shared.sqlite").display().to_string(),
            Engine::Postgres => {
                #[cfg(all(unix, feature = "postgres"))]
                {
                    let server = super::pg::PgServer::shared().expect("a PostgreSQL server");
                    server.superuser_address(&server.fresh_database("db"))
                }
                #[cfg(not(all(unix, feature = "postgres")))]
                unreachable!("PostgreSQL is not among this build's engines")
            }
        };
        Db {
            engine,
            dir,
            address,
        }
    }

    /// Where the app finds this database (`--db`).
    pub fn location(&self) -> safedesk::store::Location {
        safedesk::store::Location::parse(self.address.as_ref()).unwrap()
    }

    /// Another connection to the same database: another PC.
    pub fn open(&self) -> Box<dyn Store> {
        open_at(self.engine, &self.address, &opts())
    }

    /// Set up a safedesk database at this address again, as `safedesk init` would: refused,
    /// since one is there.
    pub fn create_again(&self, admin: (&str, &str)) -> safedesk::store::Result<Box<dyn Store>> {
        match self.engine {
            Engine::Sqlite => {
                SqliteStore::create(self.address.as_ref(), &opts(), admin.0, admin.1, false)
                    .map(|s| Box::new(s) as Box<dyn Store>)
            }
            Engine::Postgres => {
                #[cfg(all(unix, feature = "postgres"))]
                {
                    use safedesk::store::postgres::{PgConfig, PgStore};
                    let config = PgConfig::parse(&self.address).unwrap();
                    PgStore::create(&config, &opts(), admin.0, admin.1, false)
                        .map(|s| Box::new(s) as Box<dyn Store>)
                }
                #[cfg(not(all(unix, feature = "postgres")))]
                unreachable!("PostgreSQL is not among this build's engines")
            }
        }
    }

    /// Run `sql` straight on the database, behind the store's back (a test setting the clock
    /// back on a record, say). Write it so both engines take it: times and dates as quoted text
    /// (`safedesk::time::to_db`, `date_to_db`), which PostgreSQL reads into its own types.
    pub fn execute(&self, sql: &str) {
        match self.engine {
            Engine::Sqlite => rusqlite::Connection::open(&self.address)
                .unwrap()
                .execute_batch(sql)
                .unwrap(),
            Engine::Postgres => {
                #[cfg(all(unix, feature = "postgres"))]
                postgres::Client::connect(&self.address, postgres::NoTls)
                    .unwrap()
                    .batch_execute(sql)
                    .unwrap();
                #[cfg(not(all(unix, feature = "postgres")))]
                unreachable!("PostgreSQL is not among this build's engines")
            }
        }
    }

    /// The SQLite file, for a test that looks inside it (None on PostgreSQL).
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        (self.engine == Engine::Sqlite).then(|| PathBuf::from(&self.address))
    }
}

/// A connection to the safedesk database at `address` on `engine` (a file's path, or a
/// `postgres://` address), made by the binary, say.
pub fn open_at(engine: Engine, address: &str, opts: &OpenOptions) -> Box<dyn Store> {
    match engine {
        Engine::Sqlite => Box::new(SqliteStore::open(address.as_ref(), opts).unwrap()),
        Engine::Postgres => {
            #[cfg(all(unix, feature = "postgres"))]
            {
                use safedesk::store::postgres::{PgConfig, PgStore};
                let config = PgConfig::parse(address).unwrap();
                Box::new(PgStore::open(&config, opts).unwrap())
            }
            #[cfg(not(all(unix, feature = "postgres")))]
            unreachable!("PostgreSQL is not among this build's engines")
        }
    }
}

/// Wait until `store` has heard of a change another connection made after it read `before`
/// from `data_version`: the server's news (NOTIFY) may take a moment to cross the network; the
/// file's is there at once. Panics after 30 seconds.
pub fn wait_for_change(store: &mut dyn Store, before: i64, engine: Engine) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while store.data_version().unwrap() == before {
        assert!(
            std::time::Instant::now() < deadline,
            "{engine}: the other PC's change was never noticed"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
