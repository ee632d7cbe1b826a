//! Compactness of districts, as redistricting tools (Districtr, Dave's Redistricting) show it:
//! **cut edges**, the links of the contiguity graph that leave a district, and
//! **Polsby-Popper**, 4πA/P² of the district's outline (Polsby & Popper 1991): 1 for a disc,
//! π/4 ≈ 0.785 for a square, near 0 for a ragged or stringy district.
//!
//! The outline is read off the members' own rings, without computing their union: the area is
//! the sum of the members' areas (outer rings less holes), and the perimeter the length of the
//! ring segments that no other ring of the district runs along. A segment whose two ends
//! coincide with the ends of another ring's segment (to within [`SAME_END_DEGREES`], about
//! 1 cm, or [`SAME_END_UNITS`] in projected coordinates) is a border between two members (or a
//! member and an enclave it surrounds) and counts in neither. This is an order of magnitude
//! faster than the union ([`ambit_territory::geometry::dissolve`], which the maps and the
//! GeoJSON still draw) and closes the cracks a union leaves where neighbours were digitised a
//! hair apart: on France's 1,259 EPCI of 2019 the union's outline scores lower on 54 of them,
//! never higher (CC des Trois Rivières: 0.314 through a crack that splits it in two against
//! 0.472). Borders digitised with different vertices on the two sides are not recognised and
//! count twice.
//!
//! Geographic coordinates (WGS84 degrees) are first projected on a local equirectangular plane
//! centred on the district's mid-latitude (x scaled by the cosine of that latitude), because
//! the ratio is not invariant under the unequal scaling of degrees of longitude and latitude;
//! across one district (at most a few degrees) the projection's error on the ratio is a
//! fraction of a percent. Holes count in the perimeter and not in the area; the parts of a
//! multipolygon add up.
//!
//! ```
//! use ambit_report::compactness::polsby_popper;
//! use geo::{polygon, MultiPolygon};
//!
//! let square = MultiPolygon::new(vec![polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)]]);
//! let pp = polsby_popper(&square).unwrap();
//! assert!((pp - std::f64::consts::PI / 4.0).abs() < 1e-12);
//! ```

use crate::table::{Align, Table};
use ambit_territory::geometry::dissolve;
use ambit_territory::{Boundaries, Boundary, DataError, Dataset, DistrictMap, MunicipalityCode};
use geo::{Area, Coord, Euclidean, Length, MultiPolygon};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Kilometres per degree on the WGS84 ellipsoid's mean radius (6371.0088 km).
const KM_PER_DEGREE: f64 = 6371.0088 * std::f64::consts::PI / 180.0;

/// Two segment ends this close in geographic coordinates (degrees: about 1 cm) are one point.
pub const SAME_END_DEGREES: f64 = 1e-7;

/// Two segment ends this close in projected coordinates (1 cm when they are metres) are one
/// point.
pub const SAME_END_UNITS: f64 = 1e-2;

/// Compactness of one district.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictCompactness {
    /// The district's name.
    pub district: String,
    /// Links of the contiguity graph between a member and a municipality outside the district.
    pub cut_edges: usize,
    /// 4πA/P² of the dissolved outline; None without boundaries (or without a perimeter).
    pub polsby_popper: Option<f64>,
}

/// Compactness of every district of a map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compactness {
    /// One entry per district, in the map's order.
    pub districts: Vec<DistrictCompactness>,
    /// Links of the contiguity graph whose two ends lie in different districts (a link to a
    /// municipality in no district is cut too).
    pub cut_edges: usize,
}

/// Area and perimeter of planar polygons: the area of the outer rings less the holes, the
/// length of every ring (outer and holes).
pub fn area_perimeter(g: &MultiPolygon<f64>) -> (f64, f64) {
    let perimeter =
        g.0.iter()
            .map(|p| {
                p.exterior().length::<Euclidean>()
                    + p.interiors()
                        .iter()
                        .map(|r| r.length::<Euclidean>())
                        .sum::<f64>()
            })
            .sum();
    (g.unsigned_area(), perimeter)
}

/// Polsby-Popper score 4πA/P² of planar polygons; None when the perimeter is zero.
pub fn polsby_popper(g: &MultiPolygon<f64>) -> Option<f64> {
    let (a, p) = area_perimeter(g);
    (p > 0.0).then(|| 4.0 * std::f64::consts::PI * a / (p * p))
}

/// A segment end snapped to the grid of [`SAME_END_DEGREES`] or [`SAME_END_UNITS`].
type Point = (i64, i64);

