//! The incident form: what it holds and what keys do to it. It never saves anything itself: it
//! returns a [`FormEvent`] and the app sends the request.

use crate::domain::{new_id, Harm, Hurt, Id, LookupHit, NewIncident, Riddor, Role, Subject};
use crate::policy::incident::{self, Field, Problem};
use crate::policy::Policy;
use crate::sync::local::{Choices, Draft};
use crate::time;
use chrono::{DateTime, Utc};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

/// The form's fields, in Tab order. Some show only when they apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormField {
    Who,
    NewPhone,
    NewEmail,
    NewAddress,
    NewPostcode,
    VisitorDescription,
    When,
    Channel,
    Category,
    Behaviours,
    BehaviourOther,
    Response,
    Reference,
    Description,
    Threat,
    /// Did the customer appear to be in distress (yes, no, not known)?
    Distress,
    /// Demands: the effect on workloads (a choice), and how (text).
    Workload,
    WorkloadNote,
    Witnesses,
    /// Physical violence or injury: who was hurt (staff, another customer or visitor, no one),
    /// their name, how, RIDDOR (yes, no, not sure) and its reference, and a debrief wanted.
    Hurt,
    HurtName,
    HurtHow,
    Riddor,
    RiddorRef,
    Debrief,
}

impl FormField {
    pub fn label(self) -> &'static str {
        match self {
            FormField::Who => "Who",
            FormField::NewPhone => "Phone",
            FormField::NewEmail => "Email",
            FormField::NewAddress => "Address",
            FormField::NewPostcode => "Postcode",
            FormField::VisitorDescription => "Describe them",
            FormField::When => "When",
            FormField::Channel => "Channel",
            FormField::Category => "Behaviour",
            FormField::Behaviours => "Seen",
            FormField::BehaviourOther => "Also seen",
            FormField::Response => "Response",
            FormField::Reference => "Reference",
            FormField::Description => "What happened",
            FormField::Threat => "Immediate threat",
            FormField::Distress => "In distress?",
            FormField::Workload => "Workload effect",
            FormField::WorkloadNote => "How (workload)",
            FormField::Witnesses => "Witnesses",
            FormField::Hurt => "Who was hurt",
            FormField::HurtName => "Their name",
            FormField::HurtHow => "How hurt",
            FormField::Riddor => "RIDDOR?",
            FormField::RiddorRef => "RIDDOR ref",
            FormField::Debrief => "Debrief wanted?",
        }
    }

    /// Where a checking problem is shown.
    fn for_problem(f: Field) -> FormField {
        match f {
            Field::Subject => FormField::Who,
            Field::When => FormField::When,
            Field::Channel => FormField::Channel,
            Field::Category => FormField::Category,
            Field::Behaviours => FormField::Behaviours,
            Field::Response => FormField::Response,
            Field::Reference => FormField::Reference,
            Field::Description => FormField::Description,
            Field::Witnesses => FormField::Witnesses,
            Field::Workload => FormField::Workload,
            Field::HurtName => FormField::HurtName,
            Field::HurtHow => FormField::HurtHow,
            Field::RiddorRef => FormField::RiddorRef,
        }
    }

    /// A text field edited on its own row (the longer texts are edited in the panel below).
    pub fn is_text_row(self) -> bool {
        matches!(
            self,
            FormField::Who
                | FormField::NewPhone
                | FormField::NewEmail
                | FormField::NewAddress
                | FormField::NewPostcode
                | FormField::When
                | FormField::BehaviourOther
                | FormField::Reference
                | FormField::WorkloadNote
                | FormField::HurtName
                | FormField::HurtHow
                | FormField::RiddorRef
        )
    }

    fn is_text(self) -> bool {
        !matches!(
            self,
            FormField::Channel
                | FormField::Category
                | FormField::Behaviours
                | FormField::Response
                | FormField::Threat
                | FormField::Distress
                | FormField::Workload
                | FormField::Hurt
                | FormField::Riddor
                | FormField::Debrief
        )
    }
}

/// Who the incident is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhoChoice {
    Existing { id: Id, name: String },
    New,
    Unidentified,
}

/// One lookup match offered in the Who field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhoMatch {
    pub id: Id,
    pub name: String,
    pub detail: String,
    pub restricted: bool,
}

/// What the app should do after a key in the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormEvent {
    Nothing,
    /// The form changed: keep the draft.
    Changed,
    /// Search customers for the Who field.
    Lookup {
        seq: u64,
        query: String,
    },
    Save(Box<NewIncident>),
    /// Closed without saving (the draft can go).
    Discarded,
}

/// Longest text one field keeps; a longer paste is cut and the person told.
pub const FIELD_LIMIT: usize = incident::MAX_TEXT + 1;

