//! Improvement: large-neighbourhood search that dissolves a few adjacent regions and regrows them
//! (more regions, or the same number with a better objective), and a local search that moves
//! single boundary units between regions while every region stays contiguous and compliant.

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::construct::{construct, Goal, Growth, Scratch, SeedOrder, Strategy};
use crate::heterogeneity::district_heterogeneity;
use crate::problem::Tiebreak;
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

/// The strategies that take seeds from the periphery (fewest free neighbours first).
const PERIPHERY: [Strategy; 3] = [STRATEGIES[0], STRATEGIES[1], STRATEGIES[3]];

/// Which construction strategies a regrowth draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RegrowMix {
    /// All six, evenly: the most varied search, for instances where every start is improved.
    All,
    /// The three that seed from the periphery. On the 100,489-unit lattice they made 57 of
    /// the 75 regrowths that added a district, in half the draws; drawing only them gave
    /// p = 8,168 instead of 8,153 at the same effort and lower heterogeneity (seed 1, one
    /// start), and on lattice900/2500/10000 a p at least as high on both seeds tried. Used
    /// where only the best constructions are improved (by default, see
    /// `crate::improved_starts`): with all eight starts improved tokyo262 lost a district
    /// without the variety, with the best two improved at twice the effort it did not.
    Periphery,
}

/// Share of the regrowths that cannot add a region (the cluster's population is below the
/// least threshold times one more than its regions) that are skipped, still counting towards
/// the effort. Skipping 30% cut the search's CPU by about a fifth on lattice900, it_lombardia,
/// lattice2500 and it_nordovest, with as many districts (seeds 1-3: medians 75, 92, 215, 143
/// against 74, 92, 216, 144) and a heterogeneity within 3% (`bench/maxp/SPEED.md`).
const SKIP_OBJECTIVE_ONLY: f64 = 0.3;

/// The `i`-th construction strategy (cycling).
pub(crate) fn strategy(i: usize) -> Strategy {
    STRATEGIES[i % STRATEGIES.len()]
}

