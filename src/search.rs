//! Matching what a member of staff types against callers' names, phone numbers and email
//! addresses, and making any text safe to draw on a terminal.
//!
//! Everything here is pure: no database, no terminal, no I/O, no panics on any input. The store
//! builds its search indexes with [`fold`], [`phone_key`], [`reversed`] and [`email_key`], turns
//! what was typed into a [`QueryKind`] with [`classify`], and ranks candidates with
//! [`name_score`] (which allocates nothing for a one-word query on folded text). Forms check
//! phone numbers with [`check_phone`], and every string is passed through
//! [`sanitise_for_display`] before it is drawn.
//!
//! Folded text (the output of [`fold`]) is ASCII: lower-case letters, digits and single spaces
//! between words, never a leading or trailing space. The matching functions rely on that and
//! fold their input themselves when it is not in that form.

/// Longest folded name query, in characters; [`classify`] cuts longer queries to this.
pub const MAX_QUERY_CHARS: usize = 100;

/// Longest email query or address, in characters (the limit of the SMTP standard).
pub const MAX_EMAIL_CHARS: usize = 254;

/// A multi-word query with more words than this is matched only as a whole (exact, prefix,
/// substring or one typo), not word by word.
pub const MAX_QUERY_WORDS: usize = 8;

// ---------------------------------------------------------------------------------------------
// Folding

/// Characters that vanish without separating words: combining accents (a decomposed "é" is an
/// "e" followed by U+0301), zero-width characters, the soft hyphen and variation selectors.
fn joins_silently(c: char) -> bool {
    matches!(c,
        '\u{AD}'
        | '\u{300}'..='\u{36F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{200B}'..='\u{200D}'
        | '\u{2060}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{FEFF}')
}

/// Appends folded ASCII to `out`: letters and digits lower-cased, anything else starts a new
/// word (one space, written only when the next letter or digit comes).
struct Folder<'a> {
    out: &'a mut String,
    space: bool,
}

impl Folder<'_> {
    #[inline]
    fn push(&mut self, b: u8) {
        if b.is_ascii_alphanumeric() {
            if self.space && !self.out.is_empty() {
                self.out.push(' ');
            }
            self.space = false;
            self.out.push(char::from(b.to_ascii_lowercase()));
        } else {
            self.space = true;
        }
    }
}

/// Fold a name or other text for matching: Unicode to ASCII through `deunicode` ("Zoë Åberg"
/// gives "zoe aberg", "Łukasz" gives "lukasz", "北京" gives "bei jing"), lower case, every run of
/// other characters (punctuation, symbols, emoji, control characters) to one space, trimmed.
///
/// Combining accents and zero-width characters vanish without splitting a word. Punctuation
/// that transliteration puts inside a letter (the Cyrillic soft sign becomes `'`) vanishes too,
/// so "Ольга" gives "olga". "O'Connor" gives "o connor".
#[must_use]
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut f = Folder {
        out: &mut out,
        space: false,
    };
    for c in text.chars() {
        if c.is_ascii() {
            f.push(c as u8);
        } else if joins_silently(c) {
            // Nothing: the word goes on.
        } else if c.is_alphanumeric() {
            match deunicode::deunicode_char(c) {
                Some(ascii) => {
                    for b in ascii.bytes() {
                        if b.is_ascii_alphanumeric() || b == b' ' {
                            f.push(b);
                        }
                    }
                }
                None => f.space = true,
            }
        } else {
            f.space = true;
        }
    }
    out
}

/// True when `s` is already folded: only `a-z`, `0-9` and single spaces between words.
fn is_folded(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let mut prev_space = false;
    for &c in b {
        match c {
            b'a'..=b'z' | b'0'..=b'9' => prev_space = false,
            b' ' if !prev_space => prev_space = true,
            _ => return false,
        }
    }
    true
}

/// The first `max` characters of `s`.
fn truncate_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

// ---------------------------------------------------------------------------------------------
// Phone numbers

/// What is wrong with a phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PhoneProblem {
    Empty,
    Letters,
    BadChar,
    PlusPlace,
    NoCountryCode,
    TooShort,
    TooLong,
    NotUk,
}

/// A phone number understood.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Phone {
    /// National significant digits of a UK number, or "00" and the digits of any other.
    key: String,
    uk: bool,
}

/// Separators allowed between the digits of a phone number.
fn is_phone_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '.' | '/' | '(' | ')' | '\u{2010}'..='\u{2015}' | '\u{2212}'
    ) || c.is_whitespace()
}

/// Most digits in the international form of a number, country code included (E.164).
const MAX_PHONE_DIGITS: usize = 15;

