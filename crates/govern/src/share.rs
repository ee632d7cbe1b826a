//! Exact fractions for quotas ("two thirds", "55 %"), so that a quota never moves by a float
//! rounding: `0.65 × 100` must give 65, not 66.

use serde::Serialize;

/// A fraction in [0, 1] kept as an exact ratio of integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Share {
    /// Numerator.
    pub num: u64,
    /// Denominator (never zero).
    pub den: u64,
}

impl Share {
    /// Builds `num/den`, or `None` when the denominator is zero or the ratio exceeds one.
    pub fn new(num: u64, den: u64) -> Option<Share> {
        (den > 0 && num <= den).then_some(Share { num, den })
    }

    /// The whole (1/1).
    pub const ONE: Share = Share { num: 1, den: 1 };
    /// One half (1/2).
    pub const HALF: Share = Share { num: 1, den: 2 };

    /// Parses `"2/3"`, `"65%"` or a decimal such as `"0.55"` (at most 9 decimals, exact).
    pub fn parse(text: &str) -> Option<Share> {
        let t = text.trim();
        if let Some((a, b)) = t.split_once('/') {
            return Share::new(a.trim().parse().ok()?, b.trim().parse().ok()?);
        }
        if let Some(p) = t.strip_suffix('%') {
            let (num, den) = Share::parse_decimal(p.trim())?;
            return Share::new(num, den.checked_mul(100)?);
        }
        let (num, den) = Share::parse_decimal(t)?;
        Share::new(num, den)
    }

    /// Converts a float written in a rules file (e.g. `0.65`) to the nearest 9-decimal fraction.
    pub fn from_f64(x: f64) -> Option<Share> {
        if !x.is_finite() || !(0.0..=1.0).contains(&x) {
            return None;
        }
        Share::new((x * 1e9).round() as u64, 1_000_000_000)
    }

    fn parse_decimal(t: &str) -> Option<(u64, u64)> {
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        if frac.len() > 9 || int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        let den = 10u64.pow(frac.len() as u32);
        let int: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
        let frac: u64 = if frac.is_empty() {
            0
        } else {
            frac.parse().ok()?
        };
        Some((int.checked_mul(den)?.checked_add(frac)?, den))
    }

    /// Smallest integer `x` with `x >= self × total`.
    pub fn at_least(self, total: u64) -> u64 {
        let p = self.num as u128 * total as u128;
        p.div_ceil(self.den as u128) as u64
    }

    /// Smallest integer `x` with `x > self × total`.
    pub fn more_than(self, total: u64) -> u64 {
        (self.num as u128 * total as u128 / self.den as u128) as u64 + 1
    }

    /// The fraction as a float (for display).
    pub fn as_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

impl std::fmt::Display for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_quota_is_exact() {
        let s = Share::parse("0.65").unwrap();
        assert_eq!(s.at_least(100), 65);
        assert_eq!(Share::from_f64(0.65).unwrap().at_least(100), 65);
        assert_eq!(Share::parse("55%").unwrap().at_least(27), 15);
        assert_eq!(Share::parse("2/3").unwrap().at_least(61), 41);
        assert_eq!(Share::HALF.more_than(61), 31);
        assert_eq!(Share::HALF.more_than(60), 31);
        assert!(Share::parse("3/2").is_none());
        assert!(Share::parse("abc").is_none());
    }
}
