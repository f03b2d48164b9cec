//! The front line of the store on both engines: customers, the lookup, incidents and the cases
//! they open. Each test body runs on every engine the build can test (the lead's harness,
//! tests/common/engine.rs), each database loaded with the same demo office, and both must give
//! the same answers, refusals included, word for word.
#![cfg(all(unix, feature = "postgres"))]

mod common;

use chrono::{DateTime, Utc};
use common::engine::{for_each_engine, Db, Engine};
use safedesk::demo::{self, SAM_PATEL, TUNDE_OKAFOR, ZOE_ABERG};
use safedesk::domain::{
    new_id, Actor, CaseReason, CaseSummary, Customer, Id, NewCustomer, NewIncident, Staff, Subject,
};
use safedesk::policy::Policy;
use safedesk::store::{Store, StoreError};

/// One office on one engine: the demo's staff and customers, loaded in bulk.
struct Office {
    db: Db,
    store: Box<dyn Store>,
    policy: Policy,
    /// Sam Patel, a manager.
    manager: Actor,
    /// Amira Hassan, at reception.
    reception: Actor,
    /// Tom Fletcher, at reception too.
    other: Actor,
}

fn as_actor(s: &Staff) -> Actor {
    Actor {
        login: s.login.clone(),
        staff: Some(s.clone()),
    }
}

fn member(login: &str) -> Staff {
    demo::staff()
        .into_iter()
        .find(|s| s.login == login)
        .unwrap()
}

/// A new database on `engine` with the demo (as at `now`) loaded by its first admin.
fn office(engine: Engine, now: DateTime<Utc>) -> Office {
    let (db, mut store) = Db::create(engine, ("boss", "Office Admin"));
    let boss = Actor {
        login: "boss".into(),
        staff: store.staff_by_login("boss").unwrap(),
    };
    let policy = Policy::built_in();
    store
        .bulk_load(&boss, &policy, &demo::demo_bulk(now))
        .unwrap();
    Office {
        db,
        store,
        policy,
        manager: as_actor(&member("spatel")),
        reception: as_actor(&member("ahassan")),
        other: as_actor(&member("tfletcher")),
    }
}

/// Run `body` on each engine, each loaded with the same demo, and check every engine gives the
/// same transcript as SQLite (answers and refusals, with nothing random in them).
fn on_both(body: impl Fn(&mut Office) -> Vec<String>) {
    let now = safedesk::time::whole_seconds(Utc::now());
    let mut said: Vec<(Engine, Vec<String>)> = Vec::new();
    for_each_engine(|engine| said.push((engine, body(&mut office(engine, now)))));
    if std::env::var_os("FRONT_SHOW").is_some() {
        eprintln!("{:#?}", said[0].1);
    }
    let (first, expected) = &said[0];
    for (engine, got) in &said[1..] {
        assert_eq!(expected.len(), got.len(), "{expected:#?}\n{got:#?}");
        for (e, g) in expected.iter().zip(got) {
            assert_eq!(e, g, "{first} said the first, {engine} the second");
        }
    }
}

/// An answer or a refusal, in words.
fn said<T: std::fmt::Debug>(r: safedesk::store::Result<T>) -> String {
    match r {
        Ok(v) => format!("{v:?}"),
        Err(e) => format!("refused: {e}"),
    }
}

/// A case as a manager reads it, without its id (made afresh on each engine) or the time of a
/// note.
fn case_line(c: &CaseSummary) -> String {
    let note: Vec<&str> = c
        .note
        .lines()
        .map(|l| l.split_once("): ").map_or(l, |(_, n)| n))
        .collect();
    format!(
        "{} about {} ({}): incidents {:?}, version {}, with {:?}, seen by {:?}, note {:?}",
        c.reason.as_str(),
        c.customer_name,
        c.customer_id,
        c.incidents,
        c.version,
        c.assigned_to,
        c.seen_by,
        note
    )
}

fn cases_of(o: &mut Office, customer: Id) -> Vec<String> {
    o.store
        .open_cases_for(customer)
        .unwrap()
        .iter()
        .map(case_line)
        .collect()
}

/// An incident about `customer` with a fixed id.
fn incident(id: u128, customer: Id) -> NewIncident {
    NewIncident {
        id: Id::from_u128(id),
        description: "Shouted at the receptionist and was asked to leave.".into(),
        ..NewIncident::example(customer, "")
    }
}

