//! Letters to customers, as the policy requires them: Markdown templates filled from the facts
//! of a case, saved as Markdown and as a printable HTML page.
//!
//! There are five letters, one template file each (the file name is the letter's id plus `.md`):
//!
//! | File | Letter |
//! |------|--------|
//! | `abusive_correspondence.md` | Reply to abusive correspondence |
//! | `restriction_notice.md` | Restriction notice |
//! | `withdrawal.md` | Withdrawal of services |
//! | `immediate_confirmation.md` | Confirmation of an immediate restriction |
//! | `review_outcome.md` | Review outcome |
//!
//! The built-in templates are in `assets/letters`. To change the wording, copy the ones you want
//! to change into a folder of your own and edit them; any file missing from that folder uses the
//! built-in one. Every template is checked when the folder is loaded, so a misspelt placeholder
//! is reported straight away, with the file and the line, rather than when a letter is made.
//!
//! Templates are Markdown with [minijinja](https://docs.rs/minijinja) placeholders. A new line in
//! a template is a new line in the printed letter; a blank line starts a new paragraph; `## ` at
//! the start of a line makes a heading and `- ` an item in a list. `{{ name }}` prints a
//! placeholder, `{% if name %}...{% endif %}` prints text only when a placeholder is not empty,
//! and `{% for line in name %}...{% endfor %}` repeats text for each item of a list.
//!
//! # Placeholders
//!
//! Dates are already written as 24/11/2026. A placeholder that may be empty says so; use
//! `{% if ... %}` around it.
//!
//! | Placeholder | What it holds |
//! |-------------|---------------|
//! | `date` | The date of the letter. |
//! | `customer_name` | The customer's name (may be empty). |
//! | `customer_address` | The customer's postal address, a list of lines with the postcode last (empty when none is on record: such a letter can be emailed or handed over, not posted). |
//! | `restrictions` | What is restricted, a list with one restriction in plain words each (may be empty). In the review outcome letter, what applies after the review. |
//! | `reasons` | The reasons written for the customer with the decision or review (may be empty; may be several paragraphs). The internal notes are never given to a template. |
//! | `starts` | The date the decision takes effect (may be empty). |
//! | `review_date` | The date the decision will be reviewed (may be empty: then say nothing about when). |
//! | `review_period` | The policy's review period in words, e.g. "6 weeks". |
//! | `decision_notes` | What else the decision recorded, in the policy's words to the customer (the authority told, the actions tried before a withdrawal, the reasonable adjustments considered), a list (may be empty). |
//! | `review_notes` | How a review still works while a restriction is in force (a permanent ban), a list in the policy's words (may be empty). |
//! | `contact_now` | How the customer may contact us now, to follow "please contact us", e.g. "in writing only, to the address above" (may be empty). |
//! | `incidents` | The incidents the letter is about, a list with one line each, e.g. "12/11/2026, telephone: shouting" (may be empty). |
//! | `review_outcome` | The outcome of a review: `lift`, `continue` or `change` (empty in other letters). |
//! | `next_review` | After a review: the date of the next review (may be empty). |
//! | `signed_by` | The name of the manager signing the letter (may be empty). |
//! | `signatory_title` | Their job title, from the organisation file (normally "Manager"). |
//! | `free_text` | The paragraph the manager typed for this letter (may be empty). |
//! | `complaints` | How to complain: the external complaints policy, from the organisation file. |
//! | `organisation.name` | The organisation's name. |
//! | `organisation.address` | The organisation's address, a list of lines. |
//! | `organisation.phone` | Its telephone number (may be empty). |
//! | `organisation.email` | Its email address (may be empty). |
//! | `organisation.complaints`, `organisation.signatory_title` | The same as `complaints` and `signatory_title`. |
//!
//! What staff typed (names, addresses, reasons, the free text and so on) is printed exactly as
//! typed: characters that would otherwise be read as Markdown or HTML are escaped, and control
//! characters are removed. The organisation's details and the templates themselves are trusted
//! and may use Markdown.
//!
//! The organisation's details (letterhead, complaints wording, the signatory's job title) come
//! from a TOML file; the built-in one is `assets/organisation.toml`, which every organisation
//! must copy and edit before sending letters.

