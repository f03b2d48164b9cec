//! Reading and writing rows: customers (with their search keys), histories and bulk loads.

use super::audit::audit;
use super::errors::TxError;
use super::search_index::index_customer;
use super::staff::insert_staff;
use super::values::{json_list, parse_date, parse_id, parse_time, to_json_list};
use crate::domain::{
    Actor, Bulk, Customer, CustomerHistory, Decision, Id, Incident, Letter, LetterStatus,
    NewCustomer, Outcome, Restriction, RestrictionParams, Review, ReviewOutcome, Withdrawal,
};
use crate::store::rules::records::{edited, still_editable, Edited};
use crate::store::StoreError;
use crate::time;
use chrono::Utc;
use rusqlite::{params, OptionalExtension, Row, Transaction};

pub(super) use crate::store::rules::records::validate_new_customer;

// ---------------------------------------------------------------------------------------------
// Customers

pub(super) fn insert_customer(tx: &Transaction<'_>, c: &Customer) -> rusqlite::Result<i64> {
    let now = time::to_db(c.created_at);
    tx.prepare_cached(
        "INSERT INTO customer (id, name, other_names, postcode, description, notes, created_at, updated_at, version, \
         address, large_print, easy_read) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        c.id.to_string(),
        c.name,
        to_json_list(&c.other_names),
        c.postcode,
        c.description,
        c.notes,
        now,
        c.version,
        to_json_list(&c.address),
        c.large_print,
        c.easy_read
    ])?;
    let seq = tx.last_insert_rowid();
    index_customer(tx, seq, c)?;
    Ok(seq)
}

