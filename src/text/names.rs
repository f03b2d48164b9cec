//! Scoring how well a name matches what was typed ([`name_score`]), in bands from an exact match
//! down to one typo.

use super::distance::osa;
use super::fold::{fold, is_folded};

/// A multi-word query with more words than this is matched only as a whole (exact, prefix,
/// substring or one typo), not word by word.
const MAX_QUERY_WORDS: usize = 8;

/// Score of a name that is exactly the query.
const SCORE_EXACT: u32 = 960;
/// Base score of a name that starts with the query ("sam pat" for "sam patel").
const SCORE_NAME_PREFIX: u32 = 800;
/// Base score of a query whose words are all whole words of the name ("patel" for "sam
/// patel", "patel sam" too).
const SCORE_WORD: u32 = 700;
/// Base score of a query whose words all start words of the name ("pat" for "sam patel").
const SCORE_WORD_PREFIX: u32 = 600;
/// Base score of a query found inside the name ("ate" for "sam patel").
const SCORE_SUBSTRING: u32 = 500;
/// Base score of a match with one typo ("patle" for "sam patel").
const SCORE_TYPO: u32 = 400;

/// How a name matched, from best to worst; see [`NameMatch::of_score`]. Only the tests read
/// scores back this way.
#[cfg(test)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum NameMatch {
    Typo,
    Substring,
    WordPrefix,
    Word,
    NamePrefix,
    Exact,
}

#[cfg(test)]
impl NameMatch {
    /// The kind of match a [`name_score`] stands for. Scores stay in their band when lowered
    /// by up to 10 (the store lowers other names' scores by 1).
    fn of_score(score: u32) -> Option<NameMatch> {
        Some(match score / 100 {
            9 => NameMatch::Exact,
            8 => NameMatch::NamePrefix,
            7 => NameMatch::Word,
            6 => NameMatch::WordPrefix,
            5 => NameMatch::Substring,
            4 => NameMatch::Typo,
            _ => return None,
        })
    }
}

/// A score in the band starting at `base`: 10 to 60 above it, more when the query covers more
/// of the name, so that among equal matches shorter names come first.
fn banded(base: u32, query_len: usize, name_len: usize) -> u32 {
    base + 10 + coverage(query_len, name_len)
}

/// 0 to 50: how much of the name the query covers.
fn coverage(query_len: usize, name_len: usize) -> u32 {
    let c = query_len.saturating_mul(50) / name_len.max(1);
    u32::try_from(c.min(50)).unwrap_or(50)
}

/// A one-typo match: against a whole word or name, or against the start of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Typo {
    Prefix,
    Whole,
}

fn typo_score(kind: Typo, query_len: usize, name_len: usize) -> u32 {
    let whole = if kind == Typo::Whole { 25 } else { 0 };
    SCORE_TYPO + 10 + whole + coverage(query_len, name_len) / 2
}

/// One typo between `q` and all of `w` or the start of `w`, if any.
#[inline]
fn typo(q: &str, w: &str) -> Option<Typo> {
    if w.len() + 1 < q.len() {
        return None;
    }
    match osa(q.as_bytes(), w.as_bytes(), 1) {
        (0..=1, _) => Some(Typo::Whole),
        (_, 0..=1) => Some(Typo::Prefix),
        _ => None,
    }
}

