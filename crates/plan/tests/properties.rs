//! Invariants of every plan on random graphs, and the checker on plans broken on purpose.

use ambit_plan::{
    check_plan, max_districts, min_change, Adjacency, Affinity, ChangeOptions, ClassCondition,
    ClassShareRule, ClassSpec, Control, DistrictRule, InfeasibleReason, Nesting, Problem,
    SearchOptions, Tiebreak, UniformThreshold, Violation,
};
use proptest::prelude::*;

/// A `w x h` lattice with some edges removed (`drop[k]` true drops edge k), so that graphs
/// come with several components and odd shapes.
fn lattice(w: usize, h: usize, drop: &[bool]) -> Adjacency {
    let mut edges = Vec::new();
    let mut k = 0;
    for r in 0..h {
        for c in 0..w {
            let i = r * w + c;
            if c + 1 < w {
                if !drop.get(k).copied().unwrap_or(false) {
                    edges.push((i, i + 1, 1.0));
                }
                k += 1;
            }
            if r + 1 < h {
                if !drop.get(k).copied().unwrap_or(false) {
                    edges.push((i, i + w, 1.0));
                }
                k += 1;
            }
        }
    }
    Adjacency::from_edges(w * h, &edges).unwrap()
}

/// A complete assignment as the checker reads it (every unit labelled).
fn complete(district_of: &[u32]) -> Vec<Option<u32>> {
    district_of.iter().map(|&d| Some(d)).collect()
}

/// Repairs `base` with no affinities and the default options.
fn repair(pb: &Problem, rule: &dyn DistrictRule, base: &[u32]) -> ambit_plan::ChangeOutcome {
    min_change(pb, rule, base, &Affinity::new(), &ChangeOptions::default()).unwrap()
}

fn quick() -> SearchOptions {
    SearchOptions {
        starts: 2,
        regrowths_per_region: 5.0,
        move_sweeps: 3,
        ..SearchOptions::default()
    }
}

