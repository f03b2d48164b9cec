//! The demo data: counts, coverage of the policy, realism and the named customers.

use super::data::*;
use super::generate::Gen;
use super::*;
use crate::domain::CustomerHistory;
use crate::domain::{Customer, Decision, Incident, Outcome, Restriction, RestrictionParams, Role};
use crate::policy::RestrictionKind;
use crate::policy::{rules, Policy};
use crate::time;
use chrono::{Datelike, Duration, TimeZone};
use std::collections::{BTreeMap, HashMap, HashSet};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
}

/// Every record's customer is in the bulk; then the histories the store would build.
fn histories(b: &Bulk) -> BTreeMap<Id, CustomerHistory> {
    let ids: HashSet<Id> = b.customers.iter().map(|c| c.id).collect();
    assert!(b.incidents.iter().all(|i| ids.contains(&i.customer_id)));
    assert!(b.decisions.iter().all(|d| ids.contains(&d.customer_id)));
    assert!(b.restrictions.iter().all(|r| ids.contains(&r.customer_id)));
    assert!(b.letters.iter().all(|l| ids.contains(&l.customer_id)));
    b.histories()
}

fn by_name<'a>(h: &'a BTreeMap<Id, CustomerHistory>, name: &str) -> &'a CustomerHistory {
    let found: Vec<_> = h
        .values()
        .filter(|h| h.customer.name.as_deref() == Some(name))
        .collect();
    assert_eq!(found.len(), 1, "exactly one {name}");
    found[0]
}

/// National digits of a UK number in any of the forms the demo writes.
fn national(p: &str) -> String {
    let d: String = p.chars().filter(char::is_ascii_digit).collect();
    if let Some(rest) = d.strip_prefix("440") {
        format!("0{rest}")
    } else if let Some(rest) = d.strip_prefix("44") {
        format!("0{rest}")
    } else {
        d
    }
}

fn sentences(h: &CustomerHistory) -> Vec<String> {
    rules::summary(h, &Policy::built_in(), now()).restrictions
}

#[test]
fn demo_has_the_requested_counts() {
    let b = demo_bulk(now());
    assert_eq!(b.customers.len(), Scale::DEMO.customers);
    assert_eq!(b.incidents.len(), Scale::DEMO.incidents);
    assert_eq!(b.restrictions.len(), Scale::DEMO.restrictions);
    assert!(b.decisions.len() >= 40, "{} decisions", b.decisions.len());
    assert!(b.letters.len() >= 5);
    assert_eq!(b.staff, staff());
}

#[test]
fn other_scales_are_exact_too() {
    let scale = Scale {
        customers: 80,
        incidents: 500,
        restrictions: 30,
    };
    let mut all = Bulk::default();
    generate(&scale, 7, now(), 25, |b| -> Result<(), ()> {
        all.customers.extend(b.customers);
        all.incidents.extend(b.incidents);
        all.restrictions.extend(b.restrictions);
        Ok(())
    })
    .unwrap();
    assert_eq!(all.customers.len(), 80);
    assert_eq!(all.incidents.len(), 500);
    assert_eq!(all.restrictions.len(), 30);
}

#[test]
fn staff_cover_every_role_with_an_admin_sam_patel_and_a_leaver() {
    let s = staff();
    assert!((10..=14).contains(&s.len()));
    for role in Role::ALL {
        assert!(
            s.iter().any(|x| x.role == role && x.active),
            "no active {role}"
        );
    }
    let admin = s.iter().find(|x| x.login == "admin").unwrap();
    assert_eq!((admin.role, admin.id), (Role::Admin, ADMIN));
    let sam = s.iter().find(|x| x.login == "spatel").unwrap();
    assert_eq!(
        (sam.display_name.as_str(), sam.role, sam.id),
        ("Sam Patel", Role::Manager, SAM_PATEL)
    );
    assert_eq!(s.iter().filter(|x| !x.active).count(), 1, "one leaver");
    let logins: HashSet<_> = s.iter().map(|x| x.login.to_lowercase()).collect();
    assert_eq!(logins.len(), s.len());
    let ids: HashSet<_> = s.iter().map(|x| x.id).collect();
    assert_eq!(ids.len(), s.len());
    assert_eq!(staff(), s, "the same every time");
}

