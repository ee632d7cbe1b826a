//! Contiguity between municipalities, computed from their polygons, plus named bridge links.
//!
//! *Rook* contiguity (the default) links two units whose boundaries share a segment; *queen*
//! also links units that share only a vertex (Anselin, *Spatial Econometrics*, 1988, ch. 3).
//!
//! Two ways to match boundaries:
//! - [`Matching::Exact`] (default): segments and vertices are keyed by the exact bits of their
//!   coordinates, so neighbours must use identical coordinates along their common border, as
//!   boundaries cut from one topology do (ISTAT/openpolis layers, TopoJSON exports). The keys are
//!   sorted and grouped: O(n log n) in the number of segments, never all pairs of units.
//! - [`Matching::Snap`]: for layers digitised separately, where common borders differ by small
//!   gaps or slivers. Segments go in an R-tree (`rstar`); two units are rook neighbours when a
//!   segment of one runs within `tolerance` of a segment of the other over a stretch longer than
//!   `tolerance`, queen neighbours when any two of their segments come within `tolerance`.
//!   The tolerance is in coordinate units (degrees for WGS84: 1e-5° ≈ 1.1 m in latitude).
//!   It is a heuristic: a border whose two versions cross at a wide angle, or zig-zag in
//!   pieces shorter than the tolerance, may be missed; check the isolated units it reports.
//!
//! Lakes and enclaves leave some units with no land neighbour (Campione d'Italia, an Italian
//! exclave in Switzerland, is one). Such links are added explicitly as named [`Bridge`]s, loaded
//! from a CSV `code_a,code_b,reason`, and kept apart from the computed pairs.
//!
//! ```
//! use ambit_territory::{load_bridges, Boundaries, BoundaryFields, Contiguity, ContiguityKind};
//! let fields = BoundaryFields::new("istat_code").with_name("name");
//! let b = Boundaries::from_geojson_path("../../data/lombardy/boundaries_2021.geojson", &fields)?;
//! let mut rook = Contiguity::compute(&b, ContiguityKind::Rook);
//! assert_eq!(rook.pairs().len(), 4274);
//! let isolated: Vec<_> = rook.isolated().iter().map(|&i| b.features()[i].code.to_string()).collect();
//! assert_eq!(isolated, ["013040"]); // Campione d'Italia
//! rook.add_bridges(&b, &load_bridges("../../data/lombardy/bridges.csv")?)?;
//! assert_eq!(rook.components().len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::{Boundaries, Boundary, MunicipalityCode};
use geo::{Coord, Distance, Euclidean, Line};
use rstar::primitives::{GeomWithData, Line as RLine};
use rstar::{RTree, AABB};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Which shared boundary makes two units neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ContiguityKind {
    /// A shared boundary segment (positive length).
    #[default]
    Rook,
    /// A shared segment or at least one shared vertex.
    Queen,
}

/// How boundary coordinates are matched between units.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Matching {
    /// Identical coordinates only.
    #[default]
    Exact,
    /// Within a tolerance, in coordinate units (see the module documentation).
    Snap {
        /// Largest gap between two boundaries that still counts as touching.
        tolerance: f64,
    },
}

/// An extra link between two municipalities that share no boundary, with the reason for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bridge {
    /// One end.
    pub a: MunicipalityCode,
    /// The other end.
    pub b: MunicipalityCode,
    /// Why the two are treated as neighbours (lake crossing, enclave, ...).
    pub reason: String,
}

/// A bridge resolved to unit indices of a [`Boundaries`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeLink {
    /// Index of one end (the smaller).
    pub a: usize,
    /// Index of the other end.
    pub b: usize,
    /// The bridge as loaded.
    pub bridge: Bridge,
}

/// Why contiguity could not be computed or bridges not loaded.
#[derive(Debug, thiserror::Error)]
pub enum ContiguityError {
    /// The snapping tolerance is not a positive finite number.
    #[error("snapping tolerance {0} must be a positive finite number")]
    BadTolerance(f64),
    /// The bridge file could not be read.
    #[error("{path}: cannot read: {source}", path = .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The bridge file is not valid CSV.
    #[error("{path}: line {line}: {message}", path = .path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// The parser's message.
        message: String,
    },
    /// A required column is missing from the header.
    #[error("{path}: header lacks column {column:?} (expected code_a,code_b,reason)", path = .path.display())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column.
        column: &'static str,
    },
    /// A field is empty or holds an invalid code.
    #[error("{path}: line {line}, field {field}: value {value:?}: {reason}", path = .path.display())]
    BadField {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// The column.
        field: &'static str,
        /// The value found.
        value: String,
        /// Why it is rejected.
        reason: String,
    },
    /// A bridge names a code that has no boundary.
    #[error("bridge {a}-{b} ({reason}): code {code} has no boundary", a = .bridge.a, b = .bridge.b, reason = .bridge.reason)]
    UnknownCode {
        /// The bridge.
        bridge: Bridge,
        /// The unknown code.
        code: MunicipalityCode,
    },
}

