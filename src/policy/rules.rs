//! The escalation rules: pure functions of the policy values and one customer's history.
//! Every screen, the `lookup` command and the store's queue get their answers from here.

use super::{Policy, RestrictionKind};
use crate::domain::{CaseReason, CustomerHistory, Id, Incident, LookupHit, Restriction};
use crate::time;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// Is the restriction in force at `now`?
pub fn is_active(r: &Restriction, now: DateTime<Utc>) -> bool {
    r.starts_at <= now && r.ends_at.is_none_or(|end| end > now)
}

/// Was the restriction in force when the incident happened?
pub fn was_active_at(r: &Restriction, at: DateTime<Utc>) -> bool {
    is_active(r, at)
}

/// The restrictions in force at `now`, in the order they began.
pub fn active_restrictions(h: &CustomerHistory, now: DateTime<Utc>) -> Vec<&Restriction> {
    let mut v: Vec<&Restriction> = h
        .restrictions
        .iter()
        .filter(|r| is_active(r, now))
        .collect();
    v.sort_by_key(|r| r.starts_at);
    v
}

/// Lookup results in the order to show them: as the store ranked them (best match first), but
/// among equally good matches anyone with a restriction in force comes first. Matches are
/// equally good when they are the same kind of match (a score's hundreds: the whole name, the
/// start of it, a whole word, the start of a word, ..., a whole phone number, its start, its last
/// digits): within a kind the score only says which name is shorter, which must never hide a
/// restriction. Otherwise the order is kept.
pub fn rank_hits(hits: &mut [LookupHit], now: DateTime<Utc>) {
    hits.sort_by_key(|h| {
        (
            std::cmp::Reverse(h.score / 100),
            active_restrictions(&h.history, now).is_empty(),
        )
    });
}

/// When the last manager decision was taken, if any.
pub fn last_decision_at(h: &CustomerHistory) -> Option<DateTime<Utc>> {
    // A decision turned down at approval answered nothing: its incidents still count.
    h.decisions
        .iter()
        .filter(|d| d.approval.status != crate::domain::ApprovalStatus::TurnedDown)
        .map(|d| d.decided_at)
        .max()
}

/// The incidents that count towards the threshold: not withdrawn, and logged after the last
/// manager decision (what the manager decided on is not counted again).
pub fn incidents_since_last_decision(h: &CustomerHistory) -> Vec<&Incident> {
    let since = last_decision_at(h);
    h.incidents
        .iter()
        .filter(|i| i.counts() && since.is_none_or(|d| i.logged_at > d))
        .collect()
}

/// Whether the customer's correspondence is not being processed: an incident since the last
/// decision was answered "correspondence not processed" (until a manager decides otherwise).
pub fn correspondence_not_processed(h: &CustomerHistory) -> bool {
    incidents_since_last_decision(h)
        .iter()
        .any(|i| i.response == "correspondence_not_processed")
}

/// Where a customer stands against the incident threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ThresholdState {
    pub count: u32,
    pub threshold: u32,
}

impl ThresholdState {
    pub fn reached(&self) -> bool {
        self.count >= self.threshold
    }

    /// "2 of 3 - the next incident goes to a manager"
    pub fn sentence(&self) -> String {
        let (n, t) = (self.count, self.threshold);
        if n == 0 {
            format!("0 of {t} incidents since the last decision")
        } else if n == t {
            format!("{n} of {t} - threshold reached: a manager must decide what happens next")
        } else if n > t {
            format!(
                "{n} incidents since the last decision (the threshold is {t}): a manager must decide what happens next"
            )
        } else if n + 1 == t {
            format!("{n} of {t} - the next incident goes to a manager")
        } else {
            format!("{n} of {t} incidents")
        }
    }
}

pub fn threshold_state(h: &CustomerHistory, policy: &Policy) -> ThresholdState {
    ThresholdState {
        count: u32::try_from(incidents_since_last_decision(h).len()).unwrap_or(u32::MAX),
        threshold: policy.threshold(),
    }
}

/// An incident that happened while a restriction was in force.
pub fn is_breach(incident: &Incident, restrictions: &[Restriction]) -> bool {
    incident.counts()
        && restrictions
            .iter()
            .any(|r| was_active_at(r, incident.occurred_at))
}

/// An incident in which someone's safety was under immediate threat: it goes to a manager at once.
pub fn is_urgent(incident: &Incident, policy: &Policy) -> bool {
    incident.counts()
        && (incident.immediate_threat
            || policy
                .response(&incident.response)
                .is_some_and(|r| r.immediate_threat))
}

