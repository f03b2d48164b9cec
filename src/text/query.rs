//! What was typed into the lookup box: a phone number or part of one, an email address or part
//! of one, or a name ([`classify`]).

use super::email::MAX_EMAIL_CHARS;
use super::fold::{fold, truncate_chars};
use super::phone::phone_key;

/// Longest folded name query, in characters; [`classify`] cuts longer queries to this.
pub(super) const MAX_QUERY_CHARS: usize = 100;

/// What the person typed into the lookup box, classified by [`classify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryKind {
    /// Nothing to search for (blank, or only punctuation, symbols or emoji).
    Empty,
    /// Digits only, never empty: a whole [`phone_key`] or part of one, to be matched from the
    /// start of a stored key or against its last digits.
    Phone { digits: String },
    /// Trimmed, lower-cased, at most `MAX_EMAIL_CHARS` (254) characters; may be only part of an
    /// address ("oconnor@exa").
    Email { text: String },
    /// Folded (see [`fold`]), never empty, at most `MAX_QUERY_CHARS` (100) characters.
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
/// * Anything else: [`QueryKind::Name`], folded and cut to `MAX_QUERY_CHARS` (100).
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

/// Fewest digits of a phone number that can pick a person out (the last 6 are enough).
pub const MIN_PHONE_DIGITS: usize = 6;
/// Fewest letters of a name that can pick a person out.
pub const MIN_NAME_LETTERS: usize = 2;

/// What a query still lacks before it can pick anyone out (see [`too_short`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooShort {
    /// Only digits (and phone punctuation) so far: `typed` of the [`MIN_PHONE_DIGITS`] needed.
    Digits { typed: usize },
    /// One letter of a name, which could be anyone.
    Letters,
}

/// Whether a query is too short to identify anyone: fewer than [`MIN_PHONE_DIGITS`] digits of
/// a number, or fewer than [`MIN_NAME_LETTERS`] letters of a name. A blank query is not too
/// short (there is nothing to search for), nor is anything with an `@`.
#[must_use]
pub fn too_short(query: &str) -> Option<TooShort> {
    let t = query.trim();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let phoneish = t
        .chars()
        .all(|c| c.is_ascii_digit() || is_phone_query_char(c));
    if phoneish && (1..MIN_PHONE_DIGITS).contains(&digits) {
        return Some(TooShort::Digits { typed: digits });
    }
    match classify(t) {
        QueryKind::Name { folded }
            if folded.chars().filter(|c| *c != ' ').count() < MIN_NAME_LETTERS =>
        {
            Some(TooShort::Letters)
        }
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold::is_folded;
    use crate::text::SQL;

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

    #[test]
    fn a_query_that_cannot_pick_anyone_out_is_too_short() {
        assert_eq!(too_short("d"), Some(TooShort::Letters));
        assert_eq!(too_short(" D "), Some(TooShort::Letters));
        assert_eq!(too_short("é"), Some(TooShort::Letters));
        assert_eq!(too_short("de"), None);
        assert_eq!(too_short("d e"), None);
        assert_eq!(too_short("0"), Some(TooShort::Digits { typed: 1 }));
        assert_eq!(too_short("07700 9"), None, "six digits");
        assert_eq!(too_short("0770"), Some(TooShort::Digits { typed: 4 }));
        assert_eq!(too_short("+44 7"), Some(TooShort::Digits { typed: 3 }));
        assert_eq!(too_short("12345"), Some(TooShort::Digits { typed: 5 }));
        assert_eq!(too_short("900123"), None);
        assert_eq!(too_short("a@"), None);
        assert_eq!(too_short(""), None);
        assert_eq!(too_short("   "), None);
        assert_eq!(too_short("flat 2"), None);
        assert_eq!(too_short(&"9".repeat(10_000)), None);
    }
}
