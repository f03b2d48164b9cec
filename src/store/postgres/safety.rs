//! safety on the server (being ported from `sqlite/`; issue 21).

use super::prelude::*;

pub(super) fn request_debrief(_s: &mut PgStore, _actor: &Actor, _incident: Id) -> Result<Id> {
    Err(not_yet("request_debrief"))
}

pub(super) fn debrief_held(
    _s: &mut PgStore,
    _actor: &Actor,
    _case: Id,
    _on: chrono::NaiveDate,
) -> Result<()> {
    Err(not_yet("debrief_held"))
}

pub(super) fn debriefs_for(_s: &mut PgStore, _customer: Id) -> Result<Vec<crate::domain::Debrief>> {
    Err(not_yet("debriefs_for"))
}
