//! For the benchmarks: capture the SQL a store call runs, and run the same SQL bare, so the
//! store's own overhead can be reported beside SQLite's.

use super::errors::map_err;
use super::SqliteStore;
use crate::store::Result;
use rusqlite::trace::{TraceEvent, TraceEventCodes};
use std::sync::Mutex;

static CAPTURED: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn capture(ev: TraceEvent<'_>) {
    if let TraceEvent::Stmt(stmt, sql) = ev {
        // Trigger sub-programs report "-- ..." lines; only whole statements are kept.
        if sql.trim_start().starts_with("--") {
            return;
        }
        let text = stmt.expanded_sql().unwrap_or_else(|| sql.to_string());
        if let Ok(mut v) = CAPTURED.lock() {
            v.push(text);
        }
    }
}

impl SqliteStore {
    /// Run `f` and return the SQL statements it ran, with their parameters written in.
    #[doc(hidden)]
    pub fn capture_sql<T>(&mut self, f: impl FnOnce(&mut SqliteStore) -> T) -> (T, Vec<String>) {
        CAPTURED.lock().map(|mut v| v.clear()).ok();
        self.conn
            .trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, Some(capture));
        let out = f(self);
        self.conn.trace_v2(TraceEventCodes::empty(), None);
        let sql = CAPTURED
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default();
        (out, sql)
    }

    /// Run statements bare (each prepared from the statement cache, every row stepped through),
    /// returning the number of rows.
    #[doc(hidden)]
    pub fn run_bare(&mut self, statements: &[String]) -> Result<usize> {
        let path = self.path.clone();
        let mut rows = 0;
        for sql in statements {
            let mut st = self
                .conn
                .prepare_cached(sql)
                .map_err(|e| map_err(&path, e))?;
            let mut q = st.raw_query();
            while q.next().map_err(|e| map_err(&path, e))?.is_some() {
                rows += 1;
            }
        }
        Ok(rows)
    }
}