/// Regrows random clusters of adjacent regions `iters` times; keeps a regrowth when it yields
/// more regions, or as many with a lower objective.
#[allow(clippy::too_many_arguments)]
pub(crate) fn regrow_neighbourhoods(
    ctx: &Ctx,
    st: &mut State,
    units: &[u32],
    iters: usize,
    rng: &mut ChaCha8Rng,
    sc: &mut Scratch,
    stop: &Stopper,
    mix: RegrowMix,
) {
    if units.is_empty() {
        return;
    }
    let mut saved: Vec<(u32, u32)> = Vec::new();
    let mut regs: Vec<u32> = Vec::new();
    let mut scope: Vec<u32> = Vec::new();
    let mut obj_buf = Vec::new();
    let mut neigh: Vec<u32> = Vec::new();
    // stop early once a long run of regrowths changed nothing (the search has converged)
    let patience = (4 * st.live).max(400);
    let mut last_change = 0usize;
    // a regrowth is abandoned once it cannot rebuild as many regions (see `Goal`)
    let least_population = ctx
        .rule
        .class_floors()
        .and_then(|f| f.iter().map(|c| c.threshold).reduce(f64::min))
        .filter(|t| *t > 0.0);
    let members_only = ctx.cut_weight == 0.0 && ctx.tiebreak == Tiebreak::Heterogeneity;
    let mut group: Vec<u32> = Vec::new();
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
        neigh.clear();
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
        // a cluster too small to hold one more region can only lower the objective: part of
        // these regrowths are skipped, the effort going to those that can add a region
        if let Some(least) = least_population {
            let population: f64 = regs
                .iter()
                .map(|&q| ctx.rule.population(st.region_totals(q)))
                .sum();
            if population + 1e-9 < (old_count + 1) as f64 * least
                && rng.gen::<f64>() < SKIP_OBJECTIVE_ONLY
            {
                continue;
            }
        }
        // the old objective is needed only when the regrowth rebuilds as many regions; when it
        // depends on the members alone it is computed then, from the saved members
        let mut old_obj: f64 = if members_only {
            f64::NAN
        } else {
            regs.iter()
                .map(|&q| ctx.region_objective(&st.label, q, &st.members[q as usize], &mut obj_buf))
                .sum()
        };
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
        let strat = match mix {
            RegrowMix::All => strategy(rng.gen_range(0..STRATEGIES.len())),
            RegrowMix::Periphery => PERIPHERY[rng.gen_range(0..PERIPHERY.len())],
        };
        let goal = least_population.map(|least_population| Goal {
            regions: old_count,
            least_population,
        });
        let built = construct(ctx, st, &scope, rng, strat, sc, goal);
        let valid = !built.abandoned
            && built.unassigned.is_empty()
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
                if members_only {
                    old_obj = saved_heterogeneity(ctx, &saved, &mut group, &mut obj_buf);
                }
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

/// Heterogeneity of the regions saved before a regrowth (`(unit, region)` pairs, each region's
/// units together), equal to their summed `Ctx::region_objective` without cut-edge costs.
fn saved_heterogeneity(
    ctx: &Ctx,
    saved: &[(u32, u32)],
    group: &mut Vec<u32>,
    buf: &mut Vec<f64>,
) -> f64 {
    let mut total = 0.0;
    for run in saved.chunk_by(|a, b| a.1 == b.1) {
        group.clear();
        group.extend(run.iter().map(|&(x, _)| x));
        total += district_heterogeneity(&ctx.pb.attrs, ctx.pb.m, group, buf);
    }
    total
}

/// Moves single boundary units to a neighbouring region while it lowers the objective and keeps
/// both regions contiguous, compliant and within every constraint; at most `sweeps` passes.
///
/// Whether a unit may move, and what the move is worth, depends only on the members of its own
/// region and of the region it would join: after the first pass only the units next to a region
/// that changed in the previous pass (or since) are looked at again, which gives the same
/// moves as looking at every unit each pass, at a fraction of the work once few units move.
pub(crate) fn move_units(
    ctx: &Ctx,
    st: &mut State,
    units: &[u32],
    sweeps: usize,
    rng: &mut ChaCha8Rng,
    sc: &mut Scratch,
    stop: &Stopper,
) {
    let mut order: Vec<u32> = Vec::with_capacity(units.len());
    let mut buf = Vec::new();
    // pass (1-based) in which each region last gained or lost a unit; 0: never
    let mut changed: Vec<u32> = vec![0; st.members.len()];
    let mut seen: Vec<u32> = Vec::new();
    for sweep in 1..=sweeps as u32 {
        if stop.should_stop() {
            return;
        }
        // a unit is worth a look when it lies on a region's border and, after the first pass,
        // when its region or a neighbouring region changed since the previous pass began
        let recent = |q: u32| sweep == 1 || changed[q as usize] + 1 >= sweep;
        order.clear();
        order.extend(units.iter().copied().filter(|&u| {
            let r = st.label[u as usize];
            if !is_region(r) {
                return false;
            }
            let mut border = false;
            let mut fresh = recent(r);
            for &v in ctx.g.neighbors(u as usize) {
                let s = st.label[v as usize];
                if s != r && is_region(s) {
                    border = true;
                    fresh |= recent(s);
                }
            }
            border && fresh
        }));
        order.shuffle(rng);
        let mut moved = 0usize;
        for &u in &order {
            let u = u as usize;
            let r = st.label[u];
            if !is_region(r) || st.size(r) == 1 || ctx.pb.is_linked(u) {
                continue;
            }
            let mut best: Option<(f64, u32)> = None;
            let mut here: Option<f64> = None;
            seen.clear();
            for &v in ctx.g.neighbors(u) {
                let s = st.label[v as usize];
                if !is_region(s) || s == r || seen.contains(&s) {
                    continue;
                }
                seen.push(s);
                let stay = *here.get_or_insert_with(|| ctx.attachment(st, u, r));
                let d = ctx.attachment(st, u, s) - stay;
                if d < -1e-9 && best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, s));
                }
            }
            let Some((_, s)) = best else { continue };
            if !move_is_feasible(ctx, st, u, r, s, &mut buf, sc) {
                continue;
            }
            st.shift(ctx.pb, u, s);
            for q in [r, s] {
                if changed.len() <= q as usize {
                    changed.resize(q as usize + 1, 0);
                }
                changed[q as usize] = sweep;
            }
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
