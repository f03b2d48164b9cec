//! Letters to customers, as the policy requires them.
//!
//! The organisation's details (letterhead, complaints wording, the signatory's job title) come
//! from a TOML file; the built-in one is `assets/organisation.toml`, which every organisation
//! must copy and edit before sending letters.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::io;
use std::path::Path;

mod organisation;

pub use organisation::{Organisation, BUILT_IN_ORGANISATION};

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

#[cfg(test)]
mod tests;
