//! The union of polygons: a district's outline from its municipalities' boundaries.

use geo::{Area, BooleanOps, BoundingRect, Coord, LineString, MultiPolygon, Polygon};

/// Holes smaller than this share of their polygon's area are slivers left where two
/// neighbours' boundaries were digitised a hair apart, not enclaves: they are dropped. The
/// smallest Lombard comune (Morterone, 13.7 km²) is about 5e-4 of the smallest district, so a
/// real enclave is never this small.
const SLIVER_SHARE: f64 = 1e-7;

/// The union of `parts` (outer rings and holes; a municipality of another district enclosed
/// by the others stays a hole), as one MultiPolygon.
///
/// Cascaded union: the parts, ordered along the x+y diagonal so that neighbours meet early,
/// are merged pairwise in rounds (`geo::BooleanOps::union`, i_overlay underneath), which keeps
/// every intermediate result small instead of growing one polygon part by part.
///
/// ```
/// use ambit_territory::geometry::dissolve;
/// use geo::{polygon, Area, MultiPolygon};
///
/// let left = MultiPolygon::new(vec![polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)]]);
/// let right = MultiPolygon::new(vec![polygon![(x: 1.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0)]]);
/// let union = dissolve([&left, &right]);
/// assert_eq!(union.0.len(), 1);
/// assert!((union.unsigned_area() - 2.0).abs() < 1e-9);
/// ```
pub fn dissolve<'a>(parts: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> MultiPolygon<f64> {
    let mut level: Vec<(f64, MultiPolygon<f64>)> = parts
        .into_iter()
        .filter(|p| !p.0.is_empty())
        .map(|p| {
            let key = p.bounding_rect().map_or(0.0, |r| r.min().x + r.min().y);
            (key, p.clone())
        })
        .collect();
    level.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut level: Vec<MultiPolygon<f64>> = level.into_iter().map(|(_, p)| p).collect();
    if level.is_empty() {
        return MultiPolygon::new(Vec::new());
    }
    if level.len() == 1 {
        // a union with nothing still normalises rings (orientation, repeated points)
        level.push(MultiPolygon::new(Vec::new()));
    }
    while level.len() > 1 {
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        let mut it = level.into_iter();
        while let Some(a) = it.next() {
            match it.next() {
                Some(b) => next.push(a.union(&b)),
                None => next.push(a),
            }
        }
        level = next;
    }
    let union = level.pop().unwrap_or_else(|| MultiPolygon::new(Vec::new()));
    MultiPolygon::new(union.0.into_iter().map(drop_slivers).collect())
}

fn drop_slivers(p: Polygon<f64>) -> Polygon<f64> {
    let (exterior, holes) = p.into_inner();
    let exterior = without_spikes(exterior);
    let holes: Vec<LineString<f64>> = holes.into_iter().map(without_spikes).collect();
    let outer = Polygon::new(exterior.clone(), Vec::new()).unsigned_area();
    let holes = holes
        .into_iter()
        .filter(|h| Polygon::new(h.clone(), Vec::new()).unsigned_area() > outer * SLIVER_SHARE)
        .collect();
    Polygon::new(exterior, holes)
}

/// Points closer than this (in the coordinates' units, degrees for GeoJSON: about 1 mm) are
/// one point when looking for spikes.
const SAME_POINT: f64 = 1e-8;

/// The ring without spikes: a path out to a point and straight back (A, B, A) encloses
/// nothing; the union leaves one where two neighbours' boundaries leave a crack open to the
/// outside narrower than the overlay's grid. Repeated points are dropped too.
fn without_spikes(ring: LineString<f64>) -> LineString<f64> {
    let same = |a: Coord<f64>, b: Coord<f64>| {
        (a.x - b.x).abs() <= SAME_POINT && (a.y - b.y).abs() <= SAME_POINT
    };
    let mut pts: Vec<Coord<f64>> = ring.0;
    if pts.len() > 1 && same(pts[0], pts[pts.len() - 1]) {
        pts.pop();
    }
    let mut out: Vec<Coord<f64>> = Vec::with_capacity(pts.len());
    for p in pts {
        out.push(p);
        loop {
            let n = out.len();
            if n >= 2 && same(out[n - 1], out[n - 2]) {
                out.pop();
            } else if n >= 3 && same(out[n - 1], out[n - 3]) {
                out.truncate(n - 2);
            } else {
                break;
            }
        }
    }
    // spikes through the ring's start: A ... X, S, X with S the first point
    while out.len() >= 3 && same(out[1], out[out.len() - 1]) {
        out.remove(0);
        out.pop();
    }
    while out.len() >= 2 && same(out[0], out[out.len() - 1]) {
        out.pop();
    }
    if let Some(&first) = out.first() {
        out.push(first);
    }
    LineString::new(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Contains, Point};

    fn square(x: f64, y: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![polygon![
            (x: x, y: y), (x: x + 1.0, y: y), (x: x + 1.0, y: y + 1.0), (x: x, y: y + 1.0)
        ]])
    }

    #[test]
    fn a_ring_of_eight_squares_keeps_the_enclave_as_a_hole() {
        // a 3x3 block without its centre: the centre belongs to another district
        let parts: Vec<MultiPolygon<f64>> = (0..3)
            .flat_map(|i| (0..3).map(move |j| (i, j)))
            .filter(|&(i, j)| (i, j) != (1, 1))
            .map(|(i, j)| square(i as f64, j as f64))
            .collect();
        let union = dissolve(&parts);
        assert_eq!(union.0.len(), 1);
        assert_eq!(union.0[0].interiors().len(), 1);
        assert!((union.unsigned_area() - 8.0).abs() < 1e-9);
        assert!(!union.contains(&Point::new(1.5, 1.5)));
        assert!(union.contains(&Point::new(0.5, 0.5)));
    }

    #[test]
    fn parts_that_do_not_touch_stay_separate_polygons() {
        let union = dissolve(&[square(0.0, 0.0), square(5.0, 0.0), square(1.0, 0.0)]);
        assert_eq!(union.0.len(), 2);
        assert!((union.unsigned_area() - 3.0).abs() < 1e-9);
    }

    #[test]
    fn spikes_are_cut_from_rings() {
        let c = |x: f64, y: f64| Coord { x, y };
        // a square with a spike out to (3, 0.5) and back, and one through the start point
        let ring = LineString::new(vec![
            c(0.0, 0.0),
            c(1.0, 0.0),
            c(1.0, 0.5),
            c(3.0, 0.5),
            c(1.0, 0.5),
            c(1.0, 1.0),
            c(0.0, 1.0),
            c(-2.0, 1.0),
            c(0.0, 1.0),
            c(0.0, 0.0),
        ]);
        let clean = without_spikes(ring);
        assert_eq!(
            clean.0,
            vec![
                c(0.0, 0.0),
                c(1.0, 0.0),
                c(1.0, 0.5),
                c(1.0, 1.0),
                c(0.0, 1.0),
                c(0.0, 0.0)
            ]
        );
        let at_start = LineString::new(vec![
            c(0.0, 0.0),
            c(1.0, 0.0),
            c(1.0, 1.0),
            c(0.0, 1.0),
            c(-1.0, -1.0),
            c(0.0, 1.0),
            c(0.0, 0.0),
        ]);
        assert_eq!(without_spikes(at_start).0.len(), 5);
    }

    #[test]
    fn nothing_dissolves_to_nothing() {
        assert!(dissolve(std::iter::empty()).0.is_empty());
    }
}
