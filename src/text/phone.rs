//! Phone numbers: the key the store matches them by ([`phone_key`], [`reversed`]) and the
//! check a form makes of one typed in ([`check_phone`]).

use super::display::sanitise_for_display;
use super::fold::truncate_chars;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::SQL;

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
}
