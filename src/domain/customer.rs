//! Customers and unidentified visitors: as stored, and as typed before they are saved.

use super::ids::Id;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The most lines a postal address keeps (without the postcode).
pub const MAX_ADDRESS_LINES: usize = 6;
/// The longest line of a postal address.
pub const MAX_ADDRESS_LINE: usize = 100;
/// The longest postcode (a UK one is at most 8 characters; room for a foreign one).
pub const MAX_POSTCODE: usize = 16;

/// A customer, or an unidentified visitor (no name, a description instead).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Customer {
    pub id: Id,
    /// None for an unidentified visitor.
    pub name: Option<String>,
    pub other_names: Vec<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub postcode: String,
    /// The postal address without the postcode, one line each ("Flat 2", "14 High Road",
    /// "London"); empty when not known.
    pub address: Vec<String>,
    /// The customer needs letters in large print.
    pub large_print: bool,
    /// The customer needs letters in easy read, where the organisation has an easy-read version.
    pub easy_read: bool,
    /// Appearance, where and when seen: for a person whose name is not known.
    pub description: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    /// Bumped on every change, so two people editing at once never silently overwrite each other.
    pub version: i64,
}

impl Customer {
    /// The name to show: the customer's name, or "Unidentified visitor: <description>".
    pub fn display_name(&self) -> String {
        match &self.name {
            Some(n) if !n.trim().is_empty() => n.clone(),
            _ => {
                let d = self.description.trim();
                if d.is_empty() {
                    "Unidentified visitor".to_string()
                } else {
                    format!("Unidentified visitor: {d}")
                }
            }
        }
    }

    pub fn is_unidentified(&self) -> bool {
        self.name.as_deref().is_none_or(|n| n.trim().is_empty())
    }

    /// What a letter is addressed to below the name: the address lines, then the postcode.
    /// Empty when there is no address (a postcode alone is not one).
    pub fn postal_lines(&self) -> Vec<String> {
        let lines: Vec<String> = self
            .address
            .iter()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            return lines;
        }
        let mut out = lines;
        if !self.postcode.trim().is_empty() {
            out.push(self.postcode.trim().to_string());
        }
        out
    }

    /// The customer's details as they stand, to change some of them.
    pub fn edit(&self) -> NewCustomer {
        NewCustomer {
            id: Some(self.id),
            name: self.name.clone(),
            other_names: self.other_names.clone(),
            phones: self.phones.clone(),
            emails: self.emails.clone(),
            postcode: self.postcode.clone(),
            address: self.address.clone(),
            large_print: self.large_print,
            easy_read: self.easy_read,
            description: self.description.clone(),
            notes: self.notes.clone(),
        }
    }

    /// The format the customer's letters are printed in.
    pub fn letter_format(&self) -> LetterFormat {
        LetterFormat {
            large_print: self.large_print,
            easy_read: self.easy_read,
        }
    }
}

/// How a customer's letters are printed: standard, large print, easy read, or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LetterFormat {
    pub large_print: bool,
    pub easy_read: bool,
}

impl LetterFormat {
    /// The choices in the order the details forms cycle through them.
    pub const ALL: [LetterFormat; 4] = [
        LetterFormat {
            large_print: false,
            easy_read: false,
        },
        LetterFormat {
            large_print: true,
            easy_read: false,
        },
        LetterFormat {
            large_print: false,
            easy_read: true,
        },
        LetterFormat {
            large_print: true,
            easy_read: true,
        },
    ];

    /// "standard", "large print", "easy read" or "large print and easy read".
    pub fn words(self) -> &'static str {
        match (self.large_print, self.easy_read) {
            (false, false) => "standard",
            (true, false) => "large print",
            (false, true) => "easy read",
            (true, true) => "large print and easy read",
        }
    }

    /// The format named by [`LetterFormat::words`] (or "large", "easy", "both", "lp", "er",
    /// any case); None for anything else.
    pub fn parse(text: &str) -> Option<LetterFormat> {
        let t = text.trim().to_lowercase();
        let t = t.replace(['-', '_', '+', '&'], " ");
        let words: Vec<&str> = t.split_whitespace().collect();
        let t = words.join(" ");
        match t.as_str() {
            "" | "standard" | "normal" | "none" | "no" => Some(LetterFormat::ALL[0]),
            "large print" | "large" | "lp" => Some(LetterFormat::ALL[1]),
            "easy read" | "easy" | "er" => Some(LetterFormat::ALL[2]),
            "large print and easy read"
            | "easy read and large print"
            | "both"
            | "large print easy read"
            | "lp er" => Some(LetterFormat::ALL[3]),
            _ => None,
        }
    }

    /// The next choice, for Space in a form.
    pub fn next(self) -> LetterFormat {
        let i = LetterFormat::ALL
            .iter()
            .position(|f| *f == self)
            .unwrap_or(0);
        LetterFormat::ALL[(i + 1) % LetterFormat::ALL.len()]
    }
}

/// A new customer or unidentified visitor (or a customer's details as changed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct NewCustomer {
    pub id: Option<Id>,
    pub name: Option<String>,
    pub other_names: Vec<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub postcode: String,
    /// The postal address without the postcode, one line each. Absent in what older versions
    /// wrote (an outbox entry, a draft): empty.
    #[serde(default)]
    pub address: Vec<String>,
    #[serde(default)]
    pub large_print: bool,
    #[serde(default)]
    pub easy_read: bool,
    pub description: String,
    pub notes: String,
}
