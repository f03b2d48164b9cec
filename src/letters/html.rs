//! Letters as printable HTML pages.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::one_line;

/// A whole printable HTML page for a letter in Markdown: A4, serif, with print margins. Raw HTML
/// in the Markdown is escaped and shown as text, never passed through. A new line in the
/// Markdown is a new line on the page.
pub fn to_html(markdown: &str, title: &str) -> String {
    to_html_as(markdown, title, false)
}

/// [`to_html`], in large print when `large_print`: a clear sans-serif font at 18pt (the size the
/// RNIB's clear print guidance calls large print starts at 16pt), wide line spacing, left aligned,
/// still on A4 (long words wrap rather than run off the page).
pub fn to_html_as(markdown: &str, title: &str, large_print: bool) -> String {
    let events = Parser::new_ext(markdown, Options::empty()).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
        Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
        Event::SoftBreak => Event::HardBreak,
        other => other,
    });
    let mut body = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut body, events);
    let (class, extra) = if large_print {
        (" class=\"large-print\"", LARGE_PRINT_CSS)
    } else {
        ("", "")
    };
    format!(
        "<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{CSS}{extra}</style>\n</head>\n<body{class}>\n{body}</body>\n</html>\n",
        escape_html(&one_line(title))
    )
}

/// Large print: at least 16pt everywhere (18pt body), a plain sans-serif font, generous spacing.
const LARGE_PRINT_CSS: &str = "body.large-print { font-family: Arial, \"Helvetica Neue\", Helvetica, Verdana, sans-serif;
  font-size: 18pt; line-height: 1.6; max-width: none; letter-spacing: 0.01em; word-spacing: 0.05em; }
body.large-print h1 { font-size: 22pt; }
body.large-print h2 { font-size: 20pt; }
body.large-print h3 { font-size: 18pt; }
body.large-print p, body.large-print li { margin-bottom: 1em; }
@media print { body.large-print { font-size: 18pt; } }
";

const CSS: &str = "@page { size: A4; margin: 20mm 20mm 20mm 25mm; }
body { font-family: Georgia, \"Times New Roman\", Times, serif; font-size: 12pt; line-height: 1.45;
  color: #000; background: #fff; max-width: 40em; margin: 2em auto; padding: 0 1em;
  overflow-wrap: anywhere; }
h1 { font-size: 15pt; margin: 1.2em 0 0.6em; }
h2 { font-size: 12.5pt; margin: 1.2em 0 0.4em; }
h3 { font-size: 12pt; margin: 1em 0 0.4em; }
p { margin: 0 0 0.8em; }
ul, ol { margin: 0 0 0.8em; padding-left: 1.6em; }
li { margin: 0 0 0.2em; }
@media print {
  body { max-width: none; margin: 0; padding: 0; }
  a { color: inherit; text-decoration: none; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  p, li { orphans: 3; widows: 3; }
}
";

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
