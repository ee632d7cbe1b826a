//! Contiguity graph of the units in compressed sparse row form (rook edges plus bridges).

use crate::PlanError;

/// Undirected contiguity graph over units `0..n`, stored as compressed sparse rows.
///
/// Every edge carries a weight (shared border length, or 1 when unknown) used by the
/// compactness objective (the weighted length of district borders).
#[derive(Debug, Clone)]
pub struct Adjacency {
    offsets: Vec<usize>,
    targets: Vec<u32>,
    weights: Vec<f64>,
}

impl Adjacency {
    /// Builds the graph from an edge list `(i, j, weight)`; duplicates are merged, self-loops dropped.
    pub fn from_edges(n: usize, edges: &[(usize, usize, f64)]) -> Result<Self, PlanError> {
        let mut pairs: Vec<(u32, u32, f64)> = Vec::with_capacity(edges.len() * 2);
        for (k, &(i, j, w)) in edges.iter().enumerate() {
            if i >= n || j >= n {
                return Err(PlanError::EdgeOutOfRange {
                    edge: k,
                    unit: i.max(j),
                    n,
                });
            }
            if i == j {
                continue;
            }
            let w = if w.is_finite() && w > 0.0 { w } else { 1.0 };
            pairs.push((i as u32, j as u32, w));
            pairs.push((j as u32, i as u32, w));
        }
        pairs.sort_by_key(|a| (a.0, a.1));
        pairs.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        let mut offsets = vec![0usize; n + 1];
        for &(i, _, _) in &pairs {
            offsets[i as usize + 1] += 1;
        }
        for k in 0..n {
            offsets[k + 1] += offsets[k];
        }
        let targets = pairs.iter().map(|p| p.1).collect();
        let weights = pairs.iter().map(|p| p.2).collect();
        Ok(Self {
            offsets,
            targets,
            weights,
        })
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether the graph has no units.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of undirected edges.
    pub fn edge_count(&self) -> usize {
        self.targets.len() / 2
    }

    /// Neighbours of unit `u`.
    pub fn neighbors(&self, u: usize) -> &[u32] {
        &self.targets[self.offsets[u]..self.offsets[u + 1]]
    }

    /// Neighbours of unit `u` with the weight of the shared edge.
    pub fn weighted_neighbors(&self, u: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let r = self.offsets[u]..self.offsets[u + 1];
        self.targets[r.clone()]
            .iter()
            .zip(&self.weights[r])
            .map(|(&v, &w)| (v as usize, w))
    }

    /// Degree of unit `u`.
    pub fn degree(&self, u: usize) -> usize {
        self.offsets[u + 1] - self.offsets[u]
    }

    /// Whether `u` and `v` share an edge.
    pub fn are_adjacent(&self, u: usize, v: usize) -> bool {
        self.neighbors(u).binary_search(&(v as u32)).is_ok()
    }

    /// The subgraph keeping only the edges for which `keep(i, j)` holds.
    pub fn filtered(&self, keep: impl Fn(usize, usize) -> bool) -> Self {
        let n = self.len();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut targets = Vec::with_capacity(self.targets.len());
        let mut weights = Vec::with_capacity(self.targets.len());
        offsets.push(0);
        for u in 0..n {
            for (v, w) in self.weighted_neighbors(u) {
                if keep(u, v) {
                    targets.push(v as u32);
                    weights.push(w);
                }
            }
            offsets.push(targets.len());
        }
        Self {
            offsets,
            targets,
            weights,
        }
    }

    /// Connected components: a component index per unit and the number of components.
    pub fn components(&self) -> (Vec<u32>, usize) {
        let n = self.len();
        let mut comp = vec![u32::MAX; n];
        let mut stack = Vec::new();
        let mut count = 0u32;
        for s in 0..n {
            if comp[s] != u32::MAX {
                continue;
            }
            comp[s] = count;
            stack.push(s);
            while let Some(u) = stack.pop() {
                for &v in self.neighbors(u) {
                    if comp[v as usize] == u32::MAX {
                        comp[v as usize] = count;
                        stack.push(v as usize);
                    }
                }
            }
            count += 1;
        }
        (comp, count as usize)
    }

    /// Components of the subgraph induced by the units with `label[u] == label` for every label:
    /// returns, per unit, the index of its component among those of its own label.
    pub fn components_within(&self, labels: &[u32]) -> Vec<u32> {
        let n = self.len();
        let mut comp = vec![u32::MAX; n];
        let mut next_of_label: std::collections::HashMap<u32, u32> = Default::default();
        let mut stack = Vec::new();
        for s in 0..n {
            if comp[s] != u32::MAX {
                continue;
            }
            let l = labels[s];
            let c = next_of_label.entry(l).or_insert(0);
            let id = *c;
            *c += 1;
            comp[s] = id;
            stack.push(s);
            while let Some(u) = stack.pop() {
                for &v in self.neighbors(u) {
                    let v = v as usize;
                    if comp[v] == u32::MAX && labels[v] == l {
                        comp[v] = id;
                        stack.push(v);
                    }
                }
            }
        }
        comp
    }
}

/// Reusable scratch space for connectivity tests of small unit sets.
#[derive(Debug, Clone)]
pub(crate) struct Marks {
    stamp: Vec<u32>,
    now: u32,
    stack: Vec<u32>,
}

impl Marks {
    pub(crate) fn new(n: usize) -> Self {
        Self {
            stamp: vec![0; n],
            now: 0,
            stack: Vec::new(),
        }
    }

