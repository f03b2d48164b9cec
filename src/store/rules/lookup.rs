//! The lookup's rules, shared by both engines: the search keys kept beside each customer
//! (what `sqlite/search_index.rs` and `postgres/records.rs` write), how a candidate found by an
//! index scores, and the order the hits are shown in. Each engine finds the candidates with its
//! own indexes and SQL.

use crate::domain::{Customer, CustomerHistory, LookupHit, MatchedOn};
use crate::text::{self, classify, fold, name_score, QueryKind};
use std::collections::{BTreeSet, HashMap};

/// How many candidates each index may contribute before ranking.
pub const CANDIDATES: i64 = 300;

/// Scores for phone and email matches (names use [`name_score`]).
pub const EXACT: u32 = 1_000;
pub const FROM_START: u32 = 800;
pub const LAST_DIGITS: u32 = 700;
pub const EMAIL_PREFIX: u32 = 600;
pub const EMAIL_SUBSTRING: u32 = 400;

/// Past every character, for `x >= prefix AND x < prefix || MAX` range scans.
pub const MAX_CHAR: char = '\u{10FFFF}';

/// Every string made by deleting one character of `word` (for the typo index).
pub fn deletions(word: &str) -> BTreeSet<String> {
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

/// The search keys of one customer, as both engines keep them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SearchKeys {
    /// The folded words of every name.
    pub words: BTreeSet<String>,
    /// Every one-letter deletion of each word of four or more letters.
    pub typos: BTreeSet<String>,
    /// (as typed, national digits, the digits reversed).
    pub phones: Vec<(String, String, String)>,
    /// (as typed, lower-cased address).
    pub emails: Vec<(String, String)>,
    /// The folded names (and description of an unidentified visitor) and email addresses, one
    /// a line, for substring search.
    pub text: String,
}

/// The search keys of `c`.
pub fn search_keys(c: &Customer) -> SearchKeys {
    let mut keys = SearchKeys::default();
    let mut lines = Vec::new();
    let names = c.name.iter().chain(c.other_names.iter());
    for name in names {
        let folded = fold(name);
        keys.words.extend(
            folded
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_string),
        );
        lines.push(folded);
    }
    if c.is_unidentified() {
        lines.push(fold(&c.description));
    }
    for w in &keys.words {
        if w.chars().count() >= 4 {
            keys.typos.extend(deletions(w));
        }
    }
    for p in &c.phones {
        if let Some(k) = text::phone_key(p) {
            let r = text::reversed(&k);
            keys.phones.push((p.clone(), k, r));
        }
    }
    for e in &c.emails {
        if let Some(k) = text::email_key(e) {
            keys.emails.push((e.clone(), k.clone()));
            lines.push(k);
        }
    }
    keys.text = lines.join("\n");
    keys
}

/// Candidates found so far: best score and why, per customer seq.
#[derive(Default)]
pub struct Candidates(pub HashMap<i64, (u32, MatchedOn)>);

impl Candidates {
    pub fn offer(&mut self, seq: i64, score: u32, matched: MatchedOn) {
        let e = self.0.entry(seq).or_insert((0, matched.clone()));
        if score > e.0 || e.0 == 0 {
            *e = (score, matched);
        }
    }

    /// A phone found by the index: (seq, as typed, its digits), for the digits typed; `score`
    /// when not the whole number.
    pub fn offer_phone(&mut self, digits: &str, found: (i64, String, String), score: u32) {
        let (seq, display, full) = found;
        let s = if full == digits { EXACT } else { score };
        self.offer(seq, s, MatchedOn::Phone(display));
    }

    /// An email found by the index's prefix scan: (seq, as typed, the address kept).
    pub fn offer_email(&mut self, text: &str, found: (i64, String, String)) {
        let (seq, display, email) = found;
        let s = if email == text { EXACT } else { EMAIL_PREFIX };
        self.offer(seq, s, MatchedOn::Email(display));
    }

    /// A customer found by substring for an email query: offered if one of their addresses
    /// holds the text.
    pub fn offer_email_substring(&mut self, text: &str, seq: i64, c: &Customer) {
        if let Some(e) = c.emails.iter().find(|e| e.to_lowercase().contains(text)) {
            self.offer(seq, EMAIL_SUBSTRING, MatchedOn::Email(e.clone()));
        }
    }

    /// A customer found by the name indexes: offered with their best name match.
    pub fn offer_name(&mut self, folded: &str, seq: i64, c: &Customer) {
        if let Some((score, m)) = best_name_match(folded, c) {
            self.offer(seq, score, m);
        }
    }

    /// The seqs found that are not yet in `loaded`.
    pub fn missing<T>(&self, loaded: &HashMap<i64, T>) -> Vec<i64> {
        let mut out: Vec<i64> = self
            .0
            .keys()
            .copied()
            .filter(|seq| !loaded.contains_key(seq))
            .collect();
        out.sort_unstable();
        out
    }

    /// The hits to show, best first, at most `limit`: by score, then name, then the older
    /// record (so the order never depends on the order candidates were found in). Takes the
    /// customers shown out of `loaded`; a candidate not loaded (gone meanwhile) is left out.
    pub fn ranked(
        self,
        loaded: &mut HashMap<i64, Customer>,
        limit: usize,
    ) -> Vec<(Customer, u32, MatchedOn)> {
        let mut ranked: Vec<(i64, u32, MatchedOn)> = self
            .0
            .into_iter()
            .filter(|(seq, _)| loaded.contains_key(seq))
            .map(|(seq, (s, m))| (seq, s, m))
            .collect();
        let names: HashMap<i64, String> = ranked
            .iter()
            .map(|(seq, ..)| (*seq, fold(&loaded[seq].display_name())))
            .collect();
        ranked.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| names[&a.0].cmp(&names[&b.0]))
                .then_with(|| a.0.cmp(&b.0))
        });
        ranked.truncate(limit);
        ranked
            .into_iter()
            .filter_map(|(seq, s, m)| loaded.remove(&seq).map(|c| (c, s, m)))
            .collect()
    }
}

