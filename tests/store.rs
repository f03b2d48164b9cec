//! The store on both engines (issue 21): each test body about the store's behaviour runs on a
//! SQLite file and on a PostgreSQL database ([`for_each_engine`]) and must give the same answers.
//! The tests about the file itself (its pragmas, its permissions, its locks, a drive that goes)
//! stay SQLite's own; the server's counterparts are in tests/postgres.rs and tests/drive_gone.rs.

mod common;

use common::engine::{for_each_engine, Db, Engine};
use safedesk::domain::{Actor, MatchedOn, NewCustomer, Role};
use safedesk::store::{OpenMode, OpenOptions, SqliteStore, Store, StoreError};
use std::path::{Path, PathBuf};

fn opts() -> OpenOptions {
    common::engine::opts()
}

/// A new SQLite file in `dir`, for the tests about the file itself.
fn new_file(dir: &Path) -> (PathBuf, SqliteStore, Actor) {
    let path = dir.join("shared.sqlite");
    let mut store = SqliteStore::create(&path, &opts(), "admin", "Alex Morgan", false).unwrap();
    let admin = store.staff_by_login("admin").unwrap().unwrap();
    (
        path,
        store,
        Actor {
            login: "admin".into(),
            staff: Some(admin),
        },
    )
}

/// A new database on `engine`, its first connection and its first admin.
fn new_db(engine: Engine) -> (Db, Box<dyn Store>, Actor) {
    let (db, mut store) = Db::create(engine, ("admin", "Alex Morgan"));
    let admin = common::world::actor(&mut *store, "admin");
    (db, store, admin)
}

fn customer(name: &str, phones: &[&str], emails: &[&str]) -> NewCustomer {
    NewCustomer {
        name: Some(name.into()),
        phones: phones.iter().map(|s| s.to_string()).collect(),
        emails: emails.iter().map(|s| s.to_string()).collect(),
        ..NewCustomer::default()
    }
}

fn names(store: &mut dyn Store, q: &str) -> Vec<String> {
    store
        .lookup(q, 10)
        .unwrap()
        .into_iter()
        .map(|h| h.history.customer.display_name())
        .collect()
}

/// SQLite only: the file's pragmas (the server has none of these).
#[test]
fn follows_the_network_drive_rules() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, _) = new_file(dir.path());
    drop(store);
    let mut store = SqliteStore::open(&path, &opts()).unwrap();
    let c = store.raw_connection();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
    let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");
    let fk: i64 = c
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    let mmap: i64 = c.query_row("PRAGMA mmap_size", [], |r| r.get(0)).unwrap();
    assert_eq!(mmap, 0);
    assert!(!dir.path().join("shared.sqlite-wal").exists());
    assert_eq!(
        store.schema_version().unwrap(),
        safedesk::store::sqlite::SCHEMA_VERSION
    );
}

/// SQLite only: files that are not databases (the server's bad addresses: tests/postgres.rs).
#[test]
fn refuses_what_is_not_a_usable_database_with_a_clear_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.sqlite");
    let e = SqliteStore::open(&missing, &opts()).err().unwrap();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e}");
    assert!(e.to_string().contains("safedesk init"), "{e}");

    let gone = dir.path().join("no-such-drive").join("x.sqlite");
    let e = SqliteStore::open(&gone, &opts()).err().unwrap();
    assert!(matches!(e, StoreError::Unavailable { .. }), "{e}");

    let e = SqliteStore::open(dir.path(), &opts()).err().unwrap();
    assert!(matches!(e, StoreError::IsDirectory { .. }), "{e}");

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "this is not a database, just some notes").unwrap();
    let e = SqliteStore::open(&text, &opts()).err().unwrap();
    assert!(e.to_string().contains("not an SQLite database"), "{e}");

    let empty = dir.path().join("empty.sqlite");
    std::fs::write(&empty, "").unwrap();
    let e = SqliteStore::open(&empty, &opts()).err().unwrap();
    assert!(e.to_string().contains("empty"), "{e}");

    let other = dir.path().join("other.sqlite");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let e = SqliteStore::open(&other, &opts()).err().unwrap();
    assert!(matches!(e, StoreError::NotSafedesk { .. }), "{e}");
}

