//! The report of one district map (no simulation): its audit, compliance map and changes from
//! a baseline, on the bundled Lombardy data and the 2017 ambiti.

use ambit_report::report::districts::{
    compliance_map, document, incentive_costs, DistrictMapReport, MapChanges,
};
use ambit_report::report::html;
use ambit_rules::{audit, CompiledPolicy, PolicyFile};
use ambit_territory::{Dataset, DistrictMap};
use std::path::PathBuf;

fn lombardy() -> (Dataset, CompiledPolicy) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/lombardy");
    let d = Dataset::load(&dir).unwrap();
    let policy = PolicyFile::load(&d.default_policy().unwrap()).unwrap();
    let p = CompiledPolicy::compile(policy, &d.territory).unwrap();
    (d, p)
}

/// The 2017 ambiti with every member of `from` moved to `to`.
fn renamed(map: &DistrictMap, from: &str, to: &str) -> DistrictMap {
    DistrictMap::from_pairs(map.pairs().into_iter().map(|(c, d)| {
        let d = if d == from { to } else { d };
        (c.clone(), d.to_string())
    }))
}

#[test]
fn a_merger_and_a_move_are_named() {
    let (d, _) = lombardy();
    let base = d.district_map("ambiti-2017").unwrap();
    let merged = renamed(&base, "Seriate", "Romano di Lombardia");
    let c = MapChanges::between(&d.territory, "ambiti-2017", &base, &merged);
    assert!(c.moved.is_empty());
    assert_eq!(c.merged.len(), 1);
    assert_eq!(c.merged[0].district, "Romano di Lombardia");
    assert_eq!(
        c.merged[0].baseline,
        vec!["Romano di Lombardia".to_string(), "Seriate".to_string()]
    );
    // Dalmine, Isola Bergamasca and Treviglio keep their members (the comuni in no ambito are
    // no district).
    assert_eq!(c.unchanged, 3);

    // One comune of Seriate given to Dalmine; one unassigned comune added to Treviglio.
    let seriate = base
        .pairs()
        .into_iter()
        .find(|(_, d)| *d == "Seriate")
        .map(|(c, _)| c.clone())
        .unwrap();
    let outside = d
        .territory
        .municipalities()
        .iter()
        .find(|m| base.district_of(&m.code).is_none())
        .unwrap();
    let mut pairs: Vec<_> = base
        .pairs()
        .into_iter()
        .map(|(c, x)| {
            let x = if *c == seriate { "Dalmine" } else { x };
            (c.clone(), x.to_string())
        })
        .collect();
    pairs.push((outside.code.clone(), "Treviglio".into()));
    let moved = DistrictMap::from_pairs(pairs);
    let c = MapChanges::between(&d.territory, "ambiti-2017", &base, &moved);
    let mut got: Vec<(String, String, String)> = c
        .moved
        .iter()
        .map(|m| (m.code.to_string(), m.from.clone(), m.to.clone()))
        .collect();
    got.sort();
    let want = vec![(seriate.to_string(), "Seriate".into(), "Dalmine".into())];
    assert_eq!(got, want);
    // The comune from outside every ambito is newly assigned, not moved.
    assert_eq!(c.assigned.len(), 1);
    assert_eq!(
        (
            c.assigned[0].code.as_str(),
            c.assigned[0].from.as_str(),
            c.assigned[0].to.as_str()
        ),
        (outside.code.as_str(), "(unassigned)", "Treviglio")
    );
    assert!(c.unassigned.is_empty());
    assert_eq!(c.changed(), 2);
    assert!(c.merged.is_empty());
    // No merger, nothing to pay; a later date pays the schedule's second step.
    let (_, p) = lombardy();
    let costs = incentive_costs(&p.file.policy.incentives, "2018-06-30", &c);
    assert!(costs.iter().all(|i| i.total == 0.0 && i.new_districts == 0));
    let one = MapChanges::between(
        &d.territory,
        "ambiti-2017",
        &base,
        &renamed(&base, "Seriate", "Dalmine"),
    );
    let later = incentive_costs(&p.file.policy.incentives, "2019-06-30", &one);
    assert_eq!((later[0].new_districts, later[0].total), (1, 10_000.0));
    // Only Isola Bergamasca and Romano di Lombardia keep their members.
    assert_eq!(c.unchanged, 2);
}

