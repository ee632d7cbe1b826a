//! Maps and tables of a plan ensemble (`ambit plan --ensemble N`): how stable each municipality's
//! grouping is across independent good plans, and which neighbouring pairs the plans disagree on.

use crate::map::{Choropleth, Fill, LegendEntry, Rgb};
use ambit_plan::Ensemble;
use ambit_territory::{Boundaries, MunicipalityCode};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Stability bands, firmest first: lower bound of the band, colour, label.
const BANDS: [(f64, Rgb, &str); 4] = [
    (
        0.95,
        Rgb(0x1a, 0x96, 0x41),
        "firm: plans agree on at least 95% of its borders",
    ),
    (0.8, Rgb(0xa6, 0xd9, 0x6a), "mostly firm (80-95%)"),
    (0.65, Rgb(0xfd, 0xae, 0x61), "contested (65-80%)"),
    (0.0, Rgb(0xd7, 0x19, 0x1c), "open choice (below 65%)"),
];

/// Band of a stability value (index into the bands).
fn band(s: f64) -> usize {
    BANDS
        .iter()
        .position(|b| s >= b.0)
        .unwrap_or(BANDS.len() - 1)
}

/// Fill of every unit by its stability; `codes[i]` is unit `i` of the ensemble's problem.
pub fn stability_fills(
    codes: &[MunicipalityCode],
    e: &Ensemble,
) -> HashMap<MunicipalityCode, Fill> {
    codes
        .iter()
        .zip(&e.stability)
        .map(|(c, &s)| {
            let b = &BANDS[band(s)];
            (
                c.clone(),
                Fill {
                    colour: b.1,
                    label: format!("stability {:.0}% over {} plans", 100.0 * s, e.plans),
                },
            )
        })
        .collect()
}

/// Legend of the stability bands, with the number of units in each.
pub fn stability_legend(e: &Ensemble) -> Vec<LegendEntry> {
    let mut count = [0usize; BANDS.len()];
    for &s in &e.stability {
        count[band(s)] += 1;
    }
    BANDS
        .iter()
        .zip(count)
        .map(|(b, c)| LegendEntry {
            colour: b.1,
            label: format!("{} ({c})", b.2),
        })
        .collect()
}

/// The stability map as SVG: municipalities filled by stability, with the district borders of
/// the ensemble's first plan drawn over them.
pub fn stability_map(
    title: &str,
    boundaries: &Boundaries,
    codes: &[MunicipalityCode],
    e: &Ensemble,
) -> String {
    let fills = stability_fills(codes, e);
    let districts: HashMap<MunicipalityCode, String> = match e.assignments.first() {
        Some(first) => codes
            .iter()
            .zip(first)
            .map(|(c, d)| (c.clone(), d.to_string()))
            .collect(),
        None => HashMap::new(),
    };
    Choropleth::new(title, boundaries, &fills)
        .with_legend(stability_legend(e))
        .with_district_borders(&districts)
        .to_svg()
}

/// CSV quoting of one field.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Per-unit stability as CSV (`code,name,stability`), least stable first.
pub fn stability_csv(codes: &[String], names: &[String], e: &Ensemble) -> String {
    let mut order: Vec<usize> = (0..e.stability.len()).collect();
    order.sort_by(|&a, &b| e.stability[a].total_cmp(&e.stability[b]).then(a.cmp(&b)));
    let mut out = String::from("code,name,stability\n");
    for u in order {
        let _ = writeln!(
            out,
            "{},{},{:.4}",
            field(&codes[u]),
            field(&names[u]),
            e.stability[u]
        );
    }
    out
}

/// Every neighbouring pair with its co-assignment frequency as CSV
/// (`code_a,name_a,code_b,name_b,together`), most contested (closest to 50%) first.
pub fn pairs_csv(codes: &[String], names: &[String], e: &Ensemble) -> String {
    let mut pairs = e.pairs.clone();
    pairs.sort_by(|x, y| {
        (x.together - 0.5)
            .abs()
            .total_cmp(&(y.together - 0.5).abs())
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    let mut out = String::from("code_a,name_a,code_b,name_b,together\n");
    for p in pairs {
        let (a, b) = (p.a as usize, p.b as usize);
        let _ = writeln!(
            out,
            "{},{},{},{},{:.4}",
            field(&codes[a]),
            field(&names[a]),
            field(&codes[b]),
            field(&names[b]),
            p.together
        );
    }
    out
}

/// The ensemble in words: plans, their districts, the share of firm pairs and of firm units.
pub fn stability_summary(e: &Ensemble) -> Vec<String> {
    let (lo, hi) = (
        e.compliant.iter().min().copied().unwrap_or(0),
        e.compliant.iter().max().copied().unwrap_or(0),
    );
    let firm_units = e.stability.iter().filter(|&&s| s >= BANDS[0].0).count();
    vec![
        format!("{} plans with {lo} to {hi} compliant districts", e.plans),
        format!(
            "{:.1}% of neighbouring pairs are together in at least 95% of the plans or apart in at least 95%",
            100.0 * e.firm_share(0.05)
        ),
        format!(
            "{firm_units} of {} units are firm (at least 95% agreement on their borders)",
            e.stability.len()
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use ambit_plan::{Adjacency, Problem};

    fn ensemble() -> Ensemble {
        // strip 0-1-2: plans {0,1},{2} and {0},{1,2} and {0,1},{2}
        let g = Adjacency::from_edges(3, &[(0, 1, 1.0), (1, 2, 1.0)]).unwrap();
        let pb = Problem::new(g, vec![1.0; 3], 1).unwrap();
        Ensemble::from_plans(
            &pb,
            vec![vec![0, 0, 1], vec![0, 1, 1], vec![0, 0, 1]],
            vec![2, 2, 2],
        )
    }

    #[test]
    fn tables_by_hand() {
        let e = ensemble();
        let codes: Vec<String> = ["A", "B", "C"].iter().map(|s| s.to_string()).collect();
        let names: Vec<String> = ["Alpha", "Beta, upper", "Gamma"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        // pair (0,1) together 2/3, pair (1,2) 1/3: equally contested, ordered by unit
        assert_eq!(
            pairs_csv(&codes, &names, &e),
            "code_a,name_a,code_b,name_b,together\nA,Alpha,B,\"Beta, upper\",0.6667\nB,\"Beta, upper\",C,Gamma,0.3333\n"
        );
        // every unit's decisions agree 2 times in 3
        assert!(
            stability_csv(&codes, &names, &e).starts_with("code,name,stability\nA,Alpha,0.6667\n")
        );
        assert_eq!(
            stability_summary(&e)[0],
            "3 plans with 2 to 2 compliant districts"
        );
        assert_eq!(stability_legend(&e)[2].label, "contested (65-80%) (3)");
    }
}
