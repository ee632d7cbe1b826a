//! Minimum covers without listing every prime implicant, with a proof of minimality or a proven
//! lower bound when a limit stops the search.
//!
//! The cover problem "fewest prime implicants covering every positive row" is a set cover whose
//! columns (prime implicants) may number millions (3 million on 20 conditions). Following the
//! column-generation view of set cover (Beasley 1990, *A Lagrangian heuristic for set-covering
//! problems*; Barnhart et al. 1998, *Branch-and-price*), we never list them all:
//!
//! 1. Start from one prime implicant per positive row (its minterm expanded greedily, as
//!    ESPRESSO's EXPAND does) and an upper bound `U` from a greedy cover.
//! 2. Row weights `u >= 0` (Lagrange multipliers, improved by subgradient steps) give the lower
//!    bound `L(u) = sum_r u_r + sum_p min(0, 1 - u(p))` on every cover, where `u(p)` is the weight
//!    of the rows implicant `p` covers. The sum runs over *all* prime implicants, but only those
//!    with `u(p) > 1` contribute, and those are found exactly by *pricing*: a search over cubes
//!    that stops as soon as a cube's row weight falls below the threshold (weight only shrinks as
//!    literals are added) or the cube holds no negative row (an implicant: its extensions are not
//!    prime).
//! 3. Reduced-cost fixing: for any cover `C` and any `q` in `C`,
//!    `|C| = sum_{p in C} (1 - u(p)) + sum_{p in C} u(p) >= L(u) + max(0, 1 - u(q))`, so an
//!    implicant of a cover with at most `U` terms has `u(q) >= 1 - (U - L(u))`. Pricing at that
//!    threshold lists every implicant any minimum cover can use, usually a few hundred; the exact
//!    cover search ([`crate::cover`]) then runs on that chart and returns every minimum cover.
//!
//! A stopped search (time, memory, Ctrl-C) keeps the best cover found and the bound
//! `ceil(L(u))`: "5 terms found, no model with fewer than 4 exists".

use crate::cover::BitSet;
use crate::implicant::Implicant;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Why a minimisation stopped before it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StopReason {
    /// The time limit passed.
    TimeLimit,
    /// The implicant charts would exceed the memory limit.
    MemoryLimit,
    /// The caller cancelled (Ctrl-C).
    Interrupted,
}

impl StopReason {
    /// Words for a reader.
    pub fn describe(self) -> &'static str {
        match self {
            StopReason::TimeLimit => "time limit reached",
            StopReason::MemoryLimit => "memory limit reached",
            StopReason::Interrupted => "interrupted",
        }
    }
}

/// A snapshot of a running minimisation, for progress displays.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// What the search is doing.
    pub stage: &'static str,
    /// Prime implicants listed so far.
    pub implicants: usize,
    /// Proven lower bound on the number of terms of a model.
    pub lower_bound: usize,
    /// Terms of the best model found so far.
    pub best: Option<usize>,
}

impl std::fmt::Display for Progress {
    /// `stage: N implicants, no model below L terms, best so far B`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (stage, implicants, bound) = (self.stage, self.implicants, self.lower_bound);
        write!(
            f,
            "{stage}: {implicants} implicants, no model below {bound} terms"
        )?;
        match self.best {
            Some(b) => write!(f, ", best so far {b}"),
            None => Ok(()),
        }
    }
}

/// Limits of a minimisation: a deadline, a memory budget for the charts, a cancellation flag,
/// and a progress callback. The default has none.
#[derive(Clone, Default)]
pub struct Budget {
    /// Stop at this instant, keeping the best models found.
    pub deadline: Option<Instant>,
    /// Bytes the implicant charts may take.
    pub max_memory: Option<usize>,
    /// Set to true (e.g. by a Ctrl-C handler) to stop, keeping the best models found.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Called at each stage and bound improvement.
    #[allow(clippy::type_complexity)]
    pub progress: Option<Arc<dyn Fn(&Progress) + Send + Sync>>,
}

impl std::fmt::Debug for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Budget")
            .field("deadline", &self.deadline)
            .field("max_memory", &self.max_memory)
            .field("cancel", &self.cancel)
            .finish_non_exhaustive()
    }
}

impl Budget {
    /// No limit.
    pub fn unlimited() -> Self {
        Self::default()
    }

