//! Merging two records of one person, and undoing it, on real SQLite files (issue 16, item 5):
//! the history moves, cases of one reason become one, escalation runs again, lookups (on the
//! shared file and on a PC's own copy) find the survivor by the other's name and phone, the
//! retired record's card says where it went, and undoing puts both back exactly as they were,
//! unless something done since makes that unsafe.

mod common;

use common::world::{actor, World};
use safedesk::domain::{
    new_id, CaseReason, CustomerHistory, Id, MergeRef, NewCustomer, NewIncident, Role, Subject,
};
use safedesk::store::{SqliteStore, Store, StoreError};

fn world() -> World {
    common::world::world(
        ("cevans", "Chris Evans"),
        NewCustomer {
            name: Some("Yetunde Okonkwo".into()),
            phones: vec!["07700 900555".into()],
            notes: "Prefers morning appointments.".into(),
            ..NewCustomer::default()
        },
    )
}

impl World {
    /// The second record of the same person: another phone, an email, an address.
    fn duplicate(&mut self) -> Id {
        self.store
            .add_customer(
                &self.reception,
                NewCustomer {
                    name: Some("Yetunde Okonkwo".into()),
                    other_names: vec!["Yetunde Okonkwo-Bello".into()],
                    phones: vec!["020 7946 0777".into()],
                    emails: vec!["y.okonkwo@example.org".into()],
                    address: vec!["12 Station Road".into(), "London".into()],
                    postcode: "N3 1AB".into(),
                    notes: "Hard of hearing: speak clearly.".into(),
                    ..NewCustomer::default()
                },
            )
            .unwrap()
            .id
    }

    fn log(&mut self, who: Id, n: usize) -> Vec<Id> {
        (0..n)
            .map(|_| {
                let i = NewIncident::example(who, "Yetunde Okonkwo");
                self.store
                    .record_incident(&self.reception, &self.policy, &i)
                    .unwrap();
                i.id
            })
            .collect()
    }

    fn card(&mut self, id: Id) -> CustomerHistory {
        self.store.history(id).unwrap().unwrap()
    }

    fn version(&mut self, id: Id) -> i64 {
        self.card(id).customer.version
    }

    fn merge(&mut self, keep: Id, other: Id) -> safedesk::domain::MergeSaved {
        let (kv, ov) = (self.version(keep), self.version(other));
        self.store
            .merge_customers(&self.manager, &self.policy, (keep, kv), (other, ov))
            .unwrap()
    }

    /// Open cases by reason and their incidents' count, for one customer.
    fn cases(&mut self, id: Id) -> Vec<(CaseReason, usize)> {
        let mut v: Vec<_> = self
            .store
            .open_cases_for(id)
            .unwrap()
            .into_iter()
            .map(|c| (c.reason, c.incidents.len()))
            .collect();
        v.sort_by_key(|(r, _)| r.as_str());
        v
    }
}

/// A card with every version set to 0, to compare what it holds.
fn content(mut h: CustomerHistory) -> CustomerHistory {
    h.customer.version = 0;
    h.incidents.iter_mut().for_each(|i| i.version = 0);
    h.restrictions.iter_mut().for_each(|r| r.version = 0);
    h
}

fn names(store: &mut dyn Store, q: &str) -> Vec<Id> {
    store
        .lookup(q, 30)
        .unwrap()
        .into_iter()
        .map(|h| h.history.customer.id)
        .collect()
}

