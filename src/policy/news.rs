//! The reporter hears back: each piece of news about an incident someone logged, in one plain
//! sentence in the policy's words. It says which incident (its date, the customer, the category)
//! and the outcome only: never the manager's notes or why.

use super::Policy;
use crate::domain::{News, NewsKind, Outcome, ReviewOutcome};
use crate::text::clean;
use crate::time;

impl Policy {
    /// "Your incident of 24/11/2026 about Deborah Johnson (Abusive or offensive behaviour) was
    /// decided by a manager on 25/11/2026: no further action."
    pub fn news_sentence(&self, n: &News) -> String {
        let when = time::date(time::london_date(n.occurred_at));
        let more = match n.others {
            0 => String::new(),
            1 => " (and 1 more you logged)".to_string(),
            k => format!(" (and {k} more you logged)"),
        };
        let incident = format!(
            "Your incident of {when}{more} about {} ({})",
            clean(&n.customer_name),
            self.label_of(&n.category)
        );
        let on = time::date(time::london_date(n.at));
        match &n.kind {
            NewsKind::SentToManager { reason } => format!(
                "{incident} was sent to a manager on {on} ({}).",
                reason.label().to_lowercase()
            ),
            NewsKind::Decided {
                outcome,
                restrictions,
            } => format!(
                "{incident} was decided by a manager on {on}: {}.",
                self.outcome_words(*outcome, restrictions)
            ),
            NewsKind::ReviewHeld { outcome } => format!(
                "{incident}: the restrictions it led to were reviewed on {on} and {}.",
                match outcome {
                    ReviewOutcome::Lift => "lifted",
                    ReviewOutcome::Continue => "continued",
                    ReviewOutcome::Change => "changed",
                }
            ),
        }
    }

    /// What a decision came to, in the policy's names for what it restricted.
    fn outcome_words(&self, outcome: Outcome, restrictions: &[String]) -> String {
        let labels: Vec<&str> = restrictions
            .iter()
            .filter(|k| **k != self.withdrawal.id)
            .map(|k| self.label_of(k))
            .collect();
        let with = |what: &str| {
            if labels.is_empty() {
                what.to_string()
            } else {
                format!("{what} - {}", labels.join("; "))
            }
        };
        match outcome {
            Outcome::NoFurtherAction => "no further action".to_string(),
            Outcome::WithdrawalOfServices => with(&self.withdrawal.label.to_lowercase()),
            Outcome::ImmediateRestriction => with("immediate restriction without warning"),
            Outcome::Actions if labels.is_empty() => "no restriction made".to_string(),
            Outcome::Actions => with(if labels.len() == 1 {
                "restriction made"
            } else {
                "restrictions made"
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{CaseReason, News, NewsKind, Outcome, ReviewOutcome};
    use crate::policy::Policy;
    use chrono::TimeZone;

    fn news(kind: NewsKind, others: usize) -> News {
        News {
            event: "decision:x".into(),
            at: chrono::Utc
                .with_ymd_and_hms(2026, 11, 25, 10, 0, 0)
                .unwrap(),
            incident: uuid::Uuid::from_u128(1),
            occurred_at: chrono::Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap(),
            customer_name: "Deborah Johnson".into(),
            category: "abusive".into(),
            others,
            kind,
        }
    }

    #[test]
    fn each_outcome_is_one_plain_sentence_in_the_policys_words() {
        let p = Policy::built_in();
        assert_eq!(
            p.news_sentence(&news(
                NewsKind::SentToManager {
                    reason: CaseReason::Threshold
                },
                0
            )),
            "Your incident of 24/11/2026 about Deborah Johnson (Abusive or offensive behaviour) was sent to a manager on 25/11/2026 (incident threshold reached)."
        );
        assert_eq!(
            p.news_sentence(&news(
                NewsKind::Decided {
                    outcome: Outcome::NoFurtherAction,
                    restrictions: vec![]
                },
                2
            )),
            "Your incident of 24/11/2026 (and 2 more you logged) about Deborah Johnson (Abusive or offensive behaviour) was decided by a manager on 25/11/2026: no further action."
        );
        let s = p.news_sentence(&news(
            NewsKind::Decided {
                outcome: Outcome::Actions,
                restrictions: vec!["witness".into()],
            },
            0,
        ));
        assert!(s.ends_with("restriction made - Personal contact (including telephone calls) only in the presence of a witness."), "{s}");
        let s = p.news_sentence(&news(
            NewsKind::Decided {
                outcome: Outcome::WithdrawalOfServices,
                restrictions: vec!["services_withdrawn".into()],
            },
            0,
        ));
        assert!(s.ends_with(": withdrawal of services."), "{s}");
        let s = p.news_sentence(&news(
            NewsKind::ReviewHeld {
                outcome: ReviewOutcome::Lift,
            },
            0,
        ));
        assert!(
            s.ends_with("were reviewed on 25/11/2026 and lifted."),
            "{s}"
        );
    }
}