/// Regression (issue 12): the comuni in no district were one baseline "district", so unassigning
/// Seriate's members read as the merger "(unassigned) from (unassigned) + Seriate" and was paid
/// 30,000 EUR. They are never a district, never merged, never paid.
#[test]
fn unassigned_comuni_are_never_a_district_merged_or_paid() {
    let (d, p) = lombardy();
    let base = d.district_map("ambiti-2017").unwrap();
    let seriate: Vec<_> = base
        .pairs()
        .into_iter()
        .filter(|(_, x)| *x == "Seriate")
        .map(|(c, _)| c.clone())
        .collect();
    let without = DistrictMap::from_pairs(
        base.pairs()
            .into_iter()
            .filter(|(_, x)| *x != "Seriate")
            .map(|(c, x)| (c.clone(), x.to_string())),
    );
    let c = MapChanges::between(&d.territory, "ambiti-2017", &base, &without);
    assert!(c.merged.is_empty(), "{:?}", c.merged);
    assert!(c.moved.is_empty());
    assert_eq!(c.unassigned.len(), seriate.len());
    assert!(c
        .unassigned
        .iter()
        .all(|m| m.from == "Seriate" && m.to == "(unassigned)"));
    // The other four ambiti keep their members.
    assert_eq!(c.unchanged, 4);
    let costs = incentive_costs(&p.file.policy.incentives, "2018-06-30", &c);
    assert!(costs.iter().all(|i| i.new_districts == 0 && i.total == 0.0));
    // And back: assigning them again is no merger either.
    let back = MapChanges::between(&d.territory, "without", &without, &base);
    assert!(back.merged.is_empty());
    assert_eq!(back.assigned.len(), seriate.len());
}

