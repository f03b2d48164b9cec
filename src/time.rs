//! Dates and times as people in the office read them: Europe/London, day first (24/11/2026).
//! Everything is stored in UTC.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
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
}
