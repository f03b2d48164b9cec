//! The staff list on the server (as `sqlite/staff.rs`; the rules are `rules/staff.rs`).

use super::audit::audit;
use super::errors::TxResult;
use super::prelude::*;
use super::statements::Tx;
use crate::store::rules::staff as rules;
use ::postgres::Row;

const STAFF_COLS: &str = "id, login, display_name, role, active";

fn staff_row(r: &Row) -> Staff {
    let role: String = r.get(3);
    Staff {
        id: r.get(0),
        login: r.get(1),
        display_name: r.get(2),
        role: Role::parse(&role).unwrap_or(Role::Reception),
        active: r.get(4),
    }
}

pub(super) fn insert_staff(tx: &mut Tx<'_>, s: &Staff) -> TxResult<()> {
    tx.execute(
        "INSERT INTO staff (id, login, display_name, role, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &s.id,
            &s.login,
            &s.display_name,
            &s.role.as_str(),
            &s.active,
            &crate::time::whole_seconds(chrono::Utc::now()),
        ],
    )?;
    Ok(())
}

pub(super) fn all_staff(tx: &mut Tx<'_>, order: &str) -> TxResult<Vec<Staff>> {
    let rows = tx.query(
        &format!("SELECT {STAFF_COLS} FROM staff ORDER BY {order}"),
        &[],
    )?;
    Ok(rows.iter().map(staff_row).collect())
}

pub(super) fn by_login(tx: &mut Tx<'_>, login: &str) -> TxResult<Option<Staff>> {
    Ok(rules::by_login(all_staff(tx, "created_at, id")?, login))
}

pub(super) fn staff_by_login(s: &mut PgStore, login: &str) -> Result<Option<Staff>> {
    s.read(|tx| by_login(tx, login))
}

pub(super) fn list_staff(s: &mut PgStore) -> Result<Vec<Staff>> {
    s.read(|tx| all_staff(tx, "active DESC, display_name"))
}

pub(super) fn add_staff(
    s: &mut PgStore,
    actor: &Actor,
    login: &str,
    display_name: &str,
    role: Role,
) -> Result<Staff> {
    let member = rules::new_member(login, display_name, role)?;
    s.write_as(actor, Role::can_manage_staff, "add staff", |tx| {
        rules::not_yet_on_list(&all_staff(tx, "created_at, id")?, &member)?;
        insert_staff(tx, &member)?;
        audit(
            tx,
            actor,
            "add staff",
            "staff",
            &member.id.to_string(),
            None,
            Some(serde_json::to_string(&member).unwrap_or_default()),
        )?;
        Ok(member.clone())
    })
}

pub(super) fn set_staff_role(
    s: &mut PgStore,
    actor: &Actor,
    login: &str,
    role: Role,
) -> Result<Staff> {
    update(s, actor, login, "change a role", |m| m.role = role)
}

pub(super) fn set_staff_active(
    s: &mut PgStore,
    actor: &Actor,
    login: &str,
    active: bool,
) -> Result<Staff> {
    update(s, actor, login, "change who is active", |m| {
        m.active = active
    })
}

/// Change a member of staff in one write; `what` names the change for the audit log.
fn update(
    s: &mut PgStore,
    actor: &Actor,
    login: &str,
    what: &str,
    change: impl Fn(&mut Staff),
) -> Result<Staff> {
    s.write_as(actor, Role::can_manage_staff, what, |tx| {
        let Some(before) = by_login(tx, login)? else {
            return Err(rules::no_such_login(login).into());
        };
        let mut after = before.clone();
        change(&mut after);
        let admins: i64 = tx
            .query_one(
                "SELECT count(*) FROM staff WHERE role = 'admin' AND active",
                &[],
            )?
            .get(0);
        rules::keeps_an_admin(&before, &after, admins)?;
        tx.execute(
            "UPDATE staff SET role = $2, active = $3, version = version + 1 WHERE id = $1",
            &[&after.id, &after.role.as_str(), &after.active],
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
    })
}
