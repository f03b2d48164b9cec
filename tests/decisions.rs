//! Decisions, restrictions, reviews and letters in the store, on both engines (issue 21): each
//! body runs on a SQLite file and on a PostgreSQL database ([`for_each_engine`]) and must give the
//! same answers. Bringing an old file's schema up to date stays SQLite's own.

mod common;

use chrono::{Duration, SubsecRound, Utc};
use common::engine::for_each_engine;
use common::world::{actor, kind, opts, today, tunde_on as world, World};
use safedesk::domain::{
    new_id, CaseReason, Id, LetterStatus, NewDecision, NewIncident, NewLetter, NewRestriction,
    NewReview, Outcome, ReviewOutcome, Role, SentHow,
};
use safedesk::store::{SqliteStore, Store, StoreError};
use safedesk::time;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn incident(customer: Id, threat: bool) -> NewIncident {
    NewIncident {
        channel: "face_to_face".into(),
        response: "asked_to_leave".into(),
        description: "Shouted at the receptionist and was asked to leave.".into(),
        immediate_threat: threat,
        ..NewIncident::example(customer, "Tunde Okafor")
    }
}

/// Wait until `done` holds, looking again every few milliseconds; panic after ten seconds.
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + std::time::Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

impl World {
    /// Three incidents: a threshold case opens.
    fn threshold_case(&mut self) -> safedesk::domain::CaseSummary {
        for _ in 0..3 {
            self.store
                .record_incident(
                    &self.reception,
                    &self.policy,
                    &incident(self.customer, false),
                )
                .unwrap();
        }
        let q = self.store.queue(&self.manager, today()).unwrap();
        q.cases
            .into_iter()
            .find(|c| c.reason == CaseReason::Threshold)
            .expect("a threshold case")
    }

    fn decision(&self, case: &safedesk::domain::CaseSummary) -> NewDecision {
        NewDecision {
            id: new_id(),
            customer_id: self.customer,
            case_id: Some(case.id),
            case_version: Some(case.version),
            also_closes: vec![],
            meeting_date: today(),
            attendees: "Amira Hassan, Sam Patel".into(),
            outcome: Outcome::Actions,
            reasons: "Three incidents of shouting at reception in a week.".into(),
            reasons_for_customer: "Your behaviour towards our staff has been unacceptable.".into(),
            restrictions: vec![
                NewRestriction {
                    minutes: Some(10),
                    scope: "both".into(),
                    ..kind("time_limit")
                },
                kind("witness"),
            ],
            review_date: Some(today() + Duration::weeks(6)),
            police_told: None,
            authority_told: String::new(),
            tried_actions: vec![],
            none_suitable: String::new(),
            adjustments: vec!["named_contact".into()],
            adjustments_other: String::new(),
            adjustments_why: "A named contact was offered first; the behaviour went on.".into(),
            risk_assessment: String::new(),
        }
    }

    fn banner(&mut self) -> Vec<String> {
        let h = self.store.history(self.customer).unwrap().unwrap();
        safedesk::policy::rules::summary(&h, &self.policy, Utc::now()).restrictions
    }

    /// Make the customer's restrictions fall due for review, as if six weeks had passed.
    fn age_reviews(&mut self) {
        self.db.execute(&format!(
            "UPDATE restriction SET review_due = '{}' WHERE ends_at IS NULL",
            time::date_to_db(today() - Duration::days(2))
        ));
    }
}

#[test]
fn a_decision_with_two_actions_closes_the_case_and_restricts_at_once() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        let case = w.threshold_case();
        assert_eq!(case.incidents.len(), 3);
        let d = w.decision(&case);
        let saved = w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
        assert_eq!(saved.restrictions, 2);
        assert_eq!(saved.cases_closed, 1);
        assert!(saved.letter_owed && !saved.confirmation_owed);
        assert_eq!(
            w.banner(),
            vec![
                "Calls and visits limited to 10 minutes".to_string(),
                "A witness must be present".to_string()
            ]
        );
        let q = w.store.queue(&w.manager, today()).unwrap();
        assert!(q.cases.is_empty(), "{:?}", q.cases);
        assert_eq!(q.summary.open_cases, 0);
        assert_eq!(q.summary.letters_owed, 1);
        let h = w.store.history(w.customer).unwrap().unwrap();
        assert_eq!(h.decisions.len(), 1);
        assert_eq!(h.decisions[0].letter, LetterStatus::Owed);
        assert_eq!(
            h.restrictions[0].review_due,
            Some(today() + Duration::weeks(6))
        );
        let audit = w.store.audit_for(&d.id.to_string()).unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].action, "decide");
        assert_eq!(audit[0].who, "Sam Patel");
        // The incidents decided on no longer count towards the next threshold.
        assert_eq!(
            safedesk::policy::rules::threshold_state(&h, &w.policy).count,
            0
        );
        // Saving the same decision again changes nothing.
        let again = w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
        assert!(again.already_saved);
        assert_eq!(
            w.store
                .history(w.customer)
                .unwrap()
                .unwrap()
                .restrictions
                .len(),
            2
        );
    });
}

