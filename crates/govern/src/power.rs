//! Exact Banzhaf (Penrose) and Shapley-Shubik indices by dynamic programming over integer weights.
//!
//! Method (Brams & Affuso 1976 generating functions; Uno 2012 leave-one-out DP), carried in
//! probabilities instead of counts so that 1,500 members do not overflow (2^1500 coalitions):
//!
//! * **Banzhaf, weight-only rules**: `P[w]` = probability that a uniformly random coalition of the
//!   free members weighs `w` (each member joins with probability 1/2). Adding a member of weight
//!   `x` maps `P` to `(P + P shifted by x) / 2`; leaving it out is the exact inverse,
//!   `E[w] = 2 P[w] - E[w - x]`, whose rounding errors add up linearly (coefficient 1) and never
//!   grow geometrically. Cost `O((n + d) W)` for `d` distinct weights and total weight `W`.
//! * **Shapley-Shubik, and Banzhaf under a member criterion** (double majority): `D[k][w]` =
//!   probability that a uniformly random *k-member* coalition weighs `w`. Adding a member of
//!   weight `x` to `m` members: `D'[k][w] = D[k][w] (m+1-k)/(m+1) + D[k-1][w-x] k/(m+1)`.
//!   Only rows `k <= f/2` are stored: the others follow from the complement symmetry
//!   `D[k][w] = D[f-k][W-w]`, and the leave-one-out inverse is run upwards only where its
//!   coefficient `k/(f-k)` is below one, so it is stable. Cost `O((n + d) n W / 2)`.
//!   With these normalised rows the Shapley-Shubik index is an average over coalition sizes:
//!   `SS_i = (1/n) Σ_k P(a random k-coalition of the others is turned from losing to winning by i)`.
//!
//! Indices are exact for the integer game they are given, up to f64 rounding (relative error
//! around 1e-12 in our tests against exact rational peers). When `n²·W` exceeds the work budget
//! ([`PowerOptions::max_cells`]) the weights are first rounded to a coarser unit, and the result
//! says so ([`Scaling`]): every weight moves by at most half a unit, so a coalition of `k`
//! members moves by at most `k/2` units and only coalitions that close to a quota can change
//! side. Members with equal weights (one comune, one vote) are reduced to a pure count game and
//! never need rounding.

use crate::error::GovernError;
use crate::game::{Game, WeightQuota};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Which indices to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Indices {
    /// Banzhaf only (cheaper when the rule has no member criterion).
    Banzhaf,
    /// Banzhaf and Shapley-Shubik.
    Both,
}

/// Limits of the computation.
#[derive(Debug, Clone, Copy)]
pub struct PowerOptions {
    /// Largest number of DP cells (members × rows × weight units) before weights are rounded.
    pub max_cells: u64,
    /// Largest table (rows × weight units) held in memory at once, 8 bytes a cell; one table
    /// per worker thread is allocated besides the main one.
    pub max_table_cells: u64,
}

impl Default for PowerOptions {
    fn default() -> Self {
        PowerOptions {
            max_cells: 800_000_000,
            max_table_cells: 25_000_000,
        }
    }
}

/// How the weights were represented in the DP.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scaling {
    /// Size of one DP weight unit in the game's own units (1 = exact weights).
    pub unit: u64,
    /// Total weight in DP units.
    pub total_units: u64,
    /// Largest change of one member's weight caused by rounding, in the game's units.
    pub max_weight_error: f64,
}

impl Scaling {
    /// True when the weights were used as given.
    pub fn is_exact(&self) -> bool {
        self.unit == 1
    }
}

/// Voting power of every member of a game.
#[derive(Debug, Clone, Serialize)]
pub struct Power {
    /// Normalised Banzhaf index (sums to 1).
    pub banzhaf: Vec<f64>,
    /// Penrose measure: probability that the member is decisive (swing count / 2^(n-1)).
    pub banzhaf_raw: Vec<f64>,
    /// Shapley-Shubik index (sums to 1), when asked for.
    pub shapley_shubik: Option<Vec<f64>>,
    /// Coleman's power of the collectivity to act: share of all coalitions that win.
    pub p_win: f64,
    /// How the weights were represented.
    pub scaling: Scaling,
}

/// The game reduced to what the DP needs.
struct Prepared {
    weights: Vec<u64>,
    thr: Vec<Option<u64>>,
    is_veto: Vec<bool>,
}

