//! Lists and figures for managers and trustees: the incidents list, the restrictions in force
//! and the reports (in the app and as files to send).

use super::ids::Id;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

/// Which incidents the list shows. Dates are London dates, both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IncidentFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// A policy category id.
    pub category: Option<String>,
    /// A policy channel id.
    pub channel: Option<String>,
    /// Logged by this member of staff. Reception and phone staff always see only their own
    /// (the store sees to it).
    pub staff: Option<Id>,
    /// Only unidentified visitors not yet linked to a customer.
    pub unidentified: bool,
    /// Only immediate threats.
    pub threats: bool,
}

/// A screenful of the incidents list: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentQuery {
    pub filter: IncidentFilter,
    pub offset: usize,
    pub limit: usize,
}

/// One row of the incidents list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentRow {
    pub id: Id,
    pub customer_id: Id,
    /// The customer's name, or "Unidentified visitor: ..." with the description.
    pub customer_name: String,
    pub unidentified: bool,
    pub occurred_at: DateTime<Utc>,
    pub channel: String,
    pub category: String,
    pub logged_by: String,
    pub immediate_threat: bool,
    /// The description's first line.
    pub summary: String,
}

/// What the store answered for an [`IncidentQuery`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentPage {
    pub offset: usize,
    pub rows: Vec<IncidentRow>,
    /// More rows follow this page.
    pub more: bool,
    /// How many match in all, when it can be told from the monthly figures without reading the
    /// incidents themselves (not for one member of staff or for unidentified visitors).
    pub total: Option<u64>,
    /// The store limited the list to the person's own incidents (reception and phone staff).
    pub own_only: bool,
}

/// One restriction in force, for the restrictions list and the overdue reviews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InForceRow {
    pub restriction_id: Id,
    pub customer_id: Id,
    pub customer_name: String,
    /// A policy id (an action, the withdrawal, an access restriction).
    pub kind: String,
    pub starts_at: DateTime<Utc>,
    pub review_due: Option<NaiveDate>,
    /// The customer's open review case, if one has been opened.
    pub case_id: Option<Id>,
}

/// A screenful of the restrictions in force, the review most overdue first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InForcePage {
    pub offset: usize,
    pub rows: Vec<InForceRow>,
    pub total: u64,
}

/// One month's incidents (only the days inside the report's dates count).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthFigures {
    /// The first of the month.
    pub month: NaiveDate,
    pub total: u64,
    pub threats: u64,
    /// (policy category id, incidents), every category with any, most first.
    pub by_category: Vec<(String, u64)>,
    /// (policy channel id, incidents), every channel with any, most first.
    pub by_channel: Vec<(String, u64)>,
}

/// How long managers took from the third incident (the case opening) to the decision. A
/// decision recorded without a case (loaded in bulk) counts from the customer's last incident
/// before it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DecisionTimes {
    pub decisions: u64,
    pub median_days: Option<i64>,
    pub longest_days: Option<i64>,
    /// How many took 0-7 days, 8-14, 15-28, more than 28.
    pub buckets: [u64; 4],
}

impl DecisionTimes {
    pub const BUCKETS: [&'static str; 4] = ["0-7 days", "8-14 days", "15-28 days", "over 28 days"];

    pub fn from_days(mut days: Vec<i64>) -> DecisionTimes {
        days.sort_unstable();
        let mut buckets = [0; 4];
        for d in &days {
            let b = match d {
                ..=7 => 0,
                8..=14 => 1,
                15..=28 => 2,
                _ => 3,
            };
            buckets[b] += 1;
        }
        DecisionTimes {
            decisions: days.len() as u64,
            median_days: days.get(days.len() / 2).copied(),
            longest_days: days.last().copied(),
            buckets,
        }
    }
}

/// The figures managers and trustees are asked for, between two London dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The day the figures "now" refer to (restrictions in force, overdue reviews).
    pub today: NaiveDate,
    /// Every month from `from` to `to`, oldest first, empty months included.
    pub months: Vec<MonthFigures>,
    /// (outcome id, decisions made in the dates), most first.
    pub outcomes: Vec<(String, u64)>,
    /// (restriction kind, how many are in force today), most first.
    pub in_force: Vec<(String, u64)>,
    /// Reviews held in the dates by their due date, and after it.
    pub reviews_on_time: u64,
    pub reviews_late: u64,
    /// Restrictions in force whose review date has passed, today.
    pub overdue_total: u64,
    /// The most overdue of them (at most [`Report::OVERDUE_LISTED`]).
    pub overdue: Vec<InForceRow>,
    pub decision_times: DecisionTimes,
}

