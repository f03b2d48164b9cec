//! Who may decide what (issue 19, item 4) in the store, on real SQLite files: a decision the
//! policy says needs a second person's approval waits for it with nothing in force; its author
//! cannot approve it; another manager's approval puts it in force in one transaction with both
//! names recorded; a stale approval is refused; a decision turned down never comes into force
//! and its case goes back to the queue; a role the policy does not allow is refused.

mod common;

use chrono::{Duration, Utc};
use common::world::{actor, kind, today, tunde as world, World};
use safedesk::domain::{
    new_id, ApprovalAnswer, ApprovalStatus, CaseFilter, CaseReason, NewDecision, NewIncident,
    Outcome, QueueQuery, SettingKind,
};
use safedesk::policy::rules::active_restrictions;
use safedesk::store::{Store, StoreError};

impl World {
    fn threshold(&mut self) -> safedesk::domain::CaseSummary {
        for _ in 0..3 {
            let inc = NewIncident::example(self.customer, "Tunde Okafor");
            self.store
                .record_incident(&self.reception, &self.policy, &inc)
                .unwrap();
        }
        self.case_of(CaseReason::Threshold)
            .expect("a threshold case")
    }

    fn case_of(&mut self, reason: CaseReason) -> Option<safedesk::domain::CaseSummary> {
        self.store
            .queue(&self.manager, today())
            .unwrap()
            .cases
            .into_iter()
            .find(|c| c.reason == reason)
    }

    /// Services withdrawn from Tunde on his threshold case, as Sam Patel's form gives it.
    fn withdrawal(&self, case: &safedesk::domain::CaseSummary) -> NewDecision {
        NewDecision {
            reasons: "Three incidents of shouting in a week after every action was tried.".into(),
            ..self.deciding(
                case,
                Outcome::WithdrawalOfServices,
                vec![kind("services_withdrawn")],
            )
        }
    }

    fn decision(&mut self, id: safedesk::domain::Id) -> safedesk::domain::Decision {
        let h = self.store.history(self.customer).unwrap().unwrap();
        h.decisions.into_iter().find(|d| d.id == id).unwrap()
    }

    fn in_force(&mut self) -> Vec<String> {
        let h = self.store.history(self.customer).unwrap().unwrap();
        active_restrictions(&h, Utc::now())
            .iter()
            .map(|r| r.kind.clone())
            .collect()
    }

    /// What a lookup of Tunde by name says is in force (the banner on every PC).
    fn looked_up(&mut self) -> Vec<String> {
        let hits = self.store.lookup("Tunde Okafor", 5).unwrap();
        active_restrictions(&hits[0].history, Utc::now())
            .iter()
            .map(|r| r.kind.clone())
            .collect()
    }
}

fn answer(d: &safedesk::domain::Decision, approve: bool, reason: &str) -> ApprovalAnswer {
    ApprovalAnswer {
        decision_id: d.id,
        version: d.version,
        approve,
        reason: reason.into(),
    }
}

