use super::files::safe_stem;
use super::*;
use std::fs;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn facts() -> LetterFacts {
    LetterFacts {
        customer_name: "Deborah Johnson".into(),
        customer_address: vec!["12 Long Lane".into(), "London N3 1AB".into()],
        date: day(2026, 11, 24),
        restrictions: vec![
            "Written contact only".into(),
            "Calls and visits limited to 10 minutes".into(),
        ],
        reasons: "You shouted at the reception team on three occasions.".into(),
        starts: Some(day(2026, 11, 25)),
        review_date: Some(day(2027, 1, 6)),
        review_period: "6 weeks".into(),
        review_notes: Vec::new(),
        decision_notes: Vec::new(),
        warnings: Vec::new(),
        contact_now: "in writing only, to the address at the top of this letter".into(),
        incidents: vec![
            "12/11/2026, telephone: shouting".into(),
            "19/11/2026, face to face: shouting".into(),
        ],
        review_outcome: String::new(),
        next_review: None,
        signed_by: "Sam Patel".into(),
        free_text: "We have enclosed a copy of our policy.".into(),
        format: crate::domain::LetterFormat::default(),
        about_review: None,
    }
}

fn render(kind: LetterKind, facts: &LetterFacts) -> String {
    Templates::built_in()
        .render(kind, facts, &Organisation::built_in())
        .unwrap_or_else(|e| panic!("{kind:?}: {e}"))
}

fn template_error_of(result: Result<Templates, LetterError>) -> (String, Option<usize>, String) {
    match result {
        Err(LetterError::Template {
            file,
            line,
            message,
        }) => (file, line, message),
        Err(other) => panic!("expected a template error, got {other:?}"),
        Ok(_) => panic!("expected a template error, the templates loaded"),
    }
}

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn kinds_round_trip_and_have_labels() {
    for kind in LetterKind::ALL {
        assert_eq!(LetterKind::parse(kind.as_str()), Some(kind));
        assert!(!kind.label().is_empty());
        assert_eq!(kind.file_name(), format!("{}.md", kind.as_str()));
    }
    assert_eq!(
        LetterKind::parse("restriction_notice"),
        Some(LetterKind::RestrictionNotice)
    );
    assert_eq!(LetterKind::RestrictionNotice.label(), "Restriction notice");
    assert_eq!(LetterKind::parse("restriction"), None);
}

#[test]
fn the_built_in_organisation_is_valid_and_marked_as_an_example() {
    let org = Organisation::built_in();
    assert_eq!(org.name, "Inclusion Barnet");
    assert_eq!(org.signatory_title, "Manager");
    assert!(org.complaints.contains("external complaints policy"));
    assert!(org.is_example());
    let edited = Organisation {
        address: vec!["1 High Street".into()],
        ..org
    };
    assert!(!edited.is_example());
}

#[test]
fn an_organisation_file_with_an_unknown_key_or_empty_name_is_refused() {
    let text = "name = \"Example Trust\"\ncomplaints = \"Ask for our complaints policy.\"\nphone_number = \"01234\"\n";
    let e = Organisation::parse(text, "org.toml").unwrap_err();
    match &e {
        LetterError::Organisation {
            file,
            line,
            message,
        } => {
            assert_eq!(file, "org.toml");
            assert_eq!(*line, Some(3));
            assert!(message.contains("phone_number"), "{message}");
        }
        other => panic!("expected an organisation error, got {other:?}"),
    }
    assert!(
        e.to_string()
            .starts_with("The organisation file org.toml, line 3: "),
        "{e}"
    );

    let text = "# Our details\ncomplaints = \"Ask for our complaints policy.\"\nname = \"  \"\n";
    match Organisation::parse(text, "org.toml").unwrap_err() {
        LetterError::Organisation { line, message, .. } => {
            assert_eq!(line, Some(3));
            assert!(message.contains("name is empty"), "{message}");
        }
        other => panic!("expected an organisation error, got {other:?}"),
    }

    let text = "name = \"Example Trust\"\n";
    let e = Organisation::parse(text, "org.toml").unwrap_err();
    assert!(e.to_string().contains("complaints"), "{e}");

    let minimal = "name = \"Example Trust\"\ncomplaints = \"Ask us.\"\n";
    let org = Organisation::parse(minimal, "org.toml").unwrap();
    assert_eq!(org.signatory_title, "Manager");
    assert!(org.address.is_empty() && org.phone.is_empty());
}

