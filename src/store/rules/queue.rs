//! The manager's queue: which open cases a filter keeps by their rank (the queue's order, as
//! `queue_rank!` in `sqlite/migrations.rs` and `QUEUE_RANK` in `postgres/migrations.rs`), the
//! summary line from the counts by rank, and what a manager's screen shows of it unopened.

use crate::domain::{CaseAlert, CaseFilter, CaseReason, QueueSummary, QueueWatch};
use std::collections::HashMap;

/// The rank of a review case still to decide.
pub const REVIEW_TO_DECIDE: i64 = 8;

/// Reasons after the first four share the queue's last rank (`queue_rank!`'s `ELSE 4`): a
/// customer's request, a decision waiting for approval and a debrief asked for. A filter for one
/// of them reads the reason too, and counts its rows rather than the rank's.
pub fn shares_rank(r: CaseReason) -> bool {
    rank_of(r) >= 4
}

fn rank_of(r: CaseReason) -> i64 {
    CaseReason::ALL
        .iter()
        .position(|x| *x == r)
        .unwrap_or(4)
        .min(4) as i64
}

/// Which open cases a filter keeps, as SQL: `rank` is the case's rank, `p` the prefix of the
/// case's columns (`reason`, `assigned_to`), and `me` the parameter holding the staff id for
/// [`CaseFilter::AssignedTo`].
pub fn filter_sql(filter: CaseFilter, rank: &str, p: &str, me: &str) -> String {
    match filter {
        CaseFilter::All => "true".into(),
        CaseFilter::Reason(r) if shares_rank(r) => {
            format!("{rank} IN (4, 9) AND {p}reason = '{}'", r.as_str())
        }
        CaseFilter::Reason(r) => {
            let n = rank_of(r);
            format!("{rank} IN ({n}, {})", n + 5)
        }
        CaseFilter::Confirmation => format!("{rank} >= 10"),
        CaseFilter::AssignedTo(_) => format!("{p}assigned_to = {me}"),
    }
}

/// Does a filter keep the cases of this rank? Not for [`CaseFilter::AssignedTo`], which depends
/// on more than the rank, nor for a reason sharing its rank.
pub fn rank_kept(filter: CaseFilter, rank: i64) -> bool {
    match filter {
        CaseFilter::All => true,
        CaseFilter::Reason(r) if shares_rank(r) => false,
        CaseFilter::Reason(r) => {
            let n = rank_of(r);
            rank == n || rank == n + 5
        }
        CaseFilter::Confirmation => rank >= 10,
        CaseFilter::AssignedTo(_) => false,
    }
}

/// Is a page's total counted from the cases themselves rather than from the counts by rank?
pub fn counted(filter: CaseFilter) -> bool {
    matches!(filter, CaseFilter::AssignedTo(_))
        || matches!(filter, CaseFilter::Reason(r) if shares_rank(r))
}

/// How many open cases a filter keeps, from the counts by rank (see [`counted`]).
pub fn total_from_ranks(filter: CaseFilter, ranks: &[(i64, u64)]) -> u64 {
    ranks
        .iter()
        .filter(|r| rank_kept(filter, r.0))
        .map(|r| r.1)
        .sum()
}

/// The summary line from the open cases by rank: the overdue reviews are the review cases to
/// decide that opened before today (`due_today`: those that opened today), since the worker
/// opens one, dated the review's day, for every customer whose review has come.
pub fn summary(
    ranks: &[(i64, u64)],
    due_today: u64,
    letters_owed: u64,
    riddor_owed: u64,
) -> QueueSummary {
    QueueSummary {
        open_cases: ranks.iter().map(|r| r.1).sum(),
        overdue_reviews: ranks
            .iter()
            .filter(|r| r.0 == REVIEW_TO_DECIDE)
            .map(|r| r.1)
            .sum::<u64>()
            .saturating_sub(due_today),
        letters_owed,
        riddor_owed,
    }
}

/// Does a customer's name (as the queue shows it) hold what is being found (folded)?
pub fn name_found(name: &str, find: &str) -> bool {
    crate::text::fold(name).contains(find)
}

/// What is being found, folded as the lookup folds it ('' for every name).
pub fn folded_find(find: &str) -> String {
    crate::text::fold(find).trim().to_string()
}

/// What a manager's screen shows of the queue: the alerts, and the open cases counted by
/// reason from `(reason, waiting for confirmation, how many)`.
pub fn watch(alerts: Vec<CaseAlert>, rows: &[(String, bool, u64)]) -> QueueWatch {
    let mut counts = HashMap::new();
    let mut confirmation_owed = 0;
    for (reason, waiting, n) in rows {
        if *waiting {
            confirmation_owed += n;
        } else if let Some(reason) = CaseReason::parse(reason) {
            *counts.entry(reason).or_insert(0) += n;
        }
    }
    QueueWatch {
        alerts,
        by_reason: CaseReason::ALL
            .iter()
            .map(|r| (*r, counts.get(r).copied().unwrap_or(0)))
            .collect(),
        confirmation_owed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_keep_the_ranks_of_their_reason() {
        for r in CaseReason::ALL {
            let f = CaseFilter::Reason(r);
            let kept: Vec<i64> = (0..15).filter(|n| rank_kept(f, *n)).collect();
            if shares_rank(r) {
                assert!(kept.is_empty() && counted(f), "{r:?}");
            } else {
                assert_eq!(kept.len(), 2, "{r:?}");
            }
        }
        assert_eq!(
            filter_sql(CaseFilter::Confirmation, "q.rank", "q.", "?1"),
            "q.rank >= 10"
        );
    }
}
