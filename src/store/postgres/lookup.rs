//! lookup on the server (being ported from `sqlite/`; issue 21).

use super::prelude::*;

pub(super) fn lookup(_s: &mut PgStore, _query: &str, _limit: usize) -> Result<Vec<LookupHit>> {
    Err(not_yet("lookup"))
}
