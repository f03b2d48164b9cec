//! records on the server (being ported from `sqlite/`; issue 21).

use super::prelude::*;

pub(super) fn history(_s: &mut PgStore, _customer: Id) -> Result<Option<CustomerHistory>> {
    Err(not_yet("history"))
}

pub(super) fn add_customer(_s: &mut PgStore, _actor: &Actor, _c: NewCustomer) -> Result<Customer> {
    Err(not_yet("add_customer"))
}

pub(super) fn update_customer(
    _s: &mut PgStore,
    _actor: &Actor,
    _id: Id,
    _edit: NewCustomer,
    _expected_version: i64,
) -> Result<Customer> {
    Err(not_yet("update_customer"))
}

pub(super) fn import_customers(
    _s: &mut PgStore,
    _actor: &Actor,
    _customers: &[NewCustomer],
) -> Result<usize> {
    Err(not_yet("import_customers"))
}

pub(super) fn bulk_load(
    _s: &mut PgStore,
    _actor: &Actor,
    _policy: &Policy,
    _bulk: &Bulk,
) -> Result<()> {
    Err(not_yet("bulk_load"))
}
