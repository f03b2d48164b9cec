//! Staff safety (issue 19, item 6) in the store, on real SQLite files: who was hurt on an
//! incident of physical violence, RIDDOR and its reference, and debriefs asked for, in the
//! manager's queue until one is held.

mod common;

use common::world::{today, tunde as world};
use safedesk::domain::{new_id, CaseReason, Harm, Hurt, NewIncident, Riddor, RIDDOR_OWED};
use safedesk::store::{Store, StoreError};

/// Amira Hassan pushed at reception: a physical assault, the member of staff hurt named as the
/// receptionist knows her.
fn assault(w: &common::world::World, harm: Harm) -> NewIncident {
    NewIncident {
        channel: "face_to_face".into(),
        behaviours: vec!["physical_assault".into()],
        response: "asked_to_leave".into(),
        description: "Pushed the receptionist against the counter.".into(),
        harm,
        ..NewIncident::example(w.customer, "Tunde Okafor")
    }
}

#[test]
fn an_injury_with_riddor_and_its_reference_round_trips_and_a_missing_reference_is_owed() {
    let mut w = world();
    let inc = assault(
        &w,
        Harm {
            hurt: Hurt::Staff,
            hurt_name: "amira".into(),
            how: "Bruised arm".into(),
            riddor: Riddor::Yes,
            riddor_ref: String::new(),
            ..Harm::default()
        },
    );
    w.store
        .record_incident(&w.reception, &w.policy, &inc)
        .unwrap();
    let h = w.store.history(w.customer).unwrap().unwrap();
    let got = &h.incidents.iter().find(|i| i.id == inc.id).unwrap().harm;
    // Found on the staff list by the start of her name.
    assert_eq!(got.hurt, Hurt::Staff);
    assert_eq!(got.hurt_name, "Amira Hassan");
    assert_eq!(got.hurt_staff, w.reception.staff.as_ref().map(|s| s.id));
    assert_eq!(got.how, "Bruised arm");
    assert!(got.riddor_owed());
    assert!(got.sentence().contains(RIDDOR_OWED), "{}", got.sentence());
    let q = w.store.queue(&w.manager, today()).unwrap();
    assert_eq!(q.summary.riddor_owed, 1);
    // The report is made: a correction records its reference, and nothing is owed.
    let corrected = NewIncident {
        harm: Harm {
            riddor_ref: "2301234567".into(),
            ..got.clone()
        },
        ..inc.clone()
    };
    w.store
        .amend_incident(&w.reception, &w.policy, &corrected, 1)
        .unwrap();
    let h = w.store.history(w.customer).unwrap().unwrap();
    let got = &h.incidents.iter().find(|i| i.id == inc.id).unwrap().harm;
    assert_eq!(got.riddor, Riddor::Yes);
    assert_eq!(got.riddor_ref, "2301234567");
    assert_eq!(
        got.sentence(),
        "Hurt: a member of staff, Amira Hassan (Bruised arm). Reportable under RIDDOR: yes, reference 2301234567."
    );
    assert_eq!(
        w.store
            .queue(&w.manager, today())
            .unwrap()
            .summary
            .riddor_owed,
        0
    );
    // Saved again from the outbox: kept once, unchanged.
    w.store
        .amend_incident(&w.reception, &w.policy, &corrected, 1)
        .unwrap();
    let h = w.store.history(w.customer).unwrap().unwrap();
    assert_eq!(h.incidents.len(), 1);
    // The subject access export says it too.
    let sa = w.store.subject_access(w.customer).unwrap().unwrap();
    let i = &sa.history.incidents[0];
    assert_eq!(i.harm.riddor_ref, "2301234567");
}