#[test]
fn a_withdrawal_waits_for_a_second_manager_whose_approval_puts_it_in_force_with_both_names() {
    let mut w = world();
    let case = w.threshold();
    let d = w.withdrawal(&case);
    let saved = w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
    let why = saved.waiting_for_approval.clone().expect("it waits");
    assert!(
        why.starts_with("Withdrawal of services needs a second person's approval"),
        "{why}"
    );
    assert_eq!((saved.restrictions, saved.letter_owed), (0, false));

    // Nothing of it is in force: no restriction, no banner, no letter owed.
    assert!(w.in_force().is_empty());
    assert!(w.looked_up().is_empty());
    assert!(w.store.letters_owed().unwrap().is_empty());
    let waiting = w.decision(d.id);
    assert_eq!(waiting.approval.status, ApprovalStatus::Waiting);
    assert!(!waiting.in_force());
    assert_eq!(waiting.approval.restrictions.len(), 1);
    // It is in the queue as "Waiting for approval", holding the incidents; the threshold case
    // it answered has left the queue.
    let approval = w.case_of(CaseReason::Approval).expect("a case to approve");
    assert_eq!(approval.why(), "Waiting for approval");
    assert_eq!(approval.decision_id, Some(d.id));
    assert_eq!(approval.incidents.len(), 3);
    assert!(w.case_of(CaseReason::Threshold).is_none());
    // The queue's filter for it finds it, and only it.
    let page = w
        .store
        .queue_page(
            &QueueQuery {
                filter: CaseFilter::Reason(CaseReason::Approval),
                limit: 20,
                ..QueueQuery::default()
            },
            today(),
        )
        .unwrap();
    assert_eq!((page.total, page.cases.len()), (1, 1));
    let page = w
        .store
        .queue_page(
            &QueueQuery {
                filter: CaseFilter::Reason(CaseReason::CustomerRequest),
                limit: 20,
                ..QueueQuery::default()
            },
            today(),
        )
        .unwrap();
    assert_eq!((page.total, page.cases.len()), (0, 0));
    // The queue's own counts have it under its own kind.
    let watch = w.store.queue_watch().unwrap();
    assert!(watch.by_reason.contains(&(CaseReason::Approval, 1)));

    // Its author cannot approve it, nor turn it down.
    match w
        .store
        .answer_approval(&w.manager, &w.policy, &answer(&waiting, true, ""))
    {
        Err(StoreError::NotAllowed(m)) => assert!(
            m.starts_with(
                "You made this decision about Tunde Okafor, so you cannot approve it: the policy asks a second person."
            ),
            "{m}"
        ),
        other => panic!("the author approved: {other:?}"),
    }
    assert!(w.in_force().is_empty());
    // Nor can another decision be made on top of it meanwhile.
    let again = w.withdrawal(&approval);
    assert!(w
        .store
        .record_decision(&w.manager, &w.policy, &again)
        .is_err());

    // Another manager approves it: in force at once, on every connection.
    let mut other_pc = safedesk::store::SqliteStore::open(&w.path, &common::world::opts()).unwrap();
    let done = w.approve(d.id);
    assert!(done.approved && !done.already_saved);
    assert_eq!((done.restrictions, done.letter_owed), (1, true));
    assert_eq!(w.in_force(), vec!["services_withdrawn".to_string()]);
    let hits = other_pc.lookup("Tunde Okafor", 5).unwrap();
    assert_eq!(active_restrictions(&hits[0].history, Utc::now()).len(), 1);
    let approved = w.decision(d.id);
    assert_eq!(approved.approval.status, ApprovalStatus::Approved);
    assert_eq!(approved.decided_by_name, "Sam Patel");
    assert_eq!(approved.approval.by_name, "Grace Mensah");
    assert!(approved.approval.at.is_some());
    assert!(approved.in_force());
    // The letter is owed now, and the case has left the queue.
    assert_eq!(w.store.letters_owed().unwrap().len(), 1);
    assert!(w.case_of(CaseReason::Approval).is_none());
    // The audit trail says who approved whose decision.
    let trail = w.store.audit_for(&d.id.to_string()).unwrap();
    let approve = trail
        .iter()
        .find(|e| e.action == "approve decision")
        .expect("the approval audited");
    let after = approve.after.clone().unwrap_or_default();
    assert!(
        after.contains("Grace Mensah") && after.contains("Sam Patel"),
        "{after}"
    );
    // The same approval again (a replay from the outbox) changes nothing.
    let grace = actor(&mut w.store, "gmensah");
    let replay = w
        .store
        .answer_approval(&grace, &w.policy, &answer(&waiting, true, ""))
        .unwrap();
    assert!(replay.already_saved);
    assert_eq!(w.in_force().len(), 1);
}

