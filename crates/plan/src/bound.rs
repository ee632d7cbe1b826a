//! Upper bounds on the number of compliant districts, with their proof in words.
//!
//! Every compliant district is a connected set of units inside one part of the search graph
//! (a connected component, cut further by nesting areas under hard nesting) whose population
//! reaches its class threshold. Three facts give the bound, computed in linear time:
//!
//! 1. a part whose whole population is below the least threshold any district can face holds no
//!    compliant district ("cannot reach any threshold with its reachable neighbourhood");
//! 2. the districts of a part are disjoint, so their thresholds sum to at most the part's
//!    population; with class thresholds this is a fractional knapsack (a linear programme over
//!    classes) whose cheaper classes are capped by their share condition (a district of a class
//!    that needs more than a share `s` of its population in qualifying units, with threshold
//!    `t`, uses more than `s * t` of the part's qualifying population): greedy by threshold is
//!    optimal for it (Dantzig 1957);
//! 3. units that reach the least threshold on their own ("anchors") can each be in one district
//!    at most; a district without an anchor lies inside one group of the other units (the
//!    components left when the anchors are removed), so a part holds at most
//!    `anchors + sum over groups of (2.) for the group`. This is what catches the population of
//!    large units that a district cannot share.
//!
//! The bound of a part is the smaller of (2.) and (3.), and of its unit count; the plan's bound
//! is the sum over parts plus the compliant locked districts, capped by a fixed district count.

use serde::Serialize;

use crate::maxp::search_graph;
use crate::problem::{Nesting, Problem};
use crate::rule::{ClassFloor, DistrictRule};

/// A proven ceiling on the number of compliant districts of a problem, with the proof.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpperBound {
    /// No plan has more compliant districts than this.
    pub value: usize,
    /// The least threshold any district can face (`None`: the rule does not say).
    pub least_threshold: Option<f64>,
    /// Parts of the search graph (connected components, within nesting areas under hard nesting).
    pub parts: usize,
    /// Parts whose whole population is below the least threshold.
    pub dead_parts: usize,
    /// Units in those parts.
    pub dead_units: usize,
    /// Population of those parts.
    pub dead_population: f64,
    /// Units that reach the least threshold alone.
    pub anchors: usize,
    /// Parts whose bound came from the anchors and the groups between them (3.), not from the
    /// population of the whole part (2.).
    pub parts_bounded_by_anchors: usize,
    /// Compliant locked districts (kept as they are, counted as they are).
    pub locked_compliant: usize,
    /// The proof, one sentence each.
    pub proof: Vec<String>,
}

impl UpperBound {
    /// Relative gap of a plan with `p` compliant districts: `(bound - p) / bound` (0 when the
    /// bound is 0 or reached).
    pub fn gap(&self, p: usize) -> f64 {
        if self.value == 0 || p >= self.value {
            0.0
        } else {
            (self.value - p) as f64 / self.value as f64
        }
    }

    /// "p = 46, at most 52 possible (gap 11.5%)".
    pub fn headline(&self, p: usize) -> String {
        if p >= self.value {
            format!("p = {p}, at most {} possible: optimal", self.value)
        } else {
            format!(
                "p = {p}, at most {} possible (gap {:.1}%)",
                self.value,
                100.0 * self.gap(p)
            )
        }
    }
}

/// Per-part class knapsack: the largest (fractional) number of districts whose thresholds fit in
/// `population`, each capped class using its share of `qualifying[j]`.
fn class_lp(population: f64, qualifying: &[f64], floors: &[ClassFloor]) -> f64 {
    let mut rest = population;
    let mut count = 0.0;
    // floors are sorted by threshold (cheapest first: greedy is optimal for this knapsack)
    for f in floors {
        if rest <= 0.0 {
            break;
        }
        let by_population = rest / f.threshold;
        let x = match f.share_of {
            Some((j, s)) if s * f.threshold > 0.0 => {
                let q = qualifying.get(j).copied().unwrap_or(0.0);
                by_population.min(q / (s * f.threshold))
            }
            _ => by_population,
        };
        count += x;
        rest -= x * f.threshold;
    }
    count
}

/// Integer part of a count computed in floating point (tolerant to rounding just below).
fn whole(x: f64) -> usize {
    (x + 1e-9).floor().max(0.0) as usize
}

/// Totals of a set of units needed by the bound: population and the share components.
struct Sums {
    population: f64,
    qualifying: Vec<f64>,
}

impl Sums {
    fn new(k: usize) -> Self {
        Self {
            population: 0.0,
            qualifying: vec![0.0; k],
        }
    }
    fn add(&mut self, pb: &Problem, rule: &dyn DistrictRule, u: usize) {
        let t = pb.unit_totals(u);
        self.population += rule.population(t);
        for (q, v) in self.qualifying.iter_mut().zip(t) {
            *q += v;
        }
    }
}

