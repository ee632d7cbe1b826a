//! The `min-change` objective: start from an existing district map and make every district
//! compliant by moving as few units (or merging as few districts) as possible, preferring the
//! partners with the highest affinity, then the most compact result.

use serde::Serialize;
use std::collections::HashMap;

use crate::graph::{Adjacency, Marks};
use crate::plan::{border_length, summarize, DistrictSummary};
use crate::problem::{Nesting, Problem};
use crate::rule::DistrictRule;
use crate::PlanError;

/// Pairwise affinity scores between units (prior collaboration, same health district...).
#[derive(Debug, Clone, Default)]
pub struct Affinity {
    scores: HashMap<(u32, u32), f64>,
}

impl Affinity {
    /// Empty table (every score 0).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the symmetric score of units `a` and `b`.
    pub fn insert(&mut self, a: u32, b: u32, score: f64) {
        self.scores.insert((a.min(b), a.max(b)), score);
    }

    /// Score of units `a` and `b` (0 when unknown).
    pub fn score(&self, a: u32, b: u32) -> f64 {
        self.scores
            .get(&(a.min(b), a.max(b)))
            .copied()
            .unwrap_or(0.0)
    }

    fn to_set(&self, u: u32, set: &[u32]) -> f64 {
        if self.scores.is_empty() {
            return 0.0;
        }
        set.iter().map(|&v| self.score(u, v)).sum()
    }
}

/// What a merge of two districts costs, in units moved.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum MergeCost {
    /// As many as the units of the smaller district (they all change district).
    #[default]
    SmallerDistrict,
    /// A fixed cost per merge.
    Fixed(f64),
}

/// Settings of [`min_change`].
#[derive(Debug, Clone)]
pub struct ChangeOptions {
    /// Cost of a merge relative to moving single units.
    pub merge_cost: MergeCost,
    /// Largest number of units moved into one district before merging is the only option.
    pub max_transfer: usize,
}

impl Default for ChangeOptions {
    fn default() -> Self {
        Self {
            merge_cost: MergeCost::SmallerDistrict,
            max_transfer: 8,
        }
    }
}

/// One change applied to the baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Change {
    /// Units moved from neighbouring districts into `to`.
    Transfer {
        /// The district that receives them.
        to: u32,
        /// `(unit, district it came from)`.
        units: Vec<(u32, u32)>,
        /// Summed affinity of the moved units with their new district.
        affinity: f64,
    },
    /// District `absorbed` merged into district `into`.
    Merge {
        /// The district that disappears.
        absorbed: u32,
        /// The district that takes its units.
        into: u32,
        /// Summed affinity across the two districts.
        affinity: f64,
    },
}

/// A district that could not be made compliant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unresolved {
    /// The district.
    pub district: u32,
    /// Why.
    pub reason: String,
}

/// Result of [`min_change`].
#[derive(Debug, Clone, Serialize)]
pub struct ChangeOutcome {
    /// District of every unit: baseline ids, plus new ids for stray parts of split districts;
    /// merged districts vanish (their id is unused).
    pub district_of: Vec<u32>,
    /// Figures per district id (empty ids have `units == 0`).
    pub districts: Vec<DistrictSummary>,
    /// Changes in the order applied.
    pub changes: Vec<Change>,
    /// Districts still non-compliant.
    pub unresolved: Vec<Unresolved>,
    /// Units whose district changed.
    pub units_moved: usize,
    /// Number of merges.
    pub merges: usize,
    /// Border length between districts after the changes.
    pub border_length: f64,
}

struct Work<'a> {
    pb: &'a Problem,
    rule: &'a dyn DistrictRule,
    g: Adjacency,
    label: Vec<u32>,
    members: Vec<Vec<u32>>,
    totals: Vec<Vec<f64>>,
    locked: Vec<bool>,
    marks: Marks,
}

