//! The manager's forms: the decision that follows the meeting between an employee and their
//! manager, and the review of restrictions in force. Like the incident form, they never save
//! anything themselves: a key returns a [`DecisionEvent`] and the app sends the request.

use crate::domain::{
    new_id, Id, NewDecision, NewRestriction, NewReview, Outcome, Restriction, ReviewOutcome, Staff,
};
use crate::policy::decision::{self as rules, DecisionField, DecisionProblem};
use crate::policy::incident::{MAX_LINE, MAX_TEXT};
use crate::policy::{Policy, RestrictionKind};
use crate::time;
use chrono::NaiveDate;
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

/// What kind of entry an item of the picker is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Action,
    Withdrawal,
    Access,
}

/// One action or restriction that can be ticked, with the text of its parameter.
#[derive(Debug, Clone)]
pub struct PickItem {
    pub kind: String,
    pub label: String,
    pub group: Group,
    /// The parameter it takes, if any: contact, minutes, staff, third_party.
    pub param: Option<String>,
    pub ticked: bool,
    pub value: Input,
}

impl PickItem {
    /// What to type for the parameter.
    pub fn param_label(&self) -> &'static str {
        match self.param.as_deref() {
            Some("contact") => "Email and/or phone",
            Some("minutes") => "Minutes",
            Some("staff") => "Staff member",
            Some("third_party") => "Third party",
            _ => "",
        }
    }
}

/// The policy's long-term actions, the withdrawal of services and the access restrictions, to
/// tick. Shared by the decision form and a review that changes what applies.
#[derive(Debug, Clone)]
pub struct Picker {
    pub items: Vec<PickItem>,
}

impl Picker {
    pub fn new(policy: &Policy) -> Picker {
        let mut items = Vec::new();
        for a in &policy.actions {
            items.push(PickItem {
                kind: a.id.clone(),
                label: a.label.clone(),
                group: Group::Action,
                param: a.params.first().cloned(),
                ticked: false,
                value: Input::default(),
            });
        }
        items.push(PickItem {
            kind: policy.withdrawal.id.clone(),
            label: policy.withdrawal.label.clone(),
            group: Group::Withdrawal,
            param: None,
            ticked: false,
            value: Input::default(),
        });
        for a in &policy.access_restrictions {
            items.push(PickItem {
                kind: a.id.clone(),
                label: a.label.clone(),
                group: Group::Access,
                param: None,
                ticked: false,
                value: Input::default(),
            });
        }
        Picker { items }
    }

    /// Ticked as the restrictions in force are, their parameters filled in.
    pub fn from_active(policy: &Policy, active: &[Restriction]) -> Picker {
        let mut p = Picker::new(policy);
        for r in active {
            if let Some(item) = p.items.iter_mut().find(|i| i.kind == r.kind) {
                item.ticked = true;
                let text = match item.param.as_deref() {
                    Some("contact") => [r.params.email.as_str(), r.params.phone.as_str()]
                        .iter()
                        .filter(|s| !s.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" "),
                    Some("minutes") => r.params.minutes.map(|m| m.to_string()).unwrap_or_default(),
                    Some("staff") => r.params.staff_name.clone(),
                    Some("third_party") => r.params.third_party.clone(),
                    _ => String::new(),
                };
                item.value = Input::new(text);
            }
        }
        p
    }

