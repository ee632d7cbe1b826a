//! The set-packing model: one binary per minimal compliant connected set, one row per unit.
//!
//! ```text
//! max  sum_S x_S
//! s.t. sum_{S ∋ u} x_S <= 1    for every unit u
//!      p_warm + 1 <= sum_S x_S <= B
//! ```
//!
//! (`p_warm`: the heuristic's compliant districts; `B`: the combinatorial bound.)
//!
//! A solution is decoded into a plan by letting every unit outside the chosen sets join the
//! nearest chosen set (breadth first over the search graph, so every district stays connected).

use std::collections::VecDeque;
use std::ffi::CString;
use std::os::raw::c_int;

use coin_cbc::{raw, Sense};

use super::{ExactOptions, Instance, Solved};
use crate::connected_sets::ConnectedSets;

/// Solves the set packing over `sets` for more districts than the heuristic's, at most `bound`.
///
/// The matrix goes to CBC column by column in one call (a set's rows are its units, already
/// sorted, then the count row `n`): hundreds of thousands of sets take little memory.
pub(super) fn solve(
    inst: &Instance,
    sets: &ConnectedSets,
    bound: usize,
    opts: &ExactOptions,
) -> Solved {
    let n = inst.n;
    let cols = sets.len();
    let mut start: Vec<c_int> = Vec::with_capacity(cols + 1);
    let mut index: Vec<c_int> = Vec::with_capacity(sets.units.len() + cols);
    start.push(0);
    for k in 0..cols {
        index.extend(sets.set(k).iter().map(|&u| u as c_int));
        index.push(n as c_int);
        start.push(index.len() as c_int);
    }
    let value = vec![1.0; index.len()];
    let ones = vec![1.0; cols];
    let mut row_lower = vec![0.0; n + 1];
    let mut row_upper = vec![1.0; n + 1];
    row_lower[n] = (inst.beat + 1) as f64;
    row_upper[n] = bound as f64;
    let mut m = raw::Model::new();
    m.load_problem(
        cols,
        n + 1,
        &start,
        &index,
        &value,
        Some(&vec![0.0; cols]),
        Some(&ones),
        Some(&ones),
        Some(&row_lower),
        Some(&row_upper),
    );
    for k in 0..cols {
        m.set_integer(k);
    }
    m.set_obj_sense(Sense::Maximize);
    let seconds = format!("{}", opts.time_limit.as_secs_f64().max(0.1));
    for (key, value) in [("log", "0"), ("slogLevel", "0"), ("sec", seconds.as_str())] {
        let (key, value) = (CString::new(key), CString::new(value));
        if let (Ok(key), Ok(value)) = (key, value) {
            m.set_parameter(&key, &value);
        }
    }
    m.solve();
    let x = m.col_solution();
    let chosen: Vec<usize> = (0..cols).filter(|&k| x[k] > 0.5).collect();
    let root_of = roots(inst, sets, &chosen);
    Solved::from_cbc(&m, root_of)
}

/// Each live unit's root (the first unit of the chosen set it joins), after adding any set
/// disjoint from the chosen ones; none when a live unit can reach no chosen set.
fn roots(inst: &Instance, sets: &ConnectedSets, chosen: &[usize]) -> Option<Vec<usize>> {
    let n = inst.n;
    let mut root_of = vec![usize::MAX; n];
    let mut queue = VecDeque::new();
    let mut take = |k: usize, root_of: &mut Vec<usize>| {
        let set = sets.set(k);
        if set.iter().any(|&u| root_of[u as usize] != usize::MAX) {
            return;
        }
        for &u in set {
            root_of[u as usize] = set[0] as usize;
            queue.push_back(u as usize);
        }
    };
    for &k in chosen {
        take(k, &mut root_of);
    }
    // a solver stopped early may leave room for more sets
    for k in 0..sets.len() {
        take(k, &mut root_of);
    }
    while let Some(u) = queue.pop_front() {
        for &v in inst.g.neighbors(u) {
            let v = v as usize;
            if inst.live[v] && root_of[v] == usize::MAX {
                root_of[v] = root_of[u];
                queue.push_back(v);
            }
        }
    }
    (0..n)
        .all(|u| !inst.live[u] || root_of[u] != usize::MAX)
        .then_some(root_of)
}