/// Change a customer's details (every field is replaced). `expected_version` is the version the
/// person was shown: a newer one means someone else changed them meanwhile, and nothing is
/// written, so no one's change silently overwrites another's.
pub(super) fn update_customer(
    tx: &Transaction<'_>,
    actor: &Actor,
    id: Id,
    edit: NewCustomer,
    expected_version: i64,
) -> Result<Customer, TxError> {
    let row: Option<(i64, Option<String>)> = tx
        .prepare_cached("SELECT seq, merged_into FROM customer WHERE id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let seq = still_editable(row.map(|(seq, merged)| (seq, merged.is_some())))?;
    let (_, before) = customers_by_seq(tx, &[seq])?
        .pop()
        .ok_or_else(|| StoreError::Missing("the customer".into()))?;
    let after = match edited(&before, id, edit, expected_version)? {
        Edited::AlreadySaved => return Ok(before),
        Edited::Changed(after) => *after,
    };
    tx.prepare_cached(
        "UPDATE customer SET name = ?2, other_names = ?3, postcode = ?4, description = ?5, \
         notes = ?6, updated_at = ?7, version = ?8, address = ?9, large_print = ?10, \
         easy_read = ?11 WHERE seq = ?1",
    )?
    .execute(params![
        seq,
        after.name,
        to_json_list(&after.other_names),
        after.postcode,
        after.description,
        after.notes,
        time::to_db(Utc::now()),
        after.version,
        to_json_list(&after.address),
        after.large_print,
        after.easy_read
    ])?;
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
}

const CUSTOMER_COLS: &str =
    "seq, id, name, other_names, postcode, description, notes, created_at, version, address, \
     large_print, easy_read";

fn customer_row(r: &Row<'_>) -> rusqlite::Result<(i64, Customer)> {
    Ok((
        r.get(0)?,
        Customer {
            id: parse_id(&r.get::<_, String>(1)?)?,
            name: r.get(2)?,
            other_names: json_list(&r.get::<_, String>(3)?),
            phones: Vec::new(),
            emails: Vec::new(),
            postcode: r.get(4)?,
            address: json_list(&r.get::<_, String>(9)?),
            large_print: r.get(10)?,
            easy_read: r.get(11)?,
            description: r.get(5)?,
            notes: r.get(6)?,
            created_at: parse_time(&r.get::<_, String>(7)?)?,
            version: r.get(8)?,
        },
    ))
}

fn contacts(tx: &Transaction<'_>, seq: i64, c: &mut Customer) -> rusqlite::Result<()> {
    c.phones = tx
        .prepare_cached(
            "SELECT display FROM customer_phone WHERE customer_seq = ?1 ORDER BY digits",
        )?
        .query_map([seq], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    c.emails = tx
        .prepare_cached(
            "SELECT display FROM customer_email WHERE customer_seq = ?1 ORDER BY email",
        )?
        .query_map([seq], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(())
}

/// Customers by seq, with phones and emails.
pub(super) fn customers_by_seq(
    tx: &Transaction<'_>,
    seqs: &[i64],
) -> rusqlite::Result<Vec<(i64, Customer)>> {
    let list = serde_json::to_string(seqs).unwrap_or_else(|_| "[]".into());
    let mut out: Vec<(i64, Customer)> = tx
        .prepare_cached(&format!(
            "SELECT {CUSTOMER_COLS} FROM customer WHERE seq IN (SELECT value FROM json_each(?1))"
        ))?
        .query_map([list], customer_row)?
        .collect::<rusqlite::Result<_>>()?;
    for (seq, c) in &mut out {
        contacts(tx, *seq, c)?;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Histories

const INCIDENT_COLS_FULL: &str = "i.id, i.customer_id, i.occurred_at, i.logged_at, i.logged_by, s.display_name, \
     i.channel, i.category, i.behaviours, i.behaviour_other, i.response, i.reference, i.description, \
     i.immediate_threat, i.witnesses, i.withdrawn_at, i.withdrawn_by, i.withdrawn_reason, i.version, \
     i.distress, i.workload, i.workload_note, \
     i.hurt, i.hurt_staff, i.hurt_name, i.hurt_how, i.riddor, i.riddor_ref, i.debrief";
/// The same columns without the free text, for lookups.
const INCIDENT_COLS_LIGHT: &str =
    "i.id, i.customer_id, i.occurred_at, i.logged_at, i.logged_by, '', \
     i.channel, i.category, '[]', '', i.response, '', '', \
     i.immediate_threat, '', i.withdrawn_at, '', '', i.version, i.distress, i.workload, '', \
     i.hurt, NULL, '', '', i.riddor, i.riddor_ref, i.debrief";

/// One incident, in full.
pub(super) fn incident_by_id(tx: &Transaction<'_>, id: Id) -> rusqlite::Result<Option<Incident>> {
    tx.prepare_cached(&format!(
        "SELECT {} FROM incident i LEFT JOIN staff s ON s.id = i.logged_by WHERE i.id = ?1",
        INCIDENT_COLS_FULL.replacen("s.display_name", "coalesce(s.display_name, '')", 1)
    ))?
    .query_row([id.to_string()], incident_row)
    .optional()
}

/// The incidents behind one case, in full.
pub(super) fn case_incidents(tx: &Transaction<'_>, case: Id) -> rusqlite::Result<Vec<Incident>> {
    tx.prepare_cached(&format!(
        "SELECT {INCIDENT_COLS_FULL} FROM case_incident ci JOIN incident i ON i.id = ci.incident_id \
         JOIN staff s ON s.id = i.logged_by WHERE ci.case_id = ?1 ORDER BY i.occurred_at"
    ))?
    .query_map([case.to_string()], incident_row)?
    .collect()
}

fn incident_row(r: &Row<'_>) -> rusqlite::Result<Incident> {
    let withdrawn_at: Option<String> = r.get(15)?;
    Ok(Incident {
        id: parse_id(&r.get::<_, String>(0)?)?,
        customer_id: parse_id(&r.get::<_, String>(1)?)?,
        occurred_at: parse_time(&r.get::<_, String>(2)?)?,
        logged_at: parse_time(&r.get::<_, String>(3)?)?,
        logged_by: parse_id(&r.get::<_, String>(4)?)?,
        logged_by_name: r.get(5)?,
        channel: r.get(6)?,
        category: r.get(7)?,
        behaviours: json_list(&r.get::<_, String>(8)?),
        behaviour_other: r.get(9)?,
        response: r.get(10)?,
        reference: r.get(11)?,
        description: r.get(12)?,
        immediate_threat: r.get(13)?,
        witnesses: r.get(14)?,
        distress: r.get(19)?,
        workload: r.get(20)?,
        workload_note: r.get(21)?,
        harm: crate::domain::Harm {
            hurt: crate::domain::Hurt::parse(&r.get::<_, String>(22)?),
            hurt_staff: r
                .get::<_, Option<String>>(23)?
                .as_deref()
                .map(parse_id)
                .transpose()?,
            hurt_name: r.get(24)?,
            how: r.get(25)?,
            riddor: crate::domain::Riddor::parse(&r.get::<_, String>(26)?),
            riddor_ref: r.get(27)?,
            debrief: r.get(28)?,
        },
        withdrawn: match withdrawn_at {
            Some(at) => Some(Withdrawal {
                at: parse_time(&at)?,
                by: r.get::<_, Option<String>>(16)?.unwrap_or_default(),
                reason: r.get::<_, Option<String>>(17)?.unwrap_or_default(),
            }),
            None => None,
        },
        version: r.get(18)?,
    })
}

const DECISION_COLS: &str =
    "d.id, d.customer_id, d.case_id, d.decided_at, d.meeting_date, d.attendees, \
     d.outcome, d.reasons, d.decided_by, s.display_name, d.no_warning, d.police_told, \
     d.risk_assessment, d.letter_status, d.letter_note, d.reasons_for_customer, \
     (SELECT json_group_array(ci.incident_id) FROM escalation_case c \
      JOIN case_incident ci ON ci.case_id = c.id \
      WHERE c.customer_id = d.customer_id AND (c.id = d.case_id OR c.decision_id = d.id)), \
     d.authority_told, d.tried_actions, d.none_suitable, \
     d.adjustments, d.adjustments_other, d.adjustments_why, \
     d.approval, d.approved_by, (SELECT display_name FROM staff WHERE id = d.approved_by), \
     d.approved_at, d.approval_note, d.pending, d.version";

/// What a decision waiting for approval (or turned down) would put in force, as saved.
use crate::store::rules::decisions::Pending;

fn decision_row(r: &Row<'_>) -> rusqlite::Result<Decision> {
    let case: Option<String> = r.get(2)?;
    let outcome: String = r.get(6)?;
    Ok(Decision {
        id: parse_id(&r.get::<_, String>(0)?)?,
        customer_id: parse_id(&r.get::<_, String>(1)?)?,
        case_id: case.as_deref().map(parse_id).transpose()?,
        decided_at: parse_time(&r.get::<_, String>(3)?)?,
        meeting_date: parse_date(&r.get::<_, String>(4)?)?,
        attendees: r.get(5)?,
        outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Actions),
        reasons: r.get(7)?,
        reasons_for_customer: r.get(15)?,
        incidents: {
            let mut ids = Vec::new();
            for i in json_list(&r.get::<_, Option<String>>(16)?.unwrap_or_default()) {
                let id = parse_id(&i)?;
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            ids
        },
        decided_by: parse_id(&r.get::<_, String>(8)?)?,
        decided_by_name: r.get(9)?,
        no_warning: r.get(10)?,
        police_told: r.get(11)?,
        authority_told: r.get(17)?,
        risk_assessment: r.get(12)?,
        tried_actions: json_list(&r.get::<_, String>(18)?),
        none_suitable: r.get(19)?,
        adjustments: json_list(&r.get::<_, String>(20)?),
        adjustments_other: r.get(21)?,
        adjustments_why: r.get(22)?,
        letter: LetterStatus::from_db(&r.get::<_, String>(13)?, &r.get::<_, String>(14)?),
        approval: {
            let pending: Pending =
                serde_json::from_str(&r.get::<_, String>(28)?).unwrap_or_default();
            let by: Option<String> = r.get(24)?;
            let at: Option<String> = r.get(26)?;
            crate::domain::Approval {
                status: crate::domain::ApprovalStatus::from_db(&r.get::<_, String>(23)?),
                by: by.as_deref().map(parse_id).transpose()?,
                by_name: r.get::<_, Option<String>>(25)?.unwrap_or_default(),
                at: at.as_deref().and_then(time::from_db),
                note: r.get(27)?,
                restrictions: pending.restrictions,
                review_date: pending.review_date,
            }
        },
        version: r.get(29)?,
    })
}

const RESTRICTION_COLS: &str = "r.id, r.customer_id, r.decision_id, r.kind, r.email, r.phone, r.minutes, \
     r.staff_id, coalesce(s.display_name, ''), r.third_party, r.starts_at, r.review_due, r.ends_at, r.ended_reason, r.version, \
     r.scope, r.divert, r.redirect_to, r.windows, r.on_date, r.details, r.person, r.person_contact";

fn restriction_row(r: &Row<'_>) -> rusqlite::Result<Restriction> {
    let decision: Option<String> = r.get(2)?;
    let staff: Option<String> = r.get(7)?;
    let review: Option<String> = r.get(11)?;
    let ends: Option<String> = r.get(12)?;
    Ok(Restriction {
        id: parse_id(&r.get::<_, String>(0)?)?,
        customer_id: parse_id(&r.get::<_, String>(1)?)?,
        decision_id: decision.as_deref().map(parse_id).transpose()?,
        kind: r.get(3)?,
        params: RestrictionParams {
            email: r.get(4)?,
            phone: r.get(5)?,
            minutes: r.get(6)?,
            staff_id: staff.as_deref().map(parse_id).transpose()?,
            staff_name: r.get(8)?,
            third_party: r.get(9)?,
            scope: r.get(15)?,
            divert: r.get(16)?,
            redirect_to: r.get(17)?,
            windows: r.get(18)?,
            date: r
                .get::<_, Option<String>>(19)?
                .as_deref()
                .map(parse_date)
                .transpose()?,
            text: r.get(20)?,
            person: r.get(21)?,
            person_contact: r.get(22)?,
        },
        starts_at: parse_time(&r.get::<_, String>(10)?)?,
        review_due: review.as_deref().map(parse_date).transpose()?,
        ends_at: ends.as_deref().map(parse_time).transpose()?,
        ended_reason: r.get(13)?,
        version: r.get(14)?,
    })
}

const LETTER_COLS: &str =
    "id, customer_id, kind, created_at, sent_at, sent_how, decision_id, file, incident_id";

fn letter_row(r: &Row<'_>) -> rusqlite::Result<Letter> {
    let sent: Option<String> = r.get(4)?;
    Ok(Letter {
        id: parse_id(&r.get::<_, String>(0)?)?,
        customer_id: parse_id(&r.get::<_, String>(1)?)?,
        kind: r.get(2)?,
        created_at: parse_time(&r.get::<_, String>(3)?)?,
        sent_at: sent.as_deref().map(parse_time).transpose()?,
        sent_how: r.get(5)?,
        decision_id: r
            .get::<_, Option<String>>(6)?
            .as_deref()
            .map(parse_id)
            .transpose()?,
        file: r.get(7)?,
        incident_id: r
            .get::<_, Option<String>>(8)?
            .as_deref()
            .map(parse_id)
            .transpose()?,
    })
}

/// The whole history of one customer, for the card.
pub(super) fn history(tx: &Transaction<'_>, id: Id) -> rusqlite::Result<Option<CustomerHistory>> {
    let Some((seq, mut customer)) = tx
        .prepare_cached(&format!(
            "SELECT {CUSTOMER_COLS} FROM customer WHERE id = ?1"
        ))?
        .query_row([id.to_string()], customer_row)
        .optional()?
    else {
        return Ok(None);
    };
    contacts(tx, seq, &mut customer)?;
    let mut h = histories(tx, vec![customer], true)?;
    let mut one = h.pop().expect("one history per customer");
    one.letters = tx
        .prepare_cached(&format!(
            "SELECT {LETTER_COLS} FROM letter WHERE customer_id = ?1 ORDER BY created_at"
        ))?
        .query_map([id.to_string()], letter_row)?
        .collect::<rusqlite::Result<_>>()?;
    one.merged_into = merged_into(tx, id)?;
    Ok(Some(one))
}

/// Where a retired record went, for its card; None for a record never merged into another (or
/// a linked visitor's, which has no merge row): `merge.rs` keeps the merges.
fn merged_into(
    tx: &Transaction<'_>,
    id: Id,
) -> rusqlite::Result<Option<crate::domain::MergedInto>> {
    tx.prepare_cached(
        "SELECT m.id, m.audit_seq, m.survivor_id, coalesce(c.name, ''), m.merged_at, \
         coalesce(s.display_name, a.login, '') FROM customer_merge m \
         JOIN customer c ON c.id = m.survivor_id \
         LEFT JOIN staff s ON s.id = m.merged_by \
         LEFT JOIN audit a ON a.seq = m.audit_seq \
         WHERE m.merged_id = ?1 AND m.reversed_at IS NULL ORDER BY m.merged_at DESC LIMIT 1",
    )?
    .query_row([id.to_string()], |r| {
        Ok(crate::domain::MergedInto {
            merge: parse_id(&r.get::<_, String>(0)?)?,
            audit_seq: r.get(1)?,
            into: parse_id(&r.get::<_, String>(2)?)?,
            into_name: r.get(3)?,
            at: parse_time(&r.get::<_, String>(4)?)?,
            by: r.get(5)?,
        })
    })
    .optional()
}

/// Histories of several customers in three queries (incidents, decisions, restrictions); with
/// `full` false the incidents' free text is left out. Letters are not loaded.
pub(super) fn histories(
    tx: &Transaction<'_>,
    customers: Vec<Customer>,
    full: bool,
) -> rusqlite::Result<Vec<CustomerHistory>> {
    let ids: Vec<String> = customers.iter().map(|c| c.id.to_string()).collect();
    let list = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
    let mut out: Vec<CustomerHistory> = customers.into_iter().map(CustomerHistory::new).collect();
    let slot =
        |out: &mut Vec<CustomerHistory>, id: Id| out.iter().position(|h| h.customer.id == id);
    let cols = if full {
        INCIDENT_COLS_FULL
    } else {
        INCIDENT_COLS_LIGHT
    };
    let incidents = tx
        .prepare_cached(&format!(
            "SELECT {cols} FROM incident i JOIN staff s ON s.id = i.logged_by \
             WHERE i.customer_id IN (SELECT value FROM json_each(?1)) ORDER BY i.logged_at"
        ))?
        .query_map([&list], incident_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for i in incidents {
        if let Some(k) = slot(&mut out, i.customer_id) {
            out[k].incidents.push(i);
        }
    }
    let decisions = tx
        .prepare_cached(&format!(
            "SELECT {DECISION_COLS} FROM decision d JOIN staff s ON s.id = d.decided_by \
             WHERE d.customer_id IN (SELECT value FROM json_each(?1)) ORDER BY d.decided_at"
        ))?
        .query_map([&list], decision_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for d in decisions {
        if let Some(k) = slot(&mut out, d.customer_id) {
            out[k].decisions.push(d);
        }
    }
    let restrictions = tx
        .prepare_cached(&format!(
            "SELECT {RESTRICTION_COLS} FROM restriction r LEFT JOIN staff s ON s.id = r.staff_id \
             WHERE r.customer_id IN (SELECT value FROM json_each(?1)) ORDER BY r.starts_at"
        ))?
        .query_map([&list], restriction_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for r in restrictions {
        if let Some(k) = slot(&mut out, r.customer_id) {
            out[k].restrictions.push(r);
        }
    }
    let reviews = tx
        .prepare_cached(
            "SELECT v.id, v.restriction_id, v.reviewed_at, s.display_name, v.still_wants, v.outcome, \
             v.next_review, v.notes, v.customer_id, v.batch, v.letter_status, v.letter_note, \
             v.reasons_for_customer, v.adjustments, v.adjustments_other, v.adjustments_why \
             FROM review v JOIN staff s ON s.id = v.reviewed_by \
             WHERE v.customer_id IN (SELECT value FROM json_each(?1)) ORDER BY v.reviewed_at",
        )?
        .query_map([&list], |r| {
            let next: Option<String> = r.get(6)?;
            let outcome: String = r.get(5)?;
            Ok((
                parse_id(&r.get::<_, String>(8)?)?,
                Review {
                    id: parse_id(&r.get::<_, String>(0)?)?,
                    restriction_id: parse_id(&r.get::<_, String>(1)?)?,
                    reviewed_at: parse_time(&r.get::<_, String>(2)?)?,
                    reviewed_by_name: r.get(3)?,
                    still_wants: r.get(4)?,
                    outcome: ReviewOutcome::parse(&outcome).unwrap_or(ReviewOutcome::Continue),
                    next_review: next.as_deref().map(parse_date).transpose()?,
                    notes: r.get(7)?,
                    batch: {
                        let b: String = r.get(9)?;
                        if b.is_empty() {
                            parse_id(&r.get::<_, String>(0)?)?
                        } else {
                            parse_id(&b)?
                        }
                    },
                    letter: crate::domain::LetterStatus::from_db(
                        &r.get::<_, String>(10)?,
                        &r.get::<_, String>(11)?,
                    ),
                    reasons_for_customer: r.get(12)?,
                    adjustments: json_list(&r.get::<_, String>(13)?),
                    adjustments_other: r.get(14)?,
                    adjustments_why: r.get(15)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (customer, v) in reviews {
        if let Some(k) = slot(&mut out, customer) {
            out[k].reviews.push(v);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Bulk loads

pub(super) fn insert_incident(tx: &Transaction<'_>, i: &Incident) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO incident (id, customer_id, occurred_at, logged_at, logged_by, channel, category, \
         behaviours, behaviour_other, response, reference, description, immediate_threat, witnesses, \
         withdrawn_at, withdrawn_by, withdrawn_reason, distress, workload, workload_note, \
         hurt, hurt_staff, hurt_name, hurt_how, riddor, riddor_ref, debrief) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, \
         ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
    )?
    .execute(params![
        i.id.to_string(),
        i.customer_id.to_string(),
        time::to_db(i.occurred_at),
        time::to_db(i.logged_at),
        i.logged_by.to_string(),
        i.channel,
        i.category,
        to_json_list(&i.behaviours),
        i.behaviour_other,
        i.response,
        i.reference,
        i.description,
        i.immediate_threat,
        i.witnesses,
        i.withdrawn.as_ref().map(|w| time::to_db(w.at)),
        i.withdrawn.as_ref().map(|w| w.by.clone()),
        i.withdrawn.as_ref().map(|w| w.reason.clone()),
        i.distress,
        i.workload,
        i.workload_note,
        i.harm.hurt.as_str(),
        i.harm.hurt_staff.map(|s| s.to_string()),
        i.harm.hurt_name,
        i.harm.how,
        i.harm.riddor.as_str(),
        i.harm.riddor_ref,
        i.harm.debrief,
    ])?;
    Ok(())
}

pub(super) fn insert_decision(tx: &Transaction<'_>, d: &Decision) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO decision (id, customer_id, case_id, decided_at, meeting_date, attendees, outcome, \
         reasons, decided_by, no_warning, police_told, risk_assessment, letter_status, letter_note, \
         reasons_for_customer, authority_told, tried_actions, none_suitable, adjustments, \
         adjustments_other, adjustments_why) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
    )?
    .execute(params![
        d.id.to_string(),
        d.customer_id.to_string(),
        d.case_id.map(|c| c.to_string()),
        time::to_db(d.decided_at),
        time::date_to_db(d.meeting_date),
        d.attendees,
        d.outcome.as_str(),
        d.reasons,
        d.decided_by.to_string(),
        d.no_warning || d.outcome == Outcome::ImmediateRestriction,
        d.police_told,
        d.risk_assessment,
        d.letter.as_str(),
        match &d.letter {
            LetterStatus::NotPossible { reason } => reason.as_str(),
            _ => "",
        },
        d.reasons_for_customer,
        d.authority_told,
        to_json_list(&d.tried_actions),
        d.none_suitable,
        to_json_list(&d.adjustments),
        d.adjustments_other,
        d.adjustments_why,
    ])?;
    Ok(())
}

pub(super) fn insert_restriction(tx: &Transaction<'_>, r: &Restriction) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO restriction (id, customer_id, decision_id, kind, email, phone, minutes, staff_id, \
         third_party, starts_at, review_due, ends_at, ended_reason, scope, divert, redirect_to, \
         windows, on_date, details, person, person_contact) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
    )?
    .execute(params![
        r.id.to_string(),
        r.customer_id.to_string(),
        r.decision_id.map(|d| d.to_string()),
        r.kind,
        r.params.email,
        r.params.phone,
        r.params.minutes,
        r.params.staff_id.map(|s| s.to_string()),
        r.params.third_party,
        time::to_db(r.starts_at),
        r.review_due.map(time::date_to_db),
        r.ends_at.map(time::to_db),
        r.ended_reason,
        r.params.scope,
        r.params.divert,
        r.params.redirect_to,
        r.params.windows,
        r.params.date.map(time::date_to_db),
        r.params.text,
        r.params.person,
        r.params.person_contact,
    ])?;
    Ok(())
}

pub(super) fn insert_letter(
    tx: &Transaction<'_>,
    l: &Letter,
    created_by: Id,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO letter (id, customer_id, kind, created_at, created_by, sent_at, sent_how, \
         decision_id, file) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        l.id.to_string(),
        l.customer_id.to_string(),
        l.kind,
        time::to_db(l.created_at),
        created_by.to_string(),
        l.sent_at.map(time::to_db),
        l.sent_how,
        l.decision_id.map(|d| d.to_string()),
        l.file,
    ])?;
    Ok(())
}

pub(super) fn bulk_load(tx: &Transaction<'_>, b: &Bulk) -> Result<(), TxError> {
    let now = time::to_db(Utc::now());
    for s in &b.staff {
        insert_staff(tx, s, &now)?;
    }
    for c in &b.customers {
        insert_customer(tx, c)?;
    }
    for i in &b.incidents {
        insert_incident(tx, i)?;
    }
    for d in &b.decisions {
        insert_decision(tx, d)?;
    }
    for r in &b.restrictions {
        insert_restriction(tx, r)?;
    }
    let author: Option<String> = tx
        .query_row(
            "SELECT id FROM staff WHERE role IN ('manager', 'admin') ORDER BY role LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(author) = author {
        let author = parse_id(&author)?;
        for l in &b.letters {
            insert_letter(tx, l, author)?;
        }
    }
    Ok(())
}