#[test]
fn the_vocabulary_matches_the_built_in_policy() {
    let p = Policy::built_in();
    let g = Gen::new(DEMO_SEED, now());
    // The generator's channels are the policy's, each once, with the responses it allows; the
    // channel table names only channels the policy has.
    assert_eq!(p.channels.len(), g.channels.len());
    for c in &g.channels {
        let pc = p
            .channel(&c.id)
            .unwrap_or_else(|| panic!("channel {}", c.id));
        assert_eq!(pc.responses, c.responses);
    }
    for (id, _, _) in CHANNEL_WEIGHTS {
        assert!(
            p.channel(id).is_some(),
            "{id} is not a channel of the policy"
        );
    }
    for t in TEMPLATES {
        let cat = p.category(t.category).unwrap();
        for b in t.behaviours {
            assert!(
                cat.behaviours.iter().any(|x| x.id == *b),
                "{b} not in {}",
                t.category
            );
        }
    }
    assert!(TEMPLATES.len() >= 40);
    // The generator draws its kinds from the policy, each once; its weights name only kinds the
    // policy has.
    let kinds: Vec<&str> = g
        .actions
        .iter()
        .chain(g.access.iter())
        .map(|k| k.0.as_str())
        .chain([g.policy.withdrawal.id.as_str()])
        .collect();
    let policy_kinds: HashSet<&str> = p
        .actions
        .iter()
        .map(|a| a.id.as_str())
        .chain(p.access_restrictions.iter().map(|a| a.id.as_str()))
        .chain([p.withdrawal.id.as_str()])
        .collect();
    assert_eq!(kinds.len(), policy_kinds.len());
    assert_eq!(kinds.iter().copied().collect::<HashSet<_>>(), policy_kinds);
    for (id, _) in ACTION_WEIGHTS.iter().chain(ACCESS_WEIGHTS) {
        assert!(
            policy_kinds.contains(id),
            "{id} is not a kind of the policy"
        );
    }
}

#[test]
fn a_kind_the_weights_do_not_name_is_drawn_too() {
    let weights = [("b", 5), ("a", 7), ("gone", 9)];
    assert_eq!(
        kinds_with_weights(&weights, &["a", "new", "b"]),
        vec![
            ("b".to_string(), 5),
            ("a".to_string(), 7),
            ("new".to_string(), OTHER_KIND_WEIGHT)
        ]
    );
}

#[test]
fn incidents_use_and_cover_the_policy_vocabulary() {
    let p = Policy::built_in();
    let b = demo_bulk(now());
    let mut channels = HashSet::new();
    let mut categories = HashSet::new();
    let mut responses = HashSet::new();
    let mut pairs = HashSet::new();
    for i in &b.incidents {
        let ch = p.channel(&i.channel).expect("known channel");
        assert!(
            ch.responses.contains(&i.response),
            "{} not allowed on {}",
            i.response,
            i.channel
        );
        let cat = p.category(&i.category).expect("known category");
        assert!(!i.behaviours.is_empty());
        for beh in &i.behaviours {
            assert!(
                cat.behaviours.iter().any(|x| &x.id == beh),
                "{beh} not in {}",
                i.category
            );
        }
        let resp = p.response(&i.response).unwrap();
        assert_eq!(resp.needs_reference, !i.reference.is_empty(), "{:?}", i);
        if i.response == "police_called" {
            assert!(i.immediate_threat);
            assert!(i.reference.starts_with("CAD "), "{}", i.reference);
        }
        assert!(!i.description.trim().is_empty());
        channels.insert(i.channel.as_str());
        categories.insert(i.category.as_str());
        responses.insert(i.response.as_str());
        pairs.insert((i.channel.as_str(), i.response.as_str()));
    }
    assert_eq!(channels.len(), p.channels.len());
    assert_eq!(categories.len(), p.categories.len());
    assert_eq!(responses.len(), p.responses.len());
    let all_pairs: usize = p.channels.iter().map(|c| c.responses.len()).sum();
    assert_eq!(
        pairs.len(),
        all_pairs,
        "every response on every channel that allows it"
    );
    let threats = b.incidents.iter().filter(|i| i.immediate_threat).count();
    assert!((3..=60).contains(&threats), "{threats} immediate threats");
    let withdrawn: Vec<_> = b
        .incidents
        .iter()
        .filter_map(|i| i.withdrawn.as_ref())
        .collect();
    assert!(
        (3..=40).contains(&withdrawn.len()),
        "{} withdrawn",
        withdrawn.len()
    );
    assert!(withdrawn
        .iter()
        .all(|w| !w.reason.is_empty() && !w.by.is_empty()));
    assert!(b.incidents.iter().any(|i| !i.witnesses.is_empty()));
    let descriptions: HashSet<_> = b.incidents.iter().map(|i| i.description.as_str()).collect();
    assert!(
        descriptions.len() >= 100,
        "{} distinct descriptions",
        descriptions.len()
    );
}

