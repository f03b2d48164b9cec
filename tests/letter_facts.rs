//! Each of the five letters, made from what the store holds after real saves: it names exactly
//! its decision's (or review's, or correspondence's) incidents, dates and restrictions, in the
//! customer's wording only, prints no internal note, and gives the review date and the
//! complaints route.

mod common;

use chrono::{Duration, Utc};
use common::world::{kind, today, tunde as world, World};
use safedesk::domain::{
    new_id, CaseReason, CaseSummary, CustomerHistory, Id, NewDecision, NewIncident, NewRestriction,
    NewReview, Outcome, ReviewOutcome,
};
use safedesk::letters::{facts_for, suggested, LetterKind, Organisation, Templates};
use safedesk::policy::rules;
use safedesk::store::Store;
use safedesk::time;

const INTERNAL: &str = "INTERNAL NOTE: met with Chris Evans on Monday; he seemed agitated";

/// When an incident `days_ago` days back happened: a few minutes before this time of day.
fn at(days_ago: i64) -> chrono::DateTime<Utc> {
    Utc::now() - Duration::days(days_ago) - Duration::minutes(5)
}

/// The date of an incident `days_ago` days back, as a letter writes it (from the same instant,
/// so that in the first minutes after midnight both are the day before).
fn date(days_ago: i64) -> String {
    time::date(time::london_date(at(days_ago)))
}

impl World {
    fn incident(&mut self, days_ago: i64, channel: &str, response: &str, threat: bool) {
        let i = NewIncident {
            occurred_at: at(days_ago),
            channel: channel.into(),
            response: response.into(),
            immediate_threat: threat,
            description: "What happened.".into(),
            ..NewIncident::example(self.customer, "Tunde Okafor")
        };
        self.store
            .record_incident(&self.reception, &self.policy, &i)
            .unwrap();
    }

    fn case(&mut self, reason: CaseReason) -> CaseSummary {
        self.store
            .queue(&self.manager, today())
            .unwrap()
            .cases
            .into_iter()
            .find(|c| c.reason == reason && c.customer_id == self.customer)
            .unwrap_or_else(|| panic!("a {reason:?} case"))
    }

    fn decide(
        &mut self,
        case: &CaseSummary,
        outcome: Outcome,
        restrictions: Vec<NewRestriction>,
    ) -> Id {
        let d = NewDecision {
            id: new_id(),
            customer_id: self.customer,
            case_id: Some(case.id),
            case_version: Some(case.version),
            also_closes: vec![],
            meeting_date: today(),
            attendees: "Amira Hassan, Sam Patel".into(),
            outcome,
            reasons: INTERNAL.into(),
            reasons_for_customer: "You shouted at our staff and would not stop when asked.".into(),
            restrictions,
            review_date: Some(today() + Duration::weeks(6)),
            police_told: (outcome == Outcome::ImmediateRestriction).then_some(true),
            authority_told: if outcome == Outcome::ImmediateRestriction {
                "the police".into()
            } else {
                String::new()
            },
            tried_actions: if outcome == Outcome::WithdrawalOfServices {
                vec!["time_limit".into(), "witness".into()]
            } else {
                vec![]
            },
            none_suitable: String::new(),
            adjustments: vec!["named_contact".into()],
            adjustments_other: String::new(),
            adjustments_why: "A named contact was offered first; the behaviour went on.".into(),
            risk_assessment: if outcome == Outcome::ImmediateRestriction {
                "Threat of harm to staff.".into()
            } else {
                String::new()
            },
        };
        let saved = self
            .store
            .record_decision(&self.manager, &self.policy, &d)
            .unwrap();
        // A withdrawal or a permanent ban waits for a second manager's approval.
        if saved.waiting_for_approval.is_some() {
            self.approve(d.id);
        }
        d.id
    }

    fn history(&mut self) -> CustomerHistory {
        self.store.history(self.customer).unwrap().unwrap()
    }

    fn sam(&self) -> Id {
        self.manager.staff.as_ref().unwrap().id
    }
}

/// The letter `kind` for `case`, as Markdown, with the facts it was made from.
fn letter(
    w: &mut World,
    kind: LetterKind,
    case: &CaseSummary,
) -> (String, safedesk::letters::LetterFacts) {
    let h = w.history();
    let (facts, _) = facts_for(kind, case, &h, &w.policy, "Sam Patel", Utc::now()).unwrap();
    let text = Templates::built_in()
        .render(kind, &facts, &Organisation::built_in())
        .unwrap();
    // Every letter made here also prints on A4 without running off the page.
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    common::printable::assert_fits_a4(
        &safedesk::letters::to_html(&text, kind.label()),
        &format!("{}-{n}", kind.as_str()),
    );
    (text, facts)
}

