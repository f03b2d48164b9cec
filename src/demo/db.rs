//! Making the demo database: a new file marked as a demo, filled by [`crate::demo`].

use crate::domain::{Actor, Role};
use crate::store::{OpenOptions, Result, SqliteStore, Store};
use chrono::Utc;

/// Create and fill a demo database at `path` (which must not exist).
pub fn create(path: &std::path::Path, opts: &OpenOptions) -> Result<SqliteStore> {
    let staff = crate::demo::staff();
    let admin = staff
        .iter()
        .find(|s| s.role == Role::Admin && s.active)
        .cloned()
        .expect("the demo has an admin");
    let mut store = SqliteStore::create_with_admin(path, opts, &admin, true)?;
    let actor = Actor {
        login: admin.login.clone(),
        staff: Some(admin.clone()),
    };
    let mut bulk = crate::demo::demo_bulk(Utc::now());
    bulk.staff.retain(|s| s.id != admin.id);
    store.bulk_load(&actor, &crate::policy::Policy::built_in(), &bulk)?;
    Ok(store)
}

/// Add an unknown login to a demo database as a manager.
pub fn add_demo_manager(store: &mut SqliteStore, login: &str) -> Result<crate::domain::Staff> {
    let admin = store
        .list_staff()?
        .into_iter()
        .find(|s| s.role == Role::Admin && s.active);
    let actor = Actor {
        login: admin.as_ref().map(|a| a.login.clone()).unwrap_or_default(),
        staff: admin,
    };
    store.add_staff(
        &actor,
        login,
        &format!("Demo manager ({login})"),
        Role::Manager,
    )
}
