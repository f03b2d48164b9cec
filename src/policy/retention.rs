//! How long records are kept (the policy's `[retention]`), and which records a retention run
//! removes: pure rules, unit-tested.
//!
//! A customer's keeping clock starts at their last activity: the later of their last incident,
//! decision, review or letter and the end of their last restriction (or, once a run removed the
//! records it was counted from, the date that run kept). Each kind of record goes, all of the
//! customer's records of that kind at once, when its number of years has passed since then; the
//! customer's own details go when nothing else of theirs is left and their own number of years
//! has passed. Nothing of a customer goes while they have a restriction in force, an open case
//! or a letter the policy still owes them.

use crate::domain::{RecordKind, RetentionFacts, RetentionItem};
use crate::time;
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The policy's `[retention]`: years each kind of record is kept after the customer's last
/// activity.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Retention {
    /// Incidents.
    pub incidents_years: u32,
    /// Escalation cases that are closed.
    pub cases_years: u32,
    /// Decisions, the restrictions they set once ended, and their reviews.
    pub decisions_years: u32,
    /// Letters (and their files).
    pub letters_years: u32,
    /// The customer's own details, once nothing else of theirs is left.
    pub customers_years: u32,
}

impl Default for Retention {
    fn default() -> Retention {
        Retention {
            incidents_years: 3,
            cases_years: 6,
            decisions_years: 6,
            letters_years: 6,
            customers_years: 6,
        }
    }
}

/// The most years any kind may be kept.
pub const MOST_YEARS: u32 = 100;

impl Retention {
    /// Years kept for a kind of record.
    pub fn years(&self, kind: RecordKind) -> u32 {
        match kind {
            RecordKind::Incident => self.incidents_years,
            RecordKind::Case => self.cases_years,
            RecordKind::Decision | RecordKind::Restriction | RecordKind::Review => {
                self.decisions_years
            }
            RecordKind::Letter => self.letters_years,
            RecordKind::Customer => self.customers_years,
        }
    }

