//! Errors: what a SQLite error means for the person at the desk ([`map_err`]), and the error a
//! write's body returns ([`TxError`]), either SQLite's or the store refusing something.

use crate::store::StoreError;
use rusqlite::ErrorCode;
use std::path::Path;

/// An error inside a write: either SQLite's, or the store refusing something.
pub(crate) enum TxError {
    Sql(rusqlite::Error),
    Store(StoreError),
}

impl From<rusqlite::Error> for TxError {
    fn from(e: rusqlite::Error) -> Self {
        TxError::Sql(e)
    }
}

impl From<StoreError> for TxError {
    fn from(e: StoreError) -> Self {
        TxError::Store(e)
    }
}

impl TxError {
    pub(super) fn into_store(self, path: &Path) -> StoreError {
        match self {
            TxError::Sql(e) => map_err(path, e),
            TxError::Store(e) => e,
        }
    }
}

/// Turn a SQLite error into what it means for the person at the desk.
pub(crate) fn map_err(path: &Path, e: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    if let rusqlite::Error::SqliteFailure(f, ref msg) = e {
        if f.extended_code == rusqlite::ffi::SQLITE_READONLY_ROLLBACK {
            // A "hot journal": only a connection that may write can undo it.
            return StoreError::Invalid(format!(
                "A safedesk on another PC stopped part-way through saving a change to {p}, and that change has to be undone before the file can be read without writing to it. Run any safedesk command on it once without --read-only (for example: safedesk --db \"{p}\" staff list), which undoes it, then try again.",
                p = path.display()
            ));
        }
        return match f.code {
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Locked { path },
            ErrorCode::ReadOnly => StoreError::ReadOnly { path },
            ErrorCode::NotADatabase => StoreError::NotSafedesk {
                path,
                detail: "it is not an SQLite database file".into(),
            },
            // Only what SQLite says: whether the file really is damaged, or the drive gave
            // back nothing (EIO, a short read), is for the store to find out (`probe.rs`).
            ErrorCode::DatabaseCorrupt => StoreError::Damaged {
                path,
                detail: msg.clone().unwrap_or_else(|| f.to_string()),
            },
            ErrorCode::CannotOpen
            | ErrorCode::SystemIoFailure
            | ErrorCode::NotFound
            | ErrorCode::FileLockingProtocolFailed
            | ErrorCode::DiskFull
            | ErrorCode::PermissionDenied => StoreError::Unavailable {
                path,
                detail: msg.clone().unwrap_or_else(|| f.to_string()),
            },
            ErrorCode::ConstraintViolation => StoreError::Invalid(format!(
                "The database refused the change ({}).",
                msg.clone().unwrap_or_default()
            )),
            _ => StoreError::Other(e.to_string()),
        };
    }
    StoreError::Other(e.to_string())
}
