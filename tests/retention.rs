//! Retention (issue 16, item 3) and subject access exports (item 4), on real SQLite files and
//! through the binary.

mod common;
use common::world::{actor, opts, today, tunde};
use common::{safedesk, stderr, stdout};

use safedesk::domain::{NewCustomer, NewIncident, RecordKind, RetentionItem, SettingKind, Subject};
use safedesk::store::{SqliteStore, Store, StoreError};
use std::collections::HashSet;
use std::path::Path;

/// The built-in policy with every kind of record kept `years` years.
fn policy_keeping(years: u32) -> String {
    let mut p = safedesk::policy::BUILT_IN.to_string();
    for field in [
        "incidents_years = 3",
        "cases_years = 6",
        "decisions_years = 6",
        "letters_years = 6",
        "customers_years = 6",
    ] {
        let name = field.split(' ').next().unwrap();
        assert!(p.contains(field), "{field}");
        p = p.replace(field, &format!("{name} = {years}"));
    }
    p
}

/// A demo database whose office policy keeps everything one year, so the demo's older records
/// are due today.
fn demo_keeping_one_year(dir: &Path) -> (SqliteStore, safedesk::domain::Actor) {
    let path = dir.join("demo.sqlite");
    let mut store = safedesk::demo::db::create(&path, &opts()).unwrap();
    let admin = actor(&mut store, "admin");
    store
        .set_office_setting(&admin, SettingKind::Policy, &policy_keeping(1))
        .unwrap();
    (store, admin)
}

fn listed(items: &[RetentionItem]) -> Vec<(RecordKind, String, String)> {
    let mut v: Vec<_> = items
        .iter()
        .map(|i| (i.kind, i.customer_id.clone(), i.record_id.clone()))
        .collect();
    v.sort();
    v
}

fn raw(store_path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(store_path).unwrap()
}

fn count(conn: &rusqlite::Connection, sql: &str, id: &str) -> i64 {
    conn.query_row(sql, [id], |r| r.get(0)).unwrap()
}

#[test]
fn the_dry_run_and_the_real_run_on_the_demo_remove_exactly_what_was_listed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, admin) = demo_keeping_one_year(dir.path());
    let path = store.path().to_path_buf();
    let before = store.counts().unwrap();
    let plan = store.retention_plan(today()).unwrap();
    assert!(plan.items.len() > 50, "{}", plan.items.len());
    for kind in [
        RecordKind::Incident,
        RecordKind::Customer,
        RecordKind::Decision,
    ] {
        assert!(plan.items.iter().any(|i| i.kind == kind), "{kind:?}");
    }
    // A manager may look, not remove.
    let manager = actor(&mut store, "spatel");
    let e = store.retention_run(&manager, today()).unwrap_err();
    assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");

    let done = store.retention_run(&admin, today()).unwrap();
    assert_eq!(listed(&done.items), listed(&plan.items));
    assert!(store.retention_plan(today()).unwrap().items.is_empty());

    let after = store.counts().unwrap();
    let n = |k: RecordKind| plan.items.iter().filter(|i| i.kind == k).count() as u64;
    assert_eq!(after.incidents, before.incidents - n(RecordKind::Incident));
    assert_eq!(after.decisions, before.decisions - n(RecordKind::Decision));
    assert_eq!(after.customers, before.customers - n(RecordKind::Customer));

    let conn = raw(&path);
    for i in &plan.items {
        let table = match i.kind {
            RecordKind::Incident => "incident",
            RecordKind::Decision => "decision",
            RecordKind::Case => "escalation_case",
            RecordKind::Restriction => "restriction",
            RecordKind::Review => "review",
            RecordKind::Letter => "letter",
            RecordKind::Customer => "customer",
        };
        let sql = format!("SELECT count(*) FROM {table} WHERE id = ?1");
        assert_eq!(count(&conn, &sql, &i.record_id), 0, "{i:?}");
        // The audit keeps that something happened to the record, not what it said.
        let said = count(
            &conn,
            "SELECT count(*) FROM audit WHERE entity_id = ?1 AND (before IS NOT NULL OR after IS NOT NULL)",
            &i.record_id,
        );
        assert_eq!(said, 0, "{i:?}");
    }
    // Gone customers are gone from every lookup.
    let gone: Vec<&RetentionItem> = plan
        .items
        .iter()
        .filter(|i| i.kind == RecordKind::Customer)
        .collect();
    for g in gone.iter().take(20) {
        let hits = store.lookup(&g.customer_name, 30).unwrap();
        assert!(
            hits.iter()
                .all(|h| h.history.customer.id.to_string() != g.customer_id),
            "{}",
            g.customer_name
        );
    }
    // The run is in the audit: how many and the rules, never who.
    let entries = store.audit_for("").unwrap();
    let run = entries.iter().rfind(|e| e.action == "retention").unwrap();
    let said = run.after.clone().unwrap();
    assert!(said.contains("\"incidents\":"), "{said}");
    assert!(said.contains("incidents_years"), "{said}");
    for g in &gone {
        assert!(!said.contains(&g.customer_name) && !said.contains(&g.customer_id));
    }
    let report = store.check(false).unwrap();
    assert!(report.ok, "{:?}", report.foreign_key_problems);
}

