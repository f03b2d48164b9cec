//! Reading and writing rows on the server, as `sqlite/records.rs`: customers (with their search
//! keys, `rules/lookup.rs`), histories (and the incident, decision, restriction, review and
//! letter rows they are made of), and bulk loads. The checks are `rules/records.rs`.

use super::audit::audit;
use super::errors::TxResult;
use super::prelude::*;
use super::statements::Tx;
use crate::domain::{
    Decision, Incident, Letter, LetterStatus, Outcome, Restriction, RestrictionParams, Review,
    ReviewOutcome, Withdrawal,
};
use crate::store::rules::decisions::Pending;
use crate::store::rules::lookup::search_keys;
use crate::store::rules::records::{edited, still_editable, validate_new_customer, Edited};
use crate::time::whole_seconds;
use ::postgres::types::Json;
use ::postgres::Row;
use chrono::{DateTime, Utc};

// ---------------------------------------------------------------------------------------------
// Customers

/// Write a new customer and their search keys; returns their seq.
pub(super) fn insert_customer(tx: &mut Tx<'_>, c: &Customer) -> TxResult<i64> {
    let at = whole_seconds(c.created_at);
    let seq: i64 = tx
        .query_one(
            "INSERT INTO customer (id, name, other_names, postcode, description, notes, created_at, \
             updated_at, version, address, large_print, easy_read) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11) RETURNING seq",
            &[
                &c.id,
                &c.name,
                &Json(&c.other_names),
                &c.postcode,
                &c.description,
                &c.notes,
                &at,
                &c.version,
                &Json(&c.address),
                &c.large_print,
                &c.easy_read,
            ],
        )?
        .get(0);
    index_customer(tx, seq, c)?;
    Ok(seq)
}

/// (Re)build the search keys of one customer (which keys: [`search_keys`]): the old keys go in
/// one statement and the new ones come in another (two round trips, whatever the keys).
pub(super) fn index_customer(tx: &mut Tx<'_>, seq: i64, c: &Customer) -> TxResult<()> {
    tx.execute(
        "WITH w AS (DELETE FROM customer_word WHERE customer_seq = $1), \
              t AS (DELETE FROM customer_typo WHERE customer_seq = $1), \
              p AS (DELETE FROM customer_phone WHERE customer_seq = $1), \
              e AS (DELETE FROM customer_email WHERE customer_seq = $1) \
         DELETE FROM customer_text WHERE customer_seq = $1",
        &[&seq],
    )?;
    let keys = search_keys(c);
    let words: Vec<&String> = keys.words.iter().collect();
    let typos: Vec<&String> = keys.typos.iter().collect();
    let phone = |f: fn(&(String, String, String)) -> &String| -> Vec<&String> {
        keys.phones.iter().map(f).collect()
    };
    let (phone_display, digits, rdigits) = (phone(|p| &p.0), phone(|p| &p.1), phone(|p| &p.2));
    let email_display: Vec<&String> = keys.emails.iter().map(|e| &e.0).collect();
    let emails: Vec<&String> = keys.emails.iter().map(|e| &e.1).collect();
    // Phones and emails in the order given: of two with the same key, the first is kept.
    tx.execute(
        "WITH w AS (INSERT INTO customer_word (word, customer_seq) \
                    SELECT unnest($2::text[]), $1 ON CONFLICT DO NOTHING), \
              t AS (INSERT INTO customer_typo (key, customer_seq) \
                    SELECT unnest($3::text[]), $1 ON CONFLICT DO NOTHING), \
              p AS (INSERT INTO customer_phone (customer_seq, display, digits, rdigits) \
                    SELECT $1, * FROM unnest($4::text[], $5::text[], $6::text[]) \
                    ON CONFLICT DO NOTHING), \
              e AS (INSERT INTO customer_email (customer_seq, display, email) \
                    SELECT $1, * FROM unnest($7::text[], $8::text[]) ON CONFLICT DO NOTHING) \
         INSERT INTO customer_text (customer_seq, keys) VALUES ($1, $9)",
        &[
            &seq,
            &words,
            &typos,
            &phone_display,
            &digits,
            &rdigits,
            &email_display,
            &emails,
            &keys.text,
        ],
    )?;
    Ok(())
}

