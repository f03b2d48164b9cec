//! The letters the policy promises customers that have not gone yet: owed by a decision that
//! restricted someone, or by a review that lifted or changed their restrictions.

use super::values::{parse_id, parse_time};
use crate::domain::{Outcome, OwedFor, OwedLetter};
use rusqlite::Transaction;

/// Every letter still owed, oldest first.
pub(super) fn letters_owed(tx: &Transaction<'_>) -> rusqlite::Result<Vec<OwedLetter>> {
    let name = "coalesce(cu.name, 'Unidentified visitor: ' || cu.description)";
    let mut out: Vec<OwedLetter> = tx
        .prepare_cached(&format!(
            "SELECT d.id, d.customer_id, {name}, d.outcome, d.decided_at, d.case_id FROM decision d \
             JOIN customer cu ON cu.id = d.customer_id WHERE d.letter_status = 'owed'"
        ))?
        .query_map([], |r| {
            let outcome: String = r.get(3)?;
            Ok(OwedLetter {
                about: OwedFor::Decision(parse_id(&r.get::<_, String>(0)?)?),
                case_id: r
                    .get::<_, Option<String>>(5)?
                    .as_deref()
                    .map(parse_id)
                    .transpose()?,
                customer_id: parse_id(&r.get::<_, String>(1)?)?,
                customer_name: r.get(2)?,
                kind: Outcome::parse(&outcome)
                    .unwrap_or(Outcome::Actions)
                    .letter_kind()
                    .to_string(),
                since: parse_time(&r.get::<_, String>(4)?)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let reviews: Vec<OwedLetter> = tx
        .prepare_cached(&format!(
            "SELECT v.batch, v.customer_id, {name}, min(v.reviewed_at) FROM review v \
             JOIN customer cu ON cu.id = v.customer_id WHERE v.letter_status = 'owed' \
             GROUP BY v.batch, v.customer_id"
        ))?
        .query_map([], |r| {
            Ok(OwedLetter {
                about: OwedFor::Review(parse_id(&r.get::<_, String>(0)?)?),
                case_id: None,
                customer_id: parse_id(&r.get::<_, String>(1)?)?,
                customer_name: r.get(2)?,
                kind: "review_outcome".to_string(),
                since: parse_time(&r.get::<_, String>(3)?)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    out.extend(reviews);
    crate::store::rules::letters::sort_owed(&mut out);
    Ok(out)
}
