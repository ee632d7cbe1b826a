//! Mutable search state: the region of every unit, region members and summed totals.

use crate::graph::{Adjacency, Marks};
use crate::heterogeneity::{distance_to_members, district_heterogeneity};
use crate::problem::{Problem, Tiebreak};
use crate::rule::DistrictRule;

/// Label of a unit that the current construction may still assign.
pub(crate) const FREE: u32 = u32::MAX;
/// Label of a unit outside the search (locked, or outside the current neighbourhood).
pub(crate) const OUT: u32 = u32::MAX - 1;
/// Label of a unit whose region failed to grow; it joins a neighbouring region later.
pub(crate) const ENCLAVE: u32 = u32::MAX - 2;

/// Whether `l` names a region (not one of the special labels).
pub(crate) fn is_region(l: u32) -> bool {
    l < ENCLAVE
}

/// Everything the search reads but never changes.
pub(crate) struct Ctx<'a> {
    pub pb: &'a Problem,
    pub rule: &'a dyn DistrictRule,
    /// Search graph: edges a district may contain (nesting and locked units filtered out).
    pub g: &'a Adjacency,
    pub tiebreak: Tiebreak,
    /// Cost of one cut edge (a link of the contiguity graph between two districts) added to
    /// the tie-break objective; 0: none.
    pub cut_weight: f64,
}

impl Ctx<'_> {
    /// Whether totals meet the rule and the maximum population.
    pub fn acceptable(&self, totals: &[f64]) -> bool {
        self.rule.is_compliant(totals) && self.under_max(totals)
    }

    /// Whether totals respect the maximum population.
    pub fn under_max(&self, totals: &[f64]) -> bool {
        match self.pb.max_population {
            Some(mx) => self.rule.population(totals) <= mx,
            None => true,
        }
    }

    /// Objective contribution of a region (heterogeneity, or its weighted perimeter), plus half
    /// the cut-edge cost of the links leaving it (a link between two regions is counted by
    /// both, so the regions' sum is the plan's cut-edge cost).
    pub fn region_objective(
        &self,
        label: &[u32],
        r: u32,
        members: &[u32],
        buf: &mut Vec<f64>,
    ) -> f64 {
        let cut = if self.cut_weight > 0.0 {
            let leaving: usize = members
                .iter()
                .map(|&u| {
                    self.pb
                        .graph
                        .neighbors(u as usize)
                        .iter()
                        .filter(|&&v| label[v as usize] != r)
                        .count()
                })
                .sum();
            0.5 * self.cut_weight * leaving as f64
        } else {
            0.0
        };
        cut + self.tiebreak_objective(label, r, members, buf)
    }

    fn tiebreak_objective(
        &self,
        label: &[u32],
        r: u32,
        members: &[u32],
        buf: &mut Vec<f64>,
    ) -> f64 {
        match self.tiebreak {
            Tiebreak::Heterogeneity => {
                district_heterogeneity(&self.pb.attrs, self.pb.m, members, buf)
            }
            Tiebreak::Compactness => members
                .iter()
                .map(|&u| {
                    self.pb
                        .graph
                        .weighted_neighbors(u as usize)
                        .filter(|&(v, _)| label[v] != r)
                        .map(|(_, w)| w)
                        .sum::<f64>()
                })
                .sum(),
        }
    }

    /// Change of objective when unit `u` leaves region `from` for region `to`.
    #[cfg(test)]
    pub fn move_delta(&self, st: &State, u: usize, from: u32, to: u32) -> f64 {
        self.attachment(st, u, to) - self.attachment(st, u, from)
    }

    /// The part of the objective that unit `u` brings to (or with) region `q`, such that moving
    /// `u` from region `a` to region `b` changes the objective by `attachment(b) -
    /// attachment(a)`: its attribute distance to the members, less the links it shares with
    /// them (each cut edge costs `cut_weight`; under the compactness tie-break each shared
    /// border counts twice, once from each side).
    pub fn attachment(&self, st: &State, u: usize, q: u32) -> f64 {
        let mut c = 0.0;
        if self.cut_weight > 0.0 {
            let links = self
                .pb
                .graph
                .neighbors(u)
                .iter()
                .filter(|&&v| st.label[v as usize] == q)
                .count();
            c -= self.cut_weight * links as f64;
        }
        c + match self.tiebreak {
            Tiebreak::Heterogeneity => {
                distance_to_members(&self.pb.attrs, self.pb.m, u, &st.members[q as usize])
            }
            Tiebreak::Compactness => {
                -2.0 * self
                    .pb
                    .graph
                    .weighted_neighbors(u)
                    .filter(|&(v, _)| st.label[v] == q)
                    .map(|(_, w)| w)
                    .sum::<f64>()
            }
        }
    }
}

