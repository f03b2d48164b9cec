//! `safedesk staff`: list, add and change staff.

use super::{session, Cli, StaffCommand};
use crate::domain::Role;
use crate::store::Store;
use crate::text::clean;
use std::process::ExitCode;

/// `safedesk staff list|add|set-role|leave|return`.
pub fn run(cli: &Cli, command: &StaffCommand) -> Result<ExitCode, String> {
    let mut s = session::open(cli)?;
    match command {
        StaffCommand::List => out!("{}", staff_table(&mut s.store)?),
        StaffCommand::Add { login, name, role } => {
            let role = parse_role(role)?;
            let added = s
                .store
                .add_staff(&s.actor, login, name, role)
                .map_err(|e| e.to_string())?;
            outln!(
                "Added {} ({}) as {}. {}",
                added.display_name,
                added.login,
                added.role,
                crate::text::login::how_matched(&added.login)
            );
        }
        StaffCommand::SetRole { login, role } => {
            let role = parse_role(role)?;
            let s2 = s
                .store
                .set_staff_role(&s.actor, login, role)
                .map_err(|e| e.to_string())?;
            outln!("{} ({}) is now {}.", s2.display_name, s2.login, s2.role);
        }
        StaffCommand::Leave { login } | StaffCommand::Return { login } => {
            let active = matches!(command, StaffCommand::Return { .. });
            let s2 = s
                .store
                .set_staff_active(&s.actor, login, active)
                .map_err(|e| e.to_string())?;
            outln!(
                "{} ({}) is now {}.",
                s2.display_name,
                s2.login,
                if active {
                    "active"
                } else {
                    "marked as having left"
                }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `safedesk staff list`
pub fn staff_table(store: &mut dyn Store) -> Result<String, String> {
    let staff = store.list_staff().map_err(|e| e.to_string())?;
    let w = staff
        .iter()
        .map(|s| s.login.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let n = staff
        .iter()
        .map(|s| s.display_name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!(
        "{:w$}  {:n$}  {:9}  {}\n",
        "LOGIN", "NAME", "ROLE", "STATUS"
    );
    for s in staff {
        out.push_str(&format!(
            "{:w$}  {:n$}  {:9}  {}\n",
            clean(&s.login),
            clean(&s.display_name),
            s.role.as_str(),
            if s.active { "active" } else { "left" }
        ));
    }
    Ok(out)
}

pub fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| {
        format!("\"{text}\" is not a role; the roles are reception, phone, manager and admin.")
    })
}
