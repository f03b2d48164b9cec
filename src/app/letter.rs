//! Letters in the app: choosing one for a case, the facts it is written from, the preview with
//! its editable paragraph, and saving it. Rendering is pure ([`crate::letters`]); the files are
//! written by the store worker, never by the screen.

use super::manager::ChoosePurpose;
use super::{App, Notice, Prompt, Request};
use crate::domain::{CaseSummary, CustomerHistory, Decision, Id, LetterStatus, NewLetter, Outcome};
use crate::letters::{LetterFacts, LetterKind, Organisation, Templates};
use crate::policy::{rules, Policy};
use crate::time;
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;
use std::sync::Arc;
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

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

/// The longest paragraph a manager adds to a letter.
pub const MAX_FREE_TEXT: usize = 5_000;

/// A letter being previewed.
#[derive(Debug, Clone)]
pub struct LetterView {
    pub id: Id,
    pub kind: LetterKind,
    pub customer_id: Id,
    pub customer_name: String,
    pub case_id: Option<Id>,
    pub decision_id: Option<Id>,
    pub facts: LetterFacts,
    /// The paragraph the manager adds.
    pub free_text: Input,
    pub editing: bool,
    pub scroll: u16,
    /// The letter as it reads now (Markdown), or why it cannot be made.
    pub rendered: Result<String, String>,
    pub saving: bool,
    pub confirm_discard: bool,
    /// The files already written, when the database could not record them: saving again only
    /// records them, so no second copy is made.
    pub written: Option<(PathBuf, PathBuf)>,
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
/// end of the templates' sentence "Please contact us ...".
pub fn contact_now(h: &CustomerHistory, now: chrono::DateTime<chrono::Utc>) -> String {
    let active = rules::active_restrictions(h, now);
    let has = |k: &str| active.iter().any(|r| r.kind == k);
    if has("all_direct_contact_ended") {
        return "only in writing, to the address above: we will read, acknowledge and file your letters".into();
    }
    if let Some(r) = active.iter().find(|r| r.kind == "third_party") {
        return format!("only through {}", r.params.third_party.trim());
    }
    if has("written_only") || has("written_contact_only") {
        return "only in writing, by letter to the address above or by email".into();
    }
    if let Some(r) = active.iter().find(|r| r.kind == "dedicated_contact") {
        let how = [r.params.email.trim(), r.params.phone.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" or ");
        return format!("only by {how}");
    }
    if let Some(r) = active.iter().find(|r| r.kind == "named_staff") {
        return format!(
            "through {}, who deals with all your calls and letters",
            r.params.staff_name.trim()
        );
    }
    if active.is_empty() {
        return "in the usual ways".into();
    }
    "in the usual ways, within the limits above".into()
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
        contact_now: contact_now(h, now),
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

impl LetterView {
    fn render(&mut self, kit: &LetterKit) {
        self.facts.free_text = self.free_text.value().trim().to_string();
        self.rendered = kit
            .templates
            .render(self.kind, &self.facts, &kit.organisation)
            .map_err(|e| e.to_string());
    }

    /// The file name the letter is saved under (without its extension).
    pub fn stem(&self) -> String {
        crate::letters::file_stem(self.kind, &self.customer_name, self.facts.date)
    }
}

impl App {
    /// Offer the letters, the one the case most likely needs first.
    pub(super) fn choose_letter(&mut self) {
        if let Some(reason) = self.cannot_decide() {
            self.notice = Some(Notice::Error(reason));
            return;
        }
        let Some(view) = &self.case_view else { return };
        let Some(h) = &view.history else {
            self.notice = Some(Notice::Info(
                "The case is still loading: try again in a moment.".into(),
            ));
            return;
        };
        let pick = suggested(&view.case, h);
        self.prompt = Some(Prompt::Choose {
            purpose: ChoosePurpose::LetterKind,
            title: " Produce a letter ".into(),
            lines: vec![format!(
                "Which letter to {}? The one the case needs now is marked.",
                view.case.customer_name
            )],
            options: LetterKind::ALL
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    (
                        char::from_digit(i as u32 + 1, 10).unwrap_or('?'),
                        k.label().to_string(),
                    )
                })
                .collect(),
            cursor: LetterKind::ALL.iter().position(|k| *k == pick).unwrap_or(0),
        });
    }

    /// Open the preview of the letter at `index` of [`LetterKind::ALL`].
    pub(super) fn open_letter(&mut self, index: usize) {
        let Some(kind) = LetterKind::ALL.get(index).copied() else {
            return;
        };
        let kit = match &self.letter_kit {
            Ok(k) => k.clone(),
            Err(e) => {
                self.notice = Some(Notice::Error(e.clone()));
                return;
            }
        };
        let Some(view) = &self.case_view else { return };
        let Some(h) = &view.history else { return };
        let me = self.actor.name();
        match facts_for(kind, &view.case, h, &self.policy, &me, self.now) {
            Err(m) => self.notice = Some(Notice::Info(m)),
            Ok((facts, decision_id)) => {
                let mut letter = LetterView {
                    id: crate::domain::new_id(),
                    kind,
                    customer_id: h.customer.id,
                    customer_name: h.customer.display_name(),
                    case_id: Some(view.case.id),
                    decision_id,
                    facts,
                    free_text: Input::default(),
                    editing: false,
                    scroll: 0,
                    rendered: Ok(String::new()),
                    saving: false,
                    confirm_discard: false,
                    written: None,
                };
                letter.render(&kit);
                self.letter = Some(letter);
            }
        }
    }