/// Drop a retired record's search keys, so it no longer turns up in searches.
pub(super) fn unindex_customer(tx: &mut Tx<'_>, seq: i64, c: &Customer) -> TxResult<()> {
    let mut retired = c.clone();
    retired.name = None;
    retired.description = String::new();
    retired.phones.clear();
    retired.emails.clear();
    retired.other_names.clear();
    index_customer(tx, seq, &retired)?;
    tx.execute("DELETE FROM customer_text WHERE customer_seq = $1", &[&seq])?;
    Ok(())
}

fn audit_new_customer(tx: &mut Tx<'_>, actor: &Actor, c: &Customer) -> TxResult<()> {
    Ok(audit(
        tx,
        actor,
        "add customer",
        "customer",
        &c.id.to_string(),
        None,
        Some(serde_json::to_string(c).unwrap_or_default()),
    )?)
}

/// Write a new customer, their search keys and the audit entry saying so.
pub(super) fn add_new_customer(tx: &mut Tx<'_>, actor: &Actor, c: &Customer) -> TxResult<()> {
    insert_customer(tx, c)?;
    audit_new_customer(tx, actor, c)
}

pub(super) fn add_customer(s: &mut PgStore, actor: &Actor, c: NewCustomer) -> Result<Customer> {
    let customer = validate_new_customer(c)?;
    s.write_as(
        actor,
        |_| true,
        "add customers",
        |tx| {
            add_new_customer(tx, actor, &customer)?;
            Ok(customer.clone())
        },
    )
}

pub(super) fn import_customers(
    s: &mut PgStore,
    actor: &Actor,
    customers: &[NewCustomer],
) -> Result<usize> {
    let checked = customers
        .iter()
        .map(|c| validate_new_customer(c.clone()))
        .collect::<Result<Vec<_>>>()?;
    s.write_as(
        actor,
        |_| true,
        "add customers",
        |tx| {
            let mut added = 0;
            for customer in &checked {
                if customer_exists(tx, customer.id)? {
                    continue;
                }
                add_new_customer(tx, actor, customer)?;
                added += 1;
            }
            Ok(added)
        },
    )
}

pub(super) fn customer_exists(tx: &mut Tx<'_>, id: Id) -> TxResult<bool> {
    Ok(tx
        .query_opt("SELECT 1 FROM customer WHERE id = $1", &[&id])?
        .is_some())
}

/// Whether a customer was merged into another (Some(None): not merged; None: not there).
pub(super) fn merged_state(tx: &mut Tx<'_>, id: Id) -> TxResult<Option<Option<Id>>> {
    Ok(tx
        .query_opt("SELECT merged_into FROM customer WHERE id = $1", &[&id])?
        .map(|r| r.get(0)))
}

pub(super) fn update_customer(
    s: &mut PgStore,
    actor: &Actor,
    id: Id,
    edit: NewCustomer,
    expected_version: i64,
) -> Result<Customer> {
    s.write_as(
        actor,
        |_| true,
        "change customers' details",
        |tx| {
            let row = tx.query_opt(
                "SELECT seq, merged_into IS NOT NULL FROM customer WHERE id = $1",
                &[&id],
            )?;
            let seq: i64 = still_editable(row.map(|r| (r.get(0), r.get(1))))?;
            let (_, before) = customers_by_seq(tx, &[seq])?
                .pop()
                .ok_or_else(|| StoreError::Missing("the customer".into()))?;
            let after = match edited(&before, id, edit.clone(), expected_version)? {
                Edited::AlreadySaved => return Ok(before),
                Edited::Changed(after) => *after,
            };
            tx.execute(
                "UPDATE customer SET name = $2, other_names = $3, postcode = $4, description = $5, \
                 notes = $6, updated_at = $7, version = $8, address = $9, large_print = $10, \
                 easy_read = $11 WHERE seq = $1",
                &[
                    &seq,
                    &after.name,
                    &Json(&after.other_names),
                    &after.postcode,
                    &after.description,
                    &after.notes,
                    &whole_seconds(Utc::now()),
                    &after.version,
                    &Json(&after.address),
                    &after.large_print,
                    &after.easy_read,
                ],
            )?;
            index_customer(tx, seq, &after)?;
            audit(
                tx,
                actor,
                "edit customer",
                "customer",
                &id.to_string(),
                Some(serde_json::to_string(&before).unwrap_or_default()),
                Some(serde_json::to_string(&after).unwrap_or_default()),
            )?;
            Ok(after)
        },
    )
}