#[test]
fn a_stale_approval_is_refused() {
    let mut w = world();
    let case = w.threshold();
    let d = w.withdrawal(&case);
    w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
    let shown = w.decision(d.id);
    let grace = w.second_manager();
    // A version other than the one there is refused as a conflict.
    let mut old = answer(&shown, true, "");
    old.version -= 1;
    match w.store.answer_approval(&grace, &w.policy, &old) {
        Err(StoreError::Conflict(m)) => assert!(m.contains("changed since it was shown"), "{m}"),
        other => panic!("a stale approval went through: {other:?}"),
    }
    // The admin approves first; Grace, shown the decision before, is told who did.
    let admin = actor(&mut w.store, "admin");
    w.store
        .answer_approval(&admin, &w.policy, &answer(&shown, true, ""))
        .unwrap();
    match w
        .store
        .answer_approval(&grace, &w.policy, &answer(&shown, false, "Not yet."))
    {
        Err(StoreError::Conflict(m)) => {
            assert!(m.contains("was already approved by Alex Morgan"), "{m}")
        }
        other => panic!("a stale answer went through: {other:?}"),
    }
    assert_eq!(w.decision(d.id).approval.by_name, "Alex Morgan");
    assert_eq!(w.in_force().len(), 1, "approved once");
}

#[test]
fn a_decision_turned_down_never_comes_into_force_and_its_case_goes_back_to_the_queue() {
    let mut w = world();
    let case = w.threshold();
    let d = w.withdrawal(&case);
    w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
    let shown = w.decision(d.id);
    let grace = w.second_manager();
    // A reason is required.
    match w
        .store
        .answer_approval(&grace, &w.policy, &answer(&shown, false, "  "))
    {
        Err(StoreError::Invalid(m)) => assert!(
            m.starts_with("Say why you are turning down the decision about Tunde Okafor"),
            "{m}"
        ),
        other => panic!("turned down with no reason: {other:?}"),
    }
    let out = w
        .store
        .answer_approval(
            &grace,
            &w.policy,
            &answer(&shown, false, "Try a behaviour agreement first."),
        )
        .unwrap();
    assert!(!out.approved);
    assert_eq!(out.cases_reopened, 1);
    let turned = w.decision(d.id);
    assert_eq!(turned.approval.status, ApprovalStatus::TurnedDown);
    assert_eq!(turned.approval.note, "Try a behaviour agreement first.");
    assert_eq!(turned.approval.by_name, "Grace Mensah");
    assert!(w.in_force().is_empty());
    assert!(w.store.letters_owed().unwrap().is_empty());
    // The threshold case is back for a new decision; the approval case is gone.
    assert!(w.case_of(CaseReason::Approval).is_none());
    let back = w.case_of(CaseReason::Threshold).expect("the case is back");
    assert_eq!(back.id, case.id);
    // A new decision on it, needing no approval, comes into force at once.
    let witness = NewDecision {
        id: new_id(),
        case_version: Some(back.version),
        outcome: Outcome::Actions,
        restrictions: vec![kind("witness")],
        tried_actions: vec![],
        ..w.withdrawal(&back)
    };
    let saved = w
        .store
        .record_decision(&w.manager, &w.policy, &witness)
        .unwrap();
    assert_eq!(saved.waiting_for_approval, None);
    assert_eq!(w.in_force(), vec!["witness".to_string()]);
}