    /// The ticked items as restrictions, their parameters read from what was typed.
    pub fn chosen(&self, staff: &[Staff]) -> Result<Vec<NewRestriction>, Vec<DecisionProblem>> {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for item in self.items.iter().filter(|i| i.ticked) {
            let mut r = NewRestriction {
                kind: item.kind.clone(),
                ..NewRestriction::default()
            };
            let text = item.value.value().trim();
            let field = DecisionField::Param(item.kind.clone());
            match item.param.as_deref() {
                Some("contact") => {
                    let (emails, rest): (Vec<&str>, Vec<&str>) = text
                        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
                        .filter(|w| {
                            !w.is_empty()
                                && !w.eq_ignore_ascii_case("or")
                                && !w.eq_ignore_ascii_case("and")
                        })
                        .partition(|w| w.contains('@'));
                    r.email = emails.join(" ");
                    r.phone = rest.join(" ");
                }
                Some("minutes") if !text.is_empty() => {
                    let digits = text
                        .trim_end_matches("minutes")
                        .trim_end_matches("mins")
                        .trim();
                    match digits.parse::<u64>() {
                        Ok(m) => r.minutes = Some(u32::try_from(m).unwrap_or(u32::MAX)),
                        Err(_) => problems.push(DecisionProblem {
                            field,
                            message: "Type the time limit as a number of minutes, for example 10."
                                .into(),
                        }),
                    }
                }
                Some("staff") if !text.is_empty() => match find_staff(staff, text) {
                    Ok(s) => r.staff_id = Some(s.id),
                    Err(m) => problems.push(DecisionProblem { field, message: m }),
                },
                Some("third_party") => r.third_party = text.to_string(),
                _ => {}
            }
            out.push(r);
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }
}

/// The member of staff a typed name means: their name or login, or the start of one.
pub fn find_staff<'a>(staff: &'a [Staff], text: &str) -> Result<&'a Staff, String> {
    let t = text.trim().to_lowercase();
    let exact: Vec<&Staff> = staff
        .iter()
        .filter(|s| s.display_name.to_lowercase() == t || s.login.to_lowercase() == t)
        .collect();
    if let [one] = exact.as_slice() {
        return Ok(one);
    }
    let starts: Vec<&Staff> = staff
        .iter()
        .filter(|s| {
            s.display_name.to_lowercase().starts_with(&t)
                || s.login.to_lowercase().starts_with(&t)
                || s.display_name
                    .to_lowercase()
                    .split_whitespace()
                    .any(|w| w.starts_with(&t))
        })
        .collect();
    match starts.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "No one on the staff list is called \"{}\": type their name as safedesk knows it.",
            text.trim()
        )),
        many => Err(format!(
            "\"{}\" could be {}: type more of the name.",
            text.trim(),
            many.iter()
                .take(4)
                .map(|s| s.display_name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// A row of a manager's form, in Tab order. Which rows show depends on the choices made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    MeetingDate,
    Attendees,
    Outcome,
    /// An item of the picker, and the row for its parameter.
    Item(usize),
    Param(usize),
    Police,
    RiskAssessment,
    StillWants,
    ReviewOutcome,
    ReviewDate,
    /// The internal notes: kept, never printed.
    Reasons,
    /// The reasons for the customer, printed in the letter.
    CustomerReasons,
}

impl Row {
    pub fn label(self) -> &'static str {
        match self {
            Row::MeetingDate => "Meeting date",
            Row::Attendees => "Who attended",
            Row::Outcome => "Outcome",
            Row::Item(_) | Row::Param(_) => "",
            Row::Police => "Police told",
            Row::RiskAssessment => "Risk assessment",
            Row::StillWants => "Still wants services",
            Row::ReviewOutcome => "Review outcome",
            Row::ReviewDate => "Review date",
            Row::Reasons => "Reasons: internal notes for staff (never printed)",
            Row::CustomerReasons => "Reasons for the customer (printed in the letter)",
        }
    }

    /// Multi-line text: Enter starts a new line there (Tab moves on).
    pub fn is_multiline(self) -> bool {
        matches!(
            self,
            Row::Reasons | Row::CustomerReasons | Row::RiskAssessment
        )
    }
}

/// Which form it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    Decision,
    /// A review of these restrictions (id, version shown, in words).
    Review {
        reviewed: Vec<(Id, i64, String)>,
    },
}

/// What the app should do after a key in a manager's form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionEvent {
    Nothing,
    SaveDecision(Box<NewDecision>),
    SaveReview(Box<NewReview>),
    Discarded,
}

#[derive(Debug, Clone)]
pub struct DecisionForm {
    pub kind: FormKind,
    pub id: Id,
    pub customer_id: Id,
    pub customer_name: String,
    pub case_id: Option<Id>,
    pub case_version: Option<i64>,
    /// The customer's other open cases shown with this one, which the decision answers too.
    pub also_closes: Vec<(Id, i64)>,
    pub focus: Row,
    pub meeting: Input,
    pub attendees: Input,
    pub outcome: Outcome,
    pub picker: Picker,
    pub police: Option<bool>,
    pub risk: Input,
    pub still_wants: Option<bool>,
    pub review_outcome: ReviewOutcome,
    pub review_date: Input,
    pub reasons: Input,
    pub customer_reasons: Input,
    pub problems: Vec<DecisionProblem>,
    pub message: Option<String>,
    pub confirm_discard: bool,
    pub saving: bool,
    /// How the form stood when it opened, to tell whether closing it would lose anything.
    initial: String,
}

fn ctrl(k: &KeyEvent, c: char) -> bool {
    k.code == KeyCode::Char(c) && k.modifiers == KeyModifiers::CONTROL
}

