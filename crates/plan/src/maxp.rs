//! The `max-districts` objective: as many compliant contiguous districts as possible (max-p,
//! Duque, Anselin & Rey 2012), ties broken by heterogeneity or compactness.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::construct::{attach_enclaves, construct, Scratch};
use crate::graph::Adjacency;
use crate::improve::{move_units, regrow_neighbourhoods, strategy, RegrowMix};
use crate::plan::{finish_plan, InfeasibleGroup, InfeasibleReason, Plan};
use crate::problem::{Nesting, Problem, Tiebreak};
use crate::rule::DistrictRule;
use crate::state::{is_region, Ctx, State, FREE, OUT};
use crate::{Control, PlanError, Stopper};

/// Search settings of [`max_districts`].
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Seed of the random generator; runs with equal seeds and no time limit are identical.
    pub seed: u64,
    /// Number of independent starts (construction + improvement), run in parallel.
    pub starts: usize,
    /// Neighbourhood regrowths per region and improved start; when fewer starts are improved
    /// than constructed, each improved start makes up to twice as many (the effort of the
    /// starts left unimproved, see [`effort_factor`]).
    pub regrowths_per_region: f64,
    /// At most this many neighbourhood regrowths per start (`None`: no cap), whatever
    /// `regrowths_per_region` asks; the default [`MAX_REGROWTHS_PER_START`] binds only on very
    /// large instances (about 20,000 districts and more).
    pub max_regrowths: Option<usize>,
    /// Passes of single-unit moves per start.
    pub move_sweeps: usize,
    /// Wall-clock budget; when it runs out the best plan so far is returned.
    pub time_budget: Option<Duration>,
    /// What breaks ties between plans with as many districts.
    pub tiebreak: Tiebreak,
    /// Weight of the cut edges (contiguity links between different districts) added to the
    /// tie-break objective: each cut edge costs this much, in the tie-break's own units (for
    /// heterogeneity: pairwise L1 distance of z-scores). 0 leaves the tie-break alone.
    pub compactness_weight: f64,
    /// How many of the starts' constructions are improved (the best ones); `None`: all of them
    /// on small instances, else the best quarter, at least [`FOCUSED_STARTS`]
    /// ([`improved_starts`]).
    pub improved_starts: Option<usize>,
    /// After the search, solve exactly from its plan ([`crate::exact_max_districts`]) with these
    /// settings; used by the planning jobs of [`crate::input`].
    pub exact: Option<crate::ExactOptions>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        Self {
            seed: 1,
            starts: 8,
            regrowths_per_region: 30.0,
            max_regrowths: Some(MAX_REGROWTHS_PER_START),
            move_sweeps: 20,
            time_budget: None,
            tiebreak: Tiebreak::Heterogeneity,
            compactness_weight: 0.0,
            improved_starts: None,
            exact: None,
        }
    }
}

/// Edges a district may contain: both ends unlocked and, under nesting, in the same area.
pub(crate) fn search_graph(pb: &Problem, nested: bool) -> Adjacency {
    pb.graph.filtered(|u, v| {
        pb.locked[u].is_none() && pb.locked[v].is_none() && (!nested || pb.same_area(u, v))
    })
}

/// The search's view of `pb` over graph `g` with the objective of `opts`.
fn search_ctx<'a>(
    pb: &'a Problem,
    rule: &'a dyn DistrictRule,
    g: &'a Adjacency,
    opts: &SearchOptions,
) -> Ctx<'a> {
    Ctx {
        pb,
        rule,
        g,
        tiebreak: opts.tiebreak,
        cut_weight: cut_weight(opts),
    }
}

/// The weight of a cut edge in the objective (a negative or non-finite weight counts as 0).
fn cut_weight(opts: &SearchOptions) -> f64 {
    if opts.compactness_weight.is_finite() && opts.compactness_weight > 0.0 {
        opts.compactness_weight
    } else {
        0.0
    }
}

/// Initial labels: locked units are outside the search, the others free.
pub(crate) fn initial_labels(pb: &Problem) -> Vec<u32> {
    pb.locked
        .iter()
        .map(|l| if l.is_some() { OUT } else { FREE })
        .collect()
}

