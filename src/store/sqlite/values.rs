//! Converting between Rust values and the text columns they are stored in: ids, times, dates and
//! JSON lists.

use crate::domain::Id;
use crate::time;
use chrono::Utc;
use uuid::Uuid;

pub(super) fn parse_id(s: &str) -> rusqlite::Result<Id> {
    Uuid::parse_str(s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

pub(super) fn parse_time(s: &str) -> rusqlite::Result<chrono::DateTime<Utc>> {
    time::from_db(s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("bad time {s:?}").into(),
        )
    })
}

pub(super) fn parse_date(s: &str) -> rusqlite::Result<chrono::NaiveDate> {
    time::date_from_db(s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("bad date {s:?}").into(),
        )
    })
}

pub(super) fn json_list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

pub(super) fn to_json_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}