#[test]
fn reception_cannot_decide_restrict_or_lift_and_the_store_is_what_refuses() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        let case = w.threshold_case();
        let d = w.decision(&case);
        let e = w
            .store
            .record_decision(&w.reception, &w.policy, &d)
            .unwrap_err();
        assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");
        assert!(e.to_string().contains("reception"), "{e}");
        w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
        let h = w.store.history(w.customer).unwrap().unwrap();
        let review = NewReview {
            id: new_id(),
            customer_id: w.customer,
            case_id: None,
            reviewed: h.restrictions.iter().map(|r| (r.id, r.version)).collect(),
            still_wants: Some(true),
            outcome: ReviewOutcome::Lift,
            replacements: vec![],
            next_review: None,
            notes: "Behaviour improved.".into(),
            reasons_for_customer: String::new(),
            adjustments: vec![],
            adjustments_other: String::new(),
            adjustments_why: String::new(),
        };
        let e = w
            .store
            .record_review(&w.reception, &w.policy, &review)
            .unwrap_err();
        assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");
        let e = w
            .store
            .assign_case(&w.reception, case.id, None, case.version)
            .unwrap_err();
        assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");
        assert_eq!(w.banner().len(), 2, "nothing was lifted");
    });
}

#[test]
fn bad_decisions_are_refused_with_what_to_do() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        let case = w.threshold_case();
        let admin = actor(&mut w.store, "admin");
        w.store
            .add_staff(&admin, "gone", "Lee Gone", Role::Phone)
            .unwrap();
        let gone = w.store.set_staff_active(&admin, "gone", false).unwrap();
        let base = w.decision(&case);
        let cases: Vec<(NewDecision, &str)> = vec![
            (
                NewDecision {
                    id: new_id(),
                    reasons: "   ".into(),
                    reasons_for_customer: "Your behaviour towards our staff has been unacceptable."
                        .into(),
                    ..base.clone()
                },
                "Give the reasons",
            ),
            (
                NewDecision {
                    id: new_id(),
                    review_date: Some(today() - Duration::days(1)),
                    ..base.clone()
                },
                "is in the past",
            ),
            (
                NewDecision {
                    id: new_id(),
                    restrictions: vec![NewRestriction {
                        minutes: Some(0),
                        scope: "both".into(),
                        ..kind("time_limit")
                    }],
                    ..base.clone()
                },
                "0 minutes",
            ),
            (
                NewDecision {
                    id: new_id(),
                    restrictions: vec![NewRestriction {
                        minutes: Some(10_000),
                        scope: "both".into(),
                        ..kind("time_limit")
                    }],
                    ..base.clone()
                },
                "10000 minutes",
            ),
            (
                NewDecision {
                    id: new_id(),
                    restrictions: vec![NewRestriction {
                        staff_id: Some(gone.id),
                        ..kind("named_staff")
                    }],
                    ..base.clone()
                },
                "Lee Gone has left",
            ),
        ];
        for (d, words) in cases {
            let e = w
                .store
                .record_decision(&w.manager, &w.policy, &d)
                .unwrap_err();
            assert!(matches!(e, StoreError::Invalid(_)), "{e}");
            assert!(e.to_string().contains(words), "{words}: {e}");
        }
        assert!(w.banner().is_empty());
        assert_eq!(w.store.queue(&w.manager, today()).unwrap().cases.len(), 1);
    });
}

#[test]
fn two_managers_deciding_the_same_case_never_overwrite_each_other() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        let case = w.threshold_case();
        let first = w.decision(&case);
        let mut second = w.decision(&case);
        second.restrictions = vec![kind("written_only")];
        w.store
            .record_decision(&w.manager, &w.policy, &first)
            .unwrap();
        let e = w
            .store
            .record_decision(&w.manager, &w.policy, &second)
            .unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e}");
        assert!(
            e.to_string().contains("already decided by Sam Patel"),
            "{e}"
        );
        assert_eq!(w.banner().len(), 2);
    });
}

#[test]
fn a_new_incident_on_the_case_while_deciding_is_a_conflict() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        let case = w.threshold_case();
        w.store
            .record_incident(&w.reception, &w.policy, &incident(w.customer, false))
            .unwrap();
        let e = w
            .store
            .record_decision(&w.manager, &w.policy, &w.decision(&case))
            .unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e}");
        let fresh = w.store.case(case.id).unwrap().unwrap();
        assert_eq!(fresh.incidents.len(), 4);
        w.store
            .record_decision(&w.manager, &w.policy, &w.decision(&fresh))
            .unwrap();
    });
}