/// How well a folded query matches a folded candidate name; None when it does not match.
/// Higher is better, in bands:
///
/// 1. `SCORE_EXACT`: the whole name;
/// 2. `SCORE_NAME_PREFIX`: the start of the name;
/// 3. `SCORE_WORD`: every query word is a whole word of the name;
/// 4. `SCORE_WORD_PREFIX`: every query word is a whole word or the start of one;
/// 5. `SCORE_SUBSTRING`: the query is inside the name (queries of 3 characters or more);
/// 6. `SCORE_TYPO`: one typo (a letter added, missing, changed, or two next to each other
///    swapped) against a word, the start of a word (one letter shorter, as long, or one
///    longer than the query, so a slip while still typing counts), or the whole name (for a
///    one-word query, also the start of the name: "annmarie" finds "ann marie jones"). For
///    several words, every query word matches a word of the name as in 3 or 4 except at most
///    one, which is within one typo of a word or the start of one. Only query words of 4
///    characters or more may have a typo.
///
/// Each query word must match a different word of the name ("sam s" does not match "sam
/// patel"), in any order ("patel sam" does). Queries of 1 or 2 characters match only the
/// start of a word. Within a band, a query covering more of the name scores higher, and a typo
/// against a whole word beats one against the start of a word. Every score lies between 410
/// and 960.
///
/// Both arguments should come from [`fold`]; anything else is folded first (slower).
#[must_use]
pub fn name_score(query_folded: &str, candidate_folded: &str) -> Option<u32> {
    if is_folded(query_folded) && is_folded(candidate_folded) {
        score_folded(query_folded, candidate_folded)
    } else {
        score_folded(&fold(query_folded), &fold(candidate_folded))
    }
}

fn score_folded(q: &str, c: &str) -> Option<u32> {
    if q.is_empty() || c.is_empty() {
        return None;
    }
    if q == c {
        return Some(SCORE_EXACT);
    }
    if c.starts_with(q) {
        return Some(banded(SCORE_NAME_PREFIX, q.len(), c.len()));
    }
    if q.contains(' ') {
        score_words(q, c)
    } else {
        score_word(q, c)
    }
}

/// A one-word query (no allocation).
fn score_word(q: &str, c: &str) -> Option<u32> {
    let mut prefix = false;
    for w in c.split(' ') {
        if w == q {
            return Some(banded(SCORE_WORD, q.len(), c.len()));
        }
        prefix |= w.starts_with(q);
    }
    if prefix {
        return Some(banded(SCORE_WORD_PREFIX, q.len(), c.len()));
    }
    if q.len() < 3 {
        return None;
    }
    if c.contains(q) {
        return Some(banded(SCORE_SUBSTRING, q.len(), c.len()));
    }
    if q.len() < 4 {
        return None;
    }
    let mut best = None;
    for w in c.split(' ') {
        match typo(q, w) {
            Some(Typo::Whole) => {
                best = Some(Typo::Whole);
                break;
            }
            t => best = best.max(t),
        }
    }
    if best != Some(Typo::Whole) && c.contains(' ') {
        // Across words: "annmarie" for "ann marie" or "ann marie jones".
        best = best.max(typo(q, c));
    }
    best.map(|t| typo_score(t, q.len(), c.len()))
}

/// How one query word stands to one name word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rel {
    None,
    Prefix,
    Equal,
}

/// Whether every one of `rows` query words can be given its own one of `cols` name words
/// through `allowed` edges (augmenting paths; sizes here are tiny).
fn assign_all(rows: usize, cols: usize, allowed: &dyn Fn(usize, usize) -> bool) -> bool {
    fn augment(
        row: usize,
        cols: usize,
        allowed: &dyn Fn(usize, usize) -> bool,
        owner: &mut [usize],
        seen: &mut [bool],
    ) -> bool {
        for col in 0..cols {
            if !seen[col] && allowed(row, col) {
                seen[col] = true;
                if owner[col] == usize::MAX || augment(owner[col], cols, allowed, owner, seen) {
                    owner[col] = row;
                    return true;
                }
            }
        }
        false
    }
    if rows > cols {
        return false;
    }
    let mut owner = vec![usize::MAX; cols];
    let mut seen = vec![false; cols];
    (0..rows).all(|row| {
        seen.fill(false);
        augment(row, cols, allowed, &mut owner, &mut seen)
    })
}

