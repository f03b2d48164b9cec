//! The facts a letter is written from: which letter a case needs, what the customer is told
//! about the incidents, the decision, its restrictions and review, and how they may contact us
//! now. Pure: read from a customer's history and the policy, never from the database.

use super::{LetterFacts, LetterKind, Organisation, Templates};
use crate::domain::{CaseReason, CaseSummary};
use crate::domain::{CustomerHistory, Decision, Id, Incident, LetterStatus, Outcome, Restriction};
use crate::policy::{rules, Policy};
use crate::time;
use std::path::PathBuf;

/// What letters are made with: the templates, the organisation's details and where they go.
#[derive(Debug)]
pub struct LetterKit {
    pub templates: Templates,
    pub organisation: Organisation,
    /// The folder letters are saved in.
    pub dir: PathBuf,
}

impl LetterKit {
    /// The built-in templates and organisation, saving into `dir`.
    pub fn built_in(dir: PathBuf) -> LetterKit {
        LetterKit {
            templates: Templates::built_in(),
            organisation: Organisation::built_in(),
            dir,
        }
    }
}

/// The letter a case most likely needs now: the one its decision (or its newest review, or
/// its incidents) owes. The reply to abusive correspondence only when the case is about
/// correspondence that was not processed.
pub fn suggested(case: &CaseSummary, h: &CustomerHistory) -> LetterKind {
    if case.waiting_for_confirmation {
        return LetterKind::ImmediateConfirmation;
    }
    let own = case
        .decision_id
        .and_then(|id| h.decisions.iter().find(|d| d.id == id))
        .filter(|d| d.outcome != Outcome::NoFurtherAction);
    // The case's own decision, while its letter is owed.
    if let Some(d) = own.filter(|d| d.letter == LetterStatus::Owed) {
        return kind_for(d);
    }
    let last_decision = h.decisions.last();
    let last_review = h.reviews.iter().map(|r| r.reviewed_at).max();
    if let (Some(r), d) = (last_review, last_decision) {
        if d.is_none_or(|d| r >= d.decided_at) {
            return LetterKind::ReviewOutcome;
        }
    }
    if let Some(d) = own {
        return kind_for(d);
    }
    if let Some(d) = last_decision.filter(|d| d.letter == LetterStatus::Owed) {
        return kind_for(d);
    }
    match case.reason {
        CaseReason::ImmediateThreat => LetterKind::ImmediateConfirmation,
        CaseReason::ReviewDue | CaseReason::CustomerRequest | CaseReason::DebriefRequested => {
            LetterKind::ReviewOutcome
        }
        // The letter its decision will owe once it is approved.
        CaseReason::Approval => own.map(kind_for).unwrap_or(LetterKind::RestrictionNotice),
        CaseReason::Breach | CaseReason::Threshold => {
            let behind: Vec<_> = h
                .incidents
                .iter()
                .filter(|i| case.incidents.contains(&i.id))
                .collect();
            if !behind.is_empty()
                && behind
                    .iter()
                    .all(|i| i.response == CORRESPONDENCE_NOT_PROCESSED)
            {
                LetterKind::AbusiveCorrespondence
            } else {
                LetterKind::RestrictionNotice
            }
        }
    }
}

/// The initial response to correspondence that is not processed (the customer is told).
/// The initial response to abusive correspondence (the policy's id).
pub const CORRESPONDENCE_NOT_PROCESSED: &str = "correspondence_not_processed";

/// The letter a decision owes.
fn kind_for(d: &Decision) -> LetterKind {
    match d.outcome {
        Outcome::ImmediateRestriction => LetterKind::ImmediateConfirmation,
        Outcome::WithdrawalOfServices => LetterKind::Withdrawal,
        _ => LetterKind::RestrictionNotice,
    }
}

/// The incidents behind a decision: those of the case(s) it answered, or, for a decision with
/// none recorded (an older one, an import), those counted after the decision before it up to
/// this one. Never an incident after the decision.
pub fn incidents_behind<'a>(d: &Decision, h: &'a CustomerHistory) -> Vec<&'a Incident> {
    let linked: Vec<&Incident> = h
        .incidents
        .iter()
        .filter(|i| i.counts() && d.incidents.contains(&i.id))
        .collect();
    if !linked.is_empty() {
        return linked;
    }
    let previous = h
        .decisions
        .iter()
        .filter(|o| o.id != d.id && o.decided_at < d.decided_at)
        .map(|o| o.decided_at)
        .max();
    let mut out: Vec<&Incident> = h
        .incidents
        .iter()
        .filter(|i| {
            i.counts()
                && i.occurred_at <= d.decided_at
                && previous.is_none_or(|p| i.occurred_at > p)
        })
        .collect();
    out.sort_by_key(|i| i.occurred_at);
    out
}