/// A restriction whose review date has come (and which is still in force).
pub fn review_is_due(r: &Restriction, now: DateTime<Utc>) -> bool {
    is_active(r, now)
        && r.review_due
            .is_some_and(|due| due <= time::london_date(now))
}

/// The default review date for a restriction starting on `start`.
pub fn default_review_date(start: DateTime<Utc>, policy: &Policy) -> NaiveDate {
    time::london_date(start + policy.review_period())
}

/// Why a customer is in (or belongs in) the manager's escalation queue, most urgent first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Escalation {
    ImmediateThreat {
        incident: crate::domain::Id,
        at: DateTime<Utc>,
    },
    Breach {
        incident: crate::domain::Id,
        at: DateTime<Utc>,
    },
    ThresholdReached {
        count: u32,
        threshold: u32,
    },
    ReviewDue {
        restriction: crate::domain::Id,
        due: NaiveDate,
        overdue: bool,
    },
}

impl Escalation {
    /// In plain words, for the card and the queue.
    pub fn sentence(&self, policy: &Policy) -> String {
        match self {
            Escalation::ImmediateThreat { at, .. } => format!(
                "Immediate threat on {}: a manager must act now",
                time::date_time(*at)
            ),
            Escalation::Breach { at, .. } => format!(
                "Breach of an active restriction on {}: a manager must decide",
                time::date_time(*at)
            ),
            Escalation::ThresholdReached { count, threshold } => format!(
                "{count} incidents since the last decision (the policy's threshold is {threshold}): a manager must decide"
            ),
            Escalation::ReviewDue { due, overdue, .. } => {
                let _ = policy;
                if *overdue {
                    format!("Review overdue: it was due {}", time::date(*due))
                } else {
                    format!("Review due today ({})", time::date(*due))
                }
            }
        }
    }
}

impl Escalation {
    /// What phone staff do now about this flag, from the policy's `[phone_advice]`.
    pub fn phone_advice<'a>(&self, policy: &'a Policy) -> &'a str {
        let a = &policy.phone_advice;
        match self {
            Escalation::ImmediateThreat { .. } => &a.immediate_threat,
            Escalation::Breach { .. } => &a.breach,
            Escalation::ThresholdReached { .. } => &a.threshold_reached,
            Escalation::ReviewDue { .. } => &a.review_due,
        }
    }
}

/// Everything the escalation rules say about one customer now.
pub fn escalations(h: &CustomerHistory, policy: &Policy, now: DateTime<Utc>) -> Vec<Escalation> {
    let mut out = Vec::new();
    let pending = incidents_since_last_decision(h);
    for i in &pending {
        if is_urgent(i, policy) {
            out.push(Escalation::ImmediateThreat {
                incident: i.id,
                at: i.occurred_at,
            });
        } else if is_breach(i, &h.restrictions) {
            out.push(Escalation::Breach {
                incident: i.id,
                at: i.occurred_at,
            });
        }
    }
    let t = threshold_state(h, policy);
    if t.reached() {
        out.push(Escalation::ThresholdReached {
            count: t.count,
            threshold: t.threshold,
        });
    }
    for r in &h.restrictions {
        if review_is_due(r, now) {
            let due = r.review_due.expect("due implies a date");
            out.push(Escalation::ReviewDue {
                restriction: r.id,
                due,
                overdue: due < time::london_date(now),
            });
        }
    }
    out.sort();
    out
}

/// A case the escalation rules call for: why, the incidents it holds, and when its reason
/// arose (the store dates a case opened by a save, a correction or a link at that moment, and
/// one found among data loaded in bulk at this time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseCall {
    pub reason: CaseReason,
    pub incidents: Vec<Id>,
    pub arose_at: DateTime<Utc>,
}

/// Every case the rules call for with one customer's history now, whatever changed it (a new
/// incident, a correction, a visitor's record linked, an import): one per immediate threat and
/// one per breach since the last decision (an incident can be both), the threshold case holding
/// every incident that counts, and a review case for each restriction whose review has come.
/// The store adds each to the customer's open case of that reason, or opens one, so asking
/// again changes nothing.
pub fn cases_called_for(h: &CustomerHistory, policy: &Policy, now: DateTime<Utc>) -> Vec<CaseCall> {
    let mut out = Vec::new();
    let pending = incidents_since_last_decision(h);
    for i in &pending {
        out.extend(calls_of(i, h, policy));
    }
    let t = threshold_state(h, policy);
    if t.reached() {
        // It arose when the incident that reached the threshold was logged.
        let arose_at = pending
            .get(t.threshold.saturating_sub(1) as usize)
            .map_or(now, |i| i.logged_at);
        out.push(CaseCall {
            reason: CaseReason::Threshold,
            incidents: pending.iter().map(|i| i.id).collect(),
            arose_at,
        });
    }
    for r in &h.restrictions {
        if let (true, Some(due)) = (review_is_due(r, now), r.review_due) {
            out.push(CaseCall {
                reason: CaseReason::ReviewDue,
                incidents: Vec::new(),
                arose_at: time::london_midnight(due),
            });
        }
    }
    out
}

