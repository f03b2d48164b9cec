//! Merging two records of one person from the card (managers): choose the other record by
//! search, as when linking a visitor; see both side by side; choose which one is kept; confirm.

use crate::domain::{CustomerHistory, Id};
use crate::sync::Request;
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

/// One of the two records, as the side-by-side view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeSide {
    pub id: Id,
    /// The version shown: a record changed since is not merged (the store says so).
    pub version: i64,
    pub name: String,
    /// What a manager compares: other names, phones, emails, address, history.
    pub lines: Vec<String>,
}

impl MergeSide {
    pub fn of(h: &CustomerHistory) -> MergeSide {
        let c = &h.customer;
        let list = |v: &[String]| {
            if v.is_empty() {
                "-".to_string()
            } else {
                v.join(", ")
            }
        };
        let mut address = c.postal_lines();
        if address.is_empty() && !c.postcode.trim().is_empty() {
            address.push(c.postcode.clone());
        }
        let in_force = h
            .restrictions
            .iter()
            .filter(|r| r.ends_at.is_none())
            .count();
        MergeSide {
            id: c.id,
            version: c.version,
            name: c.display_name(),
            lines: vec![
                format!("Other names: {}", list(&c.other_names)),
                format!("Phones: {}", list(&c.phones)),
                format!("Emails: {}", list(&c.emails)),
                format!("Address: {}", list(&address)),
                format!(
                    "{} incident(s), {} decision(s), {} restriction(s) in force",
                    h.incidents.len(),
                    h.decisions.len(),
                    in_force
                ),
                format!(
                    "Added {}",
                    crate::time::date(crate::time::london_date(c.created_at))
                ),
            ],
        }
    }
}

/// The merge question, from the card of `card`.
#[derive(Debug, Clone)]
pub struct MergePrompt {
    pub card: MergeSide,
    pub query: Input,
    pub matches: Vec<MergeSide>,
    pub cursor: usize,
    pub seq: u64,
    /// The other record, once chosen: both are shown side by side.
    pub other: Option<MergeSide>,
    /// The other record is the one kept (the card's is retired); false: the card's is kept.
    pub keep_other: bool,
}

/// What a key in the merge question asks of the app.
pub enum MergeKey {
    Nothing,
    /// Search for the other record.
    Lookup(Request),
    /// Merge: the question closes.
    Merge(Request),
}

impl MergePrompt {
    pub fn new(h: &CustomerHistory) -> MergePrompt {
        MergePrompt {
            card: MergeSide::of(h),
            query: Input::default(),
            matches: Vec::new(),
            cursor: 0,
            seq: 0,
            other: None,
            keep_other: false,
        }
    }

    /// The record kept and the one retired, once both are chosen.
    pub fn kept_and_retired(&self) -> Option<(&MergeSide, &MergeSide)> {
        let other = self.other.as_ref()?;
        Some(if self.keep_other {
            (other, &self.card)
        } else {
            (&self.card, other)
        })
    }

    /// Search results arrived for the question's search `seq`.
    pub fn on_lookup(&mut self, seq: u64, hits: &[crate::domain::LookupHit]) {
        if seq != self.seq {
            return;
        }
        self.matches = hits
            .iter()
            .map(|h| &h.history)
            .filter(|h| h.customer.id != self.card.id && !h.customer.is_unidentified())
            .take(8)
            .map(MergeSide::of)
            .collect();
        self.cursor = 0;
    }

    pub fn on_key(&mut self, key: KeyEvent, max_query: usize) -> MergeKey {
        if self.other.is_some() {
            match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    let (kept, retired) = self.kept_and_retired().expect("both chosen");
                    return MergeKey::Merge(Request::MergeCustomers {
                        survivor: (kept.id, kept.version),
                        other: (retired.id, retired.version),
                    });
                }
                KeyCode::Left | KeyCode::Right | KeyCode::Tab | KeyCode::BackTab => {
                    self.keep_other = !self.keep_other;
                }
                KeyCode::Char('1') => self.keep_other = false,
                KeyCode::Char('2') => self.keep_other = true,
                _ => {
                    self.other = None;
                    self.keep_other = false;
                }
            }
            return MergeKey::Nothing;
        }
        match key.code {
            KeyCode::Up => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down => {
                self.cursor = (self.cursor + 1).min(self.matches.len().saturating_sub(1))
            }
            KeyCode::Enter => {
                if let Some(m) = self.matches.get(self.cursor) {
                    self.other = Some(m.clone());
                }
            }
            _ => {
                let before = self.query.value().to_string();
                if self.query.value().chars().count() < max_query {
                    self.query.handle_event(&TermEvent::Key(key));
                }
                if self.query.value() != before {
                    return self.lookup();
                }
            }
        }
        MergeKey::Nothing
    }

    /// Search again for what is typed.
    pub fn lookup(&mut self) -> MergeKey {
        self.seq += 1;
        MergeKey::Lookup(Request::FormLookup {
            seq: self.seq,
            query: self.query.value().to_string(),
        })
    }
}
