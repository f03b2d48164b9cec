//! The last answers read, kept on this PC: a lookup or card asked for while the shared drive
//! cannot be reached is answered from what was last read, and the screen says so.

use crate::domain::LookupHit;
use crate::domain::{CustomerHistory, Id};
use chrono::{DateTime, Utc};

/// The last answers read, kept on this PC so that a lookup or card asked for while the shared
/// drive cannot be reached is answered from what was last read (and the screen says so).
#[derive(Default)]
pub struct Answers {
    lookups: std::collections::VecDeque<(String, Vec<LookupHit>, DateTime<Utc>)>,
    cards: std::collections::VecDeque<(Id, CustomerHistory, DateTime<Utc>)>,
}

/// How many lookups and cards [`Answers`] keeps.
pub const KEPT_ANSWERS: usize = 64;

fn key(query: &str) -> String {
    query.trim().to_lowercase()
}

impl Answers {
    /// Keep a fresh answer, or stand in for a failed one with the last answer kept. Returns the
    /// answer and, when it is a kept one, when it was read.
    pub fn lookup(
        &mut self,
        query: &str,
        fresh: crate::store::Result<Vec<LookupHit>>,
    ) -> (Result<Vec<LookupHit>, String>, Option<DateTime<Utc>>) {
        let k = key(query);
        match fresh {
            Ok(hits) => {
                self.lookups.retain(|(q, _, _)| *q != k);
                self.lookups.push_back((k, hits.clone(), Utc::now()));
                while self.lookups.len() > KEPT_ANSWERS {
                    self.lookups.pop_front();
                }
                (Ok(hits), None)
            }
            Err(e) => match self.lookups.iter().find(|(q, _, _)| *q == k) {
                Some((_, hits, at)) if e.is_transient() => (Ok(hits.clone()), Some(*at)),
                _ => (Err(e.to_string()), None),
            },
        }
    }

    /// As [`Answers::lookup`], for a customer's card.
    pub fn card(
        &mut self,
        id: Id,
        fresh: crate::store::Result<Option<CustomerHistory>>,
    ) -> (
        Result<Option<CustomerHistory>, String>,
        Option<DateTime<Utc>>,
    ) {
        match fresh {
            Ok(Some(h)) => {
                self.cards.retain(|(c, _, _)| *c != id);
                self.cards.push_back((id, h.clone(), Utc::now()));
                while self.cards.len() > KEPT_ANSWERS {
                    self.cards.pop_front();
                }
                (Ok(Some(h)), None)
            }
            Ok(None) => (Ok(None), None),
            Err(e) => match self.cards.iter().find(|(c, _, _)| *c == id) {
                Some((_, h, at)) if e.is_transient() => (Ok(Some(h.clone())), Some(*at)),
                _ => (Err(e.to_string()), None),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Customer;
    use crate::domain::MatchedOn;
    use crate::store::StoreError;
    use std::path::PathBuf;

    fn hit(name: &str) -> LookupHit {
        LookupHit {
            history: CustomerHistory::new(Customer {
                id: crate::domain::new_id(),
                name: Some(name.into()),
                ..Customer::default()
            }),
            matched: MatchedOn::Name(name.into()),
            score: 1,
        }
    }

    fn gone() -> StoreError {
        StoreError::Unavailable {
            path: PathBuf::from("S:/safedesk.sqlite"),
            detail: "the network path was not found".into(),
        }
    }

    #[test]
    fn a_lookup_while_the_drive_is_gone_is_answered_from_what_was_last_read() {
        let mut a = Answers::default();
        let (fresh, from) = a.lookup("Deborah ", Ok(vec![hit("Deborah Johnson")]));
        assert_eq!(fresh.unwrap().len(), 1);
        assert_eq!(from, None);
        let (kept, from) = a.lookup("deborah", Err(gone()));
        assert_eq!(
            kept.unwrap()[0].history.customer.name.as_deref(),
            Some("Deborah Johnson")
        );
        assert!(from.is_some(), "the screen is told it is a kept answer");
        // Nothing kept for another query: the error is shown.
        let (e, _) = a.lookup("marek", Err(gone()));
        assert!(e.unwrap_err().contains("cannot be reached"));
        // A refusal that is not about the drive is never hidden behind a kept answer.
        let (e, _) = a.lookup("deborah", Err(StoreError::Invalid("bad".into())));
        assert_eq!(e.unwrap_err(), "bad");
    }

    #[test]
    fn only_the_newest_answers_are_kept() {
        let mut a = Answers::default();
        for n in 0..(KEPT_ANSWERS + 10) {
            let _ = a.lookup(&format!("q{n}"), Ok(vec![]));
        }
        assert!(a.lookup("q0", Err(gone())).0.is_err(), "the oldest went");
        assert!(a
            .lookup(&format!("q{}", KEPT_ANSWERS + 9), Err(gone()))
            .0
            .is_ok());
        let id = crate::domain::new_id();
        let h = hit("Zoë Åberg").history;
        let _ = a.card(id, Ok(Some(h.clone())));
        let (kept, from) = a.card(id, Err(gone()));
        assert_eq!(kept.unwrap(), Some(h));
        assert!(from.is_some());
    }
}