fn names(hits: &[safedesk::domain::LookupHit]) -> Vec<String> {
    hits.iter()
        .map(|h| {
            format!(
                "{} [{}] {}",
                h.history.customer.display_name(),
                h.matched.words(),
                h.score
            )
        })
        .collect()
}

#[test]
fn the_lookup_finds_the_same_people_in_the_same_order_on_both() {
    on_both(|o| {
        let mut out = Vec::new();
        for q in [
            // A name, another name, a misspelt name, part of one.
            "Tunde Okafor",
            "Babatunde",
            "Tunde Okafro",
            "Okfaor",
            "zoe aberg",
            "Lindqvist",
            "kafo",
            // A phone number in its other forms, and its last digits.
            "+44 7700 900234",
            "07700900234",
            "0044 (0)7700 900 456",
            "900456",
            "07700 9",
            // Email addresses, whole and in part.
            "casework@",
            "@example",
            // Everyone of a common name, and nothing.
            "smith",
            "a",
            "zzzzqqq",
            "",
        ] {
            let hits = o.store.lookup(q, 30).unwrap();
            out.push(format!("{q}: {:?}", names(&hits)));
            // And everything shown, histories included.
            out.push(format!("{hits:?}"));
        }
        let tunde = o.store.lookup("Tunde Okafro", 5).unwrap();
        assert_eq!(
            tunde[0].history.customer.id, TUNDE_OKAFOR,
            "a misspelt name"
        );
        let by_phone = o.store.lookup("+44 7700 900234", 5).unwrap();
        assert_eq!(
            by_phone[0].history.customer.id, TUNDE_OKAFOR,
            "another form"
        );
        assert_eq!(by_phone[0].score, 1_000);
        let zoe = o.store.lookup("0044 (0)7700 900 456", 5).unwrap();
        assert_eq!(zoe[0].history.customer.id, ZOE_ABERG);
        assert!(o.store.lookup("", 5).unwrap().is_empty());
        out
    });
}

#[test]
fn customers_are_added_edited_imported_and_refused_alike() {
    on_both(|o| {
        let mut out = Vec::new();
        let id = Id::from_u128(0x5ade_0001);
        let new = NewCustomer {
            id: Some(id),
            name: Some("  Ngozi   Eze-Williams ".into()),
            other_names: vec!["Ngozi Eze".into()],
            phones: vec!["07700 900777".into(), "020 7946 0123".into()],
            emails: vec!["N.Eze@Example.org".into()],
            postcode: "n3 1ab".into(),
            address: vec!["1 High Street".into(), "Barnet".into()],
            ..NewCustomer::default()
        };
        let c = o.store.add_customer(&o.reception, new.clone()).unwrap();
        assert_eq!(c.version, 1);
        let shown = o.store.history(id).unwrap().unwrap().customer;
        assert_eq!(
            shown.created_at,
            safedesk::time::whole_seconds(c.created_at)
        );
        out.push(format!(
            "{:?}",
            Customer {
                created_at: DateTime::default(),
                ..shown
            }
        ));
        // Found at once by each of the keys kept beside it.
        for q in [
            "eze-williams",
            "Ngozi Eze",
            "02079460123",
            "n.eze@",
            "ngozi eez",
        ] {
            let hits = o.store.lookup(q, 5).unwrap();
            assert_eq!(hits.first().map(|h| h.history.customer.id), Some(id), "{q}");
            out.push(format!("{q}: {:?}", names(&hits)));
        }
        // Edited as shown (version 1): version 2, and the old phone no longer finds them.
        let edit = NewCustomer {
            phones: vec!["07700 900778".into()],
            ..new.clone()
        };
        let after = o
            .store
            .update_customer(&o.reception, id, edit.clone(), 1)
            .unwrap();
        assert_eq!(after.version, 2);
        out.push(format!("{:?}", after.phones));
        out.push(format!(
            "{:?}",
            names(&o.store.lookup("07700900777", 5).unwrap())
        ));
        // The same edit again (a replay from the outbox): nothing changes.
        let again = o.store.update_customer(&o.reception, id, edit, 1).unwrap();
        assert_eq!(again.version, 2);
        // Another edit made on what version 1 showed: refused, nothing overwritten.
        let stale = o.store.update_customer(
            &o.other,
            id,
            NewCustomer {
                notes: "Prefers letters.".into(),
                ..new.clone()
            },
            1,
        );
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
        out.push(said(stale));
        // Bad details and missing records, in their sentences.
        out.push(said(o.store.add_customer(
            &o.reception,
            NewCustomer {
                emails: vec!["not an address".into()],
                ..new.clone()
            },
        )));
        out.push(said(
            o.store.add_customer(&o.reception, NewCustomer::default()),
        ));
        out.push(said(o.store.update_customer(
            &o.reception,
            new_id(),
            new.clone(),
            1,
        )));
        // An import adds the new ones once.
        let rows: Vec<NewCustomer> = (0..3u128)
            .map(|n| NewCustomer {
                id: Some(Id::from_u128(0x1_0000 + n)),
                name: Some(format!("Imported Person {n}")),
                ..NewCustomer::default()
            })
            .collect();
        out.push(said(o.store.import_customers(&o.manager, &rows)));
        out.push(said(o.store.import_customers(&o.manager, &rows)));
        out.push(format!(
            "{:?}",
            names(&o.store.lookup("imported person", 10).unwrap())
        ));
        assert_eq!(o.store.history(new_id()).unwrap(), None);
        out
    });
}

