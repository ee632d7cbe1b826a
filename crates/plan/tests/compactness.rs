//! The cut-edge count of a plan and the optional compactness weight of the search.

use ambit_plan::{
    check_plan, cut_edges, cut_edges_per_district, max_districts, Adjacency, Control, Problem,
    SearchOptions, UniformThreshold,
};

/// A `w x h` rook lattice, units numbered row by row.
fn lattice(w: usize, h: usize) -> Adjacency {
    let mut edges = Vec::new();
    for r in 0..h {
        for c in 0..w {
            let i = r * w + c;
            if c + 1 < w {
                edges.push((i, i + 1, 1.0));
            }
            if r + 1 < h {
                edges.push((i, i + w, 1.0));
            }
        }
    }
    Adjacency::from_edges(w * h, &edges).unwrap()
}

#[test]
fn cut_edges_of_a_strip_counted_by_hand() {
    // a 1 x 6 strip of 10 inhabitants each, districts of 20: {0,1} {2,3} {4,5}, whose 5 edges
    // are cut at 1-2 and 3-4
    let edges: Vec<(usize, usize, f64)> = (0..5).map(|i| (i, i + 1, 1.0)).collect();
    let pb = Problem::new(Adjacency::from_edges(6, &edges).unwrap(), vec![10.0; 6], 1).unwrap();
    let rule = UniformThreshold { threshold: 20.0 };
    let plan = max_districts(&pb, &rule, &SearchOptions::default(), &Control::default()).unwrap();
    assert_eq!(plan.compliant_count(), 3);
    assert_eq!(plan.cut_edges, 2);
    assert_eq!(cut_edges(&pb, &plan.district_of), 2);
}

#[test]
fn cut_edges_of_a_lattice_plan_counted_by_hand() {
    // 4 x 4 lattice (24 edges) in four 2x2 blocks: each block keeps 4 inner edges, so
    // 24 - 16 = 8 edges are cut; in four 1x4 rows each row keeps 3, so 24 - 12 = 12
    let pb = Problem::new(lattice(4, 4), vec![1.0; 16], 1).unwrap();
    let blocks: Vec<u32> = (0..16)
        .map(|u| ((u / 8) * 2 + (u % 4) / 2) as u32)
        .collect();
    assert_eq!(blocks[..8], [0, 0, 1, 1, 0, 0, 1, 1]);
    assert_eq!(cut_edges(&pb, &blocks), 8);
    let rows: Vec<u32> = (0..16).map(|u| (u / 4) as u32).collect();
    assert_eq!(cut_edges(&pb, &rows), 12);
}

#[test]
fn cut_edges_per_district_counted_by_hand() {
    // a 3x3 lattice, units numbered row by row:
    //   0 1 2
    //   3 4 5
    //   6 7 8
    // districts A = {0,1,3,4}, B = {2,5,8}, C = {6,7}
    // rook edges: 6 horizontal + 6 vertical = 12. Cut: 1-2, 4-5 (A|B), 3-6, 4-7 (A|C),
    // 7-8 (C|B): 5 cut edges; A has 4, B has 3, C has 3 (4 + 3 + 3 = 2 x 5)
    let mut edges = Vec::new();
    for r in 0..3 {
        for c in 0..3 {
            let u = r * 3 + c;
            if c < 2 {
                edges.push((u, u + 1));
            }
            if r < 2 {
                edges.push((u, u + 3));
            }
        }
    }
    assert_eq!(edges.len(), 12);
    let label = [0, 0, 1, 0, 0, 1, 2, 2, 1].map(Some);
    let (per, total) = cut_edges_per_district(&label, 3, edges.iter().copied());
    assert_eq!(per, vec![4, 3, 3]);
    assert_eq!(total, 5);
    // a unit in no district: its links are cut, counted for the district side only
    let mut partial = label;
    partial[8] = None;
    let (per, total) = cut_edges_per_district(&partial, 3, edges.iter().copied());
    // cut: 1-2, 4-5, 3-6, 4-7 as before; 7-8 (C|none), 5-8 (B|none)
    assert_eq!(per, vec![4, 3, 3]);
    assert_eq!(total, 6);
}

/// A 12 x 12 lattice of equal populations whose attribute varies along the rows only (each
/// column is alike), so that homogeneity asks for districts stretched along columns.
fn striped() -> (Problem, UniformThreshold) {
    let (w, h) = (12, 12);
    let attrs: Vec<f64> = (0..w * h).map(|u| (u % w) as f64).collect();
    let pb = Problem::new(lattice(w, h), vec![1.0; w * h], 1)
        .unwrap()
        .with_attributes(attrs, 1)
        .unwrap();
    (pb, UniformThreshold { threshold: 4.0 })
}

#[test]
fn a_compactness_weight_trades_homogeneity_for_fewer_cut_edges() {
    let (pb, rule) = striped();
    let run = |w: f64| {
        let opts = SearchOptions {
            compactness_weight: w,
            ..SearchOptions::default()
        };
        let plan = max_districts(&pb, &rule, &opts, &Control::default()).unwrap();
        let labels: Vec<Option<u32>> = plan.district_of.iter().map(|&d| Some(d)).collect();
        assert!(check_plan(&pb, &rule, &labels).is_valid());
        plan
    };
    let plain = run(0.0);
    let weighted = run(10.0);
    // as many districts either way (36 of 4 units each)
    assert_eq!(plain.compliant_count(), 36);
    assert_eq!(weighted.compliant_count(), 36);
    // homogeneity alone: 1x4 strips along the columns, all alike (heterogeneity 0), whose
    // 264 edges are cut but 3 in each of the 36 strips: 264 - 108 = 156
    assert_eq!(plain.heterogeneity, 0.0);
    assert_eq!(plain.cut_edges, 156);
    // a heavy weight on cut edges prefers 2x2 blocks (4 inner edges each): 264 - 144 = 120
    assert!(
        weighted.cut_edges < plain.cut_edges,
        "{}",
        weighted.cut_edges
    );
    assert!(weighted.heterogeneity > 0.0);
}
