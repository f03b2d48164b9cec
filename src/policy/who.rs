//! Who may decide what: which roles may impose each outcome or restriction, and which need a
//! second person's approval before they come into force (the policy file's `[[who_decides]]`).

use super::{find_line, Policy, BUILT_IN};
use crate::domain::{Outcome, Role};
use serde::Deserialize;
use std::collections::HashSet;

/// One row of the table: what it governs, who may impose it, and who may approve it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhoDecides {
    /// An outcome (`actions`, `no_further_action`, `withdrawal_of_services`,
    /// `immediate_restriction`) or the id of an action or access restriction.
    pub decides: String,
    /// The roles that may impose it (manager, admin).
    pub roles: Vec<String>,
    /// The roles whose approval it needs, from someone other than its author; empty: it comes
    /// into force when saved.
    #[serde(default)]
    pub approved_by: Vec<String>,
}

/// The outcomes a row may name, as stored.
const OUTCOMES: [Outcome; 4] = [
    Outcome::Actions,
    Outcome::NoFurtherAction,
    Outcome::WithdrawalOfServices,
    Outcome::ImmediateRestriction,
];

/// The table of the built-in policy, for a policy file of an older safedesk: a withdrawal of
/// services and a permanent ban need a second manager's or an admin's approval.
pub fn default_who_decides() -> Vec<WhoDecides> {
    BUILT_IN
        .parse::<toml::Table>()
        .ok()
        .and_then(|t| t.get("who_decides").cloned())
        .and_then(|v| v.try_into().ok())
        .unwrap_or_default()
}