impl DecisionForm {
    /// A decision about a customer, for a case if there is one. `outcome` is preset (an
    /// immediate threat case starts on an immediate restriction).
    #[allow(clippy::too_many_arguments)]
    pub fn decision(
        policy: &Policy,
        customer_id: Id,
        customer_name: &str,
        case: Option<(Id, i64)>,
        outcome: Outcome,
        attendees: &str,
        today: NaiveDate,
    ) -> DecisionForm {
        let mut f = DecisionForm {
            kind: FormKind::Decision,
            id: new_id(),
            customer_id,
            customer_name: customer_name.to_string(),
            case_id: case.map(|c| c.0),
            case_version: case.map(|c| c.1),
            also_closes: Vec::new(),
            focus: Row::Attendees,
            meeting: Input::new(time::date(today)),
            attendees: Input::new(attendees.to_string()),
            outcome,
            picker: Picker::new(policy),
            police: None,
            risk: Input::default(),
            still_wants: None,
            review_outcome: ReviewOutcome::Continue,
            review_date: Input::new(time::date(review_default(policy, today))),
            reasons: Input::default(),
            customer_reasons: Input::default(),
            problems: Vec::new(),
            message: None,
            confirm_discard: false,
            saving: false,
            initial: String::new(),
        };
        f.initial = f.fingerprint();
        f
    }

    /// A review of the restrictions in force.
    pub fn review(
        policy: &Policy,
        customer_id: Id,
        customer_name: &str,
        case: Option<Id>,
        active: &[Restriction],
        today: NaiveDate,
    ) -> DecisionForm {
        let mut f = DecisionForm::decision(
            policy,
            customer_id,
            customer_name,
            None,
            Outcome::Actions,
            "",
            today,
        );
        f.kind = FormKind::Review {
            reviewed: active
                .iter()
                .map(|r| {
                    (
                        r.id,
                        r.version,
                        crate::policy::rules::restriction_sentence(r, policy),
                    )
                })
                .collect(),
        };
        f.case_id = case;
        f.picker = Picker::from_active(policy, active);
        f.focus = Row::StillWants;
        f.initial = f.fingerprint();
        f
    }

    pub fn is_review(&self) -> bool {
        matches!(self.kind, FormKind::Review { .. })
    }

    /// Is this item offered, given the outcome chosen?
    fn offers(&self, item: &PickItem) -> bool {
        match self.kind {
            FormKind::Review { .. } => self.review_outcome == ReviewOutcome::Change,
            FormKind::Decision => match self.outcome {
                Outcome::NoFurtherAction => false,
                Outcome::Actions => item.group != Group::Withdrawal,
                Outcome::WithdrawalOfServices | Outcome::ImmediateRestriction => {
                    item.group == Group::Access
                }
            },
        }
    }

    /// Will anything be restricted (so a review date is needed)?
    fn restricts(&self) -> bool {
        match self.kind {
            FormKind::Review { .. } => self.review_outcome != ReviewOutcome::Lift,
            FormKind::Decision => {
                self.outcome == Outcome::WithdrawalOfServices
                    || self.picker.items.iter().any(|i| i.ticked && self.offers(i))
            }
        }
    }

    /// The rows showing now, in Tab order.
    pub fn rows(&self) -> Vec<Row> {
        let mut v = Vec::new();
        match self.kind {
            FormKind::Decision => v.extend([Row::MeetingDate, Row::Attendees, Row::Outcome]),
            FormKind::Review { .. } => v.extend([Row::StillWants, Row::ReviewOutcome]),
        }
        for (i, item) in self.picker.items.iter().enumerate() {
            if self.offers(item) {
                v.push(Row::Item(i));
                if item.ticked && item.param.is_some() {
                    v.push(Row::Param(i));
                }
            }
        }
        if self.kind == FormKind::Decision && self.outcome == Outcome::ImmediateRestriction {
            v.extend([Row::Police, Row::RiskAssessment]);
        }
        v.push(Row::Reasons);
        v.push(Row::CustomerReasons);
        if self.restricts() {
            v.push(Row::ReviewDate);
        }
        v
    }

    pub fn input(&self, row: Row) -> Option<&Input> {
        Some(match row {
            Row::MeetingDate => &self.meeting,
            Row::Attendees => &self.attendees,
            Row::Param(i) => &self.picker.items.get(i)?.value,
            Row::RiskAssessment => &self.risk,
            Row::ReviewDate => &self.review_date,
            Row::Reasons => &self.reasons,
            Row::CustomerReasons => &self.customer_reasons,
            _ => return None,
        })
    }

    fn input_mut(&mut self, row: Row) -> Option<&mut Input> {
        Some(match row {
            Row::MeetingDate => &mut self.meeting,
            Row::Attendees => &mut self.attendees,
            Row::Param(i) => &mut self.picker.items.get_mut(i)?.value,
            Row::RiskAssessment => &mut self.risk,
            Row::ReviewDate => &mut self.review_date,
            Row::Reasons => &mut self.reasons,
            Row::CustomerReasons => &mut self.customer_reasons,
            _ => return None,
        })
    }

