//! Fair and defensible decisions (issue 19, items 1-3) in the store, on real SQLite files: an
//! incident's distress and effect on workloads, the reasonable adjustments every restriction
//! must record, and the general parameter kinds (a weekly window, a date, a person).

mod common;

use chrono::{Datelike, Duration, Utc};
use common::world::{kind, today, tunde as world, World};
use safedesk::domain::{
    new_id, CaseReason, NewDecision, NewIncident, NewRestriction, Outcome, Subject,
};
use safedesk::store::{Store, StoreError};

impl World {
    fn threshold(&mut self) -> safedesk::domain::CaseSummary {
        for _ in 0..3 {
            let inc = NewIncident::example(self.customer, "Tunde Okafor");
            self.store
                .record_incident(&self.reception, &self.policy, &inc)
                .unwrap();
        }
        self.store
            .queue(&self.manager, today())
            .unwrap()
            .cases
            .into_iter()
            .find(|c| c.reason == CaseReason::Threshold)
            .expect("a threshold case")
    }

    fn restricting(
        &self,
        case: &safedesk::domain::CaseSummary,
        restrictions: Vec<NewRestriction>,
    ) -> NewDecision {
        NewDecision {
            adjustments: vec!["named_contact".into(), "easy_read".into()],
            adjustments_other: "Appointments at the quieter Finchley office".into(),
            ..self.deciding(case, Outcome::Actions, restrictions)
        }
    }

    fn refused(&mut self, d: &NewDecision) -> String {
        match self.store.record_decision(&self.manager, &self.policy, d) {
            Err(StoreError::Invalid(m)) => m,
            other => panic!("not refused: {other:?}"),
        }
    }
}

#[test]
fn the_store_refuses_a_restriction_or_withdrawal_without_the_adjustments_considered() {
    let mut w = world();
    let case = w.threshold();
    let mut d = w.restricting(&case, vec![kind("witness")]);
    d.adjustments.clear();
    d.adjustments_other.clear();
    let m = w.refused(&d);
    assert!(
        m.contains("needs the reasonable adjustments considered first (Equality Act)"),
        "{m}"
    );
    // Why they were or were not enough is required too.
    let mut d = w.restricting(&case, vec![kind("witness")]);
    d.adjustments_why = "  ".into();
    let m = w.refused(&d);
    assert!(m.contains("were or were not enough"), "{m}");
    // A withdrawal the same.
    let mut d = w.restricting(&case, vec![kind("services_withdrawn")]);
    d.outcome = Outcome::WithdrawalOfServices;
    d.none_suitable = "Every action was refused.".into();
    d.adjustments.clear();
    d.adjustments_other.clear();
    assert!(w.refused(&d).contains("reasonable adjustments"));
    // Nothing was saved by any of them.
    let h = w.store.history(w.customer).unwrap().unwrap();
    assert!(h.decisions.is_empty() && h.restrictions.is_empty());
    // With them it saves, and they read back as recorded.
    let d = w.restricting(&case, vec![kind("witness")]);
    w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
    let h = w.store.history(w.customer).unwrap().unwrap();
    let saved = &h.decisions[0];
    assert_eq!(saved.adjustments, vec!["named_contact", "easy_read"]);
    assert_eq!(
        saved.adjustments_other,
        "Appointments at the quieter Finchley office"
    );
    assert_eq!(
        w.policy.adjustments_words(saved).unwrap(),
        "A named contact at the organisation; Easy-read letters; Appointments at the quieter Finchley office. Why: Offered for a month; the shouting went on."
    );
}

#[test]
fn no_further_action_needs_no_adjustments() {
    let mut w = world();
    let case = w.threshold();
    let mut d = w.restricting(&case, vec![]);
    d.outcome = Outcome::NoFurtherAction;
    d.reasons_for_customer.clear();
    d.adjustments.clear();
    d.adjustments_other.clear();
    d.adjustments_why.clear();
    w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
}

