//! What is open over the lookup panes, as one stack: the queue, a case, a form, the help, a
//! question, a popup. The one on top gets the keys and pastes; the screen draws them in the
//! same order. Opening a kind that is already open replaces it where it stands.

use super::customer::CustomerForm;
use super::decision::DecisionForm;
use super::form::IncidentForm;
use super::letter::LetterView;
use super::manager::{CaseView, QueueView};
use super::Prompt;
use crate::sync::local::Draft;

/// One thing open over the lookup panes. (At most one of each kind is ever open, in one stack
/// the app keeps for its whole life, so the forms' size is not worth a box each.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Overlay {
    /// The manager's escalation queue.
    Queue(QueueView),
    /// A case opened from the queue.
    Case(CaseView),
    /// The decision or review form.
    Decision(DecisionForm),
    /// A letter being previewed.
    Letter(LetterView),
    /// A customer's details being changed.
    Customer(CustomerForm),
    /// The incident form.
    Incident(IncidentForm),
    /// The help, scrolled this far.
    Help(u16),
    /// A small question (a reason to give, a customer to choose).
    Prompt(Prompt),
    /// What happens next, after a save, until the next key.
    Saved(Vec<String>),
    /// A draft left from last time, offered back.
    DraftOffer(Draft),
}

/// Everything open, bottom first.
#[derive(Debug, Clone, Default)]
pub struct Overlays(Vec<Overlay>);

impl Overlays {
    /// The one on top, which gets the keys.
    pub fn top(&self) -> Option<&Overlay> {
        self.0.last()
    }

    /// Everything open, bottom first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Overlay> {
        self.0.iter()
    }

    /// Open `o` on top, or in place of the one of its kind already open.
    pub fn open(&mut self, o: Overlay) {
        let kind = std::mem::discriminant(&o);
        match self
            .0
            .iter_mut()
            .find(|x| std::mem::discriminant(&**x) == kind)
        {
            Some(x) => *x = o,
            None => self.0.push(o),
        }
    }
}

/// For each kind: `name()` and `name_mut()` find it, `take_name()` closes it and hands it back,
/// `close_name()` closes it.
macro_rules! kinds {
    ($($variant:ident($ty:ty): $get:ident, $get_mut:ident, $take:ident, $close:ident;)*) => {
        impl Overlays {
            $(
                pub fn $get(&self) -> Option<&$ty> {
                    self.0.iter().rev().find_map(|o| match o {
                        Overlay::$variant(x) => Some(x),
                        _ => None,
                    })
                }

                pub fn $get_mut(&mut self) -> Option<&mut $ty> {
                    self.0.iter_mut().rev().find_map(|o| match o {
                        Overlay::$variant(x) => Some(x),
                        _ => None,
                    })
                }

                pub fn $take(&mut self) -> Option<$ty> {
                    let at = self
                        .0
                        .iter()
                        .rposition(|o| matches!(o, Overlay::$variant(_)))?;
                    match self.0.remove(at) {
                        Overlay::$variant(x) => Some(x),
                        _ => None,
                    }
                }

                pub fn $close(&mut self) {
                    self.$take();
                }
            )*
        }
    };
}

kinds! {
    Queue(QueueView): queue, queue_mut, take_queue, close_queue;
    Case(CaseView): case_view, case_view_mut, take_case_view, close_case_view;
    Decision(DecisionForm): decision, decision_mut, take_decision, close_decision;
    Letter(LetterView): letter, letter_mut, take_letter, close_letter;
    Customer(CustomerForm): customer_form, customer_form_mut, take_customer_form, close_customer_form;
    Incident(IncidentForm): form, form_mut, take_form, close_form;
    Help(u16): help, help_mut, take_help, close_help;
    Prompt(Prompt): prompt, prompt_mut, take_prompt, close_prompt;
    Saved(Vec<String>): saved, saved_mut, take_saved, close_saved;
    DraftOffer(Draft): draft_offer, draft_offer_mut, take_draft_offer, close_draft_offer;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_opened_is_on_top_and_reopening_a_kind_keeps_its_place() {
        let mut o = Overlays::default();
        assert!(o.top().is_none());
        o.open(Overlay::Help(0));
        o.open(Overlay::Saved(vec!["one".into()]));
        assert!(matches!(o.top(), Some(Overlay::Saved(_))));
        o.open(Overlay::Help(3));
        assert_eq!(o.help(), Some(&3));
        assert!(
            matches!(o.top(), Some(Overlay::Saved(_))),
            "help stays below"
        );
        assert_eq!(o.take_saved(), Some(vec!["one".to_string()]));
        assert!(matches!(o.top(), Some(Overlay::Help(3))));
        o.close_help();
        assert!(o.top().is_none() && o.help().is_none());
        assert_eq!(o.take_help(), None);
    }
}