/// The neighbour graph over the units (indices into [`Boundaries::features`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Contiguity {
    kind: ContiguityKind,
    units: usize,
    pairs: Vec<(usize, usize)>,
    bridges: Vec<BridgeLink>,
    offsets: Vec<usize>,
    targets: Vec<usize>,
}

impl Contiguity {
    /// Exact-coordinate contiguity of `kind` (see the module documentation).
    pub fn compute(boundaries: &Boundaries, kind: ContiguityKind) -> Self {
        let pairs = match kind {
            ContiguityKind::Rook => exact_rook(boundaries),
            ContiguityKind::Queen => exact_queen(boundaries),
        };
        Self::from_pairs(boundaries.len(), kind, pairs)
    }

    /// Contiguity of `kind` with the chosen coordinate matching.
    pub fn compute_with(
        boundaries: &Boundaries,
        kind: ContiguityKind,
        matching: Matching,
    ) -> Result<Self, ContiguityError> {
        match matching {
            Matching::Exact => Ok(Self::compute(boundaries, kind)),
            Matching::Snap { tolerance } => {
                if !(tolerance.is_finite() && tolerance > 0.0) {
                    return Err(ContiguityError::BadTolerance(tolerance));
                }
                let pairs = snapped(boundaries, kind, tolerance);
                Ok(Self::from_pairs(boundaries.len(), kind, pairs))
            }
        }
    }

    /// A graph over `units` units from explicit pairs (order and duplicates do not matter;
    /// self-pairs and pairs out of range are dropped).
    pub fn from_pairs(units: usize, kind: ContiguityKind, pairs: Vec<(usize, usize)>) -> Self {
        let mut pairs: Vec<(usize, usize)> = pairs
            .into_iter()
            .filter(|&(a, b)| a != b && a < units && b < units)
            .map(|(a, b)| (a.min(b), a.max(b)))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mut c = Self {
            kind,
            units,
            pairs,
            bridges: Vec::new(),
            offsets: Vec::new(),
            targets: Vec::new(),
        };
        c.rebuild_csr();
        c
    }

    /// Adds bridges; every code must have a boundary. A bridge that duplicates a computed pair
    /// or an earlier bridge is kept in [`Self::bridges`] but adds no second edge.
    pub fn add_bridges(
        &mut self,
        boundaries: &Boundaries,
        bridges: &[Bridge],
    ) -> Result<(), ContiguityError> {
        let mut links = Vec::with_capacity(bridges.len());
        for bridge in bridges {
            let index = |code: &MunicipalityCode| {
                boundaries
                    .index_of(code)
                    .ok_or_else(|| ContiguityError::UnknownCode {
                        bridge: bridge.clone(),
                        code: code.clone(),
                    })
            };
            let (a, b) = (index(&bridge.a)?, index(&bridge.b)?);
            links.push(BridgeLink {
                a: a.min(b),
                b: a.max(b),
                bridge: bridge.clone(),
            });
        }
        self.bridges.extend(links);
        self.rebuild_csr();
        Ok(())
    }

    /// Rook or queen.
    pub fn kind(&self) -> ContiguityKind {
        self.kind
    }

    /// Number of units (vertices of the graph).
    pub fn units(&self) -> usize {
        self.units
    }

    /// Pairs computed from the polygons, `(i, j)` with `i < j`, sorted; bridges not included.
    pub fn pairs(&self) -> &[(usize, usize)] {
        &self.pairs
    }

    /// The computed pairs as code pairs of `boundaries` (the graph's units), e.g. to feed
    /// [`crate::ContiguityGraph::from_polygon_pairs`]; bridges not included.
    pub fn code_pairs(&self, boundaries: &Boundaries) -> Vec<(MunicipalityCode, MunicipalityCode)> {
        self.pairs
            .iter()
            .filter_map(|&(a, b)| {
                Some((
                    boundaries.get(a)?.code.clone(),
                    boundaries.get(b)?.code.clone(),
                ))
            })
            .collect()
    }

