//! `safedesk policy` and `safedesk letters`: the office's policy and letters, kept in the shared
//! database so every PC works to the same ones. Admins set them; anyone may see them.

use super::maintenance::capitalise;
use super::{session, Cli, LettersCommand, PolicyCommand};
use crate::domain::SettingKind;
use crate::letters::{Organisation, Templates};
use crate::policy::Policy;
use crate::store::Store;
use std::path::Path;
use std::process::ExitCode;

/// `safedesk policy set FILE | show`.
pub fn policy(cli: &Cli, command: &PolicyCommand) -> Result<ExitCode, String> {
    let mut s = session::open(cli)?;
    match command {
        PolicyCommand::Show => {
            match s
                .store
                .office_setting(SettingKind::Policy)
                .map_err(|e| e.to_string())?
            {
                Some(set) => {
                    outln!(
                        "The office's policy in force is {}: {}.",
                        set.provenance(),
                        summary(&s.policy)
                    );
                    out!("\n{}", set.body);
                }
                None => {
                    outln!(
                        "The office's policy in force is the one built into safedesk (version 0): {}.",
                        summary(&s.policy)
                    );
                    out!("\n{}", crate::policy::BUILT_IN);
                }
            }
        }
        PolicyCommand::Set { file } => {
            let text = read(file, "policy file")?;
            let checked = Policy::parse(&text, &file.display().to_string()).map_err(|e| {
                format!(
                    "The policy file {}{}: {}. Nothing was changed: correct the file and run this again.",
                    e.file,
                    e.line.map(|l| format!(", line {l}")).unwrap_or_default(),
                    e.message
                )
            })?;
            let set = s
                .store
                .set_office_setting(&s.actor, SettingKind::Policy, &text)
                .map_err(|e| e.to_string())?;
            outln!(
                "The office's policy is now {}: {}. Every PC's saves run its rules from now on, and PCs already running show it within a second or so.",
                set.provenance(),
                summary(&checked)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `safedesk letters set-organisation FILE | set-templates FOLDER | show`.
pub fn letters(cli: &Cli, command: &LettersCommand) -> Result<ExitCode, String> {
    let mut s = session::open(cli)?;
    let (kind, body) = match command {
        LettersCommand::Show => {
            for kind in [SettingKind::Organisation, SettingKind::LetterTemplates] {
                let set = s.store.office_setting(kind).map_err(|e| e.to_string())?;
                outln!(
                    "{}: {}.",
                    capitalise(kind.in_words()),
                    set.map(|s| s.provenance())
                        .unwrap_or_else(|| "the ones built into safedesk".into())
                );
            }
            match &s.letters {
                Ok(kit) => {
                    outln!("Letters are saved in: {}", kit.dir.display());
                    if let Some(m) = kit.organisation.missing_message() {
                        outln!("{m}");
                    }
                }
                Err(e) => outln!("{e}"),
            }
            return Ok(ExitCode::SUCCESS);
        }
        LettersCommand::SetOrganisation { file } => {
            let text = read(file, "organisation file")?;
            let org = Organisation::parse(&text, &file.display().to_string())
                .map_err(|e| format!("{e} Nothing was changed."))?;
            if !org.missing().is_empty() {
                eprintln!(
                    "Note: {} has no {}. It is set, but no letter can be saved until they are filled in and set again.",
                    file.display(),
                    org.missing().join(", ")
                );
            }
            (SettingKind::Organisation, text)
        }
        LettersCommand::SetTemplates { folder } => {
            let files =
                Templates::read_dir(folder).map_err(|e| format!("{e} Nothing was changed."))?;
            Templates::from_files(&files).map_err(|e| format!("{e} Nothing was changed."))?;
            (
                SettingKind::LetterTemplates,
                serde_json::to_string(&files).map_err(|e| e.to_string())?,
            )
        }
    };
    let set = s
        .store
        .set_office_setting(&s.actor, kind, &body)
        .map_err(|e| e.to_string())?;
    outln!(
        "{} are now {}: every manager's letters use them from their next start of safedesk.",
        capitalise(kind.in_words()),
        set.provenance()
    );
    Ok(ExitCode::SUCCESS)
}

fn read(file: &Path, what: &str) -> Result<String, String> {
    crate::text::read_text(file).map_err(|e| {
        format!(
            "The {what} {} cannot be read ({e}). Nothing was changed.",
            file.display()
        )
    })
}

/// "threshold 3 incidents, reviews every 6 weeks"
fn summary(p: &Policy) -> String {
    format!(
        "threshold {} incidents, reviews every {} weeks",
        p.threshold(),
        p.policy.review_period_weeks
    )
}
