//! The flow model: contiguity as flow on a rooted spanning forest (Shirabe 2005; the flow form
//! of Duque, Anselin & Rey 2012), for instances whose minimal connected sets are too many to
//! enumerate.
//!
//! Every unit is a root or sends its population, plus what it receives, to exactly one
//! neighbour; a compliant root collects at least the threshold. Per unit `i`: `r_i` (root of a
//! compliant district), `q_i` (root of a non-compliant one, so that every instance is
//! feasible), `D_i` (population collected at `i`); per arc `i -> j` of the search graph: `a_ij`
//! (parent choice) and flow `f_ij`:
//!
//! ```text
//! max  sum r_i
//! s.t. sum_j a_ij + r_i + q_i = 1                      (one parent, or a root)
//!      f_ij <= M a_ij                                  (flow only on chosen arcs)
//!      sum_j f_ij - sum_j f_ji + D_i = w_i              (population flows to the root)
//!      D_i >= t r_i,  D_i <= M (r_i + q_i)             (a compliant root reaches t)
//!      a_ij + a_ji <= 1,  p_warm + 1 <= sum r_i <= B    (B: the combinatorial bound)
//! ```
//!
//! Positive weights `w_i` (population plus a tiny constant) forbid cycles, so the parent arcs
//! form trees and every district is connected.

use coin_cbc::Model;

use super::{ExactOptions, Instance, Solved};

/// Solves the flow model for more districts than the heuristic's, at most `bound`.
pub(super) fn solve(inst: &Instance, bound: usize, opts: &ExactOptions) -> Solved {
    let n = inst.n;
    let g = &inst.g;
    let t = inst.t;
    let pop = &inst.pop;
    let live = &inst.live;
    let total: f64 = pop.iter().sum::<f64>();
    // a tiny positive weight per unit forbids zero-population cycles without changing which
    // districts comply (checked on the decoded plan)
    let eps = (t.abs().max(1.0)) * 1e-7 / n.max(1) as f64;
    let w: Vec<f64> = pop.iter().map(|p| p + eps).collect();
    let big = total + eps * n as f64 + 1.0;

    let mut m = Model::default();
    Instance::configure(&mut m, opts);
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
    m.set_row_lower(cap, (inst.beat + 1) as f64);

    let sol = m.solve();
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
    Solved::from_cbc(sol.raw(), Some(root_of))
}