/// Computes the power indices of `game`.
pub fn power(game: &Game, which: Indices, opts: &PowerOptions) -> Result<Power, GovernError> {
    let n = game.len();
    if n == 0 {
        return Err(GovernError::Invalid("the assembly has no members".into()));
    }
    if let Some(&v) = game.veto.iter().find(|&&v| v >= n) {
        return Err(GovernError::Invalid(format!(
            "veto member index {v} is out of range (assembly of {n})"
        )));
    }
    let (prep, scaling) = prepare(game, which, opts);
    let need_2d = which == Indices::Both || !count_free(&prep.thr);
    let (raw, ss, p_win) = if need_2d {
        let (raw, ss, p) = dp_2d(&prep);
        (raw, Some(ss), p)
    } else {
        let (raw, p) = dp_1d(&prep);
        (raw, None, p)
    };
    let banzhaf = normalise(&raw);
    Ok(Power {
        banzhaf,
        banzhaf_raw: raw,
        shapley_shubik: match which {
            Indices::Both => ss.map(|s| normalise(&s)),
            Indices::Banzhaf => None,
        },
        p_win,
        scaling,
    })
}

fn normalise(x: &[f64]) -> Vec<f64> {
    let s: f64 = x.iter().sum();
    if s > 0.0 {
        x.iter().map(|v| v / s).collect()
    } else {
        vec![0.0; x.len()]
    }
}

/// True when the threshold does not depend on coalition size (for sizes that can matter).
fn count_free(thr: &[Option<u64>]) -> bool {
    thr.iter().skip(1).all(|t| *t == thr[1]) && (thr[0] == thr[1] || thr[1] > Some(0))
}

/// Rounds weights to fit the work budget, and folds equal weights into a pure count game.
fn prepare(game: &Game, which: Indices, opts: &PowerOptions) -> (Prepared, Scaling) {
    let n = game.len();
    let mut is_veto = vec![false; n];
    for &v in &game.veto {
        is_veto[v] = true;
    }
    let thr = game.thresholds();
    let w0 = game.weights[0];
    if game.weights.iter().all(|&w| w == w0) {
        // One comune, one vote (or any equal weights): a coalition of k weighs k·w0, so the
        // game depends on k alone.
        let thr = thr
            .iter()
            .enumerate()
            .map(|(k, t)| t.and_then(|t| (k as u64 * w0 >= t).then_some(0)))
            .collect();
        let scaling = Scaling {
            unit: 1,
            total_units: game.total_weight(),
            max_weight_error: 0.0,
        };
        return (
            Prepared {
                weights: vec![0; n],
                thr,
                is_veto,
            },
            scaling,
        );
    }
    let total = game.total_weight();
    let f = is_veto.iter().filter(|v| !**v).count().max(1) as u64;
    let rows = if which == Indices::Both || !count_free(&thr) {
        f / 2 + 1
    } else {
        1
    };
    // Work of a DP in `units` weight units when the rounded weights take `distinct` values:
    // the forward pass over f members plus one leave-one-out pass per distinct weight.
    let cost = |units: u64, distinct: u64| (f + distinct) * rows * (units + 1);
    let distinct_at = |unit: u64| {
        game.weights
            .iter()
            .map(|w| (w + unit / 2) / unit)
            .collect::<std::collections::BTreeSet<_>>()
            .len() as u64
    };
    let fits = |unit: u64| {
        let units = total.div_ceil(unit);
        cost(units, distinct_at(unit)) <= opts.max_cells
            && rows * (units + 1) <= opts.max_table_cells
    };
    if fits(1) {
        let scaling = Scaling {
            unit: 1,
            total_units: total,
            max_weight_error: 0.0,
        };
        return (
            Prepared {
                weights: game.weights.clone(),
                thr,
                is_veto,
            },
            scaling,
        );
    }
    // Smallest unit that fits: start from the bound that assumes every weight distinct, then
    // shrink it while the (fewer) distinct rounded weights still fit.
    let pessimistic = (opts.max_cells / (2 * f * rows))
        .min(opts.max_table_cells / rows)
        .max(16);
    let mut unit = total.div_ceil(pessimistic).max(2);
    while unit > 1 {
        let smaller = unit * 4 / 5;
        if smaller < 1 || smaller == unit || !fits(smaller) {
            break;
        }
        unit = smaller;
    }
    let weights: Vec<u64> = game.weights.iter().map(|w| (w + unit / 2) / unit).collect();
    let mut rule = game.rule;
    if let WeightQuota::Absolute(q) = rule.weight {
        // Keep the quota's share of the total: rounding moves the total too.
        let rounded_total: u64 = weights.iter().sum();
        let q = (q as u128 * rounded_total as u128).div_ceil(total as u128) as u64;
        rule.weight = WeightQuota::Absolute(q);
    }
    let rounded = Game {
        weights,
        rule,
        veto: game.veto.clone(),
    };
    let thr = rounded.thresholds();
    let scaling = Scaling {
        unit,
        total_units: rounded.total_weight(),
        max_weight_error: unit as f64 / 2.0,
    };
    (
        Prepared {
            weights: rounded.weights,
            thr,
            is_veto,
        },
        scaling,
    )
}