#[test]
fn nothing_behind_a_restriction_in_force_an_open_case_or_an_owed_letter_goes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let mut store = safedesk::demo::db::create(&path, &opts()).unwrap();
    let admin = actor(&mut store, "admin");
    // Fifty years on, everything not held back is due.
    let later = today() + chrono::Duration::days(365 * 50);
    let plan = store.retention_plan(later).unwrap();
    assert!(plan.held > 0);
    let mut held: HashSet<String> = HashSet::new();
    held.extend(
        store
            .open_cases()
            .unwrap()
            .iter()
            .map(|c| c.customer_id.to_string()),
    );
    held.extend(
        store
            .letters_owed()
            .unwrap()
            .iter()
            .map(|l| l.customer_id.to_string()),
    );
    let conn = raw(&path);
    let mut st = conn
        .prepare("SELECT DISTINCT customer_id FROM restriction WHERE ends_at IS NULL OR ends_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now')")
        .unwrap();
    let in_force: Vec<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!in_force.is_empty());
    held.extend(in_force);
    let deborah: String = conn
        .query_row(
            "SELECT id FROM customer WHERE name = 'Deborah Johnson'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(held.contains(&deborah));
    for i in &plan.items {
        assert!(!held.contains(&i.customer_id), "{i:?}");
    }
    let incidents_of = |conn: &rusqlite::Connection, id: &str| {
        count(
            conn,
            "SELECT count(*) FROM incident WHERE customer_id = ?1",
            id,
        )
    };
    let kept = incidents_of(&conn, &deborah);
    assert!(kept > 0);
    let done = store.retention_run(&admin, later).unwrap();
    assert_eq!(listed(&done.items), listed(&plan.items));
    assert_eq!(incidents_of(&conn, &deborah), kept);
    for id in &held {
        assert_eq!(
            count(&conn, "SELECT count(*) FROM customer WHERE id = ?1", id),
            1
        );
    }
}

