//! Merging two records of one person, and undoing it, on both engines (issue 21): each body
//! runs on a SQLite file and on a PostgreSQL database (tests/common/engine.rs) and must give the
//! same answers, refusals in the same words. tests/merge.rs covers the SQLite store in depth.
#![cfg(all(unix, feature = "postgres"))]

mod common;

use common::engine::{for_each_engine, Engine};
use common::world::{world_on, World};
use safedesk::domain::{CaseReason, CustomerHistory, Id, MergeRef, MergeSaved, NewCustomer};
use safedesk::domain::{NewIncident, Role};
use safedesk::store::StoreError;

const NAME: &str = "Kemi Adeyemi";

/// Kemi Adeyemi, known to reception (Priya Shah), with a phone and notes.
fn office(engine: Engine) -> World {
    world_on(
        engine,
        ("pshah", "Priya Shah"),
        NewCustomer {
            name: Some(NAME.into()),
            phones: vec!["07700 900818".into()],
            notes: "Calls before noon.".into(),
            ..NewCustomer::default()
        },
    )
}

/// A second record of Kemi, added on another day: another phone, an email and an address.
fn second_record(w: &mut World) -> Id {
    let c = NewCustomer {
        name: Some(NAME.into()),
        other_names: vec!["Kemi Adeyemi-Cole".into()],
        phones: vec!["0161 496 0321".into()],
        emails: vec!["kemi.a@example.net".into()],
        address: vec!["4 Mill Lane".into(), "Salford".into()],
        postcode: "M5 4WT".into(),
        large_print: true,
        ..NewCustomer::default()
    };
    w.store.add_customer(&w.reception, c).unwrap().id
}

/// `n` incidents on `who`'s record, logged at reception.
fn incidents(w: &mut World, who: Id, n: usize) {
    for _ in 0..n {
        let i = NewIncident::example(who, NAME);
        w.store
            .record_incident(&w.reception, &w.policy, &i)
            .unwrap();
    }
}

fn card(w: &mut World, id: Id) -> CustomerHistory {
    w.store.history(id).unwrap().unwrap()
}

/// Merge `other` into `keep` as a manager shown both cards now.
fn merged(w: &mut World, keep: Id, other: Id) -> MergeSaved {
    let shown = (
        card(w, keep).customer.version,
        card(w, other).customer.version,
    );
    let (manager, policy) = (w.manager.clone(), w.policy.clone());
    w.store
        .merge_customers(&manager, &policy, (keep, shown.0), (other, shown.1))
        .unwrap()
}

/// What a card holds, without versions (which an undo moves on).
fn held(id: Id, w: &mut World) -> CustomerHistory {
    let mut h = card(w, id);
    h.customer.version = 0;
    for i in &mut h.incidents {
        i.version = 0;
    }
    h
}

/// Each open case of `id`: its reason and how many incidents are behind it.
fn open(w: &mut World, id: Id) -> Vec<(CaseReason, usize)> {
    let cases = w.store.open_cases_for(id).unwrap();
    cases
        .into_iter()
        .map(|c| (c.reason, c.incidents.len()))
        .collect()
}