    fn next(&mut self) -> u32 {
        self.now = self.now.wrapping_add(1);
        if self.now == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.now = 1;
        }
        self.now
    }

    /// Whether the units with `label[u] == l`, except `removed`, still form one connected set
    /// of `expected` units, searching from `start`.
    pub(crate) fn connected_without(
        &mut self,
        g: &Adjacency,
        label: &[u32],
        l: u32,
        removed: usize,
        start: usize,
        expected: usize,
    ) -> bool {
        let t = self.next();
        self.stamp[removed] = t;
        self.stamp[start] = t;
        self.stack.clear();
        self.stack.push(start as u32);
        let mut seen = 1;
        while let Some(u) = self.stack.pop() {
            for &v in g.neighbors(u as usize) {
                let vu = v as usize;
                if self.stamp[vu] != t && label[vu] == l {
                    self.stamp[vu] = t;
                    seen += 1;
                    if seen == expected {
                        return true;
                    }
                    self.stack.push(v);
                }
            }
        }
        seen == expected
    }

    /// Whether the units of `set` are connected in `g` (every unit of `set` must be distinct).
    pub(crate) fn set_connected(&mut self, g: &Adjacency, set: &[u32]) -> bool {
        if set.len() <= 1 {
            return true;
        }
        let member = self.next();
        for &u in set {
            self.stamp[u as usize] = member;
        }
        let seen_mark = self.next();
        self.stack.clear();
        self.stack.push(set[0]);
        self.stamp[set[0] as usize] = seen_mark;
        let mut seen = 1;
        while let Some(u) = self.stack.pop() {
            for &v in g.neighbors(u as usize) {
                if self.stamp[v as usize] == member {
                    self.stamp[v as usize] = seen_mark;
                    seen += 1;
                    self.stack.push(v);
                }
            }
        }
        seen == set.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_components_and_cut() {
        // 0-1-2  3
        let g = Adjacency::from_edges(4, &[(0, 1, 1.0), (1, 2, 1.0), (2, 1, 1.0)]).unwrap();
        assert_eq!(g.edge_count(), 2);
        let (c, k) = g.components();
        assert_eq!(k, 2);
        assert_eq!(c, vec![0, 0, 0, 1]);
        let label = vec![0, 0, 0, 1];
        let mut m = Marks::new(4);
        // removing the middle of a path disconnects it
        assert!(!m.connected_without(&g, &label, 0, 1, 0, 2));
        assert!(m.connected_without(&g, &label, 0, 2, 0, 2));
        assert!(m.set_connected(&g, &[0, 1]));
        assert!(!m.set_connected(&g, &[0, 2]));
    }

    #[test]
    fn edge_out_of_range_is_an_error() {
        assert!(Adjacency::from_edges(2, &[(0, 2, 1.0)]).is_err());
    }
}