#[test]
fn an_immediate_restriction_waits_in_the_queue_for_its_written_confirmation() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        w.store
            .record_incident(&w.reception, &w.policy, &incident(w.customer, true))
            .unwrap();
        let q = w.store.queue(&w.manager, today()).unwrap();
        let case = q
            .cases
            .iter()
            .find(|c| c.reason == CaseReason::ImmediateThreat)
            .unwrap()
            .clone();
        let d = NewDecision {
            outcome: Outcome::ImmediateRestriction,
            restrictions: vec![kind("banned_from_premises")],
            police_told: Some(true),
            authority_told: "the police".into(),
            tried_actions: vec![],
            none_suitable: String::new(),
            adjustments: vec!["named_contact".into()],
            adjustments_other: String::new(),
            adjustments_why: "A named contact was offered first; the behaviour went on.".into(),
            risk_assessment: "Threatened to hurt the receptionist; police attended.".into(),
            ..w.decision(&case)
        };
        let saved = w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
        assert!(saved.confirmation_owed);
        assert_eq!(w.banner(), vec!["Banned from the premises".to_string()]);
        let q = w.store.queue(&w.manager, today()).unwrap();
        assert_eq!(q.cases.len(), 1);
        assert!(q.cases[0].waiting_for_confirmation);
        assert_eq!(
            q.cases[0].why(),
            "Written confirmation owed (immediate restriction)"
        );
        let h = w.store.history(w.customer).unwrap().unwrap();
        assert!(h.decisions[0].no_warning);
        assert_eq!(h.decisions[0].police_told, Some(true));
        assert!(h.decisions[0].risk_assessment.contains("police attended"));
        // Deciding again on a case that only waits for its letter is refused.
        let e = w
            .store
            .record_decision(
                &w.manager,
                &w.policy,
                &NewDecision {
                    id: new_id(),
                    ..d.clone()
                },
            )
            .unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e}");
        // The letter is produced and sent: the case closes.
        let letter = NewLetter {
            id: new_id(),
            customer_id: w.customer,
            decision_id: Some(d.id),
            case_id: Some(case.id),
            review_batch: None,
            incident_id: None,
            kind: "immediate_confirmation".into(),
            body: "Dear Mr Okafor, ...".into(),
            file: "letters/confirmation.md".into(),
            address: None,
        };
        w.store.record_letter(&w.manager, &letter).unwrap();
        assert_eq!(w.store.queue(&w.manager, today()).unwrap().cases.len(), 1);
        let e = w
            .store
            .letter_sent(
                &w.manager,
                letter.id,
                today() + Duration::days(1),
                SentHow::Post,
            )
            .unwrap_err();
        assert!(e.to_string().contains("has not come yet"), "{e}");
        w.store
            .letter_sent(&w.manager, letter.id, today(), SentHow::ByHand)
            .unwrap();
        let q = w.store.queue(&w.manager, today()).unwrap();
        assert!(q.cases.is_empty());
        assert_eq!(q.summary.letters_owed, 0);
        let h = w.store.history(w.customer).unwrap().unwrap();
        assert_eq!(h.letters[0].sent_how, "by_hand");
        assert_eq!(h.letters[0].file, "letters/confirmation.md");
        assert_eq!(h.decisions[0].letter, LetterStatus::Sent);
    });
}

#[test]
fn written_confirmation_that_was_not_possible_closes_the_case_with_its_reason() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        let d = NewDecision {
            id: new_id(),
            customer_id: w.customer,
            case_id: None,
            case_version: None,
            also_closes: vec![],
            meeting_date: today(),
            attendees: "Sam Patel".into(),
            outcome: Outcome::ImmediateRestriction,
            reasons: "Brandished a bottle at staff.".into(),
            reasons_for_customer: "Your behaviour towards our staff has been unacceptable.".into(),
            restrictions: vec![
                kind("banned_from_premises"),
                kind("all_direct_contact_ended"),
            ],
            review_date: Some(today() + Duration::weeks(6)),
            police_told: Some(false),
            authority_told: String::new(),
            tried_actions: vec![],
            none_suitable: String::new(),
            adjustments: vec!["named_contact".into()],
            adjustments_other: String::new(),
            adjustments_why: "A named contact was offered first; the behaviour went on.".into(),
            risk_assessment: "Left at once; no ongoing risk identified.".into(),
        };
        w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
        let q = w.store.queue(&w.manager, today()).unwrap();
        assert_eq!(q.cases.len(), 1, "a case is opened to wait for the letter");
        assert!(q.cases[0].waiting_for_confirmation);
        let e = w
            .store
            .confirmation_not_possible(&w.manager, d.id, "  ")
            .unwrap_err();
        assert!(e.to_string().contains("Give the reason"), "{e}");
        w.store
            .confirmation_not_possible(&w.manager, d.id, "No address or email known.")
            .unwrap();
        let q = w.store.queue(&w.manager, today()).unwrap();
        assert!(q.cases.is_empty());
        assert_eq!(q.summary.letters_owed, 0);
        let h = w.store.history(w.customer).unwrap().unwrap();
        assert_eq!(
            h.decisions[0].letter,
            LetterStatus::NotPossible {
                reason: "No address or email known.".into()
            }
        );
    });
}