/// The incident lines of a letter ("- 12/11/2026, telephone: shouting").
fn incident_lines(letter: &str) -> Vec<String> {
    letter
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .filter(|l| l.len() > 11 && l.as_bytes()[2] == b'/' && l.as_bytes()[10] == b',')
        .map(String::from)
        .collect()
}

/// No staff-facing sentence and no internal note reaches the letter; the complaints route does.
fn only_customer_words(letter: &str, h: &CustomerHistory, w: &World) {
    for r in &h.restrictions {
        let banner = rules::restriction_sentence(r, &w.policy);
        assert!(
            !letter.contains(&banner),
            "the staff banner {banner:?} is in the letter:\n{letter}"
        );
    }
    for staff_only in [
        "deals with this customer",
        "review due not set",
        "INTERNAL",
        "Chris Evans",
        "Threat of harm",
        "whatsapp",
        // Why the adjustments were or were not enough is the manager's reasoning.
        "A named contact was offered first",
        "A named contact has helped",
    ] {
        assert!(!letter.contains(staff_only), "{staff_only:?} in:\n{letter}");
    }
    assert!(
        letter.contains("Inclusion Barnet external complaints policy"),
        "{letter}"
    );
}

#[test]
fn a_restriction_notice_names_its_decisions_incidents_and_restrictions_in_the_customers_words() {
    let mut w = world();
    for days in [20, 15, 10] {
        w.incident(days, "face_to_face", "asked_to_leave", false);
    }
    let case = w.case(CaseReason::Threshold);
    let sam = w.sam();
    w.decide(
        &case,
        Outcome::Actions,
        vec![
            kind("written_only"),
            NewRestriction {
                staff_id: Some(sam),
                ..kind("named_staff")
            },
            // Means the same as written_only: printed once.
            kind("written_contact_only"),
        ],
    );
    // An incident after the decision is not behind it.
    w.incident(0, "phone", "call_ended_after_warning", false);
    assert_eq!(
        suggested(&case, &w.history()),
        LetterKind::RestrictionNotice
    );
    let (text, facts) = letter(&mut w, LetterKind::RestrictionNotice, &case);
    // The adjustments considered, in the customer's words, and that they may ask for one.
    assert!(
        text.contains("we thought about changes to how we work with you that might help, including a named member of staff to deal with your contact with us."),
        "{text}"
    );
    assert!(
        text.contains("If a change to how we work with you would help, because of a disability"),
        "{text}"
    );
    assert_eq!(
        incident_lines(&text),
        vec![
            format!("{}, face to face: shouting", date(20)),
            format!("{}, face to face: shouting", date(15)),
            format!("{}, face to face: shouting", date(10)),
        ]
    );
    assert_eq!(
        facts.restrictions,
        vec![
            "From now on please write to us only, by letter or email; we will not take your calls or see you in person",
            "Sam Patel will deal with all your calls and letters",
        ]
    );
    let review = time::date(today() + Duration::weeks(6));
    assert!(
        text.contains(&format!(
            "From {}, until at least the review on {review}:",
            time::date(today())
        )),
        "{text}"
    );
    assert!(text.contains(&format!("We will review this decision on {review}")));
    assert!(text.contains("We review decisions like this one after 6 weeks."));
    assert!(text.contains("You shouted at our staff and would not stop when asked."));
    assert!(text.contains(
        "Please contact us only in writing, by letter to the address above or by email."
    ));
    only_customer_words(&text, &w.history(), &w);
}

#[test]
fn an_immediate_confirmation_lists_no_incident_after_its_decision_and_says_how_a_permanent_ban_is_reviewed(
) {
    let mut w = world();
    w.incident(30, "face_to_face", "police_called", true);
    let case = w.case(CaseReason::ImmediateThreat);
    // A face-to-face immediate threat: the confirmation is offered, not the correspondence reply.
    assert_eq!(
        suggested(&case, &w.history()),
        LetterKind::ImmediateConfirmation
    );
    w.decide(
        &case,
        Outcome::ImmediateRestriction,
        vec![
            kind("permanent_ban"),
            NewRestriction {
                divert: "redirected".into(),
                redirect_to: "our duty manager on 020 7946 0999".into(),
                ..kind("phone_blocked")
            },
        ],
    );
    w.incident(1, "phone", "call_ended_after_warning", false);
    let case = w.case(CaseReason::ImmediateThreat);
    assert!(case.waiting_for_confirmation);
    assert_eq!(
        suggested(&case, &w.history()),
        LetterKind::ImmediateConfirmation
    );
    let (text, facts) = letter(&mut w, LetterKind::ImmediateConfirmation, &case);
    assert_eq!(
        incident_lines(&text),
        vec![format!("{}, face to face: shouting", date(30))]
    );
    assert_eq!(
        facts.restrictions,
        vec![
            "You must never come into our premises again",
            "Calls from your telephone number now go to our duty manager on 020 7946 0999 instead of our staff",
        ]
    );
    // Who was told, in the policy's words; never the risk assessment or the staff banner.
    assert_eq!(
        facts.decision_notes,
        vec![
            "Before making this decision, we thought about changes to how we work with you that might help, including a named member of staff to deal with your contact with us.",
            "If a change to how we work with you would help, because of a disability or for any other reason, please tell us and we will consider it.",
            "We have told the police about what happened.",
        ]
    );
    assert!(
        text.contains("We have told the police about what happened."),
        "{text}"
    );
    assert!(!text.contains("Threat of harm to staff"), "{text}");
    assert!(!text.contains("Phone number redirected"), "{text}");
    let review = time::date(today() + Duration::weeks(6));
    assert!(
        text.contains(&format!(
            "This ban is permanent, but we still review decisions if you still want to use our services: tell us, in writing, and we will review it on {review}."
        )),
        "{text}"
    );
    assert!(text.contains(&format!("until at least the review on {review}")));
    assert!(text.contains("You shouted at our staff and would not stop when asked."));
    only_customer_words(&text, &w.history(), &w);
}

