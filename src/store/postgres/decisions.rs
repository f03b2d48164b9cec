//! Decisions, approvals and reviews on the server (as `sqlite/decisions.rs`; what they check and
//! keep is `rules/decisions.rs`, shared by both engines).
//!
//! A case's incidents and adding a restriction are `records.rs`'s; opening and closing cases
//! are `cases.rs`'s (named in `queue.rs`).

use super::audit::audit;
use super::errors::TxResult;
use super::prelude::*;
use super::queue::{case, close_case, join_case};
use super::statements::Tx;
use crate::domain::{CaseReason, NewRestriction, Outcome, ReviewOutcome};
use crate::store::rules::decisions::{self as rules, staff_of, Answering};
use ::postgres::types::ToSql;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

fn now() -> DateTime<Utc> {
    crate::time::whole_seconds(Utc::now())
}

fn json_list(v: &[String]) -> Value {
    Value::from(v.to_vec())
}

fn found(tx: &mut Tx<'_>, sql: &str, id: &(dyn ToSql + Sync)) -> TxResult<bool> {
    Ok(tx.query_opt(sql, &[id])?.is_some())
}

use super::records::{case_incidents, insert_restriction};

/// Start these restrictions now for a customer (and the decision behind them, if any), each
/// audited as `action`. Returns how many began.
fn begin_restrictions(
    tx: &mut Tx<'_>,
    actor: &Actor,
    policy: &Policy,
    (customer, decision): (Id, Option<Id>),
    list: &[NewRestriction],
    review: Option<NaiveDate>,
    action: &str,
) -> TxResult<usize> {
    for n in list {
        let mut row = rules::restriction_of(customer, decision, n, policy, review);
        row.starts_at = crate::time::whole_seconds(row.starts_at);
        insert_restriction(tx, &row)?;
        audit(
            tx,
            actor,
            action,
            "restriction",
            &row.id.to_string(),
            None,
            Some(serde_json::to_string(&row).unwrap_or_default()),
        )?;
    }
    Ok(list.len())
}

/// Refuse a decision on a case that is not as the manager saw it (see
/// [`rules::case_as_shown`]).
fn check_case_as_shown(
    tx: &mut Tx<'_>,
    customer: Id,
    case_id: Id,
    version: Option<i64>,
) -> TxResult<()> {
    let c = case(tx, case_id)?
        .ok_or_else(|| StoreError::Missing("that case is no longer in the database".into()))?;
    let closed_by: Option<String> = tx
        .query_opt(
            "SELECT coalesce(s.display_name, 'another manager') FROM escalation_case c \
             LEFT JOIN staff s ON s.id = c.closed_by WHERE c.id = $1 AND c.closed_at IS NOT NULL",
            &[&case_id],
        )?
        .map(|r| r.get(0));
    rules::case_as_shown(&c, customer, version, closed_by)?;
    Ok(())
}

/// A restriction of this kind in force for the customer now: since when.
fn in_force_since(
    tx: &mut Tx<'_>,
    customer: Id,
    kind: &str,
    at: DateTime<Utc>,
) -> TxResult<Option<DateTime<Utc>>> {
    Ok(tx
        .query_opt(
            "SELECT starts_at FROM restriction WHERE customer_id = $1 AND kind = $2 \
             AND starts_at <= $3 AND (ends_at IS NULL OR ends_at > $3) LIMIT 1",
            &[&customer, &kind, &at],
        )?
        .map(|r| r.get(0)))
}

fn customer_here(tx: &mut Tx<'_>, customer: Id) -> TxResult<()> {
    let row = tx.query_opt(
        "SELECT merged_into FROM customer WHERE id = $1",
        &[&customer],
    )?;
    match row.map(|r| r.get::<_, Option<Id>>(0)) {
        Some(None) => Ok(()),
        _ => Err(rules::customer_gone().into()),
    }
}

pub(super) fn record_decision(
    s: &mut PgStore,
    actor: &Actor,
    _policy: &Policy,
    d: &NewDecision,
) -> Result<DecisionSaved> {
    s.write_with_policy(
        actor,
        Role::can_decide,
        "record decisions or restrict anyone's access",
        |tx, policy| decide(tx, actor, policy, d),
    )
}

