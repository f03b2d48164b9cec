//! This PC's copy of what a lookup reads (issue 15, item 2): the same hits in the same order as
//! a search of the shared file, before and after other PCs' saves, and few reads of the shared
//! file for a lookup right after another PC's save.

use chrono::Utc;
use safedesk::demo::{self, Scale};
use safedesk::domain::{Actor, LookupHit, NewCustomer, NewIncident, Role};
use safedesk::policy::rules::rank_hits;
use safedesk::policy::Policy;
use safedesk::store::sqlite::shim;
use safedesk::store::{OpenOptions, SqliteStore, Store};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The scale bench's queries, and a few more of the same kinds.
fn queries() -> Vec<&'static str> {
    let mut q = safedesk::demo::BENCH_QUERIES.to_vec();
    q.extend(["Precious", "Tunde", "deborah jonhson", "jo", "o", "0770"]);
    q
}

/// A database of realistic shape made by the demo generator, once for this file's tests.
fn generated() -> &'static Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.sqlite");
        let staff = demo::staff();
        let admin = staff
            .iter()
            .find(|s| s.role == Role::Admin && s.active)
            .unwrap()
            .clone();
        let mut store =
            SqliteStore::create_with_admin(&path, &OpenOptions::default(), &admin, true).unwrap();
        let actor = Actor {
            login: admin.login.clone(),
            staff: Some(admin.clone()),
        };
        let scale = Scale {
            customers: 3_000,
            incidents: 30_000,
            restrictions: 600,
        };
        demo::generate(&scale, 7, Utc::now(), 5_000, |mut bulk| {
            bulk.staff.retain(|s| s.id != admin.id);
            store.bulk_load(&actor, &Policy::built_in(), &bulk)
        })
        .unwrap();
        (dir, path)
    })
    .1
}

/// A copy of the generated database for one test, so tests that write do not meet.
fn copy_of_generated(dir: &Path) -> PathBuf {
    let path = dir.join("shared.sqlite");
    std::fs::copy(generated(), &path).unwrap();
    path
}

fn admin(store: &mut SqliteStore) -> Actor {
    let staff = store.list_staff().unwrap();
    let a = staff.into_iter().find(|s| s.role == Role::Admin).unwrap();
    Actor {
        login: a.login.clone(),
        staff: Some(a),
    }
}

/// The hits as the app shows them: the store's order, then restricted people first among
/// matches of the same kind.
fn shown(mut hits: Vec<LookupHit>, now: chrono::DateTime<Utc>) -> Vec<LookupHit> {
    rank_hits(&mut hits, now);
    hits
}

fn same_results(shared: &mut SqliteStore, copy: &mut SqliteStore, when: &str) {
    let now = Utc::now();
    for q in queries() {
        let before = shared.lookup(q, 30).unwrap();
        let after = copy
            .lookup_on_local_copy(q, 30)
            .expect("the copy is in use");
        let names = |h: &[LookupHit]| {
            h.iter()
                .map(|h| h.history.customer.display_name())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&before),
            names(&after),
            "{when}: the hits for {q:?} differ"
        );
        assert_eq!(before, after, "{when}: the hits for {q:?} differ");
        assert_eq!(
            shown(before, now),
            shown(after, now),
            "{when}: the order shown for {q:?} differs"
        );
    }
}

