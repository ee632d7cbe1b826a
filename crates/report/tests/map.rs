//! The SVG choropleth: well-formed XML, one path per municipality, legend, district borders.

use ambit_report::{
    district_colours, district_fills, Choropleth, Fill, LegendEntry, Status, DISTRICT_PALETTE,
    NO_DISTRICT,
};
use ambit_territory::{Boundaries, BoundaryFields, Contiguity, ContiguityKind, MunicipalityCode};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

fn lombardy() -> Boundaries {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/lombardy/boundaries_2021.geojson");
    Boundaries::from_geojson_path(path, &BoundaryFields::new("istat_code").with_name("name"))
        .unwrap()
}

fn squares() -> Boundaries {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../territory/tests/fixtures/geo/squares_2x2.geojson");
    Boundaries::from_geojson_path(path, &BoundaryFields::new("code").with_name("name")).unwrap()
}

fn code(s: &str) -> MunicipalityCode {
    MunicipalityCode::parse(s).unwrap()
}

/// Elements with the given tag and class.
fn count(doc: &roxmltree::Document, tag: &str, class: &str) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && n.attribute("class") == Some(class))
        .count()
}

/// Number of straight segments in path data made of M/L/Z commands with absolute points.
fn segments(d: &str) -> usize {
    d.split('M')
        .filter(|run| !run.is_empty())
        .map(|run| run.matches('L').count())
        .sum()
}

#[test]
fn lombardy_by_province_is_well_formed_with_1506_paths_and_distinct_neighbour_colours() {
    let b = lombardy();
    let rook = Contiguity::compute(&b, ContiguityKind::Rook);
    // Districts = provinces (the first three digits of the ISTAT code): 12 of them.
    let district_of: HashMap<MunicipalityCode, String> = b
        .features()
        .iter()
        .map(|f| {
            (
                f.code.clone(),
                format!("Province {}", &f.code.as_str()[..3]),
            )
        })
        .collect();
    let (fills, legend) = district_fills(&b, &rook, &district_of);
    assert_eq!(legend.len(), 12);
    let colours = district_colours(&b, &rook, &district_of);
    for &(i, j) in rook.pairs() {
        let (di, dj) = (
            &district_of[&b.features()[i].code],
            &district_of[&b.features()[j].code],
        );
        if di != dj {
            assert_ne!(colours[di], colours[dj], "{di} and {dj} touch");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lombardy.svg");
    Choropleth::new("Lombardy by province & <test>", &b, &fills)
        .with_legend(legend)
        .with_district_borders(&district_of)
        .write(&path)
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(count(&doc, "path", "comune"), 1506);
    assert_eq!(count(&doc, "g", "legend-entry"), 12);
    assert_eq!(count(&doc, "path", "district-borders"), 1);
    let tooltips: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("class") == Some("comune"))
        .filter_map(|n| n.children().find(|c| c.has_tag_name("title")))
        .filter_map(|t| t.text())
        .collect();
    assert_eq!(tooltips.len(), 1506);
    assert!(tooltips.contains(&"Milano (015146): Province 015"));
    assert!(tooltips.contains(&"Campione d'Italia (013040): Province 013"));
    let title = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("title"))
        .and_then(|n| n.text());
    assert_eq!(title, Some("Lombardy by province & <test>"));
    // Only the written file is left in the folder: the temporary one was renamed.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn status_map_uses_status_colours_and_its_legend() {
    let b = squares();
    let fills = HashMap::from([
        (code("000001"), Status::Compliant.fill("A")),
        (code("000002"), Status::NonCompliant.fill("B")),
        (code("000003"), Status::NoDistrict.fill("")),
    ]);
    let svg = Choropleth::new("Status", &b, &fills)
        .with_legend(Status::legend())
        .to_svg();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let fills_drawn: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("comune"))
        .filter_map(|n| n.attribute("fill"))
        .collect();
    assert_eq!(
        fills_drawn,
        vec!["#1a9850", "#d73027", "#bdbdbd", "#f5f5f5"]
    );
    let legend: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("legend-entry"))
        .filter_map(|g| g.children().find(|c| c.has_tag_name("text")))
        .filter_map(|t| t.text())
        .collect();
    assert_eq!(legend, vec!["compliant", "non-compliant", "no district"]);
    assert_eq!(count(&doc, "path", "district-borders"), 0);
}