/// SQLite only: the file's user_version (the server's schema version: tests/postgres.rs).
#[test]
fn an_older_binary_refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, _) = new_file(dir.path());
    drop(store);
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
    }
    let e = SqliteStore::open(&path, &opts()).err().unwrap();
    assert!(matches!(e, StoreError::TooNew { found: 99, .. }), "{e}");
    assert!(e.to_string().contains("newer safedesk"), "{e}");
}

/// SQLite only: the file's permissions.
#[test]
fn a_read_only_file_is_refused_unless_asked_for_look_ups_only() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, _) = new_file(dir.path());
    drop(store);
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms).unwrap();
    let e = SqliteStore::open(&path, &opts()).err().unwrap();
    assert!(matches!(e, StoreError::ReadOnly { .. }), "{e}");
    assert!(e.to_string().contains("--read-only"), "{e}");
    let ro = OpenOptions {
        mode: OpenMode::ReadOnly,
        ..opts()
    };
    let mut store = SqliteStore::open(&path, &ro).unwrap();
    assert!(store.lookup("anyone", 5).unwrap().is_empty());
    let admin = store.staff_by_login("admin").unwrap();
    let actor = Actor {
        login: "admin".into(),
        staff: admin,
    };
    let e = store
        .add_customer(&actor, customer("New Person", &[], &[]))
        .err()
        .unwrap();
    assert!(e.to_string().contains("--read-only"), "{e}");
}

#[test]
fn opened_for_look_ups_only_it_reads_and_refuses_every_write_saying_so() {
    for_each_engine(|engine| {
        let (db, mut store, admin) = new_db(engine);
        store
            .add_customer(&admin, customer("Deborah Johnson", &["07700 900123"], &[]))
            .unwrap();
        let ro = OpenOptions {
            mode: OpenMode::ReadOnly,
            ..opts()
        };
        let mut look = common::engine::open_at(engine, &db.address, &ro);
        assert_eq!(names(&mut *look, "07700 900123"), vec!["Deborah Johnson"]);
        let e = look
            .add_customer(&admin, customer("New Person", &[], &[]))
            .unwrap_err();
        assert!(e.to_string().contains("--read-only"), "{engine}: {e}");
        assert!(!e.is_transient(), "{engine}: not for the outbox: {e}");
        assert_eq!(store.counts().unwrap().customers, 1, "{engine}");
    });
}

/// SQLite only: the file's locks (the server's writers take turns: tests/many_writers.rs).
#[test]
fn a_database_locked_by_another_program_is_reported_not_waited_on_forever() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, _) = new_file(dir.path());
    drop(store);
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let started = std::time::Instant::now();
    let e = SqliteStore::open(&path, &opts()).err().unwrap();
    assert!(matches!(e, StoreError::Locked { .. }), "{e}");
    assert!(e.to_string().contains("locked by another program"), "{e}");
    assert!(started.elapsed().as_secs() < 10);
    other.execute_batch("ROLLBACK").unwrap();
    SqliteStore::open(&path, &opts()).unwrap();
}

#[test]
fn finds_people_by_phone_in_any_uk_form() {
    for_each_engine(|engine| {
        let (_db, mut store, admin) = new_db(engine);
        store
            .add_customer(&admin, customer("Deborah Johnson", &["07700 900123"], &[]))
            .unwrap();
        store
            .add_customer(
                &admin,
                customer("Marek Kowalczyk", &["+44 20 7946 0018"], &[]),
            )
            .unwrap();
        for q in [
            "+44 7700 900123",
            "07700900123",
            "(07700) 900 123",
            "0044 7700 900123",
            "900123",
            "0900123",
            "07700 900",
        ] {
            let hits = store.lookup(q, 10).unwrap();
            assert_eq!(hits.len(), 1, "{q}");
            assert_eq!(hits[0].history.customer.display_name(), "Deborah Johnson");
            assert_eq!(
                hits[0].matched,
                MatchedOn::Phone("07700 900123".into()),
                "{q}"
            );
        }
        assert_eq!(names(&mut *store, "020 7946 0018"), vec!["Marek Kowalczyk"]);
        assert!(names(&mut *store, "07700 900999").is_empty());
    });
}

