//! Exact max-p for small instances: a mixed-integer programme solved by COIN-OR CBC (Debian's
//! `coinor-libcbc-dev`, through the `coin_cbc` crate, behind the `exact` feature).
//!
//! Contiguity is written as flow on a rooted spanning forest (Shirabe 2005; the flow form of
//! Duque, Anselin & Rey 2012): every unit is a root or sends its population, plus what it
//! receives, to exactly one neighbour; a compliant root collects at least the threshold. Per
//! unit `i`: `r_i` (root of a compliant district), `q_i` (root of a non-compliant one, so that
//! every instance is feasible), `D_i` (population collected at `i`); per arc `i -> j` of the
//! search graph: `a_ij` (parent choice) and flow `f_ij`:
//!
//! ```text
//! max  sum r_i
//! s.t. sum_j a_ij + r_i + q_i = 1                      (one parent, or a root)
//!      f_ij <= M a_ij                                  (flow only on chosen arcs)
//!      sum_j f_ij - sum_j f_ji + D_i = w_i              (population flows to the root)
//!      D_i >= t r_i,  D_i <= M (r_i + q_i)             (a compliant root reaches t)
//!      a_ij + a_ji <= 1,  sum r_i <= B                  (B: the combinatorial bound)
//! ```
//!
//! Positive weights `w_i` (population plus a tiny constant) forbid cycles, so the parent arcs
//! form trees and every district is connected. The heuristic's plan is the warm start; the
//! result is "optimal" with CBC's certificate, or the best plan found with the smaller of CBC's
//! bound and [`crate::upper_bound`].

use serde::Serialize;
use std::time::Duration;

use crate::bound::upper_bound;
use crate::plan::Plan;
use crate::problem::Problem;
use crate::rule::DistrictRule;

/// Settings of [`exact_max_districts`].
#[derive(Debug, Clone)]
pub struct ExactOptions {
    /// Time limit of the MILP solver.
    pub time_limit: Duration,
    /// Largest instance (units) handed to the solver; larger ones keep the heuristic's plan.
    pub max_units: usize,
}

impl Default for ExactOptions {
    fn default() -> Self {
        Self {
            time_limit: Duration::from_secs(60),
            max_units: 600,
        }
    }
}

/// How an exact run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ExactStatus {
    /// The plan is optimal: no plan has more compliant districts.
    Optimal,
    /// The best plan found within the time limit; no plan has more than `bound`.
    BestFound {
        /// Proven ceiling.
        bound: usize,
    },
    /// Too many units for the exact solver: the heuristic's plan and the bound.
    TooLarge {
        /// Units of the instance.
        units: usize,
        /// The limit.
        limit: usize,
    },
    /// The instance has constraints the exact model does not express (the reason).
    Unsupported {
        /// What is not supported.
        reason: String,
    },
    /// This build has no MILP solver (the `exact` feature is off).
    Unavailable,
}

/// Result of [`exact_max_districts`]: the plan, how it ended, and the bound in force.
#[derive(Debug, Clone, Serialize)]
pub struct ExactOutcome {
    /// The plan (the solver's, or the heuristic's when the solver did not improve or run).
    pub plan: Plan,
    /// How the run ended.
    pub status: ExactStatus,
    /// No plan has more compliant districts than this.
    pub bound: usize,
}

impl ExactOutcome {
    /// The outcome in words, e.g. "exact: optimal, p = 17 (CBC certificate)".
    pub fn describe(&self) -> String {
        let p = self.plan.compliant_count();
        match &self.status {
            ExactStatus::Optimal => format!("exact: optimal, p = {p}, no plan has more"),
            ExactStatus::BestFound { bound } => format!(
                "exact: best found p = {p} within the time limit, bound {bound} (gap {} district{})",
                bound - p.min(*bound),
                if bound - p.min(*bound) == 1 { "" } else { "s" }
            ),
            ExactStatus::TooLarge { units, limit } => format!(
                "exact: {units} units is more than the exact solver takes ({limit}): heuristic plan p = {p}, bound {}",
                self.bound
            ),
            ExactStatus::Unsupported { reason } => format!(
                "exact: not attempted ({reason}): heuristic plan p = {p}, bound {}",
                self.bound
            ),
            ExactStatus::Unavailable => format!(
                "exact: this build has no MILP solver (feature `exact`): heuristic plan p = {p}, bound {}",
                self.bound
            ),
        }
    }
}

/// Why the exact model cannot take this problem, if it cannot.
fn unsupported(pb: &Problem, rule: &dyn DistrictRule) -> Option<String> {
    let floors = rule.class_floors().unwrap_or_default();
    let one = floors.windows(2).all(|w| w[0].threshold == w[1].threshold);
    if floors.is_empty() || !one {
        return Some("class-dependent thresholds".into());
    }
    if pb.groups.iter().any(|g| g.len() > 1) || pb.conflicts.iter().any(|c| !c.is_empty()) {
        return Some("must-link or cannot-link pairs".into());
    }
    if pb.district_count.is_some() {
        return Some("a fixed district count".into());
    }
    None
}

