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
    RiskAssessment,
    StillWants,
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
    let params: &[String] = match kind {
        RestrictionKind::Action(a) => &a.params,
        _ => &[],
    };
    let needs = |p: &str| params.iter().any(|x| x == p);
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
    out
}

/// Checks shared by decisions and reviews: the restrictions chosen, each once.
fn check_restrictions(
    list: &[NewRestriction],
    policy: &Policy,
    staff: &[Staff],
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
        out.extend(check_restriction(r, policy, staff));
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
    today: NaiveDate,
    required: bool,
    out: &mut Vec<DecisionProblem>,
) {
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
            if d.police_told.is_none() {
                out.push(problem(
                    DecisionField::Police,
                    "Say whether the police were told (y or n).",
                ));
            }
            if d.risk_assessment.trim().is_empty() {
                out.push(problem(
                    DecisionField::RiskAssessment,
                    "Record the assessment of risk behind telling, or not telling, the police.",
                ));
            } else if let Some(m) = too_long("The risk assessment", &d.risk_assessment, MAX_TEXT) {
                out.push(problem(DecisionField::RiskAssessment, m));
            }
        }
    }
    check_restrictions(&d.restrictions, policy, staff, &mut out);
    check_review_date(d.review_date, today, !d.restrictions.is_empty(), &mut out);
    if d.restrictions.is_empty() && d.review_date.is_some() {
        out.push(problem(
            DecisionField::ReviewDate,
            "Nothing is restricted, so there is nothing to review: clear the review date.",
        ));
    }
    out
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
    match r.outcome {
        ReviewOutcome::Lift => {
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
            check_review_date(r.next_review, today, required, &mut out);
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
            check_restrictions(&r.replacements, policy, staff, &mut out);
            check_review_date(r.next_review, today, r.still_wants != Some(false), &mut out);
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
            risk_assessment: String::new(),
        }
    }

    fn kind(k: &str) -> NewRestriction {
        NewRestriction {
            kind: k.into(),
            ..Default::default()
        }
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
            ..kind("time_limit")
        };
        let refused = |list: Vec<NewRestriction>| -> Vec<String> {
            check(
                &decision(Outcome::Actions, list),
                &policy,
                &staff(),
                today(),
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
            fields(&check(&d, &policy, &staff(), today())),
            vec![DecisionField::CustomerReasons]
        );
        let mut d = decision(Outcome::NoFurtherAction, vec![]);
        d.reasons_for_customer = String::new();
        assert!(check(&d, &policy, &staff(), today()).is_empty());
    }

    #[test]
    fn a_decision_with_two_actions_and_their_parameters_passes() {
        let policy = Policy::built_in();
        let d = decision(
            Outcome::Actions,
            vec![
                NewRestriction {
                    minutes: Some(10),
                    ..kind("time_limit")
                },
                NewRestriction {
                    staff_id: Some(uuid::Uuid::from_u128(1)),
                    ..kind("named_staff")
                },
                kind("banned_from_premises"),
            ],
        );
        assert_eq!(check(&d, &policy, &staff(), today()), vec![]);
    }

    #[test]
    fn reasons_are_required() {
        let policy = Policy::built_in();
        let mut d = decision(Outcome::NoFurtherAction, vec![]);
        d.reasons = "  \n ".into();
        assert_eq!(
            fields(&check(&d, &policy, &staff(), today())),
            vec![DecisionField::Reasons]
        );
    }

    #[test]
    fn a_review_date_in_the_past_is_refused() {
        let policy = Policy::built_in();
        let mut d = decision(Outcome::Actions, vec![kind("witness")]);
        d.review_date = Some(today() - chrono::Duration::days(1));
        let p = check(&d, &policy, &staff(), today());
        assert_eq!(fields(&p), vec![DecisionField::ReviewDate]);
        assert!(p[0].message.contains("24/11/2026"), "{}", p[0].message);
        d.review_date = None;
        assert_eq!(
            fields(&check(&d, &policy, &staff(), today())),
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
                    ..kind("time_limit")
                }],
            );
            let p = check(&d, &policy, &staff(), today());
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
        let p = check(&d, &policy, &staff(), today());
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
        let p = check(&d, &policy, &staff(), today());
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
        assert!(
            fields(&check(&nfa, &policy, &staff(), today())).contains(&DecisionField::Restrictions)
        );
        let no_actions = decision(Outcome::Actions, vec![kind("banned_from_premises")]);
        assert!(fields(&check(&no_actions, &policy, &staff(), today()))
            .contains(&DecisionField::Restrictions));
        let withdrawal = decision(
            Outcome::WithdrawalOfServices,
            vec![kind("services_withdrawn"), kind("written_contact_only")],
        );
        assert_eq!(check(&withdrawal, &policy, &staff(), today()), vec![]);
        let twice = decision(Outcome::Actions, vec![kind("witness"), kind("witness")]);
        assert_eq!(
            fields(&check(&twice, &policy, &staff(), today())),
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
            fields(&check(&d, &policy, &staff(), today())),
            vec![DecisionField::Police, DecisionField::RiskAssessment]
        );
        d.police_told = Some(true);
        d.risk_assessment = "Threatened staff with a knife; police attended (ref 4471).".into();
        assert_eq!(check(&d, &policy, &staff(), today()), vec![]);
    }

    #[test]
    fn a_meeting_in_the_future_is_refused() {
        let policy = Policy::built_in();
        let mut d = decision(Outcome::NoFurtherAction, vec![]);
        d.meeting_date = today() + chrono::Duration::days(1);
        assert_eq!(
            fields(&check(&d, &policy, &staff(), today())),
            vec![DecisionField::MeetingDate]
        );
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
        }
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
}
