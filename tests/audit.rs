//! The audit trail (issue 16, items 1 and 2) on real SQLite files: its hash chain (made for old
//! entries by migration 13, kept by writers on two connections at once, surviving retention's
//! redaction, breaking where an entry was edited by hand), its pages for managers only, and who
//! opened a restricted card, gathered on the PC and written in one batch.

mod common;

use chrono::{Duration, Utc};
use common::world::{opts, today, tunde, World};
use common::{safedesk, stdout};
use safedesk::domain::{
    new_id, AuditQuery, CaseReason, NewCustomer, NewDecision, NewIncident, NewRestriction, Outcome,
};
use safedesk::store::sqlite::migrations::MIGRATIONS;
use safedesk::store::sqlite::{redact_audit_content, SCHEMA_VERSION};
use safedesk::store::{SqliteStore, Store, StoreError};
use safedesk::sync::views::Viewed;
use safedesk::sync::worker::{run, Context};

/// Three incidents and a manager's decision: Tunde is restricted (a witness must be present).
fn restrict(w: &mut World) {
    for _ in 0..3 {
        let inc = NewIncident {
            description: "Shouted at the receptionist and was asked to leave.".into(),
            ..NewIncident::example(w.customer, "Tunde Okafor")
        };
        w.store
            .record_incident(&w.reception, &w.policy, &inc)
            .unwrap();
    }
    let q = w.store.queue(&w.manager, today()).unwrap();
    let case = q
        .cases
        .into_iter()
        .find(|c| c.reason == CaseReason::Threshold)
        .expect("a threshold case");
    let d = NewDecision {
        id: new_id(),
        customer_id: w.customer,
        case_id: Some(case.id),
        case_version: Some(case.version),
        also_closes: vec![],
        meeting_date: today(),
        attendees: "Amira Hassan, Sam Patel".into(),
        outcome: Outcome::Actions,
        reasons: "Three incidents of shouting at reception in a week.".into(),
        reasons_for_customer: "Your behaviour towards our staff has been unacceptable.".into(),
        restrictions: vec![NewRestriction {
            kind: "witness".into(),
            ..NewRestriction::default()
        }],
        review_date: Some(today() + Duration::weeks(6)),
        police_told: None,
        authority_told: String::new(),
        tried_actions: vec![],
        none_suitable: String::new(),
        adjustments: vec!["named_contact".into()],
        adjustments_other: String::new(),
        adjustments_why: "A named contact was offered first; the behaviour went on.".into(),
        risk_assessment: String::new(),
    };
    w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
}

fn chain_break(store: &mut dyn Store) -> Option<safedesk::domain::AuditBreak> {
    store
        .check(true)
        .unwrap()
        .audit_chain
        .expect("the chain is checked")
        .first_break
}