    /// The bridges added, in the order given.
    pub fn bridges(&self) -> &[BridgeLink] {
        &self.bridges
    }

    /// Neighbours of unit `i`, bridges included, sorted ascending (empty when out of range).
    pub fn neighbours(&self, i: usize) -> &[usize] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&s), Some(&e)) => &self.targets[s..e],
            _ => &[],
        }
    }

    /// True when `i` and `j` are neighbours (bridges included).
    pub fn are_neighbours(&self, i: usize, j: usize) -> bool {
        self.neighbours(i).binary_search(&j).is_ok()
    }

    /// Connected components (bridges included): each a sorted list of unit indices; the
    /// components are ordered largest first, ties by smallest member.
    pub fn components(&self) -> Vec<Vec<usize>> {
        let mut seen = vec![false; self.units];
        let mut out = Vec::new();
        for start in 0..self.units {
            if seen[start] {
                continue;
            }
            seen[start] = true;
            let mut stack = vec![start];
            let mut members = Vec::new();
            while let Some(u) = stack.pop() {
                members.push(u);
                for &v in self.neighbours(u) {
                    if !seen[v] {
                        seen[v] = true;
                        stack.push(v);
                    }
                }
            }
            members.sort_unstable();
            out.push(members);
        }
        out.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
        out
    }

    /// Units with no neighbour at all (bridges included), ascending.
    pub fn isolated(&self) -> Vec<usize> {
        (0..self.units)
            .filter(|&i| self.neighbours(i).is_empty())
            .collect()
    }

    fn rebuild_csr(&mut self) {
        let mut degree = vec![0usize; self.units];
        let mut edges: Vec<(usize, usize)> = self
            .pairs
            .iter()
            .copied()
            .chain(self.bridges.iter().map(|l| (l.a, l.b)))
            .filter(|&(a, b)| a != b)
            .collect();
        edges.sort_unstable();
        edges.dedup();
        for &(a, b) in &edges {
            degree[a] += 1;
            degree[b] += 1;
        }
        let mut offsets = Vec::with_capacity(self.units + 1);
        offsets.push(0);
        for d in &degree {
            offsets.push(offsets[offsets.len() - 1] + d);
        }
        let mut fill = offsets.clone();
        let mut targets = vec![0usize; edges.len() * 2];
        for &(a, b) in &edges {
            targets[fill[a]] = b;
            fill[a] += 1;
            targets[fill[b]] = a;
            fill[b] += 1;
        }
        for i in 0..self.units {
            targets[offsets[i]..offsets[i + 1]].sort_unstable();
        }
        self.offsets = offsets;
        self.targets = targets;
    }
}

/// Reads bridges from a CSV with header `code_a,code_b,reason` (UTF-8, a BOM is skipped).
pub fn load_bridges(path: impl AsRef<Path>) -> Result<Vec<Bridge>, ContiguityError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|source| ContiguityError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_bridges(&text, path)
}

/// Parses bridge CSV text; `origin` names it in error messages.
pub fn parse_bridges(text: &str, origin: &Path) -> Result<Vec<Bridge>, ContiguityError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    let csv_error = |e: csv::Error| ContiguityError::Csv {
        path: origin.to_path_buf(),
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    };
    let headers = reader.headers().map_err(csv_error)?.clone();
    let column = |name: &'static str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| ContiguityError::MissingColumn {
                path: origin.to_path_buf(),
                column: name,
            })
    };
    let (ia, ib, ir) = (column("code_a")?, column("code_b")?, column("reason")?);
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize, name: &'static str| -> Result<String, ContiguityError> {
            let value = record.get(i).unwrap_or("").to_string();
            if value.is_empty() {
                return Err(ContiguityError::BadField {
                    path: origin.to_path_buf(),
                    line,
                    field: name,
                    value,
                    reason: "is empty".into(),
                });
            }
            Ok(value)
        };
        let code = |i: usize, name: &'static str| -> Result<MunicipalityCode, ContiguityError> {
            let value = field(i, name)?;
            MunicipalityCode::parse(&value).map_err(|e| ContiguityError::BadField {
                path: origin.to_path_buf(),
                line,
                field: name,
                value: value.clone(),
                reason: e.to_string(),
            })
        };
        let (a, b) = (code(ia, "code_a")?, code(ib, "code_b")?);
        if a == b {
            return Err(ContiguityError::BadField {
                path: origin.to_path_buf(),
                line,
                field: "code_b",
                value: b.to_string(),
                reason: "a bridge must join two different municipalities".into(),
            });
        }
        out.push(Bridge {
            a,
            b,
            reason: field(ir, "reason")?,
        });
    }
    Ok(out)
}

