//! Making the demo database: a new file (or an empty database on a server) marked as a demo,
//! filled by [`crate::demo`].

use crate::domain::{Actor, Role};
use crate::store::{Location, OpenOptions, Result, SqliteStore, Store};
use chrono::Utc;

/// Create and fill a demo database file at `path` (which must not exist).
pub fn create(path: &std::path::Path, opts: &OpenOptions) -> Result<SqliteStore> {
    let admin = demo_admin();
    let mut store = SqliteStore::create_with_admin(path, opts, &admin, true)?;
    fill(&mut store, admin)?;
    Ok(store)
}

/// Create and fill a demo database at `at`: a file that must not exist, or an empty database
/// on a server.
pub fn create_at(at: &Location, opts: &OpenOptions) -> Result<Box<dyn Store>> {
    let admin = demo_admin();
    let mut store = at.create_with_admin(opts, &admin, true)?;
    fill(store.as_mut(), admin)?;
    Ok(store)
}

/// The demo's admin, who makes the database.
fn demo_admin() -> crate::domain::Staff {
    crate::demo::staff()
        .into_iter()
        .find(|s| s.role == Role::Admin && s.active)
        .expect("the demo has an admin")
}

/// The demo's people, incidents, cases and letters, loaded by its admin in one go.
fn fill(store: &mut dyn Store, admin: crate::domain::Staff) -> Result<()> {
    let actor = Actor {
        login: admin.login.clone(),
        staff: Some(admin.clone()),
    };
    let mut bulk = crate::demo::demo_bulk(Utc::now());
    bulk.staff.retain(|s| s.id != admin.id);
    store.bulk_load(&actor, &crate::policy::Policy::built_in(), &bulk)?;
    Ok(())
}

/// Add an unknown login to a demo database as a manager.
pub fn add_demo_manager(store: &mut dyn Store, login: &str) -> Result<crate::domain::Staff> {
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
