//! Dates and times as people in the office read them: Europe/London, day first (24/11/2026).
//! Everything is stored in UTC.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::London;

/// 24/11/2026
pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// 24/11/2026 14:05, in Europe/London.
pub fn date_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&London)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// The date in London at this instant.
pub fn london_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&London).date_naive()
}

/// The instant a London date begins (midnight, or the first valid time on a change-over day).
pub fn london_midnight(d: NaiveDate) -> DateTime<Utc> {
    let naive = d.and_hms_opt(0, 0, 0).expect("midnight exists");
    London
        .from_local_datetime(&naive)
        .earliest()
        .unwrap_or_else(|| London.from_utc_datetime(&naive))
        .with_timezone(&Utc)
}

/// The fixed text form used in the database: sortable, second precision, UTC.
pub fn to_db(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Parse the database form (also accepts any RFC 3339 time).
pub fn from_db(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Dates in the database: 2026-11-24.
pub fn date_to_db(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn date_from_db(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A London wall-clock time on a date, as a UTC instant (the earlier one when clocks go back).
pub fn london_at(d: NaiveDate, h: u32, m: u32) -> Option<DateTime<Utc>> {
    let naive = d.and_hms_opt(h, m, 0)?;
    London
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn parse_clock(text: &str) -> Option<(u32, u32)> {
    let t = text.trim().replace('.', ":");
    let (h, m) = match t.split_once(':') {
        Some((h, m)) => (h.parse().ok()?, m.parse().ok()?),
        None if t.len() == 4 && t.chars().all(|c| c.is_ascii_digit()) => {
            (t[..2].parse().ok()?, t[2..].parse().ok()?)
        }
        None => return None,
    };
    (h < 24 && m < 60).then_some((h, m))
}

fn parse_day(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let parts: Vec<&str> = text.split('/').collect();
    let day: u32 = parts.first()?.trim().parse().ok()?;
    let month: u32 = parts.get(1)?.trim().parse().ok()?;
    let year: i32 = match parts.get(2) {
        Some(y) => {
            let y: i32 = y.trim().parse().ok()?;
            if y < 100 {
                2000 + y
            } else {
                y
            }
        }
        None => {
            // "23/11" means the most recent 23 November.
            let this_year = NaiveDate::from_ymd_opt(today.year(), month, day)?;
            return Some(if this_year > today {
                NaiveDate::from_ymd_opt(today.year() - 1, month, day)?
            } else {
                this_year
            });
        }
    };
    if parts.len() > 3 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// A date as people type it: "today", "yesterday", "tomorrow", "24/11/2026", "24/11/26" or
/// "24/11" (this year: a date in the wrong year is never guessed, the checks say so). `ahead`
/// only changes the example in the message. The error says what to type.
pub fn parse_date(text: &str, today: NaiveDate, ahead: bool) -> Result<NaiveDate, String> {
    let help = if ahead {
        "Type a date such as 06/01/2027."
    } else {
        "Type a date such as 24/11/2026, 24/11 or today."
    };
    let t = text.trim().to_lowercase();
    match t.as_str() {
        "" => return Err(format!("The date is empty. {help}")),
        "today" => return Ok(today),
        "yesterday" => return today.pred_opt().ok_or_else(|| help.to_string()),
        "tomorrow" => return today.succ_opt().ok_or_else(|| help.to_string()),
        _ => {}
    }
    let bad = || format!("\"{}\" is not a date I can read. {help}", text.trim());
    let parts: Vec<&str> = t.split('/').map(str::trim).collect();
    let num = |i: usize| -> Option<u32> { parts.get(i)?.parse().ok() };
    let (day, month) = (num(0).ok_or_else(bad)?, num(1).ok_or_else(bad)?);
    let year = match parts.len() {
        2 => today.year(),
        3 => {
            let y: i32 = parts[2].parse().map_err(|_| bad())?;
            if y < 100 {
                2000 + y
            } else {
                y
            }
        }
        _ => return Err(bad()),
    };
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(bad)
}

/// When something happened, as people type it: empty or "now"; "14:05"; "yesterday 16:30";
/// "23/11 9:15"; "23/11/2026 09:15". London time. The error says what to type.
pub fn parse_when(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    const HELP: &str =
        "Type a time such as 14:05, yesterday 16:30 or 23/11 9:15, or leave it empty for now.";
    let t = text.trim().to_lowercase();
    if t.is_empty() || t == "now" {
        return Ok(now);
    }
    let today = london_date(now);
    let (day, clock) = match t.split_once(char::is_whitespace) {
        Some((d, c)) => (d.trim(), c.trim()),
        None if t.contains(':') || t.contains('.') || t.len() == 4 => ("today", t.as_str()),
        None => (t.as_str(), ""),
    };
    let date = match day {
        "today" => today,
        "yesterday" => today.pred_opt().ok_or(HELP)?,
        d => parse_day(d, today)
            .ok_or_else(|| format!("\"{}\" is not a date I can read. {HELP}", text.trim()))?,
    };
    if clock.is_empty() {
        return Err(format!("Add the time, for example {} 14:05.", day));
    }
    let (h, m) = parse_clock(clock)
        .ok_or_else(|| format!("\"{clock}\" is not a time I can read. {HELP}"))?;
    let at = london_at(date, h, m).ok_or_else(|| {
        format!("{h:02}:{m:02} does not exist on that day (the clocks went forward). {HELP}")
    })?;
    if at > now + chrono::Duration::minutes(2) {
        return Err(format!("{} has not happened yet. {HELP}", date_time(at)));
    }
    Ok(at)
}

/// `t` without its fraction of a second, as the database keeps times (SQLite's text and
/// PostgreSQL's `timestamptz(0)` alike), so a time written reads back equal.
pub fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::Timelike;
    t.with_nanosecond(0).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_london_time_in_summer_and_winter() {
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 13, 5, 0).unwrap();
        assert_eq!(date_time(summer), "01/07/2026 14:05");
        let winter = Utc.with_ymd_and_hms(2026, 11, 24, 13, 5, 0).unwrap();
        assert_eq!(date_time(winter), "24/11/2026 13:05");
    }

    #[test]
    fn london_date_crosses_midnight_in_summer() {
        let t = Utc.with_ymd_and_hms(2026, 7, 1, 23, 30, 0).unwrap();
        assert_eq!(london_date(t), NaiveDate::from_ymd_opt(2026, 7, 2).unwrap());
        assert_eq!(
            london_midnight(NaiveDate::from_ymd_opt(2026, 7, 2).unwrap()),
            Utc.with_ymd_and_hms(2026, 7, 1, 23, 0, 0).unwrap()
        );
    }

    #[test]
    fn db_form_round_trips() {
        let t = Utc.with_ymd_and_hms(2026, 11, 24, 13, 5, 9).unwrap();
        assert_eq!(to_db(t), "2026-11-24T13:05:09Z");
        assert_eq!(from_db(&to_db(t)), Some(t));
        let d = NaiveDate::from_ymd_opt(2027, 1, 5).unwrap();
        assert_eq!(date(d), "05/01/2027");
        assert_eq!(date_from_db(&date_to_db(d)), Some(d));
    }

    #[test]
    fn reads_dates_as_people_type_them() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(parse_date("today", today, false), Ok(today));
        assert_eq!(parse_date("Yesterday", today, false), Ok(d(2026, 11, 24)));
        assert_eq!(parse_date("24/11/2026", today, false), Ok(d(2026, 11, 24)));
        assert_eq!(parse_date("6/1/27", today, true), Ok(d(2027, 1, 6)));
        // Without a year it is this year: the checks refuse a past review date or a meeting in
        // the future, rather than the year being guessed.
        assert_eq!(parse_date("06/01", today, true), Ok(d(2026, 1, 6)));
        assert_eq!(parse_date("26/11", today, false), Ok(d(2026, 11, 26)));
        assert!(parse_date("31/02/2027", today, true)
            .unwrap_err()
            .contains("not a date"));
        assert!(parse_date("", today, true).unwrap_err().contains("empty"));
        assert!(parse_date("next week 😀", today, true).is_err());
    }

    #[test]
    fn reads_times_as_people_type_them() {
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 15, 0, 0).unwrap();
        assert_eq!(parse_when("", now), Ok(now));
        assert_eq!(parse_when("now", now), Ok(now));
        assert_eq!(
            parse_when("14:05", now),
            Ok(Utc.with_ymd_and_hms(2026, 11, 24, 14, 5, 0).unwrap())
        );
        assert_eq!(
            parse_when("yesterday 16:30", now),
            Ok(Utc.with_ymd_and_hms(2026, 11, 23, 16, 30, 0).unwrap())
        );
        assert_eq!(
            parse_when("23/11 9:15", now),
            Ok(Utc.with_ymd_and_hms(2026, 11, 23, 9, 15, 0).unwrap())
        );
        assert_eq!(
            parse_when("01/07/2026 09:15", now),
            Ok(Utc.with_ymd_and_hms(2026, 7, 1, 8, 15, 0).unwrap()),
            "summer time"
        );
        assert_eq!(
            parse_when("25/12 10:00", now),
            Ok(Utc.with_ymd_and_hms(2025, 12, 25, 10, 0, 0).unwrap()),
            "a day later this year means last year"
        );
        assert!(parse_when("16:30", now)
            .unwrap_err()
            .contains("has not happened yet"));
        assert!(parse_when("tomorrow 9:00", now)
            .unwrap_err()
            .contains("not a date"));
        assert!(parse_when("25:00", now).unwrap_err().contains("not a time"));
        assert!(parse_when("31/02 10:00", now).is_err());
        assert!(parse_when("yesterday", now)
            .unwrap_err()
            .contains("Add the time"));
        assert!(parse_when("\u{1b}[2J😀", now).is_err());
    }
}
