//! A proposed plan: the district of every unit, per-district figures and what could not be solved.

use serde::Serialize;
use std::collections::BTreeMap;

use crate::heterogeneity::plan_heterogeneity;
use crate::problem::Problem;
use crate::rule::{DistrictRule, Requirement};
use crate::state::{is_region, State};

/// Why a group of units cannot form or join a compliant district.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InfeasibleReason {
    /// Their whole connected component is below the threshold.
    ComponentTooSmall,
    /// Their nesting area (within the component) is below the threshold.
    NestingAreaTooSmall,
    /// They are enclosed by locked districts and too small on their own.
    CutOffByLockedDistricts,
    /// Enough population, but the maximum population or cannot-link pairs forbid every grouping.
    ConstraintsConflict,
}

impl InfeasibleReason {
    /// What a planner can do about it.
    pub fn options(&self) -> &'static str {
        match self {
            Self::ComponentTooSmall => {
                "exempt these units from the threshold, or add a bridge (edge) to a neighbouring component"
            }
            Self::NestingAreaTooSmall => {
                "relax nesting (--nesting soft or none), exempt the units, or add a bridge"
            }
            Self::CutOffByLockedDistricts => "unlock a neighbouring district, or exempt the units",
            Self::ConstraintsConflict => {
                "raise the maximum population or drop cannot-link pairs among these units"
            }
        }
    }
}

impl std::fmt::Display for InfeasibleReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::ComponentTooSmall => "connected component below the threshold",
            Self::NestingAreaTooSmall => "nesting area below the threshold",
            Self::CutOffByLockedDistricts => "cut off by locked districts and below the threshold",
            Self::ConstraintsConflict => "constraints (maximum population, cannot-link) conflict",
        })
    }
}

/// Units that cannot be part of a compliant district, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InfeasibleGroup {
    /// The units (indices).
    pub units: Vec<u32>,
    /// Their total population.
    pub population: f64,
    /// The requirement a district of exactly these units would face.
    pub requirement: Requirement,
    /// Why.
    pub reason: InfeasibleReason,
}

/// Figures of one district of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictSummary {
    /// District index in the plan.
    pub id: u32,
    /// Number of member units.
    pub units: usize,
    /// Population (by the rule).
    pub population: f64,
    /// Class index (by the rule).
    pub class: usize,
    /// Class name (by the rule).
    pub class_name: String,
    /// Threshold of that class.
    pub threshold: f64,
    /// Whether the threshold is strict.
    pub strict: bool,
    /// Whether the district meets its threshold (and the maximum population, if any).
    pub compliant: bool,
    /// Nesting areas the district touches (empty without nesting areas).
    pub areas: Vec<u32>,
    /// Summed totals of the members.
    pub totals: Vec<f64>,
}

/// A complete plan: every unit has a district.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// District of every unit (`0..districts.len()`).
    pub district_of: Vec<u32>,
    /// Per-district figures, indexed by district.
    pub districts: Vec<DistrictSummary>,
    /// Groups of units that cannot be compliant; each forms a district of its own.
    pub infeasible: Vec<InfeasibleGroup>,
    /// Sum over districts of pairwise L1 distances of the attributes.
    pub heterogeneity: f64,
    /// Total weight (border length) of edges between different districts.
    pub border_length: f64,
    /// Number of edges of the contiguity graph between different districts.
    pub cut_edges: usize,
    /// Remarks of the solver (unmet district count, soft nesting crossings...).
    pub notes: Vec<String>,
    /// Number of starts that completed.
    pub starts_done: usize,
    /// Whether the time budget or an interruption cut the search short.
    pub interrupted: bool,
}

impl Plan {
    /// Number of compliant districts.
    pub fn compliant_count(&self) -> usize {
        self.districts.iter().filter(|d| d.compliant).count()
    }

    /// Number of districts spanning more than one nesting area.
    pub fn crossing_count(&self) -> usize {
        self.districts.iter().filter(|d| d.areas.len() > 1).count()
    }
}