/// Polsby-Popper of the district made of `members` (see the module documentation: shared
/// borders cancel, no union is computed); projected first when `geographic`. None without a
/// perimeter.
pub fn members_score(members: &[&Boundary], geographic: bool) -> Option<f64> {
    let rings = || {
        members.iter().flat_map(|m| {
            m.geometry.0.iter().flat_map(|p| {
                std::iter::once((p.exterior(), true))
                    .chain(p.interiors().iter().map(|r| (r, false)))
            })
        })
    };
    let (kx, ky, grid) = if geographic {
        let (lo, hi) = rings()
            .filter(|(_, outer)| *outer)
            .flat_map(|(r, _)| r.0.iter())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| {
                (lo.min(c.y), hi.max(c.y))
            });
        let lat0 = ((lo + hi) / 2.0).to_radians();
        (KM_PER_DEGREE * lat0.cos(), KM_PER_DEGREE, SAME_END_DEGREES)
    } else {
        (1.0, 1.0, SAME_END_UNITS)
    };
    let snap =
        |c: Coord<f64>| -> Point { ((c.x / grid).round() as i64, (c.y / grid).round() as i64) };
    let segments: usize = rings().map(|(r, _)| r.0.len()).sum();
    // segment (ends snapped, in order) -> (seen an odd number of times, length on the plane)
    let mut open: HashMap<(Point, Point), (bool, f64)> = HashMap::with_capacity(segments);
    let mut area = 0.0;
    for (ring, outer) in rings() {
        let mut twice = 0.0;
        for w in ring.0.windows(2) {
            let (a, b) = (w[0], w[1]);
            let (ax, ay, bx, by) = (a.x * kx, a.y * ky, b.x * kx, b.y * ky);
            twice += ax * by - bx * ay;
            // sqrt rather than hypot: no overflow at these magnitudes, and several times faster
            let length = ((bx - ax) * (bx - ax) + (by - ay) * (by - ay)).sqrt();
            let (sa, sb) = (snap(a), snap(b));
            if sa == sb {
                continue;
            }
            let key = if sa < sb { (sa, sb) } else { (sb, sa) };
            let e = open.entry(key).or_insert((false, length));
            e.0 = !e.0;
        }
        let ring_area = twice.abs() / 2.0;
        area += if outer { ring_area } else { -ring_area };
    }
    let perimeter: f64 = open.values().filter(|(odd, _)| *odd).map(|(_, l)| l).sum();
    (perimeter > 0.0).then(|| 4.0 * std::f64::consts::PI * area / (perimeter * perimeter))
}

/// A district's dissolved outline and the codes of its polygons.
#[derive(Debug, Clone)]
pub struct Outline<'a> {
    /// The union of the members' polygons.
    pub geometry: MultiPolygon<f64>,
    /// The members' boundaries, in the boundary file's order.
    pub members: Vec<&'a Boundary>,
}

/// The boundaries of every district of `district_of` (polygon code -> district, as
/// `Dataset::polygon_districts` gives), by district name, in the boundary file's order.
pub fn members<'a>(
    boundaries: &'a Boundaries,
    district_of: &HashMap<MunicipalityCode, String>,
) -> BTreeMap<String, Vec<&'a Boundary>> {
    let mut members: BTreeMap<String, Vec<&Boundary>> = BTreeMap::new();
    for b in boundaries.features() {
        if let Some(d) = district_of.get(&b.code) {
            members.entry(d.clone()).or_default().push(b);
        }
    }
    members
}

/// The outline of every district of `district_of` (as for [`members`]), dissolved once, by
/// district name.
pub fn outlines<'a>(
    boundaries: &'a Boundaries,
    district_of: &HashMap<MunicipalityCode, String>,
) -> BTreeMap<String, Outline<'a>> {
    members(boundaries, district_of)
        .into_iter()
        .map(|(d, parts)| {
            let geometry = dissolve(parts.iter().map(|b| &b.geometry));
            (
                d,
                Outline {
                    geometry,
                    members: parts,
                },
            )
        })
        .collect()
}

impl Compactness {
    /// Compactness of the districts `names` (in this order) from their cut edges (`per`, one
    /// per name, and `total`) and, when given, their Polsby-Popper scores by name (as
    /// [`scores`] gives them; a district without one has none).
    pub fn new(
        names: &[String],
        per: &[usize],
        total: usize,
        scores: Option<&BTreeMap<String, f64>>,
    ) -> Self {
        let districts = names
            .iter()
            .zip(per)
            .map(|(name, &cut)| DistrictCompactness {
                district: name.clone(),
                cut_edges: cut,
                polsby_popper: scores.and_then(|s| s.get(name).copied()),
            })
            .collect();
        Self {
            districts,
            cut_edges: total,
        }
    }

    /// The entry of district `name`.
    pub fn get(&self, name: &str) -> Option<&DistrictCompactness> {
        self.districts.iter().find(|d| d.district == name)
    }

