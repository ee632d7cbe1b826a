//! Contiguity computed from polygons: hand-made grids and the Lombardy acceptance test.

mod common;

use ambit_territory::{
    load_bridges, parse_bridges, Boundaries, Boundary, BoundaryFields, Bridge, Contiguity,
    ContiguityError, ContiguityKind, Matching, SegmentIndex,
};
use common::{code, fixture, lombardy_file};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

fn lombardy() -> &'static Boundaries {
    static B: OnceLock<Boundaries> = OnceLock::new();
    B.get_or_init(|| {
        Boundaries::from_geojson_path(
            lombardy_file("boundaries_2021.geojson"),
            &BoundaryFields::new("istat_code").with_name("name"),
        )
        .unwrap()
    })
}

/// Pairs as sorted code pairs, for comparison with the shipped CSV.
fn code_pairs(b: &Boundaries, c: &Contiguity) -> BTreeSet<(String, String)> {
    c.pairs()
        .iter()
        .map(|&(i, j)| {
            let (x, y) = (
                b.features()[i].code.to_string(),
                b.features()[j].code.to_string(),
            );
            (x.clone().min(y.clone()), x.max(y))
        })
        .collect()
}

fn shipped_adjacency() -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(lombardy_file("adjacency_2021.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["istat_code_a", "istat_code_b"]
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let (a, b) = (r[0].to_string(), r[1].to_string());
            (a.clone().min(b.clone()), a.max(b))
        })
        .collect()
}

#[test]
fn two_by_two_squares_rook_4_queen_6() {
    let b =
        Boundaries::from_geojson_path(fixture("squares_2x2.geojson"), &BoundaryFields::new("code"))
            .unwrap();
    let rook = Contiguity::compute(&b, ContiguityKind::Rook);
    assert_eq!(rook.pairs(), &[(0, 1), (0, 2), (1, 3), (2, 3)]);
    let queen = Contiguity::compute(&b, ContiguityKind::Queen);
    assert_eq!(
        queen.pairs(),
        &[(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    );
    assert_eq!(queen.kind(), ContiguityKind::Queen);
    assert_eq!(rook.neighbours(0), &[1, 2]);
    assert_eq!(queen.neighbours(3), &[0, 1, 2]);
    assert!(!rook.are_neighbours(0, 3) && queen.are_neighbours(0, 3));
    assert_eq!(rook.components(), vec![vec![0, 1, 2, 3]]);
    assert!(rook.isolated().is_empty());
    // The snapping path agrees on coincident borders.
    for kind in [ContiguityKind::Rook, ContiguityKind::Queen] {
        let snapped =
            Contiguity::compute_with(&b, kind, Matching::Snap { tolerance: 1e-9 }).unwrap();
        assert_eq!(
            snapped.pairs(),
            Contiguity::compute(&b, kind).pairs(),
            "{kind:?}"
        );
    }
}

#[test]
fn holes_enclaves_and_islands() {
    let b = Boundaries::from_geojson_path(fixture("enclave.geojson"), &BoundaryFields::new("code"))
        .unwrap();
    let mut c = Contiguity::compute(&b, ContiguityKind::Rook);
    // The filler shares the hole's ring with the ring unit; the island touches nobody.
    assert_eq!(c.pairs(), &[(0, 1)]);
    assert_eq!(c.isolated(), vec![2]);
    assert_eq!(c.components(), vec![vec![0, 1], vec![2]]);
    let bridges = vec![Bridge {
        a: code("300"),
        b: code("100"),
        reason: "ferry".into(),
    }];
    c.add_bridges(&b, &bridges).unwrap();
    assert_eq!(
        c.pairs(),
        &[(0, 1)],
        "bridges are kept apart from computed pairs"
    );
    assert_eq!(c.bridges()[0].a, 0);
    assert_eq!(c.bridges()[0].b, 2);
    assert_eq!(c.neighbours(2), &[0]);
    assert_eq!(c.components(), vec![vec![0, 1, 2]]);
    assert!(c.isolated().is_empty());

    let unknown = vec![Bridge {
        a: code("100"),
        b: code("999"),
        reason: "typo".into(),
    }];
    let err = c.add_bridges(&b, &unknown).unwrap_err();
    assert!(
        matches!(&err, ContiguityError::UnknownCode { code: x, .. } if x == &code("999")),
        "{err:?}"
    );
    assert!(err.to_string().contains("typo"), "{err}");
}

#[test]
fn snapping_bridges_small_gaps_that_exact_matching_misses() {
    // Two squares digitised separately: a 0.001 gap between x = 1.0 and x = 1.001, and the
    // second square's border split at a vertex the first one does not have.
    let square = |x0: f64, x1: f64, extra: bool| {
        let mut ring = vec![
            Coord { x: x0, y: 0.0 },
            Coord { x: x1, y: 0.0 },
            Coord { x: x1, y: 1.0 },
            Coord { x: x0, y: 1.0 },
        ];
        if extra {
            ring.push(Coord { x: x0, y: 0.5 });
        }
        ring.push(Coord { x: x0, y: 0.0 });
        MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])])
    };
    let b = Boundaries::new(vec![
        Boundary {
            code: code("1"),
            name: None,
            geometry: square(0.0, 1.0, false),
        },
        Boundary {
            code: code("2"),
            name: None,
            geometry: square(1.001, 2.0, true),
        },
    ])
    .unwrap();
    assert!(Contiguity::compute(&b, ContiguityKind::Rook)
        .pairs()
        .is_empty());
    let snap = |tolerance| {
        Contiguity::compute_with(&b, ContiguityKind::Rook, Matching::Snap { tolerance })
            .unwrap()
            .pairs()
            .to_vec()
    };
    assert_eq!(snap(0.01), vec![(0, 1)]);
    assert!(
        snap(0.0005).is_empty(),
        "the gap is wider than the tolerance"
    );
    assert!(matches!(
        Contiguity::compute_with(&b, ContiguityKind::Rook, Matching::Snap { tolerance: -1.0 }),
        Err(ContiguityError::BadTolerance(_))
    ));
}