#[test]
fn finds_people_by_name_case_accent_substring_and_one_typo() {
    for_each_engine(|engine| {
        let (_db, mut store, admin) = new_db(engine);
        for (n, other) in [
            ("Deborah Johnson", vec!["Debbie Jones"]),
            ("Zoë Åberg", vec![]),
            ("John Smith", vec![]),
            ("Joanne Smithers", vec![]),
            ("Sam Patel", vec![]),
        ] {
            let mut c = customer(n, &[], &[]);
            c.other_names = other.into_iter().map(String::from).collect();
            store.add_customer(&admin, c).unwrap();
        }
        assert_eq!(names(&mut *store, "ZOE ABERG"), vec!["Zoë Åberg"]);
        assert_eq!(names(&mut *store, "åberg"), vec!["Zoë Åberg"]);
        assert_eq!(names(&mut *store, "Jonhson"), vec!["Deborah Johnson"]);
        assert_eq!(names(&mut *store, "ohnso"), vec!["Deborah Johnson"]);
        assert_eq!(names(&mut *store, "Smyth")[0], "John Smith");
        // Exact word before a longer word that starts with it.
        assert_eq!(
            names(&mut *store, "smith"),
            vec!["John Smith", "Joanne Smithers"]
        );
        let debbie = store.lookup("debbie", 5).unwrap();
        assert_eq!(
            debbie[0].matched,
            MatchedOn::OtherName("Debbie Jones".into())
        );
        assert_eq!(names(&mut *store, "sam pat"), vec!["Sam Patel"]);
        assert!(names(&mut *store, "xqzw").is_empty());
    });
}

#[test]
fn odd_queries_are_simply_searched() {
    for_each_engine(|engine| {
        let (_db, mut store, admin) = new_db(engine);
        store
            .add_customer(
                &admin,
                customer("Renée O'Connor", &[], &["renee.oconnor@example.org"]),
            )
            .unwrap();
        for q in [
            "'; DROP TABLE customer; --",
            "\"",
            "%",
            "_",
            "%%__",
            "😀😀😀",
            "\u{202e}evil",
            "\u{1b}[31m",
            "a\"b\"c OR d",
            "NEAR(a b)",
            "*",
        ] {
            store.lookup(q, 10).unwrap();
        }
        let long = "x".repeat(10_000);
        assert!(store.lookup(&long, 10).unwrap().is_empty());
        assert_eq!(names(&mut *store, "o'connor"), vec!["Renée O'Connor"]);
        assert_eq!(names(&mut *store, "RENEE.OCONNOR@"), vec!["Renée O'Connor"]);
        assert_eq!(
            names(&mut *store, "oconnor@example"),
            vec!["Renée O'Connor"]
        );
        assert_eq!(store.counts().unwrap().customers, 1, "nothing was dropped");
    });
}

#[test]
fn bad_customer_details_are_refused_with_what_to_do() {
    for_each_engine(|engine| {
        let (_db, mut store, admin) = new_db(engine);
        let e = store
            .add_customer(&admin, customer("Someone", &["0770 090"], &[]))
            .err()
            .unwrap();
        assert!(e.to_string().contains("too short"), "{e}");
        let e = store
            .add_customer(&admin, customer("Someone", &[], &["someone at example"]))
            .err()
            .unwrap();
        assert!(e.to_string().contains("not an email address"), "{e}");
        let e = store
            .add_customer(&admin, NewCustomer::default())
            .err()
            .unwrap();
        assert!(e.to_string().contains("description"), "{e}");
        let visitor = store
            .add_customer(
                &admin,
                NewCustomer {
                    description: "Man, about 50, green parka; reception 14:00".into(),
                    ..NewCustomer::default()
                },
            )
            .unwrap();
        assert!(visitor.is_unidentified());
        assert_eq!(names(&mut *store, "green parka").len(), 1);
    });
}