/// Reads a phone number. Lengths are checked loosely (6 to 15 significant digits); the stricter
/// rules for a complete UK number are in [`check_phone`].
fn parse_phone(text: &str) -> Result<Phone, PhoneProblem> {
    let t = text.trim();
    if t.is_empty() {
        return Err(PhoneProblem::Empty);
    }
    let mut digits = String::with_capacity(24);
    let mut count = 0usize;
    let mut plus = false;
    let mut paren_start: Option<usize> = None;
    let mut trunk_zero: Option<usize> = None;
    let mut problem = None;
    for c in t.chars() {
        match c {
            '0'..='9' => {
                count += 1;
                if count <= MAX_PHONE_DIGITS + 4 {
                    digits.push(c);
                }
            }
            '+' if count == 0 && !plus => plus = true,
            '+' => {
                problem.get_or_insert(PhoneProblem::PlusPlace);
            }
            '(' => paren_start = Some(digits.len()),
            ')' => {
                // "+44 (0)7700 ...": the 0 in brackets is for dialling from inside the country.
                if let Some(start) = paren_start.take() {
                    if &digits[start..] == "0" {
                        trunk_zero = Some(start);
                    }
                }
            }
            c if is_phone_separator(c) => {}
            c if c.is_alphabetic() => return Err(PhoneProblem::Letters),
            _ => {
                problem.get_or_insert(PhoneProblem::BadChar);
            }
        }
    }
    if let Some(p) = problem {
        return Err(p);
    }
    if count > MAX_PHONE_DIGITS + 4 {
        return Err(PhoneProblem::TooLong);
    }
    let international = if plus {
        Some(0)
    } else if digits.starts_with("00") {
        Some(2)
    } else {
        None
    };
    if let (Some(skip), Some(at)) = (international, trunk_zero) {
        // Only after a country code: "+(0)..." is not a trunk prefix.
        if at > skip {
            digits.remove(at);
        }
    }
    let (key, uk) = match international {
        Some(skip) => {
            let d = &digits[skip..];
            if d.is_empty() {
                return Err(PhoneProblem::TooShort);
            }
            if d.starts_with('0') {
                return Err(PhoneProblem::NoCountryCode);
            }
            match d.strip_prefix("44") {
                // "+44 07700 ...": a common slip; the 0 is dropped as for "(0)".
                Some(nsn) => (nsn.strip_prefix('0').unwrap_or(nsn).to_string(), true),
                None => (format!("00{d}"), false),
            }
        }
        None => match digits.strip_prefix('0') {
            Some(nsn) => (nsn.to_string(), true),
            // 44 7700 900123 written without its +: no UK number starts 044.
            None if digits.starts_with("44") && (11..=12).contains(&digits.len()) => {
                (digits[2..].to_string(), true)
            }
            // Typed without its leading 0.
            None => (digits, true),
        },
    };
    if uk && key.starts_with('0') {
        // Would look like the 00 form of another country's number.
        return Err(PhoneProblem::NotUk);
    }
    // Digits after the 0 of a UK number, or with the country code of any other.
    let significant = if uk { key.len() } else { key.len() - 2 };
    // Digits in the international form, country code included (at most 15).
    let international_len = if uk { significant + 2 } else { significant };
    if international_len > MAX_PHONE_DIGITS {
        return Err(PhoneProblem::TooLong);
    }
    if significant < 6 {
        return Err(PhoneProblem::TooShort);
    }
    Ok(Phone { key, uk })
}

/// Digits of a phone number as the store keeps them: for a UK number its national significant
/// form, without the leading 0 or +44 ("+44 7700 900123", "0044 7700 900123", "07700900123",
/// "(07700) 900 123", "+44 (0)7700 900123" and "07700-900-123" all give "7700900123"); for any
/// other country "00", the country code and the number ("+33 1 23 45 67 89" gives
/// "0033123456789"), so the two never collide.
///
/// Digits may be separated by spaces, dashes, dots, slashes and brackets; a `+` may only come
/// first. A bracketed `(0)` after a country code is dropped, and so is a 0 straight after +44.
/// Eleven or twelve digits starting 44 without a + or 00 are read as a UK number written
/// without its + (no UK number starts 044).
/// A number without a leading 0, + or 00 is taken to be a UK number typed without its 0.
///
/// None when the text is not a plausible phone number: letters anywhere (so "ext 12" is
/// refused), other symbols, a misplaced +, fewer than 6 digits after the 0 of a UK number (or
/// 6 with the country code of another), or more than 15 in the international form.
#[must_use]
pub fn phone_key(text: &str) -> Option<String> {
    parse_phone(text).ok().map(|p| p.key)
}

/// The characters of `s` in reverse order ("7700900123" gives "3210090077"), for "last six or
/// more digits" searches through an index.
#[must_use]
pub fn reversed(s: &str) -> String {
    s.chars().rev().collect()
}

/// Text quoted back in a message: one line, no control characters, at most 30 characters.
fn quote(text: &str) -> String {
    let clean = sanitise_for_display(text, false);
    let clean = clean.trim();
    let short = truncate_chars(clean, 30);
    if short.len() < clean.len() {
        format!("\"{short}…\"")
    } else {
        format!("\"{short}\"")
    }
}

/// Check a phone number typed into a form. `Ok` with its [`phone_key`] when it is a complete
/// number, otherwise a message in UK English saying what to do, such as
/// `"0770 090" is too short for a phone number: type all of it, for example 07700 900123.`
///
/// Stricter than [`phone_key`]: a UK number must have 9 or 10 digits after its 0 and start 01,
/// 02, 03, 05, 07, 08 or 09; a number from another country needs at least 7 digits with its
/// country code.
///
/// # Errors
///
/// The message to show beside the field when the number cannot be used as typed.
pub fn check_phone(text: &str) -> Result<String, String> {
    let example = "for example 07700 900123";
    let abroad =
        "for a number abroad, type + and the country code first, for example +33 1 23 45 67 89";
    let q = quote(text);
    let problem = match parse_phone(text) {
        Ok(p) if p.uk && p.key.len() < 9 => PhoneProblem::TooShort,
        Ok(p) if p.uk && p.key.len() > 10 => PhoneProblem::TooLong,
        Ok(p) if p.uk && matches!(p.key.as_bytes()[0], b'4' | b'6') => PhoneProblem::NotUk,
        Ok(p) if !p.uk && p.key.len() < 2 + 7 => PhoneProblem::TooShort,
        Ok(p) => return Ok(p.key),
        Err(e) => e,
    };
    Err(match problem {
        PhoneProblem::Empty => format!("Type a phone number, {example}."),
        PhoneProblem::Letters => format!(
            "{q} is not a phone number: it has letters in it. Type only the number, {example}, \
             and put any extension in the notes."
        ),
        PhoneProblem::BadChar => format!(
            "{q} is not a phone number: use only digits, spaces, brackets, dashes and a + at the \
             start, {example}."
        ),
        PhoneProblem::PlusPlace => format!(
            "{q} has a + in the wrong place: a + can only come first, before the country code, \
             for example +44 7700 900123."
        ),
        PhoneProblem::NoCountryCode => format!(
            "{q} has no country code after the + or 00: type it as 07700 900123, or {abroad}."
        ),
        PhoneProblem::TooShort => {
            format!("{q} is too short for a phone number: type all of it, {example}.")
        }
        PhoneProblem::TooLong => format!(
            "{q} is too long for a phone number: check it and type just one number, {example}; \
             {abroad}."
        ),
        PhoneProblem::NotUk => format!(
            "{q} is not a UK phone number: UK numbers start 01, 02, 03, 05, 07, 08 or 09; {abroad}."
        ),
    })
}