/// The cases one incident calls for by itself when it has just been saved or corrected: an
/// immediate threat, a breach. Unlike [`cases_called_for`] it does not ask whether a decision
/// came after the incident was logged: one saved in the same second as a decision, or corrected
/// to a threat after a manager decided on it, is news to every manager.
pub fn cases_called_for_incident(
    h: &CustomerHistory,
    incident: Id,
    policy: &Policy,
) -> Vec<CaseCall> {
    h.incidents
        .iter()
        .find(|i| i.id == incident)
        .map(|i| calls_of(i, h, policy))
        .unwrap_or_default()
}

fn calls_of(i: &Incident, h: &CustomerHistory, policy: &Policy) -> Vec<CaseCall> {
    let call = |reason| CaseCall {
        reason,
        incidents: vec![i.id],
        arose_at: i.occurred_at,
    };
    let mut out = Vec::new();
    if is_urgent(i, policy) {
        out.push(call(CaseReason::ImmediateThreat));
    }
    if is_breach(i, &h.restrictions) {
        out.push(call(CaseReason::Breach));
    }
    out
}

/// What becomes of an open case when one of its incidents is withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterWithdrawal {
    /// The case still stands, or it is not for the rules to drop: an immediate threat or a
    /// breach stays in the queue, with the incident marked withdrawn, until a manager decides.
    StaysOpen,
    /// A threshold case whose incidents no longer reach the threshold: nothing is left for a
    /// manager to decide, and a decision of "no further action" would wrongly reset the count,
    /// so the case closes. The incidents that still count go on counting; the next one to
    /// reach the threshold opens a new case.
    Closes,
}

/// The rule for a case of `reason` once an incident in it is withdrawn; `h` is the customer's
/// history with the withdrawal in it.
pub fn after_withdrawal(
    reason: CaseReason,
    h: &CustomerHistory,
    policy: &Policy,
) -> AfterWithdrawal {
    match reason {
        CaseReason::Threshold if !threshold_state(h, policy).reached() => AfterWithdrawal::Closes,
        _ => AfterWithdrawal::StaysOpen,
    }
}

/// One restriction in plain words, from the policy's banner text:
/// "Calls and visits limited to 10 minutes", "Only Sam Patel deals with this customer".
pub fn restriction_sentence(r: &Restriction, policy: &Policy) -> String {
    let template = policy
        .restriction_kind(&r.kind)
        .map(|k| k.banner_for(&r.params.divert).to_string())
        .unwrap_or_else(|| format!("Restriction \"{}\" (not in the current policy)", r.kind));
    let mut s = fill_placeholders(&template, r, policy, Words::Staff);
    if matches!(
        policy.restriction_kind(&r.kind),
        Some(RestrictionKind::Withdrawal(_))
    ) {
        return s;
    }
    if let Some(end) = r.ends_at {
        s.push_str(&format!(" (until {})", time::date_time(end)));
    }
    s
}

/// Is now (Europe/London) inside a restriction's set days and times? None when it has none.
pub fn window_now(r: &Restriction, now: DateTime<Utc>) -> Option<bool> {
    if r.params.windows.trim().is_empty() {
        return None;
    }
    super::window::parse(&r.params.windows)
        .ok()
        .map(|w| super::window::inside(&w, now))
}

/// Whose words a policy text is filled with: a banner's for staff, a letter's for the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Words {
    Staff,
    Customer,
}

