//! Letters as they print: A4, in a headless browser, nothing running off the page, in standard
//! and large print, whatever a customer's name or address holds. (The five letters made from the
//! store's facts are checked the same way in `tests/letter_facts.rs`.)

mod common;

use common::printable::assert_fits_a4;
use safedesk::letters::to_html_as;

/// A letter with what stretches a page: a very long unbroken email address and reference, a
/// name and address in several scripts, markup that must print as text, and a long list.
fn stretching_letter() -> String {
    let mut md = String::from(
        "Inclusion Barnet\nBarnet House\n1 Friern Barnet Lane\nLondon N11 3DL\n\n29/11/2026\n\n\
         Private and confidential\nAnna-Maria Wolfeschlegelsteinhausenbergerdorff-Ōkubo <b>bold</b>\n\
         Flat 12, Ünïcödé Court, 1234567890123456789012345678901234567890 Road\nN11 2AB\n\n\
         Dear Anna-Maria,\n\n# Restriction notice\n\n",
    );
    md.push_str("Please write only to ");
    md.push_str(&"very.long.dedicated.address".repeat(6));
    md.push_str("@inclusion-barnet.example.org, quoting ");
    md.push_str(&"REF".repeat(40));
    md.push_str(".\n\nThis follows these incidents:\n\n");
    for d in 1..=28 {
        md.push_str(&format!(
            "- {d:02}/10/2026, telephone: abusive or offensive language; sexual, racist, homophobic or other discriminatory remarks\n"
        ));
    }
    md.push_str("\n<script>alert('no')</script> | a | table | that | is | not | one |\n\nYours sincerely,\n\nSam Patel\n");
    md
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs headless Chromium, which the Windows run under Wine does not have (the Linux run checks the same HTML)"
)]
fn a_letter_that_stretches_the_page_stays_on_a4_in_standard_and_large_print() {
    let md = stretching_letter();
    let standard = to_html_as(&md, "Restriction notice", false);
    assert!(
        standard.contains("&lt;b&gt;bold&lt;/b&gt;"),
        "markup prints as text"
    );
    assert!(!standard.contains("<script>"));
    assert_fits_a4(&standard, "stretching-standard");
    let large = to_html_as(&md, "Restriction notice", true);
    assert!(large.contains("large-print"));
    assert_fits_a4(&large, "stretching-large-print");
}

/// The check itself finds a page that runs off the edge (a check that could not fail would prove
/// nothing).
#[test]
#[cfg_attr(
    windows,
    ignore = "needs headless Chromium, which the Windows run under Wine does not have (the Linux run checks the same HTML)"
)]
#[should_panic(expected = "is wider than A4's printable width")]
fn the_check_finds_a_line_that_runs_off_the_page() {
    let md = stretching_letter();
    let html = to_html_as(&md, "Restriction notice", false)
        .replace("<style>", "<style>\nli { white-space: nowrap; }\n");
    assert_fits_a4(&html, "runs-off");
}