// ---------------------------------------------------------------------------------------------
// Email addresses

/// Characters never allowed in an email address as typed by people.
fn bad_in_email(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || is_hidden(c)
        || matches!(
            c,
            '"' | '(' | ')' | ',' | ':' | ';' | '<' | '>' | '[' | '\\' | ']' | '@'
        )
}

/// An email address normalised for matching: trimmed and lower-cased (a leading "mailto:" is
/// dropped). None unless it has the form local@domain.tld: one @, no spaces, quotes, brackets
/// or control characters, no dot at the start or end of the local part nor two together,
/// domain labels of letters, digits and inner hyphens, a top-level domain of at least two
/// characters that is not all digits, at most 254 characters in all.
#[must_use]
pub fn email_key(text: &str) -> Option<String> {
    let t = text.trim();
    let t = match t.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("mailto:") => &t[7..],
        _ => t,
    };
    if t.chars().count() > MAX_EMAIL_CHARS {
        return None;
    }
    let lower = t.to_lowercase();
    let (local, domain) = lower.split_once('@')?;
    let local_ok = !local.is_empty()
        && local.chars().count() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && !local.chars().any(bad_in_email);
    if !local_ok {
        return None;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let labels_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.chars().count() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c == '-' || c.is_alphanumeric())
        });
    let tld = labels.last()?;
    let tld_ok = tld.chars().count() >= 2 && !tld.chars().all(|c| c.is_ascii_digit());
    (labels_ok && tld_ok).then_some(lower)
}

// ---------------------------------------------------------------------------------------------
// Queries

/// What the person typed into the lookup box, classified by [`classify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryKind {
    /// Nothing to search for (blank, or only punctuation, symbols or emoji).
    Empty,
    /// Digits only, never empty: a whole [`phone_key`] or part of one, to be matched from the
    /// start of a stored key or against its last digits.
    Phone { digits: String },
    /// Trimmed, lower-cased, at most [`MAX_EMAIL_CHARS`] characters; may be only part of an
    /// address ("oconnor@exa").
    Email { text: String },
    /// Folded (see [`fold`]), never empty, at most [`MAX_QUERY_CHARS`] characters.
    Name { folded: String },
}

/// Characters a phone query may have besides digits.
fn is_phone_query_char(c: char) -> bool {
    matches!(
        c,
        '+' | '(' | ')' | '-' | '.' | '\u{2010}'..='\u{2015}' | '\u{2212}'
    ) || c.is_whitespace()
}

/// Longest digit string kept for a partial phone query.
const MAX_PHONE_QUERY_DIGITS: usize = 24;

/// Classify a lookup query. Never panics, whatever its length or content.
///
/// * Only digits and `+ ( ) - .` and spaces, with at least 6 digits: [`QueryKind::Phone`] with
///   the [`phone_key`] when there is one ("07700 900123" and "0770090" give "7700900123" and
///   "770090", "900123" stays "900123"), otherwise the digits typed with a leading 00, 44, +44
///   and 0 dropped ("+44 7700 9" gives "77009").
/// * Anything else with an `@`: [`QueryKind::Email`], trimmed and lower-cased.
/// * Anything else: [`QueryKind::Name`], folded and cut to [`MAX_QUERY_CHARS`].
/// * [`QueryKind::Empty`] when nothing is left to search for.
#[must_use]
pub fn classify(query: &str) -> QueryKind {
    let t = query.trim();
    if t.is_empty() {
        return QueryKind::Empty;
    }
    let mut digit_count = 0usize;
    let phoneish = t.chars().all(|c| {
        if c.is_ascii_digit() {
            digit_count += 1;
            true
        } else {
            is_phone_query_char(c)
        }
    });
    if phoneish && digit_count >= 6 {
        let digits = phone_key(t).unwrap_or_else(|| partial_phone_digits(t));
        return QueryKind::Phone { digits };
    }
    if t.contains('@') {
        let text = truncate_chars(t, MAX_EMAIL_CHARS).to_lowercase();
        return QueryKind::Email {
            text: text.trim().to_string(),
        };
    }
    let mut folded = fold(t);
    // Folded text is ASCII, so any byte index is a character boundary.
    folded.truncate(MAX_QUERY_CHARS);
    let folded = folded.trim_end();
    if folded.is_empty() {
        QueryKind::Empty
    } else {
        QueryKind::Name {
            folded: folded.to_string(),
        }
    }
}

