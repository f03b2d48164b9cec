//! Checking an incident before it is saved, and saying in words what happens after.

use super::rules;
use super::Policy;
use crate::domain::{CustomerHistory, NewIncident, Subject};
use crate::text;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Longest free text kept in one field.
pub const MAX_TEXT: usize = 20_000;
/// Longest single-line field.
pub const MAX_LINE: usize = 200;

/// The fields of the incident form, for messages shown next to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    Subject,
    When,
    Channel,
    Category,
    Behaviours,
    Response,
    Reference,
    Description,
    Witnesses,
    /// Demands: the effect on workloads, and how.
    Workload,
    /// Physical violence or injury: who was hurt, how, and the RIDDOR reference.
    HurtName,
    HurtHow,
    RiddorRef,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Field,
    pub message: String,
}

fn problem(field: Field, message: impl Into<String>) -> Problem {
    Problem {
        field,
        message: message.into(),
    }
}

/// What is wrong with a postal address and postcode as typed, if anything: too many lines, a
/// line or a postcode too long.
pub fn address_problem(address: &[String], postcode: &str) -> Result<(), String> {
    use crate::domain::{MAX_ADDRESS_LINE, MAX_ADDRESS_LINES, MAX_POSTCODE};
    let lines: Vec<&String> = address.iter().filter(|l| !l.trim().is_empty()).collect();
    if let Some(m) = lines
        .iter()
        .find_map(|l| too_long("An address line", l.trim(), MAX_ADDRESS_LINE))
    {
        return Err(m);
    }
    if lines.len() > MAX_ADDRESS_LINES {
        return Err(format!(
            "The address has {} lines; the most is {MAX_ADDRESS_LINES} (the postcode has its own field).",
            lines.len()
        ));
    }
    if let Some(m) = too_long("The postcode", postcode.trim(), MAX_POSTCODE) {
        return Err(m);
    }
    Ok(())
}

fn too_long(what: &str, text: &str, max: usize) -> Option<String> {
    let n = text.chars().count();
    (n > max).then(|| {
        format!(
            "{what} is {n} characters long; the most is {max}. Shorten it: nothing is lost, the text is still here."
        )
    })
}

/// Everything wrong with an incident, each with the field it belongs to. Empty when it can be
/// saved.
pub fn check(inc: &NewIncident, policy: &Policy, now: DateTime<Utc>) -> Vec<Problem> {
    check_as(inc, policy, now, When::Recent)
}

/// How far back an incident's time may go: one typed at the desk is within the last year (an
/// older one is a mistyped year), one brought in from the records kept before safedesk
/// (an import) may go back as far as those records do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Recent,
    History,
}

/// The earliest an imported incident may have happened: older than this is a mistyped year.
pub const HISTORY_YEARS: i64 = 30;