/// A coordinate keyed by its exact bits (with -0.0 folded onto 0.0).
type PointKey = (u64, u64);

fn point_key(c: Coord<f64>) -> PointKey {
    // Adding 0.0 turns -0.0 into +0.0, so both key alike; other values are unchanged.
    ((c.x + 0.0).to_bits(), (c.y + 0.0).to_bits())
}

/// An undirected segment keyed by its two endpoint keys, smaller first.
type SegmentKey = (PointKey, PointKey);

fn segment_key(a: Coord<f64>, b: Coord<f64>) -> Option<SegmentKey> {
    let (ka, kb) = (point_key(a), point_key(b));
    match ka.cmp(&kb) {
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Less => Some((ka, kb)),
        std::cmp::Ordering::Greater => Some((kb, ka)),
    }
}

/// Every ring of a boundary, as coordinate slices (closing point included).
fn rings(b: &Boundary) -> impl Iterator<Item = &[Coord<f64>]> {
    b.geometry.0.iter().flat_map(|p| {
        std::iter::once(p.exterior().0.as_slice())
            .chain(p.interiors().iter().map(|r| r.0.as_slice()))
    })
}

/// Which units own each boundary segment, keyed exactly: the segment hash behind rook
/// contiguity, also used to dissolve unit borders into district outlines.
#[derive(Debug, Clone)]
pub struct SegmentIndex {
    /// (segment, owner unit), sorted.
    entries: Vec<(SegmentKey, u32)>,
}

impl SegmentIndex {
    /// Indexes every segment of every ring of `boundaries` (zero-length segments skipped).
    pub fn build(boundaries: &Boundaries) -> Self {
        let mut entries = Vec::new();
        for (i, b) in boundaries.features().iter().enumerate() {
            let unit = u32::try_from(i).unwrap_or(u32::MAX);
            for ring in rings(b) {
                for w in ring.windows(2) {
                    if let Some(k) = segment_key(w[0], w[1]) {
                        entries.push((k, unit));
                    }
                }
            }
        }
        entries.sort_unstable();
        entries.dedup();
        Self { entries }
    }

    /// The units whose boundary holds the segment `a`-`b` (either direction), ascending.
    pub fn owners(&self, a: Coord<f64>, b: Coord<f64>) -> Vec<usize> {
        let Some(k) = segment_key(a, b) else {
            return Vec::new();
        };
        let start = self.entries.partition_point(|e| e.0 < k);
        self.entries[start..]
            .iter()
            .take_while(|e| e.0 == k)
            .map(|e| e.1 as usize)
            .collect()
    }

    /// The unit on the other side of segment `a`-`b` from `unit`, if any (the first other owner).
    pub fn across(&self, unit: usize, a: Coord<f64>, b: Coord<f64>) -> Option<usize> {
        self.owners(a, b).into_iter().find(|&o| o != unit)
    }

    /// Pairs of distinct units sharing at least one segment.
    fn shared_pairs(&self) -> Vec<(usize, usize)> {
        let mut pairs = Vec::new();
        let mut start = 0;
        while start < self.entries.len() {
            let k = self.entries[start].0;
            let end = start
                + self.entries[start..]
                    .iter()
                    .take_while(|e| e.0 == k)
                    .count();
            let group = &self.entries[start..end];
            for (x, ex) in group.iter().enumerate() {
                for ey in &group[x + 1..] {
                    pairs.push((ex.1 as usize, ey.1 as usize));
                }
            }
            start = end;
        }
        pairs
    }
}

fn exact_rook(boundaries: &Boundaries) -> Vec<(usize, usize)> {
    SegmentIndex::build(boundaries).shared_pairs()
}

fn exact_queen(boundaries: &Boundaries) -> Vec<(usize, usize)> {
    let mut vertices: Vec<(PointKey, u32)> = Vec::new();
    for (i, b) in boundaries.features().iter().enumerate() {
        let unit = u32::try_from(i).unwrap_or(u32::MAX);
        for ring in rings(b) {
            vertices.extend(ring.iter().map(|&c| (point_key(c), unit)));
        }
    }
    vertices.sort_unstable();
    vertices.dedup();
    let mut pairs = exact_rook(boundaries);
    for group in vertices.chunk_by(|x, y| x.0 == y.0) {
        for (x, ex) in group.iter().enumerate() {
            for ey in &group[x + 1..] {
                pairs.push((ex.1 as usize, ey.1 as usize));
            }
        }
    }
    pairs
}

