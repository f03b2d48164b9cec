//! Matching what a person types against names, phone numbers and email addresses. Pure
//! functions: no database, no terminal.

/// Longest folded query used for matching.
pub const MAX_QUERY_CHARS: usize = 100;

/// Fold text for matching: accents and other scripts to ASCII, lower case, every run of other
/// characters to one space, trimmed ("Zoë Åberg" -> "zoe aberg").
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let mut push = |c: char, out: &mut String| {
        if c.is_ascii_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c.to_ascii_lowercase());
        } else {
            space = true;
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            push(c, &mut out);
        } else if c.is_alphanumeric() {
            // Letters of any script to ASCII; symbols and emoji are not part of a name.
            for a in deunicode::deunicode_char(c).unwrap_or(" ").chars() {
                push(a, &mut out);
            }
        } else {
            push(' ', &mut out);
        }
    }
    out
}

/// Digits of a phone number in national significant form: "+44 7700 900123", "07700900123",
/// "(07700) 900 123" and "+44 (0)7700 900123" all give "7700900123". Numbers from other
/// countries keep their country code in the 00 form ("0033123456789"). None when the text is
/// not a plausible phone number.
pub fn phone_key(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-./".contains(c))
    {
        return None;
    }
    let plus = t.starts_with('+');
    // "+44 (0)7700": the (0) is a trunk prefix written for people dialling from inside the UK.
    let t = t.replace("(0)", "");
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let national = if plus {
        match digits.strip_prefix("44") {
            // "+44 07700 ..." is a common slip: drop the 0 too.
            Some(rest) => rest.trim_start_matches('0').to_string(),
            None => format!("00{digits}"),
        }
    } else if let Some(rest) = digits.strip_prefix("0044") {
        rest.trim_start_matches('0').to_string()
    } else if digits.starts_with("00") {
        digits.clone()
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest.to_string()
    } else {
        digits.clone()
    };
    let len = national.trim_start_matches('0').len();
    if !(6..=15).contains(&len) {
        return None;
    }
    Some(national)
}

/// The same characters in reverse (for "last digits" searches through an index).
pub fn reversed(s: &str) -> String {
    s.chars().rev().collect()
}

/// An email address normalised for matching, or None when it is not one.
pub fn email_key(text: &str) -> Option<String> {
    let t = text.trim().to_lowercase();
    let (local, domain) = t.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !t.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@')
        && t.len() <= 254;
    ok.then_some(t)
}

/// Check a phone number typed into a form; Ok with its key, or a message saying what to do.
pub fn check_phone(text: &str) -> Result<String, String> {
    let shown: String = sanitise_for_display(text.trim(), false)
        .chars()
        .take(40)
        .collect();
    if text
        .trim()
        .chars()
        .any(|c| !(c.is_ascii_digit() || " +()-./".contains(c)))
    {
        return Err(format!(
            "\"{shown}\" is not a phone number: use digits, spaces and + only, for example 07700 900123."
        ));
    }
    match phone_key(text) {
        // A whole UK number has 9 or 10 digits after the 0; a foreign one at least 8.
        Some(k) if k.len() >= 9 => Ok(k),
        _ => {
            let n = text.chars().filter(char::is_ascii_digit).count();
            if n < 10 {
                Err(format!(
                    "\"{shown}\" is too short for a phone number: type all of it, for example 07700 900123."
                ))
            } else {
                Err(format!(
                    "\"{shown}\" is too long for a phone number: check it, for example 07700 900123."
                ))
            }
        }
    }
}

/// What the person typed into the lookup box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryKind {
    Empty,
    /// Digits to match from the start of, or at the end of, the national form.
    Phone {
        digits: String,
    },
    Email {
        text: String,
    },
    Name {
        folded: String,
    },
}