    /// Everything the person can change, as one string.
    fn fingerprint(&self) -> String {
        let mut s = format!(
            "{:?}|{:?}|{:?}|{:?}|{}|{}|{}|{}|{}|{}",
            self.outcome,
            self.police,
            self.still_wants,
            self.review_outcome,
            self.meeting.value(),
            self.attendees.value(),
            self.risk.value(),
            self.review_date.value(),
            self.reasons.value(),
            self.customer_reasons.value()
        );
        for i in &self.picker.items {
            s.push_str(&format!("|{}{}", i.ticked, i.value.value()));
        }
        s
    }

    /// Has anything been typed or chosen that closing would lose?
    pub fn has_typed_text(&self) -> bool {
        self.fingerprint() != self.initial
    }

    fn move_focus(&mut self, step: isize) {
        let rows = self.rows();
        let i = rows.iter().position(|r| *r == self.focus).unwrap_or(0) as isize;
        let n = rows.len() as isize;
        self.focus = rows[((i + step).rem_euclid(n)) as usize];
    }

    /// Problems shown next to a row.
    pub fn problems_for(&self, row: Row) -> Vec<&str> {
        self.problems
            .iter()
            .filter(|p| self.belongs(p, row))
            .map(|p| p.message.as_str())
            .collect()
    }

    /// Does this problem show next to this row?
    fn belongs(&self, p: &DecisionProblem, row: Row) -> bool {
        match (&p.field, row) {
            (DecisionField::MeetingDate, Row::MeetingDate)
            | (DecisionField::Attendees, Row::Attendees)
            | (DecisionField::Outcome, Row::Outcome)
            | (DecisionField::Police, Row::Police)
            | (DecisionField::RiskAssessment, Row::RiskAssessment)
            | (DecisionField::StillWants, Row::StillWants)
            | (DecisionField::ReviewDate, Row::ReviewDate)
            | (DecisionField::Reasons, Row::Reasons)
            | (DecisionField::CustomerReasons, Row::CustomerReasons) => true,
            (DecisionField::Param(k), Row::Param(i)) => {
                self.picker.items.get(i).is_some_and(|it| &it.kind == k)
            }
            (DecisionField::Restrictions, Row::Outcome) => !self.is_review(),
            (DecisionField::Restrictions, Row::ReviewOutcome) => self.is_review(),
            _ => false,
        }
    }

    /// The row was changed: its problems may no longer hold (they are checked again on save).
    fn touched(&mut self, row: Row) {
        let keep: Vec<DecisionProblem> = self
            .problems
            .iter()
            .filter(|p| !self.belongs(p, row))
            .cloned()
            .collect();
        self.problems = keep;
    }

    /// Pasted text goes into the focused text row, cleaned of control characters.
    pub fn on_paste(&mut self, text: &str) {
        let row = self.focus;
        let clean = crate::text::sanitise_for_display(text, row.is_multiline());
        let Some(input) = self.input_mut(row) else {
            return;
        };
        let mut value = input.value().to_string();
        value.push_str(&clean);
        *input = Input::new(value);
        self.limit(row);
    }

    fn limit(&mut self, row: Row) {
        let max = if row.is_multiline() {
            MAX_TEXT + 1
        } else {
            MAX_LINE + 1
        };
        if let Some(input) = self.input_mut(row) {
            if input.value().chars().count() > max {
                let cut: String = input.value().chars().take(max).collect();
                *input = Input::new(cut);
                self.message = Some(format!(
                    "That text was cut to {max} characters: that is the most it keeps."
                ));
            }
        }
    }

