//! The office's settings on the server (as `sqlite/settings.rs`): the policy in force, the
//! organisation's details and the letter templates, each versioned, set by admins and audited.
//! Every write that runs the policy's rules reads the policy in force here, inside its own
//! transaction.

use super::audit::audit;
use super::errors::TxResult;
use super::statements::Tx;
use crate::domain::{Actor, OfficeSetting, SettingKind};
use crate::policy::Policy;
use crate::store::StoreError;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// The policy this connection last read, by version (0: the built-in one).
pub(super) type PolicyCache = Option<(i64, Arc<Policy>)>;

/// The newest version of a setting, if an admin ever set one.
pub(super) fn current(tx: &mut Tx<'_>, kind: SettingKind) -> TxResult<Option<OfficeSetting>> {
    let row = tx.query_opt(
        "SELECT o.version, o.body, o.set_at, coalesce(s.display_name, o.set_login) \
         FROM office_setting o LEFT JOIN staff s ON s.id = o.set_by \
         WHERE o.kind = $1 ORDER BY o.version DESC LIMIT 1",
        &[&kind.as_str()],
    )?;
    Ok(row.map(|r| OfficeSetting {
        kind,
        version: i64::from(r.get::<_, i32>(0)),
        body: r.get(1),
        set_at: r.get::<_, DateTime<Utc>>(2),
        set_by: r.get(3),
    }))
}

/// The version of a setting in force (0: none set, the built-in one applies).
pub(super) fn version(tx: &mut Tx<'_>, kind: SettingKind) -> TxResult<i64> {
    let row = tx.query_one(
        "SELECT coalesce(max(version), 0) FROM office_setting WHERE kind = $1",
        &[&kind.as_str()],
    )?;
    Ok(i64::from(row.get::<_, i32>(0)))
}

/// Keep a new version of a setting, audited; returns it.
pub(super) fn set(
    tx: &mut Tx<'_>,
    actor: &Actor,
    kind: SettingKind,
    body: &str,
) -> TxResult<OfficeSetting> {
    crate::store::rules::settings::check_body(kind, body)?;
    let before = current(tx, kind)?;
    let version = before.as_ref().map_or(0, |b| b.version) + 1;
    let set_by = actor.staff.as_ref().map(|s| s.id);
    tx.execute(
        "INSERT INTO office_setting (kind, version, body, set_at, set_by, set_login) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &kind.as_str(),
            &(version as i32),
            &body,
            &crate::time::whole_seconds(Utc::now()),
            &set_by,
            &actor.login,
        ],
    )?;
    audit(
        tx,
        actor,
        "set office setting",
        kind.as_str(),
        kind.as_str(),
        before.map(|b| format!("version {}", b.version)),
        Some(serde_json::json!({ "version": version, "body": body }).to_string()),
    )?;
    Ok(current(tx, kind)?.expect("just written"))
}

/// The policy in force: the newest one an admin set, else the built-in one. Read inside the
/// caller's transaction; parsed only when it changed since `cache` was filled.
pub(super) fn policy_in_force(tx: &mut Tx<'_>, cache: &mut PolicyCache) -> TxResult<Arc<Policy>> {
    let v = version(tx, SettingKind::Policy)?;
    if let Some((cached, policy)) = cache.as_ref() {
        if *cached == v {
            return Ok(policy.clone());
        }
    }
    let policy = if v == 0 {
        Policy::built_in()
    } else {
        let set = current(tx, SettingKind::Policy)?.expect("a version is there");
        Policy::from_office(&set).map_err(StoreError::Invalid)?
    };
    let policy = Arc::new(policy);
    *cache = Some((v, policy.clone()));
    Ok(policy)
}