#[test]
fn every_change_is_chained_and_check_says_the_trail_holds() {
    let mut w = tunde();
    restrict(&mut w);
    let report = w.store.check(true).unwrap();
    let chain = report.audit_chain.clone().unwrap();
    assert!(chain.checked >= 8, "{chain:?}");
    assert_eq!(chain.first_break, None);
    assert!(report.ok);
    std::fs::write(w.db.dir.path().join("no-config.toml"), "").unwrap();
    let out = safedesk(
        w.db.dir.path(),
        &["--db", w.path.to_str().unwrap(), "check", "--quick"],
    );
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(&format!(
            "Audit trail: all {} entries are as they were written",
            chain.checked
        )),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_entry_edited_by_hand_is_named_by_check_with_what_to_do() {
    let mut w = tunde();
    restrict(&mut w);
    // Someone with a database browser softens what an incident said.
    let seq: i64 = w
        .sqlite()
        .raw_connection()
        .query_row(
            "SELECT seq FROM audit WHERE action = 'log incident' ORDER BY seq LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    w.sqlite()
        .raw_connection()
        .execute(
            "UPDATE audit SET after = replace(after, 'Shouted', 'Spoke') WHERE seq = ?1",
            [seq],
        )
        .unwrap();
    let b = chain_break(&mut w.sqlite()).expect("the edit is found");
    assert_eq!(b.seq, seq);
    assert_eq!(b.who, "Amira Hassan");
    assert_eq!(b.action, "log incident");
    assert!(b.problem.contains("changed after it was written"), "{b:?}");
    assert!(!w.store.check(true).unwrap().ok);

    let db = w.path.to_str().unwrap();
    std::fs::write(w.db.dir.path().join("no-config.toml"), "").unwrap();
    let out = safedesk(w.db.dir.path(), &["--db", db, "check", "--quick"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("Audit trail ALTERED: entry {seq} (")),
        "{text}"
    );
    assert!(text.contains("Amira Hassan, \"log incident\""), "{text}");
    assert!(text.contains("What to do:"), "{text}");
    let out = safedesk(w.db.dir.path(), &["--db", db, "check", "--quick", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["audit_chain"]["first_break"]["seq"], seq);
    assert_eq!(json["ok"], false);
}

#[test]
fn a_changed_time_a_removed_entry_and_an_added_one_are_found_too() {
    for (sql, problem) in [
        (
            "UPDATE audit SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 3",
            "time",
        ),
        ("DELETE FROM audit WHERE seq = 3", "does not follow entry 2"),
        // A copy of entry 2 put in as entry 3, the others moved on.
        ("INSERT", ""),
    ] {
        let mut w = tunde();
        restrict(&mut w);
        if sql.starts_with("INSERT") {
            // Make room first, then put a copy of entry 2 in at 3.
            w.sqlite()
                .raw_connection()
                .execute_batch("UPDATE audit SET seq = seq + 100 WHERE seq >= 3")
                .unwrap();
            w.sqlite()
                .raw_connection()
                .execute_batch(
                    "INSERT INTO audit (seq, at, login, action, entity, entity_id, content_hash, hash) \
                     SELECT 3, at, login, action, entity, entity_id, content_hash, hash FROM audit WHERE seq = 2",
                )
                .unwrap();
        } else {
            w.sqlite().raw_connection().execute_batch(sql).unwrap();
        }
        let b = chain_break(&mut w.sqlite()).expect(sql);
        assert_eq!(
            b.seq,
            if sql.starts_with("DELETE") { 4 } else { 3 },
            "{sql}"
        );
        assert!(b.problem.contains(problem), "{sql}: {b:?}");
    }
}

#[test]
fn redaction_blanks_content_and_the_chain_still_holds() {
    let mut w = tunde();
    restrict(&mut w);
    let seqs: Vec<i64> = {
        let mut raw = w.sqlite();
        let c = raw.raw_connection();
        let mut st = c
            .prepare("SELECT seq FROM audit WHERE customer_id = ?1")
            .unwrap();
        st.query_map([w.customer.to_string()], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert!(seqs.len() >= 6, "{seqs:?}");
    {
        let mut raw = w.sqlite();
        let c = raw.raw_connection();
        let tx = c.transaction().unwrap();
        for s in &seqs {
            assert!(redact_audit_content(&tx, *s).unwrap());
        }
        tx.commit().unwrap();
    }
    let chain = w.store.check(true).unwrap().audit_chain.unwrap();
    assert_eq!(chain.first_break, None);
    assert_eq!(chain.redacted, seqs.len() as u64);
    let page = w
        .store
        .audit_page(
            &w.manager,
            &AuditQuery {
                customer: Some(w.customer),
                limit: 50,
                ..AuditQuery::default()
            },
        )
        .unwrap();
    assert!(page
        .entries
        .iter()
        .all(|e| e.redacted && e.before.is_none() && e.after.is_none()));
    // Content put back into a redacted entry by hand is found.
    w.sqlite()
        .raw_connection()
        .execute("UPDATE audit SET after = '{}' WHERE seq = ?1", [seqs[1]])
        .unwrap();
    let b = chain_break(&mut w.sqlite()).unwrap();
    assert_eq!(b.seq, seqs[1]);
}

#[test]
fn migration_13_chains_the_entries_already_there_once_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    let customer = "00000000-0000-0000-0000-000000000100";
    let staff = "00000000-0000-0000-0000-000000000001";
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..12] {
            c.execute_batch(sql).unwrap();
        }
        c.execute_batch(&format!(
            "PRAGMA user_version = 12;
             INSERT INTO meta (key, value) VALUES ('app', 'safedesk');
             INSERT INTO staff (id, login, display_name, role, created_at)
               VALUES ('{staff}', 'spatel', 'Sam Patel', 'manager', '2026-11-24T09:00:00.000Z');
             INSERT INTO customer (id, name, created_at, updated_at)
               VALUES ('{customer}', 'Zoë Åberg', '2026-11-24T09:00:00.000Z',
                       '2026-11-24T09:00:00.000Z');
             INSERT INTO audit (at, staff_id, login, action, entity, entity_id, before, after)
               VALUES ('2026-11-24T09:00:00.000Z', '{staff}', 'spatel', 'create database',
                       'staff', '{staff}', NULL, '{{}}'),
                      ('2026-11-24T09:01:00.000Z', '{staff}', 'spatel', 'add customer',
                       'customer', '{customer}', NULL, '{{\"name\":\"Zoë Åberg\"}}'),
                      ('2026-11-24T09:02:00.000Z', '{staff}', 'spatel', 'edit customer',
                       'customer', '{customer}', '{{\"postcode\":\"\"}}',
                       '{{\"postcode\":\"N3 1QE\"}}');"
        ))
        .unwrap();
    }
    let mut store = SqliteStore::open(&path, &opts()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let chain = store.check(true).unwrap().audit_chain.unwrap();
    assert_eq!(chain.checked, 3);
    assert_eq!(chain.first_break, None);
    // The old entries know their customer, and a new one follows on from them.
    let manager = common::world::actor(&mut store, "spatel");
    let page = store
        .audit_page(
            &manager,
            &AuditQuery {
                customer: Some(customer.parse().unwrap()),
                limit: 10,
                ..AuditQuery::default()
            },
        )
        .unwrap();
    assert_eq!(
        page.entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![3, 2]
    );
    store
        .add_customer(
            &manager,
            NewCustomer {
                name: Some("Precious Adeyemi".into()),
                ..NewCustomer::default()
            },
        )
        .unwrap();
    let chain = store.check(true).unwrap().audit_chain.unwrap();
    assert_eq!((chain.checked, chain.first_break), (4, None));
    // Opening it again does not chain anything twice.
    drop(store);
    let mut store = SqliteStore::open(&path, &opts()).unwrap();
    assert_eq!(chain_break(&mut store), None);
}

#[test]
fn two_pcs_writing_at_once_keep_one_valid_chain() {
    let w = tunde();
    let path = w.path.clone();
    let before = {
        let mut s = SqliteStore::open(&path, &opts()).unwrap();
        s.counts().unwrap().audit
    };
    let writers: Vec<_> = ["ahassan", "spatel"]
        .into_iter()
        .map(|login| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut s = SqliteStore::open(
                    &path,
                    &safedesk::store::OpenOptions {
                        busy_timeout_ms: 30_000,
                        ..opts()
                    },
                )
                .unwrap();
                let me = common::world::actor(&mut s, login);
                for i in 0..40 {
                    s.add_customer(
                        &me,
                        NewCustomer {
                            name: Some(format!("Customer {login} {i}")),
                            ..NewCustomer::default()
                        },
                    )
                    .unwrap();
                }
            })
        })
        .collect();
    for t in writers {
        t.join().unwrap();
    }
    let mut s = SqliteStore::open(&path, &opts()).unwrap();
    let chain = s.check(true).unwrap().audit_chain.unwrap();
    assert_eq!(chain.first_break, None);
    assert_eq!(chain.checked, before + 80);
}