/// The words of a folded name query, and the longest (the most selective, for the prefix scan).
pub fn query_words(folded: &str) -> (Vec<&str>, Option<&str>) {
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let longest = words.iter().max_by_key(|w| w.len()).copied();
    (words, longest)
}

/// For one query word of four letters or more: its deletions (to find in the words) and its
/// deletions with itself (to find in the typo keys). None for a shorter word.
pub fn typo_probe(word: &str) -> Option<(Vec<String>, Vec<String>)> {
    if word.chars().count() < 4 {
        return None;
    }
    let dels: Vec<String> = deletions(word).into_iter().collect();
    let mut keys = dels.clone();
    keys.push(word.to_string());
    Some((dels, keys))
}

/// Is the text long enough for a trigram (substring) search?
pub fn substring_searchable(text: &str) -> bool {
    text.chars().count() >= 3
}

/// The best name match of one customer for a folded query.
pub fn best_name_match(folded: &str, c: &Customer) -> Option<(u32, MatchedOn)> {
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

/// What each engine's indexes answer, for [`lookup`]: every scan gives at most [`CANDIDATES`]
/// rows, in its index's order.
pub trait Indexes {
    type Error;
    /// Phones whose digits (or, `reversed`, whose reversed digits) start with `key`: (seq, as
    /// typed, digits).
    fn phones_from(
        &mut self,
        key: &str,
        reversed: bool,
    ) -> Result<Vec<(i64, String, String)>, Self::Error>;
    /// Emails starting with `text`: (seq, as typed, address kept).
    fn emails_from(&mut self, text: &str) -> Result<Vec<(i64, String, String)>, Self::Error>;
    /// Customers whose names or emails hold `text` (three characters or more).
    fn holding(&mut self, text: &str) -> Result<Vec<i64>, Self::Error>;
    /// Customers with a name word starting with `prefix`.
    fn word_prefix(&mut self, prefix: &str) -> Result<Vec<i64>, Self::Error>;
    /// Customers with a name word among `words`.
    fn words_in(&mut self, words: &[String]) -> Result<Vec<i64>, Self::Error>;
    /// Customers with a typo key among `keys`.
    fn typos_in(&mut self, keys: &[String]) -> Result<Vec<i64>, Self::Error>;
    /// Customers by seq, with phones and emails.
    fn customers(&mut self, seqs: &[i64]) -> Result<Vec<(i64, Customer)>, Self::Error>;
    /// Their histories, without the incidents' free text, in the same order.
    fn histories(&mut self, customers: Vec<Customer>) -> Result<Vec<CustomerHistory>, Self::Error>;
}

fn name_candidates<I: Indexes>(ix: &mut I, folded: &str) -> Result<BTreeSet<i64>, I::Error> {
    let mut found = BTreeSet::new();
    let (words, longest) = query_words(folded);
    // Word prefix on the longest word (the most selective).
    if let Some(longest) = longest {
        found.extend(ix.word_prefix(longest)?);
    }
    // Substring anywhere.
    if substring_searchable(folded) {
        found.extend(ix.holding(folded)?);
    }
    // One typo in any word of four letters or more.
    for (dels, keys) in words.iter().filter_map(|w| typo_probe(w)) {
        found.extend(ix.words_in(&dels)?);
        found.extend(ix.typos_in(&keys)?);
    }
    Ok(found)
}

/// Search as you type: the candidates each index gives for the kind of query, scored, ranked
/// and loaded with their histories. Each engine runs it inside one read transaction.
pub fn lookup<I: Indexes>(
    ix: &mut I,
    query: &str,
    limit: usize,
) -> Result<Vec<LookupHit>, I::Error> {
    let mut found = Candidates::default();
    let mut loaded: HashMap<i64, Customer> = HashMap::new();
    match classify(query) {
        QueryKind::Empty => return Ok(Vec::new()),
        QueryKind::Phone { digits } => {
            for row in ix.phones_from(&digits, false)? {
                found.offer_phone(&digits, row, FROM_START);
            }
            for row in ix.phones_from(&text::reversed(&digits), true)? {
                found.offer_phone(&digits, row, LAST_DIGITS);
            }
        }
        QueryKind::Email { text } => {
            for row in ix.emails_from(&text)? {
                found.offer_email(&text, row);
            }
            if substring_searchable(&text) {
                let subs: Vec<i64> = ix
                    .holding(&text)?
                    .into_iter()
                    .filter(|s| !found.0.contains_key(s))
                    .collect();
                for (seq, c) in ix.customers(&subs)? {
                    found.offer_email_substring(&text, seq, &c);
                    loaded.insert(seq, c);
                }
            }
        }
        QueryKind::Name { folded } => {
            let cands: Vec<i64> = name_candidates(ix, &folded)?.into_iter().collect();
            for (seq, c) in ix.customers(&cands)? {
                found.offer_name(&folded, seq, &c);
                loaded.insert(seq, c);
            }
        }
    }
    // Rank, then load what is shown.
    for (seq, c) in ix.customers(&found.missing(&loaded))? {
        loaded.insert(seq, c);
    }
    let ranked = found.ranked(&mut loaded, limit);
    let (customers, why): (Vec<Customer>, Vec<_>) =
        ranked.into_iter().map(|(c, s, m)| (c, (s, m))).unzip();
    let hs = ix.histories(customers)?;
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