#[test]
fn a_due_review_opens_its_case_when_the_queue_opens_and_lifting_ends_the_banner() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        let case = w.threshold_case();
        w.store
            .record_decision(&w.manager, &w.policy, &w.decision(&case))
            .unwrap();
        assert!(w.store.queue(&w.manager, today()).unwrap().cases.is_empty());
        w.age_reviews();
        // Reception looking at the queue opens nothing (and writes nothing).
        let before = w.store.counts().unwrap().audit;
        w.store.queue(&w.reception, today()).unwrap();
        assert_eq!(w.store.counts().unwrap().audit, before);
        let q = w.store.queue(&w.manager, today()).unwrap();
        assert_eq!(q.cases.len(), 1);
        assert_eq!(q.cases[0].reason, CaseReason::ReviewDue);
        assert_eq!(q.summary.overdue_reviews, 1);
        // Opening the queue again opens no second case.
        assert_eq!(w.store.queue(&w.manager, today()).unwrap().cases.len(), 1);
        let h = w.store.history(w.customer).unwrap().unwrap();
        let review = NewReview {
            id: new_id(),
            customer_id: w.customer,
            case_id: Some(q.cases[0].id),
            reviewed: h.restrictions.iter().map(|r| (r.id, r.version)).collect(),
            still_wants: Some(true),
            outcome: ReviewOutcome::Lift,
            replacements: vec![],
            next_review: None,
            notes: "No incidents in six weeks; the customer apologised.".into(),
            reasons_for_customer: String::new(),
            adjustments: vec![],
            adjustments_other: String::new(),
            adjustments_why: String::new(),
        };
        let saved = w
            .store
            .record_review(&w.manager, &w.policy, &review)
            .unwrap();
        assert_eq!((saved.ended, saved.cases_closed), (2, 1));
        assert!(w.banner().is_empty());
        let q = w.store.queue(&w.manager, today()).unwrap();
        assert!(q.cases.is_empty());
        assert_eq!(q.summary.overdue_reviews, 0);
        let h = w.store.history(w.customer).unwrap().unwrap();
        assert_eq!(h.reviews.len(), 2);
        assert!(h.reviews.iter().all(|r| r.outcome == ReviewOutcome::Lift));
        assert!(h.restrictions[0]
            .ended_reason
            .starts_with("Lifted at review"));
        // The same review saved twice, or a stale one, changes nothing more.
        assert!(
            w.store
                .record_review(&w.manager, &w.policy, &review)
                .unwrap()
                .already_saved
        );
        let stale = NewReview {
            id: new_id(),
            ..review
        };
        let e = w
            .store
            .record_review(&w.manager, &w.policy, &stale)
            .unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    });
}

#[test]
fn a_review_can_continue_with_a_new_date_or_change_what_applies() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        let case = w.threshold_case();
        w.store
            .record_decision(&w.manager, &w.policy, &w.decision(&case))
            .unwrap();
        w.age_reviews();
        let h = w.store.history(w.customer).unwrap().unwrap();
        let next = today() + Duration::weeks(6);
        let cont = NewReview {
            id: new_id(),
            customer_id: w.customer,
            case_id: None,
            reviewed: h.restrictions.iter().map(|r| (r.id, r.version)).collect(),
            still_wants: Some(true),
            outcome: ReviewOutcome::Continue,
            replacements: vec![],
            next_review: Some(next),
            notes: "Two more abusive calls since the decision.".into(),
            reasons_for_customer: String::new(),
            adjustments: vec!["named_contact".into()],
            adjustments_other: String::new(),
            adjustments_why: "A named contact has helped; the limit is still needed.".into(),
        };
        let saved = w.store.record_review(&w.manager, &w.policy, &cont).unwrap();
        assert_eq!(saved.continued, 2);
        let h = w.store.history(w.customer).unwrap().unwrap();
        assert!(h.restrictions.iter().all(|r| r.review_due == Some(next)));
        assert_eq!(w.banner().len(), 2);
        let change = NewReview {
            id: new_id(),
            reviewed: h.restrictions.iter().map(|r| (r.id, r.version)).collect(),
            outcome: ReviewOutcome::Change,
            replacements: vec![kind("written_only")],
            notes: "Calls have stopped; letters only from now on.".into(),
            reasons_for_customer: String::new(),
            adjustments: vec!["named_contact".into()],
            adjustments_other: String::new(),
            adjustments_why: "A named contact has helped; the limit is still needed.".into(),
            ..cont
        };
        let saved = w
            .store
            .record_review(&w.manager, &w.policy, &change)
            .unwrap();
        assert_eq!((saved.ended, saved.added), (2, 1));
        assert_eq!(w.banner(), vec!["Written contact only".to_string()]);
    });
}

#[test]
fn a_customer_asking_for_a_review_opens_a_case_anyone_can_record() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        let e = w
            .store
            .customer_request(&w.reception, new_id(), w.customer, "")
            .unwrap_err();
        assert!(
            e.to_string().contains("Say what the customer asked for"),
            "{e}"
        );
        let case = w
            .store
            .customer_request(
                &w.reception,
                new_id(),
                w.customer,
                "Wants the ban reviewed; says they have moved.",
            )
            .unwrap();
        let q = w.store.queue(&w.manager, today()).unwrap();
        assert_eq!(q.cases.len(), 1);
        assert_eq!(q.cases[0].id, case);
        assert_eq!(q.cases[0].reason, CaseReason::CustomerRequest);
        assert!(q.cases[0].note.contains("says they have moved"));
        assert!(q.cases[0].note.contains("Amira Hassan"));
    });
}

#[test]
fn cases_are_assigned_to_managers_only_and_stale_assignments_are_refused() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        let case = w.threshold_case();
        let me = w.manager.staff.clone().unwrap().id;
        w.store
            .assign_case(&w.manager, case.id, Some(me), case.version)
            .unwrap();
        let now = w.store.case(case.id).unwrap().unwrap();
        assert_eq!(now.assigned_to.as_deref(), Some("Sam Patel"));
        assert_eq!(now.assigned_to_id, Some(me));
        let e = w
            .store
            .assign_case(&w.manager, case.id, None, case.version)
            .unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e}");
        let reception = w.reception.staff.clone().unwrap().id;
        let e = w
            .store
            .assign_case(&w.manager, case.id, Some(reception), now.version)
            .unwrap_err();
        assert!(e.to_string().contains("only managers"), "{e}");
    });
}

