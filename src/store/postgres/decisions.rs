//! decisions on the server (being ported from `sqlite/`; issue 21).

use super::prelude::*;

pub(super) fn record_decision(
    _s: &mut PgStore,
    _actor: &Actor,
    _policy: &Policy,
    _d: &NewDecision,
) -> Result<DecisionSaved> {
    Err(not_yet("record_decision"))
}

pub(super) fn answer_approval(
    _s: &mut PgStore,
    _actor: &Actor,
    _policy: &Policy,
    _a: &ApprovalAnswer,
) -> Result<ApprovalSaved> {
    Err(not_yet("answer_approval"))
}

pub(super) fn record_review(
    _s: &mut PgStore,
    _actor: &Actor,
    _policy: &Policy,
    _r: &NewReview,
) -> Result<ReviewSaved> {
    Err(not_yet("record_review"))
}
