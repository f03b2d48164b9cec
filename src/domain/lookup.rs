//! What a lookup finds: a customer's history and which field matched.

use super::history::CustomerHistory;
use serde::Serialize;

/// Which field a lookup matched, for showing why a result is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedOn {
    Name(String),
    OtherName(String),
    Phone(String),
    Email(String),
}

impl MatchedOn {
    /// Why a result matched, in words (nothing for a match on the name itself), cleaned for
    /// display.
    pub fn words(&self) -> String {
        let clean = |t: &str| crate::text::sanitise_for_display(t, false);
        match self {
            MatchedOn::Name(_) => String::new(),
            MatchedOn::OtherName(n) => format!("also known as {}", clean(n)),
            MatchedOn::Phone(p) => format!("phone {}", clean(p)),
            MatchedOn::Email(e) => format!("email {}", clean(e)),
        }
    }
}

/// One lookup result: the customer and enough of their history to state their restrictions and
/// where they stand against the threshold. Incident descriptions are left out of lookups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LookupHit {
    pub history: CustomerHistory,
    pub matched: MatchedOn,
    pub score: u32,
}