/// SQLite only: an old file's schema (the server's schema starts where the file's is now).
#[test]
fn a_schema_1_database_is_brought_up_to_date_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("old.sqlite");
    make_schema_1(&path);
    let mut store = SqliteStore::open(&path, &opts()).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        safedesk::store::sqlite::SCHEMA_VERSION
    );
    let admin = actor(&mut store, "admin");
    assert_eq!(admin.staff.as_ref().unwrap().display_name, "Alex Morgan");
    let q = store.queue(&admin, today()).unwrap();
    assert!(q.cases.is_empty());
}

fn make_schema_1(path: &Path) {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(safedesk::store::sqlite::migrations::MIGRATIONS[0])
        .unwrap();
    c.execute_batch(
        "PRAGMA user_version = 1; \
         INSERT INTO meta (key, value) VALUES ('app', 'safedesk'); \
         INSERT INTO staff (id, login, display_name, role, created_at) \
         VALUES ('00000000-0000-0000-0000-000000000001', 'admin', 'Alex Morgan', 'admin', '2026-01-01T00:00:00Z');",
    )
    .unwrap();
}

#[test]
fn a_decision_closes_only_the_cases_the_manager_was_shown() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        let case = w.threshold_case();
        // An immediate threat comes in too: its own case.
        w.store
            .record_incident(&w.reception, &w.policy, &incident(w.customer, true))
            .unwrap();
        let threat = w
            .store
            .queue(&w.manager, today())
            .unwrap()
            .cases
            .into_iter()
            .find(|c| c.reason == CaseReason::ImmediateThreat)
            .unwrap();
        let case = w.store.case(case.id).unwrap().unwrap();
        // No further action on the threshold case alone leaves the threat in the queue.
        // The threat is behind the threshold case too: any decision on it records whether the
        // police or another authority were told, and the risk.
        let refused = w
            .store
            .record_decision(
                &w.manager,
                &w.policy,
                &NewDecision {
                    outcome: Outcome::NoFurtherAction,
                    restrictions: vec![],
                    review_date: None,
                    ..w.decision(&case)
                },
            )
            .unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("caused significant alarm or possible crime: say whether the police or another authority were told"),
            "{refused}"
        );
        let nfa = NewDecision {
            outcome: Outcome::NoFurtherAction,
            restrictions: vec![],
            review_date: None,
            police_told: Some(false),
            risk_assessment: "Words only; he left when asked.".into(),
            ..w.decision(&case)
        };
        w.store
            .record_decision(&w.manager, &w.policy, &nfa)
            .unwrap();
        let q = w.store.queue(&w.manager, today()).unwrap();
        assert_eq!(q.cases.len(), 1);
        assert_eq!(q.cases[0].id, threat.id);
        // A decision shown with another case answers both, as long as neither changed.
        let mut w2 = world(engine);
        let case = w2.threshold_case();
        w2.store
            .record_incident(&w2.reception, &w2.policy, &incident(w2.customer, true))
            .unwrap();
        let cases = w2.store.queue(&w2.manager, today()).unwrap().cases;
        let threat = cases
            .iter()
            .find(|c| c.reason == CaseReason::ImmediateThreat)
            .unwrap()
            .clone();
        let case = w2.store.case(case.id).unwrap().unwrap();
        let stale = NewDecision {
            also_closes: vec![(threat.id, threat.version - 1)],
            police_told: Some(false),
            risk_assessment: "Words only; he left when asked.".into(),
            ..w2.decision(&case)
        };
        let e = w2
            .store
            .record_decision(&w2.manager, &w2.policy, &stale)
            .unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e}");
        let both = NewDecision {
            id: new_id(),
            also_closes: vec![(threat.id, threat.version)],
            police_told: Some(false),
            risk_assessment: "Words only; he left when asked.".into(),
            ..w2.decision(&case)
        };
        let saved = w2
            .store
            .record_decision(&w2.manager, &w2.policy, &both)
            .unwrap();
        assert_eq!(saved.cases_closed, 2);
        assert!(w2
            .store
            .queue(&w2.manager, today())
            .unwrap()
            .cases
            .is_empty());
    });
}

#[test]
fn a_new_threat_after_an_immediate_restriction_gets_its_own_case() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        w.store
            .record_incident(&w.reception, &w.policy, &incident(w.customer, true))
            .unwrap();
        let case = w.store.queue(&w.manager, today()).unwrap().cases[0].clone();
        let d = NewDecision {
            outcome: Outcome::ImmediateRestriction,
            restrictions: vec![kind("banned_from_premises")],
            police_told: Some(true),
            authority_told: "the police".into(),
            tried_actions: vec![],
            none_suitable: String::new(),
            adjustments: vec!["named_contact".into()],
            adjustments_other: String::new(),
            adjustments_why: "A named contact was offered first; the behaviour went on.".into(),
            risk_assessment: "Threatened staff.".into(),
            ..w.decision(&case)
        };
        w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
        // Another threat while the first case waits for its letter.
        w.store
            .record_incident(&w.reception, &w.policy, &incident(w.customer, true))
            .unwrap();
        let q = w.store.queue(&w.manager, today()).unwrap();
        let waiting: Vec<_> = q
            .cases
            .iter()
            .filter(|c| c.waiting_for_confirmation)
            .collect();
        let fresh: Vec<_> = q
            .cases
            .iter()
            .filter(|c| !c.waiting_for_confirmation && c.reason == CaseReason::ImmediateThreat)
            .collect();
        assert_eq!((waiting.len(), fresh.len()), (1, 1), "{:?}", q.cases);
        assert_eq!(
            waiting[0].incidents.len(),
            1,
            "the waiting case took nothing in"
        );
        assert_eq!(waiting[0].decision_id, Some(d.id));
    });
}

