//! A planning problem: units, contiguity, additive totals, attributes and optional constraints.

use crate::graph::{Adjacency, Marks};
use crate::PlanError;

/// How districts relate to higher areas (provinces, health authorities).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Nesting {
    /// Districts may cross area borders freely.
    #[default]
    #[cfg_attr(feature = "clap", value(name = "none"))]
    Ignore,
    /// Every district lies inside one area.
    Hard,
    /// Districts stay inside one area unless the area cannot stand alone; crossing districts are
    /// counted in the plan (the penalty is lexicographic: fewest crossings first).
    Soft,
}

/// What the search optimises after the number of districts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Tiebreak {
    /// Lowest within-district heterogeneity (sum of pairwise L1 distances of the attributes).
    #[default]
    Heterogeneity,
    /// Shortest total border between districts (edge weights = shared border length).
    Compactness,
}

/// Units with contiguity, additive totals and attributes, plus optional hard constraints.
#[derive(Debug, Clone)]
pub struct Problem {
    pub(crate) graph: Adjacency,
    pub(crate) totals: Vec<f64>,
    pub(crate) k: usize,
    pub(crate) attrs: Vec<f64>,
    pub(crate) m: usize,
    pub(crate) area: Option<Vec<u32>>,
    pub(crate) nesting: Nesting,
    pub(crate) locked: Vec<Option<u32>>,
    pub(crate) group_of: Vec<u32>,
    pub(crate) groups: Vec<Vec<u32>>,
    /// Cannot-link partners per unit; empty (not `n` empty lists) when there are none.
    pub(crate) conflicts: Vec<Vec<u32>>,
    pub(crate) max_population: Option<f64>,
    pub(crate) district_count: Option<usize>,
}

impl Problem {
    /// A problem over `graph.len()` units with row-major totals (`k` values per unit).
    pub fn new(graph: Adjacency, totals: Vec<f64>, k: usize) -> Result<Self, PlanError> {
        let n = graph.len();
        if k == 0 || totals.len() != n * k {
            return Err(PlanError::TotalsShape {
                expected: n * k.max(1),
                found: totals.len(),
            });
        }
        if let Some(i) = totals.iter().position(|t| !t.is_finite()) {
            return Err(PlanError::NotFinite {
                what: "totals",
                unit: i / k,
            });
        }
        Ok(Self {
            graph,
            totals,
            k,
            attrs: Vec::new(),
            m: 0,
            area: None,
            nesting: Nesting::Ignore,
            locked: vec![None; n],
            group_of: (0..n as u32).collect(),
            groups: Vec::new(),
            conflicts: Vec::new(),
            max_population: None,
            district_count: None,
        })
    }

    /// Attributes for the heterogeneity objective, row-major (`m` per unit), already standardised.
    pub fn with_attributes(mut self, attrs: Vec<f64>, m: usize) -> Result<Self, PlanError> {
        if attrs.len() != self.len() * m {
            return Err(PlanError::AttributesShape {
                expected: self.len() * m,
                found: attrs.len(),
            });
        }
        if let Some(i) = attrs.iter().position(|t| !t.is_finite()) {
            return Err(PlanError::NotFinite {
                what: "attributes",
                unit: i / m.max(1),
            });
        }
        self.attrs = attrs;
        self.m = m;
        Ok(self)
    }

    /// Higher area of every unit (e.g. province index) and how districts must respect it.
    pub fn with_nesting(mut self, area: Vec<u32>, nesting: Nesting) -> Result<Self, PlanError> {
        if area.len() != self.len() {
            return Err(PlanError::LengthMismatch {
                what: "nesting areas",
                expected: self.len(),
                found: area.len(),
            });
        }
        self.area = Some(area);
        self.nesting = nesting;
        Ok(self)
    }

    /// Districts that must be kept as they are: `locked[u] = Some(id)` for their units.
    pub fn with_locked(mut self, locked: Vec<Option<u32>>) -> Result<Self, PlanError> {
        if locked.len() != self.len() {
            return Err(PlanError::LengthMismatch {
                what: "locked districts",
                expected: self.len(),
                found: locked.len(),
            });
        }
        self.locked = locked;
        Ok(self)
    }

