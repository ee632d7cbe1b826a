//! The upper bound is never below the optimum, computed by brute force over every partition of
//! tiny instances into contiguous districts; and the heuristic never exceeds it.

use ambit_plan::{
    max_districts, upper_bound, Adjacency, ClassCondition, ClassShareRule, ClassSpec, Control,
    Nesting, Problem, SearchOptions, UniformThreshold, UpperBound,
};
use proptest::prelude::*;

mod common;
use common::brute_force;

fn graph(n: usize, extra: &[(usize, usize)], keep: &[bool]) -> Adjacency {
    // a random spanning path plus random extra edges, some path edges dropped (components)
    let mut edges: Vec<(usize, usize, f64)> = (1..n)
        .filter(|&i| keep[i % keep.len()])
        .map(|i| (i - 1, i, 1.0))
        .collect();
    for &(a, b) in extra {
        let (a, b) = (a % n, b % n);
        if a != b {
            edges.push((a.min(b), a.max(b), 1.0));
        }
    }
    Adjacency::from_edges(n, &edges).unwrap()
}

/// A proptest case under a uniform threshold: the problem, its rule, its optimum by brute
/// force and its bound.
fn uniform_case(
    pops: &[u32],
    extra: &[(usize, usize)],
    keep: &[bool],
    threshold: u32,
) -> (Problem, UniformThreshold, usize, UpperBound) {
    let pops: Vec<f64> = pops.iter().map(|&p| p as f64).collect();
    let pb = Problem::new(graph(pops.len(), extra, keep), pops, 1).unwrap();
    let rule = UniformThreshold {
        threshold: threshold as f64,
    };
    let best = brute_force(&pb, &rule, None);
    let b = upper_bound(&pb, &rule);
    (pb, rule, best, b)
}

fn mountain_rule(strict: bool) -> ClassShareRule {
    ClassShareRule {
        totals_len: 2,
        classes: vec![ClassSpec {
            name: "mountain".into(),
            condition: ClassCondition::PopulationShareAbove {
                component: 1,
                share: 0.5,
            },
            threshold: 12.0,
        }],
        default_name: "standard".into(),
        default_threshold: 30.0,
        strict,
    }
}

