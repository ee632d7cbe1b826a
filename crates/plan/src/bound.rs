//! Upper bounds on the number of compliant districts, with their proof in words.
//!
//! Every compliant district is a connected set of units inside one part of the search graph
//! (a connected component, cut further by nesting areas under hard nesting) whose population
//! reaches its class threshold, hence at least the least threshold `T` of any class. Six facts
//! give the bound:
//!
//! 1. a part whose whole population is below `T` holds no compliant district ("cannot reach
//!    any threshold with its reachable neighbourhood");
//! 2. the districts of a part are disjoint, so their thresholds sum to at most the part's
//!    population; with class thresholds this is a fractional knapsack (a linear programme over
//!    classes) whose cheaper classes are capped by their share condition (a district of a class
//!    that needs more than a share `s` of its population in qualifying units, with threshold
//!    `t`, uses more than `s * t` of the part's qualifying population): greedy by threshold is
//!    optimal for it (Dantzig 1957);
//! 3. units that reach `T` on their own ("anchors") can each be in one district at most; a
//!    district without an anchor lies inside one group of the other units (the components left
//!    when the anchors are removed from the part; the whole part when it has no anchor), so a
//!    part holds at most `anchors + sum over groups of the group's bound`, where a group's
//!    bound is the least of (2.) for the group and (4.) to (6.). This is what catches the
//!    population of large units that a district cannot share.
//! 4. least district sizes: for a unit `u` of a group `g`, let `m(u)` be the least population
//!    of a connected set of units of `g` that contains `u` and reaches `T`. A district `D`
//!    inside `g` that contains `u` is such a set, so `pop(D) >= m(u)`, and
//!    `sum over u in D of p_u / m(u) >= sum over u in D of p_u / pop(D) = 1`. The districts
//!    inside `g` are disjoint, so there are at most `floor(sum over u in g of p_u / m(u))` of
//!    them, and the same holds with any lower bound `m'(u) <= m(u)` in place of `m(u)` (with
//!    `m'(u) = T` this is (2.) for one class). A unit in no such set (`m(u)` infinite) counts 0.
//!    `m'(u)` comes from a best-first search over the connected sets of `g` containing `u`,
//!    grown one neighbour at a time: a set `S` below `T` has key `max(T, pop(S) + least
//!    population of a unit of g adjacent to S)`, a lower bound on the population of every set of
//!    `g` that contains `S` and reaches `T` (it adds at least one neighbour of `S`, and no
//!    population is negative); a set that reaches `T` is a candidate. Every connected set `M`
//!    containing `u` is the end of a chain `{u} = S_0, S_1, ..., M` of connected sets adding one
//!    unit each (take the units of `M` in breadth-first order from `u`); while the least
//!    candidate is not yet found, some set of the least candidate's chain is generated and not
//!    expanded, so the least open key is at most `m(u)`. The search stops when the least open
//!    key reaches the least candidate found (then `m'(u) = m(u)`), or after a fixed amount of
//!    work (then `m'(u)` = the least open key). This catches the surplus that a district must
//!    carry near units of mid size: a unit of 0.7 T whose neighbours all hold 0.5 T is in no
//!    district below 1.2 T. It needs populations that are never negative (otherwise only (1.)
//!    to (3.) are used).
//! 5. hubs: (4.) is a weighting `y(u) = p_u / m'(u)` with `y(D) >= 1` for every district `D`
//!    of the group. Let `c` be a cut vertex of the group (`g` without `c` falls apart) and `K`
//!    be `c` with the pieces of `g` without `c` whose population is below `T`. A district
//!    meeting such a piece cannot lie inside it, and its only way out of the piece is `c`, so
//!    every district meeting `K` contains `c`: at most one does. Charge each district `D` the
//!    weight of its units outside such clusters, plus, for a cluster `K` it meets, 1 if
//!    `y(K) > 1` and `y(K ∩ D)` otherwise: every district is charged at least 1 (either a
//!    capped cluster gives it 1 or it is charged `y(D)`), and over all districts the charges
//!    add up to at most `y(g) - sum over clusters of (y(K) - 1 when positive)`, for any
//!    disjoint clusters. The clusters are taken greedily by that gain, skipping those that meet
//!    one already taken; cut vertices come from one depth-first search of the group (Hopcroft
//!    and Tarjan 1973). This catches a hub with several small valleys or fringe units behind
//!    it, which population alone counts as more than one district.
//! 6. hubs with whole pieces: for any set `H` of units of a group, a district either contains a
//!    unit of `H` (at most `|H|` such districts) or lies inside one component of the group
//!    without `H`, and a union `C` of such components holds at most `floor(y(C))` districts
//!    (the weights of (4.)). Bottom-up over the depth-first tree, a cut vertex joins `H` when
//!    its weight plus the fractional parts of the pieces it closes (its separated subtrees,
//!    which meet the rest of the group only through it) exceed 1; everything else is merged
//!    upwards (merging components only raises the count, so any choice of `H` is a bound). The
//!    group's bound is the least of (2.), (5.) and (6.).
//!
//! The bound of a part is the smaller of (2.) and (3.), and of its unit count; the plan's bound
//! is the sum over parts plus the compliant locked districts, capped by a fixed district count.
//! Computing it takes time linear in the units, times the work limit of the search of (4.)
//! (at most 16 expanded sets per unit, down to 4 on the largest instances) and the size of the
//! clusters of (5.) (at most 4,096 units each).

