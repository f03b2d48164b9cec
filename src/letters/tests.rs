use super::*;
use std::fs;

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
