//! `audit_with`: limiting the search for closing mergers changes nothing else in the audit,
//! and the searched districts get exactly the options of a full audit.

use ambit_rules::audit::{audit_with, MergerSearch};
use ambit_rules::{audit, Audit, CompiledPolicy, PolicyFile};
use ambit_territory::{Dataset, DistrictMap};
use std::path::PathBuf;

fn lombardy() -> (Dataset, CompiledPolicy) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let d = Dataset::load(&root.join("data/lombardy")).unwrap();
    let policy = PolicyFile::load(&d.default_policy().unwrap()).unwrap();
    let p = CompiledPolicy::compile(policy, &d.territory).unwrap();
    (d, p)
}

/// The audit as JSON with every district's merger options and the search scope removed.
fn without_mergers(a: &Audit) -> serde_json::Value {
    let mut v = serde_json::to_value(a).unwrap();
    for d in v["districts"].as_array_mut().unwrap() {
        d.as_object_mut().unwrap().remove("closing_mergers");
    }
    v.as_object_mut().unwrap().remove("merger_search");
    v
}

/// Checks `limited` against `full` for the scope `search`.
fn agrees(full: &Audit, limited: &Audit, search: &MergerSearch) {
    assert_eq!(without_mergers(full), without_mergers(limited));
    assert_eq!(&limited.merger_search, search);
    for (f, l) in full.districts.iter().zip(&limited.districts) {
        let expected = if search.includes(&f.name) {
            serde_json::to_value(&f.closing_mergers).unwrap()
        } else {
            serde_json::json!([])
        };
        assert_eq!(
            serde_json::to_value(&l.closing_mergers).unwrap(),
            expected,
            "{}",
            f.name
        );
    }
}

#[test]
fn seriate_options_alone_match_the_full_audit() {
    let (d, p) = lombardy();
    let map = d.district_map("ambiti-2017").unwrap();
    let full = audit(&d.territory, &d.graph, &p, Some(&map));
    let search = MergerSearch::District("Seriate".into());
    let one = audit_with(&d.territory, &d.graph, &p, Some(&map), search.clone());
    agrees(&full, &one, &search);
    // Seriate (77,716) borders Romano di Lombardia (84,880) and Dalmine (146,222) in this
    // partial map; both mergers exceed 80,000 (populations from ambiti_summary.csv).
    let seriate = one.districts.iter().find(|x| x.name == "Seriate").unwrap();
    let options: Vec<(&str, u64)> = seriate
        .closing_mergers
        .iter()
        .map(|m| (m.with.as_str(), m.population))
        .collect();
    assert_eq!(
        options,
        vec![("Romano di Lombardia", 162_596), ("Dalmine", 223_938)]
    );
    let skip = audit_with(&d.territory, &d.graph, &p, Some(&map), MergerSearch::Skip);
    agrees(&full, &skip, &MergerSearch::Skip);
    assert!(skip.districts[0].closing_mergers.is_empty());
}

#[test]
fn every_comune_alone_every_scope_agrees() {
    let (d, p) = lombardy();
    let ms = d.territory.municipalities();
    let singletons =
        DistrictMap::from_pairs(ms.iter().map(|m| (m.code.clone(), m.code.to_string())));
    let full = audit(&d.territory, &d.graph, &p, Some(&singletons));
    assert_eq!(full.summary.districts, 1516);
    let with_options = full
        .districts
        .iter()
        .find(|x| !x.closing_mergers.is_empty())
        .expect("some comune has a closing merger");
    for search in [
        MergerSearch::Skip,
        MergerSearch::District(with_options.name.clone()),
        MergerSearch::District("no such district".into()),
    ] {
        let limited = audit_with(
            &d.territory,
            &d.graph,
            &p,
            Some(&singletons),
            search.clone(),
        );
        agrees(&full, &limited, &search);
    }
}

#[test]
fn random_maps_every_scope_agrees() {
    let (d, p) = lombardy();
    let ms = d.territory.municipalities();
    // A small linear congruential generator: reproducible maps without a dependency.
    let mut state: u64 = 0x2017_7631;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    for _ in 0..8 {
        let k = 2 + next() % 60;
        // Some comuni left out of the map, the rest in one of k districts.
        let pairs: Vec<_> = ms
            .iter()
            .filter_map(|m| {
                let r = next() % (k + 3);
                (r < k).then(|| (m.code.clone(), format!("D{r}")))
            })
            .collect();
        let map = DistrictMap::from_pairs(pairs);
        let full = audit(&d.territory, &d.graph, &p, Some(&map));
        let named = full.districts[next() % full.districts.len()].name.clone();
        for search in [MergerSearch::Skip, MergerSearch::District(named)] {
            let limited = audit_with(&d.territory, &d.graph, &p, Some(&map), search.clone());
            agrees(&full, &limited, &search);
        }
    }
}