/// Classify a lookup query.
pub fn classify(query: &str) -> QueryKind {
    let q: String = query.chars().take(1000).collect();
    let t = q.trim();
    if t.is_empty() {
        return QueryKind::Empty;
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let phoneish = t
        .chars()
        .all(|c| c.is_ascii_digit() || " +()-.".contains(c));
    if phoneish && digits.len() >= 6 {
        let digits = match phone_key(t) {
            Some(k) => k,
            None => {
                let d = if t.starts_with('+') {
                    digits.strip_prefix("44").unwrap_or(&digits).to_string()
                } else {
                    digits.clone()
                };
                let d = d.strip_prefix("0044").map(str::to_string).unwrap_or(d);
                d.trim_start_matches('0').to_string()
            }
        };
        return QueryKind::Phone { digits };
    }
    if t.contains('@') {
        let text: String = t.to_lowercase().chars().take(MAX_QUERY_CHARS).collect();
        return QueryKind::Email { text };
    }
    let folded: String = fold(t).chars().take(MAX_QUERY_CHARS).collect();
    let folded = folded.trim().to_string();
    if folded.is_empty() {
        QueryKind::Empty
    } else {
        QueryKind::Name { folded }
    }
}

/// Damerau-Levenshtein (optimal string alignment) distance on bytes of folded (ASCII) text,
/// bounded: the answer is min(distance, max + 1).
pub fn edit_distance_bounded(a: &str, b: &str, max: usize) -> usize {
    let a = a.as_bytes();
    let b = b.as_bytes();
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let n = b.len();
    let mut prev2: Vec<usize> = vec![0; n + 1];
    let mut prev: Vec<usize> = (0..=n).collect();
    let mut cur: Vec<usize> = vec![0; n + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=n {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return max + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[n].min(max + 1)
}

// Scores: higher is better.
const S_EXACT: u32 = 100;
const S_NAME_PREFIX: u32 = 90;
const S_WORD: u32 = 80;
const S_WORD_PREFIX: u32 = 70;
const S_SUBSTRING: u32 = 50;
const S_TYPO: u32 = 30;

/// How one query word matches one candidate word.
fn word_score(q: &str, w: &str) -> Option<u32> {
    if q == w {
        return Some(S_WORD);
    }
    if w.starts_with(q) {
        return Some(S_WORD_PREFIX);
    }
    None
}

fn word_typo(q: &str, w: &str) -> bool {
    if q.len() < 4 {
        return false;
    }
    if edit_distance_bounded(q, w, 1) <= 1 {
        return true;
    }
    // A typo in a word still being typed: compare with the word's prefix of the same length.
    w.len() > q.len()
        && w.is_char_boundary(q.len())
        && edit_distance_bounded(q, &w[..q.len()], 1) <= 1
}

/// How well a folded query matches a folded name; None when it does not.
pub fn name_score(query_folded: &str, candidate_folded: &str) -> Option<u32> {
    let q = query_folded.trim();
    let c = candidate_folded.trim();
    if q.is_empty() || c.is_empty() {
        return None;
    }
    if q == c {
        return Some(S_EXACT);
    }
    let short = q.chars().count() <= 2;
    if c.starts_with(q) && (!short || c.len() > q.len()) {
        return Some(S_NAME_PREFIX);
    }
    let qwords: Vec<&str> = q.split(' ').filter(|w| !w.is_empty()).collect();
    let cwords: Vec<&str> = c.split(' ').filter(|w| !w.is_empty()).collect();
    // Word by word: every query word must match some candidate word.
    let mut total = 0u32;
    let mut typos = 0;
    let mut all = true;
    for qw in &qwords {
        let best = cwords.iter().filter_map(|cw| word_score(qw, cw)).max();
        match best {
            Some(s) => total += s,
            None if cwords.iter().any(|cw| word_typo(qw, cw)) => {
                typos += 1;
                total += S_TYPO;
            }
            None => {
                all = false;
                break;
            }
        }
    }
    if all && typos <= 1 {
        let avg = total / qwords.len() as u32;
        // A match on more words is a better match.
        return Some(avg.saturating_sub(u32::from(typos > 0) * 5) + (qwords.len() as u32).min(5));
    }
    if short {
        return None;
    }
    if c.contains(q) {
        return Some(S_SUBSTRING);
    }
    if q.len() >= 4 && edit_distance_bounded(q, c, 1) <= 1 {
        return Some(S_TYPO);
    }
    None
}

/// The distinct three-character windows of a folded query (empty under three characters).
pub fn trigrams(folded: &str) -> Vec<String> {
    let chars: Vec<char> = folded.chars().collect();
    let mut out: Vec<String> = Vec::new();
    for w in chars.windows(3) {
        let t: String = w.iter().collect();
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// Remove whatever must never reach a terminal: control characters (escape sequences lose
/// their ESC), bidirectional overrides and isolates, zero-width characters. Tabs and newlines
/// become spaces unless `keep_newlines`.
pub fn sanitise_for_display(text: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\r' if keep_newlines => {}
            '\t' | '\n' | '\r' => out.push(' '),
            '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200B}'..='\u{200F}'
            | '\u{FEFF}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(fold("Zoë  Åberg"), "zoe aberg");
        assert_eq!(fold("Renée O'Connor-Smith"), "renee o connor smith");
        assert_eq!(fold("  "), "");
    }

    #[test]
    fn phone_numbers_in_any_uk_form() {
        for t in [
            "07700 900123",
            "+44 7700 900123",
            "0044 7700 900123",
            "07700900123",
            "(07700) 900 123",
            "+44 (0)7700 900123",
            "07700-900-123",
        ] {
            assert_eq!(phone_key(t).as_deref(), Some("7700900123"), "{t}");
        }
        assert_eq!(phone_key("020 7946 0018").as_deref(), Some("2079460018"));
        assert_eq!(
            phone_key("+33 1 23 45 67 89").as_deref(),
            Some("0033123456789")
        );
        assert_eq!(phone_key("0770"), None);
        assert_eq!(phone_key("call me"), None);
        assert_eq!(phone_key("1234567890123456789"), None);
    }

    #[test]
    fn classifies_queries() {
        assert_eq!(
            classify("900123"),
            QueryKind::Phone {
                digits: "900123".into()
            }
        );
        assert_eq!(
            classify("0770090"),
            QueryKind::Phone {
                digits: "770090".into()
            }
        );
        assert_eq!(
            classify("ann"),
            QueryKind::Name {
                folded: "ann".into()
            }
        );
        assert_eq!(
            classify("A@B.com"),
            QueryKind::Email {
                text: "a@b.com".into()
            }
        );
        assert_eq!(classify("   "), QueryKind::Empty);
        assert_eq!(classify("😀"), QueryKind::Empty);
        assert!(matches!(
            classify("'; DROP TABLE customer; --"),
            QueryKind::Name { .. }
        ));
        let long = "x".repeat(10_000);
        match classify(&long) {
            QueryKind::Name { folded } => assert_eq!(folded.len(), MAX_QUERY_CHARS),
            k => panic!("{k:?}"),
        }
    }

    #[test]
    fn names_rank_exact_over_prefix_over_substring_over_typo() {
        let exact = name_score("sam patel", "sam patel").unwrap();
        let partial = name_score("sam pat", "sam patel").unwrap();
        assert!(exact > partial);
        let prefix = name_score("pat", "sam patel").unwrap();
        let sub = name_score("ate", "sam patel").unwrap();
        assert!(prefix > sub);
        let right = name_score("johnson", "david johnson").unwrap();
        let typo = name_score("jonhson", "david johnson").unwrap();
        assert!(right > typo);
        assert!(name_score("smyth", "john smith").is_some());
        assert!(name_score("smxyh", "john smith").is_none());
        assert!(name_score("zoe", &fold("Zoë Åberg")).is_some());
        assert!(
            name_score("ab", "sam patel").is_none(),
            "short queries only match word starts"
        );
        assert!(name_score("pa", "sam patel").is_some());
    }

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        assert_eq!(edit_distance_bounded("johnson", "jonhson", 3), 1);
        assert_eq!(edit_distance_bounded("smith", "smyth", 3), 1);
        assert_eq!(edit_distance_bounded("abc", "xyz", 1), 2);
        assert_eq!(edit_distance_bounded("", "ab", 5), 2);
    }

    #[test]
    fn sanitising_removes_escapes_and_bidi_overrides() {
        assert_eq!(
            sanitise_for_display("a\u{1b}[31mb\u{202e}c", false),
            "a[31mbc"
        );
        assert_eq!(sanitise_for_display("a\nb\tc", false), "a b c");
        assert_eq!(sanitise_for_display("a\r\nb", true), "a\nb");
        assert_eq!(sanitise_for_display("שלום 😀", false), "שלום 😀");
    }

    #[test]
    fn emails_and_trigrams() {
        assert_eq!(
            email_key(" A.B@Example.org ").as_deref(),
            Some("a.b@example.org")
        );
        assert_eq!(email_key("not an email"), None);
        assert_eq!(email_key("a@b"), None);
        assert_eq!(trigrams("anna"), vec!["ann", "nna"]);
        assert!(trigrams("an").is_empty());
    }

    #[test]
    fn check_phone_explains() {
        assert!(check_phone("0770 090").unwrap_err().contains("too short"));
        assert!(check_phone("07700 9OO123")
            .unwrap_err()
            .contains("not a phone number"));
        assert_eq!(check_phone("07700 900123").unwrap(), "7700900123");
    }
}
