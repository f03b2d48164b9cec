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

/// One text parameter of a ticked item: what it is (a parameter kind such as "minutes" or
/// "window", "person_contact" for a person's contact details, or "redirect"), its label on the
/// form, and what was typed.
#[derive(Debug, Clone)]
pub struct ParamField {
    pub what: String,
    pub label: String,
    pub value: Input,
}

/// One action or restriction that can be ticked, with the text of its parameters.
#[derive(Debug, Clone)]
pub struct PickItem {
    pub kind: String,
    pub label: String,
    pub group: Group,
    /// Its text parameters, a row each once ticked (where a number is redirected to: only
    /// when redirected).
    pub fields: Vec<ParamField>,
    pub ticked: bool,
    /// It applies to calls, visits or both (a time limit, recording): the policy scope chosen.
    pub scope: Option<String>,
    /// It is a number or address blocked or redirected: "blocked", "redirected" or not yet said
    /// (then its one field is where it is redirected to).
    pub divert: Option<Option<String>>,
}

impl PickItem {
    /// The parameter rows showing (when ticked): indices into `fields`.
    pub fn param_rows(&self) -> Vec<usize> {
        match &self.divert {
            Some(Some(d)) if d == crate::policy::REDIRECTED => vec![0],
            Some(_) => Vec::new(),
            None => (0..self.fields.len()).collect(),
        }
    }

    /// Is any parameter row showing (when ticked)?
    pub fn has_param_row(&self) -> bool {
        !self.param_rows().is_empty()
    }

    /// What was typed for a parameter, trimmed ("" when it has none).
    pub fn typed(&self, what: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.what == what)
            .map(|f| f.value.value().trim())
            .unwrap_or("")
    }

    fn set(&mut self, what: &str, text: String) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.what == what) {
            f.value = Input::new(text);
        }
    }
}

/// The text fields an action's parameters need, in the order of its `params` (what it
/// applies to is chosen on its own row; a person is a name and their contact details).
fn fields_of(a: &crate::policy::Action) -> Vec<ParamField> {
    let mut out = Vec::new();
    for p in a.params.iter().filter(|p| *p != "scope") {
        out.push(ParamField {
            what: p.clone(),
            label: a.param_label(p).to_string(),
            value: Input::default(),
        });
        if p == "person" {
            out.push(ParamField {
                what: "person_contact".into(),
                label: "Their contact".into(),
                value: Input::default(),
            });
        }
    }
    out
}

/// The policy's long-term actions, the withdrawal of services and the access restrictions, to
/// tick. Shared by the decision form and a review that changes what applies.
#[derive(Debug, Clone)]
pub struct Picker {
    pub items: Vec<PickItem>,
}

/// One of the policy's long-term actions, unticked, as the form offers it.
fn action_item(a: &crate::policy::Action) -> PickItem {
    PickItem {
        kind: a.id.clone(),
        label: a.label.clone(),
        group: Group::Action,
        fields: fields_of(a),
        ticked: false,
        // Calls and visits, as before, until the manager chooses otherwise.
        scope: a
            .params
            .iter()
            .any(|p| p == "scope")
            .then(|| crate::policy::SCOPE_BOTH.to_string()),
        divert: None,
    }
}

impl Picker {
    pub fn new(policy: &Policy) -> Picker {
        let mut items = Vec::new();
        // An action the organisation switched off is not offered.
        for a in policy.actions.iter().filter(|a| a.enabled) {
            items.push(action_item(a));
        }
        items.push(PickItem {
            kind: policy.withdrawal.id.clone(),
            label: policy.withdrawal.label.clone(),
            group: Group::Withdrawal,
            fields: Vec::new(),
            ticked: false,
            scope: None,
            divert: None,
        });
        for a in &policy.access_restrictions {
            items.push(PickItem {
                kind: a.id.clone(),
                label: a.label.clone(),
                group: Group::Access,
                fields: if a.diverts() {
                    vec![ParamField {
                        what: "redirect".into(),
                        label: "Redirected to".into(),
                        value: Input::default(),
                    }]
                } else {
                    Vec::new()
                },
                ticked: false,
                scope: None,
                divert: a.diverts().then_some(None),
            });
        }
        Picker { items }
    }

