//! The facts a letter is written from: which letter a case needs, what the customer is told
//! about the incidents, the decision, its restrictions and review, and how they may contact us
//! now. Pure: read from a customer's history and the policy, never from the database.

use super::{LetterFacts, LetterKind, Organisation, Templates};
use crate::domain::CaseSummary;
use crate::domain::{CustomerHistory, Decision, Id, LetterStatus, Outcome};
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

/// The letter a case most likely needs now.
pub fn suggested(case: &CaseSummary, h: &CustomerHistory) -> LetterKind {
    if case.waiting_for_confirmation {
        return LetterKind::ImmediateConfirmation;
    }
    let last_decision = h.decisions.last();
    let last_review = h.reviews.iter().map(|r| r.reviewed_at).max();
    if let (Some(r), d) = (last_review, last_decision) {
        if d.is_none_or(|d| r > d.decided_at) {
            return LetterKind::ReviewOutcome;
        }
    }
    match last_decision {
        Some(d) if d.letter == LetterStatus::Owed => kind_for(d),
        _ => LetterKind::AbusiveCorrespondence,
    }
}

/// The letter a decision owes.
fn kind_for(d: &Decision) -> LetterKind {
    match d.outcome {
        Outcome::ImmediateRestriction => LetterKind::ImmediateConfirmation,
        Outcome::WithdrawalOfServices => LetterKind::Withdrawal,
        _ => LetterKind::RestrictionNotice,
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
        return rules::fill_placeholders(&contact.text, r);
    }
    if active.is_empty() {
        return policy.letters.contact_usual.clone();
    }
    policy.letters.contact_within_limits.clone()
}

/// The facts a letter of `kind` is written from, or why it cannot be written yet.
pub fn facts_for(
    kind: LetterKind,
    case: &CaseSummary,
    h: &CustomerHistory,
    policy: &Policy,
    signed_by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(LetterFacts, Option<Id>), String> {
    let today = time::london_date(now);
    let mut f = LetterFacts {
        customer_name: h.customer.display_name(),
        customer_address: [h.customer.postcode.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        date: today,
        signed_by: signed_by.to_string(),
        contact_now: contact_now(h, policy, now),
        ..LetterFacts::default()
    };
    let incidents: Vec<&crate::domain::Incident> = {
        let behind: Vec<_> = h
            .incidents
            .iter()
            .filter(|i| i.counts() && case.incidents.contains(&i.id))
            .collect();
        if behind.is_empty() {
            rules::incidents_since_last_decision(h)
        } else {
            behind
        }
    };
    f.incidents = incidents
        .iter()
        .map(|i| {
            let seen: Vec<&str> = i.behaviours.iter().map(|b| policy.label_of(b)).collect();
            format!(
                "{}, {}: {}",
                time::date(time::london_date(i.occurred_at)),
                policy.label_of(&i.channel).to_lowercase(),
                if seen.is_empty() {
                    policy.label_of(&i.category).to_lowercase()
                } else {
                    seen.join("; ").to_lowercase()
                }
            )
        })
        .collect();
    let mut decision_id = None;
    match kind {
        LetterKind::AbusiveCorrespondence => {}
        LetterKind::RestrictionNotice
        | LetterKind::Withdrawal
        | LetterKind::ImmediateConfirmation => {
            // The decision the letter is about: the one a waiting case waits for, else the
            // newest of the matching kind, one still owed a letter first.
            let wanted =
                |d: &&Decision| kind_for(d) == kind && d.outcome != Outcome::NoFurtherAction;
            let waiting = case
                .decision_id
                .filter(|_| case.waiting_for_confirmation)
                .and_then(|id| h.decisions.iter().find(|d| d.id == id));
            let Some(d) = waiting
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
            let theirs: Vec<_> = h
                .restrictions
                .iter()
                .filter(|r| r.decision_id == Some(d.id))
                .collect();
            f.restrictions = theirs
                .iter()
                .map(|r| rules::restriction_sentence(r, policy))
                .collect();
            f.reasons = d.reasons.clone();
            f.starts = theirs
                .iter()
                .map(|r| time::london_date(r.starts_at))
                .min()
                .or(Some(time::london_date(d.decided_at)));
            f.review_date = theirs.iter().filter_map(|r| r.review_due).min();
        }
        LetterKind::ReviewOutcome => {
            let Some(last) = h.reviews.iter().map(|r| r.reviewed_at).max() else {
                return Err("No review has been recorded yet: review first (r).".into());
            };
            let batch: Vec<_> = h.reviews.iter().filter(|r| r.reviewed_at == last).collect();
            let first = batch[0];
            f.review_outcome = first.outcome.as_str().to_string();
            f.reasons = first.notes.clone();
            f.next_review = first.next_review;
            f.review_date = first.next_review;
            f.starts = Some(time::london_date(last));
            f.restrictions = rules::active_restrictions(h, now)
                .into_iter()
                .map(|r| rules::restriction_sentence(r, policy))
                .collect();
        }
    }
    Ok((f, decision_id))
}

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