    /// The check the policy loader runs: an error is (the field, to find its line; message).
    pub fn check(&self) -> Result<(), (String, String)> {
        for (field, years) in [
            ("incidents_years", self.incidents_years),
            ("cases_years", self.cases_years),
            ("decisions_years", self.decisions_years),
            ("letters_years", self.letters_years),
            ("customers_years", self.customers_years),
        ] {
            if years == 0 || years > MOST_YEARS {
                return Err((
                    field.into(),
                    format!(
                        "[retention] {field} is {years}; it must be a whole number of years from 1 to {MOST_YEARS}"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Why nothing of a customer may go, or None.
pub fn held(f: &RetentionFacts) -> Option<&'static str> {
    if f.active_restriction {
        Some("a restriction is in force")
    } else if f.open_case {
        Some("a case is open")
    } else if f.owed_letter {
        Some("a letter is owed")
    } else {
        None
    }
}

/// When the customer's keeping clock started: their last activity.
pub fn clock(f: &RetentionFacts) -> Option<DateTime<Utc>> {
    let last = f
        .records
        .iter()
        .filter(|r| r.kind != RecordKind::Customer)
        .map(|r| r.at)
        .max();
    match (last, f.kept_from) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b).or(f.created_at),
    }
}

/// The day a record kept `years` after `since` may go.
pub fn due_on(since: NaiveDate, years: u32) -> NaiveDate {
    since
        .checked_add_months(Months::new(years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MAX)
}

/// The records of one customer a run on `today` removes, in the order they are removed: letters,
/// reviews, restrictions, decisions, cases, incidents, then records merged into the customer and
/// last the customer.
pub fn due(f: &RetentionFacts, today: NaiveDate, r: &Retention) -> Vec<RetentionItem> {
    if held(f).is_some() {
        return Vec::new();
    }
    let Some(since) = clock(f).map(time::london_date) else {
        return Vec::new();
    };
    let passed = |kind: RecordKind| due_on(since, r.years(kind)) <= today;
    let mut out: Vec<RetentionItem> = f
        .records
        .iter()
        .filter(|rec| rec.kind != RecordKind::Customer && passed(rec.kind))
        .map(|rec| RetentionItem {
            customer_id: f.customer_id.clone(),
            customer_name: f.name.clone(),
            kind: rec.kind,
            record_id: rec.id.clone(),
            date: time::london_date(rec.at),
            since,
            years: r.years(rec.kind),
        })
        .collect();
    let all_gone = f
        .records
        .iter()
        .all(|rec| rec.kind == RecordKind::Customer || passed(rec.kind));
    if all_gone && passed(RecordKind::Customer) {
        out.push(RetentionItem {
            customer_id: f.customer_id.clone(),
            customer_name: f.name.clone(),
            kind: RecordKind::Customer,
            record_id: f.customer_id.clone(),
            date: f.created_at.map(time::london_date).unwrap_or(since),
            since,
            years: r.customers_years,
        });
        // Records merged into them are the same person: they go with them.
        for rec in f.records.iter().filter(|x| x.kind == RecordKind::Customer) {
            out.push(RetentionItem {
                customer_id: f.customer_id.clone(),
                customer_name: f.name.clone(),
                kind: RecordKind::Customer,
                record_id: rec.id.clone(),
                date: time::london_date(rec.at),
                since,
                years: r.customers_years,
            });
        }
    }
    // Records merged into the customer go before the customer (they point at them).
    let key = |i: &RetentionItem| (i.kind, i.record_id == i.customer_id, i.date);
    out.sort_by(|a, b| {
        key(a)
            .cmp(&key(b))
            .then_with(|| a.record_id.cmp(&b.record_id))
    });
    out
}

/// Whether a customer's keeping period has passed for something although they are held back.
pub fn held_back(f: &RetentionFacts, today: NaiveDate, r: &Retention) -> bool {
    if held(f).is_none() {
        return false;
    }
    let Some(since) = clock(f).map(time::london_date) else {
        return false;
    };
    let least = [
        RecordKind::Incident,
        RecordKind::Case,
        RecordKind::Decision,
        RecordKind::Letter,
    ]
    .into_iter()
    .filter(|k| f.records.iter().any(|rec| rec.kind == *k))
    .map(|k| r.years(k))
    .min();
    least.is_some_and(|y| due_on(since, y) <= today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::HeldRecord;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
    }

    fn rec(kind: RecordKind, id: &str, when: DateTime<Utc>) -> HeldRecord {
        HeldRecord {
            kind,
            id: id.into(),
            at: when,
        }
    }

    fn facts(records: Vec<HeldRecord>) -> RetentionFacts {
        RetentionFacts {
            customer_id: "c1".into(),
            name: "Ann Example".into(),
            created_at: Some(at(2015, 1, 1)),
            records,
            ..Default::default()
        }
    }

    fn kinds(items: &[RetentionItem]) -> Vec<(RecordKind, &str)> {
        items
            .iter()
            .map(|i| (i.kind, i.record_id.as_str()))
            .collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    #[test]
    fn incidents_go_after_three_years_and_letters_after_six() {
        let f = facts(vec![
            rec(RecordKind::Incident, "i1", at(2022, 1, 10)),
            rec(RecordKind::Incident, "i2", at(2023, 5, 1)),
            rec(RecordKind::Letter, "l1", at(2023, 5, 2)),
        ]);
        // Last activity 02/05/2023: incidents go from 02/05/2026, letters from 02/05/2029.
        let items = due(&f, today(), &Retention::default());
        assert_eq!(
            kinds(&items),
            vec![(RecordKind::Incident, "i1"), (RecordKind::Incident, "i2")]
        );
        assert_eq!(items[0].since, NaiveDate::from_ymd_opt(2023, 5, 2).unwrap());
        assert_eq!(items[0].years, 3);
        assert!(items[0].rule().starts_with("Incidents are kept 3 years"));
        assert_eq!(
            items[0].rule(),
            "Incidents are kept 3 years after the last activity, 02/05/2023"
        );
        let later = NaiveDate::from_ymd_opt(2029, 5, 2).unwrap();
        let items = due(&f, later, &Retention::default());
        assert_eq!(
            kinds(&items),
            vec![
                (RecordKind::Letter, "l1"),
                (RecordKind::Incident, "i1"),
                (RecordKind::Incident, "i2"),
                (RecordKind::Customer, "c1"),
            ]
        );
    }

    #[test]
    fn the_day_before_nothing_goes() {
        let f = facts(vec![rec(RecordKind::Incident, "i1", at(2023, 11, 25))]);
        assert!(due(&f, today(), &Retention::default()).is_empty());
        let f = facts(vec![rec(RecordKind::Incident, "i1", at(2023, 11, 24))]);
        assert_eq!(due(&f, today(), &Retention::default()).len(), 1);
    }

    #[test]
    fn a_recent_restriction_ending_keeps_old_incidents() {
        let f = facts(vec![
            rec(RecordKind::Incident, "i1", at(2019, 1, 10)),
            rec(RecordKind::Restriction, "r1", at(2025, 1, 1)),
        ]);
        assert!(due(&f, today(), &Retention::default()).is_empty());
    }

    #[test]
    fn nothing_goes_behind_a_restriction_in_force_an_open_case_or_an_owed_letter() {
        let old = vec![
            rec(RecordKind::Incident, "i1", at(2010, 1, 10)),
            rec(RecordKind::Letter, "l1", at(2010, 2, 1)),
        ];
        for hold in 0..3 {
            let mut f = facts(old.clone());
            match hold {
                0 => f.active_restriction = true,
                1 => f.open_case = true,
                _ => f.owed_letter = true,
            }
            assert!(held(&f).is_some());
            assert!(due(&f, today(), &Retention::default()).is_empty());
            assert!(held_back(&f, today(), &Retention::default()));
        }
        let f = facts(old);
        assert!(!held_back(&f, today(), &Retention::default()));
        assert_eq!(due(&f, today(), &Retention::default()).len(), 3);
    }

    #[test]
    fn a_customer_goes_only_when_nothing_else_is_left() {
        let r = Retention {
            customers_years: 4,
            letters_years: 10,
            ..Retention::default()
        };
        let f = facts(vec![
            rec(RecordKind::Incident, "i1", at(2020, 1, 10)),
            rec(RecordKind::Letter, "l1", at(2020, 1, 11)),
        ]);
        assert_eq!(
            kinds(&due(&f, today(), &r)),
            vec![(RecordKind::Incident, "i1")]
        );
        // Once the incidents went, the clock an earlier run kept still counts.
        let f = RetentionFacts {
            kept_from: Some(at(2020, 1, 11)),
            ..facts(vec![])
        };
        assert_eq!(
            kinds(&due(&f, today(), &r)),
            vec![(RecordKind::Customer, "c1")]
        );
        let f = RetentionFacts {
            kept_from: Some(at(2024, 1, 11)),
            ..facts(vec![])
        };
        assert!(due(&f, today(), &r).is_empty());
    }

    #[test]
    fn a_customer_with_nothing_recorded_counts_from_when_they_were_added() {
        let mut f = facts(vec![]);
        assert_eq!(due(&f, today(), &Retention::default()).len(), 1);
        f.created_at = Some(at(2026, 1, 1));
        assert!(due(&f, today(), &Retention::default()).is_empty());
    }

    #[test]
    fn records_merged_into_a_customer_go_with_them() {
        let f = facts(vec![
            rec(RecordKind::Incident, "i1", at(2012, 1, 10)),
            rec(RecordKind::Customer, "v1", at(2012, 1, 10)),
        ]);
        assert_eq!(
            kinds(&due(&f, today(), &Retention::default())),
            vec![
                (RecordKind::Incident, "i1"),
                (RecordKind::Customer, "v1"),
                (RecordKind::Customer, "c1")
            ]
        );
    }

    #[test]
    fn years_must_be_from_one_to_a_hundred() {
        assert!(Retention::default().check().is_ok());
        let r = Retention {
            letters_years: 0,
            ..Retention::default()
        };
        let (field, message) = r.check().unwrap_err();
        assert_eq!(field, "letters_years");
        assert!(message.contains("letters_years is 0"), "{message}");
    }

    #[test]
    fn the_policy_loader_names_a_misspelt_or_wrong_retention_field_and_its_line() {
        let built_in = crate::policy::BUILT_IN;
        assert_eq!(
            crate::policy::Policy::built_in().retention,
            Retention::default()
        );
        let typo = built_in.replace("incidents_years = 3", "incident_years = 3");
        let e = crate::policy::Policy::parse(&typo, "p.toml").unwrap_err();
        assert!(e.message.contains("incident_years"), "{}", e.message);
        let line = typo
            .lines()
            .position(|l| l.starts_with("incident_years"))
            .unwrap()
            + 1;
        assert_eq!(e.line, Some(line));
        let zero = built_in.replace("letters_years = 6", "letters_years = 0");
        let e = crate::policy::Policy::parse(&zero, "p.toml").unwrap_err();
        assert!(e.message.contains("letters_years is 0"), "{}", e.message);
        assert_eq!(
            e.line,
            Some(
                zero.lines()
                    .position(|l| l.starts_with("letters_years"))
                    .unwrap()
                    + 1
            )
        );
        // A policy file of an older safedesk has no [retention]: the defaults apply.
        let start = built_in.find("[retention]").unwrap();
        let older = crate::policy::Policy::parse(&built_in[..start], "p.toml").unwrap();
        assert_eq!(older.retention, Retention::default());
    }

    #[test]
    fn a_leap_day_is_kept_to_the_end_of_february() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(due_on(d, 3), NaiveDate::from_ymd_opt(2027, 2, 28).unwrap());
    }
}