impl Report {
    pub const OVERDUE_LISTED: usize = 50;

    pub fn total_incidents(&self) -> u64 {
        self.months.iter().map(|m| m.total).sum()
    }

    pub fn total_threats(&self) -> u64 {
        self.months.iter().map(|m| m.threats).sum()
    }

    /// Incidents over the dates by category (or channel), most first.
    pub fn by_category(&self) -> Vec<(String, u64)> {
        sum_keys(self.months.iter().flat_map(|m| m.by_category.iter()))
    }

    pub fn by_channel(&self) -> Vec<(String, u64)> {
        sum_keys(self.months.iter().flat_map(|m| m.by_channel.iter()))
    }
}

fn sum_keys<'a>(it: impl Iterator<Item = &'a (String, u64)>) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = Vec::new();
    for (k, n) in it {
        match out.iter_mut().find(|(x, _)| x == k) {
            Some((_, m)) => *m += n,
            None => out.push((k.clone(), *n)),
        }
    }
    sort_most_first(&mut out);
    out
}

/// Most first, then by name, so the order never depends on the database's.
pub fn sort_most_first(v: &mut [(String, u64)]) {
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
}

/// The first of the month `d` is in.
pub fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("the first exists")
}

/// The first of the month after the one `d` is in.
pub fn next_month(d: NaiveDate) -> NaiveDate {
    let m = month_of(d);
    if m.month() == 12 {
        NaiveDate::from_ymd_opt(m.year() + 1, 1, 1).expect("valid")
    } else {
        NaiveDate::from_ymd_opt(m.year(), m.month() + 1, 1).expect("valid")
    }
}

/// The dates of the last `months` months to `today` (the current month included).
pub fn last_months(today: NaiveDate, months: u32) -> (NaiveDate, NaiveDate) {
    let mut from = month_of(today);
    for _ in 1..months.max(1) {
        from = month_of(from.pred_opt().expect("valid"));
    }
    (from, today)
}

/// A date as typed for a report or a list: 24/11/2026 (or 24/11, today, yesterday) or
/// 2026-11-24. The message names `field`.
pub fn parse_day(text: &str, field: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    if let Ok(d) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        return Ok(d);
    }
    crate::time::parse_date(text, today, false).map_err(|e| format!("{field}: {e}"))
}

/// Check a report's dates: the first not after the last, neither after today, and not more than
/// ten years. The message names the field and what to do.
pub fn check_range(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if from > today {
        return Err(format!(
            "--from ({}) is in the future: there are no figures yet. Give a date up to today ({}).",
            crate::time::date(from),
            crate::time::date(today)
        ));
    }
    if from > to {
        return Err(format!(
            "--from ({}) is after --to ({}): give the earlier date first.",
            crate::time::date(from),
            crate::time::date(to)
        ));
    }
    if (to - from).num_days() > 3660 {
        return Err("The dates cover more than ten years: give a shorter range.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn last_months_starts_on_the_first() {
        assert_eq!(
            last_months(d(2026, 11, 24), 12),
            (d(2025, 12, 1), d(2026, 11, 24))
        );
        assert_eq!(
            last_months(d(2026, 1, 5), 1),
            (d(2026, 1, 1), d(2026, 1, 5))
        );
        assert_eq!(next_month(d(2026, 12, 31)), d(2027, 1, 1));
    }

    #[test]
    fn decision_times_of_nothing_are_none() {
        let t = DecisionTimes::from_days(vec![]);
        assert_eq!(t.median_days, None);
        let t = DecisionTimes::from_days(vec![30, 1, 9]);
        assert_eq!((t.median_days, t.longest_days), (Some(9), Some(30)));
        assert_eq!(t.buckets, [1, 1, 0, 1]);
    }

    #[test]
    fn backwards_and_future_ranges_are_refused() {
        let today = d(2026, 11, 24);
        assert!(check_range(d(2026, 5, 1), d(2026, 4, 1), today)
            .unwrap_err()
            .contains("--from"));
        assert!(check_range(d(2027, 1, 1), d(2027, 2, 1), today)
            .unwrap_err()
            .contains("future"));
        assert!(check_range(d(2026, 1, 1), d(2026, 12, 31), today).is_ok());
    }
}
