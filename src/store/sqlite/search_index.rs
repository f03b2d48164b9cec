//! The search keys the store keeps beside each customer, rebuilt in the same transaction whenever
//! the customer is written, for the lookup (`lookup.rs`) to search:
//!
//! * `customer_phone`: national digits and the same reversed, so a number typed from the start
//!   or only its last six or more digits are both index range scans;
//! * `customer_email`: lower-cased addresses;
//! * `customer_word`: the folded words of every name, for word-prefix matches;
//! * `customer_typo`: every one-letter deletion of each word of four or more letters, so one typo
//!   (a letter missing, added, changed, or two swapped) is found by exact index look-ups;
//! * `customer_text`: an FTS5 trigram index of the folded names, for substrings.

use crate::domain::Customer;
use crate::store::rules::lookup::search_keys;
use rusqlite::{params, Transaction};

/// (Re)build the search keys of one customer (which keys: [`search_keys`]).
pub(crate) fn index_customer(tx: &Transaction<'_>, seq: i64, c: &Customer) -> rusqlite::Result<()> {
    for sql in [
        "DELETE FROM customer_word WHERE customer_seq = ?1",
        "DELETE FROM customer_typo WHERE customer_seq = ?1",
        "DELETE FROM customer_phone WHERE customer_seq = ?1",
        "DELETE FROM customer_email WHERE customer_seq = ?1",
        "DELETE FROM customer_text WHERE rowid = ?1",
    ] {
        tx.prepare_cached(sql)?.execute([seq])?;
    }
    let keys = search_keys(c);
    {
        let mut ins = tx.prepare_cached(
            "INSERT OR IGNORE INTO customer_word (word, customer_seq) VALUES (?1, ?2)",
        )?;
        for w in &keys.words {
            ins.execute(params![w, seq])?;
        }
    }
    {
        let mut ins = tx.prepare_cached(
            "INSERT OR IGNORE INTO customer_typo (key, customer_seq) VALUES (?1, ?2)",
        )?;
        for k in &keys.typos {
            ins.execute(params![k, seq])?;
        }
    }
    {
        let mut ins = tx.prepare_cached(
            "INSERT OR IGNORE INTO customer_phone (customer_seq, display, digits, rdigits) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (display, digits, rdigits) in &keys.phones {
            ins.execute(params![seq, display, digits, rdigits])?;
        }
    }
    {
        let mut ins = tx.prepare_cached(
            "INSERT OR IGNORE INTO customer_email (customer_seq, display, email) VALUES (?1, ?2, ?3)",
        )?;
        for (display, email) in &keys.emails {
            ins.execute(params![seq, display, email])?;
        }
    }
    tx.prepare_cached("INSERT INTO customer_text (rowid, keys) VALUES (?1, ?2)")?
        .execute(params![seq, keys.text])?;
    Ok(())
}