/// `ln k!` for k = 0..=n.
fn ln_factorials(n: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(n + 1);
    let mut acc = 0.0f64;
    out.push(0.0);
    for k in 1..=n {
        acc += (k as f64).ln();
        out.push(acc);
    }
    out
}

/// Sum of `row[lo..hi]` with the bounds clamped to the row.
fn window_sum(row: &[f64], lo: i128, hi: i128) -> f64 {
    let len = row.len() as i128;
    let lo = lo.clamp(0, len) as usize;
    let hi = hi.clamp(0, len) as usize;
    if lo >= hi {
        return 0.0;
    }
    row[lo..hi].iter().sum::<f64>()
}

/// Members split into free ones (DP dimension) and veto ones (always present).
struct Split {
    free_weights: Vec<u64>,
    v: usize,
    wv: u64,
    wf_total: u64,
}

impl Split {
    /// The free members' weights, each once, in increasing order (members of equal weight have
    /// equal power, so their leave-one-out sums are computed once).
    fn distinct_free_weights(&self) -> Vec<u64> {
        let set: std::collections::BTreeSet<u64> = self.free_weights.iter().copied().collect();
        set.into_iter().collect()
    }
}

fn split(p: &Prepared) -> Split {
    let free_weights: Vec<u64> = p
        .weights
        .iter()
        .zip(&p.is_veto)
        .filter(|(_, v)| !**v)
        .map(|(w, _)| *w)
        .collect();
    let v = p.is_veto.iter().filter(|v| **v).count();
    let wv = p
        .weights
        .iter()
        .zip(&p.is_veto)
        .filter(|(_, v)| **v)
        .map(|(w, _)| *w)
        .sum();
    let wf_total = free_weights.iter().sum();
    Split {
        free_weights,
        v,
        wv,
        wf_total,
    }
}

/// Banzhaf for rules without a member criterion: one dimension (weight).
fn dp_1d(p: &Prepared) -> (Vec<f64>, f64) {
    let n = p.weights.len();
    let s = split(p);
    let q = p.thr[1].unwrap_or(u64::MAX) as i128;
    let wf = s.wf_total as usize;
    let mut dist = vec![0.0f64; wf + 1];
    let mut next = vec![0.0f64; wf + 1];
    dist[0] = 1.0;
    let mut cur = 0usize;
    for &x in &s.free_weights {
        let x = x as usize;
        if x == 0 {
            continue;
        }
        cur += x;
        // next = (dist + dist shifted by x) / 2, as two vectorisable zips.
        for (n_, d) in next[..x].iter_mut().zip(&dist[..x]) {
            *n_ = 0.5 * *d;
        }
        for ((n_, d), e) in next[x..=cur]
            .iter_mut()
            .zip(&dist[x..=cur])
            .zip(&dist[..=cur - x])
        {
            *n_ = 0.5 * (*d + *e);
        }
        std::mem::swap(&mut dist, &mut next);
    }
    let wv = s.wv as i128;
    let p_win = 0.5f64.powi(s.v as i32) * window_sum(&dist, q - wv, wf as i128 + 1);
    // Leave-one-out sums, once per distinct weight of a free member.
    let distinct = s.distinct_free_weights();
    let swing: BTreeMap<u64, f64> = distinct
        .par_iter()
        .map(|&x| {
            let hi = (q - wv).min(wf as i128 + 1 - x as i128);
            let lo = (q - wv - x as i128).max(0);
            if hi <= lo {
                return (x, 0.0);
            }
            let xs = x as usize;
            let hi_u = hi as usize;
            let mut e = vec![0.0f64; hi_u];
            if xs == 0 {
                e.copy_from_slice(&dist[..hi_u]);
            } else {
                // E[w] = 2 P[w] - E[w - x], a block of x values at a time.
                let first = xs.min(hi_u);
                for (v, p) in e[..first].iter_mut().zip(&dist[..first]) {
                    *v = 2.0 * *p;
                }
                let mut start = first;
                while start < hi_u {
                    let end = (start + xs).min(hi_u);
                    let (done, rest) = e.split_at_mut(start);
                    let back = &done[start - xs..end - xs];
                    for ((v, p), b) in rest[..end - start]
                        .iter_mut()
                        .zip(&dist[start..end])
                        .zip(back)
                    {
                        *v = 2.0 * *p - *b;
                    }
                    start = end;
                }
            }
            let sum: f64 = e[lo as usize..hi_u].iter().sum();
            (x, sum.max(0.0) * 0.5f64.powi(s.v as i32))
        })
        .collect();
    let veto_swing = if s.v > 0 {
        // A veto member is decisive whenever the other veto members and the free coalition
        // reach the quota with it.
        0.5f64.powi(s.v as i32 - 1) * window_sum(&dist, q - wv, wf as i128 + 1)
    } else {
        0.0
    };
    let raw = (0..n)
        .map(|i| {
            if p.is_veto[i] {
                veto_swing
            } else {
                swing[&p.weights[i]]
            }
        })
        .collect();
    (raw, p_win)
}

