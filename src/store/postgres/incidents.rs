//! incidents on the server (being ported from `sqlite/`; issue 21).

use super::prelude::*;

pub(super) fn record_incident(
    _s: &mut PgStore,
    _actor: &Actor,
    _policy: &Policy,
    _inc: &NewIncident,
) -> Result<SaveOutcome> {
    Err(not_yet("record_incident"))
}

pub(super) fn record_incidents(
    _s: &mut PgStore,
    _actor: &Actor,
    _policy: &Policy,
    _incs: &[NewIncident],
) -> Result<Vec<SaveOutcome>> {
    Err(not_yet("record_incidents"))
}

pub(super) fn withdraw_incident(
    _s: &mut PgStore,
    _actor: &Actor,
    _policy: &Policy,
    _incident: Id,
    _reason: &str,
) -> Result<CasesChanged> {
    Err(not_yet("withdraw_incident"))
}

pub(super) fn amend_incident(
    _s: &mut PgStore,
    _actor: &Actor,
    _policy: &Policy,
    _amended: &NewIncident,
    _expected_version: i64,
) -> Result<SaveOutcome> {
    Err(not_yet("amend_incident"))
}

pub(super) fn link_visitor(
    _s: &mut PgStore,
    _actor: &Actor,
    _policy: &Policy,
    _visitor: Id,
    _customer: Id,
) -> Result<CasesChanged> {
    Err(not_yet("link_visitor"))
}