#[derive(Debug, Clone)]
pub struct IncidentForm {
    pub id: Id,
    pub started_at: DateTime<Utc>,
    pub focus: FormField,
    pub who: Input,
    pub who_choice: Option<WhoChoice>,
    pub matches: Vec<WhoMatch>,
    /// Index into the options: the matches, then "new customer", then "unidentified visitor".
    pub who_cursor: usize,
    pub lookup_sent: u64,
    /// The customer id to use if the person is new or unidentified (kept across edits so a
    /// replayed save creates them once).
    pub new_customer_id: Id,
    pub new_phone: Input,
    pub new_email: Input,
    /// A new customer's address, lines separated by ; or commas, and postcode.
    pub new_address: Input,
    pub new_postcode: Input,
    pub visitor: Input,
    pub when: Input,
    pub channel: String,
    pub category: String,
    pub behaviours: Vec<String>,
    pub behaviour_cursor: usize,
    pub behaviour_other: Input,
    pub response: String,
    pub reference: Input,
    pub description: Input,
    pub threat: bool,
    /// Did the customer appear to be in distress? None: not known (the default).
    pub distress: Option<bool>,
    /// Demands: the effect on workloads (a policy choice id; not known by default), and how.
    pub workload: String,
    pub workload_note: Input,
    pub witnesses: Input,
    /// Physical violence or injury (see [`Harm`]): who was hurt, their name, how, RIDDOR and its reference, a debrief wanted.
    pub hurt: Hurt,
    pub hurt_name: Input,
    pub hurt_how: Input,
    pub riddor: Riddor,
    pub riddor_ref: Input,
    pub debrief: bool,
    /// The staff list, to find the member of staff hurt (empty until read; the store finds
    /// them by name when it never came).
    pub staff: Vec<crate::domain::Staff>,
    pub staff_asked: bool,
    pub problems: Vec<Problem>,
    pub confirm_discard: bool,
    pub saving: bool,
    /// A message about the form as a whole (a save that failed, a paste that was cut).
    pub message: Option<String>,
    /// Correcting a saved incident: the version shown when the correction began.
    pub amending: Option<i64>,
}

fn key_is(k: &KeyEvent, code: KeyCode, mods: KeyModifiers) -> bool {
    k.code == code && k.modifiers == mods
}

impl IncidentForm {
    /// A new form, with defaults from the last choices made on this PC and the person's role.
    pub fn new(
        policy: &Policy,
        role: Option<Role>,
        choices: &Choices,
        preselected: Option<(Id, String)>,
        now: DateTime<Utc>,
    ) -> IncidentForm {
        let channel = choices
            .channel
            .clone()
            .filter(|c| policy.channel(c).is_some())
            .unwrap_or_else(|| {
                let by_role = match role {
                    Some(Role::Reception) => "face_to_face",
                    _ => "phone",
                };
                if policy.channel(by_role).is_some() {
                    by_role.to_string()
                } else {
                    policy.channels[0].id.clone()
                }
            });
        let category = choices
            .category
            .clone()
            .filter(|c| policy.category(c).is_some())
            .unwrap_or_else(|| policy.categories[0].id.clone());
        let (who, who_choice, focus) = match preselected {
            Some((id, name)) => (
                Input::new(name.clone()),
                Some(WhoChoice::Existing { id, name }),
                FormField::Channel,
            ),
            None => (Input::default(), None, FormField::Who),
        };
        let mut f = IncidentForm {
            id: new_id(),
            started_at: now,
            focus,
            who,
            who_choice,
            matches: Vec::new(),
            who_cursor: 0,
            lookup_sent: 0,
            new_customer_id: new_id(),
            new_phone: Input::default(),
            new_email: Input::default(),
            new_address: Input::default(),
            new_postcode: Input::default(),
            visitor: Input::default(),
            when: Input::default(),
            channel,
            category,
            behaviours: Vec::new(),
            behaviour_cursor: 0,
            behaviour_other: Input::default(),
            response: String::new(),
            reference: Input::default(),
            description: Input::default(),
            threat: false,
            distress: None,
            workload: String::new(),
            workload_note: Input::default(),
            witnesses: Input::default(),
            hurt: Hurt::NotAsked,
            hurt_name: Input::default(),
            hurt_how: Input::default(),
            riddor: Riddor::NotAsked,
            riddor_ref: Input::default(),
            debrief: false,
            staff: Vec::new(),
            staff_asked: false,
            problems: Vec::new(),
            confirm_discard: false,
            saving: false,
            message: None,
            amending: None,
        };
        f.response = f.default_response(policy, choices);
        f
    }

    /// A form to correct a saved incident about `customer_name`.
    pub fn for_amend(
        i: &crate::domain::Incident,
        customer_name: &str,
        policy: &Policy,
        now: DateTime<Utc>,
    ) -> IncidentForm {
        let mut f = IncidentForm::new(
            policy,
            None,
            &Choices::default(),
            Some((i.customer_id, customer_name.to_string())),
            now,
        );
        f.id = i.id;
        f.amending = Some(i.version);
        f.when = Input::new(time::date_time(i.occurred_at));
        f.channel = i.channel.clone();
        f.category = i.category.clone();
        f.behaviours = i.behaviours.clone();
        f.behaviour_other = Input::new(i.behaviour_other.clone());
        f.response = i.response.clone();
        f.reference = Input::new(i.reference.clone());
        f.description = Input::new(i.description.clone());
        f.threat = i.immediate_threat;
        f.distress = i.distress;
        f.workload = i.workload.clone();
        f.workload_note = Input::new(i.workload_note.clone());
        f.witnesses = Input::new(i.witnesses.clone());
        f.set_harm(&i.harm);
        f.focus = FormField::Description;
        f
    }