#[test]
fn only_managers_and_admins_read_the_trail_filtered_and_paged() {
    let mut w = tunde();
    restrict(&mut w);
    let refused = w
        .store
        .audit_page(&w.reception, &AuditQuery::default())
        .unwrap_err();
    assert!(matches!(refused, StoreError::NotAllowed(_)), "{refused}");
    assert!(refused.to_string().contains("Only managers and admins"));
    // A manager who was moved to reception since this copy started is refused too.
    let mut old = w.manager.clone();
    w.sqlite()
        .raw_connection()
        .execute(
            "UPDATE staff SET role = 'reception' WHERE login = 'spatel'",
            [],
        )
        .unwrap();
    assert!(w.store.audit_page(&old, &AuditQuery::default()).is_err());
    w.sqlite()
        .raw_connection()
        .execute(
            "UPDATE staff SET role = 'manager' WHERE login = 'spatel'",
            [],
        )
        .unwrap();
    old.staff.as_mut().unwrap().role = safedesk::domain::Role::Manager;

    let all = |q: AuditQuery, store: &mut dyn Store| {
        let mut q = AuditQuery { limit: 3, ..q };
        let mut seqs = Vec::new();
        loop {
            let page = store.audit_page(&old, &q).unwrap();
            assert!(page.entries.len() <= 3);
            seqs.extend(page.entries.iter().map(|e| e.seq));
            if !page.more {
                return seqs;
            }
            q.before_seq = page.entries.last().map(|e| e.seq);
        }
    };
    let everything = all(AuditQuery::default(), &mut w.store);
    let total = w.store.counts().unwrap().audit as usize;
    assert_eq!(everything.len(), total);
    assert!(everything.windows(2).all(|p| p[0] > p[1]), "newest first");
    let by_amira = all(
        AuditQuery {
            staff: w.reception.staff.as_ref().map(|s| s.id),
            ..AuditQuery::default()
        },
        &mut w.store,
    );
    // Amira added Tunde and logged three incidents (an incident may open a case as her too).
    assert!(by_amira.len() >= 4, "{by_amira:?}");
    let tunde = all(
        AuditQuery {
            customer: Some(w.customer),
            ..AuditQuery::default()
        },
        &mut w.store,
    );
    assert!(tunde.len() >= 6 && tunde.len() < total, "{tunde:?}");
    let yesterday = all(
        AuditQuery {
            to: Some(today() - Duration::days(1)),
            ..AuditQuery::default()
        },
        &mut w.store,
    );
    assert!(yesterday.is_empty());
    let today_only = all(
        AuditQuery {
            from: Some(today()),
            to: Some(today()),
            ..AuditQuery::default()
        },
        &mut w.store,
    );
    assert_eq!(today_only.len(), total);
}