/// "a manager or an admin".
fn roles_words(roles: &[Role]) -> String {
    let words: Vec<&str> = roles
        .iter()
        .map(|r| match r {
            Role::Manager => "a manager",
            Role::Admin => "an admin",
            Role::Reception => "reception staff",
            Role::Phone => "phone staff",
        })
        .collect();
    match words.len() {
        0 => "nobody".into(),
        1 => words[0].into(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

fn parse_roles(list: &[String]) -> Vec<Role> {
    list.iter().filter_map(|r| Role::parse(r)).collect()
}

impl Policy {
    /// What a row governs, in words: the outcome's or the restriction's label.
    fn governs_label<'a>(&'a self, decides: &'a str) -> &'a str {
        match Outcome::parse(decides) {
            Some(o) => o.label(),
            None => self.label_of(decides),
        }
    }

    /// The rows that apply to a decision with this outcome and these restriction kinds.
    fn who_rows<'a>(&'a self, outcome: Outcome, kinds: &[&str]) -> Vec<&'a WhoDecides> {
        self.who_decides
            .iter()
            .filter(|w| w.decides == outcome.as_str() || kinds.contains(&w.decides.as_str()))
            .collect()
    }

    /// May someone of `role` impose this decision? The sentence says who may, when not.
    pub fn may_decide(&self, role: Role, outcome: Outcome, kinds: &[&str]) -> Result<(), String> {
        for w in self.who_rows(outcome, kinds) {
            let roles = parse_roles(&w.roles);
            if !roles.contains(&role) {
                return Err(format!(
                    "{} may be decided only by {}, by the office's policy (who_decides): you are signed in as {}. Ask {} to record it.",
                    self.governs_label(&w.decides),
                    roles_words(&roles),
                    roles_words(&[role]),
                    roles_words(&roles),
                ));
            }
        }
        Ok(())
    }

    /// Does this decision need a second person's approval before it comes into force? The
    /// sentence the author is told (what needs it and from whom), when it does.
    pub fn approval_needed(&self, outcome: Outcome, kinds: &[&str]) -> Option<String> {
        let rows: Vec<&WhoDecides> = self
            .who_rows(outcome, kinds)
            .into_iter()
            .filter(|w| !w.approved_by.is_empty())
            .collect();
        if rows.is_empty() {
            return None;
        }
        let what: Vec<&str> = rows
            .iter()
            .map(|w| self.governs_label(&w.decides))
            .collect();
        let mut who: Vec<Role> = Vec::new();
        for w in &rows {
            for r in parse_roles(&w.approved_by) {
                if !who.contains(&r) {
                    who.push(r);
                }
            }
        }
        who.sort();
        Some(format!(
            "{} needs a second person's approval ({} other than you): it waits in the queue and nothing of it is in force until then.",
            what.join(" and "),
            roles_words(&who)
        ))
    }

    /// May someone of `role` approve (or turn down) this decision? The sentence says who may,
    /// when not. Someone other than its author: the store checks that.
    pub fn may_approve(&self, role: Role, outcome: Outcome, kinds: &[&str]) -> Result<(), String> {
        for w in self.who_rows(outcome, kinds) {
            if w.approved_by.is_empty() {
                continue;
            }
            let roles = parse_roles(&w.approved_by);
            if !roles.contains(&role) {
                return Err(format!(
                    "{} may be approved only by {}, by the office's policy (who_decides): you are signed in as {}.",
                    self.governs_label(&w.decides),
                    roles_words(&roles),
                    roles_words(&[role]),
                ));
            }
        }
        Ok(())
    }

    /// What a decision decides, in words: its outcome and what it restricts (while it waits
    /// for approval, what it would restrict): "Withdrawal of services: Banned from entering the
    /// premises".
    pub fn decision_words(&self, d: &crate::domain::Decision) -> String {
        let outcome = d.outcome.label();
        let labels: Vec<&str> = d
            .approval
            .restrictions
            .iter()
            .map(|r| self.label_of(&r.kind))
            .filter(|l| *l != outcome)
            .collect();
        if labels.is_empty() {
            outcome.to_string()
        } else {
            format!("{outcome}: {}", labels.join("; "))
        }
    }

    /// Every row names an outcome or restriction this policy knows, once, and roles that
    /// decide; an error is (text to locate the line by, message).
    pub(super) fn check_who_decides(&self) -> Result<(), (String, String)> {
        let outcomes: Vec<&str> = OUTCOMES.iter().map(|o| o.as_str()).collect();
        let mut seen = HashSet::new();
        for w in &self.who_decides {
            let needle = format!("\"{}\"", w.decides);
            if Outcome::parse(&w.decides).is_none() && self.restriction_kind(&w.decides).is_none() {
                return Err((
                    needle,
                    format!(
                        "[[who_decides]] names \"{}\", which is neither an outcome ({}) nor the id of one of this policy's actions or access restrictions",
                        w.decides,
                        outcomes.join(", ")
                    ),
                ));
            }
            if !seen.insert(w.decides.clone()) {
                return Err((
                    needle,
                    format!(
                        "[[who_decides]] names \"{}\" twice; say who decides it once",
                        w.decides
                    ),
                ));
            }
            if w.roles.is_empty() {
                return Err((
                    needle,
                    format!(
                        "[[who_decides]] for \"{}\" lists no roles: name who may decide it (manager, admin)",
                        w.decides
                    ),
                ));
            }
            for (field, list) in [("roles", &w.roles), ("approved_by", &w.approved_by)] {
                for r in list {
                    let needle = format!("\"{r}\"");
                    match Role::parse(r) {
                        None => {
                            return Err((
                                needle,
                                format!(
                                    "[[who_decides]] for \"{}\" names the role \"{r}\" in {field}, which safedesk does not know; the roles that decide are manager, admin",
                                    w.decides
                                ),
                            ))
                        }
                        Some(role) if !role.can_decide() => {
                            return Err((
                                needle,
                                format!(
                                    "[[who_decides]] for \"{}\" names the role \"{r}\" in {field}, but only managers and admins record decisions; the roles that decide are manager, admin",
                                    w.decides
                                ),
                            ))
                        }
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    }
}

/// Where a decision stands with its approval, in words, for the case and the card; None for a
/// decision that needed none. "Approved by Grace Mensah on 24/11/2026 14:02".
pub fn approval_words(d: &crate::domain::Decision) -> Option<String> {
    use crate::domain::ApprovalStatus;
    let when = d
        .approval
        .at
        .map(crate::time::date_time)
        .unwrap_or_default();
    match d.approval.status {
        ApprovalStatus::NotNeeded => None,
        ApprovalStatus::Waiting => Some(
            "WAITING FOR APPROVAL by a second manager or an admin: nothing of it is in force yet"
                .into(),
        ),
        ApprovalStatus::Approved => Some(format!(
            "Approved by {} on {when}{}",
            d.approval.by_name,
            if d.approval.note.trim().is_empty() {
                String::new()
            } else {
                format!(": {}", d.approval.note.trim().replace('\n', " "))
            }
        )),
        ApprovalStatus::TurnedDown => Some(format!(
            "TURNED DOWN by {} on {when}, never in force: {}",
            d.approval.by_name,
            d.approval.note.trim().replace('\n', " ")
        )),
    }
}

/// The line a [`Policy::check_who_decides`] refusal points at: the first mention of `needle`
/// after the table starts (a role or outcome named elsewhere first is not it).
pub(super) fn who_line(text: &str, needle: &str) -> Option<usize> {
    let start = text.find("[[who_decides]]")?;
    let before = text[..start].matches('\n').count();
    find_line(&text[start..], needle).map(|l| l + before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_table_asks_approval_for_a_withdrawal_and_a_permanent_ban_only() {
        let p = Policy::built_in();
        assert!(p
            .approval_needed(Outcome::WithdrawalOfServices, &["services_withdrawn"])
            .unwrap()
            .starts_with("Withdrawal of services needs a second person's approval (a manager or an admin other than you)"));
        let both = p
            .approval_needed(Outcome::ImmediateRestriction, &["permanent_ban"])
            .unwrap();
        assert!(
            both.starts_with("Permanently banned from the premises needs"),
            "{both}"
        );
        assert_eq!(p.approval_needed(Outcome::Actions, &["witness"]), None);
        assert_eq!(p.approval_needed(Outcome::NoFurtherAction, &[]), None);
        assert!(p
            .may_decide(Role::Manager, Outcome::WithdrawalOfServices, &[])
            .is_ok());
        assert!(p
            .may_approve(Role::Admin, Outcome::WithdrawalOfServices, &[])
            .is_ok());
    }

    #[test]
    fn roles_and_approvers_are_data() {
        let text = BUILT_IN.replacen(
            "decides = \"withdrawal_of_services\"\nroles = [\"manager\", \"admin\"]\napproved_by = [\"manager\", \"admin\"]",
            "decides = \"withdrawal_of_services\"\nroles = [\"admin\"]\napproved_by = [\"admin\"]",
            1,
        );
        assert_ne!(text, BUILT_IN, "the test must change the text");
        let p = Policy::parse(&text, "ours.toml").unwrap();
        let no = p
            .may_decide(Role::Manager, Outcome::WithdrawalOfServices, &[])
            .unwrap_err();
        assert_eq!(
            no,
            "Withdrawal of services may be decided only by an admin, by the office's policy (who_decides): you are signed in as a manager. Ask an admin to record it."
        );
        let no = p
            .may_approve(Role::Manager, Outcome::WithdrawalOfServices, &[])
            .unwrap_err();
        assert!(no.starts_with("Withdrawal of services may be approved only by an admin"));
        // Other outcomes are untouched.
        assert!(p.may_decide(Role::Manager, Outcome::Actions, &[]).is_ok());
    }

    #[test]
    fn an_older_file_gets_the_built_in_table() {
        let start = BUILT_IN.find("# Who may decide what").unwrap();
        let end = BUILT_IN[start..].find("\n# ----").unwrap() + start;
        let older = format!("{}{}", &BUILT_IN[..start], &BUILT_IN[end..]);
        assert!(!older.contains("[[who_decides]]"));
        let o = Policy::parse(&older, "older.toml").unwrap();
        assert_eq!(o.who_decides, Policy::built_in().who_decides);
        assert!(o
            .approval_needed(Outcome::WithdrawalOfServices, &[])
            .is_some());
    }

    /// The built-in policy with `from` changed to `to` in the table, refused at the changed
    /// line (`above` lines before it: the row's `decides`).
    fn refused_at(from: &str, to: &str, above: usize) -> super::super::PolicyError {
        let start = BUILT_IN.find("[[who_decides]]").unwrap();
        let mut text = BUILT_IN.to_string();
        let at = text[start..].find(from).unwrap() + start;
        text.replace_range(at..at + from.len(), to);
        let e = Policy::parse(&text, "ours.toml").unwrap_err();
        let line = text[..at].matches('\n').count() + 1;
        assert_eq!(e.line, Some(line - above), "{e}");
        e
    }

    fn refused(from: &str, to: &str) -> super::super::PolicyError {
        refused_at(from, to, 0)
    }

    #[test]
    fn an_unknown_role_or_outcome_is_refused_naming_it_and_its_line() {
        let e = refused(
            "roles = [\"manager\", \"admin\"]",
            "roles = [\"manager\", \"supervisor\"]",
        );
        assert!(e.message.contains("\"supervisor\""), "{e}");
        assert!(e.message.contains("does not know"), "{e}");
        let e = refused(
            "approved_by = [\"manager\", \"admin\"]",
            "approved_by = [\"reception\"]",
        );
        assert!(e.message.contains("\"reception\""), "{e}");
        assert!(e.message.contains("only managers and admins"), "{e}");
        let e = refused(
            "decides = \"withdrawal_of_services\"",
            "decides = \"withdrawl_of_services\"",
        );
        assert!(e.message.contains("\"withdrawl_of_services\""), "{e}");
        assert!(e.message.contains("neither an outcome"), "{e}");
        let e = refused_at("roles = [\"manager\", \"admin\"]", "roles = []", 1);
        assert!(e.message.contains("lists no roles"), "{e}");
        assert!(e.to_string().contains("ours.toml, line"), "{e}");
    }
}