fn decide(
    tx: &mut Tx<'_>,
    actor: &Actor,
    policy: &Policy,
    d: &NewDecision,
) -> TxResult<DecisionSaved> {
    let me = staff_of(actor)?;
    if found(tx, "SELECT 1 FROM decision WHERE id = $1", &d.id)? {
        return Ok(DecisionSaved {
            already_saved: true,
            ..DecisionSaved::default()
        });
    }
    let staff = super::staff::all_staff(tx, "created_at, id")?;
    let mut incidents = Vec::new();
    for c in rules::cases_answered(d) {
        incidents.extend(case_incidents(tx, c)?);
    }
    rules::check_decision(d, me, policy, &staff, &incidents)?;
    customer_here(tx, d.customer_id)?;
    if let Some(case_id) = d.case_id {
        check_case_as_shown(tx, d.customer_id, case_id, d.case_version)?;
    }
    let at = now();
    for r in &d.restrictions {
        if let Some(since) = in_force_since(tx, d.customer_id, &r.kind, at)? {
            return Err(rules::already_in_force(policy, &r.kind, since).into());
        }
    }
    for (other, version) in &d.also_closes {
        check_case_as_shown(tx, d.customer_id, *other, Some(*version))?;
    }
    let waiting = tx.query_opt(
        "SELECT s.display_name, d.decided_at FROM decision d JOIN staff s ON s.id = d.decided_by \
         WHERE d.customer_id = $1 AND d.approval = 'waiting' LIMIT 1",
        &[&d.customer_id],
    )?;
    if let Some(w) = waiting {
        return Err(rules::one_waiting_at_a_time(&w.get::<_, String>(0), w.get(1)).into());
    }
    let row = rules::decision_row(d, policy);
    tx.execute(
        "INSERT INTO decision (id, customer_id, case_id, decided_at, meeting_date, attendees, \
         outcome, reasons, decided_by, no_warning, police_told, risk_assessment, letter_status, \
         reasons_for_customer, authority_told, tried_actions, none_suitable, adjustments, \
         adjustments_other, adjustments_why, approval, pending) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         $19, $20, $21, $22)",
        &[
            &d.id,
            &d.customer_id,
            &d.case_id,
            &at,
            &d.meeting_date,
            &row.attendees,
            &d.outcome.as_str(),
            &row.reasons,
            &me.id,
            &row.no_warning,
            &d.police_told,
            &row.risk_assessment,
            &row.letter_status,
            &row.reasons_for_customer,
            &row.authority_told,
            &json_list(&row.tried_actions),
            &row.none_suitable,
            &json_list(&row.adjustments),
            &row.adjustments_other,
            &row.adjustments_why,
            &row.approval,
            &row.pending,
        ],
    )?;
    if let Some(why) = row.needs_approval {
        return hold_for_approval(tx, actor, d, why);
    }
    let count = begin_restrictions(
        tx,
        actor,
        policy,
        (d.customer_id, Some(d.id)),
        &d.restrictions,
        d.review_date,
        "restrict",
    )?;
    audit(
        tx,
        actor,
        "decide",
        "decision",
        &d.id.to_string(),
        None,
        Some(serde_json::to_string(d).unwrap_or_default()),
    )?;
    let immediate = d.outcome == Outcome::ImmediateRestriction;
    if immediate {
        // The case waits for the written confirmation the policy promises "where possible".
        let case = match d.case_id {
            Some(c) => c,
            None => join_case(tx, actor, d.customer_id, CaseReason::ImmediateThreat, &[])?,
        };
        tx.execute(
            "UPDATE escalation_case SET waiting = 'confirmation', decision_id = $2, \
             version = version + 1 WHERE id = $1",
            &[&case, &d.id],
        )?;
    }
    let closing: Vec<Id> = rules::cases_answered(d)
        .into_iter()
        .filter(|c| !(immediate && Some(*c) == d.case_id))
        .collect();
    for case in &closing {
        close_case(tx, actor, *case, Some(d.id))?;
    }
    Ok(DecisionSaved {
        already_saved: false,
        restrictions: count,
        cases_closed: closing.len(),
        letter_owed: !d.restrictions.is_empty(),
        confirmation_owed: immediate,
        waiting_for_approval: None,
    })
}

/// A decision waiting for a second person's approval: the cases it answers close, and one case
/// "Waiting for approval" holding their incidents opens (as `sqlite/decisions.rs`).
fn hold_for_approval(
    tx: &mut Tx<'_>,
    actor: &Actor,
    d: &NewDecision,
    why: String,
) -> TxResult<DecisionSaved> {
    audit(
        tx,
        actor,
        "decide, waiting for approval",
        "decision",
        &d.id.to_string(),
        None,
        Some(serde_json::to_string(d).unwrap_or_default()),
    )?;
    let answered = rules::cases_answered(d);
    let mut incidents: Vec<Id> = Vec::new();
    for c in &answered {
        for i in case_incidents(tx, *c)? {
            if !incidents.contains(&i.id) {
                incidents.push(i.id);
            }
        }
        close_case(tx, actor, *c, Some(d.id))?;
    }
    let case = join_case(tx, actor, d.customer_id, CaseReason::Approval, &incidents)?;
    tx.execute(
        "UPDATE escalation_case SET decision_id = $2, version = version + 1 WHERE id = $1",
        &[&case, &d.id],
    )?;
    Ok(DecisionSaved {
        already_saved: false,
        restrictions: 0,
        cases_closed: answered.len(),
        letter_owed: false,
        confirmation_owed: false,
        waiting_for_approval: Some(why),
    })
}