#[test]
fn card_views_are_gathered_and_written_in_one_batch() {
    let mut w = tunde();
    restrict(&mut w);
    let mut viewed = Viewed::new(std::time::Duration::from_secs(3600));
    for _ in 0..25 {
        viewed.seen(w.customer, Utc::now());
    }
    assert_eq!(viewed.take_due(false), None, "not yet a minute");
    let batch = viewed.take_due(true).unwrap();
    assert_eq!(viewed.batches(), 1);
    assert_eq!(
        batch.len(),
        1,
        "one card, looked at again and again, is one view"
    );
    assert_eq!(w.store.record_views(&w.reception, &batch).unwrap(), 1);
    // The same batch again (from the outbox) is recognised.
    assert_eq!(w.store.record_views(&w.reception, &batch).unwrap(), 0);
    let page = w
        .store
        .audit_page(
            &w.manager,
            &AuditQuery {
                customer: Some(w.customer),
                limit: 5,
                ..AuditQuery::default()
            },
        )
        .unwrap();
    assert_eq!(page.views.len(), 1);
    assert_eq!(page.views[0].who, "Amira Hassan");
    // Views are not changes: the chain did not move.
    assert_eq!(chain_break(&mut w.sqlite()), None);
}

#[test]
fn the_worker_writes_card_views_once_at_exit_not_per_card_open() {
    let mut w = tunde();
    restrict(&mut w);
    let other = w.store.add_customer(
        &w.reception,
        NewCustomer {
            name: Some("Zoë Åberg".into()),
            ..NewCustomer::default()
        },
    );
    let other = other.unwrap().id;
    let id = w.store.database_id().unwrap();
    let store = SqliteStore::open(&w.path, &opts()).unwrap();
    let ctx = Context {
        policy: w.policy.clone(),
        actor: w.reception.clone(),
        local: None,
        database: id,
        also: vec![],
        file: None,
        read_only: false,
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let (rtx, rrx) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        run(Box::new(store), ctx, rx, move |r| rtx.send(r).is_ok());
    });
    let views = |s: &mut SqliteStore| -> i64 {
        s.raw_connection()
            .query_row("SELECT count(*) FROM card_view", [], |r| r.get(0))
            .unwrap()
    };
    let version = w.store.data_version().unwrap();
    for _ in 0..10 {
        for c in [w.customer, other] {
            tx.send(safedesk::sync::Request::LoadCard { id: c })
                .unwrap();
            // Wait for the card, so each open is its own read.
            loop {
                match rrx
                    .recv_timeout(std::time::Duration::from_secs(30))
                    .unwrap()
                {
                    safedesk::sync::Reply::Card { id, .. } if id == c => break,
                    _ => {}
                }
            }
        }
    }
    // Twenty card opens, ten of a restricted customer: nothing written to the shared file yet.
    assert_eq!(views(&mut w.sqlite()), 0);
    assert_eq!(w.store.data_version().unwrap(), version);
    drop(tx);
    worker.join().unwrap();
    // At exit, one view (of the restricted customer only), in one write.
    assert_eq!(views(&mut w.sqlite()), 1);
    assert_ne!(w.store.data_version().unwrap(), version);
}

