//! Server-side cost of validating one edit: the audit the page requests after every edit
//! (`POST /api/audit` runs exactly `ambit_rules::audit` on the region), on the bundled
//! Lombardy data, for a partial map (the 2017 ambiti) and for a complete one (every comune its
//! own district, the worst case).

use ambit_territory::DistrictMap;
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::PathBuf;

fn bench(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/lombardy");
    let region = match ambit_server::Region::load(&dir, None) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("skipping: cannot load {}: {e}", dir.display());
            return;
        }
    };
    let d = &region.dataset;
    let Ok(ambiti) = d.district_map("ambiti-2017") else {
        eprintln!("skipping: no ambiti-2017 map");
        return;
    };
    let singletons = DistrictMap::from_pairs(
        d.territory
            .municipalities()
            .iter()
            .map(|m| (m.code.clone(), m.code.to_string())),
    );
    let mut g = c.benchmark_group("validate_edit");
    g.sample_size(20);
    for (name, map) in [
        ("ambiti_2017", &ambiti),
        ("every_comune_alone", &singletons),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| ambit_rules::audit(&d.territory, &d.graph, &region.policy, Some(map)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