/// The upper bound on compliant districts of `pb` under `rule`, with its proof in words.
pub fn upper_bound(pb: &Problem, rule: &dyn DistrictRule) -> UpperBound {
    let n = pb.len();
    let hard = pb.nesting == Nesting::Hard && pb.area.is_some();
    let g = search_graph(pb, hard);
    let floors = rule.class_floors().map(|mut f| {
        f.sort_by(|a, b| a.threshold.total_cmp(&b.threshold));
        f
    });
    let least = floors.as_ref().and_then(|f| f.first().map(|c| c.threshold));
    let (comp, ncomp) = g.components();
    // bucket units by part (locked units are outside the search)
    let mut start = vec![0usize; ncomp + 1];
    for u in 0..n {
        if pb.locked[u].is_none() {
            start[comp[u] as usize + 1] += 1;
        }
    }
    for c in 0..ncomp {
        start[c + 1] += start[c];
    }
    let mut fill = start.clone();
    let mut order = vec![0u32; start[ncomp]];
    for (u, &c) in comp.iter().enumerate() {
        if pb.locked[u].is_none() {
            let c = c as usize;
            order[fill[c]] = u as u32;
            fill[c] += 1;
        }
    }
    let pops: Vec<f64> = (0..n).map(|u| rule.population(pb.unit_totals(u))).collect();
    let mut b = UpperBound {
        value: 0,
        least_threshold: least,
        parts: 0,
        dead_parts: 0,
        dead_units: 0,
        dead_population: 0.0,
        anchors: 0,
        parts_bounded_by_anchors: 0,
        locked_compliant: 0,
        proof: Vec::new(),
    };
    let mut total = 0usize;
    let mut group_of = vec![u32::MAX; n];
    let mut stack = Vec::new();
    for c in 0..ncomp {
        let units = &order[start[c]..start[c + 1]];
        if units.is_empty() {
            continue;
        }
        b.parts += 1;
        let (Some(floors), Some(t)) = (floors.as_deref(), least) else {
            total += units.len();
            continue;
        };
        if t <= 0.0 {
            total += units.len();
            continue;
        }
        let mut all = Sums::new(pb.k);
        for &u in units {
            all.add(pb, rule, u as usize);
        }
        if all.population < t {
            b.dead_parts += 1;
            b.dead_units += units.len();
            b.dead_population += all.population;
            continue;
        }
        let by_population = whole(class_lp(all.population, &all.qualifying, floors));
        // anchors and the groups of the other units between them
        let anchors = units.iter().filter(|&&u| pops[u as usize] >= t).count();
        let mut by_anchors = anchors;
        if anchors > 0 {
            for &s in units {
                let s = s as usize;
                if pops[s] >= t || group_of[s] != u32::MAX {
                    continue;
                }
                group_of[s] = c as u32;
                stack.push(s);
                let mut grp = Sums::new(pb.k);
                while let Some(u) = stack.pop() {
                    grp.add(pb, rule, u);
                    for &v in g.neighbors(u) {
                        let v = v as usize;
                        if pops[v] < t && group_of[v] == u32::MAX {
                            group_of[v] = c as u32;
                            stack.push(v);
                        }
                    }
                }
                by_anchors += whole(class_lp(grp.population, &grp.qualifying, floors));
            }
        } else {
            by_anchors = usize::MAX;
        }
        b.anchors += anchors;
        if by_anchors < by_population {
            b.parts_bounded_by_anchors += 1;
        }
        total += by_population.min(by_anchors).min(units.len());
    }
    // locked districts are kept whole: count the compliant ones
    let mut locked_ids: Vec<u32> = pb.locked.iter().flatten().copied().collect();
    locked_ids.sort_unstable();
    locked_ids.dedup();
    for id in &locked_ids {
        let mut t = vec![0.0; pb.k];
        for u in (0..n).filter(|&u| pb.locked[u] == Some(*id)) {
            for (a, v) in t.iter_mut().zip(pb.unit_totals(u)) {
                *a += v;
            }
        }
        if rule.is_compliant(&t) {
            b.locked_compliant += 1;
        }
    }
    total += b.locked_compliant;
    b.value = match pb.district_count {
        Some(k) => total.min(k),
        None => total,
    };
    b.proof = proof(&b, pb, hard, floors.as_deref(), total);
    b
}