mod screens {
    use super::common::render;
    use super::common::screen::{app_as, search, staff};
    use chrono::{TimeZone, Utc};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use safedesk::app::keymap::Context;
    use safedesk::app::App;
    use safedesk::domain::{
        AuditEntry, AuditPage, AuditQuery, CardViewSeen, LookupHit, MatchedOn, Role,
    };
    use safedesk::sync::{Reply, Request};

    fn now() -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 15, 0, 0).unwrap()
    }

    fn press(a: &mut App, c: char) {
        a.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }

    fn entry(
        seq: i64,
        at: &str,
        who: &str,
        action: &str,
        entity: &str,
        before: Option<&str>,
        after: Option<&str>,
    ) -> AuditEntry {
        AuditEntry {
            seq,
            at: at.into(),
            who: who.into(),
            action: action.into(),
            entity: entity.into(),
            entity_id: "x".into(),
            customer_id: None,
            before: before.map(str::to_string),
            after: after.map(str::to_string),
            redacted: false,
        }
    }

    fn page() -> AuditPage {
        AuditPage {
            entries: vec![
                entry(
                    14,
                    "2026-11-29T14:10:00.000Z",
                    "Sam Patel",
                    "edit customer",
                    "customer",
                    Some(r#"{"postcode":"N3 1QE","notes":"","large_print":false}"#),
                    Some(r#"{"postcode":"N3 2AB","notes":"Prefers letters","large_print":true}"#),
                ),
                entry(
                    12,
                    "2026-11-24T09:30:00.000Z",
                    "Amira Hassan",
                    "log incident",
                    "incident",
                    None,
                    Some(
                        r#"{"id":"1","customer_id":"2","occurred_at":"2026-11-24T09:15:00.000Z","description":"Shouted at the receptionist and was asked to leave.","immediate_threat":false}"#,
                    ),
                ),
                entry(
                    11,
                    "2026-06-01T08:00:00.000Z",
                    "Amira Hassan",
                    "withdraw incident",
                    "incident",
                    Some(r#"{"withdrawn":false}"#),
                    Some(r#"{"withdrawn":true,"reason":"Logged against the wrong person"}"#),
                ),
            ],
            more: true,
            views: vec![CardViewSeen {
                at: Utc.with_ymd_and_hms(2026, 11, 29, 14, 2, 0).unwrap(),
                who: "Amira Hassan".into(),
            }],
        }
    }

    fn manager_on_deborah() -> App {
        let mut a = app_as(
            "sam",
            Some(staff(2, "Sam Patel", Role::Manager)),
            now(),
            true,
        );
        let h = safedesk::demo::demo_bulk(now())
            .histories()
            .remove(&safedesk::demo::DEBORAH_JOHNSON)
            .unwrap();
        search(
            &mut a,
            "deborah",
            vec![LookupHit {
                history: h.clone(),
                matched: MatchedOn::Name("Deborah Johnson".into()),
                score: 100,
            }],
        );
        a.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        a.on_reply(Reply::Card {
            id: h.customer.id,
            result: Ok(Some(Box::new(h))),
        });
        a.take_requests();
        a
    }

    fn answer(a: &mut App) -> AuditQuery {
        let q = a
            .take_requests()
            .into_iter()
            .find_map(|r| match r {
                Request::LoadAudit(q) => Some(q),
                _ => None,
            })
            .expect("the trail is read from the store");
        a.on_reply(Reply::AuditPage {
            query: q.clone(),
            result: Ok(page()),
        });
        q
    }

    #[test]
    fn a_customers_history_of_changes_in_words_80x24() {
        let mut a = manager_on_deborah();
        press(&mut a, 'h');
        assert_eq!(a.context(), Context::Audit);
        let q = answer(&mut a);
        assert!(q.customer.is_some());
        let screen = render(&a, 80, 24);
        assert!(
            screen.contains("Looked at by Amira Hassan, 29/11/2026 14:02"),
            "{screen}"
        );
        assert!(screen.contains("Postcode: N3 1QE → N3 2AB"), "{screen}");
        assert!(!screen.contains('{'), "never JSON: {screen}");
        insta::assert_snapshot!("customer_history_80x24", screen);
        // In each theme, its styles recorded; drawing it checks every character's contrast.
        for (theme, screen) in crate::common::screen::in_each_theme(&mut a, 80, 24) {
            insta::assert_snapshot!(format!("theme_audit_{theme}"), screen);
        }
        // Down at the end reads the next page, from the last entry shown.
        for _ in 0..3 {
            a.on_key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
        }
        let more = a.take_requests();
        assert!(
            more.iter()
                .any(|r| matches!(r, Request::LoadAudit(q) if q.before_seq == Some(11))),
            "{more:?}"
        );
    }

    #[test]
    fn the_offices_trail_filtered_by_staff_and_dates_80x24() {
        let mut a = manager_on_deborah();
        press(&mut a, 'm');
        a.on_reply(Reply::Queue(Ok(safedesk::domain::Queue::default())));
        a.take_requests();
        press(&mut a, 't');
        assert_eq!(a.context(), Context::Audit);
        answer(&mut a);
        press(&mut a, 's');
        for c in "amira".chars() {
            press(&mut a, c);
        }
        a.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        let q = answer(&mut a);
        assert_eq!(q.who.as_deref(), Some("amira"));
        press(&mut a, 'd');
        for c in "01/06/2026 29/11/2026".chars() {
            press(&mut a, c);
        }
        a.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        let q = answer(&mut a);
        assert_eq!(
            (q.from, q.to),
            (
                chrono::NaiveDate::from_ymd_opt(2026, 6, 1),
                chrono::NaiveDate::from_ymd_opt(2026, 11, 29)
            )
        );
        let screen = render(&a, 80, 24);
        insta::assert_snapshot!("office_trail_filtered_80x24", screen);
        // A bad date is refused with the field named; the filters stay as they were.
        press(&mut a, 'd');
        for c in "31/02/2026".chars() {
            press(&mut a, c);
        }
        a.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        assert!(render(&a, 80, 24).contains("Dates:"));
    }

    #[test]
    fn u_on_a_merge_in_the_trail_asks_then_undoes_that_merge() {
        let mut a = manager_on_deborah();
        press(&mut a, 'h');
        let q = a
            .take_requests()
            .into_iter()
            .find_map(|r| match r {
                Request::LoadAudit(q) => Some(q),
                _ => None,
            })
            .unwrap();
        let mut p = page();
        p.entries.insert(
            0,
            entry(
                15,
                "2026-11-29T15:00:00.000Z",
                "Sam Patel",
                "merge customers",
                "customer",
                None,
                Some(r#"{"survivor":"a","merged":"b"}"#),
            ),
        );
        a.on_reply(Reply::AuditPage {
            query: q,
            result: Ok(p),
        });
        // Not on a merge: u says what to highlight, and sends nothing.
        a.on_key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
        press(&mut a, 'u');
        assert!(a.take_requests().is_empty());
        assert!(render(&a, 80, 24).contains("u undoes that merge"));
        // On the merge: it asks first; n leaves it, y undoes that merge by its entry's number.
        a.on_key(KeyEvent::new(KeyCode::Up, KeyModifiers::NONE));
        press(&mut a, 'u');
        assert!(render(&a, 80, 24).contains("Undo the merge?"));
        press(&mut a, 'n');
        assert!(!a
            .take_requests()
            .iter()
            .any(|r| matches!(r, Request::ReverseMerge { .. })));
        press(&mut a, 'u');
        press(&mut a, 'y');
        let sent = a.take_requests();
        assert!(
            sent.iter().any(|r| matches!(
                r,
                Request::ReverseMerge {
                    which: safedesk::domain::MergeRef::AuditSeq(15)
                }
            )),
            "{sent:?}"
        );
    }

    #[test]
    fn reception_is_not_offered_the_history_and_is_told_why() {
        let mut a = manager_on_deborah();
        a.actor.staff.as_mut().unwrap().role = Role::Reception;
        press(&mut a, 'h');
        assert_eq!(a.context(), Context::Card);
        assert!(a.take_requests().is_empty());
        assert!(render(&a, 80, 24).contains("manager"));
    }
}