#[test]
fn a_manager_moved_to_reception_cannot_decide_even_before_restarting() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        let case = w.threshold_case();
        let admin = actor(&mut w.store, "admin");
        w.store
            .set_staff_role(&admin, "spatel", Role::Reception)
            .unwrap();
        // w.manager still carries the role it had when it signed in.
        let e = w
            .store
            .record_decision(&w.manager, &w.policy, &w.decision(&case))
            .unwrap_err();
        assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");
        assert!(e.to_string().contains("is now reception staff"), "{e}");
        w.store.set_staff_active(&admin, "spatel", false).unwrap();
        let e = w
            .store
            .record_decision(&w.manager, &w.policy, &w.decision(&case))
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("no longer on safedesk's active staff list"),
            "{e}"
        );
        assert!(w.banner().is_empty());
    });
}

#[test]
fn a_restriction_already_in_force_is_reviewed_not_decided_again() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        let case = w.threshold_case();
        w.store
            .record_decision(&w.manager, &w.policy, &w.decision(&case))
            .unwrap();
        // Times are kept to the second: the new incidents come after the decision once the clock
        // has left the second it was recorded in.
        let decided_at = w.store.history(w.customer).unwrap().unwrap().decisions[0].decided_at;
        wait_for("the clock to pass the decision's second", || {
            Utc::now().trunc_subsecs(0) > decided_at
        });
        for _ in 0..3 {
            w.store
                .record_incident(&w.reception, &w.policy, &incident(w.customer, false))
                .unwrap();
        }
        let cases = w.store.queue(&w.manager, today()).unwrap().cases;
        let again = cases
            .iter()
            .find(|c| c.reason == CaseReason::Threshold)
            .unwrap_or_else(|| panic!("{cases:?}"))
            .clone();
        let e = w
            .store
            .record_decision(&w.manager, &w.policy, &w.decision(&again))
            .unwrap_err();
        assert!(e.to_string().contains("is already in force (since"), "{e}");
        assert!(
            e.to_string().contains("review the restrictions in force"),
            "{e}"
        );
        let other = NewDecision {
            restrictions: vec![kind("written_only")],
            ..w.decision(&again)
        };
        w.store
            .record_decision(&w.manager, &w.policy, &other)
            .unwrap();
        assert_eq!(w.banner().len(), 3);
    });
}

#[test]
fn a_review_from_a_breach_case_leaves_the_breach_case_open() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        let case = w.threshold_case();
        w.store
            .record_decision(&w.manager, &w.policy, &w.decision(&case))
            .unwrap();
        // The restrictions began two hours ago; an incident an hour ago breaches them.
        let two_hours_ago = time::to_db(Utc::now() - Duration::hours(2));
        w.db.execute(&format!(
            "UPDATE decision SET decided_at = '{two_hours_ago}'; \
             UPDATE restriction SET starts_at = '{two_hours_ago}';"
        ));
        let mut i = incident(w.customer, false);
        i.occurred_at = Utc::now() - Duration::hours(1);
        assert!(
            w.store
                .record_incident(&w.reception, &w.policy, &i)
                .unwrap()
                .breach
        );
        let breach = w
            .store
            .queue(&w.manager, today())
            .unwrap()
            .cases
            .into_iter()
            .find(|c| c.reason == CaseReason::Breach)
            .expect("a breach case");
        // A review of the restrictions, started from the breach case, continues them...
        let h = w.store.history(w.customer).unwrap().unwrap();
        let review = NewReview {
            id: new_id(),
            customer_id: w.customer,
            case_id: Some(breach.id),
            reviewed: h.restrictions.iter().map(|r| (r.id, r.version)).collect(),
            still_wants: Some(true),
            outcome: ReviewOutcome::Continue,
            replacements: vec![],
            next_review: Some(today() + Duration::weeks(6)),
            notes: "Reviewed after the breach; the restrictions continue.".into(),
            reasons_for_customer: String::new(),
            adjustments: vec!["named_contact".into()],
            adjustments_other: String::new(),
            adjustments_why: "A named contact has helped; the limit is still needed.".into(),
        };
        let saved = w
            .store
            .record_review(&w.manager, &w.policy, &review)
            .unwrap();
        assert_eq!(saved.continued, 2);
        assert_eq!(saved.cases_closed, 0);
        assert_eq!(saved.left_open, Some(CaseReason::Breach));
        // ...but it does not answer the breach: the case stays in the queue, open.
        let still = w.store.case(breach.id).unwrap().unwrap();
        assert!(w
            .store
            .open_cases()
            .unwrap()
            .iter()
            .any(|c| c.id == breach.id));
        assert!(w
            .store
            .queue(&w.manager, today())
            .unwrap()
            .cases
            .iter()
            .any(|c| c.id == breach.id));
        // A decision on it is still taken (not refused as already decided), and closes it.
        let d = NewDecision {
            restrictions: vec![kind("written_only")],
            case_version: Some(still.version),
            ..w.decision(&still)
        };
        let saved = w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
        assert_eq!(saved.cases_closed, 1);
        assert!(!w
            .store
            .open_cases()
            .unwrap()
            .iter()
            .any(|c| c.id == breach.id));
    });
}

