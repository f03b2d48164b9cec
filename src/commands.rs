//! The commands that print instead of opening the app.

use crate::domain::Role;
use crate::policy::{rules, Policy};
use crate::store::{LookupHit, MatchedOn, Store};
use crate::ui::clean;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// One lookup result as `safedesk lookup --json` prints it.
#[derive(Debug, Serialize)]
pub struct LookupJson {
    pub id: String,
    pub name: String,
    pub unidentified: bool,
    pub matched_on: MatchedOn,
    pub restricted: bool,
    pub restrictions: Vec<String>,
    pub incidents_since_last_decision: u32,
    pub incident_threshold: u32,
    pub threshold: String,
    pub escalations: Vec<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub postcode: String,
}

pub fn lookup_json(hit: &LookupHit, policy: &Policy, now: DateTime<Utc>) -> LookupJson {
    let h = &hit.history;
    let s = rules::summary(h, policy, now);
    LookupJson {
        id: h.customer.id.to_string(),
        name: h.customer.display_name(),
        unidentified: h.customer.is_unidentified(),
        matched_on: hit.matched.clone(),
        restricted: s.is_restricted(),
        restrictions: s.restrictions.clone(),
        incidents_since_last_decision: s.threshold.count,
        incident_threshold: s.threshold.threshold,
        threshold: s.threshold_sentence.clone(),
        escalations: s.escalations.clone(),
        phones: h.customer.phones.clone(),
        emails: h.customer.emails.clone(),
        postcode: h.customer.postcode.clone(),
    }
}

/// The plain-words lookup report.
pub fn lookup_text(hits: &[LookupHit], policy: &Policy, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    for hit in hits {
        let j = lookup_json(hit, policy, now);
        let why = crate::ui::lookup::matched_words(&hit.matched);
        out.push_str(&clean(&j.name));
        if !why.is_empty() {
            out.push_str(&format!("  ({why})"));
        }
        out.push('\n');
        if j.restrictions.is_empty() {
            out.push_str("  No restrictions in force.\n");
        }
        for r in &j.restrictions {
            out.push_str(&format!("  RESTRICTED: {}\n", clean(r)));
        }
        out.push_str(&format!("  {}\n", j.threshold));
        for e in &j.escalations {
            out.push_str(&format!("  For a manager: {}\n", clean(e)));
        }
    }
    out
}

/// `safedesk staff list`
pub fn staff_table(store: &mut dyn Store) -> Result<String, String> {
    let staff = store.list_staff().map_err(|e| e.to_string())?;
    let w = staff
        .iter()
        .map(|s| s.login.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let n = staff
        .iter()
        .map(|s| s.display_name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!(
        "{:w$}  {:n$}  {:9}  {}\n",
        "LOGIN", "NAME", "ROLE", "STATUS"
    );
    for s in staff {
        out.push_str(&format!(
            "{:w$}  {:n$}  {:9}  {}\n",
            clean(&s.login),
            clean(&s.display_name),
            s.role.as_str(),
            if s.active { "active" } else { "left" }
        ));
    }
    Ok(out)
}

pub fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| {
        format!("\"{text}\" is not a role; the roles are reception, phone, manager and admin.")
    })
}
