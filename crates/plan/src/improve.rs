//! Improvement: large-neighbourhood search that dissolves a few adjacent regions and regrows them
//! (more regions, or the same number with a better objective), and a local search that moves
//! single boundary units between regions while every region stays contiguous and compliant.

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::construct::{construct, Growth, Scratch, SeedOrder, Strategy};
use crate::state::{is_region, Ctx, State, FREE};
use crate::Stopper;

const STRATEGIES: [Strategy; 6] = [
    Strategy {
        seeds: SeedOrder::Periphery,
        growth: Growth::Fill,
    },
    Strategy {
        seeds: SeedOrder::Periphery,
        growth: Growth::Compact,
    },
    Strategy {
        seeds: SeedOrder::Random,
        growth: Growth::Fill,
    },
    Strategy {
        seeds: SeedOrder::Periphery,
        growth: Growth::Similar,
    },
    Strategy {
        seeds: SeedOrder::Random,
        growth: Growth::Compact,
    },
    Strategy {
        seeds: SeedOrder::Random,
        growth: Growth::Random,
    },
];

/// The `i`-th construction strategy (cycling).
pub(crate) fn strategy(i: usize) -> Strategy {
    STRATEGIES[i % STRATEGIES.len()]
}

/// Regrows random clusters of adjacent regions `iters` times; keeps a regrowth when it yields
/// more regions, or as many with a lower objective.
pub(crate) fn regrow_neighbourhoods(
    ctx: &Ctx,
    st: &mut State,
    units: &[u32],
    iters: usize,
    rng: &mut ChaCha8Rng,
    sc: &mut Scratch,
    stop: &Stopper,
) {
    if units.is_empty() {
        return;
    }
    let mut saved: Vec<(u32, u32)> = Vec::new();
    let mut regs: Vec<u32> = Vec::new();
    let mut scope: Vec<u32> = Vec::new();
    let mut obj_buf = Vec::new();
    // stop early once a long run of regrowths changed nothing (the search has converged)
    let patience = (4 * st.live).max(400);
    let mut last_change = 0usize;
    for it in 0..iters {
        if it % 256 == 0 && stop.should_stop() {
            return;
        }
        if it - last_change > patience {
            return;
        }
        let u = units[rng.gen_range(0..units.len())] as usize;
        let r = st.label[u];
        if !is_region(r) {
            continue;
        }
        let want = rng.gen_range(2..=4usize);
        regs.clear();
        regs.push(r);
        let mut neigh: Vec<u32> = Vec::new();
        for &x in &st.members[r as usize] {
            for &v in ctx.g.neighbors(x as usize) {
                let s = st.label[v as usize];
                if is_region(s) && s != r && !neigh.contains(&s) {
                    neigh.push(s);
                }
            }
        }
        if neigh.is_empty() {
            continue;
        }
        neigh.shuffle(rng);
        regs.extend(neigh.iter().take(want - 1));
        let old_count = regs.len();
        let old_obj: f64 = regs
            .iter()
            .map(|&q| ctx.region_objective(&st.label, q, &st.members[q as usize], &mut obj_buf))
            .sum();
        saved.clear();
        scope.clear();
        for &q in &regs {
            for &x in &st.members[q as usize] {
                saved.push((x, q));
                scope.push(x);
            }
        }
        for &x in &scope {
            st.remove(ctx.pb, x as usize, FREE);
        }
        for &q in &regs {
            st.drop_region(q);
        }
        let strat = strategy(rng.gen_range(0..STRATEGIES.len()));
        let built = construct(ctx, st, &scope, rng, strat, sc);
        let valid = built.unassigned.is_empty()
            && built
                .regions
                .iter()
                .all(|&q| ctx.acceptable(st.region_totals(q)));
        let mut accept = false;
        if valid {
            let new_count = built.regions.len();
            if new_count > old_count {
                accept = true;
            } else if new_count == old_count {
                let new_obj: f64 = built
                    .regions
                    .iter()
                    .map(|&q| {
                        ctx.region_objective(&st.label, q, &st.members[q as usize], &mut obj_buf)
                    })
                    .sum();
                accept = new_obj < old_obj - 1e-9;
            }
        }
        if accept {
            last_change = it;
        } else {
            for &x in &scope {
                if is_region(st.label[x as usize]) {
                    st.remove(ctx.pb, x as usize, FREE);
                } else {
                    st.label[x as usize] = FREE;
                }
            }
            for &q in &built.regions {
                st.drop_region(q);
            }
            // restore the old regions under fresh ids
            let mut i = 0;
            while i < saved.len() {
                let q_old = saved[i].1;
                let q = st.new_region();
                while i < saved.len() && saved[i].1 == q_old {
                    st.add(ctx.pb, saved[i].0 as usize, q);
                    i += 1;
                }
            }
        }
    }
}

/// Moves single boundary units to a neighbouring region while it lowers the objective and keeps
/// both regions contiguous, compliant and within every constraint; at most `sweeps` passes.
pub(crate) fn move_units(
    ctx: &Ctx,
    st: &mut State,
    units: &[u32],
    sweeps: usize,
    rng: &mut ChaCha8Rng,
    sc: &mut Scratch,
    stop: &Stopper,
) {
    let mut order = units.to_vec();
    let mut buf = Vec::new();
    for _ in 0..sweeps {
        if stop.should_stop() {
            return;
        }
        order.shuffle(rng);
        let mut moved = 0usize;
        for &u in &order {
            let u = u as usize;
            let r = st.label[u];
            if !is_region(r) || st.size(r) == 1 || ctx.pb.is_linked(u) {
                continue;
            }
            let mut best: Option<(f64, u32)> = None;
            for &v in ctx.g.neighbors(u) {
                let s = st.label[v as usize];
                if !is_region(s) || s == r || best.is_some_and(|(_, b)| b == s) {
                    continue;
                }
                let d = ctx.move_delta(st, u, r, s);
                if d < -1e-9 && best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, s));
                }
            }
            let Some((_, s)) = best else { continue };
            if !move_is_feasible(ctx, st, u, r, s, &mut buf, sc) {
                continue;
            }
            st.shift(ctx.pb, u, s);
            moved += 1;
        }
        if moved == 0 {
            break;
        }
    }
}

/// Whether unit `u` may leave region `r` for region `s`.
pub(crate) fn move_is_feasible(
    ctx: &Ctx,
    st: &State,
    u: usize,
    r: u32,
    s: u32,
    buf: &mut Vec<f64>,
    sc: &mut Scratch,
) -> bool {
    let one = [u as u32];
    if ctx.pb.conflicts_with(&one, &st.label, s) {
        return false;
    }
    st.totals_with(ctx.pb, s, &one, 1.0, buf);
    if !ctx.acceptable(buf) {
        return false;
    }
    st.totals_with(ctx.pb, r, &one, -1.0, buf);
    if !ctx.acceptable(buf) {
        return false;
    }
    st.connected_without(ctx.g, &mut sc.marks, r, u)
}