use serde::Serialize;

use crate::graph::Adjacency;
use crate::maxp::search_graph;
use crate::problem::{Nesting, Problem};
use crate::rule::{ClassFloor, DistrictRule};

/// A proven ceiling on the number of compliant districts of a problem, with the proof.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpperBound {
    /// No plan has more compliant districts than this.
    pub value: usize,
    /// The least threshold any district can face (`None`: the rule does not say).
    pub least_threshold: Option<f64>,
    /// Parts of the search graph (connected components, within nesting areas under hard nesting).
    pub parts: usize,
    /// Parts whose whole population is below the least threshold.
    pub dead_parts: usize,
    /// Units in those parts.
    pub dead_units: usize,
    /// Population of those parts.
    pub dead_population: f64,
    /// Units that reach the least threshold alone.
    pub anchors: usize,
    /// Parts whose bound came from the anchors and the groups between them (3.), not from the
    /// population of the whole part (2.).
    pub parts_bounded_by_anchors: usize,
    /// Groups (of the units between anchors, or whole parts without anchors) whose bound came
    /// from the least district sizes (4.).
    pub groups_bounded_by_sizes: usize,
    /// The bound without the least district sizes (4.) and hubs (5.): (1.) to (3.) alone.
    pub without_sizes: usize,
    /// Cut vertices used as hubs (5., 6.) in groups whose bound they lowered.
    pub hub_clusters: usize,
    /// Compliant locked districts (kept as they are, counted as they are).
    pub locked_compliant: usize,
    /// The proof, one sentence each.
    pub proof: Vec<String>,
}

impl UpperBound {
    /// Relative gap of a plan with `p` compliant districts: `(bound - p) / bound` (0 when the
    /// bound is 0 or reached).
    pub fn gap(&self, p: usize) -> f64 {
        if self.value == 0 || p >= self.value {
            0.0
        } else {
            (self.value - p) as f64 / self.value as f64
        }
    }

    /// Lowers the bound to `value` when a stronger argument (`reason`, e.g. the exact solver's
    /// certificate) proves it; a looser value changes nothing.
    pub fn tighten(&mut self, value: usize, reason: &str) {
        if value < self.value {
            self.value = value;
            self.proof
                .push(format!("{reason}: at most {value} compliant districts"));
        }
    }

    /// "p = 46, at most 52 possible (gap 11.5%)".
    pub fn headline(&self, p: usize) -> String {
        if p >= self.value {
            format!("p = {p}, at most {} possible: optimal", self.value)
        } else {
            format!(
                "p = {p}, at most {} possible (gap {:.1}%)",
                self.value,
                100.0 * self.gap(p)
            )
        }
    }
}

/// Per-part class knapsack: the largest (fractional) number of districts whose thresholds fit in
/// `population`, each capped class using its share of `qualifying[j]`.
fn class_lp(population: f64, qualifying: &[f64], floors: &[ClassFloor]) -> f64 {
    let mut rest = population;
    let mut count = 0.0;
    // floors are sorted by threshold (cheapest first: greedy is optimal for this knapsack)
    for f in floors {
        if rest <= 0.0 {
            break;
        }
        let by_population = rest / f.threshold;
        let x = match f.share_of {
            Some((j, s)) if s * f.threshold > 0.0 => {
                let q = qualifying.get(j).copied().unwrap_or(0.0);
                by_population.min(q / (s * f.threshold))
            }
            _ => by_population,
        };
        count += x;
        rest -= x * f.threshold;
    }
    count
}

/// Integer part of a count computed in floating point (tolerant to rounding just below).
fn whole(x: f64) -> usize {
    (x + 1e-9).floor().max(0.0) as usize
}

/// Integer part of a sum of `terms` non-negative terms computed in floating point (tolerant to
/// the rounding of a long sum just below a whole number).
fn whole_sum(x: f64, terms: usize) -> usize {
    // a sum of n non-negative terms is off by at most about n * 2^-53 of itself
    (x + 1e-9 + 4e-16 * (terms as f64 + 4.0) * x)
        .floor()
        .max(0.0) as usize
}

/// Work limit of the search for the least district size around one unit (popped sets), by the
/// number of units `n` of the problem: about `LEAST_SIZE_WORK` in all, between `MIN_UNIT_WORK`
/// and `MAX_UNIT_WORK` per unit. On the benchmark instances a limit above 16 gained nothing
/// (`bench/maxp/BOUND.md`).
const LEAST_SIZE_WORK: usize = 2_000_000;
const MIN_UNIT_WORK: usize = 4;
const MAX_UNIT_WORK: usize = 16;

fn unit_work(n: usize) -> usize {
    (LEAST_SIZE_WORK / n.max(1)).clamp(MIN_UNIT_WORK, MAX_UNIT_WORK)
}