use chrono::NaiveDate;
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::io;
use std::path::Path;

use crate::time;

mod export;
mod facts;
mod files;
mod html;
mod open;
mod organisation;

pub use export::{exports_dir, write as write_export, ExportWritten};
pub use facts::{
    contact_now, correspondence_reply, facts_for, incident_line, incidents_behind,
    letter_restrictions, review_letter, suggested, LetterKit, CORRESPONDENCE_NOT_PROCESSED,
    NO_CUSTOMER_REASONS,
};
pub use files::{beside, default_dir, file_stem, letters_dir, save, LetterToSave};
pub use html::{to_html, to_html_as};
pub use open::{printable_page, OpenWith};
pub use organisation::{Organisation, BUILT_IN_ORGANISATION};

/// The built-in templates, in the order of [`LetterKind::ALL`].
const BUILT_IN_TEMPLATES: [&str; 5] = [
    include_str!("../../assets/letters/abusive_correspondence.md"),
    include_str!("../../assets/letters/restriction_notice.md"),
    include_str!("../../assets/letters/withdrawal.md"),
    include_str!("../../assets/letters/immediate_confirmation.md"),
    include_str!("../../assets/letters/review_outcome.md"),
];

/// Every placeholder a template may use at the top level.
pub const PLACEHOLDERS: [&str; 19] = [
    "organisation",
    "date",
    "customer_name",
    "customer_address",
    "restrictions",
    "reasons",
    "starts",
    "review_date",
    "review_period",
    "review_notes",
    "decision_notes",
    "contact_now",
    "incidents",
    "review_outcome",
    "next_review",
    "signed_by",
    "signatory_title",
    "free_text",
    "complaints",
];

/// The fields of `organisation` a template may use.
pub const ORGANISATION_FIELDS: [&str; 6] = [
    "name",
    "address",
    "phone",
    "email",
    "complaints",
    "signatory_title",
];

/// The outcomes of a review, as `review_outcome` holds them.
pub const REVIEW_OUTCOMES: [&str; 3] = ["lift", "continue", "change"];

/// The letters the policy requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    /// The reply to abusive correspondence: it is inappropriate and offensive, please stop, or we
    /// will not respond to further communication.
    AbusiveCorrespondence,
    /// A decision to restrict access: what, why, from when, how to contact us, the review date.
    RestrictionNotice,
    /// Withdrawal of services after a repeated breach of the policy.
    Withdrawal,
    /// Written confirmation of a restriction made without warning because of an immediate threat
    /// to the health, safety or wellbeing of staff.
    ImmediateConfirmation,
    /// The outcome of a review: restrictions lifted, continued or changed.
    ReviewOutcome,
}

impl LetterKind {
    pub const ALL: [LetterKind; 5] = [
        LetterKind::AbusiveCorrespondence,
        LetterKind::RestrictionNotice,
        LetterKind::Withdrawal,
        LetterKind::ImmediateConfirmation,
        LetterKind::ReviewOutcome,
    ];