/// Row-normalised DP over (coalition size, weight) for the free members, rows `0..=f/2`.
struct SizeTable {
    width: usize,
    d: Vec<f64>,
}

impl SizeTable {
    fn row(&self, k: usize) -> &[f64] {
        &self.d[k * self.width..(k + 1) * self.width]
    }
}

fn build_size_table(free: &[u64], width: usize) -> SizeTable {
    let f = free.len();
    let rows = f / 2 + 1;
    let mut d = vec![0.0f64; rows * width];
    d[0] = 1.0;
    let mut cur = 0usize;
    for (m, &x) in free.iter().enumerate() {
        let x = x as usize;
        cur += x;
        let inv = 1.0 / (m + 1) as f64;
        let top = (m + 1).min(rows - 1);
        for k in (1..=top).rev() {
            let a = (m + 1 - k) as f64 * inv;
            let b = k as f64 * inv;
            let (lower, upper) = d.split_at_mut(k * width);
            let prev = &lower[(k - 1) * width..k * width];
            let row = &mut upper[..width];
            let end = cur.min(width - 1);
            // Rows k and k-1 are distinct slices, so both loops are plain zips that vectorise.
            if x <= end {
                for (r, p) in row[x..=end].iter_mut().zip(&prev[..=end - x]) {
                    *r = a * *r + b * *p;
                }
            }
            for r in row.iter_mut().take(x.min(end + 1)) {
                *r *= a;
            }
        }
    }
    SizeTable { width, d }
}

/// Probability mass of `[lo, hi)` in row `k` of a pool of `g` members with total weight `wg`,
/// where only rows `0..=g/2` are stored (`rows`); larger rows come from the complement.
fn pool_window(t: &SizeTable, g: usize, wg: usize, k: usize, lo: i128, hi: i128) -> f64 {
    if k <= g / 2 {
        window_sum(&t.row(k)[..=wg], lo, hi)
    } else {
        let wg = wg as i128;
        window_sum(&t.row(g - k)[..=wg as usize], wg - hi + 1, wg - lo + 1)
    }
}