#[test]
fn incidents_are_spread_over_two_years_and_logged_soon_after() {
    let b = demo_bulk(now());
    let two_years = now() - Duration::days(731);
    let mut by_quarter = [0usize; 8];
    for i in &b.incidents {
        assert!(
            i.occurred_at >= two_years && i.occurred_at < now(),
            "{}",
            i.occurred_at
        );
        assert!(i.logged_at > i.occurred_at && i.logged_at <= now());
        assert!(i.logged_at - i.occurred_at <= Duration::days(1));
        if let Some(w) = &i.withdrawn {
            assert!(w.at >= i.logged_at && w.at <= now());
        }
        by_quarter[((now() - i.occurred_at).num_days() / 92).min(7) as usize] += 1;
    }
    assert!(by_quarter.iter().all(|&n| n >= 20), "{by_quarter:?}");
}

#[test]
fn every_record_refers_to_generated_rows() {
    let withdrawal = Policy::built_in().withdrawal.id;
    let b = demo_bulk(now());
    let customers: HashSet<Id> = b.customers.iter().map(|c| c.id).collect();
    assert_eq!(customers.len(), b.customers.len(), "customer ids unique");
    let staff: HashMap<Id, &Staff> = b.staff.iter().map(|s| (s.id, s)).collect();
    let decisions: HashMap<Id, &Decision> = b.decisions.iter().map(|d| (d.id, d)).collect();
    let mut ids = HashSet::new();
    for i in &b.incidents {
        assert!(ids.insert(i.id));
        assert!(customers.contains(&i.customer_id));
        let s = staff[&i.logged_by];
        assert!(
            matches!(s.role, Role::Reception | Role::Phone),
            "logged by {}",
            s.login
        );
        assert_eq!(i.logged_by_name, s.display_name);
    }
    for d in &b.decisions {
        assert!(ids.insert(d.id));
        assert!(customers.contains(&d.customer_id));
        let s = staff[&d.decided_by];
        assert_eq!(s.role, Role::Manager);
        assert_eq!(d.decided_by_name, s.display_name);
        assert!(d.decided_at <= now());
        assert_eq!(d.meeting_date, time::london_date(d.decided_at));
        assert!(!d.reasons.trim().is_empty() && !d.attendees.trim().is_empty());
    }
    for r in &b.restrictions {
        assert!(ids.insert(r.id));
        assert!(customers.contains(&r.customer_id));
        let d = decisions[&r.decision_id.expect("every restriction has its decision")];
        assert_eq!(d.customer_id, r.customer_id);
        assert!(r.starts_at > d.decided_at, "starts after the decision");
        assert!(r.starts_at <= now());
        if let Some(s) = r.params.staff_id {
            assert_eq!(staff[&s].display_name, r.params.staff_name);
        }
        if let Some(end) = r.ends_at {
            assert!(end > r.starts_at && end <= now());
            assert!(!r.ended_reason.is_empty());
        }
        let kind_outcome_ok = match d.outcome {
            Outcome::WithdrawalOfServices => r.kind == withdrawal,
            Outcome::NoFurtherAction => false,
            _ => r.kind != withdrawal,
        };
        assert!(kind_outcome_ok, "{} under {:?}", r.kind, d.outcome);
    }
    for l in &b.letters {
        assert!(ids.insert(l.id));
        assert!(customers.contains(&l.customer_id));
        assert!(l.created_at <= now());
        if let Some(s) = l.sent_at {
            assert!(s >= l.created_at && s <= now() && !l.sent_how.is_empty());
        }
    }
    assert!(b.letters.iter().any(|l| l.sent_how == "post"));
    // Every decision follows the incidents it decided on: three or more since the one
    // before, or an immediate threat.
    for h in histories(&b).values() {
        let mut since = None;
        for d in &h.decisions {
            let decided_on: Vec<&Incident> = h
                .incidents
                .iter()
                .filter(|i| {
                    i.counts()
                        && i.logged_at < d.decided_at
                        && since.is_none_or(|s| i.logged_at > s)
                })
                .collect();
            if d.outcome == Outcome::ImmediateRestriction {
                assert!(
                    decided_on.last().is_some_and(|i| i.immediate_threat),
                    "{d:?}"
                );
            } else {
                assert!(
                    decided_on.len() >= 3,
                    "{} incidents before {d:?}",
                    decided_on.len()
                );
            }
            since = Some(d.decided_at);
        }
    }
}

