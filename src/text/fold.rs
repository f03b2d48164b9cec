//! Folding text for matching: to ASCII, lower case, single spaces between words.
//!
//! Folded text (the output of [`fold`]) is ASCII: lower-case letters, digits and single spaces
//! between words, never a leading or trailing space. The matching functions rely on that and
//! fold their input themselves when it is not in that form. [`truncate_chars`] cuts any text to
//! a number of characters.

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
pub(super) fn is_folded(s: &str) -> bool {
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
pub(super) fn truncate_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::SQL;

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
}