/// Most edges the search of (4.) scans around one set: beyond it (units of huge degree) the search
/// stops with the bound it has, so that one unit never costs more than `MAX_SCAN` times its work.
const MAX_SCAN: usize = 4096;

/// A connected set of units in the best-first search: its members (sorted, in the pool), its
/// population and whether its key has been computed (otherwise the key is its parent's).
struct SetState {
    start: u32,
    len: u32,
    pop: f64,
    evaluated: bool,
}

/// Best-first search for a lower bound on the least population of a connected set of units
/// containing a given unit, inside one group, that reaches a threshold `t` ("least district
/// size" `m(u)`). Scratch space is reused from unit to unit.
struct LeastSize {
    pool: Vec<u32>,
    states: Vec<SetState>,
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(u64, u32)>>,
    seen: std::collections::HashSet<Vec<u32>>,
    mark: Vec<u32>,
    near: Vec<u32>,
    stamp: u32,
    members: Vec<u32>,
    neighbours: Vec<u32>,
}

/// Order-preserving key of a non-negative finite float.
fn key_bits(x: f64) -> u64 {
    x.max(0.0).to_bits()
}

impl LeastSize {
    fn new(n: usize) -> Self {
        Self {
            pool: Vec::new(),
            states: Vec::new(),
            heap: std::collections::BinaryHeap::new(),
            seen: std::collections::HashSet::new(),
            mark: vec![0; n],
            near: vec![0; n],
            stamp: 0,
            members: Vec::new(),
            neighbours: Vec::new(),
        }
    }

    fn next_stamp(&mut self) -> u32 {
        if self.stamp == u32::MAX {
            self.mark.iter_mut().for_each(|m| *m = 0);
            self.near.iter_mut().for_each(|m| *m = 0);
            self.stamp = 0;
        }
        self.stamp += 1;
        self.stamp
    }

    /// The units adjacent to state `s` inside group `gid` (into `self.neighbours`).
    /// `false` (and nothing collected) when the members have more than `MAX_SCAN` edges.
    fn collect_neighbours(&mut self, g: &Adjacency, group_of: &[u32], gid: u32, s: usize) -> bool {
        let st = &self.states[s];
        self.members.clear();
        self.members
            .extend_from_slice(&self.pool[st.start as usize..(st.start + st.len) as usize]);
        let edges: usize = self
            .members
            .iter()
            .map(|&m| g.neighbors(m as usize).len())
            .sum();
        if edges > MAX_SCAN {
            return false;
        }
        let stamp = self.next_stamp();
        for &m in &self.members {
            self.mark[m as usize] = stamp;
        }
        self.neighbours.clear();
        for &m in &self.members {
            for &v in g.neighbors(m as usize) {
                let vi = v as usize;
                if group_of[vi] == gid && self.mark[vi] != stamp && self.near[vi] != stamp {
                    self.near[vi] = stamp;
                    self.neighbours.push(v);
                }
            }
        }
        true
    }

    /// A lower bound on `m(u)` (at least `t`), or `None` when no connected set of units of the
    /// group containing `u` reaches `t`. Requires `pops[u] < t` and no negative population in
    /// the group. Exact when the search ends within `work` popped states.
    #[allow(clippy::too_many_arguments)]
    fn bound(
        &mut self,
        g: &Adjacency,
        pops: &[f64],
        group_of: &[u32],
        gid: u32,
        u: usize,
        t: f64,
        work: usize,
    ) -> Option<f64> {
        self.pool.clear();
        self.states.clear();
        self.heap.clear();
        self.seen.clear();
        self.pool.push(u as u32);
        self.states.push(SetState {
            start: 0,
            len: 1,
            pop: pops[u],
            evaluated: false,
        });
        self.heap.push(std::cmp::Reverse((key_bits(t), 0)));
        let mut best_goal = f64::INFINITY;
        let mut done = 0;
        while let Some(&std::cmp::Reverse((key, s))) = self.heap.peek() {
            let key = f64::from_bits(key);
            if key >= best_goal {
                // every open set leads to at least `key`: the best set found is the least
                return Some(best_goal);
            }
            if done == work {
                // a chain of sets growing to the least one is still open: m(u) >= key
                return Some(key.max(t));
            }
            done += 1;
            self.heap.pop();
            let s = s as usize;
            if !self.collect_neighbours(g, group_of, gid, s) {
                // too many edges around this set (a hub of huge degree): stop here; the set
                // popped had the least open key
                return Some(key.max(t));
            }
            let pop = self.states[s].pop;
            if !self.states[s].evaluated {
                // any set reaching t that contains this one adds at least one neighbour
                let Some(least) = self
                    .neighbours
                    .iter()
                    .map(|&v| pops[v as usize])
                    .min_by(f64::total_cmp)
                else {
                    continue; // cannot grow inside the group: no set through it reaches t
                };
                self.states[s].evaluated = true;
                let k = (pop + least).max(t).max(key);
                self.heap.push(std::cmp::Reverse((key_bits(k), s as u32)));
                continue;
            }
            // expand: every one-unit extension inside the group
            let neighbours = std::mem::take(&mut self.neighbours);
            for &v in &neighbours {
                let p = pop + pops[v as usize];
                if p >= t {
                    best_goal = best_goal.min(p);
                    continue;
                }
                let mut child = self.members.clone();
                let at = child.partition_point(|&m| m < v);
                child.insert(at, v);
                if self.seen.contains(&child) {
                    continue;
                }
                let start = self.pool.len() as u32;
                self.pool.extend_from_slice(&child);
                self.seen.insert(child);
                let id = self.states.len() as u32;
                self.states.push(SetState {
                    start,
                    len: self.members.len() as u32 + 1,
                    pop: p,
                    evaluated: false,
                });
                // a child's key is at least its parent's (a consistent heuristic)
                self.heap.push(std::cmp::Reverse((key_bits(key), id)));
            }
            self.neighbours = neighbours;
        }
        best_goal.is_finite().then_some(best_goal)
    }
}