    /// The id stored in the database, which is also the template's file name without `.md`.
    pub fn as_str(self) -> &'static str {
        match self {
            LetterKind::AbusiveCorrespondence => "abusive_correspondence",
            LetterKind::RestrictionNotice => "restriction_notice",
            LetterKind::Withdrawal => "withdrawal",
            LetterKind::ImmediateConfirmation => "immediate_confirmation",
            LetterKind::ReviewOutcome => "review_outcome",
        }
    }

    pub fn parse(text: &str) -> Option<LetterKind> {
        LetterKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// What staff see in lists and in the letter's file name.
    pub fn label(self) -> &'static str {
        match self {
            LetterKind::AbusiveCorrespondence => "Reply to abusive correspondence",
            LetterKind::RestrictionNotice => "Restriction notice",
            LetterKind::Withdrawal => "Withdrawal of services",
            LetterKind::ImmediateConfirmation => "Confirmation of immediate restriction",
            LetterKind::ReviewOutcome => "Review outcome",
        }
    }

    /// The template's file name: `restriction_notice.md`.
    pub fn file_name(self) -> String {
        format!("{}.md", self.as_str())
    }

    /// The file name of the organisation's easy-read version of the letter, if it has one:
    /// `restriction_notice.easy_read.md`, beside the standard one.
    pub fn easy_read_file_name(self) -> String {
        format!("{}.easy_read.md", self.as_str())
    }
}

/// A stored letter kind in words, for lists: "restriction_notice" is "Restriction notice"; an id
/// this safedesk does not know is shown the same way.
pub fn kind_in_words(kind: &str) -> String {
    let mut s = kind.replace('_', " ");
    if let Some(first) = s.get(..1) {
        let up = first.to_uppercase();
        s.replace_range(..1, &up);
    }
    s
}

impl fmt::Display for LetterKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A letter that cannot be made or saved, saying what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    /// A template that cannot be used: a misspelt placeholder, a syntax error, a file that is not
    /// text.
    #[error("{}", located("The letter template", file, *line, message, "Correct the template (the placeholders are listed in the README) or remove it to use the built-in one."))]
    Template {
        file: String,
        line: Option<usize>,
        message: String,
    },
    /// An organisation file that cannot be used.
    #[error("{}", located("The organisation file", file, *line, message, "Correct the file; its settings are name, address, phone, email, complaints and signatory_title."))]
    Organisation {
        file: String,
        line: Option<usize>,
        message: String,
    },
    /// A file or folder that cannot be read or written; the text is a whole sentence.
    #[error("{0}")]
    Io(String),
}

fn located(what: &str, file: &str, line: Option<usize>, message: &str, advice: &str) -> String {
    match line {
        Some(line) => format!("{what} {file}, line {line}: {message}. {advice}"),
        None => format!("{what} {file}: {message}. {advice}"),
    }
}