    /// Why the search must stop now, if it must (memory is checked where charts grow).
    pub fn stop_reason(&self) -> Option<StopReason> {
        if self
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            return Some(StopReason::Interrupted);
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Some(StopReason::TimeLimit);
        }
        None
    }

    pub(crate) fn report(&self, progress: Progress) {
        if let Some(f) = &self.progress {
            f(&progress);
        }
    }
}

/// What a minimisation proves about its models.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Certificate {
    /// The models have the fewest terms possible (the lower bound equals their size).
    pub proven_minimal: bool,
    /// Every model of that size is listed (for a search asked for all minimal models).
    pub complete: bool,
    /// No model has fewer terms than this.
    pub lower_bound: usize,
    /// Terms of the models reported.
    pub model_size: usize,
    /// Why the search stopped early, if it did.
    pub stopped: Option<StopReason>,
    /// How the models were found.
    pub method: String,
}

impl Certificate {
    /// One sentence: "5 terms found, proven minimal, all models listed" or
    /// "5 terms found, no model with fewer than 4 exists (time limit reached)".
    pub fn describe(&self) -> String {
        let noun = if self.model_size == 1 {
            "term"
        } else {
            "terms"
        };
        let head = format!("{} {noun} found", self.model_size);
        let mut s = if self.proven_minimal {
            format!("{head}, proven minimal")
        } else {
            format!(
                "{head}, no model with fewer than {} exists",
                self.lower_bound
            )
        };
        s.push_str(if self.complete {
            ", every model of that size listed"
        } else {
            ", other models of that size may exist"
        });
        if let Some(r) = self.stopped {
            s.push_str(&format!(" ({})", r.describe()));
        }
        s
    }
}

/// A prime implicant as codes and the positive rows it covers.
#[derive(Debug, Clone)]
struct Column {
    codes: Vec<u8>,
    rows: Vec<u32>,
}

/// The cube space: rows of each (condition, value), positive and negative.
struct Space {
    k: usize,
    levels: Vec<u8>,
    pos_by: Vec<Vec<BitSet>>,
    neg_by: Vec<Vec<BitSet>>,
    npos: usize,
    nneg: usize,
}

/// Shared state of a search: the budget, plus the memory used by listed columns.
struct Guard<'a> {
    budget: &'a Budget,
    bytes: AtomicUsize,
    stopped: AtomicBool,
    reason: std::sync::Mutex<Option<StopReason>>,
    polls: AtomicUsize,
}

impl<'a> Guard<'a> {
    fn new(budget: &'a Budget) -> Self {
        Self {
            budget,
            bytes: AtomicUsize::new(0),
            stopped: AtomicBool::new(false),
            reason: std::sync::Mutex::new(None),
            polls: AtomicUsize::new(0),
        }
    }

    fn halt(&self, r: StopReason) {
        if let Ok(mut g) = self.reason.lock() {
            g.get_or_insert(r);
        }
        self.stopped.store(true, Ordering::Relaxed);
    }

    /// Whether to stop; polls the clock only every 256 calls.
    fn should_stop(&self) -> bool {
        if self.stopped.load(Ordering::Relaxed) {
            return true;
        }
        if self
            .polls
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(256)
        {
            if let Some(r) = self.budget.stop_reason() {
                self.halt(r);
                return true;
            }
        }
        false
    }

    /// Charges the memory of a listed column; false (and stop) when over the budget.
    fn charge(&self, bytes: usize) -> bool {
        let total = self.bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if self.budget.max_memory.is_some_and(|m| total > m) {
            self.halt(StopReason::MemoryLimit);
            return false;
        }
        true
    }

    fn reason(&self) -> Option<StopReason> {
        self.reason.lock().ok().and_then(|g| *g)
    }
}

impl Space {
    fn new(on: &[Vec<u8>], off: &[Vec<u8>], levels: &[u8]) -> Self {
        let k = levels.len();
        let by = |rows: &[Vec<u8>]| -> Vec<Vec<BitSet>> {
            (0..k)
                .map(|j| {
                    let mut sets = vec![BitSet::new(rows.len()); usize::from(levels[j])];
                    for (i, r) in rows.iter().enumerate() {
                        if let Some(s) = sets.get_mut(usize::from(r[j])) {
                            s.insert(i);
                        }
                    }
                    sets
                })
                .collect()
        };
        Self {
            k,
            levels: levels.to_vec(),
            pos_by: by(on),
            neg_by: by(off),
            npos: on.len(),
            nneg: off.len(),
        }
    }

