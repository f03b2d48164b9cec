//! The staff list: who may use safedesk and in what role. Every line of staff SQL is here.

use super::audit::audit;
use super::errors::TxError;
use super::values::parse_id;
use crate::domain::{Actor, Role, Staff};
use crate::store::rules::staff as rules;
use crate::time;
use chrono::Utc;
use rusqlite::{params, Row, Transaction};

const STAFF_COLS: &str = "id, login, display_name, role, active";

fn staff_row(r: &Row<'_>) -> rusqlite::Result<Staff> {
    let role: String = r.get(3)?;
    Ok(Staff {
        id: parse_id(&r.get::<_, String>(0)?)?,
        login: r.get(1)?,
        display_name: r.get(2)?,
        role: Role::parse(&role).unwrap_or(Role::Reception),
        active: r.get(4)?,
    })
}

pub(super) fn insert_staff(tx: &Transaction<'_>, s: &Staff, now: &str) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO staff (id, login, display_name, role, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        s.id.to_string(),
        s.login,
        s.display_name,
        s.role.as_str(),
        s.active,
        now
    ])?;
    Ok(())
}

/// The member of staff whose login names the account `login` ([`rules::by_login`]). Folding is
/// done when comparing, so logins stored by any version keep matching; the staff list is small
/// enough to read whole.
pub(super) fn staff_by_login(tx: &Transaction<'_>, login: &str) -> rusqlite::Result<Option<Staff>> {
    let all = tx
        .prepare_cached(&format!(
            "SELECT {STAFF_COLS} FROM staff ORDER BY created_at, id"
        ))?
        .query_map([], staff_row)?
        .collect::<rusqlite::Result<Vec<Staff>>>()?;
    Ok(rules::by_login(all, login))
}

pub(super) fn list_staff(tx: &Transaction<'_>) -> rusqlite::Result<Vec<Staff>> {
    tx.prepare_cached(&format!(
        "SELECT {STAFF_COLS} FROM staff ORDER BY active DESC, display_name"
    ))?
    .query_map([], staff_row)?
    .collect()
}

pub(super) fn active_admins(tx: &Transaction<'_>) -> rusqlite::Result<i64> {
    tx.query_row(
        "SELECT count(*) FROM staff WHERE role = 'admin' AND active = 1",
        [],
        |r| r.get(0),
    )
}

/// Add a member of staff, inside the caller's write; a login already on the list is refused.
pub(super) fn add(
    tx: &Transaction<'_>,
    actor: &Actor,
    staff: &Staff,
) -> std::result::Result<Staff, TxError> {
    rules::not_yet_on_list(&list_staff(tx)?, staff)?;
    insert_staff(tx, staff, &time::to_db(Utc::now()))?;
    audit(
        tx,
        actor,
        "add staff",
        "staff",
        &staff.id.to_string(),
        None,
        Some(serde_json::to_string(staff).unwrap_or_default()),
    )?;
    Ok(staff.clone())
}

/// Change a member of staff (their role, or whether they are active), inside the caller's write.
/// `what` names the change for the audit log. Nothing may leave the database with no active
/// admin.
pub(super) fn update(
    tx: &Transaction<'_>,
    actor: &Actor,
    login: &str,
    what: &str,
    change: impl FnOnce(&mut Staff),
) -> std::result::Result<Staff, TxError> {
    let Some(before) = staff_by_login(tx, login)? else {
        return Err(rules::no_such_login(login).into());
    };
    let mut after = before.clone();
    change(&mut after);
    rules::keeps_an_admin(&before, &after, active_admins(tx)?)?;
    tx.execute(
        "UPDATE staff SET role = ?2, active = ?3, version = version + 1 WHERE id = ?1",
        params![after.id.to_string(), after.role.as_str(), after.active],
    )?;
    audit(
        tx,
        actor,
        what,
        "staff",
        &after.id.to_string(),
        Some(serde_json::to_string(&before).unwrap_or_default()),
        Some(serde_json::to_string(&after).unwrap_or_default()),
    )?;
    Ok(after)
}