#[test]
fn a_merge_moves_the_history_joins_the_details_and_reaches_the_threshold() {
    let mut w = world();
    let keep = w.customer;
    let other = w.duplicate();
    w.log(keep, 2);
    w.log(other, 1);
    assert!(w.cases(keep).is_empty(), "2 and 1: no case yet");
    let saved = w.merge(keep, other);
    assert_eq!(saved.cases.opened, vec![CaseReason::Threshold]);
    assert_eq!(w.cases(keep), vec![(CaseReason::Threshold, 3)]);

    let card = w.card(keep);
    assert_eq!(card.incidents.len(), 3);
    let c = &card.customer;
    assert_eq!(c.name.as_deref(), Some("Yetunde Okonkwo"));
    assert_eq!(c.other_names, vec!["Yetunde Okonkwo-Bello".to_string()]);
    assert_eq!(c.phones.len(), 2, "{:?}", c.phones);
    assert_eq!(c.emails, vec!["y.okonkwo@example.org".to_string()]);
    assert_eq!(c.address, vec!["12 Station Road", "London"]);
    assert_eq!(c.postcode, "N3 1AB");
    assert!(c.notes.starts_with("Prefers morning appointments."));
    assert!(
        c.notes.contains("Hard of hearing: speak clearly."),
        "{}",
        c.notes
    );

    // Lookups find the survivor by the other's phone, email and other name, and never the
    // retired record.
    for q in [
        "020 7946 0777",
        "y.okonkwo@example.org",
        "Okonkwo-Bello",
        "Yetunde",
    ] {
        assert_eq!(names(&mut w.store, q), vec![keep], "{q}");
    }
    // The retired card says where it went, and holds nothing now.
    let retired = w.card(other);
    assert!(retired.incidents.is_empty());
    let into = retired
        .merged_into
        .expect("the retired card says where it went");
    assert_eq!(into.into, keep);
    assert_eq!(into.audit_seq, saved.audit_seq);
    assert_eq!(into.by, "Sam Patel");
    assert!(into.sentence().contains("merged into Yetunde Okonkwo"));
    assert!(into
        .sentence()
        .contains(&format!("safedesk merge undo {}", saved.audit_seq)));

    // Audited, with enough to undo it.
    let audit = w.store.audit_for(&keep.to_string()).unwrap();
    let entry = audit
        .iter()
        .find(|a| a.action == "merge customers")
        .unwrap();
    assert!(entry.after.as_deref().unwrap().contains("moved"));
    // A retired record takes no new incidents and no edits.
    let late = NewIncident::example(other, "Yetunde Okonkwo");
    let err = w
        .store
        .record_incident(&w.reception, &w.policy, &late)
        .unwrap_err();
    assert!(err.to_string().contains("merged"), "{err}");
}

#[test]
fn open_cases_of_one_reason_become_one() {
    let mut w = world();
    let keep = w.customer;
    let other = w.duplicate();
    w.log(keep, 3);
    w.log(other, 3);
    assert_eq!(w.cases(keep), vec![(CaseReason::Threshold, 3)]);
    assert_eq!(w.cases(other), vec![(CaseReason::Threshold, 3)]);
    let saved = w.merge(keep, other);
    assert!(saved.cases.opened.is_empty());
    assert_eq!(w.cases(keep), vec![(CaseReason::Threshold, 6)]);
    assert!(w.cases(other).is_empty());
    let queue = w.store.open_cases().unwrap();
    assert_eq!(queue.len(), 1, "the queue shows one case: {queue:?}");
    assert_eq!(queue[0].customer_id, keep);
}

#[test]
fn undoing_a_merge_puts_both_records_back_exactly_as_they_were() {
    let mut w = world();
    let keep = w.customer;
    let other = w.duplicate();
    w.log(keep, 3);
    w.log(other, 1);
    let (k0, o0) = (content(w.card(keep)), content(w.card(other)));
    let cases0 = (w.cases(keep), w.cases(other));
    let saved = w.merge(keep, other);
    assert_eq!(w.cases(keep), vec![(CaseReason::Threshold, 4)]);

    let undone = w
        .store
        .reverse_merge(&w.manager, MergeRef::AuditSeq(saved.audit_seq))
        .unwrap();
    assert_eq!(undone.restored, other);
    assert_eq!(content(w.card(keep)), k0);
    assert_eq!(content(w.card(other)), o0);
    assert_eq!((w.cases(keep), w.cases(other)), cases0);
    assert_eq!(names(&mut w.store, "020 7946 0777"), vec![other]);
    assert_eq!(names(&mut w.store, "07700 900555"), vec![keep]);
    let mut both = names(&mut w.store, "Yetunde");
    both.sort();
    let mut want = vec![keep, other];
    want.sort();
    assert_eq!(both, want);

    // Once is enough.
    let again = w
        .store
        .reverse_merge(&w.manager, MergeRef::Id(saved.merge))
        .unwrap_err();
    assert!(again.to_string().contains("already undone"), "{again}");
}

#[test]
fn a_merge_that_opened_a_case_is_undone_with_the_case() {
    let mut w = world();
    let keep = w.customer;
    let other = w.duplicate();
    w.log(keep, 2);
    w.log(other, 1);
    let saved = w.merge(keep, other);
    assert_eq!(w.store.open_cases().unwrap().len(), 1);
    w.store
        .reverse_merge(&w.manager, MergeRef::Id(saved.merge))
        .unwrap();
    assert!(w.store.open_cases().unwrap().is_empty());
    assert_eq!(w.card(keep).incidents.len(), 2);
    assert_eq!(w.card(other).incidents.len(), 1);
}