/// A query of several words.
fn score_words(q: &str, c: &str) -> Option<u32> {
    let qwords: Vec<&str> = q.split(' ').collect();
    let cwords: Vec<&str> = c.split(' ').collect();
    let (k, m) = (qwords.len(), cwords.len());
    let by_word = k <= MAX_QUERY_WORDS && k <= m;
    let mut rel = Vec::new();
    if by_word {
        rel.reserve(k * m);
        for qw in &qwords {
            for cw in &cwords {
                rel.push(if qw == cw {
                    Rel::Equal
                } else if cw.starts_with(qw) {
                    Rel::Prefix
                } else {
                    Rel::None
                });
            }
        }
        if assign_all(k, m, &|i, j| rel[i * m + j] == Rel::Equal) {
            return Some(banded(SCORE_WORD, q.len(), c.len()));
        }
        if assign_all(k, m, &|i, j| rel[i * m + j] >= Rel::Prefix) {
            return Some(banded(SCORE_WORD_PREFIX, q.len(), c.len()));
        }
    }
    if c.contains(q) {
        return Some(banded(SCORE_SUBSTRING, q.len(), c.len()));
    }
    let mut best: Option<Typo> = None;
    if by_word {
        'rows: for (i, qw) in qwords.iter().enumerate() {
            if qw.len() < 4 {
                continue;
            }
            for (j, cw) in cwords.iter().enumerate() {
                if rel[i * m + j] != Rel::None {
                    continue;
                }
                let Some(t) = typo(qw, cw) else { continue };
                if best >= Some(t) {
                    continue;
                }
                // This word with its typo, every other word exactly or as a prefix.
                let fits = assign_all(k, m, &|i2, j2| {
                    if i2 == i {
                        j2 == j
                    } else {
                        j2 != j && rel[i2 * m + j2] >= Rel::Prefix
                    }
                });
                if fits {
                    best = Some(t);
                    if t == Typo::Whole {
                        break 'rows;
                    }
                }
            }
        }
    }
    if best != Some(Typo::Whole) && q.len() >= 4 && typo(q, c) == Some(Typo::Whole) {
        // Across words: "sam patel" for "sampatel", "jo ann" for "joann". Only against the
        // whole name: "sam s" is not "sam p" with a typo.
        best = Some(Typo::Whole);
    }
    best.map(|t| typo_score(t, q.len(), c.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::query::MAX_QUERY_CHARS;
    use crate::text::SQL;

    fn score(q: &str, c: &str) -> Option<u32> {
        name_score(q, c)
    }

    fn kind(q: &str, c: &str) -> Option<NameMatch> {
        score(q, c).and_then(NameMatch::of_score)
    }

    #[test]
    fn name_score_spec_examples() {
        let typo = score("jonhson", "david johnson").unwrap();
        assert!(typo < score("johnson", "david johnson").unwrap());
        assert!(score("smyth", "john smith").is_some());
        assert_eq!(score("smxyh", "john smith"), None);
        assert!(score("zoe", &fold("Zoë Åberg")).is_some());
        assert!(score("pat", "sam patel").unwrap() > score("ate", "sam patel").unwrap());
        assert!(score("sam patel", "sam patel").unwrap() > score("sam pat", "sam patel").unwrap());
    }

    #[test]
    fn name_score_bands() {
        use NameMatch::*;
        assert_eq!(kind("sam patel", "sam patel"), Some(Exact));
        assert_eq!(kind("sam pat", "sam patel"), Some(NamePrefix));
        assert_eq!(kind("sa", "sam patel"), Some(NamePrefix));
        assert_eq!(kind("patel", "sam patel"), Some(Word));
        assert_eq!(kind("patel sam", "sam patel"), Some(Word));
        assert_eq!(kind("pat", "sam patel"), Some(WordPrefix));
        assert_eq!(kind("pat s", "sam patel"), Some(WordPrefix));
        assert_eq!(kind("ate", "sam patel"), Some(Substring));
        assert_eq!(kind("m pat", "sam patel"), Some(Substring));
        assert_eq!(kind("patle", "sam patel"), Some(Typo));
        assert_eq!(kind("jonhson", "david johnson"), Some(Typo));
        let ranked = [
            score("sam patel", "sam patel"),
            score("sam pat", "sam patel"),
            score("patel", "sam patel"),
            score("pat", "sam patel"),
            score("ate", "sam patel"),
            score("patle", "sam patel"),
        ];
        for w in ranked.windows(2) {
            assert!(w[0].unwrap() > w[1].unwrap(), "{ranked:?}");
        }
    }

    #[test]
    fn name_score_typos_of_each_kind() {
        assert!(score("smth", "john smith").is_some(), "deletion");
        assert!(score("smiith", "john smith").is_some(), "insertion");
        assert!(score("smyth", "john smith").is_some(), "substitution");
        assert!(score("smtih", "john smith").is_some(), "transposition");
        assert_eq!(score("smtyh", "john smith"), None, "two edits");
        assert_eq!(score("xqzw", "john smith"), None);
    }

    #[test]
    fn name_score_typo_against_word_start_and_whole_name() {
        // Still typing "johnson", one letter swapped.
        assert_eq!(kind("jonh", "david johnson"), Some(NameMatch::Typo));
        // Still typing, one letter missed or doubled.
        assert_eq!(kind("jhnso", "david johnson"), Some(NameMatch::Typo));
        assert_eq!(kind("johnns", "david johnson"), Some(NameMatch::Typo));
        // Across a space.
        assert_eq!(kind("annmarie", "ann marie jones"), Some(NameMatch::Typo));
        assert_eq!(kind("sam patel", "sampatel"), Some(NameMatch::Typo));
        // A typo against a whole word beats one against the start of a word.
        assert!(score("smyth", "john smith").unwrap() > score("smyth", "joanne smithers").unwrap());
    }

    #[test]
    fn name_score_short_queries_only_match_word_starts() {
        assert_eq!(score("ab", "sam patel"), None);
        assert_eq!(score("am", "sam patel"), None);
        assert_eq!(score("a", "sam patel"), None);
        assert!(score("pa", "sam patel").is_some());
        assert!(score("p", "sam patel").is_some());
        assert!(score("s", "sam patel").is_some());
        assert_eq!(score("jo", "ann smith"), None);
    }

    #[test]
    fn name_score_no_typos_under_four_characters() {
        assert_eq!(score("jhn", "john smith"), None);
        assert_eq!(score("smt", "john smith"), None);
        assert!(score("jonh", "john smith").is_some());
    }

    #[test]
    fn name_score_multi_word_queries() {
        // Each query word needs its own name word.
        assert_eq!(score("sam s", "sam patel"), None);
        assert_eq!(score("ann ann", "ann smith"), None);
        assert!(score("ann ann", "ann ann smith").is_some());
        assert_eq!(kind("s sam", "sam smith"), Some(NameMatch::WordPrefix));
        assert_eq!(kind("jo john", "john jones"), Some(NameMatch::WordPrefix));
        // One typo in total.
        assert_eq!(kind("sam patle", "sam patel"), Some(NameMatch::Typo));
        assert_eq!(kind("smith jonh", "john smith"), Some(NameMatch::Typo));
        assert_eq!(score("samm patle", "sam patel"), None);
        assert_eq!(score("jonh smyth", "john smith"), None);
        // A short word cannot carry the typo on its own, but the whole name can.
        assert_eq!(score("sma pat", "sam patel"), None);
        assert_eq!(kind("sma patel", "sam patel"), Some(NameMatch::Typo));
        // More query words than name words.
        assert_eq!(score("sam patel jones", "sam patel"), None);
        assert_eq!(
            kind("deborah jo", "deborah johnson"),
            Some(NameMatch::NamePrefix)
        );
        assert_eq!(
            kind("jo deborah", "deborah johnson"),
            Some(NameMatch::WordPrefix)
        );
    }

    #[test]
    fn name_score_store_examples() {
        let smith = score("smith", "john smith").unwrap();
        let smithers = score("smith", "joanne smithers").unwrap();
        assert!(smith > smithers);
        assert_eq!(kind("ohnso", "deborah johnson"), Some(NameMatch::Substring));
        assert_eq!(score("ohnso", "debbie jones"), None);
        assert_eq!(kind("o connor", "renee o connor"), Some(NameMatch::Word));
        assert_eq!(kind("aberg", &fold("Zoë Åberg")), Some(NameMatch::Word));
        assert_eq!(
            kind(&fold("ZOE ABERG"), &fold("Zoë Åberg")),
            Some(NameMatch::Exact)
        );
        assert_eq!(score("xqzw", "sam patel"), None);
    }

    #[test]
    fn name_score_prefers_shorter_names_within_a_band() {
        assert!(
            score("john", "john smith").unwrap() > score("john", "john paul smith jones").unwrap()
        );
        assert!(score("pat", "sam patel").unwrap() > score("pat", "samantha patterson").unwrap());
    }

    #[test]
    fn name_score_empty_and_junk() {
        assert_eq!(score("", "sam patel"), None);
        assert_eq!(score("sam", ""), None);
        assert_eq!(score("", ""), None);
        assert_eq!(score(SQL, "sam patel"), None);
        assert_eq!(score("%", "sam patel"), None);
        assert_eq!(score("_", "sam_patel"), None);
        assert_eq!(score("😀", "sam 😀 patel"), None);
        assert_eq!(kind("drop table", &fold(SQL)), Some(NameMatch::NamePrefix));
    }

    #[test]
    fn name_score_folds_unfolded_input() {
        assert_eq!(kind("Zoë", "Zoë Åberg"), Some(NameMatch::NamePrefix));
        assert_eq!(kind("  SAM   PATEL ", "Sam Patel"), Some(NameMatch::Exact));
        assert_eq!(kind("o'connor", "Renée O’Connor"), Some(NameMatch::Word));
        assert!(score("שלום", "שלום עולם").is_some());
    }

    #[test]
    fn name_score_long_inputs() {
        let long_q = "x".repeat(MAX_QUERY_CHARS);
        let long_c = "x".repeat(10_000);
        assert_eq!(kind(&long_q, &long_c), Some(NameMatch::NamePrefix));
        let many_words = "ab ".repeat(5_000);
        let many_words = many_words.trim_end();
        assert!(score("ab ab ab", many_words).is_some());
        assert_eq!(score("abcd abce abcf", many_words), None);
        let q = "word ".repeat(20);
        assert_eq!(
            kind(q.trim_end(), "word ".repeat(30).trim_end()),
            Some(NameMatch::NamePrefix)
        );
        assert_eq!(
            score("abcd ".repeat(20).trim_end(), "abce ".repeat(20).trim_end()),
            None
        );
    }

    #[test]
    fn name_scores_stay_in_their_bands() {
        let names = [
            "sam patel",
            "david johnson",
            "zoe aberg",
            "john smith",
            "joanne smithers",
            "a",
            "ann ann smith",
        ];
        let queries = [
            "sam",
            "s",
            "pat",
            "ate",
            "patle",
            "jonhson",
            "smyth",
            "zoe aberg",
            "ann",
            "a",
            "sam patel",
            "smith jonh",
            "annsmith",
        ];
        for c in names {
            for q in queries {
                if let Some(s) = score(q, c) {
                    assert!((410..=SCORE_EXACT).contains(&s), "{q} / {c}: {s}");
                    assert_eq!(
                        NameMatch::of_score(s),
                        NameMatch::of_score(s - 10),
                        "{q} / {c}: {s}"
                    );
                }
            }
        }
        assert_eq!(NameMatch::of_score(0), None);
        assert_eq!(NameMatch::of_score(1_000), None);
    }
}
