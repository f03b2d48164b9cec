//! Three-character windows of folded text, the way the store's FTS5 trigram index
//! (`customer_text`) cuts it up. Only the tests use them: SQLite makes the index itself.

/// The distinct three-character windows of a folded query, in order of first appearance, as an
/// FTS5 trigram index sees them ("sam pat" gives "sam", "am ", "m p", " pa", "pat"). Spaces
/// appear only inside the text (the input is trimmed). Empty for a query of fewer than 3
/// characters.
fn trigrams(folded: &str) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{classify, QueryKind};

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
}
