//! The escalation rules run on every path that changes a customer's incidents, on real SQLite
//! files: a save, a visitor's record linked, an import, a correction and a withdrawal. A customer
//! the rules send to a manager always has an open case, and only one per reason.

mod common;

use chrono::{Duration, Utc};
use common::world::{actor, World};
use common::{safedesk, stderr, stdout};
use safedesk::domain::{
    new_id, CaseReason, CaseSummary, CasesChanged, Id, NewCustomer, NewDecision, NewIncident,
    NewRestriction, Outcome, Role, Subject,
};
use safedesk::store::{Store, StoreError};
use safedesk::time;
use std::path::PathBuf;

fn world() -> World {
    common::world::world(
        ("cevans", "Chris Evans"),
        NewCustomer {
            name: Some("Zoë Åberg".into()),
            ..NewCustomer::default()
        },
    )
}

fn incident(subject: Subject) -> NewIncident {
    NewIncident {
        subject,
        description: "Shouted at the receptionist and was asked to leave.".into(),
        ..NewIncident::example(new_id(), "")
    }
}

impl World {
    fn known(&self) -> Subject {
        Subject::Existing {
            id: self.customer,
            name: "Zoë Åberg".into(),
        }
    }

    /// Log `n` incidents against `who`, as reception; returns them.
    fn log(&mut self, who: Subject, n: usize) -> Vec<NewIncident> {
        (0..n)
            .map(|_| {
                let i = incident(who.clone());
                self.store
                    .record_incident(&self.reception, &self.policy, &i)
                    .unwrap();
                i
            })
            .collect()
    }

    fn visitor(&mut self, n: usize) -> Id {
        let id = new_id();
        self.log(
            Subject::Unidentified {
                id,
                description: "Woman, 30s, red coat; front desk".into(),
            },
            n,
        );
        id
    }

    /// The customer's open cases of one reason.
    fn open(&mut self, reason: CaseReason) -> Vec<CaseSummary> {
        self.store
            .open_cases_for(self.customer)
            .unwrap()
            .into_iter()
            .filter(|c| c.reason == reason)
            .collect()
    }

    /// Close every open case of the customer behind the store's back, as an older safedesk
    /// that did not run the rules on this path would have left it: 3 of 3 and no case.
    fn lose_cases(&mut self) {
        self.sqlite()
            .raw_connection()
            .execute(
                "UPDATE escalation_case SET closed_at = '2026-01-01T00:00:00Z' WHERE customer_id = ?1",
                [self.customer.to_string()],
            )
            .unwrap();
        assert!(self.store.open_cases_for(self.customer).unwrap().is_empty());
    }
}

#[test]
fn a_visitor_linked_to_a_customer_at_two_of_three_opens_the_threshold_case_once() {
    let mut w = world();
    w.log(w.known(), 2);
    let visitor = w.visitor(1);
    assert!(w.store.open_cases().unwrap().is_empty(), "2 and 1: no case");
    let changed = w
        .store
        .link_visitor(&w.manager, &w.policy, visitor, w.customer)
        .unwrap();
    assert_eq!(changed.opened, vec![CaseReason::Threshold]);
    let cases = w.open(CaseReason::Threshold);
    assert_eq!(cases.len(), 1, "{cases:?}");
    assert_eq!(cases[0].incidents.len(), 3);
    assert_eq!(cases[0].customer_name, "Zoë Åberg");
    let audit = w.store.audit_for(&cases[0].id.to_string()).unwrap();
    assert_eq!(audit[0].action, "open case");
    assert_eq!(audit[0].who, "Sam Patel");

    // Linked again (a second press, a replay): nothing new is opened.
    let again = w
        .store
        .link_visitor(&w.manager, &w.policy, visitor, w.customer)
        .unwrap();
    assert_eq!(again, CasesChanged::default());
    let links = w.store.audit_for(&visitor.to_string()).unwrap();
    assert_eq!(
        links
            .iter()
            .filter(|a| a.action == "link visitor to customer")
            .count(),
        1
    );
    let after = w.open(CaseReason::Threshold);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].id, cases[0].id);
    assert_eq!(after[0].incidents.len(), 3);
    assert_eq!(after[0].version, cases[0].version, "nothing changed in it");
    assert_eq!(w.store.open_cases().unwrap().len(), 1);
}

#[test]
fn a_link_joins_the_visitors_case_to_the_customers_so_the_queue_shows_one() {
    let mut w = world();
    w.log(w.known(), 3);
    let visitor = w.visitor(3);
    // Both reached the threshold on their own: two threshold cases.
    assert_eq!(w.store.open_cases().unwrap().len(), 2);
    let theirs = w.open(CaseReason::Threshold);
    assert_eq!(theirs.len(), 1);
    let changed = w
        .store
        .link_visitor(&w.manager, &w.policy, visitor, w.customer)
        .unwrap();
    assert!(changed.opened.is_empty(), "{changed:?}");
    let open = w.store.open_cases().unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0].id, theirs[0].id, "the older case is kept");
    assert_eq!(open[0].incidents.len(), 6);
    assert!(open[0].version > theirs[0].version);
}

