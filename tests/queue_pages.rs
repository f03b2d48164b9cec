//! The manager's queue read a page at a time: the same cases in the same order as the whole
//! queue sorted and filtered in the app, and a page's cost that does not grow with the queue.

use chrono::Utc;
use safedesk::app::manager::{sort_cases, QueueFilter, QueueView};
use safedesk::demo::{self, Scale};
use safedesk::domain::{
    Actor, CaseReason, CaseSummary, Id, NewCustomer, NewIncident, QueueQuery, Role,
};
use safedesk::policy::Policy;
use safedesk::store::sqlite::shim;
use safedesk::store::{OpenOptions, SqliteStore, Store};
use std::path::Path;
use tui_input::Input;

/// A database of `scale` made by the demo generator, as the admin.
fn generated(path: &Path, scale: &Scale, now: chrono::DateTime<Utc>) -> (SqliteStore, Actor) {
    let staff = demo::staff();
    let admin = staff
        .iter()
        .find(|s| s.role == Role::Admin && s.active)
        .unwrap()
        .clone();
    let mut store =
        SqliteStore::create_with_admin(path, &OpenOptions::default(), &admin, true).unwrap();
    let actor = Actor {
        login: admin.login.clone(),
        staff: Some(admin.clone()),
    };
    demo::generate(scale, 7, now, 5_000, |mut bulk| {
        bulk.staff.retain(|s| s.id != admin.id);
        store.bulk_load(&actor, &Policy::built_in(), &bulk)
    })
    .unwrap();
    (store, actor)
}

fn today() -> chrono::NaiveDate {
    safedesk::time::london_date(Utc::now())
}

/// Every filter the queue offers, for a manager `me`.
fn filters() -> Vec<QueueFilter> {
    let mut out = vec![QueueFilter::All];
    out.extend(CaseReason::ALL.iter().map(|r| QueueFilter::Reason(*r)));
    out.extend([QueueFilter::Confirmation, QueueFilter::Mine]);
    out
}

/// The queue as the app showed it when it loaded every open case: sorted, then filtered.
fn whole(store: &mut SqliteStore, actor: &Actor, f: QueueFilter, find: &str) -> Vec<Id> {
    let mut queue = store.queue(actor, today()).unwrap();
    sort_cases(&mut queue.cases);
    let view = QueueView {
        queue,
        filter: f,
        find: (!find.is_empty()).then(|| Input::new(find.to_string())),
        ..QueueView::default()
    };
    view.visible(actor.staff.as_ref().map(|s| s.id))
        .into_iter()
        .map(|c| c.id)
        .collect()
}

/// The same, read a page of `size` at a time.
fn paged(
    store: &mut SqliteStore,
    actor: &Actor,
    f: QueueFilter,
    find: &str,
    size: usize,
) -> Vec<CaseSummary> {
    let me = actor.staff.as_ref().map(|s| s.id);
    let mut out = Vec::new();
    loop {
        let page = store
            .queue_page(
                &QueueQuery {
                    filter: f.for_store(me),
                    find: find.into(),
                    offset: out.len(),
                    limit: size,
                },
                today(),
            )
            .unwrap();
        assert_eq!(page.offset, out.len());
        assert!(page.cases.len() <= size);
        let done = page.cases.len() < size;
        out.extend(page.cases);
        assert!(out.len() <= page.total);
        if done {
            assert_eq!(
                out.len(),
                page.total,
                "{f:?} {find:?}: the count and the rows"
            );
            return out;
        }
    }
}

