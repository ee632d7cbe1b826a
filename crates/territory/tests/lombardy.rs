//! The bundled Lombardy data folder loads and gives the figures of its SOURCES.md.

mod common;

use ambit_territory::{Dataset, LinkKind, MunicipalityCode};

fn lombardy() -> Dataset {
    Dataset::load(&common::lombardy_dir()).unwrap()
}

#[test]
fn comuni_2018_figures() {
    let d = lombardy();
    let t = &d.territory;
    assert_eq!(t.len(), 1516);
    assert_eq!(t.population(), 10_036_245);
    let small = t
        .municipalities()
        .iter()
        .filter(|m| m.population < 5000)
        .count();
    assert_eq!(small, 1047);
    let milano = t.get(&MunicipalityCode::parse("015146").unwrap()).unwrap();
    assert_eq!(milano.name, "Milano");
    assert_eq!(milano.attribute("province_abbr"), Some("MI"));
}

#[test]
fn contiguity_links_2018_comuni_through_2021_polygons() {
    let d = lombardy();
    // 1,516 comuni on 1,506 polygons: the 16 comuni merged in 2019-2020 share polygons.
    let same_polygon = (0..d.graph.len())
        .flat_map(|a| d.graph.neighbours(a).iter().map(move |&b| (a, b)))
        .filter(|&(a, b)| a < b && d.graph.kind(a, b) == Some(LinkKind::SamePolygon))
        .count();
    assert!(same_polygon >= 10, "{same_polygon}");
    let idx = |c: &str| {
        d.territory
            .index_of(&MunicipalityCode::parse(c).unwrap())
            .unwrap()
    };
    // Agra (012001) borders 012065 and 012092 in adjacency_2021.csv.
    assert!(d.graph.neighbours(idx("012001")).contains(&idx("012065")));
}

#[test]
fn district_maps_load_and_seriate_has_its_eleven_comuni() {
    let d = lombardy();
    let m = d.district_map("ambiti-2017").unwrap();
    assert_eq!(m.len(), 88);
    let districts = m.districts();
    assert_eq!(districts.len(), 5);
    let seriate: u64 = districts["Seriate"]
        .iter()
        .map(|c| d.territory.get(c).unwrap().population)
        .sum();
    assert_eq!(districts["Seriate"].len(), 11);
    assert_eq!(seriate, 77_716);
}

#[test]
fn district_maps_in_2017_codes_are_rekeyed_to_2018() {
    let d = lombardy();
    let dir = std::env::temp_dir().join(format!("ambit-rekey-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("old.csv");
    // Casasco d'Intelvi and San Fedele Intelvi (2017 codes) merged into Centro Valle Intelvi
    // (013254) on 1 Jan 2018; Agra (012001) kept its code.
    std::fs::write(&f, "code,district\n013050,X\n013205,X\n012001,Y\n").unwrap();
    let m = d.district_map(f.to_str().unwrap()).unwrap();
    let cvi = MunicipalityCode::parse("013254").unwrap();
    assert_eq!(m.district_of(&cvi), Some("X"));
    assert!(m
        .notices
        .iter()
        .any(|n| n.message.starts_with("2 codes of another vintage")));
    std::fs::remove_dir_all(&dir).unwrap();
}
