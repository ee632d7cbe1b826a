//! GeoJSON of district maps: one feature per district, its outline dissolved from its
//! municipalities' boundaries ([`ambit_territory::geometry::dissolve`]), its audit figures as
//! properties. `ambit plan` writes it as `plan.geojson`; the studio's district export uses it.

use ambit_rules::Audit;
use ambit_territory::geometry::dissolve;
use ambit_territory::{Boundaries, MunicipalityCode};
use geo::orient::Direction;
use geo::{LineString, MultiPolygon, Orient};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// A FeatureCollection (RFC 7946) of the audit's districts: each a MultiPolygon dissolved from
/// the boundaries `district_of` assigns to it (polygon code -> district, as
/// `Dataset::polygon_districts` gives), with the properties `district`, `municipalities`,
/// `population`, `area_km2`, `density`, `class`, `threshold`, `strict`, `threshold_text`,
/// `compliant`, `shortfall` and `members` (the polygon codes). A district without any
/// polygon has a null geometry. Rings follow the right-hand rule (outer counter-clockwise).
pub fn districts(
    boundaries: &Boundaries,
    district_of: &HashMap<MunicipalityCode, String>,
    audit: &Audit,
) -> String {
    let mut members: BTreeMap<&str, Vec<&ambit_territory::Boundary>> = BTreeMap::new();
    for b in boundaries.features() {
        if let Some(d) = district_of.get(&b.code) {
            members.entry(d.as_str()).or_default().push(b);
        }
    }
    let features: Vec<Value> = audit
        .districts
        .iter()
        .map(|d| {
            let parts = members.get(d.name.as_str()).map_or(&[][..], Vec::as_slice);
            let geometry = if parts.is_empty() {
                Value::Null
            } else {
                multipolygon(&dissolve(parts.iter().map(|b| &b.geometry)))
            };
            let codes: Vec<&str> = parts.iter().map(|b| b.code.as_str()).collect();
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