#[test]
fn a_run_while_another_connection_writes_respects_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, admin) = demo_keeping_one_year(dir.path());
    let path = store.path().to_path_buf();
    let plan = store.retention_plan(today()).unwrap();
    let due: Vec<(String, String)> = plan
        .items
        .iter()
        .filter(|i| i.kind == RecordKind::Customer && i.record_id == i.customer_id)
        .map(|i| (i.customer_id.clone(), i.customer_name.clone()))
        .take(40)
        .collect();
    assert!(due.len() >= 20);
    let (started_tx, started) = std::sync::mpsc::channel();
    let writer = {
        let path = path.clone();
        let due = due.clone();
        std::thread::spawn(move || {
            let mut other = SqliteStore::open(
                &path,
                &safedesk::store::OpenOptions {
                    busy_timeout_ms: 30_000,
                    ..Default::default()
                },
            )
            .unwrap();
            let who = actor(&mut other, "ahassan");
            let policy = safedesk::policy::Policy::built_in();
            let mut out = Vec::new();
            for (k, (id, name)) in due.iter().enumerate() {
                let inc = NewIncident::example(id.parse().unwrap(), name);
                out.push((inc.id, other.record_incident(&who, &policy, &inc)));
                if k == 2 {
                    started_tx.send(()).unwrap();
                }
            }
            out
        })
    };
    started
        .recv_timeout(std::time::Duration::from_secs(30))
        .unwrap();
    let done = store.retention_run(&admin, today()).unwrap();
    let saved = writer.join().unwrap();
    let removed: HashSet<&str> = done
        .items
        .iter()
        .filter(|i| i.kind == RecordKind::Customer)
        .map(|i| i.record_id.as_str())
        .collect();
    let conn = raw(&path);
    let mut kept_by_a_new_incident = 0;
    for ((id, _), (incident, result)) in due.iter().zip(&saved) {
        match result {
            Ok(_) => {
                // Saved before the run: the customer's new incident keeps them; saved after:
                // impossible, the customer was gone.
                assert!(!removed.contains(id.as_str()), "{id}");
                assert_eq!(
                    count(
                        &conn,
                        "SELECT count(*) FROM incident WHERE id = ?1",
                        &incident.to_string()
                    ),
                    1
                );
                kept_by_a_new_incident += 1;
            }
            Err(e) => {
                assert!(removed.contains(id.as_str()), "{id}: {e}");
            }
        }
    }
    assert!(kept_by_a_new_incident >= 3);
    let report = store.check(false).unwrap();
    assert!(report.ok, "{:?}", report.foreign_key_problems);
}

#[test]
fn removed_customers_leave_this_pcs_search_copy() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, admin) = demo_keeping_one_year(dir.path());
    let path = store.path().to_path_buf();
    let gone = store
        .retention_plan(today())
        .unwrap()
        .items
        .into_iter()
        .find(|i| i.kind == RecordKind::Customer && !i.customer_name.starts_with("Unidentified"))
        .unwrap();
    let mut other = SqliteStore::open(&path, &opts()).unwrap();
    other.use_local_index(&dir.path().join("local"), false);
    assert!(other.build_local_index().unwrap());
    let found = |s: &mut SqliteStore| {
        s.lookup(&gone.customer_name, 30)
            .unwrap()
            .iter()
            .any(|h| h.history.customer.id.to_string() == gone.customer_id)
    };
    assert!(found(&mut other));
    store.retention_run(&admin, today()).unwrap();
    assert!(!found(&mut other), "{}", gone.customer_name);
    assert!(!found(&mut store));
}

