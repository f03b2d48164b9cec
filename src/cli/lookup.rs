//! `safedesk lookup`: look a caller up by name, phone number or email and print their
//! restrictions, in plain words or as JSON.

use super::{session, Cli};
use crate::domain::{LookupHit, MatchedOn};
use crate::policy::{rules, Policy};
use crate::store::Store;
use crate::text::clean;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::process::ExitCode;

/// `safedesk lookup QUERY...`: exit code 0 with matches, 1 with none.
pub fn run(cli: &Cli, query: &[String], json: bool, limit: usize) -> Result<ExitCode, String> {
    let mut s = session::open(cli)?;
    let query = query.join(" ");
    let hits = s
        .store
        .lookup(&query, limit.clamp(1, 100))
        .map_err(|e| e.to_string())?;
    let now = chrono::Utc::now();
    if json {
        let list: Vec<_> = hits
            .iter()
            .map(|h| lookup_json(h, &s.policy, now))
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&list).map_err(|e| e.to_string())?
        );
    } else if hits.is_empty() {
        outln!("No one matches \"{}\".", clean(&query));
    } else {
        out!("{}", lookup_text(&hits, &s.policy, now));
    }
    Ok(if hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

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
        let why = hit.matched.words();
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
