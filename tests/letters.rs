//! Letters as an organisation sets them up: its own templates and details from the config file,
//! and a typo in either refused with the file, the line and what to do.

use safedesk::cli::config::Config;
use safedesk::letters::{LetterFacts, LetterKind};

fn config(dir: &std::path::Path) -> Config {
    Config {
        letter_templates: Some(dir.join("templates")),
        organisation: Some(dir.join("organisation.toml")),
        letters_dir: Some(dir.join("out")),
        ..Config::default()
    }
}

#[test]
fn an_organisations_own_details_and_wording_are_used() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/restriction_notice.md"),
        "{{ organisation.name }}\n\nDear {{ customer_name }},\n\n{% for r in restrictions %}- {{ r }}\n{% endfor %}\nReview: {{ review_date }}\n\n{{ complaints }}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("organisation.toml"),
        "name = \"Northside Advice\"\naddress = [\"1 High Street\", \"Leeds LS1 1AA\"]\ncomplaints = \"Write to our chair to complain.\"\n",
    )
    .unwrap();
    let kit = safedesk::cli::session::letters(
        &config(dir.path()),
        &safedesk::store::Location::File(dir.path().join("safedesk.sqlite")),
    )
    .unwrap();
    assert!(!kit.organisation.is_example());
    assert_eq!(kit.dir, dir.path().join("out"));
    let facts = LetterFacts {
        customer_name: "Tunde Okafor".into(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        restrictions: vec!["A witness must be present".into()],
        review_date: chrono::NaiveDate::from_ymd_opt(2027, 1, 6),
        ..LetterFacts::default()
    };
    let text = kit
        .templates
        .render(LetterKind::RestrictionNotice, &facts, &kit.organisation)
        .unwrap();
    assert!(text.starts_with("Northside Advice"), "{text}");
    assert!(text.contains("- A witness must be present"), "{text}");
    assert!(text.contains("Review: 06/01/2027"), "{text}");
    assert!(text.contains("Write to our chair to complain."), "{text}");
    // A letter not in the folder uses the built-in wording.
    let withdrawal = kit
        .templates
        .render(LetterKind::Withdrawal, &facts, &kit.organisation)
        .unwrap();
    assert!(withdrawal.contains("Northside Advice"));
}

#[test]
fn a_template_with_an_unknown_placeholder_is_refused_with_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/review_outcome.md"),
        "Dear {{ customer_name }},\n\nYour review on {{ reveiw_date }}.\n",
    )
    .unwrap();
    let cfg = Config {
        letter_templates: Some(dir.path().join("templates")),
        ..Config::default()
    };
    let e = safedesk::cli::session::letters(
        &cfg,
        &safedesk::store::Location::File(dir.path().join("safedesk.sqlite")),
    )
    .unwrap_err();
    assert!(e.contains("review_outcome.md, line 3"), "{e}");
    assert!(e.contains("reveiw_date"), "{e}");
    assert!(e.contains("Correct the template"), "{e}");
}

#[test]
fn an_organisation_file_with_a_typo_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("organisation.toml"),
        "name = \"Northside Advice\"\ncomplaints = \"Write to us.\"\nadress = [\"1 High Street\"]\n",
    )
    .unwrap();
    let cfg = Config {
        organisation: Some(dir.path().join("organisation.toml")),
        ..Config::default()
    };
    let e = safedesk::cli::session::letters(
        &cfg,
        &safedesk::store::Location::File(dir.path().join("safedesk.sqlite")),
    )
    .unwrap_err();
    assert!(e.contains("organisation.toml, line 3"), "{e}");
    assert!(e.contains("adress"), "{e}");
}

#[test]
fn letters_are_saved_beside_the_shared_database_unless_the_config_says_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared").join("safedesk.sqlite");
    // SAFEDESK_LETTERS_DIR is not set for this test binary's tests (nothing here sets it).
    if std::env::var_os("SAFEDESK_LETTERS_DIR").is_none() {
        let kit = safedesk::cli::session::letters(
            &Config::default(),
            &safedesk::store::Location::File(db.clone()),
        )
        .unwrap();
        assert_eq!(kit.dir, dir.path().join("shared").join("letters"));
    }
    assert_eq!(
        safedesk::letters::beside(&db),
        dir.path().join("shared").join("letters")
    );
    let elsewhere = dir.path().join("sent letters");
    assert_eq!(
        safedesk::letters::letters_dir(Some(&elsewhere), Some(&db)),
        elsewhere
    );
}

#[test]
fn an_easy_read_template_is_used_for_a_customer_who_needs_it_and_only_then() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/restriction_notice.easy_read.md"),
        "Easy read\n\nHello {{ customer_name }}.\n\nWe have made a decision.\n\n{{ complaints }}\n",
    )
    .unwrap();
    let cfg = Config {
        letter_templates: Some(dir.path().join("templates")),
        ..Config::default()
    };
    let kit = safedesk::cli::session::letters(
        &cfg,
        &safedesk::store::Location::File(dir.path().join("safedesk.sqlite")),
    )
    .unwrap();
    assert!(kit.templates.has_easy_read(LetterKind::RestrictionNotice));
    assert!(!kit.templates.has_easy_read(LetterKind::Withdrawal));
    let mut facts = LetterFacts {
        customer_name: "Tunde Okafor".into(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        ..LetterFacts::default()
    };
    let standard = kit
        .templates
        .render(LetterKind::RestrictionNotice, &facts, &kit.organisation)
        .unwrap();
    assert!(!standard.starts_with("Easy read"), "{standard}");
    facts.format.easy_read = true;
    let easy = kit
        .templates
        .render(LetterKind::RestrictionNotice, &facts, &kit.organisation)
        .unwrap();
    assert!(easy.starts_with("Easy read"), "{easy}");
    assert!(easy.contains("Hello Tunde Okafor."), "{easy}");
    // No easy-read withdrawal: the standard one.
    let withdrawal = kit
        .templates
        .render(LetterKind::Withdrawal, &facts, &kit.organisation)
        .unwrap();
    assert!(!withdrawal.starts_with("Easy read"), "{withdrawal}");
    // A misspelt easy-read file name is refused, not silently ignored.
    std::fs::write(
        dir.path().join("templates/withdrawl.easy_read.md"),
        "Hello\n",
    )
    .unwrap();
    let e = safedesk::cli::session::letters(
        &cfg,
        &safedesk::store::Location::File(dir.path().join("safedesk.sqlite")),
    )
    .unwrap_err();
    assert!(e.contains("withdrawl.easy_read.md"), "{e}");
}