#[test]
fn a_withdrawal_letter_says_how_to_write_for_a_review_not_the_usual_ways() {
    let mut w = world();
    for days in [12, 9, 6] {
        w.incident(days, "face_to_face", "asked_to_leave", false);
    }
    let case = w.case(CaseReason::Threshold);
    let withdrawal = w.policy.withdrawal.id.clone();
    w.decide(
        &case,
        Outcome::WithdrawalOfServices,
        vec![kind(&withdrawal), kind("banned_from_premises")],
    );
    assert_eq!(suggested(&case, &w.history()), LetterKind::Withdrawal);
    let (text, facts) = letter(&mut w, LetterKind::Withdrawal, &case);
    assert_eq!(incident_lines(&text).len(), 3, "{text}");
    assert!(incident_lines(&text)[0].starts_with(&date(12)));
    assert_eq!(
        facts.restrictions,
        vec!["You must not come into our premises"]
    );
    assert!(!text.contains("usual ways"), "{text}");
    assert!(text.contains(
        "Please contact us only in writing, to the address above, to ask for a review of this decision or to complain."
    ));
    let review = time::date(today() + Duration::weeks(6));
    assert!(text.contains(&format!("We will review this decision on {review}")));
    // The policy's condition for withdrawing: the actions tried first, in the customer's words.
    assert!(
        text.contains("Before this we tried limiting the length of your telephone calls and visits and having a witness present when you spoke to us, but your behaviour towards our staff continued."),
        "{text}"
    );
    only_customer_words(&text, &w.history(), &w);
}

#[test]
fn a_review_outcome_prints_the_reasons_for_the_customer_and_what_applies_now() {
    let mut w = world();
    for days in [40, 38, 36] {
        w.incident(days, "phone", "call_ended_after_warning", false);
    }
    let case = w.case(CaseReason::Threshold);
    w.decide(
        &case,
        Outcome::Actions,
        vec![
            NewRestriction {
                minutes: Some(10),
                scope: "both".into(),
                ..kind("time_limit")
            },
            kind("witness"),
        ],
    );
    // Its notice went; six weeks on, the review.
    w.sqlite()
        .raw_connection()
        .execute("UPDATE decision SET letter_status = 'sent'", [])
        .unwrap();
    assert_eq!(
        suggested(&case, &w.history()),
        LetterKind::RestrictionNotice
    );
    let h = w.history();
    let next = today() + Duration::weeks(6);
    let r = NewReview {
        id: new_id(),
        customer_id: w.customer,
        case_id: None,
        reviewed: h.restrictions.iter().map(|r| (r.id, r.version)).collect(),
        still_wants: Some(true),
        outcome: ReviewOutcome::Change,
        replacements: vec![NewRestriction {
            scope: "visits".into(),
            ..kind("recorded")
        }],
        next_review: Some(next),
        notes: INTERNAL.into(),
        reasons_for_customer: "Your calls have been calmer, so we have eased the limits.".into(),
        adjustments: vec!["named_contact".into()],
        adjustments_other: String::new(),
        adjustments_why: "A named contact has helped; the limit is still needed.".into(),
    };
    w.store.record_review(&w.manager, &w.policy, &r).unwrap();
    assert_eq!(suggested(&case, &w.history()), LetterKind::ReviewOutcome);
    let (text, facts) = letter(&mut w, LetterKind::ReviewOutcome, &case);
    assert_eq!(
        facts.restrictions,
        vec!["We will record all visits with you"]
    );
    assert!(text.contains("Your calls have been calmer, so we have eased the limits."));
    assert!(
        text.contains("including a named member of staff to deal with your contact with us."),
        "{text}"
    );
    assert!(text.contains(&format!(
        "We will review this decision again on {}",
        time::date(next)
    )));
    only_customer_words(&text, &w.history(), &w);
}