/// Solves max-p exactly (within the time limit) from the heuristic's plan `warm`.
pub fn exact_max_districts(
    pb: &Problem,
    rule: &dyn DistrictRule,
    warm: Plan,
    opts: &ExactOptions,
) -> ExactOutcome {
    let bound = upper_bound(pb, rule).value;
    let p = warm.compliant_count();
    if p >= bound {
        return ExactOutcome {
            plan: warm,
            status: ExactStatus::Optimal,
            bound,
        };
    }
    let keep = |status| ExactOutcome {
        plan: warm.clone(),
        status,
        bound,
    };
    if pb.len() > opts.max_units {
        return keep(ExactStatus::TooLarge {
            units: pb.len(),
            limit: opts.max_units,
        });
    }
    if let Some(reason) = unsupported(pb, rule) {
        return keep(ExactStatus::Unsupported { reason });
    }
    solve(pb, rule, &warm, bound, opts).unwrap_or_else(|| keep(ExactStatus::Unavailable))
}

#[cfg(not(feature = "exact"))]
fn solve(
    _pb: &Problem,
    _rule: &dyn DistrictRule,
    _warm: &Plan,
    _bound: usize,
    _opts: &ExactOptions,
) -> Option<ExactOutcome> {
    None
}

#[cfg(feature = "exact")]
fn solve(
    pb: &Problem,
    rule: &dyn DistrictRule,
    warm: &Plan,
    bound: usize,
    opts: &ExactOptions,
) -> Option<ExactOutcome> {
    use crate::maxp::search_graph;
    use crate::problem::Nesting;
    use coin_cbc::{Model, Sense};

    let n = pb.len();
    let hard = pb.nesting == Nesting::Hard && pb.area.is_some();
    let g = search_graph(pb, hard);
    let floors = rule.class_floors().unwrap_or_default();
    let t = floors.first().map_or(0.0, |f| f.threshold);
    let pop: Vec<f64> = (0..n).map(|u| rule.population(pb.unit_totals(u))).collect();
    let total: f64 = pop.iter().sum::<f64>();
    // a tiny positive weight per unit forbids zero-population cycles without changing which
    // districts comply (checked on the decoded plan)
    let eps = (t.abs().max(1.0)) * 1e-7 / n.max(1) as f64;
    let w: Vec<f64> = pop.iter().map(|p| p + eps).collect();
    let big = total + eps * n as f64 + 1.0;
    // locked units and the heuristic's provably infeasible groups stay outside the model
    let mut live: Vec<bool> = (0..n).map(|u| pb.locked[u].is_none()).collect();
    for grp in &warm.infeasible {
        for &u in &grp.units {
            live[u as usize] = false;
        }
    }

    let mut m = Model::default();
    m.set_parameter("log", "0");
    m.set_parameter("slogLevel", "0");
    m.set_parameter(
        "sec",
        &format!("{}", opts.time_limit.as_secs_f64().max(0.1)),
    );
    m.set_obj_sense(Sense::Maximize);
    let r: Vec<_> = (0..n).map(|_| m.add_binary()).collect();
    let q: Vec<_> = (0..n).map(|_| m.add_binary()).collect();
    let d: Vec<_> = (0..n).map(|_| m.add_col()).collect();
    // arcs u -> v in the search graph, by their position in u's neighbour list
    let mut arcs: Vec<(usize, usize)> = Vec::new();
    for u in 0..n {
        for &v in g.neighbors(u) {
            if live[u] && live[v as usize] {
                arcs.push((u, v as usize));
            }
        }
    }
    let a: Vec<_> = arcs.iter().map(|_| m.add_binary()).collect();
    let f: Vec<_> = arcs.iter().map(|_| m.add_col()).collect();
    for u in 0..n {
        m.set_obj_coeff(r[u], 1.0);
        if !live[u] {
            m.set_col_upper(r[u], 0.0);
            m.set_col_upper(q[u], 0.0);
            m.set_col_upper(d[u], 0.0);
        }
    }
    let mut one_parent: Vec<_> = Vec::with_capacity(n);
    let mut balance: Vec<_> = Vec::with_capacity(n);
    for u in 0..n {
        let row = m.add_row();
        m.set_weight(row, r[u], 1.0);
        m.set_weight(row, q[u], 1.0);
        let rhs = if live[u] { 1.0 } else { 0.0 };
        m.set_row_equal(row, rhs);
        one_parent.push(row);
        let b = m.add_row();
        m.set_weight(b, d[u], 1.0);
        m.set_row_equal(b, if live[u] { w[u] } else { 0.0 });
        balance.push(b);
        // D_i >= t r_i and D_i <= M (r_i + q_i)
        let lo = m.add_row();
        m.set_weight(lo, d[u], 1.0);
        m.set_weight(lo, r[u], -t);
        m.set_row_lower(lo, 0.0);
        let hi = m.add_row();
        m.set_weight(hi, d[u], 1.0);
        m.set_weight(hi, r[u], -big);
        m.set_weight(hi, q[u], -big);
        m.set_row_upper(hi, 0.0);
    }
    let mut arc_index = std::collections::HashMap::with_capacity(arcs.len());
    for (k, &(u, v)) in arcs.iter().enumerate() {
        arc_index.insert((u, v), k);
        m.set_weight(one_parent[u], a[k], 1.0);
        m.set_weight(balance[u], f[k], 1.0);
        m.set_weight(balance[v], f[k], -1.0);
        let cap = m.add_row();
        m.set_weight(cap, f[k], 1.0);
        m.set_weight(cap, a[k], -big);
        m.set_row_upper(cap, 0.0);
    }
    for (k, &(u, v)) in arcs.iter().enumerate() {
        if u < v {
            if let Some(&back) = arc_index.get(&(v, u)) {
                let row = m.add_row();
                m.set_weight(row, a[k], 1.0);
                m.set_weight(row, a[back], 1.0);
                m.set_row_upper(row, 1.0);
            }
        }
    }
    let cap = m.add_row();
    for &x in &r {
        m.set_weight(cap, x, 1.0);
    }
    m.set_row_upper(cap, bound as f64);

    // warm start: every district of the heuristic's plan as a BFS tree towards its first unit
    let labels = &warm.district_of;
    let mut parent = vec![usize::MAX; n];
    let mut seen = vec![false; n];
    let mut order: Vec<usize> = Vec::with_capacity(n);
    for root in 0..n {
        if !live[root] || seen[root] {
            continue;
        }
        let dl = labels[root];
        let start = order.len();
        seen[root] = true;
        order.push(root);
        let mut i = start;
        while i < order.len() {
            let x = order[i];
            for &y in g.neighbors(x) {
                let y = y as usize;
                if live[y] && !seen[y] && labels[y] == dl {
                    seen[y] = true;
                    parent[y] = x;
                    order.push(y);
                }
            }
            i += 1;
        }
        let compliant = warm.districts.get(dl as usize).is_some_and(|s| s.compliant);
        // subtree sums, leaves first
        let mut sub: std::collections::HashMap<usize, f64> =
            order[start..].iter().map(|&x| (x, w[x])).collect();
        for &x in order[start..].iter().rev() {
            if parent[x] != usize::MAX {
                let s = sub[&x];
                *sub.get_mut(&parent[x]).expect("parent in tree") += s;
                let k = arc_index[&(x, parent[x])];
                m.set_col_initial_solution(a[k], 1.0);
                m.set_col_initial_solution(f[k], s);
            }
        }
        let col = if compliant { r[root] } else { q[root] };
        m.set_col_initial_solution(col, 1.0);
        m.set_col_initial_solution(d[root], sub[&root]);
    }

    let sol = m.solve();
    let raw = sol.raw();
    let cbc_bound = raw.best_possible_value();
    let proven = raw.is_proven_optimal();
    let mut bound_now = if cbc_bound.is_finite() {
        bound.min((cbc_bound + 1e-6).floor().max(0.0) as usize)
    } else {
        bound
    };
    if proven {
        bound_now = bound_now.min((raw.obj_value() + 1e-6).floor().max(0.0) as usize);
    }
    // decode: follow parent arcs to the roots
    let mut up = vec![usize::MAX; n];
    let mut is_root = vec![false; n];
    for u in 0..n {
        if live[u] && (sol.col(r[u]) > 0.5 || sol.col(q[u]) > 0.5) {
            is_root[u] = true;
        }
    }
    for (k, &(u, v)) in arcs.iter().enumerate() {
        if sol.col(a[k]) > 0.5 {
            up[u] = v;
        }
    }
    let mut root_of = vec![usize::MAX; n];
    for u in 0..n {
        if !live[u] {
            continue;
        }
        let mut x = u;
        let mut steps = 0;
        while !is_root[x] && up[x] != usize::MAX && steps <= n {
            x = up[x];
            steps += 1;
        }
        if is_root[x] {
            root_of[u] = x;
        }
    }
    let decoded = crate::plan::plan_from_roots(pb, rule, &root_of, &live, warm);
    let better = decoded
        .as_ref()
        .is_some_and(|p| p.compliant_count() > warm.compliant_count());
    let plan = if better {
        decoded.expect("checked above")
    } else {
        warm.clone()
    };
    let p = plan.compliant_count();
    let status = if p >= bound_now {
        ExactStatus::Optimal
    } else {
        ExactStatus::BestFound { bound: bound_now }
    };
    Some(ExactOutcome {
        plan,
        status,
        bound: bound_now,
    })
}
