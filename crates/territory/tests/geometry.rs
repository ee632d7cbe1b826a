//! Loading boundaries from GeoJSON and Shapefile, and the errors bad input gets.

mod common;

use ambit_territory::{Boundaries, BoundaryFields, GeometryError, RingProblem};
use common::{code, fixture, lombardy_file};
use std::path::{Path, PathBuf};

fn fields() -> BoundaryFields {
    BoundaryFields::new("code").with_name("name")
}

fn load_str(text: &str) -> Result<Boundaries, GeometryError> {
    Boundaries::from_geojson_str(text, Path::new("inline.geojson"), &fields())
}

/// One square feature with the given code JSON and geometry JSON.
fn one_feature(code_json: &str, geometry_json: &str) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"code":{code_json}}},"geometry":{geometry_json}}}]}}"#
    )
}

const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}"#;

#[test]
fn loads_the_2x2_fixture_with_codes_names_and_helpers() {
    let b = Boundaries::from_geojson_path(fixture("squares_2x2.geojson"), &fields()).unwrap();
    assert_eq!(b.len(), 4);
    let ne = b.by_code(&code("000004")).unwrap();
    assert_eq!(ne.name.as_deref(), Some("North-East"));
    assert_eq!(b.index_of(&code("000004")), Some(3));
    let c = ne.centroid().unwrap();
    assert_eq!((c.x(), c.y()), (1.5, 1.5));
    let r = b.bbox().unwrap();
    assert_eq!(
        (r.min().x, r.min().y, r.max().x, r.max().y),
        (0.0, 0.0, 2.0, 2.0)
    );
    assert!(b.is_geographic());
    // The lon/lat cell [0°,1°]x[0°,1°] covers 12,308.46 km² of the WGS84 ellipsoid (zone
    // formula b²/2·[sinφ/(1-e²sin²φ) + atanh(e·sinφ)/e] per radian of longitude, in Python);
    // the polygon's top edge is a geodesic, which bulges ~4 m poleward over 111 km, adding
    // about 0.3 km².
    let sw = b.get(0).unwrap().area_km2();
    assert!(sw > 12308.46 && sw < 12309.0, "{sw}");
}