/// The default cap on regrowths per start ([`SearchOptions::max_regrowths`]): 30 per district
/// up to 20,000 districts (60, the focused starts' default, up to 10,000). On the
/// 1,000,000-unit lattice (78,000 districts, 2.3 million
/// regrowths per start uncapped) it cut the search from 263 to 85 CPU seconds for 0.32% fewer
/// districts (`bench/maxp/SPEED.md`).
pub const MAX_REGROWTHS_PER_START: usize = 600_000;

/// How many of the starts' constructions are improved by default above [`IMPROVE_ALL_UP_TO`]
/// units times starts: the best quarter ([`FOCUSED_SHARE`]), at least two, so the best two of
/// the default eight, and more starts still mean more search. Constructions are cheap (about 1% of the search's CPU on
/// it_lombardia); the regrowths that improve them are not, and the best constructions are the
/// ones worth improving: on lattice900, it_lombardia, lattice2500 and it_nordovest, improving
/// the best two at twice the effort gave at least as many districts (medians of seeds 1-3) as
/// improving all eight, at half the regrowths, and on it_italia and lattice10000 5-10
/// districts more (`bench/maxp/SPEED.md`). Before, all starts were improved up to 200,000
/// units times starts, the best `max(2, 200,000 / n)` above.
pub const FOCUSED_STARTS: usize = 2;

/// One in this many constructions is improved above [`IMPROVE_ALL_UP_TO`] (at least
/// [`FOCUSED_STARTS`]).
pub const FOCUSED_SHARE: usize = 4;

/// Units times starts up to which every start is improved: on small instances the whole
/// search takes hundredths of a second and the variety of eight improved starts pays
/// (tokyo262, 262 units: the best two at twice the effort gave 68, 69, 68 districts on seeds
/// 1-3 against 68, 70, 69).
pub const IMPROVE_ALL_UP_TO: usize = 4_000;

/// How many of `starts` constructions over `n` units are improved by default: all of them up
/// to [`IMPROVE_ALL_UP_TO`] units times starts, else the best `starts / FOCUSED_SHARE`, at
/// least [`FOCUSED_STARTS`]. Never depends on the machine, so a seed still fixes the plan.
pub fn improved_starts(starts: usize, n: usize) -> usize {
    if n.saturating_mul(starts) <= IMPROVE_ALL_UP_TO {
        starts.max(1)
    } else {
        (starts / FOCUSED_SHARE)
            .max(FOCUSED_STARTS)
            .min(starts)
            .max(1)
    }
}

/// Factor on the regrowths per region of each improved start, for `improve` improved starts of
/// `starts`: `min(2, starts / improve)`, the effort of the starts left unimproved going, in
/// part, to those improved (8 starts, 2 improved: twice the effort each, half the regrowths of
/// improving all eight). Beyond [`MAX_REGROWTHS_PER_START`] it changes nothing.
pub fn effort_factor(starts: usize, improve: usize) -> f64 {
    if improve == 0 {
        return 1.0;
    }
    (starts as f64 / improve as f64).clamp(1.0, 2.0)
}

/// A start after construction (and repair): its state, random stream and the units no region
/// could take.
struct Started {
    i: usize,
    st: State,
    rng: ChaCha8Rng,
    unassigned: Vec<u32>,
    p: usize,
    obj: f64,
}

/// Compliant regions and objective of a state.
fn score(ctx: &Ctx, st: &State) -> (usize, f64) {
    let p = st
        .regions()
        .filter(|&r| ctx.rule.is_compliant(st.region_totals(r)))
        .count();
    let mut buf = Vec::new();
    let obj: f64 = st
        .regions()
        .map(|r| ctx.region_objective(&st.label, r, &st.members[r as usize], &mut buf))
        .sum();
    (p, obj)
}

