//! Exact prime implicant generation.
//!
//! With remainders (parsimonious solutions): the prime implicants that cover a positive row `r`
//! are exactly the conjunctions `r|S` (r restricted to the conditions S) where S is a minimal set
//! of conditions that distinguishes `r` from every negative row, i.e. S is a minimal transversal
//! of the hypergraph `{ diff(r, o) : o negative }`. We enumerate minimal transversals with the
//! MMCS algorithm (Murakami & Uno 2014) on 64-bit condition masks, so no remainder is ever listed.
//! This finds every prime implicant (no heuristic stop), for crisp and multi-value data.
//!
//! Without remainders (conservative and intermediate solutions): classical Quine-McCluskey
//! merging with hashing, generalised to multi-value conditions (a set of implicants that differ
//! only in one condition and cover all its levels merges into one).

use crate::implicant::Implicant;
use std::collections::{HashMap, HashSet};

/// Prime implicants of the function that is 1 on `positive`, 0 on `negative` and free elsewhere,
/// restricted to those covering at least one positive row. Rows are condition values.
pub fn primes_with_remainders(
    positive: &[Vec<u8>],
    negative: &[Vec<u8>],
    nconds: usize,
) -> Vec<Implicant> {
    primes_up_to(positive, negative, nconds, nconds)
}

/// The prime implicants of [`primes_with_remainders`] that have at most `max_literals` literals.
pub fn primes_up_to(
    positive: &[Vec<u8>],
    negative: &[Vec<u8>],
    nconds: usize,
    max_literals: usize,
) -> Vec<Implicant> {
    DistinguishingSets::new(positive, negative, nconds).primes(max_literals)
}

/// For each positive row, the minimal sets of conditions on which it differs from the negative
/// rows (computed once, then searched for prime implicants of growing size).
pub struct DistinguishingSets<'a> {
    positive: &'a [Vec<u8>],
    families: Vec<Vec<u64>>,
    nconds: usize,
}

impl<'a> DistinguishingSets<'a> {
    /// Builds the families; at most 64 conditions.
    pub fn new(positive: &'a [Vec<u8>], negative: &[Vec<u8>], nconds: usize) -> Self {
        use rayon::prelude::*;
        assert!(nconds <= 64, "at most 64 conditions");
        let families = positive
            .par_iter()
            .map(|r| {
                let mut family: Vec<u64> = Vec::with_capacity(negative.len());
                for o in negative {
                    let mut d = 0u64;
                    for j in 0..nconds {
                        if r[j] != o[j] {
                            d |= 1 << j;
                        }
                    }
                    family.push(d);
                }
                minimise_family(&mut family)
            })
            .collect();
        Self {
            positive,
            families,
            nconds,
        }
    }

    /// Prime implicants with at most `max_literals` literals, each listed once.
    pub fn primes(&self, max_literals: usize) -> Vec<Implicant> {
        let cap = max_literals.min(64) as u32;
        let nconds = self.nconds;
        let all = if nconds == 64 {
            u64::MAX
        } else {
            (1u64 << nconds) - 1
        };
        let mut seen: HashSet<Vec<u8>> = HashSet::new();
        let mut out = Vec::new();
        let mut transversals = Vec::new();
        for (r, edges) in self.positive.iter().zip(&self.families) {
            transversals.clear();
            mmcs(edges, 0, all, cap, &mut transversals);
            for &s in &transversals {
                let codes: Vec<u8> = (0..nconds)
                    .map(|j| if s >> j & 1 == 1 { r[j] + 1 } else { 0 })
                    .collect();
                if seen.insert(codes.clone()) {
                    out.push(Implicant::from_codes(codes));
                }
            }
        }
        out
    }
}

