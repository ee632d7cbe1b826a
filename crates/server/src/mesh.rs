//! The compact mesh a large region is drawn from (`GET /api/territory/mesh`): the boundary
//! polygons projected as the page projects them, quantised to integers, simplified, with the
//! borders between neighbours as arcs.
//!
//! France's 34,970 communes are 45 MB of GeoJSON; the page cannot parse that and build 35,000
//! SVG paths in the 3 s of a first paint. The mesh keeps what drawing needs: every ring
//! simplified (Douglas-Peucker) *along the topology* — a ring is cut where the neighbour on the
//! other side changes and each run is simplified in one canonical direction, so two
//! neighbours keep exactly the same border after simplification (no slivers, no overlaps) —
//! and each run once more as an arc naming the two polygons it separates (`-1`: the region's
//! edge), from which the page draws district and province borders without rebuilding the
//! topology itself.

use serde::Serialize;
use std::collections::HashMap;

/// Map units per quantum: the page's map unit is a hundredth of a degree of latitude
/// (about 1.1 km), so a quantum is about 5.6 m.
pub const QUANTUM: f64 = 0.005;

/// Coarse simplification tolerance in map units (about 110 m): a tenth of a pixel when the
/// whole of France fills a screen, what a first paint needs.
pub const COARSE: f64 = 0.1;

/// Fine simplification tolerance in map units (about 20 m): well under a pixel at the
/// zoom that shows a whole departement.
pub const TOLERANCE: f64 = 0.02;

/// A polygon to mesh: its code and rings (each `[lon, lat]` points, closed or not; the first
/// ring of each part is its exterior).
pub struct Shape<'a> {
    /// The polygon's code (the page's key).
    pub code: &'a str,
    /// Its parts, each a list of rings.
    pub parts: Vec<Vec<Vec<(f64, f64)>>>,
}

/// The mesh as served: quantised map units, delta-coded (each ring's and arc's first point
/// absolute, then differences to the previous point).
#[derive(Serialize)]
pub struct Mesh {
    /// Map units per quantum.
    pub quantum: f64,
    /// The projection: `x = lon * k * 100 - origin[0]`, `y = -lat * 100 - origin[1]`.
    pub k: f64,
    /// See `k`.
    pub origin: [f64; 2],
    /// Width and height of the region in map units.
    pub size: [f64; 2],
    /// Simplification tolerance used, in map units.
    pub tolerance: f64,
    /// Polygon codes, in drawing order.
    pub polygons: Vec<String>,
    /// Polygon `p` has rings `rings[p]..rings[p + 1]` (exteriors and holes alike: drawn with
    /// the even-odd rule).
    pub rings: Vec<u32>,
    /// Ring `r` has points `ring_points[r]..ring_points[r + 1]` (pairs in `points`).
    pub ring_points: Vec<u32>,
    /// Ring points, x and y interleaved, delta-coded within each ring.
    pub points: Vec<i64>,
    /// Arc `a` separates polygons `arc_polygons[2a]` and `arc_polygons[2a + 1]` (`-1`: none).
    pub arc_polygons: Vec<i32>,
    /// Arc `a` has points `arc_points[a]..arc_points[a + 1]` (pairs in `arc_coords`).
    pub arc_points: Vec<u32>,
    /// Arc points, x and y interleaved, delta-coded within each arc.
    pub arc_coords: Vec<i64>,
}

type Pt = (i64, i64);