#[test]
fn undoing_is_refused_when_something_since_would_be_lost_or_misfiled() {
    let mut w = world();
    let keep = w.customer;
    let other = w.duplicate();
    w.log(keep, 1);
    w.log(other, 1);
    let saved = w.merge(keep, other);
    w.log(keep, 1);
    let err = w
        .store
        .reverse_merge(&w.manager, MergeRef::AuditSeq(saved.audit_seq))
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("1 incident has been recorded for Yetunde Okonkwo since the merge"),
        "{msg}"
    );
    assert!(msg.contains("Nothing was changed"), "{msg}");
    assert_eq!(w.card(keep).incidents.len(), 3, "nothing moved back");

    // Details edited since.
    let mut w = world();
    let keep = w.customer;
    let other = w.duplicate();
    let saved = w.merge(keep, other);
    let card = w.card(keep);
    let mut edit = card.customer.edit();
    edit.postcode = "E1 6AN".into();
    w.store
        .update_customer(&w.manager, keep, edit, card.customer.version)
        .unwrap();
    let err = w
        .store
        .reverse_merge(&w.manager, MergeRef::Id(saved.merge))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("Yetunde Okonkwo's details have been changed since the merge"),
        "{err}"
    );
}

#[test]
fn merges_are_refused_to_staff_who_may_not_for_the_same_record_visitors_and_stale_versions() {
    let mut w = world();
    let keep = w.customer;
    let other = w.duplicate();
    let (kv, ov) = (w.version(keep), w.version(other));

    let err = w
        .store
        .merge_customers(&w.reception, &w.policy, (keep, kv), (other, ov))
        .unwrap_err();
    assert!(matches!(err, StoreError::NotAllowed(_)), "{err}");
    assert!(
        err.to_string().contains("cannot merge customer records"),
        "{err}"
    );

    let err = w
        .store
        .merge_customers(&w.manager, &w.policy, (keep, kv), (keep, kv))
        .unwrap_err();
    assert!(
        err.to_string().contains("cannot be merged with itself"),
        "{err}"
    );

    let visitor = new_id();
    w.store
        .record_incident(
            &w.reception,
            &w.policy,
            &NewIncident {
                subject: Subject::Unidentified {
                    id: visitor,
                    description: "Woman, 40s, green coat".into(),
                },
                ..NewIncident::example(keep, "")
            },
        )
        .unwrap();
    let vv = w.version(visitor);
    let err = w
        .store
        .merge_customers(&w.manager, &w.policy, (keep, kv), (visitor, vv))
        .unwrap_err();
    assert!(
        err.to_string().contains("link it to the customer instead"),
        "{err}"
    );

    let err = w
        .store
        .merge_customers(&w.manager, &w.policy, (keep, kv - 1), (other, ov))
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");

    // Reception may not undo one either.
    let saved = w.merge(keep, other);
    let err = w
        .store
        .reverse_merge(&w.reception, MergeRef::AuditSeq(saved.audit_seq))
        .unwrap_err();
    assert!(matches!(err, StoreError::NotAllowed(_)), "{err}");
    // And a retired record cannot be merged again.
    let (kv, ov) = (w.version(keep), w.version(other));
    let err = w
        .store
        .merge_customers(&w.manager, &w.policy, (keep, kv), (other, ov))
        .unwrap_err();
    assert!(err.to_string().contains("already merged"), "{err}");
    let _ = actor(&mut w.store, "admin").role() == Some(Role::Admin);
}

#[test]
fn a_pcs_own_copy_follows_a_merge_and_its_undoing() {
    let mut w = world();
    let keep = w.customer;
    let other = w.duplicate();
    w.log(other, 1);
    let mut copy = SqliteStore::open(&w.path, &common::world::opts()).unwrap();
    copy.use_local_index(&w.db.dir.path().join("local"), false);
    assert!(copy.build_local_index().unwrap());
    let on_copy = |copy: &mut SqliteStore, q: &str| -> Vec<Id> {
        copy.lookup_on_local_copy(q, 30)
            .expect("the copy is in use")
            .into_iter()
            .map(|h| h.history.customer.id)
            .collect()
    };
    assert_eq!(on_copy(&mut copy, "020 7946 0777"), vec![other]);
    let saved = w.merge(keep, other);
    assert_eq!(on_copy(&mut copy, "020 7946 0777"), vec![keep]);
    assert_eq!(on_copy(&mut copy, "Yetunde"), vec![keep]);
    let hit = copy.lookup_on_local_copy("07700 900555", 30).unwrap();
    assert_eq!(
        hit[0].history.incidents.len(),
        1,
        "the moved incident shows"
    );
    w.store
        .reverse_merge(&w.manager, MergeRef::Id(saved.merge))
        .unwrap();
    assert_eq!(on_copy(&mut copy, "020 7946 0777"), vec![other]);
    assert_eq!(on_copy(&mut copy, "07700 900555"), vec![keep]);
}