fn io_error(doing: &str, path: &Path, e: &io::Error, advice: &str) -> LetterError {
    LetterError::Io(format!(
        "Could not {doing} {} ({e}). {advice}",
        path.display()
    ))
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The facts a letter is written from. Plain data: the app fills it from the database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LetterFacts {
    pub customer_name: String,
    /// One line each; may be empty.
    pub customer_address: Vec<String>,
    /// The letter's date.
    pub date: NaiveDate,
    /// Each restriction in plain words (from `policy::rules::restriction_sentence`). In a review
    /// outcome, what applies after the review.
    pub restrictions: Vec<String>,
    /// The reasons written for the customer (never the internal notes); may be several
    /// paragraphs.
    pub reasons: String,
    /// When the decision takes effect.
    pub starts: Option<NaiveDate>,
    pub review_date: Option<NaiveDate>,
    /// The policy's review period in words: "6 weeks".
    pub review_period: String,
    /// How a review still works while a restriction is in force, in the policy's words.
    pub review_notes: Vec<String>,
    /// What else the decision recorded, in the policy's words to the customer: the authority
    /// told after an incident of significant alarm, the actions tried before a withdrawal (or
    /// that none was suitable). Never the risk assessment or the manager's notes.
    pub decision_notes: Vec<String>,
    /// What the preview warns the manager of (never printed): no reasons for the customer.
    pub warnings: Vec<String>,
    /// How the customer may contact us now, to follow "please contact us": for example
    /// "in writing only, to the address above".
    pub contact_now: String,
    /// One line each, e.g. "12/11/2026, telephone: shouting".
    pub incidents: Vec<String>,
    /// "lift", "continue", "change", or "" when the letter is not a review outcome.
    pub review_outcome: String,
    pub next_review: Option<NaiveDate>,
    /// The manager signing the letter.
    pub signed_by: String,
    /// The paragraph the manager typed for this letter.
    pub free_text: String,
    /// The format the customer needs: large print and/or easy read (never printed as such: it
    /// chooses the template and the page's layout).
    pub format: crate::domain::LetterFormat,
    /// The review a review outcome letter is about (its batch id): saving the letter records
    /// it against that review, so the letter it owes is no longer owed. Never printed.
    #[serde(skip)]
    pub about_review: Option<crate::domain::Id>,
}

/// What a template sees: dates formatted, user data cleaned and escaped for Markdown.
#[derive(Debug, Serialize)]
struct Context {
    organisation: Organisation,
    date: String,
    customer_name: String,
    customer_address: Vec<String>,
    restrictions: Vec<String>,
    reasons: String,
    starts: String,
    review_date: String,
    review_period: String,
    review_notes: Vec<String>,
    decision_notes: Vec<String>,
    contact_now: String,
    incidents: Vec<String>,
    review_outcome: String,
    next_review: String,
    signed_by: String,
    signatory_title: String,
    free_text: String,
    complaints: String,
}

impl Context {
    fn new(facts: &LetterFacts, org: &Organisation) -> Context {
        let organisation = org.cleaned();
        let date = |d: Option<NaiveDate>| d.map(time::date).unwrap_or_default();
        let escaped_lines = |v: &[String]| lines(v).iter().map(|l| markdown_escape(l)).collect();
        let contact_now = one_line(&facts.contact_now);
        Context {
            date: time::date(facts.date),
            customer_name: markdown_escape(&one_line(&facts.customer_name)),
            customer_address: escaped_lines(&facts.customer_address),
            restrictions: escaped_lines(&facts.restrictions),
            reasons: markdown_escape(clean(&facts.reasons).trim()),
            starts: date(facts.starts),
            review_date: date(facts.review_date),
            review_period: markdown_escape(&one_line(&facts.review_period)),
            review_notes: escaped_lines(&facts.review_notes),
            decision_notes: escaped_lines(&facts.decision_notes),
            // The templates put a full stop after it.
            contact_now: markdown_escape(contact_now.trim_end_matches(['.', ' '])),
            incidents: escaped_lines(&facts.incidents),
            review_outcome: one_line(&facts.review_outcome).to_lowercase(),
            next_review: date(facts.next_review),
            signed_by: markdown_escape(&one_line(&facts.signed_by)),
            signatory_title: organisation.signatory_title.clone(),
            free_text: markdown_escape(clean(&facts.free_text).trim()),
            complaints: organisation.complaints.clone(),
            organisation,
        }
    }
}

/// Control characters removed (a tab becomes a space), line endings made `\n`, and the Unicode
/// direction overrides that can make text display differently from what it says removed.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => None,
            c => Some(c),
        })
        .collect()
}

/// Cleaned, on one line, trimmed.
fn one_line(text: &str) -> String {
    clean(text)
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each cleaned onto one line, empty ones dropped.
fn lines(items: &[String]) -> Vec<String> {
    items
        .iter()
        .map(|l| one_line(l))
        .filter(|l| !l.is_empty())
        .collect()
}

/// Text typed by staff, made to print as typed in Markdown: characters Markdown or HTML would
/// read as formatting are escaped with a backslash, and so is anything at the start of a line
/// that would make a heading, list, quote or rule. Leading spaces are dropped (they would make a
/// code block).
fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.trim_start();
        // A heading, list item, quote, rule, setext underline or fence.
        if line.starts_with(['#', '-', '+', '=', '~']) {
            out.push('\\');
        }
        // An ordered list item: "12. " or "12) ".
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        let chars: Vec<char> = line.chars().collect();
        for (j, &c) in chars.iter().enumerate() {
            let entity = c == '&'
                && chars
                    .get(j + 1)
                    .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#');
            let ordered = (1..=9).contains(&digits) && j == digits && matches!(c, '.' | ')');
            if entity || ordered || matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>') {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// The five letter templates, compiled and checked.
pub struct Templates {
    env: Environment<'static>,
    /// The letters the organisation has an easy-read version of.
    easy_read: HashSet<LetterKind>,
}

impl fmt::Debug for Templates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Templates").finish_non_exhaustive()
    }
}