#[test]
fn an_organisation_file_is_loaded_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("organisation.toml");
    fs::write(
        &path,
        "name = \"Example Trust\"\ncomplaints = \"Ask us.\"\n",
    )
    .unwrap();
    assert_eq!(Organisation::load(&path).unwrap().name, "Example Trust");
    match Organisation::load(&dir.path().join("missing.toml")) {
        Err(LetterError::Io(text)) => assert!(text.contains("missing.toml"), "{text}"),
        other => panic!("expected an Io error, got {other:?}"),
    }
}

#[test]
fn the_placeholder_lists_match_what_templates_get() {
    let context = serde_json::to_value(Context::new(&facts(), &Organisation::built_in())).unwrap();
    let mut keys: Vec<&str> = context
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    let mut want = PLACEHOLDERS.to_vec();
    want.sort();
    assert_eq!(keys, want);
    let mut fields: Vec<&str> = context["organisation"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort();
    let mut want = ORGANISATION_FIELDS.to_vec();
    want.sort();
    assert_eq!(fields, want);
}

#[test]
fn every_built_in_letter_renders_with_full_and_with_empty_facts() {
    let org = Organisation::built_in();
    let empty = LetterFacts {
        date: day(2026, 11, 24),
        ..LetterFacts::default()
    };
    for kind in LetterKind::ALL {
        let full = render(kind, &facts());
        assert!(
            full.starts_with("**Inclusion Barnet**\n"),
            "{kind:?}:\n{full}"
        );
        assert!(full.contains("24/11/2026"), "{kind:?}: the date");
        assert!(full.contains("Dear Deborah Johnson,"), "{kind:?}");
        assert!(full.contains("12 Long Lane\nLondon N3 1AB\n"), "{kind:?}");
        assert!(
            full.contains("We have enclosed a copy of our policy."),
            "{kind:?}"
        );
        assert!(
            full.contains("Sam Patel\nManager\nInclusion Barnet\n"),
            "{kind:?}"
        );
        assert!(
            full.contains(&org.complaints),
            "{kind:?}: the complaints route"
        );
        assert!(!full.contains("{{") && !full.contains("{%"), "{kind:?}");
        assert!(!full.contains("\n\n\n"), "{kind:?}: tidy");

        let bare = render(kind, &empty);
        assert!(bare.contains("Dear Sir or Madam,"), "{kind:?}:\n{bare}");
        assert!(bare.contains(&org.complaints), "{kind:?}");
        assert!(!bare.contains("Dear ,"), "{kind:?}");
        assert!(!bare.contains("- \n"), "{kind:?}: no empty list items");
        assert!(
            !bare.contains(" on .") && !bare.contains("From :"),
            "{kind:?}: no empty dates:\n{bare}"
        );
    }
}

#[test]
fn the_restriction_notice_says_what_why_when_and_how_to_complain() {
    let letter = render(LetterKind::RestrictionNotice, &facts());
    assert!(letter.contains("- Written contact only\n"), "{letter}");
    assert!(letter.contains("- Calls and visits limited to 10 minutes\n"));
    assert!(letter.contains("You shouted at the reception team on three occasions."));
    assert!(
        letter.contains("From 25/11/2026, until at least the review on 06/01/2027:"),
        "from when, until when: {letter}"
    );
    assert!(letter.contains("We review decisions like this one after 6 weeks."));
    assert!(
        letter.contains("We will review this decision on 06/01/2027 if you still want to use our services. Please tell us if you do."),
        "{letter}"
    );
    assert!(letter
        .contains("Please contact us in writing only, to the address at the top of this letter."));
    assert!(letter.contains("- 12/11/2026, telephone: shouting\n"));
    assert!(letter.contains("external complaints policy"));

    let without_dates = LetterFacts {
        review_date: None,
        starts: None,
        ..facts()
    };
    let letter = render(LetterKind::RestrictionNotice, &without_dates);
    // No review set: nothing is said about when, and no period is made up.
    assert!(!letter.contains("6 weeks"), "{letter}");
    assert!(!letter.contains("When we will review"), "{letter}");
    assert!(letter.contains("From the date of this letter:"));
}

#[test]
fn each_letter_says_what_the_policy_requires() {
    let abusive = render(LetterKind::AbusiveCorrespondence, &facts());
    assert!(abusive.contains("inappropriate and offensive"), "{abusive}");
    assert!(abusive.contains("Please stop corresponding with us in this way."));
    assert!(abusive.contains("we will not respond to any further communication from you"));

    let withdrawal = render(LetterKind::Withdrawal, &facts());
    assert!(withdrawal.contains("withdrawing its services from you from 25/11/2026"));
    assert!(withdrawal.contains("repeated breach"), "{withdrawal}");
    assert!(withdrawal.contains("06/01/2027"));
    assert!(withdrawal.contains("You shouted at the reception team"));

    let immediate = render(LetterKind::ImmediateConfirmation, &facts());
    assert!(immediate.contains("immediate threat to the health, safety or wellbeing"));
    assert!(immediate.contains("- Written contact only\n"));
    assert!(immediate.contains("06/01/2027"), "{immediate}");
    assert!(immediate.contains("Please contact us in writing only"));

    let review = |outcome: &str| {
        render(
            LetterKind::ReviewOutcome,
            &LetterFacts {
                review_outcome: outcome.into(),
                next_review: Some(day(2027, 2, 17)),
                ..facts()
            },
        )
    };
    let lifted = review("lift");
    assert!(lifted.contains("lift the restrictions"), "{lifted}");
    assert!(!lifted.contains("17/02/2027"), "no next review once lifted");
    let continued = review("continue");
    assert!(continued.contains("will continue"), "{continued}");
    assert!(continued.contains("again on 17/02/2027"));
    assert!(continued.contains("- Written contact only\n"));
    let changed = review("Change");
    assert!(changed.contains("change the restrictions"), "{changed}");
    assert!(changed.contains("- Calls and visits limited to 10 minutes\n"));
    assert!(changed.contains("again on 17/02/2027"));
}

#[test]
fn a_misspelt_placeholder_is_refused_on_load_with_the_file_and_line() {
    let dir = dir_with(&[(
        "restriction_notice.md",
        "**{{ organisation.name }}**\n\n{{ date }}\n\nDear {{ custmer_name }},\n",
    )]);
    let result = Templates::load_dir(dir.path());
    let shown = result.as_ref().err().map(ToString::to_string);
    let (file, line, message) = template_error_of(result);
    assert_eq!(file, "restriction_notice.md");
    assert_eq!(line, Some(5));
    assert!(
        message.contains("unknown placeholder `custmer_name`"),
        "{message}"
    );
    let shown = shown.unwrap();
    assert!(
        shown.starts_with(
            "The letter template restriction_notice.md, line 5: unknown placeholder `custmer_name`"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("remove it to use the built-in one"),
        "{shown}"
    );
}

#[test]
fn a_misspelt_placeholder_where_the_samples_do_not_reach_is_refused_too() {
    let dir = dir_with(&[(
        "review_outcome.md",
        "{{ date }}\n{% if review_outcome == \"later\" %}\nNext: {{ nxt_review }}\n{% endif %}\n",
    )]);
    let (file, line, message) = template_error_of(Templates::load_dir(dir.path()));
    assert_eq!(file, "review_outcome.md");
    assert_eq!(line, Some(3));
    assert!(message.contains("`nxt_review`"), "{message}");

    let dir = dir_with(&[(
        "withdrawal.md",
        "{{ date }}\n\n{% if free_text == \"x\" %}{{ organisation.nme }}{% endif %}\n",
    )]);
    let (_, line, message) = template_error_of(Templates::load_dir(dir.path()));
    assert_eq!(line, Some(3));
    assert!(message.contains("`organisation.nme`"), "{message}");
}

#[test]
fn a_template_that_breaks_on_missing_data_is_refused() {
    let dir = dir_with(&[(
        "withdrawal.md",
        "{{ date }}\n\nReview: {{ review_date }}\nFirst: {{ restrictions[0] }}\n",
    )]);
    let (file, line, _) = template_error_of(Templates::load_dir(dir.path()));
    assert_eq!(file, "withdrawal.md");
    assert_eq!(line, Some(4));
}

#[test]
fn a_syntax_error_is_refused_with_the_file_and_line() {
    let dir = dir_with(&[(
        "immediate_confirmation.md",
        "{{ date }}\n\nDear {{ customer_name }},\n\n{{ reasons }\n",
    )]);
    let result = Templates::load_dir(dir.path());
    let shown = result.as_ref().err().map(ToString::to_string).unwrap();
    let (file, line, message) = template_error_of(result);
    assert_eq!(file, "immediate_confirmation.md");
    assert_eq!(line, Some(5), "{message}");
    assert!(message.contains("syntax"), "{message}");
    assert!(
        shown.starts_with("The letter template immediate_confirmation.md, line 5: "),
        "{shown}"
    );

    let dir = dir_with(&[(
        "abusive_correspondence.md",
        "{{ date }}\n{% if reasons %}\n{{ reasons }}\n",
    )]);
    let (file, line, message) = template_error_of(Templates::load_dir(dir.path()));
    assert_eq!(file, "abusive_correspondence.md");
    assert!(line.is_some(), "{message}");
}

#[test]
fn a_missing_file_falls_back_to_the_built_in_one() {
    let dir = dir_with(&[(
        "withdrawal.md",
        "Custom withdrawal for {{ customer_name }} on {{ date }}.\n",
    )]);
    let loaded = Templates::load_dir(dir.path()).unwrap();
    let org = Organisation::built_in();
    assert_eq!(
        loaded
            .render(LetterKind::Withdrawal, &facts(), &org)
            .unwrap(),
        "Custom withdrawal for Deborah Johnson on 24/11/2026.\n"
    );
    for kind in [
        LetterKind::AbusiveCorrespondence,
        LetterKind::RestrictionNotice,
        LetterKind::ImmediateConfirmation,
        LetterKind::ReviewOutcome,
    ] {
        assert_eq!(
            loaded.render(kind, &facts(), &org).unwrap(),
            render(kind, &facts()),
            "{kind:?} is the built-in one"
        );
    }
    let empty = tempfile::tempdir().unwrap();
    assert!(Templates::load_dir(empty.path()).is_ok());
}

#[test]
fn a_misnamed_or_unreadable_template_folder_is_refused() {
    let dir = dir_with(&[("restriction_notise.md", "{{ date }}\n")]);
    let (file, line, message) = template_error_of(Templates::load_dir(dir.path()));
    assert_eq!(file, "restriction_notise.md");
    assert_eq!(line, None);
    assert!(message.contains("restriction_notice.md"), "{message}");

    let dir = tempfile::tempdir().unwrap();
    // Windows-1252 ("ANSI"), not UTF-8: refused. (0xFF 0xFE starts UTF-16, which is read.)
    fs::write(dir.path().join("withdrawal.md"), b"Dear Zo\xeb").unwrap();
    let (_, _, message) = template_error_of(Templates::load_dir(dir.path()));
    assert!(message.contains("UTF-8"), "{message}");

    let missing = dir.path().join("no such folder");
    match Templates::load_dir(&missing) {
        Err(LetterError::Io(text)) => assert!(text.contains("no such folder"), "{text}"),
        other => panic!("expected an Io error, got {other:?}"),
    }
}

#[test]
fn windows_line_endings_and_a_byte_order_mark_are_accepted() {
    let dir = dir_with(&[(
        "withdrawal.md",
        "\u{feff}{% if customer_name %}\r\nDear {{ customer_name }},\r\n{% endif %}\r\n",
    )]);
    let loaded = Templates::load_dir(dir.path()).unwrap();
    let letter = loaded
        .render(LetterKind::Withdrawal, &facts(), &Organisation::built_in())
        .unwrap();
    assert_eq!(letter, "Dear Deborah Johnson,\n");
}

#[test]
fn control_characters_are_removed_from_typed_text() {
    let f = LetterFacts {
        customer_name: "Deb\u{1b}[2Jorah\u{7} \u{202e}Johnson".into(),
        reasons: "Line one\r\nLine\ttwo\u{0}".into(),
        ..facts()
    };
    let letter = render(LetterKind::RestrictionNotice, &f);
    assert!(
        !letter
            .chars()
            .any(|c| c.is_control() && c != '\n' || c == '\u{202e}'),
        "{letter:?}"
    );
    assert!(letter.contains("Dear Deb\\[2Jorah Johnson,"), "{letter}");
    assert!(letter.contains("Line one\nLine two\n"), "{letter}");
}

#[test]
fn an_organisation_without_phone_or_email_leaves_those_lines_out() {
    let org = Organisation {
        phone: String::new(),
        email: String::new(),
        ..Organisation::built_in()
    };
    let letter = Templates::built_in()
        .render(LetterKind::RestrictionNotice, &facts(), &org)
        .unwrap();
    assert!(
        letter.starts_with("**Inclusion Barnet**\nBarnet\nLondon\n\n24/11/2026\n"),
        "{letter}"
    );
}

#[test]
fn to_html_escapes_script_in_a_name_and_free_text() {
    let f = LetterFacts {
        customer_name: "<script>alert('name')</script>".into(),
        free_text: "Please read <script>alert(1)</script> and <b>this</b>.".into(),
        ..facts()
    };
    let markdown = render(LetterKind::RestrictionNotice, &f);
    let html = to_html(&markdown, "Restriction notice - <script>");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<b>"));
    assert!(
        html.contains("&lt;script&gt;alert('name')&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("&lt;b&gt;this&lt;/b&gt;"));
    assert!(html.contains("<title>Restriction notice - &lt;script&gt;</title>"));
}

#[test]
fn to_html_escapes_raw_html_in_the_markdown_itself() {
    let html = to_html(
        "Hello <img src=x onerror=alert(1)>\n\n<div>\n<script>alert(2)</script>\n</div>\n",
        "A letter",
    );
    assert!(!html.contains("<img") && !html.contains("<div") && !html.contains("<script"));
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(
        html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
        "{html}"
    );
}

#[test]
fn to_html_is_a_whole_printable_page() {
    let html = to_html("**Org**\nLine two\n\n## Heading\n\n- item\n", "Title");
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("<title>Title</title>"));
    assert!(html.contains("@page { size: A4;"));
    assert!(html.contains("@media print"));
    assert!(html.contains("serif"));
    assert!(
        html.contains("<strong>Org</strong><br />\nLine two"),
        "{html}"
    );
    assert!(html.contains("<h2>Heading</h2>"));
    assert!(html.contains("<li>item</li>"));
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn typed_text_cannot_make_markdown() {
    let f = LetterFacts {
        customer_name: "# Big *bold* [link](http://example.com)".into(),
        reasons: "1. not a list\n- not a list\n---\n    not code\n&amp; &copy; R&D".into(),
        restrictions: vec!["Only *Sam_Patel* deals with this customer".into()],
        ..facts()
    };
    let markdown = render(LetterKind::RestrictionNotice, &f);
    let html = to_html(&markdown, "t");
    assert!(!html.contains("<h1>"), "{html}");
    assert!(!html.contains("<em>") && !html.contains("<a "), "{html}");
    assert!(!html.contains("<hr") && !html.contains("<ol>") && !html.contains("<pre>"));
    assert!(
        html.contains("Dear # Big *bold* [link](http://example.com),"),
        "{html}"
    );
    assert!(html.contains("1. not a list<br />\n- not a list<br />\n---<br />\nnot code"));
    assert!(html.contains("&amp;amp; &amp;copy; R&amp;D"), "{html}");
    assert!(html.contains("<li>Only *Sam_Patel* deals with this customer</li>"));
}

#[test]
fn save_writes_both_files_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let letters = dir.path().join("letters").join("2026");
    let stem = file_stem(
        LetterKind::RestrictionNotice,
        "Deborah Johnson",
        day(2026, 11, 25),
    );
    let (md, html) = save(&letters, &stem, "First\n", "Restriction notice", false).unwrap();
    assert_eq!(
        md,
        letters.join("2026-11-25 Restriction notice - Deborah Johnson.md")
    );
    assert_eq!(
        html,
        letters.join("2026-11-25 Restriction notice - Deborah Johnson.html")
    );
    assert_eq!(fs::read_to_string(&md).unwrap(), "First\n");
    assert!(fs::read_to_string(&html).unwrap().contains("<p>First</p>"));

    let (md2, html2) = save(&letters, &stem, "Second\n", "Restriction notice", false).unwrap();
    assert_eq!(
        md2,
        letters.join("2026-11-25 Restriction notice - Deborah Johnson (2).md")
    );
    assert_eq!(
        html2,
        letters.join("2026-11-25 Restriction notice - Deborah Johnson (2).html")
    );
    assert_eq!(
        fs::read_to_string(&md).unwrap(),
        "First\n",
        "not overwritten"
    );
    assert_eq!(fs::read_to_string(&md2).unwrap(), "Second\n");

    // Only the HTML of a third name is taken: both names must be free.
    fs::write(
        letters.join("2026-11-25 Restriction notice - Deborah Johnson (3).html"),
        "someone else's",
    )
    .unwrap();
    let (md3, _) = save(&letters, &stem, "Third\n", "t", false).unwrap();
    assert_eq!(
        md3,
        letters.join("2026-11-25 Restriction notice - Deborah Johnson (4).md")
    );
    assert!(!letters
        .join("2026-11-25 Restriction notice - Deborah Johnson (3).md")
        .exists());

    let mut names: Vec<String> = fs::read_dir(&letters)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 7, "no temporary files left: {names:?}");
}

#[test]
fn save_reports_a_folder_it_cannot_create() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a file");
    fs::write(&file, "x").unwrap();
    match save(&file.join("letters"), "stem", "x", "t", false) {
        Err(LetterError::Io(text)) => {
            assert!(
                text.starts_with("Could not create the letters folder"),
                "{text}"
            )
        }
        other => panic!("expected an Io error, got {other:?}"),
    }
}

#[test]
fn file_stems_are_safe_on_windows() {
    let d = day(2026, 11, 25);
    assert_eq!(
        file_stem(LetterKind::RestrictionNotice, "Deborah Johnson", d),
        "2026-11-25 Restriction notice - Deborah Johnson"
    );
    let stem = file_stem(LetterKind::Withdrawal, "a/b:c*?\"<>|\\d\u{7}e", d);
    assert_eq!(stem, "2026-11-25 Withdrawal of services - abcde");
    assert_eq!(
        file_stem(LetterKind::Withdrawal, "CON", d),
        "2026-11-25 Withdrawal of services - CON"
    );
    assert_eq!(
        file_stem(LetterKind::Withdrawal, "  ...  ", d),
        "2026-11-25 Withdrawal of services"
    );
    assert_eq!(
        file_stem(LetterKind::Withdrawal, "Unidentified visitor: tall man.", d),
        "2026-11-25 Withdrawal of services - Unidentified visitor tall man"
    );
    let long = file_stem(LetterKind::ReviewOutcome, &"Zoë ".repeat(60), d);
    assert!(long.chars().count() <= 100, "{long}");
    assert!(!long.ends_with(' ') && !long.ends_with('.'));

    for reserved in [
        "CON", "con", "Nul", "COM1", "lpt9", "AUX.txt", "PRN ", "com²",
    ] {
        let s = safe_stem(reserved);
        assert!(s.starts_with('_'), "{reserved} -> {s}");
    }
    assert_eq!(safe_stem("CONTACT"), "CONTACT");
    assert_eq!(safe_stem("COM10"), "COM10");
    assert_eq!(safe_stem(" . name. . "), "name");
}

#[test]
fn markdown_and_html_in_a_name_or_address_print_literally_in_both() {
    let f = LetterFacts {
        customer_name: "**Deborah** _Johnson_".into(),
        customer_address: vec![
            "# Flat 2".into(),
            "- 14 [High](http://x) Road".into(),
            "<b>London</b> & <script>alert(1)</script>".into(),
            "1. N3 1AB".into(),
        ],
        ..facts()
    };
    let markdown = render(LetterKind::RestrictionNotice, &f);
    // In the Markdown every mark is escaped, so it reads as typed.
    assert!(
        markdown.contains("\\*\\*Deborah\\*\\* \\_Johnson\\_"),
        "{markdown}"
    );
    assert!(markdown.contains("\\# Flat 2\n"), "{markdown}");
    assert!(
        markdown.contains("\\- 14 \\[High\\](http://x) Road\n"),
        "{markdown}"
    );
    assert!(markdown.contains("1\\. N3 1AB\n"), "{markdown}");
    let html = to_html(&markdown, "t");
    // In the HTML none of it is markup: no bold, heading, list, link, or tag.
    for markup in [
        "<strong>Deborah",
        "<em>Johnson",
        "<h1>",
        "<li>14",
        "<a href",
        "<b>",
        "<script",
    ] {
        assert!(!html.contains(markup), "{markup} in {html}");
    }
    assert!(html.contains("**Deborah** _Johnson_"), "{html}");
    assert!(html.contains("# Flat 2<br />"), "{html}");
    assert!(html.contains("- 14 [High](http://x) Road"), "{html}");
    assert!(
        html.contains("&lt;b&gt;London&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
}

#[test]
fn a_large_print_page_is_sans_serif_at_16pt_or_more_on_a4() {
    let markdown = render(LetterKind::RestrictionNotice, &facts());
    let standard = super::to_html_as(&markdown, "t", false);
    let large = super::to_html_as(&markdown, "t", true);
    assert!(!standard.contains("large-print"));
    assert!(large.contains("<body class=\"large-print\">"), "{large}");
    assert!(large.contains("size: A4"));
    assert!(large.contains("sans-serif"));
    // Every font size the large-print rules set is at least 16pt.
    let rules = &large[large.find("body.large-print {").unwrap()..];
    let sizes: Vec<f32> = rules
        .match_indices("font-size: ")
        .map(|(i, m)| {
            let rest = &rules[i + m.len()..];
            rest[..rest.find("pt").unwrap()].parse().unwrap()
        })
        .collect();
    assert!(!sizes.is_empty());
    assert!(sizes.iter().all(|s| *s >= 16.0), "{sizes:?}");
    assert!(large.contains("line-height: 1.6"));
    // Long words wrap rather than run off the page.
    assert!(large.contains("overflow-wrap: anywhere"));
}

#[test]
fn every_missing_organisation_detail_is_named_with_the_command_to_set_it() {
    let full = Organisation::built_in();
    assert!(full.missing().is_empty() && full.missing_message().is_none());
    let empty = Organisation {
        address: vec!["  ".into()],
        phone: String::new(),
        email: "\u{7}".into(),
        ..Organisation::built_in()
    };
    assert_eq!(empty.missing(), vec!["address", "phone", "email"]);
    let m = empty.missing_message().unwrap();
    assert!(m.contains("postal address (address)"), "{m}");
    assert!(
        m.contains("telephone number (phone) and its email address (email)"),
        "{m}"
    );
    assert!(m.contains("safedesk letters set-organisation FILE"), "{m}");
    let only_phone = Organisation {
        phone: String::new(),
        ..Organisation::built_in()
    };
    assert_eq!(only_phone.missing(), vec!["phone"]);
}
