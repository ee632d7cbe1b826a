//! Results depend on the seed only: not on the number of threads, not on the run.

mod common;

use ambit_sim::{bundled, simulate, Control, SimOptions, Variant};

fn options(seed: u64) -> SimOptions {
    let mut o = SimOptions {
        runs: 700,
        seed,
        ..SimOptions::default()
    };
    o.calibration.draws = 3_000;
    o.calibration.accept = 60;
    o
}

fn run_in_pool(threads: usize, seed: u64) -> String {
    let scenario = bundled::lombardy_2018().unwrap();
    let variants: Vec<Variant> = bundled::lombardy_2018_variants()
        .unwrap()
        .into_iter()
        .map(|(name, policy)| Variant {
            path: format!("bundled:{name}"),
            name,
            policy,
        })
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let r = pool
        .install(|| simulate(&scenario, &variants, options(seed), &Control::default()))
        .unwrap();
    serde_json::to_string(&r).unwrap()
}

#[test]
fn same_seed_same_result_whatever_the_thread_count() {
    let one = run_in_pool(1, 5);
    assert_eq!(one, run_in_pool(3, 5));
    assert_eq!(one, run_in_pool(2, 5));
    assert_ne!(one, run_in_pool(2, 6));
}

#[test]
fn an_identical_variant_differs_by_exactly_zero() {
    // Common random numbers: the same policy under another name gives a paired difference of 0.
    let scenario = bundled::lombardy_2018().unwrap();
    let same = Variant {
        name: "same".into(),
        path: "-".into(),
        policy: scenario.policy.clone(),
    };
    let r = simulate(&scenario, &[same], options(1), &Control::default()).unwrap();
    for (_, metrics) in &r.differences[0].windows {
        for (_, s) in metrics {
            assert_eq!((s.min, s.max), (0.0, 0.0));
        }
    }
}