/// Region labels, members and totals.
#[derive(Clone)]
pub(crate) struct State {
    pub label: Vec<u32>,
    pub members: Vec<Vec<u32>>,
    pos: Vec<u32>,
    pub totals: Vec<f64>,
    free_ids: Vec<u32>,
    k: usize,
    pub live: usize,
}

impl State {
    pub fn new(label: Vec<u32>, k: usize) -> Self {
        let n = label.len();
        Self {
            label,
            members: Vec::new(),
            pos: vec![0; n],
            totals: Vec::new(),
            free_ids: Vec::new(),
            k,
            live: 0,
        }
    }

    pub fn new_region(&mut self) -> u32 {
        self.live += 1;
        if let Some(r) = self.free_ids.pop() {
            return r;
        }
        self.members.push(Vec::new());
        self.totals.extend(std::iter::repeat_n(0.0, self.k));
        (self.members.len() - 1) as u32
    }

    /// Releases an empty region id.
    pub fn drop_region(&mut self, r: u32) {
        debug_assert!(self.members[r as usize].is_empty());
        let k = self.k;
        self.totals[r as usize * k..(r as usize + 1) * k]
            .iter_mut()
            .for_each(|t| *t = 0.0);
        self.free_ids.push(r);
        self.live -= 1;
    }

    pub fn region_totals(&self, r: u32) -> &[f64] {
        &self.totals[r as usize * self.k..(r as usize + 1) * self.k]
    }

    pub fn size(&self, r: u32) -> usize {
        self.members[r as usize].len()
    }

    /// Puts unit `u` (currently not in a region) into region `r`.
    pub fn add(&mut self, pb: &Problem, u: usize, r: u32) {
        debug_assert!(!is_region(self.label[u]));
        self.label[u] = r;
        let ms = &mut self.members[r as usize];
        self.pos[u] = ms.len() as u32;
        ms.push(u as u32);
        let k = self.k;
        let t = &mut self.totals[r as usize * k..(r as usize + 1) * k];
        for (a, b) in t.iter_mut().zip(pb.unit_totals(u)) {
            *a += b;
        }
    }

    /// Takes unit `u` out of its region and gives it label `to_label`.
    pub fn remove(&mut self, pb: &Problem, u: usize, to_label: u32) {
        let r = self.label[u];
        debug_assert!(is_region(r));
        let ms = &mut self.members[r as usize];
        let p = self.pos[u] as usize;
        ms.swap_remove(p);
        if p < ms.len() {
            self.pos[ms[p] as usize] = p as u32;
        }
        self.label[u] = to_label;
        let k = self.k;
        let t = &mut self.totals[r as usize * k..(r as usize + 1) * k];
        for (a, b) in t.iter_mut().zip(pb.unit_totals(u)) {
            *a -= b;
        }
    }

    /// Moves unit `u` to region `to`.
    pub fn shift(&mut self, pb: &Problem, u: usize, to: u32) {
        self.remove(pb, u, FREE);
        self.add(pb, u, to);
    }

