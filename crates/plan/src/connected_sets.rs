//! Minimal compliant connected sets: every connected set of units whose population reaches the
//! threshold while none of its connected proper subsets does.
//!
//! Every compliant district of any plan contains such a set, and a packing of disjoint ones
//! extends to a plan with as many compliant districts (the units left over join a neighbouring
//! set, and components without a set hold no compliant district at all). Max-p with one
//! population threshold is therefore the maximum set packing over these sets, the model
//! [`crate::exact_max_districts`] hands to the MILP solver.
//!
//! The sets are enumerated with the ESU scheme of Wernicke (2006, "Efficient detection of
//! network motifs"): each connected set is generated once, from its smallest unit, by adding
//! units adjacent to the set and larger than that unit. A branch stops as soon as its set reaches
//! the threshold: every minimal set is reached through connected subsets below the threshold,
//! so none is missed, and the sets that reach it with a unit to spare are dropped.

use crate::graph::Adjacency;

/// The enumerated sets, stored flat: set `k` is `units[starts[k]..starts[k + 1]]`, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ConnectedSets {
    pub(crate) starts: Vec<usize>,
    pub(crate) units: Vec<u32>,
}

impl ConnectedSets {
    /// Number of sets.
    pub(crate) fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Units of set `k`, sorted.
    pub(crate) fn set(&self, k: usize) -> &[u32] {
        &self.units[self.starts[k]..self.starts[k + 1]]
    }
}

/// Why the enumeration stopped before the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooMany {
    /// Sets found when it stopped.
    pub(crate) sets: usize,
}

/// Enumerates the minimal compliant connected sets of the units with `live[u]`, `pop[u]` their
/// populations (non-negative) and `t` the threshold, over graph `g`. Stops with [`TooMany`] once
/// more than `max_sets` sets are found or `max_steps` partial sets are visited.
pub(crate) fn minimal_connected_sets(
    g: &Adjacency,
    pop: &[f64],
    live: &[bool],
    t: f64,
    max_sets: usize,
    max_steps: usize,
) -> Result<ConnectedSets, TooMany> {
    let n = pop.len();
    let mut e = Esu {
        g,
        pop,
        live,
        t,
        in_set: vec![false; n],
        near: vec![0; n],
        set: Vec::new(),
        out: ConnectedSets {
            starts: vec![0],
            units: Vec::new(),
        },
        steps: 0,
        max_sets,
        max_steps,
        seen: vec![0; n],
        stamp: 0,
        stack: Vec::new(),
    };
    for v in 0..n {
        if !live[v] {
            continue;
        }
        let ext: Vec<u32> = g
            .neighbors(v)
            .iter()
            .copied()
            .filter(|&u| live[u as usize] && u as usize > v)
            .collect();
        e.push(v as u32);
        let ok = e.extend(ext, v as u32, pop[v]);
        e.pop(v as u32);
        if !ok {
            return Err(TooMany { sets: e.out.len() });
        }
    }
    Ok(e.out)
}

/// State of the enumeration.
struct Esu<'a> {
    g: &'a Adjacency,
    pop: &'a [f64],
    live: &'a [bool],
    t: f64,
    in_set: Vec<bool>,
    /// How many members of the current set each unit is in the closed neighbourhood of.
    near: Vec<u32>,
    set: Vec<u32>,
    out: ConnectedSets,
    steps: usize,
    max_sets: usize,
    max_steps: usize,
    /// Scratch marks for the connectivity test.
    seen: Vec<u32>,
    stamp: u32,
    stack: Vec<u32>,
}

