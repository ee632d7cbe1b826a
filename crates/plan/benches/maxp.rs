//! Criterion benchmarks of `max_districts` on generated lattices (the peer comparison lives in
//! bench/maxp at the repository root).

use ambit_plan::{max_districts, Adjacency, Control, Problem, SearchOptions, UniformThreshold};
use criterion::{criterion_group, criterion_main, Criterion};

/// A `k x k` rook lattice with deterministic pseudo-random populations (mean ~ 2,000) and two
/// attributes; threshold = 10 average units.
fn lattice(k: usize) -> (Problem, UniformThreshold) {
    let n = k * k;
    let mut edges = Vec::with_capacity(2 * n);
    for r in 0..k {
        for c in 0..k {
            let i = r * k + c;
            if c + 1 < k {
                edges.push((i, i + 1, 1.0));
            }
            if r + 1 < k {
                edges.push((i, i + k, 1.0));
            }
        }
    }
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % 10_000) as f64 / 10_000.0
    };
    let pops: Vec<f64> = (0..n).map(|_| (500.0 + 3_000.0 * next()).round()).collect();
    let attrs: Vec<f64> = (0..2 * n).map(|_| next()).collect();
    let g = Adjacency::from_edges(n, &edges).expect("valid lattice");
    let pb = Problem::new(g, pops, 1)
        .expect("valid totals")
        .with_attributes(attrs, 2)
        .expect("valid attributes");
    (
        pb,
        UniformThreshold {
            threshold: 20_000.0,
        },
    )
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("max_districts");
    group.sample_size(10);
    for k in [30usize, 100] {
        let (pb, rule) = lattice(k);
        let opts = SearchOptions {
            starts: 2,
            ..SearchOptions::default()
        };
        group.bench_function(format!("lattice{}", k * k), |b| {
            b.iter(|| max_districts(&pb, &rule, &opts, &Control::default()).expect("plan"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
