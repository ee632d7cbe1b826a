//! Difference between a plan and a baseline map: units moved and districts merged.

use serde::Serialize;
use std::collections::HashMap;

/// A unit whose district changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitMove {
    /// The unit.
    pub unit: u32,
    /// Its baseline district.
    pub from: u32,
    /// Its new district.
    pub to: u32,
}

/// Baseline districts that ended up together in one new district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Merge {
    /// The new district.
    pub district: u32,
    /// The baseline districts whose units are mostly in it.
    pub baseline: Vec<u32>,
}

/// Units moved and districts merged between a baseline and a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanDiff {
    /// Units not in the new district that took most of their baseline district.
    pub moved: Vec<UnitMove>,
    /// New districts that took most of two or more baseline districts.
    pub merged: Vec<Merge>,
    /// Baseline districts found unchanged (same members) in the plan.
    pub unchanged: usize,
}

/// Compares `plan` with `baseline` (both complete labellings of the same units).
///
/// Each baseline district is matched to the new district holding most of its units (ties: the
/// lowest id); a unit counts as moved when it is not in the match of its baseline district.
pub fn diff(baseline: &[u32], plan: &[u32]) -> PlanDiff {
    let mut overlap: HashMap<(u32, u32), usize> = HashMap::new();
    let mut base_size: HashMap<u32, usize> = HashMap::new();
    let mut new_size: HashMap<u32, usize> = HashMap::new();
    for (&b, &p) in baseline.iter().zip(plan) {
        *overlap.entry((b, p)).or_default() += 1;
        *base_size.entry(b).or_default() += 1;
        *new_size.entry(p).or_default() += 1;
    }
    let mut matched: HashMap<u32, (usize, u32)> = HashMap::new();
    let mut pairs: Vec<_> = overlap.iter().map(|(&k, &v)| (k, v)).collect();
    pairs.sort_unstable();
    for ((b, p), c) in pairs {
        let e = matched.entry(b).or_insert((c, p));
        if c > e.0 {
            *e = (c, p);
        }
    }
    let moved = baseline
        .iter()
        .zip(plan)
        .enumerate()
        .filter(|(_, (b, p))| matched[b].1 != **p)
        .map(|(u, (&b, &p))| UnitMove {
            unit: u as u32,
            from: b,
            to: p,
        })
        .collect();
    let mut by_new: HashMap<u32, Vec<u32>> = HashMap::new();
    for (&b, &(_, p)) in &matched {
        by_new.entry(p).or_default().push(b);
    }
    let mut merged: Vec<Merge> = by_new
        .into_iter()
        .filter(|(_, bs)| bs.len() > 1)
        .map(|(p, mut bs)| {
            bs.sort_unstable();
            Merge {
                district: p,
                baseline: bs,
            }
        })
        .collect();
    merged.sort_by_key(|m| m.district);
    let unchanged = matched
        .iter()
        .filter(|(b, (c, p))| base_size[b] == *c && new_size[p] == *c)
        .count();
    PlanDiff {
        moved,
        merged,
        unchanged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_move_and_one_merge() {
        // baseline: A={0,1,2}, B={3,4}, C={5}, D={6}; plan: 2 moved to B, C and D merged
        let base = [0, 0, 0, 1, 1, 2, 3];
        let plan = [0, 0, 1, 1, 1, 2, 2];
        let d = diff(&base, &plan);
        assert_eq!(
            d.moved,
            vec![UnitMove {
                unit: 2,
                from: 0,
                to: 1
            }]
        );
        assert_eq!(
            d.merged,
            vec![Merge {
                district: 2,
                baseline: vec![2, 3]
            }]
        );
        assert_eq!(d.unchanged, 0);
        assert_eq!(diff(&base, &base).unchanged, 4);
    }
}