/// Construction phase of start `i`.
fn construct_start(ctx: &Ctx, units: &[u32], opts: &SearchOptions, i: usize) -> Started {
    let pb = ctx.pb;
    let mut rng =
        ChaCha8Rng::seed_from_u64(opts.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i as u64);
    let mut st = State::new(initial_labels(pb), pb.k);
    let mut sc = Scratch::new(pb.len());
    let built = construct(ctx, &mut st, units, &mut rng, strategy(i), &mut sc, None);
    let mut unassigned = built.unassigned;
    for &u in &unassigned {
        st.label[u as usize] = OUT;
    }
    unassigned.extend(repair(ctx, &mut st));
    unassigned.sort_unstable();
    let (p, obj) = score(ctx, &st);
    Started {
        i,
        st,
        rng,
        unassigned,
        p,
        obj,
    }
}

/// Improvement phase: neighbourhood regrowth, then unit moves.
fn improve_start(
    ctx: &Ctx,
    units: &[u32],
    opts: &SearchOptions,
    mut s: Started,
    stop: &Stopper,
    mix: RegrowMix,
    effort: f64,
) -> Started {
    let st = &mut s.st;
    let mut sc = Scratch::new(ctx.pb.len());
    let live_units: Vec<u32> = units
        .iter()
        .copied()
        .filter(|&u| is_region(st.label[u as usize]))
        .collect();
    let iters = ((effort * st.live as f64) as usize).min(opts.max_regrowths.unwrap_or(usize::MAX));
    regrow_neighbourhoods(ctx, st, &live_units, iters, &mut s.rng, &mut sc, stop, mix);
    move_units(
        ctx,
        st,
        &live_units,
        opts.move_sweeps,
        &mut s.rng,
        &mut sc,
        stop,
    );
    (s.p, s.obj) = score(ctx, st);
    s
}

/// Improves `plan` (from the exact solver) with the improvement phase of one start: the same
/// objective and effort as `opts`, never fewer compliant districts. Its infeasible groups and
/// locked districts stay as they are.
#[cfg(feature = "exact")]
pub(crate) fn polish(
    pb: &Problem,
    rule: &dyn DistrictRule,
    opts: &SearchOptions,
    plan: Plan,
) -> Plan {
    let nested = pb.nesting != Nesting::Ignore && pb.area.is_some();
    let g = search_graph(pb, nested);
    let ctx = search_ctx(pb, rule, &g, opts);
    let mut st = State::new(initial_labels(pb), pb.k);
    let mut outside = vec![false; pb.len()];
    for grp in &plan.infeasible {
        for &u in &grp.units {
            outside[u as usize] = true;
        }
    }
    let mut region = vec![u32::MAX; plan.districts.len()];
    let mut units = Vec::new();
    for (u, &out) in outside.iter().enumerate() {
        if pb.locked[u].is_some() {
            continue;
        }
        units.push(u as u32);
        if out {
            st.label[u] = OUT;
            continue;
        }
        let d = plan.district_of[u] as usize;
        if region[d] == u32::MAX {
            region[d] = st.new_region();
        }
        st.add(pb, u, region[d]);
    }
    let (p, obj) = score(&ctx, &st);
    let start = Started {
        i: 0,
        st,
        rng: ChaCha8Rng::seed_from_u64(opts.seed),
        unassigned: Vec::new(),
        p,
        obj,
    };
    let stop = Stopper::new(opts.time_budget, None);
    let done = improve_start(
        &ctx,
        &units,
        opts,
        start,
        &stop,
        RegrowMix::All,
        opts.regrowths_per_region,
    );
    if done.p < p {
        return plan;
    }
    finish_plan(
        pb,
        rule,
        &done.st,
        plan.infeasible,
        plan.notes,
        plan.starts_done,
        plan.interrupted,
    )
}

/// Best first: more compliant regions, then lower objective, then lower start index.
fn better(a: &Started, b: &Started) -> std::cmp::Ordering {
    b.p.cmp(&a.p)
        .then(a.obj.total_cmp(&b.obj))
        .then(a.i.cmp(&b.i))
}