#[test]
fn decisions_cover_every_outcome() {
    let b = demo_bulk(now());
    for o in [
        Outcome::Actions,
        Outcome::NoFurtherAction,
        Outcome::WithdrawalOfServices,
        Outcome::ImmediateRestriction,
    ] {
        assert!(b.decisions.iter().any(|d| d.outcome == o), "no {o:?}");
    }
    let with_restrictions: HashSet<Id> = b
        .restrictions
        .iter()
        .filter_map(|r| r.decision_id)
        .collect();
    for d in &b.decisions {
        assert_eq!(
            d.outcome != Outcome::NoFurtherAction,
            with_restrictions.contains(&d.id),
            "{d:?}"
        );
    }
}

#[test]
fn every_restriction_kind_is_active_with_realistic_params() {
    let p = Policy::built_in();
    let b = demo_bulk(now());
    let active: Vec<&Restriction> = b
        .restrictions
        .iter()
        .filter(|r| rules::is_active(r, now()))
        .collect();
    let kinds: HashSet<&str> = active.iter().map(|r| r.kind.as_str()).collect();
    // Every action the tables draw; the ones weighed 0 only where the named customers have
    // them (a contact window).
    let never_drawn: Vec<&str> = ACTION_WEIGHTS
        .iter()
        .filter(|(_, w)| *w == 0)
        .map(|(k, _)| *k)
        .collect();
    for a in p
        .actions
        .iter()
        .filter(|a| !never_drawn.contains(&a.id.as_str()))
    {
        assert!(kinds.contains(a.id.as_str()), "no active {}", a.id);
    }
    assert!(kinds.contains("contact_window"));
    for a in &p.access_restrictions {
        assert!(kinds.contains(a.id.as_str()), "no active {}", a.id);
    }
    assert!(kinds.contains(p.withdrawal.id.as_str()));
    for r in &b.restrictions {
        assert!(p.restriction_kind(&r.kind).is_some());
        let pr = &r.params;
        // What the kind records, as the policy asks for it.
        let needs: &[String] = match p.restriction_kind(&r.kind) {
            Some(RestrictionKind::Action(a)) => &a.params,
            _ => &[],
        };
        if needs.is_empty() {
            assert_eq!(*pr, RestrictionParams::default());
        }
        for need in needs {
            match need.as_str() {
                "minutes" => assert!(matches!(pr.minutes, Some(10 | 15 | 20 | 30))),
                "contact" => {
                    assert_eq!(pr.email, DEDICATED_EMAIL);
                    assert!(pr.phone.is_empty() || pr.phone == DEDICATED_PHONE);
                }
                "staff" => assert!(pr.staff_id.is_some() && !pr.staff_name.is_empty()),
                "third_party" => assert!(!pr.third_party.is_empty()),
                // Empty on the named customers' older records: calls and visits.
                "scope" => {
                    assert!(pr.scope.is_empty() || ["both", "calls"].contains(&pr.scope.as_str()))
                }
                "window" => assert!(
                    crate::policy::window::parse(&pr.windows).is_ok(),
                    "{}",
                    pr.windows
                ),
                "date" => assert!(pr.date.is_some()),
                "text" => assert!(!pr.text.is_empty()),
                "person" => assert!(!pr.person.is_empty() && !pr.person_contact.is_empty()),
                other => panic!("{} records {other}", r.kind),
            }
        }
        // The banner has every placeholder filled.
        let s = rules::restriction_sentence(r, &p);
        assert!(
            !s.contains('{') && !s.contains("the agreed") && !s.contains("the named member"),
            "{s}"
        );
    }
    assert!(active.iter().any(|r| r.kind == "named_staff"
        && r.params.staff_id == Some(SAM_PATEL)
        && r.params.staff_name == "Sam Patel"));
    assert!(active
        .iter()
        .any(|r| r.kind == "advocate" && r.params.person == "Jo Hughes, Barnet Advocacy Service"));
    assert!(b
        .restrictions
        .iter()
        .any(|r| r.params.phone == DEDICATED_PHONE));
    // Access restrictions also come from immediate restrictions.
    let decisions: HashMap<Id, &Decision> = b.decisions.iter().map(|d| (d.id, d)).collect();
    assert!(b.restrictions.iter().any(|r| {
        matches!(
            p.restriction_kind(&r.kind),
            Some(RestrictionKind::Access(_))
        ) && decisions[&r.decision_id.unwrap()].outcome == Outcome::ImmediateRestriction
    }));
}