#[test]
fn two_districts_on_the_2x2_grid_dissolve_to_outer_border_plus_the_middle_line() {
    let b = squares();
    let rook = Contiguity::compute(&b, ContiguityKind::Rook);
    // West column (000001, 000003) and east column (000002, 000004).
    let district_of: HashMap<MunicipalityCode, String> = [
        ("000001", "West"),
        ("000003", "West"),
        ("000002", "East"),
        ("000004", "East"),
    ]
    .into_iter()
    .map(|(c, d)| (code(c), d.to_string()))
    .collect();
    let (fills, legend) = district_fills(&b, &rook, &district_of);
    assert_eq!(legend.len(), 2);
    assert_ne!(fills[&code("000001")].colour, fills[&code("000002")].colour);
    assert_eq!(fills[&code("000001")].colour, fills[&code("000003")].colour);
    let svg = Choropleth::new("Two districts", &b, &fills)
        .with_legend(legend)
        .with_district_borders(&district_of)
        .to_svg();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let d = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("district-borders"))
        .and_then(|n| n.attribute("d"))
        .unwrap();
    // 8 unit segments of outer border + the 2 of the line x = 1 between the columns; the
    // line y = 1 inside each column is dissolved.
    assert_eq!(segments(d), 10, "{d}");
}

#[test]
fn a_municipality_in_no_district_is_grey_and_listed_once_in_the_legend() {
    let b = squares();
    let rook = Contiguity::compute(&b, ContiguityKind::Rook);
    let district_of = HashMap::from([(code("000001"), "Only".to_string())]);
    let (fills, legend) = district_fills(&b, &rook, &district_of);
    assert_eq!(
        fills[&code("000004")],
        Status::NoDistrict.fill("no district")
    );
    assert_eq!(fills[&code("000004")].colour, NO_DISTRICT);
    let labels: BTreeSet<&str> = legend.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels, BTreeSet::from(["Only", "no district"]));
    assert_eq!(fills[&code("000001")].colour, DISTRICT_PALETTE[0]);
    let _: &Fill = &fills[&code("000001")];
}