/// The proof of a bound in words.
fn proof(
    b: &UpperBound,
    pb: &Problem,
    hard: bool,
    floors: Option<&[ClassFloor]>,
    total: usize,
) -> Vec<String> {
    let mut out = Vec::new();
    let parts = if hard {
        "connected parts within nesting areas (a district cannot cross an area border)"
    } else {
        "connected components of the contiguity graph"
    };
    let Some(floors) = floors.filter(|f| !f.is_empty()) else {
        out.push(format!(
            "the rule does not state fixed thresholds, so the only bound is one district per unit over {} {parts}",
            b.parts
        ));
        return out;
    };
    let least = &floors[0];
    out.push(format!(
        "every district needs at least {} inhabitants (the least threshold of any class, {}); the units form {} {parts}",
        fmt_count(least.threshold),
        least.name,
        b.parts
    ));
    if b.dead_parts > 0 {
        out.push(format!(
            "{} of them ({} units, {} inhabitants) cannot reach that threshold with all their reachable neighbours and hold no compliant district",
            b.dead_parts,
            b.dead_units,
            fmt_count(b.dead_population)
        ));
    }
    out.push(
        "in every part the districts' thresholds add up to at most the part's population: at most floor(population / threshold) districts, taking the cheaper classes first"
            .to_string(),
    );
    for f in floors.iter().filter(|f| f.share_of.is_some()) {
        if let Some((_, s)) = f.share_of {
            out.push(format!(
                "a {} district (at least {}) needs more than {:.0}% of its population in qualifying units, so a part holds at most its qualifying population / ({:.0}% x {}) of them",
                f.name,
                fmt_count(f.threshold),
                100.0 * s,
                100.0 * s,
                fmt_count(f.threshold)
            ));
        }
    }
    if b.anchors > 0 {
        out.push(format!(
            "{} units reach {} on their own: each is in one district at most, and a district without one of them lies inside one group of the other units, which caps {} parts more tightly",
            b.anchors,
            fmt_count(least.threshold),
            b.parts_bounded_by_anchors
        ));
    }
    if b.locked_compliant > 0 {
        out.push(format!(
            "{} locked districts are kept as they are and comply",
            b.locked_compliant
        ));
    }
    if let Some(k) = pb.district_count {
        if k < total {
            out.push(format!("the plan is asked for exactly {k} districts"));
        }
    }
    out.push(format!("hence at most {} compliant districts", b.value));
    out
}

/// A count with thousands separators (`80,000`), or the number as is when not whole.
fn fmt_count(x: f64) -> String {
    if x.fract() != 0.0 || x.abs() >= 1e15 {
        return format!("{x}");
    }
    let s = format!("{}", x.abs() as u64);
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if x < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Adjacency, UniformThreshold};

    fn strip(pops: &[f64]) -> Problem {
        let edges: Vec<(usize, usize, f64)> = (1..pops.len()).map(|i| (i - 1, i, 1.0)).collect();
        Problem::new(
            Adjacency::from_edges(pops.len(), &edges).unwrap(),
            pops.to_vec(),
            1,
        )
        .unwrap()
    }

    #[test]
    fn population_over_threshold() {
        // 6 x 10 inhabitants, 20 needed: 60 / 20 = 3
        let b = upper_bound(&strip(&[10.0; 6]), &UniformThreshold { threshold: 20.0 });
        assert_eq!(b.value, 3);
        assert_eq!(b.headline(3), "p = 3, at most 3 possible: optimal");
    }

    #[test]
    fn anchors_waste_their_surplus() {
        // 100 | 5 | 100 | 5 with threshold 20: population says 210 / 20 = 10, but the two large
        // units each anchor one district and the groups {5} and {5} hold none: 2
        let b = upper_bound(
            &strip(&[100.0, 5.0, 100.0, 5.0]),
            &UniformThreshold { threshold: 20.0 },
        );
        assert_eq!(b.value, 2);
        assert_eq!(b.anchors, 2);
        assert_eq!(b.parts_bounded_by_anchors, 1);
        assert_eq!(b.headline(1), "p = 1, at most 2 possible (gap 50.0%)");
    }

    #[test]
    fn dead_component_counts_nothing() {
        // units 0-1 (30 + 30) and 2-3 (5 + 5) in two components, threshold 20
        let g = Adjacency::from_edges(4, &[(0, 1, 1.0), (2, 3, 1.0)]).unwrap();
        let pb = Problem::new(g, vec![30.0, 30.0, 5.0, 5.0], 1).unwrap();
        let b = upper_bound(&pb, &UniformThreshold { threshold: 20.0 });
        assert_eq!((b.value, b.dead_parts, b.dead_units), (2, 1, 2));
        assert_eq!(b.dead_population, 10.0);
    }

    #[test]
    fn hard_nesting_cuts_parts() {
        // 4 x 10 in a strip, threshold 20, areas {0}, {1, 2}, {3}: only {1, 2} can comply
        let pb = strip(&[10.0; 4])
            .with_nesting(vec![0, 1, 1, 2], Nesting::Hard)
            .unwrap();
        let b = upper_bound(&pb, &UniformThreshold { threshold: 20.0 });
        assert_eq!((b.value, b.parts, b.dead_parts), (1, 3, 2));
        let soft = strip(&[10.0; 4])
            .with_nesting(vec![0, 1, 1, 2], Nesting::Soft)
            .unwrap();
        assert_eq!(
            upper_bound(&soft, &UniformThreshold { threshold: 20.0 }).value,
            2
        );
    }

    #[test]
    fn formatted_counts() {
        assert_eq!(fmt_count(80000.0), "80,000");
        assert_eq!(fmt_count(1234567.0), "1,234,567");
        assert_eq!(fmt_count(999.0), "999");
        assert_eq!(fmt_count(2.5), "2.5");
    }
}
