//! Changing a customer's details (names, phone numbers, email addresses, postal address,
//! postcode, the format their letters need, notes) from their card. The version shown travels with the change: if someone on another PC changed the
//! customer meanwhile, the store refuses it, the newer details are shown, and nothing typed is
//! lost; saving again then replaces them knowingly.

use crate::domain::{
    CustomerHistory, Id, LetterFormat, NewCustomer, MAX_ADDRESS_LINE, MAX_ADDRESS_LINES,
    MAX_POSTCODE,
};
use crate::policy::incident::{MAX_LINE, MAX_TEXT};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

/// The fields of the form, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerField {
    Name,
    OtherNames,
    Phones,
    Emails,
    Address,
    Postcode,
    Format,
    Description,
    Notes,
}

impl CustomerField {
    pub const ALL: [CustomerField; 9] = [
        CustomerField::Name,
        CustomerField::OtherNames,
        CustomerField::Phones,
        CustomerField::Emails,
        CustomerField::Address,
        CustomerField::Postcode,
        CustomerField::Format,
        CustomerField::Description,
        CustomerField::Notes,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CustomerField::Name => "Name",
            CustomerField::OtherNames => "Other names (;)",
            CustomerField::Phones => "Phones (;)",
            CustomerField::Emails => "Emails (;)",
            CustomerField::Address => "Address (;)",
            CustomerField::Postcode => "Postcode",
            CustomerField::Format => "Letters (Space)",
            CustomerField::Description => "Description",
            CustomerField::Notes => "Notes",
        }
    }

    fn max(self) -> usize {
        match self {
            CustomerField::Description | CustomerField::Notes => MAX_TEXT,
            CustomerField::Address => (MAX_ADDRESS_LINE + 2) * MAX_ADDRESS_LINES,
            CustomerField::Postcode => MAX_POSTCODE,
            // A few names, numbers or addresses, each a line long.
            _ => MAX_LINE * 5,
        }
    }
}

/// What a key in the form asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerEvent {
    Nothing,
    Save {
        id: Id,
        edit: Box<NewCustomer>,
        version: i64,
    },
    Closed,
}

#[derive(Debug, Clone)]
pub struct CustomerForm {
    pub id: Id,
    pub customer_name: String,
    /// The version of the customer the form was filled from (or last shown).
    pub version: i64,
    pub inputs: Vec<Input>,
    pub focus: usize,
    pub message: Option<String>,
    pub saving: bool,
    pub confirm_discard: bool,
    /// Someone else changed the customer: their newer details, in words.
    pub newer: Option<String>,
    original: Vec<String>,
}

fn values(h: &CustomerHistory) -> Vec<String> {
    let c = &h.customer;
    vec![
        c.name.clone().unwrap_or_default(),
        c.other_names.join("; "),
        c.phones.join("; "),
        c.emails.join("; "),
        c.address.join("; "),
        c.postcode.clone(),
        c.letter_format().words().to_string(),
        c.description.clone(),
        c.notes.clone(),
    ]
}

/// The lines of an address typed on one line, separated by semicolons or commas
/// ("Flat 2; 14 High Road; London").
pub fn address_list(text: &str) -> Vec<String> {
    list(text)
}