    /// Pairs of units that must share a district; every linked group must be connected by itself.
    pub fn with_must_link(mut self, pairs: &[(usize, usize)]) -> Result<Self, PlanError> {
        let n = self.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        for &(a, b) in pairs {
            if a >= n || b >= n {
                return Err(PlanError::UnitOutOfRange { unit: a.max(b), n });
            }
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent[ra] = rb;
            }
        }
        let mut root_group = vec![u32::MAX; n];
        let mut groups: Vec<Vec<u32>> = Vec::new();
        for u in 0..n {
            let r = find(&mut parent, u);
            if root_group[r] == u32::MAX {
                root_group[r] = groups.len() as u32;
                groups.push(Vec::new());
            }
            groups[root_group[r] as usize].push(u as u32);
        }
        let mut marks = Marks::new(n);
        for g in &groups {
            if !marks.set_connected(&self.graph, g) {
                return Err(PlanError::MustLinkNotContiguous {
                    units: g.iter().map(|&u| u as usize).collect(),
                });
            }
        }
        self.group_of = root_group
            .iter()
            .enumerate()
            .map(|(u, _)| root_group[find(&mut parent, u)])
            .collect();
        self.groups = groups;
        Ok(self)
    }

    /// Pairs of units that must not share a district.
    pub fn with_cannot_link(mut self, pairs: &[(usize, usize)]) -> Result<Self, PlanError> {
        let n = self.len();
        for &(a, b) in pairs {
            if a >= n || b >= n {
                return Err(PlanError::UnitOutOfRange { unit: a.max(b), n });
            }
        }
        if !pairs.is_empty() && self.conflicts.is_empty() {
            self.conflicts = vec![Vec::new(); n];
        }
        for &(a, b) in pairs {
            self.conflicts[a].push(b as u32);
            self.conflicts[b].push(a as u32);
        }
        Ok(self)
    }

    /// Largest population a district may have (computed by the rule's `population`).
    pub fn with_max_population(mut self, max: f64) -> Self {
        self.max_population = Some(max);
        self
    }

    /// Exact number of districts wanted (at most the largest feasible number).
    pub fn with_district_count(mut self, count: usize) -> Self {
        self.district_count = Some(count);
        self
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.graph.len()
    }

    /// Whether there are no units.
    pub fn is_empty(&self) -> bool {
        self.graph.is_empty()
    }

    /// The contiguity graph.
    pub fn graph(&self) -> &Adjacency {
        &self.graph
    }

    /// Totals of unit `u`.
    pub fn unit_totals(&self, u: usize) -> &[f64] {
        &self.totals[u * self.k..(u + 1) * self.k]
    }

    /// Length of the totals vectors.
    pub fn totals_len(&self) -> usize {
        self.k
    }

    /// Row-major attributes and their count per unit.
    pub fn attributes(&self) -> (&[f64], usize) {
        (&self.attrs, self.m)
    }

    /// Nesting area of every unit, if any.
    pub fn areas(&self) -> Option<&[u32]> {
        self.area.as_deref()
    }

    /// The nesting mode.
    pub fn nesting(&self) -> Nesting {
        self.nesting
    }

    /// Locked district of every unit.
    pub fn locked(&self) -> &[Option<u32>] {
        &self.locked
    }

    /// Maximum district population, if any.
    pub fn max_population(&self) -> Option<f64> {
        self.max_population
    }

    /// Wanted number of districts, if fixed.
    pub fn district_count(&self) -> Option<usize> {
        self.district_count
    }

    /// Units that must share a district with `u` (including `u`).
    pub(crate) fn group(&self, u: usize) -> &[u32] {
        if self.groups.is_empty() {
            return std::slice::from_ref(&self.group_of[u]);
        }
        &self.groups[self.group_of[u] as usize]
    }

    /// Whether `u` is linked to other units.
    pub(crate) fn is_linked(&self, u: usize) -> bool {
        !self.groups.is_empty() && self.groups[self.group_of[u] as usize].len() > 1
    }

    /// Must-link pairs as `(unit, unit)` for the checker.
    pub(crate) fn must_link_groups(&self) -> impl Iterator<Item = &Vec<u32>> {
        self.groups.iter().filter(|g| g.len() > 1)
    }

    /// Cannot-link partners of `u`.
    pub(crate) fn conflicts(&self, u: usize) -> &[u32] {
        self.conflicts.get(u).map_or(&[], Vec::as_slice)
    }

    /// Whether one of `units` has a cannot-link partner labelled `region` in `label`.
    pub(crate) fn conflicts_with(&self, units: &[u32], label: &[u32], region: u32) -> bool {
        // without cannot-link pairs (the usual case) no per-unit list is read at all
        if self.conflicts.is_empty() {
            return false;
        }
        units.iter().any(|&u| {
            self.conflicts(u as usize)
                .iter()
                .any(|&w| label[w as usize] == region)
        })
    }

    /// Whether an edge between `u` and `v` may lie inside a district under hard nesting.
    pub(crate) fn same_area(&self, u: usize, v: usize) -> bool {
        match &self.area {
            Some(a) => a[u] == a[v],
            None => true,
        }
    }
}