    fn full(n: usize) -> BitSet {
        let mut b = BitSet::new(n);
        for i in 0..n {
            b.insert(i);
        }
        b
    }

    /// Negative rows inside the cube `codes` without condition `skip`.
    fn negatives_without(&self, codes: &[u8], skip: usize) -> BitSet {
        let mut b = Self::full(self.nneg);
        for (j, &c) in codes.iter().enumerate() {
            if c != 0 && j != skip {
                b.intersect_with(&self.neg_by[j][usize::from(c - 1)]);
            }
        }
        b
    }

    fn is_prime(&self, codes: &[u8]) -> bool {
        codes
            .iter()
            .enumerate()
            .all(|(j, &c)| c == 0 || !self.negatives_without(codes, j).is_empty())
    }

    /// The minterm of positive row `r` expanded greedily to a prime implicant: literals are
    /// dropped one at a time, each time the one whose removal covers the most positive rows while
    /// the cube stays free of negative rows.
    fn expand(&self, row: &[u8]) -> Column {
        let mut codes: Vec<u8> = row.iter().map(|v| v + 1).collect();
        loop {
            let mut best: Option<(usize, usize)> = None;
            for j in 0..self.k {
                if codes[j] == 0 || !self.negatives_without(&codes, j).is_empty() {
                    continue;
                }
                let mut c2 = codes.clone();
                c2[j] = 0;
                let n = self.positives(&c2).len();
                if best.is_none_or(|(_, b)| n > b) {
                    best = Some((j, n));
                }
            }
            match best {
                Some((j, _)) => codes[j] = 0,
                None => break,
            }
        }
        let rows = self.positives(&codes).iter().map(|i| i as u32).collect();
        Column { codes, rows }
    }

    fn positives(&self, codes: &[u8]) -> BitSet {
        let mut b = Self::full(self.npos);
        for (j, &c) in codes.iter().enumerate() {
            if c != 0 {
                b.intersect_with(&self.pos_by[j][usize::from(c - 1)]);
            }
        }
        b
    }

    /// Every prime implicant whose covered rows weigh at least `theta` (strictly more when
    /// `strict`), by a search over cubes in canonical order (conditions added in increasing
    /// order), split over the first literal for rayon.
    fn primes_above(&self, u: &[f64], theta: f64, strict: bool, guard: &Guard) -> Vec<Column> {
        let passes = |w: f64| if strict { w > theta } else { w >= theta };
        let starts: Vec<(usize, u8)> = (0..self.k)
            .flat_map(|j| (0..self.levels[j]).map(move |v| (j, v)))
            .collect();
        starts
            .par_iter()
            .flat_map_iter(|&(j, v)| {
                let mut out = Vec::new();
                let pos = &self.pos_by[j][usize::from(v)];
                if pos.is_empty() || !passes(weight(pos, u)) {
                    return out;
                }
                let mut codes = vec![0u8; self.k];
                codes[j] = v + 1;
                let neg = &self.neg_by[j][usize::from(v)];
                if neg.is_empty() {
                    self.record(&codes, pos, guard, &mut out);
                } else {
                    self.descend(&mut codes, j + 1, pos, neg, u, &passes, guard, &mut out);
                }
                out
            })
            .collect()
    }

