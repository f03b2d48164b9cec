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
use crate::text;
use rusqlite::{params, Transaction};
use std::collections::BTreeSet;

/// Every string made by deleting one character of `word` (for the typo index).
pub(crate) fn deletions(word: &str) -> BTreeSet<String> {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len())
        .map(|i| {
            chars
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, c)| c)
                .collect()
        })
        .collect()
}

fn names_of(c: &Customer) -> impl Iterator<Item = &str> {
    c.name
        .iter()
        .map(String::as_str)
        .chain(c.other_names.iter().map(String::as_str))
}

/// (Re)build the search keys of one customer.
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
    let mut words = BTreeSet::new();
    let mut text = Vec::new();
    for name in names_of(c) {
        let folded = text::fold(name);
        words.extend(
            folded
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_string),
        );
        text.push(folded);
    }
    if c.is_unidentified() {
        text.push(text::fold(&c.description));
    }
    let mut typo_keys = BTreeSet::new();
    {
        let mut ins = tx.prepare_cached(
            "INSERT OR IGNORE INTO customer_word (word, customer_seq) VALUES (?1, ?2)",
        )?;
        for w in &words {
            ins.execute(params![w, seq])?;
            if w.chars().count() >= 4 {
                typo_keys.extend(deletions(w));
            }
        }
    }
    {
        let mut ins = tx.prepare_cached(
            "INSERT OR IGNORE INTO customer_typo (key, customer_seq) VALUES (?1, ?2)",
        )?;
        for k in &typo_keys {
            ins.execute(params![k, seq])?;
        }
    }
    {
        let mut ins = tx.prepare_cached(
            "INSERT OR IGNORE INTO customer_phone (customer_seq, display, digits, rdigits) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for p in &c.phones {
            if let Some(k) = text::phone_key(p) {
                ins.execute(params![seq, p, k, text::reversed(&k)])?;
            }
        }
    }
    {
        let mut ins = tx.prepare_cached(
            "INSERT OR IGNORE INTO customer_email (customer_seq, display, email) VALUES (?1, ?2, ?3)",
        )?;
        for e in &c.emails {
            if let Some(k) = text::email_key(e) {
                ins.execute(params![seq, e, k])?;
                text.push(k);
            }
        }
    }
    tx.prepare_cached("INSERT INTO customer_text (rowid, keys) VALUES (?1, ?2)")?
        .execute(params![seq, text.join("\n")])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletions_cover_every_position() {
        let d = deletions("smith");
        assert_eq!(
            d.into_iter().collect::<Vec<_>>(),
            vec!["mith", "sith", "smih", "smit", "smth"]
        );
        assert!(deletions("").is_empty());
    }

    #[test]
    fn a_transposition_shares_a_deletion() {
        let a = deletions("johnson");
        let b = deletions("jonhson");
        assert!(a.intersection(&b).next().is_some());
    }
}