fn opts() -> SearchOptions {
    SearchOptions {
        starts: 2,
        regrowths_per_region: 5.0,
        move_sweeps: 2,
        ..SearchOptions::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Mid-size units (a tenth to the whole of the threshold), up to 9 units, where the least
    /// district sizes (4.) cut the bound most: never below the optimum.
    #[test]
    fn least_sizes_bound_is_at_least_the_optimum(
        n in 2usize..=9,
        pops in prop::collection::vec(1u32..100, 9),
        extra in prop::collection::vec((0usize..9, 0usize..9), 0..8),
        keep in prop::collection::vec(prop::bool::weighted(0.9), 9),
        threshold in 20u32..120,
    ) {
        let (_, _, best, b) = uniform_case(&pops[..n], &extra, &keep, threshold);
        prop_assert!(b.value >= best, "bound {} < optimum {best}", b.value);
        prop_assert!(b.value <= b.without_sizes);
    }

    #[test]
    fn uniform_bound_is_at_least_the_optimum(
        n in 2usize..=8,
        pops in prop::collection::vec(1u32..40, 8),
        extra in prop::collection::vec((0usize..8, 0usize..8), 0..6),
        keep in prop::collection::vec(prop::bool::weighted(0.85), 8),
        threshold in 10u32..60,
    ) {
        let (pb, rule, best, b) = uniform_case(&pops[..n], &extra, &keep, threshold);
        prop_assert!(b.value >= best, "bound {} < optimum {best}", b.value);
        let plan = max_districts(&pb, &rule, &opts(), &Control::default()).unwrap();
        prop_assert!(plan.compliant_count() <= best);
    }

    #[test]
    fn class_bound_is_at_least_the_optimum(
        n in 2usize..=8,
        pops in prop::collection::vec(1u32..25, 8),
        mountain in prop::collection::vec(prop::bool::ANY, 8),
        extra in prop::collection::vec((0usize..8, 0usize..8), 0..6),
        keep in prop::collection::vec(prop::bool::weighted(0.85), 8),
        strict in prop::bool::ANY,
    ) {
        let mut totals = Vec::new();
        for u in 0..n {
            let p = pops[u] as f64;
            totals.extend([p, if mountain[u] { p } else { 0.0 }]);
        }
        let pb = Problem::new(graph(n, &extra, &keep), totals, 2).unwrap();
        let rule = mountain_rule(strict);
        let best = brute_force(&pb, &rule, None);
        let b = upper_bound(&pb, &rule);
        prop_assert!(b.value >= best, "bound {} < optimum {best}", b.value);
    }

    #[test]
    fn nested_bound_is_at_least_the_optimum(
        n in 2usize..=8,
        pops in prop::collection::vec(1u32..40, 8),
        areas in prop::collection::vec(0u32..3, 8),
        extra in prop::collection::vec((0usize..8, 0usize..8), 0..6),
        threshold in 10u32..60,
    ) {
        let pops: Vec<f64> = pops[..n].iter().map(|&p| p as f64).collect();
        let areas = areas[..n].to_vec();
        let pb = Problem::new(graph(n, &extra, &[true]), pops, 1)
            .unwrap()
            .with_nesting(areas.clone(), Nesting::Hard)
            .unwrap();
        let rule = UniformThreshold { threshold: threshold as f64 };
        let best = brute_force(&pb, &rule, Some(&areas));
        let b = upper_bound(&pb, &rule);
        prop_assert!(b.value >= best, "bound {} < optimum {best}", b.value);
    }
}

/// A hand-checked instance where the bound is tight only thanks to the anchors: a 2 x 4 grid,
/// two units of 100 and six of 10, threshold 30. Population says 260 / 30 = 8; anchors say
/// 2 + the groups between them.
#[test]
fn grid_with_large_units() {
    // 0 1 2 3
    // 4 5 6 7     units 0 and 7 hold 100, the rest 10
    let mut edges = Vec::new();
    for r in 0..2 {
        for c in 0..4 {
            let u = r * 4 + c;
            if c < 3 {
                edges.push((u, u + 1, 1.0));
            }
            if r == 0 {
                edges.push((u, u + 4, 1.0));
            }
        }
    }
    let mut pops = vec![10.0; 8];
    pops[0] = 100.0;
    pops[7] = 100.0;
    let pb = Problem::new(Adjacency::from_edges(8, &edges).unwrap(), pops, 1).unwrap();
    let rule = UniformThreshold { threshold: 30.0 };
    let b = upper_bound(&pb, &rule);
    // the six small units form one group of 60: 2 districts; plus 2 anchors = 4
    assert_eq!(b.value, 4);
    assert_eq!(b.anchors, 2);
    assert_eq!(brute_force(&pb, &rule, None), 4);
}

/// The share condition caps the cheap class: four units of 12 outside the qualifying class can
/// never form a mountain district (12 needed, more than half qualifying), so only the standard
/// threshold of 30 applies: 48 / 30 = 1, not 48 / 12 = 4.
#[test]
fn share_condition_caps_the_cheap_class() {
    let edges: Vec<(usize, usize, f64)> = (1..4).map(|i| (i - 1, i, 1.0)).collect();
    let totals = vec![12.0, 0.0, 12.0, 0.0, 12.0, 0.0, 12.0, 0.0];
    let pb = Problem::new(Adjacency::from_edges(4, &edges).unwrap(), totals, 2).unwrap();
    let rule = mountain_rule(false);
    assert_eq!(upper_bound(&pb, &rule).value, 1);
    assert_eq!(brute_force(&pb, &rule, None), 1);
    // all qualifying: four mountain districts of 12
    let totals = vec![12.0; 8];
    let pb = Problem::new(Adjacency::from_edges(4, &edges).unwrap(), totals, 2).unwrap();
    assert_eq!(upper_bound(&pb, &rule).value, 4);
    assert_eq!(brute_force(&pb, &rule, None), 4);
}

/// Six units of 15 in a strip, threshold 20: population says 90 / 20 = 4, but a district holds
/// two units at least (30 inhabitants), so every unit weighs 15 / 30 and the strip holds at most
/// 90 / 30 = 3 districts, the optimum.
#[test]
fn least_sizes_of_a_strip() {
    let edges: Vec<(usize, usize, f64)> = (1..6).map(|i| (i - 1, i, 1.0)).collect();
    let pb = Problem::new(Adjacency::from_edges(6, &edges).unwrap(), vec![15.0; 6], 1).unwrap();
    let rule = UniformThreshold { threshold: 20.0 };
    let b = upper_bound(&pb, &rule);
    assert_eq!(
        (b.value, b.without_sizes, b.groups_bounded_by_sizes),
        (3, 4, 1)
    );
    assert_eq!(brute_force(&pb, &rule, None), 3);
    assert!(b
        .proof
        .iter()
        .any(|l| l.contains("at most 4 without the least sizes and hubs")));
}

/// A town of 14 between an anchor of 50 and villages of 3, 3, 3 (a strip 50 | 14 | 3 | 3 | 3),
/// threshold 20: the group {14, 3, 3, 3} holds 23 inhabitants, one district by population;
/// the least district around each unit of the group is 14 + 3 + 3 (20) or more, so the group's
/// weight is at most 23 / 20: 1 more district, 2 in all.
#[test]
fn anchor_and_group_with_least_sizes() {
    let edges: Vec<(usize, usize, f64)> = (1..5).map(|i| (i - 1, i, 1.0)).collect();
    let g = Adjacency::from_edges(5, &edges).unwrap();
    let rule = UniformThreshold { threshold: 20.0 };
    let pb = Problem::new(g.clone(), vec![50.0, 14.0, 3.0, 3.0, 3.0], 1).unwrap();
    assert_eq!(upper_bound(&pb, &rule).value, 2);
    assert_eq!(brute_force(&pb, &rule, None), 2);
    // 50 | 12 | 12 | 12 | 12: the group of 48 holds 2 by population, but each district needs
    // two units of 12 (24), so 48 / 24 = 2 as well; with 50 | 11 | 11 | 11 (a strip of four)
    // the group of 33 needs 22 per district: 33 / 22 = 1.5, one district
    let pb = Problem::new(g, vec![50.0, 12.0, 12.0, 12.0, 12.0], 1).unwrap();
    assert_eq!(upper_bound(&pb, &rule).value, 3);
    assert_eq!(brute_force(&pb, &rule, None), 3);
    let edges: Vec<(usize, usize, f64)> = (1..4).map(|i| (i - 1, i, 1.0)).collect();
    let g = Adjacency::from_edges(4, &edges).unwrap();
    let pb = Problem::new(g, vec![50.0, 11.0, 11.0, 11.0], 1).unwrap();
    let b = upper_bound(&pb, &rule);
    assert_eq!((b.value, b.without_sizes), (2, 2));
    assert_eq!(brute_force(&pb, &rule, None), 2);
}

/// A mid-size unit whose neighbours are all large: a star with a centre of 14 and three
/// leaves of 12 (threshold 20). Population says 50 / 20 = 2; every district has 26 or more
/// inhabitants (centre + one leaf), so the weight is 14 / 26 + 3 x 12 / 26 = 50 / 26 < 2: one
/// district, the optimum (the leaves only meet at the centre).
#[test]
fn star_of_mid_size_units() {
    let g = Adjacency::from_edges(4, &[(0, 1, 1.0), (0, 2, 1.0), (0, 3, 1.0)]).unwrap();
    let pb = Problem::new(g, vec![14.0, 12.0, 12.0, 12.0], 1).unwrap();
    let rule = UniformThreshold { threshold: 20.0 };
    let b = upper_bound(&pb, &rule);
    assert_eq!((b.value, b.without_sizes), (1, 2));
    assert_eq!(brute_force(&pb, &rule, None), 1);
}

/// A cut vertex with pieces too small for a district (5.): a hub of 1 with three leaves of 15,
/// and on its other side a unit of 4 and a strip 10 | 10; threshold 20. Population says
/// 70 / 20 = 3; least sizes say 3 as well (each leaf needs only 15 + 1 + 4 = 20, weight
/// 0.75 each, 3.5 in all); but every district meeting a leaf passes through the hub, so the hub
/// and its leaves (weight 2.3) meet one district at most: 3.5 - 1.3 = 2.2, at most 2, the
/// optimum.
#[test]
fn hub_with_small_pieces() {
    // 0 hub, 1-3 leaves, 4 the unit of 4, 5-6 the strip
    let edges = [
        (0, 1, 1.0),
        (0, 2, 1.0),
        (0, 3, 1.0),
        (0, 4, 1.0),
        (4, 5, 1.0),
        (5, 6, 1.0),
    ];
    let pops = vec![1.0, 15.0, 15.0, 15.0, 4.0, 10.0, 10.0];
    let pb = Problem::new(Adjacency::from_edges(7, &edges).unwrap(), pops, 1).unwrap();
    let rule = UniformThreshold { threshold: 20.0 };
    let b = upper_bound(&pb, &rule);
    assert_eq!((b.value, b.without_sizes, b.hub_clusters), (2, 3, 1));
    assert_eq!(brute_force(&pb, &rule, None), 2);
}

/// A star: a centre and 2,000 leaves of one inhabitant each, threshold 3. Every district meets
/// the centre (the leaves only touch it), so at most one district; population says 667. The
/// hub step (5.) sees the centre as a cut vertex with 2,000 pieces of 1 behind it; with 5,000
/// leaves (more than the 4,096 units a cluster may have) the bound stays valid, and quick.
#[test]
fn star_with_many_leaves() {
    let rule = UniformThreshold { threshold: 3.0 };
    for (leaves, at_most) in [(2000usize, 1usize), (5000, 5001 / 3)] {
        let edges: Vec<(usize, usize, f64)> = (1..=leaves).map(|i| (0, i, 1.0)).collect();
        let pb = Problem::new(
            Adjacency::from_edges(leaves + 1, &edges).unwrap(),
            vec![1.0; leaves + 1],
            1,
        )
        .unwrap();
        let t0 = std::time::Instant::now();
        let b = upper_bound(&pb, &rule);
        assert!(b.value >= 1 && b.value <= at_most, "{leaves}: {}", b.value);
        assert!(t0.elapsed().as_secs_f64() < 20.0);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Units without inhabitants (weight 0, but they connect others) and grids with chords.
    #[test]
    fn bound_with_empty_units_is_at_least_the_optimum(
        n in 2usize..=9,
        pops in prop::collection::vec(0u32..30, 9),
        extra in prop::collection::vec((0usize..9, 0usize..9), 0..10),
        keep in prop::collection::vec(prop::bool::weighted(0.8), 9),
        threshold in 5u32..60,
    ) {
        let (_, _, best, b) = uniform_case(&pops[..n], &extra, &keep, threshold);
        prop_assert!(b.value >= best, "bound {} < optimum {best}", b.value);
    }
}

/// Hubs with whole pieces (6.): a hub of 1 with three strips 10 | 10 | 10 | 4 behind it,
/// threshold 20. Population says 103 / 20 = 5, and so do the least sizes (each strip weighs
/// 3 x 10 / 20 + 4 / 24 = 1.67, the hub 1 / 21: 5.05); no piece is too small for a district.
/// But a district either passes through the hub (one at most) or lies inside one strip, which
/// holds one (34 < 2 x 20): at most 1 + 3 = 4, and 4 are possible (two 10s in each strip, and
/// the hub with a 10 of two strips whose other 10s and 4 still make 24).
#[test]
fn hub_with_whole_pieces() {
    let mut edges = Vec::new();
    let mut pops = vec![1.0];
    for s in 0..3 {
        let first = 1 + 4 * s;
        edges.push((0, first, 1.0));
        for i in 0..3 {
            edges.push((first + i, first + i + 1, 1.0));
        }
        pops.extend([10.0, 10.0, 10.0, 4.0]);
    }
    let pb = Problem::new(Adjacency::from_edges(13, &edges).unwrap(), pops, 1).unwrap();
    let rule = UniformThreshold { threshold: 20.0 };
    let b = upper_bound(&pb, &rule);
    // the bottom-up choice takes the second unit of each strip as a hub (it closes 10 | 4,
    // weight 0.67, and weighs 0.5 itself): 3 + floor(3 x 0.5 + 1 / 21) = 4 as well
    assert_eq!((b.value, b.without_sizes, b.hub_clusters), (4, 5, 3));
    assert!(b
        .proof
        .iter()
        .any(|l| l.starts_with("3 units cut their group")));
}
