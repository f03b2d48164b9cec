//! Staff safety: which incidents ask who was hurt and how, whether the injury is reportable
//! under RIDDOR and its reference, and whether the member of staff affected wants a debrief.
//! The policy file says which incidents count (`[safety]`); an older file gets the built-in
//! list (the behaviours of physical violence).

use crate::domain::{Harm, Hurt};
use serde::Deserialize;

/// Which incidents are of physical violence or injury, so the form asks the safety questions.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StaffSafety {
    /// Behaviour categories whose every incident asks (policy ids).
    pub categories: Vec<String>,
    /// Behaviours that ask when shown (policy ids).
    pub behaviours: Vec<String>,
}

impl Default for StaffSafety {
    fn default() -> StaffSafety {
        StaffSafety {
            categories: Vec::new(),
            behaviours: vec![
                "attempted_assault".into(),
                "weapons".into(),
                "physical_assault".into(),
            ],
        }
    }
}

/// The longest RIDDOR reference kept: the HSE's are a few letters and digits.
pub const MAX_RIDDOR_REF: usize = 30;

/// Is this a RIDDOR reference as the HSE gives them: letters and digits, perhaps with a
/// hyphen, slash or space between? The problem in words when it is not.
pub fn check_riddor_ref(s: &str) -> Result<(), String> {
    let t = s.trim();
    if t.chars().any(char::is_control) {
        return Err("RIDDOR reference: it holds a control character; type the reference as the HSE gave it (letters and digits).".into());
    }
    if t.chars().count() > MAX_RIDDOR_REF {
        return Err(format!(
            "RIDDOR reference: that is too long ({} characters; the most is {MAX_RIDDOR_REF}); type the reference as the HSE gave it.",
            t.chars().count()
        ));
    }
    if t.is_empty() {
        return Ok(());
    }
    let ok = t
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | ' '))
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "RIDDOR reference: \"{t}\" does not look like one; a RIDDOR reference is letters and digits (for example 2301234567 or INC-123456). Leave it empty if it is not known yet."
        ))
    }
}

/// The safety answers as they are kept: none unless the incident asks them; who was hurt and
/// RIDDOR only when someone was; a reference only when reportable; all trimmed.
pub fn as_stored(policy: &super::Policy, inc: &crate::domain::NewIncident) -> Harm {
    use crate::domain::Riddor;
    if !policy.asks_safety(&inc.category, &inc.behaviours) {
        return Harm::default();
    }
    let h = &inc.harm;
    let someone = h.hurt.someone();
    let riddor = if someone { h.riddor } else { Riddor::NotAsked };
    Harm {
        hurt: h.hurt,
        hurt_staff: if h.hurt == Hurt::Staff {
            h.hurt_staff
        } else {
            None
        },
        hurt_name: if someone {
            line(&h.hurt_name)
        } else {
            String::new()
        },
        how: if someone { text(&h.how) } else { String::new() },
        riddor,
        riddor_ref: if riddor == Riddor::Yes {
            line(&h.riddor_ref)
        } else {
            String::new()
        },
        debrief: h.debrief,
    }
}

fn line(s: &str) -> String {
    crate::text::sanitise_for_display(s, false)
        .trim()
        .to_string()
}

fn text(s: &str) -> String {
    crate::text::sanitise_for_display(s, true)
        .trim()
        .to_string()
}

impl super::Policy {
    /// Does an incident of this category showing these behaviours ask the safety questions?
    pub fn asks_safety(&self, category: &str, behaviours: &[String]) -> bool {
        let s = &self.safety;
        s.categories.iter().any(|c| c == category)
            || behaviours.iter().any(|b| s.behaviours.contains(b))
    }

    /// A policy file naming a category or behaviour it does not have is refused.
    pub(super) fn check_safety(&self) -> Result<(), (String, String)> {
        for c in &self.safety.categories {
            if self.category(c).is_none() {
                return Err((
                    format!("\"{c}\""),
                    format!("[safety] names the category \"{c}\", which is not one of the [[categories]] ids"),
                ));
            }
        }
        for b in &self.safety.behaviours {
            if self.behaviour_label(b).is_none() {
                return Err((
                    format!("\"{b}\""),
                    format!("[safety] names the behaviour \"{b}\", which is not one of the categories' behaviours"),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Policy, BUILT_IN};

    #[test]
    fn riddor_references_are_letters_and_digits_and_nothing_absurd() {
        assert!(check_riddor_ref("").is_ok());
        assert!(check_riddor_ref("2301234567").is_ok());
        assert!(check_riddor_ref("INC-123456").is_ok());
        assert!(check_riddor_ref("abc")
            .unwrap_err()
            .contains("does not look like one"));
        assert!(check_riddor_ref("12\u{7}34")
            .unwrap_err()
            .contains("control character"));
        assert!(check_riddor_ref(&"1".repeat(31))
            .unwrap_err()
            .contains("too long"));
        assert!(check_riddor_ref("<script>1").is_err());
    }

    #[test]
    fn physical_violence_asks_and_an_older_file_gets_the_built_in_list() {
        let p = Policy::built_in();
        assert!(p.asks_safety("abusive", &["physical_assault".into()]));
        assert!(!p.asks_safety("abusive", &["shouting".into()]));
        assert!(!p.asks_safety("demands", &[]));
        let start = BUILT_IN.find("[safety]").unwrap();
        let end = start + BUILT_IN[start..].find("\n\n").unwrap();
        let older = format!("{}{}", &BUILT_IN[..start], &BUILT_IN[end..]);
        let p = Policy::parse(&older, "old.toml").unwrap();
        assert_eq!(p.safety, StaffSafety::default());
        let bad = BUILT_IN.replacen(
            "behaviours = [\"attempted_assault\", \"weapons\"",
            "behaviours = [\"attempted_assualt\", \"weapons\"",
            1,
        );
        let e = Policy::parse(&bad, "p.toml").unwrap_err();
        assert!(
            e.message
                .contains("[safety] names the behaviour \"attempted_assualt\""),
            "{e}"
        );
    }
}