#[test]
fn a_managers_running_pc_opens_a_due_review_case_without_the_queue_being_opened() {
    use safedesk::sync::worker::{self, Context};
    use safedesk::sync::Reply;
    for_each_engine(|engine| {
        let mut w = world(engine);
        let case = w.threshold_case();
        w.store
            .record_decision(&w.manager, &w.policy, &w.decision(&case))
            .unwrap();
        w.age_reviews();
        let open_reviews = |store: &mut dyn Store| {
            store
                .open_cases()
                .unwrap()
                .into_iter()
                .filter(|c| c.reason == CaseReason::ReviewDue)
                .count()
        };
        assert_eq!(open_reviews(&mut w.store), 0);
        // A manager's safedesk starts: its worker, as the app runs it. Nobody opens the queue.
        let pc = w.db.open();
        let ctx = Context {
            policy: w.policy.clone(),
            actor: w.manager.clone(),
            local: None,
            database: w.store.database_id().unwrap(),
            also: vec![],
            file: None,
            read_only: false,
        };
        let (_req_tx, req_rx) = std::sync::mpsc::channel();
        let (reply_tx, replies) = std::sync::mpsc::channel();
        std::thread::spawn(move || worker::run(pc, ctx, req_rx, move |r| reply_tx.send(r).is_ok()));
        // The managers' screens hear of it (the counts by kind include the review).
        let deadline = Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match replies.recv_timeout(left) {
                Ok(Reply::Watch(watch))
                    if watch
                        .by_reason
                        .iter()
                        .any(|(r, n)| *r == CaseReason::ReviewDue && *n == 1) =>
                {
                    break
                }
                Ok(_) => {}
                Err(e) => panic!("no review case was opened ({e})"),
            }
        }
        assert_eq!(open_reviews(&mut w.store), 1);
        // Opening it again opens no second case.
        assert_eq!(w.store.open_due_reviews(&w.manager, today()).unwrap(), 0);
        assert_eq!(open_reviews(&mut w.store), 1);
    });
}

#[test]
fn the_store_holds_decisions_to_the_policys_fidelity_rules_and_keeps_what_they_record() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        let case = w.threshold_case();
        let base = w.decision(&case);
        let refused = |w: &mut World, d: NewDecision| -> String {
            w.store
                .record_decision(&w.manager, &w.policy, &d)
                .unwrap_err()
                .to_string()
        };
        // A review date later than the policy's period.
        let late = today() + Duration::weeks(6) + Duration::days(1);
        let e = refused(
            &mut w,
            NewDecision {
                review_date: Some(late),
                ..base.clone()
            },
        );
        assert!(
            e.contains(&format!(
                "The review date {} is later than the policy allows: decisions are reviewed after 6 weeks, so the latest is {}",
                time::date(late),
                time::date(today() + Duration::weeks(6))
            )),
            "{e}"
        );
        // A time limit that does not say whether calls, visits or both.
        let e = refused(
            &mut w,
            NewDecision {
                restrictions: vec![NewRestriction {
                    minutes: Some(10),
                    ..kind("time_limit")
                }],
                ..base.clone()
            },
        );
        assert!(e.contains("Say what it applies to"), "{e}");
        // A number redirected to nowhere.
        let e = refused(
            &mut w,
            NewDecision {
                restrictions: vec![
                    kind("witness"),
                    NewRestriction {
                        divert: "redirected".into(),
                        ..kind("phone_blocked")
                    },
                ],
                ..base.clone()
            },
        );
        assert!(e.contains("Say where the number is redirected to"), "{e}");
        // Nothing was saved by the refusals.
        assert!(w.banner().is_empty());
        let d = NewDecision {
            restrictions: vec![
                NewRestriction {
                    minutes: Some(10),
                    scope: "calls".into(),
                    ..kind("time_limit")
                },
                NewRestriction {
                    scope: "visits".into(),
                    ..kind("recorded")
                },
                NewRestriction {
                    divert: "redirected".into(),
                    redirect_to: "the duty line, 020 7946 0999".into(),
                    ..kind("phone_blocked")
                },
                NewRestriction {
                    divert: "blocked".into(),
                    // Where a blocked address goes is not kept: it goes nowhere.
                    redirect_to: "stray".into(),
                    ..kind("email_blocked")
                },
            ],
            ..w.decision(&case)
        };
        w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
        let mut banner = w.banner();
        banner.sort();
        assert_eq!(
            banner,
            vec![
                "All visits must be recorded",
                "Calls limited to 10 minutes",
                "Email address blocked",
                "Phone number redirected to the duty line, 020 7946 0999",
            ]
        );
        let h = w.store.history(w.customer).unwrap().unwrap();
        let email = h
            .restrictions
            .iter()
            .find(|r| r.kind == "email_blocked")
            .unwrap();
        assert_eq!(
            (
                email.params.divert.as_str(),
                email.params.redirect_to.as_str()
            ),
            ("blocked", "")
        );
    });
}