#[test]
fn incidents_open_join_and_close_cases_alike() {
    on_both(|o| {
        let mut out = Vec::new();
        let who = Id::from_u128(0x5ade_0002);
        o.store
            .add_customer(
                &o.reception,
                NewCustomer {
                    id: Some(who),
                    name: Some("Dilys Prothero".into()),
                    ..NewCustomer::default()
                },
            )
            .unwrap();
        let mut saved = Vec::new();
        for n in 0..3u128 {
            let i = incident(0xabc0 + n, who);
            let outcome = o
                .store
                .record_incident(&o.reception, &o.policy, &i)
                .unwrap();
            assert!(!outcome.already_saved);
            out.push(format!("{outcome:?}"));
            saved.push(i);
        }
        let threshold = cases_of(o, who);
        assert_eq!(threshold.len(), 1, "{threshold:?}");
        out.extend(threshold);
        // The same incident sent again (a replay from the outbox): already saved, no new case.
        let again = o
            .store
            .record_incident(&o.reception, &o.policy, &saved[0])
            .unwrap();
        assert!(again.already_saved);
        out.push(format!("{again:?}"));
        out.extend(cases_of(o, who));
        // A correction made on an old version is refused; one on the right version goes in.
        let mut corrected = saved[1].clone();
        corrected.description = "Shouted and swore at the receptionist.".into();
        let stale = o
            .store
            .amend_incident(&o.reception, &o.policy, &corrected, 7);
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
        out.push(said(stale));
        corrected.immediate_threat = true;
        let o2 = o
            .store
            .amend_incident(&o.reception, &o.policy, &corrected, 1)
            .unwrap();
        assert!(o2.urgent);
        out.push(format!("{o2:?}"));
        // The same correction again: nothing changes.
        out.push(said(o.store.amend_incident(
            &o.reception,
            &o.policy,
            &corrected,
            1,
        )));
        out.extend(cases_of(o, who));
        // Someone else may not withdraw Amira's incident; a withdrawal needs a reason.
        out.push(said(o.store.withdraw_incident(
            &o.other,
            &o.policy,
            saved[2].id,
            "wrong person",
        )));
        out.push(said(o.store.withdraw_incident(
            &o.reception,
            &o.policy,
            saved[2].id,
            "  ",
        )));
        // Withdrawn: 2 of 3, so the threshold case closes; the immediate threat stays.
        let changed = o
            .store
            .withdraw_incident(
                &o.reception,
                &o.policy,
                saved[2].id,
                "logged against the wrong person",
            )
            .unwrap();
        assert_eq!(changed.closed, vec![CaseReason::Threshold]);
        out.push(format!("{changed:?}"));
        out.extend(cases_of(o, who));
        // The same withdrawal again changes nothing; another reason is refused.
        out.push(said(o.store.withdraw_incident(
            &o.reception,
            &o.policy,
            saved[2].id,
            "logged against the wrong person",
        )));
        let other_reason =
            o.store
                .withdraw_incident(&o.reception, &o.policy, saved[2].id, "another reason");
        assert!(
            matches!(other_reason, Err(StoreError::Conflict(_))),
            "{other_reason:?}"
        );
        out.push(said(other_reason));
        out.push(said(o.store.amend_incident(
            &o.reception,
            &o.policy,
            &saved[2],
            2,
        )));
        // Several at once, as an import of history does.
        let more: Vec<NewIncident> = (0..2u128).map(|n| incident(0xabd0 + n, who)).collect();
        out.push(said(o.store.record_incidents(
            &o.reception,
            &o.policy,
            &more,
        )));
        out.extend(cases_of(o, who));
        // The card shows it all, oldest first.
        let h = o.store.history(who).unwrap().unwrap();
        out.push(format!(
            "{:?}",
            h.incidents
                .iter()
                .map(|i| (
                    i.id,
                    i.description.clone(),
                    i.immediate_threat,
                    i.version,
                    i.withdrawn
                        .as_ref()
                        .map(|w| (w.by.clone(), w.reason.clone()))
                ))
                .collect::<Vec<_>>()
        ));
        // Someone gone from the database, or a record merged away, takes no incident.
        out.push(said(o.store.record_incident(
            &o.reception,
            &o.policy,
            &incident(0xabe0, new_id()),
        )));
        out
    });
}

