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
    assert!(nconds <= 64, "at most 64 conditions");
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    let mut out = Vec::new();
    let mut family: Vec<u64> = Vec::with_capacity(negative.len());
    let mut transversals = Vec::new();
    for r in positive {
        family.clear();
        for o in negative {
            let mut d = 0u64;
            for j in 0..nconds {
                if r[j] != o[j] {
                    d |= 1 << j;
                }
            }
            family.push(d);
        }
        let edges = minimise_family(&mut family);
        transversals.clear();
        let all = if nconds == 64 {
            u64::MAX
        } else {
            (1u64 << nconds) - 1
        };
        mmcs(&edges, 0, all, &mut transversals);
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
fn mmcs(edges: &[u64], s: u64, cand: u64, out: &mut Vec<u64>) {
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
    let c = f & cand;
    let mut cand2 = cand & !c;
    let mut bits = c;
    while bits != 0 {
        let v = bits.trailing_zeros();
        bits &= bits - 1;
        let s2 = s | 1 << v;
        if every_element_private(edges, s2) {
            mmcs(edges, s2, cand2, out);
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