#[test]
fn an_incident_keeps_whether_the_customer_was_in_distress_and_for_demands_the_workload() {
    let mut w = world();
    let demands = NewIncident {
        category: "demands".into(),
        behaviours: vec!["refusing_to_end_call".into()],
        distress: Some(true),
        workload: "significant".into(),
        workload_note: "Two advisers for an hour; the queue waited.".into(),
        ..NewIncident::example(w.customer, "Tunde Okafor")
    };
    w.store
        .record_incident(&w.reception, &w.policy, &demands)
        .unwrap();
    // Abusive behaviour is not asked about workloads: nothing stray is kept.
    let abusive = NewIncident {
        distress: Some(false),
        workload: "significant".into(),
        workload_note: "not asked".into(),
        ..NewIncident::example(w.customer, "Tunde Okafor")
    };
    w.store
        .record_incident(&w.reception, &w.policy, &abusive)
        .unwrap();
    let h = w.store.history(w.customer).unwrap().unwrap();
    let get = |id| h.incidents.iter().find(|i| i.id == id).unwrap();
    let d = get(demands.id);
    assert_eq!(d.distress, Some(true));
    assert_eq!(d.workload, "significant");
    assert_eq!(
        w.policy.circumstances(d),
        "Appeared in distress: yes. Effect on workloads: Significant: workloads or the service to others affected (Two advisers for an hour; the queue waited.)"
    );
    let a = get(abusive.id);
    assert_eq!((a.distress, a.workload.as_str()), (Some(false), ""));
    assert_eq!(w.policy.circumstances(a), "Appeared in distress: no");
    // A correction changes them, like any field.
    let corrected = NewIncident {
        distress: None,
        subject: Subject::Existing {
            id: w.customer,
            name: "Tunde Okafor".into(),
        },
        ..demands.clone()
    };
    w.store
        .amend_incident(&w.reception, &w.policy, &corrected, 1)
        .unwrap();
    let h = w.store.history(w.customer).unwrap().unwrap();
    let d = h.incidents.iter().find(|i| i.id == demands.id).unwrap();
    assert_eq!(d.distress, None);
    assert_eq!(d.workload, "significant");
    // A workload choice the policy does not have is refused.
    let bad = NewIncident {
        id: new_id(),
        workload: "enormous".into(),
        ..demands
    };
    match w.store.record_incident(&w.reception, &w.policy, &bad) {
        Err(StoreError::Invalid(m)) => assert!(m.contains("\"enormous\""), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_contact_window_is_kept_one_way_and_the_banner_says_whether_now_is_inside() {
    let mut w = world();
    let case = w.threshold();
    // A window on a day that is not today: now is outside it.
    let day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][(today() + Duration::days(3))
        .weekday()
        .num_days_from_monday()
        as usize];
    let d = w.restricting(
        &case,
        vec![NewRestriction {
            scope: "calls".into(),
            windows: format!("{}s 10-12", day.to_lowercase()),
            ..kind("contact_window")
        }],
    );
    w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
    let h = w.store.history(w.customer).unwrap().unwrap();
    assert_eq!(
        h.restrictions[0].params.windows,
        format!("{day} 10:00-12:00")
    );
    assert_eq!(h.restrictions[0].params.scope, "calls");
    let banner = safedesk::policy::rules::summary(&h, &w.policy, Utc::now()).restrictions;
    assert_eq!(
        banner,
        vec![format!(
            "Calls accepted {day} 10:00-12:00 - now OUTSIDE the window"
        )]
    );
}

#[test]
fn bad_windows_agreements_and_advocates_are_refused_by_the_store_with_what_to_do() {
    let mut w = world();
    let case = w.threshold();
    let cases: Vec<(NewRestriction, &str)> = vec![
        (
            NewRestriction {
                scope: "calls".into(),
                windows: "Tue 12:00-10:00".into(),
                ..kind("contact_window")
            },
            "ends before it starts",
        ),
        (
            NewRestriction {
                scope: "calls".into(),
                windows: "Tue 10:00-12:00, Tue 11:00-13:00".into(),
                ..kind("contact_window")
            },
            "overlaps",
        ),
        (
            NewRestriction {
                date: Some(today() + Duration::days(2)),
                text: "No shouting at reception.".into(),
                ..kind("behaviour_agreement")
            },
            "Date signed: ",
        ),
        (
            NewRestriction {
                person: "Jo Hughes".into(),
                ..kind("advocate")
            },
            "at least one way to contact them",
        ),
    ];
    for (r, says) in cases {
        let d = w.restricting(&case, vec![r]);
        let m = w.refused(&d);
        assert!(m.contains(says), "{says}: {m}");
    }
    assert!(w
        .store
        .history(w.customer)
        .unwrap()
        .unwrap()
        .restrictions
        .is_empty());
    // As they should be: saved, and the banner reads them.
    let d = w.restricting(
        &case,
        vec![
            NewRestriction {
                date: Some(today()),
                text: "No shouting at reception.".into(),
                ..kind("behaviour_agreement")
            },
            NewRestriction {
                person: "Jo Hughes, Barnet Advocacy Service".into(),
                person_contact: "020 7946 0990".into(),
                ..kind("advocate")
            },
        ],
    );
    w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
    let h = w.store.history(w.customer).unwrap().unwrap();
    let mut banner = safedesk::policy::rules::summary(&h, &w.policy, Utc::now()).restrictions;
    banner.sort();
    assert_eq!(
        banner,
        vec![
            format!(
                "Behaviour agreement signed {}: No shouting at reception.",
                safedesk::time::date(today())
            ),
            "Contact only through their advocate Jo Hughes, Barnet Advocacy Service (020 7946 0990)"
                .to_string(),
        ]
    );
}

/// Keeping a restriction at its review is deciding it again: the store refuses a review that
/// continues or changes restrictions without the adjustments considered, and keeps them when
/// given; the subject access export shows them.
#[test]
fn a_review_that_keeps_restrictions_records_the_adjustments_considered_again() {
    use safedesk::domain::{NewReview, ReviewOutcome};
    let mut w = world();
    let case = w.threshold();
    let d = w.restricting(&case, vec![kind("witness")]);
    w.store.record_decision(&w.manager, &w.policy, &d).unwrap();
    let h = w.store.history(w.customer).unwrap().unwrap();
    let r = &h.restrictions[0];
    let mut review = NewReview {
        id: new_id(),
        customer_id: w.customer,
        case_id: None,
        reviewed: vec![(r.id, r.version)],
        still_wants: Some(true),
        outcome: ReviewOutcome::Continue,
        replacements: vec![],
        next_review: Some(today() + Duration::weeks(6)),
        notes: "Two more incidents since the decision.".into(),
        reasons_for_customer: String::new(),
        adjustments: vec![],
        adjustments_other: String::new(),
        adjustments_why: String::new(),
    };
    match w.store.record_review(&w.manager, &w.policy, &review) {
        Err(StoreError::Invalid(m)) => assert!(
            m.contains("reasonable adjustments considered first (Equality Act)"),
            "{m}"
        ),
        other => panic!("not refused: {other:?}"),
    }
    let h = w.store.history(w.customer).unwrap().unwrap();
    assert!(
        h.reviews.is_empty(),
        "nothing of the refused review was kept"
    );
    review.adjustments = vec!["advocate".into()];
    review.adjustments_why = "He has an advocate now; the witness is still needed.".into();
    w.store
        .record_review(&w.manager, &w.policy, &review)
        .unwrap();
    let h = w.store.history(w.customer).unwrap().unwrap();
    assert_eq!(h.reviews.len(), 1);
    assert_eq!(
        w.policy.review_adjustments_words(&h.reviews[0]).unwrap(),
        "An advocate or supporter. Why: He has an advocate now; the witness is still needed."
    );
    let dir = tempfile::tempdir().unwrap();
    let sa = w.store.subject_access(w.customer).unwrap().unwrap();
    let written = safedesk::letters::write_export(dir.path(), &sa, &w.policy).unwrap();
    let export = std::fs::read_to_string(&written.markdown).unwrap();
    assert!(
        export.contains("An advocate or supporter. Why: He has an advocate now"),
        "{export}"
    );
}