#[test]
fn report_of_the_2017_ambiti_holds_the_audit_map_and_changes() {
    let (d, p) = lombardy();
    let base = d.district_map("ambiti-2017").unwrap();
    let a = audit(&d.territory, &d.graph, &p, Some(&base));
    let boundaries = d.boundaries().unwrap();
    let svg = compliance_map("compliance", &boundaries, &d.polygon_districts(&base), &a);
    // One path per 2021 polygon; Seriate's members say why they are red.
    assert_eq!(svg.matches("<path class=\"comune\"").count(), 1506);
    assert!(svg.contains("Seriate: 77,716 inhabitants, more than 80,000"));
    let merged = renamed(&base, "Seriate", "Romano di Lombardia");
    let doc = document(DistrictMapReport {
        title: "Scenario report: test".into(),
        subtitle: "version 1".into(),
        map_name: "test".into(),
        notes: "Seriate & Romano <together>".into(),
        audit: &a,
        compliance_svg: Some(svg),
        changes: Some(MapChanges::between(
            &d.territory,
            "ambiti-2017",
            &base,
            &merged,
        )),
        incentives: &p.file.policy.incentives,
        agreement_date: "2018-06-30".into(),
    });
    let ids: Vec<&str> = doc.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["notes", "audit", "map-compliance", "changes"]);
    let h = html::render(&doc);
    assert!(h.contains("<p>Seriate &amp; Romano &lt;together&gt;</p>"));
    assert!(h.contains(&format!(
        "5 districts audited under {}: 4 compliant, 1 below their threshold.",
        a.policy.name
    )));
    // Seriate: 77,716 inhabitants, short of 80,001 by 2,285.
    assert!(h.contains("<td>Seriate</td><td class=\"num\">11</td><td class=\"num\">77,716</td>"));
    assert!(h.contains("<td class=\"num\">2,285</td>"));
    assert!(h.contains("0 municipalities moved to another district, 0 newly in a district, 0 left without one, 1 district formed by merger, 3 baseline districts unchanged"));
    assert!(h.contains("<li>Romano di Lombardia from Romano di Lombardia + Seriate</li>"));
    assert_eq!(h.matches("<figure").count(), 2);
    // policies/lombardy-2017.toml: EUR 30,000 per new merged ambito until 30 June 2018.
    assert!(h.contains("agreement on 2018-06-30"));
    assert!(h.contains("<td class=\"num\">30,000 EUR</td><td class=\"num\">1</td><td class=\"num\">30,000 EUR</td>"), "{}", &h[h.find("Incentives for").unwrap_or(0)..][..800]);
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;
    use std::sync::OnceLock;

    fn data() -> &'static Dataset {
        static D: OnceLock<Dataset> = OnceLock::new();
        D.get_or_init(|| lombardy().0)
    }

    /// A map of the Lombardy comuni from one label per comune (`None`: in no district).
    fn map_of(labels: &[Option<u8>]) -> DistrictMap {
        let ms = data().territory.municipalities();
        DistrictMap::from_pairs(
            ms.iter()
                .zip(labels.iter().cycle())
                .filter_map(|(m, l)| l.map(|l| (m.code.clone(), format!("D{l}")))),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// A map against itself, or against a renaming of its districts: nothing moved or
        /// merged, every district unchanged.
        #[test]
        fn renaming_changes_nothing(labels in prop::collection::vec(prop::option::of(0u8..12), 1..64)) {
            let t = &data().territory;
            let a = map_of(&labels);
            let renamed: Vec<Option<u8>> = labels.iter().map(|l| l.map(|l| 50 + l)).collect();
            let b = map_of(&renamed);
            let groups: BTreeSet<&str> = t
                .municipalities()
                .iter()
                .filter_map(|m| a.district_of(&m.code))
                .collect();
            for other in [&a, &b] {
                let c = MapChanges::between(t, "a", &a, other);
                prop_assert!(c.moved.is_empty());
                prop_assert!(c.merged.is_empty());
                prop_assert_eq!(c.unchanged, groups.len());
            }
        }

        /// Every moved comune is named with its district in each map (the same name may appear
        /// on both sides: a comune left behind when most of its district went elsewhere); the
        /// incentives are costed per district formed by merger.
        #[test]
        fn moves_name_both_districts(
            a in prop::collection::vec(prop::option::of(0u8..6), 1..40),
            b in prop::collection::vec(prop::option::of(0u8..6), 1..40),
        ) {
            let t = &data().territory;
            let (ma, mb) = (map_of(&a), map_of(&b));
            let c = MapChanges::between(t, "a", &ma, &mb);
            for m in &c.moved {
                prop_assert_eq!(Some(m.from.as_str()), ma.district_of(&m.code));
                prop_assert_eq!(Some(m.to.as_str()), mb.district_of(&m.code));
            }
            for m in &c.assigned {
                prop_assert!(ma.district_of(&m.code).is_none());
                prop_assert_eq!(Some(m.to.as_str()), mb.district_of(&m.code));
            }
            for m in &c.unassigned {
                prop_assert_eq!(Some(m.from.as_str()), ma.district_of(&m.code));
                prop_assert!(mb.district_of(&m.code).is_none());
            }
            // Unassigned comuni are never a district: no merger names them.
            for g in &c.merged {
                prop_assert!(g.district != "(unassigned)");
                prop_assert!(g.baseline.iter().all(|b| b != "(unassigned)"));
            }
            let p = policy();
            for cost in incentive_costs(&p.file.policy.incentives, "2018-06-30", &c) {
                prop_assert_eq!(cost.new_districts, c.merged.len());
                prop_assert_eq!(cost.total, cost.per_new_district * c.merged.len() as f64);
            }
        }
    }

    fn policy() -> &'static CompiledPolicy {
        static P: OnceLock<CompiledPolicy> = OnceLock::new();
        P.get_or_init(|| lombardy().1)
    }
}