impl Work<'_> {
    fn acceptable(&self, t: &[f64]) -> bool {
        self.rule.is_compliant(t)
            && self
                .pb
                .max_population
                .is_none_or(|mx| self.rule.population(t) <= mx)
    }

    fn with(&self, d: u32, units: &[u32], sign: f64) -> Vec<f64> {
        let mut t = self.totals[d as usize].clone();
        for &u in units {
            for (a, b) in t.iter_mut().zip(self.pb.unit_totals(u as usize)) {
                *a += sign * b;
            }
        }
        t
    }

    fn move_unit(&mut self, u: u32, to: u32) {
        let from = self.label[u as usize];
        self.members[from as usize].retain(|&x| x != u);
        self.members[to as usize].push(u);
        for (a, b) in self.totals[from as usize]
            .iter_mut()
            .zip(self.pb.unit_totals(u as usize))
        {
            *a -= b;
        }
        for (a, b) in self.totals[to as usize]
            .iter_mut()
            .zip(self.pb.unit_totals(u as usize))
        {
            *a += b;
        }
        self.label[u as usize] = to;
    }

    /// Whether district `e` minus `taken` is non-empty, contiguous and acceptable.
    fn donor_ok(&mut self, e: u32, taken: &[u32]) -> bool {
        if self.locked[e as usize] {
            return false;
        }
        let rest: Vec<u32> = self.members[e as usize]
            .iter()
            .copied()
            .filter(|u| !taken.contains(u))
            .collect();
        if rest.is_empty() {
            return false;
        }
        let t = self.with(e, taken, -1.0);
        self.acceptable(&t) && self.marks.set_connected(&self.g, &rest)
    }

    fn receiver_ok(&self, d: u32, add: &[u32]) -> bool {
        for &u in add {
            if self
                .pb
                .conflicts(u as usize)
                .iter()
                .any(|&w| self.label[w as usize] == d || (add.contains(&w) && w != u))
            {
                return false;
            }
            if self.pb.is_linked(u as usize) {
                return false;
            }
        }
        self.acceptable(&self.with(d, add, 1.0))
    }

    /// Border change when `units` move into `d` one after another.
    fn border_delta(&self, d: u32, units: &[u32]) -> f64 {
        let mut delta = 0.0;
        for &u in units {
            let from = self.label[u as usize];
            for (v, w) in self.pb.graph.weighted_neighbors(u as usize) {
                let lv = if units.contains(&(v as u32)) {
                    d
                } else {
                    self.label[v]
                };
                if lv == from && !units.contains(&(v as u32)) {
                    delta += w;
                }
                if lv == d && !units.contains(&(v as u32)) {
                    delta -= w;
                }
            }
        }
        delta
    }

    /// Units outside `d` adjacent to `d` or to `extra`, in unlocked districts.
    fn frontier(&self, d: u32, extra: &[u32]) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for &x in self.members[d as usize].iter().chain(extra) {
            for &v in self.g.neighbors(x as usize) {
                let e = self.label[v as usize];
                if e != d && !self.locked[e as usize] && !extra.contains(&v) && !out.contains(&v) {
                    out.push(v);
                }
            }
        }
        out.sort_unstable();
        out
    }
}

/// Candidate fix of one district.
struct Fix {
    cost: f64,
    affinity: f64,
    border: f64,
    change: Change,
}

impl Fix {
    fn better_than(&self, other: &Fix) -> bool {
        (self.cost, -self.affinity, self.border) < (other.cost, -other.affinity, other.border)
    }
}