/// Merges every non-compliant region into a neighbouring region (class-dependent thresholds
/// can make a region fail after enclaves join it). A merge that makes the union acceptable is
/// preferred; when none exists the region merges with the neighbour that leaves it closest to
/// its threshold, and the search goes on. Returns the units of regions that stay non-compliant
/// with no neighbour left (they are taken out of the regions).
pub(crate) fn repair(ctx: &Ctx, st: &mut State) -> Vec<u32> {
    let mut buf = Vec::new();
    loop {
        let bad: Vec<u32> = st
            .regions()
            .filter(|&r| !ctx.acceptable(st.region_totals(r)))
            .collect();
        if bad.is_empty() {
            return Vec::new();
        }
        let mut changed = false;
        let mut forced: Option<(f64, u32, u32)> = None;
        for r in bad {
            if st.members[r as usize].is_empty() || ctx.acceptable(st.region_totals(r)) {
                continue;
            }
            let ms = st.members[r as usize].clone();
            let mut best: Option<(f64, u32)> = None;
            let mut closest: Option<(f64, u32)> = None;
            for &x in &ms {
                for &v in ctx.g.neighbors(x as usize) {
                    let s = st.label[v as usize];
                    if !is_region(s) || s == r {
                        continue;
                    }
                    if ctx.pb.conflicts_with(&ms, &st.label, s) {
                        continue;
                    }
                    st.totals_with(ctx.pb, s, &ms, 1.0, &mut buf);
                    let pop = ctx.rule.population(&buf);
                    if ctx.acceptable(&buf) {
                        if best.is_none_or(|(bp, _)| pop < bp) {
                            best = Some((pop, s));
                        }
                    } else {
                        let margin = pop - ctx.rule.requirement(&buf).threshold;
                        if closest.is_none_or(|(bm, _)| margin > bm) {
                            closest = Some((margin, s));
                        }
                    }
                }
            }
            if let Some((_, s)) = best {
                merge_into(ctx, st, r, s);
                changed = true;
            } else if let Some((m, s)) = closest {
                if forced.is_none_or(|(fm, _, _)| m > fm) {
                    forced = Some((m, r, s));
                }
            }
        }
        if changed {
            continue;
        }
        match forced {
            Some((_, r, s)) => merge_into(ctx, st, r, s),
            None => {
                // non-compliant regions without any neighbour: out of the regions
                let bad: Vec<u32> = st
                    .regions()
                    .filter(|&r| !ctx.acceptable(st.region_totals(r)))
                    .collect();
                let mut out = Vec::new();
                for r in bad {
                    for u in st.members[r as usize].clone() {
                        st.remove(ctx.pb, u as usize, OUT);
                        out.push(u);
                    }
                    st.drop_region(r);
                }
                return out;
            }
        }
    }
}

fn merge_into(ctx: &Ctx, st: &mut State, r: u32, s: u32) {
    for y in st.members[r as usize].clone() {
        st.shift(ctx.pb, y as usize, s);
    }
    st.drop_region(r);
}

