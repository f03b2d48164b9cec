//! The office's settings: what a new version must pass before it is kept.

use crate::domain::SettingKind;
use crate::policy::Policy;
use crate::store::{Result, StoreError};

/// A new policy must pass the policy's checks (refused with its line); the other settings are
/// checked where they are used.
pub fn check_body(kind: SettingKind, body: &str) -> Result<()> {
    if kind == SettingKind::Policy {
        Policy::parse(body, "the new policy").map_err(|e| {
            StoreError::Invalid(format!(
                "{}{}: {}. The policy in force is unchanged.",
                e.file,
                e.line.map(|l| format!(", line {l}")).unwrap_or_default(),
                e.message
            ))
        })?;
    }
    Ok(())
}
