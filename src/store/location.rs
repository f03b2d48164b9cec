//! Which store a database address opens: a path is the office's shared SQLite file; a
//! `postgres://` address is a database on a PostgreSQL server. The rest of safedesk holds a
//! [`Location`] and a `Box<dyn Store>`, and never asks which engine it is talking to, except for
//! what only a file has (a folder beside it, the file itself).

use super::{OpenOptions, Result, SqliteStore, Store, StoreError};
use crate::domain::Staff;
use std::fmt;
use std::path::{Path, PathBuf};

/// The sentence for a `postgres://` address given to a safedesk built without the `postgres`
/// feature. The address is not repeated: it may hold a password.
pub const POSTGRES_NOT_BUILT: &str = "This safedesk was built without PostgreSQL (the postgres feature), so it cannot open a postgres:// database: use a safedesk built with it, or give the path of the office's shared safedesk file instead (--db, SAFEDESK_DB or db in the config file).";

/// Where the office's database is.
#[derive(Debug, Clone)]
pub enum Location {
    /// The shared SQLite file.
    File(PathBuf),
    /// A database on a PostgreSQL server.
    #[cfg(feature = "postgres")]
    Server(super::postgres::PgConfig),
}

impl Location {
    /// Read what was given as the database (`--db`, `SAFEDESK_DB` or `db` in the config): a
    /// `postgres://` address is a server, anything else a file's path. A server address with a
    /// typo gets the sentence saying what is wrong with it.
    pub fn parse(given: &Path) -> std::result::Result<Location, String> {
        let text = given.to_string_lossy();
        if !super::is_postgres_address(&text) {
            return Ok(Location::File(given.to_path_buf()));
        }
        #[cfg(feature = "postgres")]
        {
            super::postgres::PgConfig::parse(&text).map(Location::Server)
        }
        #[cfg(not(feature = "postgres"))]
        {
            Err(POSTGRES_NOT_BUILT.to_string())
        }
    }

    /// The shared file's path; None for a server.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::File(p) => Some(p),
            #[cfg(feature = "postgres")]
            Location::Server(_) => None,
        }
    }

    /// Is the database on a server (not a file on a drive)?
    pub fn is_server(&self) -> bool {
        self.file().is_none()
    }

    /// Open the safedesk database here (bringing its schema up to date unless read-only).
    pub fn open(&self, opts: &OpenOptions) -> Result<Box<dyn Store>> {
        Ok(match self {
            Location::File(p) => Box::new(SqliteStore::open(p, opts)?),
            #[cfg(feature = "postgres")]
            Location::Server(c) => Box::new(super::postgres::PgStore::open(c, opts)?),
        })
    }

    /// Open it to be looked over or copied (`check`, `backup`): a file is opened read-only and
    /// never migrated; a server database only has to be a safedesk one this build understands.
    pub fn open_to_inspect(&self, opts: &OpenOptions) -> Result<Box<dyn Store>> {
        Ok(match self {
            Location::File(p) => Box::new(SqliteStore::open_to_inspect(p, opts)?),
            #[cfg(feature = "postgres")]
            Location::Server(c) => {
                let opts = OpenOptions {
                    mode: super::OpenMode::ReadOnly,
                    ..opts.clone()
                };
                Box::new(super::postgres::PgStore::open(c, &opts)?)
            }
        })
    }

    /// Set up a new safedesk database here with its first admin (a file must not exist yet; a
    /// server's database must be empty or hold no staff yet).
    pub fn create_with_admin(
        &self,
        opts: &OpenOptions,
        admin: &Staff,
        demo: bool,
    ) -> Result<Box<dyn Store>> {
        Ok(match self {
            Location::File(p) => Box::new(SqliteStore::create_with_admin(p, opts, admin, demo)?),
            #[cfg(feature = "postgres")]
            Location::Server(c) => Box::new(super::postgres::PgStore::create_with_admin(
                c, opts, admin, demo,
            )?),
        })
    }

    /// As [`Location::create_with_admin`], the admin made from a login and a name (the login
    /// when the name is empty).
    pub fn create(
        &self,
        opts: &OpenOptions,
        first_admin_login: &str,
        first_admin_name: &str,
        demo: bool,
    ) -> Result<Box<dyn Store>> {
        let admin = super::rules::staff::first_admin(first_admin_login, first_admin_name)?;
        self.create_with_admin(opts, &admin, demo)
    }

    /// The location for messages (a server's without anything secret), as a path for the
    /// store's sentences that name one.
    pub fn as_path(&self) -> PathBuf {
        PathBuf::from(self.to_string())
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(p) => write!(f, "{}", p.display()),
            #[cfg(feature = "postgres")]
            Location::Server(c) => write!(f, "{c}"),
        }
    }
}

/// A `NotDemo` refusal for this location.
pub fn not_demo(at: &Location) -> StoreError {
    StoreError::NotDemo { path: at.as_path() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_a_file_and_an_address_a_server() {
        let l = Location::parse(Path::new("S:/safedesk/safedesk.sqlite")).unwrap();
        assert_eq!(l.file(), Some(Path::new("S:/safedesk/safedesk.sqlite")));
        assert!(!l.is_server());
        let given = Path::new("postgres://safedesk@dbserver/office");
        #[cfg(feature = "postgres")]
        {
            let l = Location::parse(given).unwrap();
            assert!(l.is_server());
            assert_eq!(l.to_string(), "postgres://safedesk@dbserver:5432/office");
        }
        #[cfg(not(feature = "postgres"))]
        assert_eq!(Location::parse(given).unwrap_err(), POSTGRES_NOT_BUILT);
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn a_server_address_with_a_typo_says_what_is_wrong() {
        let e =
            Location::parse(Path::new("postgres://dbserver/office?sslmod=require")).unwrap_err();
        assert!(e.contains("sslmod"), "{e}");
    }
}