/// Proposes the largest number of compliant contiguous districts.
///
/// Units that cannot reach any threshold in their connected component (or nesting area) are
/// reported in [`Plan::infeasible`] and grouped into non-compliant districts of their own; the
/// rest is solved.
pub fn max_districts(
    pb: &Problem,
    rule: &dyn DistrictRule,
    opts: &SearchOptions,
    control: &Control,
) -> Result<Plan, PlanError> {
    if rule.totals_len() != pb.k {
        return Err(PlanError::RuleTotals {
            rule: rule.totals_len(),
            problem: pb.k,
        });
    }
    let nested = pb.nesting != Nesting::Ignore && pb.area.is_some();
    let g = search_graph(pb, nested);
    let ctx = search_ctx(pb, rule, &g, opts);
    let units: Vec<u32> = (0..pb.len() as u32)
        .filter(|&u| pb.locked[u as usize].is_none())
        .collect();
    let stop = Stopper::new(opts.time_budget, control.cancel);
    let done = AtomicUsize::new(0);
    let starts = opts.starts.max(1);
    let improve = opts
        .improved_starts
        .unwrap_or_else(|| improved_starts(starts, units.len()))
        .clamp(1, starts);
    let effort = opts.regrowths_per_region * effort_factor(starts, improve);
    // where only the best constructions are improved, regrowths draw the strategies that
    // add districts most often (see `RegrowMix::Periphery`)
    let mix = if improve < starts {
        RegrowMix::Periphery
    } else {
        RegrowMix::All
    };
    let finish = |s: Started| {
        let s = improve_start(&ctx, &units, opts, s, &stop, mix, effort);
        let d = done.fetch_add(1, Ordering::Relaxed) + 1;
        control.report(d, starts, s.p);
        s
    };
    let results: Vec<Started> = if improve == starts {
        (0..starts)
            .into_par_iter()
            .filter_map(|i| {
                // the first start always runs so that a plan exists even when interrupted at once
                if i > 0 && stop.should_stop() {
                    return None;
                }
                Some(finish(construct_start(&ctx, &units, opts, i)))
            })
            .collect()
    } else {
        // every start constructs; only the best constructions are improved
        let mut built: Vec<Started> = (0..starts)
            .into_par_iter()
            .filter_map(|i| {
                if i > 0 && stop.should_stop() {
                    return None;
                }
                Some(construct_start(&ctx, &units, opts, i))
            })
            .collect();
        built.sort_by(better);
        let rest = built.split_off(improve.min(built.len()));
        for s in &rest {
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            control.report(d, starts, s.p);
        }
        let mut out: Vec<Started> = built.into_par_iter().map(finish).collect();
        out.extend(rest);
        out
    };
    let starts_done = results.len();
    let Started {
        mut st, unassigned, ..
    } = results
        .into_iter()
        .min_by(better)
        .ok_or(PlanError::Interrupted)?;
    let mut sc = Scratch::new(pb.len());
    let mut notes = Vec::new();
    // soft nesting: areas that cannot stand alone join a district across the border
    let mut unassigned = unassigned;
    let mut crossing_fix = Vec::new();
    if pb.nesting == Nesting::Soft && nested && !unassigned.is_empty() {
        let full = search_graph(pb, false);
        let ctx_full = search_ctx(pb, rule, &full, opts);
        for &u in &unassigned {
            st.label[u as usize] = crate::state::ENCLAVE;
        }
        let regions: Vec<u32> = st.regions().collect();
        let before = unassigned.clone();
        unassigned = attach_enclaves(&ctx_full, &mut st, &regions, unassigned, &mut sc);
        for &u in &unassigned {
            st.label[u as usize] = OUT;
        }
        crossing_fix = before
            .into_iter()
            .filter(|u| !unassigned.contains(u))
            .collect::<Vec<_>>();
        let left = repair(&ctx_full, &mut st);
        crossing_fix.retain(|u| !left.contains(u));
        unassigned.extend(left);
    }
    if let Some(want) = pb.district_count {
        merge_down(&ctx, &mut st, want, &mut notes);
        let live: Vec<u32> = units
            .iter()
            .copied()
            .filter(|&u| is_region(st.label[u as usize]))
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
        move_units(
            &ctx,
            &mut st,
            &live,
            opts.move_sweeps,
            &mut rng,
            &mut sc,
            &stop,
        );
    }
    let infeasible = explain_infeasible(pb, rule, &g, &unassigned);
    if !crossing_fix.is_empty() {
        notes.push(format!(
            "soft nesting: {} units of areas too small to stand alone joined a district across an area border",
            crossing_fix.len()
        ));
    }
    Ok(finish_plan(
        pb,
        rule,
        &st,
        infeasible,
        notes,
        starts_done,
        stop.stopped(),
    ))
}