    /// Mean, least and largest Polsby-Popper over the districts that have one.
    pub fn polsby_popper_range(&self) -> Option<(f64, f64, f64)> {
        let v: Vec<f64> = self
            .districts
            .iter()
            .filter_map(|d| d.polsby_popper)
            .collect();
        if v.is_empty() {
            return None;
        }
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some((mean, min, max))
    }

    /// One line: the plan's cut edges and the spread of Polsby-Popper scores.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "compactness: {} cut edges over {} districts",
            self.cut_edges,
            self.districts.len()
        );
        match self.polsby_popper_range() {
            Some((mean, min, max)) => s.push_str(&format!(
                "; Polsby-Popper mean {mean:.3} (least {min:.3}, largest {max:.3})"
            )),
            None => s.push_str("; Polsby-Popper not computed (no boundaries)"),
        }
        s
    }

    /// The table `district, cut edges, Polsby-Popper` (blank without boundaries).
    pub fn table(&self) -> Table {
        let mut t = Table::new([
            ("district", Align::Left),
            ("cut edges", Align::Right),
            ("Polsby-Popper", Align::Right),
        ])
        .with_title("Compactness");
        for d in &self.districts {
            t.push([
                d.district.clone(),
                d.cut_edges.to_string(),
                d.polsby_popper.map(score_text).unwrap_or_default(),
            ]);
        }
        t.note(self.summary());
        // the square's score is the formula's own (π/4), printed like the districts' scores
        let square = polsby_popper(&MultiPolygon::new(vec![geo::Rect::new(
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 1.0, y: 1.0 },
        )
        .to_polygon()]));
        t.note(format!(
            "cut edges: contiguity links from a member to a municipality outside the district; \
             Polsby-Popper: 4πA/P² of the district's outline (1 = a disc, {} = a square)",
            square.map(|v| format!("{v:.3}")).unwrap_or_default()
        ));
        t
    }

    /// As plan.json holds it: the total, the spread and every district.
    pub fn to_json(&self) -> serde_json::Value {
        let range = self.polsby_popper_range();
        serde_json::json!({
            "cut_edges": self.cut_edges,
            "polsby_popper_mean": range.map(|r| r.0),
            "polsby_popper_min": range.map(|r| r.1),
            "polsby_popper_max": range.map(|r| r.2),
            "districts": self.districts,
        })
    }
}

/// The Polsby-Popper score of every district of `map` that has boundaries, by name
/// ([`members_score`]); None when the data folder has no boundary layer.
pub fn scores(ds: &Dataset, map: &DistrictMap) -> Result<Option<BTreeMap<String, f64>>, DataError> {
    let has_boundaries = ds
        .manifest
        .polygons
        .as_ref()
        .and_then(|p| p.boundaries.as_ref())
        .is_some();
    if !has_boundaries {
        return Ok(None);
    }
    let boundaries = ds.boundaries()?;
    let geographic = boundaries.is_geographic();
    Ok(Some(
        members(&boundaries, &ds.polygon_districts(map))
            .into_iter()
            .filter_map(|(d, m)| members_score(&m, geographic).map(|s| (d, s)))
            .collect(),
    ))
}

/// Compactness of the districts of `map` over a data folder, in the order of `names` (e.g. the
/// audit's districts): cut edges from the folder's contiguity graph, Polsby-Popper from its
/// boundaries when it has any.
pub fn of_map(ds: &Dataset, map: &DistrictMap, names: &[String]) -> Result<Compactness, DataError> {
    Ok(of_map_scored(ds, map, names, scores(ds, map)?.as_ref()))
}

/// [`of_map`] with the Polsby-Popper scores already computed ([`scores`]).
pub fn of_map_scored(
    ds: &Dataset,
    map: &DistrictMap,
    names: &[String],
    scores: Option<&BTreeMap<String, f64>>,
) -> Compactness {
    let index: HashMap<&str, u32> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i as u32))
        .collect();
    let ms = ds.territory.municipalities();
    let label: Vec<Option<u32>> = ms
        .iter()
        .map(|m| map.district_of(&m.code).and_then(|d| index.get(d).copied()))
        .collect();
    let edges = (0..ms.len()).flat_map(|i| {
        ds.graph
            .neighbours(i)
            .iter()
            .filter(move |&&j| i < j)
            .map(move |&j| (i, j))
    });
    let (per, total) = ambit_plan::cut_edges_per_district(&label, names.len(), edges);
    Compactness::new(names, &per, total, scores)
}