/// THE acceptance test of issue 2: rook contiguity computed from the bundled 2021 boundaries
/// equals the shipped adjacency (built independently from the TopoJSON arcs), pair for pair.
#[test]
fn lombardy_rook_equals_shipped_adjacency() {
    let b = lombardy();
    let rook = Contiguity::compute(b, ContiguityKind::Rook);
    let computed = code_pairs(b, &rook);
    let from_api: BTreeSet<(String, String)> = rook
        .code_pairs(b)
        .into_iter()
        .map(|(x, y)| (x.to_string(), y.to_string()))
        .collect();
    assert_eq!(from_api, computed);
    let shipped = shipped_adjacency();
    assert_eq!(shipped.len(), 4274);
    assert_eq!(computed.len(), 4274);
    let missing: Vec<_> = shipped.difference(&computed).take(5).collect();
    let extra: Vec<_> = computed.difference(&shipped).take(5).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?}"
    );
}

#[test]
fn lombardy_queen_contains_rook_plus_78_corner_pairs() {
    let b = lombardy();
    let rook = Contiguity::compute(b, ContiguityKind::Rook);
    let queen = Contiguity::compute(b, ContiguityKind::Queen);
    let (r, q) = (code_pairs(b, &rook), code_pairs(b, &queen));
    assert!(r.is_subset(&q));
    // 78 more pairs meet at a single vertex (counted independently by a Python pass over the
    // same file, grouping exact vertex coordinates).
    assert_eq!(q.len(), 4352);
}

#[test]
fn snapping_reproduces_exact_contiguity_on_real_borders() {
    // The province of Varese (codes 012xxx, 138 comuni) keeps the test fast in debug builds.
    // Coordinates have 5 decimals, so a 1e-7° tolerance must give the exact result.
    let varese: Vec<Boundary> = lombardy()
        .features()
        .iter()
        .filter(|f| f.code.as_str().starts_with("012"))
        .cloned()
        .collect();
    let b = Boundaries::new(varese).unwrap();
    assert_eq!(b.len(), 138);
    for kind in [ContiguityKind::Rook, ContiguityKind::Queen] {
        let exact = Contiguity::compute(&b, kind);
        let snapped =
            Contiguity::compute_with(&b, kind, Matching::Snap { tolerance: 1e-7 }).unwrap();
        assert_eq!(snapped.pairs(), exact.pairs(), "{kind:?}");
        assert!(
            exact.pairs().len() > 300,
            "{kind:?}: {}",
            exact.pairs().len()
        );
    }
}

#[test]
fn lombardy_campione_is_the_only_isolated_comune_until_bridged() {
    let b = lombardy();
    let mut rook = Contiguity::compute(b, ContiguityKind::Rook);
    let campione = b.index_of(&code("013040")).unwrap();
    assert_eq!(rook.isolated(), vec![campione]);
    let components = rook.components();
    assert_eq!(components.len(), 2);
    assert_eq!((components[0].len(), components[1].len()), (1505, 1));

    let bridges = load_bridges(lombardy_file("bridges.csv")).unwrap();
    assert!(!bridges.is_empty());
    rook.add_bridges(b, &bridges).unwrap();
    assert_eq!(rook.components().len(), 1);
    assert!(rook.isolated().is_empty());
    // Each bridge from Campione goes to one of its nearest comuni by polygon distance, in
    // order, as SOURCES.md documents.
    let from_campione: Vec<usize> = rook
        .bridges()
        .iter()
        .filter_map(|l| match (l.a == campione, l.b == campione) {
            (true, _) => Some(l.b),
            (_, true) => Some(l.a),
            _ => None,
        })
        .collect();
    let nearest: Vec<usize> = b
        .nearest(campione, from_campione.len())
        .into_iter()
        .map(|(i, _)| i)
        .collect();
    assert_eq!(from_campione, nearest);
}