    pub fn on_key(
        &mut self,
        key: KeyEvent,
        policy: &Policy,
        staff: &[Staff],
        today: NaiveDate,
    ) -> DecisionEvent {
        if self.saving {
            return DecisionEvent::Nothing;
        }
        if self.confirm_discard {
            return match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => DecisionEvent::Discarded,
                _ => {
                    self.confirm_discard = false;
                    DecisionEvent::Nothing
                }
            };
        }
        if ctrl(&key, 's') {
            return self.try_save(policy, staff, today);
        }
        if key.code == KeyCode::Esc || ctrl(&key, 'c') {
            if self.has_typed_text() {
                self.confirm_discard = true;
                return DecisionEvent::Nothing;
            }
            return DecisionEvent::Discarded;
        }
        match key.code {
            KeyCode::Tab => {
                self.move_focus(1);
                return DecisionEvent::Nothing;
            }
            KeyCode::BackTab => {
                self.move_focus(-1);
                return DecisionEvent::Nothing;
            }
            KeyCode::Up if !self.focus.is_multiline() => {
                self.move_focus(-1);
                return DecisionEvent::Nothing;
            }
            KeyCode::Down if !self.focus.is_multiline() => {
                self.move_focus(1);
                return DecisionEvent::Nothing;
            }
            _ => {}
        }
        self.message = None;
        let row = self.focus;
        self.touched(row);
        let plain = key.modifiers.difference(KeyModifiers::SHIFT).is_empty();
        match row {
            Row::Outcome => {
                let all = [
                    (Outcome::Actions, 'a'),
                    (Outcome::NoFurtherAction, 'n'),
                    (Outcome::WithdrawalOfServices, 'w'),
                    (Outcome::ImmediateRestriction, 'i'),
                ];
                if let Some((o, advance)) = pick(&key, plain, &all, self.outcome) {
                    self.outcome = o;
                    if advance {
                        self.move_focus(1);
                    }
                }
            }
            Row::ReviewOutcome => {
                let all = [
                    (ReviewOutcome::Lift, 'l'),
                    (ReviewOutcome::Continue, 'c'),
                    (ReviewOutcome::Change, 'h'),
                ];
                if let Some((o, advance)) = pick(&key, plain, &all, self.review_outcome) {
                    self.review_outcome = o;
                    if advance {
                        self.move_focus(1);
                    }
                }
            }
            Row::Item(i) => match key.code {
                KeyCode::Char(' ') | KeyCode::Char('x') => {
                    if let Some(item) = self.picker.items.get_mut(i) {
                        item.ticked = !item.ticked;
                        if item.ticked && item.param.is_some() {
                            self.focus = Row::Param(i);
                        }
                    }
                }
                KeyCode::Enter => self.move_focus(1),
                _ => {}
            },
            Row::Police | Row::StillWants => {
                let v = match key.code {
                    KeyCode::Char('y') | KeyCode::Char('Y') => Some(Some(true)),
                    KeyCode::Char('n') | KeyCode::Char('N') => Some(Some(false)),
                    KeyCode::Char('u') | KeyCode::Char('U') if row == Row::StillWants => Some(None),
                    KeyCode::Enter => {
                        self.move_focus(1);
                        None
                    }
                    _ => None,
                };
                if let Some(v) = v {
                    if row == Row::Police {
                        self.police = v;
                    } else {
                        self.still_wants = v;
                    }
                    self.move_focus(1);
                }
            }
            _ => {
                if key.code == KeyCode::Enter && key.modifiers.is_empty() {
                    if row.is_multiline() {
                        if let Some(input) = self.input_mut(row) {
                            input.handle(InputRequest::InsertChar('\n'));
                        }
                        self.limit(row);
                    } else {
                        self.move_focus(1);
                    }
                    return DecisionEvent::Nothing;
                }
                if let KeyCode::Char(c) = key.code {
                    if c.is_control() {
                        return DecisionEvent::Nothing;
                    }
                }
                if let Some(input) = self.input_mut(row) {
                    input.handle_event(&TermEvent::Key(key));
                }
                self.limit(row);
            }
        }
        DecisionEvent::Nothing
    }

    fn date_of(
        &self,
        input: &Input,
        ahead: bool,
        field: DecisionField,
        today: NaiveDate,
    ) -> Result<NaiveDate, DecisionProblem> {
        time::parse_date(input.value(), today, ahead)
            .map_err(|message| DecisionProblem { field, message })
    }

    /// The decision or review as typed, checked against the policy's rules.
    pub fn build(
        &self,
        policy: &Policy,
        staff: &[Staff],
        today: NaiveDate,
    ) -> Result<DecisionEvent, Vec<DecisionProblem>> {
        let mut problems = Vec::new();
        let restricts = self.restricts();
        let review_date = if restricts && !self.review_date.value().trim().is_empty() {
            match self.date_of(&self.review_date, true, DecisionField::ReviewDate, today) {
                Ok(d) => Some(d),
                Err(p) => {
                    problems.push(p);
                    None
                }
            }
        } else {
            None
        };
        let offered: Picker = Picker {
            items: self
                .picker
                .items
                .iter()
                .filter(|i| self.offers(i))
                .cloned()
                .collect(),
        };
        let mut chosen = match offered.chosen(staff) {
            Ok(c) => c,
            Err(p) => {
                problems.extend(p);
                Vec::new()
            }
        };
        let event = match &self.kind {
            FormKind::Decision => {
                let meeting =
                    match self.date_of(&self.meeting, false, DecisionField::MeetingDate, today) {
                        Ok(d) => d,
                        Err(p) => {
                            problems.push(p);
                            today
                        }
                    };
                if self.outcome == Outcome::WithdrawalOfServices {
                    chosen.insert(
                        0,
                        NewRestriction {
                            kind: policy.withdrawal.id.clone(),
                            ..NewRestriction::default()
                        },
                    );
                }
                let d = NewDecision {
                    id: self.id,
                    customer_id: self.customer_id,
                    case_id: self.case_id,
                    case_version: self.case_version,
                    also_closes: self.also_closes.clone(),
                    meeting_date: meeting,
                    attendees: self.attendees.value().trim().to_string(),
                    outcome: self.outcome,
                    reasons: self.reasons.value().trim().to_string(),
                    reasons_for_customer: self.customer_reasons.value().trim().to_string(),
                    restrictions: chosen,
                    review_date,
                    police_told: if self.outcome == Outcome::ImmediateRestriction {
                        self.police
                    } else {
                        None
                    },
                    risk_assessment: if self.outcome == Outcome::ImmediateRestriction {
                        self.risk.value().trim().to_string()
                    } else {
                        String::new()
                    },
                };
                merge(&mut problems, rules::check(&d, policy, staff, today));
                DecisionEvent::SaveDecision(Box::new(d))
            }
            FormKind::Review { reviewed } => {
                let r = NewReview {
                    id: self.id,
                    customer_id: self.customer_id,
                    case_id: self.case_id,
                    reviewed: reviewed.iter().map(|(id, v, _)| (*id, *v)).collect(),
                    still_wants: self.still_wants,
                    outcome: self.review_outcome,
                    replacements: if self.review_outcome == ReviewOutcome::Change {
                        chosen
                    } else {
                        Vec::new()
                    },
                    next_review: review_date,
                    notes: self.reasons.value().trim().to_string(),
                    reasons_for_customer: self.customer_reasons.value().trim().to_string(),
                };
                merge(&mut problems, rules::check_review(&r, policy, staff, today));
                DecisionEvent::SaveReview(Box::new(r))
            }
        };
        if problems.is_empty() {
            Ok(event)
        } else {
            Err(problems)
        }
    }

    fn try_save(&mut self, policy: &Policy, staff: &[Staff], today: NaiveDate) -> DecisionEvent {
        match self.build(policy, staff, today) {
            Ok(event) => {
                self.problems.clear();
                self.saving = true;
                self.message = Some("Saving...".into());
                event
            }
            Err(problems) => {
                self.message = Some(format!("Not saved yet: {}", rules::summary(&problems)));
                self.problems = problems;
                DecisionEvent::Nothing
            }
        }
    }

    /// The store refused it (someone else changed the case, the drive is away): keep every
    /// word typed and say why.
    pub fn save_failed(&mut self, message: String) {
        self.saving = false;
        self.message = Some(message);
    }

    /// The label of an item as the form shows it, in plain words.
    pub fn item_label<'a>(&'a self, i: usize, policy: &'a Policy) -> &'a str {
        let item = &self.picker.items[i];
        policy
            .restriction_kind(&item.kind)
            .map(|k| match k {
                RestrictionKind::Action(a) => a.label.as_str(),
                RestrictionKind::Withdrawal(w) => w.label.as_str(),
                RestrictionKind::Access(a) => a.label.as_str(),
            })
            .unwrap_or(item.label.as_str())
    }
}