/// A score with four decimals (as in the CSV, the table and the GeoJSON).
pub fn score_text(v: f64) -> String {
    format!("{v:.4}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;
    use std::f64::consts::PI;

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![
            polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1)],
        ])
    }

    #[test]
    fn unit_square_is_pi_over_four() {
        let pp = polsby_popper(&rect(0.0, 0.0, 1.0, 1.0)).unwrap();
        assert!((pp - PI / 4.0).abs() < 1e-12, "{pp}");
    }

    #[test]
    fn two_by_one_rectangle() {
        // A = 2, P = 6: 4π·2/36 = 2π/9 ≈ 0.6981
        let pp = polsby_popper(&rect(0.0, 0.0, 2.0, 1.0)).unwrap();
        assert!((pp - 2.0 * PI / 9.0).abs() < 1e-12, "{pp}");
        assert!((pp - 0.698_131_700_797_731_8).abs() < 1e-12);
    }

    #[test]
    fn a_hole_counts_in_the_perimeter_not_the_area() {
        // 3x3 square with a 1x1 hole: A = 8, P = 12 + 4 = 16: 4π·8/256 = π/8
        let outer = polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 3.0, y: 0.0), (x: 3.0, y: 3.0), (x: 0.0, y: 3.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 1.0, y: 2.0), (x: 2.0, y: 2.0), (x: 2.0, y: 1.0)]],
        ];
        let pp = polsby_popper(&MultiPolygon::new(vec![outer])).unwrap();
        assert!((pp - PI / 8.0).abs() < 1e-12, "{pp}");
    }

    fn boundary(code: &str, geometry: MultiPolygon<f64>) -> Boundary {
        Boundary {
            code: MunicipalityCode::parse(code).unwrap(),
            name: None,
            geometry,
        }
    }

    #[test]
    fn geographic_square_is_projected() {
        // 0.1° of latitude by 0.1°/cos(60°) = 0.2° of longitude at 60°N is about square on the
        // ground (within the tiny change of the cosine over 0.1°); unprojected it would score
        // as a 2x1 rectangle
        let b = boundary("1", rect(10.0, 59.95, 10.2, 60.05));
        let projected = members_score(&[&b], true).unwrap();
        assert!((projected - PI / 4.0).abs() < 1e-3, "{projected}");
        let raw = members_score(&[&b], false).unwrap();
        assert!((raw - 2.0 * PI / 9.0).abs() < 1e-9, "{raw}");
    }

    #[test]
    fn a_shared_border_is_inside_the_district() {
        // two unit squares side by side are a 2x1 rectangle (A = 2, P = 6), even when the
        // second was digitised a hair to the right of the first (a crack of 1e-9)
        let left = boundary("1", rect(0.0, 0.0, 1.0, 1.0));
        for gap in [0.0, 1e-9] {
            let right = boundary("2", rect(1.0 + gap, 0.0, 2.0 + gap, 1.0));
            let pp = members_score(&[&left, &right], false).unwrap();
            assert!((pp - 2.0 * PI / 9.0).abs() < 1e-8, "gap {gap}: {pp}");
        }
        // apart by 1 (not neighbours): two squares, A = 2, P = 8: 4π·2/64 = π/8
        let far = boundary("3", rect(2.0, 0.0, 3.0, 1.0));
        let pp = members_score(&[&left, &far], false).unwrap();
        assert!((pp - PI / 8.0).abs() < 1e-12, "{pp}");
    }

    #[test]
    fn an_enclave_fills_its_hole() {
        // a 3x3 square with a 1x1 hole scores π/8 alone (A = 8, P = 16); with the enclave
        // that fills the hole the district is the whole square (π/4)
        let ring = polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 3.0, y: 0.0), (x: 3.0, y: 3.0), (x: 0.0, y: 3.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 1.0, y: 2.0), (x: 2.0, y: 2.0), (x: 2.0, y: 1.0)]],
        ];
        let ring = boundary("1", MultiPolygon::new(vec![ring]));
        let alone = members_score(&[&ring], false).unwrap();
        assert!((alone - PI / 8.0).abs() < 1e-12, "{alone}");
        let enclave = boundary("2", rect(1.0, 1.0, 2.0, 2.0));
        let whole = members_score(&[&ring, &enclave], false).unwrap();
        assert!((whole - PI / 4.0).abs() < 1e-12, "{whole}");
        assert_eq!(members_score(&[], false), None);
    }

    #[test]
    fn degenerate_polygons_have_no_score() {
        assert_eq!(polsby_popper(&MultiPolygon::new(Vec::new())), None);
    }

    #[test]
    fn table_and_summary_state_the_figures() {
        let c = Compactness::new(&["A".to_string(), "B".to_string()], &[4, 3], 5, None);
        assert_eq!(c.get("B").map(|d| d.cut_edges), Some(3));
        assert_eq!(
            c.summary(),
            "compactness: 5 cut edges over 2 districts; Polsby-Popper not computed (no boundaries)"
        );
        let csv = c.table().to_csv();
        assert!(
            csv.starts_with("district,cut edges,Polsby-Popper\nA,4,\nB,3,\n"),
            "{csv}"
        );
    }
}