    fn record(&self, codes: &[u8], pos: &BitSet, guard: &Guard, out: &mut Vec<Column>) {
        if self.is_prime(codes) {
            let rows: Vec<u32> = pos.iter().map(|i| i as u32).collect();
            if guard.charge(rows.len() * 4 + codes.len() + 64) {
                out.push(Column {
                    codes: codes.to_vec(),
                    rows,
                });
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn descend(
        &self,
        codes: &mut [u8],
        from: usize,
        pos: &BitSet,
        neg: &BitSet,
        u: &[f64],
        passes: &(dyn Fn(f64) -> bool + Sync),
        guard: &Guard,
        out: &mut Vec<Column>,
    ) {
        if guard.should_stop() {
            return;
        }
        for j in from..self.k {
            for v in 0..self.levels[j] {
                let mut pos2 = pos.clone();
                pos2.intersect_with(&self.pos_by[j][usize::from(v)]);
                if pos2.is_empty() || !passes(weight(&pos2, u)) {
                    continue;
                }
                let mut neg2 = neg.clone();
                neg2.intersect_with(&self.neg_by[j][usize::from(v)]);
                codes[j] = v + 1;
                if neg2.is_empty() {
                    self.record(codes, &pos2, guard, out);
                } else {
                    self.descend(codes, j + 1, &pos2, &neg2, u, passes, guard, out);
                }
                codes[j] = 0;
            }
        }
    }
}

fn weight(rows: &BitSet, u: &[f64]) -> f64 {
    rows.iter().map(|i| u[i]).sum()
}

fn column_weight(c: &Column, u: &[f64]) -> f64 {
    c.rows.iter().map(|&i| u[i as usize]).sum()
}

/// Greedy cover (most uncovered rows per implicant); `None` when the columns cannot cover.
fn greedy(cols: &[Column], npos: usize) -> Option<Vec<usize>> {
    let mut covered = vec![false; npos];
    let mut left = npos;
    let mut chosen = Vec::new();
    while left > 0 {
        let (best, gain) = cols
            .iter()
            .enumerate()
            .map(|(i, c)| (i, c.rows.iter().filter(|&&r| !covered[r as usize]).count()))
            .max_by_key(|&(i, g)| (g, std::cmp::Reverse(i)))?;
        if gain == 0 {
            return None;
        }
        for &r in &cols[best].rows {
            if !covered[r as usize] {
                covered[r as usize] = true;
                left -= 1;
            }
        }
        chosen.push(best);
    }
    Some(chosen)
}

/// Lagrangian bound of the restricted columns at `u`: `sum u + sum min(0, 1 - u(p))`.
fn lagrangian(cols: &[Column], u: &[f64]) -> f64 {
    u.iter().sum::<f64>()
        + cols
            .iter()
            .map(|c| (1.0 - column_weight(c, u)).min(0.0))
            .sum::<f64>()
}

/// A cover guided by multipliers (Beasley 1990's Lagrangian heuristic): the implicants with the
/// lowest reduced cost `1 - u(p)` first while they cover new rows, then greedy, then redundant
/// implicants dropped.
fn lagrangian_cover(cols: &[Column], npos: usize, u: &[f64]) -> Option<Vec<usize>> {
    let mut order: Vec<(f64, usize)> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| (1.0 - column_weight(c, u), i))
        .filter(|(rc, _)| *rc <= 1e-9)
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut count = vec![0u32; npos];
    let mut chosen = Vec::new();
    for (_, i) in order {
        if cols[i].rows.iter().any(|&r| count[r as usize] == 0) {
            for &r in &cols[i].rows {
                count[r as usize] += 1;
            }
            chosen.push(i);
        }
    }
    while count.contains(&0) {
        let (best, gain) = cols
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    i,
                    c.rows.iter().filter(|&&r| count[r as usize] == 0).count(),
                )
            })
            .max_by_key(|&(i, g)| (g, std::cmp::Reverse(i)))?;
        if gain == 0 {
            return None;
        }
        for &r in &cols[best].rows {
            count[r as usize] += 1;
        }
        chosen.push(best);
    }
    // Drop implicants whose rows are all covered twice or more, last chosen first.
    let mut kept = Vec::new();
    for &i in chosen.iter().rev() {
        if cols[i].rows.iter().all(|&r| count[r as usize] > 1) {
            for &r in &cols[i].rows {
                count[r as usize] -= 1;
            }
        } else {
            kept.push(i);
        }
    }
    Some(kept)
}