const CUSTOMER_COLS: &str =
    "seq, id, name, other_names, postcode, description, notes, created_at, version, address, \
     large_print, easy_read";

fn customer_row(r: &Row) -> (i64, Customer) {
    (
        r.get(0),
        Customer {
            id: r.get(1),
            name: r.get(2),
            other_names: r.get::<_, Json<Vec<String>>>(3).0,
            phones: Vec::new(),
            emails: Vec::new(),
            postcode: r.get(4),
            address: r.get::<_, Json<Vec<String>>>(9).0,
            large_print: r.get(10),
            easy_read: r.get(11),
            description: r.get(5),
            notes: r.get(6),
            created_at: r.get(7),
            version: r.get(8),
        },
    )
}

/// Customers as [`customer_row`] reads them, with their phones in digit order and emails in
/// address order (as SQLite's keys give them), in one statement.
fn customers_where(
    tx: &mut Tx<'_>,
    condition: &str,
    params: &[&(dyn ::postgres::types::ToSql + Sync)],
) -> TxResult<Vec<(i64, Customer)>> {
    Ok(tx
        .query(
            &format!(
                "SELECT {CUSTOMER_COLS}, \
                 ARRAY(SELECT p.display FROM customer_phone p WHERE p.customer_seq = customer.seq \
                       ORDER BY p.digits COLLATE \"C\"), \
                 ARRAY(SELECT e.display FROM customer_email e WHERE e.customer_seq = customer.seq \
                       ORDER BY e.email COLLATE \"C\") \
                 FROM customer WHERE {condition}"
            ),
            params,
        )?
        .iter()
        .map(|r| {
            let (seq, mut c) = customer_row(r);
            c.phones = r.get(12);
            c.emails = r.get(13);
            (seq, c)
        })
        .collect())
}

/// Customers by seq, with phones and emails (in no particular order).
pub(super) fn customers_by_seq(tx: &mut Tx<'_>, seqs: &[i64]) -> TxResult<Vec<(i64, Customer)>> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    customers_where(tx, "seq = ANY($1)", &[&seqs])
}

// ---------------------------------------------------------------------------------------------
// Histories

const INCIDENT_COLS_FULL: &str = "i.id, i.customer_id, i.occurred_at, i.logged_at, i.logged_by, s.display_name, \
     i.channel, i.category, i.behaviours, i.behaviour_other, i.response, i.reference, i.description, \
     i.immediate_threat, i.witnesses, i.withdrawn_at, i.withdrawn_by, i.withdrawn_reason, i.version, \
     i.distress, i.workload, i.workload_note, \
     i.hurt, i.hurt_staff, i.hurt_name, i.hurt_how, i.riddor, i.riddor_ref, i.debrief";
/// The same columns without the free text, for lookups and the escalation rules.
const INCIDENT_COLS_LIGHT: &str =
    "i.id, i.customer_id, i.occurred_at, i.logged_at, i.logged_by, ''::text, \
     i.channel, i.category, '[]'::jsonb, ''::text, i.response, ''::text, ''::text, \
     i.immediate_threat, ''::text, i.withdrawn_at, ''::text, ''::text, i.version, i.distress, \
     i.workload, ''::text, i.hurt, NULL::uuid, ''::text, ''::text, i.riddor, i.riddor_ref, i.debrief";

/// The incidents behind one case, in full, oldest first.
pub(super) fn case_incidents(tx: &mut Tx<'_>, case: Id) -> TxResult<Vec<Incident>> {
    Ok(tx
        .query(
            &format!(
                "SELECT {INCIDENT_COLS_FULL} FROM case_incident ci JOIN incident i ON i.id = ci.incident_id \
                 JOIN staff s ON s.id = i.logged_by WHERE ci.case_id = $1 ORDER BY i.occurred_at, i.id"
            ),
            &[&case],
        )?
        .iter()
        .map(incident_row)
        .collect())
}