#[test]
fn an_export_of_a_demo_customer_holds_every_record_about_them_and_none_about_another() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let mut store = safedesk::demo::db::create(&path, &opts()).unwrap();
    let conn = raw(&path);
    let id: String = conn
        .query_row(
            "SELECT id FROM customer WHERE name = 'Deborah Johnson'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let sa = store.subject_access(id.parse().unwrap()).unwrap().unwrap();
    assert!(!sa.history.incidents.is_empty() && !sa.history.letters.is_empty());
    let out = dir.path().join("exports");
    let w =
        safedesk::letters::write_export(&out, &sa, &safedesk::policy::Policy::built_in()).unwrap();
    assert!(w.folder.starts_with(&out));
    let json = std::fs::read_to_string(&w.json).unwrap();
    let html = std::fs::read_to_string(&w.html).unwrap();
    let md = std::fs::read_to_string(&w.markdown).unwrap();
    assert!(html.contains("size: A4"));
    // Every record about her, in each form.
    let mut theirs: Vec<String> = vec![id.clone()];
    for (table, col) in [
        ("incident", "customer_id"),
        ("escalation_case", "customer_id"),
        ("decision", "customer_id"),
        ("restriction", "customer_id"),
        ("letter", "customer_id"),
    ] {
        let mut st = conn
            .prepare(&format!("SELECT id FROM {table} WHERE {col} = ?1"))
            .unwrap();
        let ids: Vec<String> = st
            .query_map([&id], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        theirs.extend(ids);
    }
    assert!(theirs.len() > 8, "{theirs:?}");
    for r in &theirs {
        assert!(json.contains(r.as_str()), "{r} in the JSON");
        assert!(md.contains(r.as_str()), "{r} in the Markdown");
        assert!(html.contains(r.as_str()), "{r} in the printable page");
    }
    for i in &sa.history.incidents {
        let first = i
            .description
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(md.contains(&first), "{first}");
    }
    // Staff names are kept.
    assert!(
        md.contains("Priya Sharma") || md.contains("Amira Hassan"),
        "{md}"
    );
    // Nothing about anyone else: no other customer's id or name, nor any of their records.
    let staff: Vec<String> = {
        let mut st = conn.prepare("SELECT display_name FROM staff").unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let mut st = conn
        .prepare("SELECT id, coalesce(name, '') FROM customer WHERE id <> ?1")
        .unwrap();
    let others: Vec<(String, String)> = st
        .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(others.len() > 300);
    for (oid, name) in &others {
        for text in [&json, &md, &html] {
            assert!(!text.contains(oid.as_str()), "{oid}");
            if !name.is_empty() && name != "Deborah Johnson" && !staff.contains(name) {
                assert!(!text.contains(name.as_str()), "{name}");
            }
        }
    }
    let mut st = conn
        .prepare("SELECT id FROM incident WHERE customer_id <> ?1 UNION ALL SELECT id FROM decision WHERE customer_id <> ?1 UNION ALL SELECT id FROM letter WHERE customer_id <> ?1")
        .unwrap();
    let foreign: Vec<String> = st
        .query_map([&id], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for f in &foreign {
        assert!(!json.contains(f.as_str()), "{f}");
    }
}

#[test]
fn an_export_takes_out_another_person_it_names_and_keeps_a_linked_visitors_history() {
    let mut w = tunde();
    let other = w
        .store
        .add_customer(
            &w.reception,
            NewCustomer {
                name: Some("Marek Kowalczyk".into()),
                ..NewCustomer::default()
            },
        )
        .unwrap();
    // A visitor's incident, linked to Tunde once staff knew who it was.
    let visitor_incident = NewIncident {
        subject: Subject::Unidentified {
            id: safedesk::domain::new_id(),
            description: "Man in a green parka".into(),
        },
        ..NewIncident::example(w.customer, "")
    };
    let visitor = match &visitor_incident.subject {
        Subject::Unidentified { id, .. } => *id,
        _ => unreachable!(),
    };
    w.store
        .record_incident(&w.reception, &w.policy, &visitor_incident)
        .unwrap();
    w.store
        .link_visitor(&w.manager, &w.policy, visitor, w.customer)
        .unwrap();
    // His notes name the other customer's record.
    let h = w.store.history(w.customer).unwrap().unwrap();
    let mut edit = NewCustomer {
        name: h.customer.name.clone(),
        phones: h.customer.phones.clone(),
        notes: format!("Came in with Marek Kowalczyk (record {}).", other.id),
        ..NewCustomer::default()
    };
    edit.other_names = vec![];
    w.store
        .update_customer(&w.reception, w.customer, edit, h.customer.version)
        .unwrap();
    let sa = w.store.subject_access(w.customer).unwrap().unwrap();
    assert!(sa.merged.contains(&visitor));
    assert!(sa
        .history
        .incidents
        .iter()
        .any(|i| i.id == visitor_incident.id));
    let out = w.db.dir.path().join("exports");
    let written = safedesk::letters::write_export(&out, &sa, &w.policy).unwrap();
    for f in [&written.json, &written.markdown, &written.html] {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(!text.contains(&other.id.to_string()), "{}", f.display());
        assert!(!text.contains("Marek Kowalczyk"), "{}", f.display());
        assert!(text.contains("[another person]"), "{}", f.display());
        assert!(text.contains(&visitor_incident.id.to_string()));
    }
}

#[test]
fn an_export_of_a_customer_with_no_incidents_works_and_is_audited() {
    let mut w = tunde();
    let sa = w.store.subject_access(w.customer).unwrap().unwrap();
    assert!(sa.history.incidents.is_empty());
    let out = w.db.dir.path().join("exports");
    let written = safedesk::letters::write_export(&out, &sa, &w.policy).unwrap();
    let md = std::fs::read_to_string(&written.markdown).unwrap();
    assert!(md.contains("# Everything held about Tunde Okafor"), "{md}");
    assert!(md.contains("No incidents are recorded."), "{md}");
    assert!(md.contains("07700 900234"));
    // An export again on the same day makes a folder of its own.
    let again = safedesk::letters::write_export(&out, &sa, &w.policy).unwrap();
    assert_ne!(again.folder, written.folder);
    // Recorded in the audit; reception may not.
    let e = w
        .store
        .record_export(&w.reception, w.customer, "x")
        .unwrap_err();
    assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");
    w.store
        .record_export(
            &w.manager,
            w.customer,
            &written.folder.display().to_string(),
        )
        .unwrap();
    let audit = w.store.audit_for(&w.customer.to_string()).unwrap();
    assert!(audit.iter().any(|a| a.action == "subject access export"));
    assert!(w
        .store
        .subject_access(safedesk::domain::new_id())
        .unwrap()
        .is_none());
}

// ------------------------------------------------------------------------------------------
// Through the binary.

fn demo_dir() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("no-config.toml"), "").unwrap();
    let db = dir.path().join("demo.sqlite").display().to_string();
    let o = safedesk(dir.path(), &["--demo", "--db", &db, "lookup", "zzqqxxyy"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    (dir, db)
}

#[test]
fn cli_retention_dry_run_then_an_admins_run_remove_the_same() {
    let (dir, db) = demo_dir();
    let d = dir.path();
    let o = safedesk(d, &["--db", &db, "retention", "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Nothing is past its keeping period."),
        "{}",
        stdout(&o)
    );
    std::fs::write(d.join("keep1.toml"), policy_keeping(1)).unwrap();
    let o = safedesk(
        d,
        &[
            "--db",
            &db,
            "--user",
            "admin",
            "policy",
            "set",
            "keep1.toml",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A typo in [retention] is refused with the field and its line.
    std::fs::write(
        d.join("typo.toml"),
        policy_keeping(1).replace("letters_years", "leters_years"),
    )
    .unwrap();
    let o = safedesk(
        d,
        &["--db", &db, "--user", "admin", "policy", "set", "typo.toml"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("leters_years"), "{}", stderr(&o));
    assert!(stderr(&o).contains(", line "), "{}", stderr(&o));

    let o = safedesk(d, &["--db", &db, "retention", "--dry-run"]);
    let text = stdout(&o);
    assert!(text.contains("would be removed"), "{text}");
    assert!(
        text.contains("Incidents are kept 1 year after the last activity"),
        "{text}"
    );
    assert!(text.contains("An admin removes them with: safedesk retention"));
    let o = safedesk(d, &["--db", &db, "retention", "--dry-run", "--json"]);
    let dry: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    // The demo's unknown login is a manager: not allowed.
    let o = safedesk(d, &["--db", &db, "--demo", "retention"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("only an admin"), "{}", stderr(&o));
    let o = safedesk(d, &["--db", &db, "--user", "admin", "retention", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let run: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let ids = |v: &serde_json::Value| {
        let mut ids: Vec<String> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| format!("{} {}", i["kind"], i["record_id"]))
            .collect();
        ids.sort();
        ids
    };
    assert!(!ids(&dry).is_empty());
    assert_eq!(ids(&dry), ids(&run));
    let o = safedesk(d, &["--db", &db, "retention", "--dry-run"]);
    assert!(stdout(&o).contains("Nothing is past its keeping period."));
    let o = safedesk(d, &["--db", &db, "check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn cli_export_customer_asks_which_one_then_writes_the_folder() {
    let (dir, db) = demo_dir();
    let d = dir.path();
    // Two records of one name (made here: the demo's generated names change with the date).
    let mut store = SqliteStore::open(Path::new(&db), &opts()).unwrap();
    let reception = actor(&mut store, "ahassan");
    for phone in ["07700 900881", "07700 900882"] {
        store
            .add_customer(
                &reception,
                NewCustomer {
                    name: Some("Maud Featherstonehaugh".into()),
                    phones: vec![phone.into()],
                    ..NewCustomer::default()
                },
            )
            .unwrap();
    }
    drop(store);
    let o = safedesk(
        d,
        &[
            "--db",
            &db,
            "--demo",
            "export-customer",
            "Maud",
            "Featherstonehaugh",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("2 people match"), "{text}");
    assert!(text.contains("run this again with the id"), "{text}");
    let id = text
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let o = safedesk(d, &["--db", &db, "--demo", "export-customer", &id]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("Everything held about Maud Featherstonehaugh is in"));
    let folder = d.join("subject access");
    let made: Vec<_> = std::fs::read_dir(&folder).unwrap().collect();
    assert_eq!(made.len(), 1);
    let one = made[0].as_ref().unwrap().path();
    let json = std::fs::read_to_string(one.join("export.json")).unwrap();
    assert!(json.contains(&id));
    assert!(one.join("export.html").exists() && one.join("export.md").exists());
    // Reception may not; an unknown id says so.
    let o = safedesk(
        d,
        &["--db", &db, "--user", "ahassan", "export-customer", &id],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("a manager or admin"), "{}", stderr(&o));
    let o = safedesk(d, &["--db", &db, "--demo", "export-customer", "zzqqxxyy"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("No one matches"), "{}", stderr(&o));
    // --out puts it where asked.
    let o = safedesk(
        d,
        &[
            "--db",
            &db,
            "--demo",
            "export-customer",
            "07700 900123",
            "--out",
            "elsewhere",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_dir(d.join("elsewhere")).unwrap().count(), 1);
}

#[test]
fn the_store_worker_writes_the_export_the_card_asks_for_and_records_it() {
    use safedesk::sync::worker::{self, Context};
    use safedesk::sync::{Reply, Request};
    let mut w = tunde();
    let ctx = Context {
        policy: w.policy.clone(),
        actor: w.manager.clone(),
        local: None,
        database: w.store.database_id().unwrap(),
        also: vec![],
        file: None,
        read_only: false,
    };
    let pc = SqliteStore::open(&w.path, &opts()).unwrap();
    let (req_tx, req_rx) = std::sync::mpsc::channel();
    let (reply_tx, replies) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        worker::run(Box::new(pc), ctx, req_rx, move |r| reply_tx.send(r).is_ok())
    });
    let mut replies = common::replies::Replies::new(replies);
    let dir = w.db.dir.path().join("subject access");
    req_tx
        .send(Request::ExportCustomer {
            customer: w.customer,
            dir: dir.clone(),
        })
        .unwrap();
    let said = replies.wait(|r| match r {
        Reply::Done(m) if m.contains("Everything held about") => Some(Ok(m.clone())),
        Reply::SaveFailed(m) => Some(Err(m.clone())),
        _ => None,
    });
    let said = said.unwrap();
    assert!(said.contains("Tunde Okafor"), "{said}");
    let folders: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(folders.len(), 1);
    let audit = w.store.audit_for(&w.customer.to_string()).unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action == "subject access export" && a.who == "Sam Patel"));
}

#[test]
fn an_admins_queue_says_when_a_retention_run_is_due() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use safedesk::domain::{Queue, Role};
    use safedesk::sync::Reply;
    let now = chrono::Utc::now();
    let mut a = common::screen::app_as(
        "helen",
        Some(common::screen::staff(1, "Helen Carter", Role::Admin)),
        now,
        false,
    );
    a.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    a.on_key(KeyEvent::new(KeyCode::Char('m'), KeyModifiers::NONE));
    a.on_reply(Reply::Queue(Ok(Queue::default())));
    assert!(!common::render(&a, 120, 30).contains("Retention:"));
    a.on_reply(Reply::RetentionDue(12));
    let screen = common::render(&a, 120, 30);
    assert!(
        screen.contains(
            "Retention: 12 records are past their keeping period; run safedesk retention --dry-run"
        ),
        "{screen}"
    );
    a.on_reply(Reply::RetentionDue(0));
    assert!(!common::render(&a, 120, 30).contains("Retention: 12"));
}

#[test]
fn the_worker_tells_an_admin_how_many_records_are_due() {
    use safedesk::sync::worker::{self, Context};
    use safedesk::sync::Reply;
    let dir = tempfile::tempdir().unwrap();
    let (mut store, admin) = demo_keeping_one_year(dir.path());
    let due = store.retention_plan(today()).unwrap().items.len();
    assert!(due > 0);
    let ctx = Context {
        policy: safedesk::policy::Policy::built_in(),
        actor: admin,
        local: None,
        database: store.database_id().unwrap(),
        also: vec![],
        file: None,
        read_only: false,
    };
    let pc = SqliteStore::open(store.path(), &opts()).unwrap();
    let (_req_tx, req_rx) = std::sync::mpsc::channel();
    let (reply_tx, replies) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        worker::run(Box::new(pc), ctx, req_rx, move |r| reply_tx.send(r).is_ok())
    });
    let mut replies = common::replies::Replies::new(replies);
    let n = replies.wait(|r| match r {
        Reply::RetentionDue(n) => Some(*n),
        _ => None,
    });
    assert_eq!(n, due);
}

#[test]
fn the_admins_count_read_in_steps_matches_the_dry_run() {
    use safedesk::demo::{self, Scale};
    use safedesk::domain::{Actor, Role};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.sqlite");
    let admin = demo::staff()
        .into_iter()
        .find(|s| s.role == Role::Admin && s.active)
        .unwrap();
    let mut store = SqliteStore::create_with_admin(&path, &opts(), &admin, true).unwrap();
    let actor = Actor {
        login: admin.login.clone(),
        staff: Some(admin.clone()),
    };
    let scale = Scale {
        customers: 1_600,
        incidents: 12_000,
        restrictions: 300,
    };
    demo::generate(&scale, 11, chrono::Utc::now(), 800, |mut bulk| {
        bulk.staff.retain(|s| s.id != admin.id);
        store.bulk_load(&actor, &safedesk::policy::Policy::built_in(), &bulk)
    })
    .unwrap();
    store
        .set_office_setting(&actor, SettingKind::Policy, &policy_keeping(1))
        .unwrap();
    let plan = store.retention_plan(today()).unwrap();
    assert!(plan.items.len() > 100);
    let (first, next) = store.retention_due_step(today(), 0).unwrap();
    assert!(next.is_some() && first < plan.items.len(), "several steps");
    assert_eq!(store.retention_due(today()).unwrap(), plan.items.len());
}

#[test]
fn entries_about_a_customer_who_stays_forget_what_they_said_of_removed_records_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let mut store = safedesk::demo::db::create(&path, &opts()).unwrap();
    let admin = actor(&mut store, "admin");
    // Everything goes after a year but the customers' own details, kept fifty.
    let policy = policy_keeping(1).replace("customers_years = 1", "customers_years = 50");
    store
        .set_office_setting(&admin, SettingKind::Policy, &policy)
        .unwrap();
    let plan = store.retention_plan(today()).unwrap();
    assert!(plan.items.iter().all(|i| i.kind != RecordKind::Customer));
    let gone = plan
        .items
        .iter()
        .find(|i| i.kind == RecordKind::Incident)
        .unwrap();
    // Entries against the customer (as a review is audited): one tells of the removed
    // incident, one does not.
    let conn = raw(&path);
    for said in [
        format!(
            "{{\"incident\":\"{}\",\"notes\":\"Shouted\"}}",
            gone.record_id
        ),
        "{\"notes\":\"Still wants the services\"}".to_string(),
    ] {
        conn.execute(
            "INSERT INTO audit (at, login, action, entity, entity_id, after) \
             VALUES ('2025-01-01T10:00:00Z', 'admin', 'review', 'customer', ?1, ?2)",
            [&gone.customer_id, &said],
        )
        .unwrap();
    }
    store.retention_run(&admin, today()).unwrap();
    let entries = store.audit_for(&gone.customer_id).unwrap();
    let reviews: Vec<_> = entries.iter().filter(|e| e.action == "review").collect();
    assert_eq!(reviews.len(), 2, "the entries stay");
    assert!(reviews[0].after.is_none(), "{:?}", reviews[0]);
    assert_eq!(
        reviews[1].after.as_deref(),
        Some("{\"notes\":\"Still wants the services\"}")
    );
    // The customer stays, with the date their keeping period runs from.
    let kept: Option<String> = conn
        .query_row(
            "SELECT kept_from FROM customer WHERE id = ?1",
            [&gone.customer_id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(kept.is_some());
}