#[test]
fn only_known_staff_change_anything_and_only_admins_manage_staff() {
    for_each_engine(|engine| {
        let (_db, mut store, admin) = new_db(engine);
        let stranger = Actor {
            login: "visitor".into(),
            staff: None,
        };
        let e = store
            .add_customer(&stranger, customer("X Y", &[], &[]))
            .err()
            .unwrap();
        assert!(e.to_string().contains("safedesk staff add visitor"), "{e}");
        let rec = store
            .add_staff(&admin, "cevans", "Chris Evans", Role::Reception)
            .unwrap();
        let reception = Actor {
            login: "cevans".into(),
            staff: Some(rec),
        };
        store
            .add_customer(&reception, customer("X Y", &[], &[]))
            .unwrap();
        let e = store
            .add_staff(&reception, "other", "Other Person", Role::Admin)
            .err()
            .unwrap();
        assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");
        let e = store
            .set_staff_role(&admin, "admin", Role::Manager)
            .err()
            .unwrap();
        assert!(e.to_string().contains("no active admin"), "{e}");
        let e = store
            .add_staff(&admin, "cevans", "Again", Role::Phone)
            .err()
            .unwrap();
        assert!(e.to_string().contains("already"), "{e}");
        let left = store.set_staff_active(&admin, "cevans", false).unwrap();
        assert!(!left.active);
        let gone = Actor {
            login: "cevans".into(),
            staff: Some(left),
        };
        assert!(store.add_customer(&gone, customer("Z", &[], &[])).is_err());
        // Every change is in the audit log with who made it.
        let audit = store
            .audit_for(&gone.staff.as_ref().unwrap().id.to_string())
            .unwrap();
        let actions: Vec<_> = audit.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(actions, vec!["add staff", "change who is active"]);
        assert!(audit[1]
            .before
            .as_deref()
            .unwrap()
            .contains("\"active\":true"));
        assert!(audit[1]
            .after
            .as_deref()
            .unwrap()
            .contains("\"active\":false"));
        assert_eq!(audit[1].who, "Alex Morgan");
    });
}

#[test]
fn another_connections_change_moves_data_version() {
    for_each_engine(|engine| {
        let (db, mut a, admin) = new_db(engine);
        let mut b = db.open();
        let before = b.data_version().unwrap();
        assert_eq!(b.data_version().unwrap(), before, "no change, no movement");
        a.add_customer(&admin, customer("New Caller", &[], &[]))
            .unwrap();
        common::engine::wait_for_change(&mut *b, before, engine);
        assert_eq!(names(&mut *b, "new caller"), vec!["New Caller"]);
    });
}

#[test]
fn creating_over_an_existing_file_is_refused() {
    for_each_engine(|engine| {
        let (db, _store, _) = new_db(engine);
        let e = db.create_again(("x", "X")).err().unwrap();
        // The file: "will not overwrite"; the server: "will not set it up again".
        assert!(e.to_string().contains("safedesk will not"), "{engine}: {e}");
        assert!(matches!(e, StoreError::Invalid(_)), "{engine}: {e}");
    });
}

mod incidents {
    use super::*;
    use chrono::{Duration, Utc};
    use safedesk::domain::CaseReason;
    use safedesk::domain::{new_id, NewIncident, Subject};
    use safedesk::policy::Policy;

    pub fn incident(subject: Subject) -> NewIncident {
        NewIncident {
            subject,
            description: "Shouted and swore at the adviser; call ended after a warning.".into(),
            ..NewIncident::example(new_id(), "")
        }
    }

    /// Chris Evans and Ewa Nowak, both reception.
    fn two_receptionists(store: &mut dyn Store, admin: &Actor) -> (Actor, Actor) {
        let mut add = |login: &str, name: &str| Actor {
            login: login.into(),
            staff: Some(
                store
                    .add_staff(admin, login, name, Role::Reception)
                    .unwrap(),
            ),
        };
        (add("cevans", "Chris Evans"), add("enowak", "Ewa Nowak"))
    }

    fn existing(store: &mut dyn Store, admin: &Actor, name: &str) -> Subject {
        let c = store.add_customer(admin, customer(name, &[], &[])).unwrap();
        Subject::Existing {
            id: c.id,
            name: name.into(),
        }
    }

