//! Loading the 1,506 Lombardy boundaries and computing their contiguity (issue 2 target: the
//! load plus rook contiguity under 0.3 s on the 2-core CI machine).
//!
//! Run: `cargo bench -p ambit-territory --bench contiguity`.

use ambit_territory::{Boundaries, BoundaryFields, Contiguity, ContiguityKind, Matching};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::{Path, PathBuf};

fn boundaries_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/lombardy/boundaries_2021.geojson")
}

fn load() -> Boundaries {
    let fields = BoundaryFields::new("istat_code").with_name("name");
    match Boundaries::from_geojson_path(boundaries_path(), &fields) {
        Ok(b) => b,
        Err(e) => panic!("bench input: {e}"),
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("lombardy_1506");
    group.sample_size(20);
    group.bench_function("load_geojson_and_rook", |b| {
        b.iter(|| {
            let boundaries = load();
            let rook = Contiguity::compute(&boundaries, ContiguityKind::Rook);
            assert_eq!(rook.pairs().len(), 4274);
            rook
        })
    });
    group.bench_function("load_geojson", |b| b.iter(load));
    let boundaries = load();
    group.bench_function("rook_exact", |b| {
        b.iter(|| Contiguity::compute(&boundaries, ContiguityKind::Rook))
    });
    group.bench_function("queen_exact", |b| {
        b.iter(|| Contiguity::compute(&boundaries, ContiguityKind::Queen))
    });
    group.bench_function("rook_snap_1e-5", |b| {
        b.iter(|| {
            Contiguity::compute_with(
                &boundaries,
                ContiguityKind::Rook,
                Matching::Snap { tolerance: 1e-5 },
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