/// Largest cluster (in units) that the hub step (5.) looks at.
const MAX_CLUSTER_UNITS: usize = 4096;

/// Scratch space of the hub step (5.): a depth-first search of one group's induced graph
/// (Hopcroft and Tarjan's cut vertices) and the clusters of its cut vertices.
#[derive(Default)]
struct Hubs {
    local: Vec<u32>,
    disc: Vec<u32>,
    low: Vec<u32>,
    parent: Vec<u32>,
    pre: Vec<u32>,
    size: Vec<u32>,
    pop: Vec<f64>,
    y: Vec<f64>,
    sep_pop: Vec<f64>,
    sep_size: Vec<u32>,
    small_y: Vec<f64>,
    small_size: Vec<u32>,
    used: Vec<bool>,
    stack: Vec<(u32, u32)>,
}

impl Hubs {
    fn new(n: usize) -> Self {
        Self {
            local: vec![u32::MAX; n],
            ..Self::default()
        }
    }

    /// The weight that (5.) removes from a group: over disjoint clusters `K` (a cut vertex `c`
    /// of the group with the pieces of the group without `c` that are below `t`, at most one
    /// district meets `K`), the sum of `y(K) - 1` where `y(K) > 1`. `members` are the group's
    /// units, `y[i]` the weight of `members[i]`.
    #[allow(clippy::too_many_arguments)]
    fn cut(
        &mut self,
        g: &Adjacency,
        pops: &[f64],
        group_of: &[u32],
        gid: u32,
        members: &[u32],
        y: &[f64],
        t: f64,
    ) -> (f64, usize, (usize, usize)) {
        let k = members.len();
        if k < 2 {
            return (0.0, 0, (whole_sum(y.iter().sum(), k), 0));
        }
        for (i, &u) in members.iter().enumerate() {
            self.local[u as usize] = i as u32;
        }
        let none = u32::MAX;
        self.disc.clear();
        self.disc.resize(k, none);
        self.low.clear();
        self.low.resize(k, 0);
        self.parent.clear();
        self.parent.resize(k, none);
        self.pre.clear();
        // iterative depth-first search from local 0 (the group is connected)
        self.disc[0] = 0;
        self.low[0] = 0;
        self.pre.push(0);
        self.stack.clear();
        self.stack.push((0, 0));
        while let Some(&mut (v, ref mut next)) = self.stack.last_mut() {
            let nb = g.neighbors(members[v as usize] as usize);
            if let Some(&w) = nb.get(*next as usize) {
                *next += 1;
                if group_of[w as usize] != gid {
                    continue;
                }
                let w = self.local[w as usize];
                if self.disc[w as usize] == none {
                    self.disc[w as usize] = self.pre.len() as u32;
                    self.low[w as usize] = self.disc[w as usize];
                    self.parent[w as usize] = v;
                    self.pre.push(w);
                    self.stack.push((w, 0));
                } else if w != self.parent[v as usize] {
                    let d = self.disc[w as usize];
                    let l = &mut self.low[v as usize];
                    *l = (*l).min(d);
                }
            } else {
                self.stack.pop();
                let p = self.parent[v as usize];
                if p != none {
                    let l = self.low[v as usize];
                    let lp = &mut self.low[p as usize];
                    *lp = (*lp).min(l);
                }
            }
        }
        debug_assert_eq!(self.pre.len(), k);
        // subtree sizes, populations and weights; per vertex its separated children
        self.size.clear();
        self.size.resize(k, 1);
        self.pop.clear();
        self.pop.extend(members.iter().map(|&u| pops[u as usize]));
        self.y.clear();
        self.y.extend_from_slice(y);
        for a in [&mut self.sep_pop, &mut self.small_y] {
            a.clear();
            a.resize(k, 0.0);
        }
        for a in [&mut self.sep_size, &mut self.small_size] {
            a.clear();
            a.resize(k, 0);
        }
        for i in (1..k).rev() {
            let v = self.pre[i] as usize;
            let p = self.parent[v] as usize;
            self.size[p] += self.size[v];
            self.pop[p] += self.pop[v];
            self.y[p] += self.y[v];
            if self.low[v] >= self.disc[p] {
                // the subtree of v is a piece of the group without p
                self.sep_pop[p] += self.pop[v];
                self.sep_size[p] += self.size[v];
                if self.pop[v] < t {
                    self.small_y[p] += self.y[v];
                    self.small_size[p] += self.size[v];
                }
            }
        }
        let (total_pop, total_y) = (self.pop[0], self.y[0]);
        let tree = self.tree_bound(y);
        // candidate clusters: (gain, vertex, whether the rest piece is in)
        let mut cands: Vec<(f64, u32, bool)> = Vec::new();
        for c in 0..k {
            if self.sep_size[c] == 0 {
                continue; // not a cut vertex (or a root with one child: its piece is the rest)
            }
            let own = pops[members[c] as usize];
            let rest_size = k as u32 - 1 - self.sep_size[c];
            let rest_pop = total_pop - own - self.sep_pop[c];
            let rest = rest_size > 0 && rest_pop < t;
            let mut yk = y[c] + self.small_y[c];
            let mut units = 1 + self.small_size[c] as usize;
            if rest {
                yk += total_y - self.y[c];
                units += rest_size as usize;
            }
            if yk > 1.0 + 1e-12 && units <= MAX_CLUSTER_UNITS {
                cands.push((yk - 1.0 - 1e-12, c as u32, rest));
            }
        }
        cands.sort_by(|a, b| b.0.total_cmp(&a.0));
        self.used.clear();
        self.used.resize(k, false);
        let (mut gain, mut clusters) = (0.0, 0);
        let mut cluster: Vec<u32> = Vec::new();
        for &(dy, c, rest) in &cands {
            // the preorder positions of the cluster: c, its small separated subtrees, the rest
            cluster.clear();
            let c = c as usize;
            let (dc, sc) = (self.disc[c] as usize, self.size[c] as usize);
            cluster.push(c as u32);
            let mut i = dc + 1;
            while i < dc + sc {
                let v = self.pre[i] as usize;
                let sv = self.size[v] as usize;
                // v is a child of c here (subtrees of children are skipped whole)
                let separated = self.low[v] >= self.disc[c];
                if separated && self.pop[v] < t || !separated && rest {
                    cluster.extend_from_slice(&self.pre[i..i + sv]);
                }
                i += sv;
            }
            if rest {
                cluster.extend_from_slice(&self.pre[..dc]);
                cluster.extend_from_slice(&self.pre[dc + sc..]);
            }
            if cluster.iter().any(|&v| self.used[v as usize]) {
                continue;
            }
            for &v in &cluster {
                self.used[v as usize] = true;
            }
            gain += dy;
            clusters += 1;
        }
        for &u in members {
            self.local[u as usize] = u32::MAX;
        }
        (gain, clusters, tree)
    }