#[test]
fn a_debrief_asked_for_on_the_form_is_in_the_queue_once_and_closes_when_held() {
    let mut w = world();
    let inc = assault(
        &w,
        Harm {
            hurt: Hurt::Staff,
            hurt_name: "Amira Hassan".into(),
            how: "Pushed".into(),
            riddor: Riddor::No,
            debrief: true,
            ..Harm::default()
        },
    );
    w.store
        .record_incident(&w.reception, &w.policy, &inc)
        .unwrap();
    // The same save again (the outbox after the drive came back): no second request.
    w.store
        .record_incident(&w.reception, &w.policy, &inc)
        .unwrap();
    let debriefs = |w: &mut common::world::World| {
        w.store
            .queue(&w.manager, today())
            .unwrap()
            .cases
            .into_iter()
            .filter(|c| c.reason == CaseReason::DebriefRequested)
            .collect::<Vec<_>>()
    };
    let cases = debriefs(&mut w);
    assert_eq!(cases.len(), 1, "{cases:?}");
    let case = &cases[0];
    assert_eq!(case.why(), "Debrief requested");
    assert_eq!(case.incidents, vec![inc.id]);
    assert!(
        case.note
            .starts_with("Debrief for Amira Hassan after the incident of"),
        "{}",
        case.note
    );
    // Asking again from the card while it is still wanted changes nothing.
    w.store.request_debrief(&w.reception, inc.id).unwrap();
    assert_eq!(debriefs(&mut w).len(), 1);
    // Only a manager records it as held, and not on a day still to come.
    match w.store.debrief_held(&w.reception, case.id, today()) {
        Err(StoreError::NotAllowed(_)) => {}
        other => panic!("{other:?}"),
    }
    match w
        .store
        .debrief_held(&w.manager, case.id, today() + chrono::Duration::days(2))
    {
        Err(StoreError::Invalid(m)) => assert!(m.contains("in the future"), "{m}"),
        other => panic!("{other:?}"),
    }
    w.store.debrief_held(&w.manager, case.id, today()).unwrap();
    assert!(debriefs(&mut w).is_empty());
    let held = w.store.debriefs_for(w.customer).unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].held_on, Some(today()));
    assert_eq!(held[0].held_by.as_deref(), Some("Sam Patel"));
    assert_eq!(held[0].requested_by, "Amira Hassan");
    // The audit trail has both.
    let trail = w.store.audit_for(&held[0].id.to_string()).unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["request debrief", "debrief held"]);
    // Held twice is refused, saying so.
    match w.store.debrief_held(&w.manager, case.id, today()) {
        Err(StoreError::Invalid(m)) => assert!(m.contains("already recorded as held"), "{m}"),
        other => panic!("{other:?}"),
    }
    // Asked for later, from the card: a new case, in the queue below threats and breaches.
    w.store.request_debrief(&w.reception, inc.id).unwrap();
    assert_eq!(debriefs(&mut w).len(), 1);
}

#[test]
fn an_incident_that_is_not_physical_violence_never_keeps_the_safety_answers() {
    let mut w = world();
    // Shouting: not asked, so nothing typed (by a stray draft, an import) is kept, and no
    // debrief is asked for through it.
    let inc = NewIncident {
        harm: Harm {
            hurt: Hurt::Other,
            hurt_name: "A visitor".into(),
            riddor: Riddor::Yes,
            riddor_ref: "bad ref!".into(),
            debrief: true,
            ..Harm::default()
        },
        ..NewIncident::example(w.customer, "Tunde Okafor")
    };
    assert!(!w.policy.asks_safety(&inc.category, &inc.behaviours));
    w.store
        .record_incident(&w.reception, &w.policy, &inc)
        .unwrap();
    let h = w.store.history(w.customer).unwrap().unwrap();
    assert!(h.incidents[0].harm.is_empty());
    let q = w.store.queue(&w.manager, today()).unwrap();
    assert!(q
        .cases
        .iter()
        .all(|c| c.reason != CaseReason::DebriefRequested));
    assert_eq!(q.summary.riddor_owed, 0);
}

#[test]
fn a_bad_riddor_reference_or_someone_not_on_the_staff_list_is_refused() {
    let mut w = world();
    for (bad, says) in [
        ("not a ref", "does not look like one"),
        ("12\u{1b}[31m34", "control character"),
        (&"1".repeat(200) as &str, "too long"),
    ] {
        let inc = assault(
            &w,
            Harm {
                hurt: Hurt::Other,
                hurt_name: "A visitor in reception".into(),
                riddor: Riddor::Yes,
                riddor_ref: bad.into(),
                ..Harm::default()
            },
        );
        match w.store.record_incident(&w.reception, &w.policy, &inc) {
            Err(StoreError::Invalid(m)) => {
                assert!(m.starts_with("RIDDOR reference"), "{m}");
                assert!(m.contains(says), "{m}");
            }
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    let inc = NewIncident {
        id: new_id(),
        ..assault(
            &w,
            Harm {
                hurt: Hurt::Staff,
                hurt_name: "Nobody Known".into(),
                ..Harm::default()
            },
        )
    };
    match w.store.record_incident(&w.reception, &w.policy, &inc) {
        Err(StoreError::Invalid(m)) => assert!(m.contains("no one on the staff list"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(w
        .store
        .history(w.customer)
        .unwrap()
        .unwrap()
        .incidents
        .is_empty());
}