impl Templates {
    /// The templates built into safedesk. They are checked by the test suite, so this cannot
    /// fail.
    pub fn built_in() -> Templates {
        let sources = BUILT_IN_TEMPLATES.map(str::to_string);
        Templates::compile(sources, Vec::new()).expect("the built-in letter templates are valid")
    }

    /// A folder holding some or all of the five templates; a missing one falls back to the
    /// built-in. Every template is checked on load: rendered with full and with empty facts for
    /// every review outcome, and every placeholder it names, even in a part those facts do not
    /// reach, must be one of [`PLACEHOLDERS`]. A `.md` file that is not one of the five letters
    /// is refused, so a misspelt file name is not silently ignored.
    pub fn load_dir(dir: &Path) -> Result<Templates, LetterError> {
        Templates::from_files(&Templates::read_dir(dir)?)
    }

    /// The templates a folder holds (some or all of the five letters), as (file name, text),
    /// without checking them; see [`Templates::load_dir`] for what is refused.
    pub fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, LetterError> {
        let advice = "Check the folder exists and can be read, or use the built-in letters.";
        let entries = fs::read_dir(dir)
            .map_err(|e| io_error("read the letter templates folder", dir, &e, advice))?;
        let names: Vec<String> = LetterKind::ALL
            .iter()
            .flat_map(|k| [k.file_name(), k.easy_read_file_name()])
            .collect();
        for entry in entries {
            let entry =
                entry.map_err(|e| io_error("read the letter templates folder", dir, &e, advice))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_markdown = Path::new(&name)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md"));
            if is_markdown && !names.contains(&name) {
                return Err(LetterError::Template {
                    file: name.clone(),
                    line: None,
                    message: format!(
                        "{name} is in the letter templates folder {} but is not one of the letters ({}); rename it to the letter it replaces or move it out of the folder",
                        dir.display(),
                        names.join(", ")
                    ),
                });
            }
        }
        let mut files = Vec::new();
        for name in &names {
            let path = dir.join(name);
            let bytes = match fs::read(&path) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io_error("read the letter template", &path, &e, advice)),
            };
            let text =
                crate::text::decode_text(&bytes).map_err(|message| LetterError::Template {
                    file: name.clone(),
                    line: None,
                    message,
                })?;
            files.push((name.clone(), text));
        }
        Ok(files)
    }

    /// The built-in templates with some replaced, by file name (`restriction_notice.md`...),
    /// checked as [`Templates::load_dir`] checks them.
    pub fn from_files(files: &[(String, String)]) -> Result<Templates, LetterError> {
        let mut sources = BUILT_IN_TEMPLATES.map(str::to_string);
        let mut easy = Vec::new();
        for (name, text) in files {
            if let Some(kind) = LetterKind::ALL
                .into_iter()
                .find(|k| k.easy_read_file_name() == *name)
            {
                easy.push((kind, text.clone()));
                continue;
            }
            let Some(i) = LetterKind::ALL.iter().position(|k| k.file_name() == *name) else {
                return Err(LetterError::Template {
                    file: name.clone(),
                    line: None,
                    message: format!("{name} is not one of the letters"),
                });
            };
            sources[i] = text.clone();
        }
        Templates::compile(sources, easy)
    }

    /// True when the organisation has an easy-read version of this letter.
    pub fn has_easy_read(&self, kind: LetterKind) -> bool {
        self.easy_read.contains(&kind)
    }

    fn compile(
        sources: [String; 5],
        easy: Vec<(LetterKind, String)>,
    ) -> Result<Templates, LetterError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        for (kind, source) in LetterKind::ALL.iter().zip(sources) {
            let source = source.strip_prefix('\u{feff}').unwrap_or(&source);
            let source = source.replace("\r\n", "\n");
            env.add_template_owned(kind.file_name(), source)
                .map_err(|e| template_error(&e, &kind.file_name(), None))?;
        }
        let mut easy_read = HashSet::new();
        for (kind, source) in easy {
            let source = source.strip_prefix('\u{feff}').unwrap_or(&source);
            let source = source.replace("\r\n", "\n");
            env.add_template_owned(kind.easy_read_file_name(), source)
                .map_err(|e| template_error(&e, &kind.easy_read_file_name(), None))?;
            easy_read.insert(kind);
        }
        let templates = Templates { env, easy_read };
        for kind in LetterKind::ALL {
            templates.check(kind, false)?;
            if templates.has_easy_read(kind) {
                templates.check(kind, true)?;
            }
        }
        Ok(templates)
    }

    /// Render with sample facts, full and empty, for every review outcome; then look for
    /// placeholders in parts those renderings did not reach.
    fn check(&self, kind: LetterKind, easy_read: bool) -> Result<(), LetterError> {
        let org = Organisation::built_in();
        let format = crate::domain::LetterFormat {
            large_print: false,
            easy_read,
        };
        for outcome in REVIEW_OUTCOMES {
            let facts = LetterFacts {
                review_outcome: outcome.to_string(),
                format,
                ..sample_facts()
            };
            self.render(kind, &facts, &org)?;
        }
        let empty_org = Organisation {
            address: Vec::new(),
            phone: String::new(),
            email: String::new(),
            ..org
        };
        for outcome in ["", "lift", "continue", "change"] {
            let facts = LetterFacts {
                review_outcome: outcome.to_string(),
                format,
                ..empty_facts()
            };
            self.render(kind, &facts, &empty_org)?;
        }
        let file = if easy_read {
            kind.easy_read_file_name()
        } else {
            kind.file_name()
        };
        let template = self
            .env
            .get_template(&file)
            .map_err(|e| template_error(&e, &file, None))?;
        let globals: HashSet<String> = self.env.globals().map(|(n, _)| n.to_string()).collect();
        let mut unknown: Vec<String> = template
            .undeclared_variables(true)
            .into_iter()
            .filter(|name| {
                let mut parts = name.split('.');
                let root = parts.next().unwrap_or_default();
                if root == "organisation" {
                    return parts
                        .next()
                        .is_some_and(|field| !ORGANISATION_FIELDS.contains(&field));
                }
                // `loop` is set by minijinja inside every `{% for %}`.
                !PLACEHOLDERS.contains(&root) && root != "loop" && !globals.contains(root)
            })
            .collect();
        unknown.sort();
        if let Some(name) = unknown.first() {
            return Err(LetterError::Template {
                file,
                line: placeholder_line(template.source(), name),
                message: unknown_placeholder(name),
            });
        }
        Ok(())
    }

    /// The letter as Markdown.
    pub fn render(
        &self,
        kind: LetterKind,
        facts: &LetterFacts,
        org: &Organisation,
    ) -> Result<String, LetterError> {
        // The easy-read version when the customer needs it and the organisation has one.
        let file = if facts.format.easy_read && self.has_easy_read(kind) {
            kind.easy_read_file_name()
        } else {
            kind.file_name()
        };
        let template = self
            .env
            .get_template(&file)
            .map_err(|e| template_error(&e, &file, None))?;
        let text = template
            .render(Context::new(facts, org))
            .map_err(|e| template_error(&e, &file, Some(template.source())))?;
        Ok(tidy(&text))
    }
}