#[test]
fn a_role_the_policy_does_not_allow_is_refused() {
    let mut w = world();
    let admin = actor(&mut w.store, "admin");
    // The office's policy: only an admin may withdraw services, and approves it.
    let ours = safedesk::policy::BUILT_IN.replacen(
        "decides = \"withdrawal_of_services\"\nroles = [\"manager\", \"admin\"]\napproved_by = [\"manager\", \"admin\"]",
        "decides = \"withdrawal_of_services\"\nroles = [\"admin\"]\napproved_by = [\"admin\"]",
        1,
    );
    assert_ne!(ours, safedesk::policy::BUILT_IN);
    w.store
        .set_office_setting(&admin, SettingKind::Policy, &ours)
        .unwrap();
    let case = w.threshold();
    let d = w.withdrawal(&case);
    match w.store.record_decision(&w.manager, &w.policy, &d) {
        Err(StoreError::NotAllowed(m)) => assert_eq!(
            m,
            "Withdrawal of services may be decided only by an admin, by the office's policy (who_decides): you are signed in as a manager. Ask an admin to record it."
        ),
        other => panic!("a manager withdrew services: {other:?}"),
    }
    assert!(w
        .store
        .history(w.customer)
        .unwrap()
        .unwrap()
        .decisions
        .is_empty());
    // An admin may; it then waits for an admin other than them, not a manager.
    let d = NewDecision { id: new_id(), ..d };
    let saved = w.store.record_decision(&admin, &w.policy, &d).unwrap();
    assert!(saved.waiting_for_approval.is_some());
    let shown = w.decision(d.id);
    let grace = w.second_manager();
    match w
        .store
        .answer_approval(&grace, &w.policy, &answer(&shown, true, ""))
    {
        Err(StoreError::NotAllowed(m)) => assert!(
            m.starts_with("Withdrawal of services may be approved only by an admin"),
            "{m}"
        ),
        other => panic!("a manager approved: {other:?}"),
    }
    assert!(w.in_force().is_empty());
}

/// The reports count a decision once it is in force: one waiting for approval, or turned down,
/// is not a decision made.
#[test]
fn the_reports_count_a_decision_waiting_for_approval_only_once_approved() {
    let mut w = world();
    let case = w.threshold();
    let d = w.withdrawal(&case);
    w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
    let outcomes = |w: &mut World| {
        w.store
            .report(
                &w.manager.clone(),
                today() - Duration::days(30),
                today(),
                Utc::now(),
            )
            .unwrap()
            .outcomes
    };
    assert!(outcomes(&mut w).is_empty(), "{:?}", outcomes(&mut w));
    w.approve(d.id);
    assert_eq!(
        outcomes(&mut w),
        vec![("withdrawal_of_services".to_string(), 1)]
    );
}

/// Two records of one person, each with a decision waiting for approval, are not merged: the
/// two waiting cases would become one and answer only one decision.
#[test]
fn two_records_each_with_a_decision_waiting_are_not_merged_until_one_is_answered() {
    let mut w = world();
    let first = w.customer;
    let case = w.threshold();
    w.store
        .record_decision(&w.manager, &w.policy, &w.withdrawal(&case))
        .unwrap();
    // The same person's second record, with three incidents and a withdrawal of its own.
    let second = w
        .store
        .add_customer(
            &w.reception,
            safedesk::domain::NewCustomer {
                name: Some("Tunde Okafor".into()),
                phones: vec!["020 7946 0111".into()],
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    w.customer = second;
    let case = w.threshold();
    assert_eq!(case.customer_id, second);
    let d2 = w.withdrawal(&case);
    w.store.record_decision(&w.manager, &w.policy, &d2).unwrap();
    let version = |w: &mut World, id| w.store.history(id).unwrap().unwrap().customer.version;
    let (v1, v2) = (version(&mut w, first), version(&mut w, second));
    match w
        .store
        .merge_customers(&w.manager, &w.policy, (first, v1), (second, v2))
    {
        Err(StoreError::Invalid(m)) => assert!(
            m.contains("Both records have a decision waiting for a second person's approval"),
            "{m}"
        ),
        other => panic!("merged: {other:?}"),
    }
    // Once one is answered, they merge.
    w.approve(d2.id);
    let (v1, v2) = (version(&mut w, first), version(&mut w, second));
    w.store
        .merge_customers(&w.manager, &w.policy, (first, v1), (second, v2))
        .unwrap();
}
