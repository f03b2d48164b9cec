//! Checking a manager's decision or review before it is saved. The decision form shows these
//! problems next to their fields, and the store refuses the same things, so a decision that
//! bypasses the screen (another client, an older copy) is held to the same rules.

use super::incident::{MAX_LINE, MAX_TEXT};
use super::{Policy, RestrictionKind};
use crate::domain::{NewDecision, NewRestriction, NewReview, Outcome, ReviewOutcome, Staff};
use crate::text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest time limit on calls or visits, in minutes (a working day).
pub const MAX_MINUTES: u32 = 480;

/// The fields of the decision and review forms, for messages shown next to them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DecisionField {
    MeetingDate,
    Attendees,
    Outcome,
    /// The actions and restrictions chosen, as a whole.
    Restrictions,
    /// The parameter of one chosen restriction (its policy id).
    Param(String),
    /// The internal notes.
    Reasons,
    /// The reasons for the customer, printed in the letter.
    CustomerReasons,
    ReviewDate,
    Police,
    /// Which authority was told.
    Authority,
    RiskAssessment,
    StillWants,
    /// A withdrawal: the long-term actions tried first.
    TriedActions,
    /// A withdrawal: why none of the actions was suitable.
    NoneSuitable,
    /// The reasonable adjustments considered (ticked or typed).
    Adjustments,
    /// Why the adjustments considered were or were not enough.
    AdjustmentsWhy,
}

/// What a decision is checked against besides its own fields: found by the form from the
/// case it shows, and again by the store from the database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionContext {
    /// The incidents behind the decision that caused significant alarm or possible crime (as
    /// the policy's `[alarm]` defines it), in words for the message ("24/11/2026"); empty when
    /// none did.
    pub alarm: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionProblem {
    pub field: DecisionField,
    pub message: String,
}

fn problem(field: DecisionField, message: impl Into<String>) -> DecisionProblem {
    DecisionProblem {
        field,
        message: message.into(),
    }
}

fn too_long(what: &str, text: &str, max: usize) -> Option<String> {
    let n = text.chars().count();
    (n > max).then(|| {
        format!("{what} is {n} characters long; the most is {max}. Shorten it: nothing is lost, the text is still here.")
    })
}