/// Per-district figures of a complete labelling `district_of` with districts `0..count`.
pub fn summarize(
    pb: &Problem,
    rule: &dyn DistrictRule,
    district_of: &[u32],
    count: usize,
) -> Vec<DistrictSummary> {
    let k = pb.k;
    let mut totals = vec![0.0; count * k];
    let mut sizes = vec![0usize; count];
    let mut areas: Vec<Vec<u32>> = vec![Vec::new(); count];
    for (u, &d) in district_of.iter().enumerate() {
        let d = d as usize;
        if d >= count {
            continue;
        }
        sizes[d] += 1;
        for (a, b) in totals[d * k..(d + 1) * k].iter_mut().zip(pb.unit_totals(u)) {
            *a += b;
        }
        if let Some(ar) = &pb.area {
            if !areas[d].contains(&ar[u]) {
                areas[d].push(ar[u]);
            }
        }
    }
    (0..count)
        .map(|d| {
            let t = &totals[d * k..(d + 1) * k];
            let req = rule.requirement(t);
            let population = rule.population(t);
            let under_max = pb.max_population.is_none_or(|mx| population <= mx);
            let mut ar = std::mem::take(&mut areas[d]);
            ar.sort_unstable();
            DistrictSummary {
                id: d as u32,
                units: sizes[d],
                population,
                class: req.class,
                class_name: rule.class_name(req.class),
                threshold: req.threshold,
                strict: req.strict,
                compliant: req.is_met_by(population) && under_max,
                areas: ar,
                totals: t.to_vec(),
            }
        })
        .collect()
}

/// Total weight of edges whose ends lie in different districts.
pub fn border_length(pb: &Problem, district_of: &[u32]) -> f64 {
    let mut s = 0.0;
    for u in 0..pb.len() {
        for (v, w) in pb.graph.weighted_neighbors(u) {
            if u < v && district_of[u] != district_of[v] {
                s += w;
            }
        }
    }
    s
}

/// Number of edges of the contiguity graph whose ends lie in different districts (the "cut
/// edges" of Districtr and GerryChain).
pub fn cut_edges(pb: &Problem, district_of: &[u32]) -> usize {
    let label: Vec<Option<u32>> = district_of.iter().map(|&d| Some(d)).collect();
    let edges = (0..pb.len()).flat_map(|u| {
        pb.graph
            .neighbors(u)
            .iter()
            .filter(move |&&v| (u as u32) < v)
            .map(move |&v| (u, v as usize))
    });
    cut_edges_per_district(&label, 0, edges).1
}

/// Cut edges per district (`count` districts, indexed by id) and in all, for units labelled
/// by `district_of` (None: in no district, and a link to such a unit is cut) over the
/// undirected `edges`. Every count of cut edges (the plan's, the audit's, the report's) is
/// this one.
pub fn cut_edges_per_district(
    district_of: &[Option<u32>],
    count: usize,
    edges: impl IntoIterator<Item = (usize, usize)>,
) -> (Vec<usize>, usize) {
    let mut per = vec![0usize; count];
    let mut total = 0;
    for (a, b) in edges {
        let (da, db) = (district_of[a], district_of[b]);
        if da == db {
            continue;
        }
        total += 1;
        for d in [da, db].into_iter().flatten() {
            if let Some(c) = per.get_mut(d as usize) {
                *c += 1;
            }
        }
    }
    (per, total)
}

/// Turns a search state into a plan: search regions first, then locked districts, then one
/// district per infeasible group.
pub(crate) fn finish_plan(
    pb: &Problem,
    rule: &dyn DistrictRule,
    st: &State,
    infeasible: Vec<InfeasibleGroup>,
    notes: Vec<String>,
    starts_done: usize,
    interrupted: bool,
) -> Plan {
    let (mut label, mut count) = st.compact_labels();
    let mut locked_ids: BTreeMap<u32, u32> = BTreeMap::new();
    for (u, l) in pb.locked.iter().enumerate() {
        if let Some(id) = l {
            let next = count as u32 + locked_ids.len() as u32;
            let d = *locked_ids.entry(*id).or_insert(next);
            label[u] = d;
        }
    }
    count += locked_ids.len();
    for g in &infeasible {
        for &u in &g.units {
            label[u as usize] = count as u32;
        }
        count += 1;
    }
    debug_assert!(label.iter().all(|&l| (l as usize) < count));
    // any unit still unlabelled (should not happen) gets its own district so the plan is complete
    for l in label.iter_mut() {
        if !is_region(*l) || *l as usize >= count {
            *l = count as u32;
            count += 1;
        }
    }
    let districts = summarize(pb, rule, &label, count);
    let heterogeneity = plan_heterogeneity(&pb.attrs, pb.m, &label, count);
    let border = border_length(pb, &label);
    let cut = cut_edges(pb, &label);
    Plan {
        district_of: label,
        districts,
        infeasible,
        heterogeneity,
        border_length: border,
        cut_edges: cut,
        notes,
        starts_done,
        interrupted,
    }
}