/// Builds the mesh of `shapes` with simplification `tolerance` (map units).
pub fn build(shapes: &[Shape<'_>], tolerance: f64) -> Mesh {
    // The page's projection (app.js `project`): equirectangular at the mean latitude of every
    // vertex, y pointing south, in hundredths of a degree.
    let (mut lat_sum, mut n) = (0.0, 0usize);
    for s in shapes {
        for ring in s.parts.iter().flatten() {
            for &(_, lat) in ring {
                lat_sum += lat;
                n += 1;
            }
        }
    }
    let k = (lat_sum / n.max(1) as f64).to_radians().cos();
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for s in shapes {
        for ring in s.parts.iter().flatten() {
            for &(lon, lat) in ring {
                let (x, y) = (lon * k * 100.0, -lat * 100.0);
                min_x = min_x.min(x);
                min_y = min_y.min(y);
                max_x = max_x.max(x);
                max_y = max_y.max(y);
            }
        }
    }
    if n == 0 {
        (min_x, min_y, max_x, max_y) = (0.0, 0.0, 0.0, 0.0);
    }
    let q = |lon: f64, lat: f64| -> Pt {
        (
            ((lon * k * 100.0 - min_x) / QUANTUM).round() as i64,
            ((-lat * 100.0 - min_y) / QUANTUM).round() as i64,
        )
    };
    // Quantised rings without repeated points nor the closing point.
    let rings: Vec<Vec<Vec<Pt>>> = shapes
        .iter()
        .map(|s| {
            s.parts
                .iter()
                .flatten()
                .map(|ring| {
                    let mut r: Vec<Pt> = Vec::with_capacity(ring.len());
                    for &(lon, lat) in ring {
                        let p = q(lon, lat);
                        if r.last() != Some(&p) {
                            r.push(p);
                        }
                    }
                    if r.len() > 1 && r.first() == r.last() {
                        r.pop();
                    }
                    r
                })
                .filter(|r| r.len() >= 3)
                .collect()
        })
        .collect();
    // Who owns each edge: one polygon (the region's edge) or two (a shared border).
    let mut owners: HashMap<(Pt, Pt), (u32, i32)> = HashMap::new();
    for (p, rs) in rings.iter().enumerate() {
        for r in rs {
            for e in 0..r.len() {
                let key = edge_key(r[e], r[(e + 1) % r.len()]);
                owners
                    .entry(key)
                    .and_modify(|o| {
                        if o.0 != p as u32 && o.1 < 0 {
                            o.1 = p as i32;
                        }
                    })
                    .or_insert((p as u32, -1));
            }
        }
    }
    let neighbour = |p: usize, a: Pt, b: Pt| -> i32 {
        let o = owners[&edge_key(a, b)];
        if o.0 == p as u32 {
            o.1
        } else {
            o.0 as i32
        }
    };
    let tol_q = tolerance / QUANTUM;
    let mut mesh = Mesh {
        quantum: QUANTUM,
        k,
        origin: [min_x, min_y],
        size: [max_x - min_x, max_y - min_y],
        tolerance,
        polygons: shapes.iter().map(|s| s.code.to_string()).collect(),
        rings: vec![0],
        ring_points: vec![0],
        points: Vec::new(),
        arc_polygons: Vec::new(),
        arc_points: vec![0],
        arc_coords: Vec::new(),
    };
    for (p, rs) in rings.iter().enumerate() {
        for r in rs {
            let m = r.len();
            let nb: Vec<i32> = (0..m).map(|e| neighbour(p, r[e], r[(e + 1) % m])).collect();
            // Cut points: where the neighbour of the edge before differs from the one after.
            let cuts: Vec<usize> = (0..m).filter(|&v| nb[(v + m - 1) % m] != nb[v]).collect();
            let mut out: Vec<Pt> = Vec::with_capacity(m);
            if cuts.is_empty() {
                // One neighbour (or none) all round: an island or an enclave. Simplified from
                // a canonical start and direction so that the enclosing polygon's hole matches.
                let closed = canonical_closed(r);
                let simple = simplify_closed(&closed, tol_q);
                let n = nb[0];
                if n < 0 || (p as i32) < n {
                    let mut arc = simple.clone();
                    arc.push(simple[0]);
                    push_arc(&mut mesh, p as i32, n, &arc);
                }
                out = simple;
            } else {
                for (c, &from) in cuts.iter().enumerate() {
                    let to = cuts[(c + 1) % cuts.len()];
                    let len = (to + m - from) % m;
                    let len = if len == 0 { m } else { len };
                    let run: Vec<Pt> = (0..=len).map(|s| r[(from + s) % m]).collect();
                    let simple = simplify_open_canonical(&run, tol_q);
                    let n = nb[from];
                    if n < 0 || (p as i32) < n {
                        push_arc(&mut mesh, p as i32, n, &simple);
                    }
                    out.extend_from_slice(&simple[..simple.len() - 1]);
                }
            }
            if out.len() < 3 {
                out = r.clone();
            }
            push_coords(&mut mesh.points, &out);
            mesh.ring_points.push((mesh.points.len() / 2) as u32);
        }
        mesh.rings.push((mesh.ring_points.len() - 1) as u32);
    }
    mesh
}

fn edge_key(a: Pt, b: Pt) -> (Pt, Pt) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

fn push_coords(out: &mut Vec<i64>, pts: &[Pt]) {
    let mut prev = (0, 0);
    for (i, &p) in pts.iter().enumerate() {
        if i == 0 {
            out.extend([p.0, p.1]);
        } else {
            out.extend([p.0 - prev.0, p.1 - prev.1]);
        }
        prev = p;
    }
}

fn push_arc(mesh: &mut Mesh, a: i32, b: i32, pts: &[Pt]) {
    mesh.arc_polygons.extend([a, b]);
    push_coords(&mut mesh.arc_coords, pts);
    mesh.arc_points.push((mesh.arc_coords.len() / 2) as u32);
}

/// A closed ring (no repeated closing point) rotated to start at its least point and turned
/// so that its second point is the lesser of that point's two neighbours: the same sequence
/// whichever polygon, and whichever direction, it came from.
fn canonical_closed(r: &[Pt]) -> Vec<Pt> {
    let m = r.len();
    let start = (0..m).min_by_key(|&i| r[i]).unwrap_or(0);
    let forward = r[(start + 1) % m] <= r[(start + m - 1) % m];
    (0..m)
        .map(|s| {
            if forward {
                r[(start + s) % m]
            } else {
                r[(start + m - s) % m]
            }
        })
        .collect()
}

/// Simplifies a closed canonical ring: split at its first point and the point farthest from
/// it, each half simplified as an open run. Returns the ring without its closing point.
fn simplify_closed(r: &[Pt], tol: f64) -> Vec<Pt> {
    let m = r.len();
    let far = (1..m)
        .max_by_key(|&i| {
            let (dx, dy) = (r[i].0 - r[0].0, r[i].1 - r[0].1);
            (dx * dx + dy * dy, std::cmp::Reverse(i))
        })
        .unwrap_or(1);
    let first: Vec<Pt> = r[..=far].to_vec();
    let mut second: Vec<Pt> = r[far..].to_vec();
    second.push(r[0]);
    let mut out = douglas_peucker(&first, tol);
    out.pop();
    let mut tail = douglas_peucker(&second, tol);
    tail.pop();
    out.extend(tail);
    out
}

/// Simplifies an open run in a canonical direction (from its lesser end; for a run that
/// starts and ends at one point, from the lesser of its second and next-to-last points) and
/// returns it in the run's own direction, so that the two polygons on either side of a border
/// get the same points.
fn simplify_open_canonical(run: &[Pt], tol: f64) -> Vec<Pt> {
    let n = run.len();
    let reverse = match run[0].cmp(&run[n - 1]) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => n > 2 && run[1] > run[n - 2],
    };
    if reverse {
        let back: Vec<Pt> = run.iter().rev().copied().collect();
        let mut s = douglas_peucker(&back, tol);
        s.reverse();
        s
    } else {
        douglas_peucker(run, tol)
    }
}