/// Every district is contiguous and compliant, except the districts of reported infeasible
/// groups, which are exactly the non-compliant ones and really cannot reach the threshold.
fn assert_valid(pb: &Problem, rule: &dyn DistrictRule, opts: &SearchOptions) {
    let plan = max_districts(pb, rule, opts, &Control::default()).unwrap();
    assert_eq!(plan.district_of.len(), pb.len());
    let labels = complete(&plan.district_of);
    let report = check_plan(pb, rule, &labels);
    let infeasible_districts: Vec<u32> = plan
        .infeasible
        .iter()
        .map(|g| plan.district_of[g.units[0] as usize])
        .collect();
    for v in &report.violations {
        match v {
            Violation::BelowThreshold { district, .. } => {
                assert!(
                    infeasible_districts.contains(district),
                    "district {district} below threshold but not reported infeasible"
                )
            }
            other => panic!("unexpected violation {other:?}"),
        }
    }
    for g in &plan.infeasible {
        if g.reason == InfeasibleReason::ComponentTooSmall {
            // the group is a whole component and below its requirement
            assert!(!g.requirement.is_met_by(g.population));
            let (comp, _) = pb.graph().components();
            let c = comp[g.units[0] as usize];
            let size = comp.iter().filter(|&&x| x == c).count();
            assert_eq!(size, g.units.len());
        }
    }
    assert_eq!(
        plan.compliant_count() + plan.infeasible.len(),
        plan.districts.len()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn uniform_plans_are_complete_contiguous_compliant(
        w in 2usize..9, h in 2usize..9,
        pops in prop::collection::vec(0u32..100, 64),
        drop in prop::collection::vec(prop::bool::weighted(0.2), 128),
        threshold in 50u32..400,
        seed in 0u64..1000,
    ) {
        let n = w * h;
        let g = lattice(w, h, &drop);
        let totals: Vec<f64> = (0..n).map(|i| pops[i % pops.len()] as f64).collect();
        let attrs: Vec<f64> = (0..n).map(|i| ((i * 7919) % 13) as f64).collect();
        let pb = Problem::new(g, totals, 1).unwrap().with_attributes(attrs, 1).unwrap();
        let rule = UniformThreshold { threshold: threshold as f64 };
        assert_valid(&pb, &rule, &SearchOptions { seed, ..quick() });
    }

    #[test]
    fn class_dependent_plans_are_valid(
        w in 2usize..8, h in 2usize..8,
        pops in prop::collection::vec(1u32..100, 64),
        mountain in prop::collection::vec(prop::bool::weighted(0.4), 64),
        drop in prop::collection::vec(prop::bool::weighted(0.15), 128),
        seed in 0u64..1000,
    ) {
        let n = w * h;
        let g = lattice(w, h, &drop);
        // totals: population, population in mountain units
        let mut totals = Vec::new();
        for i in 0..n {
            let p = pops[i % pops.len()] as f64;
            totals.push(p);
            totals.push(if mountain[i % mountain.len()] { p } else { 0.0 });
        }
        let pb = Problem::new(g, totals, 2).unwrap();
        let rule = ClassShareRule {
            totals_len: 2,
            classes: vec![ClassSpec {
                name: "mountain".into(),
                condition: ClassCondition::PopulationShareAbove { component: 1, share: 0.5 },
                threshold: 80.0,
            }],
            default_name: "standard".into(),
            default_threshold: 250.0,
            strict: true,
        };
        assert_valid(&pb, &rule, &SearchOptions { seed, tiebreak: Tiebreak::Compactness, ..quick() });
    }

    #[test]
    fn hard_nesting_keeps_districts_inside_areas(
        w in 3usize..8, h in 3usize..8,
        pops in prop::collection::vec(1u32..100, 64),
        cut in 1usize..3,
        threshold in 50u32..200,
    ) {
        let n = w * h;
        let g = lattice(w, h, &[]);
        let totals: Vec<f64> = (0..n).map(|i| pops[i % pops.len()] as f64).collect();
        let area: Vec<u32> = (0..n).map(|i| ((i % w) * (cut + 1) / w) as u32).collect();
        let pb = Problem::new(g, totals, 1).unwrap().with_nesting(area.clone(), Nesting::Hard).unwrap();
        let rule = UniformThreshold { threshold: threshold as f64 };
        let plan = max_districts(&pb, &rule, &quick(), &Control::default()).unwrap();
        for d in &plan.districts {
            prop_assert_eq!(d.areas.len(), 1);
        }
        assert_valid(&pb, &rule, &quick());
    }

    #[test]
    fn max_population_and_cannot_link_hold(
        pops in prop::collection::vec(1u32..50, 36),
        pairs in prop::collection::vec((0usize..36, 0usize..36), 0..6),
    ) {
        let g = lattice(6, 6, &[]);
        let totals: Vec<f64> = pops.iter().map(|&p| p as f64).collect();
        let pairs: Vec<(usize, usize)> = pairs.into_iter().filter(|(a, b)| a != b).collect();
        let pb = Problem::new(g, totals, 1).unwrap()
            .with_max_population(400.0)
            .with_cannot_link(&pairs).unwrap();
        let rule = UniformThreshold { threshold: 100.0 };
        let plan = max_districts(&pb, &rule, &quick(), &Control::default()).unwrap();
        let labels = complete(&plan.district_of);
        let report = check_plan(&pb, &rule, &labels);
        let bad: Vec<u32> = plan.infeasible.iter().map(|g| plan.district_of[g.units[0] as usize]).collect();
        for v in &report.violations {
            match v {
                Violation::BelowThreshold { district, .. }
                | Violation::AboveMaximum { district, .. }
                | Violation::CannotLink { district, .. } => prop_assert!(bad.contains(district), "{:?}", v),
                other => prop_assert!(false, "unexpected {:?}", other),
            }
        }
    }
}

#[test]
fn strip_and_square_optima() {
    // 1 x 6 strip, 10 each, threshold 20: exactly 3 districts
    let g = lattice(6, 1, &[]);
    let pb = Problem::new(g, vec![10.0; 6], 1).unwrap();
    let rule = UniformThreshold { threshold: 20.0 };
    let plan = max_districts(&pb, &rule, &quick(), &Control::default()).unwrap();
    assert_eq!(plan.compliant_count(), 3);
    // 4 x 4 lattice of 1s, threshold 4: the optimum is 4 districts of 4
    let g = lattice(4, 4, &[]);
    let pb = Problem::new(g, vec![1.0; 16], 1).unwrap();
    let rule = UniformThreshold { threshold: 4.0 };
    let plan = max_districts(&pb, &rule, &SearchOptions::default(), &Control::default()).unwrap();
    assert_eq!(plan.compliant_count(), 4);
    assert!(plan.infeasible.is_empty());
}

#[test]
fn infeasible_island_is_named_and_the_rest_solved() {
    // units 0..6 a strip of 10s; unit 6 an island of 5 (no edges), threshold 20
    let edges: Vec<(usize, usize, f64)> = (0..5).map(|i| (i, i + 1, 1.0)).collect();
    let g = Adjacency::from_edges(7, &edges).unwrap();
    let mut pops = vec![10.0; 6];
    pops.push(5.0);
    let pb = Problem::new(g, pops, 1).unwrap();
    let rule = UniformThreshold { threshold: 20.0 };
    let plan = max_districts(&pb, &rule, &quick(), &Control::default()).unwrap();
    assert_eq!(plan.compliant_count(), 3);
    assert_eq!(plan.infeasible.len(), 1);
    assert_eq!(plan.infeasible[0].units, vec![6]);
    assert_eq!(
        plan.infeasible[0].reason,
        InfeasibleReason::ComponentTooSmall
    );
    assert_eq!(plan.infeasible[0].population, 5.0);
}

#[test]
fn nesting_area_too_small_is_explained() {
    // strip of 6 units of 10; area 0 = units 0..5, area 1 = unit 5 alone; threshold 20
    let g = lattice(6, 1, &[]);
    let pb = Problem::new(g, vec![10.0; 6], 1)
        .unwrap()
        .with_nesting(vec![0, 0, 0, 0, 0, 1], Nesting::Hard)
        .unwrap();
    let rule = UniformThreshold { threshold: 20.0 };
    let plan = max_districts(&pb, &rule, &quick(), &Control::default()).unwrap();
    assert_eq!(plan.infeasible.len(), 1);
    assert_eq!(
        plan.infeasible[0].reason,
        InfeasibleReason::NestingAreaTooSmall
    );
    assert_eq!(plan.compliant_count(), 2);
    // soft nesting: the lone unit joins a district across the border
    let pb = Problem::new(lattice(6, 1, &[]), vec![10.0; 6], 1)
        .unwrap()
        .with_nesting(vec![0, 0, 0, 0, 0, 1], Nesting::Soft)
        .unwrap();
    let plan = max_districts(&pb, &rule, &quick(), &Control::default()).unwrap();
    assert!(plan.infeasible.is_empty());
    assert_eq!(plan.compliant_count(), 2);
    assert_eq!(plan.crossing_count(), 1);
}

#[test]
fn same_seed_same_plan() {
    let g = lattice(12, 12, &[]);
    let pops: Vec<f64> = (0..144).map(|i| ((i * 37) % 17 + 1) as f64).collect();
    let attrs: Vec<f64> = (0..144).map(|i| ((i * 13) % 7) as f64).collect();
    let pb = Problem::new(g, pops, 1)
        .unwrap()
        .with_attributes(attrs, 1)
        .unwrap();
    let rule = UniformThreshold { threshold: 40.0 };
    let a = max_districts(&pb, &rule, &SearchOptions::default(), &Control::default()).unwrap();
    let b = max_districts(&pb, &rule, &SearchOptions::default(), &Control::default()).unwrap();
    assert_eq!(a.district_of, b.district_of);
    assert_eq!(a.heterogeneity, b.heterogeneity);
}

#[test]
fn fixed_district_count_merges_down() {
    let g = lattice(4, 4, &[]);
    let pb = Problem::new(g, vec![1.0; 16], 1)
        .unwrap()
        .with_district_count(2);
    let rule = UniformThreshold { threshold: 4.0 };
    let plan = max_districts(&pb, &rule, &quick(), &Control::default()).unwrap();
    assert_eq!(plan.districts.len(), 2);
    assert_eq!(plan.compliant_count(), 2);
}

#[test]
fn locked_district_is_kept() {
    let g = lattice(4, 2, &[]);
    // lock units 0 and 4 (left column) as district 9
    let mut locked = vec![None; 8];
    locked[0] = Some(9);
    locked[4] = Some(9);
    let pb = Problem::new(g, vec![1.0; 8], 1)
        .unwrap()
        .with_locked(locked)
        .unwrap();
    let rule = UniformThreshold { threshold: 2.0 };
    let plan = max_districts(&pb, &rule, &quick(), &Control::default()).unwrap();
    assert_eq!(plan.district_of[0], plan.district_of[4]);
    let d = plan.district_of[0];
    assert_eq!(plan.district_of.iter().filter(|&&x| x == d).count(), 2);
    assert_eq!(plan.compliant_count(), 4);
}

#[test]
fn must_link_units_share_a_district() {
    let g = lattice(6, 1, &[]);
    let pb = Problem::new(g, vec![10.0; 6], 1)
        .unwrap()
        .with_must_link(&[(1, 2), (2, 3)])
        .unwrap();
    let rule = UniformThreshold { threshold: 20.0 };
    let plan = max_districts(&pb, &rule, &quick(), &Control::default()).unwrap();
    assert_eq!(plan.district_of[1], plan.district_of[2]);
    assert_eq!(plan.district_of[2], plan.district_of[3]);
    let labels = complete(&plan.district_of);
    assert!(check_plan(&pb, &rule, &labels).is_valid());
    // 0 | 1 2 3 | 4 5 : unit 0 cannot stand alone, so at most 2 districts
    assert_eq!(plan.compliant_count(), 2);
    // non-contiguous must-link groups are refused
    let g = lattice(6, 1, &[]);
    assert!(Problem::new(g, vec![10.0; 6], 1)
        .unwrap()
        .with_must_link(&[(0, 5)])
        .is_err());
}

/// A 3 x 3 lattice in three districts (rows), populations chosen by hand.
fn rows_problem() -> (Problem, Vec<u32>) {
    let g = lattice(3, 3, &[]);
    // row 0: 10 10 10 (30), row 1: 5 4 3 (12), row 2: 20 20 20 (60)
    let pops = vec![10.0, 10.0, 10.0, 5.0, 4.0, 3.0, 20.0, 20.0, 20.0];
    let pb = Problem::new(g, pops, 1).unwrap();
    (pb, vec![0, 0, 0, 1, 1, 1, 2, 2, 2])
}

#[test]
fn check_rejects_broken_plans_with_the_right_reason() {
    let (pb, base) = rows_problem();
    let rule = UniformThreshold { threshold: 12.0 };
    let ok = complete(&base);
    assert!(check_plan(&pb, &rule, &ok).is_valid());
    // missing unit
    let mut missing = ok.clone();
    missing[4] = None;
    let r = check_plan(&pb, &rule, &missing);
    assert!(r.violations.contains(&Violation::Unassigned { unit: 4 }));
    // split district: unit 7 (middle of row 2) given to district 0 leaves it in two parts, and
    // row 2 too
    let mut split = ok.clone();
    split[7] = Some(0);
    let r = check_plan(&pb, &rule, &split);
    assert!(r.violations.iter().any(|v| matches!(v,
        Violation::Split { district: 0, parts } if parts.len() == 2 && parts[1] == vec![7])));
    assert!(r.violations.iter().any(|v| matches!(v,
        Violation::Split { district: 2, parts } if parts.len() == 2)));
    // district under threshold: raise the threshold to 13 -> row 1 (12) fails
    let rule = UniformThreshold { threshold: 13.0 };
    let r = check_plan(&pb, &rule, &ok);
    assert_eq!(r.violations.len(), 1);
    assert!(matches!(
        r.violations[0],
        Violation::BelowThreshold { district: 1, population, .. } if population == 12.0
    ));
}

#[test]
fn min_change_moves_the_fewest_units() {
    let (pb, base) = rows_problem();
    // row 1 has 12 and needs 25: taking one unit of 20 from row 2 (leaves 40 >= 25) suffices
    let rule = UniformThreshold { threshold: 25.0 };
    let out = repair(&pb, &rule, &base);
    assert_eq!(out.units_moved, 1);
    assert_eq!(out.merges, 0);
    assert!(out.unresolved.is_empty());
    // the moved unit is a row-2 end (6 or 8): taking the middle unit 7 would split row 2,
    // and a row-0 unit (10) would not be enough (22 < 25)
    let moved: Vec<usize> = (0..9).filter(|&u| out.district_of[u] != base[u]).collect();
    assert_eq!(moved.len(), 1);
    assert!([6, 8].contains(&moved[0]));
    // affinity overrides: unit 8 has affinity with unit 5
    let mut aff = Affinity::new();
    aff.insert(8, 5, 1.0);
    let out = min_change(&pb, &rule, &base, &aff, &ChangeOptions::default()).unwrap();
    assert_eq!(out.district_of[8], 1);
    let labels = complete(&out.district_of);
    assert!(check_plan(&pb, &rule, &labels).is_valid());
}

#[test]
fn min_change_merges_when_moves_cannot_help() {
    let (pb, base) = rows_problem();
    // threshold 35: row 0 (30) and row 1 (12) fail; row 2 (60) can give one 20 only once
    // (60 - 20 = 40 >= 35), so one district gets a unit and the other must merge
    let rule = UniformThreshold { threshold: 35.0 };
    let out = repair(&pb, &rule, &base);
    assert!(out.unresolved.is_empty(), "{:?}", out.unresolved);
    let labels = complete(&out.district_of);
    assert!(check_plan(&pb, &rule, &labels).is_valid());
    assert!(out.merges >= 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A valid plan broken on purpose is rejected for the right reason.
    #[test]
    fn check_names_what_was_broken(
        w in 3usize..8, h in 3usize..8,
        pops in prop::collection::vec(1u32..60, 64),
        pick in 0usize..64,
    ) {
        let n = w * h;
        let totals: Vec<f64> = (0..n).map(|i| pops[i % pops.len()] as f64).collect();
        let pb = Problem::new(lattice(w, h, &[]), totals, 1).unwrap();
        let rule = UniformThreshold { threshold: 100.0 };
        let plan = max_districts(&pb, &rule, &quick(), &Control::default()).unwrap();
        prop_assume!(plan.infeasible.is_empty() && plan.districts.len() >= 2);
        let labels = complete(&plan.district_of);
        prop_assert!(check_plan(&pb, &rule, &labels).is_valid());
        // missing unit
        let u = pick % n;
        let mut missing = labels.clone();
        missing[u] = None;
        let r = check_plan(&pb, &rule, &missing);
        let named = r.violations.contains(&Violation::Unassigned { unit: u as u32 });
        prop_assert!(named);
        // split: give unit u to a district it does not touch (when one exists)
        let d = plan.district_of[u];
        let touching: Vec<u32> = pb.graph().neighbors(u).iter().map(|&v| plan.district_of[v as usize]).collect();
        if let Some(far) = (0..plan.districts.len() as u32).find(|e| *e != d && !touching.contains(e)) {
            let mut split = labels.clone();
            split[u] = Some(far);
            let r = check_plan(&pb, &rule, &split);
            let split_far = r.violations.iter().any(|v| matches!(v,
                Violation::Split { district, parts } if *district == far && parts.iter().any(|p| p == &vec![u as u32])));
            prop_assert!(split_far, "{:?}", r.violations);
        }
        // under threshold: a rule just above the smallest district's population
        let min = plan.districts.iter().map(|d| d.population).fold(f64::INFINITY, f64::min);
        let strict = UniformThreshold { threshold: min + 1.0 };
        let r = check_plan(&pb, &strict, &labels);
        let below = r.violations.iter().any(|v| matches!(v,
            Violation::BelowThreshold { population, .. } if *population == min));
        prop_assert!(below);
    }
}

#[test]
fn zero_time_budget_still_returns_a_valid_plan() {
    let g = lattice(20, 20, &[]);
    let pops: Vec<f64> = (0..400).map(|i| ((i * 31) % 11 + 1) as f64).collect();
    let pb = Problem::new(g, pops, 1).unwrap();
    let rule = UniformThreshold { threshold: 30.0 };
    let opts = SearchOptions {
        time_budget: Some(std::time::Duration::ZERO),
        ..SearchOptions::default()
    };
    let plan = max_districts(&pb, &rule, &opts, &Control::default()).unwrap();
    assert!(plan.interrupted);
    assert!(plan.starts_done >= 1);
    let labels = complete(&plan.district_of);
    assert!(check_plan(&pb, &rule, &labels).is_valid());
    // a cancellation flag set beforehand behaves the same
    let flag = std::sync::atomic::AtomicBool::new(true);
    let control = Control {
        cancel: Some(&flag),
        progress: None,
    };
    let plan = max_districts(&pb, &rule, &SearchOptions::default(), &control).unwrap();
    assert!(plan.interrupted);
}