/// Subgradient ascent on the Lagrangian dual of the restricted cover problem (Held, Wolfe &
/// Crowder 1974; the step rule of Beasley 1990). Returns the best multipliers found, and
/// improves `incumbent` with covers built from the multipliers along the way.
fn subgradient(
    cols: &[Column],
    npos: usize,
    start: Vec<f64>,
    incumbent: &mut Vec<usize>,
    guard: &Guard,
) -> Vec<f64> {
    let mut upper = incumbent.len() as f64;
    let mut u = start;
    let mut best_u = u.clone();
    let mut best = lagrangian(cols, &u);
    let mut lambda = 2.0;
    let mut stale = 0;
    for iteration in 0..400 {
        if guard.should_stop() || best >= upper - 1e-6 {
            break;
        }
        if iteration % 5 == 0 {
            if let Some(c) = lagrangian_cover(cols, npos, &u) {
                if c.len() < incumbent.len() {
                    upper = c.len() as f64;
                    *incumbent = c;
                }
            }
        }
        let mut g = vec![1.0f64; npos];
        let mut value = u.iter().sum::<f64>();
        for c in cols {
            let rc = 1.0 - column_weight(c, &u);
            if rc < 0.0 {
                value += rc;
                for &r in &c.rows {
                    g[r as usize] -= 1.0;
                }
            }
        }
        if value > best + 1e-9 {
            best = value;
            best_u.clone_from(&u);
            stale = 0;
        } else {
            stale += 1;
            if stale >= 20 {
                lambda /= 2.0;
                stale = 0;
                if lambda < 1e-3 {
                    break;
                }
            }
        }
        // Rows at zero with a negative subgradient would only go negative: leave them out.
        for (gi, &ui) in g.iter_mut().zip(&u) {
            if ui <= 0.0 && *gi < 0.0 {
                *gi = 0.0;
            }
        }
        let norm: f64 = g.iter().map(|x| x * x).sum();
        if norm == 0.0 {
            break;
        }
        let step = lambda * (upper - value).max(1e-3) / norm;
        for (ui, gi) in u.iter_mut().zip(&g) {
            *ui = (*ui + step * gi).max(0.0);
        }
    }
    best_u
}

/// The implicants a minimum cover can use, and what is proven about the minimum.
#[derive(Debug, Clone)]
pub struct Restricted {
    /// Every prime implicant that can appear in a cover of at most `upper` terms (all of them
    /// unless the search stopped early, in which case at least those of one cover of `upper`).
    pub implicants: Vec<Implicant>,
    /// No cover has fewer terms.
    pub lower_bound: usize,
    /// Terms of the best cover found while bounding.
    pub upper: usize,
    /// That cover (its implicants are all in `implicants`).
    pub best_cover: Vec<Implicant>,
    /// Why the search stopped early, if it did.
    pub stopped: Option<StopReason>,
}