    /// (6.) hubs with whole pieces: for any set `H` of units of the group, a district either
    /// contains a unit of `H` (at most `|H|` such districts) or lies inside one component of the
    /// group without `H`, and holds at most `floor(y(C))` districts inside a union `C` of such
    /// components. Bottom-up over the depth-first tree of `cut`, a cut vertex becomes a hub when
    /// that pays (its weight plus the fractions of the pieces it closes exceed 1); the pieces
    /// below a hub (its separated subtrees, which meet the rest only through it) are closed
    /// with their floor, everything else is merged upwards (merging components only raises the
    /// count, so it stays a bound).
    fn tree_bound(&mut self, y: &[f64]) -> (usize, usize) {
        let k = y.len();
        // per vertex: open weight of its subtree's part still connected upwards, districts
        // counted in closed pieces and hubs, and the accumulators of its children
        let mut open = vec![0.0f64; k];
        let mut closed = vec![0usize; k];
        let mut sep_open = vec![0.0f64; k];
        let mut sep_floor = vec![0usize; k];
        let mut up_open = vec![0.0f64; k];
        let mut sub_closed = vec![0usize; k];
        let mut hubs = 0;
        // children before their parents (reverse preorder), the root (pre[0]) last
        for i in (0..k).rev() {
            let v = self.pre[i] as usize;
            let merged = y[v] + sep_open[v] + up_open[v];
            let frac = y[v] + sep_open[v] - sep_floor[v] as f64;
            if frac > 1.0 + 1e-9 {
                hubs += 1;
                closed[v] = sub_closed[v] + 1 + sep_floor[v];
                open[v] = up_open[v];
            } else {
                closed[v] = sub_closed[v];
                open[v] = merged;
            }
            if i == 0 {
                break;
            }
            let p = self.parent[v] as usize;
            sub_closed[p] += closed[v];
            if self.low[v] >= self.disc[p] {
                sep_open[p] += open[v];
                sep_floor[p] += whole_sum(open[v], self.size[v] as usize);
            } else {
                up_open[p] += open[v];
            }
        }
        let r = self.pre[0] as usize;
        (closed[r] + whole_sum(open[r], k), hubs)
    }
}