impl DistinguishingSets<'_> {
    /// [`DistinguishingSets::primes`] with the positive rows shared out over rayon's threads;
    /// the same implicants, in first-row order.
    pub fn primes_parallel(&self, max_literals: usize) -> Vec<Implicant> {
        self.primes_parallel_limited(max_literals, usize::MAX)
    }

    /// [`DistinguishingSets::primes_parallel`] keeping at most `per_row` implicants of each
    /// positive row (a sample of short implicants, not all of them, when the limit bites).
    pub fn primes_parallel_limited(&self, max_literals: usize, per_row: usize) -> Vec<Implicant> {
        use rayon::prelude::*;
        let cap = max_literals.min(64) as u32;
        let nconds = self.nconds;
        let all = if nconds == 64 {
            u64::MAX
        } else {
            (1u64 << nconds) - 1
        };
        let per_row: Vec<Vec<Vec<u8>>> = self
            .positive
            .par_iter()
            .zip(&self.families)
            .map(|(r, edges)| {
                let mut transversals = Vec::new();
                mmcs_limited(edges, 0, all, cap, &mut transversals, per_row);
                transversals
                    .into_iter()
                    .map(|s| {
                        (0..nconds)
                            .map(|j| if s >> j & 1 == 1 { r[j] + 1 } else { 0 })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let mut seen: HashSet<Vec<u8>> = HashSet::new();
        let mut out = Vec::new();
        for codes in per_row.into_iter().flatten() {
            if seen.insert(codes.clone()) {
                out.push(Implicant::from_codes(codes));
            }
        }
        out
    }
}

/// A lower bound on the number of implicants of any cover: a set of positive rows no two of which
/// fit in one consistent conjunction (the smallest conjunction containing both, i.e. the
/// conditions on which they agree, also contains a negative row). Greedy, from several starts.
pub fn incompatible_rows_bound(positive: &[Vec<u8>], negative: &[Vec<u8>], nconds: usize) -> usize {
    let binary = positive
        .iter()
        .chain(negative)
        .all(|r| r.iter().all(|&v| v <= 1));
    let pack = |r: &[u8]| (0..nconds).fold(0u64, |acc, j| acc | (u64::from(r[j]) << j));
    let pos_bits: Vec<u64> = if binary {
        positive.iter().map(|r| pack(r)).collect()
    } else {
        Vec::new()
    };
    let neg_bits: Vec<u64> = if binary {
        negative.iter().map(|r| pack(r)).collect()
    } else {
        Vec::new()
    };
    let compatible = |x: usize, y: usize| {
        if binary {
            // Negative row o lies in the supercube of a and b when it equals a wherever a == b.
            let (a, b) = (pos_bits[x], pos_bits[y]);
            let agree = !(a ^ b);
            !neg_bits.iter().any(|&o| (o ^ a) & agree == 0)
        } else {
            let (a, b) = (&positive[x], &positive[y]);
            !negative
                .iter()
                .any(|o| (0..nconds).all(|j| a[j] != b[j] || o[j] == a[j]))
        }
    };
    let mut best = usize::from(!positive.is_empty());
    let starts = positive.len().min(16);
    for start in 0..starts {
        let first = start * positive.len() / starts.max(1);
        let mut clique: Vec<usize> = vec![first];
        for i in (0..positive.len()).map(|i| (i + first) % positive.len()) {
            if i != first && clique.iter().all(|&c| !compatible(c, i)) {
                clique.push(i);
            }
        }
        best = best.max(clique.len());
    }
    best
}

/// Keeps only the inclusion-minimal sets of a family (a transversal of those hits all).
fn minimise_family(family: &mut [u64]) -> Vec<u64> {
    family.sort_unstable_by_key(|d| (d.count_ones(), *d));
    let mut kept: Vec<u64> = Vec::new();
    let mut last = None;
    for &d in family.iter() {
        if last == Some(d) {
            continue;
        }
        last = Some(d);
        if !kept.iter().any(|&k| k & !d == 0) {
            kept.push(d);
        }
    }
    kept
}

/// MMCS: enumerates every minimal transversal of `edges` that extends `s` using `cand`.
fn mmcs(edges: &[u64], s: u64, cand: u64, cap: u32, out: &mut Vec<u64>) {
    let mut best: Option<u64> = None;
    let mut best_count = u32::MAX;
    for &e in edges {
        if e & s == 0 {
            let c = (e & cand).count_ones();
            if c < best_count {
                best_count = c;
                best = Some(e);
                if c == 0 {
                    break;
                }
            }
        }
    }
    let Some(f) = best else {
        out.push(s);
        return;
    };
    if s.count_ones() >= cap {
        return;
    }
    let c = f & cand;
    let mut cand2 = cand & !c;
    let mut bits = c;
    while bits != 0 {
        let v = bits.trailing_zeros();
        bits &= bits - 1;
        let s2 = s | 1 << v;
        if every_element_private(edges, s2) {
            mmcs(edges, s2, cand2, cap, out);
        }
        cand2 |= 1 << v;
    }
}

/// [`mmcs`] that stops once `out` holds `limit` transversals.
fn mmcs_limited(edges: &[u64], s: u64, cand: u64, cap: u32, out: &mut Vec<u64>, limit: usize) {
    if out.len() >= limit {
        return;
    }
    let mut best: Option<u64> = None;
    let mut best_count = u32::MAX;
    for &e in edges {
        if e & s == 0 {
            let c = (e & cand).count_ones();
            if c < best_count {
                best_count = c;
                best = Some(e);
                if c == 0 {
                    break;
                }
            }
        }
    }
    let Some(f) = best else {
        out.push(s);
        return;
    };
    if s.count_ones() >= cap {
        return;
    }
    let c = f & cand;
    let mut cand2 = cand & !c;
    let mut bits = c;
    while bits != 0 {
        let v = bits.trailing_zeros();
        bits &= bits - 1;
        let s2 = s | 1 << v;
        if every_element_private(edges, s2) {
            mmcs_limited(edges, s2, cand2, cap, out, limit);
        }
        cand2 |= 1 << v;
    }
}

/// Whether each element of `s` hits some edge that no other element of `s` hits.
fn every_element_private(edges: &[u64], s: u64) -> bool {
    let mut need = s;
    for &e in edges {
        let h = e & s;
        if h != 0 && h & (h - 1) == 0 {
            need &= !h;
            if need == 0 {
                return true;
            }
        }
    }
    need == 0
}

/// Prime implicants of the rows in `positive` alone (Quine-McCluskey, multi-value aware).
pub fn primes_qmc(positive: &[Vec<u8>], noflevels: &[u8]) -> Vec<Implicant> {
    let mut level: HashSet<Vec<u8>> = positive
        .iter()
        .map(|r| r.iter().map(|v| v + 1).collect())
        .collect();
    let mut primes = Vec::new();
    while !level.is_empty() {
        let mut merged: HashSet<Vec<u8>> = HashSet::new();
        let mut next: HashSet<Vec<u8>> = HashSet::new();
        let mut groups: HashMap<(usize, Vec<u8>), u8> = HashMap::new();
        // Group implicants by (condition, code vector with that condition cleared).
        for imp in &level {
            for j in 0..imp.len() {
                if imp[j] != 0 {
                    let mut key = imp.clone();
                    key[j] = 0;
                    *groups.entry((j, key)).or_insert(0) += 1;
                }
            }
        }
        for ((j, key), count) in groups {
            if count == noflevels[j] {
                for v in 1..=noflevels[j] {
                    let mut member = key.clone();
                    member[j] = v;
                    merged.insert(member);
                }
                next.insert(key);
            }
        }
        for imp in level {
            if !merged.contains(&imp) {
                primes.push(Implicant::from_codes(imp));
            }
        }
        level = next;
    }
    primes
}
