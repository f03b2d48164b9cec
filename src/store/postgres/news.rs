//! news on the server (being ported from `sqlite/`; issue 21).

use super::prelude::*;

pub(super) fn heard_back(
    _s: &mut PgStore,
    _actor: &Actor,
    _limit: usize,
) -> Result<crate::domain::HeardBack> {
    Err(not_yet("heard_back"))
}

pub(super) fn dismiss_news(_s: &mut PgStore, _actor: &Actor, _events: &[String]) -> Result<usize> {
    Err(not_yet("dismiss_news"))
}
