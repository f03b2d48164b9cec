//! The records topic on both engines (issue 21): the audit trail read back (pages, filters, a
//! customer's trail through the records merged into theirs), card views, subject access and its
//! export, news heard back, debriefs, `safedesk check` (and backup) and retention. Each body runs
//! on a SQLite file and on a PostgreSQL database (tests/common/engine.rs) and must give the same
//! answers, refusals in the same words.
#![cfg(all(unix, feature = "postgres"))]

mod common;

use common::engine::{for_each_engine, Db, Engine};
use common::pg::PgServer;
use common::world::{actor, today};
use safedesk::domain::{Actor, AuditEntry, AuditQuery, CardView, Id, NewCustomer, Role};
use safedesk::store::{Store, StoreError};

/// An office on one engine: Alex Morgan (admin), Sam Patel (manager), Amira Hassan at
/// reception.
struct Office {
    db: Db,
    store: Box<dyn Store>,
    admin: Actor,
    manager: Actor,
    reception: Actor,
}

fn office(engine: Engine) -> Office {
    let (db, mut store) = Db::create(engine, ("admin", "Alex Morgan"));
    let admin = actor(&mut *store, "admin");
    store
        .add_staff(&admin, "spatel", "Sam Patel", Role::Manager)
        .unwrap();
    store
        .add_staff(&admin, "ahassan", "Amira Hassan", Role::Reception)
        .unwrap();
    let manager = actor(&mut *store, "spatel");
    let reception = actor(&mut *store, "ahassan");
    Office {
        db,
        store,
        admin,
        manager,
        reception,
    }
}

impl Office {
    /// Run `sql` on the database behind the store's back (a change made by hand).
    fn by_hand(&self, sql: &str) {
        match self.db.engine {
            Engine::Sqlite => {
                let path = self.db.sqlite_path().unwrap();
                rusqlite::Connection::open(path)
                    .unwrap()
                    .execute_batch(sql)
                    .unwrap();
            }
            Engine::Postgres => {
                let name = self.db.address["postgres://postgres@/".len()..]
                    .split('?')
                    .next()
                    .unwrap()
                    .to_string();
                PgServer::shared().unwrap().sql(&name, sql);
            }
        }
    }

    /// A customer, added by reception.
    fn customer(&mut self, name: &str) -> Id {
        self.store
            .add_customer(
                &self.reception,
                NewCustomer {
                    name: Some(name.into()),
                    ..NewCustomer::default()
                },
            )
            .unwrap()
            .id
    }
}

/// What an entry says, less the ids each engine made for itself.
fn said(entries: &[AuditEntry]) -> Vec<(i64, String, String, String)> {
    entries
        .iter()
        .map(|e| (e.seq, e.who.clone(), e.action.clone(), e.entity.clone()))
        .collect()
}

/// Run `body` on each engine and check every engine answered as the first (SQLite) did.
fn alike<T: std::fmt::Debug + PartialEq>(mut body: impl FnMut(Engine) -> T) -> T {
    let mut answers: Vec<(Engine, T)> = Vec::new();
    for_each_engine(|engine| answers.push((engine, body(engine))));
    let (first_engine, first) = answers.remove(0);
    for (engine, answer) in answers {
        assert_eq!(
            first, answer,
            "{first_engine} and {engine} answer differently"
        );
    }
    first
}

