//! The NOTRe audit of France's 1,259 EPCI over 34,970 communes (issue 16 targets: the audit of
//! the national map under 1 s; the live validation of one edit under 50 ms server side, whose
//! library part is `audit_with(.., MergerSearch::Skip)` on the edited map).
//!
//! `live_audit_incremental_edit_and_back` measures the same edit through
//! `ambit_rules::live::LiveAudit`, as the studio validates it (`POST /api/audit/live`).
//!
//! Run: `cargo bench -p ambit-rules --bench france` (results in bench/france/RESULTS.md).

use ambit_rules::audit::{audit_with, MergerSearch};
use ambit_rules::{CompiledPolicy, PolicyFile};
use ambit_territory::{Dataset, DistrictMap};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/france");
    let mut group = c.benchmark_group("france_34970");
    group.sample_size(10);
    group.bench_function("load_data_folder", |b| {
        b.iter(|| Dataset::load(&dir).expect("data/france"))
    });
    let ds = Dataset::load(&dir).expect("data/france");
    let file = PolicyFile::load(&ds.default_policy().expect("policy")).expect("policy");
    group.bench_function("compile_policy", |b| {
        b.iter(|| CompiledPolicy::compile(file.clone(), &ds.territory).expect("compiles"))
    });
    let policy = CompiledPolicy::compile(file, &ds.territory).expect("compiles");
    let map = ds.district_map("epci-2019").expect("map");
    group.bench_function("audit_epci_2019_with_mergers", |b| {
        b.iter(|| {
            audit_with(
                &ds.territory,
                &ds.graph,
                &policy,
                Some(&map),
                MergerSearch::All,
            )
        })
    });
    // One edit, as the studio sends it: the whole map with one commune moved (46138, of the
    // CC du Causse de Labastide Murat, joins the EPCI of its neighbour 46018), audited without
    // the search for closing mergers (bench/france/edit_body.py sends the same edit).
    let moved: ambit_territory::MunicipalityCode =
        ambit_territory::MunicipalityCode::parse("46138").expect("code");
    let to = map
        .district_of(&ambit_territory::MunicipalityCode::parse("46018").expect("code"))
        .expect("46018 in an EPCI")
        .to_string();
    group.bench_function("live_validation_one_edit", |b| {
        b.iter(|| {
            let mut edited: DistrictMap = map.clone();
            edited.assign(moved.clone(), to.clone());
            let a = audit_with(
                &ds.territory,
                &ds.graph,
                &policy,
                Some(&edited),
                MergerSearch::Skip,
            );
            serde_json::to_string(&a).expect("json").len()
        })
    });
    // The same edit through the incremental audit the studio's live validation keeps
    // (`POST /api/audit/live`): move the commune, re-audit the two EPCI it touches, the region
    // summary and the JSON of the changed rows; then move it back (two edits per iteration,
    // the time reported is for both).
    let from = map
        .district_of(&moved)
        .expect("46138 in an EPCI")
        .to_string();
    let i = ds
        .territory
        .municipalities()
        .iter()
        .position(|m| m.code == moved)
        .expect("46138");
    let mut live = ambit_rules::live::LiveAudit::new(&ds.territory, &ds.graph, &policy, &map);
    group.bench_function("live_audit_incremental_edit_and_back", |b| {
        b.iter(|| {
            let mut bytes = 0;
            for to in [&to, &from] {
                let delta = live.apply(&ds.territory, &ds.graph, &policy, &[(i, Some(to.clone()))]);
                let rows: Vec<_> = delta
                    .changed
                    .iter()
                    .filter_map(|n| live.district(n))
                    .collect();
                let summary = live.summary(&ds.territory, &policy);
                bytes += serde_json::to_string(&(rows, summary)).expect("json").len();
            }
            bytes
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