#[test]
fn bridge_csv_errors_name_line_field_and_value() {
    let p = Path::new("bridges.csv");
    let ok = parse_bridges("\u{feff}code_a,code_b,reason\n013040,013252,lake\n", p).unwrap();
    assert_eq!(ok[0].b, code("013252"));
    let err = parse_bridges("code_a,code_b,reason\n013040,,lake\n", p).unwrap_err();
    assert_eq!(
        err.to_string(),
        "bridges.csv: line 2, field code_b: value \"\": is empty"
    );
    let err = parse_bridges("code_a,code_b,reason\n013040,01-3,lake\n", p).unwrap_err();
    assert!(
        matches!(&err, ContiguityError::BadField { line: 2, field: "code_b", value, .. } if value == "01-3")
    );
    let err = parse_bridges("code_a,code_b,reason\n1,2,x\n3,3,self\n", p).unwrap_err();
    assert!(
        matches!(err, ContiguityError::BadField { line: 3, .. }),
        "{err:?}"
    );
    let err = parse_bridges("a,b,reason\n1,2,x\n", p).unwrap_err();
    assert!(matches!(
        err,
        ContiguityError::MissingColumn {
            column: "code_a",
            ..
        }
    ));
    let err = parse_bridges("code_a,code_b,reason\n1,2,x,extra\n", p).unwrap_err();
    assert!(
        matches!(err, ContiguityError::Csv { line: 2, .. }),
        "{err:?}"
    );
}

#[test]
fn segment_index_tells_which_unit_is_across() {
    let b =
        Boundaries::from_geojson_path(fixture("squares_2x2.geojson"), &BoundaryFields::new("code"))
            .unwrap();
    let idx = SegmentIndex::build(&b);
    let p = |x: f64, y: f64| Coord { x, y };
    assert_eq!(idx.owners(p(1.0, 1.0), p(1.0, 0.0)), vec![0, 1]);
    assert_eq!(idx.across(0, p(1.0, 0.0), p(1.0, 1.0)), Some(1));
    assert_eq!(idx.across(0, p(0.0, 0.0), p(1.0, 0.0)), None);
    assert!(idx.owners(p(0.0, 0.0), p(2.0, 2.0)).is_empty());
}

/// An n x m grid of unit squares with shared vertices.
fn grid(n: usize, m: usize) -> Boundaries {
    let mut features = Vec::new();
    for r in 0..n {
        for c in 0..m {
            let (x, y) = (c as f64, r as f64);
            let ring = vec![
                Coord { x, y },
                Coord { x: x + 1.0, y },
                Coord {
                    x: x + 1.0,
                    y: y + 1.0,
                },
                Coord { x, y: y + 1.0 },
                Coord { x, y },
            ];
            features.push(Boundary {
                code: code(&format!("{}", r * m + c + 1)),
                name: None,
                geometry: MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])]),
            });
        }
    }
    Boundaries::new(features).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// On an n x m grid: rook has n(m-1) + m(n-1) pairs, queen adds 2(n-1)(m-1) diagonals,
    /// queen contains rook, the graph is symmetric and connected.
    #[test]
    fn grid_counts_match_the_closed_forms(n in 1usize..7, m in 1usize..7) {
        let b = grid(n, m);
        let rook = Contiguity::compute(&b, ContiguityKind::Rook);
        let queen = Contiguity::compute(&b, ContiguityKind::Queen);
        prop_assert_eq!(rook.pairs().len(), n * (m - 1) + m * (n - 1));
        prop_assert_eq!(queen.pairs().len(), rook.pairs().len() + 2 * (n - 1) * (m - 1));
        for p in rook.pairs() {
            prop_assert!(queen.pairs().binary_search(p).is_ok());
        }
        for i in 0..b.len() {
            for &j in queen.neighbours(i) {
                prop_assert!(queen.neighbours(j).contains(&i));
            }
        }
        prop_assert_eq!(rook.components().len(), 1);
        let snapped = Contiguity::compute_with(&b, ContiguityKind::Queen, Matching::Snap { tolerance: 1e-6 }).unwrap();
        prop_assert_eq!(snapped.pairs(), queen.pairs());
    }
}
