//! The plan: what kind of history each generated customer gets, fixed before generation so that
//! the totals come out exactly and the chunks can be made one after another.

use super::rng::{mix, Rng};
use super::{Scale, NAMED_CUSTOMERS, NAMED_INCIDENTS, NAMED_RESTRICTIONS};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Profile {
    /// On file, nothing recorded.
    Zero,
    /// Unidentified visitor, no decision.
    Visitor,
    /// Unidentified visitor banned from the premises after an immediate threat.
    VisitorBanned,
    /// This many incidents, no decision yet.
    Pending(u8),
    /// As Pending, plus one withdrawn incident.
    PendingWithdrawn(u8),
    /// An immediate threat and a restriction without warning.
    Immediate,
    /// One or more decisions after three or more incidents each.
    Decided,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Plan {
    pub(super) profile: Profile,
    pub(super) incidents: u32,
    pub(super) restrictions: u8,
    pub(super) r_max: u8,
}

/// The first generated customers, so that every feature appears at any scale of a few dozen.
pub(super) const FORCED: &[(Profile, u8)] = &[
    (Profile::Pending(1), 0),
    (Profile::Pending(2), 0),
    (Profile::Pending(3), 0),
    (Profile::Decided, 2),
    (Profile::Immediate, 1),
    (Profile::Visitor, 0),
    (Profile::Decided, 3),
    (Profile::Pending(3), 0),
    (Profile::PendingWithdrawn(2), 0),
    (Profile::Decided, 2),
    (Profile::VisitorBanned, 1),
    (Profile::Decided, 1),
    (Profile::Decided, 0),
    (Profile::Immediate, 2),
    (Profile::Pending(1), 0),
    (Profile::Decided, 2),
    (Profile::Zero, 0),
    (Profile::Pending(2), 0),
    (Profile::Decided, 3),
    (Profile::Visitor, 0),
    (Profile::Decided, 2),
    (Profile::Pending(3), 0),
];

pub(super) const PROFILES: [(Profile, u32); 9] = [
    (Profile::Zero, 40),
    (Profile::Visitor, 10),
    (Profile::VisitorBanned, 4),
    (Profile::Pending(1), 420),
    (Profile::Pending(2), 190),
    (Profile::Pending(3), 35),
    (Profile::PendingWithdrawn(1), 12),
    (Profile::Immediate, 12),
    (Profile::Decided, 180),
];

pub(super) fn plan(scale: &Scale, seed: u64) -> Vec<Plan> {
    let n = scale.customers.saturating_sub(NAMED_CUSTOMERS);
    let budget = scale.incidents.saturating_sub(NAMED_INCIDENTS) as u64;
    let r_budget = scale.restrictions.saturating_sub(NAMED_RESTRICTIONS) as u64;
    let mut rng = Rng::new(mix(seed, 0x504C_414E));
    let weights: Vec<u32> = PROFILES.iter().map(|p| p.1).collect();
    let mut plans: Vec<Plan> = (0..n)
        .map(|j| {
            let (profile, forced_r) = match FORCED.get(j) {
                Some(&(p, r)) => (p, Some(r)),
                None => (PROFILES[rng.weighted(&weights)].0, None),
            };
            let (incidents, r_max) = match profile {
                Profile::Zero => (0, 0),
                Profile::Visitor => (1 + u32::from(rng.chance(0.2)), 0),
                Profile::VisitorBanned => (1 + u32::from(rng.chance(0.3)), 1),
                Profile::Pending(k) => (u32::from(k), 0),
                Profile::PendingWithdrawn(k) => (u32::from(k) + 1, 0),
                Profile::Immediate => (1 + rng.below(3) as u32, 3),
                Profile::Decided => (3, 4),
            };
            let restrictions = match (forced_r, profile) {
                (Some(r), _) => r,
                (None, Profile::Decided) => [0, 1, 2, 3][rng.weighted(&[30, 40, 22, 8])],
                (None, Profile::Immediate) => 1 + u8::from(rng.chance(0.25)),
                (None, _) => r_max,
            };
            Plan {
                profile,
                incidents,
                restrictions,
                r_max,
            }
        })
        .collect();

    // Incidents: too few to go round turns the last customers into "nothing recorded".
    let mut sum: u64 = plans.iter().map(|p| u64::from(p.incidents)).sum();
    for p in plans.iter_mut().rev() {
        if sum <= budget {
            break;
        }
        sum -= u64::from(p.incidents);
        *p = Plan {
            profile: Profile::Zero,
            incidents: 0,
            restrictions: 0,
            r_max: 0,
        };
    }
    // The rest go to the customers with decisions, heavy-tailed: a few have hundreds.
    let mut extra = budget - sum;
    if extra > 0 && !plans.iter().any(|p| p.profile == Profile::Decided) {
        if let Some(p) = plans.iter_mut().find(|p| p.profile == Profile::Zero) {
            if extra >= 3 {
                *p = Plan {
                    profile: Profile::Decided,
                    incidents: 3,
                    restrictions: 0,
                    r_max: 4,
                };
                extra -= 3;
            }
        }
    }
    let decided: Vec<usize> = (0..plans.len())
        .filter(|&j| plans[j].profile == Profile::Decided)
        .collect();
    if extra > 0 && !decided.is_empty() {
        let w: Vec<u64> = decided
            .iter()
            .map(|_| {
                let pareto = (1.0 - rng.unit()).max(1e-9).powf(-1.0 / 1.5).min(60.0);
                (pareto * 1000.0) as u64
            })
            .collect();
        let total: u128 = w.iter().map(|&x| u128::from(x)).sum();
        let mut given = 0u64;
        for (k, &j) in decided.iter().enumerate() {
            let e = (u128::from(extra) * u128::from(w[k]) / total) as u64;
            plans[j].incidents += e as u32;
            given += e;
        }
        let start = rng.below(decided.len() as u64) as usize;
        for k in 0..(extra - given) as usize {
            plans[decided[(start + k) % decided.len()]].incidents += 1;
        }
    }

    // Restrictions: thin the draw towards the budget, then adjust one at a time to hit it.
    let free = FORCED.len().min(plans.len());
    let eligible: Vec<usize> = (0..plans.len()).filter(|&j| plans[j].r_max > 0).collect();
    let mut rsum: u64 = plans.iter().map(|p| u64::from(p.restrictions)).sum();
    // Thin the random customers with decisions towards the budget left after the others.
    let thin: Vec<usize> = eligible
        .iter()
        .copied()
        .filter(|&j| j >= free && plans[j].profile == Profile::Decided)
        .collect();
    let thin_sum: u64 = thin.iter().map(|&j| u64::from(plans[j].restrictions)).sum();
    if rsum > r_budget && thin_sum > 0 {
        let others = rsum - thin_sum;
        let keep = r_budget.saturating_sub(others) as f64 / thin_sum as f64;
        for &j in &thin {
            if !rng.chance(keep) {
                rsum -= u64::from(plans[j].restrictions);
                plans[j].restrictions = 0;
            }
        }
    }
    if !eligible.is_empty() {
        // Prefer changing the random customers, then the forced ones.
        for pass in 0..3 {
            let pool: Vec<usize> = eligible
                .iter()
                .copied()
                .filter(|&j| match pass {
                    0 => j >= free && plans[j].profile == Profile::Decided,
                    1 => j >= free,
                    _ => true,
                })
                .collect();
            if pool.is_empty() {
                continue;
            }
            let mut guard = 0usize;
            while rsum != r_budget && guard < pool.len() * 8 + 64 {
                guard += 1;
                let start = rng.below(pool.len() as u64) as usize;
                let found = (0..pool.len())
                    .map(|k| pool[(start + k) % pool.len()])
                    .find(|&j| {
                        if rsum > r_budget {
                            plans[j].restrictions > 0
                        } else {
                            plans[j].restrictions < plans[j].r_max
                        }
                    });
                let Some(j) = found else { break };
                if rsum > r_budget {
                    plans[j].restrictions -= 1;
                    rsum -= 1;
                } else {
                    plans[j].restrictions += 1;
                    rsum += 1;
                }
            }
        }
    }
    plans
}
