//! GeoJSON of district maps: one feature per district, its outline dissolved from its
//! municipalities' boundaries ([`ambit_territory::geometry::dissolve`]), its audit figures as
//! properties. `ambit plan` writes it as `plan.geojson`; the studio's district export uses it.

use crate::compactness::{members_score, outlines, Compactness, Outline};
use ambit_rules::Audit;
use ambit_territory::{Boundaries, MunicipalityCode};
use geo::orient::Direction;
use geo::{LineString, MultiPolygon, Orient};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// A FeatureCollection (RFC 7946) of the audit's districts: each a MultiPolygon dissolved from
/// the boundaries `district_of` assigns to it (polygon code -> district, as
/// `Dataset::polygon_districts` gives), with the properties `district`, `municipalities`,
/// `population`, `area_km2`, `density`, `class`, `threshold`, `strict`, `threshold_text`,
/// `compliant`, `shortfall`, `polsby_popper` ([`crate::compactness`]), `cut_edges` (null here:
/// see [`districts_from`]) and `members` (the polygon codes). A district without any polygon
/// has a null geometry. Rings follow the right-hand rule (outer counter-clockwise).
pub fn districts(
    boundaries: &Boundaries,
    district_of: &HashMap<MunicipalityCode, String>,
    audit: &Audit,
) -> String {
    districts_from(
        &outlines(boundaries, district_of),
        boundaries.is_geographic(),
        audit,
        None,
    )
}

/// [`districts`] from outlines already dissolved ([`crate::compactness::outlines`]), with the
/// cut edges of `compactness` when given.
pub fn districts_from(
    outlines: &BTreeMap<String, Outline<'_>>,
    geographic: bool,
    audit: &Audit,
    compactness: Option<&Compactness>,
) -> String {
    let features: Vec<Value> = audit
        .districts
        .iter()
        .map(|d| {
            let outline = outlines.get(&d.name);
            let geometry = match outline {
                Some(o) if !o.members.is_empty() => multipolygon(&o.geometry),
                _ => Value::Null,
            };
            let codes: Vec<&str> = outline.map_or_else(Vec::new, |o| {
                o.members.iter().map(|b| b.code.as_str()).collect()
            });
            let pp = outline
                .and_then(|o| members_score(&o.members, geographic))
                .map(|v| round(v, 4));
            let cut = compactness
                .and_then(|c| c.get(&d.name))
                .map(|c| c.cut_edges);
            json!({
                "type": "Feature",
                "properties": {
                    "district": d.name,
                    "municipalities": d.municipalities,
                    "population": d.population,
                    "area_km2": round(d.area_km2, 3),
                    "density": round(d.density, 3),
                    "class": d.class,
                    "threshold": d.threshold,
                    "strict": d.strict,
                    "threshold_text": d.threshold_text,
                    "compliant": d.compliant,
                    "shortfall": d.shortfall,
                    "polsby_popper": pp,
                    "cut_edges": cut,
                    "members": codes,
                },
                "geometry": geometry,
            })
        })
        .collect();
    let mut out = json!({ "type": "FeatureCollection", "features": features }).to_string();
    out.push('\n');
    out
}

/// A GeoJSON MultiPolygon geometry, rings oriented by the right-hand rule (RFC 7946 §3.1.6).
pub fn multipolygon(m: &MultiPolygon<f64>) -> Value {
    let oriented = m.orient(Direction::Default);
    let polygons: Vec<Value> = oriented
        .0
        .iter()
        .map(|p| {
            let rings: Vec<Value> = std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(ring)
                .collect();
            Value::Array(rings)
        })
        .collect();
    json!({ "type": "MultiPolygon", "coordinates": polygons })
}

fn ring(r: &LineString<f64>) -> Value {
    // 1e-7 degrees is about 1 cm: the precision of the source boundaries, and half the size
    Value::Array(
        r.coords()
            .map(|c| json!([round(c.x, 7), round(c.y, 7)]))
            .collect(),
    )
}

fn round(v: f64, digits: i32) -> f64 {
    let k = 10f64.powi(digits);
    (v * k).round() / k
}