    #[test]
    fn the_third_incident_opens_a_case_and_a_replay_is_stored_once() {
        for_each_engine(|engine| {
            let (_db, mut store, admin) = new_db(engine);
            let p = Policy::built_in();
            let who = existing(&mut *store, &admin, "Tunde Okafor");
            let first = store
                .record_incident(&admin, &p, &incident(who.clone()))
                .unwrap();
            assert_eq!((first.count, first.escalates()), (1, false));
            let second = incident(who.clone());
            assert_eq!(store.record_incident(&admin, &p, &second).unwrap().count, 2);
            // The same incident again (a replay from the outbox) is not stored twice.
            let again = store.record_incident(&admin, &p, &second).unwrap();
            assert!(again.already_saved);
            assert_eq!(again.count, 2);
            assert!(store.open_cases().unwrap().is_empty());
            let third = store
                .record_incident(&admin, &p, &incident(who.clone()))
                .unwrap();
            assert!(third.reached());
            let cases = store.open_cases().unwrap();
            assert_eq!(cases.len(), 1);
            assert_eq!(cases[0].reason, CaseReason::Threshold);
            assert_eq!(cases[0].customer_name, "Tunde Okafor");
            assert_eq!(cases[0].incidents.len(), 3);
            assert_eq!(store.counts().unwrap().incidents, 3);
            // A fourth joins the same case.
            store.record_incident(&admin, &p, &incident(who)).unwrap();
            let cases = store.open_cases().unwrap();
            assert_eq!((cases.len(), cases[0].incidents.len()), (1, 4));
        });
    }

