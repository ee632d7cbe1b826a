//! Summaries of Monte Carlo samples: quantiles (R's type 7), intervals, histograms.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Quantile of `sorted` at probability `p` by linear interpolation between order statistics
/// (Hyndman & Fan type 7, the default of R's `quantile`). `NaN` for an empty sample.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Mean, spread and quantiles of a sample; the 90% interval is `[q05, q95]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Sample size.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// Standard deviation (n - 1 denominator; 0 for one value).
    pub sd: f64,
    /// Minimum.
    pub min: f64,
    /// 5% quantile.
    pub q05: f64,
    /// 25% quantile.
    pub q25: f64,
    /// Median.
    pub q50: f64,
    /// 75% quantile.
    pub q75: f64,
    /// 95% quantile.
    pub q95: f64,
    /// Maximum.
    pub max: f64,
}

impl Summary {
    /// Summarises `values` (any order).
    pub fn of(values: &[f64]) -> Self {
        let mut s = values.to_vec();
        s.sort_by(f64::total_cmp);
        let n = s.len();
        let mean = if n == 0 {
            f64::NAN
        } else {
            s.iter().sum::<f64>() / n as f64
        };
        let sd = if n < 2 {
            0.0
        } else {
            (s.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        };
        Self {
            n,
            mean,
            sd,
            min: s.first().copied().unwrap_or(f64::NAN),
            q05: quantile(&s, 0.05),
            q25: quantile(&s, 0.25),
            q50: quantile(&s, 0.5),
            q75: quantile(&s, 0.75),
            q95: quantile(&s, 0.95),
            max: s.last().copied().unwrap_or(f64::NAN),
        }
    }

    /// Standard error of the mean.
    pub fn se(&self) -> f64 {
        self.sd / (self.n as f64).sqrt()
    }
}

/// Counts of each distinct integer value, in increasing value order.
pub fn histogram(values: impl IntoIterator<Item = i64>) -> Vec<(i64, u64)> {
    let mut m: BTreeMap<i64, u64> = BTreeMap::new();
    for v in values {
        *m.entry(v).or_default() += 1;
    }
    m.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_r_type_7() {
        // R: quantile(c(1, 2, 3, 4, 10), c(.05, .25, .5, .95)) = 1.2 2 3 8.8
        let s = Summary::of(&[10.0, 1.0, 3.0, 2.0, 4.0]);
        assert!((s.q05 - 1.2).abs() < 1e-12);
        assert_eq!(s.q25, 2.0);
        assert_eq!(s.q50, 3.0);
        assert!((s.q95 - 8.8).abs() < 1e-12);
        assert_eq!(s.mean, 4.0);
        // sd(c(1,2,3,4,10)) = sqrt(12.5)
        assert!((s.sd - 12.5f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn histogram_counts_each_value() {
        assert_eq!(histogram([3, 1, 3, 2, 3]), vec![(1, 1), (2, 1), (3, 3)]);
    }
}
