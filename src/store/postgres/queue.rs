//! queue on the server (being ported from `sqlite/`; issue 21).

use super::prelude::*;

pub(super) fn queue(_s: &mut PgStore, _actor: &Actor, _today: chrono::NaiveDate) -> Result<Queue> {
    Err(not_yet("queue"))
}

pub(super) fn queue_page(
    _s: &mut PgStore,
    _query: &QueueQuery,
    _today: chrono::NaiveDate,
) -> Result<QueuePage> {
    Err(not_yet("queue_page"))
}

pub(super) fn open_due_reviews(
    _s: &mut PgStore,
    _actor: &Actor,
    _today: chrono::NaiveDate,
) -> Result<usize> {
    Err(not_yet("open_due_reviews"))
}

pub(super) fn queue_watch(_s: &mut PgStore) -> Result<QueueWatch> {
    Err(not_yet("queue_watch"))
}
