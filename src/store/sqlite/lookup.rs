//! Search as you type, through the indexes the store keeps beside each customer (`search_index.rs`
//! builds them: phone digits from either end, email addresses, name words, one-typo keys and
//! trigrams).
//!
//! The candidates are then ranked in Rust by [`name_score`]. All of it runs inside the
//! caller's single read transaction.

use super::records::{customers_by_seq, histories};
use super::search_index::deletions;
use crate::domain::{Customer, LookupHit, MatchedOn};
use crate::text::{classify, fold, name_score, reversed, QueryKind};
use rusqlite::{params, Transaction};
use std::collections::{BTreeSet, HashMap};

/// How many candidates each index may contribute before ranking.
const CANDIDATES: i64 = 300;

/// Scores for phone and email matches (names use [`name_score`]).
const EXACT: u32 = 1_000;
const FROM_START: u32 = 800;
const LAST_DIGITS: u32 = 700;
const EMAIL_PREFIX: u32 = 600;
const EMAIL_SUBSTRING: u32 = 400;

/// Past every character, for `x >= prefix AND x < prefix || MAX` range scans.
const MAX_CHAR: char = '\u{10FFFF}';

/// Candidates found so far: best score and why, per customer seq.
#[derive(Default)]
struct Candidates(HashMap<i64, (u32, MatchedOn)>);

impl Candidates {
    fn offer(&mut self, seq: i64, score: u32, matched: MatchedOn) {
        let e = self.0.entry(seq).or_insert((0, matched.clone()));
        if score > e.0 || e.0 == 0 {
            *e = (score, matched);
        }
    }
}

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
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (seq, display, full) = row?;
            let s = if full == digits { EXACT } else { score };
            out.offer(seq, s, MatchedOn::Phone(display));
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
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        },
    )?;
    for row in rows {
        let (seq, display, email) = row?;
        let s = if email == text { EXACT } else { EMAIL_PREFIX };
        out.offer(seq, s, MatchedOn::Email(display));
    }
    Ok(())
}

/// An FTS5 phrase for a substring search; None when too short for trigrams.
fn fts_phrase(text: &str) -> Option<String> {
    (text.chars().count() >= 3).then(|| format!("\"{}\"", text.replace('"', "\"\"")))
}

fn name_candidates(tx: &Transaction<'_>, folded: &str) -> rusqlite::Result<BTreeSet<i64>> {
    let mut found = BTreeSet::new();
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    // Word prefix on the longest word (the most selective).
    if let Some(longest) = words.iter().max_by_key(|w| w.len()) {
        found.extend(seqs(
            tx,
            "SELECT customer_seq FROM customer_word WHERE word >= ?1 AND word < ?2 LIMIT ?3",
            params![longest, format!("{longest}{MAX_CHAR}"), CANDIDATES],
        )?);
    }
    // Substring anywhere.
    if let Some(phrase) = fts_phrase(folded) {
        found.extend(seqs(
            tx,
            "SELECT rowid FROM customer_text WHERE customer_text MATCH ?1 LIMIT ?2",
            params![phrase, CANDIDATES],
        )?);
    }
    // One typo in any word of four letters or more.
    for w in words.iter().filter(|w| w.chars().count() >= 4) {
        let dels: Vec<String> = deletions(w).into_iter().collect();
        let mut keys = dels.clone();
        keys.push((*w).to_string());
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

/// The best name match of one customer for a folded query.
fn best_name_match(folded: &str, c: &Customer) -> Option<(u32, MatchedOn)> {
    let mut best: Option<(u32, MatchedOn)> = None;
    let mut consider = |score: Option<u32>, m: MatchedOn| {
        if let Some(s) = score {
            if best.as_ref().is_none_or(|(b, _)| s > *b) {
                best = Some((s, m));
            }
        }
    };
    if let Some(n) = &c.name {
        consider(name_score(folded, &fold(n)), MatchedOn::Name(n.clone()));
    } else {
        consider(
            name_score(folded, &fold(&c.description)),
            MatchedOn::Name(c.display_name()),
        );
    }
    for o in &c.other_names {
        // An other name ranks just below the same match on the main name.
        consider(
            name_score(folded, &fold(o)).map(|s| s.saturating_sub(1)),
            MatchedOn::OtherName(o.clone()),
        );
    }
    best
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
            if let Some(phrase) = fts_phrase(&text) {
                let subs = seqs(
                    tx,
                    "SELECT rowid FROM customer_text WHERE customer_text MATCH ?1 LIMIT ?2",
                    params![phrase, CANDIDATES],
                )?;
                let subs: Vec<i64> = subs
                    .into_iter()
                    .filter(|s| !found.0.contains_key(s))
                    .collect();
                for (seq, c) in customers_by_seq(tx, &subs)? {
                    if let Some(e) = c.emails.iter().find(|e| e.to_lowercase().contains(&text)) {
                        found.offer(seq, EMAIL_SUBSTRING, MatchedOn::Email(e.clone()));
                    }
                    loaded.insert(seq, c);
                }
            }
        }
        QueryKind::Name { folded } => {
            let cands: Vec<i64> = name_candidates(tx, &folded)?.into_iter().collect();
            for (seq, c) in customers_by_seq(tx, &cands)? {
                if let Some((score, m)) = best_name_match(&folded, &c) {
                    found.offer(seq, score, m);
                }
                loaded.insert(seq, c);
            }
        }
    }
    // Rank, then load what is shown.
    let mut ranked: Vec<(i64, u32, MatchedOn)> = found
        .0
        .into_iter()
        .map(|(seq, (s, m))| (seq, s, m))
        .collect();
    let missing: Vec<i64> = ranked
        .iter()
        .map(|(seq, ..)| *seq)
        .filter(|seq| !loaded.contains_key(seq))
        .collect();
    for (seq, c) in customers_by_seq(tx, &missing)? {
        loaded.insert(seq, c);
    }
    ranked.retain(|(seq, ..)| loaded.contains_key(seq));
    let name_key = |seq: &i64| fold(&loaded[seq].display_name());
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| name_key(&a.0).cmp(&name_key(&b.0)))
            // The same score and name: the older record first, so the order never depends on
            // the order candidates were found in.
            .then_with(|| a.0.cmp(&b.0))
    });
    ranked.truncate(limit);
    let customers: Vec<Customer> = ranked
        .iter()
        .map(|(seq, ..)| loaded.remove(seq).expect("loaded above"))
        .collect();
    let hs = histories(tx, customers, false)?;
    Ok(hs
        .into_iter()
        .zip(ranked)
        .map(|(history, (_, score, matched))| LookupHit {
            history,
            matched,
            score,
        })
        .collect())
}