#[test]
fn pages_of_the_queue_hold_the_same_cases_in_the_same_order_as_the_whole_queue() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let mut store = demo::db::create(&path, &OpenOptions::default()).unwrap();
    let manager = store.staff_by_login("spatel").unwrap();
    let actor = Actor {
        login: "spatel".into(),
        staff: manager,
    };
    // Open the due reviews first, as the worker does, so both readings see the same cases.
    store.open_due_reviews(&actor, today()).unwrap();
    // Some cases assigned to the manager, so "mine" keeps some and not all.
    let all = whole(&mut store, &actor, QueueFilter::All, "");
    assert!(all.len() > 10, "the demo has a queue ({} cases)", all.len());
    let me = actor.staff.as_ref().unwrap().id;
    for id in all.iter().step_by(3) {
        let c = store.case(*id).unwrap().unwrap();
        store.assign_case(&actor, *id, Some(me), c.version).unwrap();
    }
    // Cases that change rank and a new one: the counts kept by triggers follow them.
    let someone = store.queue(&actor, today()).unwrap().cases[0].customer_id;
    let threat = safedesk::domain::NewIncident {
        immediate_threat: true,
        ..safedesk::domain::NewIncident::example(someone, "Someone")
    };
    store
        .record_incident(&actor, &Policy::built_in(), &threat)
        .unwrap();
    let mut q = store.queue(&actor, today()).unwrap();
    sort_cases(&mut q.cases);
    assert!(q.cases[0].unopened_alert(), "{:?}", q.cases[0]);
    let unopened_first = whole(&mut store, &actor, QueueFilter::All, "");
    assert_eq!(
        paged(&mut store, &actor, QueueFilter::All, "", 5)
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        unopened_first
    );
    assert!(store.mark_case_seen(&actor, q.cases[0].id).unwrap());
    store
        .customer_request(
            &actor,
            safedesk::domain::new_id(),
            someone,
            "Asked for a review.",
        )
        .unwrap();
    let mut kinds = 0;
    for f in filters() {
        for find in ["", "o", "JOHN", "zz no one"] {
            let want = whole(&mut store, &actor, f, find);
            kinds += usize::from(!want.is_empty());
            for size in [1, 7, 50] {
                let got: Vec<Id> = paged(&mut store, &actor, f, find, size)
                    .iter()
                    .map(|c| c.id)
                    .collect();
                assert_eq!(got, want, "{f:?} find {find:?} in pages of {size}");
            }
        }
    }
    assert!(kinds > 8, "the filters keep different cases");
    // The rows are the whole cases, as the queue shows them.
    let first = paged(&mut store, &actor, QueueFilter::All, "", 50);
    let mut q = store.queue(&actor, today()).unwrap();
    sort_cases(&mut q.cases);
    assert_eq!(first, q.cases);
    // The summary line says the same as when every case was read.
    let page = store
        .queue_page(
            &QueueQuery {
                limit: 5,
                ..QueueQuery::default()
            },
            today(),
        )
        .unwrap();
    assert_eq!(page.summary, q.summary);
    assert!(page.summary.overdue_reviews > 0, "{:?}", page.summary);
    // Reception reads no page of "mine": a login not on the staff list has no cases.
    let page = store
        .queue_page(
            &QueueQuery {
                filter: QueueFilter::Mine.for_store(None),
                limit: 10,
                ..QueueQuery::default()
            },
            today(),
        )
        .unwrap();
    assert_eq!((page.cases.len(), page.total), (0, 0));
}

/// The queue's rows are a copy kept by triggers (migration 12): every change that shows in a row
/// reaches it in the same write, so a page always equals the cases read whole.
#[test]
fn the_queues_rows_follow_every_change_that_shows_in_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let mut store = demo::db::create(&path, &OpenOptions::default()).unwrap();
    let actor = Actor {
        login: "spatel".into(),
        staff: store.staff_by_login("spatel").unwrap(),
    };
    let policy = Policy::built_in();
    store.open_due_reviews(&actor, today()).unwrap();
    let same = |store: &mut SqliteStore, what: &str| {
        let mut q = store.queue(&actor, today()).unwrap();
        sort_cases(&mut q.cases);
        let got = paged(store, &actor, QueueFilter::All, "", 7);
        assert_eq!(got, q.cases, "after {what}");
        got
    };
    let before = same(&mut store, "opening");
    // A customer with a case is renamed.
    let case = before
        .iter()
        .find(|c| c.incidents.len() >= 2)
        .expect("a case with several incidents")
        .clone();
    let c = store.history(case.customer_id).unwrap().unwrap().customer;
    let mut edit = NewCustomer {
        id: Some(c.id),
        other_names: c.other_names.clone(),
        phones: c.phones.clone(),
        emails: c.emails.clone(),
        postcode: c.postcode.clone(),
        description: c.description.clone(),
        notes: c.notes.clone(),
        ..NewCustomer::default()
    };
    edit.name = Some("Zebedee Renamed".into());
    store
        .update_customer(&actor, c.id, edit, c.version)
        .unwrap();
    let rows = same(&mut store, "a rename");
    assert!(rows.iter().any(|r| r.customer_name == "Zebedee Renamed"));
    // The last incident behind it is corrected to have happened first: the order follows.
    let h = store.history(case.customer_id).unwrap().unwrap();
    let last = h
        .incidents
        .iter()
        .find(|i| i.id == *case.incidents.last().unwrap())
        .unwrap()
        .clone();
    let earliest = h
        .incidents
        .iter()
        .filter(|i| case.incidents.contains(&i.id))
        .map(|i| i.occurred_at)
        .min()
        .unwrap();
    let amended = NewIncident {
        id: last.id,
        occurred_at: earliest - chrono::Duration::days(1),
        ..NewIncident::example(case.customer_id, "Zebedee Renamed")
    };
    store
        .amend_incident(&actor, &policy, &amended, last.version)
        .unwrap();
    let rows = same(&mut store, "a correction");
    let now = rows.iter().find(|r| r.id == case.id).unwrap();
    assert_eq!(now.incidents.first(), Some(&last.id), "{now:?}");
    // A new incident joins a case; a threat opens one; a withdrawal takes one away.
    let threat = NewIncident {
        immediate_threat: true,
        ..NewIncident::example(case.customer_id, "Zebedee Renamed")
    };
    store.record_incident(&actor, &policy, &threat).unwrap();
    same(&mut store, "a threat");
    store
        .withdraw_incident(
            &actor,
            &policy,
            threat.id,
            "Logged against the wrong person.",
        )
        .unwrap();
    same(&mut store, "a withdrawal");
    // Assigned, opened by a manager, and asked about by the customer.
    let first = store.queue(&actor, today()).unwrap().cases[0].clone();
    store
        .assign_case(
            &actor,
            first.id,
            actor.staff.as_ref().map(|s| s.id),
            first.version,
        )
        .unwrap();
    store.mark_case_seen(&actor, first.id).unwrap();
    same(&mut store, "assigning and opening");
}

