//! The one seeded random generator (SplitMix64), so that what it makes can be made again from
//! its seed: the demo data, and the kill delays of the crash test.

use chrono::{DateTime, Duration, Utc};

/// SplitMix64: small, fast and deterministic; no `rand`.
#[derive(Debug, Clone)]
pub struct Rng(u64);

/// A seed made from two numbers (a seed and a position, say), so that each part of the output
/// can have a generator of its own.
pub(super) fn mix(a: u64, b: u64) -> u64 {
    let mut r = Rng(a ^ b.wrapping_mul(0xD1B5_4A32_D192_ED03));
    r.next_u64();
    r.next_u64()
}

impl Rng {
    /// The generator for `seed`: the same seed gives the same numbers.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next number, from the whole range of u64.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// lo..=hi
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One of `xs`, which must not be empty.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    /// An index into `weights`, each as likely as its weight (which must not all be zero).
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut x = self.below(total.max(1));
        for (i, &w) in weights.iter().enumerate() {
            if x < u64::from(w) {
                return i;
            }
            x -= u64::from(w);
        }
        weights.len() - 1
    }

    /// A random instant in [a, b] (a when the window is empty).
    pub fn between(&mut self, a: DateTime<Utc>, b: DateTime<Utc>) -> DateTime<Utc> {
        let span = (b - a).num_seconds();
        if span <= 0 {
            return a;
        }
        a + Duration::seconds(self.below(span as u64 + 1) as i64)
    }

    /// lo..=hi minutes.
    pub fn minutes(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::minutes(self.range(lo, hi))
    }

    /// lo..=hi days and up to ten hours more.
    pub fn days(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::days(self.range(lo, hi)) + Duration::minutes(self.range(0, 600))
    }
}
