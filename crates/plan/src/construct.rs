//! Construction: grow regions from seeds until they meet their requirement, then attach the
//! units left over (enclaves) to a neighbouring region (Duque, Anselin & Rey 2012, phase 1).

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::heterogeneity::distance_to_members;
use crate::problem::Tiebreak;
use crate::state::{is_region, Ctx, State, ENCLAVE, FREE};

/// Order in which seeds are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SeedOrder {
    /// Uniformly random.
    Random,
    /// Fewest unassigned neighbours first (corners and the edge of grown regions first),
    /// which leaves fewer enclaves behind.
    Periphery,
}

/// Which neighbour a growing region takes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Growth {
    /// The neighbour sharing the most border with the region.
    Compact,
    /// The smallest neighbour that completes the requirement, else the most connected one.
    Fill,
    /// The neighbour closest in attributes to the region's members, weighted by shared border.
    Similar,
    /// A random neighbour.
    Random,
}

/// A construction strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Strategy {
    pub seeds: SeedOrder,
    pub growth: Growth,
}

/// Scratch arrays sized to the number of units, reused across constructions.
pub(crate) struct Scratch {
    links: Vec<f64>,
    stamp: Vec<u32>,
    now: u32,
    fdeg: Vec<u32>,
    region_stamp: Vec<u32>,
    pub buf: Vec<f64>,
    pub marks: crate::graph::Marks,
}

impl Scratch {
    pub fn new(n: usize) -> Self {
        Self {
            links: vec![0.0; n],
            stamp: vec![0; n],
            now: 0,
            fdeg: vec![0; n],
            region_stamp: Vec::new(),
            buf: Vec::new(),
            marks: crate::graph::Marks::new(n),
        }
    }

    fn tick(&mut self) -> u32 {
        self.now = self.now.wrapping_add(1);
        if self.now == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.region_stamp.iter_mut().for_each(|s| *s = 0);
            self.now = 1;
        }
        self.now
    }
}

/// Units by fewest free neighbours, for [`SeedOrder::Periphery`]: a heap of keys packing the
/// free-neighbour count (saturated at 65,535), a random tie-break fixed per construction and
/// the unit, so that one integer comparison orders two entries. A unit is pushed again each
/// time its count drops; entries that no longer match the count (or whose unit was taken)
/// are skipped when popped.
struct SeedQueue {
    heap: BinaryHeap<Reverse<u64>>,
    salt: u64,
}

impl SeedQueue {
    fn new(salt: u64) -> Self {
        Self {
            heap: BinaryHeap::new(),
            salt,
        }
    }

    fn key(d: u32) -> u64 {
        u64::from(d.min(0xFFFF))
    }

    fn push(&mut self, d: u32, u: u32) {
        let tie = mix64(self.salt ^ u64::from(u)) & 0xFFFF;
        self.heap
            .push(Reverse(Self::key(d) << 48 | tie << 32 | u64::from(u)));
    }

    /// The free unit with the fewest free neighbours (`fdeg`), if any.
    fn pop_current(&mut self, st: &State, fdeg: &[u32]) -> Option<usize> {
        while let Some(Reverse(k)) = self.heap.pop() {
            let u = (k & 0xFFFF_FFFF) as usize;
            if st.label[u] == FREE && Self::key(fdeg[u]) == k >> 48 {
                return Some(u);
            }
        }
        None
    }
}