fn unknown_placeholder(name: &str) -> String {
    let mut known = PLACEHOLDERS.to_vec();
    known.sort();
    if let Some(field) = name.strip_prefix("organisation.") {
        let field = field.split('.').next().unwrap_or(field);
        return format!(
            "unknown placeholder `organisation.{field}`; the organisation's placeholders are {}",
            ORGANISATION_FIELDS
                .iter()
                .map(|f| format!("organisation.{f}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    format!(
        "unknown placeholder `{name}`; the placeholders are {}",
        known.join(", ")
    )
}

/// The first line that names `name` (a whole word) inside `{{ }}` or `{% %}`.
fn placeholder_line(source: &str, name: &str) -> Option<usize> {
    let mut offset = 0;
    while let Some(open) = source[offset..].find('{') {
        let start = offset + open;
        let close = match source.get(start..start + 2) {
            Some("{{") => "}}",
            Some("{%") => "%}",
            _ => {
                offset = start + 1;
                continue;
            }
        };
        let end = source[start..]
            .find(close)
            .map_or(source.len(), |e| start + e + 2);
        if let Some(at) = find_word(&source[start..end], name) {
            return Some(line_of(source, start + at));
        }
        offset = end;
    }
    None
}

/// Where `word` occurs in `text` not as part of a longer name.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(|c| is_name(c) || c == '.') && !after.is_some_and(is_name)
    })
}