#[test]
fn the_audit_trail_is_read_by_managers_a_page_at_a_time_and_by_filter_alike() {
    alike(|engine| {
        let mut o = office(engine);
        let q = AuditQuery {
            limit: 1,
            ..AuditQuery::default()
        };
        // Reception is refused, in the same words.
        let refused = o.store.audit_page(&o.reception, &q).unwrap_err();
        assert!(
            matches!(refused, StoreError::NotAllowed(_)),
            "{engine}: {refused}"
        );
        // Newest first, a page at a time.
        let first = o.store.audit_page(&o.manager, &q).unwrap();
        assert!(first.more, "{engine}");
        let next = o
            .store
            .audit_page(
                &o.manager,
                &AuditQuery {
                    before_seq: Some(first.entries[0].seq),
                    ..q.clone()
                },
            )
            .unwrap();
        // By member of staff, by part of a name in other capitals, by London day.
        let alex = o.admin.staff.as_ref().unwrap().id;
        let all = AuditQuery {
            limit: 50,
            ..AuditQuery::default()
        };
        let by_staff = o
            .store
            .audit_page(
                &o.manager,
                &AuditQuery {
                    staff: Some(alex),
                    ..all.clone()
                },
            )
            .unwrap();
        let by_name = o
            .store
            .audit_page(
                &o.manager,
                &AuditQuery {
                    who: Some("  MORGAN ".into()),
                    from: Some(today()),
                    to: Some(today()),
                    ..all.clone()
                },
            )
            .unwrap();
        assert_eq!(by_staff, by_name, "{engine}");
        let yesterday = today() - chrono::Duration::days(1);
        let none = o
            .store
            .audit_page(
                &o.manager,
                &AuditQuery {
                    to: Some(yesterday),
                    ..all.clone()
                },
            )
            .unwrap();
        assert!(none.entries.is_empty(), "{engine}");
        // One record's history.
        let sam = o.manager.staff.as_ref().unwrap().id.to_string();
        let about_sam = o.store.audit_for(&sam).unwrap();
        (
            refused.to_string(),
            said(&first.entries),
            said(&next.entries),
            next.more,
            said(&by_staff.entries),
            said(&about_sam),
        )
    });
}

#[test]
fn card_views_are_written_once_and_shown_with_the_customer_s_trail_alike() {
    alike(|engine| {
        let mut o = office(engine);
        let tunde = o.customer("Tunde Okafor");
        let at = safedesk::time::whole_seconds(chrono::Utc::now());
        let view = |minutes: i64| CardView {
            id: safedesk::domain::new_id(),
            customer: tunde,
            at: at - chrono::Duration::minutes(minutes),
        };
        let (a, b) = (view(2), view(1));
        let nobody = CardView {
            customer: safedesk::domain::new_id(),
            ..view(3)
        };
        let written = o
            .store
            .record_views(&o.reception, &[a.clone(), b.clone(), nobody])
            .unwrap();
        // Sent again from the outbox: nothing new.
        let again = o.store.record_views(&o.reception, &[a, b]).unwrap();
        let none = o.store.record_views(&o.reception, &[]).unwrap();
        let page = o
            .store
            .audit_page(
                &o.manager,
                &AuditQuery {
                    customer: Some(tunde),
                    limit: 10,
                    ..AuditQuery::default()
                },
            )
            .unwrap();
        let views: Vec<(i64, String)> = page
            .views
            .iter()
            .map(|v| ((at - v.at).num_minutes(), v.who.clone()))
            .collect();
        (written, again, none, views)
    });
}

#[test]
fn subject_access_exports_are_recorded_by_managers_only_alike() {
    alike(|engine| {
        let mut o = office(engine);
        let tunde = o.customer("Tunde Okafor");
        let refused = o
            .store
            .record_export(&o.reception, tunde, "/exports")
            .unwrap_err();
        assert!(matches!(refused, StoreError::NotAllowed(_)), "{engine}");
        o.store
            .record_export(&o.manager, tunde, "/exports")
            .unwrap();
        let trail = o.store.audit_for(&tunde.to_string()).unwrap();
        let export = trail.last().unwrap();
        // What is held about them.
        let sa = o.store.subject_access(tunde).unwrap().unwrap();
        assert_eq!(sa.history.customer.id, tunde, "{engine}");
        (
            refused.to_string(),
            export.action.clone(),
            export.after.clone(),
            export.customer_id.clone() == Some(tunde.to_string()),
        )
    });
}