#[test]
fn reviews_are_due_in_the_future_today_and_overdue_and_some_are_lifted() {
    let b = demo_bulk(now());
    let today = time::london_date(now());
    let active: Vec<&Restriction> = b
        .restrictions
        .iter()
        .filter(|r| rules::is_active(r, now()))
        .collect();
    assert!(active.iter().all(|r| r.review_due.is_some()));
    let future = active
        .iter()
        .filter(|r| r.review_due.unwrap() > today)
        .count();
    let due_today = active
        .iter()
        .filter(|r| r.review_due.unwrap() == today)
        .count();
    let overdue = active
        .iter()
        .filter(|r| r.review_due.unwrap() < today)
        .count();
    assert!(
        future >= 5 && due_today >= 1 && overdue >= 2,
        "{future} {due_today} {overdue}"
    );
    assert!(
        active
            .iter()
            .filter(|r| rules::review_is_due(r, now()))
            .count()
            >= 3
    );
    let ended: Vec<_> = b
        .restrictions
        .iter()
        .filter(|r| r.ends_at.is_some())
        .collect();
    assert!(ended.len() >= 3, "{} ended", ended.len());
    assert!(ended.iter().any(|r| r.ended_reason.starts_with("Lifted")));
}

#[test]
fn exactly_one_customer_has_services_withdrawn() {
    let withdrawal = Policy::built_in().withdrawal.id;
    let b = demo_bulk(now());
    let withdrawn: HashSet<Id> = b
        .restrictions
        .iter()
        .filter(|r| r.kind == withdrawal)
        .map(|r| r.customer_id)
        .collect();
    assert_eq!(
        withdrawn.into_iter().collect::<Vec<_>>(),
        vec![PRECIOUS_ADEYEMI]
    );
}

#[test]
fn customers_stand_at_one_two_and_three_incidents_and_some_have_many() {
    let p = Policy::built_in();
    let b = demo_bulk(now());
    let h = histories(&b);
    let mut at = [0usize; 4];
    let mut three_undecided = 0;
    let mut three_after_decision = 0;
    for x in h.values() {
        let t = rules::threshold_state(x, &p);
        if t.count <= 3 {
            at[t.count as usize] += 1;
        }
        if t.count == 3 && x.decisions.is_empty() {
            three_undecided += 1;
        }
        if t.count >= 1 && !x.decisions.is_empty() {
            three_after_decision += 1;
        }
    }
    assert!(
        at[0] >= 20 && at[1] >= 10 && at[2] >= 10 && at[3] >= 4,
        "{at:?}"
    );
    assert!(
        three_undecided >= 3,
        "{three_undecided} at 3 with no decision"
    );
    assert!(three_after_decision >= 5, "incidents after a decision");
    let many = h.values().filter(|x| x.incidents.len() >= 10).count();
    assert!(many >= 5, "{many} with ten or more incidents");
    assert!(h.values().any(|x| x.incidents.len() >= 20));
    assert!(
        h.values().any(|x| x.decisions.len() >= 2),
        "repeat decisions"
    );
    // The queue has all four reasons in it.
    let mut reasons = HashSet::new();
    for x in h.values() {
        for e in rules::escalations(x, &p, now()) {
            reasons.insert(std::mem::discriminant(&e));
        }
    }
    assert_eq!(reasons.len(), 4);
    assert!(h
        .values()
        .any(|x| rules::summary(x, &p, now()).nothing_recorded));
}

