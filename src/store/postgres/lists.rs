//! lists on the server (being ported from `sqlite/`; issue 21).

use super::prelude::*;

pub(super) fn incidents_page(
    _s: &mut PgStore,
    _actor: &Actor,
    _query: &crate::domain::IncidentQuery,
) -> Result<crate::domain::IncidentPage> {
    Err(not_yet("incidents_page"))
}

pub(super) fn in_force_page(
    _s: &mut PgStore,
    _actor: &Actor,
    _offset: usize,
    _limit: usize,
) -> Result<crate::domain::InForcePage> {
    Err(not_yet("in_force_page"))
}

pub(super) fn report(
    _s: &mut PgStore,
    _actor: &Actor,
    _from: chrono::NaiveDate,
    _to: chrono::NaiveDate,
    _now: chrono::DateTime<chrono::Utc>,
) -> Result<crate::domain::Report> {
    Err(not_yet("report"))
}