#[test]
fn news_and_debriefs_refuse_alike() {
    alike(|engine| {
        let mut o = office(engine);
        let tunde = o.customer("Tunde Okafor");
        let heard = o.store.heard_back(&o.reception, 5).unwrap();
        let events = vec!["case:00000000-0000-0000-0000-000000000001".to_string()];
        let dismissed = o.store.dismiss_news(&o.reception, &events).unwrap();
        let again = o.store.dismiss_news(&o.reception, &events).unwrap();
        let nothing = o.store.dismiss_news(&o.reception, &[]).unwrap();
        let unknown = Actor {
            login: "visitor".into(),
            staff: None,
        };
        let no_news = o.store.heard_back(&unknown, 5).unwrap();
        let no_incident = o
            .store
            .request_debrief(&o.reception, safedesk::domain::new_id())
            .unwrap_err()
            .to_string();
        let tomorrow = today() + chrono::Duration::days(1);
        let future = o
            .store
            .debrief_held(&o.manager, safedesk::domain::new_id(), tomorrow)
            .unwrap_err()
            .to_string();
        let not_one = o
            .store
            .debrief_held(&o.manager, safedesk::domain::new_id(), today())
            .unwrap_err()
            .to_string();
        let by_reception = o
            .store
            .debrief_held(&o.reception, safedesk::domain::new_id(), today())
            .unwrap_err()
            .to_string();
        let debriefs = o.store.debriefs_for(tunde).unwrap();
        (
            heard,
            dismissed,
            again,
            nothing,
            no_news,
            no_incident,
            future,
            not_one,
            by_reception,
            debriefs,
        )
    });
}

#[test]
fn retention_is_for_admins_and_leaves_the_chain_whole_alike() {
    alike(|engine| {
        let mut o = office(engine);
        o.customer("Tunde Okafor");
        let plan = o.store.retention_plan(today()).unwrap();
        let by_manager = o
            .store
            .retention_run(&o.manager, today())
            .unwrap_err()
            .to_string();
        let by_reception = o
            .store
            .retention_run(&o.reception, today())
            .unwrap_err()
            .to_string();
        let run = o.store.retention_run(&o.admin, today()).unwrap();
        let step = o.store.retention_due_step(today(), 0).unwrap();
        let rest = o.store.retention_due_step(today(), 1).unwrap();
        let chain = o.store.check(true).unwrap().audit_chain.unwrap();
        assert_eq!(chain.first_break, None, "{engine}");
        let entry = o.store.audit_for("").unwrap();
        let after: serde_json::Value =
            serde_json::from_str(entry[0].after.as_deref().unwrap()).unwrap();
        (
            plan,
            by_manager,
            by_reception,
            run,
            step,
            rest,
            entry[0].action.clone(),
            after["removed"].clone(),
        )
    });
}

#[test]
fn check_finds_an_entry_changed_by_hand_alike_and_a_server_leaves_backups_to_pg_dump() {
    alike(|engine| {
        let mut o = office(engine);
        o.customer("Tunde Okafor");
        let sound = o.store.check(false).unwrap();
        assert!(sound.ok, "{engine}: {sound:?}");
        let counts = sound.counts.clone().unwrap();
        o.by_hand("UPDATE audit SET after = '{}' WHERE seq = 2");
        let found = o.store.check(true).unwrap();
        assert!(!found.ok, "{engine}");
        let first = found.audit_chain.clone().unwrap().first_break.unwrap();
        let backup = o.store.backup_to(
            &o.db.dir.path().join("backup.sqlite"),
            false,
            &mut |_, _| {},
        );
        match engine {
            Engine::Sqlite => assert!(backup.is_ok(), "{backup:?}"),
            Engine::Postgres => {
                let e = backup.unwrap_err().to_string();
                assert!(e.contains("pg_dump --format=custom"), "{e}");
                assert!(e.contains(&o.store.location()), "{e}");
            }
        }
        (
            counts.staff,
            // Every entry followed (on the server the customer was put in by hand, unaudited,
            // until adding customers is ported there).
            sound.audit_chain.unwrap().checked == counts.audit,
            sound.foreign_key_problem_count,
            first.seq,
            first.problem,
            first.who,
            first.action,
        )
    });
}

