//! The staff list's rules: matching a login as Windows matches accounts, refusing a login
//! already on the list, and never leaving the database without an active admin.

use crate::domain::{Role, Staff};
use crate::store::{Result, StoreError};

/// The member of staff (of `all`, the whole list, oldest first) whose login names the account
/// `login` (as the PC gives it, or as an admin types it), matched as Windows matches accounts
/// ([`crate::text::login::matches`]): in any case with full Unicode folding, and a login with
/// its domain before one without. The login as written first (an admin's `staff set-role
/// OFFICE\spatel`), then the best match for the account; of equals, the one written exactly so,
/// then an active one.
pub fn by_login(all: Vec<Staff>, login: &str) -> Option<Staff> {
    use crate::text::login::{matches, same_login};
    let login = login.trim();
    all.into_iter()
        .filter_map(|s| {
            let rank = if same_login(&s.login, login) {
                3
            } else {
                matches(&s.login, login)?
            };
            Some((rank, s.login == login, s.active, s))
        })
        .max_by_key(|(rank, exact, active, _)| (*rank, *exact, *active))
        .map(|(.., s)| s)
}

/// A login already on the list (of `all`) is refused, with how to change their role instead.
pub fn not_yet_on_list(all: &[Staff], staff: &Staff) -> Result<()> {
    let taken = all
        .iter()
        .find(|s| crate::text::login::same_login(&s.login, &staff.login));
    match taken {
        Some(s) => Err(StoreError::Invalid(format!(
            "{} is already on the staff list as {} ({}); use safedesk staff set-role {} ROLE to change their role.",
            staff.login,
            s.login,
            s.display_name,
            crate::text::login::quoted_for_shell(&s.login)
        ))),
        None => Ok(()),
    }
}

/// The sentence for a login that is not on the list.
pub fn no_such_login(login: &str) -> StoreError {
    StoreError::Missing(format!(
        "no member of staff has the login \"{login}\"; safedesk staff list shows who has"
    ))
}

/// Nothing may leave the database with no active admin: `active_admins` is how many there are
/// before the change.
pub fn keeps_an_admin(before: &Staff, after: &Staff, active_admins: i64) -> Result<()> {
    if before.role == Role::Admin
        && (after.role != Role::Admin || !after.active)
        && active_admins <= 1
    {
        return Err(StoreError::Invalid(
            "That would leave no active admin. Make someone else an admin first.".into(),
        ));
    }
    Ok(())
}

/// A new member of staff, checked before anything is written: a login as Windows names accounts
/// ([`crate::text::login::check_login`]: spaces, a domain and any script allowed), and a name as
/// colleagues know it.
pub fn new_member(login: &str, display_name: &str, role: Role) -> Result<Staff> {
    let login = crate::text::login::check_login(login).map_err(StoreError::Invalid)?;
    let display_name = display_name.trim().to_string();
    if display_name.is_empty() || display_name.chars().any(char::is_control) {
        return Err(StoreError::Invalid(
            "Give the person's name as colleagues know it, for example --name \"Sam Patel\"."
                .into(),
        ));
    }
    Ok(Staff {
        id: crate::domain::new_id(),
        login,
        display_name,
        role,
        active: true,
    })
}

/// The first admin of a new database: a login is needed; the name is the login when none is
/// given.
pub fn first_admin(login: &str, name: &str) -> Result<Staff> {
    let login = login.trim();
    if login.is_empty() {
        return Err(StoreError::Invalid(
            "The first admin needs a login name: pass --user NAME.".into(),
        ));
    }
    Ok(Staff {
        id: crate::domain::new_id(),
        login: login.to_string(),
        display_name: if name.trim().is_empty() {
            login.to_string()
        } else {
            name.trim().to_string()
        },
        role: Role::Admin,
        active: true,
    })
}