/// A database made before the queue kept its own rows (schema 11) gets them from its open cases
/// when it is brought up to date: the customer's name and the incidents in their order.
#[test]
fn migration_12_fills_the_queue_from_the_cases_already_open() {
    use safedesk::store::sqlite::migrations::MIGRATIONS;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..11] {
            c.execute_batch(sql).unwrap();
        }
        c.execute_batch(
            "PRAGMA user_version = 11;
             INSERT INTO meta (key, value) VALUES ('app', 'safedesk');
             INSERT INTO staff (id, login, display_name, role, created_at)
               VALUES ('00000000-0000-0000-0000-000000000001', 'spatel', 'Sam Patel', 'manager',
                       '2026-11-24T09:00:00.000Z');
             INSERT INTO customer (id, name, created_at, updated_at)
               VALUES ('00000000-0000-0000-0000-000000000002', 'Tunde Okafor',
                       '2026-11-24T09:00:00.000Z', '2026-11-24T09:00:00.000Z');
             INSERT INTO incident (id, customer_id, occurred_at, logged_at, logged_by, channel,
                                   category, response, description)
               VALUES ('00000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-000000000002',
                       '2026-11-23T10:00:00.000Z', '2026-11-24T09:00:00.000Z',
                       '00000000-0000-0000-0000-000000000001', 'phone', 'abusive', 'warned', 'Later.'),
                      ('00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000002',
                       '2026-11-22T10:00:00.000Z', '2026-11-24T09:01:00.000Z',
                       '00000000-0000-0000-0000-000000000001', 'phone', 'abusive', 'warned', 'Earlier.');
             INSERT INTO escalation_case (id, customer_id, reason, opened_at, assigned_to)
               VALUES ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-000000000002',
                       'threshold', '2026-11-24T09:05:00.000Z', '00000000-0000-0000-0000-000000000001'),
                      ('00000000-0000-0000-0000-000000000004', '00000000-0000-0000-0000-000000000002',
                       'breach', '2026-11-24T09:06:00.000Z', NULL);
             INSERT INTO case_incident (case_id, incident_id) VALUES
               ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-00000000000b'),
               ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-00000000000a');",
        )
        .unwrap();
    }
    let mut store = SqliteStore::open(&path, &OpenOptions::default()).unwrap();
    let actor = Actor {
        login: "spatel".into(),
        staff: store.staff_by_login("spatel").unwrap(),
    };
    let mut q = store.queue(&actor, today()).unwrap();
    sort_cases(&mut q.cases);
    let rows = paged(&mut store, &actor, QueueFilter::All, "", 10);
    assert_eq!(rows, q.cases);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0].reason,
        CaseReason::Breach,
        "an unopened breach first"
    );
    assert_eq!(rows[1].customer_name, "Tunde Okafor");
    assert_eq!(rows[1].assigned_to.as_deref(), Some("Sam Patel"));
    assert_eq!(
        rows[1]
            .incidents
            .iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>(),
        [
            "00000000-0000-0000-0000-00000000000a",
            "00000000-0000-0000-0000-00000000000b"
        ],
        "oldest first"
    );
}

