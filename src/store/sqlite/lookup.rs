//! Search as you type, through the indexes the store keeps beside each customer (`search_index.rs`
//! builds them: phone digits from either end, email addresses, name words, one-typo keys and
//! trigrams).
//!
//! The candidates are then scored and ranked by the rules both engines share
//! (`store/rules/lookup.rs`). All of it runs inside the caller's single read transaction.

use super::records::{customers_by_seq, histories};
use crate::domain::{Customer, LookupHit};
use crate::store::rules::lookup::{
    query_words, substring_searchable, typo_probe, Candidates, CANDIDATES, FROM_START, LAST_DIGITS,
    MAX_CHAR,
};
use crate::text::{classify, reversed, QueryKind};
use rusqlite::{params, Transaction};
use std::collections::{BTreeSet, HashMap};

fn seqs(
    tx: &Transaction<'_>,
    sql: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<Vec<i64>> {
    tx.prepare_cached(sql)?
        .query_map(params, |r| r.get(0))?
        .collect()
}

fn phone_candidates(
    tx: &Transaction<'_>,
    digits: &str,
    out: &mut Candidates,
) -> rusqlite::Result<()> {
    let rev = reversed(digits);
    let mut run = |sql: &str, key: &str, score: u32| -> rusqlite::Result<()> {
        let mut st = tx.prepare_cached(sql)?;
        let rows = st.query_map(params![key, format!("{key}:"), CANDIDATES], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        for row in rows {
            out.offer_phone(digits, row?, score);
        }
        Ok(())
    };
    // ':' sorts just after '9', so [key, key || ':') is every string of digits starting with key.
    run(
        "SELECT customer_seq, display, digits FROM customer_phone WHERE digits >= ?1 AND digits < ?2 LIMIT ?3",
        digits,
        FROM_START,
    )?;
    run(
        "SELECT customer_seq, display, digits FROM customer_phone WHERE rdigits >= ?1 AND rdigits < ?2 LIMIT ?3",
        &rev,
        LAST_DIGITS,
    )?;
    Ok(())
}

fn email_candidates(
    tx: &Transaction<'_>,
    text: &str,
    out: &mut Candidates,
) -> rusqlite::Result<()> {
    let mut st = tx.prepare_cached(
        "SELECT customer_seq, display, email FROM customer_email WHERE email >= ?1 AND email < ?2 LIMIT ?3",
    )?;
    let rows = st.query_map(
        params![text, format!("{text}{MAX_CHAR}"), CANDIDATES],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    for row in rows {
        out.offer_email(text, row?);
    }
    Ok(())
}

/// The customers whose names or emails hold `text` (FTS5 trigrams); none when too short.
fn substring_candidates(tx: &Transaction<'_>, text: &str) -> rusqlite::Result<Vec<i64>> {
    if !substring_searchable(text) {
        return Ok(Vec::new());
    }
    let phrase = format!("\"{}\"", text.replace('"', "\"\""));
    seqs(
        tx,
        "SELECT rowid FROM customer_text WHERE customer_text MATCH ?1 LIMIT ?2",
        params![phrase, CANDIDATES],
    )
}

fn name_candidates(tx: &Transaction<'_>, folded: &str) -> rusqlite::Result<BTreeSet<i64>> {
    let mut found = BTreeSet::new();
    let (words, longest) = query_words(folded);
    // Word prefix on the longest word (the most selective).
    if let Some(longest) = longest {
        found.extend(seqs(
            tx,
            "SELECT customer_seq FROM customer_word WHERE word >= ?1 AND word < ?2 LIMIT ?3",
            params![longest, format!("{longest}{MAX_CHAR}"), CANDIDATES],
        )?);
    }
    // Substring anywhere.
    found.extend(substring_candidates(tx, folded)?);
    // One typo in any word of four letters or more.
    for (dels, keys) in words.iter().filter_map(|w| typo_probe(w)) {
        found.extend(seqs(
            tx,
            "SELECT customer_seq FROM customer_word WHERE word IN (SELECT value FROM json_each(?1)) LIMIT ?2",
            params![serde_json::to_string(&dels).unwrap_or_default(), CANDIDATES],
        )?);
        found.extend(seqs(
            tx,
            "SELECT customer_seq FROM customer_typo WHERE key IN (SELECT value FROM json_each(?1)) LIMIT ?2",
            params![serde_json::to_string(&keys).unwrap_or_default(), CANDIDATES],
        )?);
    }
    Ok(found)
}

pub(super) fn lookup(
    tx: &Transaction<'_>,
    query: &str,
    limit: usize,
) -> rusqlite::Result<Vec<LookupHit>> {
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
    for (seq, c) in customers_by_seq(tx, &found.missing(&loaded))? {
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