pub(super) fn incident_row(r: &Row) -> Incident {
    let withdrawn_at: Option<DateTime<Utc>> = r.get(15);
    Incident {
        id: r.get(0),
        customer_id: r.get(1),
        occurred_at: r.get(2),
        logged_at: r.get(3),
        logged_by: r.get(4),
        logged_by_name: r.get(5),
        channel: r.get(6),
        category: r.get(7),
        behaviours: r.get::<_, Json<Vec<String>>>(8).0,
        behaviour_other: r.get(9),
        response: r.get(10),
        reference: r.get(11),
        description: r.get(12),
        immediate_threat: r.get(13),
        witnesses: r.get(14),
        distress: r.get(19),
        workload: r.get(20),
        workload_note: r.get(21),
        harm: crate::domain::Harm {
            hurt: crate::domain::Hurt::parse(&r.get::<_, String>(22)),
            hurt_staff: r.get(23),
            hurt_name: r.get(24),
            how: r.get(25),
            riddor: crate::domain::Riddor::parse(&r.get::<_, String>(26)),
            riddor_ref: r.get(27),
            debrief: r.get(28),
        },
        withdrawn: withdrawn_at.map(|at| Withdrawal {
            at,
            by: r.get::<_, Option<String>>(16).unwrap_or_default(),
            reason: r.get::<_, Option<String>>(17).unwrap_or_default(),
        }),
        version: r.get(18),
    }
}

const DECISION_COLS: &str =
    "d.id, d.customer_id, d.case_id, d.decided_at, d.meeting_date, d.attendees, \
     d.outcome, d.reasons, d.decided_by, s.display_name, d.no_warning, d.police_told, \
     d.risk_assessment, d.letter_status, d.letter_note, d.reasons_for_customer, \
     (SELECT coalesce(array_agg(ci.incident_id ORDER BY c.seq, ci.incident_id), '{}') \
      FROM escalation_case c JOIN case_incident ci ON ci.case_id = c.id \
      WHERE c.customer_id = d.customer_id AND (c.id = d.case_id OR c.decision_id = d.id)), \
     d.authority_told, d.tried_actions, d.none_suitable, \
     d.adjustments, d.adjustments_other, d.adjustments_why, \
     d.approval, d.approved_by, (SELECT display_name FROM staff WHERE id = d.approved_by), \
     d.approved_at, d.approval_note, d.pending, d.version";

pub(super) fn decision_row(r: &Row) -> Decision {
    let outcome: String = r.get(6);
    let mut incidents: Vec<Id> = Vec::new();
    for id in r.get::<_, Vec<Id>>(16) {
        if !incidents.contains(&id) {
            incidents.push(id);
        }
    }
    let pending: Pending = serde_json::from_str(&r.get::<_, String>(28)).unwrap_or_default();
    Decision {
        id: r.get(0),
        customer_id: r.get(1),
        case_id: r.get(2),
        decided_at: r.get(3),
        meeting_date: r.get(4),
        attendees: r.get(5),
        outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Actions),
        reasons: r.get(7),
        reasons_for_customer: r.get(15),
        incidents,
        decided_by: r.get(8),
        decided_by_name: r.get(9),
        no_warning: r.get(10),
        police_told: r.get(11),
        authority_told: r.get(17),
        risk_assessment: r.get(12),
        tried_actions: r.get::<_, Json<Vec<String>>>(18).0,
        none_suitable: r.get(19),
        adjustments: r.get::<_, Json<Vec<String>>>(20).0,
        adjustments_other: r.get(21),
        adjustments_why: r.get(22),
        letter: LetterStatus::from_db(&r.get::<_, String>(13), &r.get::<_, String>(14)),
        approval: crate::domain::Approval {
            status: crate::domain::ApprovalStatus::from_db(&r.get::<_, String>(23)),
            by: r.get(24),
            by_name: r.get::<_, Option<String>>(25).unwrap_or_default(),
            at: r.get(26),
            note: r.get(27),
            restrictions: pending.restrictions,
            review_date: pending.review_date,
        },
        version: r.get(29),
    }
}