/// About 12 000 open cases, made as a year ago: the review dates of the restrictions still in
/// force have passed since, and each opens a review case.
const BIG: Scale = Scale {
    customers: 44_000,
    incidents: 88_000,
    restrictions: 31_000,
};

#[test]
fn a_page_of_a_queue_of_twelve_thousand_cases_reads_a_few_pages_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.sqlite");
    let (mut store, admin) = generated(&path, &BIG, Utc::now() - chrono::Duration::days(365));
    store.open_due_reviews(&admin, today()).unwrap();
    let open = store.queue_watch().unwrap();
    let n: u64 = open.by_reason.iter().map(|(_, n)| n).sum::<u64>() + open.confirmation_owed;
    assert!(n >= 11_000, "{n} open cases");

    let mut counted = SqliteStore::open(
        &path,
        &OpenOptions {
            vfs: Some(shim::register().unwrap().to_string()),
            ..OpenOptions::default()
        },
    )
    .unwrap();
    let query = |offset| QueueQuery {
        offset,
        limit: PAGE,
        ..QueueQuery::default()
    };
    let first = counted.queue_page(&query(0), today()).unwrap();
    assert_eq!(first.total as u64, n);
    assert_eq!(first.cases.len(), PAGE);
    let someone = |store: &mut SqliteStore, name: &str| {
        store
            .add_customer(
                &admin,
                NewCustomer {
                    name: Some(name.into()),
                    ..NewCustomer::default()
                },
            )
            .unwrap();
    };
    // Another PC saves: this connection's page cache is no longer trusted (cold).
    someone(&mut store, "Someone New");
    let before = shim::counts();
    let again = counted.queue_page(&query(0), today()).unwrap();
    let cold = shim::counts().since(&before);
    assert_eq!(again.cases, first.cases);
    // The counts alone (the part that could grow with the queue), after another write.
    someone(&mut store, "Someone Else");
    let before = shim::counts();
    let none = counted
        .queue_page(&query(0).with_limit(0), today())
        .unwrap();
    let counts = shim::counts().since(&before);
    assert_eq!(none.summary, first.summary);
    assert_eq!(none.total, first.total);
    // Scrolling on: the next page, whose rows were not read before.
    let before = shim::counts();
    let next = counted.queue_page(&query(PAGE), today()).unwrap();
    let more = shim::counts().since(&before);
    assert_eq!(next.cases.len(), PAGE);
    assert!(!next.cases.iter().any(|c| first.cases.contains(c)));
    // Half way down, straight after another PC's write: the narrow index of the queue's order
    // says where the page starts, without reading the rows before it.
    someone(&mut store, "Someone Else Again");
    let half = (n as usize / 2) / PAGE * PAGE;
    let before = shim::counts();
    let far = counted.queue_page(&query(half), today()).unwrap();
    let jump = shim::counts().since(&before);
    assert_eq!(far.cases.len(), PAGE);
    eprintln!(
        "queue of {n}: first page of {PAGE} after another's write {} reads ({} bytes); \
         the counts alone {} reads; the next page {} reads; a page half way down after \
         another's write {} reads",
        cold.reads, cold.bytes_read, counts.reads, more.reads, jump.reads
    );
    // Neither the counts nor a page grow with the queue: the rows are read in the queue's order
    // from its own table, a few pages of the file for a screenful, even when cold (the issue's
    // budget: 30 file reads to open the queue after another PC's write).
    assert!(
        counts.reads <= 10,
        "{} file reads for the counts",
        counts.reads
    );
    assert!(cold.reads <= 30, "{} file reads cold", cold.reads);
    assert!(more.reads <= 30, "{} file reads", more.reads);
    assert!(jump.reads <= 150, "{} file reads half way down", jump.reads);
}

/// The page the app asks for first: a screenful and a little more.
const PAGE: usize = safedesk::app::manager::QUEUE_PAGE;

trait Limit {
    fn with_limit(self, n: usize) -> Self;
}

impl Limit for QueueQuery {
    fn with_limit(mut self, n: usize) -> Self {
        self.limit = n;
        self
    }
}
