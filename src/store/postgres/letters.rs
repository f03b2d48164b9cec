//! Letters on the server (as the letters' part of `sqlite/decisions.rs` and `sqlite/owed.rs`;
//! what they check is `rules/letters.rs`, shared by both engines).

use super::audit::audit;
use super::errors::TxResult;
use super::prelude::*;
use super::queue::close_case;
use super::statements::Tx;
use crate::domain::{Outcome, OwedFor};
use crate::store::rules::decisions::staff_of;
use crate::store::rules::letters::{self as rules, Names};
use chrono::{DateTime, NaiveDate, Utc};

pub(super) fn record_letter(s: &mut PgStore, actor: &Actor, l: &NewLetter) -> Result<()> {
    let (anyone, what) = rules::who_produces(&l.kind);
    s.write_as(
        actor,
        move |r| anyone || r.can_decide(),
        what,
        |tx| produce(tx, actor, l),
    )
}

fn produce(tx: &mut Tx<'_>, actor: &Actor, l: &NewLetter) -> TxResult<()> {
    let me = staff_of(actor)?;
    if tx
        .query_opt("SELECT 1 FROM letter WHERE id = $1", &[&l.id])?
        .is_some()
    {
        return Ok(());
    }
    let checks = [
        (
            l.decision_id.map(|d| d.to_string()),
            Names::Decision,
            "SELECT customer_id FROM decision WHERE id = $1::text::uuid",
        ),
        (
            l.incident_id.map(|i| i.to_string()),
            Names::Incident,
            "SELECT customer_id FROM incident WHERE id = $1::text::uuid",
        ),
        (
            l.review_batch.map(|b| b.to_string()),
            Names::Review,
            "SELECT customer_id FROM review WHERE batch = $1 LIMIT 1",
        ),
    ];
    for (named, names, sql) in checks {
        if let Some(id) = named {
            let owner: Option<Id> = tx.query_opt(sql, &[&id])?.and_then(|r| r.get(0));
            rules::same_customer(l, names, owner)?;
        }
    }
    let address = l
        .address
        .as_ref()
        .map(|a| serde_json::Value::from(a.clone()));
    tx.execute(
        "INSERT INTO letter (id, customer_id, case_id, decision_id, kind, body, file, created_at, \
         created_by, review_batch, address, incident_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        &[
            &l.id,
            &l.customer_id,
            &l.case_id,
            &l.decision_id,
            &l.kind,
            &l.body,
            &l.file,
            &crate::time::whole_seconds(Utc::now()),
            &me.id,
            &l.review_batch.map(|b| b.to_string()).unwrap_or_default(),
            &address,
            &l.incident_id,
        ],
    )?;
    audit(
        tx,
        actor,
        "produce letter",
        "letter",
        &l.id.to_string(),
        None,
        Some(rules::produced_audit(l)),
    )?;
    Ok(())
}