#[test]
fn a_visitor_and_a_new_person_named_on_the_form_are_saved_and_linked_alike() {
    on_both(|o| {
        let mut out = Vec::new();
        let visitor = Id::from_u128(0x5ade_0003);
        let person = Id::from_u128(0x5ade_0004);
        let mut v = incident(0xaca0, visitor);
        v.subject = Subject::Unidentified {
            id: visitor,
            description: "Man, 50s, green anorak; front desk".into(),
        };
        out.push(said(o.store.record_incident(&o.reception, &o.policy, &v)));
        for n in 0..2u128 {
            let mut i = incident(0xacb0 + n, person);
            i.subject = Subject::New {
                id: person,
                name: "Gwyn Arbuthnot".into(),
                phone: "07700 900555".into(),
                email: String::new(),
                address: vec![],
                postcode: String::new(),
            };
            out.push(said(o.store.record_incident(&o.reception, &o.policy, &i)));
        }
        out.push(format!(
            "{:?}",
            names(&o.store.lookup("green anorak", 5).unwrap())
        ));
        out.push(format!(
            "{:?}",
            names(&o.store.lookup("arbuthnot", 5).unwrap())
        ));
        // Linking the visitor brings Gwyn to 3 of 3: a threshold case, opened once.
        out.push(said(
            o.store.link_visitor(&o.manager, &o.policy, visitor, person),
        ));
        out.push(said(
            o.store.link_visitor(&o.manager, &o.policy, visitor, person),
        ));
        out.push(said(o.store.link_visitor(
            &o.manager,
            &o.policy,
            visitor,
            TUNDE_OKAFOR,
        )));
        out.push(said(
            o.store.link_visitor(&o.manager, &o.policy, person, person),
        ));
        out.push(said(o.store.link_visitor(
            &o.manager,
            &o.policy,
            TUNDE_OKAFOR,
            person,
        )));
        out.extend(cases_of(o, person));
        // The visitor no longer turns up in searches; their card says where they went.
        out.push(format!(
            "{:?}",
            names(&o.store.lookup("green anorak", 5).unwrap())
        ));
        let h = o.store.history(person).unwrap().unwrap();
        assert_eq!(h.incidents.len(), 3);
        out.push(format!(
            "{:?}",
            h.incidents.iter().map(|i| i.id).collect::<Vec<_>>()
        ));
        out
    });
}