#[test]
fn a_server_check_follows_every_link_and_checks_the_indexes_when_amcheck_is_there() {
    for_each_engine(|engine| {
        if engine != Engine::Postgres {
            return;
        }
        let o = office(engine);
        let mut store = o.db.open();
        let report = store.check(false).unwrap();
        assert!(report.ok, "{report:?}");
        assert!(report.notes.iter().any(|n| n.contains("amcheck")));
        // A link broken behind the server's back (its checks switched off).
        o.by_hand(
            "SET session_replication_role = replica; \
             INSERT INTO heard_back (staff_id, event, dismissed_at) \
             VALUES (gen_random_uuid(), 'case:y', now()); \
             CREATE EXTENSION amcheck;",
        );
        let report = store.check(false).unwrap();
        assert!(!report.ok);
        assert_eq!(report.foreign_key_problem_count, 1, "{report:?}");
        let link = &report.foreign_key_problems[0];
        assert_eq!(
            (
                link.table.as_str(),
                link.column.as_str(),
                link.parent.as_str()
            ),
            ("heard_back", "staff_id", "staff")
        );
        assert_eq!(report.integrity_problem_count, 0, "{report:?}");
        assert!(!report.notes.iter().any(|n| n.contains("amcheck")));
        // The quick check does not look at the indexes.
        assert_eq!(store.check(true).unwrap().check, "server quick check");
    });
}

// ---------------------------------------------------------------------------------------------
// Both engines, the same answers: a world made through the SQLite store and copied to a server
// with the lead's `copy::from_sqlite`, then every question asked of both.

use safedesk::domain::{NewIncident, RecordKind, SettingKind};
use safedesk::store::postgres::{PgConfig, PgStore};
use std::path::Path;

/// The demo office on a file, with everything kept one year so its older records are due, and
/// one of its customers merged into another; and the same copied to a server database.
struct Both {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    sqlite: safedesk::store::SqliteStore,
    pg: PgStore,
    server: &'static PgServer,
    dbname: String,
    survivor: Id,
    merged: Id,
}

fn keeping_one_year() -> String {
    let mut p = safedesk::policy::BUILT_IN.to_string();
    for (field, years) in [
        ("incidents_years = 3", "incidents_years = 1"),
        ("cases_years = 6", "cases_years = 1"),
        ("decisions_years = 6", "decisions_years = 1"),
        ("letters_years = 6", "letters_years = 1"),
        ("customers_years = 6", "customers_years = 1"),
    ] {
        assert!(p.contains(field), "{field}");
        p = p.replace(field, years);
    }
    p
}