#[test]
fn a_second_record_of_a_demo_customer_merges_and_a_manager_undoes_it_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("no-config.toml"), "").unwrap();
    let db = d.join("demo.sqlite");
    let dbs = db.to_str().unwrap();
    let o = common::safedesk(d, &["--demo", "--db", dbs, "lookup", "Renée", "O'Connor"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));

    let mut store = SqliteStore::open(&db, &common::world::opts()).unwrap();
    let manager = actor(&mut store, "spatel");
    // Reception made her a second record, with another number, and logged an incident on it
    // (a fixed demo customer: the generated ones change with the date).
    let reception = actor(&mut store, "ahassan");
    let second = store
        .add_customer(
            &reception,
            NewCustomer {
                name: Some("Renée O'Connor".into()),
                phones: vec!["07700 900999".into()],
                ..NewCustomer::default()
            },
        )
        .unwrap()
        .id;
    let policy = safedesk::policy::Policy::built_in();
    store
        .record_incident(
            &reception,
            &policy,
            &NewIncident::example(second, "Renée O'Connor"),
        )
        .unwrap();
    let two: Vec<CustomerHistory> = store
        .lookup("Renée O'Connor", 30)
        .unwrap()
        .into_iter()
        .map(|h| h.history)
        .filter(|h| h.customer.display_name() == "Renée O'Connor")
        .collect();
    assert_eq!(two.len(), 2, "two records of Renée O'Connor");
    let (keep, other) = (&two[0].customer, &two[1].customer);
    let before: Vec<_> = [keep.id, other.id]
        .iter()
        .map(|id| content(store.history(*id).unwrap().unwrap()))
        .collect();
    let n = before[0].incidents.len() + before[1].incidents.len();
    let saved = store
        .merge_customers(
            &manager,
            &policy,
            (keep.id, keep.version),
            (other.id, other.version),
        )
        .unwrap();
    assert_eq!(store.history(keep.id).unwrap().unwrap().incidents.len(), n);
    let hits: Vec<_> = store
        .lookup("Renée O'Connor", 30)
        .unwrap()
        .into_iter()
        .filter(|h| h.history.customer.display_name() == "Renée O'Connor")
        .collect();
    assert_eq!(hits.len(), 1, "one Renée O'Connor now");

    let seq = saved.audit_seq.to_string();
    let o = common::safedesk(
        d,
        &["--db", dbs, "--user", "ahassan", "merge", "undo", &seq],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        common::stderr(&o).contains("cannot undo a merge"),
        "{}",
        common::stderr(&o)
    );
    let o = common::safedesk(d, &["--db", dbs, "--user", "spatel", "merge", "undo", &seq]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    assert!(
        common::stdout(&o).contains("are two records again"),
        "{}",
        common::stdout(&o)
    );
    let after: Vec<_> = [keep.id, other.id]
        .iter()
        .map(|id| content(store.history(*id).unwrap().unwrap()))
        .collect();
    assert_eq!(after, before);
    let o = common::safedesk(d, &["--db", dbs, "--user", "spatel", "merge", "undo", &seq]);
    assert_eq!(o.status.code(), Some(2));
    assert!(common::stderr(&o).contains("already undone"));
}

/// After a merge, the survivor's audit trail and the list of who looked at their card include
/// what was recorded against the retired record (the audit is append-only, so it is read
/// through the merge, never rewritten).
#[test]
fn the_survivors_trail_and_card_views_include_the_retired_records() {
    use safedesk::domain::{AuditQuery, CardView};
    let mut w = world();
    let keep = w.customer;
    let other = w.duplicate();
    w.log(other, 1);
    let viewed_at = chrono::Utc::now() - chrono::Duration::hours(1);
    w.store
        .record_views(
            &w.reception,
            &[CardView {
                id: new_id(),
                customer: other,
                at: viewed_at,
            }],
        )
        .unwrap();
    let page = |w: &mut World, who: Id| {
        w.store
            .audit_page(
                &w.manager,
                &AuditQuery {
                    customer: Some(who),
                    limit: 100,
                    ..AuditQuery::default()
                },
            )
            .unwrap()
    };
    let before = page(&mut w, keep);
    assert!(before.views.is_empty());
    let about_other = |p: &safedesk::domain::AuditPage| {
        p.entries
            .iter()
            .filter(|e| e.customer_id.as_deref() == Some(other.to_string().as_str()))
            .count()
    };
    assert_eq!(about_other(&before), 0);
    w.merge(keep, other);
    let after = page(&mut w, keep);
    assert!(
        about_other(&after) >= 2,
        "the retired record's creation and incident: {:?}",
        after.entries
    );
    assert_eq!(after.views.len(), 1, "{:?}", after.views);
    assert_eq!(after.views[0].who, "Chris Evans");
    // The retired record's own trail is unchanged.
    assert_eq!(page(&mut w, other).views.len(), 1);
}