#[test]
fn an_unwritable_path_is_an_error_naming_it_and_leaves_nothing() {
    let b = squares();
    let fills = HashMap::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-folder").join("map.svg");
    let err = Choropleth::new("x", &b, &fills).write(&path).unwrap_err();
    assert!(err.to_string().contains("map.svg"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn status_fills_follow_each_comune_s_district() {
    let b = squares();
    let district_of: HashMap<MunicipalityCode, String> = [
        ("000001", "Seriate"),
        ("000002", "Seriate"),
        ("000003", "Dalmine"),
    ]
    .into_iter()
    .map(|(c, d)| (code(c), d.to_string()))
    .collect();
    let status_of = HashMap::from([
        ("Seriate".to_string(), Status::NonCompliant),
        ("Dalmine".to_string(), Status::Compliant),
    ]);
    let fills = ambit_report::status_fills(&b, &district_of, &status_of);
    assert_eq!(
        fills[&code("000001")],
        Status::NonCompliant.fill("Seriate: non-compliant")
    );
    assert_eq!(fills[&code("000003")].colour, Status::Compliant.colour());
    assert_eq!(
        fills[&code("000004")],
        Status::NoDistrict.fill("no district")
    );
}

#[test]
fn a_long_legend_flows_into_columns_inside_the_picture() {
    let b = squares();
    let fills = HashMap::new();
    let legend: Vec<LegendEntry> = (0..98)
        .map(|k| LegendEntry {
            colour: DISTRICT_PALETTE[k % DISTRICT_PALETTE.len()],
            label: format!("Ambito territoriale numero {k} con un nome molto lungo"),
        })
        .collect();
    let svg = Choropleth::new("Many", &b, &fills)
        .with_legend(legend)
        .to_svg();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let root = doc.root_element();
    let width: f64 = root.attribute("width").unwrap().parse().unwrap();
    let height: f64 = root.attribute("height").unwrap().parse().unwrap();
    assert_eq!(count(&doc, "g", "legend-entry"), 98);
    let legend = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("legend"))
        .unwrap();
    let translate = legend.attribute("transform").unwrap();
    let nums: Vec<f64> = translate
        .trim_start_matches("translate(")
        .trim_end_matches(')')
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    let mut columns = BTreeSet::new();
    for rect in legend.descendants().filter(|n| n.has_tag_name("rect")) {
        let x: f64 = rect.attribute("x").unwrap().parse().unwrap();
        let y: f64 = rect.attribute("y").unwrap().parse().unwrap();
        assert!(nums[0] + x + 14.0 <= width && nums[1] + y + 14.0 <= height);
        columns.insert(x as i64);
    }
    assert!(columns.len() > 1, "98 entries need more than one column");
    // Long labels wrap onto a second line in the drawing and are whole in the tooltip.
    let first = legend
        .children()
        .find(|n| n.attribute("class") == Some("legend-entry"))
        .unwrap();
    let tip = first.children().find(|c| c.has_tag_name("title")).unwrap();
    let text = first.children().find(|c| c.has_tag_name("text")).unwrap();
    assert_eq!(
        tip.text(),
        Some("Ambito territoriale numero 0 con un nome molto lungo")
    );
    let lines: Vec<&str> = text
        .children()
        .filter(|c| c.has_tag_name("tspan"))
        .filter_map(|c| c.text())
        .collect();
    assert_eq!(
        lines,
        ["Ambito territoriale numero 0 con", "un nome molto lungo"]
    );
}

mod invariants {
    use super::*;
    use ambit_territory::Boundary;
    use geo::{Coord, LineString, MultiPolygon, Polygon};
    use proptest::prelude::*;

    fn grid(n: usize) -> Boundaries {
        let mut features = Vec::new();
        for r in 0..n {
            for c in 0..n {
                let (x, y) = (c as f64 * 0.1 + 9.0, r as f64 * 0.1 + 45.0);
                let ring = vec![
                    Coord { x, y },
                    Coord { x: x + 0.1, y },
                    Coord {
                        x: x + 0.1,
                        y: y + 0.1,
                    },
                    Coord { x, y: y + 0.1 },
                    Coord { x, y },
                ];
                features.push(Boundary {
                    code: code(&format!("{:06}", r * n + c)),
                    name: Some(format!("Cell <{r},{c}> & co")),
                    geometry: MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])]),
                });
            }
        }
        Boundaries::new(features).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(30))]

        /// Any assignment of grid cells to districts (or none) gives well-formed SVG with one
        /// path per cell, one legend entry per district (plus "no district" when needed), and
        /// different colours on touching districts whenever the palette allows.
        #[test]
        fn any_district_map_draws_well(n in 1usize..6, labels in proptest::collection::vec(0usize..8, 36)) {
            let b = grid(n);
            let rook = Contiguity::compute(&b, ContiguityKind::Rook);
            let district_of: HashMap<MunicipalityCode, String> = b
                .features()
                .iter()
                .zip(&labels)
                .filter(|(_, &l)| l > 0)
                .map(|(f, l)| (f.code.clone(), format!("D{l} & \"x\"")))
                .collect();
            let (fills, legend) = district_fills(&b, &rook, &district_of);
            let districts: BTreeSet<&String> = district_of.values().collect();
            let without = b.features().iter().any(|f| !district_of.contains_key(&f.code));
            prop_assert_eq!(legend.len(), districts.len() + usize::from(without));
            for &(i, j) in rook.pairs() {
                let (ci, cj) = (&b.features()[i].code, &b.features()[j].code);
                if let (Some(di), Some(dj)) = (district_of.get(ci), district_of.get(cj)) {
                    if di != dj {
                        prop_assert_ne!(fills[ci].colour, fills[cj].colour);
                    }
                }
            }
            let svg = Choropleth::new("Grid & <map>", &b, &fills)
                .with_legend(legend)
                .with_district_borders(&district_of)
                .to_svg();
            let doc = roxmltree::Document::parse(&svg).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(count(&doc, "path", "comune"), n * n);
        }
    }
}