/// Merges adjacent districts (smallest union first) until `want` remain.
fn merge_down(ctx: &Ctx, st: &mut State, want: usize, notes: &mut Vec<String>) {
    let mut buf = Vec::new();
    while st.live > want {
        let mut best: Option<(f64, u32, u32)> = None;
        for r in st.regions().collect::<Vec<_>>() {
            for &x in &st.members[r as usize] {
                for &v in ctx.g.neighbors(x as usize) {
                    let s = st.label[v as usize];
                    if !is_region(s) || s <= r {
                        continue;
                    }
                    let ms = &st.members[s as usize];
                    if ctx.pb.conflicts_with(ms, &st.label, r) {
                        continue;
                    }
                    st.totals_with(ctx.pb, r, ms, 1.0, &mut buf);
                    if !ctx.acceptable(&buf) {
                        continue;
                    }
                    let pop = ctx.rule.population(&buf);
                    if best.is_none_or(|(bp, _, _)| pop < bp) {
                        best = Some((pop, r, s));
                    }
                }
            }
        }
        let Some((_, r, s)) = best else {
            notes.push(format!(
                "could not merge down to {want} districts: {} remain",
                st.live
            ));
            return;
        };
        let ms = st.members[s as usize].clone();
        for &y in &ms {
            st.shift(ctx.pb, y as usize, r);
        }
        st.drop_region(s);
    }
    let live = st.live;
    if live < want {
        notes.push(format!(
            "{want} districts requested but at most {live} compliant districts were found"
        ));
    }
}

/// Groups unassignable units by connected component of the search graph and says why.
pub(crate) fn explain_infeasible(
    pb: &Problem,
    rule: &dyn DistrictRule,
    g: &Adjacency,
    unassigned: &[u32],
) -> Vec<InfeasibleGroup> {
    if unassigned.is_empty() {
        return Vec::new();
    }
    let mut inset = vec![false; pb.len()];
    for &u in unassigned {
        inset[u as usize] = true;
    }
    let (full_comp, _) = pb.graph.components();
    let mut seen = vec![false; pb.len()];
    let mut out = Vec::new();
    for &s in unassigned {
        if seen[s as usize] {
            continue;
        }
        // component of the unassigned set within the search graph
        let mut comp = vec![s];
        seen[s as usize] = true;
        let mut i = 0;
        while i < comp.len() {
            let u = comp[i] as usize;
            for &v in g.neighbors(u) {
                if inset[v as usize] && !seen[v as usize] {
                    seen[v as usize] = true;
                    comp.push(v);
                }
            }
            i += 1;
        }
        comp.sort_unstable();
        let mut totals = vec![0.0; pb.k];
        for &u in &comp {
            for (a, b) in totals.iter_mut().zip(pb.unit_totals(u as usize)) {
                *a += b;
            }
        }
        let requirement = rule.requirement(&totals);
        let population = rule.population(&totals);
        // is the whole connected component (ignoring nesting) larger than this group?
        let c0 = full_comp[comp[0] as usize];
        let comp_size = full_comp.iter().filter(|&&c| c == c0).count();
        let reason = if !requirement.is_met_by(population) {
            if pb.nesting != Nesting::Ignore && pb.area.is_some() && comp_size > comp.len() {
                InfeasibleReason::NestingAreaTooSmall
            } else if comp_size > comp.len() {
                InfeasibleReason::CutOffByLockedDistricts
            } else {
                InfeasibleReason::ComponentTooSmall
            }
        } else {
            InfeasibleReason::ConstraintsConflict
        };
        out.push(InfeasibleGroup {
            units: comp,
            population,
            requirement,
            reason,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_instances_improve_every_start_larger_ones_the_best_quarter() {
        assert_eq!(improved_starts(8, 262), 8);
        assert_eq!(improved_starts(8, 500), 8);
        assert_eq!(improved_starts(8, 501), 2);
        assert_eq!(improved_starts(8, 1_000_000), 2);
        assert_eq!(improved_starts(64, 1_516), 16);
        assert_eq!(improved_starts(2, 100_489), 2);
        assert_eq!(improved_starts(1, 1_000_000), 1);
        assert_eq!(improved_starts(0, 10), 1);
    }

    #[test]
    fn the_effort_of_unimproved_starts_goes_to_the_improved_up_to_twice() {
        assert_eq!(effort_factor(8, 8), 1.0);
        assert_eq!(effort_factor(8, 2), 2.0);
        assert_eq!(effort_factor(3, 2), 1.5);
        assert_eq!(effort_factor(1, 1), 1.0);
        assert_eq!(effort_factor(4, 0), 1.0);
    }
}
