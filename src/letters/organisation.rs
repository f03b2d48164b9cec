//! The organisation's details printed on letters, from a TOML file so any organisation can use
//! safedesk.

use serde::{Deserialize, Serialize};
use std::path::Path;

use super::{clean, io_error, line_of, lines, one_line, LetterError};

/// The organisation details shipped with safedesk: examples that every organisation must edit.
pub const BUILT_IN_ORGANISATION: &str = include_str!("../../assets/organisation.toml");

/// The organisation's details, from a TOML settings file, so any organisation can use safedesk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// The name at the top of every letter and under the signature.
    pub name: String,
    /// The postal address, one line each.
    #[serde(default)]
    pub address: Vec<String>,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    /// The external complaints policy wording: how to complain about a decision.
    pub complaints: String,
    /// The job title under the signature.
    #[serde(default = "default_signatory_title")]
    pub signatory_title: String,
}

fn default_signatory_title() -> String {
    "Manager".to_string()
}

impl Organisation {
    /// The built-in organisation details. They are checked by the test suite, so this cannot
    /// fail; they are examples, see [`Organisation::is_example`].
    pub fn built_in() -> Organisation {
        Organisation::parse(BUILT_IN_ORGANISATION, "(built in)")
            .expect("the built-in organisation file is valid")
    }

    /// True while these are still the built-in example details, which must be edited before
    /// letters are sent. The app can warn about it.
    pub fn is_example(&self) -> bool {
        *self == Organisation::built_in()
    }

    /// Read and check an organisation file.
    pub fn load(path: &Path) -> Result<Organisation, LetterError> {
        let text = crate::text::read_text(path).map_err(|e| {
            io_error(
                "read the organisation file",
                path,
                &e,
                "Check the file exists and is saved as text, or use the built-in details.",
            )
        })?;
        Organisation::parse(&text, &path.display().to_string())
    }

    /// Parse and check organisation settings; `file` names them in error messages.
    pub fn parse(text: &str, file: &str) -> Result<Organisation, LetterError> {
        let error = |line: Option<usize>, message: String| LetterError::Organisation {
            file: file.to_string(),
            line,
            message,
        };
        let org: Organisation = toml::from_str(text).map_err(|e| {
            error(
                e.span().map(|s| line_of(text, s.start)),
                e.message().trim().trim_end_matches('.').to_string(),
            )
        })?;
        for (key, value, what) in [
            ("name", &org.name, "the organisation's name, as it is printed on letters"),
            (
                "complaints",
                &org.complaints,
                "how a customer can complain under your external complaints policy, which the policy says every decision letter must tell them",
            ),
            (
                "signatory_title",
                &org.signatory_title,
                "the job title printed under the signature, such as Manager",
            ),
        ] {
            if clean(value).trim().is_empty() {
                return Err(error(
                    key_line(text, key),
                    format!("{key} is empty; give {what}"),
                ));
            }
        }
        Ok(org)
    }

    /// The details every letter must give that are empty: `address`, `phone`, `email`,
    /// `complaints` (the settings' names, in that order). No letter can be saved while any is
    /// missing: letters tell the customer how to write to us, call us and complain.
    pub fn missing(&self) -> Vec<&'static str> {
        let c = self.cleaned();
        let mut out = Vec::new();
        if c.address.is_empty() {
            out.push("address");
        }
        if c.phone.is_empty() {
            out.push("phone");
        }
        if c.email.is_empty() {
            out.push("email");
        }
        if c.complaints.is_empty() {
            out.push("complaints");
        }
        out
    }

    /// Why no letter can be saved yet, naming each missing detail and the command that sets
    /// them; None when every detail is there.
    pub fn missing_message(&self) -> Option<String> {
        let missing = self.missing();
        if missing.is_empty() {
            return None;
        }
        let words: Vec<&str> = missing
            .iter()
            .map(|m| match *m {
                "address" => "its postal address (address)",
                "phone" => "its telephone number (phone)",
                "email" => "its email address (email)",
                _ => "its complaints wording (complaints)",
            })
            .collect();
        let list = match words.as_slice() {
            [one] => one.to_string(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            [] => String::new(),
        };
        Some(format!(
            "No letter can be saved yet: the organisation's details have no {list}, which every letter must give the customer. An admin fills them in (copy assets/organisation.toml) and runs: safedesk letters set-organisation FILE"
        ))
    }

    /// The details as letters print them: control characters removed, empty lines dropped.
    pub(super) fn cleaned(&self) -> Organisation {
        Organisation {
            name: one_line(&self.name),
            address: lines(&self.address),
            phone: one_line(&self.phone),
            email: one_line(&self.email),
            complaints: clean(&self.complaints).trim().to_string(),
            signatory_title: one_line(&self.signatory_title),
        }
    }
}

/// The line that sets `key` (`key = ...`), outside comments.
fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}