/// SplitMix64's finaliser (Steele, Lea & Flood 2014): a cheap, well-mixed hash of `x`.
fn mix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The top 53 bits of `x` as a number in [0, 1).
fn unit_interval(x: u64) -> f64 {
    (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Result of one construction over a scope.
pub(crate) struct Built {
    /// Regions created.
    pub regions: Vec<u32>,
    /// Units that could not be put in any region (no region reachable in their component).
    pub unassigned: Vec<u32>,
    /// Whether the construction was abandoned because it could not meet its [`Goal`]; the
    /// scope is then partly assigned and must be restored by the caller.
    pub abandoned: bool,
}

/// What a construction must achieve to be of use: a regrowth of `regions` regions is kept only
/// if it builds at least as many. The construction is abandoned as soon as the regions built
/// plus the population not yet used divided by `least_population` fall short of `regions`
/// (no region reaches its threshold with less than the least threshold of any class): most
/// regrowths that fail, fail so, and stopping them early saved a quarter of the search's CPU
/// on it_lombardia, lattice2500 and it_nordovest (`bench/maxp/SPEED.md`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Goal {
    /// Regions the construction must at least build.
    pub regions: usize,
    /// Least population of any compliant region (the least threshold of any class), > 0.
    pub least_population: f64,
}

/// Partitions the units of `scope` (all labelled FREE in `st`) into regions.
pub(crate) fn construct(
    ctx: &Ctx,
    st: &mut State,
    scope: &[u32],
    rng: &mut ChaCha8Rng,
    strat: Strategy,
    sc: &mut Scratch,
    goal: Option<Goal>,
) -> Built {
    let g = ctx.g;
    let mut regions = Vec::new();
    let mut enclaves: Vec<u32> = Vec::new();
    // population not yet in a finished region or among the enclaves
    let mut open_population = match goal {
        Some(_) => scope_population(ctx, scope, &mut sc.buf),
        None => 0.0,
    };

    // seed order
    let mut order: Vec<u32> = scope.to_vec();
    let mut heap = SeedQueue::new(rng.gen());
    match strat.seeds {
        SeedOrder::Random => order.shuffle(rng),
        SeedOrder::Periphery => {
            for &u in scope {
                let d = g
                    .neighbors(u as usize)
                    .iter()
                    .filter(|&&v| st.label[v as usize] == FREE)
                    .count() as u32;
                sc.fdeg[u as usize] = d;
                heap.push(d, u);
            }
        }
    }
    let mut cursor = 0usize;
    let mut frontier: Vec<u32> = Vec::new();
    let mut mean: Vec<f64> = vec![0.0; ctx.pb.m];
    loop {
        if let Some(goal) = goal {
            // at most this many regions can still be built (the tolerance keeps it an upper bound)
            let more = ((open_population + 1e-9) / goal.least_population).floor();
            if (regions.len() as f64) + more < goal.regions as f64 {
                return Built {
                    regions,
                    unassigned: enclaves,
                    abandoned: true,
                };
            }
        }
        // next seed
        let seed = match strat.seeds {
            SeedOrder::Random => {
                while cursor < order.len() && st.label[order[cursor] as usize] != FREE {
                    cursor += 1;
                }
                if cursor == order.len() {
                    break;
                }
                order[cursor] as usize
            }
            SeedOrder::Periphery => match heap.pop_current(st, &sc.fdeg) {
                Some(u) => u,
                None => break,
            },
        };
        if !group_free(ctx, st, seed) {
            // a linked partner is taken: the unit waits as an enclave
            enclave_group(ctx, st, seed, &mut enclaves, sc, &mut heap, strat);
            continue;
        }
        let r = st.new_region();
        let t = sc.tick();
        frontier.clear();
        mean.iter_mut().for_each(|x| *x = 0.0);
        add_group(
            ctx,
            st,
            seed,
            r,
            sc,
            t,
            &mut frontier,
            &mut mean,
            &mut heap,
            strat,
        );
        let mut ok = ctx.rule.is_compliant(st.region_totals(r));
        while !ok {
            let Some(c) = pick(ctx, st, r, &mut frontier, sc, t, strat.growth, &mean, rng) else {
                break;
            };
            add_group(
                ctx,
                st,
                c,
                r,
                sc,
                t,
                &mut frontier,
                &mut mean,
                &mut heap,
                strat,
            );
            ok = ctx.rule.is_compliant(st.region_totals(r));
        }
        if goal.is_some() {
            open_population -= ctx.rule.population(st.region_totals(r));
        }
        if ok {
            regions.push(r);
        } else {
            let ms = st.members[r as usize].clone();
            for &u in &ms {
                st.remove(ctx.pb, u as usize, ENCLAVE);
                enclaves.push(u);
            }
            st.drop_region(r);
        }
    }
    let unassigned = attach_enclaves(ctx, st, &regions, enclaves, sc);
    Built {
        regions,
        unassigned,
        abandoned: false,
    }
}

/// Population of the units of `scope` together.
fn scope_population(ctx: &Ctx, scope: &[u32], buf: &mut Vec<f64>) -> f64 {
    buf.clear();
    buf.resize(ctx.pb.k, 0.0);
    for &u in scope {
        for (a, b) in buf.iter_mut().zip(ctx.pb.unit_totals(u as usize)) {
            *a += b;
        }
    }
    ctx.rule.population(buf)
}

/// Whether every unit linked to `u` is free.
fn group_free(ctx: &Ctx, st: &State, u: usize) -> bool {
    ctx.pb
        .group(u)
        .iter()
        .all(|&v| st.label[v as usize] == FREE)
}

#[allow(clippy::too_many_arguments)]
fn enclave_group(
    ctx: &Ctx,
    st: &mut State,
    u: usize,
    enclaves: &mut Vec<u32>,
    sc: &mut Scratch,
    heap: &mut SeedQueue,
    strat: Strategy,
) {
    for &v in ctx.pb.group(u) {
        if st.label[v as usize] == FREE {
            st.label[v as usize] = ENCLAVE;
            enclaves.push(v);
            note_taken(ctx, st, v as usize, sc, heap, strat);
        }
    }
}

/// Updates the free degrees of the neighbours of a unit that was just taken.
fn note_taken(
    ctx: &Ctx,
    st: &State,
    u: usize,
    sc: &mut Scratch,
    heap: &mut SeedQueue,
    strat: Strategy,
) {
    if strat.seeds != SeedOrder::Periphery {
        return;
    }
    for &v in ctx.g.neighbors(u) {
        let v = v as usize;
        if st.label[v] == FREE {
            sc.fdeg[v] = sc.fdeg[v].saturating_sub(1);
            heap.push(sc.fdeg[v], v as u32);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn add_group(
    ctx: &Ctx,
    st: &mut State,
    u: usize,
    r: u32,
    sc: &mut Scratch,
    t: u32,
    frontier: &mut Vec<u32>,
    mean: &mut [f64],
    heap: &mut SeedQueue,
    strat: Strategy,
) {
    let m = ctx.pb.m;
    for &v in ctx.pb.group(u) {
        let v = v as usize;
        st.add(ctx.pb, v, r);
        note_taken(ctx, st, v, sc, heap, strat);
        if m > 0 {
            let size = st.size(r) as f64;
            for (a, mu) in mean.iter_mut().enumerate() {
                *mu += (ctx.pb.attrs[v * m + a] - *mu) / size;
            }
        }
        for (w, wt) in ctx.g.weighted_neighbors(v) {
            if st.label[w] != FREE {
                continue;
            }
            if sc.stamp[w] != t {
                sc.stamp[w] = t;
                sc.links[w] = 0.0;
                frontier.push(w as u32);
            }
            sc.links[w] += wt;
        }
    }
}

/// Whether unit `c` (with its linked group) may join region `r`.
fn may_join(ctx: &Ctx, st: &State, c: usize, r: u32, buf: &mut Vec<f64>) -> bool {
    let grp = ctx.pb.group(c);
    if !grp.iter().all(|&v| st.label[v as usize] == FREE) {
        return false;
    }
    if ctx.pb.conflicts_with(grp, &st.label, r) {
        return false;
    }
    if ctx.pb.max_population.is_some() {
        st.totals_with(ctx.pb, r, grp, 1.0, buf);
        if !ctx.under_max(buf) {
            return false;
        }
    }
    true
}

#[allow(clippy::too_many_arguments)]
fn pick(
    ctx: &Ctx,
    st: &State,
    r: u32,
    frontier: &mut Vec<u32>,
    sc: &mut Scratch,
    _t: u32,
    growth: Growth,
    mean: &[f64],
    rng: &mut ChaCha8Rng,
) -> Option<usize> {
    frontier.retain(|&c| st.label[c as usize] == FREE);
    let mut best: Option<usize> = None;
    let mut best_score = f64::NEG_INFINITY;
    let mut best_fill: Option<(f64, usize)> = None;
    let m = ctx.pb.m;
    let mut buf = std::mem::take(&mut sc.buf);
    // one random draw per pick; each candidate's jitter is a hash of it and the draw
    let salt: u64 = rng.gen();
    for &c in frontier.iter() {
        let c = c as usize;
        if !may_join(ctx, st, c, r, &mut buf) {
            continue;
        }
        let jitter = unit_interval(mix64(salt ^ c as u64)) * 1e-6;
        let score = match growth {
            Growth::Compact | Growth::Fill => sc.links[c] + jitter,
            Growth::Random => jitter,
            Growth::Similar => {
                let d: f64 = if m == 0 {
                    0.0
                } else {
                    (0..m)
                        .map(|a| (ctx.pb.attrs[c * m + a] - mean[a]).abs())
                        .sum()
                };
                sc.links[c] / (1.0 + d) + jitter
            }
        };
        if growth == Growth::Fill {
            st.totals_with(ctx.pb, r, ctx.pb.group(c), 1.0, &mut buf);
            if ctx.rule.is_compliant(&buf) {
                let pop = ctx.rule.population(&buf) - sc.links[c] * 1e-9;
                if best_fill.is_none_or(|(p, _)| pop < p) {
                    best_fill = Some((pop, c));
                }
            }
        }
        if score > best_score {
            best_score = score;
            best = Some(c);
        }
    }
    sc.buf = buf;
    if let Some((_, c)) = best_fill {
        return Some(c);
    }
    best
}

/// Attaches enclaves to neighbouring regions among `regions`; returns those left unattached.
pub(crate) fn attach_enclaves(
    ctx: &Ctx,
    st: &mut State,
    regions: &[u32],
    mut enclaves: Vec<u32>,
    sc: &mut Scratch,
) -> Vec<u32> {
    if enclaves.is_empty() {
        return enclaves;
    }
    let t = sc.tick();
    for &r in regions {
        let r = r as usize;
        if sc.region_stamp.len() <= r {
            sc.region_stamp.resize(r + 1, 0);
        }
        sc.region_stamp[r] = t;
    }
    let mut buf = std::mem::take(&mut sc.buf);
    loop {
        let before = enclaves.len();
        let mut rest = Vec::new();
        for &u in &enclaves {
            let u = u as usize;
            if is_region(st.label[u]) {
                continue;
            }
            // candidate regions: neighbours of the unit's group in this construction
            let grp = ctx.pb.group(u);
            let mut best: Option<(bool, f64, u32)> = None;
            for &x in grp {
                for (v, w) in ctx.g.weighted_neighbors(x as usize) {
                    let r = st.label[v];
                    if !is_region(r)
                        || sc.region_stamp.get(r as usize).copied() != Some(t)
                        || ctx.pb.conflicts_with(grp, &st.label, r)
                    {
                        continue;
                    }
                    st.totals_with(ctx.pb, r, grp, 1.0, &mut buf);
                    if !ctx.under_max(&buf) {
                        continue;
                    }
                    let ok = ctx.rule.is_compliant(&buf);
                    let cost = match ctx.tiebreak {
                        Tiebreak::Heterogeneity if ctx.pb.m > 0 => grp
                            .iter()
                            .map(|&y| {
                                distance_to_members(
                                    &ctx.pb.attrs,
                                    ctx.pb.m,
                                    y as usize,
                                    &st.members[r as usize],
                                )
                            })
                            .sum(),
                        _ => -w,
                    };
                    let better = match best {
                        None => true,
                        Some((bok, bcost, _)) => (ok && !bok) || (ok == bok && cost < bcost),
                    };
                    if better {
                        best = Some((ok, cost, r));
                    }
                }
            }
            match best {
                Some((_, _, r)) => {
                    for &y in grp {
                        st.label[y as usize] = FREE;
                        st.add(ctx.pb, y as usize, r);
                    }
                }
                None => rest.push(u as u32),
            }
        }
        enclaves = rest;
        if enclaves.is_empty() || enclaves.len() == before {
            break;
        }
    }
    sc.buf = buf;
    for &u in &enclaves {
        if st.label[u as usize] == ENCLAVE {
            st.label[u as usize] = FREE;
        }
    }
    enclaves.retain(|&u| st.label[u as usize] == FREE);
    enclaves
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Adjacency;
    use crate::problem::Problem;
    use crate::rule::UniformThreshold;
    use rand::SeedableRng;

    /// A 4 x 4 lattice of units of population 1 with threshold 3: at most 5 regions.
    fn lattice() -> Problem {
        let mut edges = Vec::new();
        for u in 0..16usize {
            if u % 4 < 3 {
                edges.push((u, u + 1, 1.0));
            }
            if u < 12 {
                edges.push((u, u + 4, 1.0));
            }
        }
        Problem::new(Adjacency::from_edges(16, &edges).unwrap(), vec![1.0; 16], 1).unwrap()
    }

    #[test]
    fn a_construction_is_abandoned_only_when_its_goal_is_out_of_reach() {
        let pb = lattice();
        let rule = UniformThreshold { threshold: 3.0 };
        let ctx = Ctx {
            pb: &pb,
            rule: &rule,
            g: &pb.graph,
            tiebreak: Tiebreak::Heterogeneity,
            cut_weight: 0.0,
        };
        let scope: Vec<u32> = (0..16).collect();
        let strat = Strategy {
            seeds: SeedOrder::Periphery,
            growth: Growth::Fill,
        };
        for seed in 0..20 {
            let run = |goal: Option<Goal>| {
                let mut st = State::new(vec![FREE; 16], 1);
                let mut sc = Scratch::new(16);
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let built = construct(&ctx, &mut st, &scope, &mut rng, strat, &mut sc, goal);
                (built.abandoned, built.regions.len())
            };
            let (_, free) = run(None);
            // 16 inhabitants at 3 each: 6 regions can never be built, so that goal stops at once
            let six = Goal {
                regions: 6,
                least_population: 3.0,
            };
            assert_eq!(run(Some(six)), (true, 0));
            // a goal the construction meets never stops it, and it builds the same regions
            let met = Goal {
                regions: free,
                least_population: 3.0,
            };
            assert_eq!(run(Some(met)), (false, free));
        }
    }
}