    #[test]
    fn an_immediate_threat_goes_straight_to_the_queue() {
        for_each_engine(|engine| {
            let (_db, mut store, admin) = new_db(engine);
            let p = Policy::built_in();
            let mut i = incident(Subject::Unidentified {
                id: new_id(),
                description: "Man, about 50, green parka; reception at 11:00".into(),
            });
            i.channel = "face_to_face".into();
            i.response = "police_called".into();
            i.reference = "CAD 4412/24NOV".into();
            i.immediate_threat = true;
            let o = store.record_incident(&admin, &p, &i).unwrap();
            assert!(o.urgent);
            let cases = store.open_cases().unwrap();
            assert_eq!(cases[0].reason, CaseReason::ImmediateThreat);
            assert!(cases[0].customer_name.contains("green parka"));
            let found = store.lookup("green parka", 5).unwrap();
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].history.incidents.len(), 1);
        });
    }

    #[test]
    fn bad_incidents_are_refused_by_the_store_not_only_the_screen() {
        for_each_engine(|engine| {
            let (_db, mut store, admin) = new_db(engine);
            let p = Policy::built_in();
            let who = existing(&mut *store, &admin, "A Person");
            let mut i = incident(who.clone());
            i.occurred_at = Utc::now() + Duration::hours(2);
            assert!(store.record_incident(&admin, &p, &i).is_err());
            let mut i = incident(who.clone());
            i.description = " ".into();
            assert!(store.record_incident(&admin, &p, &i).is_err());
            let stranger = Actor {
                login: "x".into(),
                staff: None,
            };
            assert!(store
                .record_incident(&stranger, &p, &incident(who))
                .is_err());
            assert_eq!(store.counts().unwrap().incidents, 0);
        });
    }

    #[test]
    fn control_characters_are_stripped_and_emoji_kept() {
        for_each_engine(|engine| {
            let (_db, mut store, admin) = new_db(engine);
            let p = Policy::built_in();
            let who = existing(&mut *store, &admin, "A Person");
            let mut i = incident(who.clone());
            i.description = "Shouted \u{1b}[2J😡 and wrote שלום\nthen left\u{7}".into();
            store.record_incident(&admin, &p, &i).unwrap();
            let h = store.history(who.customer_id()).unwrap().unwrap();
            assert_eq!(
                h.incidents[0].description,
                "Shouted [2J😡 and wrote שלום\nthen left"
            );
        });
    }

    #[test]
    fn withdrawing_needs_a_reason_and_the_right_person() {
        for_each_engine(|engine| {
            let (_db, mut store, admin) = new_db(engine);
            let p = Policy::built_in();
            let (chris, ewa) = two_receptionists(&mut *store, &admin);
            let who = existing(&mut *store, &admin, "A Person");
            let i = incident(who.clone());
            store.record_incident(&chris, &p, &i).unwrap();
            assert!(store.withdraw_incident(&chris, &p, i.id, " ").is_err());
            assert!(matches!(
                store.withdraw_incident(&ewa, &p, i.id, "wrong person"),
                Err(StoreError::NotAllowed(_))
            ));
            store
                .withdraw_incident(&chris, &p, i.id, "Logged against the wrong person")
                .unwrap();
            let h = store.history(who.customer_id()).unwrap().unwrap();
            assert_eq!(h.incidents.len(), 1, "never deleted");
            assert!(h.incidents[0].withdrawn.is_some());
            let audit = store.audit_for(&i.id.to_string()).unwrap();
            let actions: Vec<_> = audit.iter().map(|a| a.action.as_str()).collect();
            assert_eq!(actions, vec!["log incident", "withdraw incident"]);
        });
    }

    #[test]
    fn a_correction_is_checked_audited_and_never_overwrites_a_newer_one() {
        for_each_engine(|engine| {
            let (_db, mut store, admin) = new_db(engine);
            let p = Policy::built_in();
            let (chris, ewa) = two_receptionists(&mut *store, &admin);
            let who = existing(&mut *store, &admin, "A Person");
            let mut i = incident(who.clone());
            store.record_incident(&chris, &p, &i).unwrap();
            i.description = "Shouted, swore and threw a leaflet stand.".into();
            i.immediate_threat = true;
            assert!(matches!(
                store.amend_incident(&ewa, &p, &i, 1),
                Err(StoreError::NotAllowed(_))
            ));
            let o = store.amend_incident(&chris, &p, &i, 1).unwrap();
            assert!(o.urgent, "a correction can make it urgent");
            assert_eq!(
                store.open_cases().unwrap()[0].reason,
                CaseReason::ImmediateThreat
            );
            // A second correction from the same starting version is refused, not applied.
            i.description = "Something else".into();
            let e = store.amend_incident(&admin, &p, &i, 1).err().unwrap();
            assert!(matches!(e, StoreError::Conflict(_)), "{e}");
            assert!(e.to_string().contains("newer version is shown"), "{e}");
            let h = store.history(who.customer_id()).unwrap().unwrap();
            assert_eq!(
                h.incidents[0].description,
                "Shouted, swore and threw a leaflet stand."
            );
            assert_eq!(h.incidents[0].version, 2);
            let audit = store.audit_for(&i.id.to_string()).unwrap();
            let last = audit.last().unwrap();
            assert_eq!(last.action, "correct incident");
            assert!(last
                .before
                .as_deref()
                .unwrap()
                .contains("Shouted and swore at the adviser"));
            assert!(last.after.as_deref().unwrap().contains("leaflet stand"));
            // A bad correction is refused by the store.
            i.description = "  ".into();
            assert!(store.amend_incident(&admin, &p, &i, 2).is_err());
        });
    }

    #[test]
    fn linking_a_visitor_moves_the_history_and_retires_the_record() {
        for_each_engine(|engine| {
            let (_db, mut store, admin) = new_db(engine);
            let p = Policy::built_in();
            let visitor = new_id();
            for _ in 0..2 {
                store
                    .record_incident(
                        &admin,
                        &p,
                        &incident(Subject::Unidentified {
                            id: visitor,
                            description: "Woman in a red coat, front desk".into(),
                        }),
                    )
                    .unwrap();
            }
            let known = existing(&mut *store, &admin, "Mary Jones");
            store
                .record_incident(&admin, &p, &incident(known.clone()))
                .unwrap();
            store
                .link_visitor(&admin, &p, visitor, known.customer_id())
                .unwrap();
            let h = store.history(known.customer_id()).unwrap().unwrap();
            assert_eq!(h.incidents.len(), 3);
            assert!(store.lookup("red coat", 5).unwrap().is_empty());
            // The third incident now counts: the link itself opens the threshold case.
            let cases = store.open_cases_for(known.customer_id()).unwrap();
            assert_eq!(cases.len(), 1, "{cases:?}");
            assert_eq!(cases[0].reason, CaseReason::Threshold);
            assert_eq!(cases[0].incidents.len(), 3);
            let audit = store.audit_for(&visitor.to_string()).unwrap();
            assert!(audit.iter().any(|a| a.action == "link visitor to customer"));
        });
    }

    /// SQLite only: the file's folder goes (the server stopped: tests/drive_gone.rs).
    #[test]
    fn a_drive_that_goes_away_and_comes_back() {
        let dir = tempfile::tempdir().unwrap();
        let share = dir.path().join("share");
        std::fs::create_dir(&share).unwrap();
        let (path, mut store, admin) = new_file(&share);
        let p = Policy::built_in();
        let who = existing(&mut store, &admin, "A Person");
        let gone = dir.path().join("share-gone");
        std::fs::rename(&share, &gone).unwrap();
        // Writes fail as "cannot be reached" (for the outbox), never as a crash.
        let e = store
            .record_incident(&admin, &p, &incident(who.clone()))
            .err()
            .unwrap();
        assert!(e.is_transient(), "{e}");
        assert!(
            e.to_string().contains("cannot be reached") || e.to_string().contains("locked"),
            "{e}"
        );
        // Reopening names the missing folder.
        let e = SqliteStore::open(&path, &opts()).err().unwrap();
        assert!(matches!(e, StoreError::Unavailable { .. }), "{e}");
        // The drive comes back: the same connection writes again, no restart.
        std::fs::rename(&gone, &share).unwrap();
        store.record_incident(&admin, &p, &incident(who)).unwrap();
        assert_eq!(store.counts().unwrap().incidents, 1);
    }

    /// SQLite only: the file's permissions and locks.
    #[test]
    fn an_unwritable_database_is_reported_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut store, admin) = new_file(dir.path());
        let p = Policy::built_in();
        let who = existing(&mut store, &admin, "A Person");
        let mut perms = std::fs::metadata(&path).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&path, perms.clone()).unwrap();
        let e = store
            .record_incident(&admin, &p, &incident(who.clone()))
            .err()
            .unwrap();
        assert!(e.is_transient(), "{e}");
        // Lookups still work.
        assert_eq!(store.lookup("a person", 5).unwrap().len(), 1);
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&path, perms).unwrap();
        // Locked by another program past the busy timeout: transient too.
        let other = rusqlite::Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let e = store
            .record_incident(&admin, &p, &incident(who.clone()))
            .err()
            .unwrap();
        assert!(matches!(e, StoreError::Locked { .. }), "{e}");
        other.execute_batch("ROLLBACK").unwrap();
        store.record_incident(&admin, &p, &incident(who)).unwrap();
    }
}