/// A policy text (a banner, a letter's contact sentence) with the restriction's own details in
/// place of its placeholders: {minutes}, {staff}, {contact}, {third_party}, {review}, {scope}
/// (what a time limit or recording applies to, in `words`) and {redirect}. A text that starts
/// with {scope} starts with a capital.
pub fn fill_placeholders(template: &str, r: &Restriction, policy: &Policy, words: Words) -> String {
    let p = &r.params;
    let contact = match (p.email.trim(), p.phone.trim()) {
        ("", "") => "the dedicated contact".to_string(),
        (e, "") => e.to_string(),
        ("", ph) => ph.to_string(),
        (e, ph) => format!("{e} or {ph}"),
    };
    let staff = if p.staff_name.trim().is_empty() {
        "the named member of staff".to_string()
    } else {
        p.staff_name.trim().to_string()
    };
    let minutes = p
        .minutes
        .map(|m| m.to_string())
        .unwrap_or_else(|| "the agreed number of".to_string());
    let third = if p.third_party.trim().is_empty() {
        "the designated third party".to_string()
    } else {
        p.third_party.trim().to_string()
    };
    let review = r
        .review_due
        .map(time::date)
        .unwrap_or_else(|| "not set".to_string());
    let scope_id = if p.scope.is_empty() {
        crate::policy::SCOPE_BOTH
    } else {
        p.scope.as_str()
    };
    let scope = match (policy.scope(scope_id), words) {
        (Some(s), Words::Staff) => s.banner.clone(),
        (Some(s), Words::Customer) => s.letter.clone(),
        (None, _) => "calls and visits".to_string(),
    };
    let redirect = if p.redirect_to.trim().is_empty() {
        "another number or address".to_string()
    } else {
        p.redirect_to.trim().to_string()
    };
    let or = |s: &str, none: &str| {
        if s.trim().is_empty() {
            none.to_string()
        } else {
            s.trim().to_string()
        }
    };
    let filled = template
        .replace("{window}", &or(&p.windows, "at the set times"))
        .replace(
            "{date}",
            &p.date
                .map(time::date)
                .unwrap_or_else(|| "(date not recorded)".into()),
        )
        .replace("{text}", &or(&p.text, "(not recorded)"))
        .replace(
            "{person_contact}",
            &or(&p.person_contact, "no contact details"),
        )
        .replace("{person}", &or(&p.person, "their advocate"))
        .replace("{minutes}", &minutes)
        .replace("{staff}", &staff)
        .replace("{contact}", &contact)
        .replace("{third_party}", &third)
        .replace("{review}", &review)
        .replace("{scope}", &scope)
        .replace("{redirect}", &redirect);
    if template.starts_with("{scope}") {
        let mut c = filled.chars();
        return match c.next() {
            Some(first) => first.to_uppercase().chain(c).collect(),
            None => filled,
        };
    }
    filled
}

/// The plain-words summary shown at the top of a customer card and by `safedesk lookup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Every restriction in force, in plain words.
    pub restrictions: Vec<String>,
    pub threshold: ThresholdState,
    /// "2 of 3 - the next incident goes to a manager", or that nothing is recorded.
    pub threshold_sentence: String,
    pub escalations: Vec<String>,
    pub total_incidents: usize,
    pub nothing_recorded: bool,
}

impl Summary {
    pub fn is_restricted(&self) -> bool {
        !self.restrictions.is_empty()
    }
}