/// A policy label as it reads inside a sentence: "Telephone" is "telephone", but a name with
/// capitals of its own ("WhatsApp") is left as it is.
fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) if !chars.clone().any(char::is_uppercase) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => label.to_string(),
    }
}

/// One incident as the customer reads it: "12/11/2026, telephone: shouting".
pub fn incident_line(i: &Incident, policy: &Policy) -> String {
    let seen: Vec<String> = i
        .behaviours
        .iter()
        .map(|b| in_sentence(policy.label_of(b)))
        .collect();
    format!(
        "{}, {}: {}",
        time::date(time::london_date(i.occurred_at)),
        in_sentence(policy.label_of(&i.channel)),
        if seen.is_empty() {
            in_sentence(policy.label_of(&i.category))
        } else {
            seen.join("; ")
        }
    )
}

/// What a letter tells the customer about some restrictions: each kind's customer wording
/// (`letter` in the policy, never the staff banner) with its details filled in, one line each.
/// Two choices that mean the same (the same sentence) print once.
pub fn letter_restrictions(list: &[&Restriction], policy: &Policy) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in list {
        let mut s = match policy.restriction_kind(&r.kind) {
            Some(k) => rules::fill_placeholders(
                k.letter_for(&r.params.divert),
                r,
                policy,
                rules::Words::Customer,
            ),
            // A kind the policy no longer has: its id in words, never blank.
            None => crate::letters::kind_in_words(&r.kind),
        };
        if let Some(end) = r.ends_at {
            s.push_str(&format!(" (until {})", time::date(time::london_date(end))));
        }
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// How a review still works, for each restriction whose policy entry says (a permanent ban),
/// once each; one that names the review date is left out when no review is set.
fn review_notes(list: &[&Restriction], policy: &Policy) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in list {
        let Some(note) = policy
            .restriction_kind(&r.kind)
            .map(|k| k.review_note())
            .filter(|n| !n.trim().is_empty())
        else {
            continue;
        };
        if note.contains("{review}") && r.review_due.is_none() {
            continue;
        }
        let s = rules::fill_placeholders(note, r, policy, rules::Words::Customer);
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// What else a decision recorded, in the policy's words to the customer: the long-term actions
/// tried before services were withdrawn (each action's `tried`), or that none was suitable (never
/// the manager's reason why), and the authority told after an incident of significant alarm
/// (never the risk assessment).
pub fn decision_notes(d: &Decision, policy: &Policy) -> Vec<String> {
    let mut out = Vec::new();
    if d.outcome == Outcome::WithdrawalOfServices {
        let tried: Vec<String> = d
            .tried_actions
            .iter()
            .filter_map(|id| match policy.restriction_kind(id) {
                Some(crate::policy::RestrictionKind::Action(a)) => {
                    Some(if a.tried.trim().is_empty() {
                        in_sentence(&a.label)
                    } else {
                        a.tried.trim().to_string()
                    })
                }
                _ => None,
            })
            .collect();
        if !tried.is_empty() {
            out.push(
                policy
                    .withdrawal
                    .tried_letter
                    .replace("{tried}", &in_words(&tried)),
            );
        } else if !d.none_suitable.trim().is_empty() {
            out.push(policy.withdrawal.none_suitable_letter.clone());
        }
    }
    if d.outcome != Outcome::NoFurtherAction {
        out.extend(adjustments_notes(&d.adjustments, policy));
    }
    if d.police_told == Some(true) && !d.authority_told.trim().is_empty() {
        out.push(
            policy
                .alarm
                .letter_told
                .replace("{authority}", d.authority_told.trim()),
        );
    }
    out
}

/// What a letter that restricts says of the reasonable adjustments considered, in the policy's
/// words: those of the policy's that were ticked (never the manager's reasons or others typed),
/// and that the customer may ask for what would help.
pub fn adjustments_notes(ids: &[String], policy: &Policy) -> Vec<String> {
    let named: Vec<String> = ids
        .iter()
        .filter_map(|id| policy.adjustments.iter().find(|a| &a.id == id))
        .map(|a| {
            if a.letter.trim().is_empty() {
                in_sentence(&a.label)
            } else {
                a.letter.trim().to_string()
            }
        })
        .collect();
    let words = &policy.adjustment_letters;
    let mut out = Vec::new();
    if !named.is_empty() {
        out.push(words.considered.replace("{considered}", &in_words(&named)));
    }
    if !words.invitation.trim().is_empty() {
        out.push(words.invitation.trim().to_string());
    }
    out
}

/// A list in words: "a", "a and b", "a, b and c".
fn in_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The policy's review period in words: "6 weeks".
fn review_period(policy: &Policy) -> String {
    match policy.policy.review_period_weeks {
        1 => "1 week".to_string(),
        n => format!("{n} weeks"),
    }
}

/// How the customer may contact the organisation now, from the restrictions in force: the
/// end of the templates' sentence "Please contact us ...". Each restriction kind's wording is
/// policy data (`letter_contact`); the lowest rank in force wins.
pub fn contact_now(
    h: &CustomerHistory,
    policy: &Policy,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let active = rules::active_restrictions(h, now);
    let chosen = active
        .iter()
        .filter_map(|r| {
            let contact = policy.restriction_kind(&r.kind)?.letter_contact()?;
            Some((contact.rank, contact, *r))
        })
        .min_by_key(|(rank, _, _)| *rank);
    if let Some((_, contact, r)) = chosen {
        return rules::fill_placeholders(&contact.text, r, policy, rules::Words::Customer);
    }
    if active.is_empty() {
        return policy.letters.contact_usual.clone();
    }
    policy.letters.contact_within_limits.clone()
}

/// The facts a letter of `kind` is written from, or why it cannot be written yet. A letter is
/// about one decision (the case's own, else the newest of its kind still owed a letter, else
/// the newest of its kind) or one review, and shows only its facts: the incidents behind it,
/// the restrictions it made in the customer's wording, from when and until the review, and the
/// reasons written for the customer (never the internal notes).
/// What every letter to this customer starts from: who, where, today, who signs it, how to
/// contact us now, the review period.
fn base(
    h: &CustomerHistory,
    policy: &Policy,
    signed_by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> LetterFacts {
    LetterFacts {
        customer_name: h.customer.display_name(),
        customer_address: h.customer.postal_lines(),
        format: h.customer.letter_format(),
        date: time::london_date(now),
        signed_by: signed_by.to_string(),
        contact_now: contact_now(h, policy, now),
        review_period: review_period(policy),
        ..LetterFacts::default()
    }
}

/// The facts of the reply to one piece of abusive correspondence, from whoever logged it: the
/// front line tells the customer at once, with no case and no manager needed.
pub fn correspondence_reply(
    h: &CustomerHistory,
    incident: Id,
    policy: &Policy,
    signed_by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<LetterFacts, String> {
    let Some(i) = h
        .incidents
        .iter()
        .find(|i| i.id == incident && i.counts() && i.response == CORRESPONDENCE_NOT_PROCESSED)
    else {
        return Err(
            "That incident is not correspondence that was not processed, so there is no reply to write for it."
                .into(),
        );
    };
    Ok(LetterFacts {
        incidents: vec![incident_line(i, policy)],
        ..base(h, policy, signed_by, now)
    })
}

pub fn facts_for(
    kind: LetterKind,
    case: &CaseSummary,
    h: &CustomerHistory,
    policy: &Policy,
    signed_by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(LetterFacts, Option<Id>), String> {
    let mut f = base(h, policy, signed_by, now);
    let mut decision_id = None;
    match kind {
        LetterKind::AbusiveCorrespondence => {
            // The correspondence the case is about, else the newest not processed.
            let about: Vec<&Incident> = h
                .incidents
                .iter()
                .filter(|i| {
                    i.counts()
                        && i.response == CORRESPONDENCE_NOT_PROCESSED
                        && case.incidents.contains(&i.id)
                })
                .collect();
            let about = if about.is_empty() {
                h.incidents
                    .iter()
                    .rev()
                    .filter(|i| i.counts() && i.response == CORRESPONDENCE_NOT_PROCESSED)
                    .take(1)
                    .collect()
            } else {
                about
            };
            f.incidents = about.iter().map(|i| incident_line(i, policy)).collect();
        }
        LetterKind::RestrictionNotice
        | LetterKind::Withdrawal
        | LetterKind::ImmediateConfirmation => {
            let wanted =
                |d: &&Decision| kind_for(d) == kind && d.outcome != Outcome::NoFurtherAction;
            let own = case
                .decision_id
                .and_then(|id| h.decisions.iter().find(|d| d.id == id))
                .filter(wanted);
            let Some(d) = own
                .or_else(|| {
                    h.decisions
                        .iter()
                        .rev()
                        .filter(wanted)
                        .find(|d| d.letter == LetterStatus::Owed)
                })
                .or_else(|| h.decisions.iter().rev().find(wanted))
            else {
                return Err(format!(
                    "There is no decision for a letter of this kind ({}) yet: record the decision first (d).",
                    kind.label().to_lowercase()
                ));
            };
            decision_id = Some(d.id);
            f.incidents = incidents_behind(d, h)
                .into_iter()
                .map(|i| incident_line(i, policy))
                .collect();
            let theirs: Vec<&Restriction> = h
                .restrictions
                .iter()
                .filter(|r| r.decision_id == Some(d.id))
                .collect();
            // A withdrawal letter says the withdrawal itself in its own words.
            let listed: Vec<&Restriction> = theirs
                .iter()
                .copied()
                .filter(|r| kind != LetterKind::Withdrawal || r.kind != policy.withdrawal.id)
                .collect();
            f.restrictions = letter_restrictions(&listed, policy);
            f.review_notes = review_notes(&theirs, policy);
            f.reasons = d.reasons_for_customer.clone();
            if f.reasons.trim().is_empty() {
                f.warnings.push(NO_CUSTOMER_REASONS.to_string());
            }
            f.decision_notes = decision_notes(d, policy);
            f.starts = theirs
                .iter()
                .map(|r| time::london_date(r.starts_at))
                .min()
                .or(Some(time::london_date(d.decided_at)));
            f.review_date = theirs.iter().filter_map(|r| r.review_due).min();
        }
        LetterKind::ReviewOutcome => {
            let Some(last) = h.reviews.iter().max_by_key(|r| r.reviewed_at) else {
                return Err("No review has been recorded yet: review first (r).".into());
            };
            return Ok((review_letter(h, last.batch, policy, signed_by, now)?, None));
        }
    }
    Ok((f, decision_id))
}

/// The facts of the letter one review owes (`batch`, the review's id): its outcome, the
/// reasons written for the customer and what applies now.
pub fn review_letter(
    h: &CustomerHistory,
    batch: Id,
    policy: &Policy,
    signed_by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<LetterFacts, String> {
    let mut f = base(h, policy, signed_by, now);
    let rows: Vec<_> = h.reviews.iter().filter(|r| r.batch == batch).collect();
    let Some(first) = rows.first().copied() else {
        return Err("That review is not in this customer's record any more.".into());
    };
    let last = first.reviewed_at;
    f.about_review = Some(batch);
    f.review_outcome = first.outcome.as_str().to_string();
    f.reasons = first.reasons_for_customer.clone();
    if f.reasons.trim().is_empty() {
        f.warnings.push(NO_CUSTOMER_REASONS.to_string());
    }
    f.next_review = first.next_review;
    f.review_date = first.next_review;
    f.starts = Some(time::london_date(last));
    let active = rules::active_restrictions(h, now);
    f.restrictions = letter_restrictions(&active, policy);
    f.review_notes = review_notes(&active, policy);
    if first.outcome != crate::domain::ReviewOutcome::Lift {
        f.decision_notes = adjustments_notes(&first.adjustments, policy);
    }
    Ok(f)
}

/// The preview's warning when the letter has no reasons written for the customer.
pub const NO_CUSTOMER_REASONS: &str = "No reasons for the customer were recorded with this decision (the internal notes are never printed): the letter says only that it is because of their behaviour towards staff.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Customer, Restriction, RestrictionParams};
    use chrono::{Duration, TimeZone, Utc};

    fn now() -> chrono::DateTime<chrono::Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
    }

    fn with(kinds: &[(&str, RestrictionParams)]) -> CustomerHistory {
        let mut h = CustomerHistory::new(Customer {
            name: Some("Deborah Johnson".into()),
            ..Customer::default()
        });
        for (kind, params) in kinds {
            h.restrictions.push(Restriction {
                id: crate::domain::new_id(),
                customer_id: h.customer.id,
                decision_id: None,
                kind: kind.to_string(),
                params: params.clone(),
                starts_at: now() - Duration::days(3),
                review_due: None,
                ends_at: None,
                ended_reason: String::new(),
                version: 1,
            });
        }
        h
    }

    #[test]
    fn overlapping_choices_print_once_in_the_customers_words() {
        let p = Policy::built_in();
        let named = RestrictionParams {
            staff_name: "Sam Patel".into(),
            ..RestrictionParams::default()
        };
        let h = with(&[
            ("written_only", RestrictionParams::default()),
            ("named_staff", named),
            ("written_contact_only", RestrictionParams::default()),
            ("permanent_ban", RestrictionParams::default()),
            ("banned_from_premises", RestrictionParams::default()),
        ]);
        let list: Vec<&Restriction> = h.restrictions.iter().collect();
        assert_eq!(
            letter_restrictions(&list, &p),
            vec![
                "From now on please write to us only, by letter or email; we will not take your calls or see you in person",
                "Sam Patel will deal with all your calls and letters",
                "You must never come into our premises again",
                "You must not come into our premises",
            ]
        );
        // A permanent ban's review note names the review date, so with none set it is left out.
        assert!(review_notes(&list, &p).is_empty());
        let mut dated = list[3].clone();
        dated.review_due = chrono::NaiveDate::from_ymd_opt(2027, 1, 5);
        assert_eq!(
            review_notes(&[&dated], &p),
            vec!["This ban is permanent, but we still review decisions if you still want to use our services: tell us, in writing, and we will review it on 05/01/2027."]
        );
    }

    #[test]
    fn labels_read_inside_a_sentence_keep_their_own_capitals() {
        assert_eq!(in_sentence("Telephone"), "telephone");
        assert_eq!(in_sentence("Face to face"), "face to face");
        assert_eq!(in_sentence("WhatsApp"), "WhatsApp");
        assert_eq!(in_sentence(""), "");
    }

    #[test]
    fn the_restriction_that_says_most_about_contact_wins_and_its_details_are_filled_in() {
        let p = Policy::built_in();
        let third = RestrictionParams {
            third_party: "Barnet Advocacy".into(),
            ..RestrictionParams::default()
        };
        let named = RestrictionParams {
            staff_name: "Sam Patel".into(),
            ..RestrictionParams::default()
        };
        let dedicated = RestrictionParams {
            email: "casework@example.org".into(),
            phone: "020 7946 0500".into(),
            ..RestrictionParams::default()
        };
        let none = RestrictionParams::default;
        let cases: [(&[(&str, RestrictionParams)], &str); 7] = [
            (&[], "in the usual ways"),
            (&[("witness", none())], "in the usual ways, within the limits above"),
            (
                &[("named_staff", named.clone())],
                "through Sam Patel, who deals with all your calls and letters",
            ),
            (
                &[("named_staff", named.clone()), ("dedicated_contact", dedicated)],
                "only by casework@example.org or 020 7946 0500",
            ),
            (
                &[("written_contact_only", none()), ("third_party", third.clone())],
                "only through Barnet Advocacy",
            ),
            (
                &[("written_only", none()), ("named_staff", named)],
                "only in writing, by letter to the address above or by email",
            ),
            (
                &[("third_party", third), ("all_direct_contact_ended", none())],
                "only in writing, to the address above: we will read, acknowledge and file your letters",
            ),
        ];
        for (kinds, want) in cases {
            assert_eq!(contact_now(&with(kinds), &p, now()), want, "{kinds:?}");
        }
    }

    #[test]
    fn a_new_restriction_kind_brings_its_own_letter_wording() {
        let text = crate::policy::BUILT_IN.replace(
            "[[access_restrictions]]\nid = \"banned_from_premises\"",
            "[[access_restrictions]]\nid = \"post_only\"\nlabel = \"Post only\"\nbanner = \"Post only\"\nletter_contact = { rank = 0, text = \"only by post\" }\n\n[[access_restrictions]]\nid = \"banned_from_premises\"",
        );
        let p = Policy::parse(&text, "test.toml").expect("the policy loads");
        let h = with(&[
            ("third_party", RestrictionParams::default()),
            ("post_only", RestrictionParams::default()),
        ]);
        assert_eq!(contact_now(&h, &p, now()), "only by post");
    }
}
