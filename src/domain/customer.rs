//! Customers and unidentified visitors: as stored, and as typed before they are saved.

use super::ids::Id;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A customer, or an unidentified visitor (no name, a description instead).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Customer {
    pub id: Id,
    /// None for an unidentified visitor.
    pub name: Option<String>,
    pub other_names: Vec<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub postcode: String,
    /// Appearance, where and when seen: for a person whose name is not known.
    pub description: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    /// Bumped on every change, so two people editing at once never silently overwrite each other.
    pub version: i64,
}

impl Customer {
    /// The name to show: the customer's name, or "Unidentified visitor: <description>".
    pub fn display_name(&self) -> String {
        match &self.name {
            Some(n) if !n.trim().is_empty() => n.clone(),
            _ => {
                let d = self.description.trim();
                if d.is_empty() {
                    "Unidentified visitor".to_string()
                } else {
                    format!("Unidentified visitor: {d}")
                }
            }
        }
    }

    pub fn is_unidentified(&self) -> bool {
        self.name.as_deref().is_none_or(|n| n.trim().is_empty())
    }
}

/// A new customer or unidentified visitor (or a customer's details as changed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct NewCustomer {
    pub id: Option<Id>,
    pub name: Option<String>,
    pub other_names: Vec<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub postcode: String,
    pub description: String,
    pub notes: String,
}