    /// Ticked as the restrictions in force are, their parameters filled in.
    pub fn from_active(policy: &Policy, active: &[Restriction]) -> Picker {
        let mut p = Picker::new(policy);
        for r in active {
            if !p.items.iter().any(|i| i.kind == r.kind) {
                // In force, though the organisation has since switched it off: still shown.
                if let Some(RestrictionKind::Action(a)) = policy.restriction_kind(&r.kind) {
                    let at = p
                        .items
                        .iter()
                        .position(|i| i.group != Group::Action)
                        .unwrap_or(p.items.len());
                    p.items.insert(at, action_item(a));
                }
            }
            if let Some(item) = p.items.iter_mut().find(|i| i.kind == r.kind) {
                item.ticked = true;
                let q = &r.params;
                let contact = [q.email.as_str(), q.phone.as_str()]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" ");
                item.set("contact", contact);
                item.set(
                    "minutes",
                    q.minutes.map(|m| m.to_string()).unwrap_or_default(),
                );
                item.set("staff", q.staff_name.clone());
                item.set("third_party", q.third_party.clone());
                item.set("redirect", q.redirect_to.clone());
                item.set("window", q.windows.clone());
                item.set("date", q.date.map(time::date).unwrap_or_default());
                item.set("text", q.text.clone());
                item.set("person", q.person.clone());
                item.set("person_contact", q.person_contact.clone());
                if item.scope.is_some() && !r.params.scope.is_empty() {
                    item.scope = Some(r.params.scope.clone());
                }
                if item.divert.is_some() && !r.params.divert.is_empty() {
                    item.divert = Some(Some(r.params.divert.clone()));
                }
            }
        }
        p
    }

    /// The ticked items as restrictions, their parameters read from what was typed.
    pub fn chosen(
        &self,
        staff: &[Staff],
        today: NaiveDate,
    ) -> Result<Vec<NewRestriction>, Vec<DecisionProblem>> {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for item in self.items.iter().filter(|i| i.ticked) {
            let mut r = NewRestriction {
                kind: item.kind.clone(),
                ..NewRestriction::default()
            };
            let field = DecisionField::Param(item.kind.clone());
            if let Some(scope) = &item.scope {
                r.scope = scope.clone();
            }
            if let Some(divert) = &item.divert {
                r.divert = divert.clone().unwrap_or_default();
                if item.has_param_row() {
                    r.redirect_to = item.typed("redirect").to_string();
                }
            }
            for f in &item.fields {
                let text = f.value.value().trim();
                match f.what.as_str() {
                    "contact" => {
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
                    "minutes" if !text.is_empty() => {
                        let digits = text
                            .trim_end_matches("minutes")
                            .trim_end_matches("mins")
                            .trim();
                        match digits.parse::<u64>() {
                            Ok(m) => r.minutes = Some(u32::try_from(m).unwrap_or(u32::MAX)),
                            Err(_) => problems.push(DecisionProblem {
                                field: field.clone(),
                                message:
                                    "Type the time limit as a number of minutes, for example 10."
                                        .into(),
                            }),
                        }
                    }
                    "staff" if !text.is_empty() => match find_staff(staff, text) {
                        Ok(s) => r.staff_id = Some(s.id),
                        Err(m) => problems.push(DecisionProblem {
                            field: field.clone(),
                            message: m,
                        }),
                    },
                    "third_party" => r.third_party = text.to_string(),
                    "window" => r.windows = text.to_string(),
                    "date" if !text.is_empty() => match time::parse_date(text, today, false) {
                        Ok(d) => r.date = Some(d),
                        Err(m) => problems.push(DecisionProblem {
                            field: field.clone(),
                            message: format!("{}: {m}", f.label),
                        }),
                    },
                    "text" => r.text = text.to_string(),
                    "person" => r.person = text.to_string(),
                    "person_contact" => r.person_contact = text.to_string(),
                    _ => {}
                }
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
    /// What an item applies to (calls, visits, both), and whether it is blocked or redirected.
    Scope(usize),
    Divert(usize),
    /// An item's parameter: the item, and which of its fields.
    Param(usize, usize),
    /// A withdrawal: a long-term action tried first (an index into the policy's actions), and
    /// why none was suitable.
    Tried(usize),
    NoneSuitable,
    /// A decision that restricts: a reasonable adjustment considered (an index into the
    /// policy's adjustments), others typed, and why they were or were not enough.
    Adjustment(usize),
    AdjustmentsOther,
    AdjustmentsWhy,
    Police,
    /// Which authority was told.
    Authority,
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
            Row::Item(_) | Row::Param(..) | Row::Tried(_) | Row::Adjustment(_) => "",
            Row::AdjustmentsOther => "Others considered",
            Row::AdjustmentsWhy => "Why they were or were not enough",
            Row::Scope(_) => "Applies to",
            Row::Divert(_) => "Blocked/redirected",
            Row::NoneSuitable => "Why no action was suitable (if none was tried)",
            Row::Police => "Police or other told",
            Row::Authority => "Which authority",
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
            Row::Reasons
                | Row::CustomerReasons
                | Row::RiskAssessment
                | Row::NoneSuitable
                | Row::AdjustmentsWhy
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
    pub authority: Input,
    pub risk: Input,
    /// A withdrawal: the policy's long-term actions, each ticked if it was tried first (offered
    /// ticked when the customer had it before), and why none was suitable.
    pub tried: Vec<(String, bool)>,
    pub none_suitable: Input,
    /// A decision that restricts: the policy's reasonable adjustments, each ticked if it was
    /// considered, others typed, and why they were or were not enough.
    pub adjustments: Vec<(String, bool)>,
    pub adjustments_other: Input,
    pub adjustments_why: Input,
    /// The incidents behind the decision that caused significant alarm or possible crime (their
    /// dates): the police row and the risk assessment are asked whatever the outcome.
    pub alarm: Vec<String>,
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
            authority: Input::default(),
            risk: Input::default(),
            tried: policy
                .actions
                .iter()
                .map(|a| (a.id.clone(), false))
                .collect(),
            none_suitable: Input::default(),
            adjustments: policy
                .adjustments
                .iter()
                .map(|a| (a.id.clone(), false))
                .collect(),
            adjustments_other: Input::default(),
            adjustments_why: Input::default(),
            alarm: Vec::new(),
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

    /// The customer's earlier long-term actions are offered ticked as tried (for a withdrawal),
    /// and the incidents of significant alarm behind the decision are remembered (dates).
    pub fn with_history(mut self, earlier_actions: &[String], alarm: Vec<String>) -> DecisionForm {
        for (kind, ticked) in &mut self.tried {
            *ticked = earlier_actions.contains(kind);
        }
        self.alarm = alarm;
        self.initial = self.fingerprint();
        self
    }

    /// Are the reasonable adjustments asked (a decision that restricts or withdraws, or a
    /// review that keeps restrictions)?
    pub fn asks_adjustments(&self) -> bool {
        match self.kind {
            FormKind::Decision => self.outcome != Outcome::NoFurtherAction,
            FormKind::Review { .. } => self.review_outcome != ReviewOutcome::Lift,
        }
    }

    /// A review offers ticked the adjustments considered last time (by the decision or review
    /// that made what is in force), and the others typed then; why is asked afresh.
    pub fn with_adjustments_considered(mut self, ids: &[String], other: &str) -> DecisionForm {
        for (id, ticked) in &mut self.adjustments {
            *ticked = ids.contains(id);
        }
        self.adjustments_other = Input::new(other.trim().to_string());
        self.initial = self.fingerprint();
        self
    }

    /// Are the police and risk rows asked?
    pub fn asks_police(&self) -> bool {
        self.kind == FormKind::Decision
            && (self.outcome == Outcome::ImmediateRestriction || !self.alarm.is_empty())
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
    /// Does saving this decision send it for a second person's approval (the policy's
    /// `[[who_decides]]`)? The sentence the form shows before it is saved, when it does.
    pub fn approval_needed(&self, policy: &Policy) -> Option<String> {
        if self.is_review() {
            return None;
        }
        let mut kinds: Vec<&str> = self
            .picker
            .items
            .iter()
            .filter(|i| i.ticked && self.offers(i))
            .map(|i| i.kind.as_str())
            .collect();
        if self.outcome == Outcome::WithdrawalOfServices {
            kinds.push(policy.withdrawal.id.as_str());
        }
        policy.approval_needed(self.outcome, &kinds)
    }

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
        // The Equality Act's duty comes before any restriction: the adjustments considered
        // are asked before what is restricted.
        if self.asks_adjustments() {
            v.extend((0..self.adjustments.len()).map(Row::Adjustment));
            v.push(Row::AdjustmentsOther);
            v.push(Row::AdjustmentsWhy);
        }
        for (i, item) in self.picker.items.iter().enumerate() {
            if self.offers(item) {
                v.push(Row::Item(i));
                if item.ticked && item.scope.is_some() {
                    v.push(Row::Scope(i));
                }
                if item.ticked && item.divert.is_some() {
                    v.push(Row::Divert(i));
                }
                if item.ticked {
                    v.extend(item.param_rows().into_iter().map(|j| Row::Param(i, j)));
                }
            }
        }
        if self.kind == FormKind::Decision && self.outcome == Outcome::WithdrawalOfServices {
            v.extend((0..self.tried.len()).map(Row::Tried));
            v.push(Row::NoneSuitable);
        }

        if self.asks_police() {
            v.push(Row::Police);
            if self.police == Some(true) {
                v.push(Row::Authority);
            }
            v.push(Row::RiskAssessment);
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
            Row::Param(i, j) => &self.picker.items.get(i)?.fields.get(j)?.value,
            Row::AdjustmentsOther => &self.adjustments_other,
            Row::AdjustmentsWhy => &self.adjustments_why,
            Row::Authority => &self.authority,
            Row::NoneSuitable => &self.none_suitable,
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
            Row::Param(i, j) => &mut self.picker.items.get_mut(i)?.fields.get_mut(j)?.value,
            Row::AdjustmentsOther => &mut self.adjustments_other,
            Row::AdjustmentsWhy => &mut self.adjustments_why,
            Row::Authority => &mut self.authority,
            Row::NoneSuitable => &mut self.none_suitable,
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
            s.push_str(&format!("|{}{:?}{:?}", i.ticked, i.scope, i.divert));
            for f in &i.fields {
                s.push_str(&format!("~{}", f.value.value()));
            }
        }
        for (_, t) in self.tried.iter().chain(&self.adjustments) {
            s.push_str(if *t { "|t" } else { "|f" });
        }
        s.push_str(&format!(
            "|{}|{}",
            self.adjustments_other.value(),
            self.adjustments_why.value()
        ));
        s.push_str(&format!(
            "|{}|{}",
            self.authority.value(),
            self.none_suitable.value()
        ));
        s
    }

    /// Is the focused row a text with nothing typed in it?
    fn focus_is_empty(&self) -> bool {
        self.input(self.focus).is_some_and(|i| i.value().is_empty())
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
            | (DecisionField::CustomerReasons, Row::CustomerReasons)
            | (DecisionField::Authority, Row::Authority)
            | (DecisionField::NoneSuitable, Row::NoneSuitable)
            | (DecisionField::AdjustmentsWhy, Row::AdjustmentsWhy) => true,
            (DecisionField::TriedActions, Row::Tried(0)) => true,
            (DecisionField::Adjustments, Row::Adjustment(0)) => true,
            // A parameter's problem shows under its text row, or its choice row when it has
            // none (a number blocked or redirected, not yet said which).
            (DecisionField::Param(k), Row::Param(i, j)) => self
                .picker
                .items
                .get(i)
                .is_some_and(|it| &it.kind == k && it.param_rows().last() == Some(&j)),
            (DecisionField::Param(k), Row::Divert(i)) => self
                .picker
                .items
                .get(i)
                .is_some_and(|it| &it.kind == k && !it.has_param_row()),
            (DecisionField::Param(k), Row::Scope(i)) => self
                .picker
                .items
                .get(i)
                .is_some_and(|it| &it.kind == k && !it.has_param_row() && it.divert.is_none()),
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
            // Up and Down move between rows, and pass through a longer text while it is empty.
            KeyCode::Up if !self.focus.is_multiline() || self.focus_is_empty() => {
                self.move_focus(-1);
                return DecisionEvent::Nothing;
            }
            KeyCode::Down if !self.focus.is_multiline() || self.focus_is_empty() => {
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
                        if item.ticked && item.has_param_row() {
                            self.focus = Row::Param(i, 0);
                        } else if item.ticked && item.divert.is_some() {
                            self.focus = Row::Divert(i);
                        }
                    }
                }
                KeyCode::Enter => self.move_focus(1),
                _ => {}
            },
            Row::Tried(j) => match key.code {
                KeyCode::Char(' ') | KeyCode::Char('x') => {
                    if let Some((_, t)) = self.tried.get_mut(j) {
                        *t = !*t;
                    }
                }
                KeyCode::Enter => self.move_focus(1),
                _ => {}
            },
            Row::Adjustment(j) => match key.code {
                KeyCode::Char(' ') | KeyCode::Char('x') => {
                    if let Some((_, t)) = self.adjustments.get_mut(j) {
                        *t = !*t;
                    }
                    // Ticking one answers the whole question: its message goes.
                    self.touched(Row::Adjustment(0));
                }
                KeyCode::Enter => self.move_focus(1),
                _ => {}
            },
            Row::Scope(i) => {
                let all: Vec<(String, char)> = policy
                    .scopes
                    .iter()
                    .map(|s| (s.id.clone(), s.key))
                    .collect();
                let current = self.picker.items[i].scope.clone().unwrap_or_default();
                let i_now = all.iter().position(|(id, _)| *id == current).unwrap_or(0);
                let n = all.len().max(1);
                let chosen = match key.code {
                    KeyCode::Char(c) if plain => all
                        .iter()
                        .find(|(_, k)| *k == c.to_ascii_lowercase())
                        .map(|(id, _)| (id.clone(), true)),
                    KeyCode::Left => all
                        .get((i_now + n - 1) % n)
                        .map(|(id, _)| (id.clone(), false)),
                    KeyCode::Right => all.get((i_now + 1) % n).map(|(id, _)| (id.clone(), false)),
                    KeyCode::Enter => Some((current, true)),
                    _ => None,
                };
                if let Some((id, advance)) = chosen {
                    self.picker.items[i].scope = Some(id);
                    if advance {
                        self.move_focus(1);
                    }
                }
            }
            Row::Divert(i) => {
                use crate::policy::{BLOCKED, REDIRECTED};
                let current = self.picker.items[i].divert.clone().flatten();
                let all = [(BLOCKED, 'b'), (REDIRECTED, 'r')];
                let chosen = match key.code {
                    KeyCode::Char(c) if plain => all
                        .iter()
                        .find(|(_, k)| *k == c.to_ascii_lowercase())
                        .map(|(d, _)| (Some(d.to_string()), true)),
                    KeyCode::Left | KeyCode::Right => Some((
                        Some(
                            if current.as_deref() == Some(BLOCKED) {
                                REDIRECTED
                            } else {
                                BLOCKED
                            }
                            .to_string(),
                        ),
                        false,
                    )),
                    KeyCode::Enter => Some((current, true)),
                    _ => None,
                };
                if let Some((d, advance)) = chosen {
                    self.picker.items[i].divert = Some(d);
                    if advance {
                        self.move_focus(1);
                    }
                }
            }
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
        let mut chosen = match offered.chosen(staff, today) {
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
                let withdrawal = self.outcome == Outcome::WithdrawalOfServices;
                if withdrawal {
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
                    police_told: if self.asks_police() {
                        self.police
                    } else {
                        None
                    },
                    risk_assessment: if self.asks_police() {
                        self.risk.value().trim().to_string()
                    } else {
                        String::new()
                    },
                    authority_told: if self.asks_police() && self.police == Some(true) {
                        self.authority.value().trim().to_string()
                    } else {
                        String::new()
                    },
                    tried_actions: if withdrawal {
                        self.tried
                            .iter()
                            .filter(|(_, t)| *t)
                            .map(|(k, _)| k.clone())
                            .collect()
                    } else {
                        Vec::new()
                    },
                    none_suitable: if withdrawal {
                        self.none_suitable.value().trim().to_string()
                    } else {
                        String::new()
                    },
                    adjustments: if self.asks_adjustments() {
                        self.adjustments
                            .iter()
                            .filter(|(_, t)| *t)
                            .map(|(k, _)| k.clone())
                            .collect()
                    } else {
                        Vec::new()
                    },
                    adjustments_other: if self.asks_adjustments() {
                        self.adjustments_other.value().trim().to_string()
                    } else {
                        String::new()
                    },
                    adjustments_why: if self.asks_adjustments() {
                        self.adjustments_why.value().trim().to_string()
                    } else {
                        String::new()
                    },
                };
                let ctx = rules::DecisionContext {
                    alarm: self.alarm.clone(),
                };
                merge(&mut problems, rules::check(&d, policy, staff, today, &ctx));
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
                    adjustments: Vec::new(),
                    adjustments_other: String::new(),
                    adjustments_why: String::new(),
                };
                let r = if self.asks_adjustments() {
                    NewReview {
                        adjustments: self
                            .adjustments
                            .iter()
                            .filter(|(_, t)| *t)
                            .map(|(id, _)| id.clone())
                            .collect(),
                        adjustments_other: self.adjustments_other.value().trim().to_string(),
                        adjustments_why: self.adjustments_why.value().trim().to_string(),
                        ..r
                    }
                } else {
                    r
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
            Row::Param(time_limit, 0),
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
        // A restriction needs the reasonable adjustments considered first, and why.
        assert!(!matches!(save(&mut f, &p), DecisionEvent::SaveDecision(_)));
        let why = f.problems_for(Row::Adjustment(0)).join(" ");
        assert!(why.contains("reasonable adjustments considered"), "{why}");
        assert!(!f.problems_for(Row::AdjustmentsWhy).is_empty());
        go_to(&mut f, Row::AdjustmentsOther);
        typ(&mut f, &p, "Appointments at the quieter Finchley office");
        go_to(&mut f, Row::AdjustmentsWhy);
        typ(&mut f, &p, "Offered; he did not come to them.");
        match save(&mut f, &p) {
            DecisionEvent::SaveDecision(d) => {
                assert_eq!(
                    d.adjustments_other,
                    "Appointments at the quieter Finchley office"
                );
                assert_eq!(d.adjustments_why, "Offered; he did not come to them.");
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
        assert!(f.problems_for(Row::Param(time_limit, 0))[0].contains("number of minutes"));
        assert!(f.problems_for(Row::ReviewDate)[0].contains("in the past"));
        assert_eq!(f.picker.items[time_limit].fields[0].value.value(), "ten");
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
        // Which authority was told, then the risk assessment.
        assert_eq!(f.focus, Row::Authority);
        typ(&mut f, &p, "the police");
        press(&mut f, &p, KeyCode::Tab);
        assert_eq!(f.focus, Row::RiskAssessment);
        typ(&mut f, &p, "Threatened staff.");
        press(&mut f, &p, KeyCode::Enter);
        typ(&mut f, &p, "Police attended.");
        assert_eq!(f.risk.value(), "Threatened staff.\nPolice attended.");
        go_to(&mut f, Row::Reasons);
        typ(&mut f, &p, "Threat with a weapon.");
        go_to(&mut f, Row::CustomerReasons);
        typ(&mut f, &p, "You threatened our staff with a weapon.");
        consider(&mut f, &p);
        match save(&mut f, &p) {
            DecisionEvent::SaveDecision(d) => {
                assert_eq!(d.outcome, Outcome::ImmediateRestriction);
                assert_eq!(d.police_told, Some(true));
                assert_eq!(d.authority_told, "the police");
            }
            other => panic!("{other:?}: {:?}", f.problems),
        }
    }

    fn ready(f: &mut DecisionForm, p: &Policy) {
        go_to(f, Row::Reasons);
        typ(f, p, "Notes for staff.");
        go_to(f, Row::CustomerReasons);
        typ(f, p, "Reasons for the customer.");
        consider(f, p);
    }

    /// The reasonable adjustments a restricting decision records: the first ticked, and why.
    fn consider(f: &mut DecisionForm, p: &Policy) {
        if f.asks_adjustments() {
            go_to(f, Row::Adjustment(0));
            press(f, p, KeyCode::Char(' '));
            go_to(f, Row::AdjustmentsWhy);
            typ(
                f,
                p,
                "A named contact was tried for a month; it did not help.",
            );
        }
    }

    #[test]
    fn a_withdrawal_offers_the_customers_earlier_actions_ticked_and_asks_why_when_none() {
        let p = Policy::built_in();
        let f = DecisionForm::decision(
            &p,
            new_id(),
            "Precious",
            None,
            Outcome::WithdrawalOfServices,
            "Sam Patel",
            today(),
        );
        let mut f = f.with_history(&["witness".into(), "time_limit".into()], vec![]);
        let ticked: Vec<&str> = f
            .tried
            .iter()
            .filter(|(_, t)| *t)
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(ticked, vec!["time_limit", "witness"]);
        assert!(!f.has_typed_text(), "what is offered is not typing");
        assert!(f.rows().contains(&Row::NoneSuitable));
        ready(&mut f, &p);
        match save(&mut f, &p) {
            DecisionEvent::SaveDecision(d) => {
                assert_eq!(
                    d.tried_actions,
                    vec!["time_limit".to_string(), "witness".to_string()]
                );
            }
            other => panic!("{other:?}: {:?}", f.problems),
        }
        // Nothing tried and no reason: refused under the reason's row.
        let f = DecisionForm::decision(
            &p,
            new_id(),
            "Precious",
            None,
            Outcome::WithdrawalOfServices,
            "Sam Patel",
            today(),
        );
        let mut f = f.with_history(&[], vec![]);
        ready(&mut f, &p);
        assert_eq!(save(&mut f, &p), DecisionEvent::Nothing);
        assert!(f.problems_for(Row::NoneSuitable)[0]
            .contains("tick the actions that were tried, or say why none was suitable"));
        go_to(&mut f, Row::NoneSuitable);
        typ(&mut f, &p, "Any contact puts staff at risk.");
        match save(&mut f, &p) {
            DecisionEvent::SaveDecision(d) => {
                assert!(d.tried_actions.is_empty());
                assert_eq!(d.none_suitable, "Any contact puts staff at risk.");
            }
            other => panic!("{other:?}: {:?}", f.problems),
        }
    }

    #[test]
    fn after_an_alarming_incident_any_decision_asks_who_was_told_and_the_risk() {
        let p = Policy::built_in();
        let f = DecisionForm::decision(
            &p,
            new_id(),
            "Tunde",
            None,
            Outcome::Actions,
            "Sam Patel",
            today(),
        );
        assert!(!f.rows().contains(&Row::Police));
        let mut f = f.with_history(&[], vec!["20/11/2026".into()]);
        assert!(f.rows().contains(&Row::Police));
        assert!(f.rows().contains(&Row::RiskAssessment));
        let witness = item(&f, "witness");
        go_to(&mut f, Row::Item(witness));
        press(&mut f, &p, KeyCode::Char(' '));
        ready(&mut f, &p);
        assert_eq!(save(&mut f, &p), DecisionEvent::Nothing);
        assert!(f.problems_for(Row::Police)[0]
            .starts_with("The incident of 20/11/2026 caused significant alarm or possible crime"));
        go_to(&mut f, Row::Police);
        press(&mut f, &p, KeyCode::Char('n'));
        assert!(!f.rows().contains(&Row::Authority));
        go_to(&mut f, Row::RiskAssessment);
        typ(&mut f, &p, "Words only; no risk to others.");
        match save(&mut f, &p) {
            DecisionEvent::SaveDecision(d) => {
                assert_eq!(d.police_told, Some(false));
                assert_eq!(d.risk_assessment, "Words only; no risk to others.");
            }
            other => panic!("{other:?}: {:?}", f.problems),
        }
    }

    #[test]
    fn a_number_is_blocked_or_redirected_and_a_time_limit_covers_calls_visits_or_both() {
        let p = Policy::built_in();
        let mut f = DecisionForm::decision(
            &p,
            new_id(),
            "Tunde",
            None,
            Outcome::Actions,
            "Sam Patel",
            today(),
        );
        let tl = item(&f, "time_limit");
        go_to(&mut f, Row::Item(tl));
        press(&mut f, &p, KeyCode::Char(' '));
        typ(&mut f, &p, "10");
        // Calls and visits unless chosen otherwise: the row before the minutes.
        assert_eq!(f.picker.items[tl].scope.as_deref(), Some("both"));
        go_to(&mut f, Row::Scope(tl));
        press(&mut f, &p, KeyCode::Char('c'));
        let phone = item(&f, "phone_blocked");
        go_to(&mut f, Row::Item(phone));
        press(&mut f, &p, KeyCode::Char(' '));
        assert_eq!(f.focus, Row::Divert(phone));
        assert!(!f.rows().contains(&Row::Param(phone, 0)));
        ready(&mut f, &p);
        assert_eq!(save(&mut f, &p), DecisionEvent::Nothing);
        assert!(f.problems_for(Row::Divert(phone))[0].contains("blocked (b) or redirected (r)"));
        go_to(&mut f, Row::Divert(phone));
        press(&mut f, &p, KeyCode::Char('r'));
        assert_eq!(f.focus, Row::Param(phone, 0));
        assert_eq!(f.picker.items[phone].fields[0].label, "Redirected to");
        assert_eq!(save(&mut f, &p), DecisionEvent::Nothing);
        assert!(f.problems_for(Row::Param(phone, 0))[0]
            .contains("Say where the number is redirected to"));
        go_to(&mut f, Row::Param(phone, 0));
        typ(&mut f, &p, "the duty line 020 7946 0999");
        match save(&mut f, &p) {
            DecisionEvent::SaveDecision(d) => {
                let t = d
                    .restrictions
                    .iter()
                    .find(|r| r.kind == "time_limit")
                    .unwrap();
                assert_eq!((t.minutes, t.scope.as_str()), (Some(10), "calls"));
                let b = d
                    .restrictions
                    .iter()
                    .find(|r| r.kind == "phone_blocked")
                    .unwrap();
                assert_eq!(b.divert, "redirected");
                assert_eq!(b.redirect_to, "the duty line 020 7946 0999");
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
        assert_eq!(g.picker.items[tl].fields[0].value.value(), "10");
    }

    #[test]
    fn staff_are_found_by_name_or_login_and_unknown_names_are_explained() {
        let s = staff();
        assert_eq!(find_staff(&s, "Sam Patel").unwrap().login, "spatel");
        assert_eq!(find_staff(&s, "patel").unwrap().login, "spatel");
        assert!(find_staff(&s, "Jo Bloggs").unwrap_err().contains("No one"));
    }

    #[test]
    fn an_organisations_own_action_and_the_general_kinds_are_typed_on_their_own_rows() {
        let own = r#"
[[actions]]
id = "quiet_hours"
label = "Visits only in the quiet hours"
banner = "Visits only {window}"
params = ["window"]
param_labels = { window = "Quiet hours" }

[[actions]]
id = "retired"
label = "An action switched off"
banner = "Retired"
enabled = false

# When none of the actions"#;
        let text = crate::policy::BUILT_IN.replacen("\n# When none of the actions", own, 1);
        let p = Policy::parse(&text, "ours.toml").unwrap();
        let mut f = DecisionForm::decision(
            &p,
            new_id(),
            "José Núñez",
            None,
            Outcome::Actions,
            "Sam Patel",
            today(),
        );
        assert!(!f.picker.items.iter().any(|i| i.kind == "retired"));
        let quiet = item(&f, "quiet_hours");
        assert_eq!(f.picker.items[quiet].fields[0].label, "Quiet hours");
        go_to(&mut f, Row::Item(quiet));
        press(&mut f, &p, KeyCode::Char(' '));
        assert_eq!(f.focus, Row::Param(quiet, 0));
        typ(&mut f, &p, "Wed 14:00-16:00");
        // A written agreement: its date and its terms, each on its own row.
        let agreement = item(&f, "behaviour_agreement");
        go_to(&mut f, Row::Item(agreement));
        press(&mut f, &p, KeyCode::Char(' '));
        let rows = f.rows();
        assert!(
            rows.contains(&Row::Param(agreement, 0)) && rows.contains(&Row::Param(agreement, 1))
        );
        assert_eq!(f.picker.items[agreement].fields[0].label, "Date signed");
        assert_eq!(f.picker.items[agreement].fields[1].label, "Its terms");
        typ(&mut f, &p, "tomorrow");
        go_to(&mut f, Row::Param(agreement, 1));
        typ(&mut f, &p, "No shouting at reception.");
        // An advocate: a name and their contact details.
        let advocate = item(&f, "advocate");
        go_to(&mut f, Row::Item(advocate));
        press(&mut f, &p, KeyCode::Char(' '));
        typ(&mut f, &p, "Jo Hughes");
        ready(&mut f, &p);
        assert!(!matches!(save(&mut f, &p), DecisionEvent::SaveDecision(_)));
        // The future date and the missing contact are refused on their items' last rows.
        let future = f.problems_for(Row::Param(agreement, 1)).join(" ");
        assert!(future.contains("in the future"), "{future}");
        let contact = f.problems_for(Row::Param(advocate, 1)).join(" ");
        assert!(
            contact.contains("at least one way to contact them"),
            "{contact}"
        );
        f.picker.items[agreement].fields[0].value = Input::new("today".to_string());
        go_to(&mut f, Row::Param(advocate, 1));
        typ(&mut f, &p, "020 7946 0990");
        match save(&mut f, &p) {
            DecisionEvent::SaveDecision(d) => {
                let q = d
                    .restrictions
                    .iter()
                    .find(|r| r.kind == "quiet_hours")
                    .unwrap();
                assert_eq!(q.windows, "Wed 14:00-16:00");
                let a = d
                    .restrictions
                    .iter()
                    .find(|r| r.kind == "behaviour_agreement")
                    .unwrap();
                assert_eq!(a.date, Some(today()));
                assert_eq!(a.text, "No shouting at reception.");
                let v = d
                    .restrictions
                    .iter()
                    .find(|r| r.kind == "advocate")
                    .unwrap();
                assert_eq!(
                    (v.person.as_str(), v.person_contact.as_str()),
                    ("Jo Hughes", "020 7946 0990")
                );
            }
            other => panic!("{other:?}: {:?}", f.problems),
        }
    }
}
