//! Letters owed to customers, on real SQLite files: every decision and review outcome that owes
//! a letter is listed, oldest first, until it is recorded as sent.

mod common;

use chrono::{Duration, Utc};
use common::world::{kind, today, tunde as world, World};
use safedesk::domain::{
    new_id, CaseReason, Id, NewCustomer, NewDecision, NewIncident, NewLetter, NewReview, Outcome,
    OwedFor, ReviewOutcome, SentHow,
};
use safedesk::store::{Store, StoreError};
use safedesk::time;

/// Three incidents and a decision restricting `customer`: returns the decision's id.
fn decide(w: &mut World, customer: Id, name: &str) -> Id {
    for _ in 0..3 {
        w.store
            .record_incident(
                &w.reception,
                &w.policy,
                &NewIncident {
                    channel: "face_to_face".into(),
                    response: "asked_to_leave".into(),
                    description: "Shouted at the receptionist.".into(),
                    ..NewIncident::example(customer, name)
                },
            )
            .unwrap();
    }
    let case = w
        .store
        .queue(&w.manager, today())
        .unwrap()
        .cases
        .into_iter()
        .find(|c| c.customer_id == customer && c.reason == CaseReason::Threshold)
        .expect("a threshold case");
    let d = NewDecision {
        id: new_id(),
        customer_id: customer,
        case_id: Some(case.id),
        case_version: Some(case.version),
        also_closes: vec![],
        meeting_date: today(),
        attendees: "Amira Hassan, Sam Patel".into(),
        outcome: Outcome::Actions,
        reasons: "Three incidents of shouting at reception in a week.".into(),
        reasons_for_customer: "You shouted at our staff three times in a week.".into(),
        restrictions: vec![kind("witness")],
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
    d.id
}

fn letter(customer: Id, decision: Option<Id>, review: Option<Id>, kind: &str) -> NewLetter {
    NewLetter {
        id: new_id(),
        customer_id: customer,
        decision_id: decision,
        case_id: None,
        review_batch: review,
        incident_id: None,
        kind: kind.into(),
        body: "Dear customer, ...".into(),
        file: "letters/x.md".into(),
        address: None,
    }
}

#[test]
fn decisions_owe_letters_oldest_first_until_sent() {
    let mut w = world();
    let first = {
        let c = w.customer;
        decide(&mut w, c, "Tunde Okafor")
    };
    let other = w
        .store
        .add_customer(
            &w.reception,
            NewCustomer {
                name: Some("Zoe Aberg".into()),
                ..NewCustomer::default()
            },
        )
        .unwrap()
        .id;
    let second = decide(&mut w, other, "Zoe Aberg");
    // The first decision is made older, so the order is not just the order of saving.
    w.sqlite()
        .raw_connection()
        .execute(
            "UPDATE decision SET decided_at = ?2 WHERE id = ?1",
            [
                first.to_string(),
                time::to_db(Utc::now() - Duration::days(20)),
            ],
        )
        .unwrap();
    let owed = w.store.letters_owed().unwrap();
    assert_eq!(
        owed.iter().map(|o| o.about).collect::<Vec<_>>(),
        vec![OwedFor::Decision(first), OwedFor::Decision(second)]
    );
    assert_eq!(owed[0].customer_name, "Tunde Okafor");
    assert_eq!(owed[0].kind, "restriction_notice");
    assert!(owed[0]
        .describe()
        .starts_with("restriction notice for the decision of "));
    // Produced but not sent: still owed.
    let l = letter(w.customer, Some(first), None, "restriction_notice");
    w.store.record_letter(&w.manager, &l).unwrap();
    assert_eq!(w.store.letters_owed().unwrap().len(), 2);
    w.store
        .letter_sent(&w.manager, l.id, today(), SentHow::Post)
        .unwrap();
    let owed = w.store.letters_owed().unwrap();
    assert_eq!(
        owed.iter().map(|o| o.about).collect::<Vec<_>>(),
        vec![OwedFor::Decision(second)]
    );
}

#[test]
fn a_review_that_lifts_or_changes_owes_a_letter_and_one_that_continues_does_not() {
    let mut w = world();
    let d = {
        let c = w.customer;
        decide(&mut w, c, "Tunde Okafor")
    };
    let l = letter(w.customer, Some(d), None, "restriction_notice");
    w.store.record_letter(&w.manager, &l).unwrap();
    w.store
        .letter_sent(&w.manager, l.id, today(), SentHow::Post)
        .unwrap();
    assert!(w.store.letters_owed().unwrap().is_empty());
    let h = w.store.history(w.customer).unwrap().unwrap();
    let cont = NewReview {
        id: new_id(),
        customer_id: w.customer,
        case_id: None,
        reviewed: h.restrictions.iter().map(|r| (r.id, r.version)).collect(),
        still_wants: Some(true),
        outcome: ReviewOutcome::Continue,
        replacements: vec![],
        next_review: Some(today() + Duration::weeks(6)),
        notes: "Two more abusive calls since the decision.".into(),
        reasons_for_customer: String::new(),
        adjustments: vec!["named_contact".into()],
        adjustments_other: String::new(),
        adjustments_why: "A named contact has helped; the limit is still needed.".into(),
    };
    w.store.record_review(&w.manager, &w.policy, &cont).unwrap();
    assert!(
        w.store.letters_owed().unwrap().is_empty(),
        "continuing owes no letter"
    );
    let h = w.store.history(w.customer).unwrap().unwrap();
    let lift = NewReview {
        id: new_id(),
        reviewed: h
            .restrictions
            .iter()
            .filter(|r| r.ends_at.is_none())
            .map(|r| (r.id, r.version))
            .collect(),
        outcome: ReviewOutcome::Lift,
        next_review: None,
        notes: "No incidents since; the customer apologised.".into(),
        adjustments: vec![],
        adjustments_why: String::new(),
        ..cont
    };
    w.store.record_review(&w.manager, &w.policy, &lift).unwrap();
    let owed = w.store.letters_owed().unwrap();
    assert_eq!(owed.len(), 1);
    assert_eq!(owed[0].about, OwedFor::Review(lift.id));
    assert_eq!(owed[0].kind, "review_outcome");
    let h = w.store.history(w.customer).unwrap().unwrap();
    assert!(h
        .reviews
        .iter()
        .any(|r| r.batch == lift.id && r.letter.is_owed()));
    // A review letter for someone else's review is refused.
    let stranger = w
        .store
        .add_customer(
            &w.reception,
            NewCustomer {
                name: Some("Marek Kowalczyk".into()),
                ..NewCustomer::default()
            },
        )
        .unwrap()
        .id;
    assert!(w
        .store
        .record_letter(
            &w.manager,
            &letter(stranger, None, Some(lift.id), "review_outcome")
        )
        .is_err());
    let l = letter(w.customer, None, Some(lift.id), "review_outcome");
    w.store.record_letter(&w.manager, &l).unwrap();
    w.store
        .letter_sent(&w.manager, l.id, today(), SentHow::Email)
        .unwrap();
    assert!(w.store.letters_owed().unwrap().is_empty());
    let h = w.store.history(w.customer).unwrap().unwrap();
    assert!(h.reviews.iter().all(|r| !r.letter.is_owed()));
}

#[test]
fn reception_may_save_and_send_the_correspondence_reply_but_no_other_letter() {
    let mut w = world();
    let reply = letter(w.customer, None, None, "abusive_correspondence");
    w.store.record_letter(&w.reception, &reply).unwrap();
    w.store
        .letter_sent(&w.reception, reply.id, today(), SentHow::Email)
        .unwrap();
    let h = w.store.history(w.customer).unwrap().unwrap();
    assert!(h
        .letters
        .iter()
        .any(|l| l.id == reply.id && l.sent_at.is_some()));
    // Any other letter is a manager's, and so is recording it as sent.
    let d = {
        let c = w.customer;
        decide(&mut w, c, "Tunde Okafor")
    };
    let notice = letter(w.customer, Some(d), None, "restriction_notice");
    let e = w.store.record_letter(&w.reception, &notice).unwrap_err();
    assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");
    w.store.record_letter(&w.manager, &notice).unwrap();
    let e = w
        .store
        .letter_sent(&w.reception, notice.id, today(), SentHow::Post)
        .unwrap_err();
    assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");
    assert_eq!(w.store.letters_owed().unwrap().len(), 1, "still owed");
}

#[test]
fn the_reply_to_abusive_correspondence_records_the_incident_it_answers() {
    let mut w = world();
    let email = NewIncident {
        channel: "email".into(),
        response: "correspondence_not_processed".into(),
        description: "An abusive email about the claim.".into(),
        ..NewIncident::example(w.customer, "Tunde Okafor")
    };
    w.store
        .record_incident(&w.reception, &w.policy, &email)
        .unwrap();
    let incident = w.store.history(w.customer).unwrap().unwrap().incidents[0].id;
    // Not yet told.
    let h = w.store.history(w.customer).unwrap().unwrap();
    assert_eq!(h.told_in_writing(incident), None);
    // A letter naming someone else's incident is refused.
    let other = w
        .store
        .add_customer(
            &w.reception,
            NewCustomer {
                name: Some("Zoe Aberg".into()),
                ..NewCustomer::default()
            },
        )
        .unwrap()
        .id;
    let stray = NewLetter {
        incident_id: Some(incident),
        ..letter(other, None, None, "abusive_correspondence")
    };
    let e = w.store.record_letter(&w.reception, &stray).unwrap_err();
    assert!(
        e.to_string().contains("incident is about someone else"),
        "{e}"
    );
    // The receptionist who logged it produces the reply and posts it.
    let reply = NewLetter {
        incident_id: Some(incident),
        ..letter(w.customer, None, None, "abusive_correspondence")
    };
    w.store.record_letter(&w.reception, &reply).unwrap();
    let h = w.store.history(w.customer).unwrap().unwrap();
    assert_eq!(h.letters[0].incident_id, Some(incident));
    assert!(h
        .told_in_writing(incident)
        .unwrap()
        .ends_with("not yet recorded as sent"));
    w.store
        .letter_sent(&w.reception, reply.id, today(), SentHow::Post)
        .unwrap();
    let h = w.store.history(w.customer).unwrap().unwrap();
    assert_eq!(
        h.told_in_writing(incident).unwrap(),
        format!(
            "Told in writing on {} that correspondence is not processed",
            time::date(today())
        )
    );
}

#[test]
fn why_a_reviews_letter_could_not_be_sent_is_recorded_and_it_is_no_longer_owed() {
    let mut w = world();
    let d = {
        let c = w.customer;
        decide(&mut w, c, "Tunde Okafor")
    };
    w.store
        .confirmation_not_possible(&w.manager, d, "No address known.")
        .unwrap();
    let h = w.store.history(w.customer).unwrap().unwrap();
    let lift = NewReview {
        id: new_id(),
        customer_id: w.customer,
        case_id: None,
        reviewed: h.restrictions.iter().map(|r| (r.id, r.version)).collect(),
        still_wants: Some(true),
        outcome: ReviewOutcome::Lift,
        replacements: vec![],
        next_review: None,
        notes: "No incidents since.".into(),
        reasons_for_customer: "There have been no problems since our decision.".into(),
        adjustments: vec![],
        adjustments_other: String::new(),
        adjustments_why: String::new(),
    };
    w.store.record_review(&w.manager, &w.policy, &lift).unwrap();
    assert_eq!(
        w.store.letters_owed().unwrap()[0].about,
        OwedFor::Review(lift.id)
    );
    // A reason is needed, and only a manager records it.
    let e = w
        .store
        .review_letter_not_possible(&w.manager, lift.id, "  ")
        .unwrap_err();
    assert!(e.to_string().contains("Give the reason"), "{e}");
    let e = w
        .store
        .review_letter_not_possible(&w.reception, lift.id, "No address.")
        .unwrap_err();
    assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");
    w.store
        .review_letter_not_possible(&w.manager, lift.id, "No address known; no email.")
        .unwrap();
    // Recorded twice (a replay from the outbox) changes nothing.
    w.store
        .review_letter_not_possible(&w.manager, lift.id, "No address known; no email.")
        .unwrap();
    assert!(w.store.letters_owed().unwrap().is_empty());
    let h = w.store.history(w.customer).unwrap().unwrap();
    assert!(h.reviews.iter().all(|r| matches!(
        &r.letter,
        safedesk::domain::LetterStatus::NotPossible { reason } if reason == "No address known; no email."
    )));
    // A review that owes nothing cannot be marked.
    let e = w
        .store
        .review_letter_not_possible(&w.manager, new_id(), "x")
        .unwrap_err();
    assert!(matches!(e, StoreError::Missing(_)), "{e}");
}