/// Totals of a set of units needed by the bound: population and the share components.
struct Sums {
    population: f64,
    qualifying: Vec<f64>,
}

impl Sums {
    fn new(k: usize) -> Self {
        Self {
            population: 0.0,
            qualifying: vec![0.0; k],
        }
    }
    fn add(&mut self, pb: &Problem, rule: &dyn DistrictRule, u: usize) {
        let t = pb.unit_totals(u);
        self.population += rule.population(t);
        for (q, v) in self.qualifying.iter_mut().zip(t) {
            *q += v;
        }
    }
}

/// The upper bound on compliant districts of `pb` under `rule`, with its proof in words.
pub fn upper_bound(pb: &Problem, rule: &dyn DistrictRule) -> UpperBound {
    let n = pb.len();
    let hard = pb.nesting == Nesting::Hard && pb.area.is_some();
    let g = search_graph(pb, hard);
    let floors = rule.class_floors().map(|mut f| {
        f.sort_by(|a, b| a.threshold.total_cmp(&b.threshold));
        f
    });
    let least = floors.as_ref().and_then(|f| f.first().map(|c| c.threshold));
    let (comp, ncomp) = g.components();
    // bucket units by part (locked units are outside the search)
    let mut start = vec![0usize; ncomp + 1];
    for u in 0..n {
        if pb.locked[u].is_none() {
            start[comp[u] as usize + 1] += 1;
        }
    }
    for c in 0..ncomp {
        start[c + 1] += start[c];
    }
    let mut fill = start.clone();
    let mut order = vec![0u32; start[ncomp]];
    for (u, &c) in comp.iter().enumerate() {
        if pb.locked[u].is_none() {
            let c = c as usize;
            order[fill[c]] = u as u32;
            fill[c] += 1;
        }
    }
    let pops: Vec<f64> = (0..n).map(|u| rule.population(pb.unit_totals(u))).collect();
    let mut b = UpperBound {
        value: 0,
        least_threshold: least,
        parts: 0,
        dead_parts: 0,
        dead_units: 0,
        dead_population: 0.0,
        anchors: 0,
        parts_bounded_by_anchors: 0,
        groups_bounded_by_sizes: 0,
        without_sizes: 0,
        hub_clusters: 0,
        locked_compliant: 0,
        proof: Vec::new(),
    };
    let mut total = 0usize;
    let mut total_before = 0usize;
    let mut group_of = vec![u32::MAX; n];
    let mut groups = 0u32;
    let mut stack = Vec::new();
    let mut members: Vec<u32> = Vec::new();
    let mut least_size = LeastSize::new(n);
    let mut hubs = Hubs::new(n);
    let mut ys: Vec<f64> = Vec::new();
    let work = unit_work(n);
    for c in 0..ncomp {
        let units = &order[start[c]..start[c + 1]];
        if units.is_empty() {
            continue;
        }
        b.parts += 1;
        let (Some(floors), Some(t)) = (floors.as_deref(), least) else {
            total += units.len();
            total_before += units.len();
            continue;
        };
        if t <= 0.0 {
            total += units.len();
            total_before += units.len();
            continue;
        }
        let mut all = Sums::new(pb.k);
        for &u in units {
            all.add(pb, rule, u as usize);
        }
        if all.population < t {
            b.dead_parts += 1;
            b.dead_units += units.len();
            b.dead_population += all.population;
            continue;
        }
        let by_population = whole(class_lp(all.population, &all.qualifying, floors));
        // the least district sizes need populations that never decrease a set's population
        let sizes = units.iter().all(|&u| pops[u as usize] >= 0.0);
        // anchors and the groups of the other units between them (the whole part when there
        // is no anchor)
        let anchors = units.iter().filter(|&&u| pops[u as usize] >= t).count();
        let mut by_groups = anchors;
        let mut by_groups_before = anchors;
        for &s in units {
            let s = s as usize;
            if pops[s] >= t || group_of[s] != u32::MAX {
                continue;
            }
            let gid = groups;
            groups += 1;
            group_of[s] = gid;
            stack.push(s);
            members.clear();
            let mut grp = Sums::new(pb.k);
            while let Some(u) = stack.pop() {
                grp.add(pb, rule, u);
                members.push(u as u32);
                for &v in g.neighbors(u) {
                    let v = v as usize;
                    if pops[v] < t && group_of[v] == u32::MAX {
                        group_of[v] = gid;
                        stack.push(v);
                    }
                }
            }
            let by_knapsack = whole(class_lp(grp.population, &grp.qualifying, floors));
            by_groups_before += by_knapsack;
            let mut by_group = by_knapsack;
            if sizes && by_knapsack > 0 {
                // (4.) sum over the group of p_u / m(u), m(u) bounded from below by the search
                ys.clear();
                for &u in &members {
                    let u = u as usize;
                    let y = if pops[u] <= 0.0 {
                        0.0
                    } else {
                        least_size
                            .bound(&g, &pops, &group_of, gid, u, t, work)
                            .map_or(0.0, |m| pops[u] / m.max(t))
                    };
                    ys.push(y);
                }
                let sum: f64 = ys.iter().sum();
                // (5.) clusters of cut vertices: at most one district meets each; (6.) hubs
                // with whole pieces
                let (cut, clusters, (tree, tree_hubs)) =
                    hubs.cut(&g, &pops, &group_of, gid, &members, &ys, t);
                let by_clusters = whole_sum(sum - cut, members.len());
                let by_sizes = by_clusters.min(tree);
                if by_sizes < by_knapsack {
                    b.groups_bounded_by_sizes += 1;
                    by_group = by_sizes;
                    if tree < by_clusters {
                        b.hub_clusters += tree_hubs;
                    } else if whole_sum(sum, members.len()) > by_clusters {
                        b.hub_clusters += clusters;
                    }
                }
            }
            by_groups += by_group;
        }
        b.anchors += anchors;
        if anchors > 0 && by_groups_before < by_population {
            b.parts_bounded_by_anchors += 1;
        }
        total_before += by_population.min(by_groups_before).min(units.len());
        total += by_population.min(by_groups).min(units.len());
    }
    // locked districts are kept whole: count the compliant ones
    let mut locked_ids: Vec<u32> = pb.locked.iter().flatten().copied().collect();
    locked_ids.sort_unstable();
    locked_ids.dedup();
    for id in &locked_ids {
        let mut t = vec![0.0; pb.k];
        for u in (0..n).filter(|&u| pb.locked[u] == Some(*id)) {
            for (a, v) in t.iter_mut().zip(pb.unit_totals(u)) {
                *a += v;
            }
        }
        if rule.is_compliant(&t) {
            b.locked_compliant += 1;
        }
    }
    total += b.locked_compliant;
    total_before += b.locked_compliant;
    let cap = |x: usize| match pb.district_count {
        Some(k) => x.min(k),
        None => x,
    };
    b.value = cap(total);
    b.without_sizes = cap(total_before);
    b.proof = proof(&b, pb, hard, floors.as_deref(), total);
    b
}