/// A minijinja error as a [`LetterError::Template`], naming the placeholder for an undefined one.
fn template_error(e: &minijinja::Error, file: &str, source: Option<&str>) -> LetterError {
    let detail = e.detail().unwrap_or_default().trim_end_matches('.');
    let message = match e.kind() {
        ErrorKind::UndefinedError => {
            let expression = source
                .zip(e.range())
                .and_then(|(s, r)| s.get(r))
                .map(str::trim)
                .filter(|s| !s.is_empty() && s.len() < 80);
            match expression {
                Some(name) => unknown_placeholder(name),
                None if detail.is_empty() => "a placeholder that does not exist".to_string(),
                None => format!("a placeholder that does not exist ({detail})"),
            }
        }
        ErrorKind::SyntaxError => format!("the template syntax is wrong: {detail}"),
        ErrorKind::UnknownFilter | ErrorKind::UnknownFunction | ErrorKind::UnknownTest => {
            format!("{}: {detail}", e.kind())
        }
        _ if detail.is_empty() => e.kind().to_string(),
        _ => format!("{}: {detail}", e.kind()),
    };
    LetterError::Template {
        file: file.to_string(),
        line: e.line().filter(|l| *l > 0),
        message,
    }
}

/// At most one blank line in a row, no trailing spaces, one newline at the end.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = true;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
        } else {
            out.push_str(line);
            out.push('\n');
            blank = false;
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Facts with every field filled, to check templates with.
fn sample_facts() -> LetterFacts {
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).expect("a valid date");
    LetterFacts {
        customer_name: "Sample Customer".into(),
        customer_address: vec!["1 Sample Street".into(), "London".into()],
        date: day(24),
        restrictions: vec![
            "Written contact only".into(),
            "Banned from the premises".into(),
        ],
        reasons: "Sample reasons.".into(),
        starts: Some(day(25)),
        review_date: NaiveDate::from_ymd_opt(2027, 1, 6),
        review_period: "6 weeks".into(),
        review_notes: vec!["Sample review note.".into()],
        decision_notes: vec!["Sample decision note.".into()],
        warnings: Vec::new(),
        contact_now: "in writing only, to the address above".into(),
        incidents: vec!["12/11/2026, telephone: shouting".into()],
        review_outcome: "continue".into(),
        next_review: NaiveDate::from_ymd_opt(2027, 2, 17),
        signed_by: "Sample Manager".into(),
        free_text: "Sample paragraph.".into(),
        format: crate::domain::LetterFormat::default(),
        about_review: None,
    }
}

/// Facts with nothing but the date, to check templates cope with missing data.
fn empty_facts() -> LetterFacts {
    LetterFacts {
        date: NaiveDate::from_ymd_opt(2026, 11, 24).expect("a valid date"),
        ..LetterFacts::default()
    }
}

#[cfg(test)]
mod tests;