#[test]
fn the_named_customers_are_as_documented() {
    let withdrawal = Policy::built_in().withdrawal.id;
    let p = Policy::built_in();
    let b = demo_bulk(now());
    let h = histories(&b);

    let deborah = by_name(&h, "Deborah Johnson");
    assert_eq!(deborah.customer.id, DEBORAH_JOHNSON);
    assert!(deborah
        .customer
        .phones
        .contains(&"07700 900123".to_string()));
    assert!(deborah
        .customer
        .other_names
        .contains(&"Debbie Johnson".to_string()));
    let s = sentences(deborah);
    assert!(
        s.contains(&"Calls and visits limited to 10 minutes".to_string()),
        "{s:?}"
    );
    assert!(s.contains(&"A witness must be present".to_string()));
    assert_eq!(rules::threshold_state(deborah, &p).count, 0);
    assert!(rules::escalations(deborah, &p, now()).is_empty());

    let marek = by_name(&h, "Marek Kowalczyk");
    assert_eq!(marek.customer.phones, vec!["020 7946 0018"]);
    let s = sentences(marek);
    assert!(s.contains(&"Written contact only".to_string()), "{s:?}");
    assert!(s.contains(&"Only Sam Patel deals with this customer".to_string()));
    assert!(marek
        .restrictions
        .iter()
        .any(|r| r.params.staff_id == Some(SAM_PATEL)));
    assert_eq!(marek.decisions.len(), 2);
    assert!(rules::escalations(marek, &p, now()).is_empty());

    let zoe = by_name(&h, "Zoë Åberg");
    assert_eq!(zoe.customer.phones, vec!["+44 7700 900456"]);
    assert_eq!(
        rules::threshold_state(zoe, &p).sentence(),
        "2 of 3 - the next incident goes to a manager"
    );
    assert!(zoe.decisions.is_empty() && zoe.restrictions.is_empty());
    assert_eq!(zoe.incidents.iter().filter(|i| !i.counts()).count(), 1);

    let tunde = by_name(&h, "Tunde Okafor");
    assert_eq!(tunde.customer.phones, vec!["07700 900234"]);
    assert!(tunde.decisions.is_empty());
    assert!(rules::threshold_state(tunde, &p).reached());
    assert_eq!(rules::threshold_state(tunde, &p).count, 3);
    assert_eq!(
        rules::escalations(tunde, &p, now()),
        vec![rules::Escalation::ThresholdReached {
            count: 3,
            threshold: 3
        }]
    );

    let precious = by_name(&h, "Precious Adeyemi");
    let active = rules::active_restrictions(precious, now());
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].kind, withdrawal);
    assert!(rules::review_is_due(active[0], now()));
    assert!(
        active[0].review_due.unwrap() < time::london_date(now()),
        "overdue"
    );
    assert!(sentences(precious)[0].starts_with("Services withdrawn - review due"));
    assert!(
        precious
            .restrictions
            .iter()
            .filter(|r| r.ends_at.is_some())
            .count()
            == 3
    );
    assert!(precious
        .decisions
        .iter()
        .any(|d| d.outcome == Outcome::WithdrawalOfServices));

    // Her behaviour agreement was tried first, and ended with the withdrawal.
    let agreement = precious
        .restrictions
        .iter()
        .find(|r| r.kind == "behaviour_agreement")
        .expect("Precious Adeyemi's behaviour agreement");
    assert!(agreement.ends_at.is_some() && agreement.params.date.is_some());
    assert!(rules::restriction_sentence(agreement, &p).starts_with("Behaviour agreement signed "));

    let jose = by_name(&h, "José Núñez");
    // His advocate's calls are taken on one morning a week, never today's.
    let day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][(crate::time::london_date(now())
        + Duration::days(2))
    .weekday()
    .num_days_from_monday()
        as usize];
    assert_eq!(
        sentences(jose),
        vec![
            "Contact only through their advocate Jo Hughes, Barnet Advocacy Service (020 7946 0990)".to_string(),
            format!("Calls accepted {day} 10:00-12:00 - now OUTSIDE the window"),
        ]
    );
    assert!(rules::escalations(jose, &p, now())
        .iter()
        .any(|e| matches!(e, rules::Escalation::Breach { .. })));

    let renee = by_name(&h, "Renée O'Connor");
    assert_eq!(
        rules::threshold_state(renee, &p).sentence(),
        "1 of 3 incidents"
    );

    let visitor = &h[&UNIDENTIFIED_VISITOR];
    assert!(visitor.customer.is_unidentified());
    assert!(visitor
        .customer
        .description
        .starts_with("Man, about 50, grey beard, green parka; reception, "));
    assert!(matches!(
        rules::escalations(visitor, &p, now())[0],
        rules::Escalation::ImmediateThreat { .. }
    ));
    assert!(visitor.incidents[0].reference.starts_with("CAD 4412/"));

    // The named numbers are nobody else's.
    for named in [
        DEBORAH_JOHNSON,
        MAREK_KOWALCZYK,
        ZOE_ABERG,
        TUNDE_OKAFOR,
        PRECIOUS_ADEYEMI,
        JOSE_NUNEZ,
        RENEE_OCONNOR,
    ] {
        for ph in &h[&named].customer.phones {
            let owners = b
                .customers
                .iter()
                .filter(|c| c.phones.iter().any(|x| national(x) == national(ph)))
                .count();
            assert_eq!(owners, 1, "{ph}");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_data_whatever_the_chunk_size() {
    let a = demo_bulk(now());
    let b = demo_bulk(now());
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    let mut chunks = 0;
    let mut c = Bulk::default();
    generate(&Scale::DEMO, DEMO_SEED, now(), 50, |x| -> Result<(), ()> {
        chunks += 1;
        assert!(x.customers.len() <= 50);
        if chunks > 1 {
            assert!(x.staff.is_empty());
        }
        c.staff.extend(x.staff);
        c.customers.extend(x.customers);
        c.incidents.extend(x.incidents);
        c.decisions.extend(x.decisions);
        c.restrictions.extend(x.restrictions);
        c.letters.extend(x.letters);
        Ok(())
    })
    .unwrap();
    assert_eq!(chunks, 7);
    assert_eq!(format!("{a:?}"), format!("{c:?}"));
}

#[test]
fn the_sink_can_stop_generation() {
    let mut calls = 0;
    let r = generate(&Scale::DEMO, 1, now(), 10, |_| {
        calls += 1;
        if calls == 3 {
            Err("disk full")
        } else {
            Ok(())
        }
    });
    assert_eq!(r, Err("disk full"));
    assert_eq!(calls, 3);
}

#[test]
fn named_customers_do_not_depend_on_the_seed_and_the_rest_do() {
    let collect = |seed: u64| {
        let mut all = Bulk::default();
        generate(
            &Scale::DEMO,
            seed,
            now(),
            usize::MAX,
            |b| -> Result<(), ()> {
                all = b;
                Ok(())
            },
        )
        .unwrap();
        all
    };
    let (a, b) = (collect(1), collect(2));
    let named = |x: &Bulk| -> Vec<String> {
        let ids: HashSet<Id> = (1..=8).map(named_id).collect();
        let mut v: Vec<String> = x
            .customers
            .iter()
            .filter(|c| ids.contains(&c.id))
            .map(|c| format!("{c:?}"))
            .collect();
        v.extend(
            x.incidents
                .iter()
                .filter(|i| ids.contains(&i.customer_id))
                .map(|i| format!("{i:?}")),
        );
        v.extend(
            x.restrictions
                .iter()
                .filter(|r| ids.contains(&r.customer_id))
                .map(|r| format!("{r:?}")),
        );
        v.extend(
            x.decisions
                .iter()
                .filter(|d| ids.contains(&d.customer_id))
                .map(|d| format!("{d:?}")),
        );
        v
    };
    assert_eq!(named(&a), named(&b));
    assert_eq!(
        named(&a).len(),
        8 + NAMED_INCIDENTS + NAMED_RESTRICTIONS + 6
    );
    assert_ne!(a.customers[20].name, b.customers[20].name);
    let ids_a: HashSet<Id> = a.customers.iter().map(|c| c.id).collect();
    assert_eq!(ids_a.len(), a.customers.len());
}

#[test]
fn names_contacts_and_postcodes_are_varied_and_realistic() {
    let b = demo_bulk(now());
    let named: Vec<&Customer> = b.customers.iter().filter(|c| c.name.is_some()).collect();
    let names: HashSet<&str> = named.iter().map(|c| c.name.as_deref().unwrap()).collect();
    assert!(names.len() >= 280, "{} distinct names", names.len());
    assert!(
        names.iter().filter(|n| !n.is_ascii()).count() >= 15,
        "accented names"
    );
    assert!(
        names
            .iter()
            .any(|n| n.split(' ').next_back().unwrap().contains('-')),
        "hyphenated surnames"
    );
    assert!(names.iter().filter(|n| n.contains('\'')).count() >= 2);
    for n in ["Zoë Åberg", "José Núñez", "Renée O'Connor"] {
        assert!(names.contains(n));
    }
    let with_other = named.iter().filter(|c| !c.other_names.is_empty()).count();
    assert!(with_other >= 30, "{with_other} with other names");

    let visitors: Vec<&Customer> = b.customers.iter().filter(|c| c.is_unidentified()).collect();
    assert!(
        (4..=20).contains(&visitors.len()),
        "{} unidentified",
        visitors.len()
    );
    for v in &visitors {
        assert!(
            v.description.contains(", about ") && v.description.contains(" around "),
            "{}",
            v.description
        );
        assert!(v.phones.is_empty() && v.emails.is_empty());
    }

    let mut numbers = HashSet::new();
    let mut forms = HashSet::new();
    for c in &b.customers {
        for ph in &c.phones {
            let d = national(ph);
            assert_eq!(d.len(), 11, "{ph}");
            let drama = ["07700900", "02079460", "01134960", "01614960"]
                .iter()
                .any(|p| d.starts_with(p));
            assert!(drama, "{ph} is outside the Ofcom drama ranges");
            assert!(numbers.insert(d), "{ph} twice");
            let form: String = ph
                .chars()
                .map(|ch| if ch.is_ascii_digit() { '9' } else { ch })
                .collect();
            forms.insert(form);
        }
        for e in &c.emails {
            let domain = e.rsplit('@').next().unwrap();
            assert!(
                ["example.org", "example.com", "example.net"].contains(&domain),
                "{e}"
            );
            assert!(e.is_ascii() && e.matches('@').count() == 1);
        }
        if !c.postcode.is_empty() {
            let (out, inward) = c.postcode.split_once(' ').unwrap();
            assert!(POSTCODE_AREAS.contains(&out), "{}", c.postcode);
            assert_eq!(inward.len(), 3);
        }
        assert!(c.created_at <= now());
    }
    assert!(numbers.len() >= 250);
    assert!(
        numbers.iter().any(|d| d.starts_with("0113"))
            && numbers.iter().any(|d| d.starts_with("0161"))
    );
    assert!(forms.len() >= 8, "{forms:?}");
    for f in ["+99 9999 999999", "(999) 9999 9999", "99999 999999"] {
        assert!(forms.contains(f), "no phone written like {f}");
    }
    assert!(b.customers.iter().filter(|c| !c.notes.is_empty()).count() >= 50);
    // Created no later than their first incident.
    let h = histories(&b);
    for x in h.values() {
        if let Some(i) = x.incidents.first() {
            assert!(x.customer.created_at <= i.logged_at);
        }
    }
}

/// `cargo test --release --lib demo::tests::bench_scale -- --ignored --nocapture`
#[test]
#[ignore = "slow in debug builds; run in release"]
fn bench_scale() {
    let withdrawal = Policy::built_in().withdrawal.id;
    let started = std::time::Instant::now();
    let (mut customers, mut incidents, mut restrictions, mut chunks, mut biggest) = (0, 0, 0, 0, 0);
    let mut numbers: HashSet<String> = HashSet::new();
    let mut withdrawn = 0;
    generate(&Scale::BENCH, 42, now(), 5_000, |b| -> Result<(), ()> {
        chunks += 1;
        customers += b.customers.len();
        incidents += b.incidents.len();
        restrictions += b.restrictions.len();
        biggest = biggest.max(b.incidents.len());
        withdrawn += b
            .restrictions
            .iter()
            .filter(|r| r.kind == withdrawal)
            .count();
        for c in &b.customers {
            for p in &c.phones {
                assert!(numbers.insert(national(p)), "{p} twice");
            }
        }
        Ok(())
    })
    .unwrap();
    let took = started.elapsed();
    println!(
        "BENCH: {customers} customers, {incidents} incidents, {restrictions} restrictions, {} distinct phone numbers in {chunks} chunks (largest {biggest} incidents) in {took:.2?}",
        numbers.len()
    );
    assert_eq!(
        (customers, incidents, restrictions),
        (100_000, 1_000_000, 20_000)
    );
    assert!(numbers.len() >= 100_000);
    assert_eq!(withdrawn, 1);
}

#[test]
fn customers_have_plausible_uk_addresses_and_the_large_print_note_is_followed() {
    let b = demo_bulk(now());
    let again = demo_bulk(now());
    let named = |id: Id| b.customers.iter().find(|c| c.id == id).unwrap();
    assert_eq!(
        named(DEBORAH_JOHNSON).postal_lines(),
        vec![
            "Flat 4, Holden Court",
            "23 Holden Road",
            "London",
            "N12 8QJ"
        ]
    );
    // Renée has none on record: her letters cannot go by post.
    assert!(named(RENEE_OCONNOR).postal_lines().is_empty());
    let people: Vec<&Customer> = b.customers.iter().filter(|c| c.name.is_some()).collect();
    let with = people.iter().filter(|c| !c.address.is_empty()).count();
    assert!(
        with * 100 / people.len() >= 75,
        "{with} of {}",
        people.len()
    );
    assert!(with < people.len(), "some have no address on record");
    for c in &b.customers {
        if c.address.is_empty() {
            continue;
        }
        assert!(!c.postcode.is_empty() && c.name.is_some(), "{c:?}");
        let area = c.postcode.split(' ').next().unwrap();
        let town = POSTAL_TOWNS.iter().find(|(a, _)| *a == area).unwrap().1;
        assert_eq!(c.address.last().map(String::as_str), Some(town), "{c:?}");
        assert!(c.address.len() <= crate::domain::MAX_ADDRESS_LINES);
        assert!(c.address[c.address.len() - 2]
            .split(' ')
            .next()
            .unwrap()
            .parse::<u32>()
            .is_ok());
    }
    // Whoever's note asks for large print gets it, and nobody else.
    let large: Vec<&Customer> = b.customers.iter().filter(|c| c.large_print).collect();
    assert!(!large.is_empty());
    for c in &b.customers {
        assert_eq!(c.large_print, c.notes.contains("large print"), "{c:?}");
    }
    // Deterministic: the same customers, addresses and formats every time.
    assert_eq!(b.customers, again.customers);
}