/// A plan from the root of every search unit (`usize::MAX`: none), as decoded from the exact
/// model: districts without a compliant total join a compliant neighbour (a uniform threshold
/// keeps the union compliant); `None` when a unit has no district or a district fails its
/// threshold after all.
#[cfg(feature = "exact")]
pub(crate) fn plan_from_roots(
    pb: &Problem,
    rule: &dyn DistrictRule,
    root_of: &[usize],
    live: &[bool],
    warm: &Plan,
) -> Option<Plan> {
    let n = pb.len();
    // region per root
    let mut region_of_root = vec![u32::MAX; n];
    let mut label = vec![u32::MAX; n];
    let mut count = 0u32;
    for u in 0..n {
        if !live[u] {
            continue;
        }
        let r = root_of[u];
        if r == usize::MAX {
            return None;
        }
        if region_of_root[r] == u32::MAX {
            region_of_root[r] = count;
            count += 1;
        }
        label[u] = region_of_root[r];
    }
    let k = pb.k;
    let mut totals = vec![0.0; count as usize * k];
    for u in (0..n).filter(|&u| live[u]) {
        let d = label[u] as usize;
        for (a, b) in totals[d * k..(d + 1) * k].iter_mut().zip(pb.unit_totals(u)) {
            *a += b;
        }
    }
    let compliant = |t: &[f64]| rule.is_compliant(t);
    let mut ok: Vec<bool> = (0..count as usize)
        .map(|d| compliant(&totals[d * k..(d + 1) * k]))
        .collect();
    // merge non-compliant districts into a compliant neighbour until none is left
    loop {
        let mut changed = false;
        let mut pending = false;
        for u in 0..n {
            if !live[u] || ok[label[u] as usize] {
                continue;
            }
            pending = true;
            let bad = label[u];
            let Some(good) = pb
                .graph
                .neighbors(u)
                .iter()
                .map(|&v| v as usize)
                .find(|&v| {
                    live[v]
                        && ok[label[v] as usize]
                        && (pb.nesting != crate::problem::Nesting::Hard || pb.same_area(u, v))
                })
                .map(|v| label[v])
            else {
                continue;
            };
            for x in 0..n {
                if live[x] && label[x] == bad {
                    label[x] = good;
                    for (a, b) in totals[good as usize * k..(good as usize + 1) * k]
                        .iter_mut()
                        .zip(pb.unit_totals(x))
                    {
                        *a += b;
                    }
                }
            }
            ok[good as usize] = compliant(&totals[good as usize * k..(good as usize + 1) * k]);
            changed = true;
        }
        if !pending {
            break;
        }
        if !changed {
            return None;
        }
    }
    let mut st = State::new(crate::maxp::initial_labels(pb), pb.k);
    let mut region = vec![u32::MAX; count as usize];
    for u in 0..n {
        if !live[u] {
            if pb.locked[u].is_none() {
                st.label[u] = crate::state::OUT;
            }
            continue;
        }
        let d = label[u] as usize;
        if region[d] == u32::MAX {
            region[d] = st.new_region();
        }
        st.add(pb, u, region[d]);
    }
    let plan = finish_plan(
        pb,
        rule,
        &st,
        warm.infeasible.clone(),
        warm.notes.clone(),
        warm.starts_done,
        warm.interrupted,
    );
    // no more non-compliant districts than the heuristic's plan (its infeasible groups and
    // non-compliant locked districts)
    let bad = |p: &Plan| p.districts.iter().filter(|d| !d.compliant).count();
    (bad(&plan) <= bad(warm)).then_some(plan)
}