fn found(w: &mut World, q: &str) -> Vec<Id> {
    let mut ids: Vec<Id> = w
        .store
        .lookup(q, 20)
        .unwrap()
        .into_iter()
        .map(|h| h.history.customer.id)
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_merge_and_its_undo_give_the_same_answers_on_both_engines() {
    let mut answers = Vec::new();
    for_each_engine(|engine| {
        let mut w = office(engine);
        let keep = w.customer;
        let other = second_record(&mut w);
        incidents(&mut w, keep, 2);
        incidents(&mut w, other, 1);
        let (keep0, other0) = (held(keep, &mut w), held(other, &mut w));
        assert!(open(&mut w, keep).is_empty());

        let saved = merged(&mut w, keep, other);
        assert_eq!(saved.cases.opened, vec![CaseReason::Threshold], "{engine}");
        assert_eq!(open(&mut w, keep), vec![(CaseReason::Threshold, 3)]);
        let c = card(&mut w, keep).customer;
        assert_eq!(c.other_names, vec!["Kemi Adeyemi-Cole".to_string()]);
        assert_eq!(c.emails, vec!["kemi.a@example.net".to_string()]);
        assert_eq!((c.postcode.as_str(), c.large_print), ("M5 4WT", true));
        assert_eq!(c.phones.len(), 2, "{:?}", c.phones);
        let retired = card(&mut w, other);
        assert!(retired.incidents.is_empty(), "{engine}");
        let into = retired.merged_into.expect("the retired card says where");
        assert_eq!((into.into, into.audit_seq), (keep, saved.audit_seq));
        assert_eq!(into.by, "Sam Patel");
        for q in [
            "0161 496 0321",
            "kemi.a@example.net",
            "Adeyemi-Cole",
            "Kemi",
        ] {
            assert_eq!(found(&mut w, q), vec![keep], "{engine}: {q}");
        }

        let manager = w.manager.clone();
        let undone = w
            .store
            .reverse_merge(&manager, MergeRef::AuditSeq(saved.audit_seq))
            .unwrap();
        assert_eq!((undone.survivor, undone.restored), (keep, other));
        assert_eq!(held(keep, &mut w), keep0, "{engine}");
        assert_eq!(held(other, &mut w), other0, "{engine}");
        assert!(w.store.open_cases().unwrap().is_empty(), "{engine}");
        assert_eq!(found(&mut w, "0161 496 0321"), vec![other]);
        let mut both = vec![keep, other];
        both.sort();
        assert_eq!(found(&mut w, "Kemi"), both);

        let again = w
            .store
            .reverse_merge(&manager, MergeRef::Id(saved.merge))
            .unwrap_err();
        let today = safedesk::time::date(common::world::today());
        assert_eq!(
            again.to_string(),
            StoreError::Invalid(format!(
                "That merge was already undone on {today} by Sam Patel."
            ))
            .to_string()
        );
        let actions: Vec<String> = w
            .store
            .audit_for(&keep.to_string())
            .unwrap()
            .into_iter()
            .map(|a| a.action)
            .filter(|a| a.contains("merge"))
            .collect();
        answers.push((undone.survivor_name, undone.restored_name, actions));
    });
    assert!(answers.windows(2).all(|p| p[0] == p[1]), "{answers:?}");
}

#[test]
fn open_cases_of_one_reason_become_one_and_come_apart_again_on_both_engines() {
    for_each_engine(|engine| {
        let mut w = office(engine);
        let keep = w.customer;
        let other = second_record(&mut w);
        incidents(&mut w, keep, 3);
        incidents(&mut w, other, 3);
        let manager = w.manager.clone();
        // Kemi's second case is Sam Patel's: undone, it is his again.
        let theirs = w.store.open_cases_for(other).unwrap().remove(0);
        let sam = manager.staff.as_ref().map(|s| s.id);
        w.store
            .assign_case(&manager, theirs.id, sam, theirs.version)
            .unwrap();
        let before: Vec<_> = [keep, other]
            .map(|id| w.store.open_cases_for(id).unwrap())
            .into_iter()
            .collect();

        let saved = merged(&mut w, keep, other);
        assert!(saved.cases.opened.is_empty(), "{engine}");
        assert_eq!(open(&mut w, keep), vec![(CaseReason::Threshold, 6)]);
        assert!(open(&mut w, other).is_empty());
        assert_eq!(w.store.open_cases().unwrap().len(), 1, "{engine}");

        w.store
            .reverse_merge(&manager, MergeRef::Id(saved.merge))
            .unwrap();
        let after: Vec<_> = [keep, other]
            .map(|id| w.store.open_cases_for(id).unwrap())
            .into_iter()
            .collect();
        // The same cases, incidents, notes and assignments; only their versions moved on.
        let strip = |v: Vec<Vec<safedesk::domain::CaseSummary>>| {
            v.into_iter()
                .flatten()
                .map(|mut c| {
                    c.version = 0;
                    c
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(after), strip(before), "{engine}");
    });
}

#[test]
fn merges_are_refused_to_reception_for_stale_versions_and_twice_on_both_engines() {
    let mut answers = Vec::new();
    for_each_engine(|engine| {
        let mut w = office(engine);
        let keep = w.customer;
        let other = second_record(&mut w);
        let (kv, ov) = (
            card(&mut w, keep).customer.version,
            card(&mut w, other).customer.version,
        );
        let (manager, reception, policy) =
            (w.manager.clone(), w.reception.clone(), w.policy.clone());
        let mut said = Vec::new();

        let err = w
            .store
            .merge_customers(&reception, &policy, (keep, kv), (other, ov))
            .unwrap_err();
        assert!(matches!(err, StoreError::NotAllowed(_)), "{engine}: {err}");
        said.push(err.to_string());
        let err = w
            .store
            .merge_customers(&manager, &policy, (keep, kv), (keep, kv))
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{engine}: {err}");
        said.push(err.to_string());
        let err = w
            .store
            .merge_customers(&manager, &policy, (keep, kv), (other, ov - 1))
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{engine}: {err}");
        said.push(err.to_string());
        let err = w
            .store
            .reverse_merge(&manager, MergeRef::AuditSeq(9999))
            .unwrap_err();
        assert!(matches!(err, StoreError::Missing(_)), "{engine}: {err}");
        said.push(err.to_string());

        let saved = merged(&mut w, keep, other);
        let err = w
            .store
            .reverse_merge(&reception, MergeRef::AuditSeq(saved.audit_seq))
            .unwrap_err();
        assert!(matches!(err, StoreError::NotAllowed(_)), "{engine}: {err}");
        said.push(err.to_string());
        let (kv, ov) = (
            card(&mut w, keep).customer.version,
            card(&mut w, other).customer.version,
        );
        let err = w
            .store
            .merge_customers(&manager, &policy, (keep, kv), (other, ov))
            .unwrap_err();
        assert!(
            err.to_string().contains("already merged"),
            "{engine}: {err}"
        );
        said.push(err.to_string());
        assert_eq!(w.reception.role(), Some(Role::Reception));
        answers.push(said);
    });
    assert!(answers.windows(2).all(|p| p[0] == p[1]), "{answers:?}");
}

#[test]
fn an_undo_is_refused_after_a_new_incident_on_the_kept_record_on_both_engines() {
    let mut answers = Vec::new();
    for_each_engine(|engine| {
        let mut w = office(engine);
        let keep = w.customer;
        let other = second_record(&mut w);
        incidents(&mut w, keep, 1);
        incidents(&mut w, other, 1);
        let saved = merged(&mut w, keep, other);
        incidents(&mut w, keep, 1);
        let manager = w.manager.clone();
        let err = w
            .store
            .reverse_merge(&manager, MergeRef::AuditSeq(saved.audit_seq))
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{engine}: {err}");
        let msg = err.to_string();
        assert!(
            msg.contains(&format!(
                "1 incident has been recorded for {NAME} since the merge"
            )),
            "{engine}: {msg}"
        );
        assert!(msg.contains("Nothing was changed"), "{engine}: {msg}");
        assert_eq!(card(&mut w, keep).incidents.len(), 3, "nothing moved back");
        assert!(card(&mut w, other).merged_into.is_some(), "{engine}");
        answers.push(msg);
    });
    assert!(answers.windows(2).all(|p| p[0] == p[1]), "{answers:?}");
}

#[test]
fn a_merge_made_on_a_file_can_be_undone_on_the_server_it_moved_to() {
    use safedesk::store::postgres::{copy, PgConfig, PgStore};
    let Some(server) = common::pg::PgServer::shared() else {
        return;
    };
    let mut w = office(Engine::Sqlite);
    let keep = w.customer;
    let other = second_record(&mut w);
    incidents(&mut w, keep, 3);
    incidents(&mut w, other, 3);
    let (keep0, other0) = (held(keep, &mut w), held(other, &mut w));
    let saved = merged(&mut w, keep, other);
    let file = w.path.clone();
    drop(w.store);

    let db = server.fresh_database("merge_moved");
    let config = PgConfig::parse(&server.superuser_address(&db)).unwrap();
    copy::from_sqlite(&file, &config).unwrap();
    w.store = Box::new(PgStore::open(&config, &common::engine::opts()).unwrap());
    let manager = common::world::actor(&mut *w.store, "spatel");
    let undone = w
        .store
        .reverse_merge(&manager, MergeRef::AuditSeq(saved.audit_seq))
        .unwrap();
    assert_eq!((undone.survivor, undone.restored), (keep, other));
    assert_eq!(held(keep, &mut w), keep0);
    assert_eq!(held(other, &mut w), other0);
    assert_eq!(open(&mut w, keep), vec![(CaseReason::Threshold, 3)]);
    assert_eq!(open(&mut w, other), vec![(CaseReason::Threshold, 3)]);
    assert_eq!(found(&mut w, "0161 496 0321"), vec![other]);
}