/// Banzhaf and Shapley-Shubik with the coalition-size dimension.
fn dp_2d(p: &Prepared) -> (Vec<f64>, Vec<f64>, f64) {
    let n = p.weights.len();
    let s = split(p);
    let f = s.free_weights.len();
    let wf = s.wf_total as usize;
    let width = wf + 1;
    let table = build_size_table(&s.free_weights, width);
    let lnf = ln_factorials(n);
    let ln2 = std::f64::consts::LN_2;
    let ln_binom = |a: usize, b: usize| lnf[a] - lnf[b] - lnf[a - b];
    let wv = s.wv as i128;
    let thr = |k: usize| p.thr.get(k).copied().flatten().map(|t| t as i128);

    // Coleman's power to act: P(all veto members in) × P(free part wins).
    let mut p_win = 0.0;
    for t in 0..=f {
        if let Some(q) = thr(s.v + t) {
            let mass = pool_window(&table, f, wf, t, q - wv, wf as i128 + 1);
            p_win += (ln_binom(f, t) - n as f64 * ln2).exp() * mass;
        }
    }

    // Swing sums for a member outside the pool (veto) or left out of it (free).
    let accumulate = |pool: &SizeTable, g: usize, wg: usize, fixed: usize, x: i128, veto: bool| {
        let mut bz = 0.0f64;
        let mut ss = 0.0f64;
        for t in 0..=g {
            let size = fixed + t; // members of S, the coalition that i joins
            let Some(t_with) = thr(size + 1) else {
                continue;
            };
            let lo = t_with - wv - if veto { 0 } else { x };
            let hi = if veto {
                wg as i128 + 1
            } else {
                match thr(size) {
                    Some(t0) => t0 - wv,
                    None => wg as i128 + 1,
                }
            };
            if lo >= hi {
                continue;
            }
            let mass = pool_window(pool, g, wg, t, lo, hi).max(0.0);
            if mass == 0.0 {
                continue;
            }
            let lb = ln_binom(g, t);
            bz += (lb - (n - 1) as f64 * ln2).exp() * mass;
            ss += (lnf[size] + lnf[n - 1 - size] - lnf[n] + lb).exp() * mass;
        }
        (bz, ss)
    };

    let distinct = s.distinct_free_weights();
    let free_results: BTreeMap<u64, (f64, f64)> = distinct
        .par_iter()
        .map(|&x| {
            let g = f - 1;
            let wg = wf - x as usize;
            let pool = leave_one_out(&table, f, x as usize, wg);
            (x, accumulate(&pool, g, wg, s.v, x as i128, false))
        })
        .collect();
    let veto_result = if s.v > 0 {
        accumulate(&table, f, wf, s.v - 1, 0, true)
    } else {
        (0.0, 0.0)
    };
    let mut bz = Vec::with_capacity(n);
    let mut ss = Vec::with_capacity(n);
    for i in 0..n {
        let (b, s_) = if p.is_veto[i] {
            veto_result
        } else {
            free_results[&p.weights[i]]
        };
        bz.push(b);
        ss.push(s_);
    }
    (bz, ss, p_win)
}

/// Rows `0..=(f-1)/2` of the size table of the pool without one member of weight `x`.
fn leave_one_out(t: &SizeTable, f: usize, x: usize, wg: usize) -> SizeTable {
    let g = f - 1;
    let rows = g / 2 + 1;
    let width = wg + 1;
    let mut e = vec![0.0f64; rows * width];
    e[0] = 1.0;
    for k in 1..rows {
        let c1 = k as f64 / f as f64;
        let c2 = f as f64 / (f - k) as f64;
        let (lower, upper) = e.split_at_mut(k * width);
        let prev = &lower[(k - 1) * width..k * width];
        let row = &mut upper[..width];
        let src = &t.row(k)[..width];
        let split = x.min(width);
        for (r, s_) in row[..split].iter_mut().zip(&src[..split]) {
            *r = *s_ * c2;
        }
        for ((r, s_), p) in row[split..].iter_mut().zip(&src[split..]).zip(prev) {
            *r = (*s_ - *p * c1) * c2;
        }
    }
    SizeTable { width, d: e }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::WinningRule;

    fn abs(w: &[u64], q: u64) -> Game {
        Game::new(w.to_vec(), WinningRule::weighted(WeightQuota::Absolute(q)))
    }

    #[test]
    fn straffin_banzhaf() {
        // Straffin, Game Theory and Strategy: [6; 4, 3, 2, 1] -> Banzhaf 5/12, 3/12, 3/12, 1/12.
        let p = power(
            &abs(&[4, 3, 2, 1], 6),
            Indices::Both,
            &PowerOptions::default(),
        )
        .unwrap();
        let want = [5.0 / 12.0, 0.25, 0.25, 1.0 / 12.0];
        for (a, b) in p.banzhaf.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
        assert!(p.scaling.is_exact());
    }

    #[test]
    fn one_and_two_dimensions_agree() {
        let g = abs(&[7, 5, 4, 3, 2, 2, 1], 13);
        let a = power(&g, Indices::Banzhaf, &PowerOptions::default()).unwrap();
        let b = power(&g, Indices::Both, &PowerOptions::default()).unwrap();
        for (x, y) in a.banzhaf_raw.iter().zip(&b.banzhaf_raw) {
            assert!((x - y).abs() < 1e-12);
        }
        assert!((a.p_win - b.p_win).abs() < 1e-12);
    }
}