pub fn summary(h: &CustomerHistory, policy: &Policy, now: DateTime<Utc>) -> Summary {
    let restrictions: Vec<String> = active_restrictions(h, now)
        .into_iter()
        .map(|r| {
            let s = restriction_sentence(r, policy);
            match window_now(r, now) {
                Some(true) => format!("{s} - now INSIDE the window"),
                Some(false) => format!("{s} - now OUTSIDE the window"),
                None => s,
            }
        })
        .collect();
    let threshold = threshold_state(h, policy);
    let nothing_recorded =
        h.incidents.is_empty() && h.decisions.is_empty() && h.restrictions.is_empty();
    let threshold_sentence = if nothing_recorded {
        "Nothing recorded: no incidents, decisions or restrictions".to_string()
    } else {
        threshold.sentence()
    };
    Summary {
        restrictions,
        threshold,
        threshold_sentence,
        escalations: escalations(h, policy, now)
            .iter()
            .map(|e| e.sentence(policy))
            .collect(),
        total_incidents: h.incidents.iter().filter(|i| i.counts()).count(),
        nothing_recorded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::*;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
    }

    fn history() -> CustomerHistory {
        CustomerHistory {
            customer: Customer {
                id: new_id(),
                name: Some("Test Person".into()),
                created_at: now() - Duration::days(800),
                version: 1,
                ..Customer::default()
            },
            incidents: vec![],
            decisions: vec![],
            restrictions: vec![],
            letters: vec![],
            reviews: vec![],
            merged_into: None,
        }
    }

    fn incident(h: &CustomerHistory, days_ago: i64) -> Incident {
        let at = now() - Duration::days(days_ago);
        Incident {
            id: new_id(),
            customer_id: h.customer.id,
            occurred_at: at,
            logged_at: at + Duration::minutes(5),
            logged_by: new_id(),
            logged_by_name: "Reception".into(),
            channel: "phone".into(),
            category: "abusive".into(),
            behaviours: vec!["shouting".into()],
            behaviour_other: String::new(),
            response: "call_ended_after_warning".into(),
            reference: String::new(),
            description: "Shouted at staff".into(),
            immediate_threat: false,
            witnesses: String::new(),
            distress: None,
            workload: String::new(),
            workload_note: String::new(),
            harm: Default::default(),
            withdrawn: None,
            version: 1,
        }
    }

    fn decision(h: &CustomerHistory, days_ago: i64) -> Decision {
        Decision {
            id: new_id(),
            customer_id: h.customer.id,
            case_id: None,
            decided_at: now() - Duration::days(days_ago),
            meeting_date: time::london_date(now() - Duration::days(days_ago)),
            attendees: "A, B".into(),
            outcome: Outcome::Actions,
            reasons: "Three incidents".into(),
            reasons_for_customer: String::new(),
            incidents: Vec::new(),
            decided_by: new_id(),
            decided_by_name: "Manager".into(),
            no_warning: false,
            police_told: None,
            authority_told: String::new(),
            tried_actions: vec![],
            none_suitable: String::new(),
            adjustments: Vec::new(),
            adjustments_other: String::new(),
            adjustments_why: String::new(),
            risk_assessment: String::new(),
            letter: LetterStatus::Sent,
            approval: Default::default(),
            version: 1,
        }
    }

    fn restriction(
        h: &CustomerHistory,
        kind: &str,
        started_days_ago: i64,
        review_in_days: i64,
    ) -> Restriction {
        Restriction {
            id: new_id(),
            customer_id: h.customer.id,
            decision_id: None,
            kind: kind.into(),
            params: RestrictionParams::default(),
            starts_at: now() - Duration::days(started_days_ago),
            review_due: Some(time::london_date(now() + Duration::days(review_in_days))),
            ends_at: None,
            ended_reason: String::new(),
            version: 1,
        }
    }

    #[test]
    fn counts_two_of_three_and_warns_of_the_next() {
        let p = Policy::built_in();
        let mut h = history();
        h.incidents.push(incident(&h, 30));
        h.incidents.push(incident(&h, 10));
        let t = threshold_state(&h, &p);
        assert_eq!(t.count, 2);
        assert!(!t.reached());
        assert_eq!(t.sentence(), "2 of 3 - the next incident goes to a manager");
        h.incidents.push(incident(&h, 1));
        let t = threshold_state(&h, &p);
        assert!(t.reached());
        assert!(t.sentence().starts_with("3 of 3 - threshold reached"));
        let over = ThresholdState {
            count: 4,
            threshold: 3,
        };
        assert!(over
            .sentence()
            .starts_with("4 incidents since the last decision"));
        assert!(
            escalations(&h, &p, now()).contains(&Escalation::ThresholdReached {
                count: 3,
                threshold: 3
            })
        );
    }

    #[test]
    fn withdrawn_incidents_do_not_count() {
        let p = Policy::built_in();
        let mut h = history();
        for d in [30, 20, 10] {
            h.incidents.push(incident(&h, d));
        }
        h.incidents[1].withdrawn = Some(Withdrawal {
            at: now(),
            by: "Manager".into(),
            reason: "Logged against the wrong person".into(),
        });
        assert_eq!(threshold_state(&h, &p).count, 2);
        assert!(escalations(&h, &p, now()).is_empty());
    }

    #[test]
    fn a_decision_resets_the_count() {
        let p = Policy::built_in();
        let mut h = history();
        for d in [60, 50, 40] {
            h.incidents.push(incident(&h, d));
        }
        h.decisions.push(decision(&h, 35));
        assert_eq!(threshold_state(&h, &p).count, 0);
        h.incidents.push(incident(&h, 5));
        assert_eq!(threshold_state(&h, &p).sentence(), "1 of 3 incidents");
    }

    #[test]
    fn a_policy_with_another_threshold_is_followed() {
        let text =
            super::super::BUILT_IN.replace("incident_threshold = 3", "incident_threshold = 5");
        let p = Policy::parse(&text, "t").unwrap();
        let mut h = history();
        for d in [5, 4, 3, 2] {
            h.incidents.push(incident(&h, d));
        }
        let t = threshold_state(&h, &p);
        assert_eq!(t.sentence(), "4 of 5 - the next incident goes to a manager");
    }

    #[test]
    fn an_incident_during_a_restriction_is_a_breach() {
        let p = Policy::built_in();
        let mut h = history();
        h.decisions.push(decision(&h, 20));
        h.restrictions.push(restriction(&h, "witness", 20, 22));
        let before = incident(&h, 25);
        let during = {
            let mut i = incident(&h, 2);
            i.logged_at = now() - Duration::days(2);
            i
        };
        assert!(!is_breach(&before, &h.restrictions));
        assert!(is_breach(&during, &h.restrictions));
        h.incidents.push(during.clone());
        assert_eq!(
            escalations(&h, &p, now()),
            vec![Escalation::Breach {
                incident: during.id,
                at: during.occurred_at
            }]
        );
    }

    #[test]
    fn an_ended_restriction_is_not_breached_or_shown() {
        let p = Policy::built_in();
        let mut h = history();
        let mut r = restriction(&h, "written_only", 40, 2);
        r.ends_at = Some(now() - Duration::days(10));
        h.restrictions.push(r);
        let i = incident(&h, 3);
        assert!(!is_breach(&i, &h.restrictions));
        assert!(summary(&h, &p, now()).restrictions.is_empty());
    }

    #[test]
    fn immediate_threat_is_urgent_and_first() {
        let p = Policy::built_in();
        let mut h = history();
        for d in [9, 8] {
            h.incidents.push(incident(&h, d));
        }
        let mut i = incident(&h, 1);
        i.immediate_threat = true;
        h.incidents.push(i.clone());
        let e = escalations(&h, &p, now());
        assert!(matches!(e[0], Escalation::ImmediateThreat { .. }));
        assert!(matches!(e[1], Escalation::ThresholdReached { .. }));
        let mut police = incident(&h, 1);
        police.response = "police_called".into();
        assert!(
            is_urgent(&police, &p),
            "calling the police implies a threat"
        );
    }

    #[test]
    fn review_is_due_on_its_date_and_after() {
        let p = Policy::built_in();
        let mut h = history();
        h.restrictions.push(restriction(&h, "witness", 42, 0));
        h.restrictions.push(restriction(&h, "written_only", 50, -8));
        h.restrictions.push(restriction(&h, "recorded", 10, 32));
        let due: Vec<_> = escalations(&h, &p, now())
            .into_iter()
            .filter(|e| matches!(e, Escalation::ReviewDue { .. }))
            .collect();
        assert_eq!(due.len(), 2);
    }

    #[test]
    fn default_review_is_six_weeks_after_the_start() {
        let p = Policy::built_in();
        let start = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
        assert_eq!(
            default_review_date(start, &p),
            NaiveDate::from_ymd_opt(2027, 1, 5).unwrap()
        );
    }

    #[test]
    fn restrictions_are_written_out_in_plain_words() {
        let p = Policy::built_in();
        let h = history();
        let mut r = restriction(&h, "time_limit", 1, 41);
        r.params.minutes = Some(10);
        assert_eq!(
            restriction_sentence(&r, &p),
            "Calls and visits limited to 10 minutes"
        );
        let mut r = restriction(&h, "named_staff", 1, 41);
        r.params.staff_name = "Sam Patel".into();
        assert_eq!(
            restriction_sentence(&r, &p),
            "Only Sam Patel deals with this customer"
        );
        let r = restriction(&h, "witness", 1, 41);
        assert_eq!(restriction_sentence(&r, &p), "A witness must be present");
        let mut r = restriction(&h, "services_withdrawn", 1, 0);
        r.review_due = NaiveDate::from_ymd_opt(2027, 1, 5);
        assert_eq!(
            restriction_sentence(&r, &p),
            "Services withdrawn - review due 05/01/2027"
        );
        let mut r = restriction(&h, "dedicated_contact", 1, 41);
        r.params.email = "cases@example.org".into();
        r.params.phone = "020 7946 0000".into();
        assert_eq!(
            restriction_sentence(&r, &p),
            "Contact only through cases@example.org or 020 7946 0000"
        );
        let r = restriction(&h, "retired_kind", 1, 41);
        assert!(restriction_sentence(&r, &p).contains("retired_kind"));
    }

    #[test]
    fn a_contact_window_says_whether_now_is_inside_it_and_the_new_kinds_fill_in() {
        let p = Policy::built_in();
        let mut h = history();
        // now() is Tuesday 24/11/2026 12:00 in London.
        let mut r = restriction(&h, "contact_window", 1, 41);
        r.params.scope = "calls".into();
        r.params.windows = "Tue 10:00-12:00".into();
        assert_eq!(
            restriction_sentence(&r, &p),
            "Calls accepted Tue 10:00-12:00"
        );
        h.restrictions.push(r.clone());
        assert_eq!(
            summary(&h, &p, now()).restrictions,
            vec!["Calls accepted Tue 10:00-12:00 - now OUTSIDE the window"]
        );
        assert_eq!(
            summary(&h, &p, now() - Duration::minutes(30)).restrictions,
            vec!["Calls accepted Tue 10:00-12:00 - now INSIDE the window"]
        );
        let mut a = restriction(&h, "behaviour_agreement", 1, 41);
        a.params.date = NaiveDate::from_ymd_opt(2026, 11, 20);
        a.params.text = "No shouting at reception.".into();
        assert_eq!(
            restriction_sentence(&a, &p),
            "Behaviour agreement signed 20/11/2026: No shouting at reception."
        );
        let mut v = restriction(&h, "advocate", 1, 41);
        v.params.person = "Jo Hughes".into();
        v.params.person_contact = "020 7946 0990".into();
        assert_eq!(
            restriction_sentence(&v, &p),
            "Contact only through their advocate Jo Hughes (020 7946 0990)"
        );
    }

    #[test]
    fn the_cases_called_for_follow_the_history_whatever_changed_it() {
        let p = Policy::built_in();
        let mut h = history();
        h.incidents.push(incident(&h, 30));
        h.incidents.push(incident(&h, 20));
        assert!(
            cases_called_for(&h, &p, now()).is_empty(),
            "2 of 3 is not a case"
        );
        // A third (logged now, linked from a visitor, imported): the threshold case holds all three
        // and arose when the third was logged.
        h.incidents.push(incident(&h, 10));
        let calls = cases_called_for(&h, &p, now());
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].reason, CaseReason::Threshold);
        let ids: Vec<Id> = h.incidents.iter().map(|i| i.id).collect();
        assert_eq!(calls[0].incidents, ids);
        assert_eq!(calls[0].arose_at, h.incidents[2].logged_at);
        // Withdrawn, one no longer counts: no case is called for.
        h.incidents[0].withdrawn = Some(Withdrawal {
            at: now(),
            by: "Manager".into(),
            reason: "Wrong person".into(),
        });
        assert!(cases_called_for(&h, &p, now()).is_empty());
    }

    #[test]
    fn a_threat_during_a_restriction_calls_for_both_cases_until_a_decision() {
        let p = Policy::built_in();
        let mut h = history();
        h.restrictions.push(restriction(&h, "witness", 20, 22));
        let mut i = incident(&h, 2);
        i.immediate_threat = true;
        h.incidents.push(i.clone());
        let reasons: Vec<CaseReason> = cases_called_for(&h, &p, now())
            .into_iter()
            .map(|c| c.reason)
            .collect();
        assert_eq!(
            reasons,
            vec![CaseReason::ImmediateThreat, CaseReason::Breach]
        );
        assert!(cases_called_for(&h, &p, now())
            .iter()
            .all(|c| c.incidents == vec![i.id] && c.arose_at == i.occurred_at));
        // Decided on: nothing more is called for by that incident, unless it has just been
        // saved or corrected (a correction to a threat after the decision is news).
        h.decisions.push(decision(&h, 0));
        assert!(cases_called_for(&h, &p, now()).is_empty());
        let fresh: Vec<CaseReason> = cases_called_for_incident(&h, i.id, &p)
            .into_iter()
            .map(|c| c.reason)
            .collect();
        assert_eq!(fresh, vec![CaseReason::ImmediateThreat, CaseReason::Breach]);
        h.incidents[0].withdrawn = Some(Withdrawal {
            at: now(),
            by: "Manager".into(),
            reason: "Wrong person".into(),
        });
        assert!(cases_called_for_incident(&h, i.id, &p).is_empty());
        assert!(cases_called_for_incident(&h, new_id(), &p).is_empty());
    }

    #[test]
    fn a_review_that_has_come_calls_for_a_review_case_from_its_date() {
        let p = Policy::built_in();
        let mut h = history();
        h.restrictions.push(restriction(&h, "witness", 50, -8));
        let calls = cases_called_for(&h, &p, now());
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].reason, CaseReason::ReviewDue);
        assert_eq!(
            calls[0].arose_at,
            time::london_midnight(time::london_date(now() - Duration::days(8)))
        );
    }

    #[test]
    fn a_withdrawal_closes_a_threshold_case_only_below_the_threshold_and_never_a_threat() {
        let p = Policy::built_in();
        let withdrawn = || {
            Some(Withdrawal {
                at: now(),
                by: "Manager".into(),
                reason: "Logged against the wrong person".into(),
            })
        };
        let mut h = history();
        for d in [40, 30, 20, 10] {
            h.incidents.push(incident(&h, d));
        }
        h.incidents[0].withdrawn = withdrawn();
        // 3 of 3 still: the case stands.
        assert_eq!(
            after_withdrawal(CaseReason::Threshold, &h, &p),
            AfterWithdrawal::StaysOpen
        );
        h.incidents[1].withdrawn = withdrawn();
        assert_eq!(
            after_withdrawal(CaseReason::Threshold, &h, &p),
            AfterWithdrawal::Closes
        );
        // Nothing counts any more, yet a threat or a breach is a manager's to close.
        for i in &mut h.incidents {
            i.withdrawn = withdrawn();
        }
        for reason in [
            CaseReason::ImmediateThreat,
            CaseReason::Breach,
            CaseReason::ReviewDue,
            CaseReason::CustomerRequest,
        ] {
            assert_eq!(
                after_withdrawal(reason, &h, &p),
                AfterWithdrawal::StaysOpen,
                "{reason:?}"
            );
        }
    }

    #[test]
    fn nothing_recorded_is_said_plainly() {
        let p = Policy::built_in();
        let s = summary(&history(), &p, now());
        assert!(s.nothing_recorded);
        assert!(s.threshold_sentence.starts_with("Nothing recorded"));
        assert!(!s.is_restricted());
    }

    fn hit(name: &str, score: u32, restricted: bool, ended: bool) -> LookupHit {
        let mut h = history();
        h.customer.name = Some(name.into());
        if restricted {
            let mut r = restriction(&h, "time_limit", 30, 10);
            if ended {
                r.ends_at = Some(now() - Duration::days(1));
            }
            h.restrictions.push(r);
        }
        LookupHit {
            history: h,
            matched: MatchedOn::Name(name.into()),
            score,
        }
    }

    fn names(hits: &[LookupHit]) -> Vec<String> {
        hits.iter()
            .map(|h| h.history.customer.display_name())
            .collect()
    }

    #[test]
    fn among_equally_good_matches_the_restricted_come_first() {
        // "precious": both match the start of the name; the scores differ only by length.
        let mut hits = vec![
            hit("Precious Appiah", 839, false, false),
            hit("Precious Okonkwo", 836, false, false),
            hit("Precious Adeyemi", 835, true, false),
        ];
        rank_hits(&mut hits, now());
        assert_eq!(
            names(&hits),
            ["Precious Adeyemi", "Precious Appiah", "Precious Okonkwo"]
        );
    }

    #[test]
    fn a_better_kind_of_match_still_comes_before_a_restriction() {
        let mut hits = vec![
            hit("Sam Patel", 960, false, false),
            hit("Sam Patterson", 835, true, false),
            hit("Samuel Ross", 640, true, false),
            hit("Sam Pate", 836, false, false),
        ];
        rank_hits(&mut hits, now());
        assert_eq!(
            names(&hits),
            ["Sam Patel", "Sam Patterson", "Sam Pate", "Samuel Ross"],
            "exact first; then the prefix band, restricted first; the word band last"
        );
    }

    #[test]
    fn an_ended_restriction_does_not_lift_anyone_and_the_order_is_otherwise_kept() {
        let mut hits = vec![
            hit("B", 810, false, false),
            hit("A", 812, true, true),
            hit("C", 805, true, false),
            hit("D", 801, true, false),
        ];
        rank_hits(&mut hits, now());
        assert_eq!(names(&hits), ["C", "D", "B", "A"]);
    }

    #[test]
    fn correspondence_not_processed_lasts_until_a_manager_decides() {
        let mut h = history();
        h.incidents.push(incident(&h, 20));
        assert!(!correspondence_not_processed(&h));
        let mut email = incident(&h, 10);
        email.response = "correspondence_not_processed".into();
        h.incidents.push(email.clone());
        assert!(correspondence_not_processed(&h));
        // A decision after it: a manager has decided, so the card no longer says so.
        h.decisions.push(decision(&h, 5));
        assert!(!correspondence_not_processed(&h));
        // Withdrawn, it never counted.
        let mut h2 = history();
        email.withdrawn = Some(Withdrawal {
            at: now(),
            by: "Sam Patel".into(),
            reason: "logged against the wrong person".into(),
        });
        h2.incidents.push(email);
        assert!(!correspondence_not_processed(&h2));
    }
}
