//! letters on the server (being ported from `sqlite/`; issue 21).

use super::prelude::*;

pub(super) fn record_letter(_s: &mut PgStore, _actor: &Actor, _l: &NewLetter) -> Result<()> {
    Err(not_yet("record_letter"))
}

pub(super) fn letter_sent(
    _s: &mut PgStore,
    _actor: &Actor,
    _letter: Id,
    _on: chrono::NaiveDate,
    _how: SentHow,
) -> Result<()> {
    Err(not_yet("letter_sent"))
}

pub(super) fn confirmation_not_possible(
    _s: &mut PgStore,
    _actor: &Actor,
    _decision: Id,
    _reason: &str,
) -> Result<()> {
    Err(not_yet("confirmation_not_possible"))
}

pub(super) fn review_letter_not_possible(
    _s: &mut PgStore,
    _actor: &Actor,
    _batch: Id,
    _reason: &str,
) -> Result<()> {
    Err(not_yet("review_letter_not_possible"))
}

pub(super) fn letters_owed(_s: &mut PgStore) -> Result<Vec<OwedLetter>> {
    Err(not_yet("letters_owed"))
}