#[test]
fn the_correspondence_reply_names_only_the_correspondence_with_its_channel_as_labelled() {
    let mut w = world();
    w.incident(5, "email", "correspondence_not_processed", false);
    w.incident(3, "whatsapp", "correspondence_not_processed", false);
    w.incident(2, "email", "correspondence_not_processed", false);
    let case = w.case(CaseReason::Threshold);
    assert_eq!(
        suggested(&case, &w.history()),
        LetterKind::AbusiveCorrespondence
    );
    let (text, _) = letter(&mut w, LetterKind::AbusiveCorrespondence, &case);
    assert_eq!(
        incident_lines(&text),
        vec![
            format!("{}, email: shouting", date(5)),
            format!("{}, WhatsApp: shouting", date(3)),
            format!("{}, email: shouting", date(2)),
        ]
    );
    only_customer_words(&text, &w.history(), &w);
}

#[test]
fn a_decision_that_owes_a_letter_without_reasons_for_the_customer_is_refused_by_the_store() {
    let mut w = world();
    for days in [3, 2, 1] {
        w.incident(days, "face_to_face", "asked_to_leave", false);
    }
    let case = w.case(CaseReason::Threshold);
    let d = NewDecision {
        id: new_id(),
        customer_id: w.customer,
        case_id: Some(case.id),
        case_version: Some(case.version),
        also_closes: vec![],
        meeting_date: today(),
        attendees: "Sam Patel".into(),
        outcome: Outcome::Actions,
        reasons: INTERNAL.into(),
        reasons_for_customer: "  ".into(),
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
    let e = w
        .store
        .record_decision(&w.manager, &w.policy, &d)
        .unwrap_err()
        .to_string();
    assert!(e.contains("reasons for the customer"), "{e}");
    assert!(w.history().decisions.is_empty());
}

#[test]
fn an_older_decision_with_no_reasons_for_the_customer_says_so_plainly_and_warns() {
    let mut w = world();
    for days in [3, 2, 1] {
        w.incident(days, "face_to_face", "asked_to_leave", false);
    }
    let case = w.case(CaseReason::Threshold);
    w.decide(&case, Outcome::Actions, vec![kind("witness")]);
    // As a decision saved before migration 6 reads.
    w.sqlite()
        .raw_connection()
        .execute("UPDATE decision SET reasons_for_customer = ''", [])
        .unwrap();
    let (text, facts) = letter(&mut w, LetterKind::RestrictionNotice, &case);
    assert!(!text.contains("INTERNAL"), "{text}");
    assert!(text.contains("because of how you have behaved towards our staff"));
    assert_eq!(facts.warnings, vec![safedesk::letters::NO_CUSTOMER_REASONS]);
}

#[test]
fn a_withdrawal_with_no_action_suitable_says_so_without_the_managers_reason() {
    let mut w = world();
    for days in [12, 9, 6] {
        w.incident(days, "face_to_face", "asked_to_leave", false);
    }
    let case = w.case(CaseReason::Threshold);
    let withdrawal = w.policy.withdrawal.id.clone();
    let d = NewDecision {
        id: safedesk::domain::new_id(),
        customer_id: w.customer,
        case_id: Some(case.id),
        case_version: Some(case.version),
        also_closes: vec![],
        meeting_date: today(),
        attendees: "Amira Hassan, Sam Patel".into(),
        outcome: Outcome::WithdrawalOfServices,
        reasons: INTERNAL.into(),
        reasons_for_customer: "You shouted at our staff and would not stop when asked.".into(),
        restrictions: vec![kind(&withdrawal)],
        review_date: Some(today() + Duration::weeks(6)),
        police_told: None,
        authority_told: String::new(),
        tried_actions: vec![],
        none_suitable: "Sam thinks any contact would put the receptionist at risk.".into(),
        adjustments: vec!["named_contact".into()],
        adjustments_other: String::new(),
        adjustments_why: "A named contact was offered first; the behaviour went on.".into(),
        risk_assessment: String::new(),
    };
    w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
    let h = w.history();
    assert_eq!(h.decisions[0].none_suitable, d.none_suitable);
    assert!(h.decisions[0].tried_actions.is_empty());
    let (text, _) = letter(&mut w, LetterKind::Withdrawal, &case);
    assert!(
        text.contains("We considered the other ways of managing our contact with you that our policy sets out, but none of them was suitable."),
        "{text}"
    );
    assert!(!text.contains("put the receptionist at risk"), "{text}");
    only_customer_words(&text, &w.history(), &w);
}