/// The proof of a bound in words.
fn proof(
    b: &UpperBound,
    pb: &Problem,
    hard: bool,
    floors: Option<&[ClassFloor]>,
    total: usize,
) -> Vec<String> {
    let mut out = Vec::new();
    let parts = if hard {
        "connected parts within nesting areas (a district cannot cross an area border)"
    } else {
        "connected components of the contiguity graph"
    };
    let Some(floors) = floors.filter(|f| !f.is_empty()) else {
        out.push(format!(
            "the rule does not state fixed thresholds, so the only bound is one district per unit over {} {parts}",
            b.parts
        ));
        return out;
    };
    let least = &floors[0];
    out.push(format!(
        "every district needs at least {} inhabitants (the least threshold of any class, {}); the units form {} {parts}",
        fmt_count(least.threshold),
        least.name,
        b.parts
    ));
    if b.dead_parts > 0 {
        out.push(format!(
            "{} of them ({} units, {} inhabitants) cannot reach that threshold with all their reachable neighbours and hold no compliant district",
            b.dead_parts,
            b.dead_units,
            fmt_count(b.dead_population)
        ));
    }
    out.push(
        "in every part the districts' thresholds add up to at most the part's population: at most floor(population / threshold) districts, taking the cheaper classes first"
            .to_string(),
    );
    for f in floors.iter().filter(|f| f.share_of.is_some()) {
        if let Some((_, s)) = f.share_of {
            out.push(format!(
                "a {} district (at least {}) needs more than {:.0}% of its population in qualifying units, so a part holds at most its qualifying population / ({:.0}% x {}) of them",
                f.name,
                fmt_count(f.threshold),
                100.0 * s,
                100.0 * s,
                fmt_count(f.threshold)
            ));
        }
    }
    if b.anchors > 0 {
        out.push(format!(
            "{} units reach {} on their own: each is in one district at most, and a district without one of them lies inside one group of the other units, which caps {} parts more tightly",
            b.anchors,
            fmt_count(least.threshold),
            b.parts_bounded_by_anchors
        ));
    }
    if b.groups_bounded_by_sizes > 0 {
        out.push(format!(
            "a district containing a unit u is a connected set containing u that reaches {}, so it holds at least the least population m(u) of such a set (bounded from below by a best-first search over the connected sets around u); each district has sum over its units of population / m(u) at least 1, so a group holds at most floor(sum over its units of population / m(u)) districts without an anchor, which caps {} groups more tightly (at most {} without the least sizes and hubs)",
            fmt_count(least.threshold),
            b.groups_bounded_by_sizes,
            b.without_sizes
        ));
    }
    if b.hub_clusters > 0 {
        out.push(format!(
            "{} units cut their group: each is in one district at most, a district meeting the pieces behind one of them (the part of the group it separates) either lies inside a piece or contains the unit, and a piece holds at most floor(sum of population / m(u)) districts (none when too small for one)",
            b.hub_clusters
        ));
    }
    if b.locked_compliant > 0 {
        out.push(format!(
            "{} locked districts are kept as they are and comply",
            b.locked_compliant
        ));
    }
    if let Some(k) = pb.district_count {
        if k < total {
            out.push(format!("the plan is asked for exactly {k} districts"));
        }
    }
    out.push(format!("hence at most {} compliant districts", b.value));
    out
}

