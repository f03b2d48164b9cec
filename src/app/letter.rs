//! Letters in the app: choosing one for a case, the preview with its editable paragraph, and
//! asking for it to be saved. The facts and the rendering are pure ([`crate::letters`]); the
//! files are written by the store worker, never by the screen.

use super::manager::ChoosePurpose;
use super::Overlay;
use super::{App, Notice, Prompt, Request};
use crate::domain::{Id, NewLetter};
use crate::letters::{facts_for, suggested, LetterFacts, LetterKind, LetterKit, LetterToSave};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;
use std::sync::Arc;
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

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
    /// The review it tells the customer about (its batch id), if any.
    pub review_batch: Option<Id>,
    /// The incident it answers (the reply to abusive correspondence), if any: the card then
    /// says the customer was told in writing.
    pub incident_id: Option<Id>,
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

impl LetterView {
    /// A new letter of `kind` to the customer of `h`, made of `facts`, tied to nothing yet.
    fn new(kind: LetterKind, h: &crate::domain::CustomerHistory, facts: LetterFacts) -> LetterView {
        LetterView {
            id: crate::domain::new_id(),
            kind,
            customer_id: h.customer.id,
            customer_name: h.customer.display_name(),
            case_id: None,
            decision_id: None,
            review_batch: None,
            incident_id: None,
            facts,
            free_text: Input::default(),
            editing: false,
            scroll: 0,
            rendered: Ok(String::new()),
            saving: false,
            confirm_discard: false,
            written: None,
        }
    }

    fn render(&mut self, kit: &LetterKit) {
        self.facts.free_text = self.free_text.value().trim().to_string();
        self.rendered = kit
            .templates
            .render(self.kind, &self.facts, &kit.organisation)
            .map_err(|e| e.to_string());
    }

    /// What the manager must know before saving, shown above the letter (never printed): the
    /// format it is printed in, a missing postal address, missing organisation details.
    pub fn notes(&self, kit: &LetterKit) -> Vec<String> {
        let f = self.facts.format;
        let easy = if !f.easy_read {
            None
        } else if kit.templates.has_easy_read(self.kind) {
            Some("easy read (the organisation's easy-read version)".to_string())
        } else {
            Some("easy read was asked for, but there is no easy-read version of this letter, so the standard one is used".to_string())
        };
        let format = match (f.large_print, easy) {
            (false, None) => "standard print".to_string(),
            (true, None) => "large print (18pt, clear type)".to_string(),
            (false, Some(e)) => e,
            (true, Some(e)) => format!("large print (18pt), and {e}"),
        };
        let mut out = vec![format!("Format: {format}.")];
        if self.facts.customer_address.is_empty() {
            out.push("No postal address on record: save it to email or hand over, not to post. To post it, add the address with c on the card.".into());
        }
        if !kit.organisation.missing().is_empty() {
            out.push(format!(
                "Cannot be saved: the organisation's details have no {} (safedesk letters set-organisation FILE).",
                kit.organisation.missing().join(", ")
            ));
        }
        out
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
        let Some(view) = self.overlays.case_view() else {
            return;
        };
        let Some(h) = &view.history else {
            self.notice = Some(Notice::Info(
                "The case is still loading: try again in a moment.".into(),
            ));
            return;
        };
        let pick = suggested(&view.case, h);
        self.overlays.open(Overlay::Prompt(Prompt::Choose {
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
        }));
    }

    /// The templates and organisation letters are made with, or None (and why, on the status
    /// line) when they could not be read.
    fn kit(&mut self) -> Option<std::sync::Arc<LetterKit>> {
        match &self.letter_kit {
            Ok(k) => Some(k.clone()),
            Err(e) => {
                self.notice = Some(Notice::Error(e.clone()));
                None
            }
        }
    }

    /// Show `letter`'s preview, made with `kit`; what the manager is warned of (never printed:
    /// a decision with no reasons for the customer) goes on the status line.
    fn show_letter(&mut self, mut letter: LetterView, kit: &LetterKit) {
        letter.render(kit);
        self.notice = if letter.facts.warnings.is_empty() {
            None
        } else {
            Some(Notice::Info(letter.facts.warnings.join(" ")))
        };
        self.overlays.open(Overlay::Letter(letter));
    }

    /// Open the reply to abusive correspondence for `incident` (just logged), from `h`, the
    /// customer's card: no case and no manager needed.
    pub(super) fn open_reply(&mut self, h: &crate::domain::CustomerHistory, incident: Id) {
        let Some(kit) = self.kit() else { return };
        let me = self.actor.name();
        match crate::letters::correspondence_reply(h, incident, &self.policy, &me, self.now) {
            Err(m) => self.notice = Some(Notice::Info(m)),
            Ok(facts) => {
                let letter = LetterView {
                    incident_id: Some(incident),
                    ..LetterView::new(LetterKind::AbusiveCorrespondence, h, facts)
                };
                self.show_letter(letter, &kit);
            }
        }
    }

    /// Open the letter a review owes (`batch`, the review's id), from `h`, the customer's
    /// record: opened from the letters owed, with no case.
    pub(super) fn open_review_letter(&mut self, h: &crate::domain::CustomerHistory, batch: Id) {
        let Some(kit) = self.kit() else { return };
        let me = self.actor.name();
        match crate::letters::review_letter(h, batch, &self.policy, &me, self.now) {
            Err(m) => self.notice = Some(Notice::Info(m)),
            Ok(facts) => {
                let letter = LetterView {
                    review_batch: Some(batch),
                    ..LetterView::new(LetterKind::ReviewOutcome, h, facts)
                };
                self.show_letter(letter, &kit);
            }
        }
    }