fn list(text: &str) -> Vec<String> {
    text.split([';', ','])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

impl CustomerForm {
    pub fn new(h: &CustomerHistory) -> CustomerForm {
        let original = values(h);
        CustomerForm {
            id: h.customer.id,
            customer_name: h.customer.display_name(),
            version: h.customer.version,
            inputs: original.iter().map(|v| Input::new(v.clone())).collect(),
            focus: 0,
            message: None,
            saving: false,
            confirm_discard: false,
            newer: None,
            original,
        }
    }

    pub fn field(&self) -> CustomerField {
        CustomerField::ALL[self.focus]
    }

    pub fn changed(&self) -> bool {
        self.inputs
            .iter()
            .zip(&self.original)
            .any(|(i, o)| i.value() != o)
    }

    /// The details as typed. Other names are separated by semicolons; phone numbers and email
    /// addresses by semicolons or commas.
    pub fn edit(&self) -> NewCustomer {
        let v = |f: CustomerField| self.inputs[f as usize].value().to_string();
        let name = v(CustomerField::Name);
        let format = LetterFormat::parse(&v(CustomerField::Format)).unwrap_or_default();
        NewCustomer {
            id: Some(self.id),
            name: (!name.trim().is_empty()).then_some(name),
            other_names: v(CustomerField::OtherNames)
                .split(';')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            phones: list(&v(CustomerField::Phones)),
            emails: list(&v(CustomerField::Emails)),
            address: address_list(&v(CustomerField::Address)),
            postcode: v(CustomerField::Postcode),
            large_print: format.large_print,
            easy_read: format.easy_read,
            description: v(CustomerField::Description),
            notes: v(CustomerField::Notes),
        }
    }

    /// The card was read again while the form was open. After a refused save (someone else
    /// changed the customer) their changes come into the fields this person did not touch; where
    /// both changed a field, this person's typing is kept and the other value is shown. The
    /// version moves on, so saving again is a knowing choice, and loses nothing by default.
    pub fn card_arrived(&mut self, h: &CustomerHistory) {
        if h.customer.id != self.id || h.customer.version <= self.version {
            return;
        }
        let now = values(h);
        let mut took = Vec::new();
        let mut clash = Vec::new();
        for (i, field) in CustomerField::ALL.iter().enumerate() {
            let (base, theirs) = (&self.original[i], &now[i]);
            if theirs == base {
                continue;
            }
            let label = field.label().split(" (").next().unwrap_or_default();
            let mine = self.inputs[i].value().to_string();
            if mine == *base {
                self.inputs[i] = Input::new(theirs.clone());
                took.push(label.to_string());
            } else if mine != *theirs {
                clash.push(format!(
                    "{label}: {}",
                    if theirs.is_empty() { "(empty)" } else { theirs }
                ));
            }
        }
        self.newer = Some(if !clash.is_empty() {
            format!(
                "Changed on another PC where you typed too: {}. Ctrl-S saves yours over it; Esc leaves theirs.",
                clash.join("; ")
            )
        } else if !took.is_empty() {
            format!(
                "Changed on another PC meanwhile: {}. Their change is now in the form beside yours; Ctrl-S saves both.",
                took.join(", ")
            )
        } else {
            "Someone else saved this customer meanwhile, with the same details as yours.".into()
        });
        self.version = h.customer.version;
        self.original = now;
    }

    pub fn on_paste(&mut self, text: &str) {
        let keep_lines = matches!(
            self.field(),
            CustomerField::Description | CustomerField::Notes
        );
        if self.field() == CustomerField::Format {
            self.message =
                Some("Letters: press Space to choose standard, large print or easy read.".into());
            return;
        }
        let mut clean = crate::text::sanitise_for_display(text, keep_lines);
        if self.field() == CustomerField::Address {
            // A pasted address of several lines becomes one line per part.
            clean = crate::text::sanitise_for_display(text, true)
                .split('\n')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("; ");
        }
        // Control and hidden characters (not line breaks or tabs) are left out, and said so.
        let dropped = text.chars().any(|c| {
            !c.is_whitespace()
                && crate::text::sanitise_for_display(&c.to_string(), false).is_empty()
        });
        let max = self.field().max();
        let label = self.field().label().split(" (").next().unwrap_or_default();
        let input = &mut self.inputs[self.focus];
        let mut value = input.value().to_string();
        value.push_str(&clean);
        if value.chars().count() > max {
            value = value.chars().take(max).collect();
            self.message = Some(format!(
                "The paste was cut to {max} characters: that is the most this field keeps."
            ));
        } else if dropped {
            self.message = Some(format!(
                "{label}: the paste held control or hidden characters; they were left out."
            ));
        }
        *input = Input::new(value);
    }

    pub fn on_key(&mut self, key: KeyEvent) -> CustomerEvent {
        if self.saving {
            return CustomerEvent::Nothing;
        }
        if self.confirm_discard {
            if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                return CustomerEvent::Closed;
            }
            self.confirm_discard = false;
            return CustomerEvent::Nothing;
        }
        let ctrl = key.modifiers == KeyModifiers::CONTROL;
        let n = self.inputs.len();
        match key.code {
            KeyCode::Char('s') if ctrl => {
                if !self.changed() && self.newer.is_none() {
                    self.message = Some("Nothing has changed.".into());
                    return CustomerEvent::Nothing;
                }
                self.saving = true;
                self.message = Some("Saving...".into());
                return CustomerEvent::Save {
                    id: self.id,
                    edit: Box::new(self.edit()),
                    version: self.version,
                };
            }
            KeyCode::Esc => {
                if self.changed() {
                    self.confirm_discard = true;
                    return CustomerEvent::Nothing;
                }
                return CustomerEvent::Closed;
            }
            KeyCode::Char('c') if ctrl => return CustomerEvent::Closed,
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % n,
            KeyCode::BackTab | KeyCode::Up => self.focus = (self.focus + n - 1) % n,
            KeyCode::Enter => {
                if matches!(
                    self.field(),
                    CustomerField::Description | CustomerField::Notes
                ) {
                    self.inputs[self.focus].handle(InputRequest::InsertChar('\n'));
                } else {
                    self.focus = (self.focus + 1) % n;
                }
            }
            KeyCode::Char(' ') if self.field() == CustomerField::Format => {
                let now = LetterFormat::parse(self.inputs[self.focus].value()).unwrap_or_default();
                self.inputs[self.focus] = Input::new(now.next().words().to_string());
                self.message = None;
            }
            KeyCode::Char(c) if c.is_control() => {}
            KeyCode::Char(_) | KeyCode::Backspace | KeyCode::Delete
                if self.field() == CustomerField::Format =>
            {
                self.message = Some(
                    "Letters: press Space to choose standard, large print, easy read or both."
                        .into(),
                );
            }
            _ => {
                let max = self.field().max();
                let input = &mut self.inputs[self.focus];
                if input.value().chars().count() < max || !matches!(key.code, KeyCode::Char(_)) {
                    input.handle_event(&TermEvent::Key(key));
                    self.message = None;
                } else {
                    self.message = Some(format!("That field keeps at most {max} characters."));
                }
            }
        }
        CustomerEvent::Nothing
    }

    /// The store refused the save: say why, keep every word.
    pub fn save_failed(&mut self, message: String) {
        self.saving = false;
        self.message = Some(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Customer;

    fn history(version: i64, phones: &[&str]) -> CustomerHistory {
        CustomerHistory::new(Customer {
            id: uuid::Uuid::from_u128(7),
            name: Some("Deborah Johnson".into()),
            phones: phones.iter().map(|s| s.to_string()).collect(),
            version,
            ..Customer::default()
        })
    }

    fn key(f: &mut CustomerForm, code: KeyCode) -> CustomerEvent {
        f.on_key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn a_second_number_is_added_and_saved_with_the_version_shown() {
        let mut f = CustomerForm::new(&history(3, &["07700 900123"]));
        key(&mut f, KeyCode::Down);
        key(&mut f, KeyCode::Down);
        for c in "; 020 7946 0555".chars() {
            key(&mut f, KeyCode::Char(c));
        }
        match f.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)) {
            CustomerEvent::Save { edit, version, .. } => {
                assert_eq!(version, 3);
                assert_eq!(edit.phones, vec!["07700 900123", "020 7946 0555"]);
                assert_eq!(edit.name.as_deref(), Some("Deborah Johnson"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn where_both_changed_a_field_the_typing_is_kept_and_theirs_shown() {
        let mut f = CustomerForm::new(&history(3, &["07700 900123"]));
        f.focus = CustomerField::Phones as usize;
        for c in "; 020 7946 0555".chars() {
            key(&mut f, KeyCode::Char(c));
        }
        f.card_arrived(&history(4, &["07700 900999"]));
        assert_eq!(
            f.inputs[CustomerField::Phones as usize].value(),
            "07700 900123; 020 7946 0555"
        );
        let newer = f.newer.as_deref().unwrap();
        assert!(
            newer.contains("where you typed too: Phones: 07700 900999"),
            "{newer}"
        );
    }

    #[test]
    fn after_a_conflict_the_newer_details_are_shown_and_the_typing_kept() {
        let mut f = CustomerForm::new(&history(3, &["07700 900123"]));
        f.focus = CustomerField::Notes as usize;
        for c in "Prefers mornings.".chars() {
            key(&mut f, KeyCode::Char(c));
        }
        f.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
        f.save_failed("Someone else changed this record".into());
        f.card_arrived(&history(4, &["07700 900999"]));
        assert_eq!(f.version, 4);
        assert!(f.newer.as_deref().unwrap().contains("Phones"));
        // Their number comes into the field this person did not touch; the note is kept.
        assert_eq!(
            f.inputs[CustomerField::Phones as usize].value(),
            "07700 900999"
        );
        assert_eq!(
            f.inputs[CustomerField::Notes as usize].value(),
            "Prefers mornings."
        );
        // Esc asks first: there is typing to lose.
        assert_eq!(key(&mut f, KeyCode::Esc), CustomerEvent::Nothing);
        assert!(f.confirm_discard);
    }

    #[test]
    fn an_address_changed_on_another_pc_comes_into_the_form_and_the_format_cycles() {
        let mut f = CustomerForm::new(&history(3, &["07700 900123"]));
        f.focus = CustomerField::Notes as usize;
        for c in "Prefers mornings.".chars() {
            key(&mut f, KeyCode::Char(c));
        }
        let mut theirs = history(4, &["07700 900123"]);
        theirs.customer.address = vec!["12 Long Lane".into(), "London".into()];
        theirs.customer.postcode = "N3 1AB".into();
        f.card_arrived(&theirs);
        assert_eq!(
            f.inputs[CustomerField::Address as usize].value(),
            "12 Long Lane; London"
        );
        assert!(f.newer.as_deref().unwrap().contains("Address"));
        f.focus = CustomerField::Format as usize;
        key(&mut f, KeyCode::Char(' '));
        key(&mut f, KeyCode::Char(' '));
        assert_eq!(
            f.inputs[CustomerField::Format as usize].value(),
            "easy read"
        );
        let edit = f.edit();
        assert_eq!(edit.address, vec!["12 Long Lane", "London"]);
        assert_eq!(edit.postcode, "N3 1AB");
        assert!(edit.easy_read && !edit.large_print);
        assert_eq!(edit.notes, "Prefers mornings.");
    }
}
