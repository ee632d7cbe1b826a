//! `LiveAudit`: after any sequence of edits its audit equals `audit_with` on the edited map
//! (every figure, every row, with and without merger options), and each edit reports exactly
//! the districts whose rows changed.

use ambit_rules::audit::{audit_with, MergerSearch};
use ambit_rules::live::LiveAudit;
use ambit_rules::{CompiledPolicy, PolicyFile};
use ambit_territory::{Dataset, DistrictMap};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn load(folder: &str) -> (Dataset, CompiledPolicy) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let d = Dataset::load(&root.join(folder)).unwrap();
    let policy = PolicyFile::load(&d.default_policy().unwrap()).unwrap();
    let p = CompiledPolicy::compile(policy, &d.territory).unwrap();
    (d, p)
}

/// A small deterministic generator (64-bit LCG, Knuth's constants): the same edits every run.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn rows(a: &ambit_rules::Audit) -> BTreeMap<String, serde_json::Value> {
    a.districts
        .iter()
        .map(|d| (d.name.clone(), serde_json::to_value(d).unwrap()))
        .collect()
}

#[test]
fn random_edits_keep_the_live_audit_equal_to_a_whole_audit() {
    let (d, p) = load("data/lombardy");
    let ms = d.territory.municipalities();
    let mut map = d.district_map("ambiti-2021").unwrap();
    let source = map.source.clone();
    let mut pairs: BTreeMap<_, String> = map
        .pairs()
        .into_iter()
        .map(|(c, d)| (c.clone(), d.to_string()))
        .collect();
    let mut live = LiveAudit::new(&d.territory, &d.graph, &p, &map);
    let mut rng = Lcg(7);
    let whole =
        |map: &DistrictMap, m: MergerSearch| audit_with(&d.territory, &d.graph, &p, Some(map), m);
    assert_eq!(
        serde_json::to_value(live.audit(&d.territory, &d.graph, &p, MergerSearch::Skip)).unwrap(),
        serde_json::to_value(whole(&map, MergerSearch::Skip)).unwrap()
    );
    let mut before = rows(&whole(&map, MergerSearch::Skip));
    for step in 0..40 {
        // 1 to 3 moves: to a neighbour's district, to no district, or to a new district.
        let mut moves = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let i = rng.below(ms.len());
            let to = match rng.below(4) {
                0 => None,
                1 => Some(format!("new {step}")),
                _ => {
                    let nb = d.graph.neighbours(i);
                    let j = if nb.is_empty() {
                        i
                    } else {
                        nb[rng.below(nb.len())]
                    };
                    Some(
                        live.district_of(j)
                            .map_or_else(|| format!("new {step}"), str::to_string),
                    )
                }
            };
            match &to {
                Some(name) => pairs.insert(ms[i].code.clone(), name.clone()),
                None => pairs.remove(&ms[i].code),
            };
            moves.push((i, to));
        }
        map = DistrictMap::from_pairs(pairs.clone());
        map.source = source.clone();
        let delta = live.apply(&d.territory, &d.graph, &p, &moves);
        for search in [MergerSearch::Skip, MergerSearch::All] {
            assert_eq!(
                serde_json::to_value(live.audit(&d.territory, &d.graph, &p, search.clone()))
                    .unwrap(),
                serde_json::to_value(whole(&map, search)).unwrap(),
                "step {step}"
            );
        }
        assert_eq!(
            serde_json::to_value(live.summary(&d.territory, &p)).unwrap(),
            serde_json::to_value(whole(&map, MergerSearch::Skip).summary).unwrap()
        );
        // The delta names every district whose row differs, and only districts touched.
        let after = rows(&whole(&map, MergerSearch::Skip));
        for (name, row) in &after {
            if before.get(name) != Some(row) {
                assert!(delta.changed.contains(name), "step {step}: {name} changed");
            }
        }
        for name in before.keys() {
            if !after.contains_key(name) {
                assert!(delta.removed.contains(name), "step {step}: {name} removed");
            }
        }
        for name in &delta.changed {
            assert_eq!(
                serde_json::to_value(live.district(name).unwrap()).unwrap(),
                after[name],
                "step {step}: {name}"
            );
        }
        before = after;
    }
}
