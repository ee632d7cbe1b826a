//! Criterion benchmarks of the QCA engine on the synthetic crisp sets (8 to 24 conditions) and on
//! the published Lipset fuzzy data. Peer figures (R QCA) are in `bench/qca/RESULTS.md`.

use ambit_qca::{minimize, DataMatrix, InclCut, MinParams, ModelSearch, TruthTable, TtParams};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::path::PathBuf;

fn data(name: &str) -> DataMatrix {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/data")
        .join(name);
    DataMatrix::from_csv_path(p).expect("fixture data")
}

fn truth_tables(c: &mut Criterion) {
    let mut g = c.benchmark_group("truth_table");
    for k in ["08", "10", "12", "16", "20", "24"] {
        let d = data(&format!("synth_cs_c{k}.csv"));
        g.bench_with_input(BenchmarkId::from_parameter(format!("c{k}")), &d, |b, d| {
            b.iter(|| TruthTable::build(d, &TtParams::new("Y")).expect("tt"))
        });
    }
    g.finish();
}

fn first_minimal(c: &mut Criterion) {
    let mut g = c.benchmark_group("first_minimal_model");
    g.sample_size(10);
    let params = MinParams {
        include_remainders: true,
        search: ModelSearch::FirstMinimal,
        ..MinParams::default()
    };
    for k in ["08", "10", "12", "16"] {
        let tt = TruthTable::build(&data(&format!("synth_cs_c{k}.csv")), &TtParams::new("Y"))
            .expect("tt");
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("c{k}")),
            &tt,
            |b, tt| b.iter(|| minimize(tt, &params).expect("model")),
        );
    }
    g.finish();
}

fn all_minimal(c: &mut Criterion) {
    let mut g = c.benchmark_group("all_minimal_models");
    g.sample_size(10);
    let params = MinParams {
        include_remainders: true,
        ..MinParams::default()
    };
    for k in ["08", "10", "12"] {
        let tt = TruthTable::build(&data(&format!("synth_cs_c{k}.csv")), &TtParams::new("Y"))
            .expect("tt");
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("c{k}")),
            &tt,
            |b, tt| b.iter(|| minimize(tt, &params).expect("models")),
        );
    }
    g.finish();
}

fn lipset_fuzzy_intermediate(c: &mut Criterion) {
    let d = data("lipset_fs.csv");
    let mut p = TtParams::new("SURV");
    p.incl_cut = InclCut::single(0.8);
    let tt = TruthTable::build(&d, &p).expect("tt");
    let params = MinParams {
        include_remainders: true,
        dir_exp: ["DEV", "URB", "LIT", "IND", "STB"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ..MinParams::default()
    };
    c.bench_function("lipset_fs_intermediate", |b| {
        b.iter(|| minimize(&tt, &params).expect("solution"))
    });
}

criterion_group!(
    benches,
    truth_tables,
    first_minimal,
    all_minimal,
    lipset_fuzzy_intermediate
);
criterion_main!(benches);
