//! Search as you type on the server, as `sqlite/lookup.rs`: the same indexes (phone digits from
//! either end, email addresses, name words, one-typo keys; SQLite's FTS5 trigrams are
//! `customer_text` with `pg_trgm`), asked the same questions and ranked the same way
//! (`rules/lookup.rs`), in one read transaction. Range scans compare bytes (`~>=~`, `~<~`: the
//! `text_pattern_ops` indexes), as SQLite compares text, whatever the database's collation; each
//! scan gives its candidates in its index's order, as SQLite's do, so the same ones are kept when
//! there are more than enough.

use super::errors::{PgTxError, TxResult};
use super::prelude::*;
use super::records::{customers_by_seq, histories};
use super::statements::Tx;
use crate::store::rules::lookup::{self as rules, Indexes, CANDIDATES, MAX_CHAR};
use ::postgres::types::ToSql;

/// The server's indexes, in one read transaction.
struct Server<'a, 'b>(&'a mut Tx<'b>);

impl Server<'_, '_> {
    fn seqs(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> TxResult<Vec<i64>> {
        Ok(self
            .0
            .query(sql, params)?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn rows(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> TxResult<Vec<(i64, String, String)>> {
        Ok(self
            .0
            .query(sql, params)?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }
}

impl Indexes for Server<'_, '_> {
    type Error = PgTxError;

    fn phones_from(&mut self, key: &str, reversed: bool) -> TxResult<Vec<(i64, String, String)>> {
        // ':' sorts just after '9', so [key, key || ':') is every string of digits starting
        // with key.
        let column = if reversed { "rdigits" } else { "digits" };
        self.rows(
            &format!(
                "SELECT customer_seq, display, digits FROM customer_phone \
                 WHERE {column} ~>=~ $1 AND {column} ~<~ $2 \
                 ORDER BY {column} COLLATE \"C\", customer_seq LIMIT $3"
            ),
            &[&key, &format!("{key}:"), &CANDIDATES],
        )
    }

    fn emails_from(&mut self, text: &str) -> TxResult<Vec<(i64, String, String)>> {
        self.rows(
            "SELECT customer_seq, display, email FROM customer_email \
             WHERE email ~>=~ $1 AND email ~<~ $2 ORDER BY email COLLATE \"C\", customer_seq \
             LIMIT $3",
            &[&text, &format!("{text}{MAX_CHAR}"), &CANDIDATES],
        )
    }

    fn holding(&mut self, text: &str) -> TxResult<Vec<i64>> {
        let pattern = format!(
            "%{}%",
            text.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        // Every holder from the trigram index first, then the first of them: left to itself the
        // planner walks the whole table in seq order testing each row (tens of milliseconds).
        self.seqs(
            "WITH holders AS MATERIALIZED \
               (SELECT customer_seq FROM customer_text WHERE keys ILIKE $1) \
             SELECT customer_seq FROM holders ORDER BY customer_seq LIMIT $2",
            &[&pattern, &CANDIDATES],
        )
    }

    fn word_prefix(&mut self, prefix: &str) -> TxResult<Vec<i64>> {
        self.seqs(
            "SELECT customer_seq FROM customer_word WHERE word ~>=~ $1 AND word ~<~ $2 \
             ORDER BY word COLLATE \"C\", customer_seq LIMIT $3",
            &[&prefix, &format!("{prefix}{MAX_CHAR}"), &CANDIDATES],
        )
    }

    fn words_in(&mut self, words: &[String]) -> TxResult<Vec<i64>> {
        self.seqs(
            "SELECT customer_seq FROM customer_word WHERE word = ANY($1) \
             ORDER BY word COLLATE \"C\", customer_seq LIMIT $2",
            &[&words, &CANDIDATES],
        )
    }

    fn typos_in(&mut self, keys: &[String]) -> TxResult<Vec<i64>> {
        self.seqs(
            "SELECT customer_seq FROM customer_typo WHERE key = ANY($1) \
             ORDER BY key COLLATE \"C\", customer_seq LIMIT $2",
            &[&keys, &CANDIDATES],
        )
    }

    fn customers(&mut self, seqs: &[i64]) -> TxResult<Vec<(i64, Customer)>> {
        customers_by_seq(self.0, seqs)
    }

    fn histories(&mut self, customers: Vec<Customer>) -> TxResult<Vec<CustomerHistory>> {
        histories(self.0, customers, false)
    }
}

pub(super) fn lookup(s: &mut PgStore, query: &str, limit: usize) -> Result<Vec<LookupHit>> {
    s.read(|tx| rules::lookup(&mut Server(tx), query, limit))
}