#[test]
fn a_link_that_makes_no_case_opens_none() {
    let mut w = world();
    w.log(w.known(), 1);
    let visitor = w.visitor(1);
    let changed = w
        .store
        .link_visitor(&w.manager, &w.policy, visitor, w.customer)
        .unwrap();
    assert_eq!(changed, CasesChanged::default());
    assert!(w.store.open_cases().unwrap().is_empty());
}

#[test]
fn a_correction_to_immediate_threat_opens_an_immediate_threat_case() {
    let mut w = world();
    let mut i = w.log(w.known(), 1).remove(0);
    assert!(w.store.open_cases().unwrap().is_empty());
    i.immediate_threat = true;
    let o = w
        .store
        .amend_incident(&w.reception, &w.policy, &i, 1)
        .unwrap();
    assert!(o.urgent);
    let cases = w.open(CaseReason::ImmediateThreat);
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].incidents, vec![i.id]);
    // Corrected again (the description): still the one case.
    i.description = "Threatened the receptionist with a chair; police called.".into();
    w.store
        .amend_incident(&w.reception, &w.policy, &i, 2)
        .unwrap();
    assert_eq!(w.open(CaseReason::ImmediateThreat).len(), 1);
    assert_eq!(w.store.open_cases().unwrap().len(), 1);
}

#[test]
fn a_correction_that_moves_an_incident_into_a_restriction_opens_a_breach_case() {
    let mut w = world();
    let today = time::london_date(Utc::now());
    let d = NewDecision {
        id: new_id(),
        customer_id: w.customer,
        case_id: None,
        case_version: None,
        also_closes: vec![],
        meeting_date: today,
        attendees: "Chris Evans, Sam Patel".into(),
        outcome: Outcome::Actions,
        reasons: "Repeated shouting at reception.".into(),
        reasons_for_customer: "Your behaviour towards our staff has been unacceptable.".into(),
        restrictions: vec![NewRestriction {
            kind: "witness".into(),
            ..NewRestriction::default()
        }],
        review_date: Some(today + Duration::weeks(6)),
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
    // The decision and its restriction began two hours ago.
    let two_hours_ago = time::to_db(Utc::now() - Duration::hours(2));
    let mut raw = w.sqlite();
    let c = raw.raw_connection();
    c.execute("UPDATE decision SET decided_at = ?1", [&two_hours_ago])
        .unwrap();
    c.execute("UPDATE restriction SET starts_at = ?1", [&two_hours_ago])
        .unwrap();
    // Logged now, as having happened three days ago: before the restriction, no breach.
    let mut i = incident(w.known());
    i.occurred_at = Utc::now() - Duration::days(3);
    let o = w
        .store
        .record_incident(&w.reception, &w.policy, &i)
        .unwrap();
    assert!(!o.breach);
    assert!(w.store.open_cases().unwrap().is_empty());
    // It was an hour ago in fact: a breach of the restriction in force.
    i.occurred_at = Utc::now() - Duration::hours(1);
    let o = w
        .store
        .amend_incident(&w.reception, &w.policy, &i, 1)
        .unwrap();
    assert!(o.breach);
    let cases = w.open(CaseReason::Breach);
    assert_eq!(cases.len(), 1, "{:?}", w.store.open_cases().unwrap());
    assert_eq!(cases[0].incidents, vec![i.id]);
}

#[test]
fn a_correction_of_a_customer_at_three_of_three_with_no_case_opens_one() {
    let mut w = world();
    let mut logged = w.log(w.known(), 3);
    w.lose_cases();
    let i = &mut logged[1];
    i.description = "Shouted and swore at the receptionist; asked to leave.".into();
    w.store
        .amend_incident(&w.reception, &w.policy, i, 1)
        .unwrap();
    let cases = w.open(CaseReason::Threshold);
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].incidents.len(), 3);
}

/// Write the lines of an import file for the customer, `n` incidents.
fn import_file(w: &World, n: usize) -> (PathBuf, Vec<Id>) {
    let incidents: Vec<NewIncident> = (0..n).map(|_| incident(w.known())).collect();
    let text: String = incidents
        .iter()
        .map(|i| serde_json::to_string(i).unwrap() + "\n")
        .collect();
    let file = w.db.dir.path().join(format!("import-{}.jsonl", new_id()));
    std::fs::write(&file, text).unwrap();
    (file, incidents.iter().map(|i| i.id).collect())
}

