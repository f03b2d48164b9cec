//! Bounded edit distance between two strings, for matching a name with one typo.

/// Rows of at most this many cells are kept on the stack.
const STACK_ROW: usize = 40;

/// Optimal string alignment (restricted Damerau-Levenshtein) distances from `a` to `b`, bounded
/// by `max`: `(whole, prefix)` where `whole` is the distance to all of `b` and `prefix` the
/// smallest distance to any prefix of `b` (including all of it). Both are `min(d, max + 1)`.
///
/// Only the diagonal band of cells within `max` of the diagonal is computed (a cell further out
/// is more than `max` anyway), so the cost is about `a.len() * (2 * max + 1)`.
pub(super) fn osa<T: PartialEq + Copy>(a: &[T], b: &[T], max: usize) -> (usize, usize) {
    // No distance exceeds the longer length, so a larger bound changes nothing (and this keeps
    // `over + 1` from overflowing).
    let max = max.min(a.len().max(b.len()));
    let over = max + 1;
    let n = a.len();
    // No prefix of b longer than this can be within `max` of a.
    let cols = b.len().min(n.saturating_add(max));
    let whole_possible = b.len() == cols && n.abs_diff(b.len()) <= max;
    if n == 0 {
        // The distance to b[..j] is j; the empty prefix matches.
        return (b.len().min(over), 0);
    }
    if n - n.min(cols) > max {
        return (over, over);
    }
    let width = cols + 1;
    let mut stack = [0usize; 3 * STACK_ROW];
    let mut heap = Vec::new();
    let buf: &mut [usize] = if width <= STACK_ROW {
        &mut stack[..3 * width]
    } else {
        heap.resize(3 * width, 0);
        &mut heap
    };
    let (mut prev2, rest) = buf.split_at_mut(width);
    let (mut prev, mut cur) = rest.split_at_mut(width);
    for (j, v) in prev.iter_mut().enumerate() {
        *v = j.min(over);
    }
    let mut prev_min = 0;
    for i in 1..=n {
        // The band of this row; the cells either side are written as out of reach, so that
        // the next rows never read a stale value.
        let lo = i.saturating_sub(max).max(1);
        let hi = i.saturating_add(max).min(cols);
        cur[0] = i.min(over);
        if lo > 1 {
            cur[lo - 1] = over;
        }
        if hi < cols {
            cur[hi + 1] = over;
        }
        let mut row_min = if lo == 1 { cur[0] } else { over };
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            let v = v.min(over);
            cur[j] = v;
            row_min = row_min.min(v);
        }
        // Each row's minimum is at least min(the previous row's, the one before's + 1), so
        // once two rows are out of reach every later one is too.
        if row_min > max && prev_min >= max {
            return (over, over);
        }
        prev_min = row_min;
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    // `prev` now holds the last row; only its band holds current values.
    let lo = n.saturating_sub(max);
    let hi = n.saturating_add(max).min(cols);
    let whole = if whole_possible { prev[cols] } else { over };
    let prefix = prev[lo..=hi].iter().copied().min().unwrap_or(over);
    (whole, prefix)
}

/// Damerau-Levenshtein distance in its optimal string alignment form (insertions, deletions,
/// substitutions and swaps of two adjacent characters each count 1; no substring is edited
/// twice), bounded: returns `min(distance, max + 1)`, and stops early once the distance must
/// exceed `max`. Counts characters, not bytes. Only the tests measure strings this way; names
/// are matched through [`osa`] on their bytes.
#[cfg(test)]
fn edit_distance_bounded(a: &str, b: &str, max: usize) -> usize {
    if a.is_ascii() && b.is_ascii() {
        osa(a.as_bytes(), b.as_bytes(), max).0
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        osa(&a, &b, max).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unbounded OSA distance, straight from the definition.
    fn reference(a: &[u8], b: &[u8]) -> usize {
        let (n, m) = (a.len(), b.len());
        let mut d = vec![vec![0usize; m + 1]; n + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, v) in d[0].iter_mut().enumerate() {
            *v = j;
        }
        for i in 1..=n {
            for j in 1..=m {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[n][m]
    }

    #[test]
    fn edit_distance_examples() {
        assert_eq!(edit_distance_bounded("johnson", "jonhson", 3), 1);
        assert_eq!(edit_distance_bounded("smith", "smyth", 3), 1);
        assert_eq!(edit_distance_bounded("smith", "smith", 3), 0);
        assert_eq!(edit_distance_bounded("abc", "xyz", 1), 2);
        assert_eq!(edit_distance_bounded("abc", "xyz", 5), 3);
        assert_eq!(edit_distance_bounded("", "ab", 5), 2);
        assert_eq!(edit_distance_bounded("ab", "", 5), 2);
        assert_eq!(edit_distance_bounded("", "", 0), 0);
        assert_eq!(edit_distance_bounded("a", "b", 0), 1);
        // Optimal string alignment: no substring edited twice.
        assert_eq!(edit_distance_bounded("ca", "abc", 5), 3);
        assert_eq!(edit_distance_bounded("kitten", "sitting", usize::MAX), 3);
        assert_eq!(edit_distance_bounded("zoë", "zoe", 2), 1);
        assert_eq!(edit_distance_bounded("שלום", "שלם", 2), 1);
        assert_eq!(edit_distance_bounded("😀😁", "😁😀", 2), 1);
    }

    #[test]
    fn edit_distance_on_long_strings() {
        let a = "a".repeat(10_000);
        let mut b = a.clone();
        b.replace_range(5_000..5_001, "b");
        assert_eq!(edit_distance_bounded(&a, &b, 1), 1);
        assert_eq!(edit_distance_bounded(&a, &"b".repeat(10_000), 2), 3);
        assert_eq!(edit_distance_bounded(&a, "a", 3), 4);
    }

    #[test]
    fn edit_distance_matches_reference() {
        // A small deterministic generator over a small alphabet, so that near misses abound.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..5_000 {
            let len_a = (next() % 9) as usize;
            let len_b = (next() % 9) as usize;
            let a: Vec<u8> = (0..len_a).map(|_| b"abc"[(next() % 3) as usize]).collect();
            let b: Vec<u8> = (0..len_b).map(|_| b"abc"[(next() % 3) as usize]).collect();
            let max = (next() % 10) as usize;
            let want = reference(&a, &b);
            let (sa, sb) = (
                std::str::from_utf8(&a).unwrap(),
                std::str::from_utf8(&b).unwrap(),
            );
            assert_eq!(
                edit_distance_bounded(sa, sb, max),
                want.min(max + 1),
                "{sa} {sb} {max}"
            );
            let want_prefix = (0..=b.len()).map(|j| reference(&a, &b[..j])).min().unwrap();
            let (whole, prefix) = osa(&a, &b, max);
            assert_eq!(whole, want.min(max + 1), "{sa} {sb} {max}");
            assert_eq!(prefix, want_prefix.min(max + 1), "prefix {sa} {sb} {max}");
        }
    }
}
