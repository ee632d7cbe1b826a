//! A weighted voting game with a member-count dimension: the integer form every assembly rule is
//! reduced to before its power is computed.

use crate::share::Share;
use serde::Serialize;

/// How much vote weight a coalition needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum WeightQuota {
    /// At least this share of the total weight.
    AtLeast(Share),
    /// Strictly more than this share of the total weight.
    MoreThan(Share),
    /// At least this many weight units (used for peer games stated with an absolute quota).
    Absolute(u64),
}

impl WeightQuota {
    /// The smallest winning weight given the total weight of the assembly.
    pub fn threshold(self, total: u64) -> u64 {
        match self {
            WeightQuota::AtLeast(s) => s.at_least(total),
            WeightQuota::MoreThan(s) => s.more_than(total),
            WeightQuota::Absolute(q) => q,
        }
    }
}

/// When a coalition wins: a weight quota, a minimum number of members, and optionally a member
/// count that wins whatever its weight (the Lisbon "blocking minority of at least four" clause,
/// TEU art. 16(4)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WinningRule {
    /// Weight the coalition must gather.
    pub weight: WeightQuota,
    /// Members the coalition must count (0 = no member criterion).
    pub min_members: usize,
    /// A coalition with at least this many members wins regardless of weight.
    pub members_always_win: Option<usize>,
}

impl WinningRule {
    /// A pure weight rule (no member criterion).
    pub fn weighted(weight: WeightQuota) -> WinningRule {
        WinningRule {
            weight,
            min_members: 0,
            members_always_win: None,
        }
    }
}

/// A simple game given by integer weights, a winning rule and members holding a veto.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Game {
    /// Vote weight of each member (integer units).
    pub weights: Vec<u64>,
    /// When a coalition wins.
    pub rule: WinningRule,
    /// Indices of members without whom no coalition wins.
    pub veto: Vec<usize>,
}

impl Game {
    /// A game with no veto.
    pub fn new(weights: Vec<u64>, rule: WinningRule) -> Game {
        Game {
            weights,
            rule,
            veto: Vec::new(),
        }
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    /// True for an assembly without members.
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// Total weight.
    pub fn total_weight(&self) -> u64 {
        self.weights.iter().sum()
    }

    /// `thresholds()[k]`: smallest weight with which a coalition of `k` members (veto aside)
    /// wins, `None` when no coalition of that size can win.
    pub fn thresholds(&self) -> Vec<Option<u64>> {
        let n = self.len();
        let q = self.rule.weight.threshold(self.total_weight());
        (0..=n)
            .map(|k| {
                if self.rule.members_always_win.is_some_and(|a| k >= a) {
                    Some(0)
                } else if k < self.rule.min_members {
                    None
                } else {
                    Some(q)
                }
            })
            .collect()
    }

    /// Whether the coalition given by a membership mask wins (used by brute-force checks).
    pub fn wins(&self, members: &[bool]) -> bool {
        let k = members.iter().filter(|&&m| m).count();
        if self.veto.iter().any(|&v| !members[v]) {
            return false;
        }
        let w: u64 = self
            .weights
            .iter()
            .zip(members)
            .filter(|(_, &m)| m)
            .map(|(w, _)| *w)
            .sum();
        self.thresholds()[k].is_some_and(|t| w >= t)
    }
}
