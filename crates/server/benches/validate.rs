//! Server-side cost of validating one edit on the bundled Lombardy data, for a partial map (the
//! 2017 ambiti) and a complete one (every comune its own district, the worst case):
//! - `live`: what `POST /api/audit` runs after each edit in the page (`ambit_rules::audit` with
//!   the closing-merger search skipped);
//! - `live_one_district`: the same with one district's merger options (the district the user
//!   is looking at);
//! - `full`: the whole audit with every non-compliant district's merger options (`ambit audit`).
//!
//! Each is measured as the library call and as the handler's whole work (assignment checked and
//! turned into a map, audit, JSON body), the part of a round trip that is not HTTP.

use ambit_rules::audit::{audit_with, MergerSearch};
use ambit_territory::DistrictMap;
use criterion::{criterion_group, criterion_main, Criterion};
use std::collections::BTreeMap;
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
    for (name, map, one) in [
        ("ambiti_2017", &ambiti, "Seriate"),
        ("every_comune_alone", &singletons, "016001"),
    ] {
        let searches = [
            ("live", MergerSearch::Skip),
            ("live_one_district", MergerSearch::District(one.into())),
            ("full", MergerSearch::All),
        ];
        for (scope, search) in searches {
            g.bench_function(format!("{name}/{scope}"), |b| {
                b.iter(|| {
                    audit_with(
                        &d.territory,
                        &d.graph,
                        &region.policy,
                        Some(map),
                        search.clone(),
                    )
                })
            });
        }
        // The handler's work for the live validation, from the request's JSON body.
        let assignment: BTreeMap<String, String> = map
            .pairs()
            .into_iter()
            .map(|(c, d)| (c.to_string(), d.to_string()))
            .collect();
        let body =
            serde_json::json!({ "assignment": assignment, "closing_mergers": "skip" }).to_string();
        g.bench_function(format!("{name}/live_request_body"), |b| {
            b.iter(|| {
                let req: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                let pairs = req["assignment"].as_object().map(|o| {
                    o.iter()
                        .filter_map(|(c, d)| {
                            Some((
                                ambit_territory::MunicipalityCode::parse(c).ok()?,
                                d.as_str()?.to_string(),
                            ))
                        })
                        .collect::<Vec<_>>()
                });
                let map = DistrictMap::from_pairs(pairs.unwrap_or_default());
                let a = audit_with(
                    &d.territory,
                    &d.graph,
                    &region.policy,
                    Some(&map),
                    MergerSearch::Skip,
                );
                serde_json::to_string(&a).map(|s| s.len()).unwrap_or(0)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
