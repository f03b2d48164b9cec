//! Search as you type, through the indexes the store keeps beside each customer (`search_index.rs`
//! builds them: phone digits from either end, email addresses, name words, one-typo keys and
//! FTS5 trigrams).
//!
//! What to ask the indexes, and how the candidates are scored and ranked, is
//! `store/rules/lookup.rs`, shared with the PostgreSQL store. All of it runs inside the
//! caller's single read transaction.

use super::records::{customers_by_seq, histories};
use crate::domain::{Customer, CustomerHistory, LookupHit};
use crate::store::rules::lookup::{self as rules, Indexes, CANDIDATES, MAX_CHAR};
use rusqlite::{params, Transaction};

/// The file's indexes, in one read transaction.
struct File<'a, 'b>(&'a Transaction<'b>);

impl File<'_, '_> {
    fn seqs(&self, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<Vec<i64>> {
        self.0
            .prepare_cached(sql)?
            .query_map(params, |r| r.get(0))?
            .collect()
    }

    fn rows(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> rusqlite::Result<Vec<(i64, String, String)>> {
        self.0
            .prepare_cached(sql)?
            .query_map(params, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect()
    }
}

impl Indexes for File<'_, '_> {
    type Error = rusqlite::Error;

    fn phones_from(
        &mut self,
        key: &str,
        reversed: bool,
    ) -> rusqlite::Result<Vec<(i64, String, String)>> {
        // ':' sorts just after '9', so [key, key || ':') is every string of digits starting
        // with key.
        let column = if reversed { "rdigits" } else { "digits" };
        self.rows(
            &format!(
                "SELECT customer_seq, display, digits FROM customer_phone \
                 WHERE {column} >= ?1 AND {column} < ?2 LIMIT ?3"
            ),
            params![key, format!("{key}:"), CANDIDATES],
        )
    }

    fn emails_from(&mut self, text: &str) -> rusqlite::Result<Vec<(i64, String, String)>> {
        self.rows(
            "SELECT customer_seq, display, email FROM customer_email \
             WHERE email >= ?1 AND email < ?2 LIMIT ?3",
            params![text, format!("{text}{MAX_CHAR}"), CANDIDATES],
        )
    }

    fn holding(&mut self, text: &str) -> rusqlite::Result<Vec<i64>> {
        let phrase = format!("\"{}\"", text.replace('"', "\"\""));
        self.seqs(
            "SELECT rowid FROM customer_text WHERE customer_text MATCH ?1 LIMIT ?2",
            params![phrase, CANDIDATES],
        )
    }

    fn word_prefix(&mut self, prefix: &str) -> rusqlite::Result<Vec<i64>> {
        self.seqs(
            "SELECT customer_seq FROM customer_word WHERE word >= ?1 AND word < ?2 LIMIT ?3",
            params![prefix, format!("{prefix}{MAX_CHAR}"), CANDIDATES],
        )
    }

    fn words_in(&mut self, words: &[String]) -> rusqlite::Result<Vec<i64>> {
        self.seqs(
            "SELECT customer_seq FROM customer_word WHERE word IN (SELECT value FROM json_each(?1)) LIMIT ?2",
            params![serde_json::to_string(words).unwrap_or_default(), CANDIDATES],
        )
    }

    fn typos_in(&mut self, keys: &[String]) -> rusqlite::Result<Vec<i64>> {
        self.seqs(
            "SELECT customer_seq FROM customer_typo WHERE key IN (SELECT value FROM json_each(?1)) LIMIT ?2",
            params![serde_json::to_string(keys).unwrap_or_default(), CANDIDATES],
        )
    }

    fn customers(&mut self, seqs: &[i64]) -> rusqlite::Result<Vec<(i64, Customer)>> {
        customers_by_seq(self.0, seqs)
    }

    fn histories(&mut self, customers: Vec<Customer>) -> rusqlite::Result<Vec<CustomerHistory>> {
        histories(self.0, customers, false)
    }
}

pub(super) fn lookup(
    tx: &Transaction<'_>,
    query: &str,
    limit: usize,
) -> rusqlite::Result<Vec<LookupHit>> {
    rules::lookup(&mut File(tx), query, limit)
}
