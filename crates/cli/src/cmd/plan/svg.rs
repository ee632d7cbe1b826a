//! A plain SVG map of a plan: every district in one of eight colours (neighbours differ),
//! non-compliant districts in grey with a red outline.

use serde_json::Value;
use std::fmt::Write;

const PALETTE: [&str; 8] = [
    "#8dd3c7", "#ffffb3", "#bebada", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#d9d9d9",
];

/// One district to draw: its polygons (GeoJSON MultiPolygon coordinates), name and status.
pub struct DistrictShape<'a> {
    /// MultiPolygon coordinates: polygons of rings of `[lon, lat]`.
    pub polygons: &'a [Value],
    /// Name, shown as a tooltip.
    pub name: &'a str,
    /// Whether it meets its threshold.
    pub compliant: bool,
}

/// Greedy colouring: each district takes the first colour none of its neighbours has.
pub fn colours(count: usize, neighbours: &[Vec<usize>]) -> Vec<usize> {
    let mut c = vec![usize::MAX; count];
    for d in 0..count {
        let used: Vec<usize> = neighbours[d].iter().map(|&e| c[e]).collect();
        c[d] = (0..PALETTE.len())
            .find(|k| !used.contains(k))
            .unwrap_or(d % PALETTE.len());
    }
    c
}

/// Renders the districts (longitude/latitude, equirectangular scaled by cos(latitude)).
pub fn render(shapes: &[DistrictShape], colour: &[usize], title: &str) -> String {
    let mut pts = shapes
        .iter()
        .flat_map(|s| s.polygons.iter())
        .flat_map(|p| p.as_array().into_iter().flatten())
        .flat_map(|r| r.as_array().into_iter().flatten())
        .filter_map(|xy| Some((xy.get(0)?.as_f64()?, xy.get(1)?.as_f64()?)));
    let Some(first) = pts.next() else {
        return String::new();
    };
    let (mut x0, mut y0, mut x1, mut y1) = (first.0, first.1, first.0, first.1);
    for (x, y) in pts {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let kx = ((y0 + y1) / 2.0).to_radians().cos();
    let width = 900.0;
    let scale = width / ((x1 - x0) * kx).max(1e-9);
    let height = (y1 - y0) * scale + 40.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}">"#,
        w = width,
        h = height
    );
    let _ = writeln!(
        s,
        r#"<text x="8" y="22" font-family="sans-serif" font-size="16">{}</text>"#,
        escape(title)
    );
    for (i, sh) in shapes.iter().enumerate() {
        let mut d = String::new();
        for poly in sh.polygons {
            for ring in poly.as_array().into_iter().flatten() {
                let mut firstpt = true;
                for xy in ring.as_array().into_iter().flatten() {
                    let (Some(x), Some(y)) = (
                        xy.get(0).and_then(Value::as_f64),
                        xy.get(1).and_then(Value::as_f64),
                    ) else {
                        continue;
                    };
                    let px = (x - x0) * kx * scale;
                    let py = (y1 - y) * scale + 32.0;
                    let _ = write!(d, "{}{px:.1},{py:.1}", if firstpt { "M" } else { "L" });
                    firstpt = false;
                }
                d.push('Z');
            }
        }
        let (fill, stroke, sw) = if sh.compliant {
            (PALETTE[colour[i] % PALETTE.len()], "#333", 0.6)
        } else {
            ("#bbbbbb", "#d7191c", 1.5)
        };
        let _ = writeln!(
            s,
            r#"<path d="{d}" fill="{fill}" stroke="{stroke}" stroke-width="{sw}" fill-rule="evenodd"><title>{}</title></path>"#,
            escape(sh.name)
        );
    }
    s.push_str("</svg>\n");
    s
}

fn escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
