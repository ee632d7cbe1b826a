//! Set membership scores and the bounds that stand for unknown values.

use serde::Serialize;
use std::fmt;

/// A set membership score: a finite `f64` in [0, 1] (1 = fully in, 0 = fully out).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Membership(f64);

impl Membership {
    /// Full membership (the condition is present).
    pub const IN: Membership = Membership(1.0);
    /// Full non-membership (the condition is absent).
    pub const OUT: Membership = Membership(0.0);

    /// Checks that `value` is a finite number in [0, 1].
    pub fn new(value: f64) -> Option<Membership> {
        (value.is_finite() && (0.0..=1.0).contains(&value)).then_some(Membership(value))
    }

    /// The score as a number.
    pub fn value(self) -> f64 {
        self.0
    }

    /// Fuzzy negation `1 - x` (Zadeh), used for `~X`.
    pub fn negate(self) -> Membership {
        Membership(1.0 - self.0)
    }

    /// True when the score is exactly 0 or 1.
    pub fn is_crisp(self) -> bool {
        self.0 == 0.0 || self.0 == 1.0
    }
}

impl fmt::Display for Membership {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A coded value that is either known or explicitly unknown: unknown is not absent.
#[derive(Debug, Clone, PartialEq)]
pub enum Coded<T> {
    /// The source reports the value.
    Known(T),
    /// The source does not say (written `"unknown"` in a case file).
    Unknown,
}

impl<T> Coded<T> {
    /// The known value, if any.
    pub fn known(&self) -> Option<&T> {
        match self {
            Coded::Known(v) => Some(v),
            Coded::Unknown => None,
        }
    }
}

/// The range a membership score may take: a point when known, [0, 1] when unknown.
///
/// Expressions are evaluated on bounds with interval arithmetic (min, max, `1 - x`), so the
/// result says which membership scores every completion of the unknowns could give. The bounds
/// are exact when each unknown condition appears once in the expression and may be wider
/// (never narrower) otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bounds {
    /// Lowest possible score.
    pub low: f64,
    /// Highest possible score.
    pub high: f64,
}

impl Bounds {
    /// Bounds of a known score.
    pub fn point(m: Membership) -> Bounds {
        Bounds {
            low: m.value(),
            high: m.value(),
        }
    }

    /// Bounds of an unknown score: anything in [0, 1].
    pub const UNKNOWN: Bounds = Bounds {
        low: 0.0,
        high: 1.0,
    };

    /// Bounds of a coded score.
    pub fn of(coded: &Coded<Membership>) -> Bounds {
        match coded {
            Coded::Known(m) => Bounds::point(*m),
            Coded::Unknown => Bounds::UNKNOWN,
        }
    }

    /// True when the score is determined (low equals high).
    pub fn is_known(self) -> bool {
        self.low == self.high
    }

    /// The score when determined.
    pub fn known(self) -> Option<Membership> {
        if self.is_known() {
            Membership::new(self.low)
        } else {
            None
        }
    }

    /// Fuzzy AND (minimum) of two bounds.
    pub fn and(self, other: Bounds) -> Bounds {
        Bounds {
            low: self.low.min(other.low),
            high: self.high.min(other.high),
        }
    }

    /// Fuzzy OR (maximum) of two bounds.
    pub fn or(self, other: Bounds) -> Bounds {
        Bounds {
            low: self.low.max(other.low),
            high: self.high.max(other.high),
        }
    }

    /// Fuzzy NOT (`1 - x`) of bounds.
    pub fn negate(self) -> Bounds {
        Bounds {
            low: 1.0 - self.high,
            high: 1.0 - self.low,
        }
    }

    /// Where the bounds lie with respect to the 0.5 crossover point.
    pub fn side(self) -> Side {
        if self.low > 0.5 {
            Side::In
        } else if self.high < 0.5 {
            Side::Out
        } else {
            Side::Undecided
        }
    }
}

impl fmt::Display for Bounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_known() {
            write!(f, "{:.2}", self.low)
        } else {
            write!(f, "[{:.2}, {:.2}]", self.low, self.high)
        }
    }
}

/// Position of a membership score (or its bounds) relative to the 0.5 crossover point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Above 0.5 for every completion of the unknowns: more in than out.
    In,
    /// Below 0.5 for every completion: more out than in.
    Out,
    /// At 0.5, or on either side depending on the unknowns.
    Undecided,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_rejects_out_of_range() {
        assert!(Membership::new(1.5).is_none());
        assert!(Membership::new(-0.1).is_none());
        assert!(Membership::new(f64::NAN).is_none());
        assert_eq!(Membership::new(0.25).map(Membership::value), Some(0.25));
    }

    #[test]
    fn bounds_follow_interval_arithmetic() {
        let a = Bounds::point(Membership::IN);
        let u = Bounds::UNKNOWN;
        assert_eq!(a.and(u), u);
        assert_eq!(a.or(u), a);
        assert_eq!(
            Bounds {
                low: 0.2,
                high: 0.7
            }
            .negate(),
            Bounds {
                low: 1.0 - 0.7,
                high: 0.8
            }
        );
        assert_eq!(u.side(), Side::Undecided);
        assert_eq!(a.side(), Side::In);
        assert_eq!(Bounds::point(Membership::OUT).side(), Side::Out);
        assert_eq!(
            Bounds {
                low: 0.5,
                high: 0.5
            }
            .side(),
            Side::Undecided
        );
    }
}