#[test]
fn lombardy_boundaries_load_with_areas_matching_the_data_build() {
    let fields = BoundaryFields::new("istat_code").with_name("name");
    let b =
        Boundaries::from_geojson_path(lombardy_file("boundaries_2021.geojson"), &fields).unwrap();
    assert_eq!(b.len(), 1506);
    let multi = b
        .features()
        .iter()
        .filter(|f| f.geometry.0.len() > 1)
        .count();
    assert_eq!(multi, 11, "features with more than one polygon");
    let milano = b.by_code(&code("015146")).unwrap();
    assert_eq!(milano.name.as_deref(), Some("Milano"));
    // comuni_2021.csv carries `polygon_area_km2`, the spherical area of the same polygons
    // computed by the data build (Python): every geodesic area here agrees within 0.5 %.
    let text = std::fs::read_to_string(lombardy_file("comuni_2021.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let ci = headers.iter().position(|h| h == "istat_code").unwrap();
    let ai = headers
        .iter()
        .position(|h| h == "polygon_area_km2")
        .unwrap();
    let mut checked = 0;
    for r in rows.records() {
        let r = r.unwrap();
        let expected: f64 = r[ai].parse().unwrap();
        let got = b.by_code(&code(&r[ci])).unwrap().area_km2();
        assert!(
            (got - expected).abs() <= 0.005 * expected + 0.002,
            "{}: {got} vs {expected}",
            &r[ci]
        );
        checked += 1;
    }
    assert_eq!(checked, 1506);
}

#[test]
fn campione_nearest_comuni_are_across_lake_lugano() {
    let fields = BoundaryFields::new("istat_code").with_name("name");
    let b =
        Boundaries::from_geojson_path(lombardy_file("boundaries_2021.geojson"), &fields).unwrap();
    let campione = b.index_of(&code("013040")).unwrap();
    let near = b.nearest(campione, 3);
    assert_eq!(near.len(), 3);
    assert!(near.windows(2).all(|w| w[0].1 <= w[1].1));
    // Cross-checked with a stdlib Python pass (min segment-to-segment distance on the same
    // equirectangular projection): Alta Valle Intelvi 0.769 km, Valsolda 4.355 km, Centro Valle
    // Intelvi 4.448 km.
    let codes: Vec<&str> = near
        .iter()
        .map(|&(i, _)| b.features()[i].code.as_str())
        .collect();
    assert_eq!(codes, ["013253", "013234", "013254"]);
    for ((_, km), expected) in near.iter().zip([0.769, 4.355, 4.448]) {
        assert!((km - expected).abs() < 0.01, "{near:?}");
    }
}

#[test]
fn unparsable_json_names_file_line_and_column() {
    let path = fixture("bad/syntax_error.geojson");
    let err = Boundaries::from_geojson_path(&path, &fields()).unwrap_err();
    match &err {
        GeometryError::Json { path: p, line, .. } => {
            assert_eq!(p, &path);
            assert_eq!(
                *line, 7,
                "the missing comma is noticed at the start of line 7"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("syntax_error.geojson") && msg.contains("line 7"),
        "{msg}"
    );
}

#[test]
fn duplicate_code_names_both_features_and_the_line() {
    let err = Boundaries::from_geojson_path(fixture("bad/duplicate_code.geojson"), &fields())
        .unwrap_err();
    match &err {
        GeometryError::DuplicateCode { at, code: c, first } => {
            assert_eq!((at.index, *first), (2, 0));
            assert_eq!(c, &code("000001"));
            assert_eq!(at.line_column.map(|lc| lc.0), Some(6));
        }
        other => panic!("unexpected {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("duplicate_code.geojson: feature index 2")
            && msg.contains("line 6")
            && msg.contains("feature index 0"),
        "{msg}"
    );
}

#[test]
fn open_ring_names_polygon_ring_and_positions() {
    let err =
        Boundaries::from_geojson_path(fixture("bad/open_ring.geojson"), &fields()).unwrap_err();
    match &err {
        GeometryError::InvalidRing {
            at,
            polygon,
            ring,
            problem,
        } => {
            assert_eq!((at.index, *polygon, *ring), (0, 1, 0));
            assert_eq!(
                problem,
                &RingProblem::NotClosed {
                    first: (5.0, 5.0),
                    last: (5.0, 6.0)
                }
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("code 000001"), "{err}");
}

#[test]
fn point_geometry_is_rejected_by_type() {
    let err = Boundaries::from_geojson_path(fixture("bad/point_geometry.geojson"), &fields())
        .unwrap_err();
    assert!(
        matches!(&err, GeometryError::NotPolygon { found, .. } if found == "Point"),
        "{err:?}"
    );
    assert!(err.to_string().contains("geometry is Point"), "{err}");
}

#[test]
fn missing_null_and_invalid_codes_are_errors() {
    let no_code = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},"geometry":null}]}"#;
    assert!(matches!(
        load_str(no_code),
        Err(GeometryError::MissingCode { field, .. }) if field == "code"
    ));
    assert!(matches!(
        load_str(&one_feature("null", SQUARE)),
        Err(GeometryError::MissingCode { .. })
    ));
    let err = load_str(&one_feature(r#""01-2""#, SQUARE)).unwrap_err();
    match &err {
        GeometryError::BadCode { field, value, .. } => {
            assert_eq!((field.as_str(), value.as_str()), ("code", "\"01-2\""));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn numeric_codes_need_a_width_and_are_then_zero_padded() {
    let err = load_str(&one_feature("15146", SQUARE)).unwrap_err();
    assert!(err.to_string().contains("leading zeros"), "{err}");
    let padded = Boundaries::from_geojson_str(
        &one_feature("15146", SQUARE),
        Path::new("inline.geojson"),
        &BoundaryFields::new("code").with_numeric_code_width(6),
    )
    .unwrap();
    assert_eq!(padded.get(0).unwrap().code, code("015146"));
}

#[test]
fn empty_geometries_and_short_rings_are_errors() {
    for geometry in [
        "null",
        r#"{"type":"MultiPolygon","coordinates":[]}"#,
        r#"{"type":"Polygon","coordinates":[]}"#,
    ] {
        assert!(
            matches!(
                load_str(&one_feature(r#""1""#, geometry)),
                Err(GeometryError::EmptyGeometry { .. })
            ),
            "{geometry}"
        );
    }
    let short = r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}"#;
    assert!(matches!(
        load_str(&one_feature(r#""1""#, short)),
        Err(GeometryError::InvalidRing {
            problem: RingProblem::TooFewPoints { points: 3 },
            ..
        })
    ));
    let one_number = r#"{"type":"Polygon","coordinates":[[[0,0],[1],[1,1],[0,0]]]}"#;
    assert!(matches!(
        load_str(&one_feature(r#""1""#, one_number)),
        Err(GeometryError::InvalidRing {
            problem: RingProblem::ShortPosition {
                position: 1,
                values: 1
            },
            ..
        })
    ));
    let text_coords = r#"{"type":"Polygon","coordinates":"nope"}"#;
    assert!(matches!(
        load_str(&one_feature(r#""1""#, text_coords)),
        Err(GeometryError::BadFeature { .. })
    ));
}

#[test]
fn not_a_feature_collection_is_an_error() {
    let err = load_str(r#"{"type":"Feature","properties":{},"geometry":null}"#).unwrap_err();
    assert!(
        matches!(&err, GeometryError::NotFeatureCollection { found, .. } if found == "Feature"),
        "{err:?}"
    );
    assert!(matches!(
        load_str(r#"{"type": "FeatureCollection"}"#),
        Err(GeometryError::NoFeatures { .. })
    ));
    assert!(matches!(
        load_str("[1, 2]"),
        Err(GeometryError::Json { line: 1, .. })
    ));
    let missing = Boundaries::from_geojson_path(fixture("no_such_file.geojson"), &fields());
    assert!(matches!(missing, Err(GeometryError::Io { .. })));
}

#[test]
fn a_bom_is_skipped() {
    let text = format!("\u{feff}{}", one_feature(r#""7""#, SQUARE));
    assert_eq!(load_str(&text).unwrap().len(), 1);
}

mod shapefile_input {
    use super::*;
    use shapefile::dbase::{FieldName, FieldValue, Record, TableWriterBuilder};
    use shapefile::{Point, Polygon, PolygonRing};

    fn square(x: f64, y: f64, size: f64) -> Vec<Point> {
        // Clockwise, as the Shapefile specification wants outer rings.
        vec![
            Point::new(x, y),
            Point::new(x, y + size),
            Point::new(x + size, y + size),
            Point::new(x + size, y),
            Point::new(x, y),
        ]
    }

    fn write(dir: &Path, shapes: &[(Polygon, Record)]) -> PathBuf {
        let path = dir.join("units.shp");
        let table = TableWriterBuilder::new()
            .add_character_field(FieldName::try_from("PRO_COM_T").unwrap(), 6)
            .add_numeric_field(FieldName::try_from("PRO_COM").unwrap(), 10, 0)
            .add_character_field(FieldName::try_from("COMUNE").unwrap(), 40);
        let mut writer = shapefile::Writer::from_path(&path, table).unwrap();
        for (shape, record) in shapes {
            writer.write_shape_and_record(shape, record).unwrap();
        }
        path
    }

    fn record(code: &str, name: &str) -> Record {
        let mut r = Record::default();
        r.insert("PRO_COM_T".into(), FieldValue::Character(Some(code.into())));
        r.insert(
            "PRO_COM".into(),
            FieldValue::Numeric(Some(code.parse::<f64>().unwrap())),
        );
        r.insert("COMUNE".into(), FieldValue::Character(Some(name.into())));
        r
    }

    #[test]
    fn reads_polygons_holes_and_multipart_records() {
        let dir = tempfile::tempdir().unwrap();
        let mut hole = square(1.0, 1.0, 1.0);
        hole.reverse(); // counter-clockwise: a hole
        let shapes = vec![
            (
                Polygon::with_rings(vec![
                    PolygonRing::Outer(square(0.0, 0.0, 3.0)),
                    PolygonRing::Inner(hole),
                ]),
                record("013040", "Ring"),
            ),
            (
                Polygon::new(PolygonRing::Outer(square(1.0, 1.0, 1.0))),
                record("013041", "Filler"),
            ),
            (
                Polygon::with_rings(vec![
                    PolygonRing::Outer(square(3.0, 0.0, 3.0)),
                    PolygonRing::Outer(square(10.0, 0.0, 1.0)),
                ]),
                record("013042", "Two parts"),
            ),
        ];
        let path = write(dir.path(), &shapes);
        let fields = BoundaryFields::new("PRO_COM_T").with_name("COMUNE");
        let b = Boundaries::from_shapefile(&path, &fields).unwrap();
        assert_eq!(b.len(), 3);
        let ring = b.get(0).unwrap();
        assert_eq!(ring.code, code("013040"));
        assert_eq!(ring.name.as_deref(), Some("Ring"));
        assert_eq!(ring.geometry.0.len(), 1);
        assert_eq!(ring.geometry.0[0].interiors().len(), 1);
        assert_eq!(b.get(2).unwrap().geometry.0.len(), 2);
        let c = ambit_territory::Contiguity::compute(&b, ambit_territory::ContiguityKind::Rook);
        assert_eq!(c.pairs(), &[(0, 1), (0, 2)]);

        // The numeric field needs a width, and is then padded back to 6 characters.
        let numeric = BoundaryFields::new("PRO_COM");
        let err = Boundaries::from_shapefile(&path, &numeric).unwrap_err();
        assert!(err.to_string().contains("leading zeros"), "{err}");
        let padded =
            Boundaries::from_shapefile(&path, &numeric.with_numeric_code_width(6)).unwrap();
        assert_eq!(padded.get(0).unwrap().code, code("013040"));

        let missing = Boundaries::from_shapefile(&path, &BoundaryFields::new("ISTAT")).unwrap_err();
        assert!(
            matches!(&missing, GeometryError::MissingCode { at, field } if at.index == 0 && field == "ISTAT"),
            "{missing:?}"
        );
    }

    /// Rewrites the attribute table of `shp` with `name` (UTF-8 as written) in `bytes`, and the
    /// header's language driver id (byte 29) set to `ldid`.
    fn patch_dbf(shp: &Path, name: &str, bytes: &[u8], ldid: u8) {
        let dbf = shp.with_extension("dbf");
        let mut data = std::fs::read(&dbf).unwrap();
        data[29] = ldid;
        let from = name.as_bytes();
        let at = data
            .windows(from.len())
            .position(|w| w == from)
            .expect("name in the table");
        let mut to = bytes.to_vec();
        to.resize(from.len(), b' '); // fixed-width field: pad with blanks
        data[at..at + from.len()].copy_from_slice(&to);
        std::fs::write(&dbf, data).unwrap();
    }

    #[test]
    fn attribute_text_is_decoded_as_the_cpg_or_the_bytes_say() {
        let fields = BoundaryFields::new("PRO_COM_T").with_name("COMUNE");
        let name_of = |path: &Path| {
            Boundaries::from_shapefile(path, &fields)
                .map(|b| b.get(0).unwrap().name.clone().unwrap())
        };
        let one = |dir: &Path| {
            write(
                dir,
                &[(
                    Polygon::new(PolygonRing::Outer(square(0.0, 0.0, 1.0))),
                    record("013075", "Cantù"),
                )],
            )
        };
        // no .cpg, no code page in the header: Latin-1 bytes (ISTAT's older files) and UTF-8
        // bytes both give the accent back
        let dir = tempfile::tempdir().unwrap();
        let path = one(dir.path());
        patch_dbf(&path, "Cantù", b"Cant\xf9", 0);
        assert_eq!(name_of(&path).unwrap(), "Cantù");
        let dir = tempfile::tempdir().unwrap();
        let path = one(dir.path());
        patch_dbf(&path, "Cantù", "Cantù".as_bytes(), 0);
        assert_eq!(name_of(&path).unwrap(), "Cantù");
        // a .cpg decides: 1252 reads the Latin-1 byte, UTF-8 replaces it
        let dir = tempfile::tempdir().unwrap();
        let path = one(dir.path());
        patch_dbf(&path, "Cantù", b"Cant\xf9", 0);
        std::fs::write(path.with_extension("cpg"), "1252\n").unwrap();
        assert_eq!(name_of(&path).unwrap(), "Cantù");
        std::fs::write(path.with_extension("cpg"), "UTF-8").unwrap();
        assert_eq!(name_of(&path).unwrap(), "Cant\u{FFFD}");
        // an encoding ambit does not know is an error naming the .cpg and the label
        std::fs::write(path.with_extension("cpg"), "EBCDIC-037").unwrap();
        let err = name_of(&path).unwrap_err().to_string();
        assert!(
            err.contains("units.cpg") && err.contains("EBCDIC-037"),
            "{err}"
        );
    }

    #[test]
    fn nan_coordinates_and_missing_dbf_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let mut ring = square(0.0, 0.0, 1.0);
        ring[2] = Point::new(f64::NAN, 1.0);
        let path = write(
            dir.path(),
            &[(
                Polygon::new(PolygonRing::Outer(ring)),
                record("000001", "x"),
            )],
        );
        let err = Boundaries::from_shapefile(&path, &BoundaryFields::new("PRO_COM_T")).unwrap_err();
        assert!(
            matches!(
                &err,
                GeometryError::InvalidRing {
                    problem: RingProblem::NonFinite { position: 2, .. },
                    ..
                }
            ),
            "{err:?}"
        );
        std::fs::remove_file(path.with_extension("dbf")).unwrap();
        let err = Boundaries::from_shapefile(&path, &BoundaryFields::new("PRO_COM_T")).unwrap_err();
        assert!(err.to_string().contains("units.dbf"), "{err}");
    }

    #[test]
    fn truncated_shapefile_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let shapes: Vec<(Polygon, Record)> = (0..3)
            .map(|k| {
                (
                    Polygon::new(PolygonRing::Outer(square(k as f64, 0.0, 1.0))),
                    record(&format!("00000{k}"), "x"),
                )
            })
            .collect();
        let path = write(dir.path(), &shapes);
        let bytes = std::fs::read(&path).unwrap();
        for cut in [0, 50, 100, 150, bytes.len() - 7] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            let err =
                Boundaries::from_shapefile(&path, &BoundaryFields::new("PRO_COM_T")).unwrap_err();
            assert!(err.to_string().contains("truncated"), "cut {cut}: {err}");
        }
    }
}

mod never_panics {
    use super::*;
    use ambit_territory::parse_bridges;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Arbitrary text, and valid files with one byte changed, load or fail with an error.
        #[test]
        fn geojson_loader(text in ".{0,200}", cut in 0usize..2000, byte in any::<u8>()) {
            let _ = load_str(&text);
            let good = std::fs::read(fixture("squares_2x2.geojson")).unwrap();
            let mut bad = good.clone();
            let at = cut % bad.len();
            bad[at] = byte;
            if let Ok(text) = String::from_utf8(bad) {
                let _ = load_str(&text);
            }
            let _ = load_str(&String::from_utf8_lossy(&good[..at]));
        }

        /// Arbitrary bridge CSV text parses or fails with an error.
        #[test]
        fn bridge_parser(text in "(code_a,code_b,reason\n)?[0-9a-z,\"\n -]{0,80}") {
            let _ = parse_bridges(&text, Path::new("b.csv"));
        }
    }
}