    fn set_harm(&mut self, h: &Harm) {
        self.hurt = h.hurt;
        self.hurt_name = Input::new(h.hurt_name.clone());
        self.hurt_how = Input::new(h.how.clone());
        self.riddor = h.riddor;
        self.riddor_ref = Input::new(h.riddor_ref.clone());
        self.debrief = h.debrief;
    }

    /// The safety answers as typed.
    pub fn harm(&self) -> Harm {
        Harm {
            hurt: self.hurt,
            // Found on the staff list when the incident is built, or by the store by name.
            hurt_staff: None,
            hurt_name: self.hurt_name.value().trim().to_string(),
            how: self.hurt_how.value().trim().to_string(),
            riddor: self.riddor,
            riddor_ref: self.riddor_ref.value().trim().to_string(),
            debrief: self.debrief,
        }
    }

    /// Does this incident ask the safety questions (physical violence or injury)?
    pub fn asks_safety(&self, policy: &Policy) -> bool {
        policy.asks_safety(&self.category, &self.behaviours)
    }

    /// The form needs the staff list to find the member of staff hurt: ask once.
    pub fn wants_staff_list(&mut self) -> bool {
        if self.hurt == Hurt::Staff && self.staff.is_empty() && !self.staff_asked {
            self.staff_asked = true;
            return true;
        }
        false
    }