impl Esu<'_> {
    fn push(&mut self, w: u32) {
        self.in_set[w as usize] = true;
        self.set.push(w);
        self.near[w as usize] += 1;
        for &u in self.g.neighbors(w as usize) {
            self.near[u as usize] += 1;
        }
    }

    fn pop(&mut self, w: u32) {
        self.in_set[w as usize] = false;
        self.set.pop();
        self.near[w as usize] -= 1;
        for &u in self.g.neighbors(w as usize) {
            self.near[u as usize] -= 1;
        }
    }

    /// Extends the current set (population `p`) by the units of `ext`; false when a limit is hit.
    fn extend(&mut self, mut ext: Vec<u32>, v: u32, p: f64) -> bool {
        self.steps += 1;
        if self.steps > self.max_steps {
            return false;
        }
        if p >= self.t {
            if self.is_minimal(p) {
                let mut s = self.set.clone();
                s.sort_unstable();
                self.out.units.extend_from_slice(&s);
                self.out.starts.push(self.out.units.len());
                if self.out.len() > self.max_sets {
                    return false;
                }
            }
            return true;
        }
        while let Some(w) = ext.pop() {
            // units adjacent to w but neither in nor next to the current set
            let mut next = ext.clone();
            next.extend(
                self.g
                    .neighbors(w as usize)
                    .iter()
                    .copied()
                    .filter(|&u| u > v && self.live[u as usize] && self.near[u as usize] == 0),
            );
            self.push(w);
            let ok = self.extend(next, v, p + self.pop[w as usize]);
            self.pop(w);
            if !ok {
                return false;
            }
        }
        true
    }

    /// No unit can leave the current set (population `p`) with the rest connected and still at
    /// the threshold (enough for minimality: a feasible connected proper subset could be grown
    /// back one unit at a time, and the last unit added would be such a unit).
    fn is_minimal(&mut self, p: f64) -> bool {
        for i in 0..self.set.len() {
            let u = self.set[i];
            if p - self.pop[u as usize] >= self.t && self.connected_without(u) {
                return false;
            }
        }
        true
    }

    /// Whether the current set stays connected without `x`.
    fn connected_without(&mut self, x: u32) -> bool {
        if self.set.len() <= 2 {
            return true;
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.seen.fill(0);
            self.stamp = 1;
        }
        let start = *self
            .set
            .iter()
            .find(|&&u| u != x)
            .expect("two or more units");
        self.seen[start as usize] = self.stamp;
        self.stack.clear();
        self.stack.push(start);
        let mut reached = 1;
        while let Some(a) = self.stack.pop() {
            for &b in self.g.neighbors(a as usize) {
                if b != x && self.in_set[b as usize] && self.seen[b as usize] != self.stamp {
                    self.seen[b as usize] = self.stamp;
                    reached += 1;
                    self.stack.push(b);
                }
            }
        }
        reached == self.set.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// All minimal compliant connected sets by brute force over subsets.
    fn brute(g: &Adjacency, pop: &[f64], t: f64) -> Vec<Vec<u32>> {
        let n = pop.len();
        let connected = |mask: u32| {
            let first = mask.trailing_zeros() as usize;
            let mut seen = 1u32 << first;
            let mut stack = vec![first];
            while let Some(a) = stack.pop() {
                for &b in g.neighbors(a) {
                    if mask & (1 << b) != 0 && seen & (1 << b) == 0 {
                        seen |= 1 << b;
                        stack.push(b as usize);
                    }
                }
            }
            seen == mask
        };
        let total = |mask: u32| {
            (0..n)
                .filter(|&i| mask & (1 << i) != 0)
                .map(|i| pop[i])
                .sum::<f64>()
        };
        let feasible = |mask: u32| mask != 0 && connected(mask) && total(mask) >= t;
        let mut out = Vec::new();
        for mask in 1u32..(1 << n) {
            if !feasible(mask) {
                continue;
            }
            // no feasible proper subset
            let mut sub = (mask - 1) & mask;
            let mut minimal = true;
            while sub != 0 {
                if feasible(sub) {
                    minimal = false;
                    break;
                }
                sub = (sub - 1) & mask;
            }
            if minimal {
                out.push((0..n as u32).filter(|&i| mask & (1 << i) != 0).collect());
            }
        }
        out.sort();
        out
    }

    #[test]
    fn matches_brute_force_on_random_graphs() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..300 {
            let n = rng.gen_range(1..=11);
            let mut edges = Vec::new();
            for i in 0..n {
                for j in i + 1..n {
                    if rng.gen_bool(0.3) {
                        edges.push((i, j, 1.0));
                    }
                }
            }
            let g = Adjacency::from_edges(n, &edges).unwrap();
            let pop: Vec<f64> = (0..n).map(|_| rng.gen_range(0..6) as f64).collect();
            let t = rng.gen_range(1..15) as f64;
            let got = minimal_connected_sets(&g, &pop, &vec![true; n], t, usize::MAX, usize::MAX)
                .unwrap();
            let mut sets: Vec<Vec<u32>> = (0..got.len()).map(|k| got.set(k).to_vec()).collect();
            sets.sort();
            assert_eq!(
                sets,
                brute(&g, &pop, t),
                "n {n} edges {edges:?} pop {pop:?} t {t}"
            );
        }
    }

    #[test]
    fn stops_at_the_limits() {
        // a path of 6 units of 1: five sets of two at threshold 2
        let edges: Vec<(usize, usize, f64)> = (0..5).map(|i| (i, i + 1, 1.0)).collect();
        let g = Adjacency::from_edges(6, &edges).unwrap();
        let live = vec![true; 6];
        let all = minimal_connected_sets(&g, &[1.0; 6], &live, 2.0, 10, 1000).unwrap();
        assert_eq!(all.len(), 5);
        assert_eq!(all.set(0), &[0, 1]);
        assert_eq!(
            minimal_connected_sets(&g, &[1.0; 6], &live, 2.0, 3, 1000),
            Err(TooMany { sets: 4 })
        );
        // units outside the live set are not used
        let mut part = live.clone();
        part[2] = false;
        let some = minimal_connected_sets(&g, &[1.0; 6], &part, 2.0, 10, 1000).unwrap();
        assert_eq!(some.len(), 3);
    }
}
