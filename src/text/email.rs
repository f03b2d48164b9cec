//! Email addresses, normalised for matching ([`email_key`]).

use super::display::is_hidden;

/// Longest email query or address, in characters (the limit of the SMTP standard).
pub(super) const MAX_EMAIL_CHARS: usize = 254;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::SQL;

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
}