    fn default_response(&self, policy: &Policy, choices: &Choices) -> String {
        let Some(ch) = policy.channel(&self.channel) else {
            return String::new();
        };
        choices
            .responses
            .iter()
            .find(|(c, r)| c == &self.channel && ch.responses.contains(r))
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| {
                // Prefer the usual response over the rarer ones: the second listed for calls
                // ("ended after a warning"), else the first.
                ch.responses
                    .iter()
                    .find(|r| r.as_str() == "call_ended_after_warning")
                    .unwrap_or(&ch.responses[0])
                    .clone()
            })
    }

    /// The choices to remember for next time.
    pub fn choices(&self, previous: &Choices) -> Choices {
        let mut c = previous.clone();
        c.channel = Some(self.channel.clone());
        c.category = Some(self.category.clone());
        c.responses.retain(|(ch, _)| ch != &self.channel);
        c.responses
            .push((self.channel.clone(), self.response.clone()));
        c
    }

    /// Fields shown now, in Tab order.
    pub fn visible_fields(&self, policy: &Policy) -> Vec<FormField> {
        let mut v = vec![FormField::Who];
        match self.who_choice {
            Some(WhoChoice::New) => {
                v.push(FormField::NewPhone);
                v.push(FormField::NewEmail);
                v.push(FormField::NewAddress);
                v.push(FormField::NewPostcode);
            }
            Some(WhoChoice::Unidentified) => v.push(FormField::VisitorDescription),
            _ => {}
        }
        v.extend([
            FormField::When,
            FormField::Channel,
            FormField::Category,
            FormField::Behaviours,
            FormField::BehaviourOther,
            FormField::Response,
        ]);
        if policy
            .response(&self.response)
            .is_some_and(|r| r.needs_reference)
        {
            v.push(FormField::Reference);
        }
        v.extend([
            FormField::Description,
            FormField::Threat,
            FormField::Distress,
        ]);
        if policy.asks_workload(&self.category) {
            v.extend([FormField::Workload, FormField::WorkloadNote]);
        }
        if self.asks_safety(policy) {
            v.push(FormField::Hurt);
            if self.hurt.someone() {
                v.extend([FormField::HurtName, FormField::HurtHow, FormField::Riddor]);
                if self.riddor == Riddor::Yes {
                    v.push(FormField::RiddorRef);
                }
            }
            v.push(FormField::Debrief);
        }
        v.push(FormField::Witnesses);
        v
    }

    /// Has the person typed anything that would be lost by closing?
    pub fn has_typed_text(&self) -> bool {
        let preset = matches!(self.who_choice, Some(WhoChoice::Existing { .. }));
        [
            &self.new_phone,
            &self.new_email,
            &self.new_address,
            &self.new_postcode,
            &self.visitor,
            &self.when,
            &self.behaviour_other,
            &self.reference,
            &self.description,
            &self.witnesses,
            &self.workload_note,
            &self.hurt_name,
            &self.hurt_how,
            &self.riddor_ref,
        ]
        .iter()
        .any(|i| !i.value().trim().is_empty())
            || (!preset && !self.who.value().trim().is_empty())
            || !self.behaviours.is_empty()
            || self.distress.is_some()
            || !self.workload.is_empty()
            || self.hurt != Hurt::NotAsked
            || self.debrief
    }

    fn input_mut(&mut self, f: FormField) -> Option<&mut Input> {
        Some(match f {
            FormField::Who => &mut self.who,
            FormField::NewPhone => &mut self.new_phone,
            FormField::NewEmail => &mut self.new_email,
            FormField::NewAddress => &mut self.new_address,
            FormField::NewPostcode => &mut self.new_postcode,
            FormField::VisitorDescription => &mut self.visitor,
            FormField::When => &mut self.when,
            FormField::BehaviourOther => &mut self.behaviour_other,
            FormField::Reference => &mut self.reference,
            FormField::Description => &mut self.description,
            FormField::Witnesses => &mut self.witnesses,
            FormField::WorkloadNote => &mut self.workload_note,
            FormField::HurtName => &mut self.hurt_name,
            FormField::HurtHow => &mut self.hurt_how,
            FormField::RiddorRef => &mut self.riddor_ref,
            _ => return None,
        })
    }

    pub fn input(&self, f: FormField) -> Option<&Input> {
        Some(match f {
            FormField::Who => &self.who,
            FormField::NewPhone => &self.new_phone,
            FormField::NewEmail => &self.new_email,
            FormField::NewAddress => &self.new_address,
            FormField::NewPostcode => &self.new_postcode,
            FormField::VisitorDescription => &self.visitor,
            FormField::When => &self.when,
            FormField::BehaviourOther => &self.behaviour_other,
            FormField::Reference => &self.reference,
            FormField::Description => &self.description,
            FormField::Witnesses => &self.witnesses,
            FormField::WorkloadNote => &self.workload_note,
            FormField::HurtName => &self.hurt_name,
            FormField::HurtHow => &self.hurt_how,
            FormField::RiddorRef => &self.riddor_ref,
            _ => return None,
        })
    }

    fn move_focus(&mut self, policy: &Policy, step: isize) {
        let fields = self.visible_fields(policy);
        let i = fields.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let n = fields.len() as isize;
        self.focus = fields[((i + step).rem_euclid(n)) as usize];
    }

    /// Move to the next field, skipping "Also seen" (reached with Tab only).
    fn advance(&mut self, policy: &Policy) {
        self.move_focus(policy, 1);
        if self.focus == FormField::BehaviourOther {
            self.move_focus(policy, 1);
        }
    }

    /// The options the Who field offers: the matches, then new customer, then unidentified.
    pub fn who_options(&self) -> usize {
        self.matches.len() + 2
    }

    fn choose_who(&mut self) {
        let i = self.who_cursor.min(self.who_options() - 1);
        self.who_choice = Some(if i < self.matches.len() {
            let m = &self.matches[i];
            self.who = Input::new(m.name.clone());
            WhoChoice::Existing {
                id: m.id,
                name: m.name.clone(),
            }
        } else if i == self.matches.len() {
            WhoChoice::New
        } else {
            WhoChoice::Unidentified
        });
    }

    /// Answer to a Who lookup.
    pub fn on_lookup(&mut self, seq: u64, hits: &[LookupHit], now: DateTime<Utc>) {
        if seq != self.lookup_sent {
            return;
        }
        self.matches = hits
            .iter()
            .take(8)
            .map(|h| WhoMatch {
                id: h.history.customer.id,
                name: h.history.customer.display_name(),
                detail: h
                    .history
                    .customer
                    .phones
                    .first()
                    .cloned()
                    .unwrap_or_else(|| h.history.customer.postcode.clone()),
                restricted: !crate::policy::rules::active_restrictions(&h.history, now).is_empty(),
            })
            .collect();
        self.who_cursor = 0;
    }

    fn limit(&mut self, f: FormField) {
        let max = if matches!(
            f,
            FormField::Description | FormField::VisitorDescription | FormField::Witnesses
        ) {
            FIELD_LIMIT
        } else {
            incident::MAX_LINE + 1
        };
        if let Some(input) = self.input_mut(f) {
            if input.value().chars().count() > max {
                let cut: String = input.value().chars().take(max).collect();
                *input = Input::new(cut);
                self.message = Some(format!(
                    "{} was cut to {max} characters: that is the most it keeps.",
                    f.label()
                ));
            }
        }
    }

    fn text_changed(&mut self, f: FormField) -> FormEvent {
        self.limit(f);
        self.fixed(f);
        if f == FormField::Who {
            self.who_choice = None;
            self.lookup_sent += 1;
            return FormEvent::Lookup {
                seq: self.lookup_sent,
                query: self.who.value().to_string(),
            };
        }
        FormEvent::Changed
    }

    /// Pasted text goes into the focused text field, cleaned of control characters.
    pub fn on_paste(&mut self, text: &str) -> FormEvent {
        let f = self.focus;
        let keep_lines = matches!(
            f,
            FormField::Description | FormField::VisitorDescription | FormField::Witnesses
        );
        let clean = crate::text::sanitise_for_display(text, keep_lines);
        let Some(input) = self.input_mut(f) else {
            return FormEvent::Nothing;
        };
        let mut value = input.value().to_string();
        value.push_str(&clean);
        *input = Input::new(value);
        self.text_changed(f)
    }

    pub fn on_key(&mut self, key: KeyEvent, policy: &Policy, now: DateTime<Utc>) -> FormEvent {
        let f = self.focus;
        let ev = self.on_key_inner(key, policy, now);
        if matches!(ev, FormEvent::Changed | FormEvent::Lookup { .. }) {
            self.fixed(f);
        }
        ev
    }

    /// A field was changed: its problems may no longer hold (they are checked again on save).
    fn fixed(&mut self, f: FormField) {
        self.problems
            .retain(|p| FormField::for_problem(p.field) != f);
    }

    fn on_key_inner(&mut self, key: KeyEvent, policy: &Policy, now: DateTime<Utc>) -> FormEvent {
        let ctrl = KeyModifiers::CONTROL;
        let none = KeyModifiers::NONE;
        if self.saving {
            return FormEvent::Nothing;
        }
        if self.confirm_discard {
            return match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => FormEvent::Discarded,
                _ => {
                    self.confirm_discard = false;
                    FormEvent::Nothing
                }
            };
        }
        if key_is(&key, KeyCode::Char('s'), ctrl) {
            return self.try_save(policy, now);
        }
        if key.code == KeyCode::Esc || key_is(&key, KeyCode::Char('c'), ctrl) {
            if self.has_typed_text() {
                self.confirm_discard = true;
                return FormEvent::Nothing;
            }
            return FormEvent::Discarded;
        }
        if key.code == KeyCode::Tab {
            if self.focus == FormField::Who && self.who_choice.is_none() {
                self.choose_who();
            }
            self.move_focus(policy, 1);
            return FormEvent::Changed;
        }
        if key.code == KeyCode::BackTab {
            self.move_focus(policy, -1);
            return FormEvent::Nothing;
        }
        self.message = None;
        let f = self.focus;
        match f {
            FormField::Who if self.amending.is_some() => match key.code {
                KeyCode::Enter | KeyCode::Down => {
                    self.move_focus(policy, 1);
                    FormEvent::Nothing
                }
                _ => {
                    self.message = Some(
                        "A correction cannot change who the incident is about; withdraw it and log it again instead.".into(),
                    );
                    FormEvent::Nothing
                }
            },
            FormField::Who => match key.code {
                KeyCode::Up => {
                    self.who_cursor = self.who_cursor.saturating_sub(1);
                    FormEvent::Nothing
                }
                KeyCode::Down => {
                    self.who_cursor = (self.who_cursor + 1).min(self.who_options() - 1);
                    FormEvent::Nothing
                }
                KeyCode::Enter => {
                    if self.who_choice.is_none() {
                        self.choose_who();
                    }
                    self.move_focus(policy, 1);
                    FormEvent::Changed
                }
                _ => self.edit_text(f, key),
            },
            FormField::Description if key_is(&key, KeyCode::Enter, none) => {
                self.description.handle(InputRequest::InsertChar('\n'));
                self.text_changed(f)
            }
            _ if f.is_text() => {
                if key.code == KeyCode::Enter {
                    self.advance(policy);
                    return FormEvent::Changed;
                }
                self.edit_text(f, key)
            }
            FormField::Channel => self.pick_channel(key, policy),
            FormField::Category => self.pick_category(key, policy),
            FormField::Behaviours => self.pick_behaviour(key, policy),
            FormField::Response => self.pick_response(key, policy),
            FormField::Distress => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    self.distress = Some(true);
                    self.advance(policy);
                    FormEvent::Changed
                }
                KeyCode::Char('n') | KeyCode::Char('N') => {
                    self.distress = Some(false);
                    self.advance(policy);
                    FormEvent::Changed
                }
                KeyCode::Char('u') | KeyCode::Char('U') => {
                    self.distress = None;
                    self.advance(policy);
                    FormEvent::Changed
                }
                KeyCode::Char(_) => {
                    self.message = Some(
                        "In distress is y (yes), n (no) or u (not known); Enter or Tab leaves it as it is."
                            .into(),
                    );
                    FormEvent::Nothing
                }
                _ => self.nav(key, policy),
            },
            FormField::Workload => {
                let options: Vec<(char, &str)> = policy
                    .principles
                    .workload
                    .iter()
                    .map(|c| (c.key, c.id.as_str()))
                    .collect();
                match Self::pick_by_key(key, &options, &self.workload) {
                    Some((id, advance)) => {
                        self.workload = id.to_string();
                        if advance {
                            self.advance(policy);
                        }
                        FormEvent::Changed
                    }
                    None => self.nav(key, policy),
                }
            }
            FormField::Hurt => {
                let options = [('s', "staff"), ('o', "other"), ('n', "nobody")];
                match Self::pick_by_key(key, &options, self.hurt.as_str()) {
                    Some((id, advance)) => {
                        self.hurt = Hurt::parse(id);
                        if advance {
                            self.advance(policy);
                        }
                        FormEvent::Changed
                    }
                    None if matches!(key.code, KeyCode::Char(_)) => {
                        self.message = Some(
                            "Who was hurt is s (a member of staff), o (another customer or visitor) or n (no one)."
                                .into(),
                        );
                        FormEvent::Nothing
                    }
                    None => self.nav(key, policy),
                }
            }
            FormField::Riddor => {
                let options = [('y', "yes"), ('n', "no"), ('u', "not_sure")];
                match Self::pick_by_key(key, &options, self.riddor.as_str()) {
                    Some((id, advance)) => {
                        self.riddor = Riddor::parse(id);
                        if advance {
                            self.advance(policy);
                        }
                        FormEvent::Changed
                    }
                    None if matches!(key.code, KeyCode::Char(_)) => {
                        self.message = Some(
                            "Reportable under RIDDOR is y (yes), n (no) or u (not sure).".into(),
                        );
                        FormEvent::Nothing
                    }
                    None => self.nav(key, policy),
                }
            }
            FormField::Debrief => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    self.debrief = true;
                    self.advance(policy);
                    FormEvent::Changed
                }
                KeyCode::Char('n') | KeyCode::Char('N') => {
                    self.debrief = false;
                    self.advance(policy);
                    FormEvent::Changed
                }
                KeyCode::Char(_) => {
                    self.message = Some(
                        "Debrief wanted is y (yes) or n (no); Enter or Tab leaves it as it is."
                            .into(),
                    );
                    FormEvent::Nothing
                }
                _ => self.nav(key, policy),
            },
            // A yes/no answer stays where it is typed: the rest of a word ("yes", "no") is
            // refused here, never carried into the next field.
            FormField::Threat => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    self.threat = true;
                    FormEvent::Changed
                }
                KeyCode::Char('n') | KeyCode::Char('N') => {
                    self.threat = false;
                    FormEvent::Changed
                }
                KeyCode::Char(' ') => {
                    self.threat = !self.threat;
                    FormEvent::Changed
                }
                KeyCode::Enter | KeyCode::Down => {
                    self.advance(policy);
                    FormEvent::Nothing
                }
                KeyCode::Up => {
                    self.move_focus(policy, -1);
                    FormEvent::Nothing
                }
                KeyCode::Char(_) => {
                    self.message = Some(
                        "Immediate threat is y (yes) or n (no); then Enter or Tab for the next field."
                            .into(),
                    );
                    FormEvent::Nothing
                }
                _ => FormEvent::Nothing,
            },
            _ => FormEvent::Nothing,
        }
    }

    fn edit_text(&mut self, f: FormField, key: KeyEvent) -> FormEvent {
        let Some(input) = self.input_mut(f) else {
            return FormEvent::Nothing;
        };
        let before = input.value().to_string();
        // Only printable characters are typed; tui-input ignores other keys.
        if let KeyCode::Char(c) = key.code {
            if c.is_control() {
                return FormEvent::Nothing;
            }
        }
        input.handle_event(&TermEvent::Key(key));
        if input.value() != before {
            self.text_changed(f)
        } else {
            FormEvent::Nothing
        }
    }

    /// Letter keys pick; Left and Right step through; a pick moves on to the next field.
    fn pick_by_key<'a>(
        key: KeyEvent,
        options: &'a [(char, &'a str)],
        current: &str,
    ) -> Option<(&'a str, bool)> {
        match key.code {
            KeyCode::Char(c) if key.modifiers.difference(KeyModifiers::SHIFT).is_empty() => {
                let c = c.to_ascii_lowercase();
                if let Some(d) = c.to_digit(10).filter(|d| *d >= 1) {
                    return options.get(d as usize - 1).map(|(_, id)| (*id, true));
                }
                options
                    .iter()
                    .find(|(k, _)| k.to_ascii_lowercase() == c)
                    .map(|(_, id)| (*id, true))
            }
            KeyCode::Left | KeyCode::Right => {
                let i = options
                    .iter()
                    .position(|(_, id)| *id == current)
                    .unwrap_or(0);
                let n = options.len();
                let j = if key.code == KeyCode::Left {
                    (i + n - 1) % n
                } else {
                    (i + 1) % n
                };
                Some((options[j].1, false))
            }
            _ => None,
        }
    }

    fn nav(&mut self, key: KeyEvent, policy: &Policy) -> FormEvent {
        match key.code {
            KeyCode::Enter | KeyCode::Down => self.advance(policy),
            KeyCode::Up => self.move_focus(policy, -1),
            _ => {}
        }
        FormEvent::Nothing
    }

    fn pick_channel(&mut self, key: KeyEvent, policy: &Policy) -> FormEvent {
        let options: Vec<(char, &str)> = policy
            .channels
            .iter()
            .map(|c| (c.key, c.id.as_str()))
            .collect();
        match Self::pick_by_key(key, &options, &self.channel) {
            Some((id, advance)) => {
                self.channel = id.to_string();
                let allowed = &policy.channel(id).expect("listed").responses;
                if !allowed.contains(&self.response) {
                    self.response = self.default_response(policy, &Choices::default());
                }
                if advance {
                    self.advance(policy);
                }
                FormEvent::Changed
            }
            None => self.nav(key, policy),
        }
    }

    fn pick_category(&mut self, key: KeyEvent, policy: &Policy) -> FormEvent {
        let options: Vec<(char, &str)> = policy
            .categories
            .iter()
            .map(|c| (c.key, c.id.as_str()))
            .collect();
        match Self::pick_by_key(key, &options, &self.category) {
            Some((id, advance)) => {
                if self.category != id {
                    self.category = id.to_string();
                    self.behaviours.clear();
                    self.behaviour_cursor = 0;
                }
                if advance {
                    self.advance(policy);
                }
                FormEvent::Changed
            }
            None => self.nav(key, policy),
        }
    }

    fn pick_behaviour(&mut self, key: KeyEvent, policy: &Policy) -> FormEvent {
        let Some(cat) = policy.category(&self.category) else {
            return self.nav(key, policy);
        };
        let n = cat.behaviours.len();
        let toggle = |me: &mut Self, i: usize| {
            if let Some(b) = cat.behaviours.get(i) {
                if let Some(pos) = me.behaviours.iter().position(|x| x == &b.id) {
                    me.behaviours.remove(pos);
                } else {
                    me.behaviours.push(b.id.clone());
                }
                me.behaviour_cursor = i;
            }
        };
        match key.code {
            KeyCode::Char(c) if c.is_ascii_digit() => {
                let d = c.to_digit(10).unwrap_or(0) as usize;
                let i = if d == 0 { 9 } else { d - 1 };
                toggle(self, i);
                FormEvent::Changed
            }
            KeyCode::Char(' ') => {
                toggle(self, self.behaviour_cursor);
                FormEvent::Changed
            }
            KeyCode::Up => {
                if self.behaviour_cursor == 0 {
                    self.move_focus(policy, -1);
                } else {
                    self.behaviour_cursor -= 1;
                }
                FormEvent::Nothing
            }
            KeyCode::Down => {
                if self.behaviour_cursor + 1 >= n {
                    self.advance(policy);
                } else {
                    self.behaviour_cursor += 1;
                }
                FormEvent::Nothing
            }
            KeyCode::Enter => {
                self.advance(policy);
                FormEvent::Nothing
            }
            _ => FormEvent::Nothing,
        }
    }

    fn pick_response(&mut self, key: KeyEvent, policy: &Policy) -> FormEvent {
        let Some(ch) = policy.channel(&self.channel) else {
            return self.nav(key, policy);
        };
        let options: Vec<(char, &str)> = ch
            .responses
            .iter()
            .filter_map(|id| policy.response(id))
            .map(|r| (r.key, r.id.as_str()))
            .collect();
        match Self::pick_by_key(key, &options, &self.response) {
            Some((id, advance)) => {
                self.response = id.to_string();
                if advance {
                    self.advance(policy);
                }
                FormEvent::Changed
            }
            None => self.nav(key, policy),
        }
    }

    /// Parse the When field.
    pub fn when_value(&self, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
        time::parse_when(self.when.value(), now)
    }

    /// The incident as typed, or the problems to show.
    pub fn build(&self, policy: &Policy, now: DateTime<Utc>) -> Result<NewIncident, Vec<Problem>> {
        let mut problems = Vec::new();
        let occurred_at = match self.when_value(now) {
            Ok(t) => t,
            Err(m) => {
                problems.push(Problem {
                    field: Field::When,
                    message: m,
                });
                now
            }
        };
        let subject = match &self.who_choice {
            Some(WhoChoice::Existing { id, name }) => Subject::Existing {
                id: *id,
                name: name.clone(),
            },
            Some(WhoChoice::New) => Subject::New {
                id: self.new_customer_id,
                name: self.who.value().trim().to_string(),
                phone: self.new_phone.value().trim().to_string(),
                email: self.new_email.value().trim().to_string(),
                address: crate::app::customer::address_list(self.new_address.value()),
                postcode: self.new_postcode.value().trim().to_string(),
            },
            Some(WhoChoice::Unidentified) => Subject::Unidentified {
                id: self.new_customer_id,
                description: self.visitor.value().trim().to_string(),
            },
            None => {
                problems.push(Problem {
                    field: Field::Subject,
                    message: "Choose who this is about: a match, a new customer, or an unidentified visitor (Up/Down, then Enter).".into(),
                });
                Subject::Unidentified {
                    id: self.new_customer_id,
                    description: String::new(),
                }
            }
        };
        let inc = NewIncident {
            id: self.id,
            subject,
            occurred_at,
            channel: self.channel.clone(),
            category: self.category.clone(),
            behaviours: self.behaviours.clone(),
            behaviour_other: self.behaviour_other.value().trim().to_string(),
            response: self.response.clone(),
            reference: self.reference.value().trim().to_string(),
            description: self.description.value().to_string(),
            immediate_threat: self.threat,
            witnesses: self.witnesses.value().trim().to_string(),
            distress: self.distress,
            workload: if policy.asks_workload(&self.category) {
                self.workload.clone()
            } else {
                String::new()
            },
            workload_note: if policy.asks_workload(&self.category) {
                self.workload_note.value().trim().to_string()
            } else {
                String::new()
            },
            harm: if self.asks_safety(policy) {
                self.harm()
            } else {
                Harm::default()
            },
        };
        let mut inc = inc;
        // The member of staff hurt, found on the staff list when it has been read.
        if inc.harm.hurt == Hurt::Staff && !self.staff.is_empty() && !inc.harm.hurt_name.is_empty()
        {
            match crate::app::decision::find_staff(&self.staff, &inc.harm.hurt_name) {
                Ok(s) => {
                    inc.harm.hurt_staff = Some(s.id);
                    inc.harm.hurt_name = s.display_name.clone();
                }
                Err(m) => problems.push(Problem {
                    field: Field::HurtName,
                    message: format!("Who was hurt: {m}"),
                }),
            }
        }
        for p in incident::check(&inc, policy, now) {
            if !problems.iter().any(|q| q.field == p.field) {
                problems.push(p);
            }
        }
        if problems.is_empty() {
            Ok(inc)
        } else {
            Err(problems)
        }
    }

    fn try_save(&mut self, policy: &Policy, now: DateTime<Utc>) -> FormEvent {
        match self.build(policy, now) {
            Ok(inc) => {
                self.problems.clear();
                self.saving = true;
                FormEvent::Save(Box::new(inc))
            }
            Err(problems) => {
                let fields = self.visible_fields(policy);
                if let Some(first) = fields.iter().find(|f| {
                    problems
                        .iter()
                        .any(|p| FormField::for_problem(p.field) == **f)
                }) {
                    self.focus = *first;
                }
                self.problems = problems;
                FormEvent::Nothing
            }
        }
    }

    /// Problems to show next to a field.
    pub fn problems_for(&self, f: FormField) -> Vec<&str> {
        self.problems
            .iter()
            .filter(|p| FormField::for_problem(p.field) == f)
            .map(|p| p.message.as_str())
            .collect()
    }

    /// The save failed for a reason the person must act on: keep everything, say why.
    pub fn save_failed(&mut self, message: String) {
        self.saving = false;
        self.message = Some(message);
    }

    pub fn to_draft(&self, database: &str) -> Draft {
        Draft {
            database: database.to_string(),
            amend_version: self.amending,
            started_at: Some(self.started_at),
            incident_id: Some(self.id),
            subject: match &self.who_choice {
                Some(WhoChoice::Existing { id, name }) => Some(Subject::Existing {
                    id: *id,
                    name: name.clone(),
                }),
                Some(WhoChoice::New) => Some(Subject::New {
                    id: self.new_customer_id,
                    name: self.who.value().to_string(),
                    phone: String::new(),
                    email: String::new(),
                    address: Vec::new(),
                    postcode: String::new(),
                }),
                Some(WhoChoice::Unidentified) => Some(Subject::Unidentified {
                    id: self.new_customer_id,
                    description: String::new(),
                }),
                None => None,
            },
            who_text: self.who.value().to_string(),
            new_phone: self.new_phone.value().to_string(),
            new_email: self.new_email.value().to_string(),
            new_address: self.new_address.value().to_string(),
            new_postcode: self.new_postcode.value().to_string(),
            visitor_description: self.visitor.value().to_string(),
            when: self.when.value().to_string(),
            channel: self.channel.clone(),
            category: self.category.clone(),
            behaviours: self.behaviours.clone(),
            behaviour_other: self.behaviour_other.value().to_string(),
            response: self.response.clone(),
            reference: self.reference.value().to_string(),
            description: self.description.value().to_string(),
            immediate_threat: self.threat,
            witnesses: self.witnesses.value().to_string(),
            distress: self.distress,
            workload: self.workload.clone(),
            workload_note: self.workload_note.value().to_string(),
            harm: self.harm(),
        }
    }

    /// A form brought back from a draft left by a crash or a closed window.
    pub fn from_draft(d: &Draft, policy: &Policy, now: DateTime<Utc>) -> IncidentForm {
        let mut f = IncidentForm::new(policy, None, &Choices::default(), None, now);
        f.id = d.incident_id.unwrap_or(f.id);
        f.started_at = d.started_at.unwrap_or(now);
        f.who = Input::new(d.who_text.clone());
        f.who_choice = match &d.subject {
            Some(Subject::Existing { id, name }) => Some(WhoChoice::Existing {
                id: *id,
                name: name.clone(),
            }),
            Some(Subject::New { id, .. }) => {
                f.new_customer_id = *id;
                Some(WhoChoice::New)
            }
            Some(Subject::Unidentified { id, .. }) => {
                f.new_customer_id = *id;
                Some(WhoChoice::Unidentified)
            }
            None => None,
        };
        f.new_phone = Input::new(d.new_phone.clone());
        f.new_email = Input::new(d.new_email.clone());
        f.new_address = Input::new(d.new_address.clone());
        f.new_postcode = Input::new(d.new_postcode.clone());
        f.visitor = Input::new(d.visitor_description.clone());
        // "Now" meant when the draft was started, not when it is brought back.
        f.when = Input::new(if d.when.trim().is_empty() {
            time::date_time(f.started_at)
        } else {
            d.when.clone()
        });
        if policy.channel(&d.channel).is_some() {
            f.channel = d.channel.clone();
        }
        if policy.category(&d.category).is_some() {
            f.category = d.category.clone();
        }
        f.behaviours = d.behaviours.clone();
        f.behaviour_other = Input::new(d.behaviour_other.clone());
        if policy.response(&d.response).is_some() {
            f.response = d.response.clone();
        }
        f.reference = Input::new(d.reference.clone());
        f.description = Input::new(d.description.clone());
        f.threat = d.immediate_threat;
        f.distress = d.distress;
        if policy.workload_choice(&d.workload).is_some() {
            f.workload = d.workload.clone();
        }
        f.workload_note = Input::new(d.workload_note.clone());
        f.witnesses = Input::new(d.witnesses.clone());
        f.set_harm(&d.harm);
        f.amending = d.amend_version;
        f.focus = FormField::Description;
        f
    }
}
