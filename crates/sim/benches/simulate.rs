//! Speed of the uptake simulation on the bundled Lombardy scenario (98 ambiti, 28 groupings,
//! 3 windows): 10,000 Monte Carlo runs, the ABC calibration, and both together as
//! `ambit simulate` runs them by default. Target: 10,000 runs under 5 s on 2 cores.

use ambit_sim::{
    bundled, calibrate, monte_carlo, simulate, CalibrationOptions, Control, SimOptions, World,
};
use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let scenario = bundled::lombardy_2018().expect("bundled scenario");
    let world = World::compile(&scenario, &scenario.policy).expect("world");
    let observed = scenario.observed.clone().expect("observed outcome");
    let posterior = calibrate(
        &world,
        &scenario.model,
        &observed,
        CalibrationOptions {
            draws: 20_000,
            accept: 400,
            seed: 1,
        },
        &Control::default(),
    )
    .expect("calibration")
    .samples;
    let mut g = c.benchmark_group("lombardy-2018");
    g.sample_size(10);
    g.bench_function("monte_carlo_10k_runs", |b| {
        b.iter(|| {
            monte_carlo(&world, &posterior, 10_000, 7631, 3, &Control::default()).expect("runs")
        })
    });
    g.bench_function("calibrate_50k_draws", |b| {
        b.iter(|| {
            calibrate(
                &world,
                &scenario.model,
                &observed,
                CalibrationOptions::default(),
                &Control::default(),
            )
            .expect("calibration")
        })
    });
    g.bench_function("simulate_defaults_calibration_plus_10k_runs", |b| {
        b.iter(|| {
            simulate(&scenario, &[], SimOptions::default(), &Control::default()).expect("simulate")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
