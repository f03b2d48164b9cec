//! The staff list: who may use safedesk and in what role. Every line of staff SQL is here.

use super::audit::audit;
use super::errors::TxError;
use super::values::parse_id;
use crate::domain::{new_id, Actor, Role, Staff};
use crate::store::{Result, StoreError};
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

/// The member of staff whose login names the account `login` (as the PC gives it, or as an
/// admin types it), matched as Windows matches accounts ([`crate::text::login::matches`]): in
/// any case with full Unicode folding, and a login with its domain before one without. Folding
/// is done here, when comparing, so logins stored by any version keep matching; the staff list
/// is small enough to read whole.
pub(super) fn staff_by_login(tx: &Transaction<'_>, login: &str) -> rusqlite::Result<Option<Staff>> {
    use crate::text::login::{matches, same_login};
    let login = login.trim();
    let all = tx
        .prepare_cached(&format!(
            "SELECT {STAFF_COLS} FROM staff ORDER BY created_at, id"
        ))?
        .query_map([], staff_row)?
        .collect::<rusqlite::Result<Vec<Staff>>>()?;
    // The login as written first (an admin's `staff set-role OFFICE\spatel`), then the best
    // match for the account; of equals, the one written exactly so, then an active one.
    Ok(all
        .into_iter()
        .filter_map(|s| {
            let rank = if same_login(&s.login, login) {
                3
            } else {
                matches(&s.login, login)?
            };
            Some((rank, s.login == login, s.active, s))
        })
        .max_by_key(|(rank, exact, active, _)| (*rank, *exact, *active))
        .map(|(.., s)| s))
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

/// A new member of staff, checked before anything is written: a login as Windows names accounts
/// ([`crate::text::login::check_login`]: spaces, a domain and any script allowed), and a name as
/// colleagues know it.
pub(super) fn new_member(login: &str, display_name: &str, role: Role) -> Result<Staff> {
    let login = crate::text::login::check_login(login).map_err(StoreError::Invalid)?;
    let display_name = display_name.trim().to_string();
    if display_name.is_empty() || display_name.chars().any(char::is_control) {
        return Err(StoreError::Invalid(
            "Give the person's name as colleagues know it, for example --name \"Sam Patel\"."
                .into(),
        ));
    }
    Ok(Staff {
        id: new_id(),
        login,
        display_name,
        role,
        active: true,
    })
}

/// Add a member of staff, inside the caller's write; a login already on the list is refused.
pub(super) fn add(
    tx: &Transaction<'_>,
    actor: &Actor,
    staff: &Staff,
) -> std::result::Result<Staff, TxError> {
    let taken = list_staff(tx)?
        .into_iter()
        .find(|s| crate::text::login::same_login(&s.login, &staff.login));
    if let Some(s) = taken {
        return Err(StoreError::Invalid(format!(
            "{} is already on the staff list as {} ({}); use safedesk staff set-role {} ROLE to change their role.",
            staff.login,
            s.login,
            s.display_name,
            crate::text::login::quoted_for_shell(&s.login)
        ))
        .into());
    }
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
        return Err(StoreError::Missing(format!(
            "no member of staff has the login \"{login}\"; safedesk staff list shows who has"
        ))
        .into());
    };
    let mut after = before.clone();
    change(&mut after);
    if before.role == Role::Admin
        && (after.role != Role::Admin || !after.active)
        && active_admins(tx)? <= 1
    {
        return Err(StoreError::Invalid(
            "That would leave no active admin. Make someone else an admin first.".into(),
        )
        .into());
    }
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
