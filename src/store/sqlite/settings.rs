//! The office's settings in the shared file (migration 5): the policy in force, the
//! organisation's details and the letter templates, each versioned, set by admins and audited.
//! Every write that runs the policy's rules reads the policy in force here, inside its own
//! transaction, so a PC's own policy file never decides for the office.

use super::audit::audit;
use super::errors::TxError;
use super::values::parse_time;
use crate::domain::{Actor, OfficeSetting, SettingKind};
use crate::policy::Policy;
use crate::store::StoreError;
use crate::time;
use chrono::Utc;
use rusqlite::{params, OptionalExtension, Transaction};
use std::sync::Arc;

/// The policy this connection last read from the file, by version (0: the built-in one), so
/// that it is parsed again only when an admin sets a new one.
pub(super) type PolicyCache = Option<(i64, Arc<Policy>)>;

/// The newest version of a setting, if an admin ever set one.
pub(super) fn current(
    tx: &Transaction<'_>,
    kind: SettingKind,
) -> rusqlite::Result<Option<OfficeSetting>> {
    tx.prepare_cached(
        "SELECT o.version, o.body, o.set_at, coalesce(s.display_name, o.set_login) \
         FROM office_setting o LEFT JOIN staff s ON s.id = o.set_by \
         WHERE o.kind = ?1 ORDER BY o.version DESC LIMIT 1",
    )?
    .query_row([kind.as_str()], |r| {
        Ok(OfficeSetting {
            kind,
            version: r.get(0)?,
            body: r.get(1)?,
            set_at: parse_time(&r.get::<_, String>(2)?)?,
            set_by: r.get(3)?,
        })
    })
    .optional()
}

/// The version of a setting in force (0: none set, the built-in one applies).
pub(super) fn version(tx: &Transaction<'_>, kind: SettingKind) -> rusqlite::Result<i64> {
    tx.prepare_cached("SELECT coalesce(max(version), 0) FROM office_setting WHERE kind = ?1")?
        .query_row([kind.as_str()], |r| r.get(0))
}

/// Keep a new version of a setting, audited; returns it.
pub(super) fn set(
    tx: &Transaction<'_>,
    actor: &Actor,
    kind: SettingKind,
    body: &str,
) -> Result<OfficeSetting, TxError> {
    crate::store::rules::settings::check_body(kind, body)?;
    let before = current(tx, kind)?;
    let version = before.as_ref().map_or(0, |b| b.version) + 1;
    let now = Utc::now();
    tx.prepare_cached(
        "INSERT INTO office_setting (kind, version, body, set_at, set_by, set_login) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        kind.as_str(),
        version,
        body,
        time::to_db(now),
        actor.staff.as_ref().map(|s| s.id.to_string()),
        actor.login,
    ])?;
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

/// The policy in force in the file: the newest one an admin set, else the built-in one. Read
/// inside the caller's transaction; parsed only when it changed since `cache` was filled.
pub(super) fn policy_in_force(
    tx: &Transaction<'_>,
    cache: &mut PolicyCache,
) -> Result<Arc<Policy>, TxError> {
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