#[test]
fn the_demo_queue_holds_what_the_rules_call_for() {
    use safedesk::domain::CaseReason;
    for_each_engine(|engine| {
        let db = Db::empty(engine);
        let mut store = safedesk::demo::db::create_at(&db.location(), &opts()).unwrap();
        let cases = store.open_cases().unwrap();
        let has = |name: &str, reason: CaseReason| {
            cases
                .iter()
                .any(|c| c.customer_name.contains(name) && c.reason == reason)
        };
        assert!(has("Tunde Okafor", CaseReason::Threshold), "{cases:?}");
        assert!(has("green parka", CaseReason::ImmediateThreat), "{cases:?}");
        assert!(has("Precious Adeyemi", CaseReason::ReviewDue), "{cases:?}");
        assert!(has("José Núñez", CaseReason::Breach), "{cases:?}");
        assert!(
            !has("Zoë Åberg", CaseReason::Threshold),
            "2 of 3 is not in the queue"
        );
    });
}

#[test]
fn two_instances_changing_the_same_customer_never_overwrite_each_other() {
    for_each_engine(|engine| {
        let (db, mut one, admin) = new_db(engine);
        let c = one
            .add_customer(&admin, customer("Deborah Johnson", &["07700 900123"], &[]))
            .unwrap();
        let mut two = db.open();
        let edit = |phones: &[&str], notes: &str| NewCustomer {
            name: Some("Deborah Johnson".into()),
            phones: phones.iter().map(|s| s.to_string()).collect(),
            notes: notes.into(),
            ..NewCustomer::default()
        };
        // Both were shown version 1.
        let saved = one
            .update_customer(
                &admin,
                c.id,
                edit(&["07700 900123", "020 7946 0555"], ""),
                1,
            )
            .unwrap();
        assert_eq!(saved.version, 2);
        let e = two
            .update_customer(
                &admin,
                c.id,
                edit(&["07700 900999"], "Prefers mornings."),
                1,
            )
            .unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e}");
        assert!(e.to_string().contains("changed on another PC"), "{e}");
        // The first change stands, and the search keys follow it.
        assert_eq!(names(&mut *two, "020 7946 0555"), vec!["Deborah Johnson"]);
        assert!(names(&mut *two, "07700 900999").is_empty());
        // Shown the newer version, the second person saves knowingly.
        let now = two.history(c.id).unwrap().unwrap().customer;
        assert_eq!(now.version, 2);
        two.update_customer(
            &admin,
            c.id,
            edit(&["07700 900999"], "Prefers mornings."),
            now.version,
        )
        .unwrap();
        assert_eq!(names(&mut *one, "07700 900999"), vec!["Deborah Johnson"]);
        assert!(names(&mut *one, "020 7946 0555").is_empty());
        let audit = one.audit_for(&c.id.to_string()).unwrap();
        let edits: Vec<_> = audit
            .iter()
            .filter(|a| a.action == "edit customer")
            .collect();
        assert_eq!(edits.len(), 2);
        assert!(edits[1]
            .before
            .as_deref()
            .unwrap()
            .contains("020 7946 0555"));
        // Bad input is refused with what to do.
        let e = one
            .update_customer(&admin, c.id, edit(&["12"], ""), 3)
            .unwrap_err();
        assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    });
}