fn import(w: &World, file: &std::path::Path) {
    std::fs::write(w.db.dir.path().join("no-config.toml"), "").unwrap();
    let o = safedesk(
        w.db.dir.path(),
        &[
            "--db",
            w.path.to_str().unwrap(),
            "--user",
            "cevans",
            "import",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn an_import_that_reaches_the_threshold_opens_one_case() {
    let mut w = world();
    w.log(w.known(), 1);
    let (file, ids) = import_file(&w, 3);
    import(&w, &file);
    let cases = w.open(CaseReason::Threshold);
    assert_eq!(cases.len(), 1, "{cases:?}");
    assert_eq!(cases[0].incidents.len(), 4);
    for id in ids {
        assert!(cases[0].incidents.contains(&id));
    }
    // The same file again stores nothing twice and opens nothing more.
    import(&w, &file);
    let again = w.open(CaseReason::Threshold);
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].incidents.len(), 4);
}

#[test]
fn an_import_onto_three_of_three_with_no_case_opens_one_holding_every_incident() {
    let mut w = world();
    w.log(w.known(), 3);
    w.lose_cases();
    let (file, _) = import_file(&w, 1);
    import(&w, &file);
    let cases = w.open(CaseReason::Threshold);
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].incidents.len(), 4, "not only the fourth");
}

#[test]
fn withdrawing_below_the_threshold_closes_its_case_and_the_next_incident_opens_a_new_one() {
    let mut w = world();
    let logged = w.log(w.known(), 3);
    let case = w.open(CaseReason::Threshold).remove(0);
    let changed = w
        .store
        .withdraw_incident(
            &w.reception,
            &w.policy,
            logged[0].id,
            "Logged against the wrong person",
        )
        .unwrap();
    assert_eq!(changed.closed, vec![CaseReason::Threshold]);
    assert!(changed.opened.is_empty() && changed.kept.is_empty());
    assert!(w.store.open_cases().unwrap().is_empty());
    let closed = w.store.case(case.id).unwrap().unwrap();
    assert!(
        closed.version > case.version,
        "a manager deciding on it is told"
    );
    let audit = w.store.audit_for(&case.id.to_string()).unwrap();
    let last = audit.last().unwrap();
    assert_eq!(last.action, "close case");
    assert!(
        last.after.as_deref().unwrap().contains("withdrawn"),
        "{last:?}"
    );
    // The two that still count go on counting: the next makes 3 of 3 and a new case.
    let next = w.log(w.known(), 1);
    let cases = w.open(CaseReason::Threshold);
    assert_eq!(cases.len(), 1);
    assert_ne!(cases[0].id, case.id);
    let mut held = cases[0].incidents.clone();
    held.sort();
    let mut want = vec![logged[1].id, logged[2].id, next[0].id];
    want.sort();
    assert_eq!(held, want, "the withdrawn incident is not in the new case");
}

#[test]
fn withdrawing_one_of_four_keeps_the_threshold_case() {
    let mut w = world();
    let logged = w.log(w.known(), 4);
    let case = w.open(CaseReason::Threshold).remove(0);
    let changed = w
        .store
        .withdraw_incident(&w.manager, &w.policy, logged[3].id, "A duplicate")
        .unwrap();
    assert_eq!(changed.kept, vec![CaseReason::Threshold]);
    assert!(changed.closed.is_empty());
    let now = w.open(CaseReason::Threshold);
    assert_eq!(now.len(), 1);
    assert_eq!(now[0].id, case.id);
    assert!(now[0].version > case.version);
}

#[test]
fn withdrawing_an_immediate_threat_never_drops_its_case() {
    let mut w = world();
    let mut i = incident(w.known());
    i.immediate_threat = true;
    w.store
        .record_incident(&w.reception, &w.policy, &i)
        .unwrap();
    let case = w.open(CaseReason::ImmediateThreat).remove(0);
    let changed = w
        .store
        .withdraw_incident(&w.reception, &w.policy, i.id, "Logged in error")
        .unwrap();
    assert_eq!(changed.kept, vec![CaseReason::ImmediateThreat]);
    assert!(changed.closed.is_empty());
    let still = w.open(CaseReason::ImmediateThreat);
    assert_eq!(still.len(), 1, "a manager decides what becomes of a threat");
    assert_eq!(still[0].id, case.id);
    let h = w.store.history(w.customer).unwrap().unwrap();
    assert!(h.incidents[0].withdrawn.is_some());
}

#[test]
fn a_refused_withdrawal_changes_no_case() {
    let mut w = world();
    let logged = w.log(w.known(), 3);
    let admin = actor(&mut w.store, "admin");
    w.store
        .add_staff(&admin, "enowak", "Ewa Nowak", Role::Reception)
        .unwrap();
    let ewa = actor(&mut w.store, "enowak");
    let case = w.open(CaseReason::Threshold).remove(0);
    let e = w
        .store
        .withdraw_incident(&ewa, &w.policy, logged[0].id, "Not mine")
        .err()
        .unwrap();
    assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");
    let now = w.open(CaseReason::Threshold);
    assert_eq!(now.len(), 1);
    assert_eq!(now[0].version, case.version);
}