#[test]
fn the_store_asks_a_withdrawal_for_the_actions_tried_and_a_decision_after_a_threat_who_was_told() {
    for_each_engine(|engine| {
        let mut w = world(engine);
        let case = w.threshold_case();
        let withdrawal = NewDecision {
            outcome: Outcome::WithdrawalOfServices,
            restrictions: vec![kind(&w.policy.withdrawal.id)],
            ..w.decision(&case)
        };
        let e = w
            .store
            .record_decision(&w.manager, &w.policy, &withdrawal)
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("tick the actions that were tried, or say why none was suitable"),
            "{e}"
        );
        let tried = NewDecision {
            tried_actions: vec!["time_limit".into(), "written_only".into()],
            // Told to the police when no incident called for it: kept as the manager said.
            police_told: Some(true),
            authority_told: "the police".into(),
            ..withdrawal
        };
        w.store
            .record_decision(&w.manager, &w.policy, &tried)
            .unwrap();
        let h = w.store.history(w.customer).unwrap().unwrap();
        assert_eq!(
            h.decisions[0].tried_actions,
            vec!["time_limit", "written_only"]
        );
        assert_eq!(h.decisions[0].authority_told, "the police");

        // A threat behind a threshold case: a decision on it says who was told, and which.
        let mut w = world(engine);
        let case = w.threshold_case();
        w.store
            .record_incident(&w.reception, &w.policy, &incident(w.customer, true))
            .unwrap();
        let case = w.store.case(case.id).unwrap().unwrap();
        let told = NewDecision {
            police_told: Some(true),
            risk_assessment: "He said he would wait for her after work.".into(),
            ..w.decision(&case)
        };
        let e = w
            .store
            .record_decision(&w.manager, &w.policy, &told)
            .unwrap_err();
        assert!(
            e.to_string().contains("Say which authority was told"),
            "{e}"
        );
        w.store
            .record_decision(
                &w.manager,
                &w.policy,
                &NewDecision {
                    authority_told: "the police (ref 4471)".into(),
                    ..told
                },
            )
            .unwrap();
        let h = w.store.history(w.customer).unwrap().unwrap();
        assert_eq!(h.decisions[0].police_told, Some(true));
        assert_eq!(h.decisions[0].authority_told, "the police (ref 4471)");
    });
}

/// SQLite only: an old file's schema (the server's schema starts where the file's is now).
#[test]
fn migration_10_reads_earlier_decisions_and_restrictions_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("old.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        for m in &safedesk::store::sqlite::migrations::MIGRATIONS[..8] {
            c.execute_batch(m).unwrap();
        }
        c.execute_batch(
            "PRAGMA user_version = 8; \
             INSERT INTO meta (key, value) VALUES ('app', 'safedesk'); \
             INSERT INTO staff (id, login, display_name, role, created_at) \
             VALUES ('00000000-0000-0000-0000-000000000001', 'spatel', 'Sam Patel', 'manager', '2026-01-01T00:00:00Z'); \
             INSERT INTO customer (id, name, created_at, updated_at) \
             VALUES ('00000000-0000-0000-0000-0000000000c1', 'Tunde Okafor', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'); \
             INSERT INTO decision (id, customer_id, decided_at, meeting_date, attendees, outcome, reasons, \
               decided_by, no_warning, police_told, risk_assessment) \
             VALUES ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1', \
               '2026-10-01T10:00:00Z', '2026-10-01', 'Sam Patel', 'immediate_restriction', 'Threat.', \
               '00000000-0000-0000-0000-000000000001', 1, 1, 'Knife seen.'); \
             INSERT INTO restriction (id, customer_id, decision_id, kind, minutes, starts_at) \
             VALUES ('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-0000000000c1', \
               '00000000-0000-0000-0000-0000000000d1', 'time_limit', 10, '2026-10-01T10:00:00Z'), \
               ('00000000-0000-0000-0000-0000000000e2', '00000000-0000-0000-0000-0000000000c1', \
               '00000000-0000-0000-0000-0000000000d1', 'phone_blocked', NULL, '2026-10-01T10:00:00Z');",
        )
        .unwrap();
    }
    let mut store = SqliteStore::open(&path, &opts()).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        safedesk::store::sqlite::SCHEMA_VERSION
    );
    let customer: Id = "00000000-0000-0000-0000-0000000000c1".parse().unwrap();
    let h = store.history(customer).unwrap().unwrap();
    // Before, "police told" meant the police.
    assert_eq!(h.decisions[0].police_told, Some(true));
    assert_eq!(h.decisions[0].authority_told, "the police");
    assert!(h.decisions[0].tried_actions.is_empty());
    // A time limit recorded before applies to calls and visits; a number "blocked or redirected".
    let policy = safedesk::policy::Policy::built_in();
    let mut banner = safedesk::policy::rules::summary(&h, &policy, Utc::now()).restrictions;
    banner.sort();
    assert_eq!(
        banner,
        vec![
            "Calls and visits limited to 10 minutes",
            "Phone number blocked or redirected"
        ]
    );
}