/// Makes every district of `baseline` (complete, ids `0..q`) compliant with the fewest changes.
pub fn min_change(
    pb: &Problem,
    rule: &dyn DistrictRule,
    baseline: &[u32],
    affinity: &Affinity,
    opts: &ChangeOptions,
) -> Result<ChangeOutcome, PlanError> {
    if baseline.len() != pb.len() {
        return Err(PlanError::LengthMismatch {
            what: "baseline districts",
            expected: pb.len(),
            found: baseline.len(),
        });
    }
    if rule.totals_len() != pb.k {
        return Err(PlanError::RuleTotals {
            rule: rule.totals_len(),
            problem: pb.k,
        });
    }
    let nested = pb.nesting == Nesting::Hard && pb.area.is_some();
    let g = pb.graph.filtered(|u, v| !nested || pb.same_area(u, v));
    // stray parts of split districts become districts of their own (to be fixed like the rest)
    let mut label = baseline.to_vec();
    let q = label.iter().map(|&d| d as usize + 1).max().unwrap_or(0);
    let comp = pb.graph.components_within(&label);
    let mut part_id: HashMap<(u32, u32), u32> = HashMap::new();
    let mut part_size: HashMap<(u32, u32), usize> = HashMap::new();
    for u in 0..pb.len() {
        *part_size.entry((label[u], comp[u])).or_default() += 1;
    }
    let mut main_part: HashMap<u32, (usize, u32)> = HashMap::new();
    let mut keys: Vec<_> = part_size.iter().map(|(&k, &s)| (k, s)).collect();
    keys.sort_unstable();
    for ((d, c), s) in &keys {
        let e = main_part.entry(*d).or_insert((*s, *c));
        if *s > e.0 {
            *e = (*s, *c);
        }
    }
    let mut next = q as u32;
    for ((d, c), _) in &keys {
        if main_part[d].1 != *c {
            part_id.insert((*d, *c), next);
            next += 1;
        }
    }
    for u in 0..pb.len() {
        if let Some(&id) = part_id.get(&(label[u], comp[u])) {
            label[u] = id;
        }
    }
    let count = next as usize;
    let mut members = vec![Vec::new(); count];
    let mut totals = vec![vec![0.0; pb.k]; count];
    let mut locked = vec![false; count];
    for (u, &d) in label.iter().enumerate() {
        members[d as usize].push(u as u32);
        for (a, b) in totals[d as usize].iter_mut().zip(pb.unit_totals(u)) {
            *a += b;
        }
        if pb.locked[u].is_some() {
            locked[d as usize] = true;
        }
    }
    let mut w = Work {
        pb,
        rule,
        g,
        label,
        members,
        totals,
        locked,
        marks: Marks::new(pb.len()),
    };
    let mut changes = Vec::new();
    let mut unresolved = Vec::new();
    let mut given_up: Vec<u32> = Vec::new();
    loop {
        let mut bad: Vec<(f64, u32)> = (0..count as u32)
            .filter(|&d| {
                !w.members[d as usize].is_empty()
                    && !w.acceptable(&w.totals[d as usize])
                    && !given_up.contains(&d)
            })
            .map(|d| {
                let t = &w.totals[d as usize];
                let deficit = rule.requirement(t).threshold - rule.population(t);
                (deficit, d)
            })
            .collect();
        if bad.is_empty() {
            break;
        }
        bad.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let d = bad[0].1;
        match best_fix(&mut w, d, affinity, opts) {
            Some(fix) => {
                apply(&mut w, &fix.change);
                changes.push(fix.change);
            }
            None => {
                given_up.push(d);
                unresolved.push(Unresolved {
                    district: d,
                    reason: if w.locked[d as usize] {
                        "locked district below its threshold".to_string()
                    } else {
                        "no transfer of up to the allowed units and no merge with a neighbouring district makes it compliant"
                            .to_string()
                    },
                });
            }
        }
    }
    let districts = summarize(pb, rule, &w.label, count);
    let units_moved = (0..pb.len()).filter(|&u| w.label[u] != baseline[u]).count();
    let merges = changes
        .iter()
        .filter(|c| matches!(c, Change::Merge { .. }))
        .count();
    let border = border_length(pb, &w.label);
    Ok(ChangeOutcome {
        district_of: w.label,
        districts,
        changes,
        unresolved,
        units_moved,
        merges,
        border_length: border,
    })
}

fn apply(w: &mut Work, change: &Change) {
    match change {
        Change::Transfer { to, units, .. } => {
            for &(u, _) in units {
                w.move_unit(u, *to);
            }
        }
        Change::Merge { absorbed, into, .. } => {
            for u in w.members[*absorbed as usize].clone() {
                w.move_unit(u, *into);
            }
        }
    }
}