#[test]
fn the_copy_on_this_pc_finds_the_same_hits_in_the_same_order_as_the_shared_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_generated(dir.path());
    let mut shared = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    let mut copy = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    copy.use_local_index(&dir.path().join("local"), false);
    assert!(copy.build_local_index().unwrap(), "the copy was built");
    let hits = shared.lookup("Deborah Johnson", 30).unwrap();
    assert!(!hits.is_empty(), "the demo's Deborah Johnson is there");
    same_results(&mut shared, &mut copy, "just built");

    // Other PCs save: a new customer matching the queries, incidents against people found,
    // one withdrawn, a name changed, a visitor linked to a customer.
    let mut other = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    let who = admin(&mut other);
    let policy = Policy::built_in();
    other
        .add_customer(
            &who,
            NewCustomer {
                name: Some("Deborah Johnstone".into()),
                phones: vec!["07700 900124".into()],
                ..NewCustomer::default()
            },
        )
        .unwrap();
    let deborah = hits[0].history.customer.clone();
    let first = NewIncident {
        immediate_threat: true,
        ..NewIncident::example(deborah.id, "Deborah Johnson")
    };
    other.record_incident(&who, &policy, &first).unwrap();
    same_results(&mut shared, &mut copy, "after an incident");
    let smith = shared.lookup("smith", 30).unwrap()[3]
        .history
        .customer
        .clone();
    other
        .record_incident(&who, &policy, &NewIncident::example(smith.id, "Smith"))
        .unwrap();
    other
        .withdraw_incident(&who, &policy, first.id, "Logged against the wrong person.")
        .unwrap();
    let renamed = shared.lookup("kowalczyk", 30).unwrap()[0]
        .history
        .customer
        .clone();
    other
        .update_customer(
            &who,
            renamed.id,
            NewCustomer {
                name: Some("Marek Johnson-Kowalczyk".into()),
                phones: renamed.phones.clone(),
                emails: renamed.emails.clone(),
                other_names: renamed.other_names.clone(),
                postcode: renamed.postcode.clone(),
                ..NewCustomer::default()
            },
            renamed.version,
        )
        .unwrap();
    let visitor = other
        .add_customer(
            &who,
            NewCustomer {
                name: Some("Pat Visitor Johnson".into()),
                ..NewCustomer::default()
            },
        )
        .unwrap();
    same_results(&mut shared, &mut copy, "after a new customer and a rename");
    let _ = other.link_visitor(&who, &policy, visitor.id, smith.id);
    same_results(&mut shared, &mut copy, "after other PCs' saves");

    // A threat logged elsewhere shows on the copy's very next lookup.
    other
        .record_incident(
            &who,
            &policy,
            &NewIncident {
                immediate_threat: true,
                ..NewIncident::example(deborah.id, "Deborah Johnson")
            },
        )
        .unwrap();
    let hit = copy
        .lookup_on_local_copy("Deborah Johnson", 30)
        .unwrap()
        .into_iter()
        .find(|h| h.history.customer.id == deborah.id)
        .unwrap();
    assert!(hit.history.incidents.iter().any(|i| i.immediate_threat));
    same_results(&mut shared, &mut copy, "after a threat");
}

#[test]
fn a_lookup_right_after_another_pcs_save_reads_a_few_pages_of_the_shared_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_generated(dir.path());
    let mut counted = SqliteStore::open(
        &path,
        &OpenOptions {
            vfs: Some(shim::register().unwrap().to_string()),
            ..OpenOptions::default()
        },
    )
    .unwrap();
    counted.use_local_index(&dir.path().join("local"), false);
    assert!(counted.build_local_index().unwrap());
    let mut other = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    let who = admin(&mut other);
    let policy = Policy::built_in();
    let someone = other.lookup("smith", 1).unwrap()[0].history.customer.id;
    for (n, q) in queries().into_iter().enumerate() {
        // Another PC saves: a customer one time, an incident the next.
        if n % 2 == 0 {
            other
                .add_customer(
                    &who,
                    NewCustomer {
                        name: Some(format!("Other PC {n}")),
                        ..NewCustomer::default()
                    },
                )
                .unwrap();
        } else {
            other
                .record_incident(&who, &policy, &NewIncident::example(someone, "Smith"))
                .unwrap();
        }
        let before = shim::counts();
        counted.lookup(q, 30).unwrap();
        let reads = shim::counts().since(&before).reads;
        assert!(
            reads <= 60,
            "{q:?} right after another PC's save read {reads} pages of the shared file"
        );
    }
    // Typing the next letter of the same name.
    counted.lookup("deborah johnso", 30).unwrap();
    let before = shim::counts();
    counted.lookup("deborah johnson", 30).unwrap();
    let reads = shim::counts().since(&before).reads;
    assert!(reads <= 10, "the next letter read {reads} pages");
}