    /// Open the preview of the letter at `index` of [`LetterKind::ALL`].
    pub(super) fn open_letter(&mut self, index: usize) {
        let Some(kind) = LetterKind::ALL.get(index).copied() else {
            return;
        };
        let Some(kit) = self.kit() else { return };
        let Some(view) = self.overlays.case_view() else {
            return;
        };
        let Some(h) = &view.history else { return };
        let me = self.actor.name();
        match facts_for(kind, &view.case, h, &self.policy, &me, self.now) {
            Err(m) => self.notice = Some(Notice::Info(m)),
            Ok((facts, decision_id)) => {
                let letter = LetterView {
                    case_id: Some(view.case.id),
                    decision_id,
                    // A review outcome letter is recorded against its review.
                    review_batch: facts.about_review,
                    // The reply to abusive correspondence answers the case's newest piece of it.
                    incident_id: (kind == LetterKind::AbusiveCorrespondence)
                        .then(|| {
                            h.incidents
                                .iter()
                                .rev()
                                .find(|i| {
                                    i.counts()
                                        && i.response
                                            == crate::letters::CORRESPONDENCE_NOT_PROCESSED
                                        && view.case.incidents.contains(&i.id)
                                })
                                .map(|i| i.id)
                        })
                        .flatten(),
                    ..LetterView::new(kind, h, facts)
                };
                self.show_letter(letter, &kit);
            }
        }
    }

    pub(super) fn letter_key(&mut self, key: KeyEvent) {
        self.letter_key_inner(key);
        // Scrolling stops where the end of the letter is in view.
        let max = self.drawn.letter_scroll_max;
        if let Some(v) = self.overlays.letter_mut() {
            v.scroll = v.scroll.min(max);
        }
    }

    fn letter_key_inner(&mut self, key: KeyEvent) {
        let kit = match &self.letter_kit {
            Ok(k) => k.clone(),
            Err(_) => return,
        };
        let Some(v) = self.overlays.letter_mut() else {
            return;
        };
        if v.saving {
            return;
        }
        if v.confirm_discard {
            if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                self.overlays.close_letter();
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
                    self.overlays.close_letter();
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
            KeyCode::Char('o') => {
                let page = v.written.as_ref().map(|(_, html)| html.clone());
                match page {
                    Some(page) => self.open_page(&page),
                    None => {
                        self.notice = Some(Notice::Info(
                            "This letter is not saved yet, so there is no page to print: press s to save it (o then opens it from the case or the card).".into(),
                        ))
                    }
                }
            }
            _ => {}
        }
    }

    /// Ask for a printable page to be opened with this computer's program for web pages (the
    /// worker opens it: the file may be on the shared drive).
    pub(super) fn open_page(&mut self, page: &std::path::Path) {
        self.notice = Some(Notice::Info(format!("Opening {} ...", page.display())));
        self.requests.push(Request::OpenPage {
            page: page.to_path_buf(),
            with: self.open_with.clone(),
        });
    }

    /// The page was opened, or why not.
    pub(super) fn page_opened(&mut self, page: &std::path::Path, result: Result<(), String>) {
        self.notice = Some(match result {
            Ok(()) => Notice::Info(format!(
                "Opened {} to print (in this computer's program for web pages).",
                page.display()
            )),
            Err(e) => Notice::Error(e),
        });
    }

    /// `o` on a card or a case: the printable page of the newest letter saved for the customer.
    pub(super) fn open_newest_page(&mut self, h: &crate::domain::CustomerHistory) {
        let newest = h
            .letters
            .iter()
            .filter(|l| !l.file.trim().is_empty())
            .max_by_key(|l| l.created_at)
            .and_then(|l| crate::letters::printable_page(&l.file));
        let page = match &self.last_page {
            Some((who, page)) if *who == h.customer.id && newest.is_none() => Some(page.clone()),
            _ => newest,
        };
        match page {
            Some(page) => self.open_page(&page),
            None => {
                self.notice = Some(Notice::Info(format!(
                    "No letter has been saved for {} yet, so there is no page to print. A manager produces one with l on their case.",
                    h.customer.display_name()
                )))
            }
        }
    }

    /// Paste into the letter's paragraph while it is being edited.
    pub(super) fn letter_paste(&mut self, text: &str) {
        let kit = match &self.letter_kit {
            Ok(k) => k.clone(),
            Err(_) => return,
        };
        if let Some(v) = self.overlays.letter_mut().filter(|v| v.editing) {
            let clean = crate::text::sanitise_for_display(text, true);
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
        let Some(v) = self.overlays.letter_mut() else {
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
        if let Some(m) = kit.organisation.missing_message() {
            self.notice = Some(Notice::Error(m));
            return;
        }
        v.saving = true;
        let title = format!("{} - {}", v.kind.label(), v.customer_name);
        self.requests
            .push(Request::SaveLetter(Box::new(LetterToSave {
                dir: kit.dir.clone(),
                stem: v.stem(),
                title,
                large_print: v.facts.format.large_print,
                written: v.written.clone(),
                record: NewLetter {
                    id: v.id,
                    customer_id: v.customer_id,
                    decision_id: v.decision_id,
                    case_id: v.case_id,
                    review_batch: v.review_batch,
                    incident_id: v.incident_id,
                    kind: v.kind.as_str().to_string(),
                    body: markdown,
                    file: String::new(),
                    address: Some(v.facts.customer_address.clone()),
                },
            })));
    }
}