    /// Live region ids.
    pub fn regions(&self) -> impl Iterator<Item = u32> + '_ {
        self.members
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.is_empty())
            .map(|(r, _)| r as u32)
    }

    /// Totals of region `r` plus (sign = 1) or minus (sign = -1) the totals of `units`.
    pub fn totals_with(&self, pb: &Problem, r: u32, units: &[u32], sign: f64, out: &mut Vec<f64>) {
        out.clear();
        out.extend_from_slice(self.region_totals(r));
        for &u in units {
            for (a, b) in out.iter_mut().zip(pb.unit_totals(u as usize)) {
                *a += sign * b;
            }
        }
    }

    /// Whether region `r` stays connected without unit `u` (which must belong to it).
    pub fn connected_without(&self, g: &Adjacency, marks: &mut Marks, r: u32, u: usize) -> bool {
        let size = self.size(r);
        if size <= 2 {
            return size == 2 || size == 1;
        }
        let start = match g
            .neighbors(u)
            .iter()
            .find(|&&v| self.label[v as usize] == r)
        {
            Some(&v) => v as usize,
            None => return false,
        };
        marks.connected_without(g, &self.label, r, u, start, size - 1)
    }

    /// Relabels regions `0..p` in order of first appearance; returns labels and `p`.
    pub fn compact_labels(&self) -> (Vec<u32>, usize) {
        let mut map = vec![u32::MAX; self.members.len()];
        let mut next = 0u32;
        let label = self
            .label
            .iter()
            .map(|&l| {
                if is_region(l) {
                    if map[l as usize] == u32::MAX {
                        map[l as usize] = next;
                        next += 1;
                    }
                    map[l as usize]
                } else {
                    l
                }
            })
            .collect();
        (label, next as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::UniformThreshold;

    #[test]
    fn move_delta_is_the_change_of_the_summed_region_objective() {
        // 3 x 3 lattice, regions A = {0,1,3,4}, B = {2,5,8}, C = {6,7}; unit 4 moves A -> B
        let mut edges = Vec::new();
        for u in 0..9usize {
            if u % 3 < 2 {
                edges.push((u, u + 1, 1.0));
            }
            if u < 6 {
                edges.push((u, u + 3, 1.0));
            }
        }
        let attrs: Vec<f64> = (0..9).map(|u| ((u * 7) % 5) as f64 - 2.0).collect();
        let pb = Problem::new(Adjacency::from_edges(9, &edges).unwrap(), vec![1.0; 9], 1)
            .unwrap()
            .with_attributes(attrs, 1)
            .unwrap();
        let rule = UniformThreshold { threshold: 1.0 };
        for tiebreak in [Tiebreak::Heterogeneity, Tiebreak::Compactness] {
            let ctx = Ctx {
                pb: &pb,
                rule: &rule,
                g: &pb.graph,
                tiebreak,
                cut_weight: 1.5,
            };
            let mut st = State::new(vec![FREE; 9], 1);
            let regions: Vec<u32> = (0..3).map(|_| st.new_region()).collect();
            for (u, d) in [0, 0, 1, 0, 0, 1, 2, 2, 1].into_iter().enumerate() {
                st.add(&pb, u, regions[d]);
            }
            let total = |st: &State| -> f64 {
                let mut buf = Vec::new();
                st.regions()
                    .map(|r| ctx.region_objective(&st.label, r, &st.members[r as usize], &mut buf))
                    .sum()
            };
            // the cut part: 5 cut edges at 1.5 each
            let zero = Ctx {
                cut_weight: 0.0,
                ..ctx
            };
            let mut buf = Vec::new();
            let base: f64 = st
                .regions()
                .map(|r| zero.region_objective(&st.label, r, &st.members[r as usize], &mut buf))
                .sum();
            assert!((total(&st) - base - 7.5).abs() < 1e-9);
            let before = total(&st);
            let delta = ctx.move_delta(&st, 4, regions[0], regions[1]);
            st.shift(&pb, 4, regions[1]);
            let after = total(&st);
            assert!(
                (after - before - delta).abs() < 1e-9,
                "{tiebreak:?}: {after} - {before} vs {delta}"
            );
        }
    }
}