fn best_fix(w: &mut Work, d: u32, affinity: &Affinity, opts: &ChangeOptions) -> Option<Fix> {
    if w.locked[d as usize] {
        return None;
    }
    let mut best: Option<Fix> = None;
    let consider = |f: Fix, best: &mut Option<Fix>| {
        if best.as_ref().is_none_or(|b| f.better_than(b)) {
            *best = Some(f);
        }
    };
    let transfer = |w: &Work, units: Vec<u32>| -> Fix {
        let members = &w.members[d as usize];
        let aff: f64 = units.iter().map(|&u| affinity.to_set(u, members)).sum();
        Fix {
            cost: units.len() as f64,
            affinity: aff,
            border: w.border_delta(d, &units),
            change: Change::Transfer {
                to: d,
                units: units.iter().map(|&u| (u, w.label[u as usize])).collect(),
                affinity: aff,
            },
        }
    };
    // single units
    let front = w.frontier(d, &[]);
    for &v in &front {
        let e = w.label[v as usize];
        if w.receiver_ok(d, &[v]) && w.donor_ok(e, &[v]) {
            let f = transfer(w, vec![v]);
            consider(f, &mut best);
        }
    }
    // pairs
    if best.is_none() && opts.max_transfer >= 2 {
        for &v in &front {
            let ext = w.frontier(d, &[v]);
            for &x in &ext {
                if x < v && front.contains(&x) {
                    continue; // each unordered pair of frontier units once
                }
                let pair = [v, x];
                if !w.receiver_ok(d, &pair) {
                    continue;
                }
                let (ev, ex) = (w.label[v as usize], w.label[x as usize]);
                let ok = if ev == ex {
                    w.donor_ok(ev, &pair)
                } else {
                    w.donor_ok(ev, &[v]) && w.donor_ok(ex, &[x])
                };
                if ok {
                    let f = transfer(w, pair.to_vec());
                    consider(f, &mut best);
                }
            }
        }
    }
    // larger transfers: greedy, largest population first
    if best.is_none() && opts.max_transfer >= 3 {
        let mut taken: Vec<u32> = Vec::new();
        while taken.len() < opts.max_transfer {
            let ext = w.frontier(d, &taken);
            let mut pick: Option<(f64, u32)> = None;
            for &v in &ext {
                let e = w.label[v as usize];
                let mut from_e: Vec<u32> = taken
                    .iter()
                    .copied()
                    .filter(|&t| w.label[t as usize] == e)
                    .collect();
                from_e.push(v);
                if !w.donor_ok(e, &from_e) || w.pb.is_linked(v as usize) {
                    continue;
                }
                let pop = w.rule.population(w.pb.unit_totals(v as usize));
                if pick.is_none_or(|(p, _)| pop > p) {
                    pick = Some((pop, v));
                }
            }
            let Some((_, v)) = pick else { break };
            taken.push(v);
            if w.receiver_ok(d, &taken) {
                let f = transfer(w, taken.clone());
                consider(f, &mut best);
                break;
            }
        }
    }
    // merges with a neighbouring district
    let mut neigh: Vec<u32> = front.iter().map(|&v| w.label[v as usize]).collect();
    neigh.sort_unstable();
    neigh.dedup();
    for e in neigh {
        if w.locked[e as usize] {
            continue;
        }
        let (small, large) = if w.members[d as usize].len() <= w.members[e as usize].len() {
            (d, e)
        } else {
            (e, d)
        };
        let add = w.members[small as usize].clone();
        if w.pb.conflicts_with(&add, &w.label, large) || !w.acceptable(&w.with(large, &add, 1.0)) {
            continue;
        }
        let cost = match opts.merge_cost {
            MergeCost::SmallerDistrict => add.len() as f64,
            MergeCost::Fixed(c) => c,
        };
        let aff: f64 = add
            .iter()
            .map(|&u| affinity.to_set(u, &w.members[large as usize]))
            .sum();
        let shared: f64 = add
            .iter()
            .flat_map(|&u| w.pb.graph.weighted_neighbors(u as usize))
            .filter(|&(v, _)| w.label[v] == large)
            .map(|(_, x)| x)
            .sum();
        consider(
            Fix {
                cost,
                affinity: aff,
                border: -shared,
                change: Change::Merge {
                    absorbed: small,
                    into: large,
                    affinity: aff,
                },
            },
            &mut best,
        );
    }
    best
}
