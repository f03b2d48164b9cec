//! Importing the old spreadsheet (issue 16, item 6), through the real binary: a good CSV, a
//! broken one refused whole with its rows and reasons, the same with --skip-bad, a byte-order
//! mark, Windows line endings, a quoted line break, spreadsheet date numbers, month-first dates
//! and names in Windows-1252.

mod common;

use chrono::{Duration, NaiveDate};
use common::world::World;
use common::{safedesk, stderr, stdout};
use safedesk::domain::{CaseReason, NewCustomer};
use safedesk::store::Store;
use std::path::Path;

fn world() -> World {
    common::world::world(
        ("cevans", "Chris Evans"),
        NewCustomer {
            name: Some("Deborah Johnson".into()),
            phones: vec!["07700 900123".into()],
            ..NewCustomer::default()
        },
    )
}

/// `safedesk --db DB --user LOGIN import ARGS...`
fn import(w: &World, login: &str, args: &[&str]) -> std::process::Output {
    let d = w.db.dir.path();
    std::fs::write(d.join("no-config.toml"), "").unwrap();
    let db = w.path.to_str().unwrap().to_string();
    let mut all = vec!["--db", db.as_str(), "--user", login, "import"];
    all.extend_from_slice(args);
    safedesk(d, &all)
}

fn days_ago(n: i64) -> NaiveDate {
    common::world::today() - Duration::days(n)
}

/// A date as a spreadsheet's number.
fn serial(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    std::fs::write(dir.join(name), bytes).unwrap();
    name.to_string()
}

const MAP: &str = "Date=occurred_at,Forename=first_name,Surname=last_name,Phone=phone,How=channel,\
                   Category=category,Action=response,Details=description";

fn good_csv() -> String {
    let d1 = days_ago(40).format("%d/%m/%Y").to_string();
    let d2 = days_ago(20).format("%Y-%m-%d").to_string();
    let d3 = serial(days_ago(5)).to_string();
    // A byte-order mark, Windows line endings, a quoted line break and a comma in a cell, and
    // a column the mapping does not use.
    format!(
        "\u{feff}Date,Forename,Surname,Phone,How,Category,Action,Details,Logged by\r\n\
         {d1} 10:15,Marek,Kowalczyk,020 7946 0018,Telephone,Abusive or offensive behaviour,call_ended_after_warning,\"Swore at the adviser,\r\nthen hung up\",SP\r\n\
         {d2},Marek,Kowalczyk,020 7946 0018,phone,abusive,Warned that the behaviour is unacceptable,Shouted about the delay,SP\r\n\
         {d3},Marek,Kowalczyk,020 7946 0018,Face to face,abusive,asked_to_leave,Banged the counter,AM\r\n"
    )
}