/// The digits of a phone query that is not a whole number, as a fragment of a stored key.
fn partial_phone_digits(t: &str) -> String {
    let all: String = t
        .chars()
        .filter(char::is_ascii_digit)
        .take(MAX_PHONE_QUERY_DIGITS)
        .collect();
    let mut d = all.as_str();
    let international = t.starts_with('+') || d.starts_with("00");
    if international {
        d = d.strip_prefix("00").unwrap_or(d);
        d = d.strip_prefix("44").unwrap_or(d);
    }
    let d = d.trim_start_matches('0');
    if d.is_empty() {
        all.clone()
    } else {
        d.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Edit distance

/// Rows of at most this many cells are kept on the stack.
const STACK_ROW: usize = 40;

/// Optimal string alignment (restricted Damerau-Levenshtein) distances from `a` to `b`, bounded
/// by `max`: `(whole, prefix)` where `whole` is the distance to all of `b` and `prefix` the
/// smallest distance to any prefix of `b` (including all of it). Both are `min(d, max + 1)`.
///
/// Only the diagonal band of cells within `max` of the diagonal is computed (a cell further out
/// is more than `max` anyway), so the cost is about `a.len() * (2 * max + 1)`.
fn osa<T: PartialEq + Copy>(a: &[T], b: &[T], max: usize) -> (usize, usize) {
    // No distance exceeds the longer length, so a larger bound changes nothing (and this keeps
    // `over + 1` from overflowing).
    let max = max.min(a.len().max(b.len()));
    let over = max + 1;
    let n = a.len();
    // No prefix of b longer than this can be within `max` of a.
    let cols = b.len().min(n.saturating_add(max));
    let whole_possible = b.len() == cols && n.abs_diff(b.len()) <= max;
    if n == 0 {
        // The distance to b[..j] is j; the empty prefix matches.
        return (b.len().min(over), 0);
    }
    if n - n.min(cols) > max {
        return (over, over);
    }
    let width = cols + 1;
    let mut stack = [0usize; 3 * STACK_ROW];
    let mut heap = Vec::new();
    let buf: &mut [usize] = if width <= STACK_ROW {
        &mut stack[..3 * width]
    } else {
        heap.resize(3 * width, 0);
        &mut heap
    };
    let (mut prev2, rest) = buf.split_at_mut(width);
    let (mut prev, mut cur) = rest.split_at_mut(width);
    for (j, v) in prev.iter_mut().enumerate() {
        *v = j.min(over);
    }
    let mut prev_min = 0;
    for i in 1..=n {
        // The band of this row; the cells either side are written as out of reach, so that
        // the next rows never read a stale value.
        let lo = i.saturating_sub(max).max(1);
        let hi = i.saturating_add(max).min(cols);
        cur[0] = i.min(over);
        if lo > 1 {
            cur[lo - 1] = over;
        }
        if hi < cols {
            cur[hi + 1] = over;
        }
        let mut row_min = if lo == 1 { cur[0] } else { over };
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            let v = v.min(over);
            cur[j] = v;
            row_min = row_min.min(v);
        }
        // Each row's minimum is at least min(the previous row's, the one before's + 1), so
        // once two rows are out of reach every later one is too.
        if row_min > max && prev_min >= max {
            return (over, over);
        }
        prev_min = row_min;
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    // `prev` now holds the last row; only its band holds current values.
    let lo = n.saturating_sub(max);
    let hi = n.saturating_add(max).min(cols);
    let whole = if whole_possible { prev[cols] } else { over };
    let prefix = prev[lo..=hi].iter().copied().min().unwrap_or(over);
    (whole, prefix)
}

/// Damerau-Levenshtein distance in its optimal string alignment form (insertions, deletions,
/// substitutions and swaps of two adjacent characters each count 1; no substring is edited
/// twice), bounded: returns `min(distance, max + 1)`, and stops early once the distance must
/// exceed `max`. Counts characters, not bytes.
#[must_use]
pub fn edit_distance_bounded(a: &str, b: &str, max: usize) -> usize {
    if a.is_ascii() && b.is_ascii() {
        osa(a.as_bytes(), b.as_bytes(), max).0
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        osa(&a, &b, max).0
    }
}

// ---------------------------------------------------------------------------------------------
// Name matching

/// Score of a name that is exactly the query.
pub const SCORE_EXACT: u32 = 960;
/// Base score of a name that starts with the query ("sam pat" for "sam patel").
pub const SCORE_NAME_PREFIX: u32 = 800;
/// Base score of a query whose words are all whole words of the name ("patel" for "sam
/// patel", "patel sam" too).
pub const SCORE_WORD: u32 = 700;
/// Base score of a query whose words all start words of the name ("pat" for "sam patel").
pub const SCORE_WORD_PREFIX: u32 = 600;
/// Base score of a query found inside the name ("ate" for "sam patel").
pub const SCORE_SUBSTRING: u32 = 500;
/// Base score of a match with one typo ("patle" for "sam patel").
pub const SCORE_TYPO: u32 = 400;

/// How a name matched, from best to worst; see [`NameMatch::of_score`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NameMatch {
    Typo,
    Substring,
    WordPrefix,
    Word,
    NamePrefix,
    Exact,
}

impl NameMatch {
    /// The kind of match a [`name_score`] stands for. Scores stay in their band when lowered
    /// by up to 10 (the store lowers other names' scores by 1).
    #[must_use]
    pub fn of_score(score: u32) -> Option<NameMatch> {
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
/// Higher is better, in bands (see [`NameMatch`]):
///
/// 1. [`SCORE_EXACT`]: the whole name;
/// 2. [`SCORE_NAME_PREFIX`]: the start of the name;
/// 3. [`SCORE_WORD`]: every query word is a whole word of the name;
/// 4. [`SCORE_WORD_PREFIX`]: every query word is a whole word or the start of one;
/// 5. [`SCORE_SUBSTRING`]: the query is inside the name (queries of 3 characters or more);
/// 6. [`SCORE_TYPO`]: one typo (a letter added, missing, changed, or two next to each other
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

// ---------------------------------------------------------------------------------------------
// Trigrams

/// The distinct three-character windows of a folded query, in order of first appearance, for
/// candidate retrieval through an FTS5 trigram index ("sam pat" gives "sam", "am ", "m p",
/// " pa", "pat"). Spaces appear only inside the text (the input is trimmed). Empty for a
/// query of fewer than 3 characters.
#[must_use]
pub fn trigrams(folded: &str) -> Vec<String> {
    let chars: Vec<char> = folded.trim().chars().collect();
    let mut out: Vec<String> = Vec::new();
    for w in chars.windows(3) {
        let t: String = w.iter().collect();
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Display

/// Invisible characters that can hide or reorder text on a terminal or upset its layout:
/// bidirectional marks, embeddings, overrides and isolates; zero-width spaces and joiners; the
/// soft hyphen; variation selectors; tags; other default-ignorable characters.
fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{AD}'
        | '\u{34F}'
        | '\u{61C}'
        | '\u{115F}'..='\u{1160}'
        | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

/// Text safe to draw on a terminal. Removed: every C0 and C1 control character and DEL (an
/// escape sequence loses its ESC, so "\u{1b}[31m" shows as the harmless "[31m"), bidirectional
/// marks, overrides and isolates (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069, U+061C),
/// zero-width characters (U+200B-U+200D, U+2060, U+FEFF), the soft hyphen, variation selectors
/// and tags. A tab becomes a space. A line break (LF, CR, CR LF, vertical tab, form feed, NEL,
/// U+2028, U+2029) becomes "\n" when `keep_newlines`, otherwise a space. Everything else,
/// including right-to-left letters and emoji, is kept as it is.
#[must_use]
pub fn sanitise_for_display(text: &str, keep_newlines: bool) -> String {
    let newline = if keep_newlines { '\n' } else { ' ' };
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(newline);
            }
            '\n' | '\u{B}' | '\u{C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push(newline),
            '\t' => out.push(' '),
            c if c.is_control() || is_hidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(digits: &str) -> QueryKind {
        QueryKind::Phone {
            digits: digits.into(),
        }
    }

    fn name(folded: &str) -> QueryKind {
        QueryKind::Name {
            folded: folded.into(),
        }
    }

    const SQL: &str = "'; DROP TABLE customer; --";

    // --- fold -------------------------------------------------------------------------------

    #[test]
    fn fold_accents_case_and_punctuation() {
        assert_eq!(fold("Zoë Åberg"), "zoe aberg");
        assert_eq!(fold("Zoë  Åberg "), "zoe aberg");
        assert_eq!(fold("Renée O'Connor-Smith"), "renee o connor smith");
        assert_eq!(fold("O’Connor"), "o connor");
        assert_eq!(fold("Łukasz Żółć"), "lukasz zolc");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("ＡＢＣ 123"), "abc 123");
        assert_eq!(fold("MARY-JANE   WATSON!!"), "mary jane watson");
    }

    #[test]
    fn fold_keeps_decomposed_and_zero_width_words_whole() {
        assert_eq!(fold("Rene\u{301}e"), "renee");
        assert_eq!(fold("Jo\u{200B}hn"), "john");
        assert_eq!(fold("Ann\u{AD}a"), "anna");
        assert_eq!(fold("Ольга"), "olga");
    }

    #[test]
    fn fold_other_scripts_to_ascii() {
        assert_eq!(fold("北京"), "bei jing");
        let hebrew = fold("שלום");
        assert!(!hebrew.is_empty() && is_folded(&hebrew), "{hebrew}");
        let arabic = fold("محمد");
        assert!(!arabic.is_empty() && is_folded(&arabic), "{arabic}");
    }

    #[test]
    fn fold_drops_emoji_controls_and_symbols() {
        assert_eq!(fold("Ann 😀 Lee"), "ann lee");
        assert_eq!(fold("😀😀😀"), "");
        assert_eq!(fold("a\u{0}b\u{1b}[31mc\u{7f}d"), "a b 31mc d");
        assert_eq!(fold("\u{202e}evil"), "evil");
        assert_eq!(fold(SQL), "drop table customer");
        assert_eq!(fold("%"), "");
        assert_eq!(fold("_"), "");
        assert_eq!(fold("%%__"), "");
        assert_eq!(fold(""), "");
        assert_eq!(fold("   "), "");
    }

    #[test]
    fn fold_is_idempotent_and_folded() {
        for s in [
            "Zoë Åberg",
            SQL,
            "  a  b  ",
            "北京 Ünïcödé 😀 \u{202e}x",
            "\"quoted\" %_ NEAR(a b)",
            "שלום עולם",
            "Ⅻ ½ ² ⓐ 𝐀",
        ] {
            let f = fold(s);
            assert!(is_folded(&f), "{s:?} -> {f:?}");
            assert_eq!(fold(&f), f, "{s:?}");
        }
    }

    #[test]
    fn fold_long_input() {
        let long = "Åb ".repeat(10_000);
        let f = fold(&long);
        assert!(f.starts_with("ab ab"));
        assert!(is_folded(&f));
    }

    #[test]
    fn is_folded_recognises_canonical_text() {
        assert!(is_folded("sam patel"));
        assert!(is_folded(""));
        assert!(!is_folded(" sam"));
        assert!(!is_folded("sam "));
        assert!(!is_folded("sam  patel"));
        assert!(!is_folded("Sam"));
        assert!(!is_folded("zoë"));
        assert!(!is_folded("o'connor"));
    }

    // --- phone numbers ----------------------------------------------------------------------

    #[test]
    fn phone_key_uk_forms() {
        for t in [
            "07700 900123",
            "+44 7700 900123",
            "0044 7700 900123",
            "07700900123",
            "(07700) 900 123",
            "+44 (0)7700 900123",
            "+44(0)7700900123",
            "07700-900-123",
            "07700.900.123",
            "+44 07700 900123",
            "447700900123",
            "7700900123",
            " 07700 900123 ",
            "07700\u{a0}900\u{a0}123",
            "07700–900–123",
            "(+44) 7700 900123",
            "00 44 (0) 7700 900 123",
        ] {
            assert_eq!(phone_key(t).as_deref(), Some("7700900123"), "{t}");
        }
        assert_eq!(phone_key("020 7946 0018").as_deref(), Some("2079460018"));
        assert_eq!(
            phone_key("+44 (0)20 7946 0018").as_deref(),
            Some("2079460018")
        );
        assert_eq!(phone_key("(0113) 496 0777").as_deref(), Some("1134960777"));
    }

    #[test]
    fn phone_key_spec_example() {
        assert_eq!(phone_key("07700 900123"), phone_key("+44 7700 900123"));
        assert_eq!(phone_key("07700 900123").as_deref(), Some("7700900123"));
    }

    #[test]
    fn phone_key_other_countries_keep_their_code() {
        assert_eq!(
            phone_key("+33 1 23 45 67 89").as_deref(),
            Some("0033123456789")
        );
        assert_eq!(
            phone_key("0033 1 23 45 67 89").as_deref(),
            Some("0033123456789")
        );
        assert_eq!(
            phone_key("+33 (0)1 23 45 67 89").as_deref(),
            Some("0033123456789")
        );
        assert_eq!(
            phone_key("+353 87 123 4567").as_deref(),
            Some("00353871234567")
        );
        assert_eq!(
            phone_key("+123456789012345").as_deref(),
            Some("00123456789012345")
        );
        assert_eq!(phone_key("+1234567890123456"), None);
        // Never the same as a UK key.
        assert_ne!(
            phone_key("+33 1 23 45 67 89"),
            phone_key("0133 1 23 45 67 89")
        );
    }

    #[test]
    fn phone_key_refuses_what_is_not_a_number() {
        for t in [
            "",
            "   ",
            "0770 0",
            "12345",
            "call me",
            "07700 900123 ext 12",
            "07700 900123 x12",
            "07700 9OO123",
            "+44 +7700 900123",
            "07700+900123",
            "1234567890123456789",
            "+0 7700 900123",
            "0000 7700 900123",
            "+4400033123456",
            "#07700900123",
            "07700*900123",
            "+",
            "()",
            "+44",
            "+44 (0)",
            SQL,
            "%",
            "_",
            "😀",
        ] {
            assert_eq!(phone_key(t), None, "{t:?}");
        }
        assert_eq!(phone_key(&"1".repeat(10_000)), None);
        assert_eq!(
            phone_key(&format!("07700 900123{}", " ".repeat(10_000))).as_deref(),
            Some("7700900123")
        );
    }

    #[test]
    fn reversed_digits() {
        assert_eq!(reversed("7700900123"), "3210090077");
        assert_eq!(reversed(""), "");
        assert_eq!(reversed("åb"), "bå");
    }

    #[test]
    fn check_phone_spec_message() {
        assert_eq!(
            check_phone("0770 090"),
            Err("\"0770 090\" is too short for a phone number: type all of it, for example 07700 900123.".into())
        );
    }

    #[test]
    fn check_phone_accepts_complete_numbers() {
        assert_eq!(check_phone("07700 900123").as_deref(), Ok("7700900123"));
        assert_eq!(
            check_phone("+44 (0)20 7946 0018").as_deref(),
            Ok("2079460018")
        );
        assert_eq!(check_phone("016977 4321").as_deref(), Ok("169774321"));
        assert_eq!(
            check_phone("+33 1 23 45 67 89").as_deref(),
            Ok("0033123456789")
        );
    }

    #[test]
    fn check_phone_says_what_to_do() {
        let err = |t: &str| check_phone(t).unwrap_err();
        assert!(err("").starts_with("Type a phone number"));
        assert!(err("07700 9OO123").contains("not a phone number"));
        assert!(err("07700 9OO123").contains("letters"));
        assert!(err("07700 900123 ext 4").contains("extension"));
        assert!(err("07700#900123").contains("use only digits"));
        assert!(err("07700+900123").contains("+ in the wrong place"));
        assert!(err("+0 7700 900123").contains("no country code"));
        assert!(err("0770 0900").contains("too short"));
        assert!(err("+33 1 23 4").contains("too short"));
        assert!(err("07700 900123 4").contains("too long"));
        assert!(err("07700 900123 07700 900124").contains("too long"));
        assert!(err("04700 900123").contains("not a UK phone number"));
        assert!(err("06700 900123").contains("not a UK phone number"));
        for t in ["0770 090", "07700 9OO123", "07700 900123 4", "+0 1"] {
            let e = err(t);
            assert!(e.starts_with(&format!("\"{t}\"")), "{e}");
            assert!(e.ends_with('.'), "{e}");
        }
    }

    #[test]
    fn check_phone_quotes_safely_and_briefly() {
        let e = check_phone(&format!("\u{1b}[31m{}\u{202e}", "x".repeat(10_000))).unwrap_err();
        assert!(!e.contains('\u{1b}') && !e.contains('\u{202e}'), "{e}");
        assert!(e.contains('…'));
        assert!(e.chars().count() < 300, "{e}");
        let e = check_phone(SQL).unwrap_err();
        assert!(e.contains("not a phone number"), "{e}");
    }

    // --- email ------------------------------------------------------------------------------

    #[test]
    fn email_keys() {
        assert_eq!(
            email_key(" A.B@Example.org ").as_deref(),
            Some("a.b@example.org")
        );
        assert_eq!(
            email_key("renee.oconnor@example.org").as_deref(),
            Some("renee.oconnor@example.org")
        );
        assert_eq!(
            email_key("first+tag@mail.example.co.uk").as_deref(),
            Some("first+tag@mail.example.co.uk")
        );
        assert_eq!(
            email_key("mailto:Sam@Example.org").as_deref(),
            Some("sam@example.org")
        );
        assert_eq!(
            email_key("zoë@exämple.se").as_deref(),
            Some("zoë@exämple.se")
        );
        assert_eq!(
            email_key("o'connor@example.ie").as_deref(),
            Some("o'connor@example.ie")
        );
    }

    #[test]
    fn email_key_refuses_non_addresses() {
        for t in [
            "",
            "not an email",
            "someone at example",
            "a@b",
            "@example.org",
            "a@",
            "a@.org",
            "a@example.",
            "a@example..org",
            "a@@example.org",
            "a@b@example.org",
            "a b@example.org",
            ".a@example.org",
            "a.@example.org",
            "a..b@example.org",
            "a@-example.org",
            "a@example-.org",
            "a@example.c",
            "a@1.2.3.4",
            "a@exa_mple.org",
            "\"a\"@example.org",
            "<a@example.org>",
            "a\u{200b}@example.org",
            "a\u{1b}@example.org",
            SQL,
            "%@%.%",
        ] {
            assert_eq!(email_key(t), None, "{t:?}");
        }
        let long = format!("{}@example.org", "a".repeat(300));
        assert_eq!(email_key(&long), None);
        let long_domain = format!("a@{}.org", "b".repeat(10_000));
        assert_eq!(email_key(&long_domain), None);
    }

    // --- classify ---------------------------------------------------------------------------

    #[test]
    fn classify_spec_examples() {
        assert_eq!(classify("900123"), phone("900123"));
        assert_eq!(classify("0770090"), phone("770090"));
        assert_eq!(classify("ann"), name("ann"));
        assert_eq!(
            classify("A@B.com"),
            QueryKind::Email {
                text: "a@b.com".into()
            }
        );
    }

    #[test]
    fn classify_phone_queries() {
        assert_eq!(classify("07700 900123"), phone("7700900123"));
        assert_eq!(classify("+44 (0)7700 900123"), phone("7700900123"));
        assert_eq!(classify("0900123"), phone("900123"));
        assert_eq!(classify("07700 900"), phone("7700900"));
        assert_eq!(classify("+44 7700 9"), phone("77009"));
        assert_eq!(classify("0044 7700"), phone("7700"));
        assert_eq!(classify("+33 1 23 45"), phone("003312345"));
        assert_eq!(classify("000000"), phone("000000"));
        // Fewer than six digits, or other characters: not a phone number.
        assert_eq!(classify("07700"), name("07700"));
        assert_eq!(classify("12/05/1980"), name("12 05 1980"));
        assert_eq!(classify("ann 07700 900123"), name("ann 07700 900123"));
        match classify(&"7".repeat(10_000)) {
            QueryKind::Phone { digits } => {
                assert!(!digits.is_empty() && digits.len() <= MAX_PHONE_QUERY_DIGITS)
            }
            k => panic!("{k:?}"),
        }
    }

    #[test]
    fn classify_email_and_name_queries() {
        assert_eq!(
            classify("  RENEE.OCONNOR@ "),
            QueryKind::Email {
                text: "renee.oconnor@".into()
            }
        );
        assert_eq!(classify("ZOE ÅBERG"), name("zoe aberg"));
        assert_eq!(classify("o'connor"), name("o connor"));
        assert_eq!(classify(SQL), name("drop table customer"));
        assert_eq!(classify("a\"b\"c OR d"), name("a b c or d"));
        assert_eq!(classify("\u{202e}evil"), name("evil"));
        assert!(matches!(classify("שלום"), QueryKind::Name { .. }));
        match classify(&format!("{}@example.org", "x".repeat(10_000))) {
            QueryKind::Email { text } => assert_eq!(text.chars().count(), MAX_EMAIL_CHARS),
            k => panic!("{k:?}"),
        }
    }

    #[test]
    fn classify_empty_and_junk() {
        for q in [
            "",
            "   ",
            "\t\n",
            "😀",
            "😀😀😀",
            "%",
            "_",
            "%%__",
            "\"",
            "*",
            "\u{1b}",
            "\u{202e}",
        ] {
            assert_eq!(classify(q), QueryKind::Empty, "{q:?}");
        }
    }

    #[test]
    fn classify_cuts_long_queries() {
        match classify(&"x".repeat(10_000)) {
            QueryKind::Name { folded } => assert_eq!(folded.len(), MAX_QUERY_CHARS),
            k => panic!("{k:?}"),
        }
        // A cut that lands on a space leaves no trailing space.
        let q = format!("{} b", "a".repeat(MAX_QUERY_CHARS - 1));
        match classify(&q) {
            QueryKind::Name { folded } => {
                assert_eq!(folded.len(), MAX_QUERY_CHARS - 1);
                assert!(is_folded(&folded));
            }
            k => panic!("{k:?}"),
        }
        match classify(&"Zoë 😀 ".repeat(3_000)) {
            QueryKind::Name { folded } => {
                assert!(folded.len() <= MAX_QUERY_CHARS && is_folded(&folded))
            }
            k => panic!("{k:?}"),
        }
    }

    // --- name_score -------------------------------------------------------------------------

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

    // --- edit distance ----------------------------------------------------------------------

    /// Unbounded OSA distance, straight from the definition.
    fn reference(a: &[u8], b: &[u8]) -> usize {
        let (n, m) = (a.len(), b.len());
        let mut d = vec![vec![0usize; m + 1]; n + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, v) in d[0].iter_mut().enumerate() {
            *v = j;
        }
        for i in 1..=n {
            for j in 1..=m {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[n][m]
    }

    #[test]
    fn edit_distance_examples() {
        assert_eq!(edit_distance_bounded("johnson", "jonhson", 3), 1);
        assert_eq!(edit_distance_bounded("smith", "smyth", 3), 1);
        assert_eq!(edit_distance_bounded("smith", "smith", 3), 0);
        assert_eq!(edit_distance_bounded("abc", "xyz", 1), 2);
        assert_eq!(edit_distance_bounded("abc", "xyz", 5), 3);
        assert_eq!(edit_distance_bounded("", "ab", 5), 2);
        assert_eq!(edit_distance_bounded("ab", "", 5), 2);
        assert_eq!(edit_distance_bounded("", "", 0), 0);
        assert_eq!(edit_distance_bounded("a", "b", 0), 1);
        // Optimal string alignment: no substring edited twice.
        assert_eq!(edit_distance_bounded("ca", "abc", 5), 3);
        assert_eq!(edit_distance_bounded("kitten", "sitting", usize::MAX), 3);
        assert_eq!(edit_distance_bounded("zoë", "zoe", 2), 1);
        assert_eq!(edit_distance_bounded("שלום", "שלם", 2), 1);
        assert_eq!(edit_distance_bounded("😀😁", "😁😀", 2), 1);
    }

    #[test]
    fn edit_distance_on_long_strings() {
        let a = "a".repeat(10_000);
        let mut b = a.clone();
        b.replace_range(5_000..5_001, "b");
        assert_eq!(edit_distance_bounded(&a, &b, 1), 1);
        assert_eq!(edit_distance_bounded(&a, &"b".repeat(10_000), 2), 3);
        assert_eq!(edit_distance_bounded(&a, "a", 3), 4);
    }

    #[test]
    fn edit_distance_matches_reference() {
        // A small deterministic generator over a small alphabet, so that near misses abound.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..5_000 {
            let len_a = (next() % 9) as usize;
            let len_b = (next() % 9) as usize;
            let a: Vec<u8> = (0..len_a).map(|_| b"abc"[(next() % 3) as usize]).collect();
            let b: Vec<u8> = (0..len_b).map(|_| b"abc"[(next() % 3) as usize]).collect();
            let max = (next() % 10) as usize;
            let want = reference(&a, &b);
            let (sa, sb) = (
                std::str::from_utf8(&a).unwrap(),
                std::str::from_utf8(&b).unwrap(),
            );
            assert_eq!(
                edit_distance_bounded(sa, sb, max),
                want.min(max + 1),
                "{sa} {sb} {max}"
            );
            let want_prefix = (0..=b.len()).map(|j| reference(&a, &b[..j])).min().unwrap();
            let (whole, prefix) = osa(&a, &b, max);
            assert_eq!(whole, want.min(max + 1), "{sa} {sb} {max}");
            assert_eq!(prefix, want_prefix.min(max + 1), "prefix {sa} {sb} {max}");
        }
    }

    // --- trigrams ---------------------------------------------------------------------------

    #[test]
    fn trigram_windows() {
        assert_eq!(trigrams("anna"), vec!["ann", "nna"]);
        assert_eq!(trigrams("sam pat"), vec!["sam", "am ", "m p", " pa", "pat"]);
        assert_eq!(trigrams("aaaa"), vec!["aaa"]);
        assert_eq!(trigrams("abc"), vec!["abc"]);
        assert!(trigrams("an").is_empty());
        assert!(trigrams("").is_empty());
        assert!(trigrams("  ab  ").is_empty());
        assert_eq!(trigrams(" abc "), vec!["abc"]);
        let long = classify(&"xy".repeat(5_000));
        let QueryKind::Name { folded } = long else {
            panic!()
        };
        assert_eq!(trigrams(&folded), vec!["xyx", "yxy"]);
    }

    // --- display ----------------------------------------------------------------------------

    #[test]
    fn sanitise_spec_example() {
        assert_eq!(
            sanitise_for_display("a\u{1b}[31mb\u{202e}c", false),
            "a[31mbc"
        );
    }

    #[test]
    fn sanitise_line_breaks_and_tabs() {
        assert_eq!(sanitise_for_display("a\nb\tc", false), "a b c");
        assert_eq!(sanitise_for_display("a\nb\tc", true), "a\nb c");
        assert_eq!(sanitise_for_display("a\r\nb", true), "a\nb");
        assert_eq!(sanitise_for_display("a\r\nb", false), "a b");
        assert_eq!(sanitise_for_display("a\rb", true), "a\nb");
        assert_eq!(sanitise_for_display("a\u{2028}b\u{85}c", true), "a\nb\nc");
        assert_eq!(sanitise_for_display("a\u{b}b\u{c}c", false), "a b c");
    }

    #[test]
    fn sanitise_removes_controls_bidi_and_invisibles() {
        let all_c0: String = (0u8..0x20)
            .map(char::from)
            .filter(|c| !"\t\n\r\u{b}\u{c}".contains(*c))
            .collect();
        assert_eq!(sanitise_for_display(&format!("a{all_c0}b"), false), "ab");
        let all_c1: String = ('\u{80}'..='\u{9f}').filter(|c| *c != '\u{85}').collect();
        assert_eq!(
            sanitise_for_display(&format!("a{all_c1}\u{7f}b"), false),
            "ab"
        );
        // CSI as a single C1 character.
        assert_eq!(sanitise_for_display("a\u{9b}31mb", false), "a31mb");
        for c in ('\u{202a}'..='\u{202e}').chain('\u{2066}'..='\u{2069}') {
            assert_eq!(
                sanitise_for_display(&format!("x{c}y"), false),
                "xy",
                "{:x}",
                c as u32
            );
        }
        for c in [
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{200e}',
            '\u{200f}',
            '\u{2060}',
            '\u{feff}',
            '\u{ad}',
            '\u{61c}',
            '\u{e0041}',
        ] {
            assert_eq!(
                sanitise_for_display(&format!("x{c}y"), true),
                "xy",
                "{:x}",
                c as u32
            );
        }
    }

    #[test]
    fn sanitise_keeps_ordinary_text() {
        assert_eq!(sanitise_for_display("שלום 😀", false), "שלום 😀");
        assert_eq!(sanitise_for_display("مرحبا", false), "مرحبا");
        assert_eq!(
            sanitise_for_display("Zoë Åberg 北京", false),
            "Zoë Åberg 北京"
        );
        assert_eq!(sanitise_for_display(SQL, false), SQL);
        assert_eq!(sanitise_for_display("100% _done_", false), "100% _done_");
        assert_eq!(sanitise_for_display("", true), "");
        let long = "é\u{1b}".repeat(10_000);
        assert_eq!(sanitise_for_display(&long, false), "é".repeat(10_000));
    }
}