/// Close the case waiting for this decision's written confirmation, if there is one.
fn close_waiting(tx: &mut Tx<'_>, actor: &Actor, decision: Id) -> TxResult<()> {
    let waiting: Vec<Id> = tx
        .query(
            "SELECT id FROM escalation_case WHERE decision_id = $1 AND waiting = 'confirmation' \
             AND closed_at IS NULL",
            &[&decision],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for id in waiting {
        close_case(tx, actor, id, None)?;
    }
    Ok(())
}

pub(super) fn letter_sent(
    s: &mut PgStore,
    actor: &Actor,
    letter: Id,
    on: NaiveDate,
    how: SentHow,
) -> Result<()> {
    let kind: Option<String> = s.read(|tx| {
        Ok(tx
            .query_opt("SELECT kind FROM letter WHERE id = $1", &[&letter])?
            .map(|r| r.get(0)))
    })?;
    let (anyone, what) = rules::who_records_sent(kind.as_deref());
    s.write_as(
        actor,
        move |r| anyone || r.can_decide(),
        what,
        |tx| sent(tx, actor, letter, on, how),
    )
}

fn sent(tx: &mut Tx<'_>, actor: &Actor, letter: Id, on: NaiveDate, how: SentHow) -> TxResult<()> {
    let row = tx.query_opt(
        "SELECT l.created_at, l.decision_id, l.sent_at, l.review_batch, l.address, \
         coalesce(c.name, 'This customer'), l.sent_how FROM letter l \
         JOIN customer c ON c.id = l.customer_id WHERE l.id = $1",
        &[&letter],
    )?;
    let Some(row) = row else {
        return Err(rules::letter_gone().into());
    };
    let decision: Option<Id> = row.get(1);
    let review_batch: String = row.get(3);
    let facts = rules::SentFacts {
        created_at: Some(row.get(0)),
        sent_at: row.get(2),
        address: row
            .get::<_, Option<serde_json::Value>>(4)
            .map(|a| serde_json::from_value(a).unwrap_or_default()),
        customer_name: row.get(5),
        sent_how: row.get(6),
    };
    let Some(at) = rules::sent_at(&facts, on, how)? else {
        return Ok(());
    };
    tx.execute(
        "UPDATE letter SET sent_at = $2, sent_how = $3 WHERE id = $1",
        &[&letter, &at, &how.as_str()],
    )?;
    if let Some(d) = decision {
        tx.execute(
            "UPDATE decision SET letter_status = 'sent', version = version + 1 \
             WHERE id = $1 AND letter_status IN ('owed', 'not_possible')",
            &[&d],
        )?;
        close_waiting(tx, actor, d)?;
    }
    if !review_batch.is_empty() {
        tx.execute(
            "UPDATE review SET letter_status = 'sent' \
             WHERE batch = $1 AND letter_status IN ('owed', 'not_possible')",
            &[&review_batch],
        )?;
    }
    let (before, after) = rules::sent_audit(facts.sent_at, on, how);
    Ok(audit(
        tx,
        actor,
        "letter sent",
        "letter",
        &letter.to_string(),
        before,
        Some(after),
    )?)
}

pub(super) fn confirmation_not_possible(
    s: &mut PgStore,
    actor: &Actor,
    decision: Id,
    reason: &str,
) -> Result<()> {
    s.write_as(
        actor,
        Role::can_decide,
        "record why written confirmation was not possible",
        |tx| {
            let status = tx
                .query_opt(
                    "SELECT letter_status, letter_note FROM decision WHERE id = $1",
                    &[&decision],
                )?
                .map(|r| (r.get(0), r.get(1)));
            let Some(reason) = rules::confirmation_not_possible(reason, status)? else {
                return Ok(());
            };
            tx.execute(
                "UPDATE decision SET letter_status = 'not_possible', letter_note = $2, \
                 version = version + 1 WHERE id = $1",
                &[&decision, &reason],
            )?;
            close_waiting(tx, actor, decision)?;
            Ok(audit(
                tx,
                actor,
                "confirmation not possible",
                "decision",
                &decision.to_string(),
                None,
                Some(rules::not_possible_audit(&reason)),
            )?)
        },
    )
}

pub(super) fn review_letter_not_possible(
    s: &mut PgStore,
    actor: &Actor,
    batch: Id,
    reason: &str,
) -> Result<()> {
    let batch = batch.to_string();
    s.write_as(
        actor,
        Role::can_decide,
        "record why a review's letter could not be sent",
        |tx| {
            let status = tx
                .query_opt(
                    "SELECT letter_status, letter_note FROM review WHERE batch = $1 LIMIT 1",
                    &[&batch],
                )?
                .map(|r| (r.get(0), r.get(1)));
            let Some(reason) = rules::review_letter_not_possible(reason, status)? else {
                return Ok(());
            };
            tx.execute(
                "UPDATE review SET letter_status = 'not_possible', letter_note = $2 \
                 WHERE batch = $1",
                &[&batch, &reason],
            )?;
            Ok(audit(
                tx,
                actor,
                "review letter not possible",
                "review",
                &batch,
                None,
                Some(rules::not_possible_audit(&reason)),
            )?)
        },
    )
}

pub(super) fn letters_owed(s: &mut PgStore) -> Result<Vec<OwedLetter>> {
    s.read(|tx| {
        let name = "coalesce(cu.name, 'Unidentified visitor: ' || cu.description)";
        let mut out: Vec<OwedLetter> = tx
            .query(
                &format!(
                    "SELECT d.id, d.customer_id, {name}, d.outcome, d.decided_at, d.case_id \
                     FROM decision d JOIN customer cu ON cu.id = d.customer_id \
                     WHERE d.letter_status = 'owed'"
                ),
                &[],
            )?
            .iter()
            .map(|r| {
                let outcome: String = r.get(3);
                OwedLetter {
                    about: OwedFor::Decision(r.get(0)),
                    case_id: r.get(5),
                    customer_id: r.get(1),
                    customer_name: r.get(2),
                    kind: Outcome::parse(&outcome)
                        .unwrap_or(Outcome::Actions)
                        .letter_kind()
                        .to_string(),
                    since: r.get(4),
                }
            })
            .collect();
        let reviews = tx.query(
            &format!(
                "SELECT v.batch::uuid, v.customer_id, {name}, min(v.reviewed_at) FROM review v \
                 JOIN customer cu ON cu.id = v.customer_id WHERE v.letter_status = 'owed' \
                 GROUP BY v.batch, v.customer_id, cu.name, cu.description"
            ),
            &[],
        )?;
        out.extend(reviews.iter().map(|r| OwedLetter {
            about: OwedFor::Review(r.get(0)),
            case_id: None,
            customer_id: r.get(1),
            customer_name: r.get(2),
            kind: "review_outcome".to_string(),
            since: r.get::<_, DateTime<Utc>>(3),
        }));
        rules::sort_owed(&mut out);
        Ok(out)
    })
}