/// Tolerance matching through an R-tree of all segments (see the module documentation).
fn snapped(boundaries: &Boundaries, kind: ContiguityKind, tolerance: f64) -> Vec<(usize, usize)> {
    type Segment = GeomWithData<RLine<[f64; 2]>, usize>;
    let mut segments: Vec<Segment> = Vec::new();
    for (i, b) in boundaries.features().iter().enumerate() {
        for ring in rings(b) {
            for w in ring.windows(2) {
                if w[0] != w[1] {
                    segments.push(GeomWithData::new(
                        RLine::new([w[0].x, w[0].y], [w[1].x, w[1].y]),
                        i,
                    ));
                }
            }
        }
    }
    let tree = RTree::bulk_load(segments.clone());
    let mut found: HashSet<(usize, usize)> = HashSet::new();
    for s in &segments {
        let (p, q) = (s.geom().from, s.geom().to);
        let envelope = AABB::from_corners(
            [p[0].min(q[0]) - tolerance, p[1].min(q[1]) - tolerance],
            [p[0].max(q[0]) + tolerance, p[1].max(q[1]) + tolerance],
        );
        let line_s = Line::new(Coord { x: p[0], y: p[1] }, Coord { x: q[0], y: q[1] });
        for t in tree.locate_in_envelope_intersecting(&envelope) {
            // Each unordered pair of segments is looked at once, from the lower unit.
            if t.data <= s.data || found.contains(&(s.data, t.data)) {
                continue;
            }
            let (u, v) = (t.geom().from, t.geom().to);
            let line_t = Line::new(Coord { x: u[0], y: u[1] }, Coord { x: v[0], y: v[1] });
            let touches = match kind {
                ContiguityKind::Queen => Euclidean::distance(&line_s, &line_t) <= tolerance,
                ContiguityKind::Rook => shared_length(&line_s, &line_t, tolerance) > tolerance,
            };
            if touches {
                found.insert((s.data, t.data));
            }
        }
    }
    found.into_iter().collect()
}

/// Length of the stretch of `t` that lies within `tolerance` of `s`, measured along `t` over the
/// part where the projections of the two segments overlap (0 when they do not run side by side).
fn shared_length(s: &Line<f64>, t: &Line<f64>, tolerance: f64) -> f64 {
    let d = t.end - t.start;
    let len = d.x.hypot(d.y);
    if len == 0.0 {
        return 0.0;
    }
    let along = |c: Coord<f64>| ((c - t.start).x * d.x + (c - t.start).y * d.y) / len;
    let (a0, a1) = (along(s.start), along(s.end));
    let lo = a0.min(a1).max(0.0);
    let hi = a0.max(a1).min(len);
    if hi <= lo {
        return 0.0;
    }
    let at = |a: f64| t.start + d * (a / len);
    // Distance to a segment is convex along a line: both ends close means the whole stretch is.
    let close = |c: Coord<f64>| Euclidean::distance(c, s) <= tolerance;
    if close(at(lo)) && close(at(hi)) {
        hi - lo
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_length_of_overlapping_collinear_segments() {
        let s = Line::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 2.0, y: 0.0 });
        let t = Line::new(Coord { x: 3.0, y: 0.0 }, Coord { x: 1.0, y: 0.0 });
        assert!((shared_length(&s, &t, 1e-9) - 1.0).abs() < 1e-12);
        let perpendicular = Line::new(Coord { x: 1.0, y: 0.0 }, Coord { x: 1.0, y: 5.0 });
        assert_eq!(shared_length(&s, &perpendicular, 1e-9), 0.0);
        let parallel_far = Line::new(Coord { x: 0.0, y: 0.1 }, Coord { x: 2.0, y: 0.1 });
        assert_eq!(shared_length(&s, &parallel_far, 0.01), 0.0);
        assert!((shared_length(&s, &parallel_far, 0.2) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn negative_zero_keys_like_zero() {
        assert_eq!(
            point_key(Coord { x: -0.0, y: 1.0 }),
            point_key(Coord { x: 0.0, y: 1.0 })
        );
    }
}
