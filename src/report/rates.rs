//! Rates as a board can trust them: every rate with its count and a 95% Wilson score
//! interval, and no rate at all below [`MIN_COUNT`] decided appeals.
//!
//! The Wilson interval (Wilson 1927; Newcombe, Stat Med 1998;17:857-872, method 3) stays
//! inside 0-100% and behaves at small counts, where the textbook "p ± 1.96·SE" interval
//! can fall below zero or collapse to a point.

/// The fewest decided appeals a rate is stated for: below it the count is given and the
/// words "too few to state a rate".
pub(super) const MIN_COUNT: usize = 10;

/// The normal quantile of a two-sided 95% interval.
const Z95: f64 = 1.959_964;

/// A share: `count` of `of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rate {
    /// How many had the property.
    pub count: usize,
    /// How many were counted.
    pub of: usize,
}

impl Rate {
    /// Returns the share as a fraction, or `None` when nothing was counted.
    pub(crate) fn share(self) -> Option<f64> {
        (self.of > 0).then(|| self.count as f64 / self.of as f64)
    }

    /// Returns whether enough were counted to state the rate.
    pub(crate) fn stated(self) -> bool {
        self.of >= MIN_COUNT
    }

    /// Returns the 95% Wilson score interval as (low, high) fractions, or `None` when
    /// nothing was counted.
    pub(crate) fn wilson(self) -> Option<(f64, f64)> {
        let p = self.share()?;
        let n = self.of as f64;
        let z2 = Z95 * Z95;
        let denominator = 1.0 + z2 / n;
        let centre = (p + z2 / (2.0 * n)) / denominator;
        let half = Z95 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
        Some(((centre - half).max(0.0), (centre + half).min(1.0)))
    }

    /// Describes the rate in words: "67% (8 of 12; 95% interval 39-86%)", or below the
    /// minimum "2 of 3: too few to state a rate".
    pub(crate) fn describe(self) -> String {
        match (self.stated(), self.share(), self.wilson()) {
            (true, Some(p), Some((low, high))) => format!(
                "{}% ({} of {}; 95% interval {}-{}%)",
                percent(p),
                self.count,
                self.of,
                percent(low),
                percent(high)
            ),
            _ => format!(
                "{} of {}: too few to state a rate (fewer than {MIN_COUNT})",
                self.count, self.of
            ),
        }
    }

    /// Describes the rate for a table cell: "67% (39-86%)", or "too few" below the minimum.
    pub(crate) fn cell(self) -> String {
        match (self.stated(), self.share(), self.wilson()) {
            (true, Some(p), Some((low, high))) => {
                format!("{}% ({}-{}%)", percent(p), percent(low), percent(high))
            }
            _ => "too few".to_owned(),
        }
    }
}

/// Rounds a fraction to a whole percentage.
fn percent(fraction: f64) -> i64 {
    (fraction * 100.0).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64) -> bool {
        (actual - expected).abs() < 0.0005
    }

    #[test]
    fn the_wilson_interval_matches_newcombes_examples() {
        // Newcombe (1998), table I: 81/263 gives 0.2553-0.3662, 15/148 gives 0.0624-0.1605,
        // 0/20 gives 0-0.1611 and 1/29 gives 0.0061-0.1718.
        for (count, of, low, high) in [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0, 0.1611),
            (1, 29, 0.0061, 0.1718),
        ] {
            let (l, h) = Rate { count, of }.wilson().unwrap();
            assert!(
                close(l, low) && close(h, high),
                "{count}/{of}: {l:.4}-{h:.4}"
            );
        }
        assert_eq!(Rate { count: 0, of: 0 }.wilson(), None);
    }

    #[test]
    fn below_the_minimum_count_no_rate_is_stated() {
        let few = Rate { count: 2, of: 3 };
        assert!(!few.stated());
        assert_eq!(
            few.describe(),
            "2 of 3: too few to state a rate (fewer than 10)"
        );
        assert_eq!(few.cell(), "too few");
        let enough = Rate { count: 8, of: 12 };
        assert_eq!(enough.describe(), "67% (8 of 12; 95% interval 39-86%)");
        assert_eq!(enough.cell(), "67% (39-86%)");
    }
}
