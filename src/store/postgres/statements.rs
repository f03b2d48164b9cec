//! The statements a connection has prepared, and the transaction that asks its questions
//! through them ([`Tx`]): every read and write of the store (`tx.rs`) runs in one.

use ::postgres::types::ToSql;
use ::postgres::{Row, Statement, Transaction};
use std::collections::HashMap;

/// How many prepared statements a connection keeps before it forgets them all and starts again
/// (a bound on the server's memory: a few SQL texts are made afresh for each call).
const STATEMENTS_KEPT: usize = 256;

/// The statements this connection has prepared, by their SQL. The `postgres` crate prepares
/// every `query(&str, ..)` afresh, a round trip to the server before the one that runs it; kept
/// here, each statement is prepared once per connection. A new connection starts empty
/// (`PgStore::connected`). Statements are the server's until the connection closes, whatever
/// becomes of the transaction that prepared them.
pub(crate) type Statements = HashMap<String, Statement>;

/// One transaction on the store's connection, asking its questions through the connection's
/// prepared statements. Everything else a [`Transaction`] does is reached through it.
pub(crate) struct Tx<'a> {
    tx: Transaction<'a>,
    statements: &'a mut Statements,
}

impl<'a> std::ops::Deref for Tx<'a> {
    type Target = Transaction<'a>;
    fn deref(&self) -> &Transaction<'a> {
        &self.tx
    }
}

impl<'a> std::ops::DerefMut for Tx<'a> {
    fn deref_mut(&mut self) -> &mut Transaction<'a> {
        &mut self.tx
    }
}

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

impl<'a> Tx<'a> {
    pub(crate) fn new(tx: Transaction<'a>, statements: &'a mut Statements) -> Tx<'a> {
        Tx { tx, statements }
    }

    /// `sql` prepared on this connection: from the store's statements, else prepared now and
    /// kept.
    fn prepared(&mut self, sql: &str) -> std::result::Result<Statement, ::postgres::Error> {
        if let Some(st) = self.statements.get(sql) {
            return Ok(st.clone());
        }
        let st = self.tx.prepare(sql)?;
        if self.statements.len() >= STATEMENTS_KEPT {
            self.statements.clear();
        }
        self.statements.insert(sql.to_string(), st.clone());
        Ok(st)
    }

    pub(crate) fn query(
        &mut self,
        sql: &str,
        params: Params<'_>,
    ) -> std::result::Result<Vec<Row>, ::postgres::Error> {
        let st = self.prepared(sql)?;
        self.tx.query(&st, params)
    }

    pub(crate) fn query_one(
        &mut self,
        sql: &str,
        params: Params<'_>,
    ) -> std::result::Result<Row, ::postgres::Error> {
        let st = self.prepared(sql)?;
        self.tx.query_one(&st, params)
    }

    pub(crate) fn query_opt(
        &mut self,
        sql: &str,
        params: Params<'_>,
    ) -> std::result::Result<Option<Row>, ::postgres::Error> {
        let st = self.prepared(sql)?;
        self.tx.query_opt(&st, params)
    }

    pub(crate) fn execute(
        &mut self,
        sql: &str,
        params: Params<'_>,
    ) -> std::result::Result<u64, ::postgres::Error> {
        let st = self.prepared(sql)?;
        self.tx.execute(&st, params)
    }

    /// `sql` run once, without keeping its statement: for SQL made afresh for one call (a range
    /// of customer numbers written into it), which would only push the statements in regular use
    /// out of the connection's keep.
    pub(crate) fn query_once(
        &mut self,
        sql: &str,
        params: Params<'_>,
    ) -> std::result::Result<Vec<Row>, ::postgres::Error> {
        self.tx.query(sql, params)
    }

    pub(crate) fn commit(self) -> std::result::Result<(), ::postgres::Error> {
        self.tx.commit()
    }
}