pub(super) fn answer_approval(
    s: &mut PgStore,
    actor: &Actor,
    _policy: &Policy,
    a: &ApprovalAnswer,
) -> Result<ApprovalSaved> {
    s.write_with_policy(
        actor,
        Role::can_decide,
        "approve or turn down decisions",
        |tx, policy| answer(tx, actor, policy, a),
    )
}

fn answer(
    tx: &mut Tx<'_>,
    actor: &Actor,
    policy: &Policy,
    a: &ApprovalAnswer,
) -> TxResult<ApprovalSaved> {
    let me = staff_of(actor)?;
    let row = tx.query_opt(
        "SELECT d.customer_id, d.decided_by, s.display_name, d.approval, d.approved_by, \
         coalesce((SELECT display_name FROM staff WHERE id = d.approved_by), 'another manager'), \
         d.version, d.outcome, d.pending, \
         coalesce(c.name, 'Unidentified visitor: ' || c.description) \
         FROM decision d JOIN staff s ON s.id = d.decided_by \
         JOIN customer c ON c.id = d.customer_id WHERE d.id = $1",
        &[&a.decision_id],
    )?;
    let Some(row) = row else {
        return Err(rules::decision_gone().into());
    };
    let customer: Id = row.get(0);
    let facts = rules::ApprovalFacts {
        author: row.get(1),
        author_name: row.get(2),
        status: row.get(3),
        answered_by: row.get(4),
        answered_by_name: row.get(5),
        version: row.get(6),
        outcome: row.get(7),
        pending: row.get(8),
        customer_name: row.get(9),
    };
    let (pending, outcome, note) = match rules::answering(&facts, a, me, policy)? {
        Answering::AlreadySaved => {
            return Ok(ApprovalSaved {
                already_saved: true,
                approved: a.approve,
                ..ApprovalSaved::default()
            })
        }
        Answering::Answer {
            pending,
            outcome,
            note,
        } => (pending, outcome, note),
    };
    let at = now();
    let approval_case: Option<Id> = tx
        .query_opt(
            "SELECT id FROM escalation_case WHERE decision_id = $1 AND reason = 'approval' \
             AND closed_at IS NULL LIMIT 1",
            &[&a.decision_id],
        )?
        .map(|r| r.get(0));
    let mut saved = ApprovalSaved {
        approved: a.approve,
        ..ApprovalSaved::default()
    };
    if a.approve {
        for r in &pending.restrictions {
            if in_force_since(tx, customer, &r.kind, at)?.is_some() {
                return Err(
                    rules::in_force_since_waiting(policy, &r.kind, &facts.customer_name).into(),
                );
            }
        }
        saved.restrictions = begin_restrictions(
            tx,
            actor,
            policy,
            (customer, Some(a.decision_id)),
            &pending.restrictions,
            pending.review_date,
            "restrict",
        )?;
        saved.letter_owed = !pending.restrictions.is_empty();
    }
    tx.execute(
        "UPDATE decision SET approval = $2, approved_by = $3, approved_at = $4, \
         approval_note = $5, letter_status = $6, version = version + 1 WHERE id = $1",
        &[
            &a.decision_id,
            &rules::approval_word(a.approve),
            &me.id,
            &at,
            &note,
            &if saved.letter_owed { "owed" } else { "" },
        ],
    )?;
    let (action, before, after) = rules::approval_audit(a, &facts.author_name, me, &note);
    audit(
        tx,
        actor,
        action,
        "decision",
        &a.decision_id.to_string(),
        Some(before),
        Some(after),
    )?;
    if let Some(case) = approval_case {
        close_case(tx, actor, case, Some(a.decision_id))?;
    }
    if a.approve && outcome == Outcome::ImmediateRestriction {
        let own: Option<Id> = tx
            .query_one(
                "SELECT case_id FROM decision WHERE id = $1",
                &[&a.decision_id],
            )?
            .get(0);
        let case = match own {
            Some(c) => c,
            None => join_case(tx, actor, customer, CaseReason::ImmediateThreat, &[])?,
        };
        tx.execute(
            "UPDATE escalation_case SET closed_at = NULL, closed_by = NULL, \
             waiting = 'confirmation', decision_id = $2, version = version + 1 WHERE id = $1",
            &[&case, &a.decision_id],
        )?;
    }
    if !a.approve {
        let answered: Vec<Id> = tx
            .query(
                "SELECT id FROM escalation_case WHERE decision_id = $1 AND reason <> 'approval' \
                 AND closed_at IS NOT NULL",
                &[&a.decision_id],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for c in &answered {
            tx.execute(
                "UPDATE escalation_case SET closed_at = NULL, closed_by = NULL, \
                 decision_id = NULL, version = version + 1 WHERE id = $1",
                &[c],
            )?;
            audit(
                tx,
                actor,
                "reopen case",
                "case",
                &c.to_string(),
                None,
                Some(rules::reopened_audit(a.decision_id)),
            )?;
        }
        saved.cases_reopened = answered.len();
    }
    Ok(saved)
}

pub(super) fn record_review(
    s: &mut PgStore,
    actor: &Actor,
    _policy: &Policy,
    r: &NewReview,
) -> Result<ReviewSaved> {
    s.write_with_policy(
        actor,
        Role::can_decide,
        "review, change or lift restrictions",
        |tx, policy| review(tx, actor, policy, r),
    )
}

fn review(tx: &mut Tx<'_>, actor: &Actor, policy: &Policy, r: &NewReview) -> TxResult<ReviewSaved> {
    let me = staff_of(actor)?;
    if found(
        tx,
        "SELECT 1 FROM review WHERE batch = $1 LIMIT 1",
        &r.id.to_string(),
    )? {
        return Ok(ReviewSaved {
            already_saved: true,
            ..ReviewSaved::default()
        });
    }
    let at = now();
    rules::check_review(r, policy, &super::staff::all_staff(tx, "created_at, id")?)?;
    for (id, version) in &r.reviewed {
        let row = tx
            .query_opt(
                "SELECT customer_id, ends_at, version FROM restriction WHERE id = $1",
                &[id],
            )?
            .map(|x| (x.get(0), x.get(1), x.get(2)));
        rules::reviewed_as_shown(r, *version, row, at)?;
    }
    let (mut ended, mut continued, mut added) = (0, 0, 0);
    let kept = rules::review_row(r);
    let batch = r.id.to_string();
    for (id, _) in &r.reviewed {
        match r.outcome {
            ReviewOutcome::Continue => {
                tx.execute(
                    "UPDATE restriction SET review_due = $2, version = version + 1 WHERE id = $1",
                    &[id, &r.next_review],
                )?;
                continued += 1;
            }
            ReviewOutcome::Lift | ReviewOutcome::Change => {
                tx.execute(
                    "UPDATE restriction SET ends_at = $2, ended_reason = $3, \
                     version = version + 1 WHERE id = $1",
                    &[id, &at, &kept.ended_reason],
                )?;
                ended += 1;
            }
        }
        tx.execute(
            "INSERT INTO review (id, restriction_id, reviewed_at, reviewed_by, still_wants, \
             outcome, next_review, notes, batch, customer_id, reasons_for_customer, \
             letter_status, adjustments, adjustments_other, adjustments_why) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            &[
                &crate::domain::new_id(),
                id,
                &at,
                &me.id,
                &r.still_wants,
                &r.outcome.as_str(),
                &r.next_review,
                &kept.notes,
                &batch,
                &r.customer_id,
                &kept.reasons_for_customer,
                &kept.letter_status,
                &json_list(&r.adjustments),
                &kept.adjustments_other,
                &kept.adjustments_why,
            ],
        )?;
        audit(
            tx,
            actor,
            kept.action,
            "restriction",
            &id.to_string(),
            None,
            Some(kept.audit_after.clone()),
        )?;
    }
    if r.outcome == ReviewOutcome::Change {
        added = begin_restrictions(
            tx,
            actor,
            policy,
            (r.customer_id, None),
            &r.replacements,
            r.next_review,
            "restrict at review",
        )?;
    }
    audit(
        tx,
        actor,
        "review",
        "customer",
        &r.customer_id.to_string(),
        None,
        Some(serde_json::to_string(r).unwrap_or_default()),
    )?;
    let mut open: Vec<Id> = tx
        .query(
            "SELECT id FROM escalation_case WHERE customer_id = $1 AND closed_at IS NULL \
             AND reason = 'review_due'",
            &[&r.customer_id],
        )?
        .iter()
        .map(|x| x.get(0))
        .collect();
    let mut left_open = None;
    if let Some(c) = r.case_id.filter(|c| !open.contains(c)) {
        let row = tx
            .query_opt(
                "SELECT closed_at IS NULL, reason FROM escalation_case WHERE id = $1",
                &[&c],
            )?
            .map(|x| (x.get(0), x.get(1)));
        let (closes, left) = rules::review_answers_case(row);
        if closes {
            open.push(c);
        }
        left_open = left;
    }
    for id in &open {
        close_case(tx, actor, *id, None)?;
    }
    Ok(ReviewSaved {
        already_saved: false,
        ended,
        continued,
        added,
        cases_closed: open.len(),
        left_open,
    })
}