/// A choice row's key: its letter picks an option (and moves on), Left and Right step through
/// the options, Enter moves on keeping the choice. Returns the option and whether to move on.
fn pick<T: Copy + PartialEq>(
    key: &KeyEvent,
    plain: bool,
    options: &[(T, char)],
    current: T,
) -> Option<(T, bool)> {
    let i = options.iter().position(|(o, _)| *o == current).unwrap_or(0);
    let n = options.len();
    match key.code {
        KeyCode::Char(c) if plain => options
            .iter()
            .find(|(_, k)| *k == c.to_ascii_lowercase())
            .map(|(o, _)| (*o, true)),
        KeyCode::Left => Some((options[(i + n - 1) % n].0, false)),
        KeyCode::Right => Some((options[(i + 1) % n].0, false)),
        KeyCode::Enter => Some((current, true)),
        _ => None,
    }
}

/// Add the rules' problems to the ones found reading the typing, one message per field (what
/// could not be read says more than what the rules make of it).
fn merge(problems: &mut Vec<DecisionProblem>, more: Vec<DecisionProblem>) {
    for p in more {
        if !problems.iter().any(|q| q.field == p.field) {
            problems.push(p);
        }
    }
}

/// The review date a decision made today gets unless the manager says otherwise.
pub fn review_default(policy: &Policy, today: NaiveDate) -> NaiveDate {
    today + chrono::Duration::weeks(i64::from(policy.policy.review_period_weeks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crossterm::event::KeyEvent;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn staff() -> Vec<Staff> {
        vec![Staff {
            id: uuid::Uuid::from_u128(1),
            login: "spatel".into(),
            display_name: "Sam Patel".into(),
            role: Role::Manager,
            active: true,
        }]
    }

    fn press(f: &mut DecisionForm, p: &Policy, code: KeyCode) -> DecisionEvent {
        f.on_key(
            KeyEvent::new(code, KeyModifiers::NONE),
            p,
            &staff(),
            today(),
        )
    }

    fn typ(f: &mut DecisionForm, p: &Policy, text: &str) {
        for c in text.chars() {
            press(f, p, KeyCode::Char(c));
        }
    }

    fn save(f: &mut DecisionForm, p: &Policy) -> DecisionEvent {
        f.on_key(
            KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL),
            p,
            &staff(),
            today(),
        )
    }

    fn item(f: &DecisionForm, kind: &str) -> usize {
        f.picker.items.iter().position(|i| i.kind == kind).unwrap()
    }

    fn go_to(f: &mut DecisionForm, row: Row) {
        assert!(f.rows().contains(&row), "{row:?} in {:?}", f.rows());
        f.focus = row;
    }

    #[test]
    fn two_actions_with_their_parameters_make_a_decision() {
        let p = Policy::built_in();
        let mut f = DecisionForm::decision(
            &p,
            new_id(),
            "Tunde Okafor",
            Some((new_id(), 3)),
            Outcome::Actions,
            "Amira Hassan, Sam Patel",
            today(),
        );
        let time_limit = item(&f, "time_limit");
        let named = item(&f, "named_staff");
        go_to(&mut f, Row::Item(time_limit));
        press(&mut f, &p, KeyCode::Char(' '));
        assert_eq!(
            f.focus,
            Row::Param(time_limit),
            "ticking moves to its parameter"
        );
        typ(&mut f, &p, "10");
        go_to(&mut f, Row::Item(named));
        press(&mut f, &p, KeyCode::Char(' '));
        typ(&mut f, &p, "sam");
        go_to(&mut f, Row::Reasons);
        typ(&mut f, &p, "Three incidents in a week.");
        // It owes the customer a letter: without reasons for them it is refused, next to
        // their row, and nothing typed is lost.
        assert!(!matches!(save(&mut f, &p), DecisionEvent::SaveDecision(_)));
        assert!(!f.saving);
        let why = f.problems_for(Row::CustomerReasons).join(" ");
        assert!(why.contains("owes the customer a letter"), "{why}");
        assert!(f.problems_for(Row::Reasons).is_empty());
        assert_eq!(f.reasons.value(), "Three incidents in a week.");
        assert!(Row::CustomerReasons
            .label()
            .contains("printed in the letter"));
        assert!(Row::Reasons.label().contains("never printed"));
        go_to(&mut f, Row::CustomerReasons);
        typ(
            &mut f,
            &p,
            "You shouted at our staff three times in a week.",
        );
        match save(&mut f, &p) {
            DecisionEvent::SaveDecision(d) => {
                assert_eq!(d.restrictions.len(), 2);
                assert_eq!(d.restrictions[0].minutes, Some(10));
                assert_eq!(d.restrictions[1].staff_id, Some(uuid::Uuid::from_u128(1)));
                assert_eq!(d.review_date, Some(today() + chrono::Duration::weeks(6)));
                assert_eq!(d.meeting_date, today());
                assert_eq!(d.reasons, "Three incidents in a week.");
                assert_eq!(
                    d.reasons_for_customer,
                    "You shouted at our staff three times in a week."
                );
            }
            other => panic!("{other:?}: {:?}", f.problems),
        }
        assert!(f.saving);
    }

    #[test]
    fn problems_stay_next_to_their_rows_and_nothing_is_lost() {
        let p = Policy::built_in();
        let mut f = DecisionForm::decision(
            &p,
            new_id(),
            "Tunde Okafor",
            None,
            Outcome::Actions,
            "",
            today(),
        );
        let time_limit = item(&f, "time_limit");
        go_to(&mut f, Row::Item(time_limit));
        press(&mut f, &p, KeyCode::Char(' '));
        typ(&mut f, &p, "ten");
        go_to(&mut f, Row::ReviewDate);
        for _ in 0..10 {
            press(&mut f, &p, KeyCode::Backspace);
        }
        typ(&mut f, &p, "01/01/2020");
        assert_eq!(save(&mut f, &p), DecisionEvent::Nothing);
        assert!(f.problems_for(Row::Param(time_limit))[0].contains("number of minutes"));
        assert!(f.problems_for(Row::ReviewDate)[0].contains("in the past"));
        assert_eq!(f.picker.items[time_limit].value.value(), "ten");
        assert!(f.message.as_deref().unwrap().starts_with("Not saved yet"));
        // Esc asks before throwing the typing away.
        assert_eq!(press(&mut f, &p, KeyCode::Esc), DecisionEvent::Nothing);
        assert!(f.confirm_discard);
        assert_eq!(
            press(&mut f, &p, KeyCode::Char('n')),
            DecisionEvent::Nothing
        );
        assert!(!f.confirm_discard);
    }

    #[test]
    fn an_immediate_restriction_asks_about_the_police_and_risk() {
        let p = Policy::built_in();
        let mut f = DecisionForm::decision(
            &p,
            new_id(),
            "Visitor",
            None,
            Outcome::Actions,
            "Sam Patel",
            today(),
        );
        go_to(&mut f, Row::Outcome);
        press(&mut f, &p, KeyCode::Char('i'));
        assert!(f.rows().contains(&Row::Police));
        assert!(f.rows().contains(&Row::RiskAssessment));
        let ban = item(&f, "banned_from_premises");
        assert!(!f.rows().contains(&Row::Item(0)), "actions are not offered");
        go_to(&mut f, Row::Item(ban));
        press(&mut f, &p, KeyCode::Char(' '));
        go_to(&mut f, Row::Police);
        press(&mut f, &p, KeyCode::Char('y'));
        assert_eq!(f.focus, Row::RiskAssessment);
        typ(&mut f, &p, "Threatened staff.");
        press(&mut f, &p, KeyCode::Enter);
        typ(&mut f, &p, "Police attended.");
        assert_eq!(f.risk.value(), "Threatened staff.\nPolice attended.");
        go_to(&mut f, Row::Reasons);
        typ(&mut f, &p, "Threat with a weapon.");
        go_to(&mut f, Row::CustomerReasons);
        typ(&mut f, &p, "You threatened our staff with a weapon.");
        match save(&mut f, &p) {
            DecisionEvent::SaveDecision(d) => {
                assert_eq!(d.outcome, Outcome::ImmediateRestriction);
                assert_eq!(d.police_told, Some(true));
            }
            other => panic!("{other:?}: {:?}", f.problems),
        }
    }

    #[test]
    fn a_review_lifts_without_a_date_and_continues_with_one() {
        let p = Policy::built_in();
        let r = Restriction {
            id: new_id(),
            customer_id: new_id(),
            decision_id: None,
            kind: "time_limit".into(),
            params: crate::domain::RestrictionParams {
                minutes: Some(10),
                ..Default::default()
            },
            starts_at: chrono::Utc::now(),
            review_due: Some(today()),
            ends_at: None,
            ended_reason: String::new(),
            version: 3,
        };
        let mut f = DecisionForm::review(
            &p,
            r.customer_id,
            "Deborah",
            None,
            std::slice::from_ref(&r),
            today(),
        );
        press(&mut f, &p, KeyCode::Char('y'));
        assert_eq!(f.focus, Row::ReviewOutcome);
        press(&mut f, &p, KeyCode::Char('l'));
        assert!(!f.rows().contains(&Row::ReviewDate));
        go_to(&mut f, Row::Reasons);
        typ(&mut f, &p, "No incidents since.");
        match save(&mut f, &p) {
            DecisionEvent::SaveReview(v) => {
                assert_eq!(v.outcome, ReviewOutcome::Lift);
                assert_eq!(v.reviewed, vec![(r.id, 3)]);
                assert_eq!(v.next_review, None);
            }
            other => panic!("{other:?}: {:?}", f.problems),
        }
        let mut g = DecisionForm::review(&p, r.customer_id, "Deborah", None, &[r], today());
        g.still_wants = Some(true);
        g.review_outcome = ReviewOutcome::Change;
        let tl = item(&g, "time_limit");
        assert!(g.picker.items[tl].ticked);
        assert_eq!(g.picker.items[tl].value.value(), "10");
    }

    #[test]
    fn staff_are_found_by_name_or_login_and_unknown_names_are_explained() {
        let s = staff();
        assert_eq!(find_staff(&s, "Sam Patel").unwrap().login, "spatel");
        assert_eq!(find_staff(&s, "patel").unwrap().login, "spatel");
        assert!(find_staff(&s, "Jo Bloggs").unwrap_err().contains("No one"));
    }
}
