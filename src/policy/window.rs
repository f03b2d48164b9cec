//! Set days and times each week (a contact window: "Tue 10:00-12:00, Thu 14:00-15:30"): read
//! as people type them, checked, written back the one way, and whether an instant (in
//! Europe/London) is inside one. Pure.

use chrono::{DateTime, Datelike, NaiveTime, Timelike, Utc, Weekday};
use chrono_tz::Europe::London;

/// One weekly window: a day and a time from..to on it (Europe/London wall clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub day: Weekday,
    pub from: NaiveTime,
    pub to: NaiveTime,
}

const EXAMPLE: &str = "for example Tue 10:00-12:00, Thu 14:00-15:30";

fn day_of(word: &str) -> Option<Weekday> {
    let w = word.trim().to_lowercase();
    let w = w.trim_end_matches('s');
    let days = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    days.iter()
        .find(|(long, _)| w.len() >= 3 && long.starts_with(w))
        .map(|(_, d)| *d)
}

fn time_of(text: &str) -> Option<NaiveTime> {
    let t = text.trim().replace('.', ":");
    let (h, m) = match t.split_once(':') {
        Some((h, m)) => (h.trim().parse::<u32>().ok()?, m.trim().parse::<u32>().ok()?),
        None if t.len() == 4 && t.chars().all(|c| c.is_ascii_digit()) => {
            (t[..2].parse().ok()?, t[2..].parse().ok()?)
        }
        None => (t.parse::<u32>().ok()?, 0),
    };
    if h == 24 && m == 0 {
        // "until midnight" is the last minute of the day.
        return NaiveTime::from_hms_opt(23, 59, 59);
    }
    NaiveTime::from_hms_opt(h, m, 0)
}

fn clock(t: NaiveTime) -> String {
    if t.hour() == 23 && t.minute() == 59 && t.second() == 59 {
        return "24:00".into();
    }
    t.format("%H:%M").to_string()
}

fn day_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Mon",
        Weekday::Tue => "Tue",
        Weekday::Wed => "Wed",
        Weekday::Thu => "Thu",
        Weekday::Fri => "Fri",
        Weekday::Sat => "Sat",
        Weekday::Sun => "Sun",
    }
}

impl std::fmt::Display for Window {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}-{}",
            day_name(self.day),
            clock(self.from),
            clock(self.to)
        )
    }
}

/// Read windows as typed: "Tue 10:00-12:00", several separated by commas or semicolons ("Tue
/// 10-12, Thu 14:00-15:30"); a day may carry several times ("Tue 10-12 and 14-16"). The error
/// says what is wrong and what to type. A window that ends before it starts, or overlaps
/// another, is refused.
pub fn parse(text: &str) -> Result<Vec<Window>, String> {
    let mut out: Vec<Window> = Vec::new();
    let text = text.replace(" and ", ", ").replace(" to ", "-");
    let mut day: Option<Weekday> = None;
    for part in text
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (d, times) = match part.split_once(char::is_whitespace) {
            Some((first, rest)) if day_of(first).is_some() => (day_of(first), rest.trim()),
            _ if day_of(part).is_some() => {
                return Err(format!(
                    "\"{part}\" has no times: give the times on that day, {EXAMPLE}."
                ))
            }
            _ => (day, part),
        };
        let Some(d) = d else {
            return Err(format!(
                "\"{part}\" does not start with a day: give a day and times, {EXAMPLE}."
            ));
        };
        day = Some(d);
        let Some((a, b)) = times.split_once(['-', '–']) else {
            return Err(format!(
                "\"{part}\" needs a start and an end time, {EXAMPLE}."
            ));
        };
        let (Some(from), Some(to)) = (time_of(a), time_of(b)) else {
            return Err(format!(
                "\"{part}\": the times are not clear; type them as 10:00-12:00 (24-hour clock)."
            ));
        };
        if to <= from {
            return Err(format!(
                "\"{part}\" ends before it starts ({} is not after {}): give the start first, {EXAMPLE}.",
                clock(to),
                clock(from)
            ));
        }
        let w = Window { day: d, from, to };
        if let Some(o) = out
            .iter()
            .find(|o| o.day == d && o.from < to && from < o.to)
        {
            return Err(format!(
                "{w} overlaps {o}: give each time once, or join them into one window."
            ));
        }
        out.push(w);
    }
    if out.is_empty() {
        return Err(format!("Give the days and times, {EXAMPLE}."));
    }
    out.sort_by_key(|w| (w.day.num_days_from_monday(), w.from));
    Ok(out)
}

/// The windows written the one way: "Tue 10:00-12:00, Thu 14:00-15:30".
pub fn words(list: &[Window]) -> String {
    list.iter()
        .map(Window::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Is this instant inside one of the windows (on the Europe/London clock)?
pub fn inside(list: &[Window], now: DateTime<Utc>) -> bool {
    let local = now.with_timezone(&London);
    let (day, t) = (local.weekday(), local.time());
    list.iter().any(|w| w.day == day && w.from <= t && t < w.to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn windows_are_read_as_typed_and_written_one_way() {
        let w = parse("tuesdays 10-12, thu 14:00-15:30").unwrap();
        assert_eq!(words(&w), "Tue 10:00-12:00, Thu 14:00-15:30");
        let w = parse("Thu 14.00 to 15.30; Tue 1000-1200 and 14-16").unwrap();
        assert_eq!(
            words(&w),
            "Tue 10:00-12:00, Tue 14:00-16:00, Thu 14:00-15:30"
        );
        assert_eq!(
            words(&parse("Friday 9:30-24:00").unwrap()),
            "Fri 09:30-24:00"
        );
    }

    #[test]
    fn a_window_ending_before_it_starts_or_overlapping_is_refused() {
        let e = parse("Tue 12:00-10:00").unwrap_err();
        assert!(e.contains("ends before it starts"), "{e}");
        let e = parse("Tue 10:00-10:00").unwrap_err();
        assert!(e.contains("ends before it starts"), "{e}");
        let e = parse("Tue 10:00-12:00, Tue 11:30-13:00").unwrap_err();
        assert!(e.contains("overlaps"), "{e}");
        assert!(e.contains("Tue 10:00-12:00"), "{e}");
        // Touching windows do not overlap.
        assert!(parse("Tue 10:00-12:00, Tue 12:00-13:00").is_ok());
        for bad in [
            "",
            "10:00-12:00",
            "Tue",
            "Tue 10",
            "Tue ten-twelve",
            "Blursday 10-12",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn inside_follows_the_london_clock() {
        let w = parse("Tue 10:00-12:00").unwrap();
        // Tuesday 24/11/2026 10:30 in London is 10:30 UTC (GMT).
        let at = |d, h, m| Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap();
        assert!(inside(&w, at(24, 10, 30)));
        assert!(!inside(&w, at(24, 12, 0)));
        assert!(!inside(&w, at(25, 10, 30)));
        // In summer London is an hour ahead: 09:30 UTC is 10:30 BST, Tuesday 16/06/2026.
        let summer = Utc.with_ymd_and_hms(2026, 6, 16, 9, 30, 0).unwrap();
        assert!(inside(&w, summer));
        assert!(!inside(
            &w,
            Utc.with_ymd_and_hms(2026, 6, 16, 11, 30, 0).unwrap()
        ));
    }
}
