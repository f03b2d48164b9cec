//! Making any text safe to draw on a terminal ([`sanitise_for_display`], [`clean`]).

/// Invisible characters that can hide or reorder text on a terminal or upset its layout:
/// bidirectional marks, embeddings, overrides and isolates; zero-width spaces and joiners; the
/// soft hyphen; variation selectors; tags; other default-ignorable characters.
pub(super) fn is_hidden(c: char) -> bool {
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

/// Text safe to draw on one line: no control or bidi-override characters ever reach the
/// terminal ([`sanitise_for_display`] with line breaks as spaces).
#[must_use]
pub fn clean(text: &str) -> String {
    sanitise_for_display(text, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::SQL;

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
