//! The office's settings kept in the shared database, so every PC works to the same ones: the
//! policy in force, the organisation's details for letters and the letter templates.

use serde::Serialize;

/// Which of the office's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Hash)]
pub enum SettingKind {
    /// The policy file (TOML): categories, responses, the threshold, the review period, wording.
    Policy,
    /// The organisation's details for letters (TOML).
    Organisation,
    /// The letter templates an office replaced, as a JSON object of file name to text.
    LetterTemplates,
}

impl SettingKind {
    pub const ALL: [SettingKind; 3] = [
        SettingKind::Policy,
        SettingKind::Organisation,
        SettingKind::LetterTemplates,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SettingKind::Policy => "policy",
            SettingKind::Organisation => "organisation",
            SettingKind::LetterTemplates => "letter_templates",
        }
    }

    /// The setting in words, for messages: "the office's policy".
    pub fn in_words(self) -> &'static str {
        match self {
            SettingKind::Policy => "the office's policy",
            SettingKind::Organisation => "the organisation's details for letters",
            SettingKind::LetterTemplates => "the office's letter templates",
        }
    }
}

/// One version of one of the office's settings, as an admin set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficeSetting {
    pub kind: SettingKind,
    /// 1 for the first one set, then 2, 3...; the built-in one is version 0 and never stored.
    pub version: i64,
    /// The text as set (for the letter templates, a JSON object of file name to text).
    pub body: String,
    pub set_at: chrono::DateTime<chrono::Utc>,
    /// The name of the admin who set it (their login if they are no longer on the list).
    pub set_by: String,
}

impl OfficeSetting {
    /// "version 2, set by Alex Morgan on 24/11/2026 at 14:05"
    pub fn provenance(&self) -> String {
        format!(
            "version {}, set by {} on {}",
            self.version,
            crate::text::sanitise_for_display(&self.set_by, false),
            crate::time::date_time(self.set_at).replacen(' ', " at ", 1)
        )
    }
}