    pub(super) fn letter_key(&mut self, key: KeyEvent) {
        self.letter_key_inner(key);
        // Scrolling stops where the end of the letter is in view.
        let (w, h) = self.size;
        if let Some(v) = self.letter.as_mut() {
            let width = usize::from(w.saturating_sub(2).max(1));
            let rows: usize = v
                .rendered
                .as_deref()
                .unwrap_or("")
                .lines()
                .map(|l| {
                    unicode_width::UnicodeWidthStr::width(l)
                        .div_ceil(width)
                        .max(1)
                })
                .sum();
            let view = usize::from(h.saturating_sub(3 + 2 + 2));
            v.scroll = v.scroll.min(rows.saturating_sub(view) as u16);
        }
    }

    fn letter_key_inner(&mut self, key: KeyEvent) {
        let kit = match &self.letter_kit {
            Ok(k) => k.clone(),
            Err(_) => return,
        };
        let Some(v) = self.letter.as_mut() else {
            return;
        };
        if v.saving {
            return;
        }
        if v.confirm_discard {
            if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                self.letter = None;
            } else {
                v.confirm_discard = false;
            }
            return;
        }
        let ctrl = key.modifiers == KeyModifiers::CONTROL;
        if ctrl && key.code == KeyCode::Char('s') || (!v.editing && key.code == KeyCode::Char('s'))
        {
            self.save_letter(&kit);
            return;
        }
        if v.editing {
            match key.code {
                KeyCode::Esc => {
                    v.editing = false;
                    v.render(&kit);
                }
                KeyCode::Enter => {
                    v.free_text.handle(InputRequest::InsertChar('\n'));
                    v.render(&kit);
                }
                KeyCode::Char(c) if c.is_control() => {}
                _ => {
                    if v.free_text.value().chars().count() < MAX_FREE_TEXT
                        || !matches!(key.code, KeyCode::Char(_))
                    {
                        v.free_text.handle_event(&TermEvent::Key(key));
                        v.render(&kit);
                    } else {
                        self.notice = Some(Notice::Info(format!(
                            "The paragraph is at its longest ({MAX_FREE_TEXT} characters)."
                        )));
                    }
                }
            }
            return;
        }
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => {
                if v.free_text.value().trim().is_empty() {
                    self.letter = None;
                } else {
                    v.confirm_discard = true;
                }
            }
            KeyCode::Char('e') | KeyCode::Enter => {
                // A changed letter is a new copy: files already written stay as they were.
                v.written = None;
                v.editing = true;
            }
            KeyCode::Up | KeyCode::Char('k') => v.scroll = v.scroll.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => v.scroll = v.scroll.saturating_add(1),
            KeyCode::PageUp => v.scroll = v.scroll.saturating_sub(10),
            KeyCode::PageDown | KeyCode::Char(' ') => v.scroll = v.scroll.saturating_add(10),
            KeyCode::Home | KeyCode::Char('g') => v.scroll = 0,
            _ => {}
        }
    }

    /// Paste into the letter's paragraph while it is being edited.
    pub(super) fn letter_paste(&mut self, text: &str) {
        let kit = match &self.letter_kit {
            Ok(k) => k.clone(),
            Err(_) => return,
        };
        if let Some(v) = self.letter.as_mut().filter(|v| v.editing) {
            let clean = crate::search::sanitise_for_display(text, true);
            let mut value = v.free_text.value().to_string();
            value.push_str(&clean);
            let cut: String = value.chars().take(MAX_FREE_TEXT).collect();
            if cut.chars().count() < value.chars().count() {
                self.notice = Some(Notice::Info(format!(
                    "The paste was cut: the paragraph keeps at most {MAX_FREE_TEXT} characters."
                )));
            }
            v.free_text = Input::new(cut);
            v.render(&kit);
        }
    }

    fn save_letter(&mut self, kit: &Arc<LetterKit>) {
        let Some(v) = self.letter.as_mut() else {
            return;
        };
        v.editing = false;
        v.render(kit);
        let markdown = match &v.rendered {
            Ok(m) => m.clone(),
            Err(e) => {
                self.notice = Some(Notice::Error(e.clone()));
                return;
            }
        };
        v.saving = true;
        let title = format!("{} - {}", v.kind.label(), v.customer_name);
        self.requests
            .push(Request::SaveLetter(Box::new(LetterToSave {
                dir: kit.dir.clone(),
                stem: v.stem(),
                title,
                written: v.written.clone(),
                record: NewLetter {
                    id: v.id,
                    customer_id: v.customer_id,
                    decision_id: v.decision_id,
                    case_id: v.case_id,
                    kind: v.kind.as_str().to_string(),
                    body: markdown,
                    file: String::new(),
                },
            })));
    }
}

/// A letter for the worker to write to files and record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterToSave {
    pub dir: PathBuf,
    pub stem: String,
    pub title: String,
    /// Files written by an earlier try whose record failed: only the record is made now.
    pub written: Option<(PathBuf, PathBuf)>,
    /// The record to keep; `body` holds the Markdown, `file` is filled in once it is written.
    pub record: NewLetter,
}
