//! Search as you type on the server, as `sqlite/lookup.rs`: the same indexes (phone digits from
//! either end, email addresses, name words, one-typo keys; SQLite's FTS5 trigrams are
//! `customer_text` with `pg_trgm`), the same scores and order (`rules/lookup.rs`), in one read
//! transaction. Range scans compare bytes (`~>=~`, `~<~`: the `text_pattern_ops` indexes), as
//! SQLite compares text, whatever the database's collation; each index gives its candidates in
//! its own order, as SQLite's do, so the same ones are kept when there are more than enough.

use super::errors::TxResult;
use super::prelude::*;
use super::records::{customers_by_seq, histories};
use crate::store::rules::lookup::{
    query_words, substring_searchable, typo_probe, Candidates, CANDIDATES, FROM_START, LAST_DIGITS,
    MAX_CHAR,
};
use crate::text::{classify, reversed, QueryKind};
use ::postgres::types::ToSql;
use ::postgres::Transaction;
use std::collections::{BTreeSet, HashMap};

fn seqs(tx: &mut Transaction<'_>, sql: &str, params: &[&(dyn ToSql + Sync)]) -> TxResult<Vec<i64>> {
    Ok(tx.query(sql, params)?.iter().map(|r| r.get(0)).collect())
}

fn phone_candidates(tx: &mut Transaction<'_>, digits: &str, out: &mut Candidates) -> TxResult<()> {
    let rev = reversed(digits);
    for (column, key, score) in [
        ("digits", digits, FROM_START),
        ("rdigits", &rev, LAST_DIGITS),
    ] {
        // ':' sorts just after '9', so [key, key || ':') is every string of digits starting
        // with key.
        let rows = tx.query(
            &format!(
                "SELECT customer_seq, display, digits FROM customer_phone \
                 WHERE {column} ~>=~ $1 AND {column} ~<~ $2 \
                 ORDER BY {column} COLLATE \"C\", customer_seq LIMIT $3"
            ),
            &[&key, &format!("{key}:"), &CANDIDATES],
        )?;
        for r in &rows {
            out.offer_phone(digits, (r.get(0), r.get(1), r.get(2)), score);
        }
    }
    Ok(())
}

fn email_candidates(tx: &mut Transaction<'_>, text: &str, out: &mut Candidates) -> TxResult<()> {
    let rows = tx.query(
        "SELECT customer_seq, display, email FROM customer_email \
         WHERE email ~>=~ $1 AND email ~<~ $2 ORDER BY email COLLATE \"C\", customer_seq LIMIT $3",
        &[&text, &format!("{text}{MAX_CHAR}"), &CANDIDATES],
    )?;
    for r in &rows {
        out.offer_email(text, (r.get(0), r.get(1), r.get(2)));
    }
    Ok(())
}

/// The customers whose names or emails hold `text` (trigrams); none when too short.
fn substring_candidates(tx: &mut Transaction<'_>, text: &str) -> TxResult<Vec<i64>> {
    if !substring_searchable(text) {
        return Ok(Vec::new());
    }
    let pattern = format!(
        "%{}%",
        text.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    seqs(
        tx,
        "SELECT customer_seq FROM customer_text WHERE keys ILIKE $1 ORDER BY customer_seq LIMIT $2",
        &[&pattern, &CANDIDATES],
    )
}

fn name_candidates(tx: &mut Transaction<'_>, folded: &str) -> TxResult<BTreeSet<i64>> {
    let mut found = BTreeSet::new();
    let (words, longest) = query_words(folded);
    // Word prefix on the longest word (the most selective).
    if let Some(longest) = longest {
        found.extend(seqs(
            tx,
            "SELECT customer_seq FROM customer_word WHERE word ~>=~ $1 AND word ~<~ $2 \
             ORDER BY word COLLATE \"C\", customer_seq LIMIT $3",
            &[&longest, &format!("{longest}{MAX_CHAR}"), &CANDIDATES],
        )?);
    }
    // Substring anywhere.
    found.extend(substring_candidates(tx, folded)?);
    // One typo in any word of four letters or more.
    for (dels, keys) in words.iter().filter_map(|w| typo_probe(w)) {
        found.extend(seqs(
            tx,
            "SELECT customer_seq FROM customer_word WHERE word = ANY($1) \
             ORDER BY word COLLATE \"C\", customer_seq LIMIT $2",
            &[&dels, &CANDIDATES],
        )?);
        found.extend(seqs(
            tx,
            "SELECT customer_seq FROM customer_typo WHERE key = ANY($1) \
             ORDER BY key COLLATE \"C\", customer_seq LIMIT $2",
            &[&keys, &CANDIDATES],
        )?);
    }
    Ok(found)
}

fn lookup_in(tx: &mut Transaction<'_>, query: &str, limit: usize) -> TxResult<Vec<LookupHit>> {
    let mut found = Candidates::default();
    let mut loaded: HashMap<i64, Customer> = HashMap::new();
    match classify(query) {
        QueryKind::Empty => return Ok(Vec::new()),
        QueryKind::Phone { digits } => phone_candidates(tx, &digits, &mut found)?,
        QueryKind::Email { text } => {
            email_candidates(tx, &text, &mut found)?;
            let subs: Vec<i64> = substring_candidates(tx, &text)?
                .into_iter()
                .filter(|s| !found.0.contains_key(s))
                .collect();
            for (seq, c) in customers_by_seq(tx, &subs)? {
                found.offer_email_substring(&text, seq, &c);
                loaded.insert(seq, c);
            }
        }
        QueryKind::Name { folded } => {
            let cands: Vec<i64> = name_candidates(tx, &folded)?.into_iter().collect();
            for (seq, c) in customers_by_seq(tx, &cands)? {
                found.offer_name(&folded, seq, &c);
                loaded.insert(seq, c);
            }
        }
    }
    // Rank, then load what is shown.
    let missing = found.missing(&loaded);
    for (seq, c) in customers_by_seq(tx, &missing)? {
        loaded.insert(seq, c);
    }
    let ranked = found.ranked(&mut loaded, limit);
    let (customers, why): (Vec<Customer>, Vec<_>) =
        ranked.into_iter().map(|(c, s, m)| (c, (s, m))).unzip();
    let hs = histories(tx, customers, false)?;
    Ok(hs
        .into_iter()
        .zip(why)
        .map(|(history, (score, matched))| LookupHit {
            history,
            matched,
            score,
        })
        .collect())
}

pub(super) fn lookup(s: &mut PgStore, query: &str, limit: usize) -> Result<Vec<LookupHit>> {
    s.read(|tx| lookup_in(tx, query, limit))
}