/// Lists the prime implicants (positive rows `on`, negative rows `off`, conditions with `levels`
/// values) that a minimum cover can use, without listing the others; see the module notes.
pub fn restrict(on: &[Vec<u8>], off: &[Vec<u8>], levels: &[u8], budget: &Budget) -> Restricted {
    let space = Space::new(on, off, levels);
    let guard = Guard::new(budget);
    let npos = on.len();
    let debug = std::env::var_os("AMBIT_QCA_DEBUG").is_some();
    let t0 = Instant::now();
    let progress = |stage, implicants, lower: f64, best| {
        if debug {
            eprintln!(
                "[{:.2}s] {stage}: {implicants} implicants, L = {lower:.3}, U = {best:?}",
                t0.elapsed().as_secs_f64()
            );
        }
        budget.report(Progress {
            stage,
            implicants,
            lower_bound: lower_ceil(lower),
            best,
        })
    };
    // 1. One expanded implicant per positive row; a greedy cover.
    progress("expanding rows to implicants", 0, 0.0, None);
    // Short prime implicants first (few literals cover many rows: the likely model terms), up to
    // a few thousand, then one expanded implicant for each row they leave uncovered.
    let sets = crate::prime::DistinguishingSets::new(on, off, space.k);
    let mut cols: Vec<Column> = Vec::new();
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    let mut covered = vec![false; npos];
    for depth in 1..=space.k {
        if guard.should_stop() {
            break;
        }
        let found = sets.primes_parallel_limited(depth, INITIAL_PER_ROW);
        for p in found {
            if seen.insert(p.codes().to_vec()) {
                let rows = space
                    .positives(p.codes())
                    .iter()
                    .map(|i| i as u32)
                    .collect();
                cols.push(Column {
                    codes: p.codes().to_vec(),
                    rows,
                });
            }
        }
        for c in &cols {
            for &r in &c.rows {
                covered[r as usize] = true;
            }
        }
        if cols.len() > INITIAL_COLUMNS || (depth >= 2 && covered.iter().all(|&c| c)) {
            break;
        }
    }
    let open: Vec<usize> = (0..npos).filter(|&r| !covered[r]).collect();
    let expanded: Vec<Column> = open.par_iter().map(|&r| space.expand(&on[r])).collect();
    for c in expanded {
        if seen.insert(c.codes.clone()) {
            cols.push(c);
        }
    }
    let first = greedy(&cols, npos).unwrap_or_default();
    let mut upper = first.len();
    let mut best_cover: Vec<Vec<u8>> = first.iter().map(|&i| cols[i].codes.clone()).collect();
    // Start the multipliers at 1 / (largest coverage of a listed implicant through the row).
    let mut reach = vec![1usize; npos];
    for c in &cols {
        for &r in &c.rows {
            reach[r as usize] = reach[r as usize].max(c.rows.len());
        }
    }
    let mut u: Vec<f64> = reach.iter().map(|&c| 1.0 / c as f64).collect();
    let mut lower = 0.0f64;
    let mut lower_u = u.clone();
    // 2. Subgradient on the listed implicants, then price every implicant with u(p) > 1 so the
    // bound holds for all of them; repeat while pricing finds implicants not yet listed.
    for _round in 0..6 {
        progress("bounding", cols.len(), lower, Some(upper));
        let mut incumbent: Vec<usize> = best_cover
            .iter()
            .filter_map(|codes| cols.iter().position(|c| &c.codes == codes))
            .collect();
        u = subgradient(&cols, npos, u, &mut incumbent, &guard);
        if incumbent.len() < upper {
            upper = incumbent.len();
            best_cover = incumbent.iter().map(|&i| cols[i].codes.clone()).collect();
        }
        let priced = space.primes_above(&u, 1.0 + 1e-9, true, &guard);
        if guard.reason().is_some() {
            break;
        }
        let bound = u.iter().sum::<f64>()
            + priced
                .iter()
                .map(|c| 1.0 - column_weight(c, &u))
                .sum::<f64>();
        if bound > lower {
            lower = bound;
            lower_u.clone_from(&u);
        }
        let before = cols.len();
        for c in priced {
            if seen.insert(c.codes.clone()) {
                cols.push(c);
            }
        }
        if let Some(g) = greedy(&cols, npos) {
            if g.len() < upper {
                upper = g.len();
                best_cover = g.iter().map(|&i| cols[i].codes.clone()).collect();
            }
        }
        if cols.len() == before || lower_ceil(lower) >= upper {
            break;
        }
    }
    // 3. Every implicant a cover of at most `upper` terms can use: u(q) >= 1 - (upper - L).
    progress("listing usable implicants", cols.len(), lower, Some(upper));
    let theta = 1.0 - (upper as f64 - lower) - 1e-7;
    let listed = if guard.reason().is_none() {
        space.primes_above(&lower_u, theta, false, &guard)
    } else {
        Vec::new()
    };
    let stopped = guard.reason();
    let implicants: Vec<Implicant> = if stopped.is_none() {
        listed
            .into_iter()
            .map(|c| Implicant::from_codes(c.codes))
            .collect()
    } else {
        // Stopped: the listed implicants plus the best cover's (so a model is always returned).
        let mut set: HashSet<Vec<u8>> = cols.iter().map(|c| c.codes.clone()).collect();
        set.extend(best_cover.iter().cloned());
        set.into_iter().map(Implicant::from_codes).collect()
    };
    progress("solving the chart", implicants.len(), lower, Some(upper));
    Restricted {
        implicants,
        lower_bound: lower_ceil(lower),
        upper,
        best_cover: best_cover.into_iter().map(Implicant::from_codes).collect(),
        stopped,
    }
}

/// Short prime implicants listed before bounding (more would slow the subgradient steps).
const INITIAL_COLUMNS: usize = 20_000;
/// Short prime implicants kept per positive row while listing them.
const INITIAL_PER_ROW: usize = 64;

/// The integer bound implied by a fractional one (with a tolerance for rounding).
fn lower_ceil(x: f64) -> usize {
    (x - 1e-6).ceil().max(0.0) as usize
}
