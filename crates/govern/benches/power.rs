//! Exact Banzhaf and Shapley-Shubik for the assembly of all Lombardy's comuni (1,516 members,
//! 1 Jan 2018) and for the Lodi ambito (61), on the bundled data, with the library default work
//! budget (weights rounded when above it; see `power.rs`). Goal: under 1 s for 1,516.

use ambit_govern::{power, Game, Indices, PowerOptions, Share, WeightQuota, WinningRule};
use criterion::{criterion_group, criterion_main, Criterion};

fn populations(filter: Option<&[String]>) -> Vec<u64> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/lombardy/comuni_2018.csv"
    );
    let mut rdr = csv::Reader::from_path(path).expect("bundled comuni_2018.csv");
    let h = rdr.headers().expect("header").clone();
    let code = h
        .iter()
        .position(|c| c == "istat_code")
        .expect("istat_code");
    let pop = h.iter().position(|c| c == "pop_best").expect("pop_best");
    let mut out: Vec<u64> = rdr
        .records()
        .map(|r| r.expect("row"))
        .filter(|r| match filter {
            None => true,
            Some(f) => f.iter().any(|c| c == &r[code]),
        })
        .map(|r| r[pop].parse().expect("population"))
        .collect();
    out.sort_unstable_by(|a, b| b.cmp(a));
    out
}

fn lodi_codes() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/lombardy/ambiti_2021.csv"
    );
    let mut rdr = csv::Reader::from_path(path).expect("bundled ambiti_2021.csv");
    rdr.records()
        .map(|r| r.expect("row"))
        .filter(|r| &r[2] == "Lodi")
        .map(|r| r[0].to_string())
        .collect()
}

fn majority(weights: Vec<u64>) -> Game {
    Game::new(
        weights,
        WinningRule::weighted(WeightQuota::MoreThan(Share::HALF)),
    )
}

fn bench(c: &mut Criterion) {
    let opts = PowerOptions::default();
    let lombardy = populations(None);
    let sqrt: Vec<u64> = lombardy
        .iter()
        .map(|&p| (p as f64).sqrt().round() as u64)
        .collect();
    let lodi = populations(Some(&lodi_codes()));
    let mut g = c.benchmark_group("power");
    g.sample_size(10);
    g.bench_function("lombardy_1516_equal_banzhaf_ss", |b| {
        let game = majority(vec![1; lombardy.len()]);
        b.iter(|| power(&game, Indices::Both, &opts).expect("power"))
    });
    g.bench_function("lombardy_1516_population_banzhaf", |b| {
        let game = majority(lombardy.clone());
        b.iter(|| power(&game, Indices::Banzhaf, &opts).expect("power"))
    });
    g.bench_function("lombardy_1516_population_banzhaf_ss", |b| {
        let game = majority(lombardy.clone());
        b.iter(|| power(&game, Indices::Both, &opts).expect("power"))
    });
    g.bench_function("lombardy_1516_sqrt_banzhaf_ss", |b| {
        let game = majority(sqrt.clone());
        b.iter(|| power(&game, Indices::Both, &opts).expect("power"))
    });
    g.bench_function("lodi_61_population_banzhaf_ss", |b| {
        let game = majority(lodi.clone());
        b.iter(|| power(&game, Indices::Both, &opts).expect("power"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