/// Douglas-Peucker: the points of `pts` kept at tolerance `tol` (end points always kept; the
/// first point farthest from the chord is split on, so the result depends only on the input
/// sequence).
fn douglas_peucker(pts: &[Pt], tol: f64) -> Vec<Pt> {
    let n = pts.len();
    if n <= 2 {
        return pts.to_vec();
    }
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack = vec![(0usize, n - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (mut best, mut best_d) = (0usize, -1.0f64);
        for i in a + 1..b {
            let d = distance_to_segment(pts[i], pts[a], pts[b]);
            if d > best_d {
                best = i;
                best_d = d;
            }
        }
        if best_d > tol {
            keep[best] = true;
            stack.push((a, best));
            stack.push((best, b));
        }
    }
    pts.iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

fn distance_to_segment(p: Pt, a: Pt, b: Pt) -> f64 {
    let (px, py) = (p.0 as f64, p.1 as f64);
    let (ax, ay) = (a.0 as f64, a.1 as f64);
    let (bx, by) = (b.0 as f64, b.1 as f64);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (ax + t * dx, ay + t * dy);
    ((px - cx).powi(2) + (py - cy).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(coords: &[i64], from: usize, to: usize) -> Vec<Pt> {
        let mut out = Vec::new();
        let mut prev = (0, 0);
        for (k, i) in (from..to).enumerate() {
            let d = (coords[2 * i], coords[2 * i + 1]);
            prev = if k == 0 {
                d
            } else {
                (prev.0 + d.0, prev.1 + d.1)
            };
            out.push(prev);
        }
        out
    }

    /// Two unit squares side by side (lon 0..1 and 1..2) whose shared border is a zig-zag of
    /// small teeth; the mesh keeps each polygon's outer corners, simplifies the shared border
    /// the same way for both, and gives one arc for it and two for the region's edge.
    #[test]
    fn neighbours_keep_one_border_after_simplification() {
        // Shared border from (1, 0) up to (1, 1) with teeth of 0.001 degrees.
        let teeth: Vec<(f64, f64)> = (0..=10)
            .map(|i| (1.0 + if i % 2 == 1 { 0.001 } else { 0.0 }, i as f64 / 10.0))
            .collect();
        let mut left = vec![(0.0, 0.0)];
        left.extend(teeth.iter().copied());
        left.extend([(0.0, 1.0), (0.0, 0.0)]);
        let right = {
            // (1,1) .. (1,0) then (2,0), (2,1), back to (1,1)
            let mut r: Vec<(f64, f64)> = teeth.iter().rev().copied().collect();
            r.extend([(2.0, 0.0), (2.0, 1.0), (1.0, 1.0)]);
            r
        };
        let shapes = [
            Shape {
                code: "L",
                parts: vec![vec![left]],
            },
            Shape {
                code: "R",
                parts: vec![vec![right]],
            },
        ];
        // Teeth of 0.001 degrees are 0.1 map units wide (k = cos(0.5 degrees)): a tolerance of
        // 0.2 map units removes them, 0.01 keeps them.
        let coarse = build(&shapes, 0.2);
        assert_eq!(coarse.polygons, ["L", "R"]);
        let ring = |m: &Mesh, r: usize| {
            decode(
                &m.points,
                m.ring_points[r] as usize,
                m.ring_points[r + 1] as usize,
            )
        };
        // Each square back to its 4 corners.
        assert_eq!(ring(&coarse, 0).len(), 4);
        assert_eq!(ring(&coarse, 1).len(), 4);
        // Arcs: the shared border once (L|R), the region's edge of each (L|-1, R|-1).
        let mut pairs: Vec<(i32, i32)> = coarse
            .arc_polygons
            .chunks(2)
            .map(|c| (c[0], c[1]))
            .collect();
        pairs.sort();
        assert_eq!(pairs, [(0, -1), (0, 1), (1, -1)]);
        let fine = build(&shapes, 0.01);
        // 4 corners + the 5 teeth tips kept, for both, and the same points on the border.
        let (l, r) = (ring(&fine, 0), ring(&fine, 1));
        assert_eq!(l.len(), 13, "{l:?}");
        assert_eq!(r.len(), 13, "{r:?}");
        let border = |pts: &[Pt]| -> std::collections::BTreeSet<Pt> {
            let x1 = ((1.0 * fine.k * 100.0 - fine.origin[0]) / QUANTUM).round() as i64;
            pts.iter()
                .filter(|p| (p.0 - x1).abs() <= 25)
                .copied()
                .collect()
        };
        assert_eq!(border(&l), border(&r));
        assert_eq!(border(&l).len(), 11);
        // Size: 2 degrees of longitude at k by 1 degree of latitude, in hundredths.
        assert!((fine.size[0] - 200.0 * fine.k).abs() < 1e-9);
        assert!((fine.size[1] - 100.0).abs() < 1e-9);
    }

    #[test]
    fn an_enclave_and_its_hole_match() {
        // A square with a hole, and the polygon filling the hole (a wobbly circle).
        let circle: Vec<(f64, f64)> = (0..40)
            .map(|i| {
                let a = i as f64 / 40.0 * std::f64::consts::TAU;
                let r = 0.3 + if i % 2 == 0 { 0.0005 } else { 0.0 };
                (1.0 + r * a.cos(), 1.0 + r * a.sin())
            })
            .collect();
        let outer = vec![(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)];
        let hole: Vec<(f64, f64)> = circle.iter().rev().copied().collect();
        let shapes = [
            Shape {
                code: "O",
                parts: vec![vec![outer, hole]],
            },
            Shape {
                code: "E",
                parts: vec![vec![circle]],
            },
        ];
        let m = build(&shapes, 0.5);
        let ring = |r: usize| {
            let mut v = decode(
                &m.points,
                m.ring_points[r] as usize,
                m.ring_points[r + 1] as usize,
            );
            v.sort();
            v
        };
        assert_eq!(m.rings, [0, 2, 3]);
        let (hole, enclave) = (ring(1), ring(2));
        assert_eq!(hole, enclave);
        assert!(
            enclave.len() >= 3 && enclave.len() < 40,
            "{}",
            enclave.len()
        );
    }
}