#[test]
fn the_outbox_finds_its_database_however_the_file_is_reached() {
    use safedesk::domain::NewIncident;
    use safedesk::sync::local::{Local, OutboxEntry, Submission};
    use safedesk::sync::worker::{replay, Context};
    for_each_engine(|engine| {
        let (db, mut store, admin) = new_db(engine);
        let c = store
            .add_customer(&admin, customer("Deborah Johnson", &["07700 900123"], &[]))
            .unwrap();
        let id = store.database_id().unwrap();
        assert_eq!(
            id.len(),
            32,
            "{engine}: a random id, made by the migration: {id}"
        );
        assert_eq!(store.database_id().unwrap(), id, "and it stays");
        let local = Local::new(db.dir.path().join("local"));
        // One entry queued while the file was reached as S:\..., one from before databases had ids.
        for (n, filed_under) in [
            (0, id.clone()),
            (1, "S:\\safedesk\\shared.sqlite".to_string()),
        ] {
            let mut inc = NewIncident::example(c.id, "Deborah Johnson");
            inc.description = format!("Queued entry {n}.");
            local
                .outbox_put(&OutboxEntry {
                    login: "admin".into(),
                    database: filed_under,
                    file: None,
                    queued_at: chrono::Utc::now(),
                    reason: "the drive was away".into(),
                    what: Submission::Incident(inc),
                })
                .unwrap();
        }
        // Today the same file is reached by another path.
        let ctx = Context {
            policy: safedesk::policy::Policy::built_in(),
            actor: admin,
            local: Some(local.clone()),
            database: id.clone(),
            also: vec!["S:\\safedesk\\shared.sqlite".into()],
            file: None,
            read_only: false,
        };
        let replies = replay(&mut *store, &ctx);
        assert!(
            replies
                .iter()
                .any(|r| matches!(r, safedesk::sync::Reply::OutboxDelivered(2))),
            "{replies:?}"
        );
        assert_eq!(store.history(c.id).unwrap().unwrap().incidents.len(), 2);
        assert!(local.outbox_for(&ctx.names()).is_empty());
    });
}