#[test]
fn cases_are_read_assigned_seen_and_asked_for_alike() {
    on_both(|o| {
        let mut out = Vec::new();
        let open = o.store.open_cases().unwrap();
        assert!(!open.is_empty(), "the demo has cases in the queue");
        out.extend(open.iter().map(case_line));
        let tunde = o.store.open_cases_for(TUNDE_OKAFOR).unwrap();
        let case = tunde
            .iter()
            .find(|c| c.reason == CaseReason::Threshold)
            .unwrap()
            .clone();
        out.push(said(
            o.store.case(case.id).map(|c| c.map(|c| case_line(&c))),
        ));
        out.push(said(o.store.case(new_id())));
        // Assigning: to a manager, on the version shown; not on an old one, not to reception,
        // not by reception.
        let grace = member("gmensah").id;
        out.push(said(o.store.assign_case(
            &o.manager,
            case.id,
            Some(grace),
            case.version,
        )));
        out.push(said(o.store.assign_case(
            &o.manager,
            case.id,
            Some(SAM_PATEL),
            case.version,
        )));
        let now = o.store.case(case.id).unwrap().unwrap();
        out.push(said(o.store.assign_case(
            &o.manager,
            case.id,
            Some(member("ahassan").id),
            now.version,
        )));
        out.push(said(o.store.assign_case(
            &o.manager,
            case.id,
            Some(new_id()),
            now.version,
        )));
        out.push(said(o.store.assign_case(
            &o.reception,
            case.id,
            None,
            now.version,
        )));
        out.push(said(o.store.assign_case(&o.manager, new_id(), None, 1)));
        out.push(case_line(&o.store.case(case.id).unwrap().unwrap()));
        // Seen: the first time only; reception cannot.
        out.push(said(o.store.mark_case_seen(&o.reception, case.id)));
        out.push(said(o.store.mark_case_seen(&o.manager, case.id)));
        out.push(said(o.store.mark_case_seen(&o.manager, case.id)));
        out.push(case_line(&o.store.case(case.id).unwrap().unwrap()));
        // A customer's request opens a case; the same request again is the same case.
        let request = Id::from_u128(0x5ade_0005);
        let first = o
            .store
            .customer_request(
                &o.reception,
                request,
                ZOE_ABERG,
                "Asks for a review of the decision.",
            )
            .unwrap();
        let again = o
            .store
            .customer_request(
                &o.reception,
                request,
                ZOE_ABERG,
                "Asks for a review of the decision.",
            )
            .unwrap();
        assert_eq!(first, again);
        out.push(said(o.store.customer_request(
            &o.reception,
            new_id(),
            ZOE_ABERG,
            " ",
        )));
        out.push(said(o.store.customer_request(
            &o.reception,
            new_id(),
            new_id(),
            "A complaint.",
        )));
        let third = o
            .store
            .customer_request(&o.other, new_id(), ZOE_ABERG, "A complaint too.")
            .unwrap();
        assert_eq!(third, first, "the open request case is joined");
        out.extend(cases_of(o, ZOE_ABERG));
        out.push(format!("{}", o.store.open_cases().unwrap().len()));
        out
    });
}

#[test]
fn an_office_moved_from_sqlite_answers_as_the_file_did() {
    use common::pg::PgServer;
    use safedesk::store::postgres::{copy, PgConfig, PgStore};
    let now = safedesk::time::whole_seconds(Utc::now());
    let mut o = office(Engine::Sqlite, now);
    // Rows written in one save (several incidents, cases opened together) keep their order.
    let who = Id::from_u128(0x5ade_0006);
    o.store
        .add_customer(
            &o.reception,
            NewCustomer {
                id: Some(who),
                name: Some("Ffion Pritchard".into()),
                ..NewCustomer::default()
            },
        )
        .unwrap();
    let mut batch: Vec<NewIncident> = (0..3u128).map(|n| incident(0xad00 + n, who)).collect();
    batch[2].immediate_threat = true;
    o.store
        .record_incidents(&o.reception, &o.policy, &batch)
        .unwrap();
    let Some(server) = PgServer::shared() else {
        eprintln!("no PostgreSQL server: the move is not tested here");
        return;
    };
    let db = server.fresh_database("moved");
    let config = PgConfig::parse(&server.superuser_address(&db)).unwrap();
    copy::from_sqlite(&o.db.sqlite_path().unwrap(), &config).unwrap();
    let mut pg = PgStore::open(&config, &common::engine::opts()).unwrap();
    let file = &mut o.store;
    assert_eq!(
        format!("{:?}", file.open_cases().unwrap()),
        format!("{:?}", pg.open_cases().unwrap())
    );
    for customer in [who, TUNDE_OKAFOR, ZOE_ABERG, demo::UNIDENTIFIED_VISITOR] {
        assert_eq!(
            file.history(customer).unwrap(),
            pg.history(customer).unwrap(),
            "{customer}"
        );
        assert_eq!(
            file.open_cases_for(customer).unwrap(),
            pg.open_cases_for(customer).unwrap()
        );
    }
    for q in ["ffion", "okafro", "07700 900234", "@example", "green parka"] {
        assert_eq!(
            file.lookup(q, 30).unwrap(),
            pg.lookup(q, 30).unwrap(),
            "{q}"
        );
    }
    // And it goes on from there: the next incident is the fourth, on both.
    let next = incident(0xad10, who);
    let on_file = file
        .record_incident(&o.reception, &o.policy, &next)
        .unwrap();
    let on_pg = pg.record_incident(&o.reception, &o.policy, &next).unwrap();
    assert_eq!(on_file, on_pg);
    let h = pg.history(who).unwrap().unwrap();
    assert_eq!(
        h.incidents.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![batch[0].id, batch[1].id, batch[2].id, next.id]
    );
}