/// None (the test says so) where PostgreSQL cannot be tested.
fn both(test: &str) -> Option<Both> {
    let Some(server) = PgServer::shared() else {
        eprintln!("{test}: no PostgreSQL server to compare with");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let mut sqlite = safedesk::demo::db::create(&path, &common::engine::opts()).unwrap();
    let admin = actor(&mut sqlite, "admin");
    sqlite
        .set_office_setting(&admin, SettingKind::Policy, &keeping_one_year())
        .unwrap();
    // A duplicate record of a demo customer, with an incident, merged into theirs.
    let manager = actor(&mut sqlite, "spatel");
    let reception = actor(&mut sqlite, "ahassan");
    let survivor = safedesk::demo::TUNDE_OKAFOR;
    let dup = sqlite
        .add_customer(
            &reception,
            NewCustomer {
                name: Some("Tunde Okafor".into()),
                ..NewCustomer::default()
            },
        )
        .unwrap();
    let policy = safedesk::policy::Policy::built_in();
    sqlite
        .record_incident(
            &reception,
            &policy,
            &NewIncident::example(dup.id, "Tunde Okafor"),
        )
        .unwrap();
    let v =
        |s: &mut safedesk::store::SqliteStore, id| s.history(id).unwrap().unwrap().customer.version;
    let (sv, dv) = (v(&mut sqlite, survivor), v(&mut sqlite, dup.id));
    sqlite
        .merge_customers(&manager, &policy, (survivor, sv), (dup.id, dv))
        .unwrap();
    // Three incidents Tom Fletcher logged about one customer today: a case for a manager,
    // news for him.
    let tom = actor(&mut sqlite, "tfletcher");
    let shouting = sqlite
        .add_customer(
            &tom,
            NewCustomer {
                name: Some("Marta Silva".into()),
                ..NewCustomer::default()
            },
        )
        .unwrap();
    for _ in 0..3 {
        sqlite
            .record_incident(
                &tom,
                &policy,
                &NewIncident::example(shouting.id, "Marta Silva"),
            )
            .unwrap();
    }
    // Someone recorded three years ago (set back by hand), with their audited incident: the
    // run removes both, and the audit entries about them forget what they said.
    let gone = sqlite
        .add_customer(
            &reception,
            NewCustomer {
                name: Some("Long Gone".into()),
                ..NewCustomer::default()
            },
        )
        .unwrap();
    sqlite
        .record_incident(
            &reception,
            &policy,
            &NewIncident::example(gone.id, "Long Gone"),
        )
        .unwrap();
    let then = safedesk::time::to_db(chrono::Utc::now() - chrono::Duration::days(3 * 365));
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(&format!(
            "UPDATE customer SET created_at = '{then}' WHERE id = '{gone}'; \
             UPDATE incident SET occurred_at = '{then}', logged_at = '{then}' \
             WHERE customer_id = '{gone}';",
            gone = gone.id
        ))
        .unwrap();
    // Two views of the survivor's card.
    let views: Vec<CardView> = (0..2)
        .map(|i| CardView {
            id: safedesk::domain::new_id(),
            customer: survivor,
            at: safedesk::time::whole_seconds(chrono::Utc::now()) - chrono::Duration::minutes(i),
        })
        .collect();
    sqlite.record_views(&reception, &views).unwrap();
    let dbname = server.fresh_database(test);
    let config = PgConfig::parse(&server.superuser_address(&dbname)).unwrap();
    safedesk::store::postgres::copy::from_sqlite(&path, &config).unwrap();
    let pg = PgStore::open(&config, &common::engine::opts()).unwrap();
    Some(Both {
        _dir: dir,
        path,
        sqlite,
        pg,
        server,
        dbname,
        survivor,
        merged: dup.id,
    })
}

impl Both {
    /// Who `login` is, on the file (the same ids were copied to the server).
    fn who(&mut self, login: &str) -> Actor {
        actor(&mut self.sqlite, login)
    }

    /// Ask both engines the same question.
    fn ask<T: std::fmt::Debug + PartialEq>(&mut self, mut f: impl FnMut(&mut dyn Store) -> T) -> T {
        let on_file = f(&mut self.sqlite);
        let on_server = f(&mut self.pg);
        assert_eq!(
            on_file, on_server,
            "the file and the server answer differently"
        );
        on_file
    }
}

fn err<T: std::fmt::Debug>(r: safedesk::store::Result<T>) -> String {
    r.unwrap_err().to_string()
}

#[test]
fn the_audit_trail_reads_back_alike_and_reception_is_refused_alike() {
    let Some(mut b) = both("pg_records_audit") else {
        return;
    };
    let (reception, manager) = (b.who("ahassan"), b.who("spatel"));
    let q = AuditQuery {
        limit: 40,
        ..AuditQuery::default()
    };
    let refused = b.ask(|s| err(s.audit_page(&reception, &q)));
    assert!(
        refused.contains("Only managers and admins can read the audit trail"),
        "{refused}"
    );
    // The newest page, then the one before it.
    let first = b.ask(|s| s.audit_page(&manager, &q).unwrap());
    assert!(first.more && first.entries.len() == 40);
    let before = first.entries.last().unwrap().seq;
    b.ask(|s| {
        s.audit_page(
            &manager,
            &AuditQuery {
                before_seq: Some(before),
                ..q.clone()
            },
        )
        .unwrap()
    });
    // A customer's trail reads through the record merged into theirs, with the card's views.
    let (survivor, merged) = (b.survivor, b.merged);
    let theirs = b.ask(|s| {
        s.audit_page(
            &manager,
            &AuditQuery {
                customer: Some(survivor),
                limit: 500,
                ..AuditQuery::default()
            },
        )
        .unwrap()
    });
    assert!(theirs
        .entries
        .iter()
        .any(|e| e.customer_id.as_deref() == Some(&merged.to_string())));
    assert_eq!(theirs.views.len(), 2);
    // By member of staff, by name, by London day.
    let amira = reception.staff.as_ref().unwrap().id;
    let by_staff = b.ask(|s| {
        s.audit_page(
            &manager,
            &AuditQuery {
                staff: Some(amira),
                ..q.clone()
            },
        )
        .unwrap()
    });
    assert!(!by_staff.entries.is_empty());
    b.ask(|s| {
        s.audit_page(
            &manager,
            &AuditQuery {
                who: Some("AMIRA".into()),
                from: Some(today()),
                to: Some(today()),
                ..q.clone()
            },
        )
        .unwrap()
    });
    let one_day = today() - chrono::Duration::days(40);
    b.ask(|s| {
        s.audit_page(
            &manager,
            &AuditQuery {
                from: Some(one_day),
                to: Some(one_day),
                ..q.clone()
            },
        )
        .unwrap()
    });
    let about = b.ask(|s| s.audit_for(&merged.to_string()).unwrap());
    assert!(!about.is_empty());
}

#[test]
fn card_views_are_written_once_on_either_engine() {
    let Some(mut b) = both("pg_records_views") else {
        return;
    };
    let reception = b.who("tfletcher");
    let view = CardView {
        id: safedesk::domain::new_id(),
        customer: b.survivor,
        at: chrono::Utc::now(),
    };
    let nowhere = CardView {
        id: safedesk::domain::new_id(),
        customer: safedesk::domain::new_id(),
        at: chrono::Utc::now(),
    };
    let views = [view.clone(), nowhere];
    assert_eq!(b.ask(|s| s.record_views(&reception, &views).unwrap()), 1);
    assert_eq!(
        b.ask(|s| s
            .record_views(&reception, std::slice::from_ref(&view))
            .unwrap()),
        0
    );
    let (manager, survivor) = (b.who("spatel"), b.survivor);
    let page = b.ask(|s| {
        s.audit_page(
            &manager,
            &AuditQuery {
                customer: Some(survivor),
                limit: 5,
                ..AuditQuery::default()
            },
        )
        .unwrap()
    });
    assert_eq!(page.views.len(), 3);
    // Written once: the demo's own views may share its second, so it is found, not indexed.
    assert_eq!(
        page.views
            .iter()
            .filter(|v| v.who == "Tom Fletcher")
            .count(),
        1,
        "{:?}",
        page.views
    );
}

#[test]
fn news_and_debriefs_alike() {
    let Some(mut b) = both("pg_records_news") else {
        return;
    };
    // Whoever logged the demo's incidents hears back alike, and dismisses alike.
    let mut heard = Vec::new();
    for login in ["ahassan", "tfletcher"] {
        let who = b.who(login);
        let news = b.ask(|s| s.heard_back(&who, 5).unwrap());
        heard.push((who, news));
    }
    let (who, news) = heard
        .into_iter()
        .find(|(_, n)| !n.items.is_empty())
        .expect("someone in the demo hears back");
    let event = vec![news.items[0].event.clone()];
    assert_eq!(b.ask(|s| s.dismiss_news(&who, &event).unwrap()), 1);
    assert_eq!(b.ask(|s| s.dismiss_news(&who, &event).unwrap()), 0);
    b.ask(|s| s.heard_back(&who, 5).unwrap());
    // A debrief: asked for after one of the survivor's incidents (each engine makes its own
    // case), held, and refused alike.
    let survivor = b.survivor;
    let incident = b.sqlite.history(survivor).unwrap().unwrap().incidents[0].id;
    let case_on_file = b.sqlite.request_debrief(&who, incident).unwrap();
    let case_on_server = b.pg.request_debrief(&who, incident).unwrap();
    assert_eq!(
        b.sqlite.request_debrief(&who, incident).unwrap(),
        case_on_file
    );
    assert_eq!(
        b.pg.request_debrief(&who, incident).unwrap(),
        case_on_server
    );
    let manager = b.who("spatel");
    let tomorrow = today() + chrono::Duration::days(1);
    let future = b.ask(|s| err(s.debrief_held(&manager, safedesk::domain::new_id(), tomorrow)));
    assert!(future.contains("is in the future"), "{future}");
    b.sqlite
        .debrief_held(&manager, case_on_file, today())
        .unwrap();
    b.pg.debrief_held(&manager, case_on_server, today())
        .unwrap();
    assert_eq!(
        err(b.sqlite.debrief_held(&manager, case_on_file, today())),
        err(b.pg.debrief_held(&manager, case_on_server, today()))
    );
    let strip = |d: Vec<safedesk::domain::Debrief>| {
        d.into_iter()
            .map(|d| {
                (
                    d.incident_id,
                    d.staff_name,
                    d.requested_by,
                    d.held_on,
                    d.held_by,
                )
            })
            .collect::<Vec<_>>()
    };
    let on_file = strip(b.sqlite.debriefs_for(survivor).unwrap());
    assert_eq!(on_file, strip(b.pg.debriefs_for(survivor).unwrap()));
    assert_eq!(on_file.len(), 1);
    let missing = b.ask(|s| err(s.request_debrief(&who, safedesk::domain::new_id())));
    assert!(missing.contains("that incident"), "{missing}");
}

#[test]
fn retention_removes_the_same_and_both_chains_still_verify() {
    let Some(mut b) = both("pg_records_retention") else {
        return;
    };
    let plan = b.ask(|s| s.retention_plan(today()).unwrap());
    assert!(plan.items.len() > 50, "{}", plan.items.len());
    for kind in [
        RecordKind::Incident,
        RecordKind::Customer,
        RecordKind::Decision,
    ] {
        assert!(plan.items.iter().any(|i| i.kind == kind), "{kind:?}");
    }
    let step = b.ask(|s| s.retention_due_step(today(), 0).unwrap());
    assert!(step.1.is_some());
    let manager = b.who("spatel");
    let refused = b.ask(|s| err(s.retention_run(&manager, today())));
    assert!(
        refused.contains("remove records past their keeping period"),
        "{refused}"
    );
    let admin = b.who("admin");
    let done = b.ask(|s| s.retention_run(&admin, today()).unwrap());
    assert_eq!(done.items, plan.items);
    b.ask(|s| s.counts().unwrap());
    b.ask(|s| s.retention_plan(today()).unwrap().items);
    let chain = b.ask(|s| {
        let mut c = s.check(true).unwrap().audit_chain.unwrap();
        c.checked = 0; // The two runs wrote their own entries; what matters is that both hold.
        c
    });
    assert_eq!(chain.first_break, None);
    assert!(chain.redacted > 0);
}

#[test]
fn check_answers_alike_and_finds_an_entry_changed_by_hand() {
    let Some(mut b) = both("pg_records_check") else {
        return;
    };
    let summary = |s: &mut dyn Store| {
        let r = s.check(false).unwrap();
        (r.ok, r.counts, r.audit_chain, r.foreign_key_problem_count)
    };
    let (ok, ..) = b.ask(summary);
    assert!(ok);
    rusqlite::Connection::open(&b.path)
        .unwrap()
        .execute("UPDATE audit SET after = '{}' WHERE seq = 5", [])
        .unwrap();
    b.server
        .sql(&b.dbname, "UPDATE audit SET after = '{}' WHERE seq = 5");
    let (ok, _, chain, _) = b.ask(summary);
    assert!(!ok);
    let first = chain.unwrap().first_break.unwrap();
    assert_eq!(first.seq, 5);
    assert!(
        first.problem.contains("before or after was changed"),
        "{}",
        first.problem
    );
    // On a server, a backup is the server's job.
    let e = err(b
        .pg
        .backup_to(Path::new("/tmp/never.sqlite"), false, &mut |_, _| {}));
    assert!(e.contains("pg_dump"), "{e}");
}

#[test]
fn what_is_held_about_a_customer_is_the_same_on_the_server() {
    let Some(mut b) = both("pg_records_subject_access") else {
        return;
    };
    let survivor = b.survivor;
    let on_file = b.sqlite.subject_access(survivor).unwrap().unwrap();
    assert!(on_file.merged.contains(&b.merged));
    assert!(!on_file.audit.is_empty());
    let on_server = b.pg.subject_access(survivor).unwrap().unwrap();
    assert_eq!(
        safedesk::domain::SubjectAccess {
            made_at: on_file.made_at,
            ..on_server
        },
        on_file
    );
    assert!(b
        .pg
        .subject_access(safedesk::domain::new_id())
        .unwrap()
        .is_none());
    let nobody = safedesk::domain::new_id();
    assert!(b.sqlite.subject_access(nobody).unwrap().is_none());
}