/// [`check`], with `when` saying how far back the incident may go.
pub fn check_as(
    inc: &NewIncident,
    policy: &Policy,
    now: DateTime<Utc>,
    when: When,
) -> Vec<Problem> {
    let mut out = Vec::new();
    match &inc.subject {
        Subject::Existing { .. } => {}
        Subject::New {
            name,
            phone,
            email,
            address,
            postcode,
            ..
        } => {
            if let Err(m) = address_problem(address, postcode) {
                out.push(problem(Field::Subject, m));
            }
            if name.trim().is_empty() {
                out.push(problem(Field::Subject, "Type the customer's name."));
            } else if let Some(m) = too_long("The name", name, MAX_LINE) {
                out.push(problem(Field::Subject, m));
            }
            if !phone.trim().is_empty() {
                if let Err(m) = text::check_phone(phone) {
                    out.push(problem(Field::Subject, m));
                }
            }
            if !email.trim().is_empty() && text::email_key(email).is_none() {
                out.push(problem(
                    Field::Subject,
                    "That email address is not complete: type it as name@example.org, or leave it empty.",
                ));
            }
        }
        Subject::Unidentified { description, .. } => {
            if description.trim().is_empty() {
                out.push(problem(
                    Field::Subject,
                    "Describe the visitor: appearance, where and when they were seen.",
                ));
            } else if let Some(m) = too_long("The description", description, MAX_TEXT) {
                out.push(problem(Field::Subject, m));
            }
        }
    }
    if inc.occurred_at > now + Duration::minutes(2) {
        out.push(problem(
            Field::When,
            "That time has not happened yet. Type a time up to now, for example 14:05 or yesterday 16:30.",
        ));
    } else if when == When::Recent && inc.occurred_at < now - Duration::days(366) {
        out.push(problem(
            Field::When,
            "That is more than a year ago. Check the date, for example 23/11 9:15.",
        ));
    } else if inc.occurred_at < now - Duration::days(366 * HISTORY_YEARS) {
        out.push(problem(
            Field::When,
            format!("That is more than {HISTORY_YEARS} years ago: check the year."),
        ));
    }
    let channel = policy.channel(&inc.channel);
    if channel.is_none() {
        out.push(problem(Field::Channel, "Choose how the contact happened."));
    }
    match policy.category(&inc.category) {
        None => out.push(problem(Field::Category, "Choose the behaviour category.")),
        Some(c) => {
            if let Some(b) = inc
                .behaviours
                .iter()
                .find(|b| !c.behaviours.iter().any(|cb| &cb.id == *b))
            {
                out.push(problem(
                    Field::Behaviours,
                    format!("\"{b}\" is not one of the examples for {}.", c.label),
                ));
            }
        }
    }
    if let Some(m) = too_long("The other behaviour", &inc.behaviour_other, MAX_LINE) {
        out.push(problem(Field::Behaviours, m));
    }
    match (policy.response(&inc.response), channel) {
        (None, _) => out.push(problem(
            Field::Response,
            "Choose the initial response taken.",
        )),
        (Some(r), Some(ch)) if !ch.responses.contains(&r.id) => out.push(problem(
            Field::Response,
            format!(
                "\"{}\" is not a response for {}; choose one listed.",
                r.label, ch.label
            ),
        )),
        _ => {}
    }
    if let Some(m) = too_long("The reference", &inc.reference, MAX_LINE) {
        out.push(problem(Field::Reference, m));
    }
    if inc.description.trim().is_empty() {
        out.push(problem(
            Field::Description,
            "Say what happened, in a sentence or two.",
        ));
    } else if let Some(m) = too_long("What happened", &inc.description, MAX_TEXT) {
        out.push(problem(Field::Description, m));
    }
    if let Some(m) = too_long("Witnesses", &inc.witnesses, 2_000) {
        out.push(problem(Field::Witnesses, m));
    }
    if policy.asks_workload(&inc.category) {
        if !inc.workload.is_empty() && policy.workload_choice(&inc.workload).is_none() {
            out.push(problem(
                Field::Workload,
                format!(
                    "\"{}\" is not one of the policy's choices for the effect on workloads: choose {}.",
                    inc.workload,
                    policy
                        .principles
                        .workload
                        .iter()
                        .map(|c| format!("{} ({})", c.label.to_lowercase(), c.key))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        if let Some(m) = too_long("How it affected workloads", &inc.workload_note, MAX_LINE) {
            out.push(problem(Field::Workload, m));
        }
    }
    if policy.asks_safety(&inc.category, &inc.behaviours) {
        let h = super::safety::as_stored(policy, inc);
        if h.hurt.someone() {
            if h.hurt_name.trim().is_empty() {
                out.push(problem(
                    Field::HurtName,
                    match h.hurt {
                        crate::domain::Hurt::Staff => "Who was hurt: type the name of the member of staff, as on the staff list.",
                        _ => "Who was hurt: type their name (or a description if it is not known).",
                    },
                ));
            } else if let Some(m) = too_long("Who was hurt", &h.hurt_name, MAX_LINE) {
                out.push(problem(Field::HurtName, m));
            }
            if let Some(m) = too_long("How they were hurt", &h.how, 2_000) {
                out.push(problem(Field::HurtHow, m));
            }
        }
        if h.riddor == crate::domain::Riddor::Yes {
            if let Err(m) = super::safety::check_riddor_ref(&inc.harm.riddor_ref) {
                out.push(problem(Field::RiddorRef, m));
            }
        }
    }
    out
}

/// What the escalation rules said when an incident was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveOutcome {
    /// Counting incidents since the last decision, this one included.
    pub count: u32,
    pub threshold: u32,
    pub breach: bool,
    pub urgent: bool,
    /// The incident was already in the database (a replay from the outbox).
    pub already_saved: bool,
    /// Whom it was saved against (a new customer's id is only known once saved).
    #[serde(default)]
    pub customer: Option<crate::domain::Id>,
}

impl SaveOutcome {
    pub fn reached(&self) -> bool {
        self.count >= self.threshold
    }

    /// Does this incident put (or keep) the customer in the manager's queue?
    pub fn escalates(&self) -> bool {
        self.urgent || self.breach || self.reached()
    }
}

/// Work out the outcome from the history that now includes the incident.
pub fn outcome(
    h: &CustomerHistory,
    incident: crate::domain::Id,
    policy: &Policy,
    already_saved: bool,
) -> SaveOutcome {
    let t = rules::threshold_state(h, policy);
    let this = h.incidents.iter().find(|i| i.id == incident);
    SaveOutcome {
        count: t.count,
        threshold: t.threshold,
        breach: this.is_some_and(|i| rules::is_breach(i, &h.restrictions)),
        urgent: this.is_some_and(|i| rules::is_urgent(i, policy)),
        already_saved,
        customer: Some(h.customer.id),
    }
}

fn ordinal(n: u32) -> String {
    match n {
        1 => "First".into(),
        2 => "Second".into(),
        3 => "Third".into(),
        4 => "Fourth".into(),
        5 => "Fifth".into(),
        6 => "Sixth".into(),
        7 => "Seventh".into(),
        8 => "Eighth".into(),
        9 => "Ninth".into(),
        10 => "Tenth".into(),
        n => format!("Incident {n}"),
    }
}

/// Who can see an alert now, in words: `managers` is how many managers have safedesk open
/// (None when that cannot be known). Never claims a manager was alerted when none may have been.
pub fn managers_told(managers: Option<usize>) -> String {
    match managers {
        Some(0) => "no manager has safedesk open: tell one in person or call.".into(),
        Some(1) => "it is on the screen of the 1 manager who has safedesk open now.".into(),
        Some(n) => format!("it is on the screens of the {n} managers who have safedesk open now."),
        None => "safedesk cannot tell whether any manager has it open: tell one in person or call."
            .into(),
    }
}

/// What happens next, in words, for the person who just saved. `managers` is how many managers
/// have safedesk open now, None when that cannot be known.
pub fn after_save(o: &SaveOutcome, policy: &Policy, managers: Option<usize>) -> Vec<String> {
    let mut out = Vec::new();
    if o.urgent {
        out.push(format!(
            "Immediate threat: {} {}",
            managers_told(managers),
            policy.policy.emergency_advice
        ));
    }
    if o.breach {
        let mut line =
            "Breach of an active restriction: sent to the manager's escalation queue".to_string();
        if !o.urgent {
            line.push_str(&format!("; {}", managers_told(managers)));
        } else {
            line.push('.');
        }
        out.push(line);
    }
    if o.count == o.threshold {
        out.push(format!(
            "{} incident: sent to the manager's escalation queue.",
            ordinal(o.count)
        ));
    } else if o.count > o.threshold {
        out.push(format!(
            "Incident {} since the last decision: added to the case in the manager's escalation queue.",
            o.count
        ));
    } else {
        let mut s = format!("Incident {} of {} recorded.", o.count, o.threshold);
        if o.count + 1 == o.threshold {
            s.push_str(" The next incident goes to a manager.");
        }
        out.push(s);
    }
    out
}

/// A change to an incident already saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Correct,
    Withdraw,
}

impl Change {
    fn verb(self) -> &'static str {
        match self {
            Change::Correct => "correct",
            Change::Withdraw => "withdraw",
        }
    }
}

/// Who may correct or withdraw an incident: the person who logged it, or a manager (or an
/// admin). The store refuses anyone else, and the card says why as soon as the key is pressed.
/// `Err` is the reason, in words; `logged_by_name` names who logged it.
pub fn may_change(
    staff: &crate::domain::Staff,
    logged_by: crate::domain::Id,
    logged_by_name: &str,
    change: Change,
) -> Result<(), String> {
    if staff.id == logged_by || staff.role.can_decide() {
        return Ok(());
    }
    let who = logged_by_name.trim();
    let who = if who.is_empty() {
        "the person who logged it".to_string()
    } else {
        format!("{}, who logged it,", text::sanitise_for_display(who, false))
    };
    Err(format!(
        "Only {who} or a manager can {} this incident.",
        change.verb()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::new_id;

    fn now() -> DateTime<Utc> {
        chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 24, 12, 0, 0).unwrap()
    }

    fn incident() -> NewIncident {
        NewIncident {
            occurred_at: now() - Duration::minutes(5),
            ..NewIncident::example(new_id(), "A B")
        }
    }

    fn fields(p: Vec<Problem>) -> Vec<Field> {
        p.into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_typical_incident_is_fine() {
        assert!(check(&incident(), &Policy::built_in(), now()).is_empty());
    }

    #[test]
    fn each_problem_is_tied_to_its_field() {
        let p = Policy::built_in();
        let mut i = incident();
        i.occurred_at = now() + Duration::hours(3);
        assert_eq!(fields(check(&i, &p, now())), vec![Field::When]);
        let mut i = incident();
        i.description = "   \n ".into();
        assert_eq!(fields(check(&i, &p, now())), vec![Field::Description]);
        let mut i = incident();
        i.response = "asked_to_leave".into();
        let probs = check(&i, &p, now());
        assert_eq!(fields(probs.clone()), vec![Field::Response]);
        assert!(probs[0].message.contains("not a response for Telephone"));
        let mut i = incident();
        i.behaviours = vec!["refuses_decision".into()];
        assert_eq!(fields(check(&i, &p, now())), vec![Field::Behaviours]);
        let mut i = incident();
        i.description = "x".repeat(100 * 1024);
        let probs = check(&i, &p, now());
        assert!(probs[0].message.contains("102400 characters"), "{probs:?}");
        let mut i = incident();
        i.subject = Subject::Unidentified {
            id: new_id(),
            description: " ".into(),
        };
        assert_eq!(fields(check(&i, &p, now())), vec![Field::Subject]);
        let mut i = incident();
        i.subject = Subject::New {
            id: new_id(),
            name: "New Person".into(),
            phone: "0770 090".into(),
            email: String::new(),
            address: Vec::new(),
            postcode: String::new(),
        };
        let probs = check(&i, &p, now());
        assert!(probs[0].message.contains("too short"), "{probs:?}");
    }

    #[test]
    fn emoji_and_right_to_left_text_are_fine() {
        let mut i = incident();
        i.description = "He said 😡 and wrote שלום on the form".into();
        assert!(check(&i, &Policy::built_in(), now()).is_empty());
    }

    #[test]
    fn reception_is_never_told_a_manager_saw_it_when_none_may_have() {
        let p = Policy::built_in();
        let threat = SaveOutcome {
            count: 1,
            threshold: 3,
            breach: false,
            urgent: true,
            already_saved: false,
            customer: None,
        };
        for managers in [Some(0), None] {
            let said = after_save(&threat, &p, managers).join(" ");
            assert!(!said.contains("alerted"), "{said}");
            assert!(said.contains("tell one in person or call"), "{said}");
        }
        assert!(after_save(&threat, &p, Some(0))[0].starts_with(
            "Immediate threat: no manager has safedesk open: tell one in person or call."
        ));
        assert!(after_save(&threat, &p, None)[0].contains("cannot tell whether any manager"));
    }

    #[test]
    fn after_save_says_what_happens_next() {
        let p = Policy::built_in();
        let o = |count, breach, urgent| SaveOutcome {
            count,
            threshold: 3,
            breach,
            urgent,
            already_saved: false,
            customer: None,
        };
        assert_eq!(
            after_save(&o(1, false, false), &p, Some(2)),
            vec!["Incident 1 of 3 recorded."]
        );
        assert_eq!(
            after_save(&o(2, false, false), &p, Some(2)),
            vec!["Incident 2 of 3 recorded. The next incident goes to a manager."]
        );
        assert_eq!(
            after_save(&o(3, false, false), &p, Some(2)),
            vec!["Third incident: sent to the manager's escalation queue."]
        );
        let urgent = after_save(&o(1, false, true), &p, Some(2));
        assert_eq!(
            urgent[0],
            "Immediate threat: it is on the screens of the 2 managers who have safedesk open now. If anyone is unsafe, call 999."
        );
        let breach = after_save(&o(1, true, false), &p, Some(1));
        assert_eq!(
            breach[0],
            "Breach of an active restriction: sent to the manager's escalation queue; it is on the screen of the 1 manager who has safedesk open now."
        );
        let both = after_save(&o(1, true, true), &p, Some(1));
        assert_eq!(
            both[1],
            "Breach of an active restriction: sent to the manager's escalation queue."
        );
        assert!(o(1, true, false).escalates());
        assert!(!o(2, false, false).escalates());
    }

    #[test]
    fn only_who_logged_it_or_a_manager_may_correct_or_withdraw_an_incident() {
        use crate::domain::{new_id, Role, Staff};
        let staff = |role| Staff {
            id: new_id(),
            login: "x".into(),
            display_name: "X".into(),
            role,
            active: true,
        };
        let priya = staff(Role::Phone);
        let amira = staff(Role::Reception);
        assert_eq!(
            may_change(&priya, priya.id, "Priya Sharma", Change::Withdraw),
            Ok(())
        );
        let e = may_change(&priya, amira.id, "Amira Hassan", Change::Withdraw).unwrap_err();
        assert_eq!(
            e,
            "Only Amira Hassan, who logged it, or a manager can withdraw this incident."
        );
        let e = may_change(&priya, amira.id, " ", Change::Correct).unwrap_err();
        assert!(
            e.starts_with("Only the person who logged it or a manager can correct"),
            "{e}"
        );
        for role in [Role::Manager, Role::Admin] {
            assert_eq!(
                may_change(&staff(role), amira.id, "Amira", Change::Correct),
                Ok(())
            );
        }
        assert!(may_change(&staff(Role::Reception), amira.id, "Amira", Change::Correct).is_err());
    }
}