/// A count with thousands separators (`80,000`), or the number as is when not whole.
fn fmt_count(x: f64) -> String {
    if x.fract() != 0.0 || x.abs() >= 1e15 {
        return format!("{x}");
    }
    let s = format!("{}", x.abs() as u64);
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if x < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Adjacency, UniformThreshold};

    fn strip(pops: &[f64]) -> Problem {
        let edges: Vec<(usize, usize, f64)> = (1..pops.len()).map(|i| (i - 1, i, 1.0)).collect();
        Problem::new(
            Adjacency::from_edges(pops.len(), &edges).unwrap(),
            pops.to_vec(),
            1,
        )
        .unwrap()
    }

    #[test]
    fn population_over_threshold() {
        // 6 x 10 inhabitants, 20 needed: 60 / 20 = 3
        let b = upper_bound(&strip(&[10.0; 6]), &UniformThreshold { threshold: 20.0 });
        assert_eq!(b.value, 3);
        assert_eq!(b.headline(3), "p = 3, at most 3 possible: optimal");
    }

    #[test]
    fn anchors_waste_their_surplus() {
        // 100 | 5 | 100 | 5 with threshold 20: population says 210 / 20 = 10, but the two large
        // units each anchor one district and the groups {5} and {5} hold none: 2
        let b = upper_bound(
            &strip(&[100.0, 5.0, 100.0, 5.0]),
            &UniformThreshold { threshold: 20.0 },
        );
        assert_eq!(b.value, 2);
        assert_eq!(b.anchors, 2);
        assert_eq!(b.parts_bounded_by_anchors, 1);
        assert_eq!(b.headline(1), "p = 1, at most 2 possible (gap 50.0%)");
    }

    #[test]
    fn dead_component_counts_nothing() {
        // units 0-1 (30 + 30) and 2-3 (5 + 5) in two components, threshold 20
        let g = Adjacency::from_edges(4, &[(0, 1, 1.0), (2, 3, 1.0)]).unwrap();
        let pb = Problem::new(g, vec![30.0, 30.0, 5.0, 5.0], 1).unwrap();
        let b = upper_bound(&pb, &UniformThreshold { threshold: 20.0 });
        assert_eq!((b.value, b.dead_parts, b.dead_units), (2, 1, 2));
        assert_eq!(b.dead_population, 10.0);
    }

    #[test]
    fn hard_nesting_cuts_parts() {
        // 4 x 10 in a strip, threshold 20, areas {0}, {1, 2}, {3}: only {1, 2} can comply
        let pb = strip(&[10.0; 4])
            .with_nesting(vec![0, 1, 1, 2], Nesting::Hard)
            .unwrap();
        let b = upper_bound(&pb, &UniformThreshold { threshold: 20.0 });
        assert_eq!((b.value, b.parts, b.dead_parts), (1, 3, 2));
        let soft = strip(&[10.0; 4])
            .with_nesting(vec![0, 1, 1, 2], Nesting::Soft)
            .unwrap();
        assert_eq!(
            upper_bound(&soft, &UniformThreshold { threshold: 20.0 }).value,
            2
        );
    }

    #[test]
    fn least_size_search() {
        // a star: centre 5 (unit 0), leaves 8, 9, 30; threshold 20: the least set around the
        // centre is {5, 8, 9} (22), around the leaf of 8 the same, around 30 {30} itself
        let g = Adjacency::from_edges(4, &[(0, 1, 1.0), (0, 2, 1.0), (0, 3, 1.0)]).unwrap();
        let pops = [5.0, 8.0, 9.0, 30.0];
        let group = [0, 0, 0, 0];
        let mut s = LeastSize::new(4);
        assert_eq!(s.bound(&g, &pops, &group, 0, 0, 20.0, 100), Some(22.0));
        assert_eq!(s.bound(&g, &pops, &group, 0, 1, 20.0, 100), Some(22.0));
        // with little work the bound is lower, never higher
        for work in 0..6 {
            let m = s.bound(&g, &pops, &group, 0, 0, 20.0, work).unwrap();
            assert!((20.0..=22.0).contains(&m), "{work}: {m}");
        }
        // without the leaf of 30 (another group) the centre reaches 22 still; with threshold 23
        // no set of the group {5, 8, 9} reaches it
        let group = [0, 0, 0, 1];
        assert_eq!(s.bound(&g, &pops, &group, 0, 0, 20.0, 100), Some(22.0));
        assert_eq!(s.bound(&g, &pops, &group, 0, 0, 23.0, 100), None);
    }

    #[test]
    fn formatted_counts() {
        assert_eq!(fmt_count(80000.0), "80,000");
        assert_eq!(fmt_count(1234567.0), "1,234,567");
        assert_eq!(fmt_count(999.0), "999");
        assert_eq!(fmt_count(2.5), "2.5");
    }
}
