//! What can go wrong reaching a PostgreSQL database, each as one sentence saying what to do, and
//! telling the driver's errors apart.

use crate::store::StoreError;
use thiserror::Error;

/// The oldest PostgreSQL safedesk supports (13: the first with `gen_random_uuid()` built in and
/// `pg_trgm` installable by a database's owner), as `server_version_num` gives it.
pub const OLDEST_SUPPORTED: i32 = 130000;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum PgError {
    /// The address or the password file, already a sentence.
    #[error("{0}")]
    Setup(String),
    #[error("The PostgreSQL server at {address} cannot be reached ({detail}): check the address, and that the server is running and lets this PC connect.")]
    Unreachable { address: String, detail: String },
    #[error("The PostgreSQL server at {address} refused the login of user {user} ({detail}): check the user name, and the password in the PostgreSQL password file or PGPASSWORD.")]
    LoginRefused {
        address: String,
        user: String,
        detail: String,
    },
    #[error("The PostgreSQL server at {address} asks user {user} for a password and none was found: put it in the PostgreSQL password file ({passfile}) or the PGPASSWORD environment variable.")]
    NoPassword {
        address: String,
        user: String,
        passfile: String,
    },
    #[error("The PostgreSQL server at {address} has no database called {dbname}: check the name in the address, or ask IT to create it (CREATE DATABASE {dbname}).")]
    NoDatabase { address: String, dbname: String },
    #[error("The PostgreSQL server at {address} runs PostgreSQL {found}, older than {oldest}, the oldest safedesk supports: ask IT to upgrade the server.")]
    TooOld {
        address: String,
        found: String,
        oldest: String,
    },
    #[error("The PostgreSQL server at {address} does not offer an encrypted (TLS) connection and the address asks for one (sslmode={sslmode}): ask IT to turn TLS on at the server.")]
    TlsNotOffered { address: String, sslmode: String },
    #[error("The encrypted (TLS) connection to the PostgreSQL server at {address} failed ({detail}): check the server's certificate and the certificate authority's file (sslrootcert).")]
    Tls { address: String, detail: String },
    #[error("{address} was made by a newer safedesk (database schema {found}; this copy understands up to {supported}). Install the newer safedesk before opening it.")]
    TooNew {
        address: String,
        found: u32,
        supported: u32,
    },
    #[error("The database {address} holds another application's tables ({tables}) and no safedesk data, so safedesk will not use it: give the address of an empty database made for safedesk.")]
    NotSafedesk { address: String, tables: String },
    #[error("The connection to the PostgreSQL server at {address} was lost ({detail}): nothing was saved by the action that was under way; try again when the server can be reached.")]
    Lost { address: String, detail: String },
    #[error("The PostgreSQL server at {address} refused what safedesk asked ({detail}).")]
    Refused { address: String, detail: String },
}

impl PgError {
    /// True when the server could not be reached or the connection dropped: what was being
    /// saved belongs in the outbox, to be sent when the server is back.
    pub fn is_transient(&self) -> bool {
        matches!(self, PgError::Unreachable { .. } | PgError::Lost { .. })
    }
}

/// The innermost error's words, for the brackets of a sentence.
pub(super) fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// The kind of the operating system's error under `e`, if it is one.
pub(super) fn io_kind(e: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        cur = err.source();
    }
    None
}

/// `150018` as `15.18`, `90624` as `9.6.24`.
pub fn version_text(num: i32) -> String {
    if num >= 100000 {
        format!("{}.{}", num / 10000, num % 10000)
    } else {
        format!("{}.{}.{}", num / 10000, num / 100 % 100, num % 100)
    }
}

/// Refuse a server older than [`OLDEST_SUPPORTED`].
pub fn check_version(address: &str, num: i32) -> Result<(), PgError> {
    if num < OLDEST_SUPPORTED {
        return Err(PgError::TooOld {
            address: address.to_string(),
            found: version_text(num),
            oldest: version_text(OLDEST_SUPPORTED),
        });
    }
    Ok(())
}

/// An error inside a write or read: the server's, or the store refusing something.
pub(crate) enum PgTxError {
    Db(::postgres::Error),
    Store(StoreError),
}

impl From<::postgres::Error> for PgTxError {
    fn from(e: ::postgres::Error) -> Self {
        PgTxError::Db(e)
    }
}

impl From<StoreError> for PgTxError {
    fn from(e: StoreError) -> Self {
        PgTxError::Store(e)
    }
}

/// What the body of a read or write returns.
pub(crate) type TxResult<T> = std::result::Result<T, PgTxError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_written_as_postgresql_writes_them() {
        assert_eq!(version_text(150018), "15.18");
        assert_eq!(version_text(130000), "13.0");
        assert_eq!(version_text(90624), "9.6.24");
    }

    #[test]
    fn a_server_older_than_13_is_refused_in_one_sentence() {
        assert_eq!(check_version("db", 130000), Ok(()));
        assert_eq!(check_version("db", 170002), Ok(()));
        let e = check_version("postgres://u@db:5432/safedesk", 120015).unwrap_err();
        assert_eq!(
            e.to_string(),
            "The PostgreSQL server at postgres://u@db:5432/safedesk runs PostgreSQL 12.15, older than 13.0, the oldest safedesk supports: ask IT to upgrade the server."
        );
        assert!(!e.is_transient());
    }
}
