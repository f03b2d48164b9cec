//! retention on the server (being ported from `sqlite/`; issue 21).

use super::prelude::*;

pub(super) fn retention_plan(
    _s: &mut PgStore,
    _today: chrono::NaiveDate,
) -> Result<RetentionReport> {
    Err(not_yet("retention_plan"))
}

pub(super) fn retention_run(
    _s: &mut PgStore,
    _actor: &Actor,
    _today: chrono::NaiveDate,
) -> Result<RetentionReport> {
    Err(not_yet("retention_run"))
}

pub(super) fn retention_due_step(
    _s: &mut PgStore,
    _today: chrono::NaiveDate,
    _after: i64,
) -> Result<(usize, Option<i64>)> {
    Err(not_yet("retention_due_step"))
}