const RESTRICTION_COLS: &str = "r.id, r.customer_id, r.decision_id, r.kind, r.email, r.phone, r.minutes, \
     r.staff_id, coalesce(s.display_name, ''), r.third_party, r.starts_at, r.review_due, r.ends_at, r.ended_reason, r.version, \
     r.scope, r.divert, r.redirect_to, r.windows, r.on_date, r.details, r.person, r.person_contact";

pub(super) fn restriction_row(r: &Row) -> Restriction {
    Restriction {
        id: r.get(0),
        customer_id: r.get(1),
        decision_id: r.get(2),
        kind: r.get(3),
        params: RestrictionParams {
            email: r.get(4),
            phone: r.get(5),
            minutes: r
                .get::<_, Option<i32>>(6)
                .and_then(|m| u32::try_from(m).ok()),
            staff_id: r.get(7),
            staff_name: r.get(8),
            third_party: r.get(9),
            scope: r.get(15),
            divert: r.get(16),
            redirect_to: r.get(17),
            windows: r.get(18),
            date: r.get(19),
            text: r.get(20),
            person: r.get(21),
            person_contact: r.get(22),
        },
        starts_at: r.get(10),
        review_due: r.get(11),
        ends_at: r.get(12),
        ended_reason: r.get(13),
        version: r.get(14),
    }
}

const LETTER_COLS: &str =
    "id, customer_id, kind, created_at, sent_at, sent_how, decision_id, file, incident_id";

pub(super) fn letter_row(r: &Row) -> Letter {
    Letter {
        id: r.get(0),
        customer_id: r.get(1),
        kind: r.get(2),
        created_at: r.get(3),
        sent_at: r.get(4),
        sent_how: r.get(5),
        decision_id: r.get(6),
        file: r.get(7),
        incident_id: r.get(8),
    }
}

fn review_row(r: &Row) -> (Option<Id>, Review) {
    let outcome: String = r.get(5);
    let id: Id = r.get(0);
    let batch: String = r.get(9);
    (
        r.get(8),
        Review {
            id,
            restriction_id: r.get(1),
            reviewed_at: r.get(2),
            reviewed_by_name: r.get(3),
            still_wants: r.get(4),
            outcome: ReviewOutcome::parse(&outcome).unwrap_or(ReviewOutcome::Continue),
            next_review: r.get(6),
            notes: r.get(7),
            batch: if batch.is_empty() {
                id
            } else {
                Id::parse_str(&batch).unwrap_or(id)
            },
            letter: LetterStatus::from_db(&r.get::<_, String>(10), &r.get::<_, String>(11)),
            reasons_for_customer: r.get(12),
            adjustments: r.get::<_, Json<Vec<String>>>(13).0,
            adjustments_other: r.get(14),
            adjustments_why: r.get(15),
        },
    )
}

/// The whole history of one customer, for the card.
pub(super) fn history_in(tx: &mut Tx<'_>, id: Id) -> TxResult<Option<CustomerHistory>> {
    let Some((_, customer)) = customers_where(tx, "id = $1", &[&id])?.pop() else {
        return Ok(None);
    };
    let mut h = histories(tx, vec![customer], true)?;
    let Some(mut one) = h.pop() else {
        return Ok(None);
    };
    one.letters = tx
        .query(
            &format!(
                "SELECT {LETTER_COLS} FROM letter WHERE customer_id = $1 ORDER BY created_at, seq"
            ),
            &[&id],
        )?
        .iter()
        .map(letter_row)
        .collect();
    one.merged_into = merged_into(tx, id)?;
    Ok(Some(one))
}

pub(super) fn history(s: &mut PgStore, customer: Id) -> Result<Option<CustomerHistory>> {
    s.read(|tx| history_in(tx, customer))
}

