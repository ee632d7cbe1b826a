//! `import`: a data folder from a user's own files, checked like a bundled one, with every
//! municipality missing from one file named; gzip boundaries read back; a bad row refused with
//! file, line, field and value and nothing left behind.

use ambit_territory::import::{coverage, import, ImportSpec, Named};
use ambit_territory::{Dataset, DistrictColumns, MunicipalityColumns};
use std::path::{Path, PathBuf};

fn square(code: &str, name: &str, x: f64, y: f64) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{"code":"{code}","name":"{name}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x1},{y}],[{x1},{y1}],[{x},{y1}],[{x},{y}]]]}}}}"#,
        x1 = x + 1.0,
        y1 = y + 1.0
    )
}

/// Four communes in a row (01001-01003 touching, 29083 an island far off), 01004 without a
/// polygon, a polygon 99999 of no commune, an adjacency pair naming 88888; a map leaving the
/// island and 01004 out.
fn files(dir: &Path, communes: &str) -> ImportSpec {
    let w = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let boundaries = format!(
        r#"{{"type":"FeatureCollection","features":[{},{},{},{},{}]}}"#,
        square("01001", "Aval", 0.0, 0.0),
        square("01002", "Bourg", 1.0, 0.0),
        square("01003", "Cime", 2.0, 0.0),
        square("29083", "Ile-de-Sein", 10.0, 10.0),
        square("99999", "Nowhere", 20.0, 20.0),
    );
    ImportSpec {
        name: "test".into(),
        municipalities: w("communes.csv", communes),
        columns: MunicipalityColumns {
            area_km2: Some("area_km2".into()),
            ..Default::default()
        },
        population_vintage: Some("made up".into()),
        boundaries: Some(w("boundaries.geojson", &boundaries)),
        code_property: "code".into(),
        name_property: Some("name".into()),
        adjacency: Some((
            w(
                "adjacency.csv",
                "code_a,code_b\n01001,01002\n01002,01003\n01003,88888\n",
            ),
            "code_a".into(),
            "code_b".into(),
        )),
        districts: vec![(
            "epci".into(),
            w(
                "epci.csv",
                "code,district\n01001,CC A\n01002,CC A\n01003,CC C\n",
            ),
            DistrictColumns::default(),
        )],
        policy: None,
    }
}

const COMMUNES: &str = "code,name,population,area_km2\n01001,Aval,100,1\n01002,Bourg,200,1\n01003,Cime,300,1\n01004,Dune,50,1\n29083,Ile-de-Sein,250,0.5\n";

fn named(code: &str, name: &str) -> Named {
    Named {
        code: code.into(),
        name: name.into(),
    }
}

#[test]
fn import_builds_a_folder_and_names_every_gap() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = files(tmp.path(), COMMUNES);
    let out: PathBuf = tmp.path().join("region");
    let (ds, c) = import(&spec, &out).unwrap();
    assert_eq!(ds.territory.len(), 5);
    assert!(out.join("dataset.toml").exists());
    assert!(out.join("boundaries.geojson.gz").exists());
    assert!(!out.join("boundaries.geojson").exists());
    // The folder loads again, gzip boundaries included.
    let again = Dataset::load(&out).unwrap();
    assert_eq!(again.boundaries().unwrap().len(), 5);
    assert_eq!(c.without_polygon, vec![named("01004", "Dune")]);
    assert_eq!(c.polygons_unknown, vec![named("99999", "Nowhere")]);
    assert_eq!(
        c.without_neighbour,
        vec![named("01004", "Dune"), named("29083", "Ile-de-Sein")]
    );
    assert_eq!(c.adjacency_unknown, vec![named("88888", "")]);
    assert_eq!(
        c.in_no_district,
        vec![(
            "epci".to_string(),
            vec![named("01004", "Dune"), named("29083", "Ile-de-Sein")]
        )]
    );
    let lines = c.lines();
    assert!(lines.contains(
        &"municipalities in no district of `epci` (2): 01004 Dune, 29083 Ile-de-Sein".to_string()
    ));
    // The same report from the loaded folder.
    assert_eq!(coverage(&again, None).unwrap(), c);
    // An import never overwrites.
    let e = import(&spec, &out).unwrap_err().to_string();
    assert!(e.contains("already exists"), "{e}");
}

#[test]
fn a_bad_row_is_refused_by_line_field_and_value_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = COMMUNES.replace("01002,Bourg,200", "01002,Bourg,-3");
    let spec = files(tmp.path(), &bad);
    let out = tmp.path().join("region");
    let e = import(&spec, &out).unwrap_err().to_string();
    assert!(e.contains("communes.csv"), "{e}");
    assert!(e.contains("line 3"), "{e}");
    assert!(e.contains("population"), "{e}");
    assert!(e.contains("\"-3\""), "{e}");
    assert!(!out.exists());
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("import"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_corrupt_gzip_is_an_error_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("b.geojson.gz");
    std::fs::write(&p, b"not gzip at all").unwrap();
    let e = ambit_territory::Boundaries::from_geojson_path(
        &p,
        &ambit_territory::BoundaryFields::new("code"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("b.geojson.gz"), "{e}");
}
