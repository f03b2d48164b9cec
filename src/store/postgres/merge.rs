//! merge on the server (being ported from `sqlite/`; issue 21).

use super::prelude::*;

pub(super) fn merge_customers(
    _s: &mut PgStore,
    _actor: &Actor,
    _policy: &Policy,
    _survivor: (Id, i64),
    _other: (Id, i64),
) -> Result<MergeSaved> {
    Err(not_yet("merge_customers"))
}

pub(super) fn reverse_merge(
    _s: &mut PgStore,
    _actor: &Actor,
    _which: MergeRef,
) -> Result<MergeReversed> {
    Err(not_yet("reverse_merge"))
}
