//! Reports and lists: who sees which incidents, and the report's figures put together from the
//! day-by-day counts and the decisions and reviews each engine reads.

use crate::domain::{month_of, next_month, sort_most_first, Actor, Id, MonthFigures};
use crate::store::{Result, StoreError};
use chrono::NaiveDate;

/// Whose incidents the list may show: reception and phone staff only their own (Some), managers
/// everyone's (None); someone safedesk does not know is refused.
pub fn own_incidents_only(actor: &Actor) -> Result<Option<Id>> {
    match (actor.role(), &actor.staff) {
        (None, _) | (_, None) => Err(StoreError::NotAllowed(actor.not_known_message())),
        (Some(role), Some(s)) if !role.can_decide() => Ok(Some(s.id)),
        _ => Ok(None),
    }
}

/// Every month of the dates, empty ones too.
pub fn months(from: NaiveDate, to: NaiveDate) -> Vec<MonthFigures> {
    let mut months: Vec<MonthFigures> = Vec::new();
    let mut m = month_of(from);
    while m <= to {
        months.push(MonthFigures {
            month: m,
            total: 0,
            threats: 0,
            by_category: Vec::new(),
            by_channel: Vec::new(),
        });
        m = next_month(m);
    }
    months
}

/// Add `n` incidents of one month (`ym`: "2026-11"), category, channel and threat or not.
pub fn add_day_figures(
    months: &mut [MonthFigures],
    ym: &str,
    category: String,
    channel: String,
    threat: bool,
    n: i64,
) {
    if n <= 0 {
        return;
    }
    let n = n as u64;
    let Some(month) = months
        .iter_mut()
        .find(|m| m.month.format("%Y-%m").to_string() == ym)
    else {
        return;
    };
    month.total += n;
    if threat {
        month.threats += n;
    }
    add(&mut month.by_category, category, n);
    add(&mut month.by_channel, channel, n);
}

/// The months' lists, most first.
pub fn sort_months(months: &mut [MonthFigures]) {
    for m in months {
        sort_most_first(&mut m.by_category);
        sort_most_first(&mut m.by_channel);
    }
}

fn add(v: &mut Vec<(String, u64)>, key: String, n: u64) {
    match v.iter_mut().find(|(k, _)| *k == key) {
        Some((_, m)) => *m += n,
        None => v.push((key, n)),
    }
}

/// Reviews on time and late, from each review's London day held and the date it was due (the
/// next review set by the one before it, else the date first given; none: on time).
pub fn reviews_on_time(held_due: &[(NaiveDate, Option<NaiveDate>)]) -> (u64, u64) {
    let late = held_due
        .iter()
        .filter(|(held, due)| due.is_some_and(|d| *held > d))
        .count() as u64;
    (held_due.len() as u64 - late, late)
}

/// Only managers (and admins) may `what`.
pub fn managers_only(actor: &Actor, what: &str) -> Result<()> {
    match actor.role() {
        None => Err(StoreError::NotAllowed(actor.not_known_message())),
        Some(role) if !role.can_decide() => Err(StoreError::NotAllowed(format!(
            "{} is signed in as {role} staff, who cannot {what}. Ask a manager.",
            actor.name()
        ))),
        Some(_) => Ok(()),
    }
}