/// Everything wrong with one chosen restriction's parameters. `staff` is the staff list, to
/// check that a named member of staff is still working here.
pub fn check_restriction(
    r: &NewRestriction,
    policy: &Policy,
    staff: &[Staff],
    today: NaiveDate,
) -> Vec<DecisionProblem> {
    let mut out = Vec::new();
    let field = DecisionField::Param(r.kind.clone());
    let Some(kind) = policy.restriction_kind(&r.kind) else {
        out.push(problem(
            DecisionField::Restrictions,
            format!(
                "\"{}\" is not an action or restriction in the policy file. Choose one from the list.",
                r.kind
            ),
        ));
        return out;
    };
    let params = kind.params();
    let needs = |p: &str| params.iter().any(|x| x == p);
    if needs("scope") && policy.scope(&r.scope).is_none() {
        out.push(problem(
            field.clone(),
            format!(
                "Say what it applies to: {}.",
                policy
                    .scopes
                    .iter()
                    .map(|s| format!("{} ({})", s.label.to_lowercase(), s.key))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    if needs("divert") {
        let what = if r.kind.contains("email") {
            "email address"
        } else {
            "number"
        };
        match r.divert.as_str() {
            super::BLOCKED => {}
            super::REDIRECTED => {
                if r.redirect_to.trim().is_empty() {
                    out.push(problem(
                        field.clone(),
                        format!("Say where the {what} is redirected to (a number, an address or a team): the customer is told."),
                    ));
                } else if let Some(m) =
                    too_long("Where it is redirected to", &r.redirect_to, MAX_LINE)
                {
                    out.push(problem(field.clone(), m));
                }
            }
            _ => out.push(problem(
                field.clone(),
                format!("Say whether the {what} is blocked (b) or redirected (r)."),
            )),
        }
    }
    if needs("contact") {
        let (email, phone) = (r.email.trim(), r.phone.trim());
        if email.is_empty() && phone.is_empty() {
            out.push(problem(
                field.clone(),
                "Give the dedicated email address or telephone number (or both) the customer must use.",
            ));
        }
        if !email.is_empty() && text::email_key(email).is_none() {
            out.push(problem(
                field.clone(),
                "That email address is not complete: type it as name@example.org.",
            ));
        }
        if !phone.is_empty() {
            if let Err(m) = text::check_phone(phone) {
                out.push(problem(field.clone(), m));
            }
        }
    }
    if needs("minutes") {
        match r.minutes {
            None => out.push(problem(
                field.clone(),
                format!("Give the time limit in minutes (1 to {MAX_MINUTES})."),
            )),
            Some(0) => out.push(problem(
                field.clone(),
                format!("A time limit of 0 minutes would end all contact: give 1 to {MAX_MINUTES} minutes, or choose \"All direct contact ended\" instead."),
            )),
            Some(m) if m > MAX_MINUTES => out.push(problem(
                field.clone(),
                format!("{m} minutes is longer than a working day: give 1 to {MAX_MINUTES} minutes."),
            )),
            Some(_) => {}
        }
    }
    if needs("staff") {
        match r.staff_id {
            None => out.push(problem(
                field.clone(),
                "Name the member of staff who deals with this customer.",
            )),
            Some(id) => match staff.iter().find(|s| s.id == id) {
                None => out.push(problem(
                    field.clone(),
                    "That member of staff is not on safedesk's staff list: choose someone who is.",
                )),
                Some(s) if !s.active => out.push(problem(
                    field.clone(),
                    format!(
                        "{} has left, so they cannot be the named member of staff: choose someone who works here now.",
                        s.display_name
                    ),
                )),
                Some(_) => {}
            },
        }
    }
    if needs("third_party") {
        if r.third_party.trim().is_empty() {
            out.push(problem(
                field.clone(),
                "Name the designated third party all contact must go through (a person or organisation).",
            ));
        } else if let Some(m) = too_long("The third party", &r.third_party, MAX_LINE) {
            out.push(problem(field.clone(), m));
        }
    }
    let label = |kind: &str| match policy.restriction_kind(&r.kind) {
        Some(RestrictionKind::Action(a)) => a.param_label(kind).to_string(),
        _ => super::param_kind_label(kind).to_string(),
    };
    if needs("window") {
        if let Err(m) = super::window::parse(&r.windows) {
            out.push(problem(field.clone(), format!("{}: {m}", label("window"))));
        } else if let Some(m) = too_long(&label("window"), &r.windows, MAX_LINE) {
            out.push(problem(field.clone(), m));
        }
    }
    if needs("date") {
        match r.date {
            None => out.push(problem(
                field.clone(),
                format!("{}: give the date, such as {}.", label("date"), crate::time::date(today)),
            )),
            Some(d) if d > today => out.push(problem(
                field.clone(),
                format!(
                    "{}: {} is in the future; it must be today or earlier (record it once it is signed).",
                    label("date"),
                    crate::time::date(d)
                ),
            )),
            Some(d) if d < today - chrono::Duration::days(10 * 366) => out.push(problem(
                field.clone(),
                format!("{}: {} is more than ten years ago; check the year.", label("date"), crate::time::date(d)),
            )),
            Some(_) => {}
        }
    }
    if needs("text") {
        if r.text.trim().is_empty() {
            out.push(problem(
                field.clone(),
                format!("{}: write it out (a sentence or two).", label("text")),
            ));
        } else if let Some(m) = too_long(&label("text"), &r.text, MAX_TEXT) {
            out.push(problem(field.clone(), m));
        }
    }
    if needs("person") {
        if r.person.trim().is_empty() {
            out.push(problem(
                field.clone(),
                format!("{}: give their name.", label("person")),
            ));
        } else if let Some(m) = too_long(&label("person"), &r.person, MAX_LINE) {
            out.push(problem(field.clone(), m));
        }
        let contact = r.person_contact.trim();
        if contact.is_empty() {
            out.push(problem(
                field.clone(),
                format!(
                    "{}: give at least one way to contact them (a phone number, an email address or a postal address).",
                    label("person")
                ),
            ));
        } else if let Some(m) = too_long("Their contact details", contact, MAX_LINE) {
            out.push(problem(field.clone(), m));
        } else if contact.contains('@')
            && contact
                .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
                .filter(|w| w.contains('@'))
                .any(|w| text::email_key(w).is_none())
        {
            out.push(problem(
                field.clone(),
                "Their email address is not complete: type it as name@example.org.",
            ));
        }
    }
    out
}

/// Checks shared by decisions and reviews: the restrictions chosen, each once.
fn check_restrictions(
    list: &[NewRestriction],
    policy: &Policy,
    staff: &[Staff],
    today: NaiveDate,
    out: &mut Vec<DecisionProblem>,
) {
    for (i, r) in list.iter().enumerate() {
        if list[..i].iter().any(|o| o.kind == r.kind) {
            out.push(problem(
                DecisionField::Restrictions,
                format!(
                    "\"{}\" is chosen twice: choose it once.",
                    policy.label_of(&r.kind)
                ),
            ));
        }
        out.extend(check_restriction(r, policy, staff, today));
    }
    for (i, a) in list.iter().enumerate() {
        for b in &list[i + 1..] {
            if let Some(why) = policy.contradiction(&a.kind, &b.kind) {
                out.push(problem(
                    DecisionField::Restrictions,
                    format!(
                        "\"{}\" cannot go with \"{}\": {why}. Untick one of them.",
                        policy.label_of(&a.kind),
                        policy.label_of(&b.kind)
                    ),
                ));
            }
        }
    }
}

fn check_review_date(
    date: Option<NaiveDate>,
    policy: &Policy,
    today: NaiveDate,
    required: bool,
    out: &mut Vec<DecisionProblem>,
) {
    if let (Some(d), Some(latest)) = (date, policy.latest_review(today)) {
        if d > latest {
            let weeks = policy.policy.review_period_weeks;
            out.push(problem(
                DecisionField::ReviewDate,
                format!(
                    "The review date {} is later than the policy allows: decisions are reviewed after {weeks} week{}, so the latest is {}. Give that date or an earlier one.",
                    crate::time::date(d),
                    if weeks == 1 { "" } else { "s" },
                    crate::time::date(latest)
                ),
            ));
            return;
        }
    }
    match date {
        None if required => out.push(problem(
            DecisionField::ReviewDate,
            "Give the review date (the customer is told when the decision will be reviewed).",
        )),
        Some(d) if d < today => out.push(problem(
            DecisionField::ReviewDate,
            format!(
                "The review date {} is in the past: give today or a later date.",
                crate::time::date(d)
            ),
        )),
        Some(d) if d > today + chrono::Duration::days(3 * 366) => out.push(problem(
            DecisionField::ReviewDate,
            "The review date is more than three years away: check the year.",
        )),
        _ => {}
    }
}

/// Everything wrong with a decision, each with the field it belongs to. Empty when it can be
/// saved. `today` is the date in Europe/London.
pub fn check(
    d: &NewDecision,
    policy: &Policy,
    staff: &[Staff],
    today: NaiveDate,
    ctx: &DecisionContext,
) -> Vec<DecisionProblem> {
    let mut out = Vec::new();
    if d.meeting_date > today {
        out.push(problem(
            DecisionField::MeetingDate,
            "The meeting has not happened yet: record the decision after the meeting, with its date.",
        ));
    } else if d.meeting_date < today - chrono::Duration::days(366) {
        out.push(problem(
            DecisionField::MeetingDate,
            "That meeting date is more than a year ago: check the year.",
        ));
    }
    if d.attendees.trim().is_empty() {
        out.push(problem(
            DecisionField::Attendees,
            "Say who attended the meeting (the employee and their manager at least).",
        ));
    } else if let Some(m) = too_long("The list of attendees", &d.attendees, MAX_LINE) {
        out.push(problem(DecisionField::Attendees, m));
    }
    if d.reasons.trim().is_empty() {
        out.push(problem(
            DecisionField::Reasons,
            "Give the reasons for the decision, for the record (staff only: they are never printed).",
        ));
    } else if let Some(m) = too_long("The reasons", &d.reasons, MAX_TEXT) {
        out.push(problem(DecisionField::Reasons, m));
    }
    if d.reasons_for_customer.trim().is_empty() {
        if !d.restrictions.is_empty() {
            out.push(problem(
                DecisionField::CustomerReasons,
                "This decision owes the customer a letter: give the reasons for the customer, in plain words to them (the letter prints these, never the internal notes).",
            ));
        }
    } else if let Some(m) = too_long(
        "The reasons for the customer",
        &d.reasons_for_customer,
        MAX_TEXT,
    ) {
        out.push(problem(DecisionField::CustomerReasons, m));
    }
    let kinds: Vec<Option<RestrictionKind<'_>>> = d
        .restrictions
        .iter()
        .map(|r| policy.restriction_kind(&r.kind))
        .collect();
    let actions = kinds
        .iter()
        .filter(|k| matches!(k, Some(RestrictionKind::Action(_))))
        .count();
    let access = kinds
        .iter()
        .filter(|k| matches!(k, Some(RestrictionKind::Access(_))))
        .count();
    let withdrawal = kinds
        .iter()
        .any(|k| matches!(k, Some(RestrictionKind::Withdrawal(_))));
    match d.outcome {
        Outcome::NoFurtherAction => {
            if !d.restrictions.is_empty() {
                out.push(problem(
                    DecisionField::Restrictions,
                    "No further action cannot come with actions or restrictions: untick them, or choose another outcome.",
                ));
            }
        }
        Outcome::Actions => {
            if actions == 0 {
                out.push(problem(
                    DecisionField::Restrictions,
                    "Choose at least one of the policy's long-term actions, or choose no further action.",
                ));
            }
            if withdrawal {
                out.push(problem(
                    DecisionField::Outcome,
                    "Withdrawal of services is its own outcome: choose it as the outcome instead.",
                ));
            }
        }
        Outcome::WithdrawalOfServices => {
            check_tried(d, policy, &mut out);
            if !withdrawal {
                out.push(problem(
                    DecisionField::Restrictions,
                    "A withdrawal of services must include the withdrawal itself.",
                ));
            }
            if actions > 0 {
                out.push(problem(
                    DecisionField::Restrictions,
                    "Services are withdrawn because the actions are not appropriate or are exhausted: untick the actions, or choose long-term actions as the outcome.",
                ));
            }
        }
        Outcome::ImmediateRestriction => {
            if access == 0 {
                out.push(problem(
                    DecisionField::Restrictions,
                    "Choose at least one access restriction (banned from the premises, number blocked, all direct contact ended, ...).",
                ));
            }
        }
    }
    if d.outcome == Outcome::ImmediateRestriction || !ctx.alarm.is_empty() {
        let why = if d.outcome == Outcome::ImmediateRestriction {
            String::new()
        } else {
            format!(
                "The incident of {} caused {}: ",
                ctx.alarm.join(" and "),
                policy.alarm.label
            )
        };
        if d.police_told.is_none() {
            out.push(problem(
                DecisionField::Police,
                format!("{why}say whether the police or another authority were told (y or n)."),
            ));
        }
        if d.police_told == Some(true) {
            if d.authority_told.trim().is_empty() {
                out.push(problem(
                    DecisionField::Authority,
                    "Say which authority was told (the police, adult social care, ...): the customer's letter names it.",
                ));
            } else if let Some(m) = too_long("The authority told", &d.authority_told, MAX_LINE) {
                out.push(problem(DecisionField::Authority, m));
            }
        }
        if d.risk_assessment.trim().is_empty() {
            out.push(problem(
                DecisionField::RiskAssessment,
                format!("{why}record the assessment of risk behind telling, or not telling, the police or another authority."),
            ));
        } else if let Some(m) = too_long("The risk assessment", &d.risk_assessment, MAX_TEXT) {
            out.push(problem(DecisionField::RiskAssessment, m));
        }
    }
    check_restrictions(&d.restrictions, policy, staff, today, &mut out);
    check_adjustments(
        Considered {
            ids: &d.adjustments,
            other: &d.adjustments_other,
            why: &d.adjustments_why,
        },
        !d.restrictions.is_empty(),
        policy,
        &mut out,
    );
    check_review_date(
        d.review_date,
        policy,
        today,
        !d.restrictions.is_empty(),
        &mut out,
    );
    if d.restrictions.is_empty() && d.review_date.is_some() {
        out.push(problem(
            DecisionField::ReviewDate,
            "Nothing is restricted, so there is nothing to review: clear the review date.",
        ));
    }
    out
}

/// The reasonable adjustments a decision or review considered: the policy's (ids), others
/// typed, and why they were or were not enough.
struct Considered<'a> {
    ids: &'a [String],
    other: &'a str,
    why: &'a str,
}

/// The Equality Act's duty comes before any restriction: a decision that restricts or
/// withdraws (`restricts`), and a review that keeps restrictions, records which reasonable
/// adjustments were considered (the policy's, and others typed) and why they were or were not
/// enough.
fn check_adjustments(
    d: Considered,
    restricts: bool,
    policy: &Policy,
    out: &mut Vec<DecisionProblem>,
) {
    for (i, id) in d.ids.iter().enumerate() {
        if !policy.adjustments.iter().any(|a| &a.id == id) {
            out.push(problem(
                DecisionField::Adjustments,
                format!("\"{id}\" is not one of the policy's reasonable adjustments: tick them from the list, or type it under others."),
            ));
        } else if d.ids[..i].contains(id) {
            out.push(problem(
                DecisionField::Adjustments,
                format!(
                    "\"{}\" is ticked twice: tick it once.",
                    policy.adjustment_label(id)
                ),
            ));
        }
    }
    if let Some(m) = too_long("The other adjustments", d.other, MAX_LINE) {
        out.push(problem(DecisionField::Adjustments, m));
    }
    if let Some(m) = too_long(
        "Why the adjustments were or were not enough",
        d.why,
        MAX_TEXT,
    ) {
        out.push(problem(DecisionField::AdjustmentsWhy, m));
    }
    if !restricts {
        return;
    }
    if d.ids.is_empty() && d.other.trim().is_empty() {
        out.push(problem(
            DecisionField::Adjustments,
            "A restriction or withdrawal needs the reasonable adjustments considered first (Equality Act): tick those considered, or type others.",
        ));
    }
    if d.why.trim().is_empty() {
        out.push(problem(
            DecisionField::AdjustmentsWhy,
            "Say why the reasonable adjustments considered were or were not enough, so the restriction can be shown to be fair.",
        ));
    }
}

/// The policy's condition for withdrawing services: the long-term actions were tried (each one
/// of the policy's actions, once) or none was suitable, and why.
fn check_tried(d: &NewDecision, policy: &Policy, out: &mut Vec<DecisionProblem>) {
    for (i, id) in d.tried_actions.iter().enumerate() {
        if !matches!(
            policy.restriction_kind(id),
            Some(RestrictionKind::Action(_))
        ) {
            out.push(problem(
                DecisionField::TriedActions,
                format!("\"{id}\" is not one of the policy's long-term actions: tick the actions that were tried from the list."),
            ));
        } else if d.tried_actions[..i].contains(id) {
            out.push(problem(
                DecisionField::TriedActions,
                format!(
                    "\"{}\" is listed twice as tried: tick it once.",
                    policy.label_of(id)
                ),
            ));
        }
    }
    if d.tried_actions.is_empty() {
        if d.none_suitable.trim().is_empty() {
            out.push(problem(
                DecisionField::NoneSuitable,
                "The policy withdraws services only when the long-term actions are not appropriate or have been exhausted: tick the actions that were tried, or say why none was suitable.",
            ));
        }
    } else if !d.none_suitable.trim().is_empty() {
        out.push(problem(
            DecisionField::NoneSuitable,
            "Actions are ticked as tried, so some were suitable: clear why none was suitable, or untick the actions.",
        ));
    }
    if let Some(m) = too_long("Why none was suitable", &d.none_suitable, MAX_TEXT) {
        out.push(problem(DecisionField::NoneSuitable, m));
    }
}

/// Everything wrong with a review. Empty when it can be saved.
pub fn check_review(
    r: &NewReview,
    policy: &Policy,
    staff: &[Staff],
    today: NaiveDate,
) -> Vec<DecisionProblem> {
    let mut out = Vec::new();
    if r.reviewed.is_empty() {
        out.push(problem(
            DecisionField::Restrictions,
            "There is no restriction in force to review.",
        ));
    }
    if r.notes.trim().is_empty() {
        out.push(problem(
            DecisionField::Reasons,
            "Give the reasons for the outcome of the review.",
        ));
    } else if let Some(m) = too_long("The reasons", &r.notes, MAX_TEXT) {
        out.push(problem(DecisionField::Reasons, m));
    }
    if let Some(m) = too_long(
        "The reasons for the customer",
        &r.reasons_for_customer,
        MAX_TEXT,
    ) {
        out.push(problem(DecisionField::CustomerReasons, m));
    }
    // Keeping a restriction is deciding it again: the Equality Act's duty applies as it did
    // when it was first made.
    check_adjustments(
        Considered {
            ids: &r.adjustments,
            other: &r.adjustments_other,
            why: &r.adjustments_why,
        },
        r.outcome != ReviewOutcome::Lift,
        policy,
        &mut out,
    );
    match r.outcome {
        ReviewOutcome::Lift => {
            if !r.adjustments.is_empty()
                || !r.adjustments_other.trim().is_empty()
                || !r.adjustments_why.trim().is_empty()
            {
                out.push(problem(
                    DecisionField::Adjustments,
                    "Lifted restrictions need no reasonable adjustments: clear them.",
                ));
            }
            if r.next_review.is_some() {
                out.push(problem(
                    DecisionField::ReviewDate,
                    "Lifted restrictions need no further review: clear the date.",
                ));
            }
        }
        ReviewOutcome::Continue => {
            // The policy reviews decisions only if the customer still wants the services.
            let required = r.still_wants != Some(false);
            check_review_date(r.next_review, policy, today, required, &mut out);
            if r.next_review == Some(today) {
                out.push(problem(
                    DecisionField::ReviewDate,
                    "The next review cannot be today: give a later date.",
                ));
            }
        }
        ReviewOutcome::Change => {
            if r.replacements.is_empty() {
                out.push(problem(
                    DecisionField::Restrictions,
                    "Nothing would apply after this change: choose what still applies, or lift the restrictions.",
                ));
            }
            check_restrictions(&r.replacements, policy, staff, today, &mut out);
            check_review_date(
                r.next_review,
                policy,
                today,
                r.still_wants != Some(false),
                &mut out,
            );
        }
    }
    out
}

/// The sentence for a list of problems: the first, and how many more there are.
pub fn summary(problems: &[DecisionProblem]) -> String {
    match problems {
        [] => String::new(),
        [one] => one.message.clone(),
        [first, rest @ ..] => format!(
            "{} (and {} more: see the marked fields)",
            first.message,
            rest.len()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{new_id, Role};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn staff() -> Vec<Staff> {
        vec![
            Staff {
                id: uuid::Uuid::from_u128(1),
                login: "spatel".into(),
                display_name: "Sam Patel".into(),
                role: Role::Manager,
                active: true,
            },
            Staff {
                id: uuid::Uuid::from_u128(2),
                login: "gone".into(),
                display_name: "Lee Gone".into(),
                role: Role::Phone,
                active: false,
            },
        ]
    }

    fn decision(outcome: Outcome, restrictions: Vec<NewRestriction>) -> NewDecision {
        NewDecision {
            id: new_id(),
            customer_id: new_id(),
            case_id: None,
            case_version: None,
            also_closes: vec![],
            meeting_date: today(),
            attendees: "Amira Hassan, Sam Patel".into(),
            outcome,
            reasons: "Three incidents of shouting at reception in a fortnight.".into(),
            reasons_for_customer: "You shouted at our reception staff three times in two weeks."
                .into(),
            review_date: (!restrictions.is_empty()).then(|| today() + chrono::Duration::weeks(6)),
            restrictions,
            police_told: None,
            authority_told: String::new(),
            tried_actions: vec![],
            none_suitable: String::new(),
            risk_assessment: String::new(),
            adjustments: vec!["named_contact".into()],
            adjustments_other: String::new(),
            adjustments_why: "A named contact was tried for a month; the shouting went on.".into(),
        }
    }

    fn kind(k: &str) -> NewRestriction {
        NewRestriction {
            kind: k.into(),
            ..Default::default()
        }
    }

    fn none() -> DecisionContext {
        DecisionContext::default()
    }

    fn fields(p: &[DecisionProblem]) -> Vec<DecisionField> {
        p.iter().map(|p| p.field.clone()).collect()
    }

    #[test]
    fn contradictory_choices_are_refused_with_the_policys_reason() {
        let policy = Policy::built_in();
        let sam = NewRestriction {
            staff_id: Some(uuid::Uuid::from_u128(1)),
            ..kind("named_staff")
        };
        let third = NewRestriction {
            third_party: "Barnet Advocacy".into(),
            ..kind("third_party")
        };
        let ten = NewRestriction {
            minutes: Some(10),
            scope: "both".into(),
            ..kind("time_limit")
        };
        let refused = |list: Vec<NewRestriction>| -> Vec<String> {
            check(
                &decision(Outcome::Actions, list),
                &policy,
                &staff(),
                today(),
                &none(),
            )
            .into_iter()
            .filter(|p| p.field == DecisionField::Restrictions)
            .map(|p| p.message)
            .collect()
        };
        for (list, why) in [
            (
                vec![sam.clone(), kind("all_direct_contact_ended")],
                "no member of staff deals with the customer",
            ),
            (
                vec![kind("all_direct_contact_ended"), third.clone()],
                "no contact to go through a third party",
            ),
            (
                vec![kind("written_only"), ten.clone()],
                "no calls or visits to limit",
            ),
            (
                vec![ten.clone(), kind("written_contact_only")],
                "no calls or visits to limit",
            ),
        ] {
            let got = refused(list.clone());
            assert_eq!(got.len(), 1, "{list:?}: {got:?}");
            assert!(got[0].contains(why), "{got:?}");
            assert!(got[0].contains("cannot go with"), "{got:?}");
        }
        // Choices that agree are not refused: written only with a named member of staff, and
        // the two ways of saying written contact only.
        assert!(refused(vec![kind("written_only"), sam]).is_empty());
        assert!(refused(vec![kind("written_only"), kind("written_contact_only")]).is_empty());
        assert!(refused(vec![ten, third]).is_empty());
        // In a review's changes too.
        let mut r = review(ReviewOutcome::Change);
        r.next_review = Some(today() + chrono::Duration::weeks(6));
        r.replacements = vec![
            kind("written_only"),
            NewRestriction {
                minutes: Some(5),
                scope: "visits".into(),
                ..kind("time_limit")
            },
        ];
        assert!(check_review(&r, &policy, &staff(), today())
            .iter()
            .any(|p| p.message.contains("cannot go with")));
    }

    #[test]
    fn a_decision_that_restricts_needs_reasons_for_the_customer_one_that_does_not_does_not() {
        let policy = Policy::built_in();
        let mut d = decision(Outcome::Actions, vec![kind("witness")]);
        d.reasons_for_customer = " ".into();
        assert_eq!(
            fields(&check(&d, &policy, &staff(), today(), &none())),
            vec![DecisionField::CustomerReasons]
        );
        let mut d = decision(Outcome::NoFurtherAction, vec![]);
        d.reasons_for_customer = String::new();
        assert!(check(&d, &policy, &staff(), today(), &none()).is_empty());
    }

    #[test]
    fn a_decision_with_two_actions_and_their_parameters_passes() {
        let policy = Policy::built_in();
        let d = decision(
            Outcome::Actions,
            vec![
                NewRestriction {
                    minutes: Some(10),
                    scope: "calls".into(),
                    ..kind("time_limit")
                },
                NewRestriction {
                    staff_id: Some(uuid::Uuid::from_u128(1)),
                    ..kind("named_staff")
                },
                kind("banned_from_premises"),
            ],
        );
        assert_eq!(check(&d, &policy, &staff(), today(), &none()), vec![]);
    }

    #[test]
    fn reasons_are_required() {
        let policy = Policy::built_in();
        let mut d = decision(Outcome::NoFurtherAction, vec![]);
        d.reasons = "  \n ".into();
        assert_eq!(
            fields(&check(&d, &policy, &staff(), today(), &none())),
            vec![DecisionField::Reasons]
        );
    }

    #[test]
    fn a_review_date_in_the_past_is_refused() {
        let policy = Policy::built_in();
        let mut d = decision(Outcome::Actions, vec![kind("witness")]);
        d.review_date = Some(today() - chrono::Duration::days(1));
        let p = check(&d, &policy, &staff(), today(), &none());
        assert_eq!(fields(&p), vec![DecisionField::ReviewDate]);
        assert!(p[0].message.contains("24/11/2026"), "{}", p[0].message);
        d.review_date = None;
        assert_eq!(
            fields(&check(&d, &policy, &staff(), today(), &none())),
            vec![DecisionField::ReviewDate]
        );
    }

    #[test]
    fn time_limits_of_zero_or_ten_thousand_minutes_are_refused() {
        let policy = Policy::built_in();
        for (minutes, ok) in [
            (Some(0), false),
            (Some(10_000), false),
            (None, false),
            (Some(1), true),
            (Some(MAX_MINUTES), true),
        ] {
            let d = decision(
                Outcome::Actions,
                vec![NewRestriction {
                    minutes,
                    scope: "both".into(),
                    ..kind("time_limit")
                }],
            );
            let p = check(&d, &policy, &staff(), today(), &none());
            assert_eq!(p.is_empty(), ok, "{minutes:?}: {p:?}");
            if !ok {
                assert_eq!(fields(&p), vec![DecisionField::Param("time_limit".into())]);
            }
        }
    }

    #[test]
    fn a_named_member_of_staff_who_has_left_is_refused() {
        let policy = Policy::built_in();
        let d = decision(
            Outcome::Actions,
            vec![NewRestriction {
                staff_id: Some(uuid::Uuid::from_u128(2)),
                ..kind("named_staff")
            }],
        );
        let p = check(&d, &policy, &staff(), today(), &none());
        assert_eq!(p.len(), 1);
        assert!(
            p[0].message.contains("Lee Gone has left"),
            "{}",
            p[0].message
        );
    }

    #[test]
    fn contact_and_third_party_parameters_are_checked() {
        let policy = Policy::built_in();
        let d = decision(
            Outcome::Actions,
            vec![
                NewRestriction {
                    email: "not-an-address".into(),
                    phone: "12".into(),
                    ..kind("dedicated_contact")
                },
                kind("third_party"),
            ],
        );
        let p = check(&d, &policy, &staff(), today(), &none());
        assert_eq!(
            fields(&p),
            vec![
                DecisionField::Param("dedicated_contact".into()),
                DecisionField::Param("dedicated_contact".into()),
                DecisionField::Param("third_party".into()),
            ]
        );
    }

    #[test]
    fn outcomes_and_their_restrictions_must_agree() {
        let policy = Policy::built_in();
        let nfa = decision(Outcome::NoFurtherAction, vec![kind("witness")]);
        assert!(fields(&check(&nfa, &policy, &staff(), today(), &none()))
            .contains(&DecisionField::Restrictions));
        let no_actions = decision(Outcome::Actions, vec![kind("banned_from_premises")]);
        assert!(
            fields(&check(&no_actions, &policy, &staff(), today(), &none()))
                .contains(&DecisionField::Restrictions)
        );
        let mut withdrawal = decision(
            Outcome::WithdrawalOfServices,
            vec![kind("services_withdrawn"), kind("written_contact_only")],
        );
        withdrawal.tried_actions = vec!["witness".into()];
        assert_eq!(
            check(&withdrawal, &policy, &staff(), today(), &none()),
            vec![]
        );
        let twice = decision(Outcome::Actions, vec![kind("witness"), kind("witness")]);
        assert_eq!(
            fields(&check(&twice, &policy, &staff(), today(), &none())),
            vec![DecisionField::Restrictions]
        );
    }

    #[test]
    fn an_immediate_restriction_needs_the_police_answer_and_a_risk_assessment() {
        let policy = Policy::built_in();
        let mut d = decision(
            Outcome::ImmediateRestriction,
            vec![kind("banned_from_premises")],
        );
        assert_eq!(
            fields(&check(&d, &policy, &staff(), today(), &none())),
            vec![DecisionField::Police, DecisionField::RiskAssessment]
        );
        d.police_told = Some(true);
        d.risk_assessment = "Threatened staff with a knife; police attended (ref 4471).".into();
        assert_eq!(
            fields(&check(&d, &policy, &staff(), today(), &none())),
            vec![DecisionField::Authority]
        );
        d.authority_told = "the police".into();
        assert_eq!(check(&d, &policy, &staff(), today(), &none()), vec![]);
    }

    #[test]
    fn a_meeting_in_the_future_is_refused() {
        let policy = Policy::built_in();
        let mut d = decision(Outcome::NoFurtherAction, vec![]);
        d.meeting_date = today() + chrono::Duration::days(1);
        assert_eq!(
            fields(&check(&d, &policy, &staff(), today(), &none())),
            vec![DecisionField::MeetingDate]
        );
    }

    fn messages(p: &[DecisionProblem], f: DecisionField) -> String {
        p.iter()
            .filter(|p| p.field == f)
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>()
            .join(" | ")
    }

    #[test]
    fn a_withdrawal_records_the_actions_tried_or_why_none_was_suitable() {
        let policy = Policy::built_in();
        let mut d = decision(
            Outcome::WithdrawalOfServices,
            vec![kind("services_withdrawn")],
        );
        let p = check(&d, &policy, &staff(), today(), &none());
        assert_eq!(fields(&p), vec![DecisionField::NoneSuitable]);
        assert!(
            p[0].message.contains(
                "only when the long-term actions are not appropriate or have been exhausted"
            ),
            "{}",
            p[0].message
        );
        d.none_suitable =
            "Every action was considered; the threats make any contact unsafe.".into();
        assert_eq!(check(&d, &policy, &staff(), today(), &none()), vec![]);
        // Actions tried and "none suitable" at once contradict each other.
        d.tried_actions = vec!["time_limit".into()];
        let p = check(&d, &policy, &staff(), today(), &none());
        assert!(messages(&p, DecisionField::NoneSuitable).contains("clear why none was suitable"));
        d.none_suitable.clear();
        assert_eq!(check(&d, &policy, &staff(), today(), &none()), vec![]);
        // Only the policy's actions, each once.
        d.tried_actions = vec![
            "banned_from_premises".into(),
            "time_limit".into(),
            "time_limit".into(),
        ];
        let m = messages(
            &check(&d, &policy, &staff(), today(), &none()),
            DecisionField::TriedActions,
        );
        assert!(
            m.contains("\"banned_from_premises\" is not one of the policy's long-term actions"),
            "{m}"
        );
        assert!(m.contains("listed twice"), "{m}");
    }

    #[test]
    fn a_decision_after_an_alarming_incident_records_who_was_told_and_the_risk() {
        let policy = Policy::built_in();
        let alarm = DecisionContext {
            alarm: vec!["20/11/2026".into()],
        };
        let mut d = decision(Outcome::Actions, vec![kind("witness")]);
        // Without an alarming incident nothing is asked.
        assert_eq!(check(&d, &policy, &staff(), today(), &none()), vec![]);
        let p = check(&d, &policy, &staff(), today(), &alarm);
        assert_eq!(
            fields(&p),
            vec![DecisionField::Police, DecisionField::RiskAssessment]
        );
        assert!(
            p[0].message.starts_with("The incident of 20/11/2026 caused significant alarm or possible crime: say whether the police or another authority were told"),
            "{}",
            p[0].message
        );
        d.police_told = Some(true);
        d.risk_assessment = "Threats to follow staff home; reported.".into();
        let p = check(&d, &policy, &staff(), today(), &alarm);
        assert_eq!(fields(&p), vec![DecisionField::Authority]);
        assert!(p[0].message.contains("Say which authority was told"));
        d.authority_told = "the police (ref 4471)".into();
        assert_eq!(check(&d, &policy, &staff(), today(), &alarm), vec![]);
        d.police_told = Some(false);
        d.authority_told.clear();
        assert_eq!(check(&d, &policy, &staff(), today(), &alarm), vec![]);
    }

    #[test]
    fn alarming_incidents_are_policy_data() {
        let policy = Policy::built_in();
        let mut i = crate::domain::Incident {
            id: new_id(),
            customer_id: new_id(),
            occurred_at: chrono::Utc::now(),
            logged_at: chrono::Utc::now(),
            logged_by: new_id(),
            logged_by_name: "Amira Hassan".into(),
            channel: "face_to_face".into(),
            category: "abusive".into(),
            behaviours: vec!["shouting".into()],
            behaviour_other: String::new(),
            response: "asked_to_leave".into(),
            reference: String::new(),
            description: String::new(),
            immediate_threat: false,
            witnesses: String::new(),
            distress: None,
            workload: String::new(),
            workload_note: String::new(),
            harm: Default::default(),
            withdrawn: None,
            version: 1,
        };
        assert!(!policy.is_alarming(&i));
        i.behaviours.push("threats".into());
        assert!(policy.is_alarming(&i), "a behaviour listed in [alarm]");
        i.behaviours = vec!["shouting".into()];
        i.response = "police_called".into();
        assert!(policy.is_alarming(&i), "a response listed in [alarm]");
        i.response = "warned".into();
        i.immediate_threat = true;
        assert!(policy.is_alarming(&i), "the threat flag");
        i.withdrawn = Some(crate::domain::Withdrawal {
            at: chrono::Utc::now(),
            by: "x".into(),
            reason: "wrong customer".into(),
        });
        assert!(
            !policy.is_alarming(&i),
            "a withdrawn incident does not count"
        );
        let mut other = policy.clone();
        other.alarm.immediate_threat = false;
        other.alarm.responses.clear();
        other.alarm.behaviours = vec!["shouting".into()];
        i.withdrawn = None;
        assert!(other.is_alarming(&i));
    }

    #[test]
    fn blocked_or_redirected_says_which_and_where() {
        let policy = Policy::built_in();
        let check_one = |r: NewRestriction| check_restriction(&r, &policy, &staff(), today());
        let p = check_one(kind("phone_blocked"));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].field, DecisionField::Param("phone_blocked".into()));
        assert!(
            p[0].message
                .contains("number is blocked (b) or redirected (r)"),
            "{}",
            p[0].message
        );
        let p = check_one(NewRestriction {
            divert: "redirected".into(),
            ..kind("email_blocked")
        });
        assert!(
            p[0].message
                .contains("Say where the email address is redirected to"),
            "{}",
            p[0].message
        );
        assert!(check_one(NewRestriction {
            divert: "redirected".into(),
            redirect_to: "complaints@example.org".into(),
            ..kind("email_blocked")
        })
        .is_empty());
        assert!(check_one(NewRestriction {
            divert: "blocked".into(),
            ..kind("phone_blocked")
        })
        .is_empty());
    }

    #[test]
    fn time_limits_and_recording_say_calls_visits_or_both() {
        let policy = Policy::built_in();
        for k in ["time_limit", "recorded"] {
            let mut r = NewRestriction {
                minutes: Some(10),
                ..kind(k)
            };
            let p = check_restriction(&r, &policy, &staff(), today());
            assert_eq!(p.len(), 1, "{k}: {p:?}");
            assert_eq!(
                p[0].message,
                "Say what it applies to: calls only (c), visits only (v), calls and visits (b)."
            );
            for s in ["calls", "visits", "both"] {
                r.scope = s.into();
                assert!(
                    check_restriction(&r, &policy, &staff(), today()).is_empty(),
                    "{k} {s}"
                );
            }
            r.scope = "letters".into();
            assert_eq!(check_restriction(&r, &policy, &staff(), today()).len(), 1);
        }
    }

    #[test]
    fn a_review_date_later_than_the_policys_period_is_refused_unless_the_policy_allows_it() {
        let mut policy = Policy::built_in();
        let mut d = decision(Outcome::Actions, vec![kind("witness")]);
        d.review_date = Some(today() + chrono::Duration::weeks(6));
        assert_eq!(check(&d, &policy, &staff(), today(), &none()), vec![]);
        d.review_date = Some(today() + chrono::Duration::weeks(6) + chrono::Duration::days(1));
        let p = check(&d, &policy, &staff(), today(), &none());
        assert_eq!(fields(&p), vec![DecisionField::ReviewDate]);
        assert_eq!(
            p[0].message,
            "The review date 07/01/2027 is later than the policy allows: decisions are reviewed after 6 weeks, so the latest is 06/01/2027. Give that date or an earlier one."
        );
        // A review's next date too.
        let mut r = review(ReviewOutcome::Continue);
        r.next_review = d.review_date;
        assert!(messages(
            &check_review(&r, &policy, &staff(), today()),
            DecisionField::ReviewDate
        )
        .contains("the latest is 06/01/2027"));
        policy.policy.review_later_allowed = true;
        assert_eq!(check(&d, &policy, &staff(), today(), &none()), vec![]);
        assert_eq!(check_review(&r, &policy, &staff(), today()), vec![]);
    }

    fn review(outcome: ReviewOutcome) -> NewReview {
        NewReview {
            id: new_id(),
            customer_id: new_id(),
            case_id: None,
            reviewed: vec![(new_id(), 1)],
            still_wants: Some(true),
            outcome,
            replacements: vec![],
            next_review: None,
            notes: "No incidents since the restriction began.".into(),
            reasons_for_customer: String::new(),
            adjustments: if outcome == ReviewOutcome::Lift {
                vec![]
            } else {
                vec!["named_contact".into()]
            },
            adjustments_other: String::new(),
            adjustments_why: if outcome == ReviewOutcome::Lift {
                String::new()
            } else {
                "A named contact has helped; the limit is still needed.".into()
            },
        }
    }

    #[test]
    fn a_review_that_keeps_restrictions_needs_the_adjustments_considered_again() {
        let policy = Policy::built_in();
        for outcome in [ReviewOutcome::Continue, ReviewOutcome::Change] {
            let mut r = review(outcome);
            r.next_review = Some(today() + chrono::Duration::weeks(6));
            r.replacements = vec![kind("written_only")];
            if outcome == ReviewOutcome::Continue {
                r.replacements.clear();
            }
            assert_eq!(check_review(&r, &policy, &staff(), today()), vec![]);
            r.adjustments.clear();
            r.adjustments_why.clear();
            let p = check_review(&r, &policy, &staff(), today());
            assert_eq!(
                fields(&p),
                vec![DecisionField::Adjustments, DecisionField::AdjustmentsWhy],
                "{outcome:?}"
            );
            assert!(p[0].message.contains("Equality Act"), "{}", p[0].message);
        }
        // Lifting restricts nothing, so it asks for none, and refuses any given.
        let mut lift = review(ReviewOutcome::Lift);
        assert_eq!(check_review(&lift, &policy, &staff(), today()), vec![]);
        lift.adjustments = vec!["advocate".into()];
        assert_eq!(
            fields(&check_review(&lift, &policy, &staff(), today())),
            vec![DecisionField::Adjustments]
        );
    }

    #[test]
    fn reviews_lift_continue_or_change() {
        let policy = Policy::built_in();
        assert_eq!(
            check_review(&review(ReviewOutcome::Lift), &policy, &staff(), today()),
            vec![]
        );
        let mut cont = review(ReviewOutcome::Continue);
        assert_eq!(
            fields(&check_review(&cont, &policy, &staff(), today())),
            vec![DecisionField::ReviewDate]
        );
        cont.still_wants = Some(false);
        assert_eq!(check_review(&cont, &policy, &staff(), today()), vec![]);
        cont.next_review = Some(today() + chrono::Duration::weeks(6));
        assert_eq!(check_review(&cont, &policy, &staff(), today()), vec![]);
        let mut change = review(ReviewOutcome::Change);
        change.next_review = Some(today() + chrono::Duration::weeks(6));
        assert_eq!(
            fields(&check_review(&change, &policy, &staff(), today())),
            vec![DecisionField::Restrictions]
        );
        change.replacements = vec![kind("written_only")];
        assert_eq!(check_review(&change, &policy, &staff(), today()), vec![]);
        let mut silent = review(ReviewOutcome::Lift);
        silent.notes.clear();
        assert_eq!(
            fields(&check_review(&silent, &policy, &staff(), today())),
            vec![DecisionField::Reasons]
        );
    }

    #[test]
    fn a_restriction_or_withdrawal_needs_the_adjustments_considered_and_why() {
        let policy = Policy::built_in();
        let mut d = decision(Outcome::Actions, vec![kind("witness")]);
        d.adjustments.clear();
        d.adjustments_why.clear();
        let p = check(&d, &policy, &staff(), today(), &none());
        assert_eq!(
            fields(&p),
            vec![DecisionField::Adjustments, DecisionField::AdjustmentsWhy]
        );
        assert!(
            p[0].message.contains("reasonable adjustments considered"),
            "{}",
            p[0].message
        );
        // Others typed are enough, with why.
        d.adjustments_other = "Meeting at a quieter branch".into();
        d.adjustments_why = "Offered; he declined.".into();
        assert_eq!(check(&d, &policy, &staff(), today(), &none()), vec![]);
        // An adjustment the policy does not list is refused.
        d.adjustments = vec!["crystal_ball".into()];
        assert_eq!(
            fields(&check(&d, &policy, &staff(), today(), &none())),
            vec![DecisionField::Adjustments]
        );
        // No further action needs none.
        let mut nfa = decision(Outcome::NoFurtherAction, vec![]);
        nfa.adjustments.clear();
        nfa.adjustments_why.clear();
        assert_eq!(check(&nfa, &policy, &staff(), today(), &none()), vec![]);
    }

    #[test]
    fn windows_agreements_and_advocates_are_checked_where_typed() {
        let policy = Policy::built_in();
        let check_one = |r: NewRestriction| {
            check_restriction(&r, &policy, &staff(), today())
                .into_iter()
                .map(|p| p.message)
                .collect::<Vec<_>>()
        };
        let window = |w: &str| NewRestriction {
            kind: "contact_window".into(),
            scope: "calls".into(),
            windows: w.into(),
            ..Default::default()
        };
        assert!(check_one(window("Tue 10:00-12:00")).is_empty());
        assert!(check_one(window("Tue 12:00-10:00"))[0].contains("ends before it starts"));
        assert!(check_one(window("Tue 10-12, Tue 11-13"))[0].contains("overlaps"));
        let agreement = |date: Option<NaiveDate>, terms: &str| NewRestriction {
            kind: "behaviour_agreement".into(),
            date,
            text: terms.into(),
            ..Default::default()
        };
        assert!(check_one(agreement(Some(today()), "No shouting at reception.")).is_empty());
        let future = check_one(agreement(Some(today() + chrono::Duration::days(1)), "x"));
        assert!(future[0].starts_with("Date signed:"), "{future:?}");
        assert!(future[0].contains("in the future"), "{future:?}");
        assert!(check_one(agreement(None, ""))
            .iter()
            .any(|m| m.starts_with("Its terms")));
        let advocate = |name: &str, contact: &str| NewRestriction {
            kind: "advocate".into(),
            person: name.into(),
            person_contact: contact.into(),
            ..Default::default()
        };
        assert!(check_one(advocate("Jo Bloggs", "020 7946 0000")).is_empty());
        let none = check_one(advocate("Jo Bloggs", " "));
        assert!(
            none[0].contains("at least one way to contact them"),
            "{none:?}"
        );
        assert!(check_one(advocate("Jo", "jo@"))[0].contains("email address is not complete"));
    }
}
