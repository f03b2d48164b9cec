//! Who works here and what they may do, and who is acting right now.

use super::ids::Id;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a member of staff may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Reception,
    Phone,
    Manager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Reception, Role::Phone, Role::Manager, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reception => "reception",
            Role::Phone => "phone",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// Managers and admins decide, restrict and lift; the policy gives that to managers.
    pub fn can_decide(self) -> bool {
        matches!(self, Role::Manager | Role::Admin)
    }

    /// Only admins add staff and change roles.
    pub fn can_manage_staff(self) -> bool {
        self == Role::Admin
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A member of staff, mapped from the login they use on their PC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staff {
    pub id: Id,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
}

/// Who is acting. Every change is checked against this by the store itself, and audited.
#[derive(Debug, Clone)]
pub struct Actor {
    pub staff: Option<Staff>,
    /// The OS login, kept for the audit log even when it is not a known member of staff.
    pub login: String,
}

impl Actor {
    pub fn role(&self) -> Option<Role> {
        self.staff.as_ref().filter(|s| s.active).map(|s| s.role)
    }

    pub fn name(&self) -> String {
        self.staff
            .as_ref()
            .map(|s| s.display_name.clone())
            .unwrap_or_else(|| self.login.clone())
    }

    /// The sentence shown to someone safedesk does not know.
    pub fn not_known_message(&self) -> String {
        format!(
            "You are signed in as \"{}\", who is not on safedesk's staff list, so you can look people up but not record or change anything. Ask a safedesk admin to run: safedesk staff add {} --name \"Your Name\" --role reception",
            self.login,
            crate::text::login::quoted_for_shell(&self.login)
        )
    }
}