#[test]
fn a_good_csv_is_imported_counts_towards_escalation_and_is_not_imported_twice() {
    let mut w = world();
    let d = w.db.dir.path().to_path_buf();
    let file = write(&d, "old.csv", good_csv().as_bytes());

    let o = import(
        &w,
        "cevans",
        &["incidents", &file, "--map", MAP, "--dry-run"],
    );
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(
        out.contains("Checked 3 rows: 3 can be imported, 0 refused."),
        "{out}"
    );
    assert!(out.contains("Columns not imported: Logged by."), "{out}");
    assert!(out.contains("Nothing was written (--dry-run)."), "{out}");
    assert!(w.store.lookup("Kowalczyk", 10).unwrap().is_empty());

    let o = import(&w, "cevans", &["incidents", &file, "--map", MAP]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains("Imported 3 incidents"), "{out}");
    let hits = w.store.lookup("020 7946 0018", 10).unwrap();
    assert_eq!(hits.len(), 1, "one new customer for the three rows");
    let h = &hits[0].history;
    assert_eq!(h.customer.display_name(), "Marek Kowalczyk");
    let card = w.store.history(h.customer.id).unwrap().unwrap();
    assert_eq!(card.incidents.len(), 3);
    assert!(card
        .incidents
        .iter()
        .any(|i| i.description == "Swore at the adviser,\nthen hung up"));
    assert!(card.incidents.iter().any(|i| i.channel == "face_to_face"));
    let mut when: Vec<_> = card
        .incidents
        .iter()
        .map(|i| safedesk::time::london_date(i.occurred_at))
        .collect();
    when.sort();
    assert_eq!(when, vec![days_ago(40), days_ago(20), days_ago(5)]);
    let cases = w.store.open_cases_for(h.customer.id).unwrap();
    assert_eq!(cases.len(), 1, "{cases:?}");
    assert_eq!(cases[0].reason, CaseReason::Threshold);

    // The same file again writes nothing twice.
    let o = import(&w, "cevans", &["incidents", &file, "--map", MAP]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains("3 were there already"), "{out}");
    let card = w.store.history(h.customer.id).unwrap().unwrap();
    assert_eq!(card.incidents.len(), 3);

    // An existing customer is found by phone; the old JSON-lines import still works.
    let existing = format!(
        "Date,Forename,Surname,Phone,How,Category,Action,Details\n{},Debbie,Johnson,07700900123,phone,abusive,warned,Raised voice\n",
        days_ago(3).format("%d/%m/%Y")
    );
    let file = write(&d, "existing.csv", existing.as_bytes());
    let o = import(&w, "cevans", &["incidents", &file, "--map", MAP]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let deb = w.store.history(w.customer).unwrap().unwrap();
    assert_eq!(deb.incidents.len(), 1);
    let line = serde_json::to_string(&safedesk::domain::NewIncident::example(
        w.customer,
        "Deborah Johnson",
    ))
    .unwrap();
    write(&d, "in.jsonl", format!("{line}\n").as_bytes());
    let o = import(&w, "cevans", &["in.jsonl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("saved "), "{}", stdout(&o));
}

fn broken_csv() -> String {
    let ok = days_ago(10).format("%d/%m/%Y").to_string();
    format!(
        "Date,Forename,Surname,Phone,How,Category,Action,Details\n\
         {ok},Marek,Kowalczyk,020 7946 0018,phone,abusive,warned,Shouted\n\
         31/02/2026,Marek,Kowalczyk,020 7946 0018,phone,abusive,warned,Shouted again\n\
         {ok},Marek,Kowalczyk,020 7946 0018,Fax,abusive,warned,Sent a fax\n\
         {ok},Marek,Kowalczyk\n\
         {ok},Marek,Kowalczyk,020 7946 0018,phone,abusive,asked_to_leave,Wrong response\n\
         {ok},Marek,Kowalczyk,020 7946 0018,phone,abusive,warned,\n\
         {ok},Ann,Smith,07700 900999,phone,abusive,warned,Swore\n"
    )
}

#[test]
fn a_broken_csv_is_refused_whole_with_every_row_and_reason_and_skip_bad_imports_the_rest() {
    let mut w = world();
    let d = w.db.dir.path().to_path_buf();
    let file = write(&d, "broken.csv", broken_csv().as_bytes());
    let o = import(&w, "cevans", &["incidents", &file, "--map", MAP]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(
        out.contains("Checked 7 rows: 2 can be imported, 5 refused."),
        "{out}"
    );
    for want in [
        "row 3, Date: \"31/02/2026\" is not a date",
        "row 4, How: \"Fax\" is not a channel in the policy; write one of: Telephone",
        "row 5: has 3 cells where the header has 8",
        "row 6, Action: \"Asked to leave the premises\" is not a response for Telephone",
        "row 7, Details: Say what happened",
        "Nothing was written",
    ] {
        assert!(out.contains(want), "{want:?} not in:\n{out}");
    }
    assert!(w.store.lookup("Kowalczyk", 10).unwrap().is_empty());
    assert!(w.store.lookup("07700 900999", 10).unwrap().is_empty());

    let o = import(
        &w,
        "cevans",
        &["incidents", &file, "--map", MAP, "--skip-bad"],
    );
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(out.contains("Imported 2 incidents"), "{out}");
    assert_eq!(w.store.lookup("Kowalczyk", 10).unwrap().len(), 1);
    assert_eq!(w.store.lookup("07700 900999", 10).unwrap().len(), 1);

    // A mapping naming a column the file lacks stops before any row.
    let o = import(
        &w,
        "cevans",
        &["incidents", &file, "--map", "When=occurred_at"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("The mapping names the column \"When\", which the file does not have"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn customers_in_windows_1252_with_a_mapping_file_and_month_first_dates() {
    let mut w = world();
    let d = w.db.dir.path().to_path_buf();
    // "Zoë Åberg" and "Renée" in Windows-1252, Windows line endings, a quoted two-line address.
    let mut bytes: Vec<u8> = Vec::new();
    bytes.extend_from_slice(b"Surname,Forename,Tel,Address,Post code,Letters\r\n");
    bytes.extend_from_slice(
        b"\xc5berg,Zo\xeb,020 7946 0321,\"Flat 2\r\n14 High Road\",N3 1AB,large print\r\n",
    );
    bytes.extend_from_slice(b"Dubois,Ren\xe9e,,,,\r\n");
    let file = write(&d, "people.csv", &bytes);
    write(
        &d,
        "map.txt",
        b"# the old spreadsheet's columns\nSurname=last_name\nForename=first_name\nTel=phone\nAddress=address\nPost code=postcode\nLetters=letters\ndates=month-first\n",
    );
    let o = import(
        &w,
        "cevans",
        &["customers", &file, "--map-file", "map.txt", "--dry-run"],
    );
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains("read as Windows-1252"), "{out}");
    assert!(out.contains("2 can be imported"), "{out}");
    assert!(
        w.store.lookup("Zoë", 10).unwrap().is_empty(),
        "a dry run writes nothing"
    );

    let o = import(&w, "cevans", &["customers", &file, "--map-file", "map.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("Imported 2 customers"),
        "{}",
        stdout(&o)
    );
    let zoe = &w.store.lookup("zoe aberg", 10).unwrap()[0].history.customer;
    assert_eq!(zoe.display_name(), "Zoë Åberg");
    assert_eq!(zoe.address, vec!["Flat 2", "14 High Road"]);
    assert!(zoe.large_print);
    assert_eq!(w.store.lookup("Renée", 10).unwrap().len(), 1);

    // Month-first dates in an incidents file, as the mapping says.
    let when = days_ago(2).format("%m/%d/%Y").to_string();
    let inc = format!(
        "Date,Surname,Forename,Tel,How,Category,Action,Details\n{when} 09:30,Åberg,Zoë,020 7946 0321,phone,abusive,warned,Shouted\n"
    );
    write(&d, "zoe.csv", inc.as_bytes());
    let o = import(
        &w,
        "cevans",
        &[
            "incidents",
            "zoe.csv",
            "--map",
            "Date=occurred_at,Surname=last_name,Forename=first_name,Tel=phone,How=channel,Category=category,Action=response,Details=description,dates=month-first",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let card = w.store.history(zoe.id).unwrap().unwrap();
    assert_eq!(card.incidents.len(), 1);
    assert_eq!(
        safedesk::time::date_time(card.incidents[0].occurred_at),
        format!("{} 09:30", safedesk::time::date(days_ago(2)))
    );
}

/// The old spreadsheet goes back years: an imported incident may be older than the year the form
/// allows (a typed date that old is a mistyped year), but not older than 30 years.
#[test]
fn incidents_from_years_before_safedesk_are_imported_and_a_mistyped_century_is_refused() {
    let mut w = world();
    let d = w.db.dir.path().to_path_buf();
    let old = days_ago(3 * 365).format("%d/%m/%Y").to_string();
    let csv = format!(
        "Date,Forename,Surname,Phone,How,Category,Action,Details\n\
         {old},Marek,Kowalczyk,020 7946 0018,phone,abusive,warned,Shouted three years ago\n\
         01/01/1926,Marek,Kowalczyk,020 7946 0018,phone,abusive,warned,A century out\n"
    );
    let file = write(&d, "years.csv", csv.as_bytes());
    let o = import(&w, "cevans", &["incidents", &file, "--map", MAP]);
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("row 3"), "{out}");
    assert!(out.contains("more than 30 years ago"), "{out}");
    let o = import(
        &w,
        "cevans",
        &["incidents", &file, "--map", MAP, "--skip-bad"],
    );
    let out = format!("{}{}", stdout(&o), stderr(&o));
    let hits = w.store.lookup("020 7946 0018", 10).unwrap();
    assert_eq!(hits.len(), 1, "{out}");
    let card = w
        .store
        .history(hits[0].history.customer.id)
        .unwrap()
        .unwrap();
    assert_eq!(card.incidents.len(), 1, "{out}");
    assert_eq!(
        safedesk::time::london_date(card.incidents[0].occurred_at),
        days_ago(3 * 365)
    );
}