/// Where a retired record went, for its card; None for a record never merged into another (or
/// a linked visitor's, which has no merge row).
fn merged_into(tx: &mut Tx<'_>, id: Id) -> TxResult<Option<crate::domain::MergedInto>> {
    Ok(tx
        .query_opt(
            "SELECT m.id, m.audit_seq, m.survivor_id, coalesce(c.name, ''), m.merged_at, \
             coalesce(s.display_name, a.login, '') FROM customer_merge m \
             JOIN customer c ON c.id = m.survivor_id \
             LEFT JOIN staff s ON s.id = m.merged_by \
             LEFT JOIN audit a ON a.seq = m.audit_seq \
             WHERE m.merged_id = $1 AND m.reversed_at IS NULL ORDER BY m.merged_at DESC LIMIT 1",
            &[&id],
        )?
        .map(|r| crate::domain::MergedInto {
            merge: r.get(0),
            audit_seq: r.get(1),
            into: r.get(2),
            into_name: r.get(3),
            at: r.get(4),
            by: r.get(5),
        }))
}

/// Histories of several customers (incidents, decisions, restrictions, reviews); with `full`
/// false the incidents' free text is left out. Letters are not loaded.
pub(super) fn histories(
    tx: &mut Tx<'_>,
    customers: Vec<Customer>,
    full: bool,
) -> TxResult<Vec<CustomerHistory>> {
    let ids: Vec<Id> = customers.iter().map(|c| c.id).collect();
    let mut out: Vec<CustomerHistory> = customers.into_iter().map(CustomerHistory::new).collect();
    if ids.is_empty() {
        return Ok(out);
    }
    let slot = |out: &[CustomerHistory], id: Id| out.iter().position(|h| h.customer.id == id);
    let cols = if full {
        INCIDENT_COLS_FULL
    } else {
        INCIDENT_COLS_LIGHT
    };
    // Rows of equal times in the order they were written (`seq`), as SQLite's rowid gives them.
    let incidents = tx.query(
        &format!(
            "SELECT {cols} FROM incident i JOIN staff s ON s.id = i.logged_by \
             WHERE i.customer_id = ANY($1) ORDER BY i.logged_at, i.seq"
        ),
        &[&ids],
    )?;
    for i in incidents.iter().map(incident_row) {
        if let Some(k) = slot(&out, i.customer_id) {
            out[k].incidents.push(i);
        }
    }
    let decisions = tx.query(
        &format!(
            "SELECT {DECISION_COLS} FROM decision d JOIN staff s ON s.id = d.decided_by \
             WHERE d.customer_id = ANY($1) ORDER BY d.decided_at, d.seq"
        ),
        &[&ids],
    )?;
    for d in decisions.iter().map(decision_row) {
        if let Some(k) = slot(&out, d.customer_id) {
            out[k].decisions.push(d);
        }
    }
    let restrictions = tx.query(
        &format!(
            "SELECT {RESTRICTION_COLS} FROM restriction r LEFT JOIN staff s ON s.id = r.staff_id \
             WHERE r.customer_id = ANY($1) ORDER BY r.starts_at, r.seq"
        ),
        &[&ids],
    )?;
    for r in restrictions.iter().map(restriction_row) {
        if let Some(k) = slot(&out, r.customer_id) {
            out[k].restrictions.push(r);
        }
    }
    let reviews = tx.query(
        "SELECT v.id, v.restriction_id, v.reviewed_at, s.display_name, v.still_wants, v.outcome, \
         v.next_review, v.notes, v.customer_id, v.batch, v.letter_status, v.letter_note, \
         v.reasons_for_customer, v.adjustments, v.adjustments_other, v.adjustments_why \
         FROM review v JOIN staff s ON s.id = v.reviewed_by \
         WHERE v.customer_id = ANY($1) ORDER BY v.reviewed_at, v.seq",
        &[&ids],
    )?;
    for (customer, v) in reviews.iter().map(review_row) {
        if let Some(k) = customer.and_then(|c| slot(&out, c)) {
            out[k].reviews.push(v);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Bulk loads

pub(super) fn insert_incident(tx: &mut Tx<'_>, i: &Incident) -> TxResult<()> {
    tx.execute(
        "INSERT INTO incident (id, customer_id, occurred_at, logged_at, logged_by, channel, category, \
         behaviours, behaviour_other, response, reference, description, immediate_threat, witnesses, \
         withdrawn_at, withdrawn_by, withdrawn_reason, distress, workload, workload_note, \
         hurt, hurt_staff, hurt_name, hurt_how, riddor, riddor_ref, debrief) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         $19, $20, $21, $22, $23, $24, $25, $26, $27)",
        &[
            &i.id,
            &i.customer_id,
            &whole_seconds(i.occurred_at),
            &whole_seconds(i.logged_at),
            &i.logged_by,
            &i.channel,
            &i.category,
            &Json(&i.behaviours),
            &i.behaviour_other,
            &i.response,
            &i.reference,
            &i.description,
            &i.immediate_threat,
            &i.witnesses,
            &i.withdrawn.as_ref().map(|w| whole_seconds(w.at)),
            &i.withdrawn.as_ref().map(|w| w.by.clone()),
            &i.withdrawn.as_ref().map(|w| w.reason.clone()),
            &i.distress,
            &i.workload,
            &i.workload_note,
            &i.harm.hurt.as_str(),
            &i.harm.hurt_staff,
            &i.harm.hurt_name,
            &i.harm.how,
            &i.harm.riddor.as_str(),
            &i.harm.riddor_ref,
            &i.harm.debrief,
        ],
    )?;
    Ok(())
}

pub(super) fn insert_decision(tx: &mut Tx<'_>, d: &Decision) -> TxResult<()> {
    tx.execute(
        "INSERT INTO decision (id, customer_id, case_id, decided_at, meeting_date, attendees, outcome, \
         reasons, decided_by, no_warning, police_told, risk_assessment, letter_status, letter_note, \
         reasons_for_customer, authority_told, tried_actions, none_suitable, adjustments, \
         adjustments_other, adjustments_why) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         $19, $20, $21)",
        &[
            &d.id,
            &d.customer_id,
            &d.case_id,
            &whole_seconds(d.decided_at),
            &d.meeting_date,
            &d.attendees,
            &d.outcome.as_str(),
            &d.reasons,
            &d.decided_by,
            &(d.no_warning || d.outcome == Outcome::ImmediateRestriction),
            &d.police_told,
            &d.risk_assessment,
            &d.letter.as_str(),
            &match &d.letter {
                LetterStatus::NotPossible { reason } => reason.as_str(),
                _ => "",
            },
            &d.reasons_for_customer,
            &d.authority_told,
            &Json(&d.tried_actions),
            &d.none_suitable,
            &Json(&d.adjustments),
            &d.adjustments_other,
            &d.adjustments_why,
        ],
    )?;
    Ok(())
}

pub(super) fn insert_restriction(tx: &mut Tx<'_>, r: &Restriction) -> TxResult<()> {
    tx.execute(
        "INSERT INTO restriction (id, customer_id, decision_id, kind, email, phone, minutes, staff_id, \
         third_party, starts_at, review_due, ends_at, ended_reason, scope, divert, redirect_to, \
         windows, on_date, details, person, person_contact) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         $19, $20, $21)",
        &[
            &r.id,
            &r.customer_id,
            &r.decision_id,
            &r.kind,
            &r.params.email,
            &r.params.phone,
            &r.params.minutes.map(|m| i32::try_from(m).unwrap_or(i32::MAX)),
            &r.params.staff_id,
            &r.params.third_party,
            &whole_seconds(r.starts_at),
            &r.review_due,
            &r.ends_at.map(whole_seconds),
            &r.ended_reason,
            &r.params.scope,
            &r.params.divert,
            &r.params.redirect_to,
            &r.params.windows,
            &r.params.date,
            &r.params.text,
            &r.params.person,
            &r.params.person_contact,
        ],
    )?;
    Ok(())
}

pub(super) fn insert_letter(tx: &mut Tx<'_>, l: &Letter, created_by: Id) -> TxResult<()> {
    tx.execute(
        "INSERT INTO letter (id, customer_id, kind, created_at, created_by, sent_at, sent_how, \
         decision_id, file) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &l.id,
            &l.customer_id,
            &l.kind,
            &whole_seconds(l.created_at),
            &created_by,
            &l.sent_at.map(whole_seconds),
            &l.sent_how,
            &l.decision_id,
            &l.file,
        ],
    )?;
    Ok(())
}
