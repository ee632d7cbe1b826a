//! The contiguity graph over a territory's municipalities.

use crate::code::MunicipalityCode;
use crate::error::{DataError, Problems};
use crate::municipality::Territory;
use crate::table::Table;
use crate::vintage::CodeChanges;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// Why two municipalities are linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    /// Their polygons share a boundary (rook or queen, as computed).
    Border,
    /// They lie in the same polygon of the boundary layer's vintage (later merged).
    SamePolygon,
    /// A named extra link across a lake or to an enclave.
    Bridge,
}

/// Undirected graph over municipality indices of a [`Territory`].
#[derive(Debug, Clone, Default)]
pub struct ContiguityGraph {
    neighbours: Vec<Vec<usize>>,
    kinds: HashMap<(usize, usize), LinkKind>,
}

impl ContiguityGraph {
    /// An empty graph over `n` municipalities.
    pub fn new(n: usize) -> Self {
        Self {
            neighbours: vec![Vec::new(); n],
            kinds: HashMap::new(),
        }
    }

    /// Links two municipalities (idempotent; a border link is not downgraded).
    pub fn link(&mut self, a: usize, b: usize, kind: LinkKind) {
        if a == b {
            return;
        }
        let key = (a.min(b), a.max(b));
        match self.kinds.get(&key) {
            Some(k) if *k <= kind => {}
            Some(_) => {
                self.kinds.insert(key, kind);
            }
            None => {
                self.kinds.insert(key, kind);
                self.neighbours[a].push(b);
                self.neighbours[b].push(a);
            }
        }
    }

    /// Builds the municipality graph from polygon-level pairs (codes of the boundary layer),
    /// mapping each municipality to its polygon with `changes` (identity when absent).
    pub fn from_polygon_pairs(
        territory: &Territory,
        changes: &CodeChanges,
        pairs: &[(MunicipalityCode, MunicipalityCode)],
    ) -> Self {
        let mut by_polygon: HashMap<MunicipalityCode, Vec<usize>> = HashMap::new();
        for (i, m) in territory.municipalities().iter().enumerate() {
            by_polygon
                .entry(changes.latest(&m.code))
                .or_default()
                .push(i);
        }
        let mut g = Self::new(territory.len());
        for members in by_polygon.values() {
            for (k, &a) in members.iter().enumerate() {
                for &b in &members[k + 1..] {
                    g.link(a, b, LinkKind::SamePolygon);
                }
            }
        }
        let empty = Vec::new();
        for (pa, pb) in pairs {
            for &a in by_polygon.get(pa).unwrap_or(&empty) {
                for &b in by_polygon.get(pb).unwrap_or(&empty) {
                    g.link(a, b, LinkKind::Border);
                }
            }
        }
        for n in &mut g.neighbours {
            n.sort_unstable();
        }
        g
    }

    /// Neighbours of municipality `i`, sorted.
    pub fn neighbours(&self, i: usize) -> &[usize] {
        &self.neighbours[i]
    }

    /// Number of vertices.
    pub fn len(&self) -> usize {
        self.neighbours.len()
    }

    /// Whether the graph has no vertex.
    pub fn is_empty(&self) -> bool {
        self.neighbours.is_empty()
    }

    /// Number of links.
    pub fn link_count(&self) -> usize {
        self.kinds.len()
    }

    /// The kind of the link between `a` and `b`.
    pub fn kind(&self, a: usize, b: usize) -> Option<LinkKind> {
        self.kinds.get(&(a.min(b), a.max(b))).copied()
    }

    /// Connected components of the sub-graph induced by `members` (indices), as index lists.
    pub fn components_of(&self, members: &[usize]) -> Vec<Vec<usize>> {
        let inside: BTreeSet<usize> = members.iter().copied().collect();
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for &start in members {
            if !seen.insert(start) {
                continue;
            }
            let mut comp = vec![start];
            let mut stack = vec![start];
            while let Some(v) = stack.pop() {
                for &w in &self.neighbours[v] {
                    if inside.contains(&w) && seen.insert(w) {
                        comp.push(w);
                        stack.push(w);
                    }
                }
            }
            comp.sort_unstable();
            out.push(comp);
        }
        out
    }
}

/// Reads pairs of codes (`code_a,code_b`, e.g. the shipped `adjacency_2021.csv`).
pub fn load_code_pairs(
    path: &Path,
    col_a: &str,
    col_b: &str,
) -> Result<Vec<(MunicipalityCode, MunicipalityCode)>, DataError> {
    let table = Table::read(path)?;
    let (ca, cb) = (table.column(col_a)?, table.column(col_b)?);
    let mut problems = Problems::default();
    let mut out = Vec::with_capacity(table.records.len());
    for rec in &table.records {
        match (
            MunicipalityCode::parse(&rec.fields[ca]),
            MunicipalityCode::parse(&rec.fields[cb]),
        ) {
            (Ok(a), Ok(b)) => out.push((a, b)),
            (Err(e), _) => problems.push(table.field_error(rec, ca, e.to_string())),
            (_, Err(e)) => problems.push(table.field_error(rec, cb, e.to_string())),
        }
    }
    problems.finish(&table.path, out)
}
