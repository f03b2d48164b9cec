//! cases on the server (being ported from `sqlite/`; issue 21).

use super::prelude::*;

pub(super) fn open_cases(_s: &mut PgStore) -> Result<Vec<CaseSummary>> {
    Err(not_yet("open_cases"))
}

pub(super) fn mark_case_seen(_s: &mut PgStore, _actor: &Actor, _case: Id) -> Result<bool> {
    Err(not_yet("mark_case_seen"))
}

pub(super) fn case(_s: &mut PgStore, _case: Id) -> Result<Option<CaseSummary>> {
    Err(not_yet("case"))
}

pub(super) fn open_cases_for(_s: &mut PgStore, _customer: Id) -> Result<Vec<CaseSummary>> {
    Err(not_yet("open_cases_for"))
}

pub(super) fn assign_case(
    _s: &mut PgStore,
    _actor: &Actor,
    _case: Id,
    _to: Option<Id>,
    _expected_version: i64,
) -> Result<()> {
    Err(not_yet("assign_case"))
}

pub(super) fn customer_request(
    _s: &mut PgStore,
    _actor: &Actor,
    _request: Id,
    _customer: Id,
    _note: &str,
) -> Result<Id> {
    Err(not_yet("customer_request"))
}
